//! The line-by-line state machine that turns a crash log into a crash type,
//! address and state. Behaviour follows ClusterFuzz's `StackParser.parse`
//! (re-implemented, same order of rules), so signatures are comparable with
//! the ones ClusterFuzz computes.

use std::collections::BTreeSet;

use memchr::memmem;
use regex::{Captures, Regex};

use crate::keywords::{has, has_ci, Kw};
use crate::patterns::P;
use crate::sanframe::san_frame_span;
use crate::text::{
    address_to_integer, capitalize, filter_addresses_and_numbers, filter_stack_frame,
    fix_check_failure_string, fix_filename_string, is_printable, split_deadlysignal, split_lines,
};
use crate::Settings;

pub(crate) const MAX_CRASH_STATE_FRAMES: usize = 3;
const LINE_LENGTH_CAP: usize = 80;
const MAX_CYCLE_LENGTH: usize = 10;
const REPEATED_CYCLE_COUNT: usize = 3;
const JNI_ERROR_STRING: &str = "JNI DETECTED ERROR IN APPLICATION:";
const MAX_LINE_LEN: usize = 1024 * 1024;

const IGNORE_TYPES_FOR_ABRT_BREAKPOINT_ILL: &[&str] = &[
    "Arbitrary file open",
    "ASSERT",
    "CHECK failure",
    "Command injection",
    "DCHECK failure",
    "Fatal error",
    "Security CHECK failure",
    "Security DCHECK failure",
    "Stack-overflow",
    "Out-of-memory",
    "Timeout",
    "Unreachable code",
    "V8 API error",
    "V8 sandbox violation",
];

/// ClusterFuzz's STATE_STOP_MARKERS: no more frames once one is seen.
fn has_stop_marker(kw: Kw) -> bool {
    has!(kw, "Direct leak of")
        || has!(kw, "Uninitialized value was stored to memory at")
        || has!(kw, "allocated by thread")
        || has!(kw, "created by main thread at")
        || has!(kw, "located in stack of thread")
        || has!(kw, "previously allocated by")
}

const ASSERT_CRASH_ADDRESSES: &[u128] = &[
    0x0000_bbad_beef,
    0x0000_fbad_beef,
    0x0000_1f75_b7dd,
    0x0000_9775_37dd,
    0x0000_9f75_37dd,
];

pub(crate) fn is_assert_crash_address(a: u128) -> bool {
    ASSERT_CRASH_ADDRESSES.contains(&a)
}

/// Raw result of one parse, before the security decision.
#[derive(Debug, Default, Clone)]
pub(crate) struct State {
    pub crash_type: String,
    pub crash_address: String,
    pub crash_state: String,
    pub categories: BTreeSet<&'static str>,
    pub frames: Vec<String>,
    frame_count: usize,
    process_name: Option<String>,
    process_died: bool,
    found_java_exception: bool,
    found_bad_cast_end: bool,
    check_failure_source_file: String,
    fatal_error_occurred: bool,
    fuzzer_dir_frames: usize,
    is_kasan: bool,
    is_golang: bool,
    is_python: bool,
    is_js: bool,
    is_trusty: bool,
    found_python_crash: bool,
    found_golang_crash: bool,
    /// The whole log matches the OOM pattern (else no line can).
    maybe_oom: bool,
    /// The keywords found anywhere in the log.
    pub log_kw: Kw,
}

fn rank(t: &str) -> u8 {
    match t {
        "V8 sandbox violation" => 2,
        "Timeout" => 1,
        _ => 0,
    }
}

impl State {
    fn set_type(&mut self, t: &str) {
        if rank(t) >= rank(&self.crash_type) {
            self.crash_type.clear();
            self.crash_type.push_str(t);
        }
    }
    fn reset(&mut self) {
        self.crash_address.clear();
        self.crash_state.clear();
        self.frame_count = 0;
        self.fuzzer_dir_frames = 0;
    }
}

fn grp<'h>(c: &Captures<'h>, i: usize) -> &'h str {
    c.get(i).map_or("", |m| m.as_str())
}

/// First non-empty of several groups (ClusterFuzz's frame specs).
fn first_grp<'h>(c: &Captures<'h>, idx: &[usize]) -> Option<&'h str> {
    idx.iter()
        .filter_map(|&i| c.get(i))
        .map(|m| m.as_str())
        .find(|s| !s.is_empty())
}

#[inline]
fn cap<'h>(re: &Regex, line: &'h str) -> Option<Captures<'h>> {
    re.captures(line)
}

/// `Sanitizer: ABRT|breakpoint|ILL|TRAP ` — cheap pre-check plus regexes.
fn is_signal_line(kw: Kw, line: &str) -> bool {
    if !has!(kw, "Sanitizer: ") {
        return false;
    }
    let p = &*P;
    p.san_abrt.is_match(line)
        || p.san_breakpoint.is_match(line)
        || p.san_ill.is_match(line)
        || p.san_trap.is_match(line)
}

fn should_ignore_line(kw: Kw, line: &str, st: &State) -> bool {
    st.process_died
        || has!(kw, ":INFO:CONSOLE")
        || has!(kw, "SUMMARY:")
        || has!(kw, "WARNING: AddressSanitizer")
        || has!(kw, "failed to mprotect 0x00010000")
        || has!(kw, "text run at (")
        || has!(kw, "Please include Java exception stack in crash report")
        || (has!(kw, "Sanitizer:DEADLYSIGNAL") && P.san_deadlysignal.is_match(line))
        || line.len() > MAX_LINE_LEN
}

/// Which frame layout matched; decides the extra per-frame processing.
#[derive(Clone, Copy, PartialEq)]
enum FrameKind {
    Cdb,
    San,
    Chrome,
    ChromeWin,
    Plain,
}

pub(crate) struct Parser<'s> {
    s: &'s Settings,
}

impl<'s> Parser<'s> {
    pub fn new(s: &'s Settings) -> Self {
        Parser { s }
    }

