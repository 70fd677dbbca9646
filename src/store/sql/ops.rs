//! The database's health and the backlogs operators watch.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, Row};

use super::SqlStore;
use crate::store::rows::{micros, time, unsigned};
use crate::store::{Backlogs, DatabaseHealth, Engine, OpsStore, PoolUse, StoreError};

fn migrator(engine: Engine) -> sqlx::migrate::Migrator {
    match engine {
        Engine::Sqlite => sqlx::migrate!("migrations/sqlite"),
        Engine::Postgres => sqlx::migrate!("migrations/postgres"),
    }
}

fn optional_time(v: Option<i64>) -> Result<Option<DateTime<Utc>>, StoreError> {
    v.map(time).transpose()
}

#[async_trait]
impl OpsStore for SqlStore {
    fn engine(&self) -> Engine {
        self.engine
    }

    async fn database_health(&self) -> Result<DatabaseHealth, StoreError> {
        let known = migrator(self.engine).iter().count();
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        // A database never migrated has no such table: nothing applied.
        let applied: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await
                .unwrap_or(0);
        let journal_mode = match self.engine {
            Engine::Sqlite => Some(
                sqlx::query_scalar::<_, String>("PRAGMA journal_mode")
                    .fetch_one(&self.pool)
                    .await?
                    .to_lowercase(),
            ),
            Engine::Postgres => None,
        };
        Ok(DatabaseHealth {
            engine: self.engine,
            migrations_known: u32::try_from(known).unwrap_or(u32::MAX),
            migrations_applied: u32::try_from(applied).unwrap_or(0),
            journal_mode,
        })
    }

    async fn backlogs(&self, now: DateTime<Utc>) -> Result<Backlogs, StoreError> {
        // Each count reads an index range (deliveries by status and due time, campaigns by
        // state, the queue, the outbox's undelivered), never the finished rows.
        let row = sqlx::query(
            "SELECT \
             (SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND due_at <= $1) AS pending_due, \
             (SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND due_at > $1) AS waiting, \
             (SELECT COUNT(*) FROM deliveries WHERE status = 'submitted') AS submitted, \
             (SELECT MIN(updated_at) FROM deliveries WHERE status = 'submitted') AS oldest_submitted, \
             (SELECT COUNT(*) FROM deliveries WHERE status = 'retrying') AS retrying, \
             (SELECT MIN(due_at) FROM deliveries WHERE status = 'retrying') AS next_retry, \
             (SELECT COUNT(*) FROM campaigns WHERE state = 'on_hold') AS on_hold, \
             (SELECT COUNT(*) FROM campaigns WHERE state = 'pending_review') AS review_queue, \
             (SELECT MIN(confirmed_at) FROM submissions WHERE review = 'pending') AS oldest_review, \
             (SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL) AS outbox",
        )
        .bind(micros(now))
        .fetch_one(&self.pool)
        .await?;
        let count = |name: &'static str| -> Result<u64, StoreError> {
            unsigned(name, row.try_get::<i64, _>(name)?)
        };
        Ok(Backlogs {
            pending_due: count("pending_due")?,
            waiting_for_window: count("waiting")?,
            submitted: count("submitted")?,
            oldest_submitted: optional_time(row.try_get("oldest_submitted")?)?,
            retrying: count("retrying")?,
            next_retry: optional_time(row.try_get("next_retry")?)?,
            campaigns_on_hold: count("on_hold")?,
            review_queue: count("review_queue")?,
            oldest_review: optional_time(row.try_get("oldest_review")?)?,
            outbox: count("outbox")?,
        })
    }

    fn pool_use(&self) -> PoolUse {
        PoolUse {
            open: self.pool.size(),
            idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
            max: self.pool.options().get_max_connections(),
        }
    }

    async fn backup_to(&self, path: &std::path::Path) -> Result<(), StoreError> {
        if self.engine == Engine::Postgres {
            return Err(StoreError::Unsupported(
                "a PostgreSQL database is backed up with pg_dump (see the README)",
            ));
        }
        let path = path.to_str().ok_or(StoreError::Unsupported(
            "the backup's path must be valid UTF-8",
        ))?;
        // One statement, one read transaction: a consistent copy while others write.
        sqlx::query(AssertSqlSafe("VACUUM INTO $1"))
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
