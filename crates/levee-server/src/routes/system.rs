//! Operations endpoints and the documentation pages.

use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;

use crate::error::ApiError;
use crate::AppState;

pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

pub async fn readyz(State(s): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    s.store
        .ping()
        .await
        .map_err(|e| ApiError::new("unavailable", format!("database not ready: {e}")))?;
    Ok(Json(
        serde_json::json!({ "status": "ready", "backend": s.store.backend().as_str() }),
    ))
}

pub async fn metrics(State(s): State<AppState>) -> Response {
    let last = s.store.last_change_seq().await.unwrap_or(-1) as f64;
    let body = s.metrics.render(&[
        ("levee_up", "1 while the process serves", 1.0),
        (
            "levee_change_log_seq",
            "Highest committed change-log sequence",
            last,
        ),
    ]);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

pub async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}

pub async fn docs() -> Html<&'static str> {
    Html(crate::openapi::DOCS_HTML)
}

pub async fn index() -> Html<&'static str> {
    Html(INDEX_HTML)
}

const INDEX_HTML: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Levee</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}code{background:#eee;padding:0 .2rem}</style>
</head><body>
<h1>Levee</h1>
<p>An open-source vulnerability clearinghouse.</p>
<ul>
<li><a href="/api/v1/docs">API documentation</a> (<a href="/api/v1/openapi.json">OpenAPI 3.1</a>)</li>
<li><a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>, <a href="/metrics">/metrics</a></li>
</ul>
<p>Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>; the first start prints a bootstrap token.</p>
</body></html>"#;
