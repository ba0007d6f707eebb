//! PyPI: PEP 440 versions (the "Version scheme" of the Python packaging
//! specifications): epochs, release segments of any length, pre/post/dev
//! releases with every normalisation the spec allows (case, `v` prefix,
//! separators `-_.`, implicit numbers, `alpha/beta/c/pre/preview/rev/r`
//! spellings, implicit post `1.0-1`), and local versions (`+ubuntu.1`).
//!
//! Non-PEP 440 ("legacy") strings are rejected, as `packaging` >= 22 does.
//! Ordering follows `packaging.version.Version._cmpkey`.

use std::cmp::Ordering;

use crate::error::{PResult, RejectKind};
use crate::num::{cmp_digits, is_digits, Num, NumList, NumRef};

/// A parsed PyPI version. Laid out compactly (a [`crate::Version`] is moved
/// by value on every parse): the epoch, pre/post/dev numbers and local
/// offsets inline when they fit (the common case), else everything in
/// [`Full`] behind a box; the accessors hide which.
#[derive(Clone, Debug)]
pub struct Pep440 {
    raw: crate::smallstr::SmallStr,
    release: NumList,
    pre_n: u64,
    post_n: u64,
    dev_n: u64,
    epoch: u32,
    /// Byte range of the local part in `raw`; `(0, 0)`: none.
    local: (u16, u16),
    /// 0 = a, 1 = b, 2 = rc, [`NO_PRE`]: none.
    pre_kind: u8,
    has_post: bool,
    has_dev: bool,
    /// When set, authoritative for everything but `raw` and `release`.
    full: Option<Box<Full>>,
}

const NO_PRE: u8 = u8::MAX;

/// Release components collected inline, spilling to a [`NumList`] past
/// four or for a number beyond `u64`.
#[derive(Default)]
struct ReleaseBuf {
    v: [u64; 4],
    n: usize,
    spill: Option<NumList>,
}

impl ReleaseBuf {
    fn push(&mut self, x: Num) {
        if let Some(list) = &mut self.spill {
            list.push(x);
            return;
        }
        if let (Num::Small(x), Some(slot)) = (&x, self.v.get_mut(self.n)) {
            *slot = *x;
            self.n += 1;
            return;
        }
        let mut list = NumList::new();
        for &y in self.v.iter().take(self.n) {
            list.push(Num::Small(y));
        }
        list.push(x);
        self.spill = Some(list);
    }

    fn finish(self) -> NumList {
        match self.spill {
            Some(list) => list,
            None => NumList::Inline {
                len: self.n as u8,
                v: self.v,
            },
        }
    }
}

/// The parts of a version that do not fit the inline fields.
#[derive(Clone, Debug)]
struct Full {
    epoch: Num,
    pre: Option<(u8, Num)>,
    post: Option<Num>,
    dev: Option<Num>,
    local: Option<(usize, usize)>,
    /// `Some` for a pre-PEP 440 "legacy" version (see [`Pep440::is_legacy`]).
    legacy: Option<Vec<Box<str>>>,
}

impl Pep440 {
    /// The compact form when every part fits it, else the boxed one.
    fn pack(
        raw: &str,
        release: NumList,
        epoch: Num,
        pre: Option<(u8, Num)>,
        post: Option<Num>,
        dev: Option<Num>,
        local: Option<(usize, usize)>,
    ) -> Pep440 {
        let small = |n: &Num| match n {
            Num::Small(v) => Some(*v),
            Num::Big(_) => None,
        };
        let e = small(&epoch).and_then(|e| u32::try_from(e).ok());
        let p = match &pre {
            None => Some((NO_PRE, 0)),
            Some((k, n)) => small(n).map(|n| (*k, n)),
        };
        let po = post.as_ref().map_or(Some(0), small);
        let d = dev.as_ref().map_or(Some(0), small);
        let l = match local {
            None => Some((0, 0)),
            Some((a, b)) => u16::try_from(a).ok().zip(u16::try_from(b).ok()),
        };
        match (e, p, po, d, l) {
            (Some(epoch), Some((pre_kind, pre_n)), Some(post_n), Some(dev_n), Some(local)) => {
                Pep440 {
                    raw: raw.into(),
                    release,
                    pre_n,
                    post_n,
                    dev_n,
                    epoch,
                    local,
                    pre_kind,
                    has_post: post.is_some(),
                    has_dev: dev.is_some(),
                    full: None,
                }
            }
            _ => Pep440::boxed(
                raw,
                release,
                Full {
                    epoch,
                    pre,
                    post,
                    dev,
                    local,
                    legacy: None,
                },
            ),
        }
    }

