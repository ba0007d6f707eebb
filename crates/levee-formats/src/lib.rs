//! Parsers and writers for advisory formats (OSV, CSAF, CVE JSON 5, native feeds) into the model. No IO.
#![forbid(unsafe_code)]
