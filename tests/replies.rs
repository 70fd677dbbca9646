//! Messages phones send back, brought into Discord: one thread per number in the account's
//! replies channel, headed by the campaign and the recipient's values, each reply shown
//! literally (no markdown, no mention), STOP shown as an opt-out; counted in the results.
//! Through the real bot and the Discord stand-in (checked against Discord's OpenAPI spec); the
//! path from a phone through the real Kannel is in `kannel_delivery`.

use std::io::Cursor;
use std::time::Duration;

use serde_json::Value;

use crate::bot::{GUILD, OWNER as USER, content, manager, ready};
use crate::support::discord::{self, Options};
use herald::app::{DraftInput, Requester, SendRequest};
use herald::domain::delivery::Report;
use herald::domain::ids::UserId;

async fn wait_for_messages(
    discord: &crate::support::discord::DiscordStandIn,
    channel: u64,
    n: usize,
) -> Vec<Value> {
    for _ in 0..200 {
        let messages = discord.messages_in_channel(channel);
        if messages.len() >= n {
            return messages;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "{n} message(s) never reached channel {channel}: {:?}",
        discord.messages_in_channel(channel)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_from_phones_reach_a_thread_per_number() {
    let (t, discord, _bot) = ready().await;
    let who = Requester::new(GUILD, UserId(USER));
    let input = DraftInput {
        body: Some("Bonjour {prenom}, -20% ce week-end ! STOP au 36180".into()),
        sender: Some("MaBoutique".into()),
    };
    t.app.create_campaign(who, "spring", input).await.unwrap();
    t.app
        .import_recipients(
            who,
            "spring",
            Cursor::new("phone,prenom,ville\n0612345601,Anne,Lyon\n0612345602,Bob,\n"),
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
    // Without a replies channel a reply is kept, and waits.
    assert_eq!(
        t.app
            .reply_received("33612345601", "Merci **beaucoup** @everyone <@1>")
            .await
            .unwrap(),
        1
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(discord.threads().is_empty());

    // A manager names the channel: the waiting reply goes to a new thread for the number.
    let settings = discord.slash("settings").options(Options::new().subcommand(
        "replies",
        Options::new().channel("channel", discord::DEFAULT_CHANNEL_ID),
    ));
    let injected = discord.inject(manager(settings)).await;
    let saved = discord
        .wait_for_original(injected.id, |m| !content(m).is_empty())
        .await;
    assert_eq!(
        content(&saved),
        format!(
            "Messages phones send back will be posted in <#{}>, one thread per number.",
            discord::DEFAULT_CHANNEL_ID
        )
    );
    let thread = loop {
        if let Some(thread) = discord.threads().first() {
            break thread.clone();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert_eq!(thread["name"], "+33612345601");
    assert_eq!(
        thread["parent_id"].as_str().unwrap(),
        discord::DEFAULT_CHANNEL_ID.to_string()
    );
    let thread_id: u64 = thread["id"].as_str().unwrap().parse().unwrap();
    let messages = wait_for_messages(&discord, thread_id, 2).await;
    // The account reads French numbers: its replies are worded in French.
    assert_eq!(
        content(&messages[0]),
        "📱 **+33612345601** répond à **spring** (version 1)\nprenom : Anne\nville : Lyon\nname : Anne"
    );
    assert_eq!(
        content(&messages[1]),
        "💬 Merci \\*\\*beaucoup\\*\\* @\u{200b}everyone \\<@\u{200b}1\\>"
    );
    // No message may ping anyone.
    let posts: Vec<_> = discord
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == format!("/channels/{thread_id}/messages"))
        .collect();
    assert_eq!(posts.len(), 2);
    for post in &posts {
        assert_eq!(
            post.body["allowed_mentions"]["parse"],
            serde_json::json!([])
        );
    }

    // The same number again, then STOP: the same thread; STOP shows as an opt-out.
    t.app
        .reply_received("+33612345601", "Et pour Paris ?")
        .await
        .unwrap();
    t.app.reply_received("+33612345601", "STOP").await.unwrap();
    let messages = wait_for_messages(&discord, thread_id, 4).await;
    assert_eq!(content(&messages[2]), "💬 Et pour Paris ?");
    assert_eq!(
        content(&messages[3]),
        "🛑 Désinscrit : STOP\nCe numéro est désormais sur la liste d'opposition : aucune campagne ne l'atteindra."
    );
    assert_eq!(discord.threads().len(), 1);
    let entry = t
        .app
        .opt_out_entry(GUILD, "+33612345601")
        .await
        .unwrap()
        .expect("on the opt-out list");
    assert_eq!(entry.reason, herald::domain::opt_out::OptOutReason::Stop);

    // Another number gets its own thread; a number nobody sent to reaches no account.
    t.app.reply_received("+33612345602", "Oui").await.unwrap();
    assert_eq!(
        t.app
            .reply_received("+33699999999", "Qui est-ce ?")
            .await
            .unwrap(),
        0
    );
    for _ in 0..200 {
        if discord.threads().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(discord.threads().len(), 2);

    // The results count each recipient's replies.
    let mut csv = Vec::new();
    t.app.export_results(who, "spring", &mut csv).await.unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",clicks,replies"), "{csv}");
    assert!(
        lines[1].starts_with("+33612345601,") && lines[1].ends_with(",0,3"),
        "{csv}"
    );
    assert!(
        lines[2].starts_with("+33612345602,") && lines[2].ends_with(",0,1"),
        "{csv}"
    );
    discord.assert_clean();
}
