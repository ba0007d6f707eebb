//! CycloneDX (JSON 1.2–1.7, XML 1.0–1.7) and SPDX (2.2/2.3 JSON and
//! tag-value; 3.0 JSON-LD packages).

use crate::util::{self, is_commitish, jidx, jobject, jstr, Fail, Out, R};
use crate::{purl, xml, Component, Ecosystem, Limits, Location, Origin};
use serde_json::Value;

/// A component from an SBOM entry: ecosystem/name from the purl when it has
/// a known type, else unmatched (ecosystem `None`) with the SBOM's name.
fn sbom_component(
    name: &str,
    version: Option<&str>,
    purl_s: Option<&str>,
    loc: Location,
) -> Component {
    let parsed = purl_s.and_then(purl::parse_purl);
    let osv = parsed.as_ref().and_then(purl::Purl::osv);
    let version = version
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .or_else(|| parsed.as_ref().and_then(|p| p.version.clone()))
        .unwrap_or_default();
    let version = match &parsed {
        Some(p) if !version.is_empty() => purl::purl_version(p, &version),
        _ => version,
    };
    let (ecosystem, name, release) = match osv {
        Some((e, n, r)) => (Some(e), n, r),
        None => (None, name.to_string(), None),
    };
    let commit = parsed
        .as_ref()
        .and_then(|p| p.qualifier("vcs_url"))
        .and_then(crate::formats::js::commit_from_url);
    Component {
        ecosystem,
        release,
        name,
        version,
        purl: purl_s.unwrap_or_default().to_string(),
        commit,
        origin: Origin::Unknown,
        dev: false,
        location: loc,
    }
}

/// Whether a Red Hat component's own purl decides its release or is one
/// purl among its others. The two SBOM formats differ on purpose (the
/// tests in `redhat_evidence.rs` and `redhat_spdx.rs` pin both):
#[derive(Clone, Copy, PartialEq, Eq)]
enum OwnPurl {
    /// CycloneDX: a component's `purl` is a field of its own and its
    /// `evidence.identity` purls (where Red Hat's SBOMs list the
    /// repositories it ships in) only back it. A release the own purl
    /// gives (syft's `distro=` from the scanned host's os-release, its own
    /// `repository_id=`) says where this copy is installed and stands; the
    /// evidence fills one in only when it gives none (`glibc` with
    /// `distro=rhel-8.6` and RHEL 9 evidence stays `8.6`).
    Decides,
    /// SPDX 2: a package's purl `externalRefs` are peers, and which one is
    /// its identity is document order (JSON: the first; tag-value: the
    /// last). Letting it win would give the same package another release
    /// in each serialisation (`9.2` or `9.4` for one in both EUS
    /// repositories), so all of them must agree (`9`).
    OneOfThem,
}

/// Give a Red Hat rpm component the RHEL release its candidate purls agree
/// on ([`agreed_release`]): `others` are the purls its format lists for it
/// besides (CycloneDX) or including (SPDX) its own, and `own` says whether
/// a release its own purl gives stands. Other ecosystems are left as they
/// are.
fn settle_redhat_release<'a>(
    comp: &mut Component,
    raw_version: Option<&str>,
    others: impl IntoIterator<Item = &'a str>,
    own: OwnPurl,
) {
    if comp.ecosystem != Some(Ecosystem::RedHat) {
        return;
    }
    if own == OwnPurl::Decides && comp.release.is_some() {
        return;
    }
    comp.release = agreed_release(comp, raw_version, others);
}

/// The RHEL release that the purls `purls` give a Red Hat rpm component.
/// Only purls naming the same package as the component's own purl count
/// (type, namespace, name and version; the version compared with the
/// component's when its purl gives none); of those that give a release
/// (`9`, `9.2`), all must agree on the major, else `None`; the minor is
/// kept only when they all agree on it too (`9` and `9.2` → `9`).
fn agreed_release<'a>(
    comp: &Component,
    raw_version: Option<&str>,
    purls: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let own = purl::parse_purl(&comp.purl)?;
    let own_version = own.version.as_deref().or(raw_version);
    // A purl without a version names the component's version (SPDX's
    // `versionInfo`), the identity purl included.
    let same = |p: &purl::Purl| {
        p.ty == own.ty
            && p.name == own.name
            && p.version.as_deref().or(raw_version) == own_version
            && match (&p.namespace, &own.namespace) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => false,
            }
    };
    let mut releases = purls
        .into_iter()
        .filter_map(purl::parse_purl)
        .filter(same)
        .filter_map(|p| match p.osv()? {
            (Ecosystem::RedHat, _, Some(r)) => Some(r),
            _ => None,
        });
    let first = releases.next()?;
    let major = |r: &str| r.split('.').next().unwrap_or_default().to_string();
    let mut all_same = true;
    for r in releases {
        if major(&r) != major(&first) {
            return None;
        }
        all_same &= r == first;
    }
    Some(if all_same { first } else { major(&first) })
}

