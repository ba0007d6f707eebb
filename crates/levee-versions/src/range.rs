//! The range model and OSV range evaluation.
//!
//! Everything compiles to a [`RangeSet`]: a sorted union of disjoint
//! [`Interval`]s over one [`VersionScheme`]'s total order, event versions
//! parsed once. Evaluation is a binary search: `O(log n)` comparisons.
//!
//! OSV semantics (`osv-schema`): events are sorted by version
//! (`introduced: "0"` first); an `introduced` opens an affected interval, a
//! `fixed` closes it exclusively, a `last_affected` inclusively; several
//! `introduced` events give several intervals; `limit` caps the range
//! (versions `>= limit` are not affected). Pre-releases are ordinary members
//! of the order (`3.10.0-beta` is inside `< 3.11`). `GIT` ranges without
//! the repository's history decide only the commits they name; any other
//! commit is [`Verdict::Undecidable`], never silently unaffected.

use std::cmp::Ordering;
use std::sync::OnceLock;

use crate::error::VersionError;
use crate::scheme::{Version, VersionScheme};

/// One end of an interval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bound {
    Unbounded,
    Inclusive(Version),
    Exclusive(Version),
}

/// A contiguous set of versions `lower .. upper`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interval {
    pub lower: Bound,
    pub upper: Bound,
}

impl Interval {
    pub const ALL: Interval = Interval {
        lower: Bound::Unbounded,
        upper: Bound::Unbounded,
    };

    pub fn point(v: Version) -> Interval {
        Interval {
            lower: Bound::Inclusive(v.clone()),
            upper: Bound::Inclusive(v),
        }
    }

    fn above_lower(&self, v: &Version) -> bool {
        match &self.lower {
            Bound::Unbounded => true,
            Bound::Inclusive(l) => v >= l,
            Bound::Exclusive(l) => v > l,
        }
    }

    fn below_upper(&self, v: &Version) -> bool {
        match &self.upper {
            Bound::Unbounded => true,
            Bound::Inclusive(u) => v <= u,
            Bound::Exclusive(u) => v < u,
        }
    }

    pub fn contains(&self, v: &Version) -> bool {
        self.above_lower(v) && self.below_upper(v)
    }

    /// True when no version can be inside (`[2, 1)`, `[1, 1)`).
    pub fn is_empty(&self) -> bool {
        match (&self.lower, &self.upper) {
            (Bound::Inclusive(l), Bound::Inclusive(u)) => l > u,
            (Bound::Inclusive(l), Bound::Exclusive(u))
            | (Bound::Exclusive(l), Bound::Inclusive(u))
            | (Bound::Exclusive(l), Bound::Exclusive(u)) => l >= u,
            _ => false,
        }
    }
}

/// Order lower bounds: Unbounded first, then by version, inclusive before
/// exclusive.
fn cmp_lower(a: &Bound, b: &Bound) -> Ordering {
    match (a, b) {
        (Bound::Unbounded, Bound::Unbounded) => Ordering::Equal,
        (Bound::Unbounded, _) => Ordering::Less,
        (_, Bound::Unbounded) => Ordering::Greater,
        (Bound::Inclusive(x), Bound::Inclusive(y)) | (Bound::Exclusive(x), Bound::Exclusive(y)) => {
            x.cmp(y)
        }
        (Bound::Inclusive(x), Bound::Exclusive(y)) => x.cmp(y).then(Ordering::Less),
        (Bound::Exclusive(x), Bound::Inclusive(y)) => x.cmp(y).then(Ordering::Greater),
    }
}

/// Order upper bounds: Unbounded last, inclusive after exclusive.
fn cmp_upper(a: &Bound, b: &Bound) -> Ordering {
    match (a, b) {
        (Bound::Unbounded, Bound::Unbounded) => Ordering::Equal,
        (Bound::Unbounded, _) => Ordering::Greater,
        (_, Bound::Unbounded) => Ordering::Less,
        (Bound::Inclusive(x), Bound::Inclusive(y)) | (Bound::Exclusive(x), Bound::Exclusive(y)) => {
            x.cmp(y)
        }
        (Bound::Inclusive(x), Bound::Exclusive(y)) => x.cmp(y).then(Ordering::Greater),
        (Bound::Exclusive(x), Bound::Inclusive(y)) => x.cmp(y).then(Ordering::Less),
    }
}

