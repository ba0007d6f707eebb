//! Sanitizer and runtime crash-report parsing into ClusterFuzz-style signatures. No IO, no panics on input.
#![forbid(unsafe_code)]
