//! `levee scan PATH... [--advisories PATH]... [--format table|json|sarif|cyclonedx-vex]`
//!
//! Finds the lockfiles, SBOMs and package lists in PATHs, matches every
//! component against advisories — loaded straight from files
//! (`--advisories`: OSV JSON/JSONL/YAML files, directories, zips, RustSec
//! advisory-db directories) or from the local knowledge base — and reports.
//! Exit 0 clean, 1 vulnerabilities found, 2 error.
//!
//! For crates.io it mirrors cargo-audit: only packages from the default
//! registry are checked, withdrawn advisories never match, and RustSec
//! informational advisories (`unmaintained`, `unsound`, `notice`) are
//! warnings, not vulnerabilities (they do not change the exit code).

mod load;
mod output;
mod progress;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use levee_inventory::{Component, Ecosystem, Inventory, Origin};
use levee_match::{MatchIndex, Query, Verdict};

use crate::opts::StorageArgs;
use progress::Progress;

/// Report formats.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Json,
    Sarif,
    #[value(name = "cyclonedx-vex")]
    CycloneDxVex,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Lockfiles, SBOMs, installed-package lists, or directories to search
    /// for them (`.git`, `node_modules` and `target` are skipped).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Advisory data to match against, instead of the local knowledge base:
    /// OSV JSON / JSONL / YAML files, zips (osv.dev `all.zip`), directories
    /// of them, RustSec advisory-db directories (`crates/<name>/RUSTSEC-*.md`).
    /// Repeat for several sources.
    #[arg(long, value_name = "PATH")]
    pub advisories: Vec<PathBuf>,
    #[command(flatten)]
    pub storage: StorageArgs,
    /// Report format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutputFormat,
    /// Never draw the progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

/// One matched (or possibly matched) advisory for one component; the JSON
/// output's finding object.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub package: String,
    pub version: String,
    pub ecosystem: String,
    pub purl: String,
    pub id: String,
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    #[serde(rename = "fixed_versions")]
    pub fixed: Vec<String>,
    pub smallest_fix: Option<String>,
    pub url: Option<String>,
    pub severity: Vec<SeverityOut>,
    pub file: String,
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
    /// RustSec informational kind for warnings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SeverityOut {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

/// One input file's summary.
#[derive(Debug, Clone)]
pub struct InputSummary {
    pub path: String,
    pub format: String,
    pub components: usize,
    pub scanned: usize,
    /// Components not checked (non-registry source, unknown ecosystem).
    pub not_checked: usize,
    pub problems: Vec<String>,
}

/// Everything a report needs.
#[derive(Debug, Default)]
pub struct Report {
    pub inputs: Vec<InputSummary>,
    pub errors: Vec<(String, String)>,
    pub findings: Vec<Hit>,
    pub warnings: Vec<Hit>,
    pub undecidable: Vec<Hit>,
    /// Scanned components (for SBOM-style outputs): (ecosystem, name, version, purl).
    pub components: Vec<(String, String, String, String)>,
    pub advisories_loaded: usize,
    /// RustSec package directories not read: no input has the package.
    pub advisory_dirs_skipped: usize,
    pub advisory_sources: Vec<String>,
    pub advisory_problems: Vec<String>,
}

pub fn run(a: Args) -> Result<u8> {
    let json_like = a.format != OutputFormat::Table;
    let progress_allowed = !a.no_progress && a.format != OutputFormat::Json;
    let started = Instant::now();
    let mut report = Report::default();

    // 1. Inputs: parsed first, so advisory loading can skip packages no
    //    input has (a RustSec `crates/<name>/` directory is read only when
    //    some input holds crates.io package <name>).
    let mut files: Vec<PathBuf> = Vec::new();
    for p in &a.paths {
        let meta = std::fs::metadata(p).with_context(|| format!("{}", p.display()))?;
        if meta.is_dir() {
            let before = files.len();
            find_inventories(p, &mut files)?;
            if files.len() == before {
                report.errors.push((
                    p.display().to_string(),
                    "no lockfile, SBOM or package list found in this directory".into(),
                ));
            }
        } else {
            files.push(p.clone());
        }
    }
    let mut inventories = Vec::with_capacity(files.len());
    for f in &files {
        let name = f.display().to_string();
        let bytes = match std::fs::read(f) {
            Ok(b) => b,
            Err(e) => {
                report.errors.push((name, e.to_string()));
                continue;
            }
        };
        match levee_inventory::parse(&name, &bytes) {
            Ok(inv) => inventories.push(inv),
            Err(e) => report.errors.push((name, e.to_string())),
        }
    }
    let crate_names: HashSet<&str> = inventories
        .iter()
        .flat_map(|i| &i.components)
        .filter(|c| c.ecosystem == Some(Ecosystem::CratesIo))
        .map(|c| c.name.as_str())
        .collect();
    let t_parsed = started.elapsed();

    // 2. Advisories.
    let mut prog = Progress::new(progress_allowed, "loading advisories");
    let loaded = if a.advisories.is_empty() {
        load::from_store(&a.storage, &mut prog)?
    } else {
        load::from_paths(&a.advisories, Some(&crate_names), &mut prog)?
    };
    prog.finish();
    let t_loaded = started.elapsed();
    report.advisories_loaded = loaded.index.len();
    report.advisory_dirs_skipped = loaded.skipped_dirs;
    report.advisory_sources = loaded.sources;
    report.advisory_problems = loaded.problems;
    let index = loaded.index;

    // 3. Match.
    let mut prog = Progress::new(progress_allowed, "scanning");
    let keep_components = a.format == OutputFormat::CycloneDxVex;
    for (i, inv) in inventories.iter().enumerate() {
        prog.update(i, inventories.len());
        scan_inventory(&index, inv, &mut report, keep_components);
    }
    prog.finish();

    let t_scanned = started.elapsed();

    // 4. Report.
    let mut stdout = std::io::stdout().lock();
    let text = match a.format {
        OutputFormat::Table => output::table(&report, started.elapsed()),
        OutputFormat::Json => output::json(&report)?,
        OutputFormat::Sarif => output::sarif(&report)?,
        OutputFormat::CycloneDxVex => output::cyclonedx_vex(&report)?,
    };
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(e.into());
        }
    }
    if std::env::var_os("LEVEE_SCAN_TIMINGS").is_some() {
        eprintln!(
            "levee scan timings: inputs {t_parsed:.1?}, advisories {:.1?}, match {:.1?}, report {:.1?}",
            t_loaded - t_parsed,
            t_scanned - t_loaded,
            started.elapsed() - t_scanned
        );
    }
    if json_like {
        for (f, e) in &report.errors {
            eprintln!("levee: {f}: {e}");
        }
    }
    let code = if !report.errors.is_empty() {
        crate::EXIT_ERROR
    } else if !report.findings.is_empty() {
        crate::EXIT_FINDING
    } else {
        crate::EXIT_OK
    };
    // The process ends right after this; freeing the index and the report
    // piece by piece only costs time.
    std::mem::forget(index);
    std::mem::forget(inventories);
    std::mem::forget(report);
    Ok(code)
}

