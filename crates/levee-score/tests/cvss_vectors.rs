//! Every vector file in `shared/data/cvss/redhat-cvss` (RedHatProductSecurity/cvss
//! test data): every line must parse and score as expected, or be listed in
//! EXCLUDED with a reason.

use levee_score::cvss::{parse, Cvss};

/// (file, vector, reason). Lines listed here are skipped; the test fails if
/// an excluded line is not present (stale exclusion).
const EXCLUDED: &[(&str, &str, &str)] = &[];

const FILES: &[&str] = &[
    "vectors_simple2",
    "vectors_calculator2",
    "vectors_cvsslib2",
    "vectors_simple3",
    "vectors_simple31",
    "vectors_calculator3",
    "vectors_cvsslib3",
    "vectors_simple4",
    "vectors_supplemental4",
    "vectors_security4",
    "vectors_threat4",
];

/// Expected numbers of a line: one per tuple slot, `None` for Python's None.
fn expected(s: &str) -> Vec<Option<f64>> {
    let s = s.trim();
    let inner = s
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(s);
    inner
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| {
            if x == "None" {
                None
            } else {
                // `-0.0` appears in vectors_simple2
                Some(
                    x.parse::<f64>()
                        .unwrap_or_else(|e| panic!("bad number {x}: {e}"))
                        .abs(),
                )
            }
        })
        .collect()
}

fn close(got: levee_score::Score, want: f64) -> bool {
    (got.as_f64() - want).abs() < 1e-9
}

/// Check one line; Err(reason) on mismatch.
fn check(vector: &str, want: &[Option<f64>]) -> Result<(), String> {
    let v = parse(vector).map_err(|e| format!("parse error: {e}"))?;
    // canonical display round-trips
    let again =
        parse(&v.to_string()).map_err(|e| format!("canonical form {v} does not parse: {e}"))?;
    if again != v {
        return Err(format!("canonical form {v} parses differently"));
    }
    let s = v.scores();
    if s.severity != v.severity() {
        return Err("severity mismatch".into());
    }
    match (&v, want) {
        (Cvss::V2(x), [Some(b), t, e]) => {
            if !close(x.base_score(), *b) {
                return Err(format!("base {} != {b}", x.base_score()));
            }
            match (t, s.temporal) {
                (None, None) => {}
                (Some(t), Some(g)) if close(g, *t) => {}
                (t, g) => return Err(format!("temporal {g:?} != {t:?}")),
            }
            match (e, s.environmental) {
                (None, None) => {}
                (Some(e), Some(g)) if close(g, *e) => {}
                (e, g) => return Err(format!("environmental {g:?} != {e:?}")),
            }
            Ok(())
        }
        (Cvss::V3(x), [Some(b), Some(t), Some(e)]) => {
            let got = (x.base_score(), x.temporal_score(), x.environmental_score());
            if close(got.0, *b) && close(got.1, *t) && close(got.2, *e) {
                Ok(())
            } else {
                Err(format!(
                    "got ({}, {}, {}) want ({b}, {t}, {e})",
                    got.0, got.1, got.2
                ))
            }
        }
        (Cvss::V4(x), [Some(want)]) => {
            if close(x.score(), *want) && close(s.score, *want) {
                Ok(())
            } else {
                Err(format!(
                    "score {} want {want} (macrovector {:?})",
                    x.score(),
                    x.macro_vector()
                ))
            }
        }
        _ => Err(format!(
            "unexpected expectation shape {want:?} for {}",
            v.version()
        )),
    }
}

#[test]
fn every_redhat_vector_file() {
    let Some(dir) = levee_testdata::shared_data("cvss/redhat-cvss") else {
        return;
    };
    let mut failures = Vec::new();
    let mut used_exclusions = 0;
    let mut total = 0;
    for file in FILES {
        let text = std::fs::read_to_string(dir.join(file)).expect("read vector file");
        let mut n = 0;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let (vector, exp) = line
                .split_once(" - ")
                .unwrap_or_else(|| panic!("{file}:{}: no ` - ` separator", i + 1));
            n += 1;
            if EXCLUDED.iter().any(|(f, v, _)| f == file && *v == vector) {
                used_exclusions += 1;
                continue;
            }
            if let Err(e) = check(vector, &expected(exp)) {
                failures.push(format!("{file}:{}: {vector}: {e}", i + 1));
            }
        }
        assert!(n > 0, "{file} has no vectors");
        total += n;
    }
    assert_eq!(used_exclusions, EXCLUDED.len(), "stale exclusion");
    // every file counted as SOURCES.md describes: 729+5+24+2592+2592+2+29+1058+576+54+6
    assert_eq!(total, 7667);
    assert!(
        failures.is_empty(),
        "{} of {total} vectors failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
