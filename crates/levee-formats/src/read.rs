//! Readers: bytes or a caller-supplied `std::io::Read` in, an iterator of
//! `Result<Record, Rejection>` out. One bad record never stops the others;
//! only an input that cannot be read at all yields a single rejection.

use std::io::{BufRead, BufReader, Cursor, Read, Seek};
use std::str::FromStr;

use serde_json::value::RawValue;

use crate::error::{Location, RecordError, Rejection, RejectionClass};
use crate::limits::Limits;
use crate::record::{parse_record_json, Record};
use crate::scan::scan_json;
use crate::yaml::yaml_documents;

/// Input formats the readers understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputFormat {
    /// One OSV record as a JSON object.
    Json,
    /// A JSON array of OSV records.
    JsonArray,
    /// One OSV record per line.
    Jsonl,
    /// One or more OSV records as YAML documents.
    Yaml,
    /// A zip of OSV files (osv.dev `all.zip`); entries are detected by content.
    Zip,
    /// One RustSec advisory (TOML front matter in a ```toml fence + markdown).
    RustsecMarkdown,
    /// JSONL of `{"path": ..., "text": <RustSec markdown>}` lines.
    RustsecMarkdownJsonl,
}

impl InputFormat {
    /// The name accepted by `FromStr` (for `--input-format`).
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Json => "json",
            InputFormat::JsonArray => "json-array",
            InputFormat::Jsonl => "jsonl",
            InputFormat::Yaml => "yaml",
            InputFormat::Zip => "zip",
            InputFormat::RustsecMarkdown => "rustsec-md",
            InputFormat::RustsecMarkdownJsonl => "rustsec-md-jsonl",
        }
    }

    /// Every format.
    pub const ALL: &'static [InputFormat] = &[
        InputFormat::Json,
        InputFormat::JsonArray,
        InputFormat::Jsonl,
        InputFormat::Yaml,
        InputFormat::Zip,
        InputFormat::RustsecMarkdown,
        InputFormat::RustsecMarkdownJsonl,
    ];
}

impl FromStr for InputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.to_ascii_lowercase();
        let alias = match s.as_str() {
            "yml" => "yaml",
            "ndjson" => "jsonl",
            "md" | "markdown" => "rustsec-md",
            other => other,
        };
        InputFormat::ALL
            .iter()
            .copied()
            .find(|f| f.name() == alias)
            .ok_or_else(|| {
                let names: Vec<_> = InputFormat::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown input format {s:?} (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// Reader options: limits, and an explicit format (detected from content when `None`).
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Resource limits.
    pub limits: Limits,
    /// Skip detection and read as this format.
    pub format: Option<InputFormat>,
}

/// The records of one input, lazily. `format()` tells what was detected.
pub struct Records<'a> {
    format: Option<InputFormat>,
    inner: Box<dyn Iterator<Item = Result<Record, Rejection>> + 'a>,
}

impl std::fmt::Debug for Records<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Records")
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl<'a> Records<'a> {
    fn new(
        format: Option<InputFormat>,
        it: impl Iterator<Item = Result<Record, Rejection>> + 'a,
    ) -> Self {
        Records {
            format,
            inner: Box::new(it),
        }
    }

    fn fail(location: Location, class: RejectionClass, reason: impl Into<String>) -> Self {
        let r = Rejection::new(location, class, reason);
        Records::new(None, std::iter::once(Err(r)))
    }

    /// The format the input was read as (`None` if it could not be determined).
    pub fn format(&self) -> Option<InputFormat> {
        self.format
    }
}

impl Iterator for Records<'_> {
    type Item = Result<Record, Rejection>;
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }
}

fn skip_bom_ws(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    b.get(start..).unwrap_or_default()
}