const SKIP_DIRS: &[&str] = &[".git", "node_modules", "target", ".hg", ".svn"];

/// Walk `dir` for files whose names identify an inventory format, in a
/// stable (sorted) order.
fn find_inventories(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut stack = vec![dir.to_path_buf()];
    let mut found = Vec::new();
    while let Some(d) = stack.pop() {
        let rd = std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))?;
        for entry in rd {
            let entry = entry?;
            let ft = entry.file_type()?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if ft.is_dir() {
                if !SKIP_DIRS.contains(&name.as_ref()) {
                    stack.push(entry.path());
                }
            } else if ft.is_file() && levee_inventory::detect_by_name(&name).is_some() {
                found.push(entry.path());
            }
        }
    }
    found.sort();
    out.extend(found);
    Ok(())
}

/// Is this component one advisory databases describe? cargo-audit checks
/// crates.io packages from the default registry only; everywhere else a
/// git, path or URL source is skipped and an unknown source is checked.
fn checkable(c: &Component) -> bool {
    match (&c.origin, c.ecosystem) {
        (_, None) => false,
        (Origin::Registry(Some(_)), Some(Ecosystem::CratesIo)) => false,
        (Origin::Registry(_) | Origin::Unknown, _) => true,
        // A pinned commit can still be decided by GIT ranges.
        (Origin::Git(_), Some(e)) => e != Ecosystem::CratesIo && c.commit.is_some(),
        _ => false,
    }
}

fn scan_inventory(index: &MatchIndex, inv: &Inventory, report: &mut Report, keep_components: bool) {
    // The same package listed twice in one file is reported once.
    let mut seen: HashSet<(Option<Ecosystem>, &str, &str, &str)> = HashSet::new();
    let mut summary = InputSummary {
        path: inv.file.clone(),
        format: inv.format.name().to_string(),
        components: inv.components.len(),
        scanned: 0,
        not_checked: 0,
        problems: inv.problems.iter().map(|p| p.to_string()).collect(),
    };
    for c in &inv.components {
        if !checkable(c) {
            summary.not_checked += 1;
            continue;
        }
        let Some(eco) = c.osv_ecosystem() else {
            summary.not_checked += 1;
            continue;
        };
        summary.scanned += 1;
        if keep_components {
            report.components.push((
                eco.clone(),
                c.name.clone(),
                c.version.clone(),
                c.purl.clone(),
            ));
        }
        let q = Query {
            ecosystem: &eco,
            name: &c.name,
            version: (!c.version.is_empty()).then_some(c.version.as_str()),
            commit: c.commit.as_deref(),
        };
        for f in index.query(&q) {
            if !seen.insert((c.ecosystem, &c.name, &c.version, &f.advisory.id)) {
                continue;
            }
            let hit = Hit {
                file: inv.file.clone(),
                line: c.location.line,
                json_path: c.location.path.clone(),
                ecosystem: eco.clone(),
                package: c.name.clone(),
                version: c.version.clone(),
                purl: c.purl.clone(),
                id: f.advisory.id.clone(),
                aliases: f.advisory.aliases.clone(),
                summary: f.advisory.summary.clone(),
                url: f.advisory.url.clone(),
                severity: f
                    .advisory
                    .severity
                    .iter()
                    .map(|s| SeverityOut {
                        kind: s.kind.clone(),
                        score: s.score.clone(),
                    })
                    .collect(),
                fixed: f.fixed.clone(),
                smallest_fix: f.smallest_fix.clone(),
                kind: f.informational.map(str::to_string),
            };
            match (f.verdict, f.informational) {
                (Verdict::Affected, None) => report.findings.push(hit),
                (Verdict::Affected, Some(kind)) => {
                    // cargo-audit warns about these three kinds only.
                    if matches!(kind, "unmaintained" | "unsound" | "notice") {
                        report.warnings.push(hit)
                    }
                }
                _ => report.undecidable.push(hit),
            }
        }
    }
    report.inputs.push(summary);
}
