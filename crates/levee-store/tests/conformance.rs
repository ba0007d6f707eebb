//! The storage conformance suite: the same stories on every backend.
//! SQLite always; PostgreSQL when LEVEE_TEST_DATABASE_URL is set.

use std::sync::Arc;

use levee_model::{ManualClock, Timestamp};
use levee_store::jobs::{JobState, NewJob};
use levee_store::{testing, Store, StoreError};
use serde_json::json;

fn clock() -> ManualClock {
    ManualClock::new(Timestamp::from_secs(1_800_000_000))
}

async fn each(f: impl AsyncFn(&testing::TestDb, Store, ManualClock)) {
    for db in testing::backends().await {
        let c = clock();
        let store = db
            .open(Arc::new(c.clone()))
            .await
            .unwrap_or_else(|e| panic!("{}: open: {e}", db.name));
        eprintln!("story on {}", db.name);
        f(&db, store, c).await;
    }
}

#[tokio::test]
async fn migrations_are_idempotent_and_newer_schema_is_refused() {
    each(async |db, store, c| {
        let v = store.schema_version().await.unwrap();
        assert!(v >= 2, "{}", db.name);
        store.close().await;
        // Reopen: nothing to apply, same version.
        let again = db.open(Arc::new(c.clone())).await.unwrap();
        assert_eq!(again.schema_version().await.unwrap(), v);
        sqlx::query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, 'future', 'x', 0)")
            .execute(again.pool())
            .await
            .unwrap();
        again.close().await;
        match db.open(Arc::new(c.clone())).await {
            Err(StoreError::SchemaTooNew { found: 9999, .. }) => {}
            other => panic!("{}: expected SchemaTooNew, got {other:?}", db.name),
        }
    })
    .await;
}

#[tokio::test]
async fn concurrent_opens_migrate_once() {
    for db in testing::backends().await {
        let c = Arc::new(clock());
        let (a, b) = tokio::join!(db.open(c.clone()), db.open(c.clone()));
        let (a, b) = (a.unwrap(), b.unwrap());
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migrations")
            .fetch_one(a.pool())
            .await
            .unwrap();
        assert_eq!(n, levee_store::MIGRATIONS.len() as i64, "{}", db.name);
        assert_eq!(
            a.schema_version().await.unwrap(),
            b.schema_version().await.unwrap()
        );
    }
}

