//! The guide's last page, "Délais de réservation et de modification des activités",
//! served to families: each kind's rules as data and in the guide's words, and the
//! activities the city set otherwise.

use reqwest::StatusCode;
use serde_json::{Value, json};

use tests::steps::activities::{CANTEEN, child_named, register};
use tests::steps::baskets::{set_booking_window, summer_offered_to};
use tests::{TestAppBuilder, app_at, json as body_of, problem};

fn kind<'a>(table: &'a Value, code: &str) -> &'a Value {
    table
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["code"] == code)
        .unwrap_or_else(|| panic!("no kind {code} in {table}"))
}

#[tokio::test]
async fn families_read_the_guides_table_and_the_periods_the_city_set() {
    let app = app_at("2026-11-26T09:00:00Z").await;
    let family = app.token_of("family").await;
    let table = body_of(
        app.get_authed("/api/v1/deadline-rules", &family).await,
        StatusCode::OK,
    )
    .await;

    // The guide's cells, column by column: each sentence starts with the guide's words.
    for (code, booking, change) in [
        (
            "morning_care",
            "1 semaine avant le début de l'activité",
            "48 heures avant le début de l'activité",
        ),
        (
            "evening_care",
            "1 semaine avant le début de l'activité",
            "48 heures avant le début de l'activité",
        ),
        (
            "wednesday_care",
            "1 semaine avant le début de l'activité",
            "48 heures avant le début de l'activité",
        ),
        ("school_catering", "1 mois avant", "15 jours avant le début"),
        (
            "stay",
            "Période définie par la Ville",
            "Jusqu'au début de l'activité",
        ),
        (
            "short_holiday_centre",
            "Période de 15 jours après chaque retour de vacances",
            "1 mois avant",
        ),
        (
            "summer_centre",
            "Période définie par la Ville",
            "1 mois avant",
        ),
    ] {
        let column = kind(&table, code);
        assert!(
            column["booking"].as_str().unwrap().starts_with(booking),
            "{column}"
        );
        assert!(
            column["change"].as_str().unwrap().starts_with(change),
            "{column}"
        );
    }
    assert_eq!(kind(&table, "morning_care")["activities"], json!([]));
    assert_eq!(
        kind(&table, "summer_centre")["bookingRule"],
        json!({"kind": "cityPeriod"})
    );
    // The demo's summer centre follows the period the city opened for it.
    let demo_period = kind(&table, "summer_centre")["activities"][0]["booking"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        demo_period.starts_with("Période définie par la Ville : du ")
            && demo_period.ends_with(" au 05/07/2027 à 00:00"),
        "{demo_period}"
    );
    let morning = kind(&table, "morning_care");
    assert_eq!(morning["label"], "Accueil du matin");
    assert_eq!(
        morning["bookingRule"],
        json!({"kind": "before", "amount": 1, "unit": "weeks", "cutoff": null, "workingDaysOnly": false})
    );

    // The city opens the summer centre's period: the centre is listed apart.
    let thomas = child_named(&app, &family, "Thomas").await;
    let summer = summer_offered_to(&app, &family, thomas).await;
    set_booking_window(&app, summer, "2027-05-03T09:00:00", "2027-05-24T18:00:00").await;
    let table = body_of(
        app.get_authed("/api/v1/deadline-rules", &family).await,
        StatusCode::OK,
    )
    .await;
    let holidays = kind(&table, "summer_centre");
    assert_eq!(
        holidays["activities"].as_array().unwrap().len(),
        1,
        "{holidays}"
    );
    let centre = &holidays["activities"][0];
    assert_eq!(centre["activityId"], summer);
    assert_eq!(
        centre["booking"],
        "Période définie par la Ville : du 03/05/2027 à 09:00 au 24/05/2027 à 18:00"
    );
    assert_eq!(centre["bookingRule"]["kind"], "window");
    assert_eq!(centre["change"], holidays["change"]);

    // The planning names each activity's kind, a column of the table.
    let luc = child_named(&app, &family, "Luc").await;
    register(&app, &family, luc, CANTEEN).await;
    let planning = body_of(
        app.get_authed(
            &format!("/api/v1/children/{luc}/planning?period=week&date=2026-11-30"),
            &family,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let activities = planning["children"][0]["activities"].as_array().unwrap();
    assert!(!activities.is_empty(), "{planning}");
    let kind_ids: Vec<&Value> = table
        .as_array()
        .unwrap()
        .iter()
        .map(|k| &k["kindId"])
        .collect();
    for activity in activities {
        assert!(kind_ids.contains(&&activity["kindId"]), "{activity}");
    }

    // Signed-in accounts only, unless the city makes it public.
    problem(
        app.get("/api/v1/deadline-rules").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let public = TestAppBuilder::default()
        .setting("DEADLINE_TABLE_PUBLIC", "true")
        .spawn()
        .await;
    let open = body_of(public.get("/api/v1/deadline-rules").await, StatusCode::OK).await;
    assert_eq!(
        kind(&open, "stay")["booking"],
        "Période définie par la Ville"
    );
}

#[tokio::test]
async fn the_demo_has_an_activity_in_every_column_of_the_guides_table() {
    let app = app_at("2026-12-06T09:00:00Z").await;
    let agent = app.token_of("agent").await;
    let table = body_of(
        app.get_authed("/api/v1/deadline-rules", &agent).await,
        StatusCode::OK,
    )
    .await;
    let listed = body_of(
        app.get_authed("/api/v1/admin/activities?pageSize=100", &agent)
            .await,
        StatusCode::OK,
    )
    .await;
    for column in table.as_array().unwrap() {
        assert!(
            listed["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["kind"]["id"] == column["kindId"]),
            "no demo activity of {}",
            column["code"]
        );
    }
    // The stay's and the summer centre's periods are open from the demo's first day.
    let family = app.token_of("family").await;
    let thomas = child_named(&app, &family, "Thomas").await;
    let offers = body_of(
        app.get_authed(&format!("/api/v1/children/{thomas}/offers"), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    let mut bookable = Vec::new();
    for offer in offers.as_array().unwrap() {
        if offer["activity"]["mode"] != "prepaid" {
            continue;
        }
        let id = &offer["activity"]["id"];
        let weeks = body_of(
            app.get_authed(
                &format!("/api/v1/children/{thomas}/holiday-weeks?activityId={id}"),
                &family,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        let now = weeks
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["bookableNow"] == true);
        bookable.push((offer["activity"]["name"].as_str().unwrap().to_owned(), now));
    }
    bookable.sort();
    assert_eq!(
        bookable,
        [
            ("Accueil Vacances élémentaire — hiver".to_owned(), false),
            ("Accueil Vacances élémentaire — été".to_owned(), true),
            ("Séjour neige élémentaire".to_owned(), true),
        ]
    );
}
