//! Pure logic of the voluntary covered-frontier-model framework (issue 9):
//! access-window rules, grant tokens and the revocation list, verification
//! verdicts, and the sealed-threshold commitment. Everything here takes the
//! time as an argument and does no IO, so the rules are testable under a
//! controlled clock and usable offline (`levee grant verify`).
//!
//! Nothing in this framework approves, blocks or delays a release: there is
//! no approval state. A designation and an access window are records; the
//! developer alone writes the release fields.

pub mod jws;

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use levee_model::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub use jws::{JwsError, PublicKey};

/// The default (and highest allowed) early-access maximum, in days.
pub const DEFAULT_MAX_WINDOW_DAYS: i64 = 30;
pub const MAX_WINDOW_DAYS_LIMIT: i64 = 30;

/// JWS `typ` of a grant token and of the revocation list.
pub const GRANT_TYP: &str = "levee-grant+jwt";
pub const REVOCATIONS_TYP: &str = "levee-revocations+jwt";
pub const ISSUER: &str = "levee";

/// The kinds of terms a grant carries, each a versioned document.
pub const TERMS_KINDS: &[&str] = &[
    "confidentiality",
    "cybersecurity",
    "insider_risk",
    "ip_and_use_restrictions",
    "non_disclosure",
];

// ---------------------------------------------------------------- windows

/// Where an access window stands at a given time.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowState {
    /// Not yet open.
    Pending,
    Open,
    Closed,
    Revoked,
}

/// `starts <= now < ends`, unless revoked at or before `now`.
pub fn window_state(
    now: Timestamp,
    starts: Timestamp,
    ends: Timestamp,
    revoked_at: Option<Timestamp>,
) -> WindowState {
    if revoked_at.is_some_and(|r| r <= now) {
        WindowState::Revoked
    } else if now < starts {
        WindowState::Pending
    } else if now < ends {
        WindowState::Open
    } else {
        WindowState::Closed
    }
}

/// A window that breaks the rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("the window ends ({ends}) before or when it starts ({starts})")]
    EndBeforeStart { starts: Timestamp, ends: Timestamp },
    #[error("the window lasts {days} days, longer than the maximum of {max} days")]
    TooLong { days: String, max: i64 },
    #[error(
        "access may start at most {max} days before the planned release ({release}); \
         {starts} is earlier"
    )]
    TooEarly {
        starts: Timestamp,
        release: Timestamp,
        max: i64,
    },
    #[error("the window has already ended ({ends})")]
    InThePast { ends: Timestamp },
    #[error("a partner window may not open ({starts}) before the government window opens ({gov_starts})")]
    BeforeGovernment {
        starts: Timestamp,
        gov_starts: Timestamp,
    },
}

impl WindowError {
    /// The stable problem code for this violation.
    pub fn code(&self) -> &'static str {
        match self {
            WindowError::TooLong { .. } | WindowError::TooEarly { .. } => "window_too_long",
            _ => "window_invalid",
        }
    }
}

/// Check a government early-access window: it ends after it starts, has
/// not ended already, lasts at most `max_days`, and starts no earlier than
/// `max_days` before the planned release.
pub fn check_government_window(
    now: Timestamp,
    planned_release: Timestamp,
    starts: Timestamp,
    ends: Timestamp,
    max_days: i64,
) -> Result<(), WindowError> {
    check_basic(now, starts, ends)?;
    let max = max_days.saturating_mul(86_400_000_000);
    let len = ends.micros().saturating_sub(starts.micros());
    if len > max {
        return Err(WindowError::TooLong {
            days: format!("{:.2}", len as f64 / 86_400_000_000.0),
            max: max_days,
        });
    }
    if starts.micros() < planned_release.micros().saturating_sub(max) {
        return Err(WindowError::TooEarly {
            starts,
            release: planned_release,
            max: max_days,
        });
    }
    Ok(())
}

/// Check a trusted partner's window: it opens when the developer chooses,
/// but not before the government window opens, and closes by date.
pub fn check_partner_window(
    now: Timestamp,
    gov_starts: Timestamp,
    starts: Timestamp,
    ends: Timestamp,
) -> Result<(), WindowError> {
    check_basic(now, starts, ends)?;
    if starts < gov_starts {
        return Err(WindowError::BeforeGovernment { starts, gov_starts });
    }
    Ok(())
}

