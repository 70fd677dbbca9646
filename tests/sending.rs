//! Sending campaigns through the use cases, on SQLite and PostgreSQL: the scheduler starts,
//! holds, resumes and completes; every recipient gets one delivery; money is exact.

use std::sync::Arc;
use std::time::Duration;

use crate::support::{Engine, OWNER, SERVER, TestApp};
use chrono::{TimeDelta, TimeZone, Utc};
use herald::app::SendRequest;
use herald::delivery::{Dispatcher, DispatcherConfig, SimulatedGateway, SimulationProfile};
use herald::domain::campaign::CampaignState;
use herald::domain::credits::{Credits, LedgerKind, TopUp};
use herald::domain::delivery::{Report, SubmitOutcome};
use herald::domain::effects::Actor;

async fn state(t: &TestApp) -> CampaignState {
    t.app.status(OWNER, "spring").await.unwrap().state
}

async fn ledger_kinds(t: &TestApp) -> Vec<(LedgerKind, u64)> {
    let mut lines = t.app.credits(SERVER, 20).await.unwrap().ledger;
    lines.reverse();
    lines.iter().map(|l| (l.kind, l.amount.0)).collect()
}

async fn an_approved_campaign_is_sent_to_each_recipient_once_and_completes(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 100, 4).await;
    // On the opt-out list by send time: skipped, and its credit refunded at the end.
    t.app
        .opt_out(SERVER, "06 10 00 00 03", Actor::Operator)
        .await
        .unwrap();
    t.approve("spring", SendRequest::Immediate).await;

    let pass = t.app.advance_campaigns().await.unwrap();
    assert_eq!(pass.started, 1);
    let status = t.app.status(OWNER, "spring").await.unwrap();
    assert_eq!((status.state, status.percent), (CampaignState::Sending, 0));
    let counts = status.deliveries.unwrap();
    assert_eq!((counts.pending, counts.skipped), (3, 1));

    let jobs = t.app.claim_deliveries(100).await.unwrap();
    let mut phones: Vec<_> = jobs.iter().map(|j| j.phone.clone()).collect();
    phones.sort();
    assert_eq!(phones, ["+33610000000", "+33610000001", "+33610000002"]);
    // The version's message is read once and shared by its three messages.
    let message = jobs[0].message.clone().unwrap();
    assert_eq!(
        message.body.as_str(),
        "Spring sale: -20% this weekend. STOP au 36180"
    );
    assert_eq!(message.sender.as_str(), "HERALD");
    for job in &jobs {
        assert!(std::sync::Arc::ptr_eq(
            job.message.as_ref().unwrap(),
            &message
        ));
        t.app
            .delivery_submitted(job, &SubmitOutcome::Accepted)
            .await
            .unwrap();
    }
    for job in &jobs[..2] {
        t.app
            .delivery_report(job.id, Some(1), &Report::Delivered)
            .await
            .unwrap();
    }
    let status = t.app.status(OWNER, "spring").await.unwrap();
    assert_eq!(
        (status.state, status.percent, status.stopping),
        (CampaignState::Sending, 66, false)
    );
    assert_eq!(
        t.app.advance_campaigns().await.unwrap().completed,
        0,
        "one to go"
    );
    t.app
        .delivery_report(jobs[2].id, Some(1), &Report::Rejected { temporary: false })
        .await
        .unwrap();
    assert_eq!(t.app.advance_campaigns().await.unwrap().completed, 1);
    let status = t.app.status(OWNER, "spring").await.unwrap();
    assert_eq!(
        (status.state, status.percent),
        (CampaignState::Completed, 100)
    );
    let counts = status.deliveries.unwrap();
    assert_eq!(
        (counts.delivered, counts.bounced, counts.skipped),
        (2, 1, 1)
    );
    assert_eq!(
        ledger_kinds(&t).await,
        [
            (LedgerKind::Credit, 100),
            (LedgerKind::Reserve, 4),
            (LedgerKind::Debit, 4),
            (LedgerKind::Refund, 1)
        ]
    );
    let (_, balance) = t.app.account(SERVER).await.unwrap();
    assert_eq!(
        (balance.available, balance.reserved),
        (Credits(97), Credits(0))
    );
    assert_eq!(
        t.outbox_kinds().await,
        ["submitted", "approved", "started_sending", "completed"]
    );
}

