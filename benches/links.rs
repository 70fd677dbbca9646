//! The short-link redirect under load, on SQLite, while another campaign sends: wrk requests
//! `/l/<code>` with codes drawn at random from 100,000 real ones (as phones would, each a
//! database lookup and a counted click), against a bare axum handler answering the same 302 in
//! the same run. Meanwhile a dispatcher sends a 300,000-recipient campaign to a gateway that
//! accepts at once, paced at `HERALD_BENCH_SEND_RATE` messages per second (default 1,000).
//!
//! `cargo bench --bench links`; `HERALD_BENCH_WRK_SECS` (10). Needs wrk (`apt-get install wrk`).
mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use herald::app::{App, Decision, DraftInput, SendRequest};
use herald::delivery::{Dispatcher, DispatcherConfig, SmsGateway};
use herald::domain::delivery::{OutgoingSms, SubmitOutcome};
use herald::domain::ids::ModeratorName;
use herald::domain::short_links::{CODE_LENGTH, LinkBase};

use common::{BenchDb, Engine, OWNER, SERVER, app_with_campaign};

const LINKED: usize = 100_000;
const SENDING: usize = 300_000;
const PHONE: &str = "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36";

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

/// Keeps the short links of what it is given, and sends nothing.
#[derive(Default)]
struct Collecting {
    codes: Mutex<Vec<String>>,
}

#[async_trait]
impl SmsGateway for Collecting {
    fn name(&self) -> &'static str {
        "collecting"
    }
    async fn submit(&self, sms: &OutgoingSms) -> SubmitOutcome {
        if let Some(at) = sms.message.body.as_str().find("/l/") {
            let code = &sms.message.body.as_str()[at + 3..at + 3 + CODE_LENGTH];
            self.codes.lock().unwrap().push(code.to_owned());
        }
        SubmitOutcome::Accepted
    }
}

/// Imports `n` recipients into `name`, finalizes, confirms and approves it.
async fn approved(app: &App, name: &str, n: usize) {
    app.import_recipients(
        OWNER,
        name,
        std::io::Cursor::new(common::support::csv_of(n)),
        Default::default(),
    )
    .await
    .unwrap();
    let summary = app
        .finalize(OWNER, name, SendRequest::Immediate)
        .await
        .unwrap();
    app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    let (id, _) = app.campaign_id(SERVER, name).await.unwrap();
    let alice = ModeratorName::parse("alice").unwrap();
    app.decide(id, 1, &alice, Decision::Approve).await.unwrap();
}

/// Runs a dispatcher over `gateway` until `stop` fires.
fn dispatcher(
    app: &App,
    gateway: Arc<dyn SmsGateway>,
    rate: Option<u32>,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let (_reports, received) = tokio::sync::mpsc::unbounded_channel();
    let (stop, stopping) = tokio::sync::oneshot::channel::<()>();
    let config = DispatcherConfig {
        rate,
        batch: 2_000,
        in_flight: 256,
        idle_poll: Duration::from_millis(5),
    };
    let task = tokio::spawn(Dispatcher::new(app.clone(), gateway, config).run(
        received,
        async move {
            let _ = stopping.await;
        },
    ));
    (stop, task)
}

async fn serve(routes: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, routes).await.unwrap() });
    format!("http://{addr}")
}

/// wrk's rate and latency percentiles (ms) on `base` with the requests of `script`.
fn wrk(base: &str, script: &std::path::Path, secs: u32) -> (f64, f64, f64) {
    let out = std::process::Command::new("wrk")
        .args(["-t2", "-c32", "--latency", &format!("-d{secs}s"), "-s"])
        .arg(script)
        .arg(base)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .output()
        .expect("wrk installed (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("Non-2xx"), "wrk saw errors:\n{text}");
    let rate = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("wrk output: {text}"));
    let percentile = |p: &str| -> f64 {
        let value = text
            .lines()
            .find_map(|l| l.trim().strip_prefix(p))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no {p} in wrk output: {text}"));
        let (number, unit) = value.split_at(value.find(|c: char| c.is_alphabetic()).unwrap());
        let number: f64 = number.parse().unwrap();
        match unit {
            "us" => number / 1000.0,
            "ms" => number,
            "s" => number * 1000.0,
            other => panic!("unit {other}"),
        }
    };
    (rate, percentile("50%"), percentile("99%"))
}

