//! A campaign: a draft people edit, and numbered versions submitted from it.
//!
//! Every state change is a pure function `(campaign, command, now) -> Result<Transition>`; the
//! new campaign and its effects are persisted together by the store.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::compliance::ComplianceFlag;
use super::credits::Credits;
use super::effects::Effect;
use super::ids::{
    AccountId, AudienceId, CampaignId, CampaignName, ChannelId, ListId, ModeratorName, UserId,
};
use super::schedule::SendAt;
use super::sender::SenderId;
use super::sms::SmsBody;

mod confirmation;
mod drafting;
mod error;
mod review;
mod sending;
mod test_send;
#[cfg(test)]
mod tests;

pub use super::refusal::RefusalCode;
pub use confirmation::{
    CONFIRMATION_TTL, ConfirmAction, ConfirmContext, ConfirmationToken, FinalizeContext, Gsm7Offer,
    PendingConfirmation, ShortLinksNote, Summary,
};
pub use drafting::DraftEdit;
pub use error::{CampaignError, OptOutOffer};
pub use test_send::{
    MAX_TEST_NUMBERS, TestNumbers, TestNumbersError, TestRequest, TestSend, TestSummary, TestWait,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignState {
    Draft,
    AwaitingConfirmation,
    PendingReview,
    /// Approved for immediate sending, waiting for the dispatcher.
    Approved,
    /// Approved, waiting for its send time.
    Scheduled,
    /// Its time came without enough credit.
    OnHold,
    Sending,
    Completed,
}

impl CampaignState {
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignState::Draft => "draft",
            CampaignState::AwaitingConfirmation => "awaiting_confirmation",
            CampaignState::PendingReview => "pending_review",
            CampaignState::Approved => "approved",
            CampaignState::Scheduled => "scheduled",
            CampaignState::OnHold => "on_hold",
            CampaignState::Sending => "sending",
            CampaignState::Completed => "completed",
        }
    }

    pub fn parse(s: &str) -> Option<CampaignState> {
        use CampaignState::*;
        [
            Draft,
            AwaitingConfirmation,
            PendingReview,
            Approved,
            Scheduled,
            OnHold,
            Sending,
            Completed,
        ]
        .into_iter()
        .find(|state| state.as_str() == s)
    }
}

/// The state's name with spaces, for logs and error descriptions ("pending review"); people
/// read the words each adapter chooses.
impl std::fmt::Display for CampaignState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

/// A recipient list as the campaign knows it: which one, and how many numbers it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientList {
    pub id: ListId,
    pub count: u64,
}

/// Recipients taken from audiences: everyone in `include` (a number in several, once) but
/// those in `exclude`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AudienceChoice {
    pub include: Vec<AudienceId>,
    pub exclude: Vec<AudienceId>,
}

/// What people edit; only ever copied into a version, never read by one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Draft {
    pub body: Option<SmsBody>,
    pub sender: Option<SenderId>,
    pub recipients: Option<RecipientList>,
    /// The audiences the recipients come from, when they don't come from a file: the list is
    /// worked out again from them at each finalize.
    pub audiences: Option<AudienceChoice>,
    /// Bumped by every edit, so a confirmation of an older draft is refused.
    pub revision: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendMode {
    Immediate,
    Scheduled(SendAt),
}

impl SendMode {
    pub fn send_at(&self) -> Option<&SendAt> {
        match self {
            SendMode::Immediate => None,
            SendMode::Scheduled(at) => Some(at),
        }
    }
}

/// Why a moderator refused a version: a code and a text for the owner (1..=500 characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    code: RefusalCode,
    text: String,
}

impl Refusal {
    pub const MAX_CHARS: usize = 500;

    pub fn new(code: RefusalCode, text: &str) -> Result<Refusal, CampaignError> {
        let text = text.trim();
        let chars = text.chars().count();
        if chars == 0 {
            return Err(CampaignError::RefusalWithoutReason);
        }
        if chars > Self::MAX_CHARS {
            return Err(CampaignError::RefusalTooLong { chars });
        }
        Ok(Refusal {
            code,
            text: text.to_owned(),
        })
    }

    pub fn code(&self) -> RefusalCode {
        self.code
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Who decided on a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Reviewer {
    Moderator(ModeratorName),
    /// The account is trusted: approved at confirmation.
    AutoValidation,
}

/// For logs and error descriptions; people read the words each adapter chooses.
impl std::fmt::Display for Reviewer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reviewer::Moderator(name) => write!(f, "{name}"),
            Reviewer::AutoValidation => f.write_str("automatic validation"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    Pending,
    Approved {
        by: Reviewer,
        at: DateTime<Utc>,
    },
    Refused {
        by: Reviewer,
        at: DateTime<Utc>,
        refusal: Refusal,
    },
}

/// A confirmed submission: everything in it is frozen at confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub version: u32,
    pub body: SmsBody,
    /// The body is a template rendered per recipient from the list's values.
    pub personalised: bool,
    /// Where the body's links are shortened to for each recipient; `None`: sent as written.
    pub short_links: Option<crate::domain::short_links::LinkBase>,
    pub sender: SenderId,
    pub recipients: RecipientList,
    pub mode: SendMode,
    pub cost: Credits,
    /// Credit set aside for this version and not yet spent or given back.
    pub reserved: Credits,
    /// Credit spent when sending started.
    pub debited: Credits,
    pub flags: Vec<ComplianceFlag>,
    pub confirmed_by: UserId,
    pub confirmed_at: DateTime<Utc>,
    pub review: Review,
    pub cancelled: Option<(UserId, DateTime<Utc>)>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub id: CampaignId,
    pub account: AccountId,
    pub name: CampaignName,
    pub owner: UserId,
    /// Where the campaign was last finalized: owners are told there when a DM can't reach them.
    pub channel: Option<ChannelId>,
    pub draft: Draft,
    pub state: CampaignState,
    /// The latest version: the one in flight, or the last one closed (its refusal stays visible).
    pub submission: Option<Submission>,
    /// Optimistic-concurrency guard: the store writes a change only over this exact revision.
    pub revision: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A campaign after a command, with what must be written along with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub campaign: Campaign,
    pub effects: Vec<Effect>,
}

impl Campaign {
    pub fn new(
        id: CampaignId,
        account: AccountId,
        name: CampaignName,
        owner: UserId,
        now: DateTime<Utc>,
    ) -> Campaign {
        Campaign {
            id,
            account,
            name,
            owner,
            channel: None,
            draft: Draft::default(),
            state: CampaignState::Draft,
            submission: None,
            revision: 0,
            created_at: now,
            updated_at: now,
        }
    }

    /// The refusal of the latest version, while the campaign is back in draft because of it.
    pub fn refusal(&self) -> Option<&Refusal> {
        match (&self.state, self.submission.as_ref().map(|s| &s.review)) {
            (CampaignState::Draft, Some(Review::Refused { refusal, .. })) => Some(refusal),
            _ => None,
        }
    }

    pub fn next_version(&self) -> u32 {
        self.submission.as_ref().map_or(1, |s| s.version + 1)
    }

    fn changed(&self, now: DateTime<Utc>) -> Campaign {
        let mut next = self.clone();
        next.updated_at = now;
        next
    }

    fn current_submission(&self) -> Result<&Submission, CampaignError> {
        self.submission
            .as_ref()
            .ok_or(CampaignError::Corrupt("no submission in a submitted state"))
    }
}
