//! Storage for the voluntary covered-frontier-model framework (issue 9):
//! models and consent, assessments (a commitment to the threshold, never
//! the threshold), benchmark runs, designations, versioned terms, trusted
//! partners, early-access grants and acceptances.
//!
//! Policy — who may see or write what, window rules, what a developer may
//! read of an assessment — is decided in the server (`authz` and
//! `levee_server::frontier`). Every write here takes the caller's
//! [`WriteTx`] and appends to the change log; the caller adds the audit
//! entry in the same transaction. There is deliberately no approval or
//! blocking state: nothing here can hold back a release.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::{Result, Store, StoreError, WriteTx};
use levee_model::Timestamp;

fn ts(v: Option<i64>) -> Option<Timestamp> {
    v.map(Timestamp::from_micros)
}
fn json_col(r: &AnyRow, col: &str) -> Result<serde_json::Value> {
    let s: String = r.try_get(col)?;
    serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Model {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub version: String,
    pub modality: String,
    pub planned_release_at: Timestamp,
    pub released_at: Option<Timestamp>,
    pub opted_in: bool,
    pub ever_opted_in: bool,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

const MODEL_COLS: &str = "id, org_id, name, version, modality, planned_release_at, released_at, opted_in, ever_opted_in, created_by, created_at, updated_at";

fn model_row(r: &AnyRow) -> Result<Model> {
    Ok(Model {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        name: r.try_get("name")?,
        version: r.try_get("version")?,
        modality: r.try_get("modality")?,
        planned_release_at: Timestamp::from_micros(r.try_get("planned_release_at")?),
        released_at: ts(r.try_get("released_at")?),
        opted_in: r.try_get::<i64, _>("opted_in")? != 0,
        ever_opted_in: r.try_get::<i64, _>("ever_opted_in")? != 0,
        created_by: r.try_get("created_by")?,
        created_at: Timestamp::from_micros(r.try_get("created_at")?),
        updated_at: Timestamp::from_micros(r.try_get("updated_at")?),
    })
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Consent {
    pub id: String,
    pub model_id: String,
    pub opted_in: bool,
    pub reason: Option<String>,
    pub user_id: String,
    pub at: Timestamp,
}

fn consent_row(r: &AnyRow) -> Result<Consent> {
    Ok(Consent {
        id: r.try_get("id")?,
        model_id: r.try_get("model_id")?,
        opted_in: r.try_get::<i64, _>("opted_in")? != 0,
        reason: r.try_get("reason")?,
        user_id: r.try_get("user_id")?,
        at: Timestamp::from_micros(r.try_get("at")?),
    })
}

/// An assessment. `sealed_threshold` is opaque to the server (encrypted by
/// the evaluators to their own keys).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Assessment {
    pub id: String,
    pub model_id: String,
    pub evaluator_org_id: String,
    pub commitment: String,
    pub sealed_threshold: Option<serde_json::Value>,
    pub created_by: String,
    pub created_at: Timestamp,
    /// `covered` / `not_covered`.
    pub designation: Option<String>,
    pub designated_at: Option<Timestamp>,
    pub designated_by: Option<String>,
}

const ASSESSMENT_COLS: &str = "id, model_id, evaluator_org_id, commitment, sealed_threshold, created_by, created_at, designation, designated_at, designated_by";

fn assessment_row(r: &AnyRow) -> Result<Assessment> {
    let sealed: Option<String> = r.try_get("sealed_threshold")?;
    Ok(Assessment {
        id: r.try_get("id")?,
        model_id: r.try_get("model_id")?,
        evaluator_org_id: r.try_get("evaluator_org_id")?,
        commitment: r.try_get("commitment")?,
        sealed_threshold: sealed
            .map(|s| serde_json::from_str(&s))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("sealed_threshold: {e}")))?,
        created_by: r.try_get("created_by")?,
        created_at: Timestamp::from_micros(r.try_get("created_at")?),
        designation: r.try_get("designation")?,
        designated_at: ts(r.try_get("designated_at")?),
        designated_by: r.try_get("designated_by")?,
    })
}

/// A benchmark run; `tasks` is `[{task, score, classified}]`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BenchRun {
    pub id: String,
    pub assessment_id: String,
    pub suite: String,
    pub version: String,
    pub tasks: serde_json::Value,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

