//! One message to one phone, from queued to a final outcome: what a gateway's answer and its
//! delivery reports do to it, and when a failed message is tried again.
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::ids::DeliveryId;
use super::phone::PhoneNumber;
use super::sender::SenderId;
use super::sms::SmsBody;
use super::window::Decision;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// Handed to the gateway; waiting for a report.
    Submitted,
    /// Failed for now; tried again at its due time.
    Retrying,
    Delivered,
    /// Failed for good, or still failing when the retry window closed.
    Bounced,
    /// On the opt-out list at send time: never sent.
    Skipped,
    /// Not sent because the campaign was stopped.
    Stopped,
    /// Not sent because its recipient's sending window stayed closed until the retry window
    /// ended: refunded, never counted as a bounce.
    OutsideHours,
}

/// Why a claimed attempt is not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// The number opted out since the campaign started.
    OptedOut,
    /// The recipient's message can't be written (a merge field empty without fallback...):
    /// the sender chose to leave such recipients out, and they were never paid for.
    LeftOut,
}

impl SkipReason {
    /// The stored form, kept in the delivery's error column.
    pub fn as_stored(self) -> &'static str {
        match self {
            SkipReason::OptedOut => "opted out before this attempt",
            SkipReason::LeftOut => LEFT_OUT,
        }
    }
}

/// The error of a bounce because the number does not exist.
pub const UNKNOWN_NUMBER: &str = "the number does not exist";

/// The error column of a delivery left out at the sender's choice.
pub const LEFT_OUT: &str = "left out: no message for this recipient";

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Submitted => "submitted",
            DeliveryStatus::Retrying => "retrying",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Bounced => "bounced",
            DeliveryStatus::Skipped => "skipped",
            DeliveryStatus::Stopped => "stopped",
            DeliveryStatus::OutsideHours => "outside_hours",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        Some(match s {
            "pending" => DeliveryStatus::Pending,
            "submitted" => DeliveryStatus::Submitted,
            "retrying" => DeliveryStatus::Retrying,
            "delivered" => DeliveryStatus::Delivered,
            "bounced" => DeliveryStatus::Bounced,
            "skipped" => DeliveryStatus::Skipped,
            "stopped" => DeliveryStatus::Stopped,
            "outside_hours" => DeliveryStatus::OutsideHours,
            _ => return None,
        })
    }

    /// Final statuses never change again: a late or repeated report is ignored.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            DeliveryStatus::Delivered
                | DeliveryStatus::Bounced
                | DeliveryStatus::Skipped
                | DeliveryStatus::Stopped
                | DeliveryStatus::OutsideHours
        )
    }
}

/// What a gateway said when the message was handed to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    Accepted,
    /// Worth trying again later (gateway busy, queue full, network error).
    TemporaryFailure(String),
    /// Never worth trying again (invalid number, refused content).
    PermanentFailure(String),
}

/// A delivery report, as the SMS gateways describe them (Kannel's DLR bits 1, 2, 4, 8, 16).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    Delivered,
    /// Accepted by the network, then not delivered (phone off, unreachable): worth retrying.
    Failed,
    /// Queued by the network; a final report follows.
    Buffered,
    /// Accepted by the network; a final report follows.
    Accepted,
    /// Refused by the network; `temporary` when the gateway gave up after its own retries.
    Rejected {
        temporary: bool,
    },
    /// Refused for good because the number does not exist: the number is put on the
    /// account's opt-out list, as peers do with hard bounces.
    UnknownNumber,
}

/// Whether a gateway's or a network's answer says the number does not exist: SMPP's
/// "Invalid Destination Address" (0x0000000B, as Kannel writes it in `%A`), or the words
/// operators use. Temporary failures (absent subscriber, phone off) are not among them.
pub fn says_number_unknown(answer: &str) -> bool {
    let answer = answer.to_lowercase();
    [
        "0x0000000b",
        "invalid destination",
        "invalid dest addr",
        "unknown subscriber",
        "unknown number",
        "does not exist",
        "no such number",
        "unallocated",
    ]
    .iter()
    .any(|phrase| answer.contains(phrase))
}

impl Report {
    /// Kannel's DLR type (`%d`) and SMSC answer (`%A`).
    pub fn from_kannel(status: u8, answer: &str) -> Option<Report> {
        Some(match status {
            1 => Report::Delivered,
            2 => Report::Failed,
            4 => Report::Buffered,
            8 => Report::Accepted,
            16 if says_number_unknown(answer) => Report::UnknownNumber,
            16 => Report::Rejected {
                temporary: answer.contains("Retries Exceeded") || answer.contains("TEMPFAIL"),
            },
            _ => return None,
        })
    }
}

