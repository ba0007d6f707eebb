//! Versioned, append-only migrations, applied at start-up under a lock.
//!
//! One file per migration in `migrations/`, written once and translated for
//! PostgreSQL by [`for_backend`]. Applied migrations are
//! recorded with a checksum; a changed migration, or a database whose schema
//! is newer than this binary knows, is refused.

use sha2::{Digest, Sha256};
use sqlx::Executor;

use crate::{Backend, Result, Store, StoreError, PG_MIGRATE_LOCK};

pub struct MigrationInfo {
    pub version: i64,
    pub name: &'static str,
    /// The migration as written: SQLite's dialect, using only constructs
    /// that [`for_backend`] translates mechanically for PostgreSQL.
    pub sql: &'static str,
}

macro_rules! migrations {
    ($($v:literal $name:literal),* $(,)?) => {
        &[$(MigrationInfo {
            version: $v,
            name: $name,
            sql: include_str!(concat!("../migrations/", $name, ".sql")),
        }),*]
    };
}

/// Every migration, in order. Append only: an applied migration never
/// changes (its checksum is checked at every start).
pub static MIGRATIONS: &[MigrationInfo] = migrations!(
    1 "0001_platform",
    2 "0002_identity",
    3 "0003_knowledge",
    4 "0004_frontier",
    5 "0005_audit_object",
);

/// One source of DDL for both backends: the few dialect differences are
/// translated here, so the schemas cannot drift apart.
pub fn for_backend(sql: &str, backend: Backend) -> String {
    match backend {
        Backend::Sqlite => sql.to_string(),
        Backend::Postgres => sql
            .replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY")
            .replace(" BLOB", " BYTEA"),
    }
}

fn checksum(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

pub(crate) async fn run(store: &Store) -> Result<()> {
    let list = MIGRATIONS;
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
        let sql = for_backend(m.sql, store.backend);
        match applied.iter().find(|(v, _)| *v == m.version) {
            Some((_, sum)) if *sum == checksum(&sql) => continue,
            Some(_) => {
                return Err(StoreError::MigrationChanged {
                    version: m.version,
                    name: m.name.to_string(),
                })
            }
            None => {}
        }
        tracing::info!(version = m.version, name = m.name, "applying migration");
        tx.execute(sql.as_str()).await?;
        sqlx::query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(m.version)
            .bind(m.name)
            .bind(checksum(&sql))
            .bind(store.clock.now().micros())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn postgres_translation() {
        let t = for_backend(
            "id INTEGER PRIMARY KEY AUTOINCREMENT, b BLOB NOT NULL, c BLOB)",
            Backend::Postgres,
        );
        assert_eq!(t, "id BIGSERIAL PRIMARY KEY, b BYTEA NOT NULL, c BYTEA)");
        for m in MIGRATIONS {
            let pg = for_backend(m.sql, Backend::Postgres);
            assert!(
                !pg.contains("AUTOINCREMENT") && !pg.contains("BLOB"),
                "{}",
                m.name
            );
        }
    }
}
