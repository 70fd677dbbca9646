//! Support conversations, opened only with consent, and a person's privacy controls: their
//! consents, withdrawing, exporting and erasing their data.
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::consent::{ConsentDecision, ConsentPurpose, ConsentRecord, Notice, is_granted};
use crate::domain::ids::{AccountId, RoleId, SupportRequestId, UserId};
use crate::domain::support::SupportQuestion;
use crate::store::{RatingData, ReviewData, SupportSettings, SupportThread};

use super::{App, AppError};

/// What `/support` leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SupportStart {
    /// Show the notice first; Accept opens request `request`.
    NeedsConsent { request: SupportRequestId },
    /// Open the thread now.
    Open(SupportOpening),
}

/// Everything Herald keeps about a person in one server: what /privacy shows and exports.
#[derive(Debug, Clone, Serialize)]
pub struct PersonalData {
    pub server: String,
    pub user: String,
    pub exported_at: DateTime<Utc>,
    pub consents: Vec<ConsentData>,
    pub ratings: Vec<RatingData>,
    pub public_reviews: Vec<ReviewData>,
    pub support_conversations: Vec<SupportThread>,
    pub preferences: Preferences,
    /// The purposes consent stands for now (derived from `consents`, not exported).
    #[serde(skip)]
    pub granted: Vec<ConsentPurpose>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConsentData {
    pub purpose: &'static str,
    pub decision: &'static str,
    pub notice_version: String,
    pub notice_sha256: String,
    pub interaction: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Preferences {
    pub time_zone: Option<&'static str>,
    pub locale: Option<String>,
}

/// Where to open a conversation, and with what first message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportOpening {
    pub account: AccountId,
    pub channel: u64,
    pub role: Option<RoleId>,
    pub question: String,
}

impl App {
    #[tracing::instrument(skip_all, level = "debug", fields(server = account.0))]
    pub async fn support_settings(&self, account: AccountId) -> Result<SupportSettings, AppError> {
        Ok(self.store.support_settings(account).await?)
    }

    #[tracing::instrument(skip_all, fields(server = account.0))]
    pub async fn set_support_settings(
        &self,
        account: AccountId,
        settings: SupportSettings,
    ) -> Result<(), AppError> {
        self.account(account).await?;
        Ok(self.store.set_support_settings(account, settings).await?)
    }

    /// `/support <question>`: opens at once with consent, otherwise keeps the question until
    /// the person answers the notice.
    #[tracing::instrument(skip_all, fields(server = account.0, user = user.0))]
    pub async fn request_support(
        &self,
        account: AccountId,
        user: UserId,
        question: &str,
    ) -> Result<SupportStart, AppError> {
        let question = SupportQuestion::parse(question)?;
        let settings = self.store.support_settings(account).await?;
        let Some(channel) = settings.channel else {
            return Err(AppError::SupportNotConfigured);
        };
        if self
            .has_consent(account, user, ConsentPurpose::SupportChat)
            .await?
        {
            return Ok(SupportStart::Open(SupportOpening {
                account,
                channel,
                role: settings.role,
                question: question.as_str().to_owned(),
            }));
        }
        let request = self
            .store
            .add_support_request(account, user, question.as_str(), self.now())
            .await?;
        Ok(SupportStart::NeedsConsent { request })
    }

    /// The notice answered: the decision is recorded (append-only, with the notice and the
    /// interaction); on Accept the kept question is handed back to open the conversation.
    #[tracing::instrument(skip_all, fields(user = user.0, request = request.0))]
    pub async fn answer_support_notice(
        &self,
        request: SupportRequestId,
        user: UserId,
        accept: bool,
        notice: Notice,
        interaction: String,
    ) -> Result<Option<SupportOpening>, AppError> {
        let (account, question) = self
            .store
            .take_support_request(request, user)
            .await?
            .ok_or(AppError::UnknownSupportRequest)?;
        let decision = match accept {
            true => ConsentDecision::Granted,
            false => ConsentDecision::Declined,
        };
        self.record_consent(
            account,
            user,
            ConsentPurpose::SupportChat,
            notice,
            decision,
            Some(interaction),
        )
        .await?;
        if !accept {
            return Ok(None);
        }
        let settings = self.store.support_settings(account).await?;
        let channel = settings.channel.ok_or(AppError::SupportNotConfigured)?;
        Ok(Some(SupportOpening {
            account,
            channel,
            role: settings.role,
            question,
        }))
    }

