//! Shared helpers for the corpus tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// Every `osv-*/*.jsonl` file of the shared data, sorted (empty when absent).
pub fn osv_jsonl_files() -> Vec<PathBuf> {
    let Some(root) = levee_testdata::shared_data("osv-rustsec") else {
        return Vec::new();
    };
    let root = root.parent().expect("shared root").to_path_buf();
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).expect("read shared root") {
        let dir = dir.expect("dir entry").path();
        let is_osv = dir
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("osv-"));
        if !is_osv || !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).expect("read osv dir") {
            let f = f.expect("file entry").path();
            if f.extension().is_some_and(|e| e == "jsonl") {
                out.push(f);
            }
        }
    }
    out.sort();
    out
}

/// Markdown wrappers whose front matter is not RustSec's (they have OSV
/// exports next to them, which are read instead).
pub fn is_non_rustsec_markdown(p: &std::path::Path) -> bool {
    let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    n == "hsec-advisories-md.jsonl" || n == "ocaml-advisories-md.jsonl"
}
