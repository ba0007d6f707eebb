//! poetry.lock, uv.lock, Pipfile.lock, requirements.txt.

use crate::formats::js::commit_from_url;
use crate::util::{self, component, is_commitish, jkey, jobject, Out, R};
use crate::{Ecosystem, Limits, Location, Origin};
use levee_versions::native::{Pep440Op, Pep440Specifier};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use toml::{Spanned, Table, Value as TV};

#[derive(Deserialize)]
struct TomlLock {
    #[serde(default)]
    package: Vec<Spanned<Table>>,
    /// uv: a script's requirements, or a workspace without a root
    /// project's members, development requirements and dependency groups.
    #[serde(default)]
    manifest: Option<TV>,
}

fn tstr<'a>(t: &'a Table, k: &str) -> Option<&'a str> {
    t.get(k).and_then(TV::as_str)
}

/// poetry.lock and uv.lock share `[[package]]` with name/version/source.
pub(crate) fn poetry_or_uv(text: &str, uv: bool, out: &mut Out) -> R {
    let lock: TomlLock = util::toml(text)?;
    out.structure_seen = true;
    let mut lines = util::LineCounter::new(text);
    let uv_dev = if uv {
        let tables: Vec<&Table> = lock.package.iter().map(Spanned::get_ref).collect();
        uv_dev_only(&tables, lock.manifest.as_ref().and_then(TV::as_table))
    } else {
        Vec::new()
    };
    for (i, p) in lock.package.iter().enumerate() {
        let dev = if uv {
            uv_dev.get(i).copied().unwrap_or(false)
        } else {
            poetry_dev_only(p.get_ref())
        };
        let line = lines.line_of(p.span().start);
        let loc = Location::line(line);
        let t = p.get_ref();
        let Some(name) = tstr(t, "name") else {
            out.problem(loc, "[[package]] without a `name`");
            continue;
        };
        let source = t.get("source").and_then(TV::as_table);
        let mut origin = Origin::Registry(None);
        let mut commit = None;
        if let Some(s) = source {
            if uv {
                if let Some(g) = tstr(s, "git") {
                    commit = commit_from_url(g);
                    origin = Origin::Git(g.split('#').next().unwrap_or(g).to_string());
                } else if let Some(p) = tstr(s, "virtual")
                    .or(tstr(s, "editable"))
                    .or(tstr(s, "path"))
                    .or(tstr(s, "directory"))
                {
                    out.skip(loc, format!("`{name}` is a local project ({p})"));
                    continue;
                } else if let Some(u) = tstr(s, "url") {
                    origin = Origin::Url(u.to_string());
                } else if let Some(r) = tstr(s, "registry") {
                    origin =
                        Origin::Registry((r != "https://pypi.org/simple").then(|| r.to_string()));
                }
            } else {
                let ty = tstr(s, "type").unwrap_or_default();
                let url = tstr(s, "url").unwrap_or_default().to_string();
                match ty {
                    "git" => {
                        commit = tstr(s, "resolved_reference")
                            .filter(|c| is_commitish(c))
                            .map(str::to_string);
                        origin = Origin::Git(url);
                    }
                    "directory" | "file" => origin = Origin::Path(url),
                    "url" => origin = Origin::Url(url),
                    "legacy" => origin = Origin::Registry(Some(url)),
                    _ => {}
                }
            }
        }
        let Some(version) = tstr(t, "version") else {
            if commit.is_none() {
                out.problem(loc, format!("package `{name}` has no `version`"));
                continue;
            }
            let mut c = component(Ecosystem::PyPI, name, "", loc);
            c.commit = commit;
            c.origin = origin;
            c.dev = dev;
            out.push(c);
            continue;
        };
        let mut c = component(Ecosystem::PyPI, name, version, loc);
        c.commit = commit;
        c.origin = origin;
        c.dev = dev;
        out.push(c);
    }
    Ok(())
}

