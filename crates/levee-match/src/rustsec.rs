//! RustSec advisory-db markdown straight to a [`CompiledAdvisory`], without
//! building the OSV JSON record first (about 4× less work per advisory than
//! `levee_formats::parse_rustsec_md` + [`crate::compile`]; it is what makes a
//! cold `levee scan --advisories advisory-db` fast).
//!
//! Same rules as `levee_formats::rustsec` (same front-matter fields, date
//! and id checks, title from the first `# ` heading, `rust/` toolchain
//! advisories get ecosystem `Rust`, ranges from
//! `levee_formats::rustsec::semver_events`); `tests/rustsec_fast.rs` checks
//! that both paths agree on every advisory of the shared advisory-db.

use std::borrow::Cow;

use serde::Deserialize;

use crate::{compile_affected, AdvisoryInfo, AffectedParts, CompiledAdvisory};
use levee_formats::{Severity, Timestamp};
use levee_versions::range::OsvRange;
use levee_versions::RangeKind;

mod front;

/// The front-matter fields `compile_md` uses, whichever parser read them
/// (the hand-written one borrows what is only read, not kept).
#[derive(Debug, Default)]
struct Parsed<'a> {
    id: String,
    package: Cow<'a, str>,
    /// `date` as text; `None` when it is neither a string nor a TOML date.
    date: Option<Cow<'a, str>>,
    /// `withdrawn`, same convention as `date`.
    withdrawn: Option<Option<Cow<'a, str>>>,
    title: Option<String>,
    aliases: Vec<String>,
    informational: Option<String>,
    cvss: Option<Cow<'a, str>>,
    /// `versions.patched` followed by `advisory.patched_versions`.
    patched: Vec<String>,
    /// `versions.unaffected` followed by `advisory.unaffected_versions`.
    unaffected: Vec<String>,
}

// The reference (slow) path: `toml` + serde. `front::parse` must agree with
// it exactly whenever it answers.
#[derive(Deserialize)]
struct Front {
    advisory: Adv,
    #[serde(default)]
    versions: Option<Vers>,
}

// No `deny_unknown_fields`: unknown keys and tables are ignored (but must
// still be valid TOML).
#[derive(Deserialize)]
struct Adv {
    id: String,
    package: String,
    date: toml::Value,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    withdrawn: Option<toml::Value>,
    #[serde(default)]
    informational: Option<String>,
    #[serde(default)]
    cvss: Option<String>,
    #[serde(default)]
    patched_versions: Vec<String>,
    #[serde(default)]
    unaffected_versions: Vec<String>,
    // Typed like levee-formats so the same advisories are refused.
    #[serde(default)]
    #[allow(dead_code)]
    references: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    url: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    related: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    categories: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    keywords: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    license: Option<String>,
}

#[derive(Deserialize, Default)]
struct Vers {
    #[serde(default)]
    patched: Vec<String>,
    #[serde(default)]
    unaffected: Vec<String>,
}

fn value_text(v: toml::Value) -> Option<Cow<'static, str>> {
    match v {
        toml::Value::String(s) => Some(Cow::Owned(s)),
        toml::Value::Datetime(d) => Some(Cow::Owned(d.to_string())),
        _ => None,
    }
}

fn parse_slow(fm: &str) -> Result<Parsed<'static>, String> {
    let front: Front =
        toml::from_str(fm).map_err(|e| format!("front matter: {}", e.message().trim()))?;
    let a = front.advisory;
    let vers = front.versions.unwrap_or_default();
    let mut patched = vers.patched;
    patched.extend(a.patched_versions);
    let mut unaffected = vers.unaffected;
    unaffected.extend(a.unaffected_versions);
    Ok(Parsed {
        id: a.id,
        package: Cow::Owned(a.package),
        date: value_text(a.date),
        withdrawn: a.withdrawn.map(value_text),
        title: a.title,
        aliases: a.aliases,
        informational: a.informational,
        cvss: a.cvss.map(Cow::Owned),
        patched,
        unaffected,
    })
}

