//! Converters from non-OSV advisory feeds into OSV records: CSAF 2.0, CVE
//! JSON 5 (with CISA ADP enrichment), GitLab advisories, RubySec,
//! FriendsOfPHP, Node.js security-wg, Alpine secdb, Debian DSA/DLA lists and
//! Hex advisories.
//!
//! Pure: bytes in, no IO, never panics on input. Each converter produces an
//! OSV-shaped `serde_json::Value` that is validated into a
//! [`levee_formats::Record`] (`Record::from_value`), so converted records
//! flow through the same import as OSV files. The source's native record is
//! kept in `database_specific.native` so nothing is lost.
//!
//! Entry points: [`detect`] and [`read`] (the hook the import pipeline calls
//! for non-OSV files), [`FeedFormat`], [`FeedClass`] (rejection classes),
//! [`csaf`] (validation, conversion, export).
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
// Items are `Result<Record, Rejection>`, as in levee-formats.
#![allow(clippy::result_large_err)]

mod common;
pub mod csaf;
pub mod cve5;
pub mod distro;
pub mod ecosystems;
pub mod gitlab;
mod yaml;

use std::str::FromStr;

use serde_json::Value;

use levee_formats::{Limits, Location, Record, Rejection};

pub use common::{
    native_ranges, normalize_cve, normalize_date, set_to_events, split_ids, Converted, Fail,
    FeedClass, NativeRanges, EPOCH,
};

/// The feed formats this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedFormat {
    /// CVE JSON 5 records (one record, or JSONL).
    CveJson5,
    /// CSAF 2.0 documents (one document, or JSONL).
    Csaf,
    /// GitLab advisory database records.
    Gitlab,
    /// ruby-advisory-db records.
    Rubysec,
    /// FriendsOfPHP security-advisories records.
    FriendsOfPhp,
    /// Node.js security-wg records (npm, core, deps).
    NodejsSecurityWg,
    /// Alpine secdb documents.
    AlpineSecdb,
    /// Debian security tracker `data/DSA/list` / `data/DLA/list` entries.
    DebianList,
    /// Hex (Elixir/Erlang) GHSA-derived advisories.
    HexAdvisories,
}

impl FeedFormat {
    /// Every format.
    pub const ALL: &'static [FeedFormat] = &[
        FeedFormat::CveJson5,
        FeedFormat::Csaf,
        FeedFormat::Gitlab,
        FeedFormat::Rubysec,
        FeedFormat::FriendsOfPhp,
        FeedFormat::NodejsSecurityWg,
        FeedFormat::AlpineSecdb,
        FeedFormat::DebianList,
        FeedFormat::HexAdvisories,
    ];

    /// The name accepted by `FromStr` (for `--input-format`).
    pub fn name(self) -> &'static str {
        match self {
            FeedFormat::CveJson5 => "cve-json5",
            FeedFormat::Csaf => "csaf",
            FeedFormat::Gitlab => "gitlab",
            FeedFormat::Rubysec => "rubysec",
            FeedFormat::FriendsOfPhp => "friendsofphp",
            FeedFormat::NodejsSecurityWg => "nodejs-security-wg",
            FeedFormat::AlpineSecdb => "alpine-secdb",
            FeedFormat::DebianList => "debian-dsa-dla",
            FeedFormat::HexAdvisories => "hex-advisories",
        }
    }

    fn convert(self, path: Option<&str>, data: &Value) -> Vec<common::Conv> {
        match self {
            FeedFormat::CveJson5 => cve5::convert(path, data),
            FeedFormat::Csaf => csaf::convert(path, data),
            FeedFormat::Gitlab => gitlab::convert(path, data),
            FeedFormat::Rubysec => ecosystems::rubysec(path, data),
            FeedFormat::FriendsOfPhp => ecosystems::friendsofphp(path, data),
            FeedFormat::NodejsSecurityWg => ecosystems::nodejs(path, data),
            FeedFormat::AlpineSecdb => distro::alpine(path, data),
            FeedFormat::DebianList => distro::debian(path, data),
            FeedFormat::HexAdvisories => ecosystems::hex(path, data),
        }
    }
}

