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

impl Notice {
    /// The notice with this text, identified by `version` and the text's SHA-256.
    pub fn of(version: String, text: &str) -> Notice {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Notice { version, hash }
    }
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
    fn a_notice_is_known_by_its_version_and_hash() {
        let notice = Notice::of("v1".into(), "abc");
        assert_eq!(notice.version, "v1");
        assert_eq!(
            notice.hash,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
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
