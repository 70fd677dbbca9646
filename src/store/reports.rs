//! What a campaign's page shows: its decisions, its deliveries over time, its funnel.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{AuditRecord, StoreError};
use crate::domain::ids::CampaignId;

/// Final outcomes of a version over time, in equal buckets from its first to its last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// Per bucket, in order: messages delivered and bounced then.
    pub buckets: Vec<(u64, u64)>,
}

/// From the list to the clicks: each step counts recipients.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Funnel {
    pub recipients: u64,
    /// Handed to the gateway at least once.
    pub submitted: u64,
    pub delivered: u64,
    /// Tapped a short link at least once.
    pub clicked: u64,
    pub clicks: u64,
}

#[async_trait]
pub trait ReportStore {
    /// The campaign's audit entries (submissions, decisions, sending), oldest first.
    async fn campaign_audit(
        &self,
        campaign: CampaignId,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError>;
    async fn delivery_timeline(
        &self,
        campaign: CampaignId,
        version: u32,
        buckets: u32,
    ) -> Result<Timeline, StoreError>;
    async fn funnel(&self, campaign: CampaignId, version: u32) -> Result<Funnel, StoreError>;
    /// Bounces by what the gateway or the network said, most first.
    async fn bounce_reasons(
        &self,
        campaign: CampaignId,
        version: u32,
        limit: u32,
    ) -> Result<Vec<(String, u64)>, StoreError>;
}
