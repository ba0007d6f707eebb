//! The per-process matching index for OSV queries: every stored
//! knowledge-base record's affected entries, compiled once with
//! `levee-versions` and keyed by (ecosystem, normalized package name), plus
//! the commits named in GIT ranges. Built from the store on first use and
//! kept current by tailing the change log (`kind = "kb_record"`), so every
//! process of a PostgreSQL deployment converges on the same answers.
//!
//! [`KbIndex::find_many`] is the one entry point the OSV routes call; swapping the
//! matching engine (e.g. for a `levee-match` crate) means replacing it.
//!
//! Matching follows osv.dev: a version matches an affected entry when the
//! entry's `versions` list names it or one of its SEMVER/ECOSYSTEM ranges
//! contains it in the ecosystem's ordering (undecidable = no match); a
//! commit matches when a GIT range names it as introduced/last_affected
//! (and not as fixed/limit); withdrawn records match nothing. A query
//! ecosystem without a `:release` suffix matches every release of it.
//! One exception to "undecidable = no match": an entry with a range of a
//! type OSV does not define (its events cannot be read, so any version may
//! be in it) matches every version its known ranges leave undecided, so
//! such a record is never silently left out (osv.dev refuses such records;
//! the knowledge base keeps them with an `unknown_range_type` warning).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use levee_formats::{Limits, Record};
use levee_model::Timestamp;
use levee_store::kb::{Label, StoredRecord};
use levee_store::{Store, StoreError};
use levee_versions::ecosystem::AdvisoryRelease;
use levee_versions::{AffectedMatcher, Ecosystem, OsvRange, RangeKind, Verdict};
use tokio::sync::RwLock;

/// (canonical base ecosystem, normalized name).
type PkgKey = (String, String);

/// Change-log entries read per round trip while catching up.
const CATCH_UP: i64 = 10_000;

/// The canonical spelling of an ecosystem's base name (`pypi` → `PyPI`),
/// or the base as written when Levee does not know it.
pub fn base_ecosystem(eco: &str) -> String {
    let base = eco.split(':').next().unwrap_or(eco);
    Ecosystem::parse(base).map_or_else(|_| base.to_string(), |e| e.name.as_str().to_string())
}

/// A package name as the ecosystem compares it (PyPI: PEP 503).
pub fn normalize_name(base_eco: &str, name: &str) -> String {
    if base_eco == "PyPI" {
        levee_versions::purl::pep503(name)
    } else {
        name.to_string()
    }
}

struct IndexedAffected {
    key: PkgKey,
    /// The release suffix of the ecosystem (`12` of `Debian:12`), read once
    /// for matching.
    release: Option<AdvisoryRelease>,
    matcher: Option<AffectedMatcher>,
    versions: Vec<String>,
    /// A range of a type OSV does not define: a version it leaves
    /// undecidable is answered.
    unknown_ranges: bool,
}

/// What the index keeps per record (no JSON: full records are read from
/// the store when a response needs them).
pub struct IndexedRecord {
    pub id: String,
    pub modified: Timestamp,
    pub label: Label,
    pub withdrawn: bool,
    affected: Vec<IndexedAffected>,
    commits: Vec<String>,
}

#[derive(Default)]
struct State {
    built: bool,
    seq: i64,
    records: HashMap<String, Arc<IndexedRecord>>,
    by_pkg: HashMap<PkgKey, BTreeSet<String>>,
    by_commit: HashMap<String, BTreeSet<String>>,
}

impl State {
    fn remove(&mut self, id: &str) {
        let Some(old) = self.records.remove(id) else {
            return;
        };
        for a in &old.affected {
            if let Some(s) = self.by_pkg.get_mut(&a.key) {
                s.remove(id);
                if s.is_empty() {
                    self.by_pkg.remove(&a.key);
                }
            }
        }
        for c in &old.commits {
            if let Some(s) = self.by_commit.get_mut(c) {
                s.remove(id);
                if s.is_empty() {
                    self.by_commit.remove(c);
                }
            }
        }
    }

