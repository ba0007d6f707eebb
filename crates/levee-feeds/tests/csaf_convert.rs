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

fn npm(versions: &[(&str, &str)]) -> Value {
    foo(versions
        .iter()
        .map(|(id, v)| product("product_version", v, id, &format!("pkg:npm/foo@{v}")))
        .collect())
}

#[test]
fn last_affected_covers_earlier_versions() {
    // CSAF 2.0 §3.2.3.9: the last version of a release train known to be
    // affected; later ones contain the fix. Nothing says where it began.
    let r = convert(&doc(
        npm(&[("P1", "2.3.0")]),
        json!({"last_affected":["P1"]}),
    ));
    assert_eq!(
        events(&r),
        ev(&[("introduced", "0"), ("last_affected", "2.3.0")])
    );
    assert!(r.affected[0].versions.is_empty());
}

#[test]
fn first_affected_opens_a_range_closed_by_the_next_fix() {
    let r = convert(&doc(
        npm(&[("P1", "2.0.0"), ("P2", "2.3.1")]),
        json!({"first_affected":["P1"],"fixed":["P2"]}),
    ));
    assert_eq!(
        events(&r),
        ev(&[("introduced", "2.0.0"), ("fixed", "2.3.1")])
    );
    assert!(r.affected[0].versions.is_empty());
    // No fix known: affected from the first affected version on.
    let r = convert(&doc(
        npm(&[("P1", "2.0.0")]),
        json!({"first_affected":["P1"]}),
    ));
    assert_eq!(events(&r), ev(&[("introduced", "2.0.0")]));
}

#[test]
fn first_and_last_affected_pair_per_release_train() {
    let r = convert(&doc(
        npm(&[
            ("P1", "1.0.0"),
            ("P2", "1.9.9"),
            ("P3", "1.9.10"),
            ("P4", "2.0.0"),
            ("P5", "2.3.5"),
            ("P6", "2.3.6"),
        ]),
        json!({"first_affected":["P1","P4"],"last_affected":["P2","P5"],"fixed":["P3","P6"]}),
    ));
    assert_eq!(
        events(&r),
        ev(&[
            ("introduced", "1.0.0"),
            ("last_affected", "1.9.9"),
            ("introduced", "2.0.0"),
            ("last_affected", "2.3.5")
        ])
    );
}

#[test]
fn fix_below_every_first_affected_keeps_the_open_start() {
    // 1.5.0 fixes an older train (start unknown); 2.0.0 starts a new one
    // fixed in 2.1.0.
    let r = convert(&doc(
        npm(&[("P1", "1.5.0"), ("P2", "2.0.0"), ("P3", "2.1.0")]),
        json!({"fixed":["P1","P3"],"first_affected":["P2"]}),
    ));
    assert_eq!(
        events(&r),
        ev(&[
            ("introduced", "0"),
            ("fixed", "1.5.0"),
            ("introduced", "2.0.0"),
            ("fixed", "2.1.0")
        ])
    );
}

#[test]
fn last_affected_with_an_unordered_version_stays_explicit() {
    // A version outside the ecosystem's ordering cannot bound a range.
    let d = doc(
        foo(vec![product(
            "product_version",
            "nightly build",
            "P1",
            "pkg:npm/foo@nightly%20build",
        )]),
        json!({"last_affected":["P1"]}),
    );
    let r = convert(&d);
    assert!(r.affected[0].ranges.is_empty());
    assert_eq!(r.affected[0].versions, vec!["nightly build"]);
}

#[test]
fn product_version_branch_gives_the_version_of_a_versionless_purl() {
    let d = doc(
        foo(vec![product(
            "product_version",
            "2.3.0",
            "P1",
            "pkg:npm/foo",
        )]),
        json!({"last_affected":["P1"]}),
    );
    let r = convert(&d);
    assert_eq!(
        events(&r),
        ev(&[("introduced", "0"), ("last_affected", "2.3.0")])
    );
}

#[test]
fn a_version_range_below_the_fix_keeps_its_start() {
    // The range says where the affected versions begin; the fixed
    // version only confirms its end.
    let d = doc(
        foo(vec![
            product(
                "product_version_range",
                "vers:npm/>=2.0.0|<2.3.1",
                "P1",
                "pkg:npm/foo",
            ),
            product("product_version", "2.3.1", "P2", "pkg:npm/foo@2.3.1"),
        ]),
        json!({"known_affected":["P1"],"fixed":["P2"]}),
    );
    let r = convert(&d);
    assert_eq!(
        events(&r),
        ev(&[("introduced", "2.0.0"), ("fixed", "2.3.1")])
    );
}

fn redhat(
    platforms: &[(&str, &str)],
    comps: &[(&str, &str)],
    rels: &[(&str, &str, &str)],
) -> Value {
    let mut bs: Vec<Value> = platforms
        .iter()
        .map(|(id, cpe)| {
            json!({"category":"product_name","name":id,"product":{"name":id,"product_id":id,
            "product_identification_helper":{"cpe":cpe}}})
        })
        .collect();
    bs.extend(comps.iter().map(|(id, purl)| {
        json!({"category":"product_version","name":id,"product":{"name":id,"product_id":id,
            "product_identification_helper":{"purl":purl}}})
    }));
    let rels: Vec<Value> = rels
        .iter()
        .map(|(id, comp, plat)| json!({"category":"default_component_of","full_product_name":{"name":id,"product_id":id},
            "product_reference":comp,"relates_to_product_reference":plat}))
        .collect();
    json!({"branches":[{"category":"vendor","name":"Red Hat","branches":bs}],"relationships":rels})
}

