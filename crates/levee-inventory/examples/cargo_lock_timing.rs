//! Quick timing of Cargo.lock parsing: `cargo run --release --example
//! cargo_lock_timing [FILE [RUNS]]`. Without FILE, a generated 10,000-package
//! file; with FILE, that file read and parsed through `levee_inventory::parse`
//! (what `levee scan`'s "inputs" phase does per file) both as `Cargo.lock`
//! (detected by name) and under its own name (detected by content when the
//! name says nothing). The first run of a process is "cold" (fresh heap,
//! every page faulted in), like a `levee scan` run; it is printed on its own
//! with its minor page faults.
use std::fmt::Write;
use std::time::Instant;

fn synthetic(n: usize) -> String {
    let mut s = String::from("version = 3\n");
    for i in 0..n {
        let _ = write!(s, "\n[[package]]\nname = \"crate-{i}\"\nversion = \"1.{}.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{:064x}\"\ndependencies = [\n \"crate-{}\",\n \"crate-{}\",\n]\n", i % 13, i, (i + 1) % n, (i + 2) % n);
    }
    s
}

/// Minor page faults of this process so far (Linux; 0 elsewhere).
fn minor_faults() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the `(comm)`; minflt is field 10 of the whole line.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    rest.split_whitespace()
        .nth(7)
        .and_then(|f| f.parse().ok())
        .unwrap_or(0)
}

fn time(label: &str, name: &str, input: &dyn Fn() -> Vec<u8>, n: usize) {
    let mut runs = Vec::new();
    let (mut count, mut size, mut cold_faults) = (0, 0, 0);
    for i in 0..n.max(1) {
        let faults = minor_faults();
        let t = Instant::now();
        let bytes = input();
        let inv = levee_inventory::parse(name, &bytes).expect("parses");
        runs.push(t.elapsed().as_secs_f64());
        if i == 0 {
            cold_faults = minor_faults() - faults;
        }
        count = inv.components.len();
        size = bytes.len();
    }
    let first = runs[0];
    runs.sort_by(f64::total_cmp);
    println!(
        "{label}: {size} bytes, {count} components: first {:.2} ms ({cold_faults} page faults), best {:.2} ms, median {:.2} ms",
        first * 1e3,
        runs[0] * 1e3,
        runs[runs.len() / 2] * 1e3
    );
}

fn main() {
    let runs = std::env::args()
        .nth(2)
        .and_then(|r| r.parse().ok())
        .unwrap_or(50);
    match std::env::args().nth(1) {
        None => {
            let text = synthetic(10_000);
            time(
                "synthetic",
                "Cargo.lock",
                &|| text.as_bytes().to_vec(),
                runs,
            )
        }
        Some(path) => {
            let read = || std::fs::read(&path).expect("readable file");
            time("read+parse as Cargo.lock", "Cargo.lock", &read, runs);
            time(&format!("read+parse as {path}"), &path, &read, runs);
        }
    }
}