/// How long and how often failed messages are tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// After this long from the start of sending, a message still failing is a bounce.
    pub window: TimeDelta,
    /// The wait before the first retry; it doubles each attempt, up to `max_backoff`.
    pub first_backoff: TimeDelta,
    pub max_backoff: TimeDelta,
    /// A message with no report at all after this long is treated as lost and sent again.
    pub report_timeout: TimeDelta,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            window: TimeDelta::hours(48),
            first_backoff: TimeDelta::minutes(1),
            max_backoff: TimeDelta::hours(2),
            report_timeout: TimeDelta::hours(1),
        }
    }
}

/// What the sending window does to a claimed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowGate {
    /// Inside the recipient's window: it goes.
    Send,
    /// Back to waiting, its attempt not counted, until the window opens. A first attempt's
    /// retry window starts again from there (`restart`): it never had a chance before.
    Defer { until: DateTime<Utc>, restart: bool },
    /// The window opens only after the retry window has closed: not sent, refunded.
    NotSent,
}

/// Where a delivery goes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub status: DeliveryStatus,
    /// Retrying: when to try again; Submitted: when to give up waiting for a report.
    pub due_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
}

impl Step {
    fn to(status: DeliveryStatus) -> Step {
        Step {
            status,
            due_at: None,
            error: None,
        }
    }
}

impl RetryPolicy {
    /// Notifications to people (Discord messages): tried again after 2 s, doubling, at most
    /// 5 minutes apart, for as long as it takes (the window is never reached).
    pub const NOTIFICATIONS: RetryPolicy = RetryPolicy {
        window: TimeDelta::days(36_500),
        first_backoff: TimeDelta::seconds(2),
        max_backoff: TimeDelta::minutes(5),
        report_timeout: TimeDelta::minutes(1),
    };

    /// What the recipient's window decides for claimed attempt `attempt` of a message whose
    /// retry window started at `started_at`.
    /// `waits_always`: a test message, which goes to the team's own phones and waits for its
    /// window however long, never left unsent for it.
    pub fn gate(
        &self,
        attempt: u32,
        started_at: DateTime<Utc>,
        window: &Decision,
        waits_always: bool,
    ) -> WindowGate {
        match window {
            Decision::Now => WindowGate::Send,
            Decision::NotBefore { at, .. } if attempt <= 1 => WindowGate::Defer {
                until: *at,
                restart: true,
            },
            Decision::NotBefore { at, .. } if waits_always || *at <= started_at + self.window => {
                WindowGate::Defer {
                    until: *at,
                    restart: false,
                }
            }
            Decision::NotBefore { .. } => WindowGate::NotSent,
        }
    }

    /// `step` with the recipient's window applied: a retry due while the window is closed
    /// moves to its opening, or is not sent if that is after the retry window closes.
    /// `window_at` is the window's decision at the retry's due time.
    pub fn within_window(
        &self,
        step: Step,
        started_at: DateTime<Utc>,
        waits_always: bool,
        window_at: impl FnOnce(DateTime<Utc>) -> Decision,
    ) -> Step {
        let (DeliveryStatus::Retrying, Some(due)) = (step.status, step.due_at) else {
            return step;
        };
        match window_at(due) {
            Decision::Now => step,
            Decision::NotBefore { at, .. } if waits_always || at <= started_at + self.window => {
                Step {
                    due_at: Some(at),
                    ..step
                }
            }
            Decision::NotBefore { .. } => Step {
                error: Some("the sending window stayed closed until the retry window ended".into()),
                ..Step::to(DeliveryStatus::OutsideHours)
            },
        }
    }

    /// The wait before attempt `attempt + 1`, after `attempt` failed (attempts count from 1).
    pub fn backoff(&self, attempt: u32) -> TimeDelta {
        let doublings = attempt.saturating_sub(1).min(20);
        let wait = self.first_backoff * (1i32 << doublings);
        wait.min(self.max_backoff)
    }

