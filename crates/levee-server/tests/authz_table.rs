//! The endpoint × role table: every route, every kind of caller, the exact
//! outcome. Later issues add their rows here; a coverage check fails when a
//! route in `ROUTES` has no row.

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use common::Env;
use serde_json::{json, Value};

/// The callers in the table.
const ROLES: &[&str] = &[
    "anon",      // no credentials
    "garbage",   // a token that never existed
    "expired",   // hospital admin's expired token
    "revoked",   // hospital admin's revoked token
    "padmin",    // platform administrator (bootstrap token)
    "h_admin",   // hospital admin
    "h_member",  // hospital member
    "h_ro",      // hospital read-only member
    "h_rotoken", // hospital member with a read-scope-only token
    "msp_admin", // admin of a managed-service provider that manages the hospital
    "other",     // admin of an unrelated vendor org (cross-org)
    "coord",     // member (not admin) of a coordinator org
];

struct World {
    tokens: BTreeMap<&'static str, Option<String>>,
    hospital: String,
    spare: String,
    h_member_id: String,
    /// issue 9: the frontier-model framework's objects (see `frontier_world`).
    fr: FrontierIds,
}

async fn world(env: &Env) -> World {
    let hospital = env
        .org(
            "Rural Hospital",
            &["operator"],
            json!({"sector": "health_care", "rural": true}),
        )
        .await;
    let msp = env.org("MSP", &["vendor"], json!({})).await;
    let vendor = env.org("Vendor", &["vendor", "finder"], json!({})).await;
    let coord = env.org("State ISAC", &["coordinator"], json!({})).await;
    let spare = env.org("Spare", &["finder"], json!({})).await;
    let h_admin = env
        .member(&hospital, "admin@hospital.example", "admin")
        .await;
    let h_member = env
        .member(&hospital, "nurse@hospital.example", "member")
        .await;
    let h_ro = env
        .member(&hospital, "auditor@hospital.example", "read_only")
        .await;
    let msp_admin = env.member(&msp, "ops@msp.example", "admin").await;
    let other = env.member(&vendor, "admin@vendor.example", "admin").await;
    let coord_m = env.member(&coord, "analyst@isac.example", "member").await;
    // The hospital's admin hands management to the MSP.
    let (h_admin_tok, _) = env
        .token(&h_admin, Some(&hospital), &["read", "write"], Some(86_400))
        .await;
    let r = env
        .call(
            "POST",
            &format!("/api/v1/orgs/{hospital}/delegations"),
            Some(&h_admin_tok),
            Some(json!({"manager_org_id": msp})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let mut tokens = BTreeMap::new();
    tokens.insert("anon", None);
    tokens.insert("garbage", Some(format!("lvt_{}", "0".repeat(64))));
    let (expired, _) = env
        .token(&h_admin, Some(&hospital), &["read", "write"], Some(60))
        .await;
    let (revoked, revoked_id) = env
        .token(&h_admin, Some(&hospital), &["read", "write"], Some(86_400))
        .await;
    let mut tx = env.store.write().await.unwrap();
    tx.revoke_token(&revoked_id).await.unwrap();
    tx.commit().await.unwrap();
    tokens.insert("expired", Some(expired));
    tokens.insert("revoked", Some(revoked));
    tokens.insert("padmin", Some(env.admin.clone()));
    tokens.insert("h_admin", Some(h_admin_tok));
    for (role, user, org, scopes) in [
        ("h_member", &h_member, &hospital, &["read", "write"][..]),
        ("h_ro", &h_ro, &hospital, &["read", "write"][..]),
        ("h_rotoken", &h_member, &hospital, &["read"][..]),
        ("msp_admin", &msp_admin, &msp, &["read", "write"][..]),
        ("other", &other, &vendor, &["read", "write"][..]),
        ("coord", &coord_m, &coord, &["read", "write"][..]),
    ] {
        let (t, _) = env.token(user, Some(org), scopes, Some(30 * 86_400)).await;
        tokens.insert(role, Some(t));
    }
    // Let the short token expire; the others live on.
    env.clock.advance_secs(120);
    let fr = frontier_world(env).await;
    World {
        tokens,
        hospital,
        spare,
        h_member_id: h_member,
        fr,
    }
}

/// Expected status per role, in ROLES order.
type Row = (&'static str, &'static str, [u16; 12]);

const U: u16 = 401;

fn rows() -> Vec<Row> {
    //                                                   anon garb exp rev padm hadm hmem hro hrot msp oth coord
    vec![
        (
            "GET",
            "/api/v1/me",
            [U, U, U, U, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/orgs",
            [U, U, U, U, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "POST",
            "/api/v1/orgs",
            [U, U, U, U, 201, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            "GET",
            "/api/v1/orgs/{id}",
            [U, U, U, U, 200, 200, 200, 200, 200, 200, 404, 200],
        ),
        (
            "PATCH",
            "/api/v1/orgs/{id}",
            [U, U, U, U, 200, 200, 403, 403, 403, 200, 404, 403],
        ),
        (
            "GET",
            "/api/v1/orgs/{id}/members",
            [U, U, U, U, 200, 200, 200, 200, 200, 200, 404, 200],
        ),
        (
            "POST",
            "/api/v1/orgs/{id}/members",
            [U, U, U, U, 201, 201, 403, 403, 403, 201, 404, 403],
        ),
        (
            "DELETE",
            "/api/v1/orgs/{id}/members/{user_id}",
            [U, U, U, U, 204, 204, 403, 403, 403, 204, 404, 403],
        ),
        (
            "GET",
            "/api/v1/orgs/{id}/delegations",
            [U, U, U, U, 200, 200, 200, 200, 200, 200, 404, 200],
        ),
        (
            "POST",
            "/api/v1/orgs/{id}/delegations",
            [U, U, U, U, 201, 201, 403, 403, 403, 403, 404, 403],
        ),
        (
            "DELETE",
            "/api/v1/orgs/{id}/delegations/{manager_id}",
            [U, U, U, U, 204, 204, 403, 403, 403, 403, 404, 403],
        ),
        (
            "GET",
            "/api/v1/orgs/{id}/tokens",
            [U, U, U, U, 200, 200, 200, 200, 200, 200, 404, 200],
        ),
        (
            "POST",
            "/api/v1/orgs/{id}/tokens",
            [U, U, U, U, 201, 201, 201, 201, 403, 201, 404, 403],
        ),
        (
            "DELETE",
            "/api/v1/orgs/{id}/tokens/{token_id}",
            [U, U, U, U, 204, 204, 204, 403, 403, 204, 404, 404],
        ),
        (
            "GET",
            "/api/v1/audit",
            [U, U, U, U, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/audit/keys",
            [U, U, U, U, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/admin/jobs",
            [U, U, U, U, 200, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "POST",
            "/api/v1/admin/jobs",
            [U, U, U, U, 201, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "POST",
            "/api/v1/me/password",
            [U, U, U, U, 204, 204, 204, 204, 403, 204, 204, 204],
        ),
        (
            "POST",
            "/api/v1/me/totp",
            [U, U, U, U, 200, 200, 200, 200, 403, 200, 200, 200],
        ),
        (
            "POST",
            "/api/v1/logout",
            [U, U, U, U, 204, 204, 204, 204, 204, 204, 204, 204],
        ),
        ("GET", "/healthz", [200; 12]),
        ("GET", "/readyz", [200; 12]),
        ("GET", "/metrics", [200; 12]),
        ("GET", "/api/v1/openapi.json", [200; 12]),
        ("GET", "/api/v1/docs", [200; 12]),
        // ----- issue 9: the frontier-model framework. None of these callers
        // is party to the developer's model: list routes answer 200 (with
        // nothing of it), object routes 404, and the hospital, which is no
        // model developer, may not register models or terms (403). The full
        // frontier role table is in tests/frontier.rs.
        (
            "GET",
            "/api/v1/models",
            [U, U, U, U, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "POST",
            "/api/v1/models",
            [U, U, U, U, 404, 403, 403, 403, 403, 403, 404, 404],
        ),
        (
            "GET",
            "/api/v1/models/export",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "GET",
            "/api/v1/models/{id}",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "PATCH",
            "/api/v1/models/{id}",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "POST",
            "/api/v1/models/{id}/opt-in",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "POST",
            "/api/v1/models/{id}/opt-out",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "GET",
            "/api/v1/assessments",
            [U, U, U, U, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "POST",
            "/api/v1/assessments",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "GET",
            "/api/v1/assessments/{id}",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "POST",
            "/api/v1/assessments/{id}/runs",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "POST",
            "/api/v1/assessments/{id}/designation",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "GET",
            "/api/v1/grants",
            [U, U, U, U, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "POST",
            "/api/v1/grants",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "GET",
            "/api/v1/grants/terms",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "POST",
            "/api/v1/grants/terms",
            [U, U, U, U, 404, 403, 403, 403, 403, 403, 404, 404],
        ),
        (
            "GET",
            "/api/v1/grants/revocations",
            [U, U, U, U, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/grants/policy",
            [U, U, U, U, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "PUT",
            "/api/v1/grants/policy",
            [U, U, U, U, 200, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "GET",
            "/api/v1/grants/{id}",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "POST",
            "/api/v1/grants/{id}/revoke",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "POST",
            "/api/v1/grants/{id}/accept",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "POST",
            "/api/v1/grants/{id}/token",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "GET",
            "/api/v1/partners",
            [U, U, U, U, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "POST",
            "/api/v1/partners",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "GET",
            "/api/v1/partners/{id}",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "POST",
            "/api/v1/partners/{id}/decision",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "DELETE",
            "/api/v1/partners/{id}",
            [U, U, U, U, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        // ----- knowledge base (issue 5): public reads; an AMBER record of
        // the hospital (audience: none) is seen by its members and its
        // delegated provider only — not by the platform admin. -----
        ("GET", "/api/v1/vulns", KB_PUBLIC),
        ("GET", "/api/v1/vulns/changes", KB_PUBLIC),
        ("GET", "/api/v1/vulns/{id}", KB_AMBER),
        ("GET", "/api/v1/vulns/{id}/osv", KB_AMBER),
        ("GET", "/api/v1/osv/dump.zip", KB_PUBLIC),
        ("POST", "/api/v1/osv/query", KB_PUBLIC),
        ("POST", "/api/v1/osv/querybatch", KB_PUBLIC),
        ("POST", "/v1/query", KB_PUBLIC),
        ("POST", "/v1/querybatch", KB_PUBLIC),
    ]
}

//                      anon garb exp rev padm hadm hmem hro hrot msp oth coord
const KB_PUBLIC: [u16; 12] = [200, U, U, U, 200, 200, 200, 200, 200, 200, 200, 200];
const KB_AMBER: [u16; 12] = [404, U, U, U, 404, 200, 200, 200, 200, 200, 404, 404];

/// The hospital's AMBER knowledge-base record used by the `{id}` rows.
async fn kb_amber_record(env: &Env, hospital: &str) -> String {
    let text = r#"{"id":"LEVEE-TABLE-0001","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-9001"],"summary":"table fixture","affected":[{"package":{"ecosystem":"PyPI","name":"tablepkg"},"versions":["1.0"]}]}"#;
    let rec = levee_formats::Record::from_json(text, &Default::default()).unwrap();
    let label = levee_store::kb::Label {
        tlp: levee_model::Tlp::Amber,
        owner_org: Some(hospital.to_string()),
        audience: vec![],
        recipients: vec![],
        embargo_until: None,
    };
    let row = levee_kb::view::row_from_record(&rec, "levee", label);
    let mut tx = env.store.write().await.unwrap();
    tx.kb_upsert(&[row]).await.unwrap();
    tx.kb_set_groups(
        &[(rec.id.clone(), "CVE-2024-9001".into())],
        &[(
            "CVE-2024-9001".into(),
            vec!["CVE-2024-9001".into(), rec.id.clone()],
        )],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    rec.id
}

/// Routes deliberately not in the table, with the test that covers them.
const NOT_IN_TABLE: &[(&str, &str, &str)] = &[(
    "POST",
    "/api/v1/login",
    "public: its outcome depends on credentials, not on the caller's token (tests/identity.rs::login_*)",
)];

/// Per call: the concrete path and body, after any setup the row needs.
async fn prepare(
    env: &Env,
    w: &World,
    method: &str,
    template: &str,
    n: usize,
) -> (String, Option<Value>) {
    let h = &w.hospital;
    let path = template.replace("{id}", h);
    match (method, template) {
        // issue 9 (frontier) first: its PATCH/POST bodies differ.
        (_, t) if is_frontier(t) => frontier_prepare(w, method, t, n).await,
        ("POST", "/api/v1/orgs") => (
            path,
            Some(json!({"name": format!("New org {n}"), "capabilities": ["finder"]})),
        ),
        ("PATCH", _) => (
            path,
            Some(json!({"contacts": [{"name": "IT desk", "phone": "555-0100"}]})),
        ),
        ("POST", "/api/v1/orgs/{id}/members") => (
            path,
            Some(json!({"email": format!("new{n}@hospital.example"), "role": "member"})),
        ),
        ("DELETE", "/api/v1/orgs/{id}/members/{user_id}") => {
            let u = env
                .member(h, &format!("leaver{n}@hospital.example"), "member")
                .await;
            (path.replace("{user_id}", &u), None)
        }
        ("POST", "/api/v1/orgs/{id}/delegations") => {
            // A fresh link each time (re-adding an existing one is 200).
            let mut tx = env.store.write().await.unwrap();
            let _ = tx.delete_delegation(&w.spare, h).await;
            tx.commit().await.unwrap();
            (path, Some(json!({"manager_org_id": w.spare})))
        }
        ("DELETE", "/api/v1/orgs/{id}/delegations/{manager_id}") => {
            let mut tx = env.store.write().await.unwrap();
            tx.insert_delegation(&w.spare, h).await.unwrap();
            tx.commit().await.unwrap();
            (path.replace("{manager_id}", &w.spare), None)
        }
        ("POST", "/api/v1/orgs/{id}/tokens") => (
            path,
            Some(json!({"name": format!("t{n}"), "scopes": ["read"]})),
        ),
        ("DELETE", "/api/v1/orgs/{id}/tokens/{token_id}") => {
            let (_, id) = env
                .token(&w.h_member_id, Some(h), &["read"], Some(86_400))
                .await;
            (path.replace("{token_id}", &id), None)
        }
        ("POST", "/api/v1/admin/jobs") => (path, Some(json!({"kind": "probe", "payload": {}}))),
        ("POST", "/api/v1/me/password") => (
            path,
            // current_password is ignored while the account has none.
            Some(json!({"new_password": "a long enough passphrase",
                "current_password": "a long enough passphrase"})),
        ),
        ("POST", "/api/v1/me/totp") => (path, Some(json!({}))),
        ("GET", "/api/v1/vulns/{id}" | "/api/v1/vulns/{id}/osv") => {
            let id = kb_amber_record(env, h).await;
            (template.replace("{id}", &id), None)
        }
        ("POST", "/api/v1/osv/query" | "/v1/query") => (
            path,
            Some(json!({"package": {"name": "tablepkg", "ecosystem": "PyPI"}, "version": "1.0"})),
        ),
        ("POST", "/api/v1/osv/querybatch" | "/v1/querybatch") => (
            path,
            Some(json!({"queries": [{"package": {"purl": "pkg:pypi/tablepkg@1.0"}}]})),
        ),
        _ => (path, None),
    }
}

#[tokio::test]
async fn every_endpoint_for_every_role() {
    for env in common::envs().await {
        let w = world(&env).await;
        let doc = levee_server::openapi::document();
        let mut failures = Vec::new();
        let mut n = 0;
        for (method, template, expected) in rows() {
            for (i, role) in ROLES.iter().enumerate() {
                n += 1;
                let (path, body) = prepare(&env, &w, method, template, n).await;
                let token = w.tokens[role].clone();
                let r = env.call(method, &path, token.as_deref(), body).await;
                if r.status.as_u16() != expected[i] {
                    failures.push(format!(
                        "{method} {template} as {role}: expected {}, got {} {}",
                        expected[i], r.status, r.body
                    ));
                }
                // Every success is documented in the OpenAPI description:
                // its status, and its media type when it has a body.
                if r.status.is_success() {
                    let doc_resp = &doc["paths"][template][method.to_lowercase()]["responses"]
                        [r.status.as_str()];
                    let mime = r
                        .headers
                        .get("content-type")
                        .and_then(|v| v.to_str().ok())
                        .map(|v| v.split(';').next().unwrap_or("").trim().to_string());
                    let documented = doc_resp.is_object()
                        && match &mime {
                            Some(m) => doc_resp["content"].get(m.as_str()).is_some(),
                            None => doc_resp.get("content").is_none(),
                        };
                    if !documented {
                        failures.push(format!(
                            "{method} {template} as {role}: {} {mime:?} is not in the OpenAPI document",
                            r.status
                        ));
                    }
                }
                // Every error is a problem document with a stable code.
                if r.status.is_client_error() {
                    let ct = r
                        .headers
                        .get("content-type")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    assert_eq!(
                        ct, "application/problem+json",
                        "{method} {template} as {role}"
                    );
                    assert!(
                        r.body["code"].is_string(),
                        "{method} {template} as {role}: {}",
                        r.body
                    );
                }
            }
        }
        assert!(
            failures.is_empty(),
            "[{}] authorization table mismatches:\n{}",
            env.backend(),
            failures.join("\n")
        );
    }
}

#[test]
fn the_table_covers_every_route() {
    let covered: Vec<(&str, &str)> = rows().iter().map(|(m, p, _)| (*m, *p)).collect();
    for r in levee_server::routes::ROUTES {
        let in_table = covered.contains(&(r.method, r.path));
        let excused = NOT_IN_TABLE
            .iter()
            .any(|(m, p, _)| *m == r.method && *p == r.path);
        assert!(
            in_table || excused,
            "route {} {} has no row in the authorization table",
            r.method,
            r.path
        );
    }
}

#[tokio::test]
async fn revoked_and_expired_attempts_are_audited() {
    for env in common::envs().await {
        let w = world(&env).await;
        let before = env.count("audit_log").await;
        for role in ["expired", "revoked", "garbage"] {
            let r = env
                .call("GET", "/api/v1/me", w.tokens[role].as_deref(), None)
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        let r = env
            .call("GET", "/api/v1/me", w.tokens["expired"].as_deref(), None)
            .await;
        assert_eq!(r.body["code"], "token_expired");
        let r = env
            .call("GET", "/api/v1/me", w.tokens["revoked"].as_deref(), None)
            .await;
        assert_eq!(r.body["code"], "token_revoked");
        assert_eq!(
            env.count("audit_log").await,
            before + 5,
            "[{}] each denied attempt is audited",
            env.backend()
        );
    }
}

#[tokio::test]
async fn delegated_provider_acts_for_the_hospital() {
    for env in common::envs().await {
        let w = world(&env).await;
        let msp = w.tokens["msp_admin"].clone();
        // The MSP sees the hospital in its org list and in /me, marked as delegated.
        let me = env.call("GET", "/api/v1/me", msp.as_deref(), None).await;
        let via: Vec<_> = me.body["orgs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["id"] == w.hospital.as_str())
            .collect();
        assert_eq!(via.len(), 1, "{}", me.body);
        assert!(via[0]["via"].is_string());
        // It updates the hospital's contacts, and the audit names the MSP's user.
        let r = env
            .call(
                "PATCH",
                &format!("/api/v1/orgs/{}", w.hospital),
                msp.as_deref(),
                Some(json!({"size": "small"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["size"], "small");
        // After the hospital withdraws the delegation, the MSP no longer sees it.
        let msp_org = via[0]["via"].as_str().unwrap().to_string();
        let r = env
            .call(
                "DELETE",
                &format!("/api/v1/orgs/{}/delegations/{msp_org}", w.hospital),
                w.tokens["h_admin"].as_deref(),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let r = env
            .call(
                "GET",
                &format!("/api/v1/orgs/{}", w.hospital),
                msp.as_deref(),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn audit_shows_each_caller_only_its_own() {
    for env in common::envs().await {
        let w = world(&env).await;
        let all = env
            .call("GET", "/api/v1/audit?limit=1000", Some(&env.admin), None)
            .await;
        let all = all.body["items"].as_array().unwrap().len();
        let other = env
            .call(
                "GET",
                "/api/v1/audit?limit=1000",
                w.tokens["other"].as_deref(),
                None,
            )
            .await;
        let items = other.body["items"].as_array().unwrap();
        assert!(items.len() < all);
        for e in items {
            assert_ne!(
                e["org_id"],
                w.hospital.as_str(),
                "a vendor sees no hospital audit entries"
            );
        }
        let h = env
            .call(
                "GET",
                "/api/v1/audit?limit=1000",
                w.tokens["h_admin"].as_deref(),
                None,
            )
            .await;
        assert!(h.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["org_id"] == w.hospital.as_str()));
        // Cursor pagination walks the same entries.
        let mut seen = 0;
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                Some(c) => format!("/api/v1/audit?limit=3&cursor={c}"),
                None => "/api/v1/audit?limit=3".to_string(),
            };
            let r = env.call("GET", &url, Some(&env.admin), None).await;
            seen += r.body["items"].as_array().unwrap().len();
            match r.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        assert!(seen >= all, "pagination saw {seen} of {all}");
    }
}

// ----- issue 9: the frontier-model framework ---------------------------

struct FrontierIds {
    dev: String,
    gov: String,
    eval: String,
    model: String,
    assessment: String,
    grant: String,
    partner: String,
}

fn is_frontier(t: &str) -> bool {
    [
        "/api/v1/models",
        "/api/v1/assessments",
        "/api/v1/grants",
        "/api/v1/partners",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

/// A model developer with a covered model, a government grant and a
/// trusted partner — none of which the table's callers are party to.
async fn frontier_world(env: &Env) -> FrontierIds {
    let dev = env
        .org("Frontier Lab", &["model_developer"], json!({}))
        .await;
    let eval = env.org("Evaluator", &["evaluator"], json!({})).await;
    let gov = env.org("Agency", &["government"], json!({})).await;
    let partner_org = env
        .org("Grid", &["operator"], json!({"sector": "electric"}))
        .await;
    let mut tok = BTreeMap::new();
    for (k, org) in [("dev", &dev), ("eval", &eval), ("gov", &gov)] {
        let u = env
            .member(org, &format!("{k}@frontier.example"), "admin")
            .await;
        let (t, _) = env
            .token(&u, Some(org), &["read", "write"], Some(365 * 86_400))
            .await;
        tok.insert(k, t);
    }
    let call = |k: &'static str, m: &'static str, p: String, b: Value| {
        let t = tok[k].clone();
        async move {
            let r = env.call(m, &p, Some(&t), Some(b)).await;
            assert!(r.status.is_success(), "{m} {p}: {}", r.body);
            r.body["id"].as_str().unwrap_or_default().to_string()
        }
    };
    let at = |days: i64| env.store.now().plus_secs(days * 86_400).to_rfc3339();
    let mut terms = Vec::new();
    for kind in levee_server::frontier::TERMS_KINDS {
        call(
            "dev",
            "POST",
            "/api/v1/grants/terms".into(),
            json!({"org_id": dev, "kind": kind, "version": "1", "title": kind, "body": "terms"}),
        )
        .await;
        terms.push(json!({"kind": kind, "version": "1"}));
    }
    let model = call(
        "dev",
        "POST",
        "/api/v1/models".into(),
        json!({"org_id": dev, "name": "M", "version": "1", "modality": "text",
            "planned_release_at": at(40), "opt_in": true}),
    )
    .await;
    let commitment = format!("sha256:{}", "ab".repeat(32));
    let assessment = call(
        "eval",
        "POST",
        "/api/v1/assessments".into(),
        json!({"model_id": model, "evaluator_org_id": eval, "commitment": commitment}),
    )
    .await;
    call(
        "eval",
        "POST",
        format!("/api/v1/assessments/{assessment}/designation"),
        json!({"covered": true}),
    )
    .await;
    let grant = call(
        "dev",
        "POST",
        "/api/v1/grants".into(),
        json!({"model_id": model, "audience": "government", "org_ids": [eval],
            "starts_at": at(10), "ends_at": at(40), "terms": terms}),
    )
    .await;
    let partner = call("dev", "POST", "/api/v1/partners".into(),
        json!({"model_id": model, "org_id": partner_org, "category": "critical_infrastructure_operator"})).await;
    call(
        "gov",
        "POST",
        format!("/api/v1/partners/{partner}/decision"),
        json!({"org_id": gov, "decision": "concur"}),
    )
    .await;
    FrontierIds {
        dev,
        gov,
        eval,
        model,
        assessment,
        grant,
        partner,
    }
}

async fn frontier_prepare(w: &World, method: &str, t: &str, n: usize) -> (String, Option<Value>) {
    let f = &w.fr;
    let id = if t.starts_with("/api/v1/models") {
        &f.model
    } else if t.starts_with("/api/v1/assessments") {
        &f.assessment
    } else if t.starts_with("/api/v1/grants") {
        &f.grant
    } else {
        &f.partner
    };
    let path = t.replace("{id}", id);
    let terms: Vec<Value> = levee_server::frontier::TERMS_KINDS
        .iter()
        .map(|k| json!({"kind": k, "version": "1"}))
        .collect();
    let body = match (method, t) {
        ("GET", "/api/v1/models/export") | ("GET", "/api/v1/grants/terms") => {
            return (format!("{path}?org_id={}", f.dev), None)
        }
        ("GET", _) | ("DELETE", _) => None,
        ("POST", "/api/v1/models") => Some(json!({"org_id": w.hospital, "name": format!("m{n}"),
            "version": "1", "modality": "text", "planned_release_at": "2030-01-01T00:00:00Z"})),
        ("PATCH", _) => Some(json!({"released_at": "2030-01-01T00:00:00Z"})),
        ("POST", "/api/v1/assessments") => Some(json!({"model_id": f.model,
            "evaluator_org_id": w.hospital, "commitment": format!("sha256:{}", "cd".repeat(32))})),
        ("POST", "/api/v1/assessments/{id}/runs") => Some(json!({"suite": "s", "version": "1",
            "tasks": [{"task": "t", "score": 1.0, "classified": true}]})),
        ("POST", "/api/v1/assessments/{id}/designation") => Some(json!({"covered": false})),
        ("POST", "/api/v1/grants") => Some(json!({"model_id": f.model, "audience": "government",
            "org_ids": [f.eval], "starts_at": "2030-01-01T00:00:00Z",
            "ends_at": "2030-01-02T00:00:00Z", "terms": terms})),
        ("POST", "/api/v1/grants/terms") => {
            Some(json!({"org_id": w.hospital, "kind": "non_disclosure",
            "version": format!("v{n}"), "title": "NDA", "body": "b"}))
        }
        ("PUT", "/api/v1/grants/policy") => Some(json!({"max_window_days": 30})),
        ("POST", "/api/v1/grants/{id}/accept") => Some(json!({"org_id": f.eval, "terms": terms})),
        ("POST", "/api/v1/grants/{id}/token") => Some(json!({"org_id": f.eval})),
        ("POST", "/api/v1/partners") => Some(json!({"model_id": f.model, "org_id": w.spare,
            "category": "security_vendor"})),
        ("POST", "/api/v1/partners/{id}/decision") => {
            Some(json!({"org_id": f.gov, "decision": "object"}))
        }
        _ => Some(json!({})),
    };
    (path, body)
}

/// The OpenAPI document's query parameters are those of the query struct
/// the route's handler really reads: asked through the router, serde names
/// a struct's fields when it refuses an unknown one (`deny_unknown_fields`),
/// names a missing required one, and refuses a value of the wrong type.
#[tokio::test]
async fn documented_query_parameters_are_the_query_structs_fields() {
    use std::collections::BTreeSet;
    let env = common::env_on(levee_store::testing::sqlite()).await;
    let doc = levee_server::openapi::document();
    let admin = Some(env.admin.as_str());
    const DESER: &str = "Failed to deserialize query string";
    // The query-string failure of an answer, if any.
    let failure = |r: &common::Resp| -> Option<String> {
        let detail = r.body["detail"].as_str().unwrap_or("");
        (r.body["code"] == "invalid_parameter" && detail.starts_with(DESER))
            .then(|| detail.to_string())
    };
    let mut failures = Vec::new();
    for route in levee_server::routes::ROUTES {
        let what = format!("{} {}", route.method, route.path);
        let base = route
            .path
            .split('/')
            .map(|s| if s.starts_with('{') { "x" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let op = &doc["paths"][route.path][route.method.to_lowercase()];
        let documented: Vec<(String, bool, String)> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .map(|p| {
                (
                    p["name"].as_str().unwrap_or("").to_string(),
                    p["required"] == true,
                    p["schema"]["type"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let valid = |ty: &str| match ty {
            "integer" => "1",
            "boolean" => "true",
            _ => "1",
        };
        let query = |params: &[&(String, bool, String)]| {
            params
                .iter()
                .map(|(n, _, t)| format!("{n}={}", valid(t)))
                .collect::<Vec<_>>()
                .join("&")
        };
        // The struct's fields, from serde's refusal of an unknown one.
        let r = env
            .call(route.method, &format!("{base}?levee_probe=1"), admin, None)
            .await;
        let fields: BTreeSet<String> = match failure(&r) {
            Some(d) => {
                let Some(rest) = d.split("unknown field `levee_probe`").nth(1) else {
                    failures.push(format!("{what}: unexpected refusal {d}"));
                    continue;
                };
                rest.split('`')
                    .skip(1)
                    .step_by(2)
                    .map(String::from)
                    .collect()
            }
            None => BTreeSet::new(), // no query struct: the query is ignored
        };
        let names: BTreeSet<String> = documented.iter().map(|(n, _, _)| n.clone()).collect();
        if names != fields {
            failures.push(format!(
                "{what}: documented {names:?}, the query struct has {fields:?}"
            ));
            continue;
        }
        // Each documented type deserializes; integers and booleans refuse text.
        let all: Vec<_> = documented.iter().collect();
        let r = env
            .call(
                route.method,
                &format!("{base}?{}", query(&all)),
                admin,
                None,
            )
            .await;
        if let Some(d) = failure(&r) {
            failures.push(format!("{what}: documented values refused: {d}"));
        }
        for (name, required, ty) in &documented {
            if matches!(ty.as_str(), "integer" | "boolean") {
                let r = env
                    .call(route.method, &format!("{base}?{name}=text"), admin, None)
                    .await;
                if failure(&r).is_none() {
                    failures.push(format!("{what}: {name} is documented {ty} but takes text"));
                }
            }
            // Required: leaving it out (and giving the rest) is refused.
            let others: Vec<_> = documented.iter().filter(|(n, _, _)| n != name).collect();
            let r = env
                .call(
                    route.method,
                    &format!("{base}?{}", query(&others)),
                    admin,
                    None,
                )
                .await;
            let missing =
                failure(&r).is_some_and(|d| d.contains(&format!("missing field `{name}`")));
            if missing != *required {
                failures.push(format!(
                    "{what}: {name} documented required={required}, the struct says {missing}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The OpenAPI document gives a `requestBody` to exactly the routes whose
/// handler reads one. Asked through the router: a route that reads a JSON
/// body refuses a malformed one (`malformed_json`) before anything else; a
/// route that reads none (`POST /api/v1/logout`) never looks at it.
#[tokio::test]
async fn documented_request_bodies_are_those_the_handlers_read() {
    use axum::body::Body;
    use axum::http::Request;
    let env = common::env_on(levee_store::testing::sqlite()).await;
    let doc = levee_server::openapi::document();
    let mut failures = Vec::new();
    let mut with_body = 0;
    for route in levee_server::routes::ROUTES {
        let what = format!("{} {}", route.method, route.path);
        let path = route
            .path
            .split('/')
            .map(|s| if s.starts_with('{') { "x" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let req = Request::builder()
            .method(route.method)
            .uri(&path)
            .header("authorization", format!("Bearer {}", env.admin))
            .header("content-type", "application/json")
            .body(Body::from("{"))
            .unwrap();
        let r = env.raw(req).await;
        let reads = r.body["code"] == "malformed_json";
        let op = &doc["paths"][route.path][route.method.to_lowercase()];
        let documented = op.get("requestBody").is_some();
        if reads != documented {
            failures.push(format!(
                "{what}: reads a body: {reads}, documents one: {documented} ({} {})",
                r.status, r.body["code"]
            ));
        }
        with_body += usize::from(reads);
    }
    // Not vacuous: most writes read a body.
    assert!(with_body > 20, "{with_body} routes read a body");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A schema, or the component schema it references.
fn resolve<'a>(doc: &'a Value, s: &'a Value) -> &'a Value {
    match s["$ref"].as_str() {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or(&Value::Null),
        None => s,
    }
}

/// A value a schema describes, with every property: the first of an enum,
/// a date-time for one, one item in an array.
fn example(doc: &Value, s: &Value) -> Value {
    let s = resolve(doc, s);
    if let Some(first) = s["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    match s["type"].as_str() {
        Some("object") => Value::Object(
            s["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), example(doc, v)))
                .collect(),
        ),
        Some("array") => json!([example(doc, &s["items"])]),
        Some("string") if s["format"] == "date-time" => json!("2030-01-02T03:04:05Z"),
        Some("string") => json!("x"),
        Some("integer") => json!(1),
        Some("number") => json!(0.5),
        Some("boolean") => json!(true),
        _ => Value::Null,
    }
}

/// The objects a schema describes (itself and nested ones), each with its
/// JSON pointer into [`example`]'s value.
fn objects(doc: &Value, s: &Value, at: &str, out: &mut Vec<(String, Value)>) {
    let s = resolve(doc, s);
    match s["type"].as_str() {
        Some("object") => {
            out.push((at.to_string(), s.clone()));
            for (k, v) in s["properties"].as_object().into_iter().flatten() {
                objects(doc, v, &format!("{at}/{k}"), out);
            }
        }
        Some("array") => objects(doc, &s["items"], &format!("{at}/0"), out),
        _ => {}
    }
}

/// Serde's refusal of a body, if that is the answer: an unknown field
/// (`unknown_field`) or another data error, which serde_json reports with
/// its position (`validation_failed`, "… at line 1 column 9"). The
/// handlers' own checks name no position.
fn serde_refusal(r: &common::Resp) -> Option<String> {
    let detail = r.body["detail"].as_str().unwrap_or("");
    let at_position = detail
        .rsplit_once(" at line ")
        .is_some_and(|(_, pos)| pos.contains(" column "));
    let refused = r.body["code"] == "unknown_field"
        || r.body["code"] == "malformed_json"
        || (r.body["code"] == "validation_failed" && at_position);
    refused.then(|| format!("{} {} {detail}", r.status, r.body["code"]))
}

/// Each documented request body schema is the struct its handler reads.
/// Asked through the router as the platform admin (bodies are read before
/// any object is loaded): with one unknown field `zz_unknown`, serde lists
/// the struct's fields (`deny_unknown_fields`), which are the schema's
/// `properties`; a body without one property names it as missing exactly
/// when the schema requires it; a body with every property, as typed
/// (enum, date-time), is not refused by serde. Nested objects (contacts,
/// terms, tasks, queries, …) are asked the same way, in place.
#[tokio::test]
async fn documented_request_body_schemas_are_the_body_structs() {
    use std::collections::BTreeSet;
    let env = common::env_on(levee_store::testing::sqlite()).await;
    let doc = levee_server::openapi::document();
    let admin = Some(env.admin.as_str());
    let mut failures = Vec::new();
    let (mut bodies, mut objects_seen) = (0, 0);
    for route in levee_server::routes::ROUTES {
        let what = format!("{} {}", route.method, route.path);
        let op = &doc["paths"][route.path][route.method.to_lowercase()];
        let Some(body) = op.get("requestBody") else {
            continue;
        };
        let Some(schema) = body["content"]["application/json"].get("schema") else {
            failures.push(format!("{what}: the request body has no schema"));
            continue;
        };
        bodies += 1;
        let path = route
            .path
            .split('/')
            .map(|s| if s.starts_with('{') { "x" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let full = example(&doc, schema);
        let r = env
            .call(route.method, &path, admin, Some(full.clone()))
            .await;
        if let Some(d) = serde_refusal(&r) {
            failures.push(format!(
                "{what}: the documented body {full} is refused: {d}"
            ));
        }
        let mut objs = Vec::new();
        objects(&doc, schema, "", &mut objs);
        for (at, s) in objs {
            objects_seen += 1;
            let here = format!("{what} at {:?}", if at.is_empty() { "/" } else { &at });
            let with = |f: &dyn Fn(&mut Value)| {
                let mut b = full.clone();
                if let Some(v) = b.pointer_mut(&at) {
                    f(v);
                }
                b
            };
            let props: BTreeSet<String> = s["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone())
                .collect();
            // An unknown field: serde names the struct's fields.
            let probe = with(&|v| *v = json!({"zz_unknown": 1}));
            let r = env.call(route.method, &path, admin, Some(probe)).await;
            let detail = r.body["detail"].as_str().unwrap_or("");
            if s["additionalProperties"] == false {
                let fields: Option<BTreeSet<String>> = (r.status.as_u16() == 422
                    && r.body["code"] == "unknown_field")
                    .then(|| detail.split("unknown field `zz_unknown`").nth(1))
                    .flatten()
                    .map(|rest| {
                        rest.split('`')
                            .skip(1)
                            .step_by(2)
                            .map(String::from)
                            .collect()
                    });
                match fields {
                    Some(f) if f == props => {}
                    Some(f) => failures.push(format!(
                        "{here}: documented {props:?}, the struct has {f:?}"
                    )),
                    None => failures.push(format!(
                        "{here}: closed, but an unknown field is not refused as such: {} {}",
                        r.status, r.body
                    )),
                }
            } else if let Some(d) = serde_refusal(&r) {
                failures.push(format!(
                    "{here}: open, but an unknown field is refused: {d}"
                ));
            }
            // Each property left out: refused, naming it, iff required.
            let required: BTreeSet<&str> = s["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            for k in &props {
                let body = with(&|v| {
                    if let Some(o) = v.as_object_mut() {
                        o.remove(k);
                    }
                });
                let r = env.call(route.method, &path, admin, Some(body)).await;
                let detail = r.body["detail"].as_str().unwrap_or("");
                let missing = r.status.as_u16() == 422
                    && r.body["code"] == "validation_failed"
                    && detail.contains(&format!("missing field `{k}`"));
                if missing != required.contains(k.as_str()) {
                    failures.push(format!(
                        "{here}: {k} documented required={}, refused as missing: {missing} ({} {})",
                        required.contains(k.as_str()),
                        r.status,
                        r.body
                    ));
                } else if !missing {
                    if let Some(d) = serde_refusal(&r) {
                        failures.push(format!("{here}: without {k}: refused {d}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Not vacuous: most writes read a body, some with nested objects.
    assert!(
        bodies > 20 && objects_seen > bodies,
        "{bodies} {objects_seen}"
    );
}
