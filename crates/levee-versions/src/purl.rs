//! Package URLs (purl-spec): parse, validate, normalise per type, print in
//! canonical form, and map purl types to OSV ecosystems and back.
//!
//! Normalisation: type lower-cased; PyPI names to PEP 503 form (`[-_.]+` →
//! `-`, lower case); npm, GitHub, Bitbucket, Composer, Hex names and
//! namespaces lower-cased; deb/rpm/apk/alpm distro namespaces lower-cased
//! (apk names too); Maven requires a group (namespace). Qualifier keys are
//! lower-cased and sorted, empty values dropped.

use std::collections::BTreeMap;
use std::fmt;

use crate::ecosystem::{Ecosystem, EcosystemName};

/// A purl that does not parse or validate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid package URL {input:?}: {reason}")]
pub struct PurlError {
    pub input: String,
    pub reason: String,
}

/// A parsed, normalised package URL.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PackageUrl {
    pub ty: String,
    pub namespace: Option<String>,
    pub name: String,
    pub version: Option<String>,
    pub qualifiers: BTreeMap<String, String>,
    pub subpath: Option<String>,
}

fn pct_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn pct_encode(s: &str, keep: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || "-._~".contains(c) || keep.contains(c) {
            o.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                o.push_str(&format!("%{b:02X}"));
            }
        }
    }
    o
}

/// PEP 503 normalised project name.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if c == '-' || c == '_' || c == '.' {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

