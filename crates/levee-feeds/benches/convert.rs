//! Converter throughput over the shared feed datasets (records/s: OSV
//! records produced per second, validation into `Record` included).
//!
//! `cargo bench -p levee-feeds --bench convert -- --warm-up-time 1 --measurement-time 3`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use levee_feeds::{read, FeedFormat};

const SETS: &[(&str, &str, usize)] = &[
    ("cve-json5", "cve-json5/vulnrichment-cve5.jsonl", 1000),
    (
        "gitlab",
        "gitlab-advisories-community/gitlab-advisories-community.jsonl",
        2000,
    ),
    ("rubysec", "rubysec/ruby-advisory-db.jsonl", 2000),
    (
        "friendsofphp",
        "friendsofphp/friendsofphp-security-advisories.jsonl",
        2000,
    ),
    (
        "nodejs-npm",
        "nodejs-security-wg/nodejs-security-wg-npm.jsonl",
        2000,
    ),
    (
        "hex",
        "hex-elixir-advisories/elixir-security-advisories.jsonl",
        2000,
    ),
    ("alpine-secdb", "alpine-secdb/alpine-secdb.jsonl", 1000),
    ("debian-dsa", "debian-dsa-dla/debian-dsa.jsonl", 2000),
];

/// The first `lines` lines of a dataset.
fn sample(rel: &str, lines: usize) -> Option<Vec<u8>> {
    let p = levee_testdata::shared_data(rel)?;
    let b = std::fs::read(p).ok()?;
    let mut out = Vec::new();
    for l in b.split(|c| *c == b'\n').take(lines) {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    Some(out)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("convert");
    for (name, rel, lines) in SETS {
        let Some(bytes) = sample(rel, *lines) else {
            continue;
        };
        let n = read(name, &bytes, None).filter(Result::is_ok).count();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(*name, |b| {
            b.iter(|| read(name, &bytes, None).filter(Result::is_ok).count())
        });
    }
    // CSAF: validate + convert the upstream examples.
    if let Some(dir) = levee_testdata::shared_data("csaf/examples/csaf") {
        let docs: Vec<Vec<u8>> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .filter_map(|p| std::fs::read(p).ok())
            .collect();
        let n: usize = docs
            .iter()
            .map(|d| {
                read("csaf", d, Some(FeedFormat::Csaf))
                    .filter(Result::is_ok)
                    .count()
            })
            .sum();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function("csaf-examples", |b| {
            b.iter(|| {
                docs.iter()
                    .map(|d| {
                        read("csaf", d, Some(FeedFormat::Csaf))
                            .filter(Result::is_ok)
                            .count()
                    })
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
