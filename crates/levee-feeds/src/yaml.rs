//! Native YAML advisory files (GitLab, RubySec, FriendsOfPHP, Hex) →
//! `serde_json::Value`, from `saphyr-parser` events with our own limits:
//! aliases are refused, nesting depth and node count are bounded. Scalars
//! follow the rule the shared datasets were converted with: a plain
//! scalar becomes a JSON number/boolean/null only when JSON renders it back
//! to the same text (so versions and dates stay strings).
//!
//! (levee-formats has the same machinery for OSV YAML, but private; this is
//! a small alias-free copy until it is exported.)

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};

use levee_formats::Limits;

/// One YAML document: the 1-based line it starts on and its value (or why
/// it was refused).
pub struct YamlDoc {
    /// Line.
    pub line: u64,
    /// Value or reason.
    pub value: Result<Value, String>,
}

enum Frame {
    Seq(Vec<Value>),
    Map(Map<String, Value>, Option<String>),
}

fn resolve_plain(t: &str) -> Value {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    if t.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'-')
    {
        if let Ok(n) = t.parse::<i64>() {
            if n.to_string() == t {
                return Value::Number(n.into());
            }
        }
        if let Ok(f) = t.parse::<f64>() {
            if let Some(n) = Number::from_f64(f) {
                if n.to_string() == t {
                    return Value::Number(n);
                }
            }
        }
    }
    Value::String(t.to_string())
}

/// Every document of a YAML stream. A syntax error ends the stream (it is
/// the last, failed document).
pub fn documents(text: &str, limits: &Limits) -> Vec<YamlDoc> {
    let mut docs = Vec::new();
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Value> = None;
    let mut line = 1u64;
    let mut nodes = 0usize;
    let mut failed: Option<String> = None;
    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(x) => x,
            Err(e) => {
                let m = e.marker();
                docs.push(YamlDoc {
                    line: m.line() as u64,
                    value: Err(format!(
                        "YAML line {} column {}: {}",
                        m.line(),
                        m.col() + 1,
                        e.info()
                    )),
                });
                return docs;
            }
        };
        match &event {
            Event::DocumentStart(_) => {
                stack.clear();
                root = None;
                nodes = 0;
                failed = None;
                line = span.start.line() as u64;
                continue;
            }
            Event::DocumentEnd => {
                let v = match failed.take() {
                    Some(e) => Some(Err(e)),
                    None => root.take().map(Ok),
                };
                if let Some(value) = v {
                    docs.push(YamlDoc { line, value });
                }
                continue;
            }
            _ => {}
        }
        if failed.is_some() {
            continue;
        }
        let l = span.start.line();
        let done: Result<Option<Value>, String> = match event {
            Event::Alias(_) => Err(format!("line {l}: YAML aliases are refused")),
            Event::Scalar(t, style, _, tag) => {
                nodes += 1;
                if t.len() > limits.max_string_bytes {
                    Err(format!(
                        "line {l}: scalar longer than {} bytes",
                        limits.max_string_bytes
                    ))
                } else if style == ScalarStyle::Plain
                    && tag.as_ref().is_none_or(|t| t.suffix != "str")
                {
                    Ok(Some(resolve_plain(&t)))
                } else {
                    Ok(Some(Value::String(t.into_owned())))
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..)
                if stack.len() >= limits.max_depth =>
            {
                Err(format!(
                    "line {l}: nesting deeper than {} levels",
                    limits.max_depth
                ))
            }
            Event::SequenceStart(..) => {
                nodes += 1;
                stack.push(Frame::Seq(Vec::new()));
                Ok(None)
            }
            Event::MappingStart(..) => {
                nodes += 1;
                stack.push(Frame::Map(Map::new(), None));
                Ok(None)
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(v)) => Ok(Some(Value::Array(v))),
                _ => Err("unbalanced sequence".into()),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(m, None)) => Ok(Some(Value::Object(m))),
                _ => Err("unbalanced mapping".into()),
            },
            _ => Ok(None),
        };
        let done = done.and_then(|v| {
            if nodes > limits.max_yaml_nodes {
                Err(format!("more than {} YAML nodes", limits.max_yaml_nodes))
            } else {
                Ok(v)
            }
        });
        let value = match done {
            Ok(Some(v)) => v,
            Ok(None) => continue,
            Err(e) => {
                failed = Some(e);
                stack.clear();
                continue;
            }
        };
        match stack.last_mut() {
            None => root = Some(value),
            Some(Frame::Seq(items)) => items.push(value),
            Some(Frame::Map(map, key)) => match key.take() {
                None => {
                    let k = match value {
                        Value::String(s) => s,
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => "null".into(),
                        _ => {
                            failed = Some(format!("line {l}: non-scalar mapping key"));
                            stack.clear();
                            continue;
                        }
                    };
                    if map.contains_key(&k) {
                        failed = Some(format!("line {l}: duplicate key {k:?}"));
                        stack.clear();
                        continue;
                    }
                    *key = Some(k);
                }
                Some(k) => {
                    map.insert(k, value);
                }
            },
        }
    }
    docs
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
        let d = documents("a: &x [1]\nb: *x\n", &Limits::default());
        assert!(d[0].value.as_ref().unwrap_err().contains("aliases"));
        let d = documents("a: 1\na: 2\n", &Limits::default());
        assert!(d[0].value.is_err());
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(documents(&deep, &Limits::default())
            .iter()
            .any(|d| d.value.is_err()));
    }
}
