//! Per-recipient deliveries: claiming attempts for the gateway and recording what happened.
use crate::domain::window::Destination;
use crate::store::WindowHold;
use crate::store::rows::DELIVERY_COLUMNS;
use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, Row};

use super::effects::Tx;
use super::{SqlStore, integer_list};
use crate::domain::delivery::{
    DeliveryCounts, DeliveryStatus, LEFT_OUT, Message, SkipReason, Step,
};
use crate::domain::effects::TestMessage;
use crate::domain::ids::{AccountId, CampaignId, DeliveryId, ListId};
use crate::domain::personal::{ListColumns, Personaliser};
use crate::domain::results::RecipientResult;
use crate::domain::sender::SenderId;
use crate::domain::short_links::LinkBase;
use crate::domain::sms::SmsBody;
use crate::domain::template::Template;
use crate::store::rows::{corrupt, micros, snowflake, time};
use crate::store::{DeliveryJob, DeliveryRecord, DeliveryStore, Engine, StoreError, rows};

/// Queues one test message (inside the confirming transaction).
pub(super) async fn queue_test(
    tx: &mut Tx,
    m: &TestMessage,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (region, zone) = Destination::of_number(&m.to).to_stored();
    sqlx::query(
        "INSERT INTO deliveries (account_id, campaign_id, version, phone, body, sender, status, due_at, started_at, updated_at, region, zone, window_exempt) \
         VALUES ($1, $2, NULL, $3, $4, $5, 'pending', $6, $6, $6, $7, $8, $9)",
    )
    .bind(snowflake(m.account.0))
    .bind(m.campaign.0)
    .bind(m.to.as_e164())
    .bind(m.body.as_str())
    .bind(m.sender.as_str())
    .bind(micros(now))
    .bind(region)
    .bind(zone)
    .bind(i64::from(m.outside_window))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One message per recipient of the list, in list order; numbers on the account's opt-out
/// list at this moment are recorded as skipped, never sent.
pub(super) async fn queue_version(
    tx: &mut Tx,
    account: AccountId,
    campaign: CampaignId,
    version: u32,
    list: ListId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO deliveries (account_id, campaign_id, version, phone, status, due_at, started_at, updated_at, region, zone, fields) \
         SELECT $1, $2, $3, r.phone, CASE WHEN o.phone IS NULL THEN 'pending' ELSE 'skipped' END, $4, $4, $4, r.region, r.zone, r.fields \
         FROM recipients r LEFT JOIN opt_outs o ON o.account_id = $1 AND o.phone = r.phone \
         WHERE r.list_id = $5 ORDER BY r.position",
    )
    .bind(snowflake(account.0))
    .bind(campaign.0)
    .bind(i64::from(version))
    .bind(micros(now))
    .bind(list.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn stop_version(
    tx: &mut Tx,
    campaign: CampaignId,
    version: u32,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE deliveries SET status = 'stopped', updated_at = $1 \
         WHERE campaign_id = $2 AND version = $3 AND status IN ('pending', 'retrying')",
    )
    .bind(micros(now))
    .bind(campaign.0)
    .bind(i64::from(version))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What a version sends, read once per claim: one text for all, or a template rendered per
/// recipient from the values its messages carry.
#[derive(Clone)]
struct VersionText {
    text: Text,
    /// Where its links are shortened to, per message.
    short_links: Option<Arc<LinkBase>>,
}

#[derive(Clone)]
enum Text {
    Plain(Option<Arc<Message>>),
    Personal(Arc<Personaliser>, SenderId),
    /// Stored text that no longer reads: each message fails.
    Unreadable,
}

/// A stored text and sender, read back through the domain types; `None` (logged) if either no
/// longer parses.
fn message(body: &str, sender: &str) -> Option<Arc<Message>> {
    match (SmsBody::parse(body), SenderId::parse(sender)) {
        (Ok(body), Ok(sender)) => Some(Arc::new(Message { body, sender })),
        (body, sender) => {
            tracing::error!(text_error = ?body.err(), sender_error = ?sender.err(), "a stored message can't be read back");
            None
        }
    }
}

impl SqlStore {
    async fn version_text(&self, campaign: i64, version: i64) -> Result<VersionText, StoreError> {
        let row = sqlx::query(
            "SELECT s.body, s.sender, s.personalised, s.link_base, l.columns FROM submissions s \
             JOIN recipient_lists l ON l.id = s.list_id WHERE s.campaign_id = $1 AND s.version = $2",
        )
        .bind(campaign)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("submission"))?;
        let body: String = row.try_get("body")?;
        let sender: String = row.try_get("sender")?;
        let personalised: i64 = row.try_get("personalised")?;
        let link_base: Option<String> = row.try_get("link_base")?;
        let short_links = match link_base.as_deref().map(LinkBase::parse) {
            Some(Ok(base)) => Some(Arc::new(base)),
            Some(Err(_)) => {
                tracing::error!(
                    campaign,
                    version,
                    "a stored short-link address can't be read back: links go as written"
                );
                None
            }
            None => None,
        };
        let text = |text| VersionText { text, short_links };
        if personalised == 0 {
            return Ok(text(Text::Plain(message(&body, &sender))));
        }
        let columns: Option<String> = row.try_get("columns")?;
        let personaliser = Template::parse(&body).ok().and_then(|template| {
            let columns = ListColumns::from_stored(columns.as_deref())?;
            Personaliser::new(template, &columns).ok()
        });
        Ok(text(match (personaliser, SenderId::parse(&sender)) {
            (Some(p), Ok(sender)) => Text::Personal(Arc::new(p), sender),
            _ => {
                tracing::error!(campaign, version, "a stored template can't be read back");
                Text::Unreadable
            }
        }))
    }

    /// A version's messages, or with `None` the campaign's test messages.
    pub(super) async fn list_deliveries(
        &self,
        campaign: i64,
        version: Option<u32>,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let which = match version {
            Some(_) => "version = $2",
            None => "version IS NULL AND is_answer = 0 AND $2 IS NULL",
        };
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE campaign_id = $1 AND {which} ORDER BY id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(campaign)
            .bind(version.map(i64::from))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::delivery_record).collect()
    }
}

