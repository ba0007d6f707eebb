//! Advisory loading: files and directories (parallel read + parse +
//! compile, one worker per core), or the local knowledge base.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use std::collections::HashSet;

use levee_formats::rustsec::advisory_path_kind;
use levee_formats::{read_bytes, read_zip, Limits, ReadOptions, Record};
use levee_match::{compile, CompiledAdvisory, MatchIndex};

use super::fsio::{self, DirHandle, EntryKind, Scratch};
use super::progress::Progress;
use crate::opts::{FileConfig, StorageArgs};
use std::ffi::OsString;

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

/// Compile one RustSec markdown advisory (straight to the compiled form, no
/// OSV JSON in between).
fn load_md(name: &str, text: std::io::Result<&str>, limits: &Limits, out: &mut Batch) {
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            out.problems.push(format!("{name}: {e}"));
            return;
        }
    };
    match levee_match::rustsec::compile_md(Some(name), text, limits) {
        Ok(c) => {
            out.problems
                .extend(c.problems.iter().map(|p| format!("{name}: {p}")));
            out.advisories.push(c);
        }
        Err(e) => out.problems.push(format!("{name}: {e}")),
    }
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
        Kind::Markdown => load_md(&name, read_reusing(path, buf), limits, out),
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

/// Load `--advisories` paths, in the order given (within a directory, in
/// path order), so "later file wins on equal `modified`" is deterministic.
pub fn from_paths(
    paths: &[PathBuf],
    wanted: Option<&HashSet<&str>>,
    prog: &mut Progress,
) -> Result<Loaded> {
    let limits = Limits::default();
    // LEVEE_SCAN_THREADS overrides the worker count (default: one per core).
    let workers = std::env::var("LEVEE_SCAN_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .or_else(|| std::thread::available_parallelism().map(|n| n.get()).ok())
        .unwrap_or(1)
        .clamp(1, 16);
    let mut batches: Vec<Batch> = Vec::new();
    let mut skipped = 0;
    let mut files: Vec<(PathBuf, Kind)> = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("advisories: {}", p.display()))?;
        if meta.is_dir() {
            batches.extend(load_files(
                &std::mem::take(&mut files),
                &limits,
                workers,
                prog,
            ));
            batches.extend(walk_load(p, wanted, &limits, workers, prog, &mut skipped)?);
        } else {
            files.push((p.clone(), kind_of_file(p)));
        }
    }
    batches.extend(load_files(&files, &limits, workers, prog));
    let mut index = MatchIndex::new();
    let mut problems = Vec::new();
    for b in batches {
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

/// Run `f` over `0..n` on up to `workers` threads (items handed out one at
/// a time, so uneven items still spread evenly); results in item order.
fn par_map<T: Send>(
    n: usize,
    workers: usize,
    prog: &mut Progress,
    f: impl Fn(usize, &mut Scratch) -> T + Sync,
) -> Vec<T> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = workers.min(n);
    if workers <= 1 {
        let mut scratch = Scratch::new();
        return (0..n).map(|i| f(i, &mut scratch)).collect();
    }
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (f, next, done) = (&f, &next, &done);
                s.spawn(move || {
                    let mut scratch = Scratch::new();
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            break;
                        }
                        mine.push((i, f(i, &mut scratch)));
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    mine
                })
            })
            .collect();
        while prog.enabled() && !handles.iter().all(|h| h.is_finished()) {
            prog.update(done.load(Ordering::Relaxed), n);
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        for h in handles {
            if let Ok(mine) = h.join() {
                for (i, t) in mine {
                    if let Some(slot) = slots.get_mut(i) {
                        *slot = Some(t);
                    }
                }
            }
        }
    });
    slots.into_iter().flatten().collect()
}

/// Load files named on the command line (each may be large: JSONL, zip).
fn load_files(
    files: &[(PathBuf, Kind)],
    limits: &Limits,
    workers: usize,
    prog: &mut Progress,
) -> Vec<Batch> {
    par_map(files.len(), workers, prog, |i, scratch| {
        let mut b = Batch::default();
        if let Some((p, k)) = files.get(i) {
            load_file(p, *k, limits, &mut scratch.file, &mut b);
        }
        b
    })
}

