//! The audit chain.
//!
//! Every state change appends an entry in the same transaction: time, actor
//! (a pseudonymous user id, never a name or email), org, action, object, and
//! a keyed HMAC-SHA256 digest of the change (not a plain hash, which could
//! be brute-forced for low-entropy values). Each entry's hash covers the
//! previous entry's hash, so editing or deleting a row breaks the chain.
//! Writers are serialized (see the crate docs), so there is one sequence even
//! with several processes on PostgreSQL. Signed checkpoints (Ed25519), once
//! exported, prove later that the log was not truncated below them.

use ed25519_dalek::{Signature, Signer as _, Verifier};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::keys::{b64url, verifying_key_from_b64, Signer};
use crate::{Result, Store, StoreError, WriteTx};
use levee_model::Timestamp;

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: Timestamp,
    pub actor: String,
    pub org_id: Option<String>,
    pub action: String,
    pub object: String,
    pub digest: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash that links an entry to the chain.
pub fn entry_hash(e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    for part in [
        e.prev_hash.as_str(),
        &e.seq.to_string(),
        &e.at.micros().to_string(),
        &e.actor,
        e.org_id.as_deref().unwrap_or(""),
        &e.action,
        &e.object,
        &e.digest,
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

/// A signed statement that the chain had `hash` at `seq`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at: Timestamp,
    pub kid: String,
    /// The signer's public key (base64url), so an exported checkpoint can be
    /// checked without trusting the database it describes.
    pub public_key: String,
    pub signature: String,
}

fn checkpoint_message(seq: i64, hash: &str, at: Timestamp) -> String {
    format!("levee-audit-checkpoint\n{seq}\n{hash}\n{}", at.micros())
}

impl Checkpoint {
    pub fn signature_ok(&self) -> bool {
        let Some(vk) = verifying_key_from_b64(&self.public_key) else {
            return false;
        };
        let Ok(sig) = base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            &self.signature,
        ) else {
            return false;
        };
        let Ok(sig) = Signature::from_slice(&sig) else {
            return false;
        };
        vk.verify(
            checkpoint_message(self.seq, &self.hash, self.at).as_bytes(),
            &sig,
        )
        .is_ok()
    }
}

/// Why verification failed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Broken {
    /// The first bad entry (or the checkpoint's sequence when truncated).
    pub seq: i64,
    pub reason: String,
}

