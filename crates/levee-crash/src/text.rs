//! String helpers: line splitting, frame cleaning and normalisation. All of
//! them are total (no panics) on arbitrary input.

use std::sync::LazyLock;

use regex::Regex;

fn re_u(p: &str) -> Regex {
    Regex::new(p).unwrap_or_else(|e| panic!("bad built-in pattern {p:?}: {e}"))
}

static CHECK_VS_ANDROID: LazyLock<Regex> = LazyLock::new(|| re_u(r"failed: .*\svs\.\s.*$"));
static CHECK_VS_PAREN: LazyLock<Regex> = LazyLock::new(|| re_u(r" \(.*\s+vs\.\s+.*"));
static CHECK_QUOTED_TAIL: LazyLock<Regex> = LazyLock::new(|| re_u(r#"\s*[:=]\s*(?:'.*'|".*")$"#));
static OFFSET_AT_EOL: LazyLock<Regex> = LazyLock::new(|| re_u(r"\+0x[0-9a-fA-F]+\n"));
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| re_u(r"0x[a-fA-F0-9]{4,}U*"));

const DEADLY_SUFFIXES: &[&str] = &[
    "AddressSanitizer:DEADLYSIGNAL",
    "LeakSanitizer:DEADLYSIGNAL",
    "MemorySanitizer:DEADLYSIGNAL",
    "UndefinedBehaviorSanitizer:DEADLYSIGNAL",
    "ThreadSanitizer:DEADLYSIGNAL",
];

/// Split like Python's `str.splitlines()`. The DEADLYSIGNAL split is
/// [`split_deadlysignal`].
///
/// One pass: eight bytes at a time, a word is skipped unless it holds a byte
/// below 0x20 or above 0x7f (the only bytes that can start a line break).
pub(crate) fn split_lines(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 48 + 1);
    let mut start = 0;
    let mut i = 0;
    while let Some(j) = next_control_or_non_ascii(b, i) {
        // Width of a line break at j (0: none). The text is valid UTF-8, so
        // these byte sequences are exactly U+0085/U+2028/U+2029.
        let width = match b.get(j).copied().unwrap_or(0) {
            b'\r' if b.get(j + 1) == Some(&b'\n') => 2,
            b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1e => 1,
            0xc2 if b.get(j + 1) == Some(&0x85) => 2,
            0xe2 if b.get(j + 1) == Some(&0x80) && matches!(b.get(j + 2), Some(0xa8 | 0xa9)) => 3,
            _ => 0,
        };
        if width > 0 {
            out.push(s.get(start..j).unwrap_or(""));
            i = j + width;
            start = i;
        } else {
            i = j + 1;
        }
    }
    if start < b.len() {
        out.push(s.get(start..).unwrap_or(""));
    }
    out
}

