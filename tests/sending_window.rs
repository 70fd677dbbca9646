//! The sending window enforced where messages leave, on SQLite and PostgreSQL: the real
//! dispatcher runs against a gateway that writes down every message it is handed, with the
//! manual clock's time; that log is then checked against the window read independently (the
//! zone from the number's prefix, the holidays from `tests/data/holidays/holidays.csv`).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Datelike, TimeDelta, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;

use crate::support::{Engine, OWNER, SERVER, TestApp};
use herald::app::{Clock, ManualClock, SendRequest};
use herald::delivery::{Dispatcher, DispatcherConfig, GatewayReport, ReportSink, SmsGateway};
use herald::domain::campaign::CampaignState;
use herald::domain::credits::LedgerKind;
use herald::domain::delivery::{OutgoingSms, Report, RetryPolicy, SubmitOutcome};
use herald::domain::window::{Decision, WindowFlag};

/// One message handed to the gateway, at the app's time.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Submission {
    at: DateTime<Utc>,
    to: String,
    attempt: u32,
}

/// A gateway that writes down what it is handed. The first attempt to a number in
/// `busy_first` fails for a while; everything else is accepted and reported delivered.
struct WitnessGateway {
    clock: Arc<ManualClock>,
    busy_first: HashSet<String>,
    reports: ReportSink,
    log: Mutex<Vec<Submission>>,
}

#[async_trait]
impl SmsGateway for WitnessGateway {
    fn name(&self) -> &'static str {
        "witness"
    }

    async fn submit(&self, sms: &OutgoingSms) -> SubmitOutcome {
        let to = sms.to.as_e164().to_owned();
        self.log.lock().unwrap().push(Submission {
            at: self.clock.now(),
            to: to.clone(),
            attempt: sms.attempt,
        });
        if sms.attempt == 1 && self.busy_first.contains(&to) {
            return SubmitOutcome::TemporaryFailure("operator busy".into());
        }
        let _ = self.reports.send(GatewayReport {
            delivery: sms.delivery,
            attempt: Some(sms.attempt),
            report: Report::Delivered,
        });
        SubmitOutcome::Accepted
    }
}

