//! OSV ecosystem names (`osv-schema/ecosystems.json`), with the optional
//! `:<release>` suffix (`Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS`,
//! `Ubuntu:Pro:18.04:LTS`, `Maven:https://maven.google.com`,
//! `Root:Alpine:3.18`), and the version scheme each one uses.

use std::fmt;
use std::str::FromStr;

use crate::error::VersionError;
use crate::scheme::{no_ordering, Version, VersionScheme};

macro_rules! ecosystems {
    ($($var:ident => $name:literal,)*) => {
        /// The base name of an OSV ecosystem.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EcosystemName { $($var,)* }

        impl EcosystemName {
            /// Every ecosystem name known to this crate.
            pub const ALL: &'static [EcosystemName] = &[$(EcosystemName::$var,)*];

            /// The exact OSV spelling.
            pub fn as_str(self) -> &'static str {
                match self { $(EcosystemName::$var => $name,)* }
            }
        }
    };
}

ecosystems! {
    AlmaLinux => "AlmaLinux",
    Alpaquita => "Alpaquita",
    Alpine => "Alpine",
    Android => "Android",
    AzureLinux => "Azure Linux",
    BellSoftHardenedContainers => "BellSoft Hardened Containers",
    Bioconductor => "Bioconductor",
    Bitnami => "Bitnami",
    Chainguard => "Chainguard",
    CleanStart => "CleanStart",
    ConanCenter => "ConanCenter",
    Cran => "CRAN",
    CratesIo => "crates.io",
    Debian => "Debian",
    DockerHardenedImages => "Docker Hardened Images",
    Echo => "Echo",
    FreeBsd => "FreeBSD",
    Ghc => "GHC",
    GitHubActions => "GitHub Actions",
    Go => "Go",
    Hackage => "Hackage",
    Hex => "Hex",
    Julia => "Julia",
    Kubernetes => "Kubernetes",
    Linux => "Linux",
    Mageia => "Mageia",
    Maven => "Maven",
    MinimOs => "MinimOS",
    Npm => "npm",
    NuGet => "NuGet",
    Opam => "opam",
    OpenEuler => "openEuler",
    OpenSuse => "openSUSE",
    OssFuzz => "OSS-Fuzz",
    Packagist => "Packagist",
    PhotonOs => "Photon OS",
    Pub => "Pub",
    PyPI => "PyPI",
    RedHat => "Red Hat",
    RockyLinux => "Rocky Linux",
    Root => "Root",
    RubyGems => "RubyGems",
    Suse => "SUSE",
    SwiftUrl => "SwiftURL",
    TuxCare => "TuxCare",
    Ubuntu => "Ubuntu",
    VsCode => "VSCode",
    Wolfi => "Wolfi",
}

impl EcosystemName {
    /// The ordering used for this ecosystem, or `None` for ecosystems whose
    /// advisories can only be matched by explicit `versions` lists (and GIT
    /// ranges): there is no published total order for their version strings.
    ///
    /// `Root` depends on its variant; see [`Ecosystem::scheme`].
    pub fn scheme(self) -> Option<VersionScheme> {
        use EcosystemName as E;
        use VersionScheme as S;
        Some(match self {
            E::Npm
            | E::CratesIo
            | E::Hex
            | E::Bitnami
            | E::SwiftUrl
            | E::GitHubActions
            | E::ConanCenter
            | E::VsCode
            | E::Linux => S::SemVer,
            E::Go | E::Kubernetes => S::Go,
            E::NuGet => S::NuGet,
            E::Pub => S::Pub,
            E::Julia => S::Julia,
            E::PyPI => S::Pep440,
            E::Maven => S::Maven,
            E::RubyGems => S::RubyGems,
            E::Packagist => S::Composer,
            E::Debian | E::Ubuntu | E::Echo => S::Dpkg,
            E::RedHat
            | E::AlmaLinux
            | E::RockyLinux
            | E::Suse
            | E::OpenSuse
            | E::Mageia
            | E::OpenEuler
            | E::PhotonOs
            | E::AzureLinux
            | E::TuxCare => S::Rpm,
            E::Alpine
            | E::Wolfi
            | E::Chainguard
            | E::MinimOs
            | E::Alpaquita
            | E::BellSoftHardenedContainers => S::Apk,
            E::Cran | E::Bioconductor => S::Cran,
            E::Hackage | E::Ghc => S::Hackage,
            E::Opam => S::Opam,
            // versions lists only:
            // Android: versions are platform/patch-level labels, no order.
            // OSS-Fuzz: GIT ranges + tag lists.
            // FreeBSD: pkg(8) versions (PORTVERSION_PORTREVISION,PORTEPOCH)
            //   with their own comparator; not implemented.
            // CleanStart, Docker Hardened Images: no published ordering.
            // Root: depends on the variant (handled by `Ecosystem`).
            E::Android
            | E::OssFuzz
            | E::FreeBsd
            | E::CleanStart
            | E::DockerHardenedImages
            | E::Root => return None,
        })
    }
}

