//! Administration endpoints (platform administrators only).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use levee_store::jobs::NewJob;
use levee_store::WriteTx;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::authz::{authorize, Action, Caller};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery as Query};
use crate::routes::identity::idempotent;
use crate::AppState;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct JobsQuery {
    pub state: Option<String>,
    pub limit: Option<i64>,
}

pub async fn list_jobs(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<JobsQuery>,
) -> ApiResult<Json<Value>> {
    authorize(&c, Action::Admin)?;
    if let Some(st) = &q.state {
        if !["ready", "running", "done", "dead"].contains(&st.as_str()) {
            return Err(ApiError::new(
                "invalid_parameter",
                "state is one of ready, running, done, dead",
            ));
        }
    }
    let jobs = s
        .store
        .jobs(q.state.as_deref(), q.limit.unwrap_or(100))
        .await?;
    Ok(Json(json!({ "items": jobs })))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct EnqueueJob {
    pub kind: String,
    #[serde(default)]
    pub payload: Value,
    pub dedup_key: Option<String>,
    pub max_attempts: Option<i64>,
}

pub async fn enqueue_job(
    State(s): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    body: ApiJson<EnqueueJob>,
) -> ApiResult<Response> {
    authorize(&c, Action::Admin)?;
    let b = body.value;
    if !crate::worker::MANUAL_KINDS.contains(&b.kind.as_str()) {
        return Err(ApiError::validation(format!(
            "job kind not enqueued by hand; these are: {}",
            crate::worker::MANUAL_KINDS.join(", ")
        )));
    }
    let mut job = NewJob::new(
        &b.kind,
        if b.payload.is_null() {
            json!({})
        } else {
            b.payload
        },
    );
    if let Some(k) = b.dedup_key {
        // The scheduler's own keys (`tick:…`) are reserved: taking one ahead
        // of time would cancel that slot's scheduled job (an audit
        // checkpoint).
        if k.starts_with("tick:") {
            return Err(ApiError::validation(
                "dedup_key: keys starting with \"tick:\" are reserved for scheduled jobs",
            ));
        }
        job = job.dedup(crate::routes::identity::short_text("dedup_key", &k, 200)?);
    }
    if let Some(n) = b.max_attempts {
        if !(1..=100).contains(&n) {
            return Err(ApiError::validation("max_attempts must be 1..=100"));
        }
        job = job.max_attempts(n);
    }
    idempotent(
        &s,
        &c,
        &headers,
        "POST /api/v1/admin/jobs",
        &body.body_hash,
        async |tx: &mut WriteTx| {
            let id = tx.enqueue(&job).await?;
            tx.audit(
                c.id(),
                None,
                "job.enqueue",
                &id.map_or_else(|| "deduplicated".to_string(), |i| i.to_string()),
                &json!({"kind": job.kind}),
            )
            .await?;
            Ok((
                StatusCode::CREATED,
                json!({ "id": id, "deduplicated": id.is_none() }),
            ))
        },
    )
    .await
}
