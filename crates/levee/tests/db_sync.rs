//! `levee db sync` against a local HTTP server (no internet): the first run
//! downloads and imports, the second sends conditional requests and changes
//! nothing, an interrupted download resumes with a Range request.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

#[derive(Clone)]
struct Res {
    body: Vec<u8>,
    etag: String,
    /// Cut the connection after this many body bytes, once.
    cut_once: Option<usize>,
}

#[derive(Default)]
struct Server {
    res: HashMap<String, Res>,
    log: Vec<(String, HashMap<String, String>, u16)>,
}

fn handle(stream: TcpStream, srv: &Arc<Mutex<Server>>) {
    let mut r = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if r.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let mut s = stream;
    let mut guard = srv.lock().unwrap();
    let Some(res) = guard.res.get(&path).cloned() else {
        guard.log.push((path, headers, 404));
        let _ = s
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    };
    let lm = "Wed, 01 May 2024 00:00:00 GMT";
    if headers.get("if-none-match") == Some(&res.etag) {
        guard.log.push((path, headers, 304));
        let _ = write!(
            s,
            "HTTP/1.1 304 Not Modified\r\nETag: {}\r\nConnection: close\r\n\r\n",
            res.etag
        );
        return;
    }
    let range_start = headers
        .get("range")
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|_| headers.get("if-range") == Some(&res.etag));
    let total = res.body.len();
    let (status, start) = match range_start {
        Some(n) if n < total => (206, n),
        _ => (200, 0),
    };
    let cut = res.cut_once;
    if cut.is_some() {
        if let Some(x) = guard.res.get_mut(&path) {
            x.cut_once = None;
        }
    }
    guard.log.push((path, headers, status));
    drop(guard);
    let body = &res.body[start..];
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nETag: {}\r\nLast-Modified: {lm}\r\nAccept-Ranges: bytes\r\nContent-Length: {}\r\nConnection: close\r\n",
        if status == 206 { "Partial Content" } else { "OK" },
        res.etag,
        body.len()
    );
    if status == 206 {
        head.push_str(&format!(
            "Content-Range: bytes {start}-{}/{total}\r\n",
            total - 1
        ));
    }
    head.push_str("\r\n");
    let _ = s.write_all(head.as_bytes());
    match cut {
        Some(n) => {
            let _ = s.write_all(&body[..n.min(body.len())]);
            let _ = s.flush();
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        None => {
            let _ = s.write_all(body);
        }
    }
}

fn serve() -> (String, Arc<Mutex<Server>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    let srv = Arc::new(Mutex::new(Server::default()));
    let s2 = srv.clone();
    std::thread::spawn(move || {
        for c in l.incoming().flatten() {
            let s3 = s2.clone();
            std::thread::spawn(move || handle(c, &s3));
        }
    });
    (base, srv)
}

fn osv_zip(n: usize) -> Vec<u8> {
    let recs: Vec<levee_formats::Record> = (0..n)
        .map(|i| {
            // Every 100th record has a range of a type OSV does not define:
            // kept, with a warning.
            let odd = if i % 100 == 0 { "GIT_TAGS" } else { "ECOSYSTEM" };
            let v = json!({"id": format!("TEST-{i}"), "modified": "2024-01-01T00:00:00Z", "aliases": [format!("CVE-2024-{:04}", 1000 + i)],
                "details": "x".repeat(200 + i % 50),
                "affected": [{"package": {"ecosystem": "PyPI", "name": format!("pkg{i}")}, "ranges": [{"type": odd, "events": [{"introduced": "0"}, {"fixed": "1.0"}]}]}]});
            levee_formats::Record::from_value(&v, &levee_formats::Limits::default()).unwrap()
        })
        .collect();
    levee_formats::export::zip_dump_bytes(recs.iter()).unwrap()
}

fn run(args: &[&str]) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_levee"))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let v = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        v,
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn feed<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["feeds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap()
}

