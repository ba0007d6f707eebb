//! Cargo.lock: a hand-written line scanner for the shape Cargo writes (fast
//! path, one pass, no TOML tree); anything it does not recognise makes it
//! fall back to the full TOML parser, which handles every valid spelling and
//! reports errors with a line.

use crate::formats::python::toml_packages;
use crate::util::{component, Fail, Out, R};
use crate::{Ecosystem, Limits, Location, Origin};

#[cfg(test)]
#[path = "../../tests/support/cargo_lock_gen.rs"]
mod cargo_lock_gen;

struct Pkg<'a> {
    line: usize,
    name: Option<&'a str>,
    version: Option<&'a str>,
    source: Option<&'a str>,
}

fn origin_commit(source: Option<&str>) -> (Origin, Option<String>) {
    match source {
        None => (Origin::Path(String::new()), None),
        Some(s) => {
            if let Some(g) = s.strip_prefix("git+") {
                let (url, commit) = match g.rsplit_once('#') {
                    Some((u, c)) => (u, Some(c.to_string())),
                    None => (g, None),
                };
                (Origin::Git(url.to_string()), commit)
            } else if s == "registry+https://github.com/rust-lang/crates.io-index"
                || s == "sparse+https://index.crates.io/"
            {
                (Origin::Registry(None), None)
            } else if let Some(r) = s
                .strip_prefix("registry+")
                .or_else(|| s.strip_prefix("sparse+"))
            {
                (Origin::Registry(Some(r.to_string())), None)
            } else if let Some(p) = s.strip_prefix("path+") {
                (Origin::Path(p.to_string()), None)
            } else {
                (Origin::Url(s.to_string()), None)
            }
        }
    }
}

fn emit(p: Pkg, out: &mut Out) {
    let loc = Location::line(p.line);
    let (Some(name), Some(version)) = (p.name, p.version) else {
        out.problem(loc, "[[package]] without `name` and `version`");
        return;
    };
    let mut c = component(Ecosystem::CratesIo, name, version, loc);
    let (origin, commit) = origin_commit(p.source);
    c.origin = origin;
    c.commit = commit;
    out.push(c);
}

/// A plain basic string `"..."` with no escapes, or None.
fn simple_string(v: &str) -> Option<&str> {
    let inner = v.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['"', '\\'])).then_some(inner)
}

