//! Compiled line patterns, re-implemented after ClusterFuzz's stack analyzer
//! (`src/clusterfuzz/stacktraces/constants.py`). Every pattern is applied to a
//! single line and anchored at its start (Python's `re.match`). Constructs the
//! `regex` crate lacks (look-around, back-references) are handled in code.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, Anchored, Input, StartKind};
use regex::{Regex, RegexBuilder};

fn re(p: &str) -> Regex {
    // Patterns are constants of this crate; a bad one is a programming error
    // caught by the unit test `all_patterns_compile`.
    RegexBuilder::new(&format!("^(?:{p})"))
        .size_limit(1 << 24)
        .dfa_size_limit(1 << 25)
        .build()
        .unwrap_or_else(|e| panic!("bad built-in pattern {p:?}: {e}"))
}

fn re_unanchored(p: &str) -> Regex {
    RegexBuilder::new(p)
        .size_limit(1 << 24)
        .dfa_size_limit(1 << 25)
        .build()
        .unwrap_or_else(|e| panic!("bad built-in pattern {p:?}: {e}"))
}

fn re_i(p: &str) -> Regex {
    RegexBuilder::new(&format!("^(?:{p})"))
        .case_insensitive(true)
        .size_limit(1 << 24)
        .dfa_size_limit(1 << 25)
        .build()
        .unwrap_or_else(|e| panic!("bad built-in pattern {p:?}: {e}"))
}

const C_CPP_EXT: &str = "c|cc|cpp|cxx|h|hh|hpp|hxx";
const GOOGLE_LOG_FATAL_PREFIX: &str = r"F\d{4}\s+\d{2}:\d{2}:\d{2}\.\d+\s+\d+\s+(.*):\d+\]";

