//! A campaign's page: its audit entries, its outcomes over time, its funnel.
use async_trait::async_trait;
use sqlx::Row;

use super::SqlStore;
use crate::domain::ids::CampaignId;
use crate::store::reports::{Funnel, ReportStore, Timeline};
use crate::store::rows::{self, corrupt, time};
use crate::store::{AuditRecord, StoreError};

fn count(row: &sqlx::any::AnyRow, column: &str) -> Result<u64, StoreError> {
    let n: Option<i64> = row.try_get(column)?;
    let n = n.unwrap_or(0);
    u64::try_from(n).map_err(|_| corrupt("count", n))
}

#[async_trait]
impl ReportStore for SqlStore {
    async fn campaign_audit(
        &self,
        campaign: CampaignId,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, account_id, campaign_id, version, actor, action, detail, created_at FROM audit_log \
             WHERE campaign_id = $1 ORDER BY id LIMIT $2",
        )
        .bind(campaign.0)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::audit_record).collect()
    }

    async fn delivery_timeline(
        &self,
        campaign: CampaignId,
        version: u32,
        buckets: u32,
    ) -> Result<Timeline, StoreError> {
        // A final status never changes again: its row's last update is when it was reached.
        let span = sqlx::query(
            "SELECT MIN(updated_at) AS first, MAX(updated_at) AS last FROM deliveries \
             WHERE campaign_id = $1 AND version = $2 AND status IN ('delivered', 'bounced')",
        )
        .bind(campaign.0)
        .bind(i64::from(version))
        .fetch_one(&self.pool)
        .await?;
        let (Some(first), Some(last)) = (
            span.try_get::<Option<i64>, _>("first")?,
            span.try_get::<Option<i64>, _>("last")?,
        ) else {
            return Ok(Timeline::default());
        };
        let width = ((last - first) / i64::from(buckets.max(1))).max(1) + 1;
        let rows = sqlx::query(
            "SELECT (updated_at - $3) / $4 AS bucket, \
             SUM(CASE WHEN status = 'delivered' THEN 1 ELSE 0 END) AS delivered, \
             SUM(CASE WHEN status = 'bounced' THEN 1 ELSE 0 END) AS bounced FROM deliveries \
             WHERE campaign_id = $1 AND version = $2 AND status IN ('delivered', 'bounced') \
             GROUP BY bucket ORDER BY bucket",
        )
        .bind(campaign.0)
        .bind(i64::from(version))
        .bind(first)
        .bind(width)
        .fetch_all(&self.pool)
        .await?;
        let mut filled = vec![(0, 0); buckets.max(1) as usize];
        for row in &rows {
            let bucket: i64 = row.try_get("bucket")?;
            let slot = usize::try_from(bucket)
                .ok()
                .and_then(|b| filled.get_mut(b))
                .ok_or_else(|| corrupt("timeline bucket", bucket))?;
            *slot = (count(row, "delivered")?, count(row, "bounced")?);
        }
        Ok(Timeline {
            start: Some(time(first)?),
            end: Some(time(last)?),
            buckets: filled,
        })
    }

    async fn funnel(&self, campaign: CampaignId, version: u32) -> Result<Funnel, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS recipients, COUNT(first_submitted_at) AS submitted, \
             SUM(CASE WHEN status = 'delivered' THEN 1 ELSE 0 END) AS delivered, \
             SUM(CASE WHEN clicks > 0 THEN 1 ELSE 0 END) AS clicked, CAST(SUM(clicks) AS BIGINT) AS clicks \
             FROM deliveries WHERE campaign_id = $1 AND version = $2",
        )
        .bind(campaign.0)
        .bind(i64::from(version))
        .fetch_one(&self.pool)
        .await?;
        Ok(Funnel {
            recipients: count(&row, "recipients")?,
            submitted: count(&row, "submitted")?,
            delivered: count(&row, "delivered")?,
            clicked: count(&row, "clicked")?,
            clicks: count(&row, "clicks")?,
        })
    }

    async fn bounce_reasons(
        &self,
        campaign: CampaignId,
        version: u32,
        limit: u32,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT COALESCE(error, '') AS reason, COUNT(*) AS n FROM deliveries \
             WHERE campaign_id = $1 AND version = $2 AND status = 'bounced' \
             GROUP BY reason ORDER BY n DESC, reason LIMIT $3",
        )
        .bind(campaign.0)
        .bind(i64::from(version))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("reason")?, count(r, "n")?)))
            .collect()
    }
}
