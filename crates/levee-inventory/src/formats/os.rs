//! Installed OS packages: dpkg status, `rpm -qa` output, apk installed db.
//! Debian and Alpine advisories name *source* packages, so the component
//! name is the source package (binary name kept in the purl).

use crate::util::{self, Out, R};
use crate::{Component, Ecosystem, Limits, Location, Origin};

fn enc(s: &str) -> String {
    crate::purl::build(Ecosystem::CratesIo, s, "")
        .trim_start_matches("pkg:cargo/")
        .to_string()
}

/// A paragraph's first line and its `(key, value)` fields.
type Paragraph<'a> = (usize, Vec<(&'a str, &'a str)>);

/// Paragraphs of `Key: value` lines separated by blank lines (dpkg) or of
/// `K:value` lines (apk). Continuation lines start with a space.
fn paragraphs<'a>(text: &'a str, limits: &Limits, sep: &str) -> R<Vec<Paragraph<'a>>> {
    let mut paras = Vec::new();
    let mut cur: Vec<(&str, &str)> = Vec::new();
    let mut start = 0;
    for l in util::lines(text, limits.max_line_bytes) {
        let (n, line) = l?;
        if line.trim().is_empty() {
            if !cur.is_empty() {
                paras.push((start, std::mem::take(&mut cur)));
            }
            continue;
        }
        if line.starts_with(' ') || line.starts_with('\t') {
            continue; // continuation (descriptions, conffiles)
        }
        if cur.is_empty() {
            start = n;
        }
        match line.split_once(sep) {
            Some((k, v)) => cur.push((k, v.trim())),
            None => cur.push(("", line)),
        }
    }
    if !cur.is_empty() {
        paras.push((start, cur));
    }
    Ok(paras)
}

fn os_component(eco: Ecosystem, name: &str, version: &str, purl: String, line: usize) -> Component {
    Component {
        ecosystem: Some(eco),
        release: None,
        name: name.to_string(),
        version: version.to_string(),
        purl,
        commit: None,
        origin: Origin::Registry(None),
        dev: false,
        location: Location::line(line),
    }
}

pub(crate) fn dpkg(text: &str, limits: &Limits, out: &mut Out) -> R {
    for (line, p) in paragraphs(text, limits, ": ")? {
        let get = |k: &str| p.iter().find(|(kk, _)| *kk == k).map(|(_, v)| *v);
        let loc = Location::line(line);
        let (Some(pkg), Some(ver)) = (get("Package"), get("Version")) else {
            out.problem(loc, "paragraph without `Package` and `Version`");
            continue;
        };
        out.structure_seen = true;
        if let Some(st) = get("Status") {
            if !st.ends_with(" installed") {
                continue; // removed, config-files, half-installed...
            }
        }
        let (src, src_ver) = match get("Source") {
            Some(s) => match s.split_once(" (") {
                Some((n, v)) => (n.trim(), v.trim_end_matches(')').trim()),
                None => (s.trim(), ver),
            },
            None => (pkg, ver),
        };
        let mut purl = format!("pkg:deb/debian/{}@{}", enc(pkg), enc(ver));
        let mut q = Vec::new();
        if let Some(a) = get("Architecture") {
            q.push(format!("arch={}", enc(a)));
        }
        if src != pkg {
            q.push(format!("upstream={}", enc(src)));
        }
        if !q.is_empty() {
            purl.push('?');
            purl.push_str(&q.join("&"));
        }
        out.push(os_component(Ecosystem::Debian, src, src_ver, purl, line));
    }
    Ok(())
}

pub(crate) fn apk(text: &str, limits: &Limits, out: &mut Out) -> R {
    for (line, p) in paragraphs(text, limits, ":")? {
        let get = |k: &str| p.iter().find(|(kk, _)| *kk == k).map(|(_, v)| *v);
        let loc = Location::line(line);
        let (Some(pkg), Some(ver)) = (get("P"), get("V")) else {
            out.problem(loc, "entry without `P:` and `V:`");
            continue;
        };
        let src = get("o").unwrap_or(pkg);
        let mut purl = format!("pkg:apk/alpine/{}@{}", enc(pkg), enc(ver));
        if let Some(a) = get("A") {
            purl.push_str(&format!("?arch={}", enc(a)));
        }
        let mut c = os_component(Ecosystem::Alpine, src, ver, purl, line);
        c.commit = get("c")
            .filter(|c| util::is_commitish(c))
            .map(str::to_string);
        out.push(c);
    }
    Ok(())
}