#[tokio::test]
async fn change_log_is_ordered_and_transactional() {
    each(async |db, store, c| {
        let before = store.last_change_seq().await.unwrap();
        let mut tx = store.write().await.unwrap();
        tx.change("thing", "a", "create", &json!({"n": 1}))
            .await
            .unwrap();
        tx.change("thing", "b", "create", &json!({"n": 2}))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // A rolled-back write leaves nothing behind.
        let mut tx = store.write().await.unwrap();
        tx.change("thing", "c", "create", &json!({})).await.unwrap();
        tx.rollback().await.unwrap();
        c.advance_secs(1);
        let mut tx = store.write().await.unwrap();
        tx.change("thing", "a", "update", &json!({"n": 3}))
            .await
            .unwrap();
        drop(tx); // dropped without commit: rolled back too
        let all = store.changes_since(before, 100).await.unwrap();
        let ids: Vec<_> = all
            .iter()
            .map(|c| (c.object_id.as_str(), c.op.as_str()))
            .collect();
        assert_eq!(ids, [("a", "create"), ("b", "create")], "{}", db.name);
        assert!(all[0].seq < all[1].seq);
        assert_eq!(all[1].data, json!({"n": 2}));
        assert_eq!(store.changes_since(all[0].seq, 100).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn jobs_lease_retry_and_dead_letter() {
    each(async |db, store, c| {
        let id = store
            .enqueue(
                &NewJob::new("probe", json!({"x": 1}))
                    .dedup("once")
                    .max_attempts(2),
            )
            .await
            .unwrap();
        assert!(id.is_some());
        // The same dedup key enqueues nothing.
        assert_eq!(
            store
                .enqueue(&NewJob::new("probe", json!({})).dedup("once"))
                .await
                .unwrap(),
            None
        );
        let id = id.unwrap();

        let job = store.claim_job("w1", 30).await.unwrap().expect("claim");
        assert_eq!(
            (job.id, job.attempts, job.state.clone()),
            (id, 1, JobState::Running),
            "{}",
            db.name
        );
        // Leased: nobody else gets it.
        assert!(store.claim_job("w2", 30).await.unwrap().is_none());
        // Lease expires: w2 takes over, and w1 can no longer complete or fail it.
        c.advance_secs(31);
        let job2 = store
            .claim_job("w2", 30)
            .await
            .unwrap()
            .expect("reclaim after lease");
        assert_eq!((job2.id, job2.attempts), (id, 2));
        let mut tx = store.write().await.unwrap();
        assert!(!store.complete_job_in(&mut tx, id, "w1").await.unwrap());
        tx.rollback().await.unwrap();
        assert_eq!(store.fail_job(id, "w1", "stale").await.unwrap(), None);
        // w2 fails it on its last attempt: dead-lettered.
        assert_eq!(
            store.fail_job(id, "w2", "boom").await.unwrap(),
            Some(JobState::Dead)
        );
        let dead = store.job(id).await.unwrap();
        assert_eq!(dead.state, JobState::Dead);
        assert_eq!(dead.last_error.as_deref(), Some("boom"));
        c.advance_secs(10_000);
        assert!(store.claim_job("w3", 30).await.unwrap().is_none());

        // A retried job waits for its backoff, then completes once.
        let id = store
            .enqueue(&NewJob::new("probe", json!({})))
            .await
            .unwrap()
            .unwrap();
        store.claim_job("w1", 30).await.unwrap().unwrap();
        assert_eq!(
            store.fail_job(id, "w1", "transient").await.unwrap(),
            Some(JobState::Ready)
        );
        assert!(
            store.claim_job("w1", 30).await.unwrap().is_none(),
            "backoff not respected"
        );
        c.advance_secs(levee_store::jobs::backoff_secs(1) + 1);
        let j = store.claim_job("w1", 30).await.unwrap().unwrap();
        assert!(store.heartbeat_job(j.id, "w1", 30).await.unwrap());
        let mut tx = store.write().await.unwrap();
        assert!(store.complete_job_in(&mut tx, j.id, "w1").await.unwrap());
        tx.commit().await.unwrap();
        assert_eq!(store.job(j.id).await.unwrap().state, JobState::Done);
        assert!(!store.heartbeat_job(j.id, "w1", 30).await.unwrap());
    })
    .await;
}

#[tokio::test]
async fn two_pools_claim_each_job_exactly_once() {
    for db in testing::backends().await {
        let c = Arc::new(clock());
        let a = db.open(c.clone()).await.unwrap();
        let b = db.open(c.clone()).await.unwrap();
        let n = 40;
        for i in 0..n {
            a.enqueue(&NewJob::new("probe", json!({"i": i})))
                .await
                .unwrap();
        }
        let worker = |s: Store, name: &'static str| async move {
            let mut got = Vec::new();
            while let Some(j) = s.claim_job(name, 60).await.unwrap() {
                let mut tx = s.write().await.unwrap();
                assert!(s.complete_job_in(&mut tx, j.id, name).await.unwrap());
                tx.commit().await.unwrap();
                got.push(j.id);
            }
            got
        };
        let (x, y) = tokio::join!(worker(a.clone(), "a"), worker(b.clone(), "b"));
        let mut all: Vec<i64> = x.iter().chain(&y).copied().collect();
        all.sort_unstable();
        let before = all.len();
        all.dedup();
        assert_eq!(before, all.len(), "{}: a job ran twice", db.name);
        assert_eq!(all.len(), n, "{}: every job ran", db.name);
    }
}

#[tokio::test]
async fn copy_all_keeps_every_row() {
    let src_db = testing::sqlite();
    let c = Arc::new(clock());
    let src = src_db.open(c.clone()).await.unwrap();
    let mut tx = src.write().await.unwrap();
    for i in 0..25 {
        tx.change("thing", &format!("o{i}"), "create", &json!({"i": i}))
            .await
            .unwrap();
    }
    tx.meta_set("k", "v").await.unwrap();
    tx.commit().await.unwrap();
    src.enqueue(&NewJob::new("probe", json!({}))).await.unwrap();
    let want = src.row_counts().await.unwrap();
    for dst_db in testing::backends().await {
        let dst = dst_db.open(c.clone()).await.unwrap();
        levee_store::backup::copy_all(&src, &dst).await.unwrap();
        assert_eq!(dst.row_counts().await.unwrap(), want, "{}", dst_db.name);
        assert_eq!(
            dst.changes_since(0, 1000).await.unwrap(),
            src.changes_since(0, 1000).await.unwrap()
        );
        // Sequences continue after the copied rows.
        let mut tx = dst.write().await.unwrap();
        let seq = tx
            .change("thing", "new", "create", &json!({}))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(
            seq > src.last_change_seq().await.unwrap(),
            "{}",
            dst_db.name
        );
        // A second copy into a non-empty store is refused.
        assert!(levee_store::backup::copy_all(&src, &dst).await.is_err());
    }
}

#[tokio::test]
async fn sqlite_backup_and_restore_bring_back_every_row() {
    let db = testing::sqlite();
    let c = Arc::new(clock());
    let store = db.open(c.clone()).await.unwrap();
    let mut tx = store.write().await.unwrap();
    for i in 0..50 {
        tx.change("thing", &format!("o{i}"), "create", &json!({"i": i}))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let want = store.row_counts().await.unwrap();
    let dir = db.dir().unwrap();
    let backup = dir.join("backup.db");
    store.backup_to(&backup).await.unwrap();
    assert!(
        store.backup_to(&backup).await.is_err(),
        "refuses to overwrite"
    );
    // Writes after the backup are not in it.
    let mut tx = store.write().await.unwrap();
    tx.change("thing", "late", "create", &json!({}))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    store.close().await;

    let target = dir.join("restored");
    levee_store::backup::restore_sqlite(&backup, &target, c.clone())
        .await
        .unwrap();
    let restored = Store::open(&levee_store::StoreConfig::sqlite_in(&target), c.clone())
        .await
        .unwrap();
    assert_eq!(restored.row_counts().await.unwrap(), want);

    // Not a Levee database: refused, nothing replaced.
    let junk = dir.join("junk.db");
    std::fs::write(&junk, b"not a database at all").unwrap();
    assert!(
        levee_store::backup::restore_sqlite(&junk, &target, c.clone())
            .await
            .is_err()
    );
    assert_eq!(restored.row_counts().await.unwrap(), want);
}

#[tokio::test]
async fn table_list_matches_schema() {
    for db in testing::backends().await {
        let s = db.open(Arc::new(clock())).await.unwrap();
        let mut names: Vec<String> = match s.backend() {
            levee_store::Backend::Sqlite => sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'",
            )
            .fetch_all(s.pool())
            .await
            .unwrap(),
            levee_store::Backend::Postgres => sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'",
            )
            .fetch_all(s.pool())
            .await
            .unwrap(),
        };
        names.sort();
        let mut want: Vec<String> = levee_store::backup::TABLES
            .iter()
            .map(|s| s.to_string())
            .collect();
        want.sort();
        assert_eq!(
            names, want,
            "{}: backup::TABLES must list every table",
            db.name
        );
    }
}

fn kb_row(id: &str, modified: i64, aliases: &[&str], json: &str) -> levee_store::kb::KbRecordRow {
    levee_store::kb::KbRecordRow {
        id: id.into(),
        source: "test".into(),
        modified: Timestamp::from_secs(modified),
        published: None,
        withdrawn: None,
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        related: vec![],
        upstream: vec![],
        summary: Some(format!("summary of {id}")),
        search: format!("{id} summary").to_lowercase(),
        json: json.into(),
        label: levee_store::kb::Label::clear(),
        affected: vec![
            ("PyPI".into(), "django".into(), None),
            ("PyPI".into(), "flask".into(), None),
        ],
    }
}

#[tokio::test]
async fn kb_upsert_is_idempotent_and_newer_wins() {
    use levee_store::kb::Upsert::*;
    each(async |db, store, _c| {
        let rows: Vec<_> = (0..250)
            .map(|i| kb_row(&format!("PYSEC-{i}"), 100, &[], "{}"))
            .collect();
        let mut tx = store.write().await.unwrap();
        let out = tx.kb_upsert(&rows).await.unwrap();
        tx.commit().await.unwrap();
        assert!(out.iter().all(|o| *o == Inserted), "{}", db.name);
        assert_eq!(store.kb_count().await.unwrap(), 250);
        // Re-import: unchanged; an older one: unchanged; a newer one: updated.
        let mut tx = store.write().await.unwrap();
        let again = tx.kb_upsert(&rows[..3]).await.unwrap();
        let older = tx
            .kb_upsert(&[kb_row("PYSEC-1", 50, &[], "{\"old\":1}")])
            .await
            .unwrap();
        let newer = tx
            .kb_upsert(&[kb_row("PYSEC-2", 200, &["CVE-2024-0001"], "{\"new\":1}")])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            (again, older, newer),
            (vec![Unchanged; 3], vec![Unchanged], vec![Updated])
        );
        let r = store.kb_record("PYSEC-2").await.unwrap().unwrap();
        assert_eq!(
            (r.json.as_str(), r.aliases.clone()),
            ("{\"new\":1}", vec!["CVE-2024-0001".to_string()])
        );
        assert_eq!(
            store
                .kb_records_for_package("PyPI", "flask")
                .await
                .unwrap()
                .len(),
            250,
            "affected rows replaced, not doubled"
        );
        // Several by id: the ones that exist, across statement chunks.
        let many: Vec<String> = (0..1200).map(|i| format!("PYSEC-{i}")).collect();
        let mut ask: Vec<&str> = many.iter().map(String::as_str).collect();
        ask.push("NOPE-1");
        let got = store.kb_records_by_ids(&ask).await.unwrap();
        assert_eq!(got.len(), 250, "{}", db.name);
        assert!(got
            .iter()
            .any(|r| r.id == "PYSEC-2" && r.json == "{\"new\":1}"));
        assert!(store.kb_records_by_ids(&[]).await.unwrap().is_empty());
        // Changed-since feed: the updated record comes last.
        let feed = store.kb_changed_since(0, 10_000).await.unwrap();
        assert_eq!(feed.len(), 250);
        assert_eq!(feed.last().unwrap().id, "PYSEC-2");
        // Groups and lookups by alias.
        let mut tx = store.write().await.unwrap();
        tx.kb_set_groups(
            &[("PYSEC-2".into(), "CVE-2024-0001".into())],
            &[(
                "CVE-2024-0001".into(),
                vec!["CVE-2024-0001".into(), "PYSEC-2".into()],
            )],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            store.kb_resolve("PYSEC-2").await.unwrap().as_deref(),
            Some("CVE-2024-0001")
        );
        assert_eq!(store.kb_records_of("CVE-2024-0001").await.unwrap().len(), 1);
        // Several ids at once, across statement chunks: the known ones.
        let mut ask: Vec<&str> = many.iter().map(String::as_str).collect();
        ask.extend(["NOPE-1", "CVE-2024-0001", "PYSEC-2"]);
        let got = store.kb_resolve_many(&ask).await.unwrap();
        let want: std::collections::HashMap<String, String> = [
            ("PYSEC-2".to_string(), "CVE-2024-0001".to_string()),
            ("CVE-2024-0001".to_string(), "CVE-2024-0001".to_string()),
        ]
        .into();
        assert_eq!(got, want, "{}", db.name);
        assert!(store.kb_resolve_many(&[]).await.unwrap().is_empty());
        // The regrouped record moved to the end of the mirror feed, with its new group.
        let feed2 = store
            .kb_changed_since(feed.last().unwrap().seq, 10_000)
            .await
            .unwrap();
        assert_eq!(feed2.len(), 1, "{}", db.name);
        assert_eq!(
            (feed2[0].id.as_str(), feed2[0].vuln_id.as_str()),
            ("PYSEC-2", "CVE-2024-0001")
        );
        assert_eq!(
            store
                .kb_search(&["pysec-249".into()], None, 10)
                .await
                .unwrap()
                .len(),
            1
        );
        // `_` and `%` in a term are literal characters, not wildcards.
        let mut odd = kb_row("GHSA-odd", 100, &[], "{}");
        odd.search = "ghsa-odd typing_extensions 50% off".into();
        let mut tx = store.write().await.unwrap();
        tx.kb_upsert(&[odd]).await.unwrap();
        tx.commit().await.unwrap();
        let hits = |t: &str| {
            let store = store.clone();
            let t = t.to_string();
            async move { store.kb_search(&[t], None, 10).await.unwrap().len() }
        };
        assert_eq!(hits("typing_extensions").await, 1, "{}", db.name);
        assert_eq!(hits("TYPING_ext").await, 1, "{}", db.name);
        assert_eq!(hits("50%").await, 1, "{}", db.name);
        assert_eq!(hits("typing%ext").await, 0, "% is not a wildcard");
        assert_eq!(hits("typingxextensions").await, 0, "_ is not a wildcard");
        assert_eq!(hits("50!").await, 0, "{}", db.name);
    })
    .await;
}

#[tokio::test]
async fn kb_grouped_upsert_tie_break_group_moves_and_classified_enrichment() {
    use levee_store::kb::Upsert::*;
    each(async |db, store, _c| {
        let name = db.name;
        let mut a = kb_row("A", 100, &["CVE-2024-0001"], "{\"v\":1}");
        let mut b = kb_row("A", 100, &["CVE-2024-0001"], "{\"v\":2}");
        a.source = "feed".into();
        b.source = "feed".into();
        let mut tx = store.write().await.unwrap();
        let out = tx
            .kb_upsert_grouped(
                &[a.clone(), b.clone()],
                &["CVE-2024-0001".into(), "CVE-2024-0001".into()],
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(out, vec![Inserted, Updated], "{name}");
        let r = store.kb_record("A").await.unwrap().unwrap();
        assert_eq!(
            (r.json.as_str(), r.vuln_id.as_str()),
            ("{\"v\":2}", "CVE-2024-0001")
        );
        // Same modified, same source: the larger text wins in either order.
        let mut tx = store.write().await.unwrap();
        let again = tx.kb_upsert(&[a.clone(), b.clone()]).await.unwrap();
        let mut other = a.clone();
        other.source = "other-feed".into();
        other.json = "{\"v\":3}".into();
        let other_out = tx.kb_upsert(&[other]).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            (again, other_out),
            (vec![Unchanged, Unchanged], vec![Unchanged]),
            "{name}"
        );
        // Group moves and index rebuilds; an emptied group leaves the index.
        let mut tx = store.write().await.unwrap();
        tx.kb_set_groups(
            &[("A".into(), "CVE-2024-0001".into())],
            &[(
                "CVE-2024-0001".into(),
                vec!["A".into(), "CVE-2024-0001".into()],
            )],
        )
        .await
        .unwrap();
        tx.kb_set_groups(
            &[("A".into(), "A".into())],
            &[
                ("CVE-2024-0001".into(), vec![]),
                ("A".into(), vec!["A".into()]),
            ],
        )
        .await
        .unwrap();
        tx.kb_set_conflicts(&[
            ("A".into(), "GHSA-x".into(), "{}".into()),
            ("A".into(), "GHSA-x".into(), "{}".into()),
        ])
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(store.kb_resolve("A").await.unwrap().as_deref(), Some("A"));
        assert_eq!(store.kb_resolve("CVE-2024-0001").await.unwrap(), None);
        assert_eq!(store.kb_record("A").await.unwrap().unwrap().vuln_id, "A");
        assert_eq!(store.kb_conflicts().await.unwrap().len(), 1);
        assert_eq!(store.kb_ids_count().await.unwrap(), 1);
        // Enrichment: new, unchanged, changed; a repeated key once.
        let kev = |d: &str| {
            (
                "CVE-2024-0001".to_string(),
                "2024-01-01".to_string(),
                d.to_string(),
            )
        };
        let mut tx = store.write().await.unwrap();
        let k1 = tx
            .kb_upsert_kev_classified(&[kev("{}"), kev("{}")])
            .await
            .unwrap();
        let k2 = tx
            .kb_upsert_kev_classified(&[kev("{}"), kev("{\"x\":1}")])
            .await
            .unwrap();
        let e = |s: &str| {
            (
                "CVE-2024-0001".to_string(),
                s.to_string(),
                "0.5".to_string(),
                None,
            )
        };
        let e1 = tx
            .kb_upsert_epss_classified(&[e("0.1"), e("0.2")])
            .await
            .unwrap();
        let c1 = tx
            .kb_upsert_cwe_classified(&[(79, "XSS".into())])
            .await
            .unwrap();
        let c2 = tx
            .kb_upsert_cwe_classified(&[(79, "XSS".into())])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(k1, vec![Inserted, Unchanged], "{name}");
        assert_eq!(k2, vec![Unchanged, Updated], "{name}");
        assert_eq!(e1, vec![Inserted, Updated], "{name}");
        assert_eq!((c1, c2), (vec![Inserted], vec![Unchanged]));
        assert_eq!(
            store.kb_kev("CVE-2024-0001").await.unwrap().unwrap()["x"],
            1
        );
        assert_eq!(
            store.kb_epss("CVE-2024-0001").await.unwrap().unwrap().0,
            "0.2"
        );
        assert_eq!(store.kb_enrichment_counts().await.unwrap(), (1, 1, 1));
        // Several at once: the stored ones, unknown keys absent.
        let cves = ["CVE-2024-0001", "CVE-2099-0001"];
        let kev = store.kb_kev_many(&cves).await.unwrap();
        assert_eq!(kev.len(), 1, "{name}");
        assert_eq!(kev["CVE-2024-0001"]["x"], 1, "{name}");
        let epss = store.kb_epss_many(&cves).await.unwrap();
        assert_eq!(
            epss.get("CVE-2024-0001"),
            Some(&("0.2".to_string(), "0.5".to_string(), None)),
            "{name}"
        );
        assert_eq!(epss.len(), 1, "{name}");
        let cwe = store.kb_cwe_names(&[79, 80]).await.unwrap();
        assert_eq!(cwe, [(79, "XSS".to_string())].into(), "{name}");
        assert!(store.kb_kev_many(&[]).await.unwrap().is_empty());
        assert!(store.kb_epss_many(&[]).await.unwrap().is_empty());
        assert!(store.kb_cwe_names(&[]).await.unwrap().is_empty());
    })
    .await;
}

/// The embedded default in a data directory whose name holds the characters
/// a `sqlite:` URL gives meaning to (`?` parameters, `#`, `%` escapes): the
/// database file lands in that very directory.
#[tokio::test]
async fn sqlite_data_dir_with_url_characters() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("odd ?name#1 %41");
    let cfg = levee_store::StoreConfig::sqlite_in(&dir);
    let store = Store::open(&cfg, Arc::new(clock())).await.unwrap();
    assert!(store.schema_version().await.unwrap() >= 2);
    store.close().await;
    assert!(
        dir.join("levee.db").is_file(),
        "{:?}",
        std::fs::read_dir(t.path()).unwrap().collect::<Vec<_>>()
    );
    // and nothing was created beside it under a truncated name
    assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 1);
}

