//! Compressed answers for apps on metered data: brotli or gzip as `Accept-Encoding`
//! asks, the same JSON once decoded, never for PDFs nor for answers too small to gain.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH, ETAG, VARY};
use serde_json::Value;

use tests::steps::activities::{CANTEEN, child_named, register};
use tests::steps::billing::eliots_september_billed;
use tests::steps::planning::book;
use tests::{TestApp, app_at, decoded};

/// The answer to `path` read with `Accept-Encoding: accepted` (none when empty).
async fn read(app: &TestApp, token: &str, path: &str, accepted: &str) -> reqwest::Response {
    let mut request = app.authed(reqwest::Method::GET, path, token);
    if !accepted.is_empty() {
        request = request.header(ACCEPT_ENCODING, accepted);
    }
    request.send().await.unwrap()
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<&str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

fn varies_on_encoding(response: &reqwest::Response) -> bool {
    response.headers().get_all(VARY).iter().any(|v| {
        v.to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("accept-encoding")
    })
}

#[tokio::test]
async fn a_month_planning_comes_brotli_or_gzip_compressed_and_decodes_to_the_same_json() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let family = app.token_of("family").await;
    let eliot = child_named(&app, &family, "Eliot").await;
    let meal = register(&app, &family, eliot, CANTEEN).await;
    book(&app, &family, eliot, meal, &["2026-09-14", "2026-09-15"]).await;
    let path = format!("/api/v1/children/{eliot}/planning?period=month&date=2026-09-15");

    let plain = read(&app, &family, &path, "").await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert_eq!(header(&plain, CONTENT_ENCODING), None);
    assert!(varies_on_encoding(&plain));
    let plain_tag = header(&plain, ETAG).unwrap().to_owned();
    let plain_bytes = plain.bytes().await.unwrap();
    let plain_json: Value = serde_json::from_slice(&plain_bytes).unwrap();
    assert!(
        plain_bytes.len() > 4_000,
        "a month is some KB: {}",
        plain_bytes.len()
    );

    for (accepted, coding) in [
        ("br", "br"),
        ("gzip, deflate, br", "br"),
        ("gzip", "gzip"),
        ("br;q=0.5, gzip", "gzip"),
    ] {
        let packed = read(&app, &family, &path, accepted).await;
        assert_eq!(packed.status(), StatusCode::OK);
        assert_eq!(
            header(&packed, CONTENT_ENCODING),
            Some(coding),
            "{accepted}"
        );
        assert!(varies_on_encoding(&packed), "{accepted}");
        // Its own strong tag: the same content, another representation.
        let tag = header(&packed, ETAG).unwrap().to_owned();
        assert_eq!(
            tag,
            format!("{}-{coding}\"", plain_tag.trim_end_matches('"'))
        );
        let length: usize = header(&packed, CONTENT_LENGTH).unwrap().parse().unwrap();
        let headers = packed.headers().clone();
        let bytes = packed.bytes().await.unwrap();
        assert_eq!(length, bytes.len());
        assert!(
            bytes.len() * 4 < plain_bytes.len(),
            "{accepted}: {} bytes for {}",
            bytes.len(),
            plain_bytes.len()
        );
        let json: Value = serde_json::from_slice(&decoded(&headers, &bytes)).unwrap();
        assert_eq!(json, plain_json, "{accepted}");

        // The compressed tag sent back names the same content.
        let again = app
            .authed(reqwest::Method::GET, &path, &family)
            .header(ACCEPT_ENCODING, accepted)
            .header("If-None-Match", &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{accepted}");
        assert_eq!(header(&again, ETAG), Some(tag.as_str()));
        assert!(again.bytes().await.unwrap().is_empty());
    }

    // No coding offered is acceptable: the plain answer, never a 406.
    let identity = read(&app, &family, &path, "zstd").await;
    assert_eq!(identity.status(), StatusCode::OK);
    assert_eq!(header(&identity, CONTENT_ENCODING), None);
}

#[tokio::test]
async fn small_answers_and_pdfs_are_not_compressed() {
    let app = app_at("2026-07-20T08:00:00Z").await;
    let invoice = eliots_september_billed(&app).await;
    let family = app.token_of("family").await;

    // The unread count is a few bytes: compressing would only cost.
    let count = read(
        &app,
        &family,
        "/api/v1/me/notifications/unread-count",
        "br, gzip",
    )
    .await;
    assert_eq!(count.status(), StatusCode::OK);
    assert_eq!(header(&count, CONTENT_ENCODING), None);
    assert!(varies_on_encoding(&count));
    assert!(count.bytes().await.unwrap().len() < 1024);

    // A PDF is compressed already.
    let pdf = read(
        &app,
        &family,
        &format!("/api/v1/invoices/{}/pdf", invoice["id"]),
        "br, gzip",
    )
    .await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(header(&pdf, CONTENT_ENCODING), None);
    let bytes = pdf.bytes().await.unwrap();
    assert!(
        bytes.starts_with(b"%PDF") && bytes.len() > 1024,
        "{}",
        bytes.len()
    );
}
