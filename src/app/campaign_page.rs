//! A campaign's page in the console: its versions and decisions, what its latest version did
//! over time and step by step, and the credit it moved.
use crate::domain::campaign::Campaign;
use crate::domain::delivery::DeliveryCounts;
use crate::domain::ids::CampaignId;
use crate::store::{AuditRecord, Funnel, LedgerLine, Timeline};

use super::{App, AppError};

/// Buckets of the delivery curve.
pub const TIMELINE_BUCKETS: u32 = 48;
const AUDIT_LINES: u32 = 200;
const BOUNCE_REASONS: u32 = 10;

#[derive(Debug, Clone)]
pub struct CampaignPage {
    pub campaign: Campaign,
    pub account_name: String,
    /// Submissions, decisions and sending, oldest first.
    pub audit: Vec<AuditRecord>,
    /// The latest version's figures, once it started sending.
    pub sent: Option<SentFigures>,
    /// The campaign's reservations, debits and refunds, newest first.
    pub ledger: Vec<LedgerLine>,
}

#[derive(Debug, Clone)]
pub struct SentFigures {
    pub version: u32,
    pub counts: DeliveryCounts,
    pub funnel: Funnel,
    pub timeline: Timeline,
    pub bounce_reasons: Vec<(String, u64)>,
}

impl App {
    pub async fn campaign_page(&self, id: CampaignId) -> Result<CampaignPage, AppError> {
        let campaign = self
            .store
            .campaign_by_id(id)
            .await?
            .ok_or_else(|| AppError::UnknownCampaign(format!("#{}", id.0)))?;
        let account_name = self
            .store
            .account(campaign.account)
            .await?
            .map_or_else(|| campaign.account.to_string(), |(a, _)| a.name);
        let audit = self.store.campaign_audit(id, AUDIT_LINES).await?;
        let sent = match campaign
            .submission
            .as_ref()
            .filter(|s| s.started_at.is_some())
        {
            Some(s) => Some(SentFigures {
                version: s.version,
                counts: self.store.delivery_counts(id, s.version).await?,
                funnel: self.store.funnel(id, s.version).await?,
                timeline: self
                    .store
                    .delivery_timeline(id, s.version, TIMELINE_BUCKETS)
                    .await?,
                bounce_reasons: self
                    .store
                    .bounce_reasons(id, s.version, BOUNCE_REASONS)
                    .await?,
            }),
            None => None,
        };
        let ledger = self.store.campaign_ledger(id).await?;
        Ok(CampaignPage {
            campaign,
            account_name,
            audit,
            sent,
            ledger,
        })
    }
}
