//! Maven: `org.apache.maven.artifact.versioning.ComparableVersion` rules.
//!
//! The string is split into tokens at `.`, `-` and digit/letter transitions
//! (a transition counts as `-`); each token remembers its separator. Known
//! qualifiers order `alpha < beta < milestone < rc = cr < snapshot < "" = ga
//! = final = release < sp`, unknown qualifiers after them (lexically);
//! `a1`/`b1`/`m1` abbreviate alpha/beta/milestone; trailing null values
//! (`0`, `""`) are trimmed before each `-`; the shorter version is padded
//! with nulls of the other's separator kind.

use std::cmp::Ordering;

use crate::error::{check_basic, PResult};
use crate::num::{is_digits, Num};

#[derive(Clone, Debug, PartialEq, Eq)]
enum Val {
    Num(Num),
    Qual(Box<str>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Tok {
    /// b'.', b'-' or 0 for the first token
    prefix: u8,
    val: Val,
    is_null: bool,
}

impl Tok {
    fn should_trim(&self) -> bool {
        match &self.val {
            Val::Num(n) => n.is_zero(),
            Val::Qual(q) => q.is_empty(),
        }
    }
    fn same(&self, o: &Tok) -> bool {
        self.prefix == o.prefix && self.val == o.val
    }
    fn qualifier_order(&self) -> u8 {
        let num = matches!(self.val, Val::Num(_));
        match (num, self.prefix) {
            (true, b'-') => 2,
            (true, _) => 3,
            (false, b'-') => 1,
            (false, _) => 0,
        }
    }
    fn less_than(&self, o: &Tok) -> bool {
        if self.prefix == o.prefix {
            match (&self.val, &o.val) {
                (Val::Num(a), Val::Num(b)) => return a < b,
                (Val::Num(_), _) if !self.is_null => return false,
                (_, Val::Num(_)) if !o.is_null => return true,
                _ => {}
            }
            let qa = qual_str(&self.val);
            let qb = qual_str(&o.val);
            let ka = keyword_order(qa);
            let kb = keyword_order(qb);
            if ka == KEYWORDS.len() && kb == KEYWORDS.len() {
                return qa < qb;
            }
            return ka < kb;
        }
        self.qualifier_order() < o.qualifier_order()
    }
}

fn qual_str(v: &Val) -> &str {
    match v {
        Val::Qual(q) => q,
        // a null numeric token padded against a qualifier reads as "0"
        Val::Num(_) => "0",
    }
}

const KEYWORDS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

fn keyword_order(k: &str) -> usize {
    KEYWORDS
        .iter()
        .position(|x| *x == k)
        .unwrap_or(KEYWORDS.len())
}

fn null_for(t: &Tok) -> Tok {
    if t.prefix == b'-' {
        Tok {
            prefix: b'-',
            val: Val::Qual("".into()),
            is_null: true,
        }
    } else {
        let val = match &t.val {
            Val::Qual(q) if &**q == "sp" => Val::Qual("".into()),
            _ => Val::Num(Num::ZERO),
        };
        Tok {
            prefix: b'.',
            val,
            is_null: true,
        }
    }
}

#[derive(Clone, Debug)]
pub struct MavenVersion {
    raw: Box<str>,
    toks: Vec<Tok>,
}

impl MavenVersion {
    pub fn parse(s: &str) -> PResult<MavenVersion> {
        check_basic(s)?;
        let mut toks: Vec<Tok> = Vec::new();
        let mut raws: Vec<(u8, &str)> = Vec::new();
        let mut st = 0;
        let mut pfx = 0u8;
        for (k, b) in s.bytes().enumerate() {
            if b == b'.' || b == b'-' {
                raws.push((pfx, s.get(st..k).unwrap_or("")));
                pfx = b;
                st = k + 1;
            }
        }
        raws.push((pfx, s.get(st..).unwrap_or("")));
        for (prefix, raw) in raws {
            // split at digit/non-digit transitions
            let mut parts: Vec<&str> = Vec::new();
            let mut st = 0;
            let rb = raw.as_bytes();
            for k in 1..rb.len() {
                let a = rb.get(k - 1).is_some_and(u8::is_ascii_digit);
                let b = rb.get(k).is_some_and(u8::is_ascii_digit);
                if a != b {
                    parts.push(raw.get(st..k).unwrap_or(""));
                    st = k;
                }
            }
            parts.push(raw.get(st..).unwrap_or(""));
            let nparts = parts.len();
            for (j, part) in parts.into_iter().enumerate() {
                let pfx = if j > 0 { b'-' } else { prefix };
                let mut cur = part.to_ascii_lowercase();
                if cur.is_empty() {
                    cur.push('0');
                }
                match cur.as_str() {
                    "cr" => cur = "rc".into(),
                    "ga" | "final" | "release" => cur.clear(),
                    _ => {}
                }
                if j + 1 < nparts {
                    match cur.as_str() {
                        "a" => cur = "alpha".into(),
                        "b" => cur = "beta".into(),
                        "m" => cur = "milestone".into(),
                        _ => {}
                    }
                }
                let val = if is_digits(&cur) {
                    Val::Num(Num::from_digits(&cur))
                } else {
                    Val::Qual(cur.into())
                };
                toks.push(Tok {
                    prefix: pfx,
                    val,
                    is_null: false,
                });
            }
        }
        // trim trailing nulls, repeated before each '-'
        let mut i = toks.len() as isize - 1;
        while i > 0 {
            let iu = i as usize;
            if toks.get(iu).is_some_and(Tok::should_trim) {
                toks.remove(iu);
                i -= 1;
                continue;
            }
            while i >= 0 && toks.get(i as usize).is_some_and(|t| t.prefix != b'-') {
                i -= 1;
            }
            i -= 1;
        }
        Ok(MavenVersion {
            raw: s.into(),
            toks,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    pub fn compare(&self, o: &MavenVersion) -> Ordering {
        if self.toks.len() == o.toks.len() && self.toks.iter().zip(&o.toks).all(|(a, b)| a.same(b))
        {
            return Ordering::Equal;
        }
        if self.less_than(o) {
            Ordering::Less
        } else if o.less_than(self) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }

    fn less_than(&self, o: &MavenVersion) -> bool {
        let n = self.toks.len().max(o.toks.len());
        for i in 0..n {
            let (l, r) = match (self.toks.get(i), o.toks.get(i)) {
                (Some(l), Some(r)) => (l.clone(), r.clone()),
                (None, Some(r)) => (null_for(r), r.clone()),
                (Some(l), None) => (l.clone(), null_for(l)),
                (None, None) => return false,
            };
            if l.same(&r) {
                continue;
            }
            return l.less_than(&r);
        }
        false
    }
}
