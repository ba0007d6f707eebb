#![no_main]
//! Any string: parse never panics; a parsed vector round-trips and scores
//! within 0.0..=10.0.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(v) = levee_score::cvss::parse(s) {
        let canon = v.to_string();
        let again = levee_score::cvss::parse(&canon).expect("canonical form parses");
        assert_eq!(again, v);
        let sc = v.scores();
        assert!(sc.score.tenths() <= 100 && sc.base.tenths() <= 100);
    }
});
