//! Advisory loading from files and directories (parallel read + parse +
//! compile, one worker per core). `levee scan` loads its knowledge base
//! itself and hands the index over as a [`Loaded`].

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use std::collections::HashSet;

use levee_formats::rustsec::advisory_path_kind;
use levee_formats::{read_bytes, read_zip, Limits, ReadOptions, Record};
use levee_match::{compile, CompiledAdvisory, Insert, MatchIndex};

use super::fsio::{self, DirHandle, EntryKind, Scratch};
use super::progress::Progress;
use std::ffi::OsString;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};

pub struct Loaded {
    /// One index per loading worker; an advisory id is in at most one.
    pub indexes: Vec<MatchIndex>,
    /// RustSec `crates/<name>/` (and `rust/`) directories not read: no input has the package.
    pub skipped_dirs: usize,
    pub sources: Vec<String>,
    /// Every problem: advisories not read, and parts of read ones left
    /// out or undecidable.
    pub problems: Vec<String>,
    /// Advisory files or records not read at all (each also a problem).
    pub unread: usize,
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
    /// Files or records not read (each also in `problems`).
    unread: usize,
}

impl Batch {
    /// A file or record not read.
    fn unread(&mut self, problem: String) {
        self.problems.push(problem);
        self.unread += 1;
    }
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
            out.unread(format!("{name}: {e}"));
            return;
        }
    };
    match levee_match::rustsec::compile_md(Some(name), text, limits) {
        Ok(c) => {
            out.problems
                .extend(c.problems.iter().map(|p| format!("{name}: {p}")));
            out.advisories.push(c);
        }
        Err(e) => out.unread(format!("{name}: {e}")),
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
                        Err(e) => out.unread(e.to_string()),
                    }
                }
            }
            Err(e) => out.unread(format!("{name}: {e}")),
        },
        Kind::Osv => {
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    out.unread(format!("{name}: {e}"));
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
                    Err(e) => out.unread(e.to_string()),
                }
            }
        }
    }
}

/// Load `--advisories` paths while `inputs` runs on this thread.
///
/// The walk starts at once on a background worker: it lists the advisory
/// directories and loads files while the inputs are still being parsed.
/// When `inputs` returns, `names(&inputs)` gives the crates.io names the
/// inputs hold; from then on a RustSec `crates/<name>/` directory of any
/// other name is skipped (one read before that is dropped), `rust/`
/// (toolchain advisories, ecosystem `Rust`, which no input component has)
/// is never entered, and this thread joins the walk. Each worker indexes
/// what it loads; when an advisory id turns up twice, the walk is redone
/// and everything inserted in order — paths in the order given, files in
/// path order — so "later file wins on equal `modified`" is deterministic.
pub fn from_paths<T>(
    paths: &[PathBuf],
    workers: usize,
    prog: &mut Progress,
    inputs: impl FnOnce() -> T,
    names: impl FnOnce(&T) -> HashSet<Box<str>>,
) -> Result<(Loaded, T)> {
    let limits = Limits::default();
    let timing = std::env::var_os("LEVEE_SCAN_TIMINGS").is_some();
    let walk = Walk::new(root_items(paths)?, Mode::Index, &limits);
    let (outs, t) = std::thread::scope(|s| {
        let background: Vec<_> = (0..workers.saturating_sub(1).max(1))
            .map(|_| s.spawn(|| walk.work(None)))
            .collect();
        let t0 = std::time::Instant::now();
        let t = inputs();
        let _ = walk.wanted.set(names(&t));
        if timing {
            eprintln!("  inputs parsed at {:.2?}", t0.elapsed());
        }
        let mut outs = Vec::new();
        if workers > 1 {
            outs.push(walk.work(Some(prog)));
        }
        for h in background {
            match h.join() {
                Ok(o) => outs.push(o),
                Err(p) => std::panic::resume_unwind(p),
            }
        }
        if timing {
            eprintln!("  walked at {:.2?}", t0.elapsed());
        }
        (outs, t)
    });
    let Walk { wanted, .. } = walk;
    let wanted = wanted.into_inner().unwrap_or_default();
    if let Some(loaded) = finish(outs, &wanted, paths, Mode::Index)? {
        return Ok((loaded, t));
    }
    // The same id in two files: load again, this time inserting in path
    // order so which one wins is deterministic.
    let walk = Walk::new(root_items(paths)?, Mode::Collect, &limits);
    let _ = walk.wanted.set(wanted);
    let outs = std::thread::scope(|s| {
        let hs: Vec<_> = (0..workers).map(|_| s.spawn(|| walk.work(None))).collect();
        hs.into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect::<Vec<_>>()
    });
    let Walk { wanted, .. } = walk;
    let wanted = wanted.into_inner().unwrap_or_default();
    let loaded = finish(outs, &wanted, paths, Mode::Collect)?
        .context("advisories: duplicate ids left after ordered loading")?;
    Ok((loaded, t))
}