    fn ignore_frame(&self, frame: &str) -> bool {
        if frame.chars().nth(2).is_none() {
            return true;
        }
        let owned;
        let norm = if frame.contains('\\') {
            owned = frame.replace('\\', "/");
            owned.as_str()
        } else {
            frame
        };
        P.frame_ignore.is_ignored(norm, self.s.symbolized)
    }

    /// ClusterFuzz's `add_frame_on_match` after a successful match. Returns
    /// nothing: the caller already knows the line matched.
    fn add_frame(
        &self,
        st: &mut State,
        line: &str,
        raw: &str,
        kind: FrameKind,
        filter: fn(&str) -> String,
    ) {
        let raw = raw.trim();
        let mut frame = raw;
        // Strip sanitizer structure: "in fun" and "(module)".
        if let Some(rest) = frame.strip_prefix("in ") {
            frame = rest;
        } else if let Some(inner) = frame.strip_prefix('(').and_then(|f| f.strip_suffix(')')) {
            frame = inner;
        }
        let mut filter = filter;
        let mut owned: Option<String> = None;
        if kind == FrameKind::San {
            // Frames that only name a module ("(libfoo.so+0x1234)") are kept
            // unfiltered when the offset is known and non-zero.
            if !raw.starts_with("in") {
                let inner = raw
                    .strip_prefix('(')
                    .and_then(|f| f.strip_suffix(')'))
                    .unwrap_or("");
                let offset = inner.rsplit_once('+').and_then(|(_, h)| parse_hex_py(h));
                if offset.is_some_and(|o| o != 0) {
                    filter = |s| s.to_string();
                }
            }
            // LLVMFuzzerTestOneInput is replaced by the fuzz target's file name.
            if frame.starts_with("LLVMFuzzerTestOneInput") {
                if let Some(c) = P.san_frame.captures(line) {
                    if let Some(file) = first_grp(&c, &[12, 16]) {
                        let file = file.trim().replace('\\', "/");
                        let base = file.rsplit('/').next().unwrap_or("");
                        owned = Some(frame.replace("LLVMFuzzerTestOneInput", base));
                    }
                }
            }
        }
        let frame = owned.as_deref().unwrap_or(frame);
        if self.ignore_frame(frame) {
            return;
        }
        let filtered = filter(frame);
        if st.frame_count < MAX_CRASH_STATE_FRAMES {
            st.crash_state.push_str(&filtered);
            st.crash_state.push('\n');
            st.frame_count += 1;
            if has_byte(line, b'#') && P.fuzzer_dir.is_match(line) {
                st.fuzzer_dir_frames += 1;
            }
        }
        st.frames.push(filtered);
    }

    fn match_assert(&self, st: &mut State, line: &str, re: &Regex, group: usize) {
        if let Some(c) = cap(re, line) {
            st.set_type("ASSERT");
            st.frame_count = 1;
            if let Some(g) = c.get(group) {
                if !g.as_str().is_empty() {
                    st.crash_state = format!("{}\n", g.as_str());
                }
            }
        }
    }

    fn check_failure(&self, st: &mut State, line: &str, re: &Regex, crash_type: &str) {
        if let Some(c) = cap(re, line) {
            st.reset();
            st.set_type(crash_type);
            st.frame_count = 1;
            let failure = fix_check_failure_string(grp(&c, 2));
            let file = fix_filename_string(grp(&c, 1));
            st.crash_state = format!("{failure} in {file}\n");
        }
    }

    pub fn parse(&self, log: &str) -> State {
        let p = &*P;
        let mut lines = split_lines(log);
        let mut kws: Vec<Kw> = lines.iter().map(|l| Kw::scan(l)).collect();
        // Keywords have no line breaks, so each occurs in the log exactly
        // when it occurs in some line.
        let all = kws.iter().fold(Kw::default(), |a, &k| a | k);
        let mut st = State {
            is_kasan: has!(all, "KASAN"),
            is_golang: memmem::find(log.as_bytes(), b".go:").is_some(),
            is_python: has!(all, ".py\", line"),
            is_js: has!(all, "Uncaught Exception: Jazzer.js"),
            is_trusty: has!(all, "Trusted App crash stacktrace"),
            log_kw: all,
            ..State::default()
        };
        let is_lkl = has!(all, "Linux Kernel Library Stack Trace:");
        // Transformed lines (rare) are scanned again.
        let mut rescan = false;
        if has!(all, "Sanitizer:DEADLYSIGNAL") {
            lines = split_deadlysignal(lines, log.ends_with('\n'));
            rescan = true;
        }
        if is_lkl {
            for l in lines.iter_mut() {
                if l.starts_with('[') {
                    if let Some(m) = p.android_kernel_time.find(l) {
                        *l = l.get(m.end()..).unwrap_or("");
                    }
                }
            }
            rescan = true;
        }
        if st.is_python {
            lines = reverse_python_stacktrace(&lines);
            rescan = true;
        }
        if rescan {
            kws = lines.iter().map(|l| Kw::scan(l)).collect();
        }
        let has_san_signal = has!(all, "SCARINESS: ") && has_scariness_signal(log);
        // The OOM pattern has no anchors and `.` stops at `\n`, and every
        // line is a substring of the log: no match in the log, none in a line.
        let maybe_oom = p.out_of_memory.is_match(log);
        st.maybe_oom = maybe_oom;

        for (&line, &kw) in lines.iter().zip(kws.iter()) {
            if should_ignore_line(kw, line, &st) {
                continue;
            }
            if !self.s.detect_ooms_and_hangs && maybe_oom && p.out_of_memory.is_match(line) {
                return State {
                    log_kw: all,
                    ..State::default()
                };
            }
            if is_signal_line(kw, line)
                && IGNORE_TYPES_FOR_ABRT_BREAKPOINT_ILL.contains(&st.crash_type.as_str())
            {
                continue;
            }
            self.line(&mut st, kw, line, has_san_signal);
        }

        if st.fuzzer_dir_frames * 2 >= st.frame_count {
            st.categories.insert("Fuzzer-crash-state");
        }
        let logcat = has!(all, "Logcat:")
            .then(|| memmem::find(log.as_bytes(), b"\n\nLogcat:\n"))
            .flatten();
        if let Some(logcat) = logcat {
            let frame0 = memmem::find(log.as_bytes(), b"    #0");
            if frame0.is_none_or(|f| f > logcat) {
                st.categories.insert("Missing-libfuzzer-stacktrace");
            }
        }
        stack_overflow_cycle(&mut st);
        self.filter_crash_parameters(&mut st);
        st
    }