#[tokio::test]
async fn audit_entries_for_objects_finds_exactly_those_in_chain_order() {
    each(async |db, store, _clock| {
        store
            .load_keyring(&levee_store::keys::MasterKey::generate())
            .await
            .unwrap();
        // 1,100 wanted objects (more than one query's worth), two entries
        // each, interleaved with entries about other objects.
        let mut tx = store.write().await.unwrap();
        for round in 0..2 {
            for i in 0..2200 {
                tx.audit(
                    "t",
                    None,
                    &format!("a{round}"),
                    &format!("obj-{i}"),
                    &json!({}),
                )
                .await
                .unwrap();
                tx.audit("t", None, "noise", &format!("other-{i}"), &json!({}))
                    .await
                    .unwrap();
            }
        }
        tx.commit().await.unwrap();
        let mut wanted: Vec<String> = (0..2200).step_by(2).map(|i| format!("obj-{i}")).collect();
        wanted.push("obj-0".into()); // duplicates are harmless
        wanted.push("never-audited".into());
        let got = store.audit_entries_for_objects(&wanted).await.unwrap();
        assert_eq!(got.len(), 1100 * 2, "{}", db.name);
        assert!(
            got.windows(2).all(|w| w[0].seq < w[1].seq),
            "{}: chain order",
            db.name
        );
        assert!(
            got.iter()
                .all(|e| e.object.starts_with("obj-")
                    && e.object[4..].parse::<u32>().unwrap() % 2 == 0),
            "{}",
            db.name
        );
        // The same as filtering the whole chain.
        let mut all = Vec::new();
        let mut after = 0;
        loop {
            let page = store.audit_entries(after, 1000, None, None).await.unwrap();
            let Some(last) = page.last() else { break };
            after = last.seq;
            all.extend(page.into_iter().filter(|e| wanted.contains(&e.object)));
        }
        let seqs =
            |v: &[levee_store::audit::AuditEntry]| v.iter().map(|e| e.seq).collect::<Vec<_>>();
        assert_eq!(seqs(&got), seqs(&all), "{}", db.name);
        assert!(store
            .audit_entries_for_objects(&[])
            .await
            .unwrap()
            .is_empty());
    })
    .await;
}

