//! The voluntary covered-frontier-model framework (issue 9): models and
//! consent, assessments against a sealed threshold, early-access grants
//! (EdDSA JWS tokens, a signed revocation list), trusted partners, and the
//! developer's exportable record.
//!
//! Levee records; it never decides a release. No route approves, blocks or
//! delays one, and the release fields are written by the developer alone.
//! Every decision about who may see or do what is `authz::Frontier`.
//! Rejected attempts by an authorized caller (bad windows, uncovered or
//! opted-out models, untrusted partners, unknown terms) answer a clear 4xx,
//! write nothing, and are audited.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use levee_model::{Capability, Timestamp};
use levee_store::frontier::{Assessment, Consent, Grant, Model, NewModel, Partner};
use levee_store::identity::Org;
use levee_store::WriteTx;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::identity::{idempotent, short_text};
use crate::authz::{self, authorize, Action, AssessmentView, Caller, Frontier as F, ModelFacts};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath as Path, ApiQuery as Query};
use crate::frontier::{self as logic, GrantClaims, TokenTerm, WindowState};
use crate::AppState;

const POLICY_KEY: &str = "frontier.max_window_days";
/// The values of the string fields that take a fixed set, named here once
/// for the handlers and for the OpenAPI body schemas.
pub(crate) const MODALITIES: &[&str] = &[
    "text",
    "code",
    "image",
    "audio",
    "video",
    "multimodal",
    "other",
];
pub(crate) const PARTNER_CATEGORIES: &[&str] = &[
    "critical_infrastructure_operator",
    "security_vendor",
    "other",
];
/// `CreateGrant::audience`.
pub(crate) const AUDIENCES: &[&str] = &["government", "partner"];
/// `Decision::decision`.
pub(crate) const DECISIONS: &[&str] = &["concur", "object"];

// ---------------------------------------------------------------- helpers

fn fa(f: F<'_>) -> Action<'_> {
    Action::Frontier(f)
}

fn id_ok(id: &str) -> ApiResult<()> {
    if id.len() > 100 {
        Err(ApiError::not_found())
    } else {
        Ok(())
    }
}

/// A model with the orgs party to it (grantees and trusted partners).
struct Loaded {
    model: Model,
    party: Vec<String>,
}

impl Loaded {
    fn facts(&self) -> ModelFacts<'_> {
        ModelFacts {
            owner_org: &self.model.org_id,
            ever_opted_in: self.model.ever_opted_in,
            party_orgs: &self.party,
        }
    }
}

async fn load_model(s: &AppState, id: &str) -> ApiResult<Loaded> {
    id_ok(id)?;
    let model = s.store.frontier_model(id).await?;
    with_parties(s, vec![model])
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)
}

/// Models with the orgs party to them: grantees of any of their grants and
/// trusted partners. Two statements however many models (lists must not
/// query per item).
async fn with_parties(s: &AppState, models: Vec<Model>) -> ApiResult<Vec<Loaded>> {
    if models.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = models.iter().map(|m| m.id.clone()).collect();
    let grants = s.store.frontier_grants_of_models(&ids).await?;
    let partners = s.store.frontier_partners_of_models(&ids).await?;
    Ok(parties_from(models, &grants, &partners))
}

/// [`with_parties`] from the models' grants and partners, already read.
fn parties_from(models: Vec<Model>, grants: &[Grant], partners: &[Partner]) -> Vec<Loaded> {
    let mut party: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for g in grants {
        let e = party.entry(&g.model_id).or_default();
        e.extend(g.grantees.iter().map(String::as_str));
    }
    for p in partners.iter().filter(|p| p.trusted()) {
        party.entry(&p.model_id).or_default().insert(&p.org_id);
    }
    models
        .into_iter()
        .map(|model| Loaded {
            party: party
                .remove(model.id.as_str())
                .unwrap_or_default()
                .into_iter()
                .map(str::to_string)
                .collect(),
            model,
        })
        .collect()
}

/// The models (with their parties) that the listed items belong to, by id.
async fn load_models(
    s: &AppState,
    ids: impl IntoIterator<Item = String>,
) -> ApiResult<BTreeMap<String, Loaded>> {
    let ids: BTreeSet<String> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let ids: Vec<String> = ids.into_iter().collect();
    let models = s.store.frontier_models_in(&ids).await?;
    Ok(with_parties(s, models)
        .await?
        .into_iter()
        .map(|l| (l.model.id.clone(), l))
        .collect())
}

/// JSON values grouped by model id, keeping their order.
fn by_model(rows: impl IntoIterator<Item = (String, Value)>) -> BTreeMap<String, Vec<Value>> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (m, v) in rows {
        out.entry(m).or_default().push(v);
    }
    out
}

/// Group rows by a key, keeping their order within each key.
fn group_by<T>(rows: Vec<T>, key: impl Fn(&T) -> &str) -> BTreeMap<String, Vec<T>> {
    let mut out: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for r in rows {
        out.entry(key(&r).to_string()).or_default().push(r);
    }
    out
}

/// A model named in a request body: one that does not exist and one hidden
/// from the caller are both not found (404), so the answer cannot tell
/// them apart.
async fn load_model_ref(s: &AppState, c: &Caller, id: &str) -> ApiResult<Loaded> {
    let l = load_model(s, id).await?;
    authorize(c, fa(F::ReadModel(l.facts())))?;
    Ok(l)
}

async fn load_org_ref(s: &AppState, field: &str, id: &str) -> ApiResult<Org> {
    if id.len() > 100 {
        return Err(ApiError::validation(format!(
            "{field} does not name an organization"
        )));
    }
    s.store
        .org(id)
        .await
        .map_err(|_| ApiError::validation(format!("{field} does not name an organization")))
}

/// Audit a refused attempt (nothing else is written) and return the error.
async fn reject(
    s: &AppState,
    c: &Caller,
    org: &str,
    action: &str,
    object: &str,
    e: ApiError,
) -> ApiError {
    let res = async {
        let mut tx = s.store.write().await?;
        tx.audit(
            c.id(),
            Some(org),
            action,
            object,
            &json!({"code": e.code, "detail": e.detail}),
        )
        .await?;
        tx.commit().await
    }
    .await;
    match res {
        Ok(()) => e,
        Err(err) => err.into(),
    }
}

/// Run a validation step; on failure audit the attempt and return the
/// problem.
macro_rules! checked {
    ($s:expr, $c:expr, $org:expr, $action:expr, $object:expr, $e:expr) => {
        match $e {
            Ok(v) => v,
            Err(err) => return Err(reject($s, $c, $org, $action, $object, err).await),
        }
    };
}

async fn max_window_days(s: &AppState) -> ApiResult<i64> {
    Ok(s.store
        .meta_get(POLICY_KEY)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(logic::DEFAULT_MAX_WINDOW_DAYS))
}

/// Truncate to whole seconds (JWS NumericDate).
fn whole_secs(t: Timestamp) -> Timestamp {
    Timestamp::from_secs(t.secs())
}

/// The model's current designation: the latest designated assessment.
fn current_designation(assessments: &[Assessment]) -> Option<&Assessment> {
    assessments
        .iter()
        .filter(|a| a.designation.is_some())
        .max_by_key(|a| (a.designated_at, a.created_at))
}

async fn model_json(s: &AppState, c: &Caller, l: &Loaded) -> ApiResult<Value> {
    models_json(s, c, &[l])
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("model_json: no model"))
}

/// The models as the caller sees them (consents for the developer's own
/// members), in two statements however many models.
async fn models_json(s: &AppState, c: &Caller, ls: &[&Loaded]) -> ApiResult<Vec<Value>> {
    let (assessments, consents) = models_rows(s, c, ls).await?;
    Ok(models_json_from(c, ls, assessments, consents))
}

