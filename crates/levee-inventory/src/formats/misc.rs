//! composer.lock, Gemfile.lock, mix.lock, pubspec.lock, NuGet
//! packages.lock.json, Package.resolved, Podfile.lock, stack.yaml.lock,
//! cabal.project.freeze.

use crate::util::{self, component, is_commitish, jidx, jkey, jobject, jstr, Fail, Out, R};
use crate::{yaml, Ecosystem, Limits, Location, Origin};
use serde_json::Value;

pub(crate) fn composer(text: &str, out: &mut Out) -> R {
    let v = util::json(text)?;
    let top = jobject(&v)?;
    if !top.contains_key("packages") && !top.contains_key("packages-dev") {
        return Err(Fail::malformed(
            Location::path("$"),
            "no `packages`: not a composer.lock",
        ));
    }
    out.structure_seen = true;
    for (group, dev) in [("packages", false), ("packages-dev", true)] {
        let Some(list) = top.get(group) else { continue };
        let base = jkey("$", group);
        let Some(list) = list.as_array() else {
            out.problem(Location::path(base), format!("`{group}` is not an array"));
            continue;
        };
        for (i, p) in list.iter().enumerate() {
            let loc = Location::path(jidx(&base, i));
            let (Some(name), Some(version)) = (jstr(p, "name"), jstr(p, "version")) else {
                out.problem(loc, "package without `name` and `version`");
                continue;
            };
            let mut c = component(Ecosystem::Packagist, name, version, loc);
            c.dev = dev;
            c.commit = p
                .get("source")
                .and_then(|s| jstr(s, "reference"))
                .filter(|r| is_commitish(r))
                .map(str::to_string);
            c.origin = Origin::Registry(None);
            out.push(c);
        }
    }
    Ok(())
}

pub(crate) fn gemfile(text: &str, limits: &Limits, out: &mut Out) -> R {
    #[derive(PartialEq)]
    enum Sec {
        Gem,
        Git,
        Path,
        Other,
    }
    let mut sec = Sec::Other;
    let mut revision: Option<String> = None;
    let mut remote: Option<String> = None;
    let mut in_specs = false;
    // name, version, commit, remote -> line of the first entry: bundler
    // locks one entry per platform build (`nokogiri (1.18.2-arm64-darwin)`,
    // `nokogiri (1.18.2-x86_64-linux)`), all one release for advisories;
    // the same name and version from another remote is another package.
    type Key = (String, String, Option<String>, Option<String>);
    let mut seen: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
    for l in util::lines(text, limits.max_line_bytes) {
        let (n, line) = l?;
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            sec = match line.trim() {
                "GEM" => Sec::Gem,
                "GIT" => Sec::Git,
                "PATH" => Sec::Path,
                "PLATFORMS" | "DEPENDENCIES" | "RUBY VERSION" | "BUNDLED WITH" | "CHECKSUMS"
                | "PLUGIN SOURCE" => Sec::Other,
                other => {
                    out.problem(Location::line(n), format!("unknown section `{other}`"));
                    Sec::Other
                }
            };
            if sec != Sec::Other
                || matches!(line.trim(), "PLATFORMS" | "DEPENDENCIES" | "BUNDLED WITH")
            {
                out.structure_seen = true;
            }
            revision = None;
            remote = None;
            in_specs = false;
            continue;
        }
        if sec == Sec::Other {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let t = line.trim();
        if indent == 2 {
            in_specs = t == "specs:";
            if let Some(r) = t.strip_prefix("revision: ") {
                revision = Some(r.trim().to_string());
            } else if let Some(r) = t.strip_prefix("remote: ") {
                remote = Some(r.trim().to_string());
            }
            continue;
        }
        if indent != 4 || !in_specs {
            continue;
        }
        let loc = Location::line(n);
        let Some((name, rest)) = t.split_once(" (") else {
            out.problem(loc, format!("gem `{t}` has no version"));
            continue;
        };
        let Some(ver) = rest.strip_suffix(')') else {
            out.problem(loc, format!("malformed gem line `{t}`"));
            continue;
        };
        // `1.13.6-x86_64-linux`: drop the platform.
        let (ver, platform) = ver.split_once('-').unwrap_or((ver, ""));
        if sec == Sec::Path {
            out.skip(
                loc,
                format!(
                    "`{name}` comes from a local path ({})",
                    remote.as_deref().unwrap_or("?")
                ),
            );
            continue;
        }
        let mut c = component(Ecosystem::RubyGems, name, ver, loc);
        if sec == Sec::Git {
            c.commit = revision.clone().filter(|r| is_commitish(r));
            c.origin = Origin::Git(remote.clone().unwrap_or_default());
        } else {
            c.origin = Origin::Registry(remote.clone().filter(|r| r != "https://rubygems.org/"));
        }
        let key = (
            name.to_string(),
            ver.to_string(),
            c.commit.clone(),
            remote.clone(),
        );
        if let Some(first) = seen.get(&key) {
            let build = if platform.is_empty() {
                String::new()
            } else {
                format!(" ({platform} build)")
            };
            out.skip(
                Location::line(n),
                format!("`{name}` {ver}{build} is already reported at line {first}"),
            );
            continue;
        }
        seen.insert(key, n);
        out.push(c);
    }
    Ok(())
}

