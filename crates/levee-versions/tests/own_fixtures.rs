//! Our own ordering fixtures for ecosystems the shared data does not cover,
//! or cases it lacks (`tests/fixtures/ordering/*.txt`, each file citing its
//! source in its header). Format as the shared fixtures; the first line names
//! the OSV ecosystem (`# ecosystem: Julia`). Both directions are checked;
//! every failing line is reported.

use std::cmp::Ordering;

use levee_versions::Ecosystem;

#[test]
fn own_ordering_fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ordering");
    let mut n = 0;
    let mut files = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let eco_name = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# ecosystem: "))
            .unwrap_or_else(|| {
                panic!("{}: first line must be '# ecosystem: NAME'", path.display())
            });
        let eco = Ecosystem::parse(eco_name).unwrap_or_else(|e| panic!("{e}"));
        files += 1;
        for line in text
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let parts: Vec<&str> = line.split(' ').collect();
            let [a, op, b] = parts.as_slice() else {
                panic!("{}: bad line {line:?}", path.display());
            };
            let want = match *op {
                "<" => Ordering::Less,
                "=" => Ordering::Equal,
                ">" => Ordering::Greater,
                _ => panic!("bad op in {line:?}"),
            };
            let va = eco
                .parse_version(a)
                .unwrap_or_else(|e| panic!("{eco}: {e}"));
            let vb = eco
                .parse_version(b)
                .unwrap_or_else(|e| panic!("{eco}: {e}"));
            let (got, back) = (va.cmp(&vb), vb.cmp(&va));
            if got != want || back != want.reverse() {
                failures.push(format!("{eco}: {line} (got {got:?}, reverse {back:?})"));
            }
            n += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(files >= 10 && n >= 50, "only {files} files / {n} lines");
}
