//! The bot through the loopback Discord stand-in: 1,000 interactions (status, finalize and
//! confirm mixed) injected at 200 per second; latency from INTERACTION_CREATE sent to the
//! bot's callback received, and how many took longer than Discord's 3 seconds; for the deferred
//! finalize, also the time until its summary replaces the "thinking" message.
//!
//! `cargo bench --bench bot_interactions` (SQLite; the stand-in needs ../shared/discord-api-spec).
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::support::discord::{self, DiscordStandIn, Options, perms};
use common::{BenchDb, Engine, OWNER, SERVER, ms, percentile};
use herald::app::{App, DraftInput, ManualClock, Requester, SendRequest};
use herald::bot::BotConfig;
use herald::domain::credits::TopUp;
use herald::domain::effects::Actor;
use herald::domain::ids::{AccountId, UserId};

const INTERACTIONS: usize = 1_000;
const RATE_PER_SECOND: u64 = 200;
const PRE_FINALIZED: usize = 200;
const DRAFTS: usize = 300;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let _ = (SERVER, OWNER);
    let guild = AccountId(discord::DEFAULT_GUILD_ID);
    let owner = Requester::new(guild, UserId(discord::DEFAULT_USER_ID));
    let db = BenchDb::new(Engine::Sqlite).await;
    let store = herald::store::open(&db.url).await.expect("store");
    let app = App::new(store, Arc::new(ManualClock::new(common::t0())));
    app.ensure_account(guild, "bench").await.unwrap();
    app.credit(
        guild,
        TopUp::new(1_000_000).unwrap(),
        "bench",
        Actor::Operator,
    )
    .await
    .unwrap();
    eprintln!("preparing {} campaigns…", PRE_FINALIZED + DRAFTS);
    let mut tokens = Vec::new();
    for i in 0..PRE_FINALIZED + DRAFTS {
        let name = format!("c{i}");
        let input = DraftInput {
            body: Some("Sale this weekend. STOP au 36180".into()),
            sender: Some("SHOP".into()),
        };
        app.create_campaign(owner, &name, input).await.unwrap();
        let csv = format!("phone\n06{:08}\n", 10_000_000 + i);
        app.import_recipients(
            owner,
            &name,
            std::io::Cursor::new(csv.into_bytes()),
            Default::default(),
        )
        .await
        .unwrap();
        if i < PRE_FINALIZED {
            tokens.push(
                app.finalize(owner, &name, SendRequest::Immediate)
                    .await
                    .unwrap()
                    .token,
            );
        }
    }

    let discord = Arc::new(DiscordStandIn::start().await);
    let config = BotConfig {
        token: discord::TOKEN.to_owned(),
        api_base: Some(discord.api_base()),
        dev_guild: None,
        shards: None,
        worker: "bench".to_owned(),
        console_url: "http://console.test".to_owned(),
        moderators_server: None,
        vitals: None,
    };
    let bot_app = app.clone();
    tokio::spawn(async move { herald::bot::run(bot_app, config, std::future::pending()).await });
    discord.wait_for_shards(1).await;

    eprintln!("injecting {INTERACTIONS} interactions at {RATE_PER_SECOND}/s…");
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / RATE_PER_SECOND));
    let mut waiting = Vec::new();
    let (mut next_draft, mut next_token) = (PRE_FINALIZED, 0);
    for i in 0..INTERACTIONS {
        ticker.tick().await;
        let manager =
            |b: discord::InteractionBuilder| b.permissions(perms::MEMBER | perms::MANAGE_GUILD);
        let (kind, payload) = match i % 10 {
            0..=4 => {
                let name = format!("c{}", i % (PRE_FINALIZED + DRAFTS));
                let options =
                    Options::new().subcommand("status", Options::new().string("name", &name));
                ("status", discord.slash("campaign").options(options))
            }
            5..=7 => {
                let name = format!("c{next_draft}");
                next_draft += 1;
                let options =
                    Options::new().subcommand("finalize", Options::new().string("name", &name));
                (
                    "finalize",
                    manager(discord.slash("campaign").options(options)),
                )
            }
            _ => {
                let token = tokens[next_token].as_str().to_owned();
                next_token += 1;
                ("confirm", discord.click(&format!("v1:confirm:{token}")))
            }
        };
        let discord = discord.clone();
        waiting.push(tokio::spawn(async move {
            let sent = Instant::now();
            let ix = discord.inject(payload).await;
            discord.wait_for_callback(ix.id).await;
            let answered = sent.elapsed();
            // A deferred finalize shows its summary later, in an edit of the original response.
            let summary = match kind {
                "finalize" => {
                    discord
                        .wait_for_original(ix.id, |m| {
                            m["components"].as_array().is_some_and(|c| !c.is_empty())
                        })
                        .await;
                    Some(sent.elapsed())
                }
                _ => None,
            };
            (kind, answered, summary)
        }));
    }
    let mut all = Vec::new();
    let mut shown = Vec::new();
    let mut by_kind: std::collections::BTreeMap<&str, Vec<Duration>> = Default::default();
    for w in waiting {
        let (kind, latency, summary) = w.await.expect("interaction answered");
        all.push(latency);
        by_kind.entry(kind).or_default().push(latency);
        if let Some(summary) = summary {
            shown.push(summary);
        }
    }
    println!("\n| interactions | n | p50 (ms) | p99 (ms) | max (ms) | over 3 s |");
    println!("|---|---:|---:|---:|---:|---:|");
    by_kind.insert("all", all);
    // Not a callback: from INTERACTION_CREATE to the summary with its Confirm button.
    by_kind.insert("finalize, summary shown", shown);
    for (kind, mut samples) in by_kind {
        samples.sort();
        let over = samples
            .iter()
            .filter(|d| **d > Duration::from_secs(3))
            .count();
        println!(
            "| {kind} | {} | {} | {} | {} | {over} |",
            samples.len(),
            ms(percentile(&samples, 0.5)),
            ms(percentile(&samples, 0.99)),
            ms(*samples.last().unwrap()),
        );
    }
    let violations = discord.take_violations();
    let failures = discord.take_failures();
    println!(
        "\nOpenAPI violations: {}; failed requests: {}",
        violations.len(),
        failures.len()
    );
    drop(db);
}
