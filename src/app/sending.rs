//! The scheduler's use case: starts approved campaigns when their time comes (or holds them for
//! credit), resumes held ones once the account is reloaded, and completes those whose every
//! message has its outcome.
use crate::domain::campaign::{Campaign, CampaignError, CampaignState};

use super::{App, AppError};

/// What one pass of the scheduler did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchedulerPass {
    pub started: usize,
    pub held: usize,
    pub completed: usize,
}

const PER_PASS: u32 = 1000;

impl App {
    /// One pass over the campaigns that may move on; run it every second.
    #[tracing::instrument(skip_all, level = "debug")]
    pub async fn advance_campaigns(&self) -> Result<SchedulerPass, AppError> {
        use CampaignState::*;
        let mut pass = SchedulerPass::default();
        let campaigns = self
            .store
            .campaigns_in_states(&[Approved, Scheduled, OnHold, Sending], PER_PASS)
            .await?;
        for campaign in campaigns {
            match self.advance(&campaign).await {
                Ok(Some(state)) => match (campaign.state, state) {
                    (_, Sending) => pass.started += 1,
                    (Approved | Scheduled, OnHold) => pass.held += 1,
                    (_, Completed) => pass.completed += 1,
                    _ => {}
                },
                Ok(None) => {}
                // Someone changed it meanwhile (cancelled, say): the next pass sees it afresh.
                Err(AppError::Busy) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(pass)
    }

    /// Moves one campaign on if it can; returns its new state.
    async fn advance(&self, campaign: &Campaign) -> Result<Option<CampaignState>, AppError> {
        let now = self.now();
        let transition = match campaign.state {
            CampaignState::Approved | CampaignState::Scheduled => {
                let (_, balance) = self.account(campaign.account).await?;
                match campaign.start(balance, now) {
                    Err(CampaignError::NotDue(_)) => return Ok(None),
                    other => other?,
                }
            }
            CampaignState::OnHold => {
                let (_, balance) = self.account(campaign.account).await?;
                match campaign.resume(balance, now) {
                    // Still short: the owner was told when it was held.
                    Err(CampaignError::InsufficientCredit { .. }) => return Ok(None),
                    other => other?,
                }
            }
            CampaignState::Sending => {
                let Some(s) = campaign.submission.as_ref() else {
                    return Err(AppError::internal("a sending campaign without a version"));
                };
                let counts = self.store.delivery_counts(campaign.id, s.version).await?;
                if !counts.is_done() {
                    return Ok(None);
                }
                let unsent_cost = match s.personalised && counts.unsent() > 0 {
                    true => {
                        self.unsent_cost(
                            campaign.id,
                            s.version,
                            &s.body,
                            s.recipients.id,
                            s.short_links.as_ref(),
                        )
                        .await?
                    }
                    false => None,
                };
                campaign.complete(&counts, unsent_cost, now)?
            }
            _ => return Ok(None),
        };
        self.commit_transition(&transition, now).await?;
        Ok(Some(transition.campaign.state))
    }
}
