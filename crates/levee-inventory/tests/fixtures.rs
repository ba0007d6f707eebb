//! Every lockfile fixture in ../shared/data/lockfiles parses, or is a
//! deliberate negative case rejected with a reason.
//!
//! Rule for negative cases (from the fixture names, see SOURCES.md): a file
//! whose name starts with `not-` or `invalid` (or contains `bad`) must be
//! rejected (`Err` naming a line/path) or yield at least one problem. Every
//! other file must parse with no problems.
//!
//! `components` below was checked by hand against each file. `entries` is
//! an independent count of package entries made with Python's own parsers
//! (json, tomllib, PyYAML, ElementTree) and simple per-format rules (e.g.
//! npm v2: keys of `packages` containing `node_modules/` that are not links;
//! Cargo/poetry/uv: `len(package)`; gradle: non-comment lines), and every
//! entry must be accounted for: components + problems + skipped == entries.

use levee_inventory::{parse_as, ErrorKind, Format, Format::*};

enum Expect {
    /// (components, independent entry count, or None when not applicable)
    Ok(usize, Option<usize>),
    Rejected,
}
use Expect::*;

const CASES: &[(&str, Format, Expect)] = &[
    (
        "npm-package-lock/alias.v2.json",
        NpmPackageLock,
        Ok(3, Some(3)),
    ),
    (
        "npm-package-lock/bundled-dependencies.v3.json",
        NpmPackageLock,
        Ok(3, Some(3)),
    ),
    (
        "npm-package-lock/commits.v2.json",
        NpmPackageLock,
        Ok(14, Some(14)),
    ),
    (
        "npm-package-lock/empty.v2.json",
        NpmPackageLock,
        Ok(0, Some(0)),
    ),
    (
        "npm-package-lock/nested-dependencies-dup.v2.json",
        NpmPackageLock,
        Ok(36, Some(36)),
    ),
    (
        "npm-package-lock/nested-dependencies.v2.json",
        NpmPackageLock,
        Ok(5, Some(5)),
    ),
    ("npm-package-lock/not-json.txt", NpmPackageLock, Rejected),
    (
        "npm-package-lock/one-package.v1.json",
        NpmPackageLock,
        Ok(1, Some(1)),
    ),
    (
        "npm-package-lock/one-package.v2.json",
        NpmPackageLock,
        Ok(1, Some(1)),
    ),
    (
        "npm-package-lock/optional-package.v2.json",
        NpmPackageLock,
        Ok(2, Some(2)),
    ),
    (
        "npm-package-lock/same-package-different-groups.v2.json",
        NpmPackageLock,
        Ok(7, Some(7)),
    ),
    (
        "npm-package-lock/scoped-packages.v1.json",
        NpmPackageLock,
        Ok(2, Some(2)),
    ),
    (
        "npm-package-lock/scoped-packages.v2.json",
        NpmPackageLock,
        Ok(2, Some(2)),
    ),
    (
        "npm-package-lock/two-packages.v2.json",
        NpmPackageLock,
        Ok(2, Some(2)),
    ),
    ("yarn-lock/commits.v1.lock", YarnLock, Ok(18, Some(18))),
    ("yarn-lock/commits.v2.lock", YarnLock, Ok(7, Some(7))),
    ("yarn-lock/empty.v1.lock", YarnLock, Ok(0, Some(0))),
    (
        "yarn-lock/multiple-versions.v2.lock",
        YarnLock,
        Ok(3, Some(3)),
    ),
    ("yarn-lock/one-package.v1.lock", YarnLock, Ok(1, Some(1))),
    ("yarn-lock/one-package.v2.lock", YarnLock, Ok(1, Some(1))),
    (
        "yarn-lock/scoped-packages.v1.lock",
        YarnLock,
        Ok(2, Some(2)),
    ),
    (
        "yarn-lock/scoped-packages.v2.lock",
        YarnLock,
        Ok(3, Some(3)),
    ),
    ("yarn-lock/two-packages.v2.lock", YarnLock, Ok(2, Some(2))),
    ("yarn-lock/with-aliases.v1.lock", YarnLock, Ok(3, Some(3))),
    ("yarn-lock/with-aliases.v2.lock", YarnLock, Ok(3, Some(4))),
    (
        "yarn-lock/with-build-string.v2.lock",
        YarnLock,
        Ok(2, Some(3)),
    ),
    (
        "yarn-lock/with-prerelease.v2.lock",
        YarnLock,
        Ok(2, Some(3)),
    ),
    ("pnpm-lock/commits.v9.yaml", PnpmLock, Ok(2, Some(2))),
    ("pnpm-lock/empty.yaml", PnpmLock, Ok(0, Some(0))),
    // two keys (a bare git repo and `/foo/bar`) carry no version: problems
    ("pnpm-lock/exotic.yaml", PnpmLock, Ok(7, Some(9))),
    ("pnpm-lock/mixed-groups.v9.yaml", PnpmLock, Ok(3, Some(3))),
    (
        "pnpm-lock/multiple-packages.yaml",
        PnpmLock,
        Ok(14, Some(14)),
    ),
    ("pnpm-lock/one-package.v9.yaml", PnpmLock, Ok(1, Some(1))),
    ("pnpm-lock/one-package.yaml", PnpmLock, Ok(1, Some(1))),
    (
        "pnpm-lock/peer-dependencies-advanced.v9.yaml",
        PnpmLock,
        Ok(13, Some(13)),
    ),
    (
        "pnpm-lock/peer-dependencies.v9.yaml",
        PnpmLock,
        Ok(2, Some(2)),
    ),
    ("pnpm-lock/peer-dependencies.yaml", PnpmLock, Ok(2, Some(2))),
    (
        "pnpm-lock/scoped-packages.v9.yaml",
        PnpmLock,
        Ok(1, Some(1)),
    ),
    ("pnpm-lock/tarball.yaml", PnpmLock, Ok(1, Some(1))),
    (
        "poetry-lock/multiple-packages.v2.lock",
        PoetryLock,
        Ok(11, Some(11)),
    ),
    (
        "poetry-lock/names-outside-package-block.lock",
        PoetryLock,
        Ok(2, Some(2)),
    ),
    ("poetry-lock/not-toml.txt", PoetryLock, Rejected),
    (
        "poetry-lock/one-package-with-metadata.lock",
        PoetryLock,
        Ok(1, Some(1)),
    ),
    ("poetry-lock/one-package.lock", PoetryLock, Ok(1, Some(1))),
    (
        "poetry-lock/optional-package.lock",
        PoetryLock,
        Ok(1, Some(1)),
    ),
    ("poetry-lock/source-git.lock", PoetryLock, Ok(1, Some(1))),
    ("poetry-lock/source-legacy.lock", PoetryLock, Ok(1, Some(1))),
    ("poetry-lock/two-packages.lock", PoetryLock, Ok(2, Some(2))),
    ("pipfile-lock/empty.json", PipfileLock, Ok(0, Some(0))),
    ("pipfile-lock/minified.json", PipfileLock, Ok(1, Some(1))),
    (
        "pipfile-lock/multiple-packages.json",
        PipfileLock,
        Ok(5, Some(5)),
    ),
    ("pipfile-lock/no-version.json", PipfileLock, Ok(2, Some(2))),
    ("pipfile-lock/not-json.txt", PipfileLock, Rejected),
    (
        "pipfile-lock/one-package-dev.json",
        PipfileLock,
        Ok(1, Some(1)),
    ),
    ("pipfile-lock/one-package.json", PipfileLock, Ok(1, Some(1))),
    (
        "pipfile-lock/two-packages-alt.json",
        PipfileLock,
        Ok(2, Some(2)),
    ),
    (
        "pipfile-lock/two-packages.json",
        PipfileLock,
        Ok(2, Some(2)),
    ),
    (
        "requirements-txt/comments.txt",
        RequirementsTxt,
        Ok(5, None),
    ),
    ("requirements-txt/env_var.txt", RequirementsTxt, Ok(2, None)),
    ("requirements-txt/example.txt", RequirementsTxt, Ok(1, None)),
    ("requirements-txt/extras.txt", RequirementsTxt, Ok(2, None)),
    (
        "requirements-txt/invalid.txt",
        RequirementsTxt,
        Ok(0, Some(5)),
    ),
    (
        "requirements-txt/multiline_and_comments.txt",
        RequirementsTxt,
        Ok(2, None),
    ),
    (
        "requirements-txt/no_version.txt",
        RequirementsTxt,
        Ok(0, Some(3)),
    ),
    // foo10 and foo15 have an empty `==` version: problems
    (
        "requirements-txt/per_req_options.txt",
        RequirementsTxt,
        Ok(16, Some(18)),
    ),
    (
        "requirements-txt/trailing_backslash.txt",
        RequirementsTxt,
        Ok(1, Some(1)),
    ),
    (
        "requirements-txt/with_versions.txt",
        RequirementsTxt,
        Ok(7, Some(11)),
    ),
    ("uv-lock/grouped-packages.lock", UvLock, Ok(14, Some(15))),
    (
        "uv-lock/names-outside-package-block.lock",
        UvLock,
        Ok(2, Some(2)),
    ),
    ("uv-lock/no-dependencies.lock", UvLock, Ok(0, Some(1))),
    ("uv-lock/no-packages.lock", UvLock, Ok(0, Some(0))),
    ("uv-lock/not-toml.txt", UvLock, Rejected),
    ("uv-lock/one-package.lock", UvLock, Ok(1, Some(2))),
    ("uv-lock/source-git.lock", UvLock, Ok(1, Some(2))),
    ("uv-lock/two-packages.lock", UvLock, Ok(2, Some(3))),
    ("cargo-lock/duplicate.lock", CargoLock, Ok(2, Some(2))),
    ("cargo-lock/empty.lock", CargoLock, Ok(0, Some(0))),
    ("cargo-lock/many-packages.lock", CargoLock, Ok(6, Some(6))),
    ("cargo-lock/not-toml.txt", CargoLock, Rejected),
    ("cargo-lock/one-package.lock", CargoLock, Ok(1, Some(1))),
    (
        "cargo-lock/package-with-build-string.lock",
        CargoLock,
        Ok(1, Some(1)),
    ),
    (
        "cargo-lock/package-with-comments.lock",
        CargoLock,
        Ok(2, Some(2)),
    ),
    (
        "cargo-lock/two-packages-with-local.lock",
        CargoLock,
        Ok(2, Some(2)),
    ),
    ("cargo-lock/two-packages.lock", CargoLock, Ok(2, Some(2))),
    // go.mod: requires + one `stdlib` component when a go/toolchain line exists
    ("go-mod/indirect-1.23.mod", GoMod, Ok(3, Some(3))),
    ("go-mod/indirect-packages.mod", GoMod, Ok(6, Some(6))),
    ("go-mod/not-go-mod.mod", GoMod, Rejected),
    ("go-mod/one-package.mod", GoMod, Ok(1, Some(1))),
    ("go-mod/replace-different.mod", GoMod, Ok(2, Some(2))),
    ("go-mod/replace-local.mod", GoMod, Ok(1, Some(2))),
    ("go-mod/replace-mixed.mod", GoMod, Ok(2, Some(2))),
    ("go-mod/replace-one.mod", GoMod, Ok(1, Some(1))),
    ("go-mod/toolchain.mod", GoMod, Ok(2, Some(2))),
    ("go-mod/two-packages.mod", GoMod, Ok(3, Some(3))),
    (
        "composer-lock/drupal-packages.json",
        ComposerLock,
        Ok(4, Some(4)),
    ),
    (
        "composer-lock/duplicate-packages.json",
        ComposerLock,
        Ok(3, Some(3)),
    ),
    ("composer-lock/empty.json", ComposerLock, Ok(0, Some(0))),
    ("composer-lock/not-json.txt", ComposerLock, Rejected),
    (
        "composer-lock/one-package-dev.json",
        ComposerLock,
        Ok(1, Some(1)),
    ),
    (
        "composer-lock/one-package.json",
        ComposerLock,
        Ok(1, Some(1)),
    ),
    (
        "composer-lock/two-packages-alt.json",
        ComposerLock,
        Ok(2, Some(2)),
    ),
    (
        "composer-lock/two-packages.json",
        ComposerLock,
        Ok(2, Some(2)),
    ),
    ("gemfile-lock/has-git-gem.lock", GemfileLock, Ok(5, Some(5))),
    (
        "gemfile-lock/has-local-gem.lock",
        GemfileLock,
        Ok(29, Some(30)),
    ),
    ("gemfile-lock/invalid.lock", GemfileLock, Ok(0, Some(1))),
    ("gemfile-lock/no-gems.lock", GemfileLock, Ok(0, Some(0))),
    ("gemfile-lock/one-gem.lock", GemfileLock, Ok(1, Some(1))),
    ("gemfile-lock/rails.lock", GemfileLock, Ok(46, Some(46))),
    ("gemfile-lock/rubocop.lock", GemfileLock, Ok(10, Some(10))),
    (
        "gemfile-lock/source-section-at-end.lock",
        GemfileLock,
        Ok(1, Some(1)),
    ),
    ("maven-pom/interpolation.xml", MavenPom, Ok(2, Some(3))),
    ("maven-pom/invalid-syntax.xml", MavenPom, Rejected),
    ("maven-pom/one-package.xml", MavenPom, Ok(1, Some(1))),
    ("maven-pom/parent/pom.xml", MavenPom, Ok(1, Some(1))),
    ("maven-pom/transitive.xml", MavenPom, Ok(4, Some(4))),
    ("maven-pom/two-packages.xml", MavenPom, Ok(2, Some(2))),
    (
        "maven-pom/with-dependency-management.xml",
        MavenPom,
        Ok(4, Some(4)),
    ),
    ("maven-pom/with-parent.xml", MavenPom, Ok(4, Some(6))),
    ("maven-pom/with-scope.xml", MavenPom, Ok(2, Some(2))),
    ("gradle-lockfile/5-pkg", GradleLockfile, Ok(5, Some(5))),
    ("gradle-lockfile/one-pkg", GradleLockfile, Ok(1, Some(1))),
    (
        "gradle-lockfile/only-comments",
        GradleLockfile,
        Ok(0, Some(0)),
    ),
    ("gradle-lockfile/only-empty", GradleLockfile, Ok(0, Some(0))),
    (
        "gradle-lockfile/with-bad-pkg",
        GradleLockfile,
        Ok(2, Some(6)),
    ),
    ("mix-lock/empty.lock", MixLock, Ok(0, Some(0))),
    ("mix-lock/git.lock", MixLock, Ok(3, Some(3))),
    ("mix-lock/many.lock", MixLock, Ok(21, Some(21))),
    ("mix-lock/one-package.lock", MixLock, Ok(1, Some(1))),
    ("mix-lock/two-packages.lock", MixLock, Ok(2, Some(2))),
    (
        "pubspec-lock/mixed-packages.lock",
        PubspecLock,
        Ok(4, Some(4)),
    ),
    ("pubspec-lock/no-packages.lock", PubspecLock, Ok(0, Some(0))),
    ("pubspec-lock/not-yaml.txt", PubspecLock, Rejected),
    (
        "pubspec-lock/one-package-dev.lock",
        PubspecLock,
        Ok(1, Some(1)),
    ),
    ("pubspec-lock/one-package.lock", PubspecLock, Ok(1, Some(1))),
    ("pubspec-lock/source-git.lock", PubspecLock, Ok(5, Some(5))),
    ("pubspec-lock/source-path.lock", PubspecLock, Ok(0, Some(1))),
    ("pubspec-lock/source-sdk.lock", PubspecLock, Ok(0, Some(1))),
    (
        "pubspec-lock/two-packages.lock",
        PubspecLock,
        Ok(2, Some(2)),
    ),
    (
        "osv-scanner-scan-fixtures/in-place-npm__package-lock.json",
        NpmPackageLock,
        Ok(106, Some(106)),
    ),
    (
        "osv-scanner-scan-fixtures/locks-insecure__composer.lock",
        ComposerLock,
        Ok(1, Some(1)),
    ),
    (
        "osv-scanner-scan-fixtures/locks-many-with-insecure__composer.lock",
        ComposerLock,
        Ok(6, Some(6)),
    ),
    (
        "osv-scanner-scan-fixtures/locks-requirements__requirements.prod.txt",
        RequirementsTxt,
        Ok(1, Some(1)),
    ),
    (
        "osv-scanner-scan-fixtures/locks-scalibr__Package.resolved",
        SwiftPackageResolved,
        Ok(2, Some(2)),
    ),
    (
        "osv-scanner-scan-fixtures/locks-scalibr__Podfile.lock",
        PodfileLock,
        Ok(2, Some(2)),
    ),
    // 7 constraint lines, one of which is a flag setting
    (
        "osv-scanner-scan-fixtures/locks-scalibr__cabal.project.freeze",
        CabalFreeze,
        Ok(6, None),
    ),
    (
        "osv-scanner-scan-fixtures/locks-scalibr__gems.locked",
        GemfileLock,
        Ok(25, Some(26)),
    ),
    (
        "osv-scanner-scan-fixtures/locks-scalibr__packages.lock.json",
        NugetPackagesLock,
        Ok(1, Some(1)),
    ),
    (
        "osv-scanner-scan-fixtures/locks-scalibr__stack.yaml.lock",
        StackYamlLock,
        Ok(4, Some(4)),
    ),
    (
        "osv-scanner-scan-fixtures/override-maven__pom.xml",
        MavenPom,
        Ok(4, Some(4)),
    ),
    (
        "osv-scanner-scan-fixtures/test-image-with-deprecated__Cargo.lock",
        CargoLock,
        Ok(33, Some(33)),
    ),
];