fn date<'a>(v: Option<Cow<'a, str>>, field: &str) -> Result<Cow<'a, str>, String> {
    let s = v.ok_or_else(|| format!("`{field}` is not a date"))?;
    let b = s.as_bytes();
    let ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if ok {
        Ok(s)
    } else {
        Err(format!("`{field}` {:?} is not YYYY-MM-DD", &*s))
    }
}

/// The text after the opening ```` ```toml ```` fence line.
fn open_fence(text: &str) -> Result<&str, String> {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let rest = t
        .strip_prefix("```toml")
        .ok_or("no ```toml front-matter fence at the start")?;
    let rest = rest.strip_prefix('\r').unwrap_or(rest);
    Ok(rest
        .strip_prefix('\n')
        .ok_or("text after the opening ```toml fence")?)
}

/// If the line starting `tail` closes the front matter (its `trim_end()`
/// is "```"), its length with the newline.
fn fence_line(tail: &str) -> Option<usize> {
    let line = match tail.find('\n') {
        Some(n) => tail.get(..=n).unwrap_or(tail),
        None => tail,
    };
    (line.trim_end() == "```").then_some(line.len())
}

/// Front matter and body of `rest` (after the opening fence): the front
/// matter ends at the first closing fence line.
fn close_fence(rest: &str) -> Result<(&str, &str), String> {
    // A fence line starts with a backtick, and backticks are rare in front
    // matter: jump from backtick to backtick instead of walking every line.
    let mut from = 0;
    while let Some(k) = rest.get(from..).and_then(|r| r.find('`')) {
        let at = from + k;
        if at == 0 || rest.as_bytes().get(at - 1) == Some(&b'\n') {
            let tail = rest.get(at..).unwrap_or_default();
            if let Some(n) = fence_line(tail) {
                let fm = rest.get(..at).unwrap_or_default();
                return Ok((fm, tail.get(n..).unwrap_or_default()));
            }
        }
        from = at + 1;
    }
    Err("the ```toml front matter is not closed".into())
}

fn title_of(body: &str) -> Option<String> {
    let rest = body.trim_start().strip_prefix("# ")?;
    let title = rest.split_once('\n').map_or(rest, |(t, _)| t);
    Some(title.trim_end().to_string())
}

/// Compile one advisory-db markdown file. `path` is its path in the
/// advisory-db (`crates/foo/RUSTSEC-2020-0001.md`; may be absolute): it
/// decides the collection and is checked against the id.
pub fn compile_md(
    path: Option<&str>,
    text: &str,
    limits: &levee_formats::Limits,
) -> Result<CompiledAdvisory, String> {
    compile_md_with(path, text, limits, true)
}

/// [`compile_md`] without the hand-written front-matter parser (always
/// `toml` + serde). For tests comparing both paths; not a stable API.
#[doc(hidden)]
pub fn compile_md_slow(
    path: Option<&str>,
    text: &str,
    limits: &levee_formats::Limits,
) -> Result<CompiledAdvisory, String> {
    compile_md_with(path, text, limits, false)
}

/// Whether the hand-written front-matter parser answers for `text` (false
/// when it falls back to `toml` + serde, or when there is no front matter).
/// For tests; not a stable API.
#[doc(hidden)]
pub fn md_front_matter_fast(text: &str) -> bool {
    open_fence(text).is_ok_and(|rest| front::parse(rest).is_some())
}

