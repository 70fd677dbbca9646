//! `/credits`: the server's balance and its last movements.
use crate::bot::access::{self, lang};
use crate::bot::reply::ReplyPrivately;
use crate::bot::{BotError, Context, render};

/// Show the server's credit balance and its last movements.
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "crédits"),
    description_localized("fr", "Voir le solde de crédits du serveur et ses derniers mouvements")
)]
pub async fn credits(ctx: Context<'_>) -> Result<(), BotError> {
    let who = access::requester(ctx)?;
    ctx.data()
        .app
        .ensure_account(who.account, &access::guild_name(ctx))
        .await?;
    let view = ctx.data().app.credits(who.account, 10).await?;
    ctx.reply_private(render::credits(&view, lang(ctx))).await?;
    Ok(())
}