    fn boxed(raw: &str, release: NumList, f: Full) -> Pep440 {
        Pep440 {
            raw: raw.into(),
            release,
            pre_n: 0,
            post_n: 0,
            dev_n: 0,
            epoch: 0,
            local: (0, 0),
            pre_kind: NO_PRE,
            has_post: false,
            has_dev: false,
            full: Some(Box::new(f)),
        }
    }

    fn epoch(&self) -> NumRef<'_> {
        match &self.full {
            Some(f) => f.epoch.as_ref(),
            None => NumRef::Small(u64::from(self.epoch)),
        }
    }

    fn pre(&self) -> Option<(u8, NumRef<'_>)> {
        match &self.full {
            Some(f) => f.pre.as_ref().map(|(k, n)| (*k, n.as_ref())),
            None => (self.pre_kind != NO_PRE).then_some((self.pre_kind, NumRef::Small(self.pre_n))),
        }
    }

    fn post(&self) -> Option<NumRef<'_>> {
        match &self.full {
            Some(f) => f.post.as_ref().map(Num::as_ref),
            None => self.has_post.then_some(NumRef::Small(self.post_n)),
        }
    }

    fn dev(&self) -> Option<NumRef<'_>> {
        match &self.full {
            Some(f) => f.dev.as_ref().map(Num::as_ref),
            None => self.has_dev.then_some(NumRef::Small(self.dev_n)),
        }
    }

    fn local_range(&self) -> Option<(usize, usize)> {
        match &self.full {
            Some(f) => f.local,
            None => (self.local != (0, 0))
                .then_some((usize::from(self.local.0), usize::from(self.local.1))),
        }
    }

    fn legacy(&self) -> Option<&[Box<str>]> {
        self.full.as_ref().and_then(|f| f.legacy.as_deref())
    }
}

/// `packaging.version.LegacyVersion`'s comparison key (packaging < 22):
/// lower-cased, split into digit runs, letter runs, `.`, `-` and other runs;
/// numbers zero-padded to 8, words prefixed `*`, `pre/preview/rc → c`,
/// `dev → @`, `- → final-`, trailing `*final`, with its pruning rules.
fn legacy_key(s: &str) -> Vec<Box<str>> {
    let lower = s.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut raw: Vec<&str> = Vec::new();
    let mut i = 0;
    let mut other_start: Option<usize> = None;
    while i < b.len() {
        let c = b.get(i).copied().unwrap_or(0);
        let st = i;
        let matched = if c.is_ascii_digit() {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            true
        } else if c.is_ascii_lowercase() {
            while b.get(i).is_some_and(u8::is_ascii_lowercase) {
                i += 1;
            }
            true
        } else if c == b'.' || c == b'-' {
            i += 1;
            true
        } else {
            false
        };
        if matched {
            if let Some(o) = other_start.take() {
                raw.push(lower.get(o..st).unwrap_or(""));
            }
            raw.push(lower.get(st..i).unwrap_or(""));
        } else {
            if other_start.is_none() {
                other_start = Some(i);
            }
            // advance one whole char
            i += lower
                .get(i..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8);
        }
    }
    if let Some(o) = other_start {
        raw.push(lower.get(o..).unwrap_or(""));
    }
    let mut parts: Vec<Box<str>> = Vec::new();
    let mapped = raw.into_iter().map(|p| match p {
        "pre" | "preview" | "rc" => "c".to_string(),
        "-" => "final-".to_string(),
        "dev" => "@".to_string(),
        p => p.to_string(),
    });
    for part in mapped.chain(std::iter::once("final".to_string())) {
        if part.is_empty() || part == "." {
            continue;
        }
        let part: String = if part.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            format!("{part:0>8}")
        } else {
            format!("*{part}")
        };
        if part.starts_with('*') {
            if part.as_str() < "*final" {
                while parts.last().is_some_and(|p| &**p == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|p| &**p == "00000000") {
                parts.pop();
            }
        }
        parts.push(part.into());
    }
    parts
}

