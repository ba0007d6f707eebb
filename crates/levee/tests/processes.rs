//! Whole-program stories: several `levee serve` processes on one database,
//! kill -9 durability, backup/restore/migrate with the audit chain intact.

mod support;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::json;
use support::*;

/// Storage arguments for each backend to try: SQLite (one data dir shared
/// by the processes) always, PostgreSQL when configured.
fn backends(dir: &std::path::Path) -> Vec<(&'static str, Vec<String>)> {
    let mut v = vec![(
        "sqlite",
        vec![
            "--data-dir".to_string(),
            dir.join("data").display().to_string(),
        ],
    )];
    if let Some(url) = postgres_url() {
        v.push(("postgres", vec!["--database-url".to_string(), url]));
    }
    v
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn jobs(s: &Server, state: &str) -> Vec<serde_json::Value> {
    let (code, body) = s.call(
        "GET",
        &format!("/api/v1/admin/jobs?state={state}&limit=1000"),
        None,
    );
    assert_eq!(code, 200, "{body}");
    body["items"].as_array().cloned().unwrap_or_default()
}

/// How many times each probe job ran, read from the change log.
fn probe_runs(url_or_dir: &[String]) -> Vec<(String, String, i64)> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let cfg = if url_or_dir[0] == "--database-url" {
            levee_store::StoreConfig::new(url_or_dir[1].clone())
        } else {
            levee_store::StoreConfig::sqlite_in(std::path::Path::new(&url_or_dir[1]))
        };
        let store = levee_store::Store::open(&cfg, Arc::new(levee_model::SystemClock))
            .await
            .unwrap();
        let changes = store.changes_since(0, 10_000).await.unwrap();
        let out = changes
            .into_iter()
            .filter(|c| c.kind == "probe" && c.op == "ran")
            .map(|c| {
                (
                    c.object_id,
                    c.data["owner"].as_str().unwrap_or("").to_string(),
                    c.data["attempt"].as_i64().unwrap_or(0),
                )
            })
            .collect();
        store.close().await;
        out
    })
}

#[test]
fn two_processes_run_each_job_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    for (name, storage) in backends(dir.path()) {
        let a = Server::start(&args(&storage), &["--job-lease-secs", "5"]);
        let b = Server::start(&args(&storage), &["--job-lease-secs", "5"]);
        let n = 30;
        let mut ids = Vec::new();
        for i in 0..n {
            let target = if i % 2 == 0 { &a } else { &b };
            let (code, body) = target.call(
                "POST",
                "/api/v1/admin/jobs",
                Some(&json!({"kind": "probe", "payload": {"sleep_ms": 20}}).to_string()),
            );
            assert_eq!(code, 201, "{body}");
            ids.push(body["id"].as_i64().unwrap().to_string());
        }
        wait_until("all probe jobs done", 120, || {
            let done: BTreeSet<String> = jobs(&a, "done")
                .iter()
                .map(|j| j["id"].to_string())
                .collect();
            ids.iter().all(|i| done.contains(i))
        });
        let runs = probe_runs(&storage);
        for id in &ids {
            let n = runs.iter().filter(|(j, _, _)| j == id).count();
            assert_eq!(n, 1, "[{name}] job {id} ran {n} times");
        }
        let owners: BTreeSet<_> = runs
            .iter()
            .filter(|(j, _, _)| ids.contains(j))
            .map(|(_, o, _)| o.clone())
            .collect();
        eprintln!(
            "[{name}] {} jobs ran on {} processes",
            ids.len(),
            owners.len()
        );
        drop((a, b));
    }
}

#[test]
fn a_killed_worker_leaves_its_job_to_the_other_after_the_lease() {
    let dir = tempfile::tempdir().unwrap();
    for (name, storage) in backends(dir.path()) {
        let mut a = Server::start(&args(&storage), &["--job-lease-secs", "2"]);
        let (code, body) = a.call(
            "POST",
            "/api/v1/admin/jobs",
            Some(
                &json!({"kind": "probe", "payload": {"first_attempt_sleep_ms": 120_000}})
                    .to_string(),
            ),
        );
        assert_eq!(code, 201, "{body}");
        let id = body["id"].as_i64().unwrap();
        wait_until("the job running on A", 30, || {
            jobs(&a, "running").iter().any(|j| j["id"] == id)
        });
        let owner_a = jobs(&a, "running")
            .into_iter()
            .find(|j| j["id"] == id)
            .unwrap()["lease_owner"]
            .clone();
        a.kill9();
        let b = Server::start(&args(&storage), &["--job-lease-secs", "2"]);
        wait_until("the job done by B", 60, || {
            jobs(&b, "done").iter().any(|j| j["id"] == id)
        });
        let runs: Vec<_> = probe_runs(&storage)
            .into_iter()
            .filter(|(j, _, _)| *j == id.to_string())
            .collect();
        assert_eq!(runs.len(), 1, "[{name}] ran exactly once: {runs:?}");
        assert_ne!(
            json!(runs[0].1),
            owner_a,
            "[{name}] completed by the other process"
        );
        assert_eq!(runs[0].2, 2, "[{name}] on the second attempt");
    }
}