impl PackageUrl {
    /// Parse and normalise a purl string.
    pub fn parse(input: &str) -> Result<PackageUrl, PurlError> {
        let bad = |reason: &str| PurlError {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("contains whitespace or control characters"));
        }
        let (rest, subpath) = match input.split_once('#') {
            Some((r, sp)) => {
                // The segment rules apply to decoded segments (`%2E` is
                // `.`), and a decoded segment holds no `/`.
                let mut segs: Vec<String> = Vec::new();
                for x in sp.split('/') {
                    let x = pct_decode(x).ok_or_else(|| bad("bad %-escape in subpath"))?;
                    if x.contains('/') {
                        return Err(bad("a subpath segment contains '/'"));
                    }
                    if !(x.is_empty() || x == "." || x == "..") {
                        segs.push(x);
                    }
                }
                (r, (!segs.is_empty()).then(|| segs.join("/")))
            }
            None => (input, None),
        };
        let (rest, quals) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let mut qualifiers = BTreeMap::new();
        if let Some(q) = quals {
            for pair in q.split('&').filter(|x| !x.is_empty()) {
                let (k, v) = pair
                    .split_once('=')
                    .ok_or_else(|| bad("qualifier without '='"))?;
                let k = k.to_ascii_lowercase();
                if k.is_empty()
                    || !k
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
                    || k.starts_with(|c: char| c.is_ascii_digit())
                {
                    return Err(bad("invalid qualifier key"));
                }
                let v = pct_decode(v).ok_or_else(|| bad("bad %-escape in qualifier"))?;
                if !v.is_empty() {
                    if qualifiers.contains_key(&k) {
                        return Err(bad("duplicate qualifier key"));
                    }
                    qualifiers.insert(k, v);
                }
            }
        }
        let scheme_len = 4;
        if !rest
            .get(..scheme_len)
            .is_some_and(|s| s.eq_ignore_ascii_case("pkg:"))
        {
            return Err(bad("must start with \"pkg:\""));
        }
        let rest = rest.get(scheme_len..).unwrap_or("").trim_start_matches('/');
        let (ty, path) = rest
            .split_once('/')
            .ok_or_else(|| bad("missing '/' after the type"))?;
        let ty = ty.to_ascii_lowercase();
        if ty.is_empty()
            || !ty
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".+-".contains(c))
            || ty.starts_with(|c: char| c.is_ascii_digit())
        {
            return Err(bad("invalid type"));
        }
        let path = path.trim_end_matches('/');
        let (path, version) = match path.rfind('@') {
            Some(k) if path.get(..k).is_some_and(|p| !p.is_empty()) => {
                let v = path.get(k + 1..).unwrap_or("");
                let v = pct_decode(v).ok_or_else(|| bad("bad %-escape in version"))?;
                (path.get(..k).unwrap_or(""), (!v.is_empty()).then_some(v))
            }
            _ => (path, None),
        };
        let mut segs: Vec<String> = path
            .split('/')
            .filter(|x| !x.is_empty())
            .map(|x| pct_decode(x).ok_or_else(|| bad("bad %-escape in name")))
            .collect::<Result<_, _>>()?;
        let name = segs.pop().ok_or_else(|| bad("missing name"))?;
        if name.is_empty() {
            return Err(bad("missing name"));
        }
        if segs.iter().any(|s| s.contains('/')) {
            return Err(bad("a namespace segment contains '/'"));
        }
        let namespace = (!segs.is_empty()).then(|| segs.join("/"));
        let mut p = PackageUrl {
            ty,
            namespace,
            name,
            version,
            qualifiers,
            subpath,
        };
        p.normalize().map_err(|r| bad(&r))?;
        Ok(p)
    }

    fn normalize(&mut self) -> Result<(), String> {
        let lower_ns = |p: &mut PackageUrl| {
            if let Some(n) = &mut p.namespace {
                *n = n.to_ascii_lowercase();
            }
        };
        match self.ty.as_str() {
            "pypi" => self.name = pep503(&self.name),
            "npm" | "github" | "bitbucket" | "composer" | "hex" => {
                lower_ns(self);
                self.name = self.name.to_ascii_lowercase();
            }
            "apk" => {
                lower_ns(self);
                self.name = self.name.to_ascii_lowercase();
            }
            "deb" | "rpm" | "alpm" | "golang" => lower_ns(self),
            "maven" if self.namespace.is_none() => {
                return Err("maven purls need a namespace (groupId)".into())
            }
            "swift" if self.namespace.is_none() => {
                return Err("swift purls need a namespace (source host)".into())
            }
            _ => {}
        }
        if self.name.is_empty() {
            return Err("empty name after normalisation".into());
        }
        if self.ty == "npm" {
            if let Some(ns) = &self.namespace {
                if !ns.starts_with('@') {
                    return Err("npm namespace must be a @scope".into());
                }
            }
        }
        Ok(())
    }

    /// (OSV ecosystem, OSV package name) this purl names: Maven
    /// `group:artifact`; distribution packages (`deb`, `rpm`, `apk`) by
    /// name alone (the namespace is the distribution); otherwise
    /// `namespace/name` (`@scope/name`, Go module paths, `vendor/name`).
    pub fn osv_package(&self) -> Option<(String, String)> {
        let eco = self.ecosystem()?;
        let name = match (self.ty.as_str(), self.namespace.as_deref()) {
            ("maven", Some(g)) => format!("{g}:{}", self.name),
            ("deb" | "rpm" | "apk", _) | (_, None) => self.name.clone(),
            (_, Some(n)) => format!("{n}/{}", self.name),
        };
        Some((eco.to_string(), name))
    }

    /// The OSV ecosystem this purl belongs to, if any (`pkg:deb/debian/x?distro=debian-12`
    /// → `Debian:12`).
    pub fn ecosystem(&self) -> Option<Ecosystem> {
        use EcosystemName as E;
        let ns = self.namespace.as_deref().unwrap_or("");
        let distro = self.qualifiers.get("distro").map(String::as_str);
        let name = match self.ty.as_str() {
            "npm" => E::Npm,
            "pypi" => E::PyPI,
            "maven" => E::Maven,
            "nuget" => E::NuGet,
            "gem" => E::RubyGems,
            "composer" => E::Packagist,
            "golang" => E::Go,
            "cargo" => E::CratesIo,
            "hex" => E::Hex,
            "pub" => E::Pub,
            "cran" => E::Cran,
            "hackage" => E::Hackage,
            "swift" => E::SwiftUrl,
            "conan" => E::ConanCenter,
            "github" => E::GitHubActions,
            "bitnami" => E::Bitnami,
            "julia" => E::Julia,
            "opam" => E::Opam,
            "deb" => match ns {
                "debian" => E::Debian,
                "ubuntu" => E::Ubuntu,
                _ => return None,
            },
            "rpm" => match ns {
                "redhat" => E::RedHat,
                "almalinux" => E::AlmaLinux,
                "rocky" | "rocky-linux" => E::RockyLinux,
                "suse" | "sles" => E::Suse,
                "opensuse" => E::OpenSuse,
                "mageia" => E::Mageia,
                "openeuler" => E::OpenEuler,
                "photon" => E::PhotonOs,
                "azurelinux" | "mariner" => E::AzureLinux,
                _ => return None,
            },
            "apk" => match ns {
                "alpine" => E::Alpine,
                "wolfi" => E::Wolfi,
                "chainguard" => E::Chainguard,
                "minimos" => E::MinimOs,
                "alpaquita" => E::Alpaquita,
                _ => return None,
            },
            _ => return None,
        };
        let release = match (name, distro) {
            (E::Debian, Some(d)) => d.strip_prefix("debian-").map(str::to_string),
            (E::Alpine, Some(d)) => d.strip_prefix("alpine-").map(|r| {
                let r: Vec<&str> = r.split('.').take(2).collect();
                format!("v{}", r.join("."))
            }),
            _ => None,
        };
        Some(Ecosystem { name, release })
    }

    /// A purl for `name` (OSV spelling: `group:artifact` for Maven,
    /// `@scope/name` for npm, `owner/repo` for GitHub Actions) in `eco`.
    pub fn from_ecosystem(
        eco: &Ecosystem,
        name: &str,
        version: Option<&str>,
    ) -> Option<PackageUrl> {
        use EcosystemName as E;
        let (ty, ns): (&str, Option<&str>) = match eco.name {
            E::Npm => ("npm", None),
            E::PyPI => ("pypi", None),
            E::Maven => ("maven", None),
            E::NuGet => ("nuget", None),
            E::RubyGems => ("gem", None),
            E::Packagist => ("composer", None),
            E::Go => ("golang", None),
            E::CratesIo => ("cargo", None),
            E::Hex => ("hex", None),
            E::Pub => ("pub", None),
            E::Cran => ("cran", None),
            E::Hackage => ("hackage", None),
            E::SwiftUrl => ("swift", None),
            E::ConanCenter => ("conan", None),
            E::GitHubActions => ("github", None),
            E::Bitnami => ("bitnami", None),
            E::Julia => ("julia", None),
            E::Opam => ("opam", None),
            E::Debian => ("deb", Some("debian")),
            E::Ubuntu => ("deb", Some("ubuntu")),
            E::RedHat => ("rpm", Some("redhat")),
            E::AlmaLinux => ("rpm", Some("almalinux")),
            E::RockyLinux => ("rpm", Some("rocky")),
            E::Suse => ("rpm", Some("suse")),
            E::OpenSuse => ("rpm", Some("opensuse")),
            E::Mageia => ("rpm", Some("mageia")),
            E::OpenEuler => ("rpm", Some("openeuler")),
            E::PhotonOs => ("rpm", Some("photon")),
            E::AzureLinux => ("rpm", Some("azurelinux")),
            E::Alpine => ("apk", Some("alpine")),
            E::Wolfi => ("apk", Some("wolfi")),
            E::Chainguard => ("apk", Some("chainguard")),
            E::MinimOs => ("apk", Some("minimos")),
            E::Alpaquita => ("apk", Some("alpaquita")),
            _ => return None,
        };
        let (namespace, pname) = match (eco.name, ns) {
            (_, Some(n)) => (Some(n.to_string()), name.to_string()),
            (E::Maven, None) => {
                let (g, a) = name.split_once(':')?;
                (Some(g.to_string()), a.to_string())
            }
            (E::Npm | E::GitHubActions | E::Go | E::SwiftUrl, None) => {
                match name.rsplit_once('/') {
                    Some((n, p)) => (Some(n.to_string()), p.to_string()),
                    None => (None, name.to_string()),
                }
            }
            _ => (None, name.to_string()),
        };
        let mut qualifiers = BTreeMap::new();
        match (eco.name, eco.release.as_deref()) {
            (E::Debian, Some(r)) => {
                qualifiers.insert("distro".to_string(), format!("debian-{r}"));
            }
            (E::Alpine, Some(r)) => {
                qualifiers.insert(
                    "distro".to_string(),
                    format!("alpine-{}", r.trim_start_matches('v')),
                );
            }
            _ => {}
        }
        let mut p = PackageUrl {
            ty: ty.to_string(),
            namespace,
            name: pname,
            version: version.map(str::to_string),
            qualifiers,
            subpath: None,
        };
        p.normalize().ok()?;
        Some(p)
    }
}