/// A job whose worker died on its last attempt is dead-lettered when its
/// lease expires, not handed to the next worker again and again.
#[tokio::test]
async fn a_job_whose_last_lease_expires_is_dead_lettered() {
    each(async |db, store, c| {
        let id = store
            .enqueue(&NewJob::new("probe", json!({})).max_attempts(1))
            .await
            .unwrap()
            .unwrap();
        let other = store
            .enqueue(&NewJob::new("probe", json!({"n": 2})))
            .await
            .unwrap()
            .unwrap();
        let job = store.claim_job("w1", 30).await.unwrap().expect("claim");
        assert_eq!((job.id, job.attempts), (id, 1), "{}", db.name);
        // w1 dies; its lease runs out. The next claim skips the spent job
        // (dead-lettering it) and takes the other one.
        c.advance_secs(31);
        let before = store.changes_since(0, 10_000).await.unwrap();
        let before = before.last().map_or(0, |c| c.seq);
        let next = store.claim_job("w2", 30).await.unwrap().expect("claim");
        assert_eq!(next.id, other, "{}", db.name);
        let dead = store.job(id).await.unwrap();
        assert_eq!(dead.state, JobState::Dead, "{}", db.name);
        // Logged like every other job transition.
        let logged: Vec<(String, String, String)> = store
            .changes_since(before, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|c| (c.kind, c.object_id, c.op))
            .collect();
        assert_eq!(
            logged,
            [("job".to_string(), id.to_string(), "dead".to_string())],
            "{}",
            db.name
        );
        assert!(dead
            .last_error
            .unwrap_or_default()
            .contains("lease expired"));
        c.advance_secs(10_000);
        let again = store.claim_job("w3", 30).await.unwrap();
        assert!(again.is_none_or(|j| j.id != id), "{}", db.name);
    })
    .await;
}

