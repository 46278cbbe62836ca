//! The planning's back office and extras: closure days, the school calendar import,
//! deadline rules per kind and activity, places per day, attendance, the iCalendar feed.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::steps::activities::{CANTEEN, child_named, luc_and_eliot_at_the_canteen, register};
use tests::steps::planning::{change, close_day, draft_changes, first_activity, validate};
use tests::{TestApp, app_at, json as body_of, problem};

#[tokio::test]
async fn a_closure_day_closes_the_bookings_of_that_day_unbilled_and_tells_the_family() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, CANTEEN).await;
    draft_changes(&app, &family, json!({"changes": [change(eliot, meal, "2026-09-10", "book"), change(eliot, meal, "2026-09-11", "book")]})).await;
    validate(&app, &family).await;
    let week = format!("/api/v1/children/{eliot}/planning?from=2026-09-07&to=2026-09-11");
    let tenth_of = |planning: &serde_json::Value| {
        planning["children"][0]["activities"][0]["days"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["date"] == "2026-09-10")
            .unwrap()
            .clone()
    };
    // Read once before the closure: the planning's copy of the calendar must not hide it.
    let before = body_of(app.get_authed(&week, &family).await, StatusCode::OK).await;
    assert_eq!(tenth_of(&before)["booking"], "booked");

    let agent = app.token_of("agent").await;
    let closed = close_day(&app, "2026-09-10").await;
    assert_eq!(closed["bookingsClosed"], 1);
    assert_eq!(closed["familiesTold"], 1);
    let mail = &app.emails_to("famille.ti@exemple.fr")[0];
    assert_eq!(mail.subject, "Fermeture le 10/09/2026");
    assert!(mail.text_body.contains("grève"), "{}", mail.text_body);
    assert!(
        mail.text_body
            .contains("Eliot — Restauration scolaire maternelle (Repas)")
    );

    let planning = body_of(app.get_authed(&week, &family).await, StatusCode::OK).await;
    let child = &planning["children"][0];
    let tenth = tenth_of(&planning);
    assert_eq!(tenth["booking"], "closed");
    assert_eq!(tenth["closedReason"], "closure_day");
    assert_eq!(tenth["change"]["allowed"], false);
    // Only the 11th is billed.
    assert_eq!(child["costCents"], 285);

    let listed = body_of(
        app.get_authed(
            "/api/v1/admin/closure-days?from=2026-09-01&to=2026-09-30",
            &agent,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed[0]["reason"], "grève");
    app.refused(
        Method::POST,
        "/api/v1/admin/closure-days",
        Some(&agent),
        &json!({"date": "2026-09-10", "activityId": 999_999, "reason": "x"}),
        (StatusCode::NOT_FOUND, "not_found"),
    )
    .await;
}

