//! The in-memory matching index: OSV advisories indexed by (ecosystem,
//! normalised package name), each `affected[]` entry compiled once into a
//! [`levee_versions::AffectedMatcher`], with its `fixed` versions parsed and
//! sorted so "the smallest upgrade that fixes it" is a short walk.
//!
//! Pure: no IO, never panics on input. Records come from anywhere (files,
//! the store, a feed): [`compile`] turns one [`levee_formats::Record`] into a
//! [`CompiledAdvisory`] (independent per record, so callers may compile in
//! parallel), [`MatchIndex::insert`] adds or replaces it by id, and
//! [`MatchIndex::query`] answers "which advisories affect this package at
//! this version (or commit)?".
//!
//! ```
//! use levee_formats::{Limits, Record};
//! use levee_match::{compile, MatchIndex, Query};
//! let rec = Record::from_json(r#"{"id":"RUSTSEC-2021-0001","modified":"2021-01-01T00:00:00Z",
//!   "affected":[{"package":{"ecosystem":"crates.io","name":"smallvec"},
//!   "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.6.1"}]}]}]}"#,
//!   &Limits::default()).unwrap();
//! let mut index = MatchIndex::new();
//! index.insert(compile(&rec));
//! let hits = index.query(&Query::version("crates.io", "smallvec", "1.6.0"));
//! assert_eq!(hits[0].advisory.id, "RUSTSEC-2021-0001");
//! assert_eq!(hits[0].smallest_fix.as_deref(), Some("1.6.1"));
//! assert!(index.query(&Query::version("crates.io", "smallvec", "1.6.1")).is_empty());
//! ```
//!
//! Matching rules:
//! - Ecosystems compare by their base name (`Debian:12` → `Debian`); a
//!   query naming a release matches entries of that release and entries
//!   without one; a query without a release matches every release.
//! - Names: PyPI is PEP 503-normalised, NuGet and Packagist compare
//!   case-insensitively, every other ecosystem exactly (crates.io exactly,
//!   as cargo-audit does).
//! - Withdrawn records are kept (so a replacement can withdraw) but never
//!   match.
//! - RustSec informational advisories (`affected[].database_specific.
//!   informational`: `unmaintained`, `unsound`, `notice`, ...) match like
//!   any other and carry [`Finding::informational`]; the caller decides
//!   (cargo-audit reports them as warnings, not vulnerabilities).
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

pub mod rustsec;

use std::borrow::Cow;
use std::collections::HashMap;

pub use levee_formats::{Record, Severity, Timestamp};
pub use levee_versions::range::OsvRange;
pub use levee_versions::Verdict;
use levee_versions::{AffectedMatcher, Ecosystem, RangeKind as VRangeKind, Version, VersionScheme};

/// What a finding says about the advisory (shared by every package it
/// affects).
#[derive(Debug, Clone, PartialEq)]
pub struct AdvisoryInfo {
    /// `id`.
    pub id: String,
    /// `aliases`.
    pub aliases: Vec<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// `modified`.
    pub modified: Timestamp,
    /// Top-level `severity` (vectors as written).
    pub severity: Vec<Severity>,
    /// First `ADVISORY` reference, else the first reference.
    pub url: Option<String>,
    /// Withdrawn records never match.
    pub withdrawn: bool,
}

/// One `affected[]` entry that could not be compiled (it is left out; the
/// rest of the record still matches), or a range of an unknown type (kept,
/// the versions it may cover undecidable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileProblem {
    /// Record id.
    pub id: String,
    /// JSON path of the offending part (`affected[0].ranges[1].events[2].fixed`).
    pub path: String,
    /// Why.
    pub reason: String,
}

impl std::fmt::Display for CompileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.id, self.path, self.reason)
    }
}

/// One compiled `affected[]` entry.
#[derive(Debug, Clone)]
pub struct CompiledPackage {
    /// `package.ecosystem` as written.
    pub ecosystem: String,
    /// Base ecosystem name, canonical spelling (index key).
    eco_key: String,
    /// Release suffix (`12` of `Debian:12`), read once for matching.
    release: Option<AdvisoryRelease>,
    /// `package.name` as written.
    pub name: String,
    /// Normalised name (index key).
    name_key: String,
    scheme: Option<VersionScheme>,
    matcher: AffectedMatcher,
    /// `fixed` event versions, in the order of [`sort_fixes`].
    fixed: Vec<String>,
    /// Their sort keys, position by position: the `FixKey::Ecosystem`
    /// ones (first) are the upgrade candidates.
    fixed_keys: Vec<FixKey>,
    /// RustSec `informational` kind.
    pub informational: Option<String>,
    /// Index in the record's `affected[]`.
    pub affected_index: usize,
}

impl CompiledPackage {
    /// The `fixed` versions, in version order.
    pub fn fixed(&self) -> &[String] {
        &self.fixed
    }
}

/// A record compiled for matching.
#[derive(Debug, Clone)]
pub struct CompiledAdvisory {
    /// The advisory's descriptive part.
    pub info: AdvisoryInfo,
    /// Its compiled `affected[]` entries (those with a package).
    pub packages: Vec<CompiledPackage>,
    /// Entries left out, and why.
    pub problems: Vec<CompileProblem>,
}

use levee_versions::ecosystem::AdvisoryRelease;

/// Canonical base ecosystem and release of an OSV ecosystem string. Unknown
/// ecosystems keep their spelling (they can still match by `versions`).
pub fn ecosystem_key(ecosystem: &str) -> (Cow<'_, str>, Option<&str>) {
    let (base, release) = match ecosystem.split_once(':') {
        Some((b, r)) => (b, Some(r).filter(|r| !r.is_empty())),
        None => (ecosystem, None),
    };
    match base.parse::<levee_versions::EcosystemName>() {
        Ok(n) => (Cow::Borrowed(n.as_str()), release),
        Err(_) => (Cow::Borrowed(base), release),
    }
}

