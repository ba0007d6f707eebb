//! Knowledge-base storage: source records kept verbatim with provenance and
//! visibility labels, their group (`vuln_id`: one vulnerability per
//! real-world flaw), affected packages, and the enrichment tables (KEV,
//! EPSS, CWE). Grouping rules live in `levee-formats`; what a caller may see
//! is decided in the server's authorization module. Writes are batched
//! (multi-row statements) because imports move hundreds of thousands of
//! records.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{Result, Store, StoreError, WriteTx};
use levee_model::{Timestamp, Tlp};

/// (ecosystem, package name, purl) of one affected entry.
pub type AffectedPkg = (String, String, Option<String>);

/// A source record ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct KbRecordRow {
    pub id: String,
    pub source: String,
    pub modified: Timestamp,
    pub published: Option<Timestamp>,
    pub withdrawn: Option<Timestamp>,
    pub aliases: Vec<String>,
    pub related: Vec<String>,
    pub upstream: Vec<String>,
    pub summary: Option<String>,
    /// Lower-cased text searched by full-text queries.
    pub search: String,
    /// The record verbatim (OSV JSON).
    pub json: String,
    pub label: Label,
    /// (ecosystem, name, purl) per affected entry.
    pub affected: Vec<AffectedPkg>,
}

/// Who may see a record (decided by `authz::can_read`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Label {
    pub tlp: Tlp,
    pub owner_org: Option<String>,
    pub audience: Vec<String>,
    pub recipients: Vec<String>,
    pub embargo_until: Option<Timestamp>,
}

impl Label {
    /// Public feeds are TLP:CLEAR.
    pub fn clear() -> Label {
        Label {
            tlp: Tlp::Clear,
            owner_org: None,
            audience: vec![],
            recipients: vec![],
            embargo_until: None,
        }
    }
}

/// What happened to one record in an upsert.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Upsert {
    Inserted,
    /// A newer `modified` (or the same time with different content) replaced it.
    Updated,
    /// Same record already stored, or the stored one is newer.
    Unchanged,
}

/// A stored record.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StoredRecord {
    pub id: String,
    pub source: String,
    pub modified: Timestamp,
    pub published: Option<Timestamp>,
    pub withdrawn: Option<Timestamp>,
    pub aliases: Vec<String>,
    pub related: Vec<String>,
    pub upstream: Vec<String>,
    pub summary: Option<String>,
    #[serde(skip)]
    pub json: String,
    pub vuln_id: String,
    pub label: Label,
    pub seq: i64,
    pub first_seen: Timestamp,
    pub updated_at: Timestamp,
}

/// The grouping inputs of a stored record.
#[derive(Clone, Debug)]
pub struct GroupKeys {
    pub id: String,
    pub aliases: Vec<String>,
    pub related: Vec<String>,
    pub upstream: Vec<String>,
    pub vuln_id: String,
}

const REC_COLS: &str = "id, source, modified, published, withdrawn, aliases, related, upstream, summary, json, vuln_id, \
                        tlp, owner_org, audience, recipients, embargo_until, seq, first_seen, updated_at";

fn list(s: &str) -> Result<Vec<String>> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("list column: {e}")))
}

fn to_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn record_from_row(r: &AnyRow) -> Result<StoredRecord> {
    let tlp: String = r.try_get("tlp")?;
    Ok(StoredRecord {
        id: r.try_get("id")?,
        source: r.try_get("source")?,
        modified: Timestamp::from_micros(r.try_get("modified")?),
        published: r
            .try_get::<Option<i64>, _>("published")?
            .map(Timestamp::from_micros),
        withdrawn: r
            .try_get::<Option<i64>, _>("withdrawn")?
            .map(Timestamp::from_micros),
        aliases: list(&r.try_get::<String, _>("aliases")?)?,
        related: list(&r.try_get::<String, _>("related")?)?,
        upstream: list(&r.try_get::<String, _>("upstream")?)?,
        summary: r.try_get("summary")?,
        json: r.try_get("json")?,
        vuln_id: r.try_get("vuln_id")?,
        label: Label {
            tlp: tlp
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("{e}")))?,
            owner_org: r.try_get("owner_org")?,
            audience: list(&r.try_get::<String, _>("audience")?)?,
            recipients: list(&r.try_get::<String, _>("recipients")?)?,
            embargo_until: r
                .try_get::<Option<i64>, _>("embargo_until")?
                .map(Timestamp::from_micros),
        },
        seq: r.try_get("seq")?,
        first_seen: Timestamp::from_micros(r.try_get("first_seen")?),
        updated_at: Timestamp::from_micros(r.try_get("updated_at")?),
    })
}

