//! Slash commands. Names and descriptions are localized for `fr`.
pub mod campaign;
mod other;
mod support;

pub use campaign::cancel_prompt;

use super::{BotError, Data};

pub fn all() -> Vec<poise::Command<Data, BotError>> {
    vec![
        campaign::campaign(),
        other::credits(),
        other::help(),
        other::settings(),
        other::timezone(),
        support::support(),
        support::privacy(),
    ]
}