/// Does `upper` reach `lower` (so the two intervals touch or overlap)?
fn touches(upper: &Bound, lower: &Bound) -> bool {
    match (upper, lower) {
        (Bound::Unbounded, _) | (_, Bound::Unbounded) => true,
        (Bound::Inclusive(u), Bound::Inclusive(l)) => u >= l,
        (Bound::Inclusive(u), Bound::Exclusive(l)) | (Bound::Exclusive(u), Bound::Inclusive(l)) => {
            u >= l
        }
        (Bound::Exclusive(u), Bound::Exclusive(l)) => u > l,
    }
}

/// A union of disjoint intervals, sorted; the common target of OSV ranges,
/// native range syntaxes and `vers:` URIs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RangeSet {
    intervals: Vec<Interval>,
}

impl RangeSet {
    pub fn empty() -> RangeSet {
        RangeSet::default()
    }

    pub fn all() -> RangeSet {
        RangeSet {
            intervals: vec![Interval::ALL],
        }
    }

    /// Build from any intervals: empties dropped, sorted, overlaps merged.
    pub fn from_intervals(mut v: Vec<Interval>) -> RangeSet {
        v.retain(|i| !i.is_empty());
        crate::sort::sort_by(&mut v, |a, b| cmp_lower(&a.lower, &b.lower));
        let mut out: Vec<Interval> = Vec::with_capacity(v.len());
        for i in v {
            if let Some(last) = out.last_mut() {
                if touches(&last.upper, &i.lower) {
                    if cmp_upper(&i.upper, &last.upper) == Ordering::Greater {
                        last.upper = i.upper;
                    }
                    continue;
                }
            }
            out.push(i);
        }
        RangeSet { intervals: out }
    }

    pub fn intervals(&self) -> &[Interval] {
        &self.intervals
    }

    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    /// Is `v` inside? Binary search over the sorted intervals.
    pub fn contains(&self, v: &Version) -> bool {
        let idx = self.intervals.partition_point(|i| i.above_lower(v));
        match idx.checked_sub(1).and_then(|k| self.intervals.get(k)) {
            Some(i) => i.below_upper(v),
            None => false,
        }
    }

    pub fn union(&self, other: &RangeSet) -> RangeSet {
        let mut v = self.intervals.clone();
        v.extend(other.intervals.iter().cloned());
        RangeSet::from_intervals(v)
    }

    pub fn intersect(&self, other: &RangeSet) -> RangeSet {
        let mut out = Vec::new();
        for a in &self.intervals {
            for b in &other.intervals {
                let lower = if cmp_lower(&a.lower, &b.lower) == Ordering::Greater {
                    a.lower.clone()
                } else {
                    b.lower.clone()
                };
                let upper = if cmp_upper(&a.upper, &b.upper) == Ordering::Less {
                    a.upper.clone()
                } else {
                    b.upper.clone()
                };
                out.push(Interval { lower, upper });
            }
        }
        RangeSet::from_intervals(out)
    }

    /// Everything except `v`.
    pub fn except_point(&self, v: &Version) -> RangeSet {
        let not_v = RangeSet::from_intervals(vec![
            Interval {
                lower: Bound::Unbounded,
                upper: Bound::Exclusive(v.clone()),
            },
            Interval {
                lower: Bound::Exclusive(v.clone()),
                upper: Bound::Unbounded,
            },
        ]);
        self.intersect(&not_v)
    }
}

/// The answer to "is this version affected?".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    Affected,
    NotAffected,
    /// Cannot be decided from the data (a commit not named by a GIT range;
    /// an ecosystem without ordering and a version not listed).
    Undecidable,
}

/// OSV `ranges[].type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RangeKind {
    Semver,
    Ecosystem,
    Git,
    /// A type OSV does not define (its schema allows only the three
    /// above, and the type defines how the events read). Its events are
    /// not interpreted: a version such a range may cover is
    /// [`Verdict::Undecidable`], never silently unaffected. Not produced by
    /// `from_str`, which refuses unknown types.
    Unknown,
}

impl std::str::FromStr for RangeKind {
    type Err = RangeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "SEMVER" => Ok(RangeKind::Semver),
            "ECOSYSTEM" => Ok(RangeKind::Ecosystem),
            "GIT" => Ok(RangeKind::Git),
            _ => Err(RangeError {
                path: "type".into(),
                reason: format!("unknown range type {s:?}"),
            }),
        }
    }
}

/// One OSV event, with its version string as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

impl Event {
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
    fn key(&self) -> &'static str {
        match self {
            Event::Introduced(_) => "introduced",
            Event::Fixed(_) => "fixed",
            Event::LastAffected(_) => "last_affected",
            Event::Limit(_) => "limit",
        }
    }
    fn rank(&self) -> u8 {
        match self {
            Event::Introduced(_) => 0,
            Event::LastAffected(_) => 1,
            Event::Fixed(_) => 2,
            Event::Limit(_) => 3,
        }
    }
}

