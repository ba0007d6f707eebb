//! Read the given files (any supported format) and print counts and timing.
//! The library does no IO; this example reads the files and hands it bytes.
//!
//! `cargo run --release -p levee-formats --example read_all -- FILE...`

use levee_formats::{read_bytes, ReadOptions};
use std::time::Instant;

fn main() {
    let opts = ReadOptions::default();
    let mut inputs = Vec::new();
    for p in std::env::args().skip(1) {
        match std::fs::read(&p) {
            Ok(b) => inputs.push((p, b)),
            Err(e) => eprintln!("{p}: {e}"),
        }
    }
    let bytes: usize = inputs.iter().map(|(_, b)| b.len()).sum();
    let t = Instant::now();
    let (mut ok, mut bad) = (0usize, 0usize);
    for (name, b) in &inputs {
        for r in read_bytes(name, b, &opts) {
            match r {
                Ok(_) => ok += 1,
                Err(e) => {
                    bad += 1;
                    if bad <= 5 {
                        eprintln!("{e}");
                    }
                }
            }
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{ok} records, {bad} rejected, {:.1} MB in {s:.3} s: {:.0} records/s, {:.0} MB/s",
        bytes as f64 / 1e6,
        ok as f64 / s,
        bytes as f64 / 1e6 / s
    );
}
