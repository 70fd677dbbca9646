//! Creating and editing drafts; reading campaigns back.
use chrono::{DateTime, Utc};

use crate::domain::campaign::CampaignState as State;
use crate::domain::campaign::{Campaign, CampaignError, DraftEdit, Transition};
use crate::domain::ids::{CampaignId, CampaignName};
use crate::domain::sender::SenderId;
use crate::domain::sms::SmsBody;
use crate::domain::window::{Destination, SendPlan, SendingPolicy};
use crate::store::{Change, ConfirmationWrite};

use super::{App, AppError, CampaignListItem, CampaignStatus, Requester};

/// A draft edit as typed by a person; each field is checked before anything is written.
#[derive(Debug, Clone, Default)]
pub struct DraftInput {
    pub body: Option<String>,
    pub sender: Option<String>,
}

/// A draft's editable fields, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftView {
    pub name: String,
    pub body: Option<String>,
    pub sender: Option<String>,
}

impl DraftInput {
    /// The edit, the body checked as new input for hidden characters and forbidden links
    /// (the sender's rules need the draft: see `DraftEdit::check_new_sender`).
    fn parse(&self) -> Result<DraftEdit, AppError> {
        Ok(DraftEdit {
            body: self.body.as_deref().map(SmsBody::write).transpose()?,
            sender: self.sender.as_deref().map(SenderId::parse).transpose()?,
            recipients: None,
            audiences: None,
        })
    }
}