fn check_basic(now: Timestamp, starts: Timestamp, ends: Timestamp) -> Result<(), WindowError> {
    if ends <= starts {
        return Err(WindowError::EndBeforeStart { starts, ends });
    }
    if ends <= now {
        return Err(WindowError::InThePast { ends });
    }
    Ok(())
}

// ---------------------------------------------------------------- grants

/// A term as carried in a grant token: which document, which version, its
/// digest, and who accepted it when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenTerm {
    pub kind: String,
    pub version: String,
    pub sha256: String,
    pub accepted_by: String,
    pub accepted_at: i64,
}

/// What a grant token says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantClaims {
    pub iss: String,
    /// The grantee org.
    pub sub: String,
    /// The grant id (what the revocation list names).
    pub jti: String,
    /// The model id.
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub audience: String,
    pub model: Value,
    pub terms: Vec<TokenTerm>,
}

/// Sign a grant token.
pub fn sign_grant(key: &SigningKey, kid: &str, claims: &GrantClaims) -> String {
    jws::sign(key, kid, GRANT_TYP, &json!(claims))
}

/// One revoked grant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revoked {
    pub jti: String,
    /// Seconds since the epoch.
    pub revoked_at: i64,
}

/// The signed revocation list's payload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationList {
    pub iss: String,
    /// When the list was issued (seconds); verifiers refuse stale lists.
    pub iat: i64,
    pub revoked: Vec<Revoked>,
}

pub fn sign_revocations(key: &SigningKey, kid: &str, list: &RevocationList) -> String {
    jws::sign(key, kid, REVOCATIONS_TYP, &json!(list))
}

/// The outcome of verifying a grant token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Valid,
    Expired,
    NotYetValid,
    Revoked,
    BadSignature,
    /// The revocation list is older than the allowed maximum age: whether
    /// the grant was revoked cannot be known.
    StaleRevocationList,
    /// The revocation list's own signature does not verify.
    BadRevocationList,
}

impl Verdict {
    /// What `levee grant verify` prints.
    pub fn text(&self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Expired => "expired",
            Verdict::NotYetValid => "not yet valid",
            Verdict::Revoked => "revoked",
            Verdict::BadSignature => "bad signature",
            Verdict::StaleRevocationList => "stale revocation list",
            Verdict::BadRevocationList => "bad signature (revocation list)",
        }
    }
}

/// A token or list that is not even well-formed (an error, exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("grant: {0}")]
    Grant(JwsError),
    #[error("grant: the claims are not a Levee grant: {0}")]
    Claims(String),
    #[error("revocation list: {0}")]
    List(JwsError),
    #[error("revocation list: not a Levee revocation list: {0}")]
    ListClaims(String),
}

/// The details behind a verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verification {
    pub verdict: Verdict,
    pub claims: Option<GrantClaims>,
    pub kid: Option<String>,
}

/// Verify a grant token at `at` (seconds), optionally against a signed
/// revocation list no older than `max_age_secs`. Order: the token's
/// signature, then the revocation list (signature, freshness, membership),
/// then the validity window.
pub fn verify_grant(
    token: &str,
    keys: &[PublicKey],
    revocations: Option<(&str, i64)>,
    at: i64,
) -> Result<Verification, VerifyError> {
    let v = match jws::verify(token, keys) {
        Ok(v) => v,
        Err(JwsError::BadSignature | JwsError::UnknownKid(_)) => {
            return Ok(Verification {
                verdict: Verdict::BadSignature,
                claims: None,
                kid: None,
            })
        }
        Err(e) => return Err(VerifyError::Grant(e)),
    };
    if v.header.get("typ").and_then(Value::as_str) != Some(GRANT_TYP) {
        return Err(VerifyError::Claims(format!("typ is not {GRANT_TYP}")));
    }
    let claims: GrantClaims =
        serde_json::from_value(v.payload).map_err(|e| VerifyError::Claims(e.to_string()))?;
    let done = |verdict| {
        Ok(Verification {
            verdict,
            claims: Some(claims.clone()),
            kid: Some(v.kid.clone()),
        })
    };
    if let Some((list, max_age)) = revocations {
        let l = match jws::verify(list, keys) {
            Ok(l) => l,
            Err(JwsError::BadSignature | JwsError::UnknownKid(_)) => {
                return done(Verdict::BadRevocationList)
            }
            Err(e) => return Err(VerifyError::List(e)),
        };
        if l.header.get("typ").and_then(Value::as_str) != Some(REVOCATIONS_TYP) {
            return Err(VerifyError::ListClaims(format!(
                "typ is not {REVOCATIONS_TYP}"
            )));
        }
        let list: RevocationList = serde_json::from_value(l.payload)
            .map_err(|e| VerifyError::ListClaims(e.to_string()))?;
        if at.saturating_sub(list.iat) > max_age {
            return done(Verdict::StaleRevocationList);
        }
        if list
            .revoked
            .iter()
            .any(|r| r.jti == claims.jti && r.revoked_at <= at)
        {
            return done(Verdict::Revoked);
        }
    }
    if at < claims.nbf {
        return done(Verdict::NotYetValid);
    }
    if at >= claims.exp {
        return done(Verdict::Expired);
    }
    done(Verdict::Valid)
}

