//! CVSS v3.0 and v3.1 (FIRST specification documents, section 7 and, for
//! 3.1, Appendix A "Floating Point Rounding").

use std::fmt;
use std::str::FromStr;

use super::{md, parse_components, write_components, CvssError, MetricDef, Score, Scores};
use super::{CvssVersion, Severity};

const BASE: usize = 8;
const N: usize = 22;

static DEFS: [MetricDef; N] = [
    md("AV", &["N", "A", "L", "P"]),
    md("AC", &["L", "H"]),
    md("PR", &["N", "L", "H"]),
    md("UI", &["N", "R"]),
    md("S", &["U", "C"]),
    md("C", &["H", "L", "N"]),
    md("I", &["H", "L", "N"]),
    md("A", &["H", "L", "N"]),
    md("E", &["X", "U", "P", "F", "H"]),
    md("RL", &["X", "O", "T", "W", "U"]),
    md("RC", &["X", "U", "R", "C"]),
    md("CR", &["X", "L", "M", "H"]),
    md("IR", &["X", "L", "M", "H"]),
    md("AR", &["X", "L", "M", "H"]),
    md("MAV", &["X", "N", "A", "L", "P"]),
    md("MAC", &["X", "L", "H"]),
    md("MPR", &["X", "N", "L", "H"]),
    md("MUI", &["X", "N", "R"]),
    md("MS", &["X", "U", "C"]),
    md("MC", &["X", "H", "L", "N"]),
    md("MI", &["X", "H", "L", "N"]),
    md("MA", &["X", "H", "L", "N"]),
];

// Metric indices.
const I_AV: usize = 0;
const I_AC: usize = 1;
const I_PR: usize = 2;
const I_UI: usize = 3;
const I_S: usize = 4;
const I_C: usize = 5;
const I_E: usize = 8;
const I_CR: usize = 11;
const I_MAV: usize = 14;
const I_MS: usize = 18;
const I_MC: usize = 19;

const AV: [f64; 4] = [0.85, 0.62, 0.55, 0.2];
const AC: [f64; 2] = [0.77, 0.44];
const PR_U: [f64; 3] = [0.85, 0.62, 0.27];
const PR_C: [f64; 3] = [0.85, 0.68, 0.5];
const UI: [f64; 2] = [0.85, 0.62];
const CIA: [f64; 3] = [0.56, 0.22, 0.0];
const E: [f64; 5] = [1.0, 0.91, 0.94, 0.97, 1.0];
const RL: [f64; 5] = [1.0, 0.95, 0.96, 0.97, 1.0];
const RC: [f64; 4] = [1.0, 0.92, 0.96, 1.0];
const REQ: [f64; 4] = [1.0, 0.5, 1.0, 1.5];

/// Minor version of a v3 vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum V3Minor {
    V0,
    V1,
}

/// Every metric of this version in specification order, with its allowed
/// values (for optional metrics the first value is "not defined").
pub fn metrics() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    DEFS.iter().map(|d| (d.name, d.values))
}

/// How many leading metrics of [`metrics`] are mandatory (the base group).
pub const MANDATORY: usize = BASE;

/// A validated CVSS v3.0 or v3.1 vector.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CvssV3 {
    minor: V3Minor,
    m: [u8; N],
}

fn w<const K: usize>(t: &[f64; K], i: u8) -> f64 {
    t.get(usize::from(i)).copied().unwrap_or(0.0)
}

/// CVSS v3.1 Appendix A Roundup: the smallest number with one decimal that is
/// >= the input, computed on an integer to avoid floating-point artefacts.
pub fn roundup_v31(x: f64) -> f64 {
    let int_input = (x * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        ((int_input / 10_000) + 1) as f64 / 10.0
    }
}

/// The metric groups' numeric weights after resolving modified metrics.
struct Resolved {
    av: u8,
    ac: u8,
    pr: u8,
    ui: u8,
    changed: bool,
    c: u8,
    i: u8,
    a: u8,
}

impl CvssV3 {
    fn v(&self, i: usize) -> u8 {
        self.m.get(i).copied().unwrap_or(0)
    }

    pub fn minor(&self) -> V3Minor {
        self.minor
    }