    /// A failure of attempt `attempt`: retried at its backoff, or a bounce if that falls after
    /// the window closes (or the failure is permanent).
    fn failed(
        &self,
        attempt: u32,
        permanent: bool,
        error: String,
        started_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Step {
        let retry_at = now + self.backoff(attempt);
        if permanent || retry_at > started_at + self.window {
            return Step {
                error: Some(error),
                ..Step::to(DeliveryStatus::Bounced)
            };
        }
        Step {
            status: DeliveryStatus::Retrying,
            due_at: Some(retry_at),
            error: Some(error),
        }
    }

    /// After attempt `attempt` was handed to the gateway.
    pub fn after_submit(
        &self,
        attempt: u32,
        outcome: &SubmitOutcome,
        started_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Step {
        match outcome {
            SubmitOutcome::Accepted => Step {
                due_at: Some(now + self.report_timeout),
                ..Step::to(DeliveryStatus::Submitted)
            },
            SubmitOutcome::TemporaryFailure(e) => {
                self.failed(attempt, false, e.clone(), started_at, now)
            }
            SubmitOutcome::PermanentFailure(e) => {
                self.failed(attempt, true, e.clone(), started_at, now)
            }
        }
    }

    /// A report on a delivery at `current` status and `attempt`; `about` is the attempt the
    /// report names, when the gateway carried it back. `None` when it changes nothing: the
    /// delivery is already final, the report is an intermediate one, or it is about an older
    /// attempt and says anything but "delivered" (good news about any attempt counts).
    pub fn after_report(
        &self,
        current: DeliveryStatus,
        attempt: u32,
        about: Option<u32>,
        report: &Report,
        started_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<Step> {
        let stale = about.is_some_and(|a| a != attempt);
        if current.is_final() || (stale && *report != Report::Delivered) {
            return None;
        }
        match report {
            Report::Delivered => Some(Step::to(DeliveryStatus::Delivered)),
            // Intermediate reports: the message is alive, keep waiting for the final one up to
            // the end of the window (an accepted message is never sent twice).
            Report::Accepted | Report::Buffered => {
                (current == DeliveryStatus::Submitted).then(|| Step {
                    due_at: Some(started_at + self.window),
                    ..Step::to(DeliveryStatus::Submitted)
                })
            }
            Report::Failed => Some(self.failed(
                attempt,
                false,
                "not delivered by the network".into(),
                started_at,
                now,
            )),
            Report::Rejected { temporary } => Some(self.failed(
                attempt,
                !temporary,
                "refused by the network".into(),
                started_at,
                now,
            )),
            Report::UnknownNumber => {
                Some(self.failed(attempt, true, UNKNOWN_NUMBER.into(), started_at, now))
            }
        }
    }

    /// A submitted message whose wait ran out (`due_at` passed) with no final report: lost
    /// before the network acknowledged it (sent again), or acknowledged and never reported
    /// (a bounce once the window has closed).
    pub fn after_timeout(
        &self,
        acknowledged: bool,
        started_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Step {
        if acknowledged || now >= started_at + self.window {
            return Step {
                error: Some("no delivery report before the retry window closed".into()),
                ..Step::to(DeliveryStatus::Bounced)
            };
        }
        // Nothing failed: the attempt got lost (a crash before it left, say). It has already
        // waited `report_timeout`, so it goes again at once.
        Step {
            status: DeliveryStatus::Retrying,
            due_at: Some(now),
            error: Some("no answer from the gateway: sent again".into()),
        }
    }
}

/// Where a version's messages stand, counted by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct DeliveryCounts {
    pub pending: u64,
    pub submitted: u64,
    pub retrying: u64,
    pub delivered: u64,
    pub bounced: u64,
    pub skipped: u64,
    pub stopped: u64,
    /// Kept from going by the sending window until the retry window ended.
    pub outside_hours: u64,
    /// Of the skipped, those left out because their personalised message could not be
    /// written (the sender chose so; never paid for). The others opted out.
    pub left_out: u64,
    /// The earliest retry due.
    pub next_retry: Option<DateTime<Utc>>,
}

impl DeliveryCounts {
    pub fn add(&mut self, status: DeliveryStatus, n: u64) {
        let slot = match status {
            DeliveryStatus::Pending => &mut self.pending,
            DeliveryStatus::Submitted => &mut self.submitted,
            DeliveryStatus::Retrying => &mut self.retrying,
            DeliveryStatus::Delivered => &mut self.delivered,
            DeliveryStatus::Bounced => &mut self.bounced,
            DeliveryStatus::Skipped => &mut self.skipped,
            DeliveryStatus::Stopped => &mut self.stopped,
            DeliveryStatus::OutsideHours => &mut self.outside_hours,
        };
        *slot += n;
    }

    /// The messages that are, were or were meant to be sent.
    pub fn to_send(&self) -> u64 {
        self.pending
            + self.submitted
            + self.retrying
            + self.delivered
            + self.bounced
            + self.outside_hours
    }

    /// Messages with a final outcome, in percent of those to send, rounded down: 100 only
    /// when every one has its outcome.
    pub fn percent(&self) -> u8 {
        match self.to_send() {
            0 => 100,
            total => ((self.delivered + self.bounced + self.outside_hours) * 100 / total) as u8,
        }
    }

    /// Nothing is waiting to be sent or to be reported.
    pub fn is_done(&self) -> bool {
        self.pending + self.submitted + self.retrying == 0
    }

    /// Skipped because the number opted out (before the start or before an attempt).
    pub fn opted_out(&self) -> u64 {
        self.skipped.saturating_sub(self.left_out)
    }

    /// Messages paid for at the start and never sent: refunded at the end.
    pub fn unsent(&self) -> u64 {
        self.skipped + self.stopped + self.outside_hours
    }
}

/// What a version (or a test) sends and who it comes from: read once, shared by every message
/// of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub body: SmsBody,
    pub sender: SenderId,
}

/// A message ready for a gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingSms {
    /// Herald's delivery id: carried through the gateway and back in its reports.
    pub delivery: DeliveryId,
    pub attempt: u32,
    pub to: PhoneNumber,
    pub message: std::sync::Arc<Message>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 2, 9, 0, 0).unwrap() + TimeDelta::hours(h)
    }

    fn closed_until(at: DateTime<Utc>) -> Decision {
        Decision::NotBefore {
            at,
            because: crate::domain::window::WindowFlag::OutsideHours {
                local: at.naive_utc(),
                zone: "Europe/Paris".into(),
                opens: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                closes: chrono::NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
            },
        }
    }

    #[test]
    fn the_window_gate_defers_first_attempts_and_drops_retries_only_past_the_retry_window() {
        let p = RetryPolicy::default();
        // (attempt, opening in hours from the start, test message) -> gate
        for (attempt, opens, test, expected) in [
            (
                1,
                60,
                false,
                WindowGate::Defer {
                    until: t(60),
                    restart: true,
                },
            ),
            (
                2,
                40,
                false,
                WindowGate::Defer {
                    until: t(40),
                    restart: false,
                },
            ),
            (
                2,
                48,
                false,
                WindowGate::Defer {
                    until: t(48),
                    restart: false,
                },
            ),
            (2, 49, false, WindowGate::NotSent),
            (
                2,
                49,
                true,
                WindowGate::Defer {
                    until: t(49),
                    restart: false,
                },
            ),
        ] {
            let gate = p.gate(attempt, t(0), &closed_until(t(opens)), test);
            assert_eq!(
                gate, expected,
                "attempt {attempt}, opens at +{opens} h, test {test}"
            );
        }
        assert_eq!(p.gate(3, t(0), &Decision::Now, false), WindowGate::Send);
    }

    #[test]
    fn a_retry_due_while_closed_moves_to_the_opening_or_is_not_sent() {
        let p = RetryPolicy::default();
        let retry = Step {
            status: DeliveryStatus::Retrying,
            due_at: Some(t(13)),
            error: Some("busy".into()),
        };
        let moved = p.within_window(retry.clone(), t(0), false, |_| closed_until(t(23)));
        assert_eq!(
            (moved.status, moved.due_at),
            (DeliveryStatus::Retrying, Some(t(23)))
        );
        let open = p.within_window(retry.clone(), t(0), false, |_| Decision::Now);
        assert_eq!(open, retry);
        let too_late = p.within_window(retry.clone(), t(0), false, |_| closed_until(t(50)));
        assert_eq!(
            (too_late.status, too_late.due_at),
            (DeliveryStatus::OutsideHours, None)
        );
        let test = p.within_window(retry, t(0), true, |_| closed_until(t(50)));
        assert_eq!(
            (test.status, test.due_at),
            (DeliveryStatus::Retrying, Some(t(50)))
        );
    }

    #[test]
    fn backoff_doubles_up_to_its_ceiling() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1), TimeDelta::minutes(1));
        assert_eq!(p.backoff(2), TimeDelta::minutes(2));
        assert_eq!(p.backoff(4), TimeDelta::minutes(8));
        assert_eq!(p.backoff(30), TimeDelta::hours(2));
        let notifications = RetryPolicy::NOTIFICATIONS;
        assert_eq!(notifications.backoff(1), TimeDelta::seconds(2));
        assert_eq!(notifications.backoff(3), TimeDelta::seconds(8));
        assert_eq!(notifications.backoff(12), TimeDelta::minutes(5));
    }

    #[test]
    fn a_temporary_failure_is_retried_inside_the_window_then_bounces() {
        let p = RetryPolicy::default();
        let fail = SubmitOutcome::TemporaryFailure("busy".into());
        let step = p.after_submit(1, &fail, t(0), t(0));
        assert_eq!(step.status, DeliveryStatus::Retrying);
        assert_eq!(step.due_at, Some(t(0) + TimeDelta::minutes(1)));
        let late = p.after_submit(9, &fail, t(0), t(47));
        assert_eq!(late.status, DeliveryStatus::Bounced);
    }

    #[test]
    fn a_permanent_failure_bounces_at_once() {
        let p = RetryPolicy::default();
        let step = p.after_submit(
            1,
            &SubmitOutcome::PermanentFailure("bad".into()),
            t(0),
            t(0),
        );
        assert_eq!(step.status, DeliveryStatus::Bounced);
        let rejected = p.after_report(
            DeliveryStatus::Submitted,
            1,
            None,
            &Report::Rejected { temporary: false },
            t(0),
            t(0),
        );
        assert_eq!(rejected.unwrap().status, DeliveryStatus::Bounced);
    }

    #[test]
    fn a_final_report_wins_over_late_intermediate_ones() {
        let p = RetryPolicy::default();
        let done = p
            .after_report(
                DeliveryStatus::Submitted,
                1,
                None,
                &Report::Delivered,
                t(0),
                t(0),
            )
            .unwrap();
        assert_eq!(done.status, DeliveryStatus::Delivered);
        assert_eq!(
            p.after_report(
                DeliveryStatus::Delivered,
                1,
                None,
                &Report::Accepted,
                t(0),
                t(0)
            ),
            None
        );
        assert_eq!(
            p.after_report(
                DeliveryStatus::Delivered,
                1,
                None,
                &Report::Failed,
                t(0),
                t(0)
            ),
            None
        );
    }

    #[test]
    fn an_acknowledged_message_waits_for_its_report_until_the_window_closes() {
        let p = RetryPolicy::default();
        let step = p
            .after_report(
                DeliveryStatus::Submitted,
                1,
                None,
                &Report::Accepted,
                t(0),
                t(0),
            )
            .unwrap();
        assert_eq!(step.due_at, Some(t(48)));
        assert_eq!(
            p.after_timeout(true, t(0), t(48)).status,
            DeliveryStatus::Bounced
        );
        // Never acknowledged: lost on the way, sent again at once.
        let lost = p.after_timeout(false, t(0), t(1));
        assert_eq!(
            (lost.status, lost.due_at),
            (DeliveryStatus::Retrying, Some(t(1)))
        );
    }

    #[test]
    fn percent_counts_final_outcomes_of_the_messages_to_send() {
        let mut c = DeliveryCounts::default();
        c.add(DeliveryStatus::Delivered, 41);
        c.add(DeliveryStatus::Bounced, 1);
        c.add(DeliveryStatus::Retrying, 58);
        c.add(DeliveryStatus::Skipped, 7);
        assert_eq!((c.percent(), c.is_done(), c.unsent()), (42, false, 7));
        let mut almost = DeliveryCounts::default();
        almost.add(DeliveryStatus::Delivered, 999);
        almost.add(DeliveryStatus::Submitted, 1);
        assert_eq!(almost.percent(), 99, "100% only when all are done");
    }

    #[test]
    fn kannel_reports_map_to_reports() {
        assert_eq!(Report::from_kannel(1, ""), Some(Report::Delivered));
        assert_eq!(
            Report::from_kannel(16, "NACK/Retries Exceeded"),
            Some(Report::Rejected { temporary: true })
        );
        assert_eq!(
            Report::from_kannel(16, "NACK/PERMFAIL unknown subscriber"),
            Some(Report::UnknownNumber)
        );
        assert_eq!(
            Report::from_kannel(16, "NACK/0x0000000b/Invalid Destination Address"),
            Some(Report::UnknownNumber)
        );
        assert_eq!(
            Report::from_kannel(16, "NACK/0x00000045/Submit failed"),
            Some(Report::Rejected { temporary: false })
        );
        assert!(!says_number_unknown("absent subscriber, phone off"));
        assert_eq!(Report::from_kannel(3, ""), None);
    }
}
