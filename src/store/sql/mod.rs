//! The SQL implementation of `Store`, for SQLite and PostgreSQL.
use std::path::Path;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, AssertSqlSafe};
use tokio::sync::{Mutex, MutexGuard, mpsc};

use super::{Engine, StoreError};

mod accounts;
mod answers;
mod audiences;
mod campaigns;
mod console;
mod contacts;
mod deliveries;
mod effects;
mod links;
mod ops;
mod outbox;
mod people;
mod recipients;
mod replies;
mod reports;
mod review_desk;
mod support;
mod surveys;

pub struct SqlStore {
    pool: AnyPool,
    engine: Engine,
    /// SQLite has one writer at a time: queueing writers here, rather than in SQLite's busy
    /// handler, keeps them fair and free of lock-upgrade deadlocks.
    writer: Option<Mutex<()>>,
    /// SQLite: wakes the background checkpointer after each write; dropping it stops the task.
    checkpoints: Option<mpsc::Sender<()>>,
}

/// SQLite's own checkpoints run inside the commit that crosses `wal_autocheckpoint` pages and
/// fsync the WAL and the database there: a few milliseconds, on the request path, every few dozen
/// commits. Herald checkpoints from a background task instead, this long after a write (so a
/// burst of writes shares one checkpoint); the built-in one only steps in, past this many pages,
/// if the background task falls behind. Fewer checkpoints mean fewer fsyncs beside requests:
/// finalize+confirm's p99 measured 5.5–6.2 ms with 2 s against 10.8–11.1 ms with 100 ms.
const CHECKPOINT_DELAY: Duration = Duration::from_millis(2000);
const FALLBACK_AUTOCHECKPOINT_PAGES: u32 = 16_384;

/// Runs a PASSIVE checkpoint (it waits for no reader or writer) after writes, until the store
/// is dropped.
fn spawn_checkpointer(pool: AnyPool) -> mpsc::Sender<()> {
    let (wake, mut woken) = mpsc::channel::<()>(1);
    tokio::spawn(async move {
        while woken.recv().await.is_some() {
            tokio::time::sleep(CHECKPOINT_DELAY).await;
            if let Err(e) = sqlx::raw_sql("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                tracing::warn!(error = %e, "background WAL checkpoint failed");
            }
        }
    });
    wake
}

/// The writer's turn: ends when dropped, and then asks for a checkpoint.
struct WriteTurn<'a> {
    _turn: Option<MutexGuard<'a, ()>>,
    checkpoints: Option<&'a mpsc::Sender<()>>,
}

impl Drop for WriteTurn<'_> {
    fn drop(&mut self) {
        if let Some(wake) = self.checkpoints {
            // Full means a checkpoint is already due.
            let _ = wake.try_send(());
        }
    }
}

impl SqlStore {
    pub async fn open(url: &str) -> Result<SqlStore, StoreError> {
        SqlStore::open_with(url, true).await
    }

    /// Opens as it is, to look at it (`herald doctor`): a SQLite file must exist, and nothing
    /// is created, migrated or switched (not even to WAL).
    pub async fn open_unmigrated(url: &str) -> Result<SqlStore, StoreError> {
        SqlStore::open_with(url, false).await
    }

    async fn open_with(url: &str, migrate: bool) -> Result<SqlStore, StoreError> {
        sqlx::any::install_default_drivers();
        let (engine, url) = if let Some(path) = url.strip_prefix("sqlite://") {
            match migrate {
                true => (Engine::Sqlite, sqlite_url(path)?),
                false => (Engine::Sqlite, existing_sqlite_url(path)?),
            }
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Engine::Postgres, url.to_owned())
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        // No ping before handing out a connection: it costs a round trip per query, and a dead
        // connection fails the query anyway, which the caller reports or retries.
        let options = AnyPoolOptions::new().test_before_acquire(false);
        let pool = match engine {
            Engine::Sqlite => {
                // Readers run side by side in WAL mode (writers queue in `write_turn`): with 8
                // connections rather than 4 the short-link redirect went from 20,400-28,400 to
                // 26,100-34,500 requests/s (p99 3.1-3.6 ms instead of up to 5.6 ms) while a
                // campaign sends, and no other benchmark moved for the worse.
                options
                    .max_connections(8)
                    .after_connect(move |conn, _| {
                        Box::pin(async move {
                            // WAL lets readers run beside the writer; NORMAL is durable in WAL mode
                            // except for the last transactions on power loss, never corrupting.
                            if !migrate {
                                // Looked at, not changed.
                                return Ok(());
                            }
                            let pragmas = format!(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000; \
                                 PRAGMA wal_autocheckpoint = {FALLBACK_AUTOCHECKPOINT_PAGES};"
                            );
                            sqlx::raw_sql(AssertSqlSafe(pragmas)).execute(conn).await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Engine::Postgres => options.max_connections(16).connect(&url).await?,
        };
        match (migrate, engine) {
            (false, _) => {}
            (true, Engine::Sqlite) => sqlx::migrate!("migrations/sqlite").run(&pool).await?,
            (true, Engine::Postgres) => sqlx::migrate!("migrations/postgres").run(&pool).await?,
        }
        let writer = (engine == Engine::Sqlite).then(|| Mutex::new(()));
        let checkpoints = (engine == Engine::Sqlite).then(|| spawn_checkpointer(pool.clone()));
        Ok(SqlStore {
            pool,
            engine,
            writer,
            checkpoints,
        })
    }

    /// Waits for the writer's turn (SQLite only; PostgreSQL handles concurrent writers itself).
    async fn write_turn(&self) -> WriteTurn<'_> {
        WriteTurn {
            _turn: match &self.writer {
                Some(m) => Some(m.lock().await),
                None => None,
            },
            checkpoints: self.checkpoints.as_ref(),
        }
    }
}

/// `sqlite://PATH` of a file that must already exist, opened without creating anything.
fn existing_sqlite_url(path: &str) -> Result<String, StoreError> {
    let (file, query) = path.split_once('?').unwrap_or((path, ""));
    if !Path::new(file).is_file() {
        return Err(StoreError::NoDatabase(file.to_owned()));
    }
    let query = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("mode="))
        .collect::<Vec<_>>()
        .join("&");
    Ok(format!(
        "sqlite://{file}?mode=rw{}{query}",
        if query.is_empty() { "" } else { "&" }
    ))
}

/// `sqlite://PATH` → a URL that creates the file, after creating its folder.
fn sqlite_url(path: &str) -> Result<String, StoreError> {
    let (file, query) = path.split_once('?').unwrap_or((path, ""));
    if let Some(dir) = Path::new(file)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)?;
    }
    let mut url = format!("sqlite://{file}?");
    if !query.contains("mode=") {
        url.push_str("mode=rwc&");
    }
    url.push_str(query);
    Ok(url.trim_end_matches(['?', '&']).to_owned())
}

pub(super) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Integers read from the database (ids, codes), never text from a request, as an SQL list:
/// `1, 2, 3`. Callers keep lists to a few hundred.
fn integer_list(values: impl IntoIterator<Item = i64>) -> String {
    values
        .into_iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The placeholders of a multi-row insert: `rows` rows of `columns` values each, numbered from
/// `$1` (`($1, $2), ($3, $4)`); every value is then bound.
fn row_placeholders(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| {
            let values = (1..=columns)
                .map(|c| format!("${}", row * columns + c))
                .collect::<Vec<_>>()
                .join(", ");
            format!("({values})")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod list_tests {
    #[test]
    fn lists_and_placeholders() {
        assert_eq!(super::integer_list([1, -2, 3]), "1, -2, 3");
        assert_eq!(super::row_placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
    }
}