#[test]
fn red_hat_releases_stay_apart() {
    // The RHEL 8 fix must not end the RHEL 9 range (smallest fix): the
    // platform CPE gives the release, as in osv.dev's `Red Hat:<release>`.
    let tree = redhat(
        &[
            ("RHEL8", "cpe:/a:redhat:enterprise_linux:8::appstream"),
            ("RHEL9", "cpe:/a:redhat:enterprise_linux:9::appstream"),
        ],
        &[
            (
                "c8",
                "pkg:rpm/redhat/openssl@1.1.1k-7.el8_6?arch=src&epoch=1",
            ),
            (
                "c9",
                "pkg:rpm/redhat/openssl@3.0.7-16.el9_2?arch=src&epoch=1",
            ),
        ],
        &[("R8:c8", "c8", "RHEL8"), ("R9:c9", "c9", "RHEL9")],
    );
    let mut d = doc(json!([]), json!({"fixed":["R8:c8","R9:c9"]}));
    d["product_tree"] = tree;
    let r = convert(&d);
    let got: Vec<(String, String, Value)> = r
        .affected
        .iter()
        .map(|a| {
            let p = a.package.as_ref().unwrap();
            (
                p.ecosystem.clone(),
                p.name.clone(),
                serde_json::to_value(&a.ranges).unwrap()[0]["events"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "Red Hat:enterprise_linux:8::appstream".to_string(),
                "openssl".to_string(),
                json!([{"introduced":"0"},{"fixed":"1:1.1.1k-7.el8_6"}])
            ),
            (
                "Red Hat:enterprise_linux:9::appstream".to_string(),
                "openssl".to_string(),
                json!([{"introduced":"0"},{"fixed":"1:3.0.7-16.el9_2"}])
            ),
        ]
    );
}

#[test]
fn red_hat_advisory_gives_osv_dev_packages() {
    // osv-schema's Red Hat converter test pair: same (ecosystem, package)
    // set as osv.dev's record.
    let (Some(csaf), Some(osv)) = (
        levee_testdata::shared_data("osv-schema/tools/redhat/testdata/CSAF/rhsa-2024_4546.json"),
        levee_testdata::shared_data("osv-schema/tools/redhat/testdata/OSV/RHSA-2024_4546.json"),
    ) else {
        eprintln!("skipped: osv-schema Red Hat test data absent");
        return;
    };
    let d: Value = serde_json::from_slice(&std::fs::read(csaf).unwrap()).unwrap();
    let o: Value = serde_json::from_slice(&std::fs::read(osv).unwrap()).unwrap();
    let r = convert(&d);
    let mut got: Vec<(String, String)> = r
        .affected
        .iter()
        .filter_map(|a| a.package.as_ref())
        .map(|p| (p.ecosystem.clone(), p.name.clone()))
        .collect();
    let mut want: Vec<(String, String)> = o["affected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["package"]["ecosystem"].as_str().unwrap().to_string(),
                a["package"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn red_hat_operating_system_cpes_give_the_release() {
    // osv.dev's converter takes the release after `cpe:/[oa]:redhat`, so an
    // operating-system platform (`/o:`, as RHEL 7 and 10 write it) gives the
    // same `Red Hat:<release>` as an application one.
    let tree = redhat(
        &[
            ("RHEL9", "cpe:/o:redhat:enterprise_linux:9"),
            ("RHEL7", "cpe:/o:redhat:enterprise_linux:7::server"),
            ("OTHER", "cpe:/o:fedoraproject:fedora:40"),
        ],
        &[
            ("c9", "pkg:rpm/redhat/bash@5.1.8-9.el9?arch=src"),
            ("c7", "pkg:rpm/redhat/bash@4.2.46-35.el7_9?arch=src"),
            ("cf", "pkg:rpm/redhat/zsh@5.9-1.fc40?arch=src"),
        ],
        &[
            ("R9:c9", "c9", "RHEL9"),
            ("R7:c7", "c7", "RHEL7"),
            ("F:cf", "cf", "OTHER"),
        ],
    );
    let mut d = doc(json!([]), json!({"fixed":["R9:c9","R7:c7","F:cf"]}));
    d["product_tree"] = tree;
    let r = convert(&d);
    let mut got: Vec<(String, String)> = r
        .affected
        .iter()
        .filter_map(|a| a.package.as_ref())
        .map(|p| (p.ecosystem.clone(), p.name.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("Red Hat".to_string(), "zsh".to_string()),
            (
                "Red Hat:enterprise_linux:7::server".to_string(),
                "bash".to_string()
            ),
            ("Red Hat:enterprise_linux:9".to_string(), "bash".to_string()),
        ]
    );
}

#[test]
fn red_hat_rhel7_advisory_takes_releases_from_os_cpes() {
    // RHSA-2015:0008 (osv-schema test data) names its RHEL 7 platforms with
    // `cpe:/o:redhat:enterprise_linux:7::<variant>`: each fixed rpm gets one
    // of those releases, as osv.dev's converter would give it.
    let Some(csaf) =
        levee_testdata::shared_data("osv-schema/tools/redhat/testdata/CSAF/rhsa-2015_0008.json")
    else {
        eprintln!("skipped: osv-schema Red Hat test data absent");
        return;
    };
    let d: Value = serde_json::from_slice(&std::fs::read(csaf).unwrap()).unwrap();
    let r = convert(&d);
    let ecosystems: std::collections::BTreeSet<String> = r
        .affected
        .iter()
        .filter_map(|a| a.package.as_ref())
        .map(|p| p.ecosystem.clone())
        .collect();
    let want: std::collections::BTreeSet<String> =
        ["client", "computenode", "server", "workstation"]
            .iter()
            .map(|v| format!("Red Hat:enterprise_linux:7::{v}"))
            .collect();
    assert_eq!(ecosystems, want);
}
