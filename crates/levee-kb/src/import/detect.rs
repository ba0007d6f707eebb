//! What an input is: OSV (in one of the `levee-formats` layouts), an
//! enrichment feed (KEV, EPSS, CWE), or a native advisory format handled by
//! a plugged-in [`NativeFormat`]. Decided from content (first 64 KiB) and,
//! for a few feeds, the file name; `--input-format` overrides.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use levee_formats::{InputFormat, Limits};

use super::NativeFormat;

/// An input format name as given to `--input-format`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    /// OSV in one of the `levee-formats` layouts.
    Osv(InputFormat),
    /// CISA KEV catalogue, JSON.
    KevJson,
    /// CISA KEV catalogue, CSV.
    KevCsv,
    /// EPSS scores (FIRST CSV, plain `cve;epss;percentile`, or API JSON).
    Epss,
    /// MITRE CWE CSV export.
    CweCsv,
    /// A native format handled by a plugged-in converter, by name.
    Native(String),
}

impl Format {
    /// The name shown in reports and accepted by `FromStr`.
    pub fn name(&self) -> String {
        match self {
            Format::Osv(f) => f.name().to_string(),
            Format::KevJson => "kev-json".into(),
            Format::KevCsv => "kev-csv".into(),
            Format::Epss => "epss".into(),
            Format::CweCsv => "cwe-csv".into(),
            Format::Native(n) => n.clone(),
        }
    }

    /// Every built-in name (for help texts).
    pub fn builtin_names() -> Vec<String> {
        let mut v: Vec<String> = InputFormat::ALL.iter().map(|f| f.name().into()).collect();
        v.extend(["kev-json", "kev-csv", "epss", "cwe-csv"].map(String::from));
        v
    }

    /// Parse a name, also accepting the names of `natives`.
    pub fn parse_with(
        s: &str,
        natives: &[std::sync::Arc<dyn NativeFormat>],
    ) -> Result<Self, String> {
        if let Some(n) = natives.iter().find(|n| n.name().eq_ignore_ascii_case(s)) {
            return Ok(Format::Native(n.name().to_string()));
        }
        s.parse()
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "kev" | "kev-json" => Ok(Format::KevJson),
            "kev-csv" => Ok(Format::KevCsv),
            "epss" | "epss-csv" | "epss-json" => Ok(Format::Epss),
            "cwe" | "cwe-csv" => Ok(Format::CweCsv),
            other => InputFormat::from_str(other).map(Format::Osv).map_err(|_| {
                format!(
                    "unknown input format {s:?} (expected one of {})",
                    Format::builtin_names().join(", ")
                )
            }),
        }
    }
}

/// How many bytes detection looks at.
pub const PREFIX: usize = 64 << 10;

fn first_line(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let b = b.get(start..).unwrap_or_default();
    let end = memchr(b'\n', b).unwrap_or(b.len());
    b.get(..end).unwrap_or_default()
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&c| c == needle)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// `CVE-YYYY-N…;` at the start of a line: the plain EPSS form.
fn plain_epss_line(line: &[u8]) -> bool {
    let Some(semi) = memchr(b';', line) else {
        return false;
    };
    let id = line.get(..semi).unwrap_or_default();
    std::str::from_utf8(id).is_ok_and(levee_formats::group::is_cve)
}

/// The first of `natives` (in order) that the input is; a shared detector
/// is asked once, when its first format comes up.
fn detect_native(
    file_name: &str,
    prefix: &[u8],
    natives: &[std::sync::Arc<dyn NativeFormat>],
) -> Option<String> {
    let mut asked: Vec<(&str, Option<String>)> = Vec::new();
    for n in natives {
        let Some(key) = n.shared_detector() else {
            if n.detect(file_name, prefix) {
                return Some(n.name().to_string());
            }
            continue;
        };
        let verdict = match asked.iter().find(|(k, _)| *k == key) {
            Some((_, v)) => v.clone(),
            None => {
                let v = n.detect_among(file_name, prefix);
                asked.push((key, v.clone()));
                v
            }
        };
        if verdict.as_deref() == Some(n.name()) {
            return verdict;
        }
    }
    None
}

/// Detect the format of an input from its name and first bytes. `None`
/// leaves the decision to the OSV readers (which reject what they cannot
/// read).
pub fn detect(
    file_name: &str,
    prefix: &[u8],
    natives: &[std::sync::Arc<dyn NativeFormat>],
    limits: &Limits,
) -> Option<Format> {
    if let Some(name) = detect_native(file_name, prefix, natives) {
        return Some(Format::Native(name));
    }
    let line = first_line(prefix);
    let lower: Vec<u8> = line.iter().take(256).map(u8::to_ascii_lowercase).collect();
    match line.first() {
        Some(b'{') => {
            if contains(prefix, b"\"catalogVersion\"") && contains(prefix, b"\"vulnerabilities\"") {
                return Some(Format::KevJson);
            }
            if contains(prefix, b"\"data\"")
                && contains(prefix, b"\"epss\"")
                && contains(prefix, b"\"percentile\"")
                && !contains(prefix, b"\"modified\"")
            {
                return Some(Format::Epss);
            }
        }
        Some(b'#') if lower.starts_with(b"#model_version") => return Some(Format::Epss),
        Some(_) => {
            // FIRST's header (a wrong one is reported by the parser).
            if lower.starts_with(b"cve,") || lower.starts_with(b"cve;") {
                return Some(Format::Epss);
            }
            if plain_epss_line(line) {
                return Some(Format::Epss);
            }
            if contains(line, b"cveID") && contains(line, b"dateAdded") {
                return Some(Format::KevCsv);
            }
            if line.starts_with(b"CWE-ID,") {
                return Some(Format::CweCsv);
            }
        }
        None => {}
    }
    levee_formats::detect_format(prefix, limits).map(Format::Osv)
}

