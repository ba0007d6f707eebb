//! Alias grouping over every shared OSV corpus: no group holds two CVE ids
//! unless one source record lists both; Log4Shell groups across feeds.

mod common;

use std::collections::{HashMap, HashSet};

use levee_formats::group::is_cve;
use levee_formats::{read_bytes, Grouper, ReadOptions, Record};

fn all_records() -> Vec<Record> {
    let mut out = Vec::new();
    for f in common::osv_jsonl_files() {
        if common::is_non_rustsec_markdown(&f) {
            continue;
        }
        let bytes = std::fs::read(&f).unwrap();
        out.extend(
            read_bytes(&f.display().to_string(), &bytes, &ReadOptions::default())
                .filter_map(Result::ok),
        );
    }
    out
}

fn attested_pairs<'a>(
    sources: impl IntoIterator<Item = (&'a str, &'a [String])>,
) -> HashSet<(String, String)> {
    let mut pairs = HashSet::new();
    for (id, aliases) in sources {
        let mut cves: Vec<&str> = std::iter::once(id)
            .chain(aliases.iter().map(String::as_str))
            .filter(|x| is_cve(x))
            .collect();
        cves.sort_unstable();
        cves.dedup();
        for (i, a) in cves.iter().enumerate() {
            for b in cves.iter().skip(i + 1) {
                pairs.insert((a.to_string(), b.to_string()));
            }
        }
    }
    pairs
}

#[test]
fn no_group_chains_two_cves_and_order_does_not_matter() {
    let records = all_records();
    if records.is_empty() {
        return;
    }
    let mut g = Grouper::new();
    for r in &records {
        g.add_record(r);
    }
    let pairs = attested_pairs(
        records
            .iter()
            .map(|r| (r.id.as_str(), r.aliases.as_slice())),
    );
    let groups = g.groups();
    let mut multi_cve = 0;
    for grp in &groups {
        if grp.cves.len() > 1 {
            multi_cve += 1;
        }
        for (i, a) in grp.cves.iter().enumerate() {
            for b in grp.cves.iter().skip(i + 1) {
                assert!(
                    pairs.contains(&(a.clone(), b.clone())),
                    "group {} joins {a} and {b} without a record listing both",
                    grp.key
                );
            }
        }
    }
    // Every record is in exactly one group.
    let mut seen = HashMap::new();
    for grp in &groups {
        for r in &grp.records {
            assert!(
                seen.insert(r.clone(), grp.key.clone()).is_none(),
                "{r} in two groups"
            );
        }
    }
    let ids: HashSet<&str> = records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(seen.len(), ids.len());
    // Records sharing a CVE alias group together (cross-feed merging happens).
    let merged = groups.iter().filter(|grp| grp.records.len() > 1).count();
    assert!(merged > 100, "only {merged} multi-record groups");
    eprintln!(
        "{} records, {} groups, {} multi-record, {} with several (attested) CVEs, {} conflicts",
        records.len(),
        groups.len(),
        merged,
        multi_cve,
        g.conflicts().len()
    );
    for c in g.conflicts().iter().take(10) {
        eprintln!("conflict: {c:?}");
    }
    // Reverse order gives the same groups.
    let mut rev = Grouper::new();
    for r in records.iter().rev() {
        rev.add_record(r);
    }
    assert_eq!(rev.groups(), groups);
    assert_eq!(rev.conflicts(), g.conflicts());
}

/// Log4Shell is in no shared OSV feed (checked: neither CVE-2021-44228 nor
/// GHSA-jfh8-c2jp-5v3q is an id or alias in any osv-* file). It is in the
/// GitLab community advisories (three packages, each listing the CVE and the
/// GHSA) and in Debian's DSA list (DSA-5020-1). GitLab identifiers are
/// aliases; a DSA fixes CVEs, so its CVEs are `related` (as in OSV's Debian
/// records), a link, not a merge. GHSA-fp5r-v3w9-4333 (CVE-2021-4104, log4j 1.x)
/// only mentions Log4Shell in prose and must stay apart.
#[test]
fn log4shell_groups_across_feeds() {
    let (Some(gl), Some(dsa)) = (
        levee_testdata::shared_data(
            "gitlab-advisories-community/gitlab-advisories-community.jsonl",
        ),
        levee_testdata::shared_data("debian-dsa-dla/debian-dsa.jsonl"),
    ) else {
        return;
    };
    let mut g = Grouper::new();
    for r in all_records() {
        g.add_record(&r);
    }
    let mut gitlab_ids = Vec::new();
    for line in std::fs::read_to_string(gl).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let d = &v["data"];
        let ids: Vec<String> = d["identifiers"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect();
        let id = format!(
            "GITLAB:{}:{}",
            d["package_slug"].as_str().unwrap(),
            d["identifier"].as_str().unwrap()
        );
        if ids.iter().any(|x| x == "CVE-2021-44228") {
            gitlab_ids.push(id.clone());
        }
        g.add(&id, &ids, &[], &[]);
    }
    let mut dsa_ids = Vec::new();
    for line in std::fs::read_to_string(dsa).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap();
        let Some(id) = text.split_whitespace().find(|w| w.starts_with("DSA-")) else {
            continue;
        };
        let cves: Vec<String> = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .filter(|w| is_cve(w))
            .map(String::from)
            .collect();
        if cves.iter().any(|c| c == "CVE-2021-44228") {
            dsa_ids.push(id.to_string());
        }
        g.add(id, &[], &cves, &[]);
    }
    assert!(gitlab_ids.len() >= 3, "{gitlab_ids:?}");
    assert_eq!(dsa_ids, ["DSA-5020-1"]);
    let grp = g.group("CVE-2021-44228").unwrap();
    assert_eq!(grp.key, "CVE-2021-44228");
    assert_eq!(grp.cves, ["CVE-2021-44228"]);
    assert!(grp.ids.contains(&"GHSA-jfh8-c2jp-5v3q".to_string()));
    for id in &gitlab_ids {
        assert!(grp.records.contains(id), "{id} not grouped: {grp:?}");
    }
    assert_eq!(
        g.group_key("GHSA-jfh8-c2jp-5v3q").as_deref(),
        Some("CVE-2021-44228")
    );
    assert_eq!(
        g.group_key("GHSA-fp5r-v3w9-4333").as_deref(),
        Some("CVE-2021-4104")
    );
    assert_ne!(g.group_key("DSA-5020-1").as_deref(), Some("CVE-2021-44228"));
    assert!(g
        .links()
        .iter()
        .any(|l| l.from == "DSA-5020-1" && l.to == "CVE-2021-44228"));
}
