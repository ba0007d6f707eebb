//! Sanitizer and runtime crash-report parsing into ClusterFuzz-style
//! signatures. No IO, no panics on input.
//!
//! Entry points:
//! - [`Settings`]: the analysis settings ClusterFuzz takes from its job
//!   environment (fuzz target name, whether OOMs and hangs are reported, …),
//!   built from `KEY=VALUE` pairs with [`Settings::from_env`].
//! - [`analyze`]: one crash log → [`Analysis`] (crash type, address, state,
//!   security flag, cleaned frames, categories). An empty crash type means
//!   the log holds no crash ([`Analysis::is_crash`]).
//! - [`Signature`] and [`compare`]: dedup of two crashes into
//!   [`Similarity::Exact`], [`Similarity::Near`] or [`Similarity::Different`].
//!
//! The rules are a re-implementation of ClusterFuzz's stack analyzer
//! (`clusterfuzz/stacktraces`), covering AddressSanitizer, HWASan, MSan,
//! UBSan, TSan, LSan, libFuzzer (timeouts, OOMs, deadly signals), CFI, V8,
//! Android tombstones, logcat Java exceptions, Windows cdb, Linux kernel
//! (KASAN, LKL), Go panics, Rust panics, Java (Jazzer) exceptions and Python
//! tracebacks.
#![forbid(unsafe_code)]

mod keywords;
mod parser;
mod patterns;
mod sanframe;
mod security;
mod similarity;
mod text;

use serde::{Deserialize, Serialize};

pub use similarity::{compare, Similarity};

/// Addresses below one page are null dereferences.
pub(crate) const NULL_DEREFERENCE_BOUNDARY: u128 = 0x1000;

/// Redzones larger than this make OOM and hang reports unreliable, so they
/// are not reported (as in ClusterFuzz).
const MAX_REDZONE_SIZE_FOR_OOMS_AND_HANGS: u64 = 64;

/// Analysis settings. ClusterFuzz reads these from the job environment; here
/// they are explicit inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The log is symbolized (addresses and numbers in the state are
    /// normalised, libc frames are ignored). Default: true.
    pub symbolized: bool,
    /// Report libFuzzer/Centipede timeouts and out-of-memory crashes. When
    /// false, a log that shows an OOM yields no crash at all.
    pub detect_ooms_and_hangs: bool,
    /// Report V8 `Runtime error in` lines as `RUNTIME_ASSERT`.
    pub detect_v8_runtime_errors: bool,
    /// Fuzz target name: used as the state of OOMs, timeouts and crashes
    /// without a usable stack.
    pub fuzz_target: Option<String>,
    /// Parse UBSan `runtime error:` lines (false when UBSan ran with
    /// `halt_on_error=0`).
    pub include_ubsan: bool,
    /// Whether ASSERTs count as security issues. Default: true.
    pub asserts_have_security_implication: bool,
    /// Whether CHECK failures count as security issues. Default: false.
    pub checks_have_security_implication: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            symbolized: true,
            detect_ooms_and_hangs: false,
            detect_v8_runtime_errors: false,
            fuzz_target: None,
            include_ubsan: true,
            asserts_have_security_implication: true,
            checks_have_security_implication: false,
        }
    }
}

/// A bad `KEY=VALUE` setting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("setting #{index} `{text}`: expected KEY=VALUE")]
    NotKeyValue { index: usize, text: String },
    #[error("setting #{index} `{key}`: {reason}")]
    BadValue {
        index: usize,
        key: String,
        reason: String,
    },
}

/// ClusterFuzz's truthiness of environment values (`True`, `1`, any other
/// non-empty word are true; `False`, `0`, `None`, empty are false).
fn truthy(v: &str) -> bool {
    let v = v.trim();
    !(v.is_empty()
        || v == "0"
        || v.eq_ignore_ascii_case("false")
        || v.eq_ignore_ascii_case("none")
        || v.eq_ignore_ascii_case("no")
        || v.eq_ignore_ascii_case("off"))
}

