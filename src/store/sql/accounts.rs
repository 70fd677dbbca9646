//! The SQL of accounts.
use crate::store::AccountStore;
use crate::store::Credits;
use crate::store::LedgerLine;
use crate::store::SqlStore;
use crate::store::StoreError;
use crate::store::rows;
use crate::store::sql::ACCOUNT_COLUMNS;
use crate::store::sql::Account;
use crate::store::sql::AccountId;
use crate::store::sql::AccountRow;
use crate::store::sql::AuditEntry;
use crate::store::sql::Balance;
use crate::store::sql::CampaignId;
use crate::store::sql::Effect;
use crate::store::sql::LedgerKind;
use crate::store::sql::effects;
use crate::store::sql::micros;
use crate::store::sql::snowflake;
use crate::store::sql::time;
use crate::store::sql::unsigned;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;
use sqlx::Row;

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
             opt_out_text = $6, send_role_id = $7, updated_at = $8 WHERE id = $9",
        )
        .bind(&account.name)
        .bind(i64::from(account.auto_validation))
        .bind(account.region.to_string())
        .bind(account.zone.name())
        .bind(account.sender.as_ref().map(|s| s.as_str().to_owned()))
        .bind(account.opt_out_text.clone())
        .bind(account.send_role.map(|r| snowflake(r.0)))
        .bind(micros(now))
        .bind(snowflake(account.id.0))
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
        limit: u32,
    ) -> Result<Vec<LedgerLine>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, amount, campaign_id, version, reason, available_after, reserved_after, created_at \
             FROM ledger WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(snowflake(account.0))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                let campaign: Option<i64> = r.try_get("campaign_id")?;
                let version: Option<i64> = r.try_get("version")?;
                Ok(LedgerLine {
                    id: r.try_get("id")?,
                    kind: LedgerKind::parse(&kind)
                        .ok_or_else(|| rows::corrupt("ledger kind", &kind))?,
                    amount: Credits(unsigned("amount", r.try_get("amount")?)?),
                    campaign: match (campaign, version) {
                        (Some(c), Some(v)) => Some((CampaignId(c), u32::try_from(v).unwrap_or(0))),
                        _ => None,
                    },
                    reason: r.try_get("reason")?,
                    balance_after: Balance {
                        available: Credits(unsigned(
                            "available_after",
                            r.try_get("available_after")?,
                        )?),
                        reserved: Credits(unsigned(
                            "reserved_after",
                            r.try_get("reserved_after")?,
                        )?),
                    },
                    at: time(r.try_get("created_at")?)?,
                })
            })
            .collect()
    }
}
