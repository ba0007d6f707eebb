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
        if let Some(name) = request_body(r) {
            op["requestBody"] = json!({
                "required": true,
                "content": {"application/json": {"schema": schema_ref(name)}}
            });
        }
        if let Some(obj) = entry.as_object_mut() {
            obj.insert(r.method.to_lowercase(), op);
        }
    }
    let mut schemas = Map::new();
    schemas.insert("Problem".into(), problem_schema());
    for (name, schema) in body_schemas() {
        schemas.insert(name.into(), schema);
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
            "schemas": schemas
        }
    })
}

fn problem_schema() -> Value {
    json!({
        "type": "object",
        "required": ["type", "title", "status", "code"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "code": {"type": "string", "enum": CODES.iter().map(|(c, _, _)| *c).collect::<Vec<_>>()}
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

/// The JSON body a route reads: the name of the struct its handler
/// deserializes, whose schema is in [`body_schemas`]. Every write reads
/// one but `POST /api/v1/logout` (it ends the session named by the
/// cookie; there is nothing to send).
pub fn request_body(r: &RouteInfo) -> Option<&'static str> {
    Some(match (r.method, r.path) {
        ("POST", "/api/v1/login") => "Login",
        ("POST", "/api/v1/me/password") => "SetPassword",
        ("POST", "/api/v1/me/totp") => "EnrolTotp",
        ("POST", "/api/v1/orgs") => "CreateOrg",
        ("PATCH", "/api/v1/orgs/{id}") => "PatchOrg",
        ("POST", "/api/v1/orgs/{id}/members") => "AddMember",
        ("POST", "/api/v1/orgs/{id}/delegations") => "AddDelegation",
        ("POST", "/api/v1/orgs/{id}/tokens") => "CreateToken",
        ("POST", "/api/v1/admin/jobs") => "EnqueueJob",
        ("POST", "/api/v1/models") => "CreateModel",
        ("PATCH", "/api/v1/models/{id}") => "PatchModel",
        ("POST", "/api/v1/models/{id}/opt-in" | "/api/v1/models/{id}/opt-out") => "ConsentBody",
        ("POST", "/api/v1/assessments") => "CreateAssessment",
        ("POST", "/api/v1/assessments/{id}/runs") => "CreateRun",
        ("POST", "/api/v1/assessments/{id}/designation") => "Designate",
        ("POST", "/api/v1/grants") => "CreateGrant",
        ("POST", "/api/v1/grants/terms") => "PublishTerms",
        ("PUT", "/api/v1/grants/policy") => "Policy",
        ("POST", "/api/v1/grants/{id}/revoke") => "RevokeBody",
        ("POST", "/api/v1/grants/{id}/accept") => "AcceptBody",
        ("POST", "/api/v1/grants/{id}/token") => "TokenBody",
        ("POST", "/api/v1/partners") => "Nominate",
        ("POST", "/api/v1/partners/{id}/decision") => "Decision",
        ("POST", "/api/v1/osv/query" | "/v1/query") => "OsvQuery",
        ("POST", "/api/v1/osv/querybatch" | "/v1/querybatch") => "OsvBatch",
        _ => return None,
    })
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// A closed object: every request struct is `#[serde(deny_unknown_fields)]`
/// (an unknown field is refused with `unknown_field`), so no other
/// property is allowed. `required`: the fields that are neither `Option`
/// nor `#[serde(default)]`.
fn object(props: &[(&str, Value)], required: &[&str]) -> Value {
    let properties: Map<String, Value> = props
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    })
}

/// The wire names of a [`levee_model`] string enum.
fn names<T: Copy + Into<&'static str>>(all: &[T]) -> Vec<&'static str> {
    all.iter().map(|v| (*v).into()).collect()
}

/// The schema of every JSON request body, and of the objects nested in
/// one, by the name of the Rust struct its handler deserializes: the one
/// place they are written, by hand (schemars is not a dependency; these
/// are few and flat). The fixed sets come from the enums and constants the
/// handlers check. The test
/// `documented_request_body_schemas_are_the_body_structs`
/// (tests/authz_table.rs) asks the router for each struct's fields and
/// required fields, so a field added to a struct and not here fails it.
pub fn body_schemas() -> Vec<(&'static str, Value)> {
    use crate::frontier::{MAX_WINDOW_DAYS_LIMIT, TERMS_KINDS};
    use crate::routes::frontier::{AUDIENCES, DECISIONS, MODALITIES, PARTNER_CATEGORIES};
    use levee_model::{Capability, OrgRole, OrgSize, Sector};

    let string = || json!({"type": "string"});
    let text = |d: &str| json!({"type": "string", "description": d});
    let id = |d: &str| json!({"type": "string", "description": format!("The id of {d}")});
    let time = || json!({"type": "string", "format": "date-time"});
    let one_of = |v: Vec<&str>| json!({"type": "string", "enum": v});
    let list = |items: Value| json!({"type": "array", "items": items});
    let boolean = || json!({"type": "boolean"});
    let capabilities = || {
        json!({"type": "array", "items": one_of(names(Capability::ALL)),
               "minItems": 1, "uniqueItems": true,
               "description": "What the organization does (`evaluator` excludes `model_developer`)"})
    };
    let contacts = || list(schema_ref("Contact"));
    vec![
        // ----- identity -----
        (
            "Login",
            object(
                &[
                    ("email", string()),
                    ("password", string()),
                    (
                        "totp",
                        text("The current TOTP code, once a second factor is enrolled"),
                    ),
                ],
                &["email", "password"],
            ),
        ),
        (
            "SetPassword",
            object(
                &[
                    ("new_password", string()),
                    ("current_password", text("Required once a password is set")),
                ],
                &["new_password"],
            ),
        ),
        (
            "EnrolTotp",
            object(
                &[
                    ("secret", text("The secret answered by `{}`, to confirm")),
                    ("code", text("A current code from that secret, to confirm")),
                    (
                        "current_password",
                        text("Required to confirm once a password is set"),
                    ),
                ],
                &[],
            ),
        ),
        (
            "CreateOrg",
            object(
                &[
                    ("name", string()),
                    ("capabilities", capabilities()),
                    ("sector", one_of(names(Sector::ALL))),
                    ("size", one_of(names(OrgSize::ALL))),
                    ("rural", boolean()),
                    ("contacts", contacts()),
                ],
                &["name", "capabilities"],
            ),
        ),
        (
            "PatchOrg",
            object(
                &[
                    ("name", string()),
                    ("capabilities", capabilities()),
                    ("sector", one_of(names(Sector::ALL))),
                    ("size", one_of(names(OrgSize::ALL))),
                    ("rural", boolean()),
                    ("contacts", contacts()),
                ],
                &[],
            ),
        ),
        (
            "Contact",
            object(
                &[
                    ("name", string()),
                    ("email", string()),
                    ("phone", string()),
                    ("role", string()),
                ],
                &[],
            ),
        ),
        (
            "AddMember",
            object(
                &[
                    ("email", string()),
                    ("name", string()),
                    ("role", one_of(names(OrgRole::ALL))),
                ],
                &["email", "role"],
            ),
        ),
        (
            "AddDelegation",
            object(
                &[("manager_org_id", id("the managing organization"))],
                &["manager_org_id"],
            ),
        ),
        (
            "CreateToken",
            object(
                &[
                    ("name", string()),
                    (
                        "scopes",
                        json!({"type": "array", "minItems": 1,
                               "items": one_of(vec![crate::authz::SCOPE_READ, crate::authz::SCOPE_WRITE]),
                               "description": "Default: read and write"}),
                    ),
                    (
                        "expires_in_days",
                        json!({"type": "integer", "description": "Days until expiry, 1 to 366; default 90"}),
                    ),
                ],
                &["name"],
            ),
        ),
        (
            "EnqueueJob",
            object(
                &[
                    ("kind", one_of(crate::worker::MANUAL_KINDS.to_vec())),
                    (
                        "payload",
                        json!({"type": "object", "description": "The job's parameters; default `{}`"}),
                    ),
                    ("dedup_key", string()),
                    (
                        "max_attempts",
                        json!({"type": "integer", "description": "1 to 100"}),
                    ),
                ],
                &["kind"],
            ),
        ),
        // ----- the frontier-model framework -----
        (
            "CreateModel",
            object(
                &[
                    ("org_id", id("the developer organization")),
                    ("name", string()),
                    ("version", string()),
                    ("modality", one_of(MODALITIES.to_vec())),
                    ("planned_release_at", time()),
                    (
                        "opt_in",
                        json!({"type": "boolean", "description": "Default false"}),
                    ),
                ],
                &[
                    "org_id",
                    "name",
                    "version",
                    "modality",
                    "planned_release_at",
                ],
            ),
        ),
        (
            "PatchModel",
            object(
                &[
                    ("modality", one_of(MODALITIES.to_vec())),
                    ("planned_release_at", time()),
                    ("released_at", time()),
                ],
                &[],
            ),
        ),
        ("ConsentBody", object(&[("reason", string())], &[])),
        (
            "CreateAssessment",
            object(
                &[
                    ("model_id", string()),
                    ("evaluator_org_id", string()),
                    (
                        "commitment",
                        json!({"type": "string", "pattern": "^sha256:[0-9a-f]{64}$",
                               "description": "The threshold commitment (see `levee grant commit`); the server never takes the threshold itself"}),
                    ),
                    ("sealed_threshold", schema_ref("SealedThreshold")),
                ],
                &["model_id", "evaluator_org_id", "commitment"],
            ),
        ),
        (
            "SealedThreshold",
            object(
                &[
                    ("alg", string()),
                    ("recipients", list(text("A key id"))),
                    ("ciphertext", text("base64url, at most 64 KiB")),
                ],
                &["alg", "recipients", "ciphertext"],
            ),
        ),
        (
            "CreateRun",
            object(
                &[
                    ("suite", string()),
                    ("version", string()),
                    ("tasks", list(schema_ref("TaskScore"))),
                ],
                &["suite", "version", "tasks"],
            ),
        ),
        (
            "TaskScore",
            object(
                &[
                    ("task", string()),
                    ("score", json!({"type": "number"})),
                    ("classified", boolean()),
                ],
                &["task", "score", "classified"],
            ),
        ),
        ("Designate", object(&[("covered", boolean())], &["covered"])),
        (
            "PublishTerms",
            object(
                &[
                    ("org_id", id("the developer organization")),
                    ("kind", one_of(TERMS_KINDS.to_vec())),
                    ("version", string()),
                    ("title", string()),
                    ("body", string()),
                ],
                &["org_id", "kind", "version", "title", "body"],
            ),
        ),
        (
            "CreateGrant",
            object(
                &[
                    ("model_id", string()),
                    ("audience", one_of(AUDIENCES.to_vec())),
                    ("org_ids", list(string())),
                    ("starts_at", time()),
                    ("ends_at", time()),
                    ("terms", list(schema_ref("TermsRef"))),
                ],
                &[
                    "model_id",
                    "audience",
                    "org_ids",
                    "starts_at",
                    "ends_at",
                    "terms",
                ],
            ),
        ),
        (
            "TermsRef",
            object(
                &[
                    ("kind", one_of(TERMS_KINDS.to_vec())),
                    ("version", string()),
                ],
                &["kind", "version"],
            ),
        ),
        (
            "Policy",
            object(
                &[(
                    "max_window_days",
                    json!({"type": "integer", "minimum": 1, "maximum": MAX_WINDOW_DAYS_LIMIT}),
                )],
                &["max_window_days"],
            ),
        ),
        ("RevokeBody", object(&[("reason", string())], &[])),
        (
            "AcceptBody",
            object(
                &[
                    ("org_id", id("the grantee organization accepting")),
                    ("terms", list(schema_ref("TermsRef"))),
                ],
                &["org_id", "terms"],
            ),
        ),
        (
            "TokenBody",
            object(&[("org_id", id("the grantee organization"))], &["org_id"]),
        ),
        (
            "Nominate",
            object(
                &[
                    ("model_id", string()),
                    ("org_id", id("the nominated partner organization")),
                    ("category", one_of(PARTNER_CATEGORIES.to_vec())),
                    ("note", string()),
                ],
                &["model_id", "org_id", "category"],
            ),
        ),
        (
            "Decision",
            object(
                &[
                    ("org_id", id("the government organization deciding")),
                    ("decision", one_of(DECISIONS.to_vec())),
                    ("reason", string()),
                ],
                &["org_id", "decision"],
            ),
        ),
        // ----- knowledge base: osv.dev's query API -----
        (
            "OsvQuery",
            object(
                &[
                    ("package", schema_ref("OsvPackage")),
                    ("version", string()),
                    ("commit", string()),
                    ("page_token", string()),
                ],
                &[],
            ),
        ),
        (
            "OsvPackage",
            object(
                &[
                    ("name", string()),
                    ("ecosystem", string()),
                    ("purl", string()),
                ],
                &[],
            ),
        ),
        (
            "OsvBatch",
            object(
                &[(
                    "queries",
                    json!({"type": "array", "items": schema_ref("OsvQuery"),
                           "maxItems": crate::routes::vulns::MAX_BATCH_QUERIES}),
                )],
                &["queries"],
            ),
        ),
    ]
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                    out.push(r.to_string());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }

    /// Every `$ref` resolves, every schema is used, and each body schema is
    /// a well-formed closed object: every property typed (or a reference),
    /// `required` naming properties, enums of strings.
    #[test]
    fn body_schemas_are_well_formed_and_referenced() {
        let doc = document();
        let mut found = Vec::new();
        refs(&doc, &mut found);
        for r in &found {
            let ptr = r.strip_prefix('#').unwrap_or("no local reference");
            assert!(doc.pointer(ptr).is_some(), "{r} does not resolve");
        }
        let used: BTreeSet<&str> = found
            .iter()
            .filter_map(|r| r.strip_prefix("#/components/schemas/"))
            .collect();
        let schemas = body_schemas();
        let names: BTreeSet<&str> = schemas.iter().map(|(n, _)| *n).collect();
        assert_eq!(names.len(), schemas.len(), "a schema name is listed twice");
        for (name, s) in &schemas {
            assert!(used.contains(name), "{name} is not used");
            assert_eq!(s["type"], "object", "{name}");
            assert_eq!(s["additionalProperties"], false, "{name}");
            let props = s["properties"].as_object().expect("properties");
            assert!(!props.is_empty(), "{name}");
            for (k, p) in props {
                assert!(
                    p["type"].is_string() || p["$ref"].is_string(),
                    "{name}.{k} has no type"
                );
                for e in p["enum"]
                    .as_array()
                    .into_iter()
                    .chain(p["items"]["enum"].as_array())
                    .flatten()
                {
                    assert!(e.is_string(), "{name}.{k}: {e}");
                }
            }
            for r in s["required"].as_array().expect("required") {
                let r = r.as_str().unwrap_or("");
                assert!(props.contains_key(r), "{name} requires unknown {r}");
            }
        }
        let mut with_body = 0;
        for r in ROUTES {
            if let Some(name) = request_body(r) {
                assert!(names.contains(name), "{} {}: {name}", r.method, r.path);
                with_body += 1;
            }
        }
        assert!(with_body > 20, "{with_body}");
    }
}
