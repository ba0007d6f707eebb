//! YAML -> `serde_json::Value`, built from the event stream of
//! `saphyr-parser` so that every limit is ours: nesting depth, node count,
//! string length, and aliases (refused by default; when allowed, bounded by
//! `Limits::max_yaml_aliases` and the expanded node budget).
//!
//! Why saphyr-parser: `serde_yaml` is archived/unmaintained, its fork
//! `serde_yml` was archived after soundness problems; saphyr (successor of
//! yaml-rust2) is maintained, pure Rust, YAML 1.2, and its parser is an
//! explicit state machine (no recursion), emitting aliases as events that a
//! caller can refuse instead of expanding.
//!
//! Scalars follow the YAML 1.2 core schema, with one lossless twist: a
//! plain scalar that looks numeric becomes a JSON number only if JSON
//! renders that number back to the same text (`1.0`, `42`); otherwise it
//! stays a string (`1.10`, `010`, `1e3`, `.inf`), so versions survive.
//! Timestamps stay strings (YAML 1.2 has no timestamp type).

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

use crate::error::{RecordError, RejectionClass};
use crate::limits::Limits;

/// One YAML document converted to JSON, with the line it starts on.
pub struct YamlDoc {
    /// The 1-based line the document starts on.
    pub line: u64,
    /// The document, or why it was refused.
    pub value: Result<Value, RecordError>,
}

/// How a plain (unquoted, untagged) scalar becomes a JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarRule {
    /// YAML 1.2 core schema with the lossless twist above (OSV YAML).
    Core,
    /// The rule the native advisory datasets (GitLab, RubySec,
    /// FriendsOfPHP, Hex) were converted to JSON with: only lower-case
    /// `true`/`false`; a number only when the scalar starts with a digit or
    /// `-` and an `i64` or `f64` renders back to the same text.
    Converted,
}

enum Frame {
    Seq(Vec<Value>, usize),
    Map(Map<String, Value>, Option<String>, usize),
}

/// [`documents`] with the core scalar rule (OSV YAML).
pub(crate) fn yaml_documents(text: &str, limits: &Limits) -> Vec<YamlDoc> {
    documents(text, limits, ScalarRule::Core)
}

