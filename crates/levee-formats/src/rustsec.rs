//! RustSec advisory markdown (TOML front matter in a ```toml fence, then a
//! markdown body whose first `# ` heading is the title) -> an OSV record
//! shaped like RustSec's own OSV export (the advisory-db `osv` branch):
//! same id, aliases, related, summary, details, published, withdrawn,
//! references and SEMVER ranges.
//!
//! Range conversion follows the rules RustSec uses: every `patched` and
//! `unaffected` requirement is an interval of unaffected versions (at most
//! one lower and one upper bound each; `^`, `~` and `=` stand alone); the
//! intervals must not overlap; the gaps between them are the affected
//! ranges. "Just above v" is the smallest SemVer version greater than v
//! (`1.2.3` -> `1.2.4-0`, `1.2.3-rc.1` -> `1.2.3-rc.1.0`), and an unbounded
//! start is written `introduced: "0.0.0-0"`.

use semver::{Comparator, Op, Prerelease, Version, VersionReq};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::error::{RecordError, RejectionClass};
use crate::limits::Limits;
use crate::record::{Event, Record};

/// Which part of the advisory-db the advisory belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    /// `crates/<name>/RUSTSEC-*.md`: a crates.io package (ecosystem `crates.io`).
    Crates,
    /// `rust/<component>/*.md`: the Rust toolchain / std. These are not
    /// crates.io packages; the record uses ecosystem `Rust` so that they never
    /// match a Cargo.lock entry (cargo-audit does not report them either).
    Rust,
}

/// A parsed RustSec advisory, with its OSV rendering.
#[derive(Debug, Clone)]
pub struct RustsecAdvisory {
    /// `RUSTSEC-YYYY-NNNN`.
    pub id: String,
    /// Crate (or toolchain component) name.
    pub package: String,
    /// Crates or Rust toolchain.
    pub collection: Collection,
    /// `date` (YYYY-MM-DD).
    pub date: String,
    /// `withdrawn` (YYYY-MM-DD).
    pub withdrawn: Option<String>,
    /// `informational`: `unmaintained`, `unsound`, `notice`, ...
    pub informational: Option<String>,
    /// `aliases`.
    pub aliases: Vec<String>,
    /// `related`.
    pub related: Vec<String>,
    /// `[versions] patched`, as written.
    pub patched: Vec<String>,
    /// `[versions] unaffected`, as written.
    pub unaffected: Vec<String>,
    /// `[affected] functions`: path -> requirements, as written.
    pub functions: BTreeMap<String, Vec<String>>,
    /// `[affected] os`.
    pub os: Vec<String>,
    /// `[affected] arch`.
    pub arch: Vec<String>,
    /// `categories`.
    pub categories: Vec<String>,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `cvss` vector.
    pub cvss: Option<String>,
    /// Title (first `# ` heading of the body).
    pub title: String,
    /// Description (the body after the title).
    pub description: String,
    /// The SEMVER events derived from `patched` + `unaffected`.
    pub events: Vec<Event>,
    /// The OSV record (what import and matching use).
    pub record: Record,
}

#[derive(Deserialize)]
struct FrontMatter {
    advisory: AdvisorySection,
    #[serde(default)]
    versions: Option<VersionsSection>,
    #[serde(default)]
    affected: Option<AffectedSection>,
}

#[derive(Deserialize)]
struct AdvisorySection {
    id: String,
    package: String,
    date: toml::Value,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    related: Vec<String>,
    #[serde(default)]
    cvss: Option<String>,
    #[serde(default)]
    informational: Option<String>,
    #[serde(default)]
    withdrawn: Option<toml::Value>,
    #[serde(default)]
    license: Option<String>,
    // V1 layout kept `patched_versions` / `unaffected_versions` here.
    #[serde(default)]
    patched_versions: Vec<String>,
    #[serde(default)]
    unaffected_versions: Vec<String>,
}

#[derive(Deserialize, Default)]
struct VersionsSection {
    #[serde(default)]
    patched: Vec<String>,
    #[serde(default)]
    unaffected: Vec<String>,
}

