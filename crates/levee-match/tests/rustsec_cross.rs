//! Cross-check on real data: the RustSec advisory-db markdown (converted by
//! levee-formats) and RustSec's own OSV export (`osv` branch) must give the
//! same answers for every version their ranges mention (and neighbours);
//! and every `smallest_fix` must really be unaffected and above the version.

use std::collections::BTreeSet;

use levee_formats::{read_bytes, ReadOptions};
use levee_match::{compile, MatchIndex, Query, Verdict};

fn load(rel: &str) -> Option<(MatchIndex, Vec<levee_formats::Record>)> {
    let p = levee_testdata::shared_data(rel)?;
    let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("{e}"));
    let mut recs = Vec::new();
    for r in read_bytes(rel, &bytes, &ReadOptions::default()) {
        recs.push(r.unwrap_or_else(|e| panic!("{e}")));
    }
    let idx = recs.iter().map(compile).collect();
    Some((idx, recs))
}

#[test]
fn markdown_and_osv_branch_agree() {
    let Some((md, _)) = load("osv-rustsec/rustsec-advisories-md.jsonl") else {
        return;
    };
    let Some((osv, recs)) = load("osv-rustsec/rustsec-osv-branch.osv.jsonl") else {
        return;
    };
    // Compare advisories present on both sides (the branches are
    // snapshots; a few ids exist on one only).
    let md_ids: BTreeSet<String> = md.advisories().map(|a| a.id.clone()).collect();
    let osv_ids: BTreeSet<String> = recs
        .iter()
        .map(|r| r.id.clone())
        .filter(|id| md_ids.contains(id))
        .collect();
    assert!(osv_ids.len() > 1100, "{}", osv_ids.len());
    let mut queries = 0usize;
    let mut affected = 0usize;
    let mut fixes = 0usize;
    for r in &recs {
        for a in &r.affected {
            let Some(p) = &a.package else { continue };
            let mut versions = BTreeSet::new();
            for range in &a.ranges {
                for e in &range.events {
                    let v = e.version().to_string();
                    if let Some((core, _)) = v.split_once('-') {
                        versions.insert(core.to_string());
                    }
                    versions.insert(v);
                }
            }
            for v in versions {
                let q = Query::version(&p.ecosystem, &p.name, &v);
                let a_md: BTreeSet<String> = md
                    .query(&q)
                    .iter()
                    .filter(|f| f.verdict == Verdict::Affected && osv_ids.contains(&f.advisory.id))
                    .map(|f| f.advisory.id.clone())
                    .collect();
                let found = osv.query(&q);
                let a_osv: BTreeSet<String> = found
                    .iter()
                    .filter(|f| f.verdict == Verdict::Affected && osv_ids.contains(&f.advisory.id))
                    .map(|f| f.advisory.id.clone())
                    .collect();
                assert_eq!(a_md, a_osv, "{} {} {v}", p.name, r.id);
                queries += 1;
                affected += a_osv.len();
                for f in &found {
                    let Some(fix) = &f.smallest_fix else { continue };
                    fixes += 1;
                    let after = osv.query(&Query::version(&p.ecosystem, &p.name, fix));
                    assert!(
                        !after.iter().any(|g| g.advisory.id == f.advisory.id),
                        "{}: {} still affected at its smallest fix {fix}",
                        p.name,
                        f.advisory.id
                    );
                    let s = levee_versions::VersionScheme::SemVer;
                    let (Ok(fv), Ok(cv)) = (s.parse(fix), s.parse(&v)) else {
                        panic!("unparsable {fix} / {v}");
                    };
                    assert!(fv > cv, "{fix} <= {v}");
                }
            }
        }
    }
    assert!(
        queries > 3000 && affected > 1000 && fixes > 500,
        "{queries} {affected} {fixes}"
    );
}
