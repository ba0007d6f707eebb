//! The upstream CSAF validator test documents (`testcases.json`): each
//! `failures` document of a mandatory test fails that test; each `valid`
//! document passes the whole validation (schema + every mandatory test).

use std::collections::HashMap;

use levee_feeds::csaf::{validate, ValidateOptions, MANDATORY_TESTS};
use serde_json::Value;

/// Upstream documents marked `valid: true` although they break a
/// mandatory test, with that test: both list the same hash algorithm twice
/// in one `file_hashes` (6.1.25), to exercise optional tests 6.2.8/6.2.9.
const KNOWN_INCONSISTENT: &[(&str, &str)] = &[
    (
        "optional/oasis_csaf_tc-csaf_2_0-2021-6-2-08-02.json",
        "6.1.25",
    ),
    (
        "optional/oasis_csaf_tc-csaf_2_0-2021-6-2-09-02.json",
        "6.1.25",
    ),
];

/// Tests listed in testcases.json that this crate does not implement.
const NOT_IMPLEMENTED: &[&str] = &[];

fn cwe_catalogue() -> Option<HashMap<u32, String>> {
    let mut m = HashMap::new();
    for f in [
        "cwe/1000.csv",
        "cwe/699.csv",
        "cwe/1003.csv",
        "cwe/2000.csv",
    ] {
        let p = levee_testdata::shared_data(f)?;
        let bytes = std::fs::read(p).ok()?;
        for e in levee_score::cwe::CweCsv::new(&bytes).ok()?.flatten() {
            m.insert(e.id.0, e.name);
        }
    }
    Some(m)
}

#[test]
fn mandatory_testcases() {
    let Some(dir) = levee_testdata::shared_data("csaf/test/validator/data") else {
        return;
    };
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("testcases.json")).unwrap()).unwrap();
    let opts = ValidateOptions {
        cwe_names: cwe_catalogue(),
    };
    assert!(opts.cwe_names.is_some());
    let mut problems = Vec::new();
    let mut listed = Vec::new();
    let (mut nfail, mut nvalid) = (0, 0);
    for t in manifest["tests"].as_array().unwrap() {
        let id = t["id"].as_str().unwrap();
        if t["group"] != "mandatory" {
            continue;
        }
        listed.push(id.to_string());
        if NOT_IMPLEMENTED.contains(&id) {
            continue;
        }
        assert!(
            MANDATORY_TESTS.contains(&id),
            "test {id} listed but not implemented nor declared"
        );
        for f in t["failures"].as_array().into_iter().flatten() {
            let name = f["name"].as_str().unwrap();
            let doc: Value =
                serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap();
            let r = validate(&doc, &opts);
            nfail += 1;
            if !r.failed_tests().contains(&id) {
                problems.push(format!(
                    "{name}: expected to fail {id}, failed {:?}",
                    r.failed_tests()
                ));
            }
        }
        for f in t["valid"].as_array().into_iter().flatten() {
            let name = f["name"].as_str().unwrap();
            let doc: Value =
                serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap();
            let r = validate(&doc, &opts);
            nvalid += 1;
            if !r.is_valid() {
                problems.push(format!("{name}: expected valid, got {:?}", r.findings));
            }
        }
    }
    eprintln!("{nfail} failure documents, {nvalid} valid documents");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // Exactly the declared list is left out.
    let missing: Vec<&String> = listed
        .iter()
        .filter(|t| !MANDATORY_TESTS.contains(&t.as_str()))
        .collect();
    assert_eq!(missing.len(), NOT_IMPLEMENTED.len(), "{missing:?}");
}

#[test]
fn upstream_examples_validate() {
    let Some(dir) = levee_testdata::shared_data("csaf/examples/csaf") else {
        return;
    };
    let opts = ValidateOptions {
        cwe_names: cwe_catalogue(),
    };
    let mut problems = Vec::new();
    let mut n = 0;
    for sub in ["", "csaf_vex"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "json") {
                n += 1;
                let doc: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                let r = validate(&doc, &opts);
                if !r.is_valid() {
                    problems.push(format!("{}: {:?}", p.display(), r.findings));
                }
            }
        }
    }
    eprintln!("{n} examples");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_listed_document_has_the_listed_overall_validity() {
    // Optional and informative test documents too: `valid: true` documents
    // pass schema + mandatory tests, `valid: false` ones fail something.
    let Some(dir) = levee_testdata::shared_data("csaf/test/validator/data") else {
        return;
    };
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("testcases.json")).unwrap()).unwrap();
    let opts = ValidateOptions {
        cwe_names: cwe_catalogue(),
    };
    let mut problems = Vec::new();
    let mut n = 0;
    for t in manifest["tests"].as_array().unwrap() {
        for list in ["failures", "valid"] {
            for f in t[list].as_array().into_iter().flatten() {
                let name = f["name"].as_str().unwrap();
                let want = f["valid"].as_bool().unwrap();
                let doc: Value =
                    serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap();
                let r = validate(&doc, &opts);
                n += 1;
                if KNOWN_INCONSISTENT
                    .iter()
                    .any(|(n, t)| *n == name && r.failed_tests() == [*t])
                {
                    continue;
                }
                if r.is_valid() != want {
                    problems.push(format!(
                        "{name} ({}): expected valid={want}, findings {:?}",
                        t["id"], r.findings
                    ));
                }
            }
        }
    }
    eprintln!("{n} documents");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
