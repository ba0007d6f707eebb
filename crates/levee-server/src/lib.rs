//! The HTTP API (axum), authentication, the one authorization module, the
//! job worker, and the web pages.
//!
//! Conventions every route follows: `/api/v1/...`, JSON in and out; errors
//! are `application/problem+json` with a stable `code` ([`error::CODES`]);
//! body limits per route (413 beyond); cursor pagination; an `x-request-id`
//! on every response; per-token rate limits (429 + `Retry-After`). Every
//! route is listed once in [`routes::ROUTES`], from which the OpenAPI
//! document is generated and against which the authorization table test
//! checks its coverage.
#![forbid(unsafe_code)]

use std::sync::Arc;

use levee_store::keys::Keyring;
use levee_store::Store;

pub mod auth;
pub mod authz;
pub mod bootstrap;
pub mod error;
pub mod extract;
pub mod frontier;
pub mod kbindex;
pub mod metrics;
pub mod openapi;
pub mod proxy;
pub mod ratelimit;
pub mod routes;
pub mod worker;

pub use error::{ApiError, ApiResult};

/// Server settings that handlers need.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Requests per second allowed per token (or per client without one).
    pub rate_per_sec: f64,
    pub rate_burst: f64,
    /// Failed authentications (bad tokens, failed logins) allowed per client
    /// address per second, and their burst. Each allowed failure is audited;
    /// beyond the limit the answer is 429 and nothing is written.
    pub auth_fail_per_sec: f64,
    pub auth_fail_burst: f64,
    /// Reverse proxies (addresses and blocks) whose `X-Forwarded-For` names
    /// the client (see [`proxy::client_address`]); empty: the client is
    /// always the TCP peer.
    pub trusted_proxies: Vec<proxy::IpNet>,
    /// Lease taken on a job; renewed while the job runs.
    pub job_lease_secs: i64,
    /// Run the job worker in this process.
    pub run_worker: bool,
    /// Set the cookie `Secure` flag (off only for plain-HTTP local testing).
    pub secure_cookies: bool,
    /// A name for this process in job leases and logs.
    pub instance: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rate_per_sec: 50.0,
            rate_burst: 200.0,
            auth_fail_per_sec: 0.1,
            auth_fail_burst: 20.0,
            trusted_proxies: Vec::new(),
            job_lease_secs: 30,
            run_worker: true,
            secure_cookies: true,
            instance: format!(
                "levee-{}-{}",
                std::process::id(),
                &levee_store::new_id("")[..8]
            ),
        }
    }
}

/// Shared state of one `levee serve` process.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub keys: Arc<Keyring>,
    pub settings: Arc<Settings>,
    pub metrics: Arc<metrics::Metrics>,
    pub limiter: Arc<ratelimit::RateLimiter>,
    /// Failed authentications per client address (see
    /// [`auth::check_failure_budget`]).
    pub auth_fail_limiter: Arc<ratelimit::RateLimiter>,
    /// The OSV matching index (knowledge base), built on first use.
    pub kb_index: Arc<kbindex::KbIndex>,
}

impl AppState {
    pub fn new(store: Store, keys: Keyring, settings: Settings) -> Self {
        let limiter = ratelimit::RateLimiter::new(settings.rate_per_sec, settings.rate_burst);
        let auth_fail_limiter =
            ratelimit::RateLimiter::new(settings.auth_fail_per_sec, settings.auth_fail_burst);
        AppState {
            store,
            keys: Arc::new(keys),
            settings: Arc::new(settings),
            metrics: Arc::default(),
            limiter: Arc::new(limiter),
            auth_fail_limiter: Arc::new(auth_fail_limiter),
            kb_index: Arc::default(),
        }
    }
}

/// Build the application router.
pub fn app(state: AppState) -> axum::Router {
    routes::router(state)
}

/// Serve until `shutdown` resolves, then finish in-flight requests.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker = state
        .settings
        .run_worker
        .then(|| tokio::spawn(worker::run(state.clone(), stop_rx)));
    let app = app(state);
    let result = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    let _ = stop_tx.send(true);
    if let Some(w) = worker {
        let _ = w.await;
    }
    result
}
