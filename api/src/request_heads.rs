//! Request heads the HTTP layer would refuse, refused here first, as problem+json.
//!
//! actix-http answers a request line or headers it cannot parse with a bare `400` or
//! `431` of its own (no body, none of our headers) and offers no hook to change that.
//! So each connection's bytes pass through [`Guarded`] before actix reads them: every
//! request head is checked with the same parser (httparse) and the same rules, under
//! limits a little stricter than actix's, and one it would refuse is answered with our
//! problem+json and security headers instead, once the answers to the requests before
//! it on the connection are sent. Bodies pass untouched; after a chunked one, the rest
//! of the connection passes unchecked (such bodies cannot be skipped without decoding).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use actix_web::http::Uri;
use bytes::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::middleware::SECURITY_HEADERS;
use crate::problem::{ApiError, Lang, generic_problem, problem_body};

/// The longest request line (method, target, version): beyond, 414.
const MAX_REQUEST_LINE: usize = 8 * 1024;
/// The largest head (request line and headers): beyond, 431 (actix: 128 KiB).
const MAX_HEAD: usize = 64 * 1024;
/// The most headers a request may have: beyond, 431 (actix: 96).
const MAX_HEADERS: usize = 64;
/// How much is read from the connection at a time.
const READ_SIZE: usize = 8 * 1024;

/// Where the reading of a connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for a request head.
    Head,
    /// Inside a body of a known length: this many bytes left.
    Body(u64),
    /// Passing everything (after a chunked body, an upgrade, or the client's end).
    Through,
    /// A head was refused: nothing more is read; the answer goes out at shutdown.
    Refused,
}

/// A connection whose request heads are checked before the HTTP layer reads them.
#[derive(Debug)]
pub struct Guarded<S> {
    inner: S,
    state: State,
    /// Bytes read from the client and not judged yet (an incomplete head).
    held: BytesMut,
    /// Bytes judged, for the HTTP layer to read.
    ready: BytesMut,
    /// The refusal to send, and how much of it is sent.
    refusal: Option<(Vec<u8>, usize)>,
}

impl<S> Guarded<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            state: State::Head,
            held: BytesMut::with_capacity(READ_SIZE),
            ready: BytesMut::new(),
            refusal: None,
        }
    }

    /// Moves the first `n` held bytes to the HTTP layer (without a copy when nothing
    /// else is waiting for it, the usual case).
    fn pass(&mut self, n: usize) {
        let passed = self.held.split_to(n);
        if self.ready.is_empty() {
            self.ready = passed;
        } else {
            self.ready.extend_from_slice(&passed);
        }
    }

    /// Judges the held bytes, moving what passes to `ready`.
    fn judge(&mut self) {
        loop {
            match self.state {
                State::Refused => {
                    self.held.clear();
                    return;
                }
                State::Through => {
                    self.pass(self.held.len());
                    return;
                }
                State::Body(left) => {
                    let take = usize::try_from(left)
                        .unwrap_or(usize::MAX)
                        .min(self.held.len());
                    self.pass(take);
                    let left = left - take as u64;
                    self.state = if left == 0 {
                        State::Head
                    } else {
                        State::Body(left)
                    };
                    if left > 0 {
                        return;
                    }
                }
                State::Head => {
                    if self.held.is_empty() {
                        return;
                    }
                    match judge_head(&self.held) {
                        Verdict::Incomplete => return,
                        Verdict::Refused(error) => {
                            self.refusal = Some((refusal_bytes(&error), 0));
                            self.state = State::Refused;
                        }
                        Verdict::Passed { length, next } => {
                            self.pass(length);
                            self.state = next;
                        }
                    }
                }
            }
        }
    }
}

/// What a head at the start of the held bytes is.
#[derive(Debug)]
enum Verdict {
    Incomplete,
    Refused(ApiError),
    Passed { length: usize, next: State },
}

fn refused(status: u16) -> Verdict {
    let status = actix_web::http::StatusCode::from_u16(status)
        .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    Verdict::Refused(generic_problem(status))
}

/// The head at the start of `bytes`, judged by actix's rules under our limits.
fn judge_head(bytes: &[u8]) -> Verdict {
    let line_end = bytes.windows(2).position(|w| w == b"\r\n");
    if line_end.map_or(bytes.len(), |end| end) > MAX_REQUEST_LINE {
        return refused(414);
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    let length = match request.parse(bytes) {
        Ok(httparse::Status::Complete(length)) if length > MAX_HEAD => return refused(431),
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) if bytes.len() > MAX_HEAD => return refused(431),
        Ok(httparse::Status::Partial) => return Verdict::Incomplete,
        Err(httparse::Error::TooManyHeaders) => return refused(431),
        Err(_) => return refused(400),
    };
    let (Some(method), Some(path), Some(version)) = (request.method, request.path, request.version)
    else {
        return refused(400);
    };
    if actix_web::http::Method::from_bytes(method.as_bytes()).is_err()
        || Uri::try_from(path).is_err()
    {
        return refused(400);
    }
    let headers: &[httparse::Header<'_>] = request.headers;
    let named = |name: &'static str| {
        headers
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
    };
    let lengths: Vec<&[u8]> = named("content-length").map(|h| h.value).collect();
    let content_length = match lengths.as_slice() {
        [] => None,
        [value] => match std::str::from_utf8(value).map(str::trim) {
            Ok(text) if !text.starts_with('+') => match text.parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => return refused(400),
            },
            _ => return refused(400),
        },
        _ => return refused(400),
    };
    let encodings = named("transfer-encoding").count();
    if named("host").count() > 1 || encodings > 1 || (version == 1 && named("host").count() == 0) {
        return refused(400);
    }
    if encodings == 1 {
        let chunked = named("transfer-encoding").any(|h| {
            std::str::from_utf8(h.value).is_ok_and(|v| v.trim().eq_ignore_ascii_case("chunked"))
        });
        if version == 0 || !chunked || content_length.is_some() {
            return refused(400);
        }
        return Verdict::Passed {
            length,
            next: State::Through,
        };
    }
    if version == 0 && method == "POST" && content_length.is_none() {
        return refused(400);
    }
    let upgrade = named("upgrade").count() > 0 || method == "CONNECT";
    let next = match content_length {
        _ if upgrade => State::Through,
        Some(n) if n > 0 => State::Body(n),
        _ => State::Head,
    };
    Verdict::Passed { length, next }
}

