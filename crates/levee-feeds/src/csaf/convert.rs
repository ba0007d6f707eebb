//! CSAF 2.0 document → one OSV record per vulnerability.
//!
//! The document is validated first ([`super::validate`], without a CWE
//! catalogue): schema findings reject it as `csaf_schema`, mandatory-test
//! findings as `csaf_mandatory_test` (the reason lists the failed tests).
//!
//! Products identified by a purl (directly, or through the component a
//! relationship points to) whose type maps to an OSV ecosystem become OSV
//! packages. A product's version is its purl version, else the name of
//! the `product_version` branch it sits in. `known_affected` versions are
//! affected `versions`; per package, in the ecosystem's ordering:
//! - `first_affected f` (CSAF 2.0 §3.2.3.9: first version of a release
//!   known to be affected) opens a range at `f`, closed by the next
//!   `last_affected` at or above `f` (inclusive) or the next `fixed` above
//!   `f`, whichever comes first; open-ended when neither exists;
//! - `last_affected l` (last version of a release train known to be
//!   affected) closes a range opened by the greatest `first_affected` at
//!   or below `l`, else `introduced 0`;
//! - the smallest `fixed`/`first_fixed` gives `introduced 0, fixed v`
//!   unless a `first_affected` or the start of a `vers:` range of a
//!   `product_version_range` branch lies below it (the document says
//!   where the affected versions begin; the fix only closes ranges).
//!
//! A Red Hat rpm that is a component of a platform product with a CPE
//! `cpe:/a:redhat:<release>` or `cpe:/o:redhat:<release>` gets the
//! ecosystem `Red Hat:<release>` (as osv.dev's Red Hat records), so fixes
//! for different releases stay apart.
//!
//! First/last affected versions outside the ordering stay explicit
//! `versions`. Every other product (CPE-only, names) is kept in
//! `database_specific.products` with its status. Ids: `<tracking
//! id>:<CVE or first ids text or vN>`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use levee_versions::vers::parse_vers;
use levee_versions::{Bound, Ecosystem, Interval, PackageUrl, RangeSet, Version, VersionScheme};

use crate::common::*;

use super::validate::{product_defs, validate, ValidateOptions, PRODUCT_STATUS};

struct Product {
    name: String,
    purl: Option<String>,
    cpe: Option<String>,
    /// Name of the `product_version_range` branch defining the product.
    range: Option<String>,
    /// Name of the `product_version` branch defining the product.
    version: Option<String>,
    /// Release of a Red Hat relationship product: its platform's CPE 2.2
    /// without `cpe:/a:redhat:` / `cpe:/o:redhat:`
    /// (`enterprise_linux:9::appstream`), as
    /// osv.dev spells `Red Hat:<release>`.
    release: Option<String>,
    /// The OSV package its purl names ([`package`]), resolved once.
    package: Option<Package>,
}

/// The OSV package a product stands for.
struct Package {
    /// Ecosystem, with the Red Hat release.
    eco: String,
    name: String,
    /// Its purl's version, else its `product_version` branch's name.
    version: Option<String>,
    /// The purl without version, qualifiers and subpath.
    bare: String,
    /// The ecosystem's version ordering.
    scheme: Option<VersionScheme>,
}

/// The package of a product whose purl type maps to an OSV ecosystem.
fn package(p: &Product) -> Option<Package> {
    let purl = PackageUrl::parse(p.purl.as_deref()?).ok()?;
    let (eco, name) = purl.osv_package()?;
    let eco = match p.release.as_deref() {
        Some(r) if eco == "Red Hat" => format!("Red Hat:{r}"),
        _ => eco,
    };
    let version = purl_version(&purl).or_else(|| p.version.clone());
    let scheme = Ecosystem::parse(&eco).ok().and_then(|e| e.scheme());
    let mut bare = purl;
    bare.version = None;
    bare.qualifiers.clear();
    bare.subpath = None;
    Some(Package {
        eco,
        name,
        version,
        bare: bare.to_string(),
        scheme,
    })
}

