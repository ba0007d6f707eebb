//! The span of a sanitizer stack frame (`    #3 0x4f1 in foo a.cc:10:3`),
//! exactly as `patterns::P.san_frame.find` gives it, without running the
//! regex: frame lines are most of a long log, and the regex's lazy DFA walks
//! every byte of each at several times the cost of this code.
//!
//! The pattern (anchored at the start of the line, leftmost-first):
//!
//! ```text
//! \s*#\d+\s+[xX0-9a-fA-F]+\s+(
//!     in\s*X LOC          A1
//!   | in\s*X              A2
//!   | \(X\)               A3
//! )
//! X   = (.*)\+[xX0-9a-fA-F]+ | .*
//! LOC = [^ ]+:\d+:\d+ | [^ ]+:\d+ | \([^+]+(\+[xX0-9a-fA-F]+)?\)
//! ```
//! (A1 has a single space between X and LOC.) Backtracking tries the
//! alternatives in order and greedy repetitions longest first, which gives
//! the rules spelled out below. Only ASCII lines are handled here (`\s` and
//! `\d` are Unicode classes in the regex); others go to the regex. The work
//! is linear in the line length.

use crate::patterns::P;

/// `(body start, match end)` of the frame: the body is what follows the
/// `#<id> <address> ` prefix. `None` when the line is no sanitizer frame.
pub(crate) fn san_frame_span(line: &str) -> Option<(usize, usize)> {
    if !line.is_ascii() {
        let m = P.san_frame.find(line)?;
        return Some((body_start_unicode(line), m.end()));
    }
    ascii_span(line.as_bytes())
}

/// `\s` on ASCII (Unicode White_Space: `\t \n \v \f \r` and space).
fn is_ws(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

fn is_hex(c: u8) -> bool {
    c.is_ascii_hexdigit() || c == b'x' || c == b'X'
}

fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// End of the run of bytes satisfying `f` from `i`.
fn run(b: &[u8], mut i: usize, f: impl Fn(u8) -> bool) -> usize {
    while i < b.len() && f(at(b, i)) {
        i += 1;
    }
    i
}

fn ascii_span(b: &[u8]) -> Option<(usize, usize)> {
    let n = b.len();
    // \s*#\d+\s+[xX0-9a-fA-F]+\s+ : each run is maximal (the next item
    // cannot start with a byte of the run), so there is no backtracking.
    let mut i = run(b, 0, is_ws);
    if at(b, i) != b'#' {
        return None;
    }
    let d = run(b, i + 1, |c| c.is_ascii_digit());
    if d == i + 1 {
        return None;
    }
    i = run(b, d, is_ws);
    if i == d {
        return None;
    }
    let h = run(b, i, is_hex);
    if h == i {
        return None;
    }
    let s = run(b, h, is_ws);
    if s == h || s >= n {
        return None;
    }
    if b.get(s..s + 2) == Some(b"in") {
        let x = s + 2;
        if let Some(end) = a1(b, x) {
            return Some((s, end));
        }
        // A2: X alone. Its first alternative ends after the hex run of the
        // rightmost `+` that has one; else `.*` takes the rest of the line.
        return Some((s, rightmost_plus_hex(b, x).map_or(n, |(_, e)| e)));
    }
    if at(b, s) == b'(' {
        // A3: `(` X `)`. First alternative: the rightmost `+` whose hex run
        // is followed by `)`; else the rightmost `)`.
        let plus = memrchr_from(b'+', b, s + 1).find_map(|p| {
            let e = run(b, p + 1, is_hex);
            (e > p + 1 && at(b, e) == b')').then_some(e + 1)
        });
        if let Some(end) = plus {
            return Some((s, end));
        }
        if let Some(p) = memrchr_from(b')', b, s + 1).next() {
            return Some((s, p + 1));
        }
    }
    None
}

/// The rightmost `+` at or after `from` followed by a hex digit, with the
/// end of its (maximal) hex run.
fn rightmost_plus_hex(b: &[u8], from: usize) -> Option<(usize, usize)> {
    memrchr_from(b'+', b, from).find_map(|p| {
        let e = run(b, p + 1, is_hex);
        (e > p + 1).then_some((p, e))
    })
}

/// Positions of `needle` at or after `from`, right to left.
fn memrchr_from(needle: u8, b: &[u8], from: usize) -> impl Iterator<Item = usize> + '_ {
    memchr::memrchr_iter(needle, b.get(from..).unwrap_or(&[])).map(move |i| i + from)
}

/// A1: `in` (at `x - 2`), `\s*`, X, one space, LOC. X's first alternative
/// puts the space right after a `+`-hex run (tried from the rightmost `+`),
/// its second anywhere (tried from the rightmost space); `\s*` giving back
/// whitespace lets the space also sit right after `in`. The first space
/// after which LOC matches decides.
fn a1(b: &[u8], x: usize) -> Option<usize> {
    // First alternative of X: candidates are spaces right after a maximal
    // hex run that follows a `+` (at or after x).
    let mut sweep = LocSweep::new(b);
    for p in memrchr_from(b'+', b, x) {
        let e = run(b, p + 1, is_hex);
        if e > p + 1 && at(b, e) == b' ' {
            if let Some(end) = sweep.loc_at(e + 1) {
                return Some(end);
            }
        }
    }
    // Second alternative: every space at or after x.
    let mut sweep = LocSweep::new(b);
    memrchr_from(b' ', b, x).find_map(|r| sweep.loc_at(r + 1))
}

