//! What every response goes out with, through tower-http: compression and security headers.
//!
//! - Compression, gzip or brotli as the request's `Accept-Encoding` prefers, for the page's
//!   text-like assets (HTML, JS, CSS, JSON, wasm, SVG) above a few hundred bytes. Board file
//!   downloads (`application/octet-stream`) and WebSocket upgrades are left alone: an
//!   upgrade's `Accept-Encoding` is dropped before the compression layer sees it, so a
//!   client that refuses every encoding still gets its `101` rather than a `406`.
//! - A Content-Security-Policy that allows the page's own origin and its WebSockets only
//!   (`connect-src` names `ws://HOST` and `wss://HOST` from the request's `Host`), wasm
//!   compilation (`'wasm-unsafe-eval'`), and inline styles (CodeMirror and xterm.js set
//!   them); nothing may frame the page.
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, and the
//!   cross-origin isolation that `SharedArrayBuffer` needs in the simulator:
//!   `Cross-Origin-Opener-Policy: same-origin`, `Cross-Origin-Embedder-Policy:
//!   require-corp`, `Cross-Origin-Resource-Policy: same-origin`.

use axum::Router;
use axum::extract::Request;
use axum::http::{Extensions, HeaderMap, HeaderName, HeaderValue, StatusCode, Version, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::set_header::SetResponseHeaderLayer;

/// Smaller bodies aren't worth compressing.
const COMPRESS_ABOVE: u64 = 256;
/// Brotli's default (11) takes seconds for a wasm module; 5 is fast and still beats gzip.
const QUALITY: i32 = 5;

/// Is a response of this `Content-Type` one of the page's compressible assets?
fn compressible_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || matches!(
            essence.as_str(),
            "application/javascript"
                | "application/json"
                | "application/manifest+json"
                | "application/wasm"
                | "application/xml"
                | "image/svg+xml"
        )
}

fn compressible(_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(compressible_type)
}