/// Guess the format of an input from its first bytes (a few KiB is plenty;
/// the whole input is best for telling one JSON object from JSONL).
pub fn detect_format(bytes: &[u8], limits: &Limits) -> Option<InputFormat> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Some(InputFormat::Zip);
    }
    let b = skip_bom_ws(bytes);
    match b.first()? {
        b'[' => Some(InputFormat::JsonArray),
        b'{' => {
            // Where does the first value end? If more follows, it's JSONL.
            let line_end = memchr::memchr(b'\n', b).unwrap_or(b.len());
            let first_line = b.get(..line_end).unwrap_or_default();
            let complete_line = scan_json(first_line, limits.max_depth, usize::MAX)
                .ok()
                .and_then(|i| i.first_end)
                .is_some_and(|end| {
                    skip_bom_ws(first_line.get(end..).unwrap_or_default()).is_empty()
                });
            let rest_nonempty = !skip_bom_ws(b.get(line_end..).unwrap_or_default()).is_empty();
            if complete_line && (rest_nonempty || line_end < b.len()) {
                if is_md_wrapper(first_line) {
                    Some(InputFormat::RustsecMarkdownJsonl)
                } else {
                    Some(InputFormat::Jsonl)
                }
            } else {
                Some(InputFormat::Json)
            }
        }
        b'`' if b.starts_with(b"```") => Some(InputFormat::RustsecMarkdown),
        _ => {
            // YAML: a document marker or a `key:` first line.
            let line_end = memchr::memchr(b'\n', b).unwrap_or(b.len());
            let line = std::str::from_utf8(b.get(..line_end).unwrap_or_default()).ok()?;
            let yamlish = line.starts_with("---")
                || line.starts_with('#')
                || line
                    .split_once(':')
                    .is_some_and(|(k, _)| !k.is_empty() && !k.contains(' ') && !k.contains('\t'));
            yamlish.then_some(InputFormat::Yaml)
        }
    }
}

fn is_md_wrapper(line: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Probe {
        id: Option<serde::de::IgnoredAny>,
        path: Option<serde::de::IgnoredAny>,
        text: Option<serde::de::IgnoredAny>,
    }
    serde_json::from_slice::<Probe>(line)
        .is_ok_and(|p| p.id.is_none() && p.path.is_some() && p.text.is_some())
}

fn loc(source: &str, entry: Option<&str>, line: Option<u64>, index: Option<u64>) -> Location {
    Location {
        source: source.to_string(),
        entry: entry.map(str::to_string),
        line,
        index,
        path: None,
    }
}

/// Read every record in an in-memory input. `source` names the input in
/// rejections (usually its path).
pub fn read_bytes<'a>(source: &str, bytes: &'a [u8], opts: &ReadOptions) -> Records<'a> {
    let format = opts.format.or_else(|| detect_format(bytes, &opts.limits));
    read_in_memory(source, None, bytes, format, &opts.limits, true)
}

/// Read an input from a caller-supplied reader. JSONL is streamed line by
/// line (memory bounded by `max_record_bytes`); other formats are read into
/// memory up to `max_file_bytes`.
pub fn read_stream<'a, R: Read + 'a>(source: &str, reader: R, opts: &ReadOptions) -> Records<'a> {
    let limits = opts.limits.clone();
    let mut br = BufReader::with_capacity(64 << 10, reader);
    let prefix = match br.fill_buf() {
        Ok(p) => p.to_vec(),
        Err(e) => {
            return Records::fail(Location::source(source), RejectionClass::Io, e.to_string())
        }
    };
    let mut format = opts.format.or_else(|| detect_format(&prefix, &limits));
    if format == Some(InputFormat::Json)
        && opts.format.is_none()
        && memchr::memchr(b'\n', &prefix).is_none()
    {
        // The first line is longer than the prefix: decide after reading it.
        format = None;
    }
    match format {
        Some(f @ (InputFormat::Jsonl | InputFormat::RustsecMarkdownJsonl)) => {
            let it = JsonlStream {
                source: source.to_string(),
                reader: br,
                limits,
                line: 0,
                index: 0,
                md: f == InputFormat::RustsecMarkdownJsonl,
                done: false,
            };
            Records::new(Some(f), it)
        }
        _ => {
            let mut buf = Vec::new();
            let cap = limits.max_file_bytes;
            match br.take(cap.saturating_add(1)).read_to_end(&mut buf) {
                Ok(_) if buf.len() as u64 > cap => Records::fail(
                    Location::source(source),
                    RejectionClass::TooLarge,
                    format!("input larger than the limit of {cap} bytes"),
                ),
                Ok(_) => {
                    let format = format.or_else(|| detect_format(&buf, &limits));
                    read_owned(source, buf, format, &limits)
                }
                Err(e) => {
                    Records::fail(Location::source(source), RejectionClass::Io, e.to_string())
                }
            }
        }
    }
}

