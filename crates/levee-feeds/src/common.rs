//! Shared machinery of the converters: the output type, rejection classes,
//! dates, identifier rules and native range -> OSV event conversion.

use serde_json::{json, Map, Value};

use levee_formats::{group::is_cve, RejectionClass, Timestamp, Warning};
use levee_versions::native::parse_native;
use levee_versions::{Bound, RangeSet, VersionScheme};

macro_rules! feed_classes {
    ($( $(#[$m:meta])* $v:ident => $code:literal, $base:ident ),* $(,)?) => {
        /// Why a feed converter refused an input. Each class has a stable
        /// code (`feed_…`/`csaf_…`); a [`levee_formats::Rejection`] produced
        /// by this crate carries the closest [`RejectionClass`] in `class`
        /// and starts its `reason` with `<code>: ` ([`FeedClass::of`] reads
        /// it back).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum FeedClass {
            $( $(#[$m])* $v, )*
        }

        impl FeedClass {
            /// Every class, in declaration order.
            pub const ALL: &'static [FeedClass] = &[ $( FeedClass::$v, )* ];

            /// Stable code.
            pub fn code(self) -> &'static str {
                match self { $( FeedClass::$v => $code, )* }
            }

            /// The levee-formats class a rejection of this class carries.
            pub fn base(self) -> RejectionClass {
                match self { $( FeedClass::$v => RejectionClass::$base, )* }
            }

            /// The class with this code.
            pub fn from_code(code: &str) -> Option<FeedClass> {
                match code { $( $code => Some(FeedClass::$v), )* _ => None }
            }
        }
    };
}

feed_classes! {
    /// A line or document is not well-formed JSON (or not UTF-8).
    Syntax => "feed_syntax", Syntax,
    /// The input matches no feed format (or the one forced does not fit).
    UnknownFormat => "feed_unknown_format", UnknownFormat,
    /// A native record is not a JSON object / a wrapper line lacks `data`/`text`.
    NotAnObject => "feed_not_object", NotAnObject,
    /// A field the format requires is missing or has the wrong type
    /// (GitLab `package_slug`, RubySec `gem`, CVE `cveMetadata.cveId`, ...).
    MissingField => "feed_missing_field", WrongType,
    /// No usable identifier can be derived for the record.
    NoId => "feed_no_id", MissingId,
    /// The package's ecosystem is not known (GitLab slug prefix, ...).
    UnknownEcosystem => "feed_unknown_ecosystem", InvalidPackage,
    /// A Debian list entry whose header line cannot be read.
    DebianHeader => "feed_debian_header", Syntax,
    /// The converted OSV record failed levee-formats validation (the
    /// levee-formats class is kept as `class`).
    OsvInvalid => "feed_osv_invalid", WrongType,
    /// The input is larger than the limits allow.
    TooLarge => "feed_too_large", TooLarge,
    /// A CSAF document violates the CSAF 2.0 JSON schema (structure,
    /// required fields, types, enums, patterns).
    CsafSchema => "csaf_schema", WrongType,
    /// A CSAF document fails one or more mandatory tests (6.1.x); the test
    /// ids are listed in the reason.
    CsafMandatory => "csaf_mandatory_test", WrongType,
}

impl FeedClass {
    /// The feed class of a rejection made by this crate (from its reason
    /// prefix), `None` for anything else.
    pub fn of(r: &levee_formats::Rejection) -> Option<FeedClass> {
        let (code, _) = r.reason.split_once(": ")?;
        FeedClass::from_code(code)
    }
}

impl std::fmt::Display for FeedClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A refusal by a converter, before the driver adds the location.
#[derive(Debug, Clone, PartialEq)]
pub struct Fail {
    /// The class.
    pub class: FeedClass,
    /// JSON path (in the native record) of the problem.
    pub path: Option<String>,
    /// Reason.
    pub reason: String,
    /// The id, if one was derived.
    pub id: Option<String>,
}

impl Fail {
    pub(crate) fn new(class: FeedClass, path: Option<&str>, reason: impl Into<String>) -> Fail {
        Fail {
            class,
            path: path.map(str::to_string),
            reason: reason.into(),
            id: None,
        }
    }

    pub(crate) fn missing(path: &str, what: &str) -> Fail {
        Fail::new(FeedClass::MissingField, Some(path), what.to_string())
    }

    pub(crate) fn with_id(mut self, id: &str) -> Fail {
        self.id = Some(id.to_string());
        self
    }
}

/// One converted record: an OSV-shaped JSON value plus converter warnings
/// (attached to the parsed [`levee_formats::Record`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    /// OSV JSON.
    pub value: Value,
    /// Warnings (`range_unparsed`, `lower_bound_widened`, ...).
    pub warnings: Vec<Warning>,
}

pub(crate) type Conv = Result<Converted, Fail>;

pub(crate) fn warn(code: &'static str, path: &str, message: impl Into<String>) -> Warning {
    Warning {
        code,
        path: path.to_string(),
        message: message.into(),
    }
}

/// The `modified` used when a feed gives no date at all (stable, so
/// re-import is idempotent).
pub const EPOCH: &str = "1970-01-01T00:00:00Z";

/// Normalise a feed date to RFC 3339: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`,
/// `YYYY-MM-DDTHH:MM:SS[.frac]` without zone (UTC assumed), or RFC 3339.
pub fn normalize_date(s: &str) -> Option<String> {
    let s = s.trim();
    if Timestamp::parse(s).is_ok() {
        return Some(s.to_string());
    }
    let b = s.as_bytes();
    let cand = if b.len() == 10 {
        format!("{s}T00:00:00Z")
    } else if b.len() >= 19 {
        let (d, rest) = (s.get(..10)?, s.get(11..)?);
        let rest = rest.trim_end_matches('Z');
        format!("{d}T{rest}Z")
    } else {
        return None;
    };
    Timestamp::parse(&cand).is_ok().then_some(cand)
}

/// `CVE-…` in any case → canonical upper case when it is a CVE id.
pub fn normalize_cve(s: &str) -> Option<String> {
    let u = s.trim().to_ascii_uppercase();
    is_cve(&u).then_some(u)
}

/// An identifier usable as an OSV id/alias: non-empty, at most 256 bytes,
/// no whitespace or control characters, and not a bare number/date.
pub fn plausible_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && s.chars().any(|c| c.is_ascii_alphabetic())
        && s.contains('-')
}

