//! Knowledge-base reads: the vulnerability view, OSV JSON per
//! vulnerability, full-text search, the changed-since feed for mirrors, the
//! zip dump, and the OSV-compatible `query` / `querybatch`.
//!
//! Every record passes [`authz::can_read_kb`] before anything of it is
//! returned: an invisible record is absent (a vulnerability with no visible
//! record is 404), never 403. These endpoints are public in the osv.dev
//! sense: without credentials the caller is anonymous and sees CLEAR,
//! unembargoed records only; bad credentials are still 401.
//!
//! `GET /api/v1/vulns/{id}/osv` serves one OSV record verbatim: with one
//! visible source record, that record; with several, the one
//! [`levee_kb::view::primary_record`] picks (the record whose id was asked
//! for; else the lowest CVE-id record; else the record whose id is the
//! group key; else the most recently modified).

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use levee_store::kb::StoredRecord;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::authz::{self, Caller};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath as Path, ApiQuery as Query};
use crate::kbindex::{purl_package, Hit, PackageRef, Probe};
use crate::AppState;

/// Body limit of the batch query routes (no 1,000-query cap).
pub const BATCH_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// Records per page when the dump pages through the store.
const DUMP_PAGE: i64 = 1_000;
/// Store batches a search scans before returning a partial page.
const SEARCH_ROUNDS: usize = 10;

/// The caller if credentials were sent (bad credentials: 401), else
/// anonymous.
pub struct MaybeCaller(pub Option<Caller>);

impl FromRequestParts<AppState> for MaybeCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let has_credentials = parts.headers.contains_key(header::AUTHORIZATION)
            || crate::auth::cookie(&parts.headers, crate::auth::SESSION_COOKIE).is_some();
        if !has_credentials {
            return Ok(MaybeCaller(None));
        }
        Caller::from_request_parts(parts, state)
            .await
            .map(|c| MaybeCaller(Some(c)))
    }
}

fn visible_fn(
    caller: Option<Caller>,
    now: levee_model::Timestamp,
) -> impl Fn(&StoredRecord) -> bool {
    move |r| authz::can_read_kb(caller.as_ref(), &r.label, now)
}

fn check_id(id: &str) -> ApiResult<()> {
    if id.is_empty() || id.len() > 256 || id.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(ApiError::not_found());
    }
    Ok(())
}

fn json_response(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

fn raw(json: &str) -> ApiResult<Box<RawValue>> {
    RawValue::from_string(json.to_string())
        .map_err(|e| ApiError::internal(format!("stored record is not JSON: {e}")))
}

// ---------- the view and OSV JSON per vulnerability ----------

pub async fn get_vuln(
    State(s): State<AppState>,
    MaybeCaller(c): MaybeCaller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    check_id(&id)?;
    let view = levee_kb::view::load(&s.store, &id, visible_fn(c, s.store.now()))
        .await?
        .ok_or_else(ApiError::not_found)?;
    let body = serde_json::to_string(&view).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(json_response(StatusCode::OK, body))
}

pub async fn get_vuln_osv(
    State(s): State<AppState>,
    MaybeCaller(c): MaybeCaller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    check_id(&id)?;
    let (group, recs) =
        levee_kb::view::visible_records(&s.store, &id, visible_fn(c, s.store.now()))
            .await?
            .ok_or_else(ApiError::not_found)?;
    let rec = levee_kb::view::primary_record(&group, &id, &recs).ok_or_else(ApiError::not_found)?;
    Ok(json_response(StatusCode::OK, rec.json.clone()))
}

// ---------- search ----------

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Serialize)]
struct SearchItem {
    /// The vulnerability: its group key, unless only hidden records name
    /// it, never an alias the grouping put in another vulnerability (see
    /// `levee_kb::view::public_key`).
    id: String,
    record: String,
    source: String,
    aliases: Vec<String>,
    summary: Option<String>,
    modified: levee_model::Timestamp,
    published: Option<levee_model::Timestamp>,
    withdrawn: Option<levee_model::Timestamp>,
}

