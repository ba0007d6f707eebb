//! Version schemes (one file per ordering) and the dispatching [`Version`].
//!
//! Every [`Version`] knows its scheme; `Ord` compares within a scheme. Two
//! versions of different schemes never meet in practice (a range is
//! compiled for one ecosystem); if they do, they order by scheme so that
//! `Ord` stays total.

use std::cmp::Ordering;
use std::fmt;

use crate::error::{RejectKind, VersionError};

pub mod apk;
pub mod composer;
pub mod dpkg;
pub mod maven;
pub mod numeric;
pub mod pep440;
pub mod rpm;
pub mod rubygems;
pub mod semver;

pub use semver::SemVerFlavor;

/// A version ordering algorithm. Several ecosystems share one (see
/// [`crate::Ecosystem::scheme`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VersionScheme {
    /// SemVer 2.0 (npm, crates.io, Hex, Bitnami, SwiftURL, GitHub Actions,
    /// ConanCenter, VSCode, Linux, Kubernetes).
    SemVer,
    /// Go modules: SemVer with `v`, pseudo-versions, `+incompatible`.
    Go,
    /// NuGet: SemVer with 4 numeric parts, case-insensitive labels.
    NuGet,
    /// Pub (Dart): SemVer with ordered build metadata.
    Pub,
    /// Julia `VersionNumber`: SemVer with ordered build metadata.
    Julia,
    /// PyPI: PEP 440.
    Pep440,
    /// Maven ComparableVersion.
    Maven,
    /// RubyGems `Gem::Version`.
    RubyGems,
    /// Packagist: PHP `version_compare`.
    Composer,
    /// Debian, Ubuntu: dpkg.
    Dpkg,
    /// RPM family: rpmvercmp.
    Rpm,
    /// Alpine family: apk-tools.
    Apk,
    /// CRAN, Bioconductor: R `package_version`.
    Cran,
    /// Hackage, GHC: Haskell `Data.Version`.
    Hackage,
    /// opam: OpamVersionCompare (Debian-style).
    Opam,
}

impl VersionScheme {
    pub const ALL: [VersionScheme; 15] = [
        VersionScheme::SemVer,
        VersionScheme::Go,
        VersionScheme::NuGet,
        VersionScheme::Pub,
        VersionScheme::Julia,
        VersionScheme::Pep440,
        VersionScheme::Maven,
        VersionScheme::RubyGems,
        VersionScheme::Composer,
        VersionScheme::Dpkg,
        VersionScheme::Rpm,
        VersionScheme::Apk,
        VersionScheme::Cran,
        VersionScheme::Hackage,
        VersionScheme::Opam,
    ];

    pub fn name(self) -> &'static str {
        match self {
            VersionScheme::SemVer => "SemVer",
            VersionScheme::Go => "Go",
            VersionScheme::NuGet => "NuGet",
            VersionScheme::Pub => "Pub",
            VersionScheme::Julia => "Julia",
            VersionScheme::Pep440 => "PEP 440",
            VersionScheme::Maven => "Maven",
            VersionScheme::RubyGems => "RubyGems",
            VersionScheme::Composer => "Composer",
            VersionScheme::Dpkg => "dpkg",
            VersionScheme::Rpm => "RPM",
            VersionScheme::Apk => "apk",
            VersionScheme::Cran => "CRAN",
            VersionScheme::Hackage => "Hackage",
            VersionScheme::Opam => "opam",
        }
    }

    /// Parse `s` in this scheme.
    pub fn parse(self, s: &str) -> Result<Version, VersionError> {
        Version::parse(self, s)
    }
}

impl fmt::Display for VersionScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A parsed version of some scheme. Cheap to compare; parse once, compare
/// many times. `Display` gives back the input string.
#[derive(Clone, Debug)]
pub enum Version {
    SemVer(semver::SemVer),
    Go(semver::SemVer),
    NuGet(semver::SemVer),
    Pub(semver::SemVer),
    Julia(semver::SemVer),
    Pep440(pep440::Pep440),
    Maven(maven::MavenVersion),
    RubyGems(rubygems::GemVersion),
    Composer(composer::ComposerVersion),
    Dpkg(dpkg::DpkgVersion),
    Rpm(rpm::RpmVersion),
    Apk(apk::ApkVersion),
    Cran(numeric::NumericVersion),
    Hackage(numeric::NumericVersion),
    Opam(dpkg::OpamVersion),
}

