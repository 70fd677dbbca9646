//! Campaigns: drafts and versions, the changes to them (with their effects, in one transaction), confirmations and the audit log they write.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::campaign::{Campaign, CampaignState, ConfirmationToken, PendingConfirmation};
use crate::domain::effects::{Actor, AuditAction, Effect};
use crate::domain::ids::{AccountId, CampaignId, CampaignName};

/// How a change touches the confirmation that drove it.
#[derive(Debug, Clone, Copy)]
pub enum ConfirmationWrite<'a> {
    None,
    /// Store a new pending confirmation (after finalize or a cancel request).
    Create(&'a PendingConfirmation),
    /// Spend a confirmation, recording what it did so a replay gets the same answer.
    Spend {
        token: &'a ConfirmationToken,
        outcome: &'a str,
    },
}

/// A campaign's new state and everything that goes with it, written in one transaction, and only
/// over `campaign.revision` (the revision the change was decided on).
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub campaign: &'a Campaign,
    pub effects: &'a [Effect],
    pub confirmation: ConfirmationWrite<'a>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct StoredConfirmation {
    pub pending: PendingConfirmation,
    /// Set once spent: the outcome recorded then.
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub account: AccountId,
    pub campaign: Option<(CampaignId, u32)>,
    pub actor: Actor,
    pub action: AuditAction,
    pub detail: String,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait CampaignStore: Send + Sync {
    /// Inserts a new campaign and returns it with its id; `NameTaken` if the name is in use.
    async fn create_campaign(&self, campaign: &Campaign) -> Result<Campaign, StoreError>;
    async fn campaign(
        &self,
        account: AccountId,
        name: &CampaignName,
    ) -> Result<Option<Campaign>, StoreError>;
    async fn campaign_by_id(&self, id: CampaignId) -> Result<Option<Campaign>, StoreError>;
    /// The campaign with `version` as its submission (an earlier one, to compare with).
    async fn campaign_at_version(
        &self,
        id: CampaignId,
        version: u32,
    ) -> Result<Option<Campaign>, StoreError>;
    async fn campaigns(
        &self,
        account: AccountId,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<Campaign>, StoreError>;
    async fn count_campaigns(&self, account: AccountId) -> Result<u64, StoreError>;
    /// Whether any campaign of the account ever had a confirmed version.
    async fn has_submissions(&self, account: AccountId) -> Result<bool, StoreError>;
    async fn commit(&self, change: Change<'_>) -> Result<(), StoreError>;
    async fn confirmation(
        &self,
        token: &ConfirmationToken,
    ) -> Result<Option<StoredConfirmation>, StoreError>;
    /// Campaigns of every account in one of `states`, least recently changed first.
    async fn campaigns_in_states(
        &self,
        states: &[CampaignState],
        limit: u32,
    ) -> Result<Vec<Campaign>, StoreError>;
    async fn audit_log(
        &self,
        account: Option<AccountId>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError>;
}
