//! The real bot (serenity + poise) end to end, against the loopback Discord stand-in.

use std::time::Duration;

use crate::support::discord::{self, DiscordStandIn, InteractionBuilder, Options, perms};
use crate::support::{Engine, TestApp};
use chrono::TimeDelta;
use herald::bot::BotConfig;
use herald::domain::campaign::CampaignState;
use herald::domain::credits::TopUp;
use herald::domain::effects::Actor;
use herald::domain::ids::AccountId;
use serde_json::Value;

pub(crate) const GUILD: AccountId = AccountId(discord::DEFAULT_GUILD_ID);
pub(crate) const OWNER: u64 = discord::DEFAULT_USER_ID;
pub(crate) const BODY: &str = "Spring sale -20% this weekend. STOP au 36180";

pub(crate) struct Bot {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Bot {
    pub(crate) async fn start(t: &TestApp, discord: &DiscordStandIn) -> Bot {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let config = BotConfig {
            token: discord::TOKEN.to_owned(),
            api_base: Some(discord.api_base()),
            dev_guild: None,
            shards: None,
            worker: "test".to_owned(),
            console_url: "http://console.test".to_owned(),
            moderators_server: Some(crate::support::discord::DEFAULT_GUILD_ID),
            vitals: None,
        };
        let app = t.app.clone();
        let task = tokio::spawn(async move {
            herald::bot::run(app, config, async move {
                let _ = stopped.await;
            })
            .await
            .expect("bot ran");
        });
        Bot {
            stop: Some(stop),
            task,
        }
    }

