//! Acceptance tests for `levee cvss VECTOR`.

use std::process::Command;

use serde_json::Value;

fn levee(args: &[&str]) -> (u8, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_levee"))
        .args(args)
        .output()
        .expect("run levee");
    (
        out.status.code().expect("exit code") as u8,
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

fn ok_json(vector: &str) -> Value {
    let (code, out, err) = levee(&["cvss", vector]);
    assert_eq!(code, 0, "{vector}: stderr {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{vector}: not JSON ({e}): {out}"))
}

struct Case {
    vector: &'static str,
    version: &'static str,
    base: f64,
    score: f64,
    severity: &'static str,
    temporal: Option<f64>,
    environmental: Option<f64>,
    nomenclature: Option<&'static str>,
}

/// Expected values from the FIRST/NVD calculators and the Red Hat test data.
const CASES: &[Case] = &[
    Case {
        vector: "AV:N/AC:L/Au:N/C:C/I:C/A:C",
        version: "2.0",
        base: 10.0,
        score: 10.0,
        severity: "HIGH",
        temporal: None,
        environmental: None,
        nomenclature: None,
    },
    Case {
        vector: "AV:A/AC:H/Au:S/C:N/I:P/A:P/E:POC/RL:OF/RC:C/CDP:LM/TD:M/CR:M/IR:L/AR:L",
        version: "2.0",
        base: 2.9,
        score: 2.8,
        severity: "LOW",
        temporal: Some(2.3),
        environmental: Some(2.8),
        nomenclature: None,
    },
    Case {
        vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        version: "3.1",
        base: 9.8,
        score: 9.8,
        severity: "CRITICAL",
        temporal: None,
        environmental: None,
        nomenclature: None,
    },
    Case {
        vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H",
        version: "3.0",
        base: 9.3,
        score: 9.5,
        severity: "CRITICAL",
        temporal: Some(8.9),
        environmental: Some(9.5),
        nomenclature: None,
    },
    Case {
        vector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:N",
        version: "3.1",
        base: 0.0,
        score: 0.0,
        severity: "NONE",
        temporal: None,
        environmental: None,
        nomenclature: None,
    },
    Case {
        vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        version: "4.0",
        base: 9.3,
        score: 9.3,
        severity: "CRITICAL",
        temporal: None,
        environmental: None,
        nomenclature: Some("CVSS-B"),
    },
    Case {
        vector: "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P",
        version: "4.0",
        base: 7.3,
        score: 5.9,
        severity: "MEDIUM",
        temporal: None,
        environmental: None,
        nomenclature: Some("CVSS-BT"),
    },
    Case {
        vector: "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:H/AR:H",
        version: "4.0",
        base: 7.3,
        score: 7.3,
        severity: "HIGH",
        temporal: None,
        environmental: None,
        nomenclature: Some("CVSS-BE"),
    },
    Case {
        vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:A/CR:H",
        version: "4.0",
        base: 0.0,
        score: 0.0,
        severity: "NONE",
        temporal: None,
        environmental: None,
        nomenclature: Some("CVSS-BTE"),
    },
];

#[test]
fn scores_as_json() {
    for c in CASES {
        let j = ok_json(c.vector);
        assert_eq!(j["version"], c.version, "{}", c.vector);
        assert_eq!(j["base_score"].as_f64(), Some(c.base), "{}", c.vector);
        assert_eq!(j["score"].as_f64(), Some(c.score), "{}", c.vector);
        assert_eq!(j["severity"], c.severity, "{}", c.vector);
        assert_eq!(j["temporal_score"].as_f64(), c.temporal, "{}", c.vector);
        assert_eq!(
            j["environmental_score"].as_f64(),
            c.environmental,
            "{}",
            c.vector
        );
        assert_eq!(j["nomenclature"].as_str(), c.nomenclature, "{}", c.vector);
        assert!(j["vector"].is_string());
    }
}

#[test]
fn canonical_vector_is_printed() {
    let j = ok_json("CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X");
    assert_eq!(
        j["vector"],
        "CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:N/E:F"
    );
    assert_eq!(j["temporal_score"].as_f64(), Some(3.7));
}

#[test]
fn invalid_vectors_exit_2_with_one_line_reason() {
    let cases: &[(&str, &str)] = &[
        (
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
            "missing mandatory base metric A",
        ),
        (
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H",
            "more than once",
        ),
        (
            "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "invalid value `Q`",
        ),
        (
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y",
            "unknown CVSS 3.1 metric `XX`",
        ),
        (
            "CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "out of order",
        ),
        ("CVSS:5.0/AV:N", "unknown CVSS version"),
        ("AV:N/AC:L/Au:N/C:C/I:C", "missing mandatory base metric A"),
        (
            "cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "unknown CVSS version prefix `cvss:3.1`",
        ),
        ("CVSS:3.1/AV:N//AC:L", "expected METRIC:VALUE"),
        ("", "empty"),
    ];
    for (vector, reason) in cases {
        let (code, out, err) = levee(&["cvss", vector]);
        assert_eq!(code, 2, "{vector}: {out}{err}");
        assert!(out.is_empty(), "{vector}: stdout {out}");
        assert_eq!(err.trim_end().lines().count(), 1, "{vector}: {err}");
        assert!(err.contains(reason), "{vector}: `{err}` lacks `{reason}`");
    }
}

#[test]
fn missing_argument_is_a_usage_error() {
    let (code, _, err) = levee(&["cvss"]);
    assert_eq!(code, 2);
    assert!(err.contains("VECTOR"), "{err}");
}
