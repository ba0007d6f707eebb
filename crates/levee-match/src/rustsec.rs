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

use serde::Deserialize;

use crate::{compile_affected, AdvisoryInfo, AffectedParts, CompiledAdvisory};
use levee_formats::{Severity, Timestamp};
use levee_versions::range::OsvRange;
use levee_versions::RangeKind;

#[derive(Deserialize)]
struct Front {
    advisory: Adv,
    #[serde(default)]
    versions: Option<Vers>,
}

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

fn date(v: &toml::Value, field: &str) -> Result<String, String> {
    let s = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        _ => return Err(format!("`{field}` is not a date")),
    };
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
        Err(format!("`{field}` {s:?} is not YYYY-MM-DD"))
    }
}

fn split_front_matter(text: &str) -> Result<(&str, &str), String> {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let rest = t
        .strip_prefix("```toml")
        .ok_or("no ```toml front-matter fence at the start")?;
    let rest = rest.strip_prefix('\r').unwrap_or(rest);
    let rest = rest
        .strip_prefix('\n')
        .ok_or("text after the opening ```toml fence")?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "```" {
            let fm = rest.get(..offset).unwrap_or_default();
            let body = rest.get(offset + line.len()..).unwrap_or_default();
            return Ok((fm, body));
        }
        offset += line.len();
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
    if text.len() > limits.max_record_bytes {
        return Err("advisory larger than the record limit".into());
    }
    let (fm, body) = split_front_matter(text)?;
    let front: Front =
        toml::from_str(fm).map_err(|e| format!("front matter: {}", e.message().trim()))?;
    let a = front.advisory;
    let rust = path.is_some_and(|p| {
        let comps: Vec<&str> = p.split(['/', '\\']).filter(|c| !c.is_empty()).collect();
        comps.len().checked_sub(3).and_then(|i| comps.get(i)) == Some(&"rust")
    });
    if a.id.trim().is_empty() || a.id.chars().any(char::is_whitespace) {
        return Err(format!("bad advisory id {:?}", a.id));
    }
    if a.package.trim().is_empty() {
        return Err("empty `package`".into());
    }
    let published = date(&a.date, "date")?;
    let withdrawn = a
        .withdrawn
        .as_ref()
        .map(|w| date(w, "withdrawn"))
        .transpose()?;
    let title = a
        .title
        .or_else(|| title_of(body))
        .ok_or("no title (`# ` heading) in the markdown body")?;
    let vers = front.versions.unwrap_or_default();
    let mut patched = vers.patched;
    patched.extend(a.patched_versions);
    let mut unaffected = vers.unaffected;
    unaffected.extend(a.unaffected_versions);
    let events = levee_formats::rustsec::semver_events(&patched, &unaffected)?;
    if let Some(p) = path {
        let file = p.rsplit(['/', '\\']).next().unwrap_or(p);
        if file
            .strip_suffix(".md")
            .is_some_and(|stem| stem.starts_with("RUSTSEC-") && stem != a.id)
        {
            return Err(format!("file name {file:?} does not match id {:?}", a.id));
        }
    }
    let modified_day = match &withdrawn {
        Some(w) if *w > published => w.clone(),
        _ => published.clone(),
    };
    let modified =
        Timestamp::parse(&format!("{modified_day}T12:00:00Z")).map_err(|e| e.to_string())?;
    let severity = a
        .cvss
        .iter()
        .map(|v| Severity {
            kind: if v.starts_with("CVSS:4") {
                "CVSS_V4".into()
            } else {
                "CVSS_V3".into()
            },
            score: v.clone(),
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
            .map(|e| match e {
                levee_formats::Event::Introduced(v) => levee_versions::Event::Introduced(v),
                levee_formats::Event::Fixed(v) => levee_versions::Event::Fixed(v),
                levee_formats::Event::LastAffected(v) => levee_versions::Event::LastAffected(v),
                levee_formats::Event::Limit(v) => levee_versions::Event::Limit(v),
            })
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
