//! SSVC decision points as CISA's ADP publishes them in CVE JSON 5 records:
//! `containers.adp[].metrics[].other` with `type == "ssvc"` and
//! `content = {id, role, version, timestamp, options: [{"Exploitation": "poc"}, …]}`.
//!
//! Values are matched case-insensitively (the corpus has `poc` and `PoC`,
//! `total` and `Total`). Decision points this model does not know are kept
//! verbatim in [`SsvcAssessment::other`].

use serde::Serialize;
use serde_json::Value;

use crate::feed::{clip, FeedError, RecordError};

/// SSVC Exploitation (v1.1.0): None, Public PoC, Active.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Exploitation {
    None,
    #[serde(rename = "public poc")]
    PublicPoc,
    Active,
}

/// SSVC Automatable (v2.0.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Automatable {
    No,
    Yes,
}

/// SSVC Technical Impact (v1.0.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TechnicalImpact {
    Partial,
    Total,
}

/// SSVC Mission and Well-Being Impact (v1.0.0) — not in ADP containers; the
/// deployer supplies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MissionWellBeing {
    Low,
    Medium,
    High,
}

/// CISA Levels (v1.1.0): the outcome of the CISA coordinator decision table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum CisaDecision {
    #[serde(rename = "track")]
    Track,
    #[serde(rename = "track*")]
    TrackStar,
    #[serde(rename = "attend")]
    Attend,
    #[serde(rename = "act")]
    Act,
}

impl CisaDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            CisaDecision::Track => "track",
            CisaDecision::TrackStar => "track*",
            CisaDecision::Attend => "attend",
            CisaDecision::Act => "act",
        }
    }
}

fn norm(s: &str) -> String {
    s.trim().to_ascii_lowercase()
}

impl std::str::FromStr for Exploitation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match norm(s).as_str() {
            "none" | "n" => Ok(Exploitation::None),
            "poc" | "public poc" | "p" => Ok(Exploitation::PublicPoc),
            "active" | "a" => Ok(Exploitation::Active),
            _ => Err(format!(
                "unknown Exploitation value `{}` (none, poc, active)",
                clip(s)
            )),
        }
    }
}

impl std::str::FromStr for Automatable {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match norm(s).as_str() {
            "no" | "n" => Ok(Automatable::No),
            "yes" | "y" => Ok(Automatable::Yes),
            _ => Err(format!("unknown Automatable value `{}` (no, yes)", clip(s))),
        }
    }
}

impl std::str::FromStr for TechnicalImpact {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match norm(s).as_str() {
            "partial" | "p" => Ok(TechnicalImpact::Partial),
            "total" | "t" => Ok(TechnicalImpact::Total),
            _ => Err(format!(
                "unknown Technical Impact value `{}` (partial, total)",
                clip(s)
            )),
        }
    }
}

impl std::str::FromStr for MissionWellBeing {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match norm(s).as_str() {
            "low" | "l" => Ok(MissionWellBeing::Low),
            "medium" | "m" => Ok(MissionWellBeing::Medium),
            "high" | "h" => Ok(MissionWellBeing::High),
            _ => Err(format!(
                "unknown Mission and Well-Being value `{}`",
                clip(s)
            )),
        }
    }
}

impl std::str::FromStr for CisaDecision {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match norm(s).as_str() {
            "track" => Ok(CisaDecision::Track),
            "track*" => Ok(CisaDecision::TrackStar),
            "attend" => Ok(CisaDecision::Attend),
            "act" => Ok(CisaDecision::Act),
            _ => Err(format!("unknown CISA level `{}`", clip(s))),
        }
    }
}

/// A decision point the model does not type, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SsvcOption {
    pub name: String,
    pub value: String,
}

/// One SSVC assessment (one ADP `other` of type `ssvc`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SsvcAssessment {
    /// The vulnerability id as written (`CVE-…`).
    pub id: Option<String>,
    /// e.g. `CISA Coordinator`.
    pub role: Option<String>,
    /// Decision model version, e.g. `2.0.3`.
    pub version: Option<String>,
    pub timestamp: Option<String>,
    pub exploitation: Option<Exploitation>,
    pub automatable: Option<Automatable>,
    pub technical_impact: Option<TechnicalImpact>,
    pub other: Vec<SsvcOption>,
}

impl SsvcAssessment {
    /// The CISA coordinator decision (table `cisa_coordinator_2_0_3`) given
    /// the deployer's Mission and Well-Being impact; `None` unless the three
    /// ADP decision points are all present.
    pub fn cisa_decision(&self, mwb: MissionWellBeing) -> Option<CisaDecision> {
        Some(cisa_coordinator(
            self.exploitation?,
            self.automatable?,
            self.technical_impact?,
            mwb,
        ))
    }
}

/// CISA coordinator decision table v2.0.3 (Exploitation × Automatable ×
/// Technical Impact × Mission and Well-Being → CISA level).
pub fn cisa_coordinator(
    e: Exploitation,
    a: Automatable,
    ti: TechnicalImpact,
    mwb: MissionWellBeing,
) -> CisaDecision {
    use CisaDecision::{Act as X, Attend as A, Track as T, TrackStar as S};
    // rows in the table's order: e, a, ti, mwb (low, medium, high)
    const TABLE: [[[[CisaDecision; 3]; 2]; 2]; 3] = [
        [[[T, T, T], [T, T, S]], [[T, T, A], [T, T, A]]],
        [[[T, T, S], [T, S, A]], [[T, T, A], [T, S, A]]],
        [[[T, T, A], [T, A, X]], [[A, A, X], [A, X, X]]],
    ];
    let (e, a, ti, m) = (e as usize, a as usize, ti as usize, mwb as usize);
    TABLE
        .get(e)
        .and_then(|x| x.get(a))
        .and_then(|x| x.get(ti))
        .and_then(|x| x.get(m))
        .copied()
        .unwrap_or(T)
}

