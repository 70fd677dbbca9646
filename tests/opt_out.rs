//! The opt-out list, number by number: added by hand from the command line, checked, taken
//! off (a STOP only with a reason, audited), on both engines.

use serde_json::json;

use crate::cli::Herald;
use crate::support::{Engine, OWNER, SERVER, TestApp};
use herald::app::SendRequest;
use herald::domain::effects::{Actor, AuditAction};
use herald::domain::opt_out::OptOutReason;

async fn the_command_line_adds_checks_and_removes_numbers(engine: Engine) {
    let h = Herald::new(engine).await;
    h.json(&["account", "credit", "42", "10", "--reason", "first load"]);
    assert_eq!(
        h.json(&["optout", "check", "42", "06 12 34 56 78"]),
        serde_json::Value::Null
    );
    let added = h.json(&["optout", "add", "42", "06 12 34 56 78"]);
    assert_eq!(
        (&added["phone"], &added["reason"], &added["by"]),
        (
            &json!("+33612345678"),
            &json!("manual"),
            &json!({"kind": "operator"})
        ),
        "{added}"
    );
    // The process's clock starts at the tests' Tuesday morning and runs.
    assert!(
        added["since"]
            .as_str()
            .unwrap()
            .starts_with("2027-03-02T09:00:")
    );
    let out = h.run(&["optout", "check", "42", "+33612345678"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "opted out: +33612345678, since 2027-03-02 09:00 UTC: added by an operator (command line)"
    );
    // Added twice: the first entry stays.
    assert_eq!(h.json(&["optout", "add", "42", "0612345678"]), added);
    h.refused(&["optout", "add", "42", "06 12"], "is not a valid number");
    h.refused(&["optout", "add", "42", "06 12 AB"], "holds letters");

    let removed = h.json(&["optout", "remove", "42", "0612345678"]);
    assert_eq!(removed["removed"]["phone"], "+33612345678");
    h.refused(
        &["optout", "remove", "42", "0612345678"],
        "+33612345678 is not on the opt-out list",
    );
}

async fn a_stop_is_lifted_only_with_a_reason_and_audited(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 100, 1).await;
    t.approve("spring", SendRequest::Immediate).await;
    t.app.advance_campaigns().await.unwrap();
    let phone = t.app.claim_deliveries(1).await.unwrap()[0].phone.clone();
    assert_eq!(t.app.reply_received(&phone, "stop").await.unwrap(), 1);
    // A manager adding it again by hand does not hide the recipient's own STOP.
    t.app
        .opt_out(SERVER, &phone, Actor::User(OWNER.user))
        .await
        .unwrap();
    let entry = t.app.opt_out_entry(SERVER, &phone).await.unwrap().unwrap();
    assert_eq!((entry.reason, entry.by), (OptOutReason::Stop, None));

    for reason in [None, Some("  ")] {
        let refused = t
            .app
            .remove_opt_out(SERVER, &phone, reason, Actor::User(OWNER.user))
            .await
            .unwrap_err();
        assert_eq!(
            refused.to_string(),
            format!("{phone} opted out by answering STOP: give the reason for removing it")
        );
    }
    assert!(t.app.opt_out_entry(SERVER, &phone).await.unwrap().is_some());
    t.app
        .remove_opt_out(
            SERVER,
            &phone,
            Some("asked to receive offers again, by email"),
            Actor::User(OWNER.user),
        )
        .await
        .unwrap();
    assert!(t.app.opt_out_entry(SERVER, &phone).await.unwrap().is_none());
    let audit = t.store.audit_log(Some(SERVER), 50).await.unwrap();
    let removal = audit
        .iter()
        .find(|a| a.action == AuditAction::OptOutRemoved)
        .expect("the removal is audited");
    assert_eq!(
        (&removal.actor, removal.detail.as_str()),
        (
            &Actor::User(OWNER.user),
            format!("{phone} (stop): asked to receive offers again, by email").as_str()
        )
    );
    // The STOP itself came from the phone; the manager's add changed nothing but is kept.
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.action == AuditAction::OptOutAdded)
            .count(),
        1
    );
}

