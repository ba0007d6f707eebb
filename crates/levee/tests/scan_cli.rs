//! Acceptance tests for `levee scan` and the standalone `levee-scan`
//! (exit codes: 0 clean, 1 vulnerable, 2 error), and the differential test
//! against cargo-audit 0.22:
//!
//! - recorded: `tests/fixtures/cargo-audit/<lockfile>.ids` hold the RustSec
//!   ids cargo-audit reported (written by `bench/scan_vs_cargo_audit.py
//!   record`); levee must report exactly those. Runs everywhere (needs
//!   `../shared/data`).
//! - live: when a `cargo-audit` binary is found (`LEVEE_CARGO_AUDIT`, or
//!   `cargo-audit` on `PATH`) both tools run on the same files; otherwise
//!   the test prints SKIPPED.

#[path = "scan_cli/gen.rs"]
mod gen;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn levee(args: &[&str]) -> (i32, String, String) {
    levee_env(args, &[])
}

/// Run `levee ARGS`. A `levee scan --advisories ...` is also run as the
/// standalone `levee-scan ...` (the same code without the server), which
/// must exit with the same code and, for JSON, print the same bytes.
fn levee_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let got = run(Path::new(env!("CARGO_BIN_EXE_levee")), args, env);
    if args.first() == Some(&"scan") && args.contains(&"--advisories") {
        let alone = run(Path::new(env!("CARGO_BIN_EXE_levee-scan")), &args[1..], env);
        assert_eq!(alone.0, got.0, "levee-scan {:?}: {}", &args[1..], alone.2);
        if args.windows(2).any(|w| w == ["--format", "json"]) || args.contains(&"--format=json") {
            assert!(
                alone.1 == got.1,
                "levee-scan {:?} printed another report",
                &args[1..]
            );
        }
    }
    got
}

fn run(bin: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(bin)
        .args(args)
        .envs(env.iter().copied())
        .env_remove("LEVEE_DATA_DIR")
        .env_remove("LEVEE_DATABASE_URL")
        .env_remove("LEVEE_CONFIG")
        .output()
        .unwrap_or_else(|e| panic!("spawn {}: {e}", bin.display()));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap_or_else(|| panic!("non-UTF-8 path"))
}

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

// ---------------------------------------------------------------------------
// Small hand-written advisories

