//! Every ecosystem named in `osv-schema/ecosystems.json` maps to an ordering
//! or, explicitly, to "versions lists only".

use levee_versions::{Ecosystem, EcosystemName, VersionScheme};

/// Ecosystems deliberately without an ordering (matched by `versions` lists
/// and GIT ranges only). Each has a reason in `EcosystemName::scheme`.
const VERSIONS_ONLY: &[&str] = &[
    "Android",
    "OSS-Fuzz",
    "FreeBSD",
    "CleanStart",
    "Docker Hardened Images",
    "Root",
];

#[test]
fn every_schema_ecosystem_is_mapped() {
    let Some(path) = levee_testdata::shared_data("osv-schema/ecosystems.json") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert!(map.len() >= 40, "unexpectedly short list");
    for name in map.keys() {
        let eco = Ecosystem::parse(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(eco.name.as_str(), name, "exact spelling");
        match eco.scheme() {
            Some(s) => {
                assert!(!VERSIONS_ONLY.contains(&name.as_str()), "{name} has {s}");
                // the scheme parses a simple version
                let v = eco.parse_version("1.0");
                assert!(v.is_ok() || s == VersionScheme::Pep440, "{name}: {v:?}");
            }
            None => {
                assert!(
                    VERSIONS_ONLY.contains(&name.as_str()),
                    "{name} has no ordering and is not listed as versions-only"
                );
                assert!(eco.parse_version("1.0").is_err());
            }
        }
    }
    // and nothing we know is missing from the schema list
    for e in EcosystemName::ALL {
        assert!(map.contains_key(e.as_str()), "{e} not in ecosystems.json");
    }
}

#[test]
fn release_suffixes() {
    for (s, scheme) in [
        ("Debian:12", Some(VersionScheme::Dpkg)),
        ("Alpine:v3.20", Some(VersionScheme::Apk)),
        ("Ubuntu:22.04:LTS", Some(VersionScheme::Dpkg)),
        ("Ubuntu:Pro:18.04:LTS", Some(VersionScheme::Dpkg)),
        ("AlmaLinux:9", Some(VersionScheme::Rpm)),
        ("Red Hat:rhel_aus:8.4::appstream", Some(VersionScheme::Rpm)),
        ("Maven:https://maven.google.com", Some(VersionScheme::Maven)),
        ("Root:Debian:12", Some(VersionScheme::Dpkg)),
        ("Root:npm", Some(VersionScheme::SemVer)),
        ("Android", None),
    ] {
        let e = Ecosystem::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(e.scheme(), scheme, "{s}");
        assert_eq!(e.to_string(), s);
    }
}
