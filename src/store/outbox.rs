//! Notifications to people, written with the change that caused them and drained by the bot.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::effects::Notification;
use crate::domain::ids::NotificationId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: NotificationId,
    pub notification: Notification,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait OutboxStore: Send + Sync {
    async fn undelivered_notifications(&self, limit: u32) -> Result<Vec<OutboxItem>, StoreError>;
    /// Claims up to `limit` undelivered notifications nobody holds, for `lease_until`: several
    /// processes draining one outbox never hold the same one at once.
    async fn claim_notifications(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<OutboxItem>, StoreError>;
    /// Gives a claimed notification back, to be tried again from `retry_at`.
    async fn defer_notification(
        &self,
        id: NotificationId,
        retry_at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn mark_notification_delivered(
        &self,
        id: NotificationId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}