/// Comma-separated top-level items of an Elixir term (brackets/strings aware).
fn elixir_items(s: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut in_str, mut start, mut esc) = (0i32, false, 0usize, false);
    for (i, c) in s.char_indices() {
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, '\\') => esc = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' | '[' | '(' => depth += 1,
            '}' | ']' | ')' => depth -= 1,
            ',' if depth == 0 => {
                items.push(s.get(start..i).unwrap_or_default().trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = s.get(start..).unwrap_or_default().trim();
    if !last.is_empty() {
        items.push(last);
    }
    items
}

fn ex_str(s: &str) -> Option<&str> {
    s.strip_prefix('"')?.strip_suffix('"')
}

pub(crate) fn mix(text: &str, limits: &Limits, out: &mut Out) -> R {
    let t = text.trim();
    if t.is_empty() {
        return Ok(());
    }
    if !t.starts_with("%{") {
        return Err(Fail::malformed(
            Location::line(1),
            "mix.lock must be an Elixir map `%{...}`",
        ));
    }
    out.structure_seen = true;
    for l in util::lines(text, limits.max_line_bytes) {
        let (n, line) = l?;
        let line = line.trim();
        if !line.starts_with('"') {
            continue;
        }
        let loc = Location::line(n);
        let Some((key, val)) = line.split_once("\": {") else {
            out.problem(loc, "expected `\"name\": {...}`");
            continue;
        };
        let key = key.trim_start_matches('"');
        let val = val.trim_end().trim_end_matches(',').trim_end();
        let Some(val) = val.strip_suffix('}') else {
            out.problem(loc, "entry does not end with `}`");
            continue;
        };
        let items = elixir_items(val);
        match items.as_slice() {
            [":hex", name, ver, ..] => {
                let name = name.trim_start_matches(':');
                let Some(ver) = ex_str(ver) else {
                    out.problem(loc, "hex entry without a version string");
                    continue;
                };
                let mut c = component(Ecosystem::Hex, name, ver, loc);
                c.origin = Origin::Registry(None);
                out.push(c);
            }
            [":git", url, sha, ..] => {
                let (Some(url), Some(sha)) = (ex_str(url), ex_str(sha)) else {
                    out.problem(loc, "git entry without URL and commit");
                    continue;
                };
                let mut c = component(Ecosystem::Hex, key, "", loc);
                c.commit = Some(sha.to_string());
                c.origin = Origin::Git(url.to_string());
                out.push(c);
            }
            [":path", ..] => out.skip(loc, format!("`{key}` is a local path dependency")),
            _ => out.problem(loc, format!("unrecognised mix.lock entry for `{key}`")),
        }
    }
    Ok(())
}

pub(crate) fn pubspec(text: &str, limits: &Limits, out: &mut Out) -> R {
    let doc = yaml::parse(text, limits)?;
    if matches!(doc.v, yaml::Y::Null) {
        return Ok(());
    }
    if !doc.is_map() {
        return Err(Fail::malformed(
            Location::line(doc.line),
            "pubspec.lock is not a mapping",
        ));
    }
    out.structure_seen = true;
    let Some(pkgs) = doc.get("packages") else {
        return Ok(());
    };
    for (name, e) in pkgs.map() {
        let loc = Location::line(e.entry_line());
        let source = e.get_str("source").unwrap_or_default();
        if source == "sdk" || source == "path" {
            out.skip(loc, format!("`{name}` comes from {source}"));
            continue;
        }
        let Some(version) = e.get_str("version") else {
            out.problem(loc, format!("package `{name}` has no version"));
            continue;
        };
        let mut c = component(Ecosystem::Pub, name, version, loc);
        c.dev = e.get_str("dependency").is_some_and(|d| d.contains("dev"));
        if source == "git" {
            let d = e.get("description");
            c.commit = d
                .and_then(|d| d.get_str("resolved-ref"))
                .map(str::to_string);
            c.origin = Origin::Git(
                d.and_then(|d| d.get_str("url"))
                    .unwrap_or_default()
                    .to_string(),
            );
        } else {
            c.origin = Origin::Registry(None);
        }
        out.push(c);
    }
    Ok(())
}

pub(crate) fn nuget(text: &str, out: &mut Out) -> R {
    let v = util::json(text)?;
    let top = jobject(&v)?;
    let Some(deps) = top.get("dependencies").and_then(Value::as_object) else {
        return Err(Fail::malformed(
            Location::path("$.dependencies"),
            "no `dependencies` object: not a packages.lock.json",
        ));
    };
    out.structure_seen = true;
    let mut seen = std::collections::HashSet::new();
    for (fw, pkgs) in deps {
        let base = jkey("$.dependencies", fw);
        let Some(pkgs) = pkgs.as_object() else {
            out.problem(
                Location::path(base),
                "target framework entry is not an object",
            );
            continue;
        };
        for (name, e) in pkgs {
            let path = jkey(&base, name);
            if jstr(e, "type") == Some("Project") {
                continue;
            }
            let Some(ver) = jstr(e, "resolved") else {
                out.problem(Location::path(path), "package has no `resolved` version");
                continue;
            };
            if seen.insert((name.as_str(), ver)) {
                let mut c = component(Ecosystem::NuGet, name, ver, Location::path(path));
                c.origin = Origin::Registry(None);
                out.push(c);
            }
        }
    }
    Ok(())
}

fn swift_name(url: &str) -> String {
    let u = url.trim_end_matches('/');
    let u = u.strip_suffix(".git").unwrap_or(u);
    let u = u.split_once("://").map(|x| x.1).unwrap_or(u);
    let u = u.rsplit_once('@').map(|x| x.1).unwrap_or(u); // user@host
    u.replacen(':', "/", 1)
}

pub(crate) fn package_resolved(text: &str, out: &mut Out) -> R {
    let v = util::json(text)?;
    let top = jobject(&v)?;
    let (pins, base) = match (
        top.get("pins"),
        top.get("object").and_then(|o| o.get("pins")),
    ) {
        (Some(p), _) => (p, "$.pins"),
        (None, Some(p)) => (p, "$.object.pins"),
        _ => {
            return Err(Fail::malformed(
                Location::path("$"),
                "no `pins`: not a Package.resolved",
            ))
        }
    };
    let Some(pins) = pins.as_array() else {
        return Err(Fail::malformed(
            Location::path(base),
            "`pins` is not an array",
        ));
    };
    out.structure_seen = true;
    for (i, p) in pins.iter().enumerate() {
        let loc = Location::path(jidx(base, i));
        let Some(url) = jstr(p, "location").or_else(|| jstr(p, "repositoryURL")) else {
            out.problem(loc, "pin without `location`");
            continue;
        };
        let state = p.get("state");
        let version = state.and_then(|s| jstr(s, "version")).unwrap_or_default();
        let commit = state.and_then(|s| jstr(s, "revision")).map(str::to_string);
        if version.is_empty() && commit.is_none() {
            out.problem(loc, "pin without version or revision");
            continue;
        }
        if jstr(p, "kind") == Some("localSourceControl") {
            out.skip(loc, format!("`{url}` is a local package"));
            continue;
        }
        let mut c = component(Ecosystem::SwiftURL, &swift_name(url), version, loc);
        c.commit = commit;
        c.origin = Origin::Git(url.to_string());
        out.push(c);
    }
    Ok(())
}

pub(crate) fn podfile(text: &str, limits: &Limits, out: &mut Out) -> R {
    let doc = yaml::parse(text, limits)?;
    let Some(pods) = doc.get("PODS") else {
        return Err(Fail::malformed(
            Location::line(1),
            "no `PODS:` section: not a Podfile.lock",
        ));
    };
    out.structure_seen = true;
    for p in pods.seq() {
        let (spec, line) = match (&p.v, p.map().first()) {
            (yaml::Y::Str(s), _) => (s.as_str(), p.line),
            (_, Some((k, _))) => (k.as_str(), p.line),
            _ => {
                out.problem(Location::line(p.line), "unrecognised pod entry");
                continue;
            }
        };
        let loc = Location::line(line);
        let Some((name, ver)) = spec
            .split_once(" (")
            .and_then(|(n, v)| Some((n, v.strip_suffix(')')?)))
        else {
            out.problem(loc, format!("pod `{spec}` has no version"));
            continue;
        };
        out.push(component(Ecosystem::CocoaPods, name, ver, loc));
    }
    Ok(())
}

/// `name-1.2.3` → (`name`, `1.2.3`).
fn split_hackage(s: &str) -> Option<(&str, &str)> {
    let s = s.split('@').next().unwrap_or(s);
    let (n, v) = s.rsplit_once('-')?;
    (v.chars().next().is_some_and(|c| c.is_ascii_digit()) && !n.is_empty()).then_some((n, v))
}

pub(crate) fn stack_lock(text: &str, limits: &Limits, out: &mut Out) -> R {
    let doc = yaml::parse(text, limits)?;
    if !doc.is_map() {
        return Err(Fail::malformed(
            Location::line(doc.line),
            "stack.yaml.lock is not a mapping",
        ));
    }
    out.structure_seen = true;
    for p in doc.get("packages").map(|p| p.seq()).unwrap_or_default() {
        let loc = Location::line(p.line);
        let done = p.get("completed").unwrap_or(p);
        if let Some(h) = done.get_str("hackage") {
            match split_hackage(h) {
                Some((n, v)) => out.push(component(Ecosystem::Hackage, n, v, loc)),
                None => out.problem(loc, format!("cannot read name and version from `{h}`")),
            }
        } else if let (Some(name), Some(ver)) = (done.get_str("name"), done.get_str("version")) {
            let mut c = component(Ecosystem::Hackage, name, ver, loc);
            c.commit = done.get_str("commit").map(str::to_string);
            if let Some(g) = done.get_str("git") {
                c.origin = Origin::Git(g.to_string());
            }
            out.push(c);
        } else {
            out.problem(loc, "package entry without `hackage` or `name`/`version`");
        }
    }
    Ok(())
}

pub(crate) fn cabal_freeze(text: &str, limits: &Limits, out: &mut Out) -> R {
    let mut in_constraints = false;
    for l in util::lines(text, limits.max_line_bytes) {
        let (n, line) = l?;
        let mut t = line.trim();
        if t.is_empty() || t.starts_with("--") {
            continue;
        }
        if let Some(rest) = t.strip_prefix("constraints:") {
            in_constraints = true;
            out.structure_seen = true;
            t = rest.trim();
        } else if !line.starts_with(' ') {
            in_constraints = false;
            out.structure_seen = true; // other top-level fields (index-state, ...)
            continue;
        }
        if !in_constraints {
            continue;
        }
        let t = t.trim_end_matches(',').trim();
        let loc = Location::line(n);
        if let Some((pkg, ver)) = t.split_once("==") {
            let pkg = pkg.trim();
            let pkg = pkg.strip_prefix("any.").unwrap_or(pkg);
            out.push(component(Ecosystem::Hackage, pkg, ver.trim(), loc));
        } else if t.contains(" +") || t.contains(" -") || t.contains(" installed") {
            // flag settings and `installed` constraints carry no version
        } else {
            out.problem(loc, format!("unrecognised constraint `{t}`"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemfile_platform_builds_are_one_component() {
        let lock = "GEM
  remote: https://rubygems.org/
  specs:
    nokogiri (1.18.2-arm64-darwin)
      racc (~> 1.4)
    nokogiri (1.18.2-x86_64-linux-gnu)
      racc (~> 1.4)
    nokogiri (1.18.3)
    racc (1.8.1)

PLATFORMS
  arm64-darwin
  x86_64-linux-gnu
";
        let mut out = Out::default();
        gemfile(lock, &Limits::default(), &mut out).unwrap();
        let found: Vec<_> = out
            .components
            .iter()
            .map(|c| (format!("{}@{}", c.name, c.version), c.location.line))
            .collect();
        assert_eq!(
            found,
            [
                ("nokogiri@1.18.2".to_string(), Some(4)),
                ("nokogiri@1.18.3".to_string(), Some(8)),
                ("racc@1.8.1".to_string(), Some(9)),
            ]
        );
        assert!(out.problems.is_empty());
        assert_eq!(out.skipped.len(), 1);
        assert_eq!(out.skipped[0].0.line, Some(6));
        assert!(out.skipped[0].1.contains("line 4"), "{:?}", out.skipped);
    }

    #[test]
    fn gemfile_same_release_from_two_remotes_is_two_components() {
        // A private gem server's `nokogiri 1.18.2` is not rubygems.org's:
        // only builds from the same source are one component.
        let lock = "GEM
  remote: https://rubygems.org/
  specs:
    nokogiri (1.18.2-x86_64-linux-gnu)

GEM
  remote: https://gems.example.com/
  specs:
    nokogiri (1.18.2-x86_64-linux-gnu)
    nokogiri (1.18.2-arm64-darwin)

PLATFORMS
  x86_64-linux-gnu
";
        let mut out = Out::default();
        gemfile(lock, &Limits::default(), &mut out).unwrap();
        let found: Vec<_> = out
            .components
            .iter()
            .map(|c| (c.version.as_str(), c.origin.clone(), c.location.line))
            .collect();
        assert_eq!(
            found,
            [
                ("1.18.2", Origin::Registry(None), Some(4)),
                (
                    "1.18.2",
                    Origin::Registry(Some("https://gems.example.com/".into())),
                    Some(9)
                ),
            ]
        );
        // The second build from the private remote is still merged.
        assert_eq!(out.skipped.len(), 1, "{:?}", out.skipped);
        assert_eq!(out.skipped[0].0.line, Some(10));
        assert!(out.skipped[0].1.contains("line 9"), "{:?}", out.skipped);
    }
}
