//! Answers: a team member's SMS back to a number that wrote to the team, sent from the
//! number's thread. Priced and confirmed like a test message; unlike a test it keeps every
//! sending rule, as it goes to a customer: it waits for the number's sending window and never
//! reaches a number that opted out.
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::account::Account;
use crate::domain::campaign::{CONFIRMATION_TTL, ConfirmationToken};
use crate::domain::credits::{Balance, Credits, LedgerEntry, LedgerKind};
use crate::domain::effects::{Actor, AuditAction, AuditEntry, Effect};
use crate::domain::ids::UserId;
use crate::domain::phone::PhoneNumber;
use crate::domain::sender::SenderId;
use crate::domain::sms::{Encoding, SmsBody, SmsBodyError};
use crate::domain::window::{Decision, Destination};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error(transparent)]
    Body(#[from] SmsBodyError),
    /// The number is on the account's opt-out list: nothing may reach it.
    #[error("this number opted out: no message may be sent to it")]
    OptedOut,
    /// Neither the account nor the message answered has a sender to send from.
    #[error("the account has no sender to answer from")]
    NoSender,
    #[error("an answer costs {needed} credit(s) and {available} are available")]
    InsufficientCredit { needed: Credits, available: Credits },
    #[error("this answer was not confirmed in time")]
    Expired,
    #[error("only the person who wrote this answer can confirm it")]
    NotYours,
}

/// An answer written and priced, waiting for its author's confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub token: ConfirmationToken,
    pub to: PhoneNumber,
    pub sender: SenderId,
    pub body: SmsBody,
    pub cost: Credits,
    pub written_by: UserId,
    pub expires_at: DateTime<Utc>,
}

/// What the author sees before confirming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerSummary {
    pub to: String,
    pub sender: String,
    pub encoding: Encoding,
    pub segments: u8,
    pub cost: Credits,
    pub available: Credits,
    pub balance_after: u64,
    /// `Now`, or when the number's sending window opens (the answer waits for it).
    pub window: Decision,
    pub token: ConfirmationToken,
    pub expires_at: DateTime<Utc>,
}

/// An answer someone writes in a number's thread.
pub struct AnswerRequest<'a> {
    pub account: &'a Account,
    pub to: PhoneNumber,
    pub text: &'a str,
    /// The sender of the message the number answered: used when the account has none.
    pub answered_sender: Option<SenderId>,
    pub opted_out: bool,
    pub balance: Balance,
    pub written_by: UserId,
    pub token: ConfirmationToken,
}

/// Checks and prices an answer; it is sent once confirmed.
pub fn prepare(
    ask: AnswerRequest<'_>,
    now: DateTime<Utc>,
) -> Result<(Answer, AnswerSummary), AnswerError> {
    if ask.opted_out {
        return Err(AnswerError::OptedOut);
    }
    let body = SmsBody::parse(ask.text)?;
    let sender = ask
        .account
        .sender
        .clone()
        .or(ask.answered_sender)
        .ok_or(AnswerError::NoSender)?;
    // One message to one number: its segments are its cost.
    let cost = Credits(u64::from(body.segments()));
    let balance_after =
        ask.balance
            .available
            .checked_sub(cost)
            .ok_or(AnswerError::InsufficientCredit {
                needed: cost,
                available: ask.balance.available,
            })?;
    let expires_at = now + CONFIRMATION_TTL;
    let summary = AnswerSummary {
        to: ask.to.as_e164().to_owned(),
        sender: sender.as_str().to_owned(),
        encoding: body.encoding(),
        segments: body.segments(),
        cost,
        available: ask.balance.available,
        balance_after: balance_after.0,
        window: ask
            .account
            .sending_policy
            .decide(&Destination::of_number(&ask.to), now),
        token: ask.token.clone(),
        expires_at,
    };
    let answer = Answer {
        token: ask.token,
        to: ask.to,
        sender,
        body,
        cost,
        written_by: ask.written_by,
        expires_at,
    };
    Ok((answer, summary))
}

/// The credit given back for an answer that never left (its number opted out or was erased
/// while it waited).
pub fn refund(cost: Credits) -> Effect {
    Effect::Ledger(LedgerEntry {
        kind: LedgerKind::Refund,
        amount: cost,
        campaign: None,
        reason: Some("answer SMS not sent".to_owned()),
    })
}

