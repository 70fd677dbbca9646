//! What a campaign did, per recipient: the results file and its summary, from the use case and
//! the command line, on both engines.

use std::io::Cursor;

use crate::support::{Engine, OWNER, SERVER, TestApp};
use herald::app::{DraftInput, FinalizeOptions, SendRequest};
use herald::domain::credits::{Credits, TopUp};
use herald::domain::delivery::{Report, SubmitOutcome};
use herald::domain::effects::Actor;

async fn each_recipient_has_its_outcome_in_the_results_file(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.app.ensure_account(SERVER, "Test server").await.unwrap();
    t.app
        .credit(SERVER, TopUp::new(100).unwrap(), "test", Actor::Operator)
        .await
        .unwrap();
    let input = DraftInput {
        body: Some("Bonjour {prenom}, -20% ! STOP au 36180".into()),
        sender: Some("MaBoutique".into()),
    };
    t.app.create_campaign(OWNER, "spring", input).await.unwrap();
    // Not started yet: no results.
    assert!(
        t.app
            .export_results(OWNER, "spring", std::io::sink())
            .await
            .unwrap_err()
            .to_string()
            .contains("has not started sending yet")
    );
    let csv = "phone,prenom,ville\n0612345601,Anne,Lyon\n0612345602,\"Dupont, Bob\",Nice\n0612345603,,Brest\n0612345604,Chloé,Paris\n";
    t.app
        .import_recipients(OWNER, "spring", Cursor::new(csv), Default::default())
        .await
        .unwrap();
    let summary = t
        .app
        .finalize_with(
            OWNER,
            "spring",
            SendRequest::Immediate,
            FinalizeOptions {
                leave_out: true,
                ..FinalizeOptions::default()
            },
        )
        .await
        .unwrap();
    t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    t.approve_version(SERVER, "spring").await;
    t.app
        .opt_out(SERVER, "0612345604", Actor::Operator)
        .await
        .unwrap();
    t.app.advance_campaigns().await.unwrap();
    let mut jobs = t.app.claim_deliveries(10).await.unwrap();
    jobs.sort_by(|a, b| a.phone.cmp(&b.phone));
    assert_eq!(jobs.len(), 2);
    for (job, report) in jobs.iter().zip([
        Report::Delivered,
        Report::from_kannel(16, "NACK/0x0000000b/Invalid Destination Address").unwrap(),
    ]) {
        t.app
            .delivery_submitted(job, &SubmitOutcome::Accepted)
            .await
            .unwrap();
        t.app
            .delivery_report(job.id, Some(1), &report)
            .await
            .unwrap();
    }
    t.app.advance_campaigns().await.unwrap();

    let mut file = Vec::new();
    let r = t
        .app
        .export_results(OWNER, "spring", &mut file)
        .await
        .unwrap();
    assert_eq!(
        (r.recipients, r.counts.delivered, r.counts.bounced),
        (4, 1, 1)
    );
    assert_eq!((r.counts.opted_out(), r.counts.left_out), (1, 1));
    assert_eq!(
        r.bounced_by_reason,
        [("the number does not exist".to_owned(), 1)]
    );
    // Three messages paid for, one refunded (the opt-out); the left out never paid for.
    assert_eq!(
        (r.cost, r.debited, r.refunded),
        (Credits(3), Credits(3), Credits(1))
    );
    let text = String::from_utf8(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "phone,prenom,ville,name,outcome,reason,attempts,first_submitted_at,final_report_at,clicks,replies,answers"
    );
    let at = "2027-03-02T09:00:00Z";
    assert_eq!(
        lines[1..],
        [
            format!("+33612345601,Anne,Lyon,Anne,delivered,,1,{at},{at},0,0,0"),
            format!(
                "+33612345602,\"Dupont, Bob\",Nice,\"Dupont, Bob\",bounced,the number does not exist,1,{at},{at},0,0,0"
            ),
            format!(
                "+33612345603,,Brest,,left_out,left out: no message for this recipient,0,,{at},0,0,0"
            ),
            format!("+33612345604,Chloé,Paris,Chloé,opted_out,,0,,{at},0,0,0"),
        ]
    );
}

