//! Every rejection class is produced by a rule and tested here; the list
//! must cover `FeedClass::ALL` exactly (a new class fails until tested).

use levee_feeds::{read, read_with, FeedClass, FeedFormat};
use levee_formats::{Limits, RejectionClass};

fn one(bytes: &[u8], format: Option<FeedFormat>) -> levee_formats::Rejection {
    let out: Vec<_> = read("case", bytes, format).collect();
    assert_eq!(out.len(), 1, "{out:?}");
    out.into_iter().next().unwrap().unwrap_err()
}

#[test]
fn each_class_by_rule() {
    let csaf_base = r#"{"document":{"category":"csaf_base","csaf_version":"2.0","title":"t","publisher":{"category":"vendor","name":"n","namespace":"https://x"},"tracking":{"id":"X-1","current_release_date":"2024-01-01T00:00:00Z","initial_release_date":"2024-01-01T00:00:00Z","revision_history":[{"date":"2024-01-01T00:00:00Z","number":"1","summary":"s"}],"status":"final","version":"1"}}"#;
    let cases: Vec<(FeedClass, levee_formats::Rejection)> = vec![
        (
            FeedClass::Syntax,
            {
                let b = b"{\"package_slug\":\"npm/a\",\"identifier\":\"CVE-2020-1234\"}\n{broken\n";
                read("case", b, Some(FeedFormat::Gitlab)).find_map(Result::err).unwrap()
            },
        ),
        (FeedClass::UnknownFormat, one(b"hello world", None)),
        (FeedClass::NotAnObject, one(b"[[1,2]]", Some(FeedFormat::Gitlab))),
        (FeedClass::MissingField, one(br#"{"identifier":"CVE-2020-1234","date":"2020-01-01"}"#, Some(FeedFormat::Gitlab))),
        (FeedClass::NoId, one(br#"{"cveMetadata":{"cveId":"not-a-cve"}}"#, None)),
        (FeedClass::UnknownEcosystem, one(br#"{"package_slug":"cargo/x","identifier":"CVE-2020-1234","date":"2020-01-01"}"#, None)),
        (FeedClass::DebianHeader, one(br#"{"path":"data/DSA/list","text":"[99 Foo 2023] DSA-1-1 x - y\n"}"#, Some(FeedFormat::DebianList))),
        (FeedClass::OsvInvalid, one(br#"{"package_slug":"npm/ ","identifier":"CVE-2020-1234","date":"2020-01-01"}"#, None)),
        (
            FeedClass::TooLarge,
            {
                let b = br#"{"package_slug":"npm/a","identifier":"CVE-2020-1234","date":"2020-01-01"}"#;
                let limits = Limits { max_record_bytes: 10, ..Limits::default() };
                read_with("case", b, None, &limits).next().unwrap().unwrap_err()
            },
        ),
        (FeedClass::CsafSchema, one(br#"{"document":{"category":"csaf_base","tracking":{}}}"#, None)),
        (
            FeedClass::CsafMandatory,
            one(format!(r#"{},"vulnerabilities":[{{"cve":"CVE-2024-1234","product_status":{{"fixed":["X"]}}}}]}}"#, csaf_base).as_bytes(), None),
        ),
    ];
    let mut covered: Vec<FeedClass> = Vec::new();
    for (want, r) in &cases {
        assert_eq!(FeedClass::of(r), Some(*want), "{r}");
        assert_eq!(
            r.class,
            if *want == FeedClass::OsvInvalid {
                RejectionClass::InvalidId
            } else {
                want.base()
            },
            "{r}"
        );
        assert!(!r.location.source.is_empty());
        covered.push(*want);
    }
    covered.sort();
    let mut all = FeedClass::ALL.to_vec();
    all.sort();
    assert_eq!(covered, all, "every class has a rule-based case");
}

#[test]
fn unknown_codes_are_not_classes() {
    assert_eq!(FeedClass::from_code("feed_whatever"), None);
}

#[test]
fn json_arrays_of_records() {
    let b = br#"[{"package_slug":"npm/a","identifier":"CVE-2020-1234","date":"2020-01-01","affected_range":"<1.0.0"},
                {"package_slug":"npm/b","identifier":"CVE-2020-1235","date":"2020-01-01","affected_range":"<1.0.0"}]"#;
    assert_eq!(levee_feeds::detect("x.json", b), Some(FeedFormat::Gitlab));
    let recs: Vec<_> = read("x.json", b, None).map(|r| r.unwrap()).collect();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1].id, "GITLAB-npm:b-CVE-2020-1235");
    let e = read("x.json", b"[1]", Some(FeedFormat::Gitlab))
        .next()
        .unwrap()
        .unwrap_err();
    assert_eq!(FeedClass::of(&e), Some(FeedClass::NotAnObject));
}

/// A JSON array file larger than the record limit: each element is held to
/// the limit, not the whole file.
#[test]
fn record_limit_applies_to_array_elements() {
    let rec = |id: u32| {
        format!(r#"{{"package_slug":"npm/a","identifier":"CVE-2020-{id}","date":"2020-01-01"}}"#)
    };
    let big = format!(
        r#"{{"package_slug":"npm/a","identifier":"CVE-2020-9999","date":"2020-01-01","description":"{}"}}"#,
        "x".repeat(800)
    );
    let arr = format!("[{},{},{}]", rec(1001), rec(1002), big);
    let limits = Limits {
        max_record_bytes: 600,
        ..Limits::default()
    };
    assert!(arr.len() > limits.max_record_bytes);
    let out: Vec<_> = read_with(
        "all.json",
        arr.as_bytes(),
        Some(FeedFormat::Gitlab),
        &limits,
    )
    .collect();
    assert_eq!(out.len(), 3, "{out:?}");
    assert!(out[0].is_ok() && out[1].is_ok(), "{out:?}");
    let e = out[2].as_ref().unwrap_err();
    assert_eq!(FeedClass::of(e), Some(FeedClass::TooLarge), "{e}");
}
