//! Satisfaction surveys: offered when an interaction ends, answered once, with a follow-up that
//! fits the answer, and an invitation to review publicly offered to every rater.
use crate::domain::consent::{ConsentDecision, ConsentPurpose, ConsentRecord, Notice};
use crate::domain::ids::{AccountId, SurveyId, UserId};
use crate::domain::rating::{RatedInteraction, Rating};
use crate::domain::survey::{FollowUp, ReviewText, Survey, SurveyError, may_offer};
use crate::store::SurveySettings;

use super::{App, AppError};

/// What a rating leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurveyAnswer {
    pub rating: Rating,
    pub follow_up: FollowUp,
    /// Every rater is offered it (when the server has not turned it off), whatever the rating.
    pub invite_public_review: bool,
}

impl App {
    /// Offers a survey to `user` about `subject`, unless they were asked in this server within
    /// its fatigue window. `source` names what asks (an outbox item): asking again from the same
    /// source gives the same survey, while it is open.
    #[tracing::instrument(skip_all, fields(server = account.0, user = user.0))]
    pub async fn offer_survey(
        &self,
        source: &str,
        account: AccountId,
        user: UserId,
        subject: RatedInteraction,
    ) -> Result<Option<SurveyId>, AppError> {
        let now = self.now();
        if let Some(existing) = self.store.survey_from(source).await? {
            let open = existing.answer.is_none() && now < existing.expires_at();
            return Ok(open.then_some(existing.id));
        }
        let settings = self.store.survey_settings(account).await?;
        let last = self.store.last_survey_offered(account, user).await?;
        if !may_offer(last, now, settings.fatigue_days) {
            return Ok(None);
        }
        let survey = self
            .store
            .create_survey(source, account, user, &subject, now)
            .await?;
        Ok(Some(survey.id))
    }

    /// `user` rates survey `id`. A second answer, an expired survey or someone else's is
    /// refused with a message, and nothing changes.
    #[tracing::instrument(skip_all, fields(user = user.0, id = id.0))]
    pub async fn answer_survey(
        &self,
        id: SurveyId,
        user: UserId,
        rating: i64,
    ) -> Result<SurveyAnswer, AppError> {
        let rating = Rating::new(rating)?;
        let survey = self
            .store
            .survey(id)
            .await?
            .ok_or(AppError::UnknownSurvey)?;
        let (answered, follow_up) = survey.answer(user, rating, self.now())?;
        if !self.store.record_answer(&answered).await? {
            // Someone (another click, another process) answered in between: read what stands.
            let now_stored = self
                .store
                .survey(id)
                .await?
                .ok_or(AppError::UnknownSurvey)?;
            let given = now_stored.answer.map_or(rating.value(), |(r, _)| r.value());
            return Err(SurveyError::AlreadyAnswered(given).into());
        }
        let settings = self.store.survey_settings(survey.account).await?;
        Ok(SurveyAnswer {
            rating,
            follow_up,
            invite_public_review: settings.public_review_invitation,
        })
    }

    /// Stores a public review of a rated survey, with the reviewer's consent to publish it
    /// (recorded with the notice they saw).
    #[tracing::instrument(skip_all, fields(user = user.0, id = id.0))]
    pub async fn share_review(
        &self,
        id: SurveyId,
        user: UserId,
        text: &str,
        notice: Notice,
        interaction: Option<String>,
    ) -> Result<(), AppError> {
        let text = ReviewText::parse(text)?;
        let survey = self.own_survey(id, user).await?;
        if survey.answer.is_none() {
            return Err(SurveyError::NotAnswered.into());
        }
        let consent = ConsentRecord {
            account: survey.account,
            user,
            purpose: ConsentPurpose::PublicReview,
            notice,
            decision: ConsentDecision::Granted,
            interaction,
        };
        self.store.append_consent(&consent, self.now()).await?;
        if !self.store.add_review(&survey, &text, self.now()).await? {
            return Err(AppError::ReviewExists);
        }
        Ok(())
    }

    /// The server a survey of `user` belongs to (to reach its team from a DM).
    #[tracing::instrument(skip_all, level = "debug", fields(user = user.0, id = id.0))]
    pub async fn survey_account(&self, id: SurveyId, user: UserId) -> Result<AccountId, AppError> {
        Ok(self.own_survey(id, user).await?.account)
    }

    /// Survey `id`, if it was meant for `user`.
    async fn own_survey(&self, id: SurveyId, user: UserId) -> Result<Survey, AppError> {
        let survey = self
            .store
            .survey(id)
            .await?
            .ok_or(AppError::UnknownSurvey)?;
        match survey.user == user {
            true => Ok(survey),
            false => Err(SurveyError::NotYours.into()),
        }
    }

    #[tracing::instrument(skip_all, level = "debug", fields(server = account.0))]
    pub async fn survey_settings(&self, account: AccountId) -> Result<SurveySettings, AppError> {
        Ok(self.store.survey_settings(account).await?)
    }

    #[tracing::instrument(skip_all, fields(server = account.0))]
    pub async fn set_survey_settings(
        &self,
        account: AccountId,
        settings: SurveySettings,
    ) -> Result<(), AppError> {
        self.account(account).await?;
        Ok(self.store.set_survey_settings(account, settings).await?)
    }
}