    fn insert(&mut self, r: &StoredRecord) {
        self.remove(&r.id);
        let rec = index_record(r);
        for a in &rec.affected {
            self.by_pkg
                .entry(a.key.clone())
                .or_default()
                .insert(rec.id.clone());
        }
        for c in &rec.commits {
            self.by_commit
                .entry(c.clone())
                .or_default()
                .insert(rec.id.clone());
        }
        self.records.insert(rec.id.clone(), Arc::new(rec));
    }
}

fn index_record(r: &StoredRecord) -> IndexedRecord {
    let withdrawn = r.withdrawn.is_some();
    let mut affected = Vec::new();
    let mut commits = BTreeSet::new();
    if let Ok(rec) = Record::from_json(&r.json, &Limits::default()) {
        for a in &rec.affected {
            let ranges: Vec<OsvRange> = a.ranges.iter().map(OsvRange::from).collect();
            for rg in ranges.iter().filter(|r| r.kind == RangeKind::Git) {
                for e in &rg.events {
                    if matches!(
                        e,
                        levee_versions::Event::Introduced(_)
                            | levee_versions::Event::LastAffected(_)
                    ) && e.version() != "0"
                    {
                        commits.insert(e.version().to_ascii_lowercase());
                    }
                }
            }
            let Some(pkg) = &a.package else {
                // Package-less entries (OSS-Fuzz style) still answer commits.
                continue;
            };
            let base = base_ecosystem(&pkg.ecosystem);
            let ecosystem = Ecosystem::parse(&pkg.ecosystem).ok();
            let scheme = ecosystem.as_ref().and_then(Ecosystem::scheme);
            let matcher = AffectedMatcher::compile(scheme, &ranges, &a.versions, withdrawn).ok();
            let release = pkg
                .ecosystem
                .split_once(':')
                .map(|(_, r)| AdvisoryRelease::new(ecosystem.map(|e| e.name), r));
            affected.push(IndexedAffected {
                key: (base.clone(), normalize_name(&base, &pkg.name)),
                release,
                matcher,
                versions: a.versions.clone(),
                unknown_ranges: ranges.iter().any(|r| r.kind == RangeKind::Unknown),
            });
        }
    }
    IndexedRecord {
        id: r.id.clone(),
        modified: r.modified,
        label: r.label.clone(),
        withdrawn,
        affected,
        commits: commits.into_iter().collect(),
    }
}

/// A package as a query names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageRef {
    /// OSV ecosystem, possibly with a release (`Debian:12`).
    pub ecosystem: String,
    pub name: String,
}

/// What is asked about the package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Probe {
    Version(String),
    Commit(String),
    /// Every vulnerability of the package, whatever the version.
    Any,
}

/// One match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub id: String,
    pub modified: Timestamp,
}

/// The index; one per process (in `AppState`).
#[derive(Default)]
pub struct KbIndex {
    state: RwLock<State>,
}

impl KbIndex {
    /// Bring the index up to the store's latest change.
    pub async fn refresh(&self, store: &Store) -> Result<(), StoreError> {
        let head = store.last_change_seq().await?;
        {
            let st = self.state.read().await;
            if st.built && st.seq >= head {
                return Ok(());
            }
        }
        let mut st = self.state.write().await;
        if !st.built {
            // Everything committed up to `head` is in the pages; what commits
            // while we page is replayed from the change log below.
            let mut after = String::new();
            loop {
                let page = store.kb_records_page(&after, 2_000).await?;
                for r in &page {
                    st.insert(r);
                }
                match page.last() {
                    Some(r) if page.len() == 2_000 => after.clone_from(&r.id),
                    _ => break,
                }
            }
            st.seq = head;
            st.built = true;
        }
        loop {
            let changes = store.changes_since(st.seq, CATCH_UP).await?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                break;
            };
            let ids: BTreeSet<&str> = changes
                .iter()
                .filter(|c| c.kind == "kb_record")
                .map(|c| c.object_id.as_str())
                .collect();
            // One query per 1,000 changed records, not one per record.
            let ids: Vec<&str> = ids.into_iter().collect();
            let found = store.kb_records_by_ids(&ids).await?;
            let present: BTreeSet<&str> = found.iter().map(|r| r.id.as_str()).collect();
            for r in &found {
                st.insert(r);
            }
            for id in ids.iter().filter(|id| !present.contains(**id)) {
                st.remove(id);
            }
            st.seq = last;
            if (changes.len() as i64) < CATCH_UP {
                break;
            }
        }
        Ok(())
    }

    /// Records affected per query (see the module docs), restricted to
    /// what `visible` accepts, each sorted by id; one refresh and one
    /// consistent snapshot for the whole list. `pkg = None` only with a
    /// commit probe.
    pub async fn find_many(
        &self,
        store: &Store,
        queries: &[(Option<&PackageRef>, &Probe)],
        visible: impl Fn(&Label) -> bool,
    ) -> Result<Vec<Vec<Hit>>, StoreError> {
        self.refresh(store).await?;
        let st = self.state.read().await;
        Ok(queries
            .iter()
            .map(|(pkg, probe)| lookup(&st, *pkg, probe, &visible))
            .collect())
    }

    /// Number of records indexed (for tests and metrics).
    pub async fn len(&self) -> usize {
        self.state.read().await.records.len()
    }

    pub async fn is_empty(&self) -> bool {
        self.len().await == 0
    }
}

