//! npm package-lock.json / npm-shrinkwrap.json, yarn.lock (v1 and berry),
//! pnpm-lock.yaml.

use crate::util::{self, component, is_commitish, jkey, jobject, jstr, Fail, Out, R};
use crate::{yaml, Ecosystem, Limits, Location, Origin};
use serde_json::Value;

/// Commit id from a git-ish URL (`#sha`, `#commit=sha`, codeload tarballs,
/// `?ref=sha`).
pub(crate) fn commit_from_url(url: &str) -> Option<String> {
    if url.contains("/-/") {
        return None; // a registry tarball: `#...` is a checksum, not a commit
    }
    let cands = [
        url.rsplit_once("#commit=").map(|x| x.1),
        url.rsplit_once("#commit:").map(|x| x.1),
        url.rsplit_once('#').map(|x| x.1),
        url.split_once("codeload.github.com/")
            .and_then(|x| x.1.rsplit_once("/tar.gz/"))
            .map(|x| x.1),
        url.rsplit_once("?ref=").map(|x| x.1),
    ];
    cands
        .into_iter()
        .flatten()
        .find(|c| is_commitish(c))
        .map(str::to_string)
}

fn is_gitish(s: &str) -> bool {
    s.starts_with("git")
        || s.starts_with("github:")
        || s.starts_with("gitlab:")
        || s.starts_with("bitbucket:")
        || s.contains(".git#")
        || s.ends_with(".git")
        || s.contains("codeload.github.com")
        || s.starts_with("ssh://")
}

fn npm_origin(resolved: Option<&str>) -> Origin {
    match resolved {
        Some(r) if is_gitish(r) => Origin::Git(r.to_string()),
        Some(r) if r.starts_with("file:") => Origin::Path(r.to_string()),
        Some(r)
            if r.starts_with("https://registry.npmjs.org/")
                || r.starts_with("https://registry.yarnpkg.com/") =>
        {
            Origin::Registry(None)
        }
        Some(r) if r.starts_with("http") => Origin::Registry(Some(r.to_string())),
        _ => Origin::Unknown,
    }
}

pub(crate) fn package_lock(text: &str, out: &mut Out) -> R {
    let v = util::json(text)?;
    let top = jobject(&v)?;
    if let Some(pkgs) = top.get("packages") {
        let pkgs = pkgs.as_object().ok_or_else(|| {
            Fail::malformed(Location::path("$.packages"), "`packages` is not an object")
        })?;
        out.structure_seen = true;
        for (key, e) in pkgs {
            let path = jkey("$.packages", key);
            let Some(pos) = key.rfind("node_modules/") else {
                continue; // the root project ("") or a workspace member (local source)
            };
            let Some(e) = e.as_object() else {
                out.problem(Location::path(path), "package entry is not an object");
                continue;
            };
            if e.get("link").and_then(Value::as_bool) == Some(true) {
                continue; // a symlink to a workspace package listed elsewhere
            }
            let key_name = key.get(pos + "node_modules/".len()..).unwrap_or_default();
            let name = e.get("name").and_then(Value::as_str).unwrap_or(key_name);
            let resolved = e.get("resolved").and_then(Value::as_str);
            let commit = resolved.and_then(commit_from_url);
            let version = match (e.get("version").and_then(Value::as_str), &commit) {
                (Some(v), _) => v,
                (None, Some(_)) => "", // a git dependency pinned to a commit
                (None, None) => {
                    out.problem(Location::path(path), "package entry has no `version`");
                    continue;
                }
            };
            if name.is_empty() {
                out.problem(Location::path(path), "package entry has no name");
                continue;
            }
            let mut c = component(Ecosystem::Npm, name, version, Location::path(path));
            c.commit = commit;
            c.origin = npm_origin(resolved);
            c.dev = e.get("dev").and_then(Value::as_bool) == Some(true)
                || e.get("devOptional").and_then(Value::as_bool) == Some(true);
            out.push(c);
        }
        return Ok(());
    }
    if let Some(deps) = top.get("dependencies") {
        out.structure_seen = true;
        v1_deps(deps, "$.dependencies", 0, out)?;
        return Ok(());
    }
    if top.contains_key("lockfileVersion") {
        out.structure_seen = true;
        return Ok(()); // a lockfile with no dependencies
    }
    Err(Fail::malformed(
        Location::path("$"),
        "no `packages` or `dependencies`: not an npm lockfile",
    ))
}

