//! Quick timing of Cargo.lock parsing on a generated 10,000-package file:
//! `cargo run --release --example cargo_lock_timing`.
use std::fmt::Write;
use std::time::Instant;

fn main() {
    let n = 10_000;
    let mut s = String::from("version = 3\n");
    for i in 0..n {
        let _ = write!(s, "\n[[package]]\nname = \"crate-{i}\"\nversion = \"1.{}.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{:064x}\"\ndependencies = [\n \"crate-{}\",\n \"crate-{}\",\n]\n", i % 13, i, (i + 1) % n, (i + 2) % n);
    }
    let mut best = f64::MAX;
    for _ in 0..30 {
        let t = Instant::now();
        let inv = levee_inventory::parse_as(
            levee_inventory::Format::CargoLock,
            "Cargo.lock",
            s.as_bytes(),
        )
        .unwrap();
        assert_eq!(inv.components.len(), n);
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("{} bytes, {n} packages: best {:.2} ms", s.len(), best * 1e3);
}
