//! The browser IDE's static files, embedded from `web/dist`.
//!
//! `cargo xtask build-web` produces `web/dist`. A release build embeds it, so the binary is
//! self-contained; a debug build reads it from disk at run time (rust-embed's behaviour), so a
//! rebuilt page needs no server rebuild. When `web/dist` is missing the server still compiles
//! and runs, and answers page requests with a 404 that says how to build the page.
//!
//! Caching: the page's build names its bundles by their content (`main-4FQ2KZ7D.js`,
//! esbuild's `[name]-[hash]`), so the browser keeps those for a year without asking again
//! (`immutable`); everything else (`index.html`, files without a hash) is `no-cache`: asked
//! again each time, and answered `304 Not Modified` while its `ETag` (from the file's
//! SHA-256) still matches. Compression and the security headers are added around every
//! response by [`crate::headers`].

use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "../web/dist"]
#[allow_missing = true]
struct WebDist;

const NOT_BUILT: &str = "The Copperhead web page has not been built.\n\
Build it with `cargo xtask build-web` (or start everything with `cargo xtask run`).\n";

/// The `Cache-Control` of a content-hashed file.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Is `path` a content-hashed file? Its name is `NAME-HASH.EXT` (`EXT` may hold dots, as in
/// `main-4FQ2KZ7D.js.map`), `HASH` 8 or more ASCII letters and digits. A hash must also hold
/// a digit or a capital (esbuild's are base32 capitals and digits), so that an ordinary
/// word after a dash (`code-highlight.css`) is not taken for one: a file wrongly immutable
/// would stay stale for a year, one wrongly `no-cache` only costs a request.
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let Some((stem, rest)) = name.rsplit_once('-') else {
        return false;
    };
    let Some((hash, ext)) = rest.split_once('.') else {
        return false;
    };
    !stem.is_empty()
        && !ext.is_empty()
        && hash.len() >= 8
        && hash.bytes().all(|b| b.is_ascii_alphanumeric())
        && hash
            .bytes()
            .any(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// The `Cache-Control` of the page file at `path`.
pub fn cache_control(path: &str) -> &'static str {
    if is_content_hashed(path) {
        IMMUTABLE
    } else {
        "no-cache"
    }
}

/// Does an `If-None-Match` header name `etag` (or `*`)? (Weak comparison, as RFC 9110
/// asks for `If-None-Match`.)
fn matches_etag(if_none_match: &str, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    if_none_match
        .split(',')
        .any(|tag| tag.trim() == "*" || opaque(tag) == opaque(etag))
}

/// Serves `/` as `index.html` and every other path as the file of that name.
pub async fn serve(method: Method, uri: Uri, request: HeaderMap) -> Response {
    serve_from::<WebDist>(method, uri, request)
}

/// [`serve`] from any embedded folder (the tests use one of their own).
fn serve_from<E: Embed>(method: Method, uri: Uri, request: HeaderMap) -> Response {
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
    let no_cache = [(header::CACHE_CONTROL, "no-cache")];
    let Some(file) = E::get(path) else {
        return if path == "index.html" {
            (StatusCode::NOT_FOUND, no_cache, NOT_BUILT).into_response()
        } else {
            let message = format!("Not found: /{path}\n");
            (StatusCode::NOT_FOUND, no_cache, message).into_response()
        };
    };
    // Weak, since the compression layer may send the bytes encoded.
    let etag = format!(
        "W/\"{}\"",
        crate::files::hex(&file.metadata.sha256_hash()[..16])
    );
    let cache = cache_control(path);
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|h| matches_etag(h, &etag));
    if fresh {
        let headers = [
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache.to_string()),
        ];
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, file.metadata.mimetype().to_string()),
            (header::CACHE_CONTROL, cache.to_string()),
            (header::ETAG, etag),
        ],
        file.data,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::extract::Request;
    use tower::ServiceExt;

    /// A built page of our own: `index.html`, a hashed script, a hashed wasm module.
    #[derive(Embed)]
    #[folder = "testdata/page"]
    struct TestPage;

    fn page() -> Router {
        crate::headers::wrap(Router::new().fallback(
            async |method: Method, uri: Uri, headers: HeaderMap| {
                serve_from::<TestPage>(method, uri, headers)
            },
        ))
    }

    async fn get(path: &str, headers: &[(&str, &str)]) -> Response {
        let mut request = Request::get(path).header("host", "localhost:7878");
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        page()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    fn header<'a>(response: &'a Response, name: &str) -> &'a str {
        response
            .headers()
            .get(name)
            .map_or("", |v| v.to_str().unwrap())
    }

    #[tokio::test]
    async fn the_page_is_served_with_its_caching_type_and_encoding() {
        let index = get("/", &[]).await;
        assert_eq!(index.status(), StatusCode::OK);
        assert_eq!(header(&index, "cache-control"), "no-cache");
        assert_eq!(header(&index, "content-type"), "text/html");
        assert!(header(&index, "content-security-policy").contains("default-src 'self'"));
        let etag = header(&index, "etag").to_string();
        assert!(etag.starts_with("W/\""), "{etag}");
        let again = get("/index.html", &[("if-none-match", &etag)]).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        let body = axum::body::to_bytes(again.into_body(), 1024).await.unwrap();
        assert!(body.is_empty());

        let script = get("/main-4FQ2KZ7D.js", &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(script.status(), StatusCode::OK);
        assert_eq!(header(&script, "cache-control"), IMMUTABLE);
        assert_eq!(header(&script, "content-type"), "text/javascript");
        assert_eq!(header(&script, "content-encoding"), "br");

        let wasm = get(
            "/copperhead_wasm_bg-1A2B3C4D.wasm",
            &[("accept-encoding", "gzip")],
        )
        .await;
        assert_eq!(wasm.status(), StatusCode::OK);
        assert_eq!(header(&wasm, "content-type"), "application/wasm");
        assert_eq!(header(&wasm, "cache-control"), IMMUTABLE);
        assert_eq!(header(&wasm, "content-encoding"), "gzip");

        let missing = get("/main-00000000.js", &[]).await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert_eq!(header(&missing, "cache-control"), "no-cache");
        let bad = get("/a/../index.html", &[]).await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn content_hashed_names_are_immutable() {
        for hashed in [
            "main-4FQ2KZ7D.js",
            "/worker-ABCD1234.js",
            "assets/copperhead_wasm_bg-1A2B3C4D.wasm",
            "main-4FQ2KZ7D.js.map",
            "style-XY7QZ2AB.css",
            "index.worker-ABCDEFG2.js",
            "chunk-a1b2c3d4e5.js",
        ] {
            assert!(is_content_hashed(hashed), "{hashed}");
            assert_eq!(cache_control(hashed), IMMUTABLE);
        }
        for plain in [
            "index.html",
            "main.js",
            "xterm.css",
            "code-highlight.css",
            "main-4FQ2KZ7.js",
            "main-4FQ2KZ7D",
            "-4FQ2KZ7D.js",
            "main-4FQ2_Z7D.js",
            "main-4FQ2KZ7D.",
            "assets-4FQ2KZ7D/main.js",
            "",
        ] {
            assert!(!is_content_hashed(plain), "{plain}");
            assert_eq!(cache_control(plain), "no-cache");
        }
    }

    #[test]
    fn etags_match_weakly() {
        let etag = "W/\"abc\"";
        assert!(matches_etag("W/\"abc\"", etag));
        assert!(matches_etag("\"abc\"", etag));
        assert!(matches_etag("\"x\", W/\"abc\"", etag));
        assert!(matches_etag("*", etag));
        assert!(!matches_etag("W/\"abd\"", etag));
    }
}
