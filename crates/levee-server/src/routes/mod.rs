//! Every route, listed once in [`ROUTES`], and the router built from it.

use std::time::Instant;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;

use crate::error::ApiError;
use crate::AppState;

pub mod admin;
pub mod frontier;
pub mod identity;
pub mod system;
pub mod vulns;

/// Default JSON body limit.
pub const BODY_LIMIT: usize = 256 * 1024;

/// A route's description, used for the OpenAPI document and for the
/// authorization-table test's coverage check.
#[derive(Debug, Clone, Copy)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    /// Needs an authenticated caller.
    pub auth: bool,
    /// Creates something and honours `Idempotency-Key`.
    pub idempotent: bool,
}

const fn r(
    method: &'static str,
    path: &'static str,
    tag: &'static str,
    auth: bool,
    summary: &'static str,
) -> RouteInfo {
    RouteInfo {
        method,
        path,
        summary,
        tag,
        auth,
        idempotent: false,
    }
}
const fn ri(
    method: &'static str,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
) -> RouteInfo {
    RouteInfo {
        method,
        path,
        summary,
        tag,
        auth: true,
        idempotent: true,
    }
}

pub const ROUTES: &[RouteInfo] = &[
    r(
        "GET",
        "/healthz",
        "operations",
        false,
        "Liveness: the process answers",
    ),
    r(
        "GET",
        "/readyz",
        "operations",
        false,
        "Readiness: the database answers",
    ),
    r("GET", "/metrics", "operations", false, "Prometheus metrics"),
    r(
        "GET",
        "/api/v1/openapi.json",
        "operations",
        false,
        "This API's OpenAPI 3.1 description",
    ),
    r(
        "GET",
        "/api/v1/docs",
        "operations",
        false,
        "API documentation page (offline)",
    ),
    r(
        "POST",
        "/api/v1/login",
        "identity",
        false,
        "Web login: password, then TOTP when enrolled",
    ),
    r(
        "POST",
        "/api/v1/logout",
        "identity",
        true,
        "End the web session",
    ),
    r(
        "GET",
        "/api/v1/me",
        "identity",
        true,
        "The caller: user, orgs, roles, capabilities",
    ),
    r(
        "POST",
        "/api/v1/me/password",
        "identity",
        true,
        "Set the caller's password (`current_password` required once one is set)",
    ),
    r(
        "POST",
        "/api/v1/me/totp",
        "identity",
        true,
        "Enrol a TOTP second factor (confirm with a code, and `current_password` once one is set)",
    ),
    r(
        "GET",
        "/api/v1/orgs",
        "identity",
        true,
        "Organizations the caller may see",
    ),
    ri("POST", "/api/v1/orgs", "identity", "Create an organization"),
    r(
        "GET",
        "/api/v1/orgs/{id}",
        "identity",
        true,
        "One organization",
    ),
    r(
        "PATCH",
        "/api/v1/orgs/{id}",
        "identity",
        true,
        "Update an organization",
    ),
    r(
        "GET",
        "/api/v1/orgs/{id}/members",
        "identity",
        true,
        "Members of an organization",
    ),
    ri(
        "POST",
        "/api/v1/orgs/{id}/members",
        "identity",
        "Add a member (creating the user if needed) or change a role",
    ),
    r(
        "DELETE",
        "/api/v1/orgs/{id}/members/{user_id}",
        "identity",
        true,
        "Remove a member",
    ),
    r(
        "GET",
        "/api/v1/orgs/{id}/delegations",
        "identity",
        true,
        "Who manages this org, and whom it manages",
    ),
    ri(
        "POST",
        "/api/v1/orgs/{id}/delegations",
        "identity",
        "Let a manager org act for this org",
    ),
    r(
        "DELETE",
        "/api/v1/orgs/{id}/delegations/{manager_id}",
        "identity",
        true,
        "Withdraw a delegation",
    ),
    r(
        "GET",
        "/api/v1/orgs/{id}/tokens",
        "identity",
        true,
        "API tokens of an organization (admins: all; members: their own)",
    ),
    ri(
        "POST",
        "/api/v1/orgs/{id}/tokens",
        "identity",
        "Create an API token bound to this org (shown once)",
    ),
    r(
        "DELETE",
        "/api/v1/orgs/{id}/tokens/{token_id}",
        "identity",
        true,
        "Revoke a token",
    ),
    r(
        "GET",
        "/api/v1/audit",
        "identity",
        true,
        "Audit entries the caller may see",
    ),
    r(
        "GET",
        "/api/v1/audit/keys",
        "identity",
        true,
        "Public keys that verify checkpoints and signed documents",
    ),
    r(
        "GET",
        "/api/v1/admin/jobs",
        "operations",
        true,
        "Jobs (platform admins)",
    ),
    ri(
        "POST",
        "/api/v1/admin/jobs",
        "operations",
        "Enqueue a job (platform admins)",
    ),
    // ----- the frontier-model framework (issue 9) -----
    r("GET", "/api/v1/models", "frontier", true, "Frontier models the caller may see"),
    ri("POST", "/api/v1/models", "frontier", "Register a model (developer); optionally opt in"),
    r("GET", "/api/v1/models/export", "frontier", true, "The developer's complete frontier record as JSON (?org_id=)"),
    r("GET", "/api/v1/models/{id}", "frontier", true, "One model, with its designation and date"),
    r("PATCH", "/api/v1/models/{id}", "frontier", true, "Release fields (developer only; Levee only records them)"),
    r("POST", "/api/v1/models/{id}/opt-in", "frontier", true, "Opt in to assessment (developer)"),
    r("POST", "/api/v1/models/{id}/opt-out", "frontier", true, "Opt out (developer); revokes every live grant"),
    r("GET", "/api/v1/assessments", "frontier", true, "Assessments the caller may see (?model_id=)"),
    ri("POST", "/api/v1/assessments", "frontier", "Start an assessment with a threshold commitment (evaluator)"),
    r("GET", "/api/v1/assessments/{id}", "frontier", true, "One assessment (full view for assessor and government; designation and unclassified scores for the developer)"),
    ri("POST", "/api/v1/assessments/{id}/runs", "frontier", "Record a benchmark run with per-task classified flags (assessor)"),
    r("POST", "/api/v1/assessments/{id}/designation", "frontier", true, "Record the designation, covered or not (assessor)"),
    r("GET", "/api/v1/grants", "frontier", true, "Early-access grants the caller may see (?model_id=)"),
    ri("POST", "/api/v1/grants", "frontier", "Grant early access to named government evaluators or trusted partners (developer)"),
    r("GET", "/api/v1/grants/terms", "frontier", true, "Versioned terms documents of a developer (?org_id=)"),
    ri("POST", "/api/v1/grants/terms", "frontier", "Publish a versioned terms document (developer)"),
    r("GET", "/api/v1/grants/revocations", "frontier", true, "Signed revocation list (EdDSA JWS) of the grants the caller may see"),
    r("GET", "/api/v1/grants/policy", "frontier", true, "The configured maximum early-access window"),
    r("PUT", "/api/v1/grants/policy", "frontier", true, "Set the maximum early-access window (platform admins, at most 30 days)"),
    r("GET", "/api/v1/grants/{id}", "frontier", true, "One grant: window status by the clock, terms, acceptances"),
    r("POST", "/api/v1/grants/{id}/revoke", "frontier", true, "Revoke a grant (developer)"),
    r("POST", "/api/v1/grants/{id}/accept", "frontier", true, "Accept the grant's terms for a grantee org"),
    r("POST", "/api/v1/grants/{id}/token", "frontier", true, "Take access: the grant as an EdDSA JWS with kid (grantee; audited)"),
    r("GET", "/api/v1/partners", "frontier", true, "Trusted-partner nominations the caller may see (?model_id=)"),
    ri("POST", "/api/v1/partners", "frontier", "Nominate a trusted partner (developer)"),
    r("GET", "/api/v1/partners/{id}", "frontier", true, "One nomination"),
    r("POST", "/api/v1/partners/{id}/decision", "frontier", true, "Concur or object (government)"),
    r("DELETE", "/api/v1/partners/{id}", "frontier", true, "Withdraw a nomination (developer); revokes the partner's live grants"),
    // ----- knowledge base (issue 5): public, anonymous sees CLEAR only -----
    r(
        "GET",
        "/api/v1/vulns",
        "vulns",
        false,
        "Full-text search over summaries and details (cursor pagination)",
    ),
    r(
        "GET",
        "/api/v1/vulns/changes",
        "vulns",
        false,
        "Records changed since a cursor (record seq), for mirrors",
    ),
    r(
        "GET",
        "/api/v1/vulns/{id}",
        "vulns",
        false,
        "One vulnerability by group key, record id or alias: sources, KEV, EPSS, CWE, CVSS",
    ),
    r(
        "GET",
        "/api/v1/vulns/{id}/osv",
        "vulns",
        false,
        "The vulnerability as one OSV record, verbatim",
    ),
    r(
        "GET",
        "/api/v1/osv/dump.zip",
        "vulns",
        false,
        "Every visible record in osv.dev's all.zip layout",
    ),
    r(
        "POST",
        "/api/v1/osv/query",
        "vulns",
        false,
        "OSV-compatible query by package and version, purl or commit",
    ),
    r(
        "POST",
        "/api/v1/osv/querybatch",
        "vulns",
        false,
        "OSV-compatible batch query, at most 1,000 queries (?full=true for records)",
    ),
    r(
        "POST",
        "/v1/query",
        "vulns",
        false,
        "OSV-compatible query (osv.dev path)",
    ),
    r(
        "POST",
        "/v1/querybatch",
        "vulns",
        false,
        "OSV-compatible batch query (osv.dev path)",
    ),
];

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/api/v1/openapi.json", get(system::openapi))
        .route("/api/v1/docs", get(system::docs))
        .route("/api/v1/login", post(identity::login))
        .route("/api/v1/logout", post(identity::logout))
        .route("/api/v1/me", get(identity::me))
        .route("/api/v1/me/password", post(identity::set_password))
        .route("/api/v1/me/totp", post(identity::enrol_totp))
        .route(
            "/api/v1/orgs",
            get(identity::list_orgs).post(identity::create_org),
        )
        .route(
            "/api/v1/orgs/{id}",
            get(identity::get_org).patch(identity::update_org),
        )
        .route(
            "/api/v1/orgs/{id}/members",
            get(identity::list_members).post(identity::add_member),
        )
        .route(
            "/api/v1/orgs/{id}/members/{user_id}",
            delete(identity::remove_member),
        )
        .route(
            "/api/v1/orgs/{id}/delegations",
            get(identity::list_delegations).post(identity::add_delegation),
        )
        .route(
            "/api/v1/orgs/{id}/delegations/{manager_id}",
            delete(identity::remove_delegation),
        )
        .route(
            "/api/v1/orgs/{id}/tokens",
            get(identity::list_tokens).post(identity::create_token),
        )
        .route(
            "/api/v1/orgs/{id}/tokens/{token_id}",
            delete(identity::revoke_token),
        )
        .route("/api/v1/audit", get(identity::audit))
        .route("/api/v1/audit/keys", get(identity::audit_keys))
        .route(
            "/api/v1/admin/jobs",
            get(admin::list_jobs).post(admin::enqueue_job),
        )
        // ----- the frontier-model framework (issue 9) -----
        .route(
            "/api/v1/models",
            get(frontier::list_models).post(frontier::create_model),
        )
        .route("/api/v1/models/export", get(frontier::export))
        .route(
            "/api/v1/models/{id}",
            get(frontier::get_model).patch(frontier::update_model),
        )
        .route("/api/v1/models/{id}/opt-in", post(frontier::opt_in))
        .route("/api/v1/models/{id}/opt-out", post(frontier::opt_out))
        .route(
            "/api/v1/assessments",
            get(frontier::list_assessments).post(frontier::create_assessment),
        )
        .route("/api/v1/assessments/{id}", get(frontier::get_assessment))
        .route("/api/v1/assessments/{id}/runs", post(frontier::create_run))
        .route(
            "/api/v1/assessments/{id}/designation",
            post(frontier::designate),
        )
        .route(
            "/api/v1/grants",
            get(frontier::list_grants).post(frontier::create_grant),
        )
        .route(
            "/api/v1/grants/terms",
            get(frontier::list_terms).post(frontier::publish_terms),
        )
        .route("/api/v1/grants/revocations", get(frontier::revocations))
        .route(
            "/api/v1/grants/policy",
            get(frontier::get_policy).put(frontier::set_policy),
        )
        .route("/api/v1/grants/{id}", get(frontier::get_grant))
        .route("/api/v1/grants/{id}/revoke", post(frontier::revoke_grant))
        .route("/api/v1/grants/{id}/accept", post(frontier::accept_terms))
        .route("/api/v1/grants/{id}/token", post(frontier::grant_token))
        .route(
            "/api/v1/partners",
            get(frontier::list_partners).post(frontier::nominate),
        )
        .route(
            "/api/v1/partners/{id}",
            get(frontier::get_partner).delete(frontier::withdraw_partner),
        )
        .route(
            "/api/v1/partners/{id}/decision",
            post(frontier::decide_partner),
        )
        // knowledge base (issue 5)
        .route("/api/v1/vulns", get(vulns::search))
        .route("/api/v1/vulns/changes", get(vulns::changes))
        .route("/api/v1/vulns/{id}", get(vulns::get_vuln))
        .route("/api/v1/vulns/{id}/osv", get(vulns::get_vuln_osv))
        .route("/api/v1/osv/dump.zip", get(vulns::dump))
        .route("/api/v1/osv/query", post(vulns::osv_query))
        .route("/v1/query", post(vulns::osv_query))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    // Batch queries have no query cap: a large body limit of their own.
    let batch = Router::new()
        .route("/api/v1/osv/querybatch", post(vulns::osv_querybatch))
        .route("/v1/querybatch", post(vulns::osv_querybatch))
        .layer(DefaultBodyLimit::max(vulns::BATCH_BODY_LIMIT));
    Router::new()
        .route("/", get(system::index))
        .route("/healthz", get(system::healthz))
        .route("/readyz", get(system::readyz))
        .route("/metrics", get(system::metrics))
        .merge(api)
        .merge(test_routes())
        .merge(batch)
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(catch_panic))
        .layer(middleware::from_fn_with_state(state.clone(), rate_limit))
        // Before anything keyed by the client address (the rate limit,
        // authentication's failure budget): decided once, here.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::proxy::layer,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Routes that exist only in this crate's unit tests.