/// An OSV range as written (`affected[].ranges[]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OsvRange {
    pub kind: RangeKind,
    pub repo: Option<String>,
    pub events: Vec<Event>,
}

/// A range that cannot be compiled; `path` names the offending event
/// (`events[2].fixed`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct RangeError {
    pub path: String,
    pub reason: String,
}

impl RangeError {
    fn version(path: String, e: &VersionError) -> RangeError {
        RangeError {
            path,
            reason: e.to_string(),
        }
    }
}

/// A compiled `SEMVER`/`ECOSYSTEM` range: event versions parsed once.
#[derive(Clone, Debug)]
pub struct CompiledRange {
    scheme: VersionScheme,
    set: RangeSet,
}

/// The scheme a `SEMVER` range uses in an ecosystem of `scheme`: the
/// ecosystem's own when it is a SemVer relative (Go, NuGet, Pub, Julia,
/// whose build-metadata rules matter), SemVer 2.0 otherwise.
pub fn semver_range_scheme(scheme: Option<VersionScheme>) -> VersionScheme {
    match scheme {
        Some(
            s @ (VersionScheme::Go
            | VersionScheme::NuGet
            | VersionScheme::Pub
            | VersionScheme::Julia
            | VersionScheme::SemVer),
        ) => s,
        _ => VersionScheme::SemVer,
    }
}

impl CompiledRange {
    /// Compile the events of a `SEMVER` or `ECOSYSTEM` range in `scheme`.
    pub fn compile(scheme: VersionScheme, events: &[Event]) -> Result<CompiledRange, RangeError> {
        let mut parsed: Vec<(Option<Version>, &Event, usize)> = Vec::with_capacity(events.len());
        for (i, e) in events.iter().enumerate() {
            let v = e.version();
            let pv =
                if matches!(e, Event::Introduced(_)) && v == "0" {
                    None
                } else {
                    Some(Version::parse(scheme, v).map_err(|err| {
                        RangeError::version(format!("events[{i}].{}", e.key()), &err)
                    })?)
                };
            parsed.push((pv, e, i));
        }
        crate::sort::sort_by(&mut parsed, |a, b| {
            let o = match (&a.0, &b.0) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(x), Some(y)) => x.cmp(y),
            };
            o.then(a.1.rank().cmp(&b.1.rank())).then(a.2.cmp(&b.2))
        });
        let mut intervals = Vec::new();
        let mut open: Option<Bound> = None;
        let mut limit: Option<Version> = None;
        for (pv, e, _) in parsed {
            match (e, pv) {
                (Event::Introduced(_), pv) => {
                    if open.is_none() {
                        open = Some(match pv {
                            None => Bound::Unbounded,
                            Some(v) => Bound::Inclusive(v),
                        });
                    }
                }
                (Event::Fixed(_), Some(v)) => {
                    if let Some(lo) = open.take() {
                        intervals.push(Interval {
                            lower: lo,
                            upper: Bound::Exclusive(v),
                        });
                    }
                }
                (Event::LastAffected(_), Some(v)) => {
                    if let Some(lo) = open.take() {
                        intervals.push(Interval {
                            lower: lo,
                            upper: Bound::Inclusive(v),
                        });
                    }
                }
                (Event::Limit(_), Some(v)) => {
                    // several limits: the largest one caps the range
                    if limit.as_ref().is_none_or(|l| &v > l) {
                        limit = Some(v);
                    }
                }
                (_, None) => {}
            }
        }
        if let Some(lo) = open {
            intervals.push(Interval {
                lower: lo,
                upper: Bound::Unbounded,
            });
        }
        let mut set = RangeSet::from_intervals(intervals);
        if let Some(l) = limit {
            set = set.intersect(&RangeSet::from_intervals(vec![Interval {
                lower: Bound::Unbounded,
                upper: Bound::Exclusive(l),
            }]));
        }
        Ok(CompiledRange { scheme, set })
    }

    /// Compile from a native range set (already in the model).
    pub fn from_set(scheme: VersionScheme, set: RangeSet) -> CompiledRange {
        CompiledRange { scheme, set }
    }

    pub fn scheme(&self) -> VersionScheme {
        self.scheme
    }

    pub fn set(&self) -> &RangeSet {
        &self.set
    }

    /// Is the (already parsed) version affected by this range?
    pub fn contains(&self, v: &Version) -> bool {
        self.set.contains(v)
    }

    /// Is `v` affected by this range, read in the range's scheme? A version
    /// parsed in another scheme (a PyPI version against a `SEMVER` range)
    /// is parsed again from its text; `None` when it does not parse there,
    /// as versions of two schemes have no order.
    pub fn decide(&self, v: &Version) -> Option<bool> {
        self.decide_cached(v, &mut Vec::new())
    }

    /// [`Self::decide`], with `v`'s readings in other schemes kept in
    /// `reread` across the ranges of one evaluation (each scheme parsed
    /// once; nothing is allocated while the schemes agree).
    fn decide_cached(
        &self,
        v: &Version,
        reread: &mut Vec<(VersionScheme, Option<Version>)>,
    ) -> Option<bool> {
        if v.scheme() == self.scheme {
            return Some(self.set.contains(v));
        }
        if !reread.iter().any(|(s, _)| *s == self.scheme) {
            reread.push((self.scheme, Version::parse(self.scheme, v.as_str()).ok()));
        }
        reread
            .iter()
            .find(|(s, _)| *s == self.scheme)
            .and_then(|(_, w)| w.as_ref())
            .map(|w| self.set.contains(w))
    }
}

