//! Red Hat's own CycloneDX SBOMs give an rpm component's `purl` without
//! `repository_id=` and list the purls naming the repositories it ships in
//! under `evidence.identity` (`field: "purl"`, `concludedValue`; an array
//! since CycloneDX 1.6, a single object in the deprecated form). When the
//! component's own purl gives no RHEL release, the release comes from those
//! purls: only from ones naming the same package (type, namespace, name,
//! version), only when they agree on the major, and the minor only when
//! they all agree on it. The component's name, version and purl stay its
//! own.

use levee_inventory::{parse_as, Component, Ecosystem, Format};
use serde_json::{json, Value};

const V: &str = "3.0.7-18.el9_2";
const RHEL9: &str = "rhel-9-for-x86_64-appstream-rpms";
const RHEL9_BASEOS: &str = "rhel-9-for-x86_64-baseos-rpms";
const RHEL9_2: &str = "rhel-9-for-x86_64-baseos-eus-rpms__9_DOT_2";
const RHEL9_2_AUS: &str = "rhel-9-for-x86_64-baseos-aus-rpms__9_DOT_2";
const RHEL8: &str = "rhel-8-for-x86_64-baseos-rpms";

struct Case {
    name: &'static str,
    /// The component's own purl's qualifiers.
    quals: &'static str,
    /// Evidence purls: (name, version, repository id).
    evidence: Vec<(&'static str, &'static str, &'static str)>,
    want: Option<&'static str>,
}

fn case(
    name: &'static str,
    quals: &'static str,
    evidence: &[(&'static str, &'static str, &'static str)],
    want: Option<&'static str>,
) -> Case {
    Case {
        name,
        quals,
        evidence: evidence.to_vec(),
        want,
    }
}

fn cases() -> Vec<Case> {
    vec![
        // One evidence purl naming a RHEL 9 repository: 9.
        case(
            "openssl",
            "arch=x86_64",
            &[("openssl", V, RHEL9)],
            Some("9"),
        ),
        // 9 and 9.2 agree on the major only: 9.
        case(
            "bash",
            "arch=x86_64",
            &[("bash", V, RHEL9_BASEOS), ("bash", V, RHEL9_2)],
            Some("9"),
        ),
        // All pinned to 9.2: 9.2.
        case(
            "glib2",
            "arch=x86_64",
            &[("glib2", V, RHEL9_2), ("glib2", V, RHEL9_2_AUS)],
            Some("9.2"),
        ),
        // Another package's purl (another name, or the same name at another
        // version) says nothing about this one.
        case("curl", "arch=x86_64", &[("libcurl", V, RHEL9)], None),
        case(
            "zlib",
            "arch=x86_64",
            &[("zlib", "1.2.11-40.el9", RHEL9)],
            None,
        ),
        // Majors that disagree: no release rather than a guess.
        case(
            "sed",
            "arch=x86_64",
            &[("sed", V, RHEL9), ("sed", V, RHEL8)],
            None,
        ),
        // The component's own `distro=` wins over its evidence...
        case(
            "glibc",
            "arch=x86_64&distro=rhel-8.6",
            &[("glibc", V, RHEL9)],
            Some("8.6"),
        ),
        // ... and so does its own `repository_id=`.
        case(
            "gzip",
            "arch=x86_64&repository_id=rhel-8-for-x86_64-baseos-rpms",
            &[("gzip", V, RHEL9)],
            Some("8"),
        ),
        // Evidence naming no RHEL release adds nothing; the rest decides.
        case(
            "tar",
            "arch=x86_64",
            &[("tar", V, "epel"), ("tar", V, RHEL9_2)],
            Some("9.2"),
        ),
    ]
}

fn purl(name: &str, version: &str, quals: &str) -> String {
    format!("pkg:rpm/redhat/{name}@{version}?{quals}")
}

fn evidence_purls(c: &Case) -> Vec<String> {
    c.evidence
        .iter()
        .map(|(n, v, id)| purl(n, v, &format!("arch=x86_64&repository_id={id}")))
        .collect()
}

fn check(comps: &[Component], cases: &[Case], what: &str) {
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
                purl(k.name, V, k.quals).as_str(),
                k.want
            ),
            "{what}: {}",
            k.name
        );
    }
}

