//! Test messages: the draft's text sent to a few numbers of the team's own, priced and
//! confirmed first like everything that costs credit. A test changes nothing in the campaign.
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::confirmation::{
    CONFIRMATION_TTL, ConfirmAction, ConfirmationToken, PendingConfirmation,
};
use super::{Campaign, CampaignError, Transition};
use crate::domain::account::Account;
use crate::domain::credits::{Balance, Credits, LedgerEntry, LedgerKind};
use crate::domain::effects::{Actor, AuditAction, AuditEntry, Effect, TestMessage};
use crate::domain::ids::UserId;
use crate::domain::phone::{PhoneNumber, PhoneNumberError, Region};
use crate::domain::sender::SenderId;
use crate::domain::sms::{Encoding, SmsBody};
use crate::domain::window::{Decision, Destination};

pub const MAX_TEST_NUMBERS: usize = 5;

/// One to five distinct numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestNumbers(Vec<PhoneNumber>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TestNumbersError {
    #[error("give at least one phone number to send the test to")]
    Empty,
    #[error(
        "a test goes to at most {MAX_TEST_NUMBERS} numbers and {0} were given: keep {MAX_TEST_NUMBERS} or fewer"
    )]
    TooMany(usize),
    #[error(transparent)]
    Invalid(#[from] PhoneNumberError),
}

impl TestNumbers {
    /// Numbers separated by commas, semicolons or new lines, each in E.164 or in the national
    /// format of `region`; repeats count once.
    pub fn parse(input: &str, region: Region) -> Result<TestNumbers, TestNumbersError> {
        let mut numbers: Vec<PhoneNumber> = Vec::new();
        for part in input
            .split([',', ';', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let number = PhoneNumber::parse(part, region)?;
            if !numbers.contains(&number) {
                numbers.push(number);
            }
        }
        match numbers.len() {
            0 => Err(TestNumbersError::Empty),
            n if n > MAX_TEST_NUMBERS => Err(TestNumbersError::TooMany(n)),
            _ => Ok(TestNumbers(numbers)),
        }
    }

    /// Numbers read back from storage, already checked when they were stored.
    pub fn from_stored(numbers: Vec<PhoneNumber>) -> Result<TestNumbers, TestNumbersError> {
        match numbers.len() {
            0 => Err(TestNumbersError::Empty),
            n if n > MAX_TEST_NUMBERS => Err(TestNumbersError::TooMany(n)),
            _ => Ok(TestNumbers(numbers)),
        }
    }

    pub fn as_slice(&self) -> &[PhoneNumber] {
        &self.0
    }
}

/// What a person sees before confirming a test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestSummary {
    pub campaign: String,
    pub numbers: Vec<String>,
    pub encoding: Encoding,
    pub segments: u8,
    pub cost: Credits,
    pub available: Credits,
    pub balance_after: u64,
    /// Numbers whose sending window is closed now: the test waits for it, unless its owner
    /// sends it at once anyway.
    pub waiting: Vec<TestWait>,
    pub token: ConfirmationToken,
    pub expires_at: DateTime<Utc>,
}

/// A test number whose window is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestWait {
    pub number: String,
    /// When its window opens, and why it is closed.
    pub decision: Decision,
}

/// A confirmed test: the credit it spends and the messages to send, all as effects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestSend {
    /// The campaign itself is unchanged.
    pub transition: Transition,
    pub numbers: usize,
    pub cost: Credits,
}

/// A test someone asks for: to which numbers, its token, and for a personalised draft the
/// message it sends (see `test_content`).
pub struct TestRequest<'a> {
    pub numbers: TestNumbers,
    pub token: ConfirmationToken,
    pub requested_by: UserId,
    pub rendered: Option<&'a SmsBody>,
}