fn entry_from_row(r: &AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.try_get("seq")?,
        at: Timestamp::from_micros(r.try_get("at")?),
        actor: r.try_get("actor")?,
        org_id: r.try_get("org_id")?,
        action: r.try_get("action")?,
        object: r.try_get("object")?,
        digest: r.try_get("digest")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

const COLS: &str = "seq, at, actor, org_id, action, object, digest, prev_hash, hash";

impl WriteTx {
    /// Append an audit entry for a change made in this transaction.
    pub async fn audit(
        &mut self,
        actor: &str,
        org_id: Option<&str>,
        action: &str,
        object: &str,
        change: &serde_json::Value,
    ) -> Result<i64> {
        let key = self.audit_key.ok_or_else(|| {
            StoreError::Conflict("no audit key loaded (Store::load_keyring)".into())
        })?;
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("any key length");
        mac.update(change.to_string().as_bytes());
        let digest = hex::encode(mac.finalize().into_bytes());
        let last: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(self.conn())
                .await?;
        let (prev_seq, prev_hash) = last.unwrap_or((0, GENESIS.to_string()));
        let mut e = AuditEntry {
            seq: prev_seq + 1,
            at: self.now(),
            actor: actor.to_string(),
            org_id: org_id.map(str::to_string),
            action: action.to_string(),
            object: object.to_string(),
            digest,
            prev_hash,
            hash: String::new(),
        };
        e.hash = entry_hash(&e);
        sqlx::query(&format!(
            "INSERT INTO audit_log ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(e.seq)
        .bind(e.at.micros())
        .bind(&e.actor)
        .bind(e.org_id.as_deref())
        .bind(&e.action)
        .bind(&e.object)
        .bind(&e.digest)
        .bind(&e.prev_hash)
        .bind(&e.hash)
        .execute(self.conn())
        .await?;
        Ok(e.seq)
    }
}

impl Store {
    /// Audit entries with `seq > after`: all of them (`orgs = None`), or
    /// those of the given orgs plus the given actor's own.
    pub async fn audit_entries(
        &self,
        after: i64,
        limit: i64,
        orgs: Option<&[String]>,
        actor: Option<&str>,
    ) -> Result<Vec<AuditEntry>> {
        let limit = limit.clamp(1, 1000);
        let rows = match orgs {
            None => {
                sqlx::query(&format!(
                    "SELECT {COLS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
                ))
                .bind(after)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
            Some(list) => {
                let org_params: Vec<String> =
                    (0..list.len()).map(|i| format!("${}", i + 4)).collect();
                let org_clause = if list.is_empty() {
                    String::new()
                } else {
                    format!(" OR org_id IN ({})", org_params.join(","))
                };
                let sql = format!(
                    "SELECT {COLS} FROM audit_log WHERE seq > $1 AND (actor = $3{org_clause}) ORDER BY seq LIMIT $2"
                );
                let mut q = sqlx::query(&sql)
                    .bind(after)
                    .bind(limit)
                    .bind(actor.unwrap_or(""));
                for o in list {
                    q = q.bind(o);
                }
                q.fetch_all(&self.pool).await?
            }
        };
        rows.iter().map(entry_from_row).collect()
    }

    /// Audit entries about the given objects, in chain order: by the
    /// `audit_log (object, seq)` index, one query per 1,000 objects.
    pub async fn audit_entries_for_objects(&self, objects: &[String]) -> Result<Vec<AuditEntry>> {
        let mut out = self
            .read_in(
                objects,
                |l| format!("SELECT {COLS} FROM audit_log WHERE object IN ({l}) ORDER BY seq"),
                entry_from_row,
            )
            .await?;
        // Each chunk is in order; together they need one more sort.
        out.sort_by_key(|e| e.seq);
        Ok(out)
    }

    /// Sign and store a checkpoint at the chain's current head.
    pub async fn audit_checkpoint(&self, signer: &Signer) -> Result<Option<Checkpoint>> {
        let mut tx = self.write().await?;
        let head: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(tx.conn())
                .await?;
        let Some((seq, hash)) = head else {
            tx.rollback().await?;
            return Ok(None);
        };
        let at = tx.now();
        let sig = signer
            .key
            .sign(checkpoint_message(seq, &hash, at).as_bytes());
        let cp = Checkpoint {
            seq,
            hash,
            at,
            kid: signer.kid.clone(),
            public_key: b64url(signer.key.verifying_key().as_bytes()),
            signature: b64url(&sig.to_bytes()),
        };
        sqlx::query(
            "INSERT INTO audit_checkpoints (seq, hash, at, kid, signature) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (seq) DO NOTHING",
        )
        .bind(cp.seq)
        .bind(&cp.hash)
        .bind(cp.at.micros())
        .bind(&cp.kid)
        .bind(&cp.signature)
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(Some(cp))
    }

    /// Walk the whole chain; check stored checkpoints and any given ones.
    /// `Ok(Ok(n))`: intact with n entries; `Ok(Err(broken))`: the first
    /// problem found.
    pub async fn audit_verify(
        &self,
        external: &[Checkpoint],
    ) -> Result<std::result::Result<i64, Broken>> {
        let mut expected_prev = GENESIS.to_string();
        let mut expected_seq = 1i64;
        let mut hashes = std::collections::HashMap::new();
        let mut after = 0i64;
        loop {
            let rows = sqlx::query(&format!(
                "SELECT {COLS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000"
            ))
            .bind(after)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let e = entry_from_row(r)?;
                if e.seq != expected_seq {
                    return Ok(Err(Broken {
                        seq: expected_seq,
                        reason: format!(
                            "entry {expected_seq} is missing (next present is {})",
                            e.seq
                        ),
                    }));
                }
                if e.prev_hash != expected_prev {
                    return Ok(Err(Broken {
                        seq: e.seq,
                        reason: "previous-hash link does not match".into(),
                    }));
                }
                if entry_hash(&e) != e.hash {
                    return Ok(Err(Broken {
                        seq: e.seq,
                        reason: "entry content does not match its hash".into(),
                    }));
                }
                expected_prev = e.hash.clone();
                expected_seq += 1;
                after = e.seq;
                hashes.insert(e.seq, e.hash);
            }
        }
        let count = expected_seq - 1;
        let stored =
            sqlx::query("SELECT seq, hash, at, kid, signature FROM audit_checkpoints ORDER BY seq")
                .fetch_all(&self.pool)
                .await?;
        let keys = self.public_keys().await?;
        let mut all = Vec::new();
        for r in &stored {
            let kid: String = r.try_get("kid")?;
            let public_key = keys
                .iter()
                .find(|k| k.kid == kid)
                .map(|k| k.x.clone())
                .unwrap_or_default();
            all.push(Checkpoint {
                seq: r.try_get("seq")?,
                hash: r.try_get("hash")?,
                at: Timestamp::from_micros(r.try_get("at")?),
                kid,
                public_key,
                signature: r.try_get("signature")?,
            });
        }
        all.extend(external.iter().cloned());
        for cp in &all {
            if !cp.signature_ok() {
                return Ok(Err(Broken {
                    seq: cp.seq,
                    reason: format!("checkpoint at {} has a bad signature", cp.seq),
                }));
            }
            match hashes.get(&cp.seq) {
                None => {
                    return Ok(Err(Broken {
                        seq: cp.seq,
                        reason: format!(
                            "log truncated: checkpoint at {} but the log ends at {count}",
                            cp.seq
                        ),
                    }))
                }
                Some(h) if *h != cp.hash => {
                    return Ok(Err(Broken {
                        seq: cp.seq,
                        reason: format!("entry {} differs from its checkpoint", cp.seq),
                    }))
                }
                Some(_) => {}
            }
        }
        Ok(Ok(count))
    }
}
