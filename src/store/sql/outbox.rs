//! Claiming outbox notifications so that several processes drain one outbox without sending
//! the same notification twice (short of a crash between sending and marking it delivered).
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use super::SqlStore;
use crate::domain::ids::NotificationId;
use crate::store::rows::{micros, outbox_item};
use crate::store::{Engine, OutboxItem, OutboxStore, StoreError};

#[async_trait]
impl OutboxStore for SqlStore {
    async fn undelivered_notifications(&self, limit: u32) -> Result<Vec<OutboxItem>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, payload, created_at FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(outbox_item).collect()
    }

    async fn claim_notifications(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        let _turn = self.write_turn().await;
        // PostgreSQL: claimers skip rows another transaction is claiming. SQLite: one writer.
        let lock = match self.engine {
            Engine::Postgres => " FOR UPDATE SKIP LOCKED",
            Engine::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox SET claimed_by = $1, claimed_until = $2 WHERE id IN (\
             SELECT id FROM outbox WHERE delivered_at IS NULL AND (claimed_until IS NULL OR claimed_until <= $3) \
             ORDER BY id LIMIT $4{lock}) RETURNING id, payload, created_at"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(worker)
            .bind(micros(lease_until))
            .bind(micros(now))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        let mut items = rows
            .iter()
            .map(outbox_item)
            .collect::<Result<Vec<_>, StoreError>>()?;
        items.sort_by_key(|i| i.id);
        Ok(items)
    }

    async fn defer_notification(
        &self,
        id: NotificationId,
        retry_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query("UPDATE outbox SET claimed_by = NULL, claimed_until = $1 WHERE id = $2 AND delivered_at IS NULL")
            .bind(micros(retry_at))
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn mark_notification_delivered(
        &self,
        id: NotificationId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query("UPDATE outbox SET delivered_at = $1 WHERE id = $2 AND delivered_at IS NULL")
            .bind(micros(now))
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