struct Cur<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).map(u8::to_ascii_lowercase)
    }
    fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).map(u8::to_ascii_lowercase)
    }
    fn digits(&mut self) -> Option<Num> {
        let st = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        if st == self.i {
            None
        } else {
            Some(Num::from_digits(self.s.get(st..self.i).unwrap_or("")))
        }
    }
    /// Case-insensitive keyword match at the cursor (without consuming).
    fn kw(&self, k: &str) -> bool {
        let n = k.len();
        match self.b.get(self.i..self.i + n) {
            Some(w) => w.eq_ignore_ascii_case(k.as_bytes()),
            None => false,
        }
    }
    fn is_sep(c: Option<u8>) -> bool {
        matches!(c, Some(b'-' | b'_' | b'.'))
    }
    /// Try `[sep]?label[sep]?digits?` for one of `labels`; returns
    /// (label index, number) on success and advances.
    fn labelled(&mut self, labels: &[(&str, u8)]) -> Option<(u8, Num)> {
        let save = self.i;
        if Self::is_sep(self.peek()) {
            self.i += 1;
        }
        // Cheap rejection: no label starts with the next letter.
        let first = self.peek();
        if !labels
            .iter()
            .any(|(lab, _)| lab.as_bytes().first().copied() == first)
        {
            self.i = save;
            return None;
        }
        for (lab, code) in labels {
            if self.kw(lab) {
                self.i += lab.len();
                // optional separator + number
                let before = self.i;
                if Self::is_sep(self.peek()) && self.peek_at(1).is_some_and(|c| c.is_ascii_digit())
                {
                    self.i += 1;
                }
                let n = match self.digits() {
                    Some(n) => n,
                    None => {
                        self.i = before;
                        Num::ZERO
                    }
                };
                return Some((*code, n));
            }
        }
        self.i = save;
        None
    }
}

const PRE: &[(&str, u8)] = &[
    ("alpha", 0),
    ("a", 0),
    ("beta", 1),
    ("b", 1),
    ("preview", 2),
    ("pre", 2),
    ("rc", 2),
    ("c", 2),
];
const POST: &[(&str, u8)] = &[("post", 0), ("rev", 0), ("r", 0)];
const DEV: &[(&str, u8)] = &[("dev", 0)];

impl Pep440 {
    /// Parse a PEP 440 version, or failing that a legacy version (any
    /// string without whitespace/control characters), which sorts below
    /// every PEP 440 version as in `packaging` < 22.
    pub fn parse(input: &str) -> PResult<Pep440> {
        match Self::parse_strict(input) {
            Ok(v) => Ok(v),
            Err(e) => {
                crate::error::check_basic(input)?;
                let _ = e;
                Ok(Pep440::boxed(
                    input,
                    NumList::new(),
                    Full {
                        epoch: Num::ZERO,
                        pre: None,
                        post: None,
                        dev: None,
                        local: None,
                        legacy: Some(legacy_key(input)),
                    },
                ))
            }
        }
    }

