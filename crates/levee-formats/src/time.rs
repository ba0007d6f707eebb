//! RFC 3339 timestamps (OSV `modified`, `published`, `withdrawn`).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A validated RFC 3339 date-time. Keeps the text exactly as written (for
/// lossless export) and the instant (for ordering: "a newer `modified`
/// replaces an older record").
#[derive(Debug, Clone)]
pub struct Timestamp {
    text: String,
    secs: i64,
    nanos: u32,
}

/// Why a string is not an RFC 3339 date-time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an RFC 3339 date-time ({0}): {1:?}")]
pub struct TimestampError(&'static str, String);

impl Timestamp {
    /// Parse `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` (`t`/space separator and
    /// lower-case `z` accepted, as RFC 3339 allows), with
    /// [`levee_model::clock::parse_rfc3339_parts`].
    pub fn parse(s: &str) -> Result<Self, TimestampError> {
        let (secs, nanos) = levee_model::clock::parse_rfc3339_parts(s, false)
            .map_err(|why| TimestampError(why, s.chars().take(64).collect()))?;
        Ok(Timestamp {
            text: s.to_string(),
            secs,
            nanos,
        })
    }

    /// The text as written in the source.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Seconds since the Unix epoch (UTC).
    pub fn unix_seconds(&self) -> i64 {
        self.secs
    }

    /// Sub-second nanoseconds.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// The instant as `YYYY-MM-DDTHH:MM:SSZ` (UTC, fraction dropped).
    pub fn to_utc_string(&self) -> String {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            rem / 3600,
            (rem / 60) % 60,
            rem % 60
        )
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Equality and order are by instant, not by text.
impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        (self.secs, self.nanos) == (other.secs, other.nanos)
    }
}
impl Eq for Timestamp {}
impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.secs, self.nanos).cmp(&(other.secs, other.nanos))
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s).map_err(serde::de::Error::custom)
    }
}

// The civil-date arithmetic lives in levee-model, shared with its
// `Timestamp`.
use levee_model::clock::civil_from_days;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid() {
        let good = [
            ("1970-01-01T00:00:00Z", 0, 0),
            ("2021-12-10T00:40:56.123Z", 1_639_096_856, 123_000_000),
            ("2021-12-10T02:40:56+02:00", 1_639_096_856, 0),
            ("2020-02-29t12:00:00z", 1_582_977_600, 0),
            ("1969-12-31T23:59:59Z", -1, 0),
            ("2024-01-01 00:00:00.000000001Z", 1_704_067_200, 1),
        ];
        for (s, secs, nanos) in good {
            let t = Timestamp::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!((t.unix_seconds(), t.subsec_nanos()), (secs, nanos), "{s}");
            assert_eq!(t.as_str(), s);
        }
        let bad = [
            "",
            "2021-12-10",
            "2021-12-10T00:40:56",
            "2021-13-10T00:40:56Z",
            "2021-02-29T00:40:56Z",
            "2021-12-10T24:00:00Z",
            "2021-12-10T00:40:56.Z",
            "2021-12-10T00:40:56+0200",
            "2021-12-10T00:40:56Zjunk",
            "２０２１-12-10T00:40:56Z",
        ];
        for s in bad {
            assert!(Timestamp::parse(s).is_err(), "{s} accepted");
        }
    }

    #[test]
    fn utc_string_round_trips() {
        for s in [
            "1970-01-01T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "1600-03-01T01:02:03Z",
        ] {
            assert_eq!(Timestamp::parse(s).unwrap().to_utc_string(), s);
        }
        let t = Timestamp::parse("2021-12-10T02:40:56+02:00").unwrap();
        assert_eq!(t.to_utc_string(), "2021-12-10T00:40:56Z");
    }
}
