//! RustSec markdown -> OSV, compared with RustSec's own OSV export (the
//! advisory-db `osv` branch) for every `crates/` advisory.

use levee_formats::rustsec::{parse_rustsec_md, Collection};
use levee_formats::{Event, Limits, Record};
use serde_json::Value;
use std::collections::HashMap;

fn lines(rel: &str) -> Option<String> {
    let p = levee_testdata::shared_data(rel)?;
    Some(std::fs::read_to_string(p).expect("read shared data"))
}

#[test]
fn markdown_agrees_with_osv_branch() {
    let (Some(md), Some(osv)) = (
        lines("osv-rustsec/rustsec-advisories-md.jsonl"),
        lines("osv-rustsec/rustsec-osv-branch.osv.jsonl"),
    ) else {
        return;
    };
    let limits = Limits::default();
    let mut expected: HashMap<String, Record> = HashMap::new();
    for l in osv.lines().filter(|l| !l.trim().is_empty()) {
        let r = Record::from_json(l, &limits).expect("OSV branch record parses");
        expected.insert(r.id.clone(), r);
    }
    let mut compared = 0;
    let mut rust_collection = 0;
    let mut mismatches = Vec::new();
    for l in md.lines().filter(|l| !l.trim().is_empty()) {
        let w: Value = serde_json::from_str(l).unwrap();
        let path = w["path"].as_str().unwrap();
        let text = w["text"].as_str().unwrap();
        let a =
            parse_rustsec_md(Some(path), text, &limits).unwrap_or_else(|e| panic!("{path}: {e}"));
        if a.collection == Collection::Rust {
            assert!(path.starts_with("rust/"));
            rust_collection += 1;
            continue;
        }
        let Some(exp) = expected.get(&a.id) else {
            mismatches.push(format!("{}: not in the OSV branch", a.id));
            continue;
        };
        compared += 1;
        let got = &a.record;
        let mut diff = |what: &str, g: String, e: String| {
            if g != e {
                mismatches.push(format!("{} {what}: got {g} expected {e}", a.id));
            }
        };
        diff(
            "aliases",
            format!("{:?}", got.aliases),
            format!("{:?}", exp.aliases),
        );
        diff(
            "related",
            format!("{:?}", got.related),
            format!("{:?}", exp.related),
        );
        diff(
            "summary",
            format!("{:?}", got.summary),
            format!("{:?}", exp.summary),
        );
        diff(
            "details",
            format!("{:?}", got.details),
            format!("{:?}", exp.details),
        );
        diff(
            "published",
            format!("{:?}", got.published.as_ref().map(|t| t.as_str())),
            format!("{:?}", exp.published.as_ref().map(|t| t.as_str())),
        );
        diff(
            "withdrawn",
            format!("{:?}", got.withdrawn.as_ref().map(|t| t.as_str())),
            format!("{:?}", exp.withdrawn.as_ref().map(|t| t.as_str())),
        );
        diff(
            "severity",
            format!("{:?}", got.severity),
            format!("{:?}", exp.severity),
        );
        diff(
            "references",
            format!("{:?}", got.references),
            format!("{:?}", exp.references),
        );
        let ga = &got.affected;
        let ea = &exp.affected;
        diff("affected.len", ga.len().to_string(), ea.len().to_string());
        if let (Some(g), Some(e)) = (ga.first(), ea.first()) {
            diff(
                "package",
                format!("{:?}", g.package),
                format!("{:?}", e.package),
            );
            let ev = |r: &[levee_formats::Range]| -> Vec<Vec<Event>> {
                r.iter().map(|r| r.events.clone()).collect()
            };
            diff(
                "ranges",
                format!("{:?}", ev(&g.ranges)),
                format!("{:?}", ev(&e.ranges)),
            );
            diff(
                "ecosystem_specific",
                format!("{:?}", g.ecosystem_specific.as_ref().map(|r| r.to_value())),
                format!("{:?}", e.ecosystem_specific.as_ref().map(|r| r.to_value())),
            );
            diff(
                "database_specific",
                format!("{:?}", g.database_specific.as_ref().map(|r| r.to_value())),
                format!("{:?}", e.database_specific.as_ref().map(|r| r.to_value())),
            );
        }
        diff(
            "database_specific",
            format!("{:?}", got.database_specific.as_ref().map(|r| r.to_value())),
            format!("{:?}", exp.database_specific.as_ref().map(|r| r.to_value())),
        );
    }
    for m in mismatches.iter().take(30) {
        eprintln!("{m}");
    }
    assert!(compared > 1000, "compared only {compared}");
    assert!(rust_collection > 0);
    assert!(
        mismatches.is_empty(),
        "{} mismatches (first shown above)",
        mismatches.len()
    );
}
