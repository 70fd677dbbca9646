//! The Discord objects the stand-in answers with, shaped to satisfy both serenity's models and
//! Discord's published response schemas (which require more keys than serenity does).

use serde_json::{Value, json};

/// A fixed instant for fields whose value no test cares about.
pub const EPOCH_TIMESTAMP: &str = "2027-03-02T09:00:00.000000+00:00";

pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
}

pub fn user(id: u64, username: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": username,
        "discriminator": "0",
        "global_name": null,
        "avatar": null,
        "public_flags": 0,
        "flags": 0,
        "bot": bot,
        "primary_guild": null,
    })
}

pub fn bot_user(id: u64) -> Value {
    user(id, "Herald", true)
}

/// `GET /users/@me`: the bot user with the private keys Discord adds.
pub fn current_user(id: u64) -> Value {
    let mut me = bot_user(id);
    me["mfa_enabled"] = json!(false);
    me["locale"] = json!("en-US");
    me["verified"] = json!(true);
    me
}

/// `GET /oauth2/applications/@me` (poise's owner lookup).
pub fn application(app_id: u64, bot_id: u64) -> Value {
    json!({
        "id": app_id.to_string(),
        "name": "Herald",
        "icon": null,
        "description": "Herald stand-in application",
        "type": null,
        "bot": bot_user(bot_id),
        "bot_public": false,
        "bot_require_code_grant": false,
        "verify_key": "0".repeat(64),
        "flags": 0,
        "flags_new": "0",
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "owner": user(bot_id + 1_000, "owner", false),
        "approximate_guild_count": 1,
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0,
        "team": null,
        "eligible_oauth2_scopes": [],
        "summary": "",
    })
}

/// A message as Discord answers it, before the request's fields are applied.
pub fn message(id: u64, channel_id: u64, author: Value) -> Value {
    json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "type": 0,
        "content": "",
        "author": author,
        "timestamp": now(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": false,
        "flags": 0,
    })
}

/// Applies a create/edit body to a message: the keys Discord stores, components with the
/// numeric `id`s Discord assigns, attachments kept by id plus the new uploads.
pub fn apply_message_body(message: &mut Value, body: &Value, uploads: Vec<Value>) {
    for key in ["content", "embeds", "flags", "tts"] {
        if let Some(v) = body.get(key).filter(|v| !v.is_null()) {
            message[key] = v.clone();
        }
    }
    if let Some(components) = body.get("components").filter(|v| !v.is_null()) {
        let mut components = components.clone();
        number_components(&mut components, &mut 1);
        message["components"] = components;
    }
    if let Some(embeds) = message["embeds"].as_array_mut() {
        // Discord stores every embed it is sent as a "rich" one.
        for embed in embeds {
            if embed.get("type").is_none() {
                embed["type"] = json!("rich");
            }
        }
    }
    if let Some(keep) = body.get("attachments").and_then(Value::as_array) {
        let kept: Vec<&Value> = keep.iter().map(|a| &a["id"]).collect();
        let mut attachments: Vec<Value> = message["attachments"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| kept.iter().any(|id| id_text(id) == id_text(&a["id"])))
            .cloned()
            .collect();
        attachments.extend(uploads);
        message["attachments"] = Value::Array(attachments);
    } else if !uploads.is_empty() {
        message["attachments"] = Value::Array(uploads);
    }
}

/// A snowflake as text, whether it came as a string or a number.
fn id_text(id: &Value) -> String {
    id.as_str().map_or_else(|| id.to_string(), str::to_owned)
}

/// Gives every component without one the sequential numeric `id` Discord assigns.
fn number_components(value: &mut Value, next: &mut u64) {
    if let Some(items) = value.as_array_mut() {
        for item in items {
            if item.get("id").is_none_or(Value::is_null) {
                item["id"] = json!(*next);
            }
            *next += 1;
            if let Some(children) = item.get_mut("components") {
                number_components(children, next);
            }
        }
    }
}

pub fn attachment(id: u64, filename: &str, size: usize, url: &str) -> Value {
    json!({
        "id": id.to_string(),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": content_type(filename),
    })
}