/// A poetry package used only outside the main group: poetry 1.x says
/// `category = "dev"`, poetry 2.x lists `groups` (`["dev", "test"]`) that
/// lack `"main"`. `optional = true` (extras) is not dev: extras ship.
fn poetry_dev_only(t: &Table) -> bool {
    if let Some(TV::Array(groups)) = t.get("groups") {
        return !groups.is_empty() && !groups.iter().any(|g| g.as_str() == Some("main"));
    }
    tstr(t, "category") == Some("dev")
}

/// uv.lock: for each `[[package]]`, whether only development dependency
/// groups pull it in.
///
/// The roots are the workspace's own projects (source `editable` or
/// `virtual`), plus the `[manifest]`: a script's `requirements`
/// (production), and a workspace without a root project's
/// `dependency-groups` and `requirements` (development: such a root has no
/// `[project]`, so no dependencies of its own). Production is what a root's
/// `dependencies` and every one of its `optional-dependencies` (extras
/// ship: `pip install proj[cli]`) reach, following each package's
/// `dependencies` and the extras each edge asks for (`extra = [...]`, a
/// requirement's `extras = [...]`). Development is what a root's
/// `dev-dependencies` (dependency groups, never installed with the
/// package) reach. A package is dev iff it is reached from development and
/// not from production; one reached from neither stays production.
/// Manifest requirements name packages, they are none: only `[[package]]`
/// tables (the resolved set) become components.
fn uv_dev_only<'a>(pkgs: &[&'a Table], manifest: Option<&'a Table>) -> Vec<bool> {
    // A node is a package alone (None) or one of its extras.
    type Node<'a> = (usize, Option<&'a str>);
    fn arr(v: Option<&TV>) -> Vec<&TV> {
        v.and_then(TV::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    }
    // Every dependency of every group of a `dev-dependencies` table.
    fn groups(t: Option<&TV>) -> Vec<&TV> {
        t.and_then(TV::as_table)
            .into_iter()
            .flat_map(|g| g.values())
            .flat_map(|v| arr(Some(v)))
            .collect()
    }
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, t) in pkgs.iter().enumerate() {
        if let Some(n) = tstr(t, "name") {
            by_name
                .entry(levee_versions::purl::pep503(n))
                .or_default()
                .push(i);
        }
    }
    // The nodes one dependency entry (`{ name, version?, extra? }`) names.
    let targets = |dep: &'a TV, into: &mut Vec<Node<'a>>| {
        let Some(d) = dep.as_table() else { return };
        let Some(name) = tstr(d, "name") else { return };
        let version = tstr(d, "version");
        let extras: Vec<&str> = arr(d.get("extra").or_else(|| d.get("extras")))
            .into_iter()
            .filter_map(TV::as_str)
            .collect();
        for &i in by_name
            .get(&levee_versions::purl::pep503(name))
            .into_iter()
            .flatten()
        {
            if version.is_some() && pkgs.get(i).and_then(|t| tstr(t, "version")) != version {
                continue;
            }
            into.push((i, None));
            into.extend(extras.iter().map(|&e| (i, Some(e))));
        }
    };
    let reach = |start: Vec<Node<'a>>| -> Vec<bool> {
        let mut seen: HashSet<Node<'a>> = HashSet::new();
        let mut reached = vec![false; pkgs.len()];
        let mut stack = start;
        while let Some(node) = stack.pop() {
            if !seen.insert(node) {
                continue;
            }
            let (i, extra) = node;
            let Some(t) = pkgs.get(i) else { continue };
            if let Some(r) = reached.get_mut(i) {
                *r = true;
            }
            let list = match extra {
                None => t.get("dependencies"),
                Some(e) => t
                    .get("optional-dependencies")
                    .and_then(TV::as_table)
                    .and_then(|o| o.get(e)),
            };
            for dep in arr(list) {
                targets(dep, &mut stack);
            }
        }
        reached
    };
    let (mut prod, mut dev) = (Vec::new(), Vec::new());
    for (i, t) in pkgs.iter().enumerate() {
        let root = t
            .get("source")
            .and_then(TV::as_table)
            .is_some_and(|s| s.contains_key("editable") || s.contains_key("virtual"));
        if !root {
            continue;
        }
        prod.push((i, None));
        if let Some(o) = t.get("optional-dependencies").and_then(TV::as_table) {
            prod.extend(o.keys().map(|e| (i, Some(e.as_str()))));
        }
        for dep in groups(t.get("dev-dependencies")) {
            targets(dep, &mut dev);
        }
    }
    if let Some(m) = manifest {
        // `requirements`: a script's dependencies (`uv lock --script`, no
        // `members`), or, in a workspace whose root is no project, that
        // root's own, which without a `[project]` can only be its
        // `tool.uv.dev-dependencies` (uv before dependency groups wrote
        // them here; later ones write `dependency-groups`).
        let workspace = m.get("members").is_some();
        for dep in arr(m.get("requirements")) {
            targets(dep, if workspace { &mut dev } else { &mut prod });
        }
        for dep in groups(m.get("dependency-groups")) {
            targets(dep, &mut dev);
        }
    }
    if dev.is_empty() {
        return vec![false; pkgs.len()];
    }
    let (prod, dev) = (reach(prod), reach(dev));
    prod.iter().zip(&dev).map(|(p, d)| *d && !*p).collect()
}

