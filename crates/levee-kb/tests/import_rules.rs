//! Import semantics on small inputs, on every backend: idempotence, newer
//! `modified` replaces, regrouping when aliases change, older versions
//! ignored (and not regrouped), related links never merge, refused merges
//! stored, withdrawn kept and flagged, labels, enrichment formats with their
//! dates, bad rows and unreadable files, forced formats, RustSec
//! advisory-db directories, osv.dev zips and YAML, audit and change-log
//! entries.

mod import_support;

use std::collections::HashSet;

use import_support::{import, jsonl, osv, stores, tempdir, write};
use levee_kb::import::{Format, ImportOptions};
use levee_model::Tlp;
use levee_store::kb::Label;

const T0: &str = "2023-01-01T00:00:00Z";
const T1: &str = "2024-01-01T00:00:00Z";
const T2: &str = "2024-06-01T00:00:00.5Z";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_group_replace_and_stay_idempotent() {
    let dir = tempdir();
    let d = dir.path();
    let mut w = osv("W-1", T1, &[]);
    w["withdrawn"] = serde_json::json!(T1);
    let mut c = osv("C-1", T1, &[]);
    c["related"] = serde_json::json!(["CVE-2024-0001"]);
    let v1 = write(
        d,
        "v1.jsonl",
        &jsonl(&[
            osv("A-1", T1, &["CVE-2024-0001"]),
            osv("B-1", T1, &["CVE-2024-0001"]),
            c,
            w,
            // Two CVEs chained through one GHSA id: refused.
            osv("X-1", T1, &["CVE-2024-1000", "GHSA-cccc-cccc-cccc"]),
            osv("Y-1", T1, &["CVE-2024-2000", "GHSA-cccc-cccc-cccc"]),
        ]),
    );
    let v2 = write(
        d,
        "v2.json",
        &osv("A-1", T2, &["CVE-2024-0002"]).to_string(),
    );
    let old = write(
        d,
        "old.json",
        &osv("A-1", T0, &["CVE-2024-0009"]).to_string(),
    );
    for (db, store) in stores().await {
        let name = db.name;
        let opts = ImportOptions {
            batch_size: 2,
            ..ImportOptions::default()
        };
        let r = import(&store, std::slice::from_ref(&v1), &opts).await;
        assert_eq!(r.totals().imported, 6, "{name}: {:?}", r.sources);
        let key = |id: &'static str| {
            let store = store.clone();
            async move { store.kb_resolve(id).await.unwrap() }
        };
        assert_eq!(key("A-1").await.as_deref(), Some("CVE-2024-0001"), "{name}");
        assert_eq!(key("B-1").await.as_deref(), Some("CVE-2024-0001"), "{name}");
        assert_eq!(
            key("C-1").await.as_deref(),
            Some("C-1"),
            "{name}: related never merges"
        );
        let wr = store.kb_record("W-1").await.unwrap().unwrap();
        assert!(wr.withdrawn.is_some(), "{name}: withdrawn kept and flagged");
        assert_ne!(
            key("X-1").await,
            key("Y-1").await,
            "{name}: chained CVEs refused"
        );
        let conflicts = store.kb_conflicts().await.unwrap();
        assert_eq!(conflicts.len(), 1, "{name}: {conflicts:?}");
        assert!(
            conflicts[0].2.contains("CVE-2024-"),
            "{name}: {conflicts:?}"
        );
        assert_eq!(r.grouping.conflicts, 1);
        // Batches of two: three transactions, each audited, plus grouping.
        let audit = store.audit_entries(0, 1000, None, None).await.unwrap();
        let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(
            actions.iter().filter(|a| **a == "kb.import").count(),
            3,
            "{name}: {actions:?}"
        );
        assert!(actions.contains(&"kb.group"), "{name}: {actions:?}");
        assert!(audit.iter().all(|a| a.actor == "cli"));
        assert_eq!(
            store.kb_changed_since(0, 100).await.unwrap().len(),
            6,
            "{name}"
        );

        // Same input again: unchanged, nothing written.
        let again = import(&store, std::slice::from_ref(&v1), &opts).await;
        assert_eq!(
            (
                again.totals().unchanged,
                again.totals().imported,
                again.totals().updated
            ),
            (6, 0, 0),
            "{name}"
        );
        assert_eq!(
            store
                .audit_entries(0, 1000, None, None)
                .await
                .unwrap()
                .len(),
            audit.len()
        );

        // A newer A-1 with another CVE: replaced and regrouped.
        let r2 = import(&store, std::slice::from_ref(&v2), &opts).await;
        assert_eq!(r2.totals().updated, 1, "{name}");
        assert_eq!(key("A-1").await.as_deref(), Some("CVE-2024-0002"), "{name}");
        assert_eq!(key("CVE-2024-0002").await.as_deref(), Some("CVE-2024-0002"));
        let g1: HashSet<String> = store
            .kb_records_of("CVE-2024-0001")
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(g1, HashSet::from(["B-1".to_string()]), "{name}");
        let a = store.kb_record("A-1").await.unwrap().unwrap();
        assert_eq!(
            a.modified,
            levee_model::Timestamp::parse_rfc3339(T2).unwrap()
        );
        assert!(a.first_seen <= a.updated_at);
        // An older A-1 changes nothing, grouping included.
        let r3 = import(&store, std::slice::from_ref(&old), &opts).await;
        assert_eq!(r3.totals().unchanged, 1, "{name}");
        assert_eq!(key("A-1").await.as_deref(), Some("CVE-2024-0002"), "{name}");
        assert_eq!(key("CVE-2024-0009").await, None, "{name}");
        // And a later import of something else does not resurrect it.
        let r4 = import(&store, std::slice::from_ref(&v1), &opts).await;
        assert_eq!(r4.totals().unchanged, 6, "{name}: A-1 in v1 is older now");
        assert_eq!(key("CVE-2024-0009").await, None, "{name}");
        assert_eq!(key("A-1").await.as_deref(), Some("CVE-2024-0002"), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labels_formats_and_unreadable_inputs() {
    let dir = tempdir();
    let d = dir.path();
    let forced = write(
        d,
        "records.txt",
        &jsonl(&[osv("F-1", T1, &[]), osv("F-2", T1, &[])]),
    );
    let missing = d.join("does-not-exist.json");
    let garbage = d.join("garbage.json");
    std::fs::write(&garbage, [0u8, 159, 146, 150, 1, 2, 3]).unwrap();
    let bad_lines = write(
        d,
        "mixed.jsonl",
        &format!(
            "{}{{\"id\":\"NO-MOD\"}}\n{{not json\n{}",
            jsonl(&[osv("M-1", T1, &[])]),
            jsonl(&[osv("M-2", T1, &[])])
        ),
    );
    for (db, store) in stores().await {
        let name = db.name;
        let amber = Label {
            tlp: Tlp::Amber,
            owner_org: Some("org-1".into()),
            audience: vec!["org-2".into()],
            recipients: vec![],
            embargo_until: None,
        };
        let opts = ImportOptions {
            format: Some("jsonl".parse::<Format>().unwrap()),
            label: amber.clone(),
            source: Some("partner-feed".into()),
            ..ImportOptions::default()
        };
        let r = import(&store, std::slice::from_ref(&forced), &opts).await;
        assert_eq!(r.sources[0].format, "jsonl");
        assert_eq!(r.totals().imported, 2, "{name}");
        let f = store.kb_record("F-1").await.unwrap().unwrap();
        assert_eq!(
            (f.label, f.source.as_str()),
            (amber, "partner-feed"),
            "{name}"
        );

        let empty = write(d, "empty.jsonl", "\n");
        let r = import(
            &store,
            &[missing.clone(), garbage.clone(), bad_lines.clone(), empty],
            &ImportOptions::default(),
        )
        .await;
        assert_eq!(
            (
                r.sources[3].format.as_str(),
                r.sources[3].read,
                r.sources[3].unreadable.is_none()
            ),
            ("empty", 0, true),
            "{name}: an empty input is not an error"
        );
        let unreadable: Vec<(&str, &str)> = r
            .unreadable()
            .map(|s| (s.file.as_str(), s.unreadable.as_deref().unwrap_or_default()))
            .collect();
        assert_eq!(unreadable.len(), 2, "{name}: {unreadable:?}");
        assert!(
            unreadable[0].1.starts_with("[io]"),
            "{name}: {unreadable:?}"
        );
        assert!(
            unreadable[1].1.starts_with("[unknown_format]"),
            "{name}: {unreadable:?}"
        );
        let m = &r.sources[2];
        assert_eq!((m.read, m.imported, m.rejected), (4, 2, 2), "{name}: {m:?}");
        let lines: Vec<(Option<u64>, &str)> = r
            .rejections
            .iter()
            .filter(|x| x.file.ends_with("mixed.jsonl"))
            .map(|x| (x.line, x.class.as_str()))
            .collect();
        assert_eq!(
            lines,
            [(Some(2), "missing_modified"), (Some(3), "syntax")],
            "{name}"
        );
        let f = store.kb_record("M-1").await.unwrap().unwrap();
        assert_eq!(f.label.tlp, Tlp::Clear, "{name}: public feeds are CLEAR");
        assert_eq!(f.source, "mixed.jsonl");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrichment_feeds_with_dates_and_bad_rows() {
    let dir = tempdir();
    let d = dir.path();
    let first_csv = write(
        d,
        "epss_scores-current.csv",
        "#model_version:v2023.03.01,score_date:2023-03-07T00:00:00+0000\ncve,epss,percentile\n\
CVE-2020-0001,0.01167,0.81942\nCVE-2020-0002,2,0.5\nCVE-2020-0003,0.5,0.5\n",
    );
    let plain = write(
        d,
        "epss-2025-01-31.scsv",
        "CVE-2020-0004;0.100000000;0.200000000\n",
    );
    let api = write(
        d,
        "epss-api.json",
        r#"{"status":"OK","total":1,"data":[{"cve":"CVE-2020-0005","epss":"0.000810000","percentile":"0.336090000","date":"2023-03-08"}]}"#,
    );
    let kev_csv = write(
        d,
        "kev.csv",
        "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes\n\
CVE-2024-0001,V,P,N,2024-01-02,D,Act,2024-01-23,Known,,\"CWE-79, CWE-89\"\n\
CVE-2024-0002,V,P,N,2024-02-30,D,Act,2024-01-23,Unknown,,\n",
    );
    let cwe = write(
        d,
        "cwe.csv",
        "CWE-ID,Name,Weakness Abstraction,Status,Description\n79,Cross-site Scripting,Base,Stable,x\nabc,Bad,Base,Stable,x\n",
    );
    let bad_header = write(
        d,
        "epss-bad.csv",
        "cve,score,percentile\nCVE-2020-0001,0.1,0.1\n",
    );
    for (db, store) in stores().await {
        let name = db.name;
        let paths = [&first_csv, &plain, &api, &kev_csv, &cwe, &bad_header].map(|p| p.clone());
        let r = import(&store, &paths, &ImportOptions::default()).await;
        let fmts: Vec<&str> = r.sources.iter().map(|s| s.format.as_str()).collect();
        assert_eq!(
            fmts,
            ["epss", "epss", "epss", "kev-csv", "cwe-csv", "epss"],
            "{name}"
        );
        let e = |cve: &'static str| {
            let store = store.clone();
            async move { store.kb_epss(cve).await.unwrap() }
        };
        assert_eq!(
            e("CVE-2020-0001").await,
            Some((
                "0.01167".into(),
                "0.81942".into(),
                Some("2023-03-07".into())
            )),
            "{name}: date from the #model_version header"
        );
        assert_eq!(
            e("CVE-2020-0004").await.unwrap().2.as_deref(),
            Some("2025-01-31"),
            "{name}: date from the file name"
        );
        assert_eq!(
            e("CVE-2020-0005").await.unwrap().2.as_deref(),
            Some("2023-03-08"),
            "{name}: API JSON row date"
        );
        assert_eq!(e("CVE-2020-0002").await, None, "{name}: bad row rejected");
        let kev = store.kb_kev("CVE-2024-0001").await.unwrap().unwrap();
        assert_eq!(kev["known_ransomware_campaign_use"], "Known", "{name}");
        assert_eq!(kev["due_date"], "2024-01-23");
        assert_eq!(kev["cwes"], serde_json::json!(["CWE-79", "CWE-89"]));
        assert_eq!(
            store.kb_cwe_name(79).await.unwrap().as_deref(),
            Some("Cross-site Scripting")
        );
        let rej: Vec<(&str, Option<u64>)> = r
            .rejections
            .iter()
            .map(|x| (x.class.as_str(), x.line))
            .collect();
        assert_eq!(
            rej,
            [
                ("epss_row", Some(4)),
                ("kev_entry", Some(3)),
                ("cwe_row", Some(3)),
                ("feed_header", None)
            ],
            "{name}: {:?}",
            r.rejections
        );
        assert!(r.sources[5].unreadable.is_some());
        // Again: unchanged.
        let again = import(&store, &paths[..5], &ImportOptions::default()).await;
        let t = again.totals();
        assert_eq!(
            (t.imported, t.updated, t.unchanged),
            (0, 0, 6),
            "{name}: {t:?}"
        );
        // A newer score replaces.
        let newer = write(
            d,
            "epss-2025-02-01.scsv",
            "CVE-2020-0004;0.300000000;0.400000000\n",
        );
        let r = import(&store, &[newer], &ImportOptions::default()).await;
        assert_eq!(r.totals().updated, 1, "{name}");
        assert_eq!(
            e("CVE-2020-0004").await.unwrap(),
            ("0.3".into(), "0.4".into(), Some("2025-02-01".into()))
        );
        std::fs::remove_file(d.join("epss-2025-02-01.scsv")).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rustsec_advisory_db_directory() {
    let Some(md) = levee_testdata::shared_data("osv-rustsec/rustsec-advisories-md.jsonl") else {
        return;
    };
    let dir = tempdir();
    let d = dir.path();
    // Lay out a small advisory-db checkout: crates/<name>/RUSTSEC-*.md,
    // plus files a walk must skip.
    let mut n = 0;
    for line in std::fs::read_to_string(&md).unwrap().lines().take(25) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        write(d, v["path"].as_str().unwrap(), v["text"].as_str().unwrap());
        n += 1;
    }
    write(d, "README.md", "# RustSec Advisory Database\n");
    write(d, ".git/config", "[core]\n");
    write(d, "support.toml", "x = 1\n");
    for (db, store) in stores().await {
        let r = import(&store, &[d.to_path_buf()], &ImportOptions::default()).await;
        assert_eq!(r.sources.len(), n, "{}: only advisories walked", db.name);
        assert!(
            r.sources.iter().all(|s| s.format == "rustsec-md"),
            "{:?}",
            r.sources
        );
        assert_eq!(
            r.totals().imported as usize,
            n,
            "{}: {:?}",
            db.name,
            r.rejections
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn osv_dev_style_zip_and_yaml() {
    use std::io::Write;
    let Some(go) = levee_testdata::shared_data("osv-go/go-vulndb.osv.jsonl") else {
        return;
    };
    let dir = tempdir();
    let d = dir.path();
    // An osv.dev all.zip: one `<ID>.json` per record at the root.
    let mut w = zip::ZipWriter::new(std::fs::File::create(d.join("all.zip")).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    let mut ids = Vec::new();
    for line in std::fs::read_to_string(&go).unwrap().lines().take(60) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = v["id"].as_str().unwrap().to_string();
        w.start_file(format!("{id}.json"), opts).unwrap();
        w.write_all(line.as_bytes()).unwrap();
        ids.push(id);
    }
    w.finish().unwrap();
    write(
        d,
        "two.yaml",
        "id: Y-1\nmodified: '2024-01-01T00:00:00Z'\naliases: [CVE-2024-7777]\n---\nid: Y-2\nmodified: '2024-01-01T00:00:00Z'\naliases: [CVE-2024-7777]\n",
    );
    for (db, store) in stores().await {
        let name = db.name;
        let r = import(&store, &[d.to_path_buf()], &ImportOptions::default()).await;
        let fmts: Vec<&str> = r.sources.iter().map(|s| s.format.as_str()).collect();
        assert_eq!(fmts, ["zip", "yaml"], "{name}");
        assert_eq!(r.sources[0].imported, 60, "{name}: {:?}", r.rejections);
        for id in &ids {
            let rec = store.kb_record(id).await.unwrap().unwrap();
            assert_eq!(rec.source, "all.zip", "{name}");
        }
        assert_eq!(
            store.kb_resolve("Y-2").await.unwrap().as_deref(),
            Some("CVE-2024-7777")
        );
        assert_eq!(
            store.kb_records_of("CVE-2024-7777").await.unwrap().len(),
            2,
            "{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_of_in_memory_bytes() {
    for (db, store) in stores().await {
        let name = db.name;
        let r = levee_kb::import::import_bytes(
            &store,
            "https://example.invalid/feeds/epss-2025-03-01.csv",
            b"CVE-2021-44228;0.9;1.0\n",
            &ImportOptions::default(),
            &mut |_| {},
        )
        .await
        .unwrap();
        assert_eq!(
            r.sources[0].file,
            "https://example.invalid/feeds/epss-2025-03-01.csv"
        );
        assert_eq!(
            (r.sources[0].format.as_str(), r.sources[0].imported),
            ("epss", 1),
            "{name}"
        );
        let e = store.kb_epss("CVE-2021-44228").await.unwrap().unwrap();
        assert_eq!(
            e.2.as_deref(),
            Some("2025-03-01"),
            "{name}: date from the name"
        );
        let rec = serde_json::to_vec(&osv("MEM-1", T1, &[])).unwrap();
        let r = levee_kb::import::import_bytes(
            &store,
            "feed/MEM-1.json",
            &rec,
            &ImportOptions::default(),
            &mut |_| {},
        )
        .await
        .unwrap();
        assert_eq!(r.totals().imported, 1, "{name}");
        assert_eq!(
            store.kb_record("MEM-1").await.unwrap().unwrap().source,
            "feed/MEM-1.json"
        );
    }
}

/// An import that committed records but died before its final regroup
/// leaves a marker; the next import, even one that writes nothing, finds
/// it and rebuilds the whole alias index.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_import_is_repaired_by_the_next() {
    let dir = tempdir();
    let f = write(
        dir.path(),
        "a.jsonl",
        &jsonl(&[
            osv(
                "GHSA-aaaa-bbbb-cccc",
                "2024-01-01T00:00:00Z",
                &["CVE-2099-0001"],
            ),
            osv("PYSEC-2099-1", "2024-01-01T00:00:00Z", &["CVE-2099-0001"]),
        ]),
    );
    for (db, store) in stores().await {
        let name = db.name;
        import(&store, std::slice::from_ref(&f), &ImportOptions::default()).await;
        let vuln = store.kb_resolve("PYSEC-2099-1").await.unwrap();
        assert_eq!(vuln.as_deref(), Some("CVE-2099-0001"), "{name}");
        // What a crash between the batches and the regroup leaves: records
        // stored, their ids not indexed, the marker still set.
        let mut tx = store.write().await.unwrap();
        tx.kb_set_groups(&[], &[("CVE-2099-0001".into(), Vec::new())])
            .await
            .unwrap();
        tx.meta_set("kb_regroup_pending:crashed", "1")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            store.kb_resolve("PYSEC-2099-1").await.unwrap(),
            None,
            "{name}"
        );
        // A re-import that writes nothing repairs it.
        let r = import(&store, std::slice::from_ref(&f), &ImportOptions::default()).await;
        assert_eq!(r.totals().imported, 0, "{name}");
        for id in ["PYSEC-2099-1", "GHSA-aaaa-bbbb-cccc", "CVE-2099-0001"] {
            assert_eq!(
                store.kb_resolve(id).await.unwrap().as_deref(),
                Some("CVE-2099-0001"),
                "{name}: {id}"
            );
        }
        assert!(
            store
                .meta_keys("kb_regroup_pending:")
                .await
                .unwrap()
                .is_empty(),
            "{name}: markers left"
        );
    }
}

/// Two imports at once: whatever the interleaving, every id either wrote
/// resolves afterwards (a late regroup once rebuilt groups from a snapshot
/// taken before the other import committed, dropping its ids).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_imports_keep_each_others_ids() {
    let dir = tempdir();
    let many: Vec<serde_json::Value> = (0..3000)
        .map(|i| {
            osv(
                &format!("GHSA-{i:04}-aaaa-bbbb"),
                "2024-01-01T00:00:00Z",
                &[&format!("CVE-2098-{i:04}")],
            )
        })
        .collect();
    let a = write(dir.path(), "a.jsonl", &jsonl(&many));
    let b = write(
        dir.path(),
        "b.jsonl",
        &jsonl(&[osv(
            "PYSEC-2098-1",
            "2024-01-01T00:00:00Z",
            &["CVE-2098-0001", "BIT-zzzz-2098-0001"],
        )]),
    );
    let opts = ImportOptions {
        batch_size: 50,
        ..ImportOptions::default()
    };
    for (db, store) in stores().await {
        let name = db.name;
        let (ra, rb) = tokio::join!(import(&store, std::slice::from_ref(&a), &opts), async {
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
            import(&store, std::slice::from_ref(&b), &opts).await
        });
        assert_eq!(ra.totals().imported + rb.totals().imported, 3001, "{name}");
        for id in [
            "PYSEC-2098-1",
            "BIT-zzzz-2098-0001",
            "GHSA-0001-aaaa-bbbb",
            "GHSA-2999-aaaa-bbbb",
        ] {
            assert!(
                store.kb_resolve(id).await.unwrap().is_some(),
                "{name}: {id} not indexed"
            );
        }
        assert_eq!(
            store
                .kb_resolve("BIT-zzzz-2098-0001")
                .await
                .unwrap()
                .as_deref(),
            Some("CVE-2098-0001"),
            "{name}"
        );
    }
}
