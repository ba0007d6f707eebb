//! CVSS v4.0 (FIRST specification document, sections 8.2–8.3): the score of
//! a vector is the score of its MacroVector (lookup table) minus the mean
//! proportional severity distance to the highest-severity vectors of that
//! MacroVector, as in FIRST's reference calculator.

use std::fmt;
use std::str::FromStr;

use super::v4_tables as t;
use super::{md, parse_components, write_components, CvssError, MetricDef, Score, Scores};
use super::{CvssVersion, Nomenclature, Severity};

const BASE: usize = 11;
const N: usize = 32;

static DEFS: [MetricDef; N] = [
    md("AV", &["N", "A", "L", "P"]),
    md("AC", &["L", "H"]),
    md("AT", &["N", "P"]),
    md("PR", &["N", "L", "H"]),
    md("UI", &["N", "P", "A"]),
    md("VC", &["H", "L", "N"]),
    md("VI", &["H", "L", "N"]),
    md("VA", &["H", "L", "N"]),
    md("SC", &["H", "L", "N"]),
    md("SI", &["H", "L", "N"]),
    md("SA", &["H", "L", "N"]),
    // threat
    md("E", &["X", "A", "P", "U"]),
    // environmental
    md("CR", &["X", "H", "M", "L"]),
    md("IR", &["X", "H", "M", "L"]),
    md("AR", &["X", "H", "M", "L"]),
    md("MAV", &["X", "N", "A", "L", "P"]),
    md("MAC", &["X", "L", "H"]),
    md("MAT", &["X", "N", "P"]),
    md("MPR", &["X", "N", "L", "H"]),
    md("MUI", &["X", "N", "P", "A"]),
    md("MVC", &["X", "H", "L", "N"]),
    md("MVI", &["X", "H", "L", "N"]),
    md("MVA", &["X", "H", "L", "N"]),
    md("MSC", &["X", "H", "L", "N"]),
    md("MSI", &["X", "S", "H", "L", "N"]),
    md("MSA", &["X", "S", "H", "L", "N"]),
    // supplemental (no effect on the score)
    md("S", &["X", "N", "P"]),
    md("AU", &["X", "N", "Y"]),
    md("R", &["X", "A", "U", "I"]),
    md("V", &["X", "D", "C"]),
    md("RE", &["X", "L", "M", "H"]),
    md("U", &["X", "Clear", "Green", "Amber", "Red"]),
];

const I_E: usize = 11;
const I_CR: usize = 12;
const I_MAV: usize = 15;
const I_S: usize = 26;

/// Every metric of this version in specification order, with its allowed
/// values (for optional metrics the first value is "not defined").
pub fn metrics() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    DEFS.iter().map(|d| (d.name, d.values))
}

/// How many leading metrics of [`metrics`] are mandatory (the base group).
pub const MANDATORY: usize = BASE;

/// A validated CVSS v4.0 vector.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CvssV4 {
    m: [u8; N],
}

/// Effective severity levels (steps of 0.1) after applying the modified
/// metrics and the worst-case defaults (E:X → A, CR/IR/AR:X → H).
#[derive(Debug, Clone, Copy)]
struct Levels {
    av: u8,
    pr: u8,
    ui: u8,
    ac: u8,
    at: u8,
    vc: u8,
    vi: u8,
    va: u8,
    /// SC/SI/SA on the subsequent-system scale S0 H1 L2 N3.
    sc: u8,
    si: u8,
    sa: u8,
    cr: u8,
    ir: u8,
    ar: u8,
    e: u8,
}

/// The reference calculator's level values (0.1 steps) as float literals.
const STEP: [f64; 4] = [0.0, 0.1, 0.2, 0.3];

fn lv(l: u8) -> f64 {
    STEP.get(usize::from(l)).copied().unwrap_or(0.0)
}

impl CvssV4 {
    fn v(&self, i: usize) -> u8 {
        self.m.get(i).copied().unwrap_or(0)
    }

