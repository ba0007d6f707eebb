//! One pass per line finds which of the parser's literal keywords occur in
//! it; rules then test bits instead of searching the line again and again.
//!
//! The scan looks at the 4-byte window at every even offset and tests a
//! 2^16-bit filter holding, for each keyword, its two windows at offsets `j`
//! and `j + 1` (every case variant of them for [`CASE_INSENSITIVE`] ones).
//! Every occurrence of a keyword puts one of the two at an even offset of
//! the line, so none is missed; the rare filter hits are verified against
//! the keywords. `j` is chosen where the keyword's bytes are rare in crash
//! logs (only the speed depends on it: measured on the shared sanitizer
//! corpus, the filter then fires on well under 1% of the windows). This
//! costs a few instructions per byte, several times less than an
//! overlapping Aho-Corasick walk.

use std::sync::LazyLock;

/// Every literal the parser looks for in a line (at least five bytes), with
/// the offset `j` of its filter windows (`j + 5 <= len`).
pub(crate) const KEYWORDS: &[(&str, u8)] = &[
    ("Sanitizer: ", 0),
    (":INFO:CONSOLE", 3),
    ("SUMMARY:", 0),
    ("WARNING: AddressSanitizer", 5),
    ("failed to mprotect 0x00010000", 8),
    ("text run at (", 5),
    ("Please include Java exception stack in crash report", 11),
    ("Sanitizer:DEADLYSIGNAL", 7),
    ("assertion failed at", 14),
    ("SHOULD NEVER BE REACHED", 0),
    ("ThreadSanitizer", 4),
    ("MemorySanitizer", 4),
    (" suppressions", 2),
    (" warnings", 0),
    (": runtime error: ", 0),
    ("note: ", 0),
    (" within object of type ", 2),
    ("runtime error: ", 4),
    ("memcpy-param-overlap", 4),
    ("=== Uncaught Python exception: ===", 10),
    ("===BUG DETECTED: PySecSan:", 14),
    ("Uncaught Exception: Jazzer.js", 17),
    ("Sanitizer", 0),
    (" on unknown address ", 1),
    ("AddressSanitizer: attempting free", 22),
    ("double-free", 4),
    ("Sanitizer: FPE ", 9),
    ("ERROR: ", 2),
    ("Sanitizer: illegal-instruction", 16),
    ("The signal is caused by a ", 21),
    (" of size ", 1),
    ("fault addr ", 3),
    ("Fatal signal", 3),
    ("SEGV_MTESERR", 3),
    ("SIGSEGV", 0),
    ("Internal error: ", 6),
    ("KASAN: ", 2),
    ("Sanitizer CHECK failed", 8),
    ("Security CHECK failed", 7),
    ("Security DCHECK failed", 6),
    ("libFuzzer", 0),
    ("/art/runtime/", 0),
    ("(Stack overflow)", 4),
    ("DEFAULT_BUCKET_ID", 5),
    ("AddressSanitizer", 5),
    ("GPU process exited unexpectedly", 26),
    ("== Java Exception: ", 5),
    ("com.google.security.wycheproof.", 17),
    ("FATAL EXCEPTION", 4),
    ("Check failed:", 3),
    ("DCHECK failed:", 0),
    ("NOTREACHED hit", 0),
    ("Check failed", 3),
    ("Fatal error in ", 3),
    ("Runtime error in ", 4),
    ("] V8 error: ", 2),
    ("V8 correctness failure", 7),
    (": library ", 5),
    (" not found", 2),
    ("error while loading shared libraries: ", 3),
    (": cannot locate symbol ", 6),
    ("V8 correctness ", 7),
    ("File \"", 1),
    ("Direct leak of", 9),
    ("Uninitialized value was stored to memory at", 31),
    ("allocated by thread", 10),
    ("created by main thread at", 8),
    ("located in stack of thread", 14),
    ("previously allocated by", 5),
    ("JNI DETECTED ERROR IN APPLICATION:", 0),
    ("assert", 0),
    ("panic", 0),
    ("assertion", 3),
    ("panicked at", 2),
    // Whole-log literals (the parser ORs the lines' sets; a literal without
    // line breaks occurs in the log exactly when it occurs in some line).
    ("KASAN", 0),
    ("Trusted App crash stacktrace", 5),
    ("Linux Kernel Library Stack Trace:", 3),
    (".py\", line", 0),
    ("SCARINESS: ", 0),
    ("Logcat:", 0),
    ("FuzzerSecurityIssue", 11),
    ("pc (nil) ", 0),
    ("pc 0x00000000 ", 0),
    ("pc 0x000000000000 ", 0),
    ("JNI DETECTED ERROR", 0),
    ("MiraclePtr Status: PROTECTED", 16),
    ("ASSERTION FAILED", 0),
    ("Sanitizer: ABRT", 9),
    ("Sanitizer: BUS", 9),
    ("Sanitizer: FPE", 9),
    ("Sanitizer: ILL", 9),
    ("Sanitizer: breakpoint", 8),
    ("in gsignal ", 2),
];

