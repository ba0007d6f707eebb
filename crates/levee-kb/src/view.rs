//! Vulnerability views (see the crate docs).