#[derive(Deserialize, Default)]
struct AffectedSection {
    #[serde(default)]
    arch: Vec<String>,
    #[serde(default)]
    os: Vec<String>,
    #[serde(default)]
    functions: BTreeMap<String, Vec<String>>,
}

fn invalid(reason: impl Into<String>) -> RecordError {
    RecordError::plain(RejectionClass::RustsecInvalid, reason)
}

fn date_string(v: &toml::Value, field: &str) -> Result<String, RecordError> {
    let s = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        _ => return Err(invalid(format!("`{field}` is not a date"))),
    };
    let b = s.as_bytes();
    let ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !ok {
        return Err(invalid(format!("`{field}` {s:?} is not YYYY-MM-DD")));
    }
    Ok(s)
}

/// Split the markdown: front matter (inside the ```toml fence) and body.
fn split_front_matter(text: &str) -> Result<(&str, &str), RecordError> {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let rest = t.strip_prefix("```toml").ok_or_else(|| {
        RecordError::plain(
            RejectionClass::RustsecFrontMatter,
            "no ```toml front-matter fence at the start",
        )
    })?;
    let rest = rest.strip_prefix('\r').unwrap_or(rest);
    let rest = rest.strip_prefix('\n').ok_or_else(|| {
        RecordError::plain(
            RejectionClass::RustsecFrontMatter,
            "text after the opening ```toml fence",
        )
    })?;
    // The closing fence is a line that is exactly ``` (trailing spaces allowed).
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "```" {
            let fm = rest.get(..offset).unwrap_or_default();
            let body = rest.get(offset + line.len()..).unwrap_or_default();
            return Ok((fm, body));
        }
        offset += line.len();
    }
    Err(RecordError::plain(
        RejectionClass::RustsecFrontMatter,
        "the ```toml front matter is not closed",
    ))
}

/// Title = first `# ` heading; description = everything after it, trimmed.
fn split_body(body: &str) -> (Option<String>, String) {
    let body = body.trim_start();
    if let Some(rest) = body.strip_prefix("# ") {
        let (title, desc) = rest.split_once('\n').unwrap_or((rest, ""));
        (Some(title.trim_end().to_string()), desc.trim().to_string())
    } else {
        (None, body.trim().to_string())
    }
}

