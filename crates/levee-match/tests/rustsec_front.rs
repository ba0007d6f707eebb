//! The hand-written front-matter reader of `rustsec::compile_md` is only a
//! fast path: whenever it answers, the result is exactly the `toml` + serde
//! one (`compile_md_slow`), error messages included. Checked on every
//! advisory of the shared advisory-db, on hand-written edge cases and on
//! random mutations of real front matters.

use std::sync::OnceLock;

use levee_formats::Limits;
use levee_match::rustsec::{compile_md, compile_md_slow, md_front_matter_fast};
use proptest::prelude::*;

/// Both paths, as comparable text (the compiled form has no `PartialEq`;
/// its `Debug` shows every field, matchers included).
fn both(path: Option<&str>, text: &str) -> (String, String) {
    let limits = Limits::default();
    (
        format!("{:?}", compile_md(path, text, &limits)),
        format!("{:?}", compile_md_slow(path, text, &limits)),
    )
}

/// `(path, text)` of every advisory of the shared advisory-db, or `None`
/// (skipped) when the data is absent.
fn advisories() -> Option<&'static [(String, String)]> {
    static ALL: OnceLock<Option<Vec<(String, String)>>> = OnceLock::new();
    ALL.get_or_init(|| {
        let p = levee_testdata::shared_data("osv-rustsec/rustsec-advisories-md.jsonl")?;
        let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{e}"));
        let all = text
            .lines()
            .map(|l| {
                let v: serde_json::Value =
                    serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}"));
                let s = |k: &str| {
                    v[k].as_str()
                        .unwrap_or_else(|| panic!("no {k}"))
                        .to_string()
                };
                (s("path"), s("text"))
            })
            .collect();
        Some(all)
    })
    .as_deref()
}

#[test]
fn every_advisory_takes_the_fast_path_with_the_same_result() {
    let Some(all) = advisories() else {
        return;
    };
    let mut n = 0;
    let mut fell_back = Vec::new();
    let mut refused = 0;
    for (path, text) in all {
        assert!(
            path.starts_with("crates/") || path.starts_with("rust/"),
            "{path}"
        );
        let (fast, slow) = both(Some(path), text);
        assert_eq!(fast, slow, "{path}");
        if !md_front_matter_fast(text) {
            fell_back.push(path.as_str());
        }
        if slow.starts_with("Err") {
            refused += 1;
        }
        n += 1;
    }
    assert!(n > 1200, "{n}");
    eprintln!(
        "{n} advisories, {} fell back to toml+serde {fell_back:?}, {refused} refused",
        fell_back.len()
    );
    // The advisory-db front matter is machine-checked (rustsec-admin lint)
    // and uses only the subset the reader handles: strings, string arrays,
    // `expect-deleted = true`, inline `functions` tables. A fallback means
    // new syntax appeared; a couple would be fine, more means the fast path
    // no longer covers the database and the reader should learn it.
    assert!(fell_back.len() <= 5, "{fell_back:?}");
}

const BASE: &str = r#"[advisory]
id = "RUSTSEC-2020-0001"
package = "foo"
date = "2020-01-01"

[versions]
patched = [">= 1.2.0"]
"#;

const PATH: &str = "crates/foo/RUSTSEC-2020-0001.md";

fn md(fm: &str) -> String {
    format!("```toml\n{fm}```\n\n# A title\n\nBody.\n")
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// The hand-written reader answers.
    Fast,
    /// It falls back to `toml` + serde.
    Slow,
}
use Expect::{Fast, Slow};

