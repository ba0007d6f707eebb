//! Native single files as they sit in the upstream repositories (YAML for
//! GitLab, RubySec, FriendsOfPHP and Hex; JSON for Node.js): detected by
//! content, ids from the file name, same records as the wrapper form.

use levee_feeds::{detect, read, FeedFormat};
use serde_json::{json, Value};

fn same_as_wrapper(
    path: &str,
    yaml: &str,
    data: serde_json::Value,
    want: FeedFormat,
    want_id: &str,
) {
    assert_eq!(detect(path, yaml.as_bytes()), Some(want), "{path}");
    let a: Vec<_> = read(path, yaml.as_bytes(), None)
        .map(|r| r.unwrap())
        .collect();
    let line = serde_json::to_string(&json!({"path": path, "data": data})).unwrap();
    let b: Vec<_> = read("wrapped.jsonl", line.as_bytes(), None)
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].id, want_id);
    assert_eq!(a[0].id, b[0].id);
    assert_eq!(a[0].aliases, b[0].aliases);
    assert_eq!(a[0].affected, b[0].affected);
    assert_eq!(a[0].modified, b[0].modified);
}

#[test]
fn gitlab_yaml() {
    let y = "---\nidentifier: \"CVE-2019-10744\"\nidentifiers:\n- \"CVE-2019-10744\"\n- \"GHSA-jf85-cpcp-j695\"\npackage_slug: \"npm/lodash\"\ntitle: \"Prototype Pollution\"\ndescription: \"x\"\ndate: \"2019-07-26\"\npubdate: \"2019-07-26\"\naffected_range: \"<4.17.12\"\nfixed_versions:\n- \"4.17.12\"\nurls:\n- \"https://nvd.nist.gov/vuln/detail/CVE-2019-10744\"\nuuid: \"u\"\n";
    let data = json!({"identifier":"CVE-2019-10744","identifiers":["CVE-2019-10744","GHSA-jf85-cpcp-j695"],"package_slug":"npm/lodash","title":"Prototype Pollution","description":"x","date":"2019-07-26","pubdate":"2019-07-26","affected_range":"<4.17.12","fixed_versions":["4.17.12"],"urls":["https://nvd.nist.gov/vuln/detail/CVE-2019-10744"],"uuid":"u"});
    same_as_wrapper(
        "npm/lodash/CVE-2019-10744.yml",
        y,
        data,
        FeedFormat::Gitlab,
        "GITLAB-npm:lodash-CVE-2019-10744",
    );
}

#[test]
fn rubysec_yaml() {
    let y = "---\ngem: actionpack\nframework: rails\ncve: 2016-0751\nghsa: 9vjx-2w9m-wc7q\ndate: 2016-01-25\ntitle: Possible Object Leak\npatched_versions:\n  - \"~> 3.2.22.1\"\n  - \"~> 4.1.14.1\"\n  - \">= 4.2.5.1\"\nunaffected_versions:\n  - \"< 3.0.0\"\n";
    let data = json!({"gem":"actionpack","framework":"rails","cve":"2016-0751","ghsa":"9vjx-2w9m-wc7q","date":"2016-01-25","title":"Possible Object Leak","patched_versions":["~> 3.2.22.1","~> 4.1.14.1",">= 4.2.5.1"],"unaffected_versions":["< 3.0.0"]});
    same_as_wrapper(
        "gems/actionpack/CVE-2016-0751.yml",
        y,
        data,
        FeedFormat::Rubysec,
        "RUBYSEC-actionpack-CVE-2016-0751",
    );
}

#[test]
fn friendsofphp_yaml() {
    let y = "title: Form vulnerability\nlink: https://symfony.com/x\ncve: CVE-2019-10909\nbranches:\n    3.4.x:\n        time: 2019-04-16 00:00:00\n        versions: ['>=3.4.0', '<3.4.26']\nreference: composer://symfony/form\n";
    let data = json!({"title":"Form vulnerability","link":"https://symfony.com/x","cve":"CVE-2019-10909","branches":{"3.4.x":{"time":"2019-04-16 00:00:00","versions":[">=3.4.0","<3.4.26"]}},"reference":"composer://symfony/form"});
    same_as_wrapper(
        "symfony/form/CVE-2019-10909.yaml",
        y,
        data,
        FeedFormat::FriendsOfPhp,
        "FRIENDSOFPHP-symfony:form-CVE-2019-10909",
    );
}

