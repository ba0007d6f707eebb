//! The RPM family (Red Hat, AlmaLinux, Rocky Linux, SUSE, openSUSE, Mageia,
//! openEuler, Photon OS, Azure Linux, TuxCare): `[epoch:]version[-release]`
//! compared with `rpmvercmp` (rpm 4.15+ rules, including `~` sorting before
//! anything and `^` after the base but before any further segment).
//!
//! A prefix before `:` is an epoch only if it is all digits; otherwise the
//! colon belongs to the version (as the fixtures from rpm's own tests show).

use std::cmp::Ordering;

use crate::error::{check_basic, PResult};
use crate::num::cmp_digits;

#[derive(Clone, Debug)]
pub struct RpmVersion {
    raw: Box<str>,
    epoch: (usize, usize),
    version: (usize, usize),
    /// includes the leading '-' (so that "1-" differs from "1")
    release: (usize, usize),
}

fn trimmed(c: u8) -> bool {
    !c.is_ascii_alphanumeric() && c != b'~' && c != b'^'
}

/// `rpmvercmp` on two version or release strings.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    if a.is_empty() && !b.is_empty() {
        return Ordering::Less;
    }
    if !a.is_empty() && b.is_empty() {
        return Ordering::Greater;
    }
    let a = a.as_bytes();
    let b = b.as_bytes();
    let (mut i, mut j) = (0usize, 0usize);
    loop {
        while a.get(i).is_some_and(|c| trimmed(*c)) {
            i += 1;
        }
        while b.get(j).is_some_and(|c| trimmed(*c)) {
            j += 1;
        }
        let at = a.get(i) == Some(&b'~');
        let bt = b.get(j) == Some(&b'~');
        if at && bt {
            i += 1;
            j += 1;
            continue;
        }
        if at {
            return Ordering::Less;
        }
        if bt {
            return Ordering::Greater;
        }
        let ac = a.get(i) == Some(&b'^');
        let bc = b.get(j) == Some(&b'^');
        if ac && bc {
            i += 1;
            j += 1;
            continue;
        }
        if ac {
            return if j >= b.len() {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        if bc {
            return if i >= a.len() {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        if i >= a.len() || j >= b.len() {
            break;
        }
        let digit = a.get(i).is_some_and(u8::is_ascii_digit);
        let run = |s: &[u8], mut k: usize| {
            let st = k;
            while s.get(k).is_some_and(|c| {
                if digit {
                    c.is_ascii_digit()
                } else {
                    c.is_ascii_alphabetic()
                }
            }) {
                k += 1;
            }
            (st, k)
        };
        let (sa, ea) = run(a, i);
        let (sb, eb) = run(b, j);
        i = ea;
        j = eb;
        if sb == eb {
            return if digit {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let xa = std::str::from_utf8(a.get(sa..ea).unwrap_or(&[])).unwrap_or("");
        let xb = std::str::from_utf8(b.get(sb..eb).unwrap_or(&[])).unwrap_or("");
        let o = if digit {
            cmp_digits(xa, xb)
        } else {
            xa.cmp(xb)
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    let ra = a.len().saturating_sub(i);
    let rb = b.len().saturating_sub(j);
    ra.cmp(&rb)
}

impl RpmVersion {
    pub fn parse(s: &str) -> PResult<RpmVersion> {
        check_basic(s)?;
        let (epoch, vr_start) = match s.find(':') {
            Some(k)
                if s.get(..k)
                    .is_some_and(|e| e.bytes().all(|b| b.is_ascii_digit())) =>
            {
                ((0, k), k + 1)
            }
            _ => ((0, 0), 0),
        };
        let vr = s.get(vr_start..).unwrap_or("");
        let (version, release) = match vr.find('-') {
            Some(k) => ((vr_start, vr_start + k), (vr_start + k, s.len())),
            None => ((vr_start, s.len()), (s.len(), s.len())),
        };
        Ok(RpmVersion {
            raw: s.into(),
            epoch,
            version,
            release,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    fn part(&self, r: (usize, usize)) -> &str {
        self.raw.get(r.0..r.1).unwrap_or("")
    }

    pub fn compare(&self, o: &RpmVersion) -> Ordering {
        let ea = self.part(self.epoch);
        let eb = o.part(o.epoch);
        let ea = if ea.is_empty() { "0" } else { ea };
        let eb = if eb.is_empty() { "0" } else { eb };
        rpmvercmp(ea, eb)
            .then_with(|| rpmvercmp(self.part(self.version), o.part(o.version)))
            .then_with(|| rpmvercmp(self.part(self.release), o.part(o.release)))
    }
}