/// The name under which a package is indexed in `ecosystem` (base name as
/// given by [`ecosystem_key`]).
pub fn normalize_name<'a>(ecosystem_base: &str, name: &'a str) -> Cow<'a, str> {
    match ecosystem_base {
        "PyPI" => Cow::Owned(levee_versions::purl::pep503(name)),
        "NuGet" | "Packagist" if name.bytes().any(|b| b.is_ascii_uppercase()) => {
            Cow::Owned(name.to_ascii_lowercase())
        }
        _ => Cow::Borrowed(name),
    }
}

fn informational_of(raw: Option<&levee_formats::RawJson>) -> Option<String> {
    let raw = raw?;
    if !raw.get().contains("informational") {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(raw.get()).ok()?;
    v.get("informational")?.as_str().map(str::to_string)
}

/// The ranges for evaluation (`OsvRange::from`, the one conversion). A
/// range of a type OSV does not define is kept: its events are not read and
/// the versions it may cover are undecidable; it is also listed as a
/// problem so the report says which range.
fn convert_ranges(
    ranges: &[levee_formats::Range],
    id: &str,
    ai: usize,
    problems: &mut Vec<CompileProblem>,
) -> Vec<OsvRange> {
    for (ri, r) in ranges.iter().enumerate() {
        if let levee_formats::RangeKind::Other(t) = &r.kind {
            problems.push(CompileProblem {
                id: id.to_string(),
                path: format!("affected[{ai}].ranges[{ri}].type"),
                reason: format!(
                    "unknown range type {t:?}: its events are not read; versions it may cover are undecidable"
                ),
            });
        }
    }
    ranges.iter().map(OsvRange::from).collect()
}

/// Compile one OSV record: every `affected[]` entry with a package becomes
/// a [`CompiledPackage`]; entries whose ranges do not compile are listed in
/// `problems` and left out.
pub fn compile(record: &Record) -> CompiledAdvisory {
    let url = record
        .references
        .iter()
        .find(|r| r.kind == "ADVISORY")
        .or_else(|| record.references.first())
        .map(|r| r.url.clone());
    let withdrawn = record.is_withdrawn();
    let info = AdvisoryInfo {
        id: record.id.clone(),
        aliases: record.aliases.clone(),
        summary: record.summary.clone(),
        modified: record.modified.clone(),
        severity: record.severity.clone(),
        url,
        withdrawn,
    };
    let mut problems = Vec::new();
    let mut packages = Vec::with_capacity(record.affected.len());
    for (ai, a) in record.affected.iter().enumerate() {
        let Some(pkg) = &a.package else {
            continue;
        };
        let ranges = convert_ranges(&a.ranges, &record.id, ai, &mut problems);
        let part = AffectedParts {
            ecosystem: &pkg.ecosystem,
            name: &pkg.name,
            ranges: &ranges,
            versions: &a.versions,
            informational: informational_of(a.database_specific.as_ref()),
            affected_index: ai,
        };
        match compile_affected(&record.id, withdrawn, part) {
            Ok(p) => packages.push(p),
            Err(e) => problems.push(e),
        }
    }
    CompiledAdvisory {
        info,
        packages,
        problems,
    }
}

/// One `affected[]` entry given as parts (for sources that are not OSV
/// JSON, such as RustSec markdown).
#[derive(Debug, Clone)]
pub struct AffectedParts<'a> {
    /// `package.ecosystem`.
    pub ecosystem: &'a str,
    /// `package.name`.
    pub name: &'a str,
    /// `ranges`.
    pub ranges: &'a [OsvRange],
    /// `versions`.
    pub versions: &'a [String],
    /// RustSec informational kind.
    pub informational: Option<String>,
    /// Index in `affected[]`.
    pub affected_index: usize,
}

/// Compile one affected entry of advisory `id`.
pub fn compile_affected(
    id: &str,
    withdrawn: bool,
    part: AffectedParts<'_>,
) -> Result<CompiledPackage, CompileProblem> {
    let ai = part.affected_index;
    let (eco_key, release) = ecosystem_key(part.ecosystem);
    let ecosystem = Ecosystem::parse(part.ecosystem).ok();
    let scheme = ecosystem.as_ref().and_then(Ecosystem::scheme);
    let release = release.map(|r| AdvisoryRelease::new(ecosystem.map(|e| e.name), r));
    let ranges = part.ranges;
    let matcher =
        AffectedMatcher::compile(scheme, ranges, part.versions, withdrawn).map_err(|e| {
            CompileProblem {
                id: id.to_string(),
                path: format!("affected[{ai}].{}", e.path),
                reason: e.reason,
            }
        })?;
    // Each fixed version is a version of the package: read once here,
    // ordered by `sort_fixes`, and offered as an upgrade when the
    // ecosystem's own scheme reads it.
    let mut fixed: Vec<(FixKey, String)> = Vec::new();
    for r in ranges {
        // GIT events are commits; an unknown type's events cannot be read.
        if matches!(r.kind, VRangeKind::Git | VRangeKind::Unknown) {
            continue;
        }
        let range_scheme = match r.kind {
            VRangeKind::Semver => Some(levee_versions::range::semver_range_scheme(scheme)),
            _ => scheme,
        };
        for e in &r.events {
            if let levee_versions::Event::Fixed(v) = e {
                if fixed.iter().any(|(_, s)| s == v) {
                    continue;
                }
                fixed.push((FixKey::read(scheme, range_scheme, v), v.clone()));
            }
        }
    }
    sort_fixes(&mut fixed, |(k, s)| (k, s));
    let (fixed_keys, fixed) = fixed.into_iter().unzip();
    let name_key = normalize_name(&eco_key, part.name).into_owned();
    Ok(CompiledPackage {
        ecosystem: part.ecosystem.to_string(),
        eco_key: eco_key.into_owned(),
        release,
        name: part.name.to_string(),
        name_key,
        scheme,
        matcher,
        fixed,
        fixed_keys,
        informational: part.informational,
        affected_index: ai,
    })
}