/// Split a source's identifiers into `aliases` and `related`.
///
/// Rule (documented in ARCHITECTURE.md): a record that names exactly one
/// CVE is an alias of it; a record naming several CVEs (a bundle) only
/// *links* to them (`related`), so that it can never merge two CVEs.
/// Non-CVE identifiers are aliases (never the record's own id).
pub fn split_ids(
    own_id: &str,
    ids: impl IntoIterator<Item = String>,
) -> (Vec<String>, Vec<String>) {
    let mut cves: Vec<String> = Vec::new();
    let mut other: Vec<String> = Vec::new();
    for id in ids {
        if let Some(c) = normalize_cve(&id) {
            if !cves.contains(&c) {
                cves.push(c);
            }
        } else if plausible_id(id.trim()) && id.trim() != own_id {
            let t = id.trim().to_string();
            if !other.contains(&t) {
                other.push(t);
            }
        }
    }
    cves.retain(|c| c != own_id);
    if cves.len() <= 1 {
        other.extend(cves);
        (other, Vec::new())
    } else {
        (other, cves)
    }
}

/// Result of turning a native range into OSV `ranges`.
#[derive(Debug, Default)]
pub struct NativeRanges {
    /// OSV `ranges` (zero or one ECOSYSTEM range).
    pub ranges: Vec<Value>,
    /// Warnings.
    pub warnings: Vec<Warning>,
    /// Whether the text was parsed.
    pub parsed: bool,
}

