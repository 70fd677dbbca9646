//! Bad input: each gets a clear message saying what was wrong and what to do, and the data
//! is exactly as it was before. Run on SQLite and PostgreSQL.

use std::io::Cursor;

use crate::support::{Engine, OWNER, SERVER, TestApp};
use herald::app::{AppError, Decision, DraftInput, SendRequest};
use herald::domain::campaign::{CampaignError, RefusalCode};
use herald::domain::credits::TopUp;
use herald::domain::effects::Actor;
use herald::domain::ids::ModeratorName;

/// Everything a failed command could have touched, as one comparable value.
async fn snapshot(t: &TestApp) -> String {
    let (items, total) = t.app.list(OWNER, 0, 100).await.unwrap();
    let mut out = format!("campaigns={total}\n");
    for item in items {
        let id = t.app.campaign_id(SERVER, &item.name).await.unwrap().0;
        let c = t.store.campaign_by_id(id).await.unwrap().unwrap();
        out.push_str(&format!(
            "{} {:?} rev={} draft={:?}/{:?}/{:?} sub={:?}\n",
            c.name,
            c.state,
            c.revision,
            c.draft.body.as_ref().map(|b| b.as_str().to_owned()),
            c.draft.sender,
            c.draft.recipients,
            c.submission
                .as_ref()
                .map(|s| (s.version, s.cost, s.reserved))
        ));
    }
    let (_, balance) = t.app.account(SERVER).await.unwrap();
    let ledger = t.app.credits(SERVER, 1000).await.unwrap().ledger.len();
    let outbox = t.store.undelivered_notifications(1000).await.unwrap().len();
    let audit = t.store.audit_log(Some(SERVER), 1000).await.unwrap().len();
    out.push_str(&format!(
        "balance={balance:?} ledger={ledger} outbox={outbox} audit={audit}"
    ));
    out
}

/// Runs `attempt`, which must fail with a message containing every `expected` piece, and checks
/// that nothing changed.
macro_rules! refused {
    ($t:expr, $attempt:expr, $($expected:expr),+) => {{
        let before = snapshot(&$t).await;
        let err = $attempt.await.expect_err("bad input must be refused");
        let message = err.to_string();
        $( assert!(message.contains($expected), "message {message:?} should contain {:?}", $expected); )+
        assert!(!err.is_internal(), "a user error, not an internal one: {message}");
        assert_eq!(snapshot(&$t).await, before, "nothing may change after: {message}");
        err
    }};
}

async fn bodies_empty_or_too_long(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 100, 2).await;
    let body = |b: &str| DraftInput {
        body: Some(b.to_owned()),
        sender: None,
    };
    refused!(
        t,
        t.app.create_campaign(OWNER, "other", body("   ")),
        "empty"
    );
    refused!(t, t.app.edit_campaign(OWNER, "spring", body("")), "empty");
    let long = "a".repeat(153 * 10 + 1);
    refused!(
        t,
        t.app.edit_campaign(OWNER, "spring", body(&long)),
        "11 SMS segments",
        "at most 10"
    );
    let emoji = "😀".repeat(34 * 10);
    refused!(
        t,
        t.app.edit_campaign(OWNER, "spring", body(&emoji)),
        "segments",
        "shorten"
    );
    refused!(
        t,
        t.app.edit_campaign(
            OWNER,
            "spring",
            DraftInput {
                body: None,
                sender: Some("TOO LONG SENDER".into())
            }
        ),
        "sender ID"
    );
    refused!(
        t,
        t.app.create_campaign(OWNER, " ", DraftInput::default()),
        "name"
    );
}

async fn rows_invalid_duplicate_or_opted_out_are_reported_with_lines(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 100, 1).await;
    t.app
        .opt_out(SERVER, "06 99 00 00 01", Actor::Operator)
        .await
        .unwrap();
    let csv = "Téléphone;Prénom\n06 12 34 56 78;Ann\nnot a number;Bob\n0612345678;Ann again\n+33699000001;Stop\n06.12.34.56.79;Cy\n";
    let report = t
        .app
        .import_recipients(
            OWNER,
            "spring",
            Cursor::new(csv.as_bytes().to_vec()),
            Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(report.imported, 2);
    assert_eq!(
        (report.invalid.count, report.invalid.first_lines.clone()),
        (1, vec![3])
    );
    assert_eq!(
        (
            report.duplicates.count,
            report.duplicates.first_lines.clone()
        ),
        (1, vec![4])
    );
    assert_eq!(
        (report.opted_out.count, report.opted_out.first_lines.clone()),
        (1, vec![5])
    );
    assert_eq!(
        t.app
            .status(OWNER, "spring")
            .await
            .unwrap()
            .draft_recipients,
        Some(2)
    );

    // A file with nothing usable is refused, and the previous list stays.
    let useless = "phone\nnope\n+33699000001\n";
    refused!(
        t,
        t.app.import_recipients(
            OWNER,
            "spring",
            Cursor::new(useless.as_bytes().to_vec()),
            Default::default()
        ),
        "no usable recipient",
        "1 invalid (line 2)",
        "1 opted out (line 3)"
    );
}

