//! Identifiers and names that key Herald's records.
use std::fmt;

use serde::{Deserialize, Serialize};

/// A Discord server: each server is one Herald account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AccountId(pub u64);

/// A Discord user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UserId(pub u64);

/// A Discord channel, where a user can be answered when a DM is not possible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChannelId(pub u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CampaignId(pub i64);

/// An imported recipient list; lists are immutable once imported, so a submitted
/// version can point at one without copying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ListId(pub i64);

/// An account's audience (a contact list kept between campaigns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AudienceId(pub i64);

/// A Discord role (the server's sending role, its support role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoleId(pub u64);

/// A 1–5 survey offered to one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SurveyId(pub i64);

/// A support question waiting for the person's consent before its thread opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SupportRequestId(pub i64);

/// One message to one recipient (of a version, or a test), with its attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DeliveryId(pub i64);

/// A notification in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NotificationId(pub i64);

/// A public review someone shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReviewId(pub i64);

macro_rules! display_inner {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}
display_inner!(
    AccountId,
    UserId,
    ChannelId,
    CampaignId,
    ListId,
    RoleId,
    SurveyId,
    SupportRequestId,
    DeliveryId,
    NotificationId,
    ReviewId
);

/// A campaign's name: unique per account, compared without regard to case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CampaignName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CampaignNameError {
    #[error("a campaign needs a name: give it one, such as \"spring-sale\"")]
    Empty,
    #[error("\"{0}\" is too long for a campaign name: use at most 64 characters")]
    TooLong(String),
    #[error(
        "campaign names can't contain control characters: use letters, digits, spaces and punctuation"
    )]
    ControlCharacter,
}

impl CampaignName {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(input: &str) -> Result<CampaignName, CampaignNameError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(CampaignNameError::Empty);
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(CampaignNameError::TooLong(name.to_owned()));
        }
        if name.chars().any(char::is_control) {
            return Err(CampaignNameError::ControlCharacter);
        }
        Ok(CampaignName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form uniqueness is checked on.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for CampaignName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A console moderator's login name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ModeratorName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{0}\" can't be a moderator name: use 1 to 32 lowercase letters, digits, '.', '_' or '-'"
)]
pub struct InvalidModeratorName(pub String);

impl ModeratorName {
    pub const MAX_CHARS: usize = 32;

    pub fn parse(input: &str) -> Result<ModeratorName, InvalidModeratorName> {
        let name = input.trim();
        let valid = (1..=Self::MAX_CHARS).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if valid {
            Ok(ModeratorName(name.to_owned()))
        } else {
            // What was typed comes back in the message: a few characters more than any name
            // can hold are enough to recognise it.
            let shown: String = input.chars().take(Self::MAX_CHARS + 8).collect();
            Err(InvalidModeratorName(shown))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ModeratorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn campaign_names_are_trimmed_and_bounded() {
        assert_eq!(
            CampaignName::parse("  Spring Sale ").unwrap().as_str(),
            "Spring Sale"
        );
        assert_eq!(CampaignName::parse("Spring").unwrap().key(), "spring");
        assert_eq!(CampaignName::parse("   "), Err(CampaignNameError::Empty));
        assert!(matches!(
            CampaignName::parse(&"x".repeat(65)),
            Err(CampaignNameError::TooLong(_))
        ));
        assert!(CampaignName::parse(&"é".repeat(64)).is_ok());
        assert_eq!(
            CampaignName::parse("a\u{7}b"),
            Err(CampaignNameError::ControlCharacter)
        );
    }

    #[test]
    fn moderator_names_are_simple_logins() {
        assert!(ModeratorName::parse("alice.m").is_ok());
        assert!(ModeratorName::parse("Alice").is_err());
        assert!(ModeratorName::parse("").is_err());
        assert!(ModeratorName::parse("a b").is_err());
    }
}