/// The walk's first items: the `--advisories` paths.
fn root_items(paths: &[PathBuf]) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    for (src, p) in paths.iter().enumerate() {
        let src = u32::try_from(src).unwrap_or(u32::MAX);
        let meta = std::fs::metadata(p).with_context(|| format!("advisories: {}", p.display()))?;
        items.push(if meta.is_dir() {
            Item::Dir {
                src,
                parent: None,
                name: p.as_os_str().to_os_string(),
                path: p.clone(),
                tags: Vec::new(),
            }
        } else {
            Item::File {
                src,
                path: p.clone(),
                kind: kind_of_file(p),
            }
        });
    }
    // Items are taken from the end: first path first.
    items.reverse();
    Ok(items)
}

/// Is a result under these tags wanted?
fn keep(wanted: &HashSet<Box<str>>, tags: &[Arc<str>]) -> bool {
    tags.iter().all(|t| wanted.contains(&**t))
}

/// Put the workers' results together. `None` (index mode only) when an id
/// was loaded twice: the per-worker indexes cannot say which copy wins.
fn finish(
    outs: Vec<WorkerOut>,
    wanted: &HashSet<Box<str>>,
    paths: &[PathBuf],
    mode: Mode,
) -> Result<Option<Loaded>> {
    let mut found = Vec::new();
    let mut skipped = 0;
    let mut prunable: Vec<Arc<str>> = Vec::new();
    let mut indexes: Vec<MatchIndex> = Vec::new();
    for mut o in outs {
        if let Some(e) = o.error {
            return Err(e);
        }
        o.flush(wanted);
        if o.dup {
            return Ok(None);
        }
        skipped += o.rust_skipped;
        prunable.extend(o.prunable);
        found.extend(o.found.into_iter().filter(|f| keep(wanted, &f.tags)));
        if !o.index.is_empty() {
            indexes.push(o.index);
        }
    }
    // An id in two workers' indexes is a duplicate too.
    for (i, idx) in indexes.iter().enumerate() {
        let earlier = indexes.get(..i).unwrap_or_default();
        if idx
            .advisories()
            .any(|a| earlier.iter().any(|e| e.advisory(&a.id).is_some()))
        {
            return Ok(None);
        }
    }
    skipped += prunable
        .iter()
        .filter(|t| !keep(wanted, std::slice::from_ref(t)))
        .count();
    // Byte order of the paths (comparing `Path`s component by component
    // costs ~1 ms here); any fixed order makes ties deterministic.
    found.sort_unstable_by(|a, b| {
        a.src.cmp(&b.src).then_with(|| {
            a.path
                .as_os_str()
                .as_encoded_bytes()
                .cmp(b.path.as_os_str().as_encoded_bytes())
        })
    });
    let mut problems = Vec::new();
    let unread = found.iter().map(|f| f.batch.unread).sum();
    if mode == Mode::Collect {
        let mut index = MatchIndex::new();
        for f in found {
            problems.extend(f.batch.problems);
            for a in f.batch.advisories {
                index.insert(a);
            }
        }
        indexes = vec![index];
    } else {
        for f in found {
            problems.extend(f.batch.problems);
        }
    }
    Ok(Some(Loaded {
        indexes,
        skipped_dirs: skipped,
        sources: paths.iter().map(|p| p.display().to_string()).collect(),
        problems,
        unread,
    }))
}

/// Where compiled advisories go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Into the worker's own index as they are loaded (ids are normally
    /// unique; [`finish`] checks).
    Index,
    /// Kept with their paths, inserted in path order at the end.
    Collect,
}

/// Crate names a file's result depends on: it is kept only if every one is
/// wanted (RustSec `crates/<name>/`, possibly nested).
type Tags = Vec<Arc<str>>;

/// One unit of the walk.
enum Item {
    /// A path given on the command line that is a file.
    File { src: u32, path: PathBuf, kind: Kind },
    /// A directory to open (relative to its parent, or by path) and list.
    Dir {
        src: u32,
        parent: Option<Arc<DirHandle>>,
        name: OsString,
        path: PathBuf,
        tags: Tags,
    },
    /// A share of a large directory's files.
    Files {
        src: u32,
        dir: Arc<DirHandle>,
        files: Vec<(OsString, PathBuf, Kind)>,
        tags: Tags,
    },
}

/// Files of one directory loaded by the worker that listed it; more are
/// shared out as [`Item::Files`] of this size.
const FILES_PER_ITEM: usize = 16;