    /// The value of metric `name` (e.g. `"AV"` → `"N"`); `None` for an
    /// unknown metric name. Undefined optional metrics give `"X"`.
    pub fn get(&self, name: &str) -> Option<&'static str> {
        let pos = DEFS.iter().position(|d| d.name == name)?;
        DEFS.get(pos)?.values.get(usize::from(self.v(pos))).copied()
    }

    /// A threat metric (E) is defined.
    pub fn has_threat(&self) -> bool {
        self.v(I_E) != 0
    }

    /// An environmental metric (CR..MSA) is defined.
    pub fn has_environmental(&self) -> bool {
        (I_CR..I_S).any(|i| self.v(i) != 0)
    }

    pub fn nomenclature(&self) -> Nomenclature {
        match (self.has_threat(), self.has_environmental()) {
            (false, false) => Nomenclature::B,
            (true, false) => Nomenclature::BT,
            (false, true) => Nomenclature::BE,
            (true, true) => Nomenclature::BTE,
        }
    }

    /// This vector with every threat and environmental metric removed (the
    /// CVSS-B vector); supplemental metrics are kept.
    pub fn base_only(&self) -> CvssV4 {
        let mut m = self.m;
        for x in m.iter_mut().take(I_S).skip(I_E) {
            *x = 0;
        }
        CvssV4 { m }
    }

    fn levels(&self) -> Levels {
        // a modified metric (values X + base values) overrides the base one
        let pick = |mi: usize, base: u8| match self.v(mi) {
            0 => base,
            x => x - 1,
        };
        let worst_default = |i: usize| self.v(i).max(1) - 1;
        Levels {
            av: pick(I_MAV, self.v(0)),
            ac: pick(I_MAV + 1, self.v(1)),
            at: pick(I_MAV + 2, self.v(2)),
            pr: pick(I_MAV + 3, self.v(3)),
            ui: pick(I_MAV + 4, self.v(4)),
            vc: pick(I_MAV + 5, self.v(5)),
            vi: pick(I_MAV + 6, self.v(6)),
            va: pick(I_MAV + 7, self.v(7)),
            // MSC is X,H,L,N: its index is already the S0 H1 L2 N3 level
            sc: match self.v(I_MAV + 8) {
                0 => self.v(8) + 1,
                x => x,
            },
            // MSI/MSA are X,S,H,L,N
            si: pick(I_MAV + 9, self.v(9) + 1),
            sa: pick(I_MAV + 10, self.v(10) + 1),
            e: worst_default(I_E),
            cr: worst_default(I_CR),
            ir: worst_default(I_CR + 1),
            ar: worst_default(I_CR + 2),
        }
    }

    /// The MacroVector (EQ1..EQ6 levels) of this vector.
    pub fn macro_vector(&self) -> [u8; 6] {
        macro_vector(&self.levels())
    }

    /// The score of the whole vector (CVSS-B, -BT, -BE or -BTE as
    /// [`CvssV4::nomenclature`] says).
    pub fn score(&self) -> Score {
        score(&self.levels())
    }

    /// The CVSS-B score (threat and environmental metrics ignored).
    pub fn base_score(&self) -> Score {
        self.base_only().score()
    }

    pub fn scores(&self) -> Scores {
        let score = self.score();
        let base = if self.has_threat() || self.has_environmental() {
            self.base_score()
        } else {
            score
        };
        Scores {
            version: CvssVersion::V4_0,
            base,
            temporal: None,
            environmental: None,
            score,
            nomenclature: Some(self.nomenclature()),
            severity: Severity::from_score(score),
        }
    }
}

fn macro_vector(l: &Levels) -> [u8; 6] {
    let (av_n, pr_n, ui_n) = (l.av == 0, l.pr == 0, l.ui == 0);
    let eq1 = if av_n && pr_n && ui_n {
        0
    } else if (av_n || pr_n || ui_n) && l.av != 3 {
        1
    } else {
        2
    };
    let eq2 = if l.ac == 0 && l.at == 0 { 0 } else { 1 };
    let eq3 = if l.vc == 0 && l.vi == 0 {
        0
    } else if l.vc == 0 || l.vi == 0 || l.va == 0 {
        1
    } else {
        2
    };
    let eq4 = if l.si == 0 || l.sa == 0 {
        0
    } else if l.sc == 1 || l.si == 1 || l.sa == 1 {
        1
    } else {
        2
    };
    let eq5 = l.e;
    let eq6 = if (l.cr == 0 && l.vc == 0) || (l.ir == 0 && l.vi == 0) || (l.ar == 0 && l.va == 0) {
        0
    } else {
        1
    };
    [eq1, eq2, eq3, eq4, eq5, eq6]
}

fn lookup_f(mv: [u8; 6]) -> f64 {
    t::lookup(mv).map_or(f64::NAN, |x| f64::from(x) / 10.0)
}

fn with(mv: [u8; 6], i: usize, add: u8) -> [u8; 6] {
    let mut m = mv;
    if let Some(x) = m.get_mut(i) {
        *x += add;
    }
    m
}

fn d(cur: u8, max: u8) -> f64 {
    lv(cur) - lv(max)
}