    #[tracing::instrument(skip_all, fields(server = account.0, user = user.0, thread = thread))]
    pub async fn support_opened(
        &self,
        thread: u64,
        account: AccountId,
        user: UserId,
    ) -> Result<(), AppError> {
        let record = SupportThread {
            thread,
            account,
            user,
            opened_at: self.now(),
            closed_at: None,
        };
        Ok(self.store.add_support_thread(&record).await?)
    }

    /// Closes a support conversation; returns it (for the survey that follows).
    #[tracing::instrument(skip_all, fields(user = by.0, thread = thread))]
    pub async fn close_support(&self, thread: u64, by: UserId) -> Result<SupportThread, AppError> {
        let found = self
            .store
            .support_thread(thread)
            .await?
            .ok_or(AppError::NotASupportThread)?;
        if !self
            .store
            .close_support_thread(thread, &format!("user {by}"), self.now())
            .await?
        {
            return Err(AppError::SupportAlreadyClosed);
        }
        Ok(found)
    }

    /// Withdraws consent at once; returns the open conversations, now closed, for the bot to
    /// lock.
    #[tracing::instrument(skip_all, fields(server = account.0, user = user.0))]
    pub async fn withdraw_consent(
        &self,
        account: AccountId,
        user: UserId,
        purpose: ConsentPurpose,
        notice: Notice,
        interaction: String,
    ) -> Result<Vec<u64>, AppError> {
        let withdrawn = ConsentDecision::Withdrawn;
        self.record_consent(account, user, purpose, notice, withdrawn, Some(interaction))
            .await?;
        match purpose {
            ConsentPurpose::SupportChat => {
                self.close_open_threads(account, user, "consent withdrawn")
                    .await
            }
            ConsentPurpose::PublicReview => Ok(Vec::new()),
        }
    }

    /// Closes `user`'s open conversations in `account`; returns the ones this call closed.
    async fn close_open_threads(
        &self,
        account: AccountId,
        user: UserId,
        reason: &str,
    ) -> Result<Vec<u64>, AppError> {
        let mut closed = Vec::new();
        for t in self.store.support_threads_of(account, user).await? {
            if t.closed_at.is_none()
                && self
                    .store
                    .close_support_thread(t.thread, reason, self.now())
                    .await?
            {
                closed.push(t.thread);
            }
        }
        Ok(closed)
    }

    /// Everything Herald keeps about a person in this server.
    #[tracing::instrument(skip_all, fields(server = account.0, user = user.0))]
    pub async fn personal_data(
        &self,
        account: AccountId,
        user: UserId,
    ) -> Result<PersonalData, AppError> {
        let history: Vec<(ConsentRecord, DateTime<Utc>)> =
            self.store.consents(account, user).await?;
        let granted = [ConsentPurpose::SupportChat, ConsentPurpose::PublicReview]
            .into_iter()
            .filter(|p| is_granted(history.iter().map(|(r, _)| r), *p))
            .collect();
        let consents = history
            .into_iter()
            .map(|(r, at)| ConsentData {
                purpose: r.purpose.as_str(),
                decision: r.decision.as_str(),
                notice_version: r.notice.version,
                notice_sha256: r.notice.hash,
                interaction: r.interaction,
                at,
            })
            .collect();
        Ok(PersonalData {
            server: account.0.to_string(),
            user: user.0.to_string(),
            exported_at: self.now(),
            consents,
            ratings: self.store.ratings_of(account, user).await?,
            public_reviews: self.store.reviews_of(account, user).await?,
            support_conversations: self.store.support_threads_of(account, user).await?,
            preferences: Preferences {
                time_zone: self.user_zone(user).await?.map(|z| z.name()),
                locale: self.user_locale(user).await?,
            },
            granted,
        })
    }

    /// The same, as the JSON a person downloads.
    #[tracing::instrument(skip_all, fields(server = account.0, user = user.0))]
    pub async fn export_personal_data(
        &self,
        account: AccountId,
        user: UserId,
    ) -> Result<serde_json::Value, AppError> {
        serde_json::to_value(self.personal_data(account, user).await?).map_err(AppError::internal)
    }

    /// Erases a person's personal data in this server (see `SupportStore::erase_personal_data`),
    /// after closing their open conversations, whose ids it returns.
    #[tracing::instrument(skip_all, fields(server = account.0, user = user.0))]
    pub async fn erase_personal_data(
        &self,
        account: AccountId,
        user: UserId,
    ) -> Result<Vec<u64>, AppError> {
        let closed = self
            .close_open_threads(account, user, "data erased")
            .await?;
        self.store.erase_personal_data(account, user).await?;
        Ok(closed)
    }
}
