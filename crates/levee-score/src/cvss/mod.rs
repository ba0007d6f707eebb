//! CVSS v2, v3.0, v3.1 and v4.0: strict vector parsing, canonical display and
//! every score the specifications define.
//!
//! Why not the RustSec `cvss` crate: at the time of writing it parses v3.x
//! and v4.0 but scores only the v3.x *base* group (no temporal/environmental)
//! and has no v2 at all. Three of the four scoring systems would have needed
//! a second implementation anyway, so all of them live here, table-driven,
//! and are checked against every vector file in `shared/data/cvss`.
//!
//! Parsing rules (validated at the boundary; a parsed vector is always
//! scoreable):
//! - v2: no prefix, `/`-separated `METRIC:VALUE`, the six base metrics
//!   mandatory, temporal/environmental optional (`ND` = not defined), any
//!   order (as the FIRST JSON schema allows), no duplicates.
//! - v3: `CVSS:3.0/` or `CVSS:3.1/` prefix, the eight base metrics
//!   mandatory, others optional (`X` = not defined), any order, no duplicates.
//! - v4: `CVSS:4.0/` prefix, the eleven base metrics mandatory, every metric
//!   in the order of the specification (as the FIRST JSON schema requires),
//!   no duplicates.
//!
//! Metric names and values are case-sensitive. [`std::fmt::Display`] prints
//! the canonical form: prefix, metrics in specification order, not-defined
//! metrics omitted; `parse(display(v)) == v` for every parsed `v`.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

pub mod v2;
pub mod v3;
pub mod v4;
mod v4_tables;

pub use v2::CvssV2;
pub use v3::{CvssV3, V3Minor};
pub use v4::CvssV4;

