//! OSV records → a CSAF 2.0 security advisory or VEX document.
//!
//! Records that share a CVE (sources of one vulnerability) become one CSAF
//! vulnerability. Each affected package gets a product for its affected
//! ranges (`known_affected`, version-less purl), one per listed version
//! (purl with the version) and one per fix (`fixed`, purl with the fixed
//! version). When the package's ranges can be ordered (SEMVER/ECOSYSTEM
//! ranges in the ecosystem's ordering) the range product sits in a
//! `product_version_range` branch (vendor = ecosystem, product_name =
//! package) named by a `vers:` string (purl-spec VERSION-RANGE-SPEC,
//! versioning scheme = purl type), which [`super::convert`] reads back as
//! the same affected set; otherwise its name lists the ranges as text.
//! A `Red Hat:<release>` package's products are plain `Red Hat` components
//! of a platform product with CPE `cpe:/a:redhat:<release>`
//! (`default_component_of` relationships, whose ids the statuses name), as
//! Red Hat writes its documents, so the release reads back.
//! Dates are taken from the records (no clock), so export is
//! deterministic. The output passes [`super::validate`].

use std::collections::BTreeMap;

use serde_json::{json, Value};

use levee_formats::{Event, RangeKind, Record};
use levee_versions::vers::{to_vers, vers_name, vers_scheme};
use levee_versions::{CompiledRange, Ecosystem, PackageUrl, RangeSet};

/// Which CSAF profile to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// `csaf_security_advisory`.
    SecurityAdvisory,
    /// `csaf_vex`.
    Vex,
}

/// Export options.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// CSAF profile.
    pub profile: Profile,
    /// `document.publisher.name`.
    pub publisher_name: String,
    /// `document.publisher.namespace`.
    pub publisher_namespace: String,
    /// `document.tracking.id` (default: `LEVEE-<first vulnerability id>`).
    pub tracking_id: Option<String>,
    /// TLP label (`WHITE` for public data).
    pub tlp: String,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            profile: Profile::SecurityAdvisory,
            publisher_name: "Levee".into(),
            publisher_namespace: "https://levee.invalid".into(),
            tracking_id: None,
            tlp: "WHITE".into(),
        }
    }
}

/// Export as a CSAF security advisory with default options.
pub fn export_advisory(records: &[Record]) -> Value {
    export(records, &ExportOptions::default())
}

/// Export as a CSAF VEX document with default options.
pub fn export_vex(records: &[Record]) -> Value {
    export(
        records,
        &ExportOptions {
            profile: Profile::Vex,
            ..ExportOptions::default()
        },
    )
}

fn cve_of(r: &Record) -> Option<String> {
    r.ids()
        .find(|i| levee_formats::group::is_cve(i))
        .map(str::to_string)
}

struct Products {
    list: Vec<Value>,
    /// (ecosystem, package) → `product_version_range` leaves.
    ranges: BTreeMap<(String, String), Vec<Value>>,
    /// Red Hat release → (platform product id, name).
    platforms: BTreeMap<String, (String, String)>,
    /// `default_component_of` relationships.
    relationships: Vec<Value>,
    n: usize,
}

/// The release of a `Red Hat:<release>` ecosystem whose platform CPE
/// `cpe:/a:redhat:<release>` is a valid CPE 2.2 URI (at most 6 fields of
/// `[A-Za-z0-9._~%-]`, as the CSAF schema's pattern), so the release can
/// be written as a platform product that [`super::convert`] reads back.
fn redhat_platform(eco: &str) -> Option<&str> {
    let r = eco.strip_prefix("Red Hat:")?;
    let fields = r.split(':').count() + 2;
    let ok = fields <= 6
        && r.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b":._~%-".contains(&b))
        && Ecosystem::parse(eco).is_ok();
    ok.then_some(r)
}

impl Products {
    fn product(&mut self, name: String, purl: Option<String>) -> (String, Value) {
        self.n += 1;
        let id = format!("CSAFPID-{:04}", self.n);
        let mut p = json!({"name": name, "product_id": id});
        if let (Some(purl), Some(o)) = (purl, p.as_object_mut()) {
            o.insert(
                "product_identification_helper".into(),
                json!({"purl": purl}),
            );
        }
        (id, p)
    }

    fn add(&mut self, name: String, purl: Option<String>) -> String {
        let (id, p) = self.product(name, purl);
        self.list.push(p);
        id
    }

