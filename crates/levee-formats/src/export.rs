//! Export: per-record OSV JSON (lossless for OSV inputs: the source JSON is
//! written unchanged) and zip dumps in osv.dev's layout (`all.zip` holding
//! one `<ID>.json` per vulnerability at its root; per-ecosystem dumps are
//! `<Ecosystem>/all.zip`, see [`by_ecosystem`]).

use std::collections::{BTreeMap, HashSet};
use std::io::{Seek, Write};

use crate::record::Record;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Two records with the same id in one dump.
    #[error("duplicate id {0:?} in one dump")]
    DuplicateId(String),
    /// The zip writer failed.
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// The underlying writer failed.
    #[error("write: {0}")]
    Io(#[from] std::io::Error),
}

/// The record's OSV JSON, exactly as imported (compact for JSONL inputs).
pub fn to_json(rec: &Record) -> String {
    rec.source_json().to_string()
}

/// The record's OSV JSON, pretty-printed (same value as [`to_json`]).
pub fn to_json_pretty(rec: &Record) -> String {
    serde_json::to_string_pretty(&rec.to_value()).unwrap_or_else(|_| to_json(rec))
}

/// Write the record's OSV JSON to `w`.
pub fn write_json<W: Write>(rec: &Record, mut w: W) -> std::io::Result<()> {
    w.write_all(rec.source_json().as_bytes())
}

/// File name of a record inside a dump: `<id>.json`, with characters that
/// are unsafe in paths (`/`, `\`, control characters, `%`) percent-encoded.
pub fn entry_name(id: &str) -> String {
    let mut s = String::with_capacity(id.len() + 5);
    for c in id.chars() {
        if c == '/' || c == '\\' || c == '%' || c.is_control() || (c == '.' && s.is_empty()) {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                s.push_str(&format!("%{b:02X}"));
            }
        } else {
            s.push(c);
        }
    }
    s.push_str(".json");
    s
}

fn options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        // Fast deflate: dumps are written often and JSON still shrinks ~8x.
        .compression_level(Some(1))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
}

fn write_entries<'r, W: Write + Seek>(
    zw: &mut zip::ZipWriter<W>,
    records: impl IntoIterator<Item = &'r Record>,
) -> Result<(), ExportError> {
    let mut seen = HashSet::new();
    for rec in records {
        if !seen.insert(rec.id.clone()) {
            return Err(ExportError::DuplicateId(rec.id.clone()));
        }
        zw.start_file(entry_name(&rec.id), options())?;
        zw.write_all(rec.source_json().as_bytes())?;
    }
    Ok(())
}

/// Write an osv.dev-style `all.zip` to a plain writer (streamed; no seeking).
pub fn write_zip_dump<'r, W: Write>(
    records: impl IntoIterator<Item = &'r Record>,
    w: W,
) -> Result<(), ExportError> {
    let mut zw = zip::ZipWriter::new_stream(w);
    write_entries(&mut zw, records)?;
    zw.finish()?;
    Ok(())
}

/// An osv.dev-style `all.zip` as bytes.
pub fn zip_dump_bytes<'r>(
    records: impl IntoIterator<Item = &'r Record>,
) -> Result<Vec<u8>, ExportError> {
    let mut zw = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    write_entries(&mut zw, records)?;
    Ok(zw.finish()?.into_inner())
}

/// Records per ecosystem, as osv.dev splits its bucket: each affected
/// package's ecosystem (`AlmaLinux:9`) and its base (`AlmaLinux`); a record
/// appears once per ecosystem. Records without packages are left out.
pub fn by_ecosystem<'r>(
    records: impl IntoIterator<Item = &'r Record>,
) -> BTreeMap<String, Vec<&'r Record>> {
    let mut out: BTreeMap<String, Vec<&Record>> = BTreeMap::new();
    for rec in records {
        let mut names: Vec<&str> = Vec::new();
        for a in &rec.affected {
            if let Some(p) = &a.package {
                names.push(&p.ecosystem);
                names.push(p.base_ecosystem());
            }
        }
        names.sort_unstable();
        names.dedup();
        for n in names {
            out.entry(n.to_string()).or_default().push(rec);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_bytes, ReadOptions};

    fn rec(id: &str, eco: &str) -> Record {
        let text = format!(
            r#"{{"id":"{id}","modified":"2024-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"{eco}","name":"p"}}}}],"x":1.50}}"#
        );
        Record::from_json(&text, &Default::default()).unwrap()
    }

    #[test]
    fn names_are_safe() {
        assert_eq!(entry_name("GHSA-1"), "GHSA-1.json");
        assert_eq!(entry_name("ALSA-2024:8127"), "ALSA-2024:8127.json");
        assert_eq!(entry_name("../x/y"), "%2E.%2Fx%2Fy.json");
    }

    #[test]
    fn zip_dump_round_trips_through_the_reader() {
        let recs = vec![rec("A-1", "PyPI"), rec("ALSA-2024:1", "AlmaLinux:9")];
        let bytes = zip_dump_bytes(&recs).unwrap();
        let mut streamed = Vec::new();
        write_zip_dump(&recs, &mut streamed).unwrap();
        for b in [bytes, streamed] {
            let back: Vec<Record> = read_bytes("dump.zip", &b, &ReadOptions::default())
                .map(|r| r.unwrap())
                .collect();
            assert_eq!(back, recs);
            assert_eq!(back[0].source_json(), recs[0].source_json());
        }
        assert!(matches!(
            zip_dump_bytes([&recs[0], &recs[0]]),
            Err(ExportError::DuplicateId(_))
        ));
        let eco = by_ecosystem(&recs);
        assert_eq!(
            eco.keys().collect::<Vec<_>>(),
            ["AlmaLinux", "AlmaLinux:9", "PyPI"]
        );
    }
}
