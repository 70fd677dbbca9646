//! The REST routes the bot uses, as state changes on [`Data`]. Each handler runs under the
//! stand-in's lock, so the state a test later reads is already applied when the request is
//! recorded.

use serde_json::{Value, json};

use super::objects;
use super::state::{Data, State, Upload};

/// A request as the routes see it.
pub struct Incoming<'a> {
    pub method: &'a str,
    /// Relative to `/api/v10`, without the query.
    pub path: &'a str,
    pub body: &'a Value,
    pub uploads: &'a [Upload],
}

/// The answer: a status and an optional JSON body (`None` = empty, as for 204).
pub struct Reply {
    pub status: u16,
    pub body: Option<Value>,
    /// Set when the bot did something Discord would reject; recorded as a failure.
    pub failure: Option<String>,
}

impl Reply {
    fn ok(body: Value) -> Reply {
        Reply {
            status: 200,
            body: Some(body),
            failure: None,
        }
    }

    fn status(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body: Some(body),
            failure: None,
        }
    }

    fn no_content() -> Reply {
        Reply {
            status: 204,
            body: None,
            failure: None,
        }
    }

    /// A Discord error the test should hear about.
    fn rejected(status: u16, message: &str, code: u64, why: String) -> Reply {
        Reply {
            status,
            body: Some(objects::error(message, code)),
            failure: Some(why),
        }
    }
}

pub fn route(state: &State, d: &mut Data, req: &Incoming) -> Reply {
    let segments: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    let app = state.application_id.to_string();
    let body = req.body;
    match (req.method, segments.as_slice()) {
        ("GET", ["gateway"]) => Reply::ok(json!({ "url": gateway_url(state) })),
        ("GET", ["gateway", "bot"]) => Reply::ok(json!({
            "url": gateway_url(state),
            "shards": 1,
            "session_start_limit": {
                "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1
            },
        })),
        ("GET", ["oauth2", "applications", "@me"]) => Reply::ok(objects::application(
            state.application_id,
            state.bot_user_id,
        )),
        ("GET", ["users", "@me"]) => Reply::ok(objects::current_user(state.bot_user_id)),
        ("GET", ["guilds", guild]) if snowflake(guild) == super::DEFAULT_GUILD_ID => {
            // View Channels, Send Messages, Embed Links, Create Private Threads, Send
            // Messages in Threads: the README's invitation and seeing channels.
            let invited = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 36) | (1 << 38);
            Reply::ok(objects::guild(
                super::DEFAULT_GUILD_ID,
                super::DEFAULT_USER_ID,
                d.everyone_permissions.unwrap_or(invited),
            ))
        }
        ("GET", ["guilds", guild, "members", user])
            if snowflake(guild) == super::DEFAULT_GUILD_ID
                && snowflake(user) == state.bot_user_id =>
        {
            Reply::ok(objects::member(objects::bot_user(state.bot_user_id)))
        }
        (_, ["applications", id, ..]) if *id != app => Reply::rejected(
            404,
            "Unknown Application",
            10002,
            format!(
                "{} {}: not the application id READY gave",
                req.method, req.path
            ),
        ),
        ("PUT", ["applications", _, "commands"]) => Reply::ok(put_commands(state, d, None, body)),
        ("GET", ["applications", _, "commands"]) => Reply::ok(json!(d.global_commands)),
        ("PUT", ["applications", _, "guilds", guild, "commands"]) => {
            let guild = snowflake(guild);
            Reply::ok(put_commands(state, d, Some(guild), body))
        }
        ("GET", ["applications", _, "guilds", guild, "commands"]) => Reply::ok(json!(
            d.guild_commands
                .get(&snowflake(guild))
                .cloned()
                .unwrap_or_default()
        )),
        ("POST", ["interactions", id, token, "callback"]) => callback(state, d, id, token, req),
        (_, ["webhooks", id, ..]) if *id != app => Reply::rejected(
            404,
            "Unknown Webhook",
            10015,
            format!(
                "{} {}: interaction webhooks use the application id",
                req.method, req.path
            ),
        ),
        ("POST", ["webhooks", _, token]) => follow_up(state, d, token, req),
        (method, ["webhooks", _, token, "messages", which]) => {
            webhook_message(state, d, method, token, which, req)
        }
        ("POST", ["users", "@me", "channels"]) => {
            let Some(user) = body["recipient_id"].as_str().map(snowflake) else {
                return Reply::rejected(
                    400,
                    "Invalid Form Body",
                    50035,
                    "DM without recipient_id".into(),
                );
            };
            let channel = *d.dm_channels.entry(user).or_insert_with(|| state.id());
            Reply::ok(objects::dm_channel(
                channel,
                objects::user(user, "member", false),
            ))
        }
        ("POST", ["channels", channel, "messages"]) => {
            let channel = snowflake(channel);
            let id = create_message(state, d, channel, req);
            Reply::ok(d.messages[&id].clone())
        }
        ("PATCH", ["channels", _, "messages", id]) => edit_message(state, d, snowflake(id), req),
        ("POST", ["channels", parent, "threads"]) => {
            let parent = snowflake(parent);
            let Some(&guild) = d.channel_guilds.get(&parent) else {
                return Reply::rejected(
                    404,
                    "Unknown Channel",
                    10003,
                    format!("thread in channel {parent}, which no injected interaction named"),
                );
            };
            let id = state.id();
            let thread = objects::thread(id, guild, parent, state.bot_user_id, body);
            d.threads.insert(id, thread.clone());
            d.channel_guilds.insert(id, guild);
            Reply::status(201, thread)
        }
        ("PATCH", ["channels", thread]) => {
            let thread = snowflake(thread);
            let Some(found) = d.threads.get_mut(&thread) else {
                return Reply::rejected(
                    404,
                    "Unknown Channel",
                    10003,
                    format!("PATCH of channel {thread}, which is no thread the bot made"),
                );
            };
            for key in ["archived", "locked"] {
                if let Some(v) = body.get(key) {
                    found["thread_metadata"][key] = v.clone();
                }
            }
            if let Some(name) = body.get("name") {
                found["name"] = name.clone();
            }
            Reply::ok(found.clone())
        }
        ("PUT", ["channels", thread, "thread-members", user]) => {
            let (thread, user) = (snowflake(thread), snowflake(user));
            if !d.threads.contains_key(&thread) {
                return Reply::rejected(
                    404,
                    "Unknown Channel",
                    10003,
                    format!("no thread {thread}"),
                );
            }
            let members = d.thread_members.entry(thread).or_default();
            if !members.contains(&user) {
                members.push(user);
            }
            Reply::no_content()
        }
        _ => Reply::rejected(
            404,
            "404: Not Found",
            0,
            format!("unknown route {} {}", req.method, req.path),
        ),
    }
}