pub async fn search(
    State(s): State<AppState>,
    MaybeCaller(c): MaybeCaller,
    Query(q): Query<SearchQuery>,
) -> ApiResult<Response> {
    let text = q.q.unwrap_or_default();
    if text.chars().count() > 500 {
        return Err(ApiError::new(
            "invalid_parameter",
            "q is longer than 500 characters",
        ));
    }
    let terms: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    if terms.len() > 10 || terms.iter().any(|t| t.chars().count() > 100) {
        return Err(ApiError::new(
            "invalid_parameter",
            "q: at most 10 terms of at most 100 characters",
        ));
    }
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::new("invalid_parameter", "limit must be 1..=500"));
    }
    let mut after = match &q.cursor {
        None => None,
        Some(cur) => Some(
            levee_store::Cursor::decode(cur)
                .map_err(|_| ApiError::new("invalid_parameter", "bad cursor"))?
                .seq,
        ),
    };
    let visible = visible_fn(c, s.store.now());
    let mut items = Vec::new();
    let mut next = None;
    for round in 0..SEARCH_ROUNDS {
        let batch = s.store.kb_search(&terms, after, limit).await?;
        let exhausted = (batch.len() as i64) < limit;
        let mut page = Vec::new();
        for r in batch {
            after = Some(r.seq);
            if !visible(&r) {
                continue;
            }
            page.push(r);
            if (items.len() + page.len()) as i64 == limit {
                break;
            }
        }
        let keys = levee_kb::view::list_keys(&s.store, &page).await?;
        for (r, id) in page.into_iter().zip(keys) {
            items.push(SearchItem {
                id,
                record: r.id,
                source: r.source,
                aliases: r.aliases,
                summary: r.summary,
                modified: r.modified,
                published: r.published,
                withdrawn: r.withdrawn,
            });
        }
        if items.len() as i64 == limit || (round + 1 == SEARCH_ROUNDS && !exhausted) {
            next = after;
            break;
        }
        if exhausted {
            break;
        }
    }
    #[derive(Serialize)]
    struct Page {
        items: Vec<SearchItem>,
        next_cursor: Option<String>,
    }
    let page = Page {
        items,
        next_cursor: next.map(|seq| {
            levee_store::Cursor {
                at: levee_model::Timestamp::default(),
                seq,
            }
            .encode()
        }),
    };
    let body = serde_json::to_string(&page).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(json_response(StatusCode::OK, body))
}

// ---------- changed-since feed ----------

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    /// The `seq` of the last record seen (decimal); absent = from the start.
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Serialize)]
struct ChangeItem {
    seq: i64,
    id: String,
    vuln_id: String,
    source: String,
    modified: levee_model::Timestamp,
    withdrawn: Option<levee_model::Timestamp>,
    osv: Box<RawValue>,
}

pub async fn changes(
    State(s): State<AppState>,
    MaybeCaller(c): MaybeCaller,
    Query(q): Query<ChangesQuery>,
) -> ApiResult<Response> {
    let after: i64 = match q.cursor.as_deref() {
        None | Some("") => 0,
        Some(cur) => cur
            .parse()
            .ok()
            .filter(|n: &i64| *n >= 0)
            .ok_or_else(|| ApiError::new("invalid_parameter", "cursor must be a record seq"))?,
    };
    let limit = q.limit.unwrap_or(500);
    if !(1..=5_000).contains(&limit) {
        return Err(ApiError::new("invalid_parameter", "limit must be 1..=5000"));
    }
    let batch = s.store.kb_changed_since(after, limit).await?;
    let has_more = batch.len() as i64 == limit;
    let next = batch.last().map_or(after, |r| r.seq);
    let visible = visible_fn(c, s.store.now());
    let batch: Vec<StoredRecord> = batch.into_iter().filter(|r| visible(r)).collect();
    let keys = levee_kb::view::list_keys(&s.store, &batch).await?;
    let mut items = Vec::new();
    for (r, vuln_id) in batch.into_iter().zip(keys) {
        items.push(ChangeItem {
            seq: r.seq,
            osv: raw(&r.json)?,
            vuln_id,
            id: r.id,
            source: r.source,
            modified: r.modified,
            withdrawn: r.withdrawn,
        });
    }
    #[derive(Serialize)]
    struct Page {
        items: Vec<ChangeItem>,
        /// Pass back as `cursor`; it advances past invisible records too.
        next_cursor: String,
        has_more: bool,
    }
    let page = Page {
        items,
        next_cursor: next.to_string(),
        has_more,
    };
    let body = serde_json::to_string(&page).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(json_response(StatusCode::OK, body))
}

// ---------- zip dump ----------

type Tx = http_body_util::channel::Sender<Bytes, std::io::Error>;

/// Buffers zip output and hands it to the response body in chunks.
struct ChunkWriter {
    tx: Arc<Mutex<Option<Tx>>>,
    handle: tokio::runtime::Handle,
    buf: Vec<u8>,
}

