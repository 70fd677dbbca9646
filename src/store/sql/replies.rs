//! Replies from phones and the thread each number has in its account's replies channel.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{SqlStore, integer_list};
use crate::domain::ids::{AccountId, ChannelId};
use crate::domain::personal::ListColumns;
use crate::domain::phone::PhoneNumber;
use crate::store::StoreError;
use crate::store::replies::{ReplyStore, ReplyToPost};
use crate::store::rows::{corrupt, from_snowflake, micros, snowflake, time};

#[async_trait]
impl ReplyStore for SqlStore {
    async fn record_reply(
        &self,
        account: AccountId,
        phone: &PhoneNumber,
        text: &str,
        opted_out: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let last = sqlx::query(
            "SELECT id, campaign_id, version FROM deliveries WHERE phone = $1 AND account_id = $2 \
             AND is_answer = 0 ORDER BY id DESC LIMIT 1",
        )
        .bind(phone.as_e164())
        .bind(snowflake(account.0))
        .fetch_optional(&mut *tx)
        .await?;
        let (delivery, campaign, version) = match &last {
            Some(row) => (
                Some(row.try_get::<i64, _>("id")?),
                Some(row.try_get::<i64, _>("campaign_id")?),
                row.try_get::<Option<i64>, _>("version")?,
            ),
            None => (None, None, None),
        };
        sqlx::query(
            "INSERT INTO phone_replies (account_id, phone, body, opted_out, campaign_id, version, delivery_id, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(snowflake(account.0))
        .bind(phone.as_e164())
        .bind(text)
        .bind(i64::from(opted_out))
        .bind(campaign)
        .bind(version)
        .bind(delivery)
        .bind(micros(now))
        .execute(&mut *tx)
        .await?;
        if let Some(delivery) = delivery {
            sqlx::query("UPDATE deliveries SET replies = replies + 1 WHERE id = $1")
                .bind(delivery)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn claim_replies(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ReplyToPost>, StoreError> {
        let lock = match self.engine {
            crate::store::Engine::Postgres => " FOR UPDATE SKIP LOCKED",
            crate::store::Engine::Sqlite => "",
        };
        let _turn = self.write_turn().await;
        let claimed = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE phone_replies SET claimed_until = $1 WHERE id IN (\
             SELECT r.id FROM phone_replies r JOIN accounts a ON a.id = r.account_id \
             WHERE r.posted_at IS NULL AND a.replies_channel_id IS NOT NULL \
             AND (r.claimed_until IS NULL OR r.claimed_until <= $2) ORDER BY r.id LIMIT $3{lock}) \
             RETURNING id"
        )))
        .bind(micros(lease_until))
        .bind(micros(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        drop(_turn);
        let ids: Vec<i64> = claimed
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT r.id, r.account_id, a.replies_channel_id, r.phone, r.body, r.opted_out, r.received_at, \
             c.name AS campaign_name, r.version, d.fields, l.columns, t.thread_id \
             FROM phone_replies r JOIN accounts a ON a.id = r.account_id \
             LEFT JOIN campaigns c ON c.id = r.campaign_id \
             LEFT JOIN deliveries d ON d.id = r.delivery_id \
             LEFT JOIN submissions s ON s.campaign_id = r.campaign_id AND s.version = r.version \
             LEFT JOIN recipient_lists l ON l.id = s.list_id \
             LEFT JOIN reply_threads t ON t.account_id = r.account_id AND t.phone = r.phone \
             WHERE r.id IN ({}) ORDER BY r.id",
            integer_list(ids)
        )))
        .fetch_all(&self.pool)
        .await?;
        let mut replies = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            let channel: Option<i64> = row.try_get("replies_channel_id")?;
            let Some(channel) = channel else { continue };
            let name: Option<String> = row.try_get("campaign_name")?;
            let version: Option<i64> = row.try_get("version")?;
            let columns: Option<String> = row.try_get("columns")?;
            let values: Option<String> = row.try_get("fields")?;
            let fields = ListColumns::from_stored(columns.as_deref())
                .map(|columns| {
                    columns
                        .named_values(values.as_deref())
                        .into_iter()
                        .map(|(name, value)| (name.to_owned(), value.to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            let opted_out: i64 = row.try_get("opted_out")?;
            let thread: Option<i64> = row.try_get("thread_id")?;
            replies.push(ReplyToPost {
                id,
                account: AccountId(from_snowflake(row.try_get("account_id")?)),
                channel: ChannelId(from_snowflake(channel)),
                phone: row.try_get("phone")?,
                text: row.try_get("body")?,
                opted_out: opted_out != 0,
                received_at: time(row.try_get("received_at")?)?,
                campaign: match (name, version) {
                    (Some(name), Some(v)) => {
                        Some((name, u32::try_from(v).map_err(|_| corrupt("version", v))?))
                    }
                    _ => None,
                },
                fields,
                thread: thread.map(|t| ChannelId(from_snowflake(t))),
            });
        }
        Ok(replies)
    }

    async fn reply_thread_opened(
        &self,
        reply: &ReplyToPost,
        thread: ChannelId,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        keep_thread(&self.pool, reply, thread).await
    }

    async fn reply_posted(
        &self,
        reply: &ReplyToPost,
        thread: ChannelId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE phone_replies SET posted_at = $1 WHERE id = $2")
            .bind(micros(now))
            .bind(reply.id)
            .execute(&mut *tx)
            .await?;
        keep_thread(&mut *tx, reply, thread).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// `thread` is the number's thread in its account's replies channel.
async fn keep_thread<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    reply: &ReplyToPost,
    thread: ChannelId,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO reply_threads (account_id, phone, thread_id) VALUES ($1, $2, $3) \
         ON CONFLICT (account_id, phone) DO UPDATE SET thread_id = excluded.thread_id",
    )
    .bind(snowflake(reply.account.0))
    .bind(&reply.phone)
    .bind(snowflake(thread.0))
    .execute(db)
    .await?;
    Ok(())
}