fn gateway_url(state: &State) -> String {
    format!("{}/gateway", state.base.replacen("http://", "ws://", 1))
}

/// A path segment that must be a snowflake; garbage maps to 0, which nothing matches.
fn snowflake(text: &str) -> u64 {
    text.parse().unwrap_or(0)
}

fn put_commands(state: &State, d: &mut Data, guild: Option<u64>, body: &Value) -> Value {
    let echoed: Vec<Value> = body
        .as_array()
        .into_iter()
        .flatten()
        .map(|sent| {
            let name = sent["name"].as_str().unwrap_or_default().to_owned();
            let id = *d
                .command_ids
                .entry((guild, name))
                .or_insert_with(|| state.id());
            objects::command(id, state.application_id, guild, sent)
        })
        .collect();
    match guild {
        None => d.global_commands = echoed.clone(),
        Some(g) => {
            d.guild_commands.insert(g, echoed.clone());
        }
    }
    Value::Array(echoed)
}

fn callback(state: &State, d: &mut Data, id: &str, token: &str, req: &Incoming) -> Reply {
    let Some(ix) = d
        .interactions
        .get(token)
        .filter(|ix| ix.id.to_string() == id)
    else {
        return Reply::rejected(
            404,
            "Unknown interaction",
            10062,
            format!("callback for unknown interaction {id}"),
        );
    };
    if !ix.callbacks.is_empty() {
        return Reply::rejected(
            400,
            "Interaction has already been acknowledged.",
            40060,
            format!("second callback for interaction {id}"),
        );
    }
    let kind = req.body["type"].as_u64().unwrap_or(0);
    let data = req.body.get("data").cloned().unwrap_or(Value::Null);
    let (channel, clicked) = (ix.channel_id, ix.message_id);
    let original = match kind {
        // A message reply, or the placeholder of a deferred one.
        4 | 5 => {
            let msg = state.id();
            let mut message = objects::message(msg, channel, objects::bot_user(state.bot_user_id));
            message["application_id"] = json!(state.application_id.to_string());
            message["webhook_id"] = json!(state.application_id.to_string());
            apply_uploads(state, d, &mut message, &data, req.uploads);
            d.messages.insert(msg, message);
            Some(msg)
        }
        // Updating the message a component sits on.
        7 => {
            if let Some(m) = clicked.and_then(|m| d.messages.get_mut(&m)) {
                let uploads = host_uploads(state, &mut d.files, req.uploads);
                objects::apply_message_body(m, &data, uploads);
                m["edited_timestamp"] = json!(objects::now());
            }
            clicked
        }
        6 => clicked,
        _ => None,
    };
    let ix = d.interactions.get_mut(token).expect("looked up above");
    ix.callbacks.push(kind);
    ix.original = original;
    ix.deferred = kind == 5;
    Reply::no_content()
}

