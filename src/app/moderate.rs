//! Moderators approve or refuse the version waiting for review.
use chrono::{DateTime, Utc};

use crate::domain::campaign::{Campaign, CampaignError, Refusal, RefusalCode, Transition};
use crate::domain::ids::{CampaignId, ModeratorName};

use super::{App, AppError, CampaignStatus};

/// What a moderator decides.
#[derive(Debug, Clone)]
pub enum Decision {
    Approve,
    Refuse { code: RefusalCode, reason: String },
}

impl App {
    /// Decides on `version` of a campaign. When another moderator decided first, the answer is
    /// "already approved/refused by X at T" and nothing changes.
    #[tracing::instrument(skip_all, fields(campaign = campaign.0, version = version, moderator = %moderator))]
    pub async fn decide(
        &self,
        campaign: CampaignId,
        version: u32,
        moderator: &ModeratorName,
        decision: Decision,
    ) -> Result<CampaignStatus, AppError> {
        let refusal = match &decision {
            Decision::Approve => None,
            Decision::Refuse { code, reason } => Some(Refusal::new(*code, reason)?),
        };
        let decide = |c: &Campaign, now: DateTime<Utc>| -> Result<Transition, CampaignError> {
            match &refusal {
                None => c.approve(version, moderator, now),
                Some(r) => c.refuse(version, r.clone(), moderator, now),
            }
        };
        retry_on_busy!({
            let c = self
                .store
                .campaign_by_id(campaign)
                .await?
                .ok_or_else(|| AppError::UnknownCampaign(campaign.to_string()))?;
            self.decide_and_commit(&c, &decide).await
        })
    }

    /// The id of a campaign by name, for tools that address campaigns by name.
    #[tracing::instrument(skip_all, fields(server = account.0, campaign = name))]
    pub async fn campaign_id(
        &self,
        account: crate::domain::ids::AccountId,
        name: &str,
    ) -> Result<(CampaignId, Option<u32>), AppError> {
        let c = self.campaign_named(account, name).await?;
        Ok((c.id, c.submission.as_ref().map(|s| s.version)))
    }
}
