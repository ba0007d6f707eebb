//! RustSec markdown conversion on arbitrary text: must not panic.
#![no_main]
use levee_formats::{rustsec, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = rustsec::parse_rustsec_md(Some("crates/x/RUSTSEC-0000-0000.md"), text, &Limits::default());
    let reqs: Vec<String> = text.lines().map(str::to_string).collect();
    let _ = rustsec::semver_events(&reqs, &[]);
});