/// The real dispatcher over `t`'s app, with the witness gateway; stops when dropped.
struct Sending {
    gateway: Arc<WitnessGateway>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Sending {
    fn start(t: &TestApp, busy_first: &[&str]) -> Sending {
        let (reports, received) = tokio::sync::mpsc::unbounded_channel();
        let gateway = Arc::new(WitnessGateway {
            clock: t.clock.clone(),
            busy_first: busy_first.iter().map(|s| s.to_string()).collect(),
            reports,
            log: Mutex::new(Vec::new()),
        });
        let config = DispatcherConfig {
            idle_poll: Duration::from_millis(5),
            batch: 50,
            ..DispatcherConfig::default()
        };
        let (stop, stopping) = tokio::sync::oneshot::channel::<()>();
        let dispatcher = Dispatcher::new(t.app.clone(), gateway.clone(), config);
        tokio::spawn(dispatcher.run(received, async {
            let _ = stopping.await;
        }));
        Sending {
            gateway,
            stop: Some(stop),
        }
    }

    fn log(&self) -> Vec<Submission> {
        self.gateway.log.lock().unwrap().clone()
    }

    /// Waits until the gateway was handed `count` messages in all and the campaign's
    /// deliveries have settled (nothing claimed and unanswered), then a few idle polls more
    /// so that a message that should not go would have gone.
    async fn settle(&self, t: &TestApp, count: usize) -> Vec<Submission> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let counts = t.delivery_counts("spring").await;
            if self.log().len() >= count && counts.submitted == 0 {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected {count} submissions, the gateway saw {:?} ({counts:?})",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let log = self.log();
        assert_eq!(log.len(), count, "{log:?}");
        log
    }
}

impl Drop for Sending {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The zone and holiday territory of a test number, read from its prefix (ARCEP's plan:
/// +262 692/693 are Réunion's mobiles).
fn zone_of(number: &str) -> (Tz, &'static str) {
    if number.starts_with("+262692") || number.starts_with("+262693") {
        (chrono_tz::Indian::Reunion, "RE")
    } else if number.starts_with("+33") {
        (chrono_tz::Europe::Paris, "FR")
    } else {
        panic!("no zone for {number} in this test")
    }
}

/// Whether `at` is inside the French window for `number`, read without Herald's code.
fn inside_window(number: &str, at: DateTime<Utc>) -> bool {
    let (zone, territory) = zone_of(number);
    let local = at.with_timezone(&zone);
    let day = local.date_naive().to_string();
    let holiday = std::fs::read_to_string("tests/data/holidays/holidays.csv")
        .unwrap()
        .lines()
        .any(|row| row.starts_with(&format!("{territory},{day},")));
    local.weekday() != Weekday::Sun && !holiday && (8..20).contains(&local.hour())
}

fn assert_all_inside(log: &[Submission]) {
    assert!(!log.is_empty());
    for s in log {
        assert!(
            inside_window(&s.to, s.at),
            "{} was handed to the gateway at {} UTC, outside its window",
            s.to,
            s.at
        );
    }
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

const PARIS_1: &str = "+33610000001";
const PARIS_2: &str = "+33610000002";
const REUNION_1: &str = "+262692000001";
const REUNION_2: &str = "+262692000002";

fn recipients(numbers: &[&str]) -> Vec<u8> {
    let mut csv = String::from("phone\n");
    for n in numbers {
        csv.push_str(n);
        csv.push('\n');
    }
    csv.into_bytes()
}

/// The waiting groups of the status, as (region, recipients, opening, why).
async fn waiting(t: &TestApp) -> Vec<(String, u64, DateTime<Utc>, &'static str)> {
    let status = t.app.status(OWNER, "spring").await.unwrap();
    status
        .waiting_for_window
        .iter()
        .map(|g| {
            let Decision::NotBefore { at, because } = &g.decision else {
                panic!("a waiting group that may send: {g:?}")
            };
            let why = match because {
                WindowFlag::Sunday { .. } => "sunday",
                WindowFlag::PublicHoliday { .. } => "holiday",
                WindowFlag::OutsideHours { .. } => "hours",
            };
            let region = g.destination.region().unwrap().as_code().to_owned();
            (region, g.recipients, *at, why)
        })
        .collect()
}

/// A retry policy whose first retry comes 61 minutes after a failure: one at 19:59 would
/// land at 21:00.
fn retry_after_61_minutes(t: TestApp) -> TestApp {
    let retry = RetryPolicy {
        first_backoff: TimeDelta::minutes(61),
        ..RetryPolicy::default()
    };
    TestApp {
        app: t.app.clone().with_retry_policy(retry),
        ..t
    }
}

async fn approved_at_1959_in_paris_each_zone_goes_inside_its_own_window(engine: Engine) {
    let t = retry_after_61_minutes(TestApp::new(engine).await);
    // Tuesday 2 March 2027, 19:59 in Paris (UTC+1), 22:59 in Réunion (UTC+4).
    t.clock.set(utc(2027, 3, 2, 18, 59));
    let numbers = [PARIS_1, PARIS_2, REUNION_1, REUNION_2];
    t.ready_campaign_to("spring", 100, recipients(&numbers))
        .await;
    let summary = t
        .app
        .finalize(OWNER, "spring", SendRequest::Immediate)
        .await
        .unwrap();
    assert_eq!(summary.plan.waiting(), 2, "Réunion is asleep: {summary:?}");
    t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    let (id, _) = t.app.campaign_id(SERVER, "spring").await.unwrap();
    let alice = herald::domain::ids::ModeratorName::parse("alice").unwrap();
    t.app
        .decide(id, 1, &alice, herald::app::Decision::Approve)
        .await
        .unwrap();
    assert_eq!(t.app.advance_campaigns().await.unwrap().started, 1);
    let reunion_opens = utc(2027, 3, 3, 4, 0); // Wednesday 08:00 in Réunion
    assert_eq!(
        waiting(&t).await,
        [("RE".to_owned(), 2, reunion_opens, "hours")]
    );

    let sending = Sending::start(&t, &[PARIS_1]);
    // Paris goes at 19:59; PARIS_1 is busy, its retry would land at 21:00.
    let log = sending.settle(&t, 2).await;
    let mut first: Vec<_> = log.iter().map(|s| s.to.as_str()).collect();
    first.sort();
    assert_eq!(first, [PARIS_1, PARIS_2]);
    let counts = t.delivery_counts("spring").await;
    let paris_opens = utc(2027, 3, 3, 7, 0); // Wednesday 08:00 in Paris
    assert_eq!(
        (counts.delivered, counts.retrying, counts.pending),
        (1, 1, 2)
    );
    assert_eq!(counts.next_retry, Some(paris_opens), "moved from 21:00");

    // 21:00 in Paris, then Réunion's night: nothing goes.
    t.clock.set(utc(2027, 3, 2, 20, 0));
    sending.settle(&t, 2).await;
    t.clock.set(utc(2027, 3, 3, 3, 59));
    sending.settle(&t, 2).await;
    // Réunion opens first, Paris three hours later.
    t.clock.set(reunion_opens);
    let log = sending.settle(&t, 4).await;
    let mut reunion: Vec<_> = log[2..].iter().map(|s| s.to.as_str()).collect();
    reunion.sort();
    assert_eq!(reunion, [REUNION_1, REUNION_2]);
    assert_eq!(
        waiting(&t).await,
        [("FR".to_owned(), 1, paris_opens, "hours")],
        "the retry waits for Paris"
    );
    t.clock.set(paris_opens);
    let log = sending.settle(&t, 5).await;
    assert_eq!(
        log[4],
        Submission {
            at: paris_opens,
            to: PARIS_1.into(),
            attempt: 2
        }
    );
    assert_all_inside(&log);

    assert_eq!(t.app.advance_campaigns().await.unwrap().completed, 1);
    let status = t.app.status(OWNER, "spring").await.unwrap();
    assert_eq!(
        (status.state, status.percent),
        (CampaignState::Completed, 100)
    );
    assert_eq!(status.deliveries.unwrap().delivered, 4);
}

async fn a_retry_that_meets_sunday_and_easter_monday_is_not_sent_and_refunded(engine: Engine) {
    let t = retry_after_61_minutes(TestApp::new(engine).await);
    // Saturday 27 March 2027, 19:59 in Paris; Sunday is Easter, Monday a holiday in Paris
    // and Réunion alike: the next opening is Tuesday, after the 48-hour retry window.
    t.clock.set(utc(2027, 3, 27, 18, 59));
    t.ready_campaign_to("spring", 100, recipients(&[PARIS_1, PARIS_2, REUNION_1]))
        .await;
    t.approve("spring", SendRequest::Immediate).await;
    assert_eq!(t.app.advance_campaigns().await.unwrap().started, 1);
    let sending = Sending::start(&t, &[PARIS_1]);
    sending.settle(&t, 2).await;
    let counts = t.delivery_counts("spring").await;
    assert_eq!(
        (counts.delivered, counts.outside_hours, counts.pending),
        (1, 1, 1),
        "the retry would land at 21:00 and the window reopens after the retry window"
    );

    // Sunday noon: Réunion waits for Tuesday, Sunday and Easter Monday closed.
    t.clock.set(utc(2027, 3, 28, 10, 0));
    sending.settle(&t, 2).await;
    let tuesday_in_reunion = utc(2027, 3, 30, 4, 0);
    assert_eq!(
        waiting(&t).await,
        [("RE".to_owned(), 1, tuesday_in_reunion, "sunday")]
    );
    // Easter Monday, 10:00 in Réunion.
    t.clock.set(utc(2027, 3, 29, 6, 0));
    sending.settle(&t, 2).await;
    assert_eq!(
        waiting(&t).await,
        [("RE".to_owned(), 1, tuesday_in_reunion, "holiday")]
    );
    // A first attempt never had its chance: it goes when the window opens, days later.
    t.clock.set(tuesday_in_reunion);
    let log = sending.settle(&t, 3).await;
    assert_eq!(log[2].to, REUNION_1);
    assert_all_inside(&log);

    assert_eq!(t.app.advance_campaigns().await.unwrap().completed, 1);
    let status = t.app.status(OWNER, "spring").await.unwrap();
    assert_eq!(
        (status.state, status.percent),
        (CampaignState::Completed, 100)
    );
    let counts = status.deliveries.unwrap();
    assert_eq!(
        (counts.delivered, counts.outside_hours, counts.bounced),
        (2, 1, 0)
    );
    // Reserved 3, debited 3 at the start, the message never sent refunded.
    let mut ledger = t.app.credits(SERVER, 20).await.unwrap().ledger;
    ledger.reverse();
    let lines: Vec<_> = ledger.iter().map(|l| (l.kind, l.amount.0)).collect();
    assert_eq!(
        lines[1..],
        [
            (LedgerKind::Reserve, 3),
            (LedgerKind::Debit, 3),
            (LedgerKind::Refund, 1)
        ]
    );
}

async fn a_campaign_scheduled_on_a_sunday_starts_and_waits_for_monday(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign_to("spring", 100, recipients(&[PARIS_1, PARIS_2]))
        .await;
    let when = SendRequest::Scheduled {
        date: "2027-03-07".into(),
        time: "10:00".into(),
        zone: Some("Europe/Paris".into()),
    };
    let summary = t.app.finalize(OWNER, "spring", when.clone()).await.unwrap();
    let monday = utc(2027, 3, 8, 7, 0);
    let sunday = utc(2027, 3, 7, 9, 0);
    assert_eq!(summary.plan.first_send(sunday), Some(monday));
    t.approve("spring", when).await;
    let sending = Sending::start(&t, &[]);
    t.clock.set(sunday);
    assert_eq!(t.app.advance_campaigns().await.unwrap().started, 1);
    // Once the dispatcher has tried (and given them back): nothing claimed in between.
    sending.settle(&t, 0).await;
    assert_eq!(waiting(&t).await, [("FR".to_owned(), 2, monday, "sunday")]);
    t.clock.set(monday - TimeDelta::seconds(1));
    sending.settle(&t, 0).await;
    t.clock.set(monday);
    let log = sending.settle(&t, 2).await;
    assert_all_inside(&log);
    assert!(log.iter().all(|s| s.at == monday && s.attempt == 1));
}

async fn a_claim_a_minute_before_closing_waits_and_a_late_hand_over_is_given_back(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign_to("spring", 100, recipients(&[PARIS_1]))
        .await;
    t.approve("spring", SendRequest::Immediate).await;
    assert_eq!(t.app.advance_campaigns().await.unwrap().started, 1);

    // 19:59:30 in Paris: the window closes before the margin a hand-over may take runs out.
    t.clock
        .set(utc(2027, 3, 2, 18, 59) + TimeDelta::seconds(30));
    assert!(t.app.claim_deliveries(10).await.unwrap().is_empty());
    t.clock.advance(TimeDelta::seconds(29));
    assert!(t.app.claim_deliveries(10).await.unwrap().is_empty());
    t.clock.advance(TimeDelta::seconds(1));
    let wednesday = utc(2027, 3, 3, 7, 0);
    assert_eq!(
        waiting(&t).await,
        [("FR".to_owned(), 1, wednesday, "hours")],
        "the next opening is the next morning"
    );

    // Claimed in the morning, then stuck in the dispatcher for more than the margin: given
    // back, its attempt uncounted, and claimed again.
    t.clock.set(wednesday);
    let claimed = t.app.claim_deliveries(10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert!(t.app.hand_over(&claimed[0]).await.unwrap(), "fresh");
    t.clock
        .advance(herald::app::HAND_OVER_MARGIN + TimeDelta::seconds(1));
    assert!(!t.app.hand_over(&claimed[0]).await.unwrap(), "too late");
    let counts = t.delivery_counts("spring").await;
    assert_eq!((counts.pending, counts.submitted), (1, 0));
    let again = t.app.claim_deliveries(10).await.unwrap();
    assert_eq!(
        (again[0].id, again[0].attempt),
        (claimed[0].id, claimed[0].attempt)
    );
}

on_both_engines!(
    a_claim_a_minute_before_closing_waits_and_a_late_hand_over_is_given_back,
    approved_at_1959_in_paris_each_zone_goes_inside_its_own_window,
    a_retry_that_meets_sunday_and_easter_monday_is_not_sent_and_refunded,
    a_campaign_scheduled_on_a_sunday_starts_and_waits_for_monday,
);
