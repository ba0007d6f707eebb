//! Maven: the order of Maven's own
//! `org.apache.maven.artifact.versioning.ComparableVersion`, as in
//! maven-artifact 3.9.x (the same code as 3.8.7, checked against both jars
//! with `bench/MavenOrder.java`).
//!
//! Maven parses a version into nested lists. The input is lower-cased; `.`
//! separates items of the current list; `-` starts a sub-list; a
//! letter→digit or digit→letter transition starts a sub-list too. Since
//! MNG-7644 (3.8.7 / 3.9.0) a qualifier that follows a `.` (the list is not
//! empty) and is followed by a digit or ends the version opens a sub-list of
//! its own, as if written after `-`: `1.0.RC1` = `1.0-RC1`, `1.0.x` = `1-x`.
//! A one-letter `a`/`b`/`m` followed by a digit means alpha/beta/milestone;
//! `ga`, `final` and `release` are the empty qualifier, `cr` is `rc`. Each
//! list then drops its trailing "null" items (`0`, the empty qualifier, an
//! empty sub-list), looking past a non-empty sub-list: `1-ga-1` is
//! `[1, [[1]]]`, below `1-1` = `[1, [1]]`.
//!
//! Items compare as: numbers numerically; qualifiers `alpha < beta <
//! milestone < rc < snapshot < "" < sp < anything else` (others lexically);
//! a number is above a qualifier and above a sub-list; a sub-list is above a
//! qualifier. A missing item compares as "null" (`0`, `""`, empty list).
//!
//! Because a new sub-list always becomes the last item of the current list,
//! and parsing never returns to an outer list, the nesting is a chain: it is
//! stored flat (`levels[k + 1]` is the last item of `levels[k]`) and compared
//! without recursion, so long inputs cannot overflow the stack.
//!
//! OSV: osv.dev (`osv/ecosystems/maven.py`) and osv-scalibr implement the
//! older token reading of the pom.html spec, which agrees with maven-artifact
//! 3.8.6; they differ from current Maven on dot-qualifiers (`1.0.RC1` above
//! `1.0-RC1`) and a few trimming cases. We follow Maven, which is what a Maven
//! build resolves; the shared fixture lines that encode 3.8.6 are listed in
//! `tests/fixtures/ordering-exclusions.txt`.
//!
//! Known difference: Java's `Character.isDigit` also accepts non-ASCII
//! decimal digits (Arabic-Indic, full-width, ...); here only `0-9` are
//! digits, other characters are letters.

use std::cmp::Ordering;

use crate::error::{check_basic, PResult};
use crate::num::Num;

/// Known qualifiers in order; the empty one (index [`RELEASE`]) is "null".
const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE: u8 = 5;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Qual {
    /// Index into [`QUALIFIERS`].
    Known(u8),
    /// Any other qualifier, after all known ones, ordered as Java strings.
    Other(Box<str>),
}

impl Qual {
    fn new(s: &str, followed_by_digit: bool) -> Qual {
        let s = match s {
            "a" if followed_by_digit => "alpha",
            "b" if followed_by_digit => "beta",
            "m" if followed_by_digit => "milestone",
            "ga" | "final" | "release" => "",
            "cr" => "rc",
            s => s,
        };
        match QUALIFIERS.iter().position(|q| *q == s) {
            Some(i) => Qual::Known(i as u8),
            None => Qual::Other(s.into()),
        }
    }

    fn cmp(&self, o: &Qual) -> Ordering {
        match (self, o) {
            (Qual::Known(a), Qual::Known(b)) => a.cmp(b),
            (Qual::Known(_), Qual::Other(_)) => Ordering::Less,
            (Qual::Other(_), Qual::Known(_)) => Ordering::Greater,
            // java.lang.String.compareTo: UTF-16 code units
            (Qual::Other(a), Qual::Other(b)) => a.encode_utf16().cmp(b.encode_utf16()),
        }
    }
}

/// An item that is not a sub-list.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Leaf {
    Num(Num),
    Qual(Qual),
}

