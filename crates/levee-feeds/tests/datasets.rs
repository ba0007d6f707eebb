//! Every shared dataset of this crate converts without panics; every
//! rejection carries a named feed class, and only the classes the rules
//! below allow for that dataset (an unknown class fails).

use std::collections::BTreeMap;

use levee_feeds::{detect, read, FeedClass, FeedFormat};

const PACKAGE_FEEDS: &[FeedFormat] = &[
    FeedFormat::Gitlab,
    FeedFormat::Rubysec,
    FeedFormat::FriendsOfPhp,
    FeedFormat::NodejsSecurityWg,
    FeedFormat::HexAdvisories,
];

struct Stats {
    records: usize,
    rejections: BTreeMap<&'static str, usize>,
    warnings: BTreeMap<&'static str, usize>,
}

fn check(
    rel: &str,
    expect: FeedFormat,
    allowed: &[FeedClass],
    min_records: usize,
) -> Option<Stats> {
    let path = levee_testdata::shared_data(rel)?;
    let bytes = std::fs::read(&path).expect("read dataset");
    assert_eq!(detect(rel, &bytes), Some(expect), "{rel}: detected format");
    let mut st = Stats {
        records: 0,
        rejections: BTreeMap::new(),
        warnings: BTreeMap::new(),
    };
    let mut ids = std::collections::HashSet::new();
    for item in read(rel, &bytes, None) {
        match item {
            Ok(r) => {
                st.records += 1;
                assert!(ids.insert(r.id.clone()), "{rel}: duplicate id {}", r.id);
                for w in &r.warnings {
                    *st.warnings.entry(w.code).or_default() += 1;
                }
                // Nothing is lost: the native record is kept.
                let ds = r
                    .database_specific
                    .as_ref()
                    .map(|d| d.to_value())
                    .unwrap_or_default();
                assert!(
                    !ds["native"].is_null(),
                    "{rel}: {} lacks database_specific.native",
                    r.id
                );
                // Rule: an unparsed native range leaves the package without
                // ranges and marks it `range_parsed: false` (ecosystem feeds).
                if r.warnings.iter().any(|w| w.code == "range_unparsed")
                    && PACKAGE_FEEDS.contains(&expect)
                {
                    let marked = r.affected.iter().any(|a| {
                        a.ranges.is_empty()
                            && a.database_specific
                                .as_ref()
                                .is_some_and(|d| d.to_value()["range_parsed"] == false)
                    });
                    let engine = ds.get("engine").is_some();
                    assert!(
                        marked || engine,
                        "{rel}: {} has range_unparsed but no marked package",
                        r.id
                    );
                }
            }
            Err(e) => {
                let class = FeedClass::of(&e)
                    .unwrap_or_else(|| panic!("{rel}: rejection without a feed class: {e}"));
                assert!(
                    allowed.contains(&class),
                    "{rel}: class {class} not allowed here: {e}"
                );
                assert!(
                    e.location.line.is_some(),
                    "{rel}: rejection without a line: {e}"
                );
                *st.rejections.entry(class.code()).or_default() += 1;
            }
        }
    }
    eprintln!(
        "{rel}: {} records, rejections {:?}, warnings {:?}",
        st.records, st.rejections, st.warnings
    );
    assert!(
        st.records >= min_records,
        "{rel}: only {} records",
        st.records
    );
    Some(st)
}

#[test]
fn gitlab() {
    // Rule: only slugs of an ecosystem GitLab does not document are refused.
    if let Some(st) = check(
        "gitlab-advisories-community/gitlab-advisories-community.jsonl",
        FeedFormat::Gitlab,
        &[FeedClass::UnknownEcosystem],
        11_000,
    ) {
        assert!(st.rejections.values().sum::<usize>() < 20);
    }
}

#[test]
fn cve_json5() {
    if let Some(st) = check(
        "cve-json5/vulnrichment-cve5.jsonl",
        FeedFormat::CveJson5,
        &[],
        5_313,
    ) {
        assert_eq!(st.records, 5_313);
    }
}

#[test]
fn rubysec() {
    check(
        "rubysec/ruby-advisory-db.jsonl",
        FeedFormat::Rubysec,
        &[],
        1_174,
    );
}

#[test]
fn friendsofphp() {
    check(
        "friendsofphp/friendsofphp-security-advisories.jsonl",
        FeedFormat::FriendsOfPhp,
        &[],
        1_353,
    );
}

#[test]
fn nodejs() {
    check(
        "nodejs-security-wg/nodejs-security-wg-npm.jsonl",
        FeedFormat::NodejsSecurityWg,
        &[],
        397,
    );
    check(
        "nodejs-security-wg/nodejs-security-wg-core.jsonl",
        FeedFormat::NodejsSecurityWg,
        &[],
        145,
    );
    check(
        "nodejs-security-wg/nodejs-security-wg-deps.jsonl",
        FeedFormat::NodejsSecurityWg,
        &[],
        5,
    );
}

#[test]
fn hex() {
    check(
        "hex-elixir-advisories/elixir-security-advisories.jsonl",
        FeedFormat::HexAdvisories,
        &[],
        92,
    );
}

#[test]
fn alpine() {
    check(
        "alpine-secdb/alpine-secdb.jsonl",
        FeedFormat::AlpineSecdb,
        &[],
        6_785,
    );
}

#[test]
fn debian() {
    // Rule: announcement entries whose header is not `[date] D?A-n-n ...`
    // (e.g. `DSA-4205-1 jessie end-of-life` is fine, but a header without a
    // date or advisory id) are refused as `feed_debian_header`.
    check(
        "debian-dsa-dla/debian-dsa.jsonl",
        FeedFormat::DebianList,
        &[FeedClass::DebianHeader],
        4_500,
    );
    check(
        "debian-dsa-dla/debian-dla.jsonl",
        FeedFormat::DebianList,
        &[FeedClass::DebianHeader],
        2_990,
    );
}