/// `n` vendor organizations, `org 0`, `org 1`, ...: their ids.
async fn vendor_orgs(tx: &mut levee_store::WriteTx, n: usize) -> Vec<String> {
    use levee_model::{Capability, CapabilitySet};
    use levee_store::identity::NewOrg;
    let mut orgs = Vec::new();
    for n in 0..n {
        let o = tx
            .insert_org(&NewOrg {
                name: format!("org {n}"),
                capabilities: CapabilitySet::new([Capability::Vendor]).unwrap(),
                sector: None,
                size: None,
                rural: false,
                contacts: json!({}),
            })
            .await
            .unwrap();
        orgs.push(o.id);
    }
    orgs
}

/// A model of `org`, not opted in: the frontier stories' subject.
async fn model_of(
    tx: &mut levee_store::WriteTx,
    org: &str,
    name: &str,
    at: Timestamp,
) -> levee_store::frontier::Model {
    use levee_store::frontier::NewModel;
    tx.insert_model(
        &NewModel {
            org_id: org.to_string(),
            name: name.to_string(),
            version: "1".into(),
            modality: "text".into(),
            planned_release_at: at,
            opted_in: false,
        },
        "u",
    )
    .await
    .unwrap()
}

/// The frontier batch readers (used by the list routes, so a list costs a
/// bounded number of statements) answer exactly what the one-key readers
/// answer, key by key and in the same order; unknown and repeated keys are
/// harmless, and more keys than one statement takes still find every row.
#[tokio::test]
async fn frontier_batch_readers_match_the_one_key_readers() {
    each(async |db, store, clock| {
        let mut tx = store.write().await.unwrap();
        let orgs = vendor_orgs(&mut tx, 4).await;
        let terms = tx
            .insert_terms(&orgs[0], "use", "1", "t", "body", "00", "u")
            .await
            .unwrap();
        let terms2 = tx
            .insert_terms(&orgs[0], "use", "2", "t", "body 2", "01", "u")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut models = Vec::new();
        // What the test writes, to check the batch readers of runs,
        // consents and acceptances against (their one-key readers are the
        // batch readers with one key).
        let (mut made_runs, mut made_consents, mut made_acc) = (vec![], vec![], vec![]);
        for n in 0..3i64 {
            // Distinct timestamps so that orders are not decided by ids.
            clock.advance_secs(1);
            let mut tx = store.write().await.unwrap();
            let m = model_of(&mut tx, &orgs[0], &format!("m{n}"), store.now()).await;
            for (on, why) in [(true, None), (false, Some("pause"))] {
                made_consents.push(tx.set_consent(&m.id, on, why, "u").await.unwrap());
            }
            // The last model has nothing related but its consents.
            if n < 2 {
                for k in 0..2 {
                    let a = tx
                        .insert_assessment(&m.id, &orgs[1], &format!("c{k}"), None, "u")
                        .await
                        .unwrap();
                    for (v, tasks) in [("1", json!([{"task": k}])), ("2", json!([]))] {
                        made_runs.push(tx.insert_run(&a.id, "s", v, &tasks, "u").await.unwrap());
                    }
                }
                tx.insert_partner(&m.id, &orgs[2], "other", None, "u")
                    .await
                    .unwrap();
                tx.insert_partner(&m.id, &orgs[3], "other", Some("n"), "u")
                    .await
                    .unwrap();
                let grantees = [orgs[3].clone(), orgs[2].clone()];
                for _ in 0..2 {
                    let g = tx
                        .insert_grant(
                            &m.id,
                            "partner",
                            &grantees,
                            store.now(),
                            store.now().plus_secs(60),
                            &[terms.id.clone(), terms2.id.clone()],
                            "u",
                        )
                        .await
                        .unwrap();
                    assert_eq!(g.grantees.len(), 2, "{}", db.name);
                    for o in &grantees {
                        for t in [&terms.id, &terms2.id] {
                            tx.accept_terms(&g.id, o, t, "u").await.unwrap();
                            made_acc.push(levee_store::frontier::Acceptance {
                                grant_id: g.id.clone(),
                                org_id: o.clone(),
                                terms_id: t.clone(),
                                user_id: "u".into(),
                                at: tx.now(),
                            });
                        }
                    }
                }
            }
            tx.commit().await.unwrap();
            models.push(m.id);
        }
        // Every id, an unknown one, a repeat, and more than one statement's
        // worth of padding, most of it sorting before every real id (`a-`
        // < `asm_`, `grt_`, `mdl_`, `trm_`), so the real ids are read by the
        // second statement of 1,000 keys, not the first.
        let keys = |ids: &[String]| -> Vec<String> {
            let mut k: Vec<String> = (0..1200).map(|i| format!("a-{i:04}")).collect();
            k.extend((0..300).map(|i| format!("zz-{i}")));
            k.extend(ids.iter().cloned());
            k.push(ids[0].clone());
            k.reverse();
            k
        };
        let name = db.name;
        let ms = store.frontier_models_in(&keys(&models)).await.unwrap();
        assert_eq!(ms, store.frontier_models(None).await.unwrap(), "{name}");
        // One organization's models: all of these are orgs[0]'s.
        let of = |o: usize| store.frontier_models(Some(&orgs[o]));
        assert_eq!(ms, of(0).await.unwrap(), "{name}");
        assert!(of(1).await.unwrap().is_empty(), "{name}");

        let mut grants = Vec::new();
        let mut assessments = Vec::new();
        let (mut g_all, mut p_all, mut a_all) = (vec![], vec![], vec![]);
        for m in &models {
            let g = store.frontier_grants(Some(m)).await.unwrap();
            grants.extend(g.iter().map(|g| g.id.clone()));
            g_all.push(g);
            p_all.push(store.frontier_partners(Some(m)).await.unwrap());
            let a = store.frontier_assessments(Some(m)).await.unwrap();
            assessments.extend(a.iter().map(|a| a.id.clone()));
            a_all.push(a);
        }
        assert_eq!(grants.len(), 4, "{name}");
        assert_eq!(assessments.len(), 4, "{name}");
        let g = store
            .frontier_grants_of_models(&keys(&models))
            .await
            .unwrap();
        let p = store
            .frontier_partners_of_models(&keys(&models))
            .await
            .unwrap();
        let a = store
            .frontier_assessments_of_models(&keys(&models))
            .await
            .unwrap();
        // Per model, the batch's rows of that model are the one-key answer.
        for (i, m) in models.iter().enumerate() {
            let want: Vec<_> = g.iter().filter(|x| x.model_id == *m).cloned().collect();
            assert_eq!(want, g_all[i], "{name}: grants");
            let want: Vec<_> = p.iter().filter(|x| x.model_id == *m).cloned().collect();
            assert_eq!(want, p_all[i], "{name}: partners");
            let want: Vec<_> = a.iter().filter(|x| x.model_id == *m).cloned().collect();
            assert_eq!(want, a_all[i], "{name}: assessments");
        }
        assert_eq!(g.len(), 4, "{name}");
        assert!(g.iter().all(|g| g.grantees.len() == 2), "{name}");
        assert_eq!(p.len(), 4, "{name}");
        assert_eq!(a.len(), 4, "{name}");

        // Consents, runs and acceptances have no reader of their own to
        // compare with: check the batch (all keys, and the first key alone)
        // against the rows written above, each key's in the documented
        // order.
        fn check<T: Clone + PartialEq + std::fmt::Debug, O: Ord>(
            what: &str,
            keys: &[String],
            got: &[T],
            first: &[T],
            made: &[T],
            key: impl Fn(&T) -> &String,
            order: impl Fn(&T) -> O,
        ) {
            let of = |rows: &[T], k: &String| -> Vec<T> {
                rows.iter().filter(|r| key(r) == k).cloned().collect()
            };
            let mut total = 0;
            for k in keys {
                let mut want = of(made, k);
                assert!(!want.is_empty(), "{what}: nothing made for {k}");
                want.sort_by_key(|r| order(r));
                assert_eq!(of(got, k), want, "{what} of {k}");
                if k == &keys[0] {
                    assert_eq!(first, want, "{what} of the first key alone");
                }
                total += want.len();
            }
            assert_eq!(got.len(), total, "{what}: rows of other keys");
            assert_eq!(made.len(), total, "{what}");
        }
        let c = store
            .frontier_consents_of_models(&keys(&models))
            .await
            .unwrap();
        let c1 = store
            .frontier_consents_of_models(&keys(&models[..1]))
            .await
            .unwrap();
        check(
            &format!("{name}: consents"),
            &models,
            &c,
            &c1,
            &made_consents,
            |r| &r.model_id,
            |r| (r.at, r.id.clone()),
        );
        assert_eq!(c.len(), 6, "{name}: opt-in and opt-out of each model");
        let runs = store
            .frontier_runs_of_assessments(&keys(&assessments))
            .await
            .unwrap();
        let runs1 = store
            .frontier_runs_of_assessments(&keys(&assessments[..1]))
            .await
            .unwrap();
        check(
            &format!("{name}: runs"),
            &assessments,
            &runs,
            &runs1,
            &made_runs,
            |r| &r.assessment_id,
            |r| (r.recorded_at, r.id.clone()),
        );
        assert_eq!(runs.len(), 8, "{name}");
        let acc = store
            .frontier_acceptances_of_grants(&keys(&grants))
            .await
            .unwrap();
        let acc1 = store
            .frontier_acceptances_of_grants(&keys(&grants[..1]))
            .await
            .unwrap();
        check(
            &format!("{name}: acceptances"),
            &grants,
            &acc,
            &acc1,
            &made_acc,
            |r| &r.grant_id,
            |r| (r.at, r.org_id.clone(), r.terms_id.clone()),
        );
        assert_eq!(acc.len(), 16, "{name}");
        let t = store
            .frontier_terms_in(&keys(&[terms.id.clone(), terms2.id.clone()]))
            .await
            .unwrap();
        let mut want = vec![terms.clone(), terms2.clone()];
        want.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(t, want, "{name}");
        for empty in [
            store.frontier_models_in(&[]).await.unwrap().len(),
            store.frontier_grants_of_models(&[]).await.unwrap().len(),
            store.frontier_terms_in(&[]).await.unwrap().len(),
        ] {
            assert_eq!(empty, 0, "{name}");
        }
    })
    .await;
}