/// RPM architectures, cut from the end of an `rpm -qa` line.
pub(crate) const RPM_ARCHES: &[&str] = &[
    "x86_64",
    "noarch",
    "i686",
    "i586",
    "i486",
    "i386",
    "aarch64",
    "ppc64le",
    "s390x",
    "s390",
    "armv7hl",
    "armv7l",
    "armv6hl",
    "armv6l",
    "src",
    "ppc64",
    "ppc",
    "arm64",
    "riscv64",
    "loongarch64",
];

/// `name-version-release`, no spaces (an `rpm -qa` line, perhaps without
/// its architecture).
pub(crate) fn is_nvr(line: &str) -> bool {
    !line.contains(char::is_whitespace) && line.matches('-').count() >= 2
}

/// An `rpm -qa` line with its architecture: `name-version-release.arch`.
pub(crate) fn is_rpm_qa_line(line: &str) -> bool {
    is_nvr(line)
        && line
            .rsplit_once('.')
            .is_some_and(|(_, arch)| RPM_ARCHES.contains(&arch))
}

/// `name-[epoch:]version-release.arch` (or without `.arch`).
pub(crate) fn rpm_qa(text: &str, limits: &Limits, out: &mut Out) -> R {
    let mut listed = 0usize;
    for l in util::lines(text, limits.max_line_bytes) {
        let (n, line) = l?;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let loc = Location::line(n);
        if t.contains(char::is_whitespace) {
            out.problem(loc, "expected one `name-version-release.arch` per line");
            continue;
        }
        let (nvr, arch) = match t.rsplit_once('.') {
            Some((a, b)) if RPM_ARCHES.contains(&b) => (a, Some(b)),
            _ => (t, None),
        };
        let Some((nv, release)) = nvr.rsplit_once('-') else {
            out.problem(loc, format!("`{t}` is not name-version-release"));
            continue;
        };
        let Some((name, version)) = nv.rsplit_once('-') else {
            out.problem(loc, format!("`{t}` is not name-version-release"));
            continue;
        };
        if name.is_empty() || version.is_empty() || release.is_empty() {
            out.problem(loc, format!("`{t}` is not name-version-release"));
            continue;
        }
        let (epoch, version) = match version.split_once(':') {
            Some((e, v)) => (Some(e), v),
            None => (None, version),
        };
        let full = match epoch {
            Some(e) => format!("{e}:{version}-{release}"),
            None => format!("{version}-{release}"),
        };
        let mut purl = format!(
            "pkg:rpm/{}@{}",
            enc(name),
            enc(&format!("{version}-{release}"))
        );
        let mut q = Vec::new();
        if let Some(a) = arch {
            q.push(format!("arch={a}"));
        }
        if let Some(e) = epoch {
            q.push(format!("epoch={}", enc(e)));
        }
        if !q.is_empty() {
            purl.push('?');
            purl.push_str(&q.join("&"));
        }
        out.push(os_component(Ecosystem::Rpm, name, &full, purl, n));
        listed += 1;
    }
    if listed > 0 {
        // OSV has no "RPM" ecosystem: advisories are per distribution (Red
        // Hat, AlmaLinux, Rocky Linux, SUSE, openSUSE), and `rpm -qa` does
        // not say which one this is. Say so instead of a clean result.
        out.problem(
            Location::line(1),
            format!(
                "rpm -qa output does not say which distribution it is from: its {listed} packages are listed but not checked against advisories (scan an SBOM whose purls name the distribution, e.g. pkg:rpm/redhat/...)"
            ),
        );
    }
    Ok(())
}
