//! CVSS v2 (FIRST, "A Complete Guide to the CVSS Version 2.0", section 3.2).

use std::fmt;
use std::str::FromStr;

use super::{md, parse_components, round1, write_components, CvssError, MetricDef, Score, Scores};
use super::{CvssVersion, Severity};

const BASE: usize = 6;
const N: usize = 14;

static DEFS: [MetricDef; N] = [
    md("AV", &["L", "A", "N"]),
    md("AC", &["H", "M", "L"]),
    md("Au", &["M", "S", "N"]),
    md("C", &["N", "P", "C"]),
    md("I", &["N", "P", "C"]),
    md("A", &["N", "P", "C"]),
    md("E", &["ND", "U", "POC", "F", "H"]),
    md("RL", &["ND", "OF", "TF", "W", "U"]),
    md("RC", &["ND", "UC", "UR", "C"]),
    md("CDP", &["ND", "N", "L", "LM", "MH", "H"]),
    md("TD", &["ND", "N", "L", "M", "H"]),
    md("CR", &["ND", "L", "M", "H"]),
    md("IR", &["ND", "L", "M", "H"]),
    md("AR", &["ND", "L", "M", "H"]),
];

// Weights, indexed like DEFS values.
const AV: [f64; 3] = [0.395, 0.646, 1.0];
const AC: [f64; 3] = [0.35, 0.61, 0.71];
const AU: [f64; 3] = [0.45, 0.56, 0.704];
const IMP: [f64; 3] = [0.0, 0.275, 0.660];
const E: [f64; 5] = [1.0, 0.85, 0.9, 0.95, 1.0];
const RL: [f64; 5] = [1.0, 0.87, 0.90, 0.95, 1.0];
const RC: [f64; 4] = [1.0, 0.90, 0.95, 1.0];
const CDP: [f64; 6] = [0.0, 0.0, 0.1, 0.3, 0.4, 0.5];
const TD: [f64; 5] = [1.0, 0.0, 0.25, 0.75, 1.0];
const REQ: [f64; 4] = [1.0, 0.5, 1.0, 1.51];

/// Every metric of this version in specification order, with its allowed
/// values (for optional metrics the first value is "not defined").
pub fn metrics() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    DEFS.iter().map(|d| (d.name, d.values))
}

/// How many leading metrics of [`metrics`] are mandatory (the base group).
pub const MANDATORY: usize = BASE;

/// A validated CVSS v2 vector.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CvssV2 {
    m: [u8; N],
}

fn w<const K: usize>(t: &[f64; K], i: u8) -> f64 {
    t.get(usize::from(i)).copied().unwrap_or(0.0)
}

impl CvssV2 {
    fn v(&self, i: usize) -> u8 {
        self.m.get(i).copied().unwrap_or(0)
    }

    /// The value of metric `name` (e.g. `"AV"` → `"N"`), `None` for an
    /// unknown metric name. Undefined optional metrics give `"ND"`.
    pub fn get(&self, name: &str) -> Option<&'static str> {
        let pos = DEFS.iter().position(|d| d.name == name)?;
        DEFS.get(pos)?.values.get(usize::from(self.v(pos))).copied()
    }

    pub fn has_temporal(&self) -> bool {
        (6..9).any(|i| self.v(i) != 0)
    }
    pub fn has_environmental(&self) -> bool {
        (9..N).any(|i| self.v(i) != 0)
    }

    fn impact(&self) -> f64 {
        let (c, i, a) = (w(&IMP, self.v(3)), w(&IMP, self.v(4)), w(&IMP, self.v(5)));
        10.41 * (1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a))
    }

    fn base_with_impact(&self, impact: f64) -> f64 {
        let expl = 20.0 * w(&AV, self.v(0)) * w(&AC, self.v(1)) * w(&AU, self.v(2));
        let f = if impact == 0.0 { 0.0 } else { 1.176 };
        round1(((0.6 * impact) + (0.4 * expl) - 1.5) * f)
    }

    fn temporal_of(&self, base: f64) -> f64 {
        round1(base * w(&E, self.v(6)) * w(&RL, self.v(7)) * w(&RC, self.v(8)))
    }

    /// Base score.
    pub fn base_score(&self) -> Score {
        Score::from_rounded(self.base_with_impact(self.impact()))
    }

    /// Temporal score (undefined temporal metrics count as ND = 1.0).
    pub fn temporal_score(&self) -> Score {
        Score::from_rounded(self.temporal_of(self.base_with_impact(self.impact())))
    }

    /// Environmental score (undefined metrics count as ND).
    pub fn environmental_score(&self) -> Score {
        let (c, i, a) = (w(&IMP, self.v(3)), w(&IMP, self.v(4)), w(&IMP, self.v(5)));
        let (cr, ir, ar) = (
            w(&REQ, self.v(11)),
            w(&REQ, self.v(12)),
            w(&REQ, self.v(13)),
        );
        let adj_impact =
            (10.41 * (1.0 - (1.0 - c * cr) * (1.0 - i * ir) * (1.0 - a * ar))).min(10.0);
        let adj_temporal = self.temporal_of(self.base_with_impact(adj_impact));
        let cdp = w(&CDP, self.v(9));
        let td = w(&TD, self.v(10));
        Score::from_rounded(round1((adj_temporal + (10.0 - adj_temporal) * cdp) * td))
    }

    pub fn scores(&self) -> Scores {
        let base = self.base_score();
        let temporal = self.has_temporal().then(|| self.temporal_score());
        let environmental = self.has_environmental().then(|| self.environmental_score());
        let score = environmental.or(temporal).unwrap_or(base);
        Scores {
            version: CvssVersion::V2,
            base,
            temporal,
            environmental,
            score,
            nomenclature: None,
            severity: Severity::from_v2_score(score),
        }
    }
}

impl FromStr for CvssV2 {
    type Err = CvssError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let m = parse_components(s, &DEFS, BASE, false, "2.0")?;
        Ok(CvssV2 { m })
    }
}

impl fmt::Display for CvssV2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_components(f, &DEFS, &self.m, BASE)
    }
}