    #[allow(clippy::cognitive_complexity)]
    fn line(&self, st: &mut State, kw: Kw, line: &str, has_san_signal: bool) {
        let p = &*P;
        let s = self.s;

        if !st.crash_type.starts_with("Kernel failure") {
            if has_ci!(kw, "assert") || has_ci!(kw, "panic") {
                self.match_assert(st, line, &p.assert, 1);
            }
            if line.starts_with('F') && has!(kw, "assertion failed at") {
                self.match_assert(st, line, &p.assert_google, 2);
            }
            if has_ci!(kw, "assertion") {
                self.match_assert(st, line, &p.assert_glibc, 1);
                self.match_assert(st, line, &p.assert_glibc_suffixed, 1);
            }
            if has_ci!(kw, "panicked at") {
                self.match_assert(st, line, &p.rust_assert, 1);
            }
        }

        if has!(kw, "SHOULD NEVER BE REACHED") && p.assert_not_reached.is_match(line) {
            st.reset();
            st.set_type("ASSERT_NOT_REACHED");
        }

        if line.starts_with("Program received signal") {
            if let Some(c) = cap(&p.gdb_crash_type, line) {
                st.set_type(&grp(&c, 1).to_uppercase());
            }
        }
        if line.starts_with("rip") {
            if let Some(c) = cap(&p.gdb_crash_address, line) {
                st.crash_address = grp(&c, 1).trim().to_string();
            }
        }
        if line.starts_with('0') {
            if let Some(c) = cap(&p.gdb_crash_address_no_regs, line) {
                st.crash_address = grp(&c, 1).trim().to_string();
            }
        }
        if line.starts_with("Reason:") {
            if let Some(c) = cap(&p.mac_gdb_crash_address, line) {
                st.crash_address = grp(&c, 1).trim().to_string();
            }
        }
        if line.starts_with("Attempt to ") {
            if let Some(c) = cap(&p.cdb_crash_type_address, line) {
                st.set_type(grp(&c, 1).trim().to_uppercase().as_str());
                st.crash_address = format!("0x{}", grp(&c, 2).trim());
            }
        }

        // MemorySanitizer / ThreadSanitizer.
        if (has!(kw, "ThreadSanitizer") || has!(kw, "MemorySanitizer"))
            && !has!(kw, " suppressions")
            && !has!(kw, " warnings")
        {
            if let Some(c) = cap(&p.msan_tsan, line) {
                let t = grp(&c, 2);
                if !t.starts_with("ABRT") && !t.starts_with("ILL") {
                    st.reset();
                    st.set_type(&capitalize(t.trim()));
                }
            }
        }

        if (st.crash_type.is_empty() || st.crash_type == "Indirect-leak")
            && line.starts_with("Direct leak of ")
        {
            st.reset();
            st.set_type("Direct-leak");
        }
        if st.crash_type.is_empty() && line.starts_with("Indirect leak of ") {
            st.reset();
            st.set_type("Indirect-leak");
        }

        let has_runtime_error = has!(kw, ": runtime error: ");

        // UBSan vptr (bad cast).
        if st.crash_type.is_empty() && s.include_ubsan && has_runtime_error {
            if let Some(c) = cap(&p.ubsan_vptr, line) {
                st.set_type("Bad-cast");
                st.frame_count = 0;
                st.crash_address = grp(&c, 3).trim().to_string();
                st.crash_state = format!("Bad-cast to {}", grp(&c, 4).trim_matches('\''));
                st.found_bad_cast_end = false;
            }
        }

        if st.crash_type == "Bad-cast" && !st.found_bad_cast_end {
            let downcast = if has!(kw, "note: ") {
                cap(&p.ubsan_vptr_invalid_downcast, line)
                    .or_else(|| cap(&p.cfi_invalid_downcast, line))
            } else {
                None
            };
            if let Some(c) = downcast {
                st.crash_state.push_str(" from ");
                st.crash_state.push_str(grp(&c, 1).trim_matches('\''));
                st.found_bad_cast_end = true;
            }
            if has!(kw, "note: ")
                && (p.ubsan_vptr_invalid_vptr.is_match(line) || p.cfi_invalid_vptr.is_match(line))
            {
                st.crash_state.push_str(" from invalid vptr");
                st.found_bad_cast_end = true;
            }
            if has!(kw, "note: ") && p.cfi_func_defined_here.is_match(line) {
                st.found_bad_cast_end = true;
            }
            if has!(kw, " within object of type ") {
                if let Some(c) = cap(&p.ubsan_vptr_invalid_offset, line) {
                    st.crash_state
                        .push_str(" from base class subobject at offset ");
                    st.crash_state.push_str(grp(&c, 1));
                    st.found_bad_cast_end = true;
                }
            }
            if st.found_bad_cast_end {
                st.crash_state.push('\n');
                st.frame_count += 1;
            }
        }

        // CFI bad cast.
        if st.crash_type.is_empty() && has_runtime_error {
            if let Some(c) = cap(&p.cfi_error, line) {
                st.set_type("Bad-cast");
                st.frame_count = 0;
                st.crash_state = format!("Bad-cast to {}", grp(&c, 2).trim_matches('\''));
                if let Some(a) = c.get(4) {
                    if !a.as_str().is_empty() {
                        st.crash_address = a.as_str().to_string();
                    }
                }
                st.found_bad_cast_end = false;
            }
        }
        if st.crash_type.is_empty()
            && line.starts_with("CFI: Most likely")
            && p.cfi_nodebug.is_match(line)
        {
            st.set_type("Bad-cast");
            st.frame_count = 0;
        }

        // Go runtime errors come before UBSan (same "runtime error:" wording).
        if st.is_golang && (has!(kw, "runtime error: ") || line.starts_with("fatal error: ")) {
            for (re, t) in &p.golang_types {
                if re.is_match(line) {
                    st.set_type(t);
                    st.found_golang_crash = true;
                    st.crash_state.clear();
                    st.frame_count = 0;
                }
            }
        }

        if has_runtime_error && st.crash_type.is_empty() && s.include_ubsan {
            if let Some(c) = cap(&p.ubsan_runtime_error, line) {
                let reason = grp(&c, 2);
                st.crash_type = "UNKNOWN".to_string();
                for (re, t) in &p.ubsan_types {
                    if re.is_match(reason) {
                        st.set_type(t);
                        break;
                    }
                }
                st.crash_address.clear();
                st.crash_state.clear();
                st.frame_count = 0;
            }
        }

        if has!(kw, "memcpy-param-overlap") {
            if let Some(c) = cap(&p.asan_memcpy_overlap, line) {
                st.reset();
                st.set_type("Memcpy-param-overlap");
                st.crash_address = grp(&c, 2).trim().to_string();
            }
        }

        if st.is_python
            && (has!(kw, "=== Uncaught Python exception: ===")
                || has!(kw, "===BUG DETECTED: PySecSan:"))
        {
            if p.python_unhandled.is_match(line) {
                st.set_type("Uncaught exception");
                st.found_python_crash = true;
                st.crash_state.clear();
                st.frame_count = 0;
            }
            if p.pysecsan.is_match(line) {
                st.set_type("PySecSan");
                st.found_python_crash = true;
                st.crash_state.clear();
                st.frame_count = 0;
            }
        }

        if st.is_js
            && has!(kw, "Uncaught Exception: Jazzer.js")
            && p.jazzer_js_uncaught.is_match(line)
        {
            st.set_type("Uncaught exception");
            st.found_python_crash = true;
            st.crash_state.clear();
            st.frame_count = 0;
            return;
        }

        if st.is_trusty {
            st.crash_type = "Trusted app crash".to_string();
        }

        let has_sanitizer = has!(kw, "Sanitizer");
        if has_sanitizer && has!(kw, " on unknown address ") {
            if let Some(c) = cap(&p.san_segv, line) {
                let addr = grp(&c, 3);
                let mut skip = false;
                if st.crash_type.contains("ASSERT") {
                    let a = address_to_integer(addr);
                    if is_assert_crash_address(a) || has_san_signal {
                        skip = true;
                    }
                }
                if skip {
                    return;
                }
                st.set_type("UNKNOWN");
                st.crash_address = addr.to_string();
                st.crash_state.clear();
                st.frame_count = 0;
                return;
            }
        }

        if has!(kw, "AddressSanitizer: attempting free") {
            if let Some(c) = cap(&p.asan_invalid_free, line) {
                st.reset();
                st.set_type("Invalid-free");
                st.crash_address = grp(&c, 1).trim().to_string();
                return;
            }
        }
        if has!(kw, "double-free") {
            if let Some(c) = cap(&p.asan_double_free, line) {
                st.reset();
                st.set_type("Heap-double-free");
                st.crash_address = grp(&c, 3).trim().to_string();
                return;
            }
        }
        if has_sanitizer && has!(kw, "Sanitizer: FPE ") && p.san_fpe.is_match(line) {
            st.reset();
            st.set_type("Floating-point-exception");
            return;
        }

        if !st.crash_type.starts_with("Kernel failure")
            && !st.found_golang_crash
            && !st.found_python_crash
            && has!(kw, "ERROR: ")
            && has_sanitizer
        {
            if let Some(c) = cap(&p.san_addr, line) {
                st.reset();
                st.set_type(fix_sanitizer_crash_type(grp(&c, 2)).trim());
                st.crash_address = grp(&c, 4).trim().to_string();
            }
        }

        if has!(kw, "Sanitizer: illegal-instruction") && p.windows_san_ill.is_match(line) {
            st.set_type("Ill");
        }

        if st.crash_type == "Unknown-crash" {
            st.crash_type = "UNKNOWN".to_string();
        }

        if st.crash_type == "UNKNOWN" && has!(kw, "The signal is caused by a ") {
            if let Some(c) = cap(&p.san_segv_crash_type, line) {
                let t = grp(&c, 1);
                if t != "UNKNOWN" {
                    st.crash_type.push(' ');
                    st.crash_type.push_str(t);
                }
            }
        }

        if !st.is_kasan && has!(kw, " of size ") && line.contains(" at ") {
            if let Some(c) = cap(&p.san_crash_type_address, line) {
                st.crash_address = grp(&c, 3).trim().to_string();
                if !st.crash_type.starts_with("UNKNOWN") {
                    st.crash_type.push('\n');
                    st.crash_type.push_str(&grp(&c, 1).to_uppercase());
                    st.crash_type.push(' ');
                    st.crash_type.push_str(grp(&c, 2));
                }
            }
        }

        // Android SEGVs.
        let has_fault_addr = has!(kw, "fault addr ");
        if has_fault_addr && (!st.crash_type.starts_with("UNKNOWN") || !has!(kw, "Fatal signal")) {
            if let Some(c) = cap(&p.android_segv, line) {
                st.reset();
                st.set_type("UNKNOWN");
                st.found_java_exception = false;
                if has!(kw, "SEGV_MTESERR") {
                    st.crash_type = format!("Tag-mismatch{}", grp(&c, 2));
                }
                if has!(kw, "SIGSEGV") {
                    let a = grp(&c, 1);
                    st.crash_address = if a.starts_with("0x") {
                        a.to_string()
                    } else {
                        format!("0x{a}")
                    };
                }
                if let Some(pc) = cap(&p.android_process_name, grp(&c, 2)) {
                    st.process_name = Some(capitalize(grp(&pc, 1)));
                }
            }
        }

        if !IGNORE_TYPES_FOR_ABRT_BREAKPOINT_ILL.contains(&st.crash_type.as_str()) && has_fault_addr
        {
            if let Some(c) = cap(&p.android_sigtrap, line) {
                st.set_type("Trap");
                st.crash_address = grp(&c, 1).to_string();
            }
            if p.android_sigabrt.is_match(line) {
                st.set_type("Abort");
                st.crash_address.clear();
            }
        }

        if line.starts_with("Abort message: ") {
            if let Some(c) = cap(&p.android_abort, line) {
                st.set_type("CHECK failure");
                st.crash_address.clear();
                st.found_java_exception = true;
                let abort = grp(&c, 1);
                let frame = match abort.split_once(' ') {
                    Some((file, failure)) => format!(
                        "{} in {}",
                        fix_check_failure_string(failure),
                        fix_filename_string(&file.replace("FATAL:", ""))
                    ),
                    None => fix_check_failure_string(abort),
                };
                st.crash_state = format!("{frame}\n");
                st.frame_count = 1;
            }
        }

        if !st.is_kasan {
            if has!(kw, "Internal error: ") {
                if let Some(c) = cap(&p.android_kernel_error, line) {
                    st.reset();
                    st.set_type("Kernel failure");
                    st.set_type(android_kernel_fault(grp(&c, 3)).trim());
                }
            }
            if line.starts_with("Kernel panic - not syncing: ") {
                if let Some(c) = cap(&p.kernel_panic, line) {
                    st.reset();
                    st.set_type("Kernel failure");
                    let t = format!("Kernel failure\n{}", grp(&c, 1).replace(' ', "-"));
                    st.set_type(t.trim());
                }
            }
        }
        if line.starts_with("kernel BUG at ") {
            if let Some(c) = cap(&p.kernel_bug, line) {
                st.set_type("Kernel failure");
                st.set_type(kasan_type(grp(&c, 1)).trim());
            }
        }
        if has!(kw, "KASAN: ") {
            if line.starts_with("BUG: KASAN: ") {
                if let Some(c) = cap(&p.kasan_type_address, line) {
                    st.set_type("Kernel failure");
                    st.set_type(kasan_type(grp(&c, 1)).trim());
                    st.crash_address = format!("0x{}", grp(&c, 4).trim());
                }
            }
            if line.starts_with("KASAN: ") {
                if let Some(c) = cap(&p.kasan_type_address_range, line) {
                    st.set_type("Kernel failure");
                    st.set_type(kasan_type(grp(&c, 1)).trim());
                    st.crash_address = grp(&c, 3).trim().to_string();
                }
            }
            if line.starts_with("BUG: KASAN: ") {
                if let Some(c) = cap(&p.kasan_type_function, line) {
                    st.set_type("Kernel failure");
                    st.set_type(kasan_type(grp(&c, 1)).trim());
                }
            }
        }
        if line.starts_with("general protection fault:") && p.kasan_gpf.is_match(line) {
            st.set_type("Kernel failure\nGeneral-protection-fault");
        }

        if line.starts_with("===BUG DETECTED: ") {
            if p.command_injection.is_match(line) {
                st.set_type("Command injection");
            }
            if p.arbitrary_file_open.is_match(line) {
                st.set_type("Arbitrary file open");
            }
            if p.arbitrary_dns.is_match(line) {
                st.set_type("Arbitrary DNS resolution");
            }
            if p.pysecsan.is_match(line) {
                st.set_type("PySecSan");
            }
        }

        // KASAN: access details on a later line.
        if st.crash_type.starts_with("Kernel failure")
            && (line.starts_with("Read of size ") || line.starts_with("Write of size "))
        {
            let mut access = None;
            if let Some(c) = cap(&p.kasan_access_type_address, line) {
                if st.crash_address.is_empty() {
                    st.crash_address = format!("0x{}", grp(&c, 4));
                }
                access = Some(c);
            } else if let Some(c) = cap(&p.kasan_access_type, line) {
                access = Some(c);
            }
            if let Some(c) = access {
                st.crash_type.push('\n');
                st.crash_type.push_str(&grp(&c, 1).to_uppercase());
                st.crash_type.push(' ');
                st.crash_type.push_str(grp(&c, 2));
            }
        }

        if has!(kw, "Sanitizer CHECK failed") {
            if let Some(c) = cap(&p.san_check_failure, line) {
                st.set_type("Sanitizer CHECK failure");
                st.crash_address.clear();
                st.frame_count = MAX_CRASH_STATE_FRAMES;
                st.crash_state = format!("{}\n", grp(&c, 1));
                st.process_died = true;
                return;
            }
        }

        if has!(kw, "Security CHECK failed") {
            self.check_failure(
                st,
                line,
                &p.security_check_failure,
                "Security CHECK failure",
            );
        }
        if has!(kw, "Security DCHECK failed") {
            self.check_failure(
                st,
                line,
                &p.security_dcheck_failure,
                "Security DCHECK failure",
            );
        }

        if s.detect_ooms_and_hangs {
            if (has!(kw, "libFuzzer") && p.libfuzzer_timeout.is_match(line))
                || (line.starts_with("=========") && p.centipede_timeout.is_match(line))
            {
                st.reset();
                st.set_type("Timeout");
            }
            if st.maybe_oom && p.out_of_memory.is_match(line) {
                st.reset();
                st.set_type("Out-of-memory");
            }
        }

        if line.starts_with("========= Stack limit") && p.centipede_stack_limit.is_match(line) {
            st.set_type("Stack-overflow");
        }
        if line.starts_with("## V8 sandbox") && p.v8_sandbox_violation.is_match(line) {
            st.set_type("V8 sandbox violation");
        }

        if st.crash_type.is_empty() {
            self.no_type_yet(st, kw, line);
        }

        let has_hash = has_byte(line, b'#');
        if st.fatal_error_occurred && has_hash {
            let mut m = cap(&p.fatal_error_line, line);
            if m.is_some() {
                st.set_type("Fatal error");
            } else if s.detect_v8_runtime_errors {
                m = cap(&p.runtime_error_line, line);
                if m.is_some() {
                    st.set_type("RUNTIME_ASSERT");
                }
            }
            if let Some(c) = m {
                st.check_failure_source_file = fix_filename_string(grp(&c, 1));
                st.crash_state = format!("{}\n", st.check_failure_source_file);
                return;
            }

            let mut m = cap(&p.fatal_error_dcheck, line);
            if m.is_some() {
                st.reset();
                st.set_type("DCHECK failure");
            } else {
                m = cap(&p.fatal_error_check, line);
                if m.is_some() {
                    st.reset();
                    st.set_type("CHECK failure");
                } else {
                    m = cap(&p.fatal_error_generic, line);
                    if m.is_some() {
                        st.reset();
                    }
                }
            }
            if let Some(c) = m {
                if !grp(&c, 2).trim().is_empty() {
                    let failure = fix_check_failure_string(grp(&c, 2));
                    st.crash_state = if st.check_failure_source_file.is_empty() {
                        format!("{failure}\n")
                    } else {
                        format!("{failure} in {}\n", st.check_failure_source_file)
                    };
                    st.frame_count = 1;
                }
            }
            if p.fatal_error_unreachable.is_match(line) {
                st.reset();
                st.set_type("Unreachable code");
                if !st.check_failure_source_file.is_empty() {
                    st.crash_state = format!("{}\n", st.check_failure_source_file);
                }
            }
        }

        if has_hash && p.fuzzer_exit.is_match(line) {
            st.categories.insert("Fuzzer-exit");
        }

        if line.starts_with("ChildEBP RetAddr") {
            st.crash_state.clear();
            st.frame_count = 0;
        }

        if !st.crash_state.is_empty() && has_stop_marker(kw) {
            st.frame_count = MAX_CRASH_STATE_FRAMES;
            return;
        }

        if st.crash_type.is_empty() {
            return;
        }

        if has!(kw, "/art/runtime/") && st.crash_state.contains(JNI_ERROR_STRING) {
            return;
        }

        self.frames(st, kw, line, has_hash);
    }

