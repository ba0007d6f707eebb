#![no_main]
//! Any bytes through every enrichment parser: no panic, iteration ends.
use levee_score::{cwe, epss, kev, ssvc};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(k) = kev::KevJson::parse(data) {
        let _ = k.entries().count();
    }
    if let Ok(k) = kev::KevCsv::new(data) {
        let _ = k.count();
    }
    if let Ok(e) = epss::parse(data, None) {
        let _ = e.count();
    }
    if let Ok(c) = cwe::CweCsv::new(data) {
        let _ = c.count();
    }
    let _ = ssvc::from_cve_record(data);
});
