//! The console's queries: sessions, failed logins, the review queue, history and figures.
use crate::domain::consent::ConsentDecision;
use crate::domain::consent::ConsentPurpose;
use crate::domain::rating::Rating;
use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, Row};

use super::SqlStore;
use super::accounts::ACCOUNT_COLUMNS;
use crate::domain::account::Account;
use crate::domain::compliance::FlagKind;
use crate::domain::credits::Balance;
use crate::domain::ids::{CampaignId, ModeratorName, ReviewId};
use crate::domain::sign_in::SignInLimits;
use crate::store::rows::{self, AccountRow, micros, signed, snowflake, time};
use crate::store::{
    AuditRecord, ConsoleStore, DecisionFilter, Engine, PastRefusal, PendingReview, QueueFilter,
    ReviewRecord, SessionRecord, SignInAttempt, StoreError,
};

const REFUSAL_COLUMNS: &str =
    "campaign_id, version, refusal_code, refusal_text, reviewer, reviewed_at";

#[async_trait]
impl ConsoleStore for SqlStore {
    async fn create_session(&self, s: &SessionRecord) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "INSERT INTO console_sessions (token_hash, moderator, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&s.token_hash)
        .bind(s.moderator.as_str())
        .bind(&s.csrf_token)
        .bind(micros(s.created_at))
        .bind(micros(s.expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT moderator, csrf_token, created_at, expires_at FROM console_sessions \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(micros(now))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| rows::session(&r, token_hash)).transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        sqlx::query("DELETE FROM console_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn prune_console(
        &self,
        now: DateTime<Utc>,
        failures_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM console_sessions WHERE expires_at <= $1")
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM login_failures WHERE created_at < $1")
            .bind(micros(failures_before))
            .execute(&mut *tx)
            .await?;
        // Subjects nobody failed for lately. On PostgreSQL, rows a reservation holds are skipped
        // rather than waited for: locking them in another order could deadlock with it.
        let unused = match self.engine {
            Engine::Sqlite => {
                "DELETE FROM login_subjects WHERE subject NOT IN (SELECT subject FROM login_failures)"
            }
            Engine::Postgres => {
                "DELETE FROM login_subjects WHERE subject IN (SELECT subject FROM login_subjects \
                 WHERE subject NOT IN (SELECT subject FROM login_failures) \
                 ORDER BY subject FOR UPDATE SKIP LOCKED)"
            }
        };
        sqlx::query(unused).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reserve_sign_in(
        &self,
        attempt: &SignInAttempt<'_>,
        since: DateTime<Utc>,
        limits: SignInLimits,
    ) -> Result<bool, StoreError> {
        let address = attempt.address_subject();
        let name = attempt.name_subject();
        let mut subjects: Vec<&str> = [Some(address.as_str()), name.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        // Locked in one order, so two reservations never wait for each other's second row.
        subjects.sort_unstable();
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        for subject in &subjects {
            // Writing the row takes its lock (and SQLite's write lock) until the commit.
            sqlx::query(
                "INSERT INTO login_subjects (subject) VALUES ($1) \
                 ON CONFLICT (subject) DO UPDATE SET subject = excluded.subject",
            )
            .bind(*subject)
            .execute(&mut *tx)
            .await?;
        }
        let mut count = async |subject: Option<&str>| -> Result<u32, StoreError> {
            let Some(subject) = subject else {
                return Ok(0);
            };
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM login_failures WHERE subject = $1 AND created_at >= $2",
            )
            .bind(subject)
            .bind(micros(since))
            .fetch_one(&mut *tx)
            .await?;
            Ok(u32::try_from(n).unwrap_or(u32::MAX))
        };
        let from_address = count(Some(&address)).await?;
        let for_name = count(name.as_deref()).await?;
        if !limits.allows(from_address, for_name) {
            tx.rollback().await?;
            return Ok(false);
        }
        for subject in &subjects {
            sqlx::query(
                "INSERT INTO login_failures (subject, created_at, attempt) VALUES ($1, $2, $3)",
            )
            .bind(*subject)
            .bind(micros(attempt.at))
            .bind(attempt.id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn sign_in_succeeded(&self, attempt: &SignInAttempt<'_>) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM login_failures WHERE attempt = $1")
            .bind(attempt.id)
            .execute(&mut *tx)
            .await?;
        if let Some(name) = attempt.name_subject() {
            // Failures before this attempt only: guesses reserved after it, still being checked,
            // keep counting.
            sqlx::query("DELETE FROM login_failures WHERE subject = $1 AND created_at < $2")
                .bind(name)
                .bind(micros(attempt.at))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn pending_count(&self, filter: &QueueFilter) -> Result<u64, StoreError> {
        if *filter == QueueFilter::default() {
            // The whole queue: counted from the campaigns' state index alone.
            let n: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM campaigns WHERE state = 'pending_review'")
                    .fetch_one(&self.pool)
                    .await?;
            return rows::unsigned("count", n);
        }
        // Read from the two queue indexes alone (0018): no row of either table is opened.
        let (conditions, binds) = queue_conditions(filter, 0, self.engine);
        let sql = format!(
            "SELECT COUNT(*) FROM submissions s \
             JOIN campaigns c ON c.id = s.campaign_id AND c.latest_version = s.version \
             WHERE s.review = 'pending' AND c.state = 'pending_review'{conditions}"
        );
        let mut query = sqlx::query_scalar(AssertSqlSafe(sql));
        for bind in binds {
            query = match bind {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        let n: i64 = query.fetch_one(&self.pool).await?;
        rows::unsigned("count", n)
    }

    async fn pending_reviews(
        &self,
        filter: &QueueFilter,
        now: DateTime<Utc>,
        offset: u64,
        limit: u32,
    ) -> Result<Vec<PendingReview>, StoreError> {
        let (conditions, binds) = queue_conditions(filter, 3, self.engine);
        // The page's ids in queue order from the indexes (stopping once the page is full),
        // then those few versions whole.
        let sql = format!(
            "WITH page AS (SELECT s.campaign_id AS page_id, s.confirmed_at AS page_at \
             FROM submissions s \
             JOIN campaigns c ON c.id = s.campaign_id AND c.latest_version = s.version \
             WHERE s.review = 'pending' AND c.state = 'pending_review'{conditions} \
             ORDER BY s.confirmed_at, s.campaign_id LIMIT $1 OFFSET $2) \
             SELECT a.name AS account_name, rc.moderator AS claim_moderator, \
             rc.claimed_until AS claim_until, {} \
             JOIN page ON page.page_id = c.id \
             JOIN accounts a ON a.id = c.account_id \
             LEFT JOIN review_claims rc ON rc.campaign_id = c.id AND rc.version = s.version \
             AND rc.claimed_until > $3 \
             ORDER BY page.page_at, page.page_id",
            rows::CAMPAIGN_COLUMNS
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(i64::from(limit))
            .bind(signed(offset))
            .bind(micros(now));
        for bind in binds {
            query = match bind {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        let mut reviews = query
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::pending_review)
            .collect::<Result<Vec<_>, _>>()?;
        if reviews.is_empty() {
            return Ok(reviews);
        }
        let ids = super::integer_list(reviews.iter().map(|r| r.campaign.id.0));
        let sql = format!(
            "SELECT {REFUSAL_COLUMNS} FROM submissions \
             WHERE campaign_id IN ({ids}) AND review = 'refused' ORDER BY version"
        );
        let mut refusals: HashMap<CampaignId, Vec<PastRefusal>> = HashMap::new();
        for r in sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?
        {
            let (campaign, refusal) = rows::past_refusal(&r)?;
            refusals.entry(campaign).or_default().push(refusal);
        }
        for review in &mut reviews {
            review.refusals = refusals.remove(&review.campaign.id).unwrap_or_default();
        }
        Ok(reviews)
    }

    async fn next_unclaimed(
        &self,
        moderator: &ModeratorName,
        filter: &QueueFilter,
        skip: Option<CampaignId>,
        now: DateTime<Utc>,
    ) -> Result<Option<CampaignId>, StoreError> {
        let (conditions, binds) = queue_conditions(filter, 3, self.engine);
        let sql = format!(
            "SELECT s.campaign_id FROM submissions s \
             JOIN campaigns c ON c.id = s.campaign_id AND c.latest_version = s.version \
             LEFT JOIN review_claims rc ON rc.campaign_id = s.campaign_id AND rc.version = s.version \
             AND rc.claimed_until > $1 AND rc.moderator <> $2 \
             WHERE s.review = 'pending' AND c.state = 'pending_review' AND rc.campaign_id IS NULL \
             AND s.campaign_id <> $3{conditions} ORDER BY s.confirmed_at, s.campaign_id LIMIT 1"
        );
        let mut query = sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(micros(now))
            .bind(moderator.as_str())
            .bind(skip.map_or(-1, |c| c.0));
        for bind in binds {
            query = match bind {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        let id: Option<i64> = query.fetch_optional(&self.pool).await?;
        Ok(id.map(CampaignId))
    }

    async fn past_refusals(&self, campaign: CampaignId) -> Result<Vec<PastRefusal>, StoreError> {
        let sql = format!(
            "SELECT {REFUSAL_COLUMNS} FROM submissions \
             WHERE campaign_id = $1 AND review = 'refused' ORDER BY version"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(campaign.0)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| rows::past_refusal(r).map(|(_, refusal)| refusal))
            .collect()
    }

    async fn decisions(
        &self,
        filter: &DecisionFilter,
        offset: u64,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let mut sql = String::from(
            "SELECT id, account_id, campaign_id, version, actor, action, detail, created_at FROM audit_log \
             WHERE action IN ('approved', 'refused')",
        );
        // Placeholders are numbered in the order their values are bound below.
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if filter.account.is_some() {
            sql += &format!(" AND account_id = {}", next());
        }
        if filter.decided_by.is_some() {
            sql += &format!(" AND actor = {}", next());
        }
        if filter.outcome.is_some() {
            sql += &format!(" AND action = {}", next());
        }
        if filter.from.is_some() {
            sql += &format!(" AND created_at >= {}", next());
        }
        if filter.until.is_some() {
            sql += &format!(" AND created_at < {}", next());
        }
        sql += &format!(
            " ORDER BY created_at DESC, id DESC LIMIT {} OFFSET {}",
            next(),
            next()
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        if let Some(account) = filter.account {
            query = query.bind(snowflake(account.0));
        }
        if let Some(actor) = &filter.decided_by {
            query = query.bind(rows::actor_column(actor));
        }
        if let Some(outcome) = filter.outcome {
            query = query.bind(outcome.as_str());
        }
        if let Some(from) = filter.from {
            query = query.bind(micros(from));
        }
        if let Some(until) = filter.until {
            query = query.bind(micros(until));
        }
        let rows = query
            .bind(i64::from(limit))
            .bind(signed(offset))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::audit_record).collect()
    }

    async fn review_waits(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>, StoreError> {
        sqlx::query(
            "SELECT confirmed_at, reviewed_at FROM submissions \
             WHERE review IN ('approved', 'refused') AND reviewed_at >= $1",
        )
        .bind(micros(since))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(rows::review_wait)
        .collect()
    }

    async fn accounts(&self, limit: u32) -> Result<Vec<(Account, Balance)>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY name, id LIMIT $1");
        let found: Vec<AccountRow> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        found.into_iter().map(AccountRow::into_domain).collect()
    }

    async fn ratings_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(Rating, DateTime<Utc>)>, StoreError> {
        sqlx::query("SELECT rating, created_at FROM ratings WHERE created_at >= $1")
            .bind(micros(since))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((rows::rating(r)?, time(r.try_get("created_at")?)?)))
            .collect()
    }

    async fn reviews(&self, limit: u32) -> Result<Vec<ReviewRecord>, StoreError> {
        sqlx::query(
            "SELECT id, account_id, user_id, rating, body, created_at, unpublished_by, unpublished_at \
             FROM reviews ORDER BY created_at DESC, id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(rows::review_record)
        .collect()
    }

    async fn unpublish_review(
        &self,
        id: ReviewId,
        by: &ModeratorName,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let changed = sqlx::query(
            "UPDATE reviews SET unpublished_by = $1, unpublished_at = $2 \
             WHERE id = $3 AND unpublished_at IS NULL",
        )
        .bind(by.as_str())
        .bind(micros(now))
        .bind(id.0)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(changed == 1)
    }

    async fn consent_counts(
        &self,
    ) -> Result<Vec<(ConsentPurpose, ConsentDecision, u64)>, StoreError> {
        sqlx::query(
            "SELECT purpose, decision, COUNT(*) AS n FROM consents \
             GROUP BY purpose, decision ORDER BY purpose, decision",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(rows::consent_count)
        .collect()
    }

    async fn rating_counts(&self) -> Result<[u64; 5], StoreError> {
        let mut counts = [0; 5];
        for r in sqlx::query("SELECT rating, COUNT(*) AS n FROM ratings GROUP BY rating")
            .fetch_all(&self.pool)
            .await?
        {
            let rating = rows::rating(&r)?;
            counts[usize::from(rating.value() - 1)] = rows::unsigned("count", r.try_get("n")?)?;
        }
        Ok(counts)
    }
}

/// A flag kind's bit in `submissions.flag_kinds` (migration 0018 numbers them the same way:
/// never renumber).
pub(super) fn flag_bit(kind: FlagKind) -> i64 {
    match kind {
        FlagKind::MissingOptOut => 1,
        FlagKind::LinkShortener => 2,
        FlagKind::SuspiciousLink => 4,
        FlagKind::AllCaps => 8,
        FlagKind::OutsideSendingWindow => 16,
        FlagKind::SenderRule => 32,
        FlagKind::FirstCampaign => 64,
    }
}

/// A value bound to a queue filter's placeholder.
enum Bind {
    Int(i64),
    Text(String),
}

/// The `AND …` conditions of a queue filter, their placeholders numbered after `taken`, and
/// the values to bind to them in order.
fn queue_conditions(filter: &QueueFilter, taken: usize, engine: Engine) -> (String, Vec<Bind>) {
    let mut sql = String::new();
    let mut binds = Vec::new();
    let mut push = |condition: &str, bind: Bind, binds: &mut Vec<Bind>| {
        binds.push(bind);
        sql += &condition.replace('?', &format!("${}", taken + binds.len()));
    };
    if let Some(account) = filter.account {
        push(
            " AND c.account_id = ?",
            Bind::Int(snowflake(account.0)),
            &mut binds,
        );
    }
    if let Some(flag) = filter.flag {
        push(
            " AND (s.flag_kinds & ?) <> 0",
            Bind::Int(flag_bit(flag)),
            &mut binds,
        );
    }
    if let Some(before) = filter.confirmed_before {
        push(
            " AND s.confirmed_at < ?",
            Bind::Int(micros(before)),
            &mut binds,
        );
    }
    if let Some(from) = filter.send_from {
        push(" AND s.send_at >= ?", Bind::Int(micros(from)), &mut binds);
    }
    if let Some(until) = filter.send_until {
        push(" AND s.send_at < ?", Bind::Int(micros(until)), &mut binds);
    }
    if let Some(words) = &filter.search {
        // Campaign names are matched on their stored lower-case key; account names (few) are
        // matched once, before the scan. `instr`/`strpos` take what was typed literally.
        // SQLite's `lower` folds ASCII letters only: an account name's other capitals must be
        // typed as they are.
        binds.push(Bind::Text(words.to_lowercase()));
        let n = taken + binds.len();
        let find = match engine {
            Engine::Sqlite => "instr",
            Engine::Postgres => "strpos",
        };
        sql += &format!(
            " AND ({find}(c.name_key, ${n}) > 0 OR c.account_id IN \
             (SELECT id FROM accounts WHERE {find}(lower(name), ${n}) > 0))"
        );
    }
    (sql, binds)
}