/// A `RangeSet` as OSV events. An exclusive lower bound (`> v`) cannot be
/// written in OSV; it becomes `introduced: v` (over-approximation: `v`
/// itself is reported affected) and `widened` is set.
pub fn set_to_events(set: &RangeSet, strip_v: bool) -> (Vec<Value>, bool) {
    let fmt = |s: &str| -> String {
        if strip_v {
            s.strip_prefix('v').unwrap_or(s).to_string()
        } else {
            s.to_string()
        }
    };
    let mut ev = Vec::new();
    let mut widened = false;
    for iv in set.intervals() {
        match &iv.lower {
            Bound::Unbounded => ev.push(json!({"introduced": "0"})),
            Bound::Inclusive(v) => ev.push(json!({"introduced": fmt(v.as_str())})),
            Bound::Exclusive(v) => {
                widened = true;
                ev.push(json!({"introduced": fmt(v.as_str())}))
            }
        }
        match &iv.upper {
            Bound::Unbounded => {}
            Bound::Exclusive(v) => ev.push(json!({"fixed": fmt(v.as_str())})),
            Bound::Inclusive(v) => ev.push(json!({"last_affected": fmt(v.as_str())})),
        }
    }
    (ev, widened)
}

/// Turn a set into one ECOSYSTEM range (or none when the set is empty),
/// with warnings.
pub fn set_to_ranges(set: &RangeSet, strip_v: bool, path: &str, native: &str) -> NativeRanges {
    let mut out = NativeRanges {
        parsed: true,
        ..NativeRanges::default()
    };
    if set.is_empty() {
        out.warnings.push(warn(
            "range_empty",
            path,
            format!("native range {native:?} affects no version"),
        ));
        return out;
    }
    let (events, widened) = set_to_events(set, strip_v);
    if widened {
        out.warnings.push(warn(
            "lower_bound_widened",
            path,
            format!(
                "exclusive lower bound in {native:?} written as `introduced` (includes the bound)"
            ),
        ));
    }
    let has = |k: &str| events.iter().any(|e| e.get(k).is_some());
    if has("fixed") && has("last_affected") {
        // OSV wants `fixed` and `last_affected` in different ranges: one
        // range per interval (their union is the same set).
        let mut cur: Vec<Value> = Vec::new();
        for e in events {
            if e.get("introduced").is_some() && !cur.is_empty() {
                out.ranges
                    .push(json!({"type": "ECOSYSTEM", "events": std::mem::take(&mut cur)}));
            }
            cur.push(e);
        }
        if !cur.is_empty() {
            out.ranges.push(json!({"type": "ECOSYSTEM", "events": cur}));
        }
    } else {
        out.ranges
            .push(json!({"type": "ECOSYSTEM", "events": events}));
    }
    out
}

/// Parse `native` with the versions crate's native parser for `scheme` and
/// turn it into OSV ranges. Unparseable text yields no range and a
/// `range_unparsed` warning (the caller keeps the text in
/// `database_specific`).
pub fn native_ranges(
    scheme: VersionScheme,
    native: &str,
    strip_v: bool,
    path: &str,
) -> NativeRanges {
    match parse_native(scheme, native) {
        Ok(set) => set_to_ranges(&set, strip_v, path, native),
        Err(e) => NativeRanges {
            ranges: Vec::new(),
            warnings: vec![warn(
                "range_unparsed",
                path,
                format!(
                    "native range {native:?} not parsed ({}): kept in database_specific",
                    e.reason
                ),
            )],
            parsed: false,
        },
    }
}

/// Get a string field.
pub(crate) fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