impl Leaf {
    fn is_null(&self) -> bool {
        match self {
            Leaf::Num(n) => n.is_zero(),
            Leaf::Qual(q) => *q == Qual::Known(RELEASE),
        }
    }

    /// Compared with a missing item.
    fn cmp_null(&self) -> Ordering {
        match self {
            Leaf::Num(n) if n.is_zero() => Ordering::Equal,
            Leaf::Num(_) => Ordering::Greater,
            Leaf::Qual(q) => q.cmp(&Qual::Known(RELEASE)),
        }
    }

    fn cmp(&self, o: &Leaf) -> Ordering {
        match (self, o) {
            (Leaf::Num(a), Leaf::Num(b)) => a.cmp(b),
            (Leaf::Num(_), Leaf::Qual(_)) => Ordering::Greater,
            (Leaf::Qual(_), Leaf::Num(_)) => Ordering::Less,
            (Leaf::Qual(a), Leaf::Qual(b)) => a.cmp(b),
        }
    }

    /// Compared with a (non-empty) sub-list: `1.1 > 1-1`, `1-sp < 1-1`.
    fn cmp_list(&self) -> Ordering {
        match self {
            Leaf::Num(_) => Ordering::Greater,
            Leaf::Qual(_) => Ordering::Less,
        }
    }
}

/// Item `j` of the list `levels[0]`.
enum Item<'a> {
    Leaf(&'a Leaf),
    /// The sub-list `levels[1]`.
    List,
    End,
}

fn item(levels: &[Vec<Leaf>], j: usize) -> Item<'_> {
    let Some(leaves) = levels.first() else {
        return Item::End;
    };
    match leaves.get(j) {
        Some(l) => Item::Leaf(l),
        None if j == leaves.len() && levels.len() > 1 => Item::List,
        None => Item::End,
    }
}

/// `levels[0]` compared with a missing item (reversed if `reverse`).
fn cmp_null(mut levels: &[Vec<Leaf>], reverse: bool) -> Ordering {
    let mut j = 0;
    loop {
        match item(levels, j) {
            Item::End => return Ordering::Equal,
            Item::Leaf(l) => {
                let o = l.cmp_null();
                if o != Ordering::Equal {
                    return if reverse { o.reverse() } else { o };
                }
                j += 1;
            }
            Item::List => {
                levels = levels.get(1..).unwrap_or(&[]);
                j = 0;
            }
        }
    }
}

fn cmp_lists(mut a: &[Vec<Leaf>], mut b: &[Vec<Leaf>]) -> Ordering {
    let mut j = 0;
    loop {
        let o = match (item(a, j), item(b, j)) {
            (Item::End, Item::End) => return Ordering::Equal,
            (Item::Leaf(x), Item::Leaf(y)) => x.cmp(y),
            (Item::Leaf(x), Item::List) => return x.cmp_list(),
            (Item::List, Item::Leaf(y)) => return y.cmp_list().reverse(),
            (Item::Leaf(x), Item::End) => x.cmp_null(),
            (Item::End, Item::Leaf(y)) => y.cmp_null().reverse(),
            // a sub-list is always the last item: the rest is a tail call
            (Item::List, Item::List) => {
                a = a.get(1..).unwrap_or(&[]);
                b = b.get(1..).unwrap_or(&[]);
                j = 0;
                continue;
            }
            (Item::List, Item::End) => return cmp_null(a.get(1..).unwrap_or(&[]), false),
            (Item::End, Item::List) => return cmp_null(b.get(1..).unwrap_or(&[]), true),
        };
        if o != Ordering::Equal {
            return o;
        }
        j += 1;
    }
}

#[derive(Clone, Debug)]
pub struct MavenVersion {
    raw: Box<str>,
    /// `levels[0]` is the version's list; `levels[k + 1]`, when present, is
    /// the last item of `levels[k]`.
    levels: Vec<Vec<Leaf>>,
}

fn parse_item(is_digit: bool, s: &str) -> Leaf {
    if is_digit {
        Leaf::Num(Num::from_digits(s))
    } else {
        Leaf::Qual(Qual::new(s, false))
    }
}

