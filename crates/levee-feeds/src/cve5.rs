//! CVE JSON 5 records (with CISA ADP enrichment) → OSV.
//!
//! * id = `cveMetadata.cveId`; `REJECTED` records become withdrawn records.
//! * CNA (and ADP) `affected[]`: when an OSV ecosystem can be inferred
//!   (`packageURL`, or `collectionURL` + `packageName` of a known registry)
//!   the entry becomes an OSV package with ranges built from `version`,
//!   `lessThan`/`lessThanOrEqual` (status `affected`) or an exact version;
//!   `git` versions with a `repo` become a GIT range. Everything else
//!   (vendor/product/CPEs, free-text versions) is kept in
//!   `database_specific.products`.
//! * ADP containers: SSVC decision points (via `levee_score::ssvc`), the
//!   KEV entry, CVSS (→ `severity`) and CWE ids (→ `database_specific.cwe_ids`).

use serde_json::{json, Map, Value};

use levee_versions::native::complement;
use levee_versions::{Bound, Ecosystem, Interval, PackageUrl, RangeSet, Version};

use crate::common::*;

/// Registry URL (`collectionURL`) → OSV ecosystem.
pub fn ecosystem_for_collection(url: &str) -> Option<&'static str> {
    let u = url.trim().trim_end_matches('/').to_ascii_lowercase();
    let host = u.split("://").nth(1).unwrap_or(&u);
    let host = host.split('/').next().unwrap_or(host);
    Some(match host {
        "repo.maven.apache.org"
        | "repo1.maven.org"
        | "search.maven.org"
        | "central.sonatype.com" => "Maven",
        "pypi.python.org" | "pypi.org" => "PyPI",
        "www.npmjs.com" | "registry.npmjs.org" | "npmjs.com" => "npm",
        "packagist.org" => "Packagist",
        "pkg.go.dev" | "proxy.golang.org" => "Go",
        "crates.io" => "crates.io",
        "rubygems.org" => "RubyGems",
        "www.nuget.org" | "nuget.org" | "api.nuget.org" => "NuGet",
        "hex.pm" => "Hex",
        "pub.dev" => "Pub",
        "hackage.haskell.org" => "Hackage",
        "cran.r-project.org" => "CRAN",
        _ => return None,
    })
}

pub(crate) fn convert(_path: Option<&str>, d: &Value) -> Vec<Conv> {
    vec![one(d).map(|c| with_native(c, d.clone()))]
}

/// As [`convert`], moving the record into `database_specific.native`
/// instead of copying it.
pub(crate) fn convert_owned(d: Value) -> Conv {
    one(&d).map(|c| with_native(c, d))
}

fn with_native(mut c: Converted, native: Value) -> Converted {
    if let Some(ds) = c
        .value
        .get_mut("database_specific")
        .and_then(Value::as_object_mut)
    {
        ds.insert("native".into(), native);
    }
    c
}

fn texts(list: Option<&Value>) -> Option<String> {
    let arr = list?.as_array()?;
    let pick = arr
        .iter()
        .find(|x| s(x, "lang").is_some_and(|l| l.to_ascii_lowercase().starts_with("en")))
        .or_else(|| arr.first())?;
    s(pick, "value").map(str::to_string)
}

fn cvss_from_metrics(metrics: Option<&Value>, out: &mut Vec<Value>) {
    let Some(arr) = metrics.and_then(Value::as_array) else {
        return;
    };
    for m in arr {
        for (k, ty) in [
            ("cvssV4_0", "CVSS_V4"),
            ("cvssV3_1", "CVSS_V3"),
            ("cvssV3_0", "CVSS_V3"),
            ("cvssV2_0", "CVSS_V2"),
        ] {
            if let Some(vec) = m.get(k).and_then(|c| s(c, "vectorString")) {
                let e = json!({"type": ty, "score": vec});
                if !out.contains(&e) {
                    out.push(e);
                }
            }
        }
    }
}

