//! The moderation console's use cases: signing in and out, and what its pages show.
use crate::domain::consent::ConsentDecision;
use crate::domain::consent::ConsentPurpose;
use crate::domain::rating::Rating;
use crate::domain::window::{PlannedGroup, SendPlan};
use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

use crate::domain::account::{Account, AccountSettings};
use crate::domain::campaign::{Campaign, CampaignState};
use crate::domain::credits::Balance;
use crate::domain::delivery::DeliveryCounts;
use crate::domain::effects::Actor;
use crate::domain::ids::{AccountId, CampaignId, ModeratorName, ReviewId};
use crate::domain::sign_in::SignInLimits;
use crate::store::{
    AuditRecord, DecisionFilter, PastRefusal, PendingReview, QueueFilter, ReviewRecord,
    SessionRecord, SignInAttempt,
};

use super::{App, AppError, random_hex};

/// A session lasts a working day; signing in again is cheap.
pub const SESSION_LIFETIME: TimeDelta = TimeDelta::hours(12);

/// How many rows the queue and the history show per page.
pub const PAGE_SIZE: u32 = 25;

/// A moderator's live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeratorSession {
    pub moderator: ModeratorName,
    /// Every form of the session carries it back.
    pub csrf_token: String,
}

/// A new session: the token goes into the cookie and is never stored as is.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub session: ModeratorSession,
}

