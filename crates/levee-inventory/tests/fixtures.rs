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
    // foo10 and foo15 have an empty `==` version, foo7 text after its
    // version: problems
    (
        "requirements-txt/per_req_options.txt",
        RequirementsTxt,
        Ok(15, Some(18)),
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
        Ok(3, Some(4)),
    ),
    ("maven-pom/with-parent.xml", MavenPom, Ok(3, Some(6))),
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
        Ok(24, Some(26)),
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

/// Exact components (`name@version`, then `#commit` and ` dev` when set) for
/// fixtures whose expectations osv-scalibr's extractor tests (or
/// osv-scanner's for the scan fixtures) spell out, compared as multisets.
/// Where Levee differs on purpose, a comment says how upstream differs.
const EXACT: &[(&str, Format, &[&str])] = &[
    (
        "npm-package-lock/alias.v2.json",
        NpmPackageLock,
        &[
            "@babel/code-frame@7.0.0",
            "string-width@5.1.2",
            "string-width@4.2.0",
        ],
    ),
    (
        "npm-package-lock/scoped-packages.v1.json",
        NpmPackageLock,
        &[
            "@babel/code-frame@7.0.0",
            "wrappy@1.0.2",
        ],
    ),
    (
        "npm-package-lock/scoped-packages.v2.json",
        NpmPackageLock,
        &[
            "@babel/code-frame@7.0.0",
            "wrappy@1.0.2",
        ],
    ),
    (
        "npm-package-lock/nested-dependencies.v2.json",
        NpmPackageLock,
        &[
            "postcss@6.0.23",
            "postcss-calc@7.0.1",
            "postcss@7.0.16",
            "supports-color@6.1.0",
            "supports-color@5.5.0",
        ],
    ),
    // upstream puts wrappy (`optional: true`) in an "optional" group; Levee
    // counts only dev / devOptional as dev: optional deps are installed in
    // production.
    (
        "npm-package-lock/optional-package.v2.json",
        NpmPackageLock,
        &[
            "supports-color@5.5.0 dev",
            "wrappy@1.0.2",
        ],
    ),
    (
        "npm-package-lock/commits.v2.json",
        NpmPackageLock,
        &[
            "@segment/analytics.js-integration-facebook-pixel@2.4.1#3b1bb80b302c2e552685dc8a029797ec832ea7c9",
            "ansi-styles@1.0.0",
            "babel-preset-php@1.1.1#c5a7ba5e0ad98b8db1cb8ce105403dd4b768cced dev",
            "is-number-1@3.0.0#af885e2e890b9ef0875edd2b117305119ee5bdc5 dev",
            "is-number-2@2.0.0#d5ac0584ee9ae7bd9288220a39780f155b9ad4c8 dev",
            "is-number-3@2.0.0#d5ac0584ee9ae7bd9288220a39780f155b9ad4c8 dev",
            "is-number-4@3.0.0#af885e2e890b9ef0875edd2b117305119ee5bdc5 dev",
            "is-number-5@3.0.0#af885e2e890b9ef0875edd2b117305119ee5bdc5 dev",
            "postcss-calc@7.0.1",
            "is-number-1@3.0.0#be5935f8d2595bcd97b05718ef1eeae08d812e10 dev",
            "is-number-2@2.0.0#82dcc8e914dabd9305ab9ae580709a7825e824f5 dev",
            "is-number-3@3.0.0#82ae8802978da40d7f1be5ad5943c9e550ab2c89 dev",
            "raven-js@#c2b377e7a254264fd4a1fe328e4e3cfc9e245570",
            "slick-carousel@1.7.1#280b560161b751ba226d50c7db1e0a14a78c2de0 dev",
        ],
    ),
    (
        "yarn-lock/with-aliases.v1.lock",
        YarnLock,
        &[
            "ansi-regex@5.0.1",
            "ansi-regex@6.0.1",
            "@babel/helper-validator-identifier@7.22.20",
        ],
    ),
    (
        "yarn-lock/with-aliases.v2.lock",
        YarnLock,
        &[
            "ansi-regex@5.0.1",
            "ansi-regex@6.0.1",
            "@babel/helper-validator-identifier@7.22.20",
        ],
    ),
    (
        "yarn-lock/commits.v2.lock",
        YarnLock,
        &[
            "@my-scope/my-first-package@0.0.6#0b824c650d3a03444dbcf2b27a5f3566f6e41358",
            "my-second-package@0.2.2#59e2127b9f9d4fda5f928c4204213b3502cd5bb0",
            "@typegoose/typegoose@7.2.0#3ed06e5097ab929f69755676fee419318aaec73a",
            "vuejs@2.5.0#0948d999f2fddf9f90991956493f976273c5da1f",
            "my-third-package@0.16.1-dev#5675a0aed98e067ff6ecccc5ac674fe8995960e0",
            "my-node-sdk@1.1.0#053dea9e0b8af442d8f867c8e690d2fb0ceb1bf5",
            "is-really-great@1.0.0#191eeef50c584714e1fb8927d17ee72b3b8c97c4",
        ],
    ),
    (
        "yarn-lock/with-build-string.v2.lock",
        YarnLock,
        &[
            "domino@2.1.6+git#f2435fe1f9f7c91ade0bd472c4723e5eacd7d19a",
            "tslib@2.6.2",
        ],
    ),
    (
        "yarn-lock/with-prerelease.v2.lock",
        YarnLock,
        &[
            "@nicolo-ribaudo/chokidar-2@2.1.8-no-fsevents.3",
            "gensync@1.0.0-beta.2",
        ],
    ),
    (
        "yarn-lock/scoped-packages.v2.lock",
        YarnLock,
        &[
            "@babel/cli@7.16.8",
            "@babel/code-frame@7.16.7",
            "@babel/compat-data@7.16.8",
        ],
    ),
    (
        "yarn-lock/multiple-versions.v2.lock",
        YarnLock,
        &[
            "debug@4.3.3",
            "debug@2.6.9",
            "debug@3.2.7",
        ],
    ),
    // upstream drops the bare git key and `/foo/bar`; Levee reports them as
    // problems (see the CASES table).
    (
        "pnpm-lock/exotic.yaml",
        PnpmLock,
        &[
            "foo@1.0.0",
            "@foo/bar@1.0.0",
            "foo@1.1.0",
            "@foo/bar@1.1.0",
            "foo@1.2.0",
            "foo@1.3.0",
            "foo@1.4.0",
        ],
    ),
    (
        "pnpm-lock/peer-dependencies.yaml",
        PnpmLock,
        &[
            "acorn-jsx@5.3.2",
            "acorn@8.7.0",
        ],
    ),
    (
        "pnpm-lock/peer-dependencies.v9.yaml",
        PnpmLock,
        &[
            "acorn-jsx@5.3.2",
            "acorn@8.11.3",
        ],
    ),
    (
        "pnpm-lock/tarball.yaml",
        PnpmLock,
        &[
            "@my-org/my-package@3.2.3 dev",
        ],
    ),
    (
        "pnpm-lock/commits.v9.yaml",
        PnpmLock,
        &[
            "ansi-regex@6.0.1#02fa893d619d3da85411acc8fd4e2eea0e95a9d9",
            "is-number@7.0.0#98e8ff1da1a89f93d1397a24d7413ed15421c139",
        ],
    ),
    (
        "pnpm-lock/mixed-groups.v9.yaml",
        PnpmLock,
        &[
            "ansi-regex@5.0.1",
            "is-number@7.0.0",
            "uuid@8.3.2",
        ],
    ),
    (
        "pnpm-lock/scoped-packages.v9.yaml",
        PnpmLock,
        &[
            "@typescript-eslint/types@5.62.0",
        ],
    ),
    // poetry 2: `groups` without "main" is dev-only (upstream: dev / test).
    // `optional = true` extras are installed in production: not dev.
    (
        "poetry-lock/multiple-packages.v2.lock",
        PoetryLock,
        &[
            "async-timeout@5.0.1",
            "factory-boy@3.3.1 dev",
            "faker@33.3.0 dev",
            "proto-plus@1.22.0",
            "proto-plus@1.23.0",
            "protobuf@4.25.5",
            "python-dateutil@2.9.0.post0 dev",
            "redis@5.2.1",
            "six@1.17.0",
            "typing-extensions@4.12.2 dev",
            "urllib3@2.3.0 dev",
        ],
    ),
    (
        "poetry-lock/source-git.lock",
        PoetryLock,
        &[
            "ike@0.2.0#cd66602cd29f61a2d2e7fb995fef1e61708c034d",
        ],
    ),
    (
        "poetry-lock/source-legacy.lock",
        PoetryLock,
        &[
            "appdirs@1.4.4",
        ],
    ),
    (
        "poetry-lock/optional-package.lock",
        PoetryLock,
        &[
            "numpy@1.23.3",
        ],
    ),
    // upstream tags the root's direct optional-dependencies with their
    // extra's name (black: dev+test, flake8: test, click: cli), and
    // osv-scanner then treats black (group "dev") as dev. Those are extras,
    // installed with `pip install uv-lockfiles[dev]`, so Levee keeps them
    // production; it marks dev only what `[package.dev-dependencies]`
    // (dependency groups) alone reach, and this file has none.
    (
        "uv-lock/grouped-packages.lock",
        UvLock,
        &[
            "black@24.10.0",
            "click@8.1.7",
            "colorama@0.4.6",
            "emoji@2.14.0",
            "flake8@7.1.1",
            "mccabe@0.7.0",
            "mypy-extensions@1.0.0",
            "packaging@24.2",
            "pathspec@0.12.1",
            "platformdirs@4.3.6",
            "pycodestyle@2.12.1",
            "pyflakes@3.2.0",
            "tomli@2.2.1",
            "typing-extensions@4.12.2",
        ],
    ),
    (
        "uv-lock/source-git.lock",
        UvLock,
        &[
            "ruff@0.8.1#84748be16341b76e073d117329f7f5f4ee2941ad",
        ],
    ),
    (
        "pipfile-lock/multiple-packages.json",
        PipfileLock,
        &[
            "itsdangerous@2.1.2",
            "markupsafe@2.1.1",
            "pluggy@1.0.1",
            "itsdangerous@2.1.2 dev",
            "pluggy@1.0.0 dev",
        ],
    ),
    (
        "pipfile-lock/no-version.json",
        PipfileLock,
        &[
            "markupsafe@#b36054111bc1e8bbadb5d0d60158feb72926f467",
            "itsdangerous@#de09cad488a4d7c7bbcbcdb8e1c2dfde64325f48 dev",
        ],
    ),
    (
        "requirements-txt/with_versions.txt",
        RequirementsTxt,
        &[
            "nltk@3.2.2",
            "tabulate@0.7.7",
            "qwerty@0.1",
            "hy-phen@1.2",
            "under_score@1.3",
            "pkg.dot.name@5.0.0",
            "yolo@1.0",
        ],
    ),
    (
        "requirements-txt/comments.txt",
        RequirementsTxt,
        &[
            "PyCrypto@1.2-alpha",
            "GMPY2@1",
            "SymPy@1.2",
            "requests@1.0",
            "six@1.2",
        ],
    ),
    (
        "requirements-txt/extras.txt",
        RequirementsTxt,
        &[
            "pyjwt@2.1.0",
            "celery@4.4.7",
        ],
    ),
    (
        "requirements-txt/env_var.txt",
        RequirementsTxt,
        &[
            "asdf@1.2",
            "another@1.0",
        ],
    ),
    // upstream also reports `keyring>=4.1.1` and `Mopidy-Dirble~=1.1` with
    // a comparator; Levee reports exact pins only (the rest are skipped).
    (
        "requirements-txt/example.txt",
        RequirementsTxt,
        &[
            "docopt@0.6.1",
        ],
    ),
    // upstream also reports foo7 (`foo7==1.0 unexpected_text_before_...
    // --hash=...`) with that text glued to its version; pip rejects the
    // line, and Levee reports it as a problem instead of a component.
    (
        "requirements-txt/per_req_options.txt",
        RequirementsTxt,
        &[
            "foo1@1.0",
            "foo2@1.0",
            "foo3@1.0",
            "foo4@1.0",
            "foo5@1.0",
            "foo6@1.0",
            "foo8@1.0",
            "foo9@1.0",
            "foo11@1.0",
            "foo12@1.0",
            "foo13@1.0",
            "foo14@1.0",
            "foo16-Client@1.0",
            "foo17--hash@1.0",
            "foo18-Client@1.0",
        ],
    ),
    (
        "go-mod/replace-different.mod",
        GoMod,
        &[
            "example.com/fork/foe@1.4.5",
            "example.com/fork/foe@1.4.2",
        ],
    ),
    // upstream reports `./fork/net` with no version; Levee skips local
    // replacements.
    (
        "go-mod/replace-local.mod",
        GoMod,
        &[
            "github.com/BurntSushi/toml@1.0.0",
        ],
    ),
    (
        "go-mod/replace-mixed.mod",
        GoMod,
        &[
            "example.com/fork/net@1.4.5",
            "golang.org/x/net@0.5.6",
        ],
    ),
    (
        "go-mod/replace-one.mod",
        GoMod,
        &[
            "example.com/fork/net@1.4.5",
        ],
    ),
    (
        "go-mod/indirect-1.23.mod",
        GoMod,
        &[
            "github.com/sirupsen/logrus@1.9.3",
            "golang.org/x/sys@0.0.0-20220715151400-c0bba94af5f8",
            "stdlib@1.23.0",
        ],
    ),
    (
        "go-mod/toolchain.mod",
        GoMod,
        &[
            "github.com/BurntSushi/toml@1.0.0",
            "stdlib@1.23.6",
        ],
    ),
    (
        "composer-lock/duplicate-packages.json",
        ComposerLock,
        &[
            "sentry/sdk@2.0.4",
            "sentry/sdk@2.0.5",
            "sentry/sdk@3.0.0-dev dev",
        ],
    ),
    (
        "composer-lock/drupal-packages.json",
        ComposerLock,
        &[
            "drupal/core@10.4.5#5247dbaa65b42b601058555f4a8b2bd541f5611f",
            "drupal/tfa@2.0.0-alpha4",
            "theseer/tokenizer@1.1.3#11336f6f84e16a720dae9d8e6ed5019efa85a0f9",
            "drupal/field_time@1.0.0-beta5 dev",
        ],
    ),
    (
        "gemfile-lock/has-git-gem.lock",
        GemfileLock,
        &[
            "hanami-controller@2.0.0.alpha1#027dbe2e56397b534e859fc283990cad1b6addd6",
            "hanami-utils@2.0.0.alpha1#5904fc9a70683b8749aa2861257d0c8c01eae4aa",
            "concurrent-ruby@1.1.7",
            "rack@2.2.3",
            "transproc@1.1.1",
        ],
    ),
    // upstream (osv-scalibr's gemfilelock extractor) reports nokogiri
    // 1.18.2 twice, once per platform build (arm64-darwin, x86_64-linux-gnu),
    // and the PATH gem rubydns; Levee reports one component per release and
    // skips the later platform entry and the local path gem, with reasons.
    (
        "osv-scanner-scan-fixtures/locks-scalibr__gems.locked",
        GemfileLock,
        &[
            "async@2.23.0",
            "async-dns@1.4.1",
            "async-http@0.87.0",
            "async-pool@0.10.3",
            "console@1.29.2",
            "fiber-annotation@0.2.0",
            "fiber-local@1.1.0",
            "fiber-storage@1.0.0",
            "geoip@1.6.4",
            "io-endpoint@0.15.1",
            "io-event@1.9.0",
            "io-stream@0.6.1",
            "json@2.10.1",
            "metrics@0.12.1",
            "nokogiri@1.18.2",
            "process-daemon@1.0.1",
            "protocol-hpack@1.5.1",
            "protocol-http@0.49.0",
            "protocol-http1@0.30.0",
            "protocol-http2@0.22.1",
            "racc@1.8.1",
            "rainbow@2.2.2",
            "rake@13.2.1",
            "traces@0.15.2",
        ],
    ),
    (
        "gemfile-lock/source-section-at-end.lock",
        GemfileLock,
        &[
            "ast@2.4.2",
        ],
    ),
    (
        "maven-pom/interpolation.xml",
        MavenPom,
        &[
            "org.mine:mypackage@1.0.0",
            "org.mine:my.package@2.3.4",
        ],
    ),
    // upstream (current) drops every dependencyManagement entry; Levee keeps
    // managed-only entries (they pin transitive versions, see override-maven)
    // but not one overridden by a declared version (netty 4.1.42.Final).
    (
        "maven-pom/with-dependency-management.xml",
        MavenPom,
        &[
            "io.netty:netty-all@4.1.9",
            "org.slf4j:slf4j-log4j12@1.7.25",
            "com.google.code.findbugs:jsr305@3.0.2",
        ],
    ),
    // chuck's version comes from this file's dependencyManagement; dave
    // (from parent/pom.xml) and versionless frank are upstream-only; the
    // import-scoped BOM is not a dependency.
    (
        "maven-pom/with-parent.xml",
        MavenPom,
        &[
            "org.alice:alice@1.0.0",
            "org.bob:bob@2.0.0",
            "org.chuck:chuck@3.0.0",
        ],
    ),
    // upstream drops the managed-only frank; Levee keeps managed-only
    // entries: they pin transitive versions (see override-maven below).
    (
        "maven-pom/transitive.xml",
        MavenPom,
        &[
            "org.direct:alice@1.0.0",
            "org.direct:bob@2.0.0",
            "org.direct:chris@3.0.0",
            "org.transitive:frank@4.4.4",
        ],
    ),
    (
        "maven-pom/with-scope.xml",
        MavenPom,
        &[
            "abc:xyz@1.2.3",
            "junit:junit@4.12 dev",
        ],
    ),
    (
        "maven-pom/parent/pom.xml",
        MavenPom,
        &[
            "org.dave:dave@4.0.0",
        ],
    ),
    (
        "osv-scanner-scan-fixtures/override-maven__pom.xml",
        MavenPom,
        &[
            "org.apache.maven.wagon:wagon-http@3.0.0",
            "org.codehaus.plexus:plexus-utils@3.0",
            "org.jsoup:jsoup@1.14.1",
            "org.apache.httpcomponents:httpclient@4.0",
        ],
    ),
    (
        "gradle-lockfile/5-pkg",
        GradleLockfile,
        &[
            "org.springframework.boot:spring-boot-autoconfigure@2.7.4",
            "org.springframework.boot:spring-boot-configuration-processor@2.7.5",
            "org.springframework.boot:spring-boot-devtools@2.7.6",
            "org.springframework.boot:spring-boot-starter-aop@2.7.7",
            "org.springframework.boot:spring-boot-starter-data-jpa@2.7.8",
        ],
    ),
    (
        "gradle-lockfile/with-bad-pkg",
        GradleLockfile,
        &[
            "org.springframework.boot:spring-boot-autoconfigure@2.7.4",
            "org.springframework.boot:spring-boot-configuration-processor@2.7.5",
        ],
    ),
    (
        "mix-lock/git.lock",
        MixLock,
        &[
            "foe@#a9574ab75d6ed01e1288c453ae1d943d7a964595",
            "foo@#fc94cce7830fa4dc455024bc2a83720afe244531",
            "bar@#bef3ee1d3618017061498b96c75043e8449ef9b5",
        ],
    ),
    (
        "pubspec-lock/mixed-packages.lock",
        PubspecLock,
        &[
            "back_button_interceptor@6.0.1",
            "build_runner@2.2.1 dev",
            "shelf@1.3.2",
            "shelf_web_socket@1.0.2",
        ],
    ),
    (
        "pubspec-lock/source-git.lock",
        PubspecLock,
        &[
            "flutter_rust_bridge@1.32.0#e5adce55eea0b74d3680e66a2c5252edf17b07e1",
            "screen_retriever@0.1.2#406b9b038b2c1d779f1e7bf609c8c248be247372",
            "toggle_switch@1.4.0",
            "tray_manager@0.1.8#3aa37c86e47ea748e7b5507cbe59f2c54ebdb23a",
            "window_manager@0.2.7#88487257cbafc501599ab4f82ec343b46acec020",
        ],
    ),
    (
        "osv-scanner-scan-fixtures/locks-scalibr__Package.resolved",
        SwiftPackageResolved,
        &[
            "github.com/apple/swift-nio-http2@1.19.1#9cfed92b026c524674ed869a4ff2dcfdeedf8a2a",
            "github.com/pytorch/executorch@0.6.0#d3f67f4c528c942f121c8b860b9410b2bf57825e",
        ],
    ),
    (
        "osv-scanner-scan-fixtures/locks-scalibr__Podfile.lock",
        PodfileLock,
        &[
            "GlossButtonNode@3.1.2",
            "PINCache@3.0.3",
        ],
    ),
    (
        "osv-scanner-scan-fixtures/locks-scalibr__packages.lock.json",
        NugetPackagesLock,
        &[
            "Newtonsoft.Json@13.0.3",
        ],
    ),
    (
        "osv-scanner-scan-fixtures/locks-scalibr__stack.yaml.lock",
        StackYamlLock,
        &[
            "fuzzyset@0.2.4",
            "hasql-pool@1.0.1",
            "jose-jwt@0.10.0",
            "postgresql-libpq@0.10.1.0",
        ],
    ),
    (
        "osv-scanner-scan-fixtures/locks-scalibr__cabal.project.freeze",
        CabalFreeze,
        &[
            "AC-Angle@1.0",
            "ALUT@2.4.0.3",
            "ANum@0.2.0.2",
            "Agda@2.6.4.3",
            "Allure@0.11.0.0",
            "biscuit-haskell@0.3.0.0",
        ],
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
    // Lines point at the entry: the package's key in YAML lockfiles (as
    // osv-scalibr reports them), not the first line of its body.
    for (rel, f, want) in [
        (
            "pnpm-lock/mixed-groups.v9.yaml",
            PnpmLock,
            "  is-number@7.0.0:",
        ),
        (
            "pnpm-lock/peer-dependencies.yaml",
            PnpmLock,
            "  /acorn/8.7.0:",
        ),
        (
            "pnpm-lock/exotic.yaml",
            PnpmLock,
            "  /foo/1.4.0_@types+babel__core@7.1.14:",
        ),
        (
            "yarn-lock/one-package.v2.lock",
            YarnLock,
            "\"balanced-match@npm:^1.0.0\":",
        ),
        ("pubspec-lock/mixed-packages.lock", PubspecLock, "  shelf:"),
    ] {
        let inv = get(rel, f);
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            inv.components.iter().any(|c| c
                .location
                .line
                .is_some_and(|l| lines.get(l as usize - 1) == Some(&want))),
            "{rel}: no component at `{want}`: {:?}",
            inv.components
                .iter()
                .map(|c| (&c.name, c.location.line))
                .collect::<Vec<_>>()
        );
        for c in &inv.components {
            let l = c.location.line.unwrap() as usize;
            assert!(
                lines[l - 1].trim_end().ends_with(':'),
                "{rel}: {} at line {l} `{}`",
                c.name,
                lines[l - 1]
            );
        }
    }
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
fn exact_components_match_upstream_expectations() {
    let Some(root) = levee_testdata::shared_data("lockfiles") else {
        return;
    };
    let mut failures = Vec::new();
    for (rel, format, want) in EXACT {
        let bytes = std::fs::read(root.join(rel)).unwrap();
        let inv = match parse_as(*format, rel, &bytes) {
            Result::Ok(inv) => inv,
            Err(e) => {
                failures.push(format!("{rel}: {e}"));
                continue;
            }
        };
        let mut got: Vec<String> = inv
            .components
            .iter()
            .map(|c| {
                let mut s = format!("{}@{}", c.name, c.version);
                if let Some(k) = &c.commit {
                    s.push('#');
                    s.push_str(k);
                }
                if c.dev {
                    s.push_str(" dev");
                }
                s
            })
            .collect();
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        got.sort();
        want.sort();
        if got != want {
            failures.push(format!("{rel}:\n  got  {got:?}\n  want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
