//! Compressed answers for apps on metered data: brotli or gzip as `Accept-Encoding`
//! prefers (brotli on a tie), for JSON and text of at least [`MIN_BYTES`]; never for
//! files that are compressed already (PDFs, images, archives).
//!
//! A body is compressed whole on the worker (it keeps its `Content-Length`); no text
//! answer of this API is streamed (files are, and are never compressed). A strong
//! `ETag` names one representation, so a compressed answer's tag gets the coding's
//! suffix (`"abc"` becomes `"abc-br"`), which [`identity_tag`] takes off again when a
//! client sends it back.

use std::io::Write as _;

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ResponseHead, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding, Header as _, HeaderValue,
};
use actix_web::middleware::Next;

/// Below this, compressing saves less than it costs: the answer fits in one packet
/// either way, and the work is the same per answer (BENCHMARKS.md).
pub const MIN_BYTES: usize = 1024;

/// The fastest settings that still pay: a month's planning (13.6 KB of JSON) takes
/// about 30 µs to brotli at quality 1 (1.3 KB out) and 18 µs to gzip at level 1
/// (1.7 KB), where higher settings cost two to ten times as much for a tenth less.
/// Brotli's window is the answer's size, up to 64 KiB: a larger one (its default is
/// 4 MiB) only costs, its tables being made anew for each answer. BENCHMARKS.md.
const BROTLI_QUALITY: u32 = 1;
const BROTLI_MAX_WINDOW: u32 = 16;
const GZIP_LEVEL: u32 = 1;

/// The codings offered, identity first: equal preferences pick brotli over gzip.
const OFFERED: [Encoding; 3] = [Encoding::identity(), Encoding::brotli(), Encoding::gzip()];

/// Compresses the answer when the request accepts it and the answer gains by it.
pub async fn compress(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let coding = negotiated(&req);
    let response = next.call(req).await?;
    Ok(response.map_body(move |head, body| encode(coding, head, body)))
}

/// The coding the request prefers among those offered; identity when it names none
/// of them (an answer in identity is always acceptable in practice; a 406 would only
/// leave the client with nothing).
fn negotiated(req: &ServiceRequest) -> ContentEncoding {
    AcceptEncoding::parse(req)
        .ok()
        .and_then(|accepted| accepted.negotiate(OFFERED.iter()))
        .and_then(|encoding| encoding.to_string().parse().ok())
        .unwrap_or(ContentEncoding::Identity)
}

fn encode<B: MessageBody + 'static>(
    coding: ContentEncoding,
    head: &mut ResponseHead,
    body: B,
) -> BoxBody {
    // A 304 carries the `Vary` its 200 would have (RFC 9110, 15.4.5).
    if head.status == StatusCode::NOT_MODIFIED {
        vary(head);
    }
    if !worth_compressing(head) {
        return body.boxed();
    }
    if coding == ContentEncoding::Identity {
        vary(head);
        return body.boxed();
    }
    match body.try_into_bytes() {
        Ok(bytes) if bytes.len() < MIN_BYTES => {
            vary(head);
            bytes.boxed()
        }
        Ok(bytes) => {
            vary(head);
            match compressed(coding, &bytes) {
                Ok(smaller) => {
                    mark(coding, head);
                    smaller.boxed()
                }
                Err(error) => {
                    tracing::error!(%error, "compression failed; answered uncompressed");
                    bytes.boxed()
                }
            }
        }
        // A stream: only files are streamed.
        Err(stream) => stream.boxed(),
    }
}

/// JSON and text answers with a body, not compressed already.
fn worth_compressing(head: &ResponseHead) -> bool {
    let status = head.status;
    if matches!(
        status,
        StatusCode::NO_CONTENT
            | StatusCode::NOT_MODIFIED
            | StatusCode::PARTIAL_CONTENT
            | StatusCode::SWITCHING_PROTOCOLS
    ) || head.headers().contains_key(header::CONTENT_ENCODING)
    {
        return false;
    }
    head.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(is_text)
}

/// `text/*`, JSON, YAML, XML and JavaScript, with or without a structured suffix
/// (`application/problem+json`).
fn is_text(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    let syntax = subtype.rsplit('+').next().unwrap_or(subtype);
    kind == "text"
        || (kind == "application" && matches!(syntax, "json" | "yaml" | "xml" | "javascript"))
        || (kind == "image" && subtype == "svg+xml")
}

fn compressed(coding: ContentEncoding, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    match coding {
        ContentEncoding::Brotli => {
            // The window's bits: the answer's size rounded up to a power of two.
            let fits = usize::BITS - bytes.len().saturating_sub(1).leading_zeros();
            let window = fits.clamp(10, BROTLI_MAX_WINDOW);
            let mut writer = brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, window);
            writer.write_all(bytes)?;
            // Finishes the stream (a flush would leave it open).
            writer.into_inner();
        }
        ContentEncoding::Gzip => {
            let mut writer =
                flate2::write::GzEncoder::new(&mut out, flate2::Compression::new(GZIP_LEVEL));
            writer.write_all(bytes)?;
            writer.finish()?;
        }
        _ => out.extend_from_slice(bytes),
    }
    Ok(out)
}

/// A compressed answer: its coding, and its tag made its own.
fn mark(coding: ContentEncoding, head: &mut ResponseHead) {
    head.headers_mut()
        .insert(header::CONTENT_ENCODING, coding.to_header_value());
    retag(coding, head);
}

/// The answer depends on `Accept-Encoding`: caches must keep one per coding.
fn vary(head: &mut ResponseHead) {
    head.headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
}

fn retag(coding: ContentEncoding, head: &mut ResponseHead) {
    let suffixed = head
        .headers()
        .get(header::ETAG)
        .and_then(|tag| tag.to_str().ok())
        .filter(|tag| !tag.starts_with("W/"))
        .and_then(|tag| tag.strip_suffix('"'))
        .map(|open| format!("{open}-{}\"", coding.as_str()));
    if let Some(tag) = suffixed.and_then(|tag| HeaderValue::from_str(&tag).ok()) {
        head.headers_mut().insert(header::ETAG, tag);
    }
}

/// An entity tag's opaque value without the suffix a compressed answer's tag got:
/// `abc-br` and `abc-gzip` name the same content as `abc`.
pub fn identity_tag(opaque: &str) -> &str {
    ["-br", "-gzip"]
        .iter()
        .find_map(|suffix| opaque.strip_suffix(suffix))
        .unwrap_or(opaque)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_text_are_compressed_files_are_not() {
        for yes in [
            "application/json",
            "application/problem+json; charset=utf-8",
            "text/csv; charset=utf-8",
            "text/calendar",
            "application/yaml",
            "image/svg+xml",
        ] {
            assert!(is_text(yes), "{yes}");
        }
        for no in [
            "application/pdf",
            "image/png",
            "image/jpeg",
            "application/zip",
            "application/octet-stream",
            "nonsense",
        ] {
            assert!(!is_text(no), "{no}");
        }
    }

    #[test]
    fn a_coding_suffix_comes_off() {
        assert_eq!(identity_tag("abc-br"), "abc");
        assert_eq!(identity_tag("abc-gzip"), "abc");
        assert_eq!(identity_tag("abc"), "abc");
    }
}
