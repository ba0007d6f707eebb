//! Alpine secdb and Debian DSA/DLA lists → OSV.
//!
//! **Alpine** (decision): one record per (release, package, flaw):
//! id `ALPINE-<release>-<package>-<flaw id>`, the flaw's CVE as its alias,
//! ecosystem `Alpine:<release>`, range `introduced 0, fixed <apk version>`
//! (a flaw listed under several versions: the greatest, see
//! `alpine_record`).
//! A `secfixes` item holding several ids (`CVE-2016-10013 XSA-204`) names
//! one flaw by several ids when it holds at most one CVE (all aliases);
//! with several CVEs each CVE gets its own record and the other ids are
//! only `related`. Version key `0` means "never affected": the record has
//! no affected package and `database_specific.status = "not_affected"`.
//!
//! **Debian** DSA/DLA entries are distro advisories that bundle CVEs: the
//! record's id is the advisory id (`DSA-5380-1`), every CVE is `related`
//! (a link, never a merge). Release codenames map to `Debian:<version>`
//! through [`debian_release`]. `<not-affected>` → no affected entry for
//! that release (kept in `database_specific`), `<unfixed>` and
//! `<end-of-life>` → affected from `0` without a fix.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use levee_versions::{Version, VersionScheme};

use crate::common::*;

// ---------------------------------------------------------------- Alpine

pub(crate) fn alpine(path: Option<&str>, d: &Value) -> Vec<Conv> {
    let Some(o) = d.as_object() else {
        return vec![Err(Fail::new(
            FeedClass::NotAnObject,
            None,
            "secdb document is not an object",
        ))];
    };
    let Some(release) = o
        .get("distroversion")
        .and_then(Value::as_str)
        .filter(|r| !r.trim().is_empty())
    else {
        return vec![Err(Fail::missing("distroversion", "no `distroversion`"))];
    };
    let release = release.trim();
    let Some(pkgs) = o.get("packages").and_then(Value::as_array) else {
        return vec![Err(Fail::missing("packages", "no `packages` list"))];
    };
    let mut out = Vec::new();
    for (pi, p) in pkgs.iter().enumerate() {
        let jp = format!("packages[{pi}].pkg");
        let Some(pkg) = p.get("pkg") else {
            out.push(Err(Fail::missing(&jp, "package entry without `pkg`")));
            continue;
        };
        let Some(name) = s(pkg, "name").filter(|n| plausible_name(n)) else {
            out.push(Err(Fail::missing(
                &format!("{jp}.name"),
                "package without a usable `name`",
            )));
            continue;
        };
        let Some(fixes) = pkg.get("secfixes").and_then(Value::as_object) else {
            continue; // a package without secfixes states nothing
        };
        // A non-CVE id that appears with several CVEs in this package
        // (`GNUTLS-SA-2021-03-10` with CVE-2021-20231 and CVE-2021-20232)
        // names a bundle: it is only ever `related`.
        let mut with_cves: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for items in fixes.values() {
            for item in items
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let toks = secfix_tokens(item);
                let cves: Vec<String> = toks.iter().filter_map(|t| normalize_cve(t)).collect();
                for t in toks.iter().filter(|t| normalize_cve(t).is_none()) {
                    let e = with_cves.entry(t.to_string()).or_default();
                    for c in &cves {
                        if !e.contains(c) {
                            e.push(c.clone());
                        }
                    }
                }
            }
        }
        let bundle = |t: &str| with_cves.get(t).is_some_and(|c| c.len() > 1);
        // flaw id -> (aliases, related, fixed versions)
        let mut flaws: BTreeMap<String, Flaw> = BTreeMap::new();
        for (ver, items) in fixes {
            let items: Vec<&str> = match items {
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                Value::String(s) => vec![s.as_str()],
                _ => Vec::new(),
            };
            for item in items {
                let toks = secfix_tokens(item);
                let cves: Vec<String> = toks.iter().filter_map(|t| normalize_cve(t)).collect();
                let others: Vec<String> = toks
                    .iter()
                    .filter(|t| {
                        normalize_cve(t).is_none()
                            && plausible_id(t)
                            && !t.eq_ignore_ascii_case("N/A")
                    })
                    .map(|t| t.to_string())
                    .collect();
                let primaries: Vec<String> = if cves.is_empty() {
                    others.first().cloned().into_iter().collect()
                } else {
                    cves.clone()
                };
                for prim in primaries {
                    let e = flaws.entry(prim.clone()).or_default();
                    if cves.len() <= 1 {
                        for o in &others {
                            if *o == prim {
                                continue;
                            }
                            let slot = if bundle(o) { &mut e.1 } else { &mut e.0 };
                            if !slot.contains(o) {
                                slot.push(o.clone());
                            }
                        }
                    } else {
                        for o in others.iter().chain(cves.iter()) {
                            if *o != prim && !e.1.contains(o) {
                                e.1.push(o.clone());
                            }
                        }
                    }
                    if !e.2.contains(ver) {
                        e.2.push(ver.clone());
                    }
                }
            }
        }
        for (flaw, (mut aliases, related, vers)) in flaws {
            let id = format!("ALPINE-{release}-{name}-{flaw}");
            if !aliases.contains(&flaw) {
                aliases.insert(0, flaw.clone());
            }
            out.push(alpine_record(
                path, release, o, p, name, &id, aliases, related, &vers, &jp,
            ));
        }
    }
    out
}