/// Placeholder number `i` (1-based). SQLite gets anonymous `?` (numbered
/// by position, the same order): sqlx binds SQLite parameters by looking
/// each one up by name, which is quadratic in the number of named
/// parameters of a statement — most of an import's CPU time with `$N`.
fn ph(s: &mut String, backend: crate::Backend, i: usize) {
    match backend {
        crate::Backend::Sqlite => s.push('?'),
        crate::Backend::Postgres => {
            s.push('$');
            s.push_str(&i.to_string());
        }
    }
}

/// `($a, $b, …), …` placeholders for `rows` rows of `cols` columns,
/// numbered from 1. Only for statements whose parameters are all here.
fn values(backend: crate::Backend, rows: usize, cols: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push(',');
            }
            ph(&mut s, backend, r * cols + c + 1);
        }
        s.push(')');
    }
    s
}

/// `$start, …` for `n` parameters (see [`values`]).
pub(crate) fn in_list(backend: crate::Backend, start: usize, n: usize) -> String {
    let mut s = String::with_capacity(n * 5);
    for i in start..start + n {
        if i > start {
            s.push(',');
        }
        ph(&mut s, backend, i);
    }
    s
}

/// Rows per multi-row statement (keeps parameters well under both
/// databases' limits).
const CHUNK: usize = 100;

/// Records per multi-row statement (20 columns: 20 × 400 = 8,000
/// parameters, under SQLite's 32,766 and PostgreSQL's 65,535).
const REC_CHUNK: usize = 400;

/// Rows per statement for the narrow tables (ids, groups, enrichment).
pub(crate) const WIDE_CHUNK: usize = 1000;

/// The stored EPSS rows of a list of CVE ids (read and upsert alike).
fn epss_in(list: &str) -> String {
    format!("SELECT cve, epss, percentile, score_date FROM kb_epss WHERE cve IN ({list})")
}

type EpssRow = (String, (String, String, Option<String>));

fn epss_row(r: &AnyRow) -> Result<EpssRow> {
    Ok((
        r.try_get("cve")?,
        (
            r.try_get("epss")?,
            r.try_get("percentile")?,
            r.try_get("score_date")?,
        ),
    ))
}

/// The stored names of a list of CWE numbers (read and upsert alike).
fn cwe_in(list: &str) -> String {
    format!("SELECT id, name FROM kb_cwe WHERE id IN ({list})")
}

fn cwe_row(r: &AnyRow) -> Result<(i64, String)> {
    Ok((r.try_get("id")?, r.try_get("name")?))
}

impl WriteTx {
    /// Insert or replace source records: a newer `modified` replaces; at
    /// the same `modified`, different content from the same `source`
    /// replaces when it sorts after the stored text (a deterministic
    /// tie-break, so a feed listing one id twice with one `modified`
    /// converges whatever the order); otherwise unchanged — so two feeds
    /// carrying one id at the same `modified` do not flip-flop on
    /// re-import, and re-import is idempotent. Appends one change-log
    /// entry per stored record. New records start in a group of their own
    /// (or keep their old group); call [`WriteTx::kb_set_groups`] after
    /// grouping.
    pub async fn kb_upsert(&mut self, rows: &[KbRecordRow]) -> Result<Vec<Upsert>> {
        let mut out = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(REC_CHUNK) {
            out.extend(self.kb_upsert_chunk(chunk, None).await?);
        }
        Ok(out)
    }

    /// [`WriteTx::kb_upsert`], with the group (`vuln_id`) each written
    /// record gets (`vuln_ids[i]` for `rows[i]`), as computed by the
    /// importer's grouper; saves updating them afterwards.
    pub async fn kb_upsert_grouped(
        &mut self,
        rows: &[KbRecordRow],
        vuln_ids: &[String],
    ) -> Result<Vec<Upsert>> {
        if vuln_ids.len() != rows.len() {
            return Err(StoreError::Conflict(format!(
                "kb_upsert_grouped: {} rows but {} group ids",
                rows.len(),
                vuln_ids.len()
            )));
        }
        let mut out = Vec::with_capacity(rows.len());
        for (chunk, vulns) in rows.chunks(REC_CHUNK).zip(vuln_ids.chunks(REC_CHUNK)) {
            out.extend(self.kb_upsert_chunk(chunk, Some(vulns)).await?);
        }
        Ok(out)
    }

