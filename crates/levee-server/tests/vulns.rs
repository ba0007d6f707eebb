//! Knowledge-base reads through the API: the view, OSV JSON, search, the
//! changed-since feed, the dump and the OSV-compatible query/batch — and,
//! above all, that every one of them hides what a caller may not see.
//! Runs on SQLite and (with LEVEE_TEST_DATABASE_URL) PostgreSQL.

mod common;

use std::collections::BTreeSet;
use std::io::Read;

use axum::http::StatusCode;
use common::Env;
use levee_formats::{Limits, Record};
use levee_model::Tlp;
use levee_store::kb::Label;
use serde_json::{json, Value};

/// Write records (json, source, label) as one group `key`.
async fn put_group(env: &Env, key: &str, recs: &[(&str, &str, Label)]) {
    let mut rows = Vec::new();
    let mut ids = BTreeSet::new();
    for (text, source, label) in recs {
        let rec = Record::from_json(text, &Limits::default()).expect("fixture parses");
        ids.extend(rec.ids().map(str::to_string));
        rows.push(levee_kb::view::row_from_record(&rec, source, label.clone()));
    }
    let mut tx = env.store.write().await.unwrap();
    tx.kb_upsert(&rows).await.unwrap();
    let changes: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.id.clone(), key.to_string()))
        .collect();
    tx.kb_set_groups(&changes, &[(key.to_string(), ids.into_iter().collect())])
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

fn label(tlp: Tlp, owner: Option<&str>, audience: &[&str], recipients: &[&str]) -> Label {
    Label {
        tlp,
        owner_org: owner.map(str::to_string),
        audience: audience.iter().map(|s| s.to_string()).collect(),
        recipients: recipients.iter().map(|s| s.to_string()).collect(),
        embargo_until: None,
    }
}

const GHSA: &str = r#"{"id":"GHSA-clr1-0001-0001","modified":"2024-02-01T00:00:00Z","published":"2024-01-02T00:00:00Z","aliases":["CVE-2024-1000"],"summary":"Clear flaw in demo parser","details":"The demo parser mishandles input.","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],"affected":[{"package":{"ecosystem":"PyPI","name":"Demo_Pkg"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2.3"}]}]}],"database_specific":{"cwe_ids":["CWE-79"],"x":1.50}}"#;
const PYSEC: &str = r#"{"id":"PYSEC-2024-10","modified":"2024-03-01T00:00:00Z","aliases":["CVE-2024-1000","GHSA-clr1-0001-0001"],"details":"pysec text","severity":[{"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}],"affected":[{"package":{"ecosystem":"PyPI","name":"demo-pkg"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2.4"}]}]}]}"#;
const AMBER: &str = r#"{"id":"LEVEE-2024-0001","modified":"2024-04-01T00:00:00Z","aliases":["CVE-2024-2000"],"summary":"Amber secretword flaw","details":"not yet public","affected":[{"package":{"ecosystem":"PyPI","name":"demo-pkg"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0"}]},{"type":"GIT","repo":"https://example.invalid/demo","events":[{"introduced":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},{"fixed":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}]}]}]}"#;
const RED: &str = r#"{"id":"LEVEE-2024-0002","modified":"2024-04-02T00:00:00Z","summary":"Red redword flaw","affected":[{"package":{"ecosystem":"PyPI","name":"demo-pkg"},"versions":["1.0"]}]}"#;
const WITHDRAWN: &str = r#"{"id":"GHSA-wdrn-0001-0001","modified":"2024-05-01T00:00:00Z","withdrawn":"2024-05-02T00:00:00Z","summary":"Withdrawn demo flaw","affected":[{"package":{"ecosystem":"PyPI","name":"demo-pkg"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}"#;
/// A CLEAR record sharing a group with a hidden AMBER one whose CVE is the
/// group key.
const MIXED_CLEAR: &str = r#"{"id":"GHSA-mixd-0001-0001","modified":"2024-06-01T00:00:00Z","summary":"Mixed public part","affected":[{"package":{"ecosystem":"npm","name":"mixed"},"versions":["1.0.0"]}]}"#;
const MIXED_AMBER: &str = r#"{"id":"LEVEE-2024-0004","modified":"2024-06-02T00:00:00Z","aliases":["GHSA-mixd-0001-0001","CVE-2024-3000"],"summary":"Mixed hidden part","affected":[{"package":{"ecosystem":"npm","name":"mixed"},"versions":["1.0.0"]}]}"#;

struct World {
    anon: Option<String>,
    vendor: Option<String>,
    hospital: Option<String>,
    msp: Option<String>,
    other: Option<String>,
    red: Option<String>,
    padmin: Option<String>,
}