/// Read a zip of OSV files from a seekable reader (osv.dev `all.zip`).
pub fn read_zip<'a, R: Read + Seek + 'a>(
    source: &str,
    reader: R,
    opts: &ReadOptions,
) -> Records<'a> {
    zip_records(source, reader, &opts.limits)
}

fn read_owned(
    source: &str,
    buf: Vec<u8>,
    format: Option<InputFormat>,
    limits: &Limits,
) -> Records<'static> {
    match format {
        Some(InputFormat::Zip) => zip_records(source, Cursor::new(buf), limits),
        Some(f @ (InputFormat::Jsonl | InputFormat::RustsecMarkdownJsonl)) => Records::new(
            Some(f),
            JsonlBytes {
                source: source.to_string(),
                entry: None,
                bytes: buf,
                pos: 0,
                line: 0,
                index: 0,
                limits: limits.clone(),
                md: f == InputFormat::RustsecMarkdownJsonl,
            },
        ),
        other => {
            let v: Vec<_> = read_in_memory(source, None, &buf, other, limits, true).collect();
            Records::new(other, v.into_iter())
        }
    }
}

/// Dispatch on format for an in-memory input (a file or a zip entry).
fn read_in_memory<'a>(
    source: &str,
    entry: Option<&str>,
    bytes: &'a [u8],
    format: Option<InputFormat>,
    limits: &Limits,
    allow_zip: bool,
) -> Records<'a> {
    let here = || loc(source, entry, None, None);
    let Some(format) = format else {
        return Records::fail(
            here(),
            RejectionClass::UnknownFormat,
            "content is not OSV JSON, JSONL, YAML, zip or RustSec markdown",
        );
    };
    if format == InputFormat::Zip {
        if !allow_zip {
            return Records::fail(
                here(),
                RejectionClass::ArchiveUnsupported,
                "nested archives are not read",
            );
        }
        return zip_records(source, Cursor::new(bytes), limits);
    }
    if matches!(
        format,
        InputFormat::Jsonl | InputFormat::RustsecMarkdownJsonl
    ) {
        return Records::new(
            Some(format),
            JsonlBytes {
                source: source.to_string(),
                entry: entry.map(str::to_string),
                bytes,
                pos: 0,
                line: 0,
                index: 0,
                limits: limits.clone(),
                md: format == InputFormat::RustsecMarkdownJsonl,
            },
        );
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Records::fail(here(), RejectionClass::Encoding, format!("not UTF-8: {e}"))
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let src = source.to_string();
    let ent = entry.map(str::to_string);
    match format {
        InputFormat::Json => {
            let r = parse_record_json(text, limits).map_err(|e| {
                Rejection::from_record_error(loc(&src, ent.as_deref(), Some(1), Some(0)), e)
            });
            Records::new(Some(format), std::iter::once(r))
        }
        InputFormat::RustsecMarkdown => {
            let r =
                crate::rustsec::md_to_record(entry.or(Some(source)), text, limits).map_err(|e| {
                    Rejection::from_record_error(loc(&src, ent.as_deref(), Some(1), Some(0)), e)
                });
            Records::new(Some(format), std::iter::once(r))
        }
        InputFormat::Yaml => {
            if text.len() as u64 > limits.max_file_bytes {
                return Records::fail(
                    here(),
                    RejectionClass::TooLarge,
                    "YAML input larger than the file limit",
                );
            }
            let docs = yaml_documents(text, limits);
            let out: Vec<_> = docs
                .into_iter()
                .enumerate()
                .map(|(i, d)| {
                    let l = loc(&src, ent.as_deref(), Some(d.line), Some(i as u64));
                    d.value
                        .and_then(|v| {
                            if v.is_object() {
                                Record::from_value(&v, limits)
                            } else {
                                Err(RecordError::plain(
                                    RejectionClass::NotAnObject,
                                    "the YAML document is not a mapping",
                                ))
                            }
                        })
                        .map_err(|e| Rejection::from_record_error(l, e))
                })
                .collect();
            Records::new(Some(format), out.into_iter())
        }
        InputFormat::JsonArray => {
            let here = loc(&src, ent.as_deref(), None, None);
            if let Err(e) = scan_json(
                text.as_bytes(),
                limits.max_depth.saturating_add(1),
                limits.max_string_bytes,
            ) {
                return Records::fail(here, e.class, e.reason);
            }
            let items: Vec<&RawValue> = match serde_json::from_str(text) {
                Ok(v) => v,
                Err(e) => return Records::fail(here, RejectionClass::Syntax, e.to_string()),
            };
            let base = text.as_ptr() as usize;
            let mut line = 1u64;
            let mut last = 0usize;
            let out: Vec<_> = items
                .into_iter()
                .enumerate()
                .map(|(i, raw)| {
                    let off = (raw.get().as_ptr() as usize).saturating_sub(base);
                    line += text
                        .as_bytes()
                        .get(last..off)
                        .map_or(0, |s| memchr::memchr_iter(b'\n', s).count() as u64);
                    last = off.max(last);
                    parse_record_json(raw.get(), limits).map_err(|e| {
                        Rejection::from_record_error(
                            loc(&src, ent.as_deref(), Some(line), Some(i as u64)),
                            e,
                        )
                    })
                })
                .collect();
            Records::new(Some(format), out.into_iter())
        }
        InputFormat::Jsonl | InputFormat::RustsecMarkdownJsonl | InputFormat::Zip => Records::fail(
            here(),
            RejectionClass::UnknownFormat,
            "internal dispatch error",
        ),
    }
}

