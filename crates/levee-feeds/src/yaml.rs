//! Native YAML advisory files (GitLab, RubySec, FriendsOfPHP, Hex) →
//! `serde_json::Value`, through levee-formats' YAML reader (its limits:
//! nesting depth, node count, string length) with aliases always refused
//! and the scalar rule the shared datasets were converted with
//! ([`ScalarRule::Converted`]: versions and dates stay strings).

use serde_json::Value;

use levee_formats::yaml::ScalarRule;
use levee_formats::Limits;

/// One YAML document: the 1-based line it starts on and its value (or why
/// it was refused).
pub struct YamlDoc {
    /// Line.
    pub line: u64,
    /// Value or reason.
    pub value: Result<Value, String>,
}

/// Every document of a YAML stream. A syntax error ends the stream (it is
/// the last, failed document).
pub fn documents(text: &str, limits: &Limits) -> Vec<YamlDoc> {
    let limits = Limits {
        max_yaml_aliases: 0,
        ..limits.clone()
    };
    levee_formats::yaml::documents(text, &limits, ScalarRule::Converted)
        .into_iter()
        .map(|d| YamlDoc {
            line: d.line,
            value: d.value.map_err(|e| e.reason),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_and_refusals() {
        let d = documents(
            "a: 1.10\nb: 42\nc: 2019-04-03\nd: ~\ne: '7'\nf: [x, 1.0]\n",
            &Limits::default(),
        );
        let v = d[0].value.as_ref().unwrap();
        assert_eq!(v["a"], "1.10");
        assert_eq!(v["b"], 42);
        assert_eq!(v["c"], "2019-04-03");
        assert!(v["d"].is_null());
        assert_eq!(v["e"], "7");
        assert_eq!(v["f"][1], 1.0);
        // Refused even when the caller's limits would allow aliases.
        let lenient = Limits {
            max_yaml_aliases: 100,
            ..Limits::default()
        };
        let d = documents("a: &x [1]\nb: *x\n", &lenient);
        assert!(d[0].value.as_ref().unwrap_err().contains("aliases"));
        let d = documents("a: 1\na: 2\n", &Limits::default());
        assert!(d[0].value.is_err());
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(documents(&deep, &Limits::default())
            .iter()
            .any(|d| d.value.is_err()));
    }
}
