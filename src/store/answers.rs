//! Answers sent from a number's thread: written and priced, confirmed (queued and paid for in
//! one transaction), then followed until their status is final.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::answer::Answer;
use crate::domain::campaign::ConfirmationToken;
use crate::domain::credits::Credits;
use crate::domain::delivery::DeliveryStatus;
use crate::domain::effects::Effect;
use crate::domain::ids::{AccountId, ChannelId, UserId};

/// Who a replies thread is with, and the message the number last got from the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadContact {
    pub account: AccountId,
    pub phone: String,
    /// The sender of that message (a test's own, or its version's).
    pub answered_sender: Option<String>,
}

/// An answer as stored, confirmed or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub id: i64,
    pub account: AccountId,
    pub answer: Answer,
    pub confirmed: bool,
}

/// A confirmed answer whose thread message does not show its status yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerUpdate {
    pub id: i64,
    pub account: AccountId,
    pub thread: ChannelId,
    /// The thread message showing its status, once posted.
    pub message: Option<u64>,
    pub written_by: UserId,
    pub body: String,
    pub cost: Credits,
    pub status: DeliveryStatus,
    pub due_at: DateTime<Utc>,
    /// Pending until a later time: its number's sending window is closed (set by `app`).
    pub waiting_for_window: bool,
    /// The gateway's reason, for a bounce.
    pub error: Option<String>,
    pub refunded: bool,
    /// What the message will show, to be recorded once it does.
    pub shown: String,
    /// Until when this claim holds: what it shows is recorded only while it does.
    pub claimed_until: DateTime<Utc>,
}

#[async_trait]
pub trait AnswerStore {
    /// The number a replies thread is with, if `thread` is one.
    async fn thread_contact(&self, thread: ChannelId) -> Result<Option<ThreadContact>, StoreError>;
    async fn save_answer(
        &self,
        account: AccountId,
        thread: ChannelId,
        answer: &Answer,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn answer(&self, token: &ConfirmationToken) -> Result<Option<StoredAnswer>, StoreError>;
    /// Spends the answer's confirmation: writes `effects` (its credit), queues its message to
    /// the number and counts it on the message it answers, in one transaction. `false` when
    /// it was confirmed already (nothing written).
    async fn confirm_answer(
        &self,
        id: i64,
        account: AccountId,
        effects: &[Effect],
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Confirmed answers whose status changed since their thread message last showed it, each
    /// claimed until `lease_until` (several processes never post one twice), oldest first.
    async fn claim_answer_updates(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<AnswerUpdate>, StoreError>;
    /// The thread message `message` shows `update.shown` now (`None`: it can't be shown; the
    /// message stays as it was), if the claim still holds.
    async fn answer_shown(
        &self,
        update: &AnswerUpdate,
        message: Option<u64>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Deletes answers never confirmed whose confirmation expired before `before`.
    async fn forget_unconfirmed_answers(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
}