#[async_trait]
impl DeliveryStore for SqlStore {
    /// Claims due attempts: each comes back as `submitted` with its attempt counted, committed
    /// before anything reaches the gateway, and waits there until `lease_until`.
    async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DeliveryJob>, StoreError> {
        let lock = match self.engine {
            Engine::Postgres => " FOR UPDATE SKIP LOCKED",
            Engine::Sqlite => "",
        };
        // One status per statement, so each reads its own range of the (status, due_at) index in
        // order: retries first, then first attempts.
        let mut rows = Vec::new();
        for status in ["retrying", "pending"] {
            let left = i64::from(limit) - rows.len() as i64;
            if left <= 0 {
                break;
            }
            let sql = format!(
                "UPDATE deliveries SET status = 'submitted', attempt = attempt + 1, acknowledged = 0, due_at = $1, updated_at = $2, \
                 first_submitted_at = COALESCE(first_submitted_at, $2) \
                 WHERE id IN (SELECT id FROM deliveries WHERE status = '{status}' AND due_at <= $2 \
                 ORDER BY due_at LIMIT $3{lock}) \
                 RETURNING id, campaign_id, version, phone, body, sender, attempt, started_at, account_id, region, zone, window_exempt, is_answer, fields"
            );
            let _turn = self.write_turn().await;
            rows.extend(
                sqlx::query(AssertSqlSafe(sql))
                    .bind(micros(lease_until))
                    .bind(micros(now))
                    .bind(left)
                    .fetch_all(&self.pool)
                    .await?,
            );
        }
        // A campaign's messages carry no text of their own: it is their version's, read and
        // parsed once per version here, and shared.
        let mut versions: HashMap<(i64, i64), VersionText> = HashMap::new();
        let mut jobs = Vec::with_capacity(rows.len());
        for row in &rows {
            let campaign: i64 = row.try_get("campaign_id")?;
            let version: Option<i64> = row.try_get("version")?;
            let body: Option<String> = row.try_get("body")?;
            let sender: Option<String> = row.try_get("sender")?;
            let text = match (body, sender, version) {
                (Some(body), Some(sender), _) => VersionText {
                    text: Text::Plain(message(&body, &sender)),
                    short_links: None,
                },
                (_, _, Some(version)) => match versions.get(&(campaign, version)) {
                    Some(text) => text.clone(),
                    None => {
                        let text = self.version_text(campaign, version).await?;
                        versions.insert((campaign, version), text.clone());
                        text
                    }
                },
                // A test or an answer without its text (an answer whose number was erased while
                // it was with the gateway): that message fails, not the whole claim.
                _ => {
                    tracing::error!(campaign, "a message without text was claimed");
                    VersionText {
                        text: Text::Unreadable,
                        short_links: None,
                    }
                }
            };
            let (message, left_out) = match text.text {
                Text::Plain(message) => (message, false),
                Text::Unreadable => (None, false),
                Text::Personal(personaliser, sender) => {
                    let fields: Option<String> = row.try_get("fields")?;
                    match personaliser.render(fields.as_deref()) {
                        Ok(body) => (Some(Arc::new(Message { body, sender })), false),
                        Err(_) => (None, true),
                    }
                }
            };
            jobs.push(DeliveryJob {
                id: DeliveryId(row.try_get("id")?),
                attempt: rows::attempt_of(row)?,
                phone: row.try_get("phone")?,
                message,
                short_links: text.short_links,
                left_out,
                started_at: time(row.try_get("started_at")?)?,
                window: rows::window_of(row)?,
                claimed_at: now,
            });
        }
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    async fn skip_deliveries(
        &self,
        ids: &[DeliveryId],
        reason: SkipReason,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        for chunk in ids.chunks(500) {
            let ids = integer_list(chunk.iter().map(|id| id.0));
            sqlx::query(AssertSqlSafe(format!(
                "UPDATE deliveries SET status = 'skipped', attempt = attempt - 1, \
                 first_submitted_at = CASE WHEN attempt <= 1 THEN NULL ELSE first_submitted_at END, \
                 error = $2, updated_at = $1 \
                 WHERE id IN ({ids}) AND status = 'submitted'"
            )))
            .bind(micros(now))
            .bind(reason.as_stored())
            .execute(&mut *tx)
            .await?;
            super::answers::refund_unsent(&mut tx, &ids, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Claimed attempts go back to waiting (their attempt uncounted) or end as not sent, in one
    /// statement per opening: a campaign started at night holds all its messages in a few.
    async fn hold_deliveries(
        &self,
        holds: &[WindowHold],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut by_opening: HashMap<(Option<DateTime<Utc>>, bool), Vec<i64>> = HashMap::new();
        for hold in holds {
            by_opening
                .entry((hold.until, hold.restart))
                .or_default()
                .push(hold.id.0);
        }
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        for ((until, restart), ids) in by_opening {
            for chunk in ids.chunks(500) {
                let ids = integer_list(chunk.iter().copied());
                let query = match until {
                    Some(until) => sqlx::query(AssertSqlSafe(format!(
                        "UPDATE deliveries SET status = CASE WHEN attempt <= 1 THEN 'pending' ELSE 'retrying' END, \
                         attempt = attempt - 1, due_at = $1, started_at = CASE WHEN $2 = 1 THEN $1 ELSE started_at END, \
                         first_submitted_at = CASE WHEN attempt <= 1 THEN NULL ELSE first_submitted_at END, \
                         updated_at = $3 WHERE id IN ({ids}) AND status = 'submitted'"
                    )))
                    .bind(micros(until))
                    .bind(i64::from(restart)),
                    None => sqlx::query(AssertSqlSafe(format!(
                        "UPDATE deliveries SET status = 'outside_hours', attempt = attempt - 1, \
                         first_submitted_at = CASE WHEN attempt <= 1 THEN NULL ELSE first_submitted_at END, \
                         error = 'the sending window stayed closed until the retry window ended', \
                         updated_at = $1 WHERE id IN ({ids}) AND status = 'submitted'"
                    ))),
                };
                // `now` is the last placeholder of both.
                query.bind(micros(now)).execute(&mut *tx).await?;
                if until.is_none() {
                    super::answers::refund_unsent(&mut tx, &ids, now).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn unsent_by_destination(
        &self,
        campaign: CampaignId,
        version: u32,
    ) -> Result<Vec<(Option<Destination>, u64)>, StoreError> {
        sqlx::query(
            "SELECT region, zone, COUNT(*) AS n FROM deliveries \
             WHERE campaign_id = $1 AND version = $2 AND status IN ('pending', 'retrying') \
             GROUP BY region, zone",
        )
        .bind(campaign.0)
        .bind(i64::from(version))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok((
                rows::destination(r)?,
                rows::unsigned("count", r.try_get("n")?)?,
            ))
        })
        .collect()
    }

    async fn delivery(&self, id: DeliveryId) -> Result<Option<DeliveryRecord>, StoreError> {
        let sql = format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| rows::delivery_record(&r)).transpose()
    }

    async fn overdue_submissions(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries \
             WHERE status = 'submitted' AND due_at <= $1 ORDER BY due_at LIMIT $2"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(micros(now))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::delivery_record).collect()
    }

    /// Moves a delivery on, if it is still in the status and attempt the step was computed from.
    async fn update_delivery(
        &self,
        id: DeliveryId,
        from: (DeliveryStatus, u32),
        step: &Step,
        acknowledged: bool,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let done = sqlx::query(
            "UPDATE deliveries SET status = $1, due_at = COALESCE($2, due_at), acknowledged = $3, \
             error = COALESCE($4, error), updated_at = $5 WHERE id = $6 AND status = $7 AND attempt = $8",
        )
        .bind(step.status.as_str())
        .bind(step.due_at.map(micros))
        .bind(i64::from(acknowledged))
        .bind(step.error.clone())
        .bind(micros(now))
        .bind(id.0)
        .bind(from.0.as_str())
        .bind(i64::from(from.1))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn recipient_results(
        &self,
        campaign: CampaignId,
        version: u32,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<(i64, RecipientResult)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, phone, fields, status, error, attempt, first_submitted_at, updated_at, clicks, replies, answers FROM deliveries \
             WHERE campaign_id = $1 AND version = $2 AND id > $3 ORDER BY id LIMIT $4",
        )
        .bind(campaign.0)
        .bind(i64::from(version))
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let status = rows::status_of(r)?;
                let error: Option<String> = r.try_get("error")?;
                let first: Option<i64> = r.try_get("first_submitted_at")?;
                let clicks: i64 = r.try_get("clicks")?;
                let replies: i64 = r.try_get("replies")?;
                let answers: i64 = r.try_get("answers")?;
                let result = RecipientResult {
                    answers: u64::try_from(answers).map_err(|_| corrupt("answers", answers))?,
                    replies: u64::try_from(replies).map_err(|_| corrupt("replies", replies))?,
                    clicks: u64::try_from(clicks).map_err(|_| corrupt("clicks", clicks))?,
                    phone: r.try_get("phone")?,
                    fields: r.try_get("fields")?,
                    status,
                    left_out: error.as_deref() == Some(LEFT_OUT),
                    error,
                    attempts: rows::attempt_of(r)?,
                    first_submitted_at: first.map(time).transpose()?,
                    finished_at: status
                        .is_final()
                        .then(|| time(r.try_get("updated_at")?))
                        .transpose()?,
                };
                Ok((r.try_get("id")?, result))
            })
            .collect()
    }

    async fn unsent_fields(
        &self,
        campaign: CampaignId,
        version: u32,
    ) -> Result<Vec<Option<String>>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT fields FROM deliveries WHERE campaign_id = $1 AND version = $2 \
             AND status IN ('skipped', 'stopped', 'outside_hours') AND (error IS NULL OR error <> $3)",
        )
        .bind(campaign.0)
        .bind(i64::from(version))
        .bind(LEFT_OUT)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn delivery_counts(
        &self,
        campaign: CampaignId,
        version: u32,
    ) -> Result<DeliveryCounts, StoreError> {
        let rows = sqlx::query(
            "SELECT status, CASE WHEN error = $3 THEN 1 ELSE 0 END AS left_out, COUNT(*) AS n, \
             MIN(due_at) AS next_due FROM deliveries \
             WHERE campaign_id = $1 AND version = $2 GROUP BY status, left_out",
        )
        .bind(campaign.0)
        .bind(i64::from(version))
        .bind(LEFT_OUT)
        .fetch_all(&self.pool)
        .await?;
        let mut counts = DeliveryCounts::default();
        for row in &rows {
            let status = rows::status_of(row)?;
            let n: i64 = row.try_get("n")?;
            let n = u64::try_from(n).map_err(|_| corrupt("count", n))?;
            counts.add(status, n);
            let left_out: i64 = row.try_get("left_out")?;
            if status == DeliveryStatus::Skipped && left_out == 1 {
                counts.left_out += n;
            }
            if status == DeliveryStatus::Retrying {
                counts.next_retry = Some(time(row.try_get("next_due")?)?);
            }
        }
        Ok(counts)
    }

    async fn test_deliveries(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        self.list_deliveries(campaign.0, None).await
    }

    async fn deliveries_of(
        &self,
        campaign: CampaignId,
        version: u32,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        self.list_deliveries(campaign.0, Some(version)).await
    }

    async fn server_key(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        {
            let _turn = self.write_turn().await;
            sqlx::query(
                "INSERT INTO server_keys (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(candidate)
            .execute(&self.pool)
            .await?;
        }
        Ok(
            sqlx::query_scalar("SELECT value FROM server_keys WHERE name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
