//! A hand-written reader for the small subset of TOML that RustSec
//! advisory-db front matter uses.
//!
//! Why hand-written: `toml` + serde (building a document, then deserializing
//! `Front`) took about 4.5 µs of the ~6.7 µs `compile_md` spent per advisory
//! of the shared advisory-db, the dominant CPU cost of a cold
//! `levee scan --advisories advisory-db`. This reader borrows from the text,
//! allocates only the strings that end up in the `CompiledAdvisory`, and
//! takes ~0.6 µs (see BENCHMARKS.md, "RustSec front matter: hand-written
//! fast path").
//!
//! It is a fast path, never a second definition of the format: [`parse`]
//! answers only when it fully understands the front matter *and* knows the
//! `toml` + serde path would accept it with the very same values. On
//! anything else — multi-line strings, dotted keys, numbers, nested arrays,
//! CR characters, duplicate keys or tables, tables it does not know, a value
//! of the wrong type for a typed field, a missing required field — it
//! returns `None` and the caller runs the `toml` + serde path, which then
//! accepts or refuses with its own message. So behaviour (every field,
//! every error, every problem) is the same as with `toml` + serde alone;
//! `tests/rustsec_front.rs` checks it on the whole advisory-db, on edge
//! cases and on random mutations.
//!
//! What it understands (TOML 1.1 as implemented by the `toml` crate):
//! - tables `[advisory]`, `[versions]`, `[affected]`, `[affected.functions]`
//!   (each at most once, `[affected]` before `[affected.functions]`);
//! - `key = value` lines with bare (`A-Za-z0-9_-`) or quoted keys;
//! - values: basic strings (all escapes), literal strings, `true`/`false`,
//!   bare dates `YYYY-MM-DD` (validated like `toml_datetime`), arrays of
//!   strings/booleans (over several lines, comments, trailing comma) and
//!   one-line inline tables of those;
//! - comments, blank lines, spaces and tabs.
//!
//! Like the serde structs (no `deny_unknown_fields`), unknown keys in
//! `[advisory]` / `[versions]` and the whole `[affected]` table are checked
//! for validity and ignored.

use std::borrow::Cow;

use super::Parsed;

