//! Native range syntaxes found in real feeds, parsed into [`RangeSet`]:
//!
//! - node-semver (`<3.11 || >=4 <4.5`, `^1.2`, `~1.2.3`, `1.x`, `1 - 2`)
//!   for SemVer, Go, Pub, Julia;
//! - Composer constraints (`>=4.0,<4.3 || ^5.1`, `~1.2`, `1.2.*`);
//! - RubyGems requirements (`~> 4.2.5, >= 4.2.5.1`; `~>` as
//!   Gem::Requirement: the segments as written are bumped, and the bump's
//!   pre-releases are out);
//! - PEP 440 specifiers (`>=1.0,!=1.3.*,<2`, `~=1.4.5`, `===x`; a
//!   specifier without a local label ignores the candidate's; each clause
//!   accepted only as `packaging` 22+ accepts it, by [`Pep440Specifier`],
//!   which requirements.txt reading uses too);
//! - Maven / NuGet interval notation (`[2.0,2.3.1],[2.4.0,2.12.2)`,
//!   `(,8.0.20]`; a bare NuGet version means `>=`, a bare Maven version
//!   exact);
//! - GitLab `affected_range` and GHSA-style comparator lists
//!   (`>=1.0.0 <=1.6.3||>=2.0.0 <2.2.0`, `>= 1.2.0, < 1.10.2`);
//! - Alpine / Debian / RPM "fixed in" versions: a bare version `V` means
//!   `< V`.
//!
//! `||` separates alternatives everywhere. Ranges keep OSV semantics:
//! pre-releases are ordinary members of the order (no node-semver
//! "includePrerelease" filtering); partial upper bounds exclude the next
//! version's pre-releases (`<2` means `<2.0.0-0`), and X-ranges include
//! their own (`2.0.x` means `>=2.0.0-0 <2.1.0-0`).

use crate::range::{Bound, Interval, RangeError, RangeSet};
use crate::scheme::pep440::Pep440;
use crate::scheme::{Version, VersionScheme};

fn err(reason: impl Into<String>) -> RangeError {
    RangeError {
        path: "range".into(),
        reason: reason.into(),
    }
}

fn parse_v(scheme: VersionScheme, s: &str) -> Result<Version, RangeError> {
    Version::parse(scheme, s).map_err(|e| err(e.to_string()))
}

/// Comparison operators shared by all syntaxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// The set of versions `op v`.
pub fn op_set(op: Op, v: Version) -> RangeSet {
    let iv = |lower, upper| RangeSet::from_intervals(vec![Interval { lower, upper }]);
    match op {
        Op::Lt => iv(Bound::Unbounded, Bound::Exclusive(v)),
        Op::Le => iv(Bound::Unbounded, Bound::Inclusive(v)),
        Op::Gt => iv(Bound::Exclusive(v), Bound::Unbounded),
        Op::Ge => iv(Bound::Inclusive(v), Bound::Unbounded),
        Op::Eq => RangeSet::from_intervals(vec![Interval::point(v)]),
        Op::Ne => RangeSet::all().except_point(&v),
    }
}

fn half_open(lo: Version, hi: Version) -> RangeSet {
    RangeSet::from_intervals(vec![Interval {
        lower: Bound::Inclusive(lo),
        upper: Bound::Exclusive(hi),
    }])
}

/// Split a leading operator off `s`.
fn split_op(s: &str) -> (Option<&str>, &str) {
    for op in [
        "===", "~>", "~=", ">=", "<=", "==", "!=", "=>", "=<", ">", "<", "=", "^", "~",
    ] {
        if let Some(rest) = s.strip_prefix(op) {
            return (Some(op), rest.trim_start());
        }
    }
    (None, s)
}

fn simple_op(op: &str) -> Option<Op> {
    Some(match op {
        "<" => Op::Lt,
        "<=" | "=<" => Op::Le,
        ">" => Op::Gt,
        ">=" | "=>" => Op::Ge,
        "=" | "==" => Op::Eq,
        "!=" => Op::Ne,
        _ => return None,
    })
}

