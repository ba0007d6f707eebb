//! `levee db sync`: follow configured advisory feeds.
//!
//! Each feed in the feeds file (TOML, `[[feed]]` with `name`, `url`,
//! `kind`) is downloaded over HTTP(S) into `DATA_DIR/feeds/`:
//!
//! * conditional requests: the `ETag` / `Last-Modified` of the stored copy
//!   are sent as `If-None-Match` / `If-Modified-Since`; `304` changes
//!   nothing (no rewrite, no import);
//! * resumable: a download goes to `<file>.part`; the validator of the
//!   partial body is recorded in `feeds/state.json` before the body is
//!   read, so an interrupted download is resumed with `Range` + `If-Range`
//!   (a `200` answer restarts it, a `206` appends);
//! * a complete download replaces the stored file atomically (rename) and,
//!   when its SHA-256 differs from the previous copy, is imported.
//!
//! Kinds: `osv-zip` (osv.dev `all.zip`), `csaf-provider` (a
//! `provider-metadata.json`: its ROLIE feeds, then every document),
//! `rolie` (one ROLIE feed, then every document), `cve-json5` (a CVE JSON 5
//! record, JSONL or a zip of records), `kev-json` (CISA KEV), `epss-csv`.
//!
//! Import: each changed file goes through the knowledge-base importer
//! (`levee_kb::import`, the same as `levee import`, with the native formats
//! of levee-feeds plugged in) into the store given by `--data-dir` /
//! `--database-url`; every rejection is appended to
//! `feeds/<name>.rejections.jsonl`, every warning about a record it kept to
//! `feeds/<name>.warnings.jsonl`. A file is marked imported only after its
//! import committed, so a failed import is retried by the next sync.
//!
//! Exit codes: 0 every feed synced, 2 a feed failed (others still synced).

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{EXIT_ERROR, EXIT_OK};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Download the configured feeds (conditional, resumable) and import what changed.
    Sync(SyncArgs),
}

#[derive(clap::Args, Debug)]
pub struct SyncArgs {
    /// Feeds file (TOML: `[[feed]] name, url, kind`). Default: DATA_DIR/feeds.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data directory (downloads go to DATA_DIR/feeds/).
    #[arg(long, env = "LEVEE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// `postgres://…` database to import into (default: the SQLite database in DATA_DIR).
    #[arg(
        long,
        env = "LEVEE_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Only these feeds (repeatable).
    #[arg(long = "feed", value_name = "NAME")]
    pub only: Vec<String>,
    /// Download only; do not import.
    #[arg(long)]
    pub no_import: bool,
    /// Seconds without any data before a download is given up (it resumes
    /// on the next sync).
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(c: Command) -> Result<u8> {
    match c {
        Command::Sync(a) => sync(a),
    }
}

/// Feed kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    OsvZip,
    CsafProvider,
    Rolie,
    CveJson5,
    KevJson,
    EpssCsv,
}

