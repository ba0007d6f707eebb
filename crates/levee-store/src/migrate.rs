//! Versioned, append-only migrations, applied at start-up under a lock.
//!
//! Each backend has its own directory of DDL (`migrations/sqlite`,
//! `migrations/postgres`) with the same versions. Applied migrations are
//! recorded with a checksum; a changed migration, or a database whose schema
//! is newer than this binary knows, is refused.

use sha2::{Digest, Sha256};
use sqlx::Executor;

use crate::{Backend, Result, Store, StoreError, PG_MIGRATE_LOCK};

pub struct MigrationInfo {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! migrations {
    ($dir:literal: $($v:literal $name:literal),* $(,)?) => {
        &[$(MigrationInfo {
            version: $v,
            name: $name,
            sql: include_str!(concat!("../migrations/", $dir, "/", $name, ".sql")),
        }),*]
    };
}

pub static MIGRATIONS_SQLITE: &[MigrationInfo] = migrations!("sqlite":
    1 "0001_platform",
    2 "0002_identity",
    4 "0004_frontier",
);
pub static MIGRATIONS_POSTGRES: &[MigrationInfo] = migrations!("postgres":
    1 "0001_platform",
    2 "0002_identity",
    4 "0004_frontier",
);

fn checksum(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

pub(crate) async fn run(store: &Store) -> Result<()> {
    let list = match store.backend {
        Backend::Sqlite => MIGRATIONS_SQLITE,
        Backend::Postgres => MIGRATIONS_POSTGRES,
    };
    let known = list.last().map_or(0, |m| m.version);
    let mut tx = match store.backend {
        // IMMEDIATE takes SQLite's write lock: a second process waits here.
        Backend::Sqlite => store.pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => {
            let mut tx = store.pool.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(PG_MIGRATE_LOCK)
                .execute(&mut *tx)
                .await?;
            tx
        }
    };
    tx.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    BIGINT PRIMARY KEY,
            name       TEXT   NOT NULL,
            checksum   TEXT   NOT NULL,
            applied_at BIGINT NOT NULL
        )",
    )
    .await?;
    let applied: Vec<(i64, String)> =
        sqlx::query_as("SELECT version, checksum FROM schema_migrations ORDER BY version")
            .fetch_all(&mut *tx)
            .await?;
    if let Some((found, _)) = applied.iter().rev().find(|(v, _)| *v > known) {
        return Err(StoreError::SchemaTooNew {
            found: *found,
            known,
        });
    }
    for m in list {
        match applied.iter().find(|(v, _)| *v == m.version) {
            Some((_, sum)) if *sum == checksum(m.sql) => continue,
            Some(_) => {
                return Err(StoreError::MigrationChanged {
                    version: m.version,
                    name: m.name.to_string(),
                })
            }
            None => {}
        }
        tracing::info!(version = m.version, name = m.name, "applying migration");
        tx.execute(m.sql).await?;
        sqlx::query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(m.version)
            .bind(m.name)
            .bind(checksum(m.sql))
            .bind(store.clock.now().micros())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
