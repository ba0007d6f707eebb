//! CSAF 2.0: validation (structural schema checks + mandatory tests),
//! conversion of vulnerabilities to OSV records, and export of records as
//! a CSAF security advisory or VEX document.

use serde_json::Value;

use crate::common::Conv;

pub mod validate;

pub use validate::{validate, Finding, Report, ValidateOptions, MANDATORY_TESTS};

pub(crate) fn convert(_path: Option<&str>, _d: &Value) -> Vec<Conv> {
    Vec::new()
}
