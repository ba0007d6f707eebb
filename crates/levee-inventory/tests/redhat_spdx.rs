//! Red Hat's SPDX SBOMs give an rpm package several purl `externalRefs`:
//! one per repository it ships in (with `repository_id=`), and often one
//! without any. The package's identity purl stays the one the parser has
//! always taken (SPDX JSON: the first purl ref; tag-value: the last
//! `ExternalRef: … purl` line), but its RHEL release comes from all its
//! purls naming the same package (type, namespace, name, version), by the
//! rule CycloneDX `evidence.identity` purls follow: the majors must agree,
//! the minor is kept only when they all agree on it.

use levee_inventory::{parse_as, Component, Ecosystem, Format};
use serde_json::json;

const V: &str = "3.0.7-18.el9_2";

fn purl(name: &str, version: &str, repo: Option<&str>) -> String {
    match repo {
        Some(id) => format!("pkg:rpm/redhat/{name}@{version}?arch=x86_64&repository_id={id}"),
        None => format!("pkg:rpm/redhat/{name}@{version}?arch=x86_64"),
    }
}

struct Case {
    name: &'static str,
    /// The package's purl refs, in document order.
    purls: Vec<String>,
    want: Option<&'static str>,
}

fn cases() -> Vec<Case> {
    vec![
        // A purl without repository id, then one naming a RHEL 9 repository.
        Case {
            name: "openssl",
            purls: vec![
                purl("openssl", V, None),
                purl("openssl", V, Some("rhel-9-for-x86_64-appstream-rpms")),
            ],
            want: Some("9"),
        },
        // The same in the other order.
        Case {
            name: "bash",
            purls: vec![
                purl("bash", V, Some("rhel-9-for-x86_64-appstream-rpms")),
                purl("bash", V, None),
            ],
            want: Some("9"),
        },
        // 9.2 and 9.4 EUS repositories: whichever purl is the identity, the
        // package ships in both, so only the major holds.
        Case {
            name: "glib2",
            purls: vec![
                purl(
                    "glib2",
                    V,
                    Some("rhel-9-for-x86_64-baseos-eus-rpms__9_DOT_2"),
                ),
                purl(
                    "glib2",
                    V,
                    Some("rhel-9-for-x86_64-baseos-eus-rpms__9_DOT_4"),
                ),
            ],
            want: Some("9"),
        },
        // Purls without a version name the package's `versionInfo`: the
        // identity's own release counts (it was dropped before).
        Case {
            name: "zlib",
            purls: vec![
                "pkg:rpm/redhat/zlib?arch=x86_64&distro=rhel-9.2".to_string(),
                "pkg:rpm/redhat/zlib?arch=x86_64".to_string(),
            ],
            want: Some("9.2"),
        },
        // Another package's purl says nothing about this one.
        Case {
            name: "curl",
            purls: vec![
                purl("curl", V, None),
                purl("libcurl", V, Some("rhel-9-for-x86_64-appstream-rpms")),
                purl("curl", V, None),
            ],
            want: None,
        },
    ]
}

/// The identity purl each format keeps.
fn check(comps: &[Component], cases: &[Case], identity: fn(&[String]) -> &String, what: &str) {
    assert_eq!(comps.len(), cases.len(), "{what}: {comps:?}");
    for (c, k) in comps.iter().zip(cases) {
        assert_eq!(
            (
                c.ecosystem,
                c.name.as_str(),
                c.version.as_str(),
                c.purl.as_str(),
                c.release.as_deref()
            ),
            (
                Some(Ecosystem::RedHat),
                k.name,
                V,
                identity(&k.purls).as_str(),
                k.want
            ),
            "{what}: {}",
            k.name
        );
    }
}

#[test]
fn spdx_json_takes_the_release_of_all_purl_refs() {
    let cases = cases();
    let packages: Vec<_> = cases
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let mut refs = vec![json!({
                "referenceCategory": "SECURITY",
                "referenceType": "cpe22Type",
                "referenceLocator": "cpe:/o:redhat:enterprise_linux:8::baseos"
            })];
            refs.extend(k.purls.iter().map(|p| {
                json!({
                    "referenceCategory": "PACKAGE-MANAGER",
                    "referenceType": "purl",
                    "referenceLocator": p
                })
            }));
            json!({
                "SPDXID": format!("SPDXRef-{i}"),
                "name": k.name,
                "versionInfo": V,
                "externalRefs": refs
            })
        })
        .collect();
    let doc = json!({
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "packages": packages
    });
    let inv = parse_as(
        Format::SpdxJson,
        "sbom.spdx.json",
        &serde_json::to_vec(&doc).unwrap(),
    )
    .unwrap();
    assert!(inv.problems.is_empty(), "{:?}", inv.problems);
    check(&inv.components, &cases, |p| &p[0], "json");
}

#[test]
fn spdx_tag_value_takes_the_release_of_all_purl_refs() {
    let cases = cases();
    let mut tv = String::from("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n");
    for k in &cases {
        tv.push_str(&format!(
            "PackageName: {}\nPackageVersion: {V}\nExternalRef: SECURITY cpe22Type cpe:/o:redhat:enterprise_linux:8::baseos\n",
            k.name
        ));
        for p in &k.purls {
            tv.push_str(&format!("ExternalRef: PACKAGE-MANAGER purl {p}\n"));
        }
    }
    let inv = parse_as(Format::SpdxTagValue, "sbom.spdx", tv.as_bytes()).unwrap();
    assert!(inv.problems.is_empty(), "{:?}", inv.problems);
    check(&inv.components, &cases, |p| p.last().unwrap(), "tag-value");
}
