//! Herald's delivery engine through a real Kannel: the dispatcher submits over `sendsms`,
//! Kannel talks to a scripted fake operator, and the operator's reports come back through
//! Kannel to Herald's signed report endpoint. The clock is Herald's manual one, so the 48-hour
//! window closes without waiting 48 hours.

use std::sync::Arc;
use std::time::Duration;

use crate::support::kannel::{FakeOperator, Kannel, Script};
use crate::support::{Engine, OWNER, SERVER, TestApp};
use chrono::TimeDelta;
use herald::app::SendRequest;
use herald::delivery::{
    Dispatcher, DispatcherConfig, KannelConfig, KannelGateway, ReportSigner, report_routes,
};
use herald::domain::campaign::CampaignState;
use herald::domain::credits::Credits;
use herald::domain::delivery::DeliveryStatus;

/// Herald's HTTP server for reports, on a port of its own.
async fn serve_reports(
    t: &TestApp,
    signer: ReportSigner,
    listener: tokio::net::TcpListener,
) -> tokio::task::JoinHandle<()> {
    let routes = report_routes(t.app.clone(), signer);
    tokio::spawn(async move {
        axum::serve(listener, routes).await.unwrap();
    })
}

struct Engine2 {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Engine2 {
    fn start(t: &TestApp, kannel: &Kannel, signer: ReportSigner, report_base: String) -> Engine2 {
        let config = KannelConfig {
            sendsms_url: kannel.sendsms_url(),
            username: kannel.username().to_owned(),
            password: kannel.password().to_owned(),
            report_base,
        };
        let gateway = Arc::new(KannelGateway::new(config, signer).unwrap());
        let (_reports, received) = tokio::sync::mpsc::unbounded_channel();
        let dispatch = DispatcherConfig {
            idle_poll: Duration::from_millis(20),
            ..DispatcherConfig::default()
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(Dispatcher::new(t.app.clone(), gateway, dispatch).run(
            received,
            async {
                let _ = stopped.await;
            },
        ));
        Engine2 {
            stop: Some(stop),
            task,
        }
    }

    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.await.unwrap();
    }
}

async fn approve_and_start(t: &TestApp) {
    t.approve("spring", SendRequest::Immediate).await;
    assert_eq!(t.app.advance_campaigns().await.unwrap().started, 1);
}

/// The status and attempt of each recipient, by the number's last 4 digits.
async fn by_suffix(t: &TestApp) -> Vec<(String, DeliveryStatus, u32)> {
    let (id, _) = t.app.campaign_id(SERVER, "spring").await.unwrap();
    let mut out: Vec<_> = t
        .store
        .deliveries_of(id, 1)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.phone[d.phone.len() - 4..].to_owned(), d.status, d.attempt))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

