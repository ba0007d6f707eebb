//! Every OSV record of the shared corpora: reads without rejection, and
//! exports losslessly (parse -> export -> equal JSON value).

mod common;

use levee_formats::{export, read_bytes, InputFormat, ReadOptions, Record};
use serde_json::Value;

#[test]
fn every_shared_osv_record_reads_and_round_trips() {
    let files = common::osv_jsonl_files();
    if files.is_empty() {
        return;
    }
    let opts = ReadOptions::default();
    let mut total = 0usize;
    let mut per_file = Vec::new();
    for f in &files {
        if common::is_non_rustsec_markdown(f) {
            continue;
        }
        let bytes = std::fs::read(f).unwrap();
        let name = f.display().to_string();
        let recs = read_bytes(&name, &bytes, &opts);
        let format = recs.format();
        let mut n = 0usize;
        let mut rejected = Vec::new();
        for r in recs {
            match r {
                Ok(rec) => {
                    n += 1;
                    if format == Some(InputFormat::Jsonl) {
                        round_trip(&rec);
                    }
                }
                Err(e) => rejected.push(e.to_string()),
            }
        }
        assert!(
            rejected.is_empty(),
            "{name}: {} rejected, e.g. {:?}",
            rejected.len(),
            rejected.first()
        );
        let lines = bytes
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .count();
        assert_eq!(n, lines, "{name}: every line is one record");
        per_file.push((name, format, n));
        total += n;
    }
    for (name, format, n) in &per_file {
        eprintln!("{n:>6} records {format:?} {name}");
    }
    assert!(total > 25_000, "only {total} records");
}

fn round_trip(rec: &Record) {
    let original: Value = serde_json::from_str(rec.source_json()).unwrap();
    let exported = export::to_json(rec);
    let back: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(original, back, "{}", rec.id);
    // Exported text re-imports to the same typed record.
    let again = Record::from_json(&exported, &Default::default()).unwrap();
    assert_eq!(&again, rec);
}
