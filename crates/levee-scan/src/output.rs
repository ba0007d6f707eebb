//! Report renderers: table, JSON, SARIF 2.1.0, CycloneDX 1.6 VEX.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use anyhow::Result;
use serde_json::{json, Value};

use super::{Hit, Report, Upgrade};

const TOOL_URI: &str = "https://example.invalid/levee";

/// The JSON report, streamed to `w`. Byte for byte what
/// `serde_json::to_writer_pretty` writes for the whole document, but the
/// findings array (most of a large report) is rendered on a second thread
/// while this one renders the rest.
pub fn json(r: &Report, w: &mut impl std::io::Write) -> std::io::Result<()> {
    let tool = json!({"name": "levee", "version": env!("CARGO_PKG_VERSION")});
    let advisories = json!({
        "sources": r.advisory_sources,
        "loaded": r.advisories_loaded,
        "package_dirs_skipped": r.advisory_dirs_skipped,
        "problems": r.advisory_problems,
    });
    let inputs: Vec<Value> = r
        .inputs
        .iter()
        .map(|i| {
            json!({
                "path": i.path,
                "format": i.format,
                "components": i.components,
                "scanned": i.scanned,
                "not_checked": i.not_checked,
                "problems": i.problems,
            })
        })
        .collect();
    let errors: Vec<Value> = r
        .errors
        .iter()
        .map(|(f, e)| json!({"path": f, "reason": e}))
        .collect();
    let summary = json!({
        "findings": r.findings.len(),
        "vulnerable_packages": distinct_packages(&r.findings),
        "warnings": r.warnings.len(),
        "undecidable": r.undecidable.len(),
        "packages_scanned": r.inputs.iter().map(|i| i.scanned).sum::<usize>(),
        "errors": r.errors.len(),
    });
    let (findings, rest) = std::thread::scope(|s| {
        let findings = (r.findings.len() > 256)
            .then(|| s.spawn(|| render(&r.findings, r.findings.len() * HIT_BYTES)));
        let rest = [
            render(&tool, 0),
            render(&advisories, 0),
            render(&inputs, 0),
            render(&errors, 0),
            render(&r.warnings, r.warnings.len() * HIT_BYTES),
            render(&r.undecidable, r.undecidable.len() * HIT_BYTES),
            render(&r.upgrades, r.upgrades.len() * 256),
            render(&summary, 0),
        ];
        let findings = match findings {
            Some(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            None => render(&r.findings, r.findings.len() * HIT_BYTES),
        };
        (findings, rest)
    });
    let [tool, advisories, inputs, errors, warnings, undecidable, upgrades, summary] = rest;
    let fields: [(&str, &[u8]); 10] = [
        ("levee_scan_version", b"1"),
        ("tool", &tool?),
        ("advisories", &advisories?),
        ("inputs", &inputs?),
        ("errors", &errors?),
        ("findings", &findings?),
        ("warnings", &warnings?),
        ("undecidable", &undecidable?),
        ("upgrades", &upgrades?),
        ("summary", &summary?),
    ];
    w.write_all(b"{")?;
    for (i, (k, v)) in fields.iter().enumerate() {
        w.write_all(if i == 0 { b"\n  \"" } else { b",\n  \"" })?;
        w.write_all(k.as_bytes())?;
        w.write_all(b"\": ")?;
        w.write_all(v)?;
    }
    w.write_all(b"\n}\n")
}

/// A little more than one finding takes in the JSON report (600–800 bytes
/// with a summary, aliases, fixes and a CVSS vector); a buffer started at
/// that size is not copied again at every doubling (with 1,100 findings
/// those copies were 7 % of a 10,000-package scan's instructions).
const HIT_BYTES: usize = 1024;

/// One value of the top-level report object, pretty-printed one level deep,
/// into a buffer of `capacity` bytes to start with.
fn render<T: serde::Serialize + ?Sized>(v: &T, capacity: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(capacity);
    let mut ser = serde_json::Serializer::with_formatter(
        &mut buf,
        Pretty {
            level: 1,
            has_value: false,
        },
    );
    v.serialize(&mut ser).map_err(std::io::Error::other)?;
    Ok(buf)
}

/// serde_json's `PrettyFormatter` (two-space indent), starting `level`
/// deep, so a part of a document renders exactly as it would inside it.
struct Pretty {
    level: usize,
    has_value: bool,
}

impl Pretty {
    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl Pretty {
    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(c)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.level = self.level.saturating_sub(1);
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(c)
    }

    fn item<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

fn distinct_packages(h: &[Hit]) -> usize {
    let mut s: Vec<(&str, &str, &str)> = h
        .iter()
        .map(|h| (h.ecosystem.as_ref(), h.package, h.version))
        .collect();
    s.sort();
    s.dedup();
    s.len()
}

fn cell(s: &str, w: usize) -> String {
    let mut out: String = s.chars().take(w).collect();
    let n = out.chars().count();
    if s.chars().count() > w {
        out.pop();
        out.push('…');
    }
    out + &" ".repeat(w.saturating_sub(n))
}

fn rows(out: &mut String, title: &str, hits: &[Hit]) {
    if hits.is_empty() {
        return;
    }
    let _ = writeln!(out, "{title}");
    let _ = writeln!(
        out,
        "  {} {} {} {} {} SUMMARY",
        cell("PACKAGE", 24),
        cell("VERSION", 14),
        cell("ID", 20),
        cell("ALIASES", 20),
        cell("UPGRADE TO", 12)
    );
    for h in hits {
        let _ = writeln!(
            out,
            "  {} {} {} {} {} {}",
            cell(h.package, 24),
            cell(h.version, 14),
            cell(h.id, 20),
            cell(&h.aliases.join(","), 20),
            cell(h.smallest_fix.as_deref().unwrap_or("-"), 12),
            h.kind.map(|k| format!("[{k}] ")).unwrap_or_default() + h.summary.unwrap_or("")
        );
    }
}

/// The way out per vulnerable package: one version that fixes them all.
fn upgrades<'u, 'a: 'u>(out: &mut String, list: impl Iterator<Item = &'u Upgrade<'a>>) {
    let mut first = true;
    for u in list {
        if first {
            let _ = writeln!(out, " upgrades:");
            first = false;
        }
        let n = u.fixes.len();
        let s = if n == 1 { "y" } else { "ies" };
        let _ = match &u.to {
            Some(to) => writeln!(
                out,
                "  {} {} -> {to} (fixes {n} vulnerabilit{s})",
                u.package, u.version
            ),
            None => writeln!(
                out,
                "  {} {}: no known version fixes all {n} vulnerabilit{s} (see each one's fix)",
                u.package, u.version
            ),
        };
    }
}

pub fn table(r: &Report, took: Duration) -> String {
    let mut out = String::new();
    type Lists<'h> = (Vec<Hit<'h>>, Vec<Hit<'h>>, Vec<Hit<'h>>);
    let mut by_file: BTreeMap<&str, Lists> = BTreeMap::new();
    for h in &r.findings {
        by_file.entry(h.file).or_default().0.push(h.clone());
    }
    for h in &r.warnings {
        by_file.entry(h.file).or_default().1.push(h.clone());
    }
    for h in &r.undecidable {
        by_file.entry(h.file).or_default().2.push(h.clone());
    }
    for i in &r.inputs {
        let _ = writeln!(
            out,
            "{} ({}): {}, {} checked",
            i.path,
            i.format,
            count(i.components, "package", "packages"),
            i.scanned
        );
        for p in &i.problems {
            // Under its file's heading: the file is not said again.
            let p = p
                .strip_prefix(i.path.as_str())
                .and_then(|p| p.strip_prefix(": "))
                .unwrap_or(p);
            let _ = writeln!(out, "  skipped: {p}");
        }
        if let Some((f, w, u)) = by_file.get(i.path.as_str()) {
            rows(&mut out, " vulnerabilities:", f);
            upgrades(&mut out, r.upgrades.iter().filter(|u| u.file == i.path));
            rows(&mut out, " warnings:", w);
            rows(&mut out, " undecidable (check by hand):", u);
        }
    }
    for (f, e) in &r.errors {
        let _ = writeln!(out, "error: {f}: {e}");
    }
    if let Some(note) = advisory_note(r.advisory_problems.len(), r.advisory_unread) {
        let _ = writeln!(out, "{note}");
    }
    let _ = writeln!(
        out,
        "{} in {}, {}; {} checked against {} in {:.0?}",
        count(r.findings.len(), "vulnerability", "vulnerabilities"),
        count(distinct_packages(&r.findings), "package", "packages"),
        count(r.warnings.len(), "warning", "warnings"),
        count(
            r.inputs.iter().map(|i| i.scanned).sum::<usize>(),
            "package",
            "packages"
        ),
        count(r.advisories_loaded, "advisory", "advisories"),
        took
    );
    out
}