async fn wait_until(
    t: &TestApp,
    what: &str,
    done: impl Fn(&[(String, DeliveryStatus, u32)]) -> bool,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let now = by_suffix(t).await;
        if done(&now) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn status_of(rows: &[(String, DeliveryStatus, u32)], suffix: &str) -> (DeliveryStatus, u32) {
    let row = rows
        .iter()
        .find(|r| r.0 == suffix)
        .expect("a row per recipient");
    (row.1, row.2)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_outcome_through_kannel_ends_delivered_or_bounced_and_money_is_exact() {
    use DeliveryStatus::*;
    let operator =
        FakeOperator::start(Script::standard().report_delay(Duration::from_millis(20))).await;
    let kannel = Kannel::start(&operator).await;
    let t = TestApp::new(Engine::Sqlite).await;
    // 0000 delivered, 0001 rejected, 0002 temp-fail twice (Kannel retries), 0003 fails after
    // acceptance, 0004 buffered then delivered, 0005 never reports.
    t.ready_campaign("spring", 100, 6).await;
    let signer = ReportSigner::new(&t.app.report_signing_key().await.unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let _http = serve_reports(&t, signer.clone(), listener).await;
    approve_and_start(&t).await;
    let engine = Engine2::start(&t, &kannel, signer, base);

    wait_until(&t, "first outcomes", |rows| {
        status_of(rows, "0000") == (Delivered, 1)
            && status_of(rows, "0001") == (Bounced, 1)
            && status_of(rows, "0002") == (Delivered, 1)
            && status_of(rows, "0003") == (Retrying, 1)
            && status_of(rows, "0004") == (Delivered, 1)
    })
    .await;
    // 0005 was acknowledged (8) and then nothing: Herald keeps waiting, it never sends it twice.
    assert_eq!(status_of(&by_suffix(&t).await, "0005"), (Submitted, 1));
    assert_eq!(t.app.status(OWNER, "spring").await.unwrap().percent, 66);

    // 0003 is retried after its backoff, and fails again.
    t.clock.advance(TimeDelta::minutes(1));
    wait_until(&t, "the retry of 0003", |rows| {
        status_of(rows, "0003") == (Retrying, 2)
    })
    .await;
    // The window closes: 0005 bounces for lack of a final report, 0003's next try would fall
    // after the window, so it bounces too.
    t.clock.advance(TimeDelta::hours(48));
    wait_until(&t, "the window to close", |rows| {
        rows.iter().all(|r| r.1 == Delivered || r.1 == Bounced)
    })
    .await;
    engine.stop().await;
    assert_eq!(
        status_of(&by_suffix(&t).await, "0003").1,
        3,
        "tried at its due time once more"
    );

    assert_eq!(t.app.advance_campaigns().await.unwrap().completed, 1);
    let status = t.app.status(OWNER, "spring").await.unwrap();
    assert_eq!(
        (status.state, status.percent),
        (CampaignState::Completed, 100)
    );
    let counts = status.deliveries.unwrap();
    assert_eq!((counts.delivered, counts.bounced), (3, 3));
    // The operator saw each attempt exactly once: Kannel's own retries of 0002 aside.
    let sent = |suffix: &str| operator.submits_to(&format!("+3361000{suffix}"));
    assert_eq!(
        ["0000", "0001", "0002", "0003", "0004", "0005"].map(sent),
        [1, 1, 3, 3, 1, 1]
    );
    let (_, balance) = t.app.account(SERVER).await.unwrap();
    assert_eq!(
        balance.available,
        Credits(94),
        "6 messages paid, bounces included"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_reach_herald_after_its_endpoint_was_down_and_forged_ones_are_refused() {
    let operator =
        FakeOperator::start(Script::all_delivered().report_delay(Duration::from_millis(10))).await;
    let kannel = Kannel::start(&operator).await;
    let t = TestApp::new(Engine::Postgres).await;
    t.ready_campaign("spring", 100, 3).await;
    let signer = ReportSigner::new(&t.app.report_signing_key().await.unwrap());
    // The endpoint's address is known, but nothing listens there yet.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    approve_and_start(&t).await;
    let engine = Engine2::start(&t, &kannel, signer.clone(), format!("http://{addr}"));
    operator
        .wait_for(Duration::from_secs(10), |log| log.len() == 3)
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        by_suffix(&t)
            .await
            .iter()
            .all(|r| r.1 == DeliveryStatus::Submitted)
    );

    // Up again: Kannel retries its report calls (http-request-retry) and they land.
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let _http = serve_reports(&t, signer, listener).await;
    wait_until(&t, "the retried reports", |rows| {
        rows.iter().all(|r| r.1 == DeliveryStatus::Delivered)
    })
    .await;
    engine.stop().await;

    // A report with a wrong signature changes nothing.
    let (id, _) = t.app.campaign_id(SERVER, "spring").await.unwrap();
    let first = t.store.deliveries_of(id, 1).await.unwrap()[0].id;
    let forged = format!(
        "http://{addr}/kannel/report?d={first}&a=1&s={}&type=16&answer=x",
        "0".repeat(32)
    );
    let reply = crate::support::kannel::http::get(&forged).await.unwrap();
    assert_eq!(reply.status, 403);
    assert!(
        by_suffix(&t)
            .await
            .iter()
            .all(|r| r.1 == DeliveryStatus::Delivered)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_reply_through_kannel_opts_the_number_out() {
    let operator =
        FakeOperator::start(Script::all_delivered().report_delay(Duration::from_millis(10))).await;
    let t = TestApp::new(Engine::Sqlite).await;
    t.ready_campaign("spring", 100, 2).await;
    let signer = ReportSigner::new(&t.app.report_signing_key().await.unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let _http = serve_reports(&t, signer.clone(), listener).await;
    let mo_url = format!("{base}/kannel/mo?k={}", signer.mo_key());
    let kannel = Kannel::start_with_mo(&operator, Some(&mo_url)).await;
    approve_and_start(&t).await;
    let engine = Engine2::start(&t, &kannel, signer, base.clone());
    wait_until(&t, "both delivered", |rows| {
        rows.iter().all(|r| r.1 == DeliveryStatus::Delivered)
    })
    .await;
    engine.stop().await;

    // A reply that is not an opt-out changes nothing; "Stop" does, for this account.
    operator.send_mo("+33610000000", "Merci !").await;
    operator.send_mo("+33610000001", "Stop").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let out = t.store.opted_out(SERVER).await.unwrap();
        if out.contains("+33610000001") {
            assert!(!out.contains("+33610000000"), "{out:?}");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no opt-out: {out:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Both replies wait for the account's replies channel, tied to the message they answer
    // (the bot posts them: `replies.rs` through the Discord stand-in).
    let settings = herald::domain::account::AccountSettings {
        replies_channel: Some(herald::domain::ids::ChannelId(77)),
        ..Default::default()
    };
    t.app
        .change_settings(SERVER, settings, herald::domain::effects::Actor::Operator)
        .await
        .unwrap();
    let mut waiting = t.app.claim_replies(10).await.unwrap();
    waiting.sort_by(|a, b| a.phone.cmp(&b.phone));
    let seen: Vec<String> = waiting
        .iter()
        .map(|r| format!("{} {:?} {} {:?}", r.phone, r.text, r.opted_out, r.campaign))
        .collect();
    assert_eq!(
        seen,
        [
            "+33610000000 \"Merci !\" false Some((\"spring\", 1))",
            "+33610000001 \"Stop\" true Some((\"spring\", 1))"
        ]
    );
    assert_eq!(
        waiting[0].fields,
        [("name".to_owned(), "Person 0".to_owned())]
    );
    // A forged MO (wrong key) is refused.
    let forged = format!(
        "{base}/kannel/mo?k={}&from=%2B33610000000&text=STOP",
        "0".repeat(32)
    );
    assert_eq!(
        crate::support::kannel::http::get(&forged)
            .await
            .unwrap()
            .status,
        403
    );
    assert!(
        !t.store
            .opted_out(SERVER)
            .await
            .unwrap()
            .contains("+33610000000")
    );
}

/// A phone's reply through the real Kannel reaches its thread in Discord (the real bot, the
/// stand-in); the answer written there with `/reply` goes back to the phone through Kannel, and
/// its delivery report turns the thread message to "delivered".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_through_kannel_reaches_its_thread_and_the_answer_goes_back() {
    use crate::bot::{Bot, content, first_button, manager};
    use crate::support::discord::{self, DiscordStandIn, Options};

    let operator =
        FakeOperator::start(Script::all_delivered().report_delay(Duration::from_millis(10))).await;
    let t = TestApp::new(Engine::Sqlite).await;
    t.ready_campaign("spring", 100, 1).await;
    let signer = ReportSigner::new(&t.app.report_signing_key().await.unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let _http = serve_reports(&t, signer.clone(), listener).await;
    let mo_url = format!("{base}/kannel/mo?k={}", signer.mo_key());
    let kannel = Kannel::start_with_mo(&operator, Some(&mo_url)).await;
    let discord = DiscordStandIn::start().await;
    let _bot = Bot::start(&t, &discord).await;
    discord.wait_for_shards(1).await;
    // The team names its replies channel in Discord.
    let settings = discord.slash("settings").options(Options::new().subcommand(
        "replies",
        Options::new().channel("channel", discord::DEFAULT_CHANNEL_ID),
    ));
    let named = discord
        .inject(manager(
            settings.in_guild(SERVER.0, discord::DEFAULT_CHANNEL_ID),
        ))
        .await;
    discord
        .wait_for_original(named.id, |m| content(m).contains("one thread per number"))
        .await;
    approve_and_start(&t).await;
    let _engine = Engine2::start(&t, &kannel, signer, base.clone());
    wait_until(&t, "delivered", |rows| {
        rows.iter().all(|r| r.1 == DeliveryStatus::Delivered)
    })
    .await;

    operator
        .send_mo("+33610000000", "Vous livrez à Lyon ?")
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let thread: u64 = loop {
        if let Some(thread) = discord.threads().first() {
            break thread["id"].as_str().unwrap().parse().unwrap();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no thread: {}",
            discord.summary()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    let reply = discord
        .wait_for_message(thread, |m| content(m).starts_with("💬"))
        .await;
    assert_eq!(content(&reply), "💬 Vous livrez à Lyon ?");

    let asked = discord
        .inject(
            manager(
                discord
                    .slash("reply")
                    .options(Options::new().string("text", "Oui, dès demain !"))
                    .in_guild(SERVER.0, thread),
            )
            .by(OWNER.user.0, "owner"),
        )
        .await;
    let summary = discord
        .wait_for_original(asked.id, |m| !content(m).is_empty())
        .await;
    let confirm = first_button(&summary)["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    discord
        .inject(
            discord
                .click(&confirm)
                .on_message(summary)
                .in_guild(SERVER.0, thread)
                .by(OWNER.user.0, "owner"),
        )
        .await;
    let answer = discord
        .wait_for_message(thread, |m| content(m).starts_with("↩️"))
        .await;
    let id: u64 = answer["id"].as_str().unwrap().parse().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let shown = loop {
        let shown = content(&discord.message(id).unwrap());
        if shown.ends_with("✅ Statut : délivré") {
            break shown;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never delivered: {shown}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(shown.contains("> Oui, dès demain !"), "{shown}");
    let to_phone: Vec<_> = operator
        .log()
        .into_iter()
        .filter(|s| s.to.ends_with("33610000000"))
        .map(|s| (s.from, s.text))
        .collect();
    assert_eq!(to_phone.len(), 2, "the campaign's message, then the answer");
    assert_eq!(to_phone[1].1, "Oui, dès demain !");
    assert_eq!(to_phone[1].0, to_phone[0].0, "from the campaign's sender");
    discord.assert_clean();
}
