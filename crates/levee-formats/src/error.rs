//! Rejections: why a record (or a whole input) was refused, with a stable
//! machine-readable class code and the place where the problem is.

use std::fmt;

macro_rules! classes {
    ($( $(#[$m:meta])* $v:ident => $code:literal ),* $(,)?) => {
        /// Why a record or an input was rejected. Each class has a stable
        /// `code()` (snake case) that reports and tests key on.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum RejectionClass {
            $( $(#[$m])* $v, )*
        }

        impl RejectionClass {
            /// Every class, in declaration order.
            pub const ALL: &'static [RejectionClass] = &[ $( RejectionClass::$v, )* ];

            /// The stable code of this class.
            pub fn code(self) -> &'static str {
                match self { $( RejectionClass::$v => $code, )* }
            }

            /// The class with this code, if any.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $( $code => Some(RejectionClass::$v), )* _ => None }
            }
        }
    };
}

classes! {
    /// Not well-formed JSON / YAML / TOML.
    Syntax => "syntax",
    /// Input bytes are not UTF-8.
    Encoding => "encoding",
    /// Nesting deeper than `Limits::max_depth`.
    TooDeep => "too_deep",
    /// A record, file or YAML document larger than its limit.
    TooLarge => "too_large",
    /// A single string longer than `Limits::max_string_bytes`.
    StringTooLong => "string_too_long",
    /// The top-level value of a record is not a JSON object / YAML mapping.
    NotAnObject => "not_object",
    /// A known OSV field has the wrong JSON type.
    WrongType => "wrong_type",
    /// `id` absent.
    MissingId => "missing_id",
    /// `id` (or an alias) empty, too long, or containing whitespace/control characters.
    InvalidId => "invalid_id",
    /// `modified` absent.
    MissingModified => "missing_modified",
    /// `modified`, `published` or `withdrawn` is not an RFC 3339 date-time.
    InvalidTimestamp => "invalid_timestamp",
    /// `affected[].package` lacks `ecosystem` or `name`.
    InvalidPackage => "invalid_package",
    /// A range without a `type`.
    InvalidRange => "invalid_range",
    /// A range with an empty `events` list.
    RangeWithoutEvents => "range_without_events",
    /// A range whose events contain no `introduced`.
    RangeWithoutIntroduced => "range_without_introduced",
    /// An event object without exactly one of introduced/fixed/last_affected/limit, or an empty value.
    InvalidEvent => "invalid_event",
    /// YAML alias (`*ref`) refused, or its expansion exceeded the node budget.
    YamlAlias => "yaml_alias",
    /// Content matches no supported input format.
    UnknownFormat => "unknown_format",
    /// The zip archive (or one entry) cannot be read.
    ArchiveCorrupt => "archive_corrupt",
    /// A zip entry name that is absolute or escapes the archive root (zip-slip).
    ArchiveUnsafePath => "archive_unsafe_path",
    /// A zip entry expands beyond `Limits::max_entry_bytes` (or beyond its declared size).
    ArchiveEntryTooLarge => "archive_entry_too_large",
    /// The archive as a whole expands beyond `Limits::max_archive_total_bytes` or has too many entries.
    ArchiveTooLarge => "archive_too_large",
    /// A zip entry's compression ratio exceeds `Limits::max_compression_ratio`.
    ArchiveRatio => "archive_ratio",
    /// Encrypted entries, nested archives or unsupported compression methods.
    ArchiveUnsupported => "archive_unsupported",
    /// Reading the underlying stream failed.
    Io => "io",
    /// A RustSec advisory without a ```toml front-matter fence.
    RustsecFrontMatter => "rustsec_front_matter",
    /// RustSec front matter present but invalid (bad TOML, missing/ill-typed fields).
    RustsecInvalid => "rustsec_invalid",
    /// RustSec `patched`/`unaffected` requirements that cannot be parsed or turned into ranges.
    RustsecVersionReq => "rustsec_version_req",
}

impl fmt::Display for RejectionClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A problem found in one record, before the reader adds its location.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("[{class}] {}{reason}", path.as_deref().map(|p| format!("at {p}: ")).unwrap_or_default())]
pub struct RecordError {
    /// The rejection class.
    pub class: RejectionClass,
    /// JSON path of the offending value (`affected[0].ranges[1].events`), when known.
    pub path: Option<String>,
    /// Human-readable reason.
    pub reason: String,
    /// The record's `id`, when it could be read.
    pub id: Option<String>,
}

impl RecordError {
    pub(crate) fn new(
        class: RejectionClass,
        path: Option<String>,
        reason: impl Into<String>,
    ) -> Self {
        RecordError {
            class,
            path,
            reason: reason.into(),
            id: None,
        }
    }

    pub(crate) fn at(class: RejectionClass, path: &str, reason: impl Into<String>) -> Self {
        Self::new(class, Some(path.to_string()), reason)
    }

    pub(crate) fn plain(class: RejectionClass, reason: impl Into<String>) -> Self {
        Self::new(class, None, reason)
    }
}

/// Where a record came from: the source name given to the reader, the
/// archive entry (for zips) or wrapper path, the 1-based line (JSONL, YAML
/// document start, JSON array element), the 0-based record ordinal within
/// the source/entry, and the JSON path of the problem.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// Source name given by the caller (usually a file path).
    pub source: String,
    /// Zip entry name, or the `path` of a `{path,text}` wrapper line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// 1-based line number where the record starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 0-based ordinal of the record inside its source or entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// JSON path of the offending value inside the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Location {
    /// A location naming only the source.
    pub fn source(source: &str) -> Self {
        Location {
            source: source.to_string(),
            ..Location::default()
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)?;
        if let Some(e) = &self.entry {
            write!(f, "!{e}")?;
        }
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(i) = self.index {
            write!(f, " (record #{i})")?;
        }
        if let Some(p) = &self.path {
            write!(f, " at {p}")?;
        }
        Ok(())
    }
}

/// A refused record or input: where, which class, why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{location}: [{class}] {reason}")]
pub struct Rejection {
    /// Where the problem is.
    pub location: Location,
    /// The rejection class (stable code via `class.code()`).
    #[serde(serialize_with = "ser_class")]
    pub class: RejectionClass,
    /// Human-readable reason.
    pub reason: String,
    /// The record id, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

fn ser_class<S: serde::Serializer>(c: &RejectionClass, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.code())
}

impl Rejection {
    /// Attach a location to a record error.
    pub fn from_record_error(mut location: Location, e: RecordError) -> Self {
        if location.path.is_none() {
            location.path = e.path;
        }
        Rejection {
            location,
            class: e.class,
            reason: e.reason,
            id: e.id,
        }
    }

    pub(crate) fn new(
        location: Location,
        class: RejectionClass,
        reason: impl Into<String>,
    ) -> Self {
        Rejection {
            location,
            class,
            reason: reason.into(),
            id: None,
        }
    }
}

/// A non-fatal observation about an accepted record (kept with the record).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// Stable code, e.g. `git_range_without_repo`.
    pub code: &'static str,
    /// JSON path of the value concerned.
    pub path: String,
    /// Human-readable message.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for c in RejectionClass::ALL {
            assert!(seen.insert(c.code()), "duplicate code {}", c.code());
            assert_eq!(RejectionClass::from_code(c.code()), Some(*c));
            assert!(c
                .code()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
        assert_eq!(RejectionClass::from_code("nope"), None);
    }
}
