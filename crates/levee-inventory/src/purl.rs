//! Package URL building and parsing (https://github.com/package-url/purl-spec).

use crate::Ecosystem;

/// Bytes left as they are in a purl component (RFC 3986 unreserved).
const UNRESERVED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_' | b'~');
        b += 1;
    }
    t
};

/// Percent-encode every byte of `s` but the unreserved ones (`%XX`,
/// upper-case hex). Runs of unreserved bytes are copied whole.
fn enc_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let b = s.as_bytes();
    let mut run = 0; // start of the current run of unreserved bytes
    for (i, &c) in b.iter().enumerate() {
        if UNRESERVED[usize::from(c)] {
            continue;
        }
        if run < i {
            // `run..i` is a non-empty run of ASCII bytes, so both ends are
            // char boundaries and `get` cannot fail.
            out.push_str(s.get(run..i).unwrap_or_default());
        }
        out.push('%');
        out.push(char::from(HEX[usize::from(c >> 4)]));
        out.push(char::from(HEX[usize::from(c & 15)]));
        run = i + 1;
    }
    // Empty, or ASCII bytes after an ASCII or encoded byte: a boundary.
    out.push_str(s.get(run..).unwrap_or_default());
}

fn purl_type(eco: Ecosystem) -> (&'static str, Option<&'static str>) {
    use Ecosystem::*;
    match eco {
        Npm => ("npm", None),
        PyPI => ("pypi", None),
        CratesIo => ("cargo", None),
        Go => ("golang", None),
        Maven => ("maven", None),
        NuGet => ("nuget", None),
        Packagist => ("composer", None),
        RubyGems => ("gem", None),
        Hex => ("hex", None),
        Pub => ("pub", None),
        SwiftURL => ("swift", None),
        CocoaPods => ("cocoapods", None),
        Hackage => ("hackage", None),
        Debian => ("deb", Some("debian")),
        Ubuntu => ("deb", Some("ubuntu")),
        Alpine => ("apk", Some("alpine")),
        Wolfi => ("apk", Some("wolfi")),
        Chainguard => ("apk", Some("chainguard")),
        RedHat => ("rpm", Some("redhat")),
        AlmaLinux => ("rpm", Some("almalinux")),
        RockyLinux => ("rpm", Some("rocky")),
        OpenSuse => ("rpm", Some("opensuse")),
        Suse => ("rpm", Some("suse")),
        Rpm => ("rpm", None),
        GitHubActions => ("github", None),
        Cran => ("cran", None),
    }
}

