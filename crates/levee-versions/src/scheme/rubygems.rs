//! RubyGems: `Gem::Version` ordering. A version is split into segments at
//! `.` and at digit/letter transitions; `-` means `.pre.`; the segments
//! before the first letter are the release, the rest the pre-release, each
//! with trailing zeros dropped; numbers beat strings (`1.0 > 1.0.a`),
//! strings compare lexically, missing segments read as `0`.

use std::cmp::Ordering;

use crate::error::{check_basic, PResult, RejectKind};
use crate::num::{cmp_digits, is_digits};

#[derive(Clone, Debug)]
pub struct GemVersion {
    raw: Box<str>,
    /// canonical segments (numbers without leading zeros)
    segs: Vec<Box<str>>,
}

impl GemVersion {
    pub fn parse(s: &str) -> PResult<GemVersion> {
        check_basic(s)?;
        let b = s.as_bytes();
        if !b.first().is_some_and(u8::is_ascii_digit) {
            return Err((0, RejectKind::ExpectedDigit));
        }
        if let Some((i, c)) = s
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '.' || *c == '-'))
        {
            return Err((i, RejectKind::InvalidChar(c)));
        }
        let norm = s.replace('-', ".pre.");
        let mut segs: Vec<Box<str>> = Vec::new();
        for part in norm.split('.') {
            if part.is_empty() {
                return Err((0, RejectKind::EmptyComponent));
            }
            let pb = part.as_bytes();
            let mut st = 0;
            for k in 1..pb.len() {
                let x = pb.get(k - 1).is_some_and(u8::is_ascii_digit);
                let y = pb.get(k).is_some_and(u8::is_ascii_digit);
                if x != y {
                    segs.push(canon(part.get(st..k).unwrap_or("")));
                    st = k;
                }
            }
            segs.push(canon(part.get(st..).unwrap_or("")));
        }
        // split release / prerelease, drop trailing zeros of each
        let first_str = segs
            .iter()
            .position(|x| !is_digits(x))
            .unwrap_or(segs.len());
        let mut rel: Vec<Box<str>> = segs.get(..first_str).unwrap_or(&[]).to_vec();
        let mut pre: Vec<Box<str>> = segs.get(first_str..).unwrap_or(&[]).to_vec();
        while rel.last().is_some_and(|x| &**x == "0") {
            rel.pop();
        }
        while pre.last().is_some_and(|x| &**x == "0") {
            pre.pop();
        }
        rel.extend(pre);
        Ok(GemVersion {
            raw: s.into(),
            segs: rel,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Whether the version has a letter segment (a RubyGems pre-release).
    pub fn is_prerelease(&self) -> bool {
        self.segs.iter().any(|x| !is_digits(x))
    }

    /// Release segments (numeric prefix), for `~>` bounds.
    pub fn release_segments(&self) -> Vec<&str> {
        self.segs
            .iter()
            .take_while(|x| is_digits(x))
            .map(|x| &**x)
            .collect()
    }

    pub fn compare(&self, o: &GemVersion) -> Ordering {
        let n = self.segs.len().max(o.segs.len());
        for i in 0..n {
            let a = self.segs.get(i).map(|x| &**x).unwrap_or("0");
            let b = o.segs.get(i).map(|x| &**x).unwrap_or("0");
            let r = match (is_digits(a), is_digits(b)) {
                (true, true) => cmp_digits(a, b),
                (false, false) => a.cmp(b),
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
            };
            if r != Ordering::Equal {
                return r;
            }
        }
        Ordering::Equal
    }
}

fn canon(seg: &str) -> Box<str> {
    if is_digits(seg) {
        let t = seg.trim_start_matches('0');
        if t.is_empty() {
            "0".into()
        } else {
            t.into()
        }
    } else {
        seg.into()
    }
}
