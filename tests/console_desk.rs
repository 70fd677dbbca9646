//! The console's second version over real HTTP, on both engines: the queue's filters in the
//! URL, claims and taking over, the next item after a decision, refusal reasons kept for reuse
//! and the refusal shown before it goes, confirmation steps, the account page.

use chrono::Duration;
use herald::app::{DraftInput, Requester, SendRequest};
use herald::domain::campaign::CampaignState;
use herald::domain::credits::TopUp;
use herald::domain::effects::Actor;
use herald::domain::ids::{AccountId, CampaignId, UserId};

use crate::console::{console, signed_in};
use crate::support::{Engine, TestApp, csv_of};

const SHOP: AccountId = AccountId(42);
const OTHER: AccountId = AccountId(77);

/// Campaign `name` of `account`, version 1 waiting for review.
async fn pending(
    t: &TestApp,
    account: AccountId,
    account_name: &str,
    name: &str,
    body: &str,
    when: SendRequest,
) -> CampaignId {
    let who = Requester::new(account, UserId(account.0 * 10));
    t.app.ensure_account(account, account_name).await.unwrap();
    t.app
        .credit(account, TopUp::new(1_000).unwrap(), "test", Actor::Operator)
        .await
        .unwrap();
    let input = DraftInput {
        body: Some(body.into()),
        sender: Some("MaBoutique".into()),
    };
    t.app.create_campaign(who, name, input).await.unwrap();
    t.app
        .import_recipients(
            who,
            name,
            std::io::Cursor::new(csv_of(2)),
            Default::default(),
        )
        .await
        .unwrap();
    let summary = t.app.finalize(who, name, when).await.unwrap();
    t.app.confirm(who, summary.token.as_str()).await.unwrap();
    t.app.campaign_id(account, name).await.unwrap().0
}

async fn state(t: &TestApp, id: CampaignId) -> CampaignState {
    t.store.campaign_by_id(id).await.unwrap().unwrap().state
}

async fn the_queue_filters_from_the_url(engine: Engine) {
    let (t, base) = console(engine).await;
    let spring = pending(
        &t,
        SHOP,
        "Boutique <Marie>",
        "spring",
        "Soldes -20%. STOP au 36180",
        SendRequest::Immediate,
    )
    .await;
    t.clock.advance(Duration::minutes(90));
    let winter = pending(
        &t,
        OTHER,
        "Garage",
        "winter",
        "Pneus hiver. STOP au 36180",
        SendRequest::Scheduled {
            date: "2027-03-05".into(),
            time: "10:00".into(),
            zone: Some("Europe/Paris".into()),
        },
    )
    .await;
    t.clock.advance(Duration::minutes(5));
    let mut alice = signed_in(&base, "alice").await;
    let items = |page: &crate::support::console::Page| page.texts("table.queue a.item");

    let all = alice.get("/queue").await;
    assert_eq!(items(&all), ["spring", "winter"]);
    // The account's name is text, cut with the whole of it on hover.
    assert_eq!(
        all.attr(&format!("tr#q{} .account", spring.0), "title"),
        "Boutique <Marie>"
    );
    assert_eq!(
        all.texts("select[name=account] option"),
        ["any", "Boutique <Marie>", "Garage"]
    );

    let by_account = alice.get(&format!("/queue?account={}", OTHER.0)).await;
    assert_eq!(items(&by_account), ["winter"]);
    assert_eq!(
        by_account.attr("select[name=account] option[selected]", "value"),
        OTHER.0.to_string()
    );
    // Both accounts' first campaigns carry that flag.
    let flagged = alice.get("/queue?flag=first_campaign").await;
    assert_eq!(items(&flagged), ["spring", "winter"]);
    assert_eq!(
        items(&alice.get("/queue?flag=all_caps").await),
        Vec::<String>::new()
    );
    let waiting = alice.get("/queue?waiting=60").await;
    assert_eq!(items(&waiting), ["spring"]);
    let sends = alice.get("/queue?send=2027-03-05").await;
    assert_eq!(items(&sends), ["winter"]);
    assert_eq!(
        sends.text_of(&format!("tr#q{} .sends", winter.0)),
        "2027-03-05 09:00 UTC"
    );
    // Search: the campaign's or the account's name, any case; LIKE's wildcards are text.
    assert_eq!(items(&alice.get("/queue?q=SPRI").await), ["spring"]);
    assert_eq!(items(&alice.get("/queue?q=garage").await), ["winter"]);
    assert_eq!(
        items(&alice.get("/queue?q=%25").await),
        Vec::<String>::new()
    );
    assert_eq!(items(&alice.get("/queue?q=_").await), Vec::<String>::new());
    let none = alice.get("/queue?q=nothing").await;
    assert_eq!(
        none.text_of(".empty"),
        "Nothing waiting matches these filters."
    );
    assert_eq!(none.text_of("h1 .count"), "0");

    // Filters travel with the links: the item opened keeps them, and so does the way back.
    let filtered = alice.get("/queue?waiting=60&q=spr").await;
    let href = filtered.attr("table.queue a.item", "href");
    assert_eq!(
        href,
        format!("/queue?open={}&waiting=60&q=spr#review", spring.0)
    );
    let open = alice.get(&href).await;
    assert_eq!(
        open.attr("form.approve input[name=back]", "value"),
        "waiting=60&q=spr"
    );

    // What can't be read is said, and the rest of the page works.
    let bad = alice
        .get("/queue?send=05/03/2027&flag=loud&waiting=soon&account=abc")
        .await;
    assert_eq!(bad.status, 200);
    assert_eq!(
        bad.texts(".error"),
        [
            "\"abc\" is not an account: pick one from the list",
            "\"loud\" is not a flag: pick one from the list",
            "\"soon\" is not a number of minutes: pick a wait from the list",
            "\"05/03/2027\" is not a date: write the send date as YYYY-MM-DD, such as 2027-03-02",
        ]
    );
    assert_eq!(items(&bad), ["spring", "winter"]);

    // A decision taken in a filtered queue goes on within the filter: nothing is left in
    // the garage's account, though spring still waits.
    let review = format!("/queue?account={}&open={}", OTHER.0, winter.0);
    let approved = alice
        .submit(
            &review,
            &format!("/reviews/{}/approve", winter.0),
            &[("version", "1"), ("back", &format!("account={}", OTHER.0))],
        )
        .await;
    assert_eq!(
        approved.location(),
        Some(format!("/queue?account={}", OTHER.0).as_str())
    );
    let next = alice.get("/queue/next?back=q%3Dspr").await;
    assert_eq!(
        next.location(),
        Some(format!("/queue?q=spr&open={}#review", spring.0).as_str())
    );
    let none = alice.get("/queue/next?back=q%3Dnothing").await;
    assert_eq!(none.location(), Some("/queue?q=nothing"));
}