fn cwes(c: &Value, out: &mut Vec<String>) {
    let Some(pts) = c.get("problemTypes").and_then(Value::as_array) else {
        return;
    };
    for pt in pts {
        for d in pt
            .get("descriptions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            // `cweId` is optional; without it a description starting
            // with `CWE-<n>` names the weakness.
            let id = s(d, "cweId").map(str::to_string).or_else(|| {
                let t = s(d, "description")?.trim_start();
                let n: String = t
                    .strip_prefix("CWE-")?
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                (!n.is_empty()).then(|| format!("CWE-{n}"))
            });
            if let Some(id) = id {
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        }
    }
}

fn one(d: &Value) -> Conv {
    if !d.is_object() {
        return Err(Fail::new(
            FeedClass::NotAnObject,
            None,
            "CVE record is not an object",
        ));
    }
    let meta = d
        .get("cveMetadata")
        .ok_or_else(|| Fail::missing("cveMetadata", "no `cveMetadata`"))?;
    let raw_id =
        s(meta, "cveId").ok_or_else(|| Fail::missing("cveMetadata.cveId", "no `cveId`"))?;
    let id = normalize_cve(raw_id).ok_or_else(|| {
        Fail::new(
            FeedClass::NoId,
            Some("cveMetadata.cveId"),
            format!("{:?} is not a CVE id", clip(raw_id)),
        )
    })?;
    let mut warnings = Vec::new();
    let modified = s(meta, "dateUpdated")
        .and_then(normalize_date)
        .or_else(|| s(meta, "datePublished").and_then(normalize_date))
        .unwrap_or_else(|| {
            warnings.push(warn(
                "modified_unknown",
                "cveMetadata",
                "no usable date: modified set to the epoch",
            ));
            EPOCH.to_string()
        });
    let published = s(meta, "datePublished").and_then(normalize_date);
    let rejected = s(meta, "state") == Some("REJECTED");
    let containers = d.get("containers");
    let cna = containers.and_then(|c| c.get("cna"));
    let empty = Vec::new();
    let adps = containers
        .and_then(|c| c.get("adp"))
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let mut severity = Vec::new();
    let mut cwe_ids = Vec::new();
    let mut urls: Vec<(String, &'static str)> = Vec::new();
    let mut affected = Vec::new();
    let mut products = Vec::new();
    let mut kev = Vec::new();
    let mut adp_names = Vec::new();
    if let Some(c) = cna {
        cvss_from_metrics(c.get("metrics"), &mut severity);
        cwes(c, &mut cwe_ids);
        for r in c
            .get("references")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(u) = s(r, "url") {
                urls.push((u.to_string(), ref_type(r)));
            }
        }
        for (i, a) in c
            .get("affected")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            affected_entry(
                a,
                &format!("containers.cna.affected[{i}]"),
                "cna",
                &mut affected,
                &mut products,
                &mut warnings,
            );
        }
    }
    for (ai, adp) in adps.iter().enumerate() {
        let name = adp
            .get("providerMetadata")
            .and_then(|p| s(p, "shortName"))
            .unwrap_or("adp")
            .to_string();
        adp_names.push(name.clone());
        cvss_from_metrics(adp.get("metrics"), &mut severity);
        cwes(adp, &mut cwe_ids);
        for r in adp
            .get("references")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(u) = s(r, "url") {
                urls.push((u.to_string(), ref_type(r)));
            }
        }
        for m in adp
            .get("metrics")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(o) = m.get("other").filter(|o| s(o, "type") == Some("kev")) {
                let content = o.get("content").cloned().unwrap_or(Value::Null);
                if let Some(u) = s(&content, "reference") {
                    urls.push((u.to_string(), "ADVISORY"));
                }
                kev.push(json!({"source": name, "content": content}));
            }
        }
        for (i, a) in adp
            .get("affected")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            affected_entry(
                a,
                &format!("containers.adp[{ai}].affected[{i}]"),
                &format!("adp:{name}"),
                &mut affected,
                &mut products,
                &mut warnings,
            );
        }
    }
    let mut ssvc = Vec::new();
    for r in levee_score::ssvc::from_cve_value(d) {
        match r {
            Ok(a) => ssvc.push(serde_json::to_value(&a).unwrap_or(Value::Null)),
            Err(e) => warnings.push(warn("ssvc_invalid", "containers.adp", e.to_string())),
        }
    }
    let mut ds = Map::new();
    ds.insert("feed".into(), json!("cve-json5"));
    put(&mut ds, "state", json!(s(meta, "state")));
    put(&mut ds, "assigner", json!(s(meta, "assignerShortName")));
    put(&mut ds, "adp", json!(adp_names));
    put(&mut ds, "ssvc", Value::Array(ssvc));
    put(&mut ds, "kev", Value::Array(kev));
    put(&mut ds, "cwe_ids", json!(cwe_ids));
    put(&mut ds, "products", Value::Array(products));
    let mut m = Map::new();
    m.insert("schema_version".into(), json!("1.6.0"));
    m.insert("id".into(), json!(id));
    m.insert("modified".into(), json!(modified));
    put(&mut m, "published", json!(published));
    if rejected {
        let w = s(meta, "dateRejected")
            .and_then(normalize_date)
            .unwrap_or_else(|| modified.clone());
        m.insert("withdrawn".into(), json!(w));
        put(
            &mut m,
            "details",
            json!(d
                .get("containers")
                .and_then(|c| c.get("cna"))
                .and_then(|c| texts(c.get("rejectedReasons")))),
        );
    } else {
        put(&mut m, "summary", json!(cna.and_then(|c| s(c, "title"))));
        put(
            &mut m,
            "details",
            json!(cna.and_then(|c| texts(c.get("descriptions")))),
        );
    }
    put(&mut m, "severity", Value::Array(severity));
    put(&mut m, "affected", Value::Array(affected));
    put(&mut m, "references", Value::Array(refs(urls)));
    m.insert("database_specific".into(), Value::Object(ds));
    Ok(Converted {
        value: Value::Object(m),
        warnings,
    })
}

