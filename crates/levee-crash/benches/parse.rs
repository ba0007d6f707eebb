//! Parse + sign throughput on the real crash logs of
//! `../shared/data/sanitizer-crashes/logs` (222 logs, 3.2 MB: ASan, MSan,
//! UBSan, TSan, LSan, libFuzzer, V8, Android, cdb, kernel, Go, Rust, Java,
//! Python), one core.
//!
//! cargo bench -p levee-crash --bench parse -- --warm-up-time 1 --measurement-time 3
//!
//! The build machine is shared, so besides wall-clock time the
//! `cpu/parse_and_sign_corpus` entry reports the CPU time of the benchmark
//! thread (utime+stime from `/proc/thread-self/stat`, 10 ms ticks, so it
//! uses few, long samples); elsewhere it falls back to wall-clock time.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use levee_crash::{analyze, Settings};

const FALLBACK: &str = "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000031 at pc 0x1 bp 0x2 sp 0x3
READ of size 4 at 0x602000000031 thread T0
    #0 0x4f1 in foo::bar(int) /src/a.cc:10:3
    #1 0x4f2 in baz /src/b.cc:20:5
    #2 0x4f3 in LLVMFuzzerTestOneInput /src/fuzz.cc:5:1
SUMMARY: AddressSanitizer: heap-buffer-overflow /src/a.cc:10:3 in foo::bar(int)
";

fn corpus() -> Vec<String> {
    let dir = levee_testdata::shared_root().map(|r| r.join("sanitizer-crashes/logs"));
    let mut logs: Vec<String> = dir
        .and_then(|d| std::fs::read_dir(d).ok())
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read(e.path()).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    if logs.is_empty() {
        eprintln!("SKIPPED real corpus: shared data absent, benchmarking a built-in report");
        logs.push(FALLBACK.to_string());
    }
    logs.sort();
    logs
}

fn bench(c: &mut Criterion) {
    let logs = corpus();
    let settings = Settings::default();
    // Compile the patterns outside the measurement.
    black_box(analyze(FALLBACK, &settings));

    let mut g = c.benchmark_group("crash");
    g.throughput(Throughput::Elements(logs.len() as u64));
    g.bench_function("parse_and_sign_corpus", |b| {
        b.iter(|| {
            for l in &logs {
                black_box(analyze(black_box(l), &settings).signature());
            }
        })
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("parse_and_sign_asan_report", |b| {
        b.iter(|| black_box(analyze(black_box(FALLBACK), &settings).signature()))
    });
    g.finish();
}

/// CPU time of this thread in clock ticks (USER_HZ = 100 on Linux).
fn thread_cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields of the whole line.
    let rest = stat.rsplit_once(") ")?.1;
    let mut f = rest.split(' ').skip(11);
    let utime: u64 = f.next()?.parse().ok()?;
    let stime: u64 = f.next()?.parse().ok()?;
    Some(utime + stime)
}

fn bench_cpu(c: &mut Criterion) {
    let logs = corpus();
    let settings = Settings::default();
    black_box(analyze(FALLBACK, &settings));
    let mut g = c.benchmark_group("cpu");
    g.sample_size(10);
    g.throughput(Throughput::Elements(logs.len() as u64));
    g.bench_function("parse_and_sign_corpus", |b| {
        b.iter_custom(|iters| {
            let t0 = thread_cpu_ticks();
            let w0 = Instant::now();
            for _ in 0..iters {
                for l in &logs {
                    black_box(analyze(black_box(l), &settings).signature());
                }
            }
            match (t0, thread_cpu_ticks()) {
                (Some(a), Some(b)) => Duration::from_millis(b.saturating_sub(a) * 10),
                _ => w0.elapsed(),
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench, bench_cpu);
criterion_main!(benches);
