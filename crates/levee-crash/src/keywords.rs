//! One pass per line finds which of the parser's literal keywords occur in
//! it; rules then test bits instead of searching the line again and again.
//!
//! The scan looks at the 4-byte window at every even offset (ASCII letters
//! folded to lower case) and tests a 2^16-bit filter holding each keyword's
//! windows at offsets 0 and 1, so every occurrence of a keyword of five or
//! more bytes is seen by one window; the few filter hits are verified against
//! the keywords (exactly, or ASCII case-insensitively for
//! [`CASE_INSENSITIVE`]). This costs a few instructions per byte, several
//! times less than an overlapping Aho-Corasick walk.

use std::sync::LazyLock;

/// Every literal the parser looks for in a line, at least five bytes long
/// (shorter ones are searched for where they are needed).
pub(crate) const KEYWORDS: &[&str] = &[
    "Sanitizer: ",
    ":INFO:CONSOLE",
    "SUMMARY:",
    "WARNING: AddressSanitizer",
    "failed to mprotect 0x00010000",
    "text run at (",
    "Please include Java exception stack in crash report",
    "Sanitizer:DEADLYSIGNAL",
    "assertion failed at",
    "SHOULD NEVER BE REACHED",
    "ThreadSanitizer",
    "MemorySanitizer",
    " suppressions",
    " warnings",
    ": runtime error: ",
    "note: ",
    " within object of type ",
    "runtime error: ",
    "memcpy-param-overlap",
    "=== Uncaught Python exception: ===",
    "===BUG DETECTED: PySecSan:",
    "Uncaught Exception: Jazzer.js",
    "Sanitizer",
    " on unknown address ",
    "AddressSanitizer: attempting free",
    "double-free",
    "Sanitizer: FPE ",
    "ERROR: ",
    "Sanitizer: illegal-instruction",
    "The signal is caused by a ",
    " of size ",
    "fault addr ",
    "Fatal signal",
    "SEGV_MTESERR",
    "SIGSEGV",
    "Internal error: ",
    "KASAN: ",
    "Sanitizer CHECK failed",
    "Security CHECK failed",
    "Security DCHECK failed",
    "libFuzzer",
    "/art/runtime/",
    "(Stack overflow)",
    "DEFAULT_BUCKET_ID",
    "AddressSanitizer",
    "GPU process exited unexpectedly",
    "== Java Exception: ",
    "com.google.security.wycheproof.",
    "FATAL EXCEPTION",
    "Check failed:",
    "DCHECK failed:",
    "NOTREACHED hit",
    "Check failed",
    "Fatal error in ",
    "Runtime error in ",
    "] V8 error: ",
    "V8 correctness failure",
    ": library ",
    " not found",
    "error while loading shared libraries: ",
    ": cannot locate symbol ",
    "V8 correctness ",
    "File \"",
    "Direct leak of",
    "Uninitialized value was stored to memory at",
    "allocated by thread",
    "created by main thread at",
    "located in stack of thread",
    "previously allocated by",
    "JNI DETECTED ERROR IN APPLICATION:",
    "assert",
    "panic",
    "assertion",
    "panicked at",
    // Whole-log literals (the parser ORs the lines' sets; a literal without
    // line breaks occurs in the log exactly when it occurs in some line).
    "KASAN",
    "Trusted App crash stacktrace",
    "Linux Kernel Library Stack Trace:",
    ".py\", line",
    "SCARINESS: ",
    "Logcat:",
    "FuzzerSecurityIssue",
    "pc (nil) ",
    "pc 0x00000000 ",
    "pc 0x000000000000 ",
    "JNI DETECTED ERROR",
    "MiraclePtr Status: PROTECTED",
    "ASSERTION FAILED",
    "Sanitizer: ABRT",
    "Sanitizer: BUS",
    "Sanitizer: FPE",
    "Sanitizer: ILL",
    "Sanitizer: breakpoint",
    "in gsignal ",
];

/// The keywords matched in any ASCII letter case (`has_ci!`); all others
/// match exactly (`has!`).
const CASE_INSENSITIVE: &[&str] = &["assert", "panic", "assertion", "panicked at"];

/// ASCII letters to lower case; other bytes change too, consistently for
/// the text and the keywords, which only matters for the filter.
const FOLD: u32 = 0x2020_2020;
const FILTER_BITS: u32 = 16;

#[inline(always)]
fn slot(w: u32) -> usize {
    (w.wrapping_mul(0x9E37_79B1) >> (32 - FILTER_BITS)) as usize
}

struct Table {
    filter: Vec<u64>,
    /// (folded window, keyword index, window offset in the keyword), by window.
    entries: Vec<(u32, u8, u8)>,
    ci: u128,
}

fn window(k: &[u8], offset: usize) -> u32 {
    let mut w = [0u8; 4];
    for (d, s) in w.iter_mut().zip(k.iter().skip(offset)) {
        *d = *s;
    }
    u32::from_le_bytes(w) | FOLD
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut filter = vec![0u64; 1 << (FILTER_BITS - 6)];
    let mut entries = Vec::new();
    let mut ci = 0u128;
    for (i, k) in KEYWORDS.iter().enumerate() {
        for offset in 0..2u8 {
            let w = window(k.as_bytes(), offset as usize);
            let h = slot(w);
            if let Some(f) = filter.get_mut(h >> 6) {
                *f |= 1 << (h & 63);
            }
            entries.push((w, i as u8, offset));
        }
        if CASE_INSENSITIVE.contains(k) {
            ci |= 1 << i;
        }
    }
    entries.sort_unstable();
    Table {
        filter,
        entries,
        ci,
    }
});

