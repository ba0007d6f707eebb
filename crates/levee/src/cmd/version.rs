//! `levee version compare|sort|check`: version ordering and range checks in
//! any OSV ecosystem's rules (crate `levee-versions`).

use std::io::{BufRead, Write};

use anyhow::{anyhow, bail, Context, Result};
use levee_versions::native::parse_native;
use levee_versions::vers::parse_vers;
use levee_versions::{Ecosystem, Version, VersionScheme};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Compare two versions; prints `<`, `=` or `>`.
    Compare {
        /// OSV ecosystem name, optionally with `:release` (e.g. `Debian:12`).
        ecosystem: String,
        #[arg(allow_hyphen_values = true)]
        a: String,
        #[arg(allow_hyphen_values = true)]
        b: String,
    },
    /// Sort versions read from stdin (one per line) ascending. Invalid lines
    /// are reported on stderr; the valid ones are still printed (exit 2).
    Sort {
        /// OSV ecosystem name.
        ecosystem: String,
    },
    /// Is VERSION inside RANGE? Prints `affected` (exit 1) or `not affected`
    /// (exit 0). RANGE is a `vers:` URI or the ecosystem's native syntax.
    Check {
        /// OSV ecosystem name.
        ecosystem: String,
        #[arg(allow_hyphen_values = true)]
        version: String,
        #[arg(allow_hyphen_values = true)]
        range: String,
    },
}

fn scheme_of(ecosystem: &str) -> Result<VersionScheme> {
    let eco = Ecosystem::parse(ecosystem)?;
    eco.scheme()
        .ok_or_else(|| anyhow!("ecosystem {eco} has no version ordering (versions lists only)"))
}

fn parse(scheme: VersionScheme, s: &str) -> Result<Version> {
    Ok(Version::parse(scheme, s)?)
}

pub fn run(c: Command) -> Result<u8> {
    match c {
        Command::Compare { ecosystem, a, b } => {
            let scheme = scheme_of(&ecosystem)?;
            let (va, vb) = (parse(scheme, &a)?, parse(scheme, &b)?);
            let op = match va.cmp(&vb) {
                std::cmp::Ordering::Less => "<",
                std::cmp::Ordering::Equal => "=",
                std::cmp::Ordering::Greater => ">",
            };
            println!("{op}");
            Ok(0)
        }
        Command::Sort { ecosystem } => {
            let scheme = scheme_of(&ecosystem)?;
            let stdin = std::io::stdin();
            let mut ok = Vec::new();
            let mut bad = 0usize;
            for (i, line) in stdin.lock().lines().enumerate() {
                let line = line.context("reading stdin")?;
                let line = line.strip_suffix('\r').unwrap_or(&line);
                match Version::parse(scheme, line) {
                    Ok(v) => ok.push(v),
                    Err(e) => {
                        bad += 1;
                        eprintln!("levee: line {}: {e}", i + 1);
                    }
                }
            }
            levee_versions::sort::sort_versions(&mut ok);
            let mut out = std::io::stdout().lock();
            for v in &ok {
                writeln!(out, "{v}")?;
            }
            out.flush()?;
            Ok(if bad > 0 { 2 } else { 0 })
        }
        Command::Check {
            ecosystem,
            version,
            range,
        } => {
            let scheme = scheme_of(&ecosystem)?;
            let v = parse(scheme, &version)?;
            let set = if range.trim_start().starts_with("vers:") {
                let (vs, set) = parse_vers(range.trim())?;
                if vs != scheme {
                    bail!(
                        "range uses {} ordering but ecosystem {ecosystem} uses {}",
                        vs,
                        scheme
                    );
                }
                set
            } else {
                parse_native(scheme, &range)?
            };
            if set.contains(&v) {
                println!("affected");
                Ok(1)
            } else {
                println!("not affected");
                Ok(0)
            }
        }
    }
}