/// The ids of one `secfixes` item: whitespace-separated tokens, without
/// parenthesised comments (`CVE-2020-14342 (Not affected, requires
/// --with-systemd)`); a token that is a CVE id followed by a file suffix
/// (`CVE-2021-35940.patch`) is that CVE id.
fn secfix_tokens(item: &str) -> Vec<String> {
    let mut text = String::new();
    let mut depth = 0usize;
    for c in item.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace()
        .map(|t| {
            if normalize_cve(t).is_none() {
                if let Some((head, _)) = t.split_once('.') {
                    if let Some(c) = normalize_cve(head) {
                        return c;
                    }
                }
            }
            t.to_string()
        })
        .collect()
}

/// (aliases, related, fixed versions) of one flaw.
type Flaw = (Vec<String>, Vec<String>, Vec<String>);

fn plausible_name(n: &str) -> bool {
    !n.is_empty() && n.len() <= 200 && !n.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[allow(clippy::too_many_arguments)]
fn alpine_record(
    path: Option<&str>,
    release: &str,
    doc: &Map<String, Value>,
    pkg: &Value,
    name: &str,
    id: &str,
    aliases: Vec<String>,
    related: Vec<String>,
    vers: &[String],
    jp: &str,
) -> Conv {
    let mut warnings = Vec::new();
    let real: Vec<&String> = vers.iter().filter(|v| v.as_str() != "0").collect();
    let mut ds = Map::new();
    ds.insert("feed".into(), json!("alpine-secdb"));
    put(&mut ds, "path", json!(path));
    ds.insert("fixed_in".into(), json!(vers));
    let mut affected = Vec::new();
    if real.is_empty() {
        ds.insert("status".into(), json!("not_affected"));
    } else {
        // Several fix versions for one flaw in one package and release: the
        // greatest closes the range (all are kept in `fixed_in`). The keys
        // are successive builds of one package on one release branch, and
        // a re-listing cannot be told from a completed fix (openjdk21
        // CVE-2024-21217 is listed at 21.0.4_p7-r0, but Oracle fixed it in
        // 21.0.5). osv.dev's converter (vulnfeeds/cmd/alpine) emits one
        // `introduced 0, fixed v` entry per listing, whose union is this
        // same range (its duplicates: google/osv.dev#3385).
        let mut parsed: Vec<Version> = Vec::new();
        let mut bad = Vec::new();
        for v in &real {
            match Version::parse(VersionScheme::Apk, v) {
                Ok(p) => parsed.push(p),
                Err(e) => bad.push(format!("{v:?}: {e}")),
            }
        }
        parsed.sort();
        let ranges = match parsed.last() {
            Some(max) => vec![
                json!({"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed": max.as_str()}]}),
            ],
            None => Vec::new(),
        };
        if !bad.is_empty() {
            warnings.push(warn(
                "range_unparsed",
                &format!("{jp}.secfixes"),
                format!(
                    "apk version(s) not parsed, kept in database_specific: {}",
                    bad.join(", ")
                ),
            ));
        }
        affected.push(json!({
            "package": {"ecosystem": format!("Alpine:{release}"), "name": name},
            "ranges": ranges,
        }));
    }
    let mut native = doc.clone();
    native.insert("packages".into(), json!([pkg]));
    ds.insert("native".into(), Value::Object(native));
    warnings.push(warn(
        "modified_unknown",
        "",
        "secdb has no dates: modified set to the epoch",
    ));
    let mut m = Map::new();
    m.insert("schema_version".into(), json!("1.6.0"));
    m.insert("id".into(), json!(id));
    m.insert("modified".into(), json!(EPOCH));
    put(&mut m, "aliases", json!(aliases));
    put(&mut m, "related", json!(related));
    put(&mut m, "affected", Value::Array(affected));
    m.insert("database_specific".into(), Value::Object(ds));
    Ok(Converted {
        value: Value::Object(m),
        warnings,
    })
}