    /// Rules that only apply while no crash type is known yet.
    fn no_type_yet(&self, st: &mut State, kw: Kw, line: &str) {
        let p = &*P;
        let s = self.s;
        if has!(kw, "(Stack overflow)") && p.cdb_stack_overflow.is_match(line) {
            st.set_type("Stack-overflow");
        }
        if has!(kw, "DEFAULT_BUCKET_ID") {
            if let Some(c) = cap(&p.cdb_crash_type, line) {
                st.set_type(fix_win_cdb_crash_type(grp(&c, 1)).trim());
            }
        }
        if has!(kw, "AddressSanitizer") {
            if let Some(c) = cap(&p.asan, line) {
                st.reset();
                st.set_type(fix_sanitizer_crash_type(grp(&c, 2)).trim());
            }
            if let Some(c) = cap(&p.hwasan_tail_overwritten, line) {
                st.crash_address = grp(&c, 1).trim().to_string();
            }
        }
        if has!(kw, "GPU process exited unexpectedly") {
            st.reset();
            st.set_type("GPU failure");
            st.crash_state.clear();
        }
        if has!(kw, "== Java Exception: ") {
            if p.jazzer_security_exception.is_match(line) {
                st.set_type("Security exception");
                st.found_java_exception = true;
            } else if p.jazzer_exception.is_match(line) {
                st.set_type("Uncaught exception");
                st.found_java_exception = true;
            }
        }
        if has!(kw, "com.google.security.wycheproof.") {
            if let Some(c) = cap(&p.wycheproof, line) {
                st.set_type("Wycheproof error");
                st.crash_state = grp(&c, 1).to_string();
                st.found_java_exception = true;
            }
        }
        if has!(kw, "FATAL EXCEPTION") && p.android_fatal_exception.is_match(line) {
            st.reset();
            st.set_type("Fatal Exception");
            st.found_java_exception = true;
        }
        if line.starts_with('F') {
            self.check_failure(st, line, &p.google_log_fatal, "Fatal error");
        }
        if has!(kw, "Check failed:") || has!(kw, "DCHECK failed:") || has!(kw, "NOTREACHED hit") {
            self.check_failure(st, line, &p.chrome_check_failure, "CHECK failure");
        }
        if line.starts_with('F') && has!(kw, "Check failed") {
            self.check_failure(st, line, &p.google_check_failure, "CHECK failure");
        }
        if has!(kw, "Fatal error in ") {
            if let Some(c) = cap(&p.fatal_error, line) {
                st.reset();
                st.set_type("Fatal error");
                st.fatal_error_occurred = true;
                st.crash_state = filter_stack_frame(grp(&c, 1));
            }
        }
        if st.is_golang && line.starts_with("fatal error: ") {
            if let Some(c) = cap(&p.golang_fatal_error, line) {
                st.reset();
                st.set_type("Fatal error");
                st.crash_state = format!("{}\n", grp(&c, 1));
            }
        }
        if s.detect_v8_runtime_errors && has!(kw, "Runtime error in ") {
            if let Some(c) = cap(&p.runtime_error, line) {
                st.reset();
                st.set_type("RUNTIME_ASSERT");
                st.crash_state = filter_stack_frame(grp(&c, 1));
                st.fatal_error_occurred = true;
            }
        }
        if line.starts_with("abort: CSA_") {
            if let Some(c) = cap(&p.v8_abort_failure, line) {
                st.reset();
                st.set_type("ASSERT");
                let abort = grp(&c, 1);
                st.crash_state = match cap(&p.v8_abort_metadata, abort) {
                    Some(m) => format!("{}\n{}", grp(&m, 1), fix_filename_string(grp(&m, 2))),
                    None => abort.to_string(),
                };
                st.frame_count = MAX_CRASH_STATE_FRAMES;
            }
        }
        if has!(kw, "] V8 error: ") {
            if let Some(c) = cap(&p.v8_error, line) {
                st.reset();
                st.set_type("V8 API error");
                st.crash_state = format!("{}\n", grp(&c, 1));
            }
        }
        if has!(kw, "V8 correctness failure") && p.v8_correctness_failure.is_match(line) {
            st.reset();
            st.set_type("V8 correctness failure");
        }
        if line.starts_with("Received signal 11 ") {
            if let Some(c) = cap(&p.generic_segv_handler, line) {
                st.reset();
                st.set_type("UNKNOWN");
                st.crash_address = format!("0x{}", grp(&c, 1)).trim().to_string();
            }
        }
        if has!(kw, "libFuzzer") {
            if p.libfuzzer_deadly_signal.is_match(line) {
                st.reset();
                st.set_type("Fatal-signal");
            }
            if p.libfuzzer_target_exited.is_match(line) {
                st.reset();
                st.set_type("Unexpected-exit");
            }
            if p.libfuzzer_overwrites_const.is_match(line) {
                st.reset();
                st.set_type("Overwrites-const-input");
            }
        }
        if has!(kw, ": library ") && has!(kw, " not found") {
            if let Some(c) = cap(&p.library_not_found_android, line) {
                st.reset();
                st.set_type("Missing-library");
                st.crash_state = first_grp(&c, &[1, 2, 3]).unwrap_or("").to_string();
            }
        }
        if has!(kw, "error while loading shared libraries: ") {
            if let Some(c) = cap(&p.library_not_found_linux, line) {
                st.reset();
                st.set_type("Missing-library");
                st.crash_state = grp(&c, 1).to_string();
            }
        }
        if has!(kw, ": cannot locate symbol ") {
            if let Some(c) = cap(&p.symbol_not_found, line) {
                st.reset();
                st.set_type("Missing-library");
                st.crash_state = first_grp(&c, &[1, 2, 3]).unwrap_or("").to_string();
            }
        }
    }

