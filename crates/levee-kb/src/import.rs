//! Import of advisory files into the store (see the crate docs).
