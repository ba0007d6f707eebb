//! GitLab Advisory Database (community edition) YAML records → OSV.
//!
//! * id: `GITLAB-<package_slug with / as :>-<file stem or identifier>`
//!   (one record per package and advisory; the same CVE appears for
//!   several packages).
//! * `identifiers` (and `identifier`) → aliases by the crate's id rule
//!   (exactly one CVE → alias; several → related). Dirty identifiers
//!   (`All versions`, bare dates) are dropped (kept in `native`).
//! * `affected_range` → the versions crate's native parser for the
//!   slug's ecosystem → one ECOSYSTEM range; unparseable → no range, a
//!   `range_unparsed` warning, text kept in `database_specific`. An empty
//!   `affected_range` with `affected_versions: All versions` affects every
//!   version (`introduced: 0`).

use serde_json::{json, Map, Value};

use levee_versions::Ecosystem;

use crate::common::*;

/// GitLab slug prefix → (OSV ecosystem, package name).
pub fn slug_package(slug: &str) -> Option<(&'static str, String)> {
    let (eco, rest) = slug.split_once('/')?;
    if rest.is_empty() {
        return None;
    }
    let (osv, name) = match eco {
        "npm" => ("npm", rest.to_string()),
        "maven" => match rest.split_once('/') {
            Some((g, a)) if !a.contains('/') => ("Maven", format!("{g}:{a}")),
            Some(_) => return None,
            None => ("Maven", rest.to_string()),
        },
        "pypi" => ("PyPI", rest.to_string()),
        "packagist" => ("Packagist", rest.to_string()),
        "nuget" => ("NuGet", rest.to_string()),
        "go" => ("Go", rest.to_string()),
        "gem" => ("RubyGems", rest.to_string()),
        "conan" => ("ConanCenter", rest.to_string()),
        _ => return None,
    };
    Some((osv, name))
}

fn file_stem(path: Option<&str>) -> Option<&str> {
    let p = path?;
    let name = p.rsplit('/').next()?;
    let stem = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))
        .or_else(|| name.strip_suffix(".json"))
        .unwrap_or(name);
    (!stem.is_empty()).then_some(stem)
}

pub(crate) fn convert(path: Option<&str>, d: &Value) -> Vec<Conv> {
    vec![one(path, d)]
}

