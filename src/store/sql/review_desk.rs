//! Claims, refusal reasons kept for reuse, Discord names, reminders, deployment settings.
use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, Row};

use super::{SqlStore, integer_list};
use crate::domain::campaign::Refusal;
use crate::domain::ids::{AccountId, CampaignId, ListId, ModeratorName, UserId};
use crate::domain::refusal::RefusalCode;
use crate::domain::review_desk::{CannedReason, Claim, ReasonLabel};
use crate::store::StoreError;
use crate::store::review_desk::{ConsoleChange, LoggedChange, ReviewDeskStore, ReviewToRemind};
use crate::store::rows::{corrupt, from_snowflake, micros, snowflake, time, unsigned};

fn claim_of(r: &sqlx::any::AnyRow) -> Result<Claim, StoreError> {
    let moderator: String = r.try_get("moderator")?;
    let version: i64 = r.try_get("version")?;
    Ok(Claim {
        campaign: CampaignId(r.try_get("campaign_id")?),
        version: u32::try_from(version).map_err(|_| corrupt("version", version))?,
        moderator: ModeratorName::parse(&moderator)
            .map_err(|_| corrupt("moderator", &moderator))?,
        until: time(r.try_get("claimed_until")?)?,
    })
}

async fn log_change(
    tx: &mut super::effects::Tx,
    change: &ConsoleChange,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO console_log (moderator, action, detail, at) VALUES ($1, $2, $3, $4)")
        .bind(change.moderator.as_str())
        .bind(change.action)
        .bind(&change.detail)
        .bind(micros(now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[async_trait]
impl ReviewDeskStore for SqlStore {
    async fn claim(&self, campaign: CampaignId) -> Result<Option<Claim>, StoreError> {
        sqlx::query(
            "SELECT campaign_id, version, moderator, claimed_until FROM review_claims \
             WHERE campaign_id = $1",
        )
        .bind(campaign.0)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(claim_of)
        .transpose()
    }

    async fn put_claim(&self, claim: &Claim, expected: Option<&Claim>) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let written = match expected {
            None => sqlx::query(
                "INSERT INTO review_claims (campaign_id, version, moderator, claimed_until) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (campaign_id) DO NOTHING",
            )
            .bind(claim.campaign.0)
            .bind(i64::from(claim.version))
            .bind(claim.moderator.as_str())
            .bind(micros(claim.until))
            .execute(&self.pool)
            .await?
            .rows_affected(),
            Some(old) => sqlx::query(
                "UPDATE review_claims SET version = $1, moderator = $2, claimed_until = $3 \
                 WHERE campaign_id = $4 AND version = $5 AND moderator = $6 AND claimed_until = $7",
            )
            .bind(i64::from(claim.version))
            .bind(claim.moderator.as_str())
            .bind(micros(claim.until))
            .bind(claim.campaign.0)
            .bind(i64::from(old.version))
            .bind(old.moderator.as_str())
            .bind(micros(old.until))
            .execute(&self.pool)
            .await?
            .rows_affected(),
        };
        Ok(written == 1)
    }

    async fn release_claim(
        &self,
        campaign: CampaignId,
        moderator: &ModeratorName,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query("DELETE FROM review_claims WHERE campaign_id = $1 AND moderator = $2")
            .bind(campaign.0)
            .bind(moderator.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn console_changes(&self, limit: u32) -> Result<Vec<LoggedChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT moderator, action, detail, at FROM console_log ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let moderator: String = r.try_get("moderator")?;
                Ok(LoggedChange {
                    moderator: ModeratorName::parse(&moderator)
                        .map_err(|_| corrupt("moderator", &moderator))?,
                    action: r.try_get("action")?,
                    detail: r.try_get("detail")?,
                    at: time(r.try_get("at")?)?,
                })
            })
            .collect()
    }

    async fn canned_reasons(&self) -> Result<Vec<CannedReason>, StoreError> {
        let rows =
            sqlx::query("SELECT id, label, code, body FROM canned_reasons ORDER BY label_key, id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                let label: String = r.try_get("label")?;
                let code: String = r.try_get("code")?;
                let body: String = r.try_get("body")?;
                let code =
                    RefusalCode::parse(&code).ok_or_else(|| corrupt("refusal code", &code))?;
                Ok(CannedReason {
                    id: r.try_get("id")?,
                    label: ReasonLabel::parse(&label).map_err(|_| corrupt("label", &label))?,
                    refusal: Refusal::new(code, &body).map_err(|_| corrupt("reason", &body))?,
                })
            })
            .collect()
    }

    async fn save_canned_reason(
        &self,
        id: Option<i64>,
        label: &ReasonLabel,
        refusal: &Refusal,
        change: &ConsoleChange,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let key = label.as_str().to_lowercase();
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM canned_reasons WHERE label_key = $1")
                .bind(&key)
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_some_and(|other| Some(other) != id) {
            return Ok(false);
        }
        let written = match id {
            None => sqlx::query(
                "INSERT INTO canned_reasons (label, label_key, code, body, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(label.as_str())
            .bind(&key)
            .bind(refusal.code().as_str())
            .bind(refusal.text())
            .bind(change.moderator.as_str())
            .bind(micros(now))
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            Some(id) => sqlx::query(
                "UPDATE canned_reasons SET label = $1, label_key = $2, code = $3, body = $4, \
                 updated_by = $5, updated_at = $6 WHERE id = $7",
            )
            .bind(label.as_str())
            .bind(&key)
            .bind(refusal.code().as_str())
            .bind(refusal.text())
            .bind(change.moderator.as_str())
            .bind(micros(now))
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
        };
        if written == 0 {
            return Err(StoreError::NotFound("refusal reason"));
        }
        log_change(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn delete_canned_reason(
        &self,
        id: i64,
        change: &ConsoleChange,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let gone = sqlx::query("DELETE FROM canned_reasons WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if gone {
            log_change(&mut tx, change, now).await?;
        }
        tx.commit().await?;
        Ok(gone)
    }

    async fn remember_name(
        &self,
        account: AccountId,
        user: UserId,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        // Most interactions come from people already known under the same name: read first,
        // write only what changed.
        let known: Option<String> = sqlx::query_scalar(
            "SELECT name FROM discord_names WHERE account_id = $1 AND user_id = $2",
        )
        .bind(snowflake(account.0))
        .bind(snowflake(user.0))
        .fetch_optional(&self.pool)
        .await?;
        if known.as_deref() == Some(name) {
            return Ok(());
        }
        let _turn = self.write_turn().await;
        sqlx::query(
            "INSERT INTO discord_names (account_id, user_id, name, seen_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (account_id, user_id) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at",
        )
        .bind(snowflake(account.0))
        .bind(snowflake(user.0))
        .bind(name)
        .bind(micros(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn names(
        &self,
        account: AccountId,
        users: &[UserId],
    ) -> Result<HashMap<UserId, String>, StoreError> {
        if users.is_empty() {
            return Ok(HashMap::new());
        }
        let ids = integer_list(users.iter().map(|u| snowflake(u.0)));
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT user_id, name FROM discord_names WHERE account_id = $1 AND user_id IN ({ids})"
        )))
        .bind(snowflake(account.0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    UserId(from_snowflake(r.try_get("user_id")?)),
                    r.try_get("name")?,
                ))
            })
            .collect()
    }

    async fn reviews_to_remind(
        &self,
        waiting_since: DateTime<Utc>,
        reminded_before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ReviewToRemind>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.id, c.name, a.name AS account_name, s.version, s.confirmed_at FROM campaigns c \
             JOIN submissions s ON s.campaign_id = c.id AND s.version = c.latest_version \
             JOIN accounts a ON a.id = c.account_id \
             LEFT JOIN review_reminders r ON r.campaign_id = c.id AND r.version = s.version \
             WHERE c.state = 'pending_review' AND s.review = 'pending' AND s.confirmed_at < $1 \
             AND (r.reminded_at IS NULL OR r.reminded_at < $2) \
             ORDER BY s.confirmed_at, c.id LIMIT $3",
        )
        .bind(micros(waiting_since))
        .bind(micros(reminded_before))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let version: i64 = r.try_get("version")?;
                Ok(ReviewToRemind {
                    campaign: CampaignId(r.try_get("id")?),
                    version: u32::try_from(version).map_err(|_| corrupt("version", version))?,
                    campaign_name: r.try_get("name")?,
                    account_name: r.try_get("account_name")?,
                    confirmed_at: time(r.try_get("confirmed_at")?)?,
                })
            })
            .collect()
    }

    async fn reminded(
        &self,
        campaign: CampaignId,
        version: u32,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "INSERT INTO review_reminders (campaign_id, version, reminded_at) VALUES ($1, $2, $3) \
             ON CONFLICT (campaign_id, version) DO UPDATE SET reminded_at = excluded.reminded_at",
        )
        .bind(campaign.0)
        .bind(i64::from(version))
        .bind(micros(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn deployment_setting(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT value FROM deployment_settings WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn set_deployment_setting(&self, name: &str, value: &str) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "INSERT INTO deployment_settings (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(name)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn list_difference(
        &self,
        before: ListId,
        after: ListId,
    ) -> Result<(u64, u64), StoreError> {
        let count = |from: ListId, not_in: ListId| async move {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM recipients r WHERE r.list_id = $1 AND NOT EXISTS \
                 (SELECT 1 FROM recipients o WHERE o.list_id = $2 AND o.phone = r.phone)",
            )
            .bind(from.0)
            .bind(not_in.0)
            .fetch_one(&self.pool)
            .await?;
            unsigned("count", n)
        };
        Ok((count(after, before).await?, count(before, after).await?))
    }
}