fn is_bare_key(k: &str) -> bool {
    !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The fast path's state between lines. Packages go to `out` as soon as
/// they are complete; [`scan`] takes them out again if it gives up.
struct Scan<'a, 'o> {
    cur: Option<Pkg<'a>>,
    in_array: bool,
    /// Keys of the current table (TOML refuses a key twice).
    keys: Vec<&'a str>,
    /// `[name]` tables seen (TOML refuses a table twice).
    tables: Vec<&'a str>,
    out: &'o mut Out,
}

/// A line spelled exactly as Cargo writes it, recognised from its bytes by
/// [`quick`] (no trimming, no splitting, at most one search).
enum Quick<'a> {
    /// Empty, or a lone `\r`.
    Blank,
    /// `[[package]]`
    Package,
    /// `name = "v"`, `version = "v"`, `source = "v"` or `checksum = "v"`
    /// with no `"` or `\` in `v`.
    Value(Key, &'a str),
    /// `dependencies = [`
    ArrayOpen,
}

#[derive(Clone, Copy)]
enum Key {
    Name,
    Version,
    Source,
    Checksum,
}

const KEYS: [(&[u8], Key); 4] = [
    (b"name = \"", Key::Name),
    (b"version = \"", Key::Version),
    (b"source = \"", Key::Source),
    (b"checksum = \"", Key::Checksum),
];

/// The line starting at byte `start` when it is one of the [`Quick`]
/// shapes, with the index of its end (its `\n`, or the end of the text); a
/// `\r` before the `\n` is allowed. `None` for anything else. Only for
/// lines outside arrays: there [`Scan::general`] gives the same result for
/// each of these shapes (checked by the tests against the scanner that
/// only had the general rules).
fn quick(text: &str, start: usize) -> Option<(usize, Quick<'_>)> {
    let rest = text.as_bytes().get(start..)?;
    // End of a line whose content is `rest[..i]`.
    let eol = |i: usize| match rest.get(i) {
        None | Some(b'\n') => Some(start + i),
        Some(b'\r') => match rest.get(i + 1) {
            None | Some(b'\n') => Some(start + i + 1),
            _ => None,
        },
        _ => None,
    };
    match rest.first() {
        None | Some(b'\n' | b'\r') => Some((eol(0)?, Quick::Blank)),
        Some(b'[') if rest.starts_with(b"[[package]]") => Some((eol(11)?, Quick::Package)),
        Some(b'd') if rest.starts_with(b"dependencies = [") => Some((eol(16)?, Quick::ArrayOpen)),
        Some(b'n' | b'v' | b's' | b'c') => {
            let &(prefix, key) = KEYS.iter().find(|(p, _)| rest.starts_with(p))?;
            let value = rest.get(prefix.len()..)?;
            // The value ends at the first `"`; a `\` or the end of the line
            // first means another spelling.
            let q = memchr::memchr3(b'"', b'\\', b'\n', value)?;
            if value.get(q) != Some(&b'"') {
                return None;
            }
            let end = eol(prefix.len() + q + 1)?;
            // Both ends are next to ASCII bytes: char boundaries.
            let v = text.get(start + prefix.len()..start + prefix.len() + q)?;
            Some((end, Quick::Value(key, v)))
        }
        _ => None,
    }
}

impl<'a> Scan<'a, '_> {
    fn quick(&mut self, q: Quick<'a>, n: usize) -> Result<(), ()> {
        match q {
            Quick::Blank => {}
            Quick::Package => self.start_package(n),
            Quick::ArrayOpen => {
                self.key("dependencies")?;
                self.in_array = true;
            }
            Quick::Value(key, v) => {
                self.key(match key {
                    Key::Name => "name",
                    Key::Version => "version",
                    Key::Source => "source",
                    Key::Checksum => "checksum",
                })?;
                let slot = match (self.cur.as_mut(), key) {
                    (Some(p), Key::Name) => &mut p.name,
                    (Some(p), Key::Version) => &mut p.version,
                    (Some(p), Key::Source) => &mut p.source,
                    // A checksum, or a key outside any [[package]]: only
                    // the value's spelling matters, and it is fine.
                    _ => return Ok(()),
                };
                if slot.is_some() {
                    return Err(()); // duplicate key: TOML error
                }
                *slot = Some(v);
            }
        }
        Ok(())
    }

    /// A key of the current table; `Err` when it is there already.
    fn key(&mut self, k: &'a str) -> Result<(), ()> {
        if self.keys.contains(&k) {
            return Err(());
        }
        self.keys.push(k);
        Ok(())
    }

    fn start_package(&mut self, n: usize) {
        self.keys.clear();
        self.end_package();
        self.cur = Some(Pkg {
            line: n,
            name: None,
            version: None,
            source: None,
        });
    }

    fn end_package(&mut self) {
        if let Some(p) = self.cur.take() {
            emit(p, self.out);
        }
    }

    /// Any line (without its `\n`), by the general rules: a strict subset
    /// of TOML (whitespace is space and tab, a `\r` only before the
    /// `\n`, no other control character, no key or table twice), so that
    /// whatever they accept the TOML parser accepts too, with the same
    /// packages (tested).
    fn general(&mut self, line: &'a str, n: usize) -> Result<(), ()> {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err(());
        }
        let t = line.trim_matches([' ', '\t']);
        if self.in_array {
            if t == "]" {
                self.in_array = false;
                return Ok(());
            }
            return array_items(t).map(|_| ());
        }
        if t.is_empty() || t.starts_with('#') {
            return Ok(());
        }
        if t.starts_with('[') {
            if t == "[[package]]" {
                self.start_package(n);
                return Ok(());
            }
            self.end_package();
            self.keys.clear();
            if t.starts_with("[[patch.unused]]") && t.len() == "[[patch.unused]]".len() {
                return Ok(());
            }
            let name = t
                .strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .ok_or(())?;
            let dotted_bare = |n: &str| n.split('.').all(is_bare_key);
            if !(name == "metadata" || name.starts_with("patch.")) || !dotted_bare(name) {
                // Sub-tables of a package and anything else: the TOML
                // parser decides.
                return Err(());
            }
            if self.tables.contains(&name) {
                return Err(());
            }
            self.tables.push(name);
            return Ok(());
        }
        let Some((k, v)) = t.split_once('=') else {
            return Err(());
        };
        let k = k.trim_end_matches([' ', '\t']);
        let v = v.trim_start_matches([' ', '\t']);
        // `"name"` and `name` are the same key.
        let k = match simple_string(k) {
            Some(inner) => inner,
            None if is_bare_key(k) => k,
            None => return Err(()),
        };
        self.key(k)?;
        if let Some(p) = self.cur.as_mut() {
            let slot = match k {
                "name" => Some(&mut p.name),
                "version" => Some(&mut p.version),
                "source" => Some(&mut p.source),
                _ => None,
            };
            if let Some(slot) = slot {
                *slot = Some(simple_string(v).ok_or(())?);
                return Ok(());
            }
        }
        if let Some(rest) = v.strip_prefix('[') {
            // `[]`, `["a", "b"]`, or the first line of a longer array.
            match rest.strip_suffix(']') {
                Some(inner) => {
                    array_items(inner)?;
                }
                None => {
                    if array_items(rest)? == Items::Open {
                        return Err(());
                    }
                    self.in_array = true;
                }
            }
        } else if simple_string(v).is_none() && !is_integer(v) {
            return Err(());
        }
        Ok(())
    }
}