#[test]
fn hex_yaml() {
    let y = "id: GHSA-h3rw-77w7-92gf\npackage: samly\ndisclosure_date: 2024-02-11\nvulnerable_version_ranges:\n  - \"< 1.4.0\"\nfirst_patched_versions:\n  - 1.4.0\nseverity: critical\ntitle: t\n";
    let data = json!({"id":"GHSA-h3rw-77w7-92gf","package":"samly","disclosure_date":"2024-02-11","vulnerable_version_ranges":["< 1.4.0"],"first_patched_versions":["1.4.0"],"severity":"critical","title":"t"});
    same_as_wrapper(
        "packages/samly/GHSA-h3rw-77w7-92gf.yml",
        y,
        data,
        FeedFormat::HexAdvisories,
        "HEX-samly-GHSA-h3rw-77w7-92gf",
    );
}

#[test]
fn nodejs_core_json_file_named_by_path() {
    let b = br#"{"cve":["CVE-2017-1000381"],"vulnerable":"8.x || 7.x","patched":"^8.1.4 || ^7.10.1","description":"d"}"#;
    assert_eq!(
        detect("vuln/core/1.json", b),
        Some(FeedFormat::NodejsSecurityWg)
    );
    let r: Vec<_> = read("vuln/core/1.json", b, None)
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(r[0].id, "NSWG-COR-1");
    assert_eq!(r[0].aliases, vec!["CVE-2017-1000381"]);
}

#[test]
fn yaml_bombs_and_garbage_are_rejected_by_class() {
    let bomb = "a: &a [x, x]\nb: &b [*a, *a]\npackage_slug: npm/x\n";
    let out: Vec<_> = read("bomb.yml", bomb.as_bytes(), Some(FeedFormat::Gitlab)).collect();
    let e = out[0].as_ref().unwrap_err();
    assert_eq!(
        levee_feeds::FeedClass::of(e),
        Some(levee_feeds::FeedClass::Syntax)
    );
    assert!(e.reason.contains("aliases"));
    assert_eq!(detect("x.txt", b"just some text"), None);
}

#[test]
fn detection_on_a_cut_prefix() {
    // The importer detects on the first 64 KiB: a large pretty-printed
    // document is cut in the middle.
    let rec = serde_json::to_string_pretty(
        &json!({"document": {"category": "csaf_vex", "csaf_version": "2.0",
        "notes": [{"text": "x".repeat(100_000)}]}}),
    )
    .unwrap();
    assert_eq!(
        detect("big.json", &rec.as_bytes()[..65_536]),
        Some(FeedFormat::Csaf)
    );
    // As published: dataType and cveMetadata before the containers.
    let cve = format!(
        "{{\n  \"dataType\": \"CVE_RECORD\",\n  \"cveMetadata\": {{\"cveId\": \"CVE-2024-1234\"}},\n  \"containers\": {{\"cna\": {{\"descriptions\": [{{\"value\": \"{}\"}}]}}}}\n}}",
        "y".repeat(100_000)
    );
    assert_eq!(
        detect("c.json", &cve.as_bytes()[..65_536]),
        Some(FeedFormat::CveJson5)
    );
    let y = format!(
        "package_slug: npm/x\ndescription: |\n  {}\n",
        "z".repeat(100_000)
    );
    assert_eq!(
        detect("x.yml", &y.as_bytes()[..1000]),
        Some(FeedFormat::Gitlab)
    );
    // A large JSON array of native records, cut after its first elements.
    let many: Vec<Value> = (0..2000)
        .map(|i| json!({"dataType": "CVE_RECORD", "cveMetadata": {"cveId": format!("CVE-2024-{i:05}")}, "containers": {"cna": {}}}))
        .collect();
    let arr = serde_json::to_vec(&many).unwrap();
    assert!(arr.len() > 100_000);
    assert_eq!(
        detect("all.json", &arr[..65_536]),
        Some(FeedFormat::CveJson5)
    );
    // YAML cut inside a multi-byte character.
    let y = format!("package_slug: npm/x\ntitle: {}\n", "é".repeat(40_000));
    let cut = &y.as_bytes()[..1000];
    assert!(std::str::from_utf8(cut).is_err());
    assert_eq!(detect("x.yml", cut), Some(FeedFormat::Gitlab));
    // OSV stays OSV.
    let osv = serde_json::to_string_pretty(&json!({"id": "GHSA-1", "modified": "2024-01-01T00:00:00Z", "details": "d".repeat(100_000)})).unwrap();
    assert_eq!(detect("o.json", &osv.as_bytes()[..65_536]), None);
}
