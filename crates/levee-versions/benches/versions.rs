//! Per-scheme throughput: parse/s, compare/s, parse+compare/s (parse two
//! strings and compare them), and OSV range evaluation for k = 1, 10, 100
//! ranges. Inputs: the real version strings of
//! `../shared/data/version-ordering/` (a small built-in list if absent).
//! `cross-scheme/*`: `SEMVER` ranges of a PyPI entry (compiled, and PyPI
//! versions evaluated against them).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use levee_versions::{
    AffectedMatcher, CompiledRange, Event, OsvRange, RangeKind, Version, VersionScheme,
};

fn inputs(scheme: VersionScheme) -> Vec<String> {
    let file = match scheme {
        VersionScheme::SemVer | VersionScheme::Go | VersionScheme::Julia => "semver-versions.txt",
        VersionScheme::NuGet => "nuget-versions.txt",
        VersionScheme::Pub => "pub-versions.txt",
        VersionScheme::Pep440 => "pypi-versions-generated.txt",
        VersionScheme::Maven => "maven-versions-generated.txt",
        VersionScheme::RubyGems => "rubygems-versions-generated.txt",
        VersionScheme::Composer => "packagist-versions-generated.txt",
        VersionScheme::Dpkg | VersionScheme::Opam => "debian-versions-generated.txt",
        VersionScheme::Rpm => "redhat-versions.txt",
        VersionScheme::Apk => "alpine-versions-generated.txt",
        VersionScheme::Cran => "cran-versions-generated.txt",
        VersionScheme::Hackage => "hackage-versions.txt",
    };
    let mut out = Vec::new();
    if let Some(root) = levee_testdata::shared_root() {
        if let Ok(text) = std::fs::read_to_string(root.join("version-ordering").join(file)) {
            for line in text.lines() {
                if line.starts_with('#') || line.starts_with("//") {
                    continue;
                }
                for v in line.split(' ').step_by(2) {
                    if !v.is_empty() && Version::parse(scheme, v).is_ok() {
                        out.push(v.to_string());
                    }
                }
            }
        }
    }
    if out.is_empty() {
        out = ["1.0.0", "1.2.3", "2.0.0", "1.10.1", "0.9.8"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    }
    out.truncate(2000);
    out
}

fn bench(c: &mut Criterion) {
    for scheme in VersionScheme::ALL {
        let strs = inputs(scheme);
        let parsed: Vec<Version> = strs
            .iter()
            .filter_map(|s| Version::parse(scheme, s).ok())
            .collect();
        let n = strs.len() as u64;
        let mut g = c.benchmark_group(scheme.name().replace(" ", ""));
        g.throughput(Throughput::Elements(n));
        g.bench_function("parse", |b| {
            b.iter(|| {
                for s in &strs {
                    black_box(Version::parse(scheme, black_box(s)).is_ok());
                }
            })
        });
        g.bench_function("compare", |b| {
            b.iter(|| {
                for w in parsed.windows(2) {
                    if let [x, y] = w {
                        black_box(x.cmp(y));
                    }
                }
            })
        });
        g.bench_function("parse+compare", |b| {
            b.iter(|| {
                for w in strs.windows(2) {
                    if let [x, y] = w {
                        if let (Ok(a), Ok(b)) =
                            (Version::parse(scheme, x), Version::parse(scheme, y))
                        {
                            black_box(a.cmp(&b));
                        }
                    }
                }
            })
        });
        // range evaluation: each parsed version against k compiled ranges
        let mut sorted = parsed.clone();
        levee_versions::sort::sort_versions(&mut sorted);
        for k in [1usize, 10, 100] {
            let ranges: Vec<CompiledRange> = (0..k)
                .filter_map(|i| {
                    let lo = sorted.get(i * sorted.len() / (k + 1))?;
                    let hi = sorted.get((i + 1) * sorted.len() / (k + 1))?;
                    CompiledRange::compile(
                        scheme,
                        &[
                            Event::Introduced(lo.to_string()),
                            Event::Fixed(hi.to_string()),
                        ],
                    )
                    .ok()
                })
                .collect();
            g.throughput(Throughput::Elements(parsed.len() as u64 * k as u64));
            g.bench_function(format!("range-eval-k{k}"), |b| {
                b.iter(|| {
                    let mut hits = 0usize;
                    for v in &parsed {
                        for r in &ranges {
                            hits += usize::from(r.contains(black_box(v)));
                        }
                    }
                    black_box(hits)
                })
            });
        }
        g.finish();
    }
}

/// `SEMVER` ranges in a PyPI entry (another scheme than the ecosystem's):
/// 100 entries of one range each, events from the SemVer inputs, compiled;
/// then the PyPI inputs evaluated against every entry.
fn bench_cross_scheme(c: &mut Criterion) {
    let mut sorted: Vec<Version> = inputs(VersionScheme::SemVer)
        .iter()
        .filter_map(|s| Version::parse(VersionScheme::SemVer, s).ok())
        .collect();
    levee_versions::sort::sort_versions(&mut sorted);
    let k = 100usize;
    let ranges: Vec<[OsvRange; 1]> = (0..k)
        .filter_map(|i| {
            let lo = sorted.get(i * sorted.len() / (k + 1))?;
            let hi = sorted.get((i + 1) * sorted.len() / (k + 1))?;
            Some([OsvRange {
                kind: RangeKind::Semver,
                repo: None,
                events: vec![
                    Event::Introduced(lo.to_string()),
                    Event::Fixed(hi.to_string()),
                ],
            }])
        })
        .collect();
    let pypi: Vec<Version> = inputs(VersionScheme::Pep440)
        .iter()
        .filter_map(|s| Version::parse(VersionScheme::Pep440, s).ok())
        .collect();
    let compile = || -> Vec<AffectedMatcher> {
        ranges
            .iter()
            .filter_map(|r| {
                AffectedMatcher::compile(Some(VersionScheme::Pep440), r, &[], false).ok()
            })
            .collect()
    };
    let mut g = c.benchmark_group("cross-scheme");
    g.throughput(Throughput::Elements(ranges.len() as u64));
    g.bench_function("compile-semver-ranges-in-pypi", |b| {
        b.iter(|| black_box(compile()))
    });
    let matchers = compile();
    g.throughput(Throughput::Elements((pypi.len() * matchers.len()) as u64));
    g.bench_function("evaluate-pypi-versions", |b| {
        b.iter(|| {
            let mut hits = 0usize;
            for v in &pypi {
                for m in &matchers {
                    hits +=
                        usize::from(m.evaluate(black_box(v)) == levee_versions::Verdict::Affected);
                }
            }
            black_box(hits)
        })
    });
    g.finish();
}

criterion_group!(benches, bench, bench_cross_scheme);
criterion_main!(benches);
