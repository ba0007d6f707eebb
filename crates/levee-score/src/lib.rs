//! CVSS v2/v3.x/v4.0 scoring and enrichment data (KEV, EPSS, CWE, SSVC). No IO.
//!
//! Every parser takes `&str`/`&[u8]`, never panics on input and reports
//! errors with the place (line, field, JSON path) and the reason.
#![forbid(unsafe_code)]

pub mod cvss;

pub use cvss::{
    parse as parse_cvss, Cvss, CvssError, CvssVersion, Nomenclature, Score, Scores, Severity,
};
