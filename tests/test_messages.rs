//! Test messages and the per-recipient delivery records behind them, on SQLite and PostgreSQL:
//! priced and confirmed first, paid once, sent through the dispatcher, and moved on by the
//! gateway's answers and reports.

use std::sync::Arc;
use std::time::Duration;

use crate::support::{Engine, OWNER, SERVER, TestApp};
use chrono::TimeDelta;
use herald::app::{AppError, ConfirmOutcome};
use herald::delivery::{Dispatcher, DispatcherConfig, SimulatedGateway, SimulationProfile};
use herald::domain::campaign::{CampaignError, CampaignState, TestNumbersError};
use herald::domain::credits::{Credits, LedgerKind};
use herald::domain::delivery::{DeliveryStatus, Report, SubmitOutcome};

const TWO_NUMBERS: &str = "06 12 34 56 78, +33 7 81 23 45 67";

async fn balance(t: &TestApp) -> (Credits, Credits) {
    let (_, b) = t.app.account(SERVER).await.unwrap();
    (b.available, b.reserved)
}

async fn a_test_is_priced_confirmed_paid_once_and_queued(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 10, 3).await;
    let summary = t
        .app
        .prepare_test(OWNER, "spring", TWO_NUMBERS)
        .await
        .unwrap();
    assert_eq!(summary.numbers, ["+33612345678", "+33781234567"]);
    assert_eq!((summary.cost, summary.balance_after), (Credits(2), 8));
    // Nothing is spent or queued before the confirmation.
    assert_eq!(balance(&t).await, (Credits(10), Credits(0)));
    assert!(
        t.app
            .test_deliveries(OWNER, "spring")
            .await
            .unwrap()
            .is_empty()
    );

    let outcome = t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    assert_eq!(
        outcome,
        ConfirmOutcome::TestSent {
            campaign: "spring".into(),
            numbers: 2,
            cost: Credits(2)
        }
    );
    assert_eq!(outcome.state(), None, "a test changes no state");
    assert_eq!(
        t.app.status(OWNER, "spring").await.unwrap().state,
        CampaignState::Draft
    );
    let again = t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    assert_eq!(again, outcome, "a second click answers the first outcome");
    assert_eq!(balance(&t).await, (Credits(8), Credits(0)));
    let ledger = t.app.credits(SERVER, 10).await.unwrap().ledger;
    assert_eq!(
        ledger.iter().map(|l| l.kind).collect::<Vec<_>>(),
        [LedgerKind::Debit, LedgerKind::Reserve, LedgerKind::Credit]
    );
    let queued = t.app.test_deliveries(OWNER, "spring").await.unwrap();
    assert_eq!(
        queued
            .iter()
            .map(|d| (d.phone.as_str(), d.status))
            .collect::<Vec<_>>(),
        [
            ("+33612345678", DeliveryStatus::Pending),
            ("+33781234567", DeliveryStatus::Pending)
        ]
    );
}

type IsExpected = fn(&AppError) -> bool;

async fn bad_test_requests_change_nothing(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 1, 3).await;
    let six = "0600000001,0600000002,0600000003,0600000004,0600000005,0600000006";
    let cases: [(&str, IsExpected); 4] = [
        (six, |e| {
            matches!(e, AppError::TestNumbers(TestNumbersError::TooMany(6)))
        }),
        (" , ", |e| {
            matches!(e, AppError::TestNumbers(TestNumbersError::Empty))
        }),
        ("06 12 34", |e| {
            matches!(e, AppError::TestNumbers(TestNumbersError::Invalid(_)))
        }),
        (TWO_NUMBERS, |e| {
            matches!(
                e,
                AppError::Campaign(CampaignError::InsufficientCredit { .. })
            )
        }),
    ];
    for (numbers, expected) in cases {
        let err = t
            .app
            .prepare_test(OWNER, "spring", numbers)
            .await
            .unwrap_err();
        assert!(expected(&err), "{numbers:?}: {err}");
        assert!(!err.to_string().is_empty());
    }
    assert_eq!(balance(&t).await, (Credits(1), Credits(0)));
    assert!(
        t.app
            .test_deliveries(OWNER, "spring")
            .await
            .unwrap()
            .is_empty()
    );
}

async fn an_edit_after_the_summary_voids_the_test(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 10, 3).await;
    let summary = t
        .app
        .prepare_test(OWNER, "spring", "0612345678")
        .await
        .unwrap();
    let edit = herald::app::DraftInput {
        body: Some("Another text. STOP au 36180".into()),
        sender: None,
    };
    t.app.edit_campaign(OWNER, "spring", edit).await.unwrap();
    let err = t
        .app
        .confirm(OWNER, summary.token.as_str())
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Campaign(CampaignError::DraftChanged)),
        "{err}"
    );
    assert_eq!(balance(&t).await, (Credits(10), Credits(0)));
    assert!(
        t.app
            .test_deliveries(OWNER, "spring")
            .await
            .unwrap()
            .is_empty()
    );
}

async fn queue_test(t: &TestApp, numbers: &str) {
    let summary = t.app.prepare_test(OWNER, "spring", numbers).await.unwrap();
    t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();
}

async fn statuses(t: &TestApp) -> Vec<(DeliveryStatus, u32)> {
    let ds = t.app.test_deliveries(OWNER, "spring").await.unwrap();
    ds.iter().map(|d| (d.status, d.attempt)).collect()
}

