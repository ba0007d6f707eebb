//! The vulnerability view: one real-world flaw assembled from the source
//! records of its group (`vuln_id`), with every id, each source's
//! provenance, the places where sources disagree, affected packages,
//! severity with every CVSS score computed, and the KEV / EPSS / CWE
//! enrichment.
//!
//! Visibility is the caller's decision: [`load`] takes a filter closure and
//! only records it accepts contribute anything — ids, text, packages,
//! enrichment keys. A group with no visible record is `None` (the server
//! answers 404, never 403).
//!
//! Which record speaks for the group (summary, details, and the single OSV
//! record served by `/osv`) is decided by [`primary_record`]:
//! 1. the record whose id was asked for, if it is visible;
//! 2. else a visible record whose id is a CVE id (the lowest such id);
//! 3. else the record whose id is the group key;
//! 4. else the most recently modified record (ties: the lowest id).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;

use levee_formats::{Limits, Record};
use levee_model::Timestamp;
use levee_store::kb::{KbRecordRow, Label, StoredRecord};
use levee_store::{Store, StoreError};
use serde::Serialize;
use serde_json::Value;

/// One vulnerability as a caller sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VulnView {
    /// The group key (see [`public_key`]).
    pub id: String,
    /// Every id of the visible records: their ids and aliases, sorted;
    /// without aliases the grouping refused (they resolve to another
    /// vulnerability).
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    pub details: Option<String>,
    /// Earliest `published` of the visible records.
    pub published: Option<Timestamp>,
    /// Latest `modified` of the visible records.
    pub modified: Timestamp,
    /// Set only when every visible record is withdrawn (the latest date).
    pub withdrawn: Option<Timestamp>,
    /// The record [`primary_record`] picks (summary and details come from it
    /// when it has them).
    pub primary: String,
    pub sources: Vec<SourceView>,
    pub disagreements: Vec<Disagreement>,
    pub affected: Vec<AffectedView>,
    pub severity: Vec<SeverityView>,
    pub kev: Vec<KevView>,
    pub epss: Vec<EpssView>,
    pub cwes: Vec<CweView>,
    pub links: Links,
    pub references: Vec<ReferenceView>,
}

/// One source record and its provenance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceView {
    pub id: String,
    /// The feed it came from.
    pub source: String,
    pub modified: Timestamp,
    pub published: Option<Timestamp>,
    pub withdrawn: Option<Timestamp>,
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    /// TLP label of this record.
    pub tlp: String,
    /// When this server first stored it.
    pub first_seen: Timestamp,
}

/// Sources that say different things about the same field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Disagreement {
    /// `fixed`, `last_affected`, `introduced` (per package) or `severity`
    /// (per CVSS version).
    pub field: String,
    /// `ecosystem/name` for package fields, the CVSS version for severity.
    pub subject: String,
    /// What each source says (sorted values; an empty list is "nothing").
    pub claims: Vec<Claim>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    pub record: String,
    pub source: String,
    pub values: Vec<String>,
}

/// An affected package and what each source says about it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AffectedView {
    pub ecosystem: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    pub sources: Vec<AffectedClaim>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AffectedClaim {
    pub record: String,
    pub source: String,
    pub ranges: Vec<RangeView>,
    pub versions: Vec<String>,
    pub introduced: Vec<String>,
    pub fixed: Vec<String>,
    pub last_affected: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RangeView {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    pub events: Vec<BTreeMap<String, String>>,
}

/// A severity entry, with its scores computed when it is a CVSS vector.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeverityView {
    /// OSV `severity[].type` (`CVSS_V3`, `Ubuntu`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// The vector or rating as written.
    pub vector: String,
    /// Records that carry it (top level or in an affected entry).
    pub records: Vec<String>,
    /// Computed scores (CVSS only): `version`, `base_score`,
    /// `temporal_score`, `environmental_score`, `score`, `nomenclature` (v4),
    /// `severity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvss: Option<Value>,
    /// Why a CVSS vector could not be scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A CISA KEV entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KevView {
    pub cve: String,
    pub date_added: Option<String>,
    pub due_date: Option<String>,
    pub required_action: Option<String>,
    /// `Known` or `Unknown`.
    pub known_ransomware_campaign_use: Option<String>,
    pub vendor_project: Option<String>,
    pub product: Option<String>,
    pub vulnerability_name: Option<String>,
}