fn follow_up(state: &State, d: &mut Data, token: &str, req: &Incoming) -> Reply {
    let Some(ix) = d.interactions.get(token).cloned() else {
        return Reply::rejected(
            404,
            "Unknown Webhook",
            10015,
            "follow-up for unknown token".into(),
        );
    };
    if ix.callbacks.is_empty() {
        return Reply::rejected(
            404,
            "Unknown Webhook",
            10015,
            format!("follow-up before any callback for interaction {}", ix.id),
        );
    }
    // After a defer, the first follow-up fills the deferred message, as Discord does.
    if ix.deferred {
        let id = ix.original.expect("deferred responses have an original");
        d.interactions.get_mut(token).unwrap().deferred = false;
        return edit_message(state, d, id, req);
    }
    let id = create_message(state, d, ix.channel_id, req);
    let message = d.messages.get_mut(&id).unwrap();
    message["webhook_id"] = json!(state.application_id.to_string());
    message["application_id"] = json!(state.application_id.to_string());
    Reply::ok(message.clone())
}

fn webhook_message(
    state: &State,
    d: &mut Data,
    method: &str,
    token: &str,
    which: &str,
    req: &Incoming,
) -> Reply {
    let Some(ix) = d.interactions.get(token).cloned() else {
        return Reply::rejected(
            404,
            "Unknown Webhook",
            10015,
            format!("unknown token in {}", req.path),
        );
    };
    let id = if which == "@original" {
        ix.original
    } else {
        Some(snowflake(which)).filter(|id| d.messages.contains_key(id))
    };
    let Some(id) = id.filter(|id| d.messages.contains_key(id)) else {
        return Reply::rejected(
            404,
            "Unknown Message",
            10008,
            format!("{method} {}: no such message", req.path),
        );
    };
    match method {
        "GET" => Reply::ok(d.messages[&id].clone()),
        "PATCH" => edit_message(state, d, id, req),
        "DELETE" => {
            d.messages.remove(&id);
            Reply::no_content()
        }
        _ => Reply::rejected(
            405,
            "405: Method Not Allowed",
            0,
            format!("{method} {}", req.path),
        ),
    }
}

fn create_message(state: &State, d: &mut Data, channel: u64, req: &Incoming) -> u64 {
    let id = state.id();
    let mut message = objects::message(id, channel, objects::bot_user(state.bot_user_id));
    apply_uploads(state, d, &mut message, req.body, req.uploads);
    d.messages.insert(id, message);
    id
}

fn edit_message(state: &State, d: &mut Data, id: u64, req: &Incoming) -> Reply {
    let uploads = host_uploads(state, &mut d.files, req.uploads);
    let Some(message) = d.messages.get_mut(&id) else {
        return Reply::rejected(
            404,
            "Unknown Message",
            10008,
            format!("edit of unknown message {id}"),
        );
    };
    objects::apply_message_body(message, req.body, uploads);
    message["edited_timestamp"] = json!(objects::now());
    Reply::ok(message.clone())
}

fn apply_uploads(
    state: &State,
    d: &mut Data,
    message: &mut Value,
    body: &Value,
    uploads: &[Upload],
) {
    let hosted = host_uploads(state, &mut d.files, uploads);
    objects::apply_message_body(message, body, hosted);
}

/// Serves uploaded files back, as Discord's CDN would, and describes them as attachments.
fn host_uploads(
    state: &State,
    files: &mut std::collections::HashMap<String, Vec<u8>>,
    uploads: &[Upload],
) -> Vec<Value> {
    uploads
        .iter()
        .map(|u| {
            let id = state.id();
            let path = format!("/files/{id}/{}", u.filename);
            files.insert(path.clone(), u.bytes.clone());
            objects::attachment(
                id,
                &u.filename,
                u.bytes.len(),
                &format!("{}{path}", state.base),
            )
        })
        .collect()
}
