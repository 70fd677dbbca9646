//! Accounts and their credit ledger, in SQL.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use crate::domain::account::Account;
use crate::domain::credits::Balance;
use crate::domain::effects::{AuditEntry, Effect};
use crate::domain::ids::{AccountId, CampaignId};
use crate::store::rows::{AccountRow, micros, snowflake};
use crate::store::sql::effects;
use crate::store::{AccountStore, LedgerLine, SqlStore, StoreError, rows};

/// What `AccountRow` reads, in its order.
pub(super) const ACCOUNT_COLUMNS: &str = "id, name, auto_validation, region, zone, sender, opt_out_text, send_role_id, no_window_regions, short_code, link_expiry_days, replies_channel_id, available, reserved";

#[async_trait]
impl AccountStore for SqlStore {
    async fn account(&self, id: AccountId) -> Result<Option<(Account, Balance)>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1");
        let row: Option<AccountRow> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(snowflake(id.0))
            .fetch_optional(&self.pool)
            .await?;
        row.map(AccountRow::into_domain).transpose()
    }

    async fn create_account(
        &self,
        account: &Account,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "INSERT INTO accounts (id, name, auto_validation, region, zone, sender, opt_out_text, available, reserved, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, $8, $8) ON CONFLICT (id) DO NOTHING",
        )
        .bind(snowflake(account.id.0))
        .bind(&account.name)
        .bind(i64::from(account.auto_validation))
        .bind(account.region.to_string())
        .bind(account.zone.name())
        .bind(account.sender.as_ref().map(|s| s.as_str().to_owned()))
        .bind(account.opt_out_text.clone())
        .bind(micros(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn update_account(
        &self,
        account: &Account,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE accounts SET name = $1, auto_validation = $2, region = $3, zone = $4, sender = $5, \
             opt_out_text = $6, send_role_id = $7, no_window_regions = $8, short_code = $9, updated_at = $10, link_expiry_days = $12, replies_channel_id = $13 \
             WHERE id = $11",
        )
        .bind(&account.name)
        .bind(i64::from(account.auto_validation))
        .bind(account.region.to_string())
        .bind(account.zone.name())
        .bind(account.sender.as_ref().map(|s| s.as_str().to_owned()))
        .bind(account.opt_out_text.clone())
        .bind(account.send_role.map(|r| snowflake(r.0)))
        .bind(rows::sending_policy_column(&account.sending_policy))
        .bind(account.short_code.as_ref().map(|c| c.as_str().to_owned()))
        .bind(micros(now))
        .bind(snowflake(account.id.0))
        .bind(i64::from(account.link_expiry.as_days()))
        .bind(account.replies_channel.map(|c| snowflake(c.0)))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("account"));
        }
        effects::insert_audit(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn apply_account_effects(
        &self,
        account: AccountId,
        effects: &[Effect],
        now: DateTime<Utc>,
    ) -> Result<Balance, StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let mut balance = None;
        for effect in effects {
            if let Some(b) = effects::apply(&mut tx, account, effect, now).await? {
                balance = Some(b);
            }
        }
        let balance = match balance {
            Some(b) => b,
            None => effects::balance(&mut tx, account).await?,
        };
        tx.commit().await?;
        Ok(balance)
    }

    async fn ledger_lines(
        &self,
        account: AccountId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<LedgerLine>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, amount, campaign_id, version, reason, available_after, reserved_after, created_at \
             FROM ledger WHERE account_id = $1 AND id < $3 ORDER BY id DESC LIMIT $2",
        )
        .bind(snowflake(account.0))
        .bind(i64::from(limit))
        .bind(before.unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::ledger_line).collect()
    }

    async fn campaign_ledger(&self, campaign: CampaignId) -> Result<Vec<LedgerLine>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, amount, campaign_id, version, reason, available_after, reserved_after, created_at \
             FROM ledger WHERE campaign_id = $1 ORDER BY id DESC",
        )
        .bind(campaign.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::ledger_line).collect()
    }
}
