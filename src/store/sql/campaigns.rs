//! Campaigns: creation, loading, and the one-transaction commit of a state change.
use async_trait::async_trait;
use sqlx::query::QueryAs;
use sqlx::{Any, AnyPool, AssertSqlSafe};

use super::effects::{self, Tx};
use super::{SqlStore, is_unique_violation};
use crate::domain::campaign::{
    Campaign, CampaignState, ConfirmAction, ConfirmationToken, Review, Submission,
};
use crate::domain::ids::{AccountId, CampaignId, CampaignName};
use crate::store::rows::{
    CampaignRow, micros, reviewer_column, send_mode_columns, signed, snowflake,
    test_numbers_column, unsigned,
};
use crate::store::{
    AuditRecord, CampaignStore, Change, ConfirmationWrite, StoreError, StoredConfirmation, rows,
};

type CampaignQuery<'q> = QueryAs<'q, Any, CampaignRow, <Any as sqlx::Database>::Arguments>;

impl SqlStore {
    pub(super) async fn fetch_campaign(
        &self,
        query: CampaignQuery<'_>,
    ) -> Result<Option<Campaign>, StoreError> {
        let row: Option<CampaignRow> = query.fetch_optional(pool(self)).await?;
        row.map(CampaignRow::into_domain).transpose()
    }
}

fn pool(store: &SqlStore) -> &AnyPool {
    &store.pool
}