/// Tokens of one comparator set: `>= 1.0` glued to `>=1.0`; commas and
/// whitespace separate.
fn comparator_tokens(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending_op: Option<String> = None;
    for raw in s.split(|c: char| c.is_whitespace() || c == ',') {
        if raw.is_empty() {
            continue;
        }
        let is_op_only = raw.chars().all(|c| "<>=!~^".contains(c));
        if is_op_only {
            pending_op = Some(pending_op.unwrap_or_default() + raw);
            continue;
        }
        match pending_op.take() {
            Some(op) => out.push(op + raw),
            None => out.push(raw.to_string()),
        }
    }
    if let Some(op) = pending_op {
        out.push(op);
    }
    out
}

/// A partial version `1`, `1.2`, `1.2.x`, `1.2.3-pre` (node-semver style).
struct Partial {
    nums: Vec<String>,
    rest: String,
}

fn partial(s: &str) -> Partial {
    let s = s
        .strip_prefix('v')
        .or_else(|| s.strip_prefix('V'))
        .unwrap_or(s);
    let s = s.strip_prefix('=').unwrap_or(s);
    let (core, rest) = match s.find(['-', '+']) {
        Some(k) => (s.get(..k).unwrap_or(""), s.get(k..).unwrap_or("")),
        None => (s, ""),
    };
    let mut nums = Vec::new();
    for c in core.split('.') {
        if c.is_empty() || c == "x" || c == "X" || c == "*" {
            break;
        }
        nums.push(c.to_string());
    }
    Partial {
        nums,
        rest: rest.to_string(),
    }
}

fn bump(nums: &[String], idx: usize) -> Vec<String> {
    let mut out: Vec<String> = nums.iter().take(idx + 1).cloned().collect();
    if let Some(last) = out.last_mut() {
        *last = inc_digits(last);
    }
    out
}

/// Increment a decimal digit string of any length.
fn inc_digits(s: &str) -> String {
    let mut d: Vec<u8> = s.bytes().collect();
    let mut i = d.len();
    loop {
        if i == 0 {
            d.insert(0, b'1');
            break;
        }
        i -= 1;
        match d.get_mut(i) {
            Some(c) if *c == b'9' => *c = b'0',
            Some(c) if c.is_ascii_digit() => {
                *c += 1;
                break;
            }
            _ => break,
        }
    }
    String::from_utf8(d).unwrap_or_default()
}

/// Versions for partials in a SemVer-like scheme: `lowest_pre` is the
/// suffix of the lowest version with a given release (`-0`, `-dev`).
struct Builder {
    scheme: VersionScheme,
    width: usize,
    lowest_pre: &'static str,
}

impl Builder {
    fn full(&self, nums: &[String], rest: &str) -> Result<Version, RangeError> {
        let mut parts: Vec<String> = nums.to_vec();
        while parts.len() < self.width {
            parts.push("0".into());
        }
        parse_v(self.scheme, &format!("{}{}", parts.join("."), rest))
    }
    fn floor(&self, nums: &[String]) -> Result<Version, RangeError> {
        self.full(nums, self.lowest_pre)
    }