impl MavenVersion {
    pub fn parse(s: &str) -> PResult<MavenVersion> {
        check_basic(s)?;
        let v = s.to_lowercase();
        let mut levels: Vec<Vec<Leaf>> = vec![Vec::new()];
        fn push(levels: &mut [Vec<Leaf>], l: Leaf) {
            if let Some(cur) = levels.last_mut() {
                cur.push(l);
            }
        }
        fn cur_is_empty(levels: &[Vec<Leaf>]) -> bool {
            levels.last().is_none_or(Vec::is_empty)
        }
        let mut is_digit = false;
        let mut start = 0;
        for (i, c) in v.char_indices() {
            let part = v.get(start..i).unwrap_or("");
            if c == '.' || c == '-' {
                if i == start {
                    push(&mut levels, Leaf::Num(Num::ZERO));
                } else {
                    push(&mut levels, parse_item(is_digit, part));
                }
                start = i + 1;
                if c == '-' {
                    levels.push(Vec::new());
                }
            } else if c.is_ascii_digit() {
                if !is_digit && i > start {
                    // MNG-7644: `.X1` reads as `-X1`
                    if !cur_is_empty(&levels) {
                        levels.push(Vec::new());
                    }
                    push(&mut levels, Leaf::Qual(Qual::new(part, true)));
                    start = i;
                    levels.push(Vec::new());
                }
                is_digit = true;
            } else {
                if is_digit && i > start {
                    push(&mut levels, parse_item(true, part));
                    start = i;
                    levels.push(Vec::new());
                }
                is_digit = false;
            }
        }
        if v.len() > start {
            // MNG-7644: a trailing `.X` reads as `-X`
            if !is_digit && !cur_is_empty(&levels) {
                levels.push(Vec::new());
            }
            push(
                &mut levels,
                parse_item(is_digit, v.get(start..).unwrap_or("")),
            );
        }
        // normalize, innermost list first: drop trailing nulls (looking past
        // a non-empty sub-list), then the list itself if it became empty
        for k in (0..levels.len()).rev() {
            let has_sub = k + 1 < levels.len();
            if let Some(leaves) = levels.get_mut(k) {
                while leaves.last().is_some_and(Leaf::is_null) {
                    leaves.pop();
                }
                if k > 0 && !has_sub && leaves.is_empty() {
                    levels.pop();
                }
            }
        }
        Ok(MavenVersion {
            raw: s.into(),
            levels,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    pub fn compare(&self, o: &MavenVersion) -> Ordering {
        cmp_lists(&self.levels, &o.levels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(s: &str) -> Vec<Vec<Leaf>> {
        MavenVersion::parse(s)
            .unwrap_or_else(|e| panic!("{e:?}"))
            .levels
    }

    #[test]
    fn nesting_is_flat_and_normalized() {
        let n = |v| Leaf::Num(Num::Small(v));
        let q = |s: &str| Leaf::Qual(Qual::new(s, false));
        // Maven prints these as [1, [rc, [1]]], [1, [[1]]], [1, 0, 1]
        assert_eq!(
            levels("1.0.RC1"),
            vec![vec![n(1)], vec![q("rc")], vec![n(1)]]
        );
        assert_eq!(levels("1-ga-1"), vec![vec![n(1)], vec![], vec![n(1)]]);
        assert_eq!(levels("1.0.1"), vec![vec![n(1), n(0), n(1)]]);
        assert_eq!(levels("1.0.0-0.0.0"), vec![vec![n(1)]]);
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let a = "1-".repeat(200_000) + "1";
        let b = "1-".repeat(200_000) + "2";
        let (a, b) = (
            MavenVersion::parse(&a).unwrap_or_else(|e| panic!("{e:?}")),
            MavenVersion::parse(&b).unwrap_or_else(|e| panic!("{e:?}")),
        );
        assert_eq!(a.compare(&b), Ordering::Less);
        let c = MavenVersion::parse("1").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(a.compare(&c), Ordering::Greater);
        assert_eq!(c.compare(&a), Ordering::Less);
    }
}
