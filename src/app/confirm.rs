//! Finalize → summary with a one-time token → confirm. A token is spent once: a double click
//! or a replayed interaction gets the first answer again and changes nothing.
use serde::{Deserialize, Serialize};

use crate::domain::campaign::{
    Campaign, CampaignError, CampaignState, ConfirmAction, ConfirmContext, ConfirmationToken,
    FinalizeContext, SendMode, Summary, TestNumbers, TestRequest, TestSummary,
};
use crate::domain::credits::Credits;
use crate::domain::schedule::SendAt;
use crate::domain::window::Destination;
use crate::domain::zone::Zone;
use crate::store::{Change, ConfirmationWrite};

use super::{App, AppError, Requester};

/// What the sender chose at finalize besides the time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FinalizeOptions {
    /// Leave out the recipients whose personalised message can't be written.
    pub leave_out: bool,
    /// Send links as written instead of shortening them to count clicks.
    pub keep_links: bool,
}

/// When to send, as typed by a person.
#[derive(Debug, Clone)]
pub enum SendRequest {
    Immediate,
    /// Local date (YYYY-MM-DD) and time (HH:MM); the zone defaults to the account's.
    Scheduled {
        date: String,
        time: String,
        zone: Option<String>,
    },
}

/// What a spent confirmation did; replays get this same value back (it is kept as JSON with
/// the spent token, hence the tag).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ConfirmOutcome {
    /// A version was submitted: it waits for review, or was approved at once.
    #[serde(rename = "submit")]
    Submitted {
        campaign: String,
        version: Option<u32>,
        state: CampaignState,
    },
    /// Back to draft; or, for a sending campaign, stopping.
    #[serde(rename = "cancel")]
    Cancelled {
        campaign: String,
        version: Option<u32>,
        state: CampaignState,
    },
    /// A test went to `numbers` numbers for `cost` credits.
    #[serde(rename = "test")]
    TestSent {
        campaign: String,
        numbers: usize,
        cost: Credits,
    },
}

impl ConfirmOutcome {
    /// Reads an outcome kept with its spent token, including the shape kept before outcomes
    /// were typed (a token lives 15 minutes: one spent just before an upgrade can be replayed).
    fn from_stored(text: &str) -> Result<ConfirmOutcome, AppError> {
        #[derive(Deserialize)]
        struct Before {
            campaign: String,
            action: String,
            version: Option<u32>,
            state: CampaignState,
            test: Option<(usize, u64)>,
        }
        if let Ok(outcome) = serde_json::from_str(text) {
            return Ok(outcome);
        }
        let before: Before = serde_json::from_str(text).map_err(AppError::internal)?;
        Ok(match (before.action.as_str(), before.test) {
            ("test", Some((numbers, cost))) => ConfirmOutcome::TestSent {
                campaign: before.campaign,
                numbers,
                cost: Credits(cost),
            },
            ("cancel", _) => ConfirmOutcome::Cancelled {
                campaign: before.campaign,
                version: before.version,
                state: before.state,
            },
            _ => ConfirmOutcome::Submitted {
                campaign: before.campaign,
                version: before.version,
                state: before.state,
            },
        })
    }

    pub fn campaign(&self) -> &str {
        match self {
            ConfirmOutcome::Submitted { campaign, .. }
            | ConfirmOutcome::Cancelled { campaign, .. }
            | ConfirmOutcome::TestSent { campaign, .. } => campaign,
        }
    }

    /// The campaign's state after a submission or a cancellation; a test leaves it as it was.
    pub fn state(&self) -> Option<CampaignState> {
        match self {
            ConfirmOutcome::Submitted { state, .. } | ConfirmOutcome::Cancelled { state, .. } => {
                Some(*state)
            }
            ConfirmOutcome::TestSent { .. } => None,
        }
    }
}

impl App {
    /// The draft list's recipients per destination; none without a list.
    async fn draft_destinations(
        &self,
        campaign: &Campaign,
    ) -> Result<Vec<(Destination, u64)>, AppError> {
        match campaign.draft.recipients {
            Some(list) => self.destinations_of(list.id).await,
            None => Ok(Vec::new()),
        }
    }

    /// Prices and checks the draft and returns the summary to confirm; nothing is submitted yet.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0, campaign = name))]
    pub async fn finalize(
        &self,
        who: Requester,
        name: &str,
        when: SendRequest,
    ) -> Result<Summary, AppError> {
        self.finalize_with(who, name, when, FinalizeOptions::default())
            .await
    }