fn one(path: Option<&str>, d: &Value) -> Conv {
    if !d.is_object() {
        return Err(Fail::new(
            FeedClass::NotAnObject,
            None,
            "GitLab record is not an object",
        ));
    }
    let slug =
        s(d, "package_slug").ok_or_else(|| Fail::missing("package_slug", "no `package_slug`"))?;
    let identifier = s(d, "identifier").map(str::trim);
    let stem = file_stem(path)
        .filter(|s| plausible_id(s) || s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(str::to_string)
        .or_else(|| identifier.filter(|i| plausible_id(i)).map(str::to_string))
        .or_else(|| s(d, "uuid").map(str::to_string))
        .ok_or_else(|| {
            Fail::new(
                FeedClass::NoId,
                Some("identifier"),
                "no file name, identifier or uuid",
            )
        })?;
    let id = format!("GITLAB-{}-{stem}", slug.replace('/', ":"));
    let (eco, name) = slug_package(slug).ok_or_else(|| {
        Fail::new(
            FeedClass::UnknownEcosystem,
            Some("package_slug"),
            format!("unknown GitLab package slug {:?}", clip(slug)),
        )
        .with_id(&id)
    })?;
    let mut warnings = Vec::new();
    let mut ids: Vec<String> = str_list(d, "identifiers");
    if let Some(i) = identifier {
        ids.insert(0, i.to_string());
    }
    let (aliases, related) = split_ids(&id, ids);
    let date = s(d, "date")
        .and_then(normalize_date)
        .or_else(|| s(d, "pubdate").and_then(normalize_date));
    let modified = date.clone().unwrap_or_else(|| {
        warnings.push(warn(
            "modified_unknown",
            "date",
            "no usable `date`: modified set to the epoch",
        ));
        EPOCH.to_string()
    });
    let scheme = Ecosystem::parse(eco).ok().and_then(|e| e.scheme());
    let mut nr = NativeRanges::default();
    // GitLab leaves `affected_range` empty when `affected_versions` says
    // "All versions" (malicious packages, flaws never fixed): every
    // version is affected.
    let all_versions = s(d, "affected_range").is_some_and(|r| r.trim().is_empty())
        && s(d, "affected_versions").is_some_and(|t| t.trim().eq_ignore_ascii_case("all versions"));
    if all_versions {
        nr = NativeRanges {
            ranges: vec![json!({"type": "ECOSYSTEM", "events": [{"introduced": "0"}]})],
            warnings: Vec::new(),
            parsed: true,
        };
    } else if let (Some(sc), Some(r)) = (scheme, s(d, "affected_range")) {
        nr = native_ranges(sc, r, eco == "Go", "affected_range");
    }
    warnings.append(&mut nr.warnings);
    let mut severity = Vec::new();
    if let Some(v) = s(d, "cvss_v3").filter(|v| v.starts_with("CVSS:3")) {
        severity.push(json!({"type": "CVSS_V3", "score": v}));
    }
    if let Some(v) = s(d, "cvss_v2").filter(|v| !v.is_empty()) {
        severity.push(json!({"type": "CVSS_V2", "score": v}));
    }
    let mut urls: Vec<(String, &'static str)> = str_list(d, "urls")
        .into_iter()
        .map(|u| (u, "WEB"))
        .collect();
    if let Some(first) = urls.first_mut() {
        if first.0.contains("nvd.nist.gov") {
            first.1 = "ADVISORY";
        }
    }
    let mut affected = Map::new();
    affected.insert("package".into(), json!({"ecosystem": eco, "name": name}));
    affected.insert("ranges".into(), Value::Array(nr.ranges));
    let mut ad = Map::new();
    put(
        &mut ad,
        "affected_range",
        d.get("affected_range").cloned().unwrap_or(Value::Null),
    );
    put(
        &mut ad,
        "fixed_versions",
        d.get("fixed_versions").cloned().unwrap_or(Value::Null),
    );
    if !nr.parsed {
        ad.insert("range_parsed".into(), Value::Bool(false));
    }
    put(&mut affected, "database_specific", Value::Object(ad));
    let mut ds = Map::new();
    ds.insert("feed".into(), json!("gitlab"));
    put(&mut ds, "path", json!(path));
    put(
        &mut ds,
        "cwe_ids",
        d.get("cwe_ids").cloned().unwrap_or(Value::Null),
    );
    ds.insert("native".into(), d.clone());
    let mut m = Map::new();
    m.insert("schema_version".into(), json!("1.6.0"));
    m.insert("id".into(), json!(id));
    m.insert("modified".into(), json!(modified));
    put(
        &mut m,
        "published",
        json!(s(d, "pubdate").and_then(normalize_date)),
    );
    put(&mut m, "aliases", json!(aliases));
    put(&mut m, "related", json!(related));
    put(&mut m, "summary", json!(s(d, "title")));
    put(&mut m, "details", json!(s(d, "description")));
    put(&mut m, "severity", Value::Array(severity));
    m.insert(
        "affected".into(),
        Value::Array(vec![Value::Object(affected)]),
    );
    put(&mut m, "references", Value::Array(refs(urls)));
    put(
        &mut m,
        "credits",
        json!(s(d, "credit").map(|c| vec![json!({"name": c})])),
    );
    m.insert("database_specific".into(), Value::Object(ds));
    Ok(Converted {
        value: Value::Object(m),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slug_package("maven/org.apache/log4j"),
            Some(("Maven", "org.apache:log4j".into()))
        );
        assert_eq!(
            slug_package("npm/@babel/core"),
            Some(("npm", "@babel/core".into()))
        );
        assert_eq!(
            slug_package("go/github.com/a/b/c"),
            Some(("Go", "github.com/a/b/c".into()))
        );
        assert_eq!(slug_package("cargo/x"), None);
        assert_eq!(slug_package("npm"), None);
    }

    #[test]
    fn converts_a_maven_record() {
        let d = json!({"identifier":"CVE-2021-44228","identifiers":["CVE-2021-44228","GHSA-jfh8-c2jp-5v3q"],
            "package_slug":"maven/org.apache.logging.log4j/log4j-core","title":"RCE","description":"d",
            "date":"2021-12-10","pubdate":"2021-12-10","affected_range":"[2.0-beta9,2.3.1),[2.4,2.12.2),[2.13.0,2.15.0)",
            "fixed_versions":["2.15.0"],"urls":["https://nvd.nist.gov/vuln/detail/CVE-2021-44228"],"uuid":"u"});
        let out = one(
            Some("maven/org.apache.logging.log4j/log4j-core/CVE-2021-44228.yml"),
            &d,
        )
        .unwrap();
        let v = &out.value;
        assert_eq!(
            v["id"],
            "GITLAB-maven:org.apache.logging.log4j:log4j-core-CVE-2021-44228"
        );
        assert_eq!(
            v["aliases"],
            json!(["GHSA-jfh8-c2jp-5v3q", "CVE-2021-44228"])
        );
        assert_eq!(
            v["affected"][0]["package"]["name"],
            "org.apache.logging.log4j:log4j-core"
        );
        assert_eq!(
            v["affected"][0]["ranges"][0]["events"],
            json!([{"introduced":"2.0-beta9"},{"fixed":"2.3.1"},{"introduced":"2.4"},{"fixed":"2.12.2"},{"introduced":"2.13.0"},{"fixed":"2.15.0"}])
        );
        assert!(out.warnings.is_empty());
    }

    #[test]
    fn empty_range_with_all_versions_affects_every_version() {
        // GitLab writes `affected_range: ""` with `affected_versions: "All
        // versions"` (malicious npm packages, unfixed flaws): every version
        // is affected, not none.
        let d = json!({"identifier":"GMS-2022-1","package_slug":"npm/evil-pkg","date":"2022-01-01",
            "affected_range":"","affected_versions":"All versions","fixed_versions":[]});
        let out = one(Some("npm/evil-pkg/GMS-2022-1.yml"), &d).unwrap();
        assert_eq!(
            out.value["affected"][0]["ranges"],
            json!([{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}])
        );
        assert!(out.value["affected"][0]["database_specific"]
            .get("range_parsed")
            .is_none());
        assert!(!out.warnings.iter().any(|w| w.code == "range_unparsed"));
        // An empty range without that statement stays unparsed.
        let d = json!({"identifier":"CVE-2021-1","package_slug":"npm/x","date":"2021-01-01","affected_range":""});
        let out = one(None, &d).unwrap();
        assert_eq!(out.value["affected"][0]["ranges"], json!([]));
        assert!(out.warnings.iter().any(|w| w.code == "range_unparsed"));
    }

    #[test]
    fn unknown_slug_is_a_named_rejection() {
        let d = json!({"identifier":"CVE-2021-1","package_slug":"cargo/x","date":"2021-01-01"});
        let e = one(None, &d).unwrap_err();
        assert_eq!(e.class, FeedClass::UnknownEcosystem);
        let e = one(None, &json!({"identifier":"CVE-2021-1"})).unwrap_err();
        assert_eq!(e.class, FeedClass::MissingField);
    }
}