/// A `GIT` range: only commits named in its events can be decided.
#[derive(Clone, Debug, Default)]
pub struct GitRange {
    affected: Vec<String>,
    unaffected: Vec<String>,
}

impl GitRange {
    pub fn compile(events: &[Event]) -> GitRange {
        let mut g = GitRange::default();
        for e in events {
            let c = e.version().to_ascii_lowercase();
            match e {
                Event::Introduced(_) if c == "0" => {}
                Event::Introduced(_) | Event::LastAffected(_) => g.affected.push(c),
                Event::Fixed(_) | Event::Limit(_) => g.unaffected.push(c),
            }
        }
        g
    }

    pub fn evaluate(&self, commit: &str) -> Verdict {
        let c = commit.to_ascii_lowercase();
        if self.unaffected.contains(&c) {
            Verdict::NotAffected
        } else if self.affected.contains(&c) {
            Verdict::Affected
        } else {
            Verdict::Undecidable
        }
    }
}

/// A range's events to be read in the ecosystem's scheme, compiled the
/// first time a version needs them (most versions are read by the range's
/// own scheme, and most entries are never evaluated in one scan); `None`
/// inside when an event does not parse there.
#[derive(Clone, Debug)]
struct EcosystemReading {
    scheme: VersionScheme,
    events: Box<[Event]>,
    compiled: OnceLock<Option<CompiledRange>>,
}

impl EcosystemReading {
    fn get(&self) -> Option<&CompiledRange> {
        self.compiled
            .get_or_init(|| CompiledRange::compile(self.scheme, &self.events).ok())
            .as_ref()
    }
}

/// A whole `affected[]` entry compiled for fast matching: its ordered ranges,
/// its GIT ranges, and its explicit `versions` list.
#[derive(Clone, Debug)]
pub struct AffectedMatcher {
    scheme: Option<VersionScheme>,
    ranges: Vec<CompiledRange>,
    /// For each of `ranges` in another scheme than the ecosystem's (`SEMVER`
    /// in a non-SemVer ecosystem): its events read in the ecosystem's
    /// scheme, when they all parse there, for versions the range's own
    /// scheme cannot read; compiled on first need.
    ranges_in_ecosystem: Vec<Option<EcosystemReading>>,
    git: Vec<GitRange>,
    /// `ECOSYSTEM` ranges that could not be compiled because the ecosystem
    /// has no ordering, and ranges of an unknown type: any version not
    /// listed (or covered by another range) is then undecidable.
    unordered_ranges: usize,
    versions: Vec<Version>,
    version_strings: Vec<String>,
    withdrawn: bool,
}