/// Position of the first byte at or after `from` that is below 0x20 or
/// above 0x7f.
#[inline]
fn next_control_or_non_ascii(b: &[u8], from: usize) -> Option<usize> {
    const LO: u64 = 0x2020_2020_2020_2020;
    const HI: u64 = 0x8080_8080_8080_8080;
    let rest = b.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut base = from;
    for c in chunks.by_ref() {
        let w = u64::from_le_bytes(c.try_into().unwrap_or([b' '; 8]));
        // A byte < 0x20 borrows in `w - LO` (setting its top bit while its
        // own top bit was clear); bytes >= 0x80 have the top bit. Borrows
        // only run upwards, so the lowest flagged byte is exact.
        let m = (w.wrapping_sub(LO) | w) & HI;
        if m != 0 {
            return Some(base + (m.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| !(0x20..0x80).contains(&c))
        .map(|k| base + k)
}

/// Lines glued to a DEADLYSIGNAL marker are split in two (the marker line is
/// then ignored). Only lines with a line before and after them qualify.
/// The caller skips this when the text holds no `Sanitizer:DEADLYSIGNAL`.
pub(crate) fn split_deadlysignal(lines: Vec<&str>, text_ends_with_newline: bool) -> Vec<&str> {
    let n = lines.len();
    let mut out = Vec::with_capacity(n + 2);
    let mut prev_split = false;
    for (i, line) in lines.into_iter().enumerate() {
        let has_next = i + 1 < n || text_ends_with_newline;
        let mut done = false;
        if i > 0 && has_next && !prev_split {
            for suf in DEADLY_SUFFIXES {
                if let Some(head) = line.strip_suffix(suf) {
                    // The original rule also accepts a longer sanitizer name
                    // ending in one of these; `head` keeps those letters.
                    if head.chars().any(|c| !c.is_whitespace()) {
                        out.push(head);
                        out.push(line.get(head.len()..).unwrap_or(""));
                        done = true;
                    }
                    break;
                }
            }
        }
        prev_split = done;
        if !done {
            out.push(line);
        }
    }
    out
}

/// Python's `str.capitalize()`.
pub(crate) fn capitalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        for c in chars {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Python's `string.printable`.
pub(crate) fn is_printable(c: char) -> bool {
    c.is_ascii_graphic() || matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// `int(address, 16)` with ClusterFuzz's fallback of 0 on failure; values
/// that overflow are "large" (never a null dereference).
pub(crate) fn address_to_integer(a: &str) -> u128 {
    let a = a.trim();
    let (neg, a) = match a.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, a.strip_prefix('+').unwrap_or(a)),
    };
    let a = a
        .strip_prefix("0x")
        .or_else(|| a.strip_prefix("0X"))
        .unwrap_or(a);
    if a.is_empty()
        || a.starts_with('_')
        || a.ends_with('_')
        || a.contains("__")
        || !a.chars().all(|c| c.is_ascii_hexdigit() || c == '_')
    {
        return 0;
    }
    if neg {
        return 0;
    }
    let digits: String = a.chars().filter(|&c| c != '_').collect();
    u128::from_str_radix(&digits, 16).unwrap_or(u128::MAX)
}

const STRIPPED_FROM_FRAMES: [&str; 3] = [
    "non-virtual thunk to ",
    "(anonymous namespace)::",
    "`anonymous namespace'::",
];

static STRIPPED_FINDERS: LazyLock<Vec<memchr::memmem::Finder<'static>>> = LazyLock::new(|| {
    STRIPPED_FROM_FRAMES
        .iter()
        .map(memchr::memmem::Finder::new)
        .collect()
});

/// ClusterFuzz's `_filter_stack_frame`: drop anonymous namespaces, module
/// prefixes (`mod!`), argument lists and template/array suffixes.
pub(crate) fn filter_stack_frame(frame: &str) -> String {
    let mut f = frame.to_string();
    for (i, ns) in STRIPPED_FROM_FRAMES.iter().enumerate() {
        if STRIPPED_FINDERS
            .get(i)
            .is_some_and(|fi| fi.find(f.as_bytes()).is_some())
        {
            f = f.replace(ns, "");
        }
    }
    let f = f.rsplit('!').next().unwrap_or("");
    // (.*?)[\(\[].*  — only within the first line.
    let first_line_end = f.find('\n').unwrap_or(f.len());
    if let Some(i) = f.get(..first_line_end).and_then(|l| l.find(['(', '['])) {
        if i > 0 {
            return f.get(..i).unwrap_or("").trim().to_string();
        }
    }
    f.trim().split(' ').next().unwrap_or("").to_string()
}

fn strip_chars<'a>(s: &'a str, set: &str) -> &'a str {
    s.trim_matches(|c| set.contains(c))
}

/// ClusterFuzz's `fix_check_failure_string`.
pub(crate) fn fix_check_failure_string(s: &str) -> String {
    let s = s.strip_prefix("Check failed: ").unwrap_or(s);
    // Chrome appends an explanation after "; " (e.g. `cond; Feature x is ...`).
    let s = s.split_once("; ").map_or(s, |(head, _)| head);
    let s = CHECK_VS_ANDROID.replace(s, "failed");
    let s = CHECK_VS_PAREN.replace_all(&s, "");
    let s = CHECK_QUOTED_TAIL.replace_all(&s, "");
    strip_chars(&s, " .'\"[]").to_string()
}

/// ClusterFuzz's `fix_filename_string`: base name without line numbers.
pub(crate) fn fix_filename_string(s: &str) -> String {
    let s = strip_chars(s, " .'\"[]");
    let s = s.split(':').next().unwrap_or("");
    let s = s.split('(').next().unwrap_or("");
    let s = s.replace('\\', "/");
    s.rsplit('/').next().unwrap_or("").to_string()
}

/// Replace addresses by `ADDRESS` and long numbers by `NUMBER` so that crash
/// states do not depend on the run (ClusterFuzz's
/// `filter_addresses_and_numbers`).
pub(crate) fn filter_addresses_and_numbers(s: &str) -> String {
    let s = OFFSET_AT_EOL.replacen(s, 16, "\n");
    let s = ADDRESS.replace_all(&s, "ADDRESS");
    replace_numbers(&s)
}

