//! Starting, holding and completing a send. The delivery engine drives these.
use chrono::{DateTime, Utc};

use super::{Campaign, CampaignError, CampaignState, Transition};
use crate::domain::credits::{Balance, LedgerEntry, LedgerKind};
use crate::domain::effects::{Actor, AuditAction, Effect, NotificationKind};

impl Campaign {
    /// Starts an approved campaign whose time has come: the cost is taken from credit, or the
    /// campaign is held until the account is reloaded.
    pub fn start(&self, balance: Balance, now: DateTime<Utc>) -> Result<Transition, CampaignError> {
        match self.state {
            CampaignState::Approved => {}
            CampaignState::Scheduled => {
                let at = self.current_submission()?.mode.send_at().map(|a| a.utc());
                if let Some(at) = at.filter(|at| *at > now) {
                    return Err(CampaignError::NotDue(at));
                }
            }
            other => return Err(CampaignError::CannotStart(other.describe())),
        }
        match self.take_cost(balance, now) {
            Ok(t) => Ok(t),
            Err(CampaignError::InsufficientCredit { needed, available }) => {
                let mut next = self.changed(now);
                next.state = CampaignState::OnHold;
                let effects = vec![
                    next.audit(
                        Actor::System,
                        AuditAction::HeldForCredit,
                        format!("needs {needed}, has {available}"),
                    ),
                    next.notify(NotificationKind::HeldForCredit { needed, available }),
                ];
                Ok(Transition {
                    campaign: next,
                    effects,
                })
            }
            Err(other) => Err(other),
        }
    }

    /// Resumes a held campaign once credit has been added; still short → says by how much.
    pub fn resume(
        &self,
        balance: Balance,
        now: DateTime<Utc>,
    ) -> Result<Transition, CampaignError> {
        if self.state != CampaignState::OnHold {
            return Err(CampaignError::NotOnHold(self.state.describe()));
        }
        self.take_cost(balance, now)
    }

    /// Reserves what is missing, then debits the whole cost, and moves to sending.
    fn take_cost(&self, balance: Balance, now: DateTime<Utc>) -> Result<Transition, CampaignError> {
        let submission = self.current_submission()?;
        let missing = submission.cost.saturating_sub(submission.reserved);
        if balance.available < missing {
            return Err(CampaignError::InsufficientCredit {
                needed: missing,
                available: balance.available,
            });
        }
        let version = submission.version;
        let mut effects = Vec::new();
        let entry = |kind, amount| LedgerEntry {
            kind,
            amount,
            campaign: Some((self.id, version)),
            reason: None,
        };
        if missing.0 > 0 {
            effects.push(Effect::Ledger(entry(LedgerKind::Reserve, missing)));
        }
        effects.push(Effect::Ledger(entry(LedgerKind::Debit, submission.cost)));
        let mut next = self.changed(now);
        next.state = CampaignState::Sending;
        let s = next.submission.as_mut().expect("checked above");
        s.reserved = crate::domain::credits::Credits::ZERO;
        s.debited = s.cost;
        s.started_at = Some(now);
        effects.push(next.audit(Actor::System, AuditAction::StartedSending, String::new()));
        effects.push(next.notify(NotificationKind::StartedSending));
        Ok(Transition {
            campaign: next,
            effects,
        })
    }

    /// Every recipient is delivered or bounced: 100%.
    pub fn complete(&self, now: DateTime<Utc>) -> Result<Transition, CampaignError> {
        if self.state != CampaignState::Sending {
            return Err(CampaignError::NotSending(self.state.describe()));
        }
        let mut next = self.changed(now);
        next.state = CampaignState::Completed;
        next.submission
            .as_mut()
            .expect("a sending campaign has a submission")
            .completed_at = Some(now);
        let effects = vec![
            next.audit(Actor::System, AuditAction::Completed, String::new()),
            next.notify(NotificationKind::Completed),
        ];
        Ok(Transition {
            campaign: next,
            effects,
        })
    }
}
