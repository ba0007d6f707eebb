//! The OSV record model: typed fields for import and matching, plus the
//! verbatim JSON text of the source for lossless export.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

use crate::error::{RecordError, RejectionClass, Warning};
use crate::limits::Limits;
use crate::scan::scan_json;
use crate::time::Timestamp;

/// One OSV record.
///
/// Typed fields are what import and matching need; `source_json()` is the
/// record exactly as it came in (the JSON text for JSON inputs, the JSON
/// rendering for YAML / converted inputs), which is what export writes.
/// The typed fields are derived from that text and are not written back.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// `id` (validated: non-empty, no whitespace or control characters).
    pub id: String,
    /// `modified` (required, RFC 3339).
    pub modified: Timestamp,
    /// `published`.
    pub published: Option<Timestamp>,
    /// `withdrawn`: when present the record must not match anything.
    pub withdrawn: Option<Timestamp>,
    /// `schema_version`.
    pub schema_version: Option<String>,
    /// `aliases`: the only field that merges records into one vulnerability.
    pub aliases: Vec<String>,
    /// `related`: a link, never a merge.
    pub related: Vec<String>,
    /// `upstream`: a link, never a merge.
    pub upstream: Vec<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// `details`.
    pub details: Option<String>,
    /// Top-level `severity`.
    pub severity: Vec<Severity>,
    /// `affected`.
    pub affected: Vec<Affected>,
    /// `references`.
    pub references: Vec<Reference>,
    /// `credits`.
    pub credits: Vec<Credit>,
    /// Top-level `database_specific`.
    pub database_specific: Option<RawJson>,
    /// Non-fatal problems found while validating.
    pub warnings: Vec<Warning>,
    source: Box<str>,
}

/// A JSON value kept as its verbatim text (no tree is built while
/// importing; call [`RawJson::to_value`] when needed).
#[derive(Debug, Clone)]
pub struct RawJson(Box<serde_json::value::RawValue>);

impl RawJson {
    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// Parse into a `serde_json::Value`.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.0.get()).unwrap_or(Value::Null)
    }

    /// Is it JSON `null`?
    pub fn is_null(&self) -> bool {
        self.0.get() == "null"
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Serialize for RawJson {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(RawJson(Box::<serde_json::value::RawValue>::deserialize(d)?))
    }
}

/// `severity[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Severity {
    /// `type`: `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, ...
    #[serde(rename = "type", default)]
    pub kind: String,
    /// `score`: the vector or rating.
    #[serde(default, deserialize_with = "de_lstr")]
    pub score: String,
}

/// `affected[]` entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Affected {
    /// `package`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
    /// Per-package `severity`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<Severity>,
    /// `ranges`.
    pub ranges: Vec<Range>,
    /// `versions`: explicit affected versions.
    pub versions: Vec<String>,
    /// `ecosystem_specific`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecosystem_specific: Option<RawJson>,
    /// `database_specific`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<RawJson>,
}

/// `affected[].package`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    /// `ecosystem`, e.g. `PyPI`, `crates.io`, `AlmaLinux:9`.
    pub ecosystem: String,
    /// `name`.
    pub name: String,
    /// `purl`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

impl Package {
    /// The ecosystem without its `:suffix` (`AlmaLinux:9` -> `AlmaLinux`).
    pub fn base_ecosystem(&self) -> &str {
        self.ecosystem.split(':').next().unwrap_or(&self.ecosystem)
    }
}

/// `affected[].ranges[]`. Events stay strings here; ordering belongs to
/// `levee-versions`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Range {
    /// `type`.
    #[serde(rename = "type")]
    pub kind: RangeKind,
    /// `repo` (GIT ranges).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// `events`, in source order.
    pub events: Vec<Event>,
    /// `database_specific`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<RawJson>,
}

/// Range `type`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RangeKind {
    /// `SEMVER`.
    Semver,
    /// `ECOSYSTEM`.
    Ecosystem,
    /// `GIT`.
    Git,
    /// Anything else (kept, with a warning).
    Other(String),
}

impl RangeKind {
    /// The OSV spelling.
    pub fn as_str(&self) -> &str {
        match self {
            RangeKind::Semver => "SEMVER",
            RangeKind::Ecosystem => "ECOSYSTEM",
            RangeKind::Git => "GIT",
            RangeKind::Other(s) => s,
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "SEMVER" => RangeKind::Semver,
            "ECOSYSTEM" => RangeKind::Ecosystem,
            "GIT" => RangeKind::Git,
            other => RangeKind::Other(other.to_string()),
        }
    }
}

