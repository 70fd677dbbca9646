//! What operators watch: the database's own health, and the backlogs a running Herald has.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Engine, StoreError};

/// The database as `readyz` and `herald doctor` see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseHealth {
    pub engine: Engine,
    /// Migrations this build knows and the database has applied.
    pub migrations_known: u32,
    pub migrations_applied: u32,
    /// SQLite's journal mode (`wal` expected); `None` on PostgreSQL.
    pub journal_mode: Option<String>,
}

impl DatabaseHealth {
    pub fn migrations_current(&self) -> bool {
        self.migrations_applied >= self.migrations_known
    }
}

/// Counts that say how far behind a running Herald is, read in one go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backlogs {
    /// Messages waiting for their first attempt, due now or earlier.
    pub pending_due: u64,
    /// Messages held for later: their recipient's sending window is closed.
    pub waiting_for_window: u64,
    /// Handed to the gateway, waiting for a delivery report.
    pub submitted: u64,
    /// The longest a submitted message has waited for its report.
    pub oldest_submitted: Option<DateTime<Utc>>,
    /// Failed for now, to be tried again.
    pub retrying: u64,
    pub next_retry: Option<DateTime<Utc>>,
    pub campaigns_on_hold: u64,
    pub review_queue: u64,
    pub oldest_review: Option<DateTime<Utc>>,
    /// Notifications for Discord not yet delivered.
    pub outbox: u64,
}

/// The connection pool's use now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolUse {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

#[async_trait]
pub trait OpsStore: Send + Sync {
    fn engine(&self) -> Engine;
    /// Answers only if the database does; says whether its schema is this build's.
    async fn database_health(&self) -> Result<DatabaseHealth, StoreError>;
    async fn backlogs(&self, now: DateTime<Utc>) -> Result<Backlogs, StoreError>;
    fn pool_use(&self) -> PoolUse;
    /// A consistent copy of the whole database in a new file, taken while others write
    /// (SQLite's `VACUUM INTO`); `Unsupported` on PostgreSQL, which has `pg_dump`.
    async fn backup_to(&self, path: &std::path::Path) -> Result<(), StoreError>;
}
