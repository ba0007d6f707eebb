//! Organizations, users, memberships, delegations, tokens, sessions and
//! idempotency records. Policy (who may do what) is not decided here: that
//! is the server's authorization module. Every write here takes the
//! caller's [`WriteTx`] so that the change, its change-log entry and its
//! audit entry commit together.

use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{Result, Store, StoreError, WriteTx};
use levee_model::{CapabilitySet, OrgRole, Timestamp};

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Org {
    pub id: String,
    pub name: String,
    pub capabilities: CapabilitySet,
    pub sector: Option<String>,
    pub size: Option<String>,
    pub rural: bool,
    pub contacts: serde_json::Value,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct User {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub platform_admin: bool,
    pub mfa_enabled: bool,
    pub created_at: Timestamp,
    pub erased: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Membership {
    pub user_id: String,
    pub org_id: String,
    pub role: OrgRole,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TokenInfo {
    pub id: String,
    pub user_id: String,
    pub org_id: Option<String>,
    pub name: String,
    pub scopes: Vec<String>,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

/// SHA-256 of a secret token, hex. Tokens carry ≥ 128 random bits, so a
/// fast hash is the right tool (a password hash would only slow every
/// request).
pub fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new secret API token: `lvt_` + 256 random bits.
pub fn new_token_secret() -> String {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    format!("lvt_{}", hex::encode(b))
}

fn ts(v: Option<i64>) -> Option<Timestamp> {
    v.map(Timestamp::from_micros)
}

fn org_from_row(r: &AnyRow) -> Result<Org> {
    let caps: String = r.try_get("capabilities")?;
    let contacts: String = r.try_get("contacts")?;
    Ok(Org {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        capabilities: serde_json::from_str(&caps)
            .map_err(|e| StoreError::Corrupt(format!("capabilities: {e}")))?,
        sector: r.try_get("sector")?,
        size: r.try_get("size")?,
        rural: r.try_get::<i64, _>("rural")? != 0,
        contacts: serde_json::from_str(&contacts)
            .map_err(|e| StoreError::Corrupt(format!("contacts: {e}")))?,
        created_at: Timestamp::from_micros(r.try_get("created_at")?),
        updated_at: Timestamp::from_micros(r.try_get("updated_at")?),
    })
}

fn user_from_row(r: &AnyRow) -> Result<User> {
    Ok(User {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        email: r.try_get("email")?,
        platform_admin: r.try_get::<i64, _>("platform_admin")? != 0,
        mfa_enabled: r.try_get::<Option<Vec<u8>>, _>("totp_secret")?.is_some(),
        created_at: Timestamp::from_micros(r.try_get("created_at")?),
        erased: r.try_get::<Option<i64>, _>("erased_at")?.is_some(),
    })
}

fn token_from_row(r: &AnyRow) -> Result<TokenInfo> {
    let scopes: String = r.try_get("scopes")?;
    Ok(TokenInfo {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        org_id: r.try_get("org_id")?,
        name: r.try_get("name")?,
        scopes: serde_json::from_str(&scopes)
            .map_err(|e| StoreError::Corrupt(format!("scopes: {e}")))?,
        expires_at: ts(r.try_get("expires_at")?),
        revoked_at: ts(r.try_get("revoked_at")?),
        last_used_at: ts(r.try_get("last_used_at")?),
        created_at: Timestamp::from_micros(r.try_get("created_at")?),
    })
}

const ORG_COLS: &str =
    "id, name, capabilities, sector, size, rural, contacts, created_at, updated_at";
const USER_COLS: &str = "id, name, email, platform_admin, totp_secret, created_at, erased_at";
const TOKEN_COLS: &str =
    "id, user_id, org_id, name, scopes, expires_at, revoked_at, last_used_at, created_at";

#[derive(Clone, Debug)]
pub struct NewOrg {
    pub name: String,
    pub capabilities: CapabilitySet,
    pub sector: Option<String>,
    pub size: Option<String>,
    pub rural: bool,
    pub contacts: serde_json::Value,
}

impl WriteTx {
    pub async fn insert_org(&mut self, o: &NewOrg) -> Result<Org> {
        let id = crate::new_id("org_");
        let now = self.now().micros();
        let caps = serde_json::to_string(&o.capabilities)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM orgs WHERE name = $1")
            .bind(&o.name)
            .fetch_optional(self.conn())
            .await?;
        if exists.is_some() {
            return Err(StoreError::Conflict(format!(
                "an organization named {:?} already exists",
                o.name
            )));
        }
        let seq = self
            .change("org", &id, "create", &serde_json::json!({ "name": o.name }))
            .await?;
        sqlx::query(&format!(
            "INSERT INTO orgs ({ORG_COLS}, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)"
        ))
        .bind(&id)
        .bind(&o.name)
        .bind(caps)
        .bind(o.sector.as_deref())
        .bind(o.size.as_deref())
        .bind(i64::from(o.rural))
        .bind(o.contacts.to_string())
        .bind(now)
        .bind(seq)
        .execute(self.conn())
        .await?;
        self.org(&id).await
    }

    pub async fn org(&mut self, id: &str) -> Result<Org> {
        let r = sqlx::query(&format!("SELECT {ORG_COLS} FROM orgs WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        org_from_row(&r)
    }

    pub async fn update_org(&mut self, o: &Org) -> Result<()> {
        let caps = serde_json::to_string(&o.capabilities)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let clash: Option<String> =
            sqlx::query_scalar("SELECT id FROM orgs WHERE name = $1 AND id <> $2")
                .bind(&o.name)
                .bind(&o.id)
                .fetch_optional(self.conn())
                .await?;
        if clash.is_some() {
            return Err(StoreError::Conflict(format!(
                "an organization named {:?} already exists",
                o.name
            )));
        }
        let seq = self
            .change("org", &o.id, "update", &serde_json::json!({}))
            .await?;
        sqlx::query(
            "UPDATE orgs SET name = $1, capabilities = $2, sector = $3, size = $4, rural = $5, contacts = $6,
                    updated_at = $7, seq = $8 WHERE id = $9",
        )
        .bind(&o.name)
        .bind(caps)
        .bind(o.sector.as_deref())
        .bind(o.size.as_deref())
        .bind(i64::from(o.rural))
        .bind(o.contacts.to_string())
        .bind(self.now().micros())
        .bind(seq)
        .bind(&o.id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn insert_user(
        &mut self,
        name: Option<&str>,
        email: Option<&str>,
        platform_admin: bool,
    ) -> Result<User> {
        let id = crate::new_id("usr_");
        if let Some(e) = email {
            let exists: Option<String> =
                sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                    .bind(e)
                    .fetch_optional(self.conn())
                    .await?;
            if exists.is_some() {
                return Err(StoreError::Conflict(
                    "a user with this email already exists".into(),
                ));
            }
        }
        sqlx::query("INSERT INTO users (id, name, email, platform_admin, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(name)
            .bind(email)
            .bind(i64::from(platform_admin))
            .bind(self.now().micros())
            .execute(self.conn())
            .await?;
        self.change("user", &id, "create", &serde_json::json!({}))
            .await?;
        let r = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .bind(&id)
            .fetch_one(self.conn())
            .await?;
        user_from_row(&r)
    }

    pub async fn user_count(&mut self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(self.conn())
            .await?)
    }

    pub async fn user_by_email(&mut self, email: &str) -> Result<Option<User>> {
        let r = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE email = $1"))
            .bind(email)
            .fetch_optional(self.conn())
            .await?;
        r.as_ref().map(user_from_row).transpose()
    }

    pub async fn set_password_hash(&mut self, user_id: &str, hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(self.conn())
            .await?;
        self.change("user", user_id, "password", &serde_json::json!({}))
            .await?;
        Ok(())
    }

    pub async fn set_totp_secret(&mut self, user_id: &str, secret: Option<&[u8]>) -> Result<()> {
        sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2")
            .bind(secret.map(<[u8]>::to_vec))
            .bind(user_id)
            .execute(self.conn())
            .await?;
        self.change("user", user_id, "totp", &serde_json::json!({}))
            .await?;
        Ok(())
    }

    /// Erase a user's personal data. The audit chain refers to the user by
    /// pseudonymous id only, so it stays intact.
    pub async fn erase_user(&mut self, user_id: &str) -> Result<()> {
        let n = sqlx::query(
            "UPDATE users SET name = NULL, email = NULL, password_hash = NULL, totp_secret = NULL, erased_at = $1
             WHERE id = $2",
        )
        .bind(self.now().micros())
        .bind(user_id)
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(self.now().micros())
            .bind(user_id)
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(self.conn())
            .await?;
        self.change("user", user_id, "erase", &serde_json::json!({}))
            .await?;
        Ok(())
    }

    pub async fn upsert_membership(
        &mut self,
        user_id: &str,
        org_id: &str,
        role: OrgRole,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO memberships (user_id, org_id, role, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, org_id) DO UPDATE SET role = excluded.role",
        )
        .bind(user_id)
        .bind(org_id)
        .bind(role.as_str())
        .bind(self.now().micros())
        .execute(self.conn())
        .await?;
        self.change(
            "membership",
            &format!("{org_id}/{user_id}"),
            "upsert",
            &serde_json::json!({ "role": role }),
        )
        .await?;
        Ok(())
    }

    pub async fn delete_membership(&mut self, user_id: &str, org_id: &str) -> Result<()> {
        let n = sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND org_id = $2")
            .bind(user_id)
            .bind(org_id)
            .execute(self.conn())
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.change(
            "membership",
            &format!("{org_id}/{user_id}"),
            "delete",
            &serde_json::json!({}),
        )
        .await?;
        Ok(())
    }

    pub async fn insert_delegation(&mut self, manager: &str, managed: &str) -> Result<bool> {
        let n = sqlx::query(
            "INSERT INTO delegations (manager_org_id, managed_org_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (manager_org_id, managed_org_id) DO NOTHING",
        )
        .bind(manager)
        .bind(managed)
        .bind(self.now().micros())
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 1 {
            self.change(
                "delegation",
                &format!("{manager}>{managed}"),
                "create",
                &serde_json::json!({}),
            )
            .await?;
        }
        Ok(n == 1)
    }

    pub async fn delete_delegation(&mut self, manager: &str, managed: &str) -> Result<()> {
        let n = sqlx::query(
            "DELETE FROM delegations WHERE manager_org_id = $1 AND managed_org_id = $2",
        )
        .bind(manager)
        .bind(managed)
        .execute(self.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.change(
            "delegation",
            &format!("{manager}>{managed}"),
            "delete",
            &serde_json::json!({}),
        )
        .await?;
        Ok(())
    }

    /// Store a new token (its hash only). Returns its info.
    pub async fn insert_token(
        &mut self,
        user_id: &str,
        org_id: Option<&str>,
        name: &str,
        secret: &str,
        scopes: &[String],
        expires_at: Option<Timestamp>,
    ) -> Result<TokenInfo> {
        let id = crate::new_id("tok_");
        sqlx::query(
            "INSERT INTO tokens (id, user_id, org_id, name, hash, scopes, expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(user_id)
        .bind(org_id)
        .bind(name)
        .bind(token_hash(secret))
        .bind(serde_json::to_string(scopes).map_err(|e| StoreError::Corrupt(e.to_string()))?)
        .bind(expires_at.map(Timestamp::micros))
        .bind(self.now().micros())
        .execute(self.conn())
        .await?;
        self.change(
            "token",
            &id,
            "create",
            &serde_json::json!({ "user": user_id, "org": org_id }),
        )
        .await?;
        let r = sqlx::query(&format!("SELECT {TOKEN_COLS} FROM tokens WHERE id = $1"))
            .bind(&id)
            .fetch_one(self.conn())
            .await?;
        token_from_row(&r)
    }

    pub async fn revoke_token(&mut self, id: &str) -> Result<()> {
        let n =
            sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(self.now().micros())
                .bind(id)
                .execute(self.conn())
                .await?
                .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.change("token", id, "revoke", &serde_json::json!({}))
            .await?;
        Ok(())
    }

    /// Store the response to an idempotent request.
    pub async fn save_idempotent(
        &mut self,
        scope: &str,
        route: &str,
        key: &str,
        body_hash: &str,
        status: u16,
        response: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO idempotency (scope, route, key, body_hash, status, response, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(scope)
        .bind(route)
        .bind(key)
        .bind(body_hash)
        .bind(i64::from(status))
        .bind(response)
        .bind(self.now().micros())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// A stored idempotent response: (body hash, status, response).
    pub async fn idempotent(
        &mut self,
        scope: &str,
        route: &str,
        key: &str,
    ) -> Result<Option<(String, i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT body_hash, status, response FROM idempotency WHERE scope = $1 AND route = $2 AND key = $3",
        )
        .bind(scope)
        .bind(route)
        .bind(key)
        .fetch_optional(self.conn())
        .await?)
    }

    pub async fn insert_session(
        &mut self,
        id_hash: &str,
        user_id: &str,
        csrf: &str,
        mfa_ok: bool,
        expires_at: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf, mfa_ok, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(i64::from(mfa_ok))
        .bind(expires_at.micros())
        .bind(self.now().micros())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn delete_session(&mut self, id_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn record_login_failure(&mut self, subject: &str) -> Result<()> {
        sqlx::query("INSERT INTO login_failures (subject, at) VALUES ($1, $2)")
            .bind(subject)
            .bind(self.now().micros())
            .execute(self.conn())
            .await?;
        Ok(())
    }
}

/// What authentication resolves a bearer token to.
#[derive(Clone, Debug)]
pub struct TokenAuth {
    pub token: TokenInfo,
    pub user: User,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenProblem {
    Unknown,
    Revoked,
    Expired,
    UserErased,
}

impl Store {
    pub async fn org(&self, id: &str) -> Result<Org> {
        let r = sqlx::query(&format!("SELECT {ORG_COLS} FROM orgs WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        org_from_row(&r)
    }

    pub async fn orgs(&self) -> Result<Vec<Org>> {
        let rows = sqlx::query(&format!(
            "SELECT {ORG_COLS} FROM orgs ORDER BY created_at, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(org_from_row).collect()
    }

    pub async fn org_by_name(&self, name: &str) -> Result<Option<Org>> {
        let r = sqlx::query(&format!("SELECT {ORG_COLS} FROM orgs WHERE name = $1"))
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        r.as_ref().map(org_from_row).transpose()
    }

    pub async fn user(&self, id: &str) -> Result<User> {
        let r = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        user_from_row(&r)
    }

    pub async fn user_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }

    /// The password hash and TOTP secret of a user found by email.
    pub async fn login_record(
        &self,
        email: &str,
    ) -> Result<Option<(User, Option<String>, Option<Vec<u8>>)>> {
        let r = sqlx::query(&format!(
            "SELECT {USER_COLS}, password_hash FROM users WHERE email = $1 AND erased_at IS NULL"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        match r {
            None => Ok(None),
            Some(r) => Ok(Some((
                user_from_row(&r)?,
                r.try_get("password_hash")?,
                r.try_get("totp_secret")?,
            ))),
        }
    }

    pub async fn totp_secret(&self, user_id: &str) -> Result<Option<Vec<u8>>> {
        Ok(
            sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?
                .flatten(),
        )
    }

    pub async fn memberships_of_user(&self, user_id: &str) -> Result<Vec<Membership>> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT user_id, org_id, role FROM memberships WHERE user_id = $1 ORDER BY org_id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(membership).collect()
    }

    pub async fn members_of_org(&self, org_id: &str) -> Result<Vec<Membership>> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT user_id, org_id, role FROM memberships WHERE org_id = $1 ORDER BY user_id",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(membership).collect()
    }

    /// (manager, managed) pairs.
    pub async fn delegations(&self) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as("SELECT manager_org_id, managed_org_id FROM delegations ORDER BY manager_org_id, managed_org_id")
            .fetch_all(&self.pool)
            .await?)
    }

    /// Resolve a bearer token; records its last-used time.
    pub async fn authenticate_token(
        &self,
        secret: &str,
    ) -> Result<std::result::Result<TokenAuth, TokenProblem>> {
        let r = sqlx::query(&format!("SELECT {TOKEN_COLS} FROM tokens WHERE hash = $1"))
            .bind(token_hash(secret))
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = r else {
            return Ok(Err(TokenProblem::Unknown));
        };
        let token = token_from_row(&r)?;
        let now = self.now();
        if token.revoked_at.is_some() {
            return Ok(Err(TokenProblem::Revoked));
        }
        if token.expires_at.is_some_and(|e| e <= now) {
            return Ok(Err(TokenProblem::Expired));
        }
        let user = self.user(&token.user_id).await?;
        if user.erased {
            return Ok(Err(TokenProblem::UserErased));
        }
        // last_used_at is bookkeeping, not a state change: not audited, and
        // written at most once a minute per token to keep reads cheap.
        if token
            .last_used_at
            .is_none_or(|t| now.micros() - t.micros() > 60_000_000)
        {
            sqlx::query("UPDATE tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now.micros())
                .bind(&token.id)
                .execute(&self.pool)
                .await?;
        }
        Ok(Ok(TokenAuth { token, user }))
    }

    pub async fn token(&self, id: &str) -> Result<TokenInfo> {
        let r = sqlx::query(&format!("SELECT {TOKEN_COLS} FROM tokens WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        token_from_row(&r)
    }

    pub async fn tokens_of_org(&self, org_id: &str) -> Result<Vec<TokenInfo>> {
        let rows = sqlx::query(&format!(
            "SELECT {TOKEN_COLS} FROM tokens WHERE org_id = $1 ORDER BY created_at, id"
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(token_from_row).collect()
    }

    /// A live session: (user id, csrf token, mfa satisfied).
    pub async fn session(&self, id_hash: &str) -> Result<Option<(String, String, bool)>> {
        let r: Option<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT user_id, csrf, mfa_ok, expires_at FROM sessions WHERE id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(r.filter(|(_, _, _, exp)| *exp > self.now().micros())
            .map(|(u, c, m, _)| (u, c, m != 0)))
    }

    pub async fn login_failures_since(&self, subject: &str, since: Timestamp) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_failures WHERE subject = $1 AND at >= $2",
        )
        .bind(subject)
        .bind(since.micros())
        .fetch_one(&self.pool)
        .await?)
    }
}

fn membership((user_id, org_id, role): (String, String, String)) -> Result<Membership> {
    Ok(Membership {
        user_id,
        org_id,
        role: role
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("{e}")))?,
    })
}
