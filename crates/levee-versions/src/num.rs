//! Arbitrary-length non-negative integers as found in version strings.
//!
//! Digit runs of any length occur in real data (dates, build stamps, fuzzed
//! input). They never overflow here: values that fit a `u64` are stored
//! inline; longer ones keep their digits (leading zeros stripped) and compare
//! by length, then lexically.

use std::cmp::Ordering;

/// Compare two ASCII digit strings numerically without converting them:
/// strip leading zeros, then the longer one is larger, else compare bytes.
pub fn cmp_digits(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// A non-negative integer of any size.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Num {
    /// Fits in 64 bits.
    Small(u64),
    /// Larger than `u64::MAX`; decimal digits without leading zeros.
    Big(Box<str>),
}

impl Num {
    pub const ZERO: Num = Num::Small(0);

    /// Parse a run of ASCII digits. The caller guarantees `digits` is made only
    /// of ASCII digits; anything else yields zero for the offending byte's
    /// contribution (never panics).
    pub fn from_digits(digits: &str) -> Num {
        let mut v: u64 = 0;
        for b in digits.bytes() {
            let d = u64::from(b.wrapping_sub(b'0'));
            match v.checked_mul(10).and_then(|x| x.checked_add(d)) {
                Some(n) => v = n,
                None => {
                    return Num::Big(digits.trim_start_matches('0').into());
                }
            }
        }
        Num::Small(v)
    }

    pub fn as_ref(&self) -> NumRef<'_> {
        match self {
            Num::Small(v) => NumRef::Small(*v),
            Num::Big(s) => NumRef::Big(s),
        }
    }

    pub fn is_zero(&self) -> bool {
        matches!(self, Num::Small(0))
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_ref().cmp(&other.as_ref())
    }
}
impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Num::Small(v) => write!(f, "{v}"),
            Num::Big(s) => f.write_str(s),
        }
    }
}

/// A borrowed [`Num`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumRef<'a> {
    Small(u64),
    Big(&'a str),
}

impl Ord for NumRef<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (NumRef::Small(a), NumRef::Small(b)) => a.cmp(b),
            (NumRef::Small(_), NumRef::Big(_)) => Ordering::Less,
            (NumRef::Big(_), NumRef::Small(_)) => Ordering::Greater,
            (NumRef::Big(a), NumRef::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}
impl PartialOrd for NumRef<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

const INLINE: usize = 4;

/// A list of numeric components; up to four small values without allocating.
#[derive(Clone, Debug)]
pub enum NumList {
    Inline { len: u8, v: [u64; INLINE] },
    Heap(Vec<Num>),
}

impl Default for NumList {
    fn default() -> Self {
        NumList::Inline {
            len: 0,
            v: [0; INLINE],
        }
    }
}

