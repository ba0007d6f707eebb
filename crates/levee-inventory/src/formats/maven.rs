//! Maven pom.xml (declared dependencies; `${property}` versions and
//! dependencyManagement versions resolved from the same file) and
//! gradle.lockfile.

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
    // dependencyManagement: versions (and scopes) for declarations here and
    // in child modules, and pins for transitive dependencies. A managed
    // entry is reported on its own only when nothing in <dependencies> uses
    // or overrides it: a child module's versionless declaration is skipped
    // ("managed by a parent"), so the parent's pin is the only place the
    // version shows up. Upstream osv-scalibr reports none of them.
    let managed_list = root
        .child("dependencyManagement")
        .and_then(|m| m.child("dependencies"));
    let managed: Vec<Dep> = managed_list
        .map(|d| dep_list(d, "/project/dependencyManagement/dependencies", &props, out))
        .unwrap_or_default();
    let declared: Vec<Dep> = root
        .child("dependencies")
        .map(|d| dep_list(d, "/project/dependencies", &props, out))
        .unwrap_or_default();
    let managed_by_key: HashMap<&str, &Dep> = managed.iter().map(|m| (m.key.as_str(), m)).collect();
    for d in &declared {
        let managed_here = managed_by_key.get(d.key.as_str());
        let (vraw, scope) = match (d.version, managed_here.and_then(|m| m.version)) {
            (Some(v), _) => (v, d.scope),
            (None, Some(v)) => (v, d.scope.or(managed_here.and_then(|m| m.scope))),
            (None, None) => {
                out.skip(
                    d.loc.clone(),
                    format!(
                        "`{}` has no version here (managed by a parent or BOM)",
                        d.key
                    ),
                );
                continue;
            }
        };
        push_dep(d, vraw, scope, &props, out);
    }
    // The first declaration of each key.
    let mut declared_by_key: HashMap<&str, &Dep> = HashMap::new();
    for d in &declared {
        declared_by_key.entry(d.key.as_str()).or_insert(d);
    }
    for m in &managed {
        if let Some(d) = declared_by_key.get(m.key.as_str()) {
            let how = match (d.version, m.version) {
                (Some(_), _) => "overridden by the version declared",
                (None, Some(_)) => "applied to the declaration",
                (None, None) => "no version here nor in the declaration",
            };
            out.skip(
                m.loc.clone(),
                format!("managed `{}`: {how} at {}", m.key, d.loc),
            );
            continue;
        }
        if m.scope == Some("import") {
            out.skip(
                m.loc.clone(),
                format!("`{}` is an imported BOM, not a dependency", m.key),
            );
            continue;
        }
        let Some(vraw) = m.version else {
            out.skip(m.loc.clone(), format!("managed `{}` has no version", m.key));
            continue;
        };
        push_dep(m, vraw, m.scope, &props, out);
    }
    Ok(())
}

/// One `<dependency>` with its coordinates resolved.
struct Dep<'a> {
    key: String,
    version: Option<&'a str>,
    scope: Option<&'a str>,
    loc: Location,
}

fn dep_list<'a>(
    deps: &'a xml::El,
    base: &str,
    props: &HashMap<String, String>,
    out: &mut Out,
) -> Vec<Dep<'a>> {
    let mut list = Vec::new();
    for (i, d) in deps.children("dependency").enumerate() {
        let loc = Location {
            line: Some(u32::try_from(d.line).unwrap_or(u32::MAX)),
            path: Some(format!("{base}/dependency[{}]", i + 1)),
        };
        let g = d.child_text("groupId").unwrap_or_default();
        let a = d.child_text("artifactId").unwrap_or_default();
        let (Some(g), Some(a)) = (interpolate(g, props), interpolate(a, props)) else {
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
        list.push(Dep {
            key: format!("{g}:{a}"),
            version: d.child_text("version"),
            scope: d.child_text("scope"),
            loc,
        });
    }
    list
}

fn push_dep(
    d: &Dep,
    vraw: &str,
    scope: Option<&str>,
    props: &HashMap<String, String>,
    out: &mut Out,
) {
    let Some(v) = interpolate(vraw, props) else {
        out.skip(
            d.loc.clone(),
            format!(
                "`{}` version `{vraw}` uses a property not defined in this file",
                d.key
            ),
        );
        return;
    };
    if v.starts_with('[') || v.starts_with('(') || v.is_empty() {
        out.skip(
            d.loc.clone(),
            format!("`{}` version `{v}` is a range, not one version", d.key),
        );
        return;
    }
    let mut c = component(Ecosystem::Maven, &d.key, &v, d.loc.clone());
    c.dev = scope == Some("test");
    c.origin = Origin::Registry(None);
    out.push(c);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_management_versions_declarations_and_is_not_double_counted() {
        let text = r#"<project>
  <dependencies>
    <dependency><groupId>n</groupId><artifactId>netty</artifactId><version>4.1.9</version></dependency>
    <dependency><groupId>c</groupId><artifactId>chuck</artifactId></dependency>
    <dependency><groupId>f</groupId><artifactId>frank</artifactId></dependency>
  </dependencies>
  <dependencyManagement>
    <dependencies>
      <dependency><groupId>n</groupId><artifactId>netty</artifactId><version>4.1.42</version></dependency>
      <dependency><groupId>c</groupId><artifactId>chuck</artifactId><version>3.0.0</version><scope>test</scope></dependency>
      <dependency><groupId>b</groupId><artifactId>bom</artifactId><version>1.2.3</version><type>pom</type><scope>import</scope></dependency>
      <dependency><groupId>j</groupId><artifactId>jsr305</artifactId><version>3.0.2</version></dependency>
    </dependencies>
  </dependencyManagement>
</project>"#;
        let mut out = Out::default();
        pom(text, &Limits::default(), &mut out).unwrap();
        let got: Vec<(&str, &str, Option<u32>, bool)> = out
            .components
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_str(), c.location.line, c.dev))
            .collect();
        assert_eq!(
            got,
            [
                ("n:netty", "4.1.9", Some(3), false),
                ("c:chuck", "3.0.0", Some(4), true),
                ("j:jsr305", "3.0.2", Some(12), false),
            ]
        );
        // frank, the overridden netty pin, chuck's pin and the BOM: skipped
        assert_eq!(out.skipped.len(), 4, "{:?}", out.skipped);
        assert!(out.problems.is_empty());
    }

    #[test]
    fn managed_entry_without_version_is_not_said_to_be_applied() {
        // The managed entry only sets a scope: neither it nor the
        // declaration gives a version, so nothing versioned is "applied".
        let text = r#"<project>
  <dependencies>
    <dependency><groupId>c</groupId><artifactId>chuck</artifactId></dependency>
  </dependencies>
  <dependencyManagement>
    <dependencies>
      <dependency><groupId>c</groupId><artifactId>chuck</artifactId><scope>test</scope></dependency>
    </dependencies>
  </dependencyManagement>
</project>"#;
        let mut out = Out::default();
        pom(text, &Limits::default(), &mut out).unwrap();
        assert!(out.components.is_empty());
        let managed: Vec<&str> = out
            .skipped
            .iter()
            .filter(|(l, _)| l.line == Some(7))
            .map(|(_, r)| r.as_str())
            .collect();
        assert_eq!(managed.len(), 1, "{:?}", out.skipped);
        let reason = managed.first().copied().unwrap_or_default();
        assert!(!reason.contains("applied"), "{reason}");
        assert!(reason.contains("no version"), "{reason}");
        assert!(reason.contains("c:chuck"), "{reason}");
    }
}