/// File extensions a directory walk picks up.
fn wanted(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if name.starts_with('.') {
        return false;
    }
    if name.ends_with(".md") {
        // Only advisory-db advisories, not READMEs.
        return levee_formats::rustsec::advisory_path_kind(&path.to_string_lossy()).is_some();
    }
    [
        ".json", ".jsonl", ".ndjson", ".yaml", ".yml", ".zip", ".csv", ".scsv",
    ]
    .iter()
    .any(|e| name.ends_with(e))
}

/// Expand the given paths: files as given, directories walked recursively
/// (sorted, hidden entries skipped, only advisory-like extensions). A path
/// that does not exist is kept so that the importer reports it unreadable.
pub fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        // Reported as unreadable by the importer.
        out.push(dir.to_path_buf());
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk(&p, out);
        } else if wanted(&p) {
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Formats "a" and "b" share one detector that counts its calls; "c"
    /// has its own.
    struct Fmt(&'static str, std::sync::Arc<std::sync::atomic::AtomicUsize>);

    impl NativeFormat for Fmt {
        fn name(&self) -> &str {
            self.0
        }
        fn detect(&self, _: &str, prefix: &[u8]) -> bool {
            assert_eq!(
                self.0, "c",
                "a shared detector is asked through detect_among"
            );
            prefix.first() == Some(&b'C')
        }
        fn shared_detector(&self) -> Option<&str> {
            (self.0 != "c").then_some("ab")
        }
        fn detect_among(&self, _: &str, prefix: &[u8]) -> Option<String> {
            self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            match prefix.first() {
                Some(b'A') => Some("a".into()),
                Some(b'B') => Some("b".into()),
                Some(b'X') => Some("x".into()), // a format not in the list
                _ => None,
            }
        }
        fn convert<'a>(
            &'a self,
            _: &str,
            _: &'a [u8],
        ) -> Box<dyn Iterator<Item = Result<levee_formats::Record, levee_formats::Rejection>> + 'a>
        {
            Box::new(std::iter::empty())
        }
    }

    #[test]
    fn a_shared_detector_runs_once_per_input() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let calls = Arc::new(AtomicUsize::new(0));
        let natives: Vec<Arc<dyn NativeFormat>> = vec![
            Arc::new(Fmt("a", calls.clone())),
            Arc::new(Fmt("c", calls.clone())),
            Arc::new(Fmt("b", calls.clone())),
        ];
        let limits = Limits::default();
        for (input, want) in [
            ("A1", Some("a")),
            ("B1", Some("b")),
            ("C1", Some("c")),
            ("X1", None),
            ("Z1", None),
        ] {
            calls.store(0, Ordering::SeqCst);
            let got = detect("f", input.as_bytes(), &natives, &limits);
            let got = match got {
                Some(Format::Native(n)) => Some(n),
                _ => None,
            };
            assert_eq!(got.as_deref(), want, "{input}");
            assert_eq!(calls.load(Ordering::SeqCst), 1, "{input}: detector calls");
        }
    }

    fn d(name: &str, s: &str) -> Option<Format> {
        detect(name, s.as_bytes(), &[], &Limits::default())
    }

    #[test]
    fn detects_feeds_from_content() {
        assert_eq!(
            d("x", "{\"catalogVersion\":\"1\",\"vulnerabilities\":[]}"),
            Some(Format::KevJson)
        );
        assert_eq!(
            d(
                "x",
                "cveID,vendorProject,product,vulnerabilityName,dateAdded\n"
            ),
            Some(Format::KevCsv)
        );
        assert_eq!(
            d(
                "x",
                "#model_version:v1,score_date:2023-03-07T00:00:00+0000\ncve,epss,percentile\n"
            ),
            Some(Format::Epss)
        );
        assert_eq!(d("x", "CVE-2021-44228;0.9;1.0\n"), Some(Format::Epss));
        assert_eq!(
            d("x", "{\"status\":\"OK\",\"data\":[{\"cve\":\"CVE-1-1\",\"epss\":\"0.1\",\"percentile\":\"0.2\"}]}"),
            Some(Format::Epss)
        );
        assert_eq!(
            d("x", "CWE-ID,Name,Weakness Abstraction\n"),
            Some(Format::CweCsv)
        );
        assert_eq!(
            d(
                "x",
                "{\"id\":\"A\",\"modified\":\"2024-01-01T00:00:00Z\"}\n{\"id\":\"B\"}\n"
            ),
            Some(Format::Osv(InputFormat::Jsonl))
        );
        assert_eq!(
            d("x", "id: A\nmodified: x\n"),
            Some(Format::Osv(InputFormat::Yaml))
        );
        assert_eq!(d("x", "\x01\x02"), None);
    }

    #[test]
    fn names_round_trip() {
        for n in Format::builtin_names() {
            assert_eq!(n.parse::<Format>().unwrap().name(), n);
        }
        assert!("nope".parse::<Format>().is_err());
    }
}
