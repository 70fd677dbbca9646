//! The Discord bot: slash commands, buttons and modals turned into use-case calls, and a
//! notifier that drains the outbox. An adapter: it only talks to `crate::app`.
use std::ops::Range;

use poise::serenity_prelude as serenity;

use crate::app::App;

mod access;
mod answers;
mod campaign_buttons;
mod commands;
mod components;
pub mod custom_id;
mod doctor;
mod errors;
pub mod i18n;
mod notifier;
mod reminders;
mod render;
mod replies;
mod reply;
mod support;
mod surveys;

pub use doctor::{ServerReport, TokenCheckError, TokenReport, check_token};
pub use errors::BotError;

/// What commands and handlers share.
pub struct Data {
    pub app: App,
    /// The only server that may name the moderators' channel.
    pub moderators_server: Option<u64>,
}

pub type Context<'a> = poise::Context<'a, Data, BotError>;

#[derive(Debug, Clone)]
pub struct BotConfig {
    pub token: String,
    /// Where Discord's REST API is (`https://discord.com` when `None`). Tests point it at a
    /// loopback stand-in; the rate limiter is then off, as the stand-in sets no limits.
    pub api_base: Option<String>,
    /// Register commands in this server only (instant, for development) instead of globally.
    pub dev_guild: Option<u64>,
    /// Run only these shards of `total` (several processes share one PostgreSQL).
    pub shards: Option<(Range<u32>, u32)>,
    /// Names this process in outbox claims.
    pub worker: String,
    /// Where the console is, for links in the moderators' reminders.
    pub console_url: String,
    /// The only server that may name the moderators' channel (`HERALD_MODERATORS_SERVER`).
    pub moderators_server: Option<u64>,
    /// Told how many of this process's shards are connected (readiness).
    pub vitals: Option<std::sync::Arc<crate::ops::Vitals>>,
}

/// Starts timing a command (`herald_bot_command_seconds`).
async fn before_command(ctx: Context<'_>) {
    ctx.set_invocation_data(std::time::Instant::now()).await;
    access::remember_name(ctx).await;
}

/// Records how long a command took, by its name (a bounded label).
async fn after_command(ctx: Context<'_>) {
    if let Some(started) = ctx.invocation_data::<std::time::Instant>().await {
        metrics::histogram!(
            "herald_bot_command_seconds",
            "command" => ctx.command().qualified_name.clone()
        )
        .record(started.elapsed().as_secs_f64());
    }
}

/// Copies the shards' connection stages into `vitals` every second.
async fn watch_shards(
    manager: std::sync::Arc<serenity::ShardManager>,
    expected: u32,
    vitals: std::sync::Arc<crate::ops::Vitals>,
) {
    loop {
        let connected = manager
            .runners
            .lock()
            .await
            .values()
            .filter(|r| r.stage == serenity::ConnectionStage::Connected)
            .count();
        vitals.set_shards(expected, u32::try_from(connected).unwrap_or(u32::MAX));
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

/// Connects to Discord and serves until the gateway stops or `shutdown` resolves.
pub async fn run(
    app: App,
    config: BotConfig,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> Result<(), BotError> {
    let mut http = serenity::HttpBuilder::new(&config.token);
    if let Some(base) = &config.api_base {
        http = http
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    let http = http.build();
    let dev_guild = config.dev_guild;
    let moderators_server = config.moderators_server;
    let data_app = app.clone();
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            on_error: |error| Box::pin(reply::on_error(error)),
            // The console shows people by the name they go by in their server.
            pre_command: |ctx| Box::pin(before_command(ctx)),
            post_command: |ctx| Box::pin(after_command(ctx)),
            event_handler: |framework, event| Box::pin(components::on_event(framework, event)),
            ..Default::default()
        })
        .setup(move |ctx, _ready, framework| {
            Box::pin(async move {
                let commands = &framework.options().commands;
                match dev_guild {
                    Some(guild) => {
                        poise::builtins::register_in_guild(
                            ctx,
                            commands,
                            serenity::GuildId::new(guild),
                        )
                        .await?
                    }
                    None => poise::builtins::register_globally(ctx, commands).await?,
                }
                Ok(Data {
                    app: data_app,
                    moderators_server,
                })
            })
        })
        .build();
    let mut client = serenity::ClientBuilder::new_with_http(http, serenity::GatewayIntents::GUILDS)
        .framework(framework)
        .await?;
    let replies = tokio::spawn(replies::run(app.clone(), client.http.clone()));
    let answers = tokio::spawn(answers::run(app.clone(), client.http.clone()));
    let reminders = tokio::spawn(reminders::run(
        app.clone(),
        client.http.clone(),
        config.console_url.clone(),
    ));
    let (stop_notifier, notifier_stop) = tokio::sync::watch::channel(false);
    let notifier = tokio::spawn(notifier::run(
        app,
        client.http.clone(),
        config.worker.clone(),
        notifier_stop,
    ));
    let shard_manager = client.shard_manager.clone();
    let shards_watch = config.vitals.clone().map(|vitals| {
        vitals.set_bot_on(true);
        let expected = config
            .shards
            .as_ref()
            .map_or(1, |(range, _)| range.len() as u32);
        vitals.set_shards(expected, 0);
        tokio::spawn(watch_shards(shard_manager.clone(), expected, vitals))
    });
    let gateway = async {
        match config.shards {
            Some((range, total)) => client.start_shard_range(range, total).await,
            None => client.start().await,
        }
    };
    let result = tokio::select! {
        r = gateway => r.map_err(BotError::from),
        () = shutdown => {
            shard_manager.shutdown_all().await;
            Ok(())
        }
    };
    if let Some(watch) = shards_watch {
        watch.abort();
    }
    // The outbox step in progress finishes; the caller bounds the wait.
    let _ = stop_notifier.send(true);
    let _ = notifier.await;
    replies.abort();
    answers.abort();
    reminders.abort();
    result
}
