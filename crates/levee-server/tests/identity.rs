//! Identity stories: bad input, idempotency, web login with TOTP and CSRF,
//! throttling, and the audit chain's tamper evidence.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

#[tokio::test]
async fn bad_input_is_a_clear_4xx_and_writes_nothing() {
    for env in common::envs().await {
        let orgs = env.count("orgs").await;
        let audit = env.count("audit_log").await;
        let long = "x".repeat(5000);
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let huge = format!(
            "{{\"name\":\"{}\",\"capabilities\":[\"finder\"]}}",
            "y".repeat(400 * 1024)
        );
        let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
            (
                "malformed",
                "application/json",
                b"{\"name\": ".to_vec(),
                400,
                "malformed_json",
            ),
            (
                "trailing garbage",
                "application/json",
                b"{} x".to_vec(),
                400,
                "malformed_json",
            ),
            (
                "not utf-8",
                "application/json",
                b"{\"name\":\"\xff\xfe\"}".to_vec(),
                400,
                "invalid_utf8",
            ),
            (
                "deep nesting",
                "application/json",
                deep.into_bytes(),
                400,
                "nesting_too_deep",
            ),
            (
                "wrong content type",
                "text/plain",
                b"{}".to_vec(),
                415,
                "unsupported_media_type",
            ),
            (
                "no content type",
                "",
                b"{}".to_vec(),
                415,
                "unsupported_media_type",
            ),
            (
                "oversized",
                "application/json",
                huge.into_bytes(),
                413,
                "payload_too_large",
            ),
            (
                "absurdly long name",
                "application/json",
                json!({"name": long, "capabilities": ["finder"]})
                    .to_string()
                    .into_bytes(),
                422,
                "validation_failed",
            ),
            (
                "unknown field",
                "application/json",
                json!({"name": "A", "capabilities": ["finder"], "colour": "red"})
                    .to_string()
                    .into_bytes(),
                422,
                "unknown_field",
            ),
            (
                "empty capabilities",
                "application/json",
                json!({"name": "A", "capabilities": []})
                    .to_string()
                    .into_bytes(),
                422,
                "validation_failed",
            ),
            (
                "unknown capability",
                "application/json",
                json!({"name": "A", "capabilities": ["wizard"]})
                    .to_string()
                    .into_bytes(),
                422,
                "validation_failed",
            ),
            (
                "evaluator and model developer",
                "application/json",
                json!({"name": "A", "capabilities": ["evaluator", "model_developer"]})
                    .to_string()
                    .into_bytes(),
                422,
                "validation_failed",
            ),
            (
                "operator without sector",
                "application/json",
                json!({"name": "A", "capabilities": ["operator"]})
                    .to_string()
                    .into_bytes(),
                422,
                "validation_failed",
            ),
            (
                "sector without operator",
                "application/json",
                json!({"name": "A", "capabilities": ["vendor"], "sector": "bank"})
                    .to_string()
                    .into_bytes(),
                422,
                "validation_failed",
            ),
            (
                "control characters",
                "application/json",
                json!({"name": "A\u{0007}B", "capabilities": ["finder"]})
                    .to_string()
                    .into_bytes(),
                422,
                "validation_failed",
            ),
            (
                "json array body",
                "application/json",
                b"[]".to_vec(),
                422,
                "validation_failed",
            ),
            (
                // serde would take a sequence for a struct, positionally.
                "positional json array body",
                "application/json",
                br#"["Positional Org", ["finder"], null, null]"#.to_vec(),
                422,
                "validation_failed",
            ),
            (
                "json string body",
                "application/json",
                br#""A""#.to_vec(),
                422,
                "validation_failed",
            ),
        ];
        for (what, ct, body, status, code) in cases {
            let mut b = Request::builder()
                .method("POST")
                .uri("/api/v1/orgs")
                .header("authorization", format!("Bearer {}", env.admin));
            if !ct.is_empty() {
                b = b.header("content-type", ct);
            }
            let r = env.raw(b.body(Body::from(body)).unwrap()).await;
            assert_eq!(
                r.status.as_u16(),
                status,
                "[{}] {what}: {}",
                env.backend(),
                String::from_utf8_lossy(&r.raw)
            );
            assert_eq!(r.body["code"], code, "[{}] {what}", env.backend());
            assert_eq!(
                r.headers.get("content-type").unwrap(),
                "application/problem+json",
                "[{}] {what}",
                env.backend()
            );
        }
        assert_eq!(env.count("orgs").await, orgs, "nothing written");
        assert_eq!(
            env.count("audit_log").await,
            audit,
            "nothing audited for plain validation errors"
        );

        // Unknown routes and methods are problems too.
        let r = env.call("GET", "/api/v1/nope", None, None).await;
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found"))
        );
        let r = env
            .call("PUT", "/api/v1/orgs", Some(&env.admin), None)
            .await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(r.body["code"], "method_not_allowed");
        // Bad query parameters.
        let r = env
            .call("GET", "/api/v1/audit?cursor=!!!", Some(&env.admin), None)
            .await;
        assert_eq!(r.body["code"], "invalid_parameter");
        let r = env
            .call("GET", "/api/v1/audit?bogus=1", Some(&env.admin), None)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        // An over-long bearer token.
        let r = env
            .call("GET", "/api/v1/me", Some(&"a".repeat(5000)), None)
            .await;
        assert_eq!(r.body["code"], "token_invalid");
        // Every response carries a request id.
        assert!(r.headers.get("x-request-id").is_some());
    }
}