const OSV_ADVISORIES: &str = r#"{"id":"GHSA-aaaa-bbbb-cccc","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-0001"],"summary":"left-pad eats input","affected":[{"package":{"ecosystem":"npm","name":"left-pad"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.1.0"},{"introduced":"1.2.0"},{"fixed":"1.3.1"}]}]}],"references":[{"type":"ADVISORY","url":"https://example.invalid/a"}],"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}
{"id":"PYSEC-2024-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-0002"],"affected":[{"package":{"ecosystem":"PyPI","name":"Django_Stuff"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0.1"}]}]}]}
{"id":"GHSA-wwww-wwww-wwww","modified":"2024-01-01T00:00:00Z","withdrawn":"2024-02-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"left-pad"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}
"#;

const SMALLVEC_MD: &str = "```toml\n[advisory]\nid = \"RUSTSEC-2021-0003\"\npackage = \"smallvec\"\ndate = \"2021-01-08\"\naliases = [\"CVE-2021-25900\"]\n\n[versions]\npatched = [\">= 0.6.14, < 1.0.0\", \">= 1.6.1\"]\nunaffected = [\"< 0.6.3\"]\n```\n\n# Buffer overflow in SmallVec::insert_many\n\nDetails.\n";

const UNMAINTAINED_MD: &str = "```toml\n[advisory]\nid = \"RUSTSEC-2020-0036\"\npackage = \"failure\"\ndate = \"2020-05-02\"\ninformational = \"unmaintained\"\n\n[versions]\npatched = []\n```\n\n# failure is officially deprecated/unmaintained\n\nDetails.\n";

const WITHDRAWN_MD: &str = "```toml\n[advisory]\nid = \"RUSTSEC-2020-0999\"\npackage = \"smallvec\"\ndate = \"2020-05-02\"\nwithdrawn = \"2020-06-01\"\n\n[versions]\npatched = []\n```\n\n# withdrawn\n\nDetails.\n";

const TOOLCHAIN_MD: &str = "```toml\n[advisory]\nid = \"CVE-2018-1000657\"\npackage = \"std\"\ndate = \"2018-08-21\"\n\n[versions]\npatched = [\">= 1.22.0\"]\n```\n\n# toolchain bug\n\nDetails.\n";

fn advisory_db(dir: &Path) -> PathBuf {
    let db = dir.join("advisory-db");
    write(&db, "crates/smallvec/RUSTSEC-2021-0003.md", SMALLVEC_MD);
    write(&db, "crates/failure/RUSTSEC-2020-0036.md", UNMAINTAINED_MD);
    write(&db, "crates/smallvec/RUSTSEC-2020-0999.md", WITHDRAWN_MD);
    write(&db, "rust/std/CVE-2018-1000657.md", TOOLCHAIN_MD);
    write(&db, "README.md", "# not an advisory\n");
    db
}

const CRATES_IO: &str = "registry+https://github.com/rust-lang/crates.io-index";

fn cargo_lock(pkgs: &[(&str, &str, Option<&str>)]) -> String {
    let mut out = String::from("version = 3\n");
    for (n, v, src) in pkgs {
        out.push_str(&format!(
            "\n[[package]]\nname = \"{n}\"\nversion = \"{v}\"\n"
        ));
        if let Some(src) = src {
            out.push_str(&format!("source = \"{src}\"\n"));
        }
    }
    out
}

#[test]
fn rustsec_db_matches_like_cargo_audit() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = advisory_db(t.path());
    let lock = write(
        t.path(),
        "app/Cargo.lock",
        &cargo_lock(&[
            ("smallvec", "1.6.0", Some(CRATES_IO)),
            ("smallvec", "0.6.13", Some(CRATES_IO)),
            ("smallvec", "0.6.2", Some(CRATES_IO)),
            ("smallvec", "0.6.14", Some(CRATES_IO)),
            ("failure", "0.1.8", Some(CRATES_IO)),
            // not from crates.io: never checked (cargo-audit doesn't either)
            ("smallvec", "1.0.0", Some("git+https://github.com/servo/rust-smallvec#0123456789abcdef0123456789abcdef01234567")),
            ("smallvec", "1.1.0", None),
            ("smallvec", "1.2.0", Some("registry+https://example.invalid/index")),
            // toolchain advisories never match crates
            ("std", "1.0.0", Some(CRATES_IO)),
        ]),
    );
    let (code, out, err) = levee(&["scan", "--advisories", s(&db), s(&lock), "--format", "json"]);
    assert_eq!(code, 1, "{err}\n{out}");
    let v = parse_json(&out);
    let findings = v["findings"].as_array().cloned().unwrap_or_default();
    let got: BTreeSet<(String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["version"].as_str().unwrap_or("").to_string(),
                f["id"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String)> = [
        ("1.6.0", "RUSTSEC-2021-0003"),
        ("0.6.13", "RUSTSEC-2021-0003"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want, "{out}");
    let f = findings
        .iter()
        .find(|f| f["version"] == "1.6.0")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(f["package"], "smallvec");
    assert_eq!(f["ecosystem"], "crates.io");
    assert_eq!(f["aliases"], serde_json::json!(["CVE-2021-25900"]));
    assert_eq!(f["fixed_versions"], serde_json::json!(["0.6.14", "1.6.1"]));
    assert_eq!(f["smallest_fix"], "1.6.1");
    assert_eq!(f["line"], 3);
    let old = findings
        .iter()
        .find(|f| f["version"] == "0.6.13")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(old["smallest_fix"], "0.6.14");
    // informational advisories are warnings, as in cargo-audit
    let warnings = v["warnings"].as_array().cloned().unwrap_or_default();
    assert_eq!(warnings.len(), 1, "{out}");
    assert_eq!(warnings[0]["id"], "RUSTSEC-2020-0036");
    assert_eq!(warnings[0]["kind"], "unmaintained");
    assert_eq!(v["summary"]["findings"], 2);
    assert_eq!(v["inputs"][0]["not_checked"], 3);
    // crates/smallvec (2) and crates/failure (1) are read; rust/std is not
    // (toolchain advisories never match a package).
    assert_eq!(v["advisories"]["loaded"], 3, "{out}");
    assert_eq!(v["advisories"]["package_dirs_skipped"], 1, "{out}");
}

/// Cargo writes crates.io packages as `registry+https://github.com/rust-lang/
/// crates.io-index` even over the sparse protocol, but a lockfile may say
/// `sparse+https://index.crates.io/`. Those are crates.io packages and levee
/// checks them. cargo-audit 0.22 does not (its advisory query compares the
/// source kind, Registry vs SparseRegistry, and drops them): the one
/// deliberate divergence, confirmed live when cargo-audit is present.
#[test]
fn sparse_crates_io_source_is_checked() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = advisory_db(t.path());
    let lock = write(
        t.path(),
        "Cargo.lock",
        &cargo_lock(&[("smallvec", "1.6.0", Some("sparse+https://index.crates.io/"))]),
    );
    let (code, out, err) = levee(&["scan", "--advisories", s(&db), s(&lock), "--format", "json"]);
    assert_eq!(code, 1, "{err}\n{out}");
    assert_eq!(parse_json(&out)["findings"][0]["id"], "RUSTSEC-2021-0003");
    if let Some(bin) = cargo_audit_bin() {
        assert_eq!(
            cargo_audit_ids(&bin, &db, &lock),
            BTreeSet::new(),
            "cargo-audit now checks sparse crates.io sources: drop this divergence note"
        );
    }
}

#[test]
fn informational_only_is_exit_0_and_clean_is_exit_0() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = advisory_db(t.path());
    let lock = write(
        t.path(),
        "Cargo.lock",
        &cargo_lock(&[
            ("failure", "0.1.8", Some(CRATES_IO)),
            ("smallvec", "1.6.1", Some(CRATES_IO)),
        ]),
    );
    let (code, out, err) = levee(&["scan", "--advisories", s(&db), s(&lock)]);
    assert_eq!(code, 0, "{err}\n{out}");
    assert!(
        out.contains("RUSTSEC-2020-0036") && out.contains("unmaintained"),
        "{out}"
    );
    assert!(out.contains("0 vulnerabilities"), "{out}");
}

#[test]
fn osv_jsonl_directory_walk_and_pypi_normalisation() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let adv = write(t.path(), "advisories/all.jsonl", OSV_ADVISORIES);
    let proj = t.path().join("proj");
    write(
        &proj,
        "web/package-lock.json",
        r#"{"name":"x","version":"1.0.0","lockfileVersion":3,"packages":{"":{"name":"x","version":"1.0.0"},"node_modules/left-pad":{"version":"1.2.5"}}}"#,
    );
    write(
        &proj,
        "py/requirements.txt",
        "django-stuff==2.0.0\nrequests>=2\n",
    );
    // skipped directories
    write(&proj, "node_modules/dep/package-lock.json", "{ not json");
    write(&proj, "target/debug/Cargo.lock", "garbage");
    write(&proj, ".git/Cargo.lock", "garbage");
    let (code, out, err) = levee(&[
        "scan",
        "--advisories",
        s(&adv),
        s(&proj),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}\n{out}");
    let v = parse_json(&out);
    let mut got: Vec<(String, String, String, String)> = v["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| {
            (
                f["ecosystem"].as_str().unwrap_or("").into(),
                f["package"].as_str().unwrap_or("").into(),
                f["id"].as_str().unwrap_or("").into(),
                f["smallest_fix"].as_str().unwrap_or("-").into(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (
                "PyPI".into(),
                "django-stuff".into(),
                "PYSEC-2024-1".into(),
                "2.0.1".into()
            ),
            (
                "npm".into(),
                "left-pad".into(),
                "GHSA-aaaa-bbbb-cccc".into(),
                "1.3.1".into()
            ),
        ],
        "{out}"
    );
    assert_eq!(v["inputs"].as_array().map(Vec::len), Some(2), "{out}");
    assert_eq!(v["errors"], serde_json::json!([]));
}

/// `--lockfile FORMAT:PATH` (`-L`, as osv-scanner's) reads a file whose
/// name says nothing; without it such a file is an error that says how to
/// name its format, once with its file name.
#[test]
fn lockfile_flag_names_the_format_of_an_oddly_named_file() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let adv = write(t.path(), "advisories/all.jsonl", OSV_ADVISORIES);
    let prod = write(t.path(), "deps/prod.txt", "django-stuff==2.0.0\n");
    let forced = format!("requirements.txt:{}", s(&prod));
    let (code, out, err) = levee(&[
        "scan",
        "--advisories",
        s(&adv),
        "-L",
        &forced,
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}\n{out}");
    let v = parse_json(&out);
    assert_eq!(v["findings"][0]["id"], "PYSEC-2024-1", "{out}");
    assert_eq!(v["findings"][0]["file"], s(&prod), "{out}");
    // By name alone it is not recognised: exit 2, with the way out.
    let (code, out, err) = levee(&[
        "scan",
        "--advisories",
        s(&adv),
        s(&prod),
        "--format",
        "json",
    ]);
    assert_eq!(code, 2, "{err}\n{out}");
    let v = parse_json(&out);
    let reason = v["errors"][0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("--lockfile FORMAT:PATH"), "{out}");
    assert!(!reason.contains(s(&prod)), "file named twice: {out}");
    // A format that does not exist, and a missing FORMAT: usage errors.
    for bad in [
        format!("requirements.text:{}", s(&prod)),
        s(&prod).to_string(),
    ] {
        let (code, _, err) = levee(&["scan", "--advisories", s(&adv), "-L", &bad]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("FORMAT:PATH"), "{bad}: {err}");
    }
    let (code, _, err) = levee(&["scan", "--advisories", s(&adv), "-L", "requirements.text:x"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("requirements.txt, uv.lock"), "{err}");
    // The table lists a file's skipped lines under its heading, without
    // naming the file again.
    let bad = write(t.path(), "deps/dev.txt", "asdf==\nleft-pad==1.0\n");
    let forced = format!("requirements.txt:{}", s(&bad));
    let (code, out, err) = levee(&["scan", "--advisories", s(&adv), "-L", &forced]);
    assert_eq!(code, 0, "{err}\n{out}");
    let skipped: Vec<&str> = out.lines().filter(|l| l.contains("skipped:")).collect();
    assert_eq!(skipped.len(), 1, "{out}");
    assert!(skipped[0].starts_with("  skipped: line 1: "), "{out}");
    assert!(
        out.contains("dev.txt (requirements.txt): 1 package, 1 checked\n"),
        "{out}"
    );
}

/// Each vulnerable package gets one upgrade that fixes all its
/// vulnerabilities without bringing in an advisory it does not have yet:
/// here 1.3.1 still has one of them and 1.4.0 brings in GHSA-3333, so the
/// way out is 1.5.0. With no such version the upgrade says so.
#[test]
fn one_upgrade_per_vulnerable_package() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let adv = |id: &str, events: &str| {
        format!(
            r#"{{"id":"{id}","modified":"2024-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"npm","name":"left-pad"}},"ranges":[{{"type":"SEMVER","events":[{events}]}}]}}]}}"#
        )
    };
    let db = [
        adv(
            "GHSA-1111-1111-1111",
            r#"{"introduced":"0"},{"fixed":"1.3.1"}"#,
        ),
        adv(
            "GHSA-2222-2222-2222",
            r#"{"introduced":"0"},{"fixed":"1.4.0"}"#,
        ),
        adv(
            "GHSA-3333-3333-3333",
            r#"{"introduced":"1.3.5"},{"fixed":"1.5.0"}"#,
        ),
    ]
    .join("\n");
    let adv_path = write(t.path(), "advisories/all.jsonl", &db);
    let lock = |v: &str| {
        format!(
            r#"{{"name":"x","version":"1.0.0","lockfileVersion":3,"packages":{{"":{{"name":"x","version":"1.0.0"}},"node_modules/left-pad":{{"version":"{v}"}},"node_modules/y/node_modules/left-pad":{{"version":"{v}"}}}}}}"#
        )
    };
    // left-pad 1.2.5 twice in one file: one upgrade, as one set of findings.
    let proj = write(t.path(), "a/package-lock.json", &lock("1.2.5"));
    let (code, out, err) = levee(&[
        "scan",
        "--advisories",
        s(&adv_path),
        s(&proj),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}\n{out}");
    let v = parse_json(&out);
    let ups = v["upgrades"].as_array().cloned().unwrap_or_default();
    assert_eq!(ups.len(), 1, "{out}");
    assert_eq!(ups[0]["package"], "left-pad");
    assert_eq!(ups[0]["version"], "1.2.5");
    assert_eq!(ups[0]["to"], "1.5.0", "{out}");
    assert_eq!(
        ups[0]["fixes"],
        serde_json::json!(["GHSA-1111-1111-1111", "GHSA-2222-2222-2222"])
    );
    let (_, table, _) = levee(&["scan", "--advisories", s(&adv_path), s(&proj)]);
    assert!(
        table.contains(" upgrades:\n  left-pad 1.2.5 -> 1.5.0 (fixes 2 vulnerabilities)\n"),
        "{table}"
    );
    // GHSA-4444 affects 1.4.5 and later and has no fix: 1.5.0 brings it
    // in, so no single upgrade fixes both.
    let db = format!(
        "{db}\n{}",
        adv("GHSA-4444-4444-4444", r#"{"introduced":"1.4.5"}"#)
    );
    let adv_path = write(t.path(), "advisories/all.jsonl", &db);
    let (code, out, err) = levee(&[
        "scan",
        "--advisories",
        s(&adv_path),
        s(&proj),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}\n{out}");
    let v = parse_json(&out);
    assert_eq!(v["upgrades"][0]["to"], serde_json::Value::Null, "{out}");
    let (_, table, _) = levee(&["scan", "--advisories", s(&adv_path), s(&proj)]);
    assert!(
        table.contains("  left-pad 1.2.5: no known version fixes all 2 vulnerabilities"),
        "{table}"
    );
}

/// The table's advisory note tells the advisories not read from the
/// problems of advisories that were read: a range of a type OSV does not
/// define is a problem, but its advisory is loaded and still matches.
#[test]
fn advisory_note_counts_unread_advisories_apart_from_problems() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let unknown = r#"{"id":"GHSA-uuuu-uuuu-uuuu","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"left-pad"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.3.1"}]},{"type":"GIT_TAGS","events":[{"introduced":"v1"}]}]}]}"#;
    write(t.path(), "advisories/kept.json", unknown);
    write(t.path(), "advisories/broken.json", "{ not an advisory");
    let proj = t.path().join("proj");
    write(
        &proj,
        "package-lock.json",
        r#"{"name":"x","version":"1.0.0","lockfileVersion":3,"packages":{"":{"name":"x","version":"1.0.0"},"node_modules/left-pad":{"version":"1.2.5"}}}"#,
    );
    let adv = t.path().join("advisories");
    let (code, out, err) = levee(&["scan", "--advisories", s(&adv), s(&proj)]);
    assert_eq!(code, 1, "{err}\n{out}");
    // The advisory with the unknown range was read and matched.
    assert!(out.contains("GHSA-uuuu-uuuu-uuuu"), "{out}");
    let (_, json_out, _) = levee(&[
        "scan",
        "--advisories",
        s(&adv),
        s(&proj),
        "--format",
        "json",
    ]);
    let v = parse_json(&json_out);
    let problems = v["advisories"]["problems"].as_array().map_or(0, Vec::len);
    assert_eq!(problems, 2, "{json_out}");
    // Two problems, of which one advisory could not be read.
    let note = out
        .lines()
        .find(|l| l.starts_with("note:") && l.contains("advisor"))
        .unwrap_or_else(|| panic!("no advisory note: {out}"));
    assert!(
        note.contains("1 advisory file or record could not be read"),
        "{note}"
    );
    assert!(note.contains("2 advisory problems"), "{note}");
}

#[test]
fn errors_exit_2_with_file_and_reason() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = advisory_db(t.path());
    let bad = write(
        t.path(),
        "bad/package-lock.json",
        "{\"lockfileVersion\": 3, \"packages\": [1,",
    );
    let (code, out, err) = levee(&["scan", "--advisories", s(&db), s(&bad), "--format", "json"]);
    assert_eq!(code, 2, "{err}\n{out}");
    let v = parse_json(&out);
    let e = &v["errors"][0];
    assert!(
        e["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("package-lock.json")),
        "{out}"
    );
    assert!(
        e["reason"].as_str().is_some_and(|r| r.contains("line")),
        "{out}"
    );
    // a missing advisory path, a missing input, no knowledge base
    let (code, _, err) = levee(&["scan", "--advisories", "/nonexistent/db", s(&bad)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("/nonexistent/db"), "{err}");
    let (code, _, err) = levee(&["scan", "--advisories", s(&db), "/nonexistent/Cargo.lock"]);
    assert_eq!(code, 2, "{err}");
    let empty = t.path().join("empty-data");
    let (code, _, err) = levee(&["scan", "--data-dir", s(&empty), s(&bad)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--advisories"), "{err}");
    // unknown format flag
    let (code, _, _) = levee(&["scan", "--format", "xml", s(&bad)]);
    assert_eq!(code, 2);
}

fn vulnerable_project(t: &Path) -> (PathBuf, PathBuf) {
    let db = advisory_db(t);
    let lock = write(
        t,
        "app dir/Cargo.lock",
        &cargo_lock(&[
            ("smallvec", "1.6.0", Some(CRATES_IO)),
            ("failure", "0.1.8", Some(CRATES_IO)),
        ]),
    );
    (db, lock)
}

#[test]
fn sarif_has_required_fields() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (db, lock) = vulnerable_project(t.path());
    let (code, out, err) = levee(&[
        "scan",
        "--advisories",
        s(&db),
        s(&lock),
        "--format",
        "sarif",
    ]);
    assert_eq!(code, 1, "{err}");
    let v = parse_json(&out);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "levee");
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert_eq!(results.len(), 2, "{out}");
    for r in &results {
        assert!(r["message"]["text"].as_str().is_some_and(|m| !m.is_empty()));
        let idx = r["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
        assert_eq!(rules.get(idx).map(|x| &x["id"]), Some(&r["ruleId"]));
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or("");
        assert!(uri.ends_with("app%20dir/Cargo.lock"), "{uri}");
        assert!(r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64() >= Some(1));
    }
    let levels: BTreeSet<&str> = results.iter().filter_map(|r| r["level"].as_str()).collect();
    assert_eq!(levels, BTreeSet::from(["error", "warning"]));
    schema_check(&out, "sarif/schema/sarif-schema-2.1.0.json");
}

#[test]
fn cyclonedx_vex_has_required_fields() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (db, lock) = vulnerable_project(t.path());
    let (code, out, err) = levee(&[
        "scan",
        "--advisories",
        s(&db),
        s(&lock),
        "--format",
        "cyclonedx-vex",
    ]);
    assert_eq!(code, 1, "{err}");
    let v = parse_json(&out);
    assert_eq!(v["bomFormat"], "CycloneDX");
    assert_eq!(v["specVersion"], "1.6");
    let serial = v["serialNumber"].as_str().unwrap_or("");
    assert!(
        serial.starts_with("urn:uuid:") && serial.len() == 45,
        "{serial}"
    );
    let comps = v["components"].as_array().cloned().unwrap_or_default();
    let refs: BTreeSet<&str> = comps.iter().filter_map(|c| c["bom-ref"].as_str()).collect();
    assert_eq!(refs.len(), comps.len());
    let vulns = v["vulnerabilities"].as_array().cloned().unwrap_or_default();
    assert_eq!(vulns.len(), 2, "{out}");
    for vu in &vulns {
        assert!(vu["id"].as_str().is_some());
        for a in vu["affects"].as_array().cloned().unwrap_or_default() {
            let r = a["ref"].as_str().unwrap_or("");
            assert!(refs.contains(r), "dangling ref {r}");
            assert_eq!(a["versions"][0]["status"], "affected");
        }
        for r in vu["references"].as_array().cloned().unwrap_or_default() {
            assert!(r["id"].is_string() && r["source"].is_object());
        }
    }
    let sv = vulns
        .iter()
        .find(|x| x["id"] == "RUSTSEC-2021-0003")
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        sv["recommendation"]
            .as_str()
            .is_some_and(|r| r.contains("1.6.1")),
        "{out}"
    );
    schema_check(&out, "cyclonedx/schema/bom-1.6.schema.json");
}

/// Full JSON-schema validation with Python's `jsonschema` when available
/// (SKIPPED otherwise; the required fields are checked above regardless).
fn schema_check(doc: &str, schema_rel: &str) {
    let Some(schema) = levee_testdata::shared_data(schema_rel) else {
        return;
    };
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let doc_path = write(t.path(), "doc.json", doc);
    let script = r#"
import json, sys
try:
    import jsonschema, referencing
except Exception as e:
    print("NOJSONSCHEMA"); sys.exit(0)
import os
schema_path, doc_path = sys.argv[1], sys.argv[2]
d = os.path.dirname(schema_path)
resources = []
for f in os.listdir(d):
    if f.endswith('.json'):
        s = json.load(open(os.path.join(d, f)))
        r = referencing.Resource.from_contents(s, default_specification=referencing.jsonschema.DRAFT7)
        resources.append((f, r))
        if '$id' in s: resources.append((s['$id'], r))
reg = referencing.Registry().with_resources(resources)
schema = json.load(open(schema_path))
cls = jsonschema.validators.validator_for(schema)
errs = sorted(cls(schema, registry=reg).iter_errors(json.load(open(doc_path))), key=lambda e: list(e.path))
for e in errs[:5]: print("INVALID", list(e.path), e.message[:300])
print("OK" if not errs else "FAIL")
"#;
    match Command::new("python3")
        .args(["-c", script, s(&schema), s(&doc_path)])
        .output()
    {
        Ok(o) => {
            let out = String::from_utf8_lossy(&o.stdout);
            if out.contains("NOJSONSCHEMA") {
                eprintln!("SKIPPED: python3 jsonschema not installed; {schema_rel} not checked");
            } else {
                assert!(
                    out.trim_end().ends_with("OK"),
                    "{schema_rel}: {out}{}",
                    String::from_utf8_lossy(&o.stderr)
                );
            }
        }
        Err(_) => eprintln!("SKIPPED: python3 not found; {schema_rel} not checked"),
    }
}

#[test]
fn table_output_lists_findings() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (db, lock) = vulnerable_project(t.path());
    let (code, out, err) = levee(&["scan", "--advisories", s(&db), s(&lock)]);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("RUSTSEC-2021-0003")
            && out.contains("CVE-2021-25900")
            && out.contains("1.6.1"),
        "{out}"
    );
    assert!(
        out.contains("1 vulnerability in 1 package, 1 warning; "),
        "{out}"
    );
    // not a terminal: no progress bar
    assert!(!err.contains('\r'), "{err:?}");
}

// ---------------------------------------------------------------------------
// Differential against cargo-audit

/// The lockfiles of the differential: every Cargo.lock fixture in the
/// shared data, plus the generated ones. Returns (fixture name, path).
fn differential_inputs(work: &Path) -> Option<Vec<(String, PathBuf)>> {
    let lockdir = levee_testdata::shared_data("lockfiles")?;
    let jsonl = levee_testdata::shared_data("osv-rustsec/rustsec-advisories-md.jsonl")?;
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let mut cargo_dir: Vec<PathBuf> = std::fs::read_dir(lockdir.join("cargo-lock"))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    cargo_dir.sort();
    for p in cargo_dir {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((format!("cargo-lock__{name}"), p));
    }
    let mut others: Vec<PathBuf> = std::fs::read_dir(lockdir.join("osv-scanner-scan-fixtures"))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with("Cargo.lock"))
        .collect();
    others.sort();
    for p in others {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((format!("osv-scanner-scan-fixtures__{name}"), p));
    }
    let text = std::fs::read_to_string(&jsonl).unwrap_or_else(|e| panic!("{e}"));
    let adv = gen::advisory_versions(&text);
    for n in [1_000usize, 10_000] {
        let p = work.join(format!("generated-{n}-seed1.lock"));
        std::fs::write(&p, gen::generate(&adv, n, 1)).unwrap_or_else(|e| panic!("{e}"));
        files.push((format!("generated-{n}-seed1"), p));
    }
    // Each file is scanned as a Cargo.lock (like `cargo audit -f FILE`).
    Some(
        files
            .into_iter()
            .map(|(name, p)| {
                let dst = write(
                    &work.join("locks").join(&name),
                    "Cargo.lock",
                    &std::fs::read_to_string(&p).unwrap_or_default(),
                );
                (name, dst)
            })
            .collect(),
    )
}

/// Rebuild the advisory-db directory from the markdown JSONL.
fn rebuild_db(work: &Path) -> Option<PathBuf> {
    let jsonl = levee_testdata::shared_data("osv-rustsec/rustsec-advisories-md.jsonl")?;
    let db = work.join("advisory-db");
    let text = std::fs::read_to_string(jsonl).unwrap_or_else(|e| panic!("{e}"));
    for line in text.lines() {
        let v = parse_json(line);
        let (Some(path), Some(body)) = (v["path"].as_str(), v["text"].as_str()) else {
            panic!("bad line {line}");
        };
        write(&db, path, body);
    }
    Some(db)
}

/// levee's answer as the id-set lines (`vuln ID`, `<kind> ID`), or `error`.
fn levee_ids(db: &Path, lock: &Path) -> BTreeSet<String> {
    let (code, out, err) = levee(&["scan", "--advisories", s(db), s(lock), "--format", "json"]);
    if code == 2 {
        return BTreeSet::from(["error".to_string()]);
    }
    assert!(code == 0 || code == 1, "{err}");
    let v = parse_json(&out);
    assert!(
        v["advisories"]["problems"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "advisory-db problems: {}",
        v["advisories"]["problems"]
    );
    let mut ids = BTreeSet::new();
    for f in v["findings"].as_array().cloned().unwrap_or_default() {
        ids.insert(format!("vuln {}", f["id"].as_str().unwrap_or("")));
    }
    for f in v["warnings"].as_array().cloned().unwrap_or_default() {
        ids.insert(format!(
            "{} {}",
            f["kind"].as_str().unwrap_or(""),
            f["id"].as_str().unwrap_or("")
        ));
    }
    assert_eq!(code == 1, ids.iter().any(|l| l.starts_with("vuln ")));
    ids
}

fn cargo_audit_ids(bin: &Path, db: &Path, lock: &Path) -> BTreeSet<String> {
    let out = Command::new(bin)
        .args([
            "audit",
            "--no-fetch",
            "--stale",
            "--no-yanked",
            "--json",
            "--db",
        ])
        .arg(db)
        .arg("-f")
        .arg(lock)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    let Ok(v) = serde_json::from_str::<Value>(&text) else {
        let err = String::from_utf8_lossy(&out.stderr);
        return BTreeSet::from([audit_error_line(&err)]);
    };
    let mut ids = BTreeSet::new();
    for f in v["vulnerabilities"]["list"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        ids.insert(format!(
            "vuln {}",
            f["advisory"]["id"].as_str().unwrap_or("")
        ));
    }
    if let Some(w) = v["warnings"].as_object() {
        for (kind, list) in w {
            for x in list.as_array().cloned().unwrap_or_default() {
                if let Some(id) = x["advisory"]["id"].as_str() {
                    ids.insert(format!("{kind} {id}"));
                }
            }
        }
    }
    ids
}

/// cargo-audit refused the file: `error <kind>`, where kind is
/// `dependency-graph` when the lockfile names a dependency it does not list
/// (cargo-audit builds the dependency graph; levee reads packages only and
/// still scans such files) and `parse` otherwise.
fn audit_error_line(stderr: &str) -> String {
    if stderr.contains("couldn't resolve dependency") {
        "error dependency-graph".to_string()
    } else {
        "error parse".to_string()
    }
}

/// Compare levee's ids with cargo-audit's (live or recorded).
fn assert_same(name: &str, levee: &BTreeSet<String>, audit: &BTreeSet<String>) {
    if audit.contains("error dependency-graph") {
        // Not a Cargo.lock cargo-audit accepts; levee scans the packages.
        assert!(
            !levee.contains("error"),
            "{name}: levee refused it: {levee:?}"
        );
        return;
    }
    let audit: BTreeSet<String> = audit
        .iter()
        .map(|l| {
            if l.starts_with("error") {
                "error".to_string()
            } else {
                l.clone()
            }
        })
        .collect();
    assert_eq!(levee, &audit, "{name}: levee vs cargo-audit");
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cargo-audit")
}

#[test]
fn cargo_audit_recorded_ids_equal() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let Some(db) = rebuild_db(t.path()) else {
        return;
    };
    let Some(inputs) = differential_inputs(t.path()) else {
        return;
    };
    let mut checked = 0;
    let mut total_ids = 0;
    for (name, lock) in &inputs {
        let fx = fixture_dir().join(format!("{name}.ids"));
        let want: BTreeSet<String> = std::fs::read_to_string(&fx)
            .unwrap_or_else(|e| {
                panic!(
                    "{}: {e} (record with bench/scan_vs_cargo_audit.py record)",
                    fx.display()
                )
            })
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        let got = levee_ids(&db, lock);
        assert_same(name, &got, &want);
        checked += 1;
        total_ids += want.len();
    }
    assert!(checked >= 12, "only {checked} lockfiles");
    assert!(
        total_ids > 500,
        "the generated lockfiles should hit many advisories ({total_ids})"
    );
}

fn cargo_audit_bin() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LEVEE_CARGO_AUDIT") {
        return Some(PathBuf::from(p));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("cargo-audit"))
            .find(|p| p.is_file())
    })
}

