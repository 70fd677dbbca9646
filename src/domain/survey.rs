//! "How was your experience?": when a survey may be offered, and what an answer leads to.
use chrono::{DateTime, TimeDelta, Utc};

use super::ids::SurveyId;
use super::ids::{AccountId, UserId};
use super::rating::{RatedInteraction, Rating};

/// A survey stays open this long after it is offered.
pub const SURVEY_LIFETIME: TimeDelta = TimeDelta::days(7);
/// By default a person is asked at most once in this long, per server.
pub const DEFAULT_FATIGUE_DAYS: u32 = 14;

/// Whether a person last asked at `last_offered` may be asked again at `now`.
pub fn may_offer(
    last_offered: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    fatigue_days: u32,
) -> bool {
    last_offered.is_none_or(|last| now >= last + TimeDelta::days(i64::from(fatigue_days)))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    pub id: SurveyId,
    pub account: AccountId,
    pub user: UserId,
    pub subject: RatedInteraction,
    pub offered_at: DateTime<Utc>,
    pub answer: Option<(Rating, DateTime<Utc>)>,
}

/// What follows a rating: an apology and an offer to talk again for 1–2, thanks for 3–5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUp {
    Apology,
    Thanks,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SurveyError {
    #[error("you already rated this {0}/5: thank you, your answer is kept as it was")]
    AlreadyAnswered(u8),
    #[error("this survey has expired (they stay open 7 days): thank you all the same")]
    Expired,
    #[error("this survey was meant for someone else: nothing was recorded")]
    NotYours,
    #[error("rate this first: a public review goes with a rating")]
    NotAnswered,
    #[error("a review can't be empty: write a few words, or close the form")]
    EmptyReview,
    #[error("a review holds at most {max} characters; this one has {chars}: shorten it")]
    ReviewTooLong { chars: usize, max: usize },
}

impl Survey {
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.offered_at + SURVEY_LIFETIME
    }

    /// `user` answers `rating` at `now`: one answer per survey, while it is open.
    pub fn answer(
        &self,
        user: UserId,
        rating: Rating,
        now: DateTime<Utc>,
    ) -> Result<(Survey, FollowUp), SurveyError> {
        if user != self.user {
            return Err(SurveyError::NotYours);
        }
        if let Some((given, _)) = self.answer {
            return Err(SurveyError::AlreadyAnswered(given.value()));
        }
        if now >= self.expires_at() {
            return Err(SurveyError::Expired);
        }
        let follow_up = match rating.is_unhappy() {
            true => FollowUp::Apology,
            false => FollowUp::Thanks,
        };
        let mut answered = self.clone();
        answered.answer = Some((rating, now));
        Ok((answered, follow_up))
    }
}

/// A public review's text: 1 to 1,000 characters once trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewText(String);

impl ReviewText {
    pub const MAX_CHARS: usize = 1_000;

    pub fn parse(text: &str) -> Result<ReviewText, SurveyError> {
        let text = text.trim();
        let chars = text.chars().count();
        match chars {
            0 => Err(SurveyError::EmptyReview),
            n if n > Self::MAX_CHARS => Err(SurveyError::ReviewTooLong {
                chars: n,
                max: Self::MAX_CHARS,
            }),
            _ => Ok(ReviewText(text.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn survey(offered_at: DateTime<Utc>) -> Survey {
        Survey {
            id: SurveyId(1),
            account: AccountId(1),
            user: UserId(2),
            subject: RatedInteraction::Campaign {
                campaign: crate::domain::ids::CampaignId(3),
            },
            offered_at,
            answer: None,
        }
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 2, 9, 0, 0).unwrap()
    }

    /// Property, over many generated (last offer, now, fatigue) triples from a fixed seed: an
    /// offer is allowed exactly when `fatigue_days` have passed since the last one, and never
    /// twice inside one fatigue window.
    #[test]
    fn at_most_one_offer_per_fatigue_window() {
        let mut seed: u64 = 0x5eed;
        let mut next = |bound: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % bound
        };
        for _ in 0..10_000 {
            let fatigue = 1 + next(60) as u32;
            let last = t0() + TimeDelta::seconds(next(10_000_000) as i64);
            let now = last + TimeDelta::seconds(next(120 * 86_400) as i64);
            let window = TimeDelta::days(i64::from(fatigue));
            assert_eq!(may_offer(Some(last), now, fatigue), now - last >= window);
            // Walking a clock forward offering whenever allowed: offers are a window apart.
            let mut offered: Option<DateTime<Utc>> = None;
            let mut clock = last;
            while clock < now {
                if may_offer(offered, clock, fatigue) {
                    if let Some(previous) = offered {
                        assert!(clock - previous >= window);
                    }
                    offered = Some(clock);
                }
                clock += TimeDelta::hours(1 + next(72) as i64);
            }
        }
        assert!(may_offer(None, t0(), 14));
    }

    #[test]
    fn one_answer_per_survey_while_it_is_open() {
        let s = survey(t0());
        let four = Rating::new(4).unwrap();
        let (answered, follow_up) = s.answer(UserId(2), four, t0()).unwrap();
        assert_eq!(follow_up, FollowUp::Thanks);
        assert_eq!(
            answered.answer(UserId(2), Rating::new(1).unwrap(), t0()),
            Err(SurveyError::AlreadyAnswered(4))
        );
        assert_eq!(
            s.answer(UserId(2), Rating::new(2).unwrap(), t0())
                .unwrap()
                .1,
            FollowUp::Apology
        );
        assert_eq!(s.answer(UserId(9), four, t0()), Err(SurveyError::NotYours));
        let late = t0() + SURVEY_LIFETIME;
        assert_eq!(s.answer(UserId(2), four, late), Err(SurveyError::Expired));
        assert!(
            s.answer(UserId(2), four, late - TimeDelta::seconds(1))
                .is_ok()
        );
    }

    #[test]
    fn reviews_are_one_to_a_thousand_characters() {
        assert_eq!(ReviewText::parse("  "), Err(SurveyError::EmptyReview));
        assert_eq!(ReviewText::parse(" Great ").unwrap().as_str(), "Great");
        assert!(matches!(
            ReviewText::parse(&"x".repeat(1_001)),
            Err(SurveyError::ReviewTooLong { chars: 1_001, .. })
        ));
    }
}