    /// [`finalize`](Self::finalize), with the sender's choices.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0, campaign = name))]
    pub async fn finalize_with(
        &self,
        who: Requester,
        name: &str,
        when: SendRequest,
        options: FinalizeOptions,
    ) -> Result<Summary, AppError> {
        self.refresh_audience_list(who, name).await?;
        retry_on_busy!({
            let (account, balance) = self.account(who.account).await?;
            let campaign = self.campaign_named(who.account, name).await?;
            let now = self.now();
            let mode = match &when {
                SendRequest::Immediate => SendMode::Immediate,
                SendRequest::Scheduled { date, time, zone } => {
                    // A zone given empty is a mistake to point out, not a wish for the default.
                    let zone = match zone.as_deref() {
                        Some(z) => Zone::parse(z)?,
                        None => account.zone,
                    };
                    SendMode::Scheduled(SendAt::parse(date, time, zone, now)?)
                }
            };
            let destinations = self.draft_destinations(&campaign).await?;
            let first_campaign = !self.store.has_submissions(who.account).await?;
            let short_links = self.short_links.as_ref().filter(|_| !options.keep_links);
            let personal = self.draft_personal_summary(&campaign, short_links).await?;
            let ctx = FinalizeContext {
                personal: personal.as_ref(),
                leave_out: options.leave_out,
                short_links,
                account: &account,
                balance,
                destinations: &destinations,
                first_campaign,
                token: Self::new_token()?,
                requested_by: who.user,
                channel: who.channel,
                now,
            };
            let (t, pending, summary) = campaign.finalize(mode, ctx)?;
            let change = Change {
                campaign: &t.campaign,
                effects: &t.effects,
                confirmation: ConfirmationWrite::Create(&pending),
                now,
            };
            self.store.commit(change).await?;
            Ok(summary)
        })
    }

    /// Asks for a cancellation; it happens when the returned token is confirmed.
    /// `is_manager`: the requester manages the server, and may cancel campaigns of others.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0, campaign = name))]
    pub async fn request_cancel(
        &self,
        who: Requester,
        name: &str,
        is_manager: bool,
    ) -> Result<ConfirmationToken, AppError> {
        retry_on_busy!({
            let campaign = self.campaign_named(who.account, name).await?;
            let now = self.now();
            let pending = campaign.prepare_cancel(Self::new_token()?, who.user, is_manager, now)?;
            self.store_confirmation(&campaign, &pending, now).await?;
            Ok(pending.token)
        })
    }

    /// Prices a test of the draft to `numbers` (up to 5, comma-separated); it is sent when the
    /// returned summary's token is confirmed.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0, campaign = name))]
    pub async fn prepare_test(
        &self,
        who: Requester,
        name: &str,
        numbers: &str,
    ) -> Result<TestSummary, AppError> {
        retry_on_busy!({
            let (account, balance) = self.account(who.account).await?;
            let numbers = TestNumbers::parse(numbers, account.region)?;
            let campaign = self.campaign_named(who.account, name).await?;
            let rendered = self.test_text(&campaign).await?;
            let now = self.now();
            let ask = TestRequest {
                numbers,
                token: Self::new_token()?,
                requested_by: who.user,
                rendered: rendered.as_ref(),
            };
            let (pending, summary) = campaign.prepare_test(ask, &account, balance, now)?;
            self.store_confirmation(&campaign, &pending, now).await?;
            Ok(summary)
        })
    }