impl Settings {
    /// Build settings from ClusterFuzz job environment pairs. Recognised
    /// keys: `FUZZ_TARGET`, `REPORT_OOMS_AND_HANGS`, `REDZONE`,
    /// `DETECT_V8_RUNTIME_ERRORS`, `TASK_NAME` (`analyze` turns on V8
    /// runtime errors), `UBSAN_OPTIONS`, `ASSERTS_HAVE_SECURITY_IMPLICATION`,
    /// `CHECKS_HAVE_SECURITY_IMPLICATION`, `SYMBOLIZED`. Other keys (e.g.
    /// `JOB_NAME`) do not change the analysis and are accepted.
    pub fn from_pairs<'a, I>(pairs: I) -> Result<Self, SettingsError>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let mut s = Settings::default();
        let mut report_ooms: Option<String> = None;
        let mut redzone: Option<u64> = None;
        let mut task_analyze = false;
        let mut detect_v8 = false;
        for (index, (key, value)) in pairs.into_iter().enumerate() {
            let key = key.trim();
            match key {
                "FUZZ_TARGET" => {
                    s.fuzz_target = (!value.is_empty()).then(|| value.to_string());
                }
                "REPORT_OOMS_AND_HANGS" => report_ooms = Some(value.trim().to_string()),
                "REDZONE" => {
                    let v = value.trim();
                    redzone = if v.is_empty() {
                        None
                    } else {
                        Some(v.parse().map_err(|_| SettingsError::BadValue {
                            index,
                            key: key.to_string(),
                            reason: format!("`{v}` is not a non-negative integer"),
                        })?)
                    };
                }
                "DETECT_V8_RUNTIME_ERRORS" => detect_v8 = truthy(value),
                "TASK_NAME" => task_analyze = value.trim() == "analyze",
                "UBSAN_OPTIONS" => s.include_ubsan = !value.contains("halt_on_error=0"),
                "ASSERTS_HAVE_SECURITY_IMPLICATION" => {
                    s.asserts_have_security_implication = truthy(value)
                }
                "CHECKS_HAVE_SECURITY_IMPLICATION" => {
                    s.checks_have_security_implication = truthy(value)
                }
                "SYMBOLIZED" => s.symbolized = truthy(value),
                "" => {
                    return Err(SettingsError::NotKeyValue {
                        index,
                        text: format!("={value}"),
                    })
                }
                _ => {}
            }
        }
        s.detect_v8_runtime_errors = task_analyze || detect_v8;
        s.detect_ooms_and_hangs = match report_ooms.as_deref() {
            // FORCE reports OOMs and hangs whatever the redzone.
            Some("FORCE") => true,
            Some(v) if truthy(v) => {
                redzone.is_none_or(|r| r <= MAX_REDZONE_SIZE_FOR_OOMS_AND_HANGS)
            }
            _ => false,
        };
        Ok(s)
    }

    /// Build settings from `KEY=VALUE` strings (the CLI's `--env`).
    pub fn from_env<S: AsRef<str>>(pairs: &[S]) -> Result<Self, SettingsError> {
        let mut kv = Vec::with_capacity(pairs.len());
        for (index, p) in pairs.iter().enumerate() {
            let p = p.as_ref();
            match p.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => kv.push((k, v)),
                _ => {
                    return Err(SettingsError::NotKeyValue {
                        index,
                        text: p.to_string(),
                    })
                }
            }
        }
        Self::from_pairs(kv)
    }
}

/// The part of a crash that identifies the bug (ClusterFuzz's crash
/// parameters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Signature {
    /// e.g. `"Heap-buffer-overflow\nREAD 4"`; empty when there is no crash.
    pub crash_type: String,
    /// e.g. `"0x602000000031"`; may be empty.
    pub crash_address: String,
    /// Up to three cleaned frames (or a failure message), each followed by
    /// `\n`; `NULL` when a crash has no usable frame.
    pub crash_state: String,
    /// Whether the crash has security implications.
    pub security: bool,
}

impl Signature {
    /// The frames of the crash state, top first.
    pub fn state_frames(&self) -> impl Iterator<Item = &str> {
        self.crash_state.lines().filter(|l| !l.is_empty())
    }
}

