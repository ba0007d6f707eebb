//! OSV range semantics, native range syntaxes and `vers:` URIs.

use levee_versions::native::parse_native;
use levee_versions::range::semver_range_scheme;
use levee_versions::vers::{parse_vers, to_vers};
use levee_versions::{
    AffectedMatcher, CompiledRange, Event, OsvRange, RangeKind, Verdict, Version, VersionScheme,
};

use Event::*;

fn s(x: &str) -> String {
    x.to_string()
}

/// `check(scheme, events, version) == expected` for a table of cases.
fn check(scheme: VersionScheme, events: &[Event], cases: &[(&str, bool)]) {
    let r = CompiledRange::compile(scheme, events).unwrap_or_else(|e| panic!("{e}"));
    for (v, want) in cases {
        let pv = Version::parse(scheme, v).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.contains(&pv), *want, "{v} in {events:?}");
    }
}

#[test]
fn introduced_fixed_and_prereleases() {
    check(
        VersionScheme::SemVer,
        &[Introduced(s("0")), Fixed(s("3.11.0"))],
        &[
            ("0.0.1", true),
            ("3.10.0-beta", true),
            ("3.10.9", true),
            ("3.11.0-rc.1", true), // pre-releases are in the total order
            ("3.11.0", false),
            ("4.0.0", false),
        ],
    );
}

#[test]
fn several_introduced_in_one_range() {
    // as in osv-pypa: two intervals in one range, unsorted events
    check(
        VersionScheme::Pep440,
        &[
            Introduced(s("2.0")),
            Fixed(s("2.2.1")),
            Introduced(s("0")),
            Fixed(s("1.4.5")),
        ],
        &[
            ("1.0", true),
            ("1.4.5", false),
            ("1.9", false),
            ("2.0", true),
            ("2.2.1rc1", true),
            ("2.2.1", false),
        ],
    );
}

#[test]
fn last_affected_is_inclusive() {
    check(
        VersionScheme::Maven,
        &[Introduced(s("1.0")), LastAffected(s("2.7.0"))],
        &[
            ("0.9", false),
            ("1.0", true),
            ("2.7.0", true),
            ("2.7.1", false),
        ],
    );
}

#[test]
fn limit_caps_the_range() {
    // osv-schema: "limit: the upper limit of the range, exclusive; any
    // versions >= limit are not affected".
    check(
        VersionScheme::SemVer,
        &[Introduced(s("0")), Limit(s("1.0.0"))],
        &[("0.5.0", true), ("1.0.0", false), ("2.0.0", false)],
    );
    check(
        VersionScheme::SemVer,
        &[
            Introduced(s("1.0.0")),
            Fixed(s("1.2.0")),
            Introduced(s("2.0.0")),
            Limit(s("2.5.0")),
        ],
        &[
            ("1.1.0", true),
            ("1.5.0", false),
            ("2.4.9", true),
            ("2.5.0", false),
        ],
    );
}

#[test]
fn fixed_without_introduced_is_ignored_and_errors_name_event() {
    check(
        VersionScheme::SemVer,
        &[Fixed(s("1.0.0"))],
        &[("0.1.0", false)],
    );
    let e = CompiledRange::compile(
        VersionScheme::SemVer,
        &[Introduced(s("0")), Fixed(s("not a version"))],
    );
    let e = e.err().map(|e| e.path);
    assert_eq!(e.as_deref(), Some("events[1].fixed"));
}

#[test]
fn julia_build_metadata_is_ordered_in_semver_ranges() {
    let sch = semver_range_scheme(Some(VersionScheme::Julia));
    check(
        sch,
        &[Introduced(s("0")), Fixed(s("1.33.4+1"))],
        &[("1.33.4+0", true), ("1.33.4+1", false), ("1.33.4", true)],
    );
    // plain SemVer ignores build metadata
    check(
        VersionScheme::SemVer,
        &[Introduced(s("0")), Fixed(s("1.33.4+1"))],
        &[("1.33.4+0", false)],
    );
}

