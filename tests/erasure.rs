//! Erasing a person's data by number: lists, audiences, merge values, replies and short links
//! go; campaigns keep anonymous counts; messages not sent yet are never sent; the opt-out
//! entry stays. From the use case, the command line and the console, on both engines.

use std::io::Cursor;

use crate::console::{console, signed_in};
use crate::support::{Engine, OWNER, SERVER, TestApp};
use herald::app::{DraftInput, SendRequest};
use herald::domain::audience::ImportMode;
use herald::domain::credits::TopUp;
use herald::domain::delivery::Report;
use herald::domain::effects::Actor;

const CSV: &str = "phone,prenom\n0612345601,Anne\n0612345602,Bob\n";

/// "spring" sent to Anne and Bob from the audience "clients"; Anne's message delivered, she
/// replied, and she is on the opt-out list (added by hand: the audit entry names her).
async fn anne_was_sent_to(t: &TestApp) {
    t.app.ensure_account(SERVER, "Test server").await.unwrap();
    t.app
        .credit(SERVER, TopUp::new(100).unwrap(), "test", Actor::Operator)
        .await
        .unwrap();
    t.app
        .import_audience(
            OWNER,
            "clients",
            Cursor::new(CSV),
            ImportMode::Create,
            Default::default(),
        )
        .await
        .unwrap();
    let input = DraftInput {
        body: Some("Bonjour {prenom} ! STOP au 36180".into()),
        sender: Some("MaBoutique".into()),
    };
    t.app.create_campaign(OWNER, "spring", input).await.unwrap();
    t.app
        .import_recipients(OWNER, "spring", Cursor::new(CSV), Default::default())
        .await
        .unwrap();
    t.approve("spring", SendRequest::Immediate).await;
    t.app.advance_campaigns().await.unwrap();
    let jobs = t.app.claim_deliveries(1).await.unwrap();
    assert_eq!(jobs[0].phone, "+33612345601");
    t.app
        .delivery_report(jobs[0].id, Some(1), &Report::Delivered)
        .await
        .unwrap();
    t.app
        .reply_received("+33612345601", "Merci, c'est Anne")
        .await
        .unwrap();
    t.app
        .opt_out(SERVER, "0612345601", Actor::Operator)
        .await
        .unwrap();
}

async fn erasing_a_number_keeps_only_anonymous_counts(engine: Engine) {
    let t = TestApp::new(engine).await;
    anne_was_sent_to(&t).await;
    // Bob's message is not sent yet: erasing Bob means it never will be.
    let anne = t
        .app
        .erase_contact(SERVER, "06 12 34 56 01", Actor::Operator)
        .await
        .unwrap();
    assert_eq!(
        (anne.list_entries, anne.messages, anne.unsent, anne.replies),
        (2, 1, 0, 1),
        "{anne:?}"
    );
    assert!(anne.audit_entries >= 1, "{anne:?}");
    assert!(anne.kept_on_opt_out_list);
    let bob = t
        .app
        .erase_contact(SERVER, "+33612345602", Actor::Operator)
        .await
        .unwrap();
    assert_eq!(
        (bob.messages, bob.unsent, bob.kept_on_opt_out_list),
        (1, 1, false)
    );
    assert!(t.app.claim_deliveries(10).await.unwrap().is_empty());

    // The campaign's counts stay; the rows name nobody.
    let mut csv = Vec::new();
    let summary = t
        .app
        .export_results(OWNER, "spring", &mut csv)
        .await
        .unwrap();
    assert_eq!((summary.counts.delivered, summary.recipients), (1, 2));
    let csv = String::from_utf8(csv).unwrap();
    assert!(!csv.contains("3361234560"), "{csv}");
    assert!(!csv.contains("Anne") && !csv.contains("Bob"), "{csv}");
    assert!(csv.contains("\nerased,,,delivered,"), "{csv}");
    // Nor do the audience, the audit log or the replies waiting for Discord.
    let audience = t.app.audience(SERVER, "clients").await.unwrap();
    assert_eq!(audience.recipients, 0);
    let audit = t.store.audit_log(Some(SERVER), 100).await.unwrap();
    assert!(
        audit.iter().all(|a| !a.detail.contains("3361234560")),
        "{audit:?}"
    );
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.action == herald::domain::effects::AuditAction::ContactErased)
            .count(),
        2
    );
    let settings = herald::domain::account::AccountSettings {
        replies_channel: Some(herald::domain::ids::ChannelId(5)),
        ..Default::default()
    };
    t.app
        .change_settings(SERVER, settings, Actor::Operator)
        .await
        .unwrap();
    assert!(t.app.claim_replies(10).await.unwrap().is_empty());
    // The opt-out entry stays: Anne is never sent to again.
    assert!(
        t.app
            .opt_out_entry(SERVER, "+33612345601")
            .await
            .unwrap()
            .is_some()
    );
}

