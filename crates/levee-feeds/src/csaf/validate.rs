//! CSAF 2.0 validation: the structural JSON-schema checks (required fields,
//! types, enums, patterns) and the mandatory tests 6.1.1 – 6.1.33.
//!
//! The CSAF JSON schema itself is not embedded (it is OASIS material kept
//! outside the repository); the checks below are written from it for the
//! fields this crate reads. 6.1.11 (CWE) needs a CWE catalogue, passed in
//! [`ValidateOptions::cwe_names`]; without one it is reported as skipped.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use levee_formats::Timestamp;
use levee_versions::{PackageUrl, Version, VersionScheme};

/// One failed check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `schema` or a mandatory test id (`6.1.1`, `6.1.27.9`, ...).
    pub test: &'static str,
    /// JSON path (`/vulnerabilities/0/product_status/fixed/1`).
    pub path: String,
    /// Message.
    pub message: String,
}

/// Validation result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Every failed check.
    pub findings: Vec<Finding>,
    /// Tests not run, with the reason.
    pub skipped: Vec<(&'static str, &'static str)>,
}

impl Report {
    /// No finding at all.
    pub fn is_valid(&self) -> bool {
        self.findings.is_empty()
    }

    /// The distinct failed test ids, sorted.
    pub fn failed_tests(&self) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = self.findings.iter().map(|f| f.test).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// Options.
#[derive(Debug, Clone, Default)]
pub struct ValidateOptions {
    /// CWE id (number) → name, for 6.1.11.
    pub cwe_names: Option<HashMap<u32, String>>,
}

/// Every mandatory test this module implements.
pub const MANDATORY_TESTS: &[&str] = &[
    "6.1.1",
    "6.1.2",
    "6.1.3",
    "6.1.4",
    "6.1.5",
    "6.1.6",
    "6.1.7",
    "6.1.8",
    "6.1.9",
    "6.1.10",
    "6.1.11",
    "6.1.12",
    "6.1.13",
    "6.1.14",
    "6.1.15",
    "6.1.16",
    "6.1.17",
    "6.1.18",
    "6.1.19",
    "6.1.20",
    "6.1.21",
    "6.1.22",
    "6.1.23",
    "6.1.24",
    "6.1.25",
    "6.1.26",
    "6.1.27.1",
    "6.1.27.2",
    "6.1.27.3",
    "6.1.27.4",
    "6.1.27.5",
    "6.1.27.6",
    "6.1.27.7",
    "6.1.27.8",
    "6.1.27.9",
    "6.1.27.10",
    "6.1.27.11",
    "6.1.28",
    "6.1.29",
    "6.1.30",
    "6.1.31",
    "6.1.32",
    "6.1.33",
];

struct Ctx<'a> {
    doc: &'a Value,
    out: Vec<Finding>,
    opts: &'a ValidateOptions,
}

impl Ctx<'_> {
    fn fail(&mut self, test: &'static str, path: impl Into<String>, msg: impl Into<String>) {
        self.out.push(Finding {
            test,
            path: path.into(),
            message: msg.into(),
        });
    }
}

fn arr(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn st<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

/// Validate a CSAF 2.0 document.
pub fn validate(doc: &Value, opts: &ValidateOptions) -> Report {
    let mut c = Ctx {
        doc,
        out: Vec::new(),
        opts,
    };
    schema(&mut c);
    if !c.out.is_empty() && doc.get("document").is_none_or(|d| !d.is_object()) {
        return Report {
            findings: c.out,
            skipped: Vec::new(),
        };
    }
    let defs = product_defs(doc);
    let groups = group_defs(doc);
    t_1_to_5(&mut c, &defs, &groups);
    t_6_7(&mut c);
    t_cvss(&mut c);
    t_11_to_13(&mut c, &defs);
    t_revisions(&mut c);
    t_23_to_25(&mut c, &defs);
    t_26_27(&mut c, &groups);
    t_28_to_33(&mut c, &groups);
    let mut skipped = Vec::new();
    if opts.cwe_names.is_none() {
        skipped.push((
            "6.1.11",
            "no CWE catalogue given (ValidateOptions::cwe_names)",
        ));
    }
    Report {
        findings: c.out,
        skipped,
    }
}

// ------------------------------------------------------------------ schema

const PUBLISHER_CATEGORIES: &[&str] = &[
    "coordinator",
    "discoverer",
    "other",
    "translator",
    "user",
    "vendor",
];
const STATUSES: &[&str] = &["draft", "final", "interim"];
const TLP: &[&str] = &["AMBER", "GREEN", "RED", "WHITE"];
const NOTE_CATEGORIES: &[&str] = &[
    "description",
    "details",
    "faq",
    "general",
    "legal_disclaimer",
    "other",
    "summary",
];
const BRANCH_CATEGORIES: &[&str] = &[
    "architecture",
    "host_name",
    "language",
    "legacy",
    "patch_level",
    "product_family",
    "product_name",
    "product_version",
    "product_version_range",
    "service_pack",
    "specification",
    "vendor",
];
const REL_CATEGORIES: &[&str] = &[
    "default_component_of",
    "external_component_of",
    "installed_on",
    "installed_with",
    "optional_component_of",
];
/// Product status groups of a vulnerability.
pub const PRODUCT_STATUS: &[&str] = &[
    "first_affected",
    "first_fixed",
    "fixed",
    "known_affected",
    "known_not_affected",
    "last_affected",
    "recommended",
    "under_investigation",
];
const REMEDIATIONS: &[&str] = &[
    "mitigation",
    "no_fix_planned",
    "none_available",
    "vendor_fix",
    "workaround",
];
const FLAGS: &[&str] = &[
    "component_not_present",
    "inline_mitigations_already_exist",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_not_present",
];
const THREATS: &[&str] = &["exploit_status", "impact", "target_set"];
const PARTIES: &[&str] = &["coordinator", "discoverer", "other", "user", "vendor"];
const INV_STATUS: &[&str] = &[
    "completed",
    "contact_attempted",
    "disputed",
    "in_progress",
    "not_contacted",
    "open",
];

fn need_str(c: &mut Ctx, v: &Value, k: &str, path: &str) -> Option<String> {
    match v.get(k) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::String(_)) => {
            c.fail("schema", format!("{path}/{k}"), "empty string");
            None
        }
        Some(_) => {
            c.fail("schema", format!("{path}/{k}"), "expected a string");
            None
        }
        None => {
            c.fail(
                "schema",
                path.to_string(),
                format!("required property `{k}` missing"),
            );
            None
        }
    }
}

fn opt_enum(c: &mut Ctx, v: &Value, k: &str, path: &str, allowed: &[&str], required: bool) {
    match v.get(k) {
        None if required => c.fail(
            "schema",
            path.to_string(),
            format!("required property `{k}` missing"),
        ),
        None => {}
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => {}
        Some(x) => c.fail(
            "schema",
            format!("{path}/{k}"),
            format!("{x} is not one of {allowed:?}"),
        ),
    }
}

fn date_time(c: &mut Ctx, v: &Value, k: &str, path: &str, required: bool) {
    match v.get(k) {
        None if required => c.fail(
            "schema",
            path.to_string(),
            format!("required property `{k}` missing"),
        ),
        None => {}
        Some(Value::String(s)) if Timestamp::parse(s).is_ok() => {}
        Some(x) => c.fail(
            "schema",
            format!("{path}/{k}"),
            format!("{x} is not an RFC 3339 date-time"),
        ),
    }
}

fn list<'a>(c: &mut Ctx, v: &'a Value, k: &str, path: &str, min: usize) -> &'a [Value] {
    match v.get(k) {
        None => &[],
        Some(Value::Array(a)) => {
            if a.len() < min {
                c.fail(
                    "schema",
                    format!("{path}/{k}"),
                    format!("needs at least {min} item(s)"),
                );
            }
            a
        }
        Some(_) => {
            c.fail("schema", format!("{path}/{k}"), "expected an array");
            &[]
        }
    }
}

