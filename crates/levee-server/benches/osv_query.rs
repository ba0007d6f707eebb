//! OSV matching index: build from the store, and batch lookups.
//!
//! `cargo bench -p levee-server --bench osv_query -- --warm-up-time 1 --measurement-time 3`
//!
//! Loads every `../shared/data/osv-*/*.osv.jsonl` corpus into a fresh
//! SQLite store (CLEAR labels), then measures (1) building the index from
//! the store and (2) 1,000 package+version queries taken from the records'
//! own affected entries (first explicit version, else the first introduced
//! event), answered through `KbIndex::find_many` on a warm index.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use levee_formats::{read_bytes, Event, ReadOptions, Record};
use levee_model::SystemClock;
use levee_server::kbindex::{KbIndex, PackageRef, Probe};
use levee_store::kb::Label;

fn corpus() -> Vec<Record> {
    let Some(root) = levee_testdata::shared_root() else {
        eprintln!("SKIPPED: shared data absent");
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("osv-"))
        })
        .collect();
    dirs.sort();
    for d in dirs {
        for f in std::fs::read_dir(&d).unwrap().filter_map(Result::ok) {
            let p = f.path();
            if !p.to_string_lossy().ends_with(".osv.jsonl") {
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            let name = p.display().to_string();
            out.extend(read_bytes(&name, &bytes, &ReadOptions::default()).filter_map(Result::ok));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let recs = corpus();
    if recs.is_empty() {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = levee_store::testing::sqlite();
    let store = rt.block_on(db.open(Arc::new(SystemClock))).unwrap();
    rt.block_on(async {
        let mut seen = std::collections::HashSet::new();
        let rows: Vec<_> = recs
            .iter()
            .filter(|r| seen.insert(r.id.clone()))
            .map(|r| levee_kb::view::row_from_record(r, "bench", Label::clear()))
            .collect();
        for chunk in rows.chunks(5_000) {
            let mut tx = store.write().await.unwrap();
            tx.kb_upsert(chunk).await.unwrap();
            tx.commit().await.unwrap();
        }
    });
    let n = rt.block_on(store.kb_count()).unwrap();
    let queries: Vec<(PackageRef, Probe)> = recs
        .iter()
        .filter_map(|r| {
            let a = r.affected.first()?;
            let p = a.package.as_ref()?;
            let v = a.versions.first().cloned().or_else(|| {
                a.ranges
                    .iter()
                    .flat_map(|x| &x.events)
                    .find_map(|e| match e {
                        Event::Introduced(v) if v != "0" => Some(v.clone()),
                        _ => None,
                    })
            })?;
            Some((
                PackageRef {
                    ecosystem: p.ecosystem.clone(),
                    name: p.name.clone(),
                },
                Probe::Version(v),
            ))
        })
        .step_by(7)
        .take(1_000)
        .collect();
    let mut g = c.benchmark_group("kb_index");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("build_from_store", |b| {
        b.iter_batched(
            KbIndex::default,
            |idx| rt.block_on(idx.refresh(&store)).unwrap(),
            BatchSize::PerIteration,
        )
    });
    let idx = KbIndex::default();
    rt.block_on(idx.refresh(&store)).unwrap();
    let refs: Vec<(Option<&PackageRef>, &Probe)> =
        queries.iter().map(|(p, v)| (Some(p), v)).collect();
    let hits: usize = rt
        .block_on(idx.find_many(&store, &refs, |_| true))
        .unwrap()
        .iter()
        .map(Vec::len)
        .sum();
    eprintln!("{n} records indexed; {} queries -> {hits} hits", refs.len());
    g.throughput(Throughput::Elements(refs.len() as u64));
    g.bench_function("find_many_1000_queries", |b| {
        b.iter(|| rt.block_on(idx.find_many(&store, &refs, |_| true)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
