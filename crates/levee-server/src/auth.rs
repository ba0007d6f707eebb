//! Authentication: bearer tokens, web sessions (argon2 passwords, TOTP,
//! throttling, secure cookies, CSRF). Produces a [`Caller`]; deciding what
//! the caller may do is `authz`'s job.

use std::collections::BTreeMap;
use std::net::IpAddr;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::http::{header, HeaderMap, Method};
use hmac::{Hmac, Mac};
use levee_model::{Capability, Timestamp};
use levee_store::identity::{token_hash, TokenProblem};

use crate::authz::Caller;
use crate::error::ApiError;
use crate::extract::is_unsafe;
use crate::AppState;

pub const SESSION_COOKIE: &str = "levee_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Failed logins allowed per account in [`THROTTLE_WINDOW_SECS`].
pub const THROTTLE_MAX_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;
pub const SESSION_SECS: i64 = 12 * 3600;

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn failure_key(client: Option<IpAddr>) -> String {
    // Without a known address (no `ConnectInfo`), all such clients share one
    // bucket: only failures draw from it, so valid credentials still work.
    client.map_or_else(|| "fail:unknown".to_string(), |ip| format!("fail:{ip}"))
}

/// Spend one failed authentication of `client`'s budget. Within it the
/// failure is answered (and audited) as usual; beyond it the answer is 429
/// `rate_limited` with `Retry-After` and nothing may be written, so that
/// anonymous clients cannot grow the audit log without bound.
pub fn check_failure_budget(state: &AppState, client: Option<IpAddr>) -> Result<(), ApiError> {
    state
        .auth_fail_limiter
        .check(&failure_key(client))
        .map_err(too_many_failures)
}

fn too_many_failures(secs: u64) -> ApiError {
    ApiError::new(
        "rate_limited",
        "too many failed authentication attempts from this address",
    )
    .with_retry_after(secs)
}

/// Resolve the caller, or the 401 problem (429 once `client` has used up
/// its failed-authentication budget).
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    method: &Method,
    client: Option<IpAddr>,
) -> Result<Caller, ApiError> {
    let store = &state.store;
    if let Some(secret) = bearer(headers) {
        if secret.len() > 256 {
            return Err(ApiError::new("token_invalid", "the token is not valid"));
        }
        return match store.authenticate_token(secret).await? {
            Ok(auth) => load_caller(state, auth.user, Some(auth.token), None).await,
            Err(problem) => {
                let (code, detail) = match problem {
                    TokenProblem::Revoked => ("token_revoked", "this token was revoked"),
                    TokenProblem::Expired => ("token_expired", "this token has expired"),
                    TokenProblem::Unknown | TokenProblem::UserErased => {
                        ("token_invalid", "the token is not valid")
                    }
                };
                check_failure_budget(state, client)?;
                // A security-relevant attempt: audited (by token hash prefix,
                // never the secret).
                let hash = token_hash(secret);
                let mut tx = store.write().await?;
                tx.audit(
                    "anonymous",
                    None,
                    "auth.denied",
                    &format!("token:{}", &hash[..12]),
                    &serde_json::json!({"reason": code}),
                )
                .await?;
                tx.commit().await?;
                Err(ApiError::new(code, detail))
            }
        };
    }
    if let Some(sid) = cookie(headers, SESSION_COOKIE) {
        let Some((user_id, csrf, mfa_ok)) = store.session(&token_hash(sid)).await? else {
            return Err(ApiError::new(
                "unauthenticated",
                "the session has expired; log in again",
            ));
        };
        if !mfa_ok {
            return Err(ApiError::new("mfa_required", "complete the second factor"));
        }
        if is_unsafe(method) {
            let sent = headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent.as_bytes(), csrf.as_bytes()) {
                return Err(ApiError::new(
                    "csrf_failed",
                    "missing or wrong X-CSRF-Token header",
                ));
            }
        }
        let user = store.user(&user_id).await?;
        if user.erased {
            return Err(ApiError::new("unauthenticated", "the session has ended"));
        }
        return load_caller(state, user, None, Some(csrf)).await;
    }
    Err(ApiError::new(
        "unauthenticated",
        "send Authorization: Bearer <token> or log in",
    ))
}

