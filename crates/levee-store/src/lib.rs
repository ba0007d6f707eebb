//! The store: one interface, two backends (SQLite embedded by default,
//! PostgreSQL for several processes), versioned migrations, the change log
//! and the job queue.
//!
//! One interface: [`Store`] runs the same SQL on both backends through
//! sqlx's `Any` driver. Values are restricted to what both databases agree
//! on — `BIGINT` (timestamps are microseconds since the epoch), `TEXT` (JSON
//! documents as text) and `BLOB`/`BYTEA` — and the few places where the
//! dialects differ (DDL, `FOR UPDATE SKIP LOCKED`, the write lock) branch on
//! [`Backend`] here, never in callers.
//!
//! Writes: every write runs in a [`WriteTx`]. On SQLite it is begun
//! `IMMEDIATE` (WAL, `synchronous=FULL`); on PostgreSQL it takes a
//! transaction-scoped advisory lock so that writers are serialized. That
//! serialization is what keeps the change log and the audit chain gap-free
//! and in commit order on both backends. A request is acknowledged only
//! after [`WriteTx::commit`] returns.
#![forbid(unsafe_code)]

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use levee_model::{Clock, Timestamp};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};

pub mod audit;
pub mod backup;
pub mod changes;
pub mod cursor;
pub mod frontier;
pub mod identity;
mod inlist;
pub mod jobs;
pub mod kb;
pub mod keys;
mod migrate;
pub mod testing;

pub use changes::Change;
pub use cursor::Cursor;
pub use migrate::{for_backend, MigrationInfo, MIGRATIONS};
/// Re-exported for tests and tools that need raw SQL.
pub use sqlx;

/// The advisory-lock key that serializes writers on PostgreSQL ("levee-w").
const PG_WRITE_LOCK: i64 = 0x006c_6576_6565_2d77;
/// The advisory-lock key for migrations ("levee-m").
const PG_MIGRATE_LOCK: i64 = 0x006c_6576_6565_2d6d;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("unsupported database URL {0:?}: expected sqlite://PATH or postgres://...")]
    BadUrl(String),
    #[error(
        "the database schema is at version {found}, newer than this binary knows ({known}); \
         upgrade levee before using this database"
    )]
    SchemaTooNew { found: i64, known: i64 },
    #[error("migration {version} ({name}) was changed after it was applied (checksum mismatch)")]
    MigrationChanged { version: i64, name: String },
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How to open a store.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// `sqlite://PATH` or `postgres://...`.
    pub url: String,
    pub max_connections: u32,
}

impl StoreConfig {
    pub fn new(url: impl Into<String>) -> Self {
        StoreConfig {
            url: url.into(),
            max_connections: 8,
        }
    }

    /// The SQLite URL for a data directory (the embedded default).
    pub fn sqlite_in(data_dir: &std::path::Path) -> Self {
        StoreConfig::new(sqlite_url(&data_dir.join("levee.db")))
    }
}

/// `sqlite://PATH` for a file path. sqlx splits the URL at `?` (parameters)
/// and percent-decodes the path, so `%`, `?` and `#` in a directory name
/// are written percent-encoded (a data directory called `a?b` would
/// otherwise open `a`).
pub fn sqlite_url(path: &std::path::Path) -> String {
    let mut url = String::from("sqlite://");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => url.push_str("%25"),
            '?' => url.push_str("%3F"),
            '#' => url.push_str("%23"),
            c => url.push(c),
        }
    }
    url
}

/// The file path of a `sqlite:` URL (what sqlx opens): before any `?`,
/// percent-decoded. Invalid escapes are kept as written.
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let raw = rest.split('?').next().unwrap_or(rest);
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |j: usize| bytes.get(j).and_then(|c| (*c as char).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'%'));
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(std::path::PathBuf::from(
        String::from_utf8_lossy(&out).into_owned(),
    ))
}

/// The handle every other crate uses. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    clock: Arc<dyn Clock>,
    audit_key: Arc<std::sync::RwLock<Option<[u8; 32]>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the URL: it may hold a password.
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

pub fn backend_of(url: &str) -> Result<Backend> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::BadUrl(redact_url(url)))
    }
}