    /// Stack frame rules, tried in ClusterFuzz's order; the first match wins.
    fn frames(&self, st: &mut State, kw: Kw, line: &str, has_hash: bool) {
        let p = &*P;
        let has_bang = has_byte(line, b'!');
        let has_plus = has_byte(line, b'+');
        if has_bang && has_plus {
            if let Some(c) = cap(&p.cdb_frame, line) {
                self.add_frame(st, line, grp(&c, 4), FrameKind::Cdb, filter_stack_frame);
                return;
            }
        }
        if has_hash {
            // The span of the regex match, found without the regex.
            if let Some((start, end)) = san_frame_span(line) {
                let body = line.get(start..end).unwrap_or("");
                self.add_frame(st, line, body, FrameKind::San, filter_stack_frame);
                return;
            }
            if let Some(c) = cap(&p.chrome_frame, line) {
                self.add_frame(st, line, grp(&c, 4), FrameKind::Chrome, filter_stack_frame);
                return;
            }
        }
        if has_plus {
            if let Some(c) = cap(&p.chrome_mac_frame, line) {
                // ClusterFuzz demangles with c++filt here; symbols in these
                // logs are already demangled, so the frame is used as is.
                self.add_frame(st, line, grp(&c, 6), FrameKind::Plain, filter_stack_frame);
                return;
            }
            if has_byte(line, b'[') {
                if let Some(c) = cap(&p.chrome_win_frame, line) {
                    self.add_frame(
                        st,
                        line,
                        grp(&c, 1),
                        FrameKind::ChromeWin,
                        filter_stack_frame,
                    );
                    return;
                }
            }
        }
        if st.found_java_exception
            && matches!(
                st.crash_type.as_str(),
                "CHECK failure" | "Fatal Exception" | "Uncaught exception" | "Security exception"
            )
        {
            if line.contains("at ") {
                if let Some(c) = cap(&p.java_exception_frame, line) {
                    self.add_frame(st, line, grp(&c, 1), FrameKind::Plain, filter_stack_frame);
                }
            }
            return;
        }
        if has_plus && has_byte(line, b'/') {
            if line.contains("[<") {
                if let Some(c) = cap(&p.android_kernel_frame, line) {
                    let before = st.frame_count;
                    self.add_frame(st, line, grp(&c, 3), FrameKind::Plain, filter_stack_frame);
                    let _ = before;
                    if st.frame_count == 1 && !st.is_kasan {
                        st.crash_address = format!("0x{}", grp(&c, 1));
                    }
                    return;
                }
            }
            if let Some(c) = cap(&p.android_kernel_frame_no_addr, line) {
                self.add_frame(st, line, grp(&c, 2), FrameKind::Plain, filter_stack_frame);
                return;
            }
        }
        if has_hash && has!(kw, "V8 correctness ") {
            if let Some(c) = cap(&p.v8_correctness_metadata, line) {
                self.add_frame(st, line, grp(&c, 1), FrameKind::Plain, |s| s.to_string());
                return;
            }
        }
        if st.is_golang && line.ends_with(')') {
            if let Some(c) = cap(&p.golang_frame, line) {
                self.add_frame(st, line, grp(&c, 1), FrameKind::Plain, |s| {
                    s.rsplit('/').next().unwrap_or("").to_string()
                });
                return;
            }
        }
        if st.is_python && has!(kw, "File \"") {
            if let Some(c) = cap(&p.python_frame, line) {
                self.add_frame(st, line, grp(&c, 3), FrameKind::Plain, filter_stack_frame);
                return;
            }
        }
        if st.is_js && line.contains(" at ") {
            if let Some(c) = cap(&p.jazzer_js_frame, line) {
                self.add_frame(st, line, grp(&c, 1), FrameKind::Plain, filter_stack_frame);
                return;
            }
        }
        if st.is_trusty && line.starts_with("uSP+") {
            if let Some(c) = cap(&p.trusty_frame, line) {
                self.add_frame(st, line, grp(&c, 4), FrameKind::Plain, filter_stack_frame);
            }
        }
    }