#[derive(Debug, Clone)]
pub struct QueuePage {
    pub total: u64,
    pub page: u32,
    pub pages: u32,
    pub reviews: Vec<PendingReview>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct ReviewView {
    pub campaign: Campaign,
    pub account_name: String,
    pub refusals: Vec<PastRefusal>,
    /// When the version's recipients may receive it, as the sender saw at finalize.
    pub plan: SendPlan,
    /// A personalised version: its first recipients' messages as they will receive them.
    pub preview: Vec<crate::domain::personal::PreviewMessage>,
    /// Where the version's recipients came from and what their import left out; `None` for
    /// a list imported before this was kept.
    pub origin: Option<crate::domain::audience::ListOrigin>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct HistoryPage {
    pub decisions: Vec<AuditRecord>,
    pub page: u32,
    /// Another page follows.
    pub more: bool,
}

#[derive(Debug, Clone)]
pub struct CampaignProgress {
    pub campaign: Campaign,
    pub counts: DeliveryCounts,
    /// Messages not sent yet that wait for their sending window, soonest opening first.
    pub waiting_for_window: Vec<PlannedGroup>,
}

#[derive(Debug, Clone)]
pub struct CampaignsOverview {
    pub sending: Vec<CampaignProgress>,
    pub on_hold: Vec<Campaign>,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub queue_size: u64,
    pub oldest_wait: Option<TimeDelta>,
    /// Over the versions decided today (UTC), from confirmation to decision.
    pub median_wait_today: Option<TimeDelta>,
    pub decisions_today: u64,
    pub ratings: [u64; 5],
    /// The last 12 months of ratings.
    pub months: Vec<MonthRatings>,
}

/// Ratings given in one calendar month (UTC).
#[derive(Debug, Clone, PartialEq)]
pub struct MonthRatings {
    /// "2027-03".
    pub month: String,
    pub counts: [u64; 5],
    pub total: u64,
    pub average: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct RatingsOverview {
    /// The last 12 months, oldest first, months without ratings included.
    pub months: Vec<MonthRatings>,
    pub reviews: Vec<ReviewRecord>,
    /// (purpose, decision, how many records).
    pub consents: Vec<(ConsentPurpose, ConsentDecision, u64)>,
}

/// Counts `ratings` per month for the 12 months ending with `now`'s.
fn by_month(ratings: &[(Rating, DateTime<Utc>)], now: DateTime<Utc>) -> Vec<MonthRatings> {
    use chrono::Datelike;
    let (year, month) = (now.year(), now.month0() as i32);
    (0..12)
        .rev()
        .map(|back| {
            let m = year * 12 + month - back;
            let label = format!("{}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1);
            let mut counts = [0u64; 5];
            for (rating, at) in ratings {
                if at.year() * 12 + at.month0() as i32 == m
                    && let Some(slot) = counts.get_mut(usize::from(rating.value() - 1))
                {
                    *slot += 1;
                }
            }
            let total: u64 = counts.iter().sum();
            MonthRatings {
                month: label,
                counts,
                total,
                average: crate::domain::rating::average(counts),
            }
        })
        .collect()
}

/// How many campaigns and accounts one console page lists at most.
const OVERVIEW_LIMIT: u32 = 500;

/// A token for a form shown before any session exists (the sign-in form).
pub fn new_form_token() -> Result<String, AppError> {
    random_hex(32)
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A hash of a password nobody has, checked when the name is unknown so that an unknown name
/// costs the same time as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::encode_b64(b"herald-decoy-salt").expect("static salt");
        Argon2::default()
            .hash_password(b"no moderator has this password", &salt)
            .expect("hashing a constant")
            .to_string()
    })
}

fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

fn median(mut waits: Vec<TimeDelta>) -> Option<TimeDelta> {
    waits.sort();
    let n = waits.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(waits[n / 2]),
        _ => Some((waits[n / 2 - 1] + waits[n / 2]) / 2),
    }
}

impl App {
    /// Checks a moderator's name and password and opens a session. `address` is where the
    /// attempt came from: failures are limited per address and per name.
    #[tracing::instrument(skip_all)]
    pub async fn sign_in(
        &self,
        name: &str,
        password: &str,
        address: &str,
    ) -> Result<SignedIn, AppError> {
        let now = self.now();
        let limits = SignInLimits::DEFAULT;
        let since = now - limits.window;
        // A name no moderator can have is never checked by name: the address limit applies.
        let moderator = ModeratorName::parse(name).ok();
        let id = random_hex(16)?;
        let attempt = SignInAttempt {
            id: &id,
            address,
            name: moderator.as_ref(),
            at: now,
        };
        // Reserved (counted as a failure) before argon2 runs, so simultaneous guesses are
        // counted one after the other and none is checked past the limit.
        if !self.store.reserve_sign_in(&attempt, since, limits).await? {
            return Err(AppError::TooManySignIns {
                minutes: limits.window.num_minutes(),
            });
        }
        let stored = match &moderator {
            Some(m) => self.store.moderator_password_hash(m).await?,
            None => None,
        };
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| decoy_hash().to_owned());
        let password = password.to_owned();
        // Hashing takes tens of milliseconds of CPU: off the async workers.
        let matches = tokio::task::spawn_blocking(move || password_matches(&hash, &password))
            .await
            .map_err(AppError::internal)?;
        let moderator = match (moderator.clone(), known && matches) {
            (Some(m), true) => m,
            // The reservation stays: it is this failure's record.
            _ => return Err(AppError::SignInRefused),
        };
        self.store.sign_in_succeeded(&attempt).await?;
        // Housekeeping: a failure here must not refuse a right password.
        if let Err(e) = self.store.prune_console(now, since).await {
            tracing::warn!(error = %e, "could not prune expired sessions and sign-in failures");
        }
        let token = random_hex(32)?;
        let session = ModeratorSession {
            moderator,
            csrf_token: random_hex(32)?,
        };
        self.store
            .create_session(&SessionRecord {
                token_hash: sha256_hex(&token),
                moderator: session.moderator.clone(),
                csrf_token: session.csrf_token.clone(),
                created_at: now,
                expires_at: now + SESSION_LIFETIME,
            })
            .await?;
        tracing::info!(moderator = %session.moderator, "moderator signed in");
        Ok(SignedIn { token, session })
    }

    /// The live session a cookie's token opens, if any.
    #[tracing::instrument(skip_all, level = "debug")]
    pub async fn console_session(&self, token: &str) -> Result<Option<ModeratorSession>, AppError> {
        Ok(self
            .store
            .session(&sha256_hex(token), self.now())
            .await?
            .map(|s| ModeratorSession {
                moderator: s.moderator,
                csrf_token: s.csrf_token,
            }))
    }

    #[tracing::instrument(skip_all)]
    pub async fn sign_out(&self, token: &str) -> Result<(), AppError> {
        Ok(self.store.delete_session(&sha256_hex(token)).await?)
    }