// ---------------------------------------------------------------- Debian

/// The Debian version of a release codename.
pub fn debian_release(codename: &str) -> Option<&'static str> {
    levee_versions::ecosystem::codename_release("debian", codename)
}

fn month(m: &str) -> Option<u32> {
    let ms = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let l = m.to_ascii_lowercase();
    ms.iter()
        .position(|x| l.starts_with(x))
        .map(|i| i as u32 + 1)
}

/// `29 Mar 2023` → `2023-03-29T00:00:00Z`.
fn debian_date(s: &str) -> Option<String> {
    let mut it = s.split_whitespace();
    let d: u32 = it.next()?.parse().ok()?;
    let m = month(it.next()?)?;
    let y: u32 = it.next()?.parse().ok()?;
    normalize_date(&format!("{y:04}-{m:02}-{d:02}"))
}

/// Split a raw `data/DSA/list` text into entries (a new entry at each line
/// starting with `[`), with the 1-based line of each.
pub fn split_debian_list(text: &str) -> Vec<(u64, String)> {
    let mut out: Vec<(u64, String)> = Vec::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if line.starts_with('[') || out.is_empty() {
            out.push((i as u64 + 1, String::new()));
        }
        if let Some(last) = out.last_mut() {
            last.1.push_str(line);
        }
    }
    out
}

pub(crate) fn debian(path: Option<&str>, d: &Value) -> Vec<Conv> {
    let Some(text) = d.as_str() else {
        return vec![Err(Fail::new(
            FeedClass::NotAnObject,
            None,
            "Debian entry is not text",
        ))];
    };
    vec![debian_one(path, text)]
}