impl Answer {
    /// The credit it spends and its audit entry, as effects; the store queues the message with
    /// them in one transaction. The number is checked against the opt-out list again: a STOP
    /// may have arrived since the summary.
    pub fn confirm(
        &self,
        account: &Account,
        user: UserId,
        opted_out: bool,
        now: DateTime<Utc>,
    ) -> Result<Vec<Effect>, AnswerError> {
        if user != self.written_by {
            return Err(AnswerError::NotYours);
        }
        if now > self.expires_at {
            return Err(AnswerError::Expired);
        }
        if opted_out {
            return Err(AnswerError::OptedOut);
        }
        let reason = Some("answer SMS".to_owned());
        // Reserve then debit: the guarded ledger refuses the answer if the balance fell short
        // since the summary.
        Ok(vec![
            Effect::Ledger(LedgerEntry {
                kind: LedgerKind::Reserve,
                amount: self.cost,
                campaign: None,
                reason: reason.clone(),
            }),
            Effect::Ledger(LedgerEntry {
                kind: LedgerKind::Debit,
                amount: self.cost,
                campaign: None,
                reason,
            }),
            // The entry never names the number: it outlives an erasure unchanged.
            Effect::Audit(AuditEntry {
                account: account.id,
                campaign: None,
                actor: Actor::User(user),
                action: AuditAction::AnswerSent,
                detail: format!("answer to a number that wrote in, cost {}", self.cost),
            }),
        ])
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::ids::AccountId;
    use crate::domain::phone::Region;

    fn account(sender: Option<&str>) -> Account {
        let mut account = Account::new(AccountId(1), "shop");
        account.sender = sender.map(|s| SenderId::parse(s).unwrap());
        account
    }

    fn ask<'a>(account: &'a Account, text: &'a str, available: u64) -> AnswerRequest<'a> {
        AnswerRequest {
            account,
            to: PhoneNumber::parse("0612345678", "FR".parse::<Region>().unwrap()).unwrap(),
            text,
            answered_sender: Some(SenderId::parse("Campagne").unwrap()),
            opted_out: false,
            balance: Balance {
                available: Credits(available),
                reserved: Credits(0),
            },
            written_by: UserId(7),
            token: ConfirmationToken::from_random([1; 16]),
        }
    }

    /// A Tuesday at 11:00 in Paris: the French window is open.
    fn open() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 8, 10, 0, 0).unwrap()
    }

    #[test]
    fn an_answer_costs_its_segments_and_comes_from_the_account_sender() {
        let shop = account(Some("MaBoutique"));
        let long = "Bonjour, votre commande part demain. ".repeat(5);
        let (answer, summary) = prepare(ask(&shop, &long, 10), open()).unwrap();
        assert_eq!(summary.segments, 2);
        assert_eq!(answer.cost, Credits(2));
        assert_eq!(summary.balance_after, 8);
        assert_eq!(summary.sender, "MaBoutique");
        assert_eq!(summary.window, Decision::Now);
        assert_eq!(summary.to, "+33612345678");
    }

    #[test]
    fn without_an_account_sender_the_answered_message_sender_is_used() {
        let shop = account(None);
        let (answer, _) = prepare(ask(&shop, "Oui", 10), open()).unwrap();
        assert_eq!(answer.sender.as_str(), "Campagne");
        let mut alone = ask(&shop, "Oui", 10);
        alone.answered_sender = None;
        assert_eq!(prepare(alone, open()).unwrap_err(), AnswerError::NoSender);
    }

    #[test]
    fn refusals_say_why() {
        let shop = account(Some("MaBoutique"));
        assert_eq!(
            prepare(ask(&shop, "Oui", 0), open()).unwrap_err(),
            AnswerError::InsufficientCredit {
                needed: Credits(1),
                available: Credits(0)
            }
        );
        assert_eq!(
            prepare(ask(&shop, "  ", 10), open()).unwrap_err(),
            AnswerError::Body(SmsBodyError::Empty)
        );
        let mut stopped = ask(&shop, "Oui", 10);
        stopped.opted_out = true;
        assert_eq!(prepare(stopped, open()).unwrap_err(), AnswerError::OptedOut);
    }

    #[test]
    fn at_night_the_answer_waits_for_the_window() {
        let shop = account(Some("MaBoutique"));
        let night = Utc.with_ymd_and_hms(2026, 12, 8, 22, 0, 0).unwrap();
        let (_, summary) = prepare(ask(&shop, "Oui", 10), night).unwrap();
        match summary.window {
            Decision::NotBefore { at, .. } => assert!(at > night),
            Decision::Now => panic!("the French window is closed at 23:00"),
        }
    }

    #[test]
    fn confirming_checks_author_expiry_and_opt_out_and_debits_once() {
        let shop = account(Some("MaBoutique"));
        let (answer, _) = prepare(ask(&shop, "Oui", 10), open()).unwrap();
        assert_eq!(
            answer.confirm(&shop, UserId(8), false, open()).unwrap_err(),
            AnswerError::NotYours
        );
        let late = answer.expires_at + chrono::TimeDelta::seconds(1);
        assert_eq!(
            answer.confirm(&shop, UserId(7), false, late).unwrap_err(),
            AnswerError::Expired
        );
        assert_eq!(
            answer.confirm(&shop, UserId(7), true, open()).unwrap_err(),
            AnswerError::OptedOut
        );
        let effects = answer.confirm(&shop, UserId(7), false, open()).unwrap();
        let debited: u64 = effects
            .iter()
            .filter_map(|e| match e {
                Effect::Ledger(l) if l.kind == LedgerKind::Debit => Some(l.amount.0),
                _ => None,
            })
            .sum();
        assert_eq!(debited, 1);
        assert!(effects.iter().all(|e| match e {
            Effect::Audit(a) => !a.detail.contains("612345678"),
            _ => true,
        }));
    }
}
