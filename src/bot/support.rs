//! Support conversations (private threads, opened only with consent) and the privacy buttons.
use poise::serenity_prelude as serenity;

use super::custom_id::CustomId;
use super::i18n::{Lang, fill};
use super::reply::{respond_privately, update_message};
use super::{BotError, Data, render};
use crate::app::support::SupportOpening;
use crate::domain::consent::{ConsentPurpose, Notice};
use crate::domain::ids::{AccountId, SupportRequestId, UserId};

/// Version of the support notice; bump it whenever its text changes.
const SUPPORT_NOTICE_VERSION: &str = "support-2026-11-29";

/// The support notice as shown in `lang`, for the consent record.
pub fn support_notice(lang: Lang) -> Notice {
    let version = format!("{SUPPORT_NOTICE_VERSION}-{}", lang.code());
    Notice::of(version, lang.texts().support_notice)
}

/// The notice with Accept and Decline, for pending request `request`.
pub fn notice_prompt(
    request: SupportRequestId,
    lang: Lang,
) -> (String, Vec<serenity::CreateActionRow>) {
    let t = lang.texts();
    let buttons = vec![
        render::button(
            &CustomId::SupportNotice(request, true),
            t.accept,
            serenity::ButtonStyle::Success,
        ),
        render::button(
            &CustomId::SupportNotice(request, false),
            t.decline,
            serenity::ButtonStyle::Secondary,
        ),
    ];
    (
        t.support_notice.to_owned(),
        vec![serenity::CreateActionRow::Buttons(buttons)],
    )
}

/// Opens the private thread: the person and the support role in it, the question first.
pub async fn open_thread(
    http: &serenity::Http,
    data: &Data,
    user: &serenity::User,
    opening: &SupportOpening,
    lang: Lang,
) -> Result<serenity::ChannelId, BotError> {
    let t = lang.texts();
    let name = fill(t.support_thread_name, &[("user", &user.name)]);
    let thread = serenity::ChannelId::new(opening.channel)
        .create_thread(
            http,
            serenity::CreateThread::new(name.chars().take(100).collect::<String>())
                .kind(serenity::ChannelType::PrivateThread)
                .invitable(false),
        )
        .await?;
    thread.id.add_thread_member(http, user.id).await?;
    data.app
        .support_opened(thread.id.get(), opening.account, UserId(user.id.get()))
        .await?;
    let team = opening
        .role
        .map(|r| format!("<@&{r}> "))
        .unwrap_or_default();
    let text = fill(
        t.support_first_message,
        &[
            ("team", &team),
            ("user", &user.id.get()),
            ("question", &opening.question),
        ],
    );
    let mut mentions = serenity::CreateAllowedMentions::new().users([user.id]);
    if let Some(role) = opening.role {
        mentions = mentions.roles([serenity::RoleId::new(role.0)]);
    }
    thread
        .id
        .send_message(
            http,
            serenity::CreateMessage::new()
                .content(text)
                .allowed_mentions(mentions),
        )
        .await?;
    Ok(thread.id)
}

/// Locks and archives threads whose conversation ended (closed, or consent withdrawn).
pub async fn lock_threads(http: &serenity::Http, threads: &[u64]) {
    for thread in threads {
        let edit = serenity::EditThread::new().archived(true).locked(true);
        if let Err(e) = serenity::ChannelId::new(*thread)
            .edit_thread(http, edit)
            .await
        {
            tracing::warn!(thread, error = %e, "could not lock a support thread");
        }
    }
}

/// Accept or Decline on the notice.
pub async fn answer_notice(
    ctx: &serenity::Context,
    data: &Data,
    click: &serenity::ComponentInteraction,
    request: SupportRequestId,
    accept: bool,
    lang: Lang,
) -> Result<(), BotError> {
    let t = lang.texts();
    let user = UserId(click.user.id.get());
    let opening = data
        .app
        .answer_support_notice(
            request,
            user,
            accept,
            support_notice(lang),
            click.id.to_string(),
        )
        .await?;
    let Some(opening) = opening else {
        return update_message(ctx, click, t.support_declined.to_owned(), Vec::new()).await;
    };
    let thread = open_thread(&ctx.http, data, &click.user, &opening, lang).await?;
    let text = fill(t.support_opened, &[("thread", &thread.get())]);
    update_message(ctx, click, text, Vec::new()).await
}

/// "Withdraw", "Export my data" and "Delete my data" from /privacy.
pub async fn privacy_button(
    ctx: &serenity::Context,
    data: &Data,
    click: &serenity::ComponentInteraction,
    id: CustomId,
    lang: Lang,
) -> Result<(), BotError> {
    let t = lang.texts();
    let guild = click
        .guild_id
        .ok_or_else(|| BotError::User(t.guild_only.to_owned()))?;
    let (account, user) = (AccountId(guild.get()), UserId(click.user.id.get()));
    let closed_note = |closed: &[u64]| match closed.len() {
        0 => String::new(),
        _ => format!(
            " ({})",
            closed
                .iter()
                .map(|c| format!("<#{c}>"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    match id {
        CustomId::Withdraw => {
            let closed = data
                .app
                .withdraw_consent(
                    account,
                    user,
                    ConsentPurpose::SupportChat,
                    support_notice(lang),
                    click.id.to_string(),
                )
                .await?;
            lock_threads(&ctx.http, &closed).await;
            let text = fill(t.withdrawn, &[("closed", &closed_note(&closed))]);
            update_message(ctx, click, text, Vec::new()).await
        }
        CustomId::Export => {
            let export = data.app.export_personal_data(account, user).await?;
            let json = serde_json::to_vec_pretty(&export)
                .map_err(|e| BotError::App(crate::app::AppError::internal(e)))?;
            let file = serenity::CreateAttachment::bytes(json, "herald-my-data.json");
            let message = serenity::CreateInteractionResponseMessage::new()
                .content(t.exported)
                .add_file(file);
            respond_privately(ctx, click.id, &click.token, message).await
        }
        CustomId::Erase => {
            let closed = data.app.erase_personal_data(account, user).await?;
            lock_threads(&ctx.http, &closed).await;
            let text = fill(t.erased, &[("closed", &closed_note(&closed))]);
            update_message(ctx, click, text, Vec::new()).await
        }
        _ => Ok(()),
    }
}
