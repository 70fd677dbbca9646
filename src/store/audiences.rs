//! Audiences: an account's named contact lists.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::audience::AudienceName;
use crate::domain::ids::{AccountId, AudienceId, ListId, UserId};

/// An audience as stored; its last import's report is kept as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudienceRecord {
    pub id: AudienceId,
    pub name: AudienceName,
    pub list: ListId,
    pub recipients: u64,
    pub report: String,
    pub imported_by: UserId,
    pub imported_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// What an import writes.
pub struct AudienceWrite<'a> {
    pub account: AccountId,
    pub name: &'a AudienceName,
    pub list: ListId,
    pub recipients: u64,
    pub report: &'a str,
    pub by: UserId,
    pub now: DateTime<Utc>,
}

#[async_trait]
pub trait AudienceStore: Send + Sync {
    /// A new audience; `None` when the name is taken.
    async fn create_audience(&self, a: AudienceWrite<'_>)
    -> Result<Option<AudienceId>, StoreError>;
    /// Points an audience at a new list, if it still points at `previous` (two imports at
    /// once: one wins, the other is told); `false` otherwise.
    async fn replace_audience_list(
        &self,
        id: AudienceId,
        previous: ListId,
        a: AudienceWrite<'_>,
    ) -> Result<bool, StoreError>;
    async fn audience_named(
        &self,
        account: AccountId,
        name: &AudienceName,
    ) -> Result<Option<AudienceRecord>, StoreError>;
    async fn audience(
        &self,
        account: AccountId,
        id: AudienceId,
    ) -> Result<Option<AudienceRecord>, StoreError>;
    /// The account's audiences by name.
    async fn audiences(&self, account: AccountId) -> Result<Vec<AudienceRecord>, StoreError>;
    /// `false` if there was none; its list goes with the next pruning unless a version uses it.
    async fn delete_audience(&self, account: AccountId, id: AudienceId)
    -> Result<bool, StoreError>;
}