    /// Spends a confirmation token: submits a version, cancels, or sends a test (waiting for
    /// each number's sending window).
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0))]
    pub async fn confirm(&self, who: Requester, token: &str) -> Result<ConfirmOutcome, AppError> {
        self.spend(who, token, false).await
    }

    /// Spends a test's confirmation token and sends it at once, even to numbers whose sending
    /// window is closed: tests go to the team's own phones. Only a server manager may.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0))]
    pub async fn send_test_now(
        &self,
        who: Requester,
        token: &str,
        is_manager: bool,
    ) -> Result<ConfirmOutcome, AppError> {
        if !is_manager {
            return Err(AppError::ManagersOnly);
        }
        self.spend(who, token, true).await
    }

    async fn spend(
        &self,
        who: Requester,
        token: &str,
        test_outside_window: bool,
    ) -> Result<ConfirmOutcome, AppError> {
        let token = ConfirmationToken::parse(token).map_err(|_| AppError::UnknownConfirmation)?;
        retry_on_busy!({
            let stored = self
                .store
                .confirmation(&token)
                .await?
                .ok_or(AppError::UnknownConfirmation)?;
            if stored.pending.requested_by != who.user {
                return Err(CampaignError::NotYourConfirmation.into());
            }
            if let Some(outcome) = &stored.outcome {
                return ConfirmOutcome::from_stored(outcome);
            }
            let campaign = self
                .store
                .campaign_by_id(stored.pending.campaign)
                .await?
                .ok_or_else(|| AppError::internal("confirmation of a missing campaign"))?;
            if campaign.account != who.account {
                return Err(CampaignError::WrongCampaign.into());
            }
            let now = self.now();
            let mut test_sent = None;
            let t = match &stored.pending.action {
                ConfirmAction::Submit(_) => {
                    let (account, balance) = self.account(who.account).await?;
                    let first_campaign = !self.store.has_submissions(who.account).await?;
                    let destinations = self.draft_destinations(&campaign).await?;
                    // The list is frozen: the same messages finalize priced, worked out again.
                    let short_links = self
                        .short_links
                        .as_ref()
                        .filter(|_| !stored.pending.keep_links);
                    let personal = self.draft_personal_summary(&campaign, short_links).await?;
                    let ctx = ConfirmContext {
                        personal: personal.as_ref(),
                        short_links,
                        account: &account,
                        balance,
                        destinations: &destinations,
                        user: who.user,
                        first_campaign,
                        now,
                    };
                    campaign.confirm(&stored.pending, ctx)
                }
                ConfirmAction::Cancel => campaign.confirm_cancel(&stored.pending, who.user, now),
                ConfirmAction::Test(_) => {
                    let (account, _) = self.account(who.account).await?;
                    let rendered = self.test_text(&campaign).await?;
                    let test = campaign.confirm_test(
                        &stored.pending,
                        &account,
                        who.user,
                        test_outside_window,
                        rendered.as_ref(),
                        now,
                    );
                    test.map(|t| {
                        test_sent = Some((t.numbers, t.cost));
                        t.transition
                    })
                }
            };
            let t = match t {
                Ok(t) => t,
                // A concurrent click may have spent the token between our two reads: the campaign
                // then no longer awaits it, and the first click's answer is the answer.
                Err(refused) => {
                    return match self
                        .store
                        .confirmation(&token)
                        .await?
                        .and_then(|c| c.outcome)
                    {
                        Some(outcome) => ConfirmOutcome::from_stored(&outcome),
                        None => Err(refused.into()),
                    };
                }
            };
            let c = &t.campaign;
            let (campaign, version) =
                (c.name.to_string(), c.submission.as_ref().map(|s| s.version));
            let outcome = match (&stored.pending.action, test_sent) {
                (ConfirmAction::Test(_), Some((numbers, cost))) => ConfirmOutcome::TestSent {
                    campaign,
                    numbers,
                    cost,
                },
                (ConfirmAction::Cancel, _) => ConfirmOutcome::Cancelled {
                    campaign,
                    version,
                    state: c.state,
                },
                _ => ConfirmOutcome::Submitted {
                    campaign,
                    version,
                    state: c.state,
                },
            };
            let recorded = serde_json::to_string(&outcome).map_err(AppError::internal)?;
            let change = Change {
                campaign: &t.campaign,
                effects: &t.effects,
                confirmation: ConfirmationWrite::Spend {
                    token: &token,
                    outcome: &recorded,
                },
                now,
            };
            self.store.commit(change).await?;
            Ok(outcome)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_kept_before_they_were_typed_still_replay() {
        let test = r#"{"campaign":"spring","action":"test","version":null,"state":"draft","headline":"test SMS queued for 2 number(s); 2 credits spent","test":[2,2]}"#;
        assert_eq!(
            ConfirmOutcome::from_stored(test).unwrap(),
            ConfirmOutcome::TestSent {
                campaign: "spring".into(),
                numbers: 2,
                cost: Credits(2)
            }
        );
        let submit = r#"{"campaign":"spring","action":"submit","version":1,"state":"pending_review","headline":"waiting for validation","test":null}"#;
        let outcome = ConfirmOutcome::from_stored(submit).unwrap();
        assert_eq!(outcome.state(), Some(CampaignState::PendingReview));
        // And what is kept now reads back as it was.
        let kept = serde_json::to_string(&outcome).unwrap();
        assert_eq!(ConfirmOutcome::from_stored(&kept).unwrap(), outcome);
    }
}
