//! Slash commands. Names and descriptions are localized for `fr`.
mod answer;
mod audience;
mod autocomplete;
pub mod campaign;
mod credits;
mod help;
mod optout;
mod settings;
mod support;
mod timezone;

use super::{BotError, Data};

pub fn all() -> Vec<poise::Command<Data, BotError>> {
    vec![
        answer::reply(),
        audience::audience(),
        campaign::campaign(),
        credits::credits(),
        help::help(),
        optout::optout(),
        settings::settings(),
        timezone::timezone(),
        support::support(),
        support::privacy(),
    ]
}
