//! Acceptance tests for `levee import PATH...`: exit codes, the per-source
//! summary, the rejection report, idempotent re-import, forced formats.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn levee(dir: &Path, args: &[&str]) -> (u8, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_levee"))
        .arg("import")
        .args(args)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .env_remove("LEVEE_DATABASE_URL")
        .env_remove("LEVEE_MASTER_KEY")
        .env_remove("LEVEE_CONFIG")
        .current_dir(dir)
        .output()
        .expect("run levee");
    (
        out.status.code().expect("exit code") as u8,
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

fn rec(id: &str, modified: &str, aliases: &[&str]) -> String {
    serde_json::json!({"id": id, "modified": modified, "aliases": aliases}).to_string()
}

fn fixtures(dir: &Path) {
    let feed = dir.join("feed");
    std::fs::create_dir_all(&feed).unwrap();
    std::fs::write(
        feed.join("a.jsonl"),
        format!(
            "{}\n{{\"id\":\"BAD-1\"}}\n{}\n",
            rec(
                "GHSA-aaaa-bbbb-cccc",
                "2024-01-01T00:00:00Z",
                &["CVE-2024-1234"]
            ),
            rec("PYSEC-2024-1", "2024-01-01T00:00:00Z", &["CVE-2024-1234"])
        ),
    )
    .unwrap();
    std::fs::write(
        feed.join("kev.csv"),
        "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes\n\
CVE-2024-1234,V,P,N,2024-01-02,D,Act,2024-01-23,Known,,\n",
    )
    .unwrap();
    std::fs::write(feed.join("README.txt"), "not walked\n").unwrap();
}

#[test]
fn imports_reports_rejections_and_is_idempotent() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fixtures(d);
    let (code, out, err) = levee(d, &["feed"]);
    assert_eq!(code, 0, "stdout {out}\nstderr {err}");
    for col in [
        "source",
        "format",
        "read",
        "imported",
        "updated",
        "unchanged",
        "rejected",
        "warnings",
    ] {
        assert!(out.lines().next().unwrap().contains(col), "{out}");
    }
    let a = out
        .lines()
        .find(|l| l.contains("a.jsonl"))
        .expect("a.jsonl row");
    let nums: Vec<&str> = a.split_whitespace().skip(2).collect();
    assert_eq!(nums, ["3", "2", "0", "0", "1", "0"], "{a}");
    assert!(
        out.lines()
            .any(|l| l.contains("kev.csv") && l.contains("kev-csv")),
        "{out}"
    );
    assert!(!out.contains("README"), "{out}");
    assert!(out.contains("vulnerabilities: 1 "), "one flaw: {out}");
    assert!(
        err.contains("1 rejection(s) written to levee-import-rejections.jsonl"),
        "{err}"
    );
    let report = std::fs::read_to_string(d.join("levee-import-rejections.jsonl")).unwrap();
    let lines: Vec<Value> = report
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{report}");
    assert!(lines[0]["file"].as_str().unwrap().ends_with("a.jsonl"));
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(lines[0]["class"], "missing_modified");
    assert!(lines[0]["reason"].as_str().is_some_and(|r| !r.is_empty()));

    // Second run: every record unchanged; JSON summary; custom report path.
    let (code, out, err) = levee(d, &["feed", "--json", "--report", "r2.jsonl"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["total"]["unchanged"], 3, "{v}");
    assert_eq!(v["total"]["imported"], 0, "{v}");
    assert_eq!(v["total"]["rejected"], 1, "{v}");
    assert_eq!(v["grouping"]["groups"], 1, "{v}");
    assert!(d.join("r2.jsonl").exists());
}

/// A record imported with something odd in it (here a range type OSV does
/// not define) is kept and counted as a warning, with its id, code and
/// path in the warnings report; a clean re-run leaves an empty report.
#[test]
fn warnings_about_imported_records_are_counted_and_written() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let odd = serde_json::json!({
        "id": "GHSA-wwww-wwww-wwww", "modified": "2024-01-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
                      "ranges": [{"type": "GIT_TAGS", "events": [{"introduced": "v1"}]}]}]
    });
    std::fs::write(
        d.join("odd.jsonl"),
        format!(
            "{odd}\n{}\n",
            rec("GHSA-cccc-cccc-cccc", "2024-01-01T00:00:00Z", &[])
        ),
    )
    .unwrap();
    let (code, out, err) = levee(d, &["odd.jsonl"]);
    assert_eq!(code, 0, "stdout {out}\nstderr {err}");
    assert!(out.lines().next().unwrap().ends_with(" warnings"), "{out}");
    let row: Vec<&str> = out
        .lines()
        .find(|l| l.contains("odd.jsonl"))
        .expect("odd.jsonl row")
        .split_whitespace()
        .skip(2)
        .collect();
    // read, imported, updated, unchanged, rejected, warnings
    assert_eq!(row, ["2", "2", "0", "0", "0", "1"], "{out}");
    assert!(
        err.contains("1 warning(s) about imported records written to levee-import-warnings.jsonl"),
        "{err}"
    );
    let report = std::fs::read_to_string(d.join("levee-import-warnings.jsonl")).unwrap();
    let lines: Vec<Value> = report
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{report}");
    assert_eq!(lines[0]["id"], "GHSA-wwww-wwww-wwww");
    assert_eq!(lines[0]["code"], "unknown_range_type");
    assert!(lines[0]["file"].as_str().unwrap().ends_with("odd.jsonl"));
    assert!(
        lines[0]["path"].as_str().unwrap().contains("ranges"),
        "{report}"
    );
    // JSON summary; a file of clean records leaves an empty report.
    std::fs::write(
        d.join("clean.jsonl"),
        rec("GHSA-dddd-dddd-dddd", "2024-01-01T00:00:00Z", &[]),
    )
    .unwrap();
    let (code, out, err) = levee(d, &["clean.jsonl", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["total"]["warnings"], 0, "{v}");
    assert_eq!(v["warnings"], 0, "{v}");
    let report = std::fs::read_to_string(d.join("levee-import-warnings.jsonl")).unwrap();
    assert_eq!(report, "", "a stale report was left");
    // A re-import warns again (the warning is about the input), and
    // --warnings-report puts the report where it is told.
    let (code, _, err) = levee(d, &["odd.jsonl", "--warnings-report", "w.jsonl"]);
    assert_eq!(code, 0, "{err}");
    let report = std::fs::read_to_string(d.join("w.jsonl")).unwrap();
    assert_eq!(report.lines().count(), 1, "{report}");
    assert!(report.contains("unknown_range_type"), "{report}");
}

