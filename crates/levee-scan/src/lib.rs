//! `levee scan PATH... [--advisories PATH]... [--format table|json|sarif|cyclonedx-vex]`,
//! and the standalone `levee-scan` binary.
//!
//! Finds the lockfiles, SBOMs and package lists in PATHs, matches every
//! component against advisories — loaded straight from files
//! (`--advisories`: OSV JSON/JSONL/YAML files, directories, zips, RustSec
//! advisory-db directories) or, through `levee scan`, from the local
//! knowledge base ([`run`]'s `store` loader) — and reports.
//! Exit 0 clean, 1 vulnerabilities found, 2 error.
//!
//! Why a crate of its own, with a binary of its own: `levee-scan` links
//! none of the server, the database drivers or the async runtime, so a cold
//! run starts like a small program (the whole-server `levee` binary spends
//! 1.3–1.8 ms more on every start, relocating and faulting in its tables;
//! BENCHMARKS.md). `levee scan` runs the same code in-process.
//!
//! For crates.io it mirrors cargo-audit: only packages from the default
//! registry are checked, withdrawn advisories never match, and RustSec
//! informational advisories (`unmaintained`, `unsound`, `notice`) are
//! warnings, not vulnerabilities (they do not change the exit code).

mod fsio;
mod load;
mod output;
mod progress;

pub use load::Loaded;
pub use progress::Progress;

/// Exit code: no vulnerability found.
pub const EXIT_OK: u8 = 0;
/// Exit code: vulnerabilities found.
pub const EXIT_FINDING: u8 = 1;
/// Exit code: an input or the advisories could not be read.
pub const EXIT_ERROR: u8 = 2;

/// Loads the advisories when no `--advisories` path is given (`levee scan`
/// reads its local knowledge base here).
pub type StoreLoader<'a> = &'a mut dyn FnMut(&mut Progress) -> Result<Loaded>;

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use levee_inventory::{Component, Ecosystem, Format, Inventory, Origin};
use levee_match::{Finding, MatchIndex, Query, Verdict};

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
pub struct ScanArgs {
    /// Lockfiles, SBOMs, installed-package lists, or directories to search
    /// for them (`.git`, `node_modules` and `target` are skipped).
    #[arg(required_unless_present = "lockfiles", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Read PATH as FORMAT whatever its file name, as osv-scanner's
    /// `--lockfile` (`-L requirements.txt:deps/prod.txt`). Repeatable. FORMAT
    /// is a format's usual file name (`requirements.txt`, `poetry.lock`,
    /// `Cargo.lock`, `pom.xml`, ...) or `cyclonedx-json`, `cyclonedx-xml`,
    /// `spdx-json`, `spdx-tag-value`, `dpkg-status`, `rpm-qa`,
    /// `apk-installed`.
    #[arg(long = "lockfile", short = 'L', value_name = "FORMAT:PATH")]
    pub lockfiles: Vec<Forced>,
    /// Advisory data to match against, instead of the local knowledge base:
    /// OSV JSON / JSONL / YAML files, zips (osv.dev `all.zip`), directories
    /// of them, RustSec advisory-db directories (`crates/<name>/RUSTSEC-*.md`).
    /// Repeat for several sources.
    #[arg(long, value_name = "PATH")]
    pub advisories: Vec<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutputFormat,
    /// Never draw the progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

/// `--lockfile FORMAT:PATH`: a file parsed as a named format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forced {
    pub format: Format,
    pub path: PathBuf,
}

impl std::str::FromStr for Forced {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let names = || {
            Format::ALL
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some((format, path)) = s.split_once(':') else {
            return Err(format!(
                "`{s}`: expected FORMAT:PATH (for example requirements.txt:deps/prod.txt)"
            ));
        };
        let format = format
            .parse::<Format>()
            .map_err(|e| format!("{e}; the formats are {}", names()))?;
        if path.is_empty() {
            return Err(format!("`{s}`: no PATH after `{}:`", format.name()));
        }
        Ok(Forced {
            format,
            path: PathBuf::from(path),
        })
    }
}

