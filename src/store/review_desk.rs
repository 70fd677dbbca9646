//! The moderators' desk beyond the queue itself: claims, refusal reasons kept for reuse, the
//! Discord names the bot saw, reminders in the moderators' channel, deployment settings.
use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::campaign::Refusal;
use crate::domain::ids::{AccountId, CampaignId, ListId, ModeratorName, UserId};
use crate::domain::review_desk::{CannedReason, Claim, ReasonLabel};

/// A version waiting long enough to remind the moderators of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewToRemind {
    pub campaign: CampaignId,
    pub version: u32,
    pub campaign_name: String,
    pub account_name: String,
    pub confirmed_at: DateTime<Utc>,
}

/// A change a moderator made to the console itself, as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleChange {
    pub moderator: ModeratorName,
    /// `reason_added`, `reason_changed`, `reason_deleted`.
    pub action: &'static str,
    pub detail: String,
}

/// A change logged by `log_change`, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedChange {
    pub moderator: ModeratorName,
    pub action: String,
    pub detail: String,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait ReviewDeskStore: Send + Sync {
    /// The last `limit` changes moderators made in the console, newest first.
    async fn console_changes(&self, limit: u32) -> Result<Vec<LoggedChange>, StoreError>;
    /// The claim on a campaign's latest version, live or not.
    async fn claim(&self, campaign: CampaignId) -> Result<Option<Claim>, StoreError>;
    /// Writes `claim` if the current one is still `expected` (`None`: there was none):
    /// `false` when another moderator's click changed it first.
    async fn put_claim(&self, claim: &Claim, expected: Option<&Claim>) -> Result<bool, StoreError>;
    /// Drops `moderator`'s claim on the campaign (after a decision).
    async fn release_claim(
        &self,
        campaign: CampaignId,
        moderator: &ModeratorName,
    ) -> Result<(), StoreError>;
    async fn canned_reasons(&self) -> Result<Vec<CannedReason>, StoreError>;
    /// Adds a reason (`id` `None`) or changes one, logged with `change`; `false` when the
    /// label is another reason's already.
    async fn save_canned_reason(
        &self,
        id: Option<i64>,
        label: &ReasonLabel,
        refusal: &Refusal,
        change: &ConsoleChange,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    async fn delete_canned_reason(
        &self,
        id: i64,
        change: &ConsoleChange,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Keeps the name a person goes by in a server, as the bot last saw it.
    async fn remember_name(
        &self,
        account: AccountId,
        user: UserId,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn names(
        &self,
        account: AccountId,
        users: &[UserId],
    ) -> Result<HashMap<UserId, String>, StoreError>;

    /// Versions confirmed before `waiting_since` still waiting for review, not reminded of
    /// since `reminded_before`, oldest first.
    async fn reviews_to_remind(
        &self,
        waiting_since: DateTime<Utc>,
        reminded_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ReviewToRemind>, StoreError>;
    async fn reminded(
        &self,
        campaign: CampaignId,
        version: u32,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    async fn deployment_setting(&self, name: &str) -> Result<Option<String>, StoreError>;
    async fn set_deployment_setting(&self, name: &str, value: &str) -> Result<(), StoreError>;

    /// Numbers in `after` and not in `before`, and the other way round.
    async fn list_difference(
        &self,
        before: ListId,
        after: ListId,
    ) -> Result<(u64, u64), StoreError>;
}