impl fmt::Display for EcosystemName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown or malformed ecosystem string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EcosystemError {
    #[error("unknown ecosystem {0:?}")]
    Unknown(String),
    #[error("ecosystem {0:?} has an empty release suffix")]
    EmptyRelease(String),
}

impl FromStr for EcosystemName {
    type Err = EcosystemError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EcosystemName::ALL
            .iter()
            .copied()
            .find(|e| e.as_str() == s)
            .or_else(|| {
                EcosystemName::ALL
                    .iter()
                    .copied()
                    .find(|e| e.as_str().eq_ignore_ascii_case(s))
            })
            .ok_or_else(|| EcosystemError::Unknown(s.to_string()))
    }
}

/// An OSV ecosystem string: a base name and an optional release suffix.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ecosystem {
    pub name: EcosystemName,
    /// Everything after the first `:` (e.g. `12`, `v3.20`, `22.04:LTS`).
    pub release: Option<String>,
}

impl Ecosystem {
    pub fn new(name: EcosystemName) -> Self {
        Ecosystem {
            name,
            release: None,
        }
    }

    /// Parse an OSV ecosystem string. The base name matches exactly (or,
    /// failing that, ASCII case-insensitively, for command-line use).
    pub fn parse(s: &str) -> Result<Ecosystem, EcosystemError> {
        let (base, release) = match s.split_once(':') {
            Some((b, r)) => (b, Some(r)),
            None => (s, None),
        };
        let name: EcosystemName = base.parse()?;
        if release.is_some_and(str::is_empty) {
            return Err(EcosystemError::EmptyRelease(s.to_string()));
        }
        Ok(Ecosystem {
            name,
            release: release.map(str::to_string),
        })
    }

    /// The version ordering for this ecosystem; `None` = versions lists only.
    /// `Root:<Variant>[:…]` uses the variant's ordering (`Root:Alpine:3.18`
    /// → apk, `Root:PyPI` → PEP 440).
    pub fn scheme(&self) -> Option<VersionScheme> {
        if self.name == EcosystemName::Root {
            let inner = self.release.as_deref()?;
            return Ecosystem::parse(inner).ok()?.scheme();
        }
        self.name.scheme()
    }

    /// Parse a version string in this ecosystem's ordering.
    pub fn parse_version(&self, s: &str) -> Result<Version, VersionError> {
        match self.scheme() {
            Some(sc) => Version::parse(sc, s),
            None => Err(no_ordering(s)),
        }
    }
}

impl FromStr for Ecosystem {
    type Err = EcosystemError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ecosystem::parse(s)
    }
}

impl TryFrom<&str> for Ecosystem {
    type Error = EcosystemError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Ecosystem::parse(s)
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name.as_str())?;
        if let Some(r) = &self.release {
            write!(f, ":{r}")?;
        }
        Ok(())
    }
}

