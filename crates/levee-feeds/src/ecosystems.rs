//! RubySec, FriendsOfPHP, Node.js security-wg and Hex advisories → OSV.
//!
//! Ids (stable, one per source file and package):
//! * RubySec: `RUBYSEC-<gem or engine>-<file stem>`;
//! * FriendsOfPHP: `FRIENDSOFPHP-<vendor>:<package>-<file stem>`;
//! * Node.js: `NSWG-ECO-<id>` (npm), `NSWG-COR-<n>` (core), `NSWG-DEP-<n>` (deps);
//! * Hex: `HEX-<package>-<GHSA id>`.
//!
//! Version constraints go through the versions crate's native parsers
//! (Node.js npm: `vulnerable_versions` minus `patched_versions`);
//! a constraint that does not parse leaves the package without ranges,
//! with a `range_unparsed` warning and the text in `database_specific`.

use serde_json::{json, Map, Value};

use levee_versions::native::{
    complement, op_set, parse_comparators, parse_composer, parse_node_semver, parse_rubygems, Op,
};
use levee_versions::{RangeSet, VersionScheme};

use crate::common::*;

fn stem(path: Option<&str>) -> Option<String> {
    let name = path?.rsplit('/').next()?;
    let st = name.rsplit_once('.').map(|(a, _)| a).unwrap_or(name);
    (!st.is_empty() && !st.chars().any(|c| c.is_whitespace() || c.is_control()))
        .then(|| st.to_string())
}

struct Parts {
    id: String,
    modified: Option<String>,
    published: Option<String>,
    ids: Vec<String>,
    links: Vec<String>,
    summary: Option<String>,
    details: Option<String>,
    severity: Vec<Value>,
    affected: Vec<Value>,
    urls: Vec<String>,
    feed: &'static str,
    extra: Map<String, Value>,
}

fn assemble(
    p: Parts,
    path: Option<&str>,
    native: &Value,
    mut warnings: Vec<levee_formats::Warning>,
) -> Conv {
    let (aliases, mut related) = split_ids(&p.id, p.ids);
    for l in p.links {
        if let Some(c) = normalize_cve(&l).or_else(|| plausible_id(&l).then(|| l.clone())) {
            if !related.contains(&c) && !aliases.contains(&c) && c != p.id {
                related.push(c);
            }
        }
    }
    let modified = p.modified.clone().unwrap_or_else(|| {
        warnings.push(warn(
            "modified_unknown",
            "",
            "no usable date: modified set to the epoch",
        ));
        EPOCH.to_string()
    });
    let mut ds = p.extra;
    ds.insert("feed".into(), json!(p.feed));
    put(&mut ds, "path", json!(path));
    ds.insert("native".into(), native.clone());
    let mut m = Map::new();
    m.insert("schema_version".into(), json!("1.6.0"));
    m.insert("id".into(), json!(p.id));
    m.insert("modified".into(), json!(modified));
    put(&mut m, "published", json!(p.published));
    put(&mut m, "aliases", json!(aliases));
    put(&mut m, "related", json!(related));
    put(&mut m, "summary", json!(p.summary));
    put(&mut m, "details", json!(p.details));
    put(&mut m, "severity", Value::Array(p.severity));
    put(&mut m, "affected", Value::Array(p.affected));
    put(
        &mut m,
        "references",
        Value::Array(refs(p.urls.into_iter().map(|u| (u, "WEB")))),
    );
    m.insert("database_specific".into(), Value::Object(ds));
    Ok(Converted {
        value: Value::Object(m),
        warnings,
    })
}

fn package_entry(eco: &str, name: &str, nr: NativeRanges, extra: Map<String, Value>) -> Value {
    let mut a = Map::new();
    a.insert("package".into(), json!({"ecosystem": eco, "name": name}));
    a.insert("ranges".into(), Value::Array(nr.ranges));
    let mut ds = extra;
    if !nr.parsed {
        ds.insert("range_parsed".into(), Value::Bool(false));
    }
    put(&mut a, "database_specific", Value::Object(ds));
    Value::Object(a)
}

fn union_all(
    items: &[String],
    f: impl Fn(&str) -> Result<RangeSet, levee_versions::RangeError>,
) -> Result<RangeSet, String> {
    let mut set = RangeSet::empty();
    for i in items {
        set = set.union(&f(i).map_err(|e| format!("{i:?}: {}", e.reason))?);
    }
    Ok(set)
}

// ---------------------------------------------------------------- RubySec