impl fmt::Display for PackageUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pkg:{}/", self.ty)?;
        if let Some(ns) = &self.namespace {
            let segs: Vec<String> = ns.split('/').map(|s| pct_encode(s, "")).collect();
            write!(f, "{}/", segs.join("/"))?;
        }
        f.write_str(&pct_encode(&self.name, ""))?;
        if let Some(v) = &self.version {
            write!(f, "@{}", pct_encode(v, ":+"))?;
        }
        if !self.qualifiers.is_empty() {
            let q: Vec<String> = self
                .qualifiers
                .iter()
                .map(|(k, v)| format!("{k}={}", pct_encode(v, ":/")))
                .collect();
            write!(f, "?{}", q.join("&"))?;
        }
        if let Some(sp) = &self.subpath {
            let segs: Vec<String> = sp.split('/').map(|s| pct_encode(s, "")).collect();
            write!(f, "#{}", segs.join("/"))?;
        }
        Ok(())
    }
}

impl std::str::FromStr for PackageUrl {
    type Err = PurlError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PackageUrl::parse(s)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn osv_package_names() {
        let pkg = |p: &str| PackageUrl::parse(p).ok().and_then(|p| p.osv_package());
        let owned = |e: &str, n: &str| Some((e.to_string(), n.to_string()));
        assert_eq!(pkg("pkg:maven/org.a/b@1"), owned("Maven", "org.a:b"));
        assert_eq!(pkg("pkg:npm/%40babel/core@7"), owned("npm", "@babel/core"));
        assert_eq!(
            pkg("pkg:golang/github.com/x/y"),
            owned("Go", "github.com/x/y")
        );
        assert_eq!(pkg("pkg:cargo/serde@1"), owned("crates.io", "serde"));
        // Distribution packages: the namespace is the distribution, not
        // part of the name, for every distribution (not only the best known).
        for p in [
            "pkg:rpm/mageia/openssl@3",
            "pkg:rpm/openeuler/openssl@3",
            "pkg:apk/wolfi/openssl@3",
            "pkg:deb/debian/openssl@3",
        ] {
            assert_eq!(pkg(p).map(|(_, n)| n), Some("openssl".to_string()), "{p}");
        }
        assert_eq!(pkg("pkg:unknowntype/x"), None);
    }
    use super::*;

