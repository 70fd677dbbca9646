//! Moderators, per-user settings, consent records and ratings.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::consent::ConsentRecord;
use crate::domain::ids::{AccountId, ModeratorName};
use crate::domain::rating::RatingRecord;

/// A per-user preference, kept across servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserSetting {
    /// The IANA zone scheduled sends default to.
    Zone,
    /// The language the user last used with the bot, for notifications.
    Locale,
}

impl UserSetting {
    pub(crate) fn column(self) -> &'static str {
        match self {
            UserSetting::Zone => "zone",
            UserSetting::Locale => "locale",
        }
    }
}

#[async_trait]
pub trait PeopleStore: Send + Sync {
    async fn add_moderator(
        &self,
        name: &ModeratorName,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn moderator_password_hash(
        &self,
        name: &ModeratorName,
    ) -> Result<Option<String>, StoreError>;
    async fn user_setting(
        &self,
        user: crate::domain::ids::UserId,
        setting: UserSetting,
    ) -> Result<Option<String>, StoreError>;
    async fn set_user_setting(
        &self,
        user: crate::domain::ids::UserId,
        setting: UserSetting,
        value: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn append_consent(
        &self,
        record: &ConsentRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn consents(
        &self,
        account: AccountId,
        user: crate::domain::ids::UserId,
    ) -> Result<Vec<(ConsentRecord, DateTime<Utc>)>, StoreError>;
    async fn add_rating(&self, record: &RatingRecord, now: DateTime<Utc>)
    -> Result<(), StoreError>;
}
