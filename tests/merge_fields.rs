//! Personal messages and lasting audiences, through the use cases on both engines: merge
//! fields priced per recipient, rendered per message by the dispatcher's claim, refunded per
//! message; audiences imported, merged, combined with exclusions, and frozen at confirmation.

use std::io::Cursor;

use crate::support::{Engine, OWNER, SERVER, TestApp};
use herald::app::{AppError, DraftInput, FinalizeOptions, SendRequest};
use herald::domain::audience::{AudienceError, ImportMode};
use herald::domain::campaign::CampaignError;
use herald::domain::credits::{Credits, LedgerKind, TopUp};
use herald::domain::delivery::{Report, SubmitOutcome};
use herald::domain::effects::Actor;
use herald::domain::template::TemplateError;

const PEOPLE: &str = "phone;Prénom;ville;Date de naissance\n\
    0612345601;Alice;Lyon;1990\n\
    0612345602;;Paris;1980\n\
    0612345603;Zoë;Nice;1970\n\
    0612345604;Bob;www.evil.example;1960\n\
    0612345605;Émile;Brest;1950\n";

async fn account(t: &TestApp) {
    t.app.ensure_account(SERVER, "Test server").await.unwrap();
    t.app
        .credit(SERVER, TopUp::new(1000).unwrap(), "test", Actor::Operator)
        .await
        .unwrap();
}

async fn campaign(t: &TestApp, body: &str) {
    let input = DraftInput {
        body: Some(body.into()),
        sender: Some("MaBoutique".into()),
    };
    t.app.create_campaign(OWNER, "spring", input).await.unwrap();
}

fn body(text: &str) -> DraftInput {
    DraftInput {
        body: Some(text.into()),
        sender: None,
    }
}

async fn ledger(t: &TestApp) -> Vec<(LedgerKind, u64)> {
    let mut lines = t.app.credits(SERVER, 20).await.unwrap().ledger;
    lines.reverse();
    lines.iter().map(|l| (l.kind, l.amount.0)).collect()
}

