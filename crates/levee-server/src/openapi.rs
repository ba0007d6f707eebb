//! The OpenAPI 3.1 document, generated from the route table and the problem
//! codes, and an offline documentation page (no CDN: plain HTML and a few
//! lines of script that render the document).

use serde_json::{json, Map, Value};

use crate::error::CODES;
use crate::routes::ROUTES;

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
                "200": {"description": "OK", "content": {"application/json": {}}},
                "default": {"description": "A problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            }
        });
        if r.auth {
            op["security"] = json!([{"bearer": []}, {"session": []}]);
        }
        if r.idempotent {
            if let Some(p) = op["parameters"].as_array_mut() {
                p.push(json!({"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "maxLength": 255},
                    "description": "A retry with the same key and body returns the first response; the same key with another body answers 422."}));
            }
        }
        if matches!(r.method, "POST" | "PATCH" | "PUT") {
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