fn ref_type(r: &Value) -> &'static str {
    let tags = str_list(r, "tags");
    if tags.iter().any(|t| t == "patch") {
        "FIX"
    } else if tags
        .iter()
        .any(|t| t == "vendor-advisory" || t == "third-party-advisory")
    {
        "ADVISORY"
    } else if tags.iter().any(|t| t == "exploit") {
        "EVIDENCE"
    } else if tags.iter().any(|t| t == "issue-tracking") {
        "REPORT"
    } else {
        "WEB"
    }
}

/// (ecosystem, name, purl) of a CVE `affected` entry, if inferable.
fn infer_package(a: &Value) -> Option<(String, String, Option<String>)> {
    if let Some(p) = s(a, "packageURL") {
        if let Ok(purl) = PackageUrl::parse(p) {
            if let Some(eco) = purl.ecosystem() {
                let name = match &purl.namespace {
                    Some(ns) if eco.to_string() == "Maven" => format!("{ns}:{}", purl.name),
                    Some(ns) => format!("{ns}/{}", purl.name),
                    None => purl.name.clone(),
                };
                return Some((eco.to_string(), name, Some(p.to_string())));
            }
        }
    }
    let eco = ecosystem_for_collection(s(a, "collectionURL")?)?;
    let name = s(a, "packageName")
        .filter(|n| !n.trim().is_empty())?
        .trim()
        .to_string();
    Some((eco.to_string(), name, None))
}

fn is_any(v: &str) -> bool {
    matches!(v.trim(), "0" | "*" | "" | "n/a" | "-")
}

