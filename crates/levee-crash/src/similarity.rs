//! Deduplication: are two crashes the same bug?

use serde::{Deserialize, Serialize};

use crate::Signature;

/// How two crash signatures relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Similarity {
    /// Same crash type and identical crash state.
    Exact,
    /// Same crash type and at least two of the top three frames in common
    /// (as a multiset, order ignored), but not identical states.
    Near,
    /// Anything else.
    Different,
}

impl Similarity {
    /// True for [`Similarity::Exact`] and [`Similarity::Near`]: the same bug.
    pub fn is_same_bug(self) -> bool {
        !matches!(self, Similarity::Different)
    }
}

/// Compare two signatures. Crashes without a type are never the same bug.
/// The crash address and security flag are not compared (addresses differ
/// between runs of the same bug).
pub fn compare(a: &Signature, b: &Signature) -> Similarity {
    if a.crash_type.is_empty() || a.crash_type != b.crash_type {
        return Similarity::Different;
    }
    if a.crash_state == b.crash_state {
        return Similarity::Exact;
    }
    let fa: Vec<&str> = a.state_frames().take(3).collect();
    let mut fb: Vec<&str> = b.state_frames().take(3).collect();
    let mut common = 0;
    for f in fa {
        if let Some(i) = fb.iter().position(|g| *g == f) {
            fb.swap_remove(i);
            common += 1;
        }
    }
    if common >= 2 {
        Similarity::Near
    } else {
        Similarity::Different
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(t: &str, s: &str) -> Signature {
        Signature {
            crash_type: t.into(),
            crash_address: "0x1".into(),
            crash_state: s.into(),
            security: true,
        }
    }

    #[test]
    fn exact_near_different() {
        let a = sig("Heap-buffer-overflow\nREAD 4", "a\nb\nc\n");
        assert_eq!(compare(&a, &a), Similarity::Exact);
        let mut other_addr = a.clone();
        other_addr.crash_address = "0x2".into();
        assert_eq!(compare(&a, &other_addr), Similarity::Exact);
        assert_eq!(
            compare(&a, &sig("Heap-buffer-overflow\nREAD 4", "a\nb\nx\n")),
            Similarity::Near
        );
        assert_eq!(
            compare(&a, &sig("Heap-buffer-overflow\nREAD 4", "b\na\nx\n")),
            Similarity::Near
        );
        assert_eq!(
            compare(&a, &sig("Heap-buffer-overflow\nREAD 4", "a\nx\ny\n")),
            Similarity::Different
        );
        assert_eq!(
            compare(&a, &sig("Heap-use-after-free\nREAD 4", "a\nb\nc\n")),
            Similarity::Different
        );
        // Duplicated frames count once per occurrence.
        assert_eq!(
            compare(&sig("T", "a\na\nb\n"), &sig("T", "a\nx\ny\n")),
            Similarity::Different
        );
        // No crash is never the same bug.
        assert_eq!(compare(&sig("", ""), &sig("", "")), Similarity::Different);
    }

    #[test]
    fn symmetric() {
        let cases = [
            sig("T", "a\nb\nc\n"),
            sig("T", "a\nb\nx\n"),
            sig("T", "x\ny\nz\n"),
            sig("U", "a\nb\nc\n"),
            sig("T", "NULL"),
        ];
        for x in &cases {
            for y in &cases {
                assert_eq!(compare(x, y), compare(y, x));
            }
        }
    }
}
