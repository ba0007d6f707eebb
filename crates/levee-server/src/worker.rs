//! The job worker: each `levee serve` runs one. Jobs are claimed with a
//! lease (see `levee_store::jobs`), the lease is renewed while the job
//! runs, and the job's effects commit in the same transaction as its
//! completion, so a job's work happens exactly once even with several
//! processes and crashes.
//!
//! Scheduled work is enqueued as jobs with a per-slot dedup key, so when
//! several processes schedule the same tick exactly one job exists.

use std::time::Duration;

use levee_store::jobs::{Job, NewJob};
use levee_store::{Store, WriteTx};
use serde_json::json;

use crate::AppState;

/// Job kinds an administrator may enqueue by hand (the others are
/// scheduled by Levee itself, at their time).
pub const MANUAL_KINDS: &[&str] = &["probe", "audit.checkpoint"];

/// Job kinds this worker knows.
pub const KINDS: &[&str] = &[
    "probe",
    "audit.checkpoint",
    // issue 9: access windows open and close by the clock
    FRONTIER_WINDOW_OPEN,
    FRONTIER_WINDOW_CLOSE,
];

/// Jobs scheduled at a grant's start and end: they record in the audit
/// chain that the window opened or closed (unless the grant was revoked
/// first). Whether a window is open is always decided by the clock; these
/// make the record complete.
pub const FRONTIER_WINDOW_OPEN: &str = "frontier.window_open";
pub const FRONTIER_WINDOW_CLOSE: &str = "frontier.window_close";

/// How often scheduled work runs.
const CHECKPOINT_EVERY_SECS: i64 = 3600;

pub async fn run(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let owner = state.settings.instance.clone();
    tracing::info!(%owner, "job worker started");
    loop {
        if *stop.borrow() {
            break;
        }
        if let Err(e) = schedule(&state.store).await {
            tracing::warn!(error = %e, "scheduling failed");
        }
        match state
            .store
            .claim_job(&owner, state.settings.job_lease_secs)
            .await
        {
            Ok(Some(job)) => {
                run_one(&state, &owner, job).await;
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "claiming a job failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(250)) => {}
            _ = stop.changed() => {}
        }
    }
    tracing::info!("job worker stopped");
}

/// Enqueue this slot's scheduled jobs (deduplicated across processes).
pub async fn schedule(store: &Store) -> levee_store::Result<()> {
    let slot = store.now().secs() / CHECKPOINT_EVERY_SECS;
    let key = format!("tick:audit.checkpoint:{slot}");
    // Cheap pre-check so idle servers don't take the write lock every poll.
    if !store.job_dedup_exists(&key).await? {
        store
            .enqueue(&NewJob::new("audit.checkpoint", json!({})).dedup(key))
            .await?;
    }
    Ok(())
}

async fn run_one(state: &AppState, owner: &str, job: Job) {
    let store = &state.store;
    let lease = state.settings.job_lease_secs;
    // Renew the lease while the job runs.
    let hb = {
        let store = store.clone();
        let owner = owner.to_string();
        let id = job.id;
        tokio::spawn(async move {
            let every = Duration::from_millis((lease.max(1) as u64 * 1000) / 3);
            loop {
                tokio::time::sleep(every).await;
                match store.heartbeat_job(id, &owner, lease).await {
                    Ok(true) => {}
                    _ => break,
                }
            }
        })
    };
    let result = execute(state, owner, &job).await;
    hb.abort();
    let kind = job.kind.clone();
    match result {
        Ok(mut tx) => match store.complete_job_in(&mut tx, job.id, owner).await {
            Ok(true) => match tx.commit().await {
                Ok(()) => state.metrics.observe_job(&kind, "done"),
                Err(e) => tracing::warn!(job = job.id, error = %e, "commit failed"),
            },
            Ok(false) => {
                tracing::warn!(
                    job = job.id,
                    "lease lost before completion; effects rolled back"
                );
                let _ = tx.rollback().await;
                state.metrics.observe_job(&kind, "lease_lost");
            }
            Err(e) => tracing::warn!(job = job.id, error = %e, "completing failed"),
        },
        Err(e) => {
            tracing::warn!(job = job.id, kind = %kind, error = %e, "job failed");
            let _ = store.fail_job(job.id, owner, &e).await;
            state.metrics.observe_job(&kind, "failed");
        }
    }
}

/// Do the job's work inside a write transaction (not yet committed).
async fn execute(state: &AppState, owner: &str, job: &Job) -> Result<WriteTx, String> {
    let store = &state.store;
    match job.kind.as_str() {
        // A diagnostic job: sleeps, optionally fails, then records that it
        // ran. Used to prove exactly-once execution across processes.
        "probe" => {
            let num = |k: &str| {
                job.payload
                    .get(k)
                    .and_then(serde_json::Value::as_u64)
                    .unwrap_or(0)
            };
            // `first_attempt_sleep_ms` lets a test kill a worker mid-job and
            // watch another finish it quickly on the retry.
            let extra = if job.attempts == 1 {
                num("first_attempt_sleep_ms")
            } else {
                0
            };
            let ms = num("sleep_ms").saturating_add(extra).min(600_000);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            if job
                .payload
                .get("fail")
                .and_then(|v| v.as_bool())
                .unwrap_or(false)
            {
                return Err("probe asked to fail".into());
            }
            let mut tx = store.write().await.map_err(|e| e.to_string())?;
            tx.change(
                "probe",
                &job.id.to_string(),
                "ran",
                &json!({ "owner": owner, "attempt": job.attempts }),
            )
            .await
            .map_err(|e| e.to_string())?;
            Ok(tx)
        }
        "audit.checkpoint" => {
            store
                .audit_checkpoint(&state.keys.signer)
                .await
                .map_err(|e| e.to_string())?;
            store.write().await.map_err(|e| e.to_string())
        }
        FRONTIER_WINDOW_OPEN | FRONTIER_WINDOW_CLOSE => {
            let id = job
                .payload
                .get("grant")
                .and_then(|v| v.as_str())
                .ok_or("no grant in the payload")?;
            let g = store.frontier_grant(id).await.map_err(|e| e.to_string())?;
            let m = store
                .frontier_model(&g.model_id)
                .await
                .map_err(|e| e.to_string())?;
            let (action, at) = if job.kind == FRONTIER_WINDOW_OPEN {
                ("grant.window_open", g.starts_at)
            } else {
                ("grant.window_close", g.ends_at)
            };
            // The record says the window opened or closed: never before it
            // did (a window job enqueued by hand, early, is an error).
            if store.now() < at {
                return Err(format!("{action} is due at {at}, not before"));
            }
            let mut tx = store.write().await.map_err(|e| e.to_string())?;
            if g.revoked_at.is_none() {
                tx.audit(
                    "levee",
                    Some(&m.org_id),
                    action,
                    &g.id,
                    &json!({"at": at, "grantees": g.grantees}),
                )
                .await
                .map_err(|e| e.to_string())?;
            }
            Ok(tx)
        }
        other => Err(format!("unknown job kind {other:?}")),
    }
}
