//! Posts messages phones send back to each account's replies channel: one public thread per
//! number, headed by the campaign it answers and the recipient's values, each reply quoted
//! with its markdown escaped and no mention able to ping anyone. Runs beside the notifier;
//! several processes can run it (claims keep them from posting a reply twice).
use std::time::Duration;

use poise::serenity_prelude as serenity;

use super::i18n::{Lang, fill};
use crate::app::App;
use crate::store::ReplyToPost;

const POLL: Duration = Duration::from_millis(500);
const BATCH: u32 = 20;

pub async fn run(app: App, http: std::sync::Arc<serenity::Http>) {
    loop {
        match app.claim_replies(BATCH).await {
            Ok(replies) if !replies.is_empty() => {
                for reply in &replies {
                    if let Err(e) = post(&app, &http, reply).await {
                        // Claimed for a minute: tried again after that.
                        tracing::warn!(reply = reply.id, error = %e, "reply not posted; will retry");
                    }
                }
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not read the replies to post"),
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The account's language: French for accounts whose numbers are read as French.
pub(super) async fn account_lang(app: &App, account: crate::domain::ids::AccountId) -> Lang {
    match app.account(account).await {
        Ok((account, _)) if account.region.to_string() == "FR" => Lang::Fr,
        _ => Lang::En,
    }
}

async fn post(
    app: &App,
    http: &serenity::Http,
    reply: &ReplyToPost,
) -> Result<(), crate::bot::BotError> {
    let t = account_lang(app, reply.account).await.texts();
    let none = serenity::CreateAllowedMentions::new();
    let thread = match reply.thread {
        Some(thread) => serenity::ChannelId::new(thread.0),
        None => {
            let thread = serenity::ChannelId::new(reply.channel.0)
                .create_thread(
                    http,
                    serenity::CreateThread::new(reply.phone.clone())
                        .kind(serenity::ChannelType::PublicThread),
                )
                .await?
                .id;
            app.reply_thread_opened(reply, crate::domain::ids::ChannelId(thread.get()))
                .await?;
            let mut header = match &reply.campaign {
                Some((name, version)) => fill(
                    t.reply_thread_header,
                    &[
                        ("phone", &reply.phone),
                        ("campaign", &escape(name)),
                        ("version", version),
                    ],
                ),
                None => fill(t.reply_thread_header_alone, &[("phone", &reply.phone)]),
            };
            for (name, value) in &reply.fields {
                header.push('\n');
                header.push_str(&fill(
                    t.reply_thread_field,
                    &[("name", &escape(name)), ("value", &escape(value))],
                ));
            }
            thread
                .send_message(
                    http,
                    serenity::CreateMessage::new()
                        .content(cut(header))
                        .allowed_mentions(none.clone()),
                )
                .await?;
            thread
        }
    };
    let text = escape(&reply.text);
    let content = match reply.opted_out {
        true => fill(t.reply_opted_out, &[("text", &text)]),
        false => fill(t.reply_text, &[("text", &text)]),
    };
    thread
        .send_message(
            http,
            serenity::CreateMessage::new()
                .content(cut(content))
                .allowed_mentions(none),
        )
        .await?;
    app.reply_posted(reply, crate::domain::ids::ChannelId(thread.get()))
        .await?;
    Ok(())
}

/// A message's 2,000 characters at most.
pub(super) fn cut(text: String) -> String {
    if text.chars().count() <= 2000 {
        return text;
    }
    text.chars().take(1999).collect::<String>() + "…"
}

/// Text from a phone as Discord shows it literally: markdown characters escaped, and a
/// zero-width space after every `@` so that no mention forms (the message also allows none).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '|' | '`' | '>' | '#' | '-' | '[' | ']' | '(' | ')' | '<'
            | ':' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@\u{200b}"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn replies_show_literally() {
        assert_eq!(escape("**gras** _x_"), "\\*\\*gras\\*\\* \\_x\\_");
        assert_eq!(
            escape("@everyone <@123>"),
            "@\u{200b}everyone \\<@\u{200b}123\\>"
        );
        assert_eq!(escape("# titre\n> cite"), "\\# titre\n\\> cite");
        assert_eq!(escape("Merci !"), "Merci !");
    }
}
