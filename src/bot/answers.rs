//! Answers from a replies thread: the price before the Confirm button, the click, and one
//! message in the thread per answer that shows its status and is edited as it changes
//! (queued, waiting for the sending window, sent, delivered or not). The watcher runs beside
//! the notifier; several processes can run it (claims keep them from posting an answer twice).
use std::time::Duration;

use poise::serenity_prelude as serenity;

use super::access::interaction_requester;
use super::custom_id::CustomId;
use super::i18n::{Lang, fill, words};
use super::replies::{account_lang, cut, escape};
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
/// How often answers written but never confirmed are forgotten.
const PRUNE_EVERY: Duration = Duration::from_secs(600);

#[derive(Debug, thiserror::Error)]
enum ShowError {
    /// Discord refused the request for good (HTTP status).
    #[error("Discord refused it ({0})")]
    Refused(u16),
    #[error(transparent)]
    Bot(#[from] BotError),
}

impl From<serenity::Error> for ShowError {
    fn from(e: serenity::Error) -> ShowError {
        match client_error(&e) {
            Some(status) => ShowError::Refused(status),
            None => ShowError::Bot(e.into()),
        }
    }
}

/// A 4xx answer other than rate limiting: the same request would fail again.
fn client_error(e: &serenity::Error) -> Option<u16> {
    match e {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => {
            let status = r.status_code.as_u16();
            ((400..500).contains(&status) && status != 429).then_some(status)
        }
        _ => None,
    }
}

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
    let mut last_pruned = std::time::Instant::now() - PRUNE_EVERY;
    loop {
        if last_pruned.elapsed() >= PRUNE_EVERY {
            last_pruned = std::time::Instant::now();
            if let Err(e) = app.forget_unconfirmed_answers().await {
                tracing::warn!(error = %e, "unconfirmed answers not forgotten yet");
            }
        }
        match app.claim_answer_updates(BATCH).await {
            Ok(updates) if !updates.is_empty() => {
                for update in &updates {
                    match show(&app, &http, update).await {
                        Ok(()) => {}
                        Err(ShowError::Refused(status)) => {
                            // The thread is gone, locked, or the bot may no longer post there:
                            // trying again would fail the same way. The answer itself goes on.
                            tracing::warn!(
                                answer = update.id,
                                status,
                                "Discord refused the answer's status message; no longer shown"
                            );
                            if let Err(e) = app.answer_shown(update, None).await {
                                tracing::warn!(answer = update.id, error = %e, "could not record it");
                            }
                        }
                        // Claimed for a minute: tried again after that.
                        Err(e) => {
                            tracing::warn!(answer = update.id, error = %e, "answer status not shown; will retry")
                        }
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

async fn show(app: &App, http: &serenity::Http, update: &AnswerUpdate) -> Result<(), ShowError> {
    let lang = account_lang(app, update.account).await;
    let content = cut(thread_message(update, lang));
    let thread = serenity::ChannelId::new(update.thread.0);
    let post = || async {
        thread
            .send_message(
                http,
                serenity::CreateMessage::new()
                    .content(content.clone())
                    .allowed_mentions(serenity::CreateAllowedMentions::new()),
            )
            .await
            .map(|m| m.id)
    };
    let message = match update.message {
        Some(id) => {
            let edited = thread
                .edit_message(
                    http,
                    serenity::MessageId::new(id),
                    serenity::EditMessage::new()
                        .content(content.clone())
                        .allowed_mentions(serenity::CreateAllowedMentions::new()),
                )
                .await;
            match edited {
                Ok(m) => m.id,
                // Someone deleted the message: the status goes in a new one.
                Err(e) if client_error(&e) == Some(404) => post().await?,
                Err(e) => return Err(e.into()),
            }
        }
        None => post().await?,
    };
    app.answer_shown(update, Some(message.get()))
        .await
        .map_err(BotError::from)?;
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
