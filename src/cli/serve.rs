//! `herald serve`: runs until interrupted.
use herald::app::App;
use herald::bot::BotConfig;
use herald::config::Config;
use herald::console::{ConsoleConfig, console_routes, link_routes};
use herald::delivery::{
    Dispatcher, DispatcherConfig, KannelConfig, KannelGateway, ReportSigner, SimulatedGateway,
    SimulationProfile, SmsGateway, report_routes, run_scheduler,
};
use herald::ops::{
    GatewayProbe, Vitals, install_metrics, ops_routes, record_http, sample_backlogs,
};
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use super::Failure;

/// How long the report endpoint stays up after the last message was handed to the gateway,
/// so that its delivery report is recorded rather than waited for until the report timeout.
const REPORT_DRAIN: Duration = Duration::from_secs(2);

/// Which shards this process runs: `--shards 0-3 --total-shards 8`.
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Shard range this process runs (e.g. 0-3); requires --total-shards.
    #[arg(long, requires = "total_shards", value_parser = parse_range)]
    shards: Option<(u32, u32)>,
    /// How many shards all processes run together.
    #[arg(long, requires = "shards")]
    total_shards: Option<u32>,
    /// Run one part only (default: all of them in this process).
    #[arg(long, value_enum)]
    only: Option<Part>,
}

/// What a `herald serve` process runs.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The moderation console (HTTP).
    Console,
    /// The scheduler, the dispatcher and the delivery-report endpoint (HTTP).
    Delivery,
    /// The Discord bot and its notifier.
    Bot,
}

impl ServeArgs {
    fn runs(&self, part: Part) -> bool {
        self.only.is_none_or(|only| only == part)
    }
}

fn parse_range(s: &str) -> Result<(u32, u32), String> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let (a, b): (u32, u32) = match (a.trim().parse(), b.trim().parse()) {
        (Ok(a), Ok(b)) => (a, b),
        _ => {
            return Err(format!(
                "\"{s}\" is not a shard range: write it as FIRST-LAST, e.g. 0-3"
            ));
        }
    };
    if a > b {
        return Err(format!("\"{s}\": the first shard comes after the last"));
    }
    Ok((a, b))
}

pub async fn run(app: App, config: &Config, args: ServeArgs) -> Result<(), Failure> {
    app.prune_recipient_lists().await;
    let shards = match (args.shards, args.total_shards) {
        (Some((first, last)), Some(total)) if last < total => Some((first..last + 1, total)),
        (Some(_), Some(total)) => {
            return Err(Failure::User(format!(
                "--shards must stay below --total-shards ({total})"
            )));
        }
        _ => None,
    };
    // Every process answers /healthz, /readyz and /metrics on its HTTP address, whatever it runs.
    let listener = tokio::net::TcpListener::bind(&config.http_addr)
        .await
        .map_err(|e| {
            Failure::User(format!(
                "could not listen on {}: {e}; set HERALD_HTTP_ADDR to a free address",
                config.http_addr
            ))
        })?;
    let vitals = Arc::new(Vitals::new());
    let metrics = install_metrics();
    let probe = match &config.kannel_sendsms_url {
        Some(url) => GatewayProbe::Kannel {
            sendsms_url: url.clone(),
        },
        None => GatewayProbe::Simulated,
    };
    let mut routes = ops_routes(
        app.clone(),
        vitals.clone(),
        probe,
        metrics.clone(),
        config.metrics_token.clone(),
    );
    let delivery = match args.runs(Part::Delivery) {
        true => {
            let (engine, reports) =
                DeliveryEngine::start(app.clone(), config, vitals.clone()).await?;
            routes = routes.merge(reports);
            vitals.set_delivering(true);
            Some(engine)
        }
        false => None,
    };
    if args.runs(Part::Console) {
        let secure_cookies = config.public_url.starts_with("https://");
        routes = routes.merge(link_routes(app.clone())).merge(console_routes(
            app.clone(),
            ConsoleConfig {
                secure_cookies,
                ..ConsoleConfig::default()
            },
        ));
        tracing::info!(
            "moderation console at http://{}/ (add a moderator with `herald moderator add NAME`)",
            config.http_addr
        );
    }
    let routes = routes.layer(axum::middleware::from_fn(record_http));
    let sampler = tokio::spawn(sample_backlogs(
        app.clone(),
        metrics.clone(),
        Duration::from_secs(5),
    ));

    // One stop signal for every part: SIGTERM or Ctrl-C.
    let (stop, stopped_rx) = tokio::sync::watch::channel(false);
    let stopping = move || stopped(stopped_rx.clone());
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    });

    tracing::info!(addr = %config.http_addr, "HTTP server listening");
    let service = routes.into_make_service_with_connect_info::<SocketAddr>();
    // HTTP outlives sending: reports for the last messages handed over still come in.
    let (stop_http, http_stopped) = tokio::sync::watch::channel(false);
    let http = tokio::spawn(
        axum::serve(listener, service)
            .with_graceful_shutdown(stopped(http_stopped))
            .into_future(),
    );
    let bot_token = match args.runs(Part::Bot) {
        true => config.discord_token.clone(),
        false => None,
    };
    let bot = match bot_token {
        None => {
            if args.runs(Part::Bot) {
                tracing::info!(
                    "Discord bot is off: set DISCORD_TOKEN (or discord_token in herald.toml) to turn it on"
                );
            }
            tracing::info!("Herald is running; press Ctrl-C to stop");
            None
        }
        Some(token) => {
            let bot = BotConfig {
                token,
                api_base: config.discord_api_base.clone(),
                dev_guild: config.discord_guild_id,
                shards,
                worker: format!("{}-{}", hostname(), std::process::id()),
                console_url: config.public_url.clone(),
                moderators_server: config.moderators_server,
                vitals: Some(vitals.clone()),
            };
            tracing::info!("Herald is running with the Discord bot; press Ctrl-C to stop");
            Some(tokio::spawn(herald::bot::run(app, bot, stopping())))
        }
    };
    // Runs until the stop signal, or until the bot stops by itself (a refused token).
    let mut bot = bot;
    let bot_ended = match bot.as_mut() {
        Some(task) => tokio::select! {
            () = stopping() => None,
            ended = task => Some(ended),
        },
        None => {
            stopping().await;
            None
        }
    };
    vitals.begin_stopping();
    let grace = Duration::from_secs(u64::from(config.shutdown_grace_secs));
    tracing::info!(grace_secs = grace.as_secs(), "stopping");
    let finish = async {
        // Sending stops first (what is in flight finishes), then Discord, then HTTP once the
        // last reports had a moment to arrive.
        if let Some(delivery) = delivery {
            delivery.stop().await;
            tokio::time::sleep(REPORT_DRAIN).await;
        }
        let bot_result = match (bot_ended, bot) {
            (Some(ended), _) => Some(ended),
            (None, Some(task)) => Some(task.await),
            (None, None) => None,
        };
        let _ = stop_http.send(true);
        let _ = http.await;
        bot_result
    };
    let bot_result = match tokio::time::timeout(grace, finish).await {
        Ok(result) => result,
        Err(_) => {
            tracing::warn!(
                grace_secs = grace.as_secs(),
                "the grace period ran out: exiting; messages still with the gateway are settled by their report timeout"
            );
            None
        }
    };
    sampler.abort();
    match bot_result {
        Some(Ok(Err(e))) => return Err(Failure::Internal(format!("Discord bot stopped: {e}"))),
        Some(Err(e)) => return Err(Failure::Internal(format!("Discord bot stopped: {e}"))),
        _ => {}
    }
    tracing::info!("stopped");
    Ok(())
}