impl Serialize for RangeKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One range event. Values are version strings (or commit hashes for GIT).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// `introduced`.
    Introduced(String),
    /// `fixed`.
    Fixed(String),
    /// `last_affected`.
    LastAffected(String),
    /// `limit`.
    Limit(String),
}

impl Event {
    /// The version string of the event.
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

/// The same event for range evaluation in `levee-versions` (the version
/// strings are kept as they are; ordering them is `levee-versions`' work).
impl From<Event> for levee_versions::Event {
    fn from(e: Event) -> Self {
        match e {
            Event::Introduced(v) => Self::Introduced(v),
            Event::Fixed(v) => Self::Fixed(v),
            Event::LastAffected(v) => Self::LastAffected(v),
            Event::Limit(v) => Self::Limit(v),
        }
    }
}

impl From<&Event> for levee_versions::Event {
    fn from(e: &Event) -> Self {
        e.clone().into()
    }
}

/// The range type for evaluation. A type OSV does not define becomes
/// [`levee_versions::RangeKind::Unknown`]: its events are not interpreted,
/// and a version it may cover is undecidable, never silently unaffected
/// (the record's `unknown_range_type` warning says which range).
impl From<&RangeKind> for levee_versions::RangeKind {
    fn from(k: &RangeKind) -> Self {
        match k {
            RangeKind::Semver => Self::Semver,
            RangeKind::Ecosystem => Self::Ecosystem,
            RangeKind::Git => Self::Git,
            RangeKind::Other(_) => Self::Unknown,
        }
    }
}

/// The range for evaluation: its type (see above), `repo` and events.
impl From<&Range> for levee_versions::OsvRange {
    fn from(r: &Range) -> Self {
        Self {
            kind: (&r.kind).into(),
            repo: r.repo.clone(),
            events: r.events.iter().map(levee_versions::Event::from).collect(),
        }
    }
}

/// `references[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// `type`: `ADVISORY`, `WEB`, `FIX`, ...
    #[serde(rename = "type", default)]
    pub kind: String,
    /// `url`.
    #[serde(default)]
    pub url: String,
}

/// `credits[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    /// `name`.
    #[serde(default)]
    pub name: String,
    /// `contact`.
    #[serde(default, deserialize_with = "de_vec")]
    pub contact: Vec<String>,
    /// `type`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

// ---------------------------------------------------------------------------
// Wire format (lenient about `null`, strict about types that matter)

#[derive(Deserialize)]
struct WireRecord {
    #[serde(default)]
    schema_version: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default, deserialize_with = "de_vec")]
    aliases: Vec<String>,
    #[serde(default, deserialize_with = "de_vec")]
    related: Vec<String>,
    #[serde(default, deserialize_with = "de_vec")]
    upstream: Vec<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default, deserialize_with = "de_vec")]
    severity: Vec<Severity>,
    #[serde(default, deserialize_with = "de_vec")]
    affected: Vec<WireAffected>,
    #[serde(default, deserialize_with = "de_vec")]
    references: Vec<Reference>,
    #[serde(default, deserialize_with = "de_vec")]
    credits: Vec<Credit>,
    #[serde(default)]
    database_specific: Option<RawJson>,
}

#[derive(Deserialize)]
struct WireAffected {
    #[serde(default)]
    package: Option<WirePackage>,
    #[serde(default, deserialize_with = "de_vec")]
    severity: Vec<Severity>,
    #[serde(default, deserialize_with = "de_vec")]
    ranges: Vec<WireRange>,
    #[serde(default, deserialize_with = "de_vec_lstr")]
    versions: Vec<String>,
    #[serde(default)]
    ecosystem_specific: Option<RawJson>,
    #[serde(default)]
    database_specific: Option<RawJson>,
}

#[derive(Deserialize)]
struct WirePackage {
    #[serde(default)]
    ecosystem: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    purl: Option<String>,
}

#[derive(Deserialize)]
struct WireRange {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    repo: Option<String>,
    #[serde(default, deserialize_with = "de_vec")]
    events: Vec<WireEvent>,
    #[serde(default)]
    database_specific: Option<RawJson>,
}