impl Kind {
    fn ext(self) -> &'static str {
        match self {
            Kind::OsvZip => "zip",
            Kind::EpssCsv => "csv",
            _ => "json",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConf {
    pub name: String,
    pub url: String,
    pub kind: Kind,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedsFile {
    #[serde(default, rename = "feed")]
    feeds: Vec<FeedConf>,
}

fn load_feeds(path: &Path) -> Result<Vec<FeedConf>> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let f: FeedsFile = toml::from_str(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let mut seen = std::collections::HashSet::new();
    for feed in &f.feeds {
        let ok = !feed.name.is_empty()
            && feed.name.len() <= 100
            && feed
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && !feed.name.starts_with('.');
        if !ok {
            bail!(
                "{}: feed name {:?} must be [A-Za-z0-9._-]+",
                path.display(),
                feed.name
            );
        }
        if !seen.insert(feed.name.clone()) {
            bail!("{}: feed {:?} configured twice", path.display(), feed.name);
        }
        if !(feed.url.starts_with("https://") || feed.url.starts_with("http://")) {
            bail!(
                "{}: feed {:?}: url must be http(s)",
                path.display(),
                feed.name
            );
        }
    }
    Ok(f.feeds)
}

// ------------------------------------------------------------------ state

/// What is known about one stored download (key: path under feeds/).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FileState {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub sha256: String,
    /// Validator of the `.part` file being downloaded, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<Partial>,
    /// SHA-256 of the copy last imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_sha256: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Partial {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    #[serde(default)]
    files: BTreeMap<String, FileState>,
}

struct Store {
    dir: PathBuf,
    state: State,
}

impl Store {
    fn open(dir: PathBuf) -> Result<Store> {
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let p = dir.join("state.json");
        let state = match fs::read(&p) {
            Ok(b) => {
                serde_json::from_slice(&b).with_context(|| format!("reading {}", p.display()))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => State::default(),
            Err(e) => return Err(e).with_context(|| format!("reading {}", p.display())),
        };
        Ok(Store { dir, state })
    }

    fn save(&self) -> Result<()> {
        let p = self.dir.join("state.json");
        let tmp = self.dir.join("state.json.tmp");
        fs::write(&tmp, serde_json::to_vec_pretty(&self.state)?)?;
        fs::rename(&tmp, &p).with_context(|| format!("writing {}", p.display()))?;
        Ok(())
    }
}

// ------------------------------------------------------------------ HTTP

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fetch {
    /// 304, or 200 with the same bytes.
    Unchanged,
    /// A new copy is stored.
    Changed,
}

fn header(resp: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn sha256_file(p: &Path) -> Result<String> {
    let mut f = File::open(p)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(buf.get(..n).unwrap_or_default());
    }
    Ok(hex::encode(h.finalize()))
}

/// Download `url` into `feeds/<rel>` (see the module docs).
fn fetch(
    agent: &ureq::Agent,
    store: &mut Store,
    rel: &str,
    url: &str,
    stats: &mut FeedStats,
) -> Result<Fetch> {
    let dest = store.dir.join(rel);
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent)?;
    }
    let part = PathBuf::from(format!("{}.part", dest.display()));
    let mut st = store.state.files.get(rel).cloned().unwrap_or_default();
    let part_len = fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    let resumable = part_len > 0
        && st
            .partial
            .as_ref()
            .is_some_and(|p| p.url == url && (p.etag.is_some() || p.last_modified.is_some()));
    let mut req = agent.get(url);
    let mut resume_from = 0u64;
    if resumable {
        let p = st.partial.clone().unwrap_or_default();
        let validator = p.etag.or(p.last_modified).unwrap_or_default();
        req = req
            .header("Range", format!("bytes={part_len}-"))
            .header("If-Range", validator);
        resume_from = part_len;
        stats.requests_resumed += 1;
    } else if dest.exists() && st.url == url {
        let mut conditional = false;
        if let Some(e) = &st.etag {
            req = req.header("If-None-Match", e);
            conditional = true;
        }
        if let Some(lm) = &st.last_modified {
            req = req.header("If-Modified-Since", lm);
            conditional = true;
        }
        if conditional {
            stats.requests_conditional += 1;
        }
    }
    stats.requests += 1;
    let resp = req.call().map_err(|e| anyhow!("GET {url}: {e}"))?;
    let status = resp.status().as_u16();
    let (append, start) = match status {
        304 => {
            stats.not_modified += 1;
            return Ok(Fetch::Unchanged);
        }
        206 if resumable => {
            let cr = header(&resp, "content-range").unwrap_or_default();
            let start: Option<u64> = cr
                .strip_prefix("bytes ")
                .and_then(|r| r.split('-').next())
                .and_then(|s| s.trim().parse().ok());
            if start != Some(resume_from) {
                bail!("GET {url}: Content-Range {cr:?} does not continue at byte {resume_from}");
            }
            (true, resume_from)
        }
        200 => (false, 0),
        416 if resumable => {
            // The part is not a prefix of the current resource: restart.
            let _ = fs::remove_file(&part);
            st.partial = None;
            store.state.files.insert(rel.to_string(), st);
            store.save()?;
            return fetch(agent, store, rel, url, stats);
        }
        s => bail!("GET {url}: HTTP {s}"),
    };
    // Record the validator before reading the body: an interruption can resume.
    let etag = header(&resp, "etag");
    let last_modified = header(&resp, "last-modified");
    if !append {
        st.partial = Some(Partial {
            url: url.to_string(),
            etag: etag.clone(),
            last_modified: last_modified.clone(),
        });
        store.state.files.insert(rel.to_string(), st.clone());
        store.save()?;
    }
    let mut out = if append {
        OpenOptions::new().append(true).open(&part)?
    } else {
        File::create(&part)?
    };
    let mut body = resp.into_body().into_reader();
    let mut buf = vec![0u8; 64 << 10];
    let mut got = start;
    loop {
        match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                out.write_all(buf.get(..n).unwrap_or_default())?;
                got += n as u64;
            }
            Err(e) => {
                out.flush()?;
                stats.bytes += got - start;
                bail!("GET {url}: interrupted after {got} bytes ({e}); the next sync resumes");
            }
        }
    }
    out.sync_all()?;
    drop(out);
    stats.bytes += got - start;
    let sha = sha256_file(&part)?;
    fs::rename(&part, &dest).with_context(|| format!("storing {}", dest.display()))?;
    let partial = st.partial.take().unwrap_or_default();
    let changed = sha != st.sha256;
    st.url = url.to_string();
    // A resumed body keeps the validator of its first part.
    st.etag = if append { partial.etag } else { etag };
    st.last_modified = if append {
        partial.last_modified
    } else {
        last_modified
    };
    st.size = got;
    st.sha256 = sha;
    store.state.files.insert(rel.to_string(), st);
    store.save()?;
    if changed {
        stats.downloaded += 1;
        Ok(Fetch::Changed)
    } else {
        stats.not_modified += 1;
        Ok(Fetch::Unchanged)
    }
}