impl FromStr for FeedFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let l = s.to_ascii_lowercase();
        let alias = match l.as_str() {
            "cve" | "cve5" | "cvejson5" => "cve-json5",
            "gitlab-advisories" => "gitlab",
            "ruby-advisory-db" => "rubysec",
            "nodejs" | "nswg" => "nodejs-security-wg",
            "alpine" => "alpine-secdb",
            "debian" | "dsa" | "dla" => "debian-dsa-dla",
            "hex" => "hex-advisories",
            o => o,
        };
        FeedFormat::ALL
            .iter()
            .copied()
            .find(|f| f.name() == alias)
            .ok_or_else(|| {
                let names: Vec<_> = FeedFormat::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown feed format {s:?} (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

impl std::fmt::Display for FeedFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

fn skip_ws(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    b.get(start..).unwrap_or_default()
}

/// Unwrap a `{"path", "data"|"text"}` wrapper line.
fn unwrap_wrapper(v: &Value) -> (Option<&str>, &Value) {
    if let Some(o) = v.as_object() {
        let wrapper_keys = o
            .keys()
            .all(|k| matches!(k.as_str(), "path" | "data" | "text" | "yaml_comments"));
        if wrapper_keys {
            if let (Some(p), Some(d)) = (
                o.get("path").and_then(Value::as_str),
                o.get("data").or_else(|| o.get("text")),
            ) {
                return (Some(p), d);
            }
        }
    }
    (None, v)
}

fn classify(path: Option<&str>, d: &Value) -> Option<FeedFormat> {
    if let Some(t) = d.as_str() {
        let t = t.trim_start();
        let debian = t.starts_with('[')
            && (t.contains("] DSA-") || t.contains("] DLA-") || t.contains("] DTSA-"));
        return debian.then_some(FeedFormat::DebianList);
    }
    let o = d.as_object()?;
    let has = |k: &str| o.contains_key(k);
    if has("cveMetadata") || o.get("dataType").and_then(Value::as_str) == Some("CVE_RECORD") {
        Some(FeedFormat::CveJson5)
    } else if o.get("document").is_some_and(|doc| {
        doc.get("csaf_version").is_some()
            || doc.get("category").is_some() && doc.get("tracking").is_some()
    }) {
        Some(FeedFormat::Csaf)
    } else if has("package_slug") {
        Some(FeedFormat::Gitlab)
    } else if has("gem")
        || (has("engine")
            && (has("patched_versions") || has("unaffected_versions") || has("title")))
    {
        Some(FeedFormat::Rubysec)
    } else if o
        .get("reference")
        .and_then(Value::as_str)
        .is_some_and(|r| r.starts_with("composer://"))
        || (has("branches") && has("reference"))
    {
        Some(FeedFormat::FriendsOfPhp)
    } else if has("module_name") && (has("vulnerable_versions") || has("patched_versions"))
        || path.is_some_and(|p| {
            p.starts_with("vuln/core/") || p.starts_with("vuln/deps/") || p.starts_with("vuln/npm/")
        })
        || (has("vulnerable") && has("patched") && !has("id"))
    {
        Some(FeedFormat::NodejsSecurityWg)
    } else if has("packages") && (has("distroversion") || has("reponame")) {
        Some(FeedFormat::AlpineSecdb)
    } else if has("vulnerable_version_ranges") {
        Some(FeedFormat::HexAdvisories)
    } else {
        None
    }
}

fn looks_like_raw_debian(b: &[u8]) -> bool {
    let first_line = b.split(|c| *c == b'\n').next().unwrap_or_default();
    first_line.first() == Some(&b'[')
        && first_line.get(1).is_some_and(u8::is_ascii_digit)
        && memfind(first_line, b"] D")
}

fn memfind(h: &[u8], n: &[u8]) -> bool {
    h.windows(n.len()).any(|w| w == n)
}

/// Guess the feed format of an input from its content (`name`, usually the
/// file path, is a tie-breaker only). `None` for OSV and anything unknown:
/// the caller then tries levee-formats' OSV readers.
pub fn detect(name: &str, bytes: &[u8]) -> Option<FeedFormat> {
    let b = skip_ws(bytes);
    match b.first()? {
        b'[' if looks_like_raw_debian(b) => Some(FeedFormat::DebianList),
        b'[' => {
            // Only the first element: the input may be a 64 KiB prefix of a
            // large array, cut after it.
            let rest = b.get(1..).unwrap_or_default();
            match serde_json::Deserializer::from_slice(rest)
                .into_iter::<Value>()
                .next()
            {
                Some(Ok(first)) => {
                    let (path, d) = unwrap_wrapper(&first);
                    classify(path, d)
                }
                // An empty array, or a first element cut too.
                _ => classify(Some(name), &sniff(b)),
            }
        }
        b'{' => {
            let line_end = b.iter().position(|c| *c == b'\n').unwrap_or(b.len());
            let first = b.get(..line_end).unwrap_or_default();
            let v: Value = match serde_json::from_slice(first) {
                Ok(v) => v,
                Err(_) => match serde_json::from_slice(b) {
                    Ok(v) => v,
                    // A prefix of a large pretty-printed document.
                    Err(_) => return classify(Some(name), &sniff(b)),
                },
            };
            let (path, d) = unwrap_wrapper(&v);
            classify(path, d).or_else(|| {
                // A Debian list file named as such but wrapped differently.
                (name.ends_with("DSA/list") || name.ends_with("DLA/list"))
                    .then_some(FeedFormat::DebianList)
                    .filter(|_| d.is_string())
            })
        }
        _ => {
            // Native YAML: classify the first document (of the valid UTF-8
            // prefix: a 64 KiB window may cut a character in two).
            let text = match std::str::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => std::str::from_utf8(bytes.get(..e.valid_up_to())?).ok()?,
            };
            let docs = yaml::documents(text, &Limits::default());
            match docs.into_iter().next()?.value {
                Ok(v) => classify(Some(name), &v),
                // A prefix cut inside a document.
                Err(_) => classify(Some(name), &sniff(b)),
            }
        }
    }
}

/// The keys `classify` looks at, found by text search in a prefix that does
/// not parse (a document cut at the detection window): `"key":` (JSON) or
/// `key:` at the start of a line (YAML).
fn sniff(b: &[u8]) -> Value {
    const KEYS: &[&str] = &[
        "cveMetadata",
        "package_slug",
        "gem",
        "engine",
        "patched_versions",
        "unaffected_versions",
        "title",
        "branches",
        "module_name",
        "vulnerable_versions",
        "vulnerable",
        "patched",
        "packages",
        "distroversion",
        "reponame",
        "vulnerable_version_ranges",
        "tracking",
    ];
    let has = |k: &str| {
        memfind(b, format!("\"{k}\"").as_bytes())
            || memfind(b, format!("\n{k}:").as_bytes())
            || b.starts_with(format!("{k}:").as_bytes())
    };
    let mut m = serde_json::Map::new();
    for k in KEYS {
        if has(k) {
            m.insert((*k).to_string(), Value::Bool(true));
        }
    }
    if memfind(b, b"\"CVE_RECORD\"") {
        m.insert("dataType".into(), Value::String("CVE_RECORD".into()));
    }
    if memfind(b, b"\"csaf_version\"") {
        m.insert(
            "document".into(),
            serde_json::json!({"csaf_version": "2.0"}),
        );
    }
    if memfind(b, b"composer://") && has("reference") {
        m.insert("reference".into(), Value::String("composer://".into()));
    }
    Value::Object(m)
}

/// The records of one feed input, lazily.
pub struct FeedRecords<'a> {
    format: Option<FeedFormat>,
    inner: Box<dyn Iterator<Item = Result<Record, Rejection>> + 'a>,
}

impl FeedRecords<'_> {
    /// The format read (`None` when it could not be determined).
    pub fn format(&self) -> Option<FeedFormat> {
        self.format
    }
}

