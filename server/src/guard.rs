//! The server's front door: a page on another site must not be able to drive a USB board.
//!
//! - `Host` must name this machine's loopback (`localhost`, `127.0.0.1`, `[::1]`, any
//!   port): a DNS-rebinding page reaches us under its own name and is refused.
//! - A state-changing request (anything but `GET`, `HEAD`, `OPTIONS`) and every WebSocket
//!   upgrade that carries an `Origin` must come from a loopback origin. Browsers always
//!   send `Origin` on such requests; tools such as curl send none and are let through.
//!
//! - With `--token` (required to listen beyond loopback), every request must carry the
//!   token, as `Authorization: Bearer TOKEN`, `?token=TOKEN`, or the cookie that a request
//!   with `?token=` is answered with (`HttpOnly`, `SameSite=Strict`: the page opened at
//!   `/?token=TOKEN` loads its scripts and calls the API with it, and no other site's page
//!   can). Any `Host` is served, and a state-changing request or WebSocket that carries an
//!   `Origin` must come from the page's own origin.
//!
//! Refusals are the API's JSON errors (`forbidden_host`, `forbidden_origin`, 403;
//! `token_required`, 401).

use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// Is `host` (a `Host` header value, or the authority of an origin) this machine's loopback?
fn is_loopback(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        // `[::1]:7878`
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "::1"
    )
}

/// Is `origin` (`http://localhost:7878`) a page served from this machine's loopback?
fn is_loopback_origin(origin: &str) -> bool {
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(is_loopback)
}

/// The cookie that carries the token for the page.
const COOKIE: &str = "copperhead_token";

/// The token in the request's `?token=`, if any.
fn query_token(request: &Request) -> Option<&str> {
    request
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="))
}

/// Does the request carry `token`?
fn has_token(request: &Request, token: &str) -> bool {
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "));
    let cookie = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(COOKIE)?.strip_prefix('='));
    bearer == Some(token) || query_token(request) == Some(token) || cookie == Some(token)
}

/// Is the request a state change or a WebSocket upgrade from a page (one with an `Origin`)
/// whose origin fails `allowed`? Browsers always send `Origin` on those; tools such as curl
/// send none and are let through.
fn foreign_origin(request: &Request, allowed: impl Fn(&str) -> bool) -> Option<String> {
    let changes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let upgrade = request.headers().contains_key(header::UPGRADE);
    let origin = request.headers().get(header::ORIGIN)?;
    let origin = origin.to_str().unwrap_or("");
    ((changes || upgrade) && !allowed(origin)).then(|| origin.to_string())
}

fn refuse_origin(origin: &str) -> Response {
    AppError::Forbidden {
        code: "forbidden_origin",
        message: format!("requests from the page at {origin:?} are refused"),
    }
    .into_response()
}

pub async fn check(
    axum::extract::State(state): axum::extract::State<std::sync::Arc<crate::AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(token) = &state.token {
        if !has_token(&request, token) {
            return AppError::Unauthorized.into_response();
        }
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("")
            .to_string();
        let same = |origin: &str| {
            origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                == Some(host.as_str())
        };
        if let Some(origin) = foreign_origin(&request, same) {
            return refuse_origin(&origin);
        }
        let set_cookie = query_token(&request) == Some(token.as_str());
        let mut response = next.run(request).await;
        if set_cookie
            && let Ok(value) =
                format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict").parse()
        {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        return response;
    }
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !is_loopback(host) {
        return AppError::Forbidden {
            code: "forbidden_host",
            message: format!(
                "requests for host {host:?} are refused (only this machine's loopback is served)"
            ),
        }
        .into_response();
    }
    if let Some(origin) = foreign_origin(&request, is_loopback_origin) {
        return refuse_origin(&origin);
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_only() {
        for ok in [
            "localhost",
            "localhost:7878",
            "127.0.0.1:1",
            "[::1]:7878",
            "LOCALHOST",
        ] {
            assert!(is_loopback(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:7878",
            "127.0.0.1.evil.example",
            "",
            "10.0.0.1:7878",
        ] {
            assert!(!is_loopback(bad), "{bad}");
        }
        assert!(is_loopback_origin("http://127.0.0.1:7878"));
        assert!(!is_loopback_origin("http://evil.example"));
        assert!(!is_loopback_origin("null"));
    }
}