    /// The value of metric `name` (e.g. `"AV"` → `"N"`); `None` for an
    /// unknown metric name. Undefined optional metrics give `"X"`.
    pub fn get(&self, name: &str) -> Option<&'static str> {
        let pos = DEFS.iter().position(|d| d.name == name)?;
        DEFS.get(pos)?.values.get(usize::from(self.v(pos))).copied()
    }

    pub fn has_temporal(&self) -> bool {
        (I_E..I_CR).any(|i| self.v(i) != 0)
    }
    pub fn has_environmental(&self) -> bool {
        (I_CR..N).any(|i| self.v(i) != 0)
    }

    fn roundup(&self, x: f64) -> f64 {
        // 3.0 defines Roundup as "smallest one-decimal number >= input";
        // 3.1's Appendix A algorithm computes exactly that without the
        // floating-point false round-ups (e.g. 4.000000000000001 -> 4.1).
        roundup_v31(x)
    }

    fn base_resolved(&self) -> Resolved {
        Resolved {
            av: self.v(I_AV),
            ac: self.v(I_AC),
            pr: self.v(I_PR),
            ui: self.v(I_UI),
            changed: self.v(I_S) == 1,
            c: self.v(I_C),
            i: self.v(I_C + 1),
            a: self.v(I_C + 2),
        }
    }

    /// Modified metrics resolved: a modified metric overrides the base one
    /// unless it is X. Modified values lists are the base ones shifted by 1.
    fn env_resolved(&self) -> Resolved {
        let b = self.base_resolved();
        let pick = |mi: usize, base: u8| match self.v(mi) {
            0 => base,
            x => x - 1,
        };
        Resolved {
            av: pick(I_MAV, b.av),
            ac: pick(I_MAV + 1, b.ac),
            pr: pick(I_MAV + 2, b.pr),
            ui: pick(I_MAV + 3, b.ui),
            changed: match self.v(I_MS) {
                0 => b.changed,
                x => x == 2,
            },
            // MC/MI/MA values are X,H,L,N — base C/I/A are H,L,N.
            c: pick(I_MC, b.c),
            i: pick(I_MC + 1, b.i),
            a: pick(I_MC + 2, b.a),
        }
    }

    fn exploitability(r: &Resolved) -> f64 {
        let pr = if r.changed { &PR_C } else { &PR_U };
        8.22 * w(&AV, r.av) * w(&AC, r.ac) * w(pr, r.pr) * w(&UI, r.ui)
    }

    fn temporal_factor(&self) -> f64 {
        w(&E, self.v(I_E)) * w(&RL, self.v(I_E + 1)) * w(&RC, self.v(I_E + 2))
    }

    fn base_f(&self) -> f64 {
        let r = self.base_resolved();
        let iss = 1.0 - (1.0 - w(&CIA, r.c)) * (1.0 - w(&CIA, r.i)) * (1.0 - w(&CIA, r.a));
        let impact = if r.changed {
            7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
        } else {
            6.42 * iss
        };
        if impact <= 0.0 {
            return 0.0;
        }
        let e = Self::exploitability(&r);
        if r.changed {
            self.roundup((1.08 * (impact + e)).min(10.0))
        } else {
            self.roundup((impact + e).min(10.0))
        }
    }

    /// Base score.
    pub fn base_score(&self) -> Score {
        Score::from_rounded(self.base_f())
    }

    /// Temporal score (undefined temporal metrics count as X = 1.0; equals
    /// the base score when none is defined).
    pub fn temporal_score(&self) -> Score {
        Score::from_rounded(self.roundup(self.base_f() * self.temporal_factor()))
    }

    /// Environmental score (undefined metrics count as X; equals the
    /// temporal score when no environmental metric is defined).
    pub fn environmental_score(&self) -> Score {
        let r = self.env_resolved();
        let req = |k: usize| w(&REQ, self.v(I_CR + k));
        let miss = (1.0
            - (1.0 - req(0) * w(&CIA, r.c))
                * (1.0 - req(1) * w(&CIA, r.i))
                * (1.0 - req(2) * w(&CIA, r.a)))
        .min(0.915);
        let impact = if r.changed {
            match self.minor {
                V3Minor::V0 => 7.52 * (miss - 0.029) - 3.25 * (miss - 0.02).powi(15),
                V3Minor::V1 => 7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powi(13),
            }
        } else {
            6.42 * miss
        };
        if impact <= 0.0 {
            return Score::ZERO;
        }
        let e = Self::exploitability(&r);
        let inner = if r.changed {
            self.roundup((1.08 * (impact + e)).min(10.0))
        } else {
            self.roundup((impact + e).min(10.0))
        };
        Score::from_rounded(self.roundup(inner * self.temporal_factor()))
    }

    pub fn scores(&self) -> Scores {
        let base = self.base_score();
        let temporal = self.has_temporal().then(|| self.temporal_score());
        let environmental = self.has_environmental().then(|| self.environmental_score());
        let score = environmental.or(temporal).unwrap_or(base);
        Scores {
            version: match self.minor {
                V3Minor::V0 => CvssVersion::V3_0,
                V3Minor::V1 => CvssVersion::V3_1,
            },
            base,
            temporal,
            environmental,
            score,
            nomenclature: None,
            severity: Severity::from_score(score),
        }
    }
}

impl FromStr for CvssV3 {
    type Err = CvssError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (minor, body) = if let Some(b) = s.strip_prefix("CVSS:3.1/") {
            (V3Minor::V1, b)
        } else if let Some(b) = s.strip_prefix("CVSS:3.0/") {
            (V3Minor::V0, b)
        } else {
            let prefix = s.split('/').next().unwrap_or(s);
            return Err(CvssError::UnknownVersion(super::clip(prefix)));
        };
        let version = match minor {
            V3Minor::V0 => "3.0",
            V3Minor::V1 => "3.1",
        };
        let m = parse_components(body, &DEFS, BASE, false, version)?;
        Ok(CvssV3 { minor, m })
    }
}

impl fmt::Display for CvssV3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.minor {
            V3Minor::V0 => "CVSS:3.0/",
            V3Minor::V1 => "CVSS:3.1/",
        })?;
        write_components(f, &DEFS, &self.m, BASE)
    }
}