#[test]
fn kill9_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    for (name, storage) in backends(dir.path()) {
        let mut s = Server::start(&args(&storage), &["--no-worker"]);
        let addr = s.addr;
        let acked = Arc::new(Mutex::new(Vec::<String>::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let acked = acked.clone();
                let stop = stop.clone();
                std::thread::spawn(move || {
                    let mut i = 0;
                    while !stop.load(Ordering::SeqCst) {
                        let name = format!("{name}-w{w}-{i}");
                        let body = json!({"name": name, "capabilities": ["finder"]}).to_string();
                        // Only a 201 that arrived counts as acknowledged.
                        if let Ok((201, _)) =
                            http(addr, "POST", "/api/v1/orgs", Some(BOOTSTRAP), Some(&body))
                        {
                            acked.lock().unwrap().push(name);
                        }
                        i += 1;
                    }
                })
            })
            .collect();
        wait_until("some acknowledged writes", 60, || {
            acked.lock().unwrap().len() >= 60
        });
        s.kill9();
        stop.store(true, Ordering::SeqCst);
        for w in writers {
            w.join().unwrap();
        }
        let acked = acked.lock().unwrap().clone();
        let s2 = Server::start(&args(&storage), &["--no-worker"]);
        let (code, body) = s2.call("GET", "/api/v1/orgs", None);
        assert_eq!(code, 200);
        let present: BTreeSet<String> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap().to_string())
            .collect();
        let missing: Vec<_> = acked.iter().filter(|n| !present.contains(*n)).collect();
        assert!(
            missing.is_empty(),
            "[{name}] acknowledged but lost after kill -9: {missing:?}"
        );
        eprintln!(
            "[{name}] {} acknowledged writes all present after kill -9",
            acked.len()
        );
        drop(s2);
        let out = levee(&["audit", "verify", storage[0].as_str(), storage[1].as_str()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "[{name}] chain intact after kill -9: {}",
            stdout(&out)
        );
    }
}

#[test]
fn sigterm_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d").display().to_string();
    let mut s = Server::start(&["--data-dir", &data], &[]);
    let status = s.terminate();
    assert!(status.success(), "exit status after SIGTERM: {status}");
}

