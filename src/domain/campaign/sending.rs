//! Starting, holding and completing a send. The delivery engine drives these.
use chrono::{DateTime, Utc};

use super::{Campaign, CampaignError, CampaignState, Transition};
use crate::domain::credits::{Balance, Credits, LedgerEntry, LedgerKind};
use crate::domain::delivery::DeliveryCounts;
use crate::domain::effects::{Actor, AuditAction, Effect, NotificationKind};
use crate::domain::ids::UserId;

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
            other => return Err(CampaignError::CannotStart(other)),
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
            return Err(CampaignError::NotOnHold(self.state));
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
        effects.push(Effect::QueueVersion {
            account: self.account,
            campaign: self.id,
            version,
            list: submission.recipients.id,
        });
        effects.push(next.audit(Actor::System, AuditAction::StartedSending, String::new()));
        effects.push(next.notify(NotificationKind::StartedSending));
        Ok(Transition {
            campaign: next,
            effects,
        })
    }

    /// Every message has its outcome: 100%. Messages paid for and never sent (opted out, or
    /// stopped) are refunded: `unsent_cost` is what they cost when each message of a
    /// personalised version has its own (`None`: the version's segments each).
    pub fn complete(
        &self,
        counts: &DeliveryCounts,
        unsent_cost: Option<Credits>,
        now: DateTime<Utc>,
    ) -> Result<Transition, CampaignError> {
        if self.state != CampaignState::Sending {
            return Err(CampaignError::NotSending(self.state));
        }
        if !counts.is_done() {
            return Err(CampaignError::StillSending(counts.percent()));
        }
        let submission = self.current_submission()?;
        let refund = match unsent_cost {
            Some(cost) => cost,
            None => Credits::cost_of(
                super::confirmation::priced_body(&submission.body, submission.short_links.as_ref())
                    .segments(),
                counts.unsent(),
            )
            .ok_or(CampaignError::CostOverflow)?,
        }
        .min(submission.debited);
        let mut effects = Vec::new();
        if refund > Credits::ZERO {
            effects.push(Effect::Ledger(LedgerEntry {
                kind: LedgerKind::Refund,
                amount: refund,
                campaign: Some((self.id, submission.version)),
                reason: Some(format!("{} message(s) not sent", counts.unsent())),
            }));
        }
        let mut next = self.changed(now);
        next.state = CampaignState::Completed;
        next.submission
            .as_mut()
            .expect("a sending campaign has a submission")
            .completed_at = Some(now);
        effects.push(next.audit(
            Actor::System,
            AuditAction::Completed,
            format!(
                "{} delivered, {} bounced, {} not sent",
                counts.delivered,
                counts.bounced,
                counts.unsent()
            ),
        ));
        effects.push(next.notify(NotificationKind::Completed));
        Ok(Transition {
            campaign: next,
            effects,
        })
    }

    /// Stops a sending campaign: messages not yet handed to the gateway are not sent (and are
    /// refunded at completion); those already handed over finish normally.
    pub(super) fn stop(&self, by: UserId, now: DateTime<Utc>) -> Result<Transition, CampaignError> {
        let submission = self.current_submission()?;
        if self.state != CampaignState::Sending || submission.cancelled.is_some() {
            return Err(CampaignError::CannotCancel(self.state));
        }
        let version = submission.version;
        let mut next = self.changed(now);
        next.submission.as_mut().expect("checked above").cancelled = Some((by, now));
        let effects = vec![
            Effect::StopVersion {
                campaign: self.id,
                version,
            },
            next.audit(
                Actor::User(by),
                AuditAction::Cancelled,
                "stopped while sending".into(),
            ),
        ];
        Ok(Transition {
            campaign: next,
            effects,
        })
    }
}