fn affected_entry(
    a: &Value,
    path: &str,
    source: &str,
    affected: &mut Vec<Value>,
    products: &mut Vec<Value>,
    warnings: &mut Vec<levee_formats::Warning>,
) {
    let versions = a
        .get("versions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut product = Map::new();
    product.insert("source".into(), json!(source));
    for k in [
        "vendor",
        "product",
        "packageName",
        "collectionURL",
        "cpes",
        "defaultStatus",
        "repo",
        "platforms",
        "modules",
    ] {
        put(&mut product, k, a.get(k).cloned().unwrap_or(Value::Null));
    }
    put(&mut product, "versions", Value::Array(versions.clone()));
    let inferred = infer_package(a);
    let Some((eco, name, purl)) = inferred else {
        // Git ranges need no ecosystem, only a repository.
        if let Some(repo) = s(a, "repo") {
            let mut events = Vec::new();
            for v in &versions {
                if s(v, "versionType") == Some("git") && s(v, "status") == Some("affected") {
                    if let (Some(from), Some(to)) = (s(v, "version"), s(v, "lessThan")) {
                        events.push(json!({"introduced": if is_any(from) { "0" } else { from }}));
                        events.push(json!({"fixed": to}));
                    }
                }
            }
            if !events.is_empty()
                && events.iter().all(|e| {
                    e.as_object()
                        .and_then(|o| o.values().next())
                        .and_then(Value::as_str)
                        .is_some_and(|x| !x.contains(char::is_whitespace))
                })
            {
                affected.push(json!({"ranges": [{"type": "GIT", "repo": repo, "events": events}], "database_specific": {"source": source, "vendor": s(a, "vendor"), "product": s(a, "product")}}));
            }
        }
        products.push(Value::Object(product));
        return;
    };
    let scheme = Ecosystem::parse(&eco).ok().and_then(|e| e.scheme());
    let strip_v = eco == "Go";
    // docs/versions.md: the first entry matching a version decides its
    // status (with the entry's `changes` applied); versions no entry
    // matches take `defaultStatus` (default `unknown`). Affected = what
    // entries decide `affected`, plus everything undecided when the
    // default is `affected`.
    let mut affected_set = RangeSet::empty();
    let mut claimed = RangeSet::empty();
    let mut exact: Vec<Value> = Vec::new();
    let mut unread = Vec::new();
    let norm = |v: &str| -> String {
        let v = v.trim();
        if strip_v {
            v.strip_prefix('v').unwrap_or(v).to_string()
        } else {
            v.to_string()
        }
    };
    let parse = |v: &str| scheme.and_then(|sc| Version::parse(sc, &norm(v)).ok());
    for v in &versions {
        let status = s(v, "status").unwrap_or("unknown");
        if s(v, "versionType") == Some("git") {
            // Commits are not versions of the package (GIT ranges are
            // built only for repositories without a package).
            continue;
        }
        let from = s(v, "version").unwrap_or("0").trim();
        let lt = s(v, "lessThan").map(str::trim);
        let le = s(v, "lessThanOrEqual").map(str::trim);
        let shown = match (lt, le) {
            (Some(e), _) => format!("{from}..<{e}"),
            (None, Some(e)) => format!("{from}..<={e}"),
            (None, None) => from.to_string(),
        };
        let lower = if is_any(from) {
            Some(Bound::Unbounded)
        } else {
            parse(from).map(Bound::Inclusive)
        };
        let upper = match (lt, le) {
            (Some("*"), _) | (None, Some("*")) => Some(Bound::Unbounded),
            (Some(e), _) => parse(e).map(Bound::Exclusive),
            (None, Some(e)) => parse(e).map(Bound::Inclusive),
            (None, None) => match &lower {
                Some(Bound::Inclusive(x)) => Some(Bound::Inclusive(x.clone())),
                _ => None,
            },
        };
        let (Some(lower), Some(upper)) = (lower, upper) else {
            if lt.is_none() && le.is_none() && !is_any(from) {
                // A single version outside the ordering: matched as text.
                if status == "affected" && !exact.contains(&json!(norm(from))) {
                    exact.push(json!(norm(from)));
                }
            } else if status == "affected" || v.get("changes").is_some() {
                unread.push(shown);
            }
            continue;
        };
        let range = RangeSet::from_intervals(vec![Interval { lower, upper }]);
        // Status changes: sorted by `at`, each applies from `at` upwards.
        let mut changes = Vec::new();
        let mut readable = true;
        for c in v
            .get("changes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match (s(c, "at").and_then(parse), s(c, "status")) {
                (Some(at), Some(st)) => changes.push((at, st)),
                _ => readable = false,
            }
        }
        if !readable {
            unread.push(format!("{shown} (changes)"));
            continue;
        }
        levee_versions::sort::sort_by(&mut changes, |a, b| a.0.cmp(&b.0));
        let mut segments = Vec::new();
        let mut seg_lower = Bound::Unbounded;
        let mut seg_status = status;
        for (at, st) in changes {
            segments.push((
                Interval {
                    lower: seg_lower,
                    upper: Bound::Exclusive(at.clone()),
                },
                seg_status,
            ));
            seg_lower = Bound::Inclusive(at);
            seg_status = st;
        }
        segments.push((
            Interval {
                lower: seg_lower,
                upper: Bound::Unbounded,
            },
            seg_status,
        ));
        let fresh = range.intersect(&complement(&claimed));
        for (seg, st) in segments {
            if st == "affected" {
                let part = fresh.intersect(&RangeSet::from_intervals(vec![seg]));
                affected_set = affected_set.union(&part);
            }
        }
        claimed = claimed.union(&range);
    }
    if s(a, "defaultStatus") == Some("affected") {
        if scheme.is_some() {
            affected_set = affected_set.union(&complement(&claimed));
        } else {
            unread.push("defaultStatus affected".to_string());
        }
    }
    // Single versions stay in `versions`; the rest become ranges.
    let mut intervals = Vec::new();
    for iv in affected_set.intervals() {
        match (&iv.lower, &iv.upper) {
            (Bound::Inclusive(x), Bound::Inclusive(y)) if x == y => {
                let e = json!(norm(x.as_str()));
                if !exact.contains(&e) {
                    exact.push(e);
                }
            }
            _ => intervals.push(iv.clone()),
        }
    }
    let ranges = if intervals.is_empty() {
        Vec::new()
    } else {
        let nr = set_to_ranges(
            &RangeSet::from_intervals(intervals),
            strip_v,
            path,
            "versions",
        );
        warnings.extend(nr.warnings);
        nr.ranges
    };
    if !unread.is_empty() {
        warnings.push(warn(
            "range_unparsed",
            path,
            format!(
                "versions not readable in {eco} ordering, kept in database_specific: {}",
                unread.join(", ")
            ),
        ));
    }
    let mut pkg = json!({"ecosystem": eco, "name": name});
    if let Some(p) = purl {
        set(&mut pkg, "purl", json!(p));
    }
    let mut entry = json!({"package": pkg, "database_specific": Value::Object(product)});
    if !ranges.is_empty() {
        set(&mut entry, "ranges", Value::Array(ranges));
    }
    if !exact.is_empty() {
        set(&mut entry, "versions", Value::Array(exact));
    }
    affected.push(entry);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_urls() {
        assert_eq!(
            ecosystem_for_collection("https://repo.maven.apache.org/maven2"),
            Some("Maven")
        );
        assert_eq!(
            ecosystem_for_collection("https://pypi.python.org"),
            Some("PyPI")
        );
        assert_eq!(
            ecosystem_for_collection("https://wordpress.org/plugins"),
            None
        );
    }

    #[test]
    fn converts_cna_and_adp() {
        let d = json!({"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-2021-44228","state":"PUBLISHED","dateUpdated":"2024-08-04T00:00:00.000Z","datePublished":"2021-12-10T00:00:00"},
          "containers":{"cna":{"title":"Log4Shell","descriptions":[{"lang":"en","value":"JNDI"}],
            "affected":[{"vendor":"Apache","product":"Log4j2","collectionURL":"https://repo.maven.apache.org/maven2","packageName":"org.apache.logging.log4j:log4j-core",
               "versions":[{"status":"affected","version":"2.0-beta9","lessThan":"2.3.1","versionType":"maven"},{"status":"affected","version":"2.4","lessThan":"2.12.2","versionType":"maven"}]},
              {"vendor":"x","product":"y","cpes":["cpe:2.3:a:x:y:*:*:*:*:*:*:*:*"],"versions":[{"status":"affected","version":"n/a"}]}]},
          "adp":[{"providerMetadata":{"shortName":"CISA-ADP"},"metrics":[{"cvssV3_1":{"vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}},
             {"other":{"type":"ssvc","content":{"id":"CVE-2021-44228","role":"CISA Coordinator","version":"2.0.3","options":[{"Exploitation":"active"},{"Automatable":"yes"},{"Technical Impact":"total"}]}}},
             {"other":{"type":"kev","content":{"dateAdded":"2021-12-10","reference":"https://www.cisa.gov/kev"}}}],
             "problemTypes":[{"descriptions":[{"type":"CWE","cweId":"CWE-502","lang":"en","description":"x"}]}]}]}});
        let v = convert(None, &d).pop().unwrap().unwrap().value;
        assert_eq!(v["database_specific"]["native"], d);
        assert_eq!(v["id"], "CVE-2021-44228");
        assert_eq!(v["affected"][0]["package"]["ecosystem"], "Maven");
        assert_eq!(v["affected"][0]["ranges"][0]["events"][1]["fixed"], "2.3.1");
        assert_eq!(v["database_specific"]["ssvc"][0]["exploitation"], "active");
        assert_eq!(
            v["database_specific"]["kev"][0]["content"]["dateAdded"],
            "2021-12-10"
        );
        assert_eq!(v["database_specific"]["cwe_ids"], json!(["CWE-502"]));
        assert_eq!(v["severity"][0]["type"], "CVSS_V3");
        assert_eq!(
            v["database_specific"]["products"][0]["cpes"][0],
            "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*"
        );
    }

    /// Events of the first affected package of a record with one npm
    /// `affected` entry built from `versions` and `default_status`.
    fn npm_events(versions: Value, default_status: Option<&str>) -> (Value, Value) {
        let mut a = json!({"collectionURL": "https://registry.npmjs.org", "packageName": "p", "versions": versions});
        if let Some(d) = default_status {
            a["defaultStatus"] = json!(d);
        }
        let d = json!({"cveMetadata":{"cveId":"CVE-2024-0001","state":"PUBLISHED","dateUpdated":"2024-01-01T00:00:00Z"},
            "containers":{"cna":{"affected":[a]}}});
        let v = one(&d).unwrap().value;
        let a = &v["affected"][0];
        (
            a["ranges"]
                .as_array()
                .map(|r| {
                    Value::Array(
                        r.iter()
                            .flat_map(|r| r["events"].as_array().cloned().unwrap_or_default())
                            .collect(),
                    )
                })
                .unwrap_or(Value::Null),
            a["versions"].clone(),
        )
    }

    #[test]
    fn default_status_affected_makes_the_rest_affected() {
        // docs/versions.md: "2.5.2 and later are unaffected and everything
        // else affected".
        let (ev, _) = npm_events(
            json!([{"version":"2.5.2","versionType":"semver","lessThan":"*","status":"unaffected"}]),
            Some("affected"),
        );
        assert_eq!(ev, json!([{"introduced":"0"},{"fixed":"2.5.2"}]));
        // No versions at all: every version is affected.
        let (ev, _) = npm_events(json!([]), Some("affected"));
        assert_eq!(ev, json!([{"introduced":"0"}]));
        // The default does not reach versions an entry already decided.
        let (ev, _) = npm_events(
            json!([{"version":"0","versionType":"semver","lessThan":"1.0.0","status":"unaffected"},
                   {"version":"1.2.0","versionType":"semver","lessThan":"*","status":"unaffected"}]),
            Some("affected"),
        );
        assert_eq!(ev, json!([{"introduced":"1.0.0"},{"fixed":"1.2.0"}]));
    }

    #[test]
    fn status_changes_split_the_range() {
        // docs/versions.md, "Version Status Changes".
        let (ev, _) = npm_events(
            json!([{"version":"2.0.0","versionType":"semver","lessThan":"3.0.0","status":"affected",
                    "changes":[{"at":"2.5.2","status":"unaffected"},{"at":"2.6.0","status":"affected"},{"at":"2.6.3","status":"unaffected"}]}]),
            Some("unaffected"),
        );
        assert_eq!(
            ev,
            json!([{"introduced":"2.0.0"},{"fixed":"2.5.2"},{"introduced":"2.6.0"},{"fixed":"2.6.3"}])
        );
        // Changes out of order are sorted; an open range fixed by a change.
        let (ev, _) = npm_events(
            json!([{"version":"1.0.0","versionType":"semver","lessThan":"*","status":"affected",
                    "changes":[{"at":"1.4.0","status":"unaffected"}]}]),
            None,
        );
        assert_eq!(ev, json!([{"introduced":"1.0.0"},{"fixed":"1.4.0"}]));
    }

    #[test]
    fn first_matching_entry_decides() {
        // An unaffected range listed first wins over a later affected one.
        let (ev, _) = npm_events(
            json!([{"version":"1.5.0","versionType":"semver","lessThan":"2.0.0","status":"unaffected"},
                   {"version":"1.0.0","versionType":"semver","lessThan":"3.0.0","status":"affected"}]),
            None,
        );
        assert_eq!(
            ev,
            json!([{"introduced":"1.0.0"},{"fixed":"1.5.0"},{"introduced":"2.0.0"},{"fixed":"3.0.0"}])
        );
    }

    #[test]
    fn overlapping_affected_entries_are_united() {
        // One OSV range with overlapping intervals would close at the inner
        // fix (1.6.0) and drop 1.6.0..<2.0.0.
        let (ev, _) = npm_events(
            json!([{"version":"0","versionType":"semver","lessThan":"2.0.0","status":"affected"},
                   {"version":"1.5.0","versionType":"semver","lessThan":"1.6.0","status":"affected"}]),
            None,
        );
        assert_eq!(ev, json!([{"introduced":"0"},{"fixed":"2.0.0"}]));
        // Exact versions stay in `versions`.
        let (ev, vs) = npm_events(
            json!([{"version":"1.0.0","status":"affected"},{"version":"1.1.0","status":"unaffected"}]),
            Some("unaffected"),
        );
        assert_eq!((ev, vs), (Value::Null, json!(["1.0.0"])));
    }

    #[test]
    fn cwe_named_only_in_the_description() {
        // `cweId` is optional: many CNAs write only "CWE-295 <name>".
        let d = json!({"cveMetadata":{"cveId":"CVE-2024-8096","state":"PUBLISHED","dateUpdated":"2024-01-01T00:00:00Z"},
            "containers":{"cna":{"problemTypes":[{"descriptions":[
                {"lang":"en","description":"CWE-295 Improper Certificate Validation"},
                {"lang":"en","type":"text","description":"Denial of service"},
                {"lang":"en","type":"CWE","cweId":"CWE-79","description":"CWE-79 XSS"}]}]}}});
        let v = one(&d).unwrap().value;
        assert_eq!(
            v["database_specific"]["cwe_ids"],
            json!(["CWE-295", "CWE-79"])
        );
    }

    #[test]
    fn rejected_is_withdrawn() {
        let d = json!({"cveMetadata":{"cveId":"CVE-2020-0001","state":"REJECTED","dateUpdated":"2023-01-01T00:00:00Z"},"containers":{"cna":{"rejectedReasons":[{"lang":"en","value":"dup"}]}}});
        let v = one(&d).unwrap().value;
        assert_eq!(v["withdrawn"], "2023-01-01T00:00:00Z");
        assert_eq!(v["details"], "dup");
    }
}