/// One matched (or possibly matched) advisory for one component; the JSON
/// output's finding object. It borrows from the inputs and the index, which
/// live until the report is written (no per-finding copies).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit<'a> {
    pub package: &'a str,
    pub version: &'a str,
    pub ecosystem: Cow<'a, str>,
    pub purl: &'a str,
    pub id: &'a str,
    pub aliases: &'a [String],
    pub summary: Option<&'a str>,
    #[serde(rename = "fixed_versions")]
    pub fixed: Vec<String>,
    pub smallest_fix: Option<String>,
    pub url: Option<&'a str>,
    /// `{"type": ..., "score": ...}` as in OSV.
    pub severity: &'a [levee_formats::Severity],
    pub file: &'a str,
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_path: Option<&'a str>,
    /// RustSec informational kind for warnings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'a str>,
}

/// One vulnerable package's way out: the smallest version that fixes every
/// vulnerability found in it and brings in no advisory it does not already
/// have (`levee_match::smallest_fix_for_all`); the JSON output's upgrade
/// object.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Upgrade<'a> {
    pub package: &'a str,
    pub version: &'a str,
    pub ecosystem: Cow<'a, str>,
    pub purl: &'a str,
    pub file: &'a str,
    pub line: Option<u32>,
    /// `None`: no single known version does (see each finding's fix).
    pub to: Option<String>,
    /// The vulnerabilities it fixes (advisory ids).
    pub fixes: Vec<&'a str>,
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
pub struct Report<'a> {
    pub inputs: Vec<InputSummary>,
    pub errors: Vec<(String, String)>,
    pub findings: Vec<Hit<'a>>,
    pub warnings: Vec<Hit<'a>>,
    pub undecidable: Vec<Hit<'a>>,
    /// One per vulnerable package, in finding order.
    pub upgrades: Vec<Upgrade<'a>>,
    /// Scanned components (for SBOM-style outputs): (ecosystem, name, version, purl).
    pub components: Vec<(String, String, String, String)>,
    pub advisories_loaded: usize,
    /// RustSec package directories not read: no input has the package.
    pub advisory_dirs_skipped: usize,
    pub advisory_sources: Vec<String>,
    pub advisory_problems: Vec<String>,
    /// Advisory files or records not read (each also in `advisory_problems`).
    pub advisory_unread: usize,
}

