//! Deterministic large Cargo.lock generator for the cargo-audit
//! differential test and the benchmark (shared with
//! `crates/levee-match/examples/gen_cargo_lock.rs`, so the test and
//! `bench/scan_vs_cargo_audit.py` use the very same files).
//!
//! Names and versions are drawn from the RustSec advisories themselves
//! (every version a `patched` / `unaffected` requirement mentions, and its
//! neighbours, some as pre-releases), mixed with filler crates, and a few
//! advisory crates from git, path and alternative-registry sources (which
//! cargo-audit does not check). No `sparse+https://index.crates.io/`
//! sources: cargo-audit 0.22 skips those (a known divergence, see
//! `sparse_crates_io_source_is_checked` in `scan_cli.rs`), levee checks them.
#![allow(dead_code)]

use std::collections::BTreeSet;

/// Crate name -> versions worth trying, from advisory-db markdown JSONL
/// (`{"path","text"}` per line).
pub fn advisory_versions(md_jsonl: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let limits = levee_formats::Limits::default();
    for line in md_jsonl.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let (Some(path), Some(text)) = (
            v.get("path").and_then(|p| p.as_str()),
            v.get("text").and_then(|t| t.as_str()),
        ) else {
            continue;
        };
        if !path.starts_with("crates/") {
            continue;
        }
        let Ok(a) = levee_formats::parse_rustsec_md(Some(path), text, &limits) else {
            continue;
        };
        let mut vs = BTreeSet::new();
        for req in a.patched.iter().chain(&a.unaffected) {
            for tok in req.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-')) {
                if let Some(base) = triple(tok) {
                    let (x, y, z) = base;
                    vs.insert(format!("{x}.{y}.{z}"));
                    if z > 0 {
                        vs.insert(format!("{x}.{y}.{}", z - 1));
                    }
                    vs.insert(format!("{x}.{y}.{}", z + 1));
                    if y > 0 {
                        vs.insert(format!("{x}.{}.0", y - 1));
                    }
                    vs.insert(format!("{x}.{y}.{z}-alpha.1"));
                }
            }
        }
        if vs.is_empty() {
            vs.insert("0.1.0".to_string());
            vs.insert("1.0.0".to_string());
        }
        match out.iter_mut().find(|(n, _)| *n == a.package) {
            Some((_, e)) => {
                for v in vs {
                    if !e.contains(&v) {
                        e.push(v);
                    }
                }
            }
            None => out.push((a.package.clone(), vs.into_iter().collect())),
        }
    }
    out
}

fn triple(tok: &str) -> Option<(u64, u64, u64)> {
    let core = tok.split('-').next()?;
    let mut it = core.split('.');
    let x = it.next()?.parse().ok()?;
    let y = it.next().map_or(Some(0), |s| s.parse().ok())?;
    let z = it.next().map_or(Some(0), |s| s.parse().ok())?;
    if it.next().is_some() {
        return None;
    }
    Some((x, y, z))
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % (n.max(1) as u64)) as usize
    }
}

const CRATES_IO: &str = "registry+https://github.com/rust-lang/crates.io-index";

/// A Cargo.lock (format v3) with exactly `n` packages.
pub fn generate(adv: &[(String, Vec<String>)], n: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut seen = BTreeSet::new();
    let mut pkgs: Vec<(String, String, Option<String>)> = Vec::new();
    let mut filler = 0usize;
    let mut attempts = 0usize;
    while pkgs.len() < n && attempts < n * 50 {
        attempts += 1;
        let roll = rng.below(100);
        let (name, version) = if roll < 55 && !adv.is_empty() {
            let (name, versions) = &adv[rng.below(adv.len())];
            (name.clone(), versions[rng.below(versions.len())].clone())
        } else {
            filler += 1;
            (
                format!("levee-gen-filler-{filler:05}"),
                format!("{}.{}.{}", rng.below(3), rng.below(30), rng.below(10)),
            )
        };
        if !seen.insert((name.clone(), version.clone())) {
            continue;
        }
        let source = match rng.below(100) {
            0..=3 => Some(format!(
                "git+https://github.com/example/{name}?rev=main#{:040x}",
                u128::from(rng.next()) << 32 | u128::from(rng.next() as u32)
            )),
            4..=5 => None,
            6 => Some("registry+https://example.invalid/other-index".to_string()),
            _ => Some(CRATES_IO.to_string()),
        };
        pkgs.push((name, version, source));
    }
    pkgs.sort();
    let mut out = String::from(
        "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 3\n",
    );
    for (name, version, source) in &pkgs {
        out.push_str("\n[[package]]\n");
        out.push_str(&format!("name = \"{name}\"\nversion = \"{version}\"\n"));
        if let Some(s) = source {
            out.push_str(&format!("source = \"{s}\"\n"));
        }
    }
    out
}