#[tokio::test]
async fn idempotent_retry_creates_one_org() {
    for env in common::envs().await {
        let before = env.count("orgs").await;
        let send = |body: serde_json::Value, key: &'static str| {
            let req = Request::builder()
                .method("POST")
                .uri("/api/v1/orgs")
                .header("authorization", format!("Bearer {}", env.admin))
                .header("content-type", "application/json")
                .header("idempotency-key", key)
                .body(Body::from(body.to_string()))
                .unwrap();
            env.raw(req)
        };
        let body =
            json!({"name": "Community Bank", "capabilities": ["operator"], "sector": "bank"});
        let first = send(body.clone(), "abc-1").await;
        assert_eq!(first.status, StatusCode::CREATED);
        let again = send(body.clone(), "abc-1").await;
        assert_eq!(again.status, StatusCode::CREATED);
        assert_eq!(
            again.body, first.body,
            "the retry returns the first response"
        );
        assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
        assert_eq!(
            env.count("orgs").await,
            before + 1,
            "[{}] one org",
            env.backend()
        );
        let other = send(
            json!({"name": "Other Bank", "capabilities": ["operator"], "sector": "bank"}),
            "abc-1",
        )
        .await;
        assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(other.body["code"], "idempotency_key_reused");
        assert_eq!(env.count("orgs").await, before + 1);
        // A different key creates (and the name clash is a 409 conflict).
        let clash = send(body, "abc-2").await;
        assert_eq!(clash.status, StatusCode::CONFLICT);
        // Concurrent retries with one key: still one org.
        let b = json!({"name": "Water Utility", "capabilities": ["operator"], "sector": "water"});
        let (x, y) = tokio::join!(
            send(b.clone(), "k-concurrent"),
            send(b.clone(), "k-concurrent")
        );
        assert_eq!(
            (x.status, y.status),
            (StatusCode::CREATED, StatusCode::CREATED)
        );
        assert_eq!(x.body["id"], y.body["id"]);
        assert_eq!(env.count("orgs").await, before + 2);
    }
}

