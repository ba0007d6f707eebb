//! The reading side of an import: runs on its own thread, turns files into
//! batches of store rows (parsing, validation, search text, labels) and
//! sends them to the writer, so that parsing overlaps with database work.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use levee_formats::{InputFormat, ReadOptions, Record, Rejection};
use levee_model::Timestamp;
use levee_store::kb::{KbRecordRow, Label};
use tokio::sync::mpsc::Sender;

use super::detect::{detect, Format, PREFIX};
use super::{ImportOptions, ImportRejection, ImportWarning};

/// Rejection class codes the importer adds to those of
/// `levee_formats::RejectionClass` (for enrichment feeds).
pub const ENRICHMENT_CLASSES: &[&str] = &[
    "kev_entry",
    "epss_row",
    "cwe_row",
    "feed_header",
    "tlp_marking",
];

/// Why a record may not be stored under `label`: its own TLP marking
/// (`database_specific.tlp`, as CSAF documents carry theirs) is stricter
/// than the label, or not a TLP label at all. Storing it would show it to
/// readers its author did not allow, so it is refused, not relabelled: a
/// stricter label needs an owner organization or named recipients that
/// only the importer's caller can give.
fn marking_refusal(r: &Record, label: &Label) -> Option<String> {
    let raw = r.database_specific.as_ref()?;
    if !raw.get().contains("\"tlp\"") {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(raw.get()).ok()?;
    let marking = match v.get("tlp")? {
        serde_json::Value::Null => return None,
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match marking.parse::<levee_model::Tlp>() {
        Ok(t) if t <= label.tlp => None,
        Ok(t) => Some(format!(
            "the document is marked TLP:{}; imported as TLP:{} it would be shown to readers the marking excludes",
            t.as_str(),
            label.tlp.as_str()
        )),
        Err(_) => Some(format!("unknown TLP marking {marking:?}")),
    }
}

/// What the reader sends to the writer.
pub(crate) enum Msg {
    Start {
        file: usize,
        format: String,
    },
    Records {
        file: usize,
        rows: Vec<KbRecordRow>,
        rejections: Vec<ImportRejection>,
        /// About records in `rows`.
        warnings: Vec<ImportWarning>,
    },
    Kev {
        file: usize,
        rows: Vec<(String, String, String)>,
        rejections: Vec<ImportRejection>,
    },
    Epss {
        file: usize,
        rows: Vec<(String, String, String, Option<String>)>,
        rejections: Vec<ImportRejection>,
    },
    Cwe {
        file: usize,
        rows: Vec<(i64, String)>,
        rejections: Vec<ImportRejection>,
    },
    /// The file could not be read at all.
    Unreadable {
        file: usize,
        rejection: ImportRejection,
    },
    Done {
        file: usize,
    },
}

pub(crate) struct Job {
    pub files: Vec<PathBuf>,
    pub opts: ImportOptions,
    pub tx: Sender<Msg>,
    /// Bytes of the current file consumed so far (for progress).
    pub pos: Arc<AtomicU64>,
}

/// `Read` that counts what it hands out.
struct Counting<R> {
    inner: R,
    pos: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A model timestamp (UTC microseconds) from an OSV one.
pub fn ts(t: &levee_formats::Timestamp) -> Timestamp {
    let micros = t
        .unix_seconds()
        .saturating_mul(1_000_000)
        .saturating_add(i64::from(t.subsec_nanos() / 1000));
    Timestamp::from_micros(micros)
}

/// Lower-cased text searched by full-text queries: ids, summary, details.
fn search_text(r: &Record) -> String {
    let mut s = String::with_capacity(
        r.id.len()
            + r.summary.as_ref().map_or(0, String::len)
            + r.details.as_ref().map_or(0, String::len)
            + 64,
    );
    s.push_str(&r.id);
    for a in &r.aliases {
        s.push(' ');
        s.push_str(a);
    }
    for t in [&r.summary, &r.details].into_iter().flatten() {
        s.push('\n');
        s.push_str(t);
    }
    if s.is_ascii() {
        s.make_ascii_lowercase();
        s
    } else {
        s.to_lowercase()
    }
}

/// A parsed record as a store row, kept verbatim with its provenance.
pub fn record_row(r: &Record, source: &str, label: &Label) -> KbRecordRow {
    KbRecordRow {
        id: r.id.clone(),
        source: source.to_string(),
        modified: ts(&r.modified),
        published: r.published.as_ref().map(ts),
        withdrawn: r.withdrawn.as_ref().map(ts),
        aliases: r.aliases.clone(),
        related: r.related.clone(),
        upstream: r.upstream.clone(),
        summary: r.summary.clone(),
        search: search_text(r),
        json: r.source_json().to_string(),
        label: label.clone(),
        affected: r
            .affected
            .iter()
            .filter_map(|a| a.package.as_ref())
            .map(|p| (p.ecosystem.clone(), p.name.clone(), p.purl.clone()))
            .collect(),
    }
}

impl ImportRejection {
    pub(crate) fn from_formats(file: &str, r: Rejection) -> Self {
        ImportRejection {
            file: file.to_string(),
            entry: r.location.entry,
            line: r.location.line,
            index: r.location.index,
            path: r.location.path,
            id: r.id,
            class: r.class.code().to_string(),
            reason: r.reason,
        }
    }

    pub(crate) fn file_level(file: &str, class: &str, reason: impl Into<String>) -> Self {
        ImportRejection {
            file: file.to_string(),
            entry: None,
            line: None,
            index: None,
            path: None,
            id: None,
            class: class.to_string(),
            reason: reason.into(),
        }
    }

    fn from_feed(file: &str, class: &str, e: levee_score::RecordError) -> Self {
        ImportRejection {
            file: file.to_string(),
            entry: None,
            line: e.line,
            index: None,
            path: e.field,
            id: None,
            class: class.to_string(),
            reason: e.reason,
        }
    }

    /// Does this rejection concern the whole file (nothing could be read)?
    pub fn is_file_level(&self) -> bool {
        self.entry.is_none() && self.line.is_none() && self.index.is_none() && self.path.is_none()
    }
}

/// The provenance name of a file: its file name (or the caller's name).
pub(crate) fn source_name(path: &Path, opts: &ImportOptions) -> String {
    if let Some(s) = &opts.source {
        return s.clone();
    }
    if let Some(rel) = opts
        .source_base
        .as_deref()
        .and_then(|b| path.strip_prefix(b).ok())
    {
        return rel.to_string_lossy().into_owned();
    }
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The reader thread's body. Returns when every file is read or the
/// writer hung up.
pub(crate) fn run(job: Job) {
    for (i, path) in job.files.iter().enumerate() {
        job.pos.store(0, Ordering::Relaxed);
        if read_file(&job, i, path).is_err() {
            return; // writer gone
        }
        if job.tx.blocking_send(Msg::Done { file: i }).is_err() {
            return;
        }
    }
}

struct Gone;

fn send(job: &Job, m: Msg) -> Result<(), Gone> {
    job.tx.blocking_send(m).map_err(|_| Gone)
}

fn read_prefix(f: &mut File) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(PREFIX);
    f.by_ref().take(PREFIX as u64).read_to_end(&mut buf)?;
    f.seek(SeekFrom::Start(0))?;
    Ok(buf)
}

fn read_file(job: &Job, i: usize, path: &Path) -> Result<(), Gone> {
    let shown = path.display().to_string();
    let unreadable = |class: &str, reason: String| Msg::Unreadable {
        file: i,
        rejection: ImportRejection::file_level(&shown, class, reason),
    };
    let mut f = match File::open(path) {
        Ok(f) if path.is_dir() => {
            drop(f);
            return send(job, unreadable("io", "is a directory".into()));
        }
        Ok(f) => f,
        Err(e) => return send(job, unreadable("io", e.to_string())),
    };
    let prefix = match read_prefix(&mut f) {
        Ok(p) => p,
        Err(e) => return send(job, unreadable("io", e.to_string())),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let opts = &job.opts;
    if prefix.iter().all(u8::is_ascii_whitespace) {
        // An empty input holds no records; that is not an error.
        return send(
            job,
            Msg::Start {
                file: i,
                format: "empty".into(),
            },
        );
    }
    let format = opts
        .format
        .clone()
        .or_else(|| detect(&name, &prefix, &opts.natives, &opts.limits));
    let source = source_name(path, opts);
    send(
        job,
        Msg::Start {
            file: i,
            format: format
                .as_ref()
                .map_or_else(|| "unknown".into(), Format::name),
        },
    )?;
    match format {
        Some(Format::Osv(InputFormat::Zip)) => {
            let ro = ReadOptions {
                limits: opts.limits.clone(),
                format: Some(InputFormat::Zip),
            };
            let it = levee_formats::read_zip(&shown, f, &ro);
            records(job, i, &shown, &source, it)
        }
        Some(Format::Native(n)) => {
            let Some(conv) = opts.natives.iter().find(|c| c.name() == n).cloned() else {
                return send(
                    job,
                    unreadable("unknown_format", format!("no converter named {n:?}")),
                );
            };
            let bytes = match read_all(job, f) {
                Ok(b) => b,
                Err(m) => return send(job, unreadable(m.0, m.1)),
            };
            let it = conv.convert(&shown, &bytes);
            records(job, i, &shown, &source, it)
        }
        Some(fmt @ (Format::KevJson | Format::KevCsv | Format::Epss | Format::CweCsv)) => {
            let bytes = match read_all(job, f) {
                Ok(b) => b,
                Err(m) => return send(job, unreadable(m.0, m.1)),
            };
            enrichment(job, i, &shown, &name, &fmt, &bytes)
        }
        Some(Format::Osv(forced)) => {
            // Let the readers decide between JSON and JSONL themselves
            // unless the caller forced a format.
            let ro = ReadOptions {
                limits: opts.limits.clone(),
                format: opts.format.as_ref().map(|_| forced),
            };
            let counting = Counting {
                inner: f,
                pos: job.pos.clone(),
            };
            let it = levee_formats::read_stream(&shown, counting, &ro);
            records(job, i, &shown, &source, it)
        }
        None => {
            let ro = ReadOptions {
                limits: opts.limits.clone(),
                format: None,
            };
            let counting = Counting {
                inner: f,
                pos: job.pos.clone(),
            };
            let it = levee_formats::read_stream(&shown, counting, &ro);
            records(job, i, &shown, &source, it)
        }
    }
}

fn read_all(job: &Job, f: File) -> Result<Vec<u8>, (&'static str, String)> {
    let cap = job.opts.limits.max_file_bytes;
    let mut buf = Vec::new();
    let mut c = Counting {
        inner: f,
        pos: job.pos.clone(),
    };
    match c.by_ref().take(cap.saturating_add(1)).read_to_end(&mut buf) {
        Ok(_) if buf.len() as u64 > cap => Err((
            "too_large",
            format!("input larger than the limit of {cap} bytes"),
        )),
        Ok(_) => Ok(buf),
        Err(e) => Err(("io", e.to_string())),
    }
}

fn records<'a>(
    job: &Job,
    i: usize,
    shown: &str,
    source: &str,
    it: impl Iterator<Item = Result<Record, Rejection>> + 'a,
) -> Result<(), Gone> {
    let batch = job.opts.batch_size.max(1);
    // Grown as needed: the writer holds every batch until a
    // transaction's worth has arrived, one per small file.
    let mut rows = Vec::new();
    let mut rejections = Vec::new();
    let mut warnings = Vec::new();
    for item in it {
        match item {
            Ok(r) => match marking_refusal(&r, &job.opts.label) {
                None => {
                    warnings.extend(r.warnings.iter().map(|w| ImportWarning {
                        file: shown.to_string(),
                        id: r.id.clone(),
                        code: w.code.to_string(),
                        path: w.path.clone(),
                        message: w.message.clone(),
                    }));
                    rows.push(record_row(&r, source, &job.opts.label));
                }
                Some(reason) => rejections.push(ImportRejection {
                    file: shown.to_string(),
                    entry: None,
                    line: None,
                    index: None,
                    path: Some("database_specific.tlp".into()),
                    id: Some(r.id.clone()),
                    class: "tlp_marking".into(),
                    reason,
                }),
            },
            Err(rej) => {
                let r = ImportRejection::from_formats(shown, rej);
                if r.is_file_level() {
                    // Nothing (more) could be read from this input.
                    send(
                        job,
                        Msg::Records {
                            file: i,
                            rows: std::mem::take(&mut rows),
                            rejections: std::mem::take(&mut rejections),
                            warnings: std::mem::take(&mut warnings),
                        },
                    )?;
                    return send(
                        job,
                        Msg::Unreadable {
                            file: i,
                            rejection: r,
                        },
                    );
                }
                rejections.push(r);
            }
        }
        if rows.len() + rejections.len() >= batch {
            send(
                job,
                Msg::Records {
                    file: i,
                    rows: std::mem::take(&mut rows),
                    rejections: std::mem::take(&mut rejections),
                    warnings: std::mem::take(&mut warnings),
                },
            )?;
        }
    }
    if !rows.is_empty() || !rejections.is_empty() {
        send(
            job,
            Msg::Records {
                file: i,
                rows,
                rejections,
                warnings,
            },
        )?;
    }
    Ok(())
}

fn enrichment(
    job: &Job,
    i: usize,
    shown: &str,
    name: &str,
    fmt: &Format,
    bytes: &[u8],
) -> Result<(), Gone> {
    let batch = job.opts.batch_size.max(1) * 2;
    let header = |e: levee_score::FeedError| Msg::Unreadable {
        file: i,
        rejection: ImportRejection::file_level(shown, "feed_header", e.to_string()),
    };
    match fmt {
        Format::KevJson | Format::KevCsv => {
            let mut rows = Vec::new();
            let mut rej = Vec::new();
            let mut push = |e: Result<levee_score::kev::KevEntry, levee_score::RecordError>| match e
            {
                Ok(e) => {
                    let data = serde_json::to_string(&e).unwrap_or_default();
                    rows.push((e.cve_id.to_string(), e.date_added.to_string(), data));
                }
                Err(e) => rej.push(ImportRejection::from_feed(shown, "kev_entry", e)),
            };
            if *fmt == Format::KevJson {
                match levee_score::kev::KevJson::parse(bytes) {
                    Ok(cat) => cat.entries().for_each(&mut push),
                    Err(e) => return send(job, header(e)),
                }
            } else {
                match levee_score::kev::KevCsv::new(bytes) {
                    Ok(it) => it.for_each(&mut push),
                    Err(e) => return send(job, header(e)),
                }
            }
            // A catalogue is small (~1,400 entries): one batch.
            send(
                job,
                Msg::Kev {
                    file: i,
                    rows,
                    rejections: rej,
                },
            )
        }
        Format::Epss => {
            let day = levee_score::Date::find_in(name);
            let it = match levee_score::epss::parse(bytes, day) {
                Ok(it) => it,
                Err(e) => return send(job, header(e)),
            };
            let mut rows = Vec::new();
            let mut rej = Vec::new();
            for e in it {
                match e {
                    Ok(s) => rows.push((
                        s.cve.to_string(),
                        s.epss.to_string(),
                        s.percentile.to_string(),
                        s.date.map(|d| d.to_string()),
                    )),
                    Err(e) => rej.push(ImportRejection::from_feed(shown, "epss_row", e)),
                }
                if rows.len() + rej.len() >= batch {
                    send(
                        job,
                        Msg::Epss {
                            file: i,
                            rows: std::mem::take(&mut rows),
                            rejections: std::mem::take(&mut rej),
                        },
                    )?;
                }
            }
            send(
                job,
                Msg::Epss {
                    file: i,
                    rows,
                    rejections: rej,
                },
            )
        }
        Format::CweCsv => {
            let it = match levee_score::cwe::CweCsv::new(bytes) {
                Ok(it) => it,
                Err(e) => return send(job, header(e)),
            };
            let mut rows = Vec::new();
            let mut rej = Vec::new();
            for e in it {
                match e {
                    Ok(c) => rows.push((i64::from(c.id.0), c.name)),
                    Err(e) => rej.push(ImportRejection::from_feed(shown, "cwe_row", e)),
                }
            }
            send(
                job,
                Msg::Cwe {
                    file: i,
                    rows,
                    rejections: rej,
                },
            )
        }
        Format::Osv(_) | Format::Native(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_names() {
        let p = Path::new("/sync/vendor/docs/doc-1.json");
        let mut opts = ImportOptions::default();
        assert_eq!(source_name(p, &opts), "doc-1.json");
        opts.source_base = Some(PathBuf::from("/sync"));
        assert_eq!(source_name(p, &opts), "vendor/docs/doc-1.json");
        // Outside the base: the file name.
        assert_eq!(source_name(Path::new("/else/x.json"), &opts), "x.json");
        opts.source = Some("named".into());
        assert_eq!(source_name(p, &opts), "named");
    }

    #[test]
    fn a_record_marked_stricter_than_its_label_is_refused() {
        let rec = |tlp: &str| {
            levee_formats::Record::from_json(
                &format!(
                    r#"{{"id":"X-{n}","modified":"2024-01-01T00:00:00Z","database_specific":{{"tlp":{tlp}}}}}"#,
                    n = tlp.len()
                ),
                &levee_formats::Limits::default(),
            )
            .unwrap()
        };
        let clear = Label::clear();
        let green = Label {
            tlp: levee_model::Tlp::Green,
            ..Label::clear()
        };
        assert_eq!(marking_refusal(&rec("\"WHITE\""), &clear), None);
        assert_eq!(marking_refusal(&rec("\"CLEAR\""), &clear), None);
        assert_eq!(marking_refusal(&rec("null"), &clear), None);
        assert_eq!(marking_refusal(&rec("\"GREEN\""), &green), None);
        for (marking, label) in [
            ("\"GREEN\"", &clear),
            ("\"AMBER\"", &clear),
            ("\"TLP:AMBER+STRICT\"", &green),
            ("\"RED\"", &green),
        ] {
            let why = marking_refusal(&rec(marking), label).unwrap_or_default();
            assert!(why.contains("it would be shown"), "{marking}: {why}");
        }
        assert!(marking_refusal(&rec("\"PINK\""), &clear)
            .unwrap_or_default()
            .contains("unknown TLP marking"));
        assert!(marking_refusal(&rec("3"), &clear).is_some());
        // Without a marking nothing changes.
        let plain = levee_formats::Record::from_json(
            r#"{"id":"X-1","modified":"2024-01-01T00:00:00Z","database_specific":{"x":1}}"#,
            &levee_formats::Limits::default(),
        )
        .unwrap();
        assert_eq!(marking_refusal(&plain, &clear), None);
    }

    /// A file with one record sends a batch the size of one record: the
    /// writer keeps each file's batch until a transaction's worth (5,000
    /// rows) has arrived, and batches allocated for 5,000 rows made an
    /// import of 2,000 one-record files take 4 GiB.
    #[test]
    fn a_small_input_sends_a_small_batch() {
        let (tx, mut rx) = tokio::sync::mpsc::channel(4);
        let job = Job {
            files: Vec::new(),
            opts: ImportOptions::default(),
            tx,
            pos: Arc::default(),
        };
        let rec = levee_formats::Record::from_json(
            r#"{"id":"X-1","modified":"2024-01-01T00:00:00Z"}"#,
            &levee_formats::Limits::default(),
        )
        .unwrap();
        assert!(records(&job, 0, "f", "s", std::iter::once(Ok(rec))).is_ok());
        match rx.try_recv() {
            Ok(Msg::Records { rows, .. }) => {
                assert_eq!(rows.len(), 1);
                assert!(rows.capacity() < 16, "capacity {}", rows.capacity());
            }
            _ => panic!("expected a Records message"),
        }
    }
}
