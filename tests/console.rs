//! The moderation console over real HTTP, on both engines: access, sessions, CSRF, every page
//! and action, with the HTML parsed and checked by CSS selectors.

use chrono::{Duration, TimeZone, Utc};
use herald::app::{DraftInput, SendRequest};
use herald::domain::campaign::CampaignState;
use herald::domain::credits::Credits;
use herald::domain::effects::{Actor, AuditAction};
use herald::domain::ids::CampaignId;
use herald::domain::rating::RatedInteraction;

use crate::support::console::{ConsoleClient, PASSWORD, serve_console};
use crate::support::{Engine, OWNER, SERVER, TestApp};

/// A test app with moderators alice and bob, and its console.
pub(crate) async fn console(engine: Engine) -> (TestApp, String) {
    let t = TestApp::new(engine).await;
    t.app.add_moderator("alice", PASSWORD).await.unwrap();
    t.app.add_moderator("bob", PASSWORD).await.unwrap();
    let base = serve_console(&t.app).await;
    (t, base)
}

pub(crate) async fn signed_in(base: &str, name: &str) -> ConsoleClient {
    let mut client = ConsoleClient::new(base);
    let page = client.sign_in(name, PASSWORD).await;
    assert_eq!(
        (page.status, page.location()),
        (303, Some("/queue")),
        "{}",
        page.text
    );
    client
}

/// Creates campaign `name` with `body` and submits version 1 (waiting for review).
async fn submit(t: &TestApp, name: &str, body: &str) -> CampaignId {
    t.ready_campaign(name, 1_000, 3).await;
    t.app
        .edit_campaign(
            OWNER,
            name,
            DraftInput {
                body: Some(body.into()),
                sender: None,
            },
        )
        .await
        .unwrap();
    resubmit(t, name).await
}

async fn resubmit(t: &TestApp, name: &str) -> CampaignId {
    let summary = t
        .app
        .finalize(OWNER, name, SendRequest::Immediate)
        .await
        .unwrap();
    t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    t.app.campaign_id(SERVER, name).await.unwrap().0
}

async fn state(t: &TestApp, id: CampaignId) -> CampaignState {
    t.store.campaign_by_id(id).await.unwrap().unwrap().state
}

async fn nothing_answers_without_a_session(engine: Engine) {
    let (t, base) = console(engine).await;
    let id = submit(&t, "spring", "Spring sale. STOP au 36180").await;
    let mut anonymous = ConsoleClient::new(&base);
    for path in [
        "/",
        "/queue",
        &format!("/reviews/{}", id.0),
        "/history",
        "/campaigns",
        "/accounts",
        "/accounts/42",
        "/reasons",
        "/queue/next",
        &format!("/queue?open={}", id.0),
        "/no-such-page",
    ] {
        let page = anonymous.get(path).await;
        assert_eq!(
            (page.status, page.location()),
            (303, Some("/login")),
            "GET {path}"
        );
    }
    let version = "1";
    let page = anonymous
        .post(
            &format!("/reviews/{}/approve", id.0),
            &[("version", version), ("csrf", "x")],
        )
        .await;
    assert_eq!((page.status, page.location()), (303, Some("/login")));
    assert_eq!(state(&t, id).await, CampaignState::PendingReview);
    let login = anonymous.get("/login").await;
    assert_eq!(login.status, 200);
    assert_eq!(login.count("form.login input[name=csrf]"), 1);
    // The stylesheet is the only other thing served to anyone.
    assert_eq!(anonymous.get("/static/console.css").await.status, 200);
}

async fn every_response_carries_the_security_headers(engine: Engine) {
    let (_t, base) = console(engine).await;
    let mut client = ConsoleClient::new(&base);
    let login = client.get("/login").await;
    let mut alice = signed_in(&base, "alice").await;
    let queue = alice.get("/queue").await;
    for page in [&login, &queue] {
        let csp = page.header("content-security-policy");
        assert!(csp.contains("default-src 'none'"), "{csp}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("script-src"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(page.header("x-frame-options"), "DENY");
        assert_eq!(page.header("referrer-policy"), "no-referrer");
        assert_eq!(page.header("cache-control"), "no-store");
        // No script anywhere: everything works with forms and redirects.
        assert_eq!(page.count("script"), 0);
    }
}

async fn signing_in_and_out(engine: Engine) {
    let (t, base) = console(engine).await;
    let mut client = ConsoleClient::new(&base);
    let wrong = client.sign_in("alice", "not the password").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(
        wrong.text_of(".error"),
        "wrong name or password: check both and try again"
    );
    let unknown = client.sign_in("mallory", PASSWORD).await;
    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.text_of(".error"), wrong.text_of(".error"));
    assert_eq!(unknown.attr("input[name=name]", "value"), "mallory");

    let ok = client.sign_in("alice", PASSWORD).await;
    assert_eq!((ok.status, ok.location()), (303, Some("/queue")));
    let session = client
        .set_cookies
        .iter()
        .rev()
        .find(|c| c.starts_with("herald_session="))
        .unwrap()
        .clone();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(session.contains(attr), "{session}");
    }
    assert!(
        !session.contains("Secure"),
        "plain HTTP on loopback: {session}"
    );
    // Only a hash of the token is stored.
    let token = client.cookies["herald_session"].clone();
    let queue = client.get("/queue").await;
    assert_eq!(queue.status, 200);
    assert_eq!(queue.text_of("header .who"), "alice");
    // Already signed in: the form sends you on.
    assert_eq!(client.get("/login").await.location(), Some("/queue"));

    let forged = client.post("/logout", &[("csrf", "forged")]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(client.get("/queue").await.status, 200);
    let out = client.submit("/queue", "/logout", &[]).await;
    assert_eq!((out.status, out.location()), (303, Some("/login")));
    assert!(!client.cookies.contains_key("herald_session"));
    // The old cookie opens nothing any more.
    client.cookies.insert("herald_session".into(), token);
    assert_eq!(client.get("/queue").await.location(), Some("/login"));
    drop(t);
}

