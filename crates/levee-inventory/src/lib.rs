//! SBOM, lockfile and installed-package-list parsers yielding components
//! (OSV ecosystem, name, version, package URL, commit) with their location.
//!
//! Pure: every entry point takes a file-name hint and the file's bytes; no
//! IO, and no input makes it panic. A partly valid file yields its valid
//! components plus a list of [`Problem`]s; a wholly malformed one is a
//! [`ParseError`] naming the file, the line or JSON path, and the reason.
//!
//! Entry points: [`detect`] (format from name and content), [`parse`]
//! (detect + parse), [`parse_as`] / [`parse_with`] (explicit format and
//! [`Limits`]). Bombs (huge input, deep nesting, XML entities and DTDs,
//! YAML alias expansion, huge lines) are refused with
//! [`ErrorKind::LimitExceeded`].
//!
//! ```
//! let lock = b"version = 3\n\n[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
//! let inv = levee_inventory::parse("app/Cargo.lock", lock).unwrap();
//! assert_eq!(inv.format, levee_inventory::Format::CargoLock);
//! let c = &inv.components[0];
//! assert_eq!((c.osv_ecosystem().as_deref(), c.name.as_str(), c.version.as_str()), (Some("crates.io"), "smallvec", "1.6.0"));
//! assert_eq!(c.purl, "pkg:cargo/smallvec@1.6.0");
//! assert_eq!(c.location.line, Some(3));
//! assert!(c.origin.is_registry() && inv.problems.is_empty());
//! ```
//!
//! Dependency choices: `serde_json` (recursion limit 128 built in);
//! `quick-xml` (pull parser: never expands custom entities, we refuse any
//! DTD outright); `toml` (toml-rs, maintained, recursion-limited unless the
//! `unbounded` feature is on, which we don't enable); `saphyr-parser`
//! (maintained pure-Rust YAML 1.2 event parser — `serde_yaml` is archived and
//! its forks wrap a C port; we build our own small tree from events so alias
//! expansion, depth and size are bounded by us); `memchr` for the Cargo.lock
//! fast path.
#![forbid(unsafe_code)]

mod detect;
mod formats;
mod purl;
mod util;
mod xml;
mod yaml;

use std::fmt;

pub use detect::{detect, detect_by_name};
pub use purl::{parse_purl, Purl};

/// OSV ecosystems the parsers produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ecosystem {
    Npm,
    PyPI,
    CratesIo,
    Go,
    Maven,
    NuGet,
    Packagist,
    RubyGems,
    Hex,
    Pub,
    SwiftURL,
    CocoaPods,
    Hackage,
    Debian,
    Ubuntu,
    Alpine,
    Wolfi,
    Chainguard,
    RedHat,
    AlmaLinux,
    RockyLinux,
    OpenSuse,
    Suse,
    /// An RPM-based distribution that the input does not name (`rpm -qa`
    /// output): the scanner must pick the concrete ecosystem.
    Rpm,
    GitHubActions,
    Cran,
}

impl Ecosystem {
    /// The ecosystem string as OSV spells it (without a release suffix).
    pub fn as_str(self) -> &'static str {
        use Ecosystem::*;
        match self {
            Npm => "npm",
            PyPI => "PyPI",
            CratesIo => "crates.io",
            Go => "Go",
            Maven => "Maven",
            NuGet => "NuGet",
            Packagist => "Packagist",
            RubyGems => "RubyGems",
            Hex => "Hex",
            Pub => "Pub",
            SwiftURL => "SwiftURL",
            CocoaPods => "CocoaPods",
            Hackage => "Hackage",
            Debian => "Debian",
            Ubuntu => "Ubuntu",
            Alpine => "Alpine",
            Wolfi => "Wolfi",
            Chainguard => "Chainguard",
            RedHat => "Red Hat",
            AlmaLinux => "AlmaLinux",
            RockyLinux => "Rocky Linux",
            OpenSuse => "openSUSE",
            Suse => "SUSE",
            Rpm => "RPM",
            GitHubActions => "GitHub Actions",
            Cran => "CRAN",
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a component came from, when the input says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    /// The input does not say (SBOMs, most manifests).
    #[default]
    Unknown,
    /// A package registry; `Some(url)` when not the ecosystem's default.
    Registry(Option<String>),
    /// A git repository (URL as written).
    Git(String),
    /// A local path / workspace member.
    Path(String),
    /// A direct URL (tarball etc.).
    Url(String),
}

impl Origin {
    /// True for packages fetched from a package registry (what advisory
    /// databases describe); false for git, path and URL sources.
    pub fn is_registry(&self) -> bool {
        matches!(self, Origin::Registry(_) | Origin::Unknown)
    }
}

/// A place in an input file: a 1-based line, a JSON path, or both.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub line: Option<u32>,
    /// JSON path (`$.packages["node_modules/a"].version`) or, for XML, an
    /// element path (`/project/dependencies/dependency[2]`).
    pub path: Option<String>,
}

