//! Answers from a replies thread: the price before the Confirm button, the click, and one
//! message in the thread per answer that shows its status and is edited as it changes
//! (queued, waiting for the sending window, sent, delivered or not). The watcher runs beside
//! the notifier; several processes can run it (claims keep them from posting an answer twice).
use std::time::Duration;

use poise::serenity_prelude as serenity;

use super::access::interaction_requester;
use super::custom_id::CustomId;
use super::i18n::{Lang, fill, words};
use super::replies::escape;
use super::reply::update_message;
use super::{BotError, Data, render};
use crate::app::App;
use crate::domain::answer::AnswerSummary;
use crate::domain::campaign::ConfirmationToken;
use crate::domain::delivery::DeliveryStatus;
use crate::domain::phone::PhoneNumber;
use crate::domain::window::{Decision, Destination};
use crate::store::AnswerUpdate;

const POLL: Duration = Duration::from_millis(500);
const BATCH: u32 = 20;

pub fn confirm_button(token: &ConfirmationToken, lang: Lang) -> serenity::CreateButton {
    render::button(
        &CustomId::ConfirmAnswer(token.as_str().to_owned()),
        lang.texts().confirm,
        serenity::ButtonStyle::Success,
    )
}

/// The price of an answer, before its Confirm button.
pub fn summary(s: &AnswerSummary, lang: Lang) -> String {
    let t = lang.texts();
    let mut lines = vec![
        fill(t.answer_title, &[("phone", &s.to), ("sender", &s.sender)]),
        fill(
            t.summary_message,
            &[("segments", &s.segments), ("encoding", &s.encoding)],
        ),
        fill(
            t.summary_cost,
            &[
                ("cost", &s.cost),
                ("available", &s.available),
                ("after", &s.balance_after),
            ],
        ),
    ];
    if let Decision::NotBefore { at, because } = &s.window
        && let Ok(number) = PhoneNumber::from_e164(&s.to)
    {
        lines.push(fill(
            t.answer_waits,
            &[
                ("reason", &words::closed_because(t, because)),
                (
                    "opens",
                    &words::opening(t, &Destination::of_number(&number), *at),
                ),
            ],
        ));
    }
    lines.push(fill(
        t.summary_confirm_before,
        &[("expiry", &render::relative_time(s.expires_at))],
    ));
    lines.join("\n")
}

/// The Confirm button of an answer.
pub async fn confirm(
    ctx: &serenity::Context,
    data: &Data,
    click: &serenity::ComponentInteraction,
    token: String,
    lang: Lang,
) -> Result<(), BotError> {
    let t = lang.texts();
    let who = interaction_requester(click.guild_id, &click.user, click.channel_id, lang)?;
    let queued = data.app.confirm_answer(who, &token).await?;
    let text = match queued.first {
        true => fill(
            t.answer_confirmed,
            &[("phone", &queued.to), ("cost", &queued.cost)],
        ),
        false => fill(t.answer_already, &[("phone", &queued.to)]),
    };
    update_message(ctx, click, text, Vec::new()).await
}

/// Posts and edits the answers' thread messages.
pub async fn run(app: App, http: std::sync::Arc<serenity::Http>) {
    loop {
        match app.claim_answer_updates(BATCH).await {
            Ok(updates) if !updates.is_empty() => {
                for update in &updates {
                    if let Err(e) = show(&app, &http, update).await {
                        // Claimed for a minute: tried again after that.
                        tracing::warn!(answer = update.id, error = %e, "answer status not shown; will retry");
                    }
                }
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not read the answers to show"),
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn show(app: &App, http: &serenity::Http, update: &AnswerUpdate) -> Result<(), BotError> {
    let lang = match app.account(update.account).await {
        Ok((account, _)) if account.region.to_string() == "FR" => Lang::Fr,
        _ => Lang::En,
    };
    let content = thread_message(update, lang);
    let thread = serenity::ChannelId::new(update.thread.0);
    let none = serenity::CreateAllowedMentions::new();
    let message = match update.message {
        Some(id) => {
            thread
                .edit_message(
                    http,
                    serenity::MessageId::new(id),
                    serenity::EditMessage::new()
                        .content(content)
                        .allowed_mentions(none),
                )
                .await?
                .id
        }
        None => {
            thread
                .send_message(
                    http,
                    serenity::CreateMessage::new()
                        .content(content)
                        .allowed_mentions(none),
                )
                .await?
                .id
        }
    };
    app.answer_shown(update, message.get()).await?;
    Ok(())
}

/// The thread message of an answer: who wrote it, what it says, where it stands.
pub fn thread_message(u: &AnswerUpdate, lang: Lang) -> String {
    let t = lang.texts();
    let at = u.due_at.timestamp();
    let status = match u.status {
        DeliveryStatus::Pending if u.waiting_for_window => {
            fill(t.answer_status_waiting, &[("at", &at)])
        }
        DeliveryStatus::Pending => t.answer_status_queued.to_owned(),
        DeliveryStatus::Submitted => t.answer_status_submitted.to_owned(),
        DeliveryStatus::Retrying => fill(t.answer_status_retrying, &[("at", &at)]),
        DeliveryStatus::Delivered => t.answer_status_delivered.to_owned(),
        DeliveryStatus::Bounced => fill(
            t.answer_status_bounced,
            &[("reason", &escape(u.error.as_deref().unwrap_or("?")))],
        ),
        DeliveryStatus::Skipped | DeliveryStatus::Stopped => {
            fill(t.answer_status_opted_out, &[("cost", &u.cost)])
        }
        DeliveryStatus::OutsideHours => fill(t.answer_status_outside_hours, &[("cost", &u.cost)]),
    };
    let quoted = escape(&u.body)
        .lines()
        .map(|line| format!("> {line}"))
        .collect::<Vec<_>>()
        .join("\n");
    fill(
        t.answer_post,
        &[
            ("user", &u.written_by.0),
            ("cost", &u.cost),
            ("text", &quoted),
            ("status", &status),
        ],
    )
}
