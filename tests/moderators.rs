//! Versions waiting too long are announced in the moderators' Discord channel, with a link to
//! their review page: named only from Herald's own server, at most once an hour per version.
//! Through the real bot and the Discord stand-in (checked against Discord's OpenAPI spec).

use std::io::Cursor;
use std::time::Duration;

use crate::bot::{GUILD, OWNER as USER, content, manager, ready};
use crate::support::discord::Options;
use herald::app::{DraftInput, Requester, SendRequest};
use herald::domain::ids::UserId;

const CHANNEL: u64 = 1_400_000_000_000_000_001;
const ROLE: u64 = 1_400_000_000_000_000_002;

fn moderators(options: Options) -> Options {
    Options::new().subcommand("moderators", options)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_waiting_too_long_are_announced_to_the_moderators() {
    let (t, discord, _bot) = ready().await;
    // A customer's server can't listen to every account's campaigns.
    let elsewhere = discord
        .inject(manager(
            discord
                .slash("settings")
                .options(moderators(Options::new().channel("channel", CHANNEL)))
                .in_guild(1_400_000_000_000_000_099, CHANNEL),
        ))
        .await;
    let refused = discord
        .wait_for_original(elsewhere.id, |m| !content(m).is_empty())
        .await;
    assert_eq!(
        content(&refused),
        "Only the Herald team's own server can name the moderators' channel: it hears about every account's campaigns."
    );
    let too_soon = discord
        .inject(manager(
            discord.slash("settings").options(moderators(
                Options::new()
                    .channel("channel", CHANNEL)
                    .integer("after", 2),
            )),
        ))
        .await;
    let refused = discord
        .wait_for_original(too_soon.id, |m| !content(m).is_empty())
        .await;
    assert_eq!(
        content(&refused),
        "A reminder comes after 5 to 1440 minutes, not 2: give a number in that range."
    );
    let named = discord
        .inject(manager(
            discord.slash("settings").options(moderators(
                Options::new()
                    .channel("channel", CHANNEL)
                    .role("role", ROLE)
                    .integer("after", 20),
            )),
        ))
        .await;
    let saved = discord
        .wait_for_original(named.id, |m| !content(m).is_empty())
        .await;
    assert_eq!(
        content(&saved),
        format!(
            "Versions waiting for review longer than 20 minutes will be announced in <#{CHANNEL}> (<@&{ROLE}>), at most once an hour each."
        )
    );

    let who = Requester::new(GUILD, UserId(USER));
    let input = DraftInput {
        body: Some("Soldes *flash* ce soir ! STOP au 36180".into()),
        sender: Some("MaBoutique".into()),
    };
    t.app.create_campaign(who, "spring", input).await.unwrap();
    t.app
        .import_recipients(
            who,
            "spring",
            Cursor::new("phone\n0612345601\n"),
            Default::default(),
        )
        .await
        .unwrap();
    let summary = t
        .app
        .finalize(who, "spring", SendRequest::Immediate)
        .await
        .unwrap();
    t.app.confirm(who, summary.token.as_str()).await.unwrap();
    let (id, _) = t.app.campaign_id(GUILD, "spring").await.unwrap();
    let submitted_at = t.app.current_time().timestamp();

    // The bot's own posts, not the private answers to the commands run there.
    let reminders = || -> Vec<serde_json::Value> {
        discord
            .messages_in_channel(CHANNEL)
            .into_iter()
            .filter(|m| m["flags"].as_u64().unwrap_or(0) & 64 == 0)
            .collect()
    };
    t.clock.advance(chrono::TimeDelta::minutes(19));
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert!(reminders().is_empty(), "not yet: {:?}", reminders());
    t.clock.advance(chrono::TimeDelta::minutes(2));
    let first = discord
        .wait_for_message(CHANNEL, |m| content(m).starts_with("<@&"))
        .await;
    assert_eq!(
        content(&first),
        format!(
            "<@&{ROLE}> ⏰ **spring** (Test server) version 1 has waited for review since <t:{submitted_at}:R>: http://console.test/reviews/{}",
            id.0
        )
    );
    let post = discord
        .wait_for_request(
            |r| r.method == "POST" && r.path == format!("/channels/{CHANNEL}/messages"),
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(
        post.body["allowed_mentions"],
        serde_json::json!({"parse": [], "roles": [ROLE.to_string()], "users": []})
    );
    // Not again within the hour; again after it.
    t.clock.advance(chrono::TimeDelta::minutes(30));
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(reminders().len(), 1);
    t.clock.advance(chrono::TimeDelta::minutes(31));
    for _ in 0..200 {
        if reminders().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(reminders().len(), 2, "{}", discord.summary());
    // Decided: no more reminders.
    t.approve_version(GUILD, "spring").await;
    t.clock.advance(chrono::TimeDelta::hours(2));
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(reminders().len(), 2);
    discord.assert_clean();
}
