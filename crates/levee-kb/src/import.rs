//! Import of advisory files into the store.
//!
//! [`import_paths`] takes files and directories, detects each input's format
//! from its content ([`detect::detect`]; `ImportOptions::format` overrides),
//! and streams it into the store:
//!
//! - **OSV** (JSON, JSON array, JSONL, YAML, zip, RustSec markdown and its
//!   `{path,text}` JSONL) through `levee-formats`' readers, with their bomb
//!   limits; each record is stored verbatim with its provenance (`source` =
//!   file name) and label (TLP:CLEAR for public feeds unless the caller
//!   gives another).
//! - **Enrichment**: CISA KEV (JSON, CSV), EPSS (FIRST CSV, plain
//!   `cve;epss;percentile`, API JSON; the date from the header or the file
//!   name), CWE CSV.
//! - **Native formats** (GitLab, Debian, …): a [`NativeFormat`] converter
//!   plugged in through `ImportOptions::natives` turns bytes into OSV
//!   records; they are then imported like OSV.
//!
//! Reading runs on its own thread and hands batches (`batch_size` records)
//! to the writer; each batch is one transaction with its change-log entries
//! and one audit entry. A bad record is a rejection (file, line or entry,
//! class code, reason) and never stops the import; a file that cannot be
//! read at all is reported as unreadable.
//!
//! Grouping: the grouper is loaded from the store at the start
//! (`kb_group_keys`), each written record is added, records are stored with
//! their current group key, and a final transaction moves every record
//! whose group changed, rebuilds the id index of the touched groups and
//! replaces the list of refused merges.

#![allow(clippy::result_large_err)] // `Result<Record, Rejection>`, as in levee-formats

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use levee_formats::{Grouper, Limits, Record, Rejection};
use levee_store::kb::{KbRecordRow, Label, Upsert};
use levee_store::{Store, StoreError};
use serde::Serialize;
use serde_json::json;

pub mod detect;
mod read;

pub use detect::{detect, expand, Format};
pub use read::{record_row, ts as model_time, ENRICHMENT_CLASSES};

/// A converter for a non-OSV advisory format (GitLab, Debian DSA/DLA,
/// Alpine secdb, …) plugged into the importer: bytes and a source name in,
/// OSV records (or rejections) out. `levee-feeds` provides these.
pub trait NativeFormat: Send + Sync {
    /// The name used for `--input-format` and in reports.
    fn name(&self) -> &str;
    /// Does an input with this file name and these first bytes (up to 64
    /// KiB) look like this format?
    fn detect(&self, file_name: &str, prefix: &[u8]) -> bool;
    /// Formats whose detection is one function that tells them apart (one
    /// parse of the prefix names the format) return the same key here and
    /// answer [`NativeFormat::detect_among`]: detection then runs once per
    /// input for all of them, not once per format.
    fn shared_detector(&self) -> Option<&str> {
        None
    }
    /// With a [`NativeFormat::shared_detector`]: the name of the format, of
    /// those sharing it, that an input is.
    fn detect_among(&self, file_name: &str, prefix: &[u8]) -> Option<String> {
        self.detect(file_name, prefix)
            .then(|| self.name().to_string())
    }
    /// Convert a whole input. `source` names it in rejections.
    fn convert<'a>(
        &'a self,
        source: &str,
        bytes: &'a [u8],
    ) -> Box<dyn Iterator<Item = Result<Record, Rejection>> + 'a>;
}

/// How to import.
#[derive(Clone)]
pub struct ImportOptions {
    /// Read every input as this format (detected per input when `None`).
    pub format: Option<Format>,
    /// The label of imported records (public feeds: TLP:CLEAR).
    pub label: Label,
    /// Provenance name for every record (default: the file name).
    pub source: Option<String>,
    /// Without `source`: name each file by its path relative to this
    /// directory (`levee db sync`: `feed/docs/doc-1.json`) instead of its
    /// file name.
    pub source_base: Option<PathBuf>,
    /// Records per transaction.
    pub batch_size: usize,
    /// Reader limits (bombs).
    pub limits: Limits,
    /// Audit actor.
    pub actor: String,
    /// Audit organization.
    pub org: Option<String>,
    /// Converters for native formats.
    pub natives: Vec<Arc<dyn NativeFormat>>,
    /// Rebuild the id index of every group, not only the touched ones
    /// (repairs the index after an interrupted import).
    pub regroup_all: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            format: None,
            label: Label::clear(),
            source: None,
            source_base: None,
            batch_size: 5000,
            limits: Limits::default(),
            actor: "cli".into(),
            org: None,
            natives: Vec::new(),
            regroup_all: false,
        }
    }
}

