//! Finalize → summary + one-time token → confirm: nothing is submitted without the confirmation.
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::{
    Campaign, CampaignError, CampaignState, OptOutOffer, Review, Reviewer, SendMode, Submission,
    Transition,
};
use crate::domain::account::Account;
use crate::domain::compliance::{self, ComplianceFlag};
use crate::domain::credits::{Balance, Credits, LedgerEntry, LedgerKind};
use crate::domain::effects::{
    Actor, AuditAction, AuditEntry, Effect, Notification, NotificationKind,
};
use crate::domain::ids::{CampaignId, ChannelId, UserId};
use crate::domain::personal::PersonalSummary;
use crate::domain::schedule::FoldNote;
use crate::domain::sender::SenderId;
use crate::domain::short_links::{self, LinkBase};
use crate::domain::sms::{Encoding, SmsBody};
use crate::domain::window::{Destination, SendPlan};

/// A confirmation is spent once and expires after this long.
pub const CONFIRMATION_TTL: TimeDelta = TimeDelta::minutes(15);

/// 128 random bits, as 32 lowercase hex digits; carried by a button's custom_id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ConfirmationToken(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this confirmation code is not valid: use the Confirm button or the code Herald printed")]
pub struct InvalidToken;

impl ConfirmationToken {
    pub fn from_random(bytes: [u8; 16]) -> ConfirmationToken {
        ConfirmationToken(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn parse(s: &str) -> Result<ConfirmationToken, InvalidToken> {
        let s = s.trim();
        if s.len() == 32
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(ConfirmationToken(s.to_owned()))
        } else {
            Err(InvalidToken)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmAction {
    Submit(SendMode),
    Cancel,
    /// Send the draft to these numbers, as a test.
    Test(super::TestNumbers),
}

/// A finalized action waiting for its Confirm click.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingConfirmation {
    pub token: ConfirmationToken,
    pub campaign: CampaignId,
    pub action: ConfirmAction,
    /// The draft as it was summarised; a later edit voids the confirmation.
    pub draft_revision: u32,
    pub requested_by: UserId,
    pub expires_at: DateTime<Utc>,
    /// Recipients whose message can't be written are left out (the sender chose so).
    pub leave_out: bool,
    /// Links go as written, not shortened (the sender chose so).
    pub keep_links: bool,
}

pub struct FinalizeContext<'a> {
    pub account: &'a Account,
    pub balance: Balance,
    /// The draft list's recipients per destination.
    pub destinations: &'a [(Destination, u64)],
    /// No version of any campaign of the account was confirmed before.
    pub first_campaign: bool,
    pub token: ConfirmationToken,
    pub requested_by: UserId,
    /// The channel the request came from, if any.
    pub channel: Option<ChannelId>,
    /// A personalised body's messages over the draft list (`None`: one text for everyone).
    pub personal: Option<&'a PersonalSummary>,
    /// Leave out the recipients whose message can't be written.
    pub leave_out: bool,
    /// Where links are shortened to; `None`: they go as written.
    pub short_links: Option<&'a LinkBase>,
    pub now: DateTime<Utc>,
}

pub struct ConfirmContext<'a> {
    pub account: &'a Account,
    pub balance: Balance,
    /// The draft list's recipients per destination.
    pub destinations: &'a [(Destination, u64)],
    pub user: UserId,
    /// No version of any campaign of the account was confirmed before.
    pub first_campaign: bool,
    /// A personalised body's messages over the draft list, worked out again.
    pub personal: Option<&'a PersonalSummary>,
    /// Where links are shortened to; `None`: they go as written.
    pub short_links: Option<&'a LinkBase>,
    pub now: DateTime<Utc>,
}

/// Everything a person must see before confirming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub campaign: String,
    pub version: u32,
    pub recipients: u64,
    pub encoding: Encoding,
    pub segments: u8,
    pub cost: Credits,
    /// A personalised body: what each recipient gets, added up (the cost above is its total),
    /// with a preview of the first messages.
    pub personal: Option<PersonalSummary>,
    pub available: Credits,
    /// What remains after the cost; `None` when the balance does not cover it (see `shortfall`).
    pub balance_after: Option<Credits>,
    /// The local time, its zone and UTC; `None` for an immediate send.
    pub send_local: Option<String>,
    pub send_zone: Option<&'static str>,
    pub send_utc: Option<DateTime<Utc>>,
    pub fold_note: Option<FoldNote>,
    /// When each destination's recipients may receive it.
    pub plan: SendPlan,
    /// When the first message may really go, if later than the send time: every recipient's
    /// window is closed then.
    pub starts_later: Option<DateTime<Utc>>,
    /// Every flag the moderator will see.
    pub flags: Vec<ComplianceFlag>,
    /// A UCS-2 body: the characters that make it so, each with its first position (from 1).
    pub ucs2_characters: Vec<(char, usize)>,
    /// A UCS-2 body that plain quotes, dashes and spaces would make GSM-7: its cost then.
    pub gsm7_offer: Option<Gsm7Offer>,
    /// A scheduled send the balance can't cover today, by this many credits: it will be checked
    /// again at send time.
    pub shortfall: Option<Credits>,
    /// The body's links, replaced for each recipient by a short link counting clicks.
    pub short_links: Option<ShortLinksNote>,
    /// Links the body sends as written (the sender chose so, or no short-link address).
    pub links_as_written: usize,
    pub token: ConfirmationToken,
    pub expires_at: DateTime<Utc>,
}