    async fn kb_upsert_chunk(
        &mut self,
        rows: &[KbRecordRow],
        vulns: Option<&[String]>,
    ) -> Result<Vec<Upsert>> {
        let now = self.now().micros();
        // Existing versions of these ids (a batch may repeat an id: the
        // later occurrence wins, as in a sequential import).
        let sql = format!(
            "SELECT id, modified, json, vuln_id, first_seen, source FROM kb_records WHERE id IN ({})",
            in_list(self.backend(), 1, rows.len())
        );
        let mut q = sqlx::query_as::<_, (String, i64, String, String, i64, String)>(&sql);
        for r in rows {
            q = q.bind(&r.id);
        }
        let fetched = q.fetch_all(self.conn()).await?;
        // (modified, json, vuln_id, first_seen, source), borrowed from the
        // fetched rows and the input (no copies of the JSON texts).
        type Existing<'a> = (i64, &'a str, std::borrow::Cow<'a, str>, i64, &'a str);
        let mut existing: HashMap<&str, Existing<'_>> = fetched
            .iter()
            .map(|(id, m, j, v, f, s)| {
                (
                    id.as_str(),
                    (
                        *m,
                        j.as_str(),
                        std::borrow::Cow::Borrowed(v.as_str()),
                        *f,
                        s.as_str(),
                    ),
                )
            })
            .collect();
        let mut outcome = Vec::with_capacity(rows.len());
        let mut write: Vec<(usize, String, i64)> = Vec::new(); // (row index, vuln_id, first_seen)
        let mut replace: Vec<&str> = Vec::new();
        let mut slot: HashMap<&str, usize> = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            let o = match existing.get(r.id.as_str()) {
                None => Upsert::Inserted,
                Some((m, j, _, _, s))
                    if r.modified.micros() > *m
                        || (r.modified.micros() == *m
                            && r.json.as_str() > *j
                            && *s == r.source) =>
                {
                    Upsert::Updated
                }
                Some(_) => Upsert::Unchanged,
            };
            if o != Upsert::Unchanged {
                let (vuln, first) = match existing.get(r.id.as_str()) {
                    Some((_, _, v, f, _)) => (v.to_string(), *f),
                    None => (r.id.clone(), now),
                };
                let vuln = vulns.and_then(|v| v.get(i)).cloned().unwrap_or(vuln);
                if existing.contains_key(r.id.as_str()) {
                    replace.push(&r.id);
                }
                // A repeated id within the batch: drop the earlier write.
                if let Some(&k) = slot.get(r.id.as_str()) {
                    if let Some(w) = write.get_mut(k) {
                        w.0 = usize::MAX;
                    }
                }
                slot.insert(r.id.as_str(), write.len());
                write.push((i, vuln.clone(), first));
                existing.insert(
                    r.id.as_str(),
                    (
                        r.modified.micros(),
                        r.json.as_str(),
                        std::borrow::Cow::Owned(vuln),
                        first,
                        r.source.as_str(),
                    ),
                );
            }
            outcome.push(o);
        }
        write.retain(|w| w.0 != usize::MAX);
        if write.is_empty() {
            return Ok(outcome);
        }
        if !replace.is_empty() {
            replace.sort_unstable();
            replace.dedup();
            for table_col in [("kb_records", "id"), ("kb_affected", "record_id")] {
                let sql = format!(
                    "DELETE FROM {} WHERE {} IN ({})",
                    table_col.0,
                    table_col.1,
                    in_list(self.backend(), 1, replace.len())
                );
                let mut q = sqlx::query(&sql);
                for id in &replace {
                    q = q.bind(*id);
                }
                q.execute(self.conn()).await?;
            }
        }
        // Change-log entries, one per written record.
        let ids: Vec<&str> = write.iter().map(|(i, _, _)| rows[*i].id.as_str()).collect();
        let (before, logged) = self.kb_log_changes("upsert", &ids).await?;
        let seqs: HashMap<String, i64> = logged.into_iter().map(|(s, id)| (id, s)).collect();

        let sql = format!(
            "INSERT INTO kb_records ({REC_COLS}, search) VALUES {}",
            values(self.backend(), write.len(), 20)
        );
        let mut q = sqlx::query(&sql);
        for (i, vuln, first) in &write {
            let r = &rows[*i];
            q = q
                .bind(&r.id)
                .bind(&r.source)
                .bind(r.modified.micros())
                .bind(r.published.map(Timestamp::micros))
                .bind(r.withdrawn.map(Timestamp::micros))
                .bind(to_list(&r.aliases))
                .bind(to_list(&r.related))
                .bind(to_list(&r.upstream))
                .bind(r.summary.as_deref())
                .bind(&r.json)
                .bind(vuln)
                .bind(r.label.tlp.as_str())
                .bind(r.label.owner_org.as_deref())
                .bind(to_list(&r.label.audience))
                .bind(to_list(&r.label.recipients))
                .bind(r.label.embargo_until.map(Timestamp::micros))
                .bind(seqs.get(&r.id).copied().unwrap_or(before))
                .bind(*first)
                .bind(now)
                .bind(&r.search);
        }
        q.execute(self.conn()).await?;
        let affected: Vec<(&str, usize, &AffectedPkg)> = write
            .iter()
            .flat_map(|(i, _, _)| {
                rows[*i]
                    .affected
                    .iter()
                    .enumerate()
                    .map(move |(k, a)| (rows[*i].id.as_str(), k, a))
            })
            .collect();
        for chunk in affected.chunks(WIDE_CHUNK) {
            let sql = format!(
                "INSERT INTO kb_affected (record_id, idx, ecosystem, name, purl) VALUES {}",
                values(self.backend(), chunk.len(), 5)
            );
            let mut q = sqlx::query(&sql);
            for (id, k, (eco, name, purl)) in chunk {
                q = q
                    .bind(*id)
                    .bind(*k as i64)
                    .bind(eco)
                    .bind(name)
                    .bind(purl.as_deref());
            }
            q.execute(self.conn()).await?;
        }
        Ok(outcome)
    }

    /// Append one `kb_record` change-log entry with `op` per id, in one
    /// statement (callers keep `ids` within a statement's bind limit).
    /// Returns the largest sequence number before them and the new
    /// (seq, id) pairs in order: writers are serialized, so every entry
    /// after that number is one of these.
    async fn kb_log_changes(
        &mut self,
        op: &str,
        ids: &[&str],
    ) -> Result<(i64, Vec<(i64, String)>)> {
        let before: i64 = sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(seq) FROM changes")
            .fetch_one(self.conn())
            .await?
            .unwrap_or(0);
        if ids.is_empty() {
            return Ok((before, Vec::new()));
        }
        let now = self.now().micros();
        let sql = format!(
            "INSERT INTO changes (at, kind, object_id, op, data) VALUES {}",
            values(self.backend(), ids.len(), 5)
        );
        let mut q = sqlx::query(&sql);
        for id in ids {
            q = q.bind(now).bind("kb_record").bind(*id).bind(op).bind("{}");
        }
        q.execute(self.conn()).await?;
        let logged = sqlx::query_as(
            "SELECT seq, object_id FROM changes WHERE seq > $1 AND kind = 'kb_record' AND op = $2 ORDER BY seq",
        )
        .bind(before)
        .bind(op)
        .fetch_all(self.conn())
        .await?;
        Ok((before, logged))
    }

    /// Set the group of records whose group changed, and rebuild the id →
    /// group index for the touched groups (an empty id list removes the
    /// group from the index). Multi-row statements throughout: a first
    /// import touches every group.
    pub async fn kb_set_groups(
        &mut self,
        changes: &[(String, String)],
        group_ids: &[(String, Vec<String>)],
    ) -> Result<()> {
        for chunk in changes.chunks(WIDE_CHUNK) {
            // `VALUES` columns are `column1`, `column2` on both backends.
            let sql = format!(
                "UPDATE kb_records SET vuln_id = v.column2 FROM (VALUES {}) AS v \
                 WHERE kb_records.id = v.column1",
                values(self.backend(), chunk.len(), 2)
            );
            let mut q = sqlx::query(&sql);
            for (record, vuln) in chunk {
                q = q.bind(record).bind(vuln);
            }
            q.execute(self.conn()).await?;
            // A regrouped record is a changed record: it gets a change-log
            // entry and a new, unique feed position, so mirrors and
            // in-memory indexes see its new group.
            let ids: Vec<&str> = chunk.iter().map(|(record, _)| record.as_str()).collect();
            let (_, seqs) = self.kb_log_changes("regroup", &ids).await?;
            let sql = format!(
                "UPDATE kb_records SET seq = v.column1 FROM (VALUES {}) AS v WHERE kb_records.id = v.column2",
                values(self.backend(), seqs.len(), 2)
            );
            let mut q = sqlx::query(&sql);
            for (seq, id) in &seqs {
                q = q.bind(*seq).bind(id);
            }
            if !seqs.is_empty() {
                q.execute(self.conn()).await?;
            }
        }
        let keys: Vec<&String> = group_ids.iter().map(|(k, _)| k).collect();
        for chunk in keys.chunks(WIDE_CHUNK) {
            let sql = format!(
                "DELETE FROM kb_ids WHERE vuln_id IN ({})",
                in_list(self.backend(), 1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for k in chunk {
                q = q.bind(*k);
            }
            q.execute(self.conn()).await?;
        }
        let pairs: Vec<(&String, &String)> = group_ids
            .iter()
            .flat_map(|(vuln, ids)| ids.iter().map(move |id| (id, vuln)))
            .collect();
        for chunk in pairs.chunks(WIDE_CHUNK) {
            let sql = match self.backend() {
                crate::Backend::Sqlite => format!(
                    "INSERT OR REPLACE INTO kb_ids (id, vuln_id) VALUES {}",
                    values(self.backend(), chunk.len(), 2)
                ),
                crate::Backend::Postgres => format!(
                    "INSERT INTO kb_ids (id, vuln_id) VALUES {} ON CONFLICT (id) DO UPDATE SET vuln_id = excluded.vuln_id",
                    values(self.backend(), chunk.len(), 2)
                ),
            };
            let mut q = sqlx::query(&sql);
            let mut seen = std::collections::HashSet::new();
            let mut n = 0;
            for (id, vuln) in chunk {
                // PostgreSQL refuses to touch one row twice in a statement.
                if seen.insert(*id) {
                    q = q.bind(*id).bind(*vuln);
                    n += 1;
                }
            }
            if n < chunk.len() {
                // Rare: the same id listed by two groups in one chunk; the
                // later one wins, one row at a time.
                for (id, vuln) in chunk {
                    let sql = match self.backend() {
                        crate::Backend::Sqlite => {
                            "INSERT OR REPLACE INTO kb_ids (id, vuln_id) VALUES ($1, $2)"
                        }
                        crate::Backend::Postgres => {
                            "INSERT INTO kb_ids (id, vuln_id) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET vuln_id = excluded.vuln_id"
                        }
                    };
                    sqlx::query(sql)
                        .bind(*id)
                        .bind(*vuln)
                        .execute(self.conn())
                        .await?;
                }
                continue;
            }
            q.execute(self.conn()).await?;
        }
        Ok(())
    }

    /// Replace the list of refused merges.
    pub async fn kb_set_conflicts(&mut self, conflicts: &[(String, String, String)]) -> Result<()> {
        sqlx::query("DELETE FROM kb_conflicts")
            .execute(self.conn())
            .await?;
        let mut seen = std::collections::HashSet::new();
        let unique: Vec<&(String, String, String)> = conflicts
            .iter()
            .filter(|(r, a, _)| seen.insert((r.as_str(), a.as_str())))
            .collect();
        for chunk in unique.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO kb_conflicts (record_id, alias, detail) VALUES {}",
                values(self.backend(), chunk.len(), 3)
            );
            let mut q = sqlx::query(&sql);
            for (rec, alias, detail) in chunk {
                q = q.bind(rec).bind(alias).bind(detail);
            }
            q.execute(self.conn()).await?;
        }
        Ok(())
    }

    /// KEV entries: (cve, date added, the entry as JSON).
    pub async fn kb_upsert_kev(&mut self, rows: &[(String, String, String)]) -> Result<usize> {
        let now = self.now().micros();
        for chunk in rows.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO kb_kev (cve, date_added, data, updated_at) VALUES {} ON CONFLICT (cve) DO UPDATE SET \
                 date_added = excluded.date_added, data = excluded.data, updated_at = excluded.updated_at",
                values(self.backend(), chunk.len(), 4)
            );
            let mut q = sqlx::query(&sql);
            for (cve, date, data) in chunk {
                q = q.bind(cve).bind(date).bind(data).bind(now);
            }
            q.execute(self.conn()).await?;
        }
        Ok(rows.len())
    }

    /// EPSS scores: (cve, epss, percentile, score date).
    pub async fn kb_upsert_epss(
        &mut self,
        rows: &[(String, String, String, Option<String>)],
    ) -> Result<usize> {
        let now = self.now().micros();
        for chunk in rows.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO kb_epss (cve, epss, percentile, score_date, updated_at) VALUES {} ON CONFLICT (cve) DO UPDATE SET \
                 epss = excluded.epss, percentile = excluded.percentile, score_date = excluded.score_date, updated_at = excluded.updated_at",
                values(self.backend(), chunk.len(), 5)
            );
            let mut q = sqlx::query(&sql);
            for (cve, e, p, d) in chunk {
                q = q.bind(cve).bind(e).bind(p).bind(d.as_deref()).bind(now);
            }
            q.execute(self.conn()).await?;
        }
        Ok(rows.len())
    }

    /// CWE names: (numeric id, name).
    pub async fn kb_upsert_cwe(&mut self, rows: &[(i64, String)]) -> Result<usize> {
        for chunk in rows.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO kb_cwe (id, name) VALUES {} ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                values(self.backend(), chunk.len(), 2)
            );
            let mut q = sqlx::query(&sql);
            for (id, name) in chunk {
                q = q.bind(*id).bind(name);
            }
            q.execute(self.conn()).await?;
        }
        Ok(rows.len())
    }
}

