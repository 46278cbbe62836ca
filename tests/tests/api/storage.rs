//! Where files are kept: a folder (the default, tested everywhere else), the database
//! itself, or S3-compatible object storage (moto's server, run by the tests); and
//! `storage migrate`, which moves the demo's files between the three and checks them.

use diesel::prelude::*;
use reqwest::StatusCode;

use api::config::{S3Access, StorageLocation};
use tests::s3_server;
use tests::steps::activities::child_named;
use tests::steps::billing::eliots_september_billed;
use tests::steps::dossiers::{pdf, upload};
use tests::{TestApp, TestAppBuilder, json as body_of};

/// The demo seeded on 27 November 2026 then on 20 July 2026, with its two files (an invoice's PDF and a proof of
/// address) when `demo_files`, storing files where `settings` say.
async fn app_storing(settings: &[(&str, String)], demo_files: bool) -> TestApp {
    let mut builder = TestAppBuilder::default()
        .clock(api::clock::Clock::fixed_at(
            "2026-11-27T09:00:00Z".parse().unwrap(),
        ))
        .setting("SEED_DEMO_FILES", if demo_files { "true" } else { "false" });
    for (name, value) in settings {
        builder = builder.setting(name, value);
    }
    let app = builder.spawn().await;
    app.clock.set("2026-07-20T08:00:00Z".parse().unwrap());
    app
}

/// The family uploads a health form; returns its id.
async fn upload_health_form(app: &TestApp) -> i64 {
    let family = app.token_of("family").await;
    let luc = child_named(app, &family, "Luc").await;
    let response = upload(
        app,
        &family,
        &format!("kind=health_form&childId={luc}&fileName=fiche.pdf"),
        "application/pdf",
        pdf(),
    )
    .await;
    body_of(response, StatusCode::CREATED).await["id"]
        .as_i64()
        .unwrap()
}

/// Every document of the family, downloaded: (storage key, bytes), checked against
/// the size and SHA-256 recorded at upload.
async fn download_all(app: &TestApp) -> Vec<(String, Vec<u8>)> {
    let family = app.token_of("family").await;
    let list = body_of(
        app.get_authed("/api/v1/documents", &family).await,
        StatusCode::OK,
    )
    .await;
    let mut conn = app.database.connect();
    let mut files = Vec::new();
    for document in list["items"].as_array().unwrap() {
        let id = document["id"].as_i64().unwrap();
        let download = app
            .get_authed(&format!("/api/v1/documents/{id}/content"), &family)
            .await;
        assert_eq!(download.status(), StatusCode::OK, "document {id}");
        let bytes = download.bytes().await.unwrap().to_vec();
        assert_eq!(Some(bytes.len() as u64), document["sizeBytes"].as_u64());
        use persistence::schema::documents;
        let (key, sha256): (String, String) = documents::table
            .find(id)
            .select((documents::storage_key, documents::sha256))
            .first(&mut conn)
            .unwrap();
        assert_eq!(api::adapters::storage::sha256_hex(&bytes), sha256);
        files.push((key, bytes));
    }
    files
}

fn stored_file_keys(app: &TestApp) -> Vec<String> {
    use persistence::schema::stored_files;
    stored_files::table
        .select(stored_files::key)
        .order(stored_files::key)
        .load(&mut app.database.connect())
        .unwrap()
}

fn folder_is_empty(app: &TestApp) -> bool {
    std::fs::read_dir(app.database.storage_dir()).map_or(true, |mut dir| dir.next().is_none())
}

#[tokio::test]
async fn files_can_live_in_the_database_written_with_the_change_that_makes_them() {
    let app = app_storing(&[("STORAGE_URL", "database:".into())], false).await;
    upload_health_form(&app).await;
    // A billing run files each invoice's PDF inside its transaction.
    let invoice = eliots_september_billed(&app).await;
    let family = app.token_of("family").await;
    let invoice_pdf = app
        .get_authed(&format!("/api/v1/invoices/{}/pdf", invoice["id"]), &family)
        .await;
    assert_eq!(invoice_pdf.status(), StatusCode::OK);
    assert!(invoice_pdf.bytes().await.unwrap().starts_with(b"%PDF"));

    let files = download_all(&app).await;
    assert_eq!(files.len(), 2, "the upload and the invoice's PDF");
    let mut keys: Vec<String> = files.into_iter().map(|(key, _)| key).collect();
    keys.sort();
    assert_eq!(stored_file_keys(&app), keys);
    assert!(folder_is_empty(&app), "nothing written to the disk");
}