impl std::fmt::Debug for ImportOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportOptions")
            .field("format", &self.format)
            .field("label", &self.label)
            .field("source", &self.source)
            .field("batch_size", &self.batch_size)
            .field(
                "natives",
                &self.natives.iter().map(|n| n.name()).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// One refused record (or a whole input that could not be read).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportRejection {
    /// The input file as given.
    pub file: String,
    /// Zip entry or wrapper path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// 1-based line where the record starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 0-based record ordinal in the file or entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// JSON path or field of the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The record id, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Stable class code: a `levee_formats::RejectionClass` code, or one of
    /// [`ENRICHMENT_CLASSES`].
    pub class: String,
    pub reason: String,
}

/// A non-fatal problem in a record that was imported (a GIT range without
/// a repository, a range of a type OSV does not define, ...): the record is
/// kept, and the importer says what it noticed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportWarning {
    /// The input file as given.
    pub file: String,
    /// The record's id.
    pub id: String,
    /// Stable code (a `levee_formats::Warning` code, e.g. `unknown_range_type`).
    pub code: String,
    /// JSON path in the record.
    pub path: String,
    pub message: String,
}

/// Is `code` a rejection class the importer can produce?
pub fn is_known_class(code: &str) -> bool {
    levee_formats::RejectionClass::from_code(code).is_some() || ENRICHMENT_CLASSES.contains(&code)
}

/// What happened to one input.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SourceSummary {
    /// The file as given (or found in a directory).
    pub file: String,
    /// Provenance name stored with its records.
    pub source: String,
    /// Detected (or forced) format.
    pub format: String,
    /// Records (or enrichment rows) read, rejected ones included.
    pub read: u64,
    pub imported: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// Warnings about records that were read and kept.
    pub warnings: u64,
    /// Why the file could not be read (at all, or from some point on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
}

/// What grouping did at the end of the import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GroupSummary {
    /// Groups (vulnerabilities) holding at least one record.
    pub groups: u64,
    /// Records whose group changed in the final pass.
    pub regrouped: u64,
    /// Groups whose id index was rebuilt.
    pub rebuilt: u64,
    /// Refused merges (two CVE ids no record lists together).
    pub conflicts: u64,
}

/// The result of an import.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportReport {
    pub sources: Vec<SourceSummary>,
    pub rejections: Vec<ImportRejection>,
    pub warnings: Vec<ImportWarning>,
    pub grouping: GroupSummary,
    #[serde(skip)]
    pub elapsed: Duration,
}

impl ImportReport {
    /// Sum over every source.
    pub fn totals(&self) -> SourceSummary {
        let mut t = SourceSummary {
            file: "total".into(),
            source: "total".into(),
            format: String::new(),
            ..SourceSummary::default()
        };
        for s in &self.sources {
            t.read += s.read;
            t.imported += s.imported;
            t.updated += s.updated;
            t.unchanged += s.unchanged;
            t.rejected += s.rejected;
            t.warnings += s.warnings;
        }
        t
    }

    /// Inputs that could not be read (at all, or from some point on).
    pub fn unreadable(&self) -> impl Iterator<Item = &SourceSummary> {
        self.sources.iter().filter(|s| s.unreadable.is_some())
    }
}

/// The importer failed (the store did); rejections are not errors.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the reader thread failed: {0}")]
    Reader(String),
}

/// Where an import is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    Reading,
    Grouping,
    Done,
}

/// Progress, reported after every committed batch.
#[derive(Clone, Debug)]
pub struct Progress {
    pub phase: Phase,
    /// The current file.
    pub file: String,
    /// 0-based index of the current file, and how many there are.
    pub file_index: usize,
    pub files: usize,
    /// Bytes read so far over all files, and their total size.
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// Records read so far (rejected ones included), and rejected.
    pub records: u64,
    pub rejected: u64,
}

