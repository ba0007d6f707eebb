//! CISA Known Exploited Vulnerabilities catalogue, JSON and CSV forms.
//!
//! ```
//! # let json = br#"{"catalogVersion":"1","dateReleased":"2025-08-25T17:04:19Z","count":0,"vulnerabilities":[]}"#;
//! let cat = levee_score::kev::KevJson::parse(json).unwrap();
//! for entry in cat.entries() {
//!     match entry {
//!         Ok(e) => println!("{} due {}", e.cve_id, e.due_date),
//!         Err(bad) => eprintln!("rejected: {bad}"),
//!     }
//! }
//! ```

use serde::Serialize;
use serde_json::Value;

use crate::feed::{clip, CveId, CweId, Date, FeedError, RecordError};

/// Whether CISA knows of ransomware campaigns using the flaw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum RansomwareUse {
    Known,
    Unknown,
}

impl std::str::FromStr for RansomwareUse {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "Known" => Ok(RansomwareUse::Known),
            "Unknown" => Ok(RansomwareUse::Unknown),
            _ => Err(format!("`{}` is neither `Known` nor `Unknown`", clip(s))),
        }
    }
}

/// One catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KevEntry {
    pub cve_id: CveId,
    pub vendor_project: String,
    pub product: String,
    pub vulnerability_name: String,
    pub date_added: Date,
    pub short_description: String,
    pub required_action: String,
    pub due_date: Date,
    /// Absent in old catalogues; then `Unknown`.
    pub known_ransomware_campaign_use: RansomwareUse,
    pub notes: String,
    pub cwes: Vec<CweId>,
}

/// Raw field values by name, from either format, converted in one place.
trait Fields {
    /// Value of a string field; `Ok(None)` when absent.
    fn text(&self, name: &'static str) -> Result<Option<String>, RecordError>;
    fn cwes(&self) -> Result<Vec<CweId>, RecordError>;
    fn err(&self, field: &'static str, reason: String) -> RecordError;
}

fn build(f: &dyn Fields) -> Result<KevEntry, RecordError> {
    let req = |name: &'static str| -> Result<String, RecordError> {
        f.text(name)?
            .ok_or_else(|| f.err(name, "required field is missing".into()))
    };
    let parse = |name: &'static str| -> Result<String, RecordError> {
        let v = req(name)?;
        if v.trim().is_empty() {
            return Err(f.err(name, "required field is empty".into()));
        }
        Ok(v)
    };
    let cve_id = parse("cveID")?
        .parse::<CveId>()
        .map_err(|e| f.err("cveID", e))?;
    let date_added = parse("dateAdded")?
        .parse::<Date>()
        .map_err(|e| f.err("dateAdded", e))?;
    let due_date = parse("dueDate")?
        .parse::<Date>()
        .map_err(|e| f.err("dueDate", e))?;
    let known_ransomware_campaign_use = match f.text("knownRansomwareCampaignUse")? {
        None => RansomwareUse::Unknown,
        Some(s) => s
            .parse()
            .map_err(|e| f.err("knownRansomwareCampaignUse", e))?,
    };
    Ok(KevEntry {
        cve_id,
        vendor_project: req("vendorProject")?,
        product: req("product")?,
        vulnerability_name: req("vulnerabilityName")?,
        date_added,
        short_description: req("shortDescription")?,
        required_action: req("requiredAction")?,
        due_date,
        known_ransomware_campaign_use,
        notes: f.text("notes")?.unwrap_or_default(),
        cwes: f.cwes()?,
    })
}

// ---------------------------------------------------------------- JSON

struct JsonFields<'a> {
    obj: &'a serde_json::Map<String, Value>,
    index: usize,
}