/// A CSAF provider's ROLIE feed label that allows storing its documents
/// as TLP:CLEAR.
fn feed_is_clear(label: Option<&str>) -> bool {
    label
        .and_then(|l| l.parse::<levee_model::Tlp>().ok())
        .is_some_and(|t| t == levee_model::Tlp::Clear)
}

/// Resolve `href` against `base` (absolute URLs, `/path`, relative paths).
fn join_url(base: &str, href: &str) -> String {
    if href.starts_with("http://") || href.starts_with("https://") {
        return href.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    let host = rest.split('/').next().unwrap_or(rest);
    if let Some(p) = href.strip_prefix('/') {
        return format!("{scheme}://{host}/{p}");
    }
    let dir = match base.rfind('/') {
        Some(i) if i > scheme.len() + 2 => base.get(..=i).unwrap_or(base),
        _ => return format!("{scheme}://{host}/{href}"),
    };
    format!("{dir}{href}")
}

fn safe_file_name(url: &str, fallback: usize) -> String {
    let last = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .rsplit('/')
        .next()
        .unwrap_or("");
    let ok = !last.is_empty()
        && !last.starts_with('.')
        && last.len() <= 200
        && last
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+'));
    if ok {
        last.to_string()
    } else {
        format!("doc-{fallback}.json")
    }
}

// ------------------------------------------------------------------ sync

#[derive(Debug, Default, Serialize)]
pub struct FeedStats {
    pub name: String,
    pub requests: u64,
    pub requests_conditional: u64,
    pub requests_resumed: u64,
    pub not_modified: u64,
    pub downloaded: u64,
    pub bytes: u64,
    pub imported_files: u64,
    pub records: u64,
    pub rejected: u64,
    /// Warnings about records kept (see `levee import`).
    pub warnings: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The knowledge base the sync imports into: a runtime and an open store
/// (with its keys, since imports are audited).
struct Kb {
    rt: tokio::runtime::Runtime,
    store: levee_store::Store,
}

impl Kb {
    fn open(a: &SyncArgs, data_dir: &Path) -> Result<Kb> {
        let storage = crate::opts::Storage {
            data_dir: data_dir.to_path_buf(),
            database_url: a.database_url.clone(),
            master_key_file: None,
        };
        let rt = crate::opts::runtime()?;
        let (store, _, _) = rt.block_on(storage.open_with_keys())?;
        Ok(Kb { rt, store })
    }
}

fn sync(a: SyncArgs) -> Result<u8> {
    let data_dir = a
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("levee-data"));
    let config = a
        .config
        .clone()
        .unwrap_or_else(|| data_dir.join("feeds.toml"));
    let mut feeds = load_feeds(&config)?;
    if !a.only.is_empty() {
        for n in &a.only {
            if !feeds.iter().any(|f| &f.name == n) {
                bail!("no feed named {n:?} in {}", config.display());
            }
        }
        feeds.retain(|f| a.only.contains(&f.name));
    }
    let mut store = Store::open(data_dir.join("feeds"))?;
    let kb = if a.no_import {
        None
    } else {
        Some(Kb::open(&a, &data_dir)?)
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        // A stall limit, not a total: large dumps may take long, but a
        // connection that stops delivering is given up (and resumed later).
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_per_read(Some(Duration::from_secs(a.timeout.max(1))))
        .user_agent(concat!("levee/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut all = Vec::new();
    let mut code = EXIT_OK;
    for f in &feeds {
        let mut stats = FeedStats {
            name: f.name.clone(),
            ..FeedStats::default()
        };
        if let Err(e) = sync_feed(&agent, &mut store, kb.as_ref(), f, &mut stats) {
            stats.error = Some(format!("{e:#}"));
            code = EXIT_ERROR;
        }
        if !a.json {
            eprintln!(
                "{}: {} request(s) ({} conditional, {} resumed), {} not modified, {} downloaded ({} bytes), {} file(s) imported: {} record(s), {} rejected, {} warning(s){}",
                stats.name,
                stats.requests,
                stats.requests_conditional,
                stats.requests_resumed,
                stats.not_modified,
                stats.downloaded,
                stats.bytes,
                stats.imported_files,
                stats.records,
                stats.rejected,
                stats.warnings,
                stats.error.as_deref().map(|e| format!(", ERROR: {e}")).unwrap_or_default()
            );
        }
        all.push(stats);
    }
    let import_mode = if a.no_import {
        "none"
    } else {
        "knowledge base"
    };
    if a.json {
        let out = serde_json::json!({
            "feeds": all,
            "import": import_mode,
            "database_url_given": a.database_url.is_some(),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    }
    Ok(code)
}

fn sync_feed(
    agent: &ureq::Agent,
    store: &mut Store,
    kb: Option<&Kb>,
    f: &FeedConf,
    stats: &mut FeedStats,
) -> Result<()> {
    let mut changed: Vec<String> = Vec::new();
    match f.kind {
        Kind::CsafProvider | Kind::Rolie => {
            let mut rolie_urls = Vec::new();
            if f.kind == Kind::CsafProvider {
                let rel = format!("{}/provider-metadata.json", f.name);
                fetch(agent, store, &rel, &f.url, stats)?;
                let pm: serde_json::Value =
                    serde_json::from_slice(&fs::read(store.dir.join(&rel))?)
                        .with_context(|| format!("{}: provider metadata is not JSON", f.url))?;
                for d in pm
                    .get("distributions")
                    .and_then(|d| d.as_array())
                    .into_iter()
                    .flatten()
                {
                    for feed in d
                        .get("rolie")
                        .and_then(|r| r.get("feeds"))
                        .and_then(|x| x.as_array())
                        .into_iter()
                        .flatten()
                    {
                        let Some(u) = feed.get("url").and_then(|u| u.as_str()) else {
                            continue;
                        };
                        // Synced records are stored as TLP:CLEAR: only a
                        // WHITE feed (CSAF's `tlp_label`; TLP 1.0 WHITE is
                        // CLEAR) is followed; GREEN, AMBER, RED and
                        // UNLABELED are not, whatever their documents say
                        // of themselves.
                        let label = feed.get("tlp_label").and_then(|l| l.as_str());
                        if !feed_is_clear(label) {
                            eprintln!(
                                "levee: {}: feed {} is labelled {}; not followed (synced records are TLP:CLEAR)",
                                f.name,
                                join_url(&f.url, u),
                                label.unwrap_or("(no tlp_label)")
                            );
                            continue;
                        }
                        rolie_urls.push(join_url(&f.url, u));
                    }
                }
            } else {
                rolie_urls.push(f.url.clone());
            }
            let mut n = 0usize;
            for (i, ru) in rolie_urls.iter().enumerate() {
                let rel = format!("{}/rolie-{i}.json", f.name);
                fetch(agent, store, &rel, ru, stats)?;
                let feed: serde_json::Value =
                    serde_json::from_slice(&fs::read(store.dir.join(&rel))?)
                        .with_context(|| format!("{ru}: ROLIE feed is not JSON"))?;
                for e in feed
                    .get("feed")
                    .and_then(|x| x.get("entry"))
                    .and_then(|x| x.as_array())
                    .into_iter()
                    .flatten()
                {
                    let src = e
                        .get("content")
                        .and_then(|c| c.get("src"))
                        .and_then(|s| s.as_str())
                        .or_else(|| {
                            e.get("link")
                                .and_then(|l| l.as_array())
                                .into_iter()
                                .flatten()
                                .find_map(|l| {
                                    (l.get("rel").and_then(|r| r.as_str()) == Some("self"))
                                        .then(|| l.get("href").and_then(|h| h.as_str()))
                                        .flatten()
                                })
                        });
                    let Some(src) = src else {
                        continue;
                    };
                    n += 1;
                    let url = join_url(ru, src);
                    let rel = format!("{}/docs/{}", f.name, safe_file_name(&url, n));
                    fetch(agent, store, &rel, &url, stats)?;
                    if needs_import(store, &rel) {
                        changed.push(rel);
                    }
                }
            }
        }
        _ => {
            let rel = format!("{}.{}", f.name, f.kind.ext());
            fetch(agent, store, &rel, &f.url, stats)?;
            if needs_import(store, &rel) {
                changed.push(rel);
            }
        }
    }
    let Some(kb) = kb else {
        return Ok(());
    };
    if changed.is_empty() {
        return Ok(());
    }
    // One import for all of a feed's changed files: an import loads the
    // grouping state of the whole knowledge base, so one per document (a
    // CSAF provider lists thousands) would cost that many loads.
    let report = store.dir.join(format!("{}.rejections.jsonl", f.name));
    let paths: Vec<PathBuf> = changed.iter().map(|rel| store.dir.join(rel)).collect();
    let warnings = store.dir.join(format!("{}.warnings.jsonl", f.name));
    let r = import_files(kb, f.kind, &paths, &store.dir, &report, &warnings)?;
    let mut unreadable = Vec::new();
    for (rel, s) in changed.iter().zip(&r.sources) {
        stats.records += s.read;
        stats.rejected += s.rejected;
        stats.warnings += s.warnings;
        match &s.unreadable {
            Some(why) => unreadable.push(format!("{rel}: {why}")),
            None => {
                stats.imported_files += 1;
                if let Some(st) = store.state.files.get_mut(rel) {
                    st.imported_sha256 = Some(st.sha256.clone());
                }
            }
        }
    }
    store.save()?;
    if !unreadable.is_empty() {
        bail!("{}", unreadable.join("; "));
    }
    Ok(())
}

/// Is the stored copy of `rel` not yet imported as it is? True after a
/// download that changed it, and also after one whose import failed (the
/// next sync may get `304 Not Modified`, yet the file still needs importing).
fn needs_import(store: &Store, rel: &str) -> bool {
    store
        .state
        .files
        .get(rel)
        .is_some_and(|s| s.imported_sha256.as_deref() != Some(s.sha256.as_str()))
}

/// Append `lines` to `path` as JSON lines, each line written whole (one
/// `write_all` of its text and newline); nothing when there are none.
fn append_lines<T: Serialize>(path: &Path, lines: &[T]) -> Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let mut f = OpenOptions::new().create(true).append(true).open(path)?;
    for l in lines {
        let mut text = serde_json::to_vec(l)?;
        text.push(b'\n');
        f.write_all(&text)?;
    }
    Ok(())
}

/// Import downloaded files into the knowledge base in one run (the same
/// importer as `levee import`, native formats included), each named by its
/// path under `base`; rejections are appended to `report`, warnings about
/// kept records to `warnings`. The report has
/// one source summary per file, in order.
fn import_files(
    kb: &Kb,
    kind: Kind,
    paths: &[PathBuf],
    base: &Path,
    report: &Path,
    warnings: &Path,
) -> Result<levee_kb::import::ImportReport> {
    let format = match kind {
        Kind::CveJson5 => Some(levee_kb::import::Format::Native(
            levee_feeds::FeedFormat::CveJson5.name().into(),
        )),
        Kind::CsafProvider | Kind::Rolie => Some(levee_kb::import::Format::Native(
            levee_feeds::FeedFormat::Csaf.name().into(),
        )),
        Kind::KevJson => Some(levee_kb::import::Format::KevJson),
        Kind::EpssCsv => Some(levee_kb::import::Format::Epss),
        Kind::OsvZip => None,
    };
    let opts = levee_kb::import::ImportOptions {
        format,
        source_base: Some(base.to_path_buf()),
        natives: crate::natives::all(),
        actor: "db-sync".into(),
        ..levee_kb::import::ImportOptions::default()
    };
    let r = kb
        .rt
        .block_on(levee_kb::import::import_paths(
            &kb.store,
            paths,
            &opts,
            &mut |_| {},
        ))
        .map_err(|e| anyhow!("{}: {e}", report.display()))?;
    append_lines(report, &r.rejections)?;
    append_lines(warnings, &r.warnings)?;
    if r.sources.len() != paths.len() {
        bail!(
            "import reported {} sources for {} files",
            r.sources.len(),
            paths.len()
        );
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            join_url("https://a.b/x/feed.json", "doc.json"),
            "https://a.b/x/doc.json"
        );
        assert_eq!(
            join_url("https://a.b/x/feed.json", "/y/doc.json"),
            "https://a.b/y/doc.json"
        );
        assert_eq!(
            join_url("https://a.b/x/feed.json", "https://c.d/e"),
            "https://c.d/e"
        );
        assert_eq!(
            safe_file_name("https://a.b/2020/ESA-001.json?x=1", 3),
            "ESA-001.json"
        );
        assert_eq!(safe_file_name("https://a.b/..", 3), "doc-3.json");
    }
}
