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
use crate::num::{cmp_identifiers_bytes, Num, NumList};

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
    #[inline]
    pub fn parse(s: &str) -> PResult<SemVer> {
        match Self::parse_fast(s) {
            Some(v) => Ok(v),
            None => Self::parse_general(s),
        }
    }

    /// The common case in one pass: at most four numeric components of at
    /// most 19 digits (so they fit a `u64` without overflow checks), then
    /// the pre-release and build parts. `None` sends every other string,
    /// valid or not, to [`SemVer::parse_general`], which gives the same
    /// result for the strings accepted here (and the error for the others).
    /// The accepted bytes are printable non-space ASCII, so `check_basic`
    /// holds.
    #[inline]
    fn parse_fast(s: &str) -> Option<SemVer> {
        let b = s.as_bytes();
        let mut i = usize::from(matches!(b.first(), Some(b'v' | b'V')));
        let mut v = [0u64; 4];
        let mut n = 0usize;
        loop {
            let start = i;
            let mut x = 0u64;
            while let Some(d) = b.get(i).map(|c| c.wrapping_sub(b'0')).filter(|d| *d <= 9) {
                if i - start >= 19 {
                    return None;
                }
                x = x * 10 + u64::from(d);
                i += 1;
            }
            if i == start {
                return None;
            }
            *v.get_mut(n)? = x;
            n += 1;
            if b.get(i) == Some(&b'.') {
                i += 1;
            } else {
                break;
            }
        }
        let mut pre = None;
        let mut build = None;
        if b.get(i) == Some(&b'-') {
            let start = i + 1;
            i = scan_idents(s, start, false).ok()?;
            pre = Some((start, i));
        }
        if b.get(i) == Some(&b'+') {
            let start = i + 1;
            i = scan_idents(s, start, true).ok()?;
            build = Some((start, i));
        }
        if i != b.len() {
            return None;
        }
        Some(SemVer {
            raw: s.into(),
            nums: NumList::Inline { len: n as u8, v },
            pre,
            build,
        })
    }

    fn parse_general(s: &str) -> PResult<SemVer> {
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

    fn part(&self, r: Option<(usize, usize)>) -> Option<&[u8]> {
        r.and_then(|(a, b)| self.raw.as_bytes().get(a..b))
    }

    pub fn compare(&self, other: &SemVer, flavor: SemVerFlavor) -> Ordering {
        let o = self.nums.cmp_padded(&other.nums);
        if o != Ordering::Equal {
            return o;
        }
        let o = match (self.part(self.pre), other.part(other.pre)) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(a), Some(b)) => cmp_identifiers_bytes(a, b, flavor == SemVerFlavor::NuGet),
        };
        if o != Ordering::Equal || flavor != SemVerFlavor::BuildOrdered {
            return o;
        }
        match (self.part(self.build), other.part(other.build)) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(a), Some(b)) => cmp_identifiers_bytes(a, b, false),
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The one-pass parser agrees with the general one wherever it
        /// answers.
        #[test]
        fn fast_path_agrees(s in "[vV]?([0-9]{1,3}|0{0,3}[0-9]{17,22})(\\.[0-9]{0,4}){0,5}(-[0-9A-Za-z.-]{0,6})?(\\+[0-9A-Za-z.-]{0,6})?[ _a.]?") {
            if let Some(fast) = SemVer::parse_fast(&s) {
                let general = SemVer::parse_general(&s);
                proptest::prop_assert_eq!(format!("Ok({fast:?})"), format!("{general:?}"));
            }
        }
    }
}
