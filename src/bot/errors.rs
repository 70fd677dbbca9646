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
        match self {
            BotError::App(e) if !e.is_internal() => match lang {
                Lang::Fr => super::i18n::fr_errors::app_error(e).unwrap_or_else(|| e.to_string()),
                Lang::En => e.to_string(),
            },
            BotError::App(AppError::Internal { incident }) => {
                fill(lang.texts().internal_error, &[("incident", incident)])
            }
            BotError::User(message) => message.clone(),
            other => {
                let internal = AppError::internal(other);
                let AppError::Internal { incident } = internal else {
                    unreachable!()
                };
                fill(lang.texts().internal_error, &[("incident", &incident)])
            }
        }
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
