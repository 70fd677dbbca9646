//! One error type for commands and handlers, and what the person reads of it: user errors
//! readably, internal ones as an apology and an incident id (answered by `reply::on_error`).
use poise::serenity_prelude as serenity;

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
