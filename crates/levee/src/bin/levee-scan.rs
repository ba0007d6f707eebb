//! `levee-scan`: `levee scan` without the server. It reads advisories from
//! files only (`--advisories`), and starts like a small program: the
//! whole-server `levee` binary spends 1.3–1.8 ms more on every start, on the
//! loader's relocations and page faults for code a scan never runs
//! (BENCHMARKS.md). Exit 0 clean, 1 vulnerabilities found, 2 error.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc v2, as in the `levee` binary (see `main.rs` for the
/// measurements behind the choice).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Scan lockfiles, SBOMs and directories for known vulnerabilities, against
/// advisory files (`levee scan` also reads the local knowledge base).
#[derive(Parser, Debug)]
#[command(name = "levee-scan", version)]
struct Cli {
    #[command(flatten)]
    scan: levee_scan::ScanArgs,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                levee_scan::EXIT_ERROR
            } else {
                levee_scan::EXIT_OK
            });
        }
    };
    match levee_scan::run("levee-scan", cli.scan, None) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("levee-scan: error: {e:#}");
            ExitCode::from(levee_scan::EXIT_ERROR)
        }
    }
}
