//! Converted records merge only through aliases: a CVE present in a GitLab
//! record and in a CVE JSON 5 record becomes one group carrying CISA's SSVC
//! decision points; bundles (Debian DSA/DLA, multi-CVE Node.js and Alpine
//! entries) only link, so no group ever holds two CVE ids.

use std::collections::HashMap;

use levee_feeds::read;
use levee_formats::{Grouper, Record};

fn load(rel: &str) -> Option<Vec<Record>> {
    let p = levee_testdata::shared_data(rel)?;
    let bytes = std::fs::read(p).ok()?;
    Some(read(rel, &bytes, None).filter_map(Result::ok).collect())
}

#[test]
fn gitlab_and_cve5_merge_with_ssvc() {
    let (Some(gl), Some(cve)) = (
        load("gitlab-advisories-community/gitlab-advisories-community.jsonl"),
        load("cve-json5/vulnrichment-cve5.jsonl"),
    ) else {
        return;
    };
    let cve_by_id: HashMap<&str, &Record> = cve.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut g = Grouper::new();
    for r in gl.iter().chain(cve.iter()) {
        g.add_record(r);
    }
    let mut merged = 0;
    let mut with_ssvc = 0;
    for r in &gl {
        for a in r
            .aliases
            .iter()
            .filter(|a| cve_by_id.contains_key(a.as_str()))
        {
            let group = g.group(&r.id).expect("grouped");
            assert_eq!(
                g.group_key(a).as_deref(),
                Some(group.key.as_str()),
                "{} and {a} in one group",
                r.id
            );
            assert!(group.records.contains(&r.id) && group.records.contains(a));
            assert_eq!(group.cves, vec![a.clone()]);
            merged += 1;
            let cve_rec = cve_by_id[a.as_str()];
            let ds = cve_rec.database_specific.as_ref().unwrap().to_value();
            if let Some(ssvc) = ds.get("ssvc").and_then(|s| s.as_array()) {
                let first = &ssvc[0];
                assert!(
                    first.get("exploitation").is_some() && first.get("technical_impact").is_some(),
                    "{a}: {first}"
                );
                with_ssvc += 1;
            }
        }
    }
    eprintln!("{merged} GitLab records merged with a CVE JSON 5 record, {with_ssvc} with SSVC");
    assert!(
        merged >= 5 && with_ssvc >= 5,
        "merged {merged}, with ssvc {with_ssvc}"
    );
}

#[test]
fn bundles_never_merge_two_cves() {
    let mut g = Grouper::new();
    let mut n = 0;
    for rel in [
        "debian-dsa-dla/debian-dsa.jsonl",
        "debian-dsa-dla/debian-dla.jsonl",
        "nodejs-security-wg/nodejs-security-wg-npm.jsonl",
        "nodejs-security-wg/nodejs-security-wg-core.jsonl",
        "alpine-secdb/alpine-secdb.jsonl",
        "rubysec/ruby-advisory-db.jsonl",
        "friendsofphp/friendsofphp-security-advisories.jsonl",
        "hex-elixir-advisories/elixir-security-advisories.jsonl",
    ] {
        let Some(recs) = load(rel) else {
            return;
        };
        for r in &recs {
            let cves = r.ids().filter(|i| levee_formats::group::is_cve(i)).count();
            assert!(cves <= 1, "{} lists {cves} CVEs as id/aliases", r.id);
            g.add_record(r);
            n += 1;
        }
    }
    for grp in g.groups() {
        assert!(
            grp.cves.len() <= 1,
            "group {} holds {:?}",
            grp.key,
            grp.cves
        );
    }
    let conflicts = g.conflicts();
    eprintln!(
        "{} refused merges, e.g. {:?}",
        conflicts.len(),
        conflicts.iter().take(5).collect::<Vec<_>>()
    );
    // Rule: the only refused merges are RubySec advisories whose OSVDB id
    // covers two CVEs in two files (data of the source, refused by the
    // grouper as it must be).
    for c in &conflicts {
        assert!(
            c.record.starts_with("RUBYSEC-") && c.alias.starts_with("OSVDB-"),
            "{c:?}"
        );
    }
    // DSA records link to their CVEs.
    let dsa = g
        .links()
        .into_iter()
        .filter(|l| l.from.starts_with("DSA-"))
        .count();
    assert!(dsa > 1000, "{dsa} DSA links");
    eprintln!("{n} records, {} groups", g.groups().len());
}