    /// The common forms (`[v][N!]N(.N)*[(a|b|rc)N][.postN][.devN]`, at most
    /// four release components, numbers of at most 19 digits, an epoch
    /// below 2^32, no surrounding whitespace) in one pass; `None` sends everything else to the general parser, which
    /// gives the same result for the strings accepted here.
    #[inline]
    fn parse_plain(input: &str) -> Option<Pep440> {
        let b = input.as_bytes();
        let mut i = usize::from(matches!(b.first(), Some(b'v' | b'V')));
        let mut v = [0u64; 4];
        let mut n = 0usize;
        let mut epoch = 0u32;
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
            match b.get(i) {
                Some(b'!') if n == 0 && epoch == 0 && start <= 1 => {
                    // Only before the first release component.
                    epoch = u32::try_from(x).ok()?;
                    if epoch == 0 {
                        // `0!1.0` equals `1.0`, but keep the general path
                        // for it (rare).
                        return None;
                    }
                    i += 1;
                    continue;
                }
                _ => {}
            }
            *v.get_mut(n)? = x;
            n += 1;
            if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                i += 1;
            } else {
                break;
            }
        }
        // Normalised suffixes: `(a|b|rc)N`, `.postN`, `.devN` (lower case),
        // which the general parser reads the same way.
        let num = |i: &mut usize| -> Option<u64> {
            let start = *i;
            let mut x = 0u64;
            while let Some(d) = b.get(*i).map(|c| c.wrapping_sub(b'0')).filter(|d| *d <= 9) {
                if *i - start >= 19 {
                    return None;
                }
                x = x * 10 + u64::from(d);
                *i += 1;
            }
            (*i > start).then_some(x)
        };
        let (mut pre_kind, mut pre_n) = (NO_PRE, 0);
        let kind = match b.get(i) {
            Some(b'a') => Some((0, 1)),
            Some(b'b') => Some((1, 1)),
            Some(b'r') if b.get(i + 1) == Some(&b'c') => Some((2, 2)),
            _ => None,
        };
        if let Some((k, len)) = kind {
            i += len;
            pre_n = num(&mut i)?;
            pre_kind = k;
        }
        let mut post = None;
        if b.get(i..i + 5) == Some(b".post") {
            i += 5;
            post = Some(num(&mut i)?);
        }
        let mut dev = None;
        if b.get(i..i + 4) == Some(b".dev") {
            i += 4;
            dev = Some(num(&mut i)?);
        }
        if i != b.len() {
            return None;
        }
        Some(Pep440 {
            raw: input.into(),
            release: NumList::Inline { len: n as u8, v },
            pre_n,
            post_n: post.unwrap_or(0),
            dev_n: dev.unwrap_or(0),
            epoch,
            local: (0, 0),
            pre_kind,
            has_post: post.is_some(),
            has_dev: dev.is_some(),
            full: None,
        })
    }

    /// Parse a PEP 440 version only (no legacy versions).
    pub fn parse_strict(input: &str) -> PResult<Pep440> {
        if let Some(v) = Self::parse_plain(input) {
            return Ok(v);
        }
        Self::parse_general(input)
    }

    fn parse_general(input: &str) -> PResult<Pep440> {
        if input.is_empty() {
            return Err((0, RejectKind::Empty));
        }
        // PEP 440 allows (and normalises away) surrounding whitespace. An
        // ASCII non-space byte at both ends means there is none.
        let edge = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x80);
        let (s, off) = if edge(input.as_bytes().first()) && edge(input.as_bytes().last()) {
            (input, 0)
        } else {
            (input.trim(), input.len() - input.trim_start().len())
        };
        if s.is_empty() {
            return Err((0, RejectKind::Empty));
        }
        let err = |i: usize, k: RejectKind| Err((i + off, k));
        let mut c = Cur {
            s,
            b: s.as_bytes(),
            i: 0,
        };
        if c.peek() == Some(b'v') {
            c.i += 1;
        }
        let Some(first) = c.digits() else {
            return err(c.i, RejectKind::ExpectedDigit);
        };
        let mut epoch = Num::ZERO;
        let mut release = ReleaseBuf::default();
        if c.peek() == Some(b'!') {
            epoch = first;
            c.i += 1;
            match c.digits() {
                Some(n) => release.push(n),
                None => return err(c.i, RejectKind::ExpectedDigit),
            }
        } else {
            release.push(first);
        }
        while c.peek() == Some(b'.') && c.peek_at(1).is_some_and(|d| d.is_ascii_digit()) {
            c.i += 1;
            if let Some(n) = c.digits() {
                release.push(n);
            }
        }
        let release = release.finish();
        // The common end: nothing after the release.
        if c.i == s.len() {
            return Ok(Pep440::pack(input, release, epoch, None, None, None, None));
        }
        let pre = c.labelled(PRE);
        let mut post = None;
        if c.peek() == Some(b'-') && c.peek_at(1).is_some_and(|d| d.is_ascii_digit()) {
            c.i += 1;
            post = c.digits();
        } else if let Some((_, n)) = c.labelled(POST) {
            post = Some(n);
        }
        let dev = c.labelled(DEV).map(|(_, n)| n);
        let mut local = None;
        if c.peek() == Some(b'+') {
            c.i += 1;
            let st = c.i;
            loop {
                let seg = c.i;
                while c.b.get(c.i).is_some_and(u8::is_ascii_alphanumeric) {
                    c.i += 1;
                }
                if seg == c.i {
                    return err(c.i, RejectKind::EmptyComponent);
                }
                if Cur::is_sep(c.peek()) {
                    c.i += 1;
                    continue;
                }
                break;
            }
            local = Some((st + off, c.i + off));
        }
        if c.i < s.len() {
            let ch = s.get(c.i..).and_then(|r| r.chars().next()).unwrap_or('?');
            return err(
                c.i,
                if ch.is_whitespace() {
                    RejectKind::Whitespace
                } else {
                    RejectKind::InvalidChar(ch)
                },
            );
        }
        Ok(Pep440::pack(input, release, epoch, pre, post, dev, local))
    }

    /// A pre-PEP 440 version (ordered by `LegacyVersion` rules, below all
    /// PEP 440 versions).
    pub fn is_legacy(&self) -> bool {
        self.legacy().is_some()
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    fn local_str(&self) -> Option<&str> {
        self.local_range().and_then(|(a, b)| self.raw.get(a..b))
    }

    /// Whether this is a pre-release or dev release (PEP 440 sense).
    pub fn is_prerelease(&self) -> bool {
        self.pre().is_some() || self.dev().is_some()
    }

    /// Whether this has a `.postN` segment.
    pub fn is_postrelease(&self) -> bool {
        self.post().is_some()
    }

    /// Whether this has a `.devN` segment.
    pub fn is_devrelease(&self) -> bool {
        self.dev().is_some()
    }

    /// Whether this has a `+local` label.
    pub fn has_local(&self) -> bool {
        self.local_range().is_some()
    }

    /// The number of release numbers (`1!2.0.1` has 3).
    pub fn release_len(&self) -> usize {
        self.release.len()
    }

    /// The epoch (`""` when 0, else `"N!"`) and the release numbers, in
    /// normalised text (`01!2.010` → `"1!"`, `["2", "10"]`), for
    /// specifiers that bump a release number (`~=`, `.*`).
    pub(crate) fn epoch_and_release(&self) -> (String, Vec<String>) {
        let epoch = match self.epoch() {
            NumRef::Small(0) => String::new(),
            e => format!("{}!", num_ref_str(e)),
        };
        (epoch, self.release.iter().map(num_ref_str).collect())
    }

    /// The canonical normalised form (`1.0a1.post2.dev3+local.1`).
    pub fn normalized(&self) -> String {
        let mut s = String::new();
        let epoch = self.epoch();
        if epoch != NumRef::Small(0) {
            s.push_str(&format!("{}!", num_ref_str(epoch)));
        }
        let rel: Vec<String> = self.release.iter().map(|n| num_ref_str(n)).collect();
        s.push_str(&rel.join("."));
        if let Some((k, n)) = self.pre() {
            s.push_str(match k {
                0 => "a",
                1 => "b",
                _ => "rc",
            });
            s.push_str(&num_ref_str(n));
        }
        if let Some(n) = self.post() {
            s.push_str(&format!(".post{}", num_ref_str(n)));
        }
        if let Some(n) = self.dev() {
            s.push_str(&format!(".dev{}", num_ref_str(n)));
        }
        if let Some(l) = self.local_str() {
            s.push('+');
            s.push_str(&l.to_ascii_lowercase().replace(['-', '_'], "."));
        }
        s
    }

    pub fn compare(&self, o: &Pep440) -> Ordering {
        if self.full.is_some() || o.full.is_some() {
            match (self.legacy(), o.legacy()) {
                (Some(a), Some(b)) => return a.cmp(b),
                (Some(_), None) => return Ordering::Less,
                (None, Some(_)) => return Ordering::Greater,
                (None, None) => {}
            }
        }
        self.epoch()
            .cmp(&o.epoch())
            .then_with(|| self.release.cmp_padded(&o.release))
            .then_with(|| self.pre_key().cmp(&o.pre_key()))
            .then_with(|| cmp_opt_low(self.post(), o.post()))
            .then_with(|| cmp_opt_high(self.dev(), o.dev()))
            .then_with(|| cmp_local(self.local_str(), o.local_str()))
    }

    /// (rank, kind, number): dev-only releases before any pre-release,
    /// final releases (and post-only) after.
    fn pre_key(&self) -> (u8, u8, NumRef<'_>) {
        match self.pre() {
            Some((k, n)) => (1, k, n),
            None if self.post().is_none() && self.dev().is_some() => (0, 0, NumRef::Small(0)),
            None => (2, 0, NumRef::Small(0)),
        }
    }
}

