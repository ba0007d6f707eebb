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

/// Markdown front matter straight to the compiled form, no IO: the CPU part
/// of a cold `levee scan --advisories advisory-db`.
fn bench_md(c: &mut Criterion) {
    let Some(path) = levee_testdata::shared_data("osv-rustsec/rustsec-advisories-md.jsonl") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let files: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            Some((
                v["path"].as_str()?.to_string(),
                v["text"].as_str()?.to_string(),
            ))
        })
        .filter(|(p, _)| p.starts_with("crates/"))
        .collect();
    let limits = levee_formats::Limits::default();
    c.bench_function("compile_md rustsec (all crates/ advisories)", |b| {
        b.iter(|| {
            files
                .iter()
                .filter_map(|(p, t)| levee_match::rustsec::compile_md(Some(p), t, &limits).ok())
                .count()
        })
    });
    // The same with the front matter always read by toml + serde (the
    // reference path the hand-written reader falls back to).
    c.bench_function(
        "compile_md_slow rustsec toml+serde (all crates/ advisories)",
        |b| {
            b.iter(|| {
                files
                    .iter()
                    .filter_map(|(p, t)| {
                        levee_match::rustsec::compile_md_slow(Some(p), t, &limits).ok()
                    })
                    .count()
            })
        },
    );
}

criterion_group!(benches, bench, bench_md);
criterion_main!(benches);
