//! Parse throughput over the shared OSV JSONL corpora (records/s).
//!
//! `cargo bench -p levee-formats --bench parse -- --warm-up-time 1 --measurement-time 3`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use levee_formats::{export, read_bytes, Grouper, ReadOptions, Record};

fn corpus() -> Vec<(String, Vec<u8>)> {
    let Some(root) = levee_testdata::shared_data("osv-rustsec")
        .and_then(|p| p.parent().map(|p| p.to_path_buf()))
    else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        let d = dir.path();
        if !d
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("osv-"))
        {
            continue;
        }
        for f in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = f.path();
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            if name.ends_with(".osv.jsonl") {
                if let Ok(b) = std::fs::read(&p) {
                    files.push((name, b));
                }
            }
        }
    }
    files.sort();
    files
}

fn bench(c: &mut Criterion) {
    let files = corpus();
    if files.is_empty() {
        eprintln!("SKIPPED: shared data absent");
        return;
    }
    let opts = ReadOptions::default();
    let all: Vec<u8> = files.iter().flat_map(|(_, b)| b.iter().copied()).collect();
    let mut records: Vec<Record> = read_bytes("all", &all, &opts)
        .filter_map(Result::ok)
        .collect();
    let total = records.len();
    let mut seen = std::collections::HashSet::new();
    records.retain(|r| seen.insert(r.id.clone()));
    eprintln!("{total} records, {} distinct ids", records.len());
    let n = total as u64;

    let mut g = c.benchmark_group("osv");
    g.throughput(Throughput::Elements(n));
    g.bench_function("read_jsonl_all_corpora", |b| {
        b.iter(|| read_bytes("all", &all, &opts).filter(Result::is_ok).count())
    });
    g.bench_function("read_jsonl_stream_all_corpora", |b| {
        b.iter(|| {
            levee_formats::read_stream("all", &all[..], &opts)
                .filter(Result::is_ok)
                .count()
        })
    });
    let dump = export::zip_dump_bytes(&records).expect("dump");
    g.throughput(Throughput::Elements(records.len() as u64));
    g.bench_function("read_zip_dump_all_corpora", |b| {
        b.iter(|| {
            read_bytes("all.zip", &dump, &opts)
                .filter(Result::is_ok)
                .count()
        })
    });
    g.bench_function("group_all_corpora", |b| {
        b.iter(|| {
            let mut gr = Grouper::new();
            for r in &records {
                gr.add_record(r);
            }
            gr.record_count()
        })
    });
    g.bench_function("export_zip_dump_all_corpora", |b| {
        b.iter(|| {
            export::zip_dump_bytes(&records)
                .map(|v| v.len())
                .unwrap_or(0)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("osv_per_feed");
    for (name, bytes) in &files {
        let count = read_bytes(name, bytes, &opts).count() as u64;
        g.throughput(Throughput::Elements(count));
        g.bench_function(name.trim_end_matches(".osv.jsonl"), |b| {
            b.iter(|| read_bytes(name, bytes, &opts).filter(Result::is_ok).count())
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