#[tokio::test]
async fn login_with_password_totp_csrf_and_throttling() {
    let env = common::env_on(levee_store::testing::sqlite()).await;
    let org = env
        .org("Hospital", &["operator"], json!({"sector": "health_care"}))
        .await;
    let user = env.member(&org, "it@hospital.example", "admin").await;
    let (tok, _) = env
        .token(&user, Some(&org), &["read", "write"], Some(86_400))
        .await;
    let r = env
        .call(
            "POST",
            "/api/v1/me/password",
            Some(&tok),
            Some(json!({"new_password": "short"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = env
        .call(
            "POST",
            "/api/v1/me/password",
            Some(&tok),
            Some(json!({"new_password": "correct horse battery staple"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    let login = |pw: &str, totp: Option<String>| {
        let mut b = json!({"email": "IT@hospital.example", "password": pw});
        if let Some(t) = totp {
            b["totp"] = json!(t);
        }
        env.call("POST", "/api/v1/login", None, Some(b))
    };
    // Password only.
    let r = login("correct horse battery staple", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cookie = r
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Secure"),
        "{cookie}"
    );
    let sid = cookie.split(';').next().unwrap().to_string();
    let csrf = r.body["csrf_token"].as_str().unwrap().to_string();

    // Cookie session: reads work, writes need the CSRF header.
    let with_cookie =
        |method: &str, path: &str, csrf: Option<&str>, body: Option<serde_json::Value>| {
            let mut b = Request::builder()
                .method(method)
                .uri(path)
                .header("cookie", sid.clone());
            if let Some(c) = csrf {
                b = b.header("x-csrf-token", c);
            }
            let req = match body {
                Some(v) => b
                    .header("content-type", "application/json")
                    .body(Body::from(v.to_string())),
                None => b.body(Body::empty()),
            }
            .unwrap();
            env.raw(req)
        };
    assert_eq!(
        with_cookie("GET", "/api/v1/me", None, None).await.status,
        StatusCode::OK
    );
    let r = with_cookie("POST", "/api/v1/me/totp", None, Some(json!({}))).await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("csrf_failed"))
    );
    let r = with_cookie("POST", "/api/v1/me/totp", Some("wrong"), Some(json!({}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Enrol TOTP through the session.
    let r = with_cookie("POST", "/api/v1/me/totp", Some(&csrf), Some(json!({}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let secret_b32 = r.body["secret"].as_str().unwrap().to_string();
    assert!(r.body["otpauth_uri"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/"));
    let raw = decode_b32(&secret_b32);
    let code = format!("{:06}", levee_server::auth::totp_at(&raw, env.store.now()));
    let r = with_cookie(
        "POST",
        "/api/v1/me/totp",
        Some(&csrf),
        Some(json!({"secret": secret_b32, "code": "000000"})),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a wrong code does not enrol"
    );
    let r = with_cookie(
        "POST",
        "/api/v1/me/totp",
        Some(&csrf),
        Some(json!({"secret": secret_b32, "code": code,
            "current_password": "correct horse battery staple"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);

    // Now the password alone is not enough.
    let r = login("correct horse battery staple", None).await;
    assert_eq!(r.body["code"], "mfa_required");
    let code = format!("{:06}", levee_server::auth::totp_at(&raw, env.store.now()));
    let r = login("correct horse battery staple", Some(code)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Logout ends the session.
    let r = with_cookie("POST", "/api/v1/logout", Some(&csrf), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        with_cookie("GET", "/api/v1/me", None, None).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Throttling: after five failures the right password is refused too, until the window passes.
    for _ in 0..5 {
        assert_eq!(
            login("wrong password!!", None).await.body["code"],
            "login_failed"
        );
    }
    let code = format!("{:06}", levee_server::auth::totp_at(&raw, env.store.now()));
    let r = login("correct horse battery staple", Some(code)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.get("retry-after").is_some());
    env.clock
        .advance_secs(levee_server::auth::THROTTLE_WINDOW_SECS + 1);
    let code = format!("{:06}", levee_server::auth::totp_at(&raw, env.store.now()));
    assert_eq!(
        login("correct horse battery staple", Some(code))
            .await
            .status,
        StatusCode::OK
    );
    // Unknown users get the same answer as wrong passwords.
    let r = env
        .call(
            "POST",
            "/api/v1/login",
            None,
            Some(json!({"email": "nobody@x.example", "password": "whatever pass"})),
        )
        .await;
    assert_eq!(r.body["code"], "login_failed");
}

fn decode_b32(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("bad base32"),
        };
        buf = (buf << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            out.push((buf >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    out
}

#[tokio::test]
async fn audit_chain_catches_edits_deletions_and_truncation() {
    for env in common::envs().await {
        for i in 0..5 {
            env.org(&format!("Org {i}"), &["finder"], json!({})).await;
        }
        let keys = env.store.load_keyring(&env.master).await.unwrap();
        let n = env.store.audit_verify(&[]).await.unwrap().expect("intact");
        assert!(n >= 6);
        let cp = env
            .store
            .audit_checkpoint(&keys.signer)
            .await
            .unwrap()
            .unwrap();
        assert!(cp.signature_ok());
        assert_eq!(cp.seq, n);
        let pool = env.store.pool();

        // Edit a row: caught at that row.
        sqlx_exec(
            pool,
            "UPDATE audit_log SET action = 'org.delete' WHERE seq = 3",
        )
        .await;
        let b = env.store.audit_verify(&[]).await.unwrap().unwrap_err();
        assert_eq!(b.seq, 3, "[{}] {b:?}", env.backend());
        // Restore it by recomputing nothing: put the value back.
        sqlx_exec(
            pool,
            "UPDATE audit_log SET action = 'org.create' WHERE seq = 3",
        )
        .await;
        assert!(env.store.audit_verify(&[]).await.unwrap().is_ok());

        // Delete a row in the middle: caught.
        sqlx_exec(pool, "DELETE FROM audit_log WHERE seq = 4").await;
        let b = env.store.audit_verify(&[]).await.unwrap().unwrap_err();
        assert_eq!(b.seq, 4, "{b:?}");

        // Truncation after a checkpoint, even with the stored checkpoints
        // deleted too: the exported checkpoint catches it.
        sqlx_exec(pool, "DELETE FROM audit_log WHERE seq >= 4").await;
        sqlx_exec(pool, "DELETE FROM audit_checkpoints").await;
        assert!(
            env.store.audit_verify(&[]).await.unwrap().is_ok(),
            "a clean prefix alone looks intact"
        );
        let b = env
            .store
            .audit_verify(std::slice::from_ref(&cp))
            .await
            .unwrap()
            .unwrap_err();
        assert!(b.reason.contains("truncated"), "{b:?}");

        // A tampered checkpoint is refused.
        let mut bad = cp.clone();
        bad.seq = 2;
        let b = env.store.audit_verify(&[bad]).await.unwrap().unwrap_err();
        assert!(b.reason.contains("signature"), "{b:?}");
    }
}

async fn sqlx_exec(pool: &levee_store::sqlx::AnyPool, sql: &str) {
    levee_store::sqlx::query(sql).execute(pool).await.unwrap();
}

#[tokio::test]
async fn erasing_a_user_keeps_the_chain() {
    for env in common::envs().await {
        let org = env.org("Lab", &["finder"], json!({})).await;
        let user = env.member(&org, "researcher@lab.example", "member").await;
        let (tok, _) = env.token(&user, Some(&org), &["read"], Some(3600)).await;
        assert_eq!(
            env.call("GET", "/api/v1/me", Some(&tok), None).await.status,
            StatusCode::OK
        );
        let mut tx = env.store.write().await.unwrap();
        tx.erase_user(&user).await.unwrap();
        tx.audit("cli", None, "user.erase", &user, &json!({}))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let u = env.store.user(&user).await.unwrap();
        assert!(u.erased && u.email.is_none() && u.name.is_none());
        assert_eq!(
            env.call("GET", "/api/v1/me", Some(&tok), None).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert!(env.store.audit_verify(&[]).await.unwrap().is_ok());
    }
}

#[tokio::test]
async fn read_only_cannot_mint_write_tokens_and_keys_rotate() {
    let env = common::env_on(levee_store::testing::sqlite()).await;
    let org = env
        .org("Bank", &["operator"], json!({"sector": "bank"}))
        .await;
    let ro = env.member(&org, "teller@bank.example", "read_only").await;
    let (tok, _) = env
        .token(&ro, Some(&org), &["read", "write"], Some(3600))
        .await;
    let r = env
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/tokens"),
            Some(&tok),
            Some(json!({"name": "w", "scopes": ["write"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = env
        .call(
            "POST",
            &format!("/api/v1/orgs/{org}/tokens"),
            Some(&tok),
            Some(json!({"name": "r", "scopes": ["read"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let secret = r.body["token"].as_str().unwrap();
    assert!(
        secret.starts_with("lvt_") && secret.len() >= 4 + 32,
        "≥128 random bits"
    );
    // Only the hash is stored.
    let stored: i64 =
        levee_store::sqlx::query_scalar("SELECT COUNT(*) FROM tokens WHERE hash = $1")
            .bind(secret)
            .fetch_one(env.store.pool())
            .await
            .unwrap();
    assert_eq!(stored, 0);

    // Rotation: the new key signs, the old one still verifies old checkpoints.
    let k1 = env.store.load_keyring(&env.master).await.unwrap();
    let cp1 = env
        .store
        .audit_checkpoint(&k1.signer)
        .await
        .unwrap()
        .unwrap();
    let kid2 = env.store.rotate_signing_key(&env.master).await.unwrap();
    let k2 = env.store.load_keyring(&env.master).await.unwrap();
    assert_eq!(k2.signer.kid, kid2);
    assert_ne!(k1.signer.kid, kid2);
    let keys = env
        .call("GET", "/api/v1/audit/keys", Some(&env.admin), None)
        .await;
    assert_eq!(keys.body["keys"].as_array().unwrap().len(), 2);
    assert!(env.store.audit_verify(&[cp1]).await.unwrap().is_ok());
    // A different master key is refused.
    assert!(env
        .store
        .load_keyring(&levee_store::keys::MasterKey::generate())
        .await
        .is_err());
}

#[tokio::test]
async fn totp_seeds_are_stored_sealed() {
    let env = common::env_on(levee_store::testing::sqlite()).await;
    let org = env
        .org("Utility", &["operator"], json!({"sector": "water"}))
        .await;
    let user = env.member(&org, "ops@utility.example", "admin").await;
    let (tok, _) = env
        .token(&user, Some(&org), &["read", "write"], Some(86_400))
        .await;
    let r = env
        .call("POST", "/api/v1/me/totp", Some(&tok), Some(json!({})))
        .await;
    let b32 = r.body["secret"].as_str().unwrap().to_string();
    let raw = decode_b32(&b32);
    let code = format!("{:06}", levee_server::auth::totp_at(&raw, env.store.now()));
    let r = env
        .call(
            "POST",
            "/api/v1/me/totp",
            Some(&tok),
            Some(json!({"secret": b32, "code": code})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let stored = env.store.totp_secret(&user).await.unwrap().unwrap();
    assert_ne!(stored, raw, "the seed is not stored in the clear");
    assert!(stored.len() > raw.len(), "sealed: nonce and tag added");
}

#[tokio::test]
async fn per_token_rate_limit_answers_429_with_retry_after() {
    let settings = levee_server::Settings {
        run_worker: false,
        rate_per_sec: 0.5,
        rate_burst: 3.0,
        ..levee_server::Settings::default()
    };
    let env = common::env_with(levee_store::testing::sqlite(), settings).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(env.call("GET", "/api/v1/me", Some(&env.admin), None).await);
    }
    let codes: Vec<u16> = statuses.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(codes, [200, 200, 200, 429]);
    let last = statuses.last().unwrap();
    assert_eq!(last.body["code"], "rate_limited");
    assert!(last.headers.get("retry-after").is_some());
    // Health checks are never limited.
    assert_eq!(
        env.call("GET", "/healthz", None, None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_idempotency_key_is_never_replayed_to_another_user() {
    for env in common::envs().await {
        let org = env
            .org(
                "County Hospital",
                &["operator"],
                json!({"sector": "health_care"}),
            )
            .await;
        let a = env.member(&org, "admin@hospital.example", "admin").await;
        let b = env.member(&org, "staff@hospital.example", "member").await;
        // Both tokens bound to the same org.
        let (ta, _) = env.token(&a, Some(&org), &["read", "write"], None).await;
        let (tb, _) = env.token(&b, Some(&org), &["read", "write"], None).await;
        let send = |tok: String| {
            let req = Request::builder()
                .method("POST")
                .uri(format!("/api/v1/orgs/{org}/tokens"))
                .header("authorization", format!("Bearer {tok}"))
                .header("content-type", "application/json")
                .header("idempotency-key", "1")
                .body(Body::from(
                    json!({"name": "ci", "scopes": ["read"]}).to_string(),
                ))
                .unwrap();
            env.raw(req)
        };
        let first = send(ta.clone()).await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
        // A's own retry is replayed.
        let again = send(ta).await;
        assert_eq!(again.body, first.body);
        assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
        // B's request with the same key and body is B's own: never A's
        // stored response (it holds A's new token secret).
        let other = send(tb).await;
        assert!(
            other.headers.get("idempotent-replayed").is_none(),
            "[{}] replayed to another user",
            env.backend()
        );
        assert_ne!(other.body, first.body, "[{}]", env.backend());
        if let Some(secret) = first.body["token"]
            .as_str()
            .or(first.body["secret"].as_str())
        {
            assert!(
                !other.body.to_string().contains(secret),
                "[{}] secret leaked",
                env.backend()
            );
        }
    }
}

#[tokio::test]
async fn scheduled_jobs_cannot_be_forged_or_preempted_by_hand() {
    for env in common::envs().await {
        let post = |body: serde_json::Value| {
            env.call("POST", "/api/v1/admin/jobs", Some(&env.admin), Some(body))
        };
        // A window job enqueued early would record a window that has not
        // opened or closed.
        let r = post(json!({"kind": "frontier.window_close", "payload": {"grant": "grt_x"}})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        // Taking a future slot's key would cancel that audit checkpoint.
        let r = post(json!({"kind": "probe", "dedup_key": "tick:audit.checkpoint:99999999"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body["detail"].as_str().unwrap().contains("reserved"));
        let r = post(json!({"kind": "probe", "dedup_key": "mine-1"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
}

/// Bad query strings and path segments are problem documents with a stable
/// code, like bad bodies — not the framework's plain-text 400.
#[tokio::test]
async fn bad_query_and_path_parameters_are_problem_documents() {
    for env in common::envs().await {
        let admin = Some(env.admin.as_str());
        for path in [
            "/api/v1/audit?limit=abc",
            "/api/v1/audit?nosuch=1",
            "/api/v1/audit?limit=1&limit=2",
            "/api/v1/admin/jobs?limit=x",
            "/api/v1/models/export",
            "/api/v1/grants/terms",
            "/api/v1/models?nosuch=1",
            "/api/v1/orgs/%FF",
            "/api/v1/orgs/%FF/members",
            "/api/v1/vulns/%FF",
            "/api/v1/vulns/%C3%28/osv",
        ] {
            let r = env.call("GET", path, admin, None).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
            assert_eq!(
                r.headers["content-type"], "application/problem+json",
                "{path}"
            );
            assert_eq!(r.body["code"], "invalid_parameter", "{path}: {}", r.body);
        }
        let r = env
            .call(
                "DELETE",
                &format!("/api/v1/orgs/{}/members/%FF%FE", env.admin_org),
                admin,
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.body["code"], "invalid_parameter");
    }
}

/// A NUL character (`%00` in a URL, `\u0000` in JSON) names no object and
/// fits no field: PostgreSQL refuses it in text, which answered 500. It is
/// a 4xx problem on every backend, and nothing is written. The cases come
/// from the route table (every path parameter, every documented query
/// parameter, every JSON body), so a new route is covered when it is added.
#[tokio::test]
async fn nul_characters_are_refused_before_the_database() {
    for env in common::envs().await {
        let admin = Some(env.admin.as_str());
        let doc = levee_server::openapi::document();
        let fill = |path: &str, value: &str| {
            path.split('/')
                .map(|seg| {
                    if seg.starts_with('{') && seg.ends_with('}') {
                        value
                    } else {
                        seg
                    }
                })
                .collect::<Vec<_>>()
                .join("/")
        };
        let problem = |r: &common::Resp, what: &str| {
            assert_eq!(
                r.headers.get("content-type").and_then(|v| v.to_str().ok()),
                Some("application/problem+json"),
                "{what}: {}",
                r.body
            );
        };
        let (mut paths, mut queries, mut bodies) = (0, 0, 0);
        for route in levee_server::routes::ROUTES {
            let what = format!("{} {}", route.method, route.path);
            // A NUL in an id: there is no such object.
            if route.path.contains('{') {
                let path = fill(route.path, "a%00b");
                let r = env.call(route.method, &path, admin, None).await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{what}: {}", r.body);
                assert_eq!(r.body["code"], "not_found", "{what}: {}", r.body);
                problem(&r, &what);
                paths += 1;
            }
            // A NUL in each query parameter the route reads.
            let base = fill(route.path, "x");
            let op = &doc["paths"][route.path][route.method.to_lowercase()];
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for name in params
                .iter()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str())
            {
                let path = format!("{base}?{name}=a%00b");
                let r = env.call(route.method, &path, admin, None).await;
                assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
                assert_eq!(r.body["code"], "invalid_parameter", "{path}: {}", r.body);
                problem(&r, &path);
                queries += 1;
            }
            // A NUL in a JSON body, for the routes that read one (those
            // refuse a malformed body before anything else).
            if matches!(route.method, "POST" | "PUT" | "PATCH") {
                let req = Request::builder()
                    .method(route.method)
                    .uri(&base)
                    .header("authorization", format!("Bearer {}", env.admin))
                    .header("content-type", "application/json")
                    .body(Body::from("{"))
                    .unwrap();
                let probe = env.raw(req).await;
                assert!(!probe.status.is_server_error(), "{what}: {}", probe.body);
                if probe.body["code"] != "malformed_json" {
                    continue; // no JSON body
                }
                let audit = env.count("audit_log").await;
                let r = env
                    .call(route.method, &base, admin, Some(json!({"name": "a\u{0}b"})))
                    .await;
                assert_eq!(
                    r.status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{what}: {}",
                    r.body
                );
                assert_eq!(r.body["code"], "validation_failed", "{what}: {}", r.body);
                problem(&r, &what);
                assert_eq!(
                    env.count("audit_log").await,
                    audit,
                    "{what}: nothing written"
                );
                bodies += 1;
            }
        }
        // Not vacuous: each kind has cases.
        assert!(
            paths > 0 && queries > 0 && bodies > 0,
            "{paths} {queries} {bodies}"
        );
        eprintln!("NUL cases: {paths} paths, {queries} query parameters, {bodies} bodies");

        // A body string with a NUL: a terms document, stored as given.
        let dev = env.org("Dev", &["model_developer"], json!({})).await;
        let user = env.member(&dev, "dev@dev.example", "admin").await;
        let (tok, _) = env
            .token(&user, Some(&dev), &["read", "write"], Some(86_400))
            .await;
        let terms = env.count("frontier_terms").await;
        let r = env
            .call(
                "POST",
                "/api/v1/grants/terms",
                Some(&tok),
                Some(
                    json!({"org_id": dev, "kind": "confidentiality", "version": "1",
                            "title": "NDA", "body": "before\u{0}after"}),
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.body["code"], "validation_failed");
        assert_eq!(env.count("frontier_terms").await, terms);
        // An escaped backslash before `u0000` is no NUL.
        let r = env
            .call(
                "POST",
                "/api/v1/grants/terms",
                Some(&tok),
                Some(
                    json!({"org_id": dev, "kind": "confidentiality", "version": "1",
                            "title": "NDA", "body": "C:\\u0000"}),
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
}

/// Two concurrent PATCHes of different fields of one org both stick: the
/// org is read again under the write lock, so neither writes back the
/// other's stale value.
#[tokio::test]
async fn concurrent_org_patches_keep_both_changes() {
    for env in common::envs().await {
        let org = env.org("Vendor", &["vendor"], json!({})).await;
        let path = format!("/api/v1/orgs/{org}");
        let (a, b) = tokio::join!(
            env.call(
                "PATCH",
                &path,
                Some(&env.admin),
                Some(json!({"name": "Renamed Vendor"}))
            ),
            env.call(
                "PATCH",
                &path,
                Some(&env.admin),
                Some(json!({"contacts": [{"name": "PSIRT", "email": "psirt@vendor.example"}]}))
            ),
        );
        assert_eq!((a.status, b.status), (StatusCode::OK, StatusCode::OK));
        let r = env.call("GET", &path, Some(&env.admin), None).await;
        assert_eq!(
            r.body["name"],
            "Renamed Vendor",
            "[{}] {}",
            env.backend(),
            r.body
        );
        assert_eq!(
            r.body["contacts"][0]["name"],
            "PSIRT",
            "[{}] {}",
            env.backend(),
            r.body
        );
    }
}

/// A request with a bearer token from a given client address (as
/// `into_make_service_with_connect_info` would attach it).
fn from_addr(addr: &str, token: &str) -> Request<Body> {
    let mut req = Request::get("/api/v1/me")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let addr: std::net::SocketAddr = addr.parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    req
}

#[tokio::test]
async fn garbage_tokens_cannot_write_unbounded_audit_rows() {
    let settings = levee_server::Settings {
        run_worker: false,
        ..levee_server::Settings::default()
    };
    let env = common::env_with(levee_store::testing::sqlite(), settings).await;
    let before = env.count("audit_log").await;
    let (mut denied, mut limited) = (0, 0);
    for i in 0..100 {
        // A fresh token each time: the per-token limit never applies.
        let r = env
            .raw(from_addr("192.0.2.7:40000", &format!("garbage-{i}")))
            .await;
        match r.status.as_u16() {
            401 => {
                assert_eq!(limited, 0, "no 401 once the address is limited");
                assert_eq!(r.body["code"], "token_invalid");
                denied += 1;
            }
            429 => {
                assert_eq!(r.body["code"], "rate_limited");
                assert!(r.headers.get("retry-after").is_some());
                limited += 1;
            }
            s => panic!("unexpected status {s}: {}", r.body),
        }
    }
    assert!(limited > 0, "failed attempts from one address are limited");
    assert_eq!(
        env.count("audit_log").await,
        before + denied,
        "only the attempts answered 401 are audited"
    );
    // Another address is not affected, and a valid token from the limited
    // address still works.
    let r = env.raw(from_addr("198.51.100.9:40000", "garbage-x")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = env.raw(from_addr("192.0.2.7:40001", &env.admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn failed_logins_are_limited_per_address_and_a_right_password_still_works() {
    let settings = levee_server::Settings {
        run_worker: false,
        auth_fail_per_sec: 0.001,
        auth_fail_burst: 3.0,
        ..levee_server::Settings::default()
    };
    let env = common::env_with(levee_store::testing::sqlite(), settings).await;
    let org = env.org("Clinic", &["finder"], json!({})).await;
    let user = env.member(&org, "nurse@clinic.example", "admin").await;
    let (tok, _) = env
        .token(&user, Some(&org), &["read", "write"], Some(86_400))
        .await;
    let r = env
        .call(
            "POST",
            "/api/v1/me/password",
            Some(&tok),
            Some(json!({"new_password": "correct horse battery staple"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let login_as = |email: String, password: &str| {
        let mut req = Request::post("/api/v1/login")
            .header("content-type", "application/json")
            .body(Body::from(
                json!({"email": email, "password": password}).to_string(),
            ))
            .unwrap();
        let addr: std::net::SocketAddr = "192.0.2.8:40000".parse().unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(addr));
        req
    };
    let login = |email: String| login_as(email, "not the password at all");
    let before = env.count("audit_log").await;
    let mut codes = Vec::new();
    for i in 0..6 {
        let r = env.raw(login(format!("nobody{i}@example.org"))).await;
        codes.push(r.status.as_u16());
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(r.body["code"], "rate_limited");
            assert!(r.headers.get("retry-after").is_some());
        }
    }
    assert_eq!(codes, [401, 401, 401, 429, 429, 429]);
    assert_eq!(env.count("audit_log").await, before + 3);
    // Someone else exhausting the address does not lock its users out.
    let r = env
        .raw(login_as(
            "nurse@clinic.example".into(),
            "correct horse battery staple",
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// A request from TCP peer `peer` (as `into_make_service_with_connect_info`
/// would attach it) carrying the given `X-Forwarded-For` headers.
fn forwarded(path: &str, token: Option<&str>, peer: &str, xff: &[&str]) -> Request<Body> {
    let mut b = Request::get(path);
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    for h in xff {
        b = b.header("x-forwarded-for", *h);
    }
    let mut req = b.body(Body::empty()).unwrap();
    let addr: std::net::SocketAddr = peer.parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    req
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_failure_budget() {
    let throttled = levee_server::Settings {
        run_worker: false,
        auth_fail_per_sec: 0.001,
        auth_fail_burst: 3.0,
        ..levee_server::Settings::default()
    };
    let behind_proxy = levee_server::Settings {
        trusted_proxies: vec![
            "10.0.0.0/8".parse().unwrap(),
            "2001:db8::/32".parse().unwrap(),
        ],
        ..throttled.clone()
    };
    for db in levee_store::testing::backends().await {
        let env = common::env_with(db, behind_proxy.clone()).await;
        let be = env.backend();
        let before = env.count("audit_log").await;
        let attempt = |peer: &str, xff: &[&str], i: usize| {
            forwarded("/api/v1/me", Some(&format!("garbage-{i}")), peer, xff)
        };
        // Client A, through the proxy, spends its budget.
        let mut codes = Vec::new();
        for i in 0..5 {
            let r = env.raw(attempt("10.0.0.1:40000", &["192.0.2.7"], i)).await;
            codes.push(r.status.as_u16());
        }
        assert_eq!(codes, [401, 401, 401, 429, 429], "[{be}]");
        assert_eq!(env.count("audit_log").await, before + 3, "[{be}]");
        // Client B, through the same proxy: its own budget.
        let r = env
            .raw(attempt("10.0.0.1:40001", &["198.51.100.9"], 10))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "[{be}] {}", r.body);
        assert_eq!(r.body["code"], "token_invalid");
        // A stays limited whatever it writes left of the proxy's entry, and
        // through another (IPv4-mapped, or a second-hop) proxy.
        for (peer, xff) in [
            ("10.0.0.1:40002", &["198.51.100.9, 192.0.2.7"][..]),
            ("[::ffff:10.0.0.2]:40000", &["192.0.2.7"][..]),
            ("[2001:db8::1]:40000", &["192.0.2.7", "10.0.0.9"][..]),
        ] {
            let r = env.raw(attempt(peer, xff, 11)).await;
            assert_eq!(
                r.status,
                StatusCode::TOO_MANY_REQUESTS,
                "[{be}] {peer} {xff:?}"
            );
        }
        // Outside the proxy, the header is not believed: an untrusted peer
        // that spent its budget cannot claim another address.
        for i in 0..3 {
            let r = env.raw(attempt("203.0.113.5:40000", &[], 20 + i)).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "[{be}]");
        }
        let r = env
            .raw(attempt("203.0.113.5:40000", &["198.51.100.77"], 30))
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "[{be}] {}", r.body);
        // Valid credentials from the limited client still work.
        let r = env
            .raw(forwarded(
                "/api/v1/me",
                Some(&env.admin),
                "10.0.0.1:40000",
                &["192.0.2.7"],
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{be}] {}", r.body);
    }
    // Without the setting, the header is ignored: every client of the
    // proxy shares its address's budget.
    for db in levee_store::testing::backends().await {
        let env = common::env_with(db, throttled.clone()).await;
        let be = env.backend();
        let mut codes = Vec::new();
        for i in 0..4 {
            let r = env
                .raw(forwarded(
                    "/api/v1/me",
                    Some(&format!("garbage-{i}")),
                    "10.0.0.1:40000",
                    &["192.0.2.7"],
                ))
                .await;
            codes.push(r.status.as_u16());
        }
        assert_eq!(codes, [401, 401, 401, 429], "[{be}]");
        let r = env
            .raw(forwarded(
                "/api/v1/me",
                Some("garbage-x"),
                "10.0.0.1:40001",
                &["198.51.100.9"],
            ))
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "[{be}] {}", r.body);
    }
}

#[tokio::test]
async fn the_rate_limit_without_a_token_uses_the_forwarded_client() {
    let settings = levee_server::Settings {
        run_worker: false,
        rate_per_sec: 0.001,
        rate_burst: 2.0,
        trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
        ..levee_server::Settings::default()
    };
    let env = common::env_with(levee_store::testing::sqlite(), settings).await;
    let codes = |peer: &'static str, xff: &'static str| {
        let env = &env;
        async move {
            let mut out = Vec::new();
            for _ in 0..3 {
                let r = env
                    .raw(forwarded("/api/v1/vulns?q=x", None, peer, &[xff]))
                    .await;
                out.push(r.status.as_u16());
            }
            out
        }
    };
    assert_eq!(codes("10.0.0.1:40000", "192.0.2.7").await, [200, 200, 429]);
    assert_eq!(
        codes("10.0.0.1:40000", "198.51.100.9").await,
        [200, 200, 429]
    );
    // An untrusted peer's header is not read: one bucket for its address.
    assert_eq!(
        codes("203.0.113.5:40000", "192.0.2.70").await,
        [200, 200, 429]
    );
    assert_eq!(
        codes("203.0.113.5:40000", "192.0.2.71").await,
        [429, 429, 429]
    );
}

#[tokio::test]
async fn re_adding_a_delegation_answers_200_and_audits_nothing() {
    for env in common::envs().await {
        let managed = env.org("Clinic", &["vendor"], json!({})).await;
        let manager = env.org("Helper MSP", &["vendor"], json!({})).await;
        let path = format!("/api/v1/orgs/{managed}/delegations");
        let body = json!({"manager_org_id": manager});
        let r = env
            .call("POST", &path, Some(&env.admin), Some(body.clone()))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let first = r.body.clone();
        let audit = env.count("audit_log").await;
        let links = env.count("delegations").await;
        let r = env.call("POST", &path, Some(&env.admin), Some(body)).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {}", env.backend(), r.body);
        assert_eq!(r.body, first, "the existing link");
        assert_eq!(env.count("audit_log").await, audit, "no new audit entry");
        assert_eq!(env.count("delegations").await, links);
    }
}

#[tokio::test]
async fn changing_ones_own_password_or_totp_needs_the_current_password() {
    for env in common::envs().await {
        let org = env.org("Lab", &["finder"], json!({})).await;
        let user = env.member(&org, "lab@lab.example", "admin").await;
        let (tok, _) = env
            .token(&user, Some(&org), &["read", "write"], Some(86_400))
            .await;
        let set = |body: serde_json::Value| {
            env.call("POST", "/api/v1/me/password", Some(&tok), Some(body))
        };
        // The first password: there is no current one.
        let r = set(json!({"new_password": "first long passphrase"})).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let r = set(json!({"new_password": "second long passphrase"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.body["code"], "validation_failed");
        let audit = env.count("audit_log").await;
        let r = set(json!({"new_password": "second long passphrase",
            "current_password": "not the password"}))
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert_eq!(r.body["code"], "forbidden");
        assert_eq!(
            env.count("audit_log").await,
            audit + 1,
            "a wrong guess is audited"
        );
        let r = set(json!({"new_password": "second long passphrase",
            "current_password": "first long passphrase"}))
        .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);

        // TOTP: confirming a secret needs it too.
        let r = env
            .call("POST", "/api/v1/me/totp", Some(&tok), Some(json!({})))
            .await;
        let secret = r.body["secret"].as_str().unwrap().to_string();
        let raw = decode_b32(&secret);
        let code = format!("{:06}", levee_server::auth::totp_at(&raw, env.store.now()));
        let enrol =
            |body: serde_json::Value| env.call("POST", "/api/v1/me/totp", Some(&tok), Some(body));
        let r = enrol(json!({"secret": secret, "code": code})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let r = enrol(
            json!({"secret": secret, "code": code, "current_password": "first long passphrase"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let r = enrol(
            json!({"secret": secret, "code": code, "current_password": "second long passphrase"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    }
}

#[tokio::test]
async fn reauth_and_login_share_one_account_throttle() {
    for env in common::envs().await {
        let org = env.org("Lab", &["finder"], json!({})).await;
        let user = env.member(&org, "lab@lab.example", "admin").await;
        let (tok, _) = env
            .token(&user, Some(&org), &["read", "write"], Some(86_400))
            .await;
        let set = |body: serde_json::Value| {
            env.call("POST", "/api/v1/me/password", Some(&tok), Some(body))
        };
        let r = set(json!({"new_password": "first long passphrase"})).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        // Four wrong re-authentications and one wrong login: five failures
        // of the one account, whichever door they came through.
        for _ in 0..levee_server::auth::THROTTLE_MAX_FAILURES - 1 {
            let r = set(json!({"new_password": "second long passphrase",
                "current_password": "not the password"}))
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        }
        let login = |pw: &str| {
            env.call(
                "POST",
                "/api/v1/login",
                None,
                Some(json!({"email": "lab@lab.example", "password": pw})),
            )
        };
        let r = login("wrong passphrase here").await;
        assert_eq!(r.body["code"], "login_failed", "{}", r.body);
        // Now both refuse the right password, with Retry-After.
        let r = login("first long passphrase").await;
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited")),
            "{}",
            r.body
        );
        assert!(r.headers.get("retry-after").is_some());
        let r = set(json!({"new_password": "second long passphrase",
            "current_password": "first long passphrase"}))
        .await;
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited")),
            "{}",
            r.body
        );
        assert!(r.headers.get("retry-after").is_some());
    }
}

/// A throttled re-authentication (an authenticated caller confirming its
/// password while the account is throttled) is a security-relevant refusal:
/// it is audited like a throttled login (`user.reauth_throttled`, as
/// `login.throttled`), and like it draws from the address's failure budget,
/// so that once the budget is spent the refusal writes nothing (the audit
/// log cannot be grown without bound).
#[tokio::test]
async fn a_throttled_reauthentication_is_audited_within_the_failure_budget() {
    let max = levee_server::auth::THROTTLE_MAX_FAILURES;
    for db in levee_store::testing::backends().await {
        let settings = levee_server::Settings {
            run_worker: false,
            rate_per_sec: 10_000.0,
            rate_burst: 10_000.0,
            auth_fail_per_sec: 0.001,
            // The wrong guesses, one throttled re-authentication, one
            // throttled login.
            auth_fail_burst: (max + 2) as f64,
            ..levee_server::Settings::default()
        };
        let env = common::env_with(db, settings).await;
        let org = env.org("Lab", &["finder"], json!({})).await;
        let user = env.member(&org, "lab@lab.example", "admin").await;
        let (tok, _) = env
            .token(&user, Some(&org), &["read", "write"], Some(86_400))
            .await;
        let set = |current: &str| {
            env.call(
                "POST",
                "/api/v1/me/password",
                Some(&tok),
                Some(json!({"new_password": "second long passphrase",
                    "current_password": current})),
            )
        };
        let r = env
            .call(
                "POST",
                "/api/v1/me/password",
                Some(&tok),
                Some(json!({"new_password": "first long passphrase"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        for _ in 0..max {
            let r = set("not the password").await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        }
        let last = |env: &common::Env| {
            let store = env.store.clone();
            async move {
                store
                    .audit_entries(0, 1000, None, None)
                    .await
                    .unwrap()
                    .pop()
                    .unwrap()
            }
        };
        let throttled = |r: &common::Resp| {
            assert_eq!(
                (r.status, r.body["code"].as_str()),
                (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited")),
                "[{}] {}",
                env.backend(),
                r.body
            );
            assert!(r.headers.get("retry-after").is_some());
        };
        // Throttled, even with the right password: audited, by the caller.
        let before = env.count("audit_log").await;
        let r = set("first long passphrase").await;
        throttled(&r);
        assert_eq!(
            env.count("audit_log").await,
            before + 1,
            "[{}]",
            env.backend()
        );
        let e = last(&env).await;
        assert_eq!(
            (e.action.as_str(), e.actor.as_str(), e.object.as_str()),
            ("user.reauth_throttled", user.as_str(), user.as_str())
        );
        // The same as a throttled login.
        let r = env
            .call(
                "POST",
                "/api/v1/login",
                None,
                Some(json!({"email": "lab@lab.example", "password": "first long passphrase"})),
            )
            .await;
        throttled(&r);
        assert_eq!(env.count("audit_log").await, before + 2);
        assert_eq!(last(&env).await.action, "login.throttled");
        // The address's failure budget is spent: still refused, nothing
        // written.
        for _ in 0..3 {
            throttled(&set("first long passphrase").await);
        }
        assert_eq!(
            env.count("audit_log").await,
            before + 2,
            "[{}] bounded",
            env.backend()
        );
    }
}