/// An EPSS score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EpssView {
    pub cve: String,
    pub score: String,
    pub percentile: String,
    pub date: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CweView {
    /// `CWE-79`.
    pub id: String,
    pub name: Option<String>,
}

/// `related` and `upstream` ids: links, never merges.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Links {
    pub related: Vec<String>,
    pub upstream: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ReferenceView {
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
}

/// Enrichment looked up for a view (by CVE id, by CWE number).
#[derive(Clone, Debug, Default)]
pub struct Enrichment {
    pub kev: BTreeMap<String, Value>,
    pub epss: BTreeMap<String, (String, String, Option<String>)>,
    pub cwe_names: BTreeMap<u32, String>,
    /// Aliases of the records that the grouping put in another
    /// vulnerability (a refused merge): not ids of this one (see
    /// [`elsewhere`]).
    pub elsewhere: BTreeSet<String>,
}

/// Is `id` a CVE id?
pub fn is_cve(id: &str) -> bool {
    levee_formats::group::is_cve(id)
}

/// The group key of `id` (a group key, record id or alias), if known. A
/// record stored but not yet grouped resolves to its own group.
pub async fn resolve(store: &Store, id: &str) -> Result<Option<String>, StoreError> {
    if let Some(v) = store.kb_resolve(id).await? {
        return Ok(Some(v));
    }
    Ok(store.kb_record(id).await?.map(|r| r.vuln_id))
}

/// The visible records of the group that `id` resolves to (sorted by id).
pub async fn visible_records(
    store: &Store,
    id: &str,
    visible: impl Fn(&StoredRecord) -> bool,
) -> Result<Option<(String, Vec<StoredRecord>)>, StoreError> {
    let Some(group) = resolve(store, id).await? else {
        return Ok(None);
    };
    let recs: Vec<StoredRecord> = store
        .kb_records_of(&group)
        .await?
        .into_iter()
        .filter(|r| visible(r))
        .collect();
    // Only an id that a visible record names resolves: an alias known only
    // from hidden records would confirm that they exist.
    if !recs
        .iter()
        .any(|r| r.id == id || r.aliases.iter().any(|a| a == id))
    {
        return Ok(None);
    }
    Ok(Some((group, linked_by_visible(recs, id))))
}

/// The records among `recs` joined to `id` by the visible records' own
/// aliases. The stored group may hold together records that only a hidden
/// record links (an AMBER advisory naming a GHSA and a PYSEC id as one
/// flaw); showing them as one would disclose that claim.
fn linked_by_visible(recs: Vec<StoredRecord>, id: &str) -> Vec<StoredRecord> {
    if recs.len() < 2 {
        return recs;
    }
    let mut g = levee_formats::Grouper::new();
    for r in &recs {
        g.add(&r.id, &r.aliases, &r.related, &r.upstream);
    }
    let Some(mine) = g.group(id) else {
        return recs;
    };
    let keep: BTreeSet<&str> = mine.records.iter().map(String::as_str).collect();
    recs.into_iter()
        .filter(|r| keep.contains(r.id.as_str()))
        .collect()
}

/// The group key each alias of `recs` resolves to (aliases the index does
/// not know are absent), with one store query for all of them.
async fn resolve_aliases(
    store: &Store,
    recs: &[StoredRecord],
) -> Result<HashMap<String, String>, StoreError> {
    let aliases: BTreeSet<&str> = recs
        .iter()
        .flat_map(|r| r.aliases.iter().map(String::as_str))
        .collect();
    let aliases: Vec<&str> = aliases.into_iter().collect();
    store.kb_resolve_many(&aliases).await
}

/// The aliases of `recs` that are not ids of the vulnerability `group`:
/// the grouping refused their merge and put them in another one
/// (`resolved`: alias → group key, see [`Store::kb_resolve_many`]). The one
/// rule for which ids the view lists, whose KEV / EPSS it takes, and which
/// key the view, search and the feed name a vulnerability by.
pub fn elsewhere(
    group: &str,
    recs: &[StoredRecord],
    resolved: &HashMap<String, String>,
) -> BTreeSet<String> {
    let own: BTreeSet<&str> = recs.iter().map(|r| r.id.as_str()).collect();
    recs.iter()
        .flat_map(|r| r.aliases.iter())
        .filter(|a| !own.contains(a.as_str()) && resolved.get(*a).is_some_and(|g| g != group))
        .cloned()
        .collect()
}

