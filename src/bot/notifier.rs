//! Drains the outbox to Discord: a DM to the owner, or the campaign's channel when the DM
//! can't be delivered. Runs beside the gateway and never blocks interactions; several
//! processes can drain one outbox (claims keep them from taking the same notification).
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;

use super::i18n::{Lang, fill};
use crate::app::App;
use crate::domain::effects::{Notification, NotificationKind};
use crate::store::OutboxItem;

const POLL: Duration = Duration::from_millis(500);
const BATCH: u32 = 20;

pub async fn run(app: App, http: Arc<serenity::Http>, worker: String) {
    let mut attempts: HashMap<i64, u32> = HashMap::new();
    loop {
        match app.claim_notifications(&worker, BATCH).await {
            Ok(items) if !items.is_empty() => {
                for item in items {
                    deliver(&app, &http, &item, &mut attempts).await;
                }
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not read the outbox"),
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn deliver(
    app: &App,
    http: &serenity::Http,
    item: &OutboxItem,
    attempts: &mut HashMap<i64, u32>,
) {
    let locale = app.user_locale(item.notification.user).await.ok().flatten();
    let text = render(&item.notification, Lang::of(locale.as_deref()));
    match send(http, &item.notification, &text).await {
        Ok(()) => {
            attempts.remove(&item.id);
            if let Err(e) = app.notification_delivered(item.id).await {
                tracing::warn!(id = item.id, error = %e, "sent, but could not mark the notification delivered");
            }
        }
        Err(e) => {
            let attempt = attempts.entry(item.id).or_insert(0);
            *attempt += 1;
            tracing::warn!(id = item.id, attempt = *attempt, error = %e, "notification not sent; will retry");
            if let Err(e) = app.notification_failed(item.id, *attempt).await {
                tracing::warn!(id = item.id, error = %e, "could not defer the notification");
            }
        }
    }
}

/// A DM first; the campaign's channel when Discord refuses the DM (closed DMs answer 403).
async fn send(http: &serenity::Http, n: &Notification, text: &str) -> Result<(), serenity::Error> {
    let user = serenity::UserId::new(n.user.0);
    let dm = async {
        let channel = user.create_dm_channel(http).await?;
        channel
            .send_message(http, serenity::CreateMessage::new().content(text))
            .await
    };
    match (dm.await, n.channel) {
        (Ok(_), _) => Ok(()),
        (Err(e), Some(channel)) if is_forbidden(&e) => {
            let mention = format!("<@{}> {text}", n.user.0);
            serenity::ChannelId::new(channel.0)
                .send_message(http, serenity::CreateMessage::new().content(mention))
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
                ("code", &code.as_str()),
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