impl AffectedMatcher {
    /// Compile `ranges` and `versions` of one affected package whose
    /// ecosystem orders versions with `scheme` (`None` = versions lists only).
    /// `withdrawn` advisories affect nothing.
    pub fn compile(
        scheme: Option<VersionScheme>,
        ranges: &[OsvRange],
        versions: &[String],
        withdrawn: bool,
    ) -> Result<AffectedMatcher, RangeError> {
        let mut m = AffectedMatcher {
            scheme,
            ranges: Vec::new(),
            ranges_in_ecosystem: Vec::new(),
            git: Vec::new(),
            unordered_ranges: 0,
            versions: Vec::new(),
            version_strings: versions.to_vec(),
            withdrawn,
        };
        for (i, r) in ranges.iter().enumerate() {
            let sch = match r.kind {
                RangeKind::Git => {
                    m.git.push(GitRange::compile(&r.events));
                    continue;
                }
                RangeKind::Semver => Some(semver_range_scheme(scheme)),
                RangeKind::Ecosystem => scheme,
                RangeKind::Unknown => None,
            };
            match sch {
                Some(s) => {
                    m.ranges
                        .push(
                            CompiledRange::compile(s, &r.events).map_err(|e| RangeError {
                                path: format!("ranges[{i}].{}", e.path),
                                reason: e.reason,
                            })?,
                        );
                    m.ranges_in_ecosystem
                        .push(scheme.filter(|e| *e != s).map(|e| EcosystemReading {
                            scheme: e,
                            events: r.events.clone().into_boxed_slice(),
                            compiled: OnceLock::new(),
                        }));
                }
                None => m.unordered_ranges += 1,
            }
        }
        if let Some(s) = scheme {
            m.versions = versions
                .iter()
                .filter_map(|v| Version::parse(s, v).ok())
                .collect();
            crate::sort::sort_versions(&mut m.versions);
        }
        m.version_strings.sort();
        Ok(m)
    }

    /// Evaluate a version string, as [`Self::evaluate`] evaluates it parsed:
    /// read in the ecosystem's scheme, else (a version that scheme does not
    /// read, or an ecosystem without one) in the scheme of the entry's
    /// ranges of another scheme (`SEMVER` ranges, all ordered by
    /// [`semver_range_scheme`]), where the other ranges read it again or
    /// cannot decide it.
    pub fn evaluate_str(&self, version: &str) -> Verdict {
        if self.withdrawn {
            return Verdict::NotAffected;
        }
        if self
            .version_strings
            .binary_search_by(|x| x.as_str().cmp(version))
            .is_ok()
        {
            return Verdict::Affected;
        }
        if let Some(Ok(v)) = self.scheme.map(|s| Version::parse(s, version)) {
            return self.evaluate(&v);
        }
        let other = semver_range_scheme(self.scheme);
        if Some(other) != self.scheme && self.ranges.iter().any(|r| r.scheme == other) {
            if let Ok(v) = Version::parse(other, version) {
                return self.evaluate(&v);
            }
        }
        if self.unordered_ranges > 0 || !self.ranges.is_empty() {
            Verdict::Undecidable
        } else {
            Verdict::NotAffected
        }
    }

    /// Evaluate an already parsed version. A range of another scheme than
    /// the version's (`SEMVER` in a non-SemVer ecosystem) reads it again in
    /// its own scheme ([`CompiledRange::decide`]), else by its events read
    /// in the ecosystem's scheme when they all parse there; a range that
    /// can do neither makes the version undecidable unless another range
    /// affects it.
    pub fn evaluate(&self, v: &Version) -> Verdict {
        if self.withdrawn {
            return Verdict::NotAffected;
        }
        if self.versions.binary_search(v).is_ok()
            || self
                .version_strings
                .binary_search_by(|x| x.as_str().cmp(v.as_str()))
                .is_ok()
        {
            return Verdict::Affected;
        }
        let mut unreadable = false;
        let mut reread = Vec::new();
        for (r, alt) in self.ranges.iter().zip(&self.ranges_in_ecosystem) {
            let decided = r.decide_cached(v, &mut reread).or_else(|| {
                alt.as_ref()
                    .and_then(EcosystemReading::get)
                    .and_then(|a| a.decide_cached(v, &mut reread))
            });
            match decided {
                Some(true) => return Verdict::Affected,
                Some(false) => {}
                None => unreadable = true,
            }
        }
        if unreadable || self.unordered_ranges > 0 {
            Verdict::Undecidable
        } else {
            Verdict::NotAffected
        }
    }

    /// Evaluate a commit hash against the GIT ranges (and the versions list,
    /// which for GIT-based records holds tags).
    pub fn evaluate_commit(&self, commit: &str) -> Verdict {
        if self.withdrawn {
            return Verdict::NotAffected;
        }
        if self.git.is_empty() {
            return Verdict::NotAffected;
        }
        let verdicts: Vec<Verdict> = self.git.iter().map(|g| g.evaluate(commit)).collect();
        if verdicts.contains(&Verdict::Affected) {
            Verdict::Affected
        } else if verdicts.contains(&Verdict::Undecidable) {
            Verdict::Undecidable
        } else {
            Verdict::NotAffected
        }
    }
}