fn json_bom(cases: &[Case]) -> Vec<u8> {
    let components: Vec<Value> = cases
        .iter()
        .map(|k| {
            // A CPE identity (as Red Hat's SBOMs give for products) is not
            // a purl and is passed over.
            let mut identity = vec![json!({
                "field": "cpe",
                "concludedValue": "cpe:/o:redhat:enterprise_linux:8::baseos"
            })];
            identity.extend(
                evidence_purls(k)
                    .into_iter()
                    .map(|p| json!({"field": "purl", "concludedValue": p})),
            );
            json!({
                "type": "library",
                "name": k.name,
                "version": V,
                "purl": purl(k.name, V, k.quals),
                "evidence": {"identity": identity}
            })
        })
        .collect();
    serde_json::to_vec(&json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": components
    }))
    .unwrap()
}

#[test]
fn cyclonedx_json_takes_the_release_of_evidence_purls() {
    let cases = cases();
    let inv = parse_as(Format::CycloneDxJson, "bom.json", &json_bom(&cases)).unwrap();
    assert!(inv.problems.is_empty(), "{:?}", inv.problems);
    check(&inv.components, &cases, "json");
}

/// The deprecated single-object form (CycloneDX 1.5 layout, allowed in
/// 1.6/1.7), and `field`s other than `purl` whose value is a purl, nested
/// components too.
#[test]
fn cyclonedx_json_single_identity_object_and_field_checked() {
    let own = purl("openssl", V, "arch=x86_64");
    let ev = purl(
        "openssl",
        V,
        &format!("arch=x86_64&repository_id={RHEL9_2}"),
    );
    let bom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [
            {"type": "library", "name": "openssl", "version": V, "purl": own,
             "evidence": {"identity": {"field": "purl", "concludedValue": ev}}},
            {"type": "library", "name": "openssl", "version": V, "purl": own,
             "evidence": {"identity": [{"field": "name", "concludedValue": ev}]}},
            {"type": "container", "name": "ubi9", "components": [
                {"type": "library", "name": "openssl", "version": V, "purl": own,
                 "evidence": {"identity": [{"field": "purl", "concludedValue": ev}]}}
            ]}
        ]
    });
    let inv = parse_as(
        Format::CycloneDxJson,
        "bom.json",
        &serde_json::to_vec(&bom).unwrap(),
    )
    .unwrap();
    let got: Vec<_> = inv
        .components
        .iter()
        .filter(|c| c.ecosystem == Some(Ecosystem::RedHat))
        .map(|c| (c.purl.as_str(), c.release.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (own.as_str(), Some("9.2")),
            (own.as_str(), None),
            (own.as_str(), Some("9.2"))
        ]
    );
}

/// Not Red Hat: an AlmaLinux component's evidence gives no release.
#[test]
fn evidence_release_is_red_hat_only() {
    let bom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [
            {"type": "library", "name": "openssl",
             "purl": "pkg:rpm/almalinux/openssl@3.0.7-18.el9_2?arch=x86_64",
             "evidence": {"identity": [{"field": "purl",
                "concludedValue": "pkg:rpm/almalinux/openssl@3.0.7-18.el9_2?arch=x86_64&repository_id=rhel-9-for-x86_64-baseos-rpms"}]}}
        ]
    });
    let inv = parse_as(
        Format::CycloneDxJson,
        "bom.json",
        &serde_json::to_vec(&bom).unwrap(),
    )
    .unwrap();
    assert_eq!(inv.components.len(), 1);
    assert_eq!(inv.components[0].ecosystem, Some(Ecosystem::AlmaLinux));
    assert_eq!(inv.components[0].release, None);
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
}

#[test]
fn cyclonedx_xml_takes_the_release_of_evidence_purls() {
    let cases = cases();
    let mut x = String::from(
        "<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\" version=\"1\">\n<components>\n",
    );
    for k in &cases {
        x.push_str(&format!(
            "<component type=\"library\"><name>{}</name><version>{V}</version><purl>{}</purl>\n<evidence>\n<identity><field>cpe</field><concludedValue>cpe:/o:redhat:enterprise_linux:8::baseos</concludedValue></identity>\n",
            k.name,
            xml_escape(&purl(k.name, V, k.quals))
        ));
        for p in evidence_purls(k) {
            x.push_str(&format!(
                "<identity><field>purl</field><confidence>1</confidence><concludedValue>{}</concludedValue></identity>\n",
                xml_escape(&p)
            ));
        }
        x.push_str("</evidence></component>\n");
    }
    x.push_str("</components>\n</bom>\n");
    let inv = parse_as(Format::CycloneDxXml, "bom.xml", x.as_bytes()).unwrap();
    assert!(inv.problems.is_empty(), "{:?}", inv.problems);
    check(&inv.components, &cases, "xml");
}
