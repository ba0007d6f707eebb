//! Whether a crash has security implications (after ClusterFuzz's
//! `crash_analyzer.is_security_issue`).

use memchr::memmem;

use crate::keywords::{has, Kw};
use crate::parser::is_assert_crash_address;
use crate::text::address_to_integer;
use crate::{Settings, NULL_DEREFERENCE_BOUNDARY};

const GENERIC_CRASH_TYPES: &[&str] = &[
    "Null-dereference",
    "Null-dereference READ",
    "Null-dereference WRITE",
    "READ",
    "UNKNOWN",
    "UNKNOWN READ",
    "UNKNOWN WRITE",
    "WRITE",
    "Uncaught exception",
];

const UBSAN_NON_SECURITY: &[&str] = &[
    "Divide-by-zero",
    "Float-cast-overflow",
    "Integer-overflow",
    "Invalid-bool-value",
    "Invalid-builtin-use",
    "Invalid-enum-value",
    "Invalid-null-argument",
    "Invalid-null-return",
    "Misaligned-address",
    "No-return-value",
    "Pointer-overflow",
    "Potential-null-reference",
    "Undefined-shift",
    "Unsigned-integer-overflow",
    "Unreachable code",
    "Assumption-violation",
    "Upcast-of-null-pointer",
    "Implicit-conversion",
];

const UBSAN_SECURITY: &[&str] = &[
    "Bad-cast",
    "Index-out-of-bounds",
    "Incorrect-function-pointer-type",
    "Non-positive-vla-bound-value",
    "Object-size",
];

const GOLANG_NON_SECURITY: &[&str] = &[
    "Index out of range",
    "Integer divide by zero",
    "Makeslice: len out of range",
    "Slice bounds out of range",
    "Stack overflow",
];

const EXTRA_SANITIZERS_SECURITY: &[&str] = &[
    "Arbitrary file open",
    "Command injection",
    "Wycheproof error",
];

fn has_gsignal_frame0(log: &str) -> bool {
    // ^[ \t]+#0[ \t]+0x[0-9a-f]+[ \t]+in gsignal  (multi-line)
    log.lines().any(|l| {
        let t = l.trim_start_matches([' ', '\t']);
        if t.len() == l.len() {
            return false;
        }
        let Some(r) = t.strip_prefix("#0") else {
            return false;
        };
        let r2 = r.trim_start_matches([' ', '\t']);
        if r2.len() == r.len() {
            return false;
        }
        let Some(r3) = r2.strip_prefix("0x") else {
            return false;
        };
        let hex = r3
            .bytes()
            .take_while(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
            .count();
        if hex == 0 {
            return false;
        }
        let r4 = r3.get(hex..).unwrap_or("");
        let r5 = r4.trim_start_matches([' ', '\t']);
        r5.len() < r4.len() && r5.starts_with("in gsignal ")
    })
}

fn jni_security(log: &str) -> bool {
    // .*JNI DETECTED ERROR[^\n]+(deleted|invalid|unexpected|unknown|wrong)
    log.match_indices("JNI DETECTED ERROR").any(|(i, m)| {
        let rest = log.get(i + m.len()..).unwrap_or("");
        let line = rest.split('\n').next().unwrap_or("");
        ["deleted", "invalid", "unexpected", "unknown", "wrong"]
            .iter()
            .any(|w| line.get(1..).is_some_and(|l| l.contains(w)))
    })
}

/// `kw`: the keywords found anywhere in `log` (a literal test is a bit test).
pub(crate) fn is_security_issue(
    log: &str,
    kw: Kw,
    crash_type: &str,
    crash_address: &str,
    s: &Settings,
) -> bool {
    let issue = "FuzzerSecurityIssue";
    if has!(kw, "FuzzerSecurityIssue")
        && memmem::find_iter(log.as_bytes(), issue.as_bytes()).any(|i| {
            let rest = log.get(i + issue.len()..).unwrap_or("");
            ["Critical", "High", "Medium", "Low"]
                .iter()
                .any(|l| rest.starts_with(l))
        })
    {
        return true;
    }
    if has!(kw, "pc (nil) ") || has!(kw, "pc 0x00000000 ") || has!(kw, "pc 0x000000000000 ") {
        return true;
    }
    if has!(kw, "JNI DETECTED ERROR") && jni_security(log) {
        return true;
    }
    if has!(kw, "MiraclePtr Status: PROTECTED") {
        return false;
    }
    if crash_type == "CHECK failure" {
        return s.checks_have_security_implication;
    }
    if crash_type == "Security CHECK failure" {
        return false;
    }
    if crash_type == "Security DCHECK failure" || crash_type == "DCHECK failure" {
        return true;
    }
    if crash_type == "Fatal error"
        || crash_type == "Unreachable code"
        || crash_type.ends_with("Exception")
        || crash_type.ends_with("CHECK failure")
    {
        return false;
    }
    if matches!(
        crash_type,
        "Stack-overflow" | "Fatal-signal" | "Missing-library" | "Overwrites-const-input"
    ) {
        return false;
    }
    if crash_type.contains("-leak")
        || crash_type.contains("Data race")
        || crash_type.contains("Lock-order-inversion")
        || crash_type == "ASSERT_NOT_REACHED"
    {
        return false;
    }
    if UBSAN_SECURITY.contains(&crash_type) {
        return true;
    }
    if UBSAN_NON_SECURITY.contains(&crash_type) || GOLANG_NON_SECURITY.contains(&crash_type) {
        return false;
    }
    if matches!(
        crash_type,
        "Floating-point-exception" | "RUNTIME_ASSERT" | "V8 correctness failure"
    ) {
        return false;
    }
    if crash_type == "ASSERT" || has!(kw, "ASSERTION FAILED") {
        return s.asserts_have_security_implication;
    }
    if matches!(crash_type, "Timeout" | "Out-of-memory" | "Unexpected-exit") {
        return false;
    }
    if crash_type.starts_with("Kernel failure") {
        return true;
    }
    if EXTRA_SANITIZERS_SECURITY.contains(&crash_type) {
        return true;
    }
    if crash_type.is_empty() {
        return false;
    }
    // ClusterFuzz's SIGNAL_SIGNATURES_NOT_SECURITY, as keyword bits.
    let signal_not_security = has!(kw, "Sanitizer: ABRT")
        || has!(kw, "Sanitizer: BUS")
        || has!(kw, "Sanitizer: FPE")
        || has!(kw, "Sanitizer: ILL")
        || has!(kw, "Sanitizer: breakpoint")
        || has!(kw, "Sanitizer: illegal-instruction");
    if (has!(kw, "in gsignal ") && has_gsignal_frame0(log)) || signal_not_security {
        return false;
    }
    if !GENERIC_CRASH_TYPES.contains(&crash_type) {
        return true;
    }
    let a = address_to_integer(crash_address);
    if is_assert_crash_address(a) {
        return false;
    }
    a >= NULL_DEREFERENCE_BOUNDARY
}
