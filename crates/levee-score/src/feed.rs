//! Shared pieces of the enrichment parsers: validated identifiers and dates,
//! and the error types naming where a record went wrong.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// Where a bad record is and why it was rejected. Parsers yield these and go
/// on with the next record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RecordError {
    /// 1-based line of the record's start (text formats).
    pub line: Option<u64>,
    /// Field name (CSV) or JSON path (`vulnerabilities[3].dueDate`).
    pub field: Option<String>,
    pub reason: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.line, &self.field) {
            (Some(l), Some(p)) => write!(f, "line {l}, field `{p}`: {}", self.reason),
            (Some(l), None) => write!(f, "line {l}: {}", self.reason),
            (None, Some(p)) => write!(f, "at `{p}`: {}", self.reason),
            (None, None) => f.write_str(&self.reason),
        }
    }
}

impl RecordError {
    pub(crate) fn at_line(line: u64, field: Option<&str>, reason: impl Into<String>) -> Self {
        RecordError {
            line: Some(line),
            field: field.map(str::to_owned),
            reason: reason.into(),
        }
    }
    pub(crate) fn at_path(path: impl Into<String>, reason: impl Into<String>) -> Self {
        RecordError {
            line: None,
            field: Some(path.into()),
            reason: reason.into(),
        }
    }
}

/// A whole document could not be read (no record can be extracted).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error("invalid JSON at line {line}, column {column}: {reason}")]
    Json {
        line: usize,
        column: usize,
        reason: String,
    },
    #[error("at `{path}`: {reason}")]
    Shape { path: String, reason: String },
    #[error("line {line}: {reason}")]
    Header { line: u64, reason: String },
    #[error("empty input")]
    Empty,
}

impl FeedError {
    pub(crate) fn json(e: &serde_json::Error) -> Self {
        FeedError::Json {
            line: e.line(),
            column: e.column(),
            reason: e.to_string(),
        }
    }
}

/// Truncate echoed input so that errors stay one short line.
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 60;
    if s.len() <= MAX {
        return s.to_owned();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", s.get(..end).unwrap_or_default())
}

macro_rules! string_serde {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
        impl TryFrom<&str> for $t {
            type Error = String;
            fn try_from(s: &str) -> Result<Self, String> {
                s.parse()
            }
        }
    };
}

/// A calendar date `YYYY-MM-DD` (proleptic Gregorian, validated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

fn days_in_month(y: u16, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl Date {
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        (month >= 1 && day >= 1 && day <= days_in_month(year, month)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// Find the first `YYYY-MM-DD` inside `s` (e.g. in a file name such as
    /// `epss_scores-2025-01-31.csv.gz`).
    pub fn find_in(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        (0..b.len().saturating_sub(9)).find_map(|i| {
            let w = s.get(i..i + 10)?;
            let before_ok = i == 0 || !b.get(i - 1).is_some_and(u8::is_ascii_digit);
            let after_ok = !b.get(i + 10).is_some_and(u8::is_ascii_digit);
            if before_ok && after_ok {
                w.parse().ok()
            } else {
                None
            }
        })
    }
}

impl FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("invalid date `{}` (expected YYYY-MM-DD)", clip(s));
        if s.len() != 10 {
            return Err(bad());
        }
        let mut it = s.split('-');
        let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let (Some(y), Some(m), Some(d)) = (digits(y), digits(m), digits(d)) else {
            return Err(bad());
        };
        let (y, m, d) = (
            u16::try_from(y).map_err(|_| bad())?,
            u8::try_from(m).map_err(|_| bad())?,
            u8::try_from(d).map_err(|_| bad())?,
        );
        Date::new(y, m, d).ok_or_else(|| format!("invalid date `{}`: no such day", clip(s)))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}
string_serde!(Date);

/// A CVE id `CVE-YYYY-NNNN…` (4 to 19 digits after the year).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CveId(String);

impl CveId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CveId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let ok = s
            .strip_prefix("CVE-")
            .and_then(|r| r.split_once('-'))
            .is_some_and(|(y, n)| {
                y.len() == 4
                    && y.bytes().all(|b| b.is_ascii_digit())
                    && (4..=19).contains(&n.len())
                    && n.bytes().all(|b| b.is_ascii_digit())
            });
        if ok {
            Ok(CveId(s.to_owned()))
        } else {
            Err(format!(
                "invalid CVE id `{}` (expected CVE-YYYY-NNNN)",
                clip(s)
            ))
        }
    }
}

impl fmt::Display for CveId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_serde!(CveId);

/// A CWE id, the number only. Parses `CWE-79` and `79`; displays `CWE-79`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CweId(pub u32);

impl FromStr for CweId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let n = s.strip_prefix("CWE-").unwrap_or(s);
        if n.is_empty() || n.len() > 9 || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "invalid CWE id `{}` (expected CWE-N or N)",
                clip(s)
            ));
        }
        n.parse()
            .map(CweId)
            .map_err(|_| format!("invalid CWE id `{}`", clip(s)))
    }
}

impl fmt::Display for CweId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CWE-{}", self.0)
    }
}
string_serde!(CweId);

/// A probability / fraction in `[0, 1]` (EPSS score and percentile).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
pub struct Probability(f64);

impl Probability {
    pub fn new(x: f64) -> Option<Probability> {
        (x.is_finite() && (0.0..=1.0).contains(&x)).then_some(Probability(x))
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

impl FromStr for Probability {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let x: f64 = s
            .trim()
            .parse()
            .map_err(|_| format!("`{}` is not a number", clip(s)))?;
        Probability::new(x).ok_or_else(|| format!("{x} is outside [0, 1]"))
    }
}

impl fmt::Display for Probability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            "2024-02-29".parse::<Date>(),
            Ok(Date::new(2024, 2, 29).unwrap())
        );
        for bad in [
            "2023-02-29",
            "2023-13-01",
            "2023-00-10",
            "23-01-01",
            "2023-1-01",
            "２０２３-01-01",
            "2023-01-01x",
            "",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert_eq!(
            Date::find_in("epss_scores-2025-01-31.csv.gz"),
            Some(Date::new(2025, 1, 31).unwrap())
        );
        assert_eq!(Date::find_in("x-12025-01-31"), None);
        assert_eq!(Date::new(2025, 1, 31).unwrap().to_string(), "2025-01-31");
    }

    #[test]
    fn ids() {
        assert!("CVE-2021-44228".parse::<CveId>().is_ok());
        assert!("CVE-2021-123".parse::<CveId>().is_err());
        assert!("cve-2021-44228".parse::<CveId>().is_err());
        assert_eq!("CWE-79".parse::<CweId>(), Ok(CweId(79)));
        assert_eq!("79".parse::<CweId>(), Ok(CweId(79)));
        assert!("CWE-".parse::<CweId>().is_err());
        assert!("NVD-CWE-Other".parse::<CweId>().is_err());
        assert!("1.5".parse::<Probability>().is_err());
        assert!("NaN".parse::<Probability>().is_err());
        assert_eq!("0.5".parse::<Probability>().map(Probability::get), Ok(0.5));
    }
}
