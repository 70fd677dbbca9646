//! Claims: opening a version to review claims it for a while, so that two moderators don't
//! read the same item; another may take it over deliberately. Decisions stay first-wins: a
//! claim only tells who is looking.
use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::ids::{CampaignId, ModeratorName};

pub const CLAIM_TTL: TimeDelta = TimeDelta::minutes(10);

/// Who is reviewing a version, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub campaign: CampaignId,
    pub version: u32,
    pub moderator: ModeratorName,
    pub until: DateTime<Utc>,
}

/// What opening an item did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The moderator holds it now (new, renewed, or taken over).
    Held(Claim),
    /// Someone else is reviewing it.
    HeldByOther(Claim),
}

impl Claim {
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.until > now
    }

    /// What `moderator` opening the item at `now` does to `current`: claim it when free (or
    /// when `take_over`), renew their own, or leave someone else's.
    pub fn open(
        current: Option<&Claim>,
        campaign: CampaignId,
        version: u32,
        moderator: &ModeratorName,
        take_over: bool,
        now: DateTime<Utc>,
    ) -> ClaimOutcome {
        match current {
            Some(c)
                if c.is_live(now)
                    && c.version == version
                    && &c.moderator != moderator
                    && !take_over =>
            {
                ClaimOutcome::HeldByOther(c.clone())
            }
            _ => ClaimOutcome::Held(Claim {
                campaign,
                version,
                moderator: moderator.clone(),
                until: now + CLAIM_TTL,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn name(s: &str) -> ModeratorName {
        ModeratorName::parse(s).unwrap()
    }

    #[test]
    fn a_live_claim_is_kept_until_taken_over_or_expired() {
        let now = Utc.with_ymd_and_hms(2027, 3, 2, 9, 0, 0).unwrap();
        let c = CampaignId(1);
        let ClaimOutcome::Held(alice) = Claim::open(None, c, 2, &name("alice"), false, now) else {
            panic!("free")
        };
        assert_eq!(alice.until, now + CLAIM_TTL);
        let later = now + TimeDelta::minutes(3);
        assert_eq!(
            Claim::open(Some(&alice), c, 2, &name("bob"), false, later),
            ClaimOutcome::HeldByOther(alice.clone())
        );
        // Her own: renewed.
        let ClaimOutcome::Held(renewed) =
            Claim::open(Some(&alice), c, 2, &name("alice"), false, later)
        else {
            panic!("hers")
        };
        assert_eq!(renewed.until, later + CLAIM_TTL);
        // Taken over deliberately, or after it ran out, or for a newer version.
        for (by, take, at, version) in [
            ("bob", true, later, 2),
            ("bob", false, now + CLAIM_TTL, 2),
            ("bob", false, later, 3),
        ] {
            let ClaimOutcome::Held(c) = Claim::open(Some(&alice), c, version, &name(by), take, at)
            else {
                panic!("{by} {take} {at} {version}")
            };
            assert_eq!(c.moderator, name("bob"));
        }
    }
}
