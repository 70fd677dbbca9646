//! The French sending rules as a moderator sees them in the console: the body's links with
//! their flags, recipients by zone with when their messages may go, and a flag for an
//! account whose sender (kept from before the rules) breaks one.

use chrono::{TimeZone, Utc};
use herald::app::{DraftInput, SendRequest};

use crate::console::{console, signed_in};
use crate::support::{Engine, OWNER, SERVER};

async fn the_review_page_lists_links_windows_and_sender_flags(engine: Engine) {
    let (t, base) = console(engine).await;
    // Tuesday 18:00 in Paris, 21:00 in Réunion.
    t.clock
        .set(Utc.with_ymd_and_hms(2027, 3, 2, 17, 0, 0).unwrap());
    let csv = "phone\n0612345678\n0612345679\n+262692000001\n";
    t.ready_campaign_to("spring", 100, csv.as_bytes().to_vec())
        .await;
    let body = "Soldes http://bit.ly/x et https://xn--mabutique-e7a.fr/promo STOP au 36180";
    t.app
        .edit_campaign(
            OWNER,
            "spring",
            DraftInput {
                body: Some(body.into()),
                sender: None,
            },
        )
        .await
        .unwrap();
    // A sender kept from before the rules: a generic word.
    t.db.execute("UPDATE campaigns SET draft_sender = 'INFO'")
        .await;
    // An edit form sends it back unchanged: the body changes, the sender waits for finalize.
    let resend = |sender: &str| DraftInput {
        body: Some(body.into()),
        sender: Some(sender.into()),
    };
    t.app
        .edit_campaign(OWNER, "spring", resend("INFO"))
        .await
        .unwrap();
    assert!(
        t.app
            .edit_campaign(OWNER, "spring", resend("SMS"))
            .await
            .is_err(),
        "a new sender is checked"
    );
    let summary = t
        .app
        .finalize(OWNER, "spring", SendRequest::Immediate)
        .await
        .unwrap();
    t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    let (id, _) = t.app.campaign_id(SERVER, "spring").await.unwrap();

    let mut alice = signed_in(&base, "alice").await;
    let review = alice.get(&format!("/reviews/{}", id.0)).await;
    assert_eq!(review.status, 200, "{}", review.text);
    assert_eq!(
        review.texts("section.links li"),
        [
            "http://bit.ly/x no encryption (http), a public link shortener",
            "https://xn--mabutique-e7a.fr/promo an encoded international name (xn--) that can imitate another",
        ]
    );
    assert_eq!(
        review.texts("table.windows tr.open td"),
        ["Europe/Paris", "2", "from the send time"]
    );
    assert_eq!(
        review.texts("table.windows tr.waits td"),
        [
            "Indian/Reunion",
            "1",
            "from Wednesday 2027-03-03 08:00 (Indian/Reunion) (after 20:00)"
        ]
    );
    let sender_flag = "the sender breaks a French operators' rule: operators filter generic words such as \"INFO\", use your brand";
    // The queue's list says it in badges, the review in full.
    let queue = alice.get("/queue").await;
    let badges = queue.texts("table.queue .badge");
    for badge in [
        "shortener",
        "link to check",
        "waits for window",
        "sender rule",
    ] {
        assert!(badges.iter().any(|b| b == badge), "{badges:?}");
    }
    let flags = review.texts("ul.flags li");
    assert!(flags.iter().any(|f| f == sender_flag), "{flags:?}");
    assert!(
        flags.contains(&"the link https://xn--mabutique-e7a.fr/promo has an encoded international name (xn--) that can imitate another".to_owned()),
        "{flags:?}"
    );
    assert!(
        flags.contains(&"1 recipient(s) wait for their sending window: Tuesday 2027-03-02 21:00 (Indian/Reunion): marketing SMS may only be sent between 08:00 and 20:00".to_owned()),
        "{flags:?}"
    );
}