fn v1_deps(deps: &Value, path: &str, depth: usize, out: &mut Out) -> R {
    let Some(deps) = deps.as_object() else {
        out.problem(Location::path(path), "`dependencies` is not an object");
        return Ok(());
    };
    if depth > 128 {
        return Err(Fail::limit(
            Location::path(path),
            "dependencies nested too deeply",
        ));
    }
    for (name, e) in deps {
        let p = jkey(path, name);
        let Some(version) = jstr(e, "version") else {
            out.problem(Location::path(p), "dependency has no `version`");
            continue;
        };
        let resolved = jstr(e, "resolved");
        // Local and tarball dependencies carry their spec as "version":
        // not a registry package, no registry version to check.
        if !is_gitish(version)
            && ["file:", "link:", "http://", "https://"]
                .iter()
                .any(|pre| version.starts_with(pre))
        {
            out.skip(
                Location::path(p),
                format!("`{name}` is not from the registry ({version})"),
            );
            continue;
        }
        // Git dependencies in v1 carry the URL as "version"; aliases
        // `npm:real-name@1.2.3`.
        let (real_name, version, commit) = if is_gitish(version) {
            let commit = commit_from_url(version).or_else(|| resolved.and_then(commit_from_url));
            (name.as_str(), "", commit)
        } else if let Some(alias) = version.strip_prefix("npm:") {
            let (n, v) = split_at_version(alias);
            (n, v, None)
        } else {
            (name.as_str(), version, resolved.and_then(commit_from_url))
        };
        if version.is_empty() && commit.is_none() {
            out.skip(
                Location::path(p),
                format!("`{name}` has no version or commit"),
            );
            continue;
        }
        let mut c = component(
            Ecosystem::Npm,
            real_name,
            version,
            Location::path(p.clone()),
        );
        c.commit = commit;
        c.origin = if c.commit.is_some() {
            Origin::Git(resolved.unwrap_or_default().to_string())
        } else {
            npm_origin(resolved)
        };
        c.dev = e.get("dev").and_then(Value::as_bool) == Some(true);
        out.push(c);
        if let Some(sub) = e.get("dependencies") {
            v1_deps(sub, &format!("{p}.dependencies"), depth + 1, out)?;
        }
    }
    Ok(())
}

/// Split `name@range` at the version `@` (not a scope's leading `@`).
pub(crate) fn split_at_version(spec: &str) -> (&str, &str) {
    match spec.get(1..).and_then(|s| s.find('@')) {
        Some(i) => (
            spec.get(..i + 1).unwrap_or(spec),
            spec.get(i + 2..).unwrap_or_default(),
        ),
        None => (spec, ""),
    }
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(s)
}

pub(crate) fn yarn(text: &str, limits: &Limits, out: &mut Out) -> R {
    let is_berry = text.lines().take(50).any(|l| l.starts_with("__metadata:"));
    if is_berry {
        return yarn_berry(text, limits, out);
    }
    // v1: header lines at column 0 ending in ':', then indented fields.
    struct Block<'a> {
        line: usize,
        spec: &'a str,
        version: Option<&'a str>,
        resolved: Option<&'a str>,
    }
    let mut blocks: Vec<Block> = Vec::new();
    for l in util::lines(text, limits.max_line_bytes) {
        let (n, line) = l?;
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            if line.contains("yarn lockfile v1") {
                out.structure_seen = true;
            }
            continue;
        }
        if !line.starts_with(' ') {
            let Some(h) = line.strip_suffix(':') else {
                out.problem(
                    Location::line(n),
                    format!("unexpected line `{}`", trunc(line)),
                );
                continue;
            };
            let first = h.split(", ").next().unwrap_or(h);
            blocks.push(Block {
                line: n,
                spec: unquote(first),
                version: None,
                resolved: None,
            });
        } else if let Some(b) = blocks.last_mut() {
            let t = line.trim_start();
            let indent = line.len() - t.len();
            if indent == 2 {
                if let Some(v) = t.strip_prefix("version ") {
                    b.version = Some(unquote(v));
                } else if let Some(v) = t.strip_prefix("resolved ") {
                    b.resolved = Some(unquote(v));
                }
            }
        } else {
            out.problem(Location::line(n), "indented line outside any entry");
        }
    }
    for b in blocks {
        let (mut name, range) = split_at_version(b.spec);
        if let Some(real) = range.strip_prefix("npm:") {
            let (n, _) = split_at_version(real);
            if !n.is_empty() && real.contains('@') {
                name = n;
            } else if !real.contains('@') {
                name = real;
            }
        }
        let Some(version) = b.version else {
            out.problem(
                Location::line(b.line),
                format!("entry `{}` has no version", b.spec),
            );
            continue;
        };
        if name.is_empty() {
            out.problem(Location::line(b.line), "entry has no package name");
            continue;
        }
        let mut c = component(Ecosystem::Npm, name, version, Location::line(b.line));
        c.commit = b.resolved.and_then(commit_from_url);
        c.origin = if c.commit.is_some() {
            Origin::Git(b.resolved.unwrap_or_default().to_string())
        } else if range.starts_with("file:") || range.starts_with("link:") {
            // A local package: not the registry package of that name.
            Origin::Path(range.to_string())
        } else {
            npm_origin(b.resolved)
        };
        out.push(c);
    }
    Ok(())
}