fn redhat_release(cpe: &str) -> Option<String> {
    // Application or operating-system part, as osv.dev's converter
    // (`cpe:/[oa]:redhat`): RHEL 7 and 10 platforms are `cpe:/o:`.
    let r = cpe
        .strip_prefix("cpe:/a:redhat:")
        .or_else(|| cpe.strip_prefix("cpe:/o:redhat:"))?;
    let eco = format!("Red Hat:{r}");
    Ecosystem::parse(&eco).ok()?;
    Some(r.to_string())
}

/// The version a purl names: an rpm purl's `epoch` qualifier goes in
/// front (`1:1.1.1k-7.el8_6`), as rpm and OSV's rpm ecosystems compare it
/// first (purl-spec: the epoch is a qualifier, not part of the version).
fn purl_version(p: &PackageUrl) -> Option<String> {
    let v = p.version.clone()?;
    match p.qualifiers.get("epoch") {
        Some(e)
            if p.ty == "rpm"
                && !e.is_empty()
                && e.bytes().all(|b| b.is_ascii_digit())
                && !v.contains(':') =>
        {
            Some(format!("{e}:{v}"))
        }
        _ => Some(v),
    }
}

fn products(doc: &Value) -> BTreeMap<String, Product> {
    let mut out = BTreeMap::new();
    for def in product_defs(doc) {
        let f = &def.product;
        let h = f.get("product_identification_helper");
        let branch = |cat: &str| {
            def.branch
                .as_ref()
                .filter(|(c, _)| c == cat)
                .map(|(_, n)| n.clone())
        };
        let range = branch("product_version_range");
        let version = branch("product_version");
        out.insert(
            def.id,
            Product {
                name: s(f, "name").unwrap_or_default().to_string(),
                purl: h.and_then(|h| s(h, "purl")).map(str::to_string),
                cpe: h.and_then(|h| s(h, "cpe")).map(str::to_string),
                range,
                version,
                release: None,
                package: None,
            },
        );
    }
    // A relationship product is identified by its component's purl (and
    // version or version range).
    let rels: Vec<(String, String, Option<String>)> = doc
        .get("product_tree")
        .and_then(|pt| pt.get("relationships"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let id = r
                .get("full_product_name")
                .and_then(|f| s(f, "product_id"))?;
            Some((
                id.to_string(),
                s(r, "product_reference")?.to_string(),
                s(r, "relates_to_product_reference").map(str::to_string),
            ))
        })
        .collect();
    for (id, comp, platform) in rels {
        let release = platform
            .and_then(|p| out.get(&p))
            .and_then(|p| p.cpe.as_deref())
            .and_then(redhat_release);
        let purl = out.get(&comp).and_then(|p| p.purl.clone());
        let range = out.get(&comp).and_then(|p| p.range.clone());
        let version = out.get(&comp).and_then(|p| p.version.clone());
        if let Some(p) = out.get_mut(&id) {
            if p.purl.is_none() {
                p.purl = purl;
                if p.range.is_none() {
                    p.range = range;
                }
                if p.version.is_none() {
                    p.version = version;
                }
            }
            p.release = release;
        }
    }
    for p in out.values_mut() {
        p.package = package(p);
    }
    out
}

/// One package: purl without version, affected versions, fixed, first
/// and last affected versions (parsed), affected version ranges.
struct PkgAcc {
    purl: Option<String>,
    versions: Vec<String>,
    fixes: Vec<(Version, String)>,
    first: Vec<(Version, String)>,
    last: Vec<(Version, String)>,
    ranges: RangeSet,
}

fn push_parsed(list: &mut Vec<(Version, String)>, pv: Version, ver: String) {
    if !list.iter().any(|(_, f)| *f == ver) {
        list.push((pv, ver))
    }
}