fn id_list(c: &mut Ctx, v: &Value, k: &str, path: &str, min: usize) {
    for (i, x) in list(c, v, k, path, min).iter().enumerate() {
        if x.as_str().is_none_or(|s| s.is_empty()) {
            c.fail(
                "schema",
                format!("{path}/{k}/{i}"),
                "expected a non-empty string",
            );
        }
    }
}

/// Integer or semantic version (`^(0|[1-9][0-9]*)$` or SemVer 2.0).
pub fn is_version(s: &str) -> bool {
    is_int_version(s) || is_semver(s)
}

fn is_int_version(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

fn is_semver(s: &str) -> bool {
    let core = s.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| is_int_version(p))
        && Version::parse(VersionScheme::SemVer, s).is_ok()
}

fn schema(c: &mut Ctx) {
    let doc = c.doc;
    let Some(top) = doc.as_object() else {
        c.fail("schema", "", "the document is not a JSON object");
        return;
    };
    for k in top.keys() {
        if !matches!(
            k.as_str(),
            "$schema" | "document" | "product_tree" | "vulnerabilities"
        ) {
            c.fail("schema", "", format!("additional property `{k}`"));
        }
    }
    let Some(d) = doc.get("document").filter(|d| d.is_object()) else {
        c.fail(
            "schema",
            "",
            "required property `document` missing or not an object",
        );
        return;
    };
    let p = "/document";
    need_str(c, d, "category", p);
    match d.get("csaf_version") {
        Some(Value::String(v)) if v == "2.0" => {}
        _ => c.fail(
            "schema",
            format!("{p}/csaf_version"),
            "csaf_version must be \"2.0\"",
        ),
    }
    need_str(c, d, "title", p);
    match d.get("publisher") {
        Some(pb) if pb.is_object() => {
            opt_enum(
                c,
                pb,
                "category",
                "/document/publisher",
                PUBLISHER_CATEGORIES,
                true,
            );
            need_str(c, pb, "name", "/document/publisher");
            need_str(c, pb, "namespace", "/document/publisher");
        }
        _ => c.fail(
            "schema",
            p,
            "required property `publisher` missing or not an object",
        ),
    }
    match d.get("tracking") {
        Some(t) if t.is_object() => {
            let tp = "/document/tracking";
            need_str(c, t, "id", tp);
            date_time(c, t, "current_release_date", tp, true);
            date_time(c, t, "initial_release_date", tp, true);
            opt_enum(c, t, "status", tp, STATUSES, true);
            if let Some(v) = need_str(c, t, "version", tp) {
                if !is_version(&v) {
                    c.fail(
                        "schema",
                        format!("{tp}/version"),
                        format!("{v:?} is neither an integer nor a semantic version"),
                    );
                }
            }
            match t.get("revision_history") {
                Some(Value::Array(a)) if !a.is_empty() => {
                    for (i, r) in a.iter().enumerate() {
                        let rp = format!("{tp}/revision_history/{i}");
                        date_time(c, r, "date", &rp, true);
                        need_str(c, r, "summary", &rp);
                        if let Some(n) = need_str(c, r, "number", &rp) {
                            if !is_version(&n) {
                                c.fail(
                                    "schema",
                                    format!("{rp}/number"),
                                    format!("{n:?} is not a version"),
                                );
                            }
                        }
                    }
                }
                _ => c.fail("schema", tp, "`revision_history` must be a non-empty array"),
            }
        }
        _ => c.fail(
            "schema",
            p,
            "required property `tracking` missing or not an object",
        ),
    }
    if let Some(dist) = d.get("distribution") {
        if let Some(tlp) = dist.get("tlp") {
            opt_enum(c, tlp, "label", "/document/distribution/tlp", TLP, true);
        }
    }
    for (i, n) in list(c, d, "notes", p, 1).iter().enumerate() {
        let np = format!("{p}/notes/{i}");
        opt_enum(c, n, "category", &np, NOTE_CATEGORIES, true);
        need_str(c, n, "text", &np);
    }
    for (i, r) in list(c, d, "references", p, 1).iter().enumerate() {
        let rp = format!("{p}/references/{i}");
        need_str(c, r, "url", &rp);
        need_str(c, r, "summary", &rp);
        opt_enum(c, r, "category", &rp, &["external", "self"], false);
    }
    if let Some(pt) = doc.get("product_tree") {
        let pp = "/product_tree";
        for (i, b) in list(c, pt, "branches", pp, 1).iter().enumerate() {
            branch_schema(c, b, &format!("{pp}/branches/{i}"), 0);
        }
        for (i, f) in list(c, pt, "full_product_names", pp, 1).iter().enumerate() {
            fpn_schema(c, f, &format!("{pp}/full_product_names/{i}"));
        }
        for (i, r) in list(c, pt, "relationships", pp, 1).iter().enumerate() {
            let rp = format!("{pp}/relationships/{i}");
            opt_enum(c, r, "category", &rp, REL_CATEGORIES, true);
            need_str(c, r, "product_reference", &rp);
            need_str(c, r, "relates_to_product_reference", &rp);
            match r.get("full_product_name") {
                Some(f) => fpn_schema(c, f, &format!("{rp}/full_product_name")),
                None => c.fail(
                    "schema",
                    rp,
                    "required property `full_product_name` missing",
                ),
            }
        }
        for (i, g) in list(c, pt, "product_groups", pp, 1).iter().enumerate() {
            let gp = format!("{pp}/product_groups/{i}");
            need_str(c, g, "group_id", &gp);
            if g.get("product_ids").is_none() {
                c.fail(
                    "schema",
                    gp.clone(),
                    "required property `product_ids` missing",
                );
            }
            id_list(c, g, "product_ids", &gp, 2);
        }
    }
    for (vi, v) in list(c, doc, "vulnerabilities", "", 1).iter().enumerate() {
        let vp = format!("/vulnerabilities/{vi}");
        if !v.is_object() {
            c.fail("schema", vp, "expected an object");
            continue;
        }
        if let Some(cve) = v.get("cve") {
            let ok = cve.as_str().is_some_and(levee_formats::group::is_cve);
            if !ok {
                c.fail(
                    "schema",
                    format!("{vp}/cve"),
                    format!("{cve} does not match ^CVE-[0-9]{{4}}-[0-9]{{4,}}$"),
                );
            }
        }
        if let Some(cwe) = v.get("cwe") {
            let ok = st(cwe, "id")
                .and_then(|s| s.strip_prefix("CWE-"))
                .is_some_and(|n| {
                    !n.is_empty()
                        && n.len() <= 6
                        && n.bytes().all(|b| b.is_ascii_digit())
                        && !n.starts_with('0')
                });
            if !ok {
                c.fail(
                    "schema",
                    format!("{vp}/cwe/id"),
                    "cwe id must match ^CWE-[1-9]\\d{0,5}$",
                );
            }
            need_str(c, cwe, "name", &format!("{vp}/cwe"));
        }
        if let Some(ps) = v.get("product_status") {
            match ps.as_object() {
                Some(o) => {
                    for k in o.keys() {
                        if !PRODUCT_STATUS.contains(&k.as_str()) {
                            c.fail(
                                "schema",
                                format!("{vp}/product_status"),
                                format!("additional property `{k}`"),
                            );
                        }
                    }
                    for k in PRODUCT_STATUS {
                        id_list(c, ps, k, &format!("{vp}/product_status"), 1);
                    }
                }
                None => c.fail(
                    "schema",
                    format!("{vp}/product_status"),
                    "expected an object",
                ),
            }
        }
        for (i, f) in list(c, v, "flags", &vp, 1).iter().enumerate() {
            let fp = format!("{vp}/flags/{i}");
            opt_enum(c, f, "label", &fp, FLAGS, true);
            id_list(c, f, "product_ids", &fp, 1);
            id_list(c, f, "group_ids", &fp, 1);
        }
        for (i, f) in list(c, v, "involvements", &vp, 1).iter().enumerate() {
            let fp = format!("{vp}/involvements/{i}");
            opt_enum(c, f, "party", &fp, PARTIES, true);
            opt_enum(c, f, "status", &fp, INV_STATUS, true);
        }
        for (i, r) in list(c, v, "remediations", &vp, 1).iter().enumerate() {
            let rp = format!("{vp}/remediations/{i}");
            opt_enum(c, r, "category", &rp, REMEDIATIONS, true);
            need_str(c, r, "details", &rp);
            id_list(c, r, "product_ids", &rp, 1);
            id_list(c, r, "group_ids", &rp, 1);
        }
        for (i, s) in list(c, v, "scores", &vp, 1).iter().enumerate() {
            let sp = format!("{vp}/scores/{i}");
            if s.get("products").is_none() {
                c.fail("schema", sp.clone(), "required property `products` missing");
            }
            id_list(c, s, "products", &sp, 1);
            if s.get("cvss_v2").is_none() && s.get("cvss_v3").is_none() {
                c.fail("schema", sp, "a score needs `cvss_v2` or `cvss_v3`");
            }
        }
        for (i, t) in list(c, v, "threats", &vp, 1).iter().enumerate() {
            let tp = format!("{vp}/threats/{i}");
            opt_enum(c, t, "category", &tp, THREATS, true);
            need_str(c, t, "details", &tp);
        }
        for (i, n) in list(c, v, "notes", &vp, 1).iter().enumerate() {
            let np = format!("{vp}/notes/{i}");
            opt_enum(c, n, "category", &np, NOTE_CATEGORIES, true);
            need_str(c, n, "text", &np);
        }
    }
}