/// Why a vector string was refused. Components are numbered from 1 after the
/// version prefix; echoed input is truncated to 40 characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CvssError {
    #[error("empty vector")]
    Empty,
    #[error("unknown CVSS version prefix `{0}` (expected `CVSS:3.0/`, `CVSS:3.1/`, `CVSS:4.0/` or a bare v2 vector)")]
    UnknownVersion(String),
    #[error("component {index} `{component}`: expected METRIC:VALUE")]
    Malformed { index: usize, component: String },
    #[error("component {index}: unknown CVSS {version} metric `{metric}`")]
    UnknownMetric {
        index: usize,
        version: &'static str,
        metric: String,
    },
    #[error("component {index}: metric {metric} has invalid value `{value}` (allowed: {allowed})")]
    InvalidValue {
        index: usize,
        metric: &'static str,
        value: String,
        allowed: String,
    },
    #[error("component {index}: metric {metric} given more than once")]
    Duplicate { index: usize, metric: &'static str },
    #[error("component {index}: metric {metric} out of order (CVSS 4.0 requires specification order; it must come before {before})")]
    OutOfOrder {
        index: usize,
        metric: &'static str,
        before: &'static str,
    },
    #[error("missing mandatory base metric {0}")]
    Missing(&'static str),
}

fn clip(s: &str) -> String {
    const MAX: usize = 40;
    if s.len() <= MAX {
        return s.to_owned();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", s.get(..end).unwrap_or_default())
}

/// One metric of a scoring system: its abbreviation and allowed values.
/// For optional metrics the first value is the "not defined" one.
pub(crate) struct MetricDef {
    pub name: &'static str,
    pub values: &'static [&'static str],
}

pub(crate) const fn md(name: &'static str, values: &'static [&'static str]) -> MetricDef {
    MetricDef { name, values }
}

/// Parse `/`-separated `METRIC:VALUE` components against `defs`. The first
/// `mandatory` defs are required; the others default to value index 0.
/// Returns value indices in `defs` order.
pub(crate) fn parse_components<const N: usize>(
    body: &str,
    defs: &[MetricDef; N],
    mandatory: usize,
    ordered: bool,
    version: &'static str,
) -> Result<[u8; N], CvssError> {
    const UNSET: u8 = u8::MAX;
    let mut out = [UNSET; N];
    let mut last_pos: Option<usize> = None;
    if body.is_empty() {
        return Err(CvssError::Empty);
    }
    for (i, comp) in body.split('/').enumerate() {
        let index = i + 1;
        let Some((name, value)) = comp.split_once(':') else {
            return Err(CvssError::Malformed {
                index,
                component: clip(comp),
            });
        };
        let Some(pos) = defs.iter().position(|d| d.name == name) else {
            return Err(CvssError::UnknownMetric {
                index,
                version,
                metric: clip(name),
            });
        };
        let def = &defs[pos];
        let Some(vi) = def.values.iter().position(|v| *v == value) else {
            return Err(CvssError::InvalidValue {
                index,
                metric: def.name,
                value: clip(value),
                allowed: def.values.join(", "),
            });
        };
        let slot = &mut out[pos];
        if *slot != UNSET {
            return Err(CvssError::Duplicate {
                index,
                metric: def.name,
            });
        }
        if ordered {
            if let Some(lp) = last_pos {
                if pos < lp {
                    return Err(CvssError::OutOfOrder {
                        index,
                        metric: def.name,
                        before: defs[lp].name,
                    });
                }
            }
            last_pos = Some(pos);
        }
        // values lists are far shorter than 255
        *slot = u8::try_from(vi).unwrap_or(0);
    }
    for (pos, slot) in out.iter_mut().enumerate() {
        if *slot == UNSET {
            if pos < mandatory {
                return Err(CvssError::Missing(defs[pos].name));
            }
            *slot = 0;
        }
    }
    Ok(out)
}

/// Write `metrics` canonically: the mandatory ones always, others only when
/// defined (value index != 0).
pub(crate) fn write_components(
    f: &mut fmt::Formatter<'_>,
    defs: &[MetricDef],
    vals: &[u8],
    mandatory: usize,
) -> fmt::Result {
    let mut first = true;
    for (pos, (def, &v)) in defs.iter().zip(vals).enumerate() {
        if pos >= mandatory && v == 0 {
            continue;
        }
        if !first {
            f.write_str("/")?;
        }
        first = false;
        let value = def.values.get(usize::from(v)).copied().unwrap_or("?");
        write!(f, "{}:{}", def.name, value)?;
    }
    Ok(())
}

/// A CVSS score in tenths, 0.0 ..= 10.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score(u8);

impl Score {
    pub const ZERO: Score = Score(0);
    pub const MAX: Score = Score(100);

    /// From tenths (`98` is 9.8); `None` above 100.
    pub fn from_tenths(t: u8) -> Option<Score> {
        (t <= 100).then_some(Score(t))
    }
    pub fn tenths(self) -> u8 {
        self.0
    }
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 10.0
    }
    /// From an already rounded value (one decimal); clamps to 0..=10.
    pub(crate) fn from_rounded(x: f64) -> Score {
        let t = (x * 10.0).round();
        if t.is_nan() || t <= 0.0 {
            Score(0)
        } else if t >= 100.0 {
            Score(100)
        } else {
            // 0 < t < 100 here
            Score(t as u8)
        }
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

impl Serialize for Score {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

/// Qualitative severity rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The v3.x / v4.0 rating scale (None 0.0, Low 0.1–3.9, Medium 4.0–6.9,
    /// High 7.0–8.9, Critical 9.0–10.0).
    pub fn from_score(s: Score) -> Severity {
        match s.tenths() {
            0 => Severity::None,
            1..=39 => Severity::Low,
            40..=69 => Severity::Medium,
            70..=89 => Severity::High,
            _ => Severity::Critical,
        }
    }
    /// The v2 rating used by NVD (Low 0.0–3.9, Medium 4.0–6.9, High 7.0–10.0).
    pub fn from_v2_score(s: Score) -> Severity {
        match s.tenths() {
            0..=39 => Severity::Low,
            40..=69 => Severity::Medium,
            _ => Severity::High,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "NONE",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// CVSS v4.0 nomenclature: which metric groups contributed to the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Nomenclature {
    #[serde(rename = "CVSS-B")]
    B,
    #[serde(rename = "CVSS-BT")]
    BT,
    #[serde(rename = "CVSS-BE")]
    BE,
    #[serde(rename = "CVSS-BTE")]
    BTE,
}

impl Nomenclature {
    pub fn as_str(self) -> &'static str {
        match self {
            Nomenclature::B => "CVSS-B",
            Nomenclature::BT => "CVSS-BT",
            Nomenclature::BE => "CVSS-BE",
            Nomenclature::BTE => "CVSS-BTE",
        }
    }
}

impl fmt::Display for Nomenclature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// CVSS version of a vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CvssVersion {
    V2,
    V3_0,
    V3_1,
    V4_0,
}

impl CvssVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            CvssVersion::V2 => "2.0",
            CvssVersion::V3_0 => "3.0",
            CvssVersion::V3_1 => "3.1",
            CvssVersion::V4_0 => "4.0",
        }
    }
}

impl fmt::Display for CvssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CvssVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Every score a vector determines.
///
/// - v2 / v3: `temporal` is `Some` when a temporal metric is defined,
///   `environmental` when an environmental metric is defined; `score` is the
///   most specific of environmental, temporal, base.
/// - v4: `base` is the CVSS-B score (threat/environmental metrics ignored),
///   `score` the score of the whole vector, named by `nomenclature`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Scores {
    pub version: CvssVersion,
    #[serde(rename = "base_score")]
    pub base: Score,
    #[serde(rename = "temporal_score", skip_serializing_if = "Option::is_none")]
    pub temporal: Option<Score>,
    #[serde(
        rename = "environmental_score",
        skip_serializing_if = "Option::is_none"
    )]
    pub environmental: Option<Score>,
    pub score: Score,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nomenclature: Option<Nomenclature>,
    pub severity: Severity,
}

/// A parsed CVSS vector of any supported version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cvss {
    V2(CvssV2),
    V3(CvssV3),
    V4(CvssV4),
}

