//! The delivery engine's use cases: claim due attempts, record what the gateway answered and
//! what its reports said, and give up on attempts that never got an answer.
use crate::domain::delivery::{DeliveryStatus, Report, RetryPolicy, SubmitOutcome};
use crate::domain::ids::DeliveryId;
use crate::store::{DeliveryJob, DeliveryRecord};

use super::{App, AppError, Requester};

/// What a delivery report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportEffect {
    Applied,
    /// Late, repeated, or about an older attempt: nothing changed.
    Ignored,
    UnknownDelivery,
}

impl App {
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// Claims up to `limit` due attempts; each is counted before it is returned, so a crash
    /// after this point can never send the same attempt twice.
    #[tracing::instrument(skip_all, level = "debug")]
    pub async fn claim_deliveries(&self, limit: u32) -> Result<Vec<DeliveryJob>, AppError> {
        let now = self.now();
        let lease_until = now + self.retry.report_timeout;
        Ok(self.store.claim_deliveries(now, lease_until, limit).await?)
    }

    /// Records the gateway's answer to a claimed attempt.
    #[tracing::instrument(skip_all, level = "debug", fields(delivery = job.id.0))]
    pub async fn delivery_submitted(
        &self,
        job: &DeliveryJob,
        outcome: &SubmitOutcome,
    ) -> Result<(), AppError> {
        // The claim already recorded an accepted attempt: submitted, waiting for its report.
        if *outcome == SubmitOutcome::Accepted {
            return Ok(());
        }
        let now = self.now();
        let step = self
            .retry
            .after_submit(job.attempt, outcome, job.started_at, now);
        self.store
            .update_delivery(
                job.id,
                (DeliveryStatus::Submitted, job.attempt),
                &step,
                false,
                now,
            )
            .await?;
        Ok(())
    }

    /// Applies a delivery report. `attempt` is the attempt the report is about, when the
    /// gateway carried it back; a final "delivered" counts whichever attempt it is about.
    #[tracing::instrument(skip_all, level = "debug", fields(id = id.0))]
    pub async fn delivery_report(
        &self,
        id: DeliveryId,
        attempt: Option<u32>,
        report: &Report,
    ) -> Result<ReportEffect, AppError> {
        // A concurrent report or sweep can move the delivery between read and write: read again.
        for _ in 0..super::ATTEMPTS {
            let Some(current) = self.store.delivery(id).await? else {
                return Ok(ReportEffect::UnknownDelivery);
            };
            let now = self.now();
            let Some(step) = self.retry.after_report(
                current.status,
                current.attempt,
                attempt,
                report,
                current.started_at,
                now,
            ) else {
                return Ok(ReportEffect::Ignored);
            };
            let acknowledged =
                current.acknowledged || matches!(report, Report::Accepted | Report::Buffered);
            if self
                .store
                .update_delivery(
                    id,
                    (current.status, current.attempt),
                    &step,
                    acknowledged,
                    now,
                )
                .await?
            {
                return Ok(ReportEffect::Applied);
            }
        }
        Err(AppError::Busy)
    }

    /// Submitted attempts whose wait for a report ran out: sent again, or bounced once the
    /// retry window has closed. Returns how many were moved on.
    #[tracing::instrument(skip_all, level = "debug")]
    pub async fn sweep_overdue(&self, limit: u32) -> Result<usize, AppError> {
        let now = self.now();
        let mut moved = 0;
        for d in self.store.overdue_submissions(now, limit).await? {
            let step = self.retry.after_timeout(d.acknowledged, d.started_at, now);
            if self
                .store
                .update_delivery(
                    d.id,
                    (DeliveryStatus::Submitted, d.attempt),
                    &step,
                    d.acknowledged,
                    now,
                )
                .await?
            {
                moved += 1;
            }
        }
        Ok(moved)
    }

    /// The key that signs delivery-report URLs: made once, then shared by every process.
    #[tracing::instrument(skip_all, level = "debug")]
    pub async fn report_signing_key(&self) -> Result<Vec<u8>, AppError> {
        let candidate = super::random_hex(32)?;
        let key = self.store.server_key("report_signing", &candidate).await?;
        Ok(key.into_bytes())
    }

    /// The test messages sent for a campaign, oldest first.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0, campaign = name))]
    pub async fn test_deliveries(
        &self,
        who: Requester,
        name: &str,
    ) -> Result<Vec<DeliveryRecord>, AppError> {
        let campaign = self.campaign_named(who.account, name).await?;
        Ok(self.store.test_deliveries(campaign.id).await?)
    }
}
