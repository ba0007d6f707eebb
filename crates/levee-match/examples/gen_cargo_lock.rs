//! `gen_cargo_lock RUSTSEC_MD_JSONL N SEED > Cargo.lock`: the deterministic
//! generated lockfile used by `levee scan`'s cargo-audit differential test
//! and by `bench/scan_vs_cargo_audit.py` (one generator for both).

#[path = "../../levee/tests/scan_cli/gen.rs"]
mod gen;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(n), Some(seed)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("usage: gen_cargo_lock RUSTSEC_MD_JSONL N SEED");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    let (Ok(n), Ok(seed)) = (n.parse::<usize>(), seed.parse::<u64>()) else {
        eprintln!("N and SEED must be integers");
        std::process::exit(2);
    };
    let adv = gen::advisory_versions(&text);
    print!("{}", gen::generate(&adv, n, seed));
}