async fn world(env: &Env) -> World {
    let vendor_org = env.org("Vendor", &["vendor"], json!({})).await;
    let hospital_org = env
        .org("Hospital", &["operator"], json!({"sector": "health_care"}))
        .await;
    let msp_org = env.org("MSP", &["vendor"], json!({})).await;
    let other_org = env.org("Other", &["finder"], json!({})).await;
    let v = env
        .member(&vendor_org, "psirt@vendor.example", "member")
        .await;
    let h = env
        .member(&hospital_org, "it@hospital.example", "read_only")
        .await;
    let m = env.member(&msp_org, "ops@msp.example", "admin").await;
    let o = env.member(&other_org, "x@other.example", "admin").await;
    let r = env.member(&other_org, "red@other.example", "member").await;
    let mut tx = env.store.write().await.unwrap();
    tx.insert_delegation(&msp_org, &hospital_org).await.unwrap();
    tx.commit().await.unwrap();
    let tok = |u: String, org: String| async move {
        Some(env.token(&u, Some(&org), &["read"], Some(86_400)).await.0)
    };
    let vendor = tok(v, vendor_org.clone()).await;
    let hospital = tok(h, hospital_org.clone()).await;
    let msp = tok(m, msp_org).await;
    let other = tok(o, other_org.clone()).await;
    let red = tok(r.clone(), other_org).await;

    put_group(
        env,
        "CVE-2024-1000",
        &[
            (GHSA, "ghsa", Label::clear()),
            (PYSEC, "pypa", Label::clear()),
        ],
    )
    .await;
    let amber = label(Tlp::Amber, Some(&vendor_org), &[&hospital_org], &[]);
    put_group(env, "CVE-2024-2000", &[(AMBER, "levee", amber.clone())]).await;
    put_group(
        env,
        "LEVEE-2024-0002",
        &[(RED, "levee", label(Tlp::Red, Some(&vendor_org), &[], &[&r]))],
    )
    .await;
    put_group(
        env,
        "GHSA-wdrn-0001-0001",
        &[(WITHDRAWN, "ghsa", Label::clear())],
    )
    .await;
    put_group(
        env,
        "CVE-2024-3000",
        &[
            (MIXED_CLEAR, "ghsa", Label::clear()),
            (MIXED_AMBER, "levee", amber),
        ],
    )
    .await;
    let mut tx = env.store.write().await.unwrap();
    tx.kb_upsert_kev(&[(
        "CVE-2024-1000".into(),
        "2024-05-01".into(),
        json!({"cveID": "CVE-2024-1000", "dateAdded": "2024-05-01", "dueDate": "2024-05-22",
               "requiredAction": "Apply updates.", "knownRansomwareCampaignUse": "Known"})
        .to_string(),
    )])
    .await
    .unwrap();
    tx.kb_upsert_epss(&[(
        "CVE-2024-1000".into(),
        "0.97".into(),
        "0.999".into(),
        Some("2024-06-01".into()),
    )])
    .await
    .unwrap();
    tx.kb_upsert_cwe(&[(
        79,
        "Improper Neutralization of Input During Web Page Generation".into(),
    )])
    .await
    .unwrap();
    tx.commit().await.unwrap();
    World {
        anon: None,
        vendor,
        hospital,
        msp,
        other,
        red,
        padmin: Some(env.admin.clone()),
    }
}

async fn query(env: &Env, tok: Option<&str>, body: Value) -> Vec<String> {
    let r = env.call("POST", "/v1/query", tok, Some(body.clone())).await;
    assert_eq!(r.status, StatusCode::OK, "{body}: {}", r.body);
    ids_of(&r.body)
}