fn fpn_schema(c: &mut Ctx, f: &Value, path: &str) {
    if !f.is_object() {
        c.fail("schema", path.to_string(), "expected an object");
        return;
    }
    need_str(c, f, "name", path);
    need_str(c, f, "product_id", path);
    if let Some(h) = f.get("product_identification_helper") {
        let hp = format!("{path}/product_identification_helper");
        for (i, x) in list(c, h, "hashes", &hp, 1).iter().enumerate() {
            let xp = format!("{hp}/hashes/{i}");
            need_str(c, x, "filename", &xp);
            for (j, fh) in list(c, x, "file_hashes", &xp, 1).iter().enumerate() {
                let fp = format!("{xp}/file_hashes/{j}");
                need_str(c, fh, "algorithm", &fp);
                need_str(c, fh, "value", &fp);
            }
        }
    }
}

fn branch_schema(c: &mut Ctx, b: &Value, path: &str, depth: usize) {
    if depth > 30 {
        c.fail("schema", path.to_string(), "branches nested too deeply");
        return;
    }
    opt_enum(c, b, "category", path, BRANCH_CATEGORIES, true);
    need_str(c, b, "name", path);
    let has_branches = b.get("branches").is_some();
    let has_product = b.get("product").is_some();
    if has_branches == has_product {
        c.fail(
            "schema",
            path.to_string(),
            "a branch needs exactly one of `branches` and `product`",
        );
    }
    for (i, x) in list(c, b, "branches", path, 1).iter().enumerate() {
        branch_schema(c, x, &format!("{path}/branches/{i}"), depth + 1);
    }
    if let Some(p) = b.get("product") {
        fpn_schema(c, p, &format!("{path}/product"));
    }
}

// ------------------------------------------------------------------ helpers

/// One product definition in the product tree.
pub(crate) struct ProductDef {
    pub(crate) id: String,
    /// JSON pointer of its `product_id`.
    pub(crate) path: String,
    /// The full product name object.
    pub(crate) product: Value,
    /// (category, name) of the branch it sits in, for a branch product.
    pub(crate) branch: Option<(String, String)>,
}

/// Every product definition: branch products, `full_product_names`,
/// relationship products, in that order.
pub(crate) fn product_defs(doc: &Value) -> Vec<ProductDef> {
    let mut out = Vec::new();
    fn walk(b: &Value, path: &str, out: &mut Vec<ProductDef>, depth: usize) {
        if depth > 30 {
            return;
        }
        if let Some(p) = b.get("product") {
            if let Some(id) = st(p, "product_id") {
                out.push(ProductDef {
                    id: id.to_string(),
                    path: format!("{path}/product/product_id"),
                    product: p.clone(),
                    branch: st(b, "category")
                        .zip(st(b, "name"))
                        .map(|(c, n)| (c.to_string(), n.to_string())),
                });
            }
        }
        for (i, x) in arr(b.get("branches")).iter().enumerate() {
            walk(x, &format!("{path}/branches/{i}"), out, depth + 1);
        }
    }
    let Some(pt) = doc.get("product_tree") else {
        return out;
    };
    for (i, b) in arr(pt.get("branches")).iter().enumerate() {
        walk(b, &format!("/product_tree/branches/{i}"), &mut out, 0);
    }
    for (i, f) in arr(pt.get("full_product_names")).iter().enumerate() {
        if let Some(id) = st(f, "product_id") {
            out.push(ProductDef {
                id: id.to_string(),
                path: format!("/product_tree/full_product_names/{i}/product_id"),
                product: f.clone(),
                branch: None,
            });
        }
    }
    for (i, r) in arr(pt.get("relationships")).iter().enumerate() {
        if let Some(f) = r.get("full_product_name") {
            if let Some(id) = st(f, "product_id") {
                out.push(ProductDef {
                    id: id.to_string(),
                    path: format!("/product_tree/relationships/{i}/full_product_name/product_id"),
                    product: f.clone(),
                    branch: None,
                });
            }
        }
    }
    out
}

/// group_id → (path, product ids).
fn group_defs(doc: &Value) -> Vec<(String, String, Vec<String>)> {
    let mut out = Vec::new();
    if let Some(pt) = doc.get("product_tree") {
        for (i, g) in arr(pt.get("product_groups")).iter().enumerate() {
            if let Some(id) = st(g, "group_id") {
                let ids = arr(g.get("product_ids"))
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                out.push((
                    id.to_string(),
                    format!("/product_tree/product_groups/{i}/group_id"),
                    ids,
                ));
            }
        }
    }
    out
}

fn ids_at<'a>(v: &'a Value, k: &str) -> impl Iterator<Item = (usize, &'a str)> {
    arr(v.get(k))
        .iter()
        .enumerate()
        .filter_map(|(i, x)| x.as_str().map(|s| (i, s)))
}

fn vulns(doc: &Value) -> &[Value] {
    arr(doc.get("vulnerabilities"))
}

/// Product ids referenced by a flag/remediation/threat, groups expanded.
fn expand(v: &Value, groups: &[(String, String, Vec<String>)]) -> Vec<String> {
    let mut out: Vec<String> = ids_at(v, "product_ids")
        .map(|(_, s)| s.to_string())
        .collect();
    for (_, g) in ids_at(v, "group_ids") {
        for (gid, _, ids) in groups {
            if gid == g {
                out.extend(ids.iter().cloned());
            }
        }
    }
    out
}

// ------------------------------------------------------------------ 6.1.1 - 6.1.5