/// Links to be shortened: how many, and what each becomes (the cost counts that length).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShortLinksNote {
    pub links: usize,
    /// A short link as recipients get it, its code shown as zeros.
    pub example: String,
    /// Its address is this machine's own: phones could not open it.
    pub local: bool,
    /// A plain body: its segments and cost with links as written, when shortening changes them.
    pub as_written: Option<(u8, Credits)>,
}

/// The draft with typographic characters made plain, offered when it is cheaper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gsm7Offer {
    pub body: String,
    pub segments: u8,
    pub cost: Credits,
}

/// The parts of the draft a version needs, checked complete.
struct Ready<'a> {
    body: &'a SmsBody,
    personalised: bool,
    sender: SenderId,
    recipients: super::RecipientList,
    cost: Credits,
    /// Where the body's links are shortened to (only when it has links).
    short_links: Option<LinkBase>,
}

impl Ready<'_> {
    /// `body` as each recipient's message measures once its links are shortened.
    fn priced(&self, body: &SmsBody) -> SmsBody {
        priced_body(body, self.short_links.as_ref())
    }
}

/// `body` with its links as short links of the real length; as it is without a base.
pub(crate) fn priced_body(body: &SmsBody, short_links: Option<&LinkBase>) -> SmsBody {
    short_links
        .and_then(|base| SmsBody::parse(&short_links::priced_text(body.as_str(), base)).ok())
        .unwrap_or_else(|| body.clone())
}

impl Campaign {
    /// The draft's sender ID, else the account's default.
    pub(super) fn draft_sender(&self, account: &Account) -> Result<SenderId, CampaignError> {
        self.draft
            .sender
            .clone()
            .or_else(|| account.sender.clone())
            .ok_or(CampaignError::NoSender)
    }