    /// One node-semver / Composer comparator token.
    fn comparator(&self, tok: &str, composer: bool) -> Result<RangeSet, RangeError> {
        if tok == "*" || tok == "x" || tok == "X" {
            return Ok(RangeSet::all());
        }
        let (op, ver) = split_op(tok);
        let p = partial(ver);
        if p.nums.is_empty() {
            return match op {
                None | Some("=") | Some(">=") | Some("^") | Some("~") => Ok(RangeSet::all()),
                _ => Err(err(format!("bad comparator {tok:?}"))),
            };
        }
        let n = p.nums.len();
        let exact = n >= self.width.min(3) && !ver.contains(['x', 'X', '*']);
        match op {
            Some("^") => {
                let lo = self.full(&p.nums, &p.rest)?;
                let idx = p
                    .nums
                    .iter()
                    .position(|x| !x.trim_start_matches('0').is_empty())
                    .unwrap_or(n - 1);
                Ok(half_open(lo, self.floor(&bump(&p.nums, idx))?))
            }
            Some("~") | Some("~>") => {
                let lo = self.full(&p.nums, &p.rest)?;
                let idx = if composer {
                    if n == 1 {
                        0
                    } else {
                        n - 2
                    }
                } else if n >= 2 {
                    1
                } else {
                    0
                };
                Ok(half_open(lo, self.floor(&bump(&p.nums, idx))?))
            }
            // An X-range (`2.0.x`, `1.2.*`) starts at its release's lowest
            // pre-release, as `=2.0` does (node-semver includePrerelease;
            // Composer's `>=1.2.0.0-dev`).
            None | Some("=") | Some("==") if !exact => Ok(half_open(
                self.floor(&p.nums)?,
                self.floor(&bump(&p.nums, n - 1))?,
            )),
            Some(o) if !exact => {
                let o = simple_op(o).ok_or_else(|| err(format!("bad operator in {tok:?}")))?;
                Ok(match o {
                    Op::Lt => op_set(Op::Lt, self.floor(&p.nums)?),
                    Op::Le => op_set(Op::Lt, self.floor(&bump(&p.nums, n - 1))?),
                    Op::Gt => op_set(Op::Ge, self.floor(&bump(&p.nums, n - 1))?),
                    Op::Ge => op_set(Op::Ge, self.floor(&p.nums)?),
                    Op::Eq => half_open(self.floor(&p.nums)?, self.floor(&bump(&p.nums, n - 1))?),
                    Op::Ne => {
                        let inside =
                            half_open(self.floor(&p.nums)?, self.floor(&bump(&p.nums, n - 1))?);
                        complement(&inside)
                    }
                })
            }
            None => Ok(op_set(Op::Eq, parse_v(self.scheme, ver)?)),
            Some(o) => {
                let o = simple_op(o).ok_or_else(|| err(format!("bad operator in {tok:?}")))?;
                Ok(op_set(o, parse_v(self.scheme, ver)?))
            }
        }
    }

    /// A space/comma separated AND of comparators, with hyphen ranges.
    fn and_set(&self, s: &str, composer: bool) -> Result<RangeSet, RangeError> {
        let toks = comparator_tokens(s);
        let mut set = RangeSet::all();
        let mut i = 0;
        while let Some(t) = toks.get(i) {
            if toks.get(i + 1).map(String::as_str) == Some("-") {
                let (Some(a), Some(b)) = (Some(t), toks.get(i + 2)) else {
                    return Err(err("incomplete hyphen range"));
                };
                let pa = partial(a);
                let pb = partial(b);
                let lo = op_set(Op::Ge, self.full(&pa.nums, &pa.rest)?);
                let hi = if pb.nums.len() >= 3 {
                    op_set(Op::Le, self.full(&pb.nums, &pb.rest)?)
                } else if pb.nums.is_empty() {
                    RangeSet::all()
                } else {
                    op_set(Op::Lt, self.floor(&bump(&pb.nums, pb.nums.len() - 1))?)
                };
                set = set.intersect(&lo).intersect(&hi);
                i += 3;
                continue;
            }
            set = set.intersect(&self.comparator(t, composer)?);
            i += 1;
        }
        if toks.is_empty() {
            return Err(err("empty constraint"));
        }
        Ok(set)
    }
}

/// Complement of a range set.
pub fn complement(s: &RangeSet) -> RangeSet {
    let mut out = Vec::new();
    let mut lower = Bound::Unbounded;
    for iv in s.intervals() {
        let upper = match &iv.lower {
            Bound::Unbounded => None,
            Bound::Inclusive(v) => Some(Bound::Exclusive(v.clone())),
            Bound::Exclusive(v) => Some(Bound::Inclusive(v.clone())),
        };
        if let Some(u) = upper {
            out.push(Interval {
                lower: lower.clone(),
                upper: u,
            });
        }
        lower = match &iv.upper {
            Bound::Unbounded => return RangeSet::from_intervals(out),
            Bound::Inclusive(v) => Bound::Exclusive(v.clone()),
            Bound::Exclusive(v) => Bound::Inclusive(v.clone()),
        };
    }
    out.push(Interval {
        lower,
        upper: Bound::Unbounded,
    });
    RangeSet::from_intervals(out)
}

fn alternatives(s: &str, single_bar_too: bool) -> Vec<&str> {
    if single_bar_too {
        s.split('|').filter(|x| !x.trim().is_empty()).collect()
    } else {
        s.split("||").collect()
    }
}