impl std::fmt::Debug for FeedRecords<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedRecords")
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl Iterator for FeedRecords<'_> {
    type Item = Result<Record, Rejection>;
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }
}

struct Unit<'a> {
    line: Option<u64>,
    index: u64,
    body: UnitBody<'a>,
    /// The unit is the whole input (its name is the record's path).
    whole: bool,
}

enum UnitBody<'a> {
    Json(&'a [u8]),
    Text(String),
    Yaml(Result<Value, String>),
}

fn location(
    source: &str,
    entry: Option<&str>,
    line: Option<u64>,
    index: u64,
    path: Option<String>,
) -> Location {
    Location {
        source: source.to_string(),
        entry: entry.map(str::to_string),
        line,
        index: Some(index),
        path,
    }
}

fn reject(loc: Location, class: FeedClass, reason: &str, id: Option<String>) -> Rejection {
    let mut r = Rejection::from_record_error(
        loc,
        levee_formats::RecordError {
            class: class.base(),
            path: None,
            reason: format!("{}: {reason}", class.code()),
            id: None,
        },
    );
    r.id = id;
    r
}

/// Turn converter output into records/rejections with locations.
pub fn finish(
    source: &str,
    entry: Option<&str>,
    line: Option<u64>,
    index: u64,
    conv: Result<Converted, Fail>,
    limits: &Limits,
) -> Result<Record, Rejection> {
    match conv {
        Ok(c) => match Record::from_value(&c.value, limits) {
            Ok(mut rec) => {
                rec.warnings.extend(c.warnings);
                Ok(rec)
            }
            Err(e) => {
                let reason = format!("[{}] {}", e.class.code(), e.reason);
                let id = e.id.clone().or_else(|| {
                    c.value
                        .get("id")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                });
                let mut r = Rejection::from_record_error(
                    location(source, entry, line, index, e.path.clone()),
                    levee_formats::RecordError {
                        class: e.class,
                        path: None,
                        reason: format!("{}: {reason}", FeedClass::OsvInvalid.code()),
                        id: None,
                    },
                );
                r.id = id;
                Err(r)
            }
        },
        Err(f) => Err(reject(
            location(source, entry, line, index, f.path),
            f.class,
            &f.reason,
            f.id,
        )),
    }
}