impl Fields for JsonFields<'_> {
    fn text(&self, name: &'static str) -> Result<Option<String>, RecordError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.err(name, "expected a string".into())),
        }
    }
    fn cwes(&self) -> Result<Vec<CweId>, RecordError> {
        match self.obj.get("cwes") {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let path = format!("vulnerabilities[{}].cwes[{i}]", self.index);
                    v.as_str()
                        .ok_or_else(|| RecordError::at_path(path.clone(), "expected a string"))?
                        .parse::<CweId>()
                        .map_err(|e| RecordError::at_path(path, e))
                })
                .collect(),
            Some(_) => Err(self.err("cwes", "expected an array".into())),
        }
    }
    fn err(&self, field: &'static str, reason: String) -> RecordError {
        RecordError::at_path(format!("vulnerabilities[{}].{field}", self.index), reason)
    }
}

/// The JSON catalogue: header fields plus the raw entries, converted one by
/// one by [`KevJson::entries`] so that one bad entry rejects only itself.
#[derive(Debug, Clone)]
pub struct KevJson {
    pub title: Option<String>,
    pub catalog_version: String,
    pub date_released: String,
    /// The `count` the catalogue declares.
    pub count: u64,
    raw: Vec<Value>,
}

impl KevJson {
    pub fn parse(bytes: &[u8]) -> Result<KevJson, FeedError> {
        let v: Value = serde_json::from_slice(bytes).map_err(|e| FeedError::json(&e))?;
        let shape = |path: &str, reason: &str| FeedError::Shape {
            path: path.into(),
            reason: reason.into(),
        };
        let Value::Object(mut top) = v else {
            return Err(shape("$", "expected an object"));
        };
        let string = |top: &serde_json::Map<String, Value>, k: &str| -> Result<String, FeedError> {
            top.get(k)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| shape(k, "required string is missing"))
        };
        let catalog_version = string(&top, "catalogVersion")?;
        let date_released = string(&top, "dateReleased")?;
        let title = top.get("title").and_then(Value::as_str).map(str::to_owned);
        let count = top
            .get("count")
            .and_then(Value::as_u64)
            .ok_or_else(|| shape("count", "required non-negative integer is missing"))?;
        let raw = match top.remove("vulnerabilities") {
            Some(Value::Array(a)) => a,
            _ => return Err(shape("vulnerabilities", "required array is missing")),
        };
        Ok(KevJson {
            title,
            catalog_version,
            date_released,
            count,
            raw,
        })
    }

    /// Number of entries present (not the declared `count`).
    pub fn len(&self) -> usize {
        self.raw.len()
    }
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Every entry, converted; bad ones as errors naming their JSON path.
    pub fn entries(&self) -> impl Iterator<Item = Result<KevEntry, RecordError>> + '_ {
        self.raw.iter().enumerate().map(|(index, v)| match v {
            Value::Object(obj) => build(&JsonFields { obj, index }),
            _ => Err(RecordError::at_path(
                format!("vulnerabilities[{index}]"),
                "expected an object",
            )),
        })
    }
}

// ----------------------------------------------------------------- CSV

struct CsvFields<'a> {
    rec: &'a csv::StringRecord,
    header: &'a csv::StringRecord,
    line: u64,
}

impl Fields for CsvFields<'_> {
    fn text(&self, name: &'static str) -> Result<Option<String>, RecordError> {
        Ok(self
            .header
            .iter()
            .position(|h| h == name)
            .and_then(|i| self.rec.get(i))
            .map(str::to_owned))
    }
    fn cwes(&self) -> Result<Vec<CweId>, RecordError> {
        let Some(s) = self.text("cwes")? else {
            return Ok(Vec::new());
        };
        s.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(|x| x.parse::<CweId>().map_err(|e| self.err("cwes", e)))
            .collect()
    }
    fn err(&self, field: &'static str, reason: String) -> RecordError {
        RecordError::at_line(self.line, Some(field), reason)
    }
}

/// Streaming reader over the CSV catalogue (header line required).
pub struct KevCsv<'a> {
    rdr: csv::Reader<&'a [u8]>,
    header: csv::StringRecord,
    rec: csv::StringRecord,
}

