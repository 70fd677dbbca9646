//! Support conversations and personal data in SQL.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;

use super::SqlStore;
use crate::domain::ids::{AccountId, RoleId, SupportRequestId, UserId};
use crate::store::rows::{from_snowflake, micros, snowflake};
use crate::store::{
    RatingData, ReviewData, StoreError, SupportSettings, SupportStore, SupportThread, rows,
};

fn optional_id(v: Option<i64>) -> Result<Option<u64>, StoreError> {
    Ok(v.map(from_snowflake))
}

const THREAD_COLUMNS: &str =
    "thread_id, account_id, user_id, opened_at, closed_at FROM support_threads";

#[async_trait]
impl SupportStore for SqlStore {
    async fn support_settings(&self, account: AccountId) -> Result<SupportSettings, StoreError> {
        let row =
            sqlx::query("SELECT support_channel_id, support_role_id FROM accounts WHERE id = $1")
                .bind(snowflake(account.0))
                .fetch_optional(&self.pool)
                .await?;
        Ok(match row {
            Some(r) => SupportSettings {
                channel: optional_id(r.try_get("support_channel_id")?)?,
                role: optional_id(r.try_get("support_role_id")?)?.map(RoleId),
            },
            None => SupportSettings::default(),
        })
    }

    async fn set_support_settings(
        &self,
        account: AccountId,
        settings: SupportSettings,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let changed = sqlx::query(
            "UPDATE accounts SET support_channel_id = $1, support_role_id = $2 WHERE id = $3",
        )
        .bind(settings.channel.map(snowflake))
        .bind(settings.role.map(|r| snowflake(r.0)))
        .bind(snowflake(account.0))
        .execute(&self.pool)
        .await?
        .rows_affected();
        match changed {
            0 => Err(StoreError::NotFound("account")),
            _ => Ok(()),
        }
    }

    async fn add_support_request(
        &self,
        account: AccountId,
        user: UserId,
        question: &str,
        now: DateTime<Utc>,
    ) -> Result<SupportRequestId, StoreError> {
        let _turn = self.write_turn().await;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO support_requests (account_id, user_id, question, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(snowflake(account.0))
        .bind(snowflake(user.0))
        .bind(question)
        .bind(micros(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(SupportRequestId(id))
    }

    async fn take_support_request(
        &self,
        id: SupportRequestId,
        user: UserId,
    ) -> Result<Option<(AccountId, String)>, StoreError> {
        let _turn = self.write_turn().await;
        let row = sqlx::query(
            "DELETE FROM support_requests WHERE id = $1 AND user_id = $2 RETURNING account_id, question",
        )
        .bind(id.0)
        .bind(snowflake(user.0))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok((
                AccountId(from_snowflake(r.try_get("account_id")?)),
                r.try_get("question")?,
            ))
        })
        .transpose()
    }

    async fn add_support_thread(&self, t: &SupportThread) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "INSERT INTO support_threads (thread_id, account_id, user_id, opened_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(snowflake(t.thread))
        .bind(snowflake(t.account.0))
        .bind(snowflake(t.user.0))
        .bind(micros(t.opened_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn support_thread(&self, id: u64) -> Result<Option<SupportThread>, StoreError> {
        let sql = format!("SELECT {THREAD_COLUMNS} WHERE thread_id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(snowflake(id))
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(rows::support_thread)
            .transpose()
    }

    async fn close_support_thread(
        &self,
        id: u64,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let changed = sqlx::query(
            "UPDATE support_threads SET closed_at = $1, closed_by = $2 WHERE thread_id = $3 AND closed_at IS NULL",
        )
        .bind(micros(now))
        .bind(by)
        .bind(snowflake(id))
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(changed == 1)
    }

    async fn support_threads_of(
        &self,
        account: AccountId,
        user: UserId,
    ) -> Result<Vec<SupportThread>, StoreError> {
        let sql = format!(
            "SELECT {THREAD_COLUMNS} WHERE account_id = $1 AND user_id = $2 ORDER BY opened_at"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(snowflake(account.0))
            .bind(snowflake(user.0))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::support_thread)
            .collect()
    }

    async fn ratings_of(
        &self,
        account: AccountId,
        user: UserId,
    ) -> Result<Vec<RatingData>, StoreError> {
        sqlx::query(
            "SELECT subject, rating, created_at FROM ratings WHERE account_id = $1 AND user_id = $2 ORDER BY id",
        )
        .bind(snowflake(account.0))
        .bind(snowflake(user.0))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(rows::rating_data)
        .collect()
    }

    async fn reviews_of(
        &self,
        account: AccountId,
        user: UserId,
    ) -> Result<Vec<ReviewData>, StoreError> {
        sqlx::query(
            "SELECT rating, body, created_at, unpublished_at FROM reviews WHERE account_id = $1 AND user_id = $2 ORDER BY id",
        )
        .bind(snowflake(account.0))
        .bind(snowflake(user.0))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(rows::review_data)
        .collect()
    }

    async fn erase_personal_data(
        &self,
        account: AccountId,
        user: UserId,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let (a, u) = (snowflake(account.0), snowflake(user.0));
        for sql in [
            "DELETE FROM reviews WHERE account_id = $1 AND user_id = $2",
            "DELETE FROM support_requests WHERE account_id = $1 AND user_id = $2",
            "UPDATE ratings SET user_id = 0, comment = NULL WHERE account_id = $1 AND user_id = $2",
            "UPDATE surveys SET user_id = 0 WHERE account_id = $1 AND user_id = $2",
            "UPDATE support_threads SET user_id = 0 WHERE account_id = $1 AND user_id = $2",
        ] {
            sqlx::query(sql).bind(a).bind(u).execute(&mut *tx).await?;
        }
        // Preferences are per person, across servers.
        sqlx::query("DELETE FROM user_settings WHERE user_id = $1")
            .bind(u)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