async fn claims_are_shown_and_taken_over_deliberately(engine: Engine) {
    let (t, base) = console(engine).await;
    let a = pending(
        &t,
        SHOP,
        "Shop",
        "a",
        "A. STOP au 36180",
        SendRequest::Immediate,
    )
    .await;
    let b = pending(
        &t,
        SHOP,
        "Shop",
        "b",
        "B. STOP au 36180",
        SendRequest::Immediate,
    )
    .await;
    let c = pending(
        &t,
        SHOP,
        "Shop",
        "c",
        "C. STOP au 36180",
        SendRequest::Immediate,
    )
    .await;
    let mut alice = signed_in(&base, "alice").await;
    let mut bob = signed_in(&base, "bob").await;
    alice.get(&format!("/queue?open={}", a.0)).await;
    let list = bob.get("/queue").await;
    assert_eq!(
        list.text_of(&format!("tr#q{} .badge.claim", a.0)),
        "alice is reviewing"
    );
    let page = bob.get(&format!("/reviews/{}", a.0)).await;
    assert_eq!(
        page.text_of(".claimed span"),
        "alice is reviewing it (until 2027-03-02 09:10 UTC)."
    );
    // Opening it did not take it from her; her own list says it is hers.
    let again = alice.get(&format!("/reviews/{}", a.0)).await;
    assert_eq!(again.count(".claimed"), 0);
    assert_eq!(
        alice
            .get("/queue")
            .await
            .text_of(&format!("tr#q{} .badge.claim", a.0)),
        "you are reviewing"
    );

    // A forged take-over changes nothing; a real one is bob's.
    let take = format!("/reviews/{}/take", a.0);
    assert_eq!(bob.post(&take, &[("csrf", "x")]).await.status, 403);
    let taken = bob.submit(&format!("/reviews/{}", a.0), &take, &[]).await;
    assert_eq!(
        taken.location(),
        Some(format!("/queue?open={}#review", a.0).as_str())
    );
    let seen = alice.get(&format!("/reviews/{}", a.0)).await;
    assert!(
        seen.text_of(".claimed span")
            .starts_with("bob is reviewing it"),
        "{}",
        seen.text_of(".claimed span")
    );
    // A claim only says who looks: alice's decision still counts, first wins.
    alice.get(&format!("/reviews/{}", b.0)).await;
    let approved = alice
        .submit(
            &format!("/reviews/{}", a.0),
            &format!("/reviews/{}/approve", a.0),
            &[("version", "1")],
        )
        .await;
    // Next: b is hers, c is nobody's; b comes first (older).
    assert_eq!(
        approved.location(),
        Some(format!("/queue?open={}#review", b.0).as_str())
    );
    assert_eq!(state(&t, a).await, CampaignState::Approved);
    // Bob opens c; alice approves b: nothing is left that bob does not hold.
    bob.get(&format!("/reviews/{}", c.0)).await;
    let done = alice
        .submit(
            &format!("/reviews/{}", b.0),
            &format!("/reviews/{}/approve", b.0),
            &[("version", "1")],
        )
        .await;
    assert_eq!(done.location(), Some("/queue"));
    // Claims run out after 10 minutes.
    t.clock.advance(Duration::minutes(11));
    let list = alice.get("/queue").await;
    assert_eq!(list.count(".badge.claim"), 0, "{}", list.text);
}