async fn short_credit_at_send_time_holds_then_resumes(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 2, 3).await;
    let when = SendRequest::Scheduled {
        date: "2027-03-03".into(),
        time: "10:00".into(),
        zone: Some("Europe/Paris".into()),
    };
    t.approve("spring", when).await;
    assert_eq!(state(&t).await, CampaignState::Scheduled);
    t.clock
        .set(Utc.with_ymd_and_hms(2027, 3, 3, 9, 0, 0).unwrap());
    let pass = t.app.advance_campaigns().await.unwrap();
    assert_eq!((pass.started, pass.held), (0, 1));
    assert_eq!(state(&t).await, CampaignState::OnHold);
    assert!(t.outbox_kinds().await.contains(&"held_for_credit"));
    assert_eq!(
        t.app.advance_campaigns().await.unwrap().started,
        0,
        "still short"
    );

    t.app
        .credit(SERVER, TopUp::new(1).unwrap(), "reload", Actor::Operator)
        .await
        .unwrap();
    assert_eq!(t.app.advance_campaigns().await.unwrap().started, 1);
    assert_eq!(state(&t).await, CampaignState::Sending);
    let (_, balance) = t.app.account(SERVER).await.unwrap();
    assert_eq!(
        (balance.available, balance.reserved),
        (Credits(0), Credits(0))
    );
}

async fn a_scheduled_campaign_starts_on_time_across_a_dst_change(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 100, 2).await;
    t.clock
        .set(Utc.with_ymd_and_hms(2027, 3, 27, 9, 0, 0).unwrap());
    // Clocks go from 02:00 to 03:00 in Paris on 2027-03-28: 08:30 local is 06:30 UTC.
    let when = SendRequest::Scheduled {
        date: "2027-03-29".into(),
        time: "08:30".into(),
        zone: Some("Europe/Paris".into()),
    };
    t.approve("spring", when).await;
    t.clock
        .set(Utc.with_ymd_and_hms(2027, 3, 29, 6, 29, 59).unwrap());
    assert_eq!(t.app.advance_campaigns().await.unwrap().started, 0);
    t.clock.advance(TimeDelta::seconds(1));
    assert_eq!(t.app.advance_campaigns().await.unwrap().started, 1);
}

async fn stopping_mid_send_refunds_what_was_not_sent(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 10, 3).await;
    t.approve("spring", SendRequest::Immediate).await;
    t.app.advance_campaigns().await.unwrap();
    let first = t.app.claim_deliveries(1).await.unwrap();
    t.app
        .delivery_submitted(&first[0], &SubmitOutcome::Accepted)
        .await
        .unwrap();

    let token = t.app.request_cancel(OWNER, "spring", false).await.unwrap();
    t.app.confirm(OWNER, token.as_str()).await.unwrap();
    let status = t.app.status(OWNER, "spring").await.unwrap();
    assert!(
        status.stopping && status.state == CampaignState::Sending,
        "{status:?}"
    );
    assert!(
        t.app.claim_deliveries(10).await.unwrap().is_empty(),
        "nothing more is sent"
    );
    // The message already at the gateway finishes normally.
    assert_eq!(t.app.advance_campaigns().await.unwrap().completed, 0);
    t.app
        .delivery_report(first[0].id, Some(1), &Report::Delivered)
        .await
        .unwrap();
    assert_eq!(t.app.advance_campaigns().await.unwrap().completed, 1);
    let counts = t.delivery_counts("spring").await;
    assert_eq!((counts.delivered, counts.stopped), (1, 2));
    assert_eq!(
        ledger_kinds(&t).await[2..],
        [(LedgerKind::Debit, 3), (LedgerKind::Refund, 2)]
    );
}