/// A withdrawn nomination cannot be decided: the store refuses it with a
/// conflict and writes nothing, however the caller checked before (the
/// server reads the nomination before it takes the write lock, so a
/// withdrawal can land in between). An unknown nomination is not found.
#[tokio::test]
async fn a_withdrawn_nomination_is_not_decided() {
    each(async |db, store, _clock| {
        let name = db.name;
        let mut tx = store.write().await.unwrap();
        let orgs = vendor_orgs(&mut tx, 2).await;
        let m = model_of(&mut tx, &orgs[0], "m", store.now()).await;
        let p = tx
            .insert_partner(&m.id, &orgs[1], "evaluator", None, "u")
            .await
            .unwrap();
        tx.withdraw_partner(&p.id).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.write().await.unwrap();
        let e = tx
            .decide_partner(&p.id, "concur", &orgs[1], None, "gov")
            .await
            .expect_err("a withdrawn nomination was decided");
        assert!(matches!(e, StoreError::Conflict(_)), "{name}: {e:?}");
        drop(tx);
        let mut tx = store.write().await.unwrap();
        let e = tx
            .decide_partner("ptn_missing", "concur", &orgs[1], None, "gov")
            .await
            .expect_err("an unknown nomination was decided");
        assert!(matches!(e, StoreError::NotFound), "{name}: {e:?}");
        drop(tx);
        let after = store.frontier_partner(&p.id).await.unwrap();
        assert!(after.decision.is_none(), "{name}: {after:?}");
        assert!(after.withdrawn_at.is_some(), "{name}");
    })
    .await;
}

