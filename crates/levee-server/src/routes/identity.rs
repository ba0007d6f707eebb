//! Identity endpoints: me, orgs, members, delegation, tokens, audit, login.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use levee_model::{Capability, CapabilitySet, OrgRole, OrgSize, Sector};
use levee_store::identity::{new_token_secret, token_hash, NewOrg, Org};
use levee_store::WriteTx;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{self, SESSION_COOKIE};
use crate::authz::{self, authorize, Action, Caller};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath as Path, ApiQuery as Query, ClientIp};
use crate::AppState;

// ---------- validation helpers ----------

/// A short human text: trimmed, 1..=max characters, no control characters.
pub fn short_text(field: &str, v: &str, max: usize) -> ApiResult<String> {
    let t = v.trim();
    if t.is_empty() {
        return Err(ApiError::validation(format!("{field} must not be empty")));
    }
    if t.chars().count() > max {
        return Err(ApiError::validation(format!(
            "{field} is longer than {max} characters"
        )));
    }
    if t.chars().any(char::is_control) {
        return Err(ApiError::validation(format!(
            "{field} contains control characters"
        )));
    }
    Ok(t.to_string())
}

pub fn email(v: &str) -> ApiResult<String> {
    let e = short_text("email", v, 254)?.to_ascii_lowercase();
    match e.split_once('@') {
        Some((l, d))
            if !l.is_empty() && d.contains('.') && !d.starts_with('.') && !e.contains(' ') =>
        {
            Ok(e)
        }
        _ => Err(ApiError::validation("email is not an email address")),
    }
}

/// Run a creating write under `Idempotency-Key` (if given): a retry with
/// the same key and body returns the first response and writes nothing; the
/// same key with another body is 422. Scoped to (caller's org or user,
/// route, key). The check and the write share one serialized transaction,
/// so concurrent retries cannot both create.
pub async fn idempotent(
    s: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    route: &str,
    body_hash: &str,
    f: impl AsyncFnOnce(&mut WriteTx) -> ApiResult<(StatusCode, Value)>,
) -> ApiResult<Response> {
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => {
            let k = v
                .to_str()
                .map_err(|_| ApiError::new("invalid_parameter", "Idempotency-Key must be ASCII"))?;
            if k.is_empty() || k.len() > 255 || !k.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(ApiError::new(
                    "invalid_parameter",
                    "Idempotency-Key must be 1-255 visible ASCII characters",
                ));
            }
            Some(k.to_string())
        }
    };
    let scope = caller.idempotency_scope();
    let mut tx = s.store.write().await?;
    if let Some(k) = &key {
        if let Some((hash, status, body)) = tx.idempotent(&scope, route, k).await? {
            tx.rollback().await?;
            if hash != body_hash {
                return Err(ApiError::new(
                    "idempotency_key_reused",
                    "this Idempotency-Key was used with a different request body",
                ));
            }
            let status = StatusCode::from_u16(u16::try_from(status).unwrap_or(200))
                .unwrap_or(StatusCode::OK);
            let mut resp = (status, body).into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            resp.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            return Ok(resp);
        }
    }
    let (status, body) = f(&mut tx).await?;
    let text = body.to_string();
    if let Some(k) = &key {
        tx.save_idempotent(&scope, route, k, body_hash, status.as_u16(), &text)
            .await?;
    }
    tx.commit().await?;
    let mut resp = (status, text).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(resp)
}

async fn load_org(s: &AppState, id: &str) -> ApiResult<Org> {
    if id.len() > 100 {
        return Err(ApiError::not_found());
    }
    Ok(s.store.org(id).await?)
}

fn org_json(o: &Org) -> Value {
    json!(o)
}

// ---------- me ----------

pub async fn me(State(s): State<AppState>, c: Caller) -> ApiResult<Json<Value>> {
    authorize(&c, Action::ReadMe)?;
    let mut orgs = Vec::new();
    for (id, role) in &c.roles {
        if let Ok(o) = s.store.org(id).await {
            orgs.push(json!({
                "id": o.id, "name": o.name, "role": role.role, "via": role.via,
                "capabilities": o.capabilities,
            }));
        }
    }
    Ok(Json(json!({
        "user": c.user,
        "orgs": orgs,
        "token": c.token.as_ref().map(|t| json!({"id": t.id, "org_id": t.org_id, "scopes": t.scopes, "expires_at": t.expires_at})),
    })))
}

