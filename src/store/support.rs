//! Support conversations, and a person's data for export and erasure.
use crate::domain::rating::Rating;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::ids::{AccountId, UserId};
use crate::domain::ids::{RoleId, SupportRequestId};

/// Where a server's support conversations open, and who answers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SupportSettings {
    pub channel: Option<u64>,
    pub role: Option<RoleId>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SupportThread {
    pub thread: u64,
    pub account: AccountId,
    pub user: UserId,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A person's ratings, surveys answered and reviews, for export.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RatingData {
    pub subject: serde_json::Value,
    pub rating: Rating,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReviewData {
    pub rating: Rating,
    pub body: String,
    pub at: DateTime<Utc>,
    pub unpublished: bool,
}

#[async_trait]
pub trait SupportStore: Send + Sync {
    async fn support_settings(&self, account: AccountId) -> Result<SupportSettings, StoreError>;
    async fn set_support_settings(
        &self,
        account: AccountId,
        settings: SupportSettings,
    ) -> Result<(), StoreError>;
    async fn add_support_request(
        &self,
        account: AccountId,
        user: UserId,
        question: &str,
        now: DateTime<Utc>,
    ) -> Result<SupportRequestId, StoreError>;
    /// Removes and returns `user`'s pending question `id`: (account, question).
    async fn take_support_request(
        &self,
        id: SupportRequestId,
        user: UserId,
    ) -> Result<Option<(AccountId, String)>, StoreError>;
    async fn add_support_thread(&self, thread: &SupportThread) -> Result<(), StoreError>;
    async fn support_thread(&self, thread: u64) -> Result<Option<SupportThread>, StoreError>;
    /// False when it was already closed.
    async fn close_support_thread(
        &self,
        thread: u64,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    async fn support_threads_of(
        &self,
        account: AccountId,
        user: UserId,
    ) -> Result<Vec<SupportThread>, StoreError>;
    async fn ratings_of(
        &self,
        account: AccountId,
        user: UserId,
    ) -> Result<Vec<RatingData>, StoreError>;
    async fn reviews_of(
        &self,
        account: AccountId,
        user: UserId,
    ) -> Result<Vec<ReviewData>, StoreError>;
    /// Erases `user`'s personal data in `account`: reviews, pending questions and preferences
    /// go; ratings, surveys and threads stay as anonymous counts (user 0); consent records stay
    /// as the proof the law asks for.
    async fn erase_personal_data(&self, account: AccountId, user: UserId)
    -> Result<(), StoreError>;
}