/// `1 package`, `2 packages`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The table's note on advisory problems: how many, and how many of them
/// are advisories not read (the others are parts of advisories that were
/// read: left out, or a range whose versions are undecidable).
fn advisory_note(problems: usize, unread: usize) -> Option<String> {
    if problems == 0 {
        return None;
    }
    let s = if problems == 1 { "" } else { "s" };
    let read = match unread {
        0 => "all advisories were read".to_string(),
        1 => "1 advisory file or record could not be read".to_string(),
        n => format!("{n} advisory files or records could not be read"),
    };
    Some(format!(
        "note: {problems} advisory problem{s}; {read} (see --format json)"
    ))
}

fn message(h: &Hit) -> String {
    let mut m = format!(
        "{} {} ({}) is affected by {}",
        h.package, h.version, h.ecosystem, h.id
    );
    if !h.aliases.is_empty() {
        let _ = write!(m, " ({})", h.aliases.join(", "));
    }
    if let Some(s) = &h.summary {
        let _ = write!(m, ": {s}");
    }
    match &h.smallest_fix {
        Some(f) => {
            let _ = write!(m, ". Upgrade to {f} or later.");
        }
        None => m.push_str(". No fixed version is known."),
    }
    m
}

/// A relative URI reference for a path as given (SARIF `artifactLocation.uri`).
fn uri_of(path: &str) -> String {
    let p = path.replace('\\', "/");
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                out.push(char::from(b))
            }
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

