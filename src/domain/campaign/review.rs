//! Moderation and cancellation.
use chrono::{DateTime, Utc};

use super::{Campaign, CampaignError, CampaignState, Refusal, Review, Reviewer, Transition};
use crate::domain::credits::{Credits, LedgerEntry, LedgerKind};
use crate::domain::effects::{Actor, AuditAction, Effect, NotificationKind};
use crate::domain::ids::{ModeratorName, UserId};

impl Campaign {
    /// Checks that `version` is the one waiting for review; otherwise says who decided it, and when.
    fn pending_version(&self, version: u32) -> Result<(), CampaignError> {
        let decided = self.submissions_decision(version);
        if let Some(err) = decided {
            return Err(err);
        }
        match (&self.state, &self.submission) {
            (CampaignState::PendingReview, Some(s))
                if s.version == version && s.review == Review::Pending =>
            {
                Ok(())
            }
            _ => Err(CampaignError::NotPendingReview {
                requested: version,
                state: self.state,
            }),
        }
    }

    fn submissions_decision(&self, version: u32) -> Option<CampaignError> {
        let s = self.submission.as_ref().filter(|s| s.version == version)?;
        let (approved, by, at) = match &s.review {
            Review::Pending => return None,
            Review::Approved { by, at } => (true, by, at),
            Review::Refused { by, at, .. } => (false, by, at),
        };
        Some(CampaignError::AlreadyDecided {
            version,
            approved,
            by: by.clone(),
            at: *at,
        })
    }

    pub fn approve(
        &self,
        version: u32,
        moderator: &ModeratorName,
        now: DateTime<Utc>,
    ) -> Result<Transition, CampaignError> {
        self.pending_version(version)?;
        let mut next = self.changed(now);
        let submission = next.submission.as_mut().expect("checked pending");
        submission.review = Review::Approved {
            by: Reviewer::Moderator(moderator.clone()),
            at: now,
        };
        next.state = if submission.mode.send_at().is_some() {
            CampaignState::Scheduled
        } else {
            CampaignState::Approved
        };
        let effects = vec![
            next.audit(
                Actor::Moderator(moderator.clone()),
                AuditAction::Approved,
                String::new(),
            ),
            next.notify(NotificationKind::Approved { automatic: false }),
        ];
        Ok(Transition {
            campaign: next,
            effects,
        })
    }

    /// Refuses the version: the campaign is a draft again, with the refusal visible on it.
    pub fn refuse(
        &self,
        version: u32,
        refusal: Refusal,
        moderator: &ModeratorName,
        now: DateTime<Utc>,
    ) -> Result<Transition, CampaignError> {
        self.pending_version(version)?;
        let mut next = self.changed(now);
        let mut effects = next.release_reservation();
        let submission = next.submission.as_mut().expect("checked pending");
        submission.review = Review::Refused {
            by: Reviewer::Moderator(moderator.clone()),
            at: now,
            refusal: refusal.clone(),
        };
        next.state = CampaignState::Draft;
        effects.push(next.audit(
            Actor::Moderator(moderator.clone()),
            AuditAction::Refused,
            format!("{}: {}", refusal.code().as_str(), refusal.text()),
        ));
        effects.push(next.notify(NotificationKind::Refused {
            code: refusal.code(),
            reason: refusal.text().to_owned(),
        }));
        Ok(Transition {
            campaign: next,
            effects,
        })
    }

    /// Whether [`cancel`](Self::cancel) would be accepted now.
    pub fn can_be_cancelled(&self) -> bool {
        self.check_cancellable().is_ok()
    }

    pub(super) fn check_cancellable(&self) -> Result<(), CampaignError> {
        match self.state {
            CampaignState::AwaitingConfirmation
            | CampaignState::PendingReview
            | CampaignState::Approved
            | CampaignState::Scheduled
            | CampaignState::OnHold => Ok(()),
            CampaignState::Sending
                if self
                    .submission
                    .as_ref()
                    .is_some_and(|s| s.cancelled.is_none()) =>
            {
                Ok(())
            }
            CampaignState::Draft => Err(CampaignError::NothingToCancel),
            other => Err(CampaignError::CannotCancel(other)),
        }
    }

    /// Back to draft, the reserved credit released. A version not yet sent is closed as cancelled.
    pub fn cancel(&self, by: UserId, now: DateTime<Utc>) -> Result<Transition, CampaignError> {
        self.check_cancellable()?;
        if self.state == CampaignState::Sending {
            return self.stop(by, now);
        }
        let mut next = self.changed(now);
        next.state = CampaignState::Draft;
        if self.state == CampaignState::AwaitingConfirmation {
            // No version exists yet: dropping the pending confirmation is all there is to do.
            return Ok(Transition {
                campaign: next,
                effects: Vec::new(),
            });
        }
        let mut effects = next.release_reservation();
        next.submission
            .as_mut()
            .expect("a submitted state has a submission")
            .cancelled = Some((by, now));
        effects.push(next.audit(Actor::User(by), AuditAction::Cancelled, String::new()));
        Ok(Transition {
            campaign: next,
            effects,
        })
    }

    /// Gives back what the current version still holds in reserve.
    fn release_reservation(&mut self) -> Vec<Effect> {
        let Some(submission) = self.submission.as_mut() else {
            return Vec::new();
        };
        let amount = std::mem::replace(&mut submission.reserved, Credits::ZERO);
        if amount == Credits::ZERO {
            return Vec::new();
        }
        vec![Effect::Ledger(LedgerEntry {
            kind: LedgerKind::Release,
            amount,
            campaign: Some((self.id, submission.version)),
            reason: None,
        })]
    }
}
