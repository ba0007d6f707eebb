//! CVE JSON 5 records (`shared/data/cve-json5`, CISA vulnrichment) carry CVSS
//! metrics as `{vectorString, baseScore, baseSeverity}` from the CNA and from
//! CISA's ADP. Every vector must parse, and our score must equal the
//! published one unless a rule explains the disagreement as the publisher's
//! error:
//!
//! - `temporal-as-base`: the vector has temporal metrics and the published
//!   "base" score is exactly our temporal score;
//! - `reference-confirms`: the base vector is in Red Hat's
//!   `vectors_simple31` (checked against FIRST's calculator) with our score.
//!
//! Anything else must be listed in KNOWN_WRONG with a reason; an unexplained
//! disagreement fails.

use levee_score::cvss::{self, Cvss};
use serde_json::Value;

/// Published (vector, score) pairs that are wrong at the source.
/// Each: (vector, published score, reason).
const KNOWN_WRONG: &[(&str, f64, &str)] = &[
    (
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N/E:U/RL:O/RC:R",
        4.4,
        "neither the base score (4.8, confirmed by vectors_simple31) nor the temporal score \
         (Roundup(4.8 x 0.91 x 0.95 x 0.96) = 4.0)",
    ),
    (
        "CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:L/VI:H/VA:N/SC:N/SI:N/SA:N",
        5.6,
        "MacroVector 111200 (6.1) minus mean distance (1.125 + 0.225 + 0) / 3 = 0.45 gives \
         exactly 5.65, which rounds half up to 5.7 as FIRST's calculator does since its \
         epsilon rounding fix; 5.6 is the float artefact of the older calculator",
    ),
];

fn walk(v: &Value, out: &mut Vec<(String, String, f64, Option<String>)>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                if k.starts_with("cvssV") {
                    if let (Some(vs), Some(score)) = (
                        x.get("vectorString").and_then(Value::as_str),
                        x.get("baseScore").and_then(Value::as_f64),
                    ) {
                        let sev = x
                            .get("baseSeverity")
                            .and_then(Value::as_str)
                            .map(str::to_owned);
                        out.push((k.clone(), vs.to_owned(), score, sev));
                    }
                } else {
                    walk(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
        _ => {}
    }
}

#[test]
fn published_cve5_scores_match() {
    let Some(p) = levee_testdata::shared_data("cve-json5/vulnrichment-cve5.jsonl") else {
        return;
    };
    let text = std::fs::read_to_string(p).expect("read");
    let mut metrics = Vec::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("JSON line");
        walk(&v, &mut metrics);
    }
    assert!(metrics.len() > 1000, "{}", metrics.len());
    let reference: std::collections::HashMap<String, f64> =
        levee_testdata::shared_data("cvss/redhat-cvss/vectors_simple31")
            .map(|p| std::fs::read_to_string(p).expect("read"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let (v, e) = l.split_once(" - ")?;
                let base = e
                    .trim_start_matches('(')
                    .split(',')
                    .next()?
                    .trim()
                    .parse()
                    .ok()?;
                Some((v.to_owned(), base))
            })
            .collect();
    let mut failures = Vec::new();
    let mut explained = std::collections::BTreeMap::<&str, usize>::new();
    let mut used = 0;
    for (key, vs, published, sev) in &metrics {
        let parsed = match cvss::parse(vs) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{key} {vs}: {e}"));
                continue;
            }
        };
        // CVE JSON's baseScore is the v2/v3 base score and the v4 score of the
        // whole vector
        let ours = match &parsed {
            Cvss::V4(x) => x.score(),
            other => other.scores().base,
        };
        if (ours.as_f64() - published).abs() > 1e-9 {
            if let Cvss::V3(x) = &parsed {
                if x.has_temporal() && (x.temporal_score().as_f64() - published).abs() < 1e-9 {
                    *explained.entry("temporal-as-base").or_default() += 1;
                    continue;
                }
                if !x.has_temporal()
                    && !x.has_environmental()
                    && reference
                        .get(&x.to_string())
                        .is_some_and(|r| (r - ours.as_f64()).abs() < 1e-9)
                {
                    *explained.entry("reference-confirms").or_default() += 1;
                    continue;
                }
            }
            if KNOWN_WRONG
                .iter()
                .any(|(v, s, _)| v == vs && (s - published).abs() < 1e-9)
            {
                used += 1;
                continue;
            }
            failures.push(format!("{key} {vs}: ours {ours}, published {published}"));
        }
        if let (Some(sev), false) = (sev, matches!(parsed, Cvss::V2(_))) {
            let our_sev = levee_score::Severity::from_score(ours);
            if !sev.eq_ignore_ascii_case(our_sev.as_str())
                && (ours.as_f64() - published).abs() < 1e-9
            {
                failures.push(format!(
                    "{key} {vs}: severity ours {our_sev}, published {sev}"
                ));
            }
        }
    }
    eprintln!(
        "{} CVSS metrics checked; explained disagreements: {explained:?}",
        metrics.len()
    );
    failures.sort();
    failures.dedup();
    assert!(
        failures.is_empty(),
        "{} of {} disagree:\n{}",
        failures.len(),
        metrics.len(),
        failures.join("\n")
    );
    assert_eq!(used, KNOWN_WRONG.len(), "stale KNOWN_WRONG entry");
}