/// Parse one RustSec advisory markdown file. `path` (its path in the
/// advisory-db, e.g. `crates/foo/RUSTSEC-2020-0001.md`) decides the
/// collection (`rust/...` is the toolchain) and is checked against the id.
pub fn parse_rustsec_md(
    path: Option<&str>,
    text: &str,
    limits: &Limits,
) -> Result<RustsecAdvisory, RecordError> {
    if text.len() > limits.max_record_bytes {
        return Err(RecordError::plain(
            RejectionClass::TooLarge,
            "advisory larger than the record limit",
        ));
    }
    let (fm, body) = split_front_matter(text)?;
    let front: FrontMatter =
        toml::from_str(fm).map_err(|e| invalid(format!("front matter: {}", e.message().trim())))?;
    let a = front.advisory;
    // `.../rust/<component>/<file>.md` is the toolchain collection; look at
    // the component two levels above the file, not anywhere in the path.
    let collection = match path {
        Some(p) => {
            let comps: Vec<&str> = p.split(['/', '\\']).filter(|c| !c.is_empty()).collect();
            let parent2 = comps.len().checked_sub(3).and_then(|i| comps.get(i));
            if parent2 == Some(&"rust") {
                Collection::Rust
            } else {
                Collection::Crates
            }
        }
        None => Collection::Crates,
    };
    if a.id.trim().is_empty() || a.id.chars().any(char::is_whitespace) {
        return Err(invalid(format!("bad advisory id {:?}", a.id)));
    }
    if a.package.trim().is_empty() {
        return Err(invalid("empty `package`"));
    }
    let date = date_string(&a.date, "date")?;
    let withdrawn = a
        .withdrawn
        .as_ref()
        .map(|w| date_string(w, "withdrawn"))
        .transpose()?;
    let versions = front.versions.unwrap_or_default();
    let mut patched = versions.patched;
    patched.extend(a.patched_versions);
    let mut unaffected = versions.unaffected;
    unaffected.extend(a.unaffected_versions);
    let affected = front.affected.unwrap_or_default();
    let (md_title, md_desc) = split_body(body);
    let title = a
        .title
        .or(md_title)
        .ok_or_else(|| invalid("no title (`# ` heading) in the markdown body"))?;
    let description = a
        .description
        .map(|d| d.trim().to_string())
        .unwrap_or(md_desc);

    let events = semver_events(&patched, &unaffected).map_err(|e| {
        let mut err = RecordError::plain(RejectionClass::RustsecVersionReq, e);
        err.id = Some(a.id.clone());
        err
    })?;

    // OSV rendering, shaped like RustSec's own export.
    let mut refs = Vec::new();
    let mut push_ref = |url: &str| refs.push(json!({"type": guess_url_kind(url), "url": url}));
    if collection == Collection::Crates {
        push_ref(&format!("https://crates.io/crates/{}", a.package));
    }
    push_ref(&format!("https://rustsec.org/advisories/{}.html", a.id));
    if let Some(u) = &a.url {
        push_ref(u);
    }
    for u in &a.references {
        push_ref(u);
    }
    let severity: Vec<Value> = a
        .cvss
        .iter()
        .map(|v| {
            let kind = if v.starts_with("CVSS:4") {
                "CVSS_V4"
            } else {
                "CVSS_V3"
            };
            json!({"type": kind, "score": v})
        })
        .collect();
    let (ecosystem, purl) = match collection {
        Collection::Crates => ("crates.io", Some(format!("pkg:cargo/{}", a.package))),
        Collection::Rust => ("Rust", None),
    };
    let mut package = Map::new();
    package.insert("ecosystem".into(), ecosystem.into());
    package.insert("name".into(), a.package.clone().into());
    if let Some(p) = purl {
        package.insert("purl".into(), p.into());
    }
    let events_json: Vec<Value> = events
        .iter()
        .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
        .collect();
    let modified_day = match &withdrawn {
        Some(w) if *w > date => w.clone(),
        _ => date.clone(),
    };
    let mut rec = Map::new();
    rec.insert("id".into(), a.id.clone().into());
    rec.insert(
        "modified".into(),
        format!("{modified_day}T12:00:00Z").into(),
    );
    rec.insert("published".into(), format!("{date}T12:00:00Z").into());
    if let Some(w) = &withdrawn {
        rec.insert("withdrawn".into(), format!("{w}T12:00:00Z").into());
    }
    rec.insert("aliases".into(), json!(a.aliases));
    rec.insert("related".into(), json!(a.related));
    rec.insert("summary".into(), title.clone().into());
    rec.insert("details".into(), description.clone().into());
    rec.insert("severity".into(), Value::Array(severity));
    rec.insert(
        "affected".into(),
        json!([{
            "package": Value::Object(package),
            "ecosystem_specific": {
                "affects": {
                    "arch": affected.arch,
                    "os": affected.os,
                    "functions": affected.functions.keys().collect::<Vec<_>>(),
                },
                "affected_functions": null,
            },
            "database_specific": {
                "categories": a.categories,
                "cvss": a.cvss,
                "informational": a.informational,
            },
            "ranges": [{"type": "SEMVER", "events": events_json}],
            "versions": [],
        }]),
    );
    rec.insert("references".into(), Value::Array(refs));
    rec.insert(
        "database_specific".into(),
        json!({"license": a.license.clone().unwrap_or_else(|| "CC0-1.0".to_string())}),
    );
    let record = Record::from_value(&Value::Object(rec), limits).map_err(|mut e| {
        e.id = e.id.or(Some(a.id.clone()));
        e
    })?;
    if let Some(p) = path {
        let file = p.rsplit(['/', '\\']).next().unwrap_or(p);
        if file
            .strip_suffix(".md")
            .is_some_and(|stem| stem.starts_with("RUSTSEC-") && stem != a.id)
        {
            return Err(invalid(format!(
                "file name {file:?} does not match id {:?}",
                a.id
            )));
        }
    }
    Ok(RustsecAdvisory {
        id: a.id,
        package: a.package,
        collection,
        date,
        withdrawn,
        informational: a.informational,
        aliases: a.aliases,
        related: a.related,
        patched,
        unaffected,
        functions: affected.functions,
        os: affected.os,
        arch: affected.arch,
        categories: a.categories,
        keywords: a.keywords,
        cvss: a.cvss,
        title,
        description,
        events,
        record,
    })
}

