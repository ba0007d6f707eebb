//! Advisory loading: files and directories (parallel read + parse +
//! compile, one worker per core), or the local knowledge base.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use std::collections::HashSet;

use levee_formats::rustsec::advisory_path_kind;
use levee_formats::{read_bytes, read_zip, Limits, ReadOptions, Record};
use levee_match::{compile, CompiledAdvisory, MatchIndex};

use super::progress::Progress;
use crate::opts::{FileConfig, StorageArgs};

pub struct Loaded {
    pub index: MatchIndex,
    /// RustSec `crates/<name>/` (and `rust/`) directories not read: no input has the package.
    pub skipped_dirs: usize,
    pub sources: Vec<String>,
    pub problems: Vec<String>,
}

/// What to do with one file found under an advisory path.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    /// RustSec markdown advisory.
    Markdown,
    /// OSV JSON / JSONL / YAML / `{path,text}` JSONL (detected by content).
    Osv,
    /// A zip of OSV files.
    Zip,
}

fn kind_in_dir(path: &Path) -> Option<Kind> {
    let s = path.to_string_lossy();
    if advisory_path_kind(&s).is_some() {
        return Some(Kind::Markdown);
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())?;
    match ext.as_str() {
        "json" | "jsonl" | "ndjson" | "yaml" | "yml" => Some(Kind::Osv),
        "zip" => Some(Kind::Zip),
        _ => None,
    }
}

fn kind_of_file(path: &Path) -> Kind {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "md" => Kind::Markdown,
        "zip" => Kind::Zip,
        _ => Kind::Osv,
    }
}

/// Walk an advisory directory. With `wanted` (the crates.io names the
/// inputs hold), a RustSec `crates/<name>/` directory is entered only for a
/// wanted name, and `rust/` (toolchain advisories, ecosystem `Rust`, which
/// no input component has) is not entered at all.
fn walk(
    dir: &Path,
    wanted: Option<&HashSet<&str>>,
    out: &mut Vec<(PathBuf, Kind)>,
    skipped: &mut usize,
) -> Result<()> {
    let mut stack = vec![dir.to_path_buf()];
    let mut found = Vec::new();
    while let Some(d) = stack.pop() {
        let rd = std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))?;
        let parent = d.file_name().map(|n| n.to_string_lossy().into_owned());
        for entry in rd {
            let entry = entry?;
            let ft = entry.file_type()?;
            let name = entry.file_name();
            if ft.is_dir() {
                let name = name.to_string_lossy();
                if name.starts_with('.') {
                    continue;
                }
                if let Some(w) = wanted {
                    let prune = match parent.as_deref() {
                        Some("crates") => !w.contains(name.as_ref()),
                        Some("rust") => true,
                        _ => false,
                    };
                    if prune {
                        *skipped += 1;
                        continue;
                    }
                }
                stack.push(entry.path());
            } else if ft.is_file() {
                let p = entry.path();
                if let Some(k) = kind_in_dir(&p) {
                    found.push((p, k));
                }
            }
        }
    }
    found.sort();
    out.extend(found);
    Ok(())
}

#[derive(Default)]
struct Batch {
    advisories: Vec<CompiledAdvisory>,
    problems: Vec<String>,
}

fn read_reusing<'b>(path: &Path, buf: &'b mut Vec<u8>) -> std::io::Result<&'b str> {
    use std::io::Read;
    buf.clear();
    std::fs::File::open(path)?.read_to_end(buf)?;
    std::str::from_utf8(buf).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// Read, parse and compile one advisory file; `buf` is a read buffer
/// reused across one worker's files.
fn load_file(path: &Path, kind: Kind, limits: &Limits, buf: &mut Vec<u8>, out: &mut Batch) {
    let name = path.display().to_string();
    let push_record = |rec: Record, out: &mut Batch| {
        let c = compile(&rec);
        out.problems
            .extend(c.problems.iter().map(|p| format!("{name}: {p}")));
        out.advisories.push(c);
    };
    match kind {
        Kind::Markdown => {
            let text = match read_reusing(path, buf) {
                Ok(t) => t,
                Err(e) => {
                    out.problems.push(format!("{name}: {e}"));
                    return;
                }
            };
            // Straight to the compiled form (no OSV JSON in between).
            match levee_match::rustsec::compile_md(Some(&name), text, limits) {
                Ok(c) => {
                    out.problems
                        .extend(c.problems.iter().map(|p| format!("{name}: {p}")));
                    out.advisories.push(c);
                }
                Err(e) => out.problems.push(format!("{name}: {e}")),
            }
        }
        Kind::Zip => match std::fs::File::open(path) {
            Ok(f) => {
                let opts = ReadOptions {
                    limits: limits.clone(),
                    format: None,
                };
                for r in read_zip(&name, std::io::BufReader::new(f), &opts) {
                    match r {
                        Ok(rec) => push_record(rec, out),
                        Err(e) => out.problems.push(e.to_string()),
                    }
                }
            }
            Err(e) => out.problems.push(format!("{name}: {e}")),
        },
        Kind::Osv => {
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    out.problems.push(format!("{name}: {e}"));
                    return;
                }
            };
            let opts = ReadOptions {
                limits: limits.clone(),
                format: None,
            };
            for r in read_bytes(&name, &bytes, &opts) {
                match r {
                    Ok(rec) => push_record(rec, out),
                    Err(e) => out.problems.push(e.to_string()),
                }
            }
        }
    }
}

