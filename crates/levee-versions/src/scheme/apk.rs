//! Alpine, Wolfi, Chainguard, MinimOS, Alpaquita: apk-tools version
//! ordering (`src/version.c` of apk-tools: Gentoo-style
//! `{digit}{.digit}...{letter}{_suf{#}}...{-r#}`), simulated token by
//! token exactly as `apk_version_compare` does, with digit runs of any
//! length (apk uses an `int`; we never overflow).
//!
//! apk compares strings that its own validator rejects (`apk version -t`
//! accepts them); so do we, with apk's semantics: tokens compare until one
//! side becomes invalid, then the token-type rules decide. [`ApkVersion::is_valid`]
//! reports `apk_version_validate`.

use std::cmp::Ordering;

use crate::error::{check_basic, PResult};
use crate::num::Num;

#[derive(Clone, Debug)]
pub struct ApkVersion {
    raw: Box<str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum T {
    Invalid = -1,
    DigitOrZero = 0,
    Digit = 1,
    Letter = 2,
    Suffix = 3,
    SuffixNo = 4,
    RevisionNo = 5,
    End = 6,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Val {
    /// negative value -n
    Neg(u64),
    Pos(Num),
}

impl Ord for Val {
    fn cmp(&self, o: &Self) -> Ordering {
        match (self, o) {
            (Val::Neg(a), Val::Neg(b)) => b.cmp(a),
            (Val::Neg(_), Val::Pos(_)) => Ordering::Less,
            (Val::Pos(_), Val::Neg(_)) => Ordering::Greater,
            (Val::Pos(a), Val::Pos(b)) => a.cmp(b),
        }
    }
}
impl PartialOrd for Val {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

const PRE: [&str; 4] = ["alpha", "beta", "pre", "rc"];
const POST: [&str; 5] = ["cvs", "svn", "git", "hg", "p"];

struct Blob<'a> {
    b: &'a [u8],
    s: &'a str,
    p: usize,
}

impl Blob<'_> {
    fn len(&self) -> usize {
        self.b.len().saturating_sub(self.p)
    }
    fn at(&self, k: usize) -> u8 {
        self.b.get(self.p + k).copied().unwrap_or(0)
    }
}

fn next_token(t: &mut T, blob: &mut Blob<'_>) {
    let mut n = T::Invalid;
    let c = blob.at(0);
    if blob.len() == 0 || c == 0 {
        n = T::End;
    } else if (*t == T::Digit || *t == T::DigitOrZero) && c.is_ascii_lowercase() {
        n = T::Letter;
    } else if *t == T::Letter && c.is_ascii_digit() {
        n = T::Digit;
    } else if *t == T::Suffix && c.is_ascii_digit() {
        n = T::SuffixNo;
    } else {
        match c {
            b'.' => n = T::DigitOrZero,
            b'_' => n = T::Suffix,
            b'-' => {
                if blob.len() > 1 && blob.at(1) == b'r' {
                    n = T::RevisionNo;
                    blob.p += 1;
                } else {
                    n = T::Invalid;
                }
            }
            _ => {}
        }
        blob.p += 1;
    }
    if n < *t
        && !((n == T::DigitOrZero && *t == T::Digit)
            || (n == T::Suffix && *t == T::SuffixNo)
            || (n == T::Digit && *t == T::Letter))
    {
        n = T::Invalid;
    }
    *t = n;
}

fn get_token(t: &mut T, blob: &mut Blob<'_>) -> Val {
    if blob.len() == 0 {
        *t = T::End;
        return Val::Pos(Num::ZERO);
    }
    let mut i = 0usize;
    let mut nt = T::Invalid;
    let v: Val;
    let digits = |blob: &Blob<'_>, i: &mut usize| {
        let st = blob.p + *i;
        while *i < blob.len() && blob.at(*i).is_ascii_digit() {
            *i += 1;
        }
        Val::Pos(Num::from_digits(blob.s.get(st..blob.p + *i).unwrap_or("")))
    };
    match *t {
        T::DigitOrZero if blob.at(0) == b'0' => {
            while i < blob.len() && blob.at(i) == b'0' {
                i += 1;
            }
            nt = T::Digit;
            v = Val::Neg(i as u64);
        }
        T::DigitOrZero | T::Digit | T::SuffixNo | T::RevisionNo => {
            v = digits(blob, &mut i);
        }
        T::Letter => {
            v = Val::Pos(Num::Small(u64::from(blob.at(0))));
            i = 1;
        }
        T::Suffix => {
            let rest = blob.b.get(blob.p..).unwrap_or(&[]);
            if let Some(k) = PRE.iter().position(|x| rest.starts_with(x.as_bytes())) {
                i = PRE.get(k).map_or(0, |x| x.len());
                v = Val::Neg((PRE.len() - k) as u64);
            } else if let Some(k) = POST.iter().position(|x| rest.starts_with(x.as_bytes())) {
                i = POST.get(k).map_or(0, |x| x.len());
                v = Val::Pos(Num::Small(k as u64));
            } else {
                *t = T::Invalid;
                return Val::Neg(1);
            }
        }
        T::Invalid | T::End => {
            *t = T::Invalid;
            return Val::Neg(1);
        }
    }
    blob.p += i;
    if blob.len() == 0 {
        *t = T::End;
    } else if nt != T::Invalid {
        *t = nt;
    } else {
        next_token(t, blob);
    }
    v
}

/// `apk_version_compare` on two strings.
pub fn apk_compare(a: &str, b: &str) -> Ordering {
    let mut x = Blob {
        b: a.as_bytes(),
        s: a,
        p: 0,
    };
    let mut y = Blob {
        b: b.as_bytes(),
        s: b,
        p: 0,
    };
    let (mut at, mut bt) = (T::Digit, T::Digit);
    let (mut av, mut bv) = (Val::Pos(Num::ZERO), Val::Pos(Num::ZERO));
    while at == bt && at != T::End && at != T::Invalid && av == bv {
        av = get_token(&mut at, &mut x);
        bv = get_token(&mut bt, &mut y);
    }
    match av.cmp(&bv) {
        Ordering::Equal => {}
        o => return o,
    }
    if at == bt {
        return Ordering::Equal;
    }
    let mut tt = at;
    if at == T::Suffix && get_token(&mut tt, &mut x) < Val::Pos(Num::ZERO) {
        return Ordering::Less;
    }
    let mut tt = bt;
    if bt == T::Suffix && get_token(&mut tt, &mut y) < Val::Pos(Num::ZERO) {
        return Ordering::Greater;
    }
    // apk-tools 3 treats an invalid remainder as older than any valid token
    if at == T::Invalid {
        return Ordering::Less;
    }
    if bt == T::Invalid {
        return Ordering::Greater;
    }
    bt.cmp(&at)
}

/// `apk_version_validate`.
pub fn apk_valid(s: &str) -> bool {
    let mut b = Blob {
        b: s.as_bytes(),
        s,
        p: 0,
    };
    let mut t = T::Digit;
    while t != T::End && t != T::Invalid {
        get_token(&mut t, &mut b);
    }
    t == T::End
}

impl ApkVersion {
    pub fn parse(s: &str) -> PResult<ApkVersion> {
        check_basic(s)?;
        Ok(ApkVersion { raw: s.into() })
    }
    pub fn as_str(&self) -> &str {
        &self.raw
    }
    /// Whether apk-tools itself accepts the string as a version.
    pub fn is_valid(&self) -> bool {
        apk_valid(&self.raw)
    }
    pub fn compare(&self, o: &ApkVersion) -> Ordering {
        apk_compare(&self.raw, &o.raw)
    }
}