/// node-semver range (also GitLab npm/go/conan ranges).
pub fn parse_node_semver(scheme: VersionScheme, s: &str) -> Result<RangeSet, RangeError> {
    let b = Builder {
        scheme,
        width: 3,
        lowest_pre: "-0",
    };
    let mut set = RangeSet::empty();
    for alt in alternatives(s, false) {
        let alt = alt.trim();
        let part = if alt.is_empty() {
            RangeSet::all()
        } else {
            b.and_set(alt, false)?
        };
        set = set.union(&part);
    }
    Ok(set)
}

/// Composer constraint.
pub fn parse_composer(s: &str) -> Result<RangeSet, RangeError> {
    let b = Builder {
        scheme: VersionScheme::Composer,
        width: 1,
        lowest_pre: "-dev",
    };
    let mut set = RangeSet::empty();
    for alt in alternatives(s, true) {
        set = set.union(&b.and_set(alt.trim(), true)?);
    }
    Ok(set)
}

/// RubyGems requirement list (comma = AND), `||` alternatives for GitLab.
pub fn parse_rubygems(s: &str) -> Result<RangeSet, RangeError> {
    let mut set = RangeSet::empty();
    for alt in alternatives(s, false) {
        let mut and = RangeSet::all();
        let toks = comparator_tokens(alt);
        if toks.is_empty() {
            return Err(err("empty requirement"));
        }
        for t in toks {
            let (op, ver) = split_op(&t);
            let v = parse_v(VersionScheme::RubyGems, ver)?;
            let part = match op {
                Some("~>") => {
                    // Gem::Version#bump works on the segments as written
                    // (`~> 3.1.0` is below 3.2, not below 4): the numeric
                    // segments before the first letter, the last dropped,
                    // the new last incremented. And Gem::Requirement's `~>`
                    // compares `v.release < bump`, so the pre-releases of
                    // the bump are out too: the bound is its lowest
                    // pre-release, `<bump>.A`.
                    let segs = gem_written_release(ver);
                    if segs.is_empty() {
                        return Err(err(format!("~> needs a numeric version: {t:?}")));
                    }
                    let idx = if segs.len() > 1 { segs.len() - 2 } else { 0 };
                    let hi = parse_v(
                        VersionScheme::RubyGems,
                        &format!("{}.A", bump(&segs, idx).join(".")),
                    )?;
                    half_open(v, hi)
                }
                None => op_set(Op::Eq, v),
                Some(o) => op_set(
                    simple_op(o).ok_or_else(|| err(format!("bad operator in {t:?}")))?,
                    v,
                ),
            };
            and = and.intersect(&part);
        }
        set = set.union(&and);
    }
    Ok(set)
}

/// The lowest PEP 440 version above every local version of `v` (`1.0` →
/// `1.0.post0.dev0`, `1.0.post1` → `1.0.post2.dev0`, `1.0.dev1` →
/// `1.0.dev2`); `None` when `v` has a local label itself or is a legacy
/// version (then the specifier compares exactly).
fn pep440_after_locals(v: &Version) -> Option<Version> {
    let Version::Pep440(p) = v else {
        return None;
    };
    if p.is_legacy() {
        return None;
    }
    let norm = p.normalized();
    if norm.contains('+') {
        return None;
    }
    let next_num = |s: &str| -> Option<String> {
        let n: u128 = s.parse().ok()?;
        Some((n.checked_add(1)?).to_string())
    };
    let text = if let Some((head, n)) = norm.rsplit_once(".dev") {
        format!("{head}.dev{}", next_num(n)?)
    } else if let Some((head, n)) = norm.rsplit_once(".post") {
        format!("{head}.post{}.dev0", next_num(n)?)
    } else {
        format!("{norm}.post0.dev0")
    };
    parse_v(VersionScheme::Pep440, &text).ok()
}

/// The numeric segments of a gem version as written, up to the first
/// letter (`3.1.0` → 3, 1, 0; `2.3.0.rc1` → 2, 3, 0; `1.0a` → 1, 0).
fn gem_written_release(ver: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in ver.trim().replace('-', ".pre.").split('.') {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            break;
        }
        let whole = digits.len() == part.len();
        out.push(digits);
        if !whole {
            break;
        }
    }
    out
}

