//! One module per subcommand. Each exposes `Args` (or `Command`) and `run`,
//! returning the process exit code (see `main.rs`).

pub mod audit;
pub mod crash;
pub mod cvss;
pub mod db;
pub mod grant;
pub mod import;
pub mod ops;
pub mod org;
pub mod scan;
pub mod serve;
pub mod version;
pub mod vuln;