async fn the_sign_in_form_needs_its_token(engine: Engine) {
    let (_t, base) = console(engine).await;
    let mut client = ConsoleClient::new(&base);
    let page = client
        .post("/login", &[("name", "alice"), ("password", PASSWORD)])
        .await;
    assert_eq!(page.status, 403);
    assert!(page.text_of(".error").contains("reload the page"));
    assert!(!client.cookies.contains_key("herald_session"));
}

async fn failed_sign_ins_are_limited_per_name_and_per_address(engine: Engine) {
    let (t, base) = console(engine).await;
    let mut client = ConsoleClient::new(&base);
    for _ in 0..5 {
        assert_eq!(client.sign_in("alice", "guess").await.status, 401);
    }
    // Even the right password waits now.
    let limited = client.sign_in("alice", PASSWORD).await;
    assert_eq!(limited.status, 429);
    assert_eq!(
        limited.text_of(".error"),
        "too many failed sign-ins: wait 15 minutes and try again"
    );
    // Another name from the same address still may…
    assert_eq!(client.sign_in("bob", PASSWORD).await.status, 303);
    client.cookies.remove("herald_session");
    // …until the address itself has failed 20 times.
    for i in 0..15 {
        assert_eq!(
            client.sign_in(&format!("nobody{i}"), "guess").await.status,
            401
        );
    }
    assert_eq!(client.sign_in("bob", PASSWORD).await.status, 429);
    // The window passes.
    t.clock.advance(Duration::minutes(16));
    assert_eq!(client.sign_in("alice", PASSWORD).await.status, 303);
}

async fn the_queue_shows_what_a_moderator_needs_oldest_first(engine: Engine) {
    let (t, base) = console(engine).await;
    let payload = "<script>alert(1)</script><img src=x onerror=alert(2)> STOP au 36180";
    let old = submit(&t, "first", payload).await;
    t.clock.advance(Duration::minutes(90));
    // The second was refused once, then submitted again.
    let second = submit(&t, "second", "Soldes ✨ -20 %. STOP au 36180").await;
    let alice_name = herald::domain::ids::ModeratorName::parse("alice").unwrap();
    t.app
        .decide(
            second,
            1,
            &alice_name,
            herald::app::Decision::Refuse {
                code: herald::domain::campaign::RefusalCode::Technical,
                reason: "Sender <b>HERALD</b> is not registered".into(),
            },
        )
        .await
        .unwrap();
    resubmit(&t, "second").await;
    t.clock.advance(Duration::minutes(30));

    let mut alice = signed_in(&base, "alice").await;
    let queue = alice.get("/queue").await;
    assert_eq!(queue.status, 200);
    assert_eq!(queue.text_of("h1 .count"), "2");
    assert_eq!(queue.texts("table.queue a.item"), ["first", "second"]);
    assert_eq!(queue.count("meta[http-equiv=refresh]"), 1);
    // One line each: how long it waits, the account, the version, flags, cost, when it goes.
    let first = format!("tr#q{}", old.0);
    assert_eq!(queue.text_of(&format!("{first} .waited")), "2 h 00 min");
    assert_eq!(queue.text_of(&format!("{first} .account")), "Test server");
    assert_eq!(queue.text_of(&format!("{first} .version")), "v1");
    assert_eq!(queue.text_of(&format!("{first} td.number")), "3");
    assert_eq!(
        queue.text_of(&format!("{first} td[data-label=Sends]")),
        "once approved"
    );
    let again = format!("tr#q{}", second.0);
    assert_eq!(queue.text_of(&format!("{again} .version")), "v2");
    assert_eq!(queue.texts(&format!("{again} .badge")), ["resubmitted"]);
    // The payload is shown as text, inert, in the list and in the review.
    assert_eq!(queue.count("script"), 0);
    assert!(!queue.text.contains("<script") && !queue.text.contains("<img"));

    // Opened beside the list: the whole version. The list's page no longer refreshes itself
    // while a moderator reads.
    let open = alice.get(&format!("/queue?open={}", old.0)).await;
    assert_eq!(open.status, 200);
    assert_eq!(open.count("meta[http-equiv=refresh]"), 0);
    assert_eq!(open.count("table.queue tbody tr"), 2);
    let panel = "#review";
    assert_eq!(open.text_of(&format!("{panel} .account")), "Test server");
    assert_eq!(
        open.text_of(&format!("{panel} .author")),
        format!("user {}", OWNER.user)
    );
    assert_eq!(
        open.attr(&format!("{panel} .author"), "title"),
        format!("Discord id {}", OWNER.user)
    );
    assert_eq!(open.text_of(&format!("{panel} dd.version")), "1");
    assert_eq!(open.text_of(&format!("{panel} .sender")), "HERALD");
    assert_eq!(
        open.text_of(&format!("{panel} .encoding")),
        "GSM-7, 1 segment"
    );
    assert_eq!(open.text_of(&format!("{panel} .recipients")), "3");
    assert_eq!(open.text_of(&format!("{panel} .cost")), "3 credits");
    assert_eq!(
        open.text_of(&format!("{panel} .send")),
        "immediately, once approved"
    );
    assert_eq!(open.text_of(&format!("{panel} pre.body")), payload);
    assert_eq!(open.count("script"), 0);
    assert_eq!(open.count("article img"), 0);
    assert!(!open.text.contains("<script") && !open.text.contains("<img"));

    // The name the bot saw the author under replaces the id (which stays on hover).
    t.app
        .remember_name(SERVER, OWNER.user, "Marie <Boutique>")
        .await
        .unwrap();
    let named = alice.get(&format!("/reviews/{}", second.0)).await;
    assert_eq!(named.text_of("#review .author"), "Marie <Boutique>");
    assert_eq!(
        named.text_of("#review .refusal"),
        "v1, technical: Sender <b>HERALD</b> is not registered (alice, 2027-03-02 10:30 UTC)"
    );
    assert_eq!(named.count("#review .refusal b"), 0);
    assert_eq!(named.text_of("#review dd.encoding"), "UCS-2, 1 segment");
    // A resubmission shows what changed since the refused version, and why it was refused.
    assert_eq!(named.text_of("#review .diff h3"), "Changes since version 1");
    assert_eq!(
        named.text_of("#review .diff p.refusals"),
        "Version 1 was refused: technical: Sender <b>HERALD</b> is not registered (alice, 2027-03-02 10:30 UTC)"
    );

    // Alice opened both: bob sees who is on them, in the list and on the page.
    let mut bob = signed_in(&base, "bob").await;
    let list = bob.get("/queue").await;
    assert_eq!(
        list.texts("table.queue .badge.claim"),
        ["alice is reviewing", "alice is reviewing"]
    );
    let seen = bob.get(&format!("/reviews/{}", old.0)).await;
    assert!(
        seen.text_of(".claimed")
            .starts_with("alice is reviewing it (until 2027-03-02 11:10 UTC)"),
        "{}",
        seen.text_of(".claimed")
    );
}