fn lookup(
    st: &State,
    pkg: Option<&PackageRef>,
    probe: &Probe,
    visible: &impl Fn(&Label) -> bool,
) -> Vec<Hit> {
    let want = pkg.map(|p| {
        let base = base_ecosystem(&p.ecosystem);
        let name = normalize_name(&base, &p.name);
        let release = p.ecosystem.split_once(':').map(|(_, r)| r.to_string());
        ((base, name), release)
    });
    let candidates: Vec<&String> = match (&want, probe) {
        (Some((key, _)), _) => st.by_pkg.get(key).into_iter().flatten().collect(),
        (None, Probe::Commit(c)) => st
            .by_commit
            .get(&c.to_ascii_lowercase())
            .into_iter()
            .flatten()
            .collect(),
        (None, _) => Vec::new(),
    };
    let mut out = Vec::new();
    for id in candidates {
        let Some(rec) = st.records.get(id) else {
            continue;
        };
        if rec.withdrawn || !visible(&rec.label) {
            continue;
        }
        let hit = match &want {
            Some((key, release)) => rec.affected.iter().any(|a| {
                &a.key == key
                    && match (release, &a.release) {
                        (None, _) => true,
                        (Some(w), Some(h)) => h.covers(w),
                        (Some(_), None) => false,
                    }
                    && entry_matches(a, probe)
            }),
            None => {
                rec.affected.iter().any(|a| entry_matches(a, probe))
                    || (rec.affected.is_empty() && matches!(probe, Probe::Commit(_)))
            }
        };
        if hit {
            out.push(Hit {
                id: rec.id.clone(),
                modified: rec.modified,
            });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn entry_matches(a: &IndexedAffected, probe: &Probe) -> bool {
    match probe {
        Probe::Any => true,
        Probe::Version(v) => match &a.matcher {
            Some(m) => match m.evaluate_str(v) {
                Verdict::Affected => true,
                Verdict::Undecidable => a.unknown_ranges,
                Verdict::NotAffected => false,
            },
            // Known ranges that do not compile: only the listed versions
            // (an unknown range beside them must not make every version
            // of the package match).
            None => a.versions.iter().any(|x| x == v),
        },
        Probe::Commit(c) => {
            a.versions.iter().any(|x| x.eq_ignore_ascii_case(c))
                || a.matcher
                    .as_ref()
                    .is_some_and(|m| m.evaluate_commit(c) == Verdict::Affected)
        }
    }
}

/// (OSV ecosystem, package name, version) named by a purl.
pub fn purl_package(purl: &str) -> Result<(String, String, Option<String>), String> {
    let p = levee_versions::PackageUrl::parse(purl).map_err(|e| e.to_string())?;
    let (eco, name) = p
        .osv_package()
        .ok_or_else(|| format!("purl type {:?} has no OSV ecosystem", p.ty))?;
    Ok((eco, name, p.version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_map_to_osv_names() {
        assert_eq!(
            purl_package("pkg:pypi/Django@3.2").unwrap(),
            ("PyPI".into(), "django".into(), Some("3.2".into()))
        );
        assert_eq!(
            purl_package("pkg:npm/%40babel/core@7.0.0").unwrap().1,
            "@babel/core"
        );
        assert_eq!(
            purl_package("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")
                .unwrap()
                .1,
            "org.apache.logging.log4j:log4j-core"
        );
        assert_eq!(
            purl_package("pkg:golang/github.com/gin-gonic/gin")
                .unwrap()
                .1,
            "github.com/gin-gonic/gin"
        );
        assert!(purl_package("pkg:unknowntype/x").is_err());
        assert!(purl_package("not a purl").is_err());
    }

    #[test]
    fn names_normalize_per_ecosystem() {
        assert_eq!(base_ecosystem("pypi"), "PyPI");
        assert_eq!(base_ecosystem("Debian:12"), "Debian");
        assert_eq!(normalize_name("PyPI", "Zope.Interface"), "zope-interface");
        assert_eq!(normalize_name("npm", "Foo"), "Foo");
    }

    fn stored(id: &str, json: String) -> StoredRecord {
        StoredRecord {
            id: id.into(),
            source: "test".into(),
            modified: Timestamp::default(),
            published: None,
            withdrawn: None,
            aliases: Vec::new(),
            related: Vec::new(),
            upstream: Vec::new(),
            summary: None,
            json,
            vuln_id: id.into(),
            label: Label::clear(),
            seq: 0,
            first_seen: Timestamp::default(),
            updated_at: Timestamp::default(),
        }
    }

    /// A range of a type OSV does not define cannot be read, so the
    /// versions it may cover are undecidable; the OSV API has no "maybe",
    /// so the record is answered (never silently left out). A record whose
    /// ranges are all known still answers by them alone.
    #[test]
    fn an_unknown_range_type_is_answered_not_dropped() {
        let mut st = State::default();
        for (id, ranges) in [
            (
                "MIXED-1",
                r#"[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]},{"type":"NEWTYPE","events":[{"introduced":"2.0.0"},{"fixed":"3.0.0"}]}]"#,
            ),
            (
                "KNOWN-1",
                r#"[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]"#,
            ),
        ] {
            st.insert(&stored(
                id,
                format!(
                    r#"{{"id":"{id}","modified":"2024-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"npm","name":"p"}},"ranges":{ranges}}}]}}"#
                ),
            ));
        }
        let ids = |version: &str| -> Vec<String> {
            let pkg = PackageRef {
                ecosystem: "npm".into(),
                name: "p".into(),
            };
            lookup(&st, Some(&pkg), &Probe::Version(version.into()), &|_| true)
                .into_iter()
                .map(|h| h.id)
                .collect()
        };
        assert_eq!(ids("0.5.0"), ["KNOWN-1", "MIXED-1"]);
        assert_eq!(ids("2.5.0"), ["MIXED-1"]);
        assert_eq!(ids("9.0.0"), ["MIXED-1"]);
    }

    /// The Red Hat stream rules (a RHEL `9` host under
    /// `enterprise_linux:9::appstream`) apply to Red Hat records only: a
    /// Debian release shaped like a stream is compared by the general rule.
    #[test]
    fn redhat_release_rules_apply_to_red_hat_only() {
        let mut st = State::default();
        for (id, eco) in [("RH-1", "Red Hat"), ("DEB-1", "Debian")] {
            st.insert(&stored(
                id,
                format!(
                    r#"{{"id":"{id}","modified":"2024-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"{eco}:enterprise_linux:9::appstream","name":"p"}},"versions":["1"]}}]}}"#
                ),
            ));
        }
        let ids = |ecosystem: &str| -> Vec<String> {
            let pkg = PackageRef {
                ecosystem: ecosystem.into(),
                name: "p".into(),
            };
            lookup(&st, Some(&pkg), &Probe::Version("1".into()), &|_| true)
                .into_iter()
                .map(|h| h.id)
                .collect()
        };
        assert_eq!(ids("Red Hat:9.2"), ["RH-1"]);
        assert!(ids("Red Hat:8").is_empty());
        assert!(ids("Debian:9").is_empty());
        assert!(ids("Debian:9.2").is_empty());
        assert_eq!(ids("Debian:enterprise_linux:9"), ["DEB-1"]);
        assert_eq!(ids("Debian"), ["DEB-1"]);
    }
}
