//! CVSS v2/v3.x/v4.0 scoring and enrichment data (KEV, EPSS, CWE, SSVC). No IO.
//!
//! Every parser takes `&str`/`&[u8]`, never panics on input and reports
//! errors with the place (line, field, JSON path) and the reason. Record
//! parsers are iterators yielding `Result<Record, RecordError>`: a bad record
//! is reported and the next one is read.
//!
//! - [`cvss::parse`] → [`Cvss`] (v2, v3.0, v3.1, v4.0) → [`Cvss::scores`]
//! - [`kev::KevJson::parse`] / [`kev::KevCsv::new`] → [`kev::KevEntry`]
//! - [`epss::parse`] → [`epss::EpssScore`] (+ [`epss::EpssMeta`])
//! - [`cwe::CweCsv::new`] → [`cwe::CweEntry`]
//! - [`ssvc::from_cve_record`] → [`ssvc::SsvcAssessment`]
#![forbid(unsafe_code)]

pub mod cvss;
pub mod cwe;
pub mod epss;
pub mod feed;
pub mod kev;
pub mod ssvc;

pub use cvss::{
    parse as parse_cvss, Cvss, CvssError, CvssVersion, Nomenclature, Score, Scores, Severity,
};
pub use feed::{CveId, CweId, Date, FeedError, Probability, RecordError};
