//! Maven pom.xml (declared dependencies; `${property}` versions resolved
//! from the same file) and gradle.lockfile.

use crate::util::{self, component, Out, R};
use crate::{xml, Ecosystem, Limits, Location, Origin};
use std::collections::HashMap;

fn interpolate(s: &str, props: &HashMap<String, String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = s;
    let mut rounds = 0;
    while let Some(i) = rest.find("${") {
        rounds += 1;
        if rounds > 32 {
            return None;
        }
        out.push_str(rest.get(..i)?);
        let after = rest.get(i + 2..)?;
        let j = after.find('}')?;
        let key = after.get(..j)?;
        let v = props.get(key)?;
        if v.contains("${") {
            // one level of nesting is enough in practice
            out.push_str(&interpolate(v, &HashMap::new()).or_else(|| {
                let mut p2 = props.clone();
                p2.remove(key);
                interpolate(v, &p2)
            })?);
        } else {
            out.push_str(v);
        }
        rest = after.get(j + 1..)?;
    }
    out.push_str(rest);
    Some(out)
}

pub(crate) fn pom(text: &str, limits: &Limits, out: &mut Out) -> R {
    let root = xml::parse(text, limits)?;
    if root.name != "project" {
        return Err(util::Fail::malformed(
            Location::line(root.line),
            format!("root element is <{}>, expected <project>", root.name),
        ));
    }
    out.structure_seen = true;
    let mut props: HashMap<String, String> = HashMap::new();
    if let Some(p) = root.child("properties") {
        for c in &p.children {
            props.insert(c.name.clone(), c.text.trim().to_string());
        }
    }
    let parent = root.child("parent");
    let pv = root
        .child_text("version")
        .or_else(|| parent.and_then(|p| p.child_text("version")));
    let pg = root
        .child_text("groupId")
        .or_else(|| parent.and_then(|p| p.child_text("groupId")));
    for (k, v) in [
        ("project.version", pv),
        ("version", pv),
        ("project.groupId", pg),
        ("groupId", pg),
    ] {
        if let Some(v) = v {
            props.entry(k.to_string()).or_insert_with(|| v.to_string());
        }
    }
    if let Some(v) = parent.and_then(|p| p.child_text("version")) {
        props.insert("project.parent.version".into(), v.to_string());
    }
    let mut lists: Vec<(&xml::El, &str)> = Vec::new();
    if let Some(d) = root.child("dependencies") {
        lists.push((d, "/project/dependencies"));
    }
    if let Some(d) = root
        .child("dependencyManagement")
        .and_then(|m| m.child("dependencies"))
    {
        lists.push((d, "/project/dependencyManagement/dependencies"));
    }
    for (deps, base) in lists {
        for (i, d) in deps.children("dependency").enumerate() {
            let loc = Location {
                line: Some(u32::try_from(d.line).unwrap_or(u32::MAX)),
                path: Some(format!("{base}/dependency[{}]", i + 1)),
            };
            let g = d.child_text("groupId").unwrap_or_default();
            let a = d.child_text("artifactId").unwrap_or_default();
            let (Some(g), Some(a)) = (interpolate(g, &props), interpolate(a, &props)) else {
                out.skip(
                    loc,
                    format!("`{g}:{a}` uses a property not defined in this file"),
                );
                continue;
            };
            if g.is_empty() || a.is_empty() {
                out.problem(loc, "dependency without groupId and artifactId");
                continue;
            }
            let Some(vraw) = d.child_text("version") else {
                out.skip(
                    loc,
                    format!("`{g}:{a}` has no version here (managed by a parent or BOM)"),
                );
                continue;
            };
            let Some(v) = interpolate(vraw, &props) else {
                out.skip(
                    loc,
                    format!("`{g}:{a}` version `{vraw}` uses a property not defined in this file"),
                );
                continue;
            };
            if v.starts_with('[') || v.starts_with('(') || v.is_empty() {
                out.skip(
                    loc,
                    format!("`{g}:{a}` version `{v}` is a range, not one version"),
                );
                continue;
            }
            let mut c = component(Ecosystem::Maven, &format!("{g}:{a}"), &v, loc);
            c.dev = matches!(d.child_text("scope"), Some("test"));
            c.origin = Origin::Registry(None);
            out.push(c);
        }
    }
    Ok(())
}

pub(crate) fn gradle(text: &str, limits: &Limits, out: &mut Out) -> R {
    for l in util::lines(text, limits.max_line_bytes) {
        let (n, line) = l?;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            if t.contains("Gradle") {
                out.structure_seen = true;
            }
            continue;
        }
        if t.starts_with("empty=") {
            out.structure_seen = true;
            continue;
        }
        let loc = Location::line(n);
        let coord = t.split_once('=').map(|x| x.0).unwrap_or(t);
        let parts: Vec<&str> = coord.split(':').collect();
        match parts.as_slice() {
            [g, a, v] if !g.is_empty() && !a.is_empty() && !v.is_empty() => {
                let mut c = component(Ecosystem::Maven, &format!("{g}:{a}"), v, loc);
                c.origin = Origin::Registry(None);
                let confs = t.split_once('=').map(|x| x.1).unwrap_or_default();
                c.dev = !confs.is_empty()
                    && confs
                        .split(',')
                        .all(|c| c.to_ascii_lowercase().contains("test"));
                out.push(c);
            }
            _ => out.problem(
                loc,
                format!(
                    "expected `group:artifact:version=configurations`, got `{}`",
                    t.chars().take(80).collect::<String>()
                ),
            ),
        }
    }
    Ok(())
}
