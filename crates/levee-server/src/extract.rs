//! Request extractors: JSON bodies with clear problems, and the caller.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, Method};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::AppState;

/// Maximum JSON nesting accepted anywhere in the API.
pub const MAX_DEPTH: usize = 64;

/// A JSON request body: content type checked, size limited (per route, by
/// `DefaultBodyLimit`), UTF-8, nesting and an object top level checked,
/// then deserialized —
/// every failure a specific 4xx problem. Keeps a hash of the raw body for
/// idempotency.
pub struct ApiJson<T> {
    pub value: T,
    pub body_hash: String,
}

/// What one pass over a JSON text finds: `[`/`{` nesting (outside strings)
/// deeper than the limit, and a string holding a NUL character (`\u0000`),
/// which is valid JSON, but no text column stores it (PostgreSQL refuses
/// it) and no field of this API means it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct JsonScan {
    pub too_deep: bool,
    pub has_nul: bool,
}

/// Scan a JSON text once for [`JsonScan`]. Stops at the first nesting
/// beyond `max_depth` (that is refused before anything else is looked at).
pub fn scan_json(b: &[u8], max_depth: usize) -> JsonScan {
    let mut out = JsonScan::default();
    let (mut depth, mut in_str, mut i) = (0usize, false, 0);
    while let Some(&c) = b.get(i) {
        if in_str {
            if c == b'\\' {
                if b.get(i + 1..i + 6) == Some(&b"u0000"[..]) {
                    out.has_nul = true;
                }
                i += 2; // the escaped character is no quote or backslash
                continue;
            }
            if c == b'"' {
                in_str = false;
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > max_depth {
                        out.too_deep = true;
                        return out;
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        i += 1;
    }
    out
}

/// Does a percent-encoded URI part (path or query) decode to a NUL?
pub fn uri_has_nul(s: &str) -> bool {
    s.as_bytes().windows(3).any(|w| w == b"%00")
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if std::str::from_utf8(bytes).is_err() {
        return Err(ApiError::new(
            "invalid_utf8",
            "the request body is not valid UTF-8",
        ));
    }
    let scan = scan_json(bytes, MAX_DEPTH);
    if scan.too_deep {
        return Err(ApiError::new(
            "nesting_too_deep",
            format!("JSON nesting deeper than {MAX_DEPTH} levels"),
        ));
    }
    // Syntax first, so that malformed JSON is never reported as a missing
    // field.
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(ApiError::new(
            "malformed_json",
            format!("line {} column {}: {e}", e.line(), e.column()),
        ));
    }
    // Every request body of this API is an object. serde's derives would
    // also take an array for a struct (fields by position): refuse any
    // other top level here, once for every route.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::validation(
            "the request body must be a JSON object",
        ));
    }
    // Reported only now, so that a malformed body stays `malformed_json`.
    if scan.has_nul {
        return Err(ApiError::validation(
            "a string holds a NUL character (\\u0000), which no field accepts",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        use serde_json::error::Category;
        let at = format!("line {} column {}", e.line(), e.column());
        match e.classify() {
            Category::Data => {
                let msg = e.to_string();
                if msg.starts_with("unknown field") {
                    ApiError::new("unknown_field", msg)
                } else {
                    ApiError::validation(msg)
                }
            }
            Category::Syntax | Category::Eof | Category::Io => {
                ApiError::new("malformed_json", format!("{at}: {e}"))
            }
        }
    })
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mime = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if mime != "application/json"
            && !(mime.starts_with("application/") && mime.ends_with("+json"))
        {
            return Err(ApiError::new(
                "unsupported_media_type",
                format!(
                    "expected Content-Type: application/json, got {:?}",
                    ct.chars().take(80).collect::<String>()
                ),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    "payload_too_large",
                    "the request body is larger than this route accepts",
                )
            } else {
                ApiError::new("bad_request", format!("could not read the body: {e}"))
            }
        })?;
        let value = parse_json(&bytes)?;
        Ok(ApiJson {
            value,
            body_hash: hex::encode(Sha256::digest(&bytes)),
        })
    }
}

/// Query parameters whose rejection (syntax, unknown or duplicate field,
/// wrong type, missing field) is a problem document (`invalid_parameter`),
/// not axum's plain-text 400.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if parts.uri.query().is_some_and(uri_has_nul) {
            return Err(ApiError::new(
                "invalid_parameter",
                "a query parameter holds a NUL character (%00)",
            ));
        }
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| ApiQuery(v))
            .map_err(|e| ApiError::new("invalid_parameter", e.body_text()))
    }
}

