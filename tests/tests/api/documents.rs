//! Documents: uploads checked by content and size, server names, downloads as
//! attachments; the city's documents among the family's; health forms audited.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::steps::dossiers::{pdf, upload};
use tests::{TestAppBuilder, json as body_of, problem, spawn_app};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

#[tokio::test]
async fn a_health_form_is_uploaded_for_a_child_and_downloaded_as_an_attachment() {
    let app = spawn_app().await;
    let family = app.token_of("family").await;
    let children = body_of(
        app.get_authed("/api/v1/children", &family).await,
        StatusCode::OK,
    )
    .await;
    let luc = children
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["firstName"] == "Luc")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    let response = upload(
        &app,
        &family,
        &format!("kind=health_form&childId={luc}&fileName=..%2F..%2Ffiche%20sanitaire%20Luc.PDF"),
        "application/pdf",
        pdf(),
    )
    .await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let document = body_of(response, StatusCode::CREATED).await;
    assert_eq!(location, format!("/api/v1/documents/{}", document["id"]));
    assert_eq!(document["kind"], "health_form");
    assert_eq!(document["origin"], "family");
    assert_eq!(document["childId"], luc);
    assert_eq!(document["fileName"], "fiche sanitaire Luc.pdf");
    assert_eq!(document["contentType"], "application/pdf");
    assert_eq!(document["sizeBytes"], pdf().len());

    // Stored under a server name, outside anything served, with the same bytes.
    let stored: Vec<_> = std::fs::read_dir(app.database.storage_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(stored.len(), 1);
    assert!(stored[0].len() == 32 && stored[0].chars().all(|c| c.is_ascii_hexdigit()));

    let download = app
        .get_authed(&format!("{location}/content"), &family)
        .await;
    assert_eq!(download.status(), StatusCode::OK);
    let headers = download.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"fiche sanitaire Luc.pdf\""
    );
    assert_eq!(download.bytes().await.unwrap().to_vec(), pdf());

    // A PNG sent as octet-stream is known by its content.
    let photo = body_of(
        upload(
            &app,
            &family,
            "kind=address_proof",
            "application/octet-stream",
            PNG.to_vec(),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(photo["contentType"], "image/png");
    assert_eq!(photo["fileName"], "address_proof.png");
    let list = body_of(
        app.get_authed("/api/v1/documents", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["id"], photo["id"]);
}

#[tokio::test]
async fn an_executable_renamed_pdf_and_other_bad_uploads_are_refused_and_nothing_is_stored() {
    let app = TestAppBuilder::default()
        .setting("UPLOAD_MAX_BYTES", "1024")
        .spawn()
        .await;
    let family = app.token_of("family").await;
    let executable =
        b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0This program cannot be run in DOS mode".to_vec();
    let refused = upload(
        &app,
        &family,
        "kind=health_form&fileName=fiche.pdf",
        "application/pdf",
        executable,
    )
    .await;
    problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unsupported_file_type",
    )
    .await;
    let elf = upload(
        &app,
        &family,
        "kind=other&fileName=doc.pdf",
        "application/pdf",
        b"\x7fELF\x02\x01\x01".to_vec(),
    )
    .await;
    problem(
        elf,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unsupported_file_type",
    )
    .await;

    let html = upload(
        &app,
        &family,
        "kind=other",
        "text/html",
        b"<script>alert(1)</script>".to_vec(),
    )
    .await;
    problem(
        html,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;

    let mut big = pdf();
    big.resize(2048, b' ');
    let too_big = upload(&app, &family, "kind=other", "application/pdf", big).await;
    problem(too_big, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    let empty = upload(&app, &family, "kind=other", "application/pdf", Vec::new()).await;
    problem(empty, StatusCode::BAD_REQUEST, "validation_failed").await;

    // Invoices and certificates come from the city only.
    let invoice = upload(&app, &family, "kind=invoice", "application/pdf", pdf()).await;
    problem(
        invoice,
        StatusCode::UNPROCESSABLE_ENTITY,
        "document_kind_reserved",
    )
    .await;

    let list = body_of(
        app.get_authed("/api/v1/documents", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 0);
    let stored = std::fs::read_dir(app.database.storage_dir())
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn documents_the_city_issues_appear_among_the_familys_and_agents_reads_of_health_forms_are_audited()
 {
    let app = spawn_app().await;
    let family = app.token_of("family").await;
    let agent = app.token_of("agent").await;
    let admin = app.token_of("admin").await;
    let dossier = body_of(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await;
    let dossier_id = dossier["id"].as_i64().unwrap();
    let thomas = dossier["children"][0]["id"].as_i64().unwrap();

    let certificate = app
        .authed(
            Method::POST,
            &format!("/api/v1/admin/dossiers/{dossier_id}/documents?kind=certificate&fileName=attestation%20CAF"),
            &agent,
        )
        .header("Content-Type", "application/pdf")
        .body(pdf())
        .send()
        .await
        .unwrap();
    let certificate = body_of(certificate, StatusCode::CREATED).await;
    assert_eq!(certificate["origin"], "city");
    let mine = body_of(
        app.get_authed("/api/v1/documents", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["items"][0]["id"], certificate["id"]);
    // A city-issued document is not the family's to attach to a request (whose
    // retention would delete it).
    let attach = app
        .send_json(
            Method::POST,
            "/api/v1/requests",
            Some(&family),
            &json!({"kind": "other", "message": "Voici", "documentIds": [certificate["id"]]}),
        )
        .await;
    problem(attach, StatusCode::BAD_REQUEST, "validation_failed").await;
    let described = body_of(
        app.get_authed(
            &format!("/api/v1/admin/documents/{}", certificate["id"]),
            &agent,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(described["kind"], "certificate");
    assert_eq!(mine["items"][0]["fileName"], "attestation CAF.pdf");
    let content = app
        .get_authed(
            &format!("/api/v1/documents/{}/content", certificate["id"]),
            &family,
        )
        .await;
    assert_eq!(content.bytes().await.unwrap().to_vec(), pdf());

    // A health form read by the agent is in the audit log; the family's own reads are not.
    let form = body_of(
        upload(
            &app,
            &family,
            &format!("kind=health_form&childId={thomas}"),
            "application/pdf",
            pdf(),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    app.get_authed(
        &format!("/api/v1/documents/{}/content", form["id"]),
        &family,
    )
    .await;
    let health = app
        .get_authed(&format!("/api/v1/children/{thomas}/health"), &family)
        .await;
    assert_eq!(health.status(), StatusCode::OK);
    let audit = body_of(
        app.get_authed("/api/v1/admin/audit-log", &admin).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(audit["total"], 0);

    let read = app
        .get_authed(
            &format!("/api/v1/admin/documents/{}/content", form["id"]),
            &agent,
        )
        .await;
    assert_eq!(read.status(), StatusCode::OK);
    let list = app
        .get_authed(
            &format!("/api/v1/admin/documents/{}/content", certificate["id"]),
            &agent,
        )
        .await;
    assert_eq!(list.status(), StatusCode::OK);
    let audit = body_of(
        app.get_authed("/api/v1/admin/audit-log", &admin).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(audit["total"], 1, "only the health form's read: {audit}");
    let entry = &audit["items"][0];
    assert_eq!(entry["actorUsername"], "agent.demo");
    assert_eq!(entry["action"], "read_health_document");
    assert_eq!(entry["childId"], thomas);
    assert_eq!(entry["dossierId"], dossier_id);
    problem(
        app.get_authed("/api/v1/admin/audit-log", &agent).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn agents_reads_and_changes_of_health_information_are_audited() {
    let app = spawn_app().await;
    let agent = app.token_of("agent").await;
    let admin = app.token_of("admin").await;
    let family = app.token_of("family").await;
    let dossier = body_of(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await;
    let eliot = dossier["children"][1]["id"].as_i64().unwrap();
    let path = format!("/api/v1/admin/children/{eliot}/health");

    let response = app.get_authed(&path, &agent).await;
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let health = body_of(response, StatusCode::OK).await;
    assert_eq!(health["child"]["firstName"], "Eliot");
    assert_eq!(health["health"]["allergies"], "");
    assert_eq!(health["missingVaccinations"], json!(["DTP"]));

    let update: Value = json!({"allergies": "arachide", "carePlan": true,
        "carePlanDetails": "Trousse d'urgence dans le sac.", "doctorName": "Dr Martin",
        "doctorPhone": "01 46 77 00 00", "vaccinations": [{"vaccine": "DTP", "date": "2022-06-01"}]});
    let updated = app
        .authed(Method::PUT, &path, &agent)
        .header("If-Match", etag.as_str())
        .json(&update)
        .send()
        .await
        .unwrap();
    let updated = body_of(updated, StatusCode::OK).await;
    assert_eq!(updated["health"]["doctorPhone"], "0146770000");
    assert_eq!(updated["health"]["vaccinations"][0]["vaccine"], "DTP");
    assert_eq!(updated["missingVaccinations"], json!([]));
    let family_view = body_of(
        app.get_authed(&format!("/api/v1/children/{eliot}/health"), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(family_view["health"]["allergies"], "arachide");

    let audit = body_of(
        app.get_authed(&format!("/api/v1/admin/audit-log?childId={eliot}"), &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["update_health", "read_health"]);
    let reads = body_of(
        app.get_authed("/api/v1/admin/audit-log?action=read_health", &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(reads["total"], 1);
    // No health data in the log's text.
    assert!(!audit.to_string().contains("arachide"));
}

#[tokio::test]
async fn a_dossier_cannot_store_more_than_its_quota() {
    let app = TestAppBuilder::default()
        .setting("DOSSIER_STORAGE_MAX_BYTES", "200")
        .spawn()
        .await;
    let family = app.token_of("family").await;
    let first = upload(&app, &family, "kind=other", "application/pdf", pdf()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let mut second = pdf();
    second.resize(150, b' ');
    let refused = upload(&app, &family, "kind=other", "application/pdf", second).await;
    problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "storage_quota_exceeded",
    )
    .await;
    let stored = std::fs::read_dir(app.database.storage_dir())
        .unwrap()
        .count();
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn the_documents_the_city_issues_are_checked_by_content_and_count_in_the_quota() {
    let app = TestAppBuilder::default()
        .setting("DOSSIER_STORAGE_MAX_BYTES", "200")
        .spawn()
        .await;
    let family = app.token_of("family").await;
    let agent = app.token_of("agent").await;
    let dossier = body_of(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await;
    let issue = |content: Vec<u8>| {
        let (app, agent) = (&app, agent.clone());
        let path = format!(
            "/api/v1/admin/dossiers/{}/documents?kind=certificate",
            dossier["id"]
        );
        async move {
            app.authed(Method::POST, &path, &agent)
                .header("Content-Type", "application/pdf")
                .body(content)
                .send()
                .await
                .unwrap()
        }
    };
    // Named a PDF, but a program by its content.
    problem(
        issue(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0This program".to_vec()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unsupported_file_type",
    )
    .await;
    // The family's upload and the city's share the dossier's room.
    let first = upload(&app, &family, "kind=other", "application/pdf", pdf()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let mut certificate = pdf();
    certificate.resize(150, b' ');
    problem(
        issue(certificate).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "storage_quota_exceeded",
    )
    .await;
    let stored = std::fs::read_dir(app.database.storage_dir())
        .unwrap()
        .count();
    assert_eq!(stored, 1);
}
