//! Purely numeric dotted versions.
//!
//! - CRAN and Bioconductor (R `package_version`): non-negative integers
//!   separated by `.` or `-`; compared component-wise, a longer version
//!   wins on a shared prefix (`0.1.0 < 0.1.0.0`), leading zeros ignored.
//! - Hackage and GHC (Haskell `Data.Version`): integers separated by `.`,
//!   same lexicographic rule.

use std::cmp::Ordering;

use crate::error::{check_basic, PResult, RejectKind};
use crate::num::{Num, NumList};

#[derive(Clone, Debug)]
pub struct NumericVersion {
    raw: Box<str>,
    nums: NumList,
}

impl NumericVersion {
    /// Parse with the given separator set (`.-` for CRAN, `.` for Hackage).
    pub fn parse(s: &str, dash_too: bool) -> PResult<NumericVersion> {
        check_basic(s)?;
        let b = s.as_bytes();
        let mut nums = NumList::new();
        let mut i = 0;
        loop {
            let st = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if st == i {
                return Err((
                    i,
                    match s.get(i..).and_then(|r| r.chars().next()) {
                        Some('.') | Some('-') | None if !nums.is_empty() => {
                            RejectKind::EmptyComponent
                        }
                        Some(c) if !nums.is_empty() => RejectKind::InvalidChar(c),
                        _ => RejectKind::ExpectedDigit,
                    },
                ));
            }
            nums.push(Num::from_digits(s.get(st..i).unwrap_or("")));
            match b.get(i) {
                None => break,
                Some(b'.') => i += 1,
                Some(b'-') if dash_too => i += 1,
                Some(_) => {
                    let c = s.get(i..).and_then(|r| r.chars().next()).unwrap_or('?');
                    return Err((i, RejectKind::InvalidChar(c)));
                }
            }
        }
        Ok(NumericVersion {
            raw: s.into(),
            nums,
        })
    }
    pub fn as_str(&self) -> &str {
        &self.raw
    }
    pub fn components(&self) -> &NumList {
        &self.nums
    }
    pub fn compare(&self, o: &NumericVersion) -> Ordering {
        self.nums.cmp_strict(&o.nums)
    }
}