impl Cvss {
    pub fn version(&self) -> CvssVersion {
        match self {
            Cvss::V2(_) => CvssVersion::V2,
            Cvss::V3(v) => match v.minor() {
                V3Minor::V0 => CvssVersion::V3_0,
                V3Minor::V1 => CvssVersion::V3_1,
            },
            Cvss::V4(_) => CvssVersion::V4_0,
        }
    }

    /// Every score of this vector (see [`Scores`]).
    pub fn scores(&self) -> Scores {
        match self {
            Cvss::V2(v) => v.scores(),
            Cvss::V3(v) => v.scores(),
            Cvss::V4(v) => v.scores(),
        }
    }

    /// The most specific score (see [`Scores::score`]).
    pub fn score(&self) -> Score {
        self.scores().score
    }

    pub fn severity(&self) -> Severity {
        self.scores().severity
    }
}

/// Parse a vector of any version; dispatches on the prefix.
pub fn parse(s: &str) -> Result<Cvss, CvssError> {
    if s.is_empty() {
        return Err(CvssError::Empty);
    }
    if s.starts_with("CVSS:3.") {
        return CvssV3::from_str(s).map(Cvss::V3);
    }
    if s.starts_with("CVSS:4.") {
        return CvssV4::from_str(s).map(Cvss::V4);
    }
    if s.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("CVSS:")) {
        let prefix = s.split('/').next().unwrap_or(s);
        return Err(CvssError::UnknownVersion(clip(prefix)));
    }
    CvssV2::from_str(s).map(Cvss::V2)
}

impl FromStr for Cvss {
    type Err = CvssError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

impl TryFrom<&str> for Cvss {
    type Error = CvssError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        parse(s)
    }
}

impl fmt::Display for Cvss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cvss::V2(v) => v.fmt(f),
            Cvss::V3(v) => v.fmt(f),
            Cvss::V4(v) => v.fmt(f),
        }
    }
}

impl Serialize for Cvss {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Cvss {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Round half up to one decimal, tolerating binary floating-point error
/// (the specifications compute in decimal).
pub(crate) fn round1(x: f64) -> f64 {
    ((x * 10.0) + 0.5 + 1e-9).floor() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> CvssError {
        parse(s).expect_err(s)
    }

    #[test]
    fn errors_name_the_component_and_reason() {
        assert_eq!(
            err("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Z"),
            CvssError::InvalidValue {
                index: 8,
                metric: "A",
                value: "Z".into(),
                allowed: "H, L, N".into()
            }
        );
        assert_eq!(
            err("CVSS:3.1/AV:N/AV:N"),
            CvssError::Duplicate {
                index: 2,
                metric: "AV"
            }
        );
        assert_eq!(
            err("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:H/E:A"),
            CvssError::OutOfOrder {
                index: 13,
                metric: "E",
                before: "CR"
            }
        );
        assert_eq!(
            err("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N"),
            CvssError::Missing("SA")
        );
        assert_eq!(err("CVSS:3.1/"), CvssError::Empty);
        assert_eq!(
            err("CVSS:3.1/AV:N/"),
            CvssError::Malformed {
                index: 2,
                component: String::new()
            }
        );
        assert!(matches!(err("CVSS:3.2/AV:N"), CvssError::UnknownVersion(_)));
        assert!(matches!(err("CVSS:4.1/AV:N"), CvssError::UnknownVersion(_)));
        // v4 metric names are not v3 ones and vice versa
        assert!(matches!(
            err("CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            CvssError::UnknownMetric { index: 3, .. }
        ));
        // case-sensitive values; no surrounding whitespace
        assert!(
            parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:clear")
                .is_err()
        );
        assert!(parse(" CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").is_err());
        // long junk is clipped in the message
        let long = format!("CVSS:3.1/{}:N", "Q".repeat(500));
        assert!(err(&long).to_string().len() < 150);
    }

    #[test]
    fn score_display_and_severity() {
        assert_eq!(Score::from_tenths(100).unwrap().to_string(), "10.0");
        assert_eq!(Score::ZERO.to_string(), "0.0");
        assert_eq!(Score::from_tenths(101), None);
        assert_eq!(
            Severity::from_score(Score::from_tenths(1).unwrap()),
            Severity::Low
        );
        assert_eq!(
            Severity::from_score(Score::from_tenths(90).unwrap()),
            Severity::Critical
        );
        assert_eq!(
            Severity::from_v2_score(Score::from_tenths(100).unwrap()),
            Severity::High
        );
    }

    #[test]
    fn canonical_form_drops_not_defined_and_orders() {
        let v = parse("CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N/E:X/MAV:L").unwrap();
        assert_eq!(
            v.to_string(),
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:L"
        );
        let v = parse("AV:N/AC:L/Au:N/C:C/I:C/A:C/E:ND/RL:OF").unwrap();
        assert_eq!(v.to_string(), "AV:N/AC:L/Au:N/C:C/I:C/A:C/RL:OF");
        let json = serde_json::to_string(&v).unwrap();
        let back: Cvss = serde_json::from_str(&json).unwrap();
        assert_eq!(back, v);
        assert!(serde_json::from_str::<Cvss>("\"AV:N\"").is_err());
    }
}