/// The keywords matched in any ASCII letter case (`has_ci!`); all others
/// match exactly (`has!`).
const CASE_INSENSITIVE: &[&str] = &["assert", "panic", "assertion", "panicked at"];

const FILTER_BITS: u32 = 16;
const FILTER_WORDS: usize = 1 << (FILTER_BITS - 6);

#[inline(always)]
fn slot(w: u32) -> usize {
    (w.wrapping_mul(0x9E37_79B1) >> (32 - FILTER_BITS)) as usize
}

struct Table {
    filter: Box<[u64; FILTER_WORDS]>,
    /// (window, keyword index, window offset in the keyword), by window.
    entries: Vec<(u32, u8, u8)>,
    ci: u128,
}

/// The 4-byte window of `k` at `offset`, in every letter case when `ci`.
fn windows(k: &[u8], offset: usize, ci: bool) -> Vec<u32> {
    let mut w = [0u8; 4];
    for (d, s) in w.iter_mut().zip(k.iter().skip(offset)) {
        *d = *s;
    }
    let mut out = vec![u32::from_le_bytes(w)];
    if ci {
        for pos in 0..4 {
            if w.get(pos).is_some_and(u8::is_ascii_alphabetic) {
                let flipped: Vec<u32> = out
                    .iter()
                    .map(|&v| {
                        let mut b = v.to_le_bytes();
                        if let Some(c) = b.get_mut(pos) {
                            *c ^= 0x20;
                        }
                        u32::from_le_bytes(b)
                    })
                    .collect();
                out.extend(flipped);
            }
        }
    }
    out
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut filter = Box::new([0u64; FILTER_WORDS]);
    let mut entries = Vec::new();
    let mut ci = 0u128;
    for (i, &(k, j)) in KEYWORDS.iter().enumerate() {
        let is_ci = is_ci(k);
        for offset in [j, j + 1] {
            for w in windows(k.as_bytes(), offset as usize, is_ci) {
                let h = slot(w);
                if let Some(f) = filter.get_mut(h >> 6) {
                    *f |= 1 << (h & 63);
                }
                entries.push((w, i as u8, offset));
            }
        }
        if is_ci {
            ci |= 1 << i;
        }
    }
    entries.sort_unstable();
    entries.dedup();
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
        if str_eq(KEYWORDS[i].0, k) {
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
        let filter = &*t.filter;
        let hit = |w: u32| {
            let h = slot(w);
            filter.get(h >> 6).is_some_and(|f| f & (1 << (h & 63)) != 0)
        };
        let mut bits = 0u128;
        let mut i = 0;
        // Windows at i, i + 2 and i + 4 from one 8-byte load.
        while let Some(chunk) = b.get(i..i + 8) {
            let x = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or([0; 8]));
            for (d, w) in [(0, x as u32), (2, (x >> 16) as u32), (4, (x >> 32) as u32)] {
                if hit(w) {
                    bits |= verify(t, b, i + d, w);
                }
            }
            i += 6;
        }
        while let Some(win) = b.get(i..i + 4) {
            let w = u32::from_le_bytes(<[u8; 4]>::try_from(win).unwrap_or([0; 4]));
            if hit(w) {
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
        let Some(&(kw, _)) = KEYWORDS.get(k as usize) else {
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

/// `has!(kw, "literal")`: the text `kw` was computed from contains the
/// literal exactly.
macro_rules! has {
    ($kw:expr, $lit:literal) => {{
        const I: usize = $crate::keywords::index($lit);
        const _: () = assert!(!$crate::keywords::is_ci($lit), "use has_ci!");
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
        for &(k, j) in KEYWORDS {
            assert!(
                j as usize + 5 <= k.len(),
                "{k:?}: windows at {j} and {} must fit",
                j + 1
            );
        }
        for k in CASE_INSENSITIVE {
            assert!(KEYWORDS.iter().any(|e| e.0 == *k), "{k:?}");
        }
    }

    /// The definition the scanner must agree with.
    fn reference(line: &str) -> Kw {
        let mut bits = 0u128;
        for (i, &(k, _)) in KEYWORDS.iter().enumerate() {
            let found = if CASE_INSENSITIVE.contains(&k) {
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
        for &(k, _) in KEYWORDS {
            for pad in 0..8 {
                let line = format!("{}{k}{}", "x".repeat(pad), "y".repeat(pad % 3));
                assert_eq!(Kw::scan(&line), reference(&line), "{line:?}");
                let upper = line.to_ascii_uppercase();
                assert_eq!(Kw::scan(&upper), reference(&upper), "{upper:?}");
                let mixed: String = line
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if i % 2 == 0 {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        }
                    })
                    .collect();
                assert_eq!(Kw::scan(&mixed), reference(&mixed), "{mixed:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn scan_matches_reference(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    "[ -~]{0,6}",
                    proptest::sample::select(KEYWORDS.to_vec()).prop_map(|(k, _)| k.to_string()),
                    proptest::sample::select(KEYWORDS.to_vec())
                        .prop_map(|(k, _)| k.to_ascii_uppercase()),
                    proptest::sample::select(KEYWORDS.to_vec())
                        .prop_map(|(k, _)| k[1..].to_string()),
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