#[test]
fn cargo_audit_live_differential() {
    let Some(bin) = cargo_audit_bin() else {
        eprintln!("SKIPPED: cargo-audit not found (set LEVEE_CARGO_AUDIT or put it on PATH); the recorded fixtures are checked by cargo_audit_recorded_ids_equal");
        return;
    };
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let Some(db) = rebuild_db(t.path()) else {
        return;
    };
    let Some(inputs) = differential_inputs(t.path()) else {
        return;
    };
    for (name, lock) in &inputs {
        let want = cargo_audit_ids(&bin, &db, lock);
        let got = levee_ids(&db, lock);
        assert_same(name, &got, &want);
    }
}

/// Without `--advisories`, the local knowledge base is the source.
#[test]
fn scans_against_the_local_store() {
    use levee_store::{Store, StoreConfig};
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = t.path().join("data");
    std::fs::create_dir_all(&data).unwrap_or_else(|e| panic!("{e}"));
    let rec = levee_formats::parse_rustsec_md(
        Some("crates/smallvec/RUSTSEC-2021-0003.md"),
        SMALLVEC_MD,
        &levee_formats::Limits::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .record;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        let store = Store::open(
            &StoreConfig::sqlite_in(&data),
            std::sync::Arc::new(levee_model::SystemClock),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let mut tx = store.write().await.unwrap_or_else(|e| panic!("{e}"));
        let ts =
            |s: &str| levee_model::Timestamp::parse_rfc3339(s).unwrap_or_else(|e| panic!("{e:?}"));
        tx.kb_upsert(&[levee_store::kb::KbRecordRow {
            id: rec.id.clone(),
            source: "rustsec".into(),
            modified: ts(rec.modified.as_str()),
            published: None,
            withdrawn: None,
            aliases: rec.aliases.clone(),
            related: vec![],
            upstream: vec![],
            summary: rec.summary.clone(),
            search: String::new(),
            json: rec.source_json().to_string(),
            label: levee_store::kb::Label::clear(),
            affected: vec![("crates.io".into(), "smallvec".into(), None)],
        }])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
    });
    let lock = write(
        t.path(),
        "Cargo.lock",
        &cargo_lock(&[("smallvec", "1.6.0", Some(CRATES_IO))]),
    );
    let (code, out, err) = levee(&["scan", "--data-dir", s(&data), s(&lock), "--format", "json"]);
    assert_eq!(code, 1, "{err}\n{out}");
    let v = parse_json(&out);
    assert_eq!(v["findings"][0]["id"], "RUSTSEC-2021-0003", "{out}");
    assert_eq!(v["findings"][0]["smallest_fix"], "1.6.1", "{out}");
}

