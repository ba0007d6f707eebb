//! Index build and query throughput on the RustSec advisories.
use criterion::{criterion_group, criterion_main, Criterion};
use levee_formats::{read_bytes, ReadOptions};
use levee_match::{compile, MatchIndex, Query};

fn bench(c: &mut Criterion) {
    let Some(path) = levee_testdata::shared_data("osv-rustsec/rustsec-osv-branch.osv.jsonl") else {
        return;
    };
    let bytes = std::fs::read(path).unwrap_or_default();
    let records: Vec<_> = read_bytes("rustsec", &bytes, &ReadOptions::default())
        .filter_map(Result::ok)
        .collect();
    c.bench_function("compile+index rustsec", |b| {
        b.iter(|| records.iter().map(compile).collect::<MatchIndex>())
    });
    let index: MatchIndex = records.iter().map(compile).collect();
    let names: Vec<String> = records
        .iter()
        .filter_map(|r| r.affected.first()?.package.as_ref().map(|p| p.name.clone()))
        .collect();
    c.bench_function("query rustsec names", |b| {
        b.iter(|| {
            names
                .iter()
                .map(|n| index.query(&Query::version("crates.io", n, "0.1.0")).len())
                .sum::<usize>()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
