//! Erasing a number from what an account keeps.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::SqlStore;
use super::effects::insert_audit;
use crate::domain::effects::AuditEntry;
use crate::domain::ids::AccountId;
use crate::domain::phone::PhoneNumber;
use crate::store::StoreError;
use crate::store::contacts::{ContactStore, Erased};
use crate::store::rows::{micros, snowflake};

/// What an erased message's number becomes: not a number, so nothing can send to it.
pub const ERASED: &str = "erased";

#[async_trait]
impl ContactStore for SqlStore {
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
            "UPDATE deliveries SET phone = $3, fields = NULL WHERE account_id = $2 AND phone = $1",
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