/// The `concludedValue`s of a CycloneDX JSON component's
/// `evidence.identity` entries with `field: "purl"` (an array since 1.6; a
/// single object in 1.5's layout, deprecated but allowed later).
fn cdx_evidence_purls(c: &Value) -> Vec<&str> {
    let Some(identity) = c.get("evidence").and_then(|e| e.get("identity")) else {
        return Vec::new();
    };
    let one = std::slice::from_ref(identity);
    identity
        .as_array()
        .map_or(one, Vec::as_slice)
        .iter()
        .filter(|x| jstr(x, "field") == Some("purl"))
        .filter_map(|x| jstr(x, "concludedValue"))
        .collect()
}

/// Plain rpm components (an rpm purl of a distribution without an OSV
/// ecosystem: CentOS, Fedora, ...) are listed but cannot be checked, as
/// `rpm -qa` output: one problem for the whole input says so, naming the
/// distributions, at the first such component.
pub(crate) fn explain_plain_rpm(out: &mut Out) {
    const NAMED: usize = 5;
    let mut n = 0usize;
    let mut first: Option<Location> = None;
    let mut dists = std::collections::BTreeSet::new();
    for c in out
        .components
        .iter()
        .filter(|c| c.ecosystem == Some(Ecosystem::Rpm))
    {
        n += 1;
        first.get_or_insert_with(|| c.location.clone());
        let d = purl::parse_purl(&c.purl)
            .and_then(|p| p.namespace)
            .map_or_else(
                || "no named distribution".to_string(),
                |ns| ns.to_ascii_lowercase(),
            );
        dists.insert(d);
    }
    let Some(loc) = first else {
        return;
    };
    let mut named = dists
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if dists.len() > NAMED {
        named.push_str(&format!(" and {} more", dists.len() - NAMED));
    }
    let (packages, are) = if n == 1 {
        ("package", "is")
    } else {
        ("packages", "are")
    };
    let these = if dists.len() == 1 {
        "this distribution"
    } else {
        "these distributions"
    };
    out.problem(
        loc,
        format!(
            "{n} rpm {packages} of {named} {are} listed but not checked against advisories: OSV has no ecosystem for {these}"
        ),
    );
}

const MATCHABLE_TYPES: &[&str] = &[
    "library",
    "framework",
    "application",
    "container",
    "platform",
    "operating-system",
    "firmware",
    "device-driver",
];

pub(crate) fn cyclonedx_json(text: &str, out: &mut Out) -> R {
    let v = util::json(text)?;
    let top = jobject(&v)?;
    match jstr(&v, "bomFormat") {
        Some("CycloneDX") => {}
        Some(other) => {
            return Err(Fail::malformed(
                Location::path("$.bomFormat"),
                format!("bomFormat is `{other}`, expected `CycloneDX`"),
            ))
        }
        None => {
            return Err(Fail::malformed(
                Location::path("$.bomFormat"),
                "no `bomFormat`: not a CycloneDX document",
            ))
        }
    }
    if let Some(sv) = top.get("specVersion") {
        let s = sv.as_str().unwrap_or_default();
        if !matches!(
            s,
            "1.0" | "1.1" | "1.2" | "1.3" | "1.4" | "1.5" | "1.6" | "1.7"
        ) {
            return Err(Fail::unsupported(
                Location::path("$.specVersion"),
                format!("CycloneDX specVersion `{sv}` is not supported (1.2–1.7)"),
            ));
        }
    }
    out.structure_seen = true;
    if let Some(list) = top.get("components") {
        cdx_list(list, "$.components", out);
    }
    Ok(())
}

fn cdx_list(list: &Value, path: &str, out: &mut Out) {
    let Some(list) = list.as_array() else {
        out.problem(Location::path(path), "`components` is not an array");
        return;
    };
    for (i, c) in list.iter().enumerate() {
        let p = jidx(path, i);
        let Some(name) = jstr(c, "name") else {
            out.problem(Location::path(p.clone()), "component without `name`");
            continue;
        };
        let purl_s = jstr(c, "purl");
        let ty = jstr(c, "type").unwrap_or("library");
        if purl_s.is_some() || MATCHABLE_TYPES.contains(&ty) {
            let full = match jstr(c, "group").filter(|g| !g.is_empty()) {
                Some(g) => format!("{g}/{name}"),
                None => name.to_string(),
            };
            let mut comp =
                sbom_component(&full, jstr(c, "version"), purl_s, Location::path(p.clone()));
            if comp.commit.is_none() {
                comp.commit = c
                    .get("pedigree")
                    .and_then(|pd| pd.get("commits"))
                    .and_then(Value::as_array)
                    .and_then(|cs| cs.first())
                    .and_then(|c| jstr(c, "uid"))
                    .filter(|u| is_commitish(u))
                    .map(str::to_string);
            }
            comp.dev = jstr(c, "scope") == Some("excluded");
            settle_redhat_release(
                &mut comp,
                jstr(c, "version"),
                cdx_evidence_purls(c),
                OwnPurl::Decides,
            );
            out.push(comp);
        }
        if let Some(sub) = c.get("components") {
            cdx_list(sub, &format!("{p}.components"), out);
        }
    }
}