async fn run() {
    let secs: u32 = std::env::var("HERALD_BENCH_WRK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let send_rate: u32 = std::env::var("HERALD_BENCH_SEND_RATE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000);
    let db = BenchDb::new(Engine::Sqlite).await;
    let (app, _) = app_with_campaign(&db, "spring", 10 * (LINKED + SENDING) as u64).await;
    let app = app.with_short_links(LinkBase::parse("https://hrld.fr").unwrap());
    let input = DraftInput {
        body: Some("Soldes -50% sur boutique.fr/hiver ce week-end ! STOP au 36180".into()),
        sender: Some("HERALD".into()),
    };
    app.create_campaign(OWNER, "links", input).await.unwrap();

    eprintln!("sending {LINKED} messages with a short link each…");
    approved(&app, "links", LINKED).await;
    app.advance_campaigns().await.unwrap();
    let collecting = Arc::new(Collecting::default());
    let started = Instant::now();
    let (stop, task) = dispatcher(&app, collecting.clone(), None);
    while collecting.codes.lock().unwrap().len() < LINKED {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(());
    task.await.unwrap();
    let codes = std::mem::take(&mut *collecting.codes.lock().unwrap());
    eprintln!(
        "  {} codes in {:.1?} ({:.0} messages/s with their links shortened)",
        codes.len(),
        started.elapsed(),
        LINKED as f64 / started.elapsed().as_secs_f64()
    );

    // wrk picks a code at random for each request, as a stream of phones would.
    let script = db_dir().join("links.lua");
    let list = codes
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(",");
    std::fs::write(
        &script,
        format!(
            "local codes = {{{list}}}\n\
             wrk.headers[\"User-Agent\"] = \"{PHONE}\"\n\
             request = function()\n  return wrk.format(\"GET\", \"/l/\" .. codes[math.random(#codes)])\nend\n"
        ),
    )
    .unwrap();

    let herald = serve(herald::console::link_routes(app.clone())).await;
    let bare = serve(axum::Router::new().route(
        "/l/{code}",
        axum::routing::get(|| async {
            (StatusCode::FOUND, [(LOCATION, "http://boutique.fr/hiver")])
        }),
    ))
    .await;

    eprintln!("sending {SENDING} more at {send_rate}/s while wrk runs…");
    approved(&app, "spring", SENDING).await;
    app.advance_campaigns().await.unwrap();
    let (stop, task) = dispatcher(&app, Arc::new(Collecting::default()), Some(send_rate));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (h_rate, h_p50, h_p99) = {
        let (base, script) = (herald.clone(), script.clone());
        tokio::task::spawn_blocking(move || wrk(&base, &script, secs))
            .await
            .unwrap()
    };
    let (b_rate, b_p50, b_p99) = {
        let (base, script) = (bare.clone(), script.clone());
        tokio::task::spawn_blocking(move || wrk(&base, &script, secs))
            .await
            .unwrap()
    };
    let _ = stop.send(());
    task.await.unwrap();
    // Clicks are written after the redirects: wait for the last batches.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut clicks = 0;
    for name in ["links"] {
        clicks += app
            .export_results(OWNER, name, std::io::sink())
            .await
            .unwrap()
            .clicks;
    }
    println!(
        "| short-link redirect, SQLite, 100,000 codes, a campaign sending at {send_rate}/s | Herald {h_rate:.0} req/s, p50 {h_p50:.2} ms, p99 {h_p99:.2} ms | bare axum {b_rate:.0} req/s, p50 {b_p50:.2} ms, p99 {b_p99:.2} ms | ratio {:.0}% | {clicks} clicks recorded |",
        100.0 * h_rate / b_rate
    );
}

fn db_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("herald-links-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
