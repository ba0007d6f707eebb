//! The one chunked `IN (…)` reader: a `SELECT … WHERE key IN (…)` for a
//! list of keys of any length, run as one statement per
//! [`WIDE_CHUNK`](crate::kb::WIDE_CHUNK) distinct keys (so the parameters
//! stay under both databases' limits). Batch reads of the knowledge base,
//! the frontier tables and the audit log go through it.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};

use crate::{Backend, Result, Store};

type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

/// A key an `IN (…)` list can bind.
pub(crate) trait InKey: Ord + Sync {
    fn bind_to<'q>(&'q self, q: AnyQuery<'q>) -> AnyQuery<'q>;
}

impl InKey for &str {
    fn bind_to<'q>(&'q self, q: AnyQuery<'q>) -> AnyQuery<'q> {
        q.bind(*self)
    }
}

impl InKey for String {
    fn bind_to<'q>(&'q self, q: AnyQuery<'q>) -> AnyQuery<'q> {
        q.bind(self.as_str())
    }
}

impl InKey for i64 {
    fn bind_to<'q>(&'q self, q: AnyQuery<'q>) -> AnyQuery<'q> {
        q.bind(*self)
    }
}

/// Run `sql(list)` for every chunk of the distinct `keys` on `c`, `list`
/// being the chunk's placeholders for an `IN (…)`, and call `each` with
/// every row. Repeated keys are asked once; the chunks go in key order and
/// each key is in exactly one chunk, so a statement's `ORDER BY` holds
/// within each key (not across keys of different chunks). No statement for
/// no keys.
pub(crate) async fn each_in<K: InKey>(
    c: &mut AnyConnection,
    backend: Backend,
    keys: &[K],
    sql: impl Fn(&str) -> String,
    mut each: impl FnMut(&AnyRow) -> Result<()>,
) -> Result<()> {
    let mut keys: Vec<&K> = keys.iter().collect();
    keys.sort_unstable();
    keys.dedup();
    for chunk in keys.chunks(crate::kb::WIDE_CHUNK) {
        let sql = sql(&crate::kb::in_list(backend, 1, chunk.len()));
        let mut q = sqlx::query(&sql);
        for k in chunk {
            q = k.bind_to(q);
        }
        for r in q.fetch_all(&mut *c).await? {
            each(&r)?;
        }
    }
    Ok(())
}

/// [`each_in`], collecting `row` of every row.
pub(crate) async fn read_in<K: InKey, T>(
    c: &mut AnyConnection,
    backend: Backend,
    keys: &[K],
    sql: impl Fn(&str) -> String,
    mut row: impl FnMut(&AnyRow) -> Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    each_in(c, backend, keys, sql, |r| {
        out.push(row(r)?);
        Ok(())
    })
    .await?;
    Ok(out)
}

impl Store {
    /// [`read_in`] on a connection of the pool (none is taken for no keys).
    pub(crate) async fn read_in<K: InKey, T>(
        &self,
        keys: &[K],
        sql: impl Fn(&str) -> String,
        row: impl FnMut(&AnyRow) -> Result<T>,
    ) -> Result<Vec<T>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut c = self.pool.acquire().await?;
        read_in(&mut c, self.backend, keys, sql, row).await
    }
}