pub(crate) fn cyclonedx_xml(text: &str, limits: &Limits, out: &mut Out) -> R {
    let root = xml::parse(text, limits)?;
    if root.name != "bom" {
        return Err(Fail::malformed(
            Location::line(root.line),
            format!("root element is <{}>, expected <bom>", root.name),
        ));
    }
    if let Some(ns) = root.attr("xmlns") {
        if !ns.starts_with("http://cyclonedx.org/schema/bom/") {
            return Err(Fail::malformed(
                Location::line(root.line),
                format!("namespace `{ns}` is not CycloneDX"),
            ));
        }
    }
    out.structure_seen = true;
    if let Some(cs) = root.child("components") {
        cdx_xml_list(cs, "/bom/components", out);
    }
    Ok(())
}

fn cdx_xml_list(list: &xml::El, path: &str, out: &mut Out) {
    for (i, c) in list.children("component").enumerate() {
        let p = format!("{path}/component[{}]", i + 1);
        let loc = Location {
            line: Some(u32::try_from(c.line).unwrap_or(u32::MAX)),
            path: Some(p.clone()),
        };
        let Some(name) = c.child_text("name") else {
            out.problem(loc, "component without <name>");
            continue;
        };
        let purl_s = c.child_text("purl");
        let ty = c.attr("type").unwrap_or("library");
        if purl_s.is_some() || MATCHABLE_TYPES.contains(&ty) {
            let full = match c.child_text("group").filter(|g| !g.is_empty()) {
                Some(g) => format!("{g}/{name}"),
                None => name.to_string(),
            };
            let mut comp = sbom_component(&full, c.child_text("version"), purl_s, loc);
            // `<evidence><identity><field>purl</field>
            // <concludedValue>pkg:…</concludedValue></identity>…`.
            let evidence = c.child("evidence").into_iter().flat_map(|e| {
                e.children("identity")
                    .filter(|i| i.child_text("field") == Some("purl"))
                    .filter_map(|i| i.child_text("concludedValue"))
            });
            settle_redhat_release(
                &mut comp,
                c.child_text("version"),
                evidence,
                OwnPurl::Decides,
            );
            out.push(comp);
        }
        if let Some(sub) = c.child("components") {
            cdx_xml_list(sub, &format!("{p}/components"), out);
        }
    }
}

/// The `referenceLocator`s of an SPDX 2 package's purl `externalRefs`, in
/// document order.
fn spdx_purls(refs: Option<&Value>) -> Vec<&str> {
    let Some(refs) = refs.and_then(Value::as_array) else {
        return Vec::new();
    };
    refs.iter()
        .filter_map(|r| {
            let t = jstr(r, "referenceType")?;
            (t == "purl" || t.ends_with("/purl"))
                .then(|| jstr(r, "referenceLocator"))
                .flatten()
        })
        .collect()
}

/// An SPDX 2 package as a component: `purls` are its purl `externalRefs`
/// and `identity` the one that names it. Red Hat's SPDX SBOMs give an rpm
/// package one purl per repository it ships in (`repository_id=`), often
/// one without any too; which of them the identity is says nothing, so a
/// Red Hat package's release is the one all of them agree on
/// ([`OwnPurl::OneOfThem`], the identity's own `distro=`/`repository_id=`
/// included): [no id, `rhel-9-…-rpms`] → `9`, [`…__9_DOT_2`,
/// `…__9_DOT_4`] → `9`.
fn spdx_component(
    name: &str,
    version: Option<&str>,
    identity: Option<&str>,
    purls: &[&str],
    loc: Location,
) -> Component {
    let mut comp = sbom_component(name, version, identity, loc);
    settle_redhat_release(
        &mut comp,
        version,
        purls.iter().copied(),
        OwnPurl::OneOfThem,
    );
    comp
}

