//! The delivery engine's throughput:
//! - `null`: the dispatcher against a gateway that accepts at once (recipients per second,
//!   SQLite and PostgreSQL): what Herald itself costs per message;
//! - `kannel`: through a real Kannel on this machine, Herald's sustained submit rate against
//!   Kannel's own `sendsms` ceiling measured with wrk in the same run;
//! - `million`: a 1,000,000-recipient campaign end to end on the simulated gateway, from the
//!   scheduler starting it to 100%: wall time and peak memory.
//!
//! `cargo bench --bench delivery` (all parts) or `HERALD_BENCH_PARTS=null,kannel cargo bench
//! --bench delivery`; `kannel` needs Kannel and wrk (`apt-get install kannel wrk`).
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use herald::app::App;
use herald::delivery::{
    Dispatcher, DispatcherConfig, KannelConfig, KannelGateway, ReportSigner, SimulatedGateway,
    SimulationProfile, SmsGateway, report_routes,
};
use herald::domain::campaign::CampaignState;
use herald::domain::delivery::{OutgoingSms, SubmitOutcome};

use common::support::kannel::{FakeOperator, Kannel, Script};
use common::{BenchDb, Engine, OWNER, SERVER, app_with_campaign, app_with_campaign_at, approved};

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let parts =
        std::env::var("HERALD_BENCH_PARTS").unwrap_or_else(|_| "null,kannel,million".into());
    runtime.block_on(async {
        for part in parts.split(',') {
            match part.trim() {
                "null" => {
                    for audience in [
                        Audience::Paris,
                        Audience::ParisPersonalised,
                        Audience::BelgiumLifted,
                        Audience::HalfReunionAtNight,
                    ] {
                        null_gateway(Engine::Sqlite, 300_000, audience).await;
                    }
                    null_gateway(Engine::Postgres, 100_000, Audience::Paris).await;
                }
                "kannel" => through_kannel(30_000).await,
                "million" => million().await,
                other => panic!("unknown part {other}: null, kannel or million"),
            }
        }
    });
}

/// A campaign of `n` recipients, approved and started: its deliveries are queued.
async fn sending_campaign(db: &BenchDb, n: usize) -> App {
    let (app, _) = app_with_campaign(db, "spring", 10 * n as u64 + 10).await;
    approved(app, common::support::csv_of(n), n).await
}

/// Where the recipients of a null-gateway run are, and when it runs.
#[derive(Clone, Copy)]
enum Audience {
    /// Metropolitan France on a Tuesday morning: every window open, every message checked.
    Paris,
    /// The same, the body with two merge fields (`{prenom}`, `{ville}`): each message
    /// rendered from its recipient's values.
    ParisPersonalised,
    /// Belgium, its window lifted by the account: the check finds no rule (the cost of the
    /// check itself, compared in the same run).
    BelgiumLifted,
    /// Half Paris, half Réunion at 19:30 in Paris (22:30 in Réunion): half are sent, half
    /// held for the morning.
    HalfReunionAtNight,
}

impl Audience {
    fn label(self) -> &'static str {
        match self {
            Audience::Paris => "Paris, window open",
            Audience::ParisPersonalised => "Paris, two merge fields",
            Audience::BelgiumLifted => "Belgium, window lifted",
            Audience::HalfReunionAtNight => "half Paris, half Réunion at night (held)",
        }
    }

    fn csv(self, n: usize) -> Vec<u8> {
        if let Audience::ParisPersonalised = self {
            let mut csv = String::from("phone,prenom,ville\n");
            let (names, towns) = (
                ["Élodie", "Jean", "Chloé", "Mathis"],
                ["Lyon", "Nice", "Brest"],
            );
            for i in 0..n {
                csv.push_str(&format!(
                    "+3361{:07},{},{}\n",
                    i,
                    names[i % 4],
                    towns[i % 3]
                ));
            }
            return csv.into_bytes();
        }
        let mut csv = String::from("phone\n");
        for i in 0..n {
            let number = match self {
                Audience::Paris | Audience::ParisPersonalised => format!("+3361{:07}", i),
                Audience::BelgiumLifted => format!("+32470{:06}", i),
                Audience::HalfReunionAtNight if i % 2 == 0 => format!("+3361{:07}", i),
                Audience::HalfReunionAtNight => format!("+262692{:06}", i),
            };
            csv.push_str(&number);
            csv.push('\n');
        }
        csv.into_bytes()
    }

    fn now(self) -> chrono::DateTime<chrono::Utc> {
        match self {
            Audience::HalfReunionAtNight => "2027-03-02T18:30:00Z".parse().unwrap(),
            _ => common::t0(),
        }
    }

    /// How many of `n` go now.
    fn sent(self, n: usize) -> usize {
        match self {
            Audience::HalfReunionAtNight => n.div_ceil(2),
            _ => n,
        }
    }
}