/// One JSONL line (or `{path,text}` wrapper line) to a record.
fn jsonl_line(
    source: &str,
    entry: Option<&str>,
    line_no: u64,
    index: u64,
    raw: &[u8],
    md: bool,
    limits: &Limits,
) -> Result<Record, Rejection> {
    let l = loc(source, entry, Some(line_no), Some(index));
    let text = std::str::from_utf8(raw).map_err(|e| {
        Rejection::new(
            l.clone(),
            RejectionClass::Encoding,
            format!("not UTF-8: {e}"),
        )
    })?;
    if !md {
        return parse_record_json(text, limits).map_err(|e| Rejection::from_record_error(l, e));
    }
    #[derive(serde::Deserialize)]
    struct Wrapper {
        path: String,
        text: String,
    }
    if text.len() > limits.max_record_bytes {
        return Err(Rejection::new(
            l,
            RejectionClass::TooLarge,
            "line longer than the record limit",
        ));
    }
    let w: Wrapper = serde_json::from_str(text).map_err(|e| {
        Rejection::new(
            l.clone(),
            RejectionClass::Syntax,
            format!("not a {{path,text}} line: {e}"),
        )
    })?;
    let mut l = l;
    l.entry = Some(w.path.clone());
    crate::rustsec::md_to_record(Some(&w.path), &w.text, limits)
        .map_err(|e| Rejection::from_record_error(l, e))
}

struct JsonlBytes<B> {
    source: String,
    entry: Option<String>,
    bytes: B,
    pos: usize,
    line: u64,
    index: u64,
    limits: Limits,
    md: bool,
}

impl<B: AsRef<[u8]>> Iterator for JsonlBytes<B> {
    type Item = Result<Record, Rejection>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let all = self.bytes.as_ref();
            let rest = all.get(self.pos..)?;
            if rest.is_empty() {
                return None;
            }
            let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
            let raw = rest.get(..end).unwrap_or_default();
            self.pos += end + 1;
            self.line += 1;
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let i = self.index;
            self.index += 1;
            return Some(jsonl_line(
                &self.source,
                self.entry.as_deref(),
                self.line,
                i,
                raw,
                self.md,
                &self.limits,
            ));
        }
    }
}

