//! `cargo +nightly fuzz run analyze` from `crates/levee-crash`.
//! Any input must analyse without panicking, and the signature must obey
//! the crash-state invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use levee_crash::{analyze_bytes, compare, Settings, Similarity};

fuzz_target!(|data: &[u8]| {
    for settings in [
        Settings::default(),
        Settings {
            detect_ooms_and_hangs: true,
            fuzz_target: Some("fuzz_target".into()),
            ..Settings::default()
        },
    ] {
        let a = analyze_bytes(data, &settings);
        let sig = a.signature();
        if a.is_crash() {
            assert!(!a.crash_state.is_empty());
        }
        assert_eq!(compare(&sig, &sig) == Similarity::Exact, a.is_crash());
    }
});
