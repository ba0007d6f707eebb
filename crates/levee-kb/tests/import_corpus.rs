//! Every OSV-format feed of the shared data goes in, on every backend:
//! no panic, no unreadable input, rejections only where a rule per file
//! expects them (an unknown class fails), one vulnerability per flaw (no
//! group holds two CVE ids unless one record lists both), the id index
//! agrees with the records, and a second import changes nothing.

mod import_support;

use std::collections::{HashMap, HashSet};

use import_support::{import, osv_folders, stores};
use levee_formats::group::is_cve;
use levee_kb::import::{is_known_class, ImportOptions};

/// Which rejection classes a shared-data file may produce. Everything not
/// listed must import cleanly.
fn allowed(file: &str, class: &str) -> bool {
    let shape = ["missing_id", "missing_modified", "wrong_type", "not_object"];
    if file.ends_with("hsec-advisories-md.jsonl") || file.ends_with("ocaml-advisories-md.jsonl") {
        // Haskell and OCaml markdown are not RustSec's front matter (their
        // OSV exports sit next to them and are imported instead).
        return ["rustsec_front_matter", "rustsec_invalid"].contains(&class);
    }
    if file.contains("/osv-schema/tools/ghsa/testdata/") && !file.ends_with(".osv.json") {
        // GitHub API shape, not OSV (`severity` is a word).
        return shape.contains(&class);
    }
    if file.contains("/osv-schema/tools/redhat/testdata/CSAF/") {
        return shape.contains(&class);
    }
    if file.ends_with("osv-schema/validation/schema.json")
        || file.ends_with("osv-schema/ecosystems.json")
        || file.ends_with("osv-ghsa-subset/MANIFEST.json")
    {
        return shape.contains(&class);
    }
    if file.contains("/osv-linter/testdata/nointroduced-") {
        return class == "range_without_introduced";
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_shared_osv_corpus_imports_and_groups_soundly() {
    let folders = osv_folders();
    if folders.is_empty() {
        return;
    }
    for (db, store) in stores().await {
        let report = import(&store, &folders, &ImportOptions::default()).await;
        let name = db.name;
        assert!(
            report.sources.len() > 40,
            "{name}: {} sources",
            report.sources.len()
        );
        for s in &report.sources {
            assert!(
                s.unreadable.is_none(),
                "{name}: {} unreadable: {:?}",
                s.file,
                s.unreadable
            );
            assert_eq!(
                s.read,
                s.imported + s.updated + s.unchanged + s.rejected,
                "{name}: {s:?}"
            );
            if s.file.ends_with("-md.jsonl") && !s.file.contains("rustsec") {
                assert!(s.read > 0 && s.rejected == s.read, "{name}: {s:?}");
            }
            if s.file.ends_with(".osv.jsonl") {
                assert!(s.read > 0 && s.rejected == 0, "{name}: {s:?}");
            }
        }
        for r in &report.rejections {
            assert!(is_known_class(&r.class), "{name}: unknown class {r:?}");
            assert!(
                allowed(&r.file, &r.class),
                "{name}: unexpected rejection {r:?}"
            );
            assert!(
                r.line.is_some() || r.entry.is_some(),
                "{name}: no place: {r:?}"
            );
        }
        let t = report.totals();
        assert!(t.imported > 25_000, "{name}: {t:?}");
        assert_eq!(
            store.kb_count().await.unwrap() as u64,
            t.imported,
            "{name}: one stored record per distinct id"
        );

        // Walk the whole store: group -> its records' ids and aliases.
        let mut groups: HashMap<String, Vec<(String, Vec<String>)>> = HashMap::new();
        let mut after = String::new();
        loop {
            let page = store.kb_records_page(&after, 5000).await.unwrap();
            let Some(last) = page.last() else { break };
            after = last.id.clone();
            for r in page {
                groups
                    .entry(r.vuln_id.clone())
                    .or_default()
                    .push((r.id.clone(), r.aliases.clone()));
            }
        }
        let mut attested: HashSet<(String, String)> = HashSet::new();
        for recs in groups.values() {
            for (id, aliases) in recs {
                let mut cves: Vec<&String> = std::iter::once(id)
                    .chain(aliases)
                    .filter(|x| is_cve(x))
                    .collect();
                cves.sort();
                cves.dedup();
                for (i, a) in cves.iter().enumerate() {
                    for b in cves.iter().skip(i + 1) {
                        attested.insert(((*a).clone(), (*b).clone()));
                    }
                }
            }
        }
        let index: HashMap<String, String> =
            levee_store::sqlx::query_as::<_, (String, String)>("SELECT id, vuln_id FROM kb_ids")
                .fetch_all(store.pool())
                .await
                .unwrap()
                .into_iter()
                .collect();
        let refused: HashSet<(String, String)> = store
            .kb_conflicts()
            .await
            .unwrap()
            .into_iter()
            .map(|(r, a, _)| (r, a))
            .collect();
        let mut multi = 0;
        for (key, recs) in &groups {
            let mut cves: Vec<&String> = recs
                .iter()
                .flat_map(|(id, al)| std::iter::once(id).chain(al))
                .filter(|x| is_cve(x))
                .filter(|x| {
                    // An alias whose merge was refused is not in this group.
                    !recs
                        .iter()
                        .any(|(id, _)| refused.contains(&(id.clone(), (*x).clone())))
                })
                .collect();
            cves.sort();
            cves.dedup();
            if cves.len() > 1 {
                multi += 1;
            }
            for (i, a) in cves.iter().enumerate() {
                for b in cves.iter().skip(i + 1) {
                    assert!(
                        attested.contains(&((*a).clone(), (*b).clone())),
                        "{name}: group {key} holds {a} and {b}, which no record lists together"
                    );
                }
            }
            if let Some(c) = cves.first() {
                assert_eq!(
                    key, *c,
                    "{name}: a group with a CVE is keyed by its smallest CVE"
                );
            }
            for (id, aliases) in recs {
                assert_eq!(index.get(id), Some(key), "{name}: index of record {id}");
                for a in aliases {
                    if !refused.contains(&(id.clone(), a.clone())) {
                        assert_eq!(
                            index.get(a),
                            Some(key),
                            "{name}: index of alias {a} of {id}"
                        );
                    }
                }
            }
        }
        assert!(
            multi > 0,
            "{name}: some records legitimately list several CVEs"
        );
        assert_eq!(report.grouping.groups as usize, groups.len(), "{name}");
        assert_eq!(
            report.grouping.conflicts as usize,
            refused.len(),
            "{name}: refused merges stored"
        );

        // Re-import: nothing changes, nothing is written.
        let audit_before = store
            .audit_entries(0, 1000, None, None)
            .await
            .unwrap()
            .len();
        let again = import(&store, &folders, &ImportOptions::default()).await;
        let t2 = again.totals();
        assert_eq!((t2.imported, t2.updated), (0, 0), "{name}: {t2:?}");
        assert_eq!(t2.unchanged, t.imported + t.updated + t.unchanged, "{name}");
        assert_eq!(again.grouping.regrouped, 0, "{name}");
        assert_eq!(
            store
                .audit_entries(0, 1000, None, None)
                .await
                .unwrap()
                .len(),
            audit_before,
            "{name}: an unchanged re-import writes no audit entries"
        );
        assert!(audit_before >= 2, "{name}: imports are audited");
    }
}