    /// One page (from 1) of the versions waiting for review that `filter` keeps, oldest
    /// first, with who is reviewing each.
    #[tracing::instrument(skip_all, level = "debug")]
    pub async fn review_queue(
        &self,
        filter: &QueueFilter,
        page: u32,
    ) -> Result<QueuePage, AppError> {
        let now = self.now();
        let pages_of = |total: u64| {
            u32::try_from(total.div_ceil(u64::from(PAGE_SIZE)))
                .unwrap_or(u32::MAX)
                .max(1)
        };
        let offset_of = |page: u32| u64::from(page - 1) * u64::from(PAGE_SIZE);
        let total = self.store.pending_count(filter).await?;
        let pages = pages_of(total);
        let page = page.clamp(1, pages);
        let reviews = self
            .store
            .pending_reviews(filter, now, offset_of(page), PAGE_SIZE)
            .await?;
        Ok(QueuePage {
            total,
            page,
            pages,
            reviews,
            now,
        })
    }

    /// Where a list came from, if that was kept and can still be read.
    async fn list_origin(
        &self,
        list: crate::domain::ids::ListId,
    ) -> Result<Option<crate::domain::audience::ListOrigin>, AppError> {
        let Some(stored) = self.store.list_origin(list).await? else {
            return Ok(None);
        };
        match serde_json::from_str(&stored) {
            Ok(origin) => Ok(Some(origin)),
            Err(e) => {
                tracing::warn!(list = list.0, error = %e, "a list's origin can't be read");
                Ok(None)
            }
        }
    }

    /// A campaign as a moderator reviews it.
    #[tracing::instrument(skip_all, fields(campaign = campaign.0))]
    pub async fn review(&self, campaign: CampaignId) -> Result<ReviewView, AppError> {
        let unknown = || AppError::UnknownCampaign(format!("#{}", campaign.0));
        let found = self
            .store
            .campaign_by_id(campaign)
            .await?
            .ok_or_else(unknown)?;
        let (account, _) = self
            .store
            .account(found.account)
            .await?
            .ok_or_else(unknown)?;
        let now = self.now();
        let plan = match &found.submission {
            Some(submission) => {
                let at = submission.mode.send_at().map_or(now, |a| a.utc().max(now));
                let destinations = self.destinations_of(submission.recipients.id).await?;
                SendPlan::new(&account.sending_policy, &destinations, at)
            }
            None => SendPlan::default(),
        };
        let preview = match &found.submission {
            Some(s) if s.personalised => self.preview(&s.body, s.recipients.id).await?,
            _ => Vec::new(),
        };
        let origin = match &found.submission {
            Some(s) => self.list_origin(s.recipients.id).await?,
            None => None,
        };
        Ok(ReviewView {
            preview,
            origin,
            refusals: self.store.past_refusals(campaign).await?,
            campaign: found,
            account_name: account.name,
            plan,
            now,
        })
    }

    /// One page (from 1) of review decisions, newest first.
    #[tracing::instrument(skip_all, level = "debug")]
    pub async fn decision_history(
        &self,
        filter: &DecisionFilter,
        page: u32,
    ) -> Result<HistoryPage, AppError> {
        let page = page.max(1);
        let offset = u64::from(page - 1) * u64::from(PAGE_SIZE);
        let mut decisions = self.store.decisions(filter, offset, PAGE_SIZE + 1).await?;
        let more = decisions.len() > PAGE_SIZE as usize;
        decisions.truncate(PAGE_SIZE as usize);
        Ok(HistoryPage {
            decisions,
            page,
            more,
        })
    }

    /// Campaigns sending now with their progress, and those on hold for credit.
    #[tracing::instrument(skip_all, level = "debug")]
    pub async fn campaigns_overview(&self) -> Result<CampaignsOverview, AppError> {
        let sending = self
            .store
            .campaigns_in_states(&[CampaignState::Sending], OVERVIEW_LIMIT)
            .await?;
        let mut progress = Vec::with_capacity(sending.len());
        for campaign in sending {
            let Some(version) = campaign.submission.as_ref().map(|s| s.version) else {
                continue;
            };
            let counts = self.store.delivery_counts(campaign.id, version).await?;
            let (account, _) = self.account(campaign.account).await?;
            let plan = self
                .unsent_plan(campaign.id, version, &account.sending_policy, self.now())
                .await?;
            progress.push(CampaignProgress {
                campaign,
                counts,
                waiting_for_window: plan.waiting_groups().cloned().collect(),
            });
        }
        Ok(CampaignsOverview {
            sending: progress,
            on_hold: self
                .store
                .campaigns_in_states(&[CampaignState::OnHold], OVERVIEW_LIMIT)
                .await?,
        })
    }

    #[tracing::instrument(skip_all, level = "debug")]
    pub async fn accounts_overview(&self) -> Result<Vec<(Account, Balance)>, AppError> {
        Ok(self.store.accounts(OVERVIEW_LIMIT).await?)
    }

