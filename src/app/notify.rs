//! Draining the outbox: notifications are claimed for a while, sent, then marked delivered.
//! A failed send is retried later with backoff; delivery is at least once, and each
//! notification carries its outbox id so a consumer can drop a duplicate.
use chrono::TimeDelta;

use crate::domain::delivery::RetryPolicy;
use crate::domain::ids::NotificationId;
use crate::store::OutboxItem;

use super::{App, AppError};

/// How long a claimed notification is reserved for its sender before others may take it.
pub const NOTIFICATION_LEASE: TimeDelta = TimeDelta::seconds(60);

impl App {
    #[tracing::instrument(skip_all, level = "debug", fields(worker = worker))]
    pub async fn claim_notifications(
        &self,
        worker: &str,
        limit: u32,
    ) -> Result<Vec<OutboxItem>, AppError> {
        let now = self.now();
        Ok(self
            .store
            .claim_notifications(worker, now, now + NOTIFICATION_LEASE, limit)
            .await?)
    }

    #[tracing::instrument(skip_all, level = "debug", fields(id = id.0))]
    pub async fn notification_delivered(&self, id: NotificationId) -> Result<(), AppError> {
        Ok(self
            .store
            .mark_notification_delivered(id, self.now())
            .await?)
    }

    /// Puts a notification back after a failed send, to be tried again after `attempt`'s backoff
    /// under the notifications' retry policy (2 s, 4 s, 8 s … at most 5 minutes).
    #[tracing::instrument(skip_all, level = "debug", fields(id = id.0))]
    pub async fn notification_failed(
        &self,
        id: NotificationId,
        attempt: u32,
    ) -> Result<(), AppError> {
        let backoff = RetryPolicy::NOTIFICATIONS.backoff(attempt);
        Ok(self
            .store
            .defer_notification(id, self.now() + backoff)
            .await?)
    }
}