fn keys_hash(r: &KbRecordRow) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&r.aliases, &r.related, &r.upstream).hash(&mut h);
    h.finish()
}

fn keys_hash_of(aliases: &[String], related: &[String], upstream: &[String]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (aliases, related, upstream).hash(&mut h);
    h.finish()
}

/// The writer's grouping state.
struct Groups {
    grouper: Grouper,
    /// id → hash of the grouping keys of the stored version.
    known: HashMap<String, u64>,
    /// id → group key stored with the record.
    stored: HashMap<String, String>,
    /// Records written in this import.
    written: HashSet<String>,
}

impl Groups {
    async fn load(store: &Store) -> Result<Groups, StoreError> {
        let keys = store.kb_group_keys().await?;
        let mut g = Groups {
            grouper: Grouper::new(),
            known: HashMap::with_capacity(keys.len()),
            stored: HashMap::with_capacity(keys.len()),
            written: HashSet::new(),
        };
        for k in keys {
            g.grouper.add(&k.id, &k.aliases, &k.related, &k.upstream);
            g.known.insert(
                k.id.clone(),
                keys_hash_of(&k.aliases, &k.related, &k.upstream),
            );
            g.stored.insert(k.id, k.vuln_id);
        }
        Ok(g)
    }
}

/// (cve, date added, entry JSON)
type KevRow = (String, String, String);
/// (cve, epss, percentile, score date)
type EpssRow = (String, String, String, Option<String>);

/// Batches waiting for the next transaction (several small files share
/// one; a big file is cut by the reader).
#[derive(Default)]
struct Pending {
    records: Vec<(usize, Vec<KbRecordRow>)>,
    kev: Vec<(usize, Vec<KevRow>)>,
    epss: Vec<(usize, Vec<EpssRow>)>,
    cwe: Vec<(usize, Vec<(i64, String)>)>,
    rows: usize,
}

struct Writer<'a> {
    store: &'a Store,
    opts: &'a ImportOptions,
    report: ImportReport,
    groups: Groups,
    pending: Pending,
    checkpoint: Option<tokio::task::JoinHandle<()>>,
    records: u64,
    rejected: u64,
    /// `meta` key set with this import's first written batch and removed
    /// by its final regroup: while it exists, the alias index may lack
    /// records this import committed (it crashed, or is still running).
    marker: String,
    /// Whether a committed batch has set `marker` (it is written once).
    marker_set: bool,
    /// Such keys found at the start (earlier imports that did not finish):
    /// this import rebuilds the whole index and removes them.
    stale: Vec<String>,
    /// The change log's head when this import loaded its grouping snapshot,
    /// and the `kb_record` entries it has written since.
    start_seq: i64,
    own_changes: i64,
}

/// What [`Writer::regroup`] writes.
struct Plan {
    groups: usize,
    /// (record, new group key)
    changes: Vec<(String, String)>,
    /// (group key, its ids; empty: remove the group)
    rebuild: Vec<(String, Vec<String>)>,
    /// (record, alias, detail) refused merges
    conflicts: Vec<(String, String, String)>,
}

/// Prefix of the [`Writer::marker`] keys.
const REGROUP_PENDING: &str = "kb_regroup_pending:";

/// (inserted, updated, unchanged)
type Counts = (u64, u64, u64);

fn tally(outcomes: &[Upsert]) -> Counts {
    let (mut i, mut u, mut n) = (0, 0, 0);
    for o in outcomes {
        match o {
            Upsert::Inserted => i += 1,
            Upsert::Updated => u += 1,
            Upsert::Unchanged => n += 1,
        }
    }
    (i, u, n)
}

