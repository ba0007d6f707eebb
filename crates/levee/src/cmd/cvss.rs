//! `levee cvss VECTOR`: parse a CVSS v2, v3.0, v3.1 or v4.0 vector and print
//! its scores as JSON. Exit 0 on success, 2 (one-line reason on stderr) when
//! the vector is invalid.

use anyhow::Result;
use levee_score::cvss;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The vector, e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H` or
    /// `CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`.
    /// v2 vectors have no prefix.
    #[arg(allow_hyphen_values = true)]
    pub vector: String,

    /// Print the JSON on one line.
    #[arg(long)]
    pub compact: bool,
}

pub fn run(a: Args) -> Result<u8> {
    let v = match cvss::parse(a.vector.trim()) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("levee: invalid CVSS vector: {e}");
            return Ok(crate::EXIT_ERROR);
        }
    };
    let scores = v.scores();
    let mut out = serde_json::to_value(scores)?;
    if let Some(o) = out.as_object_mut() {
        o.insert("vector".into(), serde_json::Value::String(v.to_string()));
    }
    let text = if a.compact {
        serde_json::to_string(&out)?
    } else {
        serde_json::to_string_pretty(&out)?
    };
    println!("{text}");
    Ok(crate::EXIT_OK)
}
