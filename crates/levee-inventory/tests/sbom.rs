//! CycloneDX and SPDX examples parse; counts checked against a count made
//! here by a different method (generic JSON walk / line counting).

use levee_inventory::{parse, parse_as, Ecosystem, ErrorKind, Format};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn files(root: &Path, pred: &dyn Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if pred(&p.to_string_lossy()) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Components carrying a purl anywhere below a `components` array (not in
/// `metadata`).
fn count_purls(v: &Value, in_components: bool) -> usize {
    match v {
        Value::Object(m) => {
            let here =
                usize::from(in_components && m.get("purl").and_then(Value::as_str).is_some());
            here + m
                .iter()
                .filter(|(k, _)| *k != "metadata")
                .map(|(k, v)| count_purls(v, k == "components"))
                .sum::<usize>()
        }
        Value::Array(a) => a.iter().map(|x| count_purls(x, in_components)).sum(),
        _ => 0,
    }
}

#[test]
fn cyclonedx_bom_examples_parse_with_every_purl() {
    let Some(root) = levee_testdata::shared_data("cyclonedx/bom-examples") else {
        return;
    };
    let all = files(&root, &|p| p.ends_with(".json"));
    assert!(
        all.len() >= 60,
        "expected the bom-examples JSON files, found {}",
        all.len()
    );
    let mut total = 0;
    for p in all {
        let bytes = std::fs::read(&p).unwrap();
        let name = p.to_string_lossy().to_string();
        let inv = parse(&name, &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inv.format, Format::CycloneDxJson, "{name}");
        assert!(inv.problems.is_empty(), "{name}: {:?}", inv.problems);
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        let with_purl = inv.components.iter().filter(|c| !c.purl.is_empty()).count();
        assert_eq!(with_purl, count_purls(&v, false), "{name}");
        total += inv.components.len();
    }
    assert!(total > 9000, "{total}");
}

#[test]
fn cyclonedx_juice_shop_names_are_osv_names() {
    let Some(p) = levee_testdata::shared_data(
        "cyclonedx/bom-examples/SBOM/juice-shop/via_npm/flat/bom.1.4.json",
    ) else {
        return;
    };
    let inv = parse_as(
        Format::CycloneDxJson,
        "bom.json",
        &std::fs::read(p).unwrap(),
    )
    .unwrap();
    let scoped = inv
        .components
        .iter()
        .find(|c| c.name.starts_with('@'))
        .expect("a scoped npm package");
    assert_eq!(scoped.ecosystem, Some(Ecosystem::Npm));
    assert!(scoped.name.contains('/') && !scoped.version.is_empty());
}

#[test]
fn cyclonedx_spec_documents_valid_parse_and_invalid_never_panic() {
    let Some(root) = levee_testdata::shared_data("cyclonedx/spec-test-documents") else {
        return;
    };
    let mut valid = 0;
    for p in files(&root, &|p| p.ends_with(".json")) {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&p).unwrap();
        let r = parse_as(Format::CycloneDxJson, &name, &bytes);
        if name.starts_with("valid-") {
            let inv = r.unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            assert!(
                inv.problems.is_empty(),
                "{}: {:?}",
                p.display(),
                inv.problems
            );
            valid += 1;
        }
    }
    assert!(valid >= 200, "{valid}");
}

#[test]
fn spdx_examples_parse_with_every_package() {
    let Some(root) = levee_testdata::shared_data("spdx") else {
        return;
    };
    let all = files(&root, &|p| {
        (p.ends_with(".json") && !p.contains("schema")) || p.ends_with(".spdx")
    });
    let mut spdx3 = 0;
    for p in &all {
        let name = p.to_string_lossy().to_string();
        let bytes = std::fs::read(p).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let inv = parse(&name, &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(inv.problems.is_empty(), "{name}: {:?}", inv.problems);
        let expected = if name.ends_with(".spdx") {
            assert_eq!(inv.format, Format::SpdxTagValue);
            text.lines()
                .filter(|l| l.starts_with("PackageName:"))
                .count()
        } else {
            assert_eq!(inv.format, Format::SpdxJson, "{name}");
            let v: Value = serde_json::from_str(&text).unwrap();
            match v.get("@graph") {
                Some(g) => {
                    spdx3 += 1;
                    g.as_array()
                        .unwrap()
                        .iter()
                        .filter(|e| e["type"] == "software_Package")
                        .count()
                }
                None => v
                    .get("packages")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len),
            }
        };
        assert_eq!(inv.components.len(), expected, "{name}");
    }
    assert!(
        all.len() >= 55 && spdx3 >= 20,
        "{} files, {spdx3} SPDX 3",
        all.len()
    );
}

#[test]
fn spdx_purls_map_to_ecosystems() {
    let Some(p) =
        levee_testdata::shared_data("spdx/spdx-examples/software/example11/spdx2.3/sbom.spdx.json")
    else {
        return;
    };
    let inv = parse_as(
        Format::SpdxJson,
        "sbom.spdx.json",
        &std::fs::read(p).unwrap(),
    )
    .unwrap();
    assert!(
        inv.components.iter().any(|c| c.ecosystem.is_some()),
        "{:?}",
        inv.components
    );
}

#[test]
fn spdx_other_versions_refused_clearly() {
    let e = parse_as(
        Format::SpdxJson,
        "x.spdx.json",
        br#"{"spdxVersion":"SPDX-1.2","packages":[]}"#,
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert!(e.reason.contains("SPDX-1.2"), "{}", e.reason);
    let e = parse_as(Format::SpdxTagValue, "x.spdx", b"SPDXVersion: SPDX-3.0\n").unwrap_err();
    assert_eq!((e.kind, e.location.line), (ErrorKind::Unsupported, Some(1)));
    let e = parse_as(Format::SpdxTagValue, "x.spdx", b"PackageName: a\n").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Malformed);
}

#[test]
fn cyclonedx_xml_nested_components_and_entities() {
    let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">
  <metadata><component type="application"><name>me</name></component></metadata>
  <components>
    <component type="library" bom-ref="a">
      <group>org.apache</group>
      <name>commons&amp;lang</name>
      <version>3.0</version>
      <purl>pkg:maven/org.apache/commons-lang3@3.0</purl>
      <components>
        <component type="library"><name>inner</name><version>&#49;.0</version><purl>pkg:npm/%40x/inner@1.0</purl></component>
      </components>
    </component>
    <component type="file"><name>readme</name></component>
    <component type="library"><name>nopurl</name><version>2</version></component>
  </components>
</bom>"#;
    let inv = parse("bom.xml", xml).unwrap();
    assert_eq!(inv.format, Format::CycloneDxXml);
    let names: Vec<_> = inv
        .components
        .iter()
        .map(|c| (c.name.as_str(), c.version.as_str(), c.ecosystem))
        .collect();
    assert_eq!(
        names,
        vec![
            ("org.apache:commons-lang3", "3.0", Some(Ecosystem::Maven)),
            ("@x/inner", "1.0", Some(Ecosystem::Npm)),
            ("nopurl", "2", None),
        ]
    );
    assert_eq!(inv.components[0].location.line, Some(5));
    assert_eq!(
        inv.components[1].location.path.as_deref(),
        Some("/bom/components/component[1]/components/component[1]")
    );
    // detected from content too
    assert_eq!(
        levee_inventory::detect("sbom", xml),
        Some(Format::CycloneDxXml)
    );
}

/// Red Hat rpm purls carry the RHEL release of their `distro=` qualifier
/// (`rhel-9.2` as syft writes it, `el9`), compared by the matcher with
/// osv.dev's `Red Hat:enterprise_linux:9::appstream`; without one, none.
#[test]
fn redhat_rpm_purls_carry_their_rhel_release() {
    let cdx = br#"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[
      {"type":"library","name":"openssl-libs","version":"3.0.7-17.el9_2","purl":"pkg:rpm/redhat/openssl-libs@3.0.7-17.el9_2?arch=x86_64&epoch=1&distro=rhel-9.2"},
      {"type":"library","name":"bash","version":"5.1.8-6.el9_1","purl":"pkg:rpm/redhat/bash@5.1.8-6.el9_1?arch=x86_64&distro=el9"},
      {"type":"library","name":"zlib","version":"1.2.11-40.el9","purl":"pkg:rpm/redhat/zlib@1.2.11-40.el9?arch=x86_64"}]}"#;
    let inv = parse_as(Format::CycloneDxJson, "bom.cdx.json", cdx).unwrap();
    let ecos: Vec<_> = inv
        .components
        .iter()
        .map(|c| (c.name.as_str(), c.osv_ecosystem().map(|e| e.into_owned())))
        .collect();
    assert_eq!(
        ecos,
        [
            ("openssl-libs", Some("Red Hat:9.2".to_string())),
            ("bash", Some("Red Hat:9".to_string())),
            ("zlib", Some("Red Hat".to_string())),
        ]
    );
    assert_eq!(inv.components[0].version, "1:3.0.7-17.el9_2");
    let spdx = br#"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"x","dataLicense":"CC0-1.0","documentNamespace":"https://example.org/x","creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Tool: x"]},
      "packages":[{"SPDXID":"SPDXRef-p","name":"dbus-common","versionInfo":"1.12.8-26.el8","downloadLocation":"NOASSERTION",
        "externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:rpm/redhat/dbus-common@1.12.8-26.el8?arch=noarch&distro=rhel-8.10"}]}]}"#;
    let inv = parse_as(Format::SpdxJson, "x.spdx.json", spdx).unwrap();
    assert_eq!(
        inv.components[0].osv_ecosystem().as_deref(),
        Some("Red Hat:8.10")
    );
    assert_eq!(inv.components[0].ecosystem, Some(Ecosystem::RedHat));
}