/// LOC tried at positions visited from right to left; what the third
/// alternative needs (the first `+` after a position, the rightmost `)`
/// before that `+`) is carried along so a sweep stays linear.
struct LocSweep<'b> {
    b: &'b [u8],
    /// Everything at or after `scanned` has been folded into the fields.
    scanned: usize,
    /// The first `+` at or after `scanned` (or the line end).
    next_plus: usize,
    /// The rightmost `)` in `[scanned, next_plus)`.
    close_before_plus: Option<usize>,
}

impl<'b> LocSweep<'b> {
    fn new(b: &'b [u8]) -> Self {
        LocSweep {
            b,
            scanned: b.len(),
            next_plus: b.len(),
            close_before_plus: None,
        }
    }

    /// Fold bytes down to position `q + 1` (positions are visited in
    /// decreasing order).
    fn advance_to(&mut self, from: usize) {
        while self.scanned > from {
            self.scanned -= 1;
            match at(self.b, self.scanned) {
                b'+' => {
                    self.next_plus = self.scanned;
                    self.close_before_plus = None;
                }
                b')' if self.close_before_plus.is_none() => {
                    self.close_before_plus = Some(self.scanned);
                }
                _ => {}
            }
        }
    }

    /// End of LOC matched at `q`, trying its alternatives in order.
    fn loc_at(&mut self, q: usize) -> Option<usize> {
        let b = self.b;
        let n = b.len();
        if q >= n {
            return None;
        }
        // `[^ ]+` is the run of non-spaces from q, given back from the
        // right: the rightmost `:` in (q, e) after which the rest matches.
        let e = memchr::memchr(b' ', b.get(q..).unwrap_or(&[])).map_or(n, |i| i + q);
        let mut c = e;
        while c > q + 1 {
            c -= 1;
            if at(b, c) == b':' {
                let d1 = run(b, c + 1, |c| c.is_ascii_digit());
                if d1 > c + 1 && at(b, d1) == b':' {
                    let d2 = run(b, d1 + 1, |c| c.is_ascii_digit());
                    if d2 > d1 + 1 {
                        return Some(d2);
                    }
                }
            }
        }
        let mut c = e;
        while c > q + 1 {
            c -= 1;
            if at(b, c) == b':' {
                let d1 = run(b, c + 1, |c| c.is_ascii_digit());
                if d1 > c + 1 {
                    return Some(d1);
                }
            }
        }
        // `\(([^+]+)(\+hex)?\)`: `[^+]+` runs to the first `+` after q
        // (needs one byte at least); there, `+hex)` ends the match; else the
        // rightmost `)` before that `+` (at q + 2 or later) does.
        if at(b, q) != b'(' {
            return None;
        }
        self.advance_to(q + 1);
        let t = self.next_plus;
        if t < n && t > q + 1 {
            let h = run(b, t + 1, is_hex);
            if h > t + 1 && at(b, h) == b')' {
                return Some(h + 1);
            }
        }
        match self.close_before_plus {
            Some(p) if p >= q + 2 => Some(p + 1),
            _ => None,
        }
    }
}

/// Start of the frame text after `\s*#<id>\s+<address>\s+` for a line known
/// to match `san_frame` (any text).
fn body_start_unicode(line: &str) -> usize {
    let mut it = line.char_indices().peekable();
    let mut skip = |pred: &dyn Fn(char) -> bool| {
        while let Some(&(_, c)) = it.peek() {
            if pred(c) {
                it.next();
            } else {
                break;
            }
        }
    };
    skip(&char::is_whitespace);
    skip(&|c| c == '#');
    skip(&|c| c.is_ascii_digit());
    skip(&char::is_whitespace);
    skip(&|c| c.is_ascii_hexdigit() || c == 'x' || c == 'X');
    skip(&char::is_whitespace);
    it.peek().map_or(line.len(), |&(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn via_regex(line: &str) -> Option<(usize, usize)> {
        let m = P.san_frame.find(line)?;
        Some((body_start_unicode(line), m.end()))
    }

    #[test]
    fn examples() {
        for line in [
            "    #0 0x4f1 in foo::bar(int) /src/a.cc:10:3",
            "    #1 0x4f2 in baz /src/b.cc:20",
            "    #2 0x7f in libfoo.so+0x1234 (/lib/libfoo.so+0x1234)",
            "    #3 0x7f  (/lib/libfoo.so+0x1234)",
            "    #4 0x7f in f (x) (y+0x1)",
            "    #5 0x7f in a+0x1 b:1 c+0x2 d",
            "    #6 0x7f in",
            "    #7 0x7f in  a.cc:1",
            "    #8 0x7f (a) (b)",
            "    #9 0x7f (a+0x1) b)",
            "#10\t0x1\tin f a:1:2:3 b:4",
            "#1 0x1 (",
            "#1 0x1 ()",
            "  #1 0x1 x",
            "#x 0x1 in f",
        ] {
            assert_eq!(ascii_span(line.as_bytes()), via_regex(line), "{line:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn same_as_regex(
            prefix in "[ \t\x0b]{0,2}#[0-9]{1,2}[ \t]{1,2}[0-9a-fxX]{1,3}[ \t]{1,2}",
            kind in 0..3usize,
            rest in "[ a-c0-9xX+:()\\[\\]in/\t.]{0,24}",
        ) {
            let head = ["in", "(", ""][kind];
            let line = format!("{prefix}{head}{rest}");
            proptest::prop_assert_eq!(ascii_span(line.as_bytes()), via_regex(&line), "{:?}", line);
        }

        #[test]
        fn same_as_regex_any_ascii(line in "[ -~\t]{0,40}") {
            proptest::prop_assert_eq!(ascii_span(line.as_bytes()), via_regex(&line), "{:?}", line);
        }
    }
}