impl NumList {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, n: Num) {
        match self {
            NumList::Inline { len, v } => {
                if let Num::Small(x) = n {
                    if let Some(slot) = v.get_mut(usize::from(*len)) {
                        *slot = x;
                        *len += 1;
                        return;
                    }
                }
                let mut heap: Vec<Num> = v
                    .iter()
                    .take(usize::from(*len))
                    .map(|x| Num::Small(*x))
                    .collect();
                heap.push(n);
                *self = NumList::Heap(heap);
            }
            NumList::Heap(h) => h.push(n),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            NumList::Inline { len, .. } => usize::from(*len),
            NumList::Heap(h) => h.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> Option<NumRef<'_>> {
        match self {
            NumList::Inline { len, v } => {
                if i < usize::from(*len) {
                    v.get(i).map(|x| NumRef::Small(*x))
                } else {
                    None
                }
            }
            NumList::Heap(h) => h.get(i).map(Num::as_ref),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = NumRef<'_>> + '_ {
        (0..self.len()).filter_map(move |i| self.get(i))
    }

    /// Compare with missing trailing components read as zero (`1.2 == 1.2.0`).
    pub fn cmp_padded(&self, other: &Self) -> Ordering {
        if let (NumList::Inline { len: la, v: va }, NumList::Inline { len: lb, v: vb }) =
            (self, other)
        {
            // fast path: both inline, unused slots are zero
            let _ = (la, lb);
            return va.cmp(vb);
        }
        let n = self.len().max(other.len());
        for i in 0..n {
            let a = self.get(i).unwrap_or(NumRef::Small(0));
            let b = other.get(i).unwrap_or(NumRef::Small(0));
            match a.cmp(&b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        Ordering::Equal
    }

    /// Compare component-wise; when one is a prefix of the other, the longer
    /// list is greater (`1.0 < 1.0.0`), as in Haskell's `Data.Version` and R.
    pub fn cmp_strict(&self, other: &Self) -> Ordering {
        let n = self.len().min(other.len());
        for i in 0..n {
            let a = self.get(i).unwrap_or(NumRef::Small(0));
            let b = other.get(i).unwrap_or(NumRef::Small(0));
            match a.cmp(&b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        self.len().cmp(&other.len())
    }
}

/// Compare two dot-separated identifier lists the SemVer 2.0 way: numeric
/// identifiers numerically (no overflow), numeric < alphanumeric,
/// alphanumerics in ASCII order (optionally case-insensitive), and a longer
/// list wins when all shared identifiers are equal.
pub fn cmp_identifiers(a: &str, b: &str, case_insensitive: bool) -> Ordering {
    cmp_identifiers_bytes(a.as_bytes(), b.as_bytes(), case_insensitive)
}

/// [`cmp_identifiers`] on bytes (identifiers are ASCII; any other byte
/// orders by its value, as in `str`'s byte-wise order).
pub fn cmp_identifiers_bytes(a: &[u8], b: &[u8], case_insensitive: bool) -> Ordering {
    let mut ia = a.split(|&c| c == b'.');
    let mut ib = b.split(|&c| c == b'.');
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let o = cmp_identifier(x, y, case_insensitive);
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

pub fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_digit_bytes(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_digit)
}

fn cmp_identifier(x: &[u8], y: &[u8], ci: bool) -> Ordering {
    match (is_digit_bytes(x), is_digit_bytes(y)) {
        (true, true) => {
            let x = trim_zeros(x);
            let y = trim_zeros(y);
            x.len().cmp(&y.len()).then_with(|| x.cmp(y))
        }
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => {
            if ci {
                x.iter()
                    .map(u8::to_ascii_lowercase)
                    .cmp(y.iter().map(u8::to_ascii_lowercase))
            } else {
                x.cmp(y)
            }
        }
    }
}

fn trim_zeros(s: &[u8]) -> &[u8] {
    let z = s.iter().take_while(|&&c| c == b'0').count();
    s.get(z..).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_compare_without_overflow() {
        assert_eq!(
            cmp_digits(
                "999999999999999999999999999991",
                "999999999999999999999999999999"
            ),
            Ordering::Less
        );
        assert_eq!(cmp_digits("0010", "10"), Ordering::Equal);
        assert_eq!(cmp_digits("9", "10"), Ordering::Less);
        let a = Num::from_digits("18446744073709551616");
        assert!(matches!(a, Num::Big(_)));
        assert!(a > Num::Small(u64::MAX));
        assert_eq!(
            Num::from_digits("18446744073709551615"),
            Num::Small(u64::MAX)
        );
        assert_eq!(Num::from_digits("000"), Num::ZERO);
    }

    #[test]
    fn numlist_padding_and_spill() {
        let mut a = NumList::new();
        let mut b = NumList::new();
        for d in ["1", "2", "3", "4", "5"] {
            a.push(Num::from_digits(d));
        }
        for d in ["1", "2", "3", "4"] {
            b.push(Num::from_digits(d));
        }
        assert_eq!(a.cmp_padded(&b), Ordering::Greater);
        b.push(Num::from_digits("0005"));
        assert_eq!(a.cmp_padded(&b), Ordering::Equal);
        let mut c = NumList::new();
        c.push(Num::from_digits("1"));
        let mut d = NumList::new();
        d.push(Num::from_digits("1"));
        d.push(Num::from_digits("0"));
        assert_eq!(c.cmp_padded(&d), Ordering::Equal);
        assert_eq!(c.cmp_strict(&d), Ordering::Less);
    }
}