#[derive(Deserialize)]
struct WireEvent {
    #[serde(default, deserialize_with = "de_opt_lstr")]
    introduced: Option<String>,
    #[serde(default, deserialize_with = "de_opt_lstr")]
    fixed: Option<String>,
    #[serde(default, deserialize_with = "de_opt_lstr")]
    last_affected: Option<String>,
    #[serde(default, deserialize_with = "de_opt_lstr")]
    limit: Option<String>,
}

/// `null` or absent -> empty vector.
fn de_vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A string, or a number/bool written where a string belongs (YAML plain
/// scalars such as `1.0`): rendered as JSON renders it.
struct LStr(String);

impl<'de> Deserialize<'de> for LStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = LStr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LStr, E> {
                Ok(LStr(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<LStr, E> {
                Ok(LStr(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LStr, E> {
                Ok(LStr(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LStr, E> {
                Ok(LStr(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LStr, E> {
                serde_json::Number::from_f64(v)
                    .map(|n| LStr(n.to_string()))
                    .ok_or_else(|| E::custom("non-finite number where a string belongs"))
            }
        }
        d.deserialize_any(V)
    }
}

fn de_lstr<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<LStr>::deserialize(d)?
        .map(|s| s.0)
        .unwrap_or_default())
}

fn de_opt_lstr<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<LStr>::deserialize(d)?.map(|s| s.0))
}

fn de_vec_lstr<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<LStr>>::deserialize(d)?
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.0)
        .collect())
}

// ---------------------------------------------------------------------------
// Parsing and validation

impl Record {
    /// Parse and validate one OSV record from JSON text.
    pub fn from_json(text: &str, limits: &Limits) -> Result<Record, RecordError> {
        parse_record_json(text, limits)
    }

    /// Parse and validate one OSV record from a JSON value (YAML inputs,
    /// converted formats). The value is rendered to JSON text, which becomes
    /// the record's source.
    pub fn from_value(value: &Value, limits: &Limits) -> Result<Record, RecordError> {
        let text = serde_json::to_string(value)
            .map_err(|e| RecordError::plain(RejectionClass::Syntax, e.to_string()))?;
        parse_record_json(&text, limits)
    }

    /// The record's JSON exactly as read (JSON inputs) or as rendered from
    /// YAML/conversion. Lossless export writes this.
    pub fn source_json(&self) -> &str {
        &self.source
    }

    /// The source as a `serde_json::Value`.
    pub fn to_value(&self) -> Value {
        // The source was validated as JSON when the record was built.
        serde_json::from_str(&self.source).unwrap_or(Value::Null)
    }

    /// Is the record withdrawn?
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn.is_some()
    }

    /// All identifiers of this record: `id` then `aliases`.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

fn classify_json_error(e: &serde_json::Error) -> RejectionClass {
    match e.classify() {
        serde_json::error::Category::Data => RejectionClass::WrongType,
        _ => RejectionClass::Syntax,
    }
}

/// Parse and validate one OSV record from JSON text.
pub fn parse_record_json(text: &str, limits: &Limits) -> Result<Record, RecordError> {
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{feff}');
    if text.len() > limits.max_record_bytes {
        return Err(RecordError::plain(
            RejectionClass::TooLarge,
            format!(
                "record of {} bytes exceeds the limit of {} bytes",
                text.len(),
                limits.max_record_bytes
            ),
        ));
    }
    if !text.starts_with('{') {
        // Still tell a syntax error from a well-formed non-object.
        return Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Err(e) if text.len() <= limits.max_record_bytes && !text.is_empty() => {
                RecordError::plain(RejectionClass::Syntax, e.to_string())
            }
            _ if text.is_empty() => RecordError::plain(RejectionClass::Syntax, "empty record"),
            _ => RecordError::plain(
                RejectionClass::NotAnObject,
                "the record is not a JSON object",
            ),
        });
    }
    scan_json(text.as_bytes(), limits.max_depth, limits.max_string_bytes)?;
    let wire: WireRecord = match serde_json::from_str(text) {
        Ok(w) => w,
        Err(e) => {
            let class = classify_json_error(&e);
            // Re-run with path tracking to name the place.
            let mut de = serde_json::Deserializer::from_str(text);
            let path = match serde_path_to_error::deserialize::<_, WireRecord>(&mut de) {
                Err(pe) if class == RejectionClass::WrongType => {
                    Some(pe.path().to_string()).filter(|p| p != "." && p != "?")
                }
                Err(_) => None,
                Ok(_) => None,
            };
            let mut err = RecordError::new(class, path, e.to_string());
            err.id = sniff_id(text);
            return Err(err);
        }
    };
    let id_hint = wire.id.clone();
    build(wire, text, limits).map_err(|mut e| {
        e.id = e.id.or(id_hint);
        e
    })
}

/// Best effort: the `id` of a record that failed to deserialize.
fn sniff_id(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct IdOnly {
        id: Option<String>,
    }
    serde_json::from_str::<IdOnly>(text).ok().and_then(|r| r.id)
}

fn check_identifier(s: &str, path: &str) -> Result<(), RecordError> {
    if s.is_empty() {
        return Err(RecordError::at(
            RejectionClass::InvalidId,
            path,
            "empty identifier",
        ));
    }
    if s.len() > 256 {
        return Err(RecordError::at(
            RejectionClass::InvalidId,
            path,
            format!("identifier longer than 256 bytes ({} bytes)", s.len()),
        ));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(RecordError::at(
            RejectionClass::InvalidId,
            path,
            format!("identifier {s:?} contains whitespace or control characters"),
        ));
    }
    Ok(())
}

fn timestamp(s: &str, path: &str) -> Result<Timestamp, RecordError> {
    Timestamp::parse(s)
        .map_err(|e| RecordError::at(RejectionClass::InvalidTimestamp, path, e.to_string()))
}

fn build(w: WireRecord, text: &str, _limits: &Limits) -> Result<Record, RecordError> {
    let mut warnings = Vec::new();
    let id = w.id.ok_or_else(|| {
        RecordError::at(RejectionClass::MissingId, "id", "the record has no `id`")
    })?;
    check_identifier(&id, "id")?;
    let modified = w.modified.ok_or_else(|| {
        RecordError::at(
            RejectionClass::MissingModified,
            "modified",
            "the record has no `modified`",
        )
    })?;
    let modified = timestamp(&modified, "modified")?;
    let published = w
        .published
        .as_deref()
        .map(|s| timestamp(s, "published"))
        .transpose()?;
    let withdrawn = w
        .withdrawn
        .as_deref()
        .map(|s| timestamp(s, "withdrawn"))
        .transpose()?;
    for (field, list) in [
        ("aliases", &w.aliases),
        ("related", &w.related),
        ("upstream", &w.upstream),
    ] {
        for (i, a) in list.iter().enumerate() {
            check_identifier(a, &format!("{field}[{i}]"))?;
            if field == "aliases" && *a == id {
                warnings.push(Warning {
                    code: "alias_is_self",
                    path: format!("aliases[{i}]"),
                    message: "the record lists its own id as an alias".into(),
                });
            }
        }
    }
    let mut affected = Vec::with_capacity(w.affected.len());
    for (ai, a) in w.affected.into_iter().enumerate() {
        let package = match a.package {
            None => {
                warnings.push(Warning {
                    code: "affected_without_package",
                    path: format!("affected[{ai}]"),
                    message: "affected entry has no package".into(),
                });
                None
            }
            Some(p) => {
                let path = format!("affected[{ai}].package");
                let ecosystem = p
                    .ecosystem
                    .filter(|s| !s.trim().is_empty())
                    .ok_or_else(|| {
                        RecordError::at(
                            RejectionClass::InvalidPackage,
                            &path,
                            "package has no `ecosystem`",
                        )
                    })?;
                let name = p.name.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
                    RecordError::at(
                        RejectionClass::InvalidPackage,
                        &path,
                        "package has no `name`",
                    )
                })?;
                Some(Package {
                    ecosystem,
                    name,
                    purl: p.purl,
                })
            }
        };
        let mut ranges = Vec::with_capacity(a.ranges.len());
        for (ri, r) in a.ranges.into_iter().enumerate() {
            let path = format!("affected[{ai}].ranges[{ri}]");
            let kind = r.kind.map(|k| RangeKind::parse(&k)).ok_or_else(|| {
                RecordError::at(RejectionClass::InvalidRange, &path, "range has no `type`")
            })?;
            if let RangeKind::Other(k) = &kind {
                warnings.push(Warning {
                    code: "unknown_range_type",
                    path: path.clone(),
                    message: format!("unknown range type {k:?}"),
                });
            }
            if kind == RangeKind::Git && r.repo.as_deref().is_none_or(str::is_empty) {
                warnings.push(Warning {
                    code: "git_range_without_repo",
                    path: path.clone(),
                    message: "GIT range without `repo`".into(),
                });
            }
            if r.events.is_empty() {
                return Err(RecordError::at(
                    RejectionClass::RangeWithoutEvents,
                    &format!("{path}.events"),
                    "range has no events",
                ));
            }
            let mut events = Vec::with_capacity(r.events.len());
            for (ei, e) in r.events.into_iter().enumerate() {
                let epath = format!("{path}.events[{ei}]");
                let set = [
                    e.introduced.map(Event::Introduced),
                    e.fixed.map(Event::Fixed),
                    e.last_affected.map(Event::LastAffected),
                    e.limit.map(Event::Limit),
                ];
                let count = set.iter().filter(|x| x.is_some()).count();
                if count != 1 {
                    return Err(RecordError::at(
                        RejectionClass::InvalidEvent,
                        &epath,
                        format!(
                            "an event needs exactly one of introduced/fixed/last_affected/limit, found {count}"
                        ),
                    ));
                }
                let Some(ev) = set.into_iter().flatten().next() else {
                    continue;
                };
                if ev.version().trim().is_empty() {
                    return Err(RecordError::at(
                        RejectionClass::InvalidEvent,
                        &epath,
                        "empty event value",
                    ));
                }
                events.push(ev);
            }
            if !events.iter().any(|e| matches!(e, Event::Introduced(_))) {
                return Err(RecordError::at(
                    RejectionClass::RangeWithoutIntroduced,
                    &format!("{path}.events"),
                    "range has no `introduced` event",
                ));
            }
            if events.iter().any(|e| matches!(e, Event::Fixed(_)))
                && events.iter().any(|e| matches!(e, Event::LastAffected(_)))
            {
                warnings.push(Warning {
                    code: "fixed_and_last_affected",
                    path: format!("{path}.events"),
                    message: "range has both `fixed` and `last_affected` events".into(),
                });
            }
            ranges.push(Range {
                kind,
                repo: r.repo,
                events,
                database_specific: r.database_specific,
            });
        }
        affected.push(Affected {
            package,
            severity: a.severity,
            ranges,
            versions: a.versions,
            ecosystem_specific: a.ecosystem_specific,
            database_specific: a.database_specific,
        });
    }
    Ok(Record {
        id,
        modified,
        published,
        withdrawn,
        schema_version: w.schema_version,
        aliases: w.aliases,
        related: w.related,
        upstream: w.upstream,
        summary: w.summary,
        details: w.details,
        severity: w.severity,
        affected,
        references: w.references,
        credits: w.credits,
        database_specific: w.database_specific,
        warnings,
        source: text.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<Record, RecordError> {
        parse_record_json(text, &Limits::default())
    }

    fn expect(text: &str, class: RejectionClass, path: Option<&str>) {
        let e = check(text).expect_err(text);
        assert_eq!(e.class, class, "{text}: {e}");
        assert_eq!(e.path.as_deref(), path, "{text}: {e}");
    }

    const OK: &str = r#"{"id":"X-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-1"],
        "affected":[{"package":{"ecosystem":"PyPI","name":"a"},"ranges":[{"type":"ECOSYSTEM",
        "events":[{"introduced":"0"},{"fixed":"1.0"}]}],"versions":["0.9"]}],"extra":{"keep":1.50}}"#;

    #[test]
    fn accepts_and_keeps_source() {
        let r = check(OK).unwrap();
        assert_eq!(r.id, "X-1");
        assert_eq!(r.aliases, vec!["CVE-2024-1"]);
        assert_eq!(
            r.affected[0].ranges[0].events[1],
            Event::Fixed("1.0".into())
        );
        assert_eq!(r.source_json(), OK.trim());
        assert!(r.source_json().contains("1.50"));
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn rejection_classes_and_paths() {
        use RejectionClass::*;
        expect(
            r#"{"modified":"2024-01-01T00:00:00Z"}"#,
            MissingId,
            Some("id"),
        );
        expect(r#"{"id":"A"}"#, MissingModified, Some("modified"));
        expect(
            r#"{"id":"A","modified":"yesterday"}"#,
            InvalidTimestamp,
            Some("modified"),
        );
        expect(
            r#"{"id":"A B","modified":"2024-01-01T00:00:00Z"}"#,
            InvalidId,
            Some("id"),
        );
        expect(
            r#"{"id":"A","modified":"2024-01-01T00:00:00Z","aliases":[""]}"#,
            InvalidId,
            Some("aliases[0]"),
        );
        expect(
            r#"{"id":"A","modified":"2024-01-01T00:00:00Z","aliases":"CVE-1"}"#,
            WrongType,
            Some("aliases"),
        );
        expect(
            r#"{"id":7,"modified":"2024-01-01T00:00:00Z"}"#,
            WrongType,
            Some("id"),
        );
        expect(
            r#"{"id":"A","modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"type":"SEMVER","events":[]}]}]}"#,
            RangeWithoutEvents,
            Some("affected[0].ranges[0].events"),
        );
        expect(
            r#"{"id":"A","modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"type":"SEMVER","events":[{"fixed":"1"}]}]}]}"#,
            RangeWithoutIntroduced,
            Some("affected[0].ranges[0].events"),
        );
        expect(
            r#"{"id":"A","modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"type":"SEMVER","events":[{"introduced":"0","fixed":"1"}]}]}]}"#,
            InvalidEvent,
            Some("affected[0].ranges[0].events[0]"),
        );
        expect(
            r#"{"id":"A","modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"events":[{"introduced":"0"}]}]}]}"#,
            InvalidRange,
            Some("affected[0].ranges[0]"),
        );
        expect(
            r#"{"id":"A","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"name":"x"}}]}"#,
            InvalidPackage,
            Some("affected[0].package"),
        );
        expect(
            r#"{"id":"A","modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"type":"GIT","events":[{"introduced":{}}]}]}]}"#,
            WrongType,
            Some("affected[0].ranges[0].events[0].introduced"),
        );
        expect(r#"[1,2]"#, NotAnObject, None);
        expect(r#"{"id":"A","#, Syntax, None);
        expect("", Syntax, None);
        let deep = format!(
            "{{\"id\":\"A\",\"x\":{}{}}}",
            "[".repeat(100),
            "]".repeat(100)
        );
        expect(&deep, TooDeep, None);
    }

    #[test]
    fn lenient_nulls_numbers_and_warnings() {
        let r = check(r#"{"id":"A","modified":"2024-01-01T00:00:00Z","aliases":null,"affected":[{"package":{"ecosystem":"PyPI","name":"a"},
            "ranges":[{"type":"GIT","events":[{"introduced":0},{"fixed":1.5}]}],"versions":[1.0, "2"]}]}"#).unwrap();
        assert!(r.aliases.is_empty());
        assert_eq!(r.affected[0].ranges[0].events[1].version(), "1.5");
        assert_eq!(r.affected[0].versions, vec!["1.0", "2"]);
        assert!(r
            .warnings
            .iter()
            .any(|w| w.code == "git_range_without_repo"));
    }

    #[test]
    fn events_convert_to_their_levee_versions_namesakes() {
        use levee_versions::Event as V;
        let cases = [
            (Event::Introduced("1.0".into()), V::Introduced("1.0".into())),
            (Event::Fixed("1.1".into()), V::Fixed("1.1".into())),
            (
                Event::LastAffected("1.2".into()),
                V::LastAffected("1.2".into()),
            ),
            (Event::Limit("1.3".into()), V::Limit("1.3".into())),
        ];
        for (e, want) in cases {
            assert_eq!(V::from(&e), want);
            assert_eq!(V::from(e), want);
        }
    }

    /// Every range type converts; one OSV does not define is kept as
    /// `Unknown` (its versions undecidable), not dropped.
    #[test]
    fn ranges_convert_with_their_type() {
        use levee_versions::RangeKind as K;
        let r = check(
            r#"{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"p"},"ranges":[
              {"type":"SEMVER","events":[{"introduced":"0"}]},
              {"type":"ECOSYSTEM","events":[{"introduced":"1"}]},
              {"type":"GIT","repo":"https://example.invalid/r","events":[{"introduced":"abc"},{"fixed":"def"}]},
              {"type":"NEWTYPE","events":[{"introduced":"2"}]}]}]}"#,
        )
        .unwrap();
        let got: Vec<levee_versions::OsvRange> = r.affected[0]
            .ranges
            .iter()
            .map(levee_versions::OsvRange::from)
            .collect();
        let kinds: Vec<K> = got.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, [K::Semver, K::Ecosystem, K::Git, K::Unknown]);
        assert_eq!(got[2].repo.as_deref(), Some("https://example.invalid/r"));
        assert_eq!(
            got[2].events,
            [
                levee_versions::Event::Introduced("abc".into()),
                levee_versions::Event::Fixed("def".into())
            ]
        );
        assert_eq!(
            got[3].events,
            [levee_versions::Event::Introduced("2".into())]
        );
    }
}
