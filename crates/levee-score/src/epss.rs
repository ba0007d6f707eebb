//! EPSS scores (FIRST's Exploit Prediction Scoring System) in the three
//! forms seen in the wild:
//!
//! - FIRST's daily CSV: `#model_version:v2023.03.01,score_date:2023-03-07T00:00:00+0000`,
//!   then the header `cve,epss,percentile`, then one row per CVE;
//! - the plain semicolon form without header or date, `CVE;epss;percentile`;
//! - FIRST's API JSON `{"data":[{"cve","epss","percentile","date"}]}` (numbers
//!   as strings or numbers).
//!
//! [`parse`] detects the form. Rows are converted lazily by the iterator; a
//! bad row is yielded as an error with its line number and the iteration
//! goes on.

use serde::Serialize;
use serde_json::Value;

use crate::feed::{clip, CveId, Date, FeedError, Probability, RecordError};

/// One EPSS score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpssScore {
    pub cve: CveId,
    pub epss: Probability,
    pub percentile: Probability,
    /// Score date: the row's own date (API JSON), else the file's
    /// `score_date`, else the caller's default.
    pub date: Option<Date>,
}

/// Which form the input was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EpssFormat {
    /// FIRST CSV (comma, header, optional `#model_version` line).
    FirstCsv,
    /// Plain `CVE;epss;percentile` rows.
    Semicolon,
    /// FIRST API JSON.
    ApiJson,
}

/// File-level facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EpssMeta {
    pub format: EpssFormat,
    pub model_version: Option<String>,
    /// `score_date` as written (a timestamp in FIRST's CSV).
    pub score_date: Option<String>,
    /// The date part of `score_date`, or the caller's default.
    pub date: Option<Date>,
}

/// Parse `bytes`, detecting the form. `default_date` dates rows of files that
/// carry no date (the plain form); see [`Date::find_in`] for taking it from a
/// file name.
pub fn parse(bytes: &[u8], default_date: Option<Date>) -> Result<Epss<'_>, FeedError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    match first {
        None => Err(FeedError::Empty),
        Some(b'{') => parse_json(bytes, default_date),
        Some(_) => parse_text(bytes, default_date),
    }
}

/// Iterator over the scores of one input; [`Epss::meta`] has the file facts.
pub struct Epss<'a> {
    meta: EpssMeta,
    inner: Inner<'a>,
}

enum Inner<'a> {
    Text {
        rest: &'a [u8],
        line: u64,
        delim: u8,
    },
    Json {
        rows: std::vec::IntoIter<Value>,
        index: usize,
    },
}

impl Epss<'_> {
    pub fn meta(&self) -> &EpssMeta {
        &self.meta
    }
}

fn split_line(rest: &[u8]) -> (&[u8], &[u8]) {
    match rest.iter().position(|&b| b == b'\n') {
        Some(i) => (
            rest.get(..i).unwrap_or(&[]),
            rest.get(i + 1..).unwrap_or(&[]),
        ),
        None => (rest, &[]),
    }
}

fn trim_cr(l: &[u8]) -> &[u8] {
    l.strip_suffix(b"\r").unwrap_or(l)
}

fn parse_meta_line(line: &str, meta: &mut EpssMeta) {
    // "#model_version:v2023.03.01,score_date:2023-03-07T00:00:00+0000"
    for part in line.trim_start_matches('#').split(',') {
        if let Some((k, v)) = part.split_once(':') {
            match k.trim() {
                "model_version" => meta.model_version = Some(v.trim().to_owned()),
                "score_date" => {
                    let v = v.trim();
                    meta.score_date = Some(v.to_owned());
                    if let Some(d) = v.get(..10).and_then(|d| d.parse().ok()) {
                        meta.date = Some(d);
                    }
                }
                _ => {}
            }
        }
    }
}

