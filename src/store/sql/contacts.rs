//! Erasing a number from what an account keeps.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::SqlStore;
use super::effects::insert_audit;
use crate::domain::delivery::DeliveryStatus;
use crate::domain::effects::AuditAction;
use crate::domain::effects::AuditEntry;
use crate::domain::ids::AccountId;
use crate::domain::personal::ListColumns;
use crate::domain::phone::PhoneNumber;
use crate::store::StoreError;
use crate::store::contacts::{
    ContactAnswer, ContactAudit, ContactData, ContactEntry, ContactMessage, ContactReply,
    ContactStore, Erased, FieldValue, ListUse, MessageKind,
};
use crate::store::rows::{corrupt, micros, snowflake, time, unsigned};
use sqlx::Row;

/// Stored values paired with their list's column names.
fn named_values(columns: Option<&str>, fields: Option<&str>) -> Vec<FieldValue> {
    ListColumns::from_stored(columns)
        .map(|c| {
            c.named_values(fields)
                .into_iter()
                .map(|(name, value)| FieldValue {
                    name: name.to_owned(),
                    value: value.to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// What an erased message's number becomes: not a number, so nothing can send to it.
pub const ERASED: &str = "erased";

#[async_trait]
impl ContactStore for SqlStore {
    async fn contact_data(
        &self,
        account: AccountId,
        phone: &PhoneNumber,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> Result<ContactData, StoreError> {
        let (account, phone) = (snowflake(account.0), phone.as_e164());
        let mut data = ContactData::default();
        // A list can be an audience, a draft's and several versions' at once: one entry each.
        let rows = sqlx::query(
            "SELECT r.list_id, r.fields, l.columns, a.name AS audience, dc.name AS draft_of, \
             vc.name AS version_of, s.version \
             FROM recipients r JOIN recipient_lists l ON l.id = r.list_id \
             LEFT JOIN audiences a ON a.list_id = r.list_id \
             LEFT JOIN campaigns dc ON dc.draft_list_id = r.list_id \
             LEFT JOIN submissions s ON s.list_id = r.list_id \
             LEFT JOIN campaigns vc ON vc.id = s.campaign_id \
             WHERE l.account_id = $1 AND r.phone = $2 ORDER BY r.list_id, r.position",
        )
        .bind(account)
        .bind(phone)
        .fetch_all(&self.pool)
        .await?;
        let mut last: Option<(i64, Option<String>)> = None;
        for row in &rows {
            let list: i64 = row.try_get("list_id")?;
            let fields: Option<String> = row.try_get("fields")?;
            if last.as_ref() != Some(&(list, fields.clone())) {
                let columns: Option<String> = row.try_get("columns")?;
                let values = named_values(columns.as_deref(), fields.as_deref());
                data.entries.push(ContactEntry {
                    kept_in: Vec::new(),
                    values,
                });
                last = Some((list, fields));
            }
            let entry = data.entries.last_mut().expect("pushed above");
            let mut uses = Vec::new();
            if let Some(name) = row.try_get::<Option<String>, _>("audience")? {
                uses.push(ListUse::Audience { name });
            }
            if let Some(campaign) = row.try_get::<Option<String>, _>("draft_of")? {
                uses.push(ListUse::Draft { campaign });
            }
            if let (Some(campaign), Some(version)) = (
                row.try_get::<Option<String>, _>("version_of")?,
                row.try_get::<Option<i64>, _>("version")?,
            ) {
                let version = u32::try_from(version).map_err(|_| corrupt("version", version))?;
                uses.push(ListUse::Version { campaign, version });
            }
            for used in uses {
                if !entry.kept_in.contains(&used) {
                    entry.kept_in.push(used);
                }
            }
        }
        let rows = sqlx::query(
            "SELECT c.name, d.version, d.is_answer, d.status, d.error, d.first_submitted_at, \
             d.updated_at, d.clicks, d.fields, l.columns \
             FROM deliveries d JOIN campaigns c ON c.id = d.campaign_id \
             LEFT JOIN submissions s ON s.campaign_id = d.campaign_id AND s.version = d.version \
             LEFT JOIN recipient_lists l ON l.id = s.list_id \
             WHERE d.account_id = $1 AND d.phone = $2 ORDER BY d.id",
        )
        .bind(account)
        .bind(phone)
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let version: Option<i64> = row.try_get("version")?;
            let is_answer: i64 = row.try_get("is_answer")?;
            let status: String = row.try_get("status")?;
            let first: Option<i64> = row.try_get("first_submitted_at")?;
            data.messages.push(ContactMessage {
                campaign: row.try_get("name")?,
                version: version
                    .map(|v| u32::try_from(v).map_err(|_| corrupt("version", v)))
                    .transpose()?,
                kind: match (version, is_answer) {
                    (Some(_), _) => MessageKind::Campaign,
                    (None, 0) => MessageKind::Test,
                    (None, _) => MessageKind::Answer,
                },
                status: DeliveryStatus::parse(&status)
                    .ok_or_else(|| corrupt("delivery status", &status))?,
                reason: row.try_get("error")?,
                first_submitted_at: first.map(time).transpose()?,
                last_change_at: time(row.try_get("updated_at")?)?,
                clicks: unsigned("clicks", row.try_get("clicks")?)?,
                values: named_values(
                    row.try_get::<Option<String>, _>("columns")?.as_deref(),
                    row.try_get::<Option<String>, _>("fields")?.as_deref(),
                ),
            });
        }
        let rows = sqlx::query(
            "SELECT body, received_at, opted_out FROM phone_replies \
             WHERE account_id = $1 AND phone = $2 ORDER BY id",
        )
        .bind(account)
        .bind(phone)
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let opted_out: i64 = row.try_get("opted_out")?;
            data.replies.push(ContactReply {
                text: row.try_get("body")?,
                received_at: time(row.try_get("received_at")?)?,
                opted_out: opted_out != 0,
            });
        }
        let rows = sqlx::query(
            "SELECT body, created_at, confirmed_at FROM answers \
             WHERE account_id = $1 AND phone = $2 ORDER BY id",
        )
        .bind(account)
        .bind(phone)
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            data.answers.push(ContactAnswer {
                text: row.try_get("body")?,
                written_at: time(row.try_get("created_at")?)?,
                confirmed: row.try_get::<Option<i64>, _>("confirmed_at")?.is_some(),
            });
        }
        let rows = sqlx::query(
            "SELECT action, detail, created_at FROM audit_log \
             WHERE account_id = $1 AND detail LIKE '%' || $2 || '%' ORDER BY id",
        )
        .bind(account)
        .bind(phone)
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let action: String = row.try_get("action")?;
            data.audit.push(ContactAudit {
                action: AuditAction::parse(&action)
                    .ok_or_else(|| corrupt("audit action", &action))?,
                detail: row.try_get("detail")?,
                at: time(row.try_get("created_at")?)?,
            });
        }
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        insert_audit(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(data)
    }

    async fn erase_contact(
        &self,
        account: AccountId,
        phone: &PhoneNumber,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> Result<Erased, StoreError> {
        let (account, phone) = (snowflake(account.0), phone.as_e164());
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let list_entries = sqlx::query(
            "DELETE FROM recipients WHERE phone = $1 AND list_id IN \
             (SELECT id FROM recipient_lists WHERE account_id = $2)",
        )
        .bind(phone)
        .bind(account)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let mut erased = Erased {
            list_entries,
            ..Erased::default()
        };
        if erased.list_entries > 0 {
            // Audiences and drafts show how many numbers they hold: one fewer now. Confirmed
            // versions keep the count they were sent with, an anonymous figure.
            sqlx::query(
                "UPDATE audiences SET recipients = \
                 (SELECT COUNT(*) FROM recipients r WHERE r.list_id = audiences.list_id) \
                 WHERE account_id = $1",
            )
            .bind(account)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE campaigns SET draft_list_count = \
                 (SELECT COUNT(*) FROM recipients r WHERE r.list_id = campaigns.draft_list_id) \
                 WHERE account_id = $1 AND draft_list_id IS NOT NULL",
            )
            .bind(account)
            .execute(&mut *tx)
            .await?;
        }
        erased.links = sqlx::query(
            "DELETE FROM short_links WHERE delivery_id IN \
             (SELECT id FROM deliveries WHERE account_id = $2 AND phone = $1)",
        )
        .bind(phone)
        .bind(account)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Not sent yet: never sent (counted as not sent, as for an opt-out, and refunded).
        erased.unsent = sqlx::query(
            "UPDATE deliveries SET status = 'skipped', error = 'erased', updated_at = $3 \
             WHERE account_id = $2 AND phone = $1 AND status IN ('pending', 'retrying')",
        )
        .bind(phone)
        .bind(account)
        .bind(micros(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        erased.messages = sqlx::query(
            "UPDATE deliveries SET phone = $3, fields = NULL, \
             body = CASE WHEN is_answer = 1 THEN NULL ELSE body END \
             WHERE account_id = $2 AND phone = $1",
        )
        .bind(phone)
        .bind(account)
        .bind(ERASED)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        erased.replies =
            sqlx::query("DELETE FROM phone_replies WHERE account_id = $2 AND phone = $1")
                .bind(phone)
                .bind(account)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        // Answers that were waiting are not sent now: their cost comes back.
        let answered: Vec<i64> = sqlx::query_scalar(
            "SELECT delivery_id FROM answers \
             WHERE account_id = $1 AND phone = $2 AND delivery_id IS NOT NULL",
        )
        .bind(account)
        .bind(phone)
        .fetch_all(&mut *tx)
        .await?;
        for chunk in answered.chunks(500) {
            let ids = super::integer_list(chunk.iter().copied());
            super::answers::refund_unsent(&mut tx, &ids, now).await?;
        }
        // The team's answers, confirmed or not: their text was written to that person.
        erased.answers = sqlx::query("DELETE FROM answers WHERE account_id = $2 AND phone = $1")
            .bind(phone)
            .bind(account)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM reply_threads WHERE account_id = $2 AND phone = $1")
            .bind(phone)
            .bind(account)
            .execute(&mut *tx)
            .await?;
        erased.audit_entries = sqlx::query(
            "UPDATE audit_log SET detail = REPLACE(detail, $1, '[erased]') \
             WHERE account_id = $2 AND detail LIKE '%' || $1 || '%'",
        )
        .bind(phone)
        .bind(account)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let kept: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM opt_outs WHERE account_id = $2 AND phone = $1")
                .bind(phone)
                .bind(account)
                .fetch_optional(&mut *tx)
                .await?;
        erased.kept_on_opt_out_list = kept.is_some();
        insert_audit(&mut tx, audit, now).await?;
        tx.commit().await?;
        Ok(erased)
    }
}
