#![no_main]
use levee_versions::native::parse_native;
use levee_versions::VersionScheme;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    for scheme in VersionScheme::ALL {
        let _ = parse_native(scheme, s);
    }
});
