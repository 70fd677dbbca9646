//! Audiences: a name per account pointing at a frozen recipient list.
use async_trait::async_trait;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{SqlStore, is_unique_violation};
use crate::domain::audience::AudienceName;
use crate::domain::ids::{AccountId, AudienceId, ListId, UserId};
use crate::store::rows::{corrupt, from_snowflake, micros, signed, snowflake, time, unsigned};
use crate::store::{AudienceRecord, AudienceStore, AudienceWrite, StoreError};

const COLUMNS: &str =
    "id, name, list_id, recipients, report, imported_by, imported_at, created_at FROM audiences";

fn record(r: &AnyRow) -> Result<AudienceRecord, StoreError> {
    let name: String = r.try_get("name")?;
    Ok(AudienceRecord {
        id: AudienceId(r.try_get("id")?),
        name: AudienceName::parse(&name).map_err(|_| corrupt("audience name", &name))?,
        list: ListId(r.try_get("list_id")?),
        recipients: unsigned("recipients", r.try_get("recipients")?)?,
        report: r.try_get("report")?,
        imported_by: UserId(from_snowflake(r.try_get("imported_by")?)),
        imported_at: time(r.try_get("imported_at")?)?,
        created_at: time(r.try_get("created_at")?)?,
    })
}

#[async_trait]
impl AudienceStore for SqlStore {
    async fn create_audience(
        &self,
        a: AudienceWrite<'_>,
    ) -> Result<Option<AudienceId>, StoreError> {
        let _turn = self.write_turn().await;
        let inserted = sqlx::query_scalar(
            "INSERT INTO audiences (account_id, name, name_key, list_id, recipients, report, imported_by, imported_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(snowflake(a.account.0))
        .bind(a.name.as_str())
        .bind(a.name.key())
        .bind(a.list.0)
        .bind(signed(a.recipients))
        .bind(a.report)
        .bind(snowflake(a.by.0))
        .bind(micros(a.now))
        .fetch_one(&self.pool)
        .await;
        match inserted {
            Ok(id) => Ok(Some(AudienceId(id))),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn replace_audience_list(
        &self,
        id: AudienceId,
        previous: ListId,
        a: AudienceWrite<'_>,
    ) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let updated = sqlx::query(
            "UPDATE audiences SET list_id = $1, recipients = $2, report = $3, imported_by = $4, imported_at = $5 \
             WHERE id = $6 AND account_id = $7 AND list_id = $8",
        )
        .bind(a.list.0)
        .bind(signed(a.recipients))
        .bind(a.report)
        .bind(snowflake(a.by.0))
        .bind(micros(a.now))
        .bind(id.0)
        .bind(snowflake(a.account.0))
        .bind(previous.0)
        .execute(&self.pool)
        .await?;
        Ok(updated.rows_affected() == 1)
    }

    async fn audience_named(
        &self,
        account: AccountId,
        name: &AudienceName,
    ) -> Result<Option<AudienceRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} WHERE account_id = $1 AND name_key = $2");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(snowflake(account.0))
            .bind(name.key())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(record)
            .transpose()
    }

    async fn audience(
        &self,
        account: AccountId,
        id: AudienceId,
    ) -> Result<Option<AudienceRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} WHERE account_id = $1 AND id = $2");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(snowflake(account.0))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(record)
            .transpose()
    }

    async fn audiences(&self, account: AccountId) -> Result<Vec<AudienceRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} WHERE account_id = $1 ORDER BY name_key");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(snowflake(account.0))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(record)
            .collect()
    }

    async fn delete_audience(
        &self,
        account: AccountId,
        id: AudienceId,
    ) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let deleted = sqlx::query("DELETE FROM audiences WHERE id = $1 AND account_id = $2")
            .bind(id.0)
            .bind(snowflake(account.0))
            .execute(&self.pool)
            .await?;
        Ok(deleted.rows_affected() == 1)
    }
}