pub(crate) fn spdx_json(text: &str, out: &mut Out) -> R {
    let v = util::json(text)?;
    let top = jobject(&v)?;
    if let Some(graph) = top.get("@graph") {
        return spdx3(graph, out);
    }
    let Some(ver) = jstr(&v, "spdxVersion") else {
        return Err(Fail::malformed(
            Location::path("$.spdxVersion"),
            "no `spdxVersion`: not an SPDX 2.x JSON document",
        ));
    };
    if !ver.starts_with("SPDX-2.") {
        return Err(Fail::unsupported(
            Location::path("$.spdxVersion"),
            format!("`{ver}` is not supported (SPDX 2.2/2.3 JSON, 3.0 JSON-LD)"),
        ));
    }
    out.structure_seen = true;
    let Some(pkgs) = top.get("packages") else {
        return Ok(());
    };
    let Some(pkgs) = pkgs.as_array() else {
        return Err(Fail::malformed(
            Location::path("$.packages"),
            "`packages` is not an array",
        ));
    };
    for (i, p) in pkgs.iter().enumerate() {
        let loc = Location::path(jidx("$.packages", i));
        let Some(name) = jstr(p, "name") else {
            out.problem(loc, "package without `name`");
            continue;
        };
        // The identity purl is the first purl ref.
        let purls = spdx_purls(p.get("externalRefs"));
        out.push(spdx_component(
            name,
            jstr(p, "versionInfo"),
            purls.first().copied(),
            &purls,
            loc,
        ));
    }
    Ok(())
}

fn spdx3(graph: &Value, out: &mut Out) -> R {
    let Some(items) = graph.as_array() else {
        return Err(Fail::malformed(
            Location::path("$[\"@graph\"]"),
            "`@graph` is not an array",
        ));
    };
    out.structure_seen = true;
    for (i, e) in items.iter().enumerate() {
        let ty = jstr(e, "type")
            .or_else(|| jstr(e, "@type"))
            .unwrap_or_default();
        if ty != "software_Package" && ty != "Package" {
            continue;
        }
        let loc = Location::path(jidx("$[\"@graph\"]", i));
        let Some(name) = jstr(e, "name") else {
            out.problem(loc, "software_Package without `name`");
            continue;
        };
        let purl_s = jstr(e, "software_packageUrl").or_else(|| {
            e.get("externalIdentifier")?
                .as_array()?
                .iter()
                .find_map(|x| {
                    (jstr(x, "externalIdentifierType") == Some("packageUrl"))
                        .then(|| jstr(x, "identifier"))
                        .flatten()
                })
        });
        out.push(sbom_component(
            name,
            jstr(e, "software_packageVersion"),
            purl_s,
            loc,
        ));
    }
    Ok(())
}

pub(crate) fn spdx_tag_value(text: &str, limits: &Limits, out: &mut Out) -> R {
    struct P {
        line: usize,
        name: String,
        version: Option<String>,
        purls: Vec<String>,
    }
    let mut pkgs: Vec<P> = Vec::new();
    let mut in_text = false;
    let mut version_seen = false;
    for l in util::lines(text, limits.max_line_bytes) {
        let (n, line) = l?;
        if in_text {
            if line.contains("</text>") {
                in_text = false;
            }
            continue;
        }
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let Some((tag, val)) = t.split_once(':') else {
            out.problem(
                Location::line(n),
                format!(
                    "expected `Tag: value`, got `{}`",
                    t.chars().take(60).collect::<String>()
                ),
            );
            continue;
        };
        let val = val.trim();
        if val.starts_with("<text>") && !val.contains("</text>") {
            in_text = true;
        }
        match tag {
            "SPDXVersion" => {
                if !val.starts_with("SPDX-2.") {
                    return Err(Fail::unsupported(
                        Location::line(n),
                        format!("`{val}` is not supported in tag-value (SPDX 2.x)"),
                    ));
                }
                version_seen = true;
                out.structure_seen = true;
            }
            "PackageName" => pkgs.push(P {
                line: n,
                name: val.to_string(),
                version: None,
                purls: Vec::new(),
            }),
            "PackageVersion" => {
                if let Some(p) = pkgs.last_mut() {
                    p.version = Some(val.to_string());
                }
            }
            "ExternalRef" => {
                let f: Vec<&str> = val.split_whitespace().collect();
                if let ([_, "purl", loc], Some(p)) = (f.as_slice(), pkgs.last_mut()) {
                    p.purls.push(loc.to_string());
                }
            }
            _ => {}
        }
    }
    if !version_seen {
        return Err(Fail::malformed(
            Location::line(1),
            "no `SPDXVersion:` line: not an SPDX tag-value document",
        ));
    }
    for p in pkgs {
        // The identity purl is the last `ExternalRef: … purl` line.
        let purls: Vec<&str> = p.purls.iter().map(String::as_str).collect();
        out.push(spdx_component(
            &p.name,
            p.version.as_deref(),
            purls.last().copied(),
            &purls,
            Location::line(p.line),
        ));
    }
    Ok(())
}
