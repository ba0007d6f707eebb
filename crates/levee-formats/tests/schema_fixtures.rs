//! osv-schema's own test data: expected outcome per file, by rejection class.

use levee_formats::{read_bytes, ReadOptions, RejectionClass};

/// Expected outcome: `None` = accepted, `Some(class)` = rejected with that class.
fn expectation(file: &str) -> Option<Option<RejectionClass>> {
    Some(match file {
        // osv-linter: the only hard structural failure among them.
        "nointroduced-CVE-2023-41045.json" => Some(RejectionClass::RangeWithoutIntroduced),
        // Linter findings that are not import errors (registry lookups,
        // empty/null `affected`, duplicate packages): accepted.
        "CVE-2018-5407.json"
        | "CVE-2023-41045.json"
        | "GHSA-9v2f-6vcg-3hgv.json"
        | "GO-2020-0001.json"
        | "GO-2024-2963.json"
        | "MAL-2024-10238.json"
        | "PYSEC-2023-74.json"
        | "RHSA-2022_0216.json"
        | "SUSE-FU-2022_0444-1.json"
        | "nondistinct-CVE-2018-5407.json"
        | "nopackage-GHSA-9v2f-6vcg-3hgv.json" => None,
        f if f.ends_with(".osv.json") => None,
        "RHSA-2024_4546.json" | "RHSA-2024_6220.json" => None,
        _ => return None,
    })
}

#[test]
fn osv_schema_testdata() {
    let mut checked = 0;
    for dir in [
        "osv-schema/tools/osv-linter/testdata",
        "osv-schema/tools/ghsa/testdata",
        "osv-schema/tools/redhat/testdata/OSV",
    ] {
        let Some(d) = levee_testdata::shared_data(dir) else {
            return;
        };
        let mut files: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().unwrap().to_str().unwrap().to_string();
            if dir.ends_with("ghsa/testdata") && !name.ends_with(".osv.json") {
                continue; // GitHub API documents, not OSV
            }
            let want = expectation(&name).unwrap_or_else(|| panic!("no expectation for {name}"));
            let bytes = std::fs::read(&f).unwrap();
            let got: Vec<_> = read_bytes(&name, &bytes, &ReadOptions::default()).collect();
            assert_eq!(got.len(), 1, "{name}");
            match (&got[0], want) {
                (Ok(_), None) => {}
                (Err(e), Some(class)) => {
                    assert_eq!(e.class, class, "{name}: {e}");
                    assert!(
                        e.location.path.is_some(),
                        "{name}: rejection names a JSON path"
                    );
                }
                (other, want) => panic!("{name}: got {other:?}, expected {want:?}"),
            }
            checked += 1;
        }
    }
    assert!(checked >= 25, "checked {checked}");
}

#[test]
fn withdrawn_is_read() {
    let Some(p) = levee_testdata::shared_data("osv-schema/tools/ghsa/testdata/withdrawn.osv.json")
    else {
        return;
    };
    let bytes = std::fs::read(p).unwrap();
    let r = read_bytes("w", &bytes, &ReadOptions::default())
        .next()
        .unwrap()
        .unwrap();
    assert!(r.is_withdrawn());
}
