//! Lasting audiences, first part: a campaign duplicated keeps its message, sender and
//! recipients (the same frozen list), from the command line and the bot.

use serde_json::json;

use crate::cli::Herald;
use crate::support::Engine;

async fn a_campaign_is_duplicated_from_the_command_line(engine: Engine) {
    let h = Herald::new(engine).await;
    h.json(&["account", "credit", "42", "100", "--reason", "first load"]);
    h.json(&[
        "campaign",
        "create",
        "spring",
        "--body",
        "Spring sale -20%. STOP au 36180",
        "--sender",
        "MaBoutique",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("people.csv");
    std::fs::write(&csv, "phone\n0612345678\n0612345679\n").unwrap();
    h.json(&["campaign", "import", "spring", csv.to_str().unwrap()]);
    let summary = h.json(&["campaign", "finalize", "spring"]);
    h.json(&["campaign", "confirm", summary["token"].as_str().unwrap()]);

    let copy = h.json(&["campaign", "duplicate", "spring", "spring-2"]);
    assert_eq!(
        (&copy["name"], &copy["state"], &copy["draft_recipients"]),
        (&json!("spring-2"), &json!("draft"), &json!(2)),
        "{copy}"
    );
    // The copy is ready to finalize as it is, and the original is untouched.
    let summary = h.json(&["campaign", "finalize", "spring-2"]);
    assert_eq!(
        (&summary["recipients"], &summary["cost"]),
        (&json!(2), &json!(2))
    );
    assert_eq!(
        h.json(&["campaign", "status", "spring"])["state"],
        "pending_review"
    );
    h.refused(
        &["campaign", "duplicate", "spring", "Spring-2"],
        "already exists",
    );
    h.refused(
        &["campaign", "duplicate", "autumn", "autumn-2"],
        "no campaign named \"autumn\"",
    );
    let text = h.run(&["campaign", "duplicate", "spring", "spring-3"]);
    assert_eq!(
        String::from_utf8_lossy(&text.stdout).trim(),
        "campaign \"spring-3\" created as a draft with the text, sender and 2 recipient(s) of \"spring\""
    );
}

on_both_engines!(a_campaign_is_duplicated_from_the_command_line);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_duplicates_a_campaign() {
    use crate::bot::{content, create_and_import, manager, ready};
    use crate::support::discord::Options;

    let (_t, discord, _bot) = ready().await;
    create_and_import(&discord).await;
    let ix = discord
        .inject(manager(
            discord.slash("campaign").options(
                Options::new().subcommand(
                    "duplicate",
                    Options::new()
                        .string("name", "spring")
                        .string("new_name", "summer"),
                ),
            ),
        ))
        .await;
    let reply = discord
        .wait_for_original(ix.id, |m| !content(m).is_empty())
        .await;
    assert_eq!(
        content(&reply),
        "**summer** is a new draft with the message, sender and 2 recipient(s) of **spring**. Next: `/campaign finalize`."
    );
    discord.assert_clean();
}

/// The bot's audience commands end to end, with a CSV attachment: import, list, show, a
/// campaign taking its recipients from audiences, a personalised finalize with its preview,
/// and the refusals worded for the reader.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_keeps_audiences_and_personalises_messages() {
    use crate::bot::{campaign, content, manager, ready};
    use crate::support::discord::Options;

    let (t, discord, _bot) = ready().await;
    let reply = |ix| async {
        let injected = discord.inject(ix).await;
        discord
            .wait_for_original(injected.id, |m| !content(m).is_empty())
            .await
    };
    let audience = |sub: &str, options: Options| {
        manager(
            discord
                .slash("audience")
                .options(Options::new().subcommand(sub, options)),
        )
    };
    let file = discord.attachment(
        "clients.csv",
        "phone;Prénom;ville;Date de naissance\n06 12 34 56 78;Anne;Lyon;1990\n06 12 34 56 79;;Paris;1980\n06 12 34 56 80;Zoë;Nice;1970\nnope;X;Y;Z\n".as_bytes(),
    );
    let imported = reply(audience(
        "import",
        Options::new()
            .string("name", "clients")
            .attachment("file", &file),
    ))
    .await;
    assert_eq!(
        content(&imported),
        "Audience **clients**: **3** recipient(s). From the file: 3 (3 new, 0 updated).\n\
         Duplicates: 0 · Invalid: 1 · Opted out: 0\n\
         First lines with problems: 5\n\
         Merge fields you can use in the message: `{prenom}`, `{ville}`, `{name}`.\n\
         Columns not kept as merge fields (their name has spaces or punctuation; rename them with letters, digits, _ or -): \"Date de naissance\"."
    );
    let again = reply(audience(
        "import",
        Options::new()
            .string("name", "Clients")
            .attachment("file", &file),
    ))
    .await;
    assert!(
        content(&again).starts_with("An audience called \"Clients\" already exists"),
        "{}",
        content(&again)
    );
    let shown = reply(audience("show", Options::new().string("name", "clients"))).await;
    assert!(
        content(&shown).starts_with(
            "**clients**: 3 recipient(s)\nColumns (merge fields): `{prenom}`, `{ville}`, `{name}`"
        ),
        "{}",
        content(&shown)
    );
    let listed = reply(audience("list", Options::new())).await;
    assert!(content(&listed).starts_with("**Audiences** (1)\n• **clients**: 3 recipient(s)"));

    // A draft whose message uses the columns, its recipients taken from the audience.
    t.app
        .create_campaign(
            herald::app::Requester::new(
                crate::bot::GUILD,
                herald::domain::ids::UserId(crate::bot::OWNER),
            ),
            "spring",
            herald::app::DraftInput {
                body: Some("Bonjour {prenom}, -20% à {ville} ! STOP au 36180".into()),
                sender: Some("MaBoutique".into()),
            },
        )
        .await
        .unwrap();
    let chosen = reply(manager(
        discord.slash("campaign").options(campaign(
            "recipients",
            Options::new()
                .string("name", "spring")
                .string("audience", "clients"),
        )),
    ))
    .await;
    assert!(
        content(&chosen)
            .starts_with("**spring** now sends to **3** recipient(s) from clients. Excluded: 0."),
        "{}",
        content(&chosen)
    );
    let finalize = |leave_out: bool| {
        let mut options = Options::new().string("name", "spring");
        if leave_out {
            options = options.boolean("leave_out", true);
        }
        manager(
            discord
                .slash("campaign")
                .options(campaign("finalize", options)),
        )
    };
    let refused = reply(finalize(false)).await;
    assert_eq!(
        content(&refused),
        "**1** recipient(s) would get no message:\n\
         • 1 with an empty `{prenom}` and no fallback (lines 3)\n\
         Fix those lines (of the file each recipient came from) and import the list again, give the field a fallback (`{prenom|...}`), or finalize again with `leave_out: True` to send to the others only (the left out are not charged)."
    );
    let summary = reply(finalize(true)).await;
    let text = content(&summary);
    for expected in [
        "Personalised: **2** message(s), each priced on its own text; the template alone takes 1 segment(s).",
        "1 recipient(s) switch to UCS-2",
        "1 recipient(s) left out, as you chose",
        "Preview, as the first recipients will receive it:\n• +33612345678 (line 2): `Bonjour Anne, -20% à Lyon ! STOP au 36180`\n• +33612345679 (line 3): no message (`{prenom}` is empty)\n• +33612345680 (line 4): `Bonjour Zoë, -20% à Nice ! STOP au 36180`",
        "Cost: **2** credits",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    let deleted = reply(audience("delete", Options::new().string("name", "clients"))).await;
    assert_eq!(
        content(&deleted),
        "The audience **clients** was deleted. Versions already confirmed keep their recipients."
    );
    discord.assert_clean();
}