pub(crate) fn rubysec(path: Option<&str>, d: &Value) -> Vec<Conv> {
    vec![rubysec_one(path, d)]
}

fn rubysec_one(path: Option<&str>, d: &Value) -> Conv {
    if !d.is_object() {
        return Err(Fail::new(
            FeedClass::NotAnObject,
            None,
            "RubySec record is not an object",
        ));
    }
    let (gem, is_gem) = match (s(d, "gem"), s(d, "engine")) {
        (Some(g), _) => (g, true),
        (None, Some(e)) => (e, false),
        _ => return Err(Fail::missing("gem", "neither `gem` nor `engine`")),
    };
    let mut ids = Vec::new();
    if let Some(c) = d.get("cve").and_then(scalar) {
        ids.push(format!("CVE-{c}"));
    }
    if let Some(g) = d.get("ghsa").and_then(scalar) {
        ids.push(format!("GHSA-{g}"));
    }
    if let Some(o) = d.get("osvdb").and_then(scalar) {
        ids.push(format!("OSVDB-{o}"));
    }
    let st = stem(path)
        .or_else(|| ids.first().cloned())
        .ok_or_else(|| Fail::new(FeedClass::NoId, None, "no file name and no cve/ghsa/osvdb"))?;
    let id = format!("RUBYSEC-{gem}-{st}");
    let mut warnings = Vec::new();
    let patched = str_list(d, "patched_versions");
    let unaffected = str_list(d, "unaffected_versions");
    let mut all = patched.clone();
    all.extend(unaffected.iter().cloned());
    let nr = match union_all(&all, parse_rubygems) {
        Ok(ok) => set_to_ranges(
            &complement(&ok),
            false,
            "patched_versions",
            &all.join(" | "),
        ),
        Err(e) => NativeRanges {
            warnings: vec![warn(
                "range_unparsed",
                "patched_versions",
                format!("requirement {e} not parsed: kept in database_specific"),
            )],
            ..NativeRanges::default()
        },
    };
    let mut extra = Map::new();
    put(&mut extra, "patched_versions", json!(patched));
    put(&mut extra, "unaffected_versions", json!(unaffected));
    warnings.extend(nr.warnings.iter().cloned());
    let mut top = Map::new();
    let mut affected = Vec::new();
    if is_gem {
        affected.push(package_entry("RubyGems", gem, nr, extra));
    } else {
        // The Ruby interpreters have no OSV ecosystem: keep the computed
        // ranges in database_specific.
        warnings.push(warn(
            "no_ecosystem",
            "engine",
            format!("Ruby engine {gem:?} has no OSV ecosystem"),
        ));
        top.insert(
            "engine".into(),
            json!({"name": gem, "ranges": nr.ranges, "constraints": extra}),
        );
    }
    for k in ["cvss_v2", "cvss_v3", "cvss_v4"] {
        put(&mut top, k, d.get(k).cloned().unwrap_or(Value::Null));
    }
    let mut links = Vec::new();
    if let Some(rel) = d.get("related") {
        for k in ["cve", "ghsa"] {
            for x in str_list(rel, k) {
                links.push(if k == "cve" && !x.starts_with("CVE") {
                    format!("CVE-{x}")
                } else if k == "ghsa" && !x.starts_with("GHSA") {
                    format!("GHSA-{x}")
                } else {
                    x
                });
            }
        }
    }
    let mut urls: Vec<String> = s(d, "url").map(|u| vec![u.to_string()]).unwrap_or_default();
    if let Some(rel) = d.get("related") {
        urls.extend(str_list(rel, "url"));
    }
    let date = s(d, "date").and_then(normalize_date);
    assemble(
        Parts {
            id,
            modified: date.clone(),
            published: date,
            ids,
            links,
            summary: s(d, "title").map(str::to_string),
            details: s(d, "description").map(str::to_string),
            severity: Vec::new(),
            affected,
            urls,
            feed: "rubysec",
            extra: top,
        },
        path,
        d,
        warnings,
    )
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

// ---------------------------------------------------------------- FriendsOfPHP

pub(crate) fn friendsofphp(path: Option<&str>, d: &Value) -> Vec<Conv> {
    vec![fop_one(path, d)]
}

fn fop_one(path: Option<&str>, d: &Value) -> Conv {
    if !d.is_object() {
        return Err(Fail::new(
            FeedClass::NotAnObject,
            None,
            "FriendsOfPHP record is not an object",
        ));
    }
    let reference =
        s(d, "reference").ok_or_else(|| Fail::missing("reference", "no `reference`"))?;
    let name = reference
        .strip_prefix("composer://")
        .filter(|n| n.contains('/') && !n.ends_with('/'))
        .ok_or_else(|| {
            Fail::new(
                FeedClass::UnknownEcosystem,
                Some("reference"),
                format!(
                    "reference {:?} is not composer://vendor/package",
                    clip(reference)
                ),
            )
        })?;
    let st = stem(path)
        .or_else(|| s(d, "cve").map(str::to_string))
        .ok_or_else(|| Fail::new(FeedClass::NoId, None, "no file name and no cve"))?;
    let id = format!("FRIENDSOFPHP-{}-{st}", name.replace('/', ":"));
    let mut warnings = Vec::new();
    let mut alts = Vec::new();
    let mut times: Vec<String> = Vec::new();
    let mut bad = None;
    let mut set = RangeSet::empty();
    if let Some(Value::Object(branches)) = d.get("branches") {
        for (bname, b) in branches {
            let vs = str_list(b, "versions");
            if let Some(t) = s(b, "time").and_then(normalize_date) {
                times.push(t);
            }
            let joined = vs.join(",");
            alts.push(joined.clone());
            if vs.is_empty() {
                continue;
            }
            match parse_composer(&joined) {
                Ok(x) => set = set.union(&x),
                Err(e) => bad = Some(format!("branch {bname:?}: {joined:?}: {}", e.reason)),
            }
        }
    } else {
        return Err(Fail::missing("branches", "no `branches` map").with_id(&id));
    }
    let native = alts.join(" || ");
    let nr = match bad {
        None => set_to_ranges(&set, false, "branches", &native),
        Some(e) => NativeRanges {
            warnings: vec![warn(
                "range_unparsed",
                "branches",
                format!("{e}: kept in database_specific"),
            )],
            ..NativeRanges::default()
        },
    };
    warnings.extend(nr.warnings.iter().cloned());
    times.sort();
    let mut extra = Map::new();
    extra.insert(
        "branches".into(),
        d.get("branches").cloned().unwrap_or(Value::Null),
    );
    let affected = vec![package_entry("Packagist", name, nr, extra)];
    let ids = s(d, "cve").map(|c| vec![c.to_string()]).unwrap_or_default();
    let mut top = Map::new();
    put(
        &mut top,
        "composer_repository",
        d.get("composer-repository").cloned().unwrap_or(Value::Null),
    );
    assemble(
        Parts {
            id,
            modified: times.last().cloned(),
            published: times.first().cloned(),
            ids,
            links: Vec::new(),
            summary: s(d, "title").map(str::to_string),
            details: None,
            severity: Vec::new(),
            affected,
            urls: s(d, "link")
                .map(|u| vec![u.to_string()])
                .unwrap_or_default(),
            feed: "friendsofphp",
            extra: top,
        },
        path,
        d,
        warnings,
    )
}

// ---------------------------------------------------------------- Node.js security-wg

fn path_number(path: Option<&str>) -> Option<String> {
    stem(path).filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
}

pub(crate) fn nodejs(path: Option<&str>, d: &Value) -> Vec<Conv> {
    vec![nodejs_one(path, d)]
}

fn nodejs_one(path: Option<&str>, d: &Value) -> Conv {
    if !d.is_object() {
        return Err(Fail::new(
            FeedClass::NotAnObject,
            None,
            "Node.js record is not an object",
        ));
    }
    let kind = if d.get("module_name").is_some() {
        "npm"
    } else if d.get("reason").is_some() || path.is_some_and(|p| p.contains("/deps/")) {
        "deps"
    } else {
        "core"
    };
    let mut warnings = Vec::new();
    let cves = str_list(d, "cves")
        .into_iter()
        .chain(str_list(d, "cve"))
        .collect::<Vec<_>>();
    match kind {
        "npm" => {
            let module = s(d, "module_name").unwrap_or_default().trim();
            if module.is_empty() {
                return Err(Fail::missing("module_name", "empty `module_name`"));
            }
            let n = d
                .get("id")
                .and_then(scalar)
                .or_else(|| path_number(path))
                .ok_or_else(|| {
                    Fail::new(
                        FeedClass::NoId,
                        Some("id"),
                        "no `id` and no numeric file name",
                    )
                })?;
            let id = format!("NSWG-ECO-{n}");
            let nr = match s(d, "vulnerable_versions") {
                Some(v) => npm_ranges(v, s(d, "patched_versions"), &mut warnings),
                None => NativeRanges {
                    warnings: vec![warn(
                        "range_missing",
                        "vulnerable_versions",
                        "no vulnerable_versions",
                    )],
                    ..NativeRanges::default()
                },
            };
            warnings.extend(nr.warnings.iter().cloned());
            let mut extra = Map::new();
            put(
                &mut extra,
                "vulnerable_versions",
                d.get("vulnerable_versions").cloned().unwrap_or(Value::Null),
            );
            put(
                &mut extra,
                "patched_versions",
                d.get("patched_versions").cloned().unwrap_or(Value::Null),
            );
            let mut severity = Vec::new();
            if let Some(v) = s(d, "cvss_vector").filter(|v| v.starts_with("CVSS:3")) {
                severity.push(json!({"type": "CVSS_V3", "score": v}));
            }
            let mut top = Map::new();
            put(
                &mut top,
                "cvss_score",
                d.get("cvss_score").cloned().unwrap_or(Value::Null),
            );
            let modified = s(d, "updated_at")
                .and_then(normalize_date)
                .or_else(|| s(d, "created_at").and_then(normalize_date));
            assemble(
                Parts {
                    id,
                    modified,
                    published: s(d, "publish_date").and_then(normalize_date),
                    ids: cves,
                    links: Vec::new(),
                    summary: s(d, "title").map(str::to_string),
                    details: s(d, "overview").map(str::to_string),
                    severity,
                    affected: vec![package_entry("npm", module, nr, extra)],
                    urls: str_list(d, "references"),
                    feed: "nodejs-security-wg",
                    extra: top,
                },
                path,
                d,
                warnings,
            )
        }
        _ => {
            let n = path_number(path).ok_or_else(|| {
                Fail::new(
                    FeedClass::NoId,
                    None,
                    "core/deps record without a numeric file name",
                )
            })?;
            let mut top = Map::new();
            let (id, ids, links) = if kind == "core" {
                // Node.js itself has no OSV ecosystem: ranges kept here.
                let mut node = Map::new();
                for (k, path_k) in [("vulnerable", "vulnerable"), ("patched", "patched")] {
                    if let Some(v) = s(d, k) {
                        let nr = native_ranges(VersionScheme::SemVer, v, false, path_k);
                        warnings.extend(nr.warnings.iter().cloned());
                        node.insert(format!("{k}_ranges"), Value::Array(nr.ranges));
                    }
                }
                top.insert("nodejs".into(), Value::Object(node));
                (format!("NSWG-COR-{n}"), cves, Vec::new())
            } else {
                // A not-affected statement about a bundled dependency's
                // CVE: it links, it never merges.
                top.insert("status".into(), json!("not_affected"));
                put(
                    &mut top,
                    "justification",
                    d.get("reason").cloned().unwrap_or(Value::Null),
                );
                (format!("NSWG-DEP-{n}"), Vec::new(), cves)
            };
            put(
                &mut top,
                "severity",
                d.get("severity").cloned().unwrap_or(Value::Null),
            );
            assemble(
                Parts {
                    id,
                    modified: None,
                    published: None,
                    ids,
                    links,
                    summary: s(d, "description").map(str::to_string),
                    details: s(d, "overview").map(str::to_string),
                    severity: Vec::new(),
                    affected: Vec::new(),
                    urls: s(d, "ref").map(|u| vec![u.to_string()]).unwrap_or_default(),
                    feed: "nodejs-security-wg",
                    extra: top,
                },
                path,
                d,
                warnings,
            )
        }
    }
}

/// `vulnerable_versions` minus `patched_versions`: a version the record
/// calls patched is never affected (the two ranges overlap in sloppy
/// records). The feed's `<0.0.0` / `<=0.0.0` ("no patch") take nothing
/// out. An
/// unparsed `patched_versions` leaves `vulnerable_versions` as it is.
fn npm_ranges(
    vulnerable: &str,
    patched: Option<&str>,
    warnings: &mut Vec<levee_formats::Warning>,
) -> NativeRanges {
    let sc = VersionScheme::SemVer;
    let (Ok(vuln), Some(Ok(p))) = (
        parse_node_semver(sc, vulnerable),
        patched.map(|p| parse_node_semver(sc, p)),
    ) else {
        return native_ranges(sc, vulnerable, false, "vulnerable_versions");
    };
    let released = match levee_versions::Version::parse(sc, "0.0.0") {
        Ok(zero) => op_set(Op::Gt, zero),
        Err(_) => RangeSet::all(),
    };
    if vuln.intersect(&p).intersect(&released).is_empty() {
        return native_ranges(sc, vulnerable, false, "vulnerable_versions");
    }
    warnings.push(warn(
        "patched_overlap",
        "patched_versions",
        format!(
            "patched_versions {:?} overlaps vulnerable_versions {vulnerable:?}: patched versions taken out",
            clip(patched.unwrap_or_default())
        ),
    ));
    let native = format!("{vulnerable} minus {}", patched.unwrap_or_default());
    set_to_ranges(
        &vuln.intersect(&complement(&p)),
        false,
        "vulnerable_versions",
        &native,
    )
}

// ---------------------------------------------------------------- Hex

pub(crate) fn hex(path: Option<&str>, d: &Value) -> Vec<Conv> {
    vec![hex_one(path, d)]
}

fn hex_one(path: Option<&str>, d: &Value) -> Conv {
    if !d.is_object() {
        return Err(Fail::new(
            FeedClass::NotAnObject,
            None,
            "Hex advisory is not an object",
        ));
    }
    let package = s(d, "package")
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| Fail::missing("package", "no `package`"))?;
    let ghsa = s(d, "id")
        .filter(|i| plausible_id(i))
        .map(str::to_string)
        .or_else(|| stem(path))
        .ok_or_else(|| Fail::new(FeedClass::NoId, Some("id"), "no `id`"))?;
    let id = format!("HEX-{package}-{ghsa}");
    let mut warnings = Vec::new();
    let ranges = str_list(d, "vulnerable_version_ranges");
    let nr = match union_all(&ranges, |r| {
        parse_comparators(VersionScheme::SemVer, r, Op::Eq)
    }) {
        Ok(set) if !ranges.is_empty() => set_to_ranges(
            &set,
            false,
            "vulnerable_version_ranges",
            &ranges.join(" || "),
        ),
        Ok(_) => NativeRanges {
            warnings: vec![warn(
                "range_missing",
                "vulnerable_version_ranges",
                "no ranges",
            )],
            ..NativeRanges::default()
        },
        Err(e) => NativeRanges {
            warnings: vec![warn(
                "range_unparsed",
                "vulnerable_version_ranges",
                format!("{e}: kept in database_specific"),
            )],
            ..NativeRanges::default()
        },
    };
    warnings.extend(nr.warnings.iter().cloned());
    let mut extra = Map::new();
    put(&mut extra, "vulnerable_version_ranges", json!(ranges));
    put(
        &mut extra,
        "first_patched_versions",
        d.get("first_patched_versions")
            .cloned()
            .unwrap_or(Value::Null),
    );
    let mut top = Map::new();
    put(
        &mut top,
        "severity",
        d.get("severity").cloned().unwrap_or(Value::Null),
    );
    let date = s(d, "disclosure_date").and_then(normalize_date);
    let mut ids = vec![ghsa];
    ids.extend(str_list(d, "cve"));
    assemble(
        Parts {
            id,
            modified: date.clone(),
            published: date,
            ids,
            links: Vec::new(),
            summary: s(d, "title").map(str::to_string),
            details: s(d, "description").map(str::to_string),
            severity: Vec::new(),
            affected: vec![package_entry("Hex", package, nr, extra)],
            urls: s(d, "link")
                .map(|u| vec![u.to_string()])
                .unwrap_or_default(),
            feed: "hex-advisories",
            extra: top,
        },
        path,
        d,
        warnings,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rubysec_complement_of_patched() {
        let d = json!({"gem":"rails","cve":"2016-0751","ghsa":"ffpv-c4hm-3x6v","date":"2016-01-25",
            "patched_versions":["~> 4.2.5, >= 4.2.5.1", ">= 5.0.0.beta1.1"], "unaffected_versions":["< 3.0.0"]});
        let out = rubysec_one(Some("gems/rails/CVE-2016-0751.yml"), &d).unwrap();
        let v = out.value;
        assert_eq!(v["id"], "RUBYSEC-rails-CVE-2016-0751");
        assert_eq!(
            v["aliases"],
            json!(["GHSA-ffpv-c4hm-3x6v", "CVE-2016-0751"])
        );
        // `~> 4.2.5` patches up to, not including, 4.3's pre-releases
        // (RubyGems: `v.release < 4.3`), so 4.3.0.beta1 is affected again:
        // the range reopens at 4.3's lowest pre-release, `4.3.A`.
        assert_eq!(
            v["affected"][0]["ranges"][0]["events"],
            json!([{"introduced":"3.0.0"},{"fixed":"4.2.5.1"},{"introduced":"4.3.A"},{"fixed":"5.0.0.beta1.1"}])
        );
    }

    #[test]
    fn fop_branches_are_ored() {
        let d = json!({"title":"t","cve":"CVE-2019-10909","reference":"composer://symfony/form",
            "branches":{"3.4.x":{"time":"2019-04-16 00:00:00","versions":[">=3.4.0","<3.4.26"]},
                        "4.2.x":{"time":null,"versions":[">=4.2.0","<4.2.7"]}}});
        let v = fop_one(Some("symfony/form/CVE-2019-10909.yaml"), &d)
            .unwrap()
            .value;
        assert_eq!(v["id"], "FRIENDSOFPHP-symfony:form-CVE-2019-10909");
        assert_eq!(v["modified"], "2019-04-16T00:00:00Z");
        assert_eq!(
            v["affected"][0]["ranges"][0]["events"],
            json!([{"introduced":"3.4.0"},{"fixed":"3.4.26"},{"introduced":"4.2.0"},{"fixed":"4.2.7"}])
        );
    }

    #[test]
    fn nodejs_bundles_link_deps_never_alias() {
        let d = json!({"id":3,"module_name":"connect","cves":["CVE-2013-7370","CVE-2013-7371"],
            "vulnerable_versions":"<=2.8.0","patched_versions":">=2.8.1","updated_at":"2016-04-29"});
        let v = nodejs_one(Some("vuln/npm/3.json"), &d).unwrap().value;
        assert_eq!(v["id"], "NSWG-ECO-3");
        assert!(v.get("aliases").is_none());
        assert_eq!(v["related"], json!(["CVE-2013-7370", "CVE-2013-7371"]));
        let d = json!({"cve":["CVE-2023-45853"],"reason":"vulnerable_code_not_present"});
        let v = nodejs_one(Some("vuln/deps/1.json"), &d).unwrap().value;
        assert_eq!(v["id"], "NSWG-DEP-1");
        assert_eq!(v["related"], json!(["CVE-2023-45853"]));
        assert!(v.get("aliases").is_none());
    }

    #[test]
    fn nodejs_patched_versions_are_never_affected() {
        // vuln/npm/490.json: `vulnerable_versions` is sloppy (`<2.0.1 ||
        // <1.1.7` is just `<2.0.1`), `patched_versions` names the 1.x
        // backport: 1.1.7 up to 2.0.0 is patched, not affected.
        let d = json!({"id":490,"module_name":"m","vulnerable_versions":"<2.0.1 || <1.1.7",
            "patched_versions":"^1.1.7 || >= 2.0.1","updated_at":"2019-01-01"});
        let out = nodejs_one(Some("vuln/npm/490.json"), &d).unwrap();
        assert_eq!(
            out.value["affected"][0]["ranges"][0]["events"],
            json!([{"introduced":"0"},{"fixed":"1.1.7"},{"introduced":"2.0.0-0"},{"fixed":"2.0.1"}])
        );
        assert!(out.warnings.iter().any(|w| w.code == "patched_overlap"));
        // `<0.0.0` is the feed's "no patch": nothing to take out.
        let d = json!({"id":25,"module_name":"m","vulnerable_versions":"<=99.999.99999",
            "patched_versions":"<0.0.0","updated_at":"2019-01-01"});
        let out = nodejs_one(Some("vuln/npm/25.json"), &d).unwrap();
        assert_eq!(
            out.value["affected"][0]["ranges"][0]["events"],
            json!([{"introduced":"0"},{"last_affected":"99.999.99999"}])
        );
        assert!(out.warnings.is_empty());
    }

    #[test]
    fn hex_ghsa_ranges() {
        let d = json!({"id":"GHSA-h3rw-77w7-92gf","package":"samly","disclosure_date":"2024-02-11",
            "vulnerable_version_ranges":[">= 1.2.0, < 1.10.2", "<= 0.9.1"]});
        let v = hex_one(None, &d).unwrap().value;
        assert_eq!(v["aliases"], json!(["GHSA-h3rw-77w7-92gf"]));
        assert_eq!(
            v["affected"][0]["ranges"],
            json!([{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"last_affected":"0.9.1"}]},
                   {"type":"ECOSYSTEM","events":[{"introduced":"1.2.0"},{"fixed":"1.10.2"}]}])
        );
    }
}