/// Parse a duration: `90`, `90s`, `15m`, `24h`, `7d`, or a sequence such as
/// `1h30m`. Returns seconds.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty duration".into());
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse::<i64>()
            .map_err(|_| format!("duration {t:?} is too large"));
    }
    let mut total: i64 = 0;
    let mut num = String::new();
    for ch in t.chars() {
        if ch.is_ascii_digit() {
            num.push(ch);
            continue;
        }
        let mult = match ch {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => {
                return Err(format!(
                    "duration {t:?}: unknown unit {ch:?} (use s, m, h, d, w)"
                ))
            }
        };
        if num.is_empty() {
            return Err(format!("duration {t:?}: a unit without a number"));
        }
        let n: i64 = num
            .parse()
            .map_err(|_| format!("duration {t:?} is too large"))?;
        total = n
            .checked_mul(mult)
            .and_then(|x| total.checked_add(x))
            .ok_or_else(|| format!("duration {t:?} is too large"))?;
        num.clear();
    }
    if !num.is_empty() {
        return Err(format!(
            "duration {t:?}: a number without a unit at the end"
        ));
    }
    Ok(total)
}

// ------------------------------------------------------ sealed threshold

/// A classified cyber-capability threshold, held by evaluators only. The
/// server never sees it: it stores a commitment ([`commitment`]).
///
/// A model is covered when at least `min_tasks_met` of the listed tasks
/// reach their minimum score in a benchmark run of `suite` `version`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub suite: String,
    pub version: String,
    /// Task name → minimum score (at most six decimal places count).
    pub tasks: BTreeMap<String, f64>,
    pub min_tasks_met: u32,
}

/// A threshold or run that cannot be committed to or evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ThresholdError(pub String);

/// A score as integer millionths (the canonical form; no float formatting
/// enters the commitment).
pub fn score_micros(field: &str, v: f64) -> Result<i64, ThresholdError> {
    if !v.is_finite() || v.abs() > 1e9 {
        return Err(ThresholdError(format!(
            "{field}: a score is a finite number of magnitude at most 1e9"
        )));
    }
    Ok((v * 1e6).round() as i64)
}

fn clean(field: &str, s: &str) -> Result<(), ThresholdError> {
    if s.is_empty() || s.len() > 200 || s.chars().any(char::is_control) {
        return Err(ThresholdError(format!(
            "{field}: 1-200 characters without control characters"
        )));
    }
    Ok(())
}

impl Threshold {
    /// The canonical encoding the commitment covers: a versioned, line-based
    /// text with tasks sorted by name and scores as integer millionths.
    pub fn canonical(&self) -> Result<Vec<u8>, ThresholdError> {
        clean("suite", &self.suite)?;
        clean("version", &self.version)?;
        if self.tasks.is_empty() {
            return Err(ThresholdError("tasks: at least one task".into()));
        }
        if self.min_tasks_met == 0 || self.min_tasks_met as usize > self.tasks.len() {
            return Err(ThresholdError(format!(
                "min_tasks_met: between 1 and the number of tasks ({})",
                self.tasks.len()
            )));
        }
        let mut out = format!(
            "levee-threshold/v1\nsuite={}\nversion={}\nmin_tasks_met={}\n",
            self.suite, self.version, self.min_tasks_met
        );
        for (task, min) in &self.tasks {
            clean(&format!("tasks.{task}"), task)?;
            let m = score_micros(&format!("tasks.{task}"), *min)?;
            out.push_str(&format!("task={task}\t{m}\n"));
        }
        Ok(out.into_bytes())
    }
}

