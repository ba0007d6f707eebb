//! Acceptance tests for `levee vuln show ID [--format json]` on local
//! storage: fixtures are written straight into a fresh data directory.

use std::process::Command;
use std::sync::Arc;

use levee_formats::{Limits, Record};
use levee_model::SystemClock;
use levee_store::kb::Label;
use levee_store::{Store, StoreConfig};
use serde_json::{json, Value};

const GHSA: &str = r#"{"id":"GHSA-jfh8-c2jp-5v3q","modified":"2024-02-01T00:00:00Z","published":"2021-12-10T00:00:00Z","aliases":["CVE-2021-44228"],"summary":"Remote code injection in Log4j","details":"JNDI lookups in messages.","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}],"affected":[{"package":{"ecosystem":"Maven","name":"org.apache.logging.log4j:log4j-core"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.0-beta9"},{"fixed":"2.15.0"}]}]}],"database_specific":{"cwe_ids":["CWE-502","CWE-917"]}}"#;
const OTHER: &str = r#"{"id":"LEVEE-LOG4J-1","modified":"2024-03-01T00:00:00Z","aliases":["CVE-2021-44228","GHSA-jfh8-c2jp-5v3q"],"summary":"Log4Shell","affected":[{"package":{"ecosystem":"Maven","name":"org.apache.logging.log4j:log4j-core"},"ranges":[{"type":"GIT","repo":"https://github.com/apache/logging-log4j2","events":[{"introduced":"0"},{"fixed":"c77b3cb39312b83b053d23a2158b99ac7de44dd3"}]},{"type":"ECOSYSTEM","events":[{"introduced":"2.0-beta9"},{"fixed":"2.16.0"}]}]}]}"#;

fn levee(args: &[&str]) -> (u8, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_levee"))
        .args(args)
        .env_remove("LEVEE_DATABASE_URL")
        .env_remove("LEVEE_DATA_DIR")
        .output()
        .expect("run levee");
    (
        out.status.code().expect("exit code") as u8,
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

async fn seed(dir: &std::path::Path) {
    let store = Store::open(&StoreConfig::sqlite_in(dir), Arc::new(SystemClock))
        .await
        .unwrap();
    let rows: Vec<_> = [(GHSA, "ghsa"), (OTHER, "levee")]
        .iter()
        .map(|(t, src)| {
            let rec = Record::from_json(t, &Limits::default()).unwrap();
            levee_kb::view::row_from_record(&rec, src, Label::clear())
        })
        .collect();
    let mut tx = store.write().await.unwrap();
    tx.kb_upsert(&rows).await.unwrap();
    let key = "CVE-2021-44228".to_string();
    tx.kb_set_groups(
        &rows
            .iter()
            .map(|r| (r.id.clone(), key.clone()))
            .collect::<Vec<_>>(),
        &[(
            key.clone(),
            vec![
                key.clone(),
                "GHSA-jfh8-c2jp-5v3q".into(),
                "LEVEE-LOG4J-1".into(),
            ],
        )],
    )
    .await
    .unwrap();
    tx.kb_upsert_kev(&[(
        key.clone(),
        "2021-12-10".into(),
        json!({"cveID": key, "dateAdded": "2021-12-10", "dueDate": "2021-12-24",
               "requiredAction": "For all affected software assets ... apply updates",
               "knownRansomwareCampaignUse": "Known", "cwes": ["CWE-20"]})
        .to_string(),
    )])
    .await
    .unwrap();
    tx.kb_upsert_epss(&[(
        key.clone(),
        "0.94358".into(),
        "0.99957".into(),
        Some("2025-03-01".into()),
    )])
    .await
    .unwrap();
    tx.kb_upsert_cwe(&[(502, "Deserialization of Untrusted Data".into())])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    store.close().await;
}

#[test]
fn show_by_any_id_in_json_and_text() {
    let dir = tempfile::tempdir().unwrap();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(seed(dir.path()));
    let d = dir.path().to_str().unwrap();
    for id in ["CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q", "LEVEE-LOG4J-1"] {
        let (code, out, err) = levee(&["vuln", "show", id, "--format", "json", "--data-dir", d]);
        assert_eq!(code, 0, "{id}: {err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["id"], "CVE-2021-44228");
        assert_eq!(
            v["aliases"],
            json!(["CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q", "LEVEE-LOG4J-1"])
        );
        assert_eq!(v["sources"].as_array().unwrap().len(), 2);
        assert_eq!(v["kev"][0]["due_date"], "2021-12-24");
        assert_eq!(v["kev"][0]["known_ransomware_campaign_use"], "Known");
        assert_eq!(v["epss"][0]["score"], "0.94358");
        let cwes: Vec<_> = v["cwes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].clone())
            .collect();
        assert_eq!(cwes, [json!("CWE-20"), json!("CWE-502"), json!("CWE-917")]);
        assert_eq!(v["severity"][0]["cvss"]["base_score"], 10.0);
        assert_eq!(v["severity"][0]["cvss"]["severity"], "CRITICAL");
        assert!(v["disagreements"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["field"] == "fixed"));
    }
    let (code, out, err) = levee(&["vuln", "show", "CVE-2021-44228", "--data-dir", d]);
    assert_eq!(code, 0, "{err}");
    for needle in [
        "CVE-2021-44228",
        "GHSA-jfh8-c2jp-5v3q (ghsa",
        "LEVEE-LOG4J-1 (levee",
        "TLP:CLEAR",
        "KEV:",
        "due 2021-12-24",
        "ransomware use Known",
        "EPSS:      CVE-2021-44228 0.94358 (percentile 0.99957, 2025-03-01)",
        "CWE-502 Deserialization of Untrusted Data",
        "CVSS 3.1 score 10.0 CRITICAL",
        "fixed of Maven/org.apache.logging.log4j:log4j-core",
        // Versions and commits apart: the commit is no version.
        "introduced 2.0-beta9; fixed 2.16.0\n",
        "      git https://github.com/apache/logging-log4j2: introduced 0, fixed c77b3cb39312b83b053d23a2158b99ac7de44dd3\n",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
    }
}

#[test]
fn unknown_id_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(seed(dir.path()));
    let d = dir.path().to_str().unwrap();
    let (code, out, err) = levee(&["vuln", "show", "CVE-1999-0001", "--data-dir", d]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("CVE-1999-0001"), "{err}");
    let (code, _, _) = levee(&["vuln", "show", "X", "--format", "yaml", "--data-dir", d]);
    assert_eq!(code, 2);
}

#[test]
fn exports_csaf_advisory_and_vex_that_validate() {
    let dir = tempfile::tempdir().unwrap();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(seed(dir.path()));
    let d = dir.path().to_str().unwrap();
    for format in ["csaf", "csaf-vex"] {
        let (code, out, err) = levee(&[
            "vuln",
            "show",
            "CVE-2021-44228",
            "--format",
            format,
            "--data-dir",
            d,
        ]);
        assert_eq!(code, 0, "{err}");
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        let report =
            levee_feeds::csaf::validate(&doc, &levee_feeds::csaf::ValidateOptions::default());
        assert!(report.is_valid(), "{format}: {:?}", report.findings);
        let cves: Vec<&str> = doc["vulnerabilities"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v["cve"].as_str())
            .collect();
        assert_eq!(cves, ["CVE-2021-44228"], "{format}");
    }
}