#[test]
fn unreadable_input_exits_2_and_the_rest_is_imported() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fixtures(d);
    let (code, out, err) = levee(d, &["missing.json", "feed/a.jsonl", "--json"]);
    assert_eq!(code, 2, "stdout {out}\nstderr {err}");
    assert!(err.contains("could not read missing.json"), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["total"]["imported"], 2, "{v}");
    assert!(v["sources"][0]["unreadable"]
        .as_str()
        .unwrap()
        .starts_with("[io]"));
    let report = std::fs::read_to_string(d.join("levee-import-rejections.jsonl")).unwrap();
    assert!(
        report
            .lines()
            .any(|l| l.contains("missing.json") && l.contains("\"io\"")),
        "{report}"
    );
}

#[test]
fn input_format_override() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("records.txt"),
        format!(
            "{}\n{}\n",
            rec("X-1", "2024-01-01T00:00:00Z", &[]),
            rec("X-2", "2024-01-01T00:00:00Z", &[])
        ),
    )
    .unwrap();
    let (code, out, err) = levee(d, &["records.txt", "--input-format", "jsonl", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["sources"][0]["format"], "jsonl");
    assert_eq!(v["total"]["imported"], 2);
    let (code, _, err) = levee(d, &["records.txt", "--input-format", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown input format"), "{err}");
    assert!(err.contains("native formats: "), "{err}");
    // A native format by name, in any case (a file name that says nothing).
    std::fs::write(
        d.join("advisory.txt"),
        "identifier: \"CVE-2019-10744\"\nidentifiers:\n- \"CVE-2019-10744\"\npackage_slug: \"npm/lodash\"\ntitle: \"Prototype Pollution\"\ndescription: \"x\"\ndate: \"2019-07-26\"\npubdate: \"2019-07-26\"\naffected_range: \"<4.17.12\"\nfixed_versions:\n- \"4.17.12\"\nurls:\n- \"https://nvd.nist.gov/vuln/detail/CVE-2019-10744\"\nuuid: \"u\"\n",
    )
    .unwrap();
    let (code, out, err) = levee(d, &["advisory.txt", "--input-format", "GitLab", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["total"]["imported"], 1, "{v}");
}

/// A minimal CSAF 2.0 security advisory with the given TLP label.
fn csaf(tlp: &str) -> String {
    serde_json::json!({
        "document": {
            "category": "csaf_security_advisory",
            "csaf_version": "2.0",
            "distribution": {"tlp": {"label": tlp}},
            "publisher": {"category": "vendor", "name": "Example", "namespace": "https://example.com"},
            "title": "Example advisory",
            "tracking": {
                "id": "EX-2024-001",
                "current_release_date": "2024-01-02T00:00:00Z",
                "initial_release_date": "2024-01-01T00:00:00Z",
                "revision_history": [{"date": "2024-01-01T00:00:00Z", "number": "1", "summary": "Initial"}],
                "status": "final",
                "version": "1"
            }
        },
        "product_tree": {"full_product_names": [{
            "name": "Example Widget 1.0", "product_id": "P1",
            "product_identification_helper": {"purl": "pkg:npm/example-widget@1.0.0"}
        }]},
        "vulnerabilities": [{
            "cve": "CVE-2024-99999",
            "notes": [{"category": "description", "text": "A flaw in the widget."}],
            "product_status": {"known_affected": ["P1"]}
        }]
    })
    .to_string()
}

#[test]
fn a_csaf_document_marked_amber_is_not_imported_as_clear() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("amber.json"), csaf("AMBER")).unwrap();
    let (code, out, err) = levee(d, &["amber.json", "--json"]);
    assert_eq!(code, 0, "stdout {out}\nstderr {err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["sources"][0]["format"], "csaf", "{v}");
    assert_eq!(v["total"]["imported"], 0, "{v}");
    assert_eq!(v["total"]["rejected"], 1, "{v}");
    let report = std::fs::read_to_string(d.join("levee-import-rejections.jsonl")).unwrap();
    let r: Value = serde_json::from_str(report.lines().next().unwrap()).unwrap();
    assert_eq!(r["class"], "tlp_marking", "{r}");
    assert_eq!(r["id"], "EX-2024-001:CVE-2024-99999", "{r}");
    assert!(r["reason"].as_str().unwrap().contains("TLP:AMBER"), "{r}");
    // The same document marked WHITE (TLP:CLEAR) is imported.
    std::fs::write(d.join("white.json"), csaf("WHITE")).unwrap();
    let (code, out, err) = levee(d, &["white.json", "--json"]);
    assert_eq!(code, 0, "stdout {out}\nstderr {err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["total"]["imported"], 1, "{v}");
}
