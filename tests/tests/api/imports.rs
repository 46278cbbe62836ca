//! Importing a city's existing families from CSV: a dry run that reports each row,
//! nothing imported until confirmed, then exactly what the report said.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use tests::{TestApp, empty_city, json as body_of, problem};

const CSV: &str = "\
numero_dossier;nom_dossier;courriel;adresse;code_postal;ville;responsable_prenom;responsable_nom;responsable_lien;enfant_prenom;enfant_naissance;enfant_niveau;enfant_regime
18;T I;Famille.TI@exemple.fr;12 rue Jean Jaurès;94800;Villejuif;Camille;TI;mère;Luc;2023-03-14;PS;
18;;;;;;;;;Eliot;01/06/2021;GS;végétarien
18;T I;;;;;;;;Thomas;2017-09-02;CM1;
19;DURAND;pas-une-adresse;;;;;;;Léa;2019-11-20;CP;
20;MARTIN;;\"4, avenue de Paris\";94800;Villejuif;;;;Jo;2030-01-01;;
21;BERNARD;;;;;;;;Élodie;2018-05-05;;
";

async fn check(app: &TestApp, token: &str, csv: &str) -> reqwest::Response {
    app.authed(
        Method::POST,
        "/api/v1/admin/dossier-imports?fileName=familles.csv",
        token,
    )
    .header("Content-Type", "text/csv; charset=utf-8")
    .body(csv.to_owned())
    .send()
    .await
    .unwrap()
}

