//! Opaque, stable pagination cursors: (timestamp, tie-breaking sequence).

use base64::Engine;

use levee_model::Timestamp;

/// A position in a list ordered by `(at, seq)`. Both parts are integers that
/// both backends store identically, so a cursor from one process is valid on
/// any other.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub at: Timestamp,
    pub seq: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid cursor")]
pub struct BadCursor;

impl Cursor {
    pub fn encode(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!(
            "{}.{}",
            self.at.micros(),
            self.seq
        ))
    }

    pub fn decode(s: &str) -> Result<Cursor, BadCursor> {
        if s.len() > 64 {
            return Err(BadCursor);
        }
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .map_err(|_| BadCursor)?;
        let raw = std::str::from_utf8(&raw).map_err(|_| BadCursor)?;
        let (a, b) = raw.split_once('.').ok_or(BadCursor)?;
        Ok(Cursor {
            at: Timestamp::from_micros(a.parse().map_err(|_| BadCursor)?),
            seq: b.parse().map_err(|_| BadCursor)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn round_trip_and_garbage() {
        let c = Cursor {
            at: Timestamp::from_micros(1_700_000_000_123_456),
            seq: 42,
        };
        assert_eq!(Cursor::decode(&c.encode()), Ok(c));
        assert_eq!(Cursor::decode("!!"), Err(BadCursor));
        assert_eq!(Cursor::decode("bm9kb3Q"), Err(BadCursor));
    }
}