async fn each_recipient_gets_its_own_message_priced_and_refunded_on_its_own(engine: Engine) {
    let t = TestApp::new(engine).await;
    account(&t).await;
    campaign(&t, "Bonjour {prenom}, -20% à {ville} ! STOP au 36180").await;
    let report = t
        .app
        .import_recipients(OWNER, "spring", Cursor::new(PEOPLE), Default::default())
        .await
        .unwrap();
    let columns: Vec<&str> = report.columns.iter().map(|c| c.as_str()).collect();
    assert_eq!(columns, ["prenom", "ville", "name"]);
    assert_eq!(report.unusable_columns, ["Date de naissance"]);

    // An unknown field or an unclosed brace is refused at edit, with the columns to use.
    let unknown = t
        .app
        .edit_campaign(OWNER, "spring", body("Bonjour {prenon}! STOP au 36180"))
        .await
        .unwrap_err();
    match unknown {
        AppError::Campaign(CampaignError::BadTemplate(TemplateError::UnknownField {
            name,
            position,
            available,
        })) => {
            assert_eq!((name.as_str(), position), ("prenon", 9));
            assert_eq!(available.len(), 3);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        t.app
            .edit_campaign(OWNER, "spring", body("Bonjour {prenom STOP au 36180"))
            .await,
        Err(AppError::Campaign(CampaignError::BadTemplate(
            TemplateError::Unclosed { position: 9 }
        )))
    ));
    assert!(matches!(
        t.app
            .edit_campaign(OWNER, "spring", body("Bonjour {first name} STOP au 36180"))
            .await,
        Err(AppError::Campaign(CampaignError::BadTemplate(
            TemplateError::BadName { .. }
        )))
    ));

    // The opt-out mention must be in the message's own text, not only in a fallback.
    t.app
        .edit_campaign(
            OWNER,
            "spring",
            body("Bonjour {prenom|STOP au 36180}, -20% à {ville} !"),
        )
        .await
        .unwrap();
    let leave_out = FinalizeOptions {
        leave_out: true,
        ..FinalizeOptions::default()
    };
    assert!(matches!(
        t.app
            .finalize_with(OWNER, "spring", SendRequest::Immediate, leave_out)
            .await,
        Err(AppError::Campaign(CampaignError::MissingOptOut { .. }))
    ));
    t.app
        .edit_campaign(
            OWNER,
            "spring",
            body("Bonjour {prenom}, -20% à {ville} ! STOP au 36180"),
        )
        .await
        .unwrap();
    // Line 3 has no first name, line 5 a link as its town: no message unless left out.
    let refused = t
        .app
        .finalize(OWNER, "spring", SendRequest::Immediate)
        .await
        .unwrap_err();
    let AppError::Campaign(CampaignError::UnwritableMessages(p)) = refused else {
        panic!("{refused:?}");
    };
    assert_eq!(p.missing_value.first_lines, [3]);
    assert_eq!(p.unsafe_value.first_lines, [5]);
    let summary = t
        .app
        .finalize_with(OWNER, "spring", SendRequest::Immediate, leave_out)
        .await
        .unwrap();
    let p = summary.personal.clone().unwrap();
    assert_eq!((p.messages, p.left_out()), (3, 2));
    // Zoë's "ë" is not GSM-7: her message is UCS-2, the others GSM-7, each one segment.
    assert_eq!((p.switched_to_ucs2, summary.cost), (1, Credits(3)));
    let preview: Vec<_> = p.preview.iter().map(|m| m.text.clone()).collect();
    assert_eq!(
        preview[0].as_deref(),
        Ok("Bonjour Alice, -20% à Lyon ! STOP au 36180")
    );
    assert!(preview[1].is_err());
    assert_eq!(
        preview[2].as_deref(),
        Ok("Bonjour Zoë, -20% à Nice ! STOP au 36180")
    );
    t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    t.approve_version(SERVER, "spring").await;

    // Émile answers STOP before the start: skipped, and his own message's cost refunded.
    t.app
        .opt_out(SERVER, "0612345605", Actor::Operator)
        .await
        .unwrap();
    t.app.advance_campaigns().await.unwrap();
    let jobs = t.app.claim_deliveries(100).await.unwrap();
    let mut sent: Vec<(String, String)> = jobs
        .iter()
        .map(|j| {
            (
                j.phone.clone(),
                j.message.as_ref().unwrap().body.as_str().to_owned(),
            )
        })
        .collect();
    sent.sort();
    assert_eq!(
        sent,
        [
            (
                "+33612345601".into(),
                "Bonjour Alice, -20% à Lyon ! STOP au 36180".into()
            ),
            (
                "+33612345603".into(),
                "Bonjour Zoë, -20% à Nice ! STOP au 36180".into()
            ),
        ]
    );
    for job in &jobs {
        t.app
            .delivery_submitted(job, &SubmitOutcome::Accepted)
            .await
            .unwrap();
        t.app
            .delivery_report(job.id, Some(1), &Report::Delivered)
            .await
            .unwrap();
    }
    assert_eq!(t.app.advance_campaigns().await.unwrap().completed, 1);
    let counts = t.delivery_counts("spring").await;
    // Two left out (never paid for) and Émile (paid, refunded) are not sent.
    assert_eq!((counts.delivered, counts.skipped), (2, 3));
    assert_eq!(
        ledger(&t).await[1..],
        [
            (LedgerKind::Reserve, 3),
            (LedgerKind::Debit, 3),
            (LedgerKind::Refund, 1)
        ]
    );
}

/// Who pays for what when values change the segment count: exact, message by message.
async fn longer_values_cost_more_segments_exactly(engine: Engine) {
    let t = TestApp::new(engine).await;
    account(&t).await;
    // 107 characters around the field: one segment with a short name.
    campaign(
        &t,
        "{name|Bonjour}, -20% sur toute la boutique ce week-end, livraison offerte dès 30 euros, retrait en magasin. STOP au 36180",
    )
    .await;
    let long = "A".repeat(100);
    let csv = format!("phone,name\n0612345601,Ana\n0612345602,{long} {long}\n0612345603,Łukasz\n");
    t.app
        .import_recipients(OWNER, "spring", Cursor::new(csv), Default::default())
        .await
        .unwrap();
    let summary = t
        .app
        .finalize(OWNER, "spring", SendRequest::Immediate)
        .await
        .unwrap();
    let p = summary.personal.unwrap();
    // Ana: 110 septets, one segment. The long name is cut at 100 characters: 207 septets, two
    // segments of 153. Łukasz makes it UCS-2: 113 units, two segments of 67.
    assert_eq!(p.template_segments, 1);
    assert_eq!((p.more_segments, p.switched_to_ucs2), (2, 1));
    assert_eq!(summary.cost, Credits(1 + 2 + 2));
    let (short, long) = (p.shortest.unwrap(), p.longest.unwrap());
    assert_eq!((short.line, short.units, short.segments), (2, 110, 1));
    assert_eq!((long.line, long.units, long.segments), (3, 207, 2));
}

