//! The browser IDE's static files, embedded from `web/dist`.
//!
//! `cargo xtask build-web` produces `web/dist`. A release build embeds it, so the binary is
//! self-contained; a debug build reads it from disk at run time (rust-embed's behaviour), so a
//! rebuilt page needs no server rebuild. When `web/dist` is missing the server still compiles
//! and runs, and answers page requests with a 404 that says how to build the page.

use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "../web/dist"]
#[allow_missing = true]
struct WebDist;

const NOT_BUILT: &str = "The Copperhead web page has not been built.\n\
Build it with `cargo xtask build-web` (or start everything with `cargo xtask run`).\n";

/// Serves `/` as `index.html` and every other path as the file of that name.
pub async fn serve(method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "Method not allowed\n").into_response();
    }
    let path = match uri.path().trim_start_matches('/') {
        "" => "index.html",
        path => path,
    };
    // rust-embed checks this too when it reads from disk; refuse early and explicitly.
    if path.split('/').any(|segment| segment == "..") || path.contains('\\') {
        return (StatusCode::BAD_REQUEST, "Bad path\n").into_response();
    }
    match WebDist::get(path) {
        Some(file) => (
            [
                (header::CONTENT_TYPE, file.metadata.mimetype().to_string()),
                (header::CACHE_CONTROL, "no-cache".to_string()),
            ],
            file.data,
        )
            .into_response(),
        None if path == "index.html" => (StatusCode::NOT_FOUND, NOT_BUILT).into_response(),
        None => (StatusCode::NOT_FOUND, format!("Not found: /{path}\n")).into_response(),
    }
}