fn score(l: &Levels) -> Score {
    // no impact on the vulnerable or subsequent systems
    if l.vc == 2 && l.vi == 2 && l.va == 2 && l.sc == 3 && l.si == 3 && l.sa == 3 {
        return Score::ZERO;
    }
    let mv = macro_vector(l);
    let [eq1, eq2, eq3, eq4, eq5, eq6] = mv;
    let value = lookup_f(mv);
    if value.is_nan() {
        // unreachable for vectors that parsed; never panic regardless
        return Score::ZERO;
    }

    let s_eq1 = lookup_f(with(mv, 0, 1));
    let s_eq2 = lookup_f(with(mv, 1, 1));
    let s_eq3eq6 = match (eq3, eq6) {
        (1, 1) | (0, 1) => lookup_f(with(mv, 2, 1)),
        (1, 0) => lookup_f(with(mv, 5, 1)),
        (0, 0) => {
            let left = lookup_f(with(mv, 5, 1));
            let right = lookup_f(with(mv, 2, 1));
            if left > right {
                left
            } else {
                right
            }
        }
        _ => lookup_f(with(with(mv, 2, 1), 5, 1)),
    };
    let s_eq4 = lookup_f(with(mv, 3, 1));
    let s_eq5 = lookup_f(with(mv, 4, 1));

    // the first highest-severity vector of the MacroVector that is at least
    // as severe as this one, metric by metric
    let e1 = t::MAX_EQ1.get(usize::from(eq1)).copied().unwrap_or(&[]);
    let e2 = t::MAX_EQ2.get(usize::from(eq2)).copied().unwrap_or(&[]);
    let e36 = t::MAX_EQ3EQ6
        .get(usize::from(eq3))
        .and_then(|x| x.get(usize::from(eq6)))
        .copied()
        .unwrap_or(&[]);
    let e4 = t::MAX_EQ4.get(usize::from(eq4)).copied().unwrap_or(&[]);
    let mut dist = [0.0f64; 4];
    'search: for m1 in e1 {
        for m2 in e2 {
            for m36 in e36 {
                for m4 in e4 {
                    let parts = [
                        d(l.av, m1[0]),
                        d(l.pr, m1[1]),
                        d(l.ui, m1[2]),
                        d(l.ac, m2[0]),
                        d(l.at, m2[1]),
                        d(l.vc, m36[0]),
                        d(l.vi, m36[1]),
                        d(l.va, m36[2]),
                        d(l.sc, m4[0]),
                        d(l.si, m4[1]),
                        d(l.sa, m4[2]),
                        d(l.cr, m36[3]),
                        d(l.ir, m36[4]),
                        d(l.ar, m36[5]),
                    ];
                    let [av, pr, ui, ac, at, vc, vi, va, sc, si, sa, cr, ir, ar] = parts;
                    dist = [
                        av + pr + ui,
                        ac + at,
                        vc + vi + va + cr + ir + ar,
                        sc + si + sa,
                    ];
                    if parts.iter().all(|x| *x >= 0.0) {
                        break 'search;
                    }
                }
            }
        }
    }

    let step = 0.1;
    let max_sev = [
        f64::from(
            t::MAX_SEVERITY_EQ1
                .get(usize::from(eq1))
                .copied()
                .unwrap_or(1),
        ) * step,
        f64::from(
            t::MAX_SEVERITY_EQ2
                .get(usize::from(eq2))
                .copied()
                .unwrap_or(1),
        ) * step,
        f64::from(
            t::MAX_SEVERITY_EQ3EQ6
                .get(usize::from(eq3))
                .and_then(|x| x.get(usize::from(eq6)))
                .copied()
                .unwrap_or(1),
        ) * step,
        f64::from(
            t::MAX_SEVERITY_EQ4
                .get(usize::from(eq4))
                .copied()
                .unwrap_or(1),
        ) * step,
    ];
    let lower = [s_eq1, s_eq2, s_eq3eq6, s_eq4];
    let mut n_existing = 0u32;
    let mut sum = 0.0;
    for ((lo, dist), max) in lower.iter().zip(dist).zip(max_sev) {
        let available = value - lo;
        if !available.is_nan() {
            n_existing += 1;
            sum += available * (dist / max);
        }
    }
    // EQ5: the distance inside the level is always 0
    let _ = eq5;
    if !(value - s_eq5).is_nan() {
        n_existing += 1;
    }
    let mean = if n_existing == 0 {
        0.0
    } else {
        sum / f64::from(n_existing)
    };
    let v = (value - mean).clamp(0.0, 10.0);
    // the reference calculator rounds half up with an epsilon of 1e-6
    Score::from_rounded(((v + 1e-6) * 10.0).round() / 10.0)
}

impl FromStr for CvssV4 {
    type Err = CvssError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let Some(body) = s.strip_prefix("CVSS:4.0/") else {
            let prefix = s.split('/').next().unwrap_or(s);
            return Err(CvssError::UnknownVersion(super::clip(prefix)));
        };
        let m = parse_components(body, &DEFS, BASE, true, "4.0")?;
        Ok(CvssV4 { m })
    }
}

impl fmt::Display for CvssV4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CVSS:4.0/")?;
        write_components(f, &DEFS, &self.m, BASE)
    }
}
