//! Options shared by every command that uses local storage, and the
//! configuration file. Precedence: command-line flag, then environment
//! variable, then configuration file, then the default.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use levee_model::SystemClock;
use levee_store::keys::{Keyring, MasterKey};
use levee_store::{Store, StoreConfig};

#[derive(clap::Args, Debug, Clone, Default)]
pub struct StorageArgs {
    /// Directory for the embedded SQLite database (and its master key).
    #[arg(long, env = "LEVEE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// `postgres://…` selects PostgreSQL (shared by several processes).
    #[arg(
        long,
        env = "LEVEE_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// File holding the 32-byte master key (hex or base64). Default:
    /// DATA_DIR/master.key, created on first start. LEVEE_MASTER_KEY may
    /// give the key itself.
    #[arg(long, env = "LEVEE_MASTER_KEY_FILE", value_name = "FILE")]
    pub master_key_file: Option<PathBuf>,
    /// Configuration file (TOML).
    #[arg(long, env = "LEVEE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The configuration file's keys (all optional).
#[derive(serde::Deserialize, Debug, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub master_key_file: Option<PathBuf>,
    pub log_format: Option<String>,
    pub rate_limit_per_sec: Option<f64>,
    pub rate_limit_burst: Option<f64>,
    pub auth_fail_per_sec: Option<f64>,
    pub auth_fail_burst: Option<f64>,
    pub trusted_proxies: Option<Vec<String>>,
    pub job_lease_secs: Option<i64>,
    pub worker: Option<bool>,
    pub secure_cookies: Option<bool>,
}

impl FileConfig {
    pub fn load(path: Option<&Path>) -> Result<FileConfig> {
        let Some(path) = path else {
            return Ok(FileConfig::default());
        };
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }
}

/// Storage settings after precedence is applied.
#[derive(Debug, Clone)]
pub struct Storage {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub master_key_file: Option<PathBuf>,
}

impl StorageArgs {
    pub fn resolve(&self, file: &FileConfig) -> Storage {
        Storage {
            data_dir: self
                .data_dir
                .clone()
                .or_else(|| file.data_dir.clone())
                .unwrap_or_else(|| PathBuf::from("levee-data")),
            database_url: self
                .database_url
                .clone()
                .or_else(|| file.database_url.clone()),
            master_key_file: self
                .master_key_file
                .clone()
                .or_else(|| file.master_key_file.clone()),
        }
    }
}

impl Storage {
    pub fn store_config(&self) -> StoreConfig {
        match &self.database_url {
            Some(url) => StoreConfig::new(url.clone()),
            None => StoreConfig::sqlite_in(&self.data_dir),
        }
    }

    /// Human description, never with a password.
    pub fn describe(&self) -> String {
        match &self.database_url {
            Some(url) => levee_store::redact_url(url),
            None => format!("sqlite {}", self.data_dir.join("levee.db").display()),
        }
    }

    pub fn master_key(&self) -> Result<MasterKey> {
        if let Ok(v) = std::env::var("LEVEE_MASTER_KEY") {
            return MasterKey::parse(&v).context("LEVEE_MASTER_KEY");
        }
        let path = self
            .master_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("master.key"));
        if self.master_key_file.is_some() && !path.exists() {
            anyhow::bail!("master key file {} does not exist", path.display());
        }
        MasterKey::load_or_create(&path).with_context(|| format!("master key {}", path.display()))
    }

    pub async fn open(&self) -> Result<Store> {
        let cfg = self.store_config();
        Store::open(&cfg, Arc::new(SystemClock))
            .await
            .with_context(|| format!("opening {}", self.describe()))
    }

    /// Open the store and load its keys (needed for any audited write).
    pub async fn open_with_keys(&self) -> Result<(Store, Keyring, MasterKey)> {
        let store = self.open().await?;
        let master = self.master_key()?;
        let keys = store.load_keyring(&master).await.context("loading keys")?;
        Ok((store, keys, master))
    }
}

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}
