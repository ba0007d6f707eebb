//! requirements.txt specifiers: a clause is taken exactly when the PEP 440
//! range parser of levee-versions takes it (one place decides which
//! operator takes which version: `Pep440Specifier`, packaging 22+'s
//! rules), and a refused one is a problem naming the file, the line and
//! why, with the line's other packages still read.

use levee_inventory::{parse_as, Format};
use levee_versions::native::parse_native;
use levee_versions::VersionScheme;

const OPS: [&str; 8] = ["==", "!=", "<", "<=", ">", ">=", "~=", "==="];

/// Local versions, epochs, pre/post/dev releases, `.*` prefixes, and
/// strings that are not PEP 440 versions.
const VERSIONS: &[&str] = &[
    "1.0",
    "1",
    "1!1",
    "1!1.0",
    "1.0+loc",
    "1!1.0+loc",
    "1.0a1",
    "1.0.post1",
    "1.0.dev1",
    "1.0-1",
    "v1.0",
    "1.*",
    "1.0.*",
    "1!1.*",
    "1!9.*",
    "1.0+loc.*",
    "1.0a1.*",
    "1.0.post1.*",
    "1.0.dev1.*",
    "*",
    "foo",
    "2.2.",
];

#[test]
fn requirements_take_the_specifiers_ranges_take() {
    let mut specs = Vec::new();
    for v in VERSIONS {
        for op in OPS {
            specs.push(format!("{op}{v}"));
        }
    }
    // Line i + 1: `p{i}{spec}`; a last valid line shows reading goes on.
    let mut text: String = specs
        .iter()
        .enumerate()
        .map(|(i, s)| format!("p{i}{s}\n"))
        .collect();
    text.push_str("last==1.0\n");
    let inv = parse_as(Format::RequirementsTxt, "requirements.txt", text.as_bytes()).unwrap();
    let mut refused = 0;
    for (i, spec) in specs.iter().enumerate() {
        let line = u32::try_from(i + 1).unwrap();
        let problem = inv.problems.iter().find(|p| p.location.line == Some(line));
        match parse_native(VersionScheme::Pep440, spec) {
            Ok(_) => assert!(problem.is_none(), "{spec}: {problem:?}"),
            Err(e) => {
                refused += 1;
                let p = problem.unwrap_or_else(|| panic!("{spec}: taken, but ranges refuse it"));
                assert_eq!(
                    p.to_string(),
                    format!(
                        "requirements.txt: line {line}: {} (pip rejects this requirement)",
                        e.reason
                    ),
                );
                assert!(e.reason.contains(spec.as_str()), "{}", e.reason);
            }
        }
    }
    assert_eq!(inv.problems.len(), refused, "{:?}", inv.problems);
    assert!(refused > 0 && refused < specs.len());
    assert_eq!(inv.components.last().map(|c| c.name.as_str()), Some("last"));
}