/// `app`'s campaign "spring" with the recipients of `csv`, approved.
/// Counts what a gateway finished submitting.
struct Counting<G> {
    inner: G,
    done: AtomicU64,
    refused: AtomicU64,
    /// Time spent inside `submit`, summed: the mean latency of a submission.
    busy_micros: AtomicU64,
}

#[async_trait]
impl<G: SmsGateway> SmsGateway for Counting<G> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    async fn submit(&self, sms: &OutgoingSms) -> SubmitOutcome {
        let start = Instant::now();
        let outcome = self.inner.submit(sms).await;
        self.busy_micros
            .fetch_add(start.elapsed().as_micros() as u64, Ordering::Relaxed);
        if !matches!(outcome, SubmitOutcome::Accepted) {
            self.refused.fetch_add(1, Ordering::Relaxed);
        }
        self.done.fetch_add(1, Ordering::Relaxed);
        outcome
    }
}

/// Accepts every message at once and sends nothing.
struct NullGateway;

#[async_trait]
impl SmsGateway for NullGateway {
    fn name(&self) -> &'static str {
        "null"
    }
    async fn submit(&self, _sms: &OutgoingSms) -> SubmitOutcome {
        SubmitOutcome::Accepted
    }
}

/// Runs a dispatcher over `gateway` until it has submitted `n` messages; returns how long.
async fn dispatch<G: SmsGateway + 'static>(
    app: &App,
    gateway: G,
    n: u64,
    config: DispatcherConfig,
) -> Duration {
    let gateway = Arc::new(Counting {
        inner: gateway,
        done: AtomicU64::new(0),
        refused: AtomicU64::new(0),
        busy_micros: AtomicU64::new(0),
    });
    let (_reports, received) = tokio::sync::mpsc::unbounded_channel();
    let (stop, stopping) = tokio::sync::oneshot::channel::<()>();
    let start = Instant::now();
    let task = tokio::spawn(Dispatcher::new(app.clone(), gateway.clone(), config).run(
        received,
        async {
            let _ = stopping.await;
        },
    ));
    while gateway.done.load(Ordering::Relaxed) < n {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let took = start.elapsed();
    let _ = stop.send(());
    task.await.unwrap();
    eprintln!(
        "  mean submit latency {:.2} ms, {} not accepted",
        gateway.busy_micros.load(Ordering::Relaxed) as f64 / n as f64 / 1000.0,
        gateway.refused.load(Ordering::Relaxed)
    );
    took
}

async fn null_gateway(engine: Engine, n: usize, audience: Audience) {
    eprintln!(
        "null gateway, {}, {n} recipients, {}…",
        engine.name(),
        audience.label()
    );
    let db = BenchDb::new(engine).await;
    let credits = 10 * n as u64 + 10;
    let (app, _) = app_with_campaign_at(&db, "spring", credits, audience.now()).await;
    if let Audience::BelgiumLifted = audience {
        app.set_window(SERVER, "BE", true, herald::domain::effects::Actor::Operator)
            .await
            .unwrap();
    }
    if let Audience::ParisPersonalised = audience {
        let body = "Bonjour {prenom|client}, -20% ce week-end à {ville} ! STOP au 36180";
        let input = herald::app::DraftInput {
            body: Some(body.into()),
            sender: None,
        };
        app.edit_campaign(OWNER, "spring", input).await.unwrap();
    }
    let app = approved(app, audience.csv(n), n).await;
    let sent = audience.sent(n);
    let started = Instant::now();
    app.advance_campaigns().await.unwrap();
    let queued = started.elapsed();
    let config = DispatcherConfig {
        batch: 2_000,
        in_flight: 256,
        idle_poll: Duration::from_millis(1),
        ..DispatcherConfig::default()
    };
    let took = dispatch(&app, NullGateway, sent as u64, config).await;
    let counts = app
        .status(OWNER, "spring")
        .await
        .unwrap()
        .deliveries
        .unwrap();
    assert_eq!(counts.pending as usize, n - sent, "{counts:?}");
    // Held messages are decided and written back, not sent: counted apart.
    println!(
        "| null gateway | {} | {n}, {} | {:.2} s | {:.0} sent/s, {} held | queued in {:.2} s |",
        engine.name(),
        audience.label(),
        took.as_secs_f64(),
        sent as f64 / took.as_secs_f64(),
        n - sent,
        queued.as_secs_f64()
    );
}

/// wrk's requests per second against `url` for `secs` seconds (2 threads, 20 connections).
fn wrk(url: &str, secs: u32) -> f64 {
    let out = std::process::Command::new("wrk")
        .args(["-t2", "-c20", "--latency", &format!("-d{secs}s"), url])
        .env("NO_PROXY", "127.0.0.1,localhost")
        .output()
        .expect("wrk installed (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout);
    eprintln!("{text}");
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("wrk output: {text}"))
}

async fn through_kannel(n: usize) {
    eprintln!("through Kannel, {n} recipients…");
    let operator =
        FakeOperator::start(Script::all_delivered().report_delay(Duration::from_millis(20))).await;
    let kannel = Kannel::start(&operator).await;
    // The same work for Kannel as Herald's messages: each asks for every delivery report, sent
    // to an endpoint that answers at once.
    let sink = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sink_url = format!("http://{}/dlr?type=%d", sink.local_addr().unwrap());
    let routes = axum::Router::new()
        .route("/dlr", axum::routing::get(|| async { "ok" }))
        .route("/sink/kannel/report", axum::routing::get(|| async { "ok" }));
    tokio::spawn(async move { axum::serve(sink, routes).await.unwrap() });
    let probe = format!(
        "{}?username={}&password={}&from=HERALD&to=%2B33612345678&text=Hello&dlr-mask=31&dlr-url={}",
        kannel.sendsms_url(),
        kannel.username(),
        kannel.password(),
        common::support::kannel::http::encode(&sink_url)
    );
    let before_herald = operator.submit_count();
    let db = BenchDb::new(Engine::Sqlite).await;
    let app = sending_campaign(&db, n).await;
    let signer = ReportSigner::new(&app.report_signing_key().await.unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let routes = report_routes(app.clone(), signer.clone());
    tokio::spawn(async move { axum::serve(listener, routes).await.unwrap() });
    app.advance_campaigns().await.unwrap();
    let gateway = KannelGateway::new(
        KannelConfig {
            sendsms_url: kannel.sendsms_url(),
            username: kannel.username().into(),
            password: kannel.password().into(),
            report_base: match std::env::var("HERALD_BENCH_REPORTS_TO_SINK") {
                Ok(_) => sink_url.trim_end_matches("/dlr?type=%d").to_owned() + "/sink",
                Err(_) => base,
            },
        },
        signer,
    )
    .unwrap();
    let in_flight = std::env::var("HERALD_BENCH_IN_FLIGHT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let config = DispatcherConfig {
        in_flight,
        ..DispatcherConfig::default()
    };
    let herald_started = Instant::now();
    let took = dispatch(&app, gateway, n as u64, config).await;
    let herald = n as f64 / took.as_secs_f64();
    let (herald_carried, herald_took) = drained(&operator, before_herald, herald_started).await;
    let herald_sustained = herald_carried as f64 / herald_took.as_secs_f64();
    // Kannel's own ceiling second: a wrk burst first would leave Kannel busy with its backlog
    // of reports during Herald's run. Its reports to Herald's messages have drained by now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let before_wrk = operator.submit_count();
    let url = probe.clone();
    let wrk_secs = std::env::var("HERALD_BENCH_WRK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    // wrk measures how fast Kannel accepts into its queue, which has no bound: the burst is then
    // carried to the operator at Kannel's real pace. Both rates are kept: accepted per second,
    // and sustained = messages the operator received / time until the last one reached it.
    let wrk_started = Instant::now();
    let burst = tokio::task::spawn_blocking(move || wrk(&url, wrk_secs))
        .await
        .unwrap();
    let (wrk_carried, wrk_took) = drained(&operator, before_wrk, wrk_started).await;
    let wrk_sustained = wrk_carried as f64 / wrk_took.as_secs_f64();
    eprintln!(
        "  wrk: {burst:.0} req/s accepted; the operator got the {wrk_carried} messages in {:.2} s",
        wrk_took.as_secs_f64()
    );
    println!(
        "| through Kannel, accepted | wrk -t2 -c20 on sendsms (with DLRs): {burst:.0} req/s | Herald: {n} in {:.2} s = {herald:.0} msg/s | ratio {:.0}% |",
        took.as_secs_f64(),
        100.0 * herald / burst
    );
    println!(
        "| through Kannel, sustained to the operator | wrk: {wrk_carried} in {:.2} s = {wrk_sustained:.0} msg/s | Herald: {herald_carried} in {:.2} s = {herald_sustained:.0} msg/s | ratio {:.0}% |",
        wrk_took.as_secs_f64(),
        herald_took.as_secs_f64(),
        100.0 * herald_sustained / wrk_sustained
    );
}

/// Waits until the operator has received no new message for a second; returns how many it got
/// after `before`, and the time from `started` to the last one.
async fn drained(operator: &FakeOperator, before: usize, started: Instant) -> (usize, Duration) {
    let mut seen = operator.submit_count();
    let mut last_rise = started.elapsed();
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = operator.submit_count();
        if now != seen {
            seen = now;
            last_rise = started.elapsed();
        } else if started.elapsed() - last_rise > Duration::from_secs(1) {
            return (seen - before, last_rise);
        }
    }
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

async fn million() {
    const N: usize = 1_000_000;
    eprintln!("1,000,000 recipients on the simulated gateway (SQLite)…");
    let db = BenchDb::new(Engine::Sqlite).await;
    let app = sending_campaign(&db, N).await;
    let before = status_kib("VmHWM");
    // Reset the peak so that it is the sending's, not the import's.
    std::fs::write("/proc/self/clear_refs", "5").expect("reset VmHWM");
    let (reports, received) = tokio::sync::mpsc::unbounded_channel();
    let profile = SimulationProfile {
        permanent_failure: 0.01,
        temporary_failure: 0.0,
        report_delay: Duration::from_millis(200),
        seed: 1,
    };
    let gateway = Arc::new(SimulatedGateway::new(profile, reports));
    let (stop, stopping) = tokio::sync::oneshot::channel::<()>();
    let start = Instant::now();
    let dispatcher = tokio::spawn(
        Dispatcher::new(app.clone(), gateway, DispatcherConfig::default()).run(received, async {
            let _ = stopping.await;
        }),
    );
    loop {
        app.advance_campaigns().await.unwrap();
        if app.status(OWNER, "spring").await.unwrap().state == CampaignState::Completed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let took = start.elapsed();
    let _ = stop.send(());
    dispatcher.await.unwrap();
    let counts = app
        .status(OWNER, "spring")
        .await
        .unwrap()
        .deliveries
        .unwrap();
    println!(
        "| 1,000,000 on the simulated gateway | SQLite | {:.1} s | {:.0} msg/s | peak {:.1} MB (import before: {:.1} MB) | delivered {} bounced {} |",
        took.as_secs_f64(),
        N as f64 / took.as_secs_f64(),
        status_kib("VmHWM") as f64 / 1024.0,
        before as f64 / 1024.0,
        counts.delivered,
        counts.bounced
    );
}
