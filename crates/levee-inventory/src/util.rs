//! Shared helpers: failure type, output accumulator, text decoding, lines,
//! JSON access with paths.

use crate::{Component, Ecosystem, ErrorKind, Location, Origin};
use serde_json::Value;

/// A whole-file failure (the file name is attached by the caller).
#[derive(Debug)]
pub(crate) struct Fail {
    pub location: Location,
    pub reason: String,
    pub kind: ErrorKind,
}

impl Fail {
    pub fn malformed(location: Location, reason: impl Into<String>) -> Self {
        Fail {
            location,
            reason: reason.into(),
            kind: ErrorKind::Malformed,
        }
    }
    pub fn limit(location: Location, reason: impl Into<String>) -> Self {
        Fail {
            location,
            reason: reason.into(),
            kind: ErrorKind::LimitExceeded,
        }
    }
    pub fn unsupported(location: Location, reason: impl Into<String>) -> Self {
        Fail {
            location,
            reason: reason.into(),
            kind: ErrorKind::Unsupported,
        }
    }
}

pub(crate) type R<T = ()> = Result<T, Fail>;

#[derive(Default)]
pub(crate) struct Out {
    pub components: Vec<Component>,
    pub problems: Vec<(Location, String)>,
    pub skipped: Vec<(Location, String)>,
    /// Set once the parser has seen something that proves the file is of the
    /// format (a header, a section, a valid entry) so that a file with only
    /// invalid entries is still "partly valid" rather than malformed.
    pub structure_seen: bool,
}

impl Out {
    pub fn problem(&mut self, loc: Location, reason: impl Into<String>) {
        self.problems.push((loc, reason.into()));
    }
    pub fn skip(&mut self, loc: Location, reason: impl Into<String>) {
        self.structure_seen = true;
        self.skipped.push((loc, reason.into()));
    }
    pub fn push(&mut self, c: Component) {
        self.structure_seen = true;
        self.components.push(c);
    }
}

/// A component with the common defaults; the purl is built from the parts.
pub(crate) fn component(
    eco: Ecosystem,
    name: &str,
    version: &str,
    location: Location,
) -> Component {
    Component {
        ecosystem: Some(eco),
        release: None,
        name: name.to_string(),
        version: version.to_string(),
        purl: crate::purl::build(eco, name, version),
        commit: None,
        origin: Origin::Unknown,
        dev: false,
        location,
    }
}

/// UTF-8 text without BOM; UTF-16 is refused with a clear reason.
pub(crate) fn decode_text(b: &[u8]) -> R<&str> {
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    if b.starts_with(b"\xFF\xFE") || b.starts_with(b"\xFE\xFF") {
        return Err(Fail::malformed(
            Location::line(1),
            "UTF-16 input is not supported; convert to UTF-8",
        ));
    }
    std::str::from_utf8(b).map_err(|e| {
        let upto = b.get(..e.valid_up_to()).unwrap_or_default();
        let line = 1 + memchr::memchr_iter(b'\n', upto).count();
        Fail::malformed(
            Location::line(line),
            format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        )
    })
}

/// Lines with 1-based numbers, `\r` stripped, length-limited.
pub(crate) fn lines(text: &str, max: usize) -> impl Iterator<Item = R<(usize, &str)>> {
    text.lines().enumerate().map(move |(i, l)| {
        if l.len() > max {
            Err(Fail::limit(
                Location::line(i + 1),
                format!("line is {} bytes long, over the {max}-byte limit", l.len()),
            ))
        } else {
            Ok((i + 1, l))
        }
    })
}

/// 1-based line of a byte offset. O(offset): for many offsets use
/// [`LineCounter`].
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let b = text.as_bytes();
    1 + memchr::memchr_iter(b'\n', b.get(..offset.min(b.len())).unwrap_or_default()).count()
}

/// [`line_of`] for a series of offsets: counts only the newlines since the
/// previous offset, so ascending offsets (TOML spans in file order) cost one
/// pass over the text in all instead of one pass each. Any offset order
/// gives the same answers as [`line_of`].
pub(crate) struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    pub fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    pub fn line_of(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        let gap = self.text.get(self.offset..offset).unwrap_or_default();
        self.line += memchr::memchr_iter(b'\n', gap).count();
        self.offset = offset;
        self.line
    }
}

/// Parse JSON; serde_json refuses nesting deeper than 128.
pub(crate) fn json(text: &str) -> R<Value> {
    serde_json::from_str(text).map_err(|e| {
        let reason = e.to_string();
        let kind = if reason.contains("recursion limit") {
            ErrorKind::LimitExceeded
        } else {
            ErrorKind::Malformed
        };
        // strip serde_json's " at line X column Y" suffix; we give the line.
        let reason = match reason.rfind(" at line ") {
            Some(i) => reason.get(..i).unwrap_or(&reason).to_string(),
            None => reason,
        };
        Fail {
            location: Location {
                line: Some(u32::try_from(e.line()).unwrap_or(u32::MAX)),
                path: None,
            },
            reason: format!("invalid JSON: {reason} (column {})", e.column()),
            kind,
        }
    })
}

/// JSON path segment for an object key.
pub(crate) fn jkey(base: &str, key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{base}.{key}")
    } else {
        format!("{base}[{}]", serde_json::Value::String(key.to_string()))
    }
}

pub(crate) fn jidx(base: &str, i: usize) -> String {
    format!("{base}[{i}]")
}

pub(crate) fn jstr<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The top-level value must be an object.
pub(crate) fn jobject(v: &Value) -> R<&serde_json::Map<String, Value>> {
    v.as_object().ok_or_else(|| {
        Fail::malformed(
            Location::path("$"),
            "expected a JSON object at the top level",
        )
    })
}

/// Heuristic for "looks like a commit id".
pub(crate) fn is_commitish(s: &str) -> bool {
    (7..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parse TOML, mapping errors to a line.
pub(crate) fn toml<T: serde::de::DeserializeOwned>(text: &str) -> R<T> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
        let msg = e.message().to_string();
        let kind = if msg.contains("recursion") {
            ErrorKind::LimitExceeded
        } else {
            ErrorKind::Malformed
        };
        Fail {
            location: Location::line(line),
            reason: format!("invalid TOML: {msg}"),
            kind,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_counter_agrees_with_line_of() {
        let text = "a\nbb\n\nccc\r\nd\n";
        let mut c = LineCounter::new(text);
        // ascending, repeated, backwards, past the end
        for off in [0, 1, 2, 2, 5, 6, 11, 3, 0, 12, 13, 100, 4] {
            assert_eq!(c.line_of(off), line_of(text, off), "offset {off}");
        }
    }
}