/// `(?<![:0-9.])(?:[0-9.]{4,}|(?<=[@#])[0-9]+)(?![A-Za-z0-9.])` → `NUMBER`.
fn replace_numbers(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        let prev = if i == 0 { None } else { b.get(i - 1).copied() };
        let prev_ok = !matches!(prev, Some(c) if c == b':' || c == b'.' || c.is_ascii_digit());
        let mut matched_end = None;
        if prev_ok {
            let run = b[i..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == b'.')
                .count();
            if run >= 4 {
                let next = b.get(i + run).copied();
                if !matches!(next, Some(c) if c.is_ascii_alphabetic()) {
                    matched_end = Some(i + run);
                }
            }
            if matched_end.is_none() && matches!(prev, Some(b'@') | Some(b'#')) {
                let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                if run >= 1 {
                    let next = b.get(i + run).copied();
                    if !matches!(next, Some(c) if c.is_ascii_alphanumeric() || c == b'.') {
                        matched_end = Some(i + run);
                    }
                }
            }
        }
        match matched_end {
            Some(end) => {
                out.push_str(s.get(copied..i).unwrap_or(""));
                out.push_str("NUMBER");
                copied = end;
                i = end;
            }
            None => {
                // advance one character
                i += s
                    .get(i..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8);
            }
        }
    }
    out.push_str(s.get(copied..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(
            replace_numbers("iteration++ < 1000 in flags.cc"),
            "iteration++ < NUMBER in flags.cc"
        );
        assert_eq!(replace_numbers("a.cc:1234"), "a.cc:1234");
        assert_eq!(replace_numbers("node #12 x @3"), "node #NUMBER x @NUMBER");
        assert_eq!(replace_numbers("libfoo-1.0.so"), "libfoo-1.0.so");
        assert_eq!(replace_numbers("12345abc"), "12345abc");
    }

    #[test]
    fn frames() {
        assert_eq!(filter_stack_frame("foo::bar(int) const"), "foo::bar");
        assert_eq!(filter_stack_frame("mod!foo+0x1"), "foo+0x1");
        assert_eq!(
            filter_stack_frame("(anonymous namespace)::Foo::x()"),
            "Foo::x"
        );
    }

    #[test]
    fn check_strings() {
        assert_eq!(
            fix_check_failure_string("Check failed: len > 0 (-1 vs. 0)"),
            "len > 0"
        );
        assert_eq!(fix_filename_string("../../base/foo.cc:12"), "foo.cc");
    }

    /// The straightforward definition, as an oracle for the word-at-a-time
    /// scanner.
    fn split_lines_reference(s: &str) -> Vec<&str> {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let (mut start, mut i) = (0, 0);
        while i < b.len() {
            let width = match b[i] {
                b'\r' if b.get(i + 1) == Some(&b'\n') => 2,
                b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1e => 1,
                0xc2 if b.get(i + 1) == Some(&0x85) => 2,
                0xe2 if b.get(i + 1) == Some(&0x80)
                    && matches!(b.get(i + 2), Some(0xa8 | 0xa9)) =>
                {
                    3
                }
                _ => 0,
            };
            if width > 0 {
                out.push(&s[start..i]);
                i += width;
                start = i;
            } else {
                i += 1;
            }
        }
        if start < b.len() {
            out.push(&s[start..]);
        }
        out
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        #[test]
        fn split_lines_matches_reference(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    "[ -~]{0,20}",
                    proptest::sample::select(vec![
                        "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\t",
                        "\u{85}", "\u{2028}", "\u{2029}", "\u{2027}", "é", "€", "\x00", "\x7f",
                    ]).prop_map(str::to_string),
                ],
                0..40,
            )
        ) {
            let s: String = parts.concat();
            proptest::prop_assert_eq!(split_lines(&s), split_lines_reference(&s));
        }
    }

    #[test]
    fn lines() {
        assert_eq!(split_lines("a\r\nb\rc\n"), vec!["a", "b", "c"]);
        assert_eq!(split_lines(""), Vec::<&str>::new());
        assert_eq!(split_lines("\n"), vec![""]);
        assert_eq!(split_lines("a\n\nb"), vec!["a", "", "b"]);
        assert_eq!(split_lines("a\x0bb\u{2028}c"), vec!["a", "b", "c"]);
        assert_eq!(split_lines("é\n"), vec!["é"]);
    }
}
