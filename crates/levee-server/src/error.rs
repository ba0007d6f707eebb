//! The one API error type, mapped to HTTP in one place: RFC 9457
//! `application/problem+json` with a stable `code`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use levee_store::StoreError;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// Stable, machine-readable; documented in the OpenAPI description.
    pub code: &'static str,
    pub detail: String,
    pub retry_after: Option<u64>,
    pub extra: Option<serde_json::Value>,
}

/// Every stable problem code with its status and title.
pub const CODES: &[(&str, u16, &str)] = &[
    ("bad_request", 400, "Bad request"),
    ("malformed_json", 400, "Malformed JSON"),
    ("invalid_utf8", 400, "Body is not UTF-8"),
    ("nesting_too_deep", 400, "JSON nested too deeply"),
    ("invalid_parameter", 400, "Invalid parameter"),
    ("unauthenticated", 401, "Authentication required"),
    ("token_invalid", 401, "Invalid token"),
    ("token_expired", 401, "Token expired"),
    ("token_revoked", 401, "Token revoked"),
    ("login_failed", 401, "Login failed"),
    ("mfa_required", 401, "Second factor required"),
    ("forbidden", 403, "Forbidden"),
    ("csrf_failed", 403, "CSRF check failed"),
    ("not_found", 404, "Not found"),
    ("method_not_allowed", 405, "Method not allowed"),
    ("conflict", 409, "Conflict"),
    ("payload_too_large", 413, "Payload too large"),
    ("unsupported_media_type", 415, "Unsupported media type"),
    ("validation_failed", 422, "Validation failed"),
    ("unknown_field", 422, "Unknown field"),
    (
        "idempotency_key_reused",
        422,
        "Idempotency key reused with a different body",
    ),
    ("rate_limited", 429, "Too many requests"),
    // frontier-model framework (issue 9)
    (
        "window_too_long",
        422,
        "Access window longer than the maximum",
    ),
    ("window_invalid", 422, "Invalid access window"),
    ("model_not_covered", 422, "Model is not designated covered"),
    ("model_opted_out", 422, "Model is not opted in"),
    (
        "partner_not_trusted",
        422,
        "Partner lacks government concurrence",
    ),
    ("unknown_terms", 422, "Unknown terms document or version"),
    ("terms_not_accepted", 409, "Terms not yet accepted"),
    ("grant_revoked", 409, "Grant revoked"),
    ("window_closed", 409, "Access window closed"),
    ("internal", 500, "Internal error"),
    ("unavailable", 503, "Service unavailable"),
];

impl ApiError {
    pub fn new(code: &'static str, detail: impl Into<String>) -> Self {
        let status = CODES
            .iter()
            .find(|(c, _, _)| *c == code)
            .and_then(|(_, s, _)| StatusCode::from_u16(*s).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError {
            status,
            code,
            detail: detail.into(),
            retry_after: None,
            extra: None,
        }
    }
    pub fn not_found() -> Self {
        ApiError::new("not_found", "no such object, or you may not see it")
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        ApiError::new("forbidden", detail)
    }
    pub fn validation(detail: impl Into<String>) -> Self {
        ApiError::new("validation_failed", detail)
    }
    pub fn internal(detail: impl Into<String>) -> Self {
        ApiError::new("internal", detail)
    }
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }
    pub fn with_extra(mut self, v: serde_json::Value) -> Self {
        self.extra = Some(v);
        self
    }
    pub fn title(&self) -> &'static str {
        CODES
            .iter()
            .find(|(c, _, _)| *c == self.code)
            .map_or("Error", |(_, _, t)| t)
    }
    pub fn body(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "type": format!("/problems/{}", self.code),
            "title": self.title(),
            "status": self.status.as_u16(),
            "code": self.code,
            "detail": self.detail,
        });
        if let (Some(extra), Some(obj)) = (&self.extra, v.as_object_mut()) {
            obj.insert("errors".into(), extra.clone());
        }
        v
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(code = self.code, detail = %self.detail, "request failed");
        }
        let mut resp = (self.status, self.body().to_string()).into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                h.insert(header::RETRY_AFTER, v);
            }
        }
        if self.status == StatusCode::UNAUTHORIZED {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"levee\""),
            );
        }
        resp
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Conflict(m) => ApiError::new("conflict", m),
            other => {
                // Details of database failures stay in the log.
                tracing::error!(error = %other, "store error");
                ApiError::internal("internal error; see the server log")
            }
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