/// Read the front matter at the start of `rest` (the text after the
/// opening fence) up to the closing fence: the fields and the markdown body
/// after the fence. `None`: "don't know, ask `toml` + serde".
///
/// The closing fence (the first line whose `trim_end()` is "```", see
/// `close_fence`) is found on the way: every line this reader accepts
/// starts with a key, a table header, a comment, whitespace or continues
/// an array, so a line starting with a backtick is either the fence or
/// something it falls back on.
pub(super) fn parse(rest: &str) -> Option<(Parsed<'_>, &str)> {
    let mut r = Reader { s: rest, i: 0 };
    let mut st = State::default();
    let mut table = Table::Root;
    loop {
        // Here `r.i` is at the start of a line, or at the newline after a
        // comment.
        if r.peek() == Some(b'`') {
            let tail = r.s.get(r.i..)?;
            let body = tail.get(super::fence_line(tail)?..)?;
            return st.finish().map(|p| (p, body));
        }
        r.skip_ws();
        match r.peek() {
            // No closing fence: the slow path says so.
            None => return None,
            Some(b'\n') => r.i += 1,
            Some(b'#') => r.comment()?,
            Some(b'[') => {
                table = r.header()?;
                st.enter(table)?;
                r.end_line()?;
            }
            Some(_) => {
                st.key_value(&mut r, table)?;
                r.end_line()?;
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Table {
    Root,
    Advisory,
    Versions,
    Affected,
    AffectedFunctions,
}

/// What a value turned out to be.
enum Val<'a> {
    Str(Cow<'a, str>),
    /// A bare local date, already validated (`YYYY-MM-DD`).
    Date(&'a str),
    /// An array; `true` when every element is a string.
    Array(bool),
    /// A boolean or an inline table (only valid for ignored keys).
    Other,
}

// Bits of `State::adv_seen` / `State::vers_seen`.
const ID: u32 = 1 << 0;
const PACKAGE: u32 = 1 << 1;
const DATE: u32 = 1 << 2;
const TITLE: u32 = 1 << 3;
const ALIASES: u32 = 1 << 4;
const WITHDRAWN: u32 = 1 << 5;
const INFORMATIONAL: u32 = 1 << 6;
const CVSS: u32 = 1 << 7;
const PATCHED_VERSIONS: u32 = 1 << 8;
const UNAFFECTED_VERSIONS: u32 = 1 << 9;
const REFERENCES: u32 = 1 << 10;
const URL: u32 = 1 << 11;
const RELATED: u32 = 1 << 12;
const CATEGORIES: u32 = 1 << 13;
const KEYWORDS: u32 = 1 << 14;
const DESCRIPTION: u32 = 1 << 15;
const LICENSE: u32 = 1 << 16;

#[derive(Default)]
struct State<'a> {
    p: Parsed<'a>,
    adv_seen: u32,
    vers_seen: u32,
    // `[versions]` come before `[advisory]`'s `*_versions` in the result.
    patched_versions: Vec<String>,
    unaffected_versions: Vec<String>,
    tables: u32,
    functions_key: bool,
    /// Keys of `[advisory]` / `[versions]` that serde ignores, and every key
    /// of the `[affected*]` tables: only checked for duplicates.
    other_keys: Vec<(Table, Cow<'a, str>)>,
}

impl<'a> State<'a> {
    fn enter(&mut self, t: Table) -> Option<()> {
        let bit = 1u32 << (t as u32);
        if self.tables & bit != 0 {
            return None; // table defined twice
        }
        let af = 1u32 << (Table::AffectedFunctions as u32);
        match t {
            Table::Root => return None,
            // Valid TOML, but keep it simple: fall back.
            Table::Affected if self.tables & af != 0 => return None,
            // `functions` already defined by `[affected]`.
            Table::AffectedFunctions if self.functions_key => return None,
            _ => {}
        }
        self.tables |= bit;
        Some(())
    }

    fn other_key(&mut self, t: Table, key: Cow<'a, str>) -> Option<()> {
        if self.other_keys.iter().any(|(tt, k)| *tt == t && *k == key) {
            return None; // duplicate key
        }
        self.other_keys.push((t, key));
        Some(())
    }

    fn key_value(&mut self, r: &mut Reader<'a>, table: Table) -> Option<()> {
        let key = r.key()?;
        r.skip_ws();
        r.eat(b'=')?;
        r.skip_ws();
        match table {
            Table::Root => None,
            Table::Advisory => self.advisory(r, key),
            Table::Versions => {
                let (bit, sink) = match &*key {
                    "patched" => (1, &mut self.p.patched),
                    "unaffected" => (2, &mut self.p.unaffected),
                    _ => {
                        r.value(None)?;
                        return self.other_key(table, key);
                    }
                };
                if self.vers_seen & bit != 0 {
                    return None;
                }
                self.vers_seen |= bit;
                match r.value(Some(sink))? {
                    Val::Array(true) => Some(()),
                    _ => None,
                }
            }
            Table::Affected | Table::AffectedFunctions => {
                if table == Table::Affected && key == "functions" {
                    self.functions_key = true;
                }
                r.value(None)?;
                self.other_key(table, key)
            }
        }
    }

    fn advisory(&mut self, r: &mut Reader<'a>, key: Cow<'a, str>) -> Option<()> {
        let f = match &*key {
            "id" => ID,
            "package" => PACKAGE,
            "date" => DATE,
            "title" => TITLE,
            "aliases" => ALIASES,
            "withdrawn" => WITHDRAWN,
            "informational" => INFORMATIONAL,
            "cvss" => CVSS,
            "patched_versions" => PATCHED_VERSIONS,
            "unaffected_versions" => UNAFFECTED_VERSIONS,
            "references" => REFERENCES,
            "url" => URL,
            "related" => RELATED,
            "categories" => CATEGORIES,
            "keywords" => KEYWORDS,
            "description" => DESCRIPTION,
            "license" => LICENSE,
            _ => {
                // Ignored by serde, as long as it is valid TOML.
                r.value(None)?;
                return self.other_key(Table::Advisory, key);
            }
        };
        if self.adv_seen & f != 0 {
            return None; // duplicate key
        }
        self.adv_seen |= f;
        let sink = match f {
            ALIASES => Some(&mut self.p.aliases),
            PATCHED_VERSIONS => Some(&mut self.patched_versions),
            UNAFFECTED_VERSIONS => Some(&mut self.unaffected_versions),
            _ => None,
        };
        let v = r.value(sink)?;
        let p = &mut self.p;
        match (f, v) {
            // `Vec<String>` fields (the kept ones were filled by `sink`).
            (
                ALIASES | PATCHED_VERSIONS | UNAFFECTED_VERSIONS | REFERENCES | RELATED
                | CATEGORIES | KEYWORDS,
                Val::Array(true),
            ) => {}
            // `String` / `Option<String>` fields.
            (ID, Val::Str(s)) => p.id = s.into_owned(),
            (PACKAGE, Val::Str(s)) => p.package = s,
            (TITLE, Val::Str(s)) => p.title = Some(s.into_owned()),
            (INFORMATIONAL, Val::Str(s)) => p.informational = Some(s.into_owned()),
            (CVSS, Val::Str(s)) => p.cvss = Some(s),
            (URL | DESCRIPTION | LICENSE, Val::Str(_)) => {}
            // `toml::Value` fields read as dates (anything else falls back,
            // so the serde path reports it).
            (DATE, Val::Str(s)) => p.date = Some(s),
            (DATE, Val::Date(d)) => p.date = Some(Cow::Borrowed(d)),
            (WITHDRAWN, Val::Str(s)) => p.withdrawn = Some(Some(s)),
            (WITHDRAWN, Val::Date(d)) => p.withdrawn = Some(Some(Cow::Borrowed(d))),
            _ => return None,
        }
        Some(())
    }

    fn finish(mut self) -> Option<Parsed<'a>> {
        // serde: "missing field" errors come from the slow path.
        let required = ID | PACKAGE | DATE;
        if self.adv_seen & required != required {
            return None;
        }
        self.p.patched.append(&mut self.patched_versions);
        self.p.unaffected.append(&mut self.unaffected_versions);
        Some(self.p)
    }
}

struct Reader<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Reader<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.s.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    /// At `#`: skip the comment up to (not including) the newline.
    fn comment(&mut self) -> Option<()> {
        self.i += 1;
        loop {
            match self.peek() {
                None | Some(b'\n') => return Some(()),
                // Comments allow tab, 0x20-0x7E and non-ASCII.
                Some(b'\t' | 0x20..=0x7e | 0x80..) => self.i += 1,
                Some(_) => return None,
            }
        }
    }

    /// After a header or key-value: spaces, an optional comment, then a
    /// newline or the end.
    fn end_line(&mut self) -> Option<()> {
        self.skip_ws();
        if self.peek() == Some(b'#') {
            self.comment()?;
        }
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.i += 1;
                Some(())
            }
            Some(_) => None,
        }
    }

    /// Whitespace, newlines and comments (inside arrays).
    fn skip_ws_nl(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n') => self.i += 1,
                Some(b'#') => self.comment()?,
                _ => return Some(()),
            }
        }
    }

    /// At `[`: a table header this reader knows.
    fn header(&mut self) -> Option<Table> {
        let rest = self.s.get(self.i + 1..)?;
        let end = rest.find(']')?;
        let t = match rest.get(..end)? {
            "advisory" => Table::Advisory,
            "versions" => Table::Versions,
            "affected" => Table::Affected,
            "affected.functions" => Table::AffectedFunctions,
            _ => return None,
        };
        self.i += end + 2;
        Some(t)
    }

    /// A bare or quoted key (not dotted: the caller wants `=` next).
    fn key(&mut self) -> Option<Cow<'a, str>> {
        match self.peek()? {
            b'"' => self.basic_string(),
            b'\'' => self.literal_string(),
            _ => {
                let start = self.i;
                while self.peek().is_some_and(bare_key_char) {
                    self.i += 1;
                }
                if self.i == start {
                    return None;
                }
                self.s.get(start..self.i).map(Cow::Borrowed)
            }
        }
    }

    /// A value; strings of an array are pushed to `sink` when given.
    fn value(&mut self, sink: Option<&mut Vec<String>>) -> Option<Val<'a>> {
        match self.peek()? {
            b'"' => self.basic_string().map(Val::Str),
            b'\'' => self.literal_string().map(Val::Str),
            b'[' => self.array(sink).map(Val::Array),
            b'{' => self.inline_table().map(|()| Val::Other),
            b't' | b'f' => self.boolean().map(|_| Val::Other),
            b'0'..=b'9' => self.date().map(Val::Date),
            _ => None,
        }
    }

    /// `true` / `false`, followed by something that ends a value.
    fn boolean(&mut self) -> Option<bool> {
        let rest = self.s.get(self.i..)?;
        let (v, n) = if rest.starts_with("true") {
            (true, 4)
        } else if rest.starts_with("false") {
            (false, 5)
        } else {
            return None;
        };
        match rest.as_bytes().get(n) {
            None | Some(b' ' | b'\t' | b'\n' | b'#' | b',' | b']' | b'}') => {
                self.i += n;
                Some(v)
            }
            _ => None,
        }
    }

    /// A bare local date `YYYY-MM-DD`, valid for `toml_datetime`, followed
    /// by the end of the line (spaces and a comment allowed). Anything
    /// longer (a time, an offset) falls back.
    fn date(&mut self) -> Option<&'a str> {
        let d = self.s.get(self.i..self.i + 10)?;
        let b = d.as_bytes();
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            b.get(r)?.iter().try_fold(0u32, |acc, c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let max = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            1..=12 => 31,
            _ => return None,
        };
        if day < 1 || day > max {
            return None;
        }
        self.i += 10;
        // Only at the end of a line: `2020-01-01 12:00:00` and friends are
        // datetimes, which fall back.
        let mut j = self.i;
        while matches!(self.bytes().get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        match self.bytes().get(j) {
            None | Some(b'\n' | b'#') => Some(d),
            _ => None,
        }
    }

    /// `[ ... ]` of strings and booleans, over lines, with comments and a
    /// trailing comma. Returns whether every element is a string.
    fn array(&mut self, mut sink: Option<&mut Vec<String>>) -> Option<bool> {
        self.i += 1;
        let mut all_strings = true;
        loop {
            self.skip_ws_nl()?;
            if self.eat(b']').is_some() {
                return Some(all_strings);
            }
            match self.peek()? {
                b'"' | b'\'' => {
                    let s = if self.peek()? == b'"' {
                        self.basic_string()?
                    } else {
                        self.literal_string()?
                    };
                    if let Some(v) = sink.as_deref_mut() {
                        v.push(s.into_owned());
                    }
                }
                b't' | b'f' => {
                    self.boolean()?;
                    all_strings = false;
                }
                _ => return None,
            }
            self.skip_ws_nl()?;
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(all_strings);
                }
                _ => return None,
            }
        }
    }

    /// A one-line inline table `{ k = v, ... }` (no trailing comma, no
    /// nested tables, no dotted keys, no duplicate keys).
    fn inline_table(&mut self) -> Option<()> {
        self.i += 1;
        self.skip_ws();
        if self.eat(b'}').is_some() {
            return Some(());
        }
        let mut keys: Vec<Cow<'a, str>> = Vec::new();
        loop {
            self.skip_ws();
            let k = self.key()?;
            if keys.contains(&k) {
                return None;
            }
            keys.push(k);
            self.skip_ws();
            self.eat(b'=')?;
            self.skip_ws();
            match self.peek()? {
                b'"' => drop(self.basic_string()?),
                b'\'' => drop(self.literal_string()?),
                b'[' => drop(self.array(None)?),
                b't' | b'f' => drop(self.boolean()?),
                _ => return None,
            }
            self.skip_ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// At `"`: a one-line basic string, escapes decoded.
    fn basic_string(&mut self) -> Option<Cow<'a, str>> {
        let b = self.bytes();
        let start = self.i + 1;
        if b.get(start) == Some(&b'"') && b.get(start + 1) == Some(&b'"') {
            return None; // multi-line basic string
        }
        let mut j = skip_basic(b, start);
        match *b.get(j)? {
            b'"' => {
                self.i = j + 1;
                return self.s.get(start..j).map(Cow::Borrowed);
            }
            b'\\' => {}
            _ => return None,
        }
        let mut out = String::with_capacity(j - start + 8);
        out.push_str(self.s.get(start..j)?);
        loop {
            match *b.get(j)? {
                b'"' => {
                    self.i = j + 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    let (c, len) = match *b.get(j + 1)? {
                        b'b' => ('\u{8}', 2),
                        b'e' => ('\u{1b}', 2),
                        b'f' => ('\u{c}', 2),
                        b'n' => ('\n', 2),
                        b'r' => ('\r', 2),
                        b't' => ('\t', 2),
                        b'\\' => ('\\', 2),
                        b'"' => ('"', 2),
                        b'x' => (hex_char(b, j + 2, 2)?, 4),
                        b'u' => (hex_char(b, j + 2, 4)?, 6),
                        b'U' => (hex_char(b, j + 2, 8)?, 10),
                        _ => return None, // not an escape
                    };
                    out.push(c);
                    j += len;
                }
                c if basic_unescaped(c) => {
                    let run = j;
                    j = skip_basic(b, j);
                    out.push_str(self.s.get(run..j)?);
                }
                _ => return None,
            }
        }
    }

    /// At `'`: a one-line literal string.
    fn literal_string(&mut self) -> Option<Cow<'a, str>> {
        let b = self.bytes();
        let start = self.i + 1;
        if b.get(start) == Some(&b'\'') && b.get(start + 1) == Some(&b'\'') {
            return None; // multi-line literal string
        }
        let j = start + b.get(start..)?.iter().position(|&c| !literal_char(c))?;
        if *b.get(j)? != b'\'' {
            return None;
        }
        self.i = j + 1;
        self.s.get(start..j).map(Cow::Borrowed)
    }
}