/// The affected set a package's first/last affected and fixed versions
/// (each sorted ascending) describe, given the set its `vers:` ranges
/// already give; see the module documentation.
fn status_set(
    first: &[(Version, String)],
    last: &[(Version, String)],
    fixes: &[(Version, String)],
    known: &RangeSet,
) -> RangeSet {
    let mut out = Vec::new();
    if let Some((f0, _)) = fixes.first() {
        let starts_below = known.intervals().iter().any(|iv| match &iv.lower {
            Bound::Unbounded => true,
            Bound::Inclusive(v) | Bound::Exclusive(v) => v < f0,
        });
        if !starts_below && !first.iter().any(|(v, _)| v < f0) {
            out.push(Interval {
                lower: Bound::Unbounded,
                upper: Bound::Exclusive(f0.clone()),
            });
        }
    }
    for (fv, _) in first {
        let fix = fixes.iter().find(|(x, _)| x > fv).map(|(x, _)| x);
        let last = last.iter().find(|(l, _)| l >= fv).map(|(l, _)| l);
        let upper = match (fix, last) {
            (Some(x), Some(l)) if l < x => Bound::Inclusive(l.clone()),
            (Some(x), _) => Bound::Exclusive(x.clone()),
            (None, Some(l)) => Bound::Inclusive(l.clone()),
            (None, None) => Bound::Unbounded,
        };
        out.push(Interval {
            lower: Bound::Inclusive(fv.clone()),
            upper,
        });
    }
    for (lv, _) in last {
        let lower = first
            .iter()
            .rev()
            .find(|(f, _)| f <= lv)
            .map(|(f, _)| Bound::Inclusive(f.clone()))
            .unwrap_or(Bound::Unbounded);
        out.push(Interval {
            lower,
            upper: Bound::Inclusive(lv.clone()),
        });
    }
    RangeSet::from_intervals(out)
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

pub(crate) fn convert(_path: Option<&str>, doc: &Value) -> Vec<Conv> {
    if !doc.is_object() {
        return vec![Err(Fail::new(
            FeedClass::NotAnObject,
            None,
            "CSAF document is not an object",
        ))];
    }
    let report = validate(doc, &ValidateOptions::default());
    let tracking_id = doc
        .get("document")
        .and_then(|d| d.get("tracking"))
        .and_then(|t| s(t, "id"))
        .map(sanitize);
    let schema: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.test == "schema")
        .map(|f| format!("{} {}", f.path, f.message))
        .collect();
    if !schema.is_empty() {
        let mut f = Fail::new(
            FeedClass::CsafSchema,
            None,
            format!(
                "{} schema violation(s): {}",
                schema.len(),
                clip(&schema.join("; "))
            ),
        );
        f.id = tracking_id;
        return vec![Err(f)];
    }
    if !report.is_valid() {
        let tests = report.failed_tests();
        let first = report
            .findings
            .first()
            .map(|f| format!(" (first: {} at {}: {})", f.test, f.path, f.message))
            .unwrap_or_default();
        let mut f = Fail::new(
            FeedClass::CsafMandatory,
            None,
            format!(
                "fails mandatory test(s) {}{}",
                tests.join(", "),
                clip(&first)
            ),
        );
        f.id = tracking_id;
        return vec![Err(f)];
    }
    let Some(tid) = tracking_id else {
        return vec![Err(Fail::new(
            FeedClass::NoId,
            Some("document.tracking.id"),
            "no tracking id",
        ))];
    };
    let d = doc.get("document").cloned().unwrap_or(Value::Null);
    let t = d.get("tracking").cloned().unwrap_or(Value::Null);
    let prods = products(doc);
    let vulns = doc
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    for (vi, v) in vulns.iter().enumerate() {
        out.push(vuln(&tid, vi, v, &d, &t, &prods));
    }
    out
}

