//! Arbitrary records and queries never panic, and the smallest fix is
//! never itself affected.

use levee_formats::{Limits, Record};
use levee_match::{compile, MatchIndex, Query, Verdict};
use proptest::prelude::*;

fn version() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u8..4, 0u8..4, 0u8..4).prop_map(|(a, b, c)| format!("{a}.{b}.{c}")),
        (0u8..4, 0u8..4).prop_map(|(a, b)| format!("{a}.{b}.0-rc.1")),
        "[0-9a-z.~+:-]{0,8}",
    ]
}

fn event() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("introduced"),
            Just("fixed"),
            Just("last_affected"),
            Just("limit")
        ],
        version(),
    )
        .prop_map(|(k, v)| format!(r#"{{"{k}":{}}}"#, serde_json::Value::from(v)))
}

fn record() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("npm"), Just("PyPI"), Just("Debian:12"), Just("Maven"), Just("Android"), Just("Bogus")],
        prop_oneof![Just("SEMVER"), Just("ECOSYSTEM"), Just("GIT"), Just("WEIRD")],
        prop::collection::vec(event(), 0..6),
        prop::collection::vec(version(), 0..3),
    )
        .prop_map(|(eco, kind, events, versions)| {
            format!(
                r#"{{"id":"P-1","modified":"2024-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"{eco}","name":"p"}},"ranges":[{{"type":"{kind}","events":[{}]}}],"versions":{}}}]}}"#,
                events.join(","),
                serde_json::Value::from(versions)
            )
        })
}

proptest! {
    #[test]
    fn never_panics(rec in record(), eco in prop_oneof![Just("npm"), Just("PyPI"), Just("Debian"), Just("Maven"), Just("Android"), Just("Bogus")], v in version()) {
        let Ok(r) = Record::from_json(&rec, &Limits::default()) else { return Ok(()); };
        let mut idx = MatchIndex::new();
        idx.insert(compile(&r));
        let q = Query::version(eco, "p", &v);
        for f in idx.query(&q) {
            prop_assert!(f.verdict != Verdict::NotAffected);
            if let Some(fix) = &f.smallest_fix {
                let again = idx.query(&Query::version(eco, "p", fix));
                prop_assert!(!again.iter().any(|g| g.verdict == Verdict::Affected), "{rec} {v} -> {fix}");
            }
        }
        let _ = levee_match::smallest_fix_for_all(&idx, &q, &idx.query(&q));
        prop_assert!(idx.remove("P-1"));
        prop_assert_eq!(idx.entry_count(), 0);
    }
}