impl Writer<'_> {
    fn source(&mut self, file: usize) -> &mut SourceSummary {
        while self.report.sources.len() <= file {
            self.report.sources.push(SourceSummary::default());
        }
        &mut self.report.sources[file]
    }

    fn rejections(&mut self, file: usize, rej: Vec<ImportRejection>) {
        let n = rej.len() as u64;
        let s = self.source(file);
        s.read += n;
        s.rejected += n;
        self.rejected += n;
        self.records += n;
        self.report.rejections.extend(rej);
    }

    fn counted(&mut self, file: usize, kind: &str, c: Counts, audit: &mut Vec<serde_json::Value>) {
        self.records += c.0 + c.1 + c.2;
        let s = self.source(file);
        s.read += c.0 + c.1 + c.2;
        s.imported += c.0;
        s.updated += c.1;
        s.unchanged += c.2;
        if c.0 + c.1 > 0 {
            audit.push(json!({
                "source": s.source,
                "format": s.format,
                "kind": kind,
                "inserted": c.0,
                "updated": c.1,
                "unchanged": c.2,
            }));
        }
    }

    /// Start a passive WAL checkpoint on another connection unless one is
    /// still running (SQLite; see `WriteTx::kb_bulk_mode`).
    fn checkpoint_in_background(&mut self) {
        if self.checkpoint.as_ref().is_some_and(|h| !h.is_finished()) {
            return;
        }
        let store = self.store.clone();
        self.checkpoint = Some(tokio::spawn(async move {
            if let Err(e) = store.kb_checkpoint().await {
                tracing::debug!("background checkpoint: {e}");
            }
        }));
    }

    /// Write everything pending in one transaction, with one audit entry;
    /// roll back when nothing changed (a re-import of unchanged data writes
    /// nothing).
    async fn flush(&mut self) -> Result<(), StoreError> {
        let p = std::mem::take(&mut self.pending);
        if p.rows == 0 {
            return Ok(());
        }
        let mut tx = self.store.write().await?;
        tx.kb_bulk_mode().await?;
        let mut audit: Vec<serde_json::Value> = Vec::new();
        // Advisory records: all pending files in one upsert.
        let mut files: Vec<(usize, usize)> = Vec::with_capacity(p.records.len());
        let mut rows: Vec<KbRecordRow> = Vec::with_capacity(p.rows);
        for (file, r) in p.records {
            files.push((file, r.len()));
            rows.extend(r);
        }
        let g = &mut self.groups;
        let hashes: Vec<u64> = rows.iter().map(keys_hash).collect();
        let mut tentative = vec![false; rows.len()];
        for (i, r) in rows.iter().enumerate() {
            if g.known.get(&r.id) != hashes.get(i) {
                g.grouper.add(&r.id, &r.aliases, &r.related, &r.upstream);
                tentative[i] = true;
            }
        }
        let vulns: Vec<String> = g
            .grouper
            .group_keys(rows.iter().map(|r| r.id.as_str()))
            .into_iter()
            .zip(&rows)
            .map(|(k, r)| k.unwrap_or_else(|| r.id.clone()))
            .collect();
        let outcomes = if rows.is_empty() {
            Vec::new()
        } else {
            tx.kb_upsert_grouped(&rows, &vulns).await?
        };
        let mut at = 0;
        for (file, n) in files {
            let o = outcomes.get(at..at + n).unwrap_or_default();
            at += n;
            self.counted(file, "records", tally(o), &mut audit);
        }
        for (file, r) in &p.kev {
            let o = tx.kb_upsert_kev_classified(r).await?;
            self.counted(*file, "kev", tally(&o), &mut audit);
        }
        for (file, r) in &p.epss {
            let o = tx.kb_upsert_epss_classified(r).await?;
            self.counted(*file, "epss", tally(&o), &mut audit);
        }
        for (file, r) in &p.cwe {
            let o = tx.kb_upsert_cwe_classified(r).await?;
            self.counted(*file, "cwe", tally(&o), &mut audit);
        }
        if audit.is_empty() {
            tx.rollback().await?;
        } else {
            // Enrichment tables have no per-row change entries: one per
            // source and batch, so mirrors know to refetch them.
            for a in audit.iter().filter(|a| a["kind"] != "records") {
                let kind = a["kind"].as_str().unwrap_or("enrichment");
                let source = a["source"].as_str().unwrap_or_default();
                tx.change(&format!("kb_{kind}"), source, "import", a)
                    .await?;
            }
            let object = match audit.as_slice() {
                [one] => one["source"].as_str().unwrap_or("kb").to_string(),
                _ => "kb".to_string(),
            };
            tx.audit(
                &self.opts.actor,
                self.opts.org.as_deref(),
                "kb.import",
                &object,
                &json!({ "batch": audit }),
            )
            .await?;
            // One change-log entry per distinct written id (a batch may
            // repeat an id; the later occurrence is the one written).
            let written = rows
                .iter()
                .zip(&outcomes)
                .filter(|(_, o)| **o != Upsert::Unchanged)
                .map(|(r, _)| r.id.as_str())
                .collect::<HashSet<&str>>()
                .len();
            if written > 0 && !self.marker_set {
                tx.meta_set(&self.marker, "1").await?;
            }
            tx.commit().await?;
            self.marker_set |= written > 0;
            self.own_changes += written as i64;
            self.checkpoint_in_background();
        }
        let g = &mut self.groups;
        for (i, r) in rows.iter().enumerate() {
            if outcomes.get(i) != Some(&Upsert::Unchanged) {
                g.known.insert(r.id.clone(), hashes[i]);
                if let Some(v) = vulns.get(i) {
                    g.stored.insert(r.id.clone(), v.clone());
                }
                g.written.insert(r.id.clone());
            }
        }
        // A record added to the grouper but not written (an older version
        // of a stored one) must not change grouping: put the stored keys back.
        let restore: Vec<&str> = rows
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                tentative[*i]
                    && outcomes.get(*i) == Some(&Upsert::Unchanged)
                    && g.known.get(&r.id) != hashes.get(*i)
            })
            .map(|(_, r)| r.id.as_str())
            .collect();
        let restore: Vec<String> = restore.into_iter().map(str::to_string).collect();
        // Freeing a batch's texts is a measurable share of the writer's
        // time: do it off the writer's path.
        std::thread::spawn(move || drop(rows));
        for id in restore {
            if let Some(s) = self.store.kb_record(&id).await? {
                self.groups
                    .grouper
                    .add(&s.id, &s.aliases, &s.related, &s.upstream);
            }
        }
        Ok(())
    }

    /// The final pass: move records whose group changed, rebuild the id
    /// index of touched groups, replace the refused merges. Planned before
    /// the write lock is taken; under it, planned again from the stored
    /// state only if another import committed records meanwhile.
    async fn regroup(&mut self) -> Result<(), StoreError> {
        let all = self.opts.regroup_all || !self.stale.is_empty();
        let mut plan = self.plan(all);
        let mut tx = self.store.write().await?;
        if tx.changes_after(self.start_seq, "kb_record").await? > self.own_changes {
            // This import's grouping snapshot is stale: reload it (with the
            // lock held, nobody commits in between) and rebuild everything.
            let written = std::mem::take(&mut self.groups.written);
            self.groups = Groups::load(self.store).await?;
            self.groups.written = written;
            plan = self.plan(true);
        }
        let Plan {
            groups,
            changes,
            rebuild,
            conflicts,
        } = plan;
        self.report.grouping.groups = groups as u64;
        self.report.grouping.regrouped = changes.len() as u64;
        self.report.grouping.rebuilt = rebuild.len() as u64;
        self.report.grouping.conflicts = conflicts.len() as u64;
        if changes.is_empty()
            && rebuild.is_empty()
            && self.groups.written.is_empty()
            && self.stale.is_empty()
        {
            tx.rollback().await?;
            return Ok(());
        }
        tx.kb_bulk_mode().await?;
        tx.kb_set_groups(&changes, &rebuild).await?;
        tx.kb_set_conflicts(&conflicts).await?;
        tx.audit(
            &self.opts.actor,
            self.opts.org.as_deref(),
            "kb.group",
            "kb",
            &json!({
                "groups": groups,
                "regrouped": changes.len(),
                "rebuilt": rebuild.len(),
                "conflicts": conflicts.len(),
            }),
        )
        .await?;
        for key in std::iter::once(&self.marker).chain(&self.stale) {
            tx.meta_delete(key).await?;
        }
        tx.commit().await?;
        for (rec, key) in changes {
            self.groups.stored.insert(rec, key);
        }
        Ok(())
    }

    /// What the final pass writes, from the grouping state in memory:
    /// every group's index is rebuilt with `all`, else the touched ones.
    fn plan(&self, all: bool) -> Plan {
        let g = &self.groups;
        let groups = g.grouper.groups();
        let mut changes: Vec<(String, String)> = Vec::new();
        let mut touched_keys: HashSet<String> = HashSet::new();
        for grp in &groups {
            for rec in &grp.records {
                match g.stored.get(rec) {
                    Some(v) if *v == grp.key => {}
                    old => {
                        if let Some(o) = old {
                            touched_keys.insert(o.clone());
                        }
                        touched_keys.insert(grp.key.clone());
                        changes.push((rec.clone(), grp.key.clone()));
                    }
                }
            }
        }
        let mut rebuild: Vec<(String, Vec<String>)> = Vec::new();
        let mut current: HashSet<&str> = HashSet::new();
        for grp in &groups {
            current.insert(&grp.key);
            let touched = all
                || touched_keys.contains(&grp.key)
                || grp.records.iter().any(|r| g.written.contains(r));
            if touched {
                rebuild.push((grp.key.clone(), grp.ids.clone()));
            }
        }
        // Groups that no longer exist: drop their index entries.
        for k in &touched_keys {
            if !current.contains(k.as_str()) {
                rebuild.push((k.clone(), Vec::new()));
            }
        }
        let conflicts = g
            .grouper
            .conflicts()
            .into_iter()
            .map(|c| {
                let detail = json!({
                    "record_side_cves": c.record_side_cves,
                    "alias_side_cves": c.alias_side_cves,
                })
                .to_string();
                (c.record, c.alias, detail)
            })
            .collect();
        Plan {
            groups: groups.len(),
            changes,
            rebuild,
            conflicts,
        }
    }
}

