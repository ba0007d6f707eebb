//! Domain types shared by every Levee crate. No IO.
#![forbid(unsafe_code)]