pub(crate) fn pipfile_lock(text: &str, out: &mut Out) -> R {
    let v = util::json(text)?;
    let top = jobject(&v)?;
    out.structure_seen = true;
    for (group, dev) in [("default", false), ("develop", true)] {
        let Some(g) = top.get(group) else { continue };
        let base = jkey("$", group);
        let Some(g) = g.as_object() else {
            out.problem(Location::path(base), format!("`{group}` is not an object"));
            continue;
        };
        for (name, e) in g {
            let path = jkey(&base, name);
            let loc = Location::path(path);
            let version = e.get("version").and_then(|v| v.as_str());
            let git = e.get("git").and_then(|v| v.as_str());
            let git_ref = e
                .get("ref")
                .and_then(|v| v.as_str())
                .filter(|r| is_commitish(r));
            match (version, git, git_ref) {
                (Some(v), _, _) => {
                    let Some(ver) = v.strip_prefix("===").or_else(|| v.strip_prefix("==")) else {
                        out.problem(loc, format!("version `{v}` is not an exact `==` pin"));
                        continue;
                    };
                    let mut c = component(Ecosystem::PyPI, name, ver.trim(), loc);
                    c.dev = dev;
                    c.origin = Origin::Registry(None);
                    out.push(c);
                }
                (None, Some(g), Some(r)) => {
                    let mut c = component(Ecosystem::PyPI, name, "", loc);
                    c.commit = Some(r.to_string());
                    c.origin = Origin::Git(g.to_string());
                    c.dev = dev;
                    out.push(c);
                }
                _ => out.skip(
                    loc,
                    format!("`{name}` has no version (path, URL or unpinned VCS dependency)"),
                ),
            }
        }
    }
    Ok(())
}

fn valid_pep508_name(n: &str) -> bool {
    let b = n.as_bytes();
    !b.is_empty()
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
}

const KNOWN_OPTIONS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "--no-index",
    "-f",
    "--find-links",
    "--trusted-host",
    "--no-binary",
    "--only-binary",
    "--prefer-binary",
    "--require-hashes",
    "--pre",
    "--use-feature",
    "-Z",
    "--always-unzip",
    "--hash",
    "--global-option",
    "--config-settings",
    "-C",
];