/// Build `pkg:type/namespace/name@version` for an OSV-style name.
pub(crate) fn build(eco: Ecosystem, name: &str, version: &str) -> String {
    let (ty, fixed_ns) = purl_type(eco);
    let mut out = String::with_capacity(8 + ty.len() + name.len() + version.len());
    out.push_str("pkg:");
    out.push_str(ty);
    out.push('/');
    if let Some(ns) = fixed_ns {
        out.push_str(ns);
        out.push('/');
    }
    match eco {
        Ecosystem::PyPI => {
            let n: String = name
                .chars()
                .map(|c| {
                    if c == '_' {
                        '-'
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect();
            enc_into(&mut out, &n);
        }
        Ecosystem::Maven => {
            let (g, a) = name.split_once(':').unwrap_or(("", name));
            if !g.is_empty() {
                enc_into(&mut out, g);
                out.push('/');
            }
            enc_into(&mut out, a);
        }
        Ecosystem::Npm
        | Ecosystem::Go
        | Ecosystem::Packagist
        | Ecosystem::SwiftURL
        | Ecosystem::GitHubActions => {
            let mut first = true;
            for seg in name.split('/') {
                if !first {
                    out.push('/');
                }
                first = false;
                enc_into(&mut out, seg);
            }
        }
        _ => enc_into(&mut out, name),
    }
    if !version.is_empty() {
        out.push('@');
        enc_into(&mut out, version);
    }
    out
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A parsed package URL (percent-decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purl {
    pub ty: String,
    pub namespace: Option<String>,
    pub name: String,
    pub version: Option<String>,
    pub qualifiers: Vec<(String, String)>,
    pub subpath: Option<String>,
}

/// Parse a package URL; `None` when it isn't one.
pub fn parse_purl(s: &str) -> Option<Purl> {
    let s = s.trim();
    let rest = s
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("pkg:"))
        .and(s.get(4..))?;
    let rest = rest.trim_start_matches('/');
    let (rest, subpath) = match rest.split_once('#') {
        Some((a, b)) => (a, Some(decode(b.trim_matches('/')))),
        None => (rest, None),
    };
    let (rest, quals) = match rest.split_once('?') {
        Some((a, b)) => (a, Some(b)),
        None => (rest, None),
    };
    let (ty, path) = rest.split_once('/')?;
    if ty.is_empty()
        || !ty
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'))
    {
        return None;
    }
    // The version `@` is the last one that does not start a path segment.
    let (path, version) = match path.rfind('@') {
        Some(i) if i > 0 && path.as_bytes().get(i - 1) != Some(&b'/') => {
            (path.get(..i)?, Some(decode(path.get(i + 1..)?)))
        }
        _ => (path, None),
    };
    let path = path.trim_end_matches('/');
    let (ns, name) = match path.rsplit_once('/') {
        Some((ns, n)) => (
            Some(ns.split('/').map(decode).collect::<Vec<_>>().join("/")),
            n,
        ),
        None => (None, path),
    };
    if name.is_empty() {
        return None;
    }
    let qualifiers = quals
        .map(|q| {
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_ascii_lowercase(), decode(v)))
                .collect()
        })
        .unwrap_or_default();
    Some(Purl {
        ty: ty.to_ascii_lowercase(),
        namespace: ns.filter(|n| !n.is_empty()),
        name: decode(name),
        version: version.filter(|v| !v.is_empty()),
        qualifiers,
        subpath,
    })
}

impl Purl {
    pub fn qualifier(&self, key: &str) -> Option<&str> {
        self.qualifiers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// OSV ecosystem, OSV package name and distro release for this purl,
    /// when its type maps to an OSV ecosystem.
    pub fn osv(&self) -> Option<(Ecosystem, String, Option<String>)> {
        use Ecosystem::*;
        let ns = self.namespace.as_deref();
        let joined = || match ns {
            Some(ns) => format!("{ns}/{}", self.name),
            None => self.name.clone(),
        };
        let distro = self.qualifier("distro").map(str::to_string);
        // `debian-12`, `debian-12.4`, `bookworm`, `ubuntu-22.04`, `jammy`,
        // `alpine-3.19.1`: the release as OSV spells it, codenames turned
        // into numbers (the matcher accepts a point release of an advisory's
        // release, `12.4` for `12`, `v3.19.1` for `v3.19`).
        let release = |prefix: &str| {
            distro.as_deref().map(|d| {
                let d = d.strip_prefix(prefix).unwrap_or(d);
                let d = d.strip_prefix('-').unwrap_or(d);
                levee_versions::ecosystem::codename_release(prefix, d)
                    .unwrap_or(d)
                    .to_string()
            })
        };
        // Debian and Alpine advisories name source packages: an SBOM's
        // `upstream=` qualifier (`openssl`, or `openssl@3.0.11-1`) gives it.
        let source = || {
            self.qualifier("upstream")
                .and_then(|u| u.split('@').next())
                .filter(|u| !u.is_empty())
                .map_or_else(|| self.name.clone(), str::to_string)
        };
        let nsl = ns.map(str::to_ascii_lowercase);
        Some(match self.ty.as_str() {
            "npm" => (Npm, joined(), None),
            "pypi" => (PyPI, self.name.clone(), None),
            "cargo" => (CratesIo, self.name.clone(), None),
            "golang" => (Go, joined(), None),
            "maven" => (
                Maven,
                format!("{}:{}", ns.unwrap_or_default(), self.name),
                None,
            ),
            "nuget" => (NuGet, self.name.clone(), None),
            "composer" => (Packagist, joined(), None),
            "gem" => (RubyGems, self.name.clone(), None),
            "hex" => (Hex, self.name.clone(), None),
            "pub" => (Pub, self.name.clone(), None),
            "swift" => (SwiftURL, joined(), None),
            "cocoapods" => (CocoaPods, self.name.clone(), None),
            "hackage" => (Hackage, self.name.clone(), None),
            "cran" => (Cran, self.name.clone(), None),
            "github" => (GitHubActions, joined(), None),
            "deb" => match nsl.as_deref() {
                Some("ubuntu") => (Ubuntu, source(), release("ubuntu")),
                _ => (Debian, source(), release("debian")),
            },
            "apk" => match nsl.as_deref() {
                Some("wolfi") => (Wolfi, source(), None),
                Some("chainguard") => (Chainguard, source(), None),
                _ => (
                    Alpine,
                    source(),
                    release("alpine").map(|r| {
                        if r.starts_with('v') {
                            r
                        } else {
                            format!("v{r}")
                        }
                    }),
                ),
            },
            "rpm" => match nsl.as_deref() {
                // `distro=rhel-9.2` (syft), `redhat-9.4` (Trivy), `rhel-9`,
                // `el9` → `9.2` / `9`, which `AdvisoryRelease::covers` compares with
                // osv.dev's `enterprise_linux:9::appstream`,
                // `rhel_eus:9.2::baseos`. Without a readable `distro=`,
                // Red Hat's own SBOMs' `repository_id=`
                // (`rhel-9-for-x86_64-appstream-rpms` → `9`,
                // `…-eus-rpms__9_DOT_2` → `9.2`). Neither: no release here
                // (a CycloneDX component may still take one from its
                // `evidence.identity` purls, an SPDX package from its other
                // purl refs, see `formats::sbom`); without
                // one every Red Hat release matches (loose).
                // Older syft writes the namespace `rhel`.
                Some("redhat") | Some("rhel") => (
                    RedHat,
                    self.name.clone(),
                    distro
                        .as_deref()
                        .and_then(levee_versions::ecosystem::redhat_release)
                        .or_else(|| {
                            self.qualifier("repository_id")
                                .and_then(levee_versions::ecosystem::redhat_repository_release)
                        }),
                ),
                Some("almalinux") => (AlmaLinux, self.name.clone(), None),
                Some("rocky") | Some("rockylinux") => (RockyLinux, self.name.clone(), None),
                Some("opensuse") => (OpenSuse, self.name.clone(), None),
                Some("suse") | Some("sles") => (Suse, self.name.clone(), None),
                _ => (Rpm, self.name.clone(), None),
            },
            _ => return None,
        })
    }
}

/// The version an SBOM purl stands for: an rpm purl's `epoch=` qualifier
/// goes in front (`1:1.1.1k-9.el8_7`), as rpm compares it first.
pub fn purl_version(p: &Purl, version: &str) -> String {
    match p.qualifier("epoch") {
        Some(e)
            if p.ty == "rpm"
                && !e.is_empty()
                && e.bytes().all(|b| b.is_ascii_digit())
                && !version.contains(':') =>
        {
            format!("{e}:{version}")
        }
        _ => version.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time encoder `enc_into` replaced.
    fn enc_reference(s: &str) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
                out.push(char::from(b));
            } else {
                let _ = write!(out, "%{b:02X}");
            }
        }
        out
    }

    #[test]
    fn enc_examples() {
        for s in [
            "",
            "serde",
            "0.10.2+wasi-snapshot-preview1",
            "@babel/core",
            "é",
            "aé",
            "éa",
            "a b~c.d_e-f",
            "日本語x",
            "%",
            "++",
        ] {
            let mut out = String::from("pkg:");
            enc_into(&mut out, s);
            assert_eq!(out, format!("pkg:{}", enc_reference(s)), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn enc_matches_reference(s in ".*") {
            let mut out = String::new();
            enc_into(&mut out, &s);
            proptest::prop_assert_eq!(out, enc_reference(&s));
        }
    }

    #[test]
    fn build_examples() {
        assert_eq!(
            build(Ecosystem::Npm, "@babel/core", "7.0.0"),
            "pkg:npm/%40babel/core@7.0.0"
        );
        assert_eq!(
            build(Ecosystem::Maven, "org.a:b", "1"),
            "pkg:maven/org.a/b@1"
        );
        assert_eq!(
            build(Ecosystem::PyPI, "Django_X", "1"),
            "pkg:pypi/django-x@1"
        );
        assert_eq!(
            build(Ecosystem::Debian, "libc6", "1:2.3"),
            "pkg:deb/debian/libc6@1%3A2.3"
        );
        assert_eq!(
            build(Ecosystem::Go, "github.com/a/b", "v1.0.0"),
            "pkg:golang/github.com/a/b@v1.0.0"
        );
    }

    #[test]
    fn parse_roundtrip() {
        for (eco, name, ver) in [
            (Ecosystem::Npm, "@babel/core", "7.0.0"),
            (Ecosystem::Maven, "org.a:b", "1.0"),
            (Ecosystem::Go, "github.com/a/b", "v1.0.0"),
            (Ecosystem::CratesIo, "serde", "1.0.0+x"),
            (Ecosystem::Debian, "libc6", "1:2.3-1"),
            (Ecosystem::Packagist, "a/b", "1.0"),
        ] {
            let p = parse_purl(&build(eco, name, ver)).expect("parses");
            let (e, n, _) = p.osv().expect("maps");
            assert_eq!(
                (e, n.as_str(), p.version.as_deref()),
                (eco, name, Some(ver))
            );
        }
    }

    #[test]
    fn parse_unencoded_scope_and_distro() {
        let p = parse_purl("pkg:npm/@angular/core@1.2.3").unwrap();
        assert_eq!(p.osv().unwrap().1, "@angular/core");
        let p = parse_purl("pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=debian-11").unwrap();
        assert_eq!(
            p.osv().unwrap(),
            (Ecosystem::Debian, "curl".into(), Some("11".into()))
        );
        assert!(parse_purl("not a purl").is_none());
        assert!(parse_purl("pkg:").is_none());
    }

    /// What container SBOMs (syft, Trivy) write: binary package names with
    /// the source package in `upstream=`, codenames or point releases in
    /// `distro=`, the rpm epoch in `epoch=`.
    #[test]
    fn os_package_purls_as_sbom_tools_write_them() {
        let osv = |s: &str| parse_purl(s).unwrap().osv().unwrap();
        let own = |e, n: &str, r: &str| (e, n.to_string(), Some(r.to_string()));
        use Ecosystem::*;
        assert_eq!(
            osv("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro=debian-12"),
            own(Debian, "openssl", "12")
        );
        assert_eq!(
            osv("pkg:deb/debian/curl@7.88.1-10?distro=bookworm"),
            own(Debian, "curl", "12")
        );
        assert_eq!(
            osv("pkg:deb/debian/curl@7.88.1-10?distro=debian-12.4"),
            own(Debian, "curl", "12.4")
        );
        assert_eq!(
            osv("pkg:deb/ubuntu/libc6@2.35-0ubuntu3.6?upstream=glibc%402.35-0ubuntu3.6&distro=ubuntu-22.04"),
            own(Ubuntu, "glibc", "22.04")
        );
        assert_eq!(
            osv("pkg:deb/ubuntu/curl@8.5.0?distro=noble"),
            own(Ubuntu, "curl", "24.04")
        );
        assert_eq!(
            osv("pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&upstream=openssl&distro=alpine-3.19.1"),
            own(Alpine, "openssl", "v3.19.1")
        );
        // Without `upstream` the name stays.
        assert_eq!(osv("pkg:deb/debian/curl@1?distro=debian-12").1, "curl");
        // Red Hat: the RHEL release `AdvisoryRelease::covers` compares with osv.dev's
        // `enterprise_linux:9::appstream` / `rhel_eus:9.2::baseos`.
        assert_eq!(
            osv("pkg:rpm/redhat/dbus-common@1.12.8-26.el8?arch=noarch&distro=rhel-8.10&upstream=dbus-1.12.8-26.el8.src.rpm"),
            own(RedHat, "dbus-common", "8.10")
        );
        assert_eq!(
            osv("pkg:rpm/redhat/avahi-libs@0.8-20.el9?arch=x86_64&distro=redhat-9.4"),
            own(RedHat, "avahi-libs", "9.4")
        );
        assert_eq!(
            osv("pkg:rpm/redhat/openssl@3.0.7?distro=rhel-9"),
            own(RedHat, "openssl", "9")
        );
        assert_eq!(
            osv("pkg:rpm/redhat/openssl@3.0.7?arch=x86_64&distro=el9"),
            own(RedHat, "openssl", "9")
        );
        assert_eq!(
            osv("pkg:rpm/redhat/openssl@3.0.7?distro=el9_2"),
            own(RedHat, "openssl", "9.2")
        );
        assert_eq!(
            osv("pkg:rpm/rhel/openssl@3.0.7?distro=rhel-9.2.0"),
            own(RedHat, "openssl", "9.2")
        );
        // No or unreadable release: loose, as before.
        assert_eq!(
            osv("pkg:rpm/redhat/openssl-libs@1.1.1k-9.el8_7?arch=x86_64&epoch=1"),
            (RedHat, "openssl-libs".to_string(), None)
        );
        assert_eq!(osv("pkg:rpm/redhat/openssl@3.0.7?distro=centos-7").2, None);
        // Older syft writes the namespace `rhel`: Red Hat, as `redhat`.
        assert_eq!(
            osv("pkg:rpm/rhel/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=rhel-9.2"),
            own(RedHat, "openssl-libs", "9.2")
        );
        assert_eq!(
            osv("pkg:rpm/RHEL/bash@5.1.8-6.el9"),
            (RedHat, "bash".to_string(), None)
        );
        // AlmaLinux and Rocky Linux are their own OSV ecosystems; CentOS
        // has none (plain rpm, which `levee scan` lists as not checked).
        assert_eq!(
            osv("pkg:rpm/almalinux/bash@5.1.8?distro=almalinux-9.2").0,
            AlmaLinux
        );
        assert_eq!(
            osv("pkg:rpm/rocky/bash@5.1.8?distro=rocky-9.2").0,
            RockyLinux
        );
        assert_eq!(osv("pkg:rpm/centos/bash@4.2.46?distro=centos-7").0, Rpm);
        let p =
            parse_purl("pkg:rpm/redhat/openssl-libs@1.1.1k-9.el8_7?arch=x86_64&epoch=1").unwrap();
        assert_eq!(purl_version(&p, "1.1.1k-9.el8_7"), "1:1.1.1k-9.el8_7");
        assert_eq!(purl_version(&p, "1:1.1.1k-9.el8_7"), "1:1.1.1k-9.el8_7");
        let p = parse_purl("pkg:npm/x@1.0.0?epoch=1").unwrap();
        assert_eq!(purl_version(&p, "1.0.0"), "1.0.0");
    }
}
