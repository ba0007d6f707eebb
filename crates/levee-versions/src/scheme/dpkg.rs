//! Debian and Ubuntu: dpkg version ordering (`[epoch:]upstream[-revision]`,
//! deb-version(7)), and opam, whose `OpamVersionCompare` applies the same
//! character-class comparison to the whole string.
//!
//! `verrevcmp`: alternately compare a non-digit run character by character,
//! with `~` lowest (below end of string), letters before non-letters; then a
//! digit run numerically (no overflow; any length).

use std::cmp::Ordering;

use crate::error::{check_basic, PResult, RejectKind};
use crate::num::{cmp_digits, Num};

#[derive(Clone, Debug)]
pub struct DpkgVersion {
    raw: Box<str>,
    epoch: Num,
    upstream: (usize, usize),
    revision: Option<(usize, usize)>,
}

fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp` on two strings.
pub fn verrevcmp(a: &str, b: &str) -> Ordering {
    let a = a.as_bytes();
    let b = b.as_bytes();
    let (mut i, mut j) = (0usize, 0usize);
    while i < a.len() || j < b.len() {
        let mut first_diff = 0;
        while a.get(i).is_some_and(|c| !c.is_ascii_digit())
            || b.get(j).is_some_and(|c| !c.is_ascii_digit())
        {
            let ac = order(a.get(i).copied());
            let bc = order(b.get(j).copied());
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        let si = i;
        while a.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let sj = j;
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        let da = std::str::from_utf8(a.get(si..i).unwrap_or(&[])).unwrap_or("");
        let db = std::str::from_utf8(b.get(sj..j).unwrap_or(&[])).unwrap_or("");
        let o = cmp_digits(da, db);
        if o != Ordering::Equal {
            first_diff = if o == Ordering::Less { -1 } else { 1 };
        }
        if first_diff != 0 {
            return first_diff.cmp(&0);
        }
    }
    Ordering::Equal
}

fn allowed_upstream(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '~' | ':')
}

impl DpkgVersion {
    pub fn parse(s: &str) -> PResult<DpkgVersion> {
        check_basic(s)?;
        let (epoch, up_start) = match s.find(':') {
            Some(k) => {
                let e = s.get(..k).unwrap_or("");
                if e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()) {
                    return Err((0, RejectKind::BadEpoch));
                }
                (Num::from_digits(e), k + 1)
            }
            None => (Num::ZERO, 0),
        };
        let rest = s.get(up_start..).unwrap_or("");
        if rest.is_empty() {
            return Err((up_start, RejectKind::Empty));
        }
        let (upstream, revision) = match rest.rfind('-') {
            Some(k) => {
                let rev = (up_start + k + 1, s.len());
                if rev.0 == rev.1 {
                    return Err((rev.0, RejectKind::EmptyComponent));
                }
                ((up_start, up_start + k), Some(rev))
            }
            None => ((up_start, s.len()), None),
        };
        let up = s.get(upstream.0..upstream.1).unwrap_or("");
        if up.is_empty() {
            return Err((upstream.0, RejectKind::EmptyComponent));
        }
        if !up.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            return Err((upstream.0, RejectKind::ExpectedDigit));
        }
        if let Some((i, c)) = up.char_indices().find(|(_, c)| !allowed_upstream(*c)) {
            return Err((upstream.0 + i, RejectKind::InvalidChar(c)));
        }
        if let Some((a, b)) = revision {
            let r = s.get(a..b).unwrap_or("");
            if let Some((i, c)) = r
                .char_indices()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '~')))
            {
                return Err((a + i, RejectKind::InvalidChar(c)));
            }
        }
        Ok(DpkgVersion {
            raw: s.into(),
            epoch,
            upstream,
            revision,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    fn up(&self) -> &str {
        self.raw.get(self.upstream.0..self.upstream.1).unwrap_or("")
    }

    fn rev(&self) -> &str {
        self.revision
            .and_then(|(a, b)| self.raw.get(a..b))
            .unwrap_or("")
    }

    pub fn compare(&self, o: &DpkgVersion) -> Ordering {
        self.epoch
            .cmp(&o.epoch)
            .then_with(|| verrevcmp(self.up(), o.up()))
            .then_with(|| verrevcmp(self.rev(), o.rev()))
    }
}

/// opam: `OpamVersionCompare` = dpkg's `verrevcmp` over the whole string.
#[derive(Clone, Debug)]
pub struct OpamVersion {
    raw: Box<str>,
}

impl OpamVersion {
    pub fn parse(s: &str) -> PResult<OpamVersion> {
        check_basic(s)?;
        // opam-file version syntax: letters, digits and `+-.~_`
        if let Some((i, c)) = s
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '~' | '_')))
        {
            return Err((i, RejectKind::InvalidChar(c)));
        }
        Ok(OpamVersion { raw: s.into() })
    }
    pub fn as_str(&self) -> &str {
        &self.raw
    }
    pub fn compare(&self, o: &OpamVersion) -> Ordering {
        verrevcmp(&self.raw, &o.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn dpkg_basics() {
        let p = |s: &str| DpkgVersion::parse(s).unwrap_or_else(|e| panic!("{s} {e:?}"));
        assert_eq!(p("1.0~rc1").compare(&p("1.0")), Ordering::Less);
        assert_eq!(p("1:0.1").compare(&p("2.0")), Ordering::Greater);
        assert_eq!(p("1.0-0").compare(&p("1.0")), Ordering::Equal);
        assert_eq!(p("1.0+b1").compare(&p("1.0")), Ordering::Greater);
        assert!(DpkgVersion::parse("a:1").is_err());
        assert!(DpkgVersion::parse("1.0-").is_err());
        assert_eq!(verrevcmp("1.2.3", "1.2.3"), Ordering::Equal);
    }
}
