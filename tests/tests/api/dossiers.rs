//! The guide's chapter II, end to end: an agent creates dossier 18 "T I" with Luc,
//! Eliot and Thomas; a guardian signs up and links to it; the family reads and
//! edits; a request with a proof is decided; the family sees the decision.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use tests::steps::dossiers::{change_contact_details, create_dossier_18, dossier_18, pdf, upload};
use tests::{TestAppBuilder, empty_city, json as body_of, problem};

fn names(children: &Value) -> Vec<&str> {
    children
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["firstName"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn an_agent_creates_dossier_18_and_the_family_links_reads_edits_and_files_a_request() {
    let (app, admin) = empty_city().await;
    let id = create_dossier_18(&app, &admin).await;

    // The agent's view: numbers normalised, children eldest first, version 1 + 3 children.
    let response = app
        .get_authed(&format!("/api/v1/admin/dossiers/{id}"), &admin)
        .await;
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let dossier = body_of(response, StatusCode::OK).await;
    assert_eq!(etag, "\"1\"");
    assert_eq!(dossier["email"], "famille.ti@exemple.fr");
    assert_eq!(dossier["phones"]["home"], "0145592000");
    assert_eq!(dossier["contacts"][0]["phone"], "0698765432");
    assert_eq!(names(&dossier["children"]), ["Thomas", "Eliot", "Luc"]);
    assert_eq!(dossier["familyQuotient"], Value::Null);

    // The number is unique.
    let again = app
        .send_json(
            Method::POST,
            "/api/v1/admin/dossiers",
            Some(&admin),
            &dossier_18(),
        )
        .await;
    problem(again, StatusCode::CONFLICT, "dossier_number_taken").await;

    // Search by number, by name, by a child's name; nothing else matches.
    for q in ["18", "t%20i", "lu", "THOM"] {
        let page = body_of(
            app.get_authed(&format!("/api/v1/admin/dossiers?q={q}"), &admin)
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(page["total"], 1, "search {q}");
        assert_eq!(page["items"][0]["number"], "18");
    }
    let none = body_of(
        app.get_authed("/api/v1/admin/dossiers?q=zz", &admin).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(none["total"], 0);

    // A guardian signs up with the references the city holds, and is linked.
    let family = app
        .sign_up_family(
            ("18", "T I", "famille.ti@exemple.fr"),
            "sam.ti",
            "sam.ti@exemple.fr",
        )
        .await;
    let mine = body_of(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["id"], id);
    assert_eq!(mine["guardians"][0]["firstName"], "Camille");
    let children = body_of(
        app.get_authed("/api/v1/children", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(names(&children), ["Thomas", "Eliot", "Luc"]);
    let luc = children[2]["id"].as_i64().unwrap();
    let read = body_of(
        app.get_authed(&format!("/api/v1/children/{luc}"), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["schoolLevel"], "PS");

    // New phones apply at once; the new address waits for an agent (the default).
    let change = json!({
        "email": "famille.ti@exemple.fr",
        "address": {"line1": "3 place de la Mairie", "line2": "", "postcode": "94800", "city": "Villejuif"},
        "phones": {"home": null, "mobile": "0611223344", "work": null}
    });
    let changed = change_contact_details(&app, &family, &change).await;
    assert_eq!(changed["applied"], json!(["phones"]));
    assert_eq!(changed["pendingApproval"], json!(["address"]));
    assert_eq!(changed["dossier"]["phones"]["mobile"], "0611223344");
    assert_eq!(changed["dossier"]["phones"]["home"], Value::Null);
    assert_eq!(changed["dossier"]["address"]["line1"], "12 rue Jean Jaurès");
    let address_request = changed["requestId"].as_i64().unwrap();

    // A family-quotient update needs a proof of income; with one, it is filed.
    let without_proof = app
        .send_json(
            Method::POST,
            "/api/v1/requests",
            Some(&family),
            &json!({"kind": "family_quotient", "message": "Nouvel avis d'imposition."}),
        )
        .await;
    let refused = problem(without_proof, StatusCode::BAD_REQUEST, "validation_failed").await;
    assert_eq!(refused["errors"][0]["code"], "proof_required");
    let proof = body_of(
        upload(
            &app,
            &family,
            "kind=income_proof&fileName=avis%202026.pdf",
            "application/pdf",
            pdf(),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(proof["fileName"], "avis 2026.pdf");
    let filed = app.exchange(Method::POST, "/api/v1/requests", Some(&family), &json!({"kind": "family_quotient", "message": "Nouvel avis d'imposition.", "documentIds": [proof["id"]]}), StatusCode::CREATED)
    .await;
    assert_eq!(filed["status"], "pending");
    assert_eq!(filed["documents"][0]["id"], proof["id"]);
    let quotient_request = filed["id"].as_i64().unwrap();
    let acknowledged = app.emails_to("sam.ti@exemple.fr");
    assert!(acknowledged.iter().any(|e| e.kind == "request_filed"
        && e.subject.contains(&quotient_request.to_string())));
    // The proof cannot be attached twice.
    let reused = app
        .send_json(
            Method::POST,
            "/api/v1/requests",
            Some(&family),
            &json!({"kind": "other", "message": "Encore.", "documentIds": [proof["id"]]}),
        )
        .await;
    problem(reused, StatusCode::BAD_REQUEST, "validation_failed").await;

    // The agent's queue: pending requests, first come first served.
    let queue = body_of(
        app.get_authed("/api/v1/admin/requests?status=pending", &admin)
            .await,
        StatusCode::OK,
    )
    .await;
    let ids: Vec<i64> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [address_request, quotient_request]);
    assert_eq!(
        queue["items"][0]["proposal"]["values"]["line1"],
        Value::Null
    );
    assert_eq!(
        queue["items"][0]["proposal"]["values"]["addressLine1"],
        "3 place de la Mairie"
    );

    // Accepting a quotient update needs the quotient; it is recorded with its proof.
    let decide = |request: i64, body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.send_json(
                Method::POST,
                &format!("/api/v1/admin/requests/{request}/decision"),
                Some(&admin),
                &body,
            )
            .await
        }
    };
    problem(
        decide(quotient_request, json!({"decision": "accept"})).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    let accepted = body_of(
        decide(
            quotient_request,
            json!({"decision": "accept", "comment": "Quotient mis à jour.",
                   "familyQuotient": {"quotient": 620, "validFrom": "2026-01-01", "validUntil": "2027-12-31"}}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(accepted["status"], "accepted");
    problem(
        decide(
            quotient_request,
            json!({"decision": "refuse", "comment": "Non."}),
        )
        .await,
        StatusCode::CONFLICT,
        "request_already_decided",
    )
    .await;

    // Refusing needs a comment; a refused address change changes nothing.
    problem(
        decide(address_request, json!({"decision": "refuse"})).await,
        StatusCode::BAD_REQUEST,
        "validation_failed",
    )
    .await;
    body_of(
        decide(address_request, json!({"decision": "refuse", "comment": "Merci de joindre un justificatif de domicile."})).await,
        StatusCode::OK,
    )
    .await;

    // The family sees both decisions, is told by email, and has its new quotient.
    let requests = body_of(
        app.get_authed("/api/v1/requests", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(requests["total"], 2);
    let request = body_of(
        app.get_authed(&format!("/api/v1/requests/{address_request}"), &family)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(request["status"], "refused");
    assert_eq!(
        request["decisionComment"],
        "Merci de joindre un justificatif de domicile."
    );
    let decided: Vec<_> = app
        .emails_to("sam.ti@exemple.fr")
        .into_iter()
        .filter(|e| e.kind == "request_decided")
        .collect();
    assert_eq!(decided.len(), 2);
    assert!(
        decided
            .iter()
            .any(|e| e.subject.contains("refusée")
                && e.text_body.contains("justificatif de domicile"))
    );
    // Both decisions are in the portal too, unread, newest first.
    let notices = app.notifications(&family).await;
    let decisions: Vec<_> = notices
        .iter()
        .filter(|n| n["kind"] == "request_decided")
        .collect();
    assert_eq!(decisions.len(), 2);
    assert!(decisions.iter().all(|n| n["readAt"].is_null()));
    assert!(
        decisions[0]["body"]
            .as_str()
            .unwrap()
            .contains("justificatif de domicile")
    );
    let mine = body_of(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["familyQuotient"]["quotient"], 620);
    assert_eq!(mine["familyQuotient"]["proofDocumentId"], proof["id"]);
    assert_eq!(mine["address"]["line1"], "12 rue Jean Jaurès");
}

#[tokio::test]
async fn an_accepted_address_change_is_applied_and_free_fields_follow_the_setting() {
    let app = TestAppBuilder::default()
        .setting("CONTACT_CHANGES_NEEDING_APPROVAL", "address,email")
        .spawn()
        .await;
    let family = app.token_of("family").await;
    let agent = app.token_of("agent").await;
    let change = json!({
        "email": "nouvelle.adresse@exemple.fr",
        "address": {"line1": "3 place de la Mairie", "line2": "Bât. B", "postcode": "94800", "city": "Villejuif"},
        "phones": {"home": null, "mobile": "0612345678", "work": null}
    });
    let changed = change_contact_details(&app, &family, &change).await;
    assert_eq!(changed["applied"], json!([]));
    assert_eq!(changed["pendingApproval"], json!(["address", "email"]));
    // The city's service is told of the new request.
    assert!(
        app.emails_to("espace.familles@villejuif.example")
            .iter()
            .any(|e| e.kind == "request_received")
    );
    let request = changed["requestId"].as_i64().unwrap();
    app.exchange(
        Method::POST,
        &format!("/api/v1/admin/requests/{request}/decision"),
        Some(&agent),
        &json!({"decision": "accept"}),
        StatusCode::OK,
    )
    .await;
    let mine = body_of(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["address"]["line1"], "3 place de la Mairie");
    assert_eq!(mine["address"]["line2"], "Bât. B");
    assert_eq!(mine["email"], "nouvelle.adresse@exemple.fr");

    // Bad values are answered field by field, and nothing changes.
    let bad = json!({
        "email": "pas-une-adresse",
        "address": {"line1": "x", "line2": "", "postcode": "948", "city": "Villejuif"},
        "phones": {"home": "12", "mobile": null, "work": null}
    });
    let refused = app
        .refused(
            Method::PUT,
            "/api/v1/dossier/contact-details",
            Some(&family),
            &bad,
            (StatusCode::BAD_REQUEST, "validation_failed"),
        )
        .await;
    let fields: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "address.postcode", "phones.home"]);
    let unchanged = body_of(
        app.get_authed("/api/v1/dossier", &family).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unchanged["address"]["postcode"], "94800");
}

#[tokio::test]
async fn updates_need_the_version_read_and_refuse_a_stale_one() {
    let (app, admin) = empty_city().await;
    let id = create_dossier_18(&app, &admin).await;
    let path = format!("/api/v1/admin/dossiers/{id}");
    let mut edited = dossier_18();
    edited["name"] = json!("TI-MARTIN");

    let missing = app
        .send_json(Method::PUT, &path, Some(&admin), &edited)
        .await;
    problem(
        missing,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition_required",
    )
    .await;

    let first = app
        .authed(Method::PUT, &path, &admin)
        .header("If-Match", "\"1\"")
        .json(&edited)
        .send()
        .await
        .unwrap();
    assert_eq!(first.headers()["etag"], "\"2\"");
    assert_eq!(body_of(first, StatusCode::OK).await["name"], "TI-MARTIN");

    // A second agent who read version 1 cannot overwrite the first one's change.
    edited["name"] = json!("TI");
    let stale = app
        .authed(Method::PUT, &path, &admin)
        .header("If-Match", "\"1\"")
        .json(&edited)
        .send()
        .await
        .unwrap();
    problem(
        stale,
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
    )
    .await;
    let read = body_of(app.get_authed(&path, &admin).await, StatusCode::OK).await;
    assert_eq!(read["name"], "TI-MARTIN");

    // Children carry their own version.
    let child_id = read["children"][0]["id"].as_i64().unwrap();
    let child_path = format!("/api/v1/admin/children/{child_id}");
    let child = app.get_authed(&child_path, &admin).await;
    assert_eq!(child.headers()["etag"], "\"1\"");
    let update = json!({"firstName": "Thomas", "lastName": "TI", "birthDate": "2017-09-02",
                        "school": null, "schoolLevel": "CM2", "diet": "vegetarian"});
    let updated = app
        .authed(Method::PUT, &child_path, &admin)
        .header("If-Match", "\"1\"")
        .json(&update)
        .send()
        .await
        .unwrap();
    let updated = body_of(updated, StatusCode::OK).await;
    assert_eq!(updated["schoolLevel"], "CM2");
    assert_eq!(updated["diet"], "vegetarian");
    assert_eq!(updated["dossierId"], id);

    // A birth date in the future is refused, field by field.
    let future = json!({"firstName": "Bébé", "lastName": "TI", "birthDate": "2030-01-01",
                        "schoolLevel": null, "diet": "standard"});
    let refused = app
        .refused(
            Method::POST,
            &format!("{path}/children"),
            Some(&admin),
            &future,
            (StatusCode::BAD_REQUEST, "validation_failed"),
        )
        .await;
    assert_eq!(refused["errors"][0]["field"], "birthDate");
    assert_eq!(refused["errors"][0]["code"], "in_future");
}

#[tokio::test]
async fn a_dossier_cannot_take_the_number_of_another() {
    let (app, admin) = empty_city().await;
    create_dossier_18(&app, &admin).await;
    let mut durand = dossier_18();
    durand["number"] = json!("19");
    durand["name"] = json!("DURAND");
    let created = app
        .exchange(
            Method::POST,
            "/api/v1/admin/dossiers",
            Some(&admin),
            &durand,
            StatusCode::CREATED,
        )
        .await;
    let path = format!("/api/v1/admin/dossiers/{}", created["id"]);

    // Renumbered by mistake with dossier 18's number.
    durand["number"] = json!("18");
    let taken = app
        .authed(Method::PUT, &path, &admin)
        .header("If-Match", "\"1\"")
        .json(&durand)
        .send()
        .await
        .unwrap();
    problem(taken, StatusCode::CONFLICT, "dossier_number_taken").await;
    let read = app.get_authed(&path, &admin).await;
    assert_eq!(read.headers()["etag"], "\"1\"", "unchanged");
    assert_eq!(body_of(read, StatusCode::OK).await["number"], "19");
}