    fn filter_crash_parameters(&self, st: &mut State) {
        let mut state: String = st
            .crash_state
            .chars()
            .filter(|&c| is_printable(c))
            .collect();
        if state.contains(JNI_ERROR_STRING) {
            state = state.replace(JNI_ERROR_STRING, "JNI:");
        }
        if self.s.symbolized {
            if st.crash_type != "V8 correctness failure" {
                state = filter_addresses_and_numbers(&state);
            }
            let mut capped = String::with_capacity(state.len() + 1);
            for l in split_lines(&state) {
                if l.starts_with("Bad-cast") {
                    capped.push_str(l);
                } else {
                    // ASCII only at this point (non-printables were removed).
                    capped.push_str(l.get(..LINE_LENGTH_CAP.min(l.len())).unwrap_or(l));
                }
                capped.push('\n');
            }
            state = capped;
        }
        if !st.crash_type.is_empty() && state.trim().is_empty() {
            state = st
                .process_name
                .clone()
                .or_else(|| self.s.fuzz_target.clone())
                .unwrap_or_else(|| "NULL".to_string());
        }
        if let Some(ft) = &self.s.fuzz_target {
            if matches!(
                st.crash_type.as_str(),
                "Out-of-memory" | "Timeout" | "Overwrites-const-input"
            ) {
                state = ft.clone();
            }
        }
        if !state.is_empty() && state != "NULL" && !state.ends_with('\n') {
            state.push('\n');
        }
        st.crash_state = state;

        st.crash_type = normalize_access_size(&st.crash_type);

        if st.crash_address.starts_with("0x0000") && st.crash_address.len() == 18 {
            st.crash_address = format!("0x{}", &st.crash_address[6..]);
        }
        if !st.crash_address.is_empty()
            && st.crash_type.starts_with("UNKNOWN")
            && address_to_integer(&st.crash_address) < crate::NULL_DEREFERENCE_BOUNDARY
        {
            st.crash_type = st.crash_type.replace("UNKNOWN", "Null-dereference");
        }
    }
}

