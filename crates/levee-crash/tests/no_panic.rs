//! Property tests: the analysis is total (never panics) and its output obeys
//! the signature invariants, on arbitrary text, on text assembled from crash
//! log vocabulary, and on mutated real logs.

use levee_crash::{analyze, analyze_bytes, compare, Settings, Similarity};
use proptest::prelude::*;

/// Line fragments that trigger the parser's rules.
const FRAGMENTS: &[&str] = &[
    "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000031 at pc 0x1 bp 0x2 sp 0x3",
    "==1==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000",
    "==1==The signal is caused by a WRITE memory access.",
    "READ of size 4 at 0x602000000031 thread T0",
    "    #0 0x4f1 in foo::bar(int) /src/a.cc:10:3",
    "    #1 0x4f2 in LLVMFuzzerTestOneInput /src/fuzz.cc:5:1",
    "    #2 0x4f3  (/lib/libc.so.6+0x21b97)",
    "    #3 0x4f3 in (anonymous namespace)::x[abi:cxx11]",
    "WARNING: MemorySanitizer: use-of-uninitialized-value",
    "WARNING: ThreadSanitizer: data race (pid=1)",
    "  Write of size 4 at 0x7b0400000000 by thread T1:",
    "Direct leak of 10 byte(s) in 1 object(s) allocated from:",
    "Indirect leak of 10 byte(s) in 1 object(s) allocated from:",
    "a.cc:10:3: runtime error: signed integer overflow: 1 + 2147483647 cannot be represented in type 'int'",
    "a.cc:1:1: runtime error: member call on address 0x000000422710 which does not point to an object of type 'B'",
    "0x1: note: object is of type 'A'",
    "a.cc:1:1: runtime error: control flow integrity check for type 'B' failed during cast to unrelated type (vtable address 0x000000422710)",
    "==1== ERROR: libFuzzer: deadly signal",
    "==1== ERROR: libFuzzer: timeout after 25 seconds",
    "==1== ERROR: libFuzzer: out-of-memory (used: 2050Mb; exceeds: 2048Mb)",
    "==1==ERROR: AddressSanitizer: ABRT on unknown address 0x053900000530 (pc 0x1 bp 0x2 sp 0x3 T0)",
    "[1:2:0324/233644:FATAL:latency_info.cc(299)] Check failed: !terminated_.",
    "#\n# Fatal error in ../src/objects.h, line 42\n# Check failed: a == b (1 vs. 2).\n#",
    "F0101 00:00:00.000000 123 file.cc:12] Check failed: x",
    "abort: CSA_DCHECK failed: x [a.tq:12]",
    "## V8 sandbox violation detected!",
    "Fatal signal 11 (SIGSEGV), code 1, fault addr 0x0 in tid 1 (surfaceflinger)",
    "signal 6 (SIGABRT), code -6 (SI_TKILL), fault addr --------",
    "Abort message: 'FATAL:foo.cc(10)] Check failed: x'",
    "[ 1.000000] Internal error: Oops: 5 [#1] PREEMPT SMP ARM",
    "[ 1.000000] [<c0667574>] (msm_vidc_prepare_buf+0xa0/0x124)",
    "BUG: KASAN: slab-out-of-bounds in foo+0x10/0x20 at addr ffff8800",
    "Write of size 4 at addr ffff880012345678 by task a/1",
    "Kernel panic - not syncing: Fatal exception",
    "Linux Kernel Library Stack Trace:",
    "panic: runtime error: index out of range [5] with length 3",
    "main.foo(0x1, 0x2)\n\t/src/a.go:10 +0x1",
    "fatal error: stack overflow",
    "thread 'main' panicked at 'it works!', src/lib.rs:1:1",
    "== Java Exception: java.lang.IllegalStateException: x",
    "\tat com.example.Foo.bar(Foo.java:10)",
    "FATAL EXCEPTION: main",
    "=== Uncaught Python exception: ===",
    "  File \"/a.py\", line 3, in foo",
    "==1== Uncaught Exception: Jazzer.js: x",
    "    at exploreMe (/out/a.ts:6:15)",
    "ChildEBP RetAddr",
    "0012f3a4 77b1c2d0 chrome!blink::Foo::bar+0x12",
    "Attempt to write to address 0000000000000000",
    "DEFAULT_BUCKET_ID:  NULL_POINTER_READ",
    "Trusted App crash stacktrace",
    "uSP+0x000000: 0x0000000000000000 in fe_invert",
    "===BUG DETECTED: Shell injection===",
    "SCARINESS: 10 (signal)",
    "SUMMARY: AddressSanitizer: heap-buffer-overflow",
    "AddressSanitizer:DEADLYSIGNAL",
    "xAddressSanitizer:DEADLYSIGNAL",
    "MiraclePtr Status: PROTECTED",
    "JNI DETECTED ERROR IN APPLICATION: invalid jobject",
    "Program received signal SIGTRAP, Trace/breakpoint trap.",
    "\u{2028}\r\n\x0b\x0c\u{85}é\u{0}",
];

