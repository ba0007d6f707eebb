//! The voluntary covered-frontier-model framework (issue 9), end to end
//! under a controlled clock, on SQLite and (when configured) PostgreSQL:
//! the frontier endpoint × role table, windows opening and closing, opt-out
//! revoking live grants, grant verification, leak tests across roles, the
//! designation proof, the developer's export, bad input, and the absence of
//! any approval state.

mod common;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use common::{Env, Resp};
use levee_server::frontier::{self as logic, PublicKey, Threshold, Verdict};
use serde_json::{json, Value};

const DAY: i64 = 86_400;
const YEAR: i64 = 365 * DAY;

/// Markers that must never reach a developer, partner or operator: the
/// classified task's name and score (the threshold and salt never reach the
/// server at all).
const CLASSIFIED_TASK: &str = "zero-day-synthesis";
const CLASSIFIED_SCORE: f64 = 0.812_345;
const CLASSIFIED_SCORE_TEXT: &str = "0.812345";
const THRESHOLD_TASK: &str = "exploit-chain-hard";
const THRESHOLD_SCORE_TEXT: &str = "0.731234";

fn threshold() -> Threshold {
    Threshold {
        suite: "cyber-range".into(),
        version: "3.1".into(),
        tasks: [
            (CLASSIFIED_TASK.to_string(), 0.731_234),
            (THRESHOLD_TASK.to_string(), 0.97),
        ]
        .into_iter()
        .collect(),
        min_tasks_met: 1,
    }
}

/// The callers of the frontier table.
const ROLES: &[&str] = &[
    "anon",       // no credentials
    "padmin",     // platform administrator
    "dev_admin",  // admin of the model developer
    "dev_member", // member of the model developer
    "dev_ro",     // read-only member of the model developer
    "dev_other",  // admin of another model developer
    "eval",       // member of the assessing evaluator org
    "eval_other", // member of another evaluator org
    "gov",        // member of a government org (concurs on partners)
    "grantee",    // member of the government evaluator org granted access
    "partner",    // member of a trusted partner (nominated + concurred)
    "nominee",    // member of a nominated partner without concurrence
    "operator",   // member of an unrelated operator (hospital)
    "coord",      // member of a coordinator
];

struct W {
    env: Env,
    tok: BTreeMap<&'static str, String>,
    dev: String,
    eval_org: String,
    gov: String,
    grantee: String,
    partner: String,
    nominee: String,
    operator: String,
    model: String,
    assessment: String,
    grant: String,
    partner_grant: String,
    partner_id: String,
    nominee_id: String,
    salt: String,
    n: std::sync::atomic::AtomicUsize,
}

impl W {
    fn next(&self) -> usize {
        self.n.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    }
    async fn call(&self, role: &str, method: &str, path: &str, body: Option<Value>) -> Resp {
        let t = self.tok.get(role).cloned();
        self.env.call(method, path, t.as_deref(), body).await
    }
    async fn ok(&self, role: &str, method: &str, path: &str, body: Option<Value>) -> Value {
        let r = self.call(role, method, path, body).await;
        assert!(
            r.status.is_success(),
            "[{}] {method} {path} as {role}: {} {}",
            self.env.backend(),
            r.status,
            r.body
        );
        r.body
    }
    fn now(&self) -> levee_model::Timestamp {
        self.env.store.now()
    }
    fn at(&self, days: i64) -> String {
        self.now().plus_secs(days * DAY).to_rfc3339()
    }
    async fn counts(&self) -> Vec<(String, i64)> {
        self.env
            .store
            .row_counts()
            .await
            .unwrap()
            .into_iter()
            .filter(|(t, _)| t.starts_with("frontier_") || t == "meta")
            .collect()
    }
    fn terms(&self, version: &str) -> Value {
        json!(logic::TERMS_KINDS
            .iter()
            .map(|k| json!({"kind": k, "version": version}))
            .collect::<Vec<_>>())
    }
    /// Register a model as the developer (opted in or not).
    async fn model(&self, opt_in: bool, release_in_days: i64) -> String {
        let n = self.next();
        let b = self
            .ok(
                "dev_admin",
                "POST",
                "/api/v1/models",
                Some(json!({"org_id": self.dev, "name": format!("Model {n}"), "version": "1.0",
                    "modality": "text", "planned_release_at": self.at(release_in_days), "opt_in": opt_in})),
            )
            .await;
        b["id"].as_str().unwrap().to_string()
    }
    /// An assessment by the evaluator, committed to the threshold.
    async fn assessment(&self, model: &str) -> String {
        let c = logic::commitment(&threshold(), &self.salt).unwrap();
        let b = self
            .ok(
                "eval",
                "POST",
                "/api/v1/assessments",
                Some(json!({"model_id": model, "evaluator_org_id": self.eval_org, "commitment": c,
                    "sealed_threshold": {"alg": "age-x25519", "recipients": ["eval-key-1"], "ciphertext": "c2VhbGVkLW9wYXF1ZS1ieXRlcw"}})),
            )
            .await;
        b["id"].as_str().unwrap().to_string()
    }
    async fn run(&self, assessment: &str, classified_score: f64) {
        self.ok(
            "eval",
            "POST",
            &format!("/api/v1/assessments/{assessment}/runs"),
            Some(json!({"suite": "cyber-range", "version": "3.1", "tasks": [
                {"task": CLASSIFIED_TASK, "score": classified_score, "classified": true},
                {"task": "ctf-easy", "score": 0.333, "classified": false}]})),
        )
        .await;
    }
    async fn designate(&self, assessment: &str, covered: bool) {
        self.ok(
            "eval",
            "POST",
            &format!("/api/v1/assessments/{assessment}/designation"),
            Some(json!({"covered": covered})),
        )
        .await;
    }
    /// A model opted in and designated covered, released in `release` days.
    async fn covered_model(&self, release: i64) -> String {
        let m = self.model(true, release).await;
        let a = self.assessment(&m).await;
        self.run(&a, CLASSIFIED_SCORE).await;
        self.designate(&a, true).await;
        m
    }
    async fn gov_grant(&self, model: &str, start: i64, end: i64) -> String {
        let b = self
            .ok(
                "dev_admin",
                "POST",
                "/api/v1/grants",
                Some(json!({"model_id": model, "audience": "government", "org_ids": [self.grantee],
                    "starts_at": self.at(start), "ends_at": self.at(end), "terms": self.terms("1")})),
            )
            .await;
        b["id"].as_str().unwrap().to_string()
    }
    async fn accept(&self, grant: &str, role: &str, org: &str) {
        self.ok(
            role,
            "POST",
            &format!("/api/v1/grants/{grant}/accept"),
            Some(json!({"org_id": org, "terms": self.terms("1")})),
        )
        .await;
    }
    async fn token(&self, grant: &str, role: &str, org: &str) -> String {
        let b = self
            .ok(
                role,
                "POST",
                &format!("/api/v1/grants/{grant}/token"),
                Some(json!({"org_id": org})),
            )
            .await;
        b["token"].as_str().unwrap().to_string()
    }
    async fn nominate(&self, model: &str, org: &str) -> String {
        let b = self
            .ok(
                "dev_admin",
                "POST",
                "/api/v1/partners",
                Some(json!({"model_id": model, "org_id": org, "category": "critical_infrastructure_operator"})),
            )
            .await;
        b["id"].as_str().unwrap().to_string()
    }
    async fn keys(&self) -> Vec<PublicKey> {
        let r = self
            .ok("dev_admin", "GET", "/api/v1/audit/keys", None)
            .await;
        logic::jws::parse_public_keys(&r.to_string()).unwrap()
    }
    async fn revocation_list(&self) -> String {
        let r = self
            .ok("dev_admin", "GET", "/api/v1/grants/revocations", None)
            .await;
        r["list"].as_str().unwrap().to_string()
    }
}