async fn another_tools_list_is_imported_and_the_list_exported(engine: Engine) {
    let h = Herald::new(engine).await;
    h.json(&["account", "credit", "42", "10", "--reason", "first load"]);
    h.json(&["optout", "add", "42", "06 12 34 56 78"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stop-list.csv");
    std::fs::write(
        &file,
        "Mobile;Date\n06 12 34 56 78;2025-01-02\n0699;x\n+33 6 11 22 33 44;x\n01 42 68 53 00;x\n06 11 22 33 44;x\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let report = h.json(&["optout", "import", "42", file]);
    assert_eq!(
        (
            &report["imported"],
            &report["opted_out"]["first_lines"],
            &report["invalid"]["first_lines"],
            &report["duplicates"]["first_lines"]
        ),
        (&json!(2), &json!([2]), &json!([3]), &json!([6])),
        "{report}"
    );
    let text = h.run(&["optout", "import", "42", file]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("added 0 number(s) to the opt-out list")
            && text.contains("invalid (not added; fix them and import the file again): 1 (line 3)"),
        "{text}"
    );
    h.refused(
        &["optout", "import", "42", "/nonexistent.csv"],
        "could not open /nonexistent.csv",
    );

    let out = h.run(&["optout", "export", "42"]);
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .map(|l| l.split(',').take(2).collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec!["phone", "reason"],
            vec!["+33142685300", "imported"],
            vec!["+33611223344", "imported"],
            vec!["+33612345678", "manual"],
        ]
    );
    let written = dir.path().join("export.csv");
    let done = h.json(&["optout", "export", "42", "--out", written.to_str().unwrap()]);
    assert_eq!(done["written"], 3);
    assert_eq!(std::fs::read_to_string(&written).unwrap(), csv);
}

async fn moderators_list_and_search_an_accounts_opt_outs(engine: Engine) {
    let (t, base) = crate::console::console(engine).await;
    t.ready_campaign("spring", 100, 1).await;
    t.app
        .opt_out(SERVER, "06 12 34 56 78", Actor::User(OWNER.user))
        .await
        .unwrap();
    // 101 more, imported: two pages.
    let report = t
        .app
        .import_opt_outs(
            SERVER,
            std::io::Cursor::new(crate::support::csv_of(101)),
            Actor::Operator,
        )
        .await
        .unwrap();
    assert_eq!(report.imported, 101);

    let mut alice = crate::console::signed_in(&base, "alice").await;
    let accounts = alice.get("/accounts").await;
    let link = format!("/accounts/{}/opt-outs", SERVER.0);
    assert_eq!(
        accounts.attr(&format!("tr#a{} a.opt-outs", SERVER.0), "href"),
        link
    );
    let first = alice.get(&link).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.count("table.opt-outs tbody tr"), 100);
    let next = first.attr("nav.pager a[rel=next]", "href");
    let second = alice.get(&next).await;
    assert_eq!(second.count("table.opt-outs tbody tr"), 2);
    assert_eq!(
        second.texts("table.opt-outs tbody tr:last-child td"),
        [
            "+33612345678",
            "2027-03-02 09:00 UTC",
            "added by hand",
            format!("Discord user {}", OWNER.user.0).as_str()
        ]
    );
    // Searched by digits, written any way.
    let found = alice.get(&format!("{link}?q=06+12+34")).await;
    assert_eq!(found.texts("table.opt-outs td.phone"), ["+33612345678"]);
    let none = alice.get(&format!("{link}?q=999999")).await;
    assert_eq!(none.text_of("p.empty"), "No number matches.");
    let unknown = alice.get("/accounts/42/opt-outs").await;
    assert_eq!(unknown.status, 404);
}

on_both_engines!(
    moderators_list_and_search_an_accounts_opt_outs,
    another_tools_list_is_imported_and_the_list_exported,
    the_command_line_adds_checks_and_removes_numbers,
    a_stop_is_lifted_only_with_a_reason_and_audited,
);

/// The bot's `/optout` through the Discord stand-in: add, check, import a file, export one,
/// remove (a STOP only with a reason).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_manages_the_list_with_files() {
    use crate::bot::{GUILD, OWNER as USER, content, manager, ready};
    use crate::support::discord::Options;
    use herald::app::Clock;

    let (t, discord, _bot) = ready().await;
    let optout = |sub: &str, options: Options| {
        manager(
            discord
                .slash("optout")
                .options(Options::new().subcommand(sub, options)),
        )
    };
    let reply = |ix| bot_reply(&discord, ix);
    let added = reply(optout(
        "add",
        Options::new().string("number", "06 12 34 56 78"),
    ))
    .await;
    let since = t.clock.now().timestamp();
    assert_eq!(
        content(&added),
        format!(
            "+33612345678 is on the opt-out list since <t:{since}:f>: added by <@{USER}>. It gets no message from this server."
        )
    );
    let checked = reply(optout(
        "check",
        Options::new().string("number", "+33612345678"),
    ))
    .await;
    assert_eq!(content(&checked), content(&added));

    let file = discord.attachment(
        "stop.csv",
        b"phone\n06 11 22 33 44\n0699\n06 12 34 56 78\n06 55 66 77 88\n",
    );
    let imported = reply(optout("import", Options::new().attachment("file", &file))).await;
    assert_eq!(
        content(&imported),
        "Added **2** number(s) to the opt-out list. Already on it: 1. Repeated in the file: 0. Invalid, not added: 1.\nFirst lines with problems: 3"
    );

    let exported = discord.inject(optout("export", Options::new())).await;
    let message = discord
        .wait_for_original(exported.id, |m| {
            m["attachments"].as_array().is_some_and(|a| !a.is_empty())
        })
        .await;
    assert_eq!(content(&message), "The opt-out list: 3 number(s).");
    assert_eq!(message["attachments"][0]["filename"], "opt-outs.csv");
    let url = message["attachments"][0]["url"].as_str().unwrap();
    let csv = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let phones: Vec<&str> = csv.lines().map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(
        phones,
        ["phone", "+33611223344", "+33612345678", "+33655667788"]
    );

    // A STOP from the phone: only a reason lifts it.
    let stopped =
        herald::domain::phone::PhoneNumber::parse("0655667788", "FR".parse().unwrap()).unwrap();
    t.store
        .add_opt_out(
            GUILD,
            &stopped,
            OptOutReason::Stop,
            None,
            None,
            t.clock.now(),
        )
        .await
        .unwrap();
    let refused = reply(optout(
        "remove",
        Options::new().string("number", "06 55 66 77 88"),
    ))
    .await;
    assert_eq!(
        content(&refused),
        "+33655667788 opted out by answering STOP: say why it may receive messages again (kept in the audit log)."
    );
    let removed = reply(optout(
        "remove",
        Options::new()
            .string("number", "06 55 66 77 88")
            .string("reason", "asked again in the shop"),
    ))
    .await;
    assert_eq!(
        content(&removed),
        "+33655667788 was taken off the opt-out list."
    );
    discord.assert_clean();
}

async fn bot_reply(
    discord: &crate::support::discord::DiscordStandIn,
    ix: crate::support::discord::InteractionBuilder,
) -> serde_json::Value {
    let injected = discord.inject(ix).await;
    discord
        .wait_for_original(injected.id, |m| !crate::bot::content(m).is_empty())
        .await
}