impl Campaign {
    /// What a test sends: the draft's text, or for a personalised draft `rendered`, the
    /// message its first recipient will get (a test number has no values of its own).
    fn test_content<'a>(
        &'a self,
        account: &Account,
        numbers: &TestNumbers,
        rendered: Option<&'a SmsBody>,
    ) -> Result<(&'a SmsBody, SenderId, Credits), CampaignError> {
        let body = rendered
            .or(self.draft.body.as_ref())
            .ok_or(CampaignError::MissingBody)?;
        let sender = self.draft_sender(account)?;
        let cost = Credits::cost_of(body.segments(), numbers.as_slice().len() as u64)
            .ok_or(CampaignError::CostOverflow)?;
        Ok((body, sender, cost))
    }

    /// Prices a test of the draft; it is sent when the returned confirmation is confirmed.
    pub fn prepare_test(
        &self,
        ask: TestRequest<'_>,
        account: &Account,
        balance: Balance,
        now: DateTime<Utc>,
    ) -> Result<(PendingConfirmation, TestSummary), CampaignError> {
        let TestRequest {
            numbers,
            token,
            requested_by,
            rendered,
        } = ask;
        let (body, _, cost) = self.test_content(account, &numbers, rendered)?;
        let balance_after =
            balance
                .available
                .checked_sub(cost)
                .ok_or(CampaignError::InsufficientCredit {
                    needed: cost,
                    available: balance.available,
                })?;
        let expires_at = now + CONFIRMATION_TTL;
        let waiting = numbers
            .as_slice()
            .iter()
            .filter_map(|n| {
                let decision = account
                    .sending_policy
                    .decide(&Destination::of_number(n), now);
                (decision != Decision::Now).then(|| TestWait {
                    number: n.as_e164().to_owned(),
                    decision,
                })
            })
            .collect();
        let summary = TestSummary {
            campaign: self.name.to_string(),
            numbers: numbers
                .as_slice()
                .iter()
                .map(|n| n.as_e164().to_owned())
                .collect(),
            encoding: body.encoding(),
            segments: body.segments(),
            cost,
            available: balance.available,
            balance_after: balance_after.0,
            waiting,
            token: token.clone(),
            expires_at,
        };
        let pending = PendingConfirmation {
            token,
            campaign: self.id,
            action: ConfirmAction::Test(numbers),
            draft_revision: self.draft.revision,
            requested_by,
            expires_at,
            leave_out: false,
            keep_links: false,
        };
        Ok((pending, summary))
    }

    /// Spends the test's credit and queues its messages, exactly as summarised. With
    /// `outside_window`, its owner sends them at once even where the sending window is closed
    /// (tests go to the team's own phones): the audit log says so.
    pub fn confirm_test(
        &self,
        pending: &PendingConfirmation,
        account: &Account,
        user: UserId,
        outside_window: bool,
        rendered: Option<&SmsBody>,
        now: DateTime<Utc>,
    ) -> Result<TestSend, CampaignError> {
        super::confirmation::check_pending(self, pending, user, now)?;
        let ConfirmAction::Test(numbers) = &pending.action else {
            return Err(CampaignError::Corrupt(
                "confirm_test called with another confirmation",
            ));
        };
        if pending.draft_revision != self.draft.revision {
            return Err(CampaignError::DraftChanged);
        }
        let (body, sender, cost) = self.test_content(account, numbers, rendered)?;
        let reason = Some(format!(
            "test SMS to {} number(s)",
            numbers.as_slice().len()
        ));
        // Reserve then debit: the guarded ledger refuses the whole test if the balance fell
        // short since the summary.
        let mut effects = vec![
            Effect::Ledger(LedgerEntry {
                kind: LedgerKind::Reserve,
                amount: cost,
                campaign: None,
                reason: reason.clone(),
            }),
            Effect::Ledger(LedgerEntry {
                kind: LedgerKind::Debit,
                amount: cost,
                campaign: None,
                reason,
            }),
            Effect::Audit(AuditEntry {
                account: self.account,
                campaign: None,
                actor: Actor::User(user),
                action: if outside_window {
                    AuditAction::TestSentOutsideWindow
                } else {
                    AuditAction::TestSent
                },
                detail: format!(
                    "campaign {}: {} number(s), cost {cost}",
                    self.name,
                    numbers.as_slice().len()
                ),
            }),
        ];
        effects.extend(numbers.as_slice().iter().map(|to| {
            Effect::QueueTest(TestMessage {
                account: self.account,
                campaign: self.id,
                to: to.clone(),
                sender: sender.clone(),
                body: body.clone(),
                outside_window,
            })
        }));
        Ok(TestSend {
            transition: Transition {
                campaign: self.changed(now),
                effects,
            },
            numbers: numbers.as_slice().len(),
            cost,
        })
    }
}