async fn malformed_csv_files(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 100, 3).await;
    let import = |bytes: Vec<u8>| {
        t.app
            .import_recipients(OWNER, "spring", Cursor::new(bytes), Default::default())
    };
    refused!(
        t,
        import(b"phone\n0612345678\n\x00\x01\x02\xff\xfe binary\n".to_vec()),
        "line 3"
    );
    refused!(
        t,
        import(vec![0x89, b'P', b'N', b'G', 0, 0, 0, 13]),
        "line 1"
    );
    refused!(
        t,
        import(b"name|city\nAnn|Paris\nBob|Lyon\n".to_vec()),
        "no column of phone numbers"
    );
    refused!(
        t,
        import(b"0612345678:Ann\n0612345679:Bob\n".to_vec()),
        "no column of phone numbers"
    );
    refused!(t, import(Vec::new()), "empty");
    let mut huge = b"phone\n0612345678\n".to_vec();
    huge.extend(std::iter::repeat_n(b'7', 50 * 1024 * 1024));
    refused!(t, import(huge), "line 3", "longer");
}

async fn zones_and_send_times(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 100, 2).await;
    let at = |date: &str, time: &str, zone: &str| SendRequest::Scheduled {
        date: date.into(),
        time: time.into(),
        zone: Some(zone.into()),
    };
    refused!(
        t,
        t.app
            .finalize(OWNER, "spring", at("2027-04-01", "10:00", "Europe/Pari")),
        "unknown time zone",
        "Europe/Paris"
    );
    refused!(
        t,
        t.app
            .finalize(OWNER, "spring", at("2027-03-28", "02:30", "Europe/Paris")),
        "02:30 does not exist on 2027-03-28 in Europe/Paris: clocks go from 02:00 to 03:00"
    );
    refused!(
        t,
        t.app
            .finalize(OWNER, "spring", at("2027-03-01", "10:00", "Europe/Paris")),
        "at least 1 minute ahead"
    );
    refused!(
        t,
        t.app
            .finalize(OWNER, "spring", at("2028-03-03", "10:00", "Europe/Paris")),
        "within 1 year"
    );
    refused!(
        t,
        t.app
            .finalize(OWNER, "spring", at("03/04/2027", "10:00", "Europe/Paris")),
        "YYYY-MM-DD"
    );
    refused!(
        t,
        t.app
            .finalize(OWNER, "spring", at("2027-04-01", "25:00", "Europe/Paris")),
        "HH:MM"
    );
}

async fn credit_amounts(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 100, 2).await;
    for (input, expected) in [
        ("0", "more than zero"),
        ("-50", "more than zero"),
        ("12.5", "whole number"),
        ("99999999999999999999", "more than"),
    ] {
        let before = snapshot(&t).await;
        let err = TopUp::parse(input).unwrap_err().to_string();
        assert!(err.contains(expected), "{input}: {err}");
        assert_eq!(snapshot(&t).await, before);
    }
    // Top-ups can't push a balance past what both databases hold: bring it near the limit
    // through the ledger, then try once more.
    let near_limit = herald::domain::credits::LedgerEntry {
        kind: herald::domain::credits::LedgerKind::Credit,
        amount: herald::domain::credits::Credits(herald::app::MAX_BALANCE - 500),
        campaign: None,
        reason: Some("test".into()),
    };
    let now = chrono::Utc::now();
    t.store
        .apply_account_effects(
            SERVER,
            &[herald::domain::effects::Effect::Ledger(near_limit)],
            now,
        )
        .await
        .unwrap();
    let big = TopUp::new(herald::domain::credits::MAX_TOP_UP).unwrap();
    refused!(
        t,
        t.app.credit(SERVER, big, "again", Actor::Operator),
        "past",
        "check the amount"
    );
}

async fn decisions_in_the_wrong_state(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 100, 2).await;
    let (id, _) = t.app.campaign_id(SERVER, "spring").await.unwrap();
    let alice = ModeratorName::parse("alice").unwrap();
    let refuse = || Decision::Refuse {
        code: RefusalCode::Technical,
        reason: "Broken link".into(),
    };
    refused!(
        t,
        t.app.decide(id, 1, &alice, refuse()),
        "not waiting for review"
    );
    let summary = t
        .app
        .finalize(OWNER, "spring", SendRequest::Immediate)
        .await
        .unwrap();
    t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    refused!(
        t,
        t.app.decide(
            id,
            1,
            &alice,
            Decision::Refuse {
                code: RefusalCode::Technical,
                reason: " ".into()
            }
        ),
        "needs a reason"
    );
    t.app
        .decide(id, 1, &alice, Decision::Approve)
        .await
        .unwrap();
    let err = refused!(
        t,
        t.app.decide(id, 1, &alice, refuse()),
        "already approved by alice at"
    );
    assert!(matches!(
        err,
        AppError::Campaign(CampaignError::AlreadyDecided { .. })
    ));
    refused!(
        t,
        t.app.finalize(OWNER, "spring", SendRequest::Immediate),
        "already approved",
        "cancel it first"
    );
    refused!(t, t.app.status(OWNER, "nope"), "no campaign named \"nope\"");
}

on_both_engines!(
    bodies_empty_or_too_long,
    rows_invalid_duplicate_or_opted_out_are_reported_with_lines,
    malformed_csv_files,
    zones_and_send_times,
    credit_amounts,
    decisions_in_the_wrong_state,
);
