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

            /// The name spelled exactly `s` (one `match`, not a scan of
            /// [`Self::ALL`]: names are looked up for every advisory and
            /// every query).
            fn from_exact(s: &str) -> Option<EcosystemName> {
                match s { $($name => Some(EcosystemName::$var),)* _ => None }
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
        EcosystemName::from_exact(s)
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

/// An advisory's distribution release (the `12` of `Debian:12`), read once
/// so that matching an inventory release against it only compares.
///
/// An inventory release `want` falls under it ([`AdvisoryRelease::covers`])
/// when equal, or one names the other more precisely: a point release
/// (`12.4` under `12`, `v3.19.1` under `v3.19`) or a release with its
/// channel (`22.04` under `22.04:LTS`).
///
/// In the Red Hat ecosystem (and only there), advisory releases are
/// platform CPEs without `cpe:/a:redhat:`, as osv.dev spells them
/// (`enterprise_linux:9::appstream`, `rhel_eus:9.2::baseos`,
/// `openshift:4.14::el9`); an inventory gives the RHEL release as `9` or
/// `9.2` (see [`redhat_release`]). Such a host falls under:
///
/// - `enterprise_linux:9::*` (the main stream, and any `rhel_*` product with
///   a major only, `rhel_els:7`): every host of RHEL 9, `9` or `9.x`. A 9.2
///   host that is not pinned to an extended stream takes its fixes from the
///   main stream, and one that is cannot be told from it by its release.
/// - `rhel_eus:9.2::*`, `rhel_aus:8.4::*`, `rhel_e4s:…`, `rhel_tus:…` (a
///   `rhel_*` product with a minor): only a host that says it is at that
///   minor. A bare `9` does not match: those streams serve hosts pinned to
///   a minor, and such a host reports it (`/etc/os-release` `VERSION_ID`
///   is `9.2`, syft writes `distro=rhel-9.2`); a bare `9` (`el9`) is taken
///   to follow the main stream, which carries the same fixes.
/// - `enterprise_linux:10.0`, `enterprise_linux:10.1`, … (RHEL 10 on):
///   every host of that major. From RHEL 10, Red Hat writes the minor into
///   the main stream's CPEs too (its "RHEL 10 CPEs" guideline: MAIN, GA and
///   MAIN.EUS variants, one CPE per minor release), so a minor there does
///   not pin a stream: a 10.2 host with a package older than a fix shipped
///   for 10.0 is affected, and reading it as pinned would hide that.
/// - A layered product built for a release (`openshift:4.14::el9`,
///   `rhel_software_collections:3::el7`): every host of that major.
/// - Any other product (`jboss_core_services:1`) names no RHEL release:
///   matched, as an advisory without a release is.
///
/// So RHEL 8 never falls under a RHEL 9 release, nor the reverse. Another
/// ecosystem's release shaped like one of these (`Debian:foo:9`) is
/// compared by the general rule only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdvisoryRelease {
    release: String,
    /// The Red Hat stream it names; `None` outside the Red Hat ecosystem
    /// and for a Red Hat release that is not a platform CPE.
    redhat: Option<RedHatStream>,
}

impl AdvisoryRelease {
    /// Read `release` of an advisory of `ecosystem` (`None`: an ecosystem
    /// this crate does not know).
    pub fn new(ecosystem: Option<EcosystemName>, release: &str) -> AdvisoryRelease {
        AdvisoryRelease {
            release: release.to_string(),
            redhat: (ecosystem == Some(EcosystemName::RedHat))
                .then(|| RedHatStream::parse(release))
                .flatten(),
        }
    }

    /// The release as written.
    pub fn as_str(&self) -> &str {
        &self.release
    }

    /// Does a package of inventory release `want` fall under it?
    pub fn covers(&self, want: &str) -> bool {
        let have = self.release.as_str();
        if want == have {
            return true;
        }
        if let (Some(w), Some(h)) = (rhel_number(want), &self.redhat) {
            return h.covers(w);
        }
        let under = |long: &str, short: &str, sep: u8| {
            long.len() > short.len()
                && long.starts_with(short)
                && long.as_bytes().get(short.len()) == Some(&sep)
        };
        under(want, have, b'.') || under(have, want, b':')
    }
}

/// A RHEL release number: major and optional minor (`9`, `9.2`).
fn rhel_number(s: &str) -> Option<(u32, Option<u32>)> {
    let digits = |t: &str| {
        (!t.is_empty() && t.len() <= 6 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse::<u32>().ok())
            .flatten()
    };
    match s.split_once('.') {
        Some((major, minor)) => Some((digits(major)?, Some(digits(minor)?))),
        None => Some((digits(s)?, None)),
    }
}