struct Queue {
    items: Vec<Item>,
    /// Items being worked on (they may add more).
    active: usize,
    /// Workers waiting for items (a wake-up is a system call: only when
    /// someone waits).
    waiting: usize,
}

struct Walk<'l> {
    mode: Mode,
    queue: Mutex<Queue>,
    cv: Condvar,
    /// Crates.io names of the inputs, once parsed.
    wanted: OnceLock<HashSet<Box<str>>>,
    limits: &'l Limits,
    done: AtomicUsize,
    queued: AtomicUsize,
}

/// One loaded file.
struct Found {
    src: u32,
    path: PathBuf,
    batch: Batch,
    tags: Tags,
}

#[derive(Default)]
struct WorkerOut {
    /// Index mode: this worker's advisories.
    index: MatchIndex,
    /// Index mode: loaded before the wanted names were known.
    pending: Vec<(Tags, CompiledAdvisory)>,
    /// Index mode: an id was inserted twice.
    dup: bool,
    /// Collect mode: every file; index mode: files with problems.
    found: Vec<Found>,
    /// `crates/<name>` directories seen (skipped unless wanted).
    prunable: Vec<Arc<str>>,
    /// `rust/<name>` directories not entered.
    rust_skipped: usize,
    error: Option<anyhow::Error>,
}

impl WorkerOut {
    fn insert(&mut self, a: CompiledAdvisory) {
        if self.index.insert(a) != Insert::Inserted {
            self.dup = true;
        }
    }

    /// Index what was loaded before the wanted names were known.
    fn flush(&mut self, wanted: &HashSet<Box<str>>) {
        for (tags, a) in std::mem::take(&mut self.pending) {
            if keep(wanted, &tags) {
                self.insert(a);
            }
        }
    }
}

/// Marks an item finished even if its work panicked, so the other workers
/// do not wait for it forever.
struct Active<'w, 'l>(&'w Walk<'l>);

impl Drop for Active<'_, '_> {
    fn drop(&mut self) {
        let mut q = self.0.queue.lock().unwrap_or_else(PoisonError::into_inner);
        q.active = q.active.saturating_sub(1);
        let wake = q.waiting > 0 && (!q.items.is_empty() || q.active == 0);
        drop(q);
        if wake {
            self.0.cv.notify_all();
        }
    }
}

impl<'l> Walk<'l> {
    fn new(items: Vec<Item>, mode: Mode, limits: &'l Limits) -> Self {
        let queued = items.len();
        Walk {
            mode,
            queue: Mutex::new(Queue {
                items,
                active: 0,
                waiting: 0,
            }),
            cv: Condvar::new(),
            wanted: OnceLock::new(),
            limits,
            done: AtomicUsize::new(0),
            queued: AtomicUsize::new(queued),
        }
    }
}