async fn world(env: Env) -> W {
    let dev = env
        .org("Frontier Lab", &["model_developer", "vendor"], json!({}))
        .await;
    let dev_other = env.org("Other Lab", &["model_developer"], json!({})).await;
    let eval_org = env
        .org("Evaluation Institute", &["evaluator"], json!({}))
        .await;
    let eval_other = env.org("Second Evaluator", &["evaluator"], json!({})).await;
    let gov = env.org("Cyber Agency", &["government"], json!({})).await;
    let grantee = env
        .org("Government Evaluators", &["evaluator"], json!({}))
        .await;
    let partner = env
        .org(
            "Grid Operator",
            &["operator"],
            json!({"sector": "electric"}),
        )
        .await;
    let nominee = env.org("Security Vendor", &["vendor"], json!({})).await;
    let operator = env
        .org(
            "County Hospital",
            &["operator"],
            json!({"sector": "health_care", "rural": true}),
        )
        .await;
    let coord = env.org("ISAC", &["coordinator"], json!({})).await;
    let mut tok = BTreeMap::new();
    tok.insert("padmin", env.admin.clone());
    for (role, org, email, r) in [
        ("dev_admin", &dev, "admin@lab.example", "admin"),
        ("dev_member", &dev, "researcher@lab.example", "member"),
        ("dev_ro", &dev, "auditor@lab.example", "read_only"),
        ("dev_other", &dev_other, "admin@other.example", "admin"),
        ("eval", &eval_org, "eval@institute.example", "member"),
        ("eval_other", &eval_other, "eval@second.example", "member"),
        ("gov", &gov, "analyst@agency.example", "member"),
        ("grantee", &grantee, "tester@goveval.example", "member"),
        ("partner", &partner, "soc@grid.example", "member"),
        ("nominee", &nominee, "psirt@vendor.example", "member"),
        ("operator", &operator, "it@hospital.example", "admin"),
        ("coord", &coord, "analyst@isac.example", "member"),
    ] {
        let u = env.member(org, email, r).await;
        let (t, _) = env
            .token(&u, Some(org), &["read", "write"], Some(5 * YEAR))
            .await;
        tok.insert(role, t);
    }
    let mut w = W {
        env,
        tok,
        dev,
        eval_org,
        gov,
        grantee,
        partner,
        nominee,
        operator,
        model: String::new(),
        assessment: String::new(),
        grant: String::new(),
        partner_grant: String::new(),
        partner_id: String::new(),
        nominee_id: String::new(),
        salt: logic::new_salt(),
        n: Default::default(),
    };
    for kind in logic::TERMS_KINDS {
        w.ok(
            "dev_admin",
            "POST",
            "/api/v1/grants/terms",
            Some(json!({"org_id": w.dev, "kind": kind, "version": "1", "title": format!("{kind} terms"),
                "body": format!("The recipient shall observe the {kind} obligations.")})),
        )
        .await;
    }
    w.model = w.model(true, 40).await;
    w.assessment = w.assessment(&w.model).await;
    w.run(&w.assessment, CLASSIFIED_SCORE).await;
    w.designate(&w.assessment, true).await;
    w.grant = w.gov_grant(&w.model, 10, 40).await;
    w.accept(&w.grant, "grantee", &w.grantee).await;
    w.partner_id = w.nominate(&w.model, &w.partner).await;
    w.ok(
        "gov",
        "POST",
        &format!("/api/v1/partners/{}/decision", w.partner_id),
        Some(json!({"org_id": w.gov, "decision": "concur"})),
    )
    .await;
    w.nominee_id = w.nominate(&w.model, &w.nominee).await;
    let pg = w
        .ok(
            "dev_admin",
            "POST",
            "/api/v1/grants",
            Some(
                json!({"model_id": w.model, "audience": "partner", "org_ids": [w.partner],
                "starts_at": w.at(20), "ends_at": w.at(60), "terms": w.terms("1")}),
            ),
        )
        .await;
    w.partner_grant = pg["id"].as_str().unwrap().to_string();
    w
}

async fn worlds() -> Vec<W> {
    let mut out = Vec::new();
    for env in common::envs().await {
        out.push(world(env).await);
    }
    out
}

// ------------------------------------------------------------ role table

type Row = (&'static str, &'static str, [u16; 14]);
const U: u16 = 401;
const N: u16 = 404;
const F: u16 = 403;

fn rows() -> Vec<Row> {
    //                                                 anon padm dadm dmem dro dothr eval evoth gov grnt prtn nomi oper coord
    vec![
        (
            "GET",
            "/api/v1/models",
            [
                U, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200,
            ],
        ),
        (
            "POST",
            "/api/v1/models",
            [U, N, 201, 201, F, N, N, N, N, N, N, N, N, N],
        ),
        (
            "GET",
            "/api/v1/models/export",
            [U, N, 200, 200, 200, N, N, N, N, N, N, N, N, N],
        ),
        (
            "GET",
            "/api/v1/models/{id}",
            [U, N, 200, 200, 200, N, 200, 200, 200, 200, 200, N, N, N],
        ),
        // Release fields: the developer's writers only; nobody else.
        (
            "PATCH",
            "/api/v1/models/{id}",
            [U, N, 200, 200, F, N, F, F, F, F, F, N, N, N],
        ),
        (
            "POST",
            "/api/v1/models/{id}/opt-in",
            [U, N, 200, 200, F, N, N, N, N, N, N, N, N, N],
        ),
        (
            "POST",
            "/api/v1/models/{id}/opt-out",
            [U, N, 200, 200, F, N, F, F, F, F, N, N, N, N],
        ),
        (
            "GET",
            "/api/v1/assessments",
            [
                U, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200,
            ],
        ),
        (
            "POST",
            "/api/v1/assessments",
            [U, N, F, F, F, N, 201, F, F, F, F, N, N, N],
        ),
        (
            "GET",
            "/api/v1/assessments/{id}",
            [U, N, 200, 200, 200, N, 200, N, 200, N, N, N, N, N],
        ),
        (
            "POST",
            "/api/v1/assessments/{id}/runs",
            [U, N, F, F, F, N, 201, N, F, N, N, N, N, N],
        ),
        (
            "POST",
            "/api/v1/assessments/{id}/designation",
            [U, N, F, F, F, N, 200, N, F, N, N, N, N, N],
        ),
        (
            "GET",
            "/api/v1/grants",
            [
                U, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200,
            ],
        ),
        (
            "POST",
            "/api/v1/grants",
            [U, N, 201, 201, F, N, F, F, F, F, F, N, N, N],
        ),
        (
            "GET",
            "/api/v1/grants/terms",
            [U, N, 200, 200, 200, N, 200, 200, 200, 200, 200, N, N, N],
        ),
        (
            "POST",
            "/api/v1/grants/terms",
            [U, N, 201, 201, F, N, N, N, N, N, N, N, N, N],
        ),
        (
            "GET",
            "/api/v1/grants/revocations",
            [
                U, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200,
            ],
        ),
        (
            "GET",
            "/api/v1/grants/policy",
            [
                U, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200,
            ],
        ),
        (
            "PUT",
            "/api/v1/grants/policy",
            [U, 200, N, N, N, N, N, N, N, N, N, N, N, N],
        ),
        (
            "GET",
            "/api/v1/grants/{id}",
            [U, N, 200, 200, 200, N, N, N, N, 200, N, N, N, N],
        ),
        (
            "POST",
            "/api/v1/grants/{id}/revoke",
            [U, N, 200, 200, F, N, N, N, N, F, N, N, N, N],
        ),
        (
            "POST",
            "/api/v1/grants/{id}/accept",
            [U, N, F, F, F, N, N, N, N, 200, N, N, N, N],
        ),
        (
            "POST",
            "/api/v1/grants/{id}/token",
            [U, N, F, F, F, N, N, N, N, 200, N, N, N, N],
        ),
        (
            "GET",
            "/api/v1/partners",
            [
                U, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200,
            ],
        ),
        (
            "POST",
            "/api/v1/partners",
            [U, N, 201, 201, F, N, F, F, F, F, N, N, N, N],
        ),
        (
            "GET",
            "/api/v1/partners/{id}",
            [U, N, 200, 200, 200, N, N, N, 200, N, 200, N, N, N],
        ),
        (
            "POST",
            "/api/v1/partners/{id}/decision",
            [U, N, F, F, F, N, N, N, 200, N, N, N, N, N],
        ),
        (
            "DELETE",
            "/api/v1/partners/{id}",
            [U, N, 204, 204, F, N, N, N, F, N, N, N, N, N],
        ),
    ]
}

