//! Version ordering and range evaluation for every OSV ecosystem, package
//! URLs and `vers:` URIs. No IO, no panics on input.
//!
//! Entry points:
//! - [`Ecosystem::parse`] — an OSV ecosystem string (`Debian:12`) and its
//!   [`VersionScheme`] ([`Ecosystem::scheme`]).
//! - [`Version::parse`] / [`Ecosystem::parse_version`] — parse once; `Ord`
//!   compares.
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod ecosystem;
pub mod error;
pub mod num;
pub mod scheme;
pub mod smallstr;
pub mod sort;

pub use ecosystem::{Ecosystem, EcosystemError, EcosystemName};
pub use error::{RejectKind, VersionError};
pub use scheme::{Version, VersionScheme};
pub mod native;
pub mod range;
pub mod vers;

pub use range::{
    AffectedMatcher, Bound, CompiledRange, Event, Interval, OsvRange, RangeError, RangeKind,
    RangeSet, Verdict,
};
pub mod purl;

pub use purl::{PackageUrl, PurlError};