fn csaf_doc() -> Vec<u8> {
    let r = levee_formats::Record::from_value(
        &json!({"id": "GHSA-aaaa-bbbb-cccc", "modified": "2024-02-01T00:00:00Z", "aliases": ["CVE-2024-4242"], "details": "d",
            "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.3.0"}]}]}]}),
        &levee_formats::Limits::default(),
    )
    .unwrap();
    serde_json::to_vec(&levee_feeds::csaf::export_advisory(&[r])).unwrap()
}

#[test]
fn sync_downloads_then_is_conditional_then_resumes() {
    let (base, srv) = serve();
    let zip = osv_zip(300);
    assert!(zip.len() > 10_000);
    let kev = json!({"title": "KEV", "catalogVersion": "1", "dateReleased": "2024-01-01T00:00:00.000Z", "count": 1,
        "vulnerabilities": [{"cveID": "CVE-2021-44228", "vendorProject": "Apache", "product": "Log4j2", "vulnerabilityName": "Log4Shell",
          "dateAdded": "2021-12-10", "shortDescription": "RCE", "requiredAction": "patch", "dueDate": "2021-12-24",
          "knownRansomwareCampaignUse": "Known", "notes": "", "cwes": ["CWE-502"]}]});
    let cve = json!({"dataType": "CVE_RECORD", "dataVersion": "5.1", "cveMetadata": {"cveId": "CVE-2024-4242", "state": "PUBLISHED", "dateUpdated": "2024-03-01T00:00:00Z"},
        "containers": {"cna": {"descriptions": [{"lang": "en", "value": "d"}], "affected": [{"vendor": "v", "product": "p", "versions": [{"status": "affected", "version": "1.0"}]}]}}});
    {
        let mut s = srv.lock().unwrap();
        let mut put = |p: &str, body: Vec<u8>, etag: &str| {
            s.res.insert(
                p.to_string(),
                Res {
                    body,
                    etag: format!("\"{etag}\""),
                    cut_once: None,
                },
            );
        };
        put("/osv/all.zip", zip.clone(), "z1");
        put("/kev.json", serde_json::to_vec(&kev).unwrap(), "k1");
        put(
            "/cve/CVE-2024-4242.json",
            serde_json::to_vec(&cve).unwrap(),
            "c1",
        );
        put("/epss.csv", b"#model_version:v2023.03.01,score_date:2024-05-01T00:00:00+0000\ncve,epss,percentile\nCVE-2021-44228,0.97,0.99\n".to_vec(), "e1");
        put(
            "/.well-known/csaf/provider-metadata.json",
            serde_json::to_vec(&json!({"distributions": [{"rolie": {"feeds": [
                {"tlp_label": "WHITE", "url": "/csaf/feed-tlp-white.json"},
                // Not followed: synced records are TLP:CLEAR.
                {"tlp_label": "AMBER", "url": "/csaf/feed-tlp-amber.json"}
            ]}}]}))
            .unwrap(),
            "p1",
        );
        put(
            "/csaf/feed-tlp-amber.json",
            serde_json::to_vec(&json!({"feed": {"id": "a", "entry": [{"id": "doc-2", "content": {"type": "application/json", "src": "2024/doc-2.json"}}]}})).unwrap(),
            "r2",
        );
        put("/csaf/2024/doc-2.json", csaf_doc(), "d2");
        put(
            "/csaf/feed-tlp-white.json",
            serde_json::to_vec(&json!({"feed": {"id": "f", "entry": [{"id": "doc-1", "content": {"type": "application/json", "src": "2024/doc-1.json"}}]}})).unwrap(),
            "r1",
        );
        put("/csaf/2024/doc-1.json", csaf_doc(), "d1");
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cfg = dir.path().join("feeds.toml");
    std::fs::write(
        &cfg,
        format!(
            r#"
[[feed]]
name = "osv-pypi"
url = "{base}/osv/all.zip"
kind = "osv-zip"

[[feed]]
name = "kev"
url = "{base}/kev.json"
kind = "kev-json"

[[feed]]
name = "cve"
url = "{base}/cve/CVE-2024-4242.json"
kind = "cve-json5"

[[feed]]
name = "epss"
url = "{base}/epss.csv"
kind = "epss-csv"

[[feed]]
name = "vendor-csaf"
url = "{base}/.well-known/csaf/provider-metadata.json"
kind = "csaf-provider"
"#
        ),
    )
    .unwrap();
    let args = [
        "db",
        "sync",
        "--config",
        cfg.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
        "--json",
    ];

    // 1. first run: everything downloaded and imported
    let (code, v, err) = run(&args);
    assert_eq!(code, 0, "{err}\n{v}");
    assert_eq!(feed(&v, "osv-pypi")["records"], 300);
    assert_eq!(feed(&v, "osv-pypi")["warnings"], 3);
    let warned = std::fs::read_to_string(data.join("feeds/osv-pypi.warnings.jsonl")).unwrap();
    let codes: Vec<String> = warned
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["code"].to_string())
        .collect();
    assert_eq!(codes, ["\"unknown_range_type\""; 3], "{warned}");
    assert_eq!(feed(&v, "osv-pypi")["downloaded"], 1);
    assert_eq!(feed(&v, "kev")["records"], 1);
    assert_eq!(feed(&v, "cve")["records"], 1);
    assert_eq!(feed(&v, "epss")["records"], 1);
    assert_eq!(
        feed(&v, "vendor-csaf")["downloaded"],
        3,
        "the AMBER feed is not fetched"
    );
    assert_eq!(feed(&v, "vendor-csaf")["records"], 1);
    assert!(
        err.contains("feed-tlp-amber.json is labelled AMBER; not followed"),
        "{err}"
    );
    for f in v["feeds"].as_array().unwrap() {
        assert_eq!(f["rejected"], 0, "{f}");
        assert_eq!(f["requests_conditional"], 0);
    }
    // The records are in the knowledge base, grouped and enriched.
    let show = |id: &str| {
        run(&[
            "vuln",
            "show",
            id,
            "--format",
            "json",
            "--data-dir",
            data.to_str().unwrap(),
        ])
    };
    let (code, v, err) = show("TEST-7");
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["id"], "CVE-2024-1007", "grouped under its CVE alias: {v}");
    let (code, _, err) = show("CVE-2024-4242");
    assert_eq!(code, 0, "the CVE JSON 5 record was imported: {err}");
    let stored = data.join("feeds/osv-pypi.zip");
    assert_eq!(std::fs::read(&stored).unwrap(), zip);
    assert!(data.join("feeds/vendor-csaf/docs/doc-1.json").exists());
    let state1 = std::fs::read(data.join("feeds/state.json")).unwrap();
    let mtime1 = std::fs::metadata(&stored).unwrap().modified().unwrap();
    let first_run_requests = srv.lock().unwrap().log.len();
    assert_eq!(first_run_requests, 7);

    // 2. second run: only conditional requests, nothing changes
    let (code, v, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    for f in v["feeds"].as_array().unwrap() {
        assert_eq!(f["requests"], f["requests_conditional"], "{f}");
        assert_eq!(f["requests"], f["not_modified"], "{f}");
        assert_eq!(f["downloaded"], 0, "{f}");
        assert_eq!(f["imported_files"], 0, "{f}");
    }
    {
        let s = srv.lock().unwrap();
        let second = &s.log[first_run_requests..];
        assert_eq!(second.len(), 7);
        assert!(second.iter().all(|(_, h, st)| *st == 304
            && h.contains_key("if-none-match")
            && h.contains_key("if-modified-since")));
    }
    assert_eq!(
        std::fs::read(data.join("feeds/state.json")).unwrap(),
        state1
    );
    assert_eq!(
        std::fs::metadata(&stored).unwrap().modified().unwrap(),
        mtime1
    );

    // 2b. a document whose import failed after its download (as if the
    //     importer had stopped): the next run imports it although the
    //     server answers 304 Not Modified
    let state_path = data.join("feeds/state.json");
    let mut state: Value = serde_json::from_slice(&std::fs::read(&state_path).unwrap()).unwrap();
    let doc = state["files"]
        .as_object_mut()
        .unwrap()
        .get_mut("vendor-csaf/docs/doc-1.json")
        .expect("state.json lists the CSAF document");
    doc["imported_sha256"] = Value::Null;
    std::fs::write(&state_path, serde_json::to_vec(&state).unwrap()).unwrap();
    let (code, v, err) = run(&[
        "db",
        "sync",
        "--config",
        cfg.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
        "--json",
        "--feed",
        "vendor-csaf",
    ]);
    assert_eq!(code, 0, "{err}");
    let f = feed(&v, "vendor-csaf");
    assert_eq!(f["downloaded"], 0, "{f}");
    assert_eq!(f["imported_files"], 1, "{f}");
    assert_eq!(f["records"], 1, "{f}");

    // 3. a new version whose download is cut half-way: error, a .part stays
    let zip2 = osv_zip(400);
    let half = zip2.len() / 2;
    srv.lock().unwrap().res.insert(
        "/osv/all.zip".into(),
        Res {
            body: zip2.clone(),
            etag: "\"z2\"".into(),
            cut_once: Some(half),
        },
    );
    let only = [
        "db",
        "sync",
        "--config",
        cfg.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
        "--json",
        "--feed",
        "osv-pypi",
    ];
    let (code, v, _) = run(&only);
    assert_eq!(code, 2);
    assert!(
        feed(&v, "osv-pypi")["error"]
            .as_str()
            .unwrap()
            .contains("interrupted"),
        "{v}"
    );
    let part = data.join("feeds/osv-pypi.zip.part");
    assert_eq!(std::fs::metadata(&part).unwrap().len() as usize, half);
    assert_eq!(
        std::fs::read(&stored).unwrap(),
        zip,
        "the old copy is kept until the new one is complete"
    );

    // 4. the next run resumes with Range/If-Range and completes
    let (code, v, err) = run(&only);
    assert_eq!(code, 0, "{err}\n{v}");
    let f = feed(&v, "osv-pypi");
    assert_eq!(f["requests_resumed"], 1);
    assert_eq!(f["bytes"].as_u64().unwrap() as usize, zip2.len() - half);
    assert_eq!(f["records"], 400);
    assert!(!part.exists());
    assert_eq!(std::fs::read(&stored).unwrap(), zip2);
    let s = srv.lock().unwrap();
    let (_, h, st) = s.log.last().unwrap();
    assert_eq!(*st, 206);
    assert_eq!(
        h.get("range").map(String::as_str),
        Some(format!("bytes={half}-").as_str())
    );
    assert_eq!(h.get("if-range").map(String::as_str), Some("\"z2\""));
    drop(s);
    let _ = Path::new(&data);
}

#[test]
fn bad_config_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("feeds.toml");
    std::fs::write(
        &cfg,
        "[[feed]]\nname = \"../x\"\nurl = \"http://127.0.0.1:1/\"\nkind = \"osv-zip\"\n",
    )
    .unwrap();
    let (code, _, err) = run(&[
        "db",
        "sync",
        "--config",
        cfg.to_str().unwrap(),
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("feed name"), "{err}");
    std::fs::write(
        &cfg,
        "[[feed]]\nname = \"x\"\nurl = \"http://127.0.0.1:1/\"\nkind = \"tarball\"\n",
    )
    .unwrap();
    let (code, _, _) = run(&[
        "db",
        "sync",
        "--config",
        cfg.to_str().unwrap(),
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
}