/// The whole HTTP answer to a refused head: problem+json, our headers, then closed.
fn refusal_bytes(error: &ApiError) -> Vec<u8> {
    let request_id = uuid::Uuid::new_v4().to_string();
    tracing::warn!(
        request_id,
        code = error.code,
        "a request head the HTTP layer would refuse"
    );
    let body = problem_body(&error.problem(Lang::Fr, Some(&request_id)));
    let status = error.status;
    let mut head = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/problem+json\r\ncontent-length: {}\r\nconnection: close\r\nx-request-id: {request_id}\r\ndate: {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error"),
        body.len(),
        chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT"),
    );
    for (name, value) in SECURITY_HEADERS {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for Guarded<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if !this.ready.is_empty() {
                let n = this.ready.len().min(buf.remaining());
                buf.put_slice(&this.ready[..n]);
                this.ready.advance(n);
                return Poll::Ready(Ok(()));
            }
            match this.state {
                // The HTTP layer reads the end of the connection: it answers what it
                // has, then shuts the connection down, where the refusal is sent.
                State::Refused => return Poll::Ready(Ok(())),
                State::Through if this.held.is_empty() => {
                    return Pin::new(&mut this.inner).poll_read(cx, buf);
                }
                _ => {}
            }
            this.held.reserve(READ_SIZE);
            let read = ready!(tokio_util::io::poll_read_buf(
                Pin::new(&mut this.inner),
                cx,
                &mut this.held
            ))?;
            if read == 0 {
                // The client's end: whatever is held goes to the HTTP layer as it is.
                this.state = State::Through;
                this.pass(this.held.len());
                if this.ready.is_empty() {
                    return Poll::Ready(Ok(()));
                }
                continue;
            }
            this.judge();
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for Guarded<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    /// Sends the refusal, if any, after everything the HTTP layer wrote.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some((bytes, sent)) = &mut this.refusal {
            while *sent < bytes.len() {
                let n = ready!(Pin::new(&mut this.inner).poll_write(cx, &bytes[*sent..]))?;
                if n == 0 {
                    return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                }
                *sent += n;
            }
            ready!(Pin::new(&mut this.inner).poll_flush(cx))?;
        }
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(head: &[u8]) -> String {
        match judge_head(head) {
            Verdict::Incomplete => "incomplete".into(),
            Verdict::Refused(error) => format!("{} {}", error.status.as_u16(), error.code),
            Verdict::Passed { length, next } => format!("passed {length} {next:?}"),
        }
    }

    #[test]
    fn well_formed_heads_pass_with_their_body_length() {
        let get = b"GET /api/v1/city HTTP/1.1\r\nHost: x\r\n\r\n";
        assert_eq!(verdict(get), format!("passed {} Head", get.len()));
        let post = b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n{\"a\":1}";
        assert_eq!(verdict(post), "passed 49 Body(12)");
        let chunked = b"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert!(verdict(chunked).ends_with("Through"));
        assert_eq!(verdict(b"GET /x HTTP/1.1\r\nHo"), "incomplete");
    }

    #[test]
    fn heads_actix_would_refuse_are_refused_with_a_problem_code() {
        let long = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(100_000));
        assert_eq!(verdict(long.as_bytes()), "414 uri_too_long");
        let query: Vec<String> = (0..10_000).map(|i| format!("a{i}=1")).collect();
        let many = format!("GET /x?{} HTTP/1.1\r\nHost: x\r\n\r\n", query.join("&"));
        assert_eq!(verdict(many.as_bytes()), "414 uri_too_long");
        let headers: String = (0..100).map(|i| format!("X-H{i}: v\r\n")).collect();
        let crowded = format!("GET /x HTTP/1.1\r\nHost: x\r\n{headers}\r\n");
        assert_eq!(verdict(crowded.as_bytes()), "431 headers_too_large");
        let big = format!(
            "GET /x HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
            "v".repeat(70_000)
        );
        assert_eq!(verdict(big.as_bytes()), "431 headers_too_large");
        assert_eq!(verdict(b"GARBAGE\r\n\r\n"), "400 bad_request");
        assert_eq!(verdict(b"GET /x HTTP/1.1\r\n\r\n"), "400 bad_request");
        let lengths =
            b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n";
        assert_eq!(verdict(lengths), "400 bad_request");
        let both = b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert_eq!(verdict(both), "400 bad_request");
    }

    #[test]
    fn the_refusal_is_problem_json_with_our_headers() {
        let bytes = refusal_bytes(&generic_problem(actix_web::http::StatusCode::URI_TOO_LONG));
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{text}");
        assert!(text.contains("content-type: application/problem+json\r\n"));
        assert!(text.contains("x-content-type-options: nosniff\r\n"));
        let body = text.split("\r\n\r\n").nth(1).unwrap();
        let problem: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(problem["code"], "uri_too_long");
        assert_eq!(problem["status"], 414);
    }
}