struct JsonlStream<R> {
    source: String,
    reader: BufReader<R>,
    limits: Limits,
    line: u64,
    index: u64,
    md: bool,
    done: bool,
}

impl<R: Read> Iterator for JsonlStream<R> {
    type Item = Result<Record, Rejection>;
    fn next(&mut self) -> Option<Self::Item> {
        let cap = self.limits.max_record_bytes;
        loop {
            if self.done {
                return None;
            }
            // Read one line, keeping at most `cap + 1` bytes of it.
            let mut buf: Vec<u8> = Vec::new();
            let mut overflow = false;
            let mut saw_any = false;
            loop {
                let chunk = match self.reader.fill_buf() {
                    Ok(c) => c,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        self.done = true;
                        return Some(Err(Rejection::new(
                            loc(&self.source, None, Some(self.line + 1), None),
                            RejectionClass::Io,
                            e.to_string(),
                        )));
                    }
                };
                if chunk.is_empty() {
                    self.done = true;
                    break;
                }
                saw_any = true;
                let (take, found) = match memchr::memchr(b'\n', chunk) {
                    Some(i) => (i + 1, true),
                    None => (chunk.len(), false),
                };
                if !overflow {
                    let room = cap.saturating_add(1).saturating_sub(buf.len());
                    buf.extend_from_slice(chunk.get(..take.min(room)).unwrap_or_default());
                    if buf.len() > cap {
                        overflow = true;
                    }
                }
                self.reader.consume(take);
                if found {
                    break;
                }
            }
            if !saw_any {
                return None;
            }
            self.line += 1;
            if overflow {
                let i = self.index;
                self.index += 1;
                return Some(Err(Rejection::new(
                    loc(&self.source, None, Some(self.line), Some(i)),
                    RejectionClass::TooLarge,
                    format!("line longer than the record limit of {cap} bytes"),
                )));
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let i = self.index;
            self.index += 1;
            return Some(jsonl_line(
                &self.source,
                None,
                self.line,
                i,
                &buf,
                self.md,
                &self.limits,
            ));
        }
    }
}

// ---------------------------------------------------------------------------
// Zip

fn unsafe_entry_name(name: &str) -> Option<&'static str> {
    if name.contains('\0') {
        return Some("NUL byte in name");
    }
    if name.starts_with('/') || name.starts_with('\\') {
        return Some("absolute path");
    }
    let b = name.as_bytes();
    if b.len() >= 2 && b.get(1) == Some(&b':') && b.first().is_some_and(u8::is_ascii_alphabetic) {
        return Some("drive-letter path");
    }
    if name.split(['/', '\\']).any(|c| c == "..") {
        return Some("parent-directory component");
    }
    None
}

