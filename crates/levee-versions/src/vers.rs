//! `vers:` version range specifiers (purl-spec VERS), both ways:
//! `vers:npm/>=1.0.0|<2.0.0|3.1.0` ↔ [`RangeSet`].

use crate::native::{op_set, Op};
use crate::range::{Bound, RangeError, RangeSet};
use crate::scheme::{Version, VersionScheme};

fn err(reason: impl Into<String>) -> RangeError {
    RangeError {
        path: "vers".into(),
        reason: reason.into(),
    }
}

/// The version scheme of a `vers` versioning scheme name.
pub fn vers_scheme(name: &str) -> Option<VersionScheme> {
    use VersionScheme as S;
    Some(match name.to_ascii_lowercase().as_str() {
        "npm" | "cargo" | "hex" | "semver" | "github" | "conan" | "swift" | "bitnami"
        | "generic" => S::SemVer,
        "golang" | "go" => S::Go,
        "nuget" => S::NuGet,
        "pub" => S::Pub,
        "julia" => S::Julia,
        "pypi" => S::Pep440,
        "maven" => S::Maven,
        "gem" | "rubygems" => S::RubyGems,
        "composer" | "packagist" => S::Composer,
        "deb" | "debian" | "ubuntu" => S::Dpkg,
        "rpm" => S::Rpm,
        "apk" | "alpine" => S::Apk,
        "cran" => S::Cran,
        "hackage" => S::Hackage,
        "opam" => S::Opam,
        _ => return None,
    })
}

/// The preferred `vers` scheme name for a version scheme.
pub fn vers_name(scheme: VersionScheme) -> &'static str {
    use VersionScheme as S;
    match scheme {
        S::SemVer => "semver",
        S::Go => "golang",
        S::NuGet => "nuget",
        S::Pub => "pub",
        S::Julia => "julia",
        S::Pep440 => "pypi",
        S::Maven => "maven",
        S::RubyGems => "gem",
        S::Composer => "composer",
        S::Dpkg => "deb",
        S::Rpm => "rpm",
        S::Apk => "apk",
        S::Cran => "cran",
        S::Hackage => "hackage",
        S::Opam => "opam",
    }
}

fn pct_decode(s: &str) -> Result<String, RangeError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .ok_or_else(|| err("truncated %-escape"))?;
            let v = u8::from_str_radix(hex, 16).map_err(|_| err(format!("bad %-escape %{hex}")))?;
            out.push(v);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| err("%-escapes are not UTF-8"))
}

fn pct_encode(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' | '|' | '<' | '>' | '=' | '!' | '*' | ' ' => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    o.push_str(&format!("%{b:02X}"));
                }
            }
            _ => o.push(c),
        }
    }
    o
}

/// Parse a `vers:` URI into its scheme and range set.
pub fn parse_vers(s: &str) -> Result<(VersionScheme, RangeSet), RangeError> {
    let rest = s
        .strip_prefix("vers:")
        .ok_or_else(|| err("must start with \"vers:\""))?;
    let (name, constraints) = rest
        .split_once('/')
        .ok_or_else(|| err("missing '/' after the versioning scheme"))?;
    let scheme =
        vers_scheme(name).ok_or_else(|| err(format!("unknown versioning scheme {name:?}")))?;
    let constraints: String = constraints.chars().filter(|c| !c.is_whitespace()).collect();
    if constraints.is_empty() {
        return Err(err("no constraints"));
    }
    if constraints == "*" {
        return Ok((scheme, RangeSet::all()));
    }
    let mut items: Vec<(Op, Version)> = Vec::new();
    for c in constraints.split('|') {
        if c.is_empty() {
            return Err(err("empty constraint"));
        }
        let (op, v) = if let Some(r) = c.strip_prefix(">=") {
            (Op::Ge, r)
        } else if let Some(r) = c.strip_prefix("<=") {
            (Op::Le, r)
        } else if let Some(r) = c.strip_prefix("!=") {
            (Op::Ne, r)
        } else if let Some(r) = c.strip_prefix('>') {
            (Op::Gt, r)
        } else if let Some(r) = c.strip_prefix('<') {
            (Op::Lt, r)
        } else if let Some(r) = c.strip_prefix('=') {
            (Op::Eq, r)
        } else {
            (Op::Eq, c)
        };
        let v = pct_decode(v)?;
        let v = Version::parse(scheme, &v).map_err(|e| err(e.to_string()))?;
        items.push((op, v));
    }
    crate::sort::sort_by(&mut items, |a, b| a.1.cmp(&b.1));
    // VERS algorithm: walk sorted constraints, pairing lower and upper bounds.
    let mut set = RangeSet::empty();
    let mut excluded = Vec::new();
    // A version named by an equality comparator (`=`, `<=`, `>=`) is in the
    // range even when a `!=` names it too: the spec tests equality first.
    let mut named: Vec<Version> = Vec::new();
    let mut lower: Option<(Op, Version)> = None;
    for (op, v) in items {
        if matches!(op, Op::Eq | Op::Le | Op::Ge) {
            named.push(v.clone());
        }
        match op {
            Op::Eq => set = set.union(&op_set(Op::Eq, v)),
            Op::Ne => excluded.push(v),
            Op::Gt | Op::Ge => {
                if lower.is_none() {
                    lower = Some((op, v));
                }
            }
            Op::Lt | Op::Le => {
                let up = op_set(op, v);
                let part = match lower.take() {
                    Some((lo, lv)) => op_set(lo, lv).intersect(&up),
                    None => up,
                };
                set = set.union(&part);
            }
        }
    }
    if let Some((lo, lv)) = lower {
        set = set.union(&op_set(lo, lv));
    }
    if !excluded.is_empty() && set.is_empty() {
        set = RangeSet::all();
    }
    for v in excluded {
        if !named.contains(&v) {
            set = set.except_point(&v);
        }
    }
    Ok((scheme, set))
}

/// Render a range set as a `vers:` URI. The empty set has no `vers:`
/// spelling (it comes out as `vers:<scheme>/`, which [`parse_vers`]
/// refuses): check [`RangeSet::is_empty`] first.
pub fn to_vers(scheme: VersionScheme, set: &RangeSet) -> String {
    let mut parts: Vec<String> = Vec::new();
    for iv in set.intervals() {
        match (&iv.lower, &iv.upper) {
            (Bound::Unbounded, Bound::Unbounded) => return format!("vers:{}/*", vers_name(scheme)),
            (Bound::Inclusive(a), Bound::Inclusive(b)) if a == b => {
                parts.push(pct_encode(a.as_str()))
            }
            (lo, hi) => {
                match lo {
                    Bound::Unbounded => {}
                    Bound::Inclusive(v) => parts.push(format!(">={}", pct_encode(v.as_str()))),
                    Bound::Exclusive(v) => parts.push(format!(">{}", pct_encode(v.as_str()))),
                }
                match hi {
                    Bound::Unbounded => {}
                    Bound::Inclusive(v) => parts.push(format!("<={}", pct_encode(v.as_str()))),
                    Bound::Exclusive(v) => parts.push(format!("<{}", pct_encode(v.as_str()))),
                }
            }
        }
    }
    format!("vers:{}/{}", vers_name(scheme), parts.join("|"))
}
