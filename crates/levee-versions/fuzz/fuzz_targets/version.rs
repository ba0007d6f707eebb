#![no_main]
use levee_versions::{Version, VersionScheme};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let (a, b) = s.split_once('\n').unwrap_or((s, "1.0"));
    for scheme in VersionScheme::ALL {
        if let (Ok(x), Ok(y)) = (Version::parse(scheme, a), Version::parse(scheme, b)) {
            assert_eq!(x.cmp(&y), y.cmp(&x).reverse());
            let _ = Version::parse(scheme, &x.to_string());
        }
    }
});
