//! CVSS v2/v3.x/v4.0 scoring and enrichment data (KEV, EPSS, CWE). No IO.
#![forbid(unsafe_code)]