    fn ready_to_submit<'a>(
        &'a self,
        account: &Account,
        personal: Option<&PersonalSummary>,
        leave_out: bool,
        short_links: Option<&LinkBase>,
    ) -> Result<Ready<'a>, CampaignError> {
        match self.state {
            CampaignState::Draft | CampaignState::AwaitingConfirmation => {}
            other => {
                let version = self.submission.as_ref().map_or(0, |s| s.version);
                return Err(CampaignError::in_flight(other, version));
            }
        }
        let body = self.draft.body.as_ref().ok_or(CampaignError::MissingBody)?;
        let recipients = self
            .draft
            .recipients
            .filter(|l| l.count > 0)
            .ok_or(CampaignError::NoRecipients)?;
        let sender = self.draft_sender(account)?;
        // Shortening that would make the message too long leaves its links as written.
        let short_links = short_links
            .filter(|_| short_links::count_links(body.as_str()) > 0)
            .filter(|base| {
                personal.is_some()
                    || SmsBody::parse(&short_links::priced_text(body.as_str(), base)).is_ok()
            })
            .cloned();
        let cost = match personal {
            // Nobody would get a message: leaving them out leaves nothing to send.
            Some(p) if p.left_out() > 0 && (!leave_out || p.messages == 0) => {
                return Err(CampaignError::UnwritableMessages(Box::new(p.clone())));
            }
            Some(p) if p.messages == 0 => return Err(CampaignError::NoRecipients),
            Some(p) => p.cost,
            None => Credits::cost_of(
                priced_body(body, short_links.as_ref()).segments(),
                recipients.count,
            )
            .ok_or(CampaignError::CostOverflow)?,
        };
        Ok(Ready {
            body,
            personalised: personal.is_some(),
            sender,
            recipients,
            cost,
            short_links,
        })
    }

    fn precheck(
        &self,
        ready: &Ready<'_>,
        account: &Account,
        plan: &SendPlan,
        first_campaign: bool,
    ) -> Vec<ComplianceFlag> {
        compliance::Precheck {
            body: ready.body,
            opt_out_text: account.opt_out_text.as_deref(),
            sender: &ready.sender,
            short_code: account.short_code.as_ref(),
            plan,
            first_campaign,
        }
        .flags()
    }

    /// The draft's body with the account's opt-out mention added, if it fits.
    pub fn body_with_opt_out(&self, account: &Account) -> Result<SmsBody, CampaignError> {
        let body = self.draft.body.as_ref().ok_or(CampaignError::MissingBody)?;
        let mention = account
            .opt_out_text
            .as_ref()
            .ok_or(CampaignError::MissingOptOut {
                mention: None,
                offer: None,
            })?;
        if compliance::has_opt_out(body.as_str(), Some(mention)) {
            return Err(CampaignError::OptOutPresent);
        }
        let separator = if body.as_str().ends_with(char::is_whitespace) {
            ""
        } else {
            " "
        };
        SmsBody::parse(&format!("{}{separator}{mention}", body.as_str())).map_err(|_| {
            CampaignError::MissingOptOut {
                mention: Some(mention.clone()),
                offer: None,
            }
        })
    }

    fn opt_out_offer(&self, account: &Account, ready: &Ready<'_>) -> Option<OptOutOffer> {
        // A personalised body's new cost depends on every recipient: no figure is offered.
        if ready.personalised {
            return None;
        }
        let with = ready.priced(&self.body_with_opt_out(account).ok()?);
        Some(OptOutOffer {
            mention: account.opt_out_text.clone()?,
            segments_before: ready.priced(ready.body).segments(),
            segments_after: with.segments(),
            cost_before: ready.cost,
            cost_after: Credits::cost_of(with.segments(), ready.recipients.count)?,
        })
    }

    /// Checks the draft and prices it; the campaign then waits for its confirmation.
    pub fn finalize(
        &self,
        mode: SendMode,
        ctx: FinalizeContext<'_>,
    ) -> Result<(Transition, PendingConfirmation, Summary), CampaignError> {
        let ready =
            self.ready_to_submit(ctx.account, ctx.personal, ctx.leave_out, ctx.short_links)?;
        let priced = ready.priced(ready.body);
        let short = ctx.balance.available < ready.cost;
        if short && mode == SendMode::Immediate {
            return Err(CampaignError::InsufficientCredit {
                needed: ready.cost,
                available: ctx.balance.available,
            });
        }
        let send_time = mode.send_at().map_or(ctx.now, |at| at.utc());
        let plan = SendPlan::new(&ctx.account.sending_policy, ctx.destinations, send_time);
        let flags = self.precheck(&ready, ctx.account, &plan, ctx.first_campaign);
        if let Some(ComplianceFlag::MissingOptOut { expected }) = flags.first() {
            return Err(CampaignError::MissingOptOut {
                mention: expected.clone(),
                offer: self.opt_out_offer(ctx.account, &ready),
            });
        }
        // A personalised body's cost depends on each recipient: only its real total is shown.
        let gsm7_offer = (!ready.personalised)
            .then(|| ready.body.gsm7_version())
            .flatten()
            .and_then(|body| {
                let segments = ready.priced(&body).segments();
                let cost = Credits::cost_of(segments, ready.recipients.count)?;
                Some(Gsm7Offer {
                    segments,
                    cost,
                    body: body.as_str().to_owned(),
                })
            });
        let expires_at = ctx.now + CONFIRMATION_TTL;
        let at = mode.send_at();
        let summary = Summary {
            campaign: self.name.to_string(),
            version: self.next_version(),
            recipients: ready.recipients.count,
            encoding: priced.encoding(),
            segments: priced.segments(),
            cost: ready.cost,
            personal: ctx.personal.cloned(),
            available: ctx.balance.available,
            balance_after: ctx
                .balance
                .available
                .0
                .checked_sub(ready.cost.0)
                .map(Credits),
            send_local: at.map(|a| a.local().format("%Y-%m-%d %H:%M").to_string()),
            send_zone: at.map(|a| a.zone().name()),
            send_utc: at.map(|a| a.utc()),
            fold_note: at.and_then(|a| a.fold_note().cloned()),
            starts_later: plan
                .first_send(send_time)
                .filter(|first| *first > send_time),
            plan,
            flags,
            ucs2_characters: ready.body.ucs2_characters(),
            gsm7_offer,
            shortfall: short.then(|| Credits(ready.cost.0.saturating_sub(ctx.balance.available.0))),
            short_links: ready.short_links.as_ref().map(|base| ShortLinksNote {
                links: short_links::count_links(ready.body.as_str()),
                example: base.url(short_links::LinkCode::from_random(0)),
                local: base.is_local(),
                as_written: (!ready.personalised && ready.body.segments() != priced.segments())
                    .then(|| {
                        Credits::cost_of(ready.body.segments(), ready.recipients.count)
                            .map(|cost| (ready.body.segments(), cost))
                    })
                    .flatten(),
            }),
            links_as_written: match ready.short_links {
                Some(_) => 0,
                None => short_links::count_links(ready.body.as_str()),
            },
            token: ctx.token.clone(),
            expires_at,
        };
        let pending = PendingConfirmation {
            token: ctx.token,
            campaign: self.id,
            action: ConfirmAction::Submit(mode),
            draft_revision: self.draft.revision,
            requested_by: ctx.requested_by,
            expires_at,
            leave_out: ctx.leave_out,
            keep_links: ctx.short_links.is_none(),
        };
        let mut next = self.changed(ctx.now);
        next.state = CampaignState::AwaitingConfirmation;
        next.channel = ctx.channel.or(self.channel);
        Ok((
            Transition {
                campaign: next,
                effects: Vec::new(),
            },
            pending,
            summary,
        ))
    }

    /// Turns the finalized draft into a new frozen version.
    pub fn confirm(
        &self,
        pending: &PendingConfirmation,
        ctx: ConfirmContext<'_>,
    ) -> Result<Transition, CampaignError> {
        check_pending(self, pending, ctx.user, ctx.now)?;
        let ConfirmAction::Submit(mode) = &pending.action else {
            return Err(CampaignError::Corrupt(
                "confirm called with a cancel confirmation",
            ));
        };
        if self.state != CampaignState::AwaitingConfirmation {
            return Err(match self.state {
                CampaignState::Draft => CampaignError::NotAwaitingConfirmation,
                other => CampaignError::in_flight(
                    other,
                    self.submission.as_ref().map_or(0, |s| s.version),
                ),
            });
        }
        if pending.draft_revision != self.draft.revision {
            return Err(CampaignError::DraftChanged);
        }
        if mode.send_at().is_some_and(|at| at.utc() <= ctx.now) {
            return Err(CampaignError::SendTimePassed);
        }
        let short_links = ctx.short_links.filter(|_| !pending.keep_links);
        let ready =
            self.ready_to_submit(ctx.account, ctx.personal, pending.leave_out, short_links)?;
        let version = self.next_version();
        let mut effects = Vec::new();
        // Reserve now when the balance allows; an immediate send must be covered, a scheduled one
        // is checked again when its time comes.
        let reserved = if ctx.balance.available >= ready.cost {
            effects.push(Effect::Ledger(LedgerEntry {
                kind: LedgerKind::Reserve,
                amount: ready.cost,
                campaign: Some((self.id, version)),
                reason: None,
            }));
            ready.cost
        } else if *mode == SendMode::Immediate {
            return Err(CampaignError::InsufficientCredit {
                needed: ready.cost,
                available: ctx.balance.available,
            });
        } else {
            Credits::ZERO
        };
        let send_time = mode.send_at().map_or(ctx.now, |at| at.utc());
        let plan = SendPlan::new(&ctx.account.sending_policy, ctx.destinations, send_time);
        let flags = self.precheck(&ready, ctx.account, &plan, ctx.first_campaign);
        let (state, review) = if ctx.account.auto_validation {
            let state = if mode.send_at().is_some() {
                CampaignState::Scheduled
            } else {
                CampaignState::Approved
            };
            (
                state,
                Review::Approved {
                    by: Reviewer::AutoValidation,
                    at: ctx.now,
                },
            )
        } else {
            (CampaignState::PendingReview, Review::Pending)
        };
        let submission = Submission {
            version,
            body: ready.body.clone(),
            personalised: ready.personalised,
            short_links: ready.short_links,
            sender: ready.sender,
            recipients: ready.recipients,
            mode: mode.clone(),
            cost: ready.cost,
            reserved,
            debited: Credits::ZERO,
            flags,
            confirmed_by: ctx.user,
            confirmed_at: ctx.now,
            review,
            cancelled: None,
            started_at: None,
            completed_at: None,
        };
        let mut next = self.changed(ctx.now);
        next.state = state;
        next.submission = Some(submission);
        effects.push(next.audit(
            Actor::User(ctx.user),
            AuditAction::Submitted,
            format!("cost {}", ready.cost),
        ));
        effects.push(next.notify(NotificationKind::Submitted));
        if ctx.account.auto_validation {
            effects.push(next.audit(
                Actor::System,
                AuditAction::Approved,
                "automatic validation".into(),
            ));
            effects.push(next.notify(NotificationKind::Approved { automatic: true }));
        }
        Ok(Transition {
            campaign: next,
            effects,
        })
    }

    /// Prepares a cancellation for its Confirm click; nothing changes until then.
    pub fn prepare_cancel(
        &self,
        token: ConfirmationToken,
        requested_by: UserId,
        is_manager: bool,
        now: DateTime<Utc>,
    ) -> Result<PendingConfirmation, CampaignError> {
        if requested_by != self.owner && !is_manager {
            return Err(CampaignError::NotOwner);
        }
        self.check_cancellable()?;
        Ok(PendingConfirmation {
            token,
            campaign: self.id,
            action: ConfirmAction::Cancel,
            draft_revision: self.draft.revision,
            requested_by,
            expires_at: now + CONFIRMATION_TTL,
            leave_out: false,
            keep_links: false,
        })
    }

    /// Cancels through a confirmation prepared by `prepare_cancel`.
    pub fn confirm_cancel(
        &self,
        pending: &PendingConfirmation,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Transition, CampaignError> {
        check_pending(self, pending, user, now)?;
        self.cancel(user, now)
    }

    pub(super) fn notify(&self, kind: NotificationKind) -> Effect {
        Effect::Notify(Notification {
            account: self.account,
            user: self.owner,
            channel: self.channel,
            campaign: self.id,
            campaign_name: self.name.to_string(),
            version: self.submission.as_ref().map_or(0, |s| s.version),
            kind,
        })
    }

    pub(super) fn audit(&self, actor: Actor, action: AuditAction, detail: String) -> Effect {
        Effect::Audit(AuditEntry {
            account: self.account,
            campaign: Some((self.id, self.submission.as_ref().map_or(0, |s| s.version))),
            actor,
            action,
            detail,
        })
    }
}

pub(super) fn check_pending(
    campaign: &Campaign,
    pending: &PendingConfirmation,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), CampaignError> {
    if pending.campaign != campaign.id {
        return Err(CampaignError::WrongCampaign);
    }
    if pending.requested_by != user {
        return Err(CampaignError::NotYourConfirmation);
    }
    if now >= pending.expires_at {
        return Err(CampaignError::ConfirmationExpired);
    }
    Ok(())
}