async fn load_caller(
    state: &AppState,
    user: levee_store::identity::User,
    token: Option<levee_store::identity::TokenInfo>,
    csrf: Option<String>,
) -> Result<Caller, ApiError> {
    let store = &state.store;
    let memberships: Vec<_> = store
        .memberships_of_user(&user.id)
        .await?
        .into_iter()
        .map(|m| (m.org_id, m.role))
        .collect();
    let delegations = store.delegations().await?;
    let mut caps: BTreeMap<String, Vec<Capability>> = BTreeMap::new();
    for (org, _) in &memberships {
        if let Ok(o) = store.org(org).await {
            caps.insert(org.clone(), o.capabilities.iter().collect());
        }
    }
    Ok(Caller::build(
        user,
        token,
        &memberships,
        &delegations,
        &caps,
        csrf,
    ))
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn hash_password(pw: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(pw.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal(format!("password hashing failed: {e}")))
}

pub fn verify_password(pw: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .is_ok_and(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
}

/// A password policy that a person can meet and an attacker can't guess.
pub fn validate_password(pw: &str) -> Result<(), ApiError> {
    let n = pw.chars().count();
    if n < 12 {
        return Err(ApiError::validation(
            "a password needs at least 12 characters",
        ));
    }
    if n > 1024 {
        return Err(ApiError::validation(
            "a password has at most 1024 characters",
        ));
    }
    Ok(())
}

/// RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) at `t`.
pub fn totp_at(secret: &[u8], t: Timestamp) -> u32 {
    let counter = (t.secs().max(0) / 30) as u64;
    hotp(secret, counter)
}

fn hotp(secret: &[u8], counter: u64) -> u32 {
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(secret).expect("any key length");
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[19] & 0x0f) as usize;
    let bin = (u32::from(h[off]) & 0x7f) << 24
        | u32::from(h[off + 1]) << 16
        | u32::from(h[off + 2]) << 8
        | u32::from(h[off + 3]);
    bin % 1_000_000
}

/// Accept the code for the current step and one step either side.
pub fn totp_verify(secret: &[u8], code: &str, now: Timestamp) -> bool {
    let Ok(c) = code.trim().parse::<u32>() else {
        return false;
    };
    if code.trim().len() != 6 {
        return false;
    }
    [-30i64, 0, 30]
        .iter()
        .any(|d| totp_at(secret, now.plus_secs(*d)) == c)
}

/// RFC 4648 base32 without padding (for otpauth:// URIs).
pub fn base32(data: &[u8]) -> String {
    const A: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in data {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(A[((buf >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(A[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_vectors() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", 8 digits
        // truncated to 6 here.
        let s = b"12345678901234567890";
        assert_eq!(totp_at(s, Timestamp::from_secs(59)), 287_082);
        assert_eq!(totp_at(s, Timestamp::from_secs(1_111_111_109)), 81_804);
        assert_eq!(totp_at(s, Timestamp::from_secs(2_000_000_000)), 279_037);
        let now = Timestamp::from_secs(1_111_111_109);
        assert!(totp_verify(s, "081804", now));
        assert!(totp_verify(s, "081804", now.plus_secs(25)));
        assert!(!totp_verify(s, "081804", now.plus_secs(95)));
        assert!(!totp_verify(s, "81804", now));
    }

    #[test]
    fn base32_rfc4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(b"f"), "MY");
    }

    #[test]
    fn passwords() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(validate_password("short").is_err());
    }

    #[test]
    fn cookies() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; levee_session=abc; b=2".parse().unwrap(),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "zzz"), None);
    }
}
