//! The delivery engine's use cases: claim due attempts, record what the gateway answered and
//! what its reports said, and give up on attempts that never got an answer.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::delivery::{
    DeliveryStatus, Report, RetryPolicy, SkipReason, Step, SubmitOutcome, WindowGate,
    says_number_unknown,
};
use crate::domain::effects::{Actor, AuditAction, AuditEntry};
use crate::domain::ids::{AccountId, DeliveryId};
use crate::domain::opt_out::OptOutReason;
use crate::domain::phone::PhoneNumber;
use crate::domain::window::{Decision, Destination, SendingPolicy};
use crate::store::{DeliveryJob, DeliveryRecord, WindowHold, WindowOf};

use super::{App, AppError, Requester};

/// How long a claimed attempt may wait in the dispatcher before it reaches the gateway. A
/// claim hands over only attempts whose window is open now and still open after the margin
/// (a window is one stretch of daytime, closed for at least twelve hours: open at both ends
/// of a minute means open throughout); the dispatcher gives back any attempt that waited
/// longer ([`App::hand_over`]).
pub const HAND_OVER_MARGIN: TimeDelta = TimeDelta::seconds(30);

/// Sending-window decisions for one instant, each account's policy read once and each
/// destination decided once: a claim of thousands of messages decides a handful of times.
struct Windows<'a> {
    app: &'a App,
    at: DateTime<Utc>,
    /// The window must also be open this long after `at`.
    margin: TimeDelta,
    policies: HashMap<AccountId, SendingPolicy>,
    decided: HashMap<(AccountId, Destination), Decision>,
}

impl<'a> Windows<'a> {
    fn new(app: &'a App, at: DateTime<Utc>, margin: TimeDelta) -> Windows<'a> {
        Windows {
            app,
            at,
            margin,
            policies: HashMap::new(),
            decided: HashMap::new(),
        }
    }

    async fn decide(&mut self, window: &WindowOf, phone: &str) -> Decision {
        if window.exempt {
            return Decision::Now;
        }
        let destination = match window.destination {
            Some(d) => d,
            // Queued before destinations were kept: worked out from the number. One that
            // can't be read is failed by the dispatcher; until then it is read as Paris.
            None => PhoneNumber::from_e164(phone)
                .map(|n| Destination::of_number(&n))
                .unwrap_or_else(|_| Destination::unknown()),
        };
        if let Some(decision) = self.decided.get(&(window.account, destination)) {
            return decision.clone();
        }
        if !self.policies.contains_key(&window.account) {
            let policy = match self.app.account(window.account).await {
                Ok((account, _)) => account.sending_policy,
                Err(e) => {
                    // France's rule everywhere is never looser than the account's own.
                    tracing::warn!(server = window.account.0, error = %e, "account unreadable: France's sending window applies");
                    SendingPolicy::french()
                }
            };
            self.policies.insert(window.account, policy);
        }
        let policy = &self.policies[&window.account];
        let decision = match policy.decide(&destination, self.at) {
            Decision::Now if !self.margin.is_zero() => {
                policy.decide(&destination, self.at + self.margin)
            }
            decision => decision,
        };
        self.decided
            .insert((window.account, destination), decision.clone());
        decision
    }
}

/// What a delivery report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportEffect {
    Applied,
    /// Late, repeated, or about an older attempt: nothing changed.
    Ignored,
    UnknownDelivery,
}

impl App {
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// Claims up to `limit` due attempts; each is counted before it is returned, so a crash
    /// after this point can never send the same attempt twice. Attempts outside their
    /// recipient's sending window are given back to wait for it (or, past the retry window,
    /// end as not sent): nothing returned here reaches a phone outside its window.
    #[tracing::instrument(skip_all, level = "debug")]
    pub async fn claim_deliveries(&self, limit: u32) -> Result<Vec<DeliveryJob>, AppError> {
        let now = self.now();
        let lease_until = now + self.retry.report_timeout;
        let mut claimed = self.store.claim_deliveries(now, lease_until, limit).await?;
        let left_out: Vec<DeliveryId> = claimed
            .iter()
            .filter(|j| j.left_out)
            .map(|j| j.id)
            .collect();
        if !left_out.is_empty() {
            claimed.retain(|j| !j.left_out);
            if let Err(e) = self
                .store
                .skip_deliveries(&left_out, SkipReason::LeftOut, now)
                .await
            {
                // Not sent; closed when they are claimed again after their lease.
                tracing::warn!(error = %e, "left-out messages not closed yet");
            }
        }
        let mut windows = Windows::new(self, now, HAND_OVER_MARGIN);
        let mut sendable = Vec::with_capacity(claimed.len());
        let mut held = Vec::new();
        for job in claimed {
            let decision = windows.decide(&job.window, &job.phone).await;
            match self
                .retry
                .gate(job.attempt, job.started_at, &decision, job.window.test)
            {
                WindowGate::Send => sendable.push(job),
                WindowGate::Defer { until, restart } => held.push(WindowHold {
                    id: job.id,
                    until: Some(until),
                    restart,
                }),
                WindowGate::NotSent => held.push(WindowHold {
                    id: job.id,
                    until: None,
                    restart: false,
                }),
            }
        }
        let sendable = self.without_opted_out(sendable, now).await;
        let sendable = self.shorten_links(sendable, now).await;
        if !held.is_empty() {
            tracing::debug!(held = held.len(), "attempts wait for their sending window");
            // The others are claimed already: they go. What could not be given back stays
            // claimed, and is retried (inside its window) once its lease runs out.
            if let Err(e) = self.store.hold_deliveries(&held, now).await {
                tracing::warn!(held = held.len(), error = %e, "attempts outside their window not given back yet");
            }
        }
        Ok(sendable)
    }

