//! Hostile inputs are refused cleanly: each bomb becomes a rejection with
//! its class and place, the good records around it are imported, and the
//! import goes on (exit 0 in the CLI: every record was handled).

mod import_support;

use std::io::Write;

use import_support::{import, jsonl, osv, stores, tempdir, write};
use levee_kb::import::ImportOptions;

fn zip_with(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bombs_are_rejections_and_the_import_goes_on() {
    let dir = tempdir();
    let d = dir.path();
    let good = |id: &str| {
        osv(id, "2024-01-01T00:00:00Z", &[])
            .to_string()
            .into_bytes()
    };
    // Zip: a huge expansion ratio (8 MiB of spaces inside a valid JSON
    // record), a zip-slip name, and a good entry.
    let mut inflated =
        b"{\"id\":\"BOMB-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"".to_vec();
    inflated.extend(std::iter::repeat_n(b' ', 8 << 20));
    inflated.extend_from_slice(b"\"}");
    let z = zip_with(&[
        ("vulns/BOMB-1.json", inflated),
        ("../../escape/SLIP-1.json", good("SLIP-1")),
        ("vulns/ZIP-OK-1.json", good("ZIP-OK-1")),
    ]);
    std::fs::write(d.join("bombs.zip"), z).unwrap();
    // Deeply nested JSON on one JSONL line, between good lines.
    let deep = format!(
        "{{\"id\":\"DEEP-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"database_specific\":{}1{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let lines = format!(
        "{}{deep}\n{}",
        jsonl(&[osv("JSONL-OK-1", "2024-01-01T00:00:00Z", &[])]),
        jsonl(&[osv("JSONL-OK-2", "2024-01-01T00:00:00Z", &[])])
    );
    write(d, "deep.jsonl", &lines);
    // A single deep JSON record, and a file that is nothing but nesting
    // (unreadable as a whole: no record can be cut out of it).
    write(
        d,
        "deep-file.json",
        &format!("{{\"id\":\"DEEP-2\",\"x\":{}", "{\"a\":".repeat(50_000)),
    );
    write(d, "deep-array.json", &"[".repeat(50_000));
    // YAML alias expansion ("billion laughs"), then a good document.
    let yaml = "id: LAUGH-1\nmodified: '2024-01-01T00:00:00Z'\na: &a [x, x, x, x, x, x, x, x, x]\n\
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n\
d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n---\nid: YAML-OK-1\nmodified: '2024-01-01T00:00:00Z'\n";
    write(d, "laughs.yaml", yaml);

    for (db, store) in stores().await {
        let name = db.name;
        let report = import(&store, &[d.to_path_buf()], &ImportOptions::default()).await;
        let classes: Vec<(String, &str)> = report
            .rejections
            .iter()
            .map(|r| {
                let f = std::path::Path::new(&r.file)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (f, r.class.as_str())
            })
            .collect();
        for expected in [
            ("bombs.zip", "archive_ratio"),
            ("bombs.zip", "archive_unsafe_path"),
            ("deep.jsonl", "too_deep"),
            ("deep-file.json", "too_deep"),
            ("deep-array.json", "too_deep"),
            ("laughs.yaml", "yaml_alias"),
        ] {
            assert!(
                classes
                    .iter()
                    .any(|(f, c)| f == expected.0 && *c == expected.1),
                "{name}: expected {expected:?} in {classes:?}"
            );
        }
        assert_eq!(classes.len(), 6, "{name}: {:?}", report.rejections);
        let deep = report
            .rejections
            .iter()
            .find(|r| r.class == "too_deep" && r.file.ends_with(".jsonl"))
            .unwrap();
        assert_eq!(deep.line, Some(2), "{name}: the line of the bomb");
        let slip = report
            .rejections
            .iter()
            .find(|r| r.class == "archive_unsafe_path")
            .unwrap();
        assert_eq!(
            slip.entry.as_deref(),
            Some("../../escape/SLIP-1.json"),
            "{name}"
        );
        for id in ["ZIP-OK-1", "JSONL-OK-1", "JSONL-OK-2", "YAML-OK-1"] {
            assert!(
                store.kb_record(id).await.unwrap().is_some(),
                "{name}: {id} imported"
            );
        }
        for id in ["BOMB-1", "SLIP-1", "DEEP-1", "DEEP-2", "LAUGH-1"] {
            assert!(
                store.kb_record(id).await.unwrap().is_none(),
                "{name}: {id} refused"
            );
        }
        let unreadable: Vec<&str> = report.unreadable().map(|s| s.file.as_str()).collect();
        assert_eq!(unreadable.len(), 1, "{name}: {unreadable:?}");
        assert!(
            unreadable[0].ends_with("deep-array.json"),
            "{name}: {unreadable:?}"
        );
        assert!(
            !d.parent().unwrap().join("escape").exists(),
            "nothing extracted"
        );
    }
}
