//! Shared helpers for the import tests.
#![allow(dead_code)]
// The hook's item type is `Result<Record, Rejection>`, as in levee-formats.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use levee_formats::{Limits, Location, Record, RecordError, Rejection, RejectionClass};
use levee_kb::import::{import_paths, ImportOptions, ImportReport, NativeFormat};
use levee_model::SystemClock;
use levee_store::keys::MasterKey;
use levee_store::testing::{self, TestDb};
use levee_store::Store;

/// Every backend (SQLite; PostgreSQL when configured), opened with an
/// audit key loaded (imports are audited).
pub async fn stores() -> Vec<(TestDb, Store)> {
    let mut out = Vec::new();
    for db in testing::backends().await {
        let store = db
            .open(Arc::new(SystemClock))
            .await
            .unwrap_or_else(|e| panic!("{}: open: {e}", db.name));
        store
            .load_keyring(&MasterKey::generate())
            .await
            .expect("keyring");
        out.push((db, store));
    }
    out
}

pub async fn import(store: &Store, paths: &[PathBuf], opts: &ImportOptions) -> ImportReport {
    import_paths(store, paths, opts, &mut |_| {})
        .await
        .expect("import")
}

/// A temporary directory (removed on drop).
pub fn tempdir() -> testing::TempDir {
    testing::TempDir::new().expect("tempdir")
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

/// A minimal OSV record.
pub fn osv(id: &str, modified: &str, aliases: &[&str]) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "modified": modified,
        "aliases": aliases,
        "summary": format!("summary of {id}"),
        "affected": [{"package": {"ecosystem": "PyPI", "name": "demo"},
                      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0"}]}]}]
    })
}

pub fn jsonl(records: &[serde_json::Value]) -> String {
    records.iter().map(|r| format!("{r}\n")).collect::<String>()
}

fn rejection(source: &str, line: u64, e: RecordError) -> Rejection {
    Rejection::from_record_error(
        Location {
            source: source.to_string(),
            line: Some(line),
            ..Location::default()
        },
        e,
    )
}

/// A deliberately small test converter for GitLab's advisory database
/// (`{"path","data"}` lines) into OSV, exercising the native-format hook.
/// The real converter lives in `levee-feeds`.
pub struct GitlabForTests;

impl NativeFormat for GitlabForTests {
    fn name(&self) -> &str {
        "gitlab-test"
    }
    fn detect(&self, _name: &str, prefix: &[u8]) -> bool {
        prefix.starts_with(b"{\"path\":") && prefix.windows(16).any(|w| w == b"\"package_slug\":\"")
    }
    fn convert<'a>(
        &'a self,
        source: &str,
        bytes: &'a [u8],
    ) -> Box<dyn Iterator<Item = Result<Record, Rejection>> + 'a> {
        let source = source.to_string();
        Box::new(
            bytes
                .split(|&b| b == b'\n')
                .enumerate()
                .filter(|(_, l)| !l.is_empty())
                .map(move |(i, l)| {
                    let line = i as u64 + 1;
                    let v: serde_json::Value = serde_json::from_slice(l).map_err(|e| {
                        let err = RecordError {
                            class: RejectionClass::Syntax,
                            path: None,
                            reason: e.to_string(),
                            id: None,
                        };
                        rejection(&source, line, err)
                    })?;
                    let path = v["path"].as_str().unwrap_or_default();
                    let d = &v["data"];
                    let id = format!("GITLAB-{}", path.trim_end_matches(".yml"));
                    let aliases: Vec<&str> = d["identifiers"]
                        .as_array()
                        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
                        .unwrap_or_default();
                    let slug = d["package_slug"].as_str().unwrap_or_default();
                    let (eco, name) = slug.split_once('/').unwrap_or(("", slug));
                    let osv = serde_json::json!({
                        "id": id,
                        "modified": format!("{}T00:00:00Z", d["date"].as_str().unwrap_or("1970-01-01")),
                        "published": format!("{}T00:00:00Z", d["pubdate"].as_str().unwrap_or("1970-01-01")),
                        "aliases": aliases,
                        "summary": d["title"],
                        "affected": [{"package": {"ecosystem": if eco == "maven" {"Maven"} else {eco}, "name": name.replacen('/', ":", 1)}}],
                    });
                    Record::from_value(&osv, &Limits::default()).map_err(|e| rejection(&source, line, e))
                }),
        )
    }
}

/// A deliberately small test converter for Debian DSA list entries
/// (`{"path","text"}` lines).
pub struct DebianDsaForTests;

impl NativeFormat for DebianDsaForTests {
    fn name(&self) -> &str {
        "debian-dsa-test"
    }
    fn detect(&self, _name: &str, prefix: &[u8]) -> bool {
        prefix.starts_with(b"{\"path\":\"data/DSA/list\"")
    }
    fn convert<'a>(
        &'a self,
        source: &str,
        bytes: &'a [u8],
    ) -> Box<dyn Iterator<Item = Result<Record, Rejection>> + 'a> {
        let source = source.to_string();
        Box::new(
            bytes
                .split(|&b| b == b'\n')
                .enumerate()
                .filter(|(_, l)| !l.is_empty())
                .map(move |(i, l)| {
                    let line = i as u64 + 1;
                    let v: serde_json::Value = serde_json::from_slice(l).unwrap_or_default();
                    let text = v["text"].as_str().unwrap_or_default();
                    // "[11 Dec 2021] DSA-5020-1 apache-log4j2 - security update"
                    let head = text.lines().next().unwrap_or_default();
                    let date = head.get(1..head.find(']').unwrap_or(1)).unwrap_or_default();
                    let mut parts = date.split(' ');
                    let (d, m, y) = (parts.next(), parts.next(), parts.next());
                    let month = [
                        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                        "Nov", "Dec",
                    ]
                    .iter()
                    .position(|x| Some(*x) == m)
                    .map_or(0, |p| p + 1);
                    let mut words = head.split(']').nth(1).unwrap_or_default().split_whitespace();
                    let id = words.next().unwrap_or_default();
                    let pkg = words.next().unwrap_or_default();
                    let cves: Vec<&str> = text
                        .split(['{', '}', ' ', '\t', '\n'])
                        .filter(|w| w.starts_with("CVE-"))
                        .collect();
                    let osv = serde_json::json!({
                        "id": id,
                        "modified": format!("{}-{:02}-{:02}T00:00:00Z", y.unwrap_or("0"), month, d.unwrap_or("0").parse::<u32>().unwrap_or(0)),
                        "aliases": cves,
                        "affected": [{"package": {"ecosystem": "Debian", "name": pkg}}],
                    });
                    Record::from_value(&osv, &Limits::default()).map_err(|e| rejection(&source, line, e))
                }),
        )
    }
}

/// Every `osv-*` folder of the shared data, plus nothing else.
pub fn osv_folders() -> Vec<PathBuf> {
    let Some(root) = levee_testdata::shared_root() else {
        let _ = levee_testdata::shared_data("osv-pypa");
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("shared root")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("osv-"))
        })
        .collect();
    v.sort();
    v
}
