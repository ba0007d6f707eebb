//! go.mod and go.sum. Versions are given without the `v` prefix (as OSV's
//! Go ecosystem spells them); the purl keeps the module version as written.

use crate::util::{self, component, Fail, Out, R};
use crate::{Ecosystem, Limits, Location, Origin};

fn go_component(path: &str, version: &str, loc: Location) -> crate::Component {
    let v = version.strip_prefix('v').unwrap_or(version);
    let mut c = component(Ecosystem::Go, path, v, loc);
    c.purl = crate::purl::build(Ecosystem::Go, path, version);
    c.origin = Origin::Registry(None);
    c
}

fn is_local(p: &str) -> bool {
    p.starts_with("./") || p.starts_with("../") || p.starts_with('/') || p == "." || p == ".."
}

fn strip_comment(l: &str) -> (&str, bool) {
    match l.find("//") {
        Some(i) => (
            l.get(..i).unwrap_or(l).trim(),
            l.get(i..).unwrap_or_default().contains("indirect"),
        ),
        None => (l.trim(), false),
    }
}

fn unquote(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(s)
}

struct Replace {
    old: String,
    old_v: Option<String>,
    new: String,
    new_v: Option<String>,
}

pub(crate) fn go_mod(text: &str, limits: &Limits, out: &mut Out) -> R {
    let mut block: Option<String> = None;
    let mut reqs: Vec<(usize, String, String, bool)> = Vec::new();
    let mut replaces: Vec<Replace> = Vec::new();
    let mut go_version: Option<(usize, String)> = None;
    let mut toolchain: Option<(usize, String)> = None;
    for l in util::lines(text, limits.max_line_bytes) {
        let (n, raw) = l?;
        let (line, indirect) = strip_comment(raw);
        if line.is_empty() {
            continue;
        }
        let (verb, args) = match &block {
            Some(b) => {
                if line == ")" {
                    block = None;
                    continue;
                }
                (b.clone(), line.to_string())
            }
            None => {
                let (verb, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                let rest = rest.trim();
                if rest == "(" {
                    block = Some(verb.to_string());
                    continue;
                }
                (verb.to_string(), rest.to_string())
            }
        };
        let f: Vec<&str> = args.split_whitespace().map(unquote).collect();
        match verb.as_str() {
            "module" | "exclude" | "retract" | "godebug" | "tool" | "ignore" => {
                out.structure_seen = true
            }
            "go" => {
                out.structure_seen = true;
                go_version = f.first().map(|v| (n, v.to_string()));
            }
            "toolchain" => {
                out.structure_seen = true;
                toolchain = f
                    .first()
                    .and_then(|v| v.strip_prefix("go"))
                    .map(|v| (n, v.to_string()));
            }
            "require" => match f.as_slice() {
                [p, v] => reqs.push((n, p.to_string(), v.to_string(), indirect)),
                _ => out.problem(Location::line(n), format!("malformed require `{args}`")),
            },
            "replace" => {
                let (lhs, rhs) = match args.split_once("=>") {
                    Some(x) => x,
                    None => {
                        out.problem(Location::line(n), format!("malformed replace `{args}`"));
                        continue;
                    }
                };
                let l: Vec<&str> = lhs.split_whitespace().map(unquote).collect();
                let r: Vec<&str> = rhs.split_whitespace().map(unquote).collect();
                match (l.as_slice(), r.as_slice()) {
                    ([o, ov @ ..], [nw, nv @ ..]) if ov.len() <= 1 && nv.len() <= 1 => {
                        out.structure_seen = true;
                        replaces.push(Replace {
                            old: o.to_string(),
                            old_v: ov.first().map(|s| s.to_string()),
                            new: nw.to_string(),
                            new_v: nv.first().map(|s| s.to_string()),
                        })
                    }
                    _ => out.problem(Location::line(n), format!("malformed replace `{args}`")),
                }
            }
            _ => out.problem(
                Location::line(n),
                format!("unknown go.mod directive `{verb}`"),
            ),
        }
    }
    if let Some(b) = block {
        return Err(Fail::malformed(
            Location::line(text.lines().count()),
            format!("`{b} (` block is not closed"),
        ));
    }
    for (n, path, version, indirect) in reqs {
        let rep = replaces
            .iter()
            .find(|r| r.old == path && r.old_v.as_deref().is_none_or(|v| v == version));
        let loc = Location::line(n);
        let mut c = match rep {
            Some(r) if is_local(&r.new) => {
                out.skip(
                    loc,
                    format!("`{path}` is replaced by the local directory `{}`", r.new),
                );
                continue;
            }
            Some(r) => go_component(&r.new, r.new_v.as_deref().unwrap_or(&version), loc),
            None => go_component(&path, &version, loc),
        };
        c.dev = false;
        let _ = indirect;
        out.push(c);
    }
    if let Some((n, v)) = toolchain.or(go_version) {
        let v = if v.matches('.').count() == 1 {
            format!("{v}.0")
        } else {
            v
        };
        let mut c = component(Ecosystem::Go, "stdlib", &v, Location::line(n));
        c.purl = crate::purl::build(Ecosystem::Go, "stdlib", &v);
        out.push(c);
    }
    Ok(())
}

pub(crate) fn go_sum(text: &str, limits: &Limits, out: &mut Out) -> R {
    let mut seen = std::collections::HashSet::new();
    for l in util::lines(text, limits.max_line_bytes) {
        let (n, line) = l?;
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            [] => {}
            [path, version, hash] if hash.starts_with("h1:") || hash.contains(':') => {
                out.structure_seen = true;
                if version.ends_with("/go.mod") {
                    continue;
                }
                if seen.insert((*path, *version)) {
                    out.push(go_component(path, version, Location::line(n)));
                }
            }
            _ => out.problem(Location::line(n), "expected `module version hash`"),
        }
    }
    Ok(())
}
