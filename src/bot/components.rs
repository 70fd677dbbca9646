//! The one handler for buttons and modal submissions, keyed by `custom_id`. Nothing is kept in
//! memory between the message and the click: it all comes from the id and the database.
use poise::serenity_prelude as serenity;

use super::access::{member_is_manager, member_may_send};
use super::custom_id::CustomId;
use super::i18n::{Lang, fill};
use super::{BotError, Data, render};
use crate::app::{AppError, DraftInput, Requester};
use crate::domain::campaign::CampaignError;
use crate::domain::ids::{AccountId, ChannelId, UserId};

pub async fn on_event(
    framework: poise::FrameworkContext<'_, Data, BotError>,
    event: &serenity::FullEvent,
) -> Result<(), BotError> {
    let serenity::FullEvent::InteractionCreate { interaction } = event else {
        return Ok(());
    };
    let ctx = framework.serenity_context;
    let data = framework.user_data().await;
    match interaction {
        serenity::Interaction::Component(click) => {
            let Some(id) = CustomId::parse(&click.data.custom_id) else {
                return Ok(());
            };
            let lang = Lang::of(Some(&click.locale));
            if let Err(e) = on_click(ctx, data, click, id, lang).await {
                reply_ephemeral(ctx, &click.id, &click.token, &e.message(lang)).await;
            }
        }
        serenity::Interaction::Modal(submit) => {
            let Some(id) = CustomId::parse(&submit.data.custom_id) else {
                return Ok(());
            };
            let lang = Lang::of(Some(&submit.locale));
            if let Err(e) = on_modal(ctx, data, submit, id, lang).await {
                reply_ephemeral(ctx, &submit.id, &submit.token, &e.message(lang)).await;
            }
        }
        _ => {}
    }
    Ok(())
}

fn requester(
    guild: Option<serenity::GuildId>,
    user: &serenity::User,
    channel: serenity::ChannelId,
    lang: Lang,
) -> Result<Requester, BotError> {
    let guild = guild.ok_or_else(|| BotError::User(lang.texts().guild_only.to_owned()))?;
    Ok(Requester {
        account: AccountId(guild.get()),
        user: UserId(user.id.get()),
        channel: Some(ChannelId(channel.get())),
    })
}

async fn on_click(
    ctx: &serenity::Context,
    data: &Data,
    click: &serenity::ComponentInteraction,
    id: CustomId,
    lang: Lang,
) -> Result<(), BotError> {
    let t = lang.texts();
    // Surveys come to DMs as well as servers.
    match id {
        CustomId::Rate(survey, rating) => {
            return super::surveys::rate(ctx, data, click, survey, rating, lang).await;
        }
        CustomId::Review(survey) => {
            return super::surveys::open_review_form(ctx, click, survey, lang).await;
        }
        CustomId::ContactAgain(survey) => {
            return super::surveys::open_contact_form(ctx, click, survey, lang).await;
        }
        CustomId::SupportNotice(request, accept) => {
            return super::support::answer_notice(ctx, data, click, request, accept, lang).await;
        }
        CustomId::Withdraw | CustomId::Export | CustomId::Erase => {
            return super::support::privacy_button(ctx, data, click, id, lang).await;
        }
        _ => {}
    }
    let who = requester(click.guild_id, &click.user, click.channel_id, lang)?;
    match id {
        CustomId::Confirm(token) => match data.app.confirm(who, &token).await {
            Ok(outcome) => {
                let text = render::confirm_outcome(&outcome, lang);
                update_message(ctx, click, text, Vec::new()).await
            }
            Err(AppError::Campaign(CampaignError::ConfirmationExpired)) => {
                let disabled = render::button(
                    &CustomId::Confirm(token),
                    t.confirm,
                    serenity::ButtonStyle::Secondary,
                )
                .disabled(true);
                let rows = vec![serenity::CreateActionRow::Buttons(vec![disabled])];
                update_message(ctx, click, t.confirmation_expired.to_owned(), rows).await
            }
            Err(AppError::Campaign(CampaignError::NotYourConfirmation)) => {
                Err(BotError::User(t.not_yours.to_owned()))
            }
            Err(e) => Err(e.into()),
        },
        CustomId::AskCancel(name) => {
            let (account, _) = data.app.ensure_account(who.account, "server").await?;
            if !member_may_send(click.member.as_ref(), account.send_role) {
                return Err(BotError::User(t.need_send_role.to_owned()));
            }
            let manager = member_is_manager(click.member.as_ref());
            let (text, rows) =
                super::commands::cancel_prompt(data, who, &name, manager, lang).await?;
            let message = serenity::CreateInteractionResponseMessage::new()
                .content(text)
                .components(rows)
                .ephemeral(true);
            click
                .create_response(
                    &ctx.http,
                    serenity::CreateInteractionResponse::Message(message),
                )
                .await?;
            Ok(())
        }
        CustomId::ListPage(page) => {
            let (items, total) = data.app.list(who, page, render::LIST_PAGE_SIZE).await?;
            let (text, rows) = render::list_page(&items, total, page, lang);
            update_message(ctx, click, text, rows).await
        }
        CustomId::CreateModal(_)
        | CustomId::EditModal(_)
        | CustomId::Rate(..)
        | CustomId::Review(_)
        | CustomId::ReviewForm(_)
        | CustomId::SupportNotice(..)
        | CustomId::ContactAgain(_)
        | CustomId::ContactForm(_)
        | CustomId::Withdraw
        | CustomId::Export
        | CustomId::Erase => Ok(()),
    }
}

