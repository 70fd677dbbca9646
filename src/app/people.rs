//! Moderators, consent and ratings.
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, SaltString};

use crate::domain::consent::{ConsentDecision, ConsentPurpose, ConsentRecord, Notice, is_granted};
use crate::domain::ids::{AccountId, ChannelId, ModeratorName, UserId};
use crate::domain::opt_out::OptOutReason;
use crate::domain::rating::{RatedInteraction, Rating, RatingRecord};

use chrono::TimeDelta;

use crate::store::ReplyToPost;

use super::{App, AppError};

/// Characters of a reply kept (an SMS reply spans a few segments at most).
const MAX_REPLY_CHARS: usize = 2_000;

impl App {
    /// Adds a console moderator; the password is stored as an argon2id hash only.
    #[tracing::instrument(skip_all, fields(moderator = name))]
    pub async fn add_moderator(
        &self,
        name: &str,
        password: &str,
    ) -> Result<ModeratorName, AppError> {
        let name = ModeratorName::parse(name)?;
        crate::domain::sign_in::check_password(password)?;
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(AppError::internal)?;
        let salt = SaltString::encode_b64(&salt).map_err(AppError::internal)?;
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(AppError::internal)?
            .to_string();
        self.store.add_moderator(&name, &hash, self.now()).await?;
        Ok(name)
    }

    /// Records a decision on a consent notice (append-only: withdrawing adds a record).
    #[tracing::instrument(skip_all, fields(server = account.0, user = user.0))]
    pub async fn record_consent(
        &self,
        account: AccountId,
        user: UserId,
        purpose: ConsentPurpose,
        notice: Notice,
        decision: ConsentDecision,
        interaction: Option<String>,
    ) -> Result<(), AppError> {
        let record = ConsentRecord {
            account,
            user,
            purpose,
            notice,
            decision,
            interaction,
        };
        self.store.append_consent(&record, self.now()).await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, level = "debug", fields(server = account.0, user = user.0))]
    pub async fn has_consent(
        &self,
        account: AccountId,
        user: UserId,
        purpose: ConsentPurpose,
    ) -> Result<bool, AppError> {
        let history = self.store.consents(account, user).await?;
        Ok(is_granted(history.iter().map(|(r, _)| r), purpose))
    }

    #[tracing::instrument(skip_all, fields(server = account.0, user = user.0))]
    pub async fn rate(
        &self,
        account: AccountId,
        user: UserId,
        subject: RatedInteraction,
        rating: i64,
        comment: Option<String>,
    ) -> Result<Rating, AppError> {
        let rating = Rating::new(rating)?;
        let comment = comment
            .map(|c| c.trim().chars().take(1000).collect::<String>())
            .filter(|c| !c.is_empty());
        self.store
            .add_rating(
                &RatingRecord {
                    account,
                    user,
                    subject,
                    rating,
                    comment,
                },
                self.now(),
            )
            .await?;
        Ok(rating)
    }
}

impl App {
    /// A message from a phone, kept for every account that has sent to the number (and posted
    /// to its replies channel); an opt-out reply ("STOP") also puts the number on each of
    /// their opt-out lists. Returns how many accounts it reached.
    #[tracing::instrument(skip_all)]
    pub async fn reply_received(&self, from: &str, text: &str) -> Result<usize, AppError> {
        let opted_out = crate::domain::replies::is_opt_out(text);
        let from = from.trim();
        let e164 = if from.starts_with('+') {
            from.to_owned()
        } else {
            format!("+{from}")
        };
        let phone = crate::domain::phone::PhoneNumber::from_e164(&e164)?;
        let accounts = self.store.accounts_that_sent_to(&phone).await?;
        let now = self.now();
        // A reply is a few hundred characters at most; a longer one is cut, not refused.
        let text: String = text.chars().take(MAX_REPLY_CHARS).collect();
        for account in &accounts {
            if opted_out {
                self.store
                    .add_opt_out(*account, &phone, OptOutReason::Stop, None, None, now)
                    .await?;
            }
            self.store
                .record_reply(*account, &phone, &text, opted_out, now)
                .await?;
        }
        tracing::info!(accounts = accounts.len(), opted_out, "reply received");
        Ok(accounts.len())
    }

    /// Replies to post to their accounts' replies channels, each claimed for a minute.
    pub async fn claim_replies(&self, limit: u32) -> Result<Vec<ReplyToPost>, AppError> {
        let now = self.now();
        Ok(self
            .store
            .claim_replies(now, now + TimeDelta::minutes(1), limit)
            .await?)
    }

    pub async fn reply_thread_opened(
        &self,
        reply: &ReplyToPost,
        thread: ChannelId,
    ) -> Result<(), AppError> {
        Ok(self.store.reply_thread_opened(reply, thread).await?)
    }

    pub async fn reply_posted(
        &self,
        reply: &ReplyToPost,
        thread: ChannelId,
    ) -> Result<(), AppError> {
        Ok(self.store.reply_posted(reply, thread, self.now()).await?)
    }
}