/// Load `--advisories` paths.
pub fn from_paths(
    paths: &[PathBuf],
    wanted: Option<&HashSet<&str>>,
    prog: &mut Progress,
) -> Result<Loaded> {
    let mut files: Vec<(PathBuf, Kind)> = Vec::new();
    let mut skipped = 0;
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("advisories: {}", p.display()))?;
        if meta.is_dir() {
            walk(p, wanted, &mut files, &mut skipped)?;
        } else {
            files.push((p.clone(), kind_of_file(p)));
        }
    }
    let limits = Limits::default();
    // LEVEE_SCAN_THREADS overrides the worker count (default: one per core).
    let workers = std::env::var("LEVEE_SCAN_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .or_else(|| std::thread::available_parallelism().map(|n| n.get()).ok())
        .unwrap_or(1)
        .clamp(1, 16)
        .min(files.len().max(1));
    // Interleaved shards keep the work even; results are put back in file
    // order so "later file wins on equal `modified`" is deterministic.
    let total = files.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut per_file: Vec<Option<Batch>> = (0..total).map(|_| None).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let files = &files;
                let limits = &limits;
                let done = &done;
                s.spawn(move || {
                    let mut mine = Vec::new();
                    let mut buf = Vec::with_capacity(16 << 10);
                    for (i, (p, k)) in files.iter().enumerate().skip(w).step_by(workers) {
                        let mut b = Batch::default();
                        load_file(p, *k, limits, &mut buf, &mut b);
                        mine.push((i, b));
                        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    mine
                })
            })
            .collect();
        while prog.enabled() && !handles.iter().all(|h| h.is_finished()) {
            prog.update(done.load(std::sync::atomic::Ordering::Relaxed), total);
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        for h in handles {
            if let Ok(mine) = h.join() {
                for (i, b) in mine {
                    if let Some(slot) = per_file.get_mut(i) {
                        *slot = Some(b);
                    }
                }
            }
        }
    });
    let mut index = MatchIndex::new();
    let mut problems = Vec::new();
    for b in per_file.into_iter().flatten() {
        problems.extend(b.problems);
        for a in b.advisories {
            index.insert(a);
        }
    }
    Ok(Loaded {
        index,
        skipped_dirs: skipped,
        sources: paths.iter().map(|p| p.display().to_string()).collect(),
        problems,
    })
}

/// Load every record of the local knowledge base.
pub fn from_store(storage: &StorageArgs, prog: &mut Progress) -> Result<Loaded> {
    let file = FileConfig::load(storage.config.as_deref())?;
    let st = storage.resolve(&file);
    if st.database_url.is_none() && !st.data_dir.join("levee.db").exists() {
        anyhow::bail!(
            "no advisories: {} holds no knowledge base; pass --advisories PATH, \
             or --data-dir / --database-url of an installation with imported advisories",
            st.data_dir.display()
        );
    }
    let rt = crate::opts::runtime()?;
    let limits = Limits::default();
    rt.block_on(async {
        let store = st.open().await?;
        let total = usize::try_from(store.kb_count().await?).unwrap_or(0);
        let mut index = MatchIndex::new();
        let mut problems = Vec::new();
        let mut after = String::new();
        let mut n = 0usize;
        loop {
            let page = store.kb_records_page(&after, 5_000).await?;
            let Some(last) = page.last() else { break };
            after = last.id.clone();
            for sr in &page {
                match Record::from_json(&sr.json, &limits) {
                    Ok(rec) => {
                        let c = compile(&rec);
                        problems.extend(c.problems.iter().map(|p| p.to_string()));
                        index.insert(c);
                    }
                    Err(e) => problems.push(format!("{}: {e}", sr.id)),
                }
            }
            n += page.len();
            prog.update(n, total);
        }
        Ok(Loaded {
            index,
            skipped_dirs: 0,
            sources: vec![st.describe()],
            problems,
        })
    })
}