#[test]
fn affected_matcher_versions_git_withdrawn() {
    let ranges = vec![
        OsvRange {
            kind: RangeKind::Ecosystem,
            repo: None,
            events: vec![Introduced(s("1.0")), Fixed(s("1.2"))],
        },
        OsvRange {
            kind: RangeKind::Git,
            repo: Some(s("https://example.invalid/repo")),
            events: vec![Introduced(s("aaaa")), Fixed(s("bbbb"))],
        },
    ];
    let m = AffectedMatcher::compile(Some(VersionScheme::Pep440), &ranges, &[s("0.5")], false)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.evaluate_str("1.1"), Verdict::Affected);
    assert_eq!(m.evaluate_str("0.5"), Verdict::Affected);
    assert_eq!(m.evaluate_str("0.6"), Verdict::NotAffected);
    assert_eq!(m.evaluate_commit("AAAA"), Verdict::Affected);
    assert_eq!(m.evaluate_commit("bbbb"), Verdict::NotAffected);
    assert_eq!(m.evaluate_commit("cccc"), Verdict::Undecidable);
    let w = AffectedMatcher::compile(Some(VersionScheme::Pep440), &ranges, &[s("0.5")], true)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(w.evaluate_str("1.1"), Verdict::NotAffected);
    // an ecosystem without ordering: unlisted versions are undecidable
    let u = AffectedMatcher::compile(None, &ranges[..1], &[s("13")], false)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(u.evaluate_str("13"), Verdict::Affected);
    assert_eq!(u.evaluate_str("12"), Verdict::Undecidable);
    // a range of an unknown type: its events are not read, so a version no
    // other range covers and the list does not name is undecidable
    let mut with_unknown = ranges[..1].to_vec();
    with_unknown.push(OsvRange {
        kind: RangeKind::Unknown,
        repo: None,
        events: vec![Introduced(s("2.0")), Fixed(s("3.0"))],
    });
    let k = AffectedMatcher::compile(
        Some(VersionScheme::Pep440),
        &with_unknown,
        &[s("0.5")],
        false,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(k.evaluate_str("1.1"), Verdict::Affected);
    assert_eq!(k.evaluate_str("0.5"), Verdict::Affected);
    assert_eq!(k.evaluate_str("2.5"), Verdict::Undecidable);
    assert_eq!(k.evaluate_str("9"), Verdict::Undecidable);
    assert_eq!(k.evaluate_str("not a version"), Verdict::Undecidable);
    assert_eq!(k.evaluate_commit("aaaa"), Verdict::NotAffected);
}

/// A `SEMVER` range of a PEP 440 ecosystem is ordered by SemVer: a PyPI
/// version is read again as SemVer (it was compared across schemes, so a
/// bounded range matched nothing); one SemVer cannot read is compared in
/// PEP 440 with the range's events read there.
#[test]
fn a_semver_range_reads_versions_of_another_scheme() {
    let ranges = vec![OsvRange {
        kind: RangeKind::Semver,
        repo: None,
        events: vec![
            Introduced(s("1.0.0")),
            Fixed(s("2.0.0")),
            Introduced(s("3.0.0")),
            Fixed(s("3.1.0-rc.1")),
        ],
    }];
    let m = AffectedMatcher::compile(Some(VersionScheme::Pep440), &ranges, &[], false)
        .unwrap_or_else(|e| panic!("{e}"));
    for (v, want) in [
        ("0.9.0", Verdict::NotAffected),
        ("1.0.0", Verdict::Affected),
        ("1.5.0", Verdict::Affected),
        ("2.0.0", Verdict::NotAffected),
        ("3.0.5", Verdict::Affected),
        ("3.1.0-rc.1", Verdict::NotAffected),
        // PEP 440 spellings
        ("1.5", Verdict::Affected),
        ("3.0.5.post1", Verdict::Affected),
        ("3.1.0rc1", Verdict::NotAffected),
        ("2.0", Verdict::NotAffected),
    ] {
        assert_eq!(m.evaluate_str(v), want, "{v}");
    }
}

