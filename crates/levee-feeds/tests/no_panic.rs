//! No converter panics on arbitrary input: random bytes, and random JSON
//! built from each format's own field names (so the converters get deep).

use levee_feeds::{read, FeedClass, FeedFormat};
use proptest::prelude::*;
use serde_json::{Map, Value};

const KEYS: &[&str] = &[
    // wrappers
    "path",
    "data",
    "text",
    // CVE JSON 5
    "cveMetadata",
    "cveId",
    "state",
    "dateUpdated",
    "containers",
    "cna",
    "adp",
    "affected",
    "versions",
    "version",
    "lessThan",
    "lessThanOrEqual",
    "versionType",
    "status",
    "collectionURL",
    "packageName",
    "packageURL",
    "repo",
    "metrics",
    "other",
    "type",
    "content",
    "options",
    "problemTypes",
    "descriptions",
    "cweId",
    "providerMetadata",
    "shortName",
    "cvssV3_1",
    "vectorString",
    // GitLab, RubySec, FoP, Node, Hex, Alpine
    "package_slug",
    "identifier",
    "identifiers",
    "affected_range",
    "fixed_versions",
    "date",
    "urls",
    "uuid",
    "gem",
    "engine",
    "cve",
    "ghsa",
    "osvdb",
    "patched_versions",
    "unaffected_versions",
    "related",
    "reference",
    "branches",
    "time",
    "module_name",
    "vulnerable_versions",
    "cves",
    "id",
    "reason",
    "vulnerable",
    "patched",
    "package",
    "vulnerable_version_ranges",
    "distroversion",
    "packages",
    "pkg",
    "name",
    "secfixes",
    // CSAF
    "document",
    "csaf_version",
    "category",
    "tracking",
    "revision_history",
    "number",
    "publisher",
    "product_tree",
    "full_product_names",
    "product_id",
    "product_identification_helper",
    "purl",
    "relationships",
    "product_reference",
    "vulnerabilities",
    "product_status",
    "known_affected",
    "fixed",
    "scores",
    "products",
    "cvss_v3",
    "flags",
    "product_ids",
    "group_ids",
    "remediations",
];

const STRINGS: &[&str] = &[
    "",
    "0",
    "CVE-2021-44228",
    "cvE-2020-1234",
    "GHSA-aaaa-bbbb-cccc",
    "2021-12-10",
    "2021-12-10T00:00:00Z",
    "npm/lodash",
    "maven/org.x/y",
    "go/github.com/a/b",
    ">=1.0.0 <2.0.0||<0.5",
    "[1.0,2.0)",
    "(,1.0]",
    "~> 4.2.5, >= 4.2.5.1",
    ">=4.0,<4.3",
    "composer://a/b",
    "1.2.3-r0",
    "v1.2.3",
    "<= 1.3.1",
    "*",
    "n/a",
    "pkg:npm/%40a/b@1.0.0",
    "pkg:maven/@1.3.4",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "csaf_vex",
    "csaf_security_advisory",
    "2.0",
    "affected",
    "git",
    "semver",
    "PUBLISHED",
    "REJECTED",
    "ssvc",
    "kev",
    "[25 Mar 2023] DSA-1-1 x - y\n\t{CVE-2020-1234}\n\t[bullseye] - x 1.0-1\n",
    "\u{0}",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null)),
        prop::sample::select(STRINGS).prop_map(|s| Value::String(s.to_string())),
        ".{0,12}".prop_map(Value::String),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 80, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8).prop_map(|kv| {
                let mut m = Map::new();
                for (k, v) in kv {
                    m.insert(k.to_string(), v);
                }
                Value::Object(m)
            }),
        ]
    })
}

fn check(bytes: &[u8], format: Option<FeedFormat>) {
    for item in read("prop", bytes, format) {
        if let Err(e) = item {
            // Every rejection carries a named feed class.
            assert!(FeedClass::of(&e).is_some(), "unnamed rejection: {e}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_json_each_format(v in json(), fi in 0usize..FeedFormat::ALL.len()) {
        let bytes = serde_json::to_vec(&v).unwrap();
        check(&bytes, Some(FeedFormat::ALL[fi]));
        check(&bytes, None);
        // also as a wrapper line, twice (JSONL)
        let w = serde_json::json!({"path": "vuln/core/1.json", "data": v});
        let line = serde_json::to_string(&w).unwrap();
        let jsonl = format!("{line}\n{line}\n");
        check(jsonl.as_bytes(), Some(FeedFormat::ALL[fi]));
    }

    #[test]
    fn arbitrary_bytes(b in prop::collection::vec(any::<u8>(), 0..300), fi in 0usize..FeedFormat::ALL.len()) {
        check(&b, Some(FeedFormat::ALL[fi]));
        check(&b, None);
    }

    #[test]
    fn arbitrary_debian_text(s in "(\\[[0-9]{1,2} [A-Za-z]{3} [0-9]{4}\\] D[SL]A-[0-9-]{1,6} [a-z ]{0,10}\n([\t ]+(\\{[A-Z0-9 -]{0,30}\\}|\\[[a-z]{0,8}\\] - [a-z]{0,5} [<>a-z0-9.:~+-]{0,12}|NOTE: .{0,10})\n){0,4}){1,3}") {
        check(s.as_bytes(), Some(FeedFormat::DebianList));
        check(s.as_bytes(), None);
    }
}
