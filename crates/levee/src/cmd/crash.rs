//! `levee crash`: parse sanitizer and runtime crash logs into ClusterFuzz-style
//! signatures, and compare two crashes for deduplication.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use levee_crash::{analyze_bytes, compare, Analysis, Settings, Similarity};

use crate::{EXIT_ERROR, EXIT_FINDING, EXIT_OK};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Parse one crash log. Exit 0 with the signature; exit 2 when the log
    /// holds no crash.
    Parse(ParseArgs),
    /// Compare the crashes of two logs. Exit 0 when they are the same bug
    /// (exact or near match), 1 when different, 2 when a log holds no crash.
    Compare(CompareArgs),
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct ParseArgs {
    /// Crash log file (`-` for standard input).
    pub log: PathBuf,
    /// Analysis setting as in a ClusterFuzz job environment, e.g.
    /// `FUZZ_TARGET=my_fuzzer`, `REPORT_OOMS_AND_HANGS=True`. Repeatable.
    #[arg(long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(clap::Args, Debug)]
pub struct CompareArgs {
    /// First crash log.
    pub a: PathBuf,
    /// Second crash log.
    pub b: PathBuf,
    /// Analysis setting (`KEY=VALUE`), applied to both logs. Repeatable.
    #[arg(long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(c: Command) -> Result<u8> {
    match c {
        Command::Parse(a) => parse(a),
        Command::Compare(a) => compare_cmd(a),
    }
}

fn read_log(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("reading the crash log from standard input")?;
        Ok(buf)
    } else {
        std::fs::read(path).with_context(|| format!("reading crash log {}", path.display()))
    }
}

/// Write to stdout; a closed pipe (e.g. `| head`) is not an error.
fn out(text: &str) -> Result<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.context("writing to standard output"),
    }
}

fn settings(env: &[String]) -> Result<Settings> {
    Settings::from_env(env).context("invalid --env")
}

fn text(a: &Analysis) -> String {
    let indent = |s: &str| s.trim_end_matches('\n').replace('\n', "\n  ");
    let mut out = format!(
        "crash_type:    {}\ncrash_address: {}\ncrash_state:\n  {}\nsecurity:      {}\n",
        indent(&a.crash_type),
        a.crash_address,
        indent(&a.crash_state),
        a.security
    );
    if !a.categories.is_empty() {
        out.push_str(&format!("categories:    {}\n", a.categories.join(", ")));
    }
    out.push_str(&format!("frames:        {}\n", a.frames.len()));
    for f in a.frames.iter().take(10) {
        out.push_str(&format!("  {f}\n"));
    }
    out
}

fn parse(a: ParseArgs) -> Result<u8> {
    let s = settings(&a.env)?;
    let log = read_log(&a.log)?;
    let analysis = analyze_bytes(&log, &s);
    match a.format {
        Format::Json => out(&format!("{}\n", serde_json::to_string_pretty(&analysis)?))?,
        Format::Text if analysis.is_crash() => out(&text(&analysis))?,
        Format::Text => {}
    }
    if analysis.is_crash() {
        Ok(EXIT_OK)
    } else {
        eprintln!("levee: no crash found in {}", a.log.display());
        Ok(EXIT_ERROR)
    }
}

fn compare_cmd(a: CompareArgs) -> Result<u8> {
    let s = settings(&a.env)?;
    if a.a.as_os_str() == "-" && a.b.as_os_str() == "-" {
        anyhow::bail!("only one of the two logs can be read from standard input (`-`)");
    }
    let x = analyze_bytes(&read_log(&a.a)?, &s);
    let y = analyze_bytes(&read_log(&a.b)?, &s);
    for (path, an) in [(&a.a, &x), (&a.b, &y)] {
        if !an.is_crash() {
            eprintln!("levee: no crash found in {}", path.display());
            return Ok(EXIT_ERROR);
        }
    }
    let sim = compare(&x.signature(), &y.signature());
    match a.format {
        Format::Json => out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&serde_json::json!({
                "similarity": sim,
                "same_bug": sim.is_same_bug(),
                "a": x.signature(),
                "b": y.signature(),
            }))?
        ))?,
        Format::Text => out(match sim {
            Similarity::Exact => "exact\n",
            Similarity::Near => "near\n",
            Similarity::Different => "different\n",
        })?,
    }
    Ok(if sim.is_same_bug() {
        EXIT_OK
    } else {
        EXIT_FINDING
    })
}