    async fn stop(mut self) {
        let _ = self.stop.take().expect("running").send(());
        tokio::time::timeout(Duration::from_secs(10), &mut self.task)
            .await
            .expect("bot stops")
            .expect("bot task");
    }
}

/// An app with a funded account, the stand-in, and the bot connected to it.
pub(crate) async fn ready() -> (TestApp, DiscordStandIn, Bot) {
    let t = TestApp::new(Engine::Sqlite).await;
    t.app.ensure_account(GUILD, "Test server").await.unwrap();
    t.app
        .credit(GUILD, TopUp::new(1000).unwrap(), "test", Actor::Operator)
        .await
        .unwrap();
    let discord = DiscordStandIn::start().await;
    let bot = Bot::start(&t, &discord).await;
    discord.wait_for_shards(1).await;
    (t, discord, bot)
}

/// A member allowed to send (Manage Server).
pub(crate) fn manager(b: InteractionBuilder) -> InteractionBuilder {
    b.permissions(perms::MEMBER | perms::MANAGE_GUILD)
}

pub(crate) fn campaign(sub: &str, options: Options) -> Options {
    Options::new().subcommand(sub, options)
}

pub(crate) fn content(message: &Value) -> String {
    message["content"].as_str().unwrap_or_default().to_owned()
}

pub(crate) fn first_button(message: &Value) -> Value {
    message["components"][0]["components"][0].clone()
}

/// Creates "spring" through the modal and imports two numbers through an attachment.
pub(crate) async fn create_and_import(discord: &DiscordStandIn) {
    let open = discord
        .inject(manager(discord.slash("campaign").options(campaign(
            "create",
            Options::new().string("name", "spring"),
        ))))
        .await;
    let modal = discord.wait_for_callback(open.id).await;
    assert_eq!(
        (modal["type"].as_u64(), modal["data"]["custom_id"].as_str()),
        (Some(9), Some("v1:create:spring"))
    );
    let submit = discord
        .inject(manager(discord.modal_submit(
            "v1:create:spring",
            &[("body", BODY), ("sender", "MaBoutique")],
        )))
        .await;
    let created = discord.wait_for_callback(submit.id).await;
    assert!(
        created["data"]["content"]
            .as_str()
            .unwrap()
            .contains("created as a draft"),
        "{created}"
    );

    let file = discord.attachment(
        "people.csv",
        b"phone;name\n06 12 34 56 78;Ann\n+33612345679;Bob\nnope;Zed\n",
    );
    let options = campaign(
        "recipients",
        Options::new()
            .string("name", "spring")
            .attachment("file", &file),
    );
    let import = discord
        .inject(manager(discord.slash("campaign").options(options)))
        .await;
    assert_eq!(
        discord.wait_for_callback(import.id).await["type"],
        5,
        "deferred: downloads can take time"
    );
    let report = discord
        .wait_for_original(import.id, |m| content(m).contains("Imported"))
        .await;
    assert!(content(&report).contains("Imported **2**"), "{report}");
    assert!(content(&report).contains("Invalid: 1"), "{report}");
    assert!(
        content(&report).contains("4"),
        "the invalid line is named: {report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_that_cannot_receive_sms_are_left_out_unless_kept() {
    let (t, discord, _bot) = ready().await;
    create_and_import(&discord).await;
    let file = discord.attachment(
        "mixed.csv",
        b"phone\n06 12 34 56 78\n01 42 68 53 00\n0800 12 34 56\n",
    );
    for (keep, says, recipients) in [
        (None, "Import again with `keep_not_mobile` to keep them.", 1),
        (Some(true), "kept as you asked", 3),
    ] {
        let mut options = Options::new()
            .string("name", "spring")
            .attachment("file", &file);
        if let Some(keep) = keep {
            options = options.boolean("keep_not_mobile", keep);
        }
        let import = discord
            .inject(manager(
                discord
                    .slash("campaign")
                    .options(campaign("recipients", options)),
            ))
            .await;
        let report = discord
            .wait_for_original(import.id, |m| content(m).contains("Imported"))
            .await;
        assert!(
            content(&report).contains("Not mobile numbers (landlines, toll-free, VoIP…): 2"),
            "{report}"
        );
        assert!(content(&report).contains(says), "{report}");
        let who = herald::app::Requester::new(GUILD, herald::domain::ids::UserId(OWNER));
        let draft = t.app.status(who, "spring").await.unwrap();
        assert_eq!(draft.draft_recipients, Some(recipients));
    }
    discord.assert_clean();
}

/// Finalizes "spring" at once; returns the summary message with its Confirm button.
pub(crate) async fn finalize(discord: &DiscordStandIn, options: Options) -> Value {
    let ix = discord
        .inject(manager(
            discord
                .slash("campaign")
                .options(campaign("finalize", options)),
        ))
        .await;
    discord
        .wait_for_original(ix.id, |m| !content(m).is_empty())
        .await
}

/// Finalizes "spring" and presses its Confirm button: waiting for validation.
pub(crate) async fn submit_spring(discord: &DiscordStandIn) {
    let summary = finalize(discord, Options::new().string("name", "spring")).await;
    let confirm = first_button(&summary)["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let click = discord
        .inject(discord.click(&confirm).on_message(summary))
        .await;
    discord
        .wait_for_original(click.id, |m| content(m).contains("waiting"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_from_modal_to_validation_with_one_notification() {
    let (t, discord, _bot) = ready().await;
    create_and_import(&discord).await;
    let summary = finalize(&discord, Options::new().string("name", "spring")).await;
    let text = content(&summary);
    assert!(
        text.contains("Recipients: **2**") && text.contains("Cost: **2** credits"),
        "{text}"
    );
    let button = first_button(&summary);
    let confirm = button["custom_id"].as_str().unwrap().to_owned();
    assert!(confirm.starts_with("v1:confirm:"), "{button}");

    let click = discord
        .inject(discord.click(&confirm).on_message(summary.clone()))
        .await;
    assert_eq!(discord.wait_for_callback(click.id).await["type"], 7);
    let updated = discord
        .wait_for_original(click.id, |m| content(m).contains("waiting for validation"))
        .await;
    assert_eq!(
        updated["components"].as_array().map(Vec::len),
        Some(0),
        "the button is gone"
    );

    // A double click (or a replayed interaction) changes nothing.
    let again = discord
        .inject(discord.click(&confirm).on_message(summary))
        .await;
    let second = discord.wait_for_callback(again.id).await;
    assert!(
        second["data"]["content"]
            .as_str()
            .unwrap()
            .contains("waiting for validation"),
        "{second}"
    );
    let status = t
        .app
        .status(
            herald::app::Requester::new(GUILD, herald::domain::ids::UserId(OWNER)),
            "spring",
        )
        .await;
    assert_eq!(
        (status.as_ref().unwrap().state, status.unwrap().version),
        (CampaignState::PendingReview, Some(1))
    );

    // The owner hears about the submission once, by DM.
    let dm = discord
        .wait_for_dm(OWNER, |m| content(m).contains("submitted"))
        .await;
    assert!(content(&dm).contains("spring"), "{dm}");
    t.drain_outbox().await;
    assert_eq!(discord.dms_to(OWNER).len(), 1, "sent once");
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmations_refuse_other_users_and_expire() {
    let (t, discord, _bot) = ready().await;
    create_and_import(&discord).await;
    let summary = finalize(&discord, Options::new().string("name", "spring")).await;
    let confirm = first_button(&summary)["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let stranger = discord
        .inject(
            discord
                .click(&confirm)
                .on_message(summary.clone())
                .by(42_000_000_000_000_042, "eve"),
        )
        .await;
    let refused = discord.wait_for_callback(stranger.id).await;
    assert_eq!(
        (refused["type"].as_u64(), refused["data"]["flags"].as_u64()),
        (Some(4), Some(64)),
        "ephemeral"
    );
    assert!(
        refused["data"]["content"]
            .as_str()
            .unwrap()
            .contains("someone else"),
        "{refused}"
    );

    t.clock.advance(TimeDelta::minutes(16));
    let late = discord
        .inject(discord.click(&confirm).on_message(summary))
        .await;
    assert_eq!(discord.wait_for_callback(late.id).await["type"], 7);
    let expired = discord
        .wait_for_original(late.id, |m| content(m).contains("expired"))
        .await;
    assert_eq!(
        content(&expired),
        "This confirmation expired — run /campaign finalize again."
    );
    assert_eq!(first_button(&expired)["disabled"], true, "{expired}");
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_needs_the_role_or_manage_server() {
    let (t, discord, _bot) = ready().await;
    create_and_import(&discord).await;
    let plain = discord.slash("campaign").options(campaign(
        "finalize",
        Options::new().string("name", "spring"),
    ));
    let ix = discord.inject(plain).await;
    let reply = discord.wait_for_callback(ix.id).await;
    assert_eq!(reply["data"]["flags"], 64);
    assert!(
        reply["data"]["content"]
            .as_str()
            .unwrap()
            .contains("sending role"),
        "{reply}"
    );

    // With the configured role, the same member may.
    let role = 7_000_000_000_000_007;
    let settings = herald::domain::account::AccountSettings {
        send_role: Some(herald::domain::ids::RoleId(role)),
        ..Default::default()
    };
    t.app
        .change_settings(GUILD, settings, Actor::Operator)
        .await
        .unwrap();
    let with_role = discord
        .slash("campaign")
        .options(campaign(
            "finalize",
            Options::new().string("name", "spring"),
        ))
        .roles(&[role]);
    let ix = discord.inject(with_role).await;
    let summary = discord
        .wait_for_original(ix.id, |m| !content(m).is_empty())
        .await;
    assert!(content(&summary).contains("Recipients"), "{summary}");
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_ephemeral_answer() {
    let (_t, discord, _bot) = ready().await;
    create_and_import(&discord).await;
    let scheduled = |date: &str, time: &str, zone: &str| {
        Options::new()
            .string("name", "spring")
            .string("date", date)
            .string("time", time)
            .string("timezone", zone)
    };
    for (options, expected) in [
        (
            scheduled("2027-04-01", "10:00", "Europe/Pari"),
            "did you mean Europe/Paris",
        ),
        (
            scheduled("2027-03-28", "02:30", "Europe/Paris"),
            "02:30 does not exist on 2027-03-28 in Europe/Paris",
        ),
        (
            scheduled("2027-03-01", "10:00", "Europe/Paris"),
            "at least 1 minute ahead",
        ),
        (
            Options::new()
                .string("name", "spring")
                .string("date", "2027-04-01"),
            "both `date` and `time`",
        ),
        (
            Options::new().string("name", "nope"),
            "No campaign named \"nope\"",
        ),
    ] {
        let ix = discord
            .inject(manager(
                discord
                    .slash("campaign")
                    .options(campaign("finalize", options)),
            ))
            .await;
        let text = match discord.wait_for_callback(ix.id).await {
            c if c["type"] == 4 => c["data"]["content"].as_str().unwrap_or_default().to_owned(),
            _ => content(
                &discord
                    .wait_for_original(ix.id, |m| !content(m).is_empty())
                    .await,
            ),
        };
        assert!(
            text.contains(expected),
            "{text:?} should contain {expected:?}"
        );
    }
    let french = discord
        .inject(
            manager(
                discord
                    .slash("campaign")
                    .options(campaign("finalize", Options::new().string("name", "nope"))),
            )
            .locale("fr"),
        )
        .await;
    let answer = discord
        .wait_for_original(french.id, |m| !content(m).is_empty())
        .await;
    assert!(
        content(&answer).contains("Aucune campagne « nope »"),
        "{answer}"
    );
    let bad_csv = discord.attachment("bad.csv", b"name|city\nAnn|Paris\n");
    let options = campaign(
        "recipients",
        Options::new()
            .string("name", "spring")
            .attachment("file", &bad_csv),
    );
    let ix = discord
        .inject(manager(discord.slash("campaign").options(options)))
        .await;
    let answer = discord
        .wait_for_original(ix.id, |m| !content(m).is_empty())
        .await;
    assert!(
        content(&answer).contains("No column of phone numbers"),
        "{answer}"
    );
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_offers_cancel_and_cancel_is_confirmed() {
    let (t, discord, _bot) = ready().await;
    create_and_import(&discord).await;
    submit_spring(&discord).await;

    let status = discord
        .inject(
            discord
                .slash("campaign")
                .options(campaign("status", Options::new().string("name", "spring"))),
        )
        .await;
    let reply = discord
        .wait_for_original(status.id, |m| !content(m).is_empty())
        .await;
    assert!(
        content(&reply).contains("waiting for validation"),
        "{reply}"
    );
    assert_eq!(first_button(&reply)["custom_id"], "v1:askcancel:spring");
    // In French, all of it is French (the headline was pasted in English).
    let french = discord
        .inject(
            discord
                .slash("campaign")
                .options(campaign("status", Options::new().string("name", "spring")))
                .locale("fr"),
        )
        .await;
    let french = discord
        .wait_for_original(french.id, |m| !content(m).is_empty())
        .await;
    assert!(
        content(&french).starts_with("**spring** : en attente de validation\nVersion 1"),
        "{french}"
    );
    assert_eq!(first_button(&french)["label"], "Annuler l'envoi");

    let ask = discord
        .inject(manager(
            discord.click("v1:askcancel:spring").on_message(reply),
        ))
        .await;
    let prompt = discord.wait_for_callback(ask.id).await;
    let token = prompt["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let prompt_message = discord.wait_for_original(ask.id, |_| true).await;
    let yes = discord
        .inject(discord.click(&token).on_message(prompt_message))
        .await;
    discord
        .wait_for_original(yes.id, |m| content(m).contains("back to draft"))
        .await;
    let (_, balance) = t.app.account(GUILD).await.unwrap();
    assert_eq!(balance.reserved.0, 0, "reserved credit released");
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmation_survives_a_restart_of_the_bot() {
    let (t, discord, bot) = ready().await;
    create_and_import(&discord).await;
    let summary = finalize(&discord, Options::new().string("name", "spring")).await;
    let confirm = first_button(&summary)["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    bot.stop().await;

    let _bot = Bot::start(&t, &discord).await;
    tokio::time::timeout(Duration::from_secs(15), async {
        while discord.identify_count() < 2 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the new bot identifies");
    discord.wait_for_shards(1).await;
    let click = discord
        .inject(discord.click(&confirm).on_message(summary))
        .await;
    discord
        .wait_for_original(click.id, |m| content(m).contains("waiting for validation"))
        .await;
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_notification_is_retried_and_sent_once() {
    let (t, discord, _bot) = ready().await;
    create_and_import(&discord).await;
    discord.fail_next("POST", "/users/@me/channels", 500, 1);
    submit_spring(&discord).await;
    // The first DM attempt got a 500; the retry waits for its backoff on Herald's clock.
    discord
        .wait_for_request(|r| r.status == 500, Duration::from_secs(5))
        .await;
    // Move Herald's clock past the backoff until the retry goes out (the deferral races this test).
    for _ in 0..25 {
        if !discord.dms_to(OWNER).is_empty() {
            break;
        }
        t.clock.advance(TimeDelta::seconds(5));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    discord
        .wait_for_dm(OWNER, |m| content(m).contains("submitted"))
        .await;
    t.drain_outbox().await;
    assert_eq!(discord.dms_to(OWNER).len(), 1, "sent once");
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn french_locale_and_reconnect_after_a_dropped_gateway() {
    let (_t, discord, _bot) = ready().await;
    let help = discord.inject(discord.slash("help").locale("fr")).await;
    let reply = discord.wait_for_callback(help.id).await;
    assert!(
        reply["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Comment une campagne"),
        "{reply}"
    );

    discord.drop_connections();
    tokio::time::timeout(Duration::from_secs(15), async {
        while discord.identify_count() < 2 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the bot reconnects");
    discord.wait_for_shards(1).await;
    let help = discord.inject(discord.slash("help")).await;
    let reply = discord.wait_for_callback(help.id).await;
    assert!(
        reply["data"]["content"]
            .as_str()
            .unwrap()
            .contains("How a campaign"),
        "{reply}"
    );
    // Commands are registered with French names too.
    let registered = discord.global_commands();
    let campaign = registered
        .iter()
        .find(|c| c["name"] == "campaign")
        .expect("campaign registered");
    assert_eq!(campaign["name_localizations"]["fr"], "campagne");
    // Manager-only commands are declared so: Discord shows them to managers only (and server
    // admins can change that); everyone else sees the rest.
    for command in &registered {
        let expected = match command["name"].as_str() {
            Some("settings") => serde_json::json!("32"), // MANAGE_GUILD
            _ => serde_json::Value::Null,
        };
        assert_eq!(
            command["default_member_permissions"], expected,
            "{}",
            command["name"]
        );
    }
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_suggests_campaigns_and_zones() {
    let (t, discord, _bot) = ready().await;
    let who = herald::app::Requester::new(GUILD, herald::domain::ids::UserId(OWNER));
    t.app
        .create_campaign(who, "Spring sale", herald::app::DraftInput::default())
        .await
        .unwrap();
    t.app
        .create_campaign(who, "Summer", herald::app::DraftInput::default())
        .await
        .unwrap();
    let names = campaign("status", Options::new().focused("name", "spr"));
    let ix = discord
        .inject(discord.autocomplete("campaign").options(names))
        .await;
    let choices = discord.wait_for_callback(ix.id).await;
    assert_eq!(choices["type"], 8);
    assert_eq!(choices["data"]["choices"][0]["name"], "Spring sale");
    assert_eq!(choices["data"]["choices"].as_array().unwrap().len(), 1);

    let zones = campaign(
        "finalize",
        Options::new()
            .string("name", "x")
            .focused("timezone", "pari"),
    );
    let ix = discord
        .inject(discord.autocomplete("campaign").options(zones))
        .await;
    let choices = discord.wait_for_callback(ix.id).await;
    assert_eq!(choices["data"]["choices"][0]["name"], "Europe/Paris");
    assert!(choices["data"]["choices"].as_array().unwrap().len() <= 25);
    discord.assert_clean();
}

/// Two processes' worth of Herald (two apps, two bots, one PostgreSQL), each running one of two
/// shards: each serves the guilds Discord routes to it, any of them serves any button, and each
/// notification is sent once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_shard_ranges_share_one_postgresql() {
    let db = crate::support::TestDb::new(Engine::Postgres).await;
    let discord = DiscordStandIn::start().await;
    let apps = [db.store().await, db.store().await].map(|store| {
        herald::app::App::new(
            store,
            std::sync::Arc::new(herald::app::ManualClock::new(crate::support::t0())),
        )
    });
    // Two guilds that land on different shards of 2.
    let guilds: Vec<u64> = (1u64..).map(|n| (n << 22) | 5).take(2).collect();
    assert_ne!(
        crate::support::discord::shard_for(Some(guilds[0]), 2),
        crate::support::discord::shard_for(Some(guilds[1]), 2)
    );
    for g in &guilds {
        apps[0]
            .ensure_account(AccountId(*g), "guild")
            .await
            .unwrap();
        apps[0]
            .credit(
                AccountId(*g),
                TopUp::new(100).unwrap(),
                "test",
                Actor::Operator,
            )
            .await
            .unwrap();
    }
    let mut bots = Vec::new();
    for (shard, app) in apps.iter().enumerate() {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let config = BotConfig {
            token: discord::TOKEN.to_owned(),
            api_base: Some(discord.api_base()),
            dev_guild: None,
            shards: Some((shard as u32..shard as u32 + 1, 2)),
            worker: format!("process-{shard}"),
            console_url: "http://console.test".to_owned(),
            moderators_server: Some(crate::support::discord::DEFAULT_GUILD_ID),
            vitals: None,
        };
        let app = app.clone();
        bots.push((
            stop,
            tokio::spawn(async move {
                herald::bot::run(app, config, async move {
                    let _ = stopped.await;
                })
                .await
            }),
        ));
    }
    discord.wait_for_shards(2).await;

    // Each guild's campaign goes from creation to submission through its own shard.
    let mut confirms = Vec::new();
    for g in &guilds {
        let in_guild = |b: InteractionBuilder| manager(b).in_guild(*g, discord::DEFAULT_CHANNEL_ID);
        let submit = discord
            .inject(in_guild(discord.modal_submit(
                "v1:create:spring",
                &[("body", BODY), ("sender", "MaBoutique")],
            )))
            .await;
        discord.wait_for_callback(submit.id).await;
        let file = discord.attachment("p.csv", b"phone\n0612345678\n");
        let options = campaign(
            "recipients",
            Options::new()
                .string("name", "spring")
                .attachment("file", &file),
        );
        let import = discord
            .inject(in_guild(discord.slash("campaign").options(options)))
            .await;
        discord
            .wait_for_original(import.id, |m| content(m).contains("Imported"))
            .await;
        let ix = discord
            .inject(in_guild(discord.slash("campaign").options(campaign(
                "finalize",
                Options::new().string("name", "spring"),
            ))))
            .await;
        assert_eq!(ix.shard, crate::support::discord::shard_for(Some(*g), 2));
        let summary = discord
            .wait_for_original(ix.id, |m| !content(m).is_empty())
            .await;
        confirms.push((*g, summary));
    }
    for (g, summary) in confirms {
        let id = first_button(&summary)["custom_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let click = discord
            .inject(
                discord
                    .click(&id)
                    .on_message(summary)
                    .in_guild(g, discord::DEFAULT_CHANNEL_ID),
            )
            .await;
        discord
            .wait_for_original(click.id, |m| content(m).contains("waiting for validation"))
            .await;
    }
    // Two notifiers drain one outbox: two submissions, two DMs, never more.
    tokio::time::timeout(Duration::from_secs(10), async {
        while discord.dms_to(OWNER).len() < 2 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("both notifications sent");
    crate::support::drain_outbox(db.store().await.as_ref()).await;
    assert_eq!(
        discord.dms_to(OWNER).len(),
        2,
        "each notification sent once"
    );
    for (stop, task) in bots {
        let _ = stop.send(());
        let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
    }
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_opens_the_form_prefilled_and_list_pages_with_buttons() {
    let (t, discord, _bot) = ready().await;
    create_and_import(&discord).await;
    let edit = discord
        .inject(manager(discord.slash("campaign").options(campaign(
            "edit",
            Options::new().string("name", "spring"),
        ))))
        .await;
    let modal = discord.wait_for_callback(edit.id).await;
    assert_eq!(modal["data"]["custom_id"], "v1:edit:spring");
    assert_eq!(
        modal["data"]["components"][0]["components"][0]["value"], BODY,
        "prefilled with the draft"
    );
    let submit = discord
        .inject(manager(discord.modal_submit(
            "v1:edit:spring",
            &[("body", "New text. STOP au 36180"), ("sender", "")],
        )))
        .await;
    assert!(
        discord.wait_for_callback(submit.id).await["data"]["content"]
            .as_str()
            .unwrap()
            .contains("updated")
    );
    let who = herald::app::Requester::new(GUILD, herald::domain::ids::UserId(OWNER));
    assert_eq!(
        t.app.draft(who, "spring").await.unwrap().body.as_deref(),
        Some("New text. STOP au 36180")
    );

    for i in 0..11 {
        t.app
            .create_campaign(
                who,
                &format!("extra {i}"),
                herald::app::DraftInput::default(),
            )
            .await
            .unwrap();
    }
    let list = discord
        .inject(
            discord
                .slash("campaign")
                .options(campaign("list", Options::new())),
        )
        .await;
    let page = discord
        .wait_for_original(list.id, |m| !content(m).is_empty())
        .await;
    assert!(
        content(&page).contains("Campaigns (12), page 1/2"),
        "{page}"
    );
    assert_eq!(first_button(&page)["custom_id"], "v1:list:1");
    let next = discord
        .inject(discord.click("v1:list:1").on_message(page))
        .await;
    let second = discord
        .wait_for_original(next.id, |m| content(m).contains("page 2/2"))
        .await;
    assert_eq!(
        first_button(&second)["custom_id"],
        "v1:list:0",
        "only Previous on the last page"
    );
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credits_settings_and_oversize_files() {
    let (t, discord, _bot) = ready().await;
    let credits = discord.inject(discord.slash("credits")).await;
    let reply = discord
        .wait_for_original(credits.id, |m| !content(m).is_empty())
        .await;
    assert!(
        content(&reply).contains("**1000** credits available"),
        "{reply}"
    );
    assert!(
        content(&reply).contains("credit 1000"),
        "the ledger line: {reply}"
    );

    let zone = discord
        .inject(
            discord
                .slash("timezone")
                .options(Options::new().string("zone", "America/New_York")),
        )
        .await;
    assert!(
        discord.wait_for_callback(zone.id).await["data"]["content"]
            .as_str()
            .unwrap()
            .contains("America/New_York")
    );
    assert_eq!(
        t.app
            .user_zone(herald::domain::ids::UserId(OWNER))
            .await
            .unwrap()
            .map(|z| z.name()),
        Some("America/New_York")
    );

    let server = |b: InteractionBuilder| {
        b.options(
            Options::new().subcommand(
                "server",
                Options::new()
                    .string("sender", "MaBoutique")
                    .string("opt_out", "STOP au 36180"),
            ),
        )
    };
    let denied = discord.inject(server(discord.slash("settings"))).await;
    assert!(
        discord.wait_for_callback(denied.id).await["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Manage Server")
    );
    let allowed = discord
        .inject(manager(server(discord.slash("settings"))))
        .await;
    assert!(
        discord.wait_for_callback(allowed.id).await["data"]["content"]
            .as_str()
            .unwrap()
            .contains("saved")
    );
    let (account, _) = t.app.account(GUILD).await.unwrap();
    assert_eq!(
        (
            account.sender.unwrap().as_str(),
            account.opt_out_text.as_deref()
        ),
        ("MaBoutique", Some("STOP au 36180"))
    );

    let mut huge = discord.attachment("huge.csv", b"phone\n0612345678\n");
    huge.size = 30 * 1024 * 1024;
    let options = campaign(
        "recipients",
        Options::new()
            .string("name", "spring")
            .attachment("file", &huge),
    );
    let ix = discord
        .inject(manager(discord.slash("campaign").options(options)))
        .await;
    let answer = discord.wait_for_callback(ix.id).await;
    assert_eq!(answer["data"]["flags"], 64);
    assert!(
        answer["data"]["content"]
            .as_str()
            .unwrap()
            .contains("the limit is 25 MB"),
        "{answer}"
    );
    assert_eq!(discord.downloads(&huge.url), 0, "not downloaded");
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_speak_the_owners_language() {
    let (_t, discord, _bot) = ready().await;
    let submit = discord
        .inject(
            manager(discord.modal_submit(
                "v1:create:printemps",
                &[("body", BODY), ("sender", "MaBoutique")],
            ))
            .locale("fr"),
        )
        .await;
    let created = discord.wait_for_callback(submit.id).await;
    assert!(
        created["data"]["content"]
            .as_str()
            .unwrap()
            .contains("créée en brouillon"),
        "{created}"
    );
    let file = discord.attachment("p.csv", b"phone\n0612345678\n");
    let options = campaign(
        "recipients",
        Options::new()
            .string("name", "printemps")
            .attachment("file", &file),
    );
    let import = discord
        .inject(manager(discord.slash("campaign").options(options)).locale("fr"))
        .await;
    discord
        .wait_for_original(import.id, |m| content(m).contains("importé"))
        .await;
    let ix = discord
        .inject(
            manager(discord.slash("campaign").options(campaign(
                "finalize",
                Options::new().string("name", "printemps"),
            )))
            .locale("fr"),
        )
        .await;
    let summary = discord
        .wait_for_original(ix.id, |m| !content(m).is_empty())
        .await;
    assert!(
        content(&summary).contains("Destinataires : **1**"),
        "{summary}"
    );
    assert_eq!(first_button(&summary)["label"], "Confirmer");
    let confirm = first_button(&summary)["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let click = discord
        .inject(discord.click(&confirm).on_message(summary).locale("fr"))
        .await;
    discord
        .wait_for_original(click.id, |m| !content(m).is_empty())
        .await;
    let dm = discord.wait_for_dm(OWNER, |m| !content(m).is_empty()).await;
    assert!(content(&dm).contains("a été soumise"), "{dm}");
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_sms_is_priced_confirmed_then_queued() {
    let (t, discord, _bot) = ready().await;
    create_and_import(&discord).await;
    let test = |numbers: &str| {
        manager(
            discord.slash("campaign").options(campaign(
                "test",
                Options::new()
                    .string("name", "spring")
                    .string("numbers", numbers),
            )),
        )
    };

    // Too many numbers, or a bad one: a clear ephemeral answer, nothing spent.
    for (numbers, expected) in [
        (
            "0600000001,0600000002,0600000003,0600000004,0600000005,0600000006",
            "at most 5 numbers",
        ),
        ("06 12", "is not a valid number"),
    ] {
        let ix = discord.inject(test(numbers)).await;
        let answer = discord.wait_for_callback(ix.id).await;
        let text = answer["data"]["content"].as_str().unwrap_or_default();
        assert!(text.contains(expected), "{numbers}: {answer}");
        assert_eq!(answer["data"]["flags"], 64, "ephemeral: {answer}");
    }

    let ix = discord.inject(test("06 12 34 56 78, +33781234567")).await;
    let summary = discord
        .wait_for_original(ix.id, |m| content(m).contains("To:"))
        .await;
    let text = content(&summary);
    assert!(
        text.contains("To: +33612345678, +33781234567") && text.contains("Cost: **2** credits"),
        "{text}"
    );
    let confirm = first_button(&summary)["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(confirm.starts_with("v1:confirm:"), "{summary}");
    let owner = herald::app::Requester::new(GUILD, herald::domain::ids::UserId(OWNER));
    assert!(
        t.app
            .test_deliveries(owner, "spring")
            .await
            .unwrap()
            .is_empty()
    );

    let click = discord
        .inject(discord.click(&confirm).on_message(summary.clone()))
        .await;
    discord
        .wait_for_original(click.id, |m| {
            content(m).contains("sent to 2 number(s): 2 credits spent")
        })
        .await;
    let again = discord
        .inject(discord.click(&confirm).on_message(summary))
        .await;
    discord.wait_for_callback(again.id).await;
    let queued = t.app.test_deliveries(owner, "spring").await.unwrap();
    assert_eq!(queued.len(), 2, "a double click sends once");
    let (_, balance) = t.app.account(GUILD).await.unwrap();
    assert_eq!(balance.available.0, 998);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sending_campaign_shows_its_progress_and_can_be_stopped() {
    let (t, discord, _bot) = ready().await;
    create_and_import(&discord).await;
    submit_spring(&discord).await;
    let (id, _) = t.app.campaign_id(GUILD, "spring").await.unwrap();
    let alice = herald::domain::ids::ModeratorName::parse("alice").unwrap();
    t.app
        .decide(id, 1, &alice, herald::app::Decision::Approve)
        .await
        .unwrap();
    assert_eq!(t.app.advance_campaigns().await.unwrap().started, 1);
    let job = t.app.claim_deliveries(1).await.unwrap().remove(0);
    t.app
        .delivery_submitted(&job, &herald::domain::delivery::SubmitOutcome::Accepted)
        .await
        .unwrap();
    t.app
        .delivery_report(
            job.id,
            Some(1),
            &herald::domain::delivery::Report::Delivered,
        )
        .await
        .unwrap();

    let status = discord
        .inject(
            discord
                .slash("campaign")
                .options(campaign("status", Options::new().string("name", "spring"))),
        )
        .await;
    let reply = discord
        .wait_for_original(status.id, |m| !content(m).is_empty())
        .await;
    let text = content(&reply);
    assert!(text.contains("50% completed"), "{text}");
    assert!(
        text.contains("delivered 1 · retrying 0 · bounced 0"),
        "{text}"
    );
    assert_eq!(first_button(&reply)["custom_id"], "v1:askcancel:spring");

    let ask = discord
        .inject(manager(
            discord.click("v1:askcancel:spring").on_message(reply),
        ))
        .await;
    let prompt = discord.wait_for_callback(ask.id).await;
    assert!(
        prompt["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Stop sending **spring**"),
        "{prompt}"
    );
    let token = prompt["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let prompt_message = discord.wait_for_original(ask.id, |_| true).await;
    let yes = discord
        .inject(discord.click(&token).on_message(prompt_message))
        .await;
    discord
        .wait_for_original(yes.id, |m| content(m).contains("is stopping"))
        .await;
    assert_eq!(t.app.advance_campaigns().await.unwrap().completed, 1);
    let ledger = t.app.credits(GUILD, 1).await.unwrap().ledger;
    assert_eq!(
        (ledger[0].kind, ledger[0].amount.0),
        (herald::domain::credits::LedgerKind::Refund, 1),
        "the message not sent is refunded"
    );
    discord.assert_clean();
}

pub(crate) fn button_ids(message: &Value) -> Vec<String> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_owned))
        .collect()
}

/// Refuses the owner's latest version of "spring" (moderator alice) and returns the DM it causes.
async fn refuse_spring(t: &TestApp, discord: &DiscordStandIn, version: u32) -> Value {
    let (id, _) = t.app.campaign_id(GUILD, "spring").await.unwrap();
    let alice = herald::domain::ids::ModeratorName::parse("alice").unwrap();
    let refusal = herald::app::Decision::Refuse {
        code: herald::domain::campaign::RefusalCode::Technical,
        reason: format!("fix v{version}"),
    };
    t.app.decide(id, version, &alice, refusal).await.unwrap();
    discord
        .wait_for_dm(OWNER, |m| content(m).contains(&format!("fix v{version}")))
        .await
}

async fn resubmit_spring(t: &TestApp) {
    let who = herald::app::Requester::new(GUILD, herald::domain::ids::UserId(OWNER));
    let summary = t
        .app
        .finalize(who, "spring", herald::app::SendRequest::Immediate)
        .await
        .unwrap();
    t.app.confirm(who, summary.token.as_str()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_asks_for_a_rating_with_a_follow_up_that_fits() {
    let (t, discord, _bot) = ready().await;
    create_and_import(&discord).await;
    submit_spring(&discord).await;

    // Version 1 refused: the DM asks how it went, with five buttons.
    let dm = refuse_spring(&t, &discord, 1).await;
    let text = content(&dm);
    assert!(text.contains("How was your experience?"), "{text}");
    let ids = button_ids(&dm);
    assert_eq!(ids.len(), 5, "{dm}");
    let survey: i64 = ids[0]
        .strip_prefix("v1:rate:")
        .and_then(|s| s.strip_suffix("-1"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        ids,
        (1..=5)
            .map(|n| format!("v1:rate:{survey}-{n}"))
            .collect::<Vec<_>>()
    );
    let channel = dm["channel_id"].as_str().unwrap().parse::<u64>().unwrap();

    // 2/5: an apology, and the public review offered all the same, with its notice.
    let two = discord
        .inject(
            discord
                .click(&format!("v1:rate:{survey}-2"))
                .in_dm(channel)
                .on_message(dm.clone()),
        )
        .await;
    let answer = discord.wait_for_callback(two.id).await;
    assert_eq!(answer["type"], 7, "the survey message is updated: {answer}");
    let followed = answer["data"]["content"].as_str().unwrap();
    assert!(
        followed.contains("fix v1"),
        "the notification stays: {followed}"
    );
    assert!(
        followed.contains("You rated this 2/5. We are sorry"),
        "{followed}"
    );
    assert!(followed.contains("may publish your review"), "{followed}");
    assert!(!followed.contains("How was your experience?"), "{followed}");
    assert_eq!(
        button_ids(&answer["data"]),
        [
            format!("v1:contact:{survey}"),
            format!("v1:review:{survey}")
        ]
    );

    // "Contact our team again": a form, then the support path, consent first.
    let contact = discord
        .inject(
            discord
                .click(&format!("v1:contact:{survey}"))
                .in_dm(channel)
                .on_message(dm.clone()),
        )
        .await;
    let form = discord.wait_for_callback(contact.id).await;
    assert_eq!(form["type"], 9, "{form}");
    assert_eq!(
        form["data"]["custom_id"],
        format!("v1:contactform:{survey}")
    );
    let ask = |question: &str| {
        discord
            .modal_submit(
                &format!("v1:contactform:{survey}"),
                &[("question", question)],
            )
            .in_dm(channel)
    };
    let no_channel = discord.inject(ask("Why so strict?")).await;
    let no_channel = discord.wait_for_callback(no_channel.id).await;
    assert!(
        no_channel["data"]["content"]
            .as_str()
            .unwrap()
            .contains("no support channel yet"),
        "{no_channel}"
    );
    t.app
        .set_support_settings(
            GUILD,
            herald::store::SupportSettings {
                channel: Some(discord::DEFAULT_CHANNEL_ID),
                role: None,
            },
        )
        .await
        .unwrap();
    let asked = discord.inject(ask("Why so strict?")).await;
    let notice = discord
        .wait_for_original(asked.id, |m| !content(m).is_empty())
        .await;
    assert!(content(&notice).contains("**Before we chat**"), "{notice}");
    let accept = button_ids(&notice)[0].clone();
    let accepted = discord
        .inject(discord.click(&accept).in_dm(channel).on_message(notice))
        .await;
    let opened = discord.wait_for_callback(accepted.id).await;
    assert!(
        opened["data"]["content"]
            .as_str()
            .unwrap()
            .starts_with("Your conversation with the team is open"),
        "{opened}"
    );
    assert_eq!(discord.threads().len(), 1);

    // A second click changes nothing and says so.
    let again = discord
        .inject(
            discord
                .click(&format!("v1:rate:{survey}-5"))
                .in_dm(channel)
                .on_message(dm.clone()),
        )
        .await;
    let refused = discord.wait_for_callback(again.id).await;
    assert_eq!(refused["data"]["flags"], 64, "ephemeral: {refused}");
    assert!(
        refused["data"]["content"]
            .as_str()
            .unwrap()
            .contains("You already rated this 2/5"),
        "{refused}"
    );
    assert_eq!(t.store.rating_counts().await.unwrap(), [0, 1, 0, 0, 0]);

    // The public review: a form, then stored with the consent to publish.
    let share = discord
        .inject(
            discord
                .click(&format!("v1:review:{survey}"))
                .in_dm(channel)
                .on_message(dm.clone()),
        )
        .await;
    let form = discord.wait_for_callback(share.id).await;
    assert_eq!(form["type"], 9, "a modal: {form}");
    assert_eq!(form["data"]["custom_id"], format!("v1:reviewform:{survey}"));
    let empty = discord
        .inject(
            discord
                .modal_submit(&format!("v1:reviewform:{survey}"), &[("review", "   ")])
                .in_dm(channel),
        )
        .await;
    let empty = discord.wait_for_callback(empty.id).await;
    assert!(
        empty["data"]["content"]
            .as_str()
            .unwrap()
            .contains("A review can't be empty"),
        "{empty}"
    );
    let sent = discord
        .inject(
            discord
                .modal_submit(
                    &format!("v1:reviewform:{survey}"),
                    &[("review", "The refusal was fair but slow.")],
                )
                .in_dm(channel),
        )
        .await;
    let thanks = discord.wait_for_callback(sent.id).await;
    assert!(
        thanks["data"]["content"]
            .as_str()
            .unwrap()
            .contains("saved with your consent"),
        "{thanks}"
    );
    let consents = t
        .store
        .consents(GUILD, herald::domain::ids::UserId(OWNER))
        .await
        .unwrap();
    let (review_consent, _) = consents.last().unwrap();
    assert_eq!(
        review_consent.purpose,
        herald::domain::consent::ConsentPurpose::PublicReview
    );
    assert_eq!(review_consent.notice.version, "review-2026-11-en");
    assert_eq!(review_consent.notice.hash.len(), 64);
    assert_eq!(
        review_consent.interaction.as_deref(),
        Some(sent.id.to_string().as_str())
    );

    // Refused again a day later: not asked again (once per 14 days).
    t.clock.advance(TimeDelta::days(1));
    resubmit_spring(&t).await;
    let dm2 = refuse_spring(&t, &discord, 2).await;
    assert!(button_ids(&dm2).is_empty(), "{dm2}");
    assert!(!content(&dm2).contains("How was your experience?"));

    // Fifteen days on, asked again; a week later that survey has expired.
    t.clock.advance(TimeDelta::days(15));
    resubmit_spring(&t).await;
    let dm3 = refuse_spring(&t, &discord, 3).await;
    let late = button_ids(&dm3)[3].clone();
    t.clock.advance(TimeDelta::days(7));
    let expired = discord
        .inject(discord.click(&late).in_dm(channel).on_message(dm3))
        .await;
    let expired = discord.wait_for_callback(expired.id).await;
    assert!(
        expired["data"]["content"]
            .as_str()
            .unwrap()
            .contains("This survey has expired"),
        "{expired}"
    );

    // A server can ask more often and turn the public invitation off.
    t.app
        .set_survey_settings(
            GUILD,
            herald::store::SurveySettings {
                fatigue_days: 0,
                public_review_invitation: false,
            },
        )
        .await
        .unwrap();
    resubmit_spring(&t).await;
    let dm4 = refuse_spring(&t, &discord, 4).await;
    let five = button_ids(&dm4)[4].clone();
    let happy = discord
        .inject(discord.click(&five).in_dm(channel).on_message(dm4))
        .await;
    let happy = discord.wait_for_callback(happy.id).await;
    let text = happy["data"]["content"].as_str().unwrap();
    assert!(text.contains("You rated this 5/5. Thank you!"), "{text}");
    assert!(!text.contains("publish"), "{text}");
    assert!(button_ids(&happy["data"]).is_empty(), "{happy}");
    assert_eq!(t.store.rating_counts().await.unwrap(), [0, 1, 0, 0, 1]);
    discord.assert_clean();
}

const SUPPORT_ROLE: u64 = 1_100_000_000_000_000_777;

fn support_open(discord: &DiscordStandIn, question: &str) -> InteractionBuilder {
    discord
        .slash("support")
        .options(Options::new().subcommand("open", Options::new().string("question", question)))
}

/// Clicks the button `custom_id` on `message` (in the default channel) and waits for the answer.
pub(crate) async fn click_on(discord: &DiscordStandIn, custom_id: &str, message: &Value) -> Value {
    let click = discord
        .inject(discord.click(custom_id).on_message(message.clone()))
        .await;
    discord.wait_for_callback(click.id).await
}

async fn ephemeral_reply(
    discord: &DiscordStandIn,
    interaction: InteractionBuilder,
) -> (u64, Value) {
    let injected = discord.inject(interaction).await;
    let reply = discord
        .wait_for_original(injected.id, |m| !content(m).is_empty())
        .await;
    (injected.id, reply)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn support_opens_only_with_consent_and_privacy_controls_take_effect_at_once() {
    let (t, discord, _bot) = ready().await;
    // A manager points support at a channel and a role.
    let settings = discord.slash("settings").options(
        Options::new().subcommand(
            "support",
            Options::new()
                .channel("channel", discord::DEFAULT_CHANNEL_ID)
                .role("role", SUPPORT_ROLE),
        ),
    );
    let (_, saved) = ephemeral_reply(&discord, manager(settings)).await;
    assert_eq!(content(&saved), "Support settings saved.");

    // First /support: the notice, and nothing opened.
    let (_, notice) = ephemeral_reply(&discord, support_open(&discord, "How do I import?")).await;
    assert!(content(&notice).contains("**Before we chat**"), "{notice}");
    assert!(content(&notice).contains("Withdraw"), "{notice}");
    let ids = button_ids(&notice);
    assert_eq!(ids.len(), 2);
    assert!(
        ids[0].ends_with("-yes") && ids[1].ends_with("-no"),
        "{ids:?}"
    );
    let declined = click_on(&discord, &ids[1], &notice).await;
    assert!(
        declined["data"]["content"]
            .as_str()
            .unwrap()
            .starts_with("Understood: no conversation was opened"),
        "{declined}"
    );
    assert!(discord.threads().is_empty());
    // A notice answered once can't be answered again.
    let replay = click_on(&discord, &ids[0], &notice).await;
    assert_eq!(replay["data"]["flags"], 64);
    assert!(discord.threads().is_empty());

    // Asked again, accepted: a private thread with the person and the team, question first.
    let (_, notice) = ephemeral_reply(&discord, support_open(&discord, "How do I import?")).await;
    let accept = button_ids(&notice)[0].clone();
    let opened = click_on(&discord, &accept, &notice).await;
    let threads = discord.threads();
    assert_eq!(threads.len(), 1);
    let first: u64 = threads[0]["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(threads[0]["type"], 12, "a private thread");
    assert_eq!(
        opened["data"]["content"],
        format!("Your conversation with the team is open: <#{first}>.")
    );
    assert_eq!(discord.thread_members(first), [OWNER]);
    let question = discord
        .wait_for_message(first, |m| content(m).contains("How do I import?"))
        .await;
    assert!(
        content(&question).starts_with(&format!("<@&{SUPPORT_ROLE}> <@{OWNER}> asks")),
        "{question}"
    );
    let consents = t
        .store
        .consents(GUILD, herald::domain::ids::UserId(OWNER))
        .await
        .unwrap();
    let decisions: Vec<&str> = consents.iter().map(|(r, _)| r.decision.as_str()).collect();
    assert_eq!(decisions, ["declined", "granted"]);
    let (granted, _) = &consents[1];
    assert_eq!(granted.notice.version, "support-2026-11-29-en");
    assert!(granted.interaction.is_some());

    // With consent standing, /support opens straight away.
    let (_, second) = ephemeral_reply(&discord, support_open(&discord, "And exports?")).await;
    let second_thread = discord
        .threads()
        .into_iter()
        .map(|t| t["id"].as_str().unwrap().parse::<u64>().unwrap())
        .find(|id| *id != first)
        .expect("a second thread");
    assert_eq!(
        content(&second),
        format!("Your conversation with the team is open: <#{second_thread}>.")
    );

    // Only the support role closes; closing asks the person for a rating, in the thread.
    let close = |roles: &[u64]| {
        discord
            .slash("support")
            .options(Options::new().subcommand("close", Options::new()))
            .in_guild(discord::DEFAULT_GUILD_ID, first)
            .by(1_100_000_000_000_000_900, "agent")
            .roles(roles)
    };
    let (_, refused) = ephemeral_reply(&discord, close(&[])).await;
    assert!(
        content(&refused).starts_with("Only the support role"),
        "{refused}"
    );
    let (_, closed) = ephemeral_reply(&discord, close(&[SUPPORT_ROLE])).await;
    assert_eq!(content(&closed), "This conversation is closed. Thank you!");
    let survey = discord
        .wait_for_message(first, |m| content(m).contains("How was your experience?"))
        .await;
    assert!(
        content(&survey).contains(&format!("<@{OWNER}>")),
        "{survey}"
    );
    assert_eq!(button_ids(&survey).len(), 5);
    let thread_state = |id: u64| {
        discord
            .threads()
            .into_iter()
            .find(|t| t["id"].as_str() == Some(id.to_string().as_str()))
            .unwrap()
    };
    for _ in 0..100 {
        if thread_state(first)["thread_metadata"]["locked"] == true {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let locked = thread_state(first);
    assert_eq!(locked["thread_metadata"]["locked"], true);
    assert_eq!(locked["thread_metadata"]["archived"], true);

    // /privacy: consents, and one click each to withdraw, export and delete.
    let (_, privacy) = ephemeral_reply(&discord, discord.slash("privacy")).await;
    assert!(
        content(&privacy).contains("support conversations (granted)"),
        "{privacy}"
    );
    assert!(
        content(&privacy).contains("support conversations: 2"),
        "{privacy}"
    );
    assert_eq!(
        button_ids(&privacy),
        [
            "v1:privacy:withdraw",
            "v1:privacy:export",
            "v1:privacy:erase"
        ]
    );
    let withdrawn = click_on(&discord, "v1:privacy:withdraw", &privacy).await;
    assert_eq!(
        withdrawn["data"]["content"],
        format!("Consent withdrawn: it took effect at once (<#{second_thread}>).")
    );
    let second_state = discord
        .threads()
        .into_iter()
        .find(|t| t["id"].as_str() == Some(second_thread.to_string().as_str()))
        .unwrap();
    assert_eq!(second_state["thread_metadata"]["locked"], true);
    // Asked again for consent next time.
    let (_, notice) = ephemeral_reply(&discord, support_open(&discord, "Hello?")).await;
    assert!(content(&notice).contains("**Before we chat**"));

    let export = discord
        .inject(
            discord
                .click("v1:privacy:export")
                .on_message(privacy.clone()),
        )
        .await;
    let file = discord
        .wait_for_original(export.id, |m| {
            m["attachments"].as_array().is_some_and(|a| !a.is_empty())
        })
        .await;
    assert_eq!(file["attachments"][0]["filename"], "herald-my-data.json");
    let url = file["attachments"][0]["url"].as_str().unwrap();
    let bytes = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let data: Value = serde_json::from_slice(&bytes).unwrap();
    let decisions: Vec<&str> = data["consents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["decision"].as_str().unwrap())
        .collect();
    assert_eq!(decisions, ["declined", "granted", "withdrawn"]);
    assert_eq!(data["support_conversations"].as_array().unwrap().len(), 2);
    assert_eq!(data["user"], OWNER.to_string());

    let erased = click_on(&discord, "v1:privacy:erase", &privacy).await;
    assert!(
        erased["data"]["content"]
            .as_str()
            .unwrap()
            .starts_with("Your personal data in this server is deleted"),
        "{erased}"
    );
    let after = t
        .app
        .export_personal_data(GUILD, herald::domain::ids::UserId(OWNER))
        .await
        .unwrap();
    assert_eq!(after["support_conversations"].as_array().unwrap().len(), 0);
    assert_eq!(
        after["consents"].as_array().unwrap().len(),
        3,
        "consent proof kept"
    );
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_rating_gets_the_follow_up_that_fits_and_every_rater_may_review() {
    let (t, discord, _bot) = ready().await;
    create_and_import(&discord).await;
    submit_spring(&discord).await;
    // Asked after every refusal, so that one campaign gives five surveys.
    t.app
        .set_survey_settings(
            GUILD,
            herald::store::SurveySettings {
                fatigue_days: 0,
                public_review_invitation: true,
            },
        )
        .await
        .unwrap();
    for rating in 1..=5u32 {
        if rating > 1 {
            resubmit_spring(&t).await;
        }
        let dm = refuse_spring(&t, &discord, rating).await;
        let button = button_ids(&dm)[rating as usize - 1].clone();
        let channel = dm["channel_id"].as_str().unwrap().parse::<u64>().unwrap();
        let click = discord
            .inject(discord.click(&button).in_dm(channel).on_message(dm))
            .await;
        let answer = discord.wait_for_callback(click.id).await;
        let text = answer["data"]["content"].as_str().unwrap();
        let ids = button_ids(&answer["data"]);
        let survey = button
            .trim_start_matches("v1:rate:")
            .split('-')
            .next()
            .unwrap();
        if rating <= 2 {
            assert!(
                text.contains(&format!("You rated this {rating}/5. We are sorry")),
                "{text}"
            );
            assert_eq!(
                ids,
                [
                    format!("v1:contact:{survey}"),
                    format!("v1:review:{survey}")
                ]
            );
        } else {
            assert!(
                text.contains(&format!("You rated this {rating}/5. Thank you!")),
                "{text}"
            );
            assert_eq!(ids, [format!("v1:review:{survey}")]);
        }
        assert!(text.contains("Share your opinion publicly?"), "{text}");
    }
    assert_eq!(t.store.rating_counts().await.unwrap(), [1, 1, 1, 1, 1]);
    discord.assert_clean();
}