impl ChunkWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        let mut guard = self
            .tx
            .lock()
            .map_err(|_| std::io::Error::other("dump sender poisoned"))?;
        let tx = guard
            .as_mut()
            .ok_or_else(|| std::io::Error::other("dump aborted"))?;
        self.handle
            .block_on(tx.send_data(chunk))
            .map_err(|_| std::io::Error::other("client went away"))
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= 256 * 1024 {
            self.send()?;
        }
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// `all.zip` in osv.dev's layout: one `<ID>.json` per visible record at the
/// root, each the record verbatim. Streamed page by page; a failure midway
/// aborts the body (the client sees a broken transfer, never a short zip
/// that looks complete).
pub async fn dump(State(s): State<AppState>, MaybeCaller(c): MaybeCaller) -> ApiResult<Response> {
    let visible = visible_fn(c, s.store.now());
    let (tx, body) = http_body_util::channel::Channel::<Bytes, std::io::Error>::new(4);
    let tx = Arc::new(Mutex::new(Some(tx)));
    let store = s.store.clone();
    let handle = tokio::runtime::Handle::current();
    let abort_tx = tx.clone();
    tokio::task::spawn_blocking(move || {
        let writer = ChunkWriter {
            tx,
            handle: handle.clone(),
            buf: Vec::with_capacity(256 * 1024),
        };
        let result = (|| -> Result<(), String> {
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .compression_level(Some(1))
                .last_modified_time(zip::DateTime::default())
                .unix_permissions(0o644);
            let mut zw = zip::ZipWriter::new_stream(writer);
            let mut after = String::new();
            loop {
                let page = handle
                    .block_on(store.kb_records_page(&after, DUMP_PAGE))
                    .map_err(|e| e.to_string())?;
                for r in &page {
                    if !visible(r) {
                        continue;
                    }
                    zw.start_file(levee_formats::export::entry_name(&r.id), opts)
                        .map_err(|e| e.to_string())?;
                    zw.write_all(r.json.as_bytes()).map_err(|e| e.to_string())?;
                }
                match page.last() {
                    Some(r) if page.len() as i64 == DUMP_PAGE => after.clone_from(&r.id),
                    _ => break,
                }
            }
            let mut w = zw.finish().map_err(|e| e.to_string())?.into_inner();
            w.flush().map_err(|e| e.to_string())
        })();
        let mut guard = abort_tx
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let (Err(e), Some(t)) = (result, guard.take()) {
            tracing::error!(error = %e, "OSV dump failed");
            t.abort(std::io::Error::other(e));
        }
    });
    let mut resp = Body::new(body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"all.zip\""),
    );
    Ok(resp)
}

// ---------- OSV-compatible query ----------

/// `POST /v1/query` body, as osv.dev defines it.
#[derive(Deserialize, Debug, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct OsvQuery {
    #[serde(default)]
    pub package: Option<OsvPackage>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub commit: Option<String>,
    #[serde(default)]
    pub page_token: Option<String>,
}

#[derive(Deserialize, Debug, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct OsvPackage {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub ecosystem: Option<String>,
    #[serde(default)]
    pub purl: Option<String>,
}

