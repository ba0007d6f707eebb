//! Version ordering and range evaluation for every OSV ecosystem, package URLs and vers: URIs. No IO, no panics on input.
#![forbid(unsafe_code)]