/// Red Hat's own SBOMs write no `distro=` but the repository an rpm comes
/// from: its RHEL release is the component's (the major; the minor of an
/// extended stream pinned by `__9_DOT_2`); a repository that names no RHEL
/// release leaves it loose.
#[test]
fn redhat_rpm_purls_carry_the_release_of_their_repository_id() {
    let cdx = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[
      {"type":"library","name":"emacs","version":"27.2-9.el9","purl":"pkg:rpm/redhat/emacs@27.2-9.el9?arch=x86_64&repository_id=rhel-9-for-x86_64-appstream-rpms"},
      {"type":"library","name":"openssl-libs","version":"3.0.7-18.el9_2","purl":"pkg:rpm/redhat/openssl-libs@3.0.7-18.el9_2?arch=x86_64&epoch=1&repository_id=rhel-9-for-x86_64-baseos-eus-rpms__9_DOT_2"},
      {"type":"library","name":"acl","version":"2.3.1-4.el9","purl":"pkg:rpm/redhat/acl@2.3.1-4.el9?arch=x86_64&repository_id=ubi-9-baseos-rpms"},
      {"type":"library","name":"traceroute","version":"2.1.0-8.el8_8","purl":"pkg:rpm/redhat/traceroute@2.1.0-8.el8_8?arch=src&repository_id=rhel-8-for-ppc64le-baseos-eus-source-rpms__8_DOT_8"},
      {"type":"library","name":"tini","version":"0.19.0-1.el9","purl":"pkg:rpm/redhat/tini@0.19.0-1.el9?arch=x86_64&repository_id=epel"}]}"#;
    let inv = parse_as(Format::CycloneDxJson, "bom.cdx.json", cdx).unwrap();
    let ecos: Vec<_> = inv
        .components
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.ecosystem,
                c.osv_ecosystem().map(|e| e.into_owned()),
            )
        })
        .collect();
    let red_hat = |e: &str| Some(e.to_string());
    assert_eq!(
        ecos,
        [
            ("emacs", Some(Ecosystem::RedHat), red_hat("Red Hat:9")),
            (
                "openssl-libs",
                Some(Ecosystem::RedHat),
                red_hat("Red Hat:9.2")
            ),
            ("acl", Some(Ecosystem::RedHat), red_hat("Red Hat:9")),
            (
                "traceroute",
                Some(Ecosystem::RedHat),
                red_hat("Red Hat:8.8")
            ),
            ("tini", Some(Ecosystem::RedHat), red_hat("Red Hat")),
        ]
    );
    assert_eq!(inv.components[1].version, "1:3.0.7-18.el9_2");
    assert!(inv.problems.is_empty(), "{:?}", inv.problems);
}

