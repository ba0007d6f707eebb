//! One vulnerability per real-world flaw: group records through `aliases`.
//!
//! Rules:
//! * Only `aliases` merge (`id` ~ each alias). `related` and `upstream`
//!   produce [`Link`]s, never merges.
//! * A group never holds two different CVE ids unless some single source
//!   record lists both (its id and/or aliases). A merge that would chain two
//!   CVE ids through a third record is refused and reported as a
//!   [`Conflict`].
//! * The result depends only on the set of records, not on the order they
//!   were added: a connected component without conflicts is simply merged
//!   (the fast path); a component with a conflict is recomputed in a
//!   canonical order (records by id, aliases by id), so which merge is
//!   refused is deterministic.
//! * Re-adding a record with the same id replaces its aliases (a newer
//!   `modified`): its component is recomputed.
//!
//! Incremental: [`Grouper::add`] per record, [`Grouper::group_key`] any time.

use std::collections::{HashMap, HashSet};

use crate::record::Record;

/// Kind of a non-merging link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LinkKind {
    /// From `related`.
    Related,
    /// From `upstream`.
    Upstream,
}

/// A link between a record and another id (never a merge).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Link {
    /// The record that states the link.
    pub from: String,
    /// The id it points to.
    pub to: String,
    /// `related` or `upstream`.
    pub kind: LinkKind,
}

/// A refused merge: `record` lists `alias`, but joining them would put CVE
/// ids together that no single record lists together.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Conflict {
    /// The record whose alias was not followed.
    pub record: String,
    /// The alias that was not followed.
    pub alias: String,
    /// CVE ids on the record's side.
    pub record_side_cves: Vec<String>,
    /// CVE ids on the alias's side.
    pub alias_side_cves: Vec<String>,
}

/// A group: one vulnerability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Deterministic key: the smallest CVE id in the group, else the
    /// smallest record id, else the smallest id.
    pub key: String,
    /// Every id in the group (record ids and aliases), sorted.
    pub ids: Vec<String>,
    /// Ids of the source records in the group, sorted.
    pub records: Vec<String>,
    /// CVE ids in the group, sorted.
    pub cves: Vec<String>,
}

/// Is `id` a CVE id (`CVE-YYYY-NNNN...`)?
pub fn is_cve(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, num)) = rest.split_once('-') else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && num.len() >= 4
        && num.bytes().all(|b| b.is_ascii_digit())
}

#[derive(Debug, Clone, Default)]
struct Entry {
    aliases: Vec<u32>,
    cves: Vec<u32>,
    links: Vec<(u32, LinkKind)>,
}

/// Incremental alias grouping. See the module docs for the rules.
#[derive(Debug, Default, Clone)]
pub struct Grouper {
    index: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
    cve: Vec<bool>,
    // restricted union-find (the groups)
    parent: Vec<u32>,
    size: Vec<u32>,
    gcves: Vec<Vec<u32>>,
    gmembers: Vec<Vec<u32>>,
    // unrestricted union-find (recompute scope)
    fparent: Vec<u32>,
    fmembers: Vec<Vec<u32>>,
    dirty: Vec<bool>,
    conflicts: HashMap<u32, Vec<(u32, u32)>>,
    // source records
    records: HashMap<u32, Entry>,
    attested: HashMap<(u32, u32), u32>,
}