    /// `jobs` but those to numbers that opted out since their campaign started (a STOP
    /// mid-campaign stops the number's retries): those end `skipped`, refunded at completion.
    /// When the list can't be read, an account's attempts are given back for a minute.
    async fn without_opted_out(
        &self,
        mut jobs: Vec<DeliveryJob>,
        now: DateTime<Utc>,
    ) -> Vec<DeliveryJob> {
        let mut phones: HashMap<AccountId, Vec<&str>> = HashMap::new();
        for job in jobs.iter().filter(|j| !j.window.test) {
            phones
                .entry(job.window.account)
                .or_default()
                .push(&job.phone);
        }
        let mut stopped: HashSet<DeliveryId> = HashSet::new();
        let mut unchecked: Vec<AccountId> = Vec::new();
        for (account, phones) in &phones {
            match self.store.opted_out_among(*account, phones).await {
                Ok(out) if out.is_empty() => {}
                Ok(out) => stopped.extend(
                    jobs.iter()
                        .filter(|j| j.window.account == *account && !j.window.test)
                        .filter(|j| out.contains(&j.phone))
                        .map(|j| j.id),
                ),
                Err(e) => {
                    tracing::warn!(server = account.0, error = %e, "opt-out list unreadable: attempts given back");
                    unchecked.push(*account);
                }
            }
        }
        let given_back = |j: &DeliveryJob| !j.window.test && unchecked.contains(&j.window.account);
        let back: Vec<WindowHold> = jobs
            .iter()
            .filter(|j| given_back(j))
            .map(|j| WindowHold {
                id: j.id,
                until: Some(now + TimeDelta::minutes(1)),
                restart: false,
            })
            .collect();
        if !back.is_empty()
            && let Err(e) = self.store.hold_deliveries(&back, now).await
        {
            tracing::warn!(error = %e, "unchecked attempts not given back yet");
        }
        if !stopped.is_empty() {
            tracing::debug!(
                stopped = stopped.len(),
                "attempts to numbers that opted out"
            );
            let ids: Vec<DeliveryId> = stopped.iter().copied().collect();
            if let Err(e) = self
                .store
                .skip_deliveries(&ids, SkipReason::OptedOut, now)
                .await
            {
                // Not sent now; once their lease runs out they are claimed and checked again.
                tracing::warn!(error = %e, "attempts to opted-out numbers not closed yet");
            }
        }
        jobs.retain(|j| !stopped.contains(&j.id) && !given_back(j));
        jobs
    }

    /// Whether a claimed attempt may be handed to the gateway now. One that waited in the
    /// dispatcher longer than [`HAND_OVER_MARGIN`] since its claim is given back instead (its
    /// attempt uncounted), to be claimed and its window decided again.
    pub async fn hand_over(&self, job: &DeliveryJob) -> Result<bool, AppError> {
        let now = self.now();
        if now <= job.claimed_at + HAND_OVER_MARGIN {
            return Ok(true);
        }
        let back = WindowHold {
            id: job.id,
            until: Some(now),
            restart: false,
        };
        self.store.hold_deliveries(&[back], now).await?;
        Ok(false)
    }

    /// `step` for a delivery, its retry moved to when the recipient's window opens.
    async fn within_window(
        &self,
        step: Step,
        window: &WindowOf,
        phone: &str,
        started_at: DateTime<Utc>,
    ) -> Result<Step, AppError> {
        let (DeliveryStatus::Retrying, Some(due)) = (step.status, step.due_at) else {
            return Ok(step);
        };
        let decision = Windows::new(self, due, TimeDelta::zero())
            .decide(window, phone)
            .await;
        Ok(self
            .retry
            .within_window(step, started_at, window.test, |_| decision))
    }

