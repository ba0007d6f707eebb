//! An immutable string stored inline when short (no allocation for the
//! typical version string), on the heap otherwise.

use std::fmt;

const CAP: usize = 30;

#[derive(Clone)]
pub enum SmallStr {
    Inline { len: u8, buf: [u8; CAP] },
    Heap(Box<str>),
}

impl SmallStr {
    pub fn new(s: &str) -> SmallStr {
        let b = s.as_bytes();
        if b.len() <= CAP {
            let mut buf = [0u8; CAP];
            if let Some(dst) = buf.get_mut(..b.len()) {
                dst.copy_from_slice(b);
                return SmallStr::Inline {
                    len: b.len() as u8,
                    buf,
                };
            }
        }
        SmallStr::Heap(s.into())
    }

    /// The bytes of the string, without the UTF-8 check `as_str` repeats
    /// on the inline form (for comparisons on ASCII parts).
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            SmallStr::Inline { len, buf } => buf.get(..usize::from(*len)).unwrap_or(&[]),
            SmallStr::Heap(s) => s.as_bytes(),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            SmallStr::Inline { len, buf } => buf
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or(""),
            SmallStr::Heap(s) => s,
        }
    }
}

impl std::ops::Deref for SmallStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for SmallStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<&str> for SmallStr {
    fn from(s: &str) -> Self {
        SmallStr::new(s)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn inline_and_heap() {
        let a = super::SmallStr::new("1.2.3-beta.1");
        assert!(matches!(a, super::SmallStr::Inline { .. }));
        assert_eq!(&*a, "1.2.3-beta.1");
        let long = "1".repeat(100);
        let b = super::SmallStr::new(&long);
        assert_eq!(&*b, long);
        let u = super::SmallStr::new("1.1.αβ");
        assert_eq!(&*u, "1.1.αβ");
    }
}