fn num_ref_str(n: NumRef<'_>) -> String {
    match n {
        NumRef::Small(v) => v.to_string(),
        NumRef::Big(s) => s.to_string(),
    }
}

/// Missing sorts lowest.
fn cmp_opt_low(a: Option<NumRef<'_>>, b: Option<NumRef<'_>>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(&y),
    }
}

/// Missing sorts highest.
fn cmp_opt_high(a: Option<NumRef<'_>>, b: Option<NumRef<'_>>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => x.cmp(&y),
    }
}

/// Local versions: absent lowest; segments split on `.-_`; numeric segments
/// compare numerically and above alphanumeric ones, which compare
/// case-insensitively; a longer list wins on a shared prefix.
fn cmp_local(a: Option<&str>, b: Option<&str>) -> Ordering {
    let (a, b) = match (a, b) {
        (None, None) => return Ordering::Equal,
        (None, Some(_)) => return Ordering::Less,
        (Some(_), None) => return Ordering::Greater,
        (Some(a), Some(b)) => (a, b),
    };
    let sep = |c: char| c == '.' || c == '-' || c == '_';
    let mut ia = a.split(sep);
    let mut ib = b.split(sep);
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let o = match (is_digits(x), is_digits(y)) {
                    (true, true) => cmp_digits(x, y),
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    (false, false) => x
                        .bytes()
                        .map(|c| c.to_ascii_lowercase())
                        .cmp(y.bytes().map(|c| c.to_ascii_lowercase())),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Pep440 {
        Pep440::parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"))
    }

    #[test]
    fn normalisation() {
        for (a, b) in [
            ("1.0ALPHA1", "1.0a1"),
            ("v1.0", "1.0"),
            ("1.0-1", "1.0.post1"),
            ("1.0.rev", "1.0.post0"),
            ("1.0-dev", "1.0.dev0"),
            ("1.0c1", "1.0rc1"),
            ("1.0_PREVIEW_2", "1.0rc2"),
            (" 1.0 ", "1.0"),
            ("1!1.0", "1!1.0.0"),
            ("1.0+UBUNTU-1", "1.0+ubuntu.1"),
        ] {
            assert_eq!(p(a).compare(&p(b)), Ordering::Equal, "{a} vs {b}");
        }
        assert_eq!(p("1.0a1").normalized(), "1.0a1");
        assert_eq!(p("1.0-1").normalized(), "1.0.post1");
    }

    /// The parts a specifier check reads, whether the version is laid out
    /// inline or (a number beyond `u64`, a long release) boxed.
    #[test]
    fn dev_local_and_release_length() {
        for (v, dev, local, len, post) in [
            ("1", false, false, 1, false),
            ("1!2.0.1", false, false, 3, false),
            ("1.0.dev1", true, false, 2, false),
            ("1.0+loc", false, true, 2, false),
            ("1.0a1.post2.dev3+ubuntu.1", true, true, 2, true),
            ("1.2.3.4.5.6.dev1", true, false, 6, false),
            ("1.99999999999999999999999+x", false, true, 2, false),
            ("99999999999999999999999.dev1", true, false, 1, false),
            ("1.0.post1", false, false, 2, true),
            ("1.0-1", false, false, 2, true),
            ("1.0rc1", false, false, 2, false),
        ] {
            let x = p(v);
            assert_eq!(
                (x.is_devrelease(), x.has_local(), x.release_len()),
                (dev, local, len),
                "{v}"
            );
            assert_eq!(x.is_postrelease(), post, "{v}");
        }
    }

    #[test]
    fn order() {
        let chain = [
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.1.dev1",
        ];
        for w in chain.windows(2) {
            if let [a, b] = w {
                assert_eq!(p(a).compare(&p(b)), Ordering::Less, "{a} < {b}");
            }
        }
        for bad in ["", "1.0-bulbasaur", "foo", "1.0+", "1.0+a..b", "1.0 beta"] {
            assert!(Pep440::parse_strict(bad).is_err(), "{bad}");
        }
        assert!(Pep440::parse("1.0 beta").is_err());
        assert!(p("0.1-bulbasaur").is_legacy());
        assert_eq!(p("0.9-doduo").compare(&p("0.1")), Ordering::Less);
        assert_eq!(
            p("0.1-bulbasaur").compare(&p("0.1-charmander")),
            Ordering::Less
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The one-pass plain-release parser agrees with the general one
        /// wherever it answers.
        #[test]
        fn plain_path_agrees(s in " ?[vV]?([0-9]{1,3}!)?([0-9]{1,3}|0{0,3}[0-9]{17,22})(\\.[0-9]{0,4}){0,5}((a|b|rc|c|alpha|A|RC|pre|-)[0-9]{0,3})?([.-]?(post|rev|r|POST)[0-9]{0,3})?([.-]?(dev|DEV)[0-9]{0,21})?(!|\\.|a1|\\+x| )?") {
            if let Some(plain) = Pep440::parse_plain(&s) {
                let general = Pep440::parse_general(&s);
                proptest::prop_assert_eq!(format!("Ok({plain:?})"), format!("{general:?}"));
            }
        }
    }
}