impl Store {
    /// The grouping inputs of every stored record (to rebuild the grouper).
    pub async fn kb_group_keys(&self) -> Result<Vec<GroupKeys>> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT id, aliases, related, upstream, vuln_id FROM kb_records ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, a, r, u, v)| {
                Ok(GroupKeys {
                    id,
                    aliases: list(&a)?,
                    related: list(&r)?,
                    upstream: list(&u)?,
                    vuln_id: v,
                })
            })
            .collect()
    }

    /// The group key for any id or alias.
    pub async fn kb_resolve(&self, id: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT vuln_id FROM kb_ids WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// [`Store::kb_resolve`] for several ids at once: id → group key for
    /// the ids the index knows (repeated ids are asked once; one statement
    /// per 1,000 distinct ids).
    pub async fn kb_resolve_many(&self, ids: &[&str]) -> Result<HashMap<String, String>> {
        let rows = self
            .read_in(
                ids,
                |l| format!("SELECT id, vuln_id FROM kb_ids WHERE id IN ({l})"),
                |r| Ok((r.try_get("id")?, r.try_get("vuln_id")?)),
            )
            .await?;
        Ok(rows.into_iter().collect())
    }

    pub async fn kb_records_of(&self, vuln_id: &str) -> Result<Vec<StoredRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {REC_COLS} FROM kb_records WHERE vuln_id = $1 ORDER BY id"
        ))
        .bind(vuln_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record_from_row).collect()
    }

    pub async fn kb_record(&self, id: &str) -> Result<Option<StoredRecord>> {
        let r = sqlx::query(&format!("SELECT {REC_COLS} FROM kb_records WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        r.as_ref().map(record_from_row).transpose()
    }

    /// The records with these ids that exist, each once however often its
    /// id is asked (one statement per 1,000 distinct ids), in no
    /// particular order.
    pub async fn kb_records_by_ids(&self, ids: &[&str]) -> Result<Vec<StoredRecord>> {
        self.read_in(
            ids,
            |l| format!("SELECT {REC_COLS} FROM kb_records WHERE id IN ({l})"),
            record_from_row,
        )
        .await
    }

    /// Records with an affected entry for (ecosystem, name). `ecosystem`
    /// matches with or without a `:release` suffix.
    pub async fn kb_records_for_package(
        &self,
        ecosystem: &str,
        name: &str,
    ) -> Result<Vec<StoredRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {REC_COLS} FROM kb_records WHERE id IN (
                SELECT record_id FROM kb_affected WHERE name = $1 AND (ecosystem = $2 OR ecosystem LIKE $3)
             ) ORDER BY id"
        ))
        .bind(name)
        .bind(ecosystem)
        .bind(format!("{}:%", ecosystem.replace('%', "")))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record_from_row).collect()
    }

    /// Records changed after `after_seq` (the mirror feed), oldest first.
    pub async fn kb_changed_since(&self, after_seq: i64, limit: i64) -> Result<Vec<StoredRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {REC_COLS} FROM kb_records WHERE seq > $1 ORDER BY seq, id LIMIT $2"
        ))
        .bind(after_seq)
        .bind(limit.clamp(1, 10_000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record_from_row).collect()
    }

    /// Full-text search: every term must occur in the record's id, aliases,
    /// summary or details (case-insensitive). Ordered by most recent change.
    pub async fn kb_search(
        &self,
        terms: &[String],
        after_seq: Option<i64>,
        limit: i64,
    ) -> Result<Vec<StoredRecord>> {
        let mut sql = format!("SELECT {REC_COLS} FROM kb_records WHERE 1 = 1");
        let mut n = 0;
        for _ in terms {
            n += 1;
            sql.push_str(&format!(" AND search LIKE ${n} ESCAPE '!'"));
        }
        n += 1;
        sql.push_str(&format!(
            " AND seq < ${n} ORDER BY seq DESC, id LIMIT ${}",
            n + 1
        ));
        let mut q = sqlx::query(&sql);
        for t in terms {
            // `%` and `_` are searched for literally (`typing_extensions`),
            // not dropped or taken as wildcards.
            let esc = t
                .to_lowercase()
                .replace('!', "!!")
                .replace('%', "!%")
                .replace('_', "!_");
            q = q.bind(format!("%{esc}%"));
        }
        q = q
            .bind(after_seq.unwrap_or(i64::MAX))
            .bind(limit.clamp(1, 1000));
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(record_from_row).collect()
    }

    /// All records, in id order, from `after_id` (for dumps), at most `limit`.
    pub async fn kb_records_page(&self, after_id: &str, limit: i64) -> Result<Vec<StoredRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {REC_COLS} FROM kb_records WHERE id > $1 ORDER BY id LIMIT $2"
        ))
        .bind(after_id)
        .bind(limit.clamp(1, 10_000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record_from_row).collect()
    }

    pub async fn kb_kev(&self, cve: &str) -> Result<Option<serde_json::Value>> {
        let data: Option<String> = sqlx::query_scalar("SELECT data FROM kb_kev WHERE cve = $1")
            .bind(cve)
            .fetch_optional(&self.pool)
            .await?;
        data.map(|d| serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(e.to_string())))
            .transpose()
    }

    /// (epss, percentile, score date).
    pub async fn kb_epss(&self, cve: &str) -> Result<Option<(String, String, Option<String>)>> {
        Ok(
            sqlx::query_as("SELECT epss, percentile, score_date FROM kb_epss WHERE cve = $1")
                .bind(cve)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn kb_cwe_name(&self, id: i64) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT name FROM kb_cwe WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// [`Store::kb_kev`] for several CVE ids at once: the stored entries
    /// (one statement per 1,000 distinct ids).
    pub async fn kb_kev_many(&self, cves: &[&str]) -> Result<HashMap<String, serde_json::Value>> {
        let rows = self
            .read_in(
                cves,
                |l| format!("SELECT cve, data FROM kb_kev WHERE cve IN ({l})"),
                |r| {
                    let data: String = r.try_get("data")?;
                    let v = serde_json::from_str(&data)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    Ok((r.try_get("cve")?, v))
                },
            )
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// [`Store::kb_epss`] for several CVE ids at once (one statement per
    /// 1,000 distinct ids).
    pub async fn kb_epss_many(
        &self,
        cves: &[&str],
    ) -> Result<HashMap<String, (String, String, Option<String>)>> {
        let rows = self.read_in(cves, epss_in, epss_row).await?;
        Ok(rows.into_iter().collect())
    }

    /// [`Store::kb_cwe_name`] for several CWE numbers at once (one
    /// statement per 1,000 distinct numbers).
    pub async fn kb_cwe_names(&self, ids: &[i64]) -> Result<HashMap<i64, String>> {
        let rows = self.read_in(ids, cwe_in, cwe_row).await?;
        Ok(rows.into_iter().collect())
    }

    /// Refused merges: (record, alias, detail).
    pub async fn kb_conflicts(&self) -> Result<Vec<(String, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT record_id, alias, detail FROM kb_conflicts ORDER BY record_id, alias",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn kb_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM kb_records")
            .fetch_one(&self.pool)
            .await?)
    }
}

