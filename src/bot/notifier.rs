//! Drains the outbox to Discord: a DM to the owner, or the campaign's channel when the DM
//! can't be delivered. Runs beside the gateway and never blocks interactions; several
//! processes can drain one outbox (claims keep them from taking the same notification).
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;

use super::i18n::{Lang, fill, words};
use crate::app::App;
use crate::domain::effects::{Notification, NotificationKind};
use crate::domain::ids::{NotificationId, SurveyId};
use crate::store::OutboxItem;

const POLL: Duration = Duration::from_millis(500);
const BATCH: u32 = 20;

/// Delivers the outbox until `stop` turns true; the message being posted then is finished,
/// and items claimed but not posted go to whoever claims them after their lease.
pub async fn run(
    app: App,
    http: Arc<serenity::Http>,
    worker: String,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut attempts: HashMap<NotificationId, u32> = HashMap::new();
    while !*stop.borrow() {
        match app.claim_notifications(&worker, BATCH).await {
            Ok(items) if !items.is_empty() => {
                for item in items {
                    if *stop.borrow() {
                        return;
                    }
                    deliver(&app, &http, &item, &mut attempts).await;
                }
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not read the outbox"),
        }
        tokio::select! {
            () = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => {}
        }
    }
}

async fn deliver(
    app: &App,
    http: &serenity::Http,
    item: &OutboxItem,
    attempts: &mut HashMap<NotificationId, u32>,
) {
    let locale = app.user_locale(item.notification.user).await.ok().flatten();
    let lang = Lang::of(locale.as_deref());
    let mut text = render(&item.notification, lang);
    let mut rows = Vec::new();
    if let Some(survey) = survey_for(app, item).await {
        let (question, buttons) = super::surveys::question(survey, lang);
        text = format!("{text}\n\n{question}");
        rows = buttons;
    }
    match send(http, &item.notification, &text, rows).await {
        Ok(()) => {
            attempts.remove(&item.id);
            if let Err(e) = app.notification_delivered(item.id).await {
                tracing::warn!(id = item.id.0, error = %e, "sent, but could not mark the notification delivered");
            }
        }
        Err(e) => {
            let attempt = attempts.entry(item.id).or_insert(0);
            *attempt += 1;
            tracing::warn!(id = item.id.0, attempt = *attempt, error = %e, "notification not sent; will retry");
            if let Err(e) = app.notification_failed(item.id, *attempt).await {
                tracing::warn!(id = item.id.0, error = %e, "could not defer the notification");
            }
        }
    }
}

/// The survey that ends a completed campaign or a refusal, unless the owner was asked lately.
/// A failure to offer one is logged and the notification goes without it.
async fn survey_for(app: &App, item: &OutboxItem) -> Option<SurveyId> {
    let n = &item.notification;
    let subject = n.rated_interaction()?;
    let source = format!("outbox:{}", item.id.0);
    match app.offer_survey(&source, n.account, n.user, subject).await {
        Ok(survey) => survey,
        Err(e) => {
            tracing::warn!(id = item.id.0, error = %e, "could not offer a survey");
            None
        }
    }
}

/// A DM first; the campaign's channel when Discord refuses the DM (closed DMs answer 403).
async fn send(
    http: &serenity::Http,
    n: &Notification,
    text: &str,
    rows: Vec<serenity::CreateActionRow>,
) -> Result<(), serenity::Error> {
    let user = serenity::UserId::new(n.user.0);
    let message = |content: String| {
        serenity::CreateMessage::new()
            .content(content)
            .components(rows.clone())
    };
    let dm = async {
        let channel = user.create_dm_channel(http).await?;
        channel.send_message(http, message(text.to_owned())).await
    };
    match (dm.await, n.channel) {
        (Ok(_), _) => Ok(()),
        (Err(e), Some(channel)) if is_forbidden(&e) => {
            let mention = format!("<@{}> {text}", n.user.0);
            serenity::ChannelId::new(channel.0)
                .send_message(http, message(mention))
                .await
                .map(|_| ())
        }
        (Err(e), _) => Err(e),
    }
}

fn is_forbidden(e: &serenity::Error) -> bool {
    matches!(e, serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) if r.status_code.as_u16() == 403)
}

pub fn render(n: &Notification, lang: Lang) -> String {
    let t = lang.texts();
    let name = &n.campaign_name;
    match &n.kind {
        NotificationKind::Submitted => fill(
            t.notify_submitted,
            &[("name", name), ("version", &n.version)],
        ),
        NotificationKind::Approved { .. } => fill(
            t.notify_approved,
            &[("name", name), ("version", &n.version)],
        ),
        NotificationKind::Refused { code, reason } => fill(
            t.notify_refused,
            &[
                ("name", name),
                ("version", &n.version),
                ("code", &words::refusal_code(t, *code)),
                ("reason", reason),
            ],
        ),
        NotificationKind::StartedSending => fill(t.notify_started, &[("name", name)]),
        NotificationKind::HeldForCredit { needed, available } => fill(
            t.notify_held,
            &[("name", name), ("needed", needed), ("available", available)],
        ),
        NotificationKind::Completed => fill(t.notify_completed, &[("name", name)]),
    }
}
