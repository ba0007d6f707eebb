//! Exit codes and messages of the standalone `levee-scan` binary. Its
//! reports are checked against `levee scan`'s, byte for byte, by every
//! `--advisories` test in `scan_cli.rs`.

use std::path::Path;
use std::process::Command;

fn levee_scan(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_levee-scan"))
        .args(args)
        .env_remove("LEVEE_DATA_DIR")
        .env_remove("LEVEE_DATABASE_URL")
        .output()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, rel: &str, text: &str) -> String {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
    p.to_str()
        .unwrap_or_else(|| panic!("non-UTF-8 path"))
        .to_string()
}

const SMALLVEC_MD: &str = "```toml\n[advisory]\nid = \"RUSTSEC-2021-0003\"\npackage = \"smallvec\"\ndate = \"2021-01-08\"\n\n[versions]\npatched = [\">= 1.6.1\"]\n```\n\n# Buffer overflow in SmallVec::insert_many\n\nDetails.\n";

fn lock(version: &str) -> String {
    format!(
        "version = 3\n\n[[package]]\nname = \"smallvec\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
    )
}

#[test]
fn exit_codes_clean_vulnerable_and_error() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        t.path(),
        "db/crates/smallvec/RUSTSEC-2021-0003.md",
        SMALLVEC_MD,
    );
    let db = t.path().join("db");
    let db = db.to_str().unwrap_or_else(|| panic!("path"));
    let bad = write(t.path(), "bad/Cargo.lock", &lock("1.6.0"));
    let good = write(t.path(), "good/Cargo.lock", &lock("1.6.1"));

    let (code, out, err) = levee_scan(&["--advisories", db, &bad, "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["findings"][0]["id"], "RUSTSEC-2021-0003", "{out}");
    assert_eq!(v["findings"][0]["smallest_fix"], "1.6.1", "{out}");

    let (code, out, err) = levee_scan(&["--advisories", db, &good]);
    assert_eq!(code, 0, "{err}\n{out}");

    let missing = t.path().join("nope/Cargo.lock");
    let (code, _, err) = levee_scan(&["--advisories", db, missing.to_str().unwrap_or("")]);
    assert_eq!(code, 2);
    assert!(err.contains("nope"), "{err}");
}

/// The standalone binary has no knowledge base: without `--advisories` it
/// says what to pass instead of looking for a data directory.
#[test]
fn without_advisories_it_says_to_pass_them() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let good = write(t.path(), "Cargo.lock", &lock("1.6.1"));
    let (code, out, err) = levee_scan(&[&good]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("--advisories"), "{err}");
    assert!(err.contains("levee scan"), "{err}");
    // Said before any input is read: a missing input is not the complaint.
    let (code, _, err) = levee_scan(&[t.path().join("missing.lock").to_str().unwrap_or("")]);
    assert_eq!(code, 2);
    assert!(err.contains("--advisories"), "{err}");
}

/// Messages about an input name the binary that printed them.
#[test]
fn input_errors_name_levee_scan() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        t.path(),
        "db/crates/smallvec/RUSTSEC-2021-0003.md",
        SMALLVEC_MD,
    );
    let db = t.path().join("db");
    let bad = write(t.path(), "bad/package-lock.json", "{\"lockfileVersion\": ");
    let (code, _, err) = levee_scan(&[
        "--advisories",
        db.to_str().unwrap_or(""),
        &bad,
        "--format",
        "json",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("levee-scan: "), "{err}");
}

#[test]
fn usage_errors_exit_2_and_version_exits_0() {
    let (code, _, err) = levee_scan(&["--no-such-flag"]);
    assert_eq!(code, 2, "{err}");
    let (code, out, _) = levee_scan(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("levee-scan "), "{out}");
}