/// A string list field (`null`/absent → empty; non-strings skipped).
pub(crate) fn str_list(v: &Value, k: &str) -> Vec<String> {
    match v.get(k) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// Build an OSV reference list from URLs (de-duplicated, `WEB` unless given).
pub(crate) fn refs(urls: impl IntoIterator<Item = (String, &'static str)>) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    urls.into_iter()
        .filter(|(u, _)| !u.trim().is_empty() && seen.insert(u.clone()))
        .map(|(u, t)| json!({"type": t, "url": u.trim()}))
        .collect()
}

/// Insert `k: v` unless `v` is null / empty.
pub(crate) fn put(m: &mut Map<String, Value>, k: &str, v: Value) {
    let empty = match &v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::String(s) => s.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    };
    if !empty {
        m.insert(k.to_string(), v);
    }
}

/// Set `k` on an object value (no-op on anything else).
pub(crate) fn set(v: &mut Value, k: &str, x: Value) {
    if let Some(o) = v.as_object_mut() {
        o.insert(k.to_string(), x);
    }
}

/// Clip long text for messages.
pub(crate) fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            normalize_date("2022-01-10").as_deref(),
            Some("2022-01-10T00:00:00Z")
        );
        assert_eq!(
            normalize_date("2017-05-15 09:09:00").as_deref(),
            Some("2017-05-15T09:09:00Z")
        );
        assert_eq!(
            normalize_date("2011-04-13T14:00:00").as_deref(),
            Some("2011-04-13T14:00:00Z")
        );
        assert_eq!(
            normalize_date("2024-06-19T17:13:08.969Z").as_deref(),
            Some("2024-06-19T17:13:08.969Z")
        );
        assert_eq!(normalize_date("yesterday"), None);
        assert_eq!(normalize_date("2022-13-45"), None);
    }

    #[test]
    fn id_split_rule() {
        let (a, r) = split_ids(
            "X-1",
            ["cvE-2021-1234".into(), "GHSA-aaaa-bbbb-cccc".into()],
        );
        assert_eq!(a, vec!["GHSA-aaaa-bbbb-cccc", "CVE-2021-1234"]);
        assert!(r.is_empty());
        let (a, r) = split_ids("X-1", ["CVE-2021-1234".into(), "CVE-2021-1235".into()]);
        assert!(a.is_empty());
        assert_eq!(r, vec!["CVE-2021-1234", "CVE-2021-1235"]);
        let (a, _) = split_ids(
            "X-1",
            ["All versions".into(), "2019-01-01".into(), "X-1".into()],
        );
        assert!(a.is_empty());
    }

    #[test]
    fn events_from_sets() {
        let set = parse_native(VersionScheme::SemVer, ">=1.0.0 <1.6.3 || >=2.0.0 <=2.2.0").unwrap();
        let (ev, w) = set_to_events(&set, false);
        assert!(!w);
        assert_eq!(
            Value::Array(ev),
            json!([{"introduced":"1.0.0"},{"fixed":"1.6.3"},{"introduced":"2.0.0"},{"last_affected":"2.2.0"}])
        );
        let set = parse_native(VersionScheme::SemVer, ">1.0.0").unwrap();
        let (ev, w) = set_to_events(&set, false);
        assert!(w);
        assert_eq!(Value::Array(ev), json!([{"introduced":"1.0.0"}]));
        let set = parse_native(VersionScheme::Go, "<=v1.8.1").unwrap();
        let (ev, _) = set_to_events(&set, true);
        assert_eq!(
            Value::Array(ev),
            json!([{"introduced":"0"},{"last_affected":"1.8.1"}])
        );
    }

    #[test]
    fn unparsed_range_warns() {
        let r = native_ranges(VersionScheme::Maven, "[1.0,", false, "x");
        assert!(!r.parsed);
        assert!(r.ranges.is_empty());
        assert_eq!(r.warnings.first().map(|w| w.code), Some("range_unparsed"));
    }

    #[test]
    fn class_codes_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in FeedClass::ALL {
            assert!(seen.insert(c.code()));
            assert_eq!(FeedClass::from_code(c.code()), Some(*c));
        }
    }
}