/// Which advisory-db files are advisories: `crates/<name>/RUSTSEC-*.md`
/// (crates) and `rust/<component>/*.md` (toolchain), judged on the last
/// three path components (so `path` may be absolute). `None` for anything
/// else (README.md, support files), which a directory walk should skip.
pub fn advisory_path_kind(path: &str) -> Option<Collection> {
    let comps: Vec<&str> = path.split(['/', '\\']).filter(|c| !c.is_empty()).collect();
    let n = comps.len();
    let file = comps.get(n.checked_sub(1)?)?;
    let top = comps.get(n.checked_sub(3)?)?;
    if !file.ends_with(".md") {
        return None;
    }
    match *top {
        "crates" if file.starts_with("RUSTSEC-") => Some(Collection::Crates),
        "rust" => Some(Collection::Rust),
        _ => None,
    }
}

/// Markdown advisory straight to its OSV record (used by the readers).
pub fn md_to_record(
    path: Option<&str>,
    text: &str,
    limits: &Limits,
) -> Result<Record, RecordError> {
    parse_rustsec_md(path, text, limits).map(|a| a.record)
}

fn guess_url_kind(url: &str) -> &'static str {
    if (url.contains("://github.com/") || url.contains("://gitlab.")) && url.contains("/issues/") {
        "REPORT"
    } else if url.contains("/advisories/") || url.contains("://cve.mitre.org/") {
        "ADVISORY"
    } else if url.contains("://crates.io/crates/") {
        "PACKAGE"
    } else {
        "WEB"
    }
}

// ---------------------------------------------------------------------------
// Requirements -> SEMVER events

#[derive(Debug, Clone, PartialEq, Eq)]
enum Bound {
    Unbounded,
    Exclusive(Version),
    Inclusive(Version),
}

impl Bound {
    fn version(&self) -> Option<&Version> {
        match self {
            Bound::Unbounded => None,
            Bound::Exclusive(v) | Bound::Inclusive(v) => Some(v),
        }
    }
}

/// `start` (a lower bound) is at or below `end` (an upper bound).
fn start_le_end(start: &Bound, end: &Bound) -> bool {
    match (start.version(), end.version()) {
        (None, _) | (_, None) => true,
        (Some(s), Some(e)) => match s.cmp(e) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => matches!((start, end), (Bound::Inclusive(_), Bound::Inclusive(_))),
        },
    }
}

#[derive(Debug, Clone)]
struct Interval {
    start: Bound,
    end: Bound,
}

fn comparator_version(c: &Comparator) -> Version {
    Version {
        major: c.major,
        minor: c.minor.unwrap_or(0),
        patch: c.patch.unwrap_or(0),
        pre: c.pre.clone(),
        build: semver::BuildMetadata::EMPTY,
    }
}

fn with_pre_zero(mut v: Version) -> Version {
    v.pre = Prerelease::new("0").unwrap_or(Prerelease::EMPTY);
    v
}