    /// Records the gateway's answer to a claimed attempt.
    #[tracing::instrument(skip_all, level = "debug", fields(delivery = job.id.0))]
    pub async fn delivery_submitted(
        &self,
        job: &DeliveryJob,
        outcome: &SubmitOutcome,
    ) -> Result<(), AppError> {
        // The claim already recorded an accepted attempt: submitted, waiting for its report.
        if *outcome == SubmitOutcome::Accepted {
            return Ok(());
        }
        let now = self.now();
        let step = self
            .retry
            .after_submit(job.attempt, outcome, job.started_at, now);
        let step = self
            .within_window(step, &job.window, &job.phone, job.started_at)
            .await?;
        let applied = self
            .store
            .update_delivery(
                job.id,
                (DeliveryStatus::Submitted, job.attempt),
                &step,
                false,
                now,
            )
            .await?;
        if let SubmitOutcome::PermanentFailure(answer) = outcome
            && applied
            && says_number_unknown(answer)
        {
            self.suppress_unknown_number(job.window.account, &job.phone)
                .await;
        }
        Ok(())
    }

    /// A number the network says does not exist goes on the account's opt-out list (reason:
    /// permanent failure): no later campaign pays for it again. A failure here is logged; the
    /// report itself was recorded.
    async fn suppress_unknown_number(&self, account: AccountId, phone: &str) {
        let Ok(number) = PhoneNumber::from_e164(phone) else {
            return;
        };
        let audit = AuditEntry {
            account,
            campaign: None,
            actor: Actor::System,
            action: AuditAction::OptOutAdded,
            detail: number.as_e164().to_owned(),
        };
        if let Err(e) = self
            .store
            .add_opt_out(
                account,
                &number,
                OptOutReason::PermanentFailure,
                Some(&Actor::System),
                Some(&audit),
                self.now(),
            )
            .await
        {
            tracing::warn!(server = account.0, error = %e, "an unknown number was not put on the opt-out list");
        }
    }

    /// Applies a delivery report. `attempt` is the attempt the report is about, when the
    /// gateway carried it back; a final "delivered" counts whichever attempt it is about.
    #[tracing::instrument(skip_all, level = "debug", fields(id = id.0))]
    pub async fn delivery_report(
        &self,
        id: DeliveryId,
        attempt: Option<u32>,
        report: &Report,
    ) -> Result<ReportEffect, AppError> {
        // A concurrent report or sweep can move the delivery between read and write: read again.
        for _ in 0..super::ATTEMPTS {
            let Some(current) = self.store.delivery(id).await? else {
                return Ok(ReportEffect::UnknownDelivery);
            };
            let now = self.now();
            let Some(step) = self.retry.after_report(
                current.status,
                current.attempt,
                attempt,
                report,
                current.started_at,
                now,
            ) else {
                return Ok(ReportEffect::Ignored);
            };
            let step = self
                .within_window(step, &current.window, &current.phone, current.started_at)
                .await?;
            let acknowledged =
                current.acknowledged || matches!(report, Report::Accepted | Report::Buffered);
            if self
                .store
                .update_delivery(
                    id,
                    (current.status, current.attempt),
                    &step,
                    acknowledged,
                    now,
                )
                .await?
            {
                if *report == Report::UnknownNumber {
                    self.suppress_unknown_number(current.window.account, &current.phone)
                        .await;
                }
                return Ok(ReportEffect::Applied);
            }
        }
        Err(AppError::Busy)
    }

    /// Submitted attempts whose wait for a report ran out: sent again, or bounced once the
    /// retry window has closed. Returns how many were moved on.
    #[tracing::instrument(skip_all, level = "debug")]
    pub async fn sweep_overdue(&self, limit: u32) -> Result<usize, AppError> {
        let now = self.now();
        let mut moved = 0;
        for d in self.store.overdue_submissions(now, limit).await? {
            let step = self.retry.after_timeout(d.acknowledged, d.started_at, now);
            let step = self
                .within_window(step, &d.window, &d.phone, d.started_at)
                .await?;
            if self
                .store
                .update_delivery(
                    d.id,
                    (DeliveryStatus::Submitted, d.attempt),
                    &step,
                    d.acknowledged,
                    now,
                )
                .await?
            {
                moved += 1;
            }
        }
        Ok(moved)
    }

    /// The key that signs delivery-report URLs: made once, then shared by every process.
    #[tracing::instrument(skip_all, level = "debug")]
    pub async fn report_signing_key(&self) -> Result<Vec<u8>, AppError> {
        let candidate = super::random_hex(32)?;
        let key = self.store.server_key("report_signing", &candidate).await?;
        Ok(key.into_bytes())
    }

    /// The test messages sent for a campaign, oldest first.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0, campaign = name))]
    pub async fn test_deliveries(
        &self,
        who: Requester,
        name: &str,
    ) -> Result<Vec<DeliveryRecord>, AppError> {
        let campaign = self.campaign_named(who.account, name).await?;
        Ok(self.store.test_deliveries(campaign.id).await?)
    }
}
