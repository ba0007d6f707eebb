//! Acceptance tests for `levee grant verify|commit|prove`: every verdict
//! with its exit code, under a fixed `--at` time.

use std::path::PathBuf;
use std::process::Command;

use base64::Engine;
use ed25519_dalek::SigningKey;
use levee_server::frontier::{self as logic, GrantClaims, RevocationList, Revoked};
use serde_json::{json, Value};

const NBF: i64 = 1_900_000_000;
const EXP: i64 = NBF + 30 * 86_400;

fn levee(args: &[&str]) -> (u8, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_levee"))
        .args(args)
        .output()
        .expect("run levee");
    (
        out.status.code().expect("exit code") as u8,
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

struct Fx {
    dir: tempfile::TempDir,
    key: SigningKey,
}

impl Fx {
    fn new() -> Fx {
        let fx = Fx {
            dir: tempfile::tempdir().unwrap(),
            key: SigningKey::from_bytes(&[7; 32]),
        };
        let x = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(fx.key.verifying_key().as_bytes());
        fx.write(
            "keys.json",
            &json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "kid": "sig_1", "x": x}]})
                .to_string(),
        );
        let other = SigningKey::from_bytes(&[8; 32]);
        let y = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(other.verifying_key().as_bytes());
        fx.write(
            "wrong.json",
            &json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "sig_1", "x": y}]})
                .to_string(),
        );
        fx
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn write(&self, name: &str, text: &str) -> String {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }
    fn token(&self, jti: &str) -> String {
        let claims = GrantClaims {
            iss: "levee".into(),
            sub: "org_gov".into(),
            jti: jti.into(),
            aud: "mdl_1".into(),
            iat: NBF - 86_400,
            nbf: NBF,
            exp: EXP,
            audience: "government".into(),
            model: json!({"id": "mdl_1", "name": "M", "version": "1"}),
            terms: vec![],
        };
        logic::sign_grant(&self.key, "sig_1", &claims)
    }
    fn list(&self, name: &str, iat: i64, revoked: &[&str]) -> String {
        let l = RevocationList {
            iss: "levee".into(),
            iat,
            revoked: revoked
                .iter()
                .map(|j| Revoked {
                    jti: (*j).into(),
                    revoked_at: iat - 10,
                })
                .collect(),
        };
        // As served: JSON with the JWS under "list".
        let jws = logic::sign_revocations(&self.key, "sig_1", &l);
        self.write(name, &json!({"list": jws, "kid": "sig_1"}).to_string())
    }
    fn keys(&self) -> String {
        self.path("keys.json").to_string_lossy().into_owned()
    }
}

fn verify(fx: &Fx, grant: &str, extra: &[&str]) -> (u8, String, String) {
    let keys = fx.keys();
    let mut args = vec!["grant", "verify", grant, "--public-key", keys.as_str()];
    args.extend_from_slice(extra);
    levee(&args)
}