/// A PEP 440 comparison operator ("Version specifiers").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pep440Op {
    /// `~=`
    Compatible,
    /// `==`
    Equal,
    /// `!=`
    NotEqual,
    /// `<=`
    LessEqual,
    /// `>=`
    GreaterEqual,
    /// `<`
    Less,
    /// `>`
    Greater,
    /// `===`
    ArbitraryEqual,
}

impl Pep440Op {
    /// The operator spelled exactly `s` (`~=`, `==`, `!=`, `<=`, `>=`, `<`,
    /// `>`, `===`); anything else is `None`.
    pub fn parse(s: &str) -> Option<Pep440Op> {
        Some(match s {
            "~=" => Pep440Op::Compatible,
            "==" => Pep440Op::Equal,
            "!=" => Pep440Op::NotEqual,
            "<=" => Pep440Op::LessEqual,
            ">=" => Pep440Op::GreaterEqual,
            "<" => Pep440Op::Less,
            ">" => Pep440Op::Greater,
            "===" => Pep440Op::ArbitraryEqual,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Pep440Op::Compatible => "~=",
            Pep440Op::Equal => "==",
            Pep440Op::NotEqual => "!=",
            Pep440Op::LessEqual => "<=",
            Pep440Op::GreaterEqual => ">=",
            Pep440Op::Less => "<",
            Pep440Op::Greater => ">",
            Pep440Op::ArbitraryEqual => "===",
        }
    }
}

/// One PEP 440 version specifier (`op version`), accepted as `packaging` 22
/// and later (so pip 24.1 and later) accept it. The one place that decides
/// which operator takes which version, for advisory ranges
/// ([`parse_pep440`]) and requirement files alike:
///
/// - the version is a PEP 440 version ([`Pep440::parse_strict`]: no legacy
///   versions), except after `===`, which takes any string without
///   whitespace;
/// - a trailing `.*` only after `==`/`!=`, and straight after the release
///   numbers (not after a pre, post or dev release or a local version;
///   PEP 440's text forbids only dev and local, packaging 22 all four);
/// - a local version (`+…`) only after `==`/`!=` (and `===`);
/// - `~=` with at least two release numbers (after any epoch: `~=1!1.0`).
#[derive(Clone, Debug)]
pub struct Pep440Specifier {
    op: Pep440Op,
    /// The version without its `.*` (`===`: read as a legacy version when
    /// it is not PEP 440).
    version: Version,
    wildcard: bool,
}

impl Pep440Specifier {
    /// Check `version` after `op`; `Err` says why pip would refuse it.
    pub fn parse(op: Pep440Op, version: &str) -> Result<Pep440Specifier, RangeError> {
        let o = op.as_str();
        if op == Pep440Op::ArbitraryEqual {
            if version.is_empty() || version.contains(char::is_whitespace) {
                return Err(err(format!("`{o}{version}`: `===` needs a version")));
            }
            return Ok(Pep440Specifier {
                op,
                version: parse_v(VersionScheme::Pep440, version)?,
                wildcard: false,
            });
        }
        let (v, wildcard) = match version.strip_suffix(".*") {
            Some(prefix) => (prefix, true),
            None => (version, false),
        };
        let Ok(p) = Pep440::parse_strict(v) else {
            return Err(err(format!(
                "`{version}` in `{o}{version}` is not a PEP 440 version"
            )));
        };
        let equality = matches!(op, Pep440Op::Equal | Pep440Op::NotEqual);
        if wildcard && !equality {
            return Err(err(format!(
                "`{o}{version}`: a `.*` prefix match is allowed only after `==` and `!=`"
            )));
        }
        if wildcard && (p.is_prerelease() || p.is_postrelease() || p.has_local()) {
            return Err(err(format!(
                "`{o}{version}`: a `.*` prefix match must follow the release numbers, \
                 not a pre, post or dev release or a local version"
            )));
        }
        if !equality && p.has_local() {
            return Err(err(format!(
                "`{o}{version}`: a local version (`+...`) is allowed only after `==` and `!=`"
            )));
        }
        if op == Pep440Op::Compatible && p.release_len() < 2 {
            return Err(err(format!(
                "`{o}{version}`: `~=` needs at least two release numbers (`~=1.0`, not `~=1`)"
            )));
        }
        Ok(Pep440Specifier {
            op,
            version: Version::Pep440(p),
            wildcard,
        })
    }

