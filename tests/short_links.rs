//! First-party short links: priced at their real length, one unguessable code per recipient and
//! link (kept when a message goes again), redirects over real HTTP with clicks counted for
//! people only, a plain 404 page for unknown and expired codes; on both engines.

use std::collections::HashSet;
use std::io::Cursor;
use std::time::Duration;

use chrono::TimeDelta;

use crate::support::{Engine, OWNER, SERVER, TestApp};
use herald::app::{DraftInput, FinalizeOptions, SendRequest};
use herald::domain::account::AccountSettings;
use herald::domain::credits::{Credits, TopUp};
use herald::domain::delivery::Report;
use herald::domain::effects::Actor;
use herald::domain::short_links::{LinkBase, LinkExpiry};
use herald::store::DeliveryJob;

const BASE: &str = "https://hrld.fr";
/// 151 characters with the link as written: one segment. A short link has 29 characters
/// (`https://hrld.fr/l/` and 11), 12 more than the link: 163, two segments.
const BODY: &str = "Soldes d'hiver chez MaBoutique : jusqu'a -50% sur tout le magasin et sur notre site, voir boutique.fr/hiver jusqu'a dimanche soir minuit. STOP au 36180";

async fn app_with_links(engine: Engine) -> TestApp {
    let mut t = TestApp::new(engine).await;
    t.app = t
        .app
        .clone()
        .with_short_links(LinkBase::parse(BASE).unwrap());
    t.app.ensure_account(SERVER, "Test server").await.unwrap();
    t.app
        .credit(SERVER, TopUp::new(100).unwrap(), "test", Actor::Operator)
        .await
        .unwrap();
    t
}

async fn draft(t: &TestApp, body: &str, csv: &str) {
    let input = DraftInput {
        body: Some(body.into()),
        sender: Some("MaBoutique".into()),
    };
    t.app.create_campaign(OWNER, "winter", input).await.unwrap();
    t.app
        .import_recipients(
            OWNER,
            "winter",
            Cursor::new(csv.to_owned()),
            Default::default(),
        )
        .await
        .unwrap();
}

/// Confirms, approves and claims the first attempts.
async fn send(t: &TestApp, options: FinalizeOptions) -> Vec<DeliveryJob> {
    let summary = t
        .app
        .finalize_with(OWNER, "winter", SendRequest::Immediate, options)
        .await
        .unwrap();
    t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    t.approve_version(SERVER, "winter").await;
    t.app.advance_campaigns().await.unwrap();
    let mut jobs = t.app.claim_deliveries(10).await.unwrap();
    jobs.sort_by(|a, b| a.phone.cmp(&b.phone));
    jobs
}

fn text(job: &DeliveryJob) -> String {
    job.message.as_ref().unwrap().body.as_str().to_owned()
}

/// The code in a message's short link.
fn code_in(text: &str) -> String {
    let at = text.find("https://hrld.fr/l/").expect("a short link") + "https://hrld.fr/l/".len();
    text[at..at + 11].to_owned()
}

