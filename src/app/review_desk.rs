//! The moderators' desk: claiming what one reviews, the next item to review, refusal reasons
//! kept for reuse, what changed since an earlier version, and the names the bot saw.
use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::domain::campaign::{Campaign, Refusal};
use crate::domain::ids::{AccountId, CampaignId, ModeratorName, UserId};
use crate::domain::refusal::RefusalCode;
use crate::domain::review_desk::{
    CannedReason, Claim, ClaimOutcome, ModeratorsChannel, REMIND_EVERY, ReminderDelay, VersionDiff,
};
use crate::store::{ConsoleChange, LoggedChange, QueueFilter, ReviewToRemind};

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
        filter: &QueueFilter,
        skip: Option<CampaignId>,
    ) -> Result<Option<CampaignId>, AppError> {
        Ok(self
            .store
            .next_unclaimed(moderator, filter, skip, self.now())
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

    /// The last `limit` changes moderators made to the kept reasons, newest first.
    pub async fn reason_changes(&self, limit: u32) -> Result<Vec<LoggedChange>, AppError> {
        Ok(self.store.console_changes(limit).await?)
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

const MODERATORS_CHANNEL: &str = "moderators_channel";
const MODERATORS_ROLE: &str = "moderators_role";
const MODERATORS_AFTER: &str = "moderators_after_minutes";

impl App {
    /// Names the moderators' channel (and the role to ping) for the whole deployment.
    pub async fn set_moderators_channel(&self, desk: ModeratorsChannel) -> Result<(), AppError> {
        self.store
            .set_deployment_setting(MODERATORS_CHANNEL, &desk.channel.0.to_string())
            .await?;
        self.store
            .set_deployment_setting(
                MODERATORS_ROLE,
                &desk.role.map(|r| r.0.to_string()).unwrap_or_default(),
            )
            .await?;
        self.store
            .set_deployment_setting(MODERATORS_AFTER, &desk.after.as_minutes().to_string())
            .await?;
        Ok(())
    }

    pub async fn moderators_channel(&self) -> Result<Option<ModeratorsChannel>, AppError> {
        let number = |v: Option<String>| v.and_then(|v| v.parse::<u64>().ok());
        let Some(channel) = number(self.store.deployment_setting(MODERATORS_CHANNEL).await?) else {
            return Ok(None);
        };
        let role = number(self.store.deployment_setting(MODERATORS_ROLE).await?);
        let after = self
            .store
            .deployment_setting(MODERATORS_AFTER)
            .await?
            .and_then(|m| m.parse::<i64>().ok())
            .and_then(|m| ReminderDelay::minutes(m).ok())
            .unwrap_or(ReminderDelay::DEFAULT);
        Ok(Some(ModeratorsChannel {
            channel: crate::domain::ids::ChannelId(channel),
            role: role.map(crate::domain::ids::RoleId),
            after,
        }))
    }

    /// Versions waiting longer than the moderators' delay, not reminded of within the hour,
    /// and the instant they were found due (what `review_reminded` records).
    pub async fn reviews_to_remind(
        &self,
        desk: &ModeratorsChannel,
        limit: u32,
    ) -> Result<(DateTime<Utc>, Vec<ReviewToRemind>), AppError> {
        let now = self.now();
        let due = self
            .store
            .reviews_to_remind(now - desk.after.as_delta(), now - REMIND_EVERY, limit)
            .await?;
        Ok((now, due))
    }

    pub async fn review_reminded(
        &self,
        review: &ReviewToRemind,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        Ok(self
            .store
            .reminded(review.campaign, review.version, at)
            .await?)
    }
}

/// An account as the console's account page shows it.
#[derive(Debug, Clone)]
pub struct AccountOverview {
    pub account: crate::domain::account::Account,
    pub balance: crate::domain::credits::Balance,
    /// Newest first; `ledger_more`: older lines exist (from `ledger_next`).
    pub ledger: Vec<crate::store::LedgerLine>,
    pub ledger_next: Option<i64>,
    /// Latest first, with what each latest version's messages became.
    pub campaigns: Vec<(Campaign, Option<crate::domain::delivery::DeliveryCounts>)>,
    pub campaigns_page: u32,
    pub campaigns_more: bool,
    /// The account's last refusals, newest first.
    pub refusals: Vec<crate::store::AuditRecord>,
    pub opt_outs: u64,
}

/// Rows per section of the account page.
const ACCOUNT_PAGE_ROWS: u32 = 20;

impl App {
    /// One account: settings, balance and ledger, campaigns and their outcomes, refusals,
    /// opt-out count; the ledger from line `ledger_before`, the campaigns by page (from 1).
    #[tracing::instrument(skip_all, fields(server = id.0))]
    pub async fn account_overview(
        &self,
        id: AccountId,
        ledger_before: Option<i64>,
        campaigns_page: u32,
    ) -> Result<AccountOverview, AppError> {
        let (account, balance) = self.account(id).await?;
        let mut ledger = self
            .store
            .ledger_lines(id, ledger_before, ACCOUNT_PAGE_ROWS + 1)
            .await?;
        let ledger_next = (ledger.len() > ACCOUNT_PAGE_ROWS as usize).then(|| {
            ledger.truncate(ACCOUNT_PAGE_ROWS as usize);
            ledger.last().map_or(0, |l| l.id)
        });
        let campaigns_page = campaigns_page.max(1);
        let mut campaigns = self
            .store
            .campaigns(
                id,
                (campaigns_page - 1) * ACCOUNT_PAGE_ROWS,
                ACCOUNT_PAGE_ROWS + 1,
            )
            .await?;
        let campaigns_more = campaigns.len() > ACCOUNT_PAGE_ROWS as usize;
        campaigns.truncate(ACCOUNT_PAGE_ROWS as usize);
        let mut with_counts = Vec::with_capacity(campaigns.len());
        for campaign in campaigns {
            let counts = match campaign
                .submission
                .as_ref()
                .filter(|s| s.started_at.is_some())
            {
                Some(s) => Some(self.store.delivery_counts(campaign.id, s.version).await?),
                None => None,
            };
            with_counts.push((campaign, counts));
        }
        let refusals = self
            .store
            .decisions(
                &crate::store::DecisionFilter {
                    account: Some(id),
                    outcome: Some(crate::domain::effects::AuditAction::Refused),
                    ..Default::default()
                },
                0,
                10,
            )
            .await?;
        Ok(AccountOverview {
            opt_outs: self.store.opt_out_count(id).await?,
            account,
            balance,
            ledger,
            ledger_next,
            campaigns: with_counts,
            campaigns_page,
            campaigns_more,
            refusals,
        })
    }
}
