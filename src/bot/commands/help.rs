//! `/help`: how a campaign goes from draft to 100%.
use crate::bot::access::lang;
use crate::bot::reply::ReplyPrivately;
use crate::bot::{BotError, Context};

/// How a campaign goes from draft to 100%.
#[poise::command(
    slash_command,
    name_localized("fr", "aide"),
    description_localized("fr", "Comment une campagne passe du brouillon à 100 %")
)]
pub async fn help(ctx: Context<'_>) -> Result<(), BotError> {
    ctx.reply_private(lang(ctx).texts().help).await?;
    Ok(())
}