fn t_1_to_5(c: &mut Ctx, defs: &[ProductDef], groups: &[(String, String, Vec<String>)]) {
    let doc = c.doc;
    let defined: HashSet<&str> = defs.iter().map(|d| d.id.as_str()).collect();
    let mut refs: Vec<(String, String)> = Vec::new();
    if let Some(pt) = doc.get("product_tree") {
        for (i, g) in arr(pt.get("product_groups")).iter().enumerate() {
            for (j, id) in ids_at(g, "product_ids") {
                refs.push((
                    id.to_string(),
                    format!("/product_tree/product_groups/{i}/product_ids/{j}"),
                ));
            }
        }
        for (i, r) in arr(pt.get("relationships")).iter().enumerate() {
            for k in ["product_reference", "relates_to_product_reference"] {
                if let Some(id) = st(r, k) {
                    refs.push((
                        id.to_string(),
                        format!("/product_tree/relationships/{i}/{k}"),
                    ));
                }
            }
        }
    }
    let mut group_refs: Vec<(String, String)> = Vec::new();
    for (vi, v) in vulns(doc).iter().enumerate() {
        if let Some(ps) = v.get("product_status") {
            for k in PRODUCT_STATUS {
                for (j, id) in ids_at(ps, k) {
                    refs.push((
                        id.to_string(),
                        format!("/vulnerabilities/{vi}/product_status/{k}/{j}"),
                    ));
                }
            }
        }
        for (list_k, id_k) in [
            ("remediations", "product_ids"),
            ("threats", "product_ids"),
            ("flags", "product_ids"),
            ("scores", "products"),
        ] {
            for (i, x) in arr(v.get(list_k)).iter().enumerate() {
                for (j, id) in ids_at(x, id_k) {
                    refs.push((
                        id.to_string(),
                        format!("/vulnerabilities/{vi}/{list_k}/{i}/{id_k}/{j}"),
                    ));
                }
                for (j, g) in ids_at(x, "group_ids") {
                    group_refs.push((
                        g.to_string(),
                        format!("/vulnerabilities/{vi}/{list_k}/{i}/group_ids/{j}"),
                    ));
                }
            }
        }
    }
    for (id, path) in refs {
        if !defined.contains(id.as_str()) {
            c.fail(
                "6.1.1",
                path,
                format!("product id {id:?} is not defined in the product tree"),
            );
        }
    }
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for ProductDef { id, path, .. } in defs {
        if let Some(first) = seen.insert(id, path) {
            c.fail(
                "6.1.2",
                path.clone(),
                format!("product id {id:?} already defined at {first}"),
            );
        }
    }
    // 6.1.3: a relationship's product must not be (transitively) defined by itself.
    if let Some(pt) = doc.get("product_tree") {
        let mut edges: HashMap<String, Vec<String>> = HashMap::new();
        for r in arr(pt.get("relationships")) {
            if let Some(id) = r.get("full_product_name").and_then(|f| st(f, "product_id")) {
                let e = edges.entry(id.to_string()).or_default();
                for k in ["product_reference", "relates_to_product_reference"] {
                    if let Some(x) = st(r, k) {
                        e.push(x.to_string());
                    }
                }
            }
        }
        for (i, r) in arr(pt.get("relationships")).iter().enumerate() {
            let Some(id) = r.get("full_product_name").and_then(|f| st(f, "product_id")) else {
                continue;
            };
            // DFS from the references looking for `id`.
            let mut stack: Vec<&str> = edges
                .get(id)
                .map(|v| v.iter().map(String::as_str).collect())
                .unwrap_or_default();
            let mut seen: HashSet<&str> = HashSet::new();
            while let Some(n) = stack.pop() {
                if n == id {
                    c.fail(
                        "6.1.3",
                        format!("/product_tree/relationships/{i}"),
                        format!("product id {id:?} is defined through itself"),
                    );
                    break;
                }
                if seen.insert(n) {
                    if let Some(next) = edges.get(n) {
                        stack.extend(next.iter().map(String::as_str));
                    }
                }
            }
        }
    }
    let gdefined: HashSet<&str> = groups.iter().map(|(g, _, _)| g.as_str()).collect();
    for (g, path) in group_refs {
        if !gdefined.contains(g.as_str()) {
            c.fail(
                "6.1.4",
                path,
                format!("product group id {g:?} is not defined"),
            );
        }
    }
    let mut gseen: HashMap<&str, &str> = HashMap::new();
    for (g, path, _) in groups {
        if let Some(first) = gseen.insert(g, path) {
            c.fail(
                "6.1.5",
                path.clone(),
                format!("product group id {g:?} already defined at {first}"),
            );
        }
    }
}

// ------------------------------------------------------------------ 6.1.6 - 6.1.7

fn t_6_7(c: &mut Ctx) {
    let doc = c.doc;
    for (vi, v) in vulns(doc).iter().enumerate() {
        if let Some(ps) = v.get("product_status") {
            let groups: [(&str, &[&str]); 4] = [
                (
                    "affected",
                    &["first_affected", "known_affected", "last_affected"],
                ),
                ("not affected", &["known_not_affected"]),
                ("fixed", &["first_fixed", "fixed"]),
                ("under investigation", &["under_investigation"]),
            ];
            let mut seen: HashMap<&str, &str> = HashMap::new();
            for (g, keys) in groups {
                let mut in_group: HashSet<&str> = HashSet::new();
                for k in keys {
                    for (_, id) in ids_at(ps, k) {
                        in_group.insert(id);
                    }
                }
                let mut sorted: Vec<&str> = in_group.into_iter().collect();
                sorted.sort_unstable();
                for id in sorted {
                    if let Some(other) = seen.insert(id, g) {
                        c.fail(
                            "6.1.6",
                            format!("/vulnerabilities/{vi}/product_status"),
                            format!("product {id:?} is both {other} and {g}"),
                        );
                    }
                }
            }
        }
        let mut per: HashMap<(String, String), usize> = HashMap::new();
        for s in arr(v.get("scores")) {
            for (_, p) in ids_at(s, "products") {
                if s.get("cvss_v2").is_some() {
                    *per.entry((p.to_string(), "2.0".into())).or_default() += 1;
                }
                if let Some(c3) = s.get("cvss_v3") {
                    let ver = st(c3, "version").unwrap_or("3.x").to_string();
                    *per.entry((p.to_string(), ver)).or_default() += 1;
                }
            }
        }
        let mut dup: Vec<_> = per
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(k, _)| k)
            .collect();
        dup.sort();
        for (p, ver) in dup {
            c.fail(
                "6.1.7",
                format!("/vulnerabilities/{vi}/scores"),
                format!("product {p:?} has several CVSS {ver} scores"),
            );
        }
    }
}

// ------------------------------------------------------------------ 6.1.8 - 6.1.10 (CVSS)