/// Sort key of a `fixed` version (variants in list order): parsed in the
/// ecosystem's scheme, else only in its range's scheme, else unparsable.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum FixKey {
    Ecosystem(Version),
    Range(Version),
    Unparsed,
}

impl FixKey {
    /// Read the fix `v` of a range ordered by `range_scheme` (`None`: not
    /// ordered) in an ecosystem ordered by `scheme`.
    fn read(scheme: Option<VersionScheme>, range_scheme: Option<VersionScheme>, v: &str) -> FixKey {
        if let Some(p) = scheme.and_then(|s| Version::parse(s, v).ok()) {
            return FixKey::Ecosystem(p);
        }
        match range_scheme
            .filter(|s| Some(*s) != scheme)
            .and_then(|s| Version::parse(s, v).ok())
        {
            Some(p) => FixKey::Range(p),
            None => FixKey::Unparsed,
        }
    }
}

/// The one order of fixed versions (one entry's at compile time, and the
/// merged fixes of an advisory's entries for a package at query time),
/// stable, from keys read once ([`FixKey::read`]): each fix is a version of
/// the package, so those the ecosystem's scheme reads come first, in its
/// order (also a `SEMVER` range's fixes); then those only their range's
/// scheme reads (a `SEMVER` range of a non-SemVer or unordered ecosystem),
/// in that scheme's order; then the unparsable ones, by their text. Fixes
/// read in different ecosystem schemes (entries of two `Root:` variants)
/// are grouped by scheme, as `Version`'s order does.
fn sort_fixes<T>(fixes: &mut [T], key: impl Fn(&T) -> (&FixKey, &str)) {
    levee_versions::sort::sort_by(fixes, |a, b| {
        let (ka, sa) = key(a);
        let (kb, sb) = key(b);
        ka.cmp(kb).then_with(|| match (ka, kb) {
            (FixKey::Unparsed, FixKey::Unparsed) => sa.cmp(sb),
            _ => std::cmp::Ordering::Equal,
        })
    });
}

/// A package (and version or commit) to look up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query<'a> {
    /// OSV ecosystem, optionally with a release (`Debian:12`).
    pub ecosystem: &'a str,
    /// Package name as OSV spells it (normalised here).
    pub name: &'a str,
    /// The version, if known.
    pub version: Option<&'a str>,
    /// A commit id, if known (decided by `GIT` ranges).
    pub commit: Option<&'a str>,
}

impl<'a> Query<'a> {
    /// A version query.
    pub fn version(ecosystem: &'a str, name: &'a str, version: &'a str) -> Self {
        Query {
            ecosystem,
            name,
            version: Some(version),
            commit: None,
        }
    }
}

/// One advisory that affects (or may affect) the queried package.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding<'a> {
    /// The advisory.
    pub advisory: &'a AdvisoryInfo,
    /// [`Verdict::Affected`], or [`Verdict::Undecidable`] when the data
    /// cannot decide (unparsable version, unordered ecosystem, unknown
    /// commit). Never `NotAffected`.
    pub verdict: Verdict,
    /// The advisory's `package.ecosystem` (first matching entry).
    pub ecosystem: &'a str,
    /// `affected[]` indexes that matched.
    pub affected_indexes: Vec<usize>,
    /// Every `fixed` version of the advisory's entries for this package,
    /// sorted by version.
    pub fixed: Vec<String>,
    /// The smallest version above the queried one that every one of the
    /// advisory's entries for this package decides is not affected (an
    /// undecidable version is no fix), chosen among the fixed
    /// versions (`None` when no fix is known or the version is unparsable).
    pub smallest_fix: Option<String>,
    /// RustSec `informational` kind (`unmaintained`, `unsound`, `notice`).
    pub informational: Option<&'a str>,
}

/// Outcome of [`MatchIndex::insert`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insert {
    /// A new id.
    Inserted,
    /// Replaced the record with the same id (the new one is not older).
    Replaced,
    /// Kept the stored record: it is newer than the one offered.
    KeptNewer,
}

#[derive(Debug)]
struct Slot {
    info: AdvisoryInfo,
    /// (ecosystem key, name key) buckets holding this advisory's entries.
    keys: Vec<(String, String)>,
}

#[derive(Debug)]
struct Entry {
    slot: u32,
    pkg: CompiledPackage,
}

/// The index. Build with [`MatchIndex::insert`] (or `FromIterator`), query
/// with [`MatchIndex::query`].
#[derive(Debug, Default)]
pub struct MatchIndex {
    slots: Vec<Option<Slot>>,
    free: Vec<u32>,
    by_id: HashMap<String, u32>,
    by_pkg: HashMap<String, HashMap<String, Vec<Entry>>>,
    entries: usize,
}

impl FromIterator<CompiledAdvisory> for MatchIndex {
    fn from_iter<I: IntoIterator<Item = CompiledAdvisory>>(iter: I) -> Self {
        let mut idx = MatchIndex::new();
        for a in iter {
            idx.insert(a);
        }
        idx
    }
}

impl MatchIndex {
    /// An empty index.
    pub fn new() -> Self {
        MatchIndex::default()
    }

    /// Number of advisories (withdrawn included).
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// No advisories?
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Number of indexed `affected[]` entries.
    pub fn entry_count(&self) -> usize {
        self.entries
    }

