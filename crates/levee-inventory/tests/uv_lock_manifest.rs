//! uv.lock: the `[[package]]` tables are the resolved set, and only they
//! become components. `[manifest]` says what was asked for: `requirements`
//! (`uv lock --script`: the script's dependencies; a workspace without a
//! root project: that root's own dependencies, which, having no
//! `[project]`, can only be development ones, `tool.uv.dev-dependencies`,
//! as uv before dependency groups wrote them), `dependency-groups`,
//! `constraints` and `overrides` (limits, not requirements). Extras are
//! asked for per edge: `extra = [...]` on a dependency, `extras = [...]` on
//! a requirement; a package's `[package.optional-dependencies]` are
//! reached only through an edge that asks for them.

use levee_inventory::{parse_as, Format, Inventory};

fn parse(lock: &str) -> Inventory {
    parse_as(Format::UvLock, "uv.lock", lock.as_bytes()).unwrap()
}

/// `name@version` (` dev` when only development reaches it), line.
fn listed(inv: &Inventory) -> Vec<(String, Option<u32>)> {
    inv.components
        .iter()
        .map(|c| {
            let dev = if c.dev { " dev" } else { "" };
            (format!("{}@{}{dev}", c.name, c.version), c.location.line)
        })
        .collect()
}

fn owned(v: &[(&str, u32)]) -> Vec<(String, Option<u32>)> {
    v.iter().map(|(s, l)| (s.to_string(), Some(*l))).collect()
}

/// A script's lock (`uv lock --script`): the requirements are the roots,
/// what they name and reach is production; a requirement naming nothing
/// locked (a marker left it out) adds no component; constraints and
/// overrides add nothing either.
#[test]
fn script_lock_requirements_are_roots_not_packages() {
    let lock = r#"version = 1
revision = 2
requires-python = ">=3.12"

[manifest]
requirements = [
    { name = "httpx", extras = ["http2"], specifier = ">=0.27" },
    { name = "pywin32", marker = "sys_platform == 'win32'" },
    { name = "rich" },
]
constraints = [{ name = "idna", specifier = "<4" }]
overrides = [{ name = "sniffio", specifier = "==1.3.1" }]

[[package]]
name = "anyio"
version = "4.8.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "idna" }, { name = "sniffio" }]

[[package]]
name = "h2"
version = "4.1.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "hpack" }]

[[package]]
name = "hpack"
version = "4.0.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "httpx"
version = "0.28.1"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "anyio" }]

[package.optional-dependencies]
http2 = [{ name = "h2" }]

[[package]]
name = "idna"
version = "3.10"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "rich"
version = "13.9.4"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "sniffio"
version = "1.3.1"
source = { registry = "https://pypi.org/simple" }
"#;
    let inv = parse(lock);
    assert!(inv.problems.is_empty(), "{:?}", inv.problems);
    assert!(inv.skipped.is_empty(), "{:?}", inv.skipped);
    assert_eq!(
        listed(&inv),
        owned(&[
            ("anyio@4.8.0", 14),
            ("h2@4.1.0", 20),
            ("hpack@4.0.0", 26),
            ("httpx@0.28.1", 31),
            ("idna@3.10", 40),
            ("rich@13.9.4", 45),
            ("sniffio@1.3.1", 50),
        ])
    );
}

/// A workspace without a root project (`members`): its `[manifest]`
/// requirements are that root's development dependencies, like its
/// `dependency-groups`; what only they reach is dev, what a member needs
/// stays production. Extras on a requirement (`extras`) reach the
/// extra's dependencies.
#[test]
fn workspace_manifest_requirements_are_the_roots_development_dependencies() {
    let lock = r#"version = 1
requires-python = ">=3.12"

[manifest]
members = ["api", "worker"]
requirements = [{ name = "pytest", extras = ["cov"] }, { name = "requests" }]

[manifest.dependency-groups]
lint = [{ name = "ruff" }]

[[package]]
name = "api"
version = "0.1.0"
source = { editable = "api" }
dependencies = [{ name = "requests" }]

[[package]]
name = "coverage"
version = "7.6.10"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "8.3.4"
source = { registry = "https://pypi.org/simple" }

[package.optional-dependencies]
cov = [{ name = "coverage" }]

[[package]]
name = "requests"
version = "2.32.3"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "ruff"
version = "0.8.6"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "worker"
version = "0.1.0"
source = { virtual = "worker" }
"#;
    let inv = parse(lock);
    assert!(inv.problems.is_empty(), "{:?}", inv.problems);
    assert_eq!(
        listed(&inv),
        owned(&[
            ("coverage@7.6.10 dev", 17),
            ("pytest@8.3.4 dev", 22),
            ("requests@2.32.3", 30),
            ("ruff@0.8.6 dev", 35),
        ])
    );
    // The members are local projects: skipped, with their lines.
    let skipped: Vec<_> = inv.skipped.iter().map(|s| s.location.line).collect();
    assert_eq!(skipped, [Some(11), Some(40)]);
}

/// Extras are per edge: production asks for `click`, a dependency group
/// for `click[color]`, so `colorama` (the `color` extra) is dev; an edge
/// asking for an extra the package does not have reaches nothing more; an
/// extra nobody asks for reaches nothing (its package, reached from
/// neither side, stays production).
#[test]
fn package_extras_are_reached_only_through_edges_that_ask_for_them() {
    let lock = r#"version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "click" }, { name = "attrs", extra = ["nonexistent"] }]

[package.dev-dependencies]
dev = [{ name = "click", extra = ["color"] }]

[[package]]
name = "attrs"
version = "24.3.0"
source = { registry = "https://pypi.org/simple" }

[package.optional-dependencies]
tests = [{ name = "hypothesis" }]

[[package]]
name = "click"
version = "8.1.8"
source = { registry = "https://pypi.org/simple" }

[package.optional-dependencies]
color = [{ name = "colorama" }]

[[package]]
name = "colorama"
version = "0.4.6"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "hypothesis"
version = "6.123.2"
source = { registry = "https://pypi.org/simple" }
"#;
    let inv = parse(lock);
    assert!(inv.problems.is_empty(), "{:?}", inv.problems);
    assert_eq!(
        listed(&inv),
        owned(&[
            ("attrs@24.3.0", 13),
            ("click@8.1.8", 21),
            ("colorama@0.4.6 dev", 29),
            ("hypothesis@6.123.2", 34),
        ])
    );
}