fn wanted_entry(name: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if base.starts_with('.') || name.starts_with("__MACOSX/") {
        return false;
    }
    let lower = base.to_ascii_lowercase();
    [".json", ".jsonl", ".yaml", ".yml", ".md"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

fn zip_records<'a, R: Read + Seek + 'a>(source: &str, reader: R, limits: &Limits) -> Records<'a> {
    let archive = match zip::ZipArchive::new(reader) {
        Ok(a) => a,
        Err(e) => {
            return Records::fail(
                Location::source(source),
                RejectionClass::ArchiveCorrupt,
                e.to_string(),
            )
        }
    };
    if archive.len() > limits.max_archive_entries {
        return Records::fail(
            Location::source(source),
            RejectionClass::ArchiveTooLarge,
            format!(
                "{} entries exceed the limit of {}",
                archive.len(),
                limits.max_archive_entries
            ),
        );
    }
    Records::new(
        Some(InputFormat::Zip),
        ZipIter {
            source: source.to_string(),
            archive,
            next: 0,
            total: 0,
            pending: Vec::new().into_iter(),
            limits: limits.clone(),
            stopped: false,
        },
    )
}

struct ZipIter<R> {
    source: String,
    archive: zip::ZipArchive<R>,
    next: usize,
    total: u64,
    pending: std::vec::IntoIter<Result<Record, Rejection>>,
    limits: Limits,
    stopped: bool,
}

impl<R: Read + Seek> ZipIter<R> {
    /// Read entry `i`: `Ok(None)` when skipped, `Err` for a rejected entry.
    fn entry(&mut self, i: usize) -> Result<Option<(String, Vec<u8>)>, Rejection> {
        let lim = &self.limits;
        let at = |name: &str| loc(&self.source, Some(name), None, None);
        let (name, size, csize, encrypted, is_dir) = {
            let f = self.archive.by_index_raw(i).map_err(|e| {
                Rejection::new(
                    Location::source(&self.source),
                    RejectionClass::ArchiveCorrupt,
                    format!("entry {i}: {e}"),
                )
            })?;
            let name = match f.name() {
                Ok(n) => n.into_owned(),
                Err(_) => String::from_utf8_lossy(f.name_raw()).into_owned(),
            };
            (
                name,
                f.size(),
                f.compressed_size(),
                f.encrypted(),
                f.is_dir(),
            )
        };
        if let Some(why) = unsafe_entry_name(&name) {
            return Err(Rejection::new(
                at(&name),
                RejectionClass::ArchiveUnsafePath,
                format!("unsafe entry name ({why})"),
            ));
        }
        if is_dir || !wanted_entry(&name) {
            return Ok(None);
        }
        if encrypted {
            return Err(Rejection::new(
                at(&name),
                RejectionClass::ArchiveUnsupported,
                "encrypted entry",
            ));
        }
        if size > lim.max_entry_bytes {
            return Err(Rejection::new(
                at(&name),
                RejectionClass::ArchiveEntryTooLarge,
                format!("entry declares {size} bytes, limit {}", lim.max_entry_bytes),
            ));
        }
        let ratio_bad =
            |n: u64| n > lim.ratio_exempt_bytes && n / csize.max(1) > lim.max_compression_ratio;
        if ratio_bad(size) {
            return Err(Rejection::new(
                at(&name),
                RejectionClass::ArchiveRatio,
                format!(
                    "compression ratio {}:1 exceeds {}:1",
                    size / csize.max(1),
                    lim.max_compression_ratio
                ),
            ));
        }
        let mut f = self.archive.by_index(i).map_err(|e| {
            Rejection::new(
                at(&name),
                RejectionClass::ArchiveUnsupported,
                format!("cannot open entry: {e}"),
            )
        })?;
        // Never trust the declared size: read at most one byte past it.
        let cap = size.min(lim.max_entry_bytes);
        let mut buf = Vec::with_capacity(usize::try_from(cap.min(1 << 20)).unwrap_or(0));
        (&mut f)
            .take(cap.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| {
                Rejection::new(
                    at(&name),
                    RejectionClass::ArchiveCorrupt,
                    format!("cannot read entry: {e}"),
                )
            })?;
        let n = buf.len() as u64;
        if n > size {
            return Err(Rejection::new(
                at(&name),
                RejectionClass::ArchiveEntryTooLarge,
                format!("entry expands beyond its declared size of {size} bytes"),
            ));
        }
        self.total = self.total.saturating_add(n);
        if self.total > lim.max_archive_total_bytes {
            self.stopped = true;
            return Err(Rejection::new(
                at(&name),
                RejectionClass::ArchiveTooLarge,
                format!(
                    "archive expands beyond {} bytes; reading stopped",
                    lim.max_archive_total_bytes
                ),
            ));
        }
        Ok(Some((name, buf)))
    }
}

impl<R: Read + Seek> Iterator for ZipIter<R> {
    type Item = Result<Record, Rejection>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(r) = self.pending.next() {
                return Some(r);
            }
            if self.stopped || self.next >= self.archive.len() {
                return None;
            }
            let i = self.next;
            self.next += 1;
            match self.entry(i) {
                Ok(None) => continue,
                Err(r) => return Some(Err(r)),
                Ok(Some((name, buf))) => {
                    let format = detect_format(&buf, &self.limits);
                    let v: Vec<_> = read_in_memory(
                        &self.source,
                        Some(&name),
                        &buf,
                        format,
                        &self.limits,
                        false,
                    )
                    .collect();
                    self.pending = v.into_iter();
                }
            }
        }
    }
}