async fn the_queue_is_paginated(engine: Engine) {
    let (t, base) = console(engine).await;
    for i in 0..27 {
        submit(&t, &format!("c{i:02}"), "Hello. STOP au 36180").await;
        t.clock.advance(Duration::seconds(1));
    }
    let mut alice = signed_in(&base, "alice").await;
    let first = alice.get("/queue").await;
    assert_eq!(first.count("table.queue tbody tr"), 25);
    assert_eq!(first.text_of(".pager span"), "page 1 of 2");
    assert_eq!(first.attr(".pager a[rel=next]", "href"), "/queue?page=2");
    let second = alice.get("/queue?page=2").await;
    assert_eq!(second.texts("table.queue a.item"), ["c25", "c26"]);
    assert_eq!(second.attr(".pager a[rel=prev]", "href"), "/queue?page=1");
}

async fn approving_and_refusing(engine: Engine) {
    let (t, base) = console(engine).await;
    let spring = submit(&t, "spring", "Spring sale. STOP au 36180").await;
    let autumn = submit(&t, "autumn", "Autumn sale. STOP au 36180").await;
    let mut alice = signed_in(&base, "alice").await;
    let review = format!("/reviews/{}", spring.0);

    // A forged form changes nothing.
    let forged = alice
        .post(
            &format!("{review}/approve"),
            &[("csrf", "forged"), ("version", "1")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(state(&t, spring).await, CampaignState::PendingReview);

    let page = alice.get(&review).await;
    assert_eq!(page.count("form.approve"), 1);
    assert_eq!(page.attr("form.refuse textarea", "maxlength"), "500");
    let approved = alice
        .submit(&review, &format!("{review}/approve"), &[("version", "1")])
        .await;
    // On to the next version nobody else is reviewing.
    let next = format!("/queue?open={}#review", autumn.0);
    assert_eq!(
        (approved.status, approved.location()),
        (303, Some(next.as_str()))
    );
    assert_eq!(state(&t, spring).await, CampaignState::Approved);

    // Someone else, a moment later, on the same version: told, nothing changed.
    let mut bob = signed_in(&base, "bob").await;
    let late = bob
        .submit(
            &review,
            &format!("{review}/refuse"),
            &[
                ("version", "1"),
                ("code", "technical"),
                ("reason", "late"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(late.status, 422);
    assert_eq!(
        late.text_of(".error"),
        "version 1 was already approved by alice at 2027-03-02 09:00 UTC"
    );
    assert_eq!(late.count("form.approve"), 0);
    assert_eq!(state(&t, spring).await, CampaignState::Approved);

    // A refusal needs a code and a reason of at most 500 characters.
    let refuse = format!("/reviews/{}/refuse", autumn.0);
    let from = format!("/reviews/{}", autumn.0);
    let no_reason = alice
        .submit(
            &from,
            &refuse,
            &[("version", "1"), ("code", "technical"), ("reason", "  ")],
        )
        .await;
    assert_eq!(no_reason.status, 422);
    assert!(
        no_reason.text_of(".error").contains("reason"),
        "{}",
        no_reason.text_of(".error")
    );
    let long = "x".repeat(501);
    let too_long = alice
        .submit(
            &from,
            &refuse,
            &[
                ("version", "1"),
                ("code", "code_of_conduct"),
                ("reason", &long),
            ],
        )
        .await;
    assert_eq!(too_long.status, 422);
    assert!(
        too_long.text_of(".error").contains("501"),
        "{}",
        too_long.text_of(".error")
    );
    // What was typed stays in the form.
    assert_eq!(too_long.text_of("form.refuse textarea"), long);
    assert_eq!(too_long.attr("input[value=code_of_conduct]", "checked"), "");
    let no_code = alice
        .submit(&from, &refuse, &[("version", "1"), ("reason", "why")])
        .await;
    assert_eq!(no_code.status, 422);
    assert_eq!(state(&t, autumn).await, CampaignState::PendingReview);

    // The refusal is shown as the owner will read it before it goes.
    let asked = alice
        .submit(
            &from,
            &refuse,
            &[
                ("version", "1"),
                ("code", "code_of_conduct"),
                ("reason", "Misleading <i>price</i> claim"),
            ],
        )
        .await;
    assert_eq!(asked.status, 200);
    assert_eq!(
        asked.text_of("blockquote.reason"),
        "Misleading <i>price</i> claim"
    );
    assert_eq!(asked.count("blockquote.reason i"), 0);
    assert_eq!(state(&t, autumn).await, CampaignState::PendingReview);
    let refused = alice
        .submit(
            &from,
            &refuse,
            &[
                ("version", "1"),
                ("code", "code_of_conduct"),
                ("reason", "Misleading price claim"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(refused.location(), Some("/queue"));
    assert_eq!(state(&t, autumn).await, CampaignState::Draft);
    // The owners are told through the outbox.
    assert_eq!(
        t.outbox_kinds().await,
        ["submitted", "submitted", "approved", "refused"]
    );
    let after = alice.get(&from).await;
    assert_eq!(
        after.text_of(".decided"),
        "This version was refused by alice at 2027-03-02 09:00 UTC (code of conduct: Misleading price claim)."
    );
    assert_eq!(alice.get("/queue").await.text_of("h1 .count"), "0");
    assert_eq!(alice.get("/reviews/999999").await.status, 404);
}

async fn history_filters_by_moderator_date_and_outcome(engine: Engine) {
    let (t, base) = console(engine).await;
    let a = submit(&t, "a", "A. STOP au 36180").await;
    let b = submit(&t, "b", "B. STOP au 36180").await;
    let mut alice = signed_in(&base, "alice").await;
    alice
        .submit(
            &format!("/reviews/{}", a.0),
            &format!("/reviews/{}/approve", a.0),
            &[("version", "1")],
        )
        .await;
    t.clock.advance(Duration::days(1));
    let mut bob = signed_in(&base, "bob").await;
    bob.submit(
        &format!("/reviews/{}", b.0),
        &format!("/reviews/{}/refuse", b.0),
        &[
            ("version", "1"),
            ("code", "technical"),
            ("reason", "Bad link"),
            ("confirm", "yes"),
        ],
    )
    .await;

    // A day later alice's session has expired (12 hours): she signs in again. (The console
    // re-reads a session after a second of real time; the test's clock jumped.)
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(alice.get("/history").await.location(), Some("/login"));
    let mut alice = signed_in(&base, "alice").await;
    let all = alice.get("/history").await;
    assert_eq!(all.texts("table.history .moderator"), ["bob", "alice"]);
    assert_eq!(all.texts("table.history .outcome"), ["refused", "approved"]);
    assert_eq!(all.text_of("table.history .detail"), "technical: Bad link");
    let by_alice = alice.get("/history?moderator=alice").await;
    assert_eq!(by_alice.texts("table.history .moderator"), ["alice"]);
    assert_eq!(by_alice.attr("input[name=moderator]", "value"), "alice");
    let refused = alice.get("/history?outcome=refused").await;
    assert_eq!(refused.texts("table.history .moderator"), ["bob"]);
    let day_one = alice.get("/history?from=2027-03-02&until=2027-03-02").await;
    assert_eq!(day_one.texts("table.history .moderator"), ["alice"]);
    let later = alice.get("/history?from=2027-03-04").await;
    assert_eq!(later.text_of(".empty"), "No decision matches.");
    let bad = alice.get("/history?from=03/02/2027").await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.text_of(".error"),
        "\"03/02/2027\" is not a date for \"from\": write it as YYYY-MM-DD, e.g. 2027-03-02"
    );
}

async fn campaigns_in_progress_and_on_hold(engine: Engine) {
    let (t, base) = console(engine).await;
    // Spring spends the whole balance.
    t.ready_campaign("spring", 4, 4).await;
    t.approve("spring", SendRequest::Immediate).await;
    t.app.advance_campaigns().await.unwrap();
    // Short of credit on its date: held.
    t.ready_campaign("autumn", 0, 3).await;
    let when = SendRequest::Scheduled {
        date: "2027-03-02".into(),
        time: "11:00".into(),
        zone: Some("Europe/Paris".into()),
    };
    let summary = t.app.finalize(OWNER, "autumn", when).await.unwrap();
    t.app.confirm(OWNER, summary.token.as_str()).await.unwrap();
    let (autumn, _) = t.app.campaign_id(SERVER, "autumn").await.unwrap();
    let alice_name = herald::domain::ids::ModeratorName::parse("alice").unwrap();
    t.app
        .decide(autumn, 1, &alice_name, herald::app::Decision::Approve)
        .await
        .unwrap();
    t.clock
        .set(Utc.with_ymd_and_hms(2027, 3, 2, 10, 0, 1).unwrap());
    t.app.advance_campaigns().await.unwrap();
    assert_eq!(state(&t, autumn).await, CampaignState::OnHold);

    let (spring, _) = t.app.campaign_id(SERVER, "spring").await.unwrap();
    let mut alice = signed_in(&base, "alice").await;
    let page = alice.get("/campaigns").await;
    let row = format!("table.progress tr#c{}", spring.0);
    assert_eq!(page.text_of(&format!("{row} .percent")), "0%");
    assert_eq!(page.attr(&format!("{row} progress"), "value"), "0");
    assert_eq!(page.text_of(&format!("{row} .delivered")), "0");
    assert_eq!(page.text_of(&format!("{row} .bounced")), "0");
    assert_eq!(
        page.text_of(&format!("table.on-hold tr#c{}", autumn.0)),
        "autumn v1 3 credits 2027-03-02 10:00 UTC"
    );
}

async fn accounts_auto_validation_and_credit_are_audited(engine: Engine) {
    let (t, base) = console(engine).await;
    t.ready_campaign("spring", 50, 1).await;
    let mut alice = signed_in(&base, "alice").await;
    let row = format!("tr#a{}", SERVER.0);
    let page = alice.get("/accounts").await;
    assert_eq!(page.text_of(&format!("{row} .available")), "50");
    assert_eq!(page.text_of(&format!("{row} .state")), "off");

    let action = format!("/accounts/{}/auto-validation", SERVER.0);
    let forged = alice
        .post(&action, &[("csrf", "x"), ("enabled", "on")])
        .await;
    assert_eq!(forged.status, 403);
    let toggled = alice
        .submit(
            "/accounts",
            &action,
            &[("enabled", "on"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(toggled.location(), Some("/accounts?done=auto-validation"));
    let page = alice.get("/accounts?done=auto-validation").await;
    assert_eq!(page.text_of(&format!("{row} .state")), "on");
    assert_eq!(page.text_of(".notice"), "Automatic validation changed.");
    assert!(t.app.account(SERVER).await.unwrap().0.auto_validation);

    let credit = format!("/accounts/{}/credit", SERVER.0);
    let bad = alice
        .submit(
            "/accounts",
            &credit,
            &[("amount", "ten"), ("reason", "promo")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.text_of(".error").contains("ten"),
        "{}",
        bad.text_of(".error")
    );
    let no_reason = alice
        .submit("/accounts", &credit, &[("amount", "10"), ("reason", " ")])
        .await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.text_of(".error").starts_with("say why"));
    let added = alice
        .submit(
            "/accounts",
            &credit,
            &[("amount", "250"), ("reason", "Goodwill <gesture>")],
        )
        .await;
    assert_eq!(added.location(), Some("/accounts?done=credit"));
    let (_, balance) = t.app.account(SERVER).await.unwrap();
    assert_eq!(balance.available, Credits(300));

    let audit = t.store.audit_log(Some(SERVER), 10).await.unwrap();
    let as_alice = Actor::Moderator(herald::domain::ids::ModeratorName::parse("alice").unwrap());
    let mine: Vec<(AuditAction, String)> = audit
        .iter()
        .filter(|a| a.actor == as_alice)
        .map(|a| (a.action, a.detail.clone()))
        .collect();
    assert_eq!(mine.len(), 2, "{audit:?}");
    assert_eq!(mine[0].0, AuditAction::Credited);
    assert_eq!(mine[0].1, "+250: Goodwill <gesture>");
    assert_eq!(mine[1].0, AuditAction::SettingsChanged);
    assert!(mine[1].1.contains("auto"), "{}", mine[1].1);

    // With automatic validation on, a submission is approved by Herald: the history finds it.
    submit(&t, "summer", "Summer. STOP au 36180").await;
    let automatic = alice.get("/history?outcome=automatic").await;
    assert_eq!(automatic.texts("table.history .outcome"), ["approved"]);
    assert_eq!(
        automatic.texts("table.history .moderator"),
        ["Herald (automatic)"]
    );
    assert_eq!(
        alice
            .get("/history?outcome=approved&moderator=alice")
            .await
            .status,
        200
    );
    let both = alice
        .get("/history?outcome=automatic&moderator=alice")
        .await;
    assert_eq!(both.status, 400);
    assert!(
        both.text_of(".error")
            .starts_with("automatic approvals have no moderator")
    );
}

async fn the_dashboard_sums_up(engine: Engine) {
    let (t, base) = console(engine).await;
    let a = submit(&t, "a", "A. STOP au 36180").await;
    submit(&t, "b", "B. STOP au 36180").await;
    submit(&t, "c", "C. STOP au 36180").await;
    t.clock.advance(Duration::minutes(10));
    let mut alice = signed_in(&base, "alice").await;
    alice
        .submit(
            &format!("/reviews/{}", a.0),
            &format!("/reviews/{}/approve", a.0),
            &[("version", "1")],
        )
        .await;
    t.clock.advance(Duration::minutes(20));
    let page = alice.get("/").await;
    assert_eq!(page.text_of(".queue-size"), "2");
    assert_eq!(page.text_of(".oldest"), "30 min");
    assert_eq!(page.text_of(".median"), "10 min");
    assert_eq!(page.text_of(".decisions-today"), "1");
    assert!(page.text_of(".ratings-empty").starts_with("No rating yet"));
    assert_eq!(page.count("svg.ratings g.bar"), 5);

    for (user, rating) in [(1, 5), (2, 5), (3, 4), (4, 1)] {
        t.app
            .rate(
                SERVER,
                herald::domain::ids::UserId(user),
                RatedInteraction::Campaign { campaign: a },
                rating,
                None,
            )
            .await
            .unwrap();
    }
    let page = alice.get("/").await;
    assert_eq!(
        page.text_of(".ratings-summary"),
        "4 ratings, average 3.75 / 5"
    );
    assert_eq!(page.attr("g.bar[data-rating='5'] rect", "height"), "160");
    assert_eq!(page.attr("g.bar[data-rating='4'] rect", "height"), "80");
    assert_eq!(page.attr("g.bar[data-rating='2'] rect", "height"), "0");
    assert_eq!(page.text_of("g.bar[data-rating='1'] text.count"), "1");
    // Per month: twelve stacked bars, this month's holding the four with their average.
    assert_eq!(page.count("svg.months g.month"), 12);
    let march = "g.month[data-month='2027-03']";
    assert_eq!(page.attr(march, "data-total"), "4");
    assert_eq!(page.text_of(&format!("{march} text.average")), "3.8");
    assert_eq!(page.count(&format!("{march} rect.segment")), 3);
    assert_eq!(
        page.attr(&format!("{march} rect[data-rating='5']"), "height"),
        "80"
    );
}

/// Two console processes on one database: a session opened on one works on the other, and
/// signing out on one closes it on both.
async fn sessions_are_shared_by_console_processes(engine: Engine) {
    let (t, base) = console(engine).await;
    let other_store = t.db.store().await;
    let other = herald::app::App::new(other_store, t.clock.clone());
    let other_base = serve_console(&other).await;
    let mut alice = signed_in(&base, "alice").await;
    assert_eq!(alice.get("/queue").await.status, 200);
    let mut elsewhere = ConsoleClient::new(&other_base);
    elsewhere.cookies = alice.cookies.clone();
    assert_eq!(elsewhere.get("/queue").await.status, 200);
    elsewhere.submit("/queue", "/logout", &[]).await;
    // At once where she signed out; within a second on the other process (its copy expires).
    assert_eq!(elsewhere.get("/queue").await.location(), Some("/login"));
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(alice.get("/queue").await.location(), Some("/login"));
}

/// A decision taken elsewhere (another process, the command line) shows on the queue within a
/// second: the rendered page is reused that long at most.
async fn the_queue_page_is_at_most_a_second_old(engine: Engine) {
    let (t, base) = console(engine).await;
    let id = submit(&t, "spring", "Spring sale. STOP au 36180").await;
    let mut alice = signed_in(&base, "alice").await;
    assert_eq!(alice.get("/queue").await.text_of("h1 .count"), "1");
    let bob = herald::domain::ids::ModeratorName::parse("bob").unwrap();
    t.app
        .decide(id, 1, &bob, herald::app::Decision::Approve)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(alice.get("/queue").await.text_of("h1 .count"), "0");
}

async fn ratings_reviews_and_consents(engine: Engine) {
    let (t, base) = console(engine).await;
    t.ready_campaign("spring", 10, 1).await;
    let (id, _) = t.app.campaign_id(SERVER, "spring").await.unwrap();
    let subject = RatedInteraction::Campaign { campaign: id };
    let mut alice = signed_in(&base, "alice").await;
    let empty = alice.get("/ratings").await;
    assert!(empty.text_of(".empty").starts_with("No public review yet"));
    for (user, rating) in [(11u64, 2i64), (12, 5)] {
        let who = herald::domain::ids::UserId(user);
        let survey = t
            .app
            .offer_survey(&format!("test:{user}"), SERVER, who, subject.clone())
            .await
            .unwrap()
            .unwrap();
        t.app.answer_survey(survey, who, rating).await.unwrap();
        let notice = herald::domain::consent::Notice {
            version: "review-test".into(),
            hash: "00".repeat(32),
        };
        t.app
            .share_review(survey, who, &format!("<i>Rated {rating}</i>"), notice, None)
            .await
            .unwrap();
    }
    let page = alice.get("/ratings").await;
    assert_eq!(page.count("table.months tbody tr"), 12);
    assert_eq!(
        page.texts("tr#m2027-03 td.count"),
        ["0", "1", "0", "0", "1"]
    );
    assert_eq!(page.text_of("tr#m2027-03 .average"), "3.50");
    assert_eq!(page.text_of("tr#m2027-02 .average"), "—");
    assert_eq!(
        page.texts("article.review .body"),
        ["<i>Rated 5</i>", "<i>Rated 2</i>"]
    );
    assert_eq!(
        page.count("article.review i"),
        0,
        "markup in a review stays text"
    );
    assert_eq!(page.text_of("table.consents .purpose"), "public review");
    assert_eq!(page.text_of("table.consents .count"), "2");

    let first = page.attr("article.review form.unpublish", "action");
    let forged = alice.post(&first, &[("csrf", "forged")]).await;
    assert_eq!(forged.status, 403);
    let done = alice.submit("/ratings", &first, &[]).await;
    assert_eq!(done.location(), Some("/ratings"));
    let page = alice.get("/ratings").await;
    assert_eq!(
        page.text_of("article.review .unpublished"),
        "unpublished by alice at 2027-03-02 09:00 UTC"
    );
    assert_eq!(page.count("form.unpublish"), 1);
    let again = alice.submit("/ratings", &first, &[]).await;
    assert_eq!(again.status, 404);
}

/// Every page's tab title is plain text, and nothing but the menu comes before the content
/// (the dashboard once pasted its whole chart into its title).
async fn every_title_is_plain_text_and_the_menu_comes_first(engine: Engine) {
    let (t, base) = console(engine).await;
    let id = submit(&t, "spring", "Spring sale. STOP au 36180").await;
    let mut alice = signed_in(&base, "alice").await;
    for path in [
        "/".to_owned(),
        "/queue".to_owned(),
        format!("/reviews/{}", id.0),
        "/history".to_owned(),
        "/campaigns".to_owned(),
        "/accounts".to_owned(),
        "/ratings".to_owned(),
        "/no-such-page".to_owned(),
    ] {
        let page = alice.get(&path).await;
        let title = page.text_of("title");
        assert!(
            title.ends_with(" · Herald") && title.len() < 60 && !title.contains('<'),
            "{path}: {title:?}"
        );
        let body = page.text.split_once("<body>").expect("a body").1;
        let before_menu = body.split_once("<header").expect("the menu").0;
        assert!(before_menu.trim().is_empty(), "{path}: {before_menu:?}");
    }
    assert_eq!(alice.get("/").await.text_of("title"), "Dashboard · Herald");
}

/// Any date the history's form takes is range-checked: a 400 that gives the range, with the
/// menu, never a crash (`+262142-12-31` overflowed).
async fn history_dates_out_of_range_are_refused_with_the_range(engine: Engine) {
    let (_t, base) = console(engine).await;
    let mut alice = signed_in(&base, "alice").await;
    for (query, field) in [
        ("until=%2B262142-12-31", "until"),
        ("from=-0001-01-01", "from"),
        ("from=1999-12-31", "from"),
        ("until=%2B10000-01-01", "until"),
    ] {
        let page = alice.get(&format!("/history?{query}")).await;
        assert_eq!(page.status, 400, "{query}: {}", page.text);
        let error = page.text_of(".error");
        assert!(
            error.contains(&format!(
                "for \"{field}\": give a date from 2000-01-01 to 9999-12-31"
            )),
            "{query}: {error}"
        );
        assert_eq!(page.count("header.top nav a"), 7, "{query}: the menu");
    }
    assert_eq!(alice.get("/history?until=9999-12-31").await.status, 200);
}

/// Addresses and forms the console can't read get a console page in its own words: no Rust
/// ("Cannot parse `abc` to a `i64`"), no Discord ("in this server").
async fn unreadable_requests_get_plain_console_pages(engine: Engine) {
    let (t, base) = console(engine).await;
    let id = submit(&t, "spring", "Spring sale. STOP au 36180").await;
    let mut alice = signed_in(&base, "alice").await;
    let answers = [
        (
            alice.get("/reviews/abc").await,
            404,
            "there is no such page",
        ),
        (
            alice.get("/reviews/99999999").await,
            404,
            "there is no such campaign",
        ),
        (
            alice
                .submit(
                    "/accounts",
                    "/accounts/abc/credit",
                    &[("amount", "5"), ("reason", "x")],
                )
                .await,
            404,
            "there is no such page",
        ),
        (
            alice.get("/accounts/1/credit").await,
            405,
            "only answers the page's buttons and forms",
        ),
        (
            alice.get("/history?page=abc").await,
            400,
            "\"page\" holds a value",
        ),
        (
            alice.get("/queue?page=-1").await,
            400,
            "\"page\" holds a value",
        ),
        (
            alice
                .submit(
                    &format!("/reviews/{}", id.0),
                    &format!("/reviews/{}/approve", id.0),
                    &[("version", "one")],
                )
                .await,
            400,
            "\"version\" holds a value",
        ),
    ];
    for (page, status, says) in answers {
        assert_eq!(page.status, status, "{}", page.text);
        let error = page.text_of(".error");
        assert!(error.contains(says), "{error}");
        for leak in [
            "Cannot parse",
            "i64",
            "u32",
            "deserialize",
            "in this server",
        ] {
            assert!(!page.text.contains(leak), "{leak}: {}", page.text);
        }
        assert_eq!(page.count("header.top nav a"), 7, "the menu: {}", page.text);
    }
}

/// Simultaneous wrong guesses for one name: each is reserved before its password is checked,
/// so at most the limit (5) are checked, the others wait; the right password then waits too.
async fn simultaneous_guesses_are_checked_at_most_five_times(engine: Engine) {
    let (_t, base) = console(engine).await;
    let mut clients = Vec::new();
    let mut forms = Vec::new();
    for _ in 0..50 {
        let mut client = ConsoleClient::new(&base);
        let csrf = client.get("/login").await.attr("input[name=csrf]", "value");
        clients.push(client);
        forms.push(csrf);
    }
    let mut attempts = tokio::task::JoinSet::new();
    for (mut client, csrf) in clients.into_iter().zip(forms) {
        attempts.spawn(async move {
            let form = [
                ("csrf", csrf.as_str()),
                ("name", "alice"),
                ("password", "guess"),
            ];
            client.post("/login", &form).await.status
        });
    }
    let statuses = attempts.join_all().await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let waited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + waited, 50, "{statuses:?}");
    assert_eq!(checked, 5, "guesses checked: {statuses:?}");
    let mut alice = ConsoleClient::new(&base);
    assert_eq!(alice.sign_in("alice", PASSWORD).await.status, 429);
}

/// Names no moderator can have are not kept (a 1 MB one was), nor echoed back whole; the
/// address limit still counts them.
async fn huge_sign_in_names_are_neither_kept_nor_echoed(engine: Engine) {
    let (t, base) = console(engine).await;
    let mut client = ConsoleClient::new(&base);
    let huge = "a".repeat(1_000_000);
    let page = client.sign_in(&huge, "guess").await;
    assert_eq!(page.status, 401);
    assert!(page.text.len() < 20_000, "{} bytes", page.text.len());
    assert!(page.attr("input[name=name]", "value").len() <= 32);
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&t.db.url).await.unwrap();
    let longest: Option<i64> =
        sqlx::query_scalar("SELECT MAX(LENGTH(subject)) FROM login_failures")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(
        longest.unwrap_or(0) < 100,
        "a subject of {longest:?} characters"
    );
    let longest: Option<i64> =
        sqlx::query_scalar("SELECT MAX(LENGTH(subject)) FROM login_subjects")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(
        longest.unwrap_or(0) < 100,
        "a subject of {longest:?} characters"
    );
    // alice's own count is untouched.
    assert_eq!(client.sign_in("alice", PASSWORD).await.status, 303);
}

/// A credit's reason is capped: it is kept in the ledger and the audit log.
async fn credit_reasons_have_a_length_cap(engine: Engine) {
    let (t, base) = console(engine).await;
    t.ready_campaign("spring", 100, 1).await;
    let mut alice = signed_in(&base, "alice").await;
    let reason = "x".repeat(1_000);
    let page = alice
        .submit(
            "/accounts",
            &format!("/accounts/{}/credit", SERVER.0),
            &[("amount", "50"), ("reason", &reason)],
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.text);
    assert_eq!(
        page.text_of(".error"),
        "the reason is 1000 characters long: keep it to 200 at most"
    );
    let (_, balance) = t.app.account(SERVER).await.unwrap();
    assert_eq!(balance.available.0, 100);
}

on_both_engines!(
    ratings_reviews_and_consents,
    the_queue_page_is_at_most_a_second_old,
    nothing_answers_without_a_session,
    every_response_carries_the_security_headers,
    signing_in_and_out,
    the_sign_in_form_needs_its_token,
    failed_sign_ins_are_limited_per_name_and_per_address,
    the_queue_shows_what_a_moderator_needs_oldest_first,
    the_queue_is_paginated,
    approving_and_refusing,
    history_filters_by_moderator_date_and_outcome,
    campaigns_in_progress_and_on_hold,
    accounts_auto_validation_and_credit_are_audited,
    the_dashboard_sums_up,
    sessions_are_shared_by_console_processes,
    every_title_is_plain_text_and_the_menu_comes_first,
    history_dates_out_of_range_are_refused_with_the_range,
    unreadable_requests_get_plain_console_pages,
    simultaneous_guesses_are_checked_at_most_five_times,
    huge_sign_in_names_are_neither_kept_nor_echoed,
    credit_reasons_have_a_length_cap,
);

/// `herald serve` kills its child on drop, so a failing test leaves no process behind.
struct Serve(std::process::Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn serve_binary(db_url: &str, only: Option<&str>) -> (Serve, ConsoleClient) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_herald"));
    command.arg("serve");
    if let Some(part) = only {
        command.args(["--only", part]);
    }
    let child = command
        .env("HERALD_DATABASE_URL", db_url)
        .env("HERALD_CLOCK_START", crate::support::T0)
        .env("HERALD_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env_remove("DISCORD_TOKEN")
        .env_remove("KANNEL_SENDSMS_URL")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start herald serve");
    let serve = Serve(child);
    let mut client = ConsoleClient::new(&format!("http://127.0.0.1:{port}"));
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return (serve, client);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    client.get("/login").await;
    panic!("herald serve did not listen on {port}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn herald_serve_runs_the_console_with_the_workers_or_alone() {
    let t = TestApp::new(Engine::Sqlite).await;
    t.app.add_moderator("alice", PASSWORD).await.unwrap();
    let report = "/kannel/report?d=1&a=1&s=forged&type=1";
    {
        let (_serve, mut all) = serve_binary(&t.db.url, None).await;
        assert_eq!(all.get("/login").await.status, 200);
        // The delivery-report endpoint shares the server, and refuses a forged report.
        assert_eq!(all.get(report).await.status, 403);
        assert_eq!(
            all.sign_in("alice", PASSWORD).await.location(),
            Some("/queue")
        );
    }
    let (_serve, mut console) = serve_binary(&t.db.url, Some("console")).await;
    assert_eq!(console.get("/login").await.status, 200);
    // No delivery endpoint here: the path is just another page that needs a session.
    assert_eq!(console.get(report).await.location(), Some("/login"));
}
