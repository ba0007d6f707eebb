//! The OpenAPI 3.1 document, generated from the route table and the problem
//! codes, and an offline documentation page (no CDN: plain HTML and a few
//! lines of script that render the document).

use serde_json::{json, Map, Value};

use crate::error::CODES;
use crate::routes::{RouteInfo, ROUTES};

pub fn document() -> Value {
    let mut paths = Map::new();
    for r in ROUTES {
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        let params: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let mut op = json!({
            "summary": r.summary,
            "tags": [r.tag],
            "operationId": format!("{}_{}", r.method.to_lowercase(), r.path.trim_start_matches('/').replace(['/', '{', '}', '.'], "_")),
            "parameters": params,
            "responses": {
                "default": {"description": "A problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            }
        });
        for (status, media) in success(r) {
            let mut resp = json!({"description": description(*status)});
            if let Some(m) = media {
                let mut content = Map::new();
                content.insert((*m).to_string(), json!({}));
                resp["content"] = Value::Object(content);
            }
            op["responses"][status.to_string()] = resp;
        }
        if r.auth {
            op["security"] = json!([{"bearer": []}, {"session": []}]);
        }
        if let Some(p) = op["parameters"].as_array_mut() {
            for (name, required, schema) in query_params(r) {
                p.push(
                    json!({"name": name, "in": "query", "required": required, "schema": schema}),
                );
            }
        }
        if r.idempotent {
            if let Some(p) = op["parameters"].as_array_mut() {
                p.push(json!({"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
                    "description": "A retry with the same key and body returns the first response; the same key with another body answers 422."}));
            }
        }
        if reads_body(r) {
            op["requestBody"] = json!({"content": {"application/json": {}}});
        }
        if let Some(obj) = entry.as_object_mut() {
            obj.insert(r.method.to_lowercase(), op);
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Levee",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Vulnerability clearinghouse API. Errors are RFC 9457 problem documents with a stable `code`."
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE}
            },
            "schemas": {
                "Problem": {
                    "type": "object",
                    "required": ["type", "title", "status", "code"],
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "code": {"type": "string", "enum": CODES.iter().map(|(c, _, _)| *c).collect::<Vec<_>>()}
                    }
                }
            }
        }
    })
}

/// The success answers of a route: status and media type (`None`: no
/// body). Creating routes (those honouring `Idempotency-Key`) answer 201,
/// deletions and a few actions 204, the rest 200 with JSON unless listed.
pub fn success(r: &RouteInfo) -> &'static [(u16, Option<&'static str>)] {
    const JSON: &[(u16, Option<&str>)] = &[(200, Some("application/json"))];
    match (r.method, r.path) {
        ("GET", "/metrics") => &[(200, Some("text/plain"))],
        ("GET", "/api/v1/docs") => &[(200, Some("text/html"))],
        ("GET", "/api/v1/osv/dump.zip") => &[(200, Some("application/zip"))],
        ("POST", "/api/v1/logout" | "/api/v1/me/password") => &[(204, None)],
        // `{}` answers a new secret (200); `{secret, code}` confirms (204).
        ("POST", "/api/v1/me/totp") => &[(200, Some("application/json")), (204, None)],
        ("DELETE", _) => &[(204, None)],
        // Naming an already-linked manager changes nothing: 200, the link.
        ("POST", "/api/v1/orgs/{id}/delegations") => &[
            (200, Some("application/json")),
            (201, Some("application/json")),
        ],
        _ if r.idempotent => &[(201, Some("application/json"))],
        _ => JSON,
    }
}

/// Does the route read a JSON request body? Every write does but those
/// listed here.
pub fn reads_body(r: &RouteInfo) -> bool {
    match (r.method, r.path) {
        // Ends the session named by the cookie; there is nothing to send.
        ("POST", "/api/v1/logout") => false,
        (m, _) => matches!(m, "POST" | "PATCH" | "PUT"),
    }
}

/// The query parameters a route reads (unknown ones are refused with
/// `invalid_parameter`).
fn query_params(r: &RouteInfo) -> Vec<(&'static str, bool, Value)> {
    let id = || json!({"type": "string"});
    let cursor = || json!({"type": "string"});
    match (r.method, r.path) {
        ("GET", "/api/v1/audit") => vec![
            ("cursor", false, cursor()),
            ("limit", false, json!({"type": "integer"})),
        ],
        ("GET", "/api/v1/admin/jobs") => vec![
            (
                "state",
                false,
                json!({"type": "string", "enum": ["ready", "running", "done", "dead"]}),
            ),
            ("limit", false, json!({"type": "integer"})),
        ],
        ("GET", "/api/v1/models") => vec![("org_id", false, id())],
        ("GET", "/api/v1/models/export" | "/api/v1/grants/terms") => {
            vec![("org_id", true, id())]
        }
        ("GET", "/api/v1/assessments" | "/api/v1/grants" | "/api/v1/partners") => {
            vec![("model_id", false, id())]
        }
        ("GET", "/api/v1/vulns") => vec![
            ("q", false, json!({"type": "string", "maxLength": 500})),
            ("cursor", false, cursor()),
            (
                "limit",
                false,
                json!({"type": "integer", "minimum": 1, "maximum": 500}),
            ),
        ],
        ("GET", "/api/v1/vulns/changes") => vec![
            (
                "cursor",
                false,
                json!({"type": "string", "pattern": "^[0-9]*$"}),
            ),
            (
                "limit",
                false,
                json!({"type": "integer", "minimum": 1, "maximum": 5000}),
            ),
        ],
        ("POST", "/api/v1/osv/querybatch" | "/v1/querybatch") => {
            vec![("full", false, json!({"type": "boolean"}))]
        }
        _ => Vec::new(),
    }
}

fn description(status: u16) -> &'static str {
    match status {
        201 => "Created",
        204 => "No content",
        _ => "OK",
    }
}

pub const DOCS_HTML: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Levee API</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
.op{border:1px solid #ddd;border-radius:4px;margin:.4rem 0;padding:.4rem .6rem}
.m{display:inline-block;min-width:4.5rem;font-weight:bold}.GET{color:#06c}.POST{color:#080}.PATCH{color:#a60}.DELETE{color:#c00}
code{background:#f3f3f3;padding:0 .2rem}
</style></head><body>
<h1>Levee API</h1>
<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1). Errors are <code>application/problem+json</code> with a stable <code>code</code>.</p>
<div id="ops">Loading…</div>
<h2>Problem codes</h2><ul id="codes"></ul>
<script>
fetch('/api/v1/openapi.json').then(r=>r.json()).then(doc=>{
  const ops=document.getElementById('ops');ops.textContent='';
  for(const [path,item] of Object.entries(doc.paths)){
    for(const [m,op] of Object.entries(item)){
      const d=document.createElement('div');d.className='op';
      const s=document.createElement('span');s.className='m '+m.toUpperCase();s.textContent=m.toUpperCase();
      const c=document.createElement('code');c.textContent=path;
      const t=document.createElement('div');t.textContent=op.summary+(op.security?' (authenticated)':'');
      d.append(s,c,t);ops.append(d);
    }
  }
  const ul=document.getElementById('codes');
  for(const c of doc.components.schemas.Problem.properties.code.enum){const li=document.createElement('li');li.textContent=c;ul.append(li);}
});
</script></body></html>"#;
