//! `levee grant …`: offline tools for the covered-frontier-model framework.
//!
//! - `verify GRANT --public-key FILE [--revocation-list FILE --max-age DURATION] [--at TIME]`
//!   checks an early-access grant token (compact JWS, EdDSA, `kid`) the way
//!   a developer's model gateway does, with no connection to Levee. Prints
//!   one of: valid, expired, not yet valid, revoked, bad signature, stale
//!   revocation list, bad signature (revocation list). Exit 0 only for
//!   valid, 1 otherwise, 2 on error (unreadable or malformed input).
//! - `commit --threshold FILE` (evaluators): the commitment to a threshold
//!   with a fresh salt, to register with an assessment. The threshold never
//!   goes to the server.
//! - `prove --assessment FILE --threshold FILE --salt-file FILE` (auditors):
//!   open the commitment and check the recorded designation against the
//!   recorded runs. Exit 0 proven, 1 refuted, 2 error.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use levee_model::Timestamp;
use levee_server::frontier::{self as logic, jws, Threshold};
use serde_json::{json, Value};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Verify a grant token offline.
    Verify(VerifyArgs),
    /// Commit to a threshold (evaluators): prints the commitment and salt.
    Commit(CommitArgs),
    /// Prove or refute a designation against its commitment (auditors).
    Prove(ProveArgs),
}

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The grant token, or a file holding it (or the JSON that
    /// `POST /api/v1/grants/{id}/token` returns), or `-` for stdin.
    pub grant: String,
    /// Public keys: the JWK Set from `/api/v1/audit/keys`, one JWK, or a
    /// bare base64url Ed25519 key.
    #[arg(long, value_name = "FILE")]
    pub public_key: PathBuf,
    /// The signed revocation list (`/api/v1/grants/revocations`: the JSON or
    /// its `list` JWS).
    #[arg(long, value_name = "FILE", requires = "max_age")]
    pub revocation_list: Option<PathBuf>,
    /// Refuse a revocation list older than this (e.g. `15m`, `1h`, `1d`).
    #[arg(long, value_name = "DURATION", requires = "revocation_list")]
    pub max_age: Option<String>,
    /// Verify as of this time (RFC 3339 or Unix seconds) instead of now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Print the verdict and the claims as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct CommitArgs {
    /// The threshold as JSON: `{"suite", "version", "tasks": {name: min}, "min_tasks_met"}`.
    #[arg(long, value_name = "FILE")]
    pub threshold: PathBuf,
    /// Use this salt (base64url, ≥ 16 bytes) instead of a fresh one.
    #[arg(long, value_name = "FILE")]
    pub salt_file: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct ProveArgs {
    /// The assessment as the API returns it to the assessor or government.
    #[arg(long, value_name = "FILE")]
    pub assessment: PathBuf,
    #[arg(long, value_name = "FILE")]
    pub threshold: PathBuf,
    /// The salt (base64url), kept by the evaluators.
    #[arg(long, value_name = "FILE")]
    pub salt_file: PathBuf,
}

pub fn run(c: Command) -> Result<u8> {
    match c {
        Command::Verify(a) => verify(a),
        Command::Commit(a) => commit(a),
        Command::Prove(a) => prove(a),
    }
}

fn read(p: &Path) -> Result<String> {
    if p == Path::new("-") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).context("reading stdin")?;
        return Ok(s);
    }
    std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))
}

/// A JWS given directly, or in a file (`-`: standard input), possibly
/// inside JSON under `field`. An existing file wins: `grant.v1.json` has
/// the shape of a JWS too.
fn jws_text(arg: &str, field: &str) -> Result<String> {
    let looks_like_jws = arg.split('.').count() == 3 && !arg.contains(['/', '\\', ' ']);
    let text = if arg == "-" || Path::new(arg).is_file() || !looks_like_jws {
        read(Path::new(arg))?
    } else {
        arg.to_string()
    };
    jws_in(&text, field)
}

/// The JWS in a file's text: the text itself, or JSON with it under `field`.
fn jws_in(text: &str, field: &str) -> Result<String> {
    let t = text.trim();
    if t.starts_with('{') {
        let v: Value = serde_json::from_str(t).context("not JSON")?;
        return v
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| anyhow!("the JSON has no {field:?} string"));
    }
    Ok(t.to_string())
}

fn parse_at(s: &str) -> Result<i64> {
    let t = s.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Ok(n);
    }
    Timestamp::parse_rfc3339(t)
        .map(Timestamp::secs)
        .map_err(|e| anyhow!("--at: {e}"))
}

fn verify(a: VerifyArgs) -> Result<u8> {
    let keys = jws::parse_public_keys(&read(&a.public_key)?)
        .with_context(|| format!("{}", a.public_key.display()))?;
    let token = jws_text(&a.grant, "token").context("the grant")?;
    let list = match &a.revocation_list {
        Some(p) => Some(
            jws_in(&read(p)?, "list")
                .with_context(|| format!("the revocation list {}", p.display()))?,
        ),
        None => None,
    };
    let max_age = match &a.max_age {
        Some(d) => logic::parse_duration(d).map_err(|e| anyhow!("--max-age: {e}"))?,
        None => 0,
    };
    let at = match &a.at {
        Some(s) => parse_at(s)?,
        None => Timestamp::from_micros(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_micros() as i64)
                .unwrap_or(0),
        )
        .secs(),
    };
    let v = logic::verify_grant(&token, &keys, list.as_deref().map(|l| (l, max_age)), at)
        .map_err(|e| anyhow!("{e}"))?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "verdict": v.verdict.text(),
                "at": at,
                "kid": v.kid,
                "claims": v.claims,
            }))?
        );
    } else {
        println!("{}", v.verdict.text());
        if let Some(c) = &v.claims {
            eprintln!(
                "grant {} for {} on model {} ({}), window {} .. {}",
                c.jti,
                c.sub,
                c.aud,
                c.audience,
                Timestamp::from_secs(c.nbf),
                Timestamp::from_secs(c.exp)
            );
        }
    }
    Ok(if v.verdict == logic::Verdict::Valid {
        crate::EXIT_OK
    } else {
        crate::EXIT_FINDING
    })
}

fn threshold(p: &Path) -> Result<Threshold> {
    serde_json::from_str(&read(p)?).with_context(|| format!("{}: not a threshold", p.display()))
}

fn commit(a: CommitArgs) -> Result<u8> {
    let th = threshold(&a.threshold)?;
    let salt = match &a.salt_file {
        Some(p) => read(p)?.trim().to_string(),
        None => logic::new_salt(),
    };
    let c = logic::commitment(&th, &salt).map_err(|e| anyhow!("{e}"))?;
    println!(
        "{}",
        serde_json::to_string_pretty(&json!({"commitment": c, "salt": salt}))?
    );
    Ok(crate::EXIT_OK)
}

fn prove(a: ProveArgs) -> Result<u8> {
    let assessment: Value = serde_json::from_str(&read(&a.assessment)?)
        .with_context(|| format!("{}: not JSON", a.assessment.display()))?;
    let th = threshold(&a.threshold)?;
    let salt = read(&a.salt_file)?;
    let p = logic::prove_designation(&assessment, &th, salt.trim()).map_err(|e| anyhow!("{e}"))?;
    println!("{}", serde_json::to_string_pretty(&p)?);
    Ok(if p.proven {
        crate::EXIT_OK
    } else {
        crate::EXIT_FINDING
    })
}