    /// The advisory with this id.
    pub fn advisory(&self, id: &str) -> Option<&AdvisoryInfo> {
        let s = *self.by_id.get(id)?;
        self.slots
            .get(s as usize)
            .and_then(Option::as_ref)
            .map(|s| &s.info)
    }

    /// Add a compiled advisory, replacing a stored one with the same id
    /// unless the stored one has a newer `modified`.
    pub fn insert(&mut self, adv: CompiledAdvisory) -> Insert {
        let mut outcome = Insert::Inserted;
        if let Some(&old) = self.by_id.get(&adv.info.id) {
            let newer_stored = self
                .slots
                .get(old as usize)
                .and_then(Option::as_ref)
                .is_some_and(|s| s.info.modified > adv.info.modified);
            if newer_stored {
                return Insert::KeptNewer;
            }
            self.remove(&adv.info.id);
            outcome = Insert::Replaced;
        }
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                let s = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
                self.slots.push(None);
                s
            }
        };
        let mut keys: Vec<(String, String)> = Vec::new();
        for pkg in adv.packages {
            let key = (pkg.eco_key.clone(), pkg.name_key.clone());
            if !keys.contains(&key) {
                keys.push(key);
            }
            self.by_pkg
                .entry(pkg.eco_key.clone())
                .or_default()
                .entry(pkg.name_key.clone())
                .or_default()
                .push(Entry { slot, pkg });
            self.entries += 1;
        }
        self.by_id.insert(adv.info.id.clone(), slot);
        if let Some(s) = self.slots.get_mut(slot as usize) {
            *s = Some(Slot {
                info: adv.info,
                keys,
            });
        }
        outcome
    }

    /// Remove the advisory with this id; false if absent.
    pub fn remove(&mut self, id: &str) -> bool {
        let Some(slot) = self.by_id.remove(id) else {
            return false;
        };
        let Some(s) = self.slots.get_mut(slot as usize).and_then(Option::take) else {
            return false;
        };
        for (eco, name) in &s.keys {
            if let Some(names) = self.by_pkg.get_mut(eco) {
                if let Some(v) = names.get_mut(name) {
                    let before = v.len();
                    v.retain(|e| e.slot != slot);
                    self.entries -= before - v.len();
                    if v.is_empty() {
                        names.remove(name);
                    }
                }
                if names.is_empty() {
                    self.by_pkg.remove(eco);
                }
            }
        }
        self.free.push(slot);
        true
    }

    /// Every advisory that affects, or may affect, the queried package,
    /// one [`Finding`] per advisory, in advisory-id order.
    pub fn query(&self, q: &Query<'_>) -> Vec<Finding<'_>> {
        let mut out = Vec::new();
        for g in self.groups(q) {
            let Some(verdict) = g.verdict() else {
                continue;
            };
            let fixed: Vec<String> = match g.entries.as_slice() {
                [one] => one.fixed.clone(),
                several => {
                    // Merged by the one order, from the keys each entry
                    // read at compile time.
                    let mut merged: Vec<(&FixKey, &String)> = Vec::new();
                    for p in several {
                        for (k, f) in p.fixed_keys.iter().zip(&p.fixed) {
                            if !merged.iter().any(|(_, m)| *m == f) {
                                merged.push((k, f));
                            }
                        }
                    }
                    sort_fixes(&mut merged, |(k, s)| (*k, s.as_str()));
                    merged.into_iter().map(|(_, s)| s.clone()).collect()
                }
            };
            let smallest_fix = g
                .version
                .as_ref()
                .and_then(|v| smallest_fix(v, &g.entries))
                .map(|v| v.as_str().to_string());
            let matched: Vec<&&CompiledPackage> = g
                .entries
                .iter()
                .zip(&g.verdicts)
                .filter(|(_, v)| **v == verdict)
                .map(|(p, _)| p)
                .collect();
            out.push(Finding {
                advisory: g.info,
                verdict,
                ecosystem: matched
                    .first()
                    .map(|p| p.ecosystem.as_str())
                    .unwrap_or_default(),
                affected_indexes: matched.iter().map(|p| p.affected_index).collect(),
                fixed,
                smallest_fix,
                informational: g.entries.iter().find_map(|p| p.informational.as_deref()),
            });
        }
        out.sort_by(|a, b| a.advisory.id.cmp(&b.advisory.id));
        out
    }

    /// Every advisory of `q`'s package (its release, not withdrawn) with
    /// the verdict of each of its entries: what [`MatchIndex::query`] and
    /// [`smallest_fix_for_all`]'s candidate checks are made of.
    fn groups(&self, q: &Query<'_>) -> Vec<Group<'_>> {
        let (eco, release) = ecosystem_key(q.ecosystem);
        let name = normalize_name(&eco, q.name);
        let Some(bucket) = self
            .by_pkg
            .get(eco.as_ref())
            .and_then(|m| m.get(name.as_ref()))
        else {
            return Vec::new();
        };
        // Parse the version once per scheme seen in the bucket.
        let mut parsed: Vec<(Option<VersionScheme>, Option<Version>)> = Vec::new();
        let mut groups: Vec<Group<'_>> = Vec::new();
        for e in bucket {
            if let (Some(want), Some(have)) = (release, &e.pkg.release) {
                if !have.covers(want) {
                    continue;
                }
            }
            let Some(slot) = self.slots.get(e.slot as usize).and_then(Option::as_ref) else {
                continue;
            };
            if slot.info.withdrawn {
                continue;
            }
            let v = match parsed.iter().find(|(s, _)| *s == e.pkg.scheme) {
                Some((_, v)) => v.clone(),
                None => {
                    let v = match (e.pkg.scheme, q.version) {
                        (Some(s), Some(ver)) => Version::parse(s, ver).ok(),
                        _ => None,
                    };
                    parsed.push((e.pkg.scheme, v.clone()));
                    v
                }
            };
            let mut verdict = match (&v, q.version) {
                (Some(v), _) => e.pkg.matcher.evaluate(v),
                (None, Some(s)) => e.pkg.matcher.evaluate_str(s),
                (None, None) => Verdict::NotAffected,
            };
            if verdict != Verdict::Affected {
                if let Some(c) = q.commit {
                    match e.pkg.matcher.evaluate_commit(c) {
                        Verdict::Affected => verdict = Verdict::Affected,
                        Verdict::Undecidable if q.version.is_none() => {
                            verdict = Verdict::Undecidable
                        }
                        _ => {}
                    }
                }
            }
            match groups.iter_mut().find(|g| g.slot == e.slot) {
                Some(g) => {
                    g.verdicts.push(verdict);
                    g.entries.push(&e.pkg);
                }
                None => groups.push(Group {
                    slot: e.slot,
                    info: &slot.info,
                    verdicts: vec![verdict],
                    entries: vec![&e.pkg],
                    version: v,
                }),
            }
        }
        groups
    }

    /// All indexed advisories.
    pub fn advisories(&self) -> impl Iterator<Item = &AdvisoryInfo> {
        self.slots.iter().flatten().map(|s| &s.info)
    }
}

struct Group<'a> {
    slot: u32,
    info: &'a AdvisoryInfo,
    verdicts: Vec<Verdict>,
    entries: Vec<&'a CompiledPackage>,
    version: Option<Version>,
}

