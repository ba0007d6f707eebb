//! The change log: appended in every write transaction, read by each
//! process to keep its in-memory state (e.g. the matching index) current.

use sqlx::Row;

use crate::{Result, Store, StoreError};
use levee_model::Timestamp;

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Change {
    pub seq: i64,
    pub at: Timestamp,
    pub kind: String,
    pub object_id: String,
    pub op: String,
    pub data: serde_json::Value,
}

impl Store {
    /// Changes with `seq > after`, oldest first, at most `limit`.
    ///
    /// Writers are serialized (see the crate docs), so `seq` order is commit
    /// order and a reader that remembers the last `seq` it saw never misses
    /// a change.
    pub async fn changes_since(&self, after: i64, limit: i64) -> Result<Vec<Change>> {
        let rows = sqlx::query(
            "SELECT seq, at, kind, object_id, op, data FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit.clamp(1, 10_000))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let data: String = r.try_get("data")?;
                Ok(Change {
                    seq: r.try_get("seq")?,
                    at: Timestamp::from_micros(r.try_get("at")?),
                    kind: r.try_get("kind")?,
                    object_id: r.try_get("object_id")?,
                    op: r.try_get("op")?,
                    data: serde_json::from_str(&data)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            })
            .collect()
    }

    /// The highest change sequence committed so far.
    pub async fn last_change_seq(&self) -> Result<i64> {
        let v: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM changes")
            .fetch_one(&self.pool)
            .await?;
        Ok(v.unwrap_or(0))
    }
}
