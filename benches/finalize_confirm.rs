//! Latency of the finalize → confirm use cases (what a person waits for between clicking
//! "send" and seeing "waiting for validation"), on SQLite and on PostgreSQL.
//!
//! Each timed iteration is a real cycle on a campaign with a body and recipients: `finalize`
//! prices the draft and stores a token, `confirm` spends it, reserves the credit and submits a
//! new version. Between iterations, outside the timed section, the submission is cancelled
//! (request_cancel + confirm) so the campaign is a draft again.
//!
//! `cargo bench --bench finalize_confirm` — HERALD_TEST_POSTGRES_URL picks the server
//! (default postgres://postgres@127.0.0.1:5432/test); HERALD_BENCH_ENGINES=sqlite|postgres
//! runs one engine only.
mod common;

use std::io::Cursor;
use std::time::{Duration, Instant};

use herald::app::SendRequest;
use herald::domain::campaign::CampaignState;

use common::{BenchDb, Engine, OWNER, app_with_campaign, ms, percentile};

const RECIPIENTS: usize = 100;
const WARM_UP: usize = 200;

struct Timings {
    finalize: Vec<Duration>,
    confirm: Vec<Duration>,
    cycle: Vec<Duration>,
}

async fn run(engine: Engine, iterations: usize) -> Timings {
    let db = BenchDb::new(engine).await;
    let (app, _store) = app_with_campaign(&db, "spring", 1_000_000).await;
    let mut csv = String::from("phone,name\n");
    for i in 0..RECIPIENTS {
        csv.push_str(&format!("06{:08},Person {i}\n", 10_000_000 + i));
    }
    let report = app
        .import_recipients(
            OWNER,
            "spring",
            Cursor::new(csv.into_bytes()),
            Default::default(),
        )
        .await
        .expect("import");
    assert_eq!(report.imported, RECIPIENTS as u64);

    let mut t = Timings {
        finalize: Vec::with_capacity(iterations),
        confirm: Vec::with_capacity(iterations),
        cycle: Vec::with_capacity(iterations),
    };
    for i in 0..WARM_UP + iterations {
        let start = Instant::now();
        let summary = app
            .finalize(OWNER, "spring", SendRequest::Immediate)
            .await
            .expect("finalize");
        let finalized = Instant::now();
        let outcome = app
            .confirm(OWNER, summary.token.as_str())
            .await
            .expect("confirm");
        let confirmed = Instant::now();
        assert_eq!(outcome.state(), Some(CampaignState::PendingReview));
        assert_eq!(summary.recipients, RECIPIENTS as u64);
        if i >= WARM_UP {
            t.finalize.push(finalized - start);
            t.confirm.push(confirmed - finalized);
            t.cycle.push(confirmed - start);
        }
        // Back to a draft, untimed.
        let token = app
            .request_cancel(OWNER, "spring", false)
            .await
            .expect("cancel");
        let back = app.confirm(OWNER, token.as_str()).await.expect("cancel");
        assert_eq!(back.state(), Some(CampaignState::Draft));
    }
    drop(app);
    drop(db);
    t
}

fn row(engine: Engine, what: &str, samples: &mut [Duration]) {
    samples.sort_unstable();
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    println!(
        "| {:<10} | {:<16} | {:>6} | {:>8} | {:>8} | {:>8} | {:>8} | {:>8} |",
        engine.name(),
        what,
        samples.len(),
        ms(percentile(samples, 0.50)),
        ms(percentile(samples, 0.90)),
        ms(percentile(samples, 0.99)),
        ms(*samples.last().unwrap()),
        ms(mean),
    );
}

fn main() {
    let engines = match std::env::var("HERALD_BENCH_ENGINES") {
        Ok(list) => list
            .split(',')
            .map(|e| Engine::parse(e.trim()).expect("sqlite or postgres"))
            .collect(),
        Err(_) => vec![Engine::Sqlite, Engine::Postgres],
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut results = Vec::new();
    for engine in engines {
        let iterations = match engine {
            Engine::Sqlite => 2_000,
            Engine::Postgres => 1_000,
        };
        eprintln!(
            "finalize+confirm on {}: {WARM_UP} warm-up + {iterations} cycles, {RECIPIENTS} recipients…",
            engine.name()
        );
        results.push((engine, runtime.block_on(run(engine, iterations))));
    }
    println!();
    println!(
        "| engine     | use case         |      n | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | mean (ms)|"
    );
    println!(
        "|------------|------------------|-------:|---------:|---------:|---------:|---------:|---------:|"
    );
    for (engine, mut t) in results {
        row(engine, "finalize", &mut t.finalize);
        row(engine, "confirm", &mut t.confirm);
        row(engine, "finalize+confirm", &mut t.cycle);
    }
}