/// Import files and directories (see the module docs). `progress` is
/// called after every committed batch and at phase changes.
pub async fn import_paths(
    store: &Store,
    paths: &[PathBuf],
    opts: &ImportOptions,
    progress: &mut (dyn FnMut(&Progress) + Send),
) -> Result<ImportReport, ImportError> {
    let started = Instant::now();
    let files = expand(paths);
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .collect();
    let bytes_total: u64 = sizes.iter().sum();
    let start_seq = store.last_change_seq().await?;
    let stale = store.meta_keys(REGROUP_PENDING).await?;
    let groups = Groups::load(store).await?;
    let mut w = Writer {
        store,
        opts,
        report: ImportReport::default(),
        groups,
        pending: Pending::default(),
        checkpoint: None,
        records: 0,
        rejected: 0,
        marker: format!("{REGROUP_PENDING}{}", levee_store::new_id("")),
        marker_set: false,
        stale,
        start_seq,
        own_changes: 0,
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let pos = Arc::new(AtomicU64::new(0));
    let job = read::Job {
        files: files.clone(),
        opts: opts.clone(),
        tx,
        pos: pos.clone(),
    };
    let reader = std::thread::Builder::new()
        .name("levee-import-read".into())
        .spawn(move || read::run(job))
        .map_err(|e| ImportError::Reader(e.to_string()))?;
    let mut done_bytes = 0u64;
    let mut current = 0usize;
    let shown = |i: usize| {
        files
            .get(i)
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    };
    let ensure = |w: &mut Writer<'_>, file: usize| {
        while w.report.sources.len() <= file {
            let i = w.report.sources.len();
            let path = files.get(i).cloned().unwrap_or_default();
            w.report.sources.push(SourceSummary {
                file: path.display().to_string(),
                source: read::source_name(&path, opts),
                format: "unknown".into(),
                ..SourceSummary::default()
            });
        }
    };
    if let Some(last) = files.len().checked_sub(1) {
        ensure(&mut w, last);
    }
    let result: Result<(), StoreError> = async {
        while let Some(m) = rx.recv().await {
            let file = match &m {
                read::Msg::Start { file, .. }
                | read::Msg::Records { file, .. }
                | read::Msg::Kev { file, .. }
                | read::Msg::Epss { file, .. }
                | read::Msg::Cwe { file, .. }
                | read::Msg::Unreadable { file, .. }
                | read::Msg::Done { file } => *file,
            };
            ensure(&mut w, file);
            current = file;
            match m {
                read::Msg::Start { file, format } => w.source(file).format = format,
                read::Msg::Records {
                    file,
                    rows,
                    rejections,
                    warnings,
                } => {
                    w.rejections(file, rejections);
                    w.source(file).warnings += warnings.len() as u64;
                    w.report.warnings.extend(warnings);
                    w.pending.rows += rows.len();
                    w.pending.records.push((file, rows));
                }
                read::Msg::Kev {
                    file,
                    rows,
                    rejections,
                } => {
                    w.rejections(file, rejections);
                    w.pending.rows += rows.len();
                    w.pending.kev.push((file, rows));
                }
                read::Msg::Epss {
                    file,
                    rows,
                    rejections,
                } => {
                    w.rejections(file, rejections);
                    w.pending.rows += rows.len();
                    w.pending.epss.push((file, rows));
                }
                read::Msg::Cwe {
                    file,
                    rows,
                    rejections,
                } => {
                    w.rejections(file, rejections);
                    w.pending.rows += rows.len();
                    w.pending.cwe.push((file, rows));
                }
                read::Msg::Unreadable { file, rejection } => {
                    w.source(file).unreadable =
                        Some(format!("[{}] {}", rejection.class, rejection.reason));
                    w.report.rejections.push(rejection);
                }
                read::Msg::Done { file } => {
                    done_bytes += sizes.get(file).copied().unwrap_or(0);
                    pos.store(0, Ordering::Relaxed);
                }
            }
            if w.pending.rows >= opts.batch_size.max(1) {
                w.flush().await?;
            }
            progress(&Progress {
                phase: Phase::Reading,
                file: shown(current),
                file_index: current,
                files: files.len(),
                bytes_done: (done_bytes + pos.load(Ordering::Relaxed)).min(bytes_total),
                bytes_total,
                records: w.records,
                rejected: w.rejected,
            });
        }
        w.flush().await
    }
    .await;
    // On a store error the receiver is dropped here, so the reader stops.
    drop(rx);
    let joined = reader.join();
    result?;
    joined.map_err(|_| ImportError::Reader("the reader thread panicked".into()))?;
    ensure(&mut w, files.len().saturating_sub(1));
    w.report.sources.truncate(files.len());
    let mut p = Progress {
        phase: Phase::Grouping,
        file: String::new(),
        file_index: files.len(),
        files: files.len(),
        bytes_done: bytes_total,
        bytes_total,
        records: w.records,
        rejected: w.rejected,
    };
    progress(&p);
    w.regroup().await?;
    if let Some(h) = w.checkpoint.take() {
        let _ = h.await;
    }
    p.phase = Phase::Done;
    progress(&p);
    w.report.elapsed = started.elapsed();
    Ok(w.report)
}

/// Import one in-memory input (for the server and `levee db sync`): the
/// bytes are written to nothing; `name` is the file name used for format
/// detection and provenance.
pub async fn import_bytes(
    store: &Store,
    name: &str,
    bytes: &[u8],
    opts: &ImportOptions,
    progress: &mut (dyn FnMut(&Progress) + Send),
) -> Result<ImportReport, ImportError> {
    // Reuse the file pipeline through a private temporary file: the readers
    // stream from files, and inputs up to `max_file_bytes` are fine on disk.
    let dir = std::env::temp_dir().join(levee_store::new_id("levee-import-"));
    std::fs::create_dir_all(&dir).map_err(StoreError::Io)?;
    let safe: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("input")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(if safe.is_empty() {
        "input".into()
    } else {
        safe
    });
    let res = async {
        std::fs::write(&path, bytes).map_err(StoreError::Io)?;
        let mut o = opts.clone();
        if o.source.is_none() {
            o.source = Some(name.to_string());
        }
        import_paths(store, std::slice::from_ref(&path), &o, progress).await
    }
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    let mut report = res?;
    for s in &mut report.sources {
        s.file = name.to_string();
    }
    for r in &mut report.rejections {
        r.file = name.to_string();
    }
    Ok(report)
}