async fn the_engine_takes_a_campaign_to_100_percent_on_the_simulated_gateway(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 1000, 200).await;
    t.approve("spring", SendRequest::Immediate).await;
    let (reports, received) = tokio::sync::mpsc::unbounded_channel();
    let profile = SimulationProfile {
        permanent_failure: 0.05,
        temporary_failure: 0.0,
        report_delay: Duration::from_millis(5),
        seed: 7,
    };
    let gateway = Arc::new(SimulatedGateway::new(profile, reports));
    let config = DispatcherConfig {
        idle_poll: Duration::from_millis(10),
        batch: 50,
        ..DispatcherConfig::default()
    };
    let (stop, stopping) = tokio::sync::oneshot::channel::<()>();
    let dispatcher = Dispatcher::new(t.app.clone(), gateway, config);
    let running = tokio::spawn(dispatcher.run(received, async {
        let _ = stopping.await;
    }));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while state(&t).await != CampaignState::Completed {
        assert!(tokio::time::Instant::now() < deadline, "stuck");
        t.app.advance_campaigns().await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let counts = t.delivery_counts("spring").await;
    assert_eq!(counts.delivered + counts.bounced, 200);
    assert!(counts.bounced > 0 && counts.bounced < 30, "{counts:?}");
    let _ = stop.send(());
    running.await.unwrap();
}

async fn a_stop_received_mid_campaign_stops_that_numbers_retries(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 100, 3).await;
    t.approve("spring", SendRequest::Immediate).await;
    t.app.advance_campaigns().await.unwrap();
    let jobs = t.app.claim_deliveries(10).await.unwrap();
    assert_eq!(jobs.len(), 3);
    // The first is busy and waits for a retry; the others are delivered.
    let busy = SubmitOutcome::TemporaryFailure("busy".into());
    t.app.delivery_submitted(&jobs[0], &busy).await.unwrap();
    for job in &jobs[1..] {
        t.app
            .delivery_report(job.id, Some(1), &Report::Delivered)
            .await
            .unwrap();
    }
    // Its owner answers STOP before the retry.
    assert_eq!(
        t.app.reply_received(&jobs[0].phone, "STOP").await.unwrap(),
        1
    );
    let entry = t
        .app
        .opt_out_entry(SERVER, &jobs[0].phone)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.reason, herald::domain::opt_out::OptOutReason::Stop);
    t.clock.advance(TimeDelta::minutes(5));
    assert!(
        t.app.claim_deliveries(10).await.unwrap().is_empty(),
        "no retry to a number that opted out"
    );
    assert_eq!(t.app.advance_campaigns().await.unwrap().completed, 1);
    let status = t.app.status(OWNER, "spring").await.unwrap();
    assert_eq!(
        (status.state, status.percent),
        (CampaignState::Completed, 100)
    );
    let counts = status.deliveries.unwrap();
    assert_eq!(
        (counts.delivered, counts.skipped, counts.retrying),
        (2, 1, 0)
    );
    assert_eq!(
        ledger_kinds(&t).await[1..],
        [
            (LedgerKind::Reserve, 3),
            (LedgerKind::Debit, 3),
            (LedgerKind::Refund, 1)
        ]
    );
}

on_both_engines!(
    a_stop_received_mid_campaign_stops_that_numbers_retries,
    an_approved_campaign_is_sent_to_each_recipient_once_and_completes,
    short_credit_at_send_time_holds_then_resumes,
    a_scheduled_campaign_starts_on_time_across_a_dst_change,
    stopping_mid_send_refunds_what_was_not_sent,
    the_engine_takes_a_campaign_to_100_percent_on_the_simulated_gateway,
);