impl Group<'_> {
    /// The advisory's verdict: affected if an entry says so, else
    /// undecidable if one says so; `None` when every entry says not.
    fn verdict(&self) -> Option<Verdict> {
        if self.verdicts.contains(&Verdict::Affected) {
            Some(Verdict::Affected)
        } else if self.verdicts.contains(&Verdict::Undecidable) {
            Some(Verdict::Undecidable)
        } else {
            None
        }
    }
}

/// The smallest fixed version above `current` that every one of `entries`
/// decides is not affected.
fn smallest_fix(current: &Version, entries: &[&CompiledPackage]) -> Option<Version> {
    let mut best: Option<&Version> = None;
    for p in entries {
        // Upgrade candidates: the fixes the ecosystem's scheme reads (they
        // sort first), comparable with the queried version.
        for k in &p.fixed_keys {
            let FixKey::Ecosystem(c) = k else {
                continue;
            };
            if c <= current || best.is_some_and(|b| c >= b) {
                continue;
            }
            if entries
                .iter()
                .all(|q| q.matcher.evaluate(c) == Verdict::NotAffected)
            {
                best = Some(c);
            }
        }
    }
    best.cloned()
}

/// The smallest version above the queried one that fixes every one of
/// `findings` (all for the same package) and brings in no advisory the
/// queried version does not already have: one every finding's advisory
/// decides `NotAffected` (as for [`Finding::smallest_fix`], an undecidable
/// version is no fix), and every other advisory that affects it (or cannot
/// decide it) affects the queried version too. Candidates are the findings'
/// fixed versions and, where a candidate brings in a new advisory, that
/// advisory's fixed versions above it. `None` if there is none, a finding
/// has no fix, or no candidate passes within 256 tries.
///
/// `scheme`-less ecosystems and unparsable versions give `None`.
pub fn smallest_fix_for_all(
    index: &MatchIndex,
    q: &Query<'_>,
    findings: &[Finding<'_>],
) -> Option<String> {
    let findings: Vec<&Finding<'_>> = findings.iter().collect();
    smallest_fix_for_all_in(std::slice::from_ref(index), q, &findings, None)
}

/// [`smallest_fix_for_all`] over advisories split between several indexes
/// (an id in one of them only), as a parallel scan loads them. `present`:
/// every finding of `q` when the caller has them (else they are queried).
pub fn smallest_fix_for_all_in(
    indexes: &[MatchIndex],
    q: &Query<'_>,
    findings: &[&Finding<'_>],
    present: Option<&[Finding<'_>]>,
) -> Option<String> {
    // The advisories that affect (or cannot decide) a version; a Finding
    // each would cost more than the check (their fixes cloned, their own
    // smallest fixes searched).
    let affecting = |q: &Query<'_>| -> Vec<Group<'_>> {
        indexes
            .iter()
            .flat_map(|i| i.groups(q))
            .filter(|g| g.verdict().is_some())
            .collect()
    };
    let version = q.version?;
    if findings.iter().any(|f| f.smallest_fix.is_none()) {
        return None;
    }
    let (eco, _) = ecosystem_key(q.ecosystem);
    let scheme = Ecosystem::parse(&eco).ok().and_then(|e| e.scheme())?;
    let current = Version::parse(scheme, version).ok()?;
    // A package has a few advisories: lists beat hashing them.
    let ids: Vec<&str> = findings.iter().map(|f| f.advisory.id.as_str()).collect();
    // What the queried version already has: an upgrade must not add to it.
    let before: Vec<&str> = match present {
        Some(p) => p.iter().map(|f| f.advisory.id.as_str()).collect(),
        None => affecting(q).iter().map(|g| g.info.id.as_str()).collect(),
    };
    let mut candidates: Vec<Version> = findings
        .iter()
        .flat_map(|f| f.fixed.iter())
        .filter_map(|s| Version::parse(scheme, s).ok())
        .filter(|v| *v > current)
        .collect();
    // Advisories whose fixes were made candidates already.
    let mut added: Vec<&str> = Vec::new();
    let mut floor = current;
    for _ in 0..256 {
        // The smallest candidate not tried yet: each try is one full query.
        let c = candidates.iter().filter(|v| **v > floor).min()?.clone();
        let at = Query {
            version: Some(c.as_str()),
            commit: None,
            ..*q
        };
        let mut passes = true;
        for g in affecting(&at) {
            let id = g.info.id.as_str();
            if ids.contains(&id) {
                passes = false;
            } else if !before.contains(&id) {
                // Brought in by this upgrade: its own fixes (read in the
                // ecosystem's scheme at compile time) are candidates.
                passes = false;
                if !added.contains(&id) {
                    added.push(id);
                    for e in &g.entries {
                        candidates.extend(e.fixed_keys.iter().filter_map(|k| match k {
                            FixKey::Ecosystem(v) if *v > c => Some(v.clone()),
                            _ => None,
                        }));
                    }
                }
            }
        }
        if passes {
            return Some(c.as_str().to_string());
        }
        floor = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use levee_formats::Limits;

    fn rec(json: &str) -> Record {
        Record::from_json(json, &Limits::default()).unwrap()
    }

    /// Fixed versions are kept parsed in the ecosystem's own scheme, also
    /// those of a SEMVER range of a non-SemVer ecosystem.
    #[test]
    fn fixed_versions_are_parsed_in_the_ecosystem_scheme() {
        for (eco, scheme) in [
            ("crates.io", VersionScheme::SemVer),
            ("PyPI", VersionScheme::Pep440),
            ("Go", VersionScheme::Go),
        ] {
            let r = rec(&format!(
                r#"{{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"{eco}","name":"p"}},"ranges":[{{"type":"SEMVER","events":[{{"introduced":"0"}},{{"fixed":"2.0.0"}},{{"introduced":"3.0.0"}},{{"fixed":"3.1.0-rc.1"}}]}},{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"2.0.0"}},{{"fixed":"1.5"}}]}}]}}]}}"#
            ));
            let c = compile(&r);
            let p = &c.packages[0];
            let mut fixed = p.fixed.clone();
            fixed.sort();
            assert_eq!(fixed, ["1.5", "2.0.0", "3.1.0-rc.1"], "{eco}");
            let want: Vec<Version> = p
                .fixed
                .iter()
                .filter_map(|s| Version::parse(scheme, s).ok())
                .collect();
            let parsed: Vec<&Version> = p
                .fixed_keys
                .iter()
                .filter_map(|k| match k {
                    FixKey::Ecosystem(v) => Some(v),
                    _ => None,
                })
                .collect();
            assert_eq!(parsed.len(), want.len(), "{eco}");
            for (got, want) in parsed.iter().zip(&want) {
                assert_eq!(got.scheme(), scheme, "{eco}");
                assert_eq!(got.as_str(), want.as_str(), "{eco}");
            }
        }
    }

    const MIXED_PYPI: &str = r#"{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"p"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"2.0.0"},{"introduced":"3.0.0"},{"fixed":"3.1.0-rc.1"}]},{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.5"}]}]}]}"#;

    /// A PyPI advisory with a SEMVER and an ECOSYSTEM range: the fixes are
    /// versions of the package, listed in PEP 440 order (they were sorted
    /// SemVer-parsed ones first, then the rest: 2.0.0, 3.1.0-rc.1, 1.5).
    #[test]
    fn fixes_of_mixed_ranges_follow_the_ecosystem_order() {
        let c = compile(&rec(MIXED_PYPI));
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.packages[0].fixed(), ["1.5", "2.0.0", "3.1.0-rc.1"]);
        let idx: MatchIndex = std::iter::once(c).collect();
        let hits = idx.query(&Query::version("PyPI", "p", "1.0"));
        assert_eq!(
            hits.first().map(|f| f.fixed.clone()),
            Some(vec!["1.5".into(), "2.0.0".into(), "3.1.0-rc.1".into()])
        );
    }

    /// The fixes of an advisory with several entries for the package are
    /// merged by the same rule as one entry's: in the ecosystem's order,
    /// then those only their range's scheme reads (in that order), then the
    /// unparsable. The merge re-sorted the strings by the ecosystem's
    /// scheme alone, so fixes only SemVer reads (RubyGems `9.0.0+x`, every
    /// SEMVER fix of an unordered ecosystem) fell among the unparsable, in
    /// string order: `10.0.0+x` before `9.0.0+x`, `1.5` before `10.0.0`.
    #[test]
    fn fixes_of_several_entries_follow_the_one_entry_order() {
        for (eco, query, want) in [
            (
                "RubyGems",
                "1.0",
                &["1.5", "9.0.0+x", "10.0.0+x", "11.0.0+x"][..],
            ),
            ("Android", "1", &["9.0.0", "10.0.0", "11.0.0", "1.5"][..]),
        ] {
            let entry = |ranges: &str| {
                format!(
                    r#"{{"package":{{"ecosystem":"{eco}","name":"p"}},"versions":["1"],"ranges":[{ranges}]}}"#
                )
            };
            let semver = |fixed: &str| {
                format!(
                    r#"{{"type":"SEMVER","events":[{{"introduced":"0"}},{{"fixed":"{fixed}"}}]}}"#
                )
            };
            let fix = |i: usize| want[i].to_string();
            let (first, rest) = if eco == "RubyGems" {
                (
                    format!(
                        r#"{},{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"{}"}}]}}"#,
                        semver(&fix(2)),
                        fix(0)
                    ),
                    [semver(&fix(1)), semver(&fix(3))].join(","),
                )
            } else {
                (
                    format!(
                        r#"{},{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"{}"}}]}}"#,
                        semver(&fix(1)),
                        fix(3)
                    ),
                    [semver(&fix(0)), semver(&fix(2))].join(","),
                )
            };
            let one = rec(&format!(
                r#"{{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{}]}}"#,
                entry(&[first.clone(), rest.clone()].join(","))
            ));
            let two = rec(&format!(
                r#"{{"id":"X-2","modified":"2024-01-01T00:00:00Z","affected":[{},{}]}}"#,
                entry(&first),
                entry(&rest)
            ));
            let idx: MatchIndex = [compile(&one), compile(&two)].into_iter().collect();
            let hits = idx.query(&Query::version(eco, "p", query));
            let fixed: Vec<(&str, Vec<&str>)> = hits
                .iter()
                .map(|f| {
                    (
                        f.advisory.id.as_str(),
                        f.fixed.iter().map(String::as_str).collect(),
                    )
                })
                .collect();
            assert_eq!(
                fixed,
                [("X-1", want.to_vec()), ("X-2", want.to_vec())],
                "{eco}"
            );
        }
    }

    /// The same advisory's SEMVER range matches PyPI versions, so the
    /// smallest fix is one neither range still affects (1.5 was offered:
    /// the SEMVER range, compared across schemes, covered nothing).
    #[test]
    fn smallest_fix_of_mixed_ranges_is_unaffected_by_both() {
        let idx: MatchIndex = std::iter::once(compile(&rec(MIXED_PYPI))).collect();
        let hit = |v: &str| {
            idx.query(&Query::version("PyPI", "p", v))
                .first()
                .map(|f| (f.verdict, f.smallest_fix.clone()))
        };
        assert_eq!(hit("1.0"), Some((Verdict::Affected, Some("2.0.0".into()))));
        assert_eq!(hit("1.5"), Some((Verdict::Affected, Some("2.0.0".into()))));
        assert_eq!(hit("2.0.0"), None);
        assert_eq!(
            hit("3.0.0"),
            Some((Verdict::Affected, Some("3.1.0-rc.1".into())))
        );
        assert_eq!(hit("3.1.0rc1"), None, "PEP 440 spelling of the fix");
    }

    /// A fix is offered only where it is known to be unaffected: a version
    /// a range of an unknown type may cover is undecidable, not a fix.
    #[test]
    fn an_undecidable_version_is_not_a_fix() {
        let idx: MatchIndex = std::iter::once(compile(&rec(
            r#"{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"p"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]},{"type":"NEWTYPE","events":[{"introduced":"1.0.0"},{"fixed":"2.0.0"}]}]}]}"#,
        )))
        .collect();
        let q = Query::version("npm", "p", "0.5.0");
        let hits = idx.query(&q);
        assert_eq!(hits.first().map(|f| f.verdict), Some(Verdict::Affected));
        assert_eq!(hits.first().and_then(|f| f.smallest_fix.clone()), None);
        assert_eq!(smallest_fix_for_all(&idx, &q, &hits), None);
    }

    /// One upgrade for all findings follows the per-finding rule: every
    /// finding's advisory must decide the candidate NotAffected. Here 1.5.a
    /// clears X-A, but X-B's SEMVER range can read 1.5.a neither as SemVer
    /// nor in RubyGems (its `2.0.0+b` event is no RubyGems version), so
    /// 1.5.a is undecidable under X-B and no fix; 2.1.0 is decided by both.
    #[test]
    fn an_undecidable_version_is_not_a_fix_for_all() {
        let idx: MatchIndex = [
            r#"{"id":"X-A","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"RubyGems","name":"p"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.5.a"}]}]}]}"#,
            r#"{"id":"X-B","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"RubyGems","name":"p"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"},{"introduced":"2.0.0+b"},{"fixed":"2.1.0"}]}]}]}"#,
        ]
        .into_iter()
        .map(|j| compile(&rec(j)))
        .collect();
        let verdicts = |v: &str| -> Vec<(String, Verdict)> {
            idx.query(&Query::version("RubyGems", "p", v))
                .iter()
                .map(|f| (f.advisory.id.clone(), f.verdict))
                .collect()
        };
        assert_eq!(
            verdicts("1.5.a"),
            [("X-B".to_string(), Verdict::Undecidable)]
        );
        assert!(verdicts("2.1.0").is_empty());
        let q = Query::version("RubyGems", "p", "0.5.0");
        let hits = idx.query(&q);
        let fixes: Vec<(&str, Option<&str>)> = hits
            .iter()
            .map(|f| (f.advisory.id.as_str(), f.smallest_fix.as_deref()))
            .collect();
        assert_eq!(fixes, [("X-A", Some("1.5.a")), ("X-B", Some("1.0.0"))]);
        assert_eq!(
            smallest_fix_for_all(&idx, &q, &hits).as_deref(),
            Some("2.1.0")
        );
    }

    /// An upgrade that fixes the findings but brings in an advisory the
    /// queried version does not have is no upgrade: the next candidate is
    /// that advisory's fix. One already there (an unmaintained notice on
    /// every version) does not stand in the way.
    #[test]
    fn an_upgrade_for_all_brings_in_no_new_advisory() {
        let adv = |id: &str, ranges: &str| {
            compile(&rec(&format!(
                r#"{{"id":"{id}","modified":"2024-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"npm","name":"p"}},"ranges":[{{"type":"SEMVER","events":[{ranges}]}}]}}]}}"#
            )))
        };
        let fixed = adv("X-A", r#"{"introduced":"0"},{"fixed":"1.1.0"}"#);
        let new = adv("X-N", r#"{"introduced":"1.1.0"},{"fixed":"1.2.0"}"#);
        let always = adv("X-OLD", r#"{"introduced":"0"}"#);
        let never_fixed = adv("X-Z", r#"{"introduced":"1.1.0"}"#);
        let q = Query::version("npm", "p", "1.0.0");
        let upgrade = |advisories: Vec<CompiledAdvisory>| {
            let idx: MatchIndex = advisories.into_iter().collect();
            let hits: Vec<Finding<'_>> = idx
                .query(&q)
                .into_iter()
                .filter(|f| f.advisory.id == "X-A")
                .collect();
            assert_eq!(hits.len(), 1);
            assert_eq!(hits[0].smallest_fix.as_deref(), Some("1.1.0"));
            smallest_fix_for_all(&idx, &q, &hits)
        };
        assert_eq!(upgrade(vec![fixed.clone()]).as_deref(), Some("1.1.0"));
        assert_eq!(
            upgrade(vec![fixed.clone(), new.clone()]).as_deref(),
            Some("1.2.0")
        );
        assert_eq!(
            upgrade(vec![fixed.clone(), new, always]).as_deref(),
            Some("1.2.0")
        );
        assert_eq!(upgrade(vec![fixed, never_fixed]), None);
    }

    #[test]
    fn ecosystem_keys() {
        assert_eq!(
            ecosystem_key("Debian:12"),
            (Cow::Borrowed("Debian"), Some("12"))
        );
        assert_eq!(ecosystem_key("pypi"), (Cow::Borrowed("PyPI"), None));
        assert_eq!(ecosystem_key("Nope:x"), (Cow::Borrowed("Nope"), Some("x")));
    }

    #[test]
    fn replace_and_remove() {
        let a = rec(
            r#"{"id":"X-1","modified":"2021-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]}]}"#,
        );
        let b = rec(
            r#"{"id":"X-1","modified":"2022-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"b"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]}]}"#,
        );
        let mut idx = MatchIndex::new();
        assert_eq!(idx.insert(compile(&a)), Insert::Inserted);
        assert_eq!(idx.insert(compile(&b)), Insert::Replaced);
        assert_eq!(idx.insert(compile(&a)), Insert::KeptNewer);
        assert!(idx.query(&Query::version("npm", "a", "0.1.0")).is_empty());
        assert_eq!(idx.query(&Query::version("npm", "b", "0.1.0")).len(), 1);
        assert_eq!(idx.entry_count(), 1);
        assert!(idx.remove("X-1"));
        assert!(idx.is_empty());
        assert_eq!(idx.entry_count(), 0);
        assert!(idx.query(&Query::version("npm", "b", "0.1.0")).is_empty());
    }

    /// OSV defines three range types; the events of any other type cannot
    /// be interpreted, so a version such a range may cover is undecidable
    /// (reported, never silently unaffected), and the problem names the
    /// range. Versions the entry lists or its known ranges cover still
    /// match as affected.
    #[test]
    fn an_unknown_range_type_makes_versions_undecidable() {
        let r = rec(
            r#"{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"p"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]},{"type":"NEWTYPE","events":[{"introduced":"2.0.0"},{"fixed":"3.0.0"}]}],"versions":["5.0.0"]}]}"#,
        );
        let c = compile(&r);
        assert_eq!(c.packages.len(), 1);
        assert!(
            c.problems
                .iter()
                .any(|p| p.path == "affected[0].ranges[1].type" && p.reason.contains("NEWTYPE")),
            "{:?}",
            c.problems
        );
        let idx: MatchIndex = std::iter::once(c).collect();
        let verdict = |v: &str| {
            idx.query(&Query::version("npm", "p", v))
                .first()
                .map(|f| f.verdict)
        };
        assert_eq!(verdict("0.5.0"), Some(Verdict::Affected));
        assert_eq!(verdict("5.0.0"), Some(Verdict::Affected));
        assert_eq!(verdict("2.5.0"), Some(Verdict::Undecidable));
        assert_eq!(verdict("9.0.0"), Some(Verdict::Undecidable));
        assert_eq!(verdict("not-a-version"), Some(Verdict::Undecidable));
        // The unknown range's events are not fixes Levee can vouch for.
        let hits = idx.query(&Query::version("npm", "p", "0.5.0"));
        assert_eq!(
            hits.first().map(|f| f.fixed.clone()),
            Some(vec!["1.0.0".to_string()])
        );
    }

    /// The Red Hat stream rules (`9` under `enterprise_linux:9::appstream`,
    /// any host under a product naming no RHEL release) belong to the Red
    /// Hat ecosystem. Another ecosystem's release that happens to be shaped
    /// like a Red Hat stream is compared by the generic rule: equal, or one
    /// names the other more precisely.
    #[test]
    fn redhat_release_rules_apply_to_red_hat_only() {
        let mut idx = MatchIndex::new();
        for eco in ["Red Hat", "Debian", "Ubuntu", "Nope"] {
            for (n, release) in ["enterprise_linux:9::appstream", "jboss_core_services:1"]
                .into_iter()
                .enumerate()
            {
                let id = eco.replace(' ', "");
                idx.insert(compile(&rec(&format!(
                    r#"{{"id":"{id}-{n}","modified":"2024-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"{eco}:{release}","name":"p"}},"versions":["1"]}}]}}"#
                ))));
            }
        }
        let ids = |eco: &str| -> Vec<String> {
            idx.query(&Query::version(eco, "p", "1"))
                .iter()
                .map(|f| f.advisory.id.clone())
                .collect()
        };
        assert_eq!(ids("Red Hat:9"), ["RedHat-0", "RedHat-1"]);
        assert_eq!(ids("Red Hat:8"), ["RedHat-1"]);
        for eco in ["Debian", "Ubuntu", "Nope"] {
            for want in ["9", "8", "9.2", "1"] {
                let got = ids(&format!("{eco}:{want}"));
                assert!(got.is_empty(), "{eco}:{want}: {got:?}");
            }
            assert_eq!(
                ids(&format!("{eco}:enterprise_linux:9::appstream")),
                [format!("{eco}-0")]
            );
            assert_eq!(
                ids(&format!("{eco}:enterprise_linux:9")),
                [format!("{eco}-0")]
            );
            assert_eq!(
                ids(&format!("{eco}:jboss_core_services")),
                [format!("{eco}-1")]
            );
            assert_eq!(ids(eco).len(), 2, "{eco}: no release, every release");
        }
    }
}