pub fn sarif(r: &Report) -> Result<String> {
    let mut rules: Vec<Value> = Vec::new();
    let mut rule_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut results = Vec::new();
    let all = r
        .findings
        .iter()
        .map(|h| (h, "error"))
        .chain(r.warnings.iter().map(|h| (h, "warning")))
        .chain(r.undecidable.iter().map(|h| (h, "note")));
    for (h, level) in all {
        let idx = *rule_index.entry(h.id.to_string()).or_insert_with(|| {
            let mut rule = json!({
                "id": h.id,
                "shortDescription": {"text": h.summary.unwrap_or(h.id)},
                "properties": {"aliases": h.aliases},
            });
            if let (Some(u), Value::Object(m)) = (&h.url, &mut rule) {
                m.insert("helpUri".into(), (*u).into());
            }
            rules.push(rule);
            rules.len() - 1
        });
        let mut phys = json!({"artifactLocation": {"uri": uri_of(h.file)}});
        if let (Some(line), Value::Object(m)) = (h.line, &mut phys) {
            m.insert("region".into(), json!({"startLine": line.max(1)}));
        }
        results.push(json!({
            "ruleId": h.id,
            "ruleIndex": idx,
            "level": level,
            "message": {"text": message(h)},
            "locations": [{
                "physicalLocation": phys,
                "logicalLocations": [{"name": format!("{}@{}", h.package, h.version), "kind": "package"}],
            }],
            "properties": {
                "purl": h.purl,
                "fixedVersions": h.fixed,
                "smallestFix": h.smallest_fix,
            },
        }));
    }
    let notifications: Vec<Value> = r
        .errors
        .iter()
        .map(|(f, e)| json!({"level": "error", "message": {"text": format!("{f}: {e}")}}))
        .collect();
    let v = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "levee",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": TOOL_URI,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": r.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    Ok(serde_json::to_string_pretty(&v)? + "\n")
}

