//! The loopback Discord stand-in, driven by the REAL serenity/poise client: a minimal bot defined
//! here goes through startup, commands, components, modals, attachments, DMs, threads, a dropped
//! gateway, an injected REST failure and two shards, while the stand-in checks every body
//! against Discord's OpenAPI spec.

use std::time::Instant;

use crate::support::discord::{
    self, Check, DiscordStandIn, Options, Recorded, openapi, perms, shard_for,
};
use poise::serenity_prelude as serenity;
use serde_json::{Value, json};

// ----- the minimal bot -----

struct Data;
type Error = Box<dyn std::error::Error + Send + Sync>;
type Context<'a> = poise::Context<'a, Data, Error>;

fn counter_button(n: u32) -> serenity::CreateActionRow {
    let button = serenity::CreateButton::new(format!("v1:test:{n}")).label("Again");
    serenity::CreateActionRow::Buttons(vec![button])
}

/// Replies "pong" with a button.
#[poise::command(slash_command)]
async fn ping(ctx: Context<'_>) -> Result<(), Error> {
    let reply = poise::CreateReply::default()
        .content("pong")
        .components(vec![counter_button(1)]);
    ctx.send(reply).await?;
    Ok(())
}

/// Opens a modal; the global handler answers its submit.
#[poise::command(slash_command)]
async fn form(ctx: Context<'_>) -> Result<(), Error> {
    let poise::Context::Application(actx) = ctx else {
        return Ok(());
    };
    let input = serenity::CreateInputText::new(serenity::InputTextStyle::Short, "Name", "name");
    let modal = serenity::CreateModal::new("v1:form", "Who are you?")
        .components(vec![serenity::CreateActionRow::InputText(input)]);
    actx.interaction
        .create_response(
            ctx.http(),
            serenity::CreateInteractionResponse::Modal(modal),
        )
        .await?;
    Ok(())
}

/// Downloads an attachment and counts its lines.
#[poise::command(slash_command)]
async fn upload(ctx: Context<'_>, file: serenity::Attachment) -> Result<(), Error> {
    let bytes = file.download().await?;
    let lines = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    ctx.say(format!("{} has {lines} lines", file.filename))
        .await?;
    Ok(())
}