/// The delivery engine: the scheduler and the dispatcher on the configured gateway; `start` also
/// returns the routes that receive the gateway's delivery reports and replies.
struct DeliveryEngine {
    stop: tokio::sync::watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl DeliveryEngine {
    async fn start(
        app: App,
        config: &Config,
        vitals: Arc<Vitals>,
    ) -> Result<(DeliveryEngine, axum::Router), Failure> {
        let key = app
            .report_signing_key()
            .await
            .map_err(|e| Failure::Internal(e.to_string()))?;
        let signer = ReportSigner::new(&key);
        let (reports, received) = tokio::sync::mpsc::unbounded_channel();
        let gateway: Arc<dyn SmsGateway> = match &config.kannel_sendsms_url {
            Some(url) => {
                let kannel = KannelConfig {
                    sendsms_url: url.clone(),
                    username: config.kannel_username.clone().unwrap_or_default(),
                    password: config.kannel_password.clone().unwrap_or_default(),
                    report_base: config.public_url.clone(),
                };
                tracing::info!(sendsms = %url, reports = %config.public_url, "sending through Kannel");
                tracing::info!(
                    "for STOP replies, set Kannel's sms-service get-url to \"{}/kannel/mo?k={}&from=%p&text=%a\"",
                    config.public_url.trim_end_matches('/'),
                    signer.mo_key()
                );
                Arc::new(
                    KannelGateway::new(kannel, signer.clone())
                        .map_err(|e| Failure::Internal(format!("HTTP client: {e}")))?,
                )
            }
            None => {
                tracing::info!(
                    "sending through the simulated gateway: no SMS leaves this machine (set KANNEL_SENDSMS_URL to send through Kannel)"
                );
                Arc::new(SimulatedGateway::new(SimulationProfile::default(), reports))
            }
        };
        let (stop, stopping) = tokio::sync::watch::channel(false);
        let routes = report_routes(app.clone(), signer);
        let scheduler = tokio::spawn(run_scheduler(app.clone(), Duration::from_millis(500)));
        let dispatch = DispatcherConfig {
            rate: config.send_rate,
            ..DispatcherConfig::default()
        };
        let dispatcher = tokio::spawn(
            Dispatcher::new(app, gateway, dispatch)
                .with_vitals(vitals)
                .run(received, stopped(stopping)),
        );
        let engine = DeliveryEngine {
            stop,
            tasks: vec![scheduler, dispatcher],
        };
        Ok((engine, routes))
    }

    async fn stop(self) {
        let _ = self.stop.send(true);
        let mut tasks = self.tasks;
        // The dispatcher (last) finishes recording what it sent; the others just end.
        if let Some(dispatcher) = tasks.pop() {
            let _ = dispatcher.await;
        }
        for t in tasks {
            t.abort();
        }
    }
}

/// Completes once `true` is sent on the channel (or its sender is gone).
async fn stopped(mut stopping: tokio::sync::watch::Receiver<bool>) {
    let _ = stopping.wait_for(|s| *s).await;
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "herald".to_owned())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