/// Index of a keyword, for use in constant context (`has!`): a literal that
/// is not in [`KEYWORDS`] fails to compile.
pub(crate) const fn index(k: &str) -> usize {
    let mut i = 0;
    while i < KEYWORDS.len() {
        if str_eq(KEYWORDS[i], k) {
            return i;
        }
        i += 1;
    }
    panic!("keyword missing from KEYWORDS")
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut j = 0;
    while j < a.len() {
        if a[j] != b[j] {
            return false;
        }
        j += 1;
    }
    true
}

/// Whether a keyword is matched case-insensitively (checked at compile time
/// by `has!` and `has_ci!`).
pub(crate) const fn is_ci(k: &str) -> bool {
    let mut i = 0;
    while i < CASE_INSENSITIVE.len() {
        if str_eq(CASE_INSENSITIVE[i], k) {
            return true;
        }
        i += 1;
    }
    false
}

/// The keywords found in one line (or, OR-ed, in a whole log).
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(crate) struct Kw(u128);

impl std::ops::BitOr for Kw {
    type Output = Kw;
    fn bitor(self, o: Kw) -> Kw {
        Kw(self.0 | o.0)
    }
}

impl Kw {
    pub fn scan(line: &str) -> Kw {
        let b = line.as_bytes();
        let t = &*TABLE;
        let mut bits = 0u128;
        let mut i = 0;
        while let Some(win) = b.get(i..i + 4) {
            let w = u32::from_le_bytes(<[u8; 4]>::try_from(win).unwrap_or([0; 4])) | FOLD;
            let h = slot(w);
            if t.filter
                .get(h >> 6)
                .is_some_and(|f| f & (1 << (h & 63)) != 0)
            {
                bits |= verify(t, b, i, w);
            }
            i += 2;
        }
        Kw(bits)
    }

    /// The keyword occurs (exactly, or in some letter case for a
    /// case-insensitive one).
    #[inline(always)]
    pub fn has(self, i: usize) -> bool {
        self.0 & (1u128 << (i & 127)) != 0
    }
}

/// The keywords whose window at offset 0 or 1 is `w`, found at `i`.
#[inline(never)]
fn verify(t: &Table, b: &[u8], i: usize, w: u32) -> u128 {
    let mut bits = 0u128;
    let from = t.entries.partition_point(|e| e.0 < w);
    for &(ew, k, offset) in t.entries.iter().skip(from) {
        if ew != w {
            break;
        }
        let Some(start) = i.checked_sub(offset as usize) else {
            continue;
        };
        let Some(kw) = KEYWORDS.get(k as usize) else {
            continue;
        };
        let Some(text) = b.get(start..start + kw.len()) else {
            continue;
        };
        let bit = 1u128 << k;
        let hit = if t.ci & bit != 0 {
            text.eq_ignore_ascii_case(kw.as_bytes())
        } else {
            text == kw.as_bytes()
        };
        if hit {
            bits |= bit;
        }
    }
    bits
}

/// `has!(kw, line, "literal")`: the line contains the literal exactly.
macro_rules! has {
    ($kw:expr, $line:expr, $lit:literal) => {{
        const I: usize = $crate::keywords::index($lit);
        const _: () = assert!(!$crate::keywords::is_ci($lit), "use has_ci!");
        let _ = &$line;
        $kw.has(I)
    }};
}
pub(crate) use has;

/// `has_ci!(kw, "literal")`: the line contains the literal in any ASCII case.
macro_rules! has_ci {
    ($kw:expr, $lit:literal) => {{
        const I: usize = $crate::keywords::index($lit);
        const _: () = assert!($crate::keywords::is_ci($lit), "use has!");
        $kw.has(I)
    }};
}
pub(crate) use has_ci;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    #[test]
    fn fits_in_mask_and_long_enough() {
        assert!(KEYWORDS.len() <= 128);
        for k in KEYWORDS {
            assert!(k.len() >= 5, "{k:?} is shorter than the scan's window + 1");
        }
        for k in CASE_INSENSITIVE {
            assert!(KEYWORDS.contains(k), "{k:?}");
        }
    }

    /// The definition the scanner must agree with.
    fn reference(line: &str) -> Kw {
        let mut bits = 0u128;
        for (i, k) in KEYWORDS.iter().enumerate() {
            let found = if CASE_INSENSITIVE.contains(k) {
                line.to_ascii_lowercase().contains(&k.to_ascii_lowercase())
            } else {
                line.contains(k)
            };
            if found {
                bits |= 1 << i;
            }
        }
        Kw(bits)
    }

    #[test]
    fn every_keyword_at_every_offset() {
        for k in KEYWORDS {
            for pad in 0..6 {
                let line = format!("{}{k}{}", "x".repeat(pad), "y".repeat(pad % 3));
                assert_eq!(Kw::scan(&line), reference(&line), "{line:?}");
                let upper = line.to_ascii_uppercase();
                assert_eq!(Kw::scan(&upper), reference(&upper), "{upper:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn scan_matches_reference(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    "[ -~]{0,6}",
                    proptest::sample::select(KEYWORDS.to_vec()).prop_map(|k| {
                        // Keywords, cut and case-flipped now and then.
                        k.to_string()
                    }),
                    proptest::sample::select(KEYWORDS.to_vec())
                        .prop_map(|k| k.to_ascii_uppercase()),
                    proptest::sample::select(KEYWORDS.to_vec())
                        .prop_map(|k| k[1..].to_string()),
                    "[é€\\x00]{1,2}",
                ],
                0..12,
            )
        ) {
            let line: String = parts.concat();
            proptest::prop_assert_eq!(Kw::scan(&line), reference(&line));
        }
    }
}