/// Run one scan and write its report to stdout; the exit code. `program`
/// names the binary in messages on stderr.
///
/// Meant to be the last thing a process does: the index, the inventories
/// and the report are leaked rather than freed piece by piece (which only
/// costs a cold run time), so an embedder that scans repeatedly leaks them.
///
/// With no `--advisories`, the advisories come from `store`; without one
/// that is an error.
pub fn run(program: &str, a: ScanArgs, store: Option<StoreLoader>) -> Result<u8> {
    let json_like = a.format != OutputFormat::Table;
    let progress_allowed = !a.no_progress && a.format != OutputFormat::Json;
    let started = Instant::now();
    let workers = worker_count();

    // 1. Inputs, and 2. advisories. A RustSec `crates/<name>/` directory is
    //    needed only when some input holds crates.io package <name>; the
    //    advisory walk starts while the inputs are parsed and skips the
    //    other names as soon as they are known.
    let mut prog = Progress::new(progress_allowed, "loading advisories");
    let mut t_parsed = Duration::ZERO;
    let names = |r: &Result<Inputs>| -> HashSet<Box<str>> {
        let Ok((inventories, _)) = r else {
            return HashSet::new();
        };
        // Sized up front (grown from empty, rehashing was 5 % of a
        // 10,000-package scan's instructions); each name boxed once.
        let mut names: HashSet<Box<str>> =
            HashSet::with_capacity(inventories.iter().map(|i| i.components.len()).sum());
        for c in inventories.iter().flat_map(|i| &i.components) {
            if c.ecosystem == Some(Ecosystem::CratesIo) && !names.contains(c.name.as_str()) {
                names.insert(Box::from(c.name.as_str()));
            }
        }
        names
    };
    let (loaded, inputs) = if a.advisories.is_empty() {
        // Said before the inputs are read: without a source they are
        // parsed for nothing.
        let Some(store) = store else {
            anyhow::bail!(
                "no advisories: pass --advisories PATH (levee-scan reads advisory files only; \
                 `levee scan` also reads the local knowledge base)"
            );
        };
        let inputs = read_inputs(&a.paths, &a.lockfiles)?;
        t_parsed = started.elapsed();
        (store(&mut prog)?, inputs)
    } else {
        let (loaded, inputs) = load::from_paths(
            &a.advisories,
            workers,
            &mut prog,
            || {
                let r = read_inputs(&a.paths, &a.lockfiles);
                t_parsed = started.elapsed();
                r
            },
            names,
        )?;
        (loaded, inputs?)
    };
    let (inventories, errors) = inputs;
    prog.finish();
    let t_loaded = started.elapsed();
    let index = loaded.indexes;
    let mut report = Report {
        errors,
        advisories_loaded: index.iter().map(MatchIndex::len).sum(),
        advisory_dirs_skipped: loaded.skipped_dirs,
        advisory_sources: loaded.sources,
        advisory_problems: loaded.problems,
        advisory_unread: loaded.unread,
        ..Report::default()
    };

    // 3. Match.
    let mut prog = Progress::new(progress_allowed, "scanning");
    // Only what the chosen report shows is worked out.
    let wants = Wants {
        components: a.format == OutputFormat::CycloneDxVex,
        upgrades: matches!(a.format, OutputFormat::Table | OutputFormat::Json),
    };
    for (i, inv) in inventories.iter().enumerate() {
        prog.update(i, inventories.len());
        scan_inventory(&index, inv, &mut report, wants, workers);
    }
    prog.finish();

    let t_scanned = started.elapsed();

    // 4. Report.
    // Written through one 64 KiB buffer to stdout (the JSON report of a
    // large lockfile is megabytes; only its findings array is rendered in
    // memory first, on a second thread).
    let mut stdout = std::io::BufWriter::with_capacity(64 << 10, std::io::stdout().lock());
    let written = match a.format {
        OutputFormat::Table => {
            stdout.write_all(output::table(&report, started.elapsed()).as_bytes())
        }
        OutputFormat::Json => output::json(&report, &mut stdout),
        OutputFormat::Sarif => stdout.write_all(output::sarif(&report)?.as_bytes()),
        OutputFormat::CycloneDxVex => stdout.write_all(output::cyclonedx_vex(&report)?.as_bytes()),
    };
    if let Err(e) = written.and_then(|_| stdout.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(e.into());
        }
    }
    if std::env::var_os("LEVEE_SCAN_TIMINGS").is_some() {
        eprintln!(
            "levee scan timings: inputs {t_parsed:.1?}, advisories {:.1?}, match {:.1?}, report {:.1?}, total {:.1?}",
            t_loaded - t_parsed,
            t_scanned - t_loaded,
            started.elapsed() - t_scanned,
            started.elapsed()
        );
    }
    if json_like {
        for (f, e) in &report.errors {
            eprintln!("{program}: {f}: {e}");
        }
    }
    let code = if !report.errors.is_empty() {
        EXIT_ERROR
    } else if !report.findings.is_empty() {
        EXIT_FINDING
    } else {
        EXIT_OK
    };
    // The process ends right after this; freeing the index and the report
    // piece by piece only costs time.
    std::mem::forget(report);
    std::mem::forget(index);
    std::mem::forget(inventories);
    Ok(code)
}

