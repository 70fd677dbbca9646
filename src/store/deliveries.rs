//! One delivery per recipient of a version (or test number): claims, reports, counts.
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::delivery::{DeliveryCounts, DeliveryStatus, Message, SkipReason, Step};
use crate::domain::ids::{AccountId, CampaignId, DeliveryId};
use crate::domain::results::RecipientResult;
use crate::domain::short_links::LinkBase;
use crate::domain::window::Destination;

/// An attempt claimed for the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryJob {
    pub id: DeliveryId,
    pub attempt: u32,
    pub phone: String,
    /// Its version's message (or the test's), shared with the other jobs of the claim; `None`
    /// when the stored text can't be read back, which fails the message, not the claim.
    pub message: Option<Arc<Message>>,
    /// Where the message's links are shortened to before it goes; `None`: as written.
    pub short_links: Option<Arc<LinkBase>>,
    /// Its recipient's message can't be written (see `SkipReason::LeftOut`): not sent.
    pub left_out: bool,
    pub started_at: DateTime<Utc>,
    pub window: WindowOf,
    /// When it was claimed: it must reach the gateway within the claim's margin.
    pub claimed_at: DateTime<Utc>,
}

/// What a message's sending window depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowOf {
    pub account: AccountId,
    /// Where the phone is; `None` for messages queued before destinations were kept (worked
    /// out from the number).
    pub destination: Option<Destination>,
    /// A test message its owner chose to send at once, outside the window.
    pub exempt: bool,
    /// A test message: it waits for its window however long (see `RetryPolicy::gate`).
    pub test: bool,
}

/// A claimed attempt the sending window holds back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowHold {
    pub id: DeliveryId,
    /// Waiting again, its attempt uncounted, until then (a first attempt's retry window
    /// restarting there with `restart`); `None`: not sent, for good.
    pub until: Option<DateTime<Utc>>,
    pub restart: bool,
}

/// Where one delivery stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: DeliveryId,
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
    pub window: WindowOf,
}

#[async_trait]
pub trait DeliveryStore: Send + Sync {
    /// Claims up to `limit` due attempts, each counted and committed before it is sent.
    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DeliveryJob>, StoreError>;
    /// Claimed attempts to numbers that opted out meanwhile: not sent (`skipped`), their
    /// attempt uncounted.
    async fn skip_deliveries(
        &self,
        ids: &[DeliveryId],
        reason: SkipReason,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// A version's recipients' outcomes in queueing order, from after delivery `after_id`
    /// (exclusive), `limit` at a time, with the id of the last one.
    async fn recipient_results(
        &self,
        campaign: CampaignId,
        version: u32,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<(i64, RecipientResult)>, StoreError>;
    /// The stored values of a version's messages paid for and not sent (opted out, stopped,
    /// outside sending hours), to price their refund; the left out were never paid for.
    async fn unsent_fields(
        &self,
        campaign: CampaignId,
        version: u32,
    ) -> Result<Vec<Option<String>>, StoreError>;
    /// Gives claimed attempts back to the sending window (see [`WindowHold`]).
    async fn hold_deliveries(
        &self,
        holds: &[WindowHold],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn delivery(&self, id: DeliveryId) -> Result<Option<DeliveryRecord>, StoreError>;
    /// Submitted attempts whose wait for a report ran out.
    async fn overdue_submissions(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>, StoreError>;
    /// Applies `step` if the delivery is still at `from` (status, attempt); false otherwise.
    async fn update_delivery(
        &self,
        id: DeliveryId,
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
    /// A version's messages still to go (pending or retrying), counted by destination (`None`:
    /// queued before destinations were kept).
    async fn unsent_by_destination(
        &self,
        campaign: CampaignId,
        version: u32,
    ) -> Result<Vec<(Option<Destination>, u64)>, StoreError>;
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
    /// The key stored under `name`, storing `candidate` first if there is none: every process
    /// gets the same key.
    async fn server_key(&self, name: &str, candidate: &str) -> Result<String, StoreError>;
}