/// Bytes a basic string holds as they are: tab, 0x20-0x7E but `"` and `\`,
/// and non-ASCII (the text is valid UTF-8 already).
fn basic_unescaped(c: u8) -> bool {
    class(c, BASIC)
}

/// The first position from `i` on whose byte a basic string does not hold
/// as it is (`"`, `\`, a control but tab, DEL), or `b.len()`.
///
/// Strings are most of the front matter's bytes: this looks at eight at a
/// time while none of them can stop the run, then finishes byte by byte
/// (tabs also send a word there).
fn skip_basic(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // High bit of a byte set when the byte was zero (`x ^ c` for "equals
    // c") or below `n` (`n` <= 0x80); exact as to whether any byte is.
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    while let Some(word) = b.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
        let x = u64::from_le_bytes(word);
        let stop = zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')))
            | zero(x ^ (ONES * 0x7f))
            | below(x, 0x20);
        if stop != 0 {
            break;
        }
        i += 8;
    }
    while b.get(i).is_some_and(|&c| basic_unescaped(c)) {
        i += 1;
    }
    i
}

/// Bytes a literal string holds: everything but `'` and controls (tab is
/// fine).
fn literal_char(c: u8) -> bool {
    class(c, LITERAL)
}

/// Bytes of a bare key (`A-Za-z0-9_-`).
fn bare_key_char(c: u8) -> bool {
    class(c, BARE_KEY)
}