fn interval_of(req_text: &str) -> Result<Interval, String> {
    let req = VersionReq::parse(req_text).map_err(|e| format!("requirement {req_text:?}: {e}"))?;
    if req.comparators.len() > 2 {
        return Err(format!(
            "requirement {req_text:?} has more than two comparators"
        ));
    }
    let alone = req.comparators.len() == 1;
    let mut start = Bound::Unbounded;
    let mut end = Bound::Unbounded;
    for c in &req.comparators {
        let v = comparator_version(c);
        match c.op {
            Op::Greater | Op::GreaterEq => {
                if start != Bound::Unbounded {
                    return Err(format!("requirement {req_text:?} has two lower bounds"));
                }
                start = if c.op == Op::Greater {
                    Bound::Exclusive(v)
                } else {
                    Bound::Inclusive(v)
                };
            }
            Op::Less | Op::LessEq => {
                if end != Bound::Unbounded {
                    return Err(format!("requirement {req_text:?} has two upper bounds"));
                }
                end = if c.op == Op::Less {
                    Bound::Exclusive(v)
                } else {
                    Bound::Inclusive(v)
                };
            }
            Op::Exact => {
                if !alone {
                    return Err(format!("`=` must stand alone in {req_text:?}"));
                }
                start = Bound::Inclusive(v.clone());
                end = Bound::Inclusive(v);
            }
            Op::Caret => {
                if !alone {
                    return Err(format!("`^` must stand alone in {req_text:?}"));
                }
                let upper = if c.major > 0 {
                    Version::new(c.major.saturating_add(1), 0, 0)
                } else {
                    match (c.minor, c.patch) {
                        (Some(0), Some(p)) => Version::new(0, 0, p.saturating_add(1)),
                        (Some(m), _) => Version::new(0, m.saturating_add(1), 0),
                        (None, _) => Version::new(1, 0, 0),
                    }
                };
                start = Bound::Inclusive(v);
                end = Bound::Exclusive(with_pre_zero(upper));
            }
            Op::Tilde => {
                if !alone {
                    return Err(format!("`~` must stand alone in {req_text:?}"));
                }
                let upper = match c.minor {
                    None => Version::new(c.major.saturating_add(1), 0, 0),
                    Some(m) => Version::new(c.major, m.saturating_add(1), 0),
                };
                start = Bound::Inclusive(v);
                end = Bound::Exclusive(with_pre_zero(upper));
            }
            _ => return Err(format!("unsupported operator in {req_text:?}")),
        }
    }
    if !start_le_end(&start, &end) {
        return Err(format!("requirement {req_text:?} is an empty range"));
    }
    Ok(Interval { start, end })
}

/// The smallest SemVer version above `v` (build metadata dropped).
fn just_above(v: &Version) -> Version {
    let mut v = v.clone();
    v.build = semver::BuildMetadata::EMPTY;
    if v.pre.is_empty() {
        v.patch = v.patch.saturating_add(1);
        v.pre = Prerelease::new("0").unwrap_or(Prerelease::EMPTY);
    } else {
        let next = format!("{}.0", v.pre);
        v.pre = Prerelease::new(&next).unwrap_or_else(|_| v.pre.clone());
    }
    v
}

/// `v.to_string()` without the formatting machinery, which was most of
/// [`semver_events`]' cost: semver's `Display` writes `major.minor.patch`,
/// then `-pre` and `+build` when not empty (no width or fill is asked for).
fn version_text(v: &Version) -> String {
    fn push_num(s: &mut String, n: u64) {
        if n >= 10 {
            push_num(s, n / 10);
        }
        s.push(char::from(b'0' + (n % 10) as u8));
    }
    let mut s = String::with_capacity(16 + v.pre.len() + v.build.len());
    push_num(&mut s, v.major);
    s.push('.');
    push_num(&mut s, v.minor);
    s.push('.');
    push_num(&mut s, v.patch);
    if !v.pre.is_empty() {
        s.push('-');
        s.push_str(v.pre.as_str());
    }
    if !v.build.is_empty() {
        s.push('+');
        s.push_str(v.build.as_str());
    }
    s
}