pub(crate) fn requirements(text: &str, limits: &Limits, out: &mut Out) -> R {
    // Join backslash continuations, remembering the first line number.
    let mut logical: Vec<(usize, String)> = Vec::new();
    let mut cont = false;
    for l in util::lines(text, limits.max_line_bytes) {
        let (n, line) = l?;
        let (body, more) = match line.trim_end().strip_suffix('\\') {
            Some(b) => (b, true),
            None => (line, false),
        };
        match (cont, logical.last_mut()) {
            (true, Some((_, acc))) => {
                acc.push(' ');
                acc.push_str(body);
            }
            _ => logical.push((n, body.to_string())),
        }
        if logical
            .last()
            .is_some_and(|(_, a)| a.len() > limits.max_line_bytes)
        {
            return Err(util::Fail::limit(
                Location::line(n),
                "continued line is too long",
            ));
        }
        cont = more;
    }
    for (n, raw) in logical {
        let loc = Location::line(n);
        // Comments: `#` at start or after whitespace.
        let mut line = raw.as_str();
        if let Some(i) = line.find(" #").or_else(|| line.find("\t#")) {
            line = line.get(..i).unwrap_or(line);
        }
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('-') {
            let opt = line.split([' ', '=', '\t']).next().unwrap_or(line);
            if matches!(opt, "-r" | "--requirement" | "-c" | "--constraint") {
                // This parser reads one file (no IO): an included file's
                // packages are not in this inventory. Say so.
                out.structure_seen = true;
                let file = line
                    .get(opt.len()..)
                    .unwrap_or("")
                    .trim_start_matches(['=', ' ', '\t']);
                out.skip(
                    loc,
                    format!("`{opt} {file}`: the included file is not read with this one; scan it as well"),
                );
                continue;
            }
            if KNOWN_OPTIONS.contains(&opt) {
                out.structure_seen = true;
            } else {
                out.problem(loc, format!("unknown option `{opt}`"));
            }
            continue;
        }
        if line.starts_with('.')
            || line.starts_with('/')
            || line.contains("://") && !line.contains(" @ ") && !line.contains('@')
            || line.starts_with("git+")
            || line.starts_with("file:")
        {
            out.skip(
                loc,
                format!("`{line}` is a path or URL requirement without a version"),
            );
            continue;
        }
        // Drop per-requirement options and environment markers.
        let mut req = line.split(';').next().unwrap_or(line);
        if let Some(i) = find_option(req) {
            req = req.get(..i).unwrap_or(req);
        }
        let req = req.trim();
        let name_end = req
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
            .unwrap_or(req.len());
        let name = req.get(..name_end).unwrap_or_default();
        let mut rest = req.get(name_end..).unwrap_or_default().trim_start();
        if !valid_pep508_name(name) {
            out.problem(
                loc,
                format!("`{line}` does not start with a valid package name"),
            );
            continue;
        }
        if let Some(r) = rest.strip_prefix('[') {
            let Some((_, after)) = r.split_once(']') else {
                out.problem(loc, "unclosed `[` extras");
                continue;
            };
            rest = after.trim_start();
        }
        if rest.is_empty() {
            out.skip(loc, format!("`{name}` is not pinned to a version"));
            continue;
        }
        if let Some(url) = rest.strip_prefix('@') {
            out.skip(
                loc,
                format!(
                    "`{name}` is a URL requirement ({}) without a version",
                    url.trim()
                ),
            );
            continue;
        }
        let mut pinned: Option<&str> = None;
        let mut bad: Option<String> = None;
        for spec in rest.split(',') {
            let spec = spec.trim();
            let Some(op_end) = spec.find(|c: char| !matches!(c, '=' | '<' | '>' | '!' | '~'))
            else {
                bad = Some(format!("invalid version specifier in `{line}`"));
                break;
            };
            let (op_text, ver) = spec.split_at(op_end);
            let ver = ver.trim();
            let Some(op) = Pep440Op::parse(op_text).filter(|_| !ver.is_empty()) else {
                bad = Some(format!("invalid version specifier in `{line}`"));
                break;
            };
            // Text after the version that is not a marker (`;`), an option
            // (` --hash`) or a comment (` #`): pip rejects the line, so no
            // version is taken from it.
            if let Some((v, junk)) = ver.split_once(char::is_whitespace) {
                bad = Some(format!(
                    "unexpected `{}` after `{op_text}{v}` (pip rejects this requirement)",
                    junk.trim()
                ));
                break;
            }
            // A `${VAR}` is expanded by pip before it reads the line: what
            // it stands for is unknown here.
            if ver.contains("${") {
                continue;
            }
            // Which operator takes which version: levee-versions decides,
            // as it does for advisory ranges.
            if let Err(e) = Pep440Specifier::parse(op, ver) {
                bad = Some(format!("{} (pip rejects this requirement)", e.reason));
                break;
            }
            if matches!(op, Pep440Op::Equal | Pep440Op::ArbitraryEqual) && !ver.ends_with(".*") {
                pinned = Some(ver);
            }
        }
        if let Some(reason) = bad {
            out.problem(loc, reason);
            continue;
        }
        match pinned {
            Some(v) => {
                let mut c = component(Ecosystem::PyPI, name, v, loc);
                c.origin = Origin::Unknown;
                out.push(c);
            }
            None => out.skip(loc, format!("`{name}{rest}` is not pinned to one version")),
        }
    }
    Ok(())
}

