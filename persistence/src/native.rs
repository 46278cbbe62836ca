//! Hot reads run on the backend's own connection rather than through diesel's
//! `MultiConnection`, which writes a query's whole SQL text out again at every
//! execution (to collect its binds) even when the statement is cached: about 4 % of the
//! server's CPU under the planning benchmark. `MultiConnection` does not pass `UNION`
//! through either.

/// Runs `$body` with `$c` bound to the backend's own connection: the query is written
/// once and compiled for each backend (`as_select()` takes its backend from there).
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::AnyConnection::Postgresql($c) => $body,
            $crate::AnyConnection::Sqlite($c) => $body,
        }
    };
}

pub(crate) use on_backend;