/// rpm purls of distributions without an OSV ecosystem (CentOS, Fedora) are
/// listed but cannot be checked; the input says so once, naming them, and
/// says nothing when every rpm purl names a checked distribution.
#[test]
fn plain_rpm_purls_get_one_problem_naming_the_distributions() {
    let cdx = |purls: &[&str]| {
        let comps: Vec<Value> = purls
            .iter()
            .enumerate()
            .map(|(i, p)| serde_json::json!({"type": "library", "name": format!("p{i}"), "version": "1", "purl": p}))
            .collect();
        serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": comps})
            .to_string()
    };
    let plain = [
        "pkg:rpm/centos/bash@4.2.46-34.el7?arch=x86_64&distro=centos-7",
        "pkg:rpm/centos/openssl-libs@1.0.2k-19.el7?arch=x86_64&epoch=1",
        "pkg:rpm/fedora/curl@8.2.1-1.fc39?arch=x86_64",
    ];
    let mut purls = plain.to_vec();
    purls.push("pkg:rpm/redhat/bash@5.1.8-6.el9?distro=rhel-9.2");
    purls.push("pkg:npm/lodash@4.17.20");
    let inv = parse_as(Format::CycloneDxJson, "bom.json", cdx(&purls).as_bytes()).unwrap();
    let rpm = inv
        .components
        .iter()
        .filter(|c| c.ecosystem == Some(Ecosystem::Rpm))
        .count();
    assert_eq!(rpm, plain.len());
    assert_eq!(inv.problems.len(), 1, "{:?}", inv.problems);
    let p = inv.problems[0].to_string();
    assert!(p.contains("centos") && p.contains("fedora"), "{p}");
    assert!(p.contains(&format!("{rpm} rpm packages")), "{p}");
    assert!(p.contains("not checked"), "{p}");
    assert!(!p.contains("redhat/"), "{p}");

    // Only checked distributions: no problem.
    let ok = cdx(&[
        "pkg:rpm/redhat/bash@5.1.8-6.el9",
        "pkg:rpm/rocky/bash@5.1.8",
    ]);
    let inv = parse_as(Format::CycloneDxJson, "bom.json", ok.as_bytes()).unwrap();
    assert!(inv.problems.is_empty(), "{:?}", inv.problems);

    // The other SBOM formats say it too.
    let tv = "SPDXVersion: SPDX-2.3\nPackageName: bash\nPackageVersion: 4.2.46\nExternalRef: PACKAGE-MANAGER purl pkg:rpm/centos/bash@4.2.46\n";
    let inv = parse_as(Format::SpdxTagValue, "sbom.spdx", tv.as_bytes()).unwrap();
    assert_eq!(inv.problems.len(), 1, "{:?}", inv.problems);
    assert!(inv.problems[0].to_string().contains("centos"));
}