/// Classify enrichment rows against what is stored: `(outcomes, indices of
/// the rows to write)`, where a key repeated in `rows` is written once (its
/// last occurrence wins, as in a sequential import).
fn classify<K, V>(keys: &[K], vals: &[V], mut stored: HashMap<K, V>) -> (Vec<Upsert>, Vec<usize>)
where
    K: std::hash::Hash + Eq + Clone,
    V: PartialEq + Clone,
{
    let mut out = Vec::with_capacity(keys.len());
    let mut last: HashMap<&K, usize> = HashMap::new();
    for (i, (k, v)) in keys.iter().zip(vals).enumerate() {
        let o = match stored.get(k) {
            None => Upsert::Inserted,
            Some(old) if old == v => Upsert::Unchanged,
            Some(_) => Upsert::Updated,
        };
        if o != Upsert::Unchanged {
            last.insert(k, i);
            stored.insert(k.clone(), v.clone());
        }
        out.push(o);
    }
    let mut write: Vec<usize> = last.into_values().collect();
    write.sort_unstable();
    (out, write)
}

impl WriteTx {
    /// [`WriteTx::kb_upsert_kev`], telling per row whether it was new,
    /// changed or already stored as is (unchanged rows are not written).
    pub async fn kb_upsert_kev_classified(
        &mut self,
        rows: &[(String, String, String)],
    ) -> Result<Vec<Upsert>> {
        let mut out = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(WIDE_CHUNK) {
            let keys: Vec<String> = chunk.iter().map(|r| r.0.clone()).collect();
            let backend = self.backend();
            let stored = crate::inlist::read_in(
                self.conn(),
                backend,
                &keys,
                |l| format!("SELECT cve, date_added, data FROM kb_kev WHERE cve IN ({l})"),
                |r| {
                    Ok((
                        r.try_get("cve")?,
                        (r.try_get("date_added")?, r.try_get("data")?),
                    ))
                },
            )
            .await?
            .into_iter()
            .collect();
            let vals: Vec<(String, String)> =
                chunk.iter().map(|r| (r.1.clone(), r.2.clone())).collect();
            let (o, write) = classify(&keys, &vals, stored);
            let rows: Vec<(String, String, String)> = write
                .iter()
                .filter_map(|&i| chunk.get(i).cloned())
                .collect();
            self.kb_upsert_kev(&rows).await?;
            out.extend(o);
        }
        Ok(out)
    }

