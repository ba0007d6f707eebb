//! A small XML element tree from the `quick-xml` pull parser. DTDs are
//! refused outright and only the five predefined entities and character
//! references are resolved, so entity-expansion bombs cannot happen. Depth
//! is bounded.

use crate::util::{Fail, R};
use crate::{Limits, Location};
use quick_xml::events::Event;
use quick_xml::Reader;

#[derive(Debug, Default)]
pub(crate) struct El {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<El>,
    pub text: String,
    pub line: usize,
}

impl El {
    pub fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }
    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Lines<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
}

impl Lines<'_> {
    fn at(&mut self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        if pos >= self.pos {
            let seg = self.text.get(self.pos..pos).unwrap_or_default();
            self.line += memchr::memchr_iter(b'\n', seg).count();
            self.pos = pos;
            self.line
        } else {
            crate::util::line_of(std::str::from_utf8(self.text).unwrap_or_default(), pos)
        }
    }
}

/// XML Name check (ASCII part of the production; non-ASCII allowed).
fn valid_name(name: &[u8]) -> bool {
    let ok = |b: u8, first: bool| {
        b >= 0x80
            || b.is_ascii_alphabetic()
            || b == b'_'
            || b == b':'
            || (!first && (b.is_ascii_digit() || b == b'-' || b == b'.'))
    };
    name.first().is_some_and(|&b| ok(b, true)) && name.iter().skip(1).all(|&b| ok(b, false))
}

fn local(name: &[u8]) -> String {
    let n = match memchr::memrchr(b':', name) {
        Some(i) => name.get(i + 1..).unwrap_or(name),
        None => name,
    };
    String::from_utf8_lossy(n).into_owned()
}

fn resolve_ref(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

fn attach(stack: &mut [El], root: &mut Option<El>, el: El) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => {
            if root.is_none() {
                *root = Some(el);
            }
        }
    }
}

/// Parse a document and return its root element.
pub(crate) fn parse(text: &str, limits: &Limits) -> R<El> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut lines = Lines {
        text: text.as_bytes(),
        pos: 0,
        line: 1,
    };
    let mut stack: Vec<El> = Vec::new();
    let mut root: Option<El> = None;
    loop {
        // Position before the event = where its markup starts (whitespace
        // is reported as its own Text event since trimming is off).
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let ev = reader.read_event();
        let ev = match ev {
            Ok(ev) => ev,
            Err(e) => {
                let epos = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                return Err(Fail::malformed(
                    Location::line(crate::util::line_of(text, epos)),
                    format!("invalid XML: {e}"),
                ));
            }
        };
        match ev {
            Event::DocType(_) => {
                return Err(Fail::limit(
                    Location::line(lines.at(pos)),
                    "XML document type declarations (DTDs) are refused: entity expansion is not supported",
                ))
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                if stack.len() >= limits.max_depth {
                    return Err(Fail::limit(
                        Location::line(lines.at(pos)),
                        format!("XML nesting deeper than {}", limits.max_depth),
                    ));
                }
                if !valid_name(e.name().as_ref()) {
                    return Err(Fail::malformed(
                        Location::line(lines.at(pos)),
                        format!("invalid XML element name `{}`", String::from_utf8_lossy(e.name().as_ref())),
                    ));
                }
                let mut el = El { name: local(e.name().as_ref()), line: lines.at(pos), ..El::default() };
                for a in e.attributes() {
                    let a = a.map_err(|err| {
                        Fail::malformed(Location::line(lines.line), format!("invalid XML attribute: {err}"))
                    })?;
                    let v = a.unescape_value().map_err(|err| {
                        Fail::limit(Location::line(lines.line), format!("invalid XML attribute value: {err}"))
                    })?;
                    el.attrs.push((local(a.key.as_ref()), v.into_owned()));
                }
                if matches!(ev, Event::Empty(_)) {
                    attach(&mut stack, &mut root, el);
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                if let Some(el) = stack.pop() {
                    attach(&mut stack, &mut root, el);
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    let s = t.decode().map_err(|err| {
                        Fail::malformed(Location::line(lines.at(pos)), format!("invalid XML text: {err}"))
                    })?;
                    top.text.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                let line = lines.at(pos);
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => {
                        let name = String::from_utf8_lossy(&r).into_owned();
                        resolve_ref(&name).ok_or_else(|| {
                            Fail::limit(
                                Location::line(line),
                                format!("undefined XML entity `&{name};` (custom entities are not expanded)"),
                            )
                        })?
                    }
                    Err(err) => {
                        return Err(Fail::malformed(Location::line(line), format!("invalid character reference: {err}")))
                    }
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push(c);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(Fail::malformed(
            Location::line(lines.at(text.len())),
            format!(
                "unexpected end of XML: <{}> (line {}) is not closed",
                open.name, open.line
            ),
        ));
    }
    root.take()
        .ok_or_else(|| Fail::malformed(Location::line(1), "no XML root element"))
}
