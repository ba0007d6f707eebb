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

/// Fast path; `Err(())` means "not the usual shape: use the TOML parser".
fn scan<'a>(text: &'a str, limits: &Limits, out: &mut Out) -> Result<R, ()> {
    let mut cur: Option<Pkg<'a>> = None;
    let mut in_array = false;
    let mut n = 0usize;
    let mut pending: Vec<Pkg<'a>> = Vec::new();
    for line in text.split('\n') {
        n += 1;
        if line.len() > limits.max_line_bytes {
            return Ok(Err(Fail::limit(
                Location::line(n),
                format!(
                    "line is {} bytes long, over the {}-byte limit",
                    line.len(),
                    limits.max_line_bytes
                ),
            )));
        }
        let t = line.trim_ascii();
        if in_array {
            if t == "]" {
                in_array = false;
            } else if !(t.is_empty()
                || t.starts_with('#')
                || (t.starts_with('"') && (t.ends_with("\",") || t.ends_with('"'))))
            {
                return Err(());
            }
            continue;
        }
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('[') {
            if let Some(p) = cur.take() {
                pending.push(p);
            }
            if t == "[[package]]" {
                cur = Some(Pkg {
                    line: n,
                    name: None,
                    version: None,
                    source: None,
                });
            } else if !(t.ends_with(']')
                && (t == "[metadata]"
                    || t.starts_with("[[patch.unused]]")
                    || t.starts_with("[patch")
                    || t.starts_with("[package.")))
            {
                return Err(());
            } else if t.starts_with("[package.") {
                return Err(()); // sub-tables of a package: let the TOML parser decide
            }
            continue;
        }
        let Some((k, v)) = t.split_once('=') else {
            return Err(());
        };
        let k = k.trim_end();
        let v = v.trim_start();
        if !(is_bare_key(k) || simple_string(k).is_some()) {
            return Err(());
        }
        if let Some(p) = cur.as_mut() {
            let slot = match k {
                "name" => Some(&mut p.name),
                "version" => Some(&mut p.version),
                "source" => Some(&mut p.source),
                _ => None,
            };
            if let Some(slot) = slot {
                if slot.is_some() {
                    return Err(()); // duplicate key: TOML error
                }
                *slot = Some(simple_string(v).ok_or(())?);
                continue;
            }
        }
        if v.starts_with('[') {
            if !v.ends_with(']') {
                in_array = true;
            } else if !v.starts_with("[\"") && v != "[]" {
                return Err(());
            }
        } else if simple_string(v).is_none() && !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(());
        }
    }
    if in_array {
        return Err(());
    }
    if let Some(p) = cur.take() {
        pending.push(p);
    }
    out.structure_seen = true;
    out.components.reserve(pending.len());
    for p in pending {
        emit(p, out);
    }
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

    #[test]
    fn util_line_of() {
        assert_eq!(crate::util::line_of("a\nb\nc", 4), 3);
    }
}
