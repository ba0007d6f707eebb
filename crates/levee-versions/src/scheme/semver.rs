//! SemVer 2.0 and its close relatives: npm, crates.io, Go, Hex, Bitnami,
//! SwiftURL, ... (flavour [`SemVerFlavor::Standard`]), NuGet (four numeric
//! parts, case-insensitive pre-release), and Pub / Julia, whose tools order
//! build metadata (`1.0.0 < 1.0.0+1 < 1.0.0+2`), which SemVer ignores.
//!
//! Accepted syntax (lenient where real data is): optional `v`/`V`, one or
//! more numeric components (leading zeros allowed, missing ones read as 0,
//! more than three compared numerically), `-pre.release` identifiers
//! `[0-9A-Za-z-]`, `+build` identifiers `[0-9A-Za-z-]`.

use std::cmp::Ordering;

use crate::error::{check_basic, PResult, RejectKind};
use crate::num::{cmp_identifiers, Num, NumList};

/// Which tool's rules decide the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SemVerFlavor {
    /// SemVer 2.0 precedence: build metadata ignored.
    Standard,
    /// NuGet: like Standard but pre-release labels compare case-insensitively.
    NuGet,
    /// Pub (`pub_semver`) and Julia (`VersionNumber`): build metadata is
    /// ordered like a pre-release list, and a version without build metadata
    /// sorts before one with it.
    BuildOrdered,
}

/// A parsed SemVer-family version.
#[derive(Clone, Debug)]
pub struct SemVer {
    raw: crate::smallstr::SmallStr,
    nums: NumList,
    pre: Option<(usize, usize)>,
    build: Option<(usize, usize)>,
}

fn ident_ok(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

impl SemVer {
    pub fn parse(s: &str) -> PResult<SemVer> {
        check_basic(s)?;
        let bytes = s.as_bytes();
        let mut i = 0;
        if matches!(bytes.first(), Some(b'v' | b'V')) {
            i = 1;
        }
        let mut nums = NumList::new();
        loop {
            let start = i;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return Err((
                    i,
                    if bytes.get(i) == Some(&b'.') || start == bytes.len() {
                        if nums.is_empty() {
                            RejectKind::ExpectedDigit
                        } else {
                            RejectKind::EmptyComponent
                        }
                    } else {
                        match s.get(i..).and_then(|r| r.chars().next()) {
                            Some(c) if nums.is_empty() => {
                                let _ = c;
                                RejectKind::ExpectedDigit
                            }
                            Some(c) => RejectKind::InvalidChar(c),
                            None => RejectKind::ExpectedDigit,
                        }
                    },
                ));
            }
            nums.push(Num::from_digits(s.get(start..i).unwrap_or("")));
            if bytes.get(i) == Some(&b'.') {
                i += 1;
                continue;
            }
            break;
        }
        let mut pre = None;
        let mut build = None;
        if bytes.get(i) == Some(&b'-') {
            let start = i + 1;
            i = scan_idents(s, start, false)?;
            pre = Some((start, i));
        }
        if bytes.get(i) == Some(&b'+') {
            let start = i + 1;
            i = scan_idents(s, start, true)?;
            build = Some((start, i));
        }
        if i < bytes.len() {
            let c = s.get(i..).and_then(|r| r.chars().next()).unwrap_or('?');
            return Err((i, RejectKind::InvalidChar(c)));
        }
        Ok(SemVer {
            raw: s.into(),
            nums,
            pre,
            build,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The pre-release text after `-`, if any.
    pub fn pre(&self) -> Option<&str> {
        self.pre.and_then(|(a, b)| self.raw.get(a..b))
    }

    /// The build metadata after `+`, if any.
    pub fn build(&self) -> Option<&str> {
        self.build.and_then(|(a, b)| self.raw.get(a..b))
    }

    /// Numeric components as written.
    pub fn components(&self) -> &NumList {
        &self.nums
    }

    pub fn compare(&self, other: &SemVer, flavor: SemVerFlavor) -> Ordering {
        let o = self.nums.cmp_padded(&other.nums);
        if o != Ordering::Equal {
            return o;
        }
        let o = match (self.pre(), other.pre()) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(a), Some(b)) => cmp_identifiers(a, b, flavor == SemVerFlavor::NuGet),
        };
        if o != Ordering::Equal || flavor != SemVerFlavor::BuildOrdered {
            return o;
        }
        match (self.build(), other.build()) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(a), Some(b)) => cmp_identifiers(a, b, false),
        }
    }
}

/// Scan dot-separated identifiers starting at `start`; returns the end index.
fn scan_idents(s: &str, start: usize, allow_dot_end: bool) -> PResult<usize> {
    let _ = allow_dot_end;
    let bytes = s.as_bytes();
    let mut i = start;
    loop {
        let id_start = i;
        while bytes.get(i).copied().is_some_and(ident_ok) {
            i += 1;
        }
        if i == id_start {
            return Err((i, RejectKind::EmptyComponent));
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            continue;
        }
        return Ok(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str, f: SemVerFlavor) -> Ordering {
        SemVer::parse(a)
            .unwrap_or_else(|e| panic!("{a}: {e:?}"))
            .compare(
                &SemVer::parse(b).unwrap_or_else(|e| panic!("{b}: {e:?}")),
                f,
            )
    }

    #[test]
    fn basics() {
        use SemVerFlavor::*;
        assert_eq!(cmp("1.0.0-alpha", "1.0.0", Standard), Ordering::Less);
        assert_eq!(cmp("1.0.0+a", "1.0.0+b", Standard), Ordering::Equal);
        assert_eq!(cmp("1.0.0+a", "1.0.0+b", BuildOrdered), Ordering::Less);
        assert_eq!(cmp("1.0.0", "1.0.0+0", BuildOrdered), Ordering::Less);
        assert_eq!(cmp("1.0.0-BETA", "1.0.0-beta", NuGet), Ordering::Equal);
        assert_eq!(cmp("1.0", "1.0.0.0", NuGet), Ordering::Equal);
        assert_eq!(cmp("1.2.3.4", "1.2.3.5", Standard), Ordering::Less);
        for bad in [
            "", "a", "1.", "1..2", "1.0-", "1.0+", "1.0-a..b", "1 .0", "1.0_1",
        ] {
            assert!(SemVer::parse(bad).is_err(), "{bad}");
        }
    }
}