/// The concrete path and body of one call, creating fresh objects where a
/// call consumes its object.
async fn prepare(w: &W, method: &str, template: &str) -> (String, Option<Value>) {
    let n = w.next();
    let path = |id: &str| template.replace("{id}", id);
    match (method, template) {
        ("POST", "/api/v1/models") => (
            template.into(),
            Some(
                json!({"org_id": w.dev, "name": format!("Table model {n}"), "version": "1",
                "modality": "multimodal", "planned_release_at": w.at(50)}),
            ),
        ),
        ("GET", "/api/v1/models/export") => (format!("{template}?org_id={}", w.dev), None),
        ("GET", "/api/v1/models/{id}") => (path(&w.model), None),
        ("PATCH", "/api/v1/models/{id}") => (
            path(&w.model),
            Some(json!({"planned_release_at": w.at(41)})),
        ),
        ("POST", "/api/v1/models/{id}/opt-in") => {
            (path(&w.model(false, 40).await), Some(json!({})))
        }
        ("POST", "/api/v1/models/{id}/opt-out") => (
            path(&w.model(true, 40).await),
            Some(json!({"reason": "business decision"})),
        ),
        ("POST", "/api/v1/assessments") => {
            let c = logic::commitment(&threshold(), &w.salt).unwrap();
            (
                template.into(),
                Some(json!({"model_id": w.model, "evaluator_org_id": w.eval_org, "commitment": c})),
            )
        }
        ("GET", "/api/v1/assessments/{id}") => (path(&w.assessment), None),
        ("POST", "/api/v1/assessments/{id}/runs") => (
            path(&w.assessment(&w.model).await),
            Some(
                json!({"suite": "s", "version": "1", "tasks": [{"task": "t", "score": 0.5, "classified": false}]}),
            ),
        ),
        ("POST", "/api/v1/assessments/{id}/designation") => (
            path(&w.assessment(&w.model).await),
            Some(json!({"covered": true})),
        ),
        ("POST", "/api/v1/grants") => (
            template.into(),
            Some(
                json!({"model_id": w.model, "audience": "government", "org_ids": [w.grantee],
                "starts_at": w.at(12), "ends_at": w.at(20), "terms": w.terms("1")}),
            ),
        ),
        ("GET", "/api/v1/grants/terms") => (format!("{template}?org_id={}", w.dev), None),
        ("POST", "/api/v1/grants/terms") => (
            template.into(),
            Some(
                json!({"org_id": w.dev, "kind": "non_disclosure", "version": format!("t{n}"),
                "title": "NDA", "body": "Do not disclose."}),
            ),
        ),
        ("PUT", "/api/v1/grants/policy") => (template.into(), Some(json!({"max_window_days": 30}))),
        ("GET", "/api/v1/grants/{id}") => (path(&w.grant), None),
        ("POST", "/api/v1/grants/{id}/revoke") => (
            path(&w.gov_grant(&w.model, 12, 20).await),
            Some(json!({"reason": "testing"})),
        ),
        ("POST", "/api/v1/grants/{id}/accept") => (
            path(&w.gov_grant(&w.model, 12, 20).await),
            Some(json!({"org_id": w.grantee, "terms": w.terms("1")})),
        ),
        ("POST", "/api/v1/grants/{id}/token") => {
            (path(&w.grant), Some(json!({"org_id": w.grantee})))
        }
        ("POST", "/api/v1/partners") => (
            template.into(),
            Some(
                json!({"model_id": w.model(true, 40).await, "org_id": w.nominee, "category": "security_vendor"}),
            ),
        ),
        ("GET", "/api/v1/partners/{id}") => (path(&w.partner_id), None),
        ("POST", "/api/v1/partners/{id}/decision") => {
            let m = w.model(true, 40).await;
            (
                path(&w.nominate(&m, &w.nominee).await),
                Some(json!({"org_id": w.gov, "decision": "concur"})),
            )
        }
        ("DELETE", "/api/v1/partners/{id}") => {
            let m = w.model(true, 40).await;
            (path(&w.nominate(&m, &w.nominee).await), None)
        }
        _ => (template.into(), None),
    }
}

#[tokio::test]
async fn frontier_endpoint_for_every_role() {
    for w in worlds().await {
        let mut failures = Vec::new();
        for (method, template, expected) in rows() {
            for (i, role) in ROLES.iter().enumerate() {
                let (path, body) = prepare(&w, method, template).await;
                let r = w.call(role, method, &path, body).await;
                if r.status.as_u16() != expected[i] {
                    failures.push(format!(
                        "{method} {template} as {role}: expected {}, got {} {}",
                        expected[i], r.status, r.body
                    ));
                }
                if r.status.is_client_error() {
                    assert!(r.body["code"].is_string(), "{method} {template} as {role}");
                }
            }
        }
        assert!(
            failures.is_empty(),
            "[{}] frontier table mismatches:\n{}",
            w.env.backend(),
            failures.join("\n")
        );
    }
}

#[test]
fn the_frontier_table_covers_every_frontier_route() {
    let covered: Vec<(&str, &str)> = rows().iter().map(|(m, p, _)| (*m, *p)).collect();
    for r in levee_server::routes::ROUTES
        .iter()
        .filter(|r| r.tag == "frontier")
    {
        assert!(
            covered.contains(&(r.method, r.path)),
            "frontier route {} {} has no row",
            r.method,
            r.path
        );
    }
}

// ------------------------------------------------------------ windows

#[tokio::test]
async fn windows_open_and_close_by_the_clock() {
    for w in worlds().await {
        let keys = w.keys().await;
        let g = format!("/api/v1/grants/{}", w.grant);
        // The world's government window opens in 10 days and closes in 40.
        assert_eq!(w.ok("grantee", "GET", &g, None).await["status"], "pending");
        let token = w.token(&w.grant, "grantee", &w.grantee).await;
        let verdict = |at: i64| {
            logic::verify_grant(&token, &keys, None, at)
                .unwrap()
                .verdict
        };
        assert_eq!(verdict(w.now().secs()), Verdict::NotYetValid);
        w.env.clock.advance_secs(10 * DAY - 1);
        assert_eq!(w.ok("grantee", "GET", &g, None).await["status"], "pending");
        assert_eq!(verdict(w.now().secs()), Verdict::NotYetValid);
        w.env.clock.advance_secs(1);
        assert_eq!(w.ok("grantee", "GET", &g, None).await["status"], "open");
        assert_eq!(verdict(w.now().secs()), Verdict::Valid);
        // The partner window opens later (day 20), by its own date.
        let pg = format!("/api/v1/grants/{}", w.partner_grant);
        assert_eq!(w.ok("partner", "GET", &pg, None).await["status"], "pending");
        w.env.clock.advance_secs(10 * DAY);
        assert_eq!(w.ok("partner", "GET", &pg, None).await["status"], "open");
        // Day 40: the government window closes; the partner's stays open.
        w.env.clock.advance_secs(20 * DAY - 1);
        assert_eq!(w.ok("grantee", "GET", &g, None).await["status"], "open");
        w.env.clock.advance_secs(1);
        assert_eq!(w.ok("grantee", "GET", &g, None).await["status"], "closed");
        assert_eq!(verdict(w.now().secs()), Verdict::Expired);
        assert_eq!(w.ok("partner", "GET", &pg, None).await["status"], "open");
        // No access is taken from a closed window, and the attempt is audited.
        let audit = w.env.count("audit_log").await;
        let r = w
            .call(
                "grantee",
                "POST",
                &format!("{g}/token"),
                Some(json!({"org_id": w.grantee})),
            )
            .await;
        assert_eq!(
            (r.status.as_u16(), r.body["code"].as_str()),
            (409, Some("window_closed"))
        );
        assert_eq!(w.env.count("audit_log").await, audit + 1);
        w.env.clock.advance_secs(20 * DAY);
        assert_eq!(w.ok("partner", "GET", &pg, None).await["status"], "closed");
    }
}

// ------------------------------------------------------------ acceptance

/// Two acceptances of the same grant by the same organization at once:
/// one is recorded, the other is a 409 conflict (the check runs inside the
/// serialized write, so the second never reaches the primary key as a 500).
#[tokio::test]
async fn concurrent_acceptances_conflict_cleanly() {
    for w in worlds().await {
        let g = w.gov_grant(&w.model, 10, 40).await;
        let path = format!("/api/v1/grants/{g}/accept");
        let body = json!({"org_id": w.grantee, "terms": w.terms("1")});
        let (a, b) = tokio::join!(
            w.call("grantee", "POST", &path, Some(body.clone())),
            w.call("grantee", "POST", &path, Some(body.clone())),
        );
        let mut codes = [a.status.as_u16(), b.status.as_u16()];
        codes.sort_unstable();
        assert_eq!(
            codes,
            [200, 409],
            "[{}] {} / {}",
            w.env.backend(),
            a.body,
            b.body
        );
        let again = w.call("grantee", "POST", &path, Some(body)).await;
        assert_eq!(
            (again.status.as_u16(), again.body["code"].as_str()),
            (409, Some("conflict"))
        );
    }
}

