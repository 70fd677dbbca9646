//! What the benchmarks share: the tests' fresh databases (`tests/support`), an app over one
//! with a manual clock, and small statistics.
#![allow(dead_code)]

// The benchmarks use a little of the tests' support (databases, the stand-ins): the rest is
// not dead, only not theirs.
#[path = "../../tests/support/mod.rs"]
#[allow(dead_code, unused_macros)]
pub mod support;

use std::sync::Arc;
use std::time::Duration;

use herald::app::{App, DraftInput, ManualClock};
use herald::domain::credits::TopUp;
use herald::domain::effects::Actor;
use herald::store::Store;

pub use support::{Engine, OWNER, SERVER, TestDb as BenchDb, t0};

/// An app over a fresh store, with an account holding `credits` and a campaign `name` with a
/// body and a sender (no recipients yet).
pub async fn app_with_campaign(db: &BenchDb, name: &str, credits: u64) -> (App, Arc<dyn Store>) {
    app_with_campaign_at(db, name, credits, t0()).await
}

/// Imports `csv` into the campaign "spring", finalizes, confirms and approves it (alice):
/// ready for the scheduler to start it.
pub async fn approved(app: App, csv: Vec<u8>, n: usize) -> App {
    let import = std::time::Instant::now();
    app.import_recipients(
        OWNER,
        "spring",
        std::io::Cursor::new(csv),
        Default::default(),
    )
    .await
    .unwrap();
    let summary = app
        .finalize(OWNER, "spring", herald::app::SendRequest::Immediate)
        .await
        .unwrap();
    app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    let (id, _) = app.campaign_id(SERVER, "spring").await.unwrap();
    let alice = herald::domain::ids::ModeratorName::parse("alice").unwrap();
    app.decide(id, 1, &alice, herald::app::Decision::Approve)
        .await
        .unwrap();
    eprintln!(
        "  {n} recipients imported and approved in {:.1?}",
        import.elapsed()
    );
    app
}

/// [`app_with_campaign`], its clock stopped at `now`.
pub async fn app_with_campaign_at(
    db: &BenchDb,
    name: &str,
    credits: u64,
    now: chrono::DateTime<chrono::Utc>,
) -> (App, Arc<dyn Store>) {
    let store = herald::store::open(&db.url).await.expect("open store");
    let clock = Arc::new(ManualClock::new(now));
    let app = App::new(store.clone(), clock);
    app.ensure_account(SERVER, "Bench server").await.unwrap();
    if credits > 0 {
        app.credit(
            SERVER,
            TopUp::new(credits).unwrap(),
            "bench",
            Actor::Operator,
        )
        .await
        .unwrap();
    }
    let input = DraftInput {
        body: Some("Spring sale: -20% this weekend. STOP au 36180".into()),
        sender: Some("HERALD".into()),
    };
    app.create_campaign(OWNER, name, input).await.unwrap();
    (app, store)
}

/// The value below which `q` (0..=1) of the sorted samples fall (nearest rank).
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    assert!(!sorted.is_empty());
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

/// A field of /proc/self/status, in KiB.
pub fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"))
}
