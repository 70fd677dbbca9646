//! What the moderation console reads and writes beyond the campaigns themselves: sessions,
//! failed logins, the review queue, the decision history and the dashboard's figures.
use crate::domain::consent::ConsentDecision;
use crate::domain::consent::ConsentPurpose;
use crate::domain::effects::Actor;
use crate::domain::effects::AuditAction;
use crate::domain::rating::Rating;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{AuditRecord, StoreError};
use crate::domain::account::Account;
use crate::domain::campaign::{Campaign, RefusalCode, Reviewer};
use crate::domain::credits::Balance;
use crate::domain::ids::{CampaignId, ModeratorName, ReviewId};
use crate::domain::sign_in::SignInLimits;

/// A signed-in moderator's session. The cookie carries the token; the store keeps its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub moderator: ModeratorName,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A version waiting for review, with what a moderator needs beside it.
#[derive(Debug, Clone)]
pub struct PendingReview {
    pub campaign: Campaign,
    pub account_name: String,
    /// Earlier versions of the same campaign that were refused, oldest first.
    pub refusals: Vec<PastRefusal>,
    /// Who is reviewing it now, if anyone.
    pub claim: Option<crate::domain::review_desk::Claim>,
}

/// Which waiting versions the queue shows; every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub account: Option<crate::domain::ids::AccountId>,
    pub flag: Option<crate::domain::compliance::FlagKind>,
    /// Confirmed before this instant: waiting longer than some time.
    pub confirmed_before: Option<DateTime<Utc>>,
    /// Scheduled to send within `[from, until)`.
    pub send_from: Option<DateTime<Utc>>,
    pub send_until: Option<DateTime<Utc>>,
    /// Found in the campaign's or the account's name (case-insensitive).
    pub search: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastRefusal {
    pub version: u32,
    pub code: RefusalCode,
    pub text: String,
    pub by: Reviewer,
    pub at: DateTime<Utc>,
}

/// A public review, as moderators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    pub id: ReviewId,
    pub account: crate::domain::ids::AccountId,
    pub user: crate::domain::ids::UserId,
    pub rating: Rating,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// Who unpublished it, and when.
    pub unpublished: Option<(ModeratorName, DateTime<Utc>)>,
}

/// Which review decisions the history shows.
#[derive(Debug, Clone, Default)]
pub struct DecisionFilter {
    /// Of this account only.
    pub account: Option<crate::domain::ids::AccountId>,
    /// Decided by this moderator, or with `Actor::System` automatically.
    pub decided_by: Option<Actor>,
    /// `Approved` or `Refused`.
    pub outcome: Option<AuditAction>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// One sign-in attempt: where it comes from, the name tried when it can be a moderator's, and
/// the id its reservation is kept under.
#[derive(Debug, Clone, Copy)]
pub struct SignInAttempt<'a> {
    pub id: &'a str,
    pub address: &'a str,
    pub name: Option<&'a ModeratorName>,
    pub at: DateTime<Utc>,
}

impl SignInAttempt<'_> {
    pub fn address_subject(&self) -> String {
        format!("address:{}", self.address)
    }

    pub fn name_subject(&self) -> Option<String> {
        self.name.map(|n| format!("moderator:{n}"))
    }
}

#[async_trait]
pub trait ConsoleStore: Send + Sync {
    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError>;
    /// The session with this token hash, if it has not expired at `now`.
    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>, StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Forgets expired sessions and failed logins older than `failures_before`.
    async fn prune_console(
        &self,
        now: DateTime<Utc>,
        failures_before: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Counts the failures since `since` for the address and the name and, if `limits` allow
    /// another attempt, records one for each under `attempt`, all in one transaction that
    /// concurrent reservations for the same address or name wait for. Returns whether the
    /// attempt may go on.
    async fn reserve_sign_in(
        &self,
        attempt: &SignInAttempt<'_>,
        since: DateTime<Utc>,
        limits: SignInLimits,
    ) -> Result<bool, StoreError>;
    /// The password was right: forgets the attempt's reservation and the name's failures.
    async fn sign_in_succeeded(&self, attempt: &SignInAttempt<'_>) -> Result<(), StoreError>;

    /// How many waiting versions the filter keeps.
    async fn pending_count(&self, filter: &QueueFilter) -> Result<u64, StoreError>;
    /// Waiting versions the filter keeps, oldest first, with their live claims at `now`.
    async fn pending_reviews(
        &self,
        filter: &QueueFilter,
        now: DateTime<Utc>,
        offset: u64,
        limit: u32,
    ) -> Result<Vec<PendingReview>, StoreError>;
    /// The oldest version the filter keeps, but `skip`, that nobody else holds at `now`.
    async fn next_unclaimed(
        &self,
        moderator: &ModeratorName,
        filter: &QueueFilter,
        skip: Option<CampaignId>,
        now: DateTime<Utc>,
    ) -> Result<Option<CampaignId>, StoreError>;
    async fn past_refusals(&self, campaign: CampaignId) -> Result<Vec<PastRefusal>, StoreError>;

    /// Review decisions (moderators' and automatic), newest first.
    async fn decisions(
        &self,
        filter: &DecisionFilter,
        offset: u64,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError>;
    /// (confirmed, decided) times of the versions decided since `since`.
    async fn review_waits(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>, StoreError>;

    async fn accounts(&self, limit: u32) -> Result<Vec<(Account, Balance)>, StoreError>;
    /// How many ratings of 1, 2, 3, 4 and 5.
    async fn rating_counts(&self) -> Result<[u64; 5], StoreError>;
    /// Every rating given since `since`: (rating, when).
    async fn ratings_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(Rating, DateTime<Utc>)>, StoreError>;
    /// Public reviews, newest first.
    async fn reviews(&self, limit: u32) -> Result<Vec<ReviewRecord>, StoreError>;
    /// False when there is no such review or it was already unpublished.
    async fn unpublish_review(
        &self,
        id: ReviewId,
        by: &ModeratorName,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// How many consent records per (purpose, decision).
    async fn consent_counts(
        &self,
    ) -> Result<Vec<(ConsentPurpose, ConsentDecision, u64)>, StoreError>;
}