fn trunc(s: &str) -> &str {
    match s.char_indices().nth(60) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

fn yarn_berry(text: &str, limits: &Limits, out: &mut Out) -> R {
    let doc = yaml::parse(text, limits)?;
    if !doc.is_map() {
        return Err(Fail::malformed(
            Location::line(1),
            "yarn.lock is not a mapping",
        ));
    }
    out.structure_seen = true;
    for (key, e) in doc.map() {
        if key == "__metadata" {
            continue;
        }
        let loc = Location::line(e.entry_line());
        let resolution = e
            .get_str("resolution")
            .unwrap_or_else(|| key.split(", ").next().unwrap_or(key));
        let (name, proto) = split_at_version(unquote(resolution));
        if ["workspace:", "link:", "portal:", "file:"]
            .iter()
            .any(|p| proto.starts_with(p))
        {
            out.skip(
                loc.clone(),
                format!("`{name}` is a local package ({proto})"),
            );
            continue;
        }
        let Some(version) = e.get_str("version") else {
            out.problem(loc, format!("entry `{key}` has no version"));
            continue;
        };
        if name.is_empty() {
            out.problem(loc, format!("entry `{key}` has no package name"));
            continue;
        }
        let mut c = component(Ecosystem::Npm, name, version, loc);
        if proto.starts_with("npm:") {
            c.origin = Origin::Registry(None);
        } else {
            c.commit = commit_from_url(proto);
            if c.commit.is_some() {
                c.origin = Origin::Git(proto.to_string());
            }
        }
        out.push(c);
    }
    Ok(())
}

pub(crate) fn pnpm(text: &str, limits: &Limits, out: &mut Out) -> R {
    let doc = yaml::parse(text, limits)?;
    if matches!(doc.v, yaml::Y::Null) {
        return Ok(());
    }
    let Some(ver) = doc.get_str("lockfileVersion") else {
        return Err(Fail::malformed(
            Location::line(1),
            "no `lockfileVersion`: not a pnpm lockfile",
        ));
    };
    out.structure_seen = true;
    let major: u32 = ver
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    let Some(pkgs) = doc.get("packages") else {
        return Ok(());
    };
    for (key, e) in pkgs.map() {
        let loc = Location::line(e.entry_line());
        let (name, version) = pnpm_key(key, major).unwrap_or_default();
        let name = e.get_str("name").map(str::to_string).unwrap_or(name);
        let version = e.get_str("version").map(str::to_string).unwrap_or(version);
        let resolution = e.get("resolution");
        let commit = resolution
            .and_then(|r| r.get_str("commit"))
            .map(str::to_string);
        if name.is_empty() {
            out.problem(loc, format!("cannot read a package name from `{key}`"));
            continue;
        }
        if version.is_empty() && commit.is_none() {
            out.problem(loc, format!("cannot read a version from `{key}`"));
            continue;
        }
        let mut c = component(Ecosystem::Npm, &name, &version, loc);
        c.dev = e.get_str("dev") == Some("true");
        if let Some(commit) = commit {
            c.origin = Origin::Git(
                resolution
                    .and_then(|r| r.get_str("repo"))
                    .unwrap_or_default()
                    .to_string(),
            );
            c.commit = Some(commit);
        } else if let Some(t) = resolution.and_then(|r| r.get_str("tarball")) {
            c.commit = commit_from_url(t);
            c.origin = if c.commit.is_some() {
                Origin::Git(t.to_string())
            } else {
                Origin::Url(t.to_string())
            };
        }
        out.push(c);
    }
    Ok(())
}

/// Name and version from a pnpm `packages` key:
/// v5 `/name/1.0.0_peer@1`, v6 `/name@1.0.0(peer@1)`, v9 `name@1.0.0(peer@1)`,
/// with an optional registry host prefix.
fn pnpm_key(key: &str, major: u32) -> Option<(String, String)> {
    let k = key.split('(').next().unwrap_or(key);
    if major >= 6 {
        let k = k.trim_start_matches('/');
        let (n, v) = split_at_version(k);
        if v.is_empty() || n.is_empty() {
            return None;
        }
        if v.contains(':') || v.contains('/') {
            return Some((n.to_string(), String::new()));
        }
        return Some((n.to_string(), v.to_string()));
    }
    // v5: [host]/[@scope/]name/version[_peers]. The peer suffix hangs off
    // the version only: names may hold `_` (`string_decoder`).
    let mut parts: Vec<&str> = k.split('/').collect();
    if parts.first() == Some(&"") {
        parts.remove(0);
    } else if !parts.is_empty() {
        parts.remove(0); // registry host
    }
    let version = parts.pop()?;
    let version = version.split('_').next().unwrap_or(version);
    let name = parts.join("/");
    if name.is_empty() || !version.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((name, version.to_string()))
}

#[cfg(test)]
mod tests {
    use super::pnpm_key;

    #[test]
    fn package_lock_v1_local_and_tarball_dependencies_are_skipped() {
        let text = r#"{"name":"x","version":"1.0.0","lockfileVersion":1,"dependencies":{
            "localpkg":{"version":"file:../localpkg"},
            "tarpkg":{"version":"https://example.com/tarpkg-1.0.0.tgz"},
            "gitpkg":{"version":"git+https://github.com/a/b.git#0123456789abcdef0123456789abcdef01234567"},
            "left-pad":{"version":"1.3.0","resolved":"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"}}}"#;
        let mut out = crate::util::Out::default();
        super::package_lock(text, &mut out).unwrap();
        let names: Vec<&str> = out.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["gitpkg", "left-pad"]);
        assert_eq!(out.skipped.len(), 2, "{:?}", out.skipped);
        assert!(out
            .skipped
            .iter()
            .all(|(_, why)| why.contains("not from the registry")));
    }

    #[test]
    fn pnpm_v5_keys_keep_underscores_in_names() {
        let k = |key: &str| pnpm_key(key, 5);
        let own = |n: &str, v: &str| Some((n.to_string(), v.to_string()));
        assert_eq!(k("/string_decoder/1.3.0"), own("string_decoder", "1.3.0"));
        assert_eq!(
            k("/lodash._reinterpolate/3.0.0"),
            own("lodash._reinterpolate", "3.0.0")
        );
        assert_eq!(
            k("/@babel/core/7.0.0_foo@1.0.0"),
            own("@babel/core", "7.0.0")
        );
        assert_eq!(k("/has_flag/4.0.0_react@16.0.0"), own("has_flag", "4.0.0"));
        assert_eq!(
            k("registry.npmjs.org/string_decoder/1.3.0"),
            own("string_decoder", "1.3.0")
        );
        assert_eq!(k("/not-a-version/abc"), None);
    }

    #[test]
    fn yarn_v1_local_packages_are_paths() {
        let text = "# yarn lockfile v1\n\n\"localpkg@file:../localpkg\":\n  version \"1.0.0\"\n\nleft-pad@^1.3.0:\n  version \"1.3.0\"\n  resolved \"https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz\"\n";
        let mut out = crate::util::Out::default();
        super::yarn(text, &crate::Limits::default(), &mut out).unwrap();
        let origins: Vec<(&str, &crate::Origin)> = out
            .components
            .iter()
            .map(|c| (c.name.as_str(), &c.origin))
            .collect();
        assert_eq!(
            origins,
            [
                ("localpkg", &crate::Origin::Path("file:../localpkg".into())),
                ("left-pad", &crate::Origin::Registry(None)),
            ]
        );
    }
}
