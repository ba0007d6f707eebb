//! The `levee` command line: one binary for the server and every tool.
//!
//! Exit codes are the same for every subcommand:
//! 0 ok / clean, 1 affected / invalid / broken, 2 error.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc (its v2 line) instead of glibc malloc: a cold `levee scan` of a
/// 10,000-package lockfile took 3,700 page faults with glibc (per-thread
/// arenas grow a page at a time, with an `mprotect` each) and about 320
/// with mimalloc, which backs its segments with transparent huge pages where
/// the system allows them. v2 rather than v3: v3 committed and zeroed about
/// 60 MiB of huge pages for the same run (v2: 37 MiB), and was slower.
/// Measured with `bench/scan_vs_cargo_audit.py` (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cmd;
mod natives;
mod opts;

#[derive(Parser, Debug)]
#[command(name = "levee", version, about = "Levee vulnerability clearinghouse")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the clearinghouse HTTP server.
    Serve(cmd::serve::Args),
    /// Compare, sort and check versions in an ecosystem's ordering.
    #[command(subcommand)]
    Version(cmd::version::Command),
    /// Parse sanitizer and runtime crash reports.
    #[command(subcommand)]
    Crash(cmd::crash::Command),
    /// Knowledge-base feeds: `levee db sync`.
    #[command(subcommand)]
    Db(cmd::db::Command),
    /// Score a CVSS v2, v3.x or v4.0 vector.
    Cvss(cmd::cvss::Args),
    /// Scan lockfiles, SBOMs and directories for known vulnerabilities.
    Scan(cmd::scan::Args),
    /// Check the configuration.
    #[command(subcommand)]
    Config(cmd::ops::ConfigCommand),
    /// Consistent online backup of the embedded database.
    Backup(cmd::ops::BackupArgs),
    /// Restore a backup into a data directory (server stopped).
    Restore(cmd::ops::RestoreArgs),
    /// Copy an embedded installation into PostgreSQL.
    Migrate(cmd::ops::MigrateArgs),
    /// Verify or checkpoint the audit chain.
    #[command(subcommand)]
    Audit(cmd::audit::Command),
    /// Administer organizations on local storage.
    #[command(subcommand)]
    Org(cmd::org::OrgCommand),
    /// Administer users on local storage (erasure of personal data).
    #[command(subcommand)]
    User(cmd::org::UserCommand),
    /// Administer API tokens on local storage.
    #[command(subcommand)]
    Token(cmd::org::TokenCommand),
    /// Frontier-model early access: verify grant tokens offline; commit to
    /// and prove against a sealed threshold.
    #[command(subcommand)]
    Grant(cmd::grant::Command),
    /// Show a vulnerability from the knowledge base (local storage).
    #[command(subcommand)]
    Vuln(cmd::vuln::Command),
    /// Import advisory files and enrichment feeds into the knowledge base.
    Import(cmd::import::Args),
}

/// The exit code scheme shared by every subcommand.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDING: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Serve(a) => cmd::serve::run(a),
        Command::Version(c) => cmd::version::run(c),
        Command::Crash(c) => cmd::crash::run(c),
        Command::Cvss(a) => cmd::cvss::run(a),
        Command::Db(c) => cmd::db::run(c),
        Command::Scan(a) => cmd::scan::run(a),
        Command::Config(c) => cmd::ops::config(c),
        Command::Backup(a) => cmd::ops::backup(a),
        Command::Restore(a) => cmd::ops::restore(a),
        Command::Migrate(a) => cmd::ops::migrate(a),
        Command::Audit(c) => cmd::audit::run(c),
        Command::Org(c) => cmd::org::org(c),
        Command::Token(c) => cmd::org::token(c),
        Command::User(c) => cmd::org::user(c),
        Command::Grant(c) => cmd::grant::run(c),
        Command::Vuln(c) => cmd::vuln::run(c),
        Command::Import(a) => cmd::import::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("levee: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