fn levee_threads(threads: usize, args: &[&str]) -> (i32, String) {
    let (code, out, _) = levee_env(args, &[("LEVEE_SCAN_THREADS", &threads.to_string())]);
    (code, out)
}

/// Advisory files of `crate{i}` in the thread-count test.
fn files_of(i: usize) -> usize {
    match i {
        3 => 40,
        0..40 => 3,
        _ => 1,
    }
}

fn numbered_md(id: &str, package: &str, title: &str) -> String {
    format!(
        "```toml\n[advisory]\nid = \"{id}\"\npackage = \"{package}\"\ndate = \"2021-01-08\"\n\n[versions]\npatched = [\">= 1.0.0\"]\n```\n\n# {title}\n\nDetails.\n"
    )
}

/// The advisory walk runs on several threads and starts before the inputs
/// are parsed (a `crates/<name>/` directory read too early is dropped once
/// the names are known). Whatever the thread count, the report is the same;
/// an id loaded twice (here: the same file in two `--advisories` sources,
/// the second with another title) is resolved in path order, the later
/// source winning, as with one thread.
#[test]
fn the_report_does_not_depend_on_threads_or_duplicate_ids() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = t.path().join("db");
    let other = t.path().join("other");
    let mut pkgs = Vec::new();
    for i in 0..120 {
        let name = format!("crate{i:03}");
        // one directory large enough to be shared out between workers,
        // 39 with several files, 80 with one
        let files = files_of(i);
        for f in 0..files {
            let id = format!("RUSTSEC-2099-{:04}", i * 50 + f);
            write(
                &db,
                &format!("crates/{name}/{id}.md"),
                &numbered_md(&id, &name, &format!("first {id}")),
            );
        }
        // every third crate is in the lockfile; the rest are skipped
        if i % 3 == 0 {
            pkgs.push((name, "0.5.0"));
        }
    }
    write(
        &other,
        "crates/crate000/RUSTSEC-2099-0000.md",
        &numbered_md("RUSTSEC-2099-0000", "crate000", "second"),
    );
    let lock_text = cargo_lock(
        &pkgs
            .iter()
            .map(|(n, v)| (n.as_str(), *v, Some(CRATES_IO)))
            .collect::<Vec<_>>(),
    );
    let lock = write(t.path(), "app/Cargo.lock", &lock_text);

    let one = ["scan", "--advisories", s(&db), s(&lock), "--format", "json"];
    let (code, first) = levee_threads(1, &one);
    assert_eq!(code, 1, "{first}");
    let v = parse_json(&first);
    // every third crate is wanted
    let wanted_files: usize = (0..120).filter(|i| i % 3 == 0).map(files_of).sum();
    assert_eq!(v["advisories"]["loaded"], wanted_files, "{first}");
    assert_eq!(v["advisories"]["package_dirs_skipped"], 80, "{first}");
    assert_eq!(v["summary"]["findings"], wanted_files, "{first}");
    for threads in [2, 3, 8] {
        let (code, out) = levee_threads(threads, &one);
        assert_eq!(code, 1);
        assert_eq!(out, first, "{threads} threads");
    }

    let two = [
        "scan",
        "--advisories",
        s(&db),
        "--advisories",
        s(&other),
        s(&lock),
        "--format",
        "json",
    ];
    let (code, first) = levee_threads(1, &two);
    assert_eq!(code, 1);
    let v = parse_json(&first);
    assert_eq!(v["advisories"]["loaded"], wanted_files, "{first}");
    let f = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["id"] == "RUSTSEC-2099-0000"))
        .cloned()
        .unwrap_or_else(|| panic!("{first}"));
    assert_eq!(f["summary"], "second", "the later source wins: {first}");
    for threads in [2, 8] {
        let (_, out) = levee_threads(threads, &two);
        assert_eq!(out, first, "{threads} threads");
    }
}

