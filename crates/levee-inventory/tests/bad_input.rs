//! Bad input: malformed files are rejected with file, place and reason;
//! partly valid files yield the valid part and list the rest; bombs are
//! refused with `LimitExceeded`; no input makes a parser panic.

use levee_inventory::{parse_as, parse_with, ErrorKind, Format, Limits};
use proptest::prelude::*;

fn err(f: Format, name: &str, text: &[u8]) -> levee_inventory::ParseError {
    match parse_as(f, name, text) {
        Err(e) => e,
        Ok(inv) => panic!("{name}: accepted: {:?}", inv.components),
    }
}

#[test]
fn truncated_json_names_file_line_and_reason() {
    let text = b"{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/a\": {\"version\": \"1.0.0\"";
    let e = err(Format::NpmPackageLock, "package-lock.json", text);
    assert_eq!(e.file, "package-lock.json");
    assert_eq!(e.kind, ErrorKind::Malformed);
    assert_eq!(e.location.line, Some(4));
    assert!(e.reason.contains("JSON"), "{}", e.reason);
    assert!(
        e.to_string()
            .starts_with("package-lock.json: line 4: invalid JSON"),
        "{e}"
    );
}

#[test]
fn deep_json_nesting_refused() {
    let mut s = "[".repeat(100_000);
    s.push_str(&"]".repeat(100_000));
    for f in [
        Format::NpmPackageLock,
        Format::CycloneDxJson,
        Format::SpdxJson,
        Format::ComposerLock,
    ] {
        let e = err(f, "x.json", s.as_bytes());
        assert_eq!(e.kind, ErrorKind::LimitExceeded, "{f}: {e}");
    }
}

#[test]
fn deep_xml_and_yaml_and_toml_nesting_refused() {
    let xml = format!("<project>{}", "<a>".repeat(10_000));
    assert_eq!(
        err(Format::MavenPom, "pom.xml", xml.as_bytes()).kind,
        ErrorKind::LimitExceeded
    );
    let yaml = format!("packages: {}", "[".repeat(10_000));
    assert_eq!(
        err(Format::PnpmLock, "pnpm-lock.yaml", yaml.as_bytes()).kind,
        ErrorKind::LimitExceeded
    );
    let toml = format!("x = {}", "[".repeat(10_000));
    let e = err(Format::CargoLock, "Cargo.lock", toml.as_bytes());
    assert!(
        matches!(e.kind, ErrorKind::LimitExceeded | ErrorKind::Malformed),
        "{e}"
    );
}

#[test]
fn billion_laughs_xml_refused() {
    let lol = br#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component type="library"><name>&lol3;</name></component></components></bom>"#;
    for f in [Format::CycloneDxXml, Format::MavenPom] {
        let e = err(f, "bom.xml", lol);
        assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
        assert!(e.reason.contains("DTD"), "{}", e.reason);
        assert_eq!(e.location.line, Some(2));
    }
    // An undeclared custom entity without a DTD is refused, not expanded.
    let e = err(Format::MavenPom, "pom.xml", b"<project><dependencies><dependency><groupId>&x;</groupId></dependency></dependencies></project>");
    assert_eq!(e.kind, ErrorKind::LimitExceeded);
    assert!(e.reason.contains("&x;"), "{}", e.reason);
    // External entity (XXE) attempt: also a DTD.
    let xxe = b"<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><project>&x;</project>";
    assert_eq!(
        err(Format::MavenPom, "pom.xml", xxe).kind,
        ErrorKind::LimitExceeded
    );
}