async fn audiences_are_kept_merged_combined_and_frozen_at_confirmation(engine: Engine) {
    let t = TestApp::new(engine).await;
    account(&t).await;
    let import = |name: &'static str, csv: &'static str, mode| {
        t.app
            .import_audience(OWNER, name, Cursor::new(csv), mode, Default::default())
    };
    let clients = import(
        "clients",
        "phone,prenom\n0612345601,Alice\n0612345602,Bruno\n0612345603,Chloé\n",
        ImportMode::Create,
    )
    .await
    .unwrap();
    assert_eq!(clients.audience.recipients, 3);
    // A name in use is refused unless the import says replace or merge.
    let taken = import("Clients", "phone\n0612345609\n", ImportMode::Create)
        .await
        .unwrap_err();
    assert!(matches!(
        taken,
        AppError::Audience(AudienceError::NameTaken { .. })
    ));
    // A header naming a column twice changes nothing.
    let repeated = import(
        "clients",
        "phone,prenom,Prénom\n0612345601,a,b\n",
        ImportMode::Replace,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&repeated, AppError::Csv(e) if e.to_string().contains("names the column \"Prénom\" twice")),
        "{repeated:?}"
    );
    assert_eq!(
        t.app.audience(SERVER, "clients").await.unwrap().recipients,
        3
    );

    // Merge: Bruno's first name is updated and his town added; Dora is new.
    let merged = import(
        "clients",
        "phone,prenom,ville\n0612345602,Bruno-Paul,Lyon\n0612345604,Dora,Nantes\n",
        ImportMode::Merge,
    )
    .await
    .unwrap();
    let a = &merged.audience;
    assert_eq!(
        (a.recipients, a.last_import.added, a.last_import.updated),
        (4, 1, 1)
    );
    let cols: Vec<&str> = a.columns.iter().map(|c| c.as_str()).collect();
    // A first-name column is also `{name}`.
    assert_eq!(cols, ["prenom", "name", "ville"]);
    import(
        "vip",
        "phone,prenom\n0612345603,Chloé\n0612345605,Eve\n",
        ImportMode::Create,
    )
    .await
    .unwrap();
    import("blocked", "phone\n0612345601\n", ImportMode::Create)
        .await
        .unwrap();

    campaign(&t, "Bonjour {prenom|client} {ville|} STOP au 36180").await;
    let selection = t
        .app
        .use_audiences(OWNER, "spring", &["clients", "vip"], &["blocked"])
        .await
        .unwrap();
    assert_eq!(
        (
            selection.recipients,
            selection.excluded,
            selection.in_several
        ),
        (4, 1, 1)
    );
    assert!(matches!(
        t.app
            .use_audiences(OWNER, "spring", &["clients"], &["CLIENTS"])
            .await,
        Err(AppError::Audience(
            AudienceError::IncludedAndExcluded { .. }
        ))
    ));
    // A number on the opt-out list is left out at the start and counted.
    t.app
        .opt_out(SERVER, "0612345605", Actor::Operator)
        .await
        .unwrap();
    let summary = t
        .app
        .finalize(OWNER, "spring", SendRequest::Immediate)
        .await
        .unwrap();
    assert_eq!(summary.recipients, 4);
    t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();

    // Changed after confirmation: the submitted version keeps the list it was confirmed with.
    import(
        "clients",
        "phone,prenom,ville\n0699999999,Zed,Metz\n",
        ImportMode::Replace,
    )
    .await
    .unwrap();
    assert_eq!(
        t.app.audience(SERVER, "clients").await.unwrap().recipients,
        1
    );
    t.approve_version(SERVER, "spring").await;
    t.app.advance_campaigns().await.unwrap();
    let jobs = t.app.claim_deliveries(100).await.unwrap();
    let mut sent: Vec<(String, String)> = jobs
        .iter()
        .map(|j| {
            (
                j.phone.clone(),
                j.message.as_ref().unwrap().body.as_str().to_owned(),
            )
        })
        .collect();
    sent.sort();
    assert_eq!(
        sent,
        [
            (
                "+33612345602".into(),
                "Bonjour Bruno-Paul Lyon STOP au 36180".into()
            ),
            ("+33612345603".into(), "Bonjour Chloé  STOP au 36180".into()),
            (
                "+33612345604".into(),
                "Bonjour Dora Nantes STOP au 36180".into()
            ),
        ]
    );
    assert_eq!(t.delivery_counts("spring").await.skipped, 1);

    // Duplicating keeps the audience choice: the copy takes the audiences as they are now.
    t.app
        .duplicate_campaign(OWNER, "spring", "summer")
        .await
        .unwrap();
    let copy = t
        .app
        .finalize(OWNER, "summer", SendRequest::Immediate)
        .await
        .unwrap();
    // clients is now Zed alone; vip keeps Chloé and Eve (opted out, counted at the start).
    assert_eq!(copy.recipients, 3);

    t.app.delete_audience(OWNER, "vip").await.unwrap();
    assert!(matches!(
        t.app
            .finalize(OWNER, "summer", SendRequest::Immediate)
            .await,
        Err(AppError::Audience(AudienceError::Deleted { .. }))
    ));
    let names: Vec<String> = t
        .app
        .audiences(SERVER)
        .await
        .unwrap()
        .iter()
        .map(|a| a.name.to_string())
        .collect();
    assert_eq!(names, ["blocked", "clients"]);
}