type Metric = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const V3_METRICS: &[Metric] = &[
    (
        "attackVector",
        "AV",
        &[
            ("N", "NETWORK"),
            ("A", "ADJACENT_NETWORK"),
            ("L", "LOCAL"),
            ("P", "PHYSICAL"),
        ],
    ),
    ("attackComplexity", "AC", &[("L", "LOW"), ("H", "HIGH")]),
    (
        "privilegesRequired",
        "PR",
        &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH")],
    ),
    ("userInteraction", "UI", &[("N", "NONE"), ("R", "REQUIRED")]),
    ("scope", "S", &[("U", "UNCHANGED"), ("C", "CHANGED")]),
    (
        "confidentialityImpact",
        "C",
        &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH")],
    ),
    (
        "integrityImpact",
        "I",
        &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH")],
    ),
    (
        "availabilityImpact",
        "A",
        &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH")],
    ),
    (
        "exploitCodeMaturity",
        "E",
        &[
            ("X", "NOT_DEFINED"),
            ("U", "UNPROVEN"),
            ("P", "PROOF_OF_CONCEPT"),
            ("F", "FUNCTIONAL"),
            ("H", "HIGH"),
        ],
    ),
    (
        "remediationLevel",
        "RL",
        &[
            ("X", "NOT_DEFINED"),
            ("O", "OFFICIAL_FIX"),
            ("T", "TEMPORARY_FIX"),
            ("W", "WORKAROUND"),
            ("U", "UNAVAILABLE"),
        ],
    ),
    (
        "reportConfidence",
        "RC",
        &[
            ("X", "NOT_DEFINED"),
            ("U", "UNKNOWN"),
            ("R", "REASONABLE"),
            ("C", "CONFIRMED"),
        ],
    ),
    (
        "confidentialityRequirement",
        "CR",
        &[
            ("X", "NOT_DEFINED"),
            ("L", "LOW"),
            ("M", "MEDIUM"),
            ("H", "HIGH"),
        ],
    ),
    (
        "integrityRequirement",
        "IR",
        &[
            ("X", "NOT_DEFINED"),
            ("L", "LOW"),
            ("M", "MEDIUM"),
            ("H", "HIGH"),
        ],
    ),
    (
        "availabilityRequirement",
        "AR",
        &[
            ("X", "NOT_DEFINED"),
            ("L", "LOW"),
            ("M", "MEDIUM"),
            ("H", "HIGH"),
        ],
    ),
    (
        "modifiedAttackVector",
        "MAV",
        &[
            ("X", "NOT_DEFINED"),
            ("N", "NETWORK"),
            ("A", "ADJACENT_NETWORK"),
            ("L", "LOCAL"),
            ("P", "PHYSICAL"),
        ],
    ),
    (
        "modifiedAttackComplexity",
        "MAC",
        &[("X", "NOT_DEFINED"), ("L", "LOW"), ("H", "HIGH")],
    ),
    (
        "modifiedPrivilegesRequired",
        "MPR",
        &[
            ("X", "NOT_DEFINED"),
            ("N", "NONE"),
            ("L", "LOW"),
            ("H", "HIGH"),
        ],
    ),
    (
        "modifiedUserInteraction",
        "MUI",
        &[("X", "NOT_DEFINED"), ("N", "NONE"), ("R", "REQUIRED")],
    ),
    (
        "modifiedScope",
        "MS",
        &[("X", "NOT_DEFINED"), ("U", "UNCHANGED"), ("C", "CHANGED")],
    ),
    (
        "modifiedConfidentialityImpact",
        "MC",
        &[
            ("X", "NOT_DEFINED"),
            ("N", "NONE"),
            ("L", "LOW"),
            ("H", "HIGH"),
        ],
    ),
    (
        "modifiedIntegrityImpact",
        "MI",
        &[
            ("X", "NOT_DEFINED"),
            ("N", "NONE"),
            ("L", "LOW"),
            ("H", "HIGH"),
        ],
    ),
    (
        "modifiedAvailabilityImpact",
        "MA",
        &[
            ("X", "NOT_DEFINED"),
            ("N", "NONE"),
            ("L", "LOW"),
            ("H", "HIGH"),
        ],
    ),
];

