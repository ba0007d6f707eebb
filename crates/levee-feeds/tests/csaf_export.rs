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

/// The affected set of one OSV `affected` entry's ranges.
fn affected_set(eco: &str, ranges: &[levee_formats::Range]) -> levee_versions::RangeSet {
    use levee_versions::{CompiledRange, Ecosystem, Event, RangeSet};
    let scheme = Ecosystem::parse(eco).unwrap().scheme().unwrap();
    let mut set = RangeSet::empty();
    for r in ranges {
        let events: Vec<Event> = r.events.iter().map(Event::from).collect();
        set = set.union(CompiledRange::compile(scheme, &events).unwrap().set());
    }
    set
}

/// The `product_version_range` branches of package `name` (under its
/// vendor branch `vendor`) in an exported document: (vers text, product id).
fn range_branches(doc: &serde_json::Value, vendor: &str, name: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for v in doc["product_tree"]["branches"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if v["category"] != "vendor" || v["name"] != vendor {
            continue;
        }
        for p in v["branches"].as_array().into_iter().flatten() {
            if p["category"] != "product_name" || p["name"] != name {
                continue;
            }
            for leaf in p["branches"].as_array().into_iter().flatten() {
                if leaf["category"] == "product_version_range" {
                    out.push((
                        leaf["name"].as_str().unwrap_or_default().to_string(),
                        leaf["product"]["product_id"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn exported_ranges_read_back_as_the_same_ranges() {
    let cases: &[(&str, &str, serde_json::Value)] = &[
        (
            "npm",
            "@scope/foo",
            json!([{"introduced":"2.0.0"},{"fixed":"2.3.1"},{"introduced":"3.0.0-rc.1"},{"fixed":"3.0.2"}]),
        ),
        (
            "PyPI",
            "requests",
            json!([{"introduced":"0"},{"fixed":"2.31.0"}]),
        ),
        (
            "Maven",
            "org.apache.logging.log4j:log4j-core",
            json!([{"introduced":"2.0-beta9"},{"fixed":"2.3.1"},{"introduced":"2.4"},{"fixed":"2.12.2"},{"introduced":"2.13.0"},{"fixed":"2.15.0"}]),
        ),
        (
            "Go",
            "github.com/x/y",
            json!([{"introduced":"1.2.0"},{"last_affected":"1.4.7"}]),
        ),
        (
            "crates.io",
            "smallvec",
            json!([{"introduced":"0.6.10"},{"fixed":"0.6.14"},{"introduced":"1.0.0"},{"fixed":"1.6.1"}]),
        ),
        (
            "RubyGems",
            "rack",
            json!([{"introduced":"0"},{"fixed":"2.2.6.3"}]),
        ),
        (
            "NuGet",
            "Newtonsoft.Json",
            json!([{"introduced":"0"},{"fixed":"13.0.1"}]),
        ),
        (
            "Packagist",
            "symfony/http-kernel",
            json!([{"introduced":"5.0.0"},{"fixed":"5.4.20"}]),
        ),
        (
            "Debian:12",
            "openssl",
            json!([{"introduced":"0"},{"fixed":"3.0.11-1~deb12u2"}]),
        ),
        (
            "Alpine:v3.19",
            "openssl",
            json!([{"introduced":"3.1.0-r0"},{"fixed":"3.1.4-r3"}]),
        ),
        (
            "Red Hat",
            "openssl",
            json!([{"introduced":"0"},{"fixed":"1:1.1.1k-7.el8_6"}]),
        ),
        // The release is the platform's CPE (a `default_component_of`
        // relationship), as Red Hat's own documents write it.
        (
            "Red Hat:enterprise_linux:9::appstream",
            "openssl",
            json!([{"introduced":"0"},{"fixed":"1:3.0.7-16.el9_2"}]),
        ),
        (
            "Red Hat:rhel_eus:9.2::baseos",
            "openssl",
            json!([{"introduced":"0"},{"fixed":"1:3.0.7-18.el9_2"}]),
        ),
    ];
    for (i, (eco, name, events)) in cases.iter().enumerate() {
        let r = rec(
            json!({"id": format!("OSV-2024-{i}"), "modified":"2024-03-01T00:00:00Z",
            "aliases": [format!("CVE-2024-{}", 1000 + i)],
            "affected":[{"package":{"ecosystem":eco,"name":name},
                "ranges":[{"type":"ECOSYSTEM","events":events}]}]}),
        );
        let doc = export_advisory(std::slice::from_ref(&r));
        let report = validate(&doc, &ValidateOptions::default());
        assert!(report.is_valid(), "{eco}: {:#?}", report.findings);
        // The affected ranges are written as one `product_version_range`
        // branch whose `vers:` string is the same set (not only implied by
        // the fixed product, which would give `introduced 0` back without
        // it), and the statuses name its product as affected (for a Red Hat
        // release through the platform relationship).
        let vendor = if eco.starts_with("Red Hat") {
            "Red Hat"
        } else {
            eco
        };
        let branches = range_branches(&doc, vendor, name);
        assert_eq!(
            branches.len(),
            1,
            "{eco}: {}",
            serde_json::to_string(&doc["product_tree"]).unwrap()
        );
        let (vers, pid) = &branches[0];
        let (scheme, set) = levee_versions::vers::parse_vers(vers)
            .unwrap_or_else(|e| panic!("{eco}: {vers:?} is not a vers: range: {e}"));
        assert_eq!(
            Some(scheme),
            levee_versions::Ecosystem::parse(eco).unwrap().scheme(),
            "{eco}: {vers}"
        );
        assert_eq!(
            set,
            affected_set(eco, &r.affected[0].ranges),
            "{eco}: {vers}"
        );
        let named: Vec<&str> = doc["product_tree"]["relationships"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|rel| rel["product_reference"] == pid.as_str())
            .filter_map(|rel| rel["full_product_name"]["product_id"].as_str())
            .chain([pid.as_str()])
            .collect();
        let known = &doc["vulnerabilities"][0]["product_status"]["known_affected"];
        assert!(
            known
                .as_array()
                .unwrap()
                .iter()
                .any(|k| named.contains(&k.as_str().unwrap_or_default())),
            "{eco}: {known} names none of {named:?}"
        );
        let bytes = serde_json::to_vec(&doc).unwrap();
        let back: Vec<Record> = read("export.json", &bytes, Some(FeedFormat::Csaf))
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(back.len(), 1, "{eco}");
        let a = &back[0].affected;
        assert_eq!(a.len(), 1, "{eco}: {:?}", back[0].affected);
        let p = a[0].package.as_ref().unwrap();
        assert_eq!((p.ecosystem.as_str(), p.name.as_str()), (*eco, *name));
        assert_eq!(
            affected_set(eco, &a[0].ranges),
            affected_set(eco, &r.affected[0].ranges),
            "{eco}: {}",
            serde_json::to_string(&doc["product_tree"]).unwrap()
        );
    }
}

#[test]
fn red_hat_release_is_a_platform_relationship() {
    // Two releases of one package: one platform product each (CPE
    // `cpe:/a:redhat:<release>`), the statuses name the relationships, and
    // each release's fix and listed versions read back under it.
    let r = rec(
        json!({"id":"RHSA-2024:0001","modified":"2024-03-01T00:00:00Z","aliases":["CVE-2024-2000"],
        "affected":[
            {"package":{"ecosystem":"Red Hat:enterprise_linux:9::appstream","name":"openssl"},
             "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1:3.0.7-16.el9_2"}]}]},
            {"package":{"ecosystem":"Red Hat:enterprise_linux:8::appstream","name":"openssl"},
             "versions":["1:1.1.1k-7.el8_6"]}]}),
    );
    for doc in [
        export_advisory(std::slice::from_ref(&r)),
        export_vex(std::slice::from_ref(&r)),
    ] {
        let report = validate(&doc, &ValidateOptions::default());
        assert!(report.is_valid(), "{:#?}", report.findings);
        let tree = &doc["product_tree"];
        let cpes: Vec<&str> = tree["full_product_names"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["product_identification_helper"]["cpe"].as_str())
            .collect();
        assert_eq!(
            cpes,
            [
                "cpe:/a:redhat:enterprise_linux:9::appstream",
                "cpe:/a:redhat:enterprise_linux:8::appstream"
            ]
        );
        let rels = tree["relationships"].as_array().unwrap();
        assert!(rels.iter().all(|r| r["category"] == "default_component_of"));
        let bytes = serde_json::to_vec(&doc).unwrap();
        let back: Vec<Record> = read("export.json", &bytes, Some(FeedFormat::Csaf))
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(back.len(), 1);
        let mut got: Vec<(String, String, Vec<String>, usize)> = back[0]
            .affected
            .iter()
            .map(|a| {
                let p = a.package.as_ref().unwrap();
                (
                    p.ecosystem.clone(),
                    p.name.clone(),
                    a.versions.clone(),
                    a.ranges.len(),
                )
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                (
                    "Red Hat:enterprise_linux:8::appstream".to_string(),
                    "openssl".to_string(),
                    vec!["1:1.1.1k-7.el8_6".to_string()],
                    0
                ),
                (
                    "Red Hat:enterprise_linux:9::appstream".to_string(),
                    "openssl".to_string(),
                    vec![],
                    1
                ),
            ],
            "{}",
            serde_json::to_string_pretty(tree).unwrap()
        );
    }
}