#[test]
fn every_verdict_and_its_exit_code() {
    let fx = Fx::new();
    let tok = fx.token("grt_a");
    let tok_file = fx.write("grant.json", &json!({"token": tok}).to_string());
    let t = |s: i64| s.to_string();
    let fresh = fx.list("fresh.json", NBF + 100, &["grt_other"]);
    let revoking = fx.list("revoking.json", NBF + 100, &["grt_a"]);
    let tampered = {
        let p: Vec<&str> = tok.split('.').collect();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut v: Value = serde_json::from_slice(&b64.decode(p[1]).unwrap()).unwrap();
        v["sub"] = json!("org_attacker");
        format!("{}.{}.{}", p[0], b64.encode(v.to_string()), p[2])
    };
    let wrong = fx.path("wrong.json").to_string_lossy().into_owned();
    let cases: Vec<(&str, String, Vec<String>, u8, &str)> = vec![
        (
            "valid",
            tok.clone(),
            vec!["--at".into(), t(NBF + 1)],
            0,
            "valid",
        ),
        (
            "valid from a file with a list",
            tok_file.clone(),
            vec![
                "--revocation-list".into(),
                fresh.clone(),
                "--max-age".into(),
                "1h".into(),
                "--at".into(),
                t(NBF + 200),
            ],
            0,
            "valid",
        ),
        (
            "valid at an RFC 3339 time",
            tok.clone(),
            vec!["--at".into(), "2030-03-17T17:46:41Z".into()],
            0,
            "valid",
        ),
        (
            "not yet valid",
            tok.clone(),
            vec!["--at".into(), t(NBF - 1)],
            1,
            "not yet valid",
        ),
        (
            "expired",
            tok.clone(),
            vec!["--at".into(), t(EXP)],
            1,
            "expired",
        ),
        (
            "revoked",
            tok.clone(),
            vec![
                "--revocation-list".into(),
                revoking.clone(),
                "--max-age".into(),
                "1h".into(),
                "--at".into(),
                t(NBF + 200),
            ],
            1,
            "revoked",
        ),
        (
            "stale revocation list",
            tok.clone(),
            vec![
                "--revocation-list".into(),
                fresh.clone(),
                "--max-age".into(),
                "15m".into(),
                "--at".into(),
                t(NBF + 100 + 901),
            ],
            1,
            "stale revocation list",
        ),
        (
            "tampered payload",
            tampered,
            vec!["--at".into(), t(NBF + 1)],
            1,
            "bad signature",
        ),
    ];
    for (what, grant, extra, code, text) in cases {
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let (c, out, err) = verify(&fx, &grant, &extra);
        assert_eq!((c, out.trim()), (code, text), "{what}: stderr {err}");
    }
    // Wrong key.
    let (c, out, _) = levee(&[
        "grant",
        "verify",
        &tok,
        "--public-key",
        &wrong,
        "--at",
        &t(NBF + 1),
    ]);
    assert_eq!((c, out.trim()), (1, "bad signature"));
    // A revocation list signed by another key.
    let other = Fx::new();
    let (c, out, _) = {
        let forged = Fx {
            dir: tempfile::tempdir().unwrap(),
            key: SigningKey::from_bytes(&[9; 32]),
        };
        let l = forged.list("l.json", NBF + 100, &[]);
        drop(other);
        verify(
            &fx,
            &tok,
            &[
                "--revocation-list",
                &l,
                "--max-age",
                "1h",
                "--at",
                &t(NBF + 200),
            ],
        )
    };
    assert_eq!((c, out.trim()), (1, "bad signature (revocation list)"));
    // --json carries the claims.
    let (c, out, _) = verify(&fx, &tok, &["--at", &t(NBF + 1), "--json"]);
    assert_eq!(c, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["verdict"], "valid");
    assert_eq!(v["claims"]["jti"], "grt_a");
}

#[test]
fn errors_exit_2() {
    let fx = Fx::new();
    let tok = fx.token("grt_a");
    let garbage = fx.write("garbage.txt", "not a token at all");
    let bad_key = fx.write("bad-key.json", r#"{"kty":"RSA"}"#);
    let missing = fx.path("missing.json").to_string_lossy().into_owned();
    let fresh = fx.list("fresh.json", NBF, &[]);
    let keys = fx.keys();
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "malformed token",
            vec!["grant", "verify", "a.b", "--public-key", &keys],
        ),
        (
            "unreadable token file",
            vec!["grant", "verify", &garbage, "--public-key", &keys],
        ),
        (
            "missing key file",
            vec!["grant", "verify", &tok, "--public-key", &missing],
        ),
        (
            "bad key",
            vec!["grant", "verify", &tok, "--public-key", &bad_key],
        ),
        (
            "bad duration",
            vec![
                "grant",
                "verify",
                &tok,
                "--public-key",
                &keys,
                "--revocation-list",
                &fresh,
                "--max-age",
                "soon",
            ],
        ),
        (
            "max-age without a list",
            vec![
                "grant",
                "verify",
                &tok,
                "--public-key",
                &keys,
                "--max-age",
                "1h",
            ],
        ),
        (
            "list without max-age",
            vec![
                "grant",
                "verify",
                &tok,
                "--public-key",
                &keys,
                "--revocation-list",
                &fresh,
            ],
        ),
        (
            "bad time",
            vec![
                "grant",
                "verify",
                &tok,
                "--public-key",
                &keys,
                "--at",
                "yesterday",
            ],
        ),
        (
            "a grant as the list",
            vec![
                "grant",
                "verify",
                &tok,
                "--public-key",
                &keys,
                "--revocation-list",
                &tok,
                "--max-age",
                "1h",
                "--at",
                "1900000000",
            ],
        ),
    ];
    for (what, args) in cases {
        let (c, out, err) = levee(&args);
        assert_eq!(c, 2, "{what}: stdout {out} stderr {err}");
        assert!(!err.trim().is_empty(), "{what}: says why");
    }
}