#[tokio::test]
async fn the_demo_school_year_runs_from_1_september_2026_to_2_july_2027() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let year = body_of(
        app.get("/api/v1/calendar/school-years/2026-2027").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(year["firstDay"], "2026-09-01");
    assert_eq!(year["lastDay"], "2027-07-02");
    let holidays: Vec<(&str, &str)> = year["holidays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["firstDay"].as_str().unwrap(),
                h["lastDay"].as_str().unwrap(),
            )
        })
        .collect();
    // domain.md: Toussaint 17 Oct - 2 Nov, Noël 19 Dec - 4 Jan, Hiver 6 - 22 Feb,
    // Printemps 3 - 19 Apr (days classes resume), the Ascension bridge 6 - 9 May: the
    // dataset marks its Friday only (Thursday is Ascension Day, then the weekend).
    assert_eq!(
        holidays[..5],
        [
            ("2026-10-17", "2026-11-01"),
            ("2026-12-19", "2027-01-03"),
            ("2027-02-06", "2027-02-21"),
            ("2027-04-03", "2027-04-18"),
            ("2027-05-07", "2027-05-07"),
        ]
    );
    problem(
        app.get("/api/v1/calendar/school-years/1990-1991").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn agents_import_the_national_school_calendar_as_csv_or_json_and_bad_rows_change_nothing() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let agent = app.token_of("agent").await;
    let csv = include_str!("../../../domain/src/calendar/fixtures/fr-en-calendrier-scolaire.csv");
    let imported = body_of(
        app.authed(
            Method::POST,
            "/api/v1/admin/school-calendar/imports",
            &agent,
        )
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(imported["zone"], "C");
    assert_eq!(imported["academy"], "Créteil");
    let toussaint = imported["periods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["schoolYear"] == "2026-2027" && p["description"] == "Vacances de la Toussaint")
        .unwrap();
    assert_eq!(
        (toussaint["firstDay"].clone(), toussaint["lastDay"].clone()),
        (json!("2026-10-17"), json!("2026-11-01"))
    );

    // A planning read over the winter holidays, before the next import drops them.
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    register(&app, &family, eliot, CANTEEN).await;
    let winter = format!("/api/v1/children/{eliot}/planning?from=2027-02-08&to=2027-02-08");
    let monday = |planning: serde_json::Value| {
        planning["children"][0]["activities"][0]["days"][0]["closedReason"].clone()
    };
    let before = body_of(app.get_authed(&winter, &family).await, StatusCode::OK).await;
    assert_eq!(monday(before), "school_holiday");

    // The JSON export, as the dataset's API pages it: replaces 2026-2027 only.
    let record = |description: &str, start: &str, end: &str| {
        json!({"description": description, "population": "-", "start_date": start, "end_date": end,
               "location": "Créteil", "zones": "Zone C", "annee_scolaire": "2026-2027"})
    };
    let page = json!({"results": [
        record("Vacances de la Toussaint", "2026-10-16T22:00:00+00:00", "2026-11-01T23:00:00+00:00"),
        record("Vacances de Noël", "2026-12-18T23:00:00+00:00", "2027-01-03T23:00:00+00:00"),
    ]});
    let imported = app
        .exchange(
            Method::POST,
            "/api/v1/admin/school-calendar/imports",
            Some(&agent),
            &page,
            StatusCode::OK,
        )
        .await;
    assert_eq!(imported["schoolYears"], json!(["2026-2027"]));
    let listed = body_of(
        app.get("/api/v1/calendar/school-holidays?from=2026-09-01&to=2027-08-31")
            .await,
        StatusCode::OK,
    )
    .await;
    let descriptions: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["description"].as_str().unwrap())
        .collect();
    // 2026-2027 now holds the two imported periods; the summer of 2026 (2025-2026) stays.
    assert_eq!(
        descriptions,
        ["Vacances de la Toussaint", "Vacances de Noël"]
    );
    // The planning sees the import at once: no winter holidays any more.
    let after = body_of(app.get_authed(&winter, &family).await, StatusCode::OK).await;
    assert_eq!(monday(after), serde_json::Value::Null);

    // A wrong row names its line and nothing changes.
    let broken = "description;population;start_date;end_date;location;zones;annee_scolaire\n\
                  Vacances d'Hiver;-;pas une date;2027-02-21T23:00:00+00:00;Créteil;Zone C;2026-2027\n";
    let refused = problem(
        app.authed(
            Method::POST,
            "/api/v1/admin/school-calendar/imports",
            &agent,
        )
        .header("content-type", "text/csv")
        .body(broken)
        .send()
        .await
        .unwrap(),
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Ligne 2"),
        "{refused}"
    );
    let again = body_of(
        app.get("/api/v1/calendar/school-holidays?from=2026-09-01&to=2027-08-31")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again.as_array().unwrap().len(), 2);
    // A CSV without a header cannot be read; an empty one is said so.
    let csv_import = |body: &'static str| {
        app.authed(
            Method::POST,
            "/api/v1/admin/school-calendar/imports",
            &agent,
        )
        .header("content-type", "text/csv")
        .body(body)
        .send()
    };
    problem(
        csv_import(";;;;;;\n;;;\n").await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "import_unreadable",
    )
    .await;
    for empty in ["", "\u{feff}\n\n"] {
        let refused = problem(
            csv_import(empty).await.unwrap(),
            StatusCode::BAD_REQUEST,
            "validation_failed",
        )
        .await;
        assert_eq!(refused["errors"][0]["code"], "empty", "{refused}");
    }
    problem(
        app.authed(
            Method::POST,
            "/api/v1/admin/school-calendar/imports",
            &agent,
        )
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let family = app.token_of("family").await;
    app.refused(
        Method::POST,
        "/api/v1/admin/school-calendar/imports",
        Some(&family),
        &page,
        (StatusCode::FORBIDDEN, "forbidden"),
    )
    .await;
}

#[tokio::test]
async fn a_city_overrides_the_guides_deadlines_per_kind_then_per_activity() {
    let app = app_at("2026-08-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let agent = app.token_of("agent").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, CANTEEN).await;
    let week = format!("/api/v1/children/{eliot}/planning?period=week&date=2026-09-07");
    let monday = |planning: &serde_json::Value| {
        planning["children"][0]["activities"][0]["days"][0]["change"].clone()
    };
    // The guide: one month before. Monday 7 September is 18 days ahead: too late.
    let planning = body_of(app.get_authed(&week, &family).await, StatusCode::OK).await;
    assert_eq!(monday(&planning)["refusal"]["code"], "deadline_passed");

    // The city's canteens: 2 working days before, at 10:00.
    let kind = app.exchange(Method::PUT, "/api/v1/admin/activity-kinds/4/deadline-rules", Some(&agent), &json!({"bookingRule": {"kind": "before", "amount": 2, "unit": "days", "cutoff": "10:00:00", "workingDaysOnly": true}}), StatusCode::OK)
    .await;
    assert_eq!(kind["bookingRule"]["amount"], 2);
    assert_eq!(
        kind["changeRule"],
        json!({"kind": "before", "amount": 15, "unit": "days", "cutoff": null, "workingDaysOnly": false})
    );
    let planning = body_of(app.get_authed(&week, &family).await, StatusCode::OK).await;
    // Thursday 3 September 10:00 Paris.
    assert_eq!(monday(&planning)["until"], "2026-09-03T08:00:00Z");

    // This activity: a booking window set by the city.
    let activity = planning["children"][0]["activities"][0]["activityId"]
        .as_i64()
        .unwrap();
    let rules = app.exchange(Method::PUT, &format!("/api/v1/admin/activities/{activity}/deadline-rules"), Some(&agent), &json!({"bookingRule": {"kind": "window", "opens": "2026-08-25T08:00:00", "closes": "2026-08-31T00:00:00"}}), StatusCode::OK)
    .await;
    assert_eq!(rules["own"]["bookingRule"]["kind"], "window");
    assert_eq!(rules["runsOn"], "school_days");
    let planning = body_of(app.get_authed(&week, &family).await, StatusCode::OK).await;
    assert_eq!(monday(&planning)["refusal"]["code"], "window_not_open");
    assert_eq!(
        monday(&planning)["refusal"]["opensAt"],
        "2026-08-25T06:00:00Z"
    );
    let draft = draft_changes(
        &app,
        &family,
        json!({"changes": [change(eliot, meal, "2026-09-07", "book")]}),
    )
    .await;
    assert_eq!(
        draft["draft"]["changes"][0]["refusal"]["code"],
        "window_not_open"
    );

    app.refused(Method::PUT, &format!("/api/v1/admin/activities/{activity}/deadline-rules"), Some(&agent), &json!({"bookingRule": {"kind": "window", "opens": "2026-08-31T00:00:00", "closes": "2026-08-25T08:00:00"}}), (StatusCode::BAD_REQUEST, "validation_failed"))
    .await;
}

#[tokio::test]
async fn a_days_places_are_never_overbooked() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let agent = app.token_of("agent").await;
    let (luc, eliot) = (
        child_named(&app, &family, "Luc").await,
        child_named(&app, &family, "Eliot").await,
    );
    let meal = register(&app, &family, luc, CANTEEN).await;
    register(&app, &family, eliot, CANTEEN).await;
    let activity = first_activity(&app, &family, luc, "2026-09-07").await;
    let group = body_of(
        app.get_authed(&format!("/api/v1/admin/activities/{activity}"), &agent)
            .await,
        StatusCode::OK,
    )
    .await["groups"][0]["id"]
        .as_i64()
        .unwrap();
    let set = app
        .send_json(
            Method::PUT,
            &format!("/api/v1/admin/activity-groups/{group}/day-capacities/2026-09-07"),
            Some(&agent),
            &json!({"capacity": 1}),
        )
        .await;
    assert!(set.status().is_success(), "{}", set.text().await.unwrap());
    draft_changes(&app, &family, json!({"changes": [change(luc, meal, "2026-09-07", "book"), change(eliot, meal, "2026-09-07", "book")]})).await;
    let result = validate(&app, &family).await;
    assert_eq!(result["applied"].as_array().unwrap().len(), 1, "{result}");
    assert_eq!(result["refused"][0]["refusal"]["code"], "day_full");
    let planning = body_of(
        app.get_authed(
            &format!("/api/v1/children/{eliot}/planning?period=week&date=2026-09-07"),
            &family,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        planning["children"][0]["activities"][0]["days"][0]["change"]["refusal"]["code"],
        "day_full"
    );
}

#[tokio::test]
async fn agents_record_attendance_which_must_match_the_booking() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let (family, luc, eliot, meal) = luc_and_eliot_at_the_canteen(&app).await;
    draft_changes(
        &app,
        &family,
        json!({"changes": [change(eliot, meal, "2026-09-07", "book")]}),
    )
    .await;
    validate(&app, &family).await;
    let agent = app.token_of("agent").await;
    let record = |child: i64, status: &str| json!({"childId": child, "unitId": meal, "date": "2026-09-07", "status": status, "note": "certificat médical"});
    let recorded = app
        .exchange(
            Method::PUT,
            "/api/v1/admin/attendance",
            Some(&agent),
            &record(eliot, "absent_justified"),
            StatusCode::OK,
        )
        .await;
    assert_eq!(recorded["status"], "absent_justified");
    // Luc came without a booking.
    app.refused(
        Method::PUT,
        "/api/v1/admin/attendance",
        Some(&agent),
        &record(luc, "present"),
        (StatusCode::BAD_REQUEST, "validation_failed"),
    )
    .await;
    app.exchange(
        Method::PUT,
        "/api/v1/admin/attendance",
        Some(&agent),
        &record(luc, "present_unbooked"),
        StatusCode::OK,
    )
    .await;
    // Wednesday: no canteen.
    app.refused(
        Method::PUT,
        "/api/v1/admin/attendance",
        Some(&agent),
        &json!({"childId": eliot, "unitId": meal, "date": "2026-09-09", "status": "present"}),
        (StatusCode::BAD_REQUEST, "validation_failed"),
    )
    .await;
    let activity = first_activity(&app, &family, eliot, "2026-09-07").await;
    let roll = body_of(
        app.get_authed(
            &format!("/api/v1/admin/activities/{activity}/attendance?date=2026-09-07"),
            &agent,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let lines = roll.as_array().unwrap();
    assert_eq!(lines.len(), 2);
    let eliot_line = lines.iter().find(|l| l["childId"] == eliot).unwrap();
    assert_eq!(eliot_line["booking"], "booked");
    assert_eq!(eliot_line["attendance"]["status"], "absent_justified");
    assert_eq!(eliot_line["attendance"]["note"], "certificat médical");
    let luc_line = lines.iter().find(|l| l["childId"] == luc).unwrap();
    assert_eq!(luc_line["booking"], json!(null));
    assert_eq!(luc_line["attendance"]["status"], "present_unbooked");

    // A child the city does not know.
    app.refused(
        Method::PUT,
        "/api/v1/admin/attendance",
        Some(&agent),
        &record(999_999, "present"),
        (StatusCode::NOT_FOUND, "not_found"),
    )
    .await;
}

/// A new calendar feed link for the child (it revokes the previous one).
async fn new_calendar_feed(app: &TestApp, family: &str, child: i64) -> Value {
    body_of(
        app.authed(
            Method::POST,
            &format!("/api/v1/children/{child}/calendar-feed"),
            family,
        )
        .send()
        .await
        .unwrap(),
        StatusCode::CREATED,
    )
    .await
}

#[tokio::test]
async fn a_childs_bookings_reach_the_phone_calendar_until_the_link_is_revoked() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, CANTEEN).await;
    draft_changes(
        &app,
        &family,
        json!({"changes": [change(eliot, meal, "2026-09-07", "book")]}),
    )
    .await;
    validate(&app, &family).await;
    let created = new_calendar_feed(&app, &family, eliot).await;
    let path = created["path"].as_str().unwrap().to_owned();
    let feed = app.get(&path).await;
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(
        feed.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = feed.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    assert!(ics.contains("DTSTART:20260907T093000Z"), "{ics}");
    assert!(ics.contains("DTEND:20260907T113000Z"), "{ics}");
    assert!(
        ics.contains("Eliot — Restauration scolaire maternelle (Repas)"),
        "{ics}"
    );
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);

    // A new link revokes the old one; revoking ends the new one.
    let renewed = new_calendar_feed(&app, &family, eliot).await;
    problem(app.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    let revoked = app
        .authed(
            Method::DELETE,
            &format!("/api/v1/children/{eliot}/calendar-feed"),
            &family,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    problem(
        app.get(renewed["path"].as_str().unwrap()).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    problem(
        app.get("/api/v1/calendar-feeds/not-a-secret").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
