//! CSAF → OSV conversion of purl-identified products: fixed versions,
//! `vers:` ranges of `product_version_range` branches, rpm epochs.

use levee_feeds::{read, FeedFormat};
use levee_formats::Record;
use serde_json::{json, Value};

fn doc(branches: Value, status: Value) -> Value {
    json!({"document":{"category":"csaf_base","csaf_version":"2.0","title":"t",
        "publisher":{"category":"vendor","name":"n","namespace":"https://example.org"},
        "tracking":{"id":"X-1","current_release_date":"2024-01-01T00:00:00Z","initial_release_date":"2024-01-01T00:00:00Z",
          "revision_history":[{"date":"2024-01-01T00:00:00Z","number":"1","summary":"s"}],"status":"final","version":"1"}},
        "product_tree":{"branches":branches},
        "vulnerabilities":[{"cve":"CVE-2024-1234","product_status":status}]})
}

fn convert(d: &Value) -> Record {
    let bytes = serde_json::to_vec(d).unwrap();
    let mut out: Vec<_> = read("t.json", &bytes, Some(FeedFormat::Csaf)).collect();
    assert_eq!(out.len(), 1);
    out.pop().unwrap().unwrap_or_else(|e| panic!("{e}"))
}

fn events(r: &Record) -> Vec<(String, String)> {
    let v = serde_json::to_value(&r.affected[0].ranges).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["events"].as_array().cloned().unwrap_or_default())
        .map(|e| {
            let (k, v) = e.as_object().unwrap().iter().next().unwrap();
            (k.clone(), v.as_str().unwrap().to_string())
        })
        .collect()
}

fn ev(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn product(cat: &str, name: &str, id: &str, purl: &str) -> Value {
    json!({"category":cat,"name":name,"product":{"name":format!("foo {name}"),"product_id":id,
        "product_identification_helper":{"purl":purl}}})
}

fn foo(branches: Vec<Value>) -> Value {
    json!([{"category":"vendor","name":"Example","branches":[{"category":"product_name","name":"foo","branches":branches}]}])
}

#[test]
fn several_fixed_versions_keep_the_smallest() {
    // Both versions contain the fix; a range fixed at the first listed
    // (2.0.3) would report the fixed 1.2.5 as affected.
    let d = doc(
        foo(vec![
            product("product_version", "2.0.3", "P1", "pkg:npm/foo@2.0.3"),
            product("product_version", "1.2.5", "P2", "pkg:npm/foo@1.2.5"),
        ]),
        json!({"fixed":["P1","P2"]}),
    );
    let r = convert(&d);
    assert_eq!(events(&r), ev(&[("introduced", "0"), ("fixed", "1.2.5")]));
}

#[test]
fn version_range_branches_give_ranges() {
    // A known_affected product defined by a `vers:` range and a purl
    // without version affected nothing (a package with neither ranges nor
    // versions).
    let d = doc(
        foo(vec![
            product(
                "product_version_range",
                "vers:npm/>=2.0.0|<2.0.3",
                "P3",
                "pkg:npm/foo",
            ),
            product("product_version", "1.2.5", "P2", "pkg:npm/foo@1.2.5"),
        ]),
        json!({"known_affected":["P3"],"fixed":["P2"]}),
    );
    let r = convert(&d);
    assert_eq!(
        events(&r),
        ev(&[
            ("introduced", "0"),
            ("fixed", "1.2.5"),
            ("introduced", "2.0.0"),
            ("fixed", "2.0.3")
        ])
    );
}

#[test]
fn rpm_epoch_qualifier_is_part_of_the_version() {
    // purl-spec: the rpm epoch is the `epoch` qualifier. Without it the
    // fixed version 1.1.1k-7 sorts below every installed 1:1.1.1k-x.
    let d = doc(
        json!([{"category":"vendor","name":"Red Hat","branches":[
            product("product_version", "openssl-1:1.1.1k-7.el8_6.x86_64", "P1",
                "pkg:rpm/redhat/openssl@1.1.1k-7.el8_6?arch=x86_64&epoch=1"),
            product("product_version", "openssl-1:1.1.1k-6.el8.x86_64", "P0",
                "pkg:rpm/redhat/openssl@1.1.1k-6.el8?arch=x86_64&epoch=1")]}]),
        json!({"fixed":["P1"],"known_affected":["P0"]}),
    );
    let r = convert(&d);
    assert_eq!(
        events(&r),
        ev(&[("introduced", "0"), ("fixed", "1:1.1.1k-7.el8_6")])
    );
    assert_eq!(r.affected[0].versions, vec!["1:1.1.1k-6.el8"]);
}