async fn campaigns_sending_show_who_waits_for_the_window(engine: Engine) {
    let (t, base) = console(engine).await;
    // Tuesday 19:30 in Paris, 22:30 in Réunion.
    t.clock
        .set(Utc.with_ymd_and_hms(2027, 3, 2, 18, 30, 0).unwrap());
    let csv = "phone\n0612345678\n+262692000001\n+262692000002\n";
    t.ready_campaign_to("spring", 100, csv.as_bytes().to_vec())
        .await;
    t.approve("spring", SendRequest::Immediate).await;
    t.app.advance_campaigns().await.unwrap();
    let sent = t.app.claim_deliveries(10).await.unwrap();
    assert_eq!(sent.len(), 1, "Paris only");
    let (id, _) = t.app.campaign_id(SERVER, "spring").await.unwrap();

    let mut alice = signed_in(&base, "alice").await;
    let page = alice.get("/campaigns").await;
    assert_eq!(
        page.texts(&format!("tr#c{} td.window .waiting", id.0)),
        ["2 from Wednesday 2027-03-03 08:00 (Indian/Reunion) (after 20:00)"]
    );
}

/// A personalised version shows its first messages as recipients will get them; the account's
/// audiences are listed read-only, hostile names as plain text.
async fn moderators_see_personalised_messages_and_audiences(engine: Engine) {
    use herald::domain::audience::ImportMode;
    let (t, base) = console(engine).await;
    t.ready_campaign("spring", 100, 1).await;
    let hostile = "<script>alert(1)</script>";
    t.app
        .import_audience(
            OWNER,
            hostile,
            std::io::Cursor::new("phone,prenom\n0612345601,<b>Anne</b>\n0612345602,Zoë\n"),
            ImportMode::Create,
            Default::default(),
        )
        .await
        .unwrap();
    t.app
        .use_audiences(OWNER, "spring", &[hostile], &[])
        .await
        .unwrap();
    t.app
        .edit_campaign(
            OWNER,
            "spring",
            DraftInput {
                body: Some("Bonjour {prenom|client} ! STOP au 36180".into()),
                sender: None,
            },
        )
        .await
        .unwrap();
    let summary = t
        .app
        .finalize(OWNER, "spring", SendRequest::Immediate)
        .await
        .unwrap();
    t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    let (id, _) = t.app.campaign_id(SERVER, "spring").await.unwrap();

    let mut alice = signed_in(&base, "alice").await;
    let review = alice.get(&format!("/reviews/{}", id.0)).await;
    assert_eq!(
        review.texts("section.preview li"),
        [
            "+33612345601 (line 2) Bonjour <b>Anne</b> ! STOP au 36180",
            "+33612345602 (line 3) Bonjour Zoë ! STOP au 36180",
        ]
    );
    assert!(!review.text.contains("<b>Anne"), "escaped");
    let page = alice
        .get(&format!("/accounts/{}/audiences", SERVER.0))
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.texts("table.audiences td.name"), [hostile.to_owned()]);
    assert_eq!(
        page.texts("table.audiences td.columns"),
        ["{prenom}, {name}"]
    );
    assert!(!page.text.contains("<script>alert"), "escaped");
}

/// A version that started sending offers its results file, to signed-in moderators only.
async fn moderators_download_a_versions_results(engine: Engine) {
    let (t, base) = console(engine).await;
    t.ready_campaign("spring", 100, 2).await;
    t.approve("spring", SendRequest::Immediate).await;
    t.app.advance_campaigns().await.unwrap();
    let (id, _) = t.app.campaign_id(SERVER, "spring").await.unwrap();
    let path = format!("/campaigns/{}/results.csv", id.0);
    let mut alice = signed_in(&base, "alice").await;
    let review = alice.get(&format!("/reviews/{}", id.0)).await;
    assert_eq!(
        review.texts("a.results"),
        ["Download each recipient's results (CSV)"]
    );
    let csv = alice.get(&path).await;
    assert_eq!(csv.status, 200);
    assert_eq!(
        csv.text,
        "phone,name,outcome,reason,attempts,first_submitted_at,final_report_at,clicks,replies,answers\n\
         +33610000000,Person 0,sending,,0,,,0,0,0\n+33610000001,Person 1,sending,,0,,,0,0,0\n"
    );
    let stranger = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{base}{path}"))
        .send()
        .await
        .unwrap();
    assert_ne!(stranger.status(), 200, "no results without a session");
}

