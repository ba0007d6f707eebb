//! `rustsec::compile_md` (the fast path) agrees with
//! `levee_formats::parse_rustsec_md` + `compile` on every advisory of the
//! shared advisory-db: same accept/refuse decision, same advisory info, same
//! packages, same fixed versions, same answers on every event version.

use std::collections::BTreeSet;

use levee_formats::{parse_rustsec_md, Limits};
use levee_match::{compile, rustsec::compile_md, MatchIndex, Query};

#[test]
fn fast_path_equals_record_path() {
    let Some(p) = levee_testdata::shared_data("osv-rustsec/rustsec-advisories-md.jsonl") else {
        return;
    };
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{e}"));
    let limits = Limits::default();
    let mut fast_idx = MatchIndex::new();
    let mut slow_idx = MatchIndex::new();
    let mut probes: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut n = 0;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
        let (path, md) = (
            v["path"].as_str().unwrap_or(""),
            v["text"].as_str().unwrap_or(""),
        );
        let fast = compile_md(Some(path), md, &limits);
        let slow = parse_rustsec_md(Some(path), md, &limits);
        assert_eq!(
            fast.is_ok(),
            slow.is_ok(),
            "{path}: {:?} vs {:?}",
            fast.as_ref().err(),
            slow.as_ref().err()
        );
        let (Ok(fast), Ok(slow)) = (fast, slow) else {
            continue;
        };
        let slow = compile(&slow.record);
        assert_eq!(fast.info, slow.info, "{path}");
        assert_eq!(fast.packages.len(), slow.packages.len(), "{path}");
        for (a, b) in fast.packages.iter().zip(&slow.packages) {
            assert_eq!(
                (&a.ecosystem, &a.name, &a.informational),
                (&b.ecosystem, &b.name, &b.informational),
                "{path}"
            );
            assert_eq!(a.fixed(), b.fixed(), "{path}");
        }
        for rec_pkg in &slow.packages {
            for f in rec_pkg.fixed() {
                probes.insert((rec_pkg.ecosystem.clone(), rec_pkg.name.clone(), f.clone()));
                if let Some((core, _)) = f.split_once('-') {
                    probes.insert((
                        rec_pkg.ecosystem.clone(),
                        rec_pkg.name.clone(),
                        core.to_string(),
                    ));
                }
            }
            probes.insert((
                rec_pkg.ecosystem.clone(),
                rec_pkg.name.clone(),
                "0.0.1".into(),
            ));
        }
        fast_idx.insert(fast);
        slow_idx.insert(slow);
        n += 1;
    }
    assert!(n > 1200, "{n}");
    for (eco, name, v) in &probes {
        let q = Query::version(eco, name, v);
        assert_eq!(fast_idx.query(&q), slow_idx.query(&q), "{eco} {name} {v}");
    }
    assert!(probes.len() > 1500, "{}", probes.len());
}
