//! Every comparison in `../shared/data/version-ordering/` (both directions).
//! Lines may be excluded only through `tests/fixtures/ordering-exclusions.txt`,
//! each with a written reason; an exclusion that no longer fails is an error.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use levee_versions::{Version, VersionScheme};

const FILES: &[(&str, &[VersionScheme])] = &[
    (
        "semver-versions.txt",
        &[VersionScheme::SemVer, VersionScheme::Go],
    ),
    ("rubygems-versions.txt", &[VersionScheme::RubyGems]),
    (
        "rubygems-versions-generated.txt",
        &[VersionScheme::RubyGems],
    ),
    ("nuget-versions.txt", &[VersionScheme::NuGet]),
    ("packagist-versions.txt", &[VersionScheme::Composer]),
    (
        "packagist-versions-generated.txt",
        &[VersionScheme::Composer],
    ),
    (
        "osv.dev-packagist_test_cases.txt",
        &[VersionScheme::Composer],
    ),
    ("maven-versions.txt", &[VersionScheme::Maven]),
    ("maven-versions-generated.txt", &[VersionScheme::Maven]),
    ("pypi-versions.txt", &[VersionScheme::Pep440]),
    ("pypi-versions-generated.txt", &[VersionScheme::Pep440]),
    ("debian-versions.txt", &[VersionScheme::Dpkg]),
    ("debian-versions-generated.txt", &[VersionScheme::Dpkg]),
    ("cran-versions.txt", &[VersionScheme::Cran]),
    ("cran-versions-generated.txt", &[VersionScheme::Cran]),
    ("alpine-versions.txt", &[VersionScheme::Apk]),
    ("alpine-versions-generated.txt", &[VersionScheme::Apk]),
    ("redhat-versions.txt", &[VersionScheme::Rpm]),
    ("hackage-versions.txt", &[VersionScheme::Hackage]),
    ("pub-versions.txt", &[VersionScheme::Pub]),
];

fn exclusions() -> BTreeMap<(String, String), String> {
    let text = include_str!("fixtures/ordering-exclusions.txt");
    let mut m = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // FILE<TAB>LINE<TAB>REASON
        let mut parts = line.splitn(3, '\t');
        let (Some(f), Some(l), Some(r)) = (parts.next(), parts.next(), parts.next()) else {
            panic!("malformed exclusion line: {line:?}");
        };
        assert!(!r.trim().is_empty(), "exclusion without a reason: {line:?}");
        m.insert((f.to_string(), l.to_string()), r.to_string());
    }
    m
}

fn op(o: Ordering) -> &'static str {
    match o {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    }
}

/// Check one `A OP B` line; returns a failure description.
fn check(scheme: VersionScheme, line: &str) -> Result<(), String> {
    let parts: Vec<&str> = line.split(' ').collect();
    let [a, o, b] = parts.as_slice() else {
        return Err(format!("malformed line {line:?}"));
    };
    let want = match *o {
        "<" => Ordering::Less,
        "=" => Ordering::Equal,
        ">" => Ordering::Greater,
        _ => return Err(format!("bad operator in {line:?}")),
    };
    let va = Version::parse(scheme, a).map_err(|e| e.to_string())?;
    let vb = Version::parse(scheme, b).map_err(|e| e.to_string())?;
    let got = va.cmp(&vb);
    let back = vb.cmp(&va);
    if got != want || back != want.reverse() {
        return Err(format!(
            "{scheme}: {a} {} {b} (reverse {}), want {}",
            op(got),
            op(back),
            op(want)
        ));
    }
    Ok(())
}

#[test]
fn shared_version_ordering_fixtures() {
    let Some(dir) = levee_testdata::shared_data("version-ordering") else {
        return;
    };
    let excl = exclusions();
    let mut used = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    let mut checked = 0usize;
    // every file in the folder must be mapped
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    for f in &files {
        assert!(
            FILES.iter().any(|(n, _)| n == f),
            "unmapped fixture file {f}"
        );
    }
    for (file, schemes) in FILES {
        let text =
            std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        for line in text.lines() {
            let t = line.trim_end();
            if t.is_empty() || t.starts_with("# ") || t.starts_with("// ") || t == "#" || t == "//"
            {
                continue;
            }
            let key = (file.to_string(), t.to_string());
            for scheme in *schemes {
                checked += 1;
                let r = check(*scheme, t);
                if excl.contains_key(&key) {
                    if r.is_err() {
                        used.insert(key.clone());
                    }
                    continue;
                }
                if let Err(e) = r {
                    failures.push(format!("{file}: {e}"));
                }
            }
        }
    }
    for k in excl.keys() {
        assert!(
            used.contains(k),
            "stale exclusion {k:?}: no such line, or it passes now"
        );
    }
    eprintln!("checked {checked} comparisons, {} excluded", used.len());
    if !failures.is_empty() {
        let n = failures.len();
        let shown: Vec<_> = failures.into_iter().take(60).collect();
        panic!("{n} failures:\n{}", shown.join("\n"));
    }
}