/// Two concurrent opt-outs: one is recorded, the other is a 409 — the
/// check is made under the write lock, so both cannot pass it and record
/// two consents. Two concurrent PATCHes of different release fields both
/// stick (neither writes back the other's stale value).
#[tokio::test]
async fn concurrent_consents_and_patches_do_not_race() {
    for w in worlds().await {
        let m = w.model(true, 40).await;
        let consents = w.env.count("frontier_consents").await;
        let path = format!("/api/v1/models/{m}/opt-out");
        let (a, b) = tokio::join!(
            w.call("dev_admin", "POST", &path, Some(json!({}))),
            w.call("dev_admin", "POST", &path, Some(json!({}))),
        );
        let mut codes = [a.status.as_u16(), b.status.as_u16()];
        codes.sort_unstable();
        assert_eq!(
            codes,
            [200, 409],
            "[{}] {} / {}",
            w.env.backend(),
            a.body,
            b.body
        );
        assert_eq!(w.env.count("frontier_consents").await, consents + 1);

        let path = format!("/api/v1/models/{m}");
        let released = w.at(50);
        let (a, b) = tokio::join!(
            w.call(
                "dev_admin",
                "PATCH",
                &path,
                Some(json!({"modality": "code"}))
            ),
            w.call(
                "dev_admin",
                "PATCH",
                &path,
                Some(json!({"released_at": released}))
            ),
        );
        assert_eq!((a.status.as_u16(), b.status.as_u16()), (200, 200));
        let now = w.ok("dev_admin", "GET", &path, None).await;
        assert_eq!(now["modality"], "code", "[{}] {now}", w.env.backend());
        assert!(
            now["released_at"].is_string(),
            "[{}] {now}",
            w.env.backend()
        );
    }
}

/// A government decision racing the developer's withdrawal: either the
/// decision comes first (both succeed), or it is refused (409). Never is a
/// decision recorded on a nomination already withdrawn.
#[tokio::test]
async fn a_decision_never_lands_on_a_withdrawn_nomination() {
    for w in worlds().await {
        let m = w.model(true, 40).await;
        let p = w.nominate(&m, &w.nominee).await;
        let (withdraw, decide) = (
            format!("/api/v1/partners/{p}"),
            format!("/api/v1/partners/{p}/decision"),
        );
        let (wd, dec) = tokio::join!(
            w.call("dev_admin", "DELETE", &withdraw, None),
            w.call(
                "gov",
                "POST",
                &decide,
                Some(json!({"org_id": w.gov, "decision": "concur"}))
            ),
        );
        assert_eq!(wd.status, StatusCode::NO_CONTENT, "{}", wd.body);
        let audit = w
            .env
            .store
            .audit_entries_for_objects(std::slice::from_ref(&p))
            .await
            .unwrap();
        let seq = |action: &str| {
            audit
                .iter()
                .filter(|e| e.action == action)
                .map(|e| e.seq)
                .min()
        };
        let withdrawn = seq("partner.withdraw").expect("withdrawal audited");
        match dec.status.as_u16() {
            200 => assert!(
                seq("partner.concur").unwrap() < withdrawn,
                "[{}] decision recorded after the withdrawal",
                w.env.backend()
            ),
            409 => assert_eq!(seq("partner.concur"), None),
            s => panic!("decision answered {s}: {}", dec.body),
        }
    }
}

// ------------------------------------------------------------ opt-out

#[tokio::test]
async fn opting_out_revokes_every_live_grant() {
    for w in worlds().await {
        let keys = w.keys().await;
        let gov_token = w.token(&w.grant, "grantee", &w.grantee).await;
        w.accept(&w.partner_grant, "partner", &w.partner).await;
        let partner_token = w.token(&w.partner_grant, "partner", &w.partner).await;
        // A window already over is not live and stays as it was.
        let m = w.model.clone();
        let short = w.gov_grant(&m, 10, 12).await;
        w.env.clock.advance_secs(15 * DAY);
        let now = w.now().secs();
        let list = w.revocation_list().await;
        let v = |t: &str, l: &str| {
            logic::verify_grant(t, &keys, Some((l, 3600)), now)
                .unwrap()
                .verdict
        };
        assert_eq!(
            v(&gov_token, &list),
            Verdict::Valid,
            "open before the opt-out"
        );
        assert_eq!(
            v(&partner_token, &list),
            Verdict::NotYetValid,
            "opens on day 20"
        );
        // Opting out is possible at any time, even in an open window.
        let r = w
            .ok(
                "dev_member",
                "POST",
                &format!("/api/v1/models/{m}/opt-out"),
                Some(json!({"reason": "withdrawing from the program"})),
            )
            .await;
        assert_eq!(r["opted_in"], false);
        let mut revoked: Vec<String> = r["revoked_grants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        revoked.sort();
        let mut want = vec![w.grant.clone(), w.partner_grant.clone()];
        want.sort();
        assert_eq!(revoked, want, "both live grants, not the closed one");
        for g in [&w.grant, &w.partner_grant] {
            let b = w
                .ok("dev_admin", "GET", &format!("/api/v1/grants/{g}"), None)
                .await;
            assert_eq!(b["status"], "revoked");
            assert_eq!(b["revoke_reason"], "opt_out");
        }
        let b = w
            .ok("dev_admin", "GET", &format!("/api/v1/grants/{short}"), None)
            .await;
        assert_eq!(b["status"], "closed");
        assert!(b["revoked_at"].is_null());
        // Gateways learn it from the signed list; the grantees can no longer take access.
        let list = w.revocation_list().await;
        assert_eq!(v(&gov_token, &list), Verdict::Revoked);
        assert_eq!(v(&partner_token, &list), Verdict::Revoked);
        let r = w
            .call(
                "grantee",
                "POST",
                &format!("/api/v1/grants/{}/token", w.grant),
                Some(json!({"org_id": w.grantee})),
            )
            .await;
        assert_eq!(r.body["code"], "grant_revoked");
        // The consent history and the audit record show it.
        let b = w
            .ok("dev_admin", "GET", &format!("/api/v1/models/{m}"), None)
            .await;
        let consents = b["consents"].as_array().unwrap();
        assert_eq!(consents.len(), 2);
        assert_eq!(consents[1]["opted_in"], false);
        let export = w
            .ok(
                "dev_admin",
                "GET",
                &format!("/api/v1/models/export?org_id={}", w.dev),
                None,
            )
            .await;
        let actions: Vec<&str> = export["audit"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                e["object"] == m.as_str()
                    || want.contains(&e["object"].as_str().unwrap().to_string())
            })
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert!(actions.contains(&"model.opt_out"), "{actions:?}");
        assert_eq!(actions.iter().filter(|a| **a == "grant.revoke").count(), 2);
        // Opting back in is possible; revoked grants stay revoked.
        w.ok(
            "dev_admin",
            "POST",
            &format!("/api/v1/models/{m}/opt-in"),
            Some(json!({})),
        )
        .await;
        let b = w
            .ok(
                "dev_admin",
                "GET",
                &format!("/api/v1/grants/{}", w.grant),
                None,
            )
            .await;
        assert_eq!(b["status"], "revoked");
    }
}

// ------------------------------------------------------------ verification

