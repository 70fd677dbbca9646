use chrono::{DateTime, Utc};

use super::{CampaignState, Reviewer};
use crate::domain::credits::Credits;
use crate::domain::sender::{SenderId, SenderRule};

/// Why a command can't be applied to a campaign; each message says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CampaignError {
    #[error("the campaign has no message yet: write its text first")]
    MissingBody,
    #[error("the campaign has no recipients yet: import a CSV of phone numbers first")]
    NoRecipients,
    #[error("the campaign has no sender ID and the account has no default: set one first")]
    NoSender,
    #[error("the campaign has not started sending yet: its results come once it does")]
    NotSentYet,
    #[error("the message's merge fields can't be read: {0}")]
    BadTemplate(crate::domain::template::TemplateError),
    /// Some recipients' messages can't be written (a field empty without fallback, a value
    /// holding a link or a control character, too long): they are left out only if the
    /// sender chooses so.
    #[error(
        "{} recipient(s) would get no message (a merge field is empty, a value holds a link or a control character, or the message gets too long): fix the list, add a fallback such as {{prenom|client}}, or choose to leave them out",
        .0.left_out()
    )]
    UnwritableMessages(Box<crate::domain::personal::PersonalSummary>),
    #[error(
        "version {version} is waiting for review: only one version can wait at a time; cancel it first if you want to submit a new one"
    )]
    VersionPending { version: u32 },
    #[error(
        "version {version} is already {state}: cancel it first if you want to submit a new one"
    )]
    VersionInFlight { version: u32, state: CampaignState },
    #[error("the campaign is already sending: it can't be changed or submitted again")]
    AlreadySending,
    #[error("the campaign was sent and completed: create a new campaign to send again")]
    AlreadyCompleted,
    #[error("nothing to confirm: finalize the campaign first")]
    NotAwaitingConfirmation,
    #[error("this confirmation expired: finalize the campaign again")]
    ConfirmationExpired,
    #[error(
        "the campaign changed after it was finalized: finalize it again to see the new summary"
    )]
    DraftChanged,
    #[error(
        "this confirmation was shown to someone else: run the command yourself to get your own"
    )]
    NotYourConfirmation,
    #[error("this confirmation belongs to another campaign")]
    WrongCampaign,
    #[error(
        "the send time has passed since the campaign was finalized: finalize it again with a new time"
    )]
    SendTimePassed,
    #[error(
        "not enough credit: sending costs {needed} credits and {available} are available; reload the account and try again"
    )]
    InsufficientCredit { needed: Credits, available: Credits },
    #[error("the cost of this campaign is too large to compute: use fewer recipients")]
    CostOverflow,
    #[error("only the campaign's owner or a server manager can cancel it")]
    NotOwner,
    #[error("nothing to cancel: the campaign is a draft")]
    NothingToCancel,
    #[error("the campaign is {0}: it can no longer be cancelled")]
    CannotCancel(CampaignState),
    #[error("version {version} was already {} by {by} at {}", if *.approved { "approved" } else { "refused" }, .at.format("%Y-%m-%d %H:%M UTC"))]
    AlreadyDecided {
        version: u32,
        /// Approved, else refused.
        approved: bool,
        by: Reviewer,
        at: DateTime<Utc>,
    },
    #[error("version {requested} is not waiting for review (the campaign is {state})")]
    NotPendingReview {
        requested: u32,
        state: CampaignState,
    },
    #[error("a refusal needs a reason for the owner: write one")]
    RefusalWithoutReason,
    #[error("the reason is {chars} characters long: keep it under 500")]
    RefusalTooLong { chars: usize },
    #[error("the campaign is {0}: only approved or scheduled campaigns start sending")]
    CannotStart(CampaignState),
    #[error("the campaign is scheduled for {0}: it is not due yet")]
    NotDue(DateTime<Utc>),
    #[error("the campaign is {0}: only campaigns on hold can be resumed")]
    NotOnHold(CampaignState),
    #[error("the campaign is {0}: only a sending campaign can complete")]
    NotSending(CampaignState),
    #[error("the campaign is still sending ({0}% done)")]
    StillSending(u8),
    #[error("the message lacks the opt-out mention{}: marketing SMS must carry it; add it and finalize again", .mention.as_ref().map(|m| format!(" \"{m}\"")).unwrap_or_default())]
    MissingOptOut {
        /// The account's mention; `None` when it has none (a STOP word is then enough).
        mention: Option<String>,
        /// What adding the mention would do; `None` when there is none or it doesn't fit.
        offer: Option<OptOutOffer>,
    },
    #[error("the sender \"{sender}\" breaks a French operators' rule: {rule}")]
    SenderRule { sender: SenderId, rule: SenderRule },
    #[error("the message already carries the opt-out mention")]
    OptOutPresent,
    #[error("plain quotes, dashes and spaces would not make this message GSM-7: nothing to change")]
    NoGsm7Version,
    #[error("internal inconsistency: {0}")]
    Corrupt(&'static str),
}

/// The draft with the account's opt-out mention added at its end.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OptOutOffer {
    pub mention: String,
    pub segments_before: u8,
    pub segments_after: u8,
    pub cost_before: Credits,
    pub cost_after: Credits,
}

impl CampaignError {
    pub(super) fn in_flight(state: CampaignState, version: u32) -> CampaignError {
        match state {
            CampaignState::PendingReview => CampaignError::VersionPending { version },
            CampaignState::Sending => CampaignError::AlreadySending,
            CampaignState::Completed => CampaignError::AlreadyCompleted,
            other => CampaignError::VersionInFlight {
                version,
                state: other,
            },
        }
    }
}