/// A URL with any password replaced, safe to log.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Store {
    /// Connect, apply pending migrations under a lock, and refuse a schema
    /// newer than this binary knows.
    pub async fn open(cfg: &StoreConfig, clock: Arc<dyn Clock>) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(&cfg.url)?;
        let mut url = cfg.url.clone();
        if backend == Backend::Sqlite {
            if let Some(path) = sqlite_path(&url) {
                if let Some(parent) = path.parent() {
                    if !parent.as_os_str().is_empty() {
                        std::fs::create_dir_all(parent)?;
                    }
                }
            }
            if !url.contains('?') {
                url.push_str("?mode=rwc");
            }
        }
        let opts = AnyConnectOptions::from_str(&url)
            .map_err(|_| StoreError::BadUrl(redact_url(&cfg.url)))?;
        let mut pool_opts = AnyPoolOptions::new()
            .max_connections(cfg.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(30));
        if backend == Backend::Sqlite {
            pool_opts = pool_opts.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // 16 KiB pages (import throughput: fewer, larger pages for
                    // verbatim records). Takes effect only when the file is
                    // created, so it must precede the WAL switch.
                    conn.execute("PRAGMA page_size=16384").await?;
                    conn.execute("PRAGMA journal_mode=WAL").await?;
                    conn.execute("PRAGMA synchronous=FULL").await?;
                    conn.execute("PRAGMA busy_timeout=30000").await?;
                    conn.execute("PRAGMA foreign_keys=ON").await?;
                    Ok(())
                })
            });
        }
        let pool = pool_opts.connect_with(opts).await?;
        let store = Store {
            pool,
            backend,
            clock,
            audit_key: Arc::default(),
        };
        migrate::run(&store).await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Begin a write transaction (serialized across processes; see the
    /// crate docs).
    pub async fn write(&self) -> Result<WriteTx> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => {
                let mut tx = self.pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(PG_WRITE_LOCK)
                    .execute(&mut *tx)
                    .await?;
                tx
            }
        };
        let audit_key = *self
            .audit_key
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(WriteTx {
            tx,
            now: self.clock.now(),
            backend: self.backend,
            audit_key,
        })
    }

    /// Install the audit HMAC key (done by [`Store::load_keyring`]).
    pub fn set_audit_key(&self, key: [u8; 32]) {
        *self
            .audit_key
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(key);
    }

    /// Is the database reachable? (`/readyz`)
    pub async fn ping(&self) -> Result<()> {
        let v: i64 = sqlx::query_scalar("SELECT 1").fetch_one(&self.pool).await?;
        if v != 1 {
            return Err(StoreError::Corrupt("SELECT 1 did not return 1".into()));
        }
        Ok(())
    }

    /// The schema version currently applied.
    pub async fn schema_version(&self) -> Result<i64> {
        let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
            .fetch_one(&self.pool)
            .await?;
        Ok(v.unwrap_or(0))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Read a value from the `meta` table.
    pub async fn meta_get(&self, key: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Keys of the `meta` table that start with `prefix` (no `%` or `_`
    /// in it), in order.
    pub async fn meta_keys(&self, prefix: &str) -> Result<Vec<String>> {
        let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM meta ORDER BY key")
            .fetch_all(&self.pool)
            .await?;
        Ok(keys.into_iter().filter(|k| k.starts_with(prefix)).collect())
    }
}

/// A write transaction. Dropping it without [`WriteTx::commit`] rolls back.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    now: Timestamp,
    backend: Backend,
    audit_key: Option<[u8; 32]>,
}

impl WriteTx {
    /// The transaction's "now", read once from the store's clock.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The underlying connection, for queries.
    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Append to the change log (in this transaction). Returns its `seq`.
    pub async fn change(
        &mut self,
        kind: &str,
        object_id: &str,
        op: &str,
        data: &serde_json::Value,
    ) -> Result<i64> {
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO changes (at, kind, object_id, op, data) VALUES ($1, $2, $3, $4, $5) RETURNING seq",
        )
        .bind(self.now.micros())
        .bind(kind)
        .bind(object_id)
        .bind(op)
        .bind(data.to_string())
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(seq)
    }

    pub async fn meta_delete(&mut self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM meta WHERE key = $1")
            .bind(key)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Change-log entries of `kind` after `seq` (in this transaction: with
    /// the write lock held, every committed one).
    pub async fn changes_after(&mut self, seq: i64, kind: &str) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM changes WHERE seq > $1 AND kind = $2")
                .bind(seq)
                .bind(kind)
                .fetch_one(&mut *self.tx)
                .await?,
        )
    }

    pub async fn meta_set(&mut self, key: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Commit. Only after this returns may the caller acknowledge the write.
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }

    pub async fn rollback(self) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

/// Read a column as i64 whatever integer width the backend used.
pub fn get_i64(row: &AnyRow, col: &str) -> Result<i64> {
    Ok(row.try_get::<i64, _>(col)?)
}

/// A random identifier: `prefix` + 128 random bits as lowercase hex.
pub fn new_id(prefix: &str) -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    format!("{prefix}{}", hex::encode(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_round_trip_awkward_paths() {
        for p in [
            "/tmp/plain/levee.db",
            "/tmp/a?b#c%41 d/levee.db",
            "rel/ü/x.db",
            "/%/%2/%zz",
        ] {
            let url = sqlite_url(std::path::Path::new(p));
            assert_eq!(
                sqlite_path(&url),
                Some(std::path::PathBuf::from(p)),
                "{url}"
            );
            assert!(!url["sqlite://".len()..].contains(['?', '#']), "{url}");
        }
        assert_eq!(
            sqlite_path("sqlite://x.db?mode=rwc"),
            Some(std::path::PathBuf::from("x.db"))
        );
        assert_eq!(sqlite_path("postgres://h/db"), None);
    }

    #[test]
    fn urls() {
        assert_eq!(backend_of("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(backend_of("postgres://u@h/db").unwrap(), Backend::Postgres);
        assert!(backend_of("mysql://x").is_err());
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }
}