/// Ranges of one `affected[]` entry, written `KIND:event,event;KIND:...`
/// (`i`, `f`, `l` for introduced, fixed, last_affected).
fn entry_ranges(spec: &str) -> Vec<OsvRange> {
    spec.split(';')
        .map(|r| {
            let (kind, events) = r.split_once(':').unwrap_or((r, ""));
            OsvRange {
                kind: match kind {
                    "SEMVER" => RangeKind::Semver,
                    "ECOSYSTEM" => RangeKind::Ecosystem,
                    other => panic!("range kind {other}"),
                },
                repo: None,
                events: events
                    .split(',')
                    .map(|e| match e.split_at(1) {
                        ("i", v) => Introduced(s(v)),
                        ("f", v) => Fixed(s(v)),
                        ("l", v) => LastAffected(s(v)),
                        _ => panic!("event {e}"),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// (ecosystem scheme, ranges, listed versions, version, verdict): rows a
/// version string and an already parsed version must decide alike.
type StrRow = (
    Option<VersionScheme>,
    &'static str,
    &'static [&'static str],
    &'static str,
    Verdict,
);

const STR_AND_PARSED: &[StrRow] = {
    use Verdict::{Affected as A, NotAffected as N, Undecidable as U};
    use VersionScheme::{Pep440, RubyGems, SemVer};
    const SEMVER_2: &str = "SEMVER:i0,f2.0.0";
    // 2.0.0+b is no RubyGems version: this range has no RubyGems reading
    const SEMVER_B: &str = "SEMVER:i0,f1.0.0,i2.0.0+b,f2.1.0";
    const MIXED: &str = "SEMVER:i0,f1.0.0;ECOSYSTEM:i3.0,f3.5";
    &[
        // one scheme
        (Some(SemVer), SEMVER_2, &[], "1.0.0", A),
        (Some(SemVer), SEMVER_2, &[], "2.0.0+b", N),
        (Some(SemVer), SEMVER_2, &[], "1.5", A),
        (Some(SemVer), SEMVER_2, &[], "1.5.a", U),
        (Some(RubyGems), "ECOSYSTEM:i0,f2.0", &[], "1.5", A),
        (Some(RubyGems), "ECOSYSTEM:i0,f2.0", &[], "1.0.0+b", U),
        (
            Some(RubyGems),
            "ECOSYSTEM:i0,f2.0",
            &["1.0.0+b"],
            "1.0.0+b",
            A,
        ),
        // a SEMVER range of a RubyGems ecosystem: both readings
        (Some(RubyGems), SEMVER_2, &[], "1.0.0", A),
        (Some(RubyGems), SEMVER_2, &[], "2.0.0", N),
        (Some(RubyGems), SEMVER_2, &[], "1.0.0+b", A),
        (Some(RubyGems), SEMVER_2, &[], "2.0.0+b", N),
        (Some(RubyGems), SEMVER_2, &[], "1.5", A),
        (Some(RubyGems), SEMVER_2, &[], "1.5.a", A),
        (Some(RubyGems), SEMVER_2, &[], "2.5.a", N),
        (Some(RubyGems), SEMVER_2, &[], "not a version", U),
        (Some(RubyGems), SEMVER_B, &[], "0.5.0", A),
        (Some(RubyGems), SEMVER_B, &[], "2.0.5+x", A),
        (Some(RubyGems), SEMVER_B, &[], "2.1.0+x", N),
        (Some(RubyGems), SEMVER_B, &[], "1.5.a", U),
        (Some(RubyGems), MIXED, &[], "0.5.0+b", A),
        (Some(RubyGems), MIXED, &[], "1.5.0+b", U),
        (Some(RubyGems), MIXED, &[], "3.2", A),
        (Some(RubyGems), MIXED, &[], "3.5", N),
        // PyPI reads almost anything (legacy versions); SemVer still first
        (Some(Pep440), SEMVER_2, &[], "1.0.0-x.1", A),
        (Some(Pep440), "SEMVER:i1.0.0,f2.0.0", &[], "1.0.0-x.1", N),
        (Some(Pep440), SEMVER_2, &[], "1.5", A),
        // an unordered ecosystem: a SEMVER range is still ordered by SemVer
        (None, SEMVER_2, &["r1"], "1.0.0", A),
        (None, SEMVER_2, &["r1"], "2.0.0", N),
        (None, SEMVER_2, &["r1"], "r1", A),
        (None, SEMVER_2, &["r1"], "r2", U),
        (None, "ECOSYSTEM:i0,f2.0.0", &["r1"], "1.0.0", U),
    ]
};

/// `evaluate_str` gives the verdict of `evaluate` on the version parsed in
/// any scheme the entry's ranges use that reads it (the ecosystem's, a
/// SEMVER range's): a version only a SEMVER range of another scheme reads
/// (RubyGems `1.0.0+b`, any version of an unordered ecosystem) was
/// undecidable from a string and decided from a parsed version. The
/// server's OSV query and `levee-match` (for a version its ecosystem does
/// not read) evaluate strings.
#[test]
fn evaluate_str_agrees_with_evaluate() {
    let mut wrong = Vec::new();
    for &(scheme, spec, listed, version, want) in STR_AND_PARSED {
        let listed: Vec<String> = listed.iter().map(|v| s(v)).collect();
        let m = AffectedMatcher::compile(scheme, &entry_ranges(spec), &listed, false)
            .unwrap_or_else(|e| panic!("{spec}: {e}"));
        let row = format!("{scheme:?} {spec} {listed:?} {version}, want {want:?}");
        let got = m.evaluate_str(version);
        if got != want {
            wrong.push(format!("evaluate_str {got:?}: {row}"));
        }
        for sch in scheme.into_iter().chain([semver_range_scheme(scheme)]) {
            if let Ok(v) = Version::parse(sch, version) {
                let got = m.evaluate(&v);
                if got != want {
                    wrong.push(format!("evaluate as {sch:?} {got:?}: {row}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// (scheme, native range, version, affected?)
const NATIVE: &[(VersionScheme, &str, &str, bool)] = &[
    (
        VersionScheme::SemVer,
        "<3.11 || >=4 <4.5",
        "3.10.0-beta",
        true,
    ),
    (VersionScheme::SemVer, "<3.11 || >=4 <4.5", "3.11.0", false),
    (VersionScheme::SemVer, "<3.11 || >=4 <4.5", "4.4.9", true),
    (VersionScheme::SemVer, "<3.11 || >=4 <4.5", "4.5.0", false),
    (VersionScheme::SemVer, "^1.2.3", "1.9.0", true),
    (VersionScheme::SemVer, "^1.2.3", "2.0.0", false),
    (VersionScheme::SemVer, "^0.2.3", "0.3.0", false),
    (VersionScheme::SemVer, "~1.2.3", "1.2.9", true),
    (VersionScheme::SemVer, "~1.2.3", "1.3.0", false),
    (VersionScheme::SemVer, "1.x", "1.5.0", true),
    (VersionScheme::SemVer, "1.2 - 2.3", "2.3.9", true),
    (VersionScheme::SemVer, "1.2 - 2.3", "2.4.0", false),
    (
        VersionScheme::SemVer,
        ">=1.0.0 <=1.6.3||>=2.0.0 <2.2.0",
        "1.6.3",
        true,
    ),
    (VersionScheme::Go, "<=v1.8.1 || =v2.0.0", "2.0.0", true),
    (VersionScheme::Go, "<=v1.8.1 || =v2.0.0", "1.9.0", false),
    (VersionScheme::SemVer, ">= 1.2.0, < 1.10.2", "1.10.1", true),
    (
        VersionScheme::Composer,
        ">=4.0,<4.3||>=5.0,<5.2",
        "4.2.9",
        true,
    ),
    (
        VersionScheme::Composer,
        ">=4.0,<4.3||>=5.0,<5.2",
        "4.3",
        false,
    ),
    (VersionScheme::Composer, "^5.1", "5.9.0", true),
    // X-ranges start at the release's lowest pre-release.
    (
        VersionScheme::SemVer,
        "2.0.x || 2.1.x",
        "2.0.0-beta.1",
        true,
    ),
    (VersionScheme::SemVer, "2.0.x || 2.1.x", "2.0.0-0", true),
    (VersionScheme::SemVer, "2.0.x", "1.9.9", false),
    (VersionScheme::SemVer, "2.0.x", "2.1.0-0", false),
    (VersionScheme::Composer, "1.2.*", "1.2.0-beta", true),
    (VersionScheme::Composer, "1.2.*", "1.3.0-dev", false),
    (VersionScheme::Composer, "~1.2", "1.9", true),
    (VersionScheme::Composer, "~1.2", "2.0", false),
    (
        VersionScheme::RubyGems,
        "~> 4.2.5, >= 4.2.5.1",
        "4.2.5",
        false,
    ),
    (
        VersionScheme::RubyGems,
        "~> 4.2.5, >= 4.2.5.1",
        "4.2.7",
        true,
    ),
    (
        VersionScheme::RubyGems,
        "~> 4.2.5, >= 4.2.5.1",
        "4.3.0",
        false,
    ),
    (VersionScheme::RubyGems, ">0.0.0", "0.1", true),
    // `~>` bumps the segments as written (Gem::Version#bump): `~> 3.1.0`
    // is below 3.2, not below 4 (trailing zeros count here).
    (VersionScheme::RubyGems, "~> 3.1.0", "3.1.9", true),
    (VersionScheme::RubyGems, "~> 3.1.0", "3.2.0", false),
    (VersionScheme::RubyGems, "~> 3.1.0", "3.2.0.1", false),
    (VersionScheme::RubyGems, "~> 2.0.0", "2.1", false),
    (VersionScheme::RubyGems, "~> 3", "3.9", true),
    (VersionScheme::RubyGems, "~> 3", "4.0", false),
    // ... and keeps the bump's pre-releases out (`v.release < bump`).
    (VersionScheme::RubyGems, "~> 3.0.10", "3.1.0.rc1", false),
    (VersionScheme::RubyGems, "~> 3.0.10", "3.1.0.pre", false),
    (VersionScheme::RubyGems, "~> 3.0.10", "3.0.99.rc1", true),
    (VersionScheme::RubyGems, "~> 3.1.0.rc6", "4.0.0.pre", false),
    (VersionScheme::RubyGems, "~> 3.1.0.rc6", "3.1.0", true),
    (VersionScheme::Pep440, ">=1.0,!=1.3.*,<2", "1.3.4", false),
    (VersionScheme::Pep440, ">=1.0,!=1.3.*,<2", "1.4", true),
    (VersionScheme::Pep440, "~=1.4.5", "1.4.9", true),
    (VersionScheme::Pep440, "~=1.4.5", "1.5.0", false),
    // With an epoch: the release numbers are counted after the `!`, and
    // the upper bound keeps the epoch.
    (VersionScheme::Pep440, "~=1!1.0", "1!1.5", true),
    (VersionScheme::Pep440, "~=1!1.0", "1!2.0", false),
    (VersionScheme::Pep440, "~=1!1.0", "1.5", false),
    (VersionScheme::Pep440, "~=1!2.2.1", "1!2.2.7", true),
    (VersionScheme::Pep440, "==3.1", "3.1.0", true),
    // Without a local label in the specifier, the candidate's is ignored.
    (VersionScheme::Pep440, "<=2.0", "2.0+l", true),
    (VersionScheme::Pep440, "<=2.0.0", "2.0.0+cu118", true),
    (VersionScheme::Pep440, "<=2.0", "2.0.post0.dev0", false),
    (VersionScheme::Pep440, "==1.0", "1.0+local", true),
    (VersionScheme::Pep440, "==1.0.0", "1.0+local", true),
    (VersionScheme::Pep440, "==1.0", "1.0.1", false),
    (VersionScheme::Pep440, "!=1.0", "1.0+local", false),
    (VersionScheme::Pep440, "!=1.0", "1.0.post1", true),
    (VersionScheme::Pep440, ">1.0", "1.0+local", false),
    (VersionScheme::Pep440, ">=1.0", "1.0+local", true),
    (VersionScheme::Pep440, "<1.0", "1.0+local", false),
    (VersionScheme::Pep440, "<=1.0.post1", "1.0.post1+x", true),
    (VersionScheme::Pep440, "<=1.0.post1", "1.0.post2", false),
    (VersionScheme::Pep440, "<=1.0.dev1", "1.0.dev1+x", true),
    (VersionScheme::Pep440, "<=1.0.dev1", "1.0.dev2", false),
    (VersionScheme::Pep440, "<=1.0rc1", "1.0rc1+x", true),
    (VersionScheme::Pep440, "<=1.0rc1", "1.0rc2", false),
    // A local label in the specifier compares exactly.
    (VersionScheme::Pep440, "==1.0+a", "1.0+b", false),
    (
        VersionScheme::Maven,
        "[2.0,2.3.1],[2.4.0,2.12.2)",
        "2.3.1",
        true,
    ),
    (
        VersionScheme::Maven,
        "[2.0,2.3.1],[2.4.0,2.12.2)",
        "2.3.2",
        false,
    ),
    (
        VersionScheme::Maven,
        "[2.0,2.3.1],[2.4.0,2.12.2)",
        "2.12.2",
        false,
    ),
    (VersionScheme::Maven, "(,8.0.20]", "8.0.20", true),
    (VersionScheme::Maven, "[1.0]", "1.0", true),
    (VersionScheme::NuGet, "1.0.0", "2.0.0", true),
    (VersionScheme::NuGet, "[1.0,2.0)", "2.0.0", false),
    (
        VersionScheme::Dpkg,
        "2:1.20.11-1+deb11u6",
        "2:1.20.11-1",
        true,
    ),
    (
        VersionScheme::Dpkg,
        "2:1.20.11-1+deb11u6",
        "2:1.20.11-1+deb11u6",
        false,
    ),
    (VersionScheme::Apk, "1.2.3-r4", "1.2.3-r3", true),
];

#[test]
fn native_syntaxes() {
    for (scheme, range, v, want) in NATIVE {
        let set = parse_native(*scheme, range).unwrap_or_else(|e| panic!("{range}: {e}"));
        let pv = Version::parse(*scheme, v).unwrap_or_else(|e| panic!("{v}: {e}"));
        assert_eq!(set.contains(&pv), *want, "{v} in {scheme} {range}");
    }
    for bad in ["", ">=", "[1.0", "(1.0)", ">=1.0 <"] {
        assert!(parse_native(VersionScheme::Maven, bad).is_err(), "{bad}");
    }
}

#[test]
fn vers_both_ways() {
    for (uri, inside, outside) in [
        ("vers:npm/>=1.0.0|<2.0.0", "1.5.0", "2.0.0"),
        ("vers:pypi/<1.0|>=2.0|!=2.5", "2.4", "2.5"),
        // A version an equality comparator names stays in, `!=` or not
        // (the spec tests `=`, `<=`, `>=` before `!=`).
        ("vers:pypi/!=1.6|=1.6", "1.6", "1.7"),
        ("vers:pypi/>=1.6|!=1.6", "1.6", "1.5"),
        ("vers:deb/1:1.0-1", "1:1.0-1", "1:1.0-2"),
        ("vers:maven/>=1.0|<=1.5|>=2.0", "2.7", "1.7"),
        ("vers:gem/*", "0.1", ""),
    ] {
        let (scheme, set) = parse_vers(uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
        let inv = Version::parse(scheme, inside).unwrap_or_else(|e| panic!("{e}"));
        assert!(set.contains(&inv), "{inside} in {uri}");
        if !outside.is_empty() {
            let out = Version::parse(scheme, outside).unwrap_or_else(|e| panic!("{e}"));
            assert!(!set.contains(&out), "{outside} not in {uri}");
        }
        // render and parse again: same set
        let again = to_vers(scheme, &set);
        let (_, set2) = parse_vers(&again).unwrap_or_else(|e| panic!("{again}: {e}"));
        assert_eq!(set, set2, "{uri} -> {again}");
    }
    assert_eq!(
        parse_vers("vers:npm/>=1.0.0|<2.0.0")
            .map(|(s, set)| to_vers(s, &set))
            .ok()
            .as_deref(),
        Some("vers:semver/>=1.0.0|<2.0.0")
    );
    for bad in [
        "npm/1.0",
        "vers:nope/1.0",
        "vers:npm/",
        "vers:npm/>=1.0.0||<2",
        "vers:npm/%zz",
    ] {
        assert!(parse_vers(bad).is_err(), "{bad}");
    }
}
