//! Log4Shell (CVE-2021-44228) imported from several feeds is one
//! vulnerability, with its KEV entry and EPSS score from the imported
//! enrichment feeds. The OSV feeds in the shared data do not carry it
//! (see SOURCES.md), so it comes from: a GHSA-shaped OSV fixture, GitLab's
//! advisory database and Debian's DSA list through the native-format hook
//! (small test converters; the real ones are `levee-feeds`), and CISA KEV,
//! EPSS and CWE from the shared data.

mod import_support;

use std::sync::Arc;

use import_support::{import, stores, tempdir, write, DebianDsaForTests, GitlabForTests};
use levee_kb::import::ImportOptions;

const CVE: &str = "CVE-2021-44228";

fn lines_with(path: &std::path::Path, needle: &str) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| l.contains(needle))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log4shell_is_one_vulnerability_with_kev_and_epss() {
    let (Some(gitlab), Some(dsa), Some(kev), Some(epss), Some(cwe)) = (
        levee_testdata::shared_data(
            "gitlab-advisories-community/gitlab-advisories-community.jsonl",
        ),
        levee_testdata::shared_data("debian-dsa-dla/debian-dsa.jsonl"),
        levee_testdata::shared_data("cisa-kev/known_exploited_vulnerabilities.json"),
        levee_testdata::shared_data("epss/emba-epss-snapshot-2026-08-16.scsv"),
        levee_testdata::shared_data("cwe/1000.csv"),
    ) else {
        return;
    };
    let dir = tempdir();
    // The GitLab and Debian entries that mention Log4Shell, as files of
    // their own (converting all 11,544 GitLab records adds nothing here).
    let gl = write(
        dir.path(),
        "gitlab-log4shell.jsonl",
        &lines_with(&gitlab, CVE),
    );
    let deb = write(
        dir.path(),
        "debian-dsa-log4shell.jsonl",
        &lines_with(&dsa, CVE),
    );
    let ghsa = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/GHSA-jfh8-c2jp-5v3q.json");
    let opts = ImportOptions {
        natives: vec![Arc::new(GitlabForTests), Arc::new(DebianDsaForTests)],
        ..ImportOptions::default()
    };
    for (db, store) in stores().await {
        let name = db.name;
        let mut paths = vec![
            ghsa.clone(),
            gl.clone(),
            deb.clone(),
            kev.clone(),
            cwe.clone(),
        ];
        // The full EPSS snapshot (360,142 rows) once, on SQLite; a slice of
        // it (same file name, so the same date) elsewhere to keep the
        // suite quick.
        if name == "sqlite" {
            paths.push(epss.clone());
        } else {
            let slice = dir.path().join("pg").join(epss.file_name().unwrap());
            std::fs::create_dir_all(slice.parent().unwrap()).unwrap();
            let text = std::fs::read_to_string(&epss).unwrap();
            let keep: String = text
                .lines()
                .filter(|l| l.starts_with("CVE-2021-4"))
                .map(|l| format!("{l}\n"))
                .collect();
            std::fs::write(&slice, keep).unwrap();
            paths.push(slice);
        }
        let report = import(&store, &paths, &opts).await;
        for s in &report.sources {
            assert!(s.unreadable.is_none(), "{name}: {s:?}");
        }
        let formats: Vec<&str> = report.sources.iter().map(|s| s.format.as_str()).collect();
        assert_eq!(
            formats,
            [
                "json",
                "gitlab-test",
                "debian-dsa-test",
                "kev-json",
                "cwe-csv",
                "epss"
            ],
            "{name}: formats detected from content"
        );
        assert!(
            report.rejections.is_empty(),
            "{name}: {:?}",
            report.rejections
        );
        let kev_src = &report.sources[3];
        assert_eq!(kev_src.read, 1404, "{name}: every KEV entry read");
        assert_eq!(kev_src.imported, 1404, "{name}");
        if name == "sqlite" {
            assert_eq!(
                report.sources[5].imported, 360_142,
                "{name}: every EPSS row"
            );
        }

        // One vulnerability, reachable from every id.
        let key = store.kb_resolve(CVE).await.unwrap();
        assert_eq!(key.as_deref(), Some(CVE), "{name}");
        for id in [
            "GHSA-jfh8-c2jp-5v3q",
            "DSA-5020-1",
            "GITLAB-maven/org.apache.logging.log4j/log4j-core/CVE-2021-44228",
        ] {
            assert_eq!(
                store.kb_resolve(id).await.unwrap().as_deref(),
                Some(CVE),
                "{name}: {id}"
            );
        }
        let recs = store.kb_records_of(CVE).await.unwrap();
        let ids: Vec<&str> = recs.iter().map(|r| r.id.as_str()).collect();
        assert!(ids.contains(&"GHSA-jfh8-c2jp-5v3q"), "{name}: {ids:?}");
        assert!(ids.contains(&"DSA-5020-1"), "{name}: {ids:?}");
        assert!(
            ids.iter().filter(|i| i.starts_with("GITLAB-")).count() >= 3,
            "{name}: {ids:?}"
        );
        // Provenance kept per record, verbatim.
        let ghsa_rec = recs.iter().find(|r| r.id.starts_with("GHSA-")).unwrap();
        assert_eq!(ghsa_rec.source, "GHSA-jfh8-c2jp-5v3q.json");
        assert_eq!(
            ghsa_rec.json,
            std::fs::read_to_string(&ghsa).unwrap().trim_end(),
            "{name}: stored verbatim"
        );
        assert_eq!(ghsa_rec.label.tlp, levee_model::Tlp::Clear, "{name}");
        let dsa_rec = recs.iter().find(|r| r.id == "DSA-5020-1").unwrap();
        assert_eq!(dsa_rec.source, "debian-dsa-log4shell.jsonl");

        // Enrichment from the imported feeds.
        let kev = store.kb_kev(CVE).await.unwrap().expect("KEV entry");
        assert_eq!(kev["date_added"], "2021-12-10", "{name}: {kev}");
        assert_eq!(kev["vendor_project"], "Apache", "{name}");
        assert!(kev["required_action"]
            .as_str()
            .is_some_and(|s| !s.is_empty()));
        let (score, pct, date) = store.kb_epss(CVE).await.unwrap().expect("EPSS score");
        assert_eq!(
            (score.parse::<f64>().unwrap(), pct.parse::<f64>().unwrap()),
            (0.99999, 1.0),
            "{name}"
        );
        assert_eq!(
            date.as_deref(),
            Some("2026-08-16"),
            "{name}: date from the file name"
        );
        assert_eq!(
            store.kb_cwe_name(917).await.unwrap().as_deref(),
            Some("Improper Neutralization of Special Elements used in an Expression Language Statement ('Expression Language Injection')"),
            "{name}"
        );
    }
}