/// A Red Hat advisory release, read from its CPE fields
/// `<product>:<version>[:<update>[:<edition>…]]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RedHatStream {
    /// Every host of this RHEL major.
    Major(u32),
    /// Only hosts at this RHEL major.minor.
    Minor(u32, u32),
    /// A product whose RHEL release is not written.
    Unknown,
}

impl RedHatStream {
    fn parse(have: &str) -> Option<RedHatStream> {
        let mut fields = have.split(':');
        let product = fields.next()?;
        let version = fields.next()?;
        let is_product = product
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase())
            && product
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !is_product || !version.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
            return None;
        }
        // An `el<N>` edition names the RHEL major the product is built for.
        if let Some(major) = fields
            .filter_map(|f| f.strip_prefix("el"))
            .find_map(|n| rhel_number(n).filter(|(_, minor)| minor.is_none()))
        {
            return Some(RedHatStream::Major(major.0));
        }
        if product != "enterprise_linux" && !product.starts_with("rhel_") {
            return Some(RedHatStream::Unknown);
        }
        Some(match rhel_number(version) {
            Some((major, None)) => RedHatStream::Major(major),
            // RHEL 10 on: the main stream's CPEs carry the minor as well.
            Some((major, Some(_))) if product == "enterprise_linux" && major >= 10 => {
                RedHatStream::Major(major)
            }
            Some((major, Some(minor))) => RedHatStream::Minor(major, minor),
            None => RedHatStream::Unknown,
        })
    }

    fn covers(&self, (major, minor): (u32, Option<u32>)) -> bool {
        match *self {
            RedHatStream::Major(m) => m == major,
            RedHatStream::Minor(m, n) => m == major && minor == Some(n),
            RedHatStream::Unknown => true,
        }
    }
}

/// The RHEL release of an rpm purl's `distro=` qualifier as SBOM tools
/// write it (`rhel-9.2` by syft, `redhat-9.4` by Trivy, `rhel-9`, `el9`,
/// the rpm release tag's `el9_2`, a three-part `rhel-9.2.0`, any case):
/// `9.2`, `9`; `None` for anything else (`centos-7`, `el9_2_1`).
pub fn redhat_release(distro: &str) -> Option<String> {
    let d = distro.trim().to_ascii_lowercase();
    let d = ["redhat", "rhel", "el"]
        .iter()
        .find_map(|p| d.strip_prefix(p))?;
    let d = d.strip_prefix('-').unwrap_or(d);
    let (major, minor) = match d.split_once('_') {
        // `el9_2`: major and minor, both plain numbers.
        Some((major, minor)) => match (rhel_number(major)?, rhel_number(minor)?) {
            ((major, None), (minor, None)) => (major, Some(minor)),
            _ => return None,
        },
        // `9.2.0`: the third part (always `0`: RHEL has no patch
        // releases) goes.
        None => match d.rsplit_once('.') {
            Some((head, patch))
                if head.contains('.') && rhel_number(patch).is_some_and(|p| p.1.is_none()) =>
            {
                rhel_number(head)?
            }
            _ => rhel_number(d)?,
        },
    };
    Some(rhel_release(major, minor))
}

/// `9`, `9.2`: the RHEL release as an inventory gives it.
fn rhel_release(major: u32, minor: Option<u32>) -> String {
    match minor {
        Some(minor) => format!("{major}.{minor}"),
        None => major.to_string(),
    }
}