fn parse_text(bytes: &[u8], default_date: Option<Date>) -> Result<Epss<'_>, FeedError> {
    let mut meta = EpssMeta {
        format: EpssFormat::Semicolon,
        model_version: None,
        score_date: None,
        date: None,
    };
    let mut rest = bytes;
    let mut line = 0u64;
    // leading comment lines and the header
    loop {
        let (l, r) = split_line(rest);
        let l = trim_cr(l);
        let text = std::str::from_utf8(l).map_err(|_| FeedError::Header {
            line: line + 1,
            reason: "not UTF-8".into(),
        })?;
        if text.starts_with('#') {
            parse_meta_line(text, &mut meta);
        } else if text.trim().is_empty() && !r.is_empty() {
            // blank line before the data
        } else if text.to_ascii_lowercase().starts_with("cve,")
            || text.to_ascii_lowercase().starts_with("cve;")
        {
            meta.format = EpssFormat::FirstCsv;
            let cols: Vec<&str> = text.split([',', ';']).map(str::trim).collect();
            if cols.first() != Some(&"cve")
                || cols.get(1) != Some(&"epss")
                || cols.get(2) != Some(&"percentile")
            {
                return Err(FeedError::Header {
                    line: line + 1,
                    reason: format!(
                        "expected header `cve,epss,percentile`, found `{}`",
                        clip(text)
                    ),
                });
            }
        } else {
            break;
        }
        line += 1;
        rest = r;
        if rest.is_empty() {
            break;
        }
    }
    // delimiter from the first data line
    let (first, _) = split_line(rest);
    let delim = if first.contains(&b';') { b';' } else { b',' };
    if delim == b',' && meta.format == EpssFormat::Semicolon {
        meta.format = EpssFormat::FirstCsv;
    }
    if meta.date.is_none() {
        meta.date = default_date;
    }
    Ok(Epss {
        meta,
        inner: Inner::Text { rest, line, delim },
    })
}

fn parse_json(bytes: &[u8], default_date: Option<Date>) -> Result<Epss<'_>, FeedError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| FeedError::json(&e))?;
    let Value::Object(mut top) = v else {
        return Err(FeedError::Shape {
            path: "$".into(),
            reason: "expected an object".into(),
        });
    };
    let rows = match top.remove("data") {
        Some(Value::Array(a)) => a,
        _ => {
            return Err(FeedError::Shape {
                path: "data".into(),
                reason: "required array is missing".into(),
            })
        }
    };
    let model_version = top
        .get("model_version")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(Epss {
        meta: EpssMeta {
            format: EpssFormat::ApiJson,
            model_version,
            score_date: None,
            date: default_date,
        },
        inner: Inner::Json {
            rows: rows.into_iter(),
            index: 0,
        },
    })
}

fn text_row(l: &[u8], line: u64, delim: u8, date: Option<Date>) -> Result<EpssScore, RecordError> {
    let text = std::str::from_utf8(l).map_err(|_| RecordError::at_line(line, None, "not UTF-8"))?;
    let mut it = text.split(char::from(delim));
    let (Some(cve), Some(epss), Some(pct)) = (it.next(), it.next(), it.next()) else {
        return Err(RecordError::at_line(
            line,
            None,
            format!(
                "expected 3 fields `cve{0}epss{0}percentile`, found `{1}`",
                char::from(delim),
                clip(text)
            ),
        ));
    };
    if it.next().is_some() {
        return Err(RecordError::at_line(line, None, "more than 3 fields"));
    }
    Ok(EpssScore {
        cve: cve
            .trim()
            .parse()
            .map_err(|e| RecordError::at_line(line, Some("cve"), e))?,
        epss: epss
            .parse()
            .map_err(|e| RecordError::at_line(line, Some("epss"), e))?,
        percentile: pct
            .parse()
            .map_err(|e| RecordError::at_line(line, Some("percentile"), e))?,
        date,
    })
}

fn json_row(v: &Value, index: usize, date: Option<Date>) -> Result<EpssScore, RecordError> {
    let path = |f: &str| format!("data[{index}].{f}");
    let Value::Object(o) = v else {
        return Err(RecordError::at_path(
            format!("data[{index}]"),
            "expected an object",
        ));
    };
    let text = |f: &str| -> Result<String, RecordError> {
        match o.get(f) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Number(n)) => Ok(n.to_string()),
            Some(_) => Err(RecordError::at_path(path(f), "expected a string or number")),
            None => Err(RecordError::at_path(path(f), "required field is missing")),
        }
    };
    let row_date = match o.get("date") {
        None | Some(Value::Null) => date,
        Some(Value::String(s)) => Some(
            s.parse()
                .map_err(|e| RecordError::at_path(path("date"), e))?,
        ),
        Some(_) => return Err(RecordError::at_path(path("date"), "expected a string")),
    };
    Ok(EpssScore {
        cve: text("cve")?
            .parse()
            .map_err(|e| RecordError::at_path(path("cve"), e))?,
        epss: text("epss")?
            .parse()
            .map_err(|e| RecordError::at_path(path("epss"), e))?,
        percentile: text("percentile")?
            .parse()
            .map_err(|e| RecordError::at_path(path("percentile"), e))?,
        date: row_date,
    })
}

