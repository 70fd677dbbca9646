//! Recipient lists: written in multi-row batches, read back in file order.
use std::collections::HashSet;
use std::fmt::Write;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, Row};

use super::SqlStore;
use super::effects;
use crate::domain::effects::{Actor, AuditEntry, Effect};
use crate::domain::ids::{AccountId, ListId};
use crate::domain::opt_out::{OptOutEntry, OptOutReason};
use crate::domain::personal::ListColumns;
use crate::domain::phone::PhoneNumber;
use crate::domain::recipients::Recipient;
use crate::domain::window::Destination;
use crate::store::rows::{from_snowflake, micros, signed, snowflake};
use crate::store::{Engine, RecipientStore, RecipientValues, StoreError, rows};

/// Rows per INSERT: 8 parameters each stays well under both engines' parameter limits, and one
/// statement text per batch size keeps the prepared-statement cache small.
const ROWS_PER_INSERT: usize = 1000;

/// The multi-row INSERT for `rows` recipients. SQLite gets anonymous `?` placeholders: sqlx
/// finds the argument of each numbered `$n` through `sqlite3_bind_parameter_name`, a linear scan
/// of the statement's parameter names, which made binding 5,000 of them quadratic (the import
/// spent 85% of its time there). `?` placeholders bind in order, by position.
fn insert_sql(rows: usize, engine: Engine) -> String {
    let mut sql = String::with_capacity(80 + rows * 32);
    sql.push_str(
        "INSERT INTO recipients (list_id, position, phone, name, line, region, zone, fields) VALUES ",
    );
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        match engine {
            Engine::Sqlite => sql.push_str("(?,?,?,?,?,?,?,?)"),
            Engine::Postgres => {
                let p = r * 8;
                sql.push('(');
                for column in 1..=8 {
                    let _ = write!(sql, "{}${}", if column > 1 { "," } else { "" }, p + column);
                }
                sql.push(')');
            }
        }
    }
    sql
}

