//! Time is passed in: logic never reads the system clock itself, so
//! time-bound rules (embargoes, leases, access windows) are testable.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A UTC instant with microsecond precision, stored as microseconds since
/// the Unix epoch (the same integer on SQLite and PostgreSQL).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const fn from_micros(us: i64) -> Self {
        Timestamp(us)
    }
    pub const fn micros(self) -> i64 {
        self.0
    }
    pub fn from_secs(s: i64) -> Self {
        Timestamp(s.saturating_mul(1_000_000))
    }
    pub fn secs(self) -> i64 {
        self.0.div_euclid(1_000_000)
    }
    pub fn plus_micros(self, us: i64) -> Self {
        Timestamp(self.0.saturating_add(us))
    }
    pub fn plus_secs(self, s: i64) -> Self {
        self.plus_micros(s.saturating_mul(1_000_000))
    }

    /// RFC 3339 in UTC with microseconds, e.g. `2026-11-26T04:05:06.123456Z`.
    pub fn to_rfc3339(self) -> String {
        let secs = self.0.div_euclid(1_000_000);
        let micros = self.0.rem_euclid(1_000_000);
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
            sod / 3600,
            (sod % 3600) / 60,
            sod % 60
        )
    }

    /// Parse RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`) or a plain
    /// date `YYYY-MM-DD` (midnight UTC). Digits of the fraction beyond
    /// microseconds are dropped.
    pub fn parse_rfc3339(s: &str) -> Result<Self, TimeParseError> {
        let (secs, nanos) = parse_rfc3339_parts(s, true).map_err(|why| TimeParseError {
            input: truncate(s),
            why,
        })?;
        Ok(Timestamp(secs * 1_000_000 + i64::from(nanos / 1_000)))
    }
}

/// The one RFC 3339 reader: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` (`t`
/// or space as the separator and lower-case `z` accepted, as RFC 3339
/// allows), and with `date_only` also a plain `YYYY-MM-DD` (midnight UTC),
/// read into seconds since the Unix epoch (UTC) and nanoseconds (digits
/// beyond the ninth are dropped). A leap second (`:60`) counts as the last
/// second of its minute. The error says why, for the caller's message.
/// [`Timestamp::parse_rfc3339`] and `levee_formats::Timestamp` (which keeps
/// the text and nanoseconds) both read through it.
pub fn parse_rfc3339_parts(s: &str, date_only: bool) -> Result<(i64, u32), &'static str> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Result<i64, &'static str> {
        let part = b.get(r).ok_or("too short")?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return Err("expected digits");
        }
        Ok(part.iter().fold(0i64, |a, c| a * 10 + i64::from(c - b'0')))
    };
    if b.len() < 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return Err("expected YYYY-MM-DD");
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return Err("date out of range");
    }
    let days = days_from_civil(y, mo, d);
    if b.len() == 10 {
        return if date_only {
            Ok((days * 86_400, 0))
        } else {
            Err("a date without a time")
        };
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return Err("expected 'T' after the date");
    }
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return Err("expected HH:MM:SS");
    }
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if h > 23 || mi > 59 || se > 60 {
        return Err("time out of range");
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(c - b'0');
            }
            i += 1;
        }
        if i == start {
            return Err("empty fraction");
        }
        for _ in (i - start)..9 {
            nanos *= 10;
        }
    }
    let offset = match b.get(i) {
        Some(b'Z' | b'z') if b.len() == i + 1 => 0,
        Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && b.get(i + 3) == Some(&b':') => {
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            if oh > 23 || om > 59 {
                return Err("offset out of range");
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'+' {
                o
            } else {
                -o
            }
        }
        _ => return Err("expected 'Z' or a ±HH:MM offset"),
    };
    Ok((
        days * 86_400 + h * 3600 + mi * 60 + se.min(59) - offset,
        nanos,
    ))
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse_rfc3339(&s).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid timestamp {input:?}: {why}")]
pub struct TimeParseError {
    pub input: String,
    pub why: &'static str,
}

/// Is `y` a Gregorian leap year?
pub fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` (1–12) of year `y`.
pub fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a day number since 1970-01-01 (Hinnant's
/// `civil_from_days`).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The source of "now". Production uses [`SystemClock`]; tests use
/// [`ManualClock`] and move time explicitly.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> Timestamp;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
    }
}

/// A clock that only moves when told to.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn new(at: Timestamp) -> Self {
        ManualClock(Arc::new(AtomicI64::new(at.0)))
    }
    pub fn set(&self, at: Timestamp) {
        self.0.store(at.0, Ordering::SeqCst);
    }
    pub fn advance_secs(&self, s: i64) {
        self.0
            .fetch_add(s.saturating_mul(1_000_000), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_reader_for_both_timestamps() {
        // Date only: allowed or refused by the caller's choice.
        assert_eq!(
            parse_rfc3339_parts("2021-01-01", true),
            Ok((1_609_459_200, 0))
        );
        assert!(parse_rfc3339_parts("2021-01-01", false).is_err());
        // Nine fraction digits kept, the tenth dropped; offsets applied.
        assert_eq!(
            parse_rfc3339_parts("2021-01-01T01:00:00.1234567891+01:00", false),
            Ok((1_609_459_200, 123_456_789))
        );
        // A leap second is the last second of its minute: before the next day.
        let leap = parse_rfc3339_parts("2016-12-31T23:59:60Z", false).unwrap();
        let next = parse_rfc3339_parts("2017-01-01T00:00:00Z", false).unwrap();
        assert_eq!(leap.0 + 1, next.0);
        // Microseconds for the model's Timestamp.
        assert_eq!(
            Timestamp::parse_rfc3339("1970-01-01T00:00:01.0000019Z")
                .unwrap()
                .micros(),
            1_000_001
        );
        for bad in [
            "2021-13-01T00:00:00Z",
            "2021-01-01T00:00:00",
            "2021-01-01T00:00:00.Z",
            "2021-01-01T24:00:00Z",
        ] {
            assert!(parse_rfc3339_parts(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn rfc3339_round_trip() {
        for s in [
            "1970-01-01T00:00:00.000000Z",
            "2021-12-10T00:00:00.123456Z",
            "2000-02-29T23:59:59.999999Z",
            "1969-12-31T23:59:59.000001Z",
        ] {
            let t = Timestamp::parse_rfc3339(s).unwrap();
            assert_eq!(t.to_rfc3339(), s);
        }
    }

    #[test]
    fn offsets_and_dates() {
        let a = Timestamp::parse_rfc3339("2024-01-01T01:00:00+01:00").unwrap();
        let b = Timestamp::parse_rfc3339("2024-01-01").unwrap();
        assert_eq!(a, b);
        assert_eq!(
            Timestamp::parse_rfc3339("2024-01-01T00:00:00.5Z")
                .unwrap()
                .micros()
                - b.micros(),
            500_000
        );
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "2024-13-01",
            "2024-02-30",
            "2024-01-01T25:00:00Z",
            "2024-01-01T00:00:00",
            "x",
        ] {
            assert!(Timestamp::parse_rfc3339(s).is_err(), "{s}");
        }
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::new(Timestamp::from_secs(100));
        assert_eq!(c.now().secs(), 100);
        c.advance_secs(5);
        assert_eq!(c.now().secs(), 105);
    }
}