fn debian_one(path: Option<&str>, text: &str) -> Conv {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let bad = |why: &str| {
        Fail::new(
            FeedClass::DebianHeader,
            Some("line 1"),
            format!("{why}: {:?}", clip(header)),
        )
    };
    let rest = header
        .strip_prefix('[')
        .ok_or_else(|| bad("entry does not start with `[date]`"))?;
    let (date, rest) = rest
        .split_once(']')
        .ok_or_else(|| bad("no `]` after the date"))?;
    let date = debian_date(date).ok_or_else(|| bad("unreadable date"))?;
    let mut toks = rest.split_whitespace();
    let id = toks
        .next()
        .filter(|t| plausible_id(t))
        .ok_or_else(|| bad("no advisory id"))?
        .to_string();
    let id_ok = id.starts_with("DSA-") || id.starts_with("DLA-") || id.starts_with("DTSA-");
    if !id_ok {
        return Err(bad("advisory id is not DSA-/DLA-/DTSA-"));
    }
    let header_pkg = toks
        .next()
        .filter(|t| !t.starts_with('-'))
        .map(str::to_string);
    let summary = rest
        .split_once(" - ")
        .or_else(|| rest.split_once(" -- "))
        .map(|(_, s)| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let mut cves: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut releases: Vec<Value> = Vec::new();
    let mut affected: Vec<Value> = Vec::new();
    let mut warnings = Vec::new();
    for (li, raw) in lines.enumerate() {
        let line = raw.trim();
        let lp = format!("line {}", li + 2);
        if let Some(inner) = line.strip_prefix('{') {
            let inner = inner.trim_end_matches('}');
            cves.extend(inner.split_whitespace().map(str::to_string));
        } else if let Some(n) = line.strip_prefix("NOTE:") {
            notes.push(n.trim().to_string());
        } else if let Some(r) = line.strip_prefix('[') {
            let Some((code, rest)) = r.split_once(']') else {
                warnings.push(warn(
                    "debian_line_unread",
                    &lp,
                    format!("unreadable release line {:?}", clip(line)),
                ));
                continue;
            };
            let rest = rest.trim().trim_start_matches('-').trim();
            let mut t = rest.split_whitespace();
            let (Some(pkg), Some(ver)) = (t.next(), t.next()) else {
                warnings.push(warn(
                    "debian_line_unread",
                    &lp,
                    format!("release line without package and version {:?}", clip(line)),
                ));
                continue;
            };
            releases.push(json!({"codename": code, "package": pkg, "version": ver}));
            let Some(num) = debian_release(code) else {
                warnings.push(warn(
                    "debian_unknown_release",
                    &lp,
                    format!("unknown release codename {code:?}"),
                ));
                continue;
            };
            let eco = format!("Debian:{num}");
            let status = match ver {
                "<not-affected>" => continue,
                "<unfixed>" => Some("unfixed"),
                "<end-of-life>" => Some("end-of-life"),
                v if v.starts_with('<') => {
                    warnings.push(warn(
                        "debian_unknown_marker",
                        &lp,
                        format!("unknown marker {v:?}"),
                    ));
                    continue;
                }
                _ => None,
            };
            let mut a = json!({"package": {"ecosystem": eco, "name": pkg}});
            let events = match status {
                Some(st) => {
                    set(&mut a, "database_specific", json!({"status": st}));
                    json!([{"introduced": "0"}])
                }
                None => match Version::parse(VersionScheme::Dpkg, ver) {
                    Ok(_) => json!([{"introduced": "0"}, {"fixed": ver}]),
                    Err(e) => {
                        warnings.push(warn(
                            "range_unparsed",
                            &lp,
                            format!("dpkg version {ver:?}: {e}"),
                        ));
                        set(
                            &mut a,
                            "database_specific",
                            json!({"fixed": ver, "range_parsed": false}),
                        );
                        Value::Null
                    }
                },
            };
            if !events.is_null() {
                set(
                    &mut a,
                    "ranges",
                    json!([{"type": "ECOSYSTEM", "events": events}]),
                );
            }
            affected.push(a);
        } else if !line.is_empty() {
            notes.push(line.to_string());
        }
    }
    // A distro advisory links to every CVE it fixes; it never merges them.
    let related: Vec<String> = {
        let mut r = Vec::new();
        for c in &cves {
            let c = normalize_cve(c).unwrap_or_else(|| c.clone());
            if plausible_id(&c) && !r.contains(&c) && c != id {
                r.push(c);
            }
        }
        r
    };
    let kind = if id.starts_with("DLA-") {
        "debian-dla"
    } else {
        "debian-dsa"
    };
    let url = if id.starts_with("DLA-") {
        format!("https://security-tracker.debian.org/tracker/{id}")
    } else {
        format!(
            "https://www.debian.org/security/{}",
            id.to_ascii_lowercase()
        )
    };
    let mut ds = Map::new();
    ds.insert("feed".into(), json!(kind));
    put(&mut ds, "path", json!(path));
    put(&mut ds, "package", json!(header_pkg));
    put(&mut ds, "releases", Value::Array(releases));
    put(&mut ds, "notes", json!(notes));
    ds.insert("native".into(), json!(text));
    let mut m = Map::new();
    m.insert("schema_version".into(), json!("1.6.0"));
    m.insert("id".into(), json!(id));
    m.insert("modified".into(), json!(date));
    m.insert("published".into(), json!(date));
    put(&mut m, "related", json!(related));
    put(&mut m, "summary", json!(summary));
    put(&mut m, "affected", Value::Array(affected));
    m.insert(
        "references".into(),
        json!([{"type": "ADVISORY", "url": url}]),
    );
    m.insert("database_specific".into(), Value::Object(ds));
    Ok(Converted {
        value: Value::Object(m),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpine_zero_and_multi_ids() {
        let d = json!({"distroversion":"v3.20","reponame":"main","packages":[{"pkg":{"name":"xen","secfixes":{
            "0":["CVE-2020-1000"], "4.8.0-r1":["CVE-2016-10013 XSA-204"], "4.9.0-r0":["CVE-2017-1001 CVE-2017-1002 XSA-9"]}}}]});
        let out: Vec<Value> = alpine(None, &d)
            .into_iter()
            .map(|r| r.unwrap().value)
            .collect();
        let by_id = |id: &str| out.iter().find(|v| v["id"] == id).cloned().unwrap();
        let na = by_id("ALPINE-v3.20-xen-CVE-2020-1000");
        assert_eq!(na["database_specific"]["status"], "not_affected");
        assert!(na.get("affected").is_none());
        let x = by_id("ALPINE-v3.20-xen-CVE-2016-10013");
        assert_eq!(x["aliases"], json!(["CVE-2016-10013", "XSA-204"]));
        assert_eq!(x["affected"][0]["package"]["ecosystem"], "Alpine:v3.20");
        assert_eq!(
            x["affected"][0]["ranges"][0]["events"][1]["fixed"],
            "4.8.0-r1"
        );
        let y = by_id("ALPINE-v3.20-xen-CVE-2017-1001");
        assert_eq!(y["aliases"], json!(["CVE-2017-1001"]));
        assert_eq!(y["related"], json!(["XSA-9", "CVE-2017-1002"]));
        assert_eq!(out.len(), 4);
    }

    #[test]
    fn alpine_cve_under_several_fix_versions_closes_at_the_highest() {
        // Shapes of real v3.21 entries: openjdk21 CVE-2024-21217 under
        // 21.0.4_p7-r0 and 21.0.5_p11-r0; chromium CVE-2022-2163 under two
        // versions whose string order is not their apk order.
        let d = json!({"distroversion":"v3.21","reponame":"community","packages":[
            {"pkg":{"name":"openjdk21","secfixes":{
                "21.0.4_p7-r0":["CVE-2024-21217"], "21.0.5_p11-r0":["CVE-2024-21217"]}}},
            {"pkg":{"name":"chromium","secfixes":{
                "103.0.5060.134-r0":["CVE-2022-2163"], "103.0.5060.53-r0":["CVE-2022-2163"]}}}]});
        let out: Vec<Value> = alpine(None, &d)
            .into_iter()
            .map(|r| r.unwrap().value)
            .collect();
        assert_eq!(out.len(), 2);
        let fixed = |v: &Value| v["affected"][0]["ranges"][0]["events"][1]["fixed"].clone();
        assert_eq!(out[0]["id"], "ALPINE-v3.21-openjdk21-CVE-2024-21217");
        assert_eq!(fixed(&out[0]), "21.0.5_p11-r0");
        assert_eq!(out[1]["id"], "ALPINE-v3.21-chromium-CVE-2022-2163");
        assert_eq!(fixed(&out[1]), "103.0.5060.134-r0");
        // one range per package, every listed version kept
        assert_eq!(out[0]["affected"].as_array().unwrap().len(), 1);
        assert_eq!(out[0]["affected"][0]["ranges"].as_array().unwrap().len(), 1);
        assert_eq!(
            out[0]["database_specific"]["fixed_in"],
            json!(["21.0.4_p7-r0", "21.0.5_p11-r0"])
        );
    }

    #[test]
    fn alpine_items_with_comments_and_file_names() {
        // Real secfixes items (v3.13 cifs-utils, apr): a parenthesised
        // comment is no id, and a patch file name names its CVE.
        let d = json!({"distroversion":"v3.13","reponame":"main","packages":[
            {"pkg":{"name":"cifs-utils","secfixes":{"6.11-r0":["CVE-2020-14342 (Not affected, requires --with-systemd)"]}}},
            {"pkg":{"name":"apr","secfixes":{"1.7.0-r1":["CVE-2021-35940.patch"]}}}]});
        let out: Vec<Value> = alpine(None, &d)
            .into_iter()
            .map(|r| r.unwrap().value)
            .collect();
        let ids: Vec<&str> = out.iter().filter_map(|v| v["id"].as_str()).collect();
        assert_eq!(
            ids,
            [
                "ALPINE-v3.13-cifs-utils-CVE-2020-14342",
                "ALPINE-v3.13-apr-CVE-2021-35940"
            ]
        );
        assert_eq!(out[0]["aliases"], json!(["CVE-2020-14342"]));
        assert!(out[0].get("related").is_none());
        assert_eq!(out[1]["aliases"], json!(["CVE-2021-35940"]));
    }

    #[test]
    fn debian_entry() {
        let t = "[25 Mar 2023] DSA-5378-1 xen - security update\n\t{CVE-2022-23824 CVE-2022-42331}\n\t[bullseye] - xen 4.14.5+94-ge49571868d-1\n        [buster] - xen <not-affected>\n\t[stretch] - xen <end-of-life>\n\tNOTE: x\n";
        let v = debian_one(Some("data/DSA/list"), t).unwrap().value;
        assert_eq!(v["id"], "DSA-5378-1");
        assert_eq!(v["modified"], "2023-03-25T00:00:00Z");
        assert_eq!(v["related"], json!(["CVE-2022-23824", "CVE-2022-42331"]));
        assert!(v.get("aliases").is_none());
        assert_eq!(v["affected"].as_array().unwrap().len(), 2);
        assert_eq!(v["affected"][0]["package"]["ecosystem"], "Debian:11");
        assert_eq!(
            v["affected"][1]["database_specific"]["status"],
            "end-of-life"
        );
        let e = debian_one(None, "garbage\n").unwrap_err();
        assert_eq!(e.class, FeedClass::DebianHeader);
    }

    #[test]
    fn split_list() {
        let e = split_debian_list(
            "[1 Jan 2020] DSA-1-1 a - b\n\t{CVE-2020-1}\n[2 Jan 2020] DSA-2-1 c - d\n",
        );
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].0, 3);
    }
}