pub(crate) struct Patterns {
    pub android_abort: Regex,
    pub android_fatal_exception: Regex,
    pub android_kernel_error: Regex,
    pub android_kernel_frame: Regex,
    pub android_kernel_frame_no_addr: Regex,
    pub android_kernel_time: Regex,
    pub android_process_name: Regex,
    pub android_segv: Regex,
    pub android_sigabrt: Regex,
    pub android_sigtrap: Regex,
    pub asan_invalid_free: Regex,
    pub asan_double_free: Regex,
    pub asan_memcpy_overlap: Regex,
    pub asan: Regex,
    pub assert: Regex,
    pub assert_google: Regex,
    pub assert_glibc: Regex,
    pub assert_glibc_suffixed: Regex,
    pub assert_not_reached: Regex,
    pub centipede_timeout: Regex,
    pub centipede_stack_limit: Regex,
    pub cfi_error: Regex,
    pub cfi_invalid_downcast: Regex,
    pub cfi_invalid_vptr: Regex,
    pub cfi_func_defined_here: Regex,
    pub cfi_nodebug: Regex,
    pub chrome_check_failure: Regex,
    pub chrome_frame: Regex,
    pub chrome_win_frame: Regex,
    pub chrome_mac_frame: Regex,
    pub msan_tsan: Regex,
    pub command_injection: Regex,
    pub arbitrary_file_open: Regex,
    pub arbitrary_dns: Regex,
    pub pysecsan: Regex,
    pub fatal_error_generic: Regex,
    pub fatal_error_check: Regex,
    pub fatal_error_dcheck: Regex,
    pub fatal_error: Regex,
    pub fatal_error_line: Regex,
    pub fatal_error_unreachable: Regex,
    pub fuzzer_dir: Regex,
    pub fuzzer_exit: Regex,
    pub generic_segv_handler: Regex,
    pub google_check_failure: Regex,
    pub google_log_fatal: Regex,
    pub hwasan_tail_overwritten: Regex,
    pub jazzer_security_exception: Regex,
    pub jazzer_exception: Regex,
    pub java_exception_frame: Regex,
    pub kernel_bug: Regex,
    pub kasan_access_type: Regex,
    pub kasan_access_type_address: Regex,
    pub kasan_type_address: Regex,
    pub kasan_type_address_range: Regex,
    pub kasan_type_function: Regex,
    pub kasan_gpf: Regex,
    pub kernel_panic: Regex,
    pub libfuzzer_deadly_signal: Regex,
    pub libfuzzer_target_exited: Regex,
    pub libfuzzer_overwrites_const: Regex,
    pub libfuzzer_timeout: Regex,
    pub library_not_found_android: Regex,
    pub library_not_found_linux: Regex,
    pub gdb_crash_type: Regex,
    pub gdb_crash_address: Regex,
    pub gdb_crash_address_no_regs: Regex,
    pub mac_gdb_crash_address: Regex,
    pub out_of_memory: Regex,
    pub runtime_error: Regex,
    pub runtime_error_line: Regex,
    pub rust_assert: Regex,
    pub san_abrt: Regex,
    pub san_breakpoint: Regex,
    pub san_check_failure: Regex,
    pub san_crash_type_address: Regex,
    pub san_deadlysignal: Regex,
    pub san_fpe: Regex,
    pub san_ill: Regex,
    pub san_trap: Regex,
    pub san_segv_crash_type: Regex,
    pub san_frame: Regex,
    pub san_addr: Regex,
    pub san_segv: Regex,
    pub security_check_failure: Regex,
    pub security_dcheck_failure: Regex,
    pub symbol_not_found: Regex,
    pub trusty_frame: Regex,
    pub ubsan_runtime_error: Regex,
    pub ubsan_vptr: Regex,
    pub ubsan_vptr_invalid_downcast: Regex,
    pub ubsan_vptr_invalid_offset: Regex,
    pub ubsan_vptr_invalid_vptr: Regex,
    pub v8_abort_failure: Regex,
    pub v8_abort_metadata: Regex,
    pub v8_correctness_failure: Regex,
    pub v8_correctness_metadata: Regex,
    pub v8_error: Regex,
    pub v8_sandbox_violation: Regex,
    pub cdb_frame: Regex,
    pub cdb_crash_type_address: Regex,
    pub cdb_crash_type: Regex,
    pub cdb_stack_overflow: Regex,
    pub windows_san_ill: Regex,
    pub wycheproof: Regex,
    pub golang_types: Vec<(Regex, &'static str)>,
    pub golang_fatal_error: Regex,
    pub golang_frame: Regex,
    pub python_unhandled: Regex,
    pub python_frame: Regex,
    pub jazzer_js_uncaught: Regex,
    pub jazzer_js_frame: Regex,
    pub ubsan_types: Vec<(Regex, &'static str)>,
    pub frame_ignore: FrameIgnore,
}

pub(crate) static P: LazyLock<Patterns> = LazyLock::new(Patterns::new);

/// Frames matching any of these (anchored at the start, after `\` → `/`) are
/// never part of a crash state. After ClusterFuzz's STACK_FRAME_IGNORE_REGEXES.
/// Frames never used in a crash state (after `\\` → `/`), after ClusterFuzz's
/// STACK_FRAME_IGNORE_REGEXES, split by kind so that most checks are literal.
/// Whole frame equal to one of these:
const FRAME_IGNORE_EXACT: &[&str] = &[
    r"abort",
    r"exit",
    r"pthread_create",
    r"pthread_kill",
    r"raise",
    r"tgkill",
    r"__chk_fail",
    r"__fortify_fail",
    r"<unknown>",
    r"[vdso]",
    r"panic",
];
/// Frame starts with one of these:
const FRAME_IGNORE_PREFIX: &[&str] = &[
    r"_$LT$",
    r"aeabi_",
    r"__aeabi_",
    r"memcmp",
    r"__memcmp",
    r"memcpy",
    r"__memcpy",
    r"memmove",
    r"__memmove",
    r"memset",
    r"__memset",
    r"strcmp",
    r"__strcmp",
    r"strcpy",
    r"__strcpy",
    r"strdup",
    r"__strdup",
    r"strlen",
    r"__strlen",
    r"strncpy",
    r"__strncpy",
    r"<null>",
    r"Abort(",
    r"CFCrash",
    r"ExitCallback",
    r"IsSandboxedProcess",
    r"LLVMFuzzerTestOneInput",
    r"MSanAtExitWrapper",
    r"New",
    r"RaiseException",
    r"SbSystemBreakIntoDebugger",
    r"SignalAction",
    r"SignalHandler",
    r"TestOneProtoInput",
    r"WTF::",
    r"WTFCrash",
    r"X11Error",
    r"_L_unlock_",
    r"__GI_",
    r"___interceptor_backtrace",
    r"__asan::",
    r"__asan_",
    r"__assert_",
    r"__cxa_atexit",
    r"__cxa_rethrow",
    r"__cxa_throw",
    r"__dump_stack",
    r"__hwasan::",
    r"__hwasan_",
    r"__interceptor_",
    r"__kasan_",
    r"__libc_",
    r"__lsan::",
    r"__lsan_",
    r"__msan::",
    r"__msan_",
    r"__pthread_kill",
    r"__run_exit_handlers",
    r"__rust_try",
    r"__sanitizer::",
    r"__sanitizer_",
    r"__tsan::",
    r"__tsan_",
    r"__ubsan::",
    r"__ubsan_",
    r"_asan_",
    r"_hwasan_",
    r"_lsan_",
    r"_msan_",
    r"_objc_terminate",
    r"_sanitizer_",
    r"_start",
    r"_tsan_",
    r"_ubsan_",
    r"abort",
    r"alloc::",
    r"android.app.ActivityManagerProxy.",
    r"android.os.Parcel.",
    r"art::Thread::CreateNativeThread",
    r"asan_",
    r"asan.module_ctor",
    r"asan.module_dtor",
    r"calloc",
    r"check_memory_region",
    r"common_exit",
    r"core::fmt::write",
    r"delete",
    r"demangling_terminate_handler",
    r"dump_backtrace",
    r"dump_stack",
    r"exit_or_terminate_process",
    r"fpehandler(",
    r"free",
    r"fuzzer::",
    r"g_log",
    r"generic_cpp_",
    r"gsignal",
    r"kasan_",
    r"libfuzzer_sys::initialize",
    r"main",
    r"malloc",
    r"mozalloc_",
    r"new",
    r"object_err",
    r"operator",
    r"panic_abort::",
    r"print_trailer",
    r"realloc",
    r"rust_begin_unwind",
    r"rust_fuzzer_test_input",
    r"rust_oom",
    r"rust_panic",
    r"scanf",
    r"show_stack",
    r"core::panic",
    r"std::__terminate",
    r"std::io::Write::write_fmt",
    r"std::panic",
    r"std::process::abort",
    r"std::sys::unix::abort",
    r"std::sys::backtrace",
    r"std::sys_common::backtrace",
    r"__rust_start_panic",
    r"__scrt_common_main_seh",
    r"c:/clusterfuzz/bot/build",
    r"runtime.",
    r"CrashTrampolineAsm",
    r"libc_io_functions_not_implemented_use_fdio_instead",
    r"__zx_panic",
    r"syslog::LogMessage",
    r"print_address_description",
    r"_etext",
    r"_swift_stdlib_",
    r"V8_Fatal",
    r"blink::ReportV8FatalError",
    r"v8::api_internal::ToLocalEmpty",
    r"v8::internal::Isolate::PushStackTraceAndDie",
    r"absl::log_internal::",
    r"SkAbort_FileLine",
    r"SkMutex::~SkMutex",
];
/// Frame contains one of these:
const FRAME_IGNORE_CONTAINS: &[&str] = &[
    r"ASAN_OnSIGSEGV",
    r"BaseThreadInitThunk",
    r"DebugBreak",
    r"DefaultDcheckHandler",
    r"ForceCrashOnSigAbort",
    r"MemoryProtection::CMemoryProtector",
    r"PartitionAlloc",
    r"RtlFreeHeap",
    r"RtlInitializeExceptionChain",
    r"RtlReportCriticalFailure",
    r"RtlUserThreadStart",
    r"RtlpHeapHandleError",
    r"RtlpLogHeapFailure",
    r"SkDebugf",
    r"StackDumpSignalHandler",
    r"__android_log_assert",
    r"__tmainCRTStartup",
    r"_asan_rtl_",
    r"agent::asan::",
    r"allocator_shim",
    r"asan_Heap",
    r"asan_check_access",
    r"asan_osx_dynamic.dylib",
    r"assert",
    r"base::FuzzedDataProvider",
    r"base::allocator",
    r"base::android::CheckException",
    r"base::debug::BreakDebugger",
    r"base::debug::CollectStackTrace",
    r"base::debug::StackTrace::StackTrace",
    r"ieee754-",
    r"libpthread",
    r"logger",
    r"logging::CheckError",
    r"stdext::exception::what",
    r"v8::base::OS::Abort",
    r"Runtime_AbortCSADcheck",
    r" base/callback",
    r" /rust/",
    r" /rustc/",
    r"/AOSP-toolchain/",
    r"/bindings/ToV8.h",
    r"/crosstool/",
    r"/gcc/",
    r"/glibc-",
    r"/googletest/",
    r"/jemalloc/",
    r"/libc++",
    r"/libc/",
    r"/llvm-build/",
    r"/minkernel/crts/",
    r"/sanitizer_common/",
    r"/tcmalloc/",
    r"/vc/include/",
    r"/vctools/crt/",
    r"/win_toolchain/",
    r"libc++/",
    r"third_party/fuzztest/",
    r"/memorycmp.c",
    r"+Unknown",
    r"<unknown module>",
    r"Inline Function @",
    r"centipede::",
    r"fuzztest::internal::",
];
/// The rest, as regexes anchored at the start of the frame:
const FRAME_IGNORE_REGEX: &[&str] = &[
    r"libgcc_s.so.*",
    r".*logging::.*LogMessage",
    r".*logging::.*NoreturnError",
    r"linux-gate.so.*$",
    r"<libclang_rt.asan.so>",
];

/// Ignored only when the log is symbolized (libc frames): contains …
const FRAME_IGNORE_IF_SYMBOLIZED_CONTAINS: &[&str] =
    &["libc.so", "libc++.so", "libc++_shared.so", "libstdc++.so"];
/// … or matches (anchored):
const FRAME_IGNORE_IF_SYMBOLIZED_REGEX: &str = r".*libc-.*\.so";

/// Decides whether a frame is ignored; literal lists use Aho-Corasick.
pub(crate) struct FrameIgnore {
    prefix: AhoCorasick,
    contains: AhoCorasick,
    regex: Regex,
    sym_contains: AhoCorasick,
    sym_regex: Regex,
}

fn ac(kind: StartKind, pats: &[&str]) -> AhoCorasick {
    AhoCorasick::builder()
        .start_kind(kind)
        .build(pats)
        .unwrap_or_else(|e| panic!("frame ignore automaton: {e}"))
}

impl FrameIgnore {
    fn new() -> Self {
        FrameIgnore {
            prefix: ac(StartKind::Anchored, FRAME_IGNORE_PREFIX),
            contains: ac(StartKind::Unanchored, FRAME_IGNORE_CONTAINS),
            regex: re(&FRAME_IGNORE_REGEX.join("|")),
            sym_contains: ac(StartKind::Unanchored, FRAME_IGNORE_IF_SYMBOLIZED_CONTAINS),
            sym_regex: re(FRAME_IGNORE_IF_SYMBOLIZED_REGEX),
        }
    }

    /// `frame` has `\\` already replaced by `/`.
    pub fn is_ignored(&self, frame: &str, symbolized: bool) -> bool {
        FRAME_IGNORE_EXACT.contains(&frame)
            || self
                .prefix
                .find(Input::new(frame).anchored(Anchored::Yes))
                .is_some()
            || self.contains.is_match(frame)
            // The regexes need one of these literals; skip them otherwise.
            || ((frame.starts_with("libgcc_s")
                || frame.starts_with("linux-gate")
                || frame.starts_with("<libclang_rt")
                || frame.contains("logging::"))
                && self.regex.is_match(frame))
            || (symbolized
                && (self.sym_contains.is_match(frame)
                    || (frame.contains("libc-") && self.sym_regex.is_match(frame))))
    }
}

impl Patterns {
    fn new() -> Self {
        let golang =
            |what: &str| re_i(&format!(r"(?:.* )?panic( in .*)?: runtime error: {what}.*"));
        Patterns {
            android_abort: re(r"Abort message: (.*)"),
            android_fatal_exception: re(r".*FATAL EXCEPTION.*:"),
            android_kernel_error: re(r".*Internal error: (Oops)?( -|:) (BUG|[0-9a-fA-F]+)"),
            android_kernel_frame: re(
                r"[^(]*\[<([x0-9a-fA-F]+)>\]\s+\(?(([\w]+)\+([\w]+)/[\w]+)\)?",
            ),
            android_kernel_frame_no_addr: re(r"\(?(([\w]+)\+([\w]+)/[\w]+)\)?"),
            android_kernel_time: re(r"\[\s*\d+\.\d+\]\s"),
            android_process_name: re(r".*[(](.*)[)]$"),
            android_segv: re(r".*signal.*\(SIG.*fault addr ([^ ]*)(.*)"),
            android_sigabrt: re(r".*signal.*\(SIGABRT.*fault addr --------"),
            android_sigtrap: re(r".*signal.*\(SIGTRAP.*fault addr ([^ ]*)(.*)"),
            asan_invalid_free: re(
                r".*AddressSanitizer: attempting free on address which was not malloc\(\)-ed: ([xX0-9a-fA-F]+)",
            ),
            asan_double_free: re(
                r".*(AddressSanitizer).*double-free on (unknown address |address |)([xX0-9a-fA-F]+)",
            ),
            asan_memcpy_overlap: re(r".*(AddressSanitizer).*memcpy-param-overlap[^\[]*([\[].*[)])"),
            asan: re(r".*ERROR: (HWAddressSanitizer|AddressSanitizer)[: ]*[ ]*([^(:;]+)"),
            assert: re_i(&format!(
                r"(?:\[.*?\]|.*\.(?:{C_CPP_EXT}):.*)?\s*(?:ASSERT(?:ION)? FAIL(?:URE|ED)|panic): (.*)"
            )),
            assert_google: re(&format!(
                r"{GOOGLE_LOG_FATAL_PREFIX}.*assertion failed at\s.*\sin\s*.*: (.*)"
            )),
            assert_glibc: re_i(r#".*:\s*assertion [`'"]?(.*?)[`'"]? failed\.?$"#),
            assert_glibc_suffixed: re(r".*\S.*/.*:\d+:\s*assertion .* failed:\s*(\S.*)"),
            assert_not_reached: re(r"\s*SHOULD NEVER BE REACHED\s*$"),
            centipede_timeout: re(
                r"========= Timeout of \d+ seconds exceeded; exiting|========= Per-input timeout exceeded:",
            ),
            centipede_stack_limit: re(
                r"========= Stack limit exceeded: \d+ > \d+ \(byte\); aborting$",
            ),
            cfi_error: re(
                r"(.*): runtime error: control flow integrity check for type (.*) failed during (.*vtable address ([xX0-9a-fA-F]+)|.*)",
            ),
            cfi_invalid_downcast: re(r".*note: vtable is of type (.*)"),
            cfi_invalid_vptr: re(r".*note: invalid vtable$"),
            cfi_func_defined_here: re(r".*note: .* defined here$"),
            cfi_nodebug: re(r"CFI: Most likely a control flow integrity violation;.*"),
            chrome_check_failure: re(
                r"\s*\[[^\]]*[:]([^\](]*\([0-9]+\)|[^\]:]*[:][0-9]+).*\].*(?:Check failed:|DCHECK failed:|NOTREACHED hit.)\s*(.*)",
            ),
            chrome_frame: re(r"[ ]*(#(?P<frame_id>[0-9]+)[ ]([xX0-9a-fA-F]+)[ ])([^/\\]+)$"),
            chrome_win_frame: re(r"[ ]*([^/\\]+) \[([xX0-9a-fA-F]+)\+(\d+)\]( \((.*):(\d+)\))?"),
            chrome_mac_frame: re(
                r"(?P<frame_id>\d+)\s+(([\w ]+)|(\?\?\?))\s+([xX0-9a-fA-F]+)\s+([^/\\]+)\s*\+\s*(\d+)",
            ),
            // (?!ABRT)(?!ILL) is checked in code.
            msan_tsan: re(r".*(ThreadSanitizer|MemorySanitizer):\s+([^(:]+)"),
            command_injection: re(r"===BUG DETECTED: Shell (corruption|injection)==="),
            arbitrary_file_open: re(r"===BUG DETECTED: Arbitrary file open==="),
            arbitrary_dns: re(r"===BUG DETECTED: Arbitrary domain name resolution==="),
            pysecsan: re(r"===BUG DETECTED: PySecSan:"),
            fatal_error_generic: re(r"#\s+()(.*)"),
            fatal_error_check: re(
                r"#\s+(Check failed: |RepresentationChangerError: node #\d+:)(.*)",
            ),
            fatal_error_dcheck: re(r"#\s+(Debug check failed: )(.*)"),
            fatal_error: re(r"#\s*Fatal error in (.*)"),
            fatal_error_line: re(r"#\s*Fatal error in (.*), line [0-9]+"),
            fatal_error_unreachable: re(r"# un(reachable|implemented) code"),
            fuzzer_dir: re_i(r"\s*#\d 0x.*(?:fuzzer|fuzz/|/fuzz)"),
            fuzzer_exit: re_i(r"\s*(?:#0|#1) 0x.*(?:fuzzer|fuzz/|/fuzz)"),
            generic_segv_handler: re(r"Received signal 11 (?:SEGV_[A-Z]+|<unknown>) ([0-9a-f]*)"),
            google_check_failure: re(&format!(
                r"{GOOGLE_LOG_FATAL_PREFIX}\s*Check failed[:]\s*(.*)"
            )),
            google_log_fatal: re(&format!(r"{GOOGLE_LOG_FATAL_PREFIX}\s*(.*)")),
            hwasan_tail_overwritten: re(
                r".*ERROR: HWAddressSanitizer: allocation-tail-overwritten; heap object \[([xX0-9a-fA-F]+),.*of size",
            ),
            jazzer_security_exception: re(r"== Java Exception: .*FuzzerSecurityIssue"),
            jazzer_exception: re(r"== Java Exception: .*"),
            java_exception_frame: re(r"\s*at (.*)\(.*\)"),
            kernel_bug: re(r"kernel BUG at (.*)"),
            kasan_access_type: re(r"(Read|Write) of size ([0-9]+)"),
            kasan_access_type_address: re(
                r"(Read|Write) of size ([0-9]+) at (addr|address) ([a-f0-9]+)",
            ),
            kasan_type_address: re(r"BUG: KASAN: (.*) (in|on).*(addr|address) ([a-f0-9]+)"),
            kasan_type_address_range: re(r"KASAN: (.*?) (in|on) range \[([a-z0-9]+)-([a-z0-9]+)\]"),
            kasan_type_function: re(r"BUG: KASAN: (.*) (in|on).* ([\w]+)\+([\w]+)/([\w]+)"),
            kasan_gpf: re(r"general protection fault:.*KASAN"),
            kernel_panic: re(r"Kernel panic - not syncing: (.*)"),
            libfuzzer_deadly_signal: re(r".*ERROR:\s*libFuzzer:\s*deadly signal"),
            libfuzzer_target_exited: re(r".*ERROR:\s*libFuzzer:\s*fuzz target exited"),
            libfuzzer_overwrites_const: re(
                r".*ERROR:\s*libFuzzer:\s*fuzz target overwrites its const input",
            ),
            libfuzzer_timeout: re(r".*ERROR:\s*libFuzzer:\s*timeout"),
            // The back-reference of the original (same quote both sides) is
            // expanded into one alternative per quote character.
            library_not_found_android: re(
                r#".*: library (?:`(?P<a>.*)`|'(?P<b>.*)'|"(?P<c>.*)") not found"#,
            ),
            library_not_found_linux: re(
                r".*error while loading shared libraries: ([^:]*): cannot open shared object file",
            ),
            gdb_crash_type: re(r"Program received signal ([a-zA-Z]+),"),
            gdb_crash_address: re(r"rip[ ]+([xX0-9a-fA-F]+)"),
            gdb_crash_address_no_regs: re(r"(0[xX][0-9a-fA-F]+)\s+in\s+"),
            mac_gdb_crash_address: re(r"Reason:.*at address[^0-9]*([0-9a-zA-Z]+)"),
            // Unanchored, so the literal prefilter applies (same matches as
            // the original `.*(?:...).*` anchored pattern).
            out_of_memory: re_unanchored(&format!(
                "(?:{})",
                [
                    r"# Allocation failed.*out of memory",
                    r"::OnNoMemory",
                    r"ERROR.*Sanitizer failed to allocate",
                    r"FatalProcessOutOfMemory",
                    r"Fatal (?:process|JavaScript) out of memory:",
                    r"Fatal JavaScript invalid size error",
                    r"FX_OutOfMemoryTerminate",
                    r"Out of memory\. Dying.",
                    r"Out of memory\. size=",
                    r"Sanitizer: allocation-size-too-big",
                    r"Sanitizer: calloc-overflow",
                    r"Sanitizer: calloc parameters overflow",
                    r"Sanitizer: requested allocation size.*exceeds maximum supported size",
                    r"Sanitizer: out of memory",
                    r"TerminateBecauseOutOfMemory",
                    r"allocator is out of memory trying to allocate",
                    r"blinkGCOutOfMemory",
                    r"couldnt allocate.*Out of memory",
                    r"libFuzzer: out-of-memory \(",
                    r"rss limit exhausted",
                    r"in rust_oom",
                    r"Failure description: out-of-memory",
                    r"========= RSS limit exceeded:",
                    r"A device memory allocation has failed\.",
                    r"__rust_alloc_error_handler",
                ]
                .join("|")
            )),
            runtime_error: re(r"#\s*Runtime error in (.*)"),
            runtime_error_line: re(r"#\s*Runtime error in (.*), line [0-9]+"),
            rust_assert: re_i(r"thread\s.*\spanicked at '([^']*)"),
            san_abrt: re(r".*[a-zA-Z]+Sanitizer: ABRT "),
            san_breakpoint: re(r".*[a-zA-Z]+Sanitizer: breakpoint "),
            san_check_failure: re(r".*Sanitizer CHECK failed[:]\s*[^ ]*\s*(.*)"),
            san_crash_type_address: re(r"[ ]*([^ ]*|Atomic [^ ]*) of size ([^ ]*) at ([^ ]*)"),
            san_deadlysignal: re(
                r"(Address|Leak|Memory|UndefinedBehavior|Thread)Sanitizer:DEADLYSIGNAL",
            ),
            san_fpe: re(r".*[a-zA-Z]+Sanitizer: FPE "),
            san_ill: re(r".*[a-zA-Z]+Sanitizer: ILL "),
            san_trap: re(r".*[a-zA-Z]+Sanitizer: TRAP "),
            san_segv_crash_type: re(r".*The signal is caused by a ([A-Z]+) memory access."),
            san_frame: re(concat!(
                r"\s*#(?P<frame_id>\d+)\s+",
                r"([xX0-9a-fA-F]+)\s+",
                r"((in\s*(((.*)\+([xX0-9a-fA-F]+))|(.*)) ",
                r"(",
                r"(([^ ]+):(\d+):(\d+))|(([^ ]+):(\d+))",
                r"|",
                r"(\(([^+]+)(\+([xX0-9a-fA-F]+))?\)))",
                r")",
                r"|",
                r"(in\s*(((.*)\+([xX0-9a-fA-F]+))|(.*)))",
                r"|",
                r"(\((((.*)\+([xX0-9a-fA-F]+))|(.*))\))",
                r")"
            )),
            san_addr: re(
                r".*(ERROR: [a-zA-Z]+Sanitizer)[: ]*(.*) on (unknown address |address |)([xX0-9a-fA-F]+)",
            ),
            san_segv: re(
                r".*([a-zA-Z]+Sanitizer).*(SEGV|access-violation) on unknown address ([xX0-9a-fA-F]+)",
            ),
            security_check_failure: re(
                r".*\[[^\]]*[:]([^\](]*).*\].*Security CHECK failed[:]\s*(.*)\.\s*",
            ),
            security_dcheck_failure: re(
                r".*\[[^\]]*[:]([^\](]*).*\].*Security DCHECK failed[:]\s*(.*)\.\s*",
            ),
            symbol_not_found: re(
                r#".*: cannot locate symbol (?:`(?P<a>.*)`|'(?P<b>.*)'|"(?P<c>.*)") referenced by"#,
            ),
            trusty_frame: re(r"(uSP)\+([a-zA-Z0-9]{6}): (0x[a-fA-F0-9]{16}) in (\w+)"),
            ubsan_runtime_error: re(r"(.*): runtime error: (.*)"),
            ubsan_vptr: re(
                r"(.*): runtime error: (member access within|member call on|downcast of) address ([xX0-9a-fA-F]+) .* of type (.*)",
            ),
            ubsan_vptr_invalid_downcast: re(r".*note: object is of type (.*)"),
            ubsan_vptr_invalid_offset: re(r".*at offset (\d+) within object of type (.*)"),
            ubsan_vptr_invalid_vptr: re(r".*note: object has invalid vptr"),
            v8_abort_failure: re(r"abort: (CSA_(?:ASSERT|DCHECK) failed: .*)"),
            v8_abort_metadata: re(r"(.*?) \[(.*):\d+\]$"),
            v8_correctness_failure: re(r"#\s*V8 correctness failure"),
            v8_correctness_metadata: re(r"#\s*V8 correctness ((configs|sources|suppression): .*)"),
            v8_error: re(r"\s*\[[^\]]*\] V8 error: (.+)\.$"),
            v8_sandbox_violation: re(r"## V8 sandbox violation detected!$"),
            cdb_frame: re(
                r"([0-9a-zA-Z`]+) ([0-9a-zA-Z`]+) ([0-9a-zA-Z_]+)!(.*)\+([xX0-9a-fA-F]+)",
            ),
            cdb_crash_type_address: re(r"Attempt to (.*) [^ ]* address (.*)"),
            cdb_crash_type: re(r".*DEFAULT_BUCKET_ID[ ]*[:][ ]*([a-zA-Z_]+)"),
            cdb_stack_overflow: re(r".*ExceptionCode: .*\(Stack overflow\).*"),
            windows_san_ill: re(r".*[a-zA-Z]+Sanitizer: illegal-instruction"),
            wycheproof: re(r".*\) (.*\(com\.google\.security\.wycheproof\.[a-zA-Z0-9]*\))"),
            golang_types: vec![
                (golang("integer divide by zero"), "Integer divide by zero"),
                (golang("index out of range"), "Index out of range"),
                (golang("invalid memory address"), "Invalid memory address"),
                (
                    golang("makeslice: len out of range"),
                    "Makeslice: len out of range",
                ),
                (
                    golang("slice bounds out of range"),
                    "Slice bounds out of range",
                ),
                (re(r"fatal error: stack overflow.*"), "Stack overflow"),
            ],
            golang_fatal_error: re(r"fatal error: (.*)"),
            golang_frame: re(r"([0-9a-zA-Z\.\-_\\/\(\)\*]+)\([x0-9a-f\s,\.{}]*\)$"),
            python_unhandled: re(r"\s*=== Uncaught Python exception: ===$"),
            python_frame: re(r#"\s*File "([^"]+)", line (\d+), in (.+)$"#),
            jazzer_js_uncaught: re(r"\s*==\d+== Uncaught Exception: Jazzer.js: .*"),
            jazzer_js_frame: re(r"\s* at ([^\s]+) \(.*:\d+:\d+\)"),
            ubsan_types: vec![
                (re(r".*division by zero.*"), "Divide-by-zero"),
                (
                    re(r".*outside the range of representable values.*"),
                    "Float-cast-overflow",
                ),
                (
                    re(r".*implicit conversion from type.*"),
                    "Implicit-conversion",
                ),
                (
                    re(r".*call to function [^\s]+ through pointer to incorrect function type.*"),
                    "Incorrect-function-pointer-type",
                ),
                (re(r".*out of bounds for type.*"), "Index-out-of-bounds"),
                (
                    re(r".*not a valid value for type '(bool|BOOL)'.*"),
                    "Invalid-bool-value",
                ),
                (
                    re(r".*, which is not a valid argument.*"),
                    "Invalid-builtin-use",
                ),
                (re(r".*misaligned address.*"), "Misaligned-address"),
                (
                    re(r".*reached the end of a value-returning function.*"),
                    "No-return-value",
                ),
                (
                    re(r".*null pointer passed as .*, which is declared to never be null.*"),
                    "Invalid-null-argument",
                ),
                (re(r".*load of null pointer.*"), "Null-dereference READ"),
                (
                    re(r".*(binding to|access within|call on) null pointer.*"),
                    "Null-dereference",
                ),
                (re(r".*store to null pointer.*"), "Null-dereference WRITE"),
                (
                    re(r".*address .* with insufficient space for an object of type.*"),
                    "Object-size",
                ),
                (
                    re(concat!(
                        r".*((addition|subtraction) of unsigned offset |",
                        r"pointer index expression with base |",
                        r"applying non-zero offset [0-9]+ to null pointer|",
                        r"applying zero offset to null pointer).*"
                    )),
                    "Pointer-overflow",
                ),
                (
                    re(r".*null pointer returned from function declared to never return null.*"),
                    "Invalid-null-return",
                ),
                (re(r".*shift.*"), "Undefined-shift"),
                (
                    re(r".*execution reached an unreachable program point.*"),
                    "Unreachable code",
                ),
                (
                    re(r".*unsigned integer overflow.*"),
                    "Unsigned-integer-overflow",
                ),
                (
                    re(r".*upcast of null pointer of type.*"),
                    "Upcast-of-null-pointer",
                ),
                (
                    re(r".*variable length array bound evaluates to non-positive value.*"),
                    "Non-positive-vla-bound-value",
                ),
                (re(r".*not a valid value for type.*"), "Invalid-enum-value"),
                (
                    re(
                        r".*(integer overflow|(negation|division) of.*cannot be represented in type).*",
                    ),
                    "Integer-overflow",
                ),
                (
                    re(r".*assumption is violated during execution.*"),
                    "Assumption-violation",
                ),
            ],
            frame_ignore: FrameIgnore::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn all_patterns_compile() {
        let p = &*super::P;
        assert!(p.san_frame.is_match("    #0 0x1 in f a.c:1:2"));
        assert!(p.frame_ignore.is_ignored("__asan_memcpy", true));
        assert!(p.frame_ignore.is_ignored("abort", true));
        assert!(p.frame_ignore.is_ignored("foo /usr/lib/libc-2.31.so", true));
        assert!(!p
            .frame_ignore
            .is_ignored("foo /usr/lib/libc-2.31.so", false));
        assert!(p
            .frame_ignore
            .is_ignored("x logging::foo::LogMessage", false));
        assert!(!p.frame_ignore.is_ignored("blink::Foo", true));
    }
}