impl Walk<'_> {
    /// Take items until none are left and none are being worked on.
    fn work(&self, mut prog: Option<&mut Progress>) -> WorkerOut {
        let mut out = WorkerOut::default();
        let out = &mut out;
        let mut scratch = Scratch::new();
        let mut new_items = Vec::new();
        loop {
            let item = {
                let mut q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
                loop {
                    if let Some(it) = q.items.pop() {
                        q.active += 1;
                        break Some(it);
                    }
                    if q.active == 0 {
                        break None;
                    }
                    q.waiting += 1;
                    q = self.cv.wait(q).unwrap_or_else(PoisonError::into_inner);
                    q.waiting -= 1;
                }
            };
            let Some(item) = item else {
                if let Some(w) = self.wanted.get() {
                    out.flush(w);
                }
                return std::mem::take(out);
            };
            let active = Active(self);
            self.process(item, &mut scratch, out, &mut new_items);
            if !new_items.is_empty() {
                self.queued.fetch_add(new_items.len(), Ordering::Relaxed);
                let mut q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
                q.items.append(&mut new_items);
            }
            drop(active);
            let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(p) = prog.as_deref_mut() {
                p.update(done, self.queued.load(Ordering::Relaxed));
            }
        }
    }

    /// Is a result under these tags already known to be unwanted?
    fn unwanted(&self, tags: &[Arc<str>]) -> bool {
        self.wanted
            .get()
            .is_some_and(|w| tags.iter().any(|t| !w.contains(&**t)))
    }

    fn process(&self, item: Item, scratch: &mut Scratch, out: &mut WorkerOut, new: &mut Vec<Item>) {
        match item {
            Item::File { src, path, kind } => {
                let mut batch = Batch::default();
                load_file(&path, kind, self.limits, &mut scratch.file, &mut batch);
                self.accept(out, src, path, batch, &Vec::new());
            }
            Item::Files {
                src,
                dir,
                files,
                tags,
            } => {
                if self.unwanted(&tags) {
                    return;
                }
                for (name, path, kind) in files {
                    self.load_in(&dir, src, name, path, kind, &tags, scratch, out);
                }
            }
            Item::Dir {
                src,
                parent,
                name,
                path,
                tags,
            } => {
                if self.unwanted(&tags) {
                    return;
                }
                if let Err(e) = self.list(src, parent, &name, path, tags, scratch, out, new) {
                    out.error.get_or_insert(e);
                }
            }
        }
    }

    /// Open and list one directory: subdirectories become items; its files
    /// are loaded here, or shared out when there are many.
    #[allow(clippy::too_many_arguments)]
    fn list(
        &self,
        src: u32,
        parent: Option<Arc<DirHandle>>,
        name: &OsString,
        path: PathBuf,
        tags: Tags,
        scratch: &mut Scratch,
        out: &mut WorkerOut,
        new: &mut Vec<Item>,
    ) -> Result<()> {
        let handle = match &parent {
            Some(p) => fsio::open_in(p, name),
            None => fsio::open_root(&path),
        }
        .with_context(|| format!("reading {}", path.display()))?;
        let entries = handle
            .entries(scratch)
            .with_context(|| format!("reading {}", path.display()))?;
        let handle = Arc::new(handle);
        let this = path.file_name().map(|n| n.to_string_lossy());
        let mut files = Vec::new();
        for (entry, kind) in entries {
            match kind {
                EntryKind::Dir => {
                    let n = entry.to_string_lossy();
                    if n.starts_with('.') {
                        continue;
                    }
                    let mut child_tags = tags.clone();
                    match this.as_deref() {
                        Some("rust") => {
                            out.rust_skipped += 1;
                            continue;
                        }
                        Some("crates") => {
                            let t: Arc<str> = Arc::from(n.as_ref());
                            out.prunable.push(t.clone());
                            child_tags.push(t);
                            if self.unwanted(&child_tags) {
                                continue;
                            }
                        }
                        _ => {}
                    }
                    let p = path.join(&entry);
                    new.push(Item::Dir {
                        src,
                        parent: Some(handle.clone()),
                        name: entry,
                        path: p,
                        tags: child_tags,
                    });
                }
                EntryKind::File => {
                    let p = path.join(&entry);
                    if let Some(k) = kind_in_dir(&p) {
                        files.push((entry, p, k));
                    }
                }
                EntryKind::Other => {}
            }
        }
        let mut rest = files.into_iter();
        for (name, path, kind) in rest.by_ref().take(FILES_PER_ITEM) {
            self.load_in(&handle, src, name, path, kind, &tags, scratch, out);
        }
        let rest: Vec<_> = rest.collect();
        for chunk in rest.chunks(FILES_PER_ITEM) {
            new.push(Item::Files {
                src,
                dir: handle.clone(),
                files: chunk.to_vec(),
                tags: tags.clone(),
            });
        }
        Ok(())
    }

    /// Load one file of an open directory.
    #[allow(clippy::too_many_arguments)]
    fn load_in(
        &self,
        dir: &DirHandle,
        src: u32,
        name: OsString,
        path: PathBuf,
        kind: Kind,
        tags: &Tags,
        scratch: &mut Scratch,
        out: &mut WorkerOut,
    ) {
        let mut batch = Batch::default();
        if kind == Kind::Markdown {
            let text = dir
                .read(&name, &mut scratch.file, self.limits.max_record_bytes)
                .and_then(|()| {
                    std::str::from_utf8(&scratch.file)
                        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
                });
            load_md(&path.display().to_string(), text, self.limits, &mut batch);
        } else {
            load_file(&path, kind, self.limits, &mut scratch.file, &mut batch);
        }
        self.accept(out, src, path, batch, tags);
    }

    /// Keep one file's results (see [`Mode`]).
    fn accept(&self, out: &mut WorkerOut, src: u32, path: PathBuf, mut batch: Batch, tags: &Tags) {
        if self.mode == Mode::Collect {
            out.found.push(Found {
                src,
                path,
                batch,
                tags: tags.clone(),
            });
            return;
        }
        let advisories = std::mem::take(&mut batch.advisories);
        match self.wanted.get() {
            Some(w) if !keep(w, tags) => return,
            Some(_) => advisories.into_iter().for_each(|a| out.insert(a)),
            None => out
                .pending
                .extend(advisories.into_iter().map(|a| (tags.clone(), a))),
        }
        if !batch.problems.is_empty() {
            out.found.push(Found {
                src,
                path,
                batch,
                tags: tags.clone(),
            });
        }
    }
}
