//! `/timezone`: the zone a person's scheduled sends default to (a personal setting, so not
//! under `/settings`, which is for managers).
use super::autocomplete::zones;
use crate::bot::access::lang;
use crate::bot::i18n::fill;
use crate::bot::reply::ReplyPrivately;
use crate::bot::{BotError, Context};

/// Save the time zone your scheduled sends default to.
#[poise::command(
    slash_command,
    name_localized("fr", "fuseau"),
    description_localized(
        "fr",
        "Enregistrer le fuseau horaire par défaut de vos envois programmés"
    )
)]
pub async fn timezone(
    ctx: Context<'_>,
    #[description = "IANA time zone, such as Europe/Paris"]
    #[name_localized("fr", "fuseau")]
    #[description_localized("fr", "Fuseau IANA, par exemple Europe/Paris")]
    #[autocomplete = "zones"]
    zone: String,
) -> Result<(), BotError> {
    let zone = ctx
        .data()
        .app
        .set_user_zone(crate::domain::ids::UserId(ctx.author().id.get()), &zone)
        .await?;
    let text = fill(lang(ctx).texts().zone_saved, &[("zone", &zone.name())]);
    ctx.reply_private(text).await?;
    Ok(())
}