    /// [`WriteTx::kb_upsert_epss`], classified (see
    /// [`WriteTx::kb_upsert_kev_classified`]).
    pub async fn kb_upsert_epss_classified(
        &mut self,
        rows: &[(String, String, String, Option<String>)],
    ) -> Result<Vec<Upsert>> {
        let mut out = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(WIDE_CHUNK) {
            let keys: Vec<String> = chunk.iter().map(|r| r.0.clone()).collect();
            let backend = self.backend();
            let stored = crate::inlist::read_in(self.conn(), backend, &keys, epss_in, epss_row)
                .await?
                .into_iter()
                .collect();
            let vals: Vec<(String, String, Option<String>)> = chunk
                .iter()
                .map(|r| (r.1.clone(), r.2.clone(), r.3.clone()))
                .collect();
            let (o, write) = classify(&keys, &vals, stored);
            let rows: Vec<_> = write
                .iter()
                .filter_map(|&i| chunk.get(i).cloned())
                .collect();
            self.kb_upsert_epss(&rows).await?;
            out.extend(o);
        }
        Ok(out)
    }

    /// [`WriteTx::kb_upsert_cwe`], classified (see
    /// [`WriteTx::kb_upsert_kev_classified`]).
    pub async fn kb_upsert_cwe_classified(
        &mut self,
        rows: &[(i64, String)],
    ) -> Result<Vec<Upsert>> {
        let mut out = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(WIDE_CHUNK) {
            let keys: Vec<i64> = chunk.iter().map(|r| r.0).collect();
            let backend = self.backend();
            let stored = crate::inlist::read_in(self.conn(), backend, &keys, cwe_in, cwe_row)
                .await?
                .into_iter()
                .collect();
            let vals: Vec<String> = chunk.iter().map(|r| r.1.clone()).collect();
            let (o, write) = classify(&keys, &vals, stored);
            let rows: Vec<_> = write
                .iter()
                .filter_map(|&i| chunk.get(i).cloned())
                .collect();
            self.kb_upsert_cwe(&rows).await?;
            out.extend(o);
        }
        Ok(out)
    }
}

