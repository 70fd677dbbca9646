//! Surveys, answers and reviews in SQL.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;

use super::SqlStore;
use crate::domain::ids::{AccountId, SurveyId, UserId};
use crate::domain::rating::{RatedInteraction, RatingRecord};
use crate::domain::survey::{ReviewText, Survey};
use crate::store::rows::{corrupt, micros, snowflake, time};
use crate::store::{StoreError, SurveySettings, SurveyStore, rows};

const SURVEY_COLUMNS: &str =
    "id, account_id, user_id, subject, offered_at, rating, answered_at FROM surveys";

#[async_trait]
impl SurveyStore for SqlStore {
    async fn survey(&self, id: SurveyId) -> Result<Option<Survey>, StoreError> {
        let sql = format!("SELECT {SURVEY_COLUMNS} WHERE id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(rows::survey)
            .transpose()
    }

    async fn survey_from(&self, source: &str) -> Result<Option<Survey>, StoreError> {
        let sql = format!("SELECT {SURVEY_COLUMNS} WHERE source = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(source)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(rows::survey)
            .transpose()
    }

    async fn last_survey_offered(
        &self,
        account: AccountId,
        user: UserId,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let last: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(offered_at) FROM surveys WHERE account_id = $1 AND user_id = $2",
        )
        .bind(snowflake(account.0))
        .bind(snowflake(user.0))
        .fetch_one(&self.pool)
        .await?;
        last.map(time).transpose()
    }

    async fn create_survey(
        &self,
        source: &str,
        account: AccountId,
        user: UserId,
        subject: &RatedInteraction,
        now: DateTime<Utc>,
    ) -> Result<Survey, StoreError> {
        let subject = serde_json::to_string(subject).map_err(|e| corrupt("survey subject", e))?;
        {
            let _turn = self.write_turn().await;
            sqlx::query(
                "INSERT INTO surveys (source, account_id, user_id, subject, offered_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source) DO NOTHING",
            )
            .bind(source)
            .bind(snowflake(account.0))
            .bind(snowflake(user.0))
            .bind(subject)
            .bind(micros(now))
            .execute(&self.pool)
            .await?;
        }
        self.survey_from(source)
            .await?
            .ok_or(StoreError::NotFound("survey"))
    }

    async fn record_answer(&self, answered: &Survey) -> Result<bool, StoreError> {
        let Some((rating, at)) = answered.answer else {
            return Ok(false);
        };
        let _turn = self.write_turn().await;
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE surveys SET rating = $1, answered_at = $2 WHERE id = $3 AND rating IS NULL",
        )
        .bind(i64::from(rating.value()))
        .bind(micros(at))
        .bind(answered.id.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return Ok(false);
        }
        let record = RatingRecord {
            account: answered.account,
            user: answered.user,
            subject: answered.subject.clone(),
            rating,
            comment: None,
        };
        super::people::insert_rating(&mut *tx, &record, at).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn add_review(
        &self,
        survey: &Survey,
        text: &ReviewText,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let Some((rating, _)) = survey.answer else {
            return Ok(false);
        };
        let _turn = self.write_turn().await;
        let added = sqlx::query(
            "INSERT INTO reviews (survey_id, account_id, user_id, rating, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (survey_id) DO NOTHING",
        )
        .bind(survey.id.0)
        .bind(snowflake(survey.account.0))
        .bind(snowflake(survey.user.0))
        .bind(i64::from(rating.value()))
        .bind(text.as_str())
        .bind(micros(now))
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(added == 1)
    }

    async fn survey_settings(&self, account: AccountId) -> Result<SurveySettings, StoreError> {
        let row = sqlx::query(
            "SELECT survey_fatigue_days, public_review_invitation FROM accounts WHERE id = $1",
        )
        .bind(snowflake(account.0))
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => SurveySettings {
                fatigue_days: u32::try_from(r.try_get::<i64, _>("survey_fatigue_days")?)
                    .map_err(|e| corrupt("survey_fatigue_days", e))?,
                public_review_invitation: r.try_get::<i64, _>("public_review_invitation")? == 1,
            },
            None => SurveySettings {
                fatigue_days: crate::domain::survey::DEFAULT_FATIGUE_DAYS,
                public_review_invitation: true,
            },
        })
    }

    async fn set_survey_settings(
        &self,
        account: AccountId,
        settings: SurveySettings,
    ) -> Result<(), StoreError> {
        let _turn = self.write_turn().await;
        let updated = sqlx::query(
            "UPDATE accounts SET survey_fatigue_days = $1, public_review_invitation = $2 WHERE id = $3",
        )
        .bind(i64::from(settings.fatigue_days))
        .bind(i64::from(settings.public_review_invitation))
        .bind(snowflake(account.0))
        .execute(&self.pool)
        .await?
        .rows_affected();
        match updated {
            0 => Err(StoreError::NotFound("account")),
            _ => Ok(()),
        }
    }
}
