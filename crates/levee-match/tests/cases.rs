//! Data-driven matching cases: `fixtures/advisories.jsonl` (hand-written
//! OSV records) queried with every line of `fixtures/cases.txt`.

use levee_formats::{read_bytes, ReadOptions};
use levee_match::{compile, MatchIndex, Query, Verdict};

fn index() -> MatchIndex {
    let bytes = include_bytes!("fixtures/advisories.jsonl");
    let mut idx = MatchIndex::new();
    for r in read_bytes("advisories.jsonl", bytes, &ReadOptions::default()) {
        let c = compile(&r.unwrap_or_else(|e| panic!("{e}")));
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        idx.insert(c);
    }
    idx
}

fn check(idx: &MatchIndex, line: &str) {
    let parts: Vec<&str> = line.split('|').map(str::trim).collect();
    let [eco, name, v, want] = parts[..] else {
        panic!("bad case line {line:?}");
    };
    let q = match v.strip_prefix('@') {
        Some(c) => Query {
            ecosystem: eco,
            name,
            version: None,
            commit: Some(c),
        },
        None => Query::version(eco, name, v),
    };
    let mut got: Vec<String> = idx
        .query(&q)
        .iter()
        .map(|f| {
            let verdict = match f.verdict {
                Verdict::Affected => "A",
                Verdict::Undecidable => "U",
                Verdict::NotAffected => "N",
            };
            format!(
                "{}={verdict}/{}",
                f.advisory.id,
                f.smallest_fix.as_deref().unwrap_or("-")
            )
        })
        .collect();
    got.sort();
    let mut want: Vec<String> = if want == "none" {
        Vec::new()
    } else {
        want.split_whitespace().map(str::to_string).collect()
    };
    want.sort();
    assert_eq!(got, want, "case {line:?}");
}

#[test]
fn cases() {
    let idx = index();
    let mut n = 0;
    for line in include_str!("fixtures/cases.txt").lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        check(&idx, line);
        n += 1;
    }
    assert!(n >= 25, "{n} cases");
}

#[test]
fn finding_details() {
    let idx = index();
    let f = idx.query(&Query::version("npm", "multi", "2.1.0"));
    let semver = f
        .iter()
        .find(|f| f.advisory.id == "T-SEMVER-1")
        .unwrap_or_else(|| panic!("{f:?}"));
    assert_eq!(semver.fixed, ["1.0.5", "2.3.0"]);
    assert_eq!(semver.advisory.aliases, ["CVE-2024-1000"]);
    assert_eq!(semver.ecosystem, "npm");
    let split = idx.query(&Query::version("npm", "split", "1.3.0"));
    assert_eq!(split[0].fixed, ["1.2.0", "1.4.0"]);
    assert_eq!(split[0].affected_indexes, [1]);
    let info = idx.query(&Query::version("crates.io", "oldcrate", "1.0.0"));
    assert_eq!(info[0].informational, Some("unmaintained"));
    // the withdrawn record is kept but never matches
    assert!(idx.advisory("T-WITHDRAWN-5").is_some_and(|a| a.withdrawn));
    assert_eq!(idx.len(), 11);
    // fixes all findings for the package at once
    let q = Query::version("npm", "multi", "2.1.3");
    let all = idx.query(&q);
    assert_eq!(
        levee_match::smallest_fix_for_all(&idx, &q, &all),
        None,
        "T-NOFIX-8 is affected again from 2.2.5 on"
    );
    let q = Query::version("npm", "multi", "1.0.0");
    let all = idx.query(&q);
    assert_eq!(
        levee_match::smallest_fix_for_all(&idx, &q, &all).as_deref(),
        Some("1.0.5")
    );
}