/// Threads for loading and matching: `LEVEE_SCAN_THREADS`, else one per
/// core (read once per run: on Linux it reads the cgroup CPU quota files).
fn worker_count() -> usize {
    std::env::var("LEVEE_SCAN_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .or_else(|| std::thread::available_parallelism().map(|n| n.get()).ok())
        .unwrap_or(1)
        .clamp(1, 16)
}

/// Parsed inventories, and the inputs that could not be read or parsed.
type Inputs = (Vec<Inventory>, Vec<(String, String)>);

/// Find and parse the inputs. A path that does not exist is an error; a
/// file that cannot be read or parsed is reported and skipped.
fn read_inputs(paths: &[PathBuf], forced: &[Forced]) -> Result<Inputs> {
    let mut errors = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("{}", p.display()))?;
        if meta.is_dir() {
            let before = files.len();
            find_inventories(p, &mut files)?;
            if files.len() == before {
                errors.push((
                    p.display().to_string(),
                    "no lockfile, SBOM or package list found in this directory".into(),
                ));
            }
        } else {
            files.push(p.clone());
        }
    }
    for f in forced {
        std::fs::metadata(&f.path).with_context(|| format!("{}", f.path.display()))?;
    }
    let files = files
        .iter()
        .map(|f| (f, None))
        .chain(forced.iter().map(|f| (&f.path, Some(f.format))));
    let mut inventories = Vec::with_capacity(paths.len() + forced.len());
    for (f, format) in files {
        let name = f.display().to_string();
        let bytes = match std::fs::read(f) {
            Ok(b) => b,
            Err(e) => {
                errors.push((name, e.to_string()));
                continue;
            }
        };
        let parsed = match format {
            Some(format) => levee_inventory::parse_as(format, &name, &bytes),
            None => levee_inventory::parse(&name, &bytes),
        };
        match parsed {
            Ok(inv) => inventories.push(inv),
            // The file is named beside the reason already.
            Err(e) if e.kind == levee_inventory::ErrorKind::UnknownFormat => errors.push((
                name,
                format!("{} (name its format: --lockfile FORMAT:PATH)", e.reason),
            )),
            Err(e) if e.location == levee_inventory::Location::unknown() => {
                errors.push((name, e.reason))
            }
            Err(e) => errors.push((name, format!("{}: {}", e.location, e.reason))),
        }
    }
    Ok((inventories, errors))
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
        // Plain rpm: `rpm -qa` output, or an SBOM purl of a distribution
        // with no OSV ecosystem (CentOS, Fedora, ...): no advisory set can
        // be chosen, so it is counted as not checked.
        (_, Some(Ecosystem::Rpm)) => false,
        (Origin::Registry(Some(_)), Some(Ecosystem::CratesIo)) => false,
        (Origin::Registry(_) | Origin::Unknown, _) => true,
        // A pinned commit can still be decided by GIT ranges.
        (Origin::Git(_), Some(e)) => e != Ecosystem::CratesIo && c.commit.is_some(),
        _ => false,
    }
}

/// Components per matching thread below which one thread does it all.
const PAR_MATCH_MIN: usize = 2_000;

/// What one slice of an inventory's components yields.
#[derive(Default)]
struct Chunk<'a> {
    /// (finding, where it goes) in component order.
    hits: Vec<(Hit<'a>, Bucket)>,
    upgrades: Vec<Upgrade<'a>>,
    components: Vec<(String, String, String, String)>,
    scanned: usize,
    not_checked: usize,
}

/// What a report needs beyond the findings.
#[derive(Clone, Copy)]
struct Wants {
    /// Every scanned component (CycloneDX VEX).
    components: bool,
    /// One upgrade per vulnerable package (table, JSON).
    upgrades: bool,
}

#[derive(Clone, Copy)]
enum Bucket {
    Finding,
    Warning,
    Undecidable,
}