/// A fresh 256-bit salt, base64url.
pub fn new_salt() -> String {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// `sha256:` + hex SHA-256 over a domain tag, the salt (≥ 16 random bytes,
/// base64url) and the threshold's canonical encoding. Hiding (the salt),
/// binding (SHA-256).
pub fn commitment(threshold: &Threshold, salt_b64: &str) -> Result<String, ThresholdError> {
    let salt = URL_SAFE_NO_PAD
        .decode(salt_b64.trim())
        .map_err(|_| ThresholdError("salt: not base64url".into()))?;
    if salt.len() < 16 {
        return Err(ThresholdError("salt: at least 16 bytes".into()));
    }
    let mut h = Sha256::new();
    h.update(b"levee-threshold-commitment/v1\0");
    h.update((salt.len() as u64).to_be_bytes());
    h.update(&salt);
    h.update(threshold.canonical()?);
    Ok(format!("sha256:{}", hex::encode(h.finalize())))
}

/// Is `s` shaped like a commitment (`sha256:` + 64 lowercase hex)?
pub fn is_commitment(s: &str) -> bool {
    s.strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// One benchmark task result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskScore {
    pub task: String,
    pub score: f64,
    pub classified: bool,
}

/// One benchmark run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub suite: String,
    pub version: String,
    pub tasks: Vec<TaskScore>,
}

/// Would these runs be designated covered under `threshold`? Each task's
/// best score over the runs of the threshold's suite and version counts.
pub fn evaluate(threshold: &Threshold, runs: &[Run]) -> Result<bool, ThresholdError> {
    threshold.canonical()?;
    let mut best: BTreeMap<&str, i64> = BTreeMap::new();
    for r in runs
        .iter()
        .filter(|r| r.suite == threshold.suite && r.version == threshold.version)
    {
        for t in &r.tasks {
            let s = score_micros(&t.task, t.score)?;
            let e = best.entry(t.task.as_str()).or_insert(i64::MIN);
            *e = (*e).max(s);
        }
    }
    let mut met = 0u32;
    for (task, min) in &threshold.tasks {
        let m = score_micros(task, *min)?;
        if best.get(task.as_str()).is_some_and(|s| *s >= m) {
            met += 1;
        }
    }
    Ok(met >= threshold.min_tasks_met)
}

/// The result of checking a designation against an opened commitment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Proof {
    pub commitment_matches: bool,
    pub recorded_covered: Option<bool>,
    pub recomputed_covered: bool,
    /// The opening matches the commitment and the recorded designation is
    /// what the threshold gives on the recorded runs.
    pub proven: bool,
}

