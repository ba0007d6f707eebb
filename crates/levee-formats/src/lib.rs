//! Parsers and writers for advisory formats. Pure: takes `&[u8]` / `&str` /
//! a caller-supplied `std::io::Read`, does no filesystem or network IO, and
//! never panics on input.
//!
//! * [`Record`]: the OSV record model (typed fields + verbatim source JSON).
//! * [`read_bytes`], [`read_stream`], [`read_zip`]: readers yielding
//!   `Result<Record, Rejection>` per record, with content-based format
//!   detection and bomb limits ([`Limits`]).
//! * [`rustsec`]: RustSec advisory markdown -> OSV record.
//! * [`group`]: one vulnerability per real-world flaw (alias merging).
//! * [`export`]: lossless per-record JSON and osv.dev-style zip dumps.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Readers yield `Result<Record, Rejection>`; `Record` is larger than
// `Rejection`, so boxing the error would not shrink the item.
#![allow(clippy::result_large_err)]

pub mod error;
pub mod export;
pub mod group;
pub mod limits;
pub mod read;
pub mod record;
pub mod rustsec;
mod scan;
pub mod time;
pub mod yaml;

pub use error::{Location, RecordError, Rejection, RejectionClass, Warning};
pub use group::{Conflict, Group, Grouper, Link, LinkKind};
pub use limits::Limits;
pub use read::{
    detect_format, read_bytes, read_stream, read_zip, InputFormat, ReadOptions, Records,
};
pub use record::{
    parse_record_json, Affected, Credit, Event, Package, Range, RangeKind, RawJson, Record,
    Reference, Severity,
};
pub use rustsec::{parse_rustsec_md, RustsecAdvisory};
pub use time::Timestamp;