async fn search(app: &TestApp, token: &str, q: &str) -> i64 {
    body_of(
        app.get_authed(&format!("/api/v1/admin/dossiers?q={q}"), token)
            .await,
        StatusCode::OK,
    )
    .await["total"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_dry_run_reports_each_row_and_nothing_is_imported_until_confirmed() {
    let (app, admin) = empty_city().await;
    let response = check(&app, &admin, CSV).await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let import = body_of(response, StatusCode::CREATED).await;
    assert_eq!(import["status"], "checked");
    assert_eq!(import["fileName"], "familles.csv");
    assert_eq!(import["rowsTotal"], 6);
    assert_eq!(import["rowsRejected"], 2);
    assert_eq!(import["dossiersPlanned"], 2);
    assert_eq!(import["childrenPlanned"], 4);

    let rows = body_of(
        app.get_authed(&format!("{location}/rows"), &admin).await,
        StatusCode::OK,
    )
    .await;
    let outcomes: Vec<(i64, &str)> = rows["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_i64().unwrap(), r["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        outcomes,
        [
            (2, "creates_dossier"),
            (3, "adds_child"),
            (4, "adds_child"),
            (5, "rejected"),
            (6, "rejected"),
            (7, "creates_dossier"),
        ]
    );
    let rejected = body_of(
        app.get_authed(&format!("{location}/rows?rejectedOnly=true"), &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rejected["total"], 2);
    let first = &rejected["items"][0];
    assert_eq!(first["dossierNumber"], "19");
    assert_eq!(first["errors"][0]["field"], "courriel");
    assert_eq!(first["errors"][0]["code"], "invalid_format");
    assert_eq!(
        first["errors"][0]["message"],
        "Ce format n'est pas reconnu."
    );
    assert_eq!(rejected["items"][1]["errors"][0]["code"], "in_future");

    // The dry run created nothing.
    assert_eq!(search(&app, &admin, "").await, 0);

    let confirmed = body_of(
        app.authed(Method::POST, &format!("{location}/confirm"), &admin)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(confirmed["status"], "imported");
    assert!(confirmed["importedAt"].is_string());
    assert_eq!(search(&app, &admin, "").await, 2);
    let found: Value = body_of(
        app.get_authed("/api/v1/admin/dossiers?q=18", &admin).await,
        StatusCode::OK,
    )
    .await;
    let id = found["items"][0]["id"].as_i64().unwrap();
    let dossier = body_of(
        app.get_authed(&format!("/api/v1/admin/dossiers/{id}"), &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(dossier["email"], "famille.ti@exemple.fr");
    assert_eq!(dossier["guardians"][0]["relationship"], "mother");
    let children: Vec<(&str, &str, &str)> = dossier["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["firstName"].as_str().unwrap(),
                c["lastName"].as_str().unwrap(),
                c["diet"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        children,
        [
            ("Thomas", "T I", "standard"),
            ("Eliot", "T I", "vegetarian"),
            ("Luc", "T I", "standard")
        ]
    );
    assert_eq!(search(&app, &admin, "BERNARD").await, 1);
    // Case is ignored beyond ASCII, on SQLite as on PostgreSQL.
    assert_eq!(search(&app, &admin, "%C3%A9lodie").await, 1);
    assert_eq!(search(&app, &admin, "%C3%89LO").await, 1);

    // Confirming twice imports nothing twice.
    let again = app
        .authed(Method::POST, &format!("{location}/confirm"), &admin)
        .send()
        .await
        .unwrap();
    problem(again, StatusCode::CONFLICT, "import_already_confirmed").await;
    assert_eq!(search(&app, &admin, "").await, 2);

    // A family imported this way can sign up with its references.
    let token = app
        .sign_up_family(
            ("18", "T I", "famille.ti@exemple.fr"),
            "camille.ti",
            "camille.ti@exemple.fr",
        )
        .await;
    let mine = body_of(
        app.get_authed("/api/v1/children", &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_check_that_became_outdated_is_refused_and_bad_files_are_explained() {
    let (app, admin) = empty_city().await;
    let first = body_of(check(&app, &admin, CSV).await, StatusCode::CREATED).await;
    let second = body_of(check(&app, &admin, CSV).await, StatusCode::CREATED).await;
    let confirm = |id: &Value| {
        app.authed(
            Method::POST,
            &format!("/api/v1/admin/dossier-imports/{id}/confirm"),
            &admin,
        )
        .send()
    };
    assert_eq!(
        confirm(&first["id"]).await.unwrap().status(),
        StatusCode::OK
    );
    problem(
        confirm(&second["id"]).await.unwrap(),
        StatusCode::CONFLICT,
        "import_outdated",
    )
    .await;
    assert_eq!(search(&app, &admin, "").await, 2);

    let header = problem(
        check(&app, &admin, "numero_dossier,age\n18,3\n").await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(header["errors"][0]["field"], "age");
    assert_eq!(header["errors"][0]["code"], "unknown_column");
    let empty = problem(
        check(&app, &admin, "").await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    assert_eq!(empty["errors"][0]["code"], "empty");
    let long_name = format!(
        "/api/v1/admin/dossier-imports?fileName={}.csv",
        "a".repeat(200)
    );
    let named = app
        .authed(Method::POST, &long_name, &admin)
        .header("Content-Type", "text/csv")
        .body(CSV)
        .send()
        .await
        .unwrap();
    let named = problem(named, StatusCode::BAD_REQUEST, "validation_failed").await;
    assert_eq!(named["errors"][0]["field"], "fileName");
    assert_eq!(named["errors"][0]["code"], "too_long");
    let latin1 = app
        .authed(Method::POST, "/api/v1/admin/dossier-imports", &admin)
        .header("Content-Type", "text/csv")
        .body(b"numero_dossier;nom_dossier\n18;B\xe9nard\n".to_vec())
        .send()
        .await
        .unwrap();
    problem(
        latin1,
        StatusCode::UNPROCESSABLE_ENTITY,
        "import_unreadable",
    )
    .await;
    let json = app
        .send_json(
            Method::POST,
            "/api/v1/admin/dossier-imports",
            Some(&admin),
            &serde_json::json!({}),
        )
        .await;
    problem(
        json,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    problem(
        app.get_authed("/api/v1/admin/dossier-imports/999", &admin)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
