//! Erasing a person's data by number: lists, audiences, merge values, replies and short links
//! go; campaigns keep anonymous counts; messages not sent yet are never sent; the opt-out
//! entry stays. From the use case, the command line and the console, on both engines.

use std::io::Cursor;

use serde_json::{Value, json};

use crate::console::{console, signed_in};
use crate::support::{Engine, OWNER, SERVER, TestApp};
use herald::app::{DraftInput, SendRequest};
use herald::domain::account::AccountSettings;
use herald::domain::audience::ImportMode;
use herald::domain::credits::TopUp;
use herald::domain::delivery::Report;
use herald::domain::effects::Actor;
use herald::domain::ids::ChannelId;

const CSV: &str = "phone,prenom\n0612345601,Anne\n0612345602,Bob\n";

/// "spring" sent to Anne and Bob from the audience "clients"; Anne's message delivered, she
/// replied, the team answered her from her thread (the answer not sent yet), and she is on
/// the opt-out list (added by hand: the audit entry names her).
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
    let settings = AccountSettings {
        replies_channel: Some(ChannelId(5)),
        ..Default::default()
    };
    t.app
        .change_settings(SERVER, settings, Actor::Operator)
        .await
        .unwrap();
    let replies = t.app.claim_replies(10).await.unwrap();
    t.app
        .reply_posted(&replies[0], ChannelId(77))
        .await
        .unwrap();
    let answer = t
        .app
        .prepare_answer(OWNER, ChannelId(77), "Avec plaisir, Anne")
        .await
        .unwrap();
    let queued = t
        .app
        .confirm_answer(OWNER, answer.token.as_str())
        .await
        .unwrap();
    assert!(queued.first);
    t.app
        .opt_out(SERVER, "0612345601", Actor::Operator)
        .await
        .unwrap();
}

async fn erasing_a_number_keeps_only_anonymous_counts(engine: Engine) {
    let t = TestApp::new(engine).await;
    anne_was_sent_to(&t).await;
    // What is kept about Anne, as the person asking for it would get it.
    let kept = t
        .app
        .export_contact(SERVER, "0612345601", Actor::Operator)
        .await
        .unwrap();
    let json = serde_json::to_value(&kept).unwrap();
    assert_eq!(json["number"], "+33612345601");
    let uses: Vec<&Value> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["kept_in"].as_array().unwrap())
        .collect();
    assert!(
        uses.contains(&&json!({"kind": "audience", "name": "clients"})),
        "{json}"
    );
    assert!(
        uses.contains(&&json!({"kind": "version", "campaign": "spring", "version": 1})),
        "{json}"
    );
    // The list's columns: "prenom", and "name", the column Herald reads names from.
    assert_eq!(
        json["entries"][0]["values"],
        json!([{"name": "prenom", "value": "Anne"}, {"name": "name", "value": "Anne"}])
    );
    let kinds: Vec<(&str, &str)> = json["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["kind"].as_str().unwrap(), m["status"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [("campaign", "delivered"), ("answer", "pending")]);
    assert_eq!(json["messages"][0]["values"][0]["value"], "Anne");
    let audited: Vec<&str> = json["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(audited, ["opt_out_added"], "{json}");
    assert_eq!(json["replies"][0]["text"], "Merci, c'est Anne");
    assert_eq!(json["answers"][0]["text"], "Avec plaisir, Anne");
    assert_eq!(json["answers"][0]["confirmed"], true);
    assert_eq!(json["opt_out"]["reason"], "manual");

    // Bob's message is not sent yet: erasing Bob means it never will be.
    let before = t.app.account(SERVER).await.unwrap().1.available.0;
    let anne = t
        .app
        .erase_contact(SERVER, "06 12 34 56 01", Actor::Operator)
        .await
        .unwrap();
    // Her campaign message and the answer, which will never be sent now.
    assert_eq!(
        (
            anne.list_entries,
            anne.messages,
            anne.unsent,
            anne.replies,
            anne.answers
        ),
        (2, 2, 1, 1, 1),
        "{anne:?}"
    );
    // The answer that will never leave is refunded.
    assert_eq!(
        t.app.account(SERVER).await.unwrap().1.available.0,
        before + 1
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
    assert!(t.app.claim_replies(10).await.unwrap().is_empty());
    // Her thread no longer leads to her: nothing can be answered from it.
    assert!(matches!(
        t.app.prepare_answer(OWNER, ChannelId(77), "Encore ?").await,
        Err(herald::app::AppError::NotAReplyThread)
    ));
    // Asked again, only the opt-out entry is left.
    let kept = t
        .app
        .export_contact(SERVER, "+33612345601", Actor::Operator)
        .await
        .unwrap();
    assert!(kept.opt_out.is_some());
    assert_eq!(kept.data, herald::store::ContactData::default());
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
    let export = h.run(&["contact", "export", "42", "0612345601"]);
    assert!(export.status.success());
    let json: Value = serde_json::from_slice(&export.stdout).unwrap();
    assert_eq!(
        (
            &json["entries"][0]["kept_in"],
            &json["entries"][0]["values"]
        ),
        (
            &json!([{"kind": "draft", "campaign": "spring"}]),
            &json!([{"name": "prenom", "value": "Anne"}, {"name": "name", "value": "Anne"}])
        )
    );
    assert_eq!(json["opt_out"], Value::Null);
    let file = std::env::temp_dir().join(format!("contact-{engine:?}-{}.json", std::process::id()));
    let written = h.run(&[
        "contact",
        "export",
        "42",
        "+33612345601",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(
        String::from_utf8_lossy(&written.stdout).trim(),
        format!(
            "+33612345601's data written to {}: 1 list entry, 0 message(s), 0 replies, 0 answer(s)",
            file.display()
        )
    );
    let from_file: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(from_file, json);
    h.refused(
        &["contact", "erase", "42", "0612345601"],
        "cannot be undone: run it again with --yes",
    );
    h.refused(&["contact", "erase", "42", "06123", "--yes"], "06123");
    let out = h.run(&["contact", "erase", "42", "0612345601", "--yes"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "erased: 1 list or audience entry, 0 message(s) made anonymous (0 not sent yet, now never sent), 0 replies, 0 answer(s), 0 short link(s); 0 audit entries no longer name the number"
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
    let download = format!("/accounts/{}/contact.json", SERVER.0);
    let file = alice
        .submit(&page, &download, &[("number", "0610000000")])
        .await;
    assert_eq!(file.status, 200);
    assert_eq!(file.headers["content-type"], "application/json");
    assert_eq!(
        file.headers["content-disposition"],
        "attachment; filename=\"33610000000-data.json\""
    );
    let json: Value = serde_json::from_str(&file.text).unwrap();
    assert_eq!(json["number"], "+33610000000");
    assert_eq!(json["entries"][0]["values"][0]["value"], "Person 0");
    let bad = alice
        .submit(&page, &download, &[("number", "<i>06</i>")])
        .await;
    assert!(bad.text_of("p.error").contains("<i>06</i>"), "{}", bad.text);
    let forged = alice
        .post(&download, &[("number", "0610000000"), ("csrf", "x")])
        .await;
    assert_eq!(forged.status, 403);
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
        "Erased: 1 list or audience entry, 0 messages made anonymous (0 not sent yet, now never sent), 0 replies, 0 answers, 0 short links; 0 audit entries no longer name the number."
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