fn vuln(
    tid: &str,
    vi: usize,
    v: &Value,
    d: &Value,
    t: &Value,
    prods: &BTreeMap<String, Product>,
) -> Conv {
    let mut warnings = Vec::new();
    let vp = format!("vulnerabilities[{vi}]");
    let cve = s(v, "cve").and_then(normalize_cve);
    let other_ids: Vec<String> = v
        .get("ids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| s(i, "text"))
        .map(str::to_string)
        .collect();
    let suffix = cve
        .clone()
        .or_else(|| other_ids.iter().find(|i| plausible_id(i)).cloned())
        .unwrap_or_else(|| format!("v{vi}"));
    let id = format!("{tid}:{}", sanitize(&suffix));
    let mut ids: Vec<String> = cve.iter().cloned().collect();
    ids.extend(other_ids.iter().filter(|i| plausible_id(i)).cloned());
    let (aliases, related) = split_ids(&id, ids);
    // affected packages
    let mut pkgs: BTreeMap<(String, String), PkgAcc> = BTreeMap::new();
    let mut other_products = Vec::new();
    if let Some(ps) = v.get("product_status") {
        for status in PRODUCT_STATUS {
            for pid in ps
                .get(*status)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let prod = prods.get(pid);
                let pkg = prod.and_then(|p| p.package.as_ref());
                let usable = matches!(
                    *status,
                    "known_affected" | "first_affected" | "last_affected" | "fixed" | "first_fixed"
                );
                // A version-less product: its `vers:` range, if any.
                let range = match (pkg, prod.and_then(|p| p.range.as_deref())) {
                    (Some(pk), Some(text))
                        if pk.version.is_none() && usable && !status.contains("fixed") =>
                    {
                        match parse_vers(text) {
                            Ok((sc, set)) if Some(sc) == pk.scheme => Some(set),
                            _ => {
                                warnings.push(warn(
                                    "range_unparsed",
                                    &vp,
                                    format!("{pid}: version range {:?} not read", clip(text)),
                                ));
                                None
                            }
                        }
                    }
                    _ => None,
                };
                let contributes = match pkg {
                    Some(pk) => pk.version.is_some() || range.is_some(),
                    None => false,
                };
                match pkg {
                    Some(pk) if usable && contributes => {
                        let Package {
                            eco,
                            name,
                            version,
                            bare,
                            scheme,
                        } = pk;
                        let ver = version.clone();
                        let e = pkgs
                            .entry((eco.clone(), name.clone()))
                            .or_insert_with(|| PkgAcc {
                                purl: Some(bare.clone()),
                                versions: Vec::new(),
                                fixes: Vec::new(),
                                first: Vec::new(),
                                last: Vec::new(),
                                ranges: RangeSet::empty(),
                            });
                        match (*status, ver) {
                            ("fixed" | "first_fixed", Some(ver)) => {
                                match scheme.and_then(|sc| Version::parse(sc, &ver).ok()) {
                                    Some(pv) => push_parsed(&mut e.fixes, pv, ver),
                                    None => warnings.push(warn(
                                        "range_unparsed",
                                        &vp,
                                        format!("fixed version {ver:?} not in {eco} ordering"),
                                    )),
                                }
                            }
                            ("first_affected" | "last_affected", Some(ver)) => {
                                match scheme.and_then(|sc| Version::parse(sc, &ver).ok()) {
                                    Some(pv) if *status == "first_affected" => {
                                        push_parsed(&mut e.first, pv, ver)
                                    }
                                    Some(pv) => push_parsed(&mut e.last, pv, ver),
                                    None => {
                                        warnings.push(warn(
                                            "range_unparsed",
                                            &vp,
                                            format!(
                                                "{status} version {ver:?} not in {eco} ordering, kept as a single version"
                                            ),
                                        ));
                                        if !e.versions.contains(&ver) {
                                            e.versions.push(ver)
                                        }
                                    }
                                }
                            }
                            (_, Some(ver))
                                if !status.contains("fixed") && !e.versions.contains(&ver) =>
                            {
                                e.versions.push(ver)
                            }
                            (_, None) => {
                                if let Some(set) = &range {
                                    e.ranges = e.ranges.union(set);
                                }
                            }
                            _ => {}
                        }
                    }
                    _ => other_products.push(json!({
                        "product_id": pid,
                        "status": status,
                        "name": prod.map(|p| p.name.clone()),
                        "purl": prod.and_then(|p| p.purl.clone()),
                        "cpe": prod.and_then(|p| p.cpe.clone()),
                    })),
                }
            }
        }
    }
    let mut affected = Vec::new();
    for ((eco, name), acc) in pkgs {
        let PkgAcc {
            purl,
            versions,
            mut fixes,
            mut first,
            mut last,
            ranges: mut affected_set,
        } = acc;
        // One range per fix: several fixed products are alternatives. Keep
        // the smallest fix per package (all fixes are in database_specific):
        // a larger one would report the smaller, fixed, version affected.
        levee_versions::sort::sort_by(&mut fixes, |a, b| a.0.cmp(&b.0));
        levee_versions::sort::sort_by(&mut first, |a, b| a.0.cmp(&b.0));
        levee_versions::sort::sort_by(&mut last, |a, b| a.0.cmp(&b.0));
        if let (true, true, Some((_, smallest))) =
            (fixes.len() > 1, first.is_empty(), fixes.first())
        {
            warnings.push(warn(
                "csaf_several_fixes",
                &vp,
                format!(
                    "{name}: several fixed versions, the smallest ({smallest}) is used for the range"
                ),
            ));
        }
        affected_set = affected_set.union(&status_set(&first, &last, &fixes, &affected_set));
        let ranges = if affected_set.is_empty() {
            Vec::new()
        } else {
            let nr = set_to_ranges(&affected_set, false, &vp, "product_status");
            warnings.extend(nr.warnings);
            nr.ranges
        };
        let mut pkg = json!({"ecosystem": eco, "name": name});
        if let Some(p) = purl {
            set(&mut pkg, "purl", json!(p));
        }
        let mut a = json!({"package": pkg});
        if !ranges.is_empty() {
            set(&mut a, "ranges", Value::Array(ranges));
        }
        if !versions.is_empty() {
            set(&mut a, "versions", json!(versions));
        }
        affected.push(a);
    }
    let mut severity = Vec::new();
    for sc in v
        .get("scores")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for (k, ty) in [("cvss_v3", "CVSS_V3"), ("cvss_v2", "CVSS_V2")] {
            if let Some(vec) = sc.get(k).and_then(|c| s(c, "vectorString")) {
                let e = json!({"type": ty, "score": vec});
                if !severity.contains(&e) {
                    severity.push(e);
                }
            }
        }
    }
    let details: Vec<String> = v
        .get("notes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|n| {
            matches!(
                s(n, "category"),
                Some("description" | "summary" | "details" | "general")
            )
        })
        .filter_map(|n| s(n, "text"))
        .map(str::to_string)
        .collect();
    let mut urls: Vec<(String, &'static str)> = Vec::new();
    for r in v
        .get("references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(u) = s(r, "url") {
            urls.push((u.to_string(), "WEB"));
        }
    }
    for r in d
        .get("references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(u) = s(r, "url") {
            urls.push((
                u.to_string(),
                if s(r, "category") == Some("self") {
                    "ADVISORY"
                } else {
                    "WEB"
                },
            ));
        }
    }
    let mut ds = Map::new();
    ds.insert("feed".into(), json!("csaf"));
    ds.insert(
        "document".into(),
        json!({
            "category": d.get("category"),
            "title": d.get("title"),
            "publisher": d.get("publisher"),
            "tracking": {"id": t.get("id"), "version": t.get("version"), "status": t.get("status")},
            "lang": d.get("lang"),
        }),
    );
    put(
        &mut ds,
        "tlp",
        d.get("distribution")
            .and_then(|x| x.get("tlp"))
            .and_then(|x| x.get("label"))
            .cloned()
            .unwrap_or(Value::Null),
    );
    put(&mut ds, "products", Value::Array(other_products));
    put(&mut ds, "cwe", v.get("cwe").cloned().unwrap_or(Value::Null));
    ds.insert("native".into(), v.clone());
    let modified = s(t, "current_release_date")
        .and_then(normalize_date)
        .unwrap_or_else(|| EPOCH.to_string());
    let mut m = Map::new();
    m.insert("schema_version".into(), json!("1.6.0"));
    m.insert("id".into(), json!(id));
    m.insert("modified".into(), json!(modified));
    put(
        &mut m,
        "published",
        json!(s(v, "release_date")
            .or_else(|| s(t, "initial_release_date"))
            .and_then(normalize_date)),
    );
    put(&mut m, "aliases", json!(aliases));
    put(&mut m, "related", json!(related));
    put(
        &mut m,
        "summary",
        json!(s(v, "title").or_else(|| s(d, "title"))),
    );
    put(&mut m, "details", json!(details.join("\n\n")));
    put(&mut m, "severity", Value::Array(severity));
    put(&mut m, "affected", Value::Array(affected));
    put(&mut m, "references", Value::Array(refs(urls)));
    m.insert("database_specific".into(), Value::Object(ds));
    Ok(Converted {
        value: Value::Object(m),
        warnings,
    })
}