/// Empty strings are unset (as in osv.dev's protobuf API).
fn set(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

/// Validate one query into (package, probe, page token).
pub fn resolve_query(q: &OsvQuery) -> Result<(Option<PackageRef>, Probe, Option<String>), String> {
    let too_long = [&q.version, &q.commit, &q.page_token]
        .into_iter()
        .chain(
            q.package
                .iter()
                .flat_map(|p| [&p.name, &p.ecosystem, &p.purl]),
        )
        .any(|v| v.as_ref().is_some_and(|s| s.len() > 1_000));
    if too_long {
        return Err("a field is longer than 1000 bytes".into());
    }
    let mut version = set(&q.version).map(str::to_string);
    let commit = set(&q.commit).map(str::to_string);
    if version.is_some() && commit.is_some() {
        return Err("set either version or commit, not both".into());
    }
    let pkg = match &q.package {
        None => None,
        Some(p) => match (set(&p.purl), set(&p.name), set(&p.ecosystem)) {
            (Some(purl), None, None) => {
                let (ecosystem, name, v) = purl_package(purl)?;
                if let Some(v) = v {
                    if version.is_some() {
                        return Err("the version is given both in the purl and in `version`".into());
                    }
                    version = Some(v);
                }
                Some(PackageRef { ecosystem, name })
            }
            (Some(_), _, _) => return Err("package: give either purl or name and ecosystem".into()),
            (None, Some(name), Some(eco)) => Some(PackageRef {
                ecosystem: eco.to_string(),
                name: name.to_string(),
            }),
            (None, Some(_), None) => return Err("package.ecosystem is required".into()),
            (None, None, Some(_)) => return Err("package.name is required".into()),
            (None, None, None) => None,
        },
    };
    let probe = match (version, commit) {
        (Some(v), _) => Probe::Version(v),
        (None, Some(c)) => Probe::Commit(c),
        (None, None) => Probe::Any,
    };
    if pkg.is_none() && !matches!(probe, Probe::Commit(_)) {
        return Err("give a package (name and ecosystem, or purl) or a commit".into());
    }
    Ok((pkg, probe, set(&q.page_token).map(str::to_string)))
}

/// The one matching call every OSV route makes (swap the engine here).
async fn find(
    s: &AppState,
    caller: Option<&Caller>,
    queries: &[(Option<PackageRef>, Probe, Option<String>)],
) -> ApiResult<Vec<Vec<Hit>>> {
    let now = s.store.now();
    let refs: Vec<(Option<&PackageRef>, &Probe)> = queries
        .iter()
        .map(|(p, probe, _)| (p.as_ref(), probe))
        .collect();
    let mut out = s
        .kb_index
        .find_many(&s.store, &refs, |l| authz::can_read_kb(caller, l, now))
        .await?;
    // `page_token`: we answer in one page; a token from another server is
    // honoured as "ids after this one".
    for (hits, (_, _, token)) in out.iter_mut().zip(queries) {
        if let Some(t) = token {
            hits.retain(|h| &h.id > t);
        }
    }
    Ok(out)
}

/// osv.dev's time format: RFC 3339 UTC, fraction only when there is one.
fn osv_time(t: levee_model::Timestamp) -> String {
    let s = t.to_rfc3339();
    s.replace(".000000Z", "Z")
}

fn body_json<T: serde::de::DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> ApiResult<T> {
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                "payload_too_large",
                "the request body is larger than this route accepts",
            )
        } else {
            ApiError::new("bad_request", format!("could not read the body: {e}"))
        }
    })?;
    crate::extract::parse_json(&bytes)
}

/// Full records for hits, verbatim, in hit order. The rows are read after
/// the index lookup, so their labels are checked again (an import may have
/// replaced a hit with a version the caller may not see); a record deleted
/// or hidden since is skipped.
async fn full_records(
    s: &AppState,
    caller: Option<&Caller>,
    hits: &[Hit],
    cache: &mut HashMap<String, Box<RawValue>>,
) -> ApiResult<Vec<Box<RawValue>>> {
    let visible = visible_fn(caller.cloned(), s.store.now());
    // One query for every record not fetched yet (per 1,000 ids).
    let missing: Vec<&str> = hits
        .iter()
        .map(|h| h.id.as_str())
        .filter(|id| !cache.contains_key(*id))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for r in s.store.kb_records_by_ids(&missing).await? {
        if !visible(&r) {
            continue;
        }
        let v = raw(&r.json)?;
        cache.insert(r.id, v);
    }
    Ok(hits
        .iter()
        .filter_map(|h| cache.get(&h.id).cloned())
        .collect())
}

#[derive(Serialize)]
struct FullResult {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vulns: Vec<Box<RawValue>>,
}

