//! Backup, restore, and moving an installation between backends.
//!
//! - SQLite: [`Store::backup_to`] takes a consistent online backup with
//!   `VACUUM INTO` (readers and writers carry on); [`restore_sqlite`] checks
//!   a backup and puts it in place of a data directory's database.
//! - PostgreSQL: use `pg_dump --format=custom` / `pg_restore` (see the
//!   README); [`Store::backup_to`] refuses with that advice.
//! - [`copy_all`] copies every row of every table from one store into an
//!   empty, migrated other (`levee migrate --to postgres://…`).

use std::path::Path;

use sqlx::Row;

use crate::{Backend, Result, Store, StoreConfig, StoreError};

/// Every table, in an order that satisfies foreign keys. Each migration that
/// adds a table adds it here (a test checks the list against the schema).
pub const TABLES: &[&str] = &[
    "meta",
    "changes",
    "jobs",
    "orgs",
    "users",
    "memberships",
    "delegations",
    "tokens",
    "sessions",
    "login_failures",
    "audit_log",
    "audit_checkpoints",
    "keys",
    "idempotency",
    "kb_records",
    "kb_ids",
    "kb_affected",
    "kb_conflicts",
    "kb_kev",
    "kb_epss",
    "kb_cwe",
    // issue 9: the frontier-model framework
    "frontier_models",
    "frontier_consents",
    "frontier_assessments",
    "frontier_runs",
    "frontier_terms",
    "frontier_partners",
    "frontier_grants",
    "frontier_grantees",
    "frontier_acceptances",
];

/// The column kinds both backends share.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    Bytes,
}

impl Store {
    /// A consistent online backup of an SQLite store into `dest` (which must
    /// not exist).
    pub async fn backup_to(&self, dest: &Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Conflict(
                "online backup of PostgreSQL is done with pg_dump --format=custom (see README)"
                    .into(),
            ));
        }
        if dest.exists() {
            return Err(StoreError::Conflict(format!(
                "{} already exists",
                dest.display()
            )));
        }
        let path = dest
            .to_str()
            .ok_or_else(|| StoreError::Conflict("backup path is not UTF-8".into()))?;
        let quoted = path.replace('\'', "''");
        sqlx::query(&format!("VACUUM INTO '{quoted}'"))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Row counts per table (for checks after backup, restore and migrate).
    pub async fn row_counts(&self) -> Result<Vec<(String, i64)>> {
        let mut out = Vec::new();
        for t in TABLES {
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {t}"))
                .fetch_one(&self.pool)
                .await?;
            out.push(((*t).to_string(), n));
        }
        Ok(out)
    }

    async fn columns(&self, table: &str) -> Result<Vec<(String, Kind)>> {
        let rows: Vec<(String, String)> = match self.backend {
            Backend::Sqlite => {
                let rows = sqlx::query(&format!("SELECT name, type FROM pragma_table_info('{table}') ORDER BY cid"))
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?)))
                    .collect::<Result<_>>()?
            }
            Backend::Postgres => sqlx::query_as(
                "SELECT column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(&self.pool)
            .await?,
        };
        rows.into_iter()
            .map(|(name, ty)| {
                let t = ty.to_ascii_uppercase();
                let kind = if t.contains("INT") {
                    Kind::Int
                } else if t.contains("TEXT") || t.contains("CHAR") {
                    Kind::Text
                } else if t.contains("BLOB") || t.contains("BYTEA") {
                    Kind::Bytes
                } else {
                    return Err(StoreError::Corrupt(format!(
                        "column {table}.{name} has unsupported type {ty}"
                    )));
                };
                Ok((name, kind))
            })
            .collect()
    }
}

