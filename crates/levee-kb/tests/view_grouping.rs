//! The vulnerability view agrees with the grouping, on every backend: an
//! alias whose merge the grouping refused (it would have put two CVE ids
//! together that no record lists together) belongs to another
//! vulnerability, so the view neither lists it among its ids, nor takes its
//! KEV / EPSS entries, nor is named after it.

mod import_support;

use std::path::{Path, PathBuf};

use import_support::{import, jsonl, osv, stores, tempdir, write};
use levee_kb::import::ImportOptions;
use levee_kb::view;

const T1: &str = "2024-01-01T00:00:00Z";

/// PYSEC-2020-1 names BIT-demo-1 (CVE-2020-0001) and CVE-2020-0002 as the
/// same flaw; no record lists the two CVEs together, so the merge with
/// CVE-2020-0002 is refused and PYSEC-2020-1 joins CVE-2020-0001.
fn refused_merge(d: &Path) -> PathBuf {
    write(
        d,
        "recs.jsonl",
        &jsonl(&[
            osv("BIT-demo-1", T1, &["CVE-2020-0001"]),
            osv("GHSA-aaaa-bbbb-cccc", T1, &["CVE-2020-0002"]),
            osv("PYSEC-2020-1", T1, &["BIT-demo-1", "CVE-2020-0002"]),
        ]),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_alias_is_not_shown_as_an_id_of_the_vulnerability() {
    let dir = tempdir();
    let d = dir.path();
    let recs = refused_merge(d);
    let kev = write(
        d,
        "kev.csv",
        "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes\n\
CVE-2020-0002,V,P,N,2024-01-02,D,Act,2024-01-23,Known,,\n",
    );
    for (db, store) in stores().await {
        let name = db.name;
        let r = import(
            &store,
            &[recs.clone(), kev.clone()],
            &ImportOptions::default(),
        )
        .await;
        assert_eq!(r.grouping.conflicts, 1, "{name}: {:?}", r.grouping);
        let key = |id: &'static str| {
            let store = store.clone();
            async move { view::resolve(&store, id).await.unwrap() }
        };
        assert_eq!(key("PYSEC-2020-1").await.as_deref(), Some("CVE-2020-0001"));
        assert_eq!(key("CVE-2020-0002").await.as_deref(), Some("CVE-2020-0002"));

        let v = view::load(&store, "CVE-2020-0001", |_| true)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(v.id, "CVE-2020-0001", "{name}");
        assert_eq!(
            v.aliases,
            ["BIT-demo-1", "CVE-2020-0001", "PYSEC-2020-1"],
            "{name}: CVE-2020-0002 is another vulnerability"
        );
        assert!(
            v.kev.is_empty(),
            "{name}: KEV of CVE-2020-0002: {:?}",
            v.kev
        );
        // The record still states its aliases verbatim.
        let p = v.sources.iter().find(|s| s.id == "PYSEC-2020-1").unwrap();
        assert_eq!(p.aliases, ["BIT-demo-1", "CVE-2020-0002"], "{name}");

        // The other vulnerability keeps its CVE and KEV entry.
        let o = view::load(&store, "CVE-2020-0002", |_| true)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            o.aliases,
            ["CVE-2020-0002", "GHSA-aaaa-bbbb-cccc"],
            "{name}"
        );
        assert_eq!(o.kev.len(), 1, "{name}");

        // With the group key's record hidden, the view is not named after
        // the refused CVE.
        let h = view::load(&store, "PYSEC-2020-1", |r| r.id != "BIT-demo-1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(h.id, "PYSEC-2020-1", "{name}");
        assert_eq!(h.aliases, ["BIT-demo-1", "PYSEC-2020-1"], "{name}");
        assert!(h.kev.is_empty(), "{name}");
    }
}

/// Search results and the changed-since feed name each record's
/// vulnerability by the same ids the view shows: PYSEC-2020-1 names
/// CVE-2020-0002, the lowest (and only) CVE id it lists, but that CVE is
/// another vulnerability, so it is not the key the record is listed under.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_alias_is_not_the_key_a_record_is_listed_under() {
    let dir = tempdir();
    let recs = refused_merge(dir.path());
    for (db, store) in stores().await {
        let name = db.name;
        let r = import(
            &store,
            std::slice::from_ref(&recs),
            &ImportOptions::default(),
        )
        .await;
        assert_eq!(r.grouping.conflicts, 1, "{name}: {:?}", r.grouping);
        let all = store.kb_changed_since(0, 100).await.unwrap();
        assert_eq!(all.len(), 3, "{name}");
        let keys = view::list_keys(&store, &all).await.unwrap();
        assert_eq!(keys.len(), all.len(), "{name}");
        for (rec, key) in all.iter().zip(&keys) {
            // The key names the record's own vulnerability.
            assert_eq!(
                view::resolve(&store, key).await.unwrap().as_deref(),
                Some(rec.vuln_id.as_str()),
                "{name}: {} listed as {key}",
                rec.id
            );
        }
        let pysec = all.iter().position(|r| r.id == "PYSEC-2020-1").unwrap();
        assert_eq!(keys[pysec], "PYSEC-2020-1", "{name}");
        // The others keep their CVE.
        let bit = all.iter().position(|r| r.id == "BIT-demo-1").unwrap();
        assert_eq!(keys[bit], "CVE-2020-0001", "{name}");
        let ghsa = all
            .iter()
            .position(|r| r.id == "GHSA-aaaa-bbbb-cccc")
            .unwrap();
        assert_eq!(keys[ghsa], "CVE-2020-0002", "{name}");
    }
}