#[test]
fn commit_then_prove() {
    let fx = Fx::new();
    let th = fx.write(
        "threshold.json",
        &json!({"suite": "cyber-range", "version": "3", "tasks": {"exploit": 0.7, "recon": 0.95}, "min_tasks_met": 1})
            .to_string(),
    );
    let (c, out, err) = levee(&["grant", "commit", "--threshold", &th]);
    assert_eq!(c, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let commitment = v["commitment"].as_str().unwrap().to_string();
    assert!(logic::is_commitment(&commitment));
    let salt = fx.write("salt", v["salt"].as_str().unwrap());
    // The same salt reproduces the commitment.
    let (_, again, _) = levee(&["grant", "commit", "--threshold", &th, "--salt-file", &salt]);
    assert_eq!(
        serde_json::from_str::<Value>(&again).unwrap()["commitment"],
        commitment.as_str()
    );
    let assessment = |covered: bool, score: f64| {
        json!({"commitment": commitment, "designation": {"covered": covered},
            "runs": [{"suite": "cyber-range", "version": "3",
                "tasks": [{"task": "exploit", "score": score, "classified": true}]}]})
        .to_string()
    };
    let ok = fx.write("a1.json", &assessment(true, 0.75));
    let (c, out, _) = levee(&[
        "grant",
        "prove",
        "--assessment",
        &ok,
        "--threshold",
        &th,
        "--salt-file",
        &salt,
    ]);
    assert_eq!(c, 0, "{out}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["proven"], true);
    let refuted = fx.write("a2.json", &assessment(true, 0.65));
    let (c, out, _) = levee(&[
        "grant",
        "prove",
        "--assessment",
        &refuted,
        "--threshold",
        &th,
        "--salt-file",
        &salt,
    ]);
    assert_eq!(c, 1, "{out}");
    let other_salt = fx.write("salt2", &logic::new_salt());
    let (c, out, _) = levee(&[
        "grant",
        "prove",
        "--assessment",
        &ok,
        "--threshold",
        &th,
        "--salt-file",
        &other_salt,
    ]);
    assert_eq!(c, 1);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["commitment_matches"],
        false
    );
    let bad = fx.write("bad-threshold.json", r#"{"suite": "x"}"#);
    let (c, _, _) = levee(&["grant", "commit", "--threshold", &bad]);
    assert_eq!(c, 2);
}

/// A grant and a revocation list in files whose bare names have the shape
/// of a JWS (`grant.v1.txt`): the files are read, not taken as tokens.
#[test]
fn bare_file_names_with_dots_are_files() {
    let fx = Fx::new();
    let tok = fx.token("grt_a");
    fx.write("grant.v1.txt", &tok);
    let list = fx.list("revoked.v1.json", NBF + 100, &["grt_a"]);
    let list_name = std::path::Path::new(&list)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let keys = fx.keys();
    let run = |extra: &[&str]| {
        let mut args = vec!["grant", "verify", "grant.v1.txt", "--public-key", &keys];
        args.extend_from_slice(extra);
        let out = Command::new(env!("CARGO_BIN_EXE_levee"))
            .args(&args)
            .current_dir(fx.dir.path())
            .output()
            .expect("run levee");
        (
            out.status.code().expect("exit code"),
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (c, out, err) = run(&["--at", &(NBF + 1).to_string()]);
    assert_eq!((c, out.as_str()), (0, "valid"), "{err}");
    let (c, out, err) = run(&[
        "--revocation-list",
        &list_name,
        "--max-age",
        "1h",
        "--at",
        &(NBF + 200).to_string(),
    ]);
    assert_eq!((c, out.as_str()), (1, "revoked"), "{err}");
}