async fn update_campaign(tx: &mut Tx, c: &Campaign, change: Change<'_>) -> Result<(), StoreError> {
    let draft = &c.draft;
    let updated = sqlx::query(
        "UPDATE campaigns SET state = $1, draft_body = $2, draft_sender = $3, draft_list_id = $4, draft_list_count = $5, \
         draft_revision = $6, latest_version = $7, revision = revision + 1, updated_at = $8, \
         channel_id = $9, draft_audiences = $12 WHERE id = $10 AND revision = $11",
    )
    .bind(c.state.as_str())
    .bind(draft.body.as_ref().map(|b| b.as_str().to_owned()))
    .bind(draft.sender.as_ref().map(|s| s.as_str().to_owned()))
    .bind(draft.recipients.map(|l| l.id.0))
    .bind(draft.recipients.map(|l| signed(l.count)))
    .bind(i64::from(draft.revision))
    .bind(c.submission.as_ref().map(|s| i64::from(s.version)))
    .bind(micros(change.now))
    .bind(c.channel.map(|ch| snowflake(ch.0)))
    .bind(c.id.0)
    .bind(c.revision)
    .bind(rows::audiences_column(draft.audiences.as_ref())?)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

/// Inserts a new version, or updates the review and lifecycle columns of an existing one: the
/// frozen content (body, sender, list, mode, cost) is never rewritten.
async fn upsert_submission(tx: &mut Tx, c: &Campaign, s: &Submission) -> Result<(), StoreError> {
    let (send_at, send_zone) = send_mode_columns(&s.mode);
    let (review, reviewer, reviewed_at, refusal_code, refusal_text) = match &s.review {
        Review::Pending => ("pending", None, None, None, None),
        Review::Approved { by, at } => (
            "approved",
            Some(reviewer_column(by)),
            Some(micros(*at)),
            None,
            None,
        ),
        Review::Refused { by, at, refusal } => (
            "refused",
            Some(reviewer_column(by)),
            Some(micros(*at)),
            Some(refusal.code().as_str()),
            Some(refusal.text().to_owned()),
        ),
    };
    let flags = serde_json::to_string(&s.flags).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let flag_kinds = s
        .flags
        .iter()
        .fold(0, |bits, f| bits | super::console::flag_bit(f.kind()));
    sqlx::query(
        "INSERT INTO submissions (campaign_id, version, body, sender, list_id, recipient_count, send_at, send_zone, cost, \
         reserved, debited, flags, confirmed_by, confirmed_at, review, reviewer, reviewed_at, refusal_code, refusal_text, \
         cancelled_by, cancelled_at, started_at, completed_at, personalised, link_base, flag_kinds) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26) \
         ON CONFLICT (campaign_id, version) DO UPDATE SET reserved = excluded.reserved, debited = excluded.debited, \
         review = excluded.review, reviewer = excluded.reviewer, reviewed_at = excluded.reviewed_at, \
         refusal_code = excluded.refusal_code, refusal_text = excluded.refusal_text, cancelled_by = excluded.cancelled_by, \
         cancelled_at = excluded.cancelled_at, started_at = excluded.started_at, completed_at = excluded.completed_at",
    )
    .bind(c.id.0)
    .bind(i64::from(s.version))
    .bind(s.body.as_str())
    .bind(s.sender.as_str())
    .bind(s.recipients.id.0)
    .bind(signed(s.recipients.count))
    .bind(send_at)
    .bind(send_zone)
    .bind(signed(s.cost.0))
    .bind(signed(s.reserved.0))
    .bind(signed(s.debited.0))
    .bind(flags)
    .bind(snowflake(s.confirmed_by.0))
    .bind(micros(s.confirmed_at))
    .bind(review)
    .bind(reviewer)
    .bind(reviewed_at)
    .bind(refusal_code)
    .bind(refusal_text)
    .bind(s.cancelled.map(|(by, _)| snowflake(by.0)))
    .bind(s.cancelled.map(|(_, at)| micros(at)))
    .bind(s.started_at.map(micros))
    .bind(s.completed_at.map(micros))
    .bind(i64::from(s.personalised))
    .bind(s.short_links.as_ref().map(|b| b.as_str().to_owned()))
    .bind(flag_kinds)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl CampaignStore for SqlStore {
    async fn create_campaign(&self, c: &Campaign) -> Result<Campaign, StoreError> {
        let _turn = self.write_turn().await;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO campaigns (account_id, name, name_key, owner_id, state, draft_body, draft_sender, draft_revision, \
             revision, created_at, updated_at, draft_list_id, draft_list_count, draft_audiences) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9, $10, $11, $12) RETURNING id",
        )
        .bind(snowflake(c.account.0))
        .bind(c.name.as_str())
        .bind(c.name.key())
        .bind(snowflake(c.owner.0))
        .bind(c.state.as_str())
        .bind(c.draft.body.as_ref().map(|b| b.as_str().to_owned()))
        .bind(c.draft.sender.as_ref().map(|s| s.as_str().to_owned()))
        .bind(i64::from(c.draft.revision))
        .bind(micros(c.created_at))
        .bind(c.draft.recipients.map(|l| l.id.0))
        .bind(c.draft.recipients.map(|l| signed(l.count)))
        .bind(rows::audiences_column(c.draft.audiences.as_ref())?)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| match is_unique_violation(&e) {
            true => StoreError::NameTaken(c.name.to_string()),
            false => e.into(),
        })?;
        let mut created = c.clone();
        created.revision = 0;
        created.id = crate::domain::ids::CampaignId(id);
        Ok(created)
    }

    async fn campaign(
        &self,
        account: AccountId,
        name: &CampaignName,
    ) -> Result<Option<Campaign>, StoreError> {
        let sql = format!(
            "SELECT {} WHERE c.account_id = $1 AND c.name_key = $2",
            rows::CAMPAIGN_COLUMNS
        );
        self.fetch_campaign(
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(snowflake(account.0))
                .bind(name.key()),
        )
        .await
    }

    async fn campaign_by_id(&self, id: CampaignId) -> Result<Option<Campaign>, StoreError> {
        let sql = format!("SELECT {} WHERE c.id = $1", rows::CAMPAIGN_COLUMNS);
        self.fetch_campaign(sqlx::query_as(AssertSqlSafe(sql)).bind(id.0))
            .await
    }

    async fn campaign_at_version(
        &self,
        id: CampaignId,
        version: u32,
    ) -> Result<Option<Campaign>, StoreError> {
        let columns =
            rows::CAMPAIGN_COLUMNS.replace("s.version = c.latest_version", "s.version = $2");
        let sql = format!("SELECT {columns} WHERE c.id = $1");
        let campaign = self
            .fetch_campaign(
                sqlx::query_as(AssertSqlSafe(sql))
                    .bind(id.0)
                    .bind(i64::from(version)),
            )
            .await?;
        Ok(campaign.filter(|c| c.submission.is_some()))
    }

    async fn campaigns(
        &self,
        account: AccountId,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<Campaign>, StoreError> {
        let sql = format!(
            "SELECT {} WHERE c.account_id = $1 ORDER BY c.updated_at DESC, c.id DESC LIMIT $2 OFFSET $3",
            rows::CAMPAIGN_COLUMNS
        );
        let rows: Vec<rows::CampaignRow> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(snowflake(account.0))
            .bind(i64::from(limit))
            .bind(i64::from(offset))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(rows::CampaignRow::into_domain)
            .collect()
    }

    async fn count_campaigns(&self, account: AccountId) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM campaigns WHERE account_id = $1")
            .bind(snowflake(account.0))
            .fetch_one(&self.pool)
            .await?;
        unsigned("count", n)
    }

    async fn has_submissions(&self, account: AccountId) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT s.version FROM submissions s JOIN campaigns c ON c.id = s.campaign_id WHERE c.account_id = $1 LIMIT 1",
        )
        .bind(snowflake(account.0))
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    async fn commit(&self, change: Change<'_>) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        // The guarded update comes first: a conflicting change fails before writing anything.
        update_campaign(&mut tx, change.campaign, change).await?;
        if let Some(s) = &change.campaign.submission {
            upsert_submission(&mut tx, change.campaign, s).await?;
        }
        for effect in change.effects {
            effects::apply(&mut tx, change.campaign.account, effect, change.now).await?;
        }
        match change.confirmation {
            ConfirmationWrite::None => {}
            ConfirmationWrite::Create(p) => {
                let (send_at, send_zone, numbers, action) = match &p.action {
                    ConfirmAction::Submit(mode) => {
                        let (at, zone) = send_mode_columns(mode);
                        (at, zone, None, "submit")
                    }
                    ConfirmAction::Cancel => (None, None, None, "cancel"),
                    ConfirmAction::Test(numbers) => {
                        (None, None, Some(test_numbers_column(numbers)), "test")
                    }
                };
                sqlx::query(
                    "INSERT INTO confirmations (token, campaign_id, action, send_at, send_zone, test_numbers, draft_revision, requested_by, expires_at, created_at, leave_out, keep_links) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(p.token.as_str())
                .bind(p.campaign.0)
                .bind(action)
                .bind(send_at)
                .bind(send_zone)
                .bind(numbers)
                .bind(i64::from(p.draft_revision))
                .bind(snowflake(p.requested_by.0))
                .bind(micros(p.expires_at))
                .bind(micros(change.now))
                .bind(i64::from(p.leave_out))
                .bind(i64::from(p.keep_links))
                .execute(&mut *tx)
                .await?;
            }
            ConfirmationWrite::Spend { token, outcome } => {
                let spent = sqlx::query(
                    "UPDATE confirmations SET spent_at = $1, outcome = $2 WHERE token = $3 AND spent_at IS NULL",
                )
                .bind(micros(change.now))
                .bind(outcome)
                .bind(token.as_str())
                .execute(&mut *tx)
                .await?;
                if spent.rows_affected() == 0 {
                    return Err(StoreError::Conflict);
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn confirmation(
        &self,
        token: &ConfirmationToken,
    ) -> Result<Option<StoredConfirmation>, StoreError> {
        let row: Option<rows::ConfirmationRow> = sqlx::query_as(
            "SELECT token, campaign_id, action, send_at, send_zone, test_numbers, draft_revision, requested_by, expires_at, outcome, leave_out, keep_links \
             FROM confirmations WHERE token = $1",
        )
        .bind(token.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(rows::ConfirmationRow::into_domain).transpose()
    }

    async fn campaigns_in_states(
        &self,
        states: &[CampaignState],
        limit: u32,
    ) -> Result<Vec<Campaign>, StoreError> {
        // The states are our own fixed identifiers, never user input.
        let list = states
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {} WHERE c.state IN ({list}) ORDER BY c.updated_at, c.id LIMIT $1",
            rows::CAMPAIGN_COLUMNS
        );
        let rows: Vec<rows::CampaignRow> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(rows::CampaignRow::into_domain)
            .collect()
    }

    async fn audit_log(
        &self,
        account: Option<AccountId>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let select = "SELECT id, account_id, campaign_id, version, actor, action, detail, created_at FROM audit_log";
        let rows = match account {
            Some(a) => {
                sqlx::query(AssertSqlSafe(format!(
                    "{select} WHERE account_id = $1 ORDER BY id DESC LIMIT $2"
                )))
                .bind(snowflake(a.0))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(AssertSqlSafe(format!("{select} ORDER BY id DESC LIMIT $1")))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(rows::audit_record).collect()
    }
}