/// Convert every document of a YAML stream. A syntax error ends the stream
/// (the parser cannot resynchronise); it is reported as the last document.
/// Aliases are refused unless `limits.max_yaml_aliases` allows some.
pub fn documents(text: &str, limits: &Limits, rule: ScalarRule) -> Vec<YamlDoc> {
    let mut docs = Vec::new();
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Value> = HashMap::new();
    let mut root: Option<Value> = None;
    let mut doc_line: u64 = 1;
    let mut nodes: usize = 0;
    let mut aliases: usize = 0;
    let mut failed: Option<RecordError> = None;

    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(x) => x,
            Err(e) => {
                let m = e.marker();
                // saphyr's own nesting guard fires while scanning ahead.
                let class = if e.info().contains("recursion limit") {
                    RejectionClass::TooDeep
                } else {
                    RejectionClass::Syntax
                };
                docs.push(YamlDoc {
                    line: m.line() as u64,
                    value: Err(RecordError::plain(
                        class,
                        format!("line {} column {}: {}", m.line(), m.col() + 1, e.info()),
                    )),
                });
                return docs;
            }
        };
        if let Event::DocumentStart(_) = event {
            stack.clear();
            anchors.clear();
            root = None;
            nodes = 0;
            aliases = 0;
            failed = None;
            doc_line = span.start.line() as u64;
            continue;
        }
        if let Event::DocumentEnd = event {
            let value = match failed.take() {
                Some(e) => Some(Err(e)),
                None => root.take().map(Ok),
            };
            if let Some(value) = value {
                docs.push(YamlDoc {
                    line: doc_line,
                    value,
                });
            }
            continue;
        }
        if failed.is_some() {
            continue; // skip the rest of a refused document
        }
        let step = (|| -> Result<(), RecordError> {
            let completed: Option<(Value, usize)> = match event {
                Event::StreamStart | Event::StreamEnd | Event::Nothing => None,
                Event::DocumentStart(_) | Event::DocumentEnd => None,
                Event::Alias(id) => {
                    aliases += 1;
                    if aliases > limits.max_yaml_aliases {
                        return Err(RecordError::plain(
                            RejectionClass::YamlAlias,
                            if limits.max_yaml_aliases == 0 {
                                format!("line {}: YAML aliases are refused", span.start.line())
                            } else {
                                format!("more than {} YAML aliases", limits.max_yaml_aliases)
                            },
                        ));
                    }
                    let v = anchors.get(&id).cloned().ok_or_else(|| {
                        RecordError::plain(RejectionClass::Syntax, "alias to an unknown anchor")
                    })?;
                    nodes = nodes.saturating_add(count_nodes(&v));
                    if nodes > limits.max_yaml_nodes {
                        return Err(RecordError::plain(
                            RejectionClass::YamlAlias,
                            format!("alias expansion exceeds {} nodes", limits.max_yaml_nodes),
                        ));
                    }
                    Some((v, 0))
                }
                Event::Scalar(text, style, anchor, tag) => {
                    nodes += 1;
                    if text.len() > limits.max_string_bytes {
                        return Err(RecordError::plain(
                            RejectionClass::StringTooLong,
                            format!(
                                "line {}: scalar longer than {} bytes",
                                span.start.line(),
                                limits.max_string_bytes
                            ),
                        ));
                    }
                    let forced_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                    let v = if style == ScalarStyle::Plain && !forced_str {
                        resolve_plain(&text, rule)
                    } else {
                        Value::String(text.into_owned())
                    };
                    Some((v, anchor))
                }
                Event::SequenceStart(anchor, _) => {
                    nodes += 1;
                    push(
                        &mut stack,
                        Frame::Seq(Vec::new(), anchor),
                        limits,
                        span.start.line(),
                    )?;
                    None
                }
                Event::MappingStart(anchor, _) => {
                    nodes += 1;
                    push(
                        &mut stack,
                        Frame::Map(Map::new(), None, anchor),
                        limits,
                        span.start.line(),
                    )?;
                    None
                }
                Event::SequenceEnd => match stack.pop() {
                    Some(Frame::Seq(items, anchor)) => Some((Value::Array(items), anchor)),
                    _ => {
                        return Err(RecordError::plain(
                            RejectionClass::Syntax,
                            "unbalanced sequence",
                        ))
                    }
                },
                Event::MappingEnd => match stack.pop() {
                    Some(Frame::Map(map, None, anchor)) => Some((Value::Object(map), anchor)),
                    _ => {
                        return Err(RecordError::plain(
                            RejectionClass::Syntax,
                            "unbalanced mapping",
                        ))
                    }
                },
            };
            if nodes > limits.max_yaml_nodes {
                return Err(RecordError::plain(
                    RejectionClass::TooLarge,
                    format!(
                        "YAML document has more than {} nodes",
                        limits.max_yaml_nodes
                    ),
                ));
            }
            let Some((value, anchor)) = completed else {
                return Ok(());
            };
            if anchor > 0 && limits.max_yaml_aliases > 0 {
                anchors.insert(anchor, value.clone());
            }
            match stack.last_mut() {
                None => root = Some(value),
                Some(Frame::Seq(items, _)) => items.push(value),
                Some(Frame::Map(map, key, _)) => match key.take() {
                    None => {
                        let k = match value {
                            Value::String(s) => s,
                            Value::Number(n) => n.to_string(),
                            Value::Bool(b) => b.to_string(),
                            Value::Null => "null".to_string(),
                            _ => {
                                return Err(RecordError::plain(
                                    RejectionClass::Syntax,
                                    format!("line {}: non-scalar mapping key", span.start.line()),
                                ))
                            }
                        };
                        if map.contains_key(&k) {
                            return Err(RecordError::plain(
                                RejectionClass::Syntax,
                                format!("line {}: duplicate key {k:?}", span.start.line()),
                            ));
                        }
                        *key = Some(k);
                    }
                    Some(k) => {
                        map.insert(k, value);
                    }
                },
            }
            Ok(())
        })();
        if let Err(e) = step {
            failed = Some(e);
            stack.clear();
        }
    }
    docs
}

fn push(stack: &mut Vec<Frame>, f: Frame, limits: &Limits, line: usize) -> Result<(), RecordError> {
    if stack.len() >= limits.max_depth {
        return Err(RecordError::plain(
            RejectionClass::TooDeep,
            format!(
                "line {line}: nesting deeper than {} levels",
                limits.max_depth
            ),
        ));
    }
    stack.push(f);
    Ok(())
}