/// Byte index of the first ` -x`/` --x` option in a requirement line.
fn find_option(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (1..b.len())
        .find(|&i| b.get(i) == Some(&b'-') && b.get(i - 1).is_some_and(|c| c.is_ascii_whitespace()))
}

/// `[[package]]` tables of a TOML lockfile with their 1-based lines.
pub(crate) fn toml_packages(text: &str) -> R<Vec<(usize, Table)>> {
    let lock: TomlLock = util::toml(text)?;
    let mut lines = util::LineCounter::new(text);
    Ok(lock
        .package
        .into_iter()
        .map(|p| (lines.line_of(p.span().start), p.into_inner()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `op ver` is a specifier pip accepts (`Err`: why not).
    fn specifier_version(op: &str, ver: &str) -> Result<(), String> {
        let op = Pep440Op::parse(op).ok_or_else(|| format!("no operator {op}"))?;
        Pep440Specifier::parse(op, ver)
            .map(|_| ())
            .map_err(|e| e.reason)
    }

    fn dev_flags(lock: &str) -> Vec<(String, bool)> {
        flags(lock, false)
    }

    fn flags(lock: &str, uv: bool) -> Vec<(String, bool)> {
        let mut out = Out::default();
        poetry_or_uv(lock, uv, &mut out).unwrap();
        out.components
            .iter()
            .map(|c| (c.name.clone(), c.dev))
            .collect()
    }

    #[test]
    fn poetry_2_groups_without_main_are_dev() {
        let lock = r#"
[[package]]
name = "six"
version = "1.17.0"
groups = ["main", "dev"]

[[package]]
name = "faker"
version = "33.3.0"
groups = ["dev", "test"]

[[package]]
name = "redis"
version = "5.2.1"
optional = true
groups = ["main"]

[[package]]
name = "numpy"
version = "1.23.3"
category = "dev"
"#;
        assert_eq!(
            dev_flags(lock),
            [
                ("six".to_string(), false),
                ("faker".to_string(), true),
                ("redis".to_string(), false),
                ("numpy".to_string(), true),
            ]
        );
    }

    fn named(v: &[(&str, bool)]) -> Vec<(String, bool)> {
        v.iter().map(|(n, d)| (n.to_string(), *d)).collect()
    }

    /// Root `app` needs `requests`; its `cli` extra needs `click[color]`
    /// (whose `color` extra needs `colorama`); its `dev` group needs
    /// `pytest` (which needs `pluggy` and `requests`) and `click`. Only
    /// what the group alone reaches is dev; `orphan` is reached by nothing.
    #[test]
    fn uv_packages_only_dependency_groups_reach_are_dev() {
        let lock = r#"
version = 1

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "requests" }]

[package.optional-dependencies]
cli = [{ name = "click", extra = ["color"] }]

[package.dev-dependencies]
dev = [{ name = "pytest" }, { name = "click" }]

[[package]]
name = "click"
version = "8.1.7"
source = { registry = "https://pypi.org/simple" }

[package.optional-dependencies]
color = [{ name = "colorama" }]

[[package]]
name = "colorama"
version = "0.4.6"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "orphan"
version = "1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pluggy"
version = "1.5.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "8.3.4"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "pluggy" }, { name = "requests" }]

[[package]]
name = "requests"
version = "2.32.3"
source = { registry = "https://pypi.org/simple" }
"#;
        assert_eq!(
            flags(lock, true),
            named(&[
                ("click", false),
                ("colorama", false),
                ("orphan", false),
                ("pluggy", true),
                ("pytest", true),
                ("requests", false),
            ])
        );
    }

    /// Workspace: two editable members, one needing what the other only
    /// tests with; a `[manifest]` dependency group of a rootless workspace
    /// counts too; `version` on an edge picks one of two locked versions.
    #[test]
    fn uv_workspace_members_are_each_a_root() {
        let lock = r#"
version = 1

[manifest]
members = ["a", "b"]

[manifest.dependency-groups]
lint = [{ name = "ruff" }]

[[package]]
name = "a"
version = "0.1.0"
source = { editable = "packages/a" }
dependencies = [{ name = "attrs", version = "24.2.0" }]

[package.dev-dependencies]
test = [{ name = "hypothesis" }, { name = "attrs", version = "23.1.0" }]

[[package]]
name = "attrs"
version = "23.1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "attrs"
version = "24.2.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "b"
version = "0.1.0"
source = { editable = "packages/b" }
dependencies = [{ name = "hypothesis" }]

[[package]]
name = "hypothesis"
version = "6.0.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "ruff"
version = "0.8.1"
source = { registry = "https://pypi.org/simple" }
"#;
        assert_eq!(
            flags(lock, true),
            named(&[
                ("attrs", true),
                ("attrs", false),
                ("hypothesis", false),
                ("ruff", true),
            ])
        );
    }

    fn reqs(text: &str) -> (Vec<String>, Vec<(Option<u32>, String)>) {
        let mut out = Out::default();
        requirements(text, &Limits::default(), &mut out).unwrap();
        (
            out.components
                .iter()
                .map(|c| format!("{}@{}", c.name, c.version))
                .collect(),
            out.problems
                .iter()
                .map(|(l, r)| (l.line, r.clone()))
                .collect(),
        )
    }

    #[test]
    fn requirement_with_text_after_its_version_is_a_problem() {
        let (found, problems) = reqs(
            "foo7==1.0 unexpected_text --hash=sha256:123\n\
             bar==1.0unexpected_text\n\
             baz>=1.0 junk\n",
        );
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(problems[0].0, Some(1));
        assert!(problems[0].1.contains("unexpected `unexpected_text`"));
        assert_eq!(problems[1].0, Some(2));
        assert!(problems[1].1.contains("`1.0unexpected_text`"));
        assert_eq!(problems[2].0, Some(3));
    }

    #[test]
    fn requirement_options_markers_and_comments_after_a_version_are_fine() {
        let (found, problems) = reqs(concat!(
            "a==1.0 --hash=sha256:123\n",
            "b==1.0 ; python_version<\"3.8\"\n",
            "c==1.0  # comment\n",
            "d==1.0;python_version<\"3.8\"\n",
            "e == 1.2-alpha\n",
            "f==v1!2.0.post1.dev3+local.7\n",
            "g===1.0weird\n",
            "h==1.*\n",
            "i==${VERSION}\n",
            "j>=1.0, <2.0rc1\n",
            "k==1.0-1\n",
        ));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            found,
            [
                "a@1.0",
                "b@1.0",
                "c@1.0",
                "d@1.0",
                "e@1.2-alpha",
                "f@v1!2.0.post1.dev3+local.7",
                "g@1.0weird",
                "k@1.0-1"
            ]
        );
    }

    /// PEP 440's version specifiers section: a local version only after
    /// `==`/`!=` ("Local version identifiers are NOT permitted in this
    /// version specifier" for `~=`, `<=`, `>=`, `<`, `>`); `~=` never with
    /// one release number ("MUST NOT be used with a single segment version
    /// number such as ~=1"); no `.*` after a dev release or local version
    /// ("It is invalid to have a prefix match containing a development or
    /// local release such as 1.0.dev1.* or 1.0+foo1.*"). pip's `packaging`
    /// rejects each; so is each line here, with its line and reason. What
    /// the section allows still reads.
    #[test]
    fn specifiers_pep_440_forbids_are_problems() {
        let bad = [
            ("a>=1.0+loc", "local"),
            ("b<=1.0+loc", "local"),
            ("c>1.0+loc", "local"),
            ("d<1.0+loc", "local"),
            ("e~=1.0+loc", "local"),
            ("f==2.0, >=1.0+loc", "local"),
            ("g~=1", "two release numbers"),
            ("h~=1!1", "two release numbers"),
            ("i~=1.dev1", "two release numbers"),
            ("j==1.0.dev1.*", "dev release"),
            ("k!=1.0.dev1.*", "dev release"),
            ("l==1.0+foo.*", "local"),
        ];
        let good = [
            "m==1.0+loc",
            "n!=1.0+loc, ==2.0",
            "o~=1.0",
            "p~=1!1.0",
            "q~=1.0.dev1",
            "r<1.0.dev1",
            "s==1.0.*",
            "t===1.0+loc",
        ];
        let text: String = bad
            .iter()
            .map(|(l, _)| *l)
            .chain(good)
            .map(|l| format!("{l}\n"))
            .collect();
        let (found, problems) = reqs(&text);
        for (i, (line, why)) in bad.iter().enumerate() {
            let n = u32::try_from(i + 1).unwrap();
            let p = problems.iter().find(|(l, _)| *l == Some(n));
            assert!(
                p.is_some_and(|(_, r)| r.contains(why) && r.contains("pip rejects")),
                "{line}: {p:?}"
            );
        }
        assert_eq!(problems.len(), bad.len(), "{problems:?}");
        assert_eq!(found, ["m@1.0+loc", "n@2.0", "t@1.0+loc"]);
    }

    #[test]
    fn pep440_versions() {
        let pep440 = |v: &str| specifier_version("==", v).is_ok();
        for v in [
            "1",
            "1.0",
            "1.0a",
            "1.0a1",
            "1.0.RC1",
            "1.0-beta.2",
            "1.0post",
            "1.0.post1",
            "1.0-1",
            "1.0_r2",
            "1.0.dev",
            "1.0dev0",
            "1.0+abc.5",
            "2!1.0",
            "V1.0",
            "1.0c1",
            "1.0pre-2",
        ] {
            assert!(pep440(v), "{v}");
        }
        for v in [
            "",
            "a",
            "1.",
            "1..0",
            "1.0junk",
            "1.0a.",
            "1.0+",
            "1.0+a..b",
            "!1",
            "x!1",
            "1.0-",
            "1.0.post1.*+x",
        ] {
            assert!(!pep440(v), "{v}");
        }
        // `.*` only with `==`/`!=`, straight after the release numbers
        // (as packaging 22+ and pip 24.1+)
        assert!(specifier_version(">=", "1.*").is_err());
        for v in [
            "1.0rc1.*",
            "1.0.post1.*",
            "1.0a1.*",
            "1.0.dev1.*",
            "1.0+x.*",
        ] {
            assert!(specifier_version("==", v).is_err(), "{v}");
            assert!(specifier_version("!=", v).is_err(), "{v}");
        }
        assert!(specifier_version("==", "1.0.*").is_ok());
        assert!(specifier_version("!=", "1!2.0.*").is_ok());
        assert!(specifier_version("~=", "1.0.*").is_err());
        assert!(pep440("1.*"));
        assert!(pep440("1.0.*"));
        assert!(!pep440("*"));
        assert!(!pep440("1.0+x.*"));
    }
}