async fn reports_move_deliveries_and_a_final_status_wins(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 10, 1).await;
    queue_test(&t, "0612345678, 0612345679, 0612345680").await;
    let jobs = t.app.claim_deliveries(10).await.unwrap();
    assert_eq!(jobs.len(), 3);
    assert!(jobs.iter().all(|j| j.attempt == 1));
    assert!(
        t.app.claim_deliveries(10).await.unwrap().is_empty(),
        "claimed once"
    );
    for job in &jobs {
        t.app
            .delivery_submitted(job, &SubmitOutcome::Accepted)
            .await
            .unwrap();
    }
    let (a, b, c) = (jobs[0].id, jobs[1].id, jobs[2].id);
    // Out of order: delivered before accepted; the late "accepted" changes nothing.
    t.app
        .delivery_report(a, Some(1), &Report::Delivered)
        .await
        .unwrap();
    t.app
        .delivery_report(a, Some(1), &Report::Accepted)
        .await
        .unwrap();
    // Failed after acceptance: retried after the first backoff.
    t.app
        .delivery_report(b, Some(1), &Report::Accepted)
        .await
        .unwrap();
    t.app
        .delivery_report(b, Some(1), &Report::Failed)
        .await
        .unwrap();
    // Refused for good.
    t.app
        .delivery_report(c, Some(1), &Report::Rejected { temporary: false })
        .await
        .unwrap();
    assert_eq!(
        statuses(&t).await,
        [
            (DeliveryStatus::Delivered, 1),
            (DeliveryStatus::Retrying, 1),
            (DeliveryStatus::Bounced, 1)
        ]
    );
    assert!(
        t.app.claim_deliveries(10).await.unwrap().is_empty(),
        "not due yet"
    );
    t.clock.advance(TimeDelta::minutes(1));
    let retry = t.app.claim_deliveries(10).await.unwrap();
    assert_eq!(
        retry.iter().map(|j| (j.id, j.attempt)).collect::<Vec<_>>(),
        [(b, 2)]
    );
    // A late failure report about attempt 1 does not touch attempt 2.
    t.app
        .delivery_report(b, Some(1), &Report::Failed)
        .await
        .unwrap();
    assert_eq!(statuses(&t).await[1], (DeliveryStatus::Submitted, 2));
}

async fn unanswered_attempts_are_sent_again_and_bounce_when_the_window_closes(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 10, 1).await;
    queue_test(&t, "0612345678, 0612345679").await;
    let jobs = t.app.claim_deliveries(10).await.unwrap();
    // The first never reached the gateway (a crash); the second was acknowledged, then silence.
    t.app
        .delivery_submitted(&jobs[1], &SubmitOutcome::Accepted)
        .await
        .unwrap();
    t.app
        .delivery_report(jobs[1].id, Some(1), &Report::Accepted)
        .await
        .unwrap();
    let policy = t.app.retry_policy();
    t.clock.advance(policy.report_timeout);
    assert_eq!(t.app.sweep_overdue(10).await.unwrap(), 1);
    assert_eq!(
        statuses(&t).await,
        [
            (DeliveryStatus::Retrying, 1),
            (DeliveryStatus::Submitted, 1)
        ]
    );
    t.clock.advance(policy.window);
    assert_eq!(t.app.sweep_overdue(10).await.unwrap(), 1);
    assert_eq!(statuses(&t).await[1], (DeliveryStatus::Bounced, 1));
    // The retried one is still failing when its next try falls after the window: a bounce.
    let again = t.app.claim_deliveries(10).await.unwrap();
    t.app
        .delivery_submitted(&again[0], &SubmitOutcome::TemporaryFailure("busy".into()))
        .await
        .unwrap();
    assert_eq!(statuses(&t).await[0], (DeliveryStatus::Bounced, 2));
}

async fn the_dispatcher_sends_tests_through_the_simulated_gateway(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 10, 1).await;
    queue_test(&t, TWO_NUMBERS).await;
    let (reports, received) = tokio::sync::mpsc::unbounded_channel();
    let profile = SimulationProfile {
        permanent_failure: 0.0,
        temporary_failure: 0.0,
        report_delay: Duration::from_millis(10),
        seed: 1,
    };
    let gateway = Arc::new(SimulatedGateway::new(profile, reports));
    let config = DispatcherConfig {
        idle_poll: Duration::from_millis(10),
        ..DispatcherConfig::default()
    };
    let (stop, stopping) = tokio::sync::oneshot::channel::<()>();
    let dispatcher = Dispatcher::new(t.app.clone(), gateway, config);
    let running = tokio::spawn(dispatcher.run(received, async {
        let _ = stopping.await;
    }));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while statuses(&t).await != [(DeliveryStatus::Delivered, 1); 2] {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            statuses(&t).await
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(());
    running.await.unwrap();
}

on_both_engines!(
    a_test_is_priced_confirmed_paid_once_and_queued,
    bad_test_requests_change_nothing,
    an_edit_after_the_summary_voids_the_test,
    reports_move_deliveries_and_a_final_status_wins,
    unanswered_attempts_are_sent_again_and_bounce_when_the_window_closes,
    the_dispatcher_sends_tests_through_the_simulated_gateway,
);
