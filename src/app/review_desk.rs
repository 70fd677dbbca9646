//! The moderators' desk: claiming what one reviews, the next item to review, refusal reasons
//! kept for reuse, what changed since an earlier version, and the names the bot saw.
use std::collections::HashMap;

use crate::domain::campaign::{Campaign, Refusal};
use crate::domain::ids::{AccountId, CampaignId, ModeratorName, UserId};
use crate::domain::refusal::RefusalCode;
use crate::domain::review_desk::{CannedReason, Claim, ClaimOutcome, VersionDiff};
use crate::store::ConsoleChange;

use super::{App, AppError};

impl App {
    /// A moderator opens a version: it is theirs for a while unless someone else is reviewing
    /// it (then that claim is returned, unless `take_over`).
    #[tracing::instrument(skip_all, fields(campaign = campaign.0))]
    pub async fn claim_review(
        &self,
        campaign: CampaignId,
        version: u32,
        moderator: &ModeratorName,
        take_over: bool,
    ) -> Result<ClaimOutcome, AppError> {
        // Two moderators opening the same item at once: the second write sees the first.
        for _ in 0..super::ATTEMPTS {
            let current = self.store.claim(campaign).await?;
            let outcome = Claim::open(
                current.as_ref(),
                campaign,
                version,
                moderator,
                take_over,
                self.now(),
            );
            match &outcome {
                ClaimOutcome::Held(claim) => {
                    if self.store.put_claim(claim, current.as_ref()).await? {
                        return Ok(outcome);
                    }
                }
                ClaimOutcome::HeldByOther(_) => return Ok(outcome),
            }
        }
        Err(AppError::Busy)
    }

    /// After a decision: the item is nobody's any more.
    pub async fn release_review(
        &self,
        campaign: CampaignId,
        moderator: &ModeratorName,
    ) -> Result<(), AppError> {
        Ok(self.store.release_claim(campaign, moderator).await?)
    }

    /// The oldest version waiting that nobody else is reviewing, but `skip`.
    pub async fn next_to_review(
        &self,
        moderator: &ModeratorName,
        skip: Option<CampaignId>,
    ) -> Result<Option<CampaignId>, AppError> {
        Ok(self
            .store
            .next_unclaimed(moderator, skip, self.now())
            .await?)
    }

    /// What changed from the version before `campaign`'s submission (the last refused one
    /// when there is one, else the one just before); `None` for a first version.
    pub async fn version_diff(&self, campaign: &Campaign) -> Result<Option<VersionDiff>, AppError> {
        let Some(current) = &campaign.submission else {
            return Ok(None);
        };
        if current.version <= 1 {
            return Ok(None);
        }
        let earlier = self
            .store
            .past_refusals(campaign.id)
            .await?
            .into_iter()
            .map(|r| r.version)
            .filter(|v| *v < current.version)
            .max()
            .unwrap_or(current.version - 1);
        let Some(before) = self
            .store
            .campaign_at_version(campaign.id, earlier)
            .await?
            .and_then(|c| c.submission)
        else {
            return Ok(None);
        };
        let mut diff = VersionDiff::between(&before, current);
        if !VersionDiff::same_list(&before, current) {
            let (added, removed) = self
                .store
                .list_difference(before.recipients.id, current.recipients.id)
                .await?;
            diff.added = Some(added);
            diff.removed = Some(removed);
        }
        Ok(Some(diff))
    }

    pub async fn canned_reasons(&self) -> Result<Vec<CannedReason>, AppError> {
        Ok(self.store.canned_reasons().await?)
    }

    /// Adds (`id` `None`) or changes a refusal reason, logged with who did it.
    #[tracing::instrument(skip_all)]
    pub async fn save_canned_reason(
        &self,
        id: Option<i64>,
        label: &str,
        code: RefusalCode,
        text: &str,
        moderator: &ModeratorName,
    ) -> Result<(), AppError> {
        let (label, refusal) = CannedReason::parse(label, code, text)?;
        let change = ConsoleChange {
            moderator: moderator.clone(),
            action: if id.is_some() {
                "reason_changed"
            } else {
                "reason_added"
            },
            detail: format!("{}: {}", label.as_str(), refusal.text()),
        };
        match self
            .store
            .save_canned_reason(id, &label, &refusal, &change, self.now())
            .await?
        {
            true => Ok(()),
            false => Err(AppError::ReasonLabelTaken(label.as_str().to_owned())),
        }
    }

    pub async fn delete_canned_reason(
        &self,
        id: i64,
        moderator: &ModeratorName,
    ) -> Result<(), AppError> {
        let label = self
            .canned_reasons()
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .map(|r| r.label.as_str().to_owned())
            .ok_or(AppError::UnknownReason)?;
        let change = ConsoleChange {
            moderator: moderator.clone(),
            action: "reason_deleted",
            detail: label,
        };
        match self
            .store
            .delete_canned_reason(id, &change, self.now())
            .await?
        {
            true => Ok(()),
            false => Err(AppError::UnknownReason),
        }
    }

    /// The refusal a kept reason makes.
    pub async fn canned_refusal(&self, id: i64) -> Result<Refusal, AppError> {
        self.canned_reasons()
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .map(|r| r.refusal)
            .ok_or(AppError::UnknownReason)
    }

    /// The name a person goes by in a server, as the bot sees it now.
    pub async fn remember_name(
        &self,
        account: AccountId,
        user: UserId,
        name: &str,
    ) -> Result<(), AppError> {
        let name: String = name.chars().filter(|c| !c.is_control()).take(64).collect();
        if name.trim().is_empty() {
            return Ok(());
        }
        Ok(self
            .store
            .remember_name(account, user, name.trim(), self.now())
            .await?)
    }

    pub async fn names(
        &self,
        account: AccountId,
        users: &[UserId],
    ) -> Result<HashMap<UserId, String>, AppError> {
        Ok(self.store.names(account, users).await?)
    }
}
