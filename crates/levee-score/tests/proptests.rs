//! Property tests: the parsers never panic on arbitrary input; valid vectors
//! round-trip through their canonical form and score inside 0.0..=10.0 with
//! the group laws of each version.

use levee_score::cvss::{self, v2, v3, v4, Cvss};
use levee_score::{cwe, epss, kev, ssvc, Severity};
use proptest::prelude::*;

type Metrics = Vec<(&'static str, &'static [&'static str])>;

/// A valid vector body: every mandatory metric, each optional one with
/// probability 1/2, values chosen by `picks`; shuffled by `order` unless
/// `ordered`.
fn build(defs: &Metrics, mandatory: usize, picks: &[u8], order: &[u16], ordered: bool) -> String {
    let mut parts: Vec<(u16, String)> = Vec::new();
    for (i, (name, values)) in defs.iter().enumerate() {
        let p = usize::from(picks[i % picks.len()]);
        if i >= mandatory && p % 2 == 0 {
            continue;
        }
        let v = values[(p / 2) % values.len()];
        parts.push((order[i % order.len()], format!("{name}:{v}")));
    }
    if !ordered {
        parts.sort_by_key(|(k, _)| *k);
    }
    parts
        .into_iter()
        .map(|(_, s)| s)
        .collect::<Vec<_>>()
        .join("/")
}

fn check_invariants(v: &Cvss) {
    let s = v.scores();
    let canon = v.to_string();
    let again = cvss::parse(&canon).expect("canonical form parses");
    assert_eq!(&again, v, "round trip of {canon}");
    assert_eq!(again.to_string(), canon, "canonical form is stable");
    for x in [Some(s.base), s.temporal, s.environmental, Some(s.score)]
        .into_iter()
        .flatten()
    {
        assert!(x.tenths() <= 100);
    }
    match v {
        Cvss::V2(_) => assert_ne!(s.severity, Severity::Critical),
        _ => assert_eq!(s.severity, Severity::from_score(s.score)),
    }
}

fn junk_token() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z]{1,4}:[A-Za-z]{0,6}",
        "[A-Z]{1,3}",
        "",
        ":",
        "CVSS:[0-9]\\.[0-9]",
        "\\PC{0,5}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn cvss_parse_never_panics(s in "\\PC{0,80}") {
        if let Ok(v) = cvss::parse(&s) {
            check_invariants(&v);
        }
    }

    #[test]
    fn cvss_parse_never_panics_on_metric_soup(
        prefix in prop_oneof![Just(""), Just("CVSS:3.0/"), Just("CVSS:3.1/"), Just("CVSS:4.0/"), Just("CVSS:2.0/")],
        real in proptest::collection::vec((0usize..40, 0usize..6), 0..40),
        junk in proptest::collection::vec(junk_token(), 0..4),
    ) {
        let all: Metrics = v2::metrics().chain(v3::metrics()).chain(v4::metrics()).collect();
        let mut toks: Vec<String> = real
            .iter()
            .map(|(m, v)| {
                let (name, vals) = all[m % all.len()];
                format!("{name}:{}", vals[v % vals.len()])
            })
            .collect();
        for (i, j) in junk.into_iter().enumerate() {
            let at = (i * 7) % (toks.len() + 1);
            toks.insert(at, j);
        }
        let s = format!("{prefix}{}", toks.join("/"));
        if let Ok(v) = cvss::parse(&s) {
            check_invariants(&v);
        }
    }

    #[test]
    fn valid_v2_vectors(picks in proptest::collection::vec(any::<u8>(), 14), order in proptest::collection::vec(any::<u16>(), 14)) {
        let defs: Metrics = v2::metrics().collect();
        let s = build(&defs, v2::MANDATORY, &picks, &order, false);
        let v = cvss::parse(&s).map_err(|e| TestCaseError::fail(format!("{s}: {e}")))?;
        check_invariants(&v);
        let Cvss::V2(x) = v else { panic!("not v2") };
        // undefined groups leave the score unchanged
        if !x.has_temporal() { prop_assert_eq!(x.temporal_score(), x.base_score()); }
    }

    #[test]
    fn valid_v3_vectors(minor in prop_oneof![Just("3.0"), Just("3.1")], picks in proptest::collection::vec(any::<u8>(), 22), order in proptest::collection::vec(any::<u16>(), 22)) {
        let defs: Metrics = v3::metrics().collect();
        let s = format!("CVSS:{minor}/{}", build(&defs, v3::MANDATORY, &picks, &order, false));
        let v = cvss::parse(&s).map_err(|e| TestCaseError::fail(format!("{s}: {e}")))?;
        check_invariants(&v);
        let Cvss::V3(x) = v else { panic!("not v3") };
        if !x.has_temporal() { prop_assert_eq!(x.temporal_score(), x.base_score()); }
        if !x.has_environmental() {
            // With no environmental metric the environmental equation gives
            // the temporal score, except in 3.1 with a changed scope: 3.1
            // changed the modified-impact formula (0.9731, exponent 13) and
            // not the base one, so the two can differ by one step, as in
            // FIRST's calculator and the Python `cvss` library (e.g.
            // AV:P/AC:H/PR:N/UI:R/S:C/C:H/I:L/A:L/RL:W: temporal 6.1,
            // environmental 6.0).
            if minor == "3.0" || !s.contains("/S:C") {
                prop_assert_eq!(x.environmental_score(), x.temporal_score());
            } else {
                prop_assert!(x.environmental_score().tenths().abs_diff(x.temporal_score().tenths()) <= 1, "{}", s);
            }
        }
        // temporal metrics only lower the score
        prop_assert!(x.temporal_score() <= x.base_score());
    }

    #[test]
    fn valid_v4_vectors(picks in proptest::collection::vec(any::<u8>(), 32), order in proptest::collection::vec(any::<u16>(), 32)) {
        let defs: Metrics = v4::metrics().collect();
        let s = format!("CVSS:4.0/{}", build(&defs, v4::MANDATORY, &picks, &order, true));
        let v = cvss::parse(&s).map_err(|e| TestCaseError::fail(format!("{s}: {e}")))?;
        check_invariants(&v);
        let Cvss::V4(x) = v else { panic!("not v4") };
        prop_assert_eq!(x.base_only().score(), x.base_score());
        prop_assert_eq!(x.base_only().nomenclature(), levee_score::Nomenclature::B);
        // E:X is scored as E:A, the worst case: adding E never raises the score
        prop_assert!(x.score() <= x.base_only().score() || x.has_environmental());
    }

    #[test]
    fn v4_out_of_order_is_refused(picks in proptest::collection::vec(any::<u8>(), 32), a in 0usize..11, b in 0usize..11) {
        prop_assume!(a != b);
        let defs: Metrics = v4::metrics().collect();
        let body = build(&defs, v4::MANDATORY, &picks, &[0], true);
        let mut parts: Vec<&str> = body.split('/').collect();
        parts.swap(a, b);
        let s = format!("CVSS:4.0/{}", parts.join("/"));
        prop_assert!(cvss::parse(&s).is_err(), "{}", s);
    }

    #[test]
    fn feeds_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(k) = kev::KevJson::parse(&bytes) { let _ = k.entries().count(); }
        if let Ok(k) = kev::KevCsv::new(&bytes) { let _ = k.count(); }
        if let Ok(e) = epss::parse(&bytes, None) { let _ = e.count(); }
        if let Ok(c) = cwe::CweCsv::new(&bytes) { let _ = c.count(); }
        let _ = ssvc::from_cve_record(&bytes);
    }

    #[test]
    fn text_feeds_never_panic(s in "[CVEcve0-9;,.#\\-:\"\\n\\r a-z_]{0,300}") {
        if let Ok(e) = epss::parse(s.as_bytes(), None) { let _ = e.count(); }
        let with_header = format!("cveID,dateAdded,dueDate,cwes\n{s}");
        if let Ok(k) = kev::KevCsv::new(with_header.as_bytes()) { let _ = k.count(); }
        let cwe_csv = format!("CWE-ID,Name\n{s}");
        if let Ok(c) = cwe::CweCsv::new(cwe_csv.as_bytes()) { let _ = c.count(); }
    }
}

/// CVSS 3.1 with a changed scope and no environmental metric: the
/// environmental score may differ from the temporal one by a step. Values
/// from the Python `cvss` library (3.x reference implementation of FIRST's
/// equations).
#[test]
fn v31_scope_changed_environmental_without_metrics() {
    for (vector, temporal, environmental) in [
        (
            "CVSS:3.1/AV:P/AC:H/PR:N/UI:R/S:C/C:H/I:L/A:L/E:X/RL:W/RC:X",
            61,
            60,
        ),
        (
            "CVSS:3.1/AV:P/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:N/E:U/RL:X/RC:C",
            65,
            64,
        ),
        (
            "CVSS:3.1/AV:A/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H/E:F/RL:T/RC:C",
            79,
            80,
        ),
    ] {
        let Ok(Cvss::V3(x)) = cvss::parse(vector) else {
            panic!("{vector}")
        };
        assert_eq!(x.temporal_score().tenths(), temporal, "{vector}");
        assert_eq!(x.environmental_score().tenths(), environmental, "{vector}");
    }
}
