//! CSAF 2.0: validation (structural schema checks + mandatory tests),
//! conversion of vulnerabilities to OSV records, and export of records as
//! a CSAF security advisory or VEX document.

pub mod convert;
pub mod export;
pub mod validate;

pub(crate) use convert::convert;
pub use export::{export, export_advisory, export_vex, ExportOptions, Profile};
pub use validate::{validate, Finding, Report, ValidateOptions, MANDATORY_TESTS};
