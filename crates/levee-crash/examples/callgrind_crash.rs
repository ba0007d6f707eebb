//! Fixed workload for instruction-count measurement (`bench/callgrind_crash.sh`):
//! analyse + sign every log of a directory PASSES times, after one warm-up
//! pass (pattern compilation, lazy DFA states). The script collects only
//! inside `run` (`--toggle-collect`), so start-up, file reading and warm-up
//! are not counted.
//!
//! cargo run --release -p levee-crash --example callgrind_crash -- DIR PASSES

use std::hint::black_box;

use levee_crash::{analyze, Settings};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "../shared/data/sanitizer-crashes/logs".to_string());
    let passes: usize = args.next().and_then(|p| p.parse().ok()).unwrap_or(1);
    let mut logs: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(Result::ok)
        .filter_map(|e| {
            let b = std::fs::read(e.path()).ok()?;
            Some((
                e.file_name().to_string_lossy().into_owned(),
                String::from_utf8_lossy(&b).into_owned(),
            ))
        })
        .collect();
    logs.sort();
    let settings = Settings::default();
    let bytes: usize = logs.iter().map(|(_, l)| l.len()).sum();
    warm_up(&logs, &settings);
    for _ in 0..passes {
        run(&logs, &settings);
    }
    eprintln!("reports={} bytes={bytes} passes={passes}", logs.len());
}

#[inline(never)]
fn warm_up(logs: &[(String, String)], settings: &Settings) {
    // Different code from `run` (identical functions may be merged, which
    // would make the warm-up count too).
    let crashes = logs
        .iter()
        .filter(|(_, l)| analyze(l, settings).is_crash())
        .count();
    eprintln!("warm-up: {crashes} crashes");
}

#[inline(never)]
fn run(logs: &[(String, String)], settings: &Settings) {
    for (_, l) in logs {
        black_box(analyze(black_box(l), settings).signature());
    }
}