#[cfg(test)]
fn test_routes() -> Router<AppState> {
    Router::new().route(tests::PANIC_ROUTE, get(tests::panics))
}
#[cfg(not(test))]
fn test_routes() -> Router<AppState> {
    Router::new()
}

async fn fallback() -> ApiError {
    ApiError::new("not_found", "no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        "method_not_allowed",
        "this route does not accept that method",
    )
}

/// A handler that panics answers the `internal` problem instead of
/// dropping the connection; the panic message goes to the log only.
async fn catch_panic(req: Request, next: Next) -> Response {
    match CatchUnwind(Box::pin(next.run(req))).await {
        Ok(resp) => resp,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("(no message)");
            tracing::error!(panic = %msg, "handler panicked");
            ApiError::internal("internal error; see the server log").into_response()
        }
    }
}

/// A future that turns a panic while polling into `Err(payload)`.
struct CatchUnwind<F>(std::pin::Pin<Box<F>>);

impl<F: std::future::Future> std::future::Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn std::any::Any + Send>>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let fut = self.0.as_mut();
        // The future is dropped right after a panic, never polled again, so
        // no broken state it may hold is observed.
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Ok(std::task::Poll::Ready(v)) => std::task::Poll::Ready(Ok(v)),
            Err(payload) => std::task::Poll::Ready(Err(payload)),
        }
    }
}