/// Convert RustSec `patched` + `unaffected` requirements into OSV SEMVER
/// events (introduced/fixed pairs over the gaps between unaffected intervals).
pub fn semver_events(patched: &[String], unaffected: &[String]) -> Result<Vec<Event>, String> {
    let mut iv: Vec<Interval> = Vec::new();
    for r in unaffected.iter().chain(patched) {
        iv.push(interval_of(r)?);
    }
    let zero = "0.0.0-0".to_string();
    if iv.is_empty() {
        return Ok(vec![Event::Introduced(zero)]);
    }
    for (i, a) in iv.iter().enumerate() {
        for b in iv.iter().skip(i + 1) {
            if start_le_end(&a.start, &b.end) && start_le_end(&b.start, &a.end) {
                return Err("overlapping version requirements".to_string());
            }
        }
    }
    iv.sort_by(|a, b| match (a.start.version(), b.start.version()) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Less,
        (_, None) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(y),
    });
    let mut pairs: Vec<(Option<Version>, Option<Version>)> = Vec::new();
    if let Some(first) = iv.first() {
        match &first.start {
            Bound::Unbounded => {}
            Bound::Exclusive(v) => pairs.push((None, Some(just_above(v)))),
            Bound::Inclusive(v) => pairs.push((None, Some(v.clone()))),
        }
    }
    for w in iv.windows(2) {
        let [a, b] = w else { continue };
        let from = match &a.end {
            Bound::Unbounded => return Err("unbounded range in the middle".to_string()),
            Bound::Exclusive(v) => v.clone(),
            Bound::Inclusive(v) => just_above(v),
        };
        let to = match &b.start {
            Bound::Unbounded => return Err("unbounded range in the middle".to_string()),
            Bound::Exclusive(v) => just_above(v),
            Bound::Inclusive(v) => v.clone(),
        };
        pairs.push((Some(from), Some(to)));
    }
    if let Some(last) = iv.last() {
        match &last.end {
            Bound::Unbounded => {}
            Bound::Exclusive(v) => pairs.push((Some(v.clone()), None)),
            Bound::Inclusive(v) => pairs.push((Some(just_above(v)), None)),
        }
    }
    let mut events = Vec::new();
    for (intro, fixed) in pairs {
        events.push(Event::Introduced(
            intro.map_or_else(|| zero.clone(), |v| version_text(&v)),
        ));
        if let Some(f) = fixed {
            events.push(Event::Fixed(version_text(&f)));
        }
    }
    if events.is_empty() {
        // Everything is unaffected (e.g. `patched = [">= 0"]`): an empty
        // affected window, written as introduced/fixed at the same point.
        events.push(Event::Introduced(zero.clone()));
        events.push(Event::Fixed(zero));
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// `version_text` is semver's `Display`, numbers of every size,
        /// with and without pre-release and build metadata.
        #[test]
        fn version_text_is_display(
            major in prop_oneof![0u64..20, any::<u64>()],
            minor in prop_oneof![0u64..20, any::<u64>()],
            patch in prop_oneof![0u64..20, any::<u64>()],
            pre in "(|0|alpha\\.1|rc\\.0\\.0|x-y\\.7)",
            build in "(|build\\.5|001|sha\\.abc-def)",
        ) {
            let v = Version {
                major,
                minor,
                patch,
                pre: Prerelease::new(&pre).unwrap(),
                build: semver::BuildMetadata::new(&build).unwrap(),
            };
            prop_assert_eq!(version_text(&v), v.to_string());
        }
    }

    fn ev(p: &[&str], u: &[&str]) -> Result<Vec<String>, String> {
        let p: Vec<String> = p.iter().map(|s| s.to_string()).collect();
        let u: Vec<String> = u.iter().map(|s| s.to_string()).collect();
        semver_events(&p, &u).map(|v| {
            v.iter()
                .map(|e| match e {
                    Event::Introduced(v) => format!("i:{v}"),
                    Event::Fixed(v) => format!("f:{v}"),
                    Event::LastAffected(v) => format!("l:{v}"),
                    Event::Limit(v) => format!("x:{v}"),
                })
                .collect()
        })
    }

    #[test]
    fn conversions() {
        assert_eq!(ev(&[], &[]).unwrap(), ["i:0.0.0-0"]);
        assert_eq!(ev(&[">= 0.9.1"], &[]).unwrap(), ["i:0.0.0-0", "f:0.9.1"]);
        assert_eq!(ev(&["> 0.8.1"], &[]).unwrap(), ["i:0.0.0-0", "f:0.8.2-0"]);
        assert_eq!(
            ev(&[">= 0.10.3"], &["< 0.10.0"]).unwrap(),
            ["i:0.10.0", "f:0.10.3"]
        );
        assert_eq!(
            ev(&["^0.7.5", ">= 0.8.2"], &[]).unwrap(),
            ["i:0.0.0-0", "f:0.7.5", "i:0.8.0-0", "f:0.8.2"]
        );
        assert_eq!(ev(&[], &["<= 1.0.0"]).unwrap(), ["i:1.0.1-0"]);
        assert_eq!(
            ev(&["=1.2.3-rc.1"], &[]).unwrap(),
            ["i:0.0.0-0", "f:1.2.3-rc.1", "i:1.2.3-rc.1.0"]
        );
        assert!(ev(&[">= 1.0", ">= 2.0"], &[]).is_err());
        assert!(ev(&[">= 1.0, >= 2.0"], &[]).is_err());
        assert!(ev(&["not a req"], &[]).is_err());
    }

    const MD: &str = "```toml\n[advisory]\nid = \"RUSTSEC-2020-0105\"\npackage = \"abi_stable\"\naliases = [\"CVE-2020-36212\"]\ndate = \"2020-12-21\"\nurl = \"https://github.com/x/y/issues/44\"\ninformational = \"unsound\"\n\n[versions]\npatched = [\">= 0.9.1\"]\n```\n\n# Title here\n\nBody text.\n";

    #[test]
    fn markdown_to_record() {
        let a = parse_rustsec_md(
            Some("crates/abi_stable/RUSTSEC-2020-0105.md"),
            MD,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(a.record.id, "RUSTSEC-2020-0105");
        assert_eq!(a.record.aliases, ["CVE-2020-36212"]);
        assert_eq!(a.record.summary.as_deref(), Some("Title here"));
        assert_eq!(a.record.details.as_deref(), Some("Body text."));
        assert_eq!(a.informational.as_deref(), Some("unsound"));
        let p = a.record.affected[0].package.as_ref().unwrap();
        assert_eq!(
            (p.ecosystem.as_str(), p.name.as_str()),
            ("crates.io", "abi_stable")
        );
        assert_eq!(
            a.record.affected[0].ranges[0].events,
            vec![
                Event::Introduced("0.0.0-0".into()),
                Event::Fixed("0.9.1".into())
            ]
        );
        let r = parse_rustsec_md(Some("rust/std/CVE-1.md"), MD, &Limits::default()).unwrap();
        assert_eq!(
            r.record.affected[0].package.as_ref().unwrap().ecosystem,
            "Rust"
        );
    }

    #[test]
    fn advisory_paths() {
        assert_eq!(
            advisory_path_kind("crates/foo/RUSTSEC-2020-0001.md"),
            Some(Collection::Crates)
        );
        assert_eq!(
            advisory_path_kind("/x/db/rust/std/CVE-2015-20001.md"),
            Some(Collection::Rust)
        );
        assert_eq!(advisory_path_kind("crates/foo/README.md"), None);
        assert_eq!(advisory_path_kind("README.md"), None);
        assert_eq!(
            advisory_path_kind("crates/foo/RUSTSEC-2020-0001.toml"),
            None
        );
    }

    #[test]
    fn markdown_rejections() {
        let l = Limits::default();
        let c = |t: &str| parse_rustsec_md(None, t, &l).unwrap_err().class;
        assert_eq!(c("# no front matter"), RejectionClass::RustsecFrontMatter);
        assert_eq!(
            c("```toml\n[advisory]\nid = \"X\"\n"),
            RejectionClass::RustsecFrontMatter
        );
        assert_eq!(
            c("```toml\n[advisory\n```\n# t\n"),
            RejectionClass::RustsecInvalid
        );
        assert_eq!(
            c(&MD.replace(">= 0.9.1", ">= 0.9.1, >= 1")),
            RejectionClass::RustsecVersionReq
        );
        assert_eq!(
            c(&MD.replace("2020-12-21", "Dec 21")),
            RejectionClass::RustsecInvalid
        );
    }
}