    /// Turns automatic validation on or off for an account (audited under the moderator).
    #[tracing::instrument(skip_all, fields(server = account.0, moderator = %moderator))]
    pub async fn set_auto_validation(
        &self,
        account: AccountId,
        on: bool,
        moderator: &ModeratorName,
    ) -> Result<Account, AppError> {
        let settings = AccountSettings {
            auto_validation: Some(on),
            ..AccountSettings::default()
        };
        self.change_settings(account, settings, Actor::Moderator(moderator.clone()))
            .await
    }

    /// Ratings per month, public reviews and consent counts.
    #[tracing::instrument(skip_all, level = "debug")]
    pub async fn ratings_overview(&self) -> Result<RatingsOverview, AppError> {
        let now = self.now();
        let since = now - TimeDelta::days(370);
        let ratings = self.store.ratings_since(since).await?;
        Ok(RatingsOverview {
            months: by_month(&ratings, now),
            reviews: self.store.reviews(OVERVIEW_LIMIT).await?,
            consents: self.store.consent_counts().await?,
        })
    }

    /// Takes a public review off publication (kept, marked with who and when).
    #[tracing::instrument(skip_all, fields(moderator = %moderator, review = id.0))]
    pub async fn unpublish_review(
        &self,
        id: ReviewId,
        moderator: &ModeratorName,
    ) -> Result<(), AppError> {
        match self
            .store
            .unpublish_review(id, moderator, self.now())
            .await?
        {
            true => Ok(()),
            false => Err(AppError::UnknownReview),
        }
    }

    #[tracing::instrument(skip_all, level = "debug")]
    pub async fn dashboard(&self) -> Result<Dashboard, AppError> {
        let now = self.now();
        let today = now
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists in UTC")
            .and_utc();
        let waits: Vec<TimeDelta> = self
            .store
            .review_waits(today)
            .await?
            .into_iter()
            .map(|(confirmed, decided)| decided - confirmed)
            .collect();
        let everything = QueueFilter::default();
        let oldest = self
            .store
            .pending_reviews(&everything, self.now(), 0, 1)
            .await?;
        Ok(Dashboard {
            queue_size: self.store.pending_count(&everything).await?,
            oldest_wait: oldest
                .first()
                .and_then(|r| r.campaign.submission.as_ref())
                .map(|s| now - s.confirmed_at),
            decisions_today: waits.len() as u64,
            median_wait_today: median(waits),
            ratings: self.store.rating_counts().await?,
            months: by_month(
                &self.store.ratings_since(now - TimeDelta::days(370)).await?,
                now,
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_even_and_odd_counts() {
        let m = |v: &[i64]| median(v.iter().map(|s| TimeDelta::seconds(*s)).collect());
        assert_eq!(m(&[]), None);
        assert_eq!(m(&[30, 10, 20]), Some(TimeDelta::seconds(20)));
        assert_eq!(m(&[40, 10, 20, 30]), Some(TimeDelta::seconds(25)));
    }

    #[test]
    fn ratings_are_counted_per_calendar_month() {
        use chrono::TimeZone;
        let now = Utc.with_ymd_and_hms(2027, 3, 2, 9, 0, 0).unwrap();
        let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap();
        let stars = |n| Rating::new(n).unwrap();
        let months = by_month(
            &[
                (stars(5), at(2027, 3, 1)),
                (stars(2), at(2027, 3, 2)),
                (stars(4), at(2026, 12, 31)),
                (stars(1), at(2026, 3, 1)),
            ],
            now,
        );
        assert_eq!(months.len(), 12);
        assert_eq!(months[0].month, "2026-04");
        let march = &months[11];
        assert_eq!(
            (march.month.as_str(), march.counts, march.average),
            ("2027-03", [0, 1, 0, 0, 1], Some(3.5))
        );
        assert_eq!(months[8].month, "2026-12");
        assert_eq!(months[8].counts, [0, 0, 0, 1, 0]);
        assert_eq!(
            months.iter().map(|m| m.total).sum::<u64>(),
            3,
            "March 2026 is out of the window"
        );
    }

    #[test]
    fn decoy_hash_matches_no_password() {
        assert!(!password_matches(decoy_hash(), ""));
        assert!(!password_matches(decoy_hash(), "hunter2hunter2"));
        assert!(!password_matches("not a hash", "x"));
    }
}
