//! `levee config check`, `levee backup`, `levee restore`, `levee migrate`.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use levee_model::SystemClock;
use levee_store::{Store, StoreConfig};

use crate::opts::{runtime, FileConfig, StorageArgs};

#[derive(clap::Subcommand, Debug)]
pub enum ConfigCommand {
    /// Validate the configuration (file, environment, flags) and print the
    /// effective settings, secrets redacted. Exit 0 valid, 1 invalid.
    Check(crate::cmd::serve::Args),
}

pub fn config(c: ConfigCommand) -> Result<u8> {
    let ConfigCommand::Check(a) = c;
    match a.resolve() {
        Ok(r) => {
            let key_src = if std::env::var_os("LEVEE_MASTER_KEY").is_some() {
                "LEVEE_MASTER_KEY (environment)".to_string()
            } else {
                r.storage
                    .master_key_file
                    .clone()
                    .unwrap_or_else(|| r.storage.data_dir.join("master.key"))
                    .display()
                    .to_string()
            };
            let v = serde_json::json!({
                "valid": true,
                "listen": r.listen.to_string(),
                "storage": r.storage.describe(),
                "data_dir": r.storage.data_dir,
                "master_key": key_src,
                "log_format": r.log_format,
                "rate_limit_per_sec": r.settings.rate_per_sec,
                "rate_limit_burst": r.settings.rate_burst,
                "auth_fail_per_sec": r.settings.auth_fail_per_sec,
                "auth_fail_burst": r.settings.auth_fail_burst,
                "trusted_proxies": r
                    .settings
                    .trusted_proxies
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>(),
                "job_lease_secs": r.settings.job_lease_secs,
                "worker": r.settings.run_worker,
                "secure_cookies": r.settings.secure_cookies,
            });
            println!("{}", serde_json::to_string_pretty(&v)?);
            Ok(0)
        }
        Err(e) => {
            eprintln!("levee: invalid configuration: {e:#}");
            Ok(1)
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct BackupArgs {
    /// Where to write the backup (must not exist).
    pub output: PathBuf,
    #[command(flatten)]
    pub storage: StorageArgs,
}

/// A consistent online backup of the embedded database.
pub fn backup(a: BackupArgs) -> Result<u8> {
    let s = a
        .storage
        .resolve(&FileConfig::load(a.storage.config.as_deref())?);
    if s.database_url
        .as_deref()
        .is_some_and(|u| !u.starts_with("sqlite:"))
    {
        anyhow::bail!(
            "PostgreSQL is backed up with its own tools: pg_dump --format=custom --file=levee.dump DBURL \
             (restore with pg_restore --clean --if-exists --dbname=DBURL levee.dump)"
        );
    }
    runtime()?.block_on(async {
        let store = s.open().await?;
        store
            .backup_to(&a.output)
            .await
            .with_context(|| format!("backing up to {}", a.output.display()))?;
        let rows: i64 = store.row_counts().await?.iter().map(|(_, n)| n).sum();
        eprintln!(
            "levee: backup written to {} ({rows} rows)",
            a.output.display()
        );
        Ok(0)
    })
}

#[derive(clap::Args, Debug)]
pub struct RestoreArgs {
    /// A file written by `levee backup`.
    pub backup: PathBuf,
    #[command(flatten)]
    pub storage: StorageArgs,
}

/// Put a backup in place of the data directory's database (server stopped).
pub fn restore(a: RestoreArgs) -> Result<u8> {
    let s = a
        .storage
        .resolve(&FileConfig::load(a.storage.config.as_deref())?);
    if s.database_url.is_some() {
        anyhow::bail!("restore writes an embedded (SQLite) data directory; use --data-dir");
    }
    runtime()?.block_on(async {
        levee_store::backup::restore_sqlite(&a.backup, &s.data_dir, Arc::new(SystemClock))
            .await
            .with_context(|| format!("restoring {}", a.backup.display()))?;
        eprintln!(
            "levee: restored {} into {}",
            a.backup.display(),
            s.data_dir.display()
        );
        Ok(0)
    })
}

#[derive(clap::Args, Debug)]
pub struct MigrateArgs {
    /// Destination database URL, e.g. postgres://user@host/db (must be empty).
    #[arg(long, value_name = "URL")]
    pub to: String,
    #[command(flatten)]
    pub storage: StorageArgs,
}

/// Copy an embedded installation into PostgreSQL, every row, in one
/// transaction.
pub fn migrate(a: MigrateArgs) -> Result<u8> {
    let s = a
        .storage
        .resolve(&FileConfig::load(a.storage.config.as_deref())?);
    runtime()?.block_on(async {
        let src = s.open().await?;
        let dst = Store::open(&StoreConfig::new(a.to.clone()), Arc::new(SystemClock))
            .await
            .with_context(|| format!("opening {}", levee_store::redact_url(&a.to)))?;
        let copied = levee_store::backup::copy_all(&src, &dst).await.context("copying")?;
        let want = src.row_counts().await?;
        let got = dst.row_counts().await?;
        anyhow::ensure!(want == got, "row counts differ after the copy: {want:?} vs {got:?}");
        let total: i64 = copied.iter().map(|(_, n)| n).sum();
        eprintln!(
            "levee: copied {total} rows into {}; start levee with --database-url and the same master key",
            levee_store::redact_url(&a.to)
        );
        Ok(0)
    })
}