impl Location {
    pub fn line(line: usize) -> Self {
        Location {
            line: Some(u32::try_from(line).unwrap_or(u32::MAX)),
            path: None,
        }
    }
    pub fn path(path: impl Into<String>) -> Self {
        Location {
            line: None,
            path: Some(path.into()),
        }
    }
    pub fn unknown() -> Self {
        Location::default()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.line, &self.path) {
            (Some(l), Some(p)) => write!(f, "line {l} ({p})"),
            (Some(l), None) => write!(f, "line {l}"),
            (None, Some(p)) => f.write_str(p),
            (None, None) => f.write_str("(whole file)"),
        }
    }
}

/// One package found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// OSV ecosystem; `None` for SBOM components without a package URL of a
    /// known type (they cannot be matched).
    pub ecosystem: Option<Ecosystem>,
    /// Distribution release when known (`"12"` for `Debian:12`, `"v3.18"`
    /// for `Alpine:v3.18`, `"9.2"` for `Red Hat:9.2`), from a purl `distro`
    /// qualifier (Red Hat: or `repository_id`, or a CycloneDX component's
    /// `evidence.identity` purls, or all of an SPDX package's purls).
    pub release: Option<String>,
    /// Package name as OSV expects it, raw (not PEP 503-normalized):
    /// Maven `group:artifact`, npm `@scope/name`, Go module path, Packagist
    /// `vendor/name`, SwiftURL `github.com/owner/repo`.
    pub name: String,
    /// The exact version (may be empty only for SBOM components that give
    /// none, and for git-only dependencies with a `commit`).
    pub version: String,
    /// Package URL (`pkg:cargo/serde@1.0.0`).
    pub purl: String,
    /// Commit id when the dependency is pinned to a VCS revision.
    pub commit: Option<String>,
    pub origin: Origin,
    /// Development / test / optional-only dependency, when the input says.
    pub dev: bool,
    pub location: Location,
}

impl Component {
    /// OSV `affected[].package.ecosystem` value, with the release suffix when
    /// known (`Debian:12`); borrowed (no allocation) when there is none.
    pub fn osv_ecosystem(&self) -> Option<std::borrow::Cow<'static, str>> {
        let e = self.ecosystem?;
        Some(match &self.release {
            Some(r) => std::borrow::Cow::Owned(format!("{}:{r}", e.as_str())),
            None => std::borrow::Cow::Borrowed(e.as_str()),
        })
    }
}

/// A part of the input that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub location: Location,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.location, self.reason)
    }
}

/// The parse result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    /// The file-name hint given to the parser.
    pub file: String,
    pub format: Format,
    pub components: Vec<Component>,
    /// Invalid parts of the input that were skipped.
    pub problems: Vec<Problem>,
    /// Valid entries that yield no component and so are not checked: an
    /// unpinned requirement (`flask>=2`), a path or URL dependency without a
    /// version.
    pub skipped: Vec<Problem>,
}

/// Why a file was rejected as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Neither name nor content identify a supported format.
    UnknownFormat,
    /// Syntax or structure error.
    Malformed,
    /// A known but unsupported format or version (SPDX 3.0, ...).
    Unsupported,
    /// Size, nesting, line length, alias expansion or entity limit hit,
    /// or a DTD present.
    LimitExceeded,
}

/// A file rejected as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {location}: {reason}")]
pub struct ParseError {
    pub file: String,
    pub location: Location,
    pub reason: String,
    pub kind: ErrorKind,
}

/// Bomb protection. Defaults are generous for real files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted (default 256 MiB).
    pub max_bytes: usize,
    /// Deepest nesting of JSON/XML/YAML/TOML structures (default 128).
    pub max_depth: usize,
    /// Longest line in line-oriented formats (default 1 MiB).
    pub max_line_bytes: usize,
    /// Most YAML nodes materialized, aliases counted with the size of what
    /// they point to (default 5,000,000).
    pub max_yaml_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 256 << 20,
            max_depth: 128,
            max_line_bytes: 1 << 20,
            max_yaml_nodes: 5_000_000,
        }
    }
}

macro_rules! formats {
    ($($v:ident => $name:literal, $doc:literal;)*) => {
        /// Supported input formats.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Format { $(#[doc = $doc] $v,)* }
        impl Format {
            /// All formats.
            pub const ALL: &'static [Format] = &[$(Format::$v,)*];
            /// Stable short name (for `--format`-style flags and reports).
            pub fn name(self) -> &'static str { match self { $(Format::$v => $name,)* } }
        }
    };
}

