//! PEP 440 version specifiers: which operator takes which version, and
//! which versions each admits. One place decides
//! ([`Pep440Specifier`]), for advisory ranges (`parse_native`) and
//! requirement files alike; the tables are what `packaging` 22 and later
//! (pip 24.1 and later) say, read from packaging 26.4's `Specifier` and
//! `Specifier.contains(v, prereleases=True)`.

use levee_versions::native::{parse_native, Pep440Op, Pep440Specifier};
use levee_versions::{Version, VersionScheme};

const OPS: [&str; 8] = ["==", "!=", "<", "<=", ">", ">=", "~=", "==="];

/// A version after each of [`OPS`]: 1 = packaging accepts the specifier.
const ACCEPTED: &[(&str, [u8; 8])] = &[
    // == != <  <= >  >= ~= ===
    ("1.0", [1, 1, 1, 1, 1, 1, 1, 1]),
    ("1", [1, 1, 1, 1, 1, 1, 0, 1]),
    ("1!1", [1, 1, 1, 1, 1, 1, 0, 1]),
    ("1!1.0", [1, 1, 1, 1, 1, 1, 1, 1]),
    ("1.0+loc", [1, 1, 0, 0, 0, 0, 0, 1]),
    ("1!1.0+loc", [1, 1, 0, 0, 0, 0, 0, 1]),
    ("1.0a1", [1, 1, 1, 1, 1, 1, 1, 1]),
    ("1.0.post1", [1, 1, 1, 1, 1, 1, 1, 1]),
    ("1.0.dev1", [1, 1, 1, 1, 1, 1, 1, 1]),
    ("1.0-1", [1, 1, 1, 1, 1, 1, 1, 1]),
    ("v1.0", [1, 1, 1, 1, 1, 1, 1, 1]),
    ("V1.0", [1, 1, 1, 1, 1, 1, 1, 1]),
    ("1.*", [1, 1, 0, 0, 0, 0, 0, 1]),
    ("1.0.*", [1, 1, 0, 0, 0, 0, 0, 1]),
    ("1!1.*", [1, 1, 0, 0, 0, 0, 0, 1]),
    ("1.0+loc.*", [0, 0, 0, 0, 0, 0, 0, 1]),
    ("1.0a1.*", [0, 0, 0, 0, 0, 0, 0, 1]),
    ("1.0.post1.*", [0, 0, 0, 0, 0, 0, 0, 1]),
    ("1.0.dev1.*", [0, 0, 0, 0, 0, 0, 0, 1]),
    ("1.0-1.*", [0, 0, 0, 0, 0, 0, 0, 1]),
    ("1.0.*+loc", [0, 0, 0, 0, 0, 0, 0, 1]),
    ("*", [0, 0, 0, 0, 0, 0, 0, 1]),
    ("1.*.*", [0, 0, 0, 0, 0, 0, 0, 1]),
    ("foo", [0, 0, 0, 0, 0, 0, 0, 1]),
    ("2.2.", [0, 0, 0, 0, 0, 0, 0, 1]),
    ("1.0_1", [0, 0, 0, 0, 0, 0, 0, 1]),
];

#[test]
fn operators_take_the_versions_packaging_takes() {
    for (v, row) in ACCEPTED {
        for (op, want) in OPS.iter().zip(row) {
            let spec = format!("{op}{v}");
            let o = Pep440Op::parse(op).unwrap();
            let one = Pep440Specifier::parse(o, v);
            assert_eq!(one.is_ok(), *want == 1, "{spec}: {:?}", one.err());
            // The advisory range parser takes the same.
            let range = parse_native(VersionScheme::Pep440, &spec);
            assert_eq!(range.is_ok(), *want == 1, "range {spec}: {:?}", range.err());
            // A refusal names the specifier.
            if let Err(e) = one {
                assert!(e.reason.contains(&spec), "{spec}: {}", e.reason);
            }
        }
    }
}

/// Feeds' spellings that are not PEP 440 operators read as the one they
/// mean, under the same rules.
#[test]
fn feed_spellings_follow_the_same_rules() {
    for (spec, ok) in [
        ("1.0", true),
        ("1.0.*", true),
        ("=1.0", true),
        ("=1.0.*", true),
        ("=>1.0", true),
        ("=<1.0", true),
        (">= 1.0, < 2.0", true),
        ("=>1.0+loc", false),
        ("=<1.0.*", false),
        ("1.0a1.*", false),
        ("foo", false),
        ("~>1.0", false),
        ("^1.0", false),
    ] {
        assert_eq!(
            parse_native(VersionScheme::Pep440, spec).is_ok(),
            ok,
            "{spec}"
        );
    }
}

const CANDIDATES: &str = "0.9 1!0.5 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other \
    1.0.0 1.0.0+loc 1.0.post1 1.0.post1+x 1.0.1 1.1.dev0 1.1 1.9 1.9.5 1.10 2.0 9.0 9.5 10.0 \
    1!1.0 1!1.0+loc 1!1.5 1!2.0 1!9.0 1!9.5 1!10.0";

