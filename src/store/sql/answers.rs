//! Answers sent from a number's thread.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, Row};

use super::effects::{Tx, apply};
use super::{SqlStore, integer_list};
use crate::domain::answer::{self, Answer};
use crate::domain::campaign::ConfirmationToken;
use crate::domain::credits::Credits;
use crate::domain::delivery::DeliveryStatus;
use crate::domain::effects::Effect;
use crate::domain::ids::{AccountId, ChannelId, UserId};
use crate::domain::phone::PhoneNumber;
use crate::domain::sender::SenderId;
use crate::domain::sms::SmsBody;
use crate::domain::window::Destination;
use crate::store::answers::{AnswerStore, AnswerUpdate, StoredAnswer, ThreadContact};
use crate::store::rows::{corrupt, from_snowflake, micros, snowflake, time, unsigned};
use crate::store::{Engine, StoreError};

/// The status an answer's thread message shows: a message waiting shows when it goes, so a
/// new due time is a change to show.
const SHOWN: &str = "CASE WHEN d.status IN ('pending', 'retrying') \
                     THEN d.status || ':' || CAST(d.due_at AS TEXT) ELSE d.status END";

/// The last message the account sent to the number that is not an answer: the one a reply
/// or an answer is about.
const ANSWERED: &str = "SELECT d.id, d.campaign_id, COALESCE(d.sender, s.sender) AS sender \
                        FROM deliveries d LEFT JOIN submissions s \
                        ON s.campaign_id = d.campaign_id AND s.version = d.version \
                        WHERE d.account_id = $1 AND d.phone = $2 AND d.is_answer = 0 \
                        ORDER BY d.id DESC LIMIT 1";

/// Gives back, once, the cost of the answers among the messages `deliveries` (an SQL integer
/// list) that ended without being sent: inside the transaction that ended them, so no answer
/// is paid for and never sent, whoever shows its status.
pub(super) async fn refund_unsent(
    tx: &mut Tx,
    deliveries: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let refunded = sqlx::query(AssertSqlSafe(format!(
        "UPDATE answers SET refunded = 1 WHERE refunded = 0 AND delivery_id IN \
         (SELECT id FROM deliveries WHERE id IN ({deliveries}) \
         AND status IN ('skipped', 'stopped', 'outside_hours')) RETURNING account_id, cost"
    )))
    .fetch_all(&mut **tx)
    .await?;
    for row in &refunded {
        let account = AccountId(from_snowflake(row.try_get("account_id")?));
        let cost = Credits(unsigned("cost", row.try_get("cost")?)?);
        apply(tx, account, &answer::refund(cost), now).await?;
    }
    Ok(())
}