fn units<'a>(
    bytes: &'a [u8],
    format: FeedFormat,
    limits: &Limits,
) -> Box<dyn Iterator<Item = Unit<'a>> + 'a> {
    let b = skip_ws(bytes);
    if format != FeedFormat::DebianList && !matches!(b.first(), Some(b'{' | b'[')) && !b.is_empty()
    {
        // Native YAML (GitLab, RubySec, FriendsOfPHP, Hex repositories).
        let text = String::from_utf8_lossy(bytes);
        let docs = yaml::documents(&text, limits);
        return Box::new(docs.into_iter().enumerate().map(|(i, d)| Unit {
            line: Some(d.line),
            index: i as u64,
            body: UnitBody::Yaml(d.value),
            whole: true,
        }));
    }
    if format == FeedFormat::DebianList && b.first() != Some(&b'{') {
        let text = String::from_utf8_lossy(bytes).into_owned();
        return Box::new(
            distro::split_debian_list(&text)
                .into_iter()
                .enumerate()
                .map(|(i, (line, t))| Unit {
                    line: Some(line),
                    index: i as u64,
                    body: UnitBody::Text(t),
                    whole: false,
                }),
        );
    }
    // JSONL when the first line is a complete JSON value and more follows.
    let first_end = b.iter().position(|c| *c == b'\n').unwrap_or(b.len());
    let first_ok =
        serde_json::from_slice::<serde::de::IgnoredAny>(b.get(..first_end).unwrap_or_default())
            .is_ok();
    let jsonl = first_ok && skip_ws(b.get(first_end..).unwrap_or_default()).first() == Some(&b'{');
    if jsonl {
        Box::new(
            bytes
                .split(|c| *c == b'\n')
                .enumerate()
                .filter(|(_, l)| !skip_ws(l).is_empty())
                .enumerate()
                .map(|(i, (ln, l))| Unit {
                    line: Some(ln as u64 + 1),
                    index: i as u64,
                    body: UnitBody::Json(l),
                    whole: false,
                }),
        )
    } else {
        Box::new(std::iter::once(Unit {
            line: Some(1),
            index: 0,
            body: UnitBody::Json(bytes),
            whole: true,
        }))
    }
}