/// A campaign's page: its decisions, the curve and funnel of what it sent, bounce reasons,
/// what was not sent and its credit lines; hostile names inert.
async fn a_campaign_page_shows_what_the_campaign_did(engine: Engine) {
    use chrono::TimeDelta;
    use herald::domain::delivery::Report;
    use herald::domain::effects::Actor;

    let (t, base) = console(engine).await;
    t.app
        .ensure_account(SERVER, "<script>alert(1)</script>")
        .await
        .unwrap();
    t.ready_campaign("spring", 100, 6).await;
    t.ready_campaign("autumn", 0, 1).await;
    t.approve("spring", SendRequest::Immediate).await;
    t.app
        .opt_out(SERVER, "0610000005", Actor::Operator)
        .await
        .unwrap();
    t.app.advance_campaigns().await.unwrap();
    let jobs = t.app.claim_deliveries(10).await.unwrap();
    assert_eq!(jobs.len(), 5);
    for (job, report) in jobs.iter().zip([
        Report::Delivered,
        Report::Delivered,
        Report::UnknownNumber,
        Report::Delivered,
        Report::Failed,
    ]) {
        t.clock.advance(TimeDelta::minutes(5));
        t.app
            .delivery_report(job.id, Some(1), &report)
            .await
            .unwrap();
    }
    let (id, _) = t.app.campaign_id(SERVER, "spring").await.unwrap();
    let mut alice = signed_in(&base, "alice").await;
    let page = alice.get(&format!("/campaigns/{}", id.0)).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.text_of("h1"), "spring");
    assert_eq!(page.text_of(".account"), "<script>alert(1)</script>");
    assert!(!page.text.contains("<script>alert"), "escaped");
    let steps: Vec<String> = page.texts("svg.funnel g.step text");
    assert_eq!(
        steps,
        [
            "To send",
            "6 (100%)",
            "Handed to the gateway",
            "5 (83%)",
            "Delivered",
            "3 (50%)",
            "Clicked a link",
            "0 (0%)"
        ]
    );
    // Three delivered and one bounced, over the 20 minutes of reports: both lines rise.
    let delivered = page.attr("polyline.delivered", "points");
    let bounced = page.attr("polyline.bounced", "points");
    assert_eq!(delivered.split(' ').count(), 49, "{delivered}");
    assert!(
        delivered.starts_with("50,180 ") && delivered.ends_with(",20"),
        "{delivered}"
    );
    assert!(
        bounced.ends_with(",127"),
        "one bounce of three deliveries: {bounced}"
    );
    assert_eq!(
        page.texts("table.bounce-reasons td"),
        ["the number does not exist", "1"]
    );
    assert_eq!(
        page.text_of("li.opted-out"),
        "1 on the opt-out list, including numbers that opted out during the campaign (refunded)"
    );
    let whats: Vec<String> = page
        .texts("table.audit tbody tr td[data-label=What]")
        .into_iter()
        .collect();
    assert_eq!(
        whats,
        [
            "version confirmed and submitted",
            "approved",
            "started sending"
        ]
    );
    assert_eq!(
        page.texts("table.ledger tbody td[data-label=Movement]"),
        ["debited", "reserved"]
    );
    // Not started: said so; unknown: the console's 404; no session: no page.
    let (autumn, _) = t.app.campaign_id(SERVER, "autumn").await.unwrap();
    let page = alice.get(&format!("/campaigns/{}", autumn.0)).await;
    assert_eq!(
        page.text_of("p.empty"),
        "No version of this campaign has started sending yet."
    );
    assert_eq!(alice.get("/campaigns/999999").await.status, 404);
    let stranger = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{base}/campaigns/{}", id.0))
        .send()
        .await
        .unwrap();
    assert_ne!(stranger.status(), 200, "no campaign page without a session");
}

on_both_engines!(
    a_campaign_page_shows_what_the_campaign_did,
    moderators_download_a_versions_results,
    moderators_see_personalised_messages_and_audiences,
    the_review_page_lists_links_windows_and_sender_flags,
    campaigns_sending_show_who_waits_for_the_window,
);