fn content_type(filename: &str) -> &'static str {
    match filename.rsplit('.').next() {
        Some("csv") => "text/csv; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("json") => "application/json",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// An application command as registered, echoing what the bot sent the way Discord stores it:
/// unset (null) fields left out, integer bounds of integer options as integers.
pub fn command(id: u64, app_id: u64, guild_id: Option<u64>, sent: &Value) -> Value {
    let mut command = sent.clone();
    canonical_options(&mut command);
    command["id"] = json!(id.to_string());
    command["application_id"] = json!(app_id.to_string());
    command["version"] = json!(id.to_string());
    if command.get("type").is_none() {
        command["type"] = json!(1);
    }
    if command.get("description").is_none() {
        command["description"] = json!("");
    }
    if command.get("default_member_permissions").is_none() {
        command["default_member_permissions"] = Value::Null;
    }
    if let Some(guild) = guild_id {
        command["guild_id"] = json!(guild.to_string());
    }
    command
}

fn canonical_options(value: &mut Value) {
    if let Some(map) = value.as_object_mut() {
        map.retain(|_, v| !v.is_null());
        let integer_option = map.get("type") == Some(&json!(4));
        for key in ["min_value", "max_value"] {
            if let Some(v) = map.get_mut(key).filter(|_| integer_option)
                && let Some(f) = v.as_f64().filter(|f| f.fract() == 0.0)
            {
                *v = json!(f as i64);
            }
        }
        if let Some(Value::Array(options)) = map.get_mut("options") {
            options.iter_mut().for_each(canonical_options);
        }
    }
}

pub fn dm_channel(id: u64, recipient: Value) -> Value {
    json!({
        "id": id.to_string(),
        "type": 1,
        "flags": 0,
        "last_message_id": null,
        "last_pin_timestamp": null,
        "recipients": [recipient],
    })
}

pub fn thread(id: u64, guild_id: u64, parent_id: u64, owner_id: u64, sent: &Value) -> Value {
    json!({
        "id": id.to_string(),
        "type": sent.get("type").cloned().unwrap_or(json!(11)),
        "guild_id": guild_id.to_string(),
        "parent_id": parent_id.to_string(),
        "owner_id": owner_id.to_string(),
        "name": sent.get("name").cloned().unwrap_or(json!("thread")),
        "flags": 0,
        "last_message_id": null,
        "rate_limit_per_user": sent.get("rate_limit_per_user").cloned().unwrap_or(json!(0)),
        "thread_metadata": {
            "archived": false,
            "archive_timestamp": now(),
            "auto_archive_duration": sent.get("auto_archive_duration").cloned().unwrap_or(json!(1440)),
            "locked": false,
            "create_timestamp": now(),
            "invitable": sent.get("invitable").cloned().unwrap_or(json!(true)),
        },
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "permission_overwrites": [],
    })
}

/// Discord's error body.
pub fn error(message: &str, code: u64) -> Value {
    json!({ "message": message, "code": code })
}

/// `GET /guilds/{id}`: the server with its @everyone role (its id is the server's) and no
/// other; owned by someone else than the bot.
pub fn guild(id: u64, owner_id: u64, everyone_permissions: u64) -> Value {
    json!({
        "id": id.to_string(),
        "name": "Test server",
        "icon": null,
        "description": null,
        "home_header": null,
        "splash": null,
        "discovery_splash": null,
        "features": [],
        "banner": null,
        "owner_id": owner_id.to_string(),
        "application_id": null,
        "region": "europe",
        "afk_channel_id": null,
        "afk_timeout": 300,
        "system_channel_id": null,
        "system_channel_flags": 0,
        "widget_enabled": false,
        "widget_channel_id": null,
        "verification_level": 0,
        "roles": [{
            "id": id.to_string(),
            "name": "@everyone",
            "permissions": everyone_permissions.to_string(),
            "position": 0,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
            "hoist": false,
            "managed": false,
            "mentionable": false,
            "icon": null,
            "unicode_emoji": null,
            "flags": 0,
        }],
        "default_message_notifications": 0,
        "mfa_level": 0,
        "explicit_content_filter": 0,
        "max_presences": null,
        "max_members": 500000,
        "max_stage_video_channel_users": 50,
        "max_video_channel_users": 25,
        "vanity_url_code": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "fr",
        "rules_channel_id": null,
        "safety_alerts_channel_id": null,
        "public_updates_channel_id": null,
        "premium_progress_bar_enabled": false,
        "nsfw": false,
        "nsfw_level": 0,
        "emojis": [],
        "stickers": [],
        "incidents_data": null,
    })
}

/// `GET /guilds/{id}/members/{user}`: a member with no role but @everyone.
pub fn member(user_object: Value) -> Value {
    json!({
        "avatar": null,
        "banner": null,
        "communication_disabled_until": null,
        "flags": 0,
        "joined_at": EPOCH_TIMESTAMP,
        "nick": null,
        "pending": false,
        "premium_since": null,
        "roles": [],
        "user": user_object,
        "mute": false,
        "deaf": false,
    })
}
