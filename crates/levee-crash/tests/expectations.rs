//! Data-driven check against ClusterFuzz's own stack-analyzer expectations
//! (`../shared/data/sanitizer-crashes/expectations.json`, 204 analyses).
//!
//! Every case must match `crash_type` and `crash_state` exactly, except the
//! known misses listed below (each with its reason). A known miss that starts
//! to match also fails the test, so the list stays exact.
//!
//! The rules follow a stored copy of ClusterFuzz's stack analyzer; five
//! behaviours of the newer upstream version the expectations come from were
//! inferred from the data and are covered here: Chrome `DCHECK failed:` lines
//! count as `CHECK failure` (test_dcheck_failure_chrome), a Chrome check
//! message is cut at `"; "` (test_check_failure_chrome_semicolon_file),
//! `v8::internal::Isolate::PushStackTraceAndDie` frames are ignored
//! (test_v8_isolate_pushstacktraceanddie), `Sanitizer: illegal-instruction`
//! is a non-security signal (test_sanitizer_ill_on_windows), and
//! `REPORT_OOMS_AND_HANGS=FORCE` ignores the redzone
//! (test_centipede_timeout_abrt).

use std::collections::BTreeMap;
use std::path::Path;

use levee_crash::{analyze, Settings};
use serde_json::Value;

/// Case id (upstream test name) → why we do not reproduce ClusterFuzz there.
const KNOWN_MISSES: &[(&str, &str)] = &[];

/// The parse+sign result must equal the expectation for at least this share
/// of all cases (type, state, and address and security flag where given).
const MIN_PASS_RATE: f64 = 0.95;

struct Outcome {
    id: String,
    type_ok: bool,
    state_ok: bool,
    address_ok: Option<bool>,
    security_ok: Option<bool>,
    detail: String,
}

fn env_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

fn check(case: &Value, logs: &Path) -> Outcome {
    let id = case["test"]
        .as_str()
        .expect("case has a test id")
        .to_string();
    let file = case["file"].as_str().expect("case has a file");
    let bytes = std::fs::read(logs.join(file)).expect("log file readable");
    let log = String::from_utf8_lossy(&bytes);
    let env: Vec<String> = case
        .get("environment")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", env_value(v)))
                .collect()
        })
        .unwrap_or_default();
    let settings = Settings::from_env(&env).expect("valid settings");
    let got = analyze(&log, &settings);
    let field = |k: &str| case.get(k).and_then(Value::as_str);
    let type_ok = field("crash_type").is_none_or(|t| t == got.crash_type);
    let state_ok = field("crash_state").is_none_or(|s| s == got.crash_state);
    let address_ok = field("crash_address").map(|a| a == got.crash_address);
    let security_ok = case
        .get("security_flag")
        .and_then(Value::as_bool)
        .map(|b| b == got.security);
    let detail = format!(
        "{id} ({file}, env {env:?})\n  type     want {:?}\n           got  {:?}\n  state    want {:?}\n           got  {:?}\n  address  want {:?} got {:?}\n  security want {:?} got {:?}",
        field("crash_type"),
        got.crash_type,
        field("crash_state"),
        got.crash_state,
        field("crash_address"),
        got.crash_address,
        case.get("security_flag"),
        got.security,
    );
    Outcome {
        id,
        type_ok,
        state_ok,
        address_ok,
        security_ok,
        detail,
    }
}

#[test]
fn clusterfuzz_expectations() {
    let Some(path) = levee_testdata::shared_data("sanitizer-crashes/expectations.json") else {
        return;
    };
    let logs = path.parent().expect("has parent").join("logs");
    let doc: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("readable")).expect("valid JSON");
    let cases = doc["cases"].as_array().expect("cases array");
    assert!(
        cases.len() >= 200,
        "expected ~204 cases, found {}",
        cases.len()
    );

    let known: BTreeMap<&str, &str> = KNOWN_MISSES.iter().copied().collect();
    let outcomes: Vec<Outcome> = cases.iter().map(|c| check(c, &logs)).collect();

    let mut unexpected_misses = Vec::new();
    let mut unexpected_passes = Vec::new();
    let mut pass = 0usize;
    for o in &outcomes {
        // The security flag and the crash address count too (every case
        // that states them matches today; a regression must fail here).
        let ok =
            o.type_ok && o.state_ok && o.address_ok != Some(false) && o.security_ok != Some(false);
        if ok {
            pass += 1;
        }
        match (ok, known.contains_key(o.id.as_str())) {
            (false, false) => unexpected_misses.push(o.detail.clone()),
            (true, true) => unexpected_passes.push(o.id.clone()),
            _ => {}
        }
    }
    for id in known.keys() {
        assert!(
            outcomes.iter().any(|o| o.id == *id),
            "known miss `{id}` is not a case id"
        );
    }
    let n = outcomes.len();
    let rate = pass as f64 / n as f64;
    let addr: Vec<bool> = outcomes.iter().filter_map(|o| o.address_ok).collect();
    let sec: Vec<bool> = outcomes.iter().filter_map(|o| o.security_ok).collect();
    let share = |v: &[bool]| v.iter().filter(|b| **b).count() as f64 / v.len().max(1) as f64;
    eprintln!(
        "crash_type+crash_state: {pass}/{n} ({:.1}%); crash_address {:.1}% of {}; security {:.1}% of {}",
        rate * 100.0,
        share(&addr) * 100.0,
        addr.len(),
        share(&sec) * 100.0,
        sec.len()
    );
    if std::env::var_os("LEVEE_CRASH_SHOW_ALL").is_some() {
        for o in outcomes.iter().filter(|o| !(o.type_ok && o.state_ok)) {
            eprintln!("MISS {}", o.detail);
        }
        for o in outcomes
            .iter()
            .filter(|o| o.address_ok == Some(false) || o.security_ok == Some(false))
        {
            eprintln!("ADDR/SEC {}", o.detail);
        }
    }
    assert!(
        unexpected_misses.is_empty(),
        "{} case(s) regressed (not in KNOWN_MISSES):\n{}",
        unexpected_misses.len(),
        unexpected_misses.join("\n")
    );
    assert!(
        unexpected_passes.is_empty(),
        "known misses now pass, remove them from KNOWN_MISSES: {unexpected_passes:?}"
    );
    assert!(
        rate >= MIN_PASS_RATE,
        "pass rate {:.1}% below {:.0}%",
        rate * 100.0,
        MIN_PASS_RATE * 100.0
    );
}
