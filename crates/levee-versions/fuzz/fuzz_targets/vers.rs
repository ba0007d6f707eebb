#![no_main]
use levee_versions::vers::{parse_vers, to_vers};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok((scheme, set)) = parse_vers(s) {
        let _ = parse_vers(&to_vers(scheme, &set));
    }
});
