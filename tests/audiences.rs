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