impl Version {
    /// Parse `s` as a version of `scheme`.
    pub fn parse(scheme: VersionScheme, s: &str) -> Result<Version, VersionError> {
        use VersionScheme as S;
        let r = match scheme {
            S::SemVer => semver::SemVer::parse(s).map(Version::SemVer),
            S::Go => semver::SemVer::parse(s).map(Version::Go),
            S::NuGet => semver::SemVer::parse(s).map(Version::NuGet),
            S::Pub => semver::SemVer::parse(s).map(Version::Pub),
            S::Julia => semver::SemVer::parse(s).map(Version::Julia),
            S::Pep440 => pep440::Pep440::parse(s).map(Version::Pep440),
            S::Maven => maven::MavenVersion::parse(s).map(Version::Maven),
            S::RubyGems => rubygems::GemVersion::parse(s).map(Version::RubyGems),
            S::Composer => composer::ComposerVersion::parse(s).map(Version::Composer),
            S::Dpkg => dpkg::DpkgVersion::parse(s).map(Version::Dpkg),
            S::Rpm => rpm::RpmVersion::parse(s).map(Version::Rpm),
            S::Apk => apk::ApkVersion::parse(s).map(Version::Apk),
            S::Cran => numeric::NumericVersion::parse(s, true).map(Version::Cran),
            S::Hackage => numeric::NumericVersion::parse(s, false).map(Version::Hackage),
            S::Opam => dpkg::OpamVersion::parse(s).map(Version::Opam),
        };
        r.map_err(|(pos, kind)| VersionError {
            scheme: Some(scheme),
            input: s.to_string(),
            pos,
            kind,
        })
    }

    pub fn scheme(&self) -> VersionScheme {
        use VersionScheme as S;
        match self {
            Version::SemVer(_) => S::SemVer,
            Version::Go(_) => S::Go,
            Version::NuGet(_) => S::NuGet,
            Version::Pub(_) => S::Pub,
            Version::Julia(_) => S::Julia,
            Version::Pep440(_) => S::Pep440,
            Version::Maven(_) => S::Maven,
            Version::RubyGems(_) => S::RubyGems,
            Version::Composer(_) => S::Composer,
            Version::Dpkg(_) => S::Dpkg,
            Version::Rpm(_) => S::Rpm,
            Version::Apk(_) => S::Apk,
            Version::Cran(_) => S::Cran,
            Version::Hackage(_) => S::Hackage,
            Version::Opam(_) => S::Opam,
        }
    }

    /// The string this version was parsed from.
    pub fn as_str(&self) -> &str {
        match self {
            Version::SemVer(v)
            | Version::Go(v)
            | Version::NuGet(v)
            | Version::Pub(v)
            | Version::Julia(v) => v.as_str(),
            Version::Pep440(v) => v.as_str(),
            Version::Maven(v) => v.as_str(),
            Version::RubyGems(v) => v.as_str(),
            Version::Composer(v) => v.as_str(),
            Version::Dpkg(v) => v.as_str(),
            Version::Rpm(v) => v.as_str(),
            Version::Apk(v) => v.as_str(),
            Version::Cran(v) | Version::Hackage(v) => v.as_str(),
            Version::Opam(v) => v.as_str(),
        }
    }

    /// Whether this is a pre-release in its scheme's own sense (used by
    /// native range syntaxes that exclude pre-releases by default; OSV
    /// ranges never do).
    pub fn is_prerelease(&self) -> bool {
        match self {
            Version::SemVer(v)
            | Version::Go(v)
            | Version::NuGet(v)
            | Version::Pub(v)
            | Version::Julia(v) => v.pre().is_some(),
            Version::Pep440(v) => v.is_prerelease(),
            Version::RubyGems(v) => v.is_prerelease(),
            _ => false,
        }
    }

    /// Compare two versions (same as `Ord::cmp`).
    pub fn compare(&self, other: &Version) -> Ordering {
        use Version as V;
        match (self, other) {
            (V::SemVer(a), V::SemVer(b)) | (V::Go(a), V::Go(b)) => {
                a.compare(b, SemVerFlavor::Standard)
            }
            (V::NuGet(a), V::NuGet(b)) => a.compare(b, SemVerFlavor::NuGet),
            (V::Pub(a), V::Pub(b)) | (V::Julia(a), V::Julia(b)) => {
                a.compare(b, SemVerFlavor::BuildOrdered)
            }
            (V::Pep440(a), V::Pep440(b)) => a.compare(b),
            (V::Maven(a), V::Maven(b)) => a.compare(b),
            (V::RubyGems(a), V::RubyGems(b)) => a.compare(b),
            (V::Composer(a), V::Composer(b)) => a.compare(b),
            (V::Dpkg(a), V::Dpkg(b)) => a.compare(b),
            (V::Rpm(a), V::Rpm(b)) => a.compare(b),
            (V::Apk(a), V::Apk(b)) => a.compare(b),
            (V::Cran(a), V::Cran(b)) | (V::Hackage(a), V::Hackage(b)) => a.compare(b),
            (V::Opam(a), V::Opam(b)) => a.compare(b),
            _ => self.scheme().cmp(&other.scheme()),
        }
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.compare(other) == Ordering::Equal
    }
}
impl Eq for Version {}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.compare(other)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reject helper for ecosystems without ordering.
pub(crate) fn no_ordering(s: &str) -> VersionError {
    VersionError {
        scheme: None,
        input: s.to_string(),
        pos: 0,
        kind: RejectKind::NoOrdering,
    }
}