    pub fn op(&self) -> Pep440Op {
        self.op
    }

    /// The version (without a `.*`).
    pub fn version(&self) -> &Version {
        &self.version
    }

    /// Whether this is a `.*` prefix match.
    pub fn is_wildcard(&self) -> bool {
        self.wildcard
    }

    /// The versions the specifier admits. A specifier without a local
    /// label ignores the candidate's (`1.0+cu118` is `==1.0`, `<=1.0`, not
    /// `>1.0`): its locals sort between V and the next version after them.
    /// `===` is PEP 440's string equality, kept here as version equality
    /// (a set of versions cannot say "spelled `1.0`").
    pub fn range(&self) -> Result<RangeSet, RangeError> {
        let sch = VersionScheme::Pep440;
        let v = &self.version;
        // `[E!]N.N…` bumped at release number `idx`, as the lowest version
        // of its release (`.dev0`).
        let bumped = |idx: usize| -> Result<Version, RangeError> {
            let Version::Pep440(p) = v else {
                return Err(err("not a PEP 440 version"));
            };
            let (epoch, nums) = p.epoch_and_release();
            parse_v(sch, &format!("{epoch}{}.dev0", bump(&nums, idx).join(".")))
        };
        let release_len = match v {
            Version::Pep440(p) => p.release_len(),
            _ => 0,
        };
        if self.wildcard {
            let Version::Pep440(p) = v else {
                return Err(err("not a PEP 440 version"));
            };
            let (epoch, nums) = p.epoch_and_release();
            let lo = parse_v(sch, &format!("{epoch}{}.dev0", nums.join(".")))?;
            let hi = bumped(release_len.saturating_sub(1))?;
            let inside = half_open(lo, hi);
            return Ok(match self.op {
                Pep440Op::NotEqual => complement(&inside),
                _ => inside,
            });
        }
        let op = match self.op {
            Pep440Op::Compatible => {
                return Ok(half_open(v.clone(), bumped(release_len.saturating_sub(2))?));
            }
            Pep440Op::ArbitraryEqual => return Ok(op_set(Op::Eq, v.clone())),
            Pep440Op::Equal => Op::Eq,
            Pep440Op::NotEqual => Op::Ne,
            Pep440Op::LessEqual => Op::Le,
            Pep440Op::GreaterEqual => Op::Ge,
            Pep440Op::Less => Op::Lt,
            Pep440Op::Greater => Op::Gt,
        };
        Ok(match pep440_after_locals(v) {
            Some(next) => {
                let locals = half_open(v.clone(), next.clone());
                match op {
                    Op::Eq => locals,
                    Op::Ne => complement(&locals),
                    Op::Le => op_set(Op::Lt, next),
                    Op::Gt => op_set(Op::Ge, next),
                    Op::Lt | Op::Ge => op_set(op, v.clone()),
                }
            }
            None => op_set(op, v.clone()),
        })
    }
}

/// PEP 440 specifier set (comma = AND), `||` alternatives for GitLab. Each
/// clause is a [`Pep440Specifier`]; feeds' spellings that are not PEP 440
/// operators are read as the one they mean: a bare version and `=` as
/// `==`, `=>` as `>=`, `=<` as `<=`.
pub fn parse_pep440(s: &str) -> Result<RangeSet, RangeError> {
    let mut set = RangeSet::empty();
    for alt in alternatives(s, false) {
        let mut and = RangeSet::all();
        let toks = comparator_tokens(alt);
        if toks.is_empty() {
            return Err(err("empty specifier"));
        }
        for t in toks {
            let (op, ver) = split_op(&t);
            let op = match op {
                None | Some("=") => "==",
                Some("=>") => ">=",
                Some("=<") => "<=",
                Some(o) => o,
            };
            let op = Pep440Op::parse(op).ok_or_else(|| err(format!("bad operator in {t:?}")))?;
            and = and.intersect(&Pep440Specifier::parse(op, ver)?.range()?);
        }
        set = set.union(&and);
    }
    Ok(set)
}

/// Maven / NuGet interval notation: `[a,b)`, `(,b]`, `[a]`, unions by `,`.
pub fn parse_intervals(scheme: VersionScheme, s: &str) -> Result<RangeSet, RangeError> {
    let mut ivs = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        if rest.is_empty() {
            break;
        }
        let open = rest.chars().next().unwrap_or(' ');
        if open != '[' && open != '(' {
            return Err(err(format!("expected '[' or '(' at {rest:?}")));
        }
        let Some(close_at) = rest.find([']', ')']) else {
            return Err(err("unclosed interval"));
        };
        let inner = rest.get(1..close_at).unwrap_or("");
        let close = rest
            .get(close_at..)
            .and_then(|r| r.chars().next())
            .unwrap_or(')');
        rest = rest.get(close_at + 1..).unwrap_or("");
        let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
        match parts.as_slice() {
            [one] => {
                if open != '[' || close != ']' || one.is_empty() {
                    return Err(err(format!(
                        "single-version interval must be [v]: {inner:?}"
                    )));
                }
                ivs.push(Interval::point(parse_v(scheme, one)?));
            }
            [lo, hi] => {
                let lower = if lo.is_empty() {
                    Bound::Unbounded
                } else if open == '[' {
                    Bound::Inclusive(parse_v(scheme, lo)?)
                } else {
                    Bound::Exclusive(parse_v(scheme, lo)?)
                };
                let upper = if hi.is_empty() {
                    Bound::Unbounded
                } else if close == ']' {
                    Bound::Inclusive(parse_v(scheme, hi)?)
                } else {
                    Bound::Exclusive(parse_v(scheme, hi)?)
                };
                ivs.push(Interval { lower, upper });
            }
            _ => return Err(err(format!("interval with more than two ends: {inner:?}"))),
        }
    }
    if ivs.is_empty() {
        return Err(err("empty interval list"));
    }
    Ok(RangeSet::from_intervals(ivs))
}

