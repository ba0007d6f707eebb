//! Support for running the same test stories on both backends.
//!
//! SQLite always; PostgreSQL when `LEVEE_TEST_DATABASE_URL` is set, each
//! test in a fresh schema of its own so tests can run in parallel. When the
//! variable is unset, [`backends`] prints loudly that PostgreSQL was skipped.

use std::sync::Arc;

use levee_model::Clock;

use crate::{Result, Store, StoreConfig};

/// Where a test database lives; keep it alive for the test's duration.
pub struct TestDb {
    pub name: &'static str,
    pub config: StoreConfig,
    _dir: Option<TempDir>,
}

/// A directory removed on drop (kept dependency-free for this crate).
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new() -> std::io::Result<TempDir> {
        let p = std::env::temp_dir().join(crate::new_id("levee-test-"));
        std::fs::create_dir_all(&p)?;
        Ok(TempDir(p))
    }
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl TestDb {
    pub async fn open(&self, clock: Arc<dyn Clock>) -> Result<Store> {
        Store::open(&self.config, clock).await
    }
    pub fn dir(&self) -> Option<&std::path::Path> {
        self._dir.as_ref().map(TempDir::path)
    }
}

/// The PostgreSQL URL for tests, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("LEVEE_TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A fresh SQLite database in a temporary directory.
pub fn sqlite() -> TestDb {
    let dir = TempDir::new().expect("temporary directory");
    TestDb {
        name: "sqlite",
        config: StoreConfig::sqlite_in(dir.path()),
        _dir: Some(dir),
    }
}

/// A fresh schema on the test PostgreSQL, or `None` (after a loud message).
pub async fn postgres() -> Option<TestDb> {
    let Some(base) = postgres_url() else {
        eprintln!(
            "SKIPPED PostgreSQL: LEVEE_TEST_DATABASE_URL is not set; this story ran on SQLite only"
        );
        return None;
    };
    sqlx::any::install_default_drivers();
    let schema = crate::new_id("levee_test_");
    let pool = sqlx::AnyPool::connect(&base)
        .await
        .expect("connect to LEVEE_TEST_DATABASE_URL");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&pool)
        .await
        .expect("create schema");
    pool.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    Some(TestDb {
        name: "postgres",
        config: StoreConfig::new(url),
        _dir: None,
    })
}

/// SQLite, plus PostgreSQL when configured.
pub async fn backends() -> Vec<TestDb> {
    let mut v = vec![sqlite()];
    v.extend(postgres().await);
    v
}
