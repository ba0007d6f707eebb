//! A fast byte-level pre-scan of JSON text: enforces the nesting-depth and
//! string-length limits before serde_json builds anything, and finds where
//! the first top-level value ends (used to tell one JSON document from JSONL).
//! It does not validate JSON; serde_json does that afterwards.

use crate::error::{RecordError, RejectionClass};

/// What the scan learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ScanInfo {
    /// Byte offset just past the first complete top-level container, if one
    /// completed inside the input.
    pub first_end: Option<usize>,
}

pub(crate) fn scan_json(
    bytes: &[u8],
    max_depth: usize,
    max_string: usize,
) -> Result<ScanInfo, RecordError> {
    let mut depth: usize = 0;
    let mut first_end = None;
    let mut i = 0;
    let n = bytes.len();
    while i < n {
        let Some(&c) = bytes.get(i) else { break };
        match c {
            b'"' => {
                // Jump to the closing quote, skipping escapes.
                let start = i + 1;
                let mut j = start;
                loop {
                    let rest = bytes.get(j..).unwrap_or_default();
                    match memchr::memchr2(b'"', b'\\', rest) {
                        None => {
                            j = n;
                            break;
                        }
                        Some(k) => {
                            j += k;
                            if bytes.get(j) == Some(&b'\\') {
                                j += 2;
                            } else {
                                break;
                            }
                        }
                    }
                }
                if j.saturating_sub(start) > max_string {
                    return Err(RecordError::plain(
                        RejectionClass::StringTooLong,
                        format!(
                            "string at byte {start} is longer than the limit of {max_string} bytes"
                        ),
                    ));
                }
                i = j + 1;
                continue;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > max_depth {
                    return Err(RecordError::plain(
                        RejectionClass::TooDeep,
                        format!("nesting deeper than {max_depth} levels at byte {i}"),
                    ));
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 && first_end.is_none() {
                    first_end = Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(ScanInfo { first_end })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_and_strings() {
        assert!(scan_json(br#"{"a":[[1]]}"#, 3, 10).is_ok());
        let e = scan_json(br#"{"a":[[[1]]]}"#, 3, 10).unwrap_err();
        assert_eq!(e.class, RejectionClass::TooDeep);
        // brackets inside strings do not count
        assert!(scan_json(br#"{"a":"[[[[[[\"[[["}"#, 1, 100).is_ok());
        let e = scan_json(br#"{"a":"0123456789ab"}"#, 5, 10).unwrap_err();
        assert_eq!(e.class, RejectionClass::StringTooLong);
        let info = scan_json(b"{\"a\":1}\n{\"b\":2}\n", 5, 10).unwrap();
        assert_eq!(info.first_end, Some(7));
        assert_eq!(scan_json(b"{\"a\":", 5, 10).unwrap().first_end, None);
        // unterminated string / escape at the end does not panic
        assert!(scan_json(b"\"abc\\", 5, 10).is_ok());
    }
}