/// Prove (or refute) a recorded designation: `assessment` is the
/// assessment document as the API returns it to the assessing evaluator or
/// government (with `commitment`, every run including classified scores,
/// and `designation`).
pub fn prove_designation(
    assessment: &Value,
    threshold: &Threshold,
    salt_b64: &str,
) -> Result<Proof, ThresholdError> {
    let recorded_commitment = assessment
        .get("commitment")
        .and_then(Value::as_str)
        .ok_or_else(|| ThresholdError("assessment: no \"commitment\"".into()))?;
    let runs: Vec<Run> = serde_json::from_value(
        assessment
            .get("runs")
            .cloned()
            .ok_or_else(|| ThresholdError("assessment: no \"runs\"".into()))?,
    )
    .map_err(|e| ThresholdError(format!("assessment.runs: {e}")))?;
    if runs
        .iter()
        .any(|r| r.tasks.iter().any(|t| !t.score.is_finite()))
    {
        return Err(ThresholdError("assessment.runs: non-finite score".into()));
    }
    let recorded_covered = assessment
        .get("designation")
        .and_then(|d| d.get("covered"))
        .and_then(Value::as_bool);
    let commitment_matches = commitment(threshold, salt_b64)? == recorded_commitment;
    let recomputed_covered = evaluate(threshold, &runs)?;
    Ok(Proof {
        commitment_matches,
        recorded_covered,
        recomputed_covered,
        proven: commitment_matches && recorded_covered == Some(recomputed_covered),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_secs(s)
    }
    const DAY: i64 = 86_400;

    #[test]
    fn windows() {
        let now = t(1000 * DAY);
        let release = t(1040 * DAY);
        // Exactly 30 days before release, 30 days long: fine.
        assert!(check_government_window(now, release, t(1010 * DAY), t(1040 * DAY), 30).is_ok());
        // One second too long.
        let e = check_government_window(now, release, t(1010 * DAY), t(1040 * DAY + 1), 30)
            .unwrap_err();
        assert_eq!(e.code(), "window_too_long");
        // Starts too early even though short.
        let e =
            check_government_window(now, release, t(1009 * DAY), t(1010 * DAY), 30).unwrap_err();
        assert!(matches!(e, WindowError::TooEarly { .. }));
        // A lower configured maximum.
        assert!(check_government_window(now, release, t(1030 * DAY), t(1040 * DAY), 7).is_err());
        // End before start, and equal.
        for ends in [t(1019 * DAY), t(1020 * DAY)] {
            let e = check_government_window(now, release, t(1020 * DAY), ends, 30).unwrap_err();
            assert!(matches!(e, WindowError::EndBeforeStart { .. }));
        }
        // Already over.
        let e = check_government_window(t(1100 * DAY), release, t(1020 * DAY), t(1030 * DAY), 30)
            .unwrap_err();
        assert!(matches!(e, WindowError::InThePast { .. }));
        // Partners: not before the government window.
        assert!(check_partner_window(now, t(1020 * DAY), t(1019 * DAY), t(1050 * DAY)).is_err());
        assert!(check_partner_window(now, t(1020 * DAY), t(1020 * DAY), t(1090 * DAY)).is_ok());
    }

    #[test]
    fn window_states() {
        let (s, e) = (t(100), t(200));
        assert_eq!(window_state(t(99), s, e, None), WindowState::Pending);
        assert_eq!(window_state(t(100), s, e, None), WindowState::Open);
        assert_eq!(window_state(t(199), s, e, None), WindowState::Open);
        assert_eq!(window_state(t(200), s, e, None), WindowState::Closed);
        assert_eq!(
            window_state(t(150), s, e, Some(t(150))),
            WindowState::Revoked
        );
        assert_eq!(window_state(t(149), s, e, Some(t(150))), WindowState::Open);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90").unwrap(), 90);
        assert_eq!(parse_duration("15m").unwrap(), 900);
        assert_eq!(parse_duration("1h30m").unwrap(), 5400);
        assert_eq!(parse_duration("7d").unwrap(), 604_800);
        for bad in ["", "h", "5x", "10m5", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    fn threshold() -> Threshold {
        Threshold {
            suite: "cyber-range".into(),
            version: "2".into(),
            tasks: [("exploit-dev".to_string(), 0.6), ("recon".to_string(), 0.9)]
                .into_iter()
                .collect(),
            min_tasks_met: 1,
        }
    }

    #[test]
    fn commitments_bind_and_hide() {
        let th = threshold();
        let salt = new_salt();
        let c = commitment(&th, &salt).unwrap();
        assert!(is_commitment(&c));
        assert_eq!(c, commitment(&th, &salt).unwrap());
        assert_ne!(c, commitment(&th, &new_salt()).unwrap(), "salted");
        let mut other = th.clone();
        other.tasks.insert("recon".into(), 0.900001);
        assert_ne!(c, commitment(&other, &salt).unwrap(), "binding");
        let mut same = th.clone();
        same.tasks.insert("recon".into(), 0.9000000001);
        assert_eq!(c, commitment(&same, &salt).unwrap(), "millionths");
        assert!(commitment(&th, "c2hvcnQ").is_err(), "short salt");
        let mut bad = th.clone();
        bad.min_tasks_met = 3;
        assert!(commitment(&bad, &salt).is_err());
    }

    #[test]
    fn proofs() {
        let th = threshold();
        let salt = new_salt();
        let c = commitment(&th, &salt).unwrap();
        let runs = json!([
            {"suite": "cyber-range", "version": "2", "tasks": [
                {"task": "exploit-dev", "score": 0.61, "classified": true},
                {"task": "recon", "score": 0.2, "classified": false}]},
            {"suite": "other", "version": "2", "tasks": [
                {"task": "recon", "score": 1.0, "classified": false}]}
        ]);
        let a = json!({"commitment": c, "runs": runs, "designation": {"covered": true}});
        let p = prove_designation(&a, &th, &salt).unwrap();
        assert!(p.proven && p.commitment_matches && p.recomputed_covered);
        // A false designation is refuted, and so is a wrong opening.
        let a2 = json!({"commitment": c, "runs": runs, "designation": {"covered": false}});
        assert!(!prove_designation(&a2, &th, &salt).unwrap().proven);
        let p = prove_designation(&a, &th, &new_salt()).unwrap();
        assert!(!p.commitment_matches && !p.proven);
        let mut lower = th.clone();
        lower.tasks.insert("exploit-dev".into(), 0.7);
        assert!(!evaluate(&lower, &serde_json::from_value::<Vec<Run>>(runs).unwrap()).unwrap());
    }

    #[test]
    fn grant_verdicts() {
        let k = SigningKey::from_bytes(&[9; 32]);
        let keys = vec![PublicKey {
            kid: Some("k".into()),
            key: k.verifying_key(),
        }];
        let claims = GrantClaims {
            iss: ISSUER.into(),
            sub: "org_g".into(),
            jti: "grt_1".into(),
            aud: "mdl_1".into(),
            iat: 50,
            nbf: 100,
            exp: 200,
            audience: "government".into(),
            model: json!({}),
            terms: vec![],
        };
        let tok = sign_grant(&k, "k", &claims);
        let v = |at| verify_grant(&tok, &keys, None, at).unwrap().verdict;
        assert_eq!(v(99), Verdict::NotYetValid);
        assert_eq!(v(100), Verdict::Valid);
        assert_eq!(v(200), Verdict::Expired);
        let list = |iat, jti: &str| {
            sign_revocations(
                &k,
                "k",
                &RevocationList {
                    iss: ISSUER.into(),
                    iat,
                    revoked: vec![Revoked {
                        jti: jti.into(),
                        revoked_at: 120,
                    }],
                },
            )
        };
        let r = |l: &str, max, at| {
            verify_grant(&tok, &keys, Some((l, max)), at)
                .unwrap()
                .verdict
        };
        assert_eq!(r(&list(150, "grt_1"), 60, 150), Verdict::Revoked);
        assert_eq!(
            r(&list(150, "grt_1"), 60, 110),
            Verdict::Valid,
            "before revocation"
        );
        assert_eq!(r(&list(150, "grt_2"), 60, 150), Verdict::Valid);
        assert_eq!(r(&list(10, "grt_2"), 60, 150), Verdict::StaleRevocationList);
        let other = SigningKey::from_bytes(&[1; 32]);
        let forged = sign_revocations(
            &other,
            "k",
            &RevocationList {
                iss: ISSUER.into(),
                iat: 150,
                revoked: vec![],
            },
        );
        assert_eq!(r(&forged, 60, 150), Verdict::BadRevocationList);
        // A grant token is not a revocation list and vice versa.
        assert!(verify_grant(&list(150, "x"), &keys, None, 150).is_err());
    }

    proptest::proptest! {
        /// Verification, key parsing and duration parsing never panic on
        /// arbitrary input, and a token only verifies unmodified.
        #[test]
        fn never_panics(input in ".{0,300}", at in proptest::prelude::any::<i64>()) {
            let k = SigningKey::from_bytes(&[5; 32]);
            let keys = vec![PublicKey { kid: None, key: k.verifying_key() }];
            let _ = verify_grant(&input, &keys, Some((&input, 60)), at);
            let _ = jws::parse_public_keys(&input);
            let _ = parse_duration(&input);
            let tok = sign_grant(&k, "k", &GrantClaims {
                iss: ISSUER.into(), sub: input.clone(), jti: "j".into(), aud: "a".into(),
                iat: 0, nbf: 0, exp: i64::MAX, audience: "government".into(),
                model: json!({}), terms: vec![],
            });
            let ok = verify_grant(&tok, &keys, None, at.max(0)).unwrap();
            proptest::prop_assert_eq!(ok.verdict, if at.max(0) < i64::MAX { Verdict::Valid } else { Verdict::Expired });
            let spliced = format!("{tok}{input}");
            if !input.trim().is_empty() {
                let r = verify_grant(&spliced, &keys, None, 1);
                let valid = matches!(r, Ok(Verification { verdict: Verdict::Valid, .. }));
                proptest::prop_assert!(!valid, "a modified token verified");
            }
        }
    }
}
