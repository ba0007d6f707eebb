//! The HTTP API (axum), authentication, the one authorization module, and the web UI.
#![forbid(unsafe_code)]
