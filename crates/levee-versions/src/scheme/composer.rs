//! Packagist (Composer): PHP `version_compare()` ordering, with a leading
//! `v` dropped as Composer does. The version is canonicalised (`-_+` and
//! other non-alphanumerics become `.`, a `.` is inserted at each
//! digit/letter transition, empty parts vanish); parts compare as numbers,
//! or by the special-form order `dev < alpha = a < beta = b < RC = rc < #
//! (number) < pl = p`, unknown words lowest (prefix match, as PHP does).
//!
//! One deliberate deviation keeps the order total: PHP compares a number
//! equal to any word starting with `#`; here the number is greater. The
//! result is the lexicographic order of the parts padded with `#`, with
//! `words < dev < alpha < beta < RC < # < numbers < pl`.

use std::cmp::Ordering;

use crate::error::{check_basic, PResult};
use crate::num::{cmp_digits, is_digits};

#[derive(Clone, Debug)]
pub struct ComposerVersion {
    raw: Box<str>,
    parts: Vec<(usize, usize)>,
}

fn weight(p: &str) -> i8 {
    const FORMS: [(&str, i8); 10] = [
        ("dev", 0),
        ("alpha", 1),
        ("a", 1),
        ("beta", 2),
        ("b", 2),
        ("RC", 3),
        ("rc", 3),
        ("#", 4),
        ("pl", 5),
        ("p", 5),
    ];
    for (f, w) in FORMS {
        if p.starts_with(f) {
            return w;
        }
    }
    -1
}

fn cmp_part(a: &str, b: &str) -> Ordering {
    match (is_digits(a), is_digits(b)) {
        (true, true) => cmp_digits(a, b),
        (false, false) => weight(a).cmp(&weight(b)),
        // PHP says a number equals any `#…` word, which is not transitive
        // (`1.2.3.# = 1.2.3.1` and `= 1.2.3.2`); here numbers rank above it.
        (true, false) => weight("#").cmp(&weight(b)).then(Ordering::Greater),
        (false, true) => weight(a).cmp(&weight("#")).then(Ordering::Less),
    }
}

impl ComposerVersion {
    pub fn parse(s: &str) -> PResult<ComposerVersion> {
        check_basic(s)?;
        let start = usize::from(matches!(s.as_bytes().first(), Some(b'v' | b'V')));
        let b = s.as_bytes();
        let mut parts = Vec::new();
        let mut st: Option<usize> = None;
        let class = |c: u8| -> u8 {
            match c {
                b'.' | b'-' | b'_' | b'+' => 0,
                c if c.is_ascii_digit() => 1,
                _ => 2,
            }
        };
        let mut i = start;
        while i < b.len() {
            let c = class(b.get(i).copied().unwrap_or(b'.'));
            match (st, c) {
                (Some(p), 0) => {
                    parts.push((p, i));
                    st = None;
                }
                (Some(p), c) => {
                    if class(b.get(i - 1).copied().unwrap_or(b'.')) != c {
                        parts.push((p, i));
                        st = Some(i);
                    }
                }
                (None, 0) => {}
                (None, _) => st = Some(i),
            }
            i += 1;
        }
        if let Some(p) = st {
            parts.push((p, b.len()));
        }
        Ok(ComposerVersion {
            raw: s.into(),
            parts,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    fn part(&self, i: usize) -> Option<&str> {
        self.parts.get(i).and_then(|(a, b)| self.raw.get(*a..*b))
    }

    fn parts(&self) -> Vec<&str> {
        (0..self.parts.len()).filter_map(|i| self.part(i)).collect()
    }

    pub fn compare(&self, o: &ComposerVersion) -> Ordering {
        cmp_parts(&self.parts(), &o.parts())
    }
}

fn cmp_parts(a: &[&str], b: &[&str]) -> Ordering {
    for (x, y) in a.iter().zip(b.iter()) {
        let r = cmp_part(x, y);
        if r != Ordering::Equal {
            return r;
        }
    }
    let n = a.len().min(b.len());
    match a.len().cmp(&b.len()) {
        Ordering::Equal => Ordering::Equal,
        Ordering::Greater => {
            let rest = a.get(n..).unwrap_or(&[]);
            if rest.first().is_some_and(|x| is_digits(x)) {
                Ordering::Greater
            } else {
                cmp_parts(rest, &["#"])
            }
        }
        Ordering::Less => {
            let rest = b.get(n..).unwrap_or(&[]);
            if rest.first().is_some_and(|x| is_digits(x)) {
                Ordering::Less
            } else {
                cmp_parts(&["#"], rest)
            }
        }
    }
}
