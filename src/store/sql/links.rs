//! Short links and their clicks.
use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use sqlx::{AssertSqlSafe, Row};

use super::{SqlStore, integer_list, row_placeholders};
use crate::domain::ids::DeliveryId;
use crate::domain::short_links::{LinkCode, LinkExpiry};
use crate::store::rows::{corrupt, micros, snowflake, time};
use crate::store::{Click, LinkStore, NewShortLink, ShortLinkTarget, StoreError};

/// Rows per multi-row insert (6 values each, well inside both engines' parameter limits).
const INSERT_ROWS: usize = 200;

#[async_trait]
impl LinkStore for SqlStore {
    async fn short_links(
        &self,
        links: &[NewShortLink],
    ) -> Result<Vec<(DeliveryId, u32, LinkCode)>, StoreError> {
        if links.is_empty() {
            return Ok(Vec::new());
        }
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        for chunk in links.chunks(INSERT_ROWS) {
            let values = row_placeholders(chunk.len(), 6);
            // Placeholders only: every value is bound.
            let sql = format!(
                "INSERT INTO short_links (code, account_id, delivery_id, position, url, created_at) \
                 VALUES {values} ON CONFLICT DO NOTHING"
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for link in chunk {
                query = query
                    .bind(link.code.to_stored())
                    .bind(snowflake(link.account.0))
                    .bind(link.delivery.0)
                    .bind(i64::from(link.position))
                    .bind(link.url.clone())
                    .bind(micros(link.created_at));
            }
            query.execute(&mut *tx).await?;
        }
        let mut ids: Vec<i64> = links.iter().map(|l| l.delivery.0).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut found = Vec::with_capacity(links.len());
        for chunk in ids.chunks(500) {
            let ids = integer_list(chunk.iter().copied());
            let rows = sqlx::query(AssertSqlSafe(format!(
                "SELECT code, delivery_id, position FROM short_links WHERE delivery_id IN ({ids})"
            )))
            .fetch_all(&mut *tx)
            .await?;
            for row in rows {
                let position: i64 = row.try_get("position")?;
                found.push((
                    DeliveryId(row.try_get("delivery_id")?),
                    u32::try_from(position).map_err(|_| corrupt("link position", position))?,
                    LinkCode::from_stored(row.try_get("code")?),
                ));
            }
        }
        tx.commit().await?;
        Ok(found)
    }

    async fn short_link(&self, code: LinkCode) -> Result<Option<ShortLinkTarget>, StoreError> {
        let row = sqlx::query(
            "SELECT s.url, s.delivery_id, s.created_at, a.link_expiry_days FROM short_links s \
             JOIN accounts a ON a.id = s.account_id WHERE s.code = $1",
        )
        .bind(code.to_stored())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let days: i64 = row.try_get("link_expiry_days")?;
        Ok(Some(ShortLinkTarget {
            url: row.try_get("url")?,
            delivery: DeliveryId(row.try_get("delivery_id")?),
            created_at: time(row.try_get("created_at")?)?,
            expiry: LinkExpiry::days(days).map_err(|_| corrupt("link expiry", days))?,
        }))
    }

    async fn record_clicks(&self, clicks: &[Click]) -> Result<(), StoreError> {
        if clicks.is_empty() {
            return Ok(());
        }
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        // A click repeats its code's when the code was clicked before, in an earlier batch or
        // earlier in this one.
        let mut codes: Vec<i64> = clicks.iter().map(|c| c.code.to_stored()).collect();
        codes.sort_unstable();
        codes.dedup();
        let mut seen: HashSet<i64> = HashSet::new();
        for chunk in codes.chunks(500) {
            let list = integer_list(chunk.iter().copied());
            let found: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT DISTINCT code FROM clicks WHERE code IN ({list})"
            )))
            .fetch_all(&mut *tx)
            .await?;
            seen.extend(found);
        }
        for chunk in clicks.chunks(INSERT_ROWS) {
            let values = row_placeholders(chunk.len(), 4);
            // Placeholders only: every value is bound.
            let sql = format!(
                "INSERT INTO clicks (code, delivery_id, clicked_at, repeat) VALUES {values}"
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for click in chunk {
                let code = click.code.to_stored();
                query = query
                    .bind(code)
                    .bind(click.delivery.0)
                    .bind(micros(click.at))
                    .bind(i64::from(!seen.insert(code)));
            }
            query.execute(&mut *tx).await?;
        }
        let mut per_message: HashMap<i64, i64> = HashMap::new();
        for click in clicks {
            *per_message.entry(click.delivery.0).or_default() += 1;
        }
        for (delivery, n) in per_message {
            sqlx::query("UPDATE deliveries SET clicks = clicks + $1 WHERE id = $2")
                .bind(n)
                .bind(delivery)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