async fn campaign_names(_ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let choices = ["spring", "summer", "sales"]
        .into_iter()
        .filter(|n| n.starts_with(partial))
        .map(|n| serenity::AutocompleteChoice::new(n, n))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Campaigns (needs Manage Server).
#[poise::command(
    slash_command,
    subcommands("show"),
    required_permissions = "MANAGE_GUILD",
    default_member_permissions = "MANAGE_GUILD"
)]
async fn campaign(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Shows a campaign, in the user's language.
#[poise::command(slash_command, required_permissions = "MANAGE_GUILD")]
async fn show(
    ctx: Context<'_>,
    #[autocomplete = "campaign_names"] name: String,
    #[min = 1] page: Option<i64>,
) -> Result<(), Error> {
    let text = match ctx.locale() {
        Some("fr") => format!("Campagne {name}, page {}", page.unwrap_or(1)),
        _ => format!("Campaign {name}, page {}", page.unwrap_or(1)),
    };
    ctx.say(text).await?;
    Ok(())
}

// Defers, then DMs the user, posts a file in the channel, edits it, opens a thread with the
// user in it, and reports in a follow-up that it then edits: most REST routes in one go.
/// Notifies you.
#[poise::command(slash_command)]
async fn notify(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer().await?;
    let http = ctx.http();
    let dm = match ctx
        .author()
        .direct_message(
            http,
            serenity::CreateMessage::new().content("You have been notified"),
        )
        .await
    {
        Ok(_) => "DM sent".to_owned(),
        Err(e) => format!("DM failed: {e}"),
    };
    let file = serenity::CreateAttachment::bytes(b"a,b\n1,2\n".as_slice(), "report.csv");
    let mut posted = ctx
        .channel_id()
        .send_message(
            http,
            serenity::CreateMessage::new()
                .content("report")
                .add_file(file),
        )
        .await?;
    posted
        .edit(http, serenity::EditMessage::new().content("report (final)"))
        .await?;
    let thread = ctx
        .channel_id()
        .create_thread(
            http,
            serenity::CreateThread::new("follow-up").kind(serenity::ChannelType::PrivateThread),
        )
        .await?;
    thread.id.add_thread_member(http, ctx.author().id).await?;
    let handle = ctx.say(format!("{dm}; thread {}", thread.id)).await?;
    handle
        .edit(
            ctx,
            poise::CreateReply::default().content(format!("{dm}; done")),
        )
        .await?;
    Ok(())
}

/// The global handler for components and modals, keyed by custom id (no collector races).
async fn on_event(
    framework: poise::FrameworkContext<'_, Data, Error>,
    event: &serenity::FullEvent,
) -> Result<(), Error> {
    let ctx = framework.serenity_context;
    let serenity::FullEvent::InteractionCreate { interaction } = event else {
        return Ok(());
    };
    match interaction {
        serenity::Interaction::Component(click) => {
            if let Some(n) = click.data.custom_id.strip_prefix("v1:test:") {
                let next = n.parse::<u32>()? + 1;
                let update = serenity::CreateInteractionResponseMessage::new()
                    .content(format!("pong {next}"))
                    .components(vec![counter_button(next)]);
                click
                    .create_response(
                        ctx,
                        serenity::CreateInteractionResponse::UpdateMessage(update),
                    )
                    .await?;
            }
        }
        serenity::Interaction::Modal(submit) if submit.data.custom_id == "v1:form" => {
            let name = submit
                .data
                .components
                .iter()
                .flat_map(|row| &row.components)
                .find_map(|c| match c {
                    serenity::ActionRowComponent::InputText(t) if t.custom_id == "name" => {
                        t.value.clone()
                    }
                    _ => None,
                })
                .unwrap_or_default();
            let reply =
                serenity::CreateInteractionResponseMessage::new().content(format!("hello {name}"));
            submit
                .create_response(ctx, serenity::CreateInteractionResponse::Message(reply))
                .await?;
        }
        _ => {}
    }
    Ok(())
}

/// Starts the bot as the real one will be: HTTP through the stand-in, ratelimiter off.
async fn start_bot(discord: &DiscordStandIn, shards: u32) -> tokio::task::JoinHandle<()> {
    let http = serenity::HttpBuilder::new(discord::TOKEN)
        .proxy(discord.api_base())
        .ratelimiter_disabled(true)
        .build();
    let options = poise::FrameworkOptions {
        commands: vec![ping(), form(), upload(), campaign(), notify()],
        event_handler: |framework, event| Box::pin(on_event(framework, event)),
        ..Default::default()
    };
    let framework = poise::Framework::builder()
        .options(options)
        .setup(|ctx, _ready, framework| {
            Box::pin(async move {
                poise::builtins::register_globally(ctx, &framework.options().commands).await?;
                Ok(Data)
            })
        })
        .build();
    let mut client =
        serenity::ClientBuilder::new_with_http(http, serenity::GatewayIntents::non_privileged())
            .framework(framework)
            .await
            .expect("build the client");
    tokio::spawn(async move {
        let run = if shards == 1 {
            client.start().await
        } else {
            client.start_shards(shards).await
        };
        run.expect("client ran");
    })
}

/// A stand-in with the bot connected and its commands registered.
async fn ready(shards: u32) -> (DiscordStandIn, tokio::task::JoinHandle<()>) {
    let discord = DiscordStandIn::start().await;
    let bot = start_bot(&discord, shards).await;
    discord.wait_for_shards(shards as usize).await;
    discord
        .wait_for_request(
            |r| r.method == "PUT" && r.path.ends_with("/commands"),
            discord::WAIT,
        )
        .await;
    (discord, bot)
}

fn content(message: &Value) -> &str {
    message["content"].as_str().unwrap_or_default()
}

// ----- the tests -----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn startup_handshake_and_command_registration() {
    let started = Instant::now();
    let (discord, _bot) = ready(1).await;
    eprintln!("bot ready in {:?}", started.elapsed());

    let requests = discord.requests();
    let order: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let app = discord.application_id();
    let expected_put = format!("PUT /applications/{app}/commands");
    assert_eq!(order[0], "GET /gateway", "{order:?}");
    assert!(
        order.contains(&"GET /oauth2/applications/@me".to_owned()),
        "{order:?}"
    );
    assert!(
        order.contains(&expected_put),
        "commands registered under READY's application id: {order:?}"
    );
    assert_eq!(discord.identify_count(), 1);
    assert_eq!(discord.connected_shards(), vec![0]);

    let names: Vec<String> = discord
        .global_commands()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["ping", "form", "upload", "campaign", "notify"]);
    let registered = discord.global_commands();
    let campaign = registered.iter().find(|c| c["name"] == "campaign").unwrap();
    assert_eq!(campaign["options"][0]["name"], "show");
    assert_eq!(campaign["default_member_permissions"], "32", "MANAGE_GUILD");
    assert!(
        registered
            .iter()
            .all(|c| c["id"].as_str().is_some_and(|id| id != "0"))
    );
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_command_then_button_updates_the_message() {
    let (discord, _bot) = ready(1).await;

    let ping = discord.inject(discord.slash("ping")).await;
    let callback = discord.wait_for_callback(ping.id).await;
    assert_eq!(callback["type"], 4);
    assert_eq!(callback["data"]["content"], "pong");
    let reply = discord.wait_for_original(ping.id, |_| true).await;
    assert_eq!(
        reply["components"][0]["components"][0]["custom_id"],
        "v1:test:1"
    );

    // Click the button on the message the bot actually posted.
    let click = discord
        .inject(discord.click("v1:test:1").on_message(reply.clone()))
        .await;
    let update = discord.wait_for_callback(click.id).await;
    assert_eq!(update["type"], 7, "an UPDATE_MESSAGE callback");
    let updated = discord
        .wait_for_original(click.id, |m| content(m) == "pong 2")
        .await;
    assert_eq!(updated["id"], reply["id"], "the same message was updated");
    assert_eq!(
        updated["components"][0]["components"][0]["custom_id"],
        "v1:test:2"
    );
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modal_round_trip() {
    let (discord, _bot) = ready(1).await;

    let open = discord.inject(discord.slash("form")).await;
    let modal = discord.wait_for_callback(open.id).await;
    assert_eq!(modal["type"], 9);
    assert_eq!(modal["data"]["custom_id"], "v1:form");
    assert_eq!(
        modal["data"]["components"][0]["components"][0]["custom_id"],
        "name"
    );

    let submit = discord
        .inject(discord.modal_submit("v1:form", &[("name", "Ada")]))
        .await;
    let reply = discord.wait_for_callback(submit.id).await;
    assert_eq!(reply["type"], 4);
    assert_eq!(reply["data"]["content"], "hello Ada");
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachment_option_is_downloaded_from_the_stand_in() {
    let (discord, _bot) = ready(1).await;
    let file = discord.attachment("numbers.csv", b"phone\n0612345678\n0698765432\n");

    let ix = discord
        .inject(
            discord
                .slash("upload")
                .options(Options::new().attachment("file", &file)),
        )
        .await;
    let reply = discord.wait_for_callback(ix.id).await;
    assert_eq!(reply["data"]["content"], "numbers.csv has 3 lines");
    assert_eq!(discord.downloads(&file.url), 1);
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permissions_locale_subcommands_and_autocomplete() {
    let (discord, _bot) = ready(1).await;
    let show = |name: &str| {
        Options::new().subcommand(
            "show",
            Options::new().string("name", name).integer("page", 2),
        )
    };

    // Without Manage Server poise refuses (its default error handler answers ephemerally).
    let denied = discord
        .inject(discord.slash("campaign").options(show("spring")))
        .await;
    let refusal = discord.wait_for_callback(denied.id).await;
    assert_eq!(refusal["data"]["flags"], 64, "ephemeral: {refusal}");
    assert!(!content(&refusal["data"]).contains("Campaign"), "{refusal}");

    let allowed = discord
        .slash("campaign")
        .options(show("spring"))
        .permissions(perms::MEMBER | perms::MANAGE_GUILD)
        .roles(&[discord.new_id()])
        .locale("fr");
    let ix = discord.inject(allowed).await;
    let reply = discord.wait_for_callback(ix.id).await;
    assert_eq!(reply["data"]["content"], "Campagne spring, page 2");

    let typing = discord
        .autocomplete("campaign")
        .options(Options::new().subcommand("show", Options::new().focused("name", "s")))
        .permissions(perms::MEMBER | perms::MANAGE_GUILD);
    let ix = discord.inject(typing).await;
    let choices = discord.wait_for_callback(ix.id).await;
    assert_eq!(choices["type"], 8);
    let names: Vec<&Value> = choices["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["name"])
        .collect();
    assert_eq!(names, [&json!("spring"), &json!("summer"), &json!("sales")]);
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deferred_reply_dm_channel_message_thread_and_edits() {
    let (discord, _bot) = ready(1).await;
    let user = discord.new_id();

    let ix = discord
        .inject(discord.slash("notify").by(user, "ada"))
        .await;
    let done = discord
        .wait_for_original(ix.id, |m| content(m).ends_with("done"))
        .await;
    assert_eq!(content(&done), "DM sent; done");
    // The message changes before its request is recorded: wait for the record of that last edit.
    discord
        .wait_for_request(
            |r| r.method == "PATCH" && r.response["content"] == "DM sent; done",
            discord::WAIT,
        )
        .await;
    assert_eq!(discord.callbacks_for(ix.id)[0]["type"], 5, "deferred first");

    let dms = discord.dms_to(user);
    assert_eq!(dms.len(), 1);
    assert_eq!(content(&dms[0]), "You have been notified");

    let in_channel = discord.messages_in_channel(ix.channel_id);
    let report = in_channel
        .iter()
        .find(|m| content(m).starts_with("report"))
        .unwrap();
    assert_eq!(content(report), "report (final)");
    assert_eq!(report["attachments"][0]["filename"], "report.csv");
    let upload = discord
        .requests()
        .into_iter()
        .find(|r| !r.files.is_empty())
        .expect("a multipart upload");
    assert_eq!(upload.files[0].bytes, b"a,b\n1,2\n");
    assert_eq!(upload.body["content"], "report", "payload_json read");

    let threads = discord.threads();
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0]["name"], "follow-up");
    let thread_id: u64 = threads[0]["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(discord.thread_members(thread_id), vec![user]);

    // Every body that crossed the wire, either way, was checked against the spec.
    let requests = discord.requests();
    let sent = requests.iter().filter(|r| !r.body.is_null()).count();
    let answered = requests.iter().filter(|r| !r.response.is_null()).count();
    assert_eq!(
        discord.checked_bodies(),
        (sent, answered),
        "{}",
        discord.summary()
    );
    assert!(sent >= 7 && answered >= 10, "{sent} {answered}");
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_500_is_visible_to_bot_and_test() {
    let (discord, _bot) = ready(1).await;
    let user = discord.new_id();
    discord.fail_next("POST", "/users/@me/channels", 500, 1);

    let ix = discord
        .inject(discord.slash("notify").by(user, "ada"))
        .await;
    let done = discord
        .wait_for_original(ix.id, |m| content(m).ends_with("done"))
        .await;
    assert!(content(&done).starts_with("DM failed"), "{done}");
    let failed: Vec<Recorded> = discord
        .requests()
        .into_iter()
        .filter(|r| r.path == "/users/@me/channels")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].status, 500);
    assert!(
        discord.dms_to(user).is_empty(),
        "the failed call changed nothing"
    );

    // The fault was used up: the next run gets through.
    let again = discord
        .inject(discord.slash("notify").by(user, "ada"))
        .await;
    discord
        .wait_for_original(again.id, |m| content(m) == "DM sent; done")
        .await;
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_gateway_reconnects_and_still_serves() {
    let (discord, _bot) = ready(1).await;
    let first = discord.inject(discord.slash("ping")).await;
    discord.wait_for_callback(first.id).await;

    let dropped = Instant::now();
    discord.drop_connections();
    // serenity tries RESUME, is refused (op 9), and IDENTIFYs again; its shard queuer spaces
    // IDENTIFYs 5 s apart, which bounds how long this takes.
    let ix = discord.inject(discord.slash("ping")).await;
    let reply = discord.wait_for_callback(ix.id).await;
    eprintln!("served again {:?} after the drop", dropped.elapsed());
    assert_eq!(reply["data"]["content"], "pong");
    assert_eq!(discord.identify_count(), 2);
    assert!(
        discord.resume_count() >= 1,
        "serenity tried to resume first"
    );
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_shards_get_their_own_guilds() {
    let (discord, _bot) = ready(2).await;
    assert_eq!(discord.connected_shards(), vec![0, 1]);

    // Guild ids whose (id >> 22) % 2 differ.
    let guild_a = 1_100_000_000_000_000_001_u64;
    let guild_b = guild_a + (1 << 22);
    let (shard_a, shard_b) = (shard_for(Some(guild_a), 2), shard_for(Some(guild_b), 2));
    assert_ne!(shard_a, shard_b);

    for guild in [guild_a, guild_b] {
        let channel = discord.new_id();
        let ix = discord
            .inject(discord.slash("ping").in_guild(guild, channel))
            .await;
        assert_eq!(ix.shard, shard_for(Some(guild), 2));
        let reply = discord.wait_for_callback(ix.id).await;
        assert_eq!(reply["data"]["content"], "pong");
    }
    let dm = discord
        .inject(discord.slash("ping").in_dm(discord.new_id()))
        .await;
    assert_eq!(dm.shard, 0, "DMs go to shard 0");
    discord.wait_for_callback(dm.id).await;
    let shards: Vec<u32> = discord.dispatched().iter().map(|(s, _)| *s).collect();
    assert_eq!(shards, [shard_a, shard_b, 0]);
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_rest_routes_answer_what_serenity_reads() {
    let (discord, _bot) = ready(1).await;
    // A second client over the same stand-in, for routes the minimal bot does not use.
    let http = serenity::HttpBuilder::new(discord::TOKEN)
        .proxy(discord.api_base())
        .ratelimiter_disabled(true)
        .application_id(serenity::ApplicationId::new(discord.application_id()))
        .build();

    let me = http.get_current_user().await.expect("GET /users/@me");
    assert_eq!(me.id.get(), discord.bot_user_id());
    let gateway = http.get_bot_gateway().await.expect("GET /gateway/bot");
    assert_eq!(gateway.url, discord.gateway_url());
    assert_eq!(http.get_global_commands().await.unwrap().len(), 5);

    let guild = serenity::GuildId::new(discord.new_id());
    let local = serenity::CreateCommand::new("local").description("A guild command");
    let echoed = guild
        .set_commands(&http, vec![local])
        .await
        .expect("PUT guild commands");
    assert_eq!(echoed[0].guild_id, Some(guild));
    assert_eq!(discord.guild_commands(guild.get())[0]["name"], "local");
    assert_eq!(
        http.get_guild_commands(guild).await.unwrap()[0].name,
        "local"
    );

    let ping = discord.inject(discord.slash("ping")).await;
    discord.wait_for_callback(ping.id).await;
    let original = http
        .get_original_interaction_response(&ping.token)
        .await
        .expect("GET @original");
    assert_eq!(original.content, "pong");
    http.delete_original_interaction_response(&ping.token)
        .await
        .expect("DELETE @original");
    assert!(discord.original_response(ping.id).is_none());
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_interactions_are_all_answered() {
    let (discord, _bot) = ready(1).await;
    let started = Instant::now();
    let mut injected = Vec::new();
    for _ in 0..200 {
        injected.push(discord.inject(discord.slash("ping")).await);
    }
    for ix in &injected {
        assert_eq!(
            discord.wait_for_callback(ix.id).await["data"]["content"],
            "pong"
        );
    }
    eprintln!("200 interactions answered in {:?}", started.elapsed());
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_routes_and_bad_bodies_are_reported() {
    let discord = DiscordStandIn::start().await;
    let http = serenity::HttpBuilder::new(discord::TOKEN)
        .proxy(discord.api_base())
        .ratelimiter_disabled(true)
        .build();

    // A route the stand-in does not serve: 404 with Discord's error body, and a failure.
    let err = http
        .get_guild(serenity::GuildId::new(42))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("404") || format!("{err:?}").contains("404"),
        "{err:?}"
    );
    let failures = discord.take_failures();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].contains("unknown route GET /guilds/42"),
        "{failures:?}"
    );

    // A malformed request body is a violation (a callback type that does not exist).
    let client = raw_post(
        &discord,
        "/interactions/1/tok/callback",
        json!({"type": "four"}),
    )
    .await;
    assert_eq!(client, 404, "unknown interaction");
    let violations = discord.take_violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].direction, discord::Direction::Request);
    discord.take_failures();

    // The validator API on hand-made bodies: a good and a bad message response.
    let spec = openapi::spec();
    let good = json!({
        "id": "10", "channel_id": "11", "type": 0, "content": "hi",
        "author": {"id": "12", "username": "u", "discriminator": "0", "avatar": null,
                   "global_name": null, "public_flags": 0, "flags": 0, "primary_guild": null},
        "timestamp": "2027-03-02T09:00:00+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": [], "components": [], "pinned": false, "flags": 0
    });
    let check = spec.check_response("POST", "/channels/11/messages", 200, &good);
    assert!(matches!(check, Check::Valid), "{check:?}");
    let mut bad = good.clone();
    bad["id"] = json!(10);
    bad.as_object_mut().unwrap().remove("author");
    let violation = spec
        .check_response("POST", "/channels/11/messages", 200, &bad)
        .violation()
        .expect("a violation");
    assert!(violation.errors.len() >= 2, "{violation}");
    assert!(violation.to_string().contains("author"), "{violation}");
    // A bad request body by hand: a callback with an unknown response type.
    let bad_callback = json!({"type": 99, "data": {"content": "x"}});
    let check = spec.check_request(
        "POST",
        "/interactions/1/t/callback",
        "application/json",
        &bad_callback,
    );
    assert!(matches!(check, Check::Invalid(_)), "{check:?}");
    // Paths the spec does not describe are not checked (and not counted as checked).
    assert!(
        !spec
            .check_response("GET", "/no/such/route", 200, &good)
            .was_checked()
    );
    assert_eq!(
        spec.template_for("/webhooks/1/t/messages/@original"),
        Some("/webhooks/{webhook_id}/{webhook_token}/messages/@original")
    );
    assert_eq!(
        spec.template_for("/webhooks/1/t/messages/5"),
        Some("/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")
    );
    discord.assert_clean();
}

/// A raw POST with the bot token, for bodies serenity would never produce.
async fn raw_post(discord: &DiscordStandIn, path: &str, body: Value) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = discord.api_base().trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let body = body.to_string();
    let request = format!(
        "POST /api/v10{path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bot {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        discord::TOKEN,
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response[9..12].parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payloads_serenity_cannot_read_fail_loudly() {
    let discord = DiscordStandIn::start().await;
    let mut payload = discord.slash("ping").build();
    payload
        .as_object_mut()
        .unwrap()
        .remove("attachment_size_limit");
    let injected = tokio::spawn(async move {
        discord.inject_interaction(payload).await;
    })
    .await;
    let panic = injected.unwrap_err().into_panic();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("attachment_size_limit"), "{message}");
}