/// The rows [`models_json`] shows: the models' assessments and the
/// consents of those whose developer the caller is a member of.
async fn models_rows(
    s: &AppState,
    c: &Caller,
    ls: &[&Loaded],
) -> ApiResult<(Vec<Assessment>, Vec<Consent>)> {
    if ls.is_empty() {
        return Ok(Default::default());
    }
    let ids: Vec<String> = ls.iter().map(|l| l.model.id.clone()).collect();
    let assessments = s.store.frontier_assessments_of_models(&ids).await?;
    let own: Vec<String> = ls
        .iter()
        .filter(|l| c.roles.contains_key(&l.model.org_id))
        .map(|l| l.model.id.clone())
        .collect();
    let consents = if own.is_empty() {
        Vec::new()
    } else {
        s.store.frontier_consents_of_models(&own).await?
    };
    Ok((assessments, consents))
}

/// [`models_json`] from the rows [`models_rows`] read.
fn models_json_from(
    c: &Caller,
    ls: &[&Loaded],
    assessments: Vec<Assessment>,
    consents: Vec<Consent>,
) -> Vec<Value> {
    let mut assessments = group_by(assessments, |a| &a.model_id);
    let mut consents = group_by(consents, |c| &c.model_id);
    ls.iter()
        .map(|l| {
            let id = &l.model.id;
            let a = assessments.remove(id).unwrap_or_default();
            let own = c.roles.contains_key(&l.model.org_id);
            let cs = own.then(|| consents.remove(id).unwrap_or_default());
            model_json_with(l, &a, cs)
        })
        .collect()
}

/// A model's JSON from its assessments and, for the developer's members,
/// its consents.
fn model_json_with(
    l: &Loaded,
    assessments: &[Assessment],
    consents: Option<Vec<Consent>>,
) -> Value {
    let m = &l.model;
    let designation = current_designation(assessments).map(|a| {
        json!({
            "covered": a.designation.as_deref() == Some("covered"),
            "designated_at": a.designated_at,
        })
    });
    let mut v = json!({
        "id": m.id,
        "org_id": m.org_id,
        "name": m.name,
        "version": m.version,
        "modality": m.modality,
        "planned_release_at": m.planned_release_at,
        "released_at": m.released_at,
        "opted_in": m.opted_in,
        "designation": designation,
        "created_at": m.created_at,
        "updated_at": m.updated_at,
    });
    if let Some(cs) = consents {
        v["consents"] = json!(cs);
    }
    v
}

fn run_json(r: &levee_store::frontier::BenchRun, view: AssessmentView) -> Value {
    let tasks = r.tasks.as_array().cloned().unwrap_or_default();
    let (shown, withheld): (Vec<Value>, Vec<Value>) = match view {
        AssessmentView::Full => (tasks, Vec::new()),
        AssessmentView::Developer => tasks
            .into_iter()
            .partition(|t| t.get("classified").and_then(Value::as_bool) == Some(false)),
    };
    let mut v = json!({
        "id": r.id,
        "suite": r.suite,
        "version": r.version,
        "tasks": shown,
        "recorded_at": r.recorded_at,
    });
    if view == AssessmentView::Developer {
        v["classified_tasks_withheld"] = json!(withheld.len());
    }
    v
}

async fn assessment_json(s: &AppState, a: &Assessment, view: AssessmentView) -> ApiResult<Value> {
    assessments_json(s, &[(a, view)])
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("assessment_json: no assessment"))
}

/// Assessments, each in its view, with their runs: one statement however
/// many assessments.
async fn assessments_json(
    s: &AppState,
    items: &[(&Assessment, AssessmentView)],
) -> ApiResult<Vec<Value>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = items.iter().map(|(a, _)| a.id.clone()).collect();
    let mut runs = group_by(s.store.frontier_runs_of_assessments(&ids).await?, |r| {
        &r.assessment_id
    });
    Ok(items
        .iter()
        .map(|(a, view)| {
            let runs = runs.remove(&a.id).unwrap_or_default();
            assessment_json_with(a, &runs, *view)
        })
        .collect())
}

fn assessment_json_with(
    a: &Assessment,
    runs: &[levee_store::frontier::BenchRun],
    view: AssessmentView,
) -> Value {
    let runs: Vec<Value> = runs.iter().map(|r| run_json(r, view)).collect();
    let mut v = json!({
        "id": a.id,
        "model_id": a.model_id,
        "evaluator_org_id": a.evaluator_org_id,
        "commitment": a.commitment,
        "created_at": a.created_at,
        "designation": a.designation.as_ref().map(|d| json!({
            "covered": d == "covered",
            "designated_at": a.designated_at,
        })),
        "runs": runs,
    });
    if view == AssessmentView::Full {
        v["sealed_threshold"] = json!(a.sealed_threshold);
        v["designated_by"] = json!(a.designated_by);
    }
    v
}

async fn grant_json(s: &AppState, g: &Grant) -> ApiResult<Value> {
    grants_json(s, &[g])
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("grant_json: no grant"))
}

/// Grants with their terms and acceptances: two statements however many
/// grants.
async fn grants_json(s: &AppState, gs: &[&Grant]) -> ApiResult<Vec<Value>> {
    if gs.is_empty() {
        return Ok(Vec::new());
    }
    let terms: Vec<String> = gs.iter().flat_map(|g| g.terms.iter().cloned()).collect();
    let docs: BTreeMap<String, levee_store::frontier::Terms> = s
        .store
        .frontier_terms_in(&terms)
        .await?
        .into_iter()
        .map(|t| (t.id.clone(), t))
        .collect();
    let ids: Vec<String> = gs.iter().map(|g| g.id.clone()).collect();
    let mut acceptances = group_by(s.store.frontier_acceptances_of_grants(&ids).await?, |a| {
        &a.grant_id
    });
    let now = s.store.now();
    let mut out = Vec::with_capacity(gs.len());
    for g in gs {
        let docs = g
            .terms
            .iter()
            .map(|t| docs.get(t).cloned().ok_or_else(ApiError::not_found))
            .collect::<ApiResult<Vec<_>>>()?;
        let acc = acceptances.remove(&g.id).unwrap_or_default();
        out.push(grant_json_with(g, &docs, &acc, now));
    }
    Ok(out)
}

fn grant_json_with(
    g: &Grant,
    docs: &[levee_store::frontier::Terms],
    acceptances: &[levee_store::frontier::Acceptance],
    now: Timestamp,
) -> Value {
    let terms: Vec<Value> = docs
        .iter()
        .map(|d| json!({"id": d.id, "kind": d.kind, "version": d.version, "title": d.title, "sha256": d.sha256}))
        .collect();
    let acceptances: Vec<Value> = acceptances
        .iter()
        .map(|a| {
            let d = docs.iter().find(|d| d.id == a.terms_id);
            json!({
                "org_id": a.org_id,
                "terms_id": a.terms_id,
                "kind": d.map(|d| d.kind.clone()),
                "version": d.map(|d| d.version.clone()),
                "accepted_by": a.user_id,
                "accepted_at": a.at,
            })
        })
        .collect();
    json!({
        "id": g.id,
        "model_id": g.model_id,
        "audience": g.audience,
        "grantees": g.grantees,
        "starts_at": g.starts_at,
        "ends_at": g.ends_at,
        "status": logic::window_state(now, g.starts_at, g.ends_at, g.revoked_at),
        "terms": terms,
        "acceptances": acceptances,
        "created_by": g.created_by,
        "created_at": g.created_at,
        "revoked_at": g.revoked_at,
        "revoke_reason": g.revoke_reason,
    })
}

fn partner_json(p: &Partner) -> Value {
    let mut v = json!(p);
    v["trusted"] = json!(p.trusted());
    v
}

