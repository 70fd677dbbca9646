//! Reminds the moderators, in their Discord channel, of versions waiting too long for review:
//! one message per version at most every hour, linking to its review page, pinging the role
//! the team chose. Runs beside the notifier; several processes may run it (a version reminded
//! by one is not due for the others).
use std::time::Duration;

use poise::serenity_prelude as serenity;

use super::i18n::{Lang, fill};
use super::replies::escape;
use crate::app::App;

const POLL: Duration = Duration::from_secs(2);

pub async fn run(app: App, http: std::sync::Arc<serenity::Http>, console_url: String) {
    let console_url = console_url.trim_end_matches('/').to_owned();
    loop {
        if let Err(e) = remind(&app, &http, &console_url).await {
            tracing::warn!(error = %e, "moderators not reminded yet");
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn remind(
    app: &App,
    http: &serenity::Http,
    console_url: &str,
) -> Result<(), crate::bot::BotError> {
    let Some(desk) = app.moderators_channel().await? else {
        return Ok(());
    };
    let t = Lang::En.texts();
    let (at, due) = app.reviews_to_remind(&desk, 10).await?;
    for review in due {
        let mut content = fill(
            t.review_reminder,
            &[
                ("campaign", &escape(&review.campaign_name)),
                ("account", &escape(&review.account_name)),
                ("version", &review.version),
                ("since", &review.confirmed_at.timestamp()),
                (
                    "link",
                    &format!("{console_url}/reviews/{}", review.campaign.0),
                ),
            ],
        );
        let mut mentions = serenity::CreateAllowedMentions::new();
        if let Some(role) = desk.role {
            content = format!("<@&{}> {content}", role.0);
            mentions = mentions.roles([serenity::RoleId::new(role.0)]);
        }
        serenity::ChannelId::new(desk.channel.0)
            .send_message(
                http,
                serenity::CreateMessage::new()
                    .content(content)
                    .allowed_mentions(mentions),
            )
            .await?;
        app.review_reminded(&review, at).await?;
    }
    Ok(())
}