fn count_nodes(v: &Value) -> usize {
    let mut n = 0usize;
    let mut todo = vec![v];
    while let Some(v) = todo.pop() {
        n += 1;
        match v {
            Value::Array(a) => todo.extend(a.iter()),
            Value::Object(m) => todo.extend(m.values()),
            _ => {}
        }
    }
    n
}

fn resolve_plain(s: &str, rule: ScalarRule) -> Value {
    let core = rule == ScalarRule::Core;
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        "True" | "TRUE" if core => return Value::Bool(true),
        "False" | "FALSE" if core => return Value::Bool(false),
        _ => {}
    }
    let b = s.as_bytes();
    let numeric = if core {
        b.iter()
            .all(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
            && b.iter().any(u8::is_ascii_digit)
    } else {
        b.first().is_some_and(|c| c.is_ascii_digit() || *c == b'-')
    };
    if numeric {
        if let Ok(v) = s.parse::<i64>() {
            if v.to_string() == s {
                return Value::Number(v.into());
            }
        } else if let Some(v) = s.parse::<u64>().ok().filter(|_| core) {
            if v.to_string() == s {
                return Value::Number(v.into());
            }
        }
        if let Some(n) = s.parse::<f64>().ok().and_then(Number::from_f64) {
            if n.to_string() == s {
                return Value::Number(n);
            }
        }
    }
    Value::String(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, limits: &Limits) -> Result<Value, RecordError> {
        let mut d = yaml_documents(text, limits);
        assert_eq!(d.len(), 1, "{text}");
        d.remove(0).value
    }

    #[test]
    fn scalars_and_structure() {
        let v = one(
            "id: PYSEC-1\nmodified: 2021-07-21T14:00:00Z\nn: 42\nf: 1.0\nv: 1.10\no: 010\nq: '1.5'\nb: true\nz: ~\nl:\n  - a\n  - {x: 1}\n",
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            v,
            serde_json::json!({"id":"PYSEC-1","modified":"2021-07-21T14:00:00Z","n":42,"f":1.0,
                "v":"1.10","o":"010","q":"1.5","b":true,"z":null,"l":["a",{"x":1}]})
        );
    }

    #[test]
    fn aliases_refused_by_default_and_bounded_when_allowed() {
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
        let e = one(bomb, &Limits::default()).unwrap_err();
        assert_eq!(e.class, RejectionClass::YamlAlias);
        let lim = Limits {
            max_yaml_aliases: 1000,
            max_yaml_nodes: 10_000,
            ..Limits::default()
        };
        let e = one(bomb, &lim).unwrap_err();
        assert_eq!(e.class, RejectionClass::YamlAlias, "{e}");
        let v = one("a: &x [1]\nb: *x\n", &lim).unwrap();
        assert_eq!(v, serde_json::json!({"a":[1],"b":[1]}));
    }

    #[test]
    fn the_two_scalar_rules() {
        let text = "a: True\nb: 18446744073709551615\nc: 1.10\nd: 42\ne: ~\nf: true\ng: 1.5\n";
        let core = documents(text, &Limits::default(), ScalarRule::Core);
        let conv = documents(text, &Limits::default(), ScalarRule::Converted);
        let (core, conv) = (
            core[0].value.as_ref().unwrap(),
            conv[0].value.as_ref().unwrap(),
        );
        assert_eq!(core["a"], true);
        assert_eq!(conv["a"], "True");
        assert_eq!(core["b"], u64::MAX);
        assert_eq!(conv["b"], "18446744073709551615");
        for k in ["c", "d", "e", "f", "g"] {
            assert_eq!(core[k], conv[k], "{k}");
        }
        assert_eq!(conv["c"], "1.10");
        assert_eq!(conv["d"], 42);
    }

    #[test]
    fn depth_duplicates_and_syntax() {
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(
            one(&deep, &Limits::default()).unwrap_err().class,
            RejectionClass::TooDeep
        );
        assert_eq!(
            one("a: 1\na: 2\n", &Limits::default()).unwrap_err().class,
            RejectionClass::Syntax
        );
        assert_eq!(
            one("a: [1\n", &Limits::default()).unwrap_err().class,
            RejectionClass::Syntax
        );
        let docs = yaml_documents("---\nid: a\n---\nid: b\n", &Limits::default());
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].line, 3);
    }
}