/// Replaces the clicked message's text and buttons.
pub(super) async fn update_message(
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

async fn on_modal(
    ctx: &serenity::Context,
    data: &Data,
    submit: &serenity::ModalInteraction,
    id: CustomId,
    lang: Lang,
) -> Result<(), BotError> {
    let t = lang.texts();
    let field = |name: &str| {
        submit
            .data
            .components
            .iter()
            .flat_map(|row| row.components.iter())
            .find_map(|c| match c {
                serenity::ActionRowComponent::InputText(input) if input.custom_id == name => {
                    input.value.clone()
                }
                _ => None,
            })
    };
    if let CustomId::ReviewForm(survey) = id {
        let text = field("review").unwrap_or_default();
        return super::surveys::submit_review(ctx, data, submit, survey, &text, lang).await;
    }
    if let CustomId::ContactForm(survey) = id {
        let question = field("question").unwrap_or_default();
        return super::surveys::submit_contact_form(ctx, data, submit, survey, &question, lang)
            .await;
    }
    let who = requester(submit.guild_id, &submit.user, submit.channel_id, lang)?;
    let (account, _) = data.app.ensure_account(who.account, "server").await?;
    if !member_may_send(submit.member.as_ref(), account.send_role) {
        return Err(BotError::User(t.need_send_role.to_owned()));
    }
    let input = DraftInput {
        body: field("body"),
        sender: field("sender").filter(|s| !s.trim().is_empty()),
    };
    data.app.remember_locale(who.user, &submit.locale).await?;
    let text = match id {
        CustomId::CreateModal(name) => {
            let status = data.app.create_campaign(who, &name, input).await?;
            fill(t.created, &[("name", &status.name)])
        }
        CustomId::EditModal(name) => {
            let status = data.app.edit_campaign(who, &name, input).await?;
            fill(t.edited, &[("name", &status.name)])
        }
        _ => return Ok(()),
    };
    let message = serenity::CreateInteractionResponseMessage::new()
        .content(text)
        .ephemeral(true);
    submit
        .create_response(
            &ctx.http,
            serenity::CreateInteractionResponse::Message(message),
        )
        .await?;
    Ok(())
}

/// Answers a click or a form with a message only its author sees.
pub(super) async fn respond_ephemeral(
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

async fn reply_ephemeral(
    ctx: &serenity::Context,
    id: &serenity::InteractionId,
    token: &str,
    text: &str,
) {
    let message = serenity::CreateInteractionResponseMessage::new().content(text);
    if let Err(e) = respond_ephemeral(ctx, *id, token, message).await {
        tracing::warn!(error = %e, "could not answer an interaction with its error");
    }
}