fn convert_unit(
    source: &str,
    format: FeedFormat,
    u: Unit<'_>,
    limits: &Limits,
) -> Vec<Result<Record, Rejection>> {
    let loc = |path: Option<String>| location(source, None, u.line, u.index, path);
    let value = match &u.body {
        UnitBody::Text(t) => Value::String(t.clone()),
        UnitBody::Yaml(Ok(v)) => v.clone(),
        UnitBody::Yaml(Err(e)) => return vec![Err(reject(loc(None), FeedClass::Syntax, e, None))],
        UnitBody::Json(b) => {
            // A whole-file array holds many records: the record limit
            // applies to each element (checked when it is converted), not
            // to the file (bounded by `max_file_bytes`).
            let array = u.whole && b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'[');
            if !array && b.len() > limits.max_record_bytes {
                return vec![Err(reject(
                    loc(None),
                    FeedClass::TooLarge,
                    &format!(
                        "{} bytes exceed the record limit of {}",
                        b.len(),
                        limits.max_record_bytes
                    ),
                    None,
                ))];
            }
            match serde_json::from_slice::<Value>(b) {
                Ok(v) => v,
                Err(e) => {
                    return vec![Err(reject(
                        loc(None),
                        FeedClass::Syntax,
                        &e.to_string(),
                        None,
                    ))]
                }
            }
        }
    };
    if let Value::Array(items) = value {
        // A JSON array of records: each element is a record.
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let v = serde_json::to_vec(&item).unwrap_or_default();
            let sub = Unit {
                line: u.line,
                index: i as u64,
                body: UnitBody::Json(&v),
                whole: false,
            };
            if item.is_array() {
                out.push(Err(reject(
                    loc(Some(format!("[{i}]"))),
                    FeedClass::NotAnObject,
                    "nested array",
                    None,
                )));
                continue;
            }
            out.extend(convert_unit(source, format, sub, limits));
        }
        if out.is_empty() {
            out.push(Err(reject(
                loc(None),
                FeedClass::NotAnObject,
                "empty array",
                None,
            )));
        }
        return out;
    }
    if format == FeedFormat::CveJson5 && unwrap_wrapper(&value).0.is_none() {
        // The common case (one CVE record per line): move, do not copy.
        let c = cve5::convert_owned(value);
        return vec![finish(source, None, u.line, u.index, c, limits)];
    }
    let (path, data) = unwrap_wrapper(&value);
    if let Some(o) = value.as_object() {
        if path.is_none()
            && o.contains_key("path")
            && !o.contains_key("data")
            && !o.contains_key("text")
            && classify(None, &value).is_none()
        {
            return vec![Err(reject(
                loc(None),
                FeedClass::NotAnObject,
                "wrapper line without `data`/`text`",
                None,
            ))];
        }
    }
    // A wrapper's path names the entry; for a bare Debian text use the source.
    let entry = path;
    let mut out = Vec::new();
    if format == FeedFormat::DebianList && entry.is_none() && data.is_string() {
        for c in format.convert(Some(source), data) {
            out.push(finish(source, None, u.line, u.index, c, limits));
        }
        return out;
    }
    // A whole-file input is named by its source (ids derive from file names).
    let conv_path = entry.or(if u.whole { Some(source) } else { None });
    for c in format.convert(conv_path, data) {
        out.push(finish(source, entry, u.line, u.index, c, limits));
    }
    out
}

/// Read every record of a feed input. `source` names the input in
/// rejections; `format` forces a format (detected from content when
/// `None`). Inputs: one native record/document (JSON), JSONL of records, or
/// JSONL of `{"path", "data"|"text"}` wrappers; Debian lists also as raw
/// `data/DSA/list` text. One bad record never stops the others.
pub fn read<'a>(source: &str, bytes: &'a [u8], format: Option<FeedFormat>) -> FeedRecords<'a> {
    read_with(source, bytes, format, &Limits::default())
}

/// [`read`] with explicit limits.
pub fn read_with<'a>(
    source: &str,
    bytes: &'a [u8],
    format: Option<FeedFormat>,
    limits: &Limits,
) -> FeedRecords<'a> {
    let Some(format) = format.or_else(|| detect(source, bytes)) else {
        let r = reject(
            Location::source(source),
            FeedClass::UnknownFormat,
            "the input matches no feed format",
            None,
        );
        return FeedRecords {
            format: None,
            inner: Box::new(std::iter::once(Err(r))),
        };
    };
    if std::str::from_utf8(bytes).is_err() && format != FeedFormat::DebianList {
        let r = reject(
            Location::source(source),
            FeedClass::Syntax,
            "input is not UTF-8",
            None,
        );
        return FeedRecords {
            format: Some(format),
            inner: Box::new(std::iter::once(Err(r))),
        };
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        let r = reject(
            Location::source(source),
            FeedClass::TooLarge,
            "input larger than the file limit",
            None,
        );
        return FeedRecords {
            format: Some(format),
            inner: Box::new(std::iter::once(Err(r))),
        };
    }
    let src = source.to_string();
    let it = units(bytes, format, limits);
    let limits = limits.clone();
    FeedRecords {
        format: Some(format),
        inner: Box::new(it.flat_map(move |u| convert_unit(&src, format, u, &limits))),
    }
}
