//! One error type for commands and handlers, and one place that answers failures: user errors
//! ephemerally and readably, internal ones with an apology and an incident id.
use poise::serenity_prelude as serenity;

use super::Data;
use super::i18n::{Lang, fill};
use crate::app::AppError;

#[derive(Debug, thiserror::Error)]
pub enum BotError {
    #[error(transparent)]
    App(#[from] AppError),
    /// A refusal written for the person, already in their language.
    #[error("{0}")]
    User(String),
    /// Boxed: serenity's error is large, and every command returns this type.
    #[error("Discord: {0}")]
    Discord(Box<serenity::Error>),
}

impl From<serenity::Error> for BotError {
    fn from(e: serenity::Error) -> BotError {
        BotError::Discord(Box::new(e))
    }
}

impl BotError {
    /// What the person reads.
    pub fn message(&self, lang: Lang) -> String {
        let incident = match self {
            BotError::App(AppError::Internal { incident }) => incident.clone(),
            BotError::App(e) => match super::i18n::errors::app_error(e, lang) {
                Some(message) => return message,
                // A refusal no command can cause: a bug to look into, not a user's mistake.
                None => AppError::internal(e).incident().to_owned(),
            },
            BotError::User(message) => return message.clone(),
            BotError::Discord(e) => AppError::internal(e).incident().to_owned(),
        };
        fill(lang.texts().internal_error, &[("incident", &incident)])
    }
}

pub async fn on_error(error: poise::FrameworkError<'_, Data, BotError>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            let lang = Lang::of(ctx.locale());
            let reply = poise::CreateReply::default()
                .content(error.message(lang))
                .ephemeral(true);
            if let Err(e) = ctx.send(reply).await {
                tracing::warn!(error = %e, "could not tell the user about an error");
            }
        }
        poise::FrameworkError::GuildOnly { ctx, .. } => {
            let lang = Lang::of(ctx.locale());
            let _ = ctx
                .send(
                    poise::CreateReply::default()
                        .content(lang.texts().guild_only)
                        .ephemeral(true),
                )
                .await;
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!(error = %e, "error while handling an error");
            }
        }
    }
}