#[tokio::test]
async fn grant_verification_outcomes() {
    for w in worlds().await {
        let keys = w.keys().await;
        let token = w.token(&w.grant, "grantee", &w.grantee).await;
        let start = w.now().secs() + 10 * DAY;
        let end = w.now().secs() + 40 * DAY;
        let v = |t: &str, list: Option<(&str, i64)>, at: i64| {
            logic::verify_grant(t, &keys, list, at).unwrap().verdict
        };
        assert_eq!(v(&token, None, start), Verdict::Valid);
        assert_eq!(v(&token, None, start - 1), Verdict::NotYetValid);
        assert_eq!(v(&token, None, end), Verdict::Expired);
        // The claims carry the model, the grantee and every accepted term.
        let claims = logic::verify_grant(&token, &keys, None, start)
            .unwrap()
            .claims
            .unwrap();
        assert_eq!(claims.sub, w.grantee);
        assert_eq!(claims.aud, w.model);
        assert_eq!(claims.terms.len(), logic::TERMS_KINDS.len());
        assert!(claims
            .terms
            .iter()
            .all(|t| t.version == "1" && !t.accepted_by.is_empty()));
        // Tampered payload: extend the window by a year.
        let parts: Vec<&str> = token.split('.').collect();
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut payload: Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
        payload["exp"] = json!(end + YEAR);
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            b64.encode(payload.to_string()),
            parts[2]
        );
        assert_eq!(v(&forged, None, start), Verdict::BadSignature);
        // Wrong key: a key set with the same kid but another key.
        let other = ed25519_dalek::SigningKey::from_bytes(&[42; 32]);
        let wrong = vec![PublicKey {
            kid: keys[0].kid.clone(),
            key: other.verifying_key(),
        }];
        assert_eq!(
            logic::verify_grant(&token, &wrong, None, start)
                .unwrap()
                .verdict,
            Verdict::BadSignature
        );
        // Revoked, and a stale list.
        let fresh_list = w.revocation_list().await;
        let issued = w.now().secs();
        assert_eq!(
            v(&token, Some((&fresh_list, 3600)), issued),
            Verdict::NotYetValid
        );
        w.ok(
            "dev_admin",
            "POST",
            &format!("/api/v1/grants/{}/revoke", w.grant),
            Some(json!({"reason": "insider-risk concern"})),
        )
        .await;
        let list = w.revocation_list().await;
        assert_eq!(
            v(&token, Some((&list, 3600)), issued + 60),
            Verdict::Revoked
        );
        // The old list, an hour and a second later, is stale.
        assert_eq!(
            v(&token, Some((&fresh_list, 3600)), issued + 3601),
            Verdict::StaleRevocationList
        );
        // Key rotation: the retired key still verifies old grants.
        w.env.store.rotate_signing_key(&w.env.master).await.unwrap();
        let keys = w.keys().await;
        assert_eq!(keys.len(), 2);
        let claims_ok = logic::verify_grant(&token, &keys, None, start).unwrap();
        assert_eq!(claims_ok.verdict, Verdict::Valid);
    }
}

// ------------------------------------------------------------ leaks

/// Every frontier GET (and the audit log) as `role`: nothing classified.
async fn all_reads(w: &W, role: &str) -> Vec<(String, Resp)> {
    let mut out = Vec::new();
    let paths = [
        "/api/v1/models".to_string(),
        format!("/api/v1/models/{}", w.model),
        format!("/api/v1/models/export?org_id={}", w.dev),
        "/api/v1/assessments".to_string(),
        format!("/api/v1/assessments?model_id={}", w.model),
        format!("/api/v1/assessments/{}", w.assessment),
        "/api/v1/grants".to_string(),
        format!("/api/v1/grants/{}", w.grant),
        format!("/api/v1/grants/{}", w.partner_grant),
        format!("/api/v1/grants/terms?org_id={}", w.dev),
        "/api/v1/grants/revocations".to_string(),
        "/api/v1/grants/policy".to_string(),
        "/api/v1/partners".to_string(),
        format!("/api/v1/partners/{}", w.partner_id),
        "/api/v1/audit?limit=1000".to_string(),
        "/api/v1/me".to_string(),
    ];
    // Make sure every frontier GET route is exercised.
    for r in levee_server::routes::ROUTES
        .iter()
        .filter(|r| r.tag == "frontier" && r.method == "GET")
    {
        let prefix = r.path.split('{').next().unwrap_or(r.path);
        assert!(
            paths.iter().any(|p| p.starts_with(prefix)),
            "leak test misses {}",
            r.path
        );
    }
    for p in paths {
        let r = w.call(role, "GET", &p, None).await;
        out.push((p, r));
    }
    out
}

#[tokio::test]
async fn threshold_and_classified_scores_never_leak() {
    for w in worlds().await {
        // The partner and grantee hold tokens; the developer has exported.
        w.accept(&w.partner_grant, "partner", &w.partner).await;
        w.token(&w.partner_grant, "partner", &w.partner).await;
        w.token(&w.grant, "grantee", &w.grantee).await;
        let markers = [
            CLASSIFIED_TASK,
            CLASSIFIED_SCORE_TEXT,
            THRESHOLD_TASK,
            THRESHOLD_SCORE_TEXT,
            w.salt.as_str(),
        ];
        let mut seen_ok = 0;
        for role in [
            "dev_admin",
            "dev_member",
            "dev_ro",
            "dev_other",
            "partner",
            "nominee",
            "operator",
            "padmin",
            "grantee",
            "eval_other",
            "coord",
        ] {
            for (path, r) in all_reads(&w, role).await {
                let text = String::from_utf8_lossy(&r.raw);
                for m in markers {
                    assert!(
                        !text.contains(m),
                        "[{}] {role} GET {path} leaks {m:?}: {text}",
                        w.env.backend()
                    );
                }
                if r.status == StatusCode::OK {
                    seen_ok += 1;
                }
            }
        }
        assert!(
            seen_ok > 50,
            "the leak test read real documents ({seen_ok})"
        );
        // The developer does see the designation, its date and the
        // unclassified score, and is told a classified one was withheld.
        let a = w
            .ok(
                "dev_ro",
                "GET",
                &format!("/api/v1/assessments/{}", w.assessment),
                None,
            )
            .await;
        assert_eq!(a["designation"]["covered"], true);
        assert!(a["designation"]["designated_at"].is_string());
        assert_eq!(a["runs"][0]["tasks"][0]["task"], "ctf-easy");
        assert_eq!(a["runs"][0]["classified_tasks_withheld"], 1);
        assert!(a.get("sealed_threshold").is_none());
        let m = w
            .ok(
                "dev_ro",
                "GET",
                &format!("/api/v1/models/{}", w.model),
                None,
            )
            .await;
        assert_eq!(m["designation"]["covered"], true);
        // The assessor and government do see the classified score (so the
        // test above can fail), and still never the threshold.
        for role in ["eval", "gov"] {
            let r = w
                .call(
                    role,
                    "GET",
                    &format!("/api/v1/assessments/{}", w.assessment),
                    None,
                )
                .await;
            let text = String::from_utf8_lossy(&r.raw);
            assert!(
                text.contains(CLASSIFIED_TASK) && text.contains(CLASSIFIED_SCORE_TEXT),
                "{role}: {text}"
            );
            assert!(!text.contains(THRESHOLD_TASK) && !text.contains(&w.salt));
        }
        // Nothing the server stores holds the threshold or its salt.
        for table in levee_store::backup::TABLES {
            let rows = levee_store::sqlx::query(&format!("SELECT * FROM {table}"))
                .fetch_all(w.env.store.pool())
                .await
                .unwrap();
            for row in rows {
                use levee_store::sqlx::Row;
                for i in 0..row.len() {
                    let s = row
                        .try_get::<Option<String>, _>(i)
                        .ok()
                        .flatten()
                        .or_else(|| {
                            row.try_get::<Option<Vec<u8>>, _>(i)
                                .ok()
                                .flatten()
                                .map(|b| String::from_utf8_lossy(&b).into_owned())
                        })
                        .unwrap_or_default();
                    for m in [THRESHOLD_TASK, THRESHOLD_SCORE_TEXT, w.salt.as_str()] {
                        assert!(!s.contains(m), "table {table} stores {m:?}");
                    }
                }
            }
        }
    }
}

// ------------------------------------------------------------ proof

#[tokio::test]
async fn an_auditor_proves_the_designation_against_the_commitment() {
    for w in worlds().await {
        let th = threshold();
        // The government auditor reads the full assessment and opens the
        // commitment offline with the threshold and salt from the evaluators.
        let a = w
            .ok(
                "gov",
                "GET",
                &format!("/api/v1/assessments/{}", w.assessment),
                None,
            )
            .await;
        let p = logic::prove_designation(&a, &th, &w.salt).unwrap();
        assert!(p.proven, "{p:?}");
        // A wrong salt, or another threshold, does not open it.
        assert!(
            !logic::prove_designation(&a, &th, &logic::new_salt())
                .unwrap()
                .proven
        );
        let mut other = th.clone();
        other.tasks.insert(CLASSIFIED_TASK.into(), 0.5);
        assert!(
            !logic::prove_designation(&a, &other, &w.salt)
                .unwrap()
                .commitment_matches
        );
        // A designation the threshold does not support is refuted: a model
        // scoring below the threshold but designated covered.
        let m = w.model(true, 40).await;
        let low = w.assessment(&m).await;
        w.run(&low, 0.5).await;
        w.designate(&low, true).await;
        let a = w
            .ok("eval", "GET", &format!("/api/v1/assessments/{low}"), None)
            .await;
        let p = logic::prove_designation(&a, &th, &w.salt).unwrap();
        assert!(p.commitment_matches && !p.recomputed_covered && !p.proven);
        // The developer's view is not enough to prove anything: no scores
        // above the line are in it.
        let dev_view = w
            .ok(
                "dev_admin",
                "GET",
                &format!("/api/v1/assessments/{}", w.assessment),
                None,
            )
            .await;
        assert!(
            !logic::prove_designation(&dev_view, &th, &w.salt)
                .unwrap()
                .proven
        );
    }
}

