//! Parse errors. Every error names the input, the byte position and a
//! [`RejectKind`] — a closed set of named rejection classes, so tests and
//! callers can tell *why* a string is not a version.

use crate::scheme::VersionScheme;

/// Why a version string was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectKind {
    /// The string is empty.
    Empty,
    /// Whitespace or a control character inside the version.
    Whitespace,
    /// A character the scheme does not allow.
    InvalidChar(char),
    /// A digit was required here (e.g. a version must start with a number).
    ExpectedDigit,
    /// An empty component or identifier (`1..2`, `1.0-`, `1.0+`).
    EmptyComponent,
    /// The epoch is not a number (`a:1.0` in dpkg).
    BadEpoch,
    /// Input left over after a complete version (PEP 440, SemVer).
    TrailingInput,
    /// The ecosystem has no version ordering ("versions lists only").
    NoOrdering,
}

impl std::fmt::Display for RejectKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RejectKind::Empty => f.write_str("empty version"),
            RejectKind::Whitespace => f.write_str("whitespace or control character"),
            RejectKind::InvalidChar(c) => write!(f, "invalid character {c:?}"),
            RejectKind::ExpectedDigit => f.write_str("expected a digit"),
            RejectKind::EmptyComponent => f.write_str("empty component"),
            RejectKind::BadEpoch => f.write_str("epoch is not a number"),
            RejectKind::TrailingInput => f.write_str("unexpected trailing characters"),
            RejectKind::NoOrdering => {
                f.write_str("ecosystem has no version ordering (versions lists only)")
            }
        }
    }
}

/// A version string that does not parse in its scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {} version {input:?} at byte {pos}: {kind}", scheme.map_or("", VersionScheme::name))]
pub struct VersionError {
    /// `None` when the ecosystem has no ordering at all.
    pub scheme: Option<VersionScheme>,
    pub input: String,
    pub pos: usize,
    pub kind: RejectKind,
}

/// Internal result for scheme parsers: position + reason.
pub(crate) type PResult<T> = Result<T, (usize, RejectKind)>;

/// Reject empty input and whitespace/control characters, common to all schemes.
pub(crate) fn check_basic(s: &str) -> PResult<()> {
    if s.is_empty() {
        return Err((0, RejectKind::Empty));
    }
    // fast path: printable ASCII
    if s.bytes().all(|b| b > b' ' && b < 0x7f) {
        return Ok(());
    }
    if let Some((i, _)) = s
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || c.is_control())
    {
        return Err((i, RejectKind::Whitespace));
    }
    Ok(())
}
