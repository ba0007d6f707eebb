//! Every CVSS vector in the OSV feeds of `shared/data` (`severity[]` of each
//! record and of each `affected[]` entry) parses, and its version matches the
//! OSV `type`.

use levee_score::cvss::{self, CvssVersion};
use serde_json::Value;

fn collect(v: &Value, out: &mut Vec<(String, String)>) {
    let sev = |x: &Value, out: &mut Vec<(String, String)>| {
        for s in x
            .get("severity")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(t), Some(sc)) = (
                s.get("type").and_then(Value::as_str),
                s.get("score").and_then(Value::as_str),
            ) {
                if t.starts_with("CVSS_") {
                    out.push((t.to_owned(), sc.to_owned()));
                }
            }
        }
    };
    sev(v, out);
    for a in v
        .get("affected")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        sev(a, out);
    }
}

#[test]
fn every_osv_cvss_vector_parses() {
    let Some(root) = levee_testdata::shared_root() else {
        let _ = levee_testdata::shared_data("osv-go");
        return;
    };
    let mut vectors = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&root).expect("list shared data") {
        let dir = entry.expect("entry").path();
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if !name.starts_with("osv-") || !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).expect("list feed") {
            let p = f.expect("entry").path();
            if p.extension().and_then(|e| e.to_str()) != Some("jsonl") {
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&p).expect("read feed");
            for line in text.lines() {
                if let Ok(v) = serde_json::from_str::<Value>(line) {
                    collect(&v, &mut vectors);
                }
            }
        }
    }
    assert!(files > 5, "found {files} OSV JSONL files");
    let mut failures = Vec::new();
    let mut by_type = std::collections::BTreeMap::new();
    for (t, s) in &vectors {
        *by_type.entry(t.as_str()).or_insert(0) += 1;
        match cvss::parse(s) {
            Ok(v) => {
                let ok = matches!(
                    (t.as_str(), v.version()),
                    ("CVSS_V2", CvssVersion::V2)
                        | ("CVSS_V3", CvssVersion::V3_0 | CvssVersion::V3_1)
                        | ("CVSS_V4", CvssVersion::V4_0)
                );
                if !ok {
                    failures.push(format!("{t} {s}: parsed as {}", v.version()));
                }
            }
            Err(e) => failures.push(format!("{t} {s}: {e}")),
        }
    }
    eprintln!("OSV CVSS vectors by type: {by_type:?}");
    assert!(vectors.len() > 1000, "{} vectors", vectors.len());
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}