async fn links_are_priced_at_their_real_length_and_unique_per_recipient(engine: Engine) {
    let t = app_with_links(engine).await;
    draft(&t, BODY, "phone\n0612345601\n0612345602\n0612345603\n").await;
    assert_eq!(BODY.chars().count(), 151);
    let summary = t
        .app
        .finalize(OWNER, "winter", SendRequest::Immediate)
        .await
        .unwrap();
    let note = summary.short_links.as_ref().expect("links are shortened");
    assert_eq!(note.links, 1);
    assert_eq!(note.example, "https://hrld.fr/l/00000000000");
    assert_eq!((summary.segments, summary.cost), (2, Credits(6)));
    // The summary says what the links cost, and that phones can open them.
    assert_eq!(note.as_written, Some((1, Credits(3))));
    assert!(!note.local);
    assert_eq!(summary.links_as_written, 0);
    // Kept as written, the same body costs one segment each.
    let kept = t
        .app
        .finalize_with(
            OWNER,
            "winter",
            SendRequest::Immediate,
            FinalizeOptions {
                keep_links: true,
                ..FinalizeOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (
            kept.segments,
            kept.cost,
            kept.short_links,
            kept.links_as_written
        ),
        (1, Credits(3), None, 1)
    );

    let jobs = send(&t, FinalizeOptions::default()).await;
    assert_eq!(jobs.len(), 3);
    let codes: HashSet<String> = jobs.iter().map(|j| code_in(&text(j))).collect();
    assert_eq!(codes.len(), 3, "one code per recipient");
    for job in &jobs {
        let sent = text(job);
        let code = code_in(&sent);
        assert_eq!(
            sent,
            BODY.replace("boutique.fr/hiver", &format!("{BASE}/l/{code}"))
        );
        assert_eq!(job.message.as_ref().unwrap().body.segments(), 2);
        assert!(code.chars().all(|c| c.is_ascii_alphanumeric()), "{code}");
    }
    // The moderator sees the link as written.
    let (id, _) = t.app.campaign_id(SERVER, "winter").await.unwrap();
    let review = t.app.review(id).await.unwrap();
    let version = review.campaign.submission.as_ref().unwrap();
    assert_eq!(version.body.as_str(), BODY);
    let reserved = t.app.account(SERVER).await.unwrap().1.reserved;
    assert_eq!(reserved, Credits::ZERO, "the 6 credits are debited");

    // A message that goes again keeps its code.
    let first = &jobs[0];
    t.app
        .delivery_report(first.id, Some(1), &Report::Failed)
        .await
        .unwrap();
    t.clock.advance(TimeDelta::hours(2));
    let again = t.app.claim_deliveries(10).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(text(&again[0]), text(first));
}

async fn a_personalised_message_prices_each_recipient_with_short_links(engine: Engine) {
    let t = app_with_links(engine).await;
    let body = "Bonjour {prenom}, -50% sur boutique.fr/hiver jusqu'a dimanche soir dans tous nos magasins de France et sur notre site web. STOP au 36180";
    draft(
        &t,
        body,
        "phone,prenom\n0612345601,Al\n0612345602,Maximilienne-Gertrude\n",
    )
    .await;
    let summary = t
        .app
        .finalize(OWNER, "winter", SendRequest::Immediate)
        .await
        .unwrap();
    let personal = summary.personal.as_ref().unwrap();
    // With the link as written both fit one segment; shortened (12 characters more), the long
    // name needs two.
    let plain = |name: &str| body.replace("{prenom}", name).chars().count();
    assert_eq!(plain("Maximilienne-Gertrude"), 149);
    assert_eq!(personal.cost, Credits(3));
    assert_eq!(personal.more_segments, 1);
    // The preview shows the link as the sender wrote it.
    assert!(
        personal.preview[0]
            .text
            .as_ref()
            .unwrap()
            .contains(" boutique.fr/hiver ")
    );
    let jobs = send(&t, FinalizeOptions::default()).await;
    assert_eq!(jobs.len(), 2);
    assert!(text(&jobs[0]).starts_with("Bonjour Al, -50% sur https://hrld.fr/l/"));
    let segments: Vec<u8> = jobs
        .iter()
        .map(|j| j.message.as_ref().unwrap().body.segments())
        .collect();
    assert_eq!(segments, [1, 2]);
}

/// Serves the short-link routes on a free port; the address.
async fn serve_links(t: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let routes = herald::console::link_routes(t.app.clone());
    tokio::spawn(async move { axum::serve(listener, routes).await.unwrap() });
    format!("http://{addr}")
}

const PHONE: &str = "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36";

async fn get(url: &str, agent: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(url)
        .header("user-agent", agent)
        .send()
        .await
        .unwrap()
}

/// Waits until the results count `clicks` clicks by `clickers` recipients.
async fn wait_for_clicks(t: &TestApp, clicks: u64, clickers: u64) -> String {
    for _ in 0..100 {
        let mut csv = Vec::new();
        let summary = t
            .app
            .export_results(OWNER, "winter", &mut csv)
            .await
            .unwrap();
        if (summary.clicks, summary.clickers) == (clicks, clickers) {
            return String::from_utf8(csv).unwrap();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the results never counted {clicks} click(s) by {clickers} recipient(s)");
}

async fn short_links_redirect_and_count_people_not_preview_fetchers(engine: Engine) {
    let t = app_with_links(engine).await;
    draft(&t, BODY, "phone\n0612345601\n0612345602\n").await;
    let jobs = send(&t, FinalizeOptions::default()).await;
    let server = serve_links(&t).await;
    let code = code_in(&text(&jobs[0]));

    for agent in [
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
        "WhatsApp/2.23.20.0",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    ] {
        let preview = get(&format!("{server}/l/{code}"), agent).await;
        assert_eq!(preview.status(), 302, "{agent}");
        assert_eq!(preview.headers()["location"], "http://boutique.fr/hiver");
    }
    let tap = get(&format!("{server}/l/{code}"), PHONE).await;
    assert_eq!(tap.status(), 302);
    assert_eq!(tap.headers()["location"], "http://boutique.fr/hiver");
    assert_eq!(tap.headers()["cache-control"], "no-store");
    let csv = wait_for_clicks(&t, 1, 1).await;
    assert!(csv.lines().nth(1).unwrap().ends_with(",1,0,0"), "{csv}");
    assert!(csv.lines().nth(2).unwrap().ends_with(",0,0,0"), "{csv}");
    // A second tap counts, the recipient once; the log keeps it as a repeat.
    get(&format!("{server}/l/{code}"), PHONE).await;
    wait_for_clicks(&t, 2, 1).await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&t.db.url).await.unwrap();
    let repeats: Vec<i64> = sqlx::query_scalar("SELECT repeat FROM clicks ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(repeats, [0, 1]);
    pool.close().await;

    // Not codes, unknown codes, and a neighbour of a real code: the same plain page.
    let mut neighbour = code.clone().into_bytes();
    neighbour[10] = if neighbour[10] == b'A' { b'B' } else { b'A' };
    for path in [
        "/l/00000000000".to_owned(),
        "/l/short".to_owned(),
        "/l/%3Cscript%3E".to_owned(),
        format!("/l/{}", String::from_utf8(neighbour).unwrap()),
    ] {
        let gone = get(&format!("{server}{path}"), PHONE).await;
        assert_eq!(gone.status(), 404, "{path}");
        assert_eq!(gone.headers()["content-type"], "text/html; charset=utf-8");
        let page = gone.text().await.unwrap();
        assert!(page.contains("This link does not exist or has expired."));
        assert!(page.contains("Ce lien n'existe pas ou a expiré."));
    }

    // Links expire with the account's setting (90 days unless changed), counted from sending.
    t.clock.advance(TimeDelta::days(89));
    assert_eq!(
        get(&format!("{server}/l/{code}"), PHONE).await.status(),
        302
    );
    let settings = AccountSettings {
        link_expiry: Some(LinkExpiry::days(30).unwrap()),
        ..AccountSettings::default()
    };
    t.app
        .change_settings(SERVER, settings, Actor::Operator)
        .await
        .unwrap();
    assert_eq!(
        get(&format!("{server}/l/{code}"), PHONE).await.status(),
        404
    );
    let settings = AccountSettings {
        link_expiry: Some(LinkExpiry::days(365).unwrap()),
        ..AccountSettings::default()
    };
    t.app
        .change_settings(SERVER, settings, Actor::Operator)
        .await
        .unwrap();
    assert_eq!(
        get(&format!("{server}/l/{code}"), PHONE).await.status(),
        302
    );
    t.clock.advance(TimeDelta::days(300));
    assert_eq!(
        get(&format!("{server}/l/{code}"), PHONE).await.status(),
        404
    );
    wait_for_clicks(&t, 4, 1).await;
}

on_both_engines!(
    links_are_priced_at_their_real_length_and_unique_per_recipient,
    a_personalised_message_prices_each_recipient_with_short_links,
    short_links_redirect_and_count_people_not_preview_fetchers,
);