/// Path parameters whose rejection (a segment that is not UTF-8 once
/// percent-decoded) is a problem document (`invalid_parameter`), not axum's
/// plain-text 400.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        use axum::extract::rejection::PathRejection;
        // No object's id holds a NUL character (and no database column
        // could store one): there is no such object.
        if uri_has_nul(parts.uri.path()) {
            return Err(ApiError::not_found());
        }
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| ApiPath(v))
            .map_err(|e| match e {
                PathRejection::FailedToDeserializePathParams(e) => {
                    ApiError::new("invalid_parameter", e.body_text())
                }
                other => ApiError::internal(other.body_text()),
            })
    }
}

/// The client's IP address as decided by [`crate::proxy::layer`]: the TCP
/// peer, or the `X-Forwarded-For` client when the peer is a trusted proxy.
/// `None` when the server was not given the peer
/// (`into_make_service_with_connect_info`), e.g. an in-process router in
/// tests.
pub fn client_ip(ext: &axum::http::Extensions) -> Option<std::net::IpAddr> {
    ext.get::<crate::proxy::ClientAddr>().map(|c| c.0)
}

/// [`client_ip`] as an extractor (never rejects).
pub struct ClientIp(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(&parts.extensions)))
    }
}

/// The authenticated caller, resolved once per request.
pub use crate::authz::Caller;

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(c) = parts.extensions.get::<Caller>() {
            return Ok(c.clone());
        }
        let client = client_ip(&parts.extensions);
        let caller =
            crate::auth::authenticate(state, &parts.headers, &parts.method, client).await?;
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

/// Does this method change state (and so need CSRF protection for cookie
/// sessions)?
pub fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn depth() {
        let deep = |b: &[u8], max| scan_json(b, max).too_deep;
        assert!(!deep(br#"{"a":[1,2,{"b":"[[[["}]}"#, 3));
        assert!(deep(b"[[[[", 3));
        assert!(!deep(br#"["\"[[[[[["]"#, 2));
        assert!(!deep(br#"["\\[[[[", 1]"#, 1));
        assert!(deep(br#"["\\", [[]]]"#, 2));
    }
    #[test]
    fn nul() {
        let nul = |b: &[u8]| scan_json(b, MAX_DEPTH).has_nul;
        assert!(nul(br#"{"a":"x\u0000"}"#));
        assert!(nul(br#"{"a\u0000":1}"#));
        assert!(nul(br#"{"a":[[{"b":"\u0000"}]]}"#));
        assert!(!nul(br#"{"a":"x\\u0000"}"#));
        assert!(!nul(br#"{"a":"\"u0000"}"#));
        assert!(!nul(br#"{"a":"u0000"}"#));
        assert!(!nul(br#"{"a":1}"#));
        assert!(uri_has_nul("q=a%00b"));
        assert!(!uri_has_nul("q=a%200"));
    }
    #[test]
    fn classify() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        struct X {
            a: u8,
        }
        assert_eq!(parse_json::<X>(b"{").unwrap_err().code, "malformed_json");
        assert_eq!(
            parse_json::<X>(br#"{"a":1,"b":2}"#).unwrap_err().code,
            "unknown_field"
        );
        assert_eq!(
            parse_json::<X>(br#"{"a":"x"}"#).unwrap_err().code,
            "validation_failed"
        );
        assert_eq!(parse_json::<X>(b"\xff").unwrap_err().code, "invalid_utf8");
        // A struct is an object, never a positional array.
        assert_eq!(
            parse_json::<X>(b"[1]").unwrap_err().code,
            "validation_failed"
        );
        assert_eq!(
            parse_json::<X>(b" \n[1]").unwrap_err().code,
            "validation_failed"
        );
        assert_eq!(
            parse_json::<X>(b"null").unwrap_err().code,
            "validation_failed"
        );
        assert_eq!(parse_json::<X>(b" {\"a\":1}").unwrap().a, 1);
        // One scan finds depth and NUL; the codes keep their order: depth,
        // then syntax, then the top level, then the NUL.
        let nul = br#"{"a":"x\u0000"}"#;
        assert_eq!(parse_json::<X>(nul).unwrap_err().code, "validation_failed");
        assert!(parse_json::<X>(nul).unwrap_err().detail.contains("NUL"));
        assert_eq!(
            parse_json::<X>(br#"{"a":"\u0000""#).unwrap_err().code,
            "malformed_json"
        );
        let deep_nul = format!("{}\"\\u0000\"{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(
            parse_json::<X>(deep_nul.as_bytes()).unwrap_err().code,
            "nesting_too_deep"
        );
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(
            parse_json::<serde_json::Value>(deep.as_bytes())
                .unwrap_err()
                .code,
            "nesting_too_deep"
        );
    }
}
