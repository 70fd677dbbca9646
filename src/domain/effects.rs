//! What a state change asks the outside world to do, as data: the store writes these in the
//! same transaction as the change, and adapters act on them later.
use serde::{Deserialize, Serialize};

use super::credits::{Credits, LedgerEntry};
use super::ids::{AccountId, CampaignId, ChannelId, ListId, ModeratorName, UserId};
use super::phone::PhoneNumber;
use super::refusal::RefusalCode;
use super::sender::SenderId;
use super::sms::SmsBody;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Ledger(LedgerEntry),
    Notify(Notification),
    Audit(AuditEntry),
    /// A test message to send outside any campaign version.
    QueueTest(TestMessage),
    /// One message per recipient of the version's list (opted-out numbers skipped).
    QueueVersion {
        account: AccountId,
        campaign: CampaignId,
        version: u32,
        list: ListId,
    },
    /// The version's messages not yet handed to the gateway are not sent.
    StopVersion {
        campaign: CampaignId,
        version: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestMessage {
    pub account: AccountId,
    pub campaign: CampaignId,
    pub to: PhoneNumber,
    pub sender: SenderId,
    pub body: SmsBody,
    /// Sent at once even outside the number's sending window: its owner confirmed it, as a
    /// test to the team's own phone.
    pub outside_window: bool,
}

/// A message to a person, drained from the outbox by the bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub account: AccountId,
    pub user: UserId,
    /// Fallback when the user can't be reached directly.
    #[serde(default)]
    pub channel: Option<ChannelId>,
    pub campaign: CampaignId,
    pub campaign_name: String,
    pub version: u32,
    pub kind: NotificationKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NotificationKind {
    Submitted,
    Approved { automatic: bool },
    Refused { code: RefusalCode, reason: String },
    StartedSending,
    HeldForCredit { needed: Credits, available: Credits },
    Completed,
}

impl Notification {
    /// The interaction this notification ends, which the person is asked to rate: a completed
    /// campaign or a refused version; none for the steps in between.
    pub fn rated_interaction(&self) -> Option<super::rating::RatedInteraction> {
        use super::rating::RatedInteraction;
        match self.kind {
            NotificationKind::Completed => Some(RatedInteraction::Campaign {
                campaign: self.campaign,
            }),
            NotificationKind::Refused { .. } => Some(RatedInteraction::Refusal {
                campaign: self.campaign,
                version: self.version,
            }),
            _ => None,
        }
    }
}

impl NotificationKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            NotificationKind::Submitted => "submitted",
            NotificationKind::Approved { .. } => "approved",
            NotificationKind::Refused { .. } => "refused",
            NotificationKind::StartedSending => "started_sending",
            NotificationKind::HeldForCredit { .. } => "held_for_credit",
            NotificationKind::Completed => "completed",
        }
    }
}

/// Who did something, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Actor {
    User(UserId),
    Moderator(ModeratorName),
    /// Someone at the command line of the server Herald runs on.
    Operator,
    /// Herald itself: the scheduler, auto-validation.
    System,
}

impl Actor {
    /// `moderator:NAME`, `user:ID`, `operator` or `system`: how it is stored and exported.
    pub fn code(&self) -> String {
        match self {
            Actor::Moderator(name) => format!("moderator:{name}"),
            Actor::User(user) => format!("user:{}", user.0),
            Actor::Operator => "operator".to_owned(),
            Actor::System => "system".to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Submitted,
    Approved,
    Refused,
    Cancelled,
    StartedSending,
    HeldForCredit,
    Completed,
    Credited,
    SettingsChanged,
    TestSent,
    /// A test sent at once where the recipient's sending window was closed.
    TestSentOutsideWindow,
    /// A number added to the opt-out list by hand.
    OptOutAdded,
    /// A number taken off the opt-out list (with the reason, for a STOP).
    OptOutRemoved,
    /// A person's data erased by number (the entry never names the number).
    ContactErased,
    /// An SMS answer to a number that wrote in (the entry never names the number).
    AnswerSent,
    /// What is kept about a number, exported for the person (the entry never names it).
    ContactExported,
}

impl AuditAction {
    const ALL: [AuditAction; 16] = [
        AuditAction::Submitted,
        AuditAction::Approved,
        AuditAction::Refused,
        AuditAction::Cancelled,
        AuditAction::StartedSending,
        AuditAction::HeldForCredit,
        AuditAction::Completed,
        AuditAction::Credited,
        AuditAction::SettingsChanged,
        AuditAction::TestSent,
        AuditAction::TestSentOutsideWindow,
        AuditAction::OptOutAdded,
        AuditAction::OptOutRemoved,
        AuditAction::ContactErased,
        AuditAction::AnswerSent,
        AuditAction::ContactExported,
    ];

    pub fn parse(s: &str) -> Option<AuditAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Submitted => "submitted",
            AuditAction::Approved => "approved",
            AuditAction::Refused => "refused",
            AuditAction::Cancelled => "cancelled",
            AuditAction::StartedSending => "started_sending",
            AuditAction::HeldForCredit => "held_for_credit",
            AuditAction::Completed => "completed",
            AuditAction::Credited => "credited",
            AuditAction::SettingsChanged => "settings_changed",
            AuditAction::TestSent => "test_sent",
            AuditAction::TestSentOutsideWindow => "test_sent_outside_window",
            AuditAction::OptOutAdded => "opt_out_added",
            AuditAction::OptOutRemoved => "opt_out_removed",
            AuditAction::ContactErased => "contact_erased",
            AuditAction::AnswerSent => "answer_sent",
            AuditAction::ContactExported => "contact_exported",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub account: AccountId,
    pub campaign: Option<(CampaignId, u32)>,
    pub actor: Actor,
    pub action: AuditAction,
    pub detail: String,
}
