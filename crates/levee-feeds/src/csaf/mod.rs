//! CSAF 2.0: validation (schema subset + mandatory tests), conversion to
//! OSV and export.

use serde_json::Value;

use crate::common::Conv;

pub(crate) fn convert(_path: Option<&str>, _d: &Value) -> Vec<Conv> {
    Vec::new()
}
