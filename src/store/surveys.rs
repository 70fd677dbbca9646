//! Surveys, their answers and public reviews.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::ids::{AccountId, SurveyId, UserId};
use crate::domain::rating::RatedInteraction;
use crate::domain::survey::{ReviewText, Survey};

/// A server's survey settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurveySettings {
    pub fatigue_days: u32,
    pub public_review_invitation: bool,
}

#[async_trait]
pub trait SurveyStore: Send + Sync {
    async fn survey(&self, id: SurveyId) -> Result<Option<Survey>, StoreError>;
    async fn survey_from(&self, source: &str) -> Result<Option<Survey>, StoreError>;
    /// When `user` was last asked in `account`, if ever.
    async fn last_survey_offered(
        &self,
        account: AccountId,
        user: UserId,
    ) -> Result<Option<DateTime<Utc>>, StoreError>;
    /// Stores a new survey; when `source` already asked, returns that survey instead.
    async fn create_survey(
        &self,
        source: &str,
        account: AccountId,
        user: UserId,
        subject: &RatedInteraction,
        now: DateTime<Utc>,
    ) -> Result<Survey, StoreError>;
    /// Records `answered`'s rating (and a rating row) if the survey had none; false otherwise.
    async fn record_answer(&self, answered: &Survey) -> Result<bool, StoreError>;
    /// False when the survey already has a review.
    async fn add_review(
        &self,
        survey: &Survey,
        text: &ReviewText,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    async fn survey_settings(&self, account: AccountId) -> Result<SurveySettings, StoreError>;
    async fn set_survey_settings(
        &self,
        account: AccountId,
        settings: SurveySettings,
    ) -> Result<(), StoreError>;
}