async fn the_command_line_and_the_console_erase_a_number(engine: Engine) {
    let h = crate::cli::Herald::new(engine).await;
    h.json(&["account", "credit", "42", "100", "--reason", "first load"]);
    h.json(&[
        "campaign",
        "create",
        "spring",
        "--body",
        "Soldes ! STOP au 36180",
        "--sender",
        "MaBoutique",
    ]);
    let csv = std::env::temp_dir().join(format!("erase-{}.csv", std::process::id()));
    std::fs::write(&csv, CSV).unwrap();
    h.json(&["campaign", "import", "spring", csv.to_str().unwrap()]);
    h.refused(
        &["contact", "erase", "42", "0612345601"],
        "cannot be undone: run it again with --yes",
    );
    h.refused(&["contact", "erase", "42", "06123", "--yes"], "06123");
    let out = h.run(&["contact", "erase", "42", "0612345601", "--yes"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "erased: 1 list or audience entry, 0 message(s) made anonymous (0 not sent yet, now never sent), 0 replies, 0 short link(s); 0 audit entries no longer name the number"
    );

    let again = h.run(&["contact", "erase", "42", "0612345601", "--yes"]);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout).trim(),
        "nothing was kept about 0612345601 in account 42: nothing erased"
    );
    // Only the test clock's warning on stderr: no log line about the erasure.
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(!stderr.contains("erase"), "{stderr}");

    let (t, base) = console(engine).await;
    t.ready_campaign("autumn", 10, 3).await;
    let mut alice = signed_in(&base, "alice").await;
    let page = format!("/accounts/{}/opt-outs", SERVER.0);
    let action = format!("/accounts/{}/erase", SERVER.0);
    let unconfirmed = alice
        .submit(&page, &action, &[("number", "0610000000")])
        .await;
    assert_eq!(
        unconfirmed.text_of("p.error"),
        "tick the box to confirm: an erasure cannot be undone"
    );
    let bad = alice
        .submit(
            &page,
            &action,
            &[("number", "<b>06</b>"), ("confirm", "yes")],
        )
        .await;
    assert!(bad.text_of("p.error").contains("<b>06</b>"), "{}", bad.text);
    assert!(!bad.text.contains("<b>06</b>"), "escaped");
    let done = alice
        .submit(
            &page,
            &action,
            &[("number", "0610000000"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(
        done.text_of("p.notice"),
        "Erased: 1 list or audience entry, 0 messages made anonymous (0 not sent yet, now never sent), 0 replies, 0 short links; 0 audit entries no longer name the number."
    );
    let forged = alice
        .post(
            &action,
            &[("number", "0610000001"), ("confirm", "yes"), ("csrf", "x")],
        )
        .await;
    assert_eq!(forged.status, 403);
}

on_both_engines!(
    erasing_a_number_keeps_only_anonymous_counts,
    the_command_line_and_the_console_erase_a_number,
);