/// The batch readers of the knowledge base asked for 2,500 ids — known
/// ones, unknown ones and repeats, spread so that the repeats of one id
/// fall on both sides of a statement boundary (1,000 keys) — answer each
/// known id once, and nothing else.
#[tokio::test]
async fn kb_batch_reads_take_repeated_ids_and_ids_past_one_statement() {
    each(async |db, store, _c| {
        let name = db.name;
        let known: Vec<String> = (0..1100).map(|i| format!("ID-{i:04}")).collect();
        let group_of = |i: usize| format!("G-{}", i % 7);
        let mut groups: Vec<(String, Vec<String>)> =
            (0..7).map(|g| (format!("G-{g}"), vec![])).collect();
        for (i, id) in known.iter().enumerate() {
            groups[i % 7].1.push(id.clone());
        }
        let rows: Vec<_> = known.iter().map(|id| kb_row(id, 100, &[], "{}")).collect();
        let kev: Vec<(String, String, String)> = known
            .iter()
            .map(|id| {
                (
                    id.clone(),
                    "2024-01-01".into(),
                    format!("{{\"id\":\"{id}\"}}"),
                )
            })
            .collect();
        let epss: Vec<(String, String, String, Option<String>)> = known
            .iter()
            .map(|id| (id.clone(), "0.1".into(), "0.2".into(), None))
            .collect();
        let cwe: Vec<(i64, String)> = (0..1100).map(|n| (n, format!("CWE {n}"))).collect();
        let mut tx = store.write().await.unwrap();
        tx.kb_upsert(&rows).await.unwrap();
        tx.kb_set_groups(&[], &groups).await.unwrap();
        tx.kb_upsert_kev(&kev).await.unwrap();
        tx.kb_upsert_epss(&epss).await.unwrap();
        tx.kb_upsert_cwe(&cwe).await.unwrap();
        tx.commit().await.unwrap();

        // 1,100 known ids, 300 unknown ones, the last 800 known ids again
        // from the last down, and the first 300 again: 2,500 ids, 1,400 of
        // them distinct; in the order given, repeats fall both within one
        // run of 1,000 and in runs apart.
        let mut ask: Vec<String> = known.clone();
        ask.extend((0..300).map(|i| format!("NOPE-{i:04}")));
        ask.extend(known.iter().rev().take(800).cloned());
        ask.extend(known.iter().take(300).cloned());
        assert_eq!(ask.len(), 2500);
        let ask: Vec<&str> = ask.iter().map(String::as_str).collect();

        let want: std::collections::HashMap<String, String> = known
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), group_of(i)))
            .collect();
        assert_eq!(store.kb_resolve_many(&ask).await.unwrap(), want, "{name}");

        let mut got: Vec<String> = store
            .kb_records_by_ids(&ask)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        got.sort();
        assert_eq!(got, known, "{name}: each record once");

        let kev = store.kb_kev_many(&ask).await.unwrap();
        assert_eq!(kev.len(), known.len(), "{name}");
        assert!(
            known.iter().all(|id| kev[id]["id"] == id.as_str()),
            "{name}"
        );
        let epss = store.kb_epss_many(&ask).await.unwrap();
        assert_eq!(epss.len(), known.len(), "{name}");
        let numbers: Vec<i64> = (0..2500).map(|n| (n * 7) % 1250).collect();
        let names = store.kb_cwe_names(&numbers).await.unwrap();
        let want: std::collections::HashMap<i64, String> =
            (0..1100).map(|n| (n, format!("CWE {n}"))).collect();
        assert_eq!(names, want, "{name}");
    })
    .await;
}