fn compile_md_with(
    path: Option<&str>,
    text: &str,
    limits: &levee_formats::Limits,
    fast: bool,
) -> Result<CompiledAdvisory, String> {
    if text.len() > limits.max_record_bytes {
        return Err("advisory larger than the record limit".into());
    }
    let rest = open_fence(text)?;
    // The hand-written reader finds the closing fence itself; when it does
    // not answer, split and let toml + serde read the front matter.
    let (a, body) = match fast.then(|| front::parse(rest)).flatten() {
        Some(hit) => hit,
        None => {
            let (fm, body) = close_fence(rest)?;
            (parse_slow(fm)?, body)
        }
    };
    // The third-last path component is `rust` for toolchain advisories.
    // (Separators are ASCII, so splitting the bytes splits the text.)
    let is_sep = |c: &u8| *c == b'/' || *c == b'\\';
    let rust = path.is_some_and(|p| {
        p.as_bytes()
            .split(is_sep)
            .filter(|c| !c.is_empty())
            .rev()
            .nth(2)
            == Some(b"rust")
    });
    if a.id.trim().is_empty() || a.id.chars().any(char::is_whitespace) {
        return Err(format!("bad advisory id {:?}", a.id));
    }
    if a.package.trim().is_empty() {
        return Err("empty `package`".into());
    }
    let published = date(a.date, "date")?;
    let withdrawn = a.withdrawn.map(|w| date(w, "withdrawn")).transpose()?;
    let title = a
        .title
        .or_else(|| title_of(body))
        .ok_or("no title (`# ` heading) in the markdown body")?;
    let events = levee_formats::rustsec::semver_events(&a.patched, &a.unaffected)?;
    if let Some(p) = path {
        let file = match p.as_bytes().iter().rposition(is_sep) {
            Some(i) => p.get(i + 1..).unwrap_or(p),
            None => p,
        };
        if file
            .strip_suffix(".md")
            .is_some_and(|stem| stem.starts_with("RUSTSEC-") && stem != a.id)
        {
            return Err(format!("file name {file:?} does not match id {:?}", a.id));
        }
    }
    let modified_day = match &withdrawn {
        Some(w) if *w > published => w,
        _ => &published,
    };
    let mut noon = String::with_capacity(20);
    noon.push_str(modified_day);
    noon.push_str("T12:00:00Z");
    let modified = Timestamp::parse(&noon).map_err(|e| e.to_string())?;
    let severity = a
        .cvss
        .into_iter()
        .map(|v| Severity {
            kind: if v.starts_with("CVSS:4") {
                "CVSS_V4".into()
            } else {
                "CVSS_V3".into()
            },
            score: v.into_owned(),
        })
        .collect();
    let info = AdvisoryInfo {
        url: Some(format!("https://rustsec.org/advisories/{}.html", a.id)),
        id: a.id,
        aliases: a.aliases,
        summary: Some(title),
        modified,
        severity,
        withdrawn: withdrawn.is_some(),
    };
    let range = OsvRange {
        kind: RangeKind::Semver,
        repo: None,
        events: events
            .into_iter()
            .map(levee_versions::Event::from)
            .collect(),
    };
    let ranges = [range];
    let part = AffectedParts {
        ecosystem: if rust { "Rust" } else { "crates.io" },
        name: &a.package,
        ranges: &ranges,
        versions: &[],
        informational: a.informational,
        affected_index: 0,
    };
    let mut problems = Vec::new();
    let mut packages = Vec::new();
    match compile_affected(&info.id, info.withdrawn, part) {
        Ok(p) => packages.push(p),
        Err(e) => problems.push(e),
    }
    Ok(CompiledAdvisory {
        info,
        packages,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The line-by-line search `close_fence` replaced.
    fn close_fence_by_lines(rest: &str) -> Option<(&str, &str)> {
        let mut offset = 0;
        for line in rest.split_inclusive('\n') {
            if line.trim_end() == "```" {
                return Some((&rest[..offset], &rest[offset + line.len()..]));
            }
            offset += line.len();
        }
        None
    }

    #[test]
    fn close_fence_cases() {
        for rest in [
            "",
            "```",
            "```\n",
            "a = 1\n```\nbody",
            "a = 1\n```  \t\nbody",
            "a = 1\n```\u{2003}\r\nbody",
            "a = 1\n````\n```\nbody",
            "a = 1\n  ```\n```\nbody",
            "x`y\n`\n``\n```x\n```",
            "title = \"`x`\"\n```\n# T\n```\nmore",
            "no fence at all\n",
        ] {
            assert_eq!(
                close_fence(rest).ok(),
                close_fence_by_lines(rest),
                "{rest:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn close_fence_finds_the_first_fence_line(
            rest in proptest::collection::vec(
                prop::sample::select(vec!["`", "```", "\n", " ", "\t", "\r", "x", "\u{2003}", "é"]),
                0..40,
            ).prop_map(|v| v.concat())
        ) {
            prop_assert_eq!(close_fence(&rest).ok(), close_fence_by_lines(&rest));
        }
    }
}