/// Plain comparator lists (`>=1.0 <2.0`, `>= 1.2.0, < 1.10.2`), `||`
/// alternatives; a bare version means `bare` (exact, `>=`, or "fixed in" `<`).
pub fn parse_comparators(scheme: VersionScheme, s: &str, bare: Op) -> Result<RangeSet, RangeError> {
    let mut set = RangeSet::empty();
    for alt in alternatives(s, false) {
        let toks = comparator_tokens(alt);
        if toks.is_empty() {
            return Err(err("empty constraint"));
        }
        let mut and = RangeSet::all();
        for t in toks {
            let (op, ver) = split_op(&t);
            let o = match op {
                None => bare,
                Some(o) => simple_op(o).ok_or_else(|| err(format!("bad operator in {t:?}")))?,
            };
            and = and.intersect(&op_set(o, parse_v(scheme, ver)?));
        }
        set = set.union(&and);
    }
    Ok(set)
}

/// Parse `s` in the native range syntax of `scheme` (see the module docs).
pub fn parse_native(scheme: VersionScheme, s: &str) -> Result<RangeSet, RangeError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(err("empty range"));
    }
    use VersionScheme as S;
    match scheme {
        S::SemVer | S::Go | S::Pub | S::Julia => parse_node_semver(scheme, t),
        S::NuGet | S::Maven => {
            if t.starts_with('[') || t.starts_with('(') {
                let mut set = RangeSet::empty();
                for alt in alternatives(t, false) {
                    set = set.union(&parse_intervals(scheme, alt)?);
                }
                Ok(set)
            } else {
                parse_comparators(scheme, t, if scheme == S::NuGet { Op::Ge } else { Op::Eq })
            }
        }
        S::Pep440 => parse_pep440(t),
        S::RubyGems => parse_rubygems(t),
        S::Composer => parse_composer(t),
        S::Dpkg | S::Rpm | S::Apk => parse_comparators(scheme, t, Op::Lt),
        S::Cran | S::Hackage | S::Opam => parse_comparators(scheme, t, Op::Eq),
    }
}
