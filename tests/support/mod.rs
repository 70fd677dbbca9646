//! Test support: a fresh database per test on either engine, and an app over it with a
//! manual clock; stand-ins for Discord and for an SMS operator behind a real Kannel.

pub mod console;
pub mod discord;
pub mod kannel;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use herald::app::{App, ManualClock, Requester};
use herald::domain::ids::{AccountId, UserId};
use herald::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

// `name`, `parse` and `arg` serve the benchmarks, which share this module (benches/common).
#[allow(dead_code)]
impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }

    /// From `sqlite` or `postgres`, as benchmarks take it from the environment.
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

/// The PostgreSQL server tests create their schemas in.
pub fn postgres_url() -> String {
    std::env::var("HERALD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A database of its own: a temporary SQLite file, or a fresh PostgreSQL schema dropped afterwards.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    schema: Option<String>,
}

impl TestDb {
    pub async fn new(engine: Engine) -> TestDb {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}/herald.db", dir.path().display());
                TestDb {
                    url,
                    _dir: Some(dir),
                    schema: None,
                }
            }
            Engine::Postgres => {
                let mut bytes = [0u8; 8];
                getrandom::fill(&mut bytes).expect("random");
                let schema = format!(
                    "t_{}",
                    bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
                );
                let base = postgres_url();
                run_admin(&base, &format!("CREATE SCHEMA {schema}")).await;
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
                TestDb {
                    url,
                    _dir: None,
                    schema: Some(schema),
                }
            }
        }
    }

    pub async fn store(&self) -> Arc<dyn Store> {
        herald::store::open(&self.url).await.expect("open store")
    }

    /// Runs `sql` on the database behind Herald's back: for rows only an older release (or
    /// an operator's hand) could have written.
    pub async fn execute(&self, sql: &str) {
        use sqlx::Connection;
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        if self.schema.is_some() {
            let mut conn = sqlx::PgConnection::connect(&self.url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
        } else {
            let mut conn = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
            sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
        }
    }
}

async fn run_admin(url: &str, sql: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .expect("PostgreSQL at HERALD_TEST_POSTGRES_URL");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut conn)
        .await
        .expect(sql);
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(schema) = self.schema.take() {
            // Drop runs outside async: clean up on a thread with its own small runtime.
            let url = postgres_url();
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(run_admin(
                    &url,
                    &format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
                ));
            })
            .join();
        }
    }
}

/// A Tuesday morning in Paris, inside the French sending window; processes started by the
/// tests run their clock from it too (`HERALD_CLOCK_START`).
pub const T0: &str = "2027-03-02T09:00:00Z";

pub fn t0() -> DateTime<Utc> {
    T0.parse().expect("an RFC 3339 instant")
}

pub struct TestApp {
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub store: Arc<dyn Store>,
    pub db: TestDb,
}

pub const SERVER: AccountId = AccountId(1_000_000_000_000_001);
pub const OWNER: Requester = Requester::new(SERVER, UserId(2_000_000_000_000_002));

impl TestApp {
    pub async fn new(engine: Engine) -> TestApp {
        let db = TestDb::new(engine).await;
        let store = db.store().await;
        let clock = Arc::new(ManualClock::new(t0()));
        let app = App::new(store.clone(), clock.clone());
        TestApp {
            app,
            clock,
            store,
            db,
        }
    }

    /// An account with `credits`, and a campaign with a body and `numbers` recipients.
    pub async fn ready_campaign(&self, name: &str, credits: u64, numbers: usize) {
        self.ready_campaign_to(name, credits, csv_of(numbers)).await;
    }

    /// An account with `credits`, and a campaign with a body and the recipients of `csv`.
    pub async fn ready_campaign_to(&self, name: &str, credits: u64, csv: Vec<u8>) {
        use herald::app::DraftInput;
        use herald::domain::credits::TopUp;
        use herald::domain::effects::Actor;
        self.app
            .ensure_account(SERVER, "Test server")
            .await
            .unwrap();
        if credits > 0 {
            self.app
                .credit(
                    SERVER,
                    TopUp::new(credits).unwrap(),
                    "test",
                    Actor::Operator,
                )
                .await
                .unwrap();
        }
        let input = DraftInput {
            body: Some("Spring sale: -20% this weekend. STOP au 36180".into()),
            sender: Some("HERALD".into()),
        };
        self.app.create_campaign(OWNER, name, input).await.unwrap();
        self.app
            .import_recipients(OWNER, name, std::io::Cursor::new(csv), Default::default())
            .await
            .unwrap();
    }
}

impl TestApp {
    /// Finalizes, confirms and approves (moderator "alice") version 1 of `name`.
    pub async fn approve(&self, name: &str, when: herald::app::SendRequest) {
        let summary = self.app.finalize(OWNER, name, when).await.unwrap();
        self.app
            .confirm(OWNER, summary.token.as_str())
            .await
            .unwrap();
        self.approve_version(SERVER, name).await;
    }

    /// Approves version 1 of `name`, confirmed already (moderator "alice").
    pub async fn approve_version(&self, account: AccountId, name: &str) {
        let (id, _) = self.app.campaign_id(account, name).await.unwrap();
        let alice = herald::domain::ids::ModeratorName::parse("alice").unwrap();
        self.app
            .decide(id, 1, &alice, herald::app::Decision::Approve)
            .await
            .unwrap();
    }

    /// The delivery counts of `name`, as its status shows them.
    pub async fn delivery_counts(&self, name: &str) -> herald::domain::delivery::DeliveryCounts {
        let status = self.app.status(OWNER, name).await.unwrap();
        status
            .deliveries
            .expect("a campaign that has started sending")
    }

    /// See [`drain_outbox`].
    pub async fn drain_outbox(&self) {
        drain_outbox(self.store.as_ref()).await;
    }

    /// The kinds of the notifications waiting in the outbox, oldest first.
    pub async fn outbox_kinds(&self) -> Vec<&'static str> {
        self.store
            .undelivered_notifications(100)
            .await
            .unwrap()
            .iter()
            .map(|i| i.notification.kind.as_str())
            .collect()
    }
}

/// Waits (10 s at most) until every notification in the outbox was delivered: after that no
/// notifier has anything left to send, so counting what was sent is final.
pub async fn drain_outbox(store: &dyn Store) {
    let drained = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while !store.undelivered_notifications(1).await.unwrap().is_empty() {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        drained.is_ok(),
        "the outbox still holds notifications after 10 s"
    );
}

/// A CSV with a header and `n` distinct valid French mobile numbers.
pub fn csv_of(n: usize) -> Vec<u8> {
    let mut csv = String::from("phone,name\n");
    for i in 0..n {
        csv.push_str(&format!("06{:08},Person {i}\n", 10_000_000 + i));
    }
    csv.into_bytes()
}

/// Runs each named async test fn once per engine: `mod sqlite` and `mod postgres`.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::support::Engine::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::support::Engine::Postgres).await } )*
        }
    };
}
