//! What the benchmarks share: a fresh database on either engine (like `tests/support`, which
//! bench targets can't import), an app over it with a manual clock, and small statistics.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use herald::app::{App, DraftInput, ManualClock, Requester};
use herald::domain::credits::TopUp;
use herald::domain::effects::Actor;
use herald::domain::ids::{AccountId, UserId};
use herald::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }

    pub fn parse(s: &str) -> Option<Engine> {
        match s {
            "sqlite" => Some(Engine::Sqlite),
            "postgres" => Some(Engine::Postgres),
            _ => None,
        }
    }

    pub fn arg(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// The PostgreSQL server the benchmarks create their schemas in.
pub fn postgres_url() -> String {
    std::env::var("HERALD_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A database of its own: a SQLite file in a temporary folder, or a fresh PostgreSQL schema
/// dropped by `close`.
pub struct BenchDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    schema: Option<String>,
}

impl BenchDb {
    pub async fn new(engine: Engine) -> BenchDb {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}/herald.db", dir.path().display());
                BenchDb {
                    url,
                    _dir: Some(dir),
                    schema: None,
                }
            }
            Engine::Postgres => {
                let mut bytes = [0u8; 8];
                getrandom::fill(&mut bytes).expect("random");
                let schema = format!(
                    "bench_{}",
                    bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
                );
                let base = postgres_url();
                run_admin(&base, &format!("CREATE SCHEMA {schema}")).await;
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
                BenchDb {
                    url,
                    _dir: None,
                    schema: Some(schema),
                }
            }
        }
    }

    /// Drops the PostgreSQL schema; the SQLite folder goes with `self`.
    pub async fn close(mut self) {
        if let Some(schema) = self.schema.take() {
            run_admin(
                &postgres_url(),
                &format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
            )
            .await;
        }
    }
}

async fn run_admin(url: &str, sql: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .expect("PostgreSQL at HERALD_BENCH_POSTGRES_URL");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut conn)
        .await
        .expect(sql);
}

pub const SERVER: AccountId = AccountId(1_000_000_000_000_001);
pub const OWNER: Requester = Requester::new(SERVER, UserId(2_000_000_000_000_002));

/// A Tuesday morning in Paris, inside the French sending window: the clock stays there.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 2, 9, 0, 0).unwrap()
}

/// An app over a fresh store, with an account holding `credits` and a campaign `name` with a
/// body and a sender (no recipients yet).
pub async fn app_with_campaign(db: &BenchDb, name: &str, credits: u64) -> (App, Arc<dyn Store>) {
    let store = herald::store::open(&db.url).await.expect("open store");
    let clock = Arc::new(ManualClock::new(t0()));
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
