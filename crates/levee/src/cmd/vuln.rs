//! `levee vuln show ID [--format text|json]`: one vulnerability from local
//! storage — every id, each source record with its provenance and TLP
//! label, where sources disagree, affected packages, CVSS scores, KEV,
//! EPSS and CWE. Exit 0 found, 2 not found or error.
//!
//! This is an operator's tool on the database itself: it shows every
//! record whatever its label (each source line names its TLP), as anyone
//! holding the database could read it anyway. The API applies the
//! authorization module.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::{Context, Result};
use levee_kb::view::VulnView;

use crate::opts::{runtime, FileConfig, StorageArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Show one vulnerability by CVE, GHSA, PYSEC, … id or any alias.
    Show {
        /// The id (group key, record id or alias).
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    /// A CSAF 2.0 security advisory (validated by levee-feeds' validator).
    Csaf,
    /// A CSAF 2.0 VEX document.
    CsafVex,
}

pub fn run(c: Command) -> Result<u8> {
    match c {
        Command::Show {
            id,
            format,
            storage,
        } => {
            let s = storage.resolve(&FileConfig::load(storage.config.as_deref())?);
            // A read never creates a database.
            if s.database_url.is_none() && !s.data_dir.join("levee.db").exists() {
                eprintln!("levee: no database in {}", s.data_dir.display());
                return Ok(crate::EXIT_ERROR);
            }
            let (view, records) = runtime()?.block_on(async {
                let store = s.open().await?;
                let v = levee_kb::view::load(&store, &id, |_| true).await?;
                let mut records = Vec::new();
                if let Some(v) = &v {
                    for r in store.kb_records_of(&v.id).await? {
                        records.push(levee_formats::Record::from_json(
                            &r.json,
                            &levee_formats::Limits::default(),
                        )?);
                    }
                }
                store.close().await;
                anyhow::Ok((v, records))
            })?;
            let Some(v) = view else {
                eprintln!("levee: no vulnerability {id:?} in {}", s.describe());
                return Ok(crate::EXIT_ERROR);
            };
            let out = match format {
                Format::Json => serde_json::to_string_pretty(&v)? + "\n",
                Format::Text => text(&v),
                Format::Csaf | Format::CsafVex => {
                    let doc = if format == Format::Csaf {
                        levee_feeds::csaf::export_advisory(&records)
                    } else {
                        levee_feeds::csaf::export_vex(&records)
                    };
                    serde_json::to_string_pretty(&doc)? + "\n"
                }
            };
            match std::io::stdout().lock().write_all(out.as_bytes()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                r => r.context("writing to standard output")?,
            }
            Ok(crate::EXIT_OK)
        }
    }
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("-")
}

/// The human-readable form.
pub fn text(v: &VulnView) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", v.id);
    if let Some(w) = v.withdrawn {
        let _ = writeln!(o, "WITHDRAWN {}", w.to_rfc3339());
    }
    if let Some(s) = &v.summary {
        let _ = writeln!(o, "Summary:   {s}");
    }
    let _ = writeln!(o, "Aliases:   {}", v.aliases.join(", "));
    let _ = writeln!(
        o,
        "Published: {}   Modified: {}",
        v.published
            .map_or_else(|| "-".to_string(), |t| t.to_rfc3339()),
        v.modified.to_rfc3339()
    );
    let _ = writeln!(o, "\nSources:");
    for s in &v.sources {
        let _ = writeln!(
            o,
            "  {} ({}, modified {}, TLP:{}){}",
            s.id,
            s.source,
            s.modified.to_rfc3339(),
            s.tlp,
            if s.withdrawn.is_some() {
                " withdrawn"
            } else {
                ""
            }
        );
    }
    if !v.affected.is_empty() {
        let _ = writeln!(o, "\nAffected:");
        for a in &v.affected {
            let _ = writeln!(o, "  {}/{}", a.ecosystem, a.name);
            for c in &a.sources {
                let mut parts = Vec::new();
                if !c.introduced.is_empty() {
                    parts.push(format!("introduced {}", c.introduced.join(", ")));
                }
                if !c.fixed.is_empty() {
                    parts.push(format!("fixed {}", c.fixed.join(", ")));
                }
                if !c.last_affected.is_empty() {
                    parts.push(format!("last affected {}", c.last_affected.join(", ")));
                }
                if !c.versions.is_empty() {
                    parts.push(format!("{} listed versions", c.versions.len()));
                }
                let _ = writeln!(o, "    {} ({}): {}", c.record, c.source, parts.join("; "));
                // Commits (GIT ranges) apart from the versions above.
                for r in c.ranges.iter().filter(|r| r.kind == "GIT") {
                    let events: Vec<String> = r
                        .events
                        .iter()
                        .flat_map(|e| {
                            e.iter()
                                .map(|(k, v)| format!("{} {v}", k.replace('_', " ")))
                        })
                        .collect();
                    let _ = writeln!(
                        o,
                        "      git {}: {}",
                        r.repo.as_deref().unwrap_or("(no repository)"),
                        events.join(", ")
                    );
                }
            }
        }
    }
    if !v.disagreements.is_empty() {
        let _ = writeln!(o, "\nSources disagree:");
        for d in &v.disagreements {
            let claims: Vec<String> = d
                .claims
                .iter()
                .map(|c| format!("{} says [{}]", c.record, c.values.join(", ")))
                .collect();
            let _ = writeln!(o, "  {} of {}: {}", d.field, d.subject, claims.join("; "));
        }
    }
    if !v.severity.is_empty() {
        let _ = writeln!(o, "\nSeverity:");
        for s in &v.severity {
            let scored = match (&s.cvss, &s.error) {
                (Some(c), _) => {
                    let mut t = format!(
                        "CVSS {} score {} {} (base {})",
                        c["version"].as_str().unwrap_or("?"),
                        c["score"],
                        c["severity"].as_str().unwrap_or("?"),
                        c["base_score"]
                    );
                    if let Some(n) = c["nomenclature"].as_str() {
                        let _ = write!(t, " {n}");
                    }
                    t
                }
                (None, Some(e)) => format!("unscored: {e}"),
                (None, None) => String::new(),
            };
            let _ = writeln!(o, "  {} {}  {scored}", s.kind, s.vector);
        }
    }
    for k in &v.kev {
        let _ = writeln!(
            o,
            "\nKEV:       {} added {}, due {}, ransomware use {}\n           required action: {}",
            k.cve,
            opt(&k.date_added),
            opt(&k.due_date),
            opt(&k.known_ransomware_campaign_use),
            opt(&k.required_action)
        );
    }
    for e in &v.epss {
        let _ = writeln!(
            o,
            "EPSS:      {} {} (percentile {}, {})",
            e.cve,
            e.score,
            e.percentile,
            opt(&e.date)
        );
    }
    for c in &v.cwes {
        let _ = writeln!(o, "CWE:       {} {}", c.id, opt(&c.name));
    }
    if !v.links.related.is_empty() {
        let _ = writeln!(o, "Related:   {}", v.links.related.join(", "));
    }
    if !v.links.upstream.is_empty() {
        let _ = writeln!(o, "Upstream:  {}", v.links.upstream.join(", "));
    }
    if let Some(d) = &v.details {
        let _ = writeln!(o, "\nDetails:\n{d}");
    }
    o
}