/// Revoke every live grant matching, auditing each. Returns their ids.
async fn revoke_live(
    tx: &mut WriteTx,
    c: &Caller,
    model: &Model,
    audience: Option<&str>,
    grantee: Option<&str>,
    reason: &str,
) -> ApiResult<Vec<String>> {
    let mut out = Vec::new();
    for g in tx.live_grants(&model.id, audience, grantee).await? {
        if tx.revoke_grant(&g.id, c.id(), reason).await? {
            tx.audit(
                c.id(),
                Some(&model.org_id),
                "grant.revoke",
                &g.id,
                &json!({"reason": reason, "model": model.id}),
            )
            .await?;
            out.push(g.id);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- models

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct ModelQuery {
    pub org_id: Option<String>,
}

pub async fn list_models(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<ModelQuery>,
) -> ApiResult<Json<Value>> {
    authorize(&c, fa(F::ListModels))?;
    let models: Vec<Model> = s.store.frontier_models(q.org_id.as_deref()).await?;
    let loaded = with_parties(&s, models).await?;
    let visible: Vec<&Loaded> = loaded
        .iter()
        .filter(|l| authz::model_visible(&c, &l.facts()))
        .collect();
    let out = models_json(&s, &c, &visible).await?;
    Ok(Json(json!({ "items": out, "next_cursor": null })))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct CreateModel {
    pub org_id: String,
    pub name: String,
    pub version: String,
    pub modality: String,
    pub planned_release_at: Timestamp,
    #[serde(default)]
    pub opt_in: bool,
}

fn modality(v: &str) -> ApiResult<String> {
    if MODALITIES.contains(&v) {
        Ok(v.to_string())
    } else {
        Err(ApiError::validation(format!(
            "modality must be one of: {}",
            MODALITIES.join(", ")
        )))
    }
}

pub async fn create_model(
    State(s): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    body: ApiJson<CreateModel>,
) -> ApiResult<Response> {
    let b = body.value;
    let org = match s.store.org(&b.org_id).await {
        Ok(o) => o,
        Err(_) => return Err(ApiError::not_found()),
    };
    authorize(&c, fa(F::CreateModel(&org)))?;
    let new = NewModel {
        org_id: org.id.clone(),
        name: checked!(
            &s,
            &c,
            &org.id,
            "model.rejected",
            &org.id,
            short_text("name", &b.name, 200)
        ),
        version: checked!(
            &s,
            &c,
            &org.id,
            "model.rejected",
            &org.id,
            short_text("version", &b.version, 100)
        ),
        modality: checked!(
            &s,
            &c,
            &org.id,
            "model.rejected",
            &org.id,
            modality(&b.modality)
        ),
        planned_release_at: whole_secs(b.planned_release_at),
        opted_in: b.opt_in,
    };
    idempotent(
        &s,
        &c,
        &headers,
        "POST /api/v1/models",
        &body.body_hash,
        async |tx: &mut WriteTx| {
            let m = tx.insert_model(&new, c.id()).await?;
            tx.audit(
                c.id(),
                Some(&org.id),
                "model.register",
                &m.id,
                &json!({"name": m.name, "version": m.version, "modality": m.modality,
                        "planned_release_at": m.planned_release_at}),
            )
            .await?;
            if new.opted_in {
                tx.audit(c.id(), Some(&org.id), "model.opt_in", &m.id, &json!({}))
                    .await?;
            }
            let l = Loaded {
                model: m,
                party: Vec::new(),
            };
            Ok((StatusCode::CREATED, model_json_tx(&l)))
        },
    )
    .await
}

/// The developer's view of a just-created model (no store reads needed).
fn model_json_tx(l: &Loaded) -> Value {
    let m = &l.model;
    json!({
        "id": m.id, "org_id": m.org_id, "name": m.name, "version": m.version,
        "modality": m.modality, "planned_release_at": m.planned_release_at,
        "released_at": m.released_at, "opted_in": m.opted_in, "designation": null,
        "created_at": m.created_at, "updated_at": m.updated_at,
    })
}

pub async fn get_model(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let l = load_model(&s, &id).await?;
    authorize(&c, fa(F::ReadModel(l.facts())))?;
    Ok(Json(model_json(&s, &c, &l).await?))
}

/// The release fields. Written by the developer alone; Levee records them.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct PatchModel {
    pub modality: Option<String>,
    pub planned_release_at: Option<Timestamp>,
    pub released_at: Option<Timestamp>,
}

pub async fn update_model(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    body: ApiJson<PatchModel>,
) -> ApiResult<Json<Value>> {
    let l = load_model(&s, &id).await?;
    authorize(&c, fa(F::WriteModel(l.facts())))?;
    let m = &l.model;
    let b = body.value;
    let new_modality = match &b.modality {
        Some(v) => Some(checked!(
            &s,
            &c,
            &m.org_id,
            "model.rejected",
            &m.id,
            modality(v)
        )),
        None => None,
    };
    // The fields not sent keep their committed values, read under the
    // write lock (a concurrent PATCH of another field is not undone).
    let mut tx = s.store.write().await?;
    let cur = tx.model(&m.id).await?;
    let modality = new_modality.unwrap_or(cur.modality);
    let planned = b
        .planned_release_at
        .map_or(cur.planned_release_at, whole_secs);
    let released = b.released_at.map(whole_secs).or(cur.released_at);
    let updated = tx.update_model(&m.id, &modality, planned, released).await?;
    tx.audit(
        c.id(),
        Some(&m.org_id),
        "model.update",
        &m.id,
        &json!({"modality": modality, "planned_release_at": planned, "released_at": released}),
    )
    .await?;
    tx.commit().await?;
    let l = Loaded {
        model: updated,
        party: l.party.clone(),
    };
    Ok(Json(model_json(&s, &c, &l).await?))
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct ConsentBody {
    pub reason: Option<String>,
}

pub async fn opt_in(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    body: ApiJson<ConsentBody>,
) -> ApiResult<Json<Value>> {
    consent(s, c, id, body.value, true).await
}

pub async fn opt_out(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    body: ApiJson<ConsentBody>,
) -> ApiResult<Json<Value>> {
    consent(s, c, id, body.value, false).await
}

/// Opting in or out. Opting out is always possible and revokes every live
/// grant for the model (government and partner alike).
async fn consent(
    s: AppState,
    c: Caller,
    id: String,
    b: ConsentBody,
    opt_in: bool,
) -> ApiResult<Json<Value>> {
    let l = load_model(&s, &id).await?;
    authorize(&c, fa(F::WriteModel(l.facts())))?;
    let m = &l.model;
    let reason = match b.reason.as_deref() {
        Some(r) => Some(checked!(
            &s,
            &c,
            &m.org_id,
            "model.rejected",
            &m.id,
            short_text("reason", r, 2000)
        )),
        None => None,
    };
    // Decided under the write lock: two concurrent opt-outs must not both
    // pass the check and record two consents.
    let mut tx = s.store.write().await?;
    let current = tx.model(&m.id).await?;
    if current.opted_in == opt_in {
        return Err(ApiError::new(
            "conflict",
            if opt_in {
                "the model is already opted in"
            } else {
                "the model is not opted in"
            },
        ));
    }
    let consent = tx
        .set_consent(&m.id, opt_in, reason.as_deref(), c.id())
        .await?;
    tx.audit(
        c.id(),
        Some(&m.org_id),
        if opt_in {
            "model.opt_in"
        } else {
            "model.opt_out"
        },
        &m.id,
        &json!({"reason": reason, "consent": consent.id}),
    )
    .await?;
    let revoked = if opt_in {
        Vec::new()
    } else {
        revoke_live(&mut tx, &c, m, None, None, "opt_out").await?
    };
    let updated = tx.model(&m.id).await?;
    tx.commit().await?;
    let l = Loaded {
        model: updated,
        party: l.party.clone(),
    };
    let mut v = model_json(&s, &c, &l).await?;
    v["revoked_grants"] = json!(revoked);
    Ok(Json(v))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    pub org_id: String,
}

/// The developer's complete record as JSON: every model, consent,
/// assessment (the developer's view), grant with acceptances, partner,
/// terms document, and the audit entries about them.
pub async fn export(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Json<Value>> {
    id_ok(&q.org_id)?;
    let org = s.store.org(&q.org_id).await?;
    authorize(&c, fa(F::Export(&org)))?;
    let mut objects = vec![org.id.clone()];
    let own: Vec<Model> = s.store.frontier_models(Some(&org.id)).await?;
    let ids: Vec<String> = own.iter().map(|m| m.id.clone()).collect();
    objects.extend(ids.iter().cloned());
    // Every related row of every model, a bounded number of statements,
    // each read once: the models' parties, their JSON and the export's
    // lists are all made from these.
    let (grants, partners) = if ids.is_empty() {
        Default::default()
    } else {
        (
            s.store.frontier_grants_of_models(&ids).await?,
            s.store.frontier_partners_of_models(&ids).await?,
        )
    };
    let loaded = parties_from(own, &grants, &partners);
    let refs: Vec<&Loaded> = loaded.iter().collect();
    // The caller is a member of the org (the Export check), so the models'
    // JSON carries every model's consents.
    let (assessments, consents) = models_rows(&s, &c, &refs).await?;
    let mut values = models_json_from(&c, &refs, assessments.clone(), consents);
    objects.extend(assessments.iter().map(|a| a.id.clone()));
    objects.extend(grants.iter().map(|g| g.id.clone()));
    objects.extend(partners.iter().map(|p| p.id.clone()));
    let views: Vec<_> = assessments
        .iter()
        .map(|a| (a, AssessmentView::Developer))
        .collect();
    let mut assessments = by_model(
        assessments
            .iter()
            .map(|a| a.model_id.clone())
            .zip(assessments_json(&s, &views).await?),
    );
    let grant_refs: Vec<&Grant> = grants.iter().collect();
    let mut grants = by_model(
        grants
            .iter()
            .map(|g| g.model_id.clone())
            .zip(grants_json(&s, &grant_refs).await?),
    );
    let mut partners = by_model(
        partners
            .iter()
            .map(|p| (p.model_id.clone(), partner_json(p))),
    );
    let mut models = Vec::with_capacity(values.len());
    for (id, mut v) in ids.iter().zip(values.drain(..)) {
        v["assessments"] = json!(assessments.remove(id).unwrap_or_default());
        v["grants"] = json!(grants.remove(id).unwrap_or_default());
        v["partners"] = json!(partners.remove(id).unwrap_or_default());
        models.push(v);
    }
    let terms = s.store.frontier_terms_of_org(&org.id).await?;
    objects.extend(terms.iter().map(|t| t.id.clone()));
    let audit = s.store.audit_entries_for_objects(&objects).await?;
    Ok(Json(json!({
        "org_id": org.id,
        "exported_at": s.store.now(),
        "models": models,
        "terms": terms,
        "audit": audit,
    })))
}

// ---------------------------------------------------------------- assessments

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct ByModel {
    pub model_id: Option<String>,
}

pub async fn list_assessments(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<ByModel>,
) -> ApiResult<Json<Value>> {
    authorize(&c, fa(F::ListModels))?;
    let all = s.store.frontier_assessments(q.model_id.as_deref()).await?;
    let models = load_models(&s, all.iter().map(|a| a.model_id.clone())).await?;
    let visible: Vec<(&Assessment, AssessmentView)> = all
        .iter()
        .filter_map(|a| {
            let l = models.get(&a.model_id)?;
            let view = authz::assessment_view(&c, &l.facts(), &a.evaluator_org_id)?;
            Some((a, view))
        })
        .collect();
    let out = assessments_json(&s, &visible).await?;
    Ok(Json(json!({ "items": out, "next_cursor": null })))
}

/// A copy of the threshold encrypted by the evaluators to their own keys.
/// Opaque to the server, returned only in the full view.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct SealedThreshold {
    pub alg: String,
    pub recipients: Vec<String>,
    pub ciphertext: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct CreateAssessment {
    pub model_id: String,
    pub evaluator_org_id: String,
    /// `sha256:` + hex, see `levee grant commit`.
    pub commitment: String,
    pub sealed_threshold: Option<SealedThreshold>,
}

fn sealed_json(t: &SealedThreshold) -> ApiResult<Value> {
    let alg = short_text("sealed_threshold.alg", &t.alg, 100)?;
    if t.recipients.is_empty() || t.recipients.len() > 20 {
        return Err(ApiError::validation(
            "sealed_threshold.recipients: 1 to 20 key ids",
        ));
    }
    let recipients = t
        .recipients
        .iter()
        .map(|r| short_text("sealed_threshold.recipients", r, 200))
        .collect::<ApiResult<Vec<_>>>()?;
    use base64::Engine;
    if t.ciphertext.len() > 65_536
        || base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&t.ciphertext)
            .is_err()
    {
        return Err(ApiError::validation(
            "sealed_threshold.ciphertext: base64url, at most 64 KiB",
        ));
    }
    Ok(json!({"alg": alg, "recipients": recipients, "ciphertext": t.ciphertext}))
}

pub async fn create_assessment(
    State(s): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    body: ApiJson<CreateAssessment>,
) -> ApiResult<Response> {
    let b = body.value;
    let l = load_model_ref(&s, &c, &b.model_id).await?;
    let evaluator = load_org_ref(&s, "evaluator_org_id", &b.evaluator_org_id).await?;
    authorize(
        &c,
        fa(F::CreateAssessment {
            model: l.facts(),
            evaluator: &evaluator,
        }),
    )?;
    let m = &l.model;
    let (org, obj, act) = (evaluator.id.as_str(), m.id.as_str(), "assessment.rejected");
    if !logic::is_commitment(&b.commitment) {
        let e = ApiError::validation(
            "commitment must be \"sha256:\" followed by 64 lowercase hex digits (the server never takes the threshold itself)",
        );
        return Err(reject(&s, &c, org, act, obj, e).await);
    }
    let sealed = match &b.sealed_threshold {
        Some(t) => Some(checked!(&s, &c, org, act, obj, sealed_json(t))),
        None => None,
    };
    if !m.opted_in {
        let e = ApiError::new(
            "model_opted_out",
            "the developer has not opted this model in to assessment",
        );
        return Err(reject(&s, &c, org, act, obj, e).await);
    }
    idempotent(
        &s,
        &c,
        &headers,
        "POST /api/v1/assessments",
        &body.body_hash,
        async |tx: &mut WriteTx| {
            let a = tx
                .insert_assessment(&m.id, &evaluator.id, &b.commitment, sealed.as_ref(), c.id())
                .await?;
            tx.audit(
                c.id(),
                Some(&evaluator.id),
                "assessment.create",
                &a.id,
                &json!({"model": m.id, "commitment": a.commitment}),
            )
            .await?;
            Ok((
                StatusCode::CREATED,
                json!({
                    "id": a.id, "model_id": a.model_id, "evaluator_org_id": a.evaluator_org_id,
                    "commitment": a.commitment, "sealed_threshold": a.sealed_threshold,
                    "created_at": a.created_at, "designation": null, "runs": [],
                }),
            ))
        },
    )
    .await
}

async fn load_assessment(s: &AppState, id: &str) -> ApiResult<(Assessment, Loaded)> {
    id_ok(id)?;
    let a = s.store.frontier_assessment(id).await?;
    let l = load_model(s, &a.model_id).await?;
    Ok((a, l))
}

pub async fn get_assessment(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let (a, l) = load_assessment(&s, &id).await?;
    authorize(
        &c,
        fa(F::ReadAssessment {
            model: l.facts(),
            assessor: &a.evaluator_org_id,
        }),
    )?;
    let view = authz::assessment_view(&c, &l.facts(), &a.evaluator_org_id)
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(assessment_json(&s, &a, view).await?))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct CreateRun {
    pub suite: String,
    pub version: String,
    pub tasks: Vec<logic::TaskScore>,
}

fn validate_run(b: &CreateRun) -> ApiResult<Value> {
    short_text("suite", &b.suite, 200)?;
    short_text("version", &b.version, 100)?;
    if b.tasks.is_empty() || b.tasks.len() > 1000 {
        return Err(ApiError::validation("tasks: 1 to 1000 task scores"));
    }
    let mut seen = BTreeSet::new();
    for (i, t) in b.tasks.iter().enumerate() {
        short_text(&format!("tasks[{i}].task"), &t.task, 200)?;
        if !seen.insert(t.task.as_str()) {
            return Err(ApiError::validation(format!(
                "tasks[{i}].task: {:?} is listed twice",
                t.task
            )));
        }
        logic::score_micros(&format!("tasks[{i}].score"), t.score)
            .map_err(|e| ApiError::validation(e.0))?;
    }
    Ok(json!(b.tasks))
}

pub async fn create_run(
    State(s): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<CreateRun>,
) -> ApiResult<Response> {
    let (a, l) = load_assessment(&s, &id).await?;
    authorize(
        &c,
        fa(F::WriteAssessment {
            model: l.facts(),
            assessor: &a.evaluator_org_id,
        }),
    )?;
    let b = body.value;
    let (org, obj, act) = (
        a.evaluator_org_id.as_str(),
        a.id.as_str(),
        "assessment.rejected",
    );
    let tasks = checked!(&s, &c, org, act, obj, validate_run(&b));
    if a.designation.is_some() {
        let e = ApiError::new(
            "conflict",
            "the assessment is designated; runs are fixed (start a new assessment)",
        );
        return Err(reject(&s, &c, org, act, obj, e).await);
    }
    if !l.model.opted_in {
        let e = ApiError::new("model_opted_out", "the developer has opted this model out");
        return Err(reject(&s, &c, org, act, obj, e).await);
    }
    let route = format!("POST /api/v1/assessments/{}/runs", a.id);
    idempotent(
        &s,
        &c,
        &headers,
        &route,
        &body.body_hash,
        async |tx: &mut WriteTx| {
            let r = tx
                .insert_run(&a.id, b.suite.trim(), b.version.trim(), &tasks, c.id())
                .await?;
            tx.audit(
                c.id(),
                Some(org),
                "assessment.run",
                &a.id,
                &json!({"run": r.id, "suite": r.suite, "version": r.version, "tasks": r.tasks}),
            )
            .await?;
            Ok((StatusCode::CREATED, run_json(&r, AssessmentView::Full)))
        },
    )
    .await
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Designate {
    pub covered: bool,
}

pub async fn designate(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    body: ApiJson<Designate>,
) -> ApiResult<Json<Value>> {
    let (a, l) = load_assessment(&s, &id).await?;
    authorize(
        &c,
        fa(F::WriteAssessment {
            model: l.facts(),
            assessor: &a.evaluator_org_id,
        }),
    )?;
    let (org, obj, act) = (
        a.evaluator_org_id.as_str(),
        a.id.as_str(),
        "assessment.rejected",
    );
    if !l.model.opted_in {
        let e = ApiError::new("model_opted_out", "the developer has opted this model out");
        return Err(reject(&s, &c, org, act, obj, e).await);
    }
    let mut tx = s.store.write().await?;
    let a = tx.designate(&a.id, body.value.covered, c.id()).await?;
    tx.audit(
        c.id(),
        Some(org),
        "assessment.designate",
        &a.id,
        &json!({"model": a.model_id, "covered": body.value.covered}),
    )
    .await?;
    // The developer's org sees its model was designated in its own log.
    tx.audit(
        c.id(),
        Some(&l.model.org_id),
        "model.designated",
        &l.model.id,
        &json!({"assessment": a.id, "covered": body.value.covered}),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(assessment_json(&s, &a, AssessmentView::Full).await?))
}

// ---------------------------------------------------------------- terms

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct TermsQuery {
    pub org_id: String,
}

/// Is one of the caller's orgs named in a grant of a model of `owner`?
async fn party_of(s: &AppState, c: &Caller, owner: &str) -> ApiResult<bool> {
    let ids: Vec<String> = s
        .store
        .frontier_models(Some(owner))
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    if ids.is_empty() {
        return Ok(false);
    }
    Ok(s.store
        .frontier_grants_of_models(&ids)
        .await?
        .iter()
        .any(|g| g.grantees.iter().any(|o| c.roles.contains_key(o))))
}

pub async fn list_terms(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<TermsQuery>,
) -> ApiResult<Json<Value>> {
    id_ok(&q.org_id)?;
    let owner = s.store.org(&q.org_id).await?;
    let party = party_of(&s, &c, &owner.id).await?;
    authorize(
        &c,
        fa(F::ReadTerms {
            owner: &owner,
            party,
        }),
    )?;
    let items = s.store.frontier_terms_of_org(&owner.id).await?;
    Ok(Json(json!({ "items": items, "next_cursor": null })))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct PublishTerms {
    pub org_id: String,
    pub kind: String,
    pub version: String,
    pub title: String,
    pub body: String,
}

fn validate_terms(b: &PublishTerms) -> ApiResult<(String, String, String)> {
    if !logic::TERMS_KINDS.contains(&b.kind.as_str()) {
        return Err(ApiError::validation(format!(
            "kind must be one of: {}",
            logic::TERMS_KINDS.join(", ")
        )));
    }
    let version = short_text("version", &b.version, 40)?;
    let title = short_text("title", &b.title, 200)?;
    if b.body.trim().is_empty() || b.body.chars().count() > 100_000 {
        return Err(ApiError::validation("body: 1 to 100000 characters"));
    }
    Ok((
        version,
        title,
        hex::encode(Sha256::digest(b.body.as_bytes())),
    ))
}

pub async fn publish_terms(
    State(s): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    body: ApiJson<PublishTerms>,
) -> ApiResult<Response> {
    let b = body.value;
    let org = match s.store.org(&b.org_id).await {
        Ok(o) => o,
        Err(_) => return Err(ApiError::not_found()),
    };
    authorize(&c, fa(F::PublishTerms(&org)))?;
    let (version, title, sha) = checked!(
        &s,
        &c,
        &org.id,
        "terms.rejected",
        &org.id,
        validate_terms(&b)
    );
    idempotent(
        &s,
        &c,
        &headers,
        "POST /api/v1/grants/terms",
        &body.body_hash,
        async |tx: &mut WriteTx| {
            let t = tx
                .insert_terms(&org.id, &b.kind, &version, &title, &b.body, &sha, c.id())
                .await?;
            tx.audit(
                c.id(),
                Some(&org.id),
                "terms.publish",
                &t.id,
                &json!({"kind": t.kind, "version": t.version, "sha256": t.sha256}),
            )
            .await?;
            Ok((StatusCode::CREATED, json!(t)))
        },
    )
    .await
}

// ---------------------------------------------------------------- grants

pub async fn list_grants(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<ByModel>,
) -> ApiResult<Json<Value>> {
    authorize(&c, fa(F::ListModels))?;
    let all = s.store.frontier_grants(q.model_id.as_deref()).await?;
    let models = load_models(&s, all.iter().map(|g| g.model_id.clone())).await?;
    let visible: Vec<&Grant> = all
        .iter()
        .filter(|g| grant_visible(&c, &models, g))
        .collect();
    let out = grants_json(&s, &visible).await?;
    Ok(Json(json!({ "items": out, "next_cursor": null })))
}

/// May the caller read this grant? (`models` holds its model.)
fn grant_visible(c: &Caller, models: &BTreeMap<String, Loaded>, g: &Grant) -> bool {
    models.get(&g.model_id).is_some_and(|l| {
        authorize(
            c,
            fa(F::ReadGrant {
                model: l.facts(),
                grantees: &g.grantees,
            }),
        )
        .is_ok()
    })
}

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct TermsRef {
    pub kind: String,
    pub version: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct CreateGrant {
    pub model_id: String,
    /// `government` (named government evaluator orgs) or `partner`
    /// (trusted partners).
    pub audience: String,
    pub org_ids: Vec<String>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub terms: Vec<TermsRef>,
}

/// Resolve the terms a grant names in the developer's published documents:
/// one of each kind, every version known.
async fn resolve_terms(s: &AppState, owner: &str, refs: &[TermsRef]) -> ApiResult<Vec<String>> {
    let published = s.store.frontier_terms_of_org(owner).await?;
    let mut kinds = BTreeSet::new();
    let mut ids = Vec::new();
    for (i, r) in refs.iter().enumerate() {
        let Some(t) = published
            .iter()
            .find(|t| t.kind == r.kind && t.version == r.version)
        else {
            return Err(ApiError::new(
                "unknown_terms",
                format!(
                    "terms[{i}]: no published {:?} terms with version {:?}",
                    r.kind.chars().take(60).collect::<String>(),
                    r.version.chars().take(60).collect::<String>()
                ),
            ));
        };
        if !kinds.insert(t.kind.clone()) {
            return Err(ApiError::validation(format!(
                "terms[{i}]: {} is listed twice",
                t.kind
            )));
        }
        ids.push(t.id.clone());
    }
    let missing: Vec<_> = logic::TERMS_KINDS
        .iter()
        .filter(|k| !kinds.contains(**k))
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::validation(format!(
            "a grant carries one document of each kind; missing: {}",
            missing
                .iter()
                .map(|k| k.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(ids)
}

async fn validate_grant(
    s: &AppState,
    l: &Loaded,
    b: &CreateGrant,
) -> ApiResult<(Vec<String>, Vec<String>)> {
    let m = &l.model;
    let now = s.store.now();
    if !AUDIENCES.contains(&b.audience.as_str()) {
        return Err(ApiError::validation(
            "audience must be \"government\" or \"partner\"",
        ));
    }
    if !m.opted_in {
        return Err(ApiError::new(
            "model_opted_out",
            "the model is not opted in; no early access can be granted",
        ));
    }
    let assessments = s.store.frontier_assessments(Some(&m.id)).await?;
    let covered = current_designation(&assessments)
        .is_some_and(|a| a.designation.as_deref() == Some("covered"));
    if !covered {
        return Err(ApiError::new(
            "model_not_covered",
            "early access is granted only for a model designated covered",
        ));
    }
    if b.org_ids.is_empty() || b.org_ids.len() > 20 {
        return Err(ApiError::validation("org_ids: 1 to 20 organizations"));
    }
    let mut orgs = BTreeSet::new();
    let partners = s.store.frontier_partners(Some(&m.id)).await?;
    for (i, id) in b.org_ids.iter().enumerate() {
        let o = load_org_ref(s, &format!("org_ids[{i}]"), id).await?;
        if !orgs.insert(o.id.clone()) {
            return Err(ApiError::validation(format!(
                "org_ids[{i}] is listed twice"
            )));
        }
        if o.id == m.org_id {
            return Err(ApiError::validation(format!(
                "org_ids[{i}]: the developer does not grant itself access"
            )));
        }
        if b.audience == "government" {
            if !(o.capabilities.contains(Capability::Government)
                || o.capabilities.contains(Capability::Evaluator))
            {
                return Err(ApiError::validation(format!(
                    "org_ids[{i}]: {} is not a government evaluator organization (government or evaluator capability)",
                    o.name
                )));
            }
        } else if !partners.iter().any(|p| p.org_id == o.id && p.trusted()) {
            return Err(ApiError::new(
                "partner_not_trusted",
                format!(
                    "org_ids[{i}]: {} is not a trusted partner of this model (a partner needs the developer's nomination and the government's concurrence)",
                    o.name
                ),
            ));
        }
    }
    let terms = resolve_terms(s, &m.org_id, &b.terms).await?;
    let (starts, ends) = (whole_secs(b.starts_at), whole_secs(b.ends_at));
    let window = if b.audience == "government" {
        logic::check_government_window(
            now,
            m.planned_release_at,
            starts,
            ends,
            max_window_days(s).await?,
        )
    } else {
        let gov_start = s
            .store
            .frontier_grants(Some(&m.id))
            .await?
            .into_iter()
            .filter(|g| g.audience == "government" && g.revoked_at.is_none())
            .map(|g| g.starts_at)
            .min();
        let Some(gov_start) = gov_start else {
            return Err(ApiError::new(
                "window_invalid",
                "a partner window opens only after a government window; grant government access first",
            ));
        };
        logic::check_partner_window(now, gov_start, starts, ends)
    };
    window.map_err(|e| ApiError::new(e.code(), e.to_string()))?;
    Ok((orgs.into_iter().collect(), terms))
}

pub async fn create_grant(
    State(s): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    body: ApiJson<CreateGrant>,
) -> ApiResult<Response> {
    let b = body.value;
    let l = load_model_ref(&s, &c, &b.model_id).await?;
    authorize(&c, fa(F::CreateGrant(l.facts())))?;
    let m = &l.model;
    let (grantees, terms) = checked!(
        &s,
        &c,
        &m.org_id,
        "grant.rejected",
        &m.id,
        validate_grant(&s, &l, &b).await
    );
    let (starts, ends) = (whole_secs(b.starts_at), whole_secs(b.ends_at));
    let mut docs = Vec::new();
    for t in &terms {
        docs.push(s.store.frontier_terms(t).await?);
    }
    idempotent(
        &s,
        &c,
        &headers,
        "POST /api/v1/grants",
        &body.body_hash,
        async |tx: &mut WriteTx| {
            let g = tx
                .insert_grant(&m.id, &b.audience, &grantees, starts, ends, &terms, c.id())
                .await?;
            tx.audit(
                c.id(),
                Some(&m.org_id),
                "grant.create",
                &g.id,
                &json!({"model": m.id, "audience": g.audience, "grantees": g.grantees,
                        "starts_at": g.starts_at, "ends_at": g.ends_at, "terms": g.terms}),
            )
            .await?;
            // The clock opens and closes the window; the worker records
            // both moments in the audit chain (`worker::execute`).
            for (kind, at) in [
                (crate::worker::FRONTIER_WINDOW_OPEN, g.starts_at),
                (crate::worker::FRONTIER_WINDOW_CLOSE, g.ends_at),
            ] {
                tx.enqueue(
                    &levee_store::jobs::NewJob::new(kind, json!({"grant": g.id}))
                        .at(at)
                        .dedup(format!("{kind}:{}", g.id)),
                )
                .await?;
            }
            Ok((
                StatusCode::CREATED,
                grant_json_with(&g, &docs, &[], tx.now()),
            ))
        },
    )
    .await
}

async fn load_grant(s: &AppState, id: &str) -> ApiResult<(Grant, Loaded)> {
    id_ok(id)?;
    let g = s.store.frontier_grant(id).await?;
    let l = load_model(s, &g.model_id).await?;
    Ok((g, l))
}

pub async fn get_grant(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let (g, l) = load_grant(&s, &id).await?;
    authorize(
        &c,
        fa(F::ReadGrant {
            model: l.facts(),
            grantees: &g.grantees,
        }),
    )?;
    Ok(Json(grant_json(&s, &g).await?))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RevokeBody {
    pub reason: Option<String>,
}

pub async fn revoke_grant(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    body: ApiJson<RevokeBody>,
) -> ApiResult<Json<Value>> {
    let (g, l) = load_grant(&s, &id).await?;
    authorize(
        &c,
        fa(F::RevokeGrant {
            model: l.facts(),
            grantees: &g.grantees,
        }),
    )?;
    let m = &l.model;
    let reason = match body.value.reason.as_deref() {
        Some(r) => checked!(
            &s,
            &c,
            &m.org_id,
            "grant.rejected",
            &g.id,
            short_text("reason", r, 2000)
        ),
        None => "revoked by the developer".to_string(),
    };
    let mut tx = s.store.write().await?;
    if !tx.revoke_grant(&g.id, c.id(), &reason).await? {
        return Err(ApiError::new(
            "grant_revoked",
            "the grant is already revoked",
        ));
    }
    tx.audit(
        c.id(),
        Some(&m.org_id),
        "grant.revoke",
        &g.id,
        &json!({"reason": reason, "model": m.id}),
    )
    .await?;
    let g = tx.grant(&g.id).await?;
    tx.commit().await?;
    Ok(Json(grant_json(&s, &g).await?))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    pub org_id: String,
    pub terms: Vec<TermsRef>,
}

/// Refuse use of a grant that is revoked or whose window has closed.
fn usable(g: &Grant, now: Timestamp) -> ApiResult<()> {
    match logic::window_state(now, g.starts_at, g.ends_at, g.revoked_at) {
        WindowState::Revoked => Err(ApiError::new("grant_revoked", "this grant was revoked")),
        WindowState::Closed => Err(ApiError::new(
            "window_closed",
            "this grant's access window has closed",
        )),
        WindowState::Pending | WindowState::Open => Ok(()),
    }
}

pub async fn accept_terms(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    body: ApiJson<AcceptBody>,
) -> ApiResult<Json<Value>> {
    let (g, l) = load_grant(&s, &id).await?;
    let b = body.value;
    authorize(
        &c,
        fa(F::UseGrant {
            model: l.facts(),
            grantees: &g.grantees,
            org: &b.org_id,
        }),
    )?;
    let (org, obj, act) = (b.org_id.as_str(), g.id.as_str(), "grant.accept_rejected");
    checked!(&s, &c, org, act, obj, usable(&g, s.store.now()));
    // The acceptor names exactly the documents (kind and version) it accepts.
    let mut docs = Vec::with_capacity(g.terms.len());
    for t in &g.terms {
        docs.push(s.store.frontier_terms(t).await?);
    }
    let mut named = BTreeSet::new();
    for (i, r) in b.terms.iter().enumerate() {
        let found = docs
            .iter()
            .rev()
            .find(|d| d.kind == r.kind && d.version == r.version)
            .map(|d| d.id.clone());
        let Some(tid) = found else {
            let e = ApiError::new(
                "unknown_terms",
                format!("terms[{i}]: this grant carries no such kind and version"),
            );
            return Err(reject(&s, &c, org, act, obj, e).await);
        };
        named.insert(tid);
    }
    if named.len() != g.terms.len() {
        let e = ApiError::validation("accept every document the grant carries, each once");
        return Err(reject(&s, &c, org, act, obj, e).await);
    }
    let mut tx = s.store.write().await?;
    if tx.has_accepted(&g.id, org).await? {
        return Err(ApiError::new(
            "conflict",
            "this organization has already accepted the terms of this grant",
        ));
    }
    for t in &g.terms {
        tx.accept_terms(&g.id, org, t, c.id()).await?;
    }
    tx.audit(
        c.id(),
        Some(org),
        "grant.accept",
        &g.id,
        &json!({"terms": g.terms}),
    )
    .await?;
    tx.audit(
        c.id(),
        Some(&l.model.org_id),
        "grant.accepted",
        &g.id,
        &json!({"org": org, "terms": g.terms}),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(grant_json(&s, &g).await?))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    pub org_id: String,
}

/// Issue the grantee's access token: a compact JWS (EdDSA, `kid`) valid
/// from the window's start to its end, carrying the accepted terms. Taking
/// access is audited.
pub async fn grant_token(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    body: ApiJson<TokenBody>,
) -> ApiResult<Json<Value>> {
    let (g, l) = load_grant(&s, &id).await?;
    let org = body.value.org_id;
    authorize(
        &c,
        fa(F::UseGrant {
            model: l.facts(),
            grantees: &g.grantees,
            org: &org,
        }),
    )?;
    let now = s.store.now();
    let (obj, act) = (g.id.as_str(), "grant.access_denied");
    checked!(&s, &c, &org, act, obj, usable(&g, now));
    let accepted: Vec<_> = s
        .store
        .frontier_acceptances(&g.id)
        .await?
        .into_iter()
        .filter(|a| a.org_id == org)
        .collect();
    let mut terms = Vec::new();
    for t in &g.terms {
        let d = s.store.frontier_terms(t).await?;
        let Some(a) = accepted.iter().find(|a| a.terms_id == *t) else {
            let e = ApiError::new(
                "terms_not_accepted",
                format!("accept the {} terms (version {}) first", d.kind, d.version),
            );
            return Err(reject(&s, &c, &org, act, obj, e).await);
        };
        terms.push(TokenTerm {
            kind: d.kind,
            version: d.version,
            sha256: d.sha256,
            accepted_by: a.user_id.clone(),
            accepted_at: a.at.secs(),
        });
    }
    let m = &l.model;
    let claims = GrantClaims {
        iss: logic::ISSUER.into(),
        sub: org.clone(),
        jti: g.id.clone(),
        aud: m.id.clone(),
        iat: now.secs(),
        nbf: g.starts_at.secs(),
        exp: g.ends_at.secs(),
        audience: g.audience.clone(),
        model: json!({"id": m.id, "name": m.name, "version": m.version, "developer": m.org_id}),
        terms,
    };
    let signer = &s.keys.signer;
    let token = logic::sign_grant(&signer.key, &signer.kid, &claims);
    let mut tx = s.store.write().await?;
    tx.audit(
        c.id(),
        Some(&org),
        "grant.access",
        &g.id,
        &json!({"kid": signer.kid, "iat": claims.iat}),
    )
    .await?;
    tx.audit(
        c.id(),
        Some(&m.org_id),
        "grant.accessed",
        &g.id,
        &json!({"org": org, "iat": claims.iat}),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(json!({
        "token": token,
        "kid": signer.kid,
        "grant_id": g.id,
        "org_id": org,
        "not_before": g.starts_at,
        "expires_at": g.ends_at,
    })))
}

/// The signed revocation list of the grants the caller may see.
pub async fn revocations(State(s): State<AppState>, c: Caller) -> ApiResult<Json<Value>> {
    authorize(&c, fa(F::ReadRevocations))?;
    let all: Vec<Grant> = s.store.frontier_revoked_grants().await?;
    let models = load_models(&s, all.iter().map(|g| g.model_id.clone())).await?;
    let revoked: Vec<logic::Revoked> = all
        .iter()
        .filter(|g| grant_visible(&c, &models, g))
        .filter_map(|g| {
            Some(logic::Revoked {
                jti: g.id.clone(),
                revoked_at: g.revoked_at?.secs(),
            })
        })
        .collect();
    let list = logic::RevocationList {
        iss: logic::ISSUER.into(),
        iat: s.store.now().secs(),
        revoked,
    };
    let signer = &s.keys.signer;
    let jws = logic::sign_revocations(&signer.key, &signer.kid, &list);
    Ok(Json(json!({
        "list": jws,
        "kid": signer.kid,
        "issued_at": s.store.now(),
        "revoked": list.revoked,
    })))
}

pub async fn get_policy(State(s): State<AppState>, c: Caller) -> ApiResult<Json<Value>> {
    authorize(&c, fa(F::ReadPolicy))?;
    Ok(Json(json!({"max_window_days": max_window_days(&s).await?})))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub max_window_days: i64,
}

pub async fn set_policy(
    State(s): State<AppState>,
    c: Caller,
    body: ApiJson<Policy>,
) -> ApiResult<Json<Value>> {
    authorize(&c, fa(F::SetPolicy))?;
    let d = body.value.max_window_days;
    if !(1..=logic::MAX_WINDOW_DAYS_LIMIT).contains(&d) {
        let e = ApiError::validation(format!(
            "max_window_days: 1 to {} (the order allows up to {} days)",
            logic::MAX_WINDOW_DAYS_LIMIT,
            logic::MAX_WINDOW_DAYS_LIMIT
        ));
        let mut tx = s.store.write().await?;
        tx.audit(
            c.id(),
            None,
            "frontier.policy_rejected",
            "frontier.policy",
            &json!({"max_window_days": d}),
        )
        .await?;
        tx.commit().await?;
        return Err(e);
    }
    let mut tx = s.store.write().await?;
    tx.meta_set(POLICY_KEY, &d.to_string()).await?;
    tx.change(
        "frontier_policy",
        POLICY_KEY,
        "set",
        &json!({"max_window_days": d}),
    )
    .await?;
    tx.audit(
        c.id(),
        None,
        "frontier.policy",
        "frontier.policy",
        &json!({"max_window_days": d}),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(json!({"max_window_days": d})))
}

// ---------------------------------------------------------------- partners

async fn partner_facts(s: &AppState, id: &str) -> ApiResult<(Partner, Loaded)> {
    id_ok(id)?;
    let p = s.store.frontier_partner(id).await?;
    let l = load_model(s, &p.model_id).await?;
    Ok((p, l))
}

pub async fn list_partners(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<ByModel>,
) -> ApiResult<Json<Value>> {
    authorize(&c, fa(F::ListModels))?;
    let all = s.store.frontier_partners(q.model_id.as_deref()).await?;
    let models = load_models(&s, all.iter().map(|p| p.model_id.clone())).await?;
    let out: Vec<Value> = all
        .iter()
        .filter(|p| {
            models
                .get(&p.model_id)
                .is_some_and(|l| authz::partner_visible(&c, &l.facts(), &p.org_id, p.trusted()))
        })
        .map(partner_json)
        .collect();
    Ok(Json(json!({ "items": out, "next_cursor": null })))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Nominate {
    pub model_id: String,
    pub org_id: String,
    pub category: String,
    pub note: Option<String>,
}

pub async fn nominate(
    State(s): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    body: ApiJson<Nominate>,
) -> ApiResult<Response> {
    let b = body.value;
    let l = load_model_ref(&s, &c, &b.model_id).await?;
    authorize(&c, fa(F::Nominate(l.facts())))?;
    let m = &l.model;
    let (org, obj, act) = (m.org_id.as_str(), m.id.as_str(), "partner.rejected");
    let partner = checked!(
        &s,
        &c,
        org,
        act,
        obj,
        load_org_ref(&s, "org_id", &b.org_id).await
    );
    if partner.id == m.org_id {
        let e = ApiError::validation("the developer does not nominate itself");
        return Err(reject(&s, &c, org, act, obj, e).await);
    }
    if !PARTNER_CATEGORIES.contains(&b.category.as_str()) {
        let e = ApiError::validation(format!(
            "category must be one of: {}",
            PARTNER_CATEGORIES.join(", ")
        ));
        return Err(reject(&s, &c, org, act, obj, e).await);
    }
    let note = match b.note.as_deref() {
        Some(n) => Some(checked!(&s, &c, org, act, obj, short_text("note", n, 2000))),
        None => None,
    };
    if !m.opted_in {
        let e = ApiError::new(
            "model_opted_out",
            "trusted partners are selected for opted-in models",
        );
        return Err(reject(&s, &c, org, act, obj, e).await);
    }
    idempotent(
        &s,
        &c,
        &headers,
        "POST /api/v1/partners",
        &body.body_hash,
        async |tx: &mut WriteTx| {
            let p = tx
                .insert_partner(&m.id, &partner.id, &b.category, note.as_deref(), c.id())
                .await?;
            tx.audit(
                c.id(),
                Some(org),
                "partner.nominate",
                &p.id,
                &json!({"model": m.id, "org": partner.id, "category": p.category}),
            )
            .await?;
            Ok((StatusCode::CREATED, partner_json(&p)))
        },
    )
    .await
}

pub async fn get_partner(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let (p, _) = visible_partner(&s, &c, &id).await?;
    Ok(Json(partner_json(&p)))
}

/// A nomination and its model, when the caller may see it (else 404).
async fn visible_partner(s: &AppState, c: &Caller, id: &str) -> ApiResult<(Partner, Loaded)> {
    let (p, l) = partner_facts(s, id).await?;
    authorize(
        c,
        fa(F::ReadPartner {
            model: l.facts(),
            partner_org: &p.org_id,
            trusted: p.trusted(),
        }),
    )?;
    Ok((p, l))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The government org deciding.
    pub org_id: String,
    /// `concur` or `object`.
    pub decision: String,
    pub reason: Option<String>,
}

pub async fn decide_partner(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    body: ApiJson<Decision>,
) -> ApiResult<Json<Value>> {
    // A nomination the caller may not see is not found, whatever the body.
    let (p, l) = visible_partner(&s, &c, &id).await?;
    let b = body.value;
    let gov = load_org_ref(&s, "org_id", &b.org_id).await?;
    authorize(
        &c,
        fa(F::DecidePartner {
            model: l.facts(),
            partner_org: &p.org_id,
            trusted: p.trusted(),
            government: &gov,
        }),
    )?;
    let (org, obj, act) = (gov.id.as_str(), p.id.as_str(), "partner.rejected");
    if !DECISIONS.contains(&b.decision.as_str()) {
        let e = ApiError::validation("decision must be \"concur\" or \"object\"");
        return Err(reject(&s, &c, org, act, obj, e).await);
    }
    let reason = match b.reason.as_deref() {
        Some(r) => Some(checked!(
            &s,
            &c,
            org,
            act,
            obj,
            short_text("reason", r, 2000)
        )),
        None => None,
    };
    // A fast refusal before the write lock; the store refuses again inside
    // its UPDATE (a withdrawal may land in between), with the same words.
    if p.withdrawn_at.is_some() {
        return Err(ApiError::new(
            "conflict",
            "the developer withdrew this nomination",
        ));
    }
    let m = &l.model;
    let mut tx = s.store.write().await?;
    // The store refuses (conflict) a nomination withdrawn since it was read.
    let updated = tx
        .decide_partner(&p.id, &b.decision, &gov.id, reason.as_deref(), c.id())
        .await?;
    let action = format!("partner.{}", b.decision);
    tx.audit(
        c.id(),
        Some(org),
        &action,
        &p.id,
        &json!({"model": m.id, "reason": reason}),
    )
    .await?;
    tx.audit(
        c.id(),
        Some(&m.org_id),
        &action,
        &p.id,
        &json!({"government": gov.id}),
    )
    .await?;
    // An objection ends the partner's live access.
    if b.decision == "object" {
        revoke_live(
            &mut tx,
            &c,
            m,
            Some("partner"),
            Some(&p.org_id),
            "government_objection",
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Json(partner_json(&updated)))
}

pub async fn withdraw_partner(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let (p, l) = partner_facts(&s, &id).await?;
    authorize(
        &c,
        fa(F::WithdrawPartner {
            model: l.facts(),
            partner_org: &p.org_id,
            trusted: p.trusted(),
        }),
    )?;
    let m = &l.model;
    let mut tx = s.store.write().await?;
    tx.withdraw_partner(&p.id).await?;
    tx.audit(
        c.id(),
        Some(&m.org_id),
        "partner.withdraw",
        &p.id,
        &json!({"model": m.id}),
    )
    .await?;
    revoke_live(
        &mut tx,
        &c,
        m,
        Some("partner"),
        Some(&p.org_id),
        "nomination_withdrawn",
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