/// Parse the `content` object of an ADP `other` of type `ssvc`; `path` names
/// it in errors.
pub fn parse_content(content: &Value, path: &str) -> Result<SsvcAssessment, RecordError> {
    let Value::Object(o) = content else {
        return Err(RecordError::at_path(path, "expected an object"));
    };
    let s = |k: &str| -> Result<Option<String>, RecordError> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(RecordError::at_path(
                format!("{path}.{k}"),
                "expected a string",
            )),
        }
    };
    let mut out = SsvcAssessment {
        id: s("id")?,
        role: s("role")?,
        version: s("version")?,
        timestamp: s("timestamp")?,
        exploitation: None,
        automatable: None,
        technical_impact: None,
        other: Vec::new(),
    };
    let options = match o.get("options") {
        Some(Value::Array(a)) => a,
        None => {
            return Err(RecordError::at_path(
                format!("{path}.options"),
                "required array is missing",
            ))
        }
        Some(_) => {
            return Err(RecordError::at_path(
                format!("{path}.options"),
                "expected an array",
            ))
        }
    };
    for (i, opt) in options.iter().enumerate() {
        let p = format!("{path}.options[{i}]");
        let Value::Object(m) = opt else {
            return Err(RecordError::at_path(p, "expected an object"));
        };
        for (name, v) in m {
            let Some(value) = v.as_str() else {
                return Err(RecordError::at_path(
                    format!("{p}.{name}"),
                    "expected a string",
                ));
            };
            let err = |e: String| RecordError::at_path(format!("{p}.{name}"), e);
            let dup = || RecordError::at_path(format!("{p}.{name}"), "decision point given twice");
            match norm(name).as_str() {
                "exploitation" => {
                    if out
                        .exploitation
                        .replace(value.parse().map_err(err)?)
                        .is_some()
                    {
                        return Err(dup());
                    }
                }
                "automatable" => {
                    if out
                        .automatable
                        .replace(value.parse().map_err(err)?)
                        .is_some()
                    {
                        return Err(dup());
                    }
                }
                "technical impact" => {
                    if out
                        .technical_impact
                        .replace(value.parse().map_err(err)?)
                        .is_some()
                    {
                        return Err(dup());
                    }
                }
                _ => out.other.push(SsvcOption {
                    name: name.clone(),
                    value: value.to_owned(),
                }),
            }
        }
    }
    Ok(out)
}

/// Every SSVC assessment in the ADP containers of one CVE JSON 5 record.
/// The outer error means the record is not JSON at all; each assessment is
/// its own `Result` so that one bad one does not hide the others.
pub fn from_cve_record(
    bytes: &[u8],
) -> Result<Vec<Result<SsvcAssessment, RecordError>>, FeedError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| FeedError::json(&e))?;
    Ok(from_cve_value(&v))
}

/// As [`from_cve_record`], on an already parsed record.
pub fn from_cve_value(record: &Value) -> Vec<Result<SsvcAssessment, RecordError>> {
    let mut out = Vec::new();
    let Some(adps) = record
        .get("containers")
        .and_then(|c| c.get("adp"))
        .and_then(Value::as_array)
    else {
        return out;
    };
    for (ai, adp) in adps.iter().enumerate() {
        let Some(metrics) = adp.get("metrics").and_then(Value::as_array) else {
            continue;
        };
        for (mi, m) in metrics.iter().enumerate() {
            let Some(other) = m.get("other") else {
                continue;
            };
            if other.get("type").and_then(Value::as_str) != Some("ssvc") {
                continue;
            }
            let path = format!("containers.adp[{ai}].metrics[{mi}].other.content");
            out.push(match other.get("content") {
                Some(c) => parse_content(c, &path),
                None => Err(RecordError::at_path(path, "required object is missing")),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adp_shape() {
        let rec = br#"{"containers":{"cna":{},"adp":[{"metrics":[{"cvssV3_1":{}},{"other":{"type":"ssvc","content":{"id":"CVE-1999-0006","role":"CISA Coordinator","options":[{"Exploitation":"PoC"},{"Automatable":"yes"},{"Technical Impact":"Total"},{"Mission Prevalence":"Minimal"}],"version":"2.0.3","timestamp":"2024-08-01T18:51:01.909711Z"}}},{"other":{"type":"kev","content":{}}},{"other":{"type":"ssvc","content":{"options":[{"Exploitation":"sometimes"}]}}}]}]}}"#;
        let out = from_cve_record(rec).unwrap();
        assert_eq!(out.len(), 2);
        let a = out[0].as_ref().unwrap();
        assert_eq!(a.exploitation, Some(Exploitation::PublicPoc));
        assert_eq!(a.automatable, Some(Automatable::Yes));
        assert_eq!(a.technical_impact, Some(TechnicalImpact::Total));
        assert_eq!(
            a.other,
            vec![SsvcOption {
                name: "Mission Prevalence".into(),
                value: "Minimal".into()
            }]
        );
        assert_eq!(
            a.cisa_decision(MissionWellBeing::High),
            Some(CisaDecision::Attend)
        );
        let e = out[1].as_ref().unwrap_err();
        assert_eq!(
            e.field.as_deref(),
            Some("containers.adp[0].metrics[3].other.content.options[0].Exploitation")
        );
        assert!(from_cve_record(b"not json").is_err());
    }
}
