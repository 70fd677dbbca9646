//! Moderators, per-user settings, consent records and ratings, in SQL.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use crate::domain::consent::ConsentRecord;
use crate::domain::ids::{AccountId, ModeratorName, UserId};
use crate::domain::rating::RatingRecord;
use crate::store::rows::{micros, snowflake};
use crate::store::sql::is_unique_violation;
use crate::store::{PeopleStore, SqlStore, StoreError, UserSetting, rows};

#[async_trait]
impl PeopleStore for SqlStore {
    async fn add_moderator(
        &self,
        name: &ModeratorName,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query("INSERT INTO moderators (name, password_hash, created_at) VALUES ($1, $2, $3)")
            .bind(name.as_str())
            .bind(password_hash)
            .bind(micros(now))
            .execute(&self.pool)
            .await
            .map_err(|e| match is_unique_violation(&e) {
                true => StoreError::ModeratorExists(name.to_string()),
                false => e.into(),
            })?;
        Ok(())
    }

    async fn moderator_password_hash(
        &self,
        name: &ModeratorName,
    ) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT password_hash FROM moderators WHERE name = $1")
                .bind(name.as_str())
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn user_setting(
        &self,
        user: UserId,
        setting: UserSetting,
    ) -> Result<Option<String>, StoreError> {
        let column = setting.column();
        let sql = format!("SELECT {column} FROM user_settings WHERE user_id = $1");
        let value: Option<Option<String>> = sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(snowflake(user.0))
            .fetch_optional(&self.pool)
            .await?;
        Ok(value.flatten())
    }

    async fn set_user_setting(
        &self,
        user: UserId,
        setting: UserSetting,
        value: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        // The column name comes from `UserSetting`, never from input.
        let column = setting.column();
        let sql = format!(
            "INSERT INTO user_settings (user_id, {column}, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET {column} = excluded.{column}, updated_at = excluded.updated_at"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(snowflake(user.0))
            .bind(value)
            .bind(micros(now))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn append_consent(
        &self,
        record: &ConsentRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "INSERT INTO consents (account_id, user_id, purpose, notice_version, notice_hash, decision, interaction_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(snowflake(record.account.0))
        .bind(snowflake(record.user.0))
        .bind(record.purpose.as_str())
        .bind(&record.notice.version)
        .bind(&record.notice.hash)
        .bind(record.decision.as_str())
        .bind(record.interaction.clone())
        .bind(micros(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn consents(
        &self,
        account: AccountId,
        user: UserId,
    ) -> Result<Vec<(ConsentRecord, DateTime<Utc>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT purpose, notice_version, notice_hash, decision, interaction_id, created_at FROM consents \
             WHERE account_id = $1 AND user_id = $2 ORDER BY id",
        )
        .bind(snowflake(account.0))
        .bind(snowflake(user.0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| rows::consent_record(r, account, user))
            .collect()
    }

    async fn add_rating(
        &self,
        record: &RatingRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        insert_rating(&self.pool, record, now).await
    }
}

/// One row of `ratings`, in a transaction or on the pool.
pub(super) async fn insert_rating<'e, E>(
    executor: E,
    record: &RatingRecord,
    now: DateTime<Utc>,
) -> Result<(), StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let subject =
        serde_json::to_string(&record.subject).map_err(|e| rows::corrupt("rating subject", e))?;
    sqlx::query(
        "INSERT INTO ratings (account_id, user_id, subject, rating, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(snowflake(record.account.0))
    .bind(snowflake(record.user.0))
    .bind(subject)
    .bind(i64::from(record.rating.value()))
    .bind(record.comment.clone())
    .bind(micros(now))
    .execute(executor)
    .await?;
    Ok(())
}
