//! A real browser on the console: Debian's chromium, headless, driven through chromedriver.
//! A moderator signs in, approves one submission and refuses another; the owners' notifications
//! land in the outbox. Screenshots are saved under `target/console-screenshots/`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use herald::app::SendRequest;
use herald::domain::campaign::CampaignState;

use crate::support::console::{PASSWORD, serve_console};
use crate::support::{Engine, OWNER, SERVER, TestApp};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    async fn start() -> Driver {
        assert!(
            std::path::Path::new(CHROMEDRIVER).exists(),
            "{CHROMEDRIVER} is missing: install Debian's chromium and chromium-driver (scripts/test.sh does)"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Driver {
                    child,
                    url: format!("http://127.0.0.1:{port}"),
                };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("chromedriver did not listen on port {port}");
    }

    async fn browser(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1400,1000",
                         "--no-proxy-server"]
            }),
        );
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a chromium session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/console-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn snap(browser: &Client, name: &str) {
    let png = browser.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
}

async fn click(browser: &Client, css: &str) {
    let element = browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    element.click().await.unwrap();
}

async fn type_into(browser: &Client, css: &str, text: &str) {
    let element = browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    element.send_keys(text).await.unwrap();
}

/// Waits (up to 10 s) for the browser to arrive at `path`: a click that submits a form returns
/// before the next page has loaded when the machine is busy.
async fn arrive_at(browser: &Client, path: &str) {
    let mut seen = String::new();
    for _ in 0..200 {
        seen = browser.current_url().await.unwrap().path().to_owned();
        let loaded = browser
            .execute("return document.readyState", vec![])
            .await
            .unwrap();
        if seen == path && loaded == "complete" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the browser stayed at {seen}, not {path}");
}

async fn text(browser: &Client, css: &str) -> String {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn submit(t: &TestApp, name: &str) -> herald::domain::ids::CampaignId {
    t.ready_campaign(name, 100, 2).await;
    let summary = t
        .app
        .finalize(OWNER, name, SendRequest::Immediate)
        .await
        .unwrap();
    t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    t.app.campaign_id(SERVER, name).await.unwrap().0
}

/// "summer", personalised, its recipients from an audience with a long unbroken value.
async fn submit_personalised(t: &TestApp) -> herald::domain::ids::CampaignId {
    use herald::domain::audience::ImportMode;
    let csv = format!(
        "phone,prenom,ville,code\n0612345601,Anne-Sophie,Lyon,PRINTEMPS27\n0612345602,Zoë,Nice,PRINTEMPS27\n0612345603,{},Brest,PRINTEMPS27\n",
        "W".repeat(90)
    );
    t.app
        .import_audience(
            OWNER,
            "Clients fidèles — Rhône-Alpes & Côte d'Azur (import du 28/11)",
            std::io::Cursor::new(csv),
            ImportMode::Create,
            Default::default(),
        )
        .await
        .unwrap();
    t.app
        .create_campaign(
            OWNER,
            "summer",
            herald::app::DraftInput {
                body: Some(
                    "Bonjour {prenom|client}, votre code -20% : {code} (valable à {ville}). STOP au 36180"
                        .into(),
                ),
                sender: Some("MaBoutique".into()),
            },
        )
        .await
        .unwrap();
    t.app
        .use_audiences(
            OWNER,
            "summer",
            &["Clients fidèles — Rhône-Alpes & Côte d'Azur (import du 28/11)"],
            &[],
        )
        .await
        .unwrap();
    let summary = t
        .app
        .finalize(OWNER, "summer", SendRequest::Immediate)
        .await
        .unwrap();
    t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    t.app.campaign_id(SERVER, "summer").await.unwrap().0
}

/// "spring", with a link the moderator should look at and a recipient in Réunion.
async fn submit_with_link_and_reunion(t: &TestApp) -> herald::domain::ids::CampaignId {
    let csv = "phone\n0612345678\n0612345679\n+262692000001\n";
    t.ready_campaign_to("spring", 100, csv.as_bytes().to_vec())
        .await;
    let body = "Spring sale -20% on http://bit.ly/spring STOP au 36180";
    let edit = herald::app::DraftInput {
        body: Some(body.into()),
        sender: None,
    };
    t.app.edit_campaign(OWNER, "spring", edit).await.unwrap();
    let summary = t
        .app
        .finalize(OWNER, "spring", SendRequest::Immediate)
        .await
        .unwrap();
    t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    t.app.campaign_id(SERVER, "spring").await.unwrap().0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_approves_and_refuses_in_a_real_browser() {
    let t = TestApp::new(Engine::Sqlite).await;
    t.app.add_moderator("alice", PASSWORD).await.unwrap();
    // Tuesday 18:00 in Paris, 21:00 in Réunion: spring's Réunion number waits for the morning.
    t.clock
        .set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2027, 3, 2, 17, 0, 0).unwrap());
    let spring = submit_with_link_and_reunion(&t).await;
    let autumn = submit(&t, "autumn").await;
    let base = serve_console(&t.app).await;
    let driver = Driver::start().await;
    let browser = driver.browser().await;

    browser.goto(&format!("{base}/queue")).await.unwrap();
    // Sent to the sign-in page first.
    arrive_at(&browser, "/login").await;
    snap(&browser, "1-login").await;
    type_into(&browser, "input[name=name]", "alice").await;
    type_into(&browser, "input[name=password]", PASSWORD).await;
    click(&browser, "form.login button").await;
    arrive_at(&browser, "/queue").await;
    assert_eq!(text(&browser, "h1 .count").await, "2");
    assert_eq!(text(&browser, "header .who").await, "alice");
    snap(&browser, "2-queue").await;

    // Opened beside the list.
    click(&browser, &format!("tr#q{} a.item", spring.0)).await;
    arrive_at(&browser, "/queue").await;
    assert_eq!(
        text(&browser, "#review section.links li").await,
        "http://bit.ly/spring no encryption (http), a public link shortener"
    );
    assert_eq!(
        text(&browser, "table.windows tr.waits .when").await,
        "from Wednesday 2027-03-03 08:00 (Indian/Reunion) (after 20:00)"
    );
    snap(&browser, "3-review").await;
    // Approved: the next version nobody else reviews opens by itself.
    click(&browser, "form.approve button").await;
    arrive_at(&browser, "/queue").await;
    assert_eq!(text(&browser, "h1 .count").await, "1");
    assert_eq!(text(&browser, "#review h2.review-title a").await, "autumn");
    click(&browser, "input[value=code_of_conduct]").await;
    type_into(
        &browser,
        "form.refuse textarea",
        "The offer's end date is missing.",
    )
    .await;
    snap(&browser, "4-refusing").await;
    click(&browser, "form.refuse button").await;
    // Seen as the owner will read it, then sent.
    arrive_at(&browser, &format!("/reviews/{}/refuse", autumn.0)).await;
    assert_eq!(
        text(&browser, "blockquote.reason").await,
        "The offer's end date is missing."
    );
    snap(&browser, "4b-refuse-confirm").await;
    click(&browser, "form button.refuse").await;
    arrive_at(&browser, "/queue").await;
    assert_eq!(text(&browser, "h1 .count").await, "0");
    snap(&browser, "5-empty-queue").await;

    browser.goto(&format!("{base}/history")).await.unwrap();
    assert_eq!(
        text(&browser, "table.history tr.refused .detail").await,
        "code_of_conduct: The offer's end date is missing."
    );
    snap(&browser, "6-history").await;
    browser.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(text(&browser, ".decisions-today").await, "2");
    // The tab's title is the page's name, nothing else.
    assert_eq!(browser.title().await.unwrap(), "Dashboard · Herald");
    snap(&browser, "7-dashboard").await;
    browser
        .goto(&format!("{base}/history?until=%2B262142-12-31"))
        .await
        .unwrap();
    assert!(
        text(&browser, ".error")
            .await
            .contains("give a date from 2000-01-01 to 9999-12-31")
    );
    assert_eq!(browser.title().await.unwrap(), "Error 400 · Herald");
    snap(&browser, "8-error").await;
    t.app
        .opt_out(
            SERVER,
            "06 12 34 56 78",
            herald::domain::effects::Actor::User(OWNER.user),
        )
        .await
        .unwrap();
    browser.goto(&format!("{base}/accounts")).await.unwrap();
    click(&browser, &format!("tr#a{} a.opt-outs", SERVER.0)).await;
    arrive_at(&browser, &format!("/accounts/{}/opt-outs", SERVER.0)).await;
    assert_eq!(
        text(&browser, "table.opt-outs td.reason").await,
        "added by hand"
    );
    snap(&browser, "9-opt-outs").await;
    // A personalised version from an audience: its preview, and the account's audiences.
    let summer = submit_personalised(&t).await;
    browser
        .goto(&format!("{base}/reviews/{}", summer.0))
        .await
        .unwrap();
    assert_eq!(
        text(&browser, "section.preview li").await,
        "+33612345601 (line 2) Bonjour Anne-Sophie, votre code -20% : PRINTEMPS27 (valable à Lyon). STOP au 36180"
    );
    snap(&browser, "13-review-preview").await;
    browser.goto(&format!("{base}/accounts")).await.unwrap();
    click(&browser, &format!("tr#a{} a.audiences", SERVER.0)).await;
    arrive_at(&browser, &format!("/accounts/{}/audiences", SERVER.0)).await;
    snap(&browser, "14-audiences").await;
    // "spring" starts sending: its row and its review page offer the results file.
    t.app.advance_campaigns().await.unwrap();
    browser.goto(&format!("{base}/campaigns")).await.unwrap();
    assert_eq!(
        text(&browser, &format!("tr#c{} a.results", spring.0)).await,
        "results (CSV)"
    );
    snap(&browser, "17-campaigns-results").await;
    // Its one French number still to send (the other opted out above) bounces: "does not exist".
    let jobs = t.app.claim_deliveries(10).await.unwrap();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    t.clock.advance(chrono::TimeDelta::minutes(4));
    t.app
        .delivery_report(
            jobs[0].id,
            Some(1),
            &herald::domain::delivery::Report::UnknownNumber,
        )
        .await
        .unwrap();
    click(&browser, &format!("tr#c{} td a", spring.0)).await;
    arrive_at(&browser, &format!("/campaigns/{}", spring.0)).await;
    assert_eq!(
        text(&browser, "table.bounce-reasons td").await,
        "the number does not exist"
    );
    snap(&browser, "18-campaign-page").await;
    browser
        .goto(&format!("{base}/accounts/{}/audiences", SERVER.0))
        .await
        .unwrap();
    // The pages this change touched, on a phone's width.
    browser.set_window_size(400, 900).await.unwrap();
    snap(&browser, "15-audiences-narrow").await;
    browser
        .goto(&format!("{base}/reviews/{}", summer.0))
        .await
        .unwrap();
    snap(&browser, "16-review-preview-narrow").await;
    browser
        .goto(&format!("{base}/accounts/{}/opt-outs", SERVER.0))
        .await
        .unwrap();
    snap(&browser, "10-opt-outs-narrow").await;
    browser
        .goto(&format!("{base}/reviews/{}", spring.0))
        .await
        .unwrap();
    snap(&browser, "11-review-narrow").await;
    browser.goto(&format!("{base}/campaigns")).await.unwrap();
    snap(&browser, "12-campaigns-narrow").await;
    browser
        .goto(&format!("{base}/campaigns/{}", spring.0))
        .await
        .unwrap();
    snap(&browser, "19-campaign-page-narrow").await;
    browser.close().await.unwrap();

    for (id, expected) in [
        // Approved in the browser, then started for the results link.
        (spring, CampaignState::Sending),
        (autumn, CampaignState::Draft),
    ] {
        let campaign = t.store.campaign_by_id(id).await.unwrap().unwrap();
        assert_eq!(campaign.state, expected);
    }
    assert_eq!(
        t.outbox_kinds().await,
        [
            "submitted",
            "submitted",
            "approved",
            "refused",
            "submitted",
            "started_sending"
        ]
    );
}

/// 50 versions waiting, from an account with a hostile, very long name, and bodies with long
/// unbroken values; one resubmitted after a refusal (its diff), one claimed by someone else.
async fn hostile_queue(
    t: &TestApp,
) -> (
    herald::domain::ids::CampaignId,
    herald::domain::ids::AccountId,
) {
    use herald::app::{DraftInput, Requester};
    use herald::domain::credits::TopUp;
    use herald::domain::effects::Actor;
    use herald::domain::ids::{AccountId, UserId};
    let account = AccountId(4_242);
    let name = format!("<script>alert(1)</script>{}", "W".repeat(5_000));
    t.app.ensure_account(account, &name).await.unwrap();
    t.app
        .credit(
            account,
            TopUp::new(100_000).unwrap(),
            "test",
            Actor::Operator,
        )
        .await
        .unwrap();
    let who = Requester::new(account, UserId(9));
    t.app
        .remember_name(
            account,
            UserId(9),
            &format!("<b>Marie</b> {}", "Z".repeat(300)),
        )
        .await
        .unwrap();
    for i in 0..50 {
        let campaign = format!("<img src=x onerror=alert({i})>{}", "N".repeat(30));
        let body = format!(
            "Soldes {i} https://example.com/{} STOP au 36180",
            "p".repeat(200)
        );
        t.app
            .create_campaign(
                who,
                &campaign,
                DraftInput {
                    body: Some(body),
                    sender: Some("MaBoutique".into()),
                },
            )
            .await
            .unwrap();
        t.app
            .import_recipients(
                who,
                &campaign,
                std::io::Cursor::new(crate::support::csv_of(3)),
                Default::default(),
            )
            .await
            .unwrap();
        let summary = t
            .app
            .finalize(who, &campaign, SendRequest::Immediate)
            .await
            .unwrap();
        t.app.confirm(who, summary.token.as_str()).await.unwrap();
    }
    let first = format!("<img src=x onerror=alert(0)>{}", "N".repeat(30));
    let id = t.app.campaign_id(account, &first).await.unwrap().0;
    // Refused once, changed and submitted again: its review shows the diff.
    let bob = herald::domain::ids::ModeratorName::parse("bob").unwrap();
    t.app
        .decide(
            id,
            1,
            &bob,
            herald::app::Decision::Refuse {
                code: herald::domain::campaign::RefusalCode::Technical,
                reason: format!("Le lien est trop long {}", "L".repeat(400)),
            },
        )
        .await
        .unwrap();
    t.app
        .edit_campaign(
            who,
            &first,
            DraftInput {
                body: Some("Soldes 0 https://example.com/court STOP au 36180".into()),
                sender: None,
            },
        )
        .await
        .unwrap();
    let summary = t
        .app
        .finalize(who, &first, SendRequest::Immediate)
        .await
        .unwrap();
    t.app.confirm(who, summary.token.as_str()).await.unwrap();
    let second = format!("<img src=x onerror=alert(1)>{}", "N".repeat(30));
    let claimed = t.app.campaign_id(account, &second).await.unwrap().0;
    t.app.claim_review(claimed, 1, &bob, false).await.unwrap();
    (id, account)
}

/// The page is no wider than the window: nothing to scroll sideways.
async fn fits(browser: &Client, what: &str) {
    let overflow = browser
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(overflow, serde_json::json!(0), "{what} scrolls sideways");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_at_1400_and_400_pixels_with_hostile_values() {
    let t = TestApp::new(Engine::Sqlite).await;
    t.app.add_moderator("alice", PASSWORD).await.unwrap();
    t.app.add_moderator("bob", PASSWORD).await.unwrap();
    let (resubmitted, account) = hostile_queue(&t).await;
    t.app
        .save_canned_reason(
            None,
            "Lien trop long",
            herald::domain::campaign::RefusalCode::Technical,
            "Raccourcissez le lien : les opérateurs filtrent les adresses de plus de 100 caractères.",
            &herald::domain::ids::ModeratorName::parse("bob").unwrap(),
        )
        .await
        .unwrap();
    let base = serve_console(&t.app).await;
    let driver = Driver::start().await;
    let browser = driver.browser().await;
    browser.goto(&format!("{base}/login")).await.unwrap();
    type_into(&browser, "input[name=name]", "alice").await;
    type_into(&browser, "input[name=password]", PASSWORD).await;
    click(&browser, "form.login button").await;
    arrive_at(&browser, "/queue").await;
    assert_eq!(text(&browser, "h1 .count").await, "50");
    // No payload ran: the page's title is still the page's.
    assert_eq!(browser.title().await.unwrap(), "Queue (50) · Herald");

    let pages = [
        ("/queue".to_owned(), "queue-50"),
        (format!("/queue?open={}", resubmitted.0), "queue-open-diff"),
        (format!("/reviews/{}", resubmitted.0), "review-diff"),
        ("/reasons".to_owned(), "reasons"),
        ("/accounts".to_owned(), "accounts"),
        (format!("/accounts/{}", account.0), "account"),
        (
            format!("/accounts/{}/opt-outs", account.0),
            "account-opt-outs",
        ),
        (
            format!("/accounts/{}/audiences", account.0),
            "account-audiences",
        ),
        ("/history".to_owned(), "history"),
        ("/campaigns".to_owned(), "campaigns"),
        (format!("/campaigns/{}", resubmitted.0), "campaign-page"),
        ("/ratings".to_owned(), "ratings"),
        ("/".to_owned(), "dashboard"),
    ];
    for (width, suffix) in [(1400, "1400"), (400, "400")] {
        browser.set_window_size(width, 1000).await.unwrap();
        for (path, name) in &pages {
            browser.goto(&format!("{base}{path}")).await.unwrap();
            fits(&browser, &format!("{path} at {width} px")).await;
            snap(&browser, &format!("20-{name}-{suffix}")).await;
        }
        // Sections below the fold, each seen on its own.
        let sections = [
            (
                format!("/reviews/{}", resubmitted.0),
                "section.origin",
                "review-origin",
            ),
            (
                format!("/reviews/{}", resubmitted.0),
                "section.decide",
                "review-decide",
            ),
            (
                "/reasons".to_owned(),
                "section.reason-changes",
                "reasons-changes",
            ),
        ];
        for (path, css, name) in sections {
            browser.goto(&format!("{base}{path}")).await.unwrap();
            let png = browser
                .find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("{css} on {path}: {e}"))
                .screenshot()
                .await
                .unwrap();
            std::fs::write(screenshots().join(format!("20-{name}-{suffix}.png")), png).unwrap();
        }
    }
    // The menu folds behind a button on a phone, and opens without script.
    assert!(
        !browser
            .find(Locator::Css("header.top nav a[href='/queue']"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap()
    );
    click(&browser, "label.menu-button").await;
    assert!(
        browser
            .find(Locator::Css("header.top nav a[href='/queue']"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap()
    );
    snap(&browser, "20-menu-open-400").await;
    browser.close().await.unwrap();
}