fn check(log: &str, settings: &Settings) {
    let a = analyze(log, settings);
    if a.is_crash() {
        assert!(!a.crash_state.is_empty(), "a crash always has a state");
        assert!(
            a.crash_state == "NULL" || a.crash_state.ends_with('\n'),
            "state ends with a newline: {:?}",
            a.crash_state
        );
        assert!(
            a.crash_state.lines().count() <= 4,
            "at most three frames (plus a check message): {:?}",
            a.crash_state
        );
    }
    let sig = a.signature();
    assert_eq!(compare(&sig, &sig) == Similarity::Exact, a.is_crash());
}

fn settings_strategy() -> impl Strategy<Value = Settings> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        proptest::option::of("[a-z_]{1,12}"),
    )
        .prop_map(|(symbolized, ooms, v8, ft)| Settings {
            symbolized,
            detect_ooms_and_hangs: ooms,
            detect_v8_runtime_errors: v8,
            fuzz_target: ft,
            ..Settings::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), s in settings_strategy()) {
        let a = analyze_bytes(&bytes, &s);
        check(&String::from_utf8_lossy(&bytes), &s);
        prop_assert_eq!(a.is_crash(), !a.crash_type.is_empty());
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}", s in settings_strategy()) {
        check(&text, &s);
    }

    #[test]
    fn crash_vocabulary_never_panics(
        parts in proptest::collection::vec((0..FRAGMENTS.len(), "[ -~]{0,12}", 0..3u8), 0..40),
        s in settings_strategy(),
    ) {
        let mut log = String::new();
        for (i, noise, how) in parts {
            match how {
                0 => log.push_str(FRAGMENTS[i]),
                1 => { log.push_str(&noise); log.push_str(FRAGMENTS[i]); }
                _ => { log.push_str(FRAGMENTS[i]); log.push_str(&noise); }
            }
            log.push('\n');
        }
        check(&log, &s);
    }
}

/// Real logs, truncated and with bytes flipped.
#[test]
fn mutated_real_logs_never_panic() {
    let Some(dir) = levee_testdata::shared_data("sanitizer-crashes/logs") else {
        return;
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    paths.sort();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let settings = Settings::default();
    for p in paths {
        let bytes = std::fs::read(&p).expect("readable");
        if bytes.len() > 60_000 {
            continue;
        }
        for _ in 0..3 {
            let mut b = bytes.clone();
            let cut = (next() as usize) % (b.len() + 1);
            b.truncate(cut);
            for _ in 0..8 {
                if b.is_empty() {
                    break;
                }
                let i = (next() as usize) % b.len();
                b[i] = (next() & 0xff) as u8;
            }
            check(&String::from_utf8_lossy(&b), &settings);
        }
    }
}
