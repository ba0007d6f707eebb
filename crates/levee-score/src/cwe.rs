//! CWE names from MITRE's CSV exports (`1000.csv`, `699.csv`, …): columns
//! `CWE-ID` (number only, no `CWE-` prefix), `Name`, `Weakness Abstraction`,
//! `Status`, `Description`, … Quoted fields may span lines; a record's line
//! is the line it starts on.

use serde::Serialize;

use crate::feed::{clip, CweId, FeedError, RecordError};

/// One weakness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CweEntry {
    pub id: CweId,
    pub name: String,
    /// `Weakness Abstraction` (Pillar, Class, Base, Variant, Compound).
    pub abstraction: Option<String>,
    /// `Status` (Stable, Draft, Incomplete, Deprecated, …).
    pub status: Option<String>,
    pub description: Option<String>,
}

/// Streaming reader over a CWE CSV export.
pub struct CweCsv<'a> {
    rdr: csv::Reader<&'a [u8]>,
    rec: csv::StringRecord,
    id: usize,
    name: usize,
    abstraction: Option<usize>,
    status: Option<usize>,
    description: Option<usize>,
}

impl<'a> CweCsv<'a> {
    /// Read the header; it must have `CWE-ID` and `Name` columns.
    pub fn new(bytes: &'a [u8]) -> Result<CweCsv<'a>, FeedError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes.is_empty() {
            return Err(FeedError::Empty);
        }
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let header = rdr.headers().map_err(|e| FeedError::Header {
            line: 1,
            reason: e.to_string(),
        })?;
        let col = |n: &str| header.iter().position(|h| h.trim() == n);
        let (Some(id), Some(name)) = (col("CWE-ID"), col("Name")) else {
            return Err(FeedError::Header {
                line: 1,
                reason: "expected `CWE-ID` and `Name` columns".into(),
            });
        };
        let (abstraction, status, description) = (
            col("Weakness Abstraction"),
            col("Status"),
            col("Description"),
        );
        Ok(CweCsv {
            rdr,
            rec: csv::StringRecord::new(),
            id,
            name,
            abstraction,
            status,
            description,
        })
    }

    fn entry(&self, line: u64) -> Result<CweEntry, RecordError> {
        let get = |i: usize| self.rec.get(i).map(str::trim);
        let opt = |i: Option<usize>| i.and_then(get).filter(|s| !s.is_empty()).map(str::to_owned);
        let raw_id = get(self.id).unwrap_or_default();
        let id = raw_id
            .parse::<CweId>()
            .map_err(|e| RecordError::at_line(line, Some("CWE-ID"), e))?;
        let name = get(self.name).filter(|s| !s.is_empty()).ok_or_else(|| {
            RecordError::at_line(
                line,
                Some("Name"),
                format!("empty name for CWE `{}`", clip(raw_id)),
            )
        })?;
        Ok(CweEntry {
            id,
            name: name.to_owned(),
            abstraction: opt(self.abstraction),
            status: opt(self.status),
            description: opt(self.description),
        })
    }
}

impl Iterator for CweCsv<'_> {
    type Item = Result<CweEntry, RecordError>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let line = self.rdr.position().line();
            match self.rdr.read_record(&mut self.rec) {
                Ok(false) => return None,
                Ok(true) => {
                    if self.rec.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    let line = self.rec.position().map_or(line, |p| p.line());
                    return Some(self.entry(line));
                }
                Err(e) => {
                    let line = e.position().map_or(line, |p| p.line());
                    return Some(Err(RecordError::at_line(line, None, e.to_string())));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiline_fields_and_bad_rows() {
        let s = "CWE-ID,Name,Weakness Abstraction,Status,Description,\n\
79,\"Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')\",Base,Stable,\"first line\nsecond line, with comma\nand \"\"quotes\"\"\",\n\
CWE-89,SQL Injection,Base,Stable,,\n\
abc,Bad,Base,Stable,x,\n\
20,,Class,Stable,x,\n\
22,Path Traversal,Base,Stable,x,\n";
        let out: Vec<_> = CweCsv::new(s.as_bytes()).unwrap().collect();
        assert_eq!(out.len(), 5);
        let a = out[0].as_ref().unwrap();
        assert_eq!(a.id, CweId(79));
        assert_eq!(
            a.description.as_deref(),
            Some("first line\nsecond line, with comma\nand \"quotes\"")
        );
        // a CWE- prefix is tolerated; an empty description is None
        let b = out[1].as_ref().unwrap();
        assert_eq!((b.id, b.description.as_ref()), (CweId(89), None));
        // line numbers count the embedded newlines of record 1
        let c = out[2].as_ref().unwrap_err();
        assert_eq!((c.line, c.field.as_deref()), (Some(6), Some("CWE-ID")));
        let d = out[3].as_ref().unwrap_err();
        assert_eq!((d.line, d.field.as_deref()), (Some(7), Some("Name")));
        assert_eq!(out[4].as_ref().unwrap().name, "Path Traversal");
        assert!(CweCsv::new(b"ID,Title\n1,x\n").is_err());
    }
}
