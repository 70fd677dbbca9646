//! A campaign's buttons and forms: Confirm (a finalize, a test or a cancellation), the cancel
//! prompt, the list's pages, and the create and edit forms.
use poise::serenity_prelude as serenity;

use super::access::{interaction_requester, member_is_manager, member_may_send};
use super::custom_id::CustomId;
use super::i18n::{Lang, fill};
use super::reply::{respond_privately, update_message};
use super::{BotError, Data, render};
use crate::app::{AppError, DraftInput, Requester};
use crate::domain::campaign::{CampaignError, CampaignState};

/// Confirm, or for a test "Send now anyway" (`now`: a manager's choice, outside the window).
pub async fn confirm(
    ctx: &serenity::Context,
    data: &Data,
    click: &serenity::ComponentInteraction,
    token: String,
    now: bool,
    lang: Lang,
) -> Result<(), BotError> {
    let t = lang.texts();
    let who = interaction_requester(click.guild_id, &click.user, click.channel_id, lang)?;
    let spent = if now {
        let manager = member_is_manager(click.member.as_ref());
        data.app.send_test_now(who, &token, manager).await
    } else {
        data.app.confirm(who, &token).await
    };
    match spent {
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
    }
}

/// A fix offered under a finalize answer, applied to the draft on a click (the summary, if
/// any, is void: the owner finalizes again).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftFix {
    /// "Add STOP au 36180": the server's opt-out mention goes at the end of the message.
    AddOptOut,
    /// "Use plain characters": typographic quotes, dashes and spaces become GSM-7 ones.
    PlainCharacters,
}

pub async fn fix_draft(
    ctx: &serenity::Context,
    data: &Data,
    click: &serenity::ComponentInteraction,
    name: &str,
    fix: DraftFix,
    lang: Lang,
) -> Result<(), BotError> {
    let who = sender_of(data, click, lang).await?;
    let t = lang.texts();
    let (status, done, mention) = match fix {
        DraftFix::AddOptOut => {
            let status = data.app.add_opt_out(who, name).await?;
            let (account, _) = data.app.account(who.account).await?;
            let mention = account.opt_out_text.unwrap_or_default();
            (status, t.opt_out_added, mention)
        }
        DraftFix::PlainCharacters => (
            data.app.use_gsm7(who, name).await?,
            t.gsm7_done,
            String::new(),
        ),
    };
    let text = fill(
        done,
        &[
            ("mention", &mention),
            ("name", &name),
            ("segments", &status.draft_segments.unwrap_or_default()),
        ],
    );
    update_message(ctx, click, text, Vec::new()).await
}

/// The clicker, if they may send for the server.
async fn sender_of(
    data: &Data,
    click: &serenity::ComponentInteraction,
    lang: Lang,
) -> Result<Requester, BotError> {
    let who = interaction_requester(click.guild_id, &click.user, click.channel_id, lang)?;
    let (account, _) = data.app.ensure_account(who.account, "server").await?;
    if !member_may_send(click.member.as_ref(), account.send_role) {
        return Err(BotError::User(lang.texts().need_send_role.to_owned()));
    }
    Ok(who)
}

/// The status reply's Cancel button: the same prompt as `/campaign cancel`.
pub async fn ask_cancel(
    ctx: &serenity::Context,
    data: &Data,
    click: &serenity::ComponentInteraction,
    name: &str,
    lang: Lang,
) -> Result<(), BotError> {
    let who = sender_of(data, click, lang).await?;
    let manager = member_is_manager(click.member.as_ref());
    let (text, rows) = cancel_prompt(data, who, name, manager, lang).await?;
    let message = serenity::CreateInteractionResponseMessage::new()
        .content(text)
        .components(rows);
    respond_privately(ctx, click.id, &click.token, message).await
}

/// The "cancel? [Confirm]" prompt, for the command and for the status reply's button.
pub async fn cancel_prompt(
    data: &Data,
    who: Requester,
    name: &str,
    is_manager: bool,
    lang: Lang,
) -> Result<(String, Vec<serenity::CreateActionRow>), BotError> {
    let token = data.app.request_cancel(who, name, is_manager).await?;
    let t = lang.texts();
    let sending = data.app.status(who, name).await?.state == CampaignState::Sending;
    let row = serenity::CreateActionRow::Buttons(vec![render::button(
        &CustomId::Confirm(token.as_str().to_owned()),
        t.confirm,
        serenity::ButtonStyle::Danger,
    )]);
    let ask = if sending { t.stop_ask } else { t.cancel_ask };
    Ok((fill(ask, &[("name", &name)]), vec![row]))
}

pub async fn list_page(
    ctx: &serenity::Context,
    data: &Data,
    click: &serenity::ComponentInteraction,
    page: u32,
    lang: Lang,
) -> Result<(), BotError> {
    let who = interaction_requester(click.guild_id, &click.user, click.channel_id, lang)?;
    let (items, total) = data.app.list(who, page, render::LIST_PAGE_SIZE).await?;
    let (text, rows) = render::list_page(&items, total, page, lang);
    update_message(ctx, click, text, rows).await
}

/// The create and edit forms, sent.
pub async fn draft_form(
    ctx: &serenity::Context,
    data: &Data,
    submit: &serenity::ModalInteraction,
    form: CustomId,
    body: Option<String>,
    sender: Option<String>,
    lang: Lang,
) -> Result<(), BotError> {
    let t = lang.texts();
    let who = interaction_requester(submit.guild_id, &submit.user, submit.channel_id, lang)?;
    let (account, _) = data.app.ensure_account(who.account, "server").await?;
    if !member_may_send(submit.member.as_ref(), account.send_role) {
        return Err(BotError::User(t.need_send_role.to_owned()));
    }
    let input = DraftInput { body, sender };
    data.app.remember_locale(who.user, &submit.locale).await?;
    let text = match form {
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
    let message = serenity::CreateInteractionResponseMessage::new().content(text);
    respond_privately(ctx, submit.id, &submit.token, message).await
}
