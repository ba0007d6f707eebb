//! `levee import PATH...`: advisory files (OSV, RustSec) and enrichment
//! feeds (KEV, EPSS, CWE) into the knowledge base, with a progress bar on
//! stderr, a per-source summary, and every rejection written to a report.
//!
//! Exit codes: 0 when every record was handled (rejections included), 2
//! when an input could not be read at all (or storage failed).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use levee_kb::import::{import_paths, Format, ImportOptions, ImportReport, Phase, Progress};

use crate::opts::{runtime, FileConfig, StorageArgs};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or directories (walked recursively) to import.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Read every input as this format instead of detecting it: json,
    /// json-array, jsonl, yaml, zip, rustsec-md, rustsec-md-jsonl, kev-json,
    /// kev-csv, epss, cwe-csv, or a native format: cve-json5, csaf, gitlab,
    /// rubysec, friendsofphp, nodejs-security-wg, alpine-secdb, debian-dsa-dla,
    /// hex-advisories.
    #[arg(long, value_name = "F")]
    pub input_format: Option<String>,
    /// Where to write every rejection (JSON lines).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "levee-import-rejections.jsonl"
    )]
    pub report: PathBuf,
    /// Where to write every warning about a record that was imported (a
    /// GIT range without a repository, a range type OSV does not define,
    /// ...), as JSON lines.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "levee-import-warnings.jsonl"
    )]
    pub warnings_report: PathBuf,
    /// Records per transaction.
    #[arg(long, value_name = "N", default_value_t = 5000)]
    pub batch_size: usize,
    /// Provenance name stored with every record (default: the file name).
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Rebuild the alias index of every vulnerability (after an
    /// interrupted import).
    #[arg(long)]
    pub regroup_all: bool,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub storage: StorageArgs,
}

/// A one-line progress bar, redrawn at most ten times a second.
struct Bar {
    on: bool,
    last: Option<Instant>,
    started: Instant,
}

impl Bar {
    fn draw(&mut self, p: &Progress) {
        if !self.on {
            return;
        }
        let now = Instant::now();
        let final_ = p.phase != Phase::Reading;
        if !final_
            && self
                .last
                .is_some_and(|l| now - l < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(now);
        const W: usize = 30;
        let frac = if p.bytes_total == 0 {
            1.0
        } else {
            p.bytes_done as f64 / p.bytes_total as f64
        };
        let filled = ((frac * W as f64) as usize).min(W);
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let phase = match p.phase {
            Phase::Reading => format!("{}/{}", (p.file_index + 1).min(p.files), p.files),
            Phase::Grouping => "grouping".into(),
            Phase::Done => "done".into(),
        };
        let name = p.file.rsplit(['/', '\\']).next().unwrap_or(&p.file);
        let name: String = name.chars().take(32).collect();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K[{}{}] {:>3}% {phase} {} records ({:.0}/s), {} rejected {name}",
            "#".repeat(filled),
            " ".repeat(W - filled),
            (frac * 100.0) as u32,
            p.records,
            p.records as f64 / secs,
            p.rejected,
        );
        if p.phase == Phase::Done {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }
}

fn summary(r: &ImportReport) -> String {
    let mut out = String::new();
    let w = r
        .sources
        .iter()
        .map(|s| s.file.len())
        .max()
        .unwrap_or(6)
        .clamp(6, 70);
    out.push_str(&format!(
        "{:<w$}  {:<16} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n",
        "source", "format", "read", "imported", "updated", "unchanged", "rejected", "warnings"
    ));
    let mut rows = r.sources.clone();
    rows.push(r.totals());
    for s in &rows {
        out.push_str(&format!(
            "{:<w$}  {:<16} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}{}\n",
            s.file,
            s.format,
            s.read,
            s.imported,
            s.updated,
            s.unchanged,
            s.rejected,
            s.warnings,
            s.unreadable
                .as_ref()
                .map(|u| format!("  UNREADABLE: {u}"))
                .unwrap_or_default()
        ));
    }
    let g = &r.grouping;
    out.push_str(&format!(
        "vulnerabilities: {} ({} records regrouped, {} groups re-indexed, {} refused merges); {:.1}s\n",
        g.groups,
        g.regrouped,
        g.rebuilt,
        g.conflicts,
        r.elapsed.as_secs_f64()
    ));
    out
}

/// Write `lines` to `path` as JSON lines (an empty file when there are none,
/// so that a file left by an earlier run never passes for this one's).
fn write_report<T: serde::Serialize>(path: &std::path::Path, lines: &[T]) -> Result<()> {
    let f = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = std::io::BufWriter::new(f);
    for l in lines {
        serde_json::to_writer(&mut w, l)?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    Ok(())
}

pub fn run(a: Args) -> Result<u8> {
    let natives = crate::natives::all();
    let format = match a.input_format.as_deref() {
        None => None,
        // A built-in format, or a native one (gitlab, debian-dsa-dla, csaf, …).
        Some(n) => Some(Format::parse_with(n, &natives).map_err(|e| {
            let names: Vec<&str> = natives.iter().map(|f| f.name()).collect();
            anyhow::anyhow!("{e}; native formats: {}", names.join(", "))
        })?),
    };
    let s = a
        .storage
        .resolve(&FileConfig::load(a.storage.config.as_deref())?);
    let opts = ImportOptions {
        format,
        source: a.source.clone(),
        batch_size: a.batch_size.max(1),
        regroup_all: a.regroup_all,
        natives,
        ..ImportOptions::default()
    };
    let mut bar = Bar {
        on: !a.quiet && std::io::stderr().is_terminal(),
        last: None,
        started: Instant::now(),
    };
    let report = runtime()?.block_on(async {
        let (store, _keys, _master) = s.open_with_keys().await?;
        let r = import_paths(&store, &a.paths, &opts, &mut |p| bar.draw(p))
            .await
            .with_context(|| format!("importing into {}", s.describe()))?;
        store.close().await;
        anyhow::Ok(r)
    })?;
    write_report(&a.report, &report.rejections)?;
    write_report(&a.warnings_report, &report.warnings)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report_json(&report))?);
    } else {
        print!("{}", summary(&report));
    }
    if !report.rejections.is_empty() {
        eprintln!(
            "levee: {} rejection(s) written to {}",
            report.rejections.len(),
            a.report.display()
        );
    }
    if !report.warnings.is_empty() {
        eprintln!(
            "levee: {} warning(s) about imported records written to {}",
            report.warnings.len(),
            a.warnings_report.display()
        );
    }
    let unreadable: Vec<_> = report.unreadable().collect();
    for u in &unreadable {
        eprintln!(
            "levee: could not read {}: {}",
            u.file,
            u.unreadable.as_deref().unwrap_or_default()
        );
    }
    Ok(if unreadable.is_empty() { 0 } else { 2 })
}

fn report_json(r: &ImportReport) -> serde_json::Value {
    serde_json::json!({
        "sources": r.sources,
        "total": r.totals(),
        "grouping": r.grouping,
        "rejections": r.rejections.len(),
        "warnings": r.warnings.len(),
        "elapsed_secs": r.elapsed.as_secs_f64(),
    })
}