/// OS packages in a container SBOM as syft writes them: binary names with
/// the source package in `upstream=`, a codename or point release in
/// `distro=`, the rpm epoch in `epoch=`.
#[test]
fn container_sbom_os_packages_match_distribution_advisories() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let adv = write(
        t.path(),
        "advisories/os.jsonl",
        &[
            r#"{"id":"DSA-0001-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Debian:12","name":"openssl"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.13-1~deb12u1"}]}]}]}"#,
            r#"{"id":"ALPINE-0001","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Alpine:v3.19","name":"openssl"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.1.4-r6"}]}]}]}"#,
            r#"{"id":"USN-0001-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Ubuntu:22.04:LTS","name":"glibc"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.35-0ubuntu3.7"}]}]}]}"#,
            r#"{"id":"RHSA-0001:0001","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Red Hat","name":"openssl-libs"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1:1.1.1k-9.el8_7"}]}]}]}"#,
        ]
        .join("\n"),
    );
    let comp = |name: &str, version: &str, purl: &str| serde_json::json!({"type": "library", "name": name, "version": version, "purl": purl});
    let bom = serde_json::json!({
        "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
        "components": [
            comp("libssl3", "3.0.11-1~deb12u2", "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro=bookworm"),
            comp("libcrypto3", "3.1.4-r5", "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&upstream=openssl&distro=alpine-3.19.1"),
            comp("libc6", "2.35-0ubuntu3.6", "pkg:deb/ubuntu/libc6@2.35-0ubuntu3.6?arch=amd64&upstream=glibc&distro=ubuntu-22.04"),
            // Fixed once the epoch is counted; 1.1.1k-9.el8_7 without it
            // would be "before 1:1.1.1k-9.el8_7".
            comp("openssl-libs", "1.1.1k-9.el8_7", "pkg:rpm/redhat/openssl-libs@1.1.1k-9.el8_7?arch=x86_64&epoch=1"),
        ]
    });
    let sbom = write(t.path(), "sbom.cdx.json", &bom.to_string());
    let (code, out, err) = levee(&[
        "scan",
        "--advisories",
        s(&adv),
        s(&sbom),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}\n{out}");
    let v = parse_json(&out);
    let mut ids: Vec<&str> = v["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["id"].as_str()).collect())
        .unwrap_or_default();
    ids.sort_unstable();
    assert_eq!(ids, ["ALPINE-0001", "DSA-0001-1", "USN-0001-1"], "{out}");
}

/// A RHEL 9.2 rpm (syft's `distro=rhel-9.2`) is found by the RHEL 9 advisory
/// (`Red Hat:enterprise_linux:9::…`, as the CSAF import and osv.dev write it)
/// and the 9.2 EUS one, not by a RHEL 8-only one or another minor's EUS one,
/// though their ranges cover its version; a purl without `distro=` is
/// matched loosely by every release. Red Hat's own SBOMs give the release
/// in `repository_id=` instead.
#[test]
fn rhel_sbom_packages_match_only_their_release() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let rec = |id: &str, eco: &str, fixed: &str| {
        serde_json::json!({"id": id, "modified": "2024-01-01T00:00:00Z", "affected": [{
            "package": {"ecosystem": eco, "name": "openssl-libs"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]})
        .to_string()
    };
    let adv = write(
        t.path(),
        "advisories/rhel.jsonl",
        &[
            rec(
                "RHSA-9000:0001",
                "Red Hat:enterprise_linux:9::baseos",
                "1:3.0.7-24.el9",
            ),
            rec(
                "RHSA-9000:0002",
                "Red Hat:rhel_eus:9.2::baseos",
                "1:3.0.7-18.el9_2",
            ),
            rec(
                "RHSA-9000:0003",
                "Red Hat:rhel_eus:9.0::baseos",
                "1:3.0.7-18.el9_0",
            ),
            rec(
                "RHSA-8000:0001",
                "Red Hat:enterprise_linux:8::baseos",
                "1:3.0.7-99.el8",
            ),
        ]
        .join("\n"),
    );
    let scan = |purl: &str| {
        let bom = serde_json::json!({
            "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
            "components": [{"type": "library", "name": "openssl-libs", "version": "3.0.7-17.el9_2", "purl": purl}]
        });
        let sbom = write(t.path(), "sbom.cdx.json", &bom.to_string());
        let (code, out, err) = levee(&[
            "scan",
            "--advisories",
            s(&adv),
            s(&sbom),
            "--format",
            "json",
        ]);
        assert_eq!(code, 1, "{err}\n{out}");
        let v = parse_json(&out);
        let mut ids: Vec<String> = v["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f["id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        ids.sort_unstable();
        ids
    };
    assert_eq!(
        scan("pkg:rpm/redhat/openssl-libs@3.0.7-17.el9_2?arch=x86_64&epoch=1&distro=rhel-9.2"),
        ["RHSA-9000:0001", "RHSA-9000:0002"]
    );
    // Older syft's namespace `rhel`; the rpm release tag form `el9_2`.
    assert_eq!(
        scan("pkg:rpm/rhel/openssl-libs@3.0.7-17.el9_2?arch=x86_64&epoch=1&distro=rhel-9.2"),
        ["RHSA-9000:0001", "RHSA-9000:0002"]
    );
    assert_eq!(
        scan("pkg:rpm/redhat/openssl-libs@3.0.7-17.el9_2?arch=x86_64&epoch=1&distro=el9_2"),
        ["RHSA-9000:0001", "RHSA-9000:0002"]
    );
    // A bare major follows the main stream.
    assert_eq!(
        scan("pkg:rpm/redhat/openssl-libs@3.0.7-17.el9_2?arch=x86_64&epoch=1&distro=el9"),
        ["RHSA-9000:0001"]
    );
    // Red Hat's own SBOMs: the release of the `repository_id=`, the minor
    // only where a `__9_DOT_2` suffix pins it.
    assert_eq!(
        scan("pkg:rpm/redhat/openssl-libs@3.0.7-17.el9_2?arch=x86_64&epoch=1&repository_id=rhel-9-for-x86_64-baseos-eus-rpms__9_DOT_2"),
        ["RHSA-9000:0001", "RHSA-9000:0002"]
    );
    assert_eq!(
        scan("pkg:rpm/redhat/openssl-libs@3.0.7-17.el9_2?arch=x86_64&epoch=1&repository_id=rhel-9-for-x86_64-baseos-rpms"),
        ["RHSA-9000:0001"]
    );
    let loose = [
        "RHSA-8000:0001",
        "RHSA-9000:0001",
        "RHSA-9000:0002",
        "RHSA-9000:0003",
    ];
    assert_eq!(
        scan("pkg:rpm/redhat/openssl-libs@3.0.7-17.el9_2?arch=x86_64&epoch=1&repository_id=epel"),
        loose
    );
    assert_eq!(
        scan("pkg:rpm/redhat/openssl-libs@3.0.7-17.el9_2?arch=x86_64&epoch=1"),
        loose
    );
}

/// `rpm -qa` output is recognised, its packages listed but not checked
/// (it names no distribution), with the reason: never a silent clean scan.
#[test]
fn rpm_qa_packages_are_listed_not_checked() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let adv = write(t.path(), "advisories/none.jsonl", "");
    let list = write(
        t.path(),
        "packages.txt",
        "openssl-libs-3.0.7-25.el9_3.x86_64\nbash-5.1.8-6.el9_1.x86_64\ngpg-pubkey-fd431d51-4ae0493b\n",
    );
    let (code, out, err) = levee(&[
        "scan",
        "--advisories",
        s(&adv),
        s(&list),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}\n{out}");
    let v = parse_json(&out);
    let input = &v["inputs"][0];
    assert_eq!(input["format"], "rpm-qa", "{out}");
    assert_eq!(input["components"], 3, "{out}");
    assert_eq!(input["not_checked"], 3, "{out}");
    assert!(
        input["problems"]
            .to_string()
            .contains("does not say which distribution"),
        "{out}"
    );
}
