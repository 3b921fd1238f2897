//! The server's front door: a page on another site must not be able to drive a USB board.
//!
//! - `Host` must name this machine's loopback (`localhost`, `127.0.0.1`, `[::1]`, any
//!   port): a DNS-rebinding page reaches us under its own name and is refused.
//! - A state-changing request (anything but `GET`, `HEAD`, `OPTIONS`) and every WebSocket
//!   upgrade that carries an `Origin` must come from a loopback origin. Browsers always
//!   send `Origin` on such requests; tools such as curl send none and are let through.
//!
//! - With `--token` (required to listen beyond loopback), every request must carry the
//!   token, as `Authorization: Bearer TOKEN` or `?token=TOKEN`, and any `Host` is served.
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

/// Does the request carry `token`?
fn has_token(request: &Request, token: &str) -> bool {
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "));
    let query = request
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="));
    bearer == Some(token) || query == Some(token)
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
        return next.run(request).await;
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
    let changes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let upgrade = headers.contains_key(header::UPGRADE);
    if (changes || upgrade)
        && let Some(origin) = headers.get(header::ORIGIN)
    {
        let origin = origin.to_str().unwrap_or("");
        if !is_loopback_origin(origin) {
            return AppError::Forbidden {
                code: "forbidden_origin",
                message: format!("requests from the page at {origin:?} are refused"),
            }
            .into_response();
        }
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