/// Is `host` (a `Host` header) plain enough to write into the policy: a name or address
/// and a port, nothing that could end a directive?
fn plain_host(host: &str) -> bool {
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

/// The Content-Security-Policy of a response to a request for `host` (`None` when the
/// request had no usable `Host`: then `'self'` alone, which CSP3 browsers match against
/// same-origin WebSockets too).
pub fn content_security_policy(host: Option<&str>) -> String {
    let sockets = match host.filter(|h| plain_host(h)) {
        Some(host) => format!(" ws://{host} wss://{host}"),
        None => String::new(),
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'{sockets}; \
         worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Sets the policy for the request's `Host` (the front door has vetted it already).
async fn policy(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&content_security_policy(host.as_deref())) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// A WebSocket upgrade is never compressed: its `Accept-Encoding` goes before the
/// compression layer.
async fn upgrades_as_they_are(mut request: Request, next: Next) -> Response {
    if request.headers().contains_key(header::UPGRADE) {
        request.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    next.run(request).await
}

fn always(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(
        HeaderName::from_static(name),
        HeaderValue::from_static(value),
    )
}

/// `router` with compression and the security headers on every response.
pub fn wrap<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let compression = CompressionLayer::new()
        .gzip(true)
        .br(true)
        .quality(CompressionLevel::Precise(QUALITY))
        .compress_when(
            SizeAbove::new(COMPRESS_ABOVE)
                .and(compressible as fn(StatusCode, Version, &HeaderMap, &Extensions) -> bool),
        );
    router
        .layer(compression)
        .layer(middleware::from_fn(upgrades_as_they_are))
        .layer(middleware::from_fn(policy))
        .layer(always("x-content-type-options", "nosniff"))
        .layer(always("referrer-policy", "no-referrer"))
        .layer(always("cross-origin-opener-policy", "same-origin"))
        .layer(always("cross-origin-embedder-policy", "require-corp"))
        .layer(always("cross-origin-resource-policy", "same-origin"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use std::io::Read;
    use tower::ServiceExt;

    /// A script of a few KiB, as the page's bundles are.
    fn script() -> String {
        (0..200)
            .map(|i| format!("export function f{i}(x) {{ return x * {i} + 1; }}\n"))
            .collect()
    }

    fn router() -> Router {
        let js = script();
        let routes = Router::new()
            .route(
                "/main-4FQ2KZ7D.js",
                get(move || async move { ([(header::CONTENT_TYPE, "text/javascript")], js) }),
            )
            .route(
                "/blob",
                get(|| async {
                    (
                        [(header::CONTENT_TYPE, "application/octet-stream")],
                        vec![7u8; 4096],
                    )
                }),
            );
        wrap(routes)
    }

    async fn fetch(path: &str, headers: &[(&str, &str)]) -> (HeaderMap, Vec<u8>) {
        let mut request = Request::builder()
            .uri(path)
            .header("host", "127.0.0.1:7878");
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = router()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (headers, body.to_vec())
    }

    fn encoding(headers: &HeaderMap) -> Option<&str> {
        headers
            .get(header::CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap())
    }

    #[tokio::test]
    async fn assets_are_compressed_as_the_client_prefers() {
        let (headers, body) = fetch("/main-4FQ2KZ7D.js", &[("accept-encoding", "br")]).await;
        assert_eq!(encoding(&headers), Some("br"));
        let mut plain = String::new();
        brotli_decompressor::Decompressor::new(&body[..], 4096)
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, script());
        assert!(body.len() < plain.len() / 4, "{} bytes", body.len());

        let (headers, body) = fetch("/main-4FQ2KZ7D.js", &[("accept-encoding", "gzip")]).await;
        assert_eq!(encoding(&headers), Some("gzip"));
        let mut plain = String::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, script());
        assert!(
            headers
                .get_all(header::VARY)
                .iter()
                .any(|v| v.to_str().unwrap().contains("accept-encoding"))
        );

        // Browsers offer both; brotli wins.
        let (headers, _) = fetch(
            "/main-4FQ2KZ7D.js",
            &[("accept-encoding", "gzip, deflate, br, zstd")],
        )
        .await;
        assert_eq!(encoding(&headers), Some("br"));

        let (headers, body) = fetch("/main-4FQ2KZ7D.js", &[]).await;
        assert_eq!(encoding(&headers), None);
        assert_eq!(body, script().as_bytes());
        // Raw bytes (board files) go as they are.
        let (headers, body) = fetch("/blob", &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(encoding(&headers), None);
        assert_eq!(body.len(), 4096);
    }

    #[tokio::test]
    async fn every_response_carries_the_security_headers() {
        let (headers, _) = fetch("/blob", &[]).await;
        let get = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_string());
        assert_eq!(get("x-content-type-options").as_deref(), Some("nosniff"));
        assert_eq!(get("referrer-policy").as_deref(), Some("no-referrer"));
        assert_eq!(
            get("cross-origin-opener-policy").as_deref(),
            Some("same-origin")
        );
        assert_eq!(
            get("cross-origin-embedder-policy").as_deref(),
            Some("require-corp")
        );
        assert_eq!(
            get("cross-origin-resource-policy").as_deref(),
            Some("same-origin")
        );
        let csp = get("content-security-policy").unwrap();
        assert!(
            csp.contains("connect-src 'self' ws://127.0.0.1:7878 wss://127.0.0.1:7878;"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        // A route that doesn't exist gets them too.
        let response = router()
            .oneshot(Request::get("/nothing").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert!(response.headers().contains_key("content-security-policy"));
        assert!(
            response
                .headers()
                .contains_key("cross-origin-opener-policy")
        );
    }

    #[test]
    fn the_policy_names_only_plain_hosts() {
        let csp = content_security_policy(Some("[::1]:7878"));
        assert!(csp.contains("ws://[::1]:7878 wss://[::1]:7878"), "{csp}");
        for odd in ["evil; script-src *", "a b", "", "x'y"] {
            let csp = content_security_policy(Some(odd));
            assert!(csp.contains("connect-src 'self';"), "{odd}: {csp}");
            assert!(!csp.contains("script-src *"), "{csp}");
        }
        assert_eq!(
            content_security_policy(None),
            content_security_policy(Some(""))
        );
        assert!(content_security_policy(None).starts_with(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        ));
    }

    #[test]
    fn only_text_like_assets_are_compressible() {
        for yes in [
            "text/html",
            "text/css; charset=utf-8",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/wasm",
            "image/svg+xml",
        ] {
            assert!(compressible_type(yes), "{yes}");
        }
        for no in ["application/octet-stream", "image/png", "font/woff2", ""] {
            assert!(!compressible_type(no), "{no}");
        }
    }
}