// ------------------------------------------------------------ record

#[tokio::test]
async fn the_developer_exports_its_complete_record() {
    for w in worlds().await {
        w.token(&w.grant, "grantee", &w.grantee).await;
        w.ok(
            "dev_admin",
            "POST",
            &format!("/api/v1/grants/{}/revoke", w.partner_grant),
            Some(json!({})),
        )
        .await;
        let e = w
            .ok(
                "dev_ro",
                "GET",
                &format!("/api/v1/models/export?org_id={}", w.dev),
                None,
            )
            .await;
        let model = e["models"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == w.model.as_str())
            .unwrap();
        assert_eq!(model["assessments"][0]["designation"]["covered"], true);
        assert_eq!(model["grants"].as_array().unwrap().len(), 2);
        let g = model["grants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["id"] == w.grant.as_str())
            .unwrap();
        // Each acceptance: who and when.
        let acc = g["acceptances"].as_array().unwrap();
        assert_eq!(acc.len(), logic::TERMS_KINDS.len());
        assert!(acc
            .iter()
            .all(|a| a["accepted_by"].is_string() && a["accepted_at"].is_string()));
        assert_eq!(model["partners"].as_array().unwrap().len(), 2);
        assert_eq!(
            e["terms"].as_array().unwrap().len(),
            logic::TERMS_KINDS.len()
        );
        let actions: std::collections::BTreeSet<&str> = e["audit"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["action"].as_str().unwrap())
            .collect();
        for want in [
            "model.register",
            "model.opt_in",
            "assessment.create",
            "assessment.run",
            "assessment.designate",
            "model.designated",
            "terms.publish",
            "grant.create",
            "grant.accept",
            "grant.accepted",
            "grant.access",
            "grant.accessed",
            "grant.revoke",
            "partner.nominate",
            "partner.concur",
        ] {
            assert!(actions.contains(want), "export lacks {want}: {actions:?}");
        }
        // The chain these entries belong to verifies.
        assert!(w.env.store.audit_verify(&[]).await.unwrap().is_ok());
        // Another developer cannot export it.
        let r = w
            .call(
                "dev_other",
                "GET",
                &format!("/api/v1/models/export?org_id={}", w.dev),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
}

// ------------------------------------------------------------ partners

#[tokio::test]
async fn partners_need_nomination_and_concurrence() {
    for w in worlds().await {
        // The nominee cannot see its nomination or the model yet.
        let p = format!("/api/v1/partners/{}", w.nominee_id);
        assert_eq!(
            w.call("nominee", "GET", &p, None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            w.call(
                "nominee",
                "GET",
                &format!("/api/v1/models/{}", w.model),
                None
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        // Without concurrence, no partner grant (audited, nothing written).
        let before = w.counts().await;
        let audit = w.env.count("audit_log").await;
        let body = json!({"model_id": w.model, "audience": "partner", "org_ids": [w.nominee],
            "starts_at": w.at(20), "ends_at": w.at(30), "terms": w.terms("1")});
        let r = w
            .call("dev_admin", "POST", "/api/v1/grants", Some(body.clone()))
            .await;
        assert_eq!(r.body["code"], "partner_not_trusted", "{}", r.body);
        assert_eq!(w.counts().await, before);
        assert_eq!(w.env.count("audit_log").await, audit + 1);
        // Government concurs: now trusted, visible, grantable.
        let d = w
            .ok(
                "gov",
                "POST",
                &format!("{p}/decision"),
                Some(json!({"org_id": w.gov, "decision": "concur"})),
            )
            .await;
        assert_eq!(d["trusted"], true);
        assert_eq!(w.ok("nominee", "GET", &p, None).await["trusted"], true);
        let g = w
            .ok("dev_admin", "POST", "/api/v1/grants", Some(body))
            .await;
        let gid = g["id"].as_str().unwrap().to_string();
        w.accept(&gid, "nominee", &w.nominee).await;
        let token = w.token(&gid, "nominee", &w.nominee).await;
        let keys = w.keys().await;
        let c = logic::verify_grant(&token, &keys, None, w.now().secs() + 25 * DAY).unwrap();
        assert_eq!(c.verdict, Verdict::Valid);
        assert_eq!(c.claims.unwrap().audience, "partner");
        // A later objection ends the partner's live access.
        w.ok(
            "gov",
            "POST",
            &format!("{p}/decision"),
            Some(json!({"org_id": w.gov, "decision": "object", "reason": "insider risk"})),
        )
        .await;
        let b = w
            .ok("dev_admin", "GET", &format!("/api/v1/grants/{gid}"), None)
            .await;
        assert_eq!(b["status"], "revoked");
        assert_eq!(b["revoke_reason"], "government_objection");
        assert_eq!(
            w.call("nominee", "GET", &p, None).await.status,
            StatusCode::NOT_FOUND
        );
        // Withdrawing a nomination revokes the partner's grants too.
        w.accept(&w.partner_grant, "partner", &w.partner).await;
        let r = w
            .call(
                "dev_admin",
                "DELETE",
                &format!("/api/v1/partners/{}", w.partner_id),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let b = w
            .ok(
                "dev_admin",
                "GET",
                &format!("/api/v1/grants/{}", w.partner_grant),
                None,
            )
            .await;
        assert_eq!(b["status"], "revoked");
    }
}

// ------------------------------------------------------------ bad input

#[tokio::test]
async fn bad_input_is_refused_audited_and_writes_nothing() {
    for w in worlds().await {
        let uncovered = w.model(true, 40).await;
        let a = w.assessment(&uncovered).await;
        w.designate(&a, false).await;
        let undesignated = w.model(true, 40).await;
        w.assessment(&undesignated).await;
        let opted_out = w.covered_model(40).await;
        w.ok(
            "dev_admin",
            "POST",
            &format!("/api/v1/models/{opted_out}/opt-out"),
            Some(json!({})),
        )
        .await;
        let grant = |model: &str, audience: &str, org: &str, start: i64, end: i64| {
            json!({"model_id": model, "audience": audience, "org_ids": [org],
                "starts_at": w.at(start), "ends_at": w.at(end), "terms": w.terms("1")})
        };
        let m = w.model.clone();
        let mut bad_terms = w.terms("1");
        bad_terms[2]["version"] = json!("9.9");
        let mut cases: Vec<(&str, &str, String, Value, &str)> = vec![
            (
                "31-day window",
                "POST",
                "/api/v1/grants".into(),
                grant(&m, "government", &w.grantee, 9, 40),
                "window_too_long",
            ),
            (
                "starts 35 days before release",
                "POST",
                "/api/v1/grants".into(),
                grant(&m, "government", &w.grantee, 5, 10),
                "window_too_long",
            ),
            (
                "end before start",
                "POST",
                "/api/v1/grants".into(),
                grant(&m, "government", &w.grantee, 20, 15),
                "window_invalid",
            ),
            (
                "end equals start",
                "POST",
                "/api/v1/grants".into(),
                grant(&m, "government", &w.grantee, 20, 20),
                "window_invalid",
            ),
            (
                "uncovered model",
                "POST",
                "/api/v1/grants".into(),
                grant(&uncovered, "government", &w.grantee, 12, 20),
                "model_not_covered",
            ),
            (
                "undesignated model",
                "POST",
                "/api/v1/grants".into(),
                grant(&undesignated, "government", &w.grantee, 12, 20),
                "model_not_covered",
            ),
            (
                "opted-out model",
                "POST",
                "/api/v1/grants".into(),
                grant(&opted_out, "government", &w.grantee, 12, 20),
                "model_opted_out",
            ),
            (
                "partner without concurrence",
                "POST",
                "/api/v1/grants".into(),
                grant(&m, "partner", &w.nominee, 20, 30),
                "partner_not_trusted",
            ),
            (
                "partner before the government window",
                "POST",
                "/api/v1/grants".into(),
                grant(&m, "partner", &w.partner, 5, 30),
                "window_invalid",
            ),
            (
                "unknown terms version",
                "POST",
                "/api/v1/grants".into(),
                grant(&m, "government", &w.grantee, 12, 20),
                "unknown_terms",
            ),
            (
                "non-government grantee",
                "POST",
                "/api/v1/grants".into(),
                grant(&m, "government", &w.operator, 12, 20),
                "validation_failed",
            ),
            (
                "threshold instead of a commitment",
                "POST",
                "/api/v1/assessments".into(),
                json!({"model_id": m, "evaluator_org_id": w.eval_org, "commitment": "0.731"}),
                "validation_failed",
            ),
            (
                "assessment of an opted-out model",
                "POST",
                "/api/v1/assessments".into(),
                json!({"model_id": opted_out, "evaluator_org_id": w.eval_org,
                    "commitment": logic::commitment(&threshold(), &w.salt).unwrap()}),
                "model_opted_out",
            ),
            (
                "non-finite-looking score",
                "POST",
                format!("/api/v1/assessments/{}/runs", w.assessment),
                json!({"suite": "s", "version": "1", "tasks": [{"task": "t", "score": 1e12, "classified": true}]}),
                "validation_failed",
            ),
            (
                "unknown terms kind",
                "POST",
                "/api/v1/grants/terms".into(),
                json!({"org_id": w.dev, "kind": "vibes", "version": "1", "title": "x", "body": "y"}),
                "validation_failed",
            ),
            (
                "accepting an unknown terms version",
                "POST",
                format!("/api/v1/grants/{}/accept", w.partner_grant),
                json!({"org_id": w.partner, "terms": bad_terms.clone()}),
                "unknown_terms",
            ),
        ];
        cases[9].3["terms"] = bad_terms.clone();
        for (what, method, path, body, code) in cases {
            let role = if path.contains("assessments") {
                "eval"
            } else if path.contains("accept") {
                "partner"
            } else {
                "dev_admin"
            };
            let before = w.counts().await;
            let audit = w.env.count("audit_log").await;
            let r = w.call(role, method, &path, Some(body)).await;
            assert!(
                r.status.is_client_error(),
                "{what}: {} {}",
                r.status,
                r.body
            );
            assert_eq!(
                r.body["code"],
                code,
                "[{}] {what}: {}",
                w.env.backend(),
                r.body
            );
            assert!(r.body["detail"].as_str().is_some_and(|d| !d.is_empty()));
            assert_eq!(w.counts().await, before, "{what}: nothing written");
            assert_eq!(
                w.env.count("audit_log").await,
                audit + 1,
                "{what}: the attempt is audited"
            );
        }
        // A configured lower maximum applies to new grants.
        w.ok(
            "padmin",
            "PUT",
            "/api/v1/grants/policy",
            Some(json!({"max_window_days": 7})),
        )
        .await;
        let r = w
            .call(
                "dev_admin",
                "POST",
                "/api/v1/grants",
                Some(grant(&m, "government", &w.grantee, 33, 41)),
            )
            .await;
        assert_eq!(r.body["code"], "window_too_long", "{}", r.body);
        let r = w
            .call(
                "dev_admin",
                "POST",
                "/api/v1/grants",
                Some(grant(&m, "government", &w.grantee, 34, 40)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = w
            .call(
                "padmin",
                "PUT",
                "/api/v1/grants/policy",
                Some(json!({"max_window_days": 31})),
            )
            .await;
        assert_eq!(r.body["code"], "validation_failed");
        // Unknown fields: refused before anything (e.g. an "approved" flag).
        let before = w.counts().await;
        let r = w
            .call(
                "dev_admin",
                "PATCH",
                &format!("/api/v1/models/{m}"),
                Some(json!({"approved": true})),
            )
            .await;
        assert_eq!(r.body["code"], "unknown_field");
        assert_eq!(w.counts().await, before);
    }
}

// ------------------------------------------------------------ no licence

#[tokio::test]
async fn nothing_approves_or_blocks_a_release() {
    for w in worlds().await {
        // No route, column or document has approval state.
        let words = ["approv", "block", "licen", "permit", "clearance"];
        for r in levee_server::routes::ROUTES {
            for word in words {
                assert!(!r.path.to_lowercase().contains(word), "{}", r.path);
            }
        }
        for table in levee_store::backup::TABLES
            .iter()
            .filter(|t| t.starts_with("frontier_"))
        {
            let cols: Vec<String> = match w.env.store.backend() {
                levee_store::Backend::Sqlite => levee_store::sqlx::query_scalar(&format!(
                    "SELECT name FROM pragma_table_info('{table}')"
                ))
                .fetch_all(w.env.store.pool())
                .await
                .unwrap(),
                levee_store::Backend::Postgres => levee_store::sqlx::query_scalar(
                    "SELECT column_name::text FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()",
                )
                .bind(table)
                .fetch_all(w.env.store.pool())
                .await
                .unwrap(),
            };
            assert!(!cols.is_empty(), "{table}");
            for c in cols {
                for word in words {
                    assert!(!c.contains(word), "{table}.{c}");
                }
            }
        }
        for path in [
            format!("/api/v1/models/{}", w.model),
            format!("/api/v1/assessments/{}", w.assessment),
            format!("/api/v1/grants/{}", w.grant),
        ] {
            let text = w
                .ok("dev_admin", "GET", &path, None)
                .await
                .to_string()
                .to_lowercase();
            for word in words {
                assert!(!text.contains(word), "{path}: {text}");
            }
        }
        // The developer moves and records its release at any stage, whatever
        // the designation, open windows or consent; nothing else changes.
        let m = format!("/api/v1/models/{}", w.model);
        w.env.clock.advance_secs(11 * DAY);
        let grants_before = w.ok("dev_admin", "GET", "/api/v1/grants", None).await;
        let b = w
            .ok(
                "dev_admin",
                "PATCH",
                &m,
                Some(json!({"planned_release_at": w.at(1)})),
            )
            .await;
        assert_eq!(b["planned_release_at"], w.now().plus_secs(DAY).to_rfc3339());
        let b = w
            .ok(
                "dev_member",
                "PATCH",
                &m,
                Some(json!({"released_at": w.at(0)})),
            )
            .await;
        assert!(b["released_at"].is_string());
        assert_eq!(
            b["designation"]["covered"], true,
            "the designation is a record, not a gate"
        );
        let grants_after = w.ok("dev_admin", "GET", "/api/v1/grants", None).await;
        assert_eq!(grants_before, grants_after);
        // After opting out, too.
        w.ok(
            "dev_admin",
            "POST",
            &format!("{m}/opt-out"),
            Some(json!({})),
        )
        .await;
        w.ok(
            "dev_admin",
            "PATCH",
            &m,
            Some(json!({"planned_release_at": w.at(3)})),
        )
        .await;
        // Nobody else can touch the release fields.
        for role in ["eval", "gov", "grantee", "partner", "padmin", "operator"] {
            let r = w
                .call(role, "PATCH", &m, Some(json!({"released_at": w.at(5)})))
                .await;
            assert!(
                matches!(r.status.as_u16(), 403 | 404),
                "{role}: {}",
                r.status
            );
        }
    }
}

// ------------------------------------------------------------ worker

#[tokio::test]
async fn the_worker_records_windows_opening_and_closing() {
    for w in worlds().await {
        let keys = w.env.store.load_keyring(&w.env.master).await.unwrap();
        let state = levee_server::AppState::new(
            w.env.store.clone(),
            keys,
            levee_server::Settings {
                run_worker: true,
                ..Default::default()
            },
        );
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let worker = tokio::spawn(levee_server::worker::run(state, stop_rx));
        let store = w.env.store.clone();
        let grant = w.grant.clone();
        let actions = move || {
            let store = store.clone();
            let grant = grant.clone();
            async move {
                store
                    .audit_entries_for_objects(&[grant])
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|e| e.actor == "levee")
                    .map(|e| e.action)
                    .collect::<Vec<_>>()
            }
        };
        let wait_for = async |n: usize| {
            for _ in 0..400 {
                if actions().await.len() >= n {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(25)).await;
            }
            actions().await
        };
        // Before the window: nothing recorded.
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        assert!(actions().await.is_empty());
        w.env.clock.advance_secs(10 * DAY);
        assert_eq!(wait_for(1).await, vec!["grant.window_open"]);
        w.env.clock.advance_secs(30 * DAY);
        assert_eq!(
            wait_for(2).await,
            vec!["grant.window_open", "grant.window_close"]
        );
        let _ = stop_tx.send(true);
        worker.await.unwrap();
        assert!(w.env.store.audit_verify(&[]).await.unwrap().is_ok());
    }
}

/// A model or nomination named in a request answers the same whether it
/// does not exist or exists but is hidden from the caller.
#[tokio::test]
async fn missing_and_hidden_objects_in_requests_answer_alike() {
    for w in worlds().await {
        let c = logic::commitment(&threshold(), &w.salt).unwrap();
        let hidden = w.model(true, 40).await;
        let missing = "mdl_00000000000000000000000000000000".to_string();
        for model in [&hidden, &missing] {
            let bodies = [
                (
                    "/api/v1/assessments",
                    json!({"model_id": model, "evaluator_org_id": w.eval_org, "commitment": c}),
                ),
                (
                    "/api/v1/grants",
                    json!({"model_id": model, "audience": "government", "org_ids": [w.grantee],
                        "starts_at": w.at(12), "ends_at": w.at(20), "terms": w.terms("1")}),
                ),
                (
                    "/api/v1/partners",
                    json!({"model_id": model, "org_id": w.nominee, "category": "security_vendor"}),
                ),
            ];
            for (path, body) in bodies {
                let r = w.call("operator", "POST", path, Some(body)).await;
                assert_eq!(
                    (r.status, r.body["code"].as_str()),
                    (StatusCode::NOT_FOUND, Some("not_found")),
                    "[{}] {path} with model {model}: {}",
                    w.env.backend(),
                    r.body
                );
            }
        }
        // A nomination the caller may not see, with a bogus org in the body:
        // not found, like a nomination that does not exist.
        let m = w.model(true, 40).await;
        let p = w.nominate(&m, &w.nominee).await;
        for id in [p.as_str(), "ptn_00000000000000000000000000000000"] {
            let r = w
                .call(
                    "operator",
                    "POST",
                    &format!("/api/v1/partners/{id}/decision"),
                    Some(json!({"org_id": "org_nope", "decision": "concur"})),
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "[{}] {id}: {}",
                w.env.backend(),
                r.body
            );
        }
    }
}

// ------------------------------------------------------------ query counts

/// One more model with everything a list shows: an assessment with a run
/// and a designation, a government grant accepted by the grantee, a
/// trusted partner with its grant, a nomination without concurrence, and a
/// revoked grant.
async fn one_more_model(w: &W) {
    let m = w.covered_model(40).await;
    let g = w.gov_grant(&m, 10, 40).await;
    w.accept(&g, "grantee", &w.grantee).await;
    let p = w.nominate(&m, &w.partner).await;
    w.ok(
        "gov",
        "POST",
        &format!("/api/v1/partners/{p}/decision"),
        Some(json!({"org_id": w.gov, "decision": "concur"})),
    )
    .await;
    w.nominate(&m, &w.nominee).await;
    w.ok(
        "dev_admin",
        "POST",
        "/api/v1/grants",
        Some(
            json!({"model_id": m, "audience": "partner", "org_ids": [w.partner],
            "starts_at": w.at(20), "ends_at": w.at(60), "terms": w.terms("1")}),
        ),
    )
    .await;
    let r = w.gov_grant(&m, 11, 41).await;
    w.ok(
        "dev_admin",
        "POST",
        &format!("/api/v1/grants/{r}/revoke"),
        Some(json!({})),
    )
    .await;
}

/// For each frontier list and each caller: (status, items listed, SQL
/// statements run).
async fn list_costs(w: &W) -> BTreeMap<(String, &'static str), (u16, usize, usize)> {
    let paths = [
        "/api/v1/models".to_string(),
        format!("/api/v1/models?org_id={}", w.dev),
        "/api/v1/assessments".to_string(),
        "/api/v1/grants".to_string(),
        "/api/v1/partners".to_string(),
        "/api/v1/grants/revocations".to_string(),
        format!("/api/v1/grants/terms?org_id={}", w.dev),
        format!("/api/v1/models/export?org_id={}", w.dev),
    ];
    let mut out = BTreeMap::new();
    for p in paths {
        for role in [
            "padmin",
            "dev_admin",
            "dev_ro",
            "eval",
            "grantee",
            "partner",
            "nominee",
            "operator",
        ] {
            // Once unmeasured, so per-token bookkeeping is not counted; then
            // the least of three, so a pool opening a connection (its set-up
            // statements) is not counted either.
            w.call(role, "GET", &p, None).await;
            let (r, mut n) = common::queries::count(w.call(role, "GET", &p, None)).await;
            for _ in 0..2 {
                let (_, again) = common::queries::count(w.call(role, "GET", &p, None)).await;
                n = n.min(again);
            }
            let b = &r.body;
            let items = ["items", "revoked", "models"]
                .iter()
                .find_map(|k| b[*k].as_array())
                .map_or(0, Vec::len);
            out.insert((p.clone(), role), (r.status.as_u16(), items, n));
        }
    }
    out
}

/// Every frontier list runs a bounded number of SQL statements: listing
/// three more models (and their assessments, grants and partners) costs
/// the same as before, for every caller. (Before, each listed item cost
/// one or more queries of its own, e.g. to load its model for the
/// visibility check.)
#[tokio::test]
async fn frontier_lists_run_a_bounded_number_of_queries() {
    for w in worlds().await {
        one_more_model(&w).await;
        let before = list_costs(&w).await;
        for _ in 0..3 {
            one_more_model(&w).await;
        }
        let after = list_costs(&w).await;
        let mut grew = std::collections::BTreeSet::new();
        for (k, (status, items, n)) in &before {
            let (status2, items2, n2) = after[k];
            assert_eq!(*status, status2, "[{}] {k:?}", w.env.backend());
            assert!(*n > 0, "[{}] {k:?}: no statements counted", w.env.backend());
            assert_eq!(
                *n,
                n2,
                "[{}] {k:?}: {n} statements for {items} items, {n2} for {items2}",
                w.env.backend()
            );
            if items2 > *items {
                grew.insert(k.0.clone());
            }
        }
        // The measurement means something: every list did grow for someone
        // (but the terms, whose cost follows the models' grants).
        let lists: std::collections::BTreeSet<_> = before
            .keys()
            .map(|k| k.0.clone())
            .filter(|p| !p.starts_with("/api/v1/grants/terms"))
            .collect();
        assert_eq!(grew, lists, "[{}]", w.env.backend());
    }
}

/// The export reads each frontier table once: none of its statements on
/// them runs twice (the models' grants and partners were read for their
/// parties, and their assessments and consents for their JSON, and all
/// four again for the export's own lists). Other statements may repeat
/// with other values (an org for the caller and the org exported).
#[tokio::test]
async fn frontier_export_runs_no_statement_twice() {
    for w in worlds().await {
        for _ in 0..2 {
            one_more_model(&w).await;
        }
        let p = format!("/api/v1/models/export?org_id={}", w.dev);
        for role in ["dev_admin", "dev_ro"] {
            // As in `list_costs`: once unmeasured, then the least of three.
            w.call(role, "GET", &p, None).await;
            let mut best: Option<Vec<String>> = None;
            for _ in 0..3 {
                let (r, sql) = common::queries::statements(w.call(role, "GET", &p, None)).await;
                assert_eq!(r.status.as_u16(), 200, "[{}] {role}", w.env.backend());
                assert!(r.body["models"].as_array().map_or(0, Vec::len) >= 2);
                if best.as_ref().is_none_or(|b| sql.len() < b.len()) {
                    best = Some(sql);
                }
            }
            let sql = best.unwrap_or_default();
            let mut seen = std::collections::BTreeSet::new();
            assert!(
                sql.iter().any(|q| q.contains("frontier_consents")),
                "[{}] {role}: {sql:#?}",
                w.env.backend()
            );
            for q in sql.iter().filter(|q| q.contains("frontier_")) {
                assert!(
                    seen.insert(q),
                    "[{}] {role}: the export ran this twice:\n{q}\n(all: {sql:#?})",
                    w.env.backend()
                );
            }
        }
    }
}
