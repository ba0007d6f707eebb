//! Organizations, capabilities, roles and sectors.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident, $what:literal { $($var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name { $($var),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                match s { $($s => Ok($name::$var),)+ _ => Err(UnknownValue {
                    what: $what,
                    value: s.chars().take(40).collect(),
                    expected: &[$($s),+],
                }) }
            }
        }
        impl TryFrom<String> for $name {
            type Error = UnknownValue;
            fn try_from(s: String) -> Result<Self, UnknownValue> { s.parse() }
        }
        impl From<$name> for &'static str {
            fn from(v: $name) -> &'static str { v.as_str() }
        }
    };
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?} (expected one of: {})", expected.join(", "))]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
    pub expected: &'static [&'static str],
}

string_enum!(
    /// What an organization does in the clearinghouse. An org holds a set.
    Capability, "capability" {
        Finder = "finder",
        Vendor = "vendor",
        Operator = "operator",
        ModelDeveloper = "model_developer",
        Evaluator = "evaluator",
        Coordinator = "coordinator",
        Government = "government",
    }
);

string_enum!(
    /// A user's role within one organization.
    OrgRole, "role" {
        Admin = "admin",
        Member = "member",
        ReadOnly = "read_only",
    }
);

string_enum!(
    /// The sector of an operator organization.
    Sector, "sector" {
        HealthCare = "health_care",
        Bank = "bank",
        Electric = "electric",
        Water = "water",
        Gas = "gas",
        Government = "government",
        Education = "education",
        Other = "other",
    }
);

string_enum!(
    /// The size of an operator organization.
    OrgSize, "size" {
        Small = "small",
        Medium = "medium",
        Large = "large",
    }
);

impl OrgRole {
    pub fn can_write(self) -> bool {
        !matches!(self, OrgRole::ReadOnly)
    }
}

/// A non-empty, coherent set of capabilities.
#[derive(Clone, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "Vec<Capability>", into = "Vec<Capability>")]
pub struct CapabilitySet(BTreeSet<Capability>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapabilityError {
    #[error("an organization needs at least one capability")]
    Empty,
    #[error("capability {0} is listed twice")]
    Duplicate(Capability),
    #[error("capabilities {0} and {1} cannot be held together: {2}")]
    Conflict(Capability, Capability, &'static str),
}

impl CapabilitySet {
    /// Validate a list of capabilities: non-empty, no duplicates, coherent.
    ///
    /// Incoherent: an evaluator (which assesses frontier models for the
    /// government) cannot also be the model developer it evaluates — the
    /// framework depends on their independence.
    pub fn new(caps: impl IntoIterator<Item = Capability>) -> Result<Self, CapabilityError> {
        let mut set = BTreeSet::new();
        for c in caps {
            if !set.insert(c) {
                return Err(CapabilityError::Duplicate(c));
            }
        }
        if set.is_empty() {
            return Err(CapabilityError::Empty);
        }
        if set.contains(&Capability::Evaluator) && set.contains(&Capability::ModelDeveloper) {
            return Err(CapabilityError::Conflict(
                Capability::Evaluator,
                Capability::ModelDeveloper,
                "an evaluator must be independent of the developers it assesses",
            ));
        }
        Ok(CapabilitySet(set))
    }
    pub fn contains(&self, c: Capability) -> bool {
        self.0.contains(&c)
    }
    pub fn iter(&self) -> impl Iterator<Item = Capability> + '_ {
        self.0.iter().copied()
    }
}

impl TryFrom<Vec<Capability>> for CapabilitySet {
    type Error = CapabilityError;
    fn try_from(v: Vec<Capability>) -> Result<Self, Self::Error> {
        CapabilitySet::new(v)
    }
}

impl From<CapabilitySet> for Vec<Capability> {
    fn from(s: CapabilitySet) -> Self {
        s.0.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capability_sets_are_validated() {
        use Capability::*;
        assert!(CapabilitySet::new([Finder, Vendor, ModelDeveloper]).is_ok());
        assert_eq!(CapabilitySet::new([]), Err(CapabilityError::Empty));
        assert_eq!(
            CapabilitySet::new([Finder, Finder]),
            Err(CapabilityError::Duplicate(Finder))
        );
        assert!(matches!(
            CapabilitySet::new([Evaluator, ModelDeveloper]),
            Err(CapabilityError::Conflict(..))
        ));
        let s: Result<CapabilitySet, _> = serde_json::from_str(r#"["finder","nope"]"#);
        assert!(s.is_err());
        let s: CapabilitySet = serde_json::from_str(r#"["vendor","finder"]"#).unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), r#"["finder","vendor"]"#);
    }

    #[test]
    fn enums_round_trip() {
        for s in Sector::ALL {
            assert_eq!(s.as_str().parse::<Sector>().unwrap(), *s);
        }
        for r in OrgRole::ALL {
            assert_eq!(r.as_str().parse::<OrgRole>().unwrap(), *r);
        }
        assert!(!OrgRole::ReadOnly.can_write());
    }
}