async fn refusal_reasons_are_kept_reused_and_shown_before_they_go(engine: Engine) {
    let (t, base) = console(engine).await;
    let spring = pending(
        &t,
        SHOP,
        "Shop",
        "spring",
        "Soldes. STOP au 36180",
        SendRequest::Immediate,
    )
    .await;
    let mut alice = signed_in(&base, "alice").await;
    let empty = alice.get("/reasons").await;
    assert_eq!(
        empty.text_of(".empty"),
        "No reason is kept yet: add the first one below."
    );
    let add = |label: &'static str, code: &'static str, text: &'static str| {
        [("label", label), ("code", code), ("text", text)]
    };
    let added = alice
        .submit(
            "/reasons",
            "/reasons",
            &add("No end date", "code_of_conduct", "Say when the offer ends."),
        )
        .await;
    assert_eq!(added.location(), Some("/reasons"));
    // Labels are unique whatever their case; every field is checked.
    let twice = alice
        .submit(
            "/reasons",
            "/reasons",
            &add("no END date", "technical", "Again."),
        )
        .await;
    assert_eq!(twice.status, 422);
    assert_eq!(
        twice.text_of(".error"),
        "a reason labelled \"no END date\" exists already: pick another label, or change that one"
    );
    assert_eq!(
        twice.attr(".add-reason input[name=label]", "value"),
        "no END date"
    );
    for (form, says) in [
        (
            add(" ", "technical", "x"),
            "give the reason a label, to pick it by",
        ),
        (
            add("x", "", "x"),
            "choose the reason's code: technical or code of conduct",
        ),
        (
            add("x", "technical", " "),
            "a refusal needs a reason for the owner: write one",
        ),
    ] {
        let refused = alice.submit("/reasons", "/reasons", &form).await;
        assert_eq!(refused.text_of(".error"), says);
    }
    let forged = alice
        .post(
            "/reasons",
            &[
                ("label", "x"),
                ("code", "technical"),
                ("text", "y"),
                ("csrf", "x"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    let list = alice.get("/reasons").await;
    let id = list
        .attr("section.reason", "id")
        .trim_start_matches('r')
        .to_owned();
    let changed = alice
        .submit(
            "/reasons",
            &format!("/reasons/{id}"),
            &add(
                "No end date",
                "code_of_conduct",
                "Say when the offer ends, e.g. \"until Sunday\".",
            ),
        )
        .await;
    assert_eq!(changed.location(), Some("/reasons"));
    // Each change is listed with who made it, newest first.
    let log = alice.get("/reasons").await;
    assert_eq!(
        log.texts("table.changes td[data-label=What]"),
        ["changed", "added"]
    );
    assert_eq!(
        log.texts("table.changes td[data-label=Who]"),
        ["alice", "alice"]
    );
    assert_eq!(
        log.text_of("table.changes td.detail"),
        "No end date: Say when the offer ends, e.g. \"until Sunday\"."
    );

    // The review offers it; picking it refuses with its code and text, once seen.
    let review = format!("/reviews/{}", spring.0);
    let page = alice.get(&review).await;
    assert_eq!(page.text_of(".reasons label strong"), "No end date");
    let asked = alice
        .submit(
            &review,
            &format!("{review}/refuse"),
            &[("version", "1"), ("reason_id", &id)],
        )
        .await;
    assert_eq!(
        asked.text_of("blockquote.reason"),
        "Say when the offer ends, e.g. \"until Sunday\"."
    );
    assert_eq!(asked.attr("input[name=code]", "value"), "code_of_conduct");
    assert_eq!(state(&t, spring).await, CampaignState::PendingReview);
    let sent = alice
        .submit(
            &review,
            &format!("{review}/refuse"),
            &[
                ("version", "1"),
                ("code", &asked.attr("input[name=code]", "value")),
                ("reason", &asked.attr("input[name=reason]", "value")),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(sent.location(), Some("/queue"));
    assert_eq!(state(&t, spring).await, CampaignState::Draft);
    let history = alice.get("/history").await;
    assert_eq!(
        history.text_of("table.history .detail"),
        "code_of_conduct: Say when the offer ends, e.g. \"until Sunday\"."
    );
    // Deleted: gone from the list.
    let deleted = alice
        .submit("/reasons", &format!("/reasons/{id}/delete"), &[])
        .await;
    assert_eq!(deleted.location(), Some("/reasons"));
    assert_eq!(alice.get("/reasons").await.count("section.reason"), 0);
}

async fn weighty_account_changes_ask_again(engine: Engine) {
    let (t, base) = console(engine).await;
    t.app.ensure_account(SHOP, "Shop").await.unwrap();
    let mut alice = signed_in(&base, "alice").await;
    let auto = format!("/accounts/{}/auto-validation", SHOP.0);
    let asked = alice.submit("/accounts", &auto, &[("enabled", "on")]).await;
    assert_eq!(asked.status, 200);
    assert_eq!(
        asked.text_of("h1"),
        "Turn automatic validation on for Shop?"
    );
    let (account, _) = t.app.account(SHOP).await.unwrap();
    assert!(!account.auto_validation, "nothing changed yet");
    let done = alice
        .submit("/accounts", &auto, &[("enabled", "on"), ("confirm", "yes")])
        .await;
    assert_eq!(done.location(), Some("/accounts?done=auto-validation"));
    assert!(t.app.account(SHOP).await.unwrap().0.auto_validation);
    // Turning it off does not ask.
    let off = alice
        .submit("/accounts", &auto, &[("enabled", "off")])
        .await;
    assert_eq!(off.location(), Some("/accounts?done=auto-validation"));

    let credit = format!("/accounts/{}/credit", SHOP.0);
    let small = alice
        .submit(
            "/accounts",
            &credit,
            &[("amount", "500"), ("reason", "monthly")],
        )
        .await;
    assert_eq!(small.location(), Some("/accounts?done=credit"));
    let large = alice
        .submit(
            "/accounts",
            &credit,
            &[("amount", "250000"), ("reason", "annual plan")],
        )
        .await;
    assert_eq!(large.text_of("h1"), "Add 250000 credits to Shop?");
    assert_eq!(t.app.account(SHOP).await.unwrap().1.available.0, 500);
    let confirmed = alice
        .submit(
            "/accounts",
            &credit,
            &[
                ("amount", "250000"),
                ("reason", "annual plan"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(confirmed.location(), Some("/accounts?done=credit"));
    assert_eq!(t.app.account(SHOP).await.unwrap().1.available.0, 250_500);
}

async fn an_account_page_shows_everything_about_it(engine: Engine) {
    let (t, base) = console(engine).await;
    let spring = pending(
        &t,
        SHOP,
        "Shop",
        "spring",
        "Soldes. STOP au 36180",
        SendRequest::Immediate,
    )
    .await;
    for i in 0..25 {
        t.app
            .credit(
                SHOP,
                TopUp::new(1).unwrap(),
                &format!("gift {i}"),
                Actor::Operator,
            )
            .await
            .unwrap();
    }
    t.app
        .opt_out(SHOP, "0612345678", Actor::Operator)
        .await
        .unwrap();
    let mut alice = signed_in(&base, "alice").await;
    let accounts = alice.get("/accounts").await;
    assert_eq!(
        accounts.attr(&format!("tr#a{} a.account", SHOP.0), "href"),
        format!("/accounts/{}", SHOP.0)
    );
    let page = alice.get(&format!("/accounts/{}", SHOP.0)).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.text_of("h1"), "Shop account 42");
    assert_eq!(page.text_of(".opt-out-count"), "1");
    assert_eq!(page.text_of(".auto-validation"), "off");
    assert_eq!(
        page.texts("table.campaigns td[data-label=Campaign]"),
        ["spring"]
    );
    assert_eq!(
        page.attr("table.campaigns td a", "href"),
        format!("/campaigns/{}", spring.0)
    );
    // 20 ledger lines a page, newest first, then the older ones.
    assert_eq!(page.count("table.ledger tbody tr"), 20);
    assert_eq!(page.text_of("table.ledger td[data-label=Why]"), "gift 24");
    let older = page.attr("section.ledger a[rel=next]", "href");
    let rest = alice.get(&older).await;
    assert_eq!(rest.count("table.ledger tbody tr"), 7);
    assert_eq!(rest.count("section.ledger a[rel=next]"), 0);
    assert_eq!(alice.get("/accounts/999").await.status, 404);
}

async fn the_review_says_where_recipients_came_from_and_names_people(engine: Engine) {
    let (t, base) = console(engine).await;
    let who = Requester::new(SHOP, UserId(420));
    t.app.ensure_account(SHOP, "Shop").await.unwrap();
    t.app
        .credit(SHOP, TopUp::new(1_000).unwrap(), "test", Actor::Operator)
        .await
        .unwrap();
    t.app
        .remember_name(SHOP, UserId(420), "Marie")
        .await
        .unwrap();
    let draft = || DraftInput {
        body: Some("Soldes. STOP au 36180".into()),
        sender: Some("MaBoutique".into()),
    };
    let submit = |name: &'static str| {
        let app = t.app.clone();
        async move {
            let summary = app
                .finalize(who, name, SendRequest::Immediate)
                .await
                .unwrap();
            app.confirm(who, summary.token.as_str()).await.unwrap();
            app.campaign_id(SHOP, name).await.unwrap().0
        }
    };
    // A file straight into the campaign: a duplicate and a bad number left out.
    t.app.create_campaign(who, "spring", draft()).await.unwrap();
    let file = "phone\n0612345601\n0612345601\nnot a number\n0612345602\n";
    t.app
        .import_recipients(
            who,
            "spring",
            std::io::Cursor::new(file.as_bytes().to_vec()),
            Default::default(),
        )
        .await
        .unwrap();
    let spring = submit("spring").await;
    // One audience alone, then two combined.
    let audience = |name: &'static str, csv: &'static str| {
        let app = t.app.clone();
        async move {
            app.import_audience(
                who,
                name,
                std::io::Cursor::new(csv.as_bytes().to_vec()),
                herald::domain::audience::ImportMode::Create,
                Default::default(),
            )
            .await
            .unwrap();
        }
    };
    audience("clients", "phone\n0612345601\n0612345603\n").await;
    audience("vip", "phone\n0612345603\n0612345604\n").await;
    for (name, include) in [
        ("autumn", vec!["clients"]),
        ("winter", vec!["clients", "vip"]),
    ] {
        t.app.create_campaign(who, name, draft()).await.unwrap();
        t.app.use_audiences(who, name, &include, &[]).await.unwrap();
    }
    let autumn = submit("autumn").await;
    let winter = submit("winter").await;

    let mut alice = signed_in(&base, "alice").await;
    let page = alice.get(&format!("/reviews/{}", spring.0)).await;
    assert_eq!(page.text_of(".facts .author"), "Marie");
    assert_eq!(page.attr(".facts .author", "title"), "Discord id 420");
    assert_eq!(
        page.text_of("section.origin p"),
        "Imported from a file: 2 numbers kept."
    );
    assert_eq!(
        page.texts("section.origin li"),
        [
            "1 left out: duplicate (line 3)",
            "1 left out: invalid (line 4)"
        ]
    );
    let page = alice.get(&format!("/reviews/{}", autumn.0)).await;
    assert_eq!(
        page.text_of("section.origin p"),
        "The audience “clients”; its last import (create) kept 2 numbers from the file."
    );
    assert_eq!(page.count("section.origin li"), 0);
    let page = alice.get(&format!("/reviews/{}", winter.0)).await;
    assert_eq!(
        page.text_of("section.origin p"),
        "Audiences “clients” (2), “vip” (2)."
    );
    assert_eq!(
        page.texts("section.origin li"),
        ["1 in more than one audience, sent once"]
    );
    // The campaign page names who confirmed it.
    let campaign = alice.get(&format!("/campaigns/{}", spring.0)).await;
    assert!(
        campaign
            .texts("table.audit td[data-label=By]")
            .contains(&"Marie".to_owned()),
        "{:?}",
        campaign.texts("table.audit td[data-label=By]")
    );
}

on_both_engines!(
    the_review_says_where_recipients_came_from_and_names_people,
    the_queue_filters_from_the_url,
    claims_are_shown_and_taken_over_deliberately,
    refusal_reasons_are_kept_reused_and_shown_before_they_go,
    weighty_account_changes_ask_again,
    an_account_page_shows_everything_about_it,
);
