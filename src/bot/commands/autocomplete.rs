//! Suggestions while a person types an option: campaign names, time zones.
use poise::serenity_prelude as serenity;

use crate::bot::Context;

pub async fn campaign_names(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let names = match ctx.guild_id() {
        Some(g) => {
            ctx.data()
                .app
                .campaign_names(crate::domain::ids::AccountId(g.get()), partial, 25)
                .await
        }
        None => Ok(Vec::new()),
    };
    let choices = names
        .unwrap_or_default()
        .into_iter()
        .map(serenity::AutocompleteChoice::from)
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

pub async fn zones(_ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let choices = crate::domain::zone::Zone::suggest(partial, 25)
        .into_iter()
        .map(serenity::AutocompleteChoice::from)
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

pub async fn audience_names(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let audiences = match ctx.guild_id() {
        Some(g) => {
            ctx.data()
                .app
                .audiences(crate::domain::ids::AccountId(g.get()))
                .await
        }
        None => Ok(Vec::new()),
    };
    // A list of audiences ("clients, vi"): the last one is being typed, the others kept.
    let (done, typing) = match partial.rsplit_once(',') {
        Some((done, typing)) => (format!("{}, ", done.trim()), typing.trim().to_lowercase()),
        None => (String::new(), partial.trim().to_lowercase()),
    };
    let choices = audiences
        .unwrap_or_default()
        .into_iter()
        .map(|a| a.name.to_string())
        .filter(|name| name.to_lowercase().contains(&typing))
        .map(|name| format!("{done}{name}"))
        // Discord takes choices of at most 100 characters.
        .filter(|choice| choice.chars().count() <= 100)
        .take(25)
        .map(serenity::AutocompleteChoice::from)
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}