/// How a run of array items ends.
#[derive(PartialEq, Eq)]
enum Items {
    /// Nothing, or after a comma: more may follow.
    Done,
    /// After an item with no comma: only the closing `]` may follow.
    Open,
}

/// `"a", "b",` (simple strings separated by commas, a trailing comma and
/// a trailing comment allowed): a line inside an array.
fn array_items(t: &str) -> Result<Items, ()> {
    let mut rest = t.trim_matches([' ', '\t']);
    let mut state = Items::Done;
    while !rest.is_empty() {
        if rest.starts_with('#') {
            break;
        }
        if state == Items::Open {
            return Err(());
        }
        let after = rest.strip_prefix('"').ok_or(())?;
        let end = after.find(['"', '\\']).ok_or(())?;
        if after.as_bytes().get(end) != Some(&b'"') {
            return Err(());
        }
        rest = after
            .get(end + 1..)
            .ok_or(())?
            .trim_start_matches([' ', '\t']);
        match rest.strip_prefix(',') {
            Some(r) => rest = r.trim_start_matches([' ', '\t']),
            None => state = Items::Open,
        }
    }
    Ok(state)
}

/// A TOML decimal integer as Cargo writes one (`3`): digits, no leading zero.
fn is_integer(v: &str) -> bool {
    !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) && (v == "0" || !v.starts_with('0'))
}

/// Fast path; `Err(())` means "not the usual shape: use the TOML parser".
/// Unless it returns `Ok(Ok(()))`, `out` is left as it was.
fn scan(text: &str, limits: &Limits, out: &mut Out) -> Result<R, ()> {
    let before = (out.components.len(), out.problems.len(), out.structure_seen);
    let r = scan_lines(text, limits, out, true);
    if !matches!(r, Ok(Ok(()))) {
        out.components.truncate(before.0);
        out.problems.truncate(before.1);
        out.structure_seen = before.2;
    }
    r
}