    fn p(s: &str) -> PackageUrl {
        PackageUrl::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn normalises_and_round_trips() {
        for (input, canonical) in [
            (
                "pkg:PyPI/Django_Rest.Framework@3.0",
                "pkg:pypi/django-rest-framework@3.0",
            ),
            (
                "pkg:npm/%40Angular/Core@1.0.0",
                "pkg:npm/%40angular/core@1.0.0",
            ),
            (
                "pkg:maven/org.apache.commons/commons-lang3@3.12.0?type=jar&classifier=",
                "pkg:maven/org.apache.commons/commons-lang3@3.12.0?type=jar",
            ),
            (
                "pkg:deb/Debian/curl@7.50.3-1?distro=debian-12&arch=amd64",
                "pkg:deb/debian/curl@7.50.3-1?arch=amd64&distro=debian-12",
            ),
            (
                "pkg:rpm/fedora/curl@1:7.50.3-1.fc25?arch=i386",
                "pkg:rpm/fedora/curl@1:7.50.3-1.fc25?arch=i386",
            ),
            (
                "pkg:golang/github.com/gorilla/context@v1.1.1#sub/dir",
                "pkg:golang/github.com/gorilla/context@v1.1.1#sub/dir",
            ),
        ] {
            let x = p(input);
            assert_eq!(x.to_string(), canonical, "{input}");
            assert_eq!(p(canonical), x);
        }
        for bad in [
            "",
            "npm/foo",
            "pkg:npm",
            "pkg:/foo",
            "pkg:maven/commons-lang3@1",
            "pkg:1x/foo",
            "pkg:npm/foo?a",
            "pkg:npm/scope/foo",
            // A decoded namespace or subpath segment holds no `/` (found
            // by the `purl` fuzz target: it did not round-trip).
            "pkg:d/%2F/u",
            "pkg:generic/a%2Fb/c",
            "pkg:generic/a/c#x%2Fy",
        ] {
            assert!(PackageUrl::parse(bad).is_err(), "{bad}");
        }
        // Segment rules apply after decoding: `%2E` is `.`, dropped.
        assert_eq!(
            p("pkg:generic/a/c#%2E/x/%2E%2E").subpath.as_deref(),
            Some("x")
        );
        // A name may hold an encoded `/`, and keeps it through a round trip.
        let n = p("pkg:generic/a/b%2Fc");
        assert_eq!(n.name, "b/c");
        assert_eq!(p(&n.to_string()), n);
    }

    #[test]
    fn ecosystems_both_ways() {
        assert_eq!(
            p("pkg:deb/debian/curl?distro=debian-12")
                .ecosystem()
                .map(|e| e.to_string())
                .as_deref(),
            Some("Debian:12")
        );
        assert_eq!(
            p("pkg:apk/alpine/curl?distro=alpine-3.20.1")
                .ecosystem()
                .map(|e| e.to_string())
                .as_deref(),
            Some("Alpine:v3.20")
        );
        assert_eq!(
            p("pkg:cargo/serde")
                .ecosystem()
                .map(|e| e.to_string())
                .as_deref(),
            Some("crates.io")
        );
        assert_eq!(p("pkg:generic/foo").ecosystem(), None);
        let eco = Ecosystem::parse("Maven").unwrap_or_else(|e| panic!("{e}"));
        let x = PackageUrl::from_ecosystem(&eco, "org.foo:bar", Some("1.0")).map(|p| p.to_string());
        assert_eq!(x.as_deref(), Some("pkg:maven/org.foo/bar@1.0"));
        let eco = Ecosystem::parse("npm").unwrap_or_else(|e| panic!("{e}"));
        let x = PackageUrl::from_ecosystem(&eco, "@types/node", None).map(|p| p.to_string());
        assert_eq!(x.as_deref(), Some("pkg:npm/%40types/node"));
        // every ecosystem with a purl type maps back to itself
        for name in EcosystemName::ALL {
            let eco = Ecosystem::new(*name);
            if let Some(purl) = PackageUrl::from_ecosystem(&eco, "group:pkg", None) {
                let back = PackageUrl::parse(&purl.to_string())
                    .ok()
                    .and_then(|p| p.ecosystem());
                assert_eq!(back.map(|e| e.name), Some(*name), "{purl}");
            }
        }
    }
}
