//! What metrics cost:
//! - the dispatcher's throughput on a null gateway, 100,000 recipients on SQLite, without a
//!   metrics recorder (the `metrics` macros do nothing) and with Herald's Prometheus recorder
//!   installed and the backlog sampler running as `serve` runs it (every 5 s): each run in its
//!   own child process (a recorder can't be taken out once in), off and on alternating, three
//!   of each;
//! - `GET /metrics` (as Prometheus scrapes it) while a 100,000-recipient campaign sends:
//!   2,000 sequential scrapes over loopback, p50/p99/max.
//!
//! `cargo bench --bench operations`.
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use herald::app::App;
use herald::delivery::{Dispatcher, DispatcherConfig, SmsGateway};
use herald::domain::delivery::{OutgoingSms, SubmitOutcome};
use herald::ops::{GatewayProbe, Vitals, install_metrics, ops_routes, sample_backlogs};

use common::{BenchDb, Engine, app_with_campaign, approved, ms, percentile};

const RECIPIENTS: usize = 100_000;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    // A child run: one campaign, one figure on stdout.
    if let Ok(mode) = std::env::var("HERALD_BENCH_METRICS") {
        let db = BenchDb::new(Engine::Sqlite).await;
        let app = sending(&db).await;
        let sampler = (mode == "on").then(|| {
            let metrics = install_metrics().expect("the first recorder");
            tokio::spawn(sample_backlogs(
                app.clone(),
                Some(metrics),
                Duration::from_secs(5),
            ))
        });
        let rate = dispatch(&app, None).await;
        if let Some(sampler) = sampler {
            sampler.abort();
        }
        println!("{rate:.0}");
        return;
    }
    let mut rows = Vec::new();
    let mut rates: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
    for _ in 0..3 {
        for mode in ["off", "on"] {
            let out = std::process::Command::new(std::env::current_exe().unwrap())
                .arg("--bench")
                .env("HERALD_BENCH_METRICS", mode)
                .stderr(std::process::Stdio::inherit())
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
            let rate: f64 = String::from_utf8(out.stdout)
                .unwrap()
                .trim()
                .parse()
                .unwrap();
            rates.entry(mode).or_default().push(rate);
        }
    }
    for (mode, list) in &rates {
        let mean = list.iter().sum::<f64>() / list.len() as f64;
        let each: Vec<String> = list.iter().map(|r| format!("{r:.0}")).collect();
        rows.push(format!(
            "| dispatcher, null gateway, {RECIPIENTS} recipients, SQLite | metrics {mode} | {} recipients/s (mean {mean:.0}) |",
            each.join(", ")
        ));
    }
    let metrics = install_metrics().expect("the first recorder");

    // Scrapes while a campaign sends, paced so that it lasts the whole measurement.
    let db = BenchDb::new(Engine::Sqlite).await;
    let app = sending(&db).await;
    let sampler = tokio::spawn(sample_backlogs(
        app.clone(),
        Some(metrics.clone()),
        Duration::from_secs(1),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let routes = ops_routes(
        app.clone(),
        Arc::new(Vitals::new()),
        GatewayProbe::Simulated,
        Some(metrics),
        Some("bench-token".into()),
    );
    tokio::spawn(async move { axum::serve(listener, routes).await.unwrap() });
    let (stop, stopping) = tokio::sync::oneshot::channel::<()>();
    let gateway = Arc::new(Counting::default());
    let sender = tokio::spawn(
        Dispatcher::new(
            app.clone(),
            gateway.clone(),
            DispatcherConfig {
                rate: Some(10_000),
                ..DispatcherConfig::default()
            },
        )
        .run(tokio::sync::mpsc::unbounded_channel().1, async {
            let _ = stopping.await;
        }),
    );
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut samples = Vec::with_capacity(2_000);
    let mut bytes = 0;
    for _ in 0..2_000 {
        let t = Instant::now();
        let body = client
            .get(format!("{base}/metrics"))
            .bearer_auth("bench-token")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        samples.push(t.elapsed());
        bytes = body.len();
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let sent = gateway.done.load(Ordering::Relaxed);
    let _ = stop.send(());
    sender.await.unwrap();
    sampler.abort();
    samples.sort();
    rows.push(format!(
        "| GET /metrics, 2,000 scrapes while a {RECIPIENTS}-recipient campaign sends at 10,000/s ({sent} sent meanwhile) | {bytes} bytes | p50 {} ms, p99 {} ms, max {} ms |",
        ms(percentile(&samples, 0.50)),
        ms(percentile(&samples, 0.99)),
        ms(*samples.last().unwrap())
    ));
    for row in rows {
        println!("{row}");
    }
}

/// A campaign of `RECIPIENTS`, approved and started: its deliveries are queued.
async fn sending(db: &BenchDb) -> App {
    let (app, _) = app_with_campaign(db, "spring", 10 * RECIPIENTS as u64).await;
    let app = approved(app, common::support::csv_of(RECIPIENTS), RECIPIENTS).await;
    app.advance_campaigns().await.unwrap();
    app
}

/// Accepts every message at once, counting them.
#[derive(Default)]
struct Counting {
    done: AtomicU64,
}

#[async_trait]
impl SmsGateway for Counting {
    fn name(&self) -> &'static str {
        "null"
    }
    async fn submit(&self, _sms: &OutgoingSms) -> SubmitOutcome {
        self.done.fetch_add(1, Ordering::Relaxed);
        SubmitOutcome::Accepted
    }
}

/// Sends the whole campaign; recipients per second.
async fn dispatch(app: &App, rate: Option<u32>) -> f64 {
    let gateway = Arc::new(Counting::default());
    let config = DispatcherConfig {
        rate,
        batch: 2_000,
        in_flight: 256,
        idle_poll: Duration::from_millis(1),
    };
    let (stop, stopping) = tokio::sync::oneshot::channel::<()>();
    let started = Instant::now();
    let task = tokio::spawn(Dispatcher::new(app.clone(), gateway.clone(), config).run(
        tokio::sync::mpsc::unbounded_channel().1,
        async {
            let _ = stopping.await;
        },
    ));
    while gateway.done.load(Ordering::Relaxed) < RECIPIENTS as u64 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let took = started.elapsed();
    let _ = stop.send(());
    task.await.unwrap();
    RECIPIENTS as f64 / took.as_secs_f64()
}
