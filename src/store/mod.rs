//! Persistence: one `Store` trait; the SQL behind it lives only in this folder.
//!
//! Both engines go through sqlx's `Any` driver with one set of queries written in the SQL both
//! understand (`$n` placeholders, `RETURNING`, `ON CONFLICT`); where they differ, `Engine` says
//! which text to use. Each engine has its own migrations (`migrations/sqlite`, `migrations/postgres`).
use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::account::Account;
use crate::domain::campaign::{Campaign, CampaignState, ConfirmationToken, PendingConfirmation};
use crate::domain::consent::ConsentRecord;
use crate::domain::credits::{Balance, Credits, LedgerKind};
use crate::domain::delivery::{DeliveryCounts, DeliveryStatus, Step};
use crate::domain::effects::{AuditEntry, Effect, Notification};
use crate::domain::ids::{AccountId, CampaignId, CampaignName, ListId, ModeratorName};
use crate::domain::phone::PhoneNumber;
use crate::domain::rating::RatingRecord;
use crate::domain::recipients::Recipient;

mod console;
mod rows;
mod sql;
mod support;
mod surveys;

pub use console::{
    ConsoleStore, DecisionFilter, PastRefusal, PendingReview, ReviewRecord, SessionRecord,
    SignInAttempt,
};
pub use support::{RatingData, ReviewData, SupportSettings, SupportStore, SupportThread};
pub use surveys::{SurveySettings, SurveyStore};

pub use sql::SqlStore;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

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

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone else changed the record first (optimistic concurrency).
    #[error("the record was changed by someone else first")]
    Conflict,
    #[error("a campaign named \"{0}\" already exists in this account")]
    NameTaken(String),
    #[error("moderator \"{0}\" already exists")]
    ModeratorExists(String),
    #[error("not enough credit: {needed} needed, {available} available")]
    InsufficientCredit { needed: Credits, available: Credits },
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("unsupported database URL \"{0}\": use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("could not prepare the data directory: {0}")]
    Io(#[from] std::io::Error),
}

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
pub struct LedgerLine {
    pub id: i64,
    pub kind: LedgerKind,
    pub amount: Credits,
    pub campaign: Option<(CampaignId, u32)>,
    pub reason: Option<String>,
    pub balance_after: Balance,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    pub notification: Notification,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub account: AccountId,
    pub campaign: Option<(CampaignId, u32)>,
    pub actor: String,
    pub action: String,
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// An attempt claimed for the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryJob {
    pub id: i64,
    pub attempt: u32,
    pub phone: String,
    pub body: String,
    pub sender: String,
    pub started_at: DateTime<Utc>,
}

/// Where one delivery stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: i64,
    pub campaign: CampaignId,
    /// `None`: a test message.
    pub version: Option<u32>,
    pub phone: String,
    pub status: DeliveryStatus,
    pub attempt: u32,
    /// The network acknowledged the current attempt (a final report will follow).
    pub acknowledged: bool,
    pub due_at: DateTime<Utc>,
    pub started_at: DateTime<Utc>,
    pub error: Option<String>,
}

#[async_trait]
pub trait Store: ConsoleStore + SurveyStore + SupportStore + Send + Sync + 'static {
    fn engine(&self) -> Engine;

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
    async fn ledger_lines(
        &self,
        account: AccountId,
        limit: u32,
    ) -> Result<Vec<LedgerLine>, StoreError>;

    /// Inserts a new campaign and returns it with its id; `NameTaken` if the name is in use.
    async fn create_campaign(&self, campaign: &Campaign) -> Result<Campaign, StoreError>;
    async fn campaign(
        &self,
        account: AccountId,
        name: &CampaignName,
    ) -> Result<Option<Campaign>, StoreError>;
    async fn campaign_by_id(&self, id: CampaignId) -> Result<Option<Campaign>, StoreError>;
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

    async fn new_recipient_list(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
    ) -> Result<ListId, StoreError>;
    /// Appends recipients at positions `first_position..`; lists are written once, then frozen.
    async fn append_recipients(
        &self,
        list: ListId,
        first_position: u64,
        batch: &[Recipient],
    ) -> Result<(), StoreError>;
    async fn drop_recipient_list(&self, list: ListId) -> Result<(), StoreError>;
    /// Deletes lists created before `created_before` that no draft or version points at
    /// (replaced drafts, imports cut short by a crash); returns how many went.
    async fn prune_recipient_lists(&self, created_before: DateTime<Utc>)
    -> Result<u64, StoreError>;
    /// Recipients of a list in file order, from `after_position` (exclusive).
    async fn recipients(
        &self,
        list: ListId,
        after_position: i64,
        limit: u32,
    ) -> Result<Vec<(i64, Recipient)>, StoreError>;
    async fn opted_out(&self, account: AccountId) -> Result<HashSet<String>, StoreError>;
    /// The accounts with a message (campaign or test) to this number.
    async fn accounts_that_sent_to(
        &self,
        phone: &PhoneNumber,
    ) -> Result<Vec<AccountId>, StoreError>;
    async fn add_opt_out(
        &self,
        account: AccountId,
        phone: &PhoneNumber,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    async fn undelivered_notifications(&self, limit: u32) -> Result<Vec<OutboxItem>, StoreError>;
    /// Claims up to `limit` undelivered notifications nobody holds, for `lease_until`: several
    /// processes draining one outbox never hold the same one at once.
    async fn claim_notifications(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<OutboxItem>, StoreError>;
    /// Gives a claimed notification back, to be tried again from `retry_at`.
    async fn defer_notification(&self, id: i64, retry_at: DateTime<Utc>) -> Result<(), StoreError>;
    async fn mark_notification_delivered(
        &self,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn audit_log(
        &self,
        account: Option<AccountId>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError>;

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

    /// Claims up to `limit` due attempts, each counted and committed before it is sent.
    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DeliveryJob>, StoreError>;
    async fn delivery(&self, id: i64) -> Result<Option<DeliveryRecord>, StoreError>;
    /// Submitted attempts whose wait for a report ran out.
    async fn overdue_submissions(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>, StoreError>;
    /// Applies `step` if the delivery is still at `from` (status, attempt); false otherwise.
    async fn update_delivery(
        &self,
        id: i64,
        from: (DeliveryStatus, u32),
        step: &Step,
        acknowledged: bool,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    async fn delivery_counts(
        &self,
        campaign: CampaignId,
        version: u32,
    ) -> Result<DeliveryCounts, StoreError>;
    /// Campaigns of every account in one of `states`, least recently changed first.
    async fn campaigns_in_states(
        &self,
        states: &[CampaignState],
        limit: u32,
    ) -> Result<Vec<Campaign>, StoreError>;
    /// The key stored under `name`, storing `candidate` first if there is none: every process
    /// gets the same key.
    async fn server_key(&self, name: &str, candidate: &str) -> Result<String, StoreError>;
    /// The test messages sent for a campaign, oldest first.
    async fn test_deliveries(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<DeliveryRecord>, StoreError>;
    /// Every message of a version, in list order.
    async fn deliveries_of(
        &self,
        campaign: CampaignId,
        version: u32,
    ) -> Result<Vec<DeliveryRecord>, StoreError>;
}

/// Opens (creating and migrating if needed) the store a URL names: `sqlite://PATH` or
/// `postgres://…`.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    Ok(Arc::new(SqlStore::open(url).await?))
}