fn run_row(r: &AnyRow) -> Result<BenchRun> {
    Ok(BenchRun {
        id: r.try_get("id")?,
        assessment_id: r.try_get("assessment_id")?,
        suite: r.try_get("suite")?,
        version: r.try_get("suite_version")?,
        tasks: json_col(r, "tasks")?,
        recorded_by: r.try_get("recorded_by")?,
        recorded_at: Timestamp::from_micros(r.try_get("recorded_at")?),
    })
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Terms {
    pub id: String,
    pub org_id: String,
    pub kind: String,
    pub version: String,
    pub title: String,
    pub body: String,
    pub sha256: String,
    pub published_by: String,
    pub published_at: Timestamp,
}

const TERMS_COLS: &str =
    "id, org_id, kind, version, title, body, sha256, published_by, published_at";

fn terms_row(r: &AnyRow) -> Result<Terms> {
    Ok(Terms {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        kind: r.try_get("kind")?,
        version: r.try_get("version")?,
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        sha256: r.try_get("sha256")?,
        published_by: r.try_get("published_by")?,
        published_at: Timestamp::from_micros(r.try_get("published_at")?),
    })
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Partner {
    pub id: String,
    pub model_id: String,
    pub org_id: String,
    pub category: String,
    pub note: Option<String>,
    pub nominated_by: String,
    pub nominated_at: Timestamp,
    /// `concur` / `object`, from an org with the government capability.
    pub decision: Option<String>,
    pub decision_org_id: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<Timestamp>,
    pub decision_reason: Option<String>,
    pub withdrawn_at: Option<Timestamp>,
}

impl Partner {
    /// Trusted only with both the developer's (standing) nomination and the
    /// government's concurrence.
    pub fn trusted(&self) -> bool {
        self.withdrawn_at.is_none() && self.decision.as_deref() == Some("concur")
    }
}

const PARTNER_COLS: &str = "id, model_id, org_id, category, note, nominated_by, nominated_at, decision, decision_org_id, decided_by, decided_at, decision_reason, withdrawn_at";

fn partner_row(r: &AnyRow) -> Result<Partner> {
    Ok(Partner {
        id: r.try_get("id")?,
        model_id: r.try_get("model_id")?,
        org_id: r.try_get("org_id")?,
        category: r.try_get("category")?,
        note: r.try_get("note")?,
        nominated_by: r.try_get("nominated_by")?,
        nominated_at: Timestamp::from_micros(r.try_get("nominated_at")?),
        decision: r.try_get("decision")?,
        decision_org_id: r.try_get("decision_org_id")?,
        decided_by: r.try_get("decided_by")?,
        decided_at: ts(r.try_get("decided_at")?),
        decision_reason: r.try_get("decision_reason")?,
        withdrawn_at: ts(r.try_get("withdrawn_at")?),
    })
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Grant {
    pub id: String,
    pub model_id: String,
    /// `government` or `partner`.
    pub audience: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// Ids of the terms documents the grant carries.
    pub terms: Vec<String>,
    pub grantees: Vec<String>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
}

/// Read joined with `frontier_grantees ge` (see [`grants_sql`]): every
/// column is named through the grant's alias `g`, so a column of the same
/// name in the joined table cannot make it ambiguous, and keeps its own
/// name in the result.
const GRANT_COLS: &str = "g.id AS id, g.model_id AS model_id, g.audience AS audience, \
     g.starts_at AS starts_at, g.ends_at AS ends_at, g.terms AS terms, g.created_by AS created_by, \
     g.created_at AS created_at, g.revoked_at AS revoked_at, g.revoked_by AS revoked_by, \
     g.revoke_reason AS revoke_reason";

fn grant_row(r: &AnyRow, grantees: Vec<String>) -> Result<Grant> {
    let terms: String = r.try_get("terms")?;
    Ok(Grant {
        id: r.try_get("id")?,
        model_id: r.try_get("model_id")?,
        audience: r.try_get("audience")?,
        starts_at: Timestamp::from_micros(r.try_get("starts_at")?),
        ends_at: Timestamp::from_micros(r.try_get("ends_at")?),
        terms: serde_json::from_str(&terms)
            .map_err(|e| StoreError::Corrupt(format!("terms: {e}")))?,
        grantees,
        created_by: r.try_get("created_by")?,
        created_at: Timestamp::from_micros(r.try_get("created_at")?),
        revoked_at: ts(r.try_get("revoked_at")?),
        revoked_by: r.try_get("revoked_by")?,
        revoke_reason: r.try_get("revoke_reason")?,
    })
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Acceptance {
    pub grant_id: String,
    pub org_id: String,
    pub terms_id: String,
    pub user_id: String,
    pub at: Timestamp,
}

// ---- shared readers (work on a transaction or a pooled connection) ----

async fn q_model(c: &mut AnyConnection, id: &str) -> Result<Model> {
    let r = sqlx::query(&format!(
        "SELECT {MODEL_COLS} FROM frontier_models WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?
    .ok_or(StoreError::NotFound)?;
    model_row(&r)
}

/// The grants matching `filter` (a `WHERE` clause on `frontier_grants g`,
/// naming its columns `g.…`), one row per grantee (or one with a `NULL`
/// grantee), each grant's rows together; read them with [`fold_grant`].
fn grants_sql(filter: &str) -> String {
    format!(
        "SELECT {GRANT_COLS}, ge.org_id AS grantee FROM frontier_grants g
         LEFT JOIN frontier_grantees ge ON ge.grant_id = g.id
         {filter} ORDER BY g.created_at, g.id, ge.org_id"
    )
}

/// Add a row of [`grants_sql`] to `out`: a new grant, or one more grantee
/// of the last one.
fn fold_grant(out: &mut Vec<Grant>, r: &AnyRow) -> Result<()> {
    let grantee: Option<String> = r.try_get("grantee")?;
    let id: String = r.try_get("id")?;
    match out.last_mut() {
        Some(g) if g.id == id => g.grantees.extend(grantee),
        _ => out.push(grant_row(r, grantee.into_iter().collect())?),
    }
    Ok(())
}

/// The grants matching `filter` (see [`grants_sql`]; its parameters are
/// `args`), with their grantees, in one statement whatever the number of
/// grants.
async fn q_grants(c: &mut AnyConnection, filter: &str, args: &[&str]) -> Result<Vec<Grant>> {
    let sql = grants_sql(filter);
    let mut q = sqlx::query(&sql);
    for a in args {
        q = q.bind(*a);
    }
    let mut out: Vec<Grant> = Vec::new();
    for r in q.fetch_all(c).await? {
        fold_grant(&mut out, &r)?;
    }
    Ok(out)
}

fn acceptance_row(r: &AnyRow) -> Result<Acceptance> {
    Ok(Acceptance {
        grant_id: r.try_get("grant_id")?,
        org_id: r.try_get("org_id")?,
        terms_id: r.try_get("terms_id")?,
        user_id: r.try_get("user_id")?,
        at: Timestamp::from_micros(r.try_get("at")?),
    })
}

async fn q_partner(c: &mut AnyConnection, id: &str) -> Result<Partner> {
    let r = sqlx::query(&format!(
        "SELECT {PARTNER_COLS} FROM frontier_partners WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?
    .ok_or(StoreError::NotFound)?;
    partner_row(&r)
}

async fn q_assessment(c: &mut AnyConnection, id: &str) -> Result<Assessment> {
    let r = sqlx::query(&format!(
        "SELECT {ASSESSMENT_COLS} FROM frontier_assessments WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await?
    .ok_or(StoreError::NotFound)?;
    assessment_row(&r)
}

#[derive(Clone, Debug)]
pub struct NewModel {
    pub org_id: String,
    pub name: String,
    pub version: String,
    pub modality: String,
    pub planned_release_at: Timestamp,
    pub opted_in: bool,
}

impl WriteTx {
    pub async fn insert_model(&mut self, m: &NewModel, by: &str) -> Result<Model> {
        let clash: Option<String> = sqlx::query_scalar(
            "SELECT id FROM frontier_models WHERE org_id = $1 AND name = $2 AND version = $3",
        )
        .bind(&m.org_id)
        .bind(&m.name)
        .bind(&m.version)
        .fetch_optional(self.conn())
        .await?;
        if clash.is_some() {
            return Err(StoreError::Conflict(format!(
                "model {:?} version {:?} is already registered",
                m.name, m.version
            )));
        }
        let id = crate::new_id("mdl_");
        let now = self.now().micros();
        sqlx::query(&format!(
            "INSERT INTO frontier_models ({MODEL_COLS}) VALUES ($1, $2, $3, $4, $5, $6, NULL, 0, 0, $7, $8, $8)"
        ))
        .bind(&id)
        .bind(&m.org_id)
        .bind(&m.name)
        .bind(&m.version)
        .bind(&m.modality)
        .bind(m.planned_release_at.micros())
        .bind(by)
        .bind(now)
        .execute(self.conn())
        .await?;
        self.change(
            "frontier_model",
            &id,
            "create",
            &serde_json::json!({"org": m.org_id}),
        )
        .await?;
        if m.opted_in {
            self.set_consent(&id, true, None, by).await?;
        }
        self.model(&id).await
    }

    pub async fn model(&mut self, id: &str) -> Result<Model> {
        q_model(self.conn(), id).await
    }

    /// Update the release fields (and modality). The developer alone calls
    /// this; nothing else in the framework touches these columns.
    pub async fn update_model(
        &mut self,
        id: &str,
        modality: &str,
        planned_release_at: Timestamp,
        released_at: Option<Timestamp>,
    ) -> Result<Model> {
        let now = self.now().micros();
        sqlx::query(
            "UPDATE frontier_models SET modality = $1, planned_release_at = $2, released_at = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(modality)
        .bind(planned_release_at.micros())
        .bind(released_at.map(Timestamp::micros))
        .bind(now)
        .bind(id)
        .execute(self.conn())
        .await?;
        self.change("frontier_model", id, "update", &serde_json::json!({}))
            .await?;
        self.model(id).await
    }

    /// Record an opt-in or opt-out.
    pub async fn set_consent(
        &mut self,
        model_id: &str,
        opted_in: bool,
        reason: Option<&str>,
        by: &str,
    ) -> Result<Consent> {
        let id = crate::new_id("cns_");
        let now = self.now().micros();
        sqlx::query(
            "INSERT INTO frontier_consents (id, model_id, opted_in, reason, user_id, at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(model_id)
        .bind(i64::from(opted_in))
        .bind(reason)
        .bind(by)
        .bind(now)
        .execute(self.conn())
        .await?;
        let sql = if opted_in {
            "UPDATE frontier_models SET opted_in = 1, ever_opted_in = 1, updated_at = $1 WHERE id = $2"
        } else {
            "UPDATE frontier_models SET opted_in = 0, updated_at = $1 WHERE id = $2"
        };
        sqlx::query(sql)
            .bind(now)
            .bind(model_id)
            .execute(self.conn())
            .await?;
        self.change(
            "frontier_model",
            model_id,
            if opted_in { "opt_in" } else { "opt_out" },
            &serde_json::json!({}),
        )
        .await?;
        Ok(Consent {
            id,
            model_id: model_id.to_string(),
            opted_in,
            reason: reason.map(str::to_string),
            user_id: by.to_string(),
            at: Timestamp::from_micros(now),
        })
    }

    pub async fn insert_assessment(
        &mut self,
        model_id: &str,
        evaluator_org_id: &str,
        commitment: &str,
        sealed_threshold: Option<&serde_json::Value>,
        by: &str,
    ) -> Result<Assessment> {
        let id = crate::new_id("asm_");
        sqlx::query(
            "INSERT INTO frontier_assessments (id, model_id, evaluator_org_id, commitment, sealed_threshold, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(model_id)
        .bind(evaluator_org_id)
        .bind(commitment)
        .bind(sealed_threshold.map(serde_json::Value::to_string))
        .bind(by)
        .bind(self.now().micros())
        .execute(self.conn())
        .await?;
        self.change(
            "frontier_assessment",
            &id,
            "create",
            &serde_json::json!({"model": model_id}),
        )
        .await?;
        q_assessment(self.conn(), &id).await
    }

    pub async fn insert_run(
        &mut self,
        assessment_id: &str,
        suite: &str,
        version: &str,
        tasks: &serde_json::Value,
        by: &str,
    ) -> Result<BenchRun> {
        let id = crate::new_id("run_");
        let now = self.now();
        sqlx::query(
            "INSERT INTO frontier_runs (id, assessment_id, suite, suite_version, tasks, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(assessment_id)
        .bind(suite)
        .bind(version)
        .bind(tasks.to_string())
        .bind(by)
        .bind(now.micros())
        .execute(self.conn())
        .await?;
        self.change(
            "frontier_assessment",
            assessment_id,
            "run",
            &serde_json::json!({"run": id}),
        )
        .await?;
        Ok(BenchRun {
            id,
            assessment_id: assessment_id.to_string(),
            suite: suite.to_string(),
            version: version.to_string(),
            tasks: tasks.clone(),
            recorded_by: by.to_string(),
            recorded_at: now,
        })
    }

    /// Record the designation (once).
    pub async fn designate(
        &mut self,
        assessment_id: &str,
        covered: bool,
        by: &str,
    ) -> Result<Assessment> {
        let n = sqlx::query(
            "UPDATE frontier_assessments SET designation = $1, designated_at = $2, designated_by = $3
             WHERE id = $4 AND designation IS NULL",
        )
        .bind(if covered { "covered" } else { "not_covered" })
        .bind(self.now().micros())
        .bind(by)
        .bind(assessment_id)
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict(
                "this assessment already has a designation; start a new assessment to reassess"
                    .into(),
            ));
        }
        self.change(
            "frontier_assessment",
            assessment_id,
            "designate",
            &serde_json::json!({}),
        )
        .await?;
        q_assessment(self.conn(), assessment_id).await
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_terms(
        &mut self,
        org_id: &str,
        kind: &str,
        version: &str,
        title: &str,
        body: &str,
        sha256: &str,
        by: &str,
    ) -> Result<Terms> {
        let clash: Option<String> = sqlx::query_scalar(
            "SELECT id FROM frontier_terms WHERE org_id = $1 AND kind = $2 AND version = $3",
        )
        .bind(org_id)
        .bind(kind)
        .bind(version)
        .fetch_optional(self.conn())
        .await?;
        if clash.is_some() {
            return Err(StoreError::Conflict(format!(
                "{kind} terms version {version:?} are already published; documents are immutable, publish a new version"
            )));
        }
        let id = crate::new_id("trm_");
        sqlx::query(&format!(
            "INSERT INTO frontier_terms ({TERMS_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(&id)
        .bind(org_id)
        .bind(kind)
        .bind(version)
        .bind(title)
        .bind(body)
        .bind(sha256)
        .bind(by)
        .bind(self.now().micros())
        .execute(self.conn())
        .await?;
        self.change(
            "frontier_terms",
            &id,
            "create",
            &serde_json::json!({"kind": kind, "version": version}),
        )
        .await?;
        let r = sqlx::query(&format!(
            "SELECT {TERMS_COLS} FROM frontier_terms WHERE id = $1"
        ))
        .bind(&id)
        .fetch_one(self.conn())
        .await?;
        terms_row(&r)
    }

    pub async fn insert_partner(
        &mut self,
        model_id: &str,
        org_id: &str,
        category: &str,
        note: Option<&str>,
        by: &str,
    ) -> Result<Partner> {
        let clash: Option<String> = sqlx::query_scalar(
            "SELECT id FROM frontier_partners WHERE model_id = $1 AND org_id = $2",
        )
        .bind(model_id)
        .bind(org_id)
        .fetch_optional(self.conn())
        .await?;
        if clash.is_some() {
            return Err(StoreError::Conflict(
                "this organization was already nominated for this model".into(),
            ));
        }
        let id = crate::new_id("ptn_");
        sqlx::query(
            "INSERT INTO frontier_partners (id, model_id, org_id, category, note, nominated_by, nominated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(model_id)
        .bind(org_id)
        .bind(category)
        .bind(note)
        .bind(by)
        .bind(self.now().micros())
        .execute(self.conn())
        .await?;
        self.change(
            "frontier_partner",
            &id,
            "nominate",
            &serde_json::json!({"model": model_id}),
        )
        .await?;
        q_partner(self.conn(), &id).await
    }

    pub async fn decide_partner(
        &mut self,
        id: &str,
        decision: &str,
        gov_org: &str,
        reason: Option<&str>,
        by: &str,
    ) -> Result<Partner> {
        // A withdrawn nomination is not decided: the condition is part of
        // the UPDATE, so a withdrawal committed after the caller read the
        // nomination still wins, whatever the caller checked before.
        let n = sqlx::query(
            "UPDATE frontier_partners SET decision = $1, decision_org_id = $2, decided_by = $3, decided_at = $4, decision_reason = $5
             WHERE id = $6 AND withdrawn_at IS NULL",
        )
        .bind(decision)
        .bind(gov_org)
        .bind(by)
        .bind(self.now().micros())
        .bind(reason)
        .bind(id)
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            // Not found (q_partner says so) or withdrawn.
            q_partner(self.conn(), id).await?;
            return Err(StoreError::Conflict(
                "the developer withdrew this nomination".into(),
            ));
        }
        self.change(
            "frontier_partner",
            id,
            "decide",
            &serde_json::json!({"decision": decision}),
        )
        .await?;
        q_partner(self.conn(), id).await
    }

    pub async fn withdraw_partner(&mut self, id: &str) -> Result<Partner> {
        let n = sqlx::query(
            "UPDATE frontier_partners SET withdrawn_at = $1 WHERE id = $2 AND withdrawn_at IS NULL",
        )
        .bind(self.now().micros())
        .bind(id)
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict(
                "this nomination was already withdrawn".into(),
            ));
        }
        self.change("frontier_partner", id, "withdraw", &serde_json::json!({}))
            .await?;
        q_partner(self.conn(), id).await
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_grant(
        &mut self,
        model_id: &str,
        audience: &str,
        grantees: &[String],
        starts_at: Timestamp,
        ends_at: Timestamp,
        terms: &[String],
        by: &str,
    ) -> Result<Grant> {
        let id = crate::new_id("grt_");
        sqlx::query(
            "INSERT INTO frontier_grants (id, model_id, audience, starts_at, ends_at, terms, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(model_id)
        .bind(audience)
        .bind(starts_at.micros())
        .bind(ends_at.micros())
        .bind(serde_json::to_string(terms).map_err(|e| StoreError::Corrupt(e.to_string()))?)
        .bind(by)
        .bind(self.now().micros())
        .execute(self.conn())
        .await?;
        for g in grantees {
            sqlx::query("INSERT INTO frontier_grantees (grant_id, org_id) VALUES ($1, $2)")
                .bind(&id)
                .bind(g)
                .execute(self.conn())
                .await?;
        }
        self.change(
            "frontier_grant",
            &id,
            "create",
            &serde_json::json!({"model": model_id, "grantees": grantees}),
        )
        .await?;
        self.grant(&id).await
    }

    pub async fn grant(&mut self, id: &str) -> Result<Grant> {
        q_grants(self.conn(), "WHERE g.id = $1", &[id])
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound)
    }

    /// Revoke a grant that is not revoked yet. Returns whether it was live.
    pub async fn revoke_grant(&mut self, id: &str, by: &str, reason: &str) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE frontier_grants SET revoked_at = $1, revoked_by = $2, revoke_reason = $3
             WHERE id = $4 AND revoked_at IS NULL",
        )
        .bind(self.now().micros())
        .bind(by)
        .bind(reason)
        .bind(id)
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 1 {
            self.change(
                "frontier_grant",
                id,
                "revoke",
                &serde_json::json!({"reason": reason}),
            )
            .await?;
        }
        Ok(n == 1)
    }

    /// Grants of a model not revoked and not yet ended (optionally only of
    /// one audience, or only those naming one org).
    pub async fn live_grants(
        &mut self,
        model_id: &str,
        audience: Option<&str>,
        grantee: Option<&str>,
    ) -> Result<Vec<Grant>> {
        let now = self.now();
        Ok(q_grants(self.conn(), "WHERE g.model_id = $1", &[model_id])
            .await?
            .into_iter()
            .filter(|g| g.revoked_at.is_none() && g.ends_at > now)
            .filter(|g| audience.is_none_or(|a| g.audience == a))
            .filter(|g| grantee.is_none_or(|o| g.grantees.iter().any(|x| x == o)))
            .collect())
    }

    /// Has `org_id` accepted any terms of this grant? (Inside the write
    /// transaction: writes are serialized, so no acceptance can slip in
    /// between this check and the insert.)
    pub async fn has_accepted(&mut self, grant_id: &str, org_id: &str) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM frontier_acceptances WHERE grant_id = $1 AND org_id = $2",
        )
        .bind(grant_id)
        .bind(org_id)
        .fetch_one(self.conn())
        .await?;
        Ok(n > 0)
    }

    pub async fn accept_terms(
        &mut self,
        grant_id: &str,
        org_id: &str,
        terms_id: &str,
        by: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO frontier_acceptances (grant_id, org_id, terms_id, user_id, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(grant_id)
        .bind(org_id)
        .bind(terms_id)
        .bind(by)
        .bind(self.now().micros())
        .execute(self.conn())
        .await?;
        self.change(
            "frontier_grant",
            grant_id,
            "accept",
            &serde_json::json!({"org": org_id, "terms": terms_id}),
        )
        .await?;
        Ok(())
    }
}

impl Store {
    pub async fn frontier_model(&self, id: &str) -> Result<Model> {
        let mut c = self.pool.acquire().await?;
        q_model(&mut c, id).await
    }

    /// Every model, or one organization's (`org`; the `UNIQUE (org_id,
    /// name, version)` index serves it), oldest first.
    pub async fn frontier_models(&self, org: Option<&str>) -> Result<Vec<Model>> {
        let filter = if org.is_some() {
            "WHERE org_id = $1"
        } else {
            ""
        };
        let sql =
            format!("SELECT {MODEL_COLS} FROM frontier_models {filter} ORDER BY created_at, id");
        let mut q = sqlx::query(&sql);
        if let Some(org) = org {
            q = q.bind(org);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(model_row).collect()
    }

    pub async fn frontier_consents(&self, model_id: &str) -> Result<Vec<Consent>> {
        self.frontier_consents_of_models(&[model_id.to_string()])
            .await
    }

    /// The consents of several models (each model's in order), in a
    /// bounded number of statements.
    pub async fn frontier_consents_of_models(&self, model_ids: &[String]) -> Result<Vec<Consent>> {
        self.read_in(
            model_ids,
            |l| format!("SELECT id, model_id, opted_in, reason, user_id, at FROM frontier_consents WHERE model_id IN ({l}) ORDER BY at, id"),
            consent_row,
        )
        .await
    }

    pub async fn frontier_assessment(&self, id: &str) -> Result<Assessment> {
        let mut c = self.pool.acquire().await?;
        q_assessment(&mut c, id).await
    }

    /// Assessments of one model, or of all models.
    pub async fn frontier_assessments(&self, model_id: Option<&str>) -> Result<Vec<Assessment>> {
        let rows = match model_id {
            Some(m) => sqlx::query(&format!(
                "SELECT {ASSESSMENT_COLS} FROM frontier_assessments WHERE model_id = $1 ORDER BY created_at, id"
            ))
            .bind(m)
            .fetch_all(&self.pool)
            .await?,
            None => sqlx::query(&format!(
                "SELECT {ASSESSMENT_COLS} FROM frontier_assessments ORDER BY created_at, id"
            ))
            .fetch_all(&self.pool)
            .await?,
        };
        rows.iter().map(assessment_row).collect()
    }

    pub async fn frontier_runs(&self, assessment_id: &str) -> Result<Vec<BenchRun>> {
        self.frontier_runs_of_assessments(&[assessment_id.to_string()])
            .await
    }

    /// The runs of several assessments (each assessment's in order).
    pub async fn frontier_runs_of_assessments(&self, ids: &[String]) -> Result<Vec<BenchRun>> {
        self.read_in(
            ids,
            |l| {
                format!(
                    "SELECT id, assessment_id, suite, suite_version, tasks, recorded_by, recorded_at
                     FROM frontier_runs WHERE assessment_id IN ({l}) ORDER BY recorded_at, id"
                )
            },
            run_row,
        )
        .await
    }

    /// Assessments of several models (each model's in order).
    pub async fn frontier_assessments_of_models(
        &self,
        model_ids: &[String],
    ) -> Result<Vec<Assessment>> {
        self.read_in(
            model_ids,
            |l| format!("SELECT {ASSESSMENT_COLS} FROM frontier_assessments WHERE model_id IN ({l}) ORDER BY created_at, id"),
            assessment_row,
        )
        .await
    }

    /// The terms documents with these ids (unknown ids are left out).
    pub async fn frontier_terms_in(&self, ids: &[String]) -> Result<Vec<Terms>> {
        self.read_in(
            ids,
            |l| format!("SELECT {TERMS_COLS} FROM frontier_terms WHERE id IN ({l}) ORDER BY id"),
            terms_row,
        )
        .await
    }

    pub async fn frontier_terms(&self, id: &str) -> Result<Terms> {
        let r = sqlx::query(&format!(
            "SELECT {TERMS_COLS} FROM frontier_terms WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        terms_row(&r)
    }

    pub async fn frontier_terms_of_org(&self, org_id: &str) -> Result<Vec<Terms>> {
        let rows = sqlx::query(&format!(
            "SELECT {TERMS_COLS} FROM frontier_terms WHERE org_id = $1 ORDER BY kind, published_at, id"
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(terms_row).collect()
    }

    /// Models with these ids (unknown ids are left out).
    pub async fn frontier_models_in(&self, ids: &[String]) -> Result<Vec<Model>> {
        self.read_in(
            ids,
            |l| format!("SELECT {MODEL_COLS} FROM frontier_models WHERE id IN ({l}) ORDER BY created_at, id"),
            model_row,
        )
        .await
    }

    /// Nominations for several models (each model's in order).
    pub async fn frontier_partners_of_models(&self, model_ids: &[String]) -> Result<Vec<Partner>> {
        self.read_in(
            model_ids,
            |l| format!("SELECT {PARTNER_COLS} FROM frontier_partners WHERE model_id IN ({l}) ORDER BY nominated_at, id"),
            partner_row,
        )
        .await
    }

    /// Grants of several models with their grantees (each model's in
    /// order), one statement per 1,000 models.
    pub async fn frontier_grants_of_models(&self, model_ids: &[String]) -> Result<Vec<Grant>> {
        let mut out = Vec::new();
        if model_ids.is_empty() {
            return Ok(out);
        }
        let mut c = self.pool.acquire().await?;
        crate::inlist::each_in(
            &mut c,
            self.backend,
            model_ids,
            |l| grants_sql(&format!("WHERE g.model_id IN ({l})")),
            |r| fold_grant(&mut out, r),
        )
        .await?;
        Ok(out)
    }

    pub async fn frontier_partner(&self, id: &str) -> Result<Partner> {
        let mut c = self.pool.acquire().await?;
        q_partner(&mut c, id).await
    }

    pub async fn frontier_partners(&self, model_id: Option<&str>) -> Result<Vec<Partner>> {
        let rows = match model_id {
            Some(m) => sqlx::query(&format!(
                "SELECT {PARTNER_COLS} FROM frontier_partners WHERE model_id = $1 ORDER BY nominated_at, id"
            ))
            .bind(m)
            .fetch_all(&self.pool)
            .await?,
            None => sqlx::query(&format!(
                "SELECT {PARTNER_COLS} FROM frontier_partners ORDER BY nominated_at, id"
            ))
            .fetch_all(&self.pool)
            .await?,
        };
        rows.iter().map(partner_row).collect()
    }

    pub async fn frontier_grant(&self, id: &str) -> Result<Grant> {
        let mut c = self.pool.acquire().await?;
        q_grants(&mut c, "WHERE g.id = $1", &[id])
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound)
    }

    /// Grants of one model, or all grants.
    pub async fn frontier_grants(&self, model_id: Option<&str>) -> Result<Vec<Grant>> {
        let mut c = self.pool.acquire().await?;
        match model_id {
            Some(m) => q_grants(&mut c, "WHERE g.model_id = $1", &[m]).await,
            None => q_grants(&mut c, "", &[]).await,
        }
    }

    /// The revoked grants (the revocation list's rows), oldest first.
    pub async fn frontier_revoked_grants(&self) -> Result<Vec<Grant>> {
        let mut c = self.pool.acquire().await?;
        q_grants(&mut c, "WHERE g.revoked_at IS NOT NULL", &[]).await
    }

    pub async fn frontier_acceptances(&self, grant_id: &str) -> Result<Vec<Acceptance>> {
        self.frontier_acceptances_of_grants(&[grant_id.to_string()])
            .await
    }

    /// The acceptances of several grants (each grant's in order).
    pub async fn frontier_acceptances_of_grants(&self, ids: &[String]) -> Result<Vec<Acceptance>> {
        self.read_in(
            ids,
            |l| format!("SELECT grant_id, org_id, terms_id, user_id, at FROM frontier_acceptances WHERE grant_id IN ({l}) ORDER BY at, org_id, terms_id"),
            acceptance_row,
        )
        .await
    }
}
