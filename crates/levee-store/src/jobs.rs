//! The job queue (outbox): leases, retries with backoff, dead-lettering.
//!
//! Claiming uses `FOR UPDATE SKIP LOCKED` on PostgreSQL and a `BEGIN
//! IMMEDIATE` transaction on SQLite, so a job is leased to exactly one
//! worker at a time. A worker that dies leaves its lease to expire, after
//! which any process may claim the job again. Completion and failure are
//! fenced by the lease owner, so a worker that lost its lease cannot
//! complete a job another worker now holds.
//!
//! Scheduled work uses `dedup_key`: every process may enqueue
//! `tick:<name>:<slot>`, and the unique key makes exactly one of them win.

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{Backend, Result, Store, StoreError, WriteTx};
use levee_model::Timestamp;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Ready,
    Running,
    Done,
    Dead,
}

impl JobState {
    pub fn as_str(&self) -> &'static str {
        match self {
            JobState::Ready => "ready",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
        }
    }
    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "ready" => JobState::Ready,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "dead" => JobState::Dead,
            other => return Err(StoreError::Corrupt(format!("job state {other:?}"))),
        })
    }
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub dedup_key: Option<String>,
    pub state: JobState,
    pub run_at: Timestamp,
    pub attempts: i64,
    pub max_attempts: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<Timestamp>,
    pub last_error: Option<String>,
}

#[derive(Clone, Debug)]
pub struct NewJob {
    pub kind: String,
    pub payload: serde_json::Value,
    pub dedup_key: Option<String>,
    pub run_at: Option<Timestamp>,
    pub max_attempts: i64,
}

impl NewJob {
    pub fn new(kind: impl Into<String>, payload: serde_json::Value) -> Self {
        NewJob {
            kind: kind.into(),
            payload,
            dedup_key: None,
            run_at: None,
            max_attempts: 5,
        }
    }
    pub fn dedup(mut self, key: impl Into<String>) -> Self {
        self.dedup_key = Some(key.into());
        self
    }
    pub fn at(mut self, t: Timestamp) -> Self {
        self.run_at = Some(t);
        self
    }
    pub fn max_attempts(mut self, n: i64) -> Self {
        self.max_attempts = n.max(1);
        self
    }
}

/// Retry delay after `attempts` failed attempts: 2^attempts seconds, at most an hour.
pub fn backoff_secs(attempts: i64) -> i64 {
    1i64 << attempts.clamp(0, 12).min(11)
}

const JOB_COLS: &str =
    "id, kind, payload, dedup_key, state, run_at, attempts, max_attempts, lease_owner, lease_until, last_error";

fn job_from_row(r: &AnyRow) -> Result<Job> {
    let payload: String = r.try_get("payload")?;
    let state: String = r.try_get("state")?;
    Ok(Job {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        payload: serde_json::from_str(&payload).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        dedup_key: r.try_get("dedup_key")?,
        state: JobState::parse(&state)?,
        run_at: Timestamp::from_micros(r.try_get("run_at")?),
        attempts: r.try_get("attempts")?,
        max_attempts: r.try_get("max_attempts")?,
        lease_owner: r.try_get("lease_owner")?,
        lease_until: r
            .try_get::<Option<i64>, _>("lease_until")?
            .map(Timestamp::from_micros),
        last_error: r.try_get("last_error")?,
    })
}

impl WriteTx {
    /// Enqueue a job in this transaction (the outbox pattern: the job exists
    /// if and only if the write that caused it commits). Returns `None` when
    /// a job with the same `dedup_key` already exists.
    pub async fn enqueue(&mut self, job: &NewJob) -> Result<Option<i64>> {
        let now = self.now();
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO jobs (kind, payload, dedup_key, state, run_at, attempts, max_attempts, created_at, updated_at)
             VALUES ($1, $2, $3, 'ready', $4, 0, $5, $6, $6)
             ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
        )
        .bind(&job.kind)
        .bind(job.payload.to_string())
        .bind(job.dedup_key.as_deref())
        .bind(job.run_at.unwrap_or(now).micros())
        .bind(job.max_attempts)
        .bind(now.micros())
        .fetch_optional(self.conn())
        .await?;
        if let Some(id) = id {
            self.change(
                "job",
                &id.to_string(),
                "enqueue",
                &serde_json::json!({ "kind": job.kind }),
            )
            .await?;
        }
        Ok(id)
    }
}