/// One directory read by [`walk_load`].
struct DirOut {
    /// Kept open only when it has subdirectories to open next.
    handle: Option<DirHandle>,
    subdirs: Vec<(OsString, PathBuf)>,
    files: Vec<(PathBuf, Batch)>,
    skipped: usize,
}

/// List one directory and load its advisory files. With `wanted` (the
/// crates.io names the inputs hold), a RustSec `crates/<name>/` directory
/// is entered only for a wanted name, and `rust/` (toolchain advisories,
/// ecosystem `Rust`, which no input component has) is not entered at all.
fn read_dir_and_load(
    handle: DirHandle,
    path: &Path,
    wanted: Option<&HashSet<&str>>,
    limits: &Limits,
    scratch: &mut Scratch,
) -> Result<DirOut> {
    let entries = handle
        .entries(scratch)
        .with_context(|| format!("reading {}", path.display()))?;
    let parent = path.file_name().map(|n| n.to_string_lossy());
    let mut out = DirOut {
        handle: None,
        subdirs: Vec::new(),
        files: Vec::new(),
        skipped: 0,
    };
    for (name, kind) in entries {
        match kind {
            EntryKind::Dir => {
                let n = name.to_string_lossy();
                if n.starts_with('.') {
                    continue;
                }
                if let Some(w) = wanted {
                    let prune = match parent.as_deref() {
                        Some("crates") => !w.contains(n.as_ref()),
                        Some("rust") => true,
                        _ => false,
                    };
                    if prune {
                        out.skipped += 1;
                        continue;
                    }
                }
                let p = path.join(&name);
                out.subdirs.push((name, p));
            }
            EntryKind::File => {
                let p = path.join(&name);
                let Some(k) = kind_in_dir(&p) else { continue };
                let mut b = Batch::default();
                if k == Kind::Markdown {
                    let text = handle
                        .read(&name, &mut scratch.file, limits.max_record_bytes)
                        .and_then(|()| {
                            std::str::from_utf8(&scratch.file).map_err(|e| {
                                std::io::Error::new(std::io::ErrorKind::InvalidData, e)
                            })
                        });
                    load_md(&p.display().to_string(), text, limits, &mut b);
                } else {
                    load_file(&p, k, limits, &mut scratch.file, &mut b);
                }
                out.files.push((p, b));
            }
            EntryKind::Other => {}
        }
    }
    if !out.subdirs.is_empty() {
        out.handle = Some(handle);
    }
    Ok(out)
}

/// Walk an advisory directory one level at a time; each level's
/// directories are listed and their files loaded on every core (a RustSec
/// advisory-db is `crates/<name>/RUSTSEC-*.md`: level 2 is the work).
fn walk_load(
    root: &Path,
    wanted: Option<&HashSet<&str>>,
    limits: &Limits,
    workers: usize,
    prog: &mut Progress,
    skipped: &mut usize,
) -> Result<Vec<Batch>> {
    let handle = fsio::open_root(root).with_context(|| format!("reading {}", root.display()))?;
    let first = read_dir_and_load(handle, root, wanted, limits, &mut Scratch::new())?;
    *skipped += first.skipped;
    let mut files = first.files;
    let mut parents: Vec<DirHandle> = first.handle.into_iter().collect();
    let mut level: Vec<(usize, OsString, PathBuf)> =
        first.subdirs.into_iter().map(|(n, p)| (0, n, p)).collect();
    while !level.is_empty() {
        let outs = par_map(level.len(), workers, prog, |i, scratch| {
            let (parent, name, path) = level.get(i).context("walk: no such directory")?;
            let parent = parents.get(*parent).context("walk: no parent")?;
            let handle = fsio::open_in(parent, name)
                .with_context(|| format!("reading {}", path.display()))?;
            read_dir_and_load(handle, path, wanted, limits, scratch)
        });
        let mut next_parents = Vec::new();
        let mut next_level = Vec::new();
        for out in outs {
            let out = out?;
            *skipped += out.skipped;
            files.extend(out.files);
            if let Some(h) = out.handle {
                let i = next_parents.len();
                next_parents.push(h);
                next_level.extend(out.subdirs.into_iter().map(|(n, p)| (i, n, p)));
            }
        }
        parents = next_parents;
        level = next_level;
    }
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(files.into_iter().map(|(_, b)| b).collect())
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