const BASIC: u8 = 1;
const LITERAL: u8 = 2;
const BARE_KEY: u8 = 4;

/// Whether byte `c` is in class `bit` (one table load; the `get` cannot
/// miss, a `u8` always indexes a 256-entry table). Measurably faster than
/// range matches on the string scanning loops.
fn class(c: u8, bit: u8) -> bool {
    CLASSES.get(usize::from(c)).is_some_and(|k| k & bit != 0)
}

static CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        let mut k = 0;
        if matches!(c, b'\t' | 0x20..=0x21 | 0x23..=0x5b | 0x5d..=0x7e | 0x80..) {
            k |= BASIC;
        }
        if matches!(c, b'\t' | 0x20..=0x26 | 0x28..=0x7e | 0x80..) {
            k |= LITERAL;
        }
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' {
            k |= BARE_KEY;
        }
        #[allow(clippy::indexing_slicing)] // const context: `i < 256` checked above
        {
            t[i] = k;
        }
        i += 1;
    }
    t
};

/// The character of the `n` hex digits at `at` (`\xHH`, `\uHHHH`,
/// `\UHHHHHHHH`): exactly `n` digits, a Unicode scalar value.
fn hex_char(b: &[u8], at: usize, n: usize) -> Option<char> {
    let digits = b.get(at..at.checked_add(n)?)?;
    let v = digits.iter().try_fold(0u32, |acc, &c| {
        let d = char::from(c).to_digit(16)?;
        acc.checked_mul(16)?.checked_add(d)
    })?;
    char::from_u32(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// `skip_basic` stops where a byte-by-byte scan stops, from every
        /// start, on runs long enough to cross several words and made of
        /// the bytes around every class boundary.
        #[test]
        fn skip_basic_is_the_bytewise_scan(
            b in proptest::collection::vec(
                prop_oneof![
                    8 => prop::sample::select(vec![b'a', b' ', b'~', b'!', b'#', b'[', b']', 0xc3, 0xa9, 0xff, 0x80]),
                    1 => prop::sample::select(vec![b'"', b'\\', b'\t', b'\n', 0x00, 0x1f, 0x7f, 0x08, 0x0b]),
                    1 => any::<u8>(),
                ],
                0..70,
            )
        ) {
            for i in 0..=b.len() {
                let bytewise = i + b.get(i..).unwrap_or_default().iter().take_while(|&&c| basic_unescaped(c)).count();
                prop_assert_eq!(skip_basic(&b, i), bytewise, "from {}", i);
            }
        }
    }
}