/// The plain-rpm problem word for word in each SBOM format: one, at the
/// first plain rpm component, counting them, naming their distributions
/// (lower case, sorted, at most five and how many more; a purl without a
/// namespace as "no named distribution"), singular for one.
#[test]
fn plain_rpm_problem_is_the_same_line_in_every_sbom_format() {
    let problems = |format: Format, name: &str, text: &str| -> Vec<String> {
        parse_as(format, name, text.as_bytes())
            .unwrap()
            .problems
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    let one = "pkg:rpm/centos/bash@4.2.46";
    let many = [
        "pkg:rpm/Fedora/curl@8.2.1",
        "pkg:rpm/centos/bash@4.2.46",
        "pkg:rpm/photon/zlib@1.2",
        "pkg:rpm/mageia/tar@1.34",
        "pkg:rpm/amzn/sed@4.8",
        "pkg:rpm/oracle/gzip@1.12",
        "pkg:rpm/bash@5.1",
        "pkg:rpm/fedora/glibc@2.38",
    ];
    let many_line = "8 rpm packages of amzn, centos, fedora, mageia, no named distribution and 2 more are listed but not checked against advisories: OSV has no ecosystem for these distributions";
    let one_line = "1 rpm package of centos is listed but not checked against advisories: OSV has no ecosystem for this distribution";

    let cdx = |purls: &[&str]| {
        let mut comps = vec![
            serde_json::json!({"type": "library", "name": "lodash", "version": "4.17.20", "purl": "pkg:npm/lodash@4.17.20"}),
        ];
        comps.extend(purls.iter().map(
            |p| serde_json::json!({"type": "library", "name": "x", "version": "1", "purl": p}),
        ));
        serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": comps})
            .to_string()
    };
    assert_eq!(
        problems(Format::CycloneDxJson, "bom.json", &cdx(&[one])),
        [format!("bom.json: $.components[1]: {one_line}")]
    );
    assert_eq!(
        problems(Format::CycloneDxJson, "bom.json", &cdx(&many)),
        [format!("bom.json: $.components[1]: {many_line}")]
    );

    let xml = |purls: &[&str]| {
        let mut x = String::from("<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\" version=\"1\">\n<components>\n<component type=\"library\"><name>lodash</name><version>4.17.20</version><purl>pkg:npm/lodash@4.17.20</purl></component>\n");
        for p in purls {
            x.push_str(&format!("<component type=\"library\"><name>x</name><version>1</version><purl>{p}</purl></component>\n"));
        }
        x.push_str("</components>\n</bom>\n");
        x
    };
    assert_eq!(
        problems(Format::CycloneDxXml, "bom.xml", &xml(&many)),
        [format!(
            "bom.xml: line 5 (/bom/components/component[2]): {many_line}"
        )]
    );

    let spdx = |purls: &[&str]| {
        let pkgs: Vec<Value> = purls
            .iter()
            .map(|p| serde_json::json!({"SPDXID": "SPDXRef-x", "name": "x", "versionInfo": "1",
                "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": p}]}))
            .collect();
        serde_json::json!({"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": pkgs}).to_string()
    };
    assert_eq!(
        problems(Format::SpdxJson, "sbom.spdx.json", &spdx(&[one])),
        [format!("sbom.spdx.json: $.packages[0]: {one_line}")]
    );

    let mut tv = String::from("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n");
    for p in many {
        tv.push_str(&format!(
            "PackageName: x\nPackageVersion: 1\nExternalRef: PACKAGE-MANAGER purl {p}\n"
        ));
    }
    assert_eq!(
        problems(Format::SpdxTagValue, "sbom.spdx", &tv),
        [format!("sbom.spdx: line 3: {many_line}")]
    );

    // Not an SBOM: `rpm -qa` output says it its own way, once.
    let qa = problems(Format::RpmQa, "rpm-qa.txt", "bash-5.1.8-6.el9.x86_64\n");
    assert_eq!(qa.len(), 1, "{qa:?}");
    assert!(qa[0].contains("rpm -qa output"), "{qa:?}");
}