formats! {
    CycloneDxJson => "cyclonedx-json", "CycloneDX 1.2–1.7 JSON";
    CycloneDxXml => "cyclonedx-xml", "CycloneDX 1.0–1.7 XML";
    SpdxJson => "spdx-json", "SPDX 2.2/2.3 JSON and 3.0 JSON-LD";
    SpdxTagValue => "spdx-tag-value", "SPDX 2.x tag-value";
    NpmPackageLock => "package-lock.json", "npm package-lock.json v1–v3 and npm-shrinkwrap.json";
    YarnLock => "yarn.lock", "yarn.lock v1 (classic) and v2+ (berry)";
    PnpmLock => "pnpm-lock.yaml", "pnpm-lock.yaml v5, v6, v9";
    PoetryLock => "poetry.lock", "poetry.lock";
    PipfileLock => "Pipfile.lock", "Pipfile.lock";
    RequirementsTxt => "requirements.txt", "requirements.txt (== / === pins)";
    UvLock => "uv.lock", "uv.lock";
    CargoLock => "Cargo.lock", "Cargo.lock v1–v4";
    GoMod => "go.mod", "go.mod";
    GoSum => "go.sum", "go.sum";
    ComposerLock => "composer.lock", "composer.lock";
    GemfileLock => "Gemfile.lock", "Gemfile.lock / gems.locked";
    MavenPom => "pom.xml", "Maven pom.xml (declared dependencies with literal or property versions)";
    GradleLockfile => "gradle.lockfile", "gradle.lockfile";
    MixLock => "mix.lock", "mix.lock";
    PubspecLock => "pubspec.lock", "pubspec.lock";
    NugetPackagesLock => "packages.lock.json", "NuGet packages.lock.json";
    SwiftPackageResolved => "Package.resolved", "SwiftPM Package.resolved v1–v3";
    PodfileLock => "Podfile.lock", "CocoaPods Podfile.lock";
    StackYamlLock => "stack.yaml.lock", "Haskell stack.yaml.lock";
    CabalFreeze => "cabal.project.freeze", "Haskell cabal.project.freeze";
    DpkgStatus => "dpkg-status", "Debian dpkg status database (/var/lib/dpkg/status)";
    RpmQa => "rpm-qa", "`rpm -qa` output (one NEVRA per line)";
    ApkInstalled => "apk-installed", "Alpine apk installed database (/lib/apk/db/installed)";
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown inventory format `{s}`"))
    }
}

/// Detect the format from `file_name` and `content`, then parse with
/// default [`Limits`].
pub fn parse(file_name: &str, content: &[u8]) -> Result<Inventory, ParseError> {
    match detect(file_name, content) {
        Some(f) => parse_with(f, file_name, content, &Limits::default()),
        None => Err(ParseError {
            file: file_name.to_string(),
            location: Location::unknown(),
            reason: "not a recognised SBOM, lockfile or package list".into(),
            kind: ErrorKind::UnknownFormat,
        }),
    }
}

/// Parse `content` as `format` with default [`Limits`].
pub fn parse_as(format: Format, file_name: &str, content: &[u8]) -> Result<Inventory, ParseError> {
    parse_with(format, file_name, content, &Limits::default())
}

/// Parse `content` as `format` with explicit limits.
pub fn parse_with(
    format: Format,
    file_name: &str,
    content: &[u8],
    limits: &Limits,
) -> Result<Inventory, ParseError> {
    let err = |f: util::Fail| ParseError {
        file: file_name.to_string(),
        location: f.location,
        reason: f.reason,
        kind: f.kind,
    };
    if content.len() > limits.max_bytes {
        return Err(err(util::Fail::limit(
            Location::unknown(),
            format!(
                "input is {} bytes, over the {}-byte limit",
                content.len(),
                limits.max_bytes
            ),
        )));
    }
    let text = util::decode_text(content).map_err(err)?;
    let mut out = util::Out::default();
    formats::dispatch(format, text, limits, &mut out).map_err(err)?;
    if out.components.is_empty() && !out.problems.is_empty() && !out.structure_seen {
        // Nothing valid at all: the file is wholly malformed.
        let first = out.problems.swap_remove(0);
        return Err(ParseError {
            file: file_name.to_string(),
            location: first.0,
            reason: first.1,
            kind: ErrorKind::Malformed,
        });
    }
    Ok(Inventory {
        file: file_name.to_string(),
        format,
        components: out.components,
        problems: out
            .problems
            .into_iter()
            .map(|(location, reason)| Problem {
                file: file_name.to_string(),
                location,
                reason,
            })
            .collect(),
        skipped: out
            .skipped
            .into_iter()
            .map(|(location, reason)| Problem {
                file: file_name.to_string(),
                location,
                reason,
            })
            .collect(),
    })
}