/// Request ids, metrics and a log line per request.
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let rid = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map_or_else(|| levee_store::new_id("req_"), str::to_string);
    let mut resp = next.run(req).await;
    let status = resp.status().as_u16();
    let secs = start.elapsed().as_secs_f64();
    state
        .metrics
        .observe_http(method.as_str(), &route, status, secs);
    tracing::info!(request_id = %rid, %method, %route, status, ms = secs * 1000.0, "request");
    if let Ok(v) = HeaderValue::from_str(&rid) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

/// Per-token rate limit (clients without a token share a bucket per
/// address).
async fn rate_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() == Method::GET
        && matches!(req.uri().path(), "/healthz" | "/readyz" | "/metrics")
    {
        return next.run(req).await;
    }
    let key = match req
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        Some(v) => format!("tok:{}", &levee_store::identity::token_hash(v)[..16]),
        None => {
            let ip = crate::extract::client_ip(req.extensions())
                .map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
            format!("ip:{ip}")
        }
    };
    match state.limiter.check(&key) {
        Ok(()) => next.run(req).await,
        Err(secs) => ApiError::new("rate_limited", "slow down")
            .with_retry_after(secs)
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::{header, Request, StatusCode};
    use http_body_util::BodyExt;
    use levee_model::{ManualClock, Timestamp};
    use levee_store::keys::MasterKey;
    use tower::ServiceExt;

    use crate::{AppState, Settings};

    pub const PANIC_ROUTE: &str = "/__test/panic";
    const SECRET: &str = "secret panic detail 7f3a";

    pub async fn panics() -> &'static str {
        panic!("{SECRET}");
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_an_internal_problem() {
        let db = levee_store::testing::sqlite();
        let clock = ManualClock::new(Timestamp::from_secs(1_800_000_000));
        let store = db.open(Arc::new(clock)).await.unwrap();
        let keys = store.load_keyring(&MasterKey::generate()).await.unwrap();
        let settings = Settings {
            run_worker: false,
            ..Settings::default()
        };
        let app = crate::app(AppState::new(store, keys, settings));
        let req = Request::get(PANIC_ROUTE).body(Body::empty()).unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            resp.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        assert!(resp.headers().contains_key("x-request-id"));
        let raw = resp.into_body().collect().await.unwrap().to_bytes();
        let body: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        assert_eq!(body["code"], "internal");
        assert!(
            !String::from_utf8_lossy(&raw).contains(SECRET),
            "the panic message stays in the log"
        );
        // The server keeps answering.
        let req = Request::get("/healthz").body(Body::empty()).unwrap();
        assert_eq!(app.oneshot(req).await.unwrap().status(), StatusCode::OK);
    }
}
