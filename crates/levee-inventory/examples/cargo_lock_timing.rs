//! Quick timing of Cargo.lock parsing: `cargo run --release --example
//! cargo_lock_timing [FILE [RUNS]]`. Without FILE, a generated 10,000-package
//! file; with FILE, that file, parsed through `levee_inventory::parse` both
//! as `Cargo.lock` (detected by name) and under its own name (detected by
//! content when the name says nothing).
use std::fmt::Write;
use std::time::Instant;

fn synthetic(n: usize) -> String {
    let mut s = String::from("version = 3\n");
    for i in 0..n {
        let _ = write!(s, "\n[[package]]\nname = \"crate-{i}\"\nversion = \"1.{}.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{:064x}\"\ndependencies = [\n \"crate-{}\",\n \"crate-{}\",\n]\n", i % 13, i, (i + 1) % n, (i + 2) % n);
    }
    s
}

fn time(label: &str, name: &str, bytes: &[u8], n: usize) {
    let mut runs = Vec::new();
    let mut count = 0;
    for _ in 0..n.max(1) {
        let t = Instant::now();
        let inv = levee_inventory::parse(name, bytes).expect("parses");
        runs.push(t.elapsed().as_secs_f64());
        count = inv.components.len();
    }
    runs.sort_by(f64::total_cmp);
    println!(
        "{label}: {} bytes, {count} components: best {:.2} ms, median {:.2} ms",
        bytes.len(),
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
        None => time(
            "synthetic",
            "Cargo.lock",
            synthetic(10_000).as_bytes(),
            runs,
        ),
        Some(path) => {
            let bytes = std::fs::read(&path).expect("readable file");
            time("as Cargo.lock", "Cargo.lock", &bytes, runs);
            time(&format!("as {path}"), &path, &bytes, runs);
        }
    }
}