impl App {
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0, campaign = name))]
    pub async fn create_campaign(
        &self,
        who: Requester,
        name: &str,
        input: DraftInput,
    ) -> Result<CampaignStatus, AppError> {
        let name = CampaignName::parse(name)?;
        let (account, _) = self.account(who.account).await?;
        let edit = input.parse()?;
        edit.check_new_sender(account.short_code.as_ref(), None)?;
        if let Some(body) = &edit.body {
            self.check_fields(body, None).await?;
        }
        let now = self.now();
        let blank = Campaign::new(CampaignId(0), account.id, name, who.user, now);
        // The first draft is written with the campaign: a bad body leaves nothing behind.
        let draft = blank.edit_draft(edit, now)?.campaign;
        let created = self.store.create_campaign(&draft).await?;
        Ok(CampaignStatus::of(&created))
    }

    /// A new draft `new_name` with `name`'s message, sender and recipients.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0, campaign = name))]
    pub async fn duplicate_campaign(
        &self,
        who: Requester,
        name: &str,
        new_name: &str,
    ) -> Result<CampaignStatus, AppError> {
        let new_name = CampaignName::parse(new_name)?;
        let source = self.campaign_named(who.account, name).await?;
        let copy = source.duplicate(new_name, who.user, self.now());
        let created = self.store.create_campaign(&copy).await?;
        Ok(CampaignStatus::of(&created))
    }

    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0, campaign = name))]
    pub async fn edit_campaign(
        &self,
        who: Requester,
        name: &str,
        input: DraftInput,
    ) -> Result<CampaignStatus, AppError> {
        let (account, _) = self.account(who.account).await?;
        let edit = input.parse()?;
        if let Some(body) = &edit.body {
            let draft = self.campaign_named(who.account, name).await?.draft;
            self.check_fields(body, draft.recipients.map(|l| l.id))
                .await?;
        }
        self.change_campaign(who, name, move |c, now| {
            edit.check_new_sender(account.short_code.as_ref(), c.draft.sender.as_ref())?;
            c.edit_draft(edit.clone(), now)
        })
        .await
    }

    /// Adds the account's opt-out mention at the end of the draft's message.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0, campaign = name))]
    pub async fn add_opt_out(
        &self,
        who: Requester,
        name: &str,
    ) -> Result<CampaignStatus, AppError> {
        let (account, _) = self.account(who.account).await?;
        self.change_campaign(who, name, move |c, now| {
            let edit = DraftEdit {
                body: Some(c.body_with_opt_out(&account)?),
                ..DraftEdit::default()
            };
            c.edit_draft(edit, now)
        })
        .await
    }

    /// Replaces the draft's typographic quotes, dashes and spaces by plain ones, when that
    /// makes the message GSM-7; the sender chose it from the summary.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0, campaign = name))]
    pub async fn use_gsm7(&self, who: Requester, name: &str) -> Result<CampaignStatus, AppError> {
        self.change_campaign(who, name, move |c, now| {
            let plain = c
                .draft
                .body
                .as_ref()
                .and_then(SmsBody::gsm7_version)
                .ok_or(CampaignError::NoGsm7Version)?;
            let edit = DraftEdit {
                body: Some(plain),
                ..DraftEdit::default()
            };
            c.edit_draft(edit, now)
        })
        .await
    }

    /// Loads, decides and commits, deciding again on a fresh copy when another change won the race.
    pub(super) async fn change_campaign(
        &self,
        who: Requester,
        name: &str,
        decide: impl Fn(
            &Campaign,
            chrono::DateTime<chrono::Utc>,
        ) -> Result<Transition, crate::domain::campaign::CampaignError>,
    ) -> Result<CampaignStatus, AppError> {
        retry_on_busy!({
            let campaign = self.campaign_named(who.account, name).await?;
            self.decide_and_commit(&campaign, &decide).await
        })
    }

    /// Decides a change on `campaign` now, and commits it with its effects.
    pub(super) async fn decide_and_commit(
        &self,
        campaign: &Campaign,
        decide: &impl Fn(
            &Campaign,
            chrono::DateTime<chrono::Utc>,
        ) -> Result<Transition, crate::domain::campaign::CampaignError>,
    ) -> Result<CampaignStatus, AppError> {
        let now = self.now();
        let t = decide(campaign, now)?;
        self.commit_transition(&t, now).await?;
        Ok(CampaignStatus::of(&t.campaign))
    }

    /// Commits a transition with its effects, in one transaction.
    pub(super) async fn commit_transition(
        &self,
        t: &Transition,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), AppError> {
        let change = Change {
            campaign: &t.campaign,
            effects: &t.effects,
            confirmation: ConfirmationWrite::None,
            now,
        };
        Ok(self.store.commit(change).await?)
    }

    /// Stores a confirmation waiting for its click. Writing the campaign unchanged bumps its
    /// revision: a confirmation prepared against a state that has since moved on is caught by
    /// the guard when it is confirmed.
    pub(super) async fn store_confirmation(
        &self,
        campaign: &Campaign,
        pending: &crate::domain::campaign::PendingConfirmation,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), AppError> {
        let change = Change {
            campaign,
            effects: &[],
            confirmation: ConfirmationWrite::Create(pending),
            now,
        };
        Ok(self.store.commit(change).await?)
    }

    /// Names of the server's campaigns containing `typed` (case-insensitive), for autocomplete.
    #[tracing::instrument(skip_all, level = "debug", fields(server = account.0))]
    pub async fn campaign_names(
        &self,
        account: crate::domain::ids::AccountId,
        typed: &str,
        limit: usize,
    ) -> Result<Vec<String>, AppError> {
        let typed = typed.trim().to_lowercase();
        let campaigns = self.store.campaigns(account, 0, 200).await?;
        let mut names: Vec<String> = campaigns.iter().map(|c| c.name.to_string()).collect();
        names.retain(|n| n.to_lowercase().contains(&typed));
        names.sort_by_key(|n| !n.to_lowercase().starts_with(&typed));
        names.truncate(limit);
        Ok(names)
    }

    /// The draft as its editor shows it.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0, campaign = name))]
    pub async fn draft(&self, who: Requester, name: &str) -> Result<DraftView, AppError> {
        let c = self.campaign_named(who.account, name).await?;
        Ok(DraftView {
            name: c.name.to_string(),
            body: c.draft.body.map(|b| b.as_str().to_owned()),
            sender: c.draft.sender.map(|s| s.as_str().to_owned()),
        })
    }

    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0, campaign = name))]
    pub async fn status(&self, who: Requester, name: &str) -> Result<CampaignStatus, AppError> {
        let campaign = self.campaign_named(who.account, name).await?;
        let mut status = CampaignStatus::of(&campaign);
        let Some(submission) = campaign.submission.as_ref() else {
            return Ok(status);
        };
        let (account, _) = self.account(who.account).await?;
        let policy = &account.sending_policy;
        let now = self.now();
        let plan = match campaign.state {
            State::Sending | State::Completed => {
                let counts = self
                    .store
                    .delivery_counts(campaign.id, submission.version)
                    .await?;
                status = status.with_deliveries(counts);
                self.unsent_plan(campaign.id, submission.version, policy, now)
                    .await?
            }
            State::PendingReview | State::Approved | State::Scheduled | State::OnHold => {
                let at = submission.mode.send_at().map_or(now, |a| a.utc().max(now));
                let destinations = self.destinations_of(submission.recipients.id).await?;
                SendPlan::new(policy, &destinations, at)
            }
            _ => SendPlan::default(),
        };
        status.waiting_for_window = plan.waiting_groups().cloned().collect();
        Ok(status)
    }

    /// When a sending version's messages not yet sent may go, destination by destination.
    /// Messages queued before destinations were kept can't be placed: left out.
    pub(super) async fn unsent_plan(
        &self,
        campaign: CampaignId,
        version: u32,
        policy: &SendingPolicy,
        now: DateTime<Utc>,
    ) -> Result<SendPlan, AppError> {
        let unsent: Vec<(Destination, u64)> = self
            .store
            .unsent_by_destination(campaign, version)
            .await?
            .into_iter()
            .filter_map(|(d, n)| Some((d?, n)))
            .collect();
        Ok(SendPlan::new(policy, &unsent, now))
    }

    /// One page of the server's campaigns, most recently changed first, and the total count.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0))]
    pub async fn list(
        &self,
        who: Requester,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<CampaignListItem>, u64), AppError> {
        let per_page = per_page.clamp(1, 100);
        let campaigns = self
            .store
            .campaigns(who.account, page.saturating_mul(per_page), per_page)
            .await?;
        let total = self.store.count_campaigns(who.account).await?;
        Ok((campaigns.iter().map(CampaignListItem::of).collect(), total))
    }
}
