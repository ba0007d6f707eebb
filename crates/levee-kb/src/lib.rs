//! The knowledge base: every published vulnerability, once, with everything
//! known about it.
//!
//! - [`import`]: advisory files (OSV JSON/YAML/JSONL/zip, RustSec markdown,
//!   and the enrichment feeds KEV/EPSS/CWE) into the store, grouped into one
//!   vulnerability per real-world flaw by `levee_formats::Grouper`.
//! - [`view`]: a vulnerability assembled from its source records with its
//!   aliases, KEV entry, EPSS score, CWE names and CVSS scores.
//!
//! Visibility is not decided here: callers pass what they read through the
//! server's authorization module.
#![forbid(unsafe_code)]

pub mod import;
pub mod view;
