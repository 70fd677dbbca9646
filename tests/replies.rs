//! Messages phones send back, brought into Discord: one thread per number in the account's
//! replies channel, headed by the campaign and the recipient's values, each reply shown
//! literally (no markdown, no mention), STOP shown as an opt-out; counted in the results.
//! Through the real bot and the Discord stand-in (checked against Discord's OpenAPI spec); the
//! path from a phone through the real Kannel is in `kannel_delivery`.

use std::io::Cursor;
use std::time::Duration;

use serde_json::Value;

use crate::bot::{GUILD, OWNER as USER, content, first_button, manager, ready};
use crate::support::discord::{self, Options};
use herald::app::{DraftInput, Requester, SendRequest};
use herald::domain::delivery::Report;
use herald::domain::ids::UserId;
use herald::domain::opt_out::OptOutReason;

/// The messages posted in `channel` for everyone to see (not the private answers to commands).
fn public_messages(discord: &crate::support::discord::DiscordStandIn, channel: u64) -> Vec<Value> {
    discord
        .messages_in_channel(channel)
        .into_iter()
        .filter(|m| m["flags"].as_u64().unwrap_or(0) & 64 == 0)
        .collect()
}

async fn wait_for_messages(
    discord: &crate::support::discord::DiscordStandIn,
    channel: u64,
    n: usize,
) -> Vec<Value> {
    for _ in 0..200 {
        let messages = public_messages(discord, channel);
        if messages.len() >= n {
            return messages;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "{n} message(s) never reached channel {channel}: {:?}",
        public_messages(discord, channel)
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
    assert!(lines[0].ends_with(",clicks,replies,answers"), "{csv}");
    assert!(
        lines[1].starts_with("+33612345601,") && lines[1].ends_with(",0,3,0"),
        "{csv}"
    );
    assert!(
        lines[2].starts_with("+33612345602,") && lines[2].ends_with(",0,1,0"),
        "{csv}"
    );
    discord.assert_clean();
}

/// Waits until the message `id` matches `pred` (the bot edits it as the answer moves on).
async fn wait_for_edit(
    discord: &crate::support::discord::DiscordStandIn,
    id: u64,
    pred: impl Fn(&str) -> bool,
) -> String {
    for _ in 0..200 {
        if let Some(m) = discord.message(id)
            && pred(&content(&m))
        {
            return content(&m);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("message {id} never matched: {:?}", discord.message(id));
}

async fn available(t: &crate::support::TestApp) -> u64 {
    t.app.account(GUILD).await.unwrap().1.available.0
}

/// `/reply` in a number's thread: priced, confirmed with the button, sent from the sender of
/// the campaign it answers, debited once, its status shown on one thread message edited as
/// it moves on; it waits for the sending window, and a STOP before it leaves stops it (and
/// refunds it). Counted in the results; refused outside a replies thread and to a number that
/// opted out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_from_a_thread_are_priced_confirmed_sent_and_followed() {
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
            Cursor::new("phone,prenom\n0612345601,Anne\n0612345602,Bob\n"),
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
    let settings = discord.slash("settings").options(Options::new().subcommand(
        "replies",
        Options::new().channel("channel", discord::DEFAULT_CHANNEL_ID),
    ));
    discord.inject(manager(settings)).await;
    t.app
        .reply_received("+33612345601", "Vous livrez à Lyon ?")
        .await
        .unwrap();
    let thread: u64 = loop {
        if let Some(thread) = discord.threads().first() {
            break thread["id"].as_str().unwrap().parse().unwrap();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    wait_for_messages(&discord, thread, 2).await;

    // Outside a replies thread: refused, saying where to answer from.
    let elsewhere = discord
        .inject(manager(
            discord
                .slash("reply")
                .options(Options::new().string("text", "Oui")),
        ))
        .await;
    let refused = discord
        .wait_for_original(elsewhere.id, |m| !content(m).is_empty())
        .await;
    assert_eq!(
        content(&refused),
        "Answer from a number's thread in the replies channel: this channel is not one. (`/settings replies` names that channel.)"
    );

    // In the thread: the price first, nothing spent yet.
    let before = available(&t).await;
    let text = "Oui, dès demain @everyone **gratuit**";
    let asked = discord
        .inject(manager(
            discord
                .slash("reply")
                .options(Options::new().string("text", text))
                .in_guild(GUILD.0, thread),
        ))
        .await;
    let summary = discord
        .wait_for_original(asked.id, |m| !content(m).is_empty())
        .await;
    let shown = content(&summary);
    assert!(
        shown.starts_with(
            "Answer to **+33612345601** from **MaBoutique**: check before confirming\n\
             Message: 1 segment(s), GSM-7\n\
             Cost: **1** credits · balance 998 → 997"
        ),
        "{shown}"
    );
    assert_eq!(available(&t).await, before);
    let confirm = first_button(&summary)["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(confirm.starts_with("v1:answer:"), "{confirm}");

    // Someone else's click spends nothing; the author's spends one credit, once.
    let stranger = discord
        .inject(
            manager(discord.click(&confirm).on_message(summary.clone()))
                .by(USER + 1, "other")
                .in_guild(GUILD.0, thread),
        )
        .await;
    let callback = discord.wait_for_callback(stranger.id).await;
    assert_eq!(
        callback["data"]["content"],
        "This button belongs to someone else's request: run the command yourself."
    );
    let click = discord
        .inject(
            discord
                .click(&confirm)
                .on_message(summary.clone())
                .in_guild(GUILD.0, thread),
        )
        .await;
    let confirmed = discord
        .wait_for_original(click.id, |m| content(m).contains("confirmed"))
        .await;
    assert_eq!(
        content(&confirmed),
        "Answer to +33612345601 confirmed: **1** credit(s) spent. Its status shows in the thread."
    );
    let again = discord
        .inject(
            discord
                .click(&confirm)
                .on_message(summary)
                .in_guild(GUILD.0, thread),
        )
        .await;
    discord
        .wait_for_original(again.id, |m| content(m).contains("already"))
        .await;
    assert_eq!(available(&t).await, before - 1);

    // One thread message shows the answer, escaped, and where it stands.
    let messages = wait_for_messages(&discord, thread, 3).await;
    let post = &messages[2];
    let post_id: u64 = post["id"].as_str().unwrap().parse().unwrap();
    let quoted = "> Oui, dès demain @\u{200b}everyone \\*\\*gratuit\\*\\*";
    assert_eq!(
        content(post),
        format!("↩️ Réponse de <@{USER}> (1 crédit(s)) :\n{quoted}\n⏳ Statut : en file d'attente")
    );

    // It leaves through the gateway like any message, from the campaign's sender; the
    // thread message follows it.
    let jobs = t.app.claim_deliveries(10).await.unwrap();
    assert_eq!(jobs.len(), 1);
    let message = jobs[0].message.as_ref().unwrap();
    assert_eq!(
        (
            jobs[0].phone.as_str(),
            message.body.as_str(),
            message.sender.as_str()
        ),
        ("+33612345601", text, "MaBoutique")
    );
    wait_for_edit(&discord, post_id, |c| {
        c.ends_with("📤 Statut : envoyé, en attente de l'accusé de réception")
    })
    .await;
    t.app
        .delivery_report(jobs[0].id, Some(1), &Report::Delivered)
        .await
        .unwrap();
    let delivered = wait_for_edit(&discord, post_id, |c| c.ends_with("✅ Statut : délivré")).await;
    assert!(delivered.starts_with("↩️ Réponse de"), "{delivered}");
    let edits: Vec<_> = discord
        .requests()
        .into_iter()
        .filter(|r| r.path == format!("/channels/{thread}/messages/{post_id}"))
        .collect();
    assert_eq!(edits.len(), 2, "one edit per status");
    assert!(edits.iter().all(
        |r| r.method == "PATCH" && r.body["allowed_mentions"]["parse"] == serde_json::json!([])
    ));
    assert_eq!(wait_for_messages(&discord, thread, 3).await.len(), 3);

    // At night the answer waits for the number's sending window (France: 8:00 to 20:00).
    let night = herald_time("2027-03-02T20:30:00Z");
    t.clock.set(night);
    let asked = discord
        .inject(manager(
            discord
                .slash("reply")
                .options(Options::new().string("text", "Demain matin alors"))
                .in_guild(GUILD.0, thread),
        ))
        .await;
    let summary = discord
        .wait_for_original(asked.id, |m| !content(m).is_empty())
        .await;
    assert!(
        content(&summary).contains("The sending window is closed (after 20:00"),
        "{}",
        content(&summary)
    );
    let confirm = first_button(&summary)["custom_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let click = discord
        .inject(
            discord
                .click(&confirm)
                .on_message(summary)
                .in_guild(GUILD.0, thread),
        )
        .await;
    discord
        .wait_for_original(click.id, |m| content(m).contains("confirmed"))
        .await;
    let messages = wait_for_messages(&discord, thread, 4).await;
    let waiting_id: u64 = messages[3]["id"].as_str().unwrap().parse().unwrap();
    assert!(
        t.app.claim_deliveries(10).await.unwrap().is_empty(),
        "nothing leaves at night"
    );
    let opens = herald_time("2027-03-03T07:00:00Z").timestamp();
    wait_for_edit(&discord, waiting_id, |c| {
        c.ends_with(&format!(
            "🌙 Statut : attend la plage d'envoi, part le <t:{opens}:F>"
        ))
    })
    .await;
    assert_eq!(available(&t).await, before - 2);

    // The number writes STOP before morning: the answer never leaves, and is refunded.
    t.app.reply_received("+33612345601", "STOP").await.unwrap();
    t.clock.set(herald_time("2027-03-03T07:30:00Z"));
    assert!(t.app.claim_deliveries(10).await.unwrap().is_empty());
    wait_for_edit(&discord, waiting_id, |c| {
        c.ends_with("🛑 Statut : non envoyé, le numéro est sur la liste d'opposition ; ses 1 crédit(s) ont été remboursés")
    })
    .await;
    assert_eq!(available(&t).await, before - 1);
    let entry = t.app.opt_out_entry(GUILD, "+33612345601").await.unwrap();
    assert_eq!(entry.map(|e| e.reason), Some(OptOutReason::Stop));

    // A number that opted out can't be answered at all.
    let asked = discord
        .inject(manager(
            discord
                .slash("reply")
                .options(Options::new().string("text", "Dommage"))
                .in_guild(GUILD.0, thread),
        ))
        .await;
    let refused = discord
        .wait_for_original(asked.id, |m| !content(m).is_empty())
        .await;
    assert_eq!(
        content(&refused),
        "This number is on the opt-out list: no message may be sent to it."
    );

    // The results count the replies and the answers of each recipient.
    let mut csv = Vec::new();
    t.app.export_results(who, "spring", &mut csv).await.unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",clicks,replies,answers"), "{csv}");
    assert!(
        lines[1].starts_with("+33612345601,") && lines[1].ends_with(",0,2,2"),
        "{csv}"
    );
    assert!(lines[2].ends_with(",0,0,0"), "{csv}");
    discord.assert_clean();
}

fn herald_time(at: &str) -> chrono::DateTime<chrono::Utc> {
    at.parse().unwrap()
}

/// The answer's store on both engines: one claim at a time, a change shown once, a final
/// status settles it, and an answer a STOP stopped is refunded once.
async fn an_answer_is_followed_until_its_final_status(engine: crate::support::Engine) {
    use crate::support::{OWNER, SERVER, TestApp};
    use herald::domain::account::AccountSettings;
    use herald::domain::credits::TopUp;
    use herald::domain::delivery::DeliveryStatus;
    use herald::domain::effects::Actor;
    use herald::domain::ids::ChannelId;

    let t = TestApp::new(engine).await;
    t.app.ensure_account(SERVER, "Test server").await.unwrap();
    t.app
        .credit(SERVER, TopUp::new(10).unwrap(), "test", Actor::Operator)
        .await
        .unwrap();
    let input = DraftInput {
        body: Some("Soldes ! STOP au 36180".into()),
        sender: Some("MaBoutique".into()),
    };
    t.app.create_campaign(OWNER, "spring", input).await.unwrap();
    t.app
        .import_recipients(
            OWNER,
            "spring",
            Cursor::new("phone\n0612345601\n"),
            Default::default(),
        )
        .await
        .unwrap();
    t.approve("spring", SendRequest::Immediate).await;
    t.app.advance_campaigns().await.unwrap();
    let job = t.app.claim_deliveries(1).await.unwrap().remove(0);
    t.app
        .delivery_report(job.id, Some(1), &Report::Delivered)
        .await
        .unwrap();
    t.app.reply_received("+33612345601", "Oui ?").await.unwrap();
    let settings = AccountSettings {
        replies_channel: Some(ChannelId(5)),
        ..Default::default()
    };
    t.app
        .change_settings(SERVER, settings, Actor::Operator)
        .await
        .unwrap();
    let reply = t.app.claim_replies(10).await.unwrap().remove(0);
    t.app.reply_posted(&reply, ChannelId(77)).await.unwrap();
    let balance = |t: &TestApp| {
        let app = t.app.clone();
        async move { app.account(SERVER).await.unwrap().1.available.0 }
    };
    assert_eq!(balance(&t).await, 9);

    let answer = t
        .app
        .prepare_answer(OWNER, ChannelId(77), "Oui, demain")
        .await
        .unwrap();
    assert!(
        t.app
            .confirm_answer(OWNER, answer.token.as_str())
            .await
            .unwrap()
            .first
    );
    assert!(
        !t.app
            .confirm_answer(OWNER, answer.token.as_str())
            .await
            .unwrap()
            .first
    );
    assert_eq!(balance(&t).await, 8);
    let first = t.app.claim_answer_updates(10).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(
        (first[0].status, first[0].message, first[0].thread),
        (DeliveryStatus::Pending, None, ChannelId(77))
    );
    // Claimed: another process finds nothing to show.
    assert!(t.app.claim_answer_updates(10).await.unwrap().is_empty());
    // A claim that ran out (a slow post) is taken over; the late writer records nothing.
    t.clock.advance(chrono::TimeDelta::minutes(2));
    let taken_over = t.app.claim_answer_updates(10).await.unwrap();
    assert_eq!(taken_over.len(), 1);
    t.app.answer_shown(&first[0], Some(111)).await.unwrap();
    t.app.answer_shown(&taken_over[0], Some(555)).await.unwrap();
    assert!(
        t.app.claim_answer_updates(10).await.unwrap().is_empty(),
        "nothing changed"
    );

    let job = t.app.claim_deliveries(10).await.unwrap().remove(0);
    let sent = t.app.claim_answer_updates(10).await.unwrap();
    assert_eq!(
        (sent[0].status, sent[0].message),
        (DeliveryStatus::Submitted, Some(555))
    );
    t.app.answer_shown(&sent[0], Some(555)).await.unwrap();
    t.app
        .delivery_report(job.id, Some(1), &Report::Rejected { temporary: false })
        .await
        .unwrap();
    let bounced = t.app.claim_answer_updates(10).await.unwrap();
    assert_eq!(bounced[0].status, DeliveryStatus::Bounced);
    assert!(
        !bounced[0].refunded,
        "a bounce is paid for, as in campaigns"
    );
    t.app.answer_shown(&bounced[0], Some(555)).await.unwrap();
    assert!(t.app.claim_answer_updates(10).await.unwrap().is_empty());
    assert_eq!(balance(&t).await, 8);

    // An answer written and never confirmed is forgotten an hour after it expired.
    let unconfirmed = t
        .app
        .prepare_answer(OWNER, ChannelId(77), "Finalement non")
        .await
        .unwrap();
    assert_eq!(t.app.forget_unconfirmed_answers().await.unwrap(), 0);
    t.clock.advance(chrono::TimeDelta::minutes(76));
    assert_eq!(t.app.forget_unconfirmed_answers().await.unwrap(), 1);
    assert!(matches!(
        t.app
            .confirm_answer(OWNER, unconfirmed.token.as_str())
            .await,
        Err(herald::app::AppError::UnknownConfirmation)
    ));
    let kept = t
        .app
        .export_contact(SERVER, "+33612345601", Actor::Operator)
        .await
        .unwrap();
    assert_eq!(kept.data.answers.len(), 1, "the confirmed one only");
}

/// An answer confirmed, then the number opts out before it leaves: not sent, refunded once.
async fn an_answer_to_a_number_that_opts_out_meanwhile_is_refunded(engine: crate::support::Engine) {
    use crate::support::{OWNER, SERVER, TestApp};
    use herald::domain::account::AccountSettings;
    use herald::domain::credits::TopUp;
    use herald::domain::delivery::DeliveryStatus;
    use herald::domain::effects::Actor;
    use herald::domain::ids::ChannelId;

    let t = TestApp::new(engine).await;
    t.app.ensure_account(SERVER, "Test server").await.unwrap();
    t.app
        .credit(SERVER, TopUp::new(10).unwrap(), "test", Actor::Operator)
        .await
        .unwrap();
    let input = DraftInput {
        body: Some("Soldes ! STOP au 36180".into()),
        sender: Some("MaBoutique".into()),
    };
    t.app.create_campaign(OWNER, "spring", input).await.unwrap();
    t.app
        .import_recipients(
            OWNER,
            "spring",
            Cursor::new("phone\n0612345601\n"),
            Default::default(),
        )
        .await
        .unwrap();
    t.approve("spring", SendRequest::Immediate).await;
    t.app.advance_campaigns().await.unwrap();
    t.app.claim_deliveries(1).await.unwrap();
    t.app.reply_received("+33612345601", "Oui ?").await.unwrap();
    let settings = AccountSettings {
        replies_channel: Some(ChannelId(5)),
        ..Default::default()
    };
    t.app
        .change_settings(SERVER, settings, Actor::Operator)
        .await
        .unwrap();
    let reply = t.app.claim_replies(10).await.unwrap().remove(0);
    t.app.reply_posted(&reply, ChannelId(77)).await.unwrap();
    let answer = t
        .app
        .prepare_answer(OWNER, ChannelId(77), "Oui, demain")
        .await
        .unwrap();
    t.app
        .opt_out(SERVER, "0612345601", Actor::Operator)
        .await
        .unwrap();
    // Confirming now is refused: nothing spent.
    assert!(matches!(
        t.app.confirm_answer(OWNER, answer.token.as_str()).await,
        Err(herald::app::AppError::Answer(
            herald::domain::answer::AnswerError::OptedOut
        ))
    ));
    assert_eq!(t.app.account(SERVER).await.unwrap().1.available.0, 9);
    t.app
        .remove_opt_out(
            SERVER,
            "0612345601",
            Some("asked to hear back"),
            Actor::Operator,
        )
        .await
        .unwrap();
    let answer = t
        .app
        .prepare_answer(OWNER, ChannelId(77), "Oui, demain")
        .await
        .unwrap();
    t.app
        .confirm_answer(OWNER, answer.token.as_str())
        .await
        .unwrap();
    assert_eq!(t.app.account(SERVER).await.unwrap().1.available.0, 8);
    t.app
        .opt_out(SERVER, "0612345601", Actor::Operator)
        .await
        .unwrap();
    assert!(t.app.claim_deliveries(10).await.unwrap().is_empty());
    let stopped = t.app.claim_answer_updates(10).await.unwrap();
    assert_eq!(
        (stopped[0].status, stopped[0].refunded),
        (DeliveryStatus::Skipped, true)
    );
    assert_eq!(t.app.account(SERVER).await.unwrap().1.available.0, 9);
    // Shown again after a lost edit: refunded once only.
    t.clock.advance(chrono::TimeDelta::minutes(2));
    let again = t.app.claim_answer_updates(10).await.unwrap();
    assert!(again[0].refunded);
    assert_eq!(t.app.account(SERVER).await.unwrap().1.available.0, 9);
}

on_both_engines!(
    an_answer_is_followed_until_its_final_status,
    an_answer_to_a_number_that_opts_out_meanwhile_is_refunded,
);