    /// A product in the `product_version_range` branch `vers` of `eco` /
    /// `package`.
    fn add_range(
        &mut self,
        eco: &str,
        package: &str,
        vers: String,
        name: String,
        purl: Option<String>,
    ) -> String {
        let (id, p) = self.product(name, purl);
        self.ranges
            .entry((eco.to_string(), package.to_string()))
            .or_default()
            .push(json!({"category": "product_version_range", "name": vers, "product": p}));
        id
    }

    /// The product that statuses name for component `id` of package
    /// ecosystem `eco`: for `Red Hat:<release>` a `default_component_of`
    /// relationship to the release's platform product (CPE
    /// `cpe:/a:redhat:<release>`, as Red Hat's documents), else `id`.
    fn on_platform(&mut self, eco: &str, id: String, name: &str) -> String {
        let Some(release) = redhat_platform(eco) else {
            return id;
        };
        let (platform, platform_name) = match self.platforms.get(release) {
            Some(p) => p.clone(),
            None => {
                let platform_name = format!("Red Hat {release}");
                let (pid, mut p) = self.product(platform_name.clone(), None);
                if let Some(o) = p.as_object_mut() {
                    o.insert(
                        "product_identification_helper".into(),
                        json!({"cpe": format!("cpe:/a:redhat:{release}")}),
                    );
                }
                self.list.push(p);
                let v = (pid, platform_name);
                self.platforms.insert(release.to_string(), v.clone());
                v
            }
        };
        self.n += 1;
        let rid = format!("CSAFPID-{:04}", self.n);
        self.relationships.push(json!({
            "category": "default_component_of",
            "full_product_name": {
                "name": format!("{name} as a component of {platform_name}"),
                "product_id": rid,
            },
            "product_reference": id,
            "relates_to_product_reference": platform,
        }));
        rid
    }

    /// `product_tree.branches`: vendor (ecosystem) → product_name
    /// (package) → product_version_range.
    fn branches(&self) -> Vec<Value> {
        let mut vendors: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
        for ((eco, package), leaves) in &self.ranges {
            vendors
                .entry(eco)
                .or_default()
                .push(json!({"category": "product_name", "name": package, "branches": leaves}));
        }
        vendors
            .into_iter()
            .map(|(eco, b)| json!({"category": "vendor", "name": eco, "branches": b}))
            .collect()
    }
}

/// The `vers:` string for the union of `ranges` of a package, when every
/// range is a SEMVER or ECOSYSTEM range whose versions parse in the
/// ecosystem's ordering. The versioning scheme is the purl type when VERS
/// knows it with the same ordering (`vers:npm/…`, `vers:deb/…`).
fn ranges_vers(eco: &str, purl: Option<&str>, ranges: &[levee_formats::Range]) -> Option<String> {
    let scheme = Ecosystem::parse(eco).ok()?.scheme()?;
    let mut set = RangeSet::empty();
    for r in ranges {
        let sc = match &r.kind {
            RangeKind::Ecosystem => scheme,
            RangeKind::Semver => levee_versions::range::semver_range_scheme(Some(scheme)),
            _ => return None,
        };
        if sc != scheme {
            return None;
        }
        let events: Vec<levee_versions::Event> =
            r.events.iter().map(levee_versions::Event::from).collect();
        let c = CompiledRange::compile(scheme, &events).ok()?;
        set = set.union(c.set());
    }
    if set.is_empty() {
        return None;
    }
    let text = to_vers(scheme, &set);
    let ty = purl
        .and_then(|p| PackageUrl::parse(p).ok())
        .map(|p| p.ty)
        .filter(|t| vers_scheme(t) == Some(scheme));
    Some(match ty {
        Some(t) => text.replacen(
            &format!("vers:{}/", vers_name(scheme)),
            &format!("vers:{t}/"),
            1,
        ),
        None => text,
    })
}

fn purl_for(eco: &str, name: &str, version: Option<&str>) -> Option<String> {
    let e = Ecosystem::parse(eco).ok()?;
    PackageUrl::from_ecosystem(&e, name, version).map(|p| p.to_string())
}

fn cvss_json(kind: &str, vector: &str) -> Option<(&'static str, Value)> {
    let cv = levee_score::parse_cvss(vector).ok()?;
    let sc = cv.scores();
    match kind {
        "CVSS_V3" => {
            let version = if vector.starts_with("CVSS:3.0/") {
                "3.0"
            } else {
                "3.1"
            };
            Some((
                "cvss_v3",
                json!({"version": version, "vectorString": vector, "baseScore": sc.base.as_f64(),
                       "baseSeverity": levee_score::Severity::from_score(sc.base).as_str()}),
            ))
        }
        "CVSS_V2" => Some((
            "cvss_v2",
            json!({"version": "2.0", "vectorString": vector, "baseScore": sc.base.as_f64()}),
        )),
        _ => None,
    }
}