fn scan_inventory<'a>(
    index: &'a [MatchIndex],
    inv: &'a Inventory,
    report: &mut Report<'a>,
    wants: Wants,
    workers: usize,
) {
    let comps = &inv.components;
    let threads = workers.min(comps.len() / PAR_MATCH_MIN).max(1);
    let chunks: Vec<Chunk<'a>> = if threads == 1 {
        vec![scan_chunk(index, inv, comps, wants)]
    } else {
        let per = comps.len().div_ceil(threads);
        // This thread takes the first share; the others run beside it.
        let mut parts = comps.chunks(per);
        let first = parts.next().unwrap_or_default();
        std::thread::scope(|s| {
            let handles: Vec<_> = parts
                .map(|part| s.spawn(move || scan_chunk(index, inv, part, wants)))
                .collect();
            let mut chunks = vec![scan_chunk(index, inv, first, wants)];
            // A matching thread that panicked must not pass for a clean
            // share of the inventory.
            chunks.extend(
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))),
            );
            chunks
        })
    };
    let mut summary = InputSummary {
        path: inv.file.clone(),
        format: inv.format.name().to_string(),
        components: inv.components.len(),
        scanned: 0,
        not_checked: 0,
        problems: inv.problems.iter().map(|p| p.to_string()).collect(),
    };
    // The same package listed twice in one file is reported once.
    let mut seen: HashSet<(Cow<'a, str>, &str, &str, &str)> =
        HashSet::with_capacity(chunks.iter().map(|c| c.hits.len()).sum());
    let mut upgraded: HashSet<(Cow<'a, str>, &str, &str)> = HashSet::new();
    for c in chunks {
        summary.scanned += c.scanned;
        summary.not_checked += c.not_checked;
        report.components.extend(c.components);
        for u in c.upgrades {
            if upgraded.insert((u.ecosystem.clone(), u.package, u.version)) {
                report.upgrades.push(u);
            }
        }
        for (hit, bucket) in c.hits {
            if !seen.insert((hit.ecosystem.clone(), hit.package, hit.version, hit.id)) {
                continue;
            }
            match bucket {
                Bucket::Finding => report.findings.push(hit),
                Bucket::Warning => report.warnings.push(hit),
                Bucket::Undecidable => report.undecidable.push(hit),
            }
        }
    }
    report.inputs.push(summary);
}

fn scan_chunk<'a>(
    index: &'a [MatchIndex],
    inv: &'a Inventory,
    comps: &'a [Component],
    wants: Wants,
) -> Chunk<'a> {
    let mut out = Chunk::default();
    for c in comps {
        if !checkable(c) {
            out.not_checked += 1;
            continue;
        }
        let Some(eco) = c.osv_ecosystem() else {
            out.not_checked += 1;
            continue;
        };
        out.scanned += 1;
        if wants.components {
            out.components.push((
                eco.to_string(),
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
        // An id is in one index only; findings come sorted by id.
        let mut found = Vec::new();
        for idx in index {
            found.extend(idx.query(&q));
        }
        if index.len() > 1 {
            found.sort_by(|a, b| a.advisory.id.cmp(&b.advisory.id));
        }
        if wants.upgrades {
            let vulnerabilities: Vec<&Finding<'a>> = found
                .iter()
                .filter(|f| f.verdict == Verdict::Affected && f.informational.is_none())
                .collect();
            if !vulnerabilities.is_empty() {
                out.upgrades.push(Upgrade {
                    package: &c.name,
                    version: &c.version,
                    ecosystem: eco.clone(),
                    purl: &c.purl,
                    file: &inv.file,
                    line: c.location.line,
                    to: levee_match::smallest_fix_for_all_in(
                        index,
                        &q,
                        &vulnerabilities,
                        Some(&found),
                    ),
                    fixes: vulnerabilities
                        .iter()
                        .map(|f| f.advisory.id.as_str())
                        .collect(),
                });
            }
        }
        for f in found {
            let bucket = match (f.verdict, f.informational) {
                (Verdict::Affected, None) => Bucket::Finding,
                // cargo-audit warns about these three kinds only.
                (Verdict::Affected, Some("unmaintained" | "unsound" | "notice")) => Bucket::Warning,
                (Verdict::Affected, Some(_)) => continue,
                _ => Bucket::Undecidable,
            };
            let hit = Hit {
                file: &inv.file,
                line: c.location.line,
                json_path: c.location.path.as_deref(),
                ecosystem: eco.clone(),
                package: &c.name,
                version: &c.version,
                purl: &c.purl,
                id: &f.advisory.id,
                aliases: &f.advisory.aliases,
                summary: f.advisory.summary.as_deref(),
                url: f.advisory.url.as_deref(),
                severity: &f.advisory.severity,
                fixed: f.fixed,
                smallest_fix: f.smallest_fix,
                kind: f.informational,
            };
            out.hits.push((hit, bucket));
        }
    }
    out
}
