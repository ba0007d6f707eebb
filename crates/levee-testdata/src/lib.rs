//! Test-only helper for locating the shared real-world data set.
//!
//! The data lives outside the repository, in `../shared/data` next to the
//! clone (override with `LEVEE_SHARED_DATA`). Tests that need it call
//! [`shared_data`]: when the data is absent the test is skipped with a
//! message, unless `CI` is set, in which case the test fails.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

/// The root of the shared data directory, if present.
pub fn shared_root() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LEVEE_SHARED_DATA") {
        let p = PathBuf::from(p);
        return p.is_dir().then_some(p);
    }
    // crates/levee-testdata -> workspace root -> its parent
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    root.is_dir().then(|| root.canonicalize().unwrap_or(root))
}

/// Path to `rel` inside the shared data, or `None` (after printing a skip
/// message) when it is absent. Panics when absent and `CI` is set.
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let found = shared_root().map(|r| r.join(rel)).filter(|p| p.exists());
    if found.is_none() {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        if ci {
            panic!("shared data `{rel}` is absent but CI is set: tests need ../shared/data");
        }
        eprintln!("SKIPPED: shared data `{rel}` is absent (../shared/data or LEVEE_SHARED_DATA)");
    }
    found
}