#[async_trait]
impl RecipientStore for SqlStore {
    async fn new_recipient_list(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
    ) -> Result<ListId, StoreError> {
        let _turn = self.write_turn().await;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO recipient_lists (account_id, created_at) VALUES ($1, $2) RETURNING id",
        )
        .bind(snowflake(account.0))
        .bind(micros(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(ListId(id))
    }

    async fn append_recipients(
        &self,
        list: ListId,
        first_position: u64,
        batch: &[Recipient],
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let mut position = signed(first_position);
        for chunk in batch.chunks(ROWS_PER_INSERT) {
            // Built from constants only: the values all go through bind parameters.
            let mut query = sqlx::query(AssertSqlSafe(insert_sql(chunk.len(), self.engine)));
            for r in chunk {
                let (region, zone) = r.destination.to_stored();
                query = query
                    .bind(list.0)
                    .bind(position)
                    .bind(r.phone.as_e164())
                    .bind(r.name.as_deref())
                    .bind(signed(r.line))
                    .bind(region)
                    .bind(zone)
                    .bind(r.fields.as_deref());
                position += 1;
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn set_list_destinations(
        &self,
        list: ListId,
        counts: &[(Destination, u64)],
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM list_destinations WHERE list_id = $1")
            .bind(list.0)
            .execute(&mut *tx)
            .await?;
        for (destination, n) in counts.iter().filter(|(_, n)| *n > 0) {
            let (region, zone) = destination.to_stored();
            sqlx::query(
                "INSERT INTO list_destinations (list_id, region, zone, recipients) VALUES ($1, $2, $3, $4)",
            )
            .bind(list.0)
            .bind(region)
            .bind(zone.unwrap_or_default())
            .bind(signed(*n))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn list_destinations(
        &self,
        list: ListId,
    ) -> Result<Option<Vec<(Destination, u64)>>, StoreError> {
        let counted: Vec<(Destination, u64)> = sqlx::query(
            "SELECT region, zone, recipients FROM list_destinations WHERE list_id = $1 \
             ORDER BY recipients DESC, region, zone",
        )
        .bind(list.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(rows::list_destination)
        .collect::<Result<_, _>>()?;
        if !counted.is_empty() {
            return Ok(Some(counted));
        }
        // Lists imported before destinations were counted have recipients and no counts.
        let any: Option<i64> =
            sqlx::query_scalar("SELECT position FROM recipients WHERE list_id = $1 LIMIT 1")
                .bind(list.0)
                .fetch_optional(&self.pool)
                .await?;
        Ok(any.is_none().then(Vec::new))
    }

    async fn set_list_columns(
        &self,
        list: ListId,
        columns: &ListColumns,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query("UPDATE recipient_lists SET columns = $1 WHERE id = $2")
            .bind(columns.to_stored())
            .bind(list.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn settle_bulk_write(&self) -> Result<(), StoreError> {
        if self.engine == Engine::Sqlite {
            sqlx::raw_sql("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    async fn list_columns(&self, list: ListId) -> Result<ListColumns, StoreError> {
        let stored: Option<Option<String>> =
            sqlx::query_scalar("SELECT columns FROM recipient_lists WHERE id = $1")
                .bind(list.0)
                .fetch_optional(&self.pool)
                .await?;
        let stored = stored.ok_or(StoreError::NotFound("recipient list"))?;
        ListColumns::from_stored(stored.as_deref())
            .ok_or_else(|| rows::corrupt("list columns", stored.unwrap_or_default()))
    }

    async fn set_list_origin(&self, list: ListId, origin: &str) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query("UPDATE recipient_lists SET report = $1 WHERE id = $2")
            .bind(origin)
            .bind(list.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn list_origin(&self, list: ListId) -> Result<Option<String>, StoreError> {
        let stored: Option<Option<String>> =
            sqlx::query_scalar("SELECT report FROM recipient_lists WHERE id = $1")
                .bind(list.0)
                .fetch_optional(&self.pool)
                .await?;
        Ok(stored.flatten())
    }

    async fn recipient_values(
        &self,
        list: ListId,
        after_position: i64,
        limit: u32,
    ) -> Result<Vec<RecipientValues>, StoreError> {
        let rows = sqlx::query(
            "SELECT position, phone, line, fields FROM recipients WHERE list_id = $1 AND position > $2 \
             ORDER BY position LIMIT $3",
        )
        .bind(list.0)
        .bind(after_position)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RecipientValues {
                    position: r.try_get("position")?,
                    phone: r.try_get("phone")?,
                    line: rows::unsigned("line", r.try_get("line")?)?,
                    fields: r.try_get("fields")?,
                })
            })
            .collect()
    }

    async fn drop_recipient_list(&self, list: ListId) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        for table in ["list_destinations", "recipients"] {
            sqlx::query(AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE list_id = $1"
            )))
            .bind(list.0)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM recipient_lists WHERE id = $1")
            .bind(list.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn prune_recipient_lists(
        &self,
        created_before: chrono::DateTime<chrono::Utc>,
    ) -> Result<u64, StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let unused: Vec<i64> = sqlx::query_scalar(
            "SELECT l.id FROM recipient_lists l WHERE l.created_at < $1 \
             AND NOT EXISTS (SELECT 1 FROM campaigns c WHERE c.draft_list_id = l.id) \
             AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.list_id = l.id) \
             AND NOT EXISTS (SELECT 1 FROM audiences a WHERE a.list_id = l.id)",
        )
        .bind(crate::store::rows::micros(created_before))
        .fetch_all(&mut *tx)
        .await?;
        for id in &unused {
            for table in ["list_destinations", "recipients"] {
                sqlx::query(AssertSqlSafe(format!(
                    "DELETE FROM {table} WHERE list_id = $1"
                )))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("DELETE FROM recipient_lists WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(unused.len() as u64)
    }

    async fn recipients(
        &self,
        list: ListId,
        after_position: i64,
        limit: u32,
    ) -> Result<Vec<(i64, Recipient)>, StoreError> {
        let rows = sqlx::query(
            "SELECT position, phone, name, line, region, zone, fields FROM recipients WHERE list_id = $1 AND position > $2 ORDER BY position LIMIT $3",
        )
        .bind(list.0)
        .bind(after_position)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::positioned_recipient).collect()
    }

    async fn opted_out(&self, account: AccountId) -> Result<HashSet<String>, StoreError> {
        let phones: Vec<String> =
            sqlx::query_scalar("SELECT phone FROM opt_outs WHERE account_id = $1")
                .bind(snowflake(account.0))
                .fetch_all(&self.pool)
                .await?;
        Ok(phones.into_iter().collect())
    }

    async fn opt_out_count(&self, account: AccountId) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM opt_outs WHERE account_id = $1")
            .bind(snowflake(account.0))
            .fetch_one(&self.pool)
            .await?;
        rows::unsigned("count", n)
    }

    async fn opted_out_among(
        &self,
        account: AccountId,
        phones: &[&str],
    ) -> Result<HashSet<String>, StoreError> {
        let mut found = HashSet::new();
        for chunk in phones.chunks(500) {
            let placeholders = (0..chunk.len())
                .map(|i| format!("${}", i + 2))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT phone FROM opt_outs WHERE account_id = $1 AND phone IN ({placeholders})"
            );
            let mut query =
                sqlx::query_scalar::<_, String>(AssertSqlSafe(sql)).bind(snowflake(account.0));
            for phone in chunk {
                query = query.bind(*phone);
            }
            found.extend(query.fetch_all(&self.pool).await?);
        }
        Ok(found)
    }

    async fn add_opt_out(
        &self,
        account: AccountId,
        phone: &PhoneNumber,
        reason: OptOutReason,
        by: Option<&Actor>,
        audit: Option<&AuditEntry>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO opt_outs (account_id, phone, created_at, reason, added_by) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (account_id, phone) DO UPDATE SET reason = excluded.reason, added_by = excluded.added_by, created_at = excluded.created_at \
             WHERE excluded.reason = 'stop' AND opt_outs.reason <> 'stop'",
        )
        .bind(snowflake(account.0))
        .bind(phone.as_e164())
        .bind(micros(now))
        .bind(reason.as_str())
        .bind(by.map(rows::actor_column))
        .execute(&mut *tx)
        .await?;
        if let Some(audit) = audit {
            effects::apply(&mut tx, account, &Effect::Audit(audit.clone()), now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn add_opt_outs(
        &self,
        account: AccountId,
        phones: &[PhoneNumber],
        reason: OptOutReason,
        by: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let by = rows::actor_column(by);
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        // Five values a row: 500 rows stay under every engine's limit on bound values.
        for chunk in phones.chunks(500) {
            let mut sql = String::from(
                "INSERT INTO opt_outs (account_id, phone, created_at, reason, added_by) VALUES ",
            );
            for i in 0..chunk.len() {
                let at = i * 5;
                let comma = if i == 0 { "" } else { ", " };
                let _ = write!(
                    sql,
                    "{comma}(${}, ${}, ${}, ${}, ${})",
                    at + 1,
                    at + 2,
                    at + 3,
                    at + 4,
                    at + 5
                );
            }
            sql.push_str(" ON CONFLICT (account_id, phone) DO NOTHING");
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for phone in chunk {
                query = query
                    .bind(snowflake(account.0))
                    .bind(phone.as_e164())
                    .bind(micros(now))
                    .bind(reason.as_str())
                    .bind(by.clone());
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn opt_out_entries(
        &self,
        account: AccountId,
        digits: Option<&str>,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<OptOutEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT phone, created_at, reason, added_by FROM opt_outs \
             WHERE account_id = $1 AND phone > $2 AND phone LIKE $3 ORDER BY phone LIMIT $4",
        )
        .bind(snowflake(account.0))
        .bind(after.unwrap_or(""))
        .bind(format!("%{}%", digits.unwrap_or("")))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::opt_out_entry).collect()
    }

    async fn opt_out_entry(
        &self,
        account: AccountId,
        phone: &PhoneNumber,
    ) -> Result<Option<OptOutEntry>, StoreError> {
        let row = sqlx::query(
            "SELECT phone, created_at, reason, added_by FROM opt_outs WHERE account_id = $1 AND phone = $2",
        )
        .bind(snowflake(account.0))
        .bind(phone.as_e164())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(rows::opt_out_entry).transpose()
    }

    async fn remove_opt_out(
        &self,
        account: AccountId,
        phone: &PhoneNumber,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let removed = sqlx::query("DELETE FROM opt_outs WHERE account_id = $1 AND phone = $2")
            .bind(snowflake(account.0))
            .bind(phone.as_e164())
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if removed {
            effects::apply(&mut tx, account, &Effect::Audit(audit.clone()), now).await?;
        }
        tx.commit().await?;
        Ok(removed)
    }

    async fn accounts_that_sent_to(
        &self,
        phone: &PhoneNumber,
    ) -> Result<Vec<AccountId>, StoreError> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT DISTINCT account_id FROM deliveries WHERE phone = $1")
                .bind(phone.as_e164())
                .fetch_all(&self.pool)
                .await?;
        ids.into_iter()
            .map(|id| Ok(AccountId(from_snowflake(id))))
            .collect()
    }
}