/// The ids of `recs` (their ids and aliases) without those [`elsewhere`].
fn shown_ids(recs: &[StoredRecord], elsewhere: &BTreeSet<String>) -> BTreeSet<String> {
    let mut ids = all_ids(recs);
    ids.retain(|i| !elsewhere.contains(i));
    ids
}

/// The id under which the caller sees the group: the group key when a
/// visible record names it, else the lowest CVE id the visible records
/// name, else the lowest visible record id — among the ids the view shows
/// (without the aliases [`elsewhere`]). (The group key may come from a
/// record the caller may not see; it is never shown then.)
pub fn public_key(group: &str, recs: &[StoredRecord], elsewhere: &BTreeSet<String>) -> String {
    public_key_among(group, &shown_ids(recs, elsewhere), recs)
}

/// The key each of `recs` is listed under on its own (search results, the
/// changed-since feed): [`public_key`] of its group and that one record,
/// the aliases of all of them resolved with one store query.
pub async fn list_keys(store: &Store, recs: &[StoredRecord]) -> Result<Vec<String>, StoreError> {
    let resolved = resolve_aliases(store, recs).await?;
    Ok(recs
        .iter()
        .map(|r| {
            let one = std::slice::from_ref(r);
            public_key(&r.vuln_id, one, &elsewhere(&r.vuln_id, one, &resolved))
        })
        .collect())
}

fn public_key_among(group: &str, ids: &BTreeSet<String>, recs: &[StoredRecord]) -> String {
    if ids.contains(group) {
        return group.to_string();
    }
    ids.iter()
        .find(|i| is_cve(i))
        .or_else(|| recs.iter().map(|r| &r.id).min())
        .cloned()
        .unwrap_or_else(|| group.to_string())
}

/// Load the view of the vulnerability `id` names, from the records
/// `visible` accepts; `None` when it accepts none (or `id` is unknown).
/// The store queries do not grow with the group: at most two resolve `id`,
/// one reads the records, then one each resolves the aliases and reads the
/// KEV entries, EPSS scores and CWE names (each per 1,000 keys).
pub async fn load(
    store: &Store,
    id: &str,
    visible: impl Fn(&StoredRecord) -> bool,
) -> Result<Option<VulnView>, StoreError> {
    let Some((group, recs)) = visible_records(store, id, visible).await? else {
        return Ok(None);
    };
    let parsed = parse_all(&recs);
    let resolved = resolve_aliases(store, &recs).await?;
    let mut enrich = Enrichment {
        elsewhere: elsewhere(&group, &recs, &resolved),
        ..Enrichment::default()
    };
    let ids = shown_ids(&recs, &enrich.elsewhere);
    let cves: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|i| is_cve(i))
        .collect();
    enrich.kev = store.kb_kev_many(&cves).await?.into_iter().collect();
    enrich.epss = store.kb_epss_many(&cves).await?.into_iter().collect();
    let cwes: Vec<i64> = cwe_numbers(&parsed, &enrich.kev)
        .into_iter()
        .map(i64::from)
        .collect();
    enrich.cwe_names = store
        .kb_cwe_names(&cwes)
        .await?
        .into_iter()
        .filter_map(|(n, name)| Some((u32::try_from(n).ok()?, name)))
        .collect();
    Ok(Some(assemble(&group, id, &recs, &parsed, &enrich)))
}

/// Parse each stored record's JSON (`None` for one that no longer parses).
pub fn parse_all(recs: &[StoredRecord]) -> Vec<Option<Record>> {
    let limits = Limits::default();
    recs.iter()
        .map(|r| Record::from_json(&r.json, &limits).ok())
        .collect()
}

fn all_ids(recs: &[StoredRecord]) -> BTreeSet<String> {
    recs.iter()
        .flat_map(|r| std::iter::once(&r.id).chain(r.aliases.iter()))
        .cloned()
        .collect()
}

/// The record that speaks for the group (see the module docs for the rule).
pub fn primary_record<'r>(
    group: &str,
    asked: &str,
    recs: &'r [StoredRecord],
) -> Option<&'r StoredRecord> {
    recs.iter()
        .find(|r| r.id == asked)
        .or_else(|| {
            recs.iter()
                .filter(|r| is_cve(&r.id))
                .min_by(|a, b| a.id.cmp(&b.id))
        })
        .or_else(|| recs.iter().find(|r| r.id == group))
        .or_else(|| {
            recs.iter()
                .max_by(|a, b| a.modified.cmp(&b.modified).then(b.id.cmp(&a.id)))
        })
}

