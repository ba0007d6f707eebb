//! Every version string in the shared OSV feeds (`osv-*/*.jsonl`:
//! `affected[].ranges[].events` of SEMVER/ECOSYSTEM ranges and
//! `affected[].versions`) parses in its ecosystem, or falls into a named
//! rejection class listed in `ALLOWED` with a reason. A new class fails.
//! Every affected entry also compiles into an `AffectedMatcher`.

use std::collections::BTreeMap;

use levee_versions::range::semver_range_scheme;
use levee_versions::{
    AffectedMatcher, Ecosystem, Event, OsvRange, RangeKind, RejectKind, Version, VersionScheme,
};
use serde_json::Value;

/// (ecosystem, field, rejection class, reason) — the only tolerated failures.
const ALLOWED: &[(&str, &str, &str, &str)] = &[
    (
        "PyPI",
        "events",
        "LegacyPep440",
        "osv-pypa range bounds that are not PEP 440 (`0.2.0-n653`, a date `2019-09-12`); \
         ordered by packaging's LegacyVersion rules, below every PEP 440 version",
    ),
    (
        "PyPI",
        "versions",
        "LegacyPep440",
        "old PyPI releases in osv-pypa `versions` lists (`0.7.10p1`, `0.3m1`); \
         matched by exact string and LegacyVersion order",
    ),
];

/// Accepted, but outside the scheme's modern grammar: reported as a class.
fn caveat(v: &Version) -> Option<&'static str> {
    match v {
        Version::Pep440(p) if p.is_legacy() => Some("LegacyPep440"),
        Version::Apk(a) if !a.is_valid() => Some("ApkInvalid"),
        _ => None,
    }
}

fn class(k: RejectKind) -> String {
    match k {
        RejectKind::InvalidChar(_) => "InvalidChar".into(),
        other => format!("{other:?}"),
    }
}

#[test]
fn every_feed_version_parses_or_is_a_named_rejection() {
    let Some(root) = levee_testdata::shared_root() else {
        let _ = levee_testdata::shared_data("osv-go");
        return;
    };
    let mut files = Vec::new();
    for d in std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        let name = d.file_name().to_string_lossy().into_owned();
        if !name.starts_with("osv-") || !d.path().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(d.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
        {
            if f.path().extension().is_some_and(|x| x == "jsonl") {
                files.push(f.path());
            }
        }
    }
    files.sort();
    assert!(!files.is_empty(), "no OSV feeds found");
    let mut parsed = 0usize;
    let mut unordered = 0usize;
    let mut rejected: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    let mut compile_errors = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
        for (ln, line) in text.lines().enumerate() {
            let Ok(rec) = serde_json::from_str::<Value>(line) else {
                continue; // markdown wrappers etc. are not OSV
            };
            let Some(affected) = rec.get("affected").and_then(Value::as_array) else {
                continue;
            };
            let withdrawn = rec.get("withdrawn").is_some();
            for a in affected {
                let Some(eco_s) = a.pointer("/package/ecosystem").and_then(Value::as_str) else {
                    continue;
                };
                let eco = Ecosystem::parse(eco_s)
                    .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), ln + 1));
                let scheme = eco.scheme();
                let mut ranges = Vec::new();
                for r in a
                    .get("ranges")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let kind: RangeKind = r
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .parse()
                        .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), ln + 1));
                    let mut events = Vec::new();
                    for e in r
                        .get("events")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        let Some(obj) = e.as_object() else { continue };
                        for (k, v) in obj {
                            let v = v.as_str().unwrap_or("").to_string();
                            events.push(match k.as_str() {
                                "introduced" => Event::Introduced(v),
                                "fixed" => Event::Fixed(v),
                                "last_affected" => Event::LastAffected(v),
                                "limit" => Event::Limit(v),
                                other => panic!("unknown event {other}"),
                            });
                        }
                    }
                    let rs: Option<VersionScheme> = match kind {
                        RangeKind::Git | RangeKind::Unknown => None,
                        RangeKind::Semver => Some(semver_range_scheme(scheme)),
                        RangeKind::Ecosystem => scheme,
                    };
                    match rs {
                        Some(s) => {
                            for e in &events {
                                let v = e.version();
                                if matches!(e, Event::Introduced(_)) && v == "0" {
                                    continue;
                                }
                                match Version::parse(s, v) {
                                    Ok(pv) => {
                                        parsed += 1;
                                        if let Some(c) = caveat(&pv) {
                                            rejected
                                                .entry((
                                                    eco.name.to_string(),
                                                    "events".into(),
                                                    c.into(),
                                                ))
                                                .or_default()
                                                .push(v.to_string());
                                        }
                                    }
                                    Err(err) => rejected
                                        .entry((
                                            eco.name.to_string(),
                                            "events".into(),
                                            class(err.kind),
                                        ))
                                        .or_default()
                                        .push(v.to_string()),
                                }
                            }
                        }
                        None if kind != RangeKind::Git => unordered += 1,
                        None => {}
                    }
                    ranges.push(OsvRange {
                        kind,
                        repo: None,
                        events,
                    });
                }
                let versions: Vec<String> = a
                    .get("versions")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                if let Some(s) = scheme {
                    let git_only =
                        !ranges.is_empty() && ranges.iter().all(|r| r.kind == RangeKind::Git);
                    for v in &versions {
                        match Version::parse(s, v) {
                            Ok(pv) => {
                                parsed += 1;
                                if let Some(c) = caveat(&pv) {
                                    rejected
                                        .entry((eco.name.to_string(), "versions".into(), c.into()))
                                        .or_default()
                                        .push(v.clone());
                                }
                            }
                            Err(err) => rejected
                                .entry((
                                    eco.name.to_string(),
                                    if git_only {
                                        "versions(git tags)"
                                    } else {
                                        "versions"
                                    }
                                    .into(),
                                    class(err.kind),
                                ))
                                .or_default()
                                .push(v.clone()),
                        }
                    }
                }
                if let Err(e) = AffectedMatcher::compile(scheme, &ranges, &versions, withdrawn) {
                    compile_errors.push(format!("{}:{}: {e}", path.display(), ln + 1));
                }
            }
        }
    }
    eprintln!("parsed {parsed} feed versions; {unordered} ranges in unordered ecosystems");
    let mut unknown = Vec::new();
    for ((eco, field, cls), examples) in &rejected {
        let allowed = ALLOWED
            .iter()
            .any(|(e, f, c, _)| e == eco && f == field && c == cls);
        eprintln!(
            "rejected {eco} {field} {cls}: {} e.g. {:?}",
            examples.len(),
            examples.iter().take(5).collect::<Vec<_>>()
        );
        if !allowed {
            unknown.push(format!(
                "{eco} {field} {cls}: {:?}",
                examples.iter().take(8).collect::<Vec<_>>()
            ));
        }
    }
    for (e, f, c, _) in ALLOWED {
        assert!(
            rejected.contains_key(&(e.to_string(), f.to_string(), c.to_string())),
            "allowed class {e} {f} {c} no longer occurs"
        );
    }
    assert!(parsed > 10_000, "too few versions checked: {parsed}");
    assert!(
        unknown.is_empty(),
        "unknown rejection classes:\n{}",
        unknown.join("\n")
    );
    let n = compile_errors.len();
    let shown: Vec<_> = compile_errors.into_iter().take(10).collect();
    assert!(n == 0, "{n} compile errors:\n{}", shown.join("\n"));
}
