//! The opt-out (suppression) list: numbers an account must never send to again, and why.
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::effects::Actor;
use super::phone::PhoneNumber;

/// Why a number is on an account's opt-out list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OptOutReason {
    /// The recipient answered STOP (or a synonym): only a reason given by a person takes it off.
    Stop,
    /// Brought from another tool's list.
    Imported,
    /// Added by a person of the team, or an operator.
    Manual,
    /// The network said the number does not exist.
    PermanentFailure,
}

impl OptOutReason {
    const ALL: [OptOutReason; 4] = [
        OptOutReason::Stop,
        OptOutReason::Imported,
        OptOutReason::Manual,
        OptOutReason::PermanentFailure,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OptOutReason::Stop => "stop",
            OptOutReason::Imported => "imported",
            OptOutReason::Manual => "manual",
            OptOutReason::PermanentFailure => "permanent_failure",
        }
    }

    pub fn parse(s: &str) -> Option<OptOutReason> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// One number on an account's opt-out list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptOutEntry {
    #[serde(serialize_with = "e164")]
    pub phone: PhoneNumber,
    pub since: DateTime<Utc>,
    pub reason: OptOutReason,
    /// Who added it by hand; `None` for STOP replies and failures.
    pub by: Option<Actor>,
}

fn e164<S: serde::Serializer>(phone: &PhoneNumber, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(phone.as_e164())
}

/// Why a number can't be taken off the list as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptOutRemovalError {
    #[error("{0} is not on the opt-out list")]
    NotListed(PhoneNumber),
    /// The recipient asked for it: a person must say why it is lifted (kept in the audit log).
    #[error("{0} opted out by answering STOP: give the reason for removing it")]
    StopNeedsReason(PhoneNumber),
}

/// Whether `entry` may be taken off the list with `reason` (a person's words, if any).
pub fn check_removal(entry: &OptOutEntry, reason: Option<&str>) -> Result<(), OptOutRemovalError> {
    let given = reason.is_some_and(|r| !r.trim().is_empty());
    if entry.reason == OptOutReason::Stop && !given {
        return Err(OptOutRemovalError::StopNeedsReason(entry.phone.clone()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(reason: OptOutReason) -> OptOutEntry {
        OptOutEntry {
            phone: PhoneNumber::from_e164("+33612345678").unwrap(),
            since: DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
            reason,
            by: None,
        }
    }

    #[test]
    fn reasons_round_trip() {
        for r in OptOutReason::ALL {
            assert_eq!(OptOutReason::parse(r.as_str()), Some(r));
        }
        assert_eq!(OptOutReason::parse("STOP"), None);
    }

    #[test]
    fn a_stop_is_lifted_only_with_a_reason() {
        let stop = entry(OptOutReason::Stop);
        for missing in [None, Some(""), Some("  ")] {
            assert!(matches!(
                check_removal(&stop, missing),
                Err(OptOutRemovalError::StopNeedsReason(_))
            ));
        }
        assert_eq!(check_removal(&stop, Some("asked again by phone")), Ok(()));
        assert_eq!(check_removal(&entry(OptOutReason::Manual), None), Ok(()));
    }
}
