//! Answering people. A command answers privately through one context extension
//! ([`ReplyPrivately`]); a button or a form through [`respond_privately`] or, to change the
//! clicked message in place, [`update_message`]. Nothing else builds an ephemeral reply.
use poise::serenity_prelude as serenity;

use super::i18n::Lang;
use super::{BotError, Context, Data};

/// A command's private answer: only the person who ran it sees it.
pub trait ReplyPrivately {
    async fn reply_private(&self, text: impl Into<String>) -> Result<(), BotError>;
    /// With buttons under it.
    async fn reply_private_with(
        &self,
        text: impl Into<String>,
        rows: Vec<serenity::CreateActionRow>,
    ) -> Result<(), BotError>;
}

impl ReplyPrivately for Context<'_> {
    async fn reply_private(&self, text: impl Into<String>) -> Result<(), BotError> {
        self.reply_private_with(text, Vec::new()).await
    }

    async fn reply_private_with(
        &self,
        text: impl Into<String>,
        rows: Vec<serenity::CreateActionRow>,
    ) -> Result<(), BotError> {
        let reply = poise::CreateReply::default()
            .content(text)
            .components(rows)
            .ephemeral(true);
        self.send(reply).await?;
        Ok(())
    }
}

/// Answers a click or a form with a message only its author sees.
pub async fn respond_privately(
    ctx: &serenity::Context,
    id: serenity::InteractionId,
    token: &str,
    message: serenity::CreateInteractionResponseMessage,
) -> Result<(), BotError> {
    use serenity::Builder as _;
    serenity::CreateInteractionResponse::Message(message.ephemeral(true))
        .execute(&ctx.http, (id, token))
        .await?;
    Ok(())
}

/// [`respond_privately`] with a text alone, for errors: a failure to answer is only logged.
pub async fn respond_privately_or_log(
    ctx: &serenity::Context,
    id: serenity::InteractionId,
    token: &str,
    text: &str,
) {
    let message = serenity::CreateInteractionResponseMessage::new().content(text);
    if let Err(e) = respond_privately(ctx, id, token, message).await {
        tracing::warn!(error = %e, "could not answer an interaction with its error");
    }
}

/// Replaces the clicked message's text and buttons.
pub async fn update_message(
    ctx: &serenity::Context,
    click: &serenity::ComponentInteraction,
    text: String,
    rows: Vec<serenity::CreateActionRow>,
) -> Result<(), BotError> {
    let message = serenity::CreateInteractionResponseMessage::new()
        .content(text)
        .components(rows);
    click
        .create_response(
            &ctx.http,
            serenity::CreateInteractionResponse::UpdateMessage(message),
        )
        .await?;
    Ok(())
}

/// Answers a command that failed, privately, in the person's language.
pub async fn on_error(error: poise::FrameworkError<'_, Data, BotError>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            let lang = Lang::of(ctx.locale());
            if let Err(e) = ctx.reply_private(error.message(lang)).await {
                tracing::warn!(error = %e, "could not tell the user about an error");
            }
        }
        poise::FrameworkError::GuildOnly { ctx, .. } => {
            let lang = Lang::of(ctx.locale());
            if let Err(e) = ctx.reply_private(lang.texts().guild_only).await {
                tracing::warn!(error = %e, "could not tell the user a command needs a server");
            }
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!(error = %e, "error while handling an error");
            }
        }
    }
}