/// CWE numbers named by the records (`database_specific.cwe_ids`) and by
/// KEV entries (`cwes`).
pub fn cwe_numbers(parsed: &[Option<Record>], kev: &BTreeMap<String, Value>) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    let mut add = |v: &Value| {
        if let Some(a) = v.as_array() {
            for s in a.iter().filter_map(Value::as_str) {
                if let Ok(c) = levee_score::CweId::from_str(s.trim()) {
                    out.insert(c.0);
                }
            }
        }
    };
    for rec in parsed.iter().flatten() {
        if let Some(ds) = &rec.database_specific {
            let v = ds.to_value();
            add(&v["cwe_ids"]);
            add(&v["cwes"]);
        }
    }
    for k in kev.values() {
        add(&k["cwes"]);
    }
    out
}

fn text(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match &v[*k] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// A KEV entry stored as JSON (Levee's snake_case form or CISA's camelCase).
pub fn kev_view(cve: &str, v: &Value) -> KevView {
    KevView {
        cve: cve.to_string(),
        date_added: text(v, &["date_added", "dateAdded"]),
        due_date: text(v, &["due_date", "dueDate"]),
        required_action: text(v, &["required_action", "requiredAction"]),
        known_ransomware_campaign_use: text(
            v,
            &[
                "known_ransomware_campaign_use",
                "knownRansomwareCampaignUse",
            ],
        ),
        vendor_project: text(v, &["vendor_project", "vendorProject"]),
        product: text(v, &["product"]),
        vulnerability_name: text(v, &["vulnerability_name", "vulnerabilityName"]),
    }
}

/// Scores of one severity entry.
pub fn score_severity(kind: &str, vector: &str) -> (Option<Value>, Option<String>) {
    let looks_cvss =
        kind.starts_with("CVSS") || vector.starts_with("CVSS:") || vector.contains("AV:");
    if !looks_cvss {
        return (None, None);
    }
    match levee_score::cvss::parse(vector) {
        Ok(c) => (serde_json::to_value(c.scores()).ok(), None),
        Err(e) => (None, Some(e.to_string())),
    }
}

fn sorted<I: IntoIterator<Item = String>>(it: I) -> Vec<String> {
    let s: BTreeSet<String> = it.into_iter().collect();
    s.into_iter().collect()
}

/// Assemble the view from already loaded parts (pure; see [`load`]).
pub fn assemble(
    group: &str,
    asked: &str,
    recs: &[StoredRecord],
    parsed: &[Option<Record>],
    enrich: &Enrichment,
) -> VulnView {
    let primary = primary_record(group, asked, recs);
    let primary_id = primary.map(|r| r.id.clone()).unwrap_or_default();
    // Text: the primary's, else the first record (by id) that has it.
    let mut order: Vec<usize> = (0..recs.len()).collect();
    order.sort_by_key(|&i| (recs.get(i).map(|r| r.id != primary_id), i));
    let pick = |f: &dyn Fn(&Record) -> Option<String>| {
        order.iter().find_map(|&i| {
            parsed
                .get(i)
                .and_then(Option::as_ref)
                .and_then(f)
                .filter(|s| !s.trim().is_empty())
        })
    };
    let summary = pick(&|p| p.summary.clone()).or_else(|| primary.and_then(|r| r.summary.clone()));
    let details = pick(&|p| p.details.clone());

    let ids = shown_ids(recs, &enrich.elsewhere);
    let id = public_key_among(group, &ids, recs);
    let aliases: Vec<String> = ids.into_iter().collect();
    let published = recs.iter().filter_map(|r| r.published).min();
    let modified = recs.iter().map(|r| r.modified).max().unwrap_or_default();
    let withdrawn = if recs.iter().all(|r| r.withdrawn.is_some()) {
        recs.iter().filter_map(|r| r.withdrawn).max()
    } else {
        None
    };
    let sources = recs
        .iter()
        .map(|r| SourceView {
            id: r.id.clone(),
            source: r.source.clone(),
            modified: r.modified,
            published: r.published,
            withdrawn: r.withdrawn,
            aliases: r.aliases.clone(),
            summary: r.summary.clone(),
            tlp: r.label.tlp.as_str().to_string(),
            first_seen: r.first_seen,
        })
        .collect();

    // Affected packages, keyed by (ecosystem, name).
    let mut pkgs: BTreeMap<(String, String), AffectedView> = BTreeMap::new();
    for (r, p) in recs.iter().zip(parsed) {
        let Some(p) = p else { continue };
        for a in &p.affected {
            let Some(pkg) = &a.package else { continue };
            let key = (
                pkg.ecosystem.clone(),
                package_key(&pkg.ecosystem, &pkg.name),
            );
            let entry = pkgs.entry(key).or_insert_with(|| AffectedView {
                ecosystem: pkg.ecosystem.clone(),
                name: pkg.name.clone(),
                purl: pkg.purl.clone(),
                sources: Vec::new(),
            });
            if entry.purl.is_none() {
                entry.purl.clone_from(&pkg.purl);
            }
            let mut claim = AffectedClaim {
                record: r.id.clone(),
                source: r.source.clone(),
                ranges: Vec::new(),
                versions: a.versions.clone(),
                introduced: Vec::new(),
                fixed: Vec::new(),
                last_affected: Vec::new(),
            };
            for range in &a.ranges {
                // A GIT range's events are commits: they stay in `ranges`,
                // but the version lists (and so the disagreements) hold
                // versions only; a commit next to a version is no
                // disagreement with a source that lists the version alone.
                let commits = matches!(range.kind, levee_formats::RangeKind::Git);
                let mut events = Vec::new();
                for e in &range.events {
                    let (k, list) = match e {
                        levee_formats::Event::Introduced(_) => {
                            ("introduced", &mut claim.introduced)
                        }
                        levee_formats::Event::Fixed(_) => ("fixed", &mut claim.fixed),
                        levee_formats::Event::LastAffected(_) => {
                            ("last_affected", &mut claim.last_affected)
                        }
                        levee_formats::Event::Limit(_) => {
                            let mut m = BTreeMap::new();
                            m.insert("limit".to_string(), e.version().to_string());
                            events.push(m);
                            continue;
                        }
                    };
                    if !commits {
                        list.push(e.version().to_string());
                    }
                    let mut m = BTreeMap::new();
                    m.insert(k.to_string(), e.version().to_string());
                    events.push(m);
                }
                claim.ranges.push(RangeView {
                    kind: range.kind.as_str().to_string(),
                    repo: range.repo.clone(),
                    events,
                });
            }
            // One record may list a package twice: merge the claims.
            if let Some(prev) = entry.sources.iter_mut().find(|c| c.record == claim.record) {
                prev.ranges.extend(claim.ranges);
                prev.versions.extend(claim.versions);
                prev.introduced.extend(claim.introduced);
                prev.fixed.extend(claim.fixed);
                prev.last_affected.extend(claim.last_affected);
            } else {
                entry.sources.push(claim);
            }
        }
    }
    let mut disagreements = Vec::new();
    for a in pkgs.values() {
        // A source with no version range (only GIT ranges, or only a list
        // of versions) makes no claim on these version lists.
        let ranged: Vec<&AffectedClaim> = a
            .sources
            .iter()
            .filter(|c| {
                !(c.introduced.is_empty() && c.fixed.is_empty() && c.last_affected.is_empty())
            })
            .collect();
        if ranged.len() < 2 {
            continue;
        }
        for field in ["introduced", "fixed", "last_affected"] {
            let claims: Vec<Claim> = ranged
                .iter()
                .map(|c| Claim {
                    record: c.record.clone(),
                    source: c.source.clone(),
                    values: sorted(
                        match field {
                            "introduced" => &c.introduced,
                            "fixed" => &c.fixed,
                            _ => &c.last_affected,
                        }
                        .iter()
                        .cloned(),
                    ),
                })
                .collect();
            if claims.iter().any(|c| c.values != claims[0].values) {
                disagreements.push(Disagreement {
                    field: field.to_string(),
                    subject: format!("{}/{}", a.ecosystem, a.name),
                    claims,
                });
            }
        }
    }

    // Severity: each distinct (type, vector), with the records carrying it.
    let mut sev: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for (r, p) in recs.iter().zip(parsed) {
        let Some(p) = p else { continue };
        let all = p
            .severity
            .iter()
            .chain(p.affected.iter().flat_map(|a| a.severity.iter()));
        for s in all {
            sev.entry((s.kind.clone(), s.score.clone()))
                .or_default()
                .insert(r.id.clone());
        }
    }
    let severity: Vec<SeverityView> = sev
        .into_iter()
        .map(|((kind, vector), records)| {
            let (cvss, error) = score_severity(&kind, &vector);
            SeverityView {
                kind,
                vector,
                records: records.into_iter().collect(),
                cvss,
                error,
            }
        })
        .collect();
    // Sources that give different vectors of the same CVSS version.
    let mut by_version: BTreeMap<String, Vec<Claim>> = BTreeMap::new();
    for s in &severity {
        let Some(ver) = s.cvss.as_ref().and_then(|c| c["version"].as_str()) else {
            continue;
        };
        for rid in &s.records {
            let src = recs
                .iter()
                .find(|r| &r.id == rid)
                .map(|r| r.source.clone())
                .unwrap_or_default();
            let claims = by_version.entry(ver.to_string()).or_default();
            match claims.iter_mut().find(|c| &c.record == rid) {
                Some(c) => c.values.push(s.vector.clone()),
                None => claims.push(Claim {
                    record: rid.clone(),
                    source: src,
                    values: vec![s.vector.clone()],
                }),
            }
        }
    }
    for (ver, claims) in by_version {
        if claims.len() > 1 && claims.iter().any(|c| c.values != claims[0].values) {
            disagreements.push(Disagreement {
                field: "severity".into(),
                subject: format!("CVSS {ver}"),
                claims,
            });
        }
    }

    let kev = enrich.kev.iter().map(|(c, v)| kev_view(c, v)).collect();
    let epss = enrich
        .epss
        .iter()
        .map(|(c, (s, p, d))| EpssView {
            cve: c.clone(),
            score: s.clone(),
            percentile: p.clone(),
            date: d.clone(),
        })
        .collect();
    let cwes = cwe_numbers(parsed, &enrich.kev)
        .into_iter()
        .map(|n| CweView {
            id: format!("CWE-{n}"),
            name: enrich.cwe_names.get(&n).cloned(),
        })
        .collect();
    let idset: BTreeSet<&String> = aliases.iter().collect();
    let links = Links {
        related: sorted(
            recs.iter()
                .flat_map(|r| r.related.iter())
                .filter(|x| !idset.contains(x))
                .cloned(),
        ),
        upstream: sorted(
            recs.iter()
                .flat_map(|r| r.upstream.iter())
                .filter(|x| !idset.contains(x))
                .cloned(),
        ),
    };
    let references: BTreeSet<ReferenceView> = parsed
        .iter()
        .flatten()
        .flat_map(|p| p.references.iter())
        .map(|r| ReferenceView {
            kind: r.kind.clone(),
            url: r.url.clone(),
        })
        .collect();
    VulnView {
        id,
        aliases,
        summary,
        details,
        published,
        modified,
        withdrawn,
        primary: primary_id,
        sources,
        disagreements,
        affected: pkgs.into_values().collect(),
        severity,
        kev,
        epss,
        cwes,
        links,
        references: references.into_iter().collect(),
    }
}

/// A package name as its ecosystem compares names (PyPI: PEP 503), so
/// that `Demo_Pkg` and `demo-pkg` from two sources are one package.
pub fn package_key(ecosystem: &str, name: &str) -> String {
    if ecosystem.split(':').next() == Some("PyPI") {
        levee_versions::purl::pep503(name)
    } else {
        name.to_string()
    }
}

/// A model timestamp from an OSV one (the importer's conversion).
pub fn model_time(t: &levee_formats::Timestamp) -> Timestamp {
    crate::import::model_time(t)
}

/// A store row for a parsed OSV record (used by tests and tools that write
/// fixtures directly). The same rows as `levee import` writes: it is the
/// importer's builder, so search text and affected keys cannot diverge.
pub fn row_from_record(rec: &Record, source: &str, label: Label) -> KbRecordRow {
    crate::import::record_row(rec, source, &label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(json: &str, source: &str, group: &str) -> (StoredRecord, Option<Record>) {
        let rec = Record::from_json(json, &Limits::default()).unwrap();
        let row = row_from_record(&rec, source, Label::clear());
        (
            StoredRecord {
                id: row.id,
                source: row.source,
                modified: row.modified,
                published: row.published,
                withdrawn: row.withdrawn,
                aliases: row.aliases,
                related: row.related,
                upstream: row.upstream,
                summary: row.summary,
                json: row.json,
                vuln_id: group.into(),
                label: row.label,
                seq: 1,
                first_seen: Timestamp::default(),
                updated_at: Timestamp::default(),
            },
            Some(rec),
        )
    }

    const GHSA: &str = r#"{"id":"GHSA-aaaa-bbbb-cccc","modified":"2024-02-01T00:00:00Z","published":"2024-01-02T00:00:00Z","aliases":["CVE-2024-0001"],"related":["CVE-2023-9999"],"summary":"GHSA summary","details":"ghsa details","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],"affected":[{"package":{"ecosystem":"PyPI","name":"demo"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2.3"}]}]}],"database_specific":{"cwe_ids":["CWE-79"]}}"#;
    const PYSEC: &str = r#"{"id":"PYSEC-2024-1","modified":"2024-03-01T00:00:00Z","published":"2024-01-01T00:00:00Z","aliases":["CVE-2024-0001","GHSA-aaaa-bbbb-cccc"],"details":"pysec details","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"}],"affected":[{"package":{"ecosystem":"PyPI","name":"demo"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2.4"}]}]}]}"#;

    /// A source that adds a GIT range (PYSEC does) does not disagree with
    /// one that gives the same versions without it: commits are kept in
    /// `ranges`, not mixed into the version lists.
    #[test]
    fn git_commits_are_no_version_disagreement() {
        let with_git = PYSEC.replace(
            r#""ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2.4"}]}]"#,
            r#""ranges":[{"type":"GIT","repo":"https://example.org/demo","events":[{"introduced":"0"},{"fixed":"8d65ea1ecf6e2cdc27d42124e587c1b83a3118b0"}]},{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2.3"}]}]"#,
        );
        assert_ne!(with_git, PYSEC);
        let (a, pa) = stored(GHSA, "ghsa", "CVE-2024-0001");
        let (b, pb) = stored(&with_git, "pypa", "CVE-2024-0001");
        let v = assemble(
            "CVE-2024-0001",
            "CVE-2024-0001",
            &[a, b],
            &[pa, pb],
            &Enrichment::default(),
        );
        let fields: Vec<&str> = v.disagreements.iter().map(|d| d.field.as_str()).collect();
        assert!(!fields.contains(&"fixed"), "{:?}", v.disagreements);
        assert!(!fields.contains(&"introduced"), "{:?}", v.disagreements);
        let pysec = &v.affected[0].sources[1];
        assert_eq!(pysec.record, "PYSEC-2024-1");
        assert_eq!(pysec.fixed, ["1.2.3"]);
        assert_eq!(pysec.introduced, ["0"]);
        // The commit is still there, in its range.
        assert_eq!(pysec.ranges.len(), 2);
        // A source with GIT ranges only (as OSS-Fuzz writes them) makes
        // no version claim, so it disagrees with no one either.
        let git_only = with_git.replace(
            r#",{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2.3"}]}"#,
            "",
        );
        assert_ne!(git_only, with_git);
        let (a, pa) = stored(GHSA, "ghsa", "CVE-2024-0001");
        let (b, pb) = stored(&git_only, "pypa", "CVE-2024-0001");
        let v = assemble(
            "CVE-2024-0001",
            "CVE-2024-0001",
            &[a, b],
            &[pa, pb],
            &Enrichment::default(),
        );
        assert!(
            v.disagreements.iter().all(|d| d.field == "severity"),
            "{:?}",
            v.disagreements
        );
        assert_eq!(v.affected[0].sources.len(), 2);
        assert_eq!(pysec.ranges[0].kind, "GIT");
        assert_eq!(
            pysec.ranges[0].events[1]["fixed"],
            "8d65ea1ecf6e2cdc27d42124e587c1b83a3118b0"
        );
    }

    #[test]
    fn sources_merge_and_disagreements_stay_visible() {
        let (a, pa) = stored(GHSA, "ghsa", "CVE-2024-0001");
        let (b, pb) = stored(PYSEC, "pypa", "CVE-2024-0001");
        let recs = vec![a, b];
        let parsed = vec![pa, pb];
        let mut e = Enrichment::default();
        e.kev.insert(
            "CVE-2024-0001".into(),
            serde_json::json!({"cveID": "CVE-2024-0001", "dateAdded": "2024-05-01", "dueDate": "2024-05-22", "requiredAction": "Patch", "knownRansomwareCampaignUse": "Known", "cwes": ["CWE-502"]}),
        );
        e.epss.insert(
            "CVE-2024-0001".into(),
            ("0.9".into(), "0.99".into(), Some("2024-06-01".into())),
        );
        e.cwe_names.insert(79, "XSS".into());
        let v = assemble("CVE-2024-0001", "CVE-2024-0001", &recs, &parsed, &e);
        assert_eq!(
            v.aliases,
            ["CVE-2024-0001", "GHSA-aaaa-bbbb-cccc", "PYSEC-2024-1"]
        );
        // No CVE record: the group key is not a record either -> newest.
        assert_eq!(v.primary, "PYSEC-2024-1");
        assert_eq!(v.details.as_deref(), Some("pysec details"));
        assert_eq!(v.summary.as_deref(), Some("GHSA summary"));
        assert_eq!(v.published, recs[1].published);
        assert_eq!(v.modified, recs[1].modified);
        assert_eq!(v.withdrawn, None);
        assert_eq!(v.sources.len(), 2);
        let fixed = v
            .disagreements
            .iter()
            .find(|d| d.field == "fixed")
            .expect("fixed disagreement");
        assert_eq!(fixed.subject, "PyPI/demo");
        assert_eq!(fixed.claims[0].values, ["1.2.3"]);
        assert_eq!(fixed.claims[1].values, ["1.2.4"]);
        assert!(!v.disagreements.iter().any(|d| d.field == "introduced"));
        assert!(v.disagreements.iter().any(|d| d.field == "severity"));
        assert_eq!(v.severity.len(), 2);
        let crit = v
            .severity
            .iter()
            .find(|s| s.vector.contains("AC:L"))
            .unwrap();
        assert_eq!(crit.cvss.as_ref().unwrap()["base_score"], 9.8);
        assert_eq!(crit.cvss.as_ref().unwrap()["severity"], "CRITICAL");
        assert_eq!(v.kev[0].due_date.as_deref(), Some("2024-05-22"));
        assert_eq!(
            v.kev[0].known_ransomware_campaign_use.as_deref(),
            Some("Known")
        );
        assert_eq!(v.epss[0].percentile, "0.99");
        let cwes: Vec<_> = v.cwes.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(cwes, ["CWE-79", "CWE-502"]);
        assert_eq!(v.cwes[0].name.as_deref(), Some("XSS"));
        assert_eq!(v.links.related, ["CVE-2023-9999"]);
        // Asking for a record id makes that record primary.
        let v2 = assemble("CVE-2024-0001", "GHSA-aaaa-bbbb-cccc", &recs, &parsed, &e);
        assert_eq!(v2.primary, "GHSA-aaaa-bbbb-cccc");
        assert_eq!(v2.details.as_deref(), Some("ghsa details"));
    }

    #[test]
    fn cve_record_is_primary_and_withdrawn_needs_all() {
        let cve = r#"{"id":"CVE-2024-0001","modified":"2024-01-01T00:00:00Z","withdrawn":"2024-01-05T00:00:00Z"}"#;
        let (a, pa) = stored(GHSA, "ghsa", "CVE-2024-0001");
        let (c, pc) = stored(cve, "nvd", "CVE-2024-0001");
        let recs = vec![c.clone(), a];
        let v = assemble(
            "CVE-2024-0001",
            "GHSA-x",
            &recs,
            &[pc.clone(), pa],
            &Enrichment::default(),
        );
        assert_eq!(v.primary, "CVE-2024-0001");
        assert_eq!(v.withdrawn, None);
        let v = assemble("CVE-2024-0001", "x", &[c], &[pc], &Enrichment::default());
        assert!(v.withdrawn.is_some());
    }

    #[test]
    fn a_hidden_group_key_is_never_shown() {
        let none = BTreeSet::new();
        let (a, _) = stored(GHSA, "ghsa", "CVE-2024-0001");
        assert_eq!(
            public_key("CVE-2024-0001", std::slice::from_ref(&a), &none),
            "CVE-2024-0001"
        );
        // The key came from a record the caller cannot see.
        assert_eq!(
            public_key("CVE-2023-0002", std::slice::from_ref(&a), &none),
            "CVE-2024-0001"
        );
        let (mut b, _) = stored(PYSEC, "pypa", "X");
        b.aliases.clear();
        assert_eq!(public_key("CVE-2023-0002", &[b], &none), "PYSEC-2024-1");
    }

    #[test]
    fn bad_vectors_are_reported_not_fatal() {
        let (s, e) = score_severity("CVSS_V3", "CVSS:3.1/AV:X");
        assert!(s.is_none() && e.is_some());
        assert_eq!(score_severity("Ubuntu", "high"), (None, None));
        let (s, _) = score_severity(
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        );
        assert_eq!(s.unwrap()["nomenclature"], "CVSS-B");
    }
}