/// The lines are those of `text.split('\n')` (the last one after the last
/// `\n`, possibly empty), numbered from 1.
/// Without `quick`, every line goes through [`Scan::general`] (the tests
/// check that both give the same result).
fn scan_lines(text: &str, limits: &Limits, out: &mut Out, quick_path: bool) -> Result<R, ()> {
    // A `\r` is allowed only before a `\n`: the last line has none.
    if text.ends_with('\r') {
        return Err(());
    }
    let mut st = Scan {
        cur: None,
        in_array: false,
        keys: Vec::new(),
        tables: Vec::new(),
        out,
    };
    let bytes = text.as_bytes();
    let mut start = 0usize;
    let mut n = 0usize;
    loop {
        n += 1;
        let q = if st.in_array || !quick_path {
            None
        } else {
            quick(text, start)
        };
        let end = match &q {
            Some((end, _)) => *end,
            None => bytes
                .get(start..)
                .and_then(|rest| memchr::memchr(b'\n', rest))
                .map_or(bytes.len(), |i| start + i),
        };
        let len = end.saturating_sub(start);
        if len > limits.max_line_bytes {
            return Ok(Err(Fail::limit(
                Location::line(n),
                format!(
                    "line is {len} bytes long, over the {}-byte limit",
                    limits.max_line_bytes
                ),
            )));
        }
        match q {
            Some((_, q)) => st.quick(q, n)?,
            // `start` and `end` are next to `\n` bytes or at the ends of
            // the text, so they are char boundaries and `get` succeeds.
            None => st.general(text.get(start..end).ok_or(())?, n)?,
        }
        if end >= bytes.len() {
            break;
        }
        start = end + 1;
    }
    if st.in_array {
        return Err(());
    }
    st.end_package();
    st.out.structure_seen = true;
    Ok(Ok(()))
}

pub(crate) fn cargo_lock(text: &str, limits: &Limits, out: &mut Out) -> R {
    if let Ok(r) = scan(text, limits, out) {
        return r;
    }
    toml_path(text, out)
}