/// Does a package of distribution release `want` (from the inventory) fall
/// under an advisory for release `have`? Equal, or one names the other more
/// precisely: a point release (`12.4` under `12`, `v3.19.1` under `v3.19`)
/// or a release with its channel (`22.04` under `22.04:LTS`).
pub fn same_release(want: &str, have: &str) -> bool {
    let under = |long: &str, short: &str, sep: u8| {
        long.len() > short.len()
            && long.starts_with(short)
            && long.as_bytes().get(short.len()) == Some(&sep)
    };
    want == have || under(want, have, b'.') || under(have, want, b':')
}

/// Debian release codename → OSV release (`Debian:<this>`).
pub const DEBIAN_RELEASES: &[(&str, &str)] = &[
    ("buzz", "1.1"),
    ("rex", "1.2"),
    ("bo", "1.3"),
    ("hamm", "2.0"),
    ("slink", "2.1"),
    ("potato", "2.2"),
    ("woody", "3.0"),
    ("sarge", "3.1"),
    ("etch", "4.0"),
    ("lenny", "5.0"),
    ("squeeze", "6.0"),
    ("wheezy", "7"),
    ("jessie", "8"),
    ("stretch", "9"),
    ("buster", "10"),
    ("bullseye", "11"),
    ("bookworm", "12"),
    ("trixie", "13"),
    ("forky", "14"),
    ("duke", "15"),
];

/// Ubuntu release codenames and their numbers (as OSV numbers Ubuntu
/// releases).
pub const UBUNTU_RELEASES: &[(&str, &str)] = &[
    ("trusty", "14.04"),
    ("xenial", "16.04"),
    ("bionic", "18.04"),
    ("focal", "20.04"),
    ("jammy", "22.04"),
    ("kinetic", "22.10"),
    ("lunar", "23.04"),
    ("mantic", "23.10"),
    ("noble", "24.04"),
    ("oracular", "24.10"),
    ("plucky", "25.04"),
    ("questing", "25.10"),
];

/// The release number of a Debian or Ubuntu codename (`bookworm` → `12`,
/// `jammy` → `22.04`), any case.
pub fn codename_release(distro: &str, codename: &str) -> Option<&'static str> {
    let table = match distro {
        "debian" => DEBIAN_RELEASES,
        "ubuntu" => UBUNTU_RELEASES,
        _ => return None,
    };
    table
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(codename))
        .map(|(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_match_when_one_names_the_other_more_precisely() {
        for (want, have) in [
            ("12", "12"),
            ("12.4", "12"),
            ("v3.19.1", "v3.19"),
            ("22.04", "22.04:LTS"),
        ] {
            assert!(same_release(want, have), "{want} under {have}");
        }
        for (want, have) in [
            ("12", "11"),
            ("v3.1", "v3.19"),
            ("v3.19", "v3.1"),
            ("12", "12.4"),
            ("22.04:LTS", "22.04"),
            ("22.04", "Pro:22.04:LTS"),
            ("1", "12"),
        ] {
            assert!(!same_release(want, have), "{want} not under {have}");
        }
    }

    #[test]
    fn releases() {
        let e = Ecosystem::parse("Ubuntu:22.04:LTS").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.name, EcosystemName::Ubuntu);
        assert_eq!(e.release.as_deref(), Some("22.04:LTS"));
        assert_eq!(e.to_string(), "Ubuntu:22.04:LTS");
        assert_eq!(
            Ecosystem::parse("Alpine:v3.20").map(|e| e.scheme()),
            Ok(Some(VersionScheme::Apk))
        );
        assert_eq!(
            Ecosystem::parse("Root:Alpine:3.18").map(|e| e.scheme()),
            Ok(Some(VersionScheme::Apk))
        );
        assert_eq!(
            Ecosystem::parse("Root:PyPI").map(|e| e.scheme()),
            Ok(Some(VersionScheme::Pep440))
        );
        assert_eq!(Ecosystem::parse("Root").map(|e| e.scheme()), Ok(None));
        assert!(Ecosystem::parse("Debian:").is_err());
        assert!(Ecosystem::parse("Nope").is_err());
        assert_eq!(
            Ecosystem::parse("pypi").map(|e| e.name),
            Ok(EcosystemName::PyPI)
        );
    }
}