const V2_METRICS: &[Metric] = &[
    (
        "accessVector",
        "AV",
        &[("L", "LOCAL"), ("A", "ADJACENT_NETWORK"), ("N", "NETWORK")],
    ),
    (
        "accessComplexity",
        "AC",
        &[("H", "HIGH"), ("M", "MEDIUM"), ("L", "LOW")],
    ),
    (
        "authentication",
        "Au",
        &[("M", "MULTIPLE"), ("S", "SINGLE"), ("N", "NONE")],
    ),
    (
        "confidentialityImpact",
        "C",
        &[("N", "NONE"), ("P", "PARTIAL"), ("C", "COMPLETE")],
    ),
    (
        "integrityImpact",
        "I",
        &[("N", "NONE"), ("P", "PARTIAL"), ("C", "COMPLETE")],
    ),
    (
        "availabilityImpact",
        "A",
        &[("N", "NONE"), ("P", "PARTIAL"), ("C", "COMPLETE")],
    ),
    (
        "exploitability",
        "E",
        &[
            ("U", "UNPROVEN"),
            ("POC", "PROOF_OF_CONCEPT"),
            ("F", "FUNCTIONAL"),
            ("H", "HIGH"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    (
        "remediationLevel",
        "RL",
        &[
            ("OF", "OFFICIAL_FIX"),
            ("TF", "TEMPORARY_FIX"),
            ("W", "WORKAROUND"),
            ("U", "UNAVAILABLE"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    (
        "reportConfidence",
        "RC",
        &[
            ("UC", "UNCONFIRMED"),
            ("UR", "UNCORROBORATED"),
            ("C", "CONFIRMED"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    (
        "collateralDamagePotential",
        "CDP",
        &[
            ("N", "NONE"),
            ("L", "LOW"),
            ("LM", "LOW_MEDIUM"),
            ("MH", "MEDIUM_HIGH"),
            ("H", "HIGH"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    (
        "targetDistribution",
        "TD",
        &[
            ("N", "NONE"),
            ("L", "LOW"),
            ("M", "MEDIUM"),
            ("H", "HIGH"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    (
        "confidentialityRequirement",
        "CR",
        &[
            ("L", "LOW"),
            ("M", "MEDIUM"),
            ("H", "HIGH"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    (
        "integrityRequirement",
        "IR",
        &[
            ("L", "LOW"),
            ("M", "MEDIUM"),
            ("H", "HIGH"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    (
        "availabilityRequirement",
        "AR",
        &[
            ("L", "LOW"),
            ("M", "MEDIUM"),
            ("H", "HIGH"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
];

const SEVERITIES: &[&str] = &["NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

fn vector_metrics(vector: &str) -> BTreeMap<&str, &str> {
    vector
        .split('/')
        .filter_map(|p| p.split_once(':'))
        .filter(|(k, _)| *k != "CVSS")
        .collect()
}

fn num(v: &Value, k: &str) -> Option<f64> {
    v.get(k).and_then(Value::as_f64)
}

fn tenths(x: f64) -> i64 {
    (x * 10.0).round() as i64
}

fn t_cvss(c: &mut Ctx) {
    let doc = c.doc;
    for (vi, v) in vulns(doc).iter().enumerate() {
        for (si, s) in arr(v.get("scores")).iter().enumerate() {
            for (key, table, v2) in [
                ("cvss_v3", V3_METRICS, false),
                ("cvss_v2", V2_METRICS, true),
            ] {
                let Some(obj) = s.get(key) else {
                    continue;
                };
                let p = format!("/vulnerabilities/{vi}/scores/{si}/{key}");
                cvss_object(c, obj, &p, table, v2);
            }
        }
    }
}

fn cvss_object(c: &mut Ctx, obj: &Value, p: &str, table: &[Metric], v2: bool) {
    // 6.1.8: the FIRST CVSS JSON schema.
    let before = c.out.len();
    let Some(o) = obj.as_object() else {
        c.fail("6.1.8", p.to_string(), "CVSS object is not an object");
        return;
    };
    let mut required = vec!["version", "vectorString", "baseScore"];
    if !v2 {
        required.push("baseSeverity");
    }
    for k in &required {
        if !o.contains_key(*k) {
            c.fail(
                "6.1.8",
                p.to_string(),
                format!("required property `{k}` missing"),
            );
        }
    }
    let version = st(obj, "version").unwrap_or("");
    let vector = st(obj, "vectorString").unwrap_or("");
    let version_ok = if v2 {
        version == "2.0"
    } else {
        version == "3.0" || version == "3.1"
    };
    if o.contains_key("version") && !version_ok {
        c.fail(
            "6.1.8",
            format!("{p}/version"),
            format!("invalid version {version:?}"),
        );
    }
    let parsed = levee_score::parse_cvss(vector);
    let prefix_ok = if v2 {
        !vector.starts_with("CVSS:")
    } else {
        vector.starts_with(&format!("CVSS:{version}/"))
    };
    if o.contains_key("vectorString") && (parsed.is_err() || !prefix_ok) {
        c.fail(
            "6.1.8",
            format!("{p}/vectorString"),
            format!("invalid vector {vector:?}"),
        );
    }
    for k in ["baseScore", "temporalScore", "environmentalScore"] {
        if let Some(x) = o.get(k) {
            if !x.as_f64().is_some_and(|f| (0.0..=10.0).contains(&f)) {
                c.fail(
                    "6.1.8",
                    format!("{p}/{k}"),
                    "score must be a number in 0..10",
                );
            }
        }
    }
    if !v2 {
        for k in ["baseSeverity", "temporalSeverity", "environmentalSeverity"] {
            if let Some(x) = o.get(k) {
                if !x.as_str().is_some_and(|s| SEVERITIES.contains(&s)) {
                    c.fail("6.1.8", format!("{p}/{k}"), "invalid severity");
                }
            }
        }
    }
    for (name, _, values) in table {
        if let Some(x) = o.get(*name) {
            if !x
                .as_str()
                .is_some_and(|s| values.iter().any(|(_, l)| *l == s))
            {
                c.fail(
                    "6.1.8",
                    format!("{p}/{name}"),
                    format!("{x} is not a valid value"),
                );
            }
        }
    }
    for k in o.keys() {
        let known = required.contains(&k.as_str())
            || [
                "temporalScore",
                "environmentalScore",
                "temporalSeverity",
                "environmentalSeverity",
            ]
            .contains(&k.as_str())
            || table.iter().any(|(n, _, _)| n == k);
        if !known {
            c.fail("6.1.8", p.to_string(), format!("additional property `{k}`"));
        }
    }
    if c.out.len() > before {
        return;
    }
    let Ok(cv) = parsed else {
        return;
    };
    // 6.1.9: scores and severities must be the computed ones.
    let sc = cv.scores();
    let base = sc.base;
    let temporal = sc.temporal.unwrap_or(base);
    let env = sc.environmental.unwrap_or(temporal);
    let sev = |s: levee_score::Score| {
        if v2 {
            levee_score::Severity::from_v2_score(s)
        } else {
            levee_score::Severity::from_score(s)
        }
    };
    for (k, want) in [
        ("baseScore", base),
        ("temporalScore", temporal),
        ("environmentalScore", env),
    ] {
        if let Some(x) = num(obj, k) {
            if tenths(x) != i64::from(want.tenths()) {
                c.fail(
                    "6.1.9",
                    format!("{p}/{k}"),
                    format!("{x} but the vector computes {want}"),
                );
            }
        }
    }
    if !v2 {
        for (k, want) in [
            ("baseSeverity", base),
            ("temporalSeverity", temporal),
            ("environmentalSeverity", env),
        ] {
            if let Some(x) = st(obj, k) {
                if x != sev(want).as_str() {
                    c.fail(
                        "6.1.9",
                        format!("{p}/{k}"),
                        format!(
                            "{x} but the computed score {want} is {}",
                            sev(want).as_str()
                        ),
                    );
                }
            }
        }
    }
    // 6.1.10: properties must agree with the vector.
    let m = vector_metrics(vector);
    for (name, abbr, values) in table {
        let Some(given) = st(obj, name) else {
            continue;
        };
        // Only metrics the vector states are compared: an absent temporal
        // or environmental metric leaves the property unconstrained (as the
        // upstream test documents expect).
        let Some(in_vector) = m.get(abbr).copied() else {
            continue;
        };
        let want = values
            .iter()
            .find(|(a, _)| *a == in_vector)
            .map(|(_, l)| *l);
        if want != Some(given) {
            c.fail(
                "6.1.10",
                format!("{p}/{name}"),
                format!("{given} but the vector says {abbr}:{in_vector}"),
            );
        }
    }
}

// ------------------------------------------------------------------ 6.1.11 - 6.1.13

/// ISO 639-1 two-letter language codes (the primary subtags a BCP 47 tag
/// may start with when it has two letters).
const ISO_639_1: &str = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy \
da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is \
it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd \
ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv \
sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu";

/// Is `tag` a well-formed BCP 47 language tag whose two-letter primary
/// language subtag (if two letters) is an ISO 639-1 code?
pub fn valid_language(tag: &str) -> bool {
    let parts: Vec<&str> = tag.split('-').collect();
    let Some(first) = parts.first() else {
        return false;
    };
    let lower = first.to_ascii_lowercase();
    if lower == "x" || lower == "i" {
        return parts.len() > 1
            && parts.iter().skip(1).all(|p| {
                (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric())
            });
    }
    if !(2..=8).contains(&first.len())
        || !first.bytes().all(|b| b.is_ascii_alphabetic())
        || first.len() == 4
    {
        return false;
    }
    if first.len() == 2 && !ISO_639_1.split(' ').any(|c| c == lower) {
        return false;
    }
    parts
        .iter()
        .skip(1)
        .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn t_11_to_13(c: &mut Ctx, defs: &[ProductDef]) {
    let doc = c.doc;
    if let Some(cat) = c.opts.cwe_names.as_ref() {
        let mut fails = Vec::new();
        for (vi, v) in vulns(doc).iter().enumerate() {
            let Some(cwe) = v.get("cwe") else {
                continue;
            };
            let id = st(cwe, "id")
                .and_then(|s| s.strip_prefix("CWE-"))
                .and_then(|n| n.parse::<u32>().ok());
            let name = st(cwe, "name").unwrap_or("");
            match id.and_then(|n| cat.get(&n)) {
                None => fails.push((
                    format!("/vulnerabilities/{vi}/cwe/id"),
                    "unknown CWE id".to_string(),
                )),
                Some(n) if n != name => fails.push((
                    format!("/vulnerabilities/{vi}/cwe/name"),
                    format!("name {name:?} but the CWE is {n:?}"),
                )),
                Some(_) => {}
            }
        }
        for (p, m) in fails {
            c.fail("6.1.11", p, m);
        }
    }
    if let Some(d) = doc.get("document") {
        for k in ["lang", "source_lang"] {
            if let Some(l) = st(d, k) {
                if !valid_language(l) {
                    c.fail(
                        "6.1.12",
                        format!("/document/{k}"),
                        format!("{l:?} is not a valid language tag"),
                    );
                }
            }
        }
    }
    for ProductDef {
        path, product: f, ..
    } in defs
    {
        if let Some(purl) = f
            .get("product_identification_helper")
            .and_then(|h| st(h, "purl"))
        {
            if PackageUrl::parse(purl).is_err() {
                let base = path.trim_end_matches("/product_id");
                c.fail(
                    "6.1.13",
                    format!("{base}/product_identification_helper/purl"),
                    format!("invalid purl {purl:?}"),
                );
            }
        }
    }
}

// ------------------------------------------------------------------ 6.1.14 - 6.1.22 (versions)

#[derive(Clone, Debug)]
enum Ver {
    Int(u64),
    Sem(Box<Version>, String),
}

fn parse_ver(s: &str) -> Option<Ver> {
    if is_int_version(s) {
        s.parse().ok().map(Ver::Int)
    } else if is_semver(s) {
        Version::parse(VersionScheme::SemVer, s.split('+').next().unwrap_or(s))
            .ok()
            .map(|v| Ver::Sem(Box::new(v), s.to_string()))
    } else {
        None
    }
}

fn ver_cmp(a: &Ver, b: &Ver) -> std::cmp::Ordering {
    match (a, b) {
        (Ver::Int(x), Ver::Int(y)) => x.cmp(y),
        (Ver::Sem(x, _), Ver::Sem(y, _)) => x.cmp(y),
        (Ver::Int(_), Ver::Sem(..)) => std::cmp::Ordering::Less,
        (Ver::Sem(..), Ver::Int(_)) => std::cmp::Ordering::Greater,
    }
}

fn major(v: &Ver) -> u64 {
    match v {
        Ver::Int(x) => *x,
        Ver::Sem(_, s) => s
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0),
    }
}

fn has_pre(s: &str) -> bool {
    is_semver(s) && s.split('+').next().unwrap_or(s).contains('-')
}

fn strip_build(s: &str) -> &str {
    s.split('+').next().unwrap_or(s)
}

fn strip_pre(s: &str) -> &str {
    strip_build(s).split('-').next().unwrap_or(s)
}

fn t_revisions(c: &mut Ctx) {
    let Some(t) = c.doc.get("document").and_then(|d| d.get("tracking")) else {
        return;
    };
    let status = st(t, "status").unwrap_or("");
    let version = st(t, "version").unwrap_or("");
    let hist = arr(t.get("revision_history"));
    // (date, number text, parsed, index)
    let mut items: Vec<(i64, u32, String, Option<Ver>, usize)> = Vec::new();
    for (i, r) in hist.iter().enumerate() {
        let (Some(d), Some(n)) = (
            st(r, "date").and_then(|d| Timestamp::parse(d).ok()),
            st(r, "number"),
        ) else {
            continue;
        };
        items.push((
            d.unix_seconds(),
            d.subsec_nanos(),
            n.to_string(),
            parse_ver(n),
            i,
        ));
    }
    let mut by_date = items.clone();
    by_date.sort_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| match (&a.3, &b.3) {
                (Some(x), Some(y)) => ver_cmp(x, y),
                _ => std::cmp::Ordering::Equal,
            })
    });
    // 6.1.14: sorted by date, numbers ascend.
    for w in by_date.windows(2) {
        if let [a, b] = w {
            if let (Some(x), Some(y)) = (&a.3, &b.3) {
                if ver_cmp(x, y) == std::cmp::Ordering::Greater {
                    c.fail(
                        "6.1.14",
                        format!("/document/tracking/revision_history/{}", b.4),
                        format!(
                            "revision {} is dated after revision {} but numbered lower",
                            b.2, a.2
                        ),
                    );
                }
            }
        }
    }
    // 6.1.16: version = number of the latest revision.
    if let Some(last) = by_date.last() {
        let (want, got) = if status == "draft" {
            (strip_pre(&last.2), strip_pre(version))
        } else {
            (strip_build(&last.2), strip_build(version))
        };
        if want != got {
            c.fail(
                "6.1.16",
                "/document/tracking/version",
                format!(
                    "version {version:?} but the latest revision is {:?}",
                    last.2
                ),
            );
        }
    }
    // 6.1.17: version 0, 0.y.z or pre-release → draft.
    let zero = version == "0" || (is_semver(version) && version.starts_with("0."));
    if (zero || has_pre(version)) && status != "draft" {
        c.fail(
            "6.1.17",
            "/document/tracking/status",
            format!("version {version:?} requires status draft, not {status:?}"),
        );
    }
    let released = status == "final" || status == "interim";
    for (i, r) in hist.iter().enumerate() {
        let n = st(r, "number").unwrap_or("");
        if released && (n == "0" || (is_semver(n) && n.starts_with("0."))) {
            c.fail(
                "6.1.18",
                format!("/document/tracking/revision_history/{i}/number"),
                format!("{status} document with revision {n:?}"),
            );
        }
        if has_pre(n) {
            c.fail(
                "6.1.19",
                format!("/document/tracking/revision_history/{i}/number"),
                format!("revision {n:?} has a pre-release part"),
            );
        }
    }
    if released && has_pre(version) {
        c.fail(
            "6.1.20",
            "/document/tracking/version",
            format!("{status} document with pre-release version {version:?}"),
        );
    }
    // 6.1.21: no missing (major) version; starts at 0 or 1.
    let majors: Vec<(u64, usize)> = by_date
        .iter()
        .filter_map(|x| x.3.as_ref().map(|v| (major(v), x.4)))
        .collect();
    if let Some((first, i)) = majors.first() {
        if *first > 1 {
            c.fail(
                "6.1.21",
                format!("/document/tracking/revision_history/{i}/number"),
                format!("revision history starts at {first}, not 0 or 1"),
            );
        }
    }
    for w in majors.windows(2) {
        if let [(a, _), (b, i)] = w {
            if *b > a.saturating_add(1) {
                c.fail(
                    "6.1.21",
                    format!("/document/tracking/revision_history/{i}/number"),
                    format!("revision history jumps from {a} to {b}"),
                );
            }
        }
    }
    // 6.1.22: the same number twice.
    let mut seen: HashSet<&str> = HashSet::new();
    for (i, r) in hist.iter().enumerate() {
        if let Some(n) = st(r, "number") {
            if !seen.insert(n) {
                c.fail(
                    "6.1.22",
                    format!("/document/tracking/revision_history/{i}/number"),
                    format!("revision {n:?} given twice"),
                );
            }
        }
    }
    // 6.1.30: integer and semantic versioning mixed.
    let mut kinds: Vec<(bool, String)> = Vec::new();
    if !version.is_empty() {
        kinds.push((is_int_version(version), "/document/tracking/version".into()));
    }
    for (i, r) in hist.iter().enumerate() {
        if let Some(n) = st(r, "number") {
            kinds.push((
                is_int_version(n),
                format!("/document/tracking/revision_history/{i}/number"),
            ));
        }
    }
    if let Some((k0, _)) = kinds.first() {
        let k0 = *k0;
        for (k, p) in kinds.iter().skip(1) {
            if *k != k0 {
                c.fail("6.1.30", p.clone(), "integer and semantic versioning mixed");
            }
        }
    }
}

// ------------------------------------------------------------------ 6.1.23 - 6.1.25

fn t_23_to_25(c: &mut Ctx, defs: &[ProductDef]) {
    let doc = c.doc;
    let mut cves: HashSet<&str> = HashSet::new();
    for (vi, v) in vulns(doc).iter().enumerate() {
        if let Some(cve) = st(v, "cve") {
            if !cves.insert(cve) {
                c.fail(
                    "6.1.23",
                    format!("/vulnerabilities/{vi}/cve"),
                    format!("{cve} used by two vulnerabilities"),
                );
            }
        }
        let mut inv: HashSet<(String, String)> = HashSet::new();
        for (i, x) in arr(v.get("involvements")).iter().enumerate() {
            let key = (
                st(x, "party").unwrap_or("").to_string(),
                st(x, "date").unwrap_or("").to_string(),
            );
            if !inv.insert(key.clone()) {
                c.fail(
                    "6.1.24",
                    format!("/vulnerabilities/{vi}/involvements/{i}"),
                    format!("involvement of {} at {:?} given twice", key.0, key.1),
                );
            }
        }
    }
    for ProductDef {
        path, product: f, ..
    } in defs
    {
        let base = path.trim_end_matches("/product_id");
        let Some(h) = f.get("product_identification_helper") else {
            continue;
        };
        for (i, x) in arr(h.get("hashes")).iter().enumerate() {
            let mut algs: HashSet<&str> = HashSet::new();
            for (j, fh) in arr(x.get("file_hashes")).iter().enumerate() {
                if let Some(a) = st(fh, "algorithm") {
                    if !algs.insert(a) {
                        c.fail(
                            "6.1.25",
                            format!(
                                "{base}/product_identification_helper/hashes/{i}/file_hashes/{j}"
                            ),
                            format!("hash algorithm {a} used twice"),
                        );
                    }
                }
            }
        }
    }
}

// ------------------------------------------------------------------ 6.1.26 - 6.1.27

/// The document categories of the CSAF 2.0 profiles.
pub const PROFILES: &[&str] = &[
    "csaf_base",
    "csaf_security_incident_response",
    "csaf_informational_advisory",
    "csaf_security_advisory",
    "csaf_vex",
];

fn t_26_27(c: &mut Ctx, groups: &[(String, String, Vec<String>)]) {
    let doc = c.doc;
    let Some(d) = doc.get("document") else {
        return;
    };
    let category = st(d, "category").unwrap_or("");
    if !PROFILES.contains(&category) {
        let norm: String = category
            .chars()
            .filter(|ch| !matches!(ch, '-' | '_' | ' ' | '\t') && !ch.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        let reserved = [
            "securityincidentresponse",
            "informationaladvisory",
            "securityadvisory",
            "vex",
        ];
        if norm.starts_with("csaf") || reserved.contains(&norm.as_str()) {
            c.fail(
                "6.1.26",
                "/document/category",
                format!("{category:?} is a reserved profile name"),
            );
        }
    }
    let vs = vulns(doc);
    let has_vulns = doc.get("vulnerabilities").is_some();
    match category {
        "csaf_informational_advisory" | "csaf_security_incident_response" => {
            let ok = arr(d.get("notes")).iter().any(|n| {
                matches!(
                    st(n, "category"),
                    Some("description" | "details" | "general" | "summary")
                )
            });
            if !ok {
                c.fail(
                    "6.1.27.1",
                    "/document/notes",
                    "needs a note of category description, details, general or summary",
                );
            }
            if !arr(d.get("references"))
                .iter()
                .any(|r| st(r, "category") == Some("external"))
            {
                c.fail(
                    "6.1.27.2",
                    "/document/references",
                    "needs a reference of category external",
                );
            }
            if category == "csaf_informational_advisory" && has_vulns {
                c.fail(
                    "6.1.27.3",
                    "/vulnerabilities",
                    "an informational advisory has no vulnerabilities",
                );
            }
        }
        "csaf_security_advisory" | "csaf_vex" => {
            if doc.get("product_tree").is_none() {
                c.fail("6.1.27.4", "/product_tree", "product_tree is required");
            }
            if !has_vulns {
                c.fail(
                    "6.1.27.11",
                    "/vulnerabilities",
                    "vulnerabilities are required",
                );
            }
            for (vi, v) in vs.iter().enumerate() {
                if v.get("notes").is_none() {
                    c.fail(
                        "6.1.27.5",
                        format!("/vulnerabilities/{vi}"),
                        "vulnerability notes are required",
                    );
                }
                if category == "csaf_security_advisory" && v.get("product_status").is_none() {
                    c.fail(
                        "6.1.27.6",
                        format!("/vulnerabilities/{vi}"),
                        "product_status is required",
                    );
                }
                if category == "csaf_vex" {
                    let ps = v.get("product_status");
                    let ok = [
                        "fixed",
                        "known_affected",
                        "known_not_affected",
                        "under_investigation",
                    ]
                    .iter()
                    .any(|k| ps.and_then(|p| p.get(*k)).is_some());
                    if !ok {
                        c.fail("6.1.27.7", format!("/vulnerabilities/{vi}/product_status"), "needs fixed, known_affected, known_not_affected or under_investigation");
                    }
                    if v.get("cve").is_none() && v.get("ids").is_none() {
                        c.fail(
                            "6.1.27.8",
                            format!("/vulnerabilities/{vi}"),
                            "needs cve or ids",
                        );
                    }
                    let mut impact: HashSet<String> = HashSet::new();
                    for f in arr(v.get("flags")) {
                        impact.extend(expand(f, groups));
                    }
                    for t in arr(v.get("threats"))
                        .iter()
                        .filter(|t| st(t, "category") == Some("impact"))
                    {
                        impact.extend(expand(t, groups));
                    }
                    if let Some(ps) = ps {
                        for (j, id) in ids_at(ps, "known_not_affected") {
                            if !impact.contains(id) {
                                c.fail("6.1.27.9", format!("/vulnerabilities/{vi}/product_status/known_not_affected/{j}"), format!("no impact statement for {id:?}"));
                            }
                        }
                        let mut act: HashSet<String> = HashSet::new();
                        for r in arr(v.get("remediations")) {
                            act.extend(expand(r, groups));
                        }
                        for (j, id) in ids_at(ps, "known_affected") {
                            if !act.contains(id) {
                                c.fail(
                                    "6.1.27.10",
                                    format!(
                                        "/vulnerabilities/{vi}/product_status/known_affected/{j}"
                                    ),
                                    format!("no action statement for {id:?}"),
                                );
                            }
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

// ------------------------------------------------------------------ 6.1.28 - 6.1.33

const RANGE_WORDS: &[&str] = &[
    "after", "all", "before", "earlier", "later", "prior", "versions",
];

fn t_28_to_33(c: &mut Ctx, groups: &[(String, String, Vec<String>)]) {
    let doc = c.doc;
    if let Some(d) = doc.get("document") {
        if let (Some(l), Some(s)) = (st(d, "lang"), st(d, "source_lang")) {
            if l.eq_ignore_ascii_case(s) {
                c.fail(
                    "6.1.28",
                    "/document/source_lang",
                    "lang and source_lang are the same",
                );
            }
        }
        if d.get("publisher").and_then(|p| st(p, "category")) == Some("translator")
            && d.get("source_lang").is_none()
        {
            c.fail(
                "6.1.15",
                "/document/source_lang",
                "a translator's document needs source_lang",
            );
        }
    }
    for (vi, v) in vulns(doc).iter().enumerate() {
        for (i, r) in arr(v.get("remediations")).iter().enumerate() {
            if r.get("product_ids").is_none() && r.get("group_ids").is_none() {
                c.fail(
                    "6.1.29",
                    format!("/vulnerabilities/{vi}/remediations/{i}"),
                    "remediation without product_ids or group_ids",
                );
            }
        }
        let mut flagged: HashMap<String, usize> = HashMap::new();
        for (i, f) in arr(v.get("flags")).iter().enumerate() {
            if f.get("product_ids").is_none() && f.get("group_ids").is_none() {
                c.fail(
                    "6.1.32",
                    format!("/vulnerabilities/{vi}/flags/{i}"),
                    "flag without product_ids or group_ids",
                );
            }
            let mut ids = expand(f, groups);
            ids.sort();
            ids.dedup();
            for id in ids {
                if let Some(first) = flagged.insert(id.clone(), i) {
                    c.fail(
                        "6.1.33",
                        format!("/vulnerabilities/{vi}/flags/{i}"),
                        format!("product {id:?} already has the flag at index {first}"),
                    );
                }
            }
        }
    }
    // 6.1.31: product_version branches must not hold ranges.
    fn walk(c: &mut Ctx, b: &Value, path: &str, depth: usize) {
        if depth > 30 {
            return;
        }
        if st(b, "category") == Some("product_version") {
            let name = st(b, "name").unwrap_or("");
            let ranged = name.contains('<')
                || name.contains('>')
                || name
                    .split_whitespace()
                    .any(|w| RANGE_WORDS.contains(&w.to_ascii_lowercase().as_str()));
            if ranged {
                c.fail(
                    "6.1.31",
                    format!("{path}/name"),
                    format!("product_version {name:?} looks like a version range"),
                );
            }
        }
        for (i, x) in arr(b.get("branches")).iter().enumerate() {
            walk(c, x, &format!("{path}/branches/{i}"), depth + 1);
        }
    }
    if let Some(pt) = doc.get("product_tree") {
        for (i, b) in arr(pt.get("branches")).iter().enumerate() {
            walk(c, b, &format!("/product_tree/branches/{i}"), 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert!(valid_language("en"));
        assert!(valid_language("de-DE"));
        assert!(valid_language("x-klingon"));
        assert!(!valid_language("EZ"));
        assert!(!valid_language("e"));
        assert!(!valid_language("en--US"));
    }

    #[test]
    fn versions() {
        assert!(is_version("1"));
        assert!(is_version("1.0.0-rc.1+b"));
        assert!(!is_version("01"));
        assert!(!is_version("1.0"));
    }
}
