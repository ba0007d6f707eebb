//! CSAF export: the exported advisory and VEX documents pass our own
//! validator, and read back as records with the same CVE ids and packages.

use levee_feeds::csaf::{export_advisory, export_vex, validate, ValidateOptions};
use levee_feeds::{read, FeedFormat};
use levee_formats::{Limits, Record};
use serde_json::json;

fn rec(v: serde_json::Value) -> Record {
    Record::from_value(&v, &Limits::default()).unwrap()
}

fn sample() -> Vec<Record> {
    vec![
        rec(
            json!({"id":"GHSA-jfh8-c2jp-5v3q","modified":"2024-01-02T00:00:00Z","published":"2021-12-10T00:00:00Z",
            "aliases":["CVE-2021-44228"],"summary":"Log4Shell","details":"JNDI lookup RCE",
            "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}],
            "affected":[{"package":{"ecosystem":"Maven","name":"org.apache.logging.log4j:log4j-core"},
               "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.0-beta9"},{"fixed":"2.3.1"},{"introduced":"2.4"},{"fixed":"2.12.2"},{"introduced":"2.13.0"},{"fixed":"2.15.0"}]}]}],
            "references":[{"type":"ADVISORY","url":"https://nvd.nist.gov/vuln/detail/CVE-2021-44228"}]}),
        ),
        rec(
            json!({"id":"CVE-2021-44228","modified":"2024-08-04T00:00:00Z","details":"Apache Log4j2 JNDI"}),
        ),
        rec(
            json!({"id":"PYSEC-2024-1","modified":"2024-03-01T00:00:00Z","summary":"x",
            "affected":[{"package":{"ecosystem":"PyPI","name":"requests"},"versions":["2.0.0","2.0.1"]}]}),
        ),
        rec(json!({"id":"OSV-2024-9","modified":"2024-03-01T00:00:00Z","summary":"no packages"})),
    ]
}

#[test]
fn exported_documents_validate_and_read_back() {
    let recs = sample();
    for doc in [export_advisory(&recs), export_vex(&recs)] {
        let report = validate(&doc, &ValidateOptions::default());
        assert!(
            report.is_valid(),
            "{:#?}\n{}",
            report.findings,
            serde_json::to_string_pretty(&doc).unwrap()
        );
        let bytes = serde_json::to_vec(&doc).unwrap();
        let back: Vec<Record> = read("export.json", &bytes, Some(FeedFormat::Csaf))
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(
            back.len(),
            3,
            "three vulnerabilities (two records share a CVE)"
        );
        let log4 = back
            .iter()
            .find(|r| r.aliases.contains(&"CVE-2021-44228".to_string()))
            .expect("CVE kept");
        let a = log4
            .affected
            .first()
            .and_then(|a| a.package.as_ref())
            .expect("package");
        assert_eq!(a.ecosystem, "Maven");
        assert_eq!(a.name, "org.apache.logging.log4j:log4j-core");
        assert!(log4.aliases.contains(&"GHSA-jfh8-c2jp-5v3q".to_string()));
        let py = back
            .iter()
            .find(|r| r.aliases.contains(&"PYSEC-2024-1".to_string()))
            .unwrap();
        assert_eq!(py.affected[0].versions, vec!["2.0.0", "2.0.1"]);
    }
    assert_eq!(export_vex(&recs)["document"]["category"], "csaf_vex");
}

#[test]
fn exported_real_records_validate() {
    // GitLab and CVE JSON 5 records converted by this crate, re-exported.
    let Some(p) = levee_testdata::shared_data(
        "gitlab-advisories-community/gitlab-advisories-community.jsonl",
    ) else {
        return;
    };
    let bytes = std::fs::read(p).unwrap();
    let recs: Vec<Record> = read("gitlab", &bytes, None)
        .filter_map(Result::ok)
        .step_by(97)
        .collect();
    assert!(recs.len() > 100);
    for doc in [export_advisory(&recs), export_vex(&recs)] {
        let report = validate(&doc, &ValidateOptions::default());
        assert!(
            report.is_valid(),
            "{:?}",
            report.findings.iter().take(10).collect::<Vec<_>>()
        );
    }
}

#[test]
fn invalid_csaf_is_rejected_with_its_tests() {
    let doc = json!({"document":{"category":"csaf_base","csaf_version":"2.0","title":"t",
        "publisher":{"category":"vendor","name":"n","namespace":"https://x"},
        "tracking":{"id":"X-1","current_release_date":"2024-01-01T00:00:00Z","initial_release_date":"2024-01-01T00:00:00Z",
          "revision_history":[{"date":"2024-01-01T00:00:00Z","number":"1","summary":"s"}],"status":"final","version":"1"}},
        "vulnerabilities":[{"cve":"CVE-2024-1234","product_status":{"known_affected":["NOPE"]}}]});
    let bytes = serde_json::to_vec(&doc).unwrap();
    let out: Vec<_> = read("bad.json", &bytes, None).collect();
    assert_eq!(out.len(), 1);
    let e = out[0].as_ref().unwrap_err();
    assert_eq!(
        levee_feeds::FeedClass::of(e),
        Some(levee_feeds::FeedClass::CsafMandatory)
    );
    assert!(e.reason.contains("6.1.1"), "{}", e.reason);
}