/// Everything the analysis found in one log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    pub crash_type: String,
    pub crash_address: String,
    pub crash_state: String,
    pub security: bool,
    /// Every cleaned, non-ignored frame found after the crash type, in log
    /// order (the crash state uses the first three).
    pub frames: Vec<String>,
    /// ClusterFuzz crash categories found (`Fuzzer-exit`,
    /// `Fuzzer-crash-state`, `Missing-libfuzzer-stacktrace`), sorted.
    pub categories: Vec<String>,
}

impl Analysis {
    /// True when the log holds a crash.
    pub fn is_crash(&self) -> bool {
        !self.crash_type.is_empty()
    }

    /// The dedup signature.
    pub fn signature(&self) -> Signature {
        Signature {
            crash_type: self.crash_type.clone(),
            crash_address: self.crash_address.clone(),
            crash_state: self.crash_state.clone(),
            security: self.security,
        }
    }
}

/// Analyse one crash log (the full output of the crashing process).
pub fn analyze(log: &str, settings: &Settings) -> Analysis {
    let st = parser::Parser::new(settings).parse(log);
    let security =
        security::is_security_issue(log, st.log_kw, &st.crash_type, &st.crash_address, settings);
    Analysis {
        crash_type: st.crash_type,
        crash_address: st.crash_address,
        crash_state: st.crash_state,
        security,
        frames: st.frames,
        categories: st.categories.into_iter().map(str::to_string).collect(),
    }
}

/// [`analyze`] for raw bytes; invalid UTF-8 is replaced, never rejected.
pub fn analyze_bytes(log: &[u8], settings: &Settings) -> Analysis {
    analyze(&String::from_utf8_lossy(log), settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_from_env() {
        let s = Settings::from_env(&["FUZZ_TARGET=f", "REPORT_OOMS_AND_HANGS=True", "JOB_NAME=x"])
            .expect("valid");
        assert_eq!(s.fuzz_target.as_deref(), Some("f"));
        assert!(s.detect_ooms_and_hangs);
        let s = Settings::from_env(&["REPORT_OOMS_AND_HANGS=True", "REDZONE=256"]).expect("valid");
        assert!(
            !s.detect_ooms_and_hangs,
            "large redzones disable OOM/hang reports"
        );
        let s = Settings::from_env(&["REPORT_OOMS_AND_HANGS=FORCE", "REDZONE=256"]).expect("valid");
        assert!(s.detect_ooms_and_hangs);
        let s = Settings::from_env(&["TASK_NAME=analyze"]).expect("valid");
        assert!(s.detect_v8_runtime_errors);
        let s = Settings::from_env(&["ASSERTS_HAVE_SECURITY_IMPLICATION=False"]).expect("valid");
        assert!(!s.asserts_have_security_implication);
        let s = Settings::from_env(&["UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=0"])
            .expect("valid");
        assert!(!s.include_ubsan);
        assert_eq!(
            Settings::from_env(&["NOPE"]),
            Err(SettingsError::NotKeyValue {
                index: 0,
                text: "NOPE".into()
            })
        );
        assert!(matches!(
            Settings::from_env(&["A=1", "REDZONE=big"]),
            Err(SettingsError::BadValue { index: 1, .. })
        ));
    }

    #[test]
    fn empty_log_is_no_crash() {
        let a = analyze("", &Settings::default());
        assert!(!a.is_crash());
        assert_eq!(a.crash_state, "");
        assert!(!a.security);
    }

    #[test]
    fn oom_without_reporting_is_no_crash() {
        let log = "==1== ERROR: libFuzzer: out-of-memory (malloc(1))\n    #0 0x1 in foo a.cc:1:1\n";
        assert!(!analyze(log, &Settings::default()).is_crash());
        let s =
            Settings::from_env(&["REPORT_OOMS_AND_HANGS=True", "FUZZ_TARGET=ft"]).expect("valid");
        let a = analyze(log, &s);
        assert_eq!(a.crash_type, "Out-of-memory");
        assert_eq!(a.crash_state, "ft\n");
    }
}
