//! Accounts (one per Discord server) and their credit ledger.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::account::Account;
use crate::domain::credits::{Balance, LedgerKind};
use crate::domain::effects::{AuditEntry, Effect};
use crate::domain::ids::{AccountId, CampaignId};
use crate::store::Credits;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LedgerLine {
    pub id: i64,
    pub kind: LedgerKind,
    pub amount: Credits,
    pub campaign: Option<(CampaignId, u32)>,
    pub reason: Option<String>,
    pub balance_after: Balance,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn account(&self, id: AccountId) -> Result<Option<(Account, Balance)>, StoreError>;
    /// Creates the account unless it exists.
    async fn create_account(&self, account: &Account, now: DateTime<Utc>)
    -> Result<(), StoreError>;
    async fn update_account(
        &self,
        account: &Account,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Applies ledger and audit effects that concern no campaign (a top-up); returns the new balance.
    async fn apply_account_effects(
        &self,
        account: AccountId,
        effects: &[Effect],
        now: DateTime<Utc>,
    ) -> Result<Balance, StoreError>;
    /// The account's ledger lines, newest first, older than line `before` when given.
    async fn ledger_lines(
        &self,
        account: AccountId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<LedgerLine>, StoreError>;
    /// Every ledger line of a campaign (all its versions), newest first.
    async fn campaign_ledger(&self, campaign: CampaignId) -> Result<Vec<LedgerLine>, StoreError>;
}
