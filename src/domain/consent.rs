//! Consent to be contacted by the team: recorded append-only, with the notice it answered.
use serde::{Deserialize, Serialize};

use super::ids::{AccountId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentPurpose {
    SupportChat,
    PublicReview,
}

impl ConsentPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentPurpose::SupportChat => "support_chat",
            ConsentPurpose::PublicReview => "public_review",
        }
    }
    pub fn parse(s: &str) -> Option<ConsentPurpose> {
        match s {
            "support_chat" => Some(ConsentPurpose::SupportChat),
            "public_review" => Some(ConsentPurpose::PublicReview),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentDecision {
    Granted,
    Declined,
    Withdrawn,
}

impl ConsentDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentDecision::Granted => "granted",
            ConsentDecision::Declined => "declined",
            ConsentDecision::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<ConsentDecision> {
        match s {
            "granted" => Some(ConsentDecision::Granted),
            "declined" => Some(ConsentDecision::Declined),
            "withdrawn" => Some(ConsentDecision::Withdrawn),
            _ => None,
        }
    }
}

/// The notice a person was shown, identified so the exact text can be proven later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub version: String,
    /// Hex SHA-256 of the notice text, computed by whoever shows it.
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub account: AccountId,
    pub user: UserId,
    pub purpose: ConsentPurpose,
    pub notice: Notice,
    pub decision: ConsentDecision,
    pub interaction: Option<String>,
}

/// Whether consent stands now: the latest decision wins, and only a grant counts.
pub fn is_granted<'a>(
    history: impl IntoIterator<Item = &'a ConsentRecord>,
    purpose: ConsentPurpose,
) -> bool {
    history
        .into_iter()
        .filter(|r| r.purpose == purpose)
        .last()
        .is_some_and(|r| r.decision == ConsentDecision::Granted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(decision: ConsentDecision) -> ConsentRecord {
        ConsentRecord {
            account: AccountId(1),
            user: UserId(2),
            purpose: ConsentPurpose::SupportChat,
            notice: Notice {
                version: "1".into(),
                hash: "ab".into(),
            },
            decision,
            interaction: None,
        }
    }

    #[test]
    fn the_latest_decision_wins() {
        use ConsentDecision::*;
        assert!(!is_granted(&[], ConsentPurpose::SupportChat));
        assert!(is_granted(
            &[record(Declined), record(Granted)],
            ConsentPurpose::SupportChat
        ));
        assert!(!is_granted(
            &[record(Granted), record(Withdrawn)],
            ConsentPurpose::SupportChat
        ));
        assert!(!is_granted(
            &[record(Granted)],
            ConsentPurpose::PublicReview
        ));
    }
}
