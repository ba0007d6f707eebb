//! Domain types shared by every Levee crate. No IO.
//!
//! Everything here is validated at construction: an invalid value cannot be
//! built (`TryFrom` / `FromStr`, and `serde(try_from)` for JSON).
#![forbid(unsafe_code)]

pub mod clock;
pub mod identity;
pub mod tlp;

pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use identity::{
    Capability, CapabilityError, CapabilitySet, OrgRole, OrgSize, Sector, UnknownValue,
};
pub use tlp::Tlp;