impl Iterator for Epss<'_> {
    type Item = Result<EpssScore, RecordError>;
    fn next(&mut self) -> Option<Self::Item> {
        let date = self.meta.date;
        match &mut self.inner {
            Inner::Text { rest, line, delim } => loop {
                if rest.is_empty() {
                    return None;
                }
                let (l, r) = split_line(rest);
                *rest = r;
                *line += 1;
                let l = trim_cr(l);
                if l.iter().all(u8::is_ascii_whitespace) || l.first() == Some(&b'#') {
                    continue;
                }
                return Some(text_row(l, *line, *delim, date));
            },
            Inner::Json { rows, index } => {
                let v = rows.next()?;
                let i = *index;
                *index += 1;
                Some(json_row(&v, i, date))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_csv_with_model_line() {
        let s = "#model_version:v2023.03.01,score_date:2023-03-07T00:00:00+0000\ncve,epss,percentile\r\nCVE-1999-0001,0.01167,0.81942\r\nCVE-1999-0002,2,0.5\nCVE-1999-0003,0.1\n\nCVE-1999-0004,0.00100,0.10000\n";
        let mut e = parse(s.as_bytes(), None).unwrap();
        assert_eq!(e.meta().format, EpssFormat::FirstCsv);
        assert_eq!(e.meta().model_version.as_deref(), Some("v2023.03.01"));
        assert_eq!(e.meta().date, Some(Date::new(2023, 3, 7).unwrap()));
        let a = e.next().unwrap().unwrap();
        assert_eq!(a.cve.as_str(), "CVE-1999-0001");
        assert_eq!(a.epss.get(), 0.01167);
        assert_eq!(a.date, Some(Date::new(2023, 3, 7).unwrap()));
        let b = e.next().unwrap().unwrap_err();
        assert_eq!((b.line, b.field.as_deref()), (Some(4), Some("epss")));
        let c = e.next().unwrap().unwrap_err();
        assert_eq!(c.line, Some(5));
        let d = e.next().unwrap().unwrap();
        assert_eq!(d.cve.as_str(), "CVE-1999-0004");
        assert!(e.next().is_none());
    }

    #[test]
    fn semicolon_form_uses_default_date() {
        let day = Date::new(2026, 8, 16);
        let mut e = parse(b"CVE-2021-44228;0.999990000;1.000000000\n", day).unwrap();
        assert_eq!(e.meta().format, EpssFormat::Semicolon);
        let a = e.next().unwrap().unwrap();
        assert_eq!(
            (a.epss.get(), a.percentile.get(), a.date),
            (0.99999, 1.0, day)
        );
    }

    #[test]
    fn api_json() {
        let j = br#"{"status":"OK","total":2,"data":[{"cve":"CVE-2022-27225","epss":"0.000810000","percentile":"0.336090000","date":"2023-03-07"},{"cve":"CVE-2022-1","epss":0.5,"percentile":0.5}]}"#;
        let mut e = parse(j, None).unwrap();
        assert_eq!(e.meta().format, EpssFormat::ApiJson);
        let a = e.next().unwrap().unwrap();
        assert_eq!(a.date, Some(Date::new(2023, 3, 7).unwrap()));
        assert_eq!(a.epss.get(), 0.00081);
        let b = e.next().unwrap().unwrap_err();
        assert_eq!(b.field.as_deref(), Some("data[1].cve"));
        assert!(e.next().is_none());
    }

    #[test]
    fn bad_header() {
        assert!(parse(b"cve,score,percentile\n", None).is_err());
        assert!(parse(b"  \n", None).is_err());
    }
}