/// `(name, markdown, expected path)`; both paths must agree on each.
fn edge_cases() -> Vec<(&'static str, String, Expect)> {
    let with = |extra: &str| md(&BASE.replace("date = \"2020-01-01\"\n", extra));
    let adv = |line: &str| with(&format!("date = \"2020-01-01\"\n{line}\n"));
    vec![
        ("base", md(BASE), Fast),
        (
            "escapes",
            adv(r#"title = "a \"q\" \\ \t \n \b \f \r \e \x41 \u00e9 \U0001F600 end""#),
            Fast,
        ),
        ("escape at end", adv(r#"title = "x\"""#), Fast),
        ("unknown escape", adv(r#"title = "a \q b""#), Slow),
        ("short unicode escape", adv(r#"title = "\u12""#), Slow),
        ("surrogate escape", adv(r#"title = "\uD800""#), Slow),
        ("escape beyond unicode", adv(r#"title = "\U00110000""#), Slow),
        ("unterminated string", adv(r#"title = "abc"#), Slow),
        ("empty strings", adv("title = \"\"\ncvss = ''"), Fast),
        ("literal string", adv(r"title = 'C:\path \n not an escape'"), Fast),
        ("multi-line basic string", adv("title = \"\"\"\nline\n\"\"\""), Slow),
        ("multi-line literal string", adv("title = '''\nline\n'''"), Slow),
        ("tab in string", adv("title = \"a\tb\""), Fast),
        ("control char in string", adv("title = \"a\u{1}b\""), Slow),
        ("DEL in string", adv("title = \"a\u{7f}b\""), Slow),
        ("DEL in comment", adv("# a\u{7f}b"), Slow),
        ("non-ASCII", adv("title = \"héllo ✓\" # çomment ✓"), Fast),
        (
            "multi-line array with comments and trailing comma",
            adv("aliases = [\n  \"CVE-2020-1\", # first\n  # between\n  'GHSA-x',\n]"),
            Fast,
        ),
        ("trailing comma", adv(r#"aliases = ["A", "B",]"#), Fast),
        ("empty array", adv("aliases = []"), Fast),
        ("empty array over lines", adv("aliases = [\n\n]"), Fast),
        ("lonely comma", adv("aliases = [,]"), Slow),
        ("double comma", adv(r#"aliases = ["a",,"b"]"#), Slow),
        ("missing comma", adv(r#"aliases = ["a" "b"]"#), Slow),
        ("unclosed array", adv(r#"aliases = ["a""#), Slow),
        ("array of non-strings in aliases", adv("aliases = [true]"), Slow),
        ("integer array in aliases", adv("aliases = [1, 2]"), Slow),
        ("mixed array in keywords", adv(r#"keywords = ["a", false]"#), Slow),
        ("nested array", adv(r#"keywords = [["a"]]"#), Slow),
        ("string for an array field", adv(r#"references = "x""#), Slow),
        ("array for a string field", adv(r#"url = ["x"]"#), Slow),
        ("boolean title", adv("title = true"), Slow),
        ("integer cvss", adv("cvss = 3"), Slow),
        ("duplicate key", adv(r#"package = "bar""#), Slow),
        ("duplicate key, quoted", adv(r#""package" = "bar""#), Slow),
        ("duplicate unknown key", adv("x = true\nx = false"), Slow),
        ("quoted keys", md(&BASE.replace("id =", "\"id\" =").replace("package", "'package'")), Fast),
        ("dotted key", adv(r#"a.b = "c""#), Slow),
        ("key without value", adv("title ="), Slow),
        ("value without key", adv(r#"= "x""#), Slow),
        ("unknown key (ignored by serde)", adv("expect-deleted = true"), Fast),
        ("unknown key with a string array", adv(r#"some-key = ["a", 'b']"#), Fast),
        ("unknown key with an integer", adv("answer = 42"), Slow),
        ("unknown key with a float", adv("pi = 3.14"), Slow),
        ("unknown key with a table", adv("t = { a = true }"), Fast),
        ("boolean followed by junk", adv("x = truex"), Slow),
        ("boolean followed by a comment", adv("x = true# c"), Fast),
        ("string followed by junk", adv(r#"title = "a" b"#), Slow),
        ("bare date", md(&BASE.replace("\"2020-01-01\"", "2020-01-01")), Fast),
        ("bare date and comment", md(&BASE.replace("\"2020-01-01\"", "2020-01-01 # c")), Fast),
        ("bare date, comment glued", md(&BASE.replace("\"2020-01-01\"", "2020-01-01#c")), Fast),
        ("bare leap day", md(&BASE.replace("\"2020-01-01\"", "2020-02-29")), Fast),
        ("bare non-leap day", md(&BASE.replace("\"2020-01-01\"", "2021-02-29")), Slow),
        ("bare 1900-02-29", md(&BASE.replace("\"2020-01-01\"", "1900-02-29")), Slow),
        ("bare 2000-02-29", md(&BASE.replace("\"2020-01-01\"", "2000-02-29")), Fast),
        ("bare April 31", md(&BASE.replace("\"2020-01-01\"", "2020-04-31")), Slow),
        ("bare month 13", md(&BASE.replace("\"2020-01-01\"", "2020-13-01")), Slow),
        ("bare day 00", md(&BASE.replace("\"2020-01-01\"", "2020-01-00")), Slow),
        ("bare datetime", md(&BASE.replace("\"2020-01-01\"", "2020-01-01T10:00:00Z")), Slow),
        ("bare datetime with space", md(&BASE.replace("\"2020-01-01\"", "2020-01-01 10:00:00")), Slow),
        ("bare date with junk", md(&BASE.replace("\"2020-01-01\"", "2020-01-01x")), Slow),
        ("short bare date", md(&BASE.replace("\"2020-01-01\"", "2020-1-01")), Slow),
        ("date not YYYY-MM-DD", md(&BASE.replace("2020-01-01", "2020-1-1")), Fast),
        ("boolean date", md(&BASE.replace("\"2020-01-01\"", "true")), Slow),
        ("withdrawn string", adv(r#"withdrawn = "2021-05-06""#), Fast),
        ("withdrawn bare date", adv("withdrawn = 2021-05-06"), Fast),
        ("withdrawn before date", adv("withdrawn = 2019-05-06"), Fast),
        ("withdrawn boolean", adv("withdrawn = true"), Slow),
        ("withdrawn bad", adv(r#"withdrawn = "soon""#), Fast),
        ("inline table", md(&format!("{BASE}\n[affected]\nfunctions = {{ \"x::y\" = [\"< 1.2\"], 'z' = [] }}\nos = [\"windows\"]\n")), Fast),
        ("empty inline table", md(&format!("{BASE}\n[affected]\nfunctions = {{}}\n")), Fast),
        ("inline table, trailing comma", md(&format!("{BASE}\n[affected]\nfunctions = {{ a = [], }}\n")), Slow),
        ("inline table over lines", md(&format!("{BASE}\n[affected]\nfunctions = {{\n a = [] }}\n")), Slow),
        ("inline table, duplicate key", md(&format!("{BASE}\n[affected]\nfunctions = {{ a = [], \"a\" = [] }}\n")), Slow),
        ("nested inline table", md(&format!("{BASE}\n[affected]\nfunctions = {{ a = {{ b = true }} }}\n")), Slow),
        ("affected.functions table", md(&format!("{BASE}\n[affected.functions]\n\"x::y\" = [\"< 1.2\"]\n\"x::z\" = [\"< 1.2\"] # c\n")), Fast),
        ("affected then affected.functions", md(&format!("{BASE}\n[affected]\nos = []\n[affected.functions]\n\"x\" = []\n")), Fast),
        ("affected.functions then affected", md(&format!("{BASE}\n[affected.functions]\n\"x\" = []\n[affected]\nos = []\n")), Slow),
        ("functions key and table", md(&format!("{BASE}\n[affected]\nfunctions = {{}}\n[affected.functions]\n\"x\" = []\n")), Slow),
        ("duplicate function", md(&format!("{BASE}\n[affected.functions]\n\"x\" = []\nx = []\n")), Slow),
        ("duplicate table", md(&format!("{BASE}\n[versions]\nunaffected = []\n")), Slow),
        ("unknown table", md(&format!("{BASE}\n[other]\na = true\n")), Slow),
        ("array of tables", md(&format!("{BASE}\n[[affected]]\n")), Slow),
        ("header with spaces", md(&BASE.replace("[versions]", "[ versions ]")), Slow),
        ("header with a comment", md(&BASE.replace("[versions]", "[versions] # c")), Fast),
        ("indented lines", md(&BASE.replace("\npackage", "\n  \tpackage")), Fast),
        ("top-level key", md(&format!("x = true\n{BASE}")), Slow),
        ("versions only", md("[versions]\npatched = []\n"), Slow),
        ("missing id", md(&BASE.replace("id = \"RUSTSEC-2020-0001\"\n", "")), Slow),
        ("empty front matter", md(""), Slow),
        ("bad id", md(&BASE.replace("RUSTSEC-2020-0001\"", "RUSTSEC 2020\"")), Fast),
        ("id does not match file", md(&BASE.replace("2020-0001", "2020-0002")), Fast),
        ("empty package", md(&BASE.replace("\"foo\"", "\" \"")), Fast),
        ("bad version requirement", md(&BASE.replace(">= 1.2.0", "nonsense")), Fast),
        (
            "patched in both tables",
            adv(r#"patched_versions = [">= 2.0.0"]
unaffected_versions = ["< 0.1.0"]"#),
            Fast,
        ),
        ("versions unknown key", md(&format!("{BASE}extra = 'x'\n")), Fast),
        ("versions duplicate key", md(&format!("{BASE}patched = []\n")), Slow),
        ("versions patched not strings", md(&BASE.replace("[\">= 1.2.0\"]", "[true]")), Slow),
        ("CRLF line endings", md(&BASE.replace('\n', "\r\n")), Slow),
        ("lone CR", adv("# a\rb"), Slow),
        ("form feed", adv("\u{c}"), Slow),
        ("cvss 4", adv(r#"cvss = "CVSS:4.0/AV:N""#), Fast),
        ("informational", adv(r#"informational = "unsound""#), Fast),
    ]
}

#[test]
fn edge_cases_agree_with_toml_serde() {
    for (name, text, expect) in edge_cases() {
        let (fast, slow) = both(Some(PATH), &text);
        assert_eq!(fast, slow, "{name}: {text}");
        let took = if md_front_matter_fast(&text) {
            Fast
        } else {
            Slow
        };
        assert_eq!(took, expect, "{name}: {text}\n{slow}");
    }
}

#[test]
fn values_are_decoded_like_toml() {
    let limits = Limits::default();
    let text = md(&BASE.replace(
        "date = \"2020-01-01\"\n",
        "date = 2020-01-01\ntitle = \"a \\\"q\\\" \\u00e9\\ttab \\U0001F600 \\x41\"\naliases = ['lit\\n', \"x\"]\n",
    ));
    assert!(md_front_matter_fast(&text));
    let a = compile_md(Some(PATH), &text, &limits).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.info.summary.as_deref(), Some("a \"q\" é\ttab 😀 A"));
    assert_eq!(a.info.aliases, ["lit\\n", "x"]);
}

#[test]
fn fences_and_bom_behave_the_same() {
    let cases = [
        format!("\u{feff}{}", md(BASE)),
        format!("  \n{}", md(BASE)),
        md(BASE).replace("\n```\n", "\n"),
        md(BASE).replace("```\n\n#", "```  \n\n#"),
        md(BASE).replace("```toml\n", "```toml\r\n"),
        md(BASE).replace("```toml\n", "```toml x\n"),
        md(BASE).replace("```toml\n", "```\n"),
        String::new(),
    ];
    for text in &cases {
        let (fast, slow) = both(Some(PATH), text);
        assert_eq!(fast, slow, "{text:?}");
    }
    // A BOM before the fence is skipped; a BOM inside the front matter is
    // not whitespace to TOML.
    assert!(md_front_matter_fast(&cases[0]));
    let inner = md(&format!("\u{feff}{BASE}"));
    assert_eq!(both(Some(PATH), &inner).0, both(Some(PATH), &inner).1);
    assert!(!md_front_matter_fast(&inner));
}

/// The fast reader finds the closing fence itself; it must pick the same
/// line as the toml + serde path's split (the first line whose
/// `trim_end()` is "```"), or fall back.
#[test]
fn closing_fence_is_found_like_the_split() {
    let no_title = BASE.to_string();
    let cases = [
        ("plain", format!("```toml\n{no_title}```\n# T\n"), Fast),
        (
            "trailing spaces",
            format!("```toml\n{no_title}```  \t\n# T\n"),
            Fast,
        ),
        (
            "unicode space",
            format!("```toml\n{no_title}```\u{2003}\n# T\n"),
            Fast,
        ),
        (
            "CRLF fence",
            format!("```toml\n{no_title}```\r\n# T\n"),
            Fast,
        ),
        ("fence at the end", format!("```toml\n{no_title}```"), Fast),
        (
            "four backticks",
            format!("```toml\n{no_title}````\n# T\n```\n# U\n"),
            Slow,
        ),
        (
            "indented",
            format!("```toml\n{no_title}  ```\n# T\n```\n# U\n"),
            Slow,
        ),
        (
            "a comment before the fence",
            format!("```toml\n{no_title}\n# T\n```\n# U\n"),
            Fast,
        ),
        (
            "backticks in a string",
            format!(
                "```toml\n{}```\n# T\n",
                BASE.replace("date =", "title = \"`x` ```\"\ndate =")
            ),
            Fast,
        ),
        (
            "fence inside an array",
            format!(
                "```toml\n{}\n```\n\"b\"]\n# T\n",
                BASE.replace("[\">= 1.2.0\"]", "[\">= 1.2.0\",")
            ),
            Slow,
        ),
        (
            "empty front matter",
            "```toml\n```\n# T\n".to_string(),
            Slow,
        ),
        (
            "second fence in the body",
            format!("```toml\n{no_title}```\n# T\n```toml\nx\n```\n"),
            Fast,
        ),
        (
            "no title after the fence",
            format!("```toml\n{no_title}```\nno heading\n"),
            Fast,
        ),
    ];
    for (name, text, expect) in cases {
        let (fast, slow) = both(Some(PATH), &text);
        assert_eq!(fast, slow, "{name}: {text:?}");
        let took = if md_front_matter_fast(&text) {
            Fast
        } else {
            Slow
        };
        assert_eq!(took, expect, "{name}: {text:?}\n{slow}");
    }
}

#[test]
fn toolchain_paths_and_no_path() {
    for path in [
        None,
        Some("rust/std/RUSTSEC-2020-0001.md"),
        Some("/abs/advisory-db/rust/std/RUSTSEC-2020-0001.md"),
        Some("rust\\std\\RUSTSEC-2020-0001.md"),
        Some("crates/rust/RUSTSEC-2020-0001.md"),
        Some("RUSTSEC-2020-0002.md"),
    ] {
        let (fast, slow) = both(path, &md(BASE));
        assert_eq!(fast, slow, "{path:?}");
    }
}

/// One edit of the text, at a position given as a fraction of the front
/// matter's length (so most edits land where the parsers look).
#[derive(Debug, Clone)]
enum Edit {
    Insert(f64, char),
    Delete(f64),
    Replace(f64, char),
}

fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(
            "\"'[]{}=,.#\\\n\r\t -_:+0123456789TZabefnrtuxU".chars().collect::<Vec<_>>()
        ),
        1 => any::<char>(),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0.0..1.0f64, interesting_char()).prop_map(|(p, c)| Edit::Insert(p, c)),
        (0.0..1.0f64).prop_map(Edit::Delete),
        (0.0..1.0f64, interesting_char()).prop_map(|(p, c)| Edit::Replace(p, c)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    // The front matter: up to the closing fence (or everything).
    let fm_len = text
        .find("\n```\n")
        .map_or(chars.len(), |b| text[..b].chars().count() + 5);
    for e in edits {
        let at = |p: f64| ((p * fm_len as f64) as usize).min(chars.len());
        match *e {
            Edit::Insert(p, c) => chars.insert(at(p), c),
            Edit::Delete(p) => {
                let i = at(p);
                if i < chars.len() {
                    chars.remove(i);
                }
            }
            Edit::Replace(p, c) => {
                let i = at(p);
                if let Some(slot) = chars.get_mut(i) {
                    *slot = c;
                }
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Mutated real front matters: both paths give the same `Ok` value or
    /// the same error, and nothing panics.
    #[test]
    fn mutated_front_matters_agree(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let Some(all) = advisories() else {
            return Ok(());
        };
        let (path, text) = &all[pick.index(all.len())];
        let text = apply(text, &edits);
        let (fast, slow) = both(Some(path), &text);
        prop_assert_eq!(fast, slow, "{}", text);
    }

    /// Mutated edge cases (covers syntax the database does not use).
    #[test]
    fn mutated_edge_cases_agree(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let cases = edge_cases();
        let (_, text, _) = &cases[pick.index(cases.len())];
        let text = apply(text, &edits);
        let (fast, slow) = both(Some(PATH), &text);
        prop_assert_eq!(fast, slow, "{}", text);
    }
}

/// A deterministic sweep: one edit at many positions of every advisory,
/// showing that mutations exercise both the fast path and the fallback.
#[test]
fn single_edit_sweep_exercises_both_paths() {
    let Some(all) = advisories() else {
        return;
    };
    let (mut fast_n, mut slow_n) = (0usize, 0usize);
    let alphabet = [
        '"', '\'', '[', ']', '{', '}', '=', ',', '#', '\\', '\n', ' ', 'x', '1',
    ];
    for (k, (path, text)) in all.iter().enumerate() {
        let c = alphabet[k % alphabet.len()];
        for step in 0..8 {
            let p = (k * 7 + step * 13) % 100;
            let edit = match step % 3 {
                0 => Edit::Insert(p as f64 / 100.0, c),
                1 => Edit::Delete(p as f64 / 100.0),
                _ => Edit::Replace(p as f64 / 100.0, c),
            };
            let text = apply(text, &[edit]);
            let (fast, slow) = both(Some(path), &text);
            assert_eq!(fast, slow, "{path}: {text}");
            if md_front_matter_fast(&text) {
                fast_n += 1;
            } else {
                slow_n += 1;
            }
        }
    }
    eprintln!("single edits: {fast_n} fast, {slow_n} fell back");
    assert!(fast_n > 1000 && slow_n > 1000, "{fast_n} {slow_n}");
}
