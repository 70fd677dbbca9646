//! `herald serve`: runs until interrupted.
use herald::app::App;
use herald::bot::BotConfig;
use herald::config::Config;
use herald::console::{ConsoleConfig, console_routes, link_routes};
use herald::delivery::{
    Dispatcher, DispatcherConfig, KannelConfig, KannelGateway, ReportSigner, SimulatedGateway,
    SimulationProfile, SmsGateway, report_routes, run_scheduler,
};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use super::Failure;

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
    let (console, delivering) = (args.runs(Part::Console), args.runs(Part::Delivery));
    let listener = match console || delivering {
        true => Some(
            tokio::net::TcpListener::bind(&config.http_addr)
                .await
                .map_err(|e| {
                    Failure::User(format!(
                        "could not listen on {}: {e}; set HERALD_HTTP_ADDR to a free address",
                        config.http_addr
                    ))
                })?,
        ),
        false => None,
    };
    let mut routes = axum::Router::new();
    let delivery = match delivering {
        true => {
            let (engine, reports) = DeliveryEngine::start(app.clone(), config).await?;
            routes = routes.merge(reports);
            Some(engine)
        }
        false => None,
    };
    if console {
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
    let http = listener.map(|listener| {
        tracing::info!(addr = %config.http_addr, "HTTP server listening");
        let service = routes.into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, service).await {
                tracing::error!(error = %e, "HTTP server stopped");
            }
        })
    });
    let bot_token = match args.runs(Part::Bot) {
        true => config.discord_token.clone(),
        false => None,
    };
    let ran = match bot_token {
        None => {
            if args.runs(Part::Bot) {
                tracing::info!(
                    "Discord bot is off: set DISCORD_TOKEN (or discord_token in herald.toml) to turn it on"
                );
            }
            tracing::info!("Herald is running; press Ctrl-C to stop");
            shutdown_signal().await;
            tracing::info!("stopping");
            Ok(())
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
            };
            tracing::info!("Herald is running with the Discord bot; press Ctrl-C to stop");
            herald::bot::run(app, bot, shutdown_signal()).await
        }
    };
    if let Some(delivery) = delivery {
        delivery.stop().await;
    }
    if let Some(http) = http {
        http.abort();
    }
    ran.map_err(|e| Failure::Internal(format!("Discord bot stopped: {e}")))?;
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
    async fn start(app: App, config: &Config) -> Result<(DeliveryEngine, axum::Router), Failure> {
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
        let dispatcher =
            tokio::spawn(Dispatcher::new(app, gateway, dispatch).run(received, stopped(stopping)));
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