/// Slow path: full TOML.
fn toml_path(text: &str, out: &mut Out) -> R {
    let pkgs = toml_packages(text)?;
    out.structure_seen = true;
    for (line, t) in pkgs {
        let s = |k: &str| t.get(k).and_then(toml::Value::as_str);
        emit(
            Pkg {
                line,
                name: s("name"),
                version: s("version"),
                source: s("source"),
            },
            out,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Out {
        let mut out = Out::default();
        cargo_lock(text, &Limits::default(), &mut out).unwrap();
        out
    }

    #[test]
    fn fast_and_slow_paths_agree() {
        let fast = "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\ndependencies = [\n \"b\",\n]\n\n[[package]]\nname = \"b\"\nversion = \"0.1.0\"\nsource = \"git+https://x/y?rev=1#abcdef0123\"\n";
        // Same content, spelled so the fast path gives up (literal strings).
        let slow = fast.replace("name = \"a\"", "name = 'a'");
        let (f, s) = (run(fast), run(&slow));
        assert!(scan(&slow, &Limits::default(), &mut Out::default()).is_err());
        assert_eq!(f.components, s.components);
        assert_eq!(f.components.len(), 2);
        assert_eq!(f.components[1].commit.as_deref(), Some("abcdef0123"));
        assert_eq!(f.components[1].location.line, Some(11));
    }

    #[test]
    fn not_toml_is_an_error_with_line() {
        let mut out = Out::default();
        let e = cargo_lock(
            "[[package]]\nname = \"a\"\nthis is not toml\n",
            &Limits::default(),
            &mut out,
        )
        .unwrap_err();
        assert_eq!(e.location.line, Some(3), "{}", e.reason);
    }

    #[test]
    fn missing_version_is_a_problem() {
        let out = run("[[package]]\nname = \"a\"\n\n[[package]]\nname = \"b\"\nversion = \"1\"\n");
        assert_eq!(out.components.len(), 1);
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].0.line, Some(1));
    }

    /// Fast path and TOML path on `text`: `None` when the fast path
    /// declines (then only the TOML path runs, so there is nothing to
    /// compare).
    fn fast_and_slow(label: &str, text: &str) -> Option<()> {
        let mut fast = Out::default();
        match scan(text, &Limits::default(), &mut fast) {
            Err(()) => return None,
            Ok(r) => r.unwrap_or_else(|e| panic!("{label}: fast path failed: {}", e.reason)),
        }
        let mut slow = Out::default();
        toml_path(text, &mut slow).unwrap_or_else(|e| {
            panic!(
                "{label}: fast path accepted a file the TOML parser rejects: {:?}: {}",
                e.location, e.reason
            )
        });
        assert_eq!(fast.components.len(), slow.components.len(), "{label}");
        for (f, s) in fast.components.iter().zip(&slow.components) {
            assert_eq!(f, s, "{label}");
        }
        assert_eq!(fast.problems, slow.problems, "{label}: problems");
        assert_eq!(fast.skipped, slow.skipped, "{label}: skipped");
        assert_eq!(fast.structure_seen, slow.structure_seen, "{label}");
        Some(())
    }

    #[test]
    fn fast_path_matches_toml_on_shared_fixtures() {
        let Some(root) = levee_testdata::shared_data("lockfiles") else {
            return;
        };
        let mut files = Vec::new();
        for (dir, suffix) in [
            ("cargo-lock", ""),
            ("osv-scanner-scan-fixtures", "Cargo.lock"),
        ] {
            for e in std::fs::read_dir(root.join(dir)).unwrap() {
                let p = e.unwrap().path();
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                if name.ends_with(suffix) {
                    files.push(p);
                }
            }
        }
        files.sort();
        let (mut compared, mut declined) = (Vec::new(), Vec::new());
        for p in &files {
            let bytes = std::fs::read(p).unwrap();
            let label = p.display().to_string();
            let Ok(text) = crate::util::decode_text(&bytes) else {
                continue;
            };
            // The same file with Windows line ends.
            let crlf = text.replace('\n', "\r\n");
            let _ = fast_and_slow(&format!("{label} (CRLF)"), &crlf);
            match fast_and_slow(&label, text) {
                Some(()) => compared.push(label),
                None => declined.push(label),
            }
        }
        // Every fixture but `not-toml.txt` takes the fast path.
        assert!(
            compared.len() >= 9,
            "compared {compared:?}, declined {declined:?}"
        );
        assert!(
            declined.iter().all(|d| d.ends_with("not-toml.txt")),
            "{declined:?}"
        );
    }

    #[test]
    fn fast_path_matches_toml_on_generated_lockfiles() {
        let Some(md) = levee_testdata::shared_data("osv-rustsec/rustsec-advisories-md.jsonl")
        else {
            return;
        };
        let names = cargo_lock_gen::advisory_crate_names(&std::fs::read_to_string(md).unwrap());
        assert!(names.len() > 100);
        for (shape, n, seed) in [
            (cargo_lock_gen::Shape::ScanBench, 10_000, 1),
            (cargo_lock_gen::Shape::Varied, 10_000, 1),
            (cargo_lock_gen::Shape::Varied, 1_000, 2),
        ] {
            let text = cargo_lock_gen::generate(&names, n, seed, shape);
            let label = format!("{shape:?} n={n} seed={seed}");
            assert!(
                fast_and_slow(&label, &text).is_some(),
                "{label}: fast path declined"
            );
            let crlf = text.replace('\n', "\r\n");
            assert!(
                fast_and_slow(&format!("{label} CRLF"), &crlf).is_some(),
                "{label} CRLF: fast path declined"
            );
            let out = run(&text);
            assert_eq!(out.components.len() + out.problems.len(), n, "{label}");
            if shape == cargo_lock_gen::Shape::Varied {
                assert!(
                    !out.problems.is_empty(),
                    "{label}: no package without version"
                );
                assert!(
                    out.components.iter().any(|c| c.purl.contains("%2B")),
                    "{label}"
                );
                assert!(out.components.iter().any(|c| c.commit.is_some()), "{label}");
            }
        }
    }

    /// The scanner with only the general rules (no [`quick`] shortcuts).
    fn scan_reference(text: &str, limits: &Limits, out: &mut Out) -> Result<R, ()> {
        scan_lines(text, limits, out, false)
    }

    /// Lines (and near-misses of the shapes the scanner shortcuts) to build
    /// random lockfiles from.
    const LINES: &[&str] = &[
        "",
        "\r",
        " ",
        "\t",
        "\u{c}",
        "# comment",
        "  # indented comment",
        "version = 3",
        "version = 03",
        "[[package]]",
        "[[package]]\r",
        " [[package]]",
        "[[package]] ",
        "[[package]] # c",
        "[[package]]\r\r",
        "[ [package]]",
        "name = \"a\"",
        "name = \"b_c-d\"",
        "name = \"a\"\r",
        "name = \"a\"\r\r",
        "name = \"a\" ",
        "name = \"a\" # c",
        "name=\"a\"",
        "name  = \"a\"",
        "name = 'a'",
        "name = \"a\\\"b\"",
        "name = \"a\\u0041\"",
        "name = \"a\"b\"",
        "name = \"\"",
        "name = \"",
        "name = \"\r",
        "name = \"\u{a0}\"",
        "name = \u{a0}\"a\"",
        "name\u{a0}= \"a\"",
        "name = \"a=b\"",
        "\"name\" = \"q\"",
        "version = \"1.0.0\"",
        "version = \"1.0.0+build.1\"",
        "version = \"1.0.0-alpha.1\"",
        "version = \"1.0.0\"\r",
        "version = \"é1\"",
        "source = \"registry+https://github.com/rust-lang/crates.io-index\"",
        "source = \"sparse+https://index.crates.io/\"",
        "source = \"registry+https://example.invalid/index\"",
        "source = \"sparse+https://example.invalid/\"",
        "source = \"git+https://x/y?rev=1#abcdef0\"",
        "source = \"git+https://x/y\"",
        "source = \"path+file:///x\"",
        "source = \"directory+/v\"",
        "source = \"\"",
        "checksum = \"abc123\"",
        "checksum = \"abc123\"\r",
        "checksum = \"a\"b\"",
        "checksum =",
        "checksum = 12",
        "checksum = \"\"",
        "dependencies = [",
        "dependencies = [\r",
        "dependencies = [ ",
        "dependencies =[",
        "dependencies = []",
        "dependencies = [\"a\"]",
        "dependencies = [1]",
        "dependencies = [\"a\",",
        "d = [",
        "deps = \"x\"",
        "s = \"x\"",
        "c = 1",
        "v = \"1\"",
        "n = \"a\"",
        " \"a\",",
        " \"a 1.0.0\",",
        " \"a\"",
        "\"a\",\r",
        " 'a',",
        "]",
        " ]",
        "]\r",
        "],",
        "[metadata]",
        "[metadata]\r",
        "\"checksum a 1.0.0 (registry+x)\" = \"abc\"",
        "[[patch.unused]]",
        "[patch.crates-io]",
        "[package.metadata]",
        "[foo]",
        "[[package]",
        "garbage",
        "= \"a\"",
        "x = true",
        // Not TOML, or not the same TOML: each must make the fast path
        // decline (or agree with the TOML parser).
        "\u{c}",
        "version = 03",
        "version = 0",
        "[[package]]\r\r",
        "name = \"a\"\r\r",
        "# comment \u{1}",
        "\"a\" \"b\",",
        "\"a\",, ",
        "\"a\" # c",
        "x = [\"a\" \"b\"]",
        "x = [\"a\", \"b\",]",
        "x = [\"a\",",
        "\"checksum\" = \"x\"",
        "[metadata]",
        "[patch.crates-io]",
        "[patch.\"https://x\"]",
        "[[patch.unused]]",
    ];

    fn same(label: &str, a: &Result<R, ()>, b: &Result<R, ()>, oa: &Out, ob: &Out) {
        if !matches!(a, Ok(Ok(()))) {
            // `scan` leaves `out` as it found it when it does not succeed.
            assert!(
                oa.components.is_empty() && oa.problems.is_empty(),
                "{label}"
            );
            assert!(!oa.structure_seen, "{label}");
        }
        match (a, b) {
            (Err(()), Err(())) => {}
            (Ok(Err(x)), Ok(Err(y))) => {
                assert_eq!(
                    (&x.location, &x.reason, x.kind),
                    (&y.location, &y.reason, y.kind),
                    "{label}"
                );
            }
            (Ok(Ok(())), Ok(Ok(()))) => {
                assert_eq!(oa.components, ob.components, "{label}");
                assert_eq!(oa.problems, ob.problems, "{label}");
                assert_eq!(oa.structure_seen, ob.structure_seen, "{label}");
            }
            _ => panic!(
                "{label}: {:?} vs {:?}",
                a.as_ref().map(Result::is_ok),
                b.as_ref().map(Result::is_ok)
            ),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn scan_matches_reference_scanner(
            picks in proptest::collection::vec(0..LINES.len(), 0..40),
            crlf in proptest::bool::ANY,
            short_lines in proptest::bool::ANY,
        ) {
            let sep = if crlf { "\r\n" } else { "\n" };
            let text = picks.iter().map(|&i| LINES[i]).collect::<Vec<_>>().join(sep);
            let limits = Limits {
                max_line_bytes: if short_lines { 40 } else { Limits::default().max_line_bytes },
                ..Limits::default()
            };
            let (mut oa, mut ob) = (Out::default(), Out::default());
            let a = scan(&text, &limits, &mut oa);
            let b = scan_reference(&text, &limits, &mut ob);
            same(&format!("{text:?}"), &a, &b, &oa, &ob);
        }
    }

    #[test]
    fn scan_matches_reference_on_every_pair_of_lines() {
        // Every line after `[[package]]`, after a package and inside an
        // array: each shortcut meets each state.
        for prefix in [
            "",
            "[[package]]\n",
            "[[package]]\nname = \"a\"\nversion = \"1\"\nsource = \"s\"\n",
            "x = [\n",
        ] {
            for a in LINES {
                for b in LINES {
                    let text = format!("{prefix}{a}\n{b}\n]");
                    let (mut oa, mut ob) = (Out::default(), Out::default());
                    let ra = scan(&text, &Limits::default(), &mut oa);
                    let rb = scan_reference(&text, &Limits::default(), &mut ob);
                    same(&format!("{text:?}"), &ra, &rb, &oa, &ob);
                    let text = format!("{prefix}{a}\n{b}");
                    let (mut oa, mut ob) = (Out::default(), Out::default());
                    let ra = scan(&text, &Limits::default(), &mut oa);
                    let rb = scan_reference(&text, &Limits::default(), &mut ob);
                    same(&format!("{text:?}"), &ra, &rb, &oa, &ob);
                }
            }
        }
    }

    /// Whatever the fast path accepts, the TOML parser accepts too, with
    /// the same packages and problems.
    fn accepted_means_valid_toml(text: &str) {
        let mut fast = Out::default();
        if let Ok(Ok(())) = scan(text, &Limits::default(), &mut fast) {
            let mut slow = Out::default();
            toml_path(text, &mut slow).unwrap_or_else(|e| {
                panic!(
                    "{text:?}: the fast path accepted what TOML refuses: {}",
                    e.reason
                )
            });
            assert_eq!(fast.components, slow.components, "{text:?}");
            assert_eq!(fast.problems, slow.problems, "{text:?}");
        }
    }

    #[test]
    fn fast_path_accepts_only_valid_toml_on_pairs_of_lines() {
        for prefix in [
            "",
            "[[package]]\n",
            "[[package]]\nname = \"a\"\nversion = \"1\"\nsource = \"s\"\n",
            "[metadata]\n",
        ] {
            for a in LINES {
                for b in LINES {
                    accepted_means_valid_toml(&format!("{prefix}{a}\n{b}\n"));
                    accepted_means_valid_toml(&format!("{prefix}{a}\r\n{b}"));
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn fast_path_accepts_only_valid_toml(
            picks in proptest::collection::vec(0..LINES.len(), 0..16),
        ) {
            let text = picks.iter().map(|&i| LINES[i]).collect::<Vec<_>>().join("\n");
            accepted_means_valid_toml(&text);
        }
    }

    #[test]
    fn util_line_of() {
        assert_eq!(crate::util::line_of("a\nb\nc", 4), 3);
    }
}