fn pair(a: u32, b: u32) -> (u32, u32) {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

impl Grouper {
    /// An empty grouper.
    pub fn new() -> Self {
        Self::default()
    }

    fn intern(&mut self, id: &str) -> u32 {
        if let Some(&n) = self.index.get(id) {
            return n;
        }
        let n = self.names.len() as u32;
        self.index.insert(id.into(), n);
        self.names.push(id.into());
        let c = is_cve(id);
        self.cve.push(c);
        self.parent.push(n);
        self.size.push(1);
        self.gcves.push(if c { vec![n] } else { Vec::new() });
        self.gmembers.push(vec![n]);
        self.fparent.push(n);
        self.fmembers.push(vec![n]);
        self.dirty.push(false);
        n
    }

    fn name(&self, n: u32) -> &str {
        self.names.get(n as usize).map_or("", |s| s)
    }

    fn find(&self, mut n: u32) -> u32 {
        while let Some(&p) = self.parent.get(n as usize) {
            if p == n {
                break;
            }
            n = p;
        }
        n
    }

    fn ffind(&self, mut n: u32) -> u32 {
        while let Some(&p) = self.fparent.get(n as usize) {
            if p == n {
                break;
            }
            n = p;
        }
        n
    }

    fn funion(&mut self, a: u32, b: u32) -> u32 {
        let (ra, rb) = (self.ffind(a), self.ffind(b));
        if ra == rb {
            return ra;
        }
        let (big, small) = if self.fmembers[ra as usize].len() >= self.fmembers[rb as usize].len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.fparent[small as usize] = big;
        let moved = std::mem::take(&mut self.fmembers[small as usize]);
        self.fmembers[big as usize].extend(moved);
        self.dirty[big as usize] |= self.dirty[small as usize];
        if let Some(c) = self.conflicts.remove(&small) {
            self.conflicts.entry(big).or_default().extend(c);
        }
        big
    }

    /// Union in the restricted structure unless it would join unattested CVEs.
    fn try_union(&mut self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return true;
        }
        for &x in &self.gcves[ra as usize] {
            for &y in &self.gcves[rb as usize] {
                if x != y && !self.attested.contains_key(&pair(x, y)) {
                    return false;
                }
            }
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
        let c = std::mem::take(&mut self.gcves[small as usize]);
        let big_c = &mut self.gcves[big as usize];
        for x in c {
            if !big_c.contains(&x) {
                big_c.push(x);
            }
        }
        let m = std::mem::take(&mut self.gmembers[small as usize]);
        self.gmembers[big as usize].extend(m);
        true
    }

    fn attest(&mut self, cves: &[u32], delta: i64) {
        for (i, &x) in cves.iter().enumerate() {
            for &y in cves.iter().skip(i + 1) {
                let k = pair(x, y);
                let e = self.attested.entry(k).or_insert(0);
                *e = (i64::from(*e) + delta).max(0) as u32;
                if *e == 0 {
                    self.attested.remove(&k);
                }
            }
        }
    }

    /// Add (or replace) a record given its id, aliases, related and upstream.
    pub fn add(&mut self, id: &str, aliases: &[String], related: &[String], upstream: &[String]) {
        let r = self.intern(id);
        let mut al: Vec<u32> = aliases
            .iter()
            .map(|a| self.intern(a))
            .filter(|&a| a != r)
            .collect();
        al.sort_by(|&x, &y| self.name(x).cmp(self.name(y)));
        al.dedup();
        let mut cves: Vec<u32> = std::iter::once(r)
            .chain(al.iter().copied())
            .filter(|&n| self.cve[n as usize])
            .collect();
        cves.sort_unstable();
        cves.dedup();
        let mut links = Vec::new();
        for (list, kind) in [(related, LinkKind::Related), (upstream, LinkKind::Upstream)] {
            for t in list {
                let n = self.intern(t);
                links.push((n, kind));
            }
        }
        let replaced = self.records.remove(&r);
        if let Some(old) = &replaced {
            self.attest(&old.cves, -1);
        }
        self.attest(&cves, 1);
        let mut root = self.ffind(r);
        for &a in &al {
            root = self.funion(root, a);
        }
        self.records.insert(
            r,
            Entry {
                aliases: al.clone(),
                cves,
                links,
            },
        );
        if replaced.is_some() || self.dirty[root as usize] {
            self.dirty[root as usize] = true;
            self.recompute(root);
            return;
        }
        for &a in &al {
            if !self.try_union(r, a) {
                self.dirty[root as usize] = true;
                self.recompute(root);
                return;
            }
        }
    }

    /// Add a parsed record.
    pub fn add_record(&mut self, rec: &Record) {
        self.add(&rec.id, &rec.aliases, &rec.related, &rec.upstream);
    }

    /// Recompute the groups of one unrestricted component in canonical order.
    fn recompute(&mut self, froot: u32) {
        let members = self.fmembers[froot as usize].clone();
        for &m in &members {
            let i = m as usize;
            self.parent[i] = m;
            self.size[i] = 1;
            self.gcves[i] = if self.cve[i] { vec![m] } else { Vec::new() };
            self.gmembers[i] = vec![m];
        }
        let mut recs: Vec<u32> = members
            .iter()
            .copied()
            .filter(|m| self.records.contains_key(m))
            .collect();
        recs.sort_by(|&x, &y| self.name(x).cmp(self.name(y)));
        let mut refused = Vec::new();
        for r in recs {
            let aliases = self
                .records
                .get(&r)
                .map(|e| e.aliases.clone())
                .unwrap_or_default();
            for a in aliases {
                if !self.try_union(r, a) {
                    refused.push((r, a));
                }
            }
        }
        self.dirty[froot as usize] = !refused.is_empty();
        if refused.is_empty() {
            self.conflicts.remove(&froot);
        } else {
            self.conflicts.insert(froot, refused);
        }
    }

    fn node(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    fn group_of_root(&self, root: u32) -> Group {
        let mut ids: Vec<String> = self.gmembers[root as usize]
            .iter()
            .map(|&m| self.name(m).to_string())
            .collect();
        ids.sort();
        let mut records: Vec<String> = self.gmembers[root as usize]
            .iter()
            .filter(|m| self.records.contains_key(m))
            .map(|&m| self.name(m).to_string())
            .collect();
        records.sort();
        let mut cves: Vec<String> = self.gcves[root as usize]
            .iter()
            .map(|&m| self.name(m).to_string())
            .collect();
        cves.sort();
        Group {
            key: self.key_of_root(root),
            ids,
            records,
            cves,
        }
    }

    /// The key of the group with this root: its smallest CVE, else its
    /// smallest record id, else its smallest id (the one rule for
    /// [`Group::key`]), without building the group.
    fn key_of_root(&self, root: u32) -> String {
        let min = |it: &mut dyn Iterator<Item = u32>| it.map(|m| self.name(m)).min();
        min(&mut self.gcves[root as usize].iter().copied())
            .or_else(|| {
                min(&mut self.gmembers[root as usize]
                    .iter()
                    .copied()
                    .filter(|m| self.records.contains_key(m)))
            })
            .or_else(|| min(&mut self.gmembers[root as usize].iter().copied()))
            .unwrap_or_default()
            .to_string()
    }

    /// The group key of an id (a record id or any alias), if known.
    pub fn group_key(&self, id: &str) -> Option<String> {
        let n = self.node(id)?;
        Some(self.key_of_root(self.find(n)))
    }

    /// [`Grouper::group_key`] of many ids, each group's key worked out
    /// once (a batch of records of one large group was quadratic).
    pub fn group_keys<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Vec<Option<String>> {
        let mut memo: HashMap<u32, String> = HashMap::new();
        ids.into_iter()
            .map(|id| {
                let root = self.find(self.node(id)?);
                Some(
                    memo.entry(root)
                        .or_insert_with(|| self.key_of_root(root))
                        .clone(),
                )
            })
            .collect()
    }

    /// The whole group of an id.
    pub fn group(&self, id: &str) -> Option<Group> {
        let n = self.node(id)?;
        Some(self.group_of_root(self.find(n)))
    }

    /// All groups that contain at least one source record, sorted by key.
    pub fn groups(&self) -> Vec<Group> {
        let mut roots: HashSet<u32> = HashSet::new();
        for &r in self.records.keys() {
            roots.insert(self.find(r));
        }
        let mut out: Vec<Group> = roots.into_iter().map(|r| self.group_of_root(r)).collect();
        out.sort_by(|a, b| a.key.cmp(&b.key).then_with(|| a.ids.cmp(&b.ids)));
        out
    }

    /// Every refused merge, sorted.
    pub fn conflicts(&self) -> Vec<Conflict> {
        let mut out: Vec<Conflict> = Vec::new();
        for list in self.conflicts.values() {
            for &(r, a) in list {
                let side = |n: u32| -> Vec<String> {
                    let mut v: Vec<String> = self.gcves[self.find(n) as usize]
                        .iter()
                        .map(|&c| self.name(c).to_string())
                        .collect();
                    v.sort();
                    v
                };
                out.push(Conflict {
                    record: self.name(r).to_string(),
                    alias: self.name(a).to_string(),
                    record_side_cves: side(r),
                    alias_side_cves: side(a),
                });
            }
        }
        out.sort_by(|x, y| (&x.record, &x.alias).cmp(&(&y.record, &y.alias)));
        out
    }

    /// All `related` / `upstream` links, sorted.
    pub fn links(&self) -> Vec<Link> {
        let mut out: Vec<Link> = self
            .records
            .iter()
            .flat_map(|(&r, e)| {
                e.links.iter().map(move |&(t, kind)| Link {
                    from: self.name(r).to_string(),
                    to: self.name(t).to_string(),
                    kind,
                })
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Number of source records added.
    pub fn record_count(&self) -> usize {
        self.records.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn build(recs: &[(&str, &[&str])]) -> Grouper {
        let mut g = Grouper::new();
        for (id, al) in recs {
            g.add(id, &s(al), &[], &[]);
        }
        g
    }

    #[test]
    fn merges_through_aliases() {
        let g = build(&[
            ("GHSA-aaaa", &["CVE-2021-0001"]),
            ("PYSEC-1", &["CVE-2021-0001", "GHSA-aaaa"]),
            ("OTHER-1", &[]),
        ]);
        assert_eq!(g.group_key("PYSEC-1").as_deref(), Some("CVE-2021-0001"));
        assert_eq!(g.group_key("GHSA-aaaa"), g.group_key("PYSEC-1"));
        assert_eq!(g.group_key("OTHER-1").as_deref(), Some("OTHER-1"));
        assert_eq!(g.groups().len(), 2);
        assert!(g.conflicts().is_empty());
    }

    #[test]
    fn refuses_cve_chains_regardless_of_order() {
        let recs: [(&str, &[&str]); 3] = [
            ("A", &["CVE-2020-0001", "GHSA-x"]),
            ("B", &["CVE-2020-0002", "GHSA-x"]),
            ("C", &["CVE-2020-0001"]),
        ];
        let mut results = HashSet::new();
        for perm in [[0, 1, 2], [1, 0, 2], [2, 1, 0], [1, 2, 0]] {
            let mut g = Grouper::new();
            for i in perm {
                g.add(recs[i].0, &s(recs[i].1), &[], &[]);
            }
            for grp in g.groups() {
                assert!(grp.cves.len() <= 1, "{grp:?}");
            }
            assert_eq!(g.conflicts().len(), 1, "{:?}", g.conflicts());
            results.insert(format!("{:?}", g.groups()));
        }
        assert_eq!(results.len(), 1, "order changed the result: {results:?}");
        // A record listing both CVEs makes the merge legitimate.
        let mut g = build(&recs);
        g.add("GHSA-x", &s(&["CVE-2020-0001", "CVE-2020-0002"]), &[], &[]);
        assert!(g.conflicts().is_empty());
        assert_eq!(g.group_key("B"), g.group_key("A"));
        assert_eq!(
            g.group("A").unwrap().cves,
            s(&["CVE-2020-0001", "CVE-2020-0002"])
        );
    }

    #[test]
    fn links_do_not_merge_and_replacement_works() {
        let mut g = Grouper::new();
        g.add("A", &[], &s(&["B"]), &s(&["CVE-2020-0009"]));
        g.add("B", &[], &[], &[]);
        assert_ne!(g.group_key("A"), g.group_key("B"));
        assert_eq!(g.links().len(), 2);
        g.add("A", &s(&["B"]), &[], &[]);
        assert_eq!(g.group_key("A"), g.group_key("B"));
        g.add("A", &[], &[], &[]);
        assert_ne!(g.group_key("A"), g.group_key("B"));
    }

    #[test]
    fn cve_shape() {
        assert!(is_cve("CVE-2021-44228"));
        assert!(!is_cve("CVE-21-1"));
        assert!(!is_cve("GHSA-jfh8-c2jp-5v3q"));
    }
}