/// The RHEL release of an rpm purl's `repository_id=` qualifier, as Red
/// Hat's SBOMs and CSAF/VEX files write it: the id of the repository the
/// package comes from, which Red Hat maps to the platform CPE
/// (`repository-to-cpe.json`).
///
/// - `rhel-9-for-x86_64-appstream-rpms`, `rhel-7-server-rpms`,
///   `ubi-9-baseos-rpms`, and a repository built for a RHEL major,
///   `codeready-builder-for-rhel-9-x86_64-rpms`,
///   `rhocp-4.14-for-rhel-9-x86_64-rpms`: the major, `9`. An extended
///   stream's repository without a suffix (`rhel-8-for-x86_64-baseos-eus-rpms`)
///   serves every minor of that stream: the major too.
/// - A `__<major>_DOT_<minor>` suffix pins the minor:
///   `rhel-9-for-x86_64-appstream-eus-rpms__9_DOT_2` (→
///   `rhel_eus:9.2::appstream`), `rhel-7-server-eus-rpms__7_DOT_7__x86_64`,
///   RHEL 10's `rhel-10-for-ppc64le-appstream-source-rpms__10_DOT_0`: `9.2`, `7.7`,
///   `10.0`.
/// - Any other id (`epel`, `appstream`, a bare `rhel-8`), or one whose
///   parts name different majors: `None`. Any case.
pub fn redhat_repository_release(repository_id: &str) -> Option<String> {
    let id = repository_id.trim().to_ascii_lowercase();
    let mut parts = id.split("__");
    // `rhel-9-…` / `ubi-9-…` at the start (read as if after a `for`), or
    // `…-for-rhel-9-…`: a plain major followed by more of the label.
    let label: Vec<&str> = std::iter::once("for")
        .chain(parts.next()?.split('-'))
        .collect();
    let mut majors = label.windows(4).filter_map(|w| match *w {
        ["for", "rhel" | "ubi", n, _] => match rhel_number(n)? {
            (major, None) => Some(major),
            _ => None,
        },
        _ => None,
    });
    let major = majors.next()?;
    if majors.any(|m| m != major) {
        return None;
    }
    // `9_DOT_2`; other parts (`x86_64`, `7Server`) pin nothing.
    let pinned = parts.find_map(|p| {
        let (ma, mi) = p.split_once("_dot_")?;
        match (rhel_number(ma)?, rhel_number(mi)?) {
            ((ma, None), (mi, None)) => Some((ma, mi)),
            _ => None,
        }
    });
    match pinned {
        Some((ma, _)) if ma != major => None,
        Some((_, minor)) => Some(rhel_release(major, Some(minor))),
        None => Some(rhel_release(major, None)),
    }
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

    /// The rule in one call, for the tables below.
    fn same_release(ecosystem: Option<EcosystemName>, want: &str, have: &str) -> bool {
        AdvisoryRelease::new(ecosystem, have).covers(want)
    }

    const RED_HAT: Option<EcosystemName> = Some(EcosystemName::RedHat);

    /// Every known ecosystem, and one this crate does not know.
    fn every_ecosystem() -> impl Iterator<Item = Option<EcosystemName>> {
        EcosystemName::ALL.iter().copied().map(Some).chain([None])
    }

    #[test]
    fn releases_match_when_one_names_the_other_more_precisely() {
        for (want, have) in [
            ("12", "12"),
            ("12.4", "12"),
            ("v3.19.1", "v3.19"),
            ("22.04", "22.04:LTS"),
        ] {
            for eco in every_ecosystem() {
                assert!(same_release(eco, want, have), "{want} under {have}");
            }
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
            for eco in every_ecosystem() {
                assert!(!same_release(eco, want, have), "{want} not under {have}");
            }
        }
    }

    /// Red Hat advisory releases (platform CPEs, as osv.dev) against the
    /// RHEL release an inventory gives (`9`, `9.2`).
    #[test]
    fn rhel_releases_match_by_major_and_pinned_minor() {
        for (want, have) in [
            ("9", "enterprise_linux:9::appstream"),
            ("9.2", "enterprise_linux:9::appstream"),
            ("9.4", "enterprise_linux:9::baseos"),
            ("9", "enterprise_linux:9"),
            ("9.2", "rhel_eus:9.2::baseos"),
            ("9.2", "rhel_eus:9.2"),
            ("8.4", "rhel_aus:8.4::appstream"),
            ("8.4", "rhel_tus:8.4::appstream"),
            ("8.6", "rhel_e4s:8.6::appstream"),
            ("7", "rhel_els:7"),
            ("9", "openshift:4.14::el9"),
            ("9.2", "openshift:4.14::el9"),
            ("7.9", "rhel_software_collections:3::el7"),
            ("8", "jboss_core_services:1"),
            // RHEL 10 writes the minor into main-stream CPEs.
            ("10", "enterprise_linux:10.0"),
            ("10.1", "enterprise_linux:10.0"),
            ("10.0", "enterprise_linux:10.1::appstream"),
            ("10.1", "rhel_eus:10.1"),
        ] {
            assert!(same_release(RED_HAT, want, have), "{want} under {have}");
        }
        for (want, have) in [
            ("8", "enterprise_linux:9::appstream"),
            ("8.10", "enterprise_linux:9::appstream"),
            ("9", "enterprise_linux:8::appstream"),
            ("10", "enterprise_linux:1::appstream"),
            // A bare major follows the main stream, not a pinned minor.
            ("9", "rhel_eus:9.2::baseos"),
            ("9.4", "rhel_eus:9.2::baseos"),
            ("9.20", "rhel_eus:9.2::baseos"),
            ("8.4", "rhel_eus:9.4::baseos"),
            ("8", "rhel_aus:8.4::appstream"),
            ("8", "openshift:4.14::el9"),
            ("3", "rhel_software_collections:3::el7"),
            ("9", "enterprise_linux"),
            ("9", "enterprise_linux:10.0"),
            ("11.0", "enterprise_linux:10.0"),
            ("10.0", "rhel_eus:10.1"),
            // Before RHEL 10 a minor there is not the main stream.
            ("9", "enterprise_linux:9.2"),
        ] {
            assert!(
                !same_release(RED_HAT, want, have),
                "{want} not under {have}"
            );
        }
    }

    /// Outside the Red Hat ecosystem a release shaped like a Red Hat stream
    /// is compared by the general rule: `9` is not under
    /// `enterprise_linux:9::appstream`, any more than `12` is under `foo:12`.
    #[test]
    fn rhel_stream_rules_only_in_red_hat() {
        let others = || every_ecosystem().filter(|e| *e != RED_HAT);
        for (want, have) in [
            ("9", "enterprise_linux:9::appstream"),
            ("9.2", "enterprise_linux:9::appstream"),
            ("9.2", "rhel_eus:9.2::baseos"),
            ("9", "openshift:4.14::el9"),
            ("8", "jboss_core_services:1"),
            // RHEL 10 writes the minor into main-stream CPEs.
            ("10", "enterprise_linux:10.0"),
            ("10.1", "enterprise_linux:10.0"),
            ("10.0", "enterprise_linux:10.1::appstream"),
            ("10.1", "rhel_eus:10.1"),
        ] {
            assert!(same_release(RED_HAT, want, have), "{want} under {have}");
            for eco in others() {
                assert!(
                    !same_release(eco, want, have),
                    "{eco:?}: {want} not under {have}"
                );
            }
        }
        for (want, have) in [
            ("enterprise_linux:9", "enterprise_linux:9::appstream"),
            ("rhel_eus:9.2::baseos", "rhel_eus:9.2::baseos"),
        ] {
            for eco in every_ecosystem() {
                assert!(
                    same_release(eco, want, have),
                    "{eco:?}: {want} under {have}"
                );
            }
        }
        // One reading, many comparisons: the same answers.
        let r = AdvisoryRelease::new(RED_HAT, "rhel_eus:9.2::baseos");
        assert_eq!(r.as_str(), "rhel_eus:9.2::baseos");
        assert!(r.covers("9.2") && !r.covers("9") && !r.covers("9.4"));
        let d = AdvisoryRelease::new(Some(EcosystemName::Debian), "rhel_eus:9.2::baseos");
        assert!(!d.covers("9.2") && d.covers("rhel_eus:9.2"));
    }

    #[test]
    fn redhat_distro_qualifiers() {
        for (distro, release) in [
            ("rhel-9.2", Some("9.2")),
            ("rhel-8.10", Some("8.10")),
            ("rhel-9", Some("9")),
            ("redhat-9.4", Some("9.4")),
            ("el9", Some("9")),
            ("RHEL-9.2", Some("9.2")),
            ("rhel9", Some("9")),
            ("centos-7", None),
            ("rhel-", None),
            ("el9_2", Some("9.2")),
            ("EL8_10", Some("8.10")),
            ("rhel-9.2.0", Some("9.2")),
            ("redhat-8.10.0", Some("8.10")),
            ("rhel-9.", None),
            ("el9_", None),
            ("el9_2_1", None),
            ("el9_2.0", None),
            ("rhel-9.2.", None),
            ("rhel-9.2.0.1", None),
            ("rhel-9.2.x", None),
            ("rhel-9..0", None),
            ("", None),
        ] {
            assert_eq!(redhat_release(distro).as_deref(), release, "{distro}");
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

    /// Every name parses from its exact spelling, and from any ASCII case
    /// of it, as the first of `ALL` that matches (the scan `from_str` did
    /// before the exact `match`).
    #[test]
    fn names_parse_like_a_scan_of_all() {
        let scan = |s: &str| {
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
        };
        for e in EcosystemName::ALL {
            let name = e.as_str();
            for s in [
                name.to_string(),
                name.to_ascii_lowercase(),
                name.to_ascii_uppercase(),
            ] {
                assert_eq!(s.parse::<EcosystemName>().ok(), scan(&s), "{s}");
            }
            assert_eq!(name.parse::<EcosystemName>(), Ok(*e));
        }
        for s in ["", "Nope", "crates.io ", "crates-io"] {
            assert!(s.parse::<EcosystemName>().is_err(), "{s}");
        }
    }
}
