//! A small YAML tree built from `saphyr-parser` events, with bounded depth
//! and bounded alias expansion (a billion-laughs document is refused before
//! anything is copied). Scalars stay strings, so `version: 1.10` keeps its
//! spelling.

/// Nodes that may be copied through aliases in one document.
const MAX_ALIAS_NODES: usize = 100_000;

use crate::util::{Fail, R};
use crate::{Limits, Location};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub(crate) enum Y {
    Null,
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub v: Y,
    /// Where the node itself starts (for a block mapping value: its first
    /// key, the line after the entry's own key).
    pub line: usize,
    /// The line of the key when the node is a mapping value.
    key_line: Option<usize>,
    size: usize,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.v {
            Y::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    pub fn str(&self) -> Option<&str> {
        match &self.v {
            Y::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::str)
    }
    pub fn map(&self) -> &[(String, Node)] {
        match &self.v {
            Y::Map(m) => m,
            _ => &[],
        }
    }
    pub fn seq(&self) -> &[Node] {
        match &self.v {
            Y::Seq(s) => s,
            _ => &[],
        }
    }
    /// Where the entry starts: the key's line for a mapping value (`pkg:`),
    /// else the node's own line.
    pub fn entry_line(&self) -> usize {
        self.key_line.unwrap_or(self.line)
    }
    pub fn is_map(&self) -> bool {
        matches!(self.v, Y::Map(_))
    }
}

enum Frame {
    Seq(Vec<Node>, usize, usize, usize),
    Map(
        Vec<(String, Node)>,
        Option<(String, usize)>,
        usize,
        usize,
        usize,
    ),
}

/// Parse the first YAML document. An empty document is `Y::Null`.
pub(crate) fn parse(text: &str, limits: &Limits) -> R<Node> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut total: usize = 0;
    let mut alias_total: usize = 0;
    let mut root: Option<Node> = None;
    let too_many = |line: usize| {
        Fail::limit(
            Location::line(line),
            format!(
                "YAML expands to more than {} nodes (alias bomb?)",
                limits.max_yaml_nodes
            ),
        )
    };
    loop {
        let (ev, span) = match parser.next_event() {
            None => break,
            Some(Ok(x)) => x,
            Some(Err(e)) => {
                let kind_limit = e.info().contains("recursion limit");
                let loc = Location::line(e.marker().line());
                let reason = format!(
                    "invalid YAML: {} (column {})",
                    e.info(),
                    e.marker().col() + 1
                );
                return Err(if kind_limit {
                    Fail::limit(loc, reason)
                } else {
                    Fail::malformed(loc, reason)
                });
            }
        };
        let line = span.start.line();
        let done: Option<(Node, usize)> = match ev {
            Event::StreamEnd | Event::DocumentEnd => {
                if root.is_some() || matches!(ev, Event::StreamEnd) {
                    break;
                }
                None
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) => None,
            Event::Alias(id) => {
                let n = anchors.get(&id).ok_or_else(|| {
                    Fail::malformed(Location::line(line), "YAML alias to an unknown anchor")
                })?;
                total = total.saturating_add(n.size);
                // Nodes copied through aliases have a budget of their own,
                // far below the document's: lockfiles barely use aliases,
                // and each alias costs a deep copy, so a bomb must stop
                // before the copying (not the counting) gets expensive.
                alias_total = alias_total.saturating_add(n.size);
                if total > limits.max_yaml_nodes {
                    return Err(too_many(line));
                }
                if alias_total > MAX_ALIAS_NODES {
                    return Err(Fail::limit(
                        Location::line(line),
                        format!(
                            "YAML aliases copy more than {MAX_ALIAS_NODES} nodes (alias bomb?)"
                        ),
                    ));
                }
                Some((n.clone(), 0))
            }
            Event::Scalar(s, style, anchor, _tag) => {
                total += 1;
                if total > limits.max_yaml_nodes {
                    return Err(too_many(line));
                }
                let v = if style == ScalarStyle::Plain
                    && matches!(&*s, "" | "~" | "null" | "Null" | "NULL")
                {
                    Y::Null
                } else {
                    Y::Str(s.into_owned())
                };
                Some((
                    Node {
                        v,
                        line,
                        key_line: None,
                        size: 1,
                    },
                    anchor,
                ))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= limits.max_depth {
                    return Err(Fail::limit(
                        Location::line(line),
                        format!("YAML nesting deeper than {}", limits.max_depth),
                    ));
                }
                total += 1;
                if total > limits.max_yaml_nodes {
                    return Err(too_many(line));
                }
                stack.push(if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq(Vec::new(), line, anchor, 1)
                } else {
                    Frame::Map(Vec::new(), None, line, anchor, 1)
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(v, l, a, size)) => Some((
                    Node {
                        v: Y::Seq(v),
                        line: l,
                        key_line: None,
                        size,
                    },
                    a,
                )),
                Some(Frame::Map(v, _, l, a, size)) => Some((
                    Node {
                        v: Y::Map(v),
                        line: l,
                        key_line: None,
                        size,
                    },
                    a,
                )),
                None => {
                    return Err(Fail::malformed(
                        Location::line(line),
                        "unbalanced YAML structure",
                    ))
                }
            },
        };
        let Some((node, anchor)) = done else { continue };
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => {
                root = Some(node);
            }
            Some(Frame::Seq(v, _, _, size)) => {
                *size = size.saturating_add(node.size);
                v.push(node);
            }
            Some(Frame::Map(m, pending, _, _, size)) => {
                *size = size.saturating_add(node.size);
                match pending.take() {
                    None => {
                        let key_line = node.line;
                        *pending = Some((
                            match node.v {
                                Y::Str(s) => s,
                                Y::Null => String::new(),
                                _ => "<complex key>".to_string(),
                            },
                            key_line,
                        ))
                    }
                    Some((k, key_line)) => {
                        let mut node = node;
                        node.key_line = Some(key_line);
                        m.push((k, node))
                    }
                }
            }
        }
    }
    Ok(root.unwrap_or(Node {
        v: Y::Null,
        line: 1,
        key_line: None,
        size: 0,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_tree() {
        let n = parse(
            "a: 1.10\nb:\n  - x\n  - ~\nc: &x {k: v}\nd: *x\n",
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(n.get_str("a"), Some("1.10"));
        assert_eq!(n.get("b").unwrap().seq().len(), 2);
        assert_eq!(n.get("d").unwrap().get_str("k"), Some("v"));
        assert_eq!(n.get("b").unwrap().line, 3);
        assert_eq!(n.get("b").unwrap().entry_line(), 2);
        assert_eq!(n.get("c").unwrap().entry_line(), 5);
        assert_eq!(n.get("d").unwrap().entry_line(), 6);
    }

    #[test]
    fn alias_bomb_refused() {
        let mut s = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 1..12u8 {
            let prev = char::from(b'a' + i - 1);
            let cur = char::from(b'a' + i);
            s.push_str(&format!("{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        let e = parse(&s, &Limits::default()).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::LimitExceeded, "{}", e.reason);
    }

    #[test]
    fn deep_nesting_refused() {
        let s = "[".repeat(100_000);
        let e = parse(&s, &Limits::default()).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::LimitExceeded, "{}", e.reason);
    }
}