/// `SCARINESS: <n> (signal)` anywhere in the log (ClusterFuzz's SAN_SIGNAL_REGEX
/// with DOTALL, matched from the start of the log).
fn has_scariness_signal(log: &str) -> bool {
    let mut rest = log;
    while let Some(i) = rest.find("SCARINESS: ") {
        rest = &rest[i + "SCARINESS: ".len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with(" (signal)") {
            return true;
        }
    }
    false
}

fn fix_sanitizer_crash_type(t: &str) -> String {
    capitalize(&t.to_lowercase().replace('_', "-")).replace("Int-divide-by-zero", "Divide-by-zero")
}

fn fix_win_cdb_crash_type(t: &str) -> String {
    let t = t.strip_suffix("_AVRF").unwrap_or(t);
    capitalize(&t.replace('_', "-").to_lowercase())
        .replace("Status-integer-overflow", "Integer-overflow")
        .replace("Status-integer-divide-by-zero", "Divide-by-zero")
}

fn kasan_type(t: &str) -> String {
    format!("Kernel failure\n{}", capitalize(&t.replace(' ', "-")))
}

fn android_kernel_fault(code: &str) -> String {
    let Ok(code) = i64::from_str_radix(code.trim(), 16) else {
        return "BUG".to_string();
    };
    let mut fault = if code & 0x800 == 0 { "READ " } else { "WRITE " }.to_string();
    fault.push_str(match code & 0b1111 {
        0b0001 => "Alignment Fault",
        0b0100 => "Instruction Cache Maintenance Fault",
        0b1100 => "L1 Translation",
        0b1110 => "L2 Translation",
        0b0101 => "Translation Fault, Section",
        0b0111 => "Translation Fault, Page",
        0b0011 => "Access Flag Fault, Section",
        0b0110 => "Access Flag Fault, Page",
        0b1001 => "Domain Fault, Section",
        0b1011 => "Domain Fault, Page",
        0b1101 => "Permission Fault, Section",
        0b1111 => "Permissions Fault, Page",
        _ => "Unknown",
    });
    format!("Kernel failure\n{fault} ({code})")
}

/// Access sizes above 16 bytes become `{*}` (first number in the type).
fn normalize_access_size(t: &str) -> String {
    let Some(start) = t.find(|c: char| c.is_ascii_digit()) else {
        return t.to_string();
    };
    if start == 0 {
        return t.to_string();
    }
    let digits_len = t[start..].bytes().take_while(u8::is_ascii_digit).count();
    let digits = &t[start..start + digits_len];
    let trimmed = digits.trim_start_matches('0');
    let num = if trimmed.is_empty() {
        "0".to_string()
    } else if trimmed.len() > 2 || trimmed.parse::<u32>().unwrap_or(u32::MAX) > 16 {
        "{*}".to_string()
    } else {
        trimmed.to_string()
    };
    format!("{}{}{}", &t[..start], num, &t[start + digits_len..])
}

fn stack_overflow_cycle(st: &mut State) {
    if st.crash_type != "Stack-overflow" {
        return;
    }
    let frames = &st.frames;
    let n = frames.len();
    for start in 0..n {
        for len in 1..=MAX_CYCLE_LENGTH {
            if start + REPEATED_CYCLE_COUNT * len >= n {
                continue;
            }
            let first = &frames[start..start + len];
            let all_equal = (1..REPEATED_CYCLE_COUNT)
                .all(|i| &frames[start + i * len..start + (i + 1) * len] == first);
            if all_equal {
                let mut s = first
                    .iter()
                    .take(MAX_CRASH_STATE_FRAMES)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n");
                s.push('\n');
                st.crash_state = s;
                return;
            }
        }
    }
}

/// Python tracebacks print the innermost frame last: take the traceback that
/// follows the exception banner, reverse it, and keep the banner on top.
fn reverse_python_stacktrace<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let p = &*P;
    let Some(start) = lines
        .iter()
        .position(|l| p.python_unhandled.is_match(l) || p.pysecsan.is_match(l))
    else {
        return Vec::new();
    };
    let body = lines.get(start + 1..).unwrap_or(&[]);
    let end = body
        .iter()
        .position(|l| l.contains("=========") || l.contains("== ERROR: "))
        .unwrap_or(body.len());
    let mut out = Vec::with_capacity(end + 1);
    out.extend(lines.get(start).copied());
    out.extend(body.iter().take(end).rev().copied());
    out
}

/// The line contains the byte (SIMD search; lines can be long).
#[inline]
fn has_byte(line: &str, b: u8) -> bool {
    memchr::memchr(b, line.as_bytes()).is_some()
}

/// Python's `int(s, 16)` for frame offsets: optional `0x`, hex digits.
fn parse_hex_py(s: &str) -> Option<u128> {
    let s = s.trim();
    let d = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    if d.is_empty() || !d.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(u128::from_str_radix(d, 16).unwrap_or(u128::MAX))
}
