//! Answering a number from its replies thread: write and price, confirm, then follow the
//! message until its status is final (the bot shows each step on the thread message).
use chrono::TimeDelta;

use crate::domain::answer::{self, AnswerError, AnswerRequest, AnswerSummary};
use crate::domain::campaign::ConfirmationToken;
use crate::domain::delivery::DeliveryStatus;
use crate::domain::ids::ChannelId;
use crate::domain::phone::PhoneNumber;
use crate::domain::sender::SenderId;
use crate::store::AnswerUpdate;

use super::{App, AppError, Requester};

/// What confirming an answer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerQueued {
    pub to: String,
    pub cost: crate::domain::credits::Credits,
    /// `false`: an earlier click confirmed it already; nothing more was spent.
    pub first: bool,
}

impl App {
    /// Prices `text` as an answer to the number `thread` is with; it goes once confirmed.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0))]
    pub async fn prepare_answer(
        &self,
        who: Requester,
        thread: ChannelId,
        text: &str,
    ) -> Result<AnswerSummary, AppError> {
        let contact = self
            .store
            .thread_contact(thread)
            .await?
            .filter(|c| c.account == who.account)
            .ok_or(AppError::NotAReplyThread)?;
        let to = PhoneNumber::from_e164(&contact.phone).map_err(AppError::internal)?;
        let (account, balance) = self.account(who.account).await?;
        let opted_out = self.is_opted_out(&contact.account, &contact.phone).await?;
        let now = self.now();
        let ask = AnswerRequest {
            account: &account,
            to,
            text,
            answered_sender: contact
                .answered_sender
                .as_deref()
                .and_then(|s| SenderId::parse(s).ok()),
            opted_out,
            balance,
            written_by: who.user,
            token: Self::new_token()?,
        };
        let (answer, summary) = answer::prepare(ask, now)?;
        self.store
            .save_answer(who.account, thread, &answer, now)
            .await?;
        Ok(summary)
    }

    /// Confirms an answer: its credit is spent and its message queued, once however many
    /// times the button is clicked.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0))]
    pub async fn confirm_answer(
        &self,
        who: Requester,
        token: &str,
    ) -> Result<AnswerQueued, AppError> {
        let token = ConfirmationToken::parse(token).map_err(|_| AppError::UnknownConfirmation)?;
        let stored = self
            .store
            .answer(&token)
            .await?
            .filter(|s| s.account == who.account)
            .ok_or(AppError::UnknownConfirmation)?;
        let queued = |first| AnswerQueued {
            to: stored.answer.to.as_e164().to_owned(),
            cost: stored.answer.cost,
            first,
        };
        if stored.confirmed {
            if stored.answer.written_by != who.user {
                return Err(AnswerError::NotYours.into());
            }
            return Ok(queued(false));
        }
        let (account, _) = self.account(who.account).await?;
        let opted_out = self
            .is_opted_out(&who.account, stored.answer.to.as_e164())
            .await?;
        let effects = stored
            .answer
            .confirm(&account, who.user, opted_out, self.now())?;
        let first = self
            .store
            .confirm_answer(stored.id, who.account, &effects, self.now())
            .await?;
        Ok(queued(first))
    }

    /// Confirmed answers whose status changed since their thread message showed it, each
    /// claimed for a minute. (One that ended unsent was refunded as it ended.)
    pub async fn claim_answer_updates(&self, limit: u32) -> Result<Vec<AnswerUpdate>, AppError> {
        let now = self.now();
        let mut updates = self
            .store
            .claim_answer_updates(now, now + TimeDelta::minutes(1), limit)
            .await?;
        for update in &mut updates {
            update.waiting_for_window =
                update.status == DeliveryStatus::Pending && update.due_at > now;
        }
        Ok(updates)
    }

    /// The thread message `message` shows the update now; `None`: it can't be shown (Discord
    /// refuses), and is not tried again until the answer's status changes.
    pub async fn answer_shown(
        &self,
        update: &AnswerUpdate,
        message: Option<u64>,
    ) -> Result<(), AppError> {
        Ok(self.store.answer_shown(update, message, self.now()).await?)
    }

    /// Forgets answers written but not confirmed in time: their text was meant for a person,
    /// and is kept no longer than needed to say "expired" to a late click.
    pub async fn forget_unconfirmed_answers(&self) -> Result<u64, AppError> {
        let before = self.now() - TimeDelta::hours(1);
        Ok(self.store.forget_unconfirmed_answers(before).await?)
    }

    async fn is_opted_out(
        &self,
        account: &crate::domain::ids::AccountId,
        phone: &str,
    ) -> Result<bool, AppError> {
        Ok(!self
            .store
            .opted_out_among(*account, &[phone])
            .await?
            .is_empty())
    }
}