fn is_negative(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.starts_with("not-") || name.starts_with("invalid") || name.contains("bad")
}

#[test]
fn every_lockfile_fixture_parses_or_is_a_rejected_negative_case() {
    let Some(root) = levee_testdata::shared_data("lockfiles") else {
        return;
    };
    // Every file on disk is covered by the table (MANIFEST.json aside).
    let mut on_disk = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if rel != "MANIFEST.json" {
                    on_disk.push(rel);
                }
            }
        }
    }
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|c| c.0.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "fixture table and ../shared/data/lockfiles differ"
    );

    let mut failures = Vec::new();
    for (rel, format, expect) in CASES {
        let bytes = std::fs::read(root.join(rel)).unwrap();
        let r = parse_as(*format, rel, &bytes);
        let negative = is_negative(rel);
        match (expect, &r) {
            (Rejected, Err(e)) => {
                assert!(
                    negative,
                    "{rel}: rejected but not named as a negative case: {e}"
                );
                assert_eq!(e.file, *rel);
                assert!(
                    e.location.line.is_some() || e.location.path.is_some(),
                    "{rel}: error without place: {e}"
                );
                assert!(!e.reason.is_empty());
                assert_ne!(e.kind, ErrorKind::UnknownFormat);
            }
            (Ok(n, entries), Result::Ok(inv)) => {
                if inv.components.len() != *n {
                    failures.push(format!(
                        "{rel}: {} components, expected {n}",
                        inv.components.len()
                    ));
                }
                if let Some(entries) = entries {
                    let seen = inv.components.len() + inv.problems.len() + inv.skipped.len();
                    if seen != *entries {
                        failures.push(format!(
                            "{rel}: {seen} entries accounted for, independent count {entries}"
                        ));
                    }
                }
                if negative && inv.problems.is_empty() {
                    failures.push(format!("{rel}: negative case accepted without problems"));
                }
                if !negative
                    && !inv.problems.is_empty()
                    && *rel != "pnpm-lock/exotic.yaml"
                    && *rel != "requirements-txt/per_req_options.txt"
                {
                    failures.push(format!("{rel}: unexpected problems {:?}", inv.problems));
                }
                for c in &inv.components {
                    assert!(c.purl.starts_with("pkg:"), "{rel}: bad purl {}", c.purl);
                    assert!(!c.name.is_empty(), "{rel}: empty name");
                    assert!(
                        !c.version.is_empty() || c.commit.is_some(),
                        "{rel}: {} has neither version nor commit",
                        c.name
                    );
                    assert!(
                        c.location.line.is_some() || c.location.path.is_some(),
                        "{rel}: component without location"
                    );
                }
                for p in &inv.problems {
                    assert_eq!(p.file, *rel);
                    assert!(
                        p.location.line.is_some() || p.location.path.is_some(),
                        "{rel}: problem without place"
                    );
                }
            }
            (_, r) => failures.push(format!(
                "{rel}: unexpected result {:?}",
                r.as_ref().map(|i| i.components.len())
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Spot checks of what the components say (names as OSV expects them,
/// commits, scopes), one per ecosystem family.
#[test]
fn component_fields_spot_checks() {
    let Some(root) = levee_testdata::shared_data("lockfiles") else {
        return;
    };
    let get =
        |rel: &str, f: Format| parse_as(f, rel, &std::fs::read(root.join(rel)).unwrap()).unwrap();
    let find = |inv: &levee_inventory::Inventory, name: &str| {
        inv.components
            .iter()
            .find(|c| c.name == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    let inv = get("npm-package-lock/alias.v2.json", NpmPackageLock);
    assert!(inv
        .components
        .iter()
        .all(|c| c.osv_ecosystem().as_deref() == Some("npm")));
    let inv = get("yarn-lock/with-aliases.v1.lock", YarnLock);
    let c = find(&inv, "@babel/helper-validator-identifier");
    assert_eq!((c.version.as_str(), c.commit.as_deref()), ("7.22.20", None));
    let inv = get("pnpm-lock/commits.v9.yaml", PnpmLock);
    assert!(inv.components.iter().any(|c| c.commit.is_some()));
    let inv = get("poetry-lock/source-git.lock", PoetryLock);
    assert!(inv.components[0].commit.is_some());
    let inv = get("cargo-lock/two-packages-with-local.lock", CargoLock);
    assert!(inv
        .components
        .iter()
        .any(|c| matches!(c.origin, levee_inventory::Origin::Path(_))));
    assert!(inv
        .components
        .iter()
        .all(|c| c.osv_ecosystem().as_deref() == Some("crates.io")));
    let inv = get("go-mod/toolchain.mod", GoMod);
    let c = find(&inv, "github.com/BurntSushi/toml");
    assert_eq!(
        (c.version.as_str(), c.purl.as_str()),
        ("1.0.0", "pkg:golang/github.com/BurntSushi/toml@v1.0.0")
    );
    assert_eq!(find(&inv, "stdlib").version, "1.23.6");
    let inv = get("go-mod/replace-one.mod", GoMod);
    assert_eq!(inv.components[0].name, "example.com/fork/net");
    let inv = get("maven-pom/interpolation.xml", MavenPom);
    assert!(inv
        .components
        .iter()
        .all(|c| c.name.contains(':') && !c.version.contains("${")));
    let inv = get("maven-pom/with-scope.xml", MavenPom);
    assert!(inv.components.iter().any(|c| c.dev));
    let inv = get("composer-lock/one-package-dev.json", ComposerLock);
    assert!(inv.components[0].dev && inv.components[0].name.contains('/'));
    let inv = get("gemfile-lock/has-git-gem.lock", GemfileLock);
    assert!(inv.components.iter().any(|c| c.commit.is_some()));
    let inv = get("mix-lock/git.lock", MixLock);
    assert!(inv
        .components
        .iter()
        .all(|c| c.commit.as_deref().is_some_and(|s| s.len() == 40)));
    let inv = get(
        "osv-scanner-scan-fixtures/locks-scalibr__Package.resolved",
        SwiftPackageResolved,
    );
    assert_eq!(inv.components[0].name, "github.com/apple/swift-nio-http2");
    assert_eq!(inv.components[0].version, "1.19.1");
    let inv = get(
        "osv-scanner-scan-fixtures/locks-scalibr__stack.yaml.lock",
        StackYamlLock,
    );
    let c = find(&inv, "postgresql-libpq");
    assert_eq!(c.version, "0.10.1.0");
    let inv = get("pipfile-lock/one-package-dev.json", PipfileLock);
    assert!(inv.components[0].dev);
    // Lines point at the entry.
    let inv = get("cargo-lock/two-packages.lock", CargoLock);
    let text = std::fs::read_to_string(root.join("cargo-lock/two-packages.lock")).unwrap();
    for c in &inv.components {
        let line = text
            .lines()
            .nth(c.location.line.unwrap() as usize - 1)
            .unwrap();
        assert_eq!(line, "[[package]]");
    }
}

#[test]
fn detection_by_canonical_names_and_content() {
    let Some(root) = levee_testdata::shared_data("lockfiles") else {
        return;
    };
    for (rel, want) in [
        ("cargo-lock/two-packages.lock", CargoLock),
        ("yarn-lock/one-package.v1.lock", YarnLock),
        ("yarn-lock/one-package.v2.lock", YarnLock),
        ("pnpm-lock/one-package.v9.yaml", PnpmLock),
        ("npm-package-lock/one-package.v2.json", NpmPackageLock),
        ("composer-lock/one-package.json", ComposerLock),
        ("pipfile-lock/one-package.json", PipfileLock),
        (
            "osv-scanner-scan-fixtures/locks-scalibr__Podfile.lock",
            PodfileLock,
        ),
        (
            "osv-scanner-scan-fixtures/locks-scalibr__Package.resolved",
            SwiftPackageResolved,
        ),
        (
            "osv-scanner-scan-fixtures/locks-scalibr__packages.lock.json",
            NugetPackagesLock,
        ),
        (
            "osv-scanner-scan-fixtures/locks-scalibr__stack.yaml.lock",
            StackYamlLock,
        ),
        ("maven-pom/one-package.xml", MavenPom),
        ("go-mod/one-package.mod", GoMod),
        ("gemfile-lock/one-gem.lock", GemfileLock),
        ("mix-lock/one-package.lock", MixLock),
        ("pubspec-lock/one-package.lock", PubspecLock),
        ("gradle-lockfile/5-pkg", GradleLockfile),
    ] {
        let bytes = std::fs::read(root.join(rel)).unwrap();
        assert_eq!(
            levee_inventory::detect(rel, &bytes),
            Some(want),
            "content of {rel}"
        );
    }
    for (name, want) in [
        ("a/b/Cargo.lock", CargoLock),
        ("package-lock.json", NpmPackageLock),
        ("npm-shrinkwrap.json", NpmPackageLock),
        ("requirements-dev.txt", RequirementsTxt),
        ("x.cdx.json", CycloneDxJson),
        ("x.spdx.json", SpdxJson),
        ("x.spdx", SpdxTagValue),
        ("buildscript-gradle.lockfile", GradleLockfile),
        ("gems.locked", GemfileLock),
        ("uv.lock", UvLock),
    ] {
        assert_eq!(levee_inventory::detect_by_name(name), Some(want), "{name}");
    }
    assert_eq!(levee_inventory::detect("README.md", b"# hello"), None);
    let e = levee_inventory::parse("README.md", b"# hello").unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnknownFormat);
}