impl Store {
    /// Enqueue in a transaction of its own.
    pub async fn enqueue(&self, job: &NewJob) -> Result<Option<i64>> {
        let mut tx = self.write().await?;
        let id = tx.enqueue(job).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Does a job with this dedup key exist (in any state)?
    pub async fn job_dedup_exists(&self, key: &str) -> Result<bool> {
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM jobs WHERE dedup_key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(id.is_some())
    }

    pub async fn job(&self, id: i64) -> Result<Job> {
        let row = sqlx::query(&format!("SELECT {JOB_COLS} FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        job_from_row(&row)
    }

    pub async fn jobs(&self, state: Option<&str>, limit: i64) -> Result<Vec<Job>> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLS} FROM jobs WHERE ($1 = '' OR state = $1) ORDER BY id DESC LIMIT $2"
        ))
        .bind(state.unwrap_or(""))
        .bind(limit.clamp(1, 1000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(job_from_row).collect()
    }

    /// Lease the next due job to `owner` for `lease_secs`: a ready job whose
    /// time has come, or a running job whose lease has expired.
    pub async fn claim_job(&self, owner: &str, lease_secs: i64) -> Result<Option<Job>> {
        let now = self.now();
        let pick = match self.backend {
            Backend::Postgres => {
                "SELECT id, state, attempts, max_attempts FROM jobs
                 WHERE (state = 'ready' AND run_at <= $1) OR (state = 'running' AND lease_until < $1)
                 ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
            }
            Backend::Sqlite => {
                "SELECT id, state, attempts, max_attempts FROM jobs
                 WHERE (state = 'ready' AND run_at <= $1) OR (state = 'running' AND lease_until < $1)
                 ORDER BY run_at, id LIMIT 1"
            }
        };
        // A running job whose lease expired had its worker die on it; once
        // it has used its attempts it is dead-lettered, not run again (a job
        // that kills its worker would otherwise be retried forever, taking
        // each worker down with it). That is a write of its own, through
        // the serialized writer so that it lands in the change log like
        // every other job transition; then the pick starts over.
        let (mut tx, id) = loop {
            let mut tx = match self.backend {
                Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
                Backend::Postgres => self.pool.begin().await?,
            };
            let row: Option<(i64, String, i64, i64)> = sqlx::query_as(pick)
                .bind(now.micros())
                .fetch_optional(&mut *tx)
                .await?;
            let Some((id, state, attempts, max_attempts)) = row else {
                tx.rollback().await?;
                return Ok(None);
            };
            if state != "running" || attempts < max_attempts {
                break (tx, id);
            }
            tx.rollback().await?;
            self.dead_letter_lost(id, now).await?;
        };
        let row = sqlx::query(&format!(
            "UPDATE jobs SET state = 'running', lease_owner = $1, lease_until = $2,
                    attempts = attempts + 1, updated_at = $3
             WHERE id = $4 RETURNING {JOB_COLS}"
        ))
        .bind(owner)
        .bind(now.plus_secs(lease_secs).micros())
        .bind(now.micros())
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let job = job_from_row(&row)?;
        tx.commit().await?;
        Ok(Some(job))
    }

    /// Dead-letter job `id` if it is still running on its last attempt
    /// with an expired lease (a claim found it so; the condition is checked
    /// again here, under the writer).
    async fn dead_letter_lost(&self, id: i64, now: Timestamp) -> Result<()> {
        const WHY: &str = "lease expired on the last attempt (worker lost)";
        let mut tx = self.write().await?;
        let n = sqlx::query(
            "UPDATE jobs SET state = 'dead', lease_owner = NULL, lease_until = NULL,
                    last_error = $1, updated_at = $2
             WHERE id = $3 AND state = 'running' AND attempts >= max_attempts AND lease_until < $2",
        )
        .bind(WHY)
        .bind(now.micros())
        .bind(id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if n == 1 {
            tx.change(
                "job",
                &id.to_string(),
                JobState::Dead.as_str(),
                &serde_json::json!({ "error": WHY }),
            )
            .await?;
        }
        tx.commit().await
    }

    /// Extend a lease still held by `owner`. False when the lease was lost.
    pub async fn heartbeat_job(&self, id: i64, owner: &str, lease_secs: i64) -> Result<bool> {
        let now = self.now();
        let n = sqlx::query(
            "UPDATE jobs SET lease_until = $1, updated_at = $2
             WHERE id = $3 AND state = 'running' AND lease_owner = $4",
        )
        .bind(now.plus_secs(lease_secs).micros())
        .bind(now.micros())
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Mark a job done inside the transaction that did its work, so the
    /// effect and the completion commit together. False when `owner` no
    /// longer holds the lease (the caller must then roll back).
    pub async fn complete_job_in(&self, tx: &mut WriteTx, id: i64, owner: &str) -> Result<bool> {
        let now = tx.now();
        let n = sqlx::query(
            "UPDATE jobs SET state = 'done', lease_owner = NULL, lease_until = NULL, updated_at = $1
             WHERE id = $2 AND state = 'running' AND lease_owner = $3",
        )
        .bind(now.micros())
        .bind(id)
        .bind(owner)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if n == 1 {
            tx.change(
                "job",
                &id.to_string(),
                "done",
                &serde_json::json!({ "owner": owner }),
            )
            .await?;
        }
        Ok(n == 1)
    }

    /// Record a failed attempt: retry after a backoff, or dead-letter after
    /// `max_attempts`. Returns the new state, or `None` if the lease was lost.
    pub async fn fail_job(&self, id: i64, owner: &str, error: &str) -> Result<Option<JobState>> {
        let mut tx = self.write().await?;
        let now = tx.now();
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT attempts, max_attempts FROM jobs WHERE id = $1 AND state = 'running' AND lease_owner = $2",
        )
        .bind(id)
        .bind(owner)
        .fetch_optional(tx.conn())
        .await?;
        let Some((attempts, max)) = row else {
            tx.rollback().await?;
            return Ok(None);
        };
        let (state, run_at) = if attempts >= max {
            (JobState::Dead, now)
        } else {
            (JobState::Ready, now.plus_secs(backoff_secs(attempts)))
        };
        let err: String = error.chars().take(2000).collect();
        sqlx::query(
            "UPDATE jobs SET state = $1, run_at = $2, lease_owner = NULL, lease_until = NULL,
                    last_error = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(state.as_str())
        .bind(run_at.micros())
        .bind(&err)
        .bind(now.micros())
        .bind(id)
        .execute(tx.conn())
        .await?;
        tx.change(
            "job",
            &id.to_string(),
            state.as_str(),
            &serde_json::json!({ "error": err }),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(state))
    }
}

#[cfg(test)]
mod tests {
    use super::backoff_secs;
    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_secs(0), 1);
        assert_eq!(backoff_secs(3), 8);
        assert!(backoff_secs(100) <= 3600);
        assert!(backoff_secs(-5) >= 1);
    }
}