/// Copy every row of every table from `src` into `dst`, in one transaction
/// on `dst`. `dst` must be migrated to the same schema version and empty.
pub async fn copy_all(src: &Store, dst: &Store) -> Result<Vec<(String, i64)>> {
    let (sv, dv) = (src.schema_version().await?, dst.schema_version().await?);
    if sv != dv {
        return Err(StoreError::Conflict(format!(
            "schema versions differ: source {sv}, destination {dv}"
        )));
    }
    for (t, n) in dst.row_counts().await? {
        if n > 0 && t != "meta" {
            return Err(StoreError::Conflict(format!(
                "destination is not empty: table {t} has {n} rows"
            )));
        }
    }
    let mut tx = dst.write().await?;
    sqlx::query("DELETE FROM meta").execute(tx.conn()).await?;
    let mut copied = Vec::new();
    for table in TABLES {
        let cols = dst.columns(table).await?;
        let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
        let placeholders: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
        let insert = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            names.join(", "),
            placeholders.join(", ")
        );
        let select = format!("SELECT {} FROM {table}", names.join(", "));
        let rows = sqlx::query(&select).fetch_all(&src.pool).await?;
        for row in &rows {
            let mut q = sqlx::query(&insert);
            for (i, (_, kind)) in cols.iter().enumerate() {
                q = match kind {
                    Kind::Int => q.bind(row.try_get::<Option<i64>, _>(i)?),
                    Kind::Text => q.bind(row.try_get::<Option<String>, _>(i)?),
                    Kind::Bytes => q.bind(row.try_get::<Option<Vec<u8>>, _>(i)?),
                };
            }
            q.execute(tx.conn()).await?;
        }
        copied.push(((*table).to_string(), rows.len() as i64));
    }
    if dst.backend == Backend::Postgres {
        for (table, col) in [("changes", "seq"), ("jobs", "id"), ("login_failures", "id")] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{col}'), COALESCE((SELECT MAX({col}) FROM {table}), 0) + 1, false)"
            ))
            .execute(tx.conn())
            .await?;
        }
    }
    tx.commit().await?;
    Ok(copied)
}

/// Check a backup file and put it in place as `data_dir`'s database. The
/// server must be stopped. The previous database, if any, is kept beside it
/// as `levee.db.before-restore`.
pub async fn restore_sqlite(
    backup: &Path,
    data_dir: &Path,
    clock: std::sync::Arc<dyn levee_model::Clock>,
) -> Result<()> {
    if !backup.is_file() {
        return Err(StoreError::Conflict(format!(
            "{} is not a file",
            backup.display()
        )));
    }
    std::fs::create_dir_all(data_dir)?;
    let db = data_dir.join("levee.db");
    let tmp = data_dir.join("levee.db.restoring");
    std::fs::copy(backup, &tmp)?;
    // The copy must be a Levee database this binary understands: it has a
    // schema_migrations table, passes the integrity check, and open()
    // accepts its schema version (an older one is migrated forward).
    let check = async {
        let url = crate::sqlite_url(&tmp);
        sqlx::any::install_default_drivers();
        let raw = sqlx::AnyPool::connect(&url).await?;
        let has: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        )
        .fetch_one(&raw)
        .await?;
        raw.close().await;
        if has == 0 {
            return Err(StoreError::Conflict(format!(
                "{} is not a Levee database",
                backup.display()
            )));
        }
        let store = Store::open(&StoreConfig::new(url), clock).await?;
        let ok: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&store.pool)
            .await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&store.pool)
            .await?;
        store.close().await;
        if ok != "ok" {
            return Err(StoreError::Corrupt(format!("integrity check failed: {ok}")));
        }
        Ok(())
    };
    if let Err(e) = check.await {
        let _ = std::fs::remove_file(&tmp);
        for ext in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(data_dir.join(format!("levee.db.restoring{ext}")));
        }
        return Err(e);
    }
    std::fs::File::open(&tmp)?.sync_all()?;
    if db.exists() {
        std::fs::rename(&db, data_dir.join("levee.db.before-restore"))?;
    }
    for ext in ["levee.db-wal", "levee.db-shm"] {
        let p = data_dir.join(ext);
        if p.exists() {
            std::fs::remove_file(p)?;
        }
    }
    std::fs::rename(&tmp, &db)?;
    if let Ok(d) = std::fs::File::open(data_dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