#[async_trait]
impl AnswerStore for SqlStore {
    async fn thread_contact(&self, thread: ChannelId) -> Result<Option<ThreadContact>, StoreError> {
        let Some(row) =
            sqlx::query("SELECT account_id, phone FROM reply_threads WHERE thread_id = $1")
                .bind(snowflake(thread.0))
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok(None);
        };
        let account: i64 = row.try_get("account_id")?;
        let phone: String = row.try_get("phone")?;
        let answered = sqlx::query(ANSWERED)
            .bind(account)
            .bind(&phone)
            .fetch_optional(&self.pool)
            .await?;
        Ok(Some(ThreadContact {
            account: AccountId(from_snowflake(account)),
            phone,
            answered_sender: match answered {
                Some(row) => row.try_get("sender")?,
                None => None,
            },
        }))
    }

    async fn save_answer(
        &self,
        account: AccountId,
        thread: ChannelId,
        answer: &Answer,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "INSERT INTO answers (token, account_id, phone, thread_id, sender, body, cost, written_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(answer.token.as_str())
        .bind(snowflake(account.0))
        .bind(answer.to.as_e164())
        .bind(snowflake(thread.0))
        .bind(answer.sender.as_str())
        .bind(answer.body.as_str())
        .bind(i64::try_from(answer.cost.0).map_err(|_| corrupt("cost", answer.cost.0))?)
        .bind(snowflake(answer.written_by.0))
        .bind(micros(now))
        .bind(micros(answer.expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn answer(&self, token: &ConfirmationToken) -> Result<Option<StoredAnswer>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT id, account_id, phone, sender, body, cost, written_by, expires_at, delivery_id \
             FROM answers WHERE token = $1",
        )
        .bind(token.as_str())
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let phone: String = row.try_get("phone")?;
        let sender: String = row.try_get("sender")?;
        let body: String = row.try_get("body")?;
        let delivery: Option<i64> = row.try_get("delivery_id")?;
        Ok(Some(StoredAnswer {
            id: row.try_get("id")?,
            account: AccountId(from_snowflake(row.try_get("account_id")?)),
            answer: Answer {
                token: token.clone(),
                to: PhoneNumber::from_e164(&phone).map_err(|_| corrupt("answer number", &phone))?,
                sender: SenderId::parse(&sender).map_err(|_| corrupt("answer sender", &sender))?,
                body: SmsBody::parse(&body).map_err(|_| corrupt("answer body", body.len()))?,
                cost: Credits(unsigned("cost", row.try_get("cost")?)?),
                written_by: UserId(from_snowflake(row.try_get("written_by")?)),
                expires_at: time(row.try_get("expires_at")?)?,
            },
            confirmed: delivery.is_some(),
        }))
    }

    async fn confirm_answer(
        &self,
        id: i64,
        account: AccountId,
        effects: &[Effect],
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        // Taken first: of two clicks, the second finds it confirmed and writes nothing.
        let taken = sqlx::query(
            "UPDATE answers SET confirmed_at = $1 WHERE id = $2 AND confirmed_at IS NULL \
             RETURNING phone, sender, body",
        )
        .bind(micros(now))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(taken) = taken else {
            return Ok(false);
        };
        let phone: String = taken.try_get("phone")?;
        for effect in effects {
            apply(&mut tx, account, effect, now).await?;
        }
        let answered = sqlx::query(ANSWERED)
            .bind(snowflake(account.0))
            .bind(&phone)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("message this number answered"))?;
        let answered_id: i64 = answered.try_get("id")?;
        let number =
            PhoneNumber::from_e164(&phone).map_err(|_| corrupt("answer number", &phone))?;
        let (region, zone) = Destination::of_number(&number).to_stored();
        let delivery: i64 = sqlx::query_scalar(
            "INSERT INTO deliveries (account_id, campaign_id, version, phone, body, sender, status, due_at, started_at, updated_at, region, zone, window_exempt, is_answer) \
             VALUES ($1, $2, NULL, $3, $4, $5, 'pending', $6, $6, $6, $7, $8, 0, 1) RETURNING id",
        )
        .bind(snowflake(account.0))
        .bind(answered.try_get::<i64, _>("campaign_id")?)
        .bind(&phone)
        .bind(taken.try_get::<String, _>("body")?)
        .bind(taken.try_get::<String, _>("sender")?)
        .bind(micros(now))
        .bind(region)
        .bind(zone)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE answers SET delivery_id = $1 WHERE id = $2")
            .bind(delivery)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE deliveries SET answers = answers + 1 WHERE id = $1")
            .bind(answered_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn claim_answer_updates(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<AnswerUpdate>, StoreError> {
        let lock = match self.engine {
            Engine::Postgres => " FOR UPDATE OF a SKIP LOCKED",
            Engine::Sqlite => "",
        };
        let _turn = self.write_turn().await;
        let claimed = sqlx::query(AssertSqlSafe(format!(
            "UPDATE answers SET claimed_until = $1 WHERE id IN (\
             SELECT a.id FROM answers a JOIN deliveries d ON d.id = a.delivery_id \
             WHERE a.settled = 0 AND a.delivery_id IS NOT NULL \
             AND (a.claimed_until IS NULL OR a.claimed_until <= $2) \
             AND (a.shown IS NULL OR a.shown <> {SHOWN}) ORDER BY a.id LIMIT $3{lock}) \
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
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT a.id, a.account_id, a.thread_id, a.message_id, a.written_by, a.body, a.cost, \
             a.refunded, d.status, d.due_at, d.error, {SHOWN} AS shown \
             FROM answers a JOIN deliveries d ON d.id = a.delivery_id \
             WHERE a.id IN ({}) ORDER BY a.id",
            integer_list(ids)
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let status: String = row.try_get("status")?;
                let message: Option<i64> = row.try_get("message_id")?;
                let refunded: i64 = row.try_get("refunded")?;
                Ok(AnswerUpdate {
                    id: row.try_get("id")?,
                    account: AccountId(from_snowflake(row.try_get("account_id")?)),
                    thread: ChannelId(from_snowflake(row.try_get("thread_id")?)),
                    message: message.map(from_snowflake),
                    written_by: UserId(from_snowflake(row.try_get("written_by")?)),
                    body: row.try_get("body")?,
                    cost: Credits(unsigned("cost", row.try_get("cost")?)?),
                    status: DeliveryStatus::parse(&status)
                        .ok_or_else(|| corrupt("delivery status", &status))?,
                    due_at: time(row.try_get("due_at")?)?,
                    waiting_for_window: false,
                    error: row.try_get("error")?,
                    refunded: refunded != 0,
                    shown: row.try_get("shown")?,
                    claimed_until: lease_until,
                })
            })
            .collect()
    }

    async fn answer_shown(
        &self,
        update: &AnswerUpdate,
        message: Option<u64>,
        _now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "UPDATE answers SET message_id = COALESCE($1, message_id), shown = $2, settled = $3, claimed_until = NULL \
             WHERE id = $4 AND claimed_until = $5",
        )
        .bind(message.map(snowflake))
        .bind(&update.shown)
        .bind(i64::from(update.status.is_final()))
        .bind(update.id)
        .bind(micros(update.claimed_until))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn forget_unconfirmed_answers(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let _turn = self.write_turn().await;
        Ok(
            sqlx::query("DELETE FROM answers WHERE delivery_id IS NULL AND expires_at < $1")
                .bind(micros(before))
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }
}
