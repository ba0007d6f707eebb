//! SBOM and lockfile parsers yielding package URLs with versions. No IO.
#![forbid(unsafe_code)]
