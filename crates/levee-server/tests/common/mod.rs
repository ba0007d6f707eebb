//! Test harness: an in-process server on a fresh store (SQLite, and
//! PostgreSQL when LEVEE_TEST_DATABASE_URL is set) with a controlled clock.
#![allow(dead_code)]

pub mod queries;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use levee_model::{ManualClock, Timestamp};
use levee_server::{AppState, Settings};
use levee_store::keys::MasterKey;
use levee_store::testing::TestDb;
use levee_store::Store;
use serde_json::Value;
use tower::ServiceExt;

pub struct Env {
    pub app: Router,
    pub store: Store,
    pub clock: ManualClock,
    pub admin: String,
    pub admin_org: String,
    pub master: MasterKey,
    _db: TestDb,
}

pub async fn env_on(db: TestDb) -> Env {
    let settings = Settings {
        run_worker: false,
        rate_per_sec: 10_000.0,
        rate_burst: 10_000.0,
        auth_fail_per_sec: 10_000.0,
        auth_fail_burst: 10_000.0,
        ..Settings::default()
    };
    env_with(db, settings).await
}

/// An environment with explicit server settings (e.g. low rate limits).
pub async fn env_with(db: TestDb, settings: Settings) -> Env {
    let clock = ManualClock::new(Timestamp::from_secs(1_800_000_000));
    let store = db.open(Arc::new(clock.clone())).await.expect("open store");
    let master = MasterKey::generate();
    let keys = store.load_keyring(&master).await.expect("keys");
    let b = levee_server::bootstrap::bootstrap(&store, None)
        .await
        .expect("bootstrap")
        .expect("first start");
    let app = levee_server::app(AppState::new(store.clone(), keys, settings));
    Env {
        app,
        store,
        clock,
        admin: b.token,
        admin_org: b.org_id,
        master,
        _db: db,
    }
}

pub async fn envs() -> Vec<Env> {
    let mut out = Vec::new();
    for db in levee_store::testing::backends().await {
        out.push(env_on(db).await);
    }
    out
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
    pub raw: Vec<u8>,
}

impl Env {
    pub fn backend(&self) -> &'static str {
        self.store.backend().as_str()
    }

    pub async fn raw(&self, req: Request<Body>) -> Resp {
        let resp = self.app.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let raw = resp
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            raw,
        }
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(v) => b
                .header("content-type", "application/json")
                .body(Body::from(v.to_string())),
            None => b.body(Body::empty()),
        }
        .expect("request");
        self.raw(req).await
    }

    /// Create an org as the platform admin; returns its id.
    pub async fn org(&self, name: &str, caps: &[&str], extra: Value) -> String {
        let mut body = serde_json::json!({"name": name, "capabilities": caps});
        if let (Some(o), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                o.insert(k.clone(), v.clone());
            }
        }
        let r = self
            .call("POST", "/api/v1/orgs", Some(&self.admin), Some(body))
            .await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "create org {name}: {}",
            r.body
        );
        r.body["id"].as_str().expect("id").to_string()
    }

    /// Add a user to an org with a role (as platform admin); returns user id.
    pub async fn member(&self, org: &str, email: &str, role: &str) -> String {
        let r = self
            .call(
                "POST",
                &format!("/api/v1/orgs/{org}/members"),
                Some(&self.admin),
                Some(serde_json::json!({"email": email, "role": role})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "add member: {}", r.body);
        r.body["user_id"].as_str().expect("user id").to_string()
    }

    /// Mint a token directly in the store (as an operator would with the CLI).
    pub async fn token(
        &self,
        user: &str,
        org: Option<&str>,
        scopes: &[&str],
        expires_in_secs: Option<i64>,
    ) -> (String, String) {
        let secret = levee_store::identity::new_token_secret();
        let mut tx = self.store.write().await.unwrap();
        let exp = expires_in_secs.map(|s| tx.now().plus_secs(s));
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        let info = tx
            .insert_token(user, org, "test", &secret, &scopes, exp)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        (secret, info.id)
    }

    pub async fn count(&self, table: &str) -> i64 {
        self.store
            .row_counts()
            .await
            .unwrap()
            .into_iter()
            .find(|(t, _)| t == table)
            .map(|(_, n)| n)
            .unwrap()
    }
}