/// `POST /v1/query` (and `/api/v1/osv/query`): `{"vulns": [OSV…]}`, or `{}`
/// when nothing matches, as osv.dev answers.
pub async fn osv_query(
    State(s): State<AppState>,
    MaybeCaller(c): MaybeCaller,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let q: OsvQuery = body_json(body)?;
    let query = resolve_query(&q).map_err(ApiError::validation)?;
    let hits = find(&s, c.as_ref(), &[query])
        .await?
        .pop()
        .unwrap_or_default();
    let vulns = full_records(&s, c.as_ref(), &hits, &mut HashMap::new()).await?;
    let body = serde_json::to_string(&FullResult { vulns })
        .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(json_response(StatusCode::OK, body))
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct OsvBatch {
    pub queries: Vec<OsvQuery>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct BatchFlags {
    /// Full OSV records instead of ids and modified times.
    pub full: Option<bool>,
}

/// Queries per `querybatch` (osv.dev's limit).
pub const MAX_BATCH_QUERIES: usize = 1_000;
/// Records in one `querybatch?full=true` answer.
pub const MAX_FULL_RECORDS: usize = 5_000;

#[derive(Serialize)]
struct IdModified {
    id: String,
    modified: String,
}

#[derive(Serialize)]
struct IdResult {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vulns: Vec<IdModified>,
}

/// `POST /v1/querybatch` (and `/api/v1/osv/querybatch`): one result per
/// query, in order, each `{"vulns": [{"id", "modified"}]}` (or `{}`), as
/// osv.dev answers; `?full=true` returns full records instead. At most
/// [`MAX_BATCH_QUERIES`] queries (as osv.dev), and with `full=true` at most
/// [`MAX_FULL_RECORDS`] records in all: the answer is built in memory, and
/// each record is repeated for every query that finds it. One invalid
/// query fails the batch with 422 naming it.
pub async fn osv_querybatch(
    State(s): State<AppState>,
    MaybeCaller(c): MaybeCaller,
    Query(flags): Query<BatchFlags>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let full = flags.full.unwrap_or(false);
    let batch: OsvBatch = body_json(body)?;
    if batch.queries.len() > MAX_BATCH_QUERIES {
        return Err(ApiError::validation(format!(
            "at most {MAX_BATCH_QUERIES} queries per batch ({} sent)",
            batch.queries.len()
        )));
    }
    let mut resolved = Vec::with_capacity(batch.queries.len());
    for (i, q) in batch.queries.iter().enumerate() {
        resolved.push(
            resolve_query(q).map_err(|e| ApiError::validation(format!("queries[{i}]: {e}")))?,
        );
    }
    let results = find(&s, c.as_ref(), &resolved).await?;
    let total: usize = results.iter().map(Vec::len).sum();
    if full && total > MAX_FULL_RECORDS {
        return Err(ApiError::validation(format!(
            "{total} records match; full=true returns at most {MAX_FULL_RECORDS} (ask for ids, or send fewer queries)"
        )));
    }
    let mut cache = HashMap::new();
    let mut out = String::from("{\"results\":[");
    for (i, hits) in results.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let item = if full {
            serde_json::to_string(&FullResult {
                vulns: full_records(&s, c.as_ref(), &hits, &mut cache).await?,
            })
        } else {
            serde_json::to_string(&IdResult {
                vulns: hits
                    .into_iter()
                    .map(|h| IdModified {
                        id: h.id,
                        modified: osv_time(h.modified),
                    })
                    .collect(),
            })
        }
        .map_err(|e| ApiError::internal(e.to_string()))?;
        out.push_str(&item);
    }
    out.push_str("]}");
    Ok(json_response(StatusCode::OK, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(v: serde_json::Value) -> Result<(Option<PackageRef>, Probe, Option<String>), String> {
        resolve_query(&serde_json::from_value(v).unwrap())
    }

    #[test]
    fn query_validation_follows_osv_dev() {
        let (p, probe, _) =
            q(serde_json::json!({"package": {"name": "jinja2", "ecosystem": "PyPI"}, "version": "2.4.1"}))
                .unwrap();
        assert_eq!(p.unwrap().name, "jinja2");
        assert_eq!(probe, Probe::Version("2.4.1".into()));
        let (p, probe, _) =
            q(serde_json::json!({"package": {"purl": "pkg:pypi/jinja2@2.4.1"}})).unwrap();
        assert_eq!(p.unwrap().ecosystem, "PyPI");
        assert_eq!(probe, Probe::Version("2.4.1".into()));
        let (p, probe, _) = q(serde_json::json!({"commit": "ABC123"})).unwrap();
        assert!(p.is_none());
        assert_eq!(probe, Probe::Commit("ABC123".into()));
        let (_, probe, _) =
            q(serde_json::json!({"package": {"name": "x", "ecosystem": "npm"}})).unwrap();
        assert_eq!(probe, Probe::Any);
        for bad in [
            serde_json::json!({}),
            serde_json::json!({"version": "1.0"}),
            serde_json::json!({"package": {"name": "x"}, "version": "1"}),
            serde_json::json!({"package": {"ecosystem": "npm"}, "version": "1"}),
            serde_json::json!({"package": {"name": "x", "ecosystem": "npm"}, "version": "1", "commit": "a"}),
            serde_json::json!({"package": {"purl": "pkg:pypi/x@1"}, "version": "1"}),
            serde_json::json!({"package": {"purl": "pkg:pypi/x", "name": "x"}}),
            serde_json::json!({"package": {"purl": "pkg:nosuch/x"}}),
        ] {
            assert!(q(bad.clone()).is_err(), "{bad}");
        }
    }
}