/// "Number does not exist" suppresses the number for later campaigns; temporary failures and
/// other refusals never do.
async fn unknown_numbers_go_on_the_opt_out_list_by_themselves(engine: Engine) {
    use herald::domain::opt_out::OptOutReason;
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 100, 3).await;
    t.approve("spring", SendRequest::Immediate).await;
    t.app.advance_campaigns().await.unwrap();
    let jobs = t.app.claim_deliveries(10).await.unwrap();
    let reports = [
        Report::from_kannel(16, "NACK/0x0000000b/Invalid Destination Address").unwrap(),
        Report::Rejected { temporary: false },
        Report::Failed,
    ];
    for (job, report) in jobs.iter().zip(&reports) {
        t.app
            .delivery_submitted(job, &SubmitOutcome::Accepted)
            .await
            .unwrap();
        t.app
            .delivery_report(job.id, Some(1), report)
            .await
            .unwrap();
    }
    let listed: Vec<Option<OptOutReason>> = opt_out_reasons(&t, &jobs).await;
    assert_eq!(listed, [Some(OptOutReason::PermanentFailure), None, None]);
    let status = t.app.status(OWNER, "spring").await.unwrap();
    assert_eq!(status.deliveries.unwrap().bounced, 2);
}

async fn opt_out_reasons(
    t: &TestApp,
    jobs: &[herald::store::DeliveryJob],
) -> Vec<Option<herald::domain::opt_out::OptOutReason>> {
    let mut reasons = Vec::new();
    for job in jobs {
        let entry = t.app.opt_out_entry(SERVER, &job.phone).await.unwrap();
        reasons.push(entry.map(|e| e.reason));
    }
    reasons
}

/// A test of a personalised draft sends its first recipient's message; status counts the
/// numbers that opted out apart from the rest.
async fn a_test_of_a_personalised_draft_shows_a_real_message(engine: Engine) {
    let t = TestApp::new(engine).await;
    account(&t).await;
    campaign(&t, "Bonjour {prenom|client} ! STOP au 36180").await;
    let test = t
        .app
        .prepare_test(OWNER, "spring", "0611111111")
        .await
        .unwrap();
    assert_eq!(test.cost, Credits(1));
    t.app
        .import_recipients(
            OWNER,
            "spring",
            Cursor::new("phone,prenom\n0612345601,Alice\n0612345602,Bruno\n"),
            Default::default(),
        )
        .await
        .unwrap();
    let test = t
        .app
        .prepare_test(OWNER, "spring", "0611111111")
        .await
        .unwrap();
    t.app.confirm(OWNER, test.token.as_str()).await.unwrap();
    let jobs = t.app.claim_deliveries(10).await.unwrap();
    assert_eq!(
        jobs[0].message.as_ref().unwrap().body.as_str(),
        "Bonjour Alice ! STOP au 36180"
    );
    t.app
        .opt_out(SERVER, "0612345602", Actor::Operator)
        .await
        .unwrap();
    t.approve("spring", SendRequest::Immediate).await;
    t.app.advance_campaigns().await.unwrap();
    let counts = t.delivery_counts("spring").await;
    assert_eq!(
        (counts.opted_out(), counts.left_out, counts.pending),
        (1, 0, 1)
    );
}

on_both_engines!(
    unknown_numbers_go_on_the_opt_out_list_by_themselves,
    a_test_of_a_personalised_draft_shows_a_real_message,
    each_recipient_gets_its_own_message_priced_and_refunded_on_its_own,
    longer_values_cost_more_segments_exactly,
    audiences_are_kept_merged_combined_and_frozen_at_confirmation,
);
