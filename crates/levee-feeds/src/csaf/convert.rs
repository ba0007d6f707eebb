//! CSAF 2.0 document → one OSV record per vulnerability.
//!
//! The document is validated first ([`super::validate`], without a CWE
//! catalogue): schema findings reject it as `csaf_schema`, mandatory-test
//! findings as `csaf_mandatory_test` (the reason lists the failed tests).
//!
//! Products identified by a purl (directly, or through the component a
//! relationship points to) whose type maps to an OSV ecosystem become OSV
//! packages: `known_affected`/`first_affected`/`last_affected` products
//! with a purl version give affected `versions`, `fixed`/`first_fixed`
//! ones a range `introduced 0, fixed <version>`. Every other product
//! (CPE-only, names) is kept in `database_specific.products` with its
//! status. Ids: `<tracking id>:<CVE or first ids text or vN>`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use levee_versions::{PackageUrl, Version};

use crate::common::*;

use super::validate::{product_defs, validate, ValidateOptions, PRODUCT_STATUS};

struct Product {
    name: String,
    purl: Option<String>,
    cpe: Option<String>,
}

fn products(doc: &Value) -> BTreeMap<String, Product> {
    let mut out = BTreeMap::new();
    for (id, _, f) in product_defs(doc) {
        let h = f.get("product_identification_helper");
        out.insert(
            id,
            Product {
                name: s(&f, "name").unwrap_or_default().to_string(),
                purl: h.and_then(|h| s(h, "purl")).map(str::to_string),
                cpe: h.and_then(|h| s(h, "cpe")).map(str::to_string),
            },
        );
    }
    // A relationship product is identified by its component's purl.
    let rels: Vec<(String, String)> = doc
        .get("product_tree")
        .and_then(|pt| pt.get("relationships"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let id = r
                .get("full_product_name")
                .and_then(|f| s(f, "product_id"))?;
            Some((id.to_string(), s(r, "product_reference")?.to_string()))
        })
        .collect();
    for (id, comp) in rels {
        let purl = out.get(&comp).and_then(|p| p.purl.clone());
        if let Some(p) = out.get_mut(&id) {
            if p.purl.is_none() {
                p.purl = purl;
            }
        }
    }
    out
}

/// (purl without version, affected versions, ranges) of one package.
type PkgAcc = (Option<String>, Vec<String>, Vec<Value>);

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
        out.push(vuln(&tid, vi, v, &d, &t, &prods, doc));
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
    doc: &Value,
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
                let purl = prod
                    .and_then(|p| p.purl.as_deref())
                    .and_then(|p| PackageUrl::parse(p).ok());
                let pkg = purl.as_ref().and_then(|p| {
                    p.osv_package()
                        .map(|(e, n)| (e, n, p.version.clone(), p.clone()))
                });
                let usable = matches!(
                    *status,
                    "known_affected" | "first_affected" | "last_affected" | "fixed" | "first_fixed"
                );
                match pkg {
                    Some((eco, name, ver, purl)) if usable => {
                        let mut bare = purl.clone();
                        bare.version = None;
                        bare.qualifiers.clear();
                        bare.subpath = None;
                        let e = pkgs
                            .entry((eco.clone(), name))
                            .or_insert_with(|| (Some(bare.to_string()), Vec::new(), Vec::new()));
                        let scheme = levee_versions::Ecosystem::parse(&eco)
                            .ok()
                            .and_then(|x| x.scheme());
                        match (*status, ver) {
                            ("fixed" | "first_fixed", Some(ver)) => {
                                if scheme.is_some_and(|sc| Version::parse(sc, &ver).is_ok()) {
                                    e.2.push(json!({"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed": ver}]}));
                                } else {
                                    warnings.push(warn(
                                        "range_unparsed",
                                        &vp,
                                        format!("fixed version {ver:?} not in {eco} ordering"),
                                    ));
                                }
                            }
                            (_, Some(ver)) if !status.contains("fixed") && !e.1.contains(&ver) => {
                                e.1.push(ver)
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
    for ((eco, name), (purl, versions, mut ranges)) in pkgs {
        // One range per fix: several fixed products are alternatives. Keep
        // the smallest fix per package (all fixes are in database_specific).
        if ranges.len() > 1 {
            ranges.truncate(1);
            warnings.push(warn(
                "csaf_several_fixes",
                &vp,
                format!("{name}: several fixed versions, the first is used for the range"),
            ));
        }
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
    let _ = doc;
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
