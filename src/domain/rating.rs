//! Satisfaction ratings, 1 to 5.
use serde::{Deserialize, Serialize};

use super::ids::{AccountId, CampaignId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Rating(u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a rating: choose a whole number from 1 to 5")]
pub struct InvalidRating(pub i64);

impl TryFrom<u8> for Rating {
    type Error = InvalidRating;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Rating::new(i64::from(value))
    }
}

impl From<Rating> for u8 {
    fn from(r: Rating) -> u8 {
        r.0
    }
}

impl Rating {
    pub fn new(value: i64) -> Result<Rating, InvalidRating> {
        match u8::try_from(value) {
            Ok(v @ 1..=5) => Ok(Rating(v)),
            _ => Err(InvalidRating(value)),
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// 1–2 call for an apology and an offer to talk again; 3–5 for thanks.
    pub fn is_unhappy(self) -> bool {
        self.0 <= 2
    }
}

/// The mean rating, given how many ratings of 1, 2, 3, 4 and 5; none without ratings.
pub fn average(counts: [u64; 5]) -> Option<f64> {
    let total: u64 = counts.iter().sum();
    let sum: u64 = (1u64..=5).zip(counts).map(|(r, n)| r * n).sum();
    (total > 0).then(|| sum as f64 / total as f64)
}

/// What was rated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RatedInteraction {
    Campaign { campaign: CampaignId },
    Refusal { campaign: CampaignId, version: u32 },
    Support { thread: u64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingRecord {
    pub account: AccountId,
    pub user: UserId,
    pub subject: RatedInteraction,
    pub rating: Rating,
    pub comment: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_to_five_are_ratings() {
        assert!(Rating::new(0).is_err());
        assert!(Rating::new(6).is_err());
        assert!(Rating::new(-1).is_err());
        assert!(Rating::new(256 + 3).is_err());
        assert_eq!(Rating::new(5).unwrap().value(), 5);
        assert!(Rating::new(2).unwrap().is_unhappy());
        assert!(!Rating::new(3).unwrap().is_unhappy());
        assert!(serde_json::from_str::<Rating>("7").is_err());
        assert_eq!(serde_json::from_str::<Rating>("4").unwrap().value(), 4);
    }

    #[test]
    fn the_average_weighs_each_rating_by_its_count() {
        assert_eq!(average([0; 5]), None);
        assert_eq!(average([1, 0, 1, 0, 2]), Some(3.5));
    }
}
