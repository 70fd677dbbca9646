//! The French sending rules as a Discord user meets them, through the real bot and the
//! stand-in: what is refused when the message is written, what finalize flags and offers
//! to fix, the sending window of tests and of foreign countries.

use chrono::{TimeZone, Utc};
use serde_json::Value;

use crate::bot::{
    BODY, GUILD, OWNER, button_ids, campaign, content, create_and_import, finalize, first_button,
    manager, ready, submit_spring,
};
use crate::support::discord::{DiscordStandIn, InteractionBuilder, Options};
use herald::app::Requester;
use herald::domain::effects::AuditAction;
use herald::domain::ids::UserId;

const WHO: Requester = Requester::new(GUILD, UserId(OWNER));

/// The text an interaction was answered with, at once or after a deferral.
async fn answer(discord: &DiscordStandIn, interaction: InteractionBuilder) -> (u64, Value) {
    let ix = discord.inject(interaction).await;
    let message = discord
        .wait_for_original(ix.id, |m| !content(m).is_empty())
        .await;
    (ix.id, message)
}

/// The create form for "spring", sent with `body` and `sender`.
async fn create(discord: &DiscordStandIn, body: &str, sender: &str) -> String {
    let form =
        manager(discord.modal_submit("v1:create:spring", &[("body", body), ("sender", sender)]));
    content(&answer(discord, form).await.1)
}

/// The edit form for "spring", sent with a new body.
async fn edit_body(discord: &DiscordStandIn, body: &str) -> String {
    let form = manager(discord.modal_submit(
        "v1:edit:spring",
        &[("body", body), ("sender", "MaBoutique")],
    ));
    content(&answer(discord, form).await.1)
}

/// A manager clicks the button `custom_id` on `message`; returns the interaction's answer.
async fn click(discord: &DiscordStandIn, custom_id: &str, message: &Value) -> Value {
    let click = discord
        .inject(manager(
            discord.click(custom_id).on_message(message.clone()),
        ))
        .await;
    discord.wait_for_callback(click.id).await
}

