//! The console's queue page with 10,000 submissions waiting for review:
//! - render time: 2,000 sequential `GET /queue` over loopback, signed in (p50, p99, max), half
//!   of them page 1 and the others later pages and the filters (search, flag, wait, send date,
//!   account);
//! - throughput: wrk on `/queue` against a bare axum handler serving a page of the same size,
//!   on the same machine in the same run (requests per second, and their ratio).
//!
//! `cargo bench --bench console`; `HERALD_BENCH_ENGINE=postgres` for PostgreSQL,
//! `HERALD_BENCH_PENDING` (10000), `HERALD_BENCH_WRK_SECS` (10). Needs wrk (`apt-get install wrk`).
mod common;

use std::time::{Duration, Instant};

use herald::app::{App, SendRequest};
use herald::domain::credits::TopUp;
use herald::domain::effects::Actor;

use common::support::console::{ConsoleClient, PASSWORD, serve_console_with};
use common::support::csv_of;
use common::{BenchDb, Engine, OWNER, SERVER, ms, percentile, t0};
use herald::console::ConsoleConfig;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `n` campaigns, each with one version waiting for review.
async fn pending(app: &App, n: usize) {
    app.ensure_account(SERVER, "Bench server").await.unwrap();
    app.credit(
        SERVER,
        TopUp::new(10 * n as u64).unwrap(),
        "bench",
        Actor::Operator,
    )
    .await
    .unwrap();
    for i in 0..n {
        let name = format!("campaign-{i:05}");
        let input = herald::app::DraftInput {
            body: Some(format!(
                "Spring sale #{i}: -20% this weekend <b>only</b>. STOP au 36180"
            )),
            sender: Some("HERALD".into()),
        };
        app.create_campaign(OWNER, &name, input).await.unwrap();
        app.import_recipients(
            OWNER,
            &name,
            std::io::Cursor::new(csv_of(3)),
            Default::default(),
        )
        .await
        .unwrap();
        let summary = app
            .finalize(OWNER, &name, SendRequest::Immediate)
            .await
            .unwrap();
        app.confirm(OWNER, summary.token.as_str()).await.unwrap();
        if i % 2_000 == 1_999 {
            eprintln!("  {} submitted", i + 1);
        }
    }
}

/// wrk's requests per second on `url` with `headers`.
fn wrk(url: &str, cookie: Option<&str>, secs: u32) -> f64 {
    let mut args = vec!["-t2".to_owned(), "-c32".to_owned(), format!("-d{secs}s")];
    if let Some(cookie) = cookie {
        args.push("-H".into());
        args.push(format!("Cookie: {cookie}"));
    }
    args.push(url.to_owned());
    let out = std::process::Command::new("wrk")
        .args(&args)
        .output()
        .expect("wrk installed (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout);
    eprintln!("{text}");
    assert!(!text.contains("Non-2xx"), "wrk saw errors:\n{text}");
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("wrk output: {text}"))
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let engine = Engine::parse(&std::env::var("HERALD_BENCH_ENGINE").unwrap_or_default())
        .unwrap_or(Engine::Sqlite);
    let n: usize = env_or("HERALD_BENCH_PENDING", 10_000);
    let secs: u32 = env_or("HERALD_BENCH_WRK_SECS", 10);
    let db = BenchDb::new(engine).await;
    let store = db.store().await;
    let clock = std::sync::Arc::new(herald::app::ManualClock::new(t0()));
    let app = App::new(store, clock.clone());
    eprintln!("queueing {n} submissions on {}…", engine.name());
    let started = Instant::now();
    pending(&app, n).await;
    eprintln!("  in {:.1} s", started.elapsed().as_secs_f64());
    clock.advance(chrono::Duration::hours(3));
    app.add_moderator("alice", PASSWORD).await.unwrap();
    let mut rows = Vec::new();
    for (label, ttl) in [
        ("no cache", Duration::ZERO),
        ("1 s page cache (default)", Duration::from_secs(1)),
    ] {
        let config = ConsoleConfig {
            cache_ttl: ttl,
            ..ConsoleConfig::default()
        };
        let base = serve_console_with(&app, config).await;
        let label = format!("{}, {label}", engine.name());
        rows.push(measure(&base, n, secs, &label).await);
    }
    for row in rows {
        println!("{row}");
    }
}

/// Render times and wrk's rate for the console at `base`, against a bare handler.
async fn measure(base: &str, n: usize, secs: u32, label: &str) -> String {
    let mut client = ConsoleClient::new(base);
    client.sign_in("alice", PASSWORD).await;
    let first = client.get("/queue").await;
    assert_eq!(first.status, 200);
    assert_eq!(first.text_of("h1 .count"), n.to_string());
    let page_bytes = first.text.len();

    // Timed with a plain client: the whole response read, nothing parsed.
    let cookie = format!("herald_session={}", client.cookies["herald_session"]);
    let raw = reqwest::Client::builder().no_proxy().build().unwrap();
    let fetch = |path: String| {
        let request = raw.get(format!("{base}{path}")).header("cookie", &cookie);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.bytes().await.unwrap().len()
        }
    };
    for _ in 0..200 {
        fetch("/queue".to_owned()).await;
    }
    let mut samples = Vec::with_capacity(2_000);
    for i in 0..2_000u32 {
        // Walk the queue as a moderator would: mostly page 1, some later pages, and the
        // filters (search, flag, wait, send date, account), none of them cached.
        let path = match i % 10 {
            5 => format!("/queue?q=campaign-0{}", i % 10),
            6 => "/queue?flag=first_campaign".to_owned(),
            7 => format!("/queue?waiting=60&q=-{:04}", i % 1000),
            8 => format!("/queue?account={}&send=2027-03-02", SERVER.0),
            9 => format!("/queue?page={}", 2 + i % 7),
            _ => "/queue".to_owned(),
        };
        let t = Instant::now();
        let bytes = fetch(path).await;
        samples.push(t.elapsed());
        assert!(bytes > 1_000);
    }
    samples.sort();
    let (p50, p99, max) = (
        percentile(&samples, 0.50),
        percentile(&samples, 0.99),
        *samples.last().unwrap(),
    );

    // The same bytes from a handler that does nothing else.
    let body: &'static str = Box::leak(first.text.clone().into_boxed_str());
    let bare = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bare_url = format!("http://{}/queue", bare.local_addr().unwrap());
    let routes = axum::Router::new().route(
        "/queue",
        axum::routing::get(move || async move { axum::response::Html(body) }),
    );
    tokio::spawn(async move { axum::serve(bare, routes).await.unwrap() });

    let url = format!("{base}/queue");
    let herald = tokio::task::spawn_blocking(move || wrk(&url, Some(&cookie), secs))
        .await
        .unwrap();
    let ceiling = tokio::task::spawn_blocking(move || wrk(&bare_url, None, secs))
        .await
        .unwrap();
    format!(
        "| queue page, {n} pending, {label} | {page_bytes} bytes | p50 {} ms, p99 {} ms, max {} ms | wrk: Herald {herald:.0} req/s, bare axum {ceiling:.0} req/s, ratio {:.0}% |",
        ms(p50),
        ms(p99),
        ms(max),
        100.0 * herald / ceiling
    )
}
