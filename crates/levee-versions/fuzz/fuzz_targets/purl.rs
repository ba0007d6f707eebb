#![no_main]
use levee_versions::PackageUrl;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(p) = PackageUrl::parse(s) {
        // canonical form re-parses to the same purl
        let again = PackageUrl::parse(&p.to_string());
        assert_eq!(again.ok(), Some(p.clone()));
        let _ = p.ecosystem();
    }
});