// ---------- orgs ----------

#[derive(Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: Option<String>,
}

fn contacts_json(list: &[Contact]) -> ApiResult<Value> {
    if list.len() > 20 {
        return Err(ApiError::validation("at most 20 contacts"));
    }
    let mut out = Vec::new();
    for c in list {
        out.push(json!({
            "name": c.name.as_deref().map(|v| short_text("contacts.name", v, 200)).transpose()?,
            "email": c.email.as_deref().map(email).transpose()?,
            "phone": c.phone.as_deref().map(|v| short_text("contacts.phone", v, 40)).transpose()?,
            "role": c.role.as_deref().map(|v| short_text("contacts.role", v, 100)).transpose()?,
        }));
    }
    Ok(Value::Array(out))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct CreateOrg {
    pub name: String,
    pub capabilities: CapabilitySet,
    pub sector: Option<Sector>,
    pub size: Option<OrgSize>,
    #[serde(default)]
    pub rural: bool,
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

fn check_operator_fields(
    caps: &CapabilitySet,
    sector: Option<Sector>,
    rural: bool,
) -> ApiResult<()> {
    let operator = caps.contains(Capability::Operator);
    if operator && sector.is_none() {
        return Err(ApiError::validation(
            "an operator organization needs a sector",
        ));
    }
    if !operator && (sector.is_some() || rural) {
        return Err(ApiError::validation(
            "sector and rural apply to operator organizations only",
        ));
    }
    Ok(())
}

pub async fn list_orgs(State(s): State<AppState>, c: Caller) -> ApiResult<Json<Value>> {
    authorize(&c, Action::ListOrgs)?;
    let mut out = Vec::new();
    for o in s.store.orgs().await? {
        if authorize(&c, Action::ReadOrg(&o)).is_ok() {
            out.push(org_json(&o));
        }
    }
    Ok(Json(json!({ "items": out, "next_cursor": null })))
}

pub async fn create_org(
    State(s): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    body: ApiJson<CreateOrg>,
) -> ApiResult<Response> {
    authorize(&c, Action::CreateOrg)?;
    let b = body.value;
    let name = short_text("name", &b.name, 200)?;
    check_operator_fields(&b.capabilities, b.sector, b.rural)?;
    let new = NewOrg {
        name,
        capabilities: b.capabilities,
        sector: b.sector.map(|x| x.as_str().to_string()),
        size: b.size.map(|x| x.as_str().to_string()),
        rural: b.rural,
        contacts: contacts_json(&b.contacts)?,
    };
    idempotent(
        &s,
        &c,
        &headers,
        "POST /api/v1/orgs",
        &body.body_hash,
        async |tx: &mut WriteTx| {
            let org = tx.insert_org(&new).await?;
            tx.audit(
                c.id(),
                Some(&org.id),
                "org.create",
                &org.id,
                &json!({"name": org.name, "capabilities": org.capabilities}),
            )
            .await?;
            Ok((StatusCode::CREATED, org_json(&org)))
        },
    )
    .await
}

pub async fn get_org(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let o = load_org(&s, &id).await?;
    authorize(&c, Action::ReadOrg(&o))?;
    Ok(Json(org_json(&o)))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct PatchOrg {
    pub name: Option<String>,
    pub capabilities: Option<CapabilitySet>,
    pub sector: Option<Sector>,
    pub size: Option<OrgSize>,
    pub rural: Option<bool>,
    pub contacts: Option<Vec<Contact>>,
}

pub async fn update_org(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    body: ApiJson<PatchOrg>,
) -> ApiResult<Json<Value>> {
    let o = load_org(&s, &id).await?;
    authorize(&c, Action::UpdateOrg(&o))?;
    let b = body.value;
    // Read the org again under the write lock: a concurrent PATCH of other
    // fields committed since must not be overwritten with the stale copy.
    let mut tx = s.store.write().await?;
    let mut o = tx.org(&o.id).await?;
    if let Some(caps) = b.capabilities {
        // Capabilities confer power (coordinator, government): only platform
        // administrators change them.
        if caps != o.capabilities && !c.is_platform_admin() {
            return Err(ApiError::forbidden(
                "only platform administrators change capabilities",
            ));
        }
        o.capabilities = caps;
    }
    if let Some(n) = b.name {
        o.name = short_text("name", &n, 200)?;
    }
    if let Some(x) = b.sector {
        o.sector = Some(x.as_str().to_string());
    }
    if let Some(x) = b.size {
        o.size = Some(x.as_str().to_string());
    }
    if let Some(x) = b.rural {
        o.rural = x;
    }
    if let Some(list) = &b.contacts {
        o.contacts = contacts_json(list)?;
    }
    let sector = o
        .sector
        .as_deref()
        .map(str::parse::<Sector>)
        .transpose()
        .map_err(|e| ApiError::validation(e.to_string()))?;
    check_operator_fields(&o.capabilities, sector, o.rural)?;
    tx.update_org(&o).await?;
    tx.audit(c.id(), Some(&o.id), "org.update", &o.id, &json!(o))
        .await?;
    let o = tx.org(&o.id).await?;
    tx.commit().await?;
    Ok(Json(org_json(&o)))
}

// ---------- members ----------

pub async fn list_members(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let o = load_org(&s, &id).await?;
    authorize(&c, Action::ListMembers(&o))?;
    let mut out = Vec::new();
    for m in s.store.members_of_org(&o.id).await? {
        let u = s.store.user(&m.user_id).await?;
        out.push(json!({"user_id": u.id, "name": u.name, "email": u.email, "role": m.role}));
    }
    Ok(Json(json!({ "items": out })))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    pub email: String,
    pub name: Option<String>,
    pub role: OrgRole,
}

pub async fn add_member(
    State(s): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<AddMember>,
) -> ApiResult<Response> {
    let o = load_org(&s, &id).await?;
    authorize(&c, Action::ManageMembers(&o))?;
    let b = body.value;
    let mail = email(&b.email)?;
    let name = b
        .name
        .as_deref()
        .map(|n| short_text("name", n, 200))
        .transpose()?;
    let route = format!("POST /api/v1/orgs/{}/members", o.id);
    idempotent(
        &s,
        &c,
        &headers,
        &route,
        &body.body_hash,
        async |tx: &mut WriteTx| {
            let user = match tx.user_by_email(&mail).await? {
                Some(u) => u,
                None => {
                    let u = tx.insert_user(name.as_deref(), Some(&mail), false).await?;
                    tx.audit(
                        c.id(),
                        Some(&o.id),
                        "user.create",
                        &u.id,
                        &json!({"email": mail}),
                    )
                    .await?;
                    u
                }
            };
            tx.upsert_membership(&user.id, &o.id, b.role).await?;
            tx.audit(
                c.id(),
                Some(&o.id),
                "member.set",
                &user.id,
                &json!({"role": b.role}),
            )
            .await?;
            Ok((
                StatusCode::CREATED,
                json!({"user_id": user.id, "org_id": o.id, "role": b.role}),
            ))
        },
    )
    .await
}

pub async fn remove_member(
    State(s): State<AppState>,
    c: Caller,
    Path((id, user_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let o = load_org(&s, &id).await?;
    authorize(&c, Action::ManageMembers(&o))?;
    let mut tx = s.store.write().await?;
    tx.delete_membership(&user_id, &o.id).await?;
    tx.audit(c.id(), Some(&o.id), "member.remove", &user_id, &json!({}))
        .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------- delegations ----------

pub async fn list_delegations(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let o = load_org(&s, &id).await?;
    authorize(&c, Action::ReadOrg(&o))?;
    let all = s.store.delegations().await?;
    let managed_by: Vec<_> = all
        .iter()
        .filter(|(_, m)| *m == o.id)
        .map(|(g, _)| g.clone())
        .collect();
    let manages: Vec<_> = all
        .iter()
        .filter(|(g, _)| *g == o.id)
        .map(|(_, m)| m.clone())
        .collect();
    Ok(Json(
        json!({ "managed_by": managed_by, "manages": manages }),
    ))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct AddDelegation {
    pub manager_org_id: String,
}

pub async fn add_delegation(
    State(s): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<AddDelegation>,
) -> ApiResult<Response> {
    let managed = load_org(&s, &id).await?;
    authorize(&c, Action::ReadOrg(&managed))?;
    // The manager is named by id (the managed org's admins need not see it
    // otherwise); an unknown id is a validation error, not a 404: the
    // URL's object exists.
    let manager = s
        .store
        .org(&body.value.manager_org_id)
        .await
        .map_err(|_| ApiError::validation("manager_org_id does not name an organization"))?;
    if manager.id == managed.id {
        return Err(ApiError::validation("an organization cannot manage itself"));
    }
    authorize(
        &c,
        Action::ManageDelegation {
            manager: &manager,
            managed: &managed,
        },
    )?;
    let route = format!("POST /api/v1/orgs/{}/delegations", managed.id);
    idempotent(
        &s,
        &c,
        &headers,
        &route,
        &body.body_hash,
        async |tx: &mut WriteTx| {
            let link = json!({"manager_org_id": manager.id, "managed_org_id": managed.id});
            // Already linked: nothing changes, so nothing is audited.
            if !tx.insert_delegation(&manager.id, &managed.id).await? {
                return Ok((StatusCode::OK, link));
            }
            tx.audit(
                c.id(),
                Some(&managed.id),
                "delegation.create",
                &manager.id,
                &json!({"manager": manager.id}),
            )
            .await?;
            Ok((StatusCode::CREATED, link))
        },
    )
    .await
}

pub async fn remove_delegation(
    State(s): State<AppState>,
    c: Caller,
    Path((id, manager_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let managed = load_org(&s, &id).await?;
    let manager = s
        .store
        .org(&manager_id)
        .await
        .map_err(|_| ApiError::not_found())?;
    authorize(
        &c,
        Action::ManageDelegation {
            manager: &manager,
            managed: &managed,
        },
    )?;
    let mut tx = s.store.write().await?;
    tx.delete_delegation(&manager.id, &managed.id).await?;
    tx.audit(
        c.id(),
        Some(&managed.id),
        "delegation.remove",
        &manager.id,
        &json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------- tokens ----------

pub async fn list_tokens(
    State(s): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let o = load_org(&s, &id).await?;
    authorize(&c, Action::ListTokens(&o))?;
    let items: Vec<_> = s
        .store
        .tokens_of_org(&o.id)
        .await?
        .into_iter()
        .filter(|t| authz::token_visible(&c, &o, t))
        .collect();
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    pub name: String,
    pub scopes: Option<Vec<String>>,
    /// Days until expiry, 1..=366. Default 90.
    pub expires_in_days: Option<u32>,
}

pub async fn create_token(
    State(s): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: ApiJson<CreateToken>,
) -> ApiResult<Response> {
    let o = load_org(&s, &id).await?;
    authorize(&c, Action::CreateToken(&o))?;
    let b = body.value;
    let name = short_text("name", &b.name, 100)?;
    let scopes = b
        .scopes
        .unwrap_or_else(|| vec![authz::SCOPE_READ.into(), authz::SCOPE_WRITE.into()]);
    if scopes.is_empty()
        || scopes
            .iter()
            .any(|x| x != authz::SCOPE_READ && x != authz::SCOPE_WRITE)
    {
        return Err(ApiError::validation(
            "scopes are a non-empty subset of [\"read\", \"write\"]",
        ));
    }
    // A token never carries more than its creator: read-only members and
    // read-only tokens mint read-only tokens.
    let may_write = authz::may_write_in(&c, &o);
    if scopes.iter().any(|x| x == authz::SCOPE_WRITE) && !may_write {
        return Err(ApiError::forbidden(
            "you cannot create a token with more rights than you hold (write)",
        ));
    }
    let days = b.expires_in_days.unwrap_or(90);
    if !(1..=366).contains(&days) {
        return Err(ApiError::validation(
            "expires_in_days must be between 1 and 366",
        ));
    }
    let route = format!("POST /api/v1/orgs/{}/tokens", o.id);
    idempotent(
        &s,
        &c,
        &headers,
        &route,
        &body.body_hash,
        async |tx: &mut WriteTx| {
            let secret = new_token_secret();
            let expires = tx.now().plus_secs(i64::from(days) * 86_400);
            let info = tx
                .insert_token(c.id(), Some(&o.id), &name, &secret, &scopes, Some(expires))
                .await?;
            tx.audit(
                c.id(),
                Some(&o.id),
                "token.create",
                &info.id,
                &json!({"name": name, "scopes": scopes}),
            )
            .await?;
            let mut v = json!(info);
            v["token"] = json!(secret);
            Ok((StatusCode::CREATED, v))
        },
    )
    .await
}

pub async fn revoke_token(
    State(s): State<AppState>,
    c: Caller,
    Path((id, token_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let o = load_org(&s, &id).await?;
    let t = s
        .store
        .token(&token_id)
        .await
        .map_err(|_| ApiError::not_found())?;
    authorize(&c, Action::RevokeToken(&o, &t))?;
    let mut tx = s.store.write().await?;
    tx.revoke_token(&t.id).await?;
    tx.audit(c.id(), Some(&o.id), "token.revoke", &t.id, &json!({}))
        .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------- audit ----------

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

pub async fn audit(
    State(s): State<AppState>,
    c: Caller,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Value>> {
    authorize(&c, Action::ReadAudit)?;
    let after = match &q.cursor {
        None => 0,
        Some(cur) => {
            levee_store::Cursor::decode(cur)
                .map_err(|_| ApiError::new("invalid_parameter", "bad cursor"))?
                .seq
        }
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let orgs = authz::audit_visibility(&c);
    let items = s
        .store
        .audit_entries(after, limit, orgs.as_deref(), Some(c.id()))
        .await?;
    let next = (items.len() as i64 == limit)
        .then(|| {
            items.last().map(|e| {
                levee_store::Cursor {
                    at: e.at,
                    seq: e.seq,
                }
                .encode()
            })
        })
        .flatten();
    Ok(Json(json!({ "items": items, "next_cursor": next })))
}

pub async fn audit_keys(State(s): State<AppState>, c: Caller) -> ApiResult<Json<Value>> {
    authorize(&c, Action::ReadMe)?;
    let keys = s.store.public_keys().await?;
    let jwks: Vec<_> = keys
        .iter()
        .map(|k| json!({"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": k.kid, "x": k.x, "retired": k.retired}))
        .collect();
    Ok(Json(json!({ "keys": jwks })))
}

// ---------- web login ----------

/// The failure subject of the account with email `mail`: web logins and
/// re-authentications (confirming the current password) record their wrong
/// guesses under it, so both draw from one per-account throttle.
fn login_subject(mail: &str) -> String {
    format!("login:{mail}")
}

/// The per-account login throttle: the 429 `rate_limited` answer (with
/// `Retry-After`) once `subject` has [`auth::THROTTLE_MAX_FAILURES`] failed
/// logins within [`auth::THROTTLE_WINDOW_SECS`], `None` while it may still
/// try. What else a throttled attempt does (spending the address budget,
/// auditing) is the caller's.
async fn account_throttle(s: &AppState, subject: &str) -> ApiResult<Option<ApiError>> {
    let since = s.store.now().plus_secs(-auth::THROTTLE_WINDOW_SECS);
    let failures = s.store.login_failures_since(subject, since).await?;
    Ok((failures >= auth::THROTTLE_MAX_FAILURES).then(|| {
        ApiError::new("rate_limited", "too many failed logins; try again later")
            .with_retry_after(auth::THROTTLE_WINDOW_SECS as u64)
    }))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub email: String,
    pub password: String,
    pub totp: Option<String>,
}

pub async fn login(
    State(s): State<AppState>,
    ClientIp(client): ClientIp,
    body: ApiJson<Login>,
) -> ApiResult<Response> {
    let b = body.value;
    let mail =
        email(&b.email).map_err(|_| ApiError::new("login_failed", "wrong email or password"))?;
    // The address budget is spent only by failures (below), so a right
    // password still logs in from an address someone else exhausted;
    // guessing is bounded by the per-account throttle.
    let now = s.store.now();
    let subject = login_subject(&mail);
    if let Some(throttled) = account_throttle(&s, &subject).await? {
        let object = &token_hash(&mail)[..16];
        let audited = ("anonymous", "login.throttled", object);
        return Err(refuse_throttled(&s, client, audited, throttled).await?);
    }
    let record = s.store.login_record(&mail).await?;
    let ok_user = match &record {
        Some((u, Some(hash), _)) if auth::verify_password(&b.password, hash) => Some(u.clone()),
        _ => {
            // Same work whether or not the user exists.
            if record.is_none() {
                let _ = auth::verify_password(&b.password, DUMMY_HASH);
            }
            None
        }
    };
    let Some(user) = ok_user else {
        auth::check_failure_budget(&s, client)?;
        let mut tx = s.store.write().await?;
        tx.record_login_failure(&subject).await?;
        tx.audit(
            "anonymous",
            None,
            "login.failed",
            &token_hash(&mail)[..16],
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        return Err(ApiError::new("login_failed", "wrong email or password"));
    };
    if let Some((_, _, Some(sealed))) = &record {
        // The seed is stored sealed under the data key.
        let secret = s.keys.open(&user.id, sealed)?;
        let good = b
            .totp
            .as_deref()
            .is_some_and(|code| auth::totp_verify(&secret, code, now));
        if !good {
            if b.totp.is_some() {
                auth::check_failure_budget(&s, client)?;
            }
            let mut tx = s.store.write().await?;
            if b.totp.is_some() {
                tx.record_login_failure(&subject).await?;
            }
            tx.audit(&user.id, None, "login.mfa_failed", &user.id, &json!({}))
                .await?;
            tx.commit().await?;
            return Err(ApiError::new(
                "mfa_required",
                "a valid TOTP code is required",
            ));
        }
    }
    let sid = new_token_secret();
    let csrf = levee_store::new_id("");
    let mut tx = s.store.write().await?;
    tx.insert_session(
        &token_hash(&sid),
        &user.id,
        &csrf,
        true,
        now.plus_secs(auth::SESSION_SECS),
    )
    .await?;
    tx.audit(&user.id, None, "login.ok", &user.id, &json!({}))
        .await?;
    tx.commit().await?;
    let secure = if s.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{SESSION_COOKIE}={sid}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        auth::SESSION_SECS
    );
    let mut resp = Json(json!({"user": user, "csrf_token": csrf})).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// An argon2 hash of a random string, verified against when the user does
/// not exist so that timing does not reveal which emails are registered.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0p2lI7CMPYq7d2YySGmhZ1ZgxNBqkYO0C1X2GItMQR4";

pub async fn logout(
    State(s): State<AppState>,
    c: Caller,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if let Some(sid) = auth::cookie(&headers, SESSION_COOKIE) {
        let mut tx = s.store.write().await?;
        sqlx_delete_session(&mut tx, &token_hash(sid)).await?;
        tx.audit(c.id(), None, "logout", c.id(), &json!({})).await?;
        tx.commit().await?;
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("levee_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(resp)
}

async fn sqlx_delete_session(tx: &mut WriteTx, id_hash: &str) -> ApiResult<()> {
    tx.delete_session(id_hash).await?;
    Ok(())
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    pub new_password: String,
    /// Required once the account has a password.
    pub current_password: Option<String>,
}

/// A self-service change of a credential (password, TOTP secret) needs the
/// current password when the account has one, so that a stolen session or
/// token cannot take the account over. Wrong guesses count as failed logins
/// of the account (same throttle) and against the address's failure budget,
/// and are audited.
async fn verify_current_password(
    s: &AppState,
    c: &Caller,
    client: Option<std::net::IpAddr>,
    current: Option<&str>,
) -> ApiResult<()> {
    let Some(mail) = c.user.email.as_deref() else {
        return Ok(()); // no email: no login, so no password to confirm
    };
    let Some((_, Some(hash), _)) = s.store.login_record(mail).await? else {
        return Ok(()); // the first password
    };
    let Some(current) = current else {
        return Err(ApiError::validation(
            "current_password is required to change a credential",
        ));
    };
    let subject = login_subject(mail);
    if let Some(throttled) = account_throttle(s, &subject).await? {
        // Audited like a throttled login, and bounded like it.
        let audited = (c.id(), "user.reauth_throttled", c.id());
        return Err(refuse_throttled(s, client, audited, throttled).await?);
    }
    if auth::verify_password(current, &hash) {
        return Ok(());
    }
    auth::check_failure_budget(s, client)?;
    let mut tx = s.store.write().await?;
    tx.record_login_failure(&subject).await?;
    tx.audit(c.id(), None, "user.reauth_failed", c.id(), &json!({}))
        .await?;
    tx.commit().await?;
    Err(ApiError::forbidden("current_password is wrong"))
}

/// A throttled account's refusal (login or re-authentication): audited as
/// `(actor, action, object)` within the client address's failure budget
/// (beyond it, 429 and nothing written); `Ok` is the error to answer.
async fn refuse_throttled(
    s: &AppState,
    client: Option<std::net::IpAddr>,
    (actor, action, object): (&str, &str, &str),
    throttled: ApiError,
) -> ApiResult<ApiError> {
    auth::check_failure_budget(s, client)?;
    let mut tx = s.store.write().await?;
    tx.audit(actor, None, action, object, &json!({})).await?;
    tx.commit().await?;
    Ok(throttled)
}

pub async fn set_password(
    State(s): State<AppState>,
    c: Caller,
    ClientIp(client): ClientIp,
    body: ApiJson<SetPassword>,
) -> ApiResult<StatusCode> {
    if !c.can_write_scope() {
        return Err(ApiError::forbidden("this token has no write scope"));
    }
    auth::validate_password(&body.value.new_password)?;
    verify_current_password(&s, &c, client, body.value.current_password.as_deref()).await?;
    let hash = auth::hash_password(&body.value.new_password)?;
    let mut tx = s.store.write().await?;
    tx.set_password_hash(c.id(), &hash).await?;
    tx.audit(c.id(), None, "user.password", c.id(), &json!({}))
        .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct EnrolTotp {
    /// The base32 secret returned by the first call.
    pub secret: Option<String>,
    pub code: Option<String>,
    /// Required to confirm once the account has a password.
    pub current_password: Option<String>,
}

fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for ch in s.trim().trim_end_matches('=').bytes() {
        let v = match ch {
            b'A'..=b'Z' => ch - b'A',
            b'a'..=b'z' => ch - b'a',
            b'2'..=b'7' => ch - b'2' + 26,
            _ => return None,
        };
        buf = (buf << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            out.push((buf >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    Some(out)
}

/// Two steps: `{}` returns a new secret (nothing stored); `{secret, code}`
/// checks a code from the authenticator and then stores the secret.
pub async fn enrol_totp(
    State(s): State<AppState>,
    c: Caller,
    ClientIp(client): ClientIp,
    body: ApiJson<EnrolTotp>,
) -> ApiResult<Response> {
    if !c.can_write_scope() {
        return Err(ApiError::forbidden("this token has no write scope"));
    }
    let current = body.value.current_password;
    match (body.value.secret, body.value.code) {
        (None, None) => {
            use rand::RngCore;
            let mut raw = [0u8; 20];
            rand::rngs::OsRng.fill_bytes(&mut raw);
            let b32 = auth::base32(&raw);
            let label = c.user.email.clone().unwrap_or_else(|| c.user.id.clone());
            Ok(Json(json!({
                "secret": b32,
                "otpauth_uri": format!("otpauth://totp/Levee:{label}?secret={b32}&issuer=Levee&algorithm=SHA1&digits=6&period=30"),
            }))
            .into_response())
        }
        (Some(secret), Some(code)) => {
            let raw = base32_decode(&secret)
                .filter(|r| r.len() >= 16 && r.len() <= 64)
                .ok_or_else(|| ApiError::validation("secret is not a base32 TOTP secret"))?;
            if !auth::totp_verify(&raw, &code, s.store.now()) {
                return Err(ApiError::validation(
                    "the code does not match; check the authenticator's clock",
                ));
            }
            verify_current_password(&s, &c, client, current.as_deref()).await?;
            let mut tx = s.store.write().await?;
            let sealed = s.keys.seal(c.id(), &raw);
            tx.set_totp_secret(c.id(), Some(&sealed)).await?;
            tx.audit(c.id(), None, "user.totp_enrol", c.id(), &json!({}))
                .await?;
            tx.commit().await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        _ => Err(ApiError::validation(
            "send {} to start, then {secret, code} to confirm",
        )),
    }
}