impl Store {
    /// Number of ids (record ids and aliases) in the id → group index.
    pub async fn kb_ids_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM kb_ids")
            .fetch_one(&self.pool)
            .await?)
    }

    /// (KEV entries, EPSS scores, CWE names) stored.
    pub async fn kb_enrichment_counts(&self) -> Result<(i64, i64, i64)> {
        let n = |t: &'static str| {
            let sql = format!("SELECT COUNT(*) FROM {t}");
            let pool = self.pool.clone();
            async move { sqlx::query_scalar::<_, i64>(&sql).fetch_one(&pool).await }
        };
        Ok((n("kb_kev").await?, n("kb_epss").await?, n("kb_cwe").await?))
    }
}

impl WriteTx {
    /// Tune this connection for bulk imports (SQLite: a 64 MiB page cache so
    /// that a big transaction does not spill pages to the WAL before commit,
    /// statement journals in memory, and the commit-time WAL checkpoint only
    /// past 100,000 pages (~1.6 GiB with the 16 KiB pages new databases use):
    /// the importer checkpoints from another connection with
    /// [`Store::kb_checkpoint`] while it writes, off its critical path).
    /// Connection settings only, and they stay with the pooled connection
    /// (bounded: 64 MiB of cache, a WAL of at most ~1.6 GiB between
    /// checkpoints); durability (`synchronous=FULL`) is unchanged. No-op on
    /// PostgreSQL.
    pub async fn kb_bulk_mode(&mut self) -> Result<()> {
        if self.backend() == crate::Backend::Sqlite {
            for pragma in [
                "PRAGMA cache_size = -65536",
                "PRAGMA temp_store = MEMORY",
                "PRAGMA wal_autocheckpoint = 100000",
            ] {
                sqlx::query(pragma).execute(self.conn()).await?;
            }
        }
        Ok(())
    }
}

impl Store {
    /// A passive WAL checkpoint (SQLite; no-op on PostgreSQL): copies
    /// committed pages into the database file without blocking writers.
    pub async fn kb_checkpoint(&self) -> Result<()> {
        if self.backend == crate::Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }
}