#[test]
fn yaml_alias_bomb_refused() {
    let mut s = String::from("lockfileVersion: '9.0'\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names = ["b", "c", "d", "e", "f", "g", "h", "i", "j"];
    let mut prev = "a";
    for n in names {
        s.push_str(&format!(
            "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = n;
    }
    for f in [
        Format::PnpmLock,
        Format::PubspecLock,
        Format::PodfileLock,
        Format::StackYamlLock,
    ] {
        let e = err(f, "x.yaml", s.as_bytes());
        assert_eq!(e.kind, ErrorKind::LimitExceeded, "{f}: {e}");
        assert!(e.reason.contains("alias"), "{}", e.reason);
    }
    // Far below the whole-document budget (5,000,000 nodes), but aliases
    // copying ~200,000 nodes: stopped by the alias budget.
    let mut s = String::from("lockfileVersion: '9.0'\na: &a [");
    s.push_str(&vec!["x"; 1000].join(","));
    s.push_str("]\nb: [");
    s.push_str(&vec!["*a"; 200].join(","));
    s.push_str("]\n");
    let e = err(Format::PnpmLock, "pnpm-lock.yaml", s.as_bytes());
    assert_eq!(e.kind, ErrorKind::LimitExceeded, "{e}");
    assert!(
        e.reason.contains("aliases copy more than 100000"),
        "{}",
        e.reason
    );
}

#[test]
fn huge_inputs_and_lines_refused() {
    let limits = Limits {
        max_bytes: 1000,
        ..Limits::default()
    };
    let big = vec![b' '; 1001];
    let e = parse_with(Format::CargoLock, "Cargo.lock", &big, &limits).unwrap_err();
    assert_eq!(e.kind, ErrorKind::LimitExceeded);
    assert!(e.reason.contains("1001"), "{}", e.reason);

    let line = format!("name==1.0{}\n", " ".repeat(2 << 20));
    for f in [
        Format::RequirementsTxt,
        Format::CargoLock,
        Format::GoMod,
        Format::GradleLockfile,
        Format::YarnLock,
        Format::DpkgStatus,
        Format::SpdxTagValue,
    ] {
        let e = err(f, "x", line.as_bytes());
        assert_eq!(e.kind, ErrorKind::LimitExceeded, "{f}: {e}");
        assert_eq!(e.location.line, Some(1), "{f}");
    }
}

#[test]
fn partly_valid_files_keep_valid_components_and_list_the_rest() {
    let cargo = b"version = 3\n\n[[package]]\nname = \"ok\"\nversion = \"1.0.0\"\n\n[[package]]\nname = \"noversion\"\n";
    let inv = parse_as(Format::CargoLock, "Cargo.lock", cargo).unwrap();
    assert_eq!(inv.components.len(), 1);
    assert_eq!(inv.problems.len(), 1);
    assert_eq!(inv.problems[0].location.line, Some(7));
    assert_eq!(inv.problems[0].file, "Cargo.lock");

    let npm = br#"{"lockfileVersion":3,"packages":{"":{},"node_modules/a":{"version":"1.0.0"},"node_modules/b":{"nope":1},"node_modules/c":7}}"#;
    let inv = parse_as(Format::NpmPackageLock, "package-lock.json", npm).unwrap();
    assert_eq!(inv.components.len(), 1);
    let paths: Vec<_> = inv
        .problems
        .iter()
        .map(|p| p.location.path.clone().unwrap())
        .collect();
    assert_eq!(
        paths,
        vec![
            "$.packages[\"node_modules/b\"]",
            "$.packages[\"node_modules/c\"]"
        ]
    );

    let gradle = b"# Gradle generated file\ng:a:1.0=runtimeClasspath\nnot a coordinate\n";
    let inv = parse_as(Format::GradleLockfile, "gradle.lockfile", gradle).unwrap();
    assert_eq!((inv.components.len(), inv.problems.len()), (1, 1));
    assert_eq!(inv.problems[0].location.line, Some(3));
}

#[test]
fn wholly_malformed_line_formats_are_errors() {
    let e = err(
        Format::GradleLockfile,
        "gradle.lockfile",
        b"garbage\nmore garbage\n",
    );
    assert_eq!((e.kind, e.location.line), (ErrorKind::Malformed, Some(1)));
    let e = err(Format::RpmQa, "rpm.txt", b"hello world\n");
    assert_eq!(e.kind, ErrorKind::Malformed);
    let e = err(Format::CargoLock, "Cargo.lock", b"\xff\xfe\x00");
    assert!(e.reason.contains("UTF-16"), "{}", e.reason);
    let e = err(
        Format::CargoLock,
        "Cargo.lock",
        b"[[package]]\nname = \"a\xff\"\n",
    );
    assert_eq!(e.location.line, Some(2));
}

#[test]
fn os_package_lists() {
    let dpkg = b"Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc (2.36-9+deb12u4)\nVersion: 2.36-9+deb12u4\nDescription: GNU C Library\n multi-line\n\nPackage: removed\nStatus: deinstall ok config-files\nVersion: 1.0\n\nPackage: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\nSource: zlib\n\nPackage: broken\n";
    let inv = parse_as(Format::DpkgStatus, "status", dpkg).unwrap();
    let got: Vec<_> = inv
        .components
        .iter()
        .map(|c| (c.name.as_str(), c.version.as_str(), c.location.line))
        .collect();
    assert_eq!(
        got,
        vec![
            ("glibc", "2.36-9+deb12u4", Some(1)),
            ("zlib", "1:1.2.13.dfsg-1", Some(13))
        ]
    );
    assert_eq!(
        inv.components[0].purl,
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&upstream=glibc"
    );
    assert_eq!(inv.problems.len(), 1);
    assert_eq!(
        levee_inventory::detect("status", dpkg),
        Some(Format::DpkgStatus)
    );

    let apk =
        b"C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n\nP:libcrypto3\nV:3.1.4-r1\no:openssl\n";
    let inv = parse_as(Format::ApkInstalled, "installed", apk).unwrap();
    let got: Vec<_> = inv
        .components
        .iter()
        .map(|c| (c.name.as_str(), c.version.as_str()))
        .collect();
    assert_eq!(got, vec![("musl", "1.2.4-r2"), ("openssl", "3.1.4-r1")]);
    assert_eq!(
        levee_inventory::detect("installed", apk),
        Some(Format::ApkInstalled)
    );

    let rpm = b"openssl-libs-3.0.7-25.el9_3.x86_64\nbash-5.1.8-6.el9_1.x86_64\ntzdata-2023c-1.el9.noarch\nperl-4:5.32.1-480.el9.x86_64\ngpg-pubkey-fd431d51-4ae0493b\n";
    let inv = parse_as(Format::RpmQa, "rpm-qa.txt", rpm).unwrap();
    let got: Vec<_> = inv
        .components
        .iter()
        .map(|c| (c.name.as_str(), c.version.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("openssl-libs", "3.0.7-25.el9_3"),
            ("bash", "5.1.8-6.el9_1"),
            ("tzdata", "2023c-1.el9"),
            ("perl", "4:5.32.1-480.el9"),
            ("gpg-pubkey", "fd431d51-4ae0493b"),
        ]
    );
    assert!(inv.components[3].purl.contains("epoch=4"));
    // Found by content, gpg-pubkey lines (no architecture) included.
    assert_eq!(
        levee_inventory::detect("packages.txt", rpm),
        Some(Format::RpmQa)
    );
    assert_eq!(
        levee_inventory::detect(
            "notes.txt",
            b"hello-world-again
"
        ),
        None
    );
    // No distribution in `rpm -qa`: said once, not a silent clean scan.
    assert_eq!(inv.problems.len(), 1, "{:?}", inv.problems);
    assert!(inv.problems[0]
        .to_string()
        .contains("does not say which distribution"));
    // Architectures beyond the common ones are cut from the release.
    let inv = parse_as(
        Format::RpmQa,
        "rpm-qa.txt",
        b"glibc-2.31-150300.i586
",
    )
    .unwrap();
    assert_eq!(inv.components[0].version, "2.31-150300");
}

#[test]
fn go_sum_and_cabal_and_spdx_tag_text_blocks() {
    let sum = b"github.com/a/b v1.0.0 h1:abc=\ngithub.com/a/b v1.0.0/go.mod h1:def=\ngithub.com/c/d v0.1.0/go.mod h1:x=\n";
    let inv = parse_as(Format::GoSum, "go.sum", sum).unwrap();
    assert_eq!(inv.components.len(), 1);
    assert_eq!(inv.components[0].version, "1.0.0");
    let tv = b"SPDXVersion: SPDX-2.3\nPackageName: a\nPackageVersion: 1\nPackageComment: <text>\nPackageName: not-a-package\n</text>\nExternalRef: PACKAGE-MANAGER purl pkg:pypi/a@1\n";
    let inv = parse_as(Format::SpdxTagValue, "x.spdx", tv).unwrap();
    assert_eq!(inv.components.len(), 1);
    assert_eq!(inv.components[0].osv_ecosystem().as_deref(), Some("PyPI"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// No format's parser panics on arbitrary bytes.
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for &f in Format::ALL {
            let _ = parse_as(f, "x", &bytes);
        }
        let _ = levee_inventory::parse("x", &bytes);
    }

    /// ... nor on text made of each format's own punctuation and keywords.
    #[test]
    fn never_panics_on_format_shaped_text(
        parts in proptest::collection::vec(prop::sample::select(vec![
            "{", "}", "[", "]", "\"", ":", ",", "\n", " ", "  ", "-", "@", "/", "=", "==", "#",
            "[[package]]", "name = ", "version = ", "\"a\"", "'1.0'", "&a", "*a", "<", ">", "</", "/>",
            "<project>", "<dependency>", "&amp;", "&#x41;", "<!DOCTYPE", "lockfileVersion: 5.4", "packages:",
            "node_modules/", "\"packages\"", "\"version\"", "require (", ")", "=>", "GEM", "    specs:", "%{",
            "{:hex, :a, \"1\"", "Package: a", "P:a", "V:1", "SPDXVersion: SPDX-2.3", "<text>", "pkg:npm/a@1",
            "\"bomFormat\"", "\"CycloneDX\"", "\"components\"", "\\", "\r\n", "\t", "é", "\u{0}",
        ]), 0..200)
    ) {
        let s: String = parts.concat();
        for &f in Format::ALL {
            let _ = parse_as(f, "x", s.as_bytes());
        }
    }

    /// Purl building and parsing round-trip for npm and Maven names.
    #[test]
    fn purl_roundtrip(scope in "[a-z0-9-]{1,8}", name in "[a-zA-Z0-9._-]{1,12}", ver in "[0-9a-zA-Z.+:~-]{1,12}") {
        let npm = format!("@{scope}/{name}");
        let c = parse_as(Format::YarnLock, "yarn.lock", format!("\"{npm}@^1\":\n  version \"{ver}\"\n").as_bytes()).unwrap();
        let p = levee_inventory::parse_purl(&c.components[0].purl).unwrap();
        let (_, n, _) = p.osv().unwrap();
        prop_assert_eq!(n, npm);
        prop_assert_eq!(p.version.as_deref(), Some(ver.as_str()));
    }
}

#[test]
fn npm_v1_aliases_and_git_versions() {
    let lock = br#"{"lockfileVersion":1,"dependencies":{
        "alias":{"version":"npm:@scope/real@2.0.0"},
        "g":{"version":"github:a/b#0123456789abcdef0123456789abcdef01234567"},
        "nocommit":{"version":"git+https://x/y.git"},
        "n":{"version":"1.0.0","dependencies":{"m":{"version":"0.1.0","dev":true}}}}}"#;
    let inv = parse_as(Format::NpmPackageLock, "package-lock.json", lock).unwrap();
    let got: Vec<_> = inv
        .components
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.version.as_str(),
                c.commit.is_some(),
                c.dev,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("@scope/real", "2.0.0", false, false),
            ("g", "", true, false),
            ("n", "1.0.0", false, false),
            ("m", "0.1.0", false, true)
        ]
    );
    assert_eq!(inv.skipped.len(), 1);
    assert_eq!(
        inv.components[3].location.path.as_deref(),
        Some("$.dependencies.n.dependencies.m")
    );
}

#[test]
fn requirements_includes_are_reported_not_silently_dropped() {
    let text = b"-r requirements/base.txt\n--constraint=constraints.txt\ndjango==4.2.1\n";
    let inv = parse_as(Format::RequirementsTxt, "requirements.txt", text).unwrap();
    assert_eq!(inv.components.len(), 1);
    assert_eq!(inv.skipped.len(), 2, "{:?}", inv.skipped);
    let all: Vec<String> = inv.skipped.iter().map(|p| p.to_string()).collect();
    assert!(
        all[0].contains("requirements/base.txt") && all[0].contains("not read"),
        "{all:?}"
    );
    assert!(all[1].contains("constraints.txt"), "{all:?}");
    // A file of includes alone still parses (nothing in it is malformed).
    let inv = parse_as(
        Format::RequirementsTxt,
        "requirements.txt",
        b"-r base.txt\n",
    )
    .unwrap();
    assert!(inv.components.is_empty());
    assert_eq!(inv.skipped.len(), 1);
}
