//! One Aho-Corasick pass per line finds which of the parser's literal
//! keywords occur in it (ASCII case-insensitively); rules then test bits
//! instead of searching the line again and again.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// Every literal the parser looks for in a line.
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
    " at ",
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
    "at ",
    "[<",
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
];

static AC: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(KEYWORDS)
        .unwrap_or_else(|e| panic!("keyword automaton: {e}"))
});

/// Index of a keyword, for use in constant context (`has!`): a literal that
/// is not in [`KEYWORDS`] fails to compile.
pub(crate) const fn index(k: &str) -> usize {
    let mut i = 0;
    while i < KEYWORDS.len() {
        let a = KEYWORDS[i].as_bytes();
        let b = k.as_bytes();
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("keyword missing from KEYWORDS")
}

/// The keywords found in one line (case-insensitively).
#[derive(Clone, Copy, Default)]
pub(crate) struct Kw(u128);

impl Kw {
    pub fn scan(line: &str) -> Kw {
        let mut bits = 0u128;
        for m in AC.find_overlapping_iter(line) {
            bits |= 1u128 << (m.pattern().as_usize() & 127);
        }
        Kw(bits)
    }

    /// The keyword occurs in some letter case.
    #[inline(always)]
    pub fn any_case(self, i: usize) -> bool {
        self.0 & (1u128 << (i & 127)) != 0
    }

    /// The keyword occurs exactly (case-sensitive).
    #[inline(always)]
    pub fn exact(self, i: usize, line: &str, k: &str) -> bool {
        self.any_case(i) && contains_exact(line, k)
    }
}

#[inline(never)]
fn contains_exact(line: &str, k: &str) -> bool {
    memchr::memmem::find(line.as_bytes(), k.as_bytes()).is_some()
}

/// `has!(kw, line, "literal")`: the line contains the literal exactly.
macro_rules! has {
    ($kw:expr, $line:expr, $lit:literal) => {{
        const I: usize = $crate::keywords::index($lit);
        $kw.exact(I, $line, $lit)
    }};
}
pub(crate) use has;

/// `has_ci!(kw, "literal")`: the line contains the literal in any ASCII case.
macro_rules! has_ci {
    ($kw:expr, $lit:literal) => {{
        const I: usize = $crate::keywords::index($lit);
        $kw.any_case(I)
    }};
}
pub(crate) use has_ci;

#[cfg(test)]
mod tests {
    #[test]
    fn fits_in_mask() {
        assert!(super::KEYWORDS.len() <= 128);
    }
}