#[tokio::test]
async fn files_can_live_in_s3_compatible_object_storage() {
    let bucket = s3_server::new_bucket().await;
    let app = app_storing(&bucket, true).await;
    upload_health_form(&app).await;
    let files = download_all(&app).await;
    assert_eq!(files.len(), 3);
    for (key, bytes) in &files {
        assert_eq!(
            s3_server::object_size(&bucket, key).await,
            Some(bytes.len())
        );
    }
    assert!(folder_is_empty(&app));
    assert!(stored_file_keys(&app).is_empty());
}

fn s3_access(settings: &[(&str, String)]) -> (StorageLocation, S3Access) {
    let value = |name: &str| {
        settings
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    (
        StorageLocation::parse(&value("STORAGE_URL")).unwrap(),
        S3Access {
            region: value("AWS_REGION"),
            endpoint: Some(value("AWS_ENDPOINT_URL")),
            access_key_id: Some(value("AWS_ACCESS_KEY_ID")),
            secret_access_key: Some(value("AWS_SECRET_ACCESS_KEY")),
        },
    )
}

#[tokio::test]
async fn storage_migrate_moves_the_demos_files_between_the_three_and_checks_them() {
    let app = app_storing(&[], true).await;
    upload_health_form(&app).await;
    let before = download_all(&app).await;
    assert_eq!(before.len(), 3);
    let bucket = s3_server::new_bucket().await;
    let (s3, access) = s3_access(&bucket);
    let mut config = (*app.state.config).clone();
    config.files.s3 = access;
    let migrate = |config: api::config::Config, to: StorageLocation| {
        tokio::task::spawn_blocking(move || api::commands::migrate_storage(&config, &to))
    };

    // Folder → database, twice: the second run finds everything there.
    let done = migrate(config.clone(), StorageLocation::Database)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((done.copied, done.already_there), (3, 0));
    let total: usize = before.iter().map(|(_, bytes)| bytes.len()).sum();
    assert_eq!(done.bytes, total as u64);
    let again = migrate(config.clone(), StorageLocation::Database)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.copied, again.already_there), (0, 3));

    // Database → S3 → another folder.
    config.files.storage = StorageLocation::Database;
    let done = migrate(config.clone(), s3.clone()).await.unwrap().unwrap();
    assert_eq!(done.copied, 3);
    for (key, bytes) in &before {
        assert_eq!(
            s3_server::object_size(&bucket, key).await,
            Some(bytes.len())
        );
    }
    config.files.storage = s3;
    let elsewhere =
        std::env::temp_dir().join(format!("ef-migrated-{}", uuid::Uuid::new_v4().simple()));
    let done = migrate(config.clone(), StorageLocation::Folder(elsewhere.clone()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.copied, 3);
    for (key, bytes) in &before {
        assert_eq!(&std::fs::read(elsewhere.join(key)).unwrap(), bytes);
    }

    // The API serves every file from the database once STORAGE_URL says so.
    let database = app.stop().await;
    let app = TestAppBuilder::default()
        .setting("STORAGE_URL", "database:")
        .database(database)
        .spawn()
        .await;
    let mut served = download_all(&app).await;
    served.sort();
    let mut expected = before.clone();
    expected.sort();
    assert_eq!(served, expected);

    // A damaged file (its hash no longer the one recorded) stops the migration.
    let (key, _) = &before[0];
    std::fs::write(elsewhere.join(key), b"damaged").unwrap();
    config.files.storage = StorageLocation::Folder(elsewhere.clone());
    let refused = migrate(config.clone(), StorageLocation::Database)
        .await
        .unwrap();
    let message = format!("{:#}", refused.unwrap_err());
    assert!(
        message.contains("damaged") && message.contains(key.as_str()),
        "{message}"
    );
    std::fs::remove_dir_all(elsewhere).unwrap();
}
