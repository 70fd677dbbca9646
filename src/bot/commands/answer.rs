//! `/reply`: answer, by SMS, the number a replies thread is with.
use poise::serenity_prelude as serenity;

use crate::bot::access::{self, lang};
use crate::bot::answers;
use crate::bot::reply::ReplyPrivately;
use crate::bot::{BotError, Context};
use crate::domain::ids::ChannelId;

/// Answer by SMS the number this thread is with (priced, then confirmed with the button).
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "répondre"),
    description_localized(
        "fr",
        "Répondre par SMS au numéro de ce fil (avec son coût, puis confirmé par le bouton)"
    )
)]
pub async fn reply(
    ctx: Context<'_>,
    #[description = "The SMS to send"]
    #[name_localized("fr", "texte")]
    #[description_localized("fr", "Le SMS à envoyer")]
    #[max_length = 1600]
    text: String,
) -> Result<(), BotError> {
    let who = access::require_sender(ctx).await?;
    let l = lang(ctx);
    let thread = ChannelId(ctx.channel_id().get());
    let summary = ctx.data().app.prepare_answer(who, thread, &text).await?;
    let button = answers::confirm_button(&summary.token, l);
    ctx.reply_private_with(
        answers::summary(&summary, l),
        vec![serenity::CreateActionRow::Buttons(vec![button])],
    )
    .await?;
    Ok(())
}
