//! `/support` (open a conversation with the team, close it) and `/privacy`.
use poise::serenity_prelude as serenity;

use crate::bot::reply::ReplyPrivately;

use super::super::access::{self, lang, member, member_may_send};
use super::super::custom_id::CustomId;
use super::super::i18n::{fill, words};
use super::super::support::{lock_threads, notice_prompt, open_thread};
use super::super::{BotError, Context, render};
use crate::app::support::SupportStart;
use crate::domain::consent::ConsentPurpose;

#[poise::command(
    slash_command,
    guild_only,
    subcommands("open", "close"),
    subcommand_required,
    description_localized("fr", "Échanger avec l'équipe d'assistance")
)]
pub async fn support(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Open a private conversation with the support team (asks for your consent first).
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "ouvrir"),
    description_localized(
        "fr",
        "Ouvrir une conversation privée avec l'équipe (votre accord est demandé d'abord)"
    )
)]
async fn open(
    ctx: Context<'_>,
    #[description = "Your question"]
    #[name_localized("fr", "question")]
    #[description_localized("fr", "Votre question")]
    question: String,
) -> Result<(), BotError> {
    let who = access::requester(ctx)?;
    let l = lang(ctx);
    let app = &ctx.data().app;
    app.ensure_account(who.account, &access::guild_name(ctx))
        .await?;
    match app
        .request_support(who.account, who.user, &question)
        .await?
    {
        SupportStart::NeedsConsent { request } => {
            let (text, rows) = notice_prompt(request, l);
            ctx.reply_private_with(text, rows).await?;
        }
        SupportStart::Open(opening) => {
            ctx.defer_ephemeral().await?;
            let thread = open_thread(ctx.http(), ctx.data(), ctx.author(), &opening, l).await?;
            let text = fill(l.texts().support_opened, &[("thread", &thread.get())]);
            ctx.reply_private(text).await?;
        }
    }
    Ok(())
}

/// Close this support conversation (support role or Manage Server).
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "clore"),
    description_localized(
        "fr",
        "Clore cette conversation d'assistance (rôle d'assistance ou Gérer le serveur)"
    )
)]
async fn close(ctx: Context<'_>) -> Result<(), BotError> {
    let who = access::requester(ctx)?;
    let l = lang(ctx);
    let app = &ctx.data().app;
    let settings = app.support_settings(who.account).await?;
    if !member_may_send(member(ctx), settings.role) {
        return Err(BotError::User(l.texts().need_support_role.to_owned()));
    }
    let thread = ctx.channel_id();
    let closed = app.close_support(thread.get(), who.user).await?;
    // Asked where the conversation happened: in the thread, before it is locked.
    let survey = app
        .offer_survey(
            &format!("support:{}", thread.get()),
            closed.account,
            closed.user,
            crate::domain::rating::RatedInteraction::Support {
                thread: thread.get(),
            },
        )
        .await?;
    let mut message = serenity::CreateMessage::new().content(l.texts().support_closed);
    if let Some(survey) = survey {
        let (question, rows) = super::super::surveys::question(survey, l);
        message = serenity::CreateMessage::new()
            .content(format!(
                "{}\n\n<@{}> {question}",
                l.texts().support_closed,
                closed.user
            ))
            .components(rows)
            .allowed_mentions(
                serenity::CreateAllowedMentions::new()
                    .users([serenity::UserId::new(closed.user.0)]),
            );
    }
    ctx.reply_private(l.texts().support_closed).await?;
    thread.send_message(ctx.http(), message).await?;
    lock_threads(ctx.http(), &[thread.get()]).await;
    Ok(())
}

/// Your consents and your data in this server: withdraw, export, delete.
#[poise::command(
    slash_command,
    guild_only,
    name_localized("fr", "confidentialité"),
    description_localized(
        "fr",
        "Vos accords et vos données sur ce serveur : retirer, exporter, supprimer"
    )
)]
pub async fn privacy(ctx: Context<'_>) -> Result<(), BotError> {
    let who = access::requester(ctx)?;
    let l = lang(ctx);
    let t = l.texts();
    let app = &ctx.data().app;
    let data = app.personal_data(who.account, who.user).await?;
    let granted = &data.granted;
    let consents = match granted.is_empty() {
        true => t.privacy_none.to_owned(),
        false => granted
            .iter()
            .map(|p| fill(t.privacy_granted, &[("purpose", &words::purpose(t, *p))]))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let text = fill(
        t.privacy_header,
        &[
            ("consents", &consents),
            ("ratings", &data.ratings.len()),
            ("reviews", &data.public_reviews.len()),
            ("threads", &data.support_conversations.len()),
        ],
    );
    let mut buttons = Vec::new();
    if granted.contains(&ConsentPurpose::SupportChat) {
        buttons.push(render::button(
            &CustomId::Withdraw,
            t.withdraw,
            serenity::ButtonStyle::Secondary,
        ));
    }
    buttons.push(render::button(
        &CustomId::Export,
        t.export,
        serenity::ButtonStyle::Primary,
    ));
    buttons.push(render::button(
        &CustomId::Erase,
        t.erase,
        serenity::ButtonStyle::Danger,
    ));
    ctx.reply_private_with(text, vec![serenity::CreateActionRow::Buttons(buttons)])
        .await?;
    Ok(())
}