fn button_labeled(message: &Value, id_prefix: &str) -> (String, String) {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .find(|b| {
            b["custom_id"]
                .as_str()
                .is_some_and(|id| id.starts_with(id_prefix))
        })
        .map(|b| {
            (
                b["custom_id"].as_str().unwrap().to_owned(),
                b["label"].as_str().unwrap().to_owned(),
            )
        })
        .unwrap_or_else(|| panic!("no {id_prefix} button on {message}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sender_sees_every_check_before_the_moderator() {
    let (t, discord, _bot) = ready().await;
    let settings = manager(
        discord.slash("settings").options(
            Options::new().subcommand(
                "server",
                Options::new()
                    .string("opt_out", "STOP au 38100")
                    .string("short_code", "38100"),
            ),
        ),
    );
    let (_, saved) = answer(&discord, settings).await;
    assert_eq!(content(&saved), "Server settings saved.");
    let (account, _) = t.app.account(GUILD).await.unwrap();
    assert_eq!(
        (
            account.short_code.as_ref().map(|c| c.as_str()),
            account.opt_out_text.as_deref()
        ),
        (Some("38100"), Some("STOP au 38100"))
    );

    // Refused as it is written, naming what and where; nothing is created.
    for (body, sender, expected) in [
        (
            "Hello\u{202E}dlrow STOP au 38100",
            "MaBoutique",
            "invisible character (U+202E) at position 6",
        ),
        (
            "Go javascript:alert(1) STOP au 38100",
            "MaBoutique",
            "\"javascript:\" link at position 4",
        ),
        (
            BODY,
            "INFO",
            "\"INFO\" can't be the sender: operators filter generic words such as \"INFO\", use your brand. For example: MaBoutique.",
        ),
        (BODY, "Orange", "operators' names (ORANGE) are filtered"),
        (BODY, "Ma Boutique", "only Latin letters and digits"),
        (BODY, "36999", "the server's short code, 38100"),
    ] {
        let text = create(&discord, body, sender).await;
        assert!(text.contains(expected), "{body:?} {sender:?}: {text}");
        assert!(t.app.draft(WHO, "spring").await.is_err(), "{text}");
    }

    // The declared short code may be the sender; the checks that only flag wait for finalize.
    let created = create(
        &discord,
        "BIG SALE TODAY: BUY NOW AT OUR SHOP http://bit.ly/x",
        "38100",
    )
    .await;
    assert!(created.contains("created as a draft"), "{created}");
    t.app
        .import_recipients(
            WHO,
            "spring",
            std::io::Cursor::new(crate::support::csv_of(3)),
            Default::default(),
        )
        .await
        .unwrap();
    let refused = finalize(&discord, Options::new().string("name", "spring")).await;
    let text = content(&refused);
    assert!(
        text.contains("must carry your opt-out mention \"STOP au 38100\"")
            && text.contains("1 → 1 segment(s), cost 3 → 3 credits"),
        "{text}"
    );
    let (add, label) = button_labeled(&refused, "v1:addoptout:");
    assert_eq!(label, "Add \"STOP au 38100\"");
    let added = click(&discord, &add, &refused).await;
    assert!(
        added["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Added \"STOP au 38100\" to **spring**: 1 segment(s)"),
        "{added}"
    );
    assert_eq!(
        t.app.draft(WHO, "spring").await.unwrap().body.as_deref(),
        Some("BIG SALE TODAY: BUY NOW AT OUR SHOP http://bit.ly/x STOP au 38100")
    );

    let summary = finalize(&discord, Options::new().string("name", "spring")).await;
    let text = content(&summary);
    for flag in [
        "Sending window, by where the phones are:\n• Europe/Paris: 3 recipient(s), from the send time",
        "The moderator will also see:",
        "bit.ly is a public link shortener",
        "http://bit.ly/x: not encrypted (http)",
        "mostly capitals: it reads as shouting",
        "first campaign of this server",
    ] {
        assert!(text.contains(flag), "{flag:?} in {text}");
    }
    assert!(
        first_button(&summary)["custom_id"]
            .as_str()
            .unwrap()
            .starts_with("v1:confirm:")
    );

    // Typographic characters make it UCS-2: named, priced, and replaced only on request.
    let body = "L\u{2019}\u{e9}t\u{e9} arrive \u{2014} -20% jusqu\u{2019}\u{e0} dimanche\u{2026} STOP au 38100";
    assert!(edit_body(&discord, body).await.contains("spring"));
    let summary = finalize(&discord, Options::new().string("name", "spring")).await;
    let text = content(&summary);
    assert!(
        text.contains("UCS-2 (70 characters per SMS instead of 160) because of: \u{2019} at 2"),
        "{text}"
    );
    assert!(!text.contains("\u{e9} at"), "é is in GSM-7: {text}");
    assert!(
        text.contains("it would be GSM-7, at the same cost (1 segment(s)), with room for 160 characters per SMS instead of 70."),
        "{text}"
    );
    let (gsm7, label) = button_labeled(&summary, "v1:gsm7:");
    assert_eq!(label, "Use plain characters");
    assert_eq!(
        t.app.draft(WHO, "spring").await.unwrap().body.as_deref(),
        Some(body),
        "nothing replaced before the click"
    );
    let done = click(&discord, &gsm7, &summary).await;
    assert!(
        done["data"]["content"]
            .as_str()
            .unwrap()
            .contains("now uses plain quotes, dashes and spaces"),
        "{done}"
    );
    assert_eq!(
        t.app.draft(WHO, "spring").await.unwrap().body.as_deref(),
        Some("L'\u{e9}t\u{e9} arrive - -20% jusqu'\u{e0} dimanche... STOP au 38100")
    );
    let summary = finalize(&discord, Options::new().string("name", "spring")).await;
    assert!(!content(&summary).contains("UCS-2"), "{summary}");
    assert!(
        !button_ids(&summary)
            .iter()
            .any(|id| id.starts_with("v1:gsm7:")),
        "{summary}"
    );
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_on_a_sunday_waits_unless_a_manager_sends_it_now() {
    let (t, discord, _bot) = ready().await;
    create_and_import(&discord).await;
    // Sunday 7 March 2027, 11:00 in Paris.
    t.clock
        .set(Utc.with_ymd_and_hms(2027, 3, 7, 10, 0, 0).unwrap());
    let test = |b: InteractionBuilder| {
        b.options(campaign(
            "test",
            Options::new()
                .string("name", "spring")
                .string("numbers", "06 12 34 56 78"),
        ))
    };
    let (_, summary) = answer(&discord, manager(test(discord.slash("campaign")))).await;
    let text = content(&summary);
    assert!(
        text.contains("+33612345678: the sending window is closed (Sunday); the test waits until Monday 2027-03-08 08:00 (Europe/Paris)")
            && text.contains("A server manager may send it at once anyway"),
        "{text}"
    );
    let (now, label) = button_labeled(&summary, "v1:testnow:");
    assert_eq!(label, "Send now anyway");

    // A member allowed to send, but not a manager, can't.
    let role = discord.new_id();
    let settings = manager(
        discord
            .slash("settings")
            .options(Options::new().subcommand("server", Options::new().role("role", role))),
    );
    answer(&discord, settings).await;
    let member_click = discord
        .inject(
            discord
                .click(&now)
                .on_message(summary.clone())
                .roles(&[role]),
        )
        .await;
    let refused = discord.wait_for_callback(member_click.id).await;
    assert!(
        refused["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Only members with the Manage Server permission"),
        "{refused}"
    );
    assert!(
        t.app
            .test_deliveries(WHO, "spring")
            .await
            .unwrap()
            .is_empty()
    );

    let sent = discord
        .inject(manager(discord.click(&now).on_message(summary)))
        .await;
    discord
        .wait_for_original(sent.id, |m| content(m).contains("sent to 1 number(s)"))
        .await;
    let queued = t.app.test_deliveries(WHO, "spring").await.unwrap();
    assert_eq!(queued.len(), 1);
    let audit = t.store.audit_log(Some(GUILD), 20).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == AuditAction::TestSentOutsideWindow),
        "{audit:?}"
    );
    // The window does not hold what a manager sent on purpose.
    let claimed = t.app.claim_deliveries(10).await.unwrap();
    assert_eq!(claimed.len(), 1);

    // The campaign itself, approved on Sunday: status says who waits, until when and why.
    submit_spring(&discord).await;
    let (id, _) = t.app.campaign_id(GUILD, "spring").await.unwrap();
    let alice = herald::domain::ids::ModeratorName::parse("alice").unwrap();
    t.app
        .decide(id, 1, &alice, herald::app::Decision::Approve)
        .await
        .unwrap();
    assert_eq!(t.app.advance_campaigns().await.unwrap().started, 1);
    assert!(t.app.claim_deliveries(10).await.unwrap().is_empty());
    let status = manager(
        discord
            .slash("campaign")
            .options(campaign("status", Options::new().string("name", "spring"))),
    );
    let (_, status) = answer(&discord, status).await;
    assert!(
        content(&status).contains(
            "2 waiting for the sending window to open Monday 2027-03-08 08:00 (Europe/Paris) (Sunday)"
        ),
        "{status}"
    );
    discord.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_country_window_can_be_lifted_but_never_frances() {
    let (t, discord, _bot) = ready().await;
    // The choice's value as the bot registered it.
    let mut registered = discord.global_commands();
    while registered.is_empty() {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        registered = discord.global_commands();
    }
    let settings = registered
        .into_iter()
        .find(|c| c["name"] == "settings")
        .unwrap();
    let choices = settings["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "window")
        .unwrap()["options"][1]["choices"]
        .clone();
    let none = choices
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"].as_str().unwrap().starts_with("No window"))
        .unwrap()["value"]
        .clone();
    let window = |country: &str| {
        let rule = Options::new().string("country", country);
        let rule = match none.as_i64() {
            Some(i) => rule.integer("rule", i),
            None => rule.string("rule", none.as_str().unwrap()),
        };
        discord
            .slash("settings")
            .options(Options::new().subcommand("window", rule))
    };
    let (_, denied) = answer(&discord, window("US")).await;
    assert!(content(&denied).contains("Manage Server"), "{denied}");
    let (_, lifted) = answer(&discord, manager(window("us"))).await;
    assert_eq!(
        content(&lifted),
        "Sending window for US: lifted, messages go at any hour."
    );
    for french in ["FR", "RE", "PF"] {
        let (_, refused) = answer(&discord, manager(window(french))).await;
        assert!(
            content(&refused).contains(&format!("it can't be lifted for {french}")),
            "{refused}"
        );
    }
    let (_, unknown) = answer(&discord, manager(window("XX"))).await;
    assert!(
        content(&unknown).contains("Unknown region \"XX\""),
        "{unknown}"
    );

    let (account, _) = t.app.account(GUILD).await.unwrap();
    let lifted: Vec<&str> = account.sending_policy.unrestricted().collect();
    assert_eq!(lifted, ["US"]);
    let audit = t.store.audit_log(Some(GUILD), 20).await.unwrap();
    let changes: Vec<&str> = audit
        .iter()
        .filter(|a| a.action == AuditAction::SettingsChanged)
        .map(|a| a.detail.as_str())
        .collect();
    assert_eq!(changes, ["no sending window for: [] -> [US]"], "{audit:?}");
    discord.assert_clean();
}
