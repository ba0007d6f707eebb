//! `levee serve`: run the clearinghouse.

use std::net::SocketAddr;

use anyhow::{Context, Result};
use levee_server::{AppState, Settings};

use crate::opts::{runtime, FileConfig, StorageArgs};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "LEVEE_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,
    #[command(flatten)]
    pub storage: StorageArgs,
    /// Log format: text or json.
    #[arg(long, env = "LEVEE_LOG_FORMAT")]
    pub log_format: Option<String>,
    /// Requests per second per token.
    #[arg(long, env = "LEVEE_RATE_LIMIT")]
    pub rate_limit: Option<f64>,
    /// A reverse proxy (address or CIDR block, IPv4 or IPv6) whose
    /// X-Forwarded-For names the client; repeatable (the environment
    /// variable takes a comma-separated list).
    #[arg(
        long = "trusted-proxy",
        env = "LEVEE_TRUSTED_PROXIES",
        value_name = "CIDR",
        value_delimiter = ','
    )]
    pub trusted_proxies: Option<Vec<String>>,
    /// Job lease in seconds (renewed while a job runs).
    #[arg(long, env = "LEVEE_JOB_LEASE_SECS")]
    pub job_lease_secs: Option<i64>,
    /// Do not run the job worker in this process.
    #[arg(long)]
    pub no_worker: bool,
    /// Send session cookies without the Secure flag (plain-HTTP testing only).
    #[arg(long)]
    pub insecure_cookies: bool,
}

/// Every setting after precedence: flag, environment, file, default.
#[derive(Debug)]
pub struct Resolved {
    pub listen: SocketAddr,
    pub storage: crate::opts::Storage,
    pub log_format: String,
    pub settings: Settings,
}

impl Args {
    pub fn resolve(&self) -> Result<Resolved> {
        let file = FileConfig::load(self.storage.config.as_deref())?;
        let listen_s = self
            .listen
            .clone()
            .or(file.listen.clone())
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen: SocketAddr = listen_s
            .parse()
            .with_context(|| format!("--listen {listen_s:?} is not HOST:PORT"))?;
        let log_format = self
            .log_format
            .clone()
            .or(file.log_format.clone())
            .unwrap_or_else(|| "text".into());
        if !matches!(log_format.as_str(), "text" | "json") {
            anyhow::bail!("log format {log_format:?}: expected text or json");
        }
        let mut settings = Settings::default();
        if let Some(r) = self.rate_limit.or(file.rate_limit_per_sec) {
            anyhow::ensure!(r > 0.0, "rate limit must be positive");
            settings.rate_per_sec = r;
        }
        if let Some(b) = file.rate_limit_burst {
            anyhow::ensure!(b >= 1.0, "rate_limit_burst must be at least 1");
            settings.rate_burst = b;
        }
        // Failed authentications per client address (bad tokens, failed
        // logins): each allowed one is audited, the rest answer 429.
        if let Some(r) = file.auth_fail_per_sec {
            anyhow::ensure!(r > 0.0, "auth_fail_per_sec must be positive");
            settings.auth_fail_per_sec = r;
        }
        if let Some(b) = file.auth_fail_burst {
            anyhow::ensure!(b >= 1.0, "auth_fail_burst must be at least 1");
            settings.auth_fail_burst = b;
        }
        // The client address is the TCP peer unless the peer is one of
        // these; then X-Forwarded-For names it.
        if let Some(list) = self
            .trusted_proxies
            .as_ref()
            .or(file.trusted_proxies.as_ref())
        {
            settings.trusted_proxies = list
                .iter()
                .map(|s| s.trim().parse())
                .collect::<Result<_, levee_server::proxy::IpNetError>>()
                .map_err(|e| anyhow::anyhow!("trusted proxy {e}"))?;
        }
        if let Some(l) = self.job_lease_secs.or(file.job_lease_secs) {
            anyhow::ensure!(
                (1..=3600).contains(&l),
                "job lease must be 1..=3600 seconds"
            );
            settings.job_lease_secs = l;
        }
        settings.run_worker = !self.no_worker && file.worker.unwrap_or(true);
        settings.secure_cookies = !self.insecure_cookies && file.secure_cookies.unwrap_or(true);
        let storage = self.storage.resolve(&file);
        if let Some(url) = &storage.database_url {
            levee_store::backend_of(url)?;
        }
        Ok(Resolved {
            listen,
            storage,
            log_format,
            settings,
        })
    }
}

pub fn init_logging(format: &str) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("LEVEE_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // Colours only on a terminal: a log file or the journal gets plain
    // text (and NO_COLOR turns them off everywhere).
    use std::io::IsTerminal;
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        b.json().try_init()
    } else {
        b.try_init()
    };
}

pub fn run(a: Args) -> Result<u8> {
    let r = a.resolve()?;
    init_logging(&r.log_format);
    runtime()?.block_on(async move {
        let (store, keys, _master) = r.storage.open_with_keys().await?;
        tracing::info!(storage = %r.storage.describe(), schema = store.schema_version().await?, "store ready");
        let preset = std::env::var("LEVEE_BOOTSTRAP_TOKEN").ok();
        if let Some(b) = levee_server::bootstrap::bootstrap(&store, preset.as_deref()).await? {
            if preset.is_some() {
                eprintln!("levee: first start: created administrator {} with the token from LEVEE_BOOTSTRAP_TOKEN", b.user_id);
            } else {
                eprintln!(
                    "levee: first start: created administrator {} (org {}).\n\
                     levee: bootstrap token (shown once, store it now): {}",
                    b.user_id, b.org_id, b.token
                );
            }
        }
        let listener = tokio::net::TcpListener::bind(r.listen).await.with_context(|| format!("binding {}", r.listen))?;
        let addr = listener.local_addr()?;
        tracing::info!(%addr, instance = %r.settings.instance, "listening");
        eprintln!("levee: listening on http://{addr}");
        let state = AppState::new(store.clone(), keys, r.settings);
        levee_server::serve(state, listener, shutdown_signal()).await?;
        store.close().await;
        tracing::info!("stopped");
        Ok(0)
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing in-flight requests");
}