/// The grant readers (one grant, a model's, all, several models', the
/// transaction's) name every grant column through the grant's alias: a
/// column of the same name in the joined `frontier_grantees` leaves them
/// unambiguous and their answers unchanged.
#[tokio::test]
async fn grant_reads_are_not_ambiguous_with_same_named_grantee_columns() {
    each(async |db, store, _c| {
        let name = db.name;
        let mut tx = store.write().await.unwrap();
        let orgs = vendor_orgs(&mut tx, 2).await;
        let terms = tx
            .insert_terms(&orgs[0], "use", "1", "t", "body", "00", "u")
            .await
            .unwrap();
        let m = model_of(&mut tx, &orgs[0], "m", store.now()).await;
        let g = tx
            .insert_grant(
                &m.id,
                "partner",
                &orgs,
                store.now(),
                store.now().plus_secs(60),
                std::slice::from_ref(&terms.id),
                "u",
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // Every grant column, again in the grantees' table.
        for (col, ty) in [
            ("id", "TEXT"),
            ("model_id", "TEXT"),
            ("audience", "TEXT"),
            ("starts_at", "BIGINT"),
            ("ends_at", "BIGINT"),
            ("terms", "TEXT"),
            ("created_by", "TEXT"),
            ("created_at", "BIGINT"),
            ("revoked_at", "BIGINT"),
            ("revoked_by", "TEXT"),
            ("revoke_reason", "TEXT"),
        ] {
            sqlx::query(&format!(
                "ALTER TABLE frontier_grantees ADD COLUMN {col} {ty}"
            ))
            .execute(store.pool())
            .await
            .unwrap_or_else(|e| panic!("{name}: add {col}: {e}"));
        }
        assert_eq!(g.grantees.len(), 2, "{name}");
        assert_eq!(store.frontier_grant(&g.id).await.unwrap(), g, "{name}");
        assert_eq!(
            store.frontier_grants(Some(&m.id)).await.unwrap(),
            vec![g.clone()],
            "{name}"
        );
        assert_eq!(store.frontier_grants(None).await.unwrap(), vec![g.clone()]);
        assert_eq!(
            store
                .frontier_grants_of_models(&[m.id.clone(), m.id.clone()])
                .await
                .unwrap(),
            vec![g.clone()],
            "{name}"
        );
        let mut tx = store.write().await.unwrap();
        assert_eq!(tx.grant(&g.id).await.unwrap(), g, "{name}");
        assert_eq!(
            tx.live_grants(&m.id, None, Some(&orgs[1])).await.unwrap(),
            vec![g.clone()],
            "{name}"
        );
        tx.rollback().await.unwrap();
        // The revocation list's reader: none, then the one revoked.
        assert!(store.frontier_revoked_grants().await.unwrap().is_empty());
        let mut tx = store.write().await.unwrap();
        assert!(tx.revoke_grant(&g.id, "u", "done").await.unwrap(), "{name}");
        tx.commit().await.unwrap();
        let revoked = store.frontier_revoked_grants().await.unwrap();
        assert_eq!(revoked.len(), 1, "{name}");
        assert_eq!(revoked[0].id, g.id, "{name}");
        assert!(revoked[0].revoked_at.is_some(), "{name}");
        assert_eq!(revoked[0].grantees, g.grantees, "{name}");
    })
    .await;
}