impl<'a> KevCsv<'a> {
    /// Read the header; fails when it lacks `cveID`.
    pub fn new(bytes: &'a [u8]) -> Result<KevCsv<'a>, FeedError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes.is_empty() {
            return Err(FeedError::Empty);
        }
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let header = rdr
            .headers()
            .map_err(|e| FeedError::Header {
                line: 1,
                reason: e.to_string(),
            })?
            .clone();
        if !header.iter().any(|h| h == "cveID") {
            return Err(FeedError::Header {
                line: 1,
                reason: "no `cveID` column".into(),
            });
        }
        Ok(KevCsv {
            rdr,
            header,
            rec: csv::StringRecord::new(),
        })
    }
}

impl Iterator for KevCsv<'_> {
    type Item = Result<KevEntry, RecordError>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let line = self.rdr.position().line();
            match self.rdr.read_record(&mut self.rec) {
                Ok(false) => return None,
                Ok(true) => {
                    let line = self.rec.position().map_or(line, |p| p.line());
                    if self.rec.iter().all(str::is_empty) {
                        continue;
                    }
                    return Some(build(&CsvFields {
                        rec: &self.rec,
                        header: &self.header,
                        line,
                    }));
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
    fn bad_rows_are_reported_and_skipped() {
        let csv = "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes\n\
CVE-2024-0001,V,P,N,2024-01-02,\"multi\nline\",Act,2024-01-23,Known,,\"CWE-79, CWE-89\"\n\
CVE-2024-0002,V,P,N,2024-02-30,D,Act,2024-01-23,Unknown,,\n\
CVE-2024-0003,V,P,N,2024-01-02,D,Act,2024-01-23,Maybe,,\n\
CVE-2024-0004,V,P,N,2024-01-02,D,Act,2024-01-23,Unknown,,CWE-x\n\
CVE-2024-0005,V,P,N,2024-01-02,D,Act,2024-01-23,Unknown,,\n";
        let out: Vec<_> = KevCsv::new(csv.as_bytes()).unwrap().collect();
        assert_eq!(out.len(), 5);
        let first = out[0].as_ref().unwrap();
        assert_eq!(first.short_description, "multi\nline");
        assert_eq!(first.cwes, vec![CweId(79), CweId(89)]);
        assert_eq!(first.known_ransomware_campaign_use, RansomwareUse::Known);
        let e = out[1].as_ref().unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(4), Some("dateAdded")));
        let e = out[2].as_ref().unwrap_err();
        assert_eq!(
            (e.line, e.field.as_deref()),
            (Some(5), Some("knownRansomwareCampaignUse"))
        );
        let e = out[3].as_ref().unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(6), Some("cwes")));
        assert!(out[4].is_ok());
    }

    #[test]
    fn json_bad_entry_named_by_path() {
        let j = br#"{"catalogVersion":"x","dateReleased":"y","count":2,"vulnerabilities":[
            {"cveID":"CVE-2024-0001","vendorProject":"V","product":"P","vulnerabilityName":"N","dateAdded":"2024-01-02","shortDescription":"D","requiredAction":"A","dueDate":"2024-01-23","knownRansomwareCampaignUse":"Unknown","notes":"","cwes":["CWE-1"]},
            {"cveID":"CVE-2024-0002","vendorProject":"V","product":"P","vulnerabilityName":"N","dateAdded":"2024-01-02","shortDescription":"D","requiredAction":"A","notes":""}
        ]}"#;
        let k = KevJson::parse(j).unwrap();
        let out: Vec<_> = k.entries().collect();
        assert!(out[0].is_ok());
        let e = out[1].as_ref().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("vulnerabilities[1].dueDate"));
        assert!(KevJson::parse(b"[1]").is_err());
        assert!(matches!(
            KevJson::parse(b"{\"a\":"),
            Err(FeedError::Json { .. })
        ));
    }
}