/// A log written to a file (or the journal) is plain text: no terminal
/// colour codes when standard error is not a terminal.
#[test]
fn the_log_is_plain_text_when_not_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d").display().to_string();
    let log_path = dir.path().join("serve.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let listen = format!("127.0.0.1:{}", support::free_port());
    let mut child = std::process::Command::new(support::bin())
        .args(["serve", "--listen", &listen, "--data-dir", &data])
        .env("LEVEE_MASTER_KEY", support::MASTER_KEY)
        .env("LEVEE_LOG", "info")
        .env_remove("NO_COLOR")
        .env_remove("LEVEE_DATABASE_URL")
        .env_remove("LEVEE_DATA_DIR")
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let read = || std::fs::read_to_string(&log_path).unwrap_or_default();
    support::wait_until("the server to log that it listens", 60, || {
        read().contains("listening")
    });
    let _ = child.kill();
    let _ = child.wait();
    let text = read();
    assert!(text.contains("store ready"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "colour codes in a log file:\n{text}"
    );
}

#[test]
fn backup_restore_and_migrate_keep_every_row_and_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").display().to_string();
    // Writes through the CLI are audited too.
    for i in 0..5 {
        let o = levee(&[
            "org",
            "create",
            &format!("Org {i}"),
            "--capabilities",
            "finder,vendor",
            "--data-dir",
            &data,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let o = levee(&[
        "org",
        "create",
        "Rural Clinic",
        "--capabilities",
        "operator",
        "--sector",
        "health_care",
        "--rural",
        "--data-dir",
        &data,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let listed = stdout(&levee(&["org", "list", "--data-dir", &data]));
    assert_eq!(listed.lines().count(), 6);
    let cp_out = levee(&["audit", "checkpoint", "--data-dir", &data]);
    assert_eq!(cp_out.status.code(), Some(0), "{}", stderr(&cp_out));
    let cp = dir.path().join("cp.json");
    std::fs::write(&cp, cp_out.stdout).unwrap();
    let cp = cp.display().to_string();

    let verify = levee(&["audit", "verify", "--data-dir", &data, "--checkpoint", &cp]);
    assert_eq!(verify.status.code(), Some(0), "{}", stdout(&verify));
    // Key rotation: the old checkpoint still verifies; both keys are listed.
    let rot = levee(&["audit", "rotate-key", "--data-dir", &data]);
    assert_eq!(rot.status.code(), Some(0), "{}", stderr(&rot));
    let keys: serde_json::Value =
        serde_json::from_slice(&levee(&["audit", "keys", "--data-dir", &data]).stdout).unwrap();
    assert_eq!(keys["keys"].as_array().unwrap().len(), 2);
    let verify = levee(&["audit", "verify", "--data-dir", &data, "--checkpoint", &cp]);
    assert_eq!(
        verify.status.code(),
        Some(0),
        "after rotation: {}",
        stdout(&verify)
    );

    let backup = dir.path().join("backup.db").display().to_string();
    let b = levee(&["backup", &backup, "--data-dir", &data]);
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    let restored = dir.path().join("restored").display().to_string();
    let r = levee(&["restore", &backup, "--data-dir", &restored]);
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    assert_eq!(
        stdout(&levee(&["org", "list", "--data-dir", &restored])),
        listed
    );
    let v = levee(&[
        "audit",
        "verify",
        "--data-dir",
        &restored,
        "--checkpoint",
        &cp,
    ]);
    assert_eq!(v.status.code(), Some(0), "after restore: {}", stdout(&v));

    if let Some(url) = postgres_url() {
        let m = levee(&["migrate", "--to", &url, "--data-dir", &data]);
        assert_eq!(m.status.code(), Some(0), "{}", stderr(&m));
        assert_eq!(
            stdout(&levee(&["org", "list", "--database-url", &url])),
            listed
        );
        let v = levee(&[
            "audit",
            "verify",
            "--database-url",
            &url,
            "--checkpoint",
            &cp,
        ]);
        assert_eq!(v.status.code(), Some(0), "after migrate: {}", stdout(&v));
        // A second migrate into the same, now non-empty, database is refused.
        let again = levee(&["migrate", "--to", &url, "--data-dir", &data]);
        assert_eq!(again.status.code(), Some(2));
    }

    // Erasing a person keeps the chain intact.
    let first: serde_json::Value = serde_json::from_str(listed.lines().next().unwrap()).unwrap();
    let org_id = first["id"].as_str().unwrap();
    let o = levee(&[
        "org",
        "add-member",
        org_id,
        "person@example.org",
        "--data-dir",
        &restored,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let uid = serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["user_id"]
        .as_str()
        .unwrap()
        .to_string();
    let e = levee(&["user", "erase", &uid, "--data-dir", &restored]);
    assert_eq!(e.status.code(), Some(0), "{}", stderr(&e));
    let v = levee(&["audit", "verify", "--data-dir", &restored]);
    assert_eq!(v.status.code(), Some(0), "after erasure: {}", stdout(&v));
    assert_eq!(
        levee(&["user", "erase", "usr_nobody", "--data-dir", &restored])
            .status
            .code(),
        Some(2)
    );

    // Tampering is caught by the CLI: exit 1 naming the entry.
    let db = std::path::Path::new(&restored).join("levee.db");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = levee_store::Store::open(
            &levee_store::StoreConfig::sqlite_in(db.parent().unwrap()),
            Arc::new(levee_model::SystemClock),
        )
        .await
        .unwrap();
        levee_store::sqlx::query("UPDATE audit_log SET object = 'forged' WHERE seq = 2")
            .execute(store.pool())
            .await
            .unwrap();
        store.close().await;
    });
    let v = levee(&["audit", "verify", "--data-dir", &restored]);
    assert_eq!(v.status.code(), Some(1));
    assert!(stdout(&v).contains("broken at entry 2"), "{}", stdout(&v));

    // Errors are exit 2 with a reason.
    let e = levee(&["audit", "verify", "--database-url", "mysql://nope"]);
    assert_eq!(e.status.code(), Some(2));
    assert!(
        stderr(&e).contains("unsupported database URL"),
        "{}",
        stderr(&e)
    );
    let e = levee(&[
        "restore",
        &dir.path().join("nothing.db").display().to_string(),
        "--data-dir",
        &restored,
    ]);
    assert_eq!(e.status.code(), Some(2));
}

#[test]
fn config_check_reports_effective_settings() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("levee.toml");
    std::fs::write(&cfg, "listen = \"127.0.0.1:9999\"\njob_lease_secs = 7\n").unwrap();
    let cfg_s = cfg.display().to_string();
    let o = levee(&["config", "check", "--config", &cfg_s]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["listen"], "127.0.0.1:9999");
    assert_eq!(v["job_lease_secs"], 7);
    // The failed-authentication budget has defaults and file keys.
    assert_eq!(v["auth_fail_burst"], 20.0);
    std::fs::write(
        &cfg,
        "job_lease_secs = 7\nauth_fail_per_sec = 0.5\nauth_fail_burst = 5\n",
    )
    .unwrap();
    let o = levee(&["config", "check", "--config", &cfg_s]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["auth_fail_per_sec"], 0.5);
    assert_eq!(v["auth_fail_burst"], 5.0);
    // Trusted proxies: none by default; the file's list, beaten by the
    // environment's comma-separated one, beaten by repeated flags.
    assert_eq!(v["trusted_proxies"], json!([]));
    std::fs::write(
        &cfg,
        "trusted_proxies = [\"10.0.0.0/8\", \"2001:db8::/32\", \"192.0.2.1\"]\n",
    )
    .unwrap();
    let check = |env: Option<&str>, flags: &[&str]| {
        let mut c = std::process::Command::new(bin());
        c.args(["config", "check", "--config", &cfg_s])
            .args(flags)
            .env("LEVEE_MASTER_KEY", MASTER_KEY)
            .env_remove("LEVEE_DATABASE_URL")
            .env_remove("LEVEE_DATA_DIR")
            .env_remove("LEVEE_TRUSTED_PROXIES");
        if let Some(e) = env {
            c.env("LEVEE_TRUSTED_PROXIES", e);
        }
        c.output().unwrap()
    };
    let o = check(None, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["trusted_proxies"],
        json!(["10.0.0.0/8", "2001:db8::/32", "192.0.2.1/32"])
    );
    let o = check(Some("172.16.0.0/12, ::ffff:10.0.0.0/104"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["trusted_proxies"], json!(["172.16.0.0/12", "10.0.0.0/8"]));
    let o = check(
        Some("172.16.0.0/12"),
        &[
            "--trusted-proxy",
            "198.51.100.0/24",
            "--trusted-proxy",
            "fd00::/8",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["trusted_proxies"], json!(["198.51.100.0/24", "fd00::/8"]));
    // An invalid value is refused, named, from each source.
    for (env, flags, bad) in [
        (Some("10.0.0.0/8,10.0.0.300"), &[][..], "10.0.0.300"),
        (None, &["--trusted-proxy", "10.0.0.1/8"][..], "10.0.0.1/8"),
        (
            None,
            &["--trusted-proxy", "2001:db8::/129"][..],
            "2001:db8::/129",
        ),
    ] {
        let o = check(env, flags);
        assert_eq!(o.status.code(), Some(1), "{bad}: {}", stdout(&o));
        assert!(
            stderr(&o).contains(&format!("trusted proxy \"{bad}\"")),
            "{}",
            stderr(&o)
        );
    }
    std::fs::write(&cfg, "trusted_proxies = [\"proxy.internal\"]\n").unwrap();
    let o = check(None, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("\"proxy.internal\""), "{}", stderr(&o));
    std::fs::write(&cfg, "auth_fail_per_sec = 0\n").unwrap();
    let o = levee(&["config", "check", "--config", &cfg_s]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("auth_fail_per_sec"), "{}", stderr(&o));
    std::fs::write(&cfg, "listen = \"127.0.0.1:9999\"\njob_lease_secs = 7\n").unwrap();
    // Flags beat the file.
    let o = levee(&[
        "config",
        "check",
        "--config",
        &cfg_s,
        "--listen",
        "127.0.0.1:1234",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["listen"], "127.0.0.1:1234");
    // Passwords never shown.
    let o = levee(&[
        "config",
        "check",
        "--database-url",
        "postgres://u:hunter2@localhost/db",
    ]);
    assert!(!stdout(&o).contains("hunter2"));
    // Invalid: exit 1 with the reason.
    std::fs::write(&cfg, "listen = \"nowhere\"\n").unwrap();
    let o = levee(&["config", "check", "--config", &cfg_s]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("listen"), "{}", stderr(&o));
    std::fs::write(&cfg, "bogus_key = 1\n").unwrap();
    let o = levee(&["config", "check", "--config", &cfg_s]);
    assert_eq!(o.status.code(), Some(1));
}