fn ids_of(v: &Value) -> Vec<String> {
    v["vulns"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn dump_names(env: &Env, tok: Option<&str>) -> BTreeSet<String> {
    let r = env.call("GET", "/api/v1/osv/dump.zip", tok, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/zip");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(r.raw)).expect("a zip");
    let mut names = BTreeSet::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        let rec = Record::from_json(&s, &Limits::default()).expect("dump entries are OSV");
        assert_eq!(f.name().unwrap(), format!("{}.json", rec.id));
        names.insert(rec.id);
    }
    names
}

async fn feed_ids(env: &Env, tok: Option<&str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut cursor = "0".to_string();
    loop {
        let r = env
            .call(
                "GET",
                &format!("/api/v1/vulns/changes?limit=2&cursor={cursor}"),
                tok,
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        for i in r.body["items"].as_array().unwrap() {
            out.insert(i["id"].as_str().unwrap().to_string());
            assert_eq!(i["osv"]["id"], i["id"]);
        }
        cursor = r.body["next_cursor"].as_str().unwrap().to_string();
        if !r.body["has_more"].as_bool().unwrap() {
            break;
        }
    }
    out
}

async fn search_ids(env: &Env, tok: Option<&str>, q: &str) -> BTreeSet<String> {
    let r = env
        .call("GET", &format!("/api/v1/vulns?q={q}"), tok, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["record"].as_str().unwrap().to_string())
        .collect()
}

async fn batch(env: &Env, tok: Option<&str>, full: bool, queries: Value) -> Value {
    let url = if full {
        "/v1/querybatch?full=true"
    } else {
        "/v1/querybatch"
    };
    let r = env
        .call("POST", url, tok, Some(json!({ "queries": queries })))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

/// Everything a caller can learn about one hidden-or-visible record.
async fn sees_everywhere(
    env: &Env,
    tok: Option<&str>,
    id: &str,
    alias: Option<&str>,
    word: &str,
    version: &str,
) -> [bool; 8] {
    let by_id = env
        .call("GET", &format!("/api/v1/vulns/{id}"), tok, None)
        .await;
    let by_alias = match alias {
        Some(a) => {
            env.call("GET", &format!("/api/v1/vulns/{a}"), tok, None)
                .await
                .status
                == StatusCode::OK
        }
        None => by_id.status == StatusCode::OK,
    };
    let osv = env
        .call("GET", &format!("/api/v1/vulns/{id}/osv"), tok, None)
        .await;
    let q = query(
        env,
        tok,
        json!({"package": {"name": "demo-pkg", "ecosystem": "PyPI"}, "version": version}),
    )
    .await;
    let b = batch(
        env,
        tok,
        false,
        json!([{"package": {"purl": format!("pkg:pypi/demo-pkg@{version}")}}]),
    )
    .await;
    for s in [&by_id, &osv] {
        assert!(
            s.status == StatusCode::OK || s.status == StatusCode::NOT_FOUND,
            "never 403: {}",
            s.status
        );
    }
    [
        by_id.status == StatusCode::OK,
        by_alias,
        osv.status == StatusCode::OK,
        q.contains(&id.to_string()),
        ids_of(&b["results"][0]).contains(&id.to_string()),
        search_ids(env, tok, word).await.contains(id),
        feed_ids(env, tok).await.contains(id),
        dump_names(env, tok).await.contains(id),
    ]
}

#[tokio::test]
async fn amber_red_and_clear_visibility_everywhere() {
    for env in common::envs().await {
        let w = world(&env).await;
        let yes = [true; 8];
        let no = [false; 8];
        let b = env.backend();
        // AMBER: the owner, the audience and its delegated provider see it;
        // an outsider, a platform admin and anonymous callers do not.
        for (who, tok, expect) in [
            ("anon", &w.anon, no),
            ("vendor", &w.vendor, yes),
            ("hospital", &w.hospital, yes),
            ("msp", &w.msp, yes),
            ("other", &w.other, no),
            ("red", &w.red, no),
            ("padmin", &w.padmin, no),
        ] {
            let got = sees_everywhere(
                &env,
                tok.as_deref(),
                "LEVEE-2024-0001",
                Some("CVE-2024-2000"),
                "secretword",
                "1.5",
            )
            .await;
            assert_eq!(
                got, expect,
                "[{b}] AMBER as {who} (id, alias, osv, query, batch, search, feed, dump)"
            );
        }
        // RED: only the named recipient — not even the owner org's members.
        for (who, tok, expect) in [
            ("anon", &w.anon, no),
            ("vendor", &w.vendor, no),
            ("hospital", &w.hospital, no),
            ("other", &w.other, no),
            ("red", &w.red, yes),
        ] {
            let got = sees_everywhere(
                &env,
                tok.as_deref(),
                "LEVEE-2024-0002",
                None,
                "redword",
                "1.0",
            )
            .await;
            assert_eq!(got, expect, "[{b}] RED as {who}");
        }
        // CLEAR: every caller, anonymous included.
        for (who, tok) in [
            ("anon", &w.anon),
            ("vendor", &w.vendor),
            ("other", &w.other),
            ("padmin", &w.padmin),
        ] {
            let got = sees_everywhere(
                &env,
                tok.as_deref(),
                "GHSA-clr1-0001-0001",
                Some("CVE-2024-1000"),
                "parser",
                "1.0",
            )
            .await;
            assert_eq!(got, yes, "[{b}] CLEAR as {who}");
        }
    }
}

#[tokio::test]
async fn a_group_with_a_hidden_record_shows_only_the_visible_part() {
    for env in common::envs().await {
        let w = world(&env).await;
        // The outsider sees the public GHSA record, but neither the hidden
        // record's id nor its CVE (which is the group key).
        let r = env
            .call(
                "GET",
                "/api/v1/vulns/GHSA-mixd-0001-0001",
                w.other.as_deref(),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let text = r.body.to_string();
        assert!(!text.contains("LEVEE-2024-0004"), "{text}");
        assert!(!text.contains("CVE-2024-3000"), "{text}");
        assert!(!text.contains("Mixed hidden part"), "{text}");
        assert_eq!(r.body["id"], "GHSA-mixd-0001-0001");
        for hidden in ["LEVEE-2024-0004", "CVE-2024-3000"] {
            let r = env
                .call(
                    "GET",
                    &format!("/api/v1/vulns/{hidden}"),
                    w.other.as_deref(),
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{hidden}");
        }
        let q = query(
            &env,
            w.other.as_deref(),
            json!({"package": {"name": "mixed", "ecosystem": "npm"}, "version": "1.0.0"}),
        )
        .await;
        assert_eq!(q, ["GHSA-mixd-0001-0001"]);
        // The audience sees both records under the CVE.
        let r = env
            .call(
                "GET",
                "/api/v1/vulns/GHSA-mixd-0001-0001",
                w.hospital.as_deref(),
                None,
            )
            .await;
        assert_eq!(r.body["id"], "CVE-2024-3000");
        assert_eq!(r.body["sources"].as_array().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn the_view_merges_sources_with_enrichment() {
    for env in common::envs().await {
        let _w = world(&env).await;
        let r = env
            .call("GET", "/api/v1/vulns/PYSEC-2024-10", None, None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v = &r.body;
        assert_eq!(v["id"], "CVE-2024-1000");
        assert_eq!(
            v["aliases"],
            json!(["CVE-2024-1000", "GHSA-clr1-0001-0001", "PYSEC-2024-10"])
        );
        let sources: Vec<_> = v["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["id"].as_str().unwrap(), s["source"].as_str().unwrap()))
            .collect();
        assert_eq!(
            sources,
            [("GHSA-clr1-0001-0001", "ghsa"), ("PYSEC-2024-10", "pypa")]
        );
        let fixed = v["disagreements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["field"] == "fixed")
            .expect("the sources disagree on the fix");
        assert_eq!(fixed["subject"], "PyPI/Demo_Pkg");
        assert_eq!(v["kev"][0]["due_date"], "2024-05-22");
        assert_eq!(v["kev"][0]["required_action"], "Apply updates.");
        assert_eq!(v["kev"][0]["known_ransomware_campaign_use"], "Known");
        assert_eq!(v["epss"][0]["score"], "0.97");
        assert_eq!(v["epss"][0]["date"], "2024-06-01");
        assert_eq!(v["cwes"][0]["id"], "CWE-79");
        assert!(v["cwes"][0]["name"]
            .as_str()
            .unwrap()
            .starts_with("Improper"));
        let scores: Vec<_> = v["severity"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["cvss"]["version"].clone(), s["cvss"]["score"].clone()))
            .collect();
        assert!(scores.contains(&(json!("3.1"), json!(9.8))), "{scores:?}");
        assert!(
            v["severity"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["cvss"]["nomenclature"] == "CVSS-B"),
            "{}",
            v["severity"]
        );
        assert_eq!(v["primary"], "PYSEC-2024-10");
        // OSV JSON: the record asked for, verbatim (1.50 stays 1.50).
        let r = env
            .call("GET", "/api/v1/vulns/GHSA-clr1-0001-0001/osv", None, None)
            .await;
        assert_eq!(String::from_utf8(r.raw).unwrap(), GHSA);
        // Asked by the CVE (no CVE record): the newest source record.
        let r = env
            .call("GET", "/api/v1/vulns/CVE-2024-1000/osv", None, None)
            .await;
        assert_eq!(String::from_utf8(r.raw).unwrap(), PYSEC);
        let r = env
            .call("GET", "/api/v1/vulns/CVE-1999-0001", None, None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.body["code"], "not_found");
    }
}

#[tokio::test]
async fn osv_query_semantics() {
    for env in common::envs().await {
        let w = world(&env).await;
        let v = w.vendor.as_deref();
        let pkg = |ver: &str| json!({"package": {"name": "demo-pkg", "ecosystem": "PyPI"}, "version": ver});
        // Ranges per source: GHSA fixed 1.2.3, PYSEC fixed 1.2.4, AMBER fixed 2.0.
        assert_eq!(
            query(&env, v, pkg("1.2.3")).await,
            ["LEVEE-2024-0001", "PYSEC-2024-10"]
        );
        assert_eq!(
            query(&env, v, pkg("1.0")).await,
            ["GHSA-clr1-0001-0001", "LEVEE-2024-0001", "PYSEC-2024-10"]
        );
        assert!(query(&env, v, pkg("2.0")).await.is_empty());
        // The empty answer is `{}` as on osv.dev.
        let r = env.call("POST", "/v1/query", v, Some(pkg("9.9"))).await;
        assert_eq!(r.body, json!({}));
        // PEP 503 names, purls, the /api/v1 alias of the route.
        let r = env
            .call(
                "POST",
                "/api/v1/osv/query",
                None,
                Some(json!({"package": {"purl": "pkg:pypi/Demo.Pkg@1.2.3"}})),
            )
            .await;
        assert_eq!(ids_of(&r.body), ["PYSEC-2024-10"]);
        // The records come back verbatim.
        let r = env
            .call("POST", "/v1/query", None, Some(pkg("1.2.3")))
            .await;
        assert!(String::from_utf8(r.raw).unwrap().contains(PYSEC));
        // Commits named in GIT ranges.
        let c = |commit: &str| json!({"commit": commit});
        assert_eq!(
            query(&env, v, c("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).await,
            ["LEVEE-2024-0001"]
        );
        assert!(query(&env, v, c(&"b".repeat(40))).await.is_empty());
        assert!(query(&env, None, c(&"a".repeat(40))).await.is_empty());
        // No version: every (non-withdrawn) vulnerability of the package.
        assert_eq!(
            query(
                &env,
                None,
                json!({"package": {"name": "demo-pkg", "ecosystem": "PyPI"}})
            )
            .await,
            ["GHSA-clr1-0001-0001", "PYSEC-2024-10"]
        );
        // Bad queries are 422 problems.
        for bad in [
            json!({"version": "1.0"}),
            json!({"package": {"name": "x", "ecosystem": "PyPI"}, "version": "1", "commit": "a"}),
            json!({"package": {"name": "x", "ecosystem": "PyPI"}, "nonsense": 1}),
        ] {
            let r = env.call("POST", "/v1/query", None, Some(bad.clone())).await;
            assert_eq!(r.status.as_u16(), 422, "{bad}: {}", r.body);
        }
        let r = env.call("POST", "/v1/query", None, None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn querybatch_is_capped_and_can_return_full_records() {
    for env in common::envs().await {
        let w = world(&env).await;
        let n = 1_000;
        let queries: Vec<Value> = (0..n)
            .map(|i| {
                let ver = if i % 2 == 0 { "1.2.3" } else { "5.0" };
                json!({"package": {"name": "demo-pkg", "ecosystem": "PyPI"}, "version": ver})
            })
            .collect();
        // One more than osv.dev's limit is refused (the answer is built in
        // memory: an unbounded batch could exhaust it).
        let mut over = queries.clone();
        over.push(queries[0].clone());
        let r = env
            .call(
                "POST",
                "/v1/querybatch",
                None,
                Some(json!({ "queries": over })),
            )
            .await;
        assert_eq!(r.status.as_u16(), 422, "{}", r.body);
        assert!(r.body["detail"]
            .as_str()
            .unwrap()
            .contains("at most 1000 queries"));
        // full=true returns at most 5,000 records in all: six records of one
        // package asked 1,000 times is refused; ids only are answered.
        for i in 0..6 {
            let rec = format!(
                r#"{{"id":"MANY-{i}","modified":"2024-01-01T00:00:00Z","affected":[{{"package":{{"ecosystem":"PyPI","name":"many-pkg"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}}]}}]}}]}}"#
            );
            put_group(
                &env,
                &format!("MANY-{i}"),
                &[(&rec, "test", Label::clear())],
            )
            .await;
        }
        let many: Vec<Value> = (0..1000)
            .map(
                |_| json!({"package": {"name": "many-pkg", "ecosystem": "PyPI"}, "version": "1.0"}),
            )
            .collect();
        let r = env
            .call(
                "POST",
                "/v1/querybatch?full=true",
                None,
                Some(json!({ "queries": many })),
            )
            .await;
        assert_eq!(r.status.as_u16(), 422);
        assert!(r.body["detail"]
            .as_str()
            .unwrap()
            .contains("full=true returns at most"));
        let ids = batch(&env, None, false, Value::Array(many)).await;
        assert_eq!(
            ids["results"][999]["vulns"].as_array().map(Vec::len),
            Some(6)
        );
        let body = batch(&env, w.vendor.as_deref(), false, Value::Array(queries)).await;
        let results = body["results"].as_array().unwrap();
        assert_eq!(results.len(), n);
        assert_eq!(ids_of(&results[0]), ["LEVEE-2024-0001", "PYSEC-2024-10"]);
        assert_eq!(results[1], json!({}));
        assert_eq!(results[0]["vulns"][1]["modified"], "2024-03-01T00:00:00Z");
        assert!(results[0]["vulns"][0].get("summary").is_none());
        let full = batch(
            &env,
            None,
            true,
            json!([{"package": {"name": "demo-pkg", "ecosystem": "PyPI"}, "version": "1.0"}]),
        )
        .await;
        assert_eq!(
            full["results"][0]["vulns"][0]["summary"],
            "Clear flaw in demo parser"
        );
        // One bad query fails the batch, naming it.
        let r = env
            .call(
                "POST",
                "/v1/querybatch",
                None,
                Some(json!({"queries": [{"commit": "a"}, {"version": "1"}]})),
            )
            .await;
        assert_eq!(r.status.as_u16(), 422);
        assert!(r.body["detail"].as_str().unwrap().contains("queries[1]"));
    }
}

#[tokio::test]
async fn the_index_follows_new_writes_and_embargo_ends_by_the_clock() {
    for env in common::envs().await {
        let w = world(&env).await;
        let pkg =
            json!({"package": {"name": "late", "ecosystem": "crates.io"}, "version": "0.1.0"});
        assert!(query(&env, None, pkg.clone()).await.is_empty());
        let late = r#"{"id":"RUSTSEC-2024-0100","modified":"2024-07-01T00:00:00Z","summary":"late","affected":[{"package":{"ecosystem":"crates.io","name":"late"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0.0.0-0"},{"fixed":"0.2.0"}]}]}]}"#;
        let mut embargoed = Label::clear();
        embargoed.embargo_until = Some(env.store.now().plus_secs(3_600));
        embargoed.owner_org = None;
        put_group(&env, "RUSTSEC-2024-0100", &[(late, "rustsec", embargoed)]).await;
        // CLEAR but embargoed: nobody outside owner/audience (here: nobody).
        assert!(query(&env, None, pkg.clone()).await.is_empty());
        assert!(query(&env, w.vendor.as_deref(), pkg.clone())
            .await
            .is_empty());
        let r = env
            .call("GET", "/api/v1/vulns/RUSTSEC-2024-0100", None, None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        env.clock.advance_secs(3_601);
        assert_eq!(query(&env, None, pkg.clone()).await, ["RUSTSEC-2024-0100"]);
        // A newer version of the record replaces the old in the index.
        let fixed_earlier = late
            .replace("2024-07-01", "2024-07-02")
            .replace("\"0.2.0\"", "\"0.1.0\"");
        put_group(
            &env,
            "RUSTSEC-2024-0100",
            &[(&fixed_earlier, "rustsec", Label::clear())],
        )
        .await;
        assert!(query(&env, None, pkg).await.is_empty());
    }
}

#[tokio::test]
async fn search_and_feed_paginate() {
    for env in common::envs().await {
        let w = world(&env).await;
        let tok = w.hospital.as_deref();
        // Page through a search one item at a time.
        let mut seen = Vec::new();
        let mut url = "/api/v1/vulns?q=flaw&limit=1".to_string();
        loop {
            let r = env.call("GET", &url, tok, None).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            for i in r.body["items"].as_array().unwrap() {
                seen.push(i["record"].as_str().unwrap().to_string());
            }
            match r.body["next_cursor"].as_str() {
                Some(c) => url = format!("/api/v1/vulns?q=flaw&limit=1&cursor={c}"),
                None => break,
            }
        }
        seen.sort();
        assert_eq!(
            seen,
            [
                "GHSA-clr1-0001-0001",
                "GHSA-wdrn-0001-0001",
                "LEVEE-2024-0001"
            ]
        );
        // Terms are ANDed and case-insensitive.
        assert_eq!(
            search_ids(&env, tok, "DEMO%20Parser").await,
            BTreeSet::from(["GHSA-clr1-0001-0001".to_string()])
        );
        // The feed sees every record the caller may, once.
        let all = feed_ids(&env, tok).await;
        assert_eq!(all.len(), 6, "{all:?}");
        assert!(!all.contains("LEVEE-2024-0002"));
        // A cursor past the end is an empty page that keeps its place.
        let r = env
            .call("GET", "/api/v1/vulns/changes?cursor=999999999", tok, None)
            .await;
        assert_eq!(r.body["items"], json!([]));
        assert_eq!(r.body["next_cursor"], "999999999");
        for bad in ["cursor=-1", "cursor=abc", "limit=0", "nonsense=1"] {
            let r = env
                .call("GET", &format!("/api/v1/vulns/changes?{bad}"), tok, None)
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        }
    }
}

#[tokio::test]
async fn bad_credentials_are_401_not_anonymous() {
    for env in common::envs().await {
        let r = env
            .call("GET", "/api/v1/vulns?q=x", Some("lvt_nonsense"), None)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = env
            .call(
                "POST",
                "/v1/query",
                Some("lvt_nonsense"),
                Some(json!({"commit": "a"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
}

/// A slice of the real PyPA feed: for packages and versions taken from
/// the records' own `versions` lists, the query returns every record that
/// lists the version (and, by the ranges, maybe more — never fewer).
#[tokio::test]
async fn real_pypa_slice_answers_from_the_records_own_lists() {
    let Some(path) = levee_testdata::shared_data("osv-pypa/pypa-advisory-database.osv.jsonl")
    else {
        return;
    };
    let bytes = std::fs::read(&path).unwrap();
    let recs: Vec<Record> =
        levee_formats::read_bytes("pypa.jsonl", &bytes, &levee_formats::ReadOptions::default())
            .filter_map(Result::ok)
            .take(400)
            .collect();
    assert!(recs.len() >= 100);
    let env = common::env_on(levee_store::testing::sqlite()).await;
    let mut tx = env.store.write().await.unwrap();
    let rows: Vec<_> = recs
        .iter()
        .map(|r| levee_kb::view::row_from_record(r, "pypa", Label::clear()))
        .collect();
    tx.kb_upsert(&rows).await.unwrap();
    tx.commit().await.unwrap();
    // Expectations derived from the records: (package, version) -> ids
    // whose affected entry lists that version explicitly.
    let mut checked = 0;
    for rec in recs.iter().filter(|r| r.withdrawn.is_none()).step_by(7) {
        for a in &rec.affected {
            let (Some(p), Some(ver)) = (&a.package, a.versions.first()) else {
                continue;
            };
            let expected: BTreeSet<String> = recs
                .iter()
                .filter(|r| r.withdrawn.is_none())
                .filter(|r| {
                    r.affected.iter().any(|x| {
                        x.package.as_ref().is_some_and(|q| {
                            levee_versions::purl::pep503(&q.name)
                                == levee_versions::purl::pep503(&p.name)
                        }) && x.versions.contains(ver)
                    })
                })
                .map(|r| r.id.clone())
                .collect();
            let got: BTreeSet<String> = query(
                &env,
                None,
                json!({"package": {"name": p.name, "ecosystem": "PyPI"}, "version": ver}),
            )
            .await
            .into_iter()
            .collect();
            assert!(
                got.is_superset(&expected),
                "{} {ver}: expected at least {expected:?}, got {got:?}",
                p.name
            );
            assert!(got.contains(&rec.id));
            // A version below every introduced event and not listed is not
            // affected by this record's ECOSYSTEM ranges.
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} checks");
    // The fixed version of a single-range record is not affected by it.
    let mut fixed_checked = 0;
    for rec in recs.iter().filter(|r| r.withdrawn.is_none()) {
        let [a] = rec.affected.as_slice() else {
            continue;
        };
        let Some(p) = &a.package else { continue };
        let eco: Vec<_> = a
            .ranges
            .iter()
            .filter(|r| r.kind == levee_formats::RangeKind::Ecosystem)
            .collect();
        let [range] = eco.as_slice() else { continue };
        let fixed: Vec<_> = range
            .events
            .iter()
            .filter_map(|e| match e {
                levee_formats::Event::Fixed(v) => Some(v.clone()),
                _ => None,
            })
            .collect();
        let [fixed] = fixed.as_slice() else { continue };
        if a.versions.contains(fixed) {
            continue;
        }
        let got = query(
            &env,
            None,
            json!({"package": {"name": p.name, "ecosystem": "PyPI"}, "version": fixed}),
        )
        .await;
        assert!(
            !got.contains(&rec.id),
            "{} is fixed in {fixed} but matched",
            rec.id
        );
        fixed_checked += 1;
        if fixed_checked == 30 {
            break;
        }
    }
    assert!(fixed_checked >= 10);
}

/// Two public records that only a hidden record names as one flaw are shown
/// apart: the hidden record's claim that they are the same is not visible.
#[tokio::test]
async fn a_hidden_record_does_not_join_visible_ones() {
    for env in common::envs().await {
        let vendor = env.org("Joiner", &["vendor"], json!({})).await;
        let member = env.member(&vendor, "psirt@joiner.example", "member").await;
        let (tok, _) = env
            .token(&member, Some(&vendor), &["read"], Some(86_400))
            .await;
        let a = r#"{"id":"GHSA-join-0001-0001","modified":"2024-01-01T00:00:00Z","summary":"public a"}"#;
        let b = r#"{"id":"PYSEC-2099-77","modified":"2024-01-01T00:00:00Z","summary":"public b"}"#;
        let h = r#"{"id":"LEVEE-2099-0001","modified":"2024-01-01T00:00:00Z","aliases":["GHSA-join-0001-0001","PYSEC-2099-77"],"summary":"hidden joiner"}"#;
        let amber = label(Tlp::Amber, Some(&vendor), &[], &[]);
        put_group(
            &env,
            "GHSA-join-0001-0001",
            &[
                (a, "ghsa", Label::clear()),
                (b, "pypa", Label::clear()),
                (h, "levee", amber),
            ],
        )
        .await;
        for (id, other) in [
            ("GHSA-join-0001-0001", "PYSEC-2099-77"),
            ("PYSEC-2099-77", "GHSA-join-0001-0001"),
        ] {
            let r = env
                .call("GET", &format!("/api/v1/vulns/{id}"), None, None)
                .await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "[{}] {id}: {}",
                env.backend(),
                r.body
            );
            let text = r.body.to_string();
            assert!(
                !text.contains(other),
                "[{}] {id} shows {other}: {text}",
                env.backend()
            );
            assert!(
                !text.contains("LEVEE-2099-0001"),
                "[{}] {text}",
                env.backend()
            );
            assert_eq!(
                r.body["sources"].as_array().map(Vec::len),
                Some(1),
                "[{}] {text}",
                env.backend()
            );
        }
        // The owner sees all three as one.
        let r = env
            .call("GET", "/api/v1/vulns/GHSA-join-0001-0001", Some(&tok), None)
            .await;
        assert_eq!(
            r.body["sources"].as_array().map(Vec::len),
            Some(3),
            "{}",
            r.body
        );
    }
}

/// A record whose alias the grouping refused (it names CVE-2020-0002, which
/// is another vulnerability) is not listed under that alias by search or
/// the changed-since feed: the list key comes from the ids the view shows.
#[tokio::test]
async fn search_and_feed_do_not_name_a_record_after_a_refused_alias() {
    for env in common::envs().await {
        let bit = r#"{"id":"BIT-demo-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2020-0001"],"summary":"refusedmerge bit"}"#;
        let ghsa = r#"{"id":"GHSA-rfsd-0001-0001","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2020-0002"],"summary":"refusedmerge ghsa"}"#;
        let pysec = r#"{"id":"PYSEC-2020-1","modified":"2024-01-01T00:00:00Z","aliases":["BIT-demo-1","CVE-2020-0002"],"summary":"refusedmerge pysec"}"#;
        // As the importer groups them: PYSEC-2020-1 joins CVE-2020-0001,
        // CVE-2020-0002 stays with its GHSA (the later group takes the id).
        put_group(
            &env,
            "CVE-2020-0001",
            &[
                (bit, "bitnami", Label::clear()),
                (pysec, "pypa", Label::clear()),
            ],
        )
        .await;
        put_group(&env, "CVE-2020-0002", &[(ghsa, "ghsa", Label::clear())]).await;
        let r = env
            .call("GET", "/api/v1/vulns?q=refusedmerge", None, None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let listed: BTreeSet<(String, String)> = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["record"].as_str().unwrap().into(),
                    i["id"].as_str().unwrap().into(),
                )
            })
            .collect();
        let want: BTreeSet<(String, String)> = [
            ("BIT-demo-1", "CVE-2020-0001"),
            ("GHSA-rfsd-0001-0001", "CVE-2020-0002"),
            ("PYSEC-2020-1", "PYSEC-2020-1"),
        ]
        .into_iter()
        .map(|(a, b)| (a.into(), b.into()))
        .collect();
        assert_eq!(listed, want, "[{}] search", env.backend());
        let r = env
            .call("GET", "/api/v1/vulns/changes?limit=100", None, None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let fed: BTreeSet<(String, String)> = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["id"].as_str().unwrap().into(),
                    i["vuln_id"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(fed, want, "[{}] feed", env.backend());
    }
}