/// A deterministic `urn:uuid:` (version 4 layout, hashed from the content)
/// so the same scan gives the same document.
fn serial_number(seed: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut words = [0u64; 2];
    for (i, w) in words.iter_mut().enumerate() {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (i, seed).hash(&mut h);
        *w = h.finish();
    }
    let [a, b] = words;
    let hex = format!("{a:016x}{b:016x}");
    let g = |r: std::ops::Range<usize>| hex.get(r).unwrap_or("0").to_string();
    let variant = ["8", "9", "a", "b"]
        .get(usize::from(b.to_le_bytes()[0] & 3))
        .copied()
        .unwrap_or("8");
    format!(
        "urn:uuid:{}-{}-4{}-{}{}-{}",
        g(0..8),
        g(8..12),
        g(13..16),
        variant,
        g(17..20),
        g(20..32)
    )
}

fn cvss_method(kind: &str, vector: &str) -> &'static str {
    match kind {
        "CVSS_V2" => "CVSSv2",
        "CVSS_V4" => "CVSSv4",
        "CVSS_V3" if vector.starts_with("CVSS:3.1") => "CVSSv31",
        "CVSS_V3" => "CVSSv3",
        _ => "other",
    }
}

fn vuln_source(id: &str) -> Value {
    if id.starts_with("RUSTSEC-") {
        json!({"name": "RustSec", "url": format!("https://rustsec.org/advisories/{id}.html")})
    } else if id.starts_with("GHSA-") {
        json!({"name": "GitHub", "url": format!("https://github.com/advisories/{id}")})
    } else if id.starts_with("CVE-") {
        json!({"name": "NVD", "url": format!("https://nvd.nist.gov/vuln/detail/{id}")})
    } else {
        json!({"name": "OSV", "url": format!("https://osv.dev/vulnerability/{id}")})
    }
}