fn range_text(events: &[Event]) -> String {
    let mut parts = Vec::new();
    for e in events {
        match e {
            Event::Introduced(v) if v == "0" => {}
            Event::Introduced(v) => parts.push(format!(">={v}")),
            Event::Fixed(v) => parts.push(format!("<{v}")),
            Event::LastAffected(v) => parts.push(format!("<={v}")),
            Event::Limit(v) => parts.push(format!("<{v}")),
        }
    }
    if parts.is_empty() {
        "all versions".into()
    } else {
        parts.join(" ")
    }
}

/// Export `records` as a CSAF 2.0 document.
pub fn export(records: &[Record], opts: &ExportOptions) -> Value {
    let live: Vec<&Record> = records.iter().filter(|r| !r.is_withdrawn()).collect();
    // group records by CVE (or id)
    let mut groups: BTreeMap<String, Vec<&Record>> = BTreeMap::new();
    for r in &live {
        groups
            .entry(cve_of(r).unwrap_or_else(|| r.id.clone()))
            .or_default()
            .push(r);
    }
    let mut prods = Products {
        list: Vec::new(),
        ranges: BTreeMap::new(),
        platforms: BTreeMap::new(),
        relationships: Vec::new(),
        n: 0,
    };
    let mut vulns = Vec::new();
    for (key, recs) in &groups {
        let mut affected_ids: Vec<String> = Vec::new();
        let mut fixed_ids: Vec<String> = Vec::new();
        let mut remediations = Vec::new();
        for r in recs {
            for a in &r.affected {
                let Some(p) = &a.package else {
                    continue;
                };
                let bare = p
                    .purl
                    .clone()
                    .or_else(|| purl_for(&p.ecosystem, &p.name, None));
                // A Red Hat release is the platform of a relationship; the
                // component itself is plain `Red Hat`.
                let comp_eco = match redhat_platform(&p.ecosystem) {
                    Some(_) => "Red Hat",
                    None => p.ecosystem.as_str(),
                };
                let mut mine: Vec<String> = Vec::new();
                if !a.ranges.is_empty() || a.versions.is_empty() {
                    let texts: Vec<String> =
                        a.ranges.iter().map(|rg| range_text(&rg.events)).collect();
                    let texts = if texts.is_empty() {
                        vec!["all versions".to_string()]
                    } else {
                        texts
                    };
                    let name = format!("{comp_eco} {} ({})", p.name, texts.join(", "));
                    let vers = ranges_vers(&p.ecosystem, bare.as_deref(), &a.ranges);
                    let id = match vers {
                        Some(vers) => prods.add_range(comp_eco, &p.name, vers, name.clone(), bare),
                        None => prods.add(name.clone(), bare),
                    };
                    mine.push(prods.on_platform(&p.ecosystem, id, &name));
                }
                for v in &a.versions {
                    let name = format!("{comp_eco} {} {v}", p.name);
                    let id = prods.add(name.clone(), purl_for(&p.ecosystem, &p.name, Some(v)));
                    mine.push(prods.on_platform(&p.ecosystem, id, &name));
                }
                affected_ids.extend(mine.iter().cloned());
                let mut fixes = Vec::new();
                for rg in &a.ranges {
                    for e in &rg.events {
                        if let Event::Fixed(v) = e {
                            if !fixes.contains(v) {
                                fixes.push(v.clone());
                            }
                        }
                    }
                }
                for f in &fixes {
                    let name = format!("{comp_eco} {} {f}", p.name);
                    let fid = prods.add(name.clone(), purl_for(&p.ecosystem, &p.name, Some(f)));
                    fixed_ids.push(prods.on_platform(&p.ecosystem, fid, &name));
                }
                if fixes.is_empty() {
                    remediations.push(json!({"category": "none_available", "details": "No fixed version is known.", "product_ids": mine.clone()}));
                } else {
                    remediations.push(json!({"category": "vendor_fix", "details": format!("Upgrade {} to {}.", p.name, fixes.join(" or ")), "product_ids": mine.clone()}));
                }
            }
        }
        let mut status = serde_json::Map::new();
        if affected_ids.is_empty() {
            // Nothing machine-readable: state it as under investigation.
            let uid = prods.add(format!("Products affected by {key} (unspecified)"), None);
            status.insert("under_investigation".into(), json!([uid]));
        } else {
            status.insert("known_affected".into(), json!(affected_ids));
        }
        if !fixed_ids.is_empty() {
            status.insert("fixed".into(), json!(fixed_ids));
        }
        let first = recs.first();
        let text = first
            .and_then(|r| r.details.clone().or_else(|| r.summary.clone()))
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| format!("Vulnerability {key}."));
        let mut v = json!({
            "notes": [{"category": "description", "text": text, "title": "Description"}],
            "product_status": Value::Object(status),
        });
        let o = v.as_object_mut();
        if let Some(o) = o {
            if levee_formats::group::is_cve(key) {
                o.insert("cve".into(), json!(key));
            }
            let mut ids: Vec<Value> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for r in recs {
                for i in r.ids() {
                    if !levee_formats::group::is_cve(i) && seen.insert(i.to_string()) {
                        let system = i.split(['-', ':']).next().unwrap_or("id");
                        ids.push(json!({"system_name": system, "text": i}));
                    }
                }
            }
            if !ids.is_empty() {
                o.insert("ids".into(), Value::Array(ids));
            }
            if let Some(t) = first
                .and_then(|r| r.summary.clone())
                .filter(|t| !t.trim().is_empty())
            {
                o.insert("title".into(), json!(t));
            }
            if !remediations.is_empty() {
                o.insert("remediations".into(), Value::Array(remediations));
            }
            let mut scores = Vec::new();
            let mut seen_kinds = std::collections::HashSet::new();
            if !affected_ids.is_empty() {
                for r in recs {
                    for sev in &r.severity {
                        if let Some((k, c)) = cvss_json(&sev.kind, &sev.score) {
                            let ver = c.get("version").cloned().unwrap_or(Value::Null).to_string();
                            if seen_kinds.insert((k, ver)) {
                                scores.push(json!({"products": affected_ids, k: c}));
                            }
                        }
                    }
                }
            }
            if !scores.is_empty() {
                o.insert("scores".into(), Value::Array(scores));
            }
            let mut refs = Vec::new();
            let mut seen_urls = std::collections::HashSet::new();
            for r in recs {
                for rf in &r.references {
                    if !rf.url.is_empty() && seen_urls.insert(rf.url.clone()) {
                        refs.push(json!({"url": rf.url, "summary": if rf.kind.is_empty() { "WEB".to_string() } else { rf.kind.clone() }, "category": "external"}));
                    }
                }
            }
            if !refs.is_empty() {
                o.insert("references".into(), Value::Array(refs));
            }
        }
        vulns.push(v);
    }
    let dates: Vec<String> = live.iter().map(|r| r.modified.to_utc_string()).collect();
    let current = dates
        .iter()
        .max()
        .cloned()
        .unwrap_or_else(|| crate::EPOCH.to_string());
    let initial = live
        .iter()
        .map(|r| r.published.as_ref().unwrap_or(&r.modified).to_utc_string())
        .min()
        .unwrap_or_else(|| current.clone());
    let initial = if initial > current {
        current.clone()
    } else {
        initial
    };
    let tracking_id = opts.tracking_id.clone().unwrap_or_else(|| {
        format!(
            "LEVEE-{}",
            groups
                .keys()
                .next()
                .cloned()
                .unwrap_or_else(|| "EMPTY".into())
        )
    });
    let (category, title) = match opts.profile {
        Profile::SecurityAdvisory => ("csaf_security_advisory", "Security advisory"),
        Profile::Vex => ("csaf_vex", "VEX"),
    };
    let keys: Vec<&String> = groups.keys().collect();
    let title = format!(
        "{title}: {}",
        keys.iter()
            .take(5)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut doc = json!({
        "document": {
            "category": category,
            "csaf_version": "2.0",
            "distribution": {"tlp": {"label": opts.tlp}},
            "publisher": {"category": "other", "name": opts.publisher_name, "namespace": opts.publisher_namespace},
            "title": title,
            "tracking": {
                "current_release_date": current,
                "id": tracking_id,
                "initial_release_date": initial,
                "revision_history": [{"date": current, "number": "1", "summary": "Exported by Levee."}],
                "status": "final",
                "version": "1",
                "generator": {"engine": {"name": "levee-feeds"}},
            },
        },
    });
    let mut tree = serde_json::Map::new();
    let branches = prods.branches();
    if !branches.is_empty() {
        tree.insert("branches".into(), Value::Array(branches));
    }
    if !prods.list.is_empty() {
        tree.insert("full_product_names".into(), Value::Array(prods.list));
    }
    if !prods.relationships.is_empty() {
        tree.insert("relationships".into(), Value::Array(prods.relationships));
    }
    if let Some(o) = doc.as_object_mut() {
        o.insert("product_tree".into(), Value::Object(tree));
        o.insert("vulnerabilities".into(), Value::Array(vulns));
    }
    doc
}