async fn the_command_line_writes_the_results_file(engine: Engine) {
    let h = crate::cli::Herald::new(engine).await;
    h.json(&["account", "credit", "42", "100", "--reason", "first load"]);
    h.json(&[
        "campaign",
        "create",
        "spring",
        "--body",
        "Soldes -20%. STOP au 36180",
        "--sender",
        "MaBoutique",
        "--server",
        "42",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let people = dir.path().join("people.csv");
    std::fs::write(&people, "phone\n0612345678\n").unwrap();
    h.json(&[
        "campaign",
        "import",
        "spring",
        people.to_str().unwrap(),
        "--server",
        "42",
    ]);
    h.refused(
        &["campaign", "report", "spring", "--server", "42"],
        "has not started sending yet",
    );
    let summary = h.json(&["campaign", "finalize", "spring", "--server", "42"]);
    h.json(&[
        "campaign",
        "confirm",
        summary["token"].as_str().unwrap(),
        "--server",
        "42",
    ]);
    h.json(&[
        "campaign",
        "approve",
        "spring",
        "--moderator",
        "alice",
        "--server",
        "42",
    ]);
    h.app().await.advance_campaigns().await.unwrap();
    let out = dir.path().join("results.csv");
    let report = h.json(&[
        "campaign",
        "report",
        "spring",
        "--csv",
        out.to_str().unwrap(),
        "--server",
        "42",
    ]);
    assert_eq!(report["recipients"], 1);
    assert_eq!(report["counts"]["pending"], 1);
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with("phone,outcome,reason,attempts,first_submitted_at,final_report_at,clicks,replies,answers\n+33612345678,sending,,0,,,0,0,0\n"), "{csv}");
}

on_both_engines!(
    each_recipient_has_its_outcome_in_the_results_file,
    the_command_line_writes_the_results_file,
);

/// `/campaign report` through the Discord stand-in: the summary and the results file attached.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_reports_a_campaign_with_its_results_file() {
    use crate::bot::{GUILD, OWNER as USER, campaign, manager, ready};
    use crate::support::discord::Options;
    use herald::app::Requester;
    use herald::domain::ids::UserId;

    let (t, discord, _bot) = ready().await;
    let who = Requester::new(GUILD, UserId(USER));
    let input = DraftInput {
        body: Some("Soldes -20% ! STOP au 36180".into()),
        sender: Some("MaBoutique".into()),
    };
    t.app.create_campaign(who, "spring", input).await.unwrap();
    t.app
        .import_recipients(
            who,
            "spring",
            Cursor::new("phone\n0612345601\n0612345602\n"),
            Default::default(),
        )
        .await
        .unwrap();
    let summary = t
        .app
        .finalize(who, "spring", SendRequest::Immediate)
        .await
        .unwrap();
    t.app.confirm(who, summary.token.as_str()).await.unwrap();
    t.approve_version(GUILD, "spring").await;
    t.app.advance_campaigns().await.unwrap();
    for job in t.app.claim_deliveries(10).await.unwrap() {
        t.app
            .delivery_report(job.id, Some(1), &Report::Delivered)
            .await
            .unwrap();
    }
    let ix = discord
        .inject(manager(discord.slash("campaign").options(campaign(
            "report",
            Options::new().string("name", "spring"),
        ))))
        .await;
    let message = discord
        .wait_for_original(ix.id, |m| {
            m["attachments"].as_array().is_some_and(|a| !a.is_empty())
        })
        .await;
    let embed = &message["embeds"][0];
    assert_eq!(embed["title"], "spring, version 1");
    assert_eq!(embed["description"], "2 recipient(s)");
    let fields: Vec<(String, String)> = embed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_owned(),
                f["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no field {name} in {fields:?}"))
    };
    assert_eq!(field("Delivered"), "2");
    assert_eq!(field("Bounced"), "0");
    assert_eq!(field("Still sending"), "0");
    assert_eq!(
        field("Not sent"),
        "0 opted out · 0 outside sending hours · 0 stopped · 0 left out (not charged)"
    );
    assert_eq!(field("Clicks"), "0 click(s) by 0 recipient(s)");
    assert!(field("Credits").starts_with("2 reserved → 2 debited → 0 refunded"));
    assert_eq!(
        message["attachments"][0]["filename"],
        "spring-v1-results.csv"
    );
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
    let at = "2027-03-02T09:00:00Z";
    assert_eq!(
        csv,
        format!(
            "phone,outcome,reason,attempts,first_submitted_at,final_report_at,clicks,replies,answers\n\
             +33612345601,delivered,,1,{at},{at},0,0,0\n+33612345602,delivered,,1,{at},{at},0,0,0\n"
        )
    );
    discord.assert_clean();
}