pub fn cyclonedx_vex(r: &Report) -> Result<String> {
    // Components: one per distinct purl.
    let mut comps: BTreeMap<&str, Value> = BTreeMap::new();
    for (eco, name, version, purl) in &r.components {
        comps.entry(purl.as_str()).or_insert_with(|| {
            json!({
                "type": "library",
                "bom-ref": purl,
                "name": name,
                "version": version,
                "purl": purl,
                "properties": [{"name": "levee:ecosystem", "value": eco}],
            })
        });
    }
    // Vulnerabilities: one per advisory id, affecting every matched purl.
    let mut vulns: BTreeMap<&str, (Vec<&Hit>, &str)> = BTreeMap::new();
    for h in &r.findings {
        vulns
            .entry(h.id)
            .or_insert((Vec::new(), "affected"))
            .0
            .push(h);
    }
    for h in r.warnings.iter() {
        vulns
            .entry(h.id)
            .or_insert((Vec::new(), "affected"))
            .0
            .push(h);
    }
    for h in &r.undecidable {
        vulns
            .entry(h.id)
            .or_insert((Vec::new(), "unknown"))
            .0
            .push(h);
    }
    let mut out_vulns = Vec::new();
    for (id, (hits, status)) in &vulns {
        let Some(first) = hits.first() else { continue };
        let mut affects: BTreeMap<&str, Value> = BTreeMap::new();
        for h in hits {
            affects.entry(h.purl).or_insert_with(
                || json!({"ref": h.purl, "versions": [{"version": h.version, "status": status}]}),
            );
        }
        let references: Vec<Value> = first
            .aliases
            .iter()
            .map(|a| json!({"id": a, "source": vuln_source(a)}))
            .collect();
        let ratings: Vec<Value> = first
            .severity
            .iter()
            .map(|s| json!({"method": cvss_method(&s.kind, &s.score), "vector": s.score}))
            .collect();
        let fixes: Vec<String> = hits
            .iter()
            .filter_map(|h| {
                h.smallest_fix
                    .as_ref()
                    .map(|f| format!("Upgrade {} {} to {f}", h.package, h.version))
            })
            .collect();
        let mut v = json!({
            "bom-ref": format!("vuln:{id}"),
            "id": id,
            "source": vuln_source(id),
            "references": references,
            "ratings": ratings,
            "description": first.summary.unwrap_or_default(),
            "affects": affects.into_values().collect::<Vec<_>>(),
            "analysis": {
                "state": "in_triage",
                "detail": match &first.kind {
                    Some(k) => format!("Reported by levee scan (informational: {k})"),
                    None => "Reported by levee scan from the advisory's affected ranges".to_string(),
                },
            },
        });
        if let Value::Object(m) = &mut v {
            if !fixes.is_empty() {
                m.insert("recommendation".into(), fixes.join("; ").into());
            }
            if let Some(u) = &first.url {
                m.insert(
                    "advisories".into(),
                    json!([{"title": first.summary.map(str::to_string).unwrap_or_else(|| id.to_string()), "url": u}]),
                );
            }
        }
        out_vulns.push(v);
    }
    let now = levee_model::Clock::now(&levee_model::SystemClock);
    let seed = format!("{:?}{:?}", r.components, vulns.keys().collect::<Vec<_>>());
    let secs = levee_model::Timestamp::from_secs(now.secs()).to_rfc3339();
    let v = json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": serial_number(&seed),
        "version": 1,
        "metadata": {
            "timestamp": secs,
            "tools": {"components": [{
                "type": "application",
                "name": "levee",
                "version": env!("CARGO_PKG_VERSION"),
            }]},
        },
        "components": comps.into_values().collect::<Vec<_>>(),
        "vulnerabilities": out_vulns,
    });
    Ok(serde_json::to_string_pretty(&v)? + "\n")
}

#[cfg(test)]
mod pretty_tests {
    use super::*;

    /// A part rendered one level deep is exactly serde_json's pretty output
    /// of that part, indented one level (as it appears inside the report).
    #[test]
    fn render_matches_serde_json_pretty_one_level_deep() {
        let values = [
            json!([]),
            json!({}),
            json!("a \"quoted\"\nline\u{1}"),
            json!([1, [], {}, [2, [3]], {"a": {"b": []}, "c": [null, true]}]),
            json!({"findings": [{"id": "X", "aliases": ["A", "B"], "severity": [{"type": "T", "score": "S"}]}]}),
        ];
        for v in values {
            let want = serde_json::to_string_pretty(&v)
                .unwrap_or_default()
                .replace('\n', "\n  ");
            let got = render(&v, 0).unwrap_or_default();
            assert_eq!(String::from_utf8_lossy(&got), want);
        }
    }

    /// The whole report parses, with every section in place.
    #[test]
    fn json_report_is_valid_and_complete() {
        let r = Report::default();
        let mut out = Vec::new();
        json(&r, &mut out).unwrap_or_else(|e| panic!("{e}"));
        let v: Value = serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{e}"));
        for k in [
            "levee_scan_version",
            "tool",
            "advisories",
            "inputs",
            "errors",
            "findings",
            "warnings",
            "undecidable",
            "summary",
        ] {
            assert!(v.get(k).is_some(), "{k} missing");
        }
        assert!(out.ends_with(b"}\n"));
    }
}