/// The candidates a specifier admits (`!=X`: every one `==X` does not).
const INSIDE: &[(&str, &str)] = &[
    ("==1.0", "1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc"),
    ("==1", "1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc"),
    ("==1!1", "1!1.0 1!1.0+loc"),
    ("==1!1.0", "1!1.0 1!1.0+loc"),
    ("==1.0+loc", "1.0+loc 1.0.0+loc"),
    ("==1!1.0+loc", "1!1.0+loc"),
    ("==1.0a1", "1.0a1 1.0a1+x"),
    ("==1.0.post1", "1.0.post1 1.0.post1+x"),
    ("==1.0.dev1", "1.0.dev1"),
    ("==1.0-1", "1.0.post1 1.0.post1+x"),
    ("==v1.0", "1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc"),
    ("==1.*", "1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc 1.0.post1 1.0.post1+x 1.0.1 1.1.dev0 1.1 1.9 1.9.5 1.10"),
    ("==1.0.*", "1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc 1.0.post1 1.0.post1+x 1.0.1"),
    ("==1!1.*", "1!1.0 1!1.0+loc 1!1.5"),
    ("==9.*", "9.0 9.5"),
    ("==1!9.*", "1!9.0 1!9.5"),
    ("==1.9.*", "1.9 1.9.5"),
    ("==v1.9.*", "1.9 1.9.5"),
    ("<=1.0", "0.9 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc"),
    ("<=1", "0.9 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc"),
    ("<=1!1", "0.9 1!0.5 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc 1.0.post1 1.0.post1+x 1.0.1 1.1.dev0 1.1 1.9 1.9.5 1.10 2.0 9.0 9.5 10.0 1!1.0 1!1.0+loc"),
    ("<=1!1.0", "0.9 1!0.5 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc 1.0.post1 1.0.post1+x 1.0.1 1.1.dev0 1.1 1.9 1.9.5 1.10 2.0 9.0 9.5 10.0 1!1.0 1!1.0+loc"),
    ("<=1.0a1", "0.9 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x"),
    ("<=1.0.post1", "0.9 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc 1.0.post1 1.0.post1+x"),
    ("<=1.0.dev1", "0.9 1.0.dev0 1.0.dev1"),
    ("<=1.0-1", "0.9 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc 1.0.post1 1.0.post1+x"),
    ("<=v1.0", "0.9 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc"),
    ("~=1.0", "1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc 1.0.post1 1.0.post1+x 1.0.1 1.1.dev0 1.1 1.9 1.9.5 1.10"),
    ("~=1!1.0", "1!1.0 1!1.0+loc 1!1.5"),
    ("~=1.0a1", "1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc 1.0.post1 1.0.post1+x 1.0.1 1.1.dev0 1.1 1.9 1.9.5 1.10"),
    ("~=1.0.post1", "1.0.post1 1.0.post1+x 1.0.1 1.1.dev0 1.1 1.9 1.9.5 1.10"),
    ("~=1.0.dev1", "1.0.dev1 1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc 1.0.post1 1.0.post1+x 1.0.1 1.1.dev0 1.1 1.9 1.9.5 1.10"),
    ("~=1.0-1", "1.0.post1 1.0.post1+x 1.0.1 1.1.dev0 1.1 1.9 1.9.5 1.10"),
    ("~=v1.0", "1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc 1.0.post1 1.0.post1+x 1.0.1 1.1.dev0 1.1 1.9 1.9.5 1.10"),
];

/// The candidates a `>=` specifier leaves out.
const OUTSIDE: &[(&str, &str)] = &[
    (">=1.0", "0.9 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1"),
    (">=1", "0.9 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1"),
    (">=1!1", "0.9 1!0.5 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc 1.0.post1 1.0.post1+x 1.0.1 1.1.dev0 1.1 1.9 1.9.5 1.10 2.0 9.0 9.5 10.0"),
    (">=1!1.0", "0.9 1!0.5 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc 1.0.post1 1.0.post1+x 1.0.1 1.1.dev0 1.1 1.9 1.9.5 1.10 2.0 9.0 9.5 10.0"),
    (">=1.0a1", "0.9 1.0.dev0 1.0.dev1"),
    (">=1.0.post1", "0.9 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc"),
    (">=1.0.dev1", "0.9 1.0.dev0"),
    (">=1.0-1", "0.9 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1 1.0 1.0+loc 1.0+other 1.0.0 1.0.0+loc"),
    (">=v1.0", "0.9 1.0.dev0 1.0.dev1 1.0a1 1.0a1+x 1.0rc1"),
];

fn members(spec: &str) -> Vec<&'static str> {
    let set = parse_native(VersionScheme::Pep440, spec).unwrap_or_else(|e| panic!("{spec}: {e:?}"));
    CANDIDATES
        .split_whitespace()
        .filter(|c| set.contains(&Version::parse(VersionScheme::Pep440, c).unwrap()))
        .collect()
}

/// What each admits, as packaging. `<V` and `>V` are not here: packaging
/// also leaves V's pre-releases out of `<V` and V's post-releases out of
/// `>V`, where ranges keep every version of the order (OSV semantics:
/// `<1.0` from an advisory covers 1.0rc1).
#[test]
fn specifiers_admit_the_versions_packaging_admits() {
    let all: Vec<&str> = CANDIDATES.split_whitespace().collect();
    for (spec, inside) in INSIDE {
        let want: Vec<&str> = inside.split_whitespace().collect();
        assert_eq!(members(spec), want, "{spec}");
        if let Some(v) = spec.strip_prefix("==") {
            let not: Vec<&str> = all.iter().copied().filter(|c| !want.contains(c)).collect();
            assert_eq!(members(&format!("!={v}")), not, "!={v}");
        }
    }
    for (spec, outside) in OUTSIDE {
        let out: Vec<&str> = outside.split_whitespace().collect();
        let want: Vec<&str> = all.iter().copied().filter(|c| !out.contains(c)).collect();
        assert_eq!(members(spec), want, "{spec}");
    }
}
