//! Builders for the INTERACTION_CREATE payloads a test injects, with every field serenity 0.12.5
//! requires (a payload it cannot read would be dropped silently; the stand-in also checks each
//! one with serenity's own model before sending it).

use serde_json::{Map, Value, json};

use super::objects;

/// Permission bits used by the bot's checks (Discord's numbering).
pub mod perms {
    pub const ADMINISTRATOR: u64 = 1 << 3;
    pub const MANAGE_GUILD: u64 = 1 << 5;
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const EMBED_LINKS: u64 = 1 << 14;
    pub const ATTACH_FILES: u64 = 1 << 15;
    pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
    pub const CREATE_PRIVATE_THREADS: u64 = 1 << 36;
    pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;

    /// What an ordinary member has in a channel.
    pub const MEMBER: u64 = VIEW_CHANNEL | SEND_MESSAGES | USE_APPLICATION_COMMANDS;
    /// What the bot has in the channel (`app_permissions`).
    pub const BOT: u64 = VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | CREATE_PRIVATE_THREADS
        | SEND_MESSAGES_IN_THREADS;
}

pub const DEFAULT_GUILD_ID: u64 = 1_100_000_000_000_000_001;
pub const DEFAULT_CHANNEL_ID: u64 = 1_100_000_000_000_000_002;
pub const DEFAULT_USER_ID: u64 = 1_100_000_000_000_000_003;
/// Discord's attachment size limit for an unboosted guild (25 MiB).
const ATTACHMENT_SIZE_LIMIT: u64 = 25 * 1024 * 1024;

/// A file a test hosts on the stand-in and hands to the bot as an attachment option.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub id: u64,
    pub filename: String,
    pub size: usize,
    pub url: String,
}

/// Command options, nested for sub-commands and groups.
#[derive(Debug, Clone, Default)]
pub struct Options {
    items: Vec<Value>,
    resolved: Map<String, Value>,
}

impl Options {
    pub fn new() -> Options {
        Options::default()
    }

    fn typed(mut self, name: &str, kind: u8, value: Value) -> Options {
        self.items
            .push(json!({ "name": name, "type": kind, "value": value }));
        self
    }

    pub fn string(self, name: &str, value: &str) -> Options {
        self.typed(name, 3, json!(value))
    }

    pub fn integer(self, name: &str, value: i64) -> Options {
        self.typed(name, 4, json!(value))
    }

    pub fn boolean(self, name: &str, value: bool) -> Options {
        self.typed(name, 5, json!(value))
    }

    /// A user option; the user is also put in `resolved.users`, as Discord does.
    pub fn user(mut self, name: &str, user_id: u64) -> Options {
        self.resolve("users", user_id, objects::user(user_id, "member", false));
        self.typed(name, 6, json!(user_id.to_string()))
    }

    /// A text-channel option, described in `resolved.channels` as Discord does.
    pub fn channel(mut self, name: &str, channel_id: u64) -> Options {
        let described = json!({
            "id": channel_id.to_string(), "name": "support", "type": 0, "permissions": "0"
        });
        self.resolve("channels", channel_id, described);
        self.typed(name, 7, json!(channel_id.to_string()))
    }

    /// A role option, described in `resolved.roles` as Discord does.
    pub fn role(mut self, name: &str, role_id: u64) -> Options {
        let described = json!({
            "id": role_id.to_string(), "name": "role", "color": 0,
            "colors": { "primary_color": 0, "secondary_color": null, "tertiary_color": null },
            "hoist": false, "icon": null, "unicode_emoji": null, "position": 1,
            "permissions": "0", "managed": false, "mentionable": true, "flags": 0
        });
        self.resolve("roles", role_id, described);
        self.typed(name, 8, json!(role_id.to_string()))
    }

    pub fn number(self, name: &str, value: f64) -> Options {
        self.typed(name, 10, json!(value))
    }

    /// An attachment option: the value is the attachment id, the file is described in
    /// `resolved.attachments` with its URL on the stand-in.
    pub fn attachment(mut self, name: &str, file: &Attachment) -> Options {
        let described = objects::attachment(file.id, &file.filename, file.size, &file.url);
        self.resolve("attachments", file.id, described);
        self.typed(name, 11, json!(file.id.to_string()))
    }

    /// The option being typed in an autocomplete: always a string of what was typed so far.
    pub fn focused(mut self, name: &str, partial: &str) -> Options {
        self.items.push(json!({
            "name": name, "type": 3, "value": partial, "focused": true
        }));
        self
    }

    pub fn subcommand(self, name: &str, options: Options) -> Options {
        self.nested(name, 1, options)
    }

    pub fn group(self, name: &str, options: Options) -> Options {
        self.nested(name, 2, options)
    }

    fn nested(mut self, name: &str, kind: u8, inner: Options) -> Options {
        for (kind, entries) in inner.resolved {
            let map = self
                .resolved
                .entry(kind)
                .or_insert_with(|| Value::Object(Map::new()));
            map.as_object_mut()
                .unwrap()
                .extend(entries.as_object().unwrap().clone());
        }
        self.items
            .push(json!({ "name": name, "type": kind, "options": inner.items }));
        self
    }

    fn resolve(&mut self, kind: &str, id: u64, value: Value) {
        let map = self
            .resolved
            .entry(kind)
            .or_insert_with(|| Value::Object(Map::new()));
        map[id.to_string()] = value;
    }
}

/// Where an interaction happens.
#[derive(Debug, Clone, Copy)]
enum Place {
    Guild { guild_id: u64, channel_id: u64 },
    Dm { channel_id: u64 },
}

/// One interaction payload. Make it with the stand-in's `slash`, `autocomplete`, `click`,
/// `select` or `modal_submit`, adjust it, then `inject` it.
#[derive(Debug, Clone)]
pub struct InteractionBuilder {
    pub id: u64,
    pub token: String,
    application_id: u64,
    bot_user_id: u64,
    kind: u8,
    data: Value,
    options: Option<Options>,
    place: Place,
    user_id: u64,
    username: String,
    permissions: u64,
    roles: Vec<u64>,
    locale: String,
    app_permissions: u64,
    message: Option<Value>,
    /// The id of the made-up message a component sits on when no message is given.
    spare_message_id: u64,
}

/// The stand-in's identity, which every payload names.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ids {
    pub interaction: u64,
    pub spare_message: u64,
    pub application: u64,
    pub bot_user: u64,
}

impl InteractionBuilder {
    pub(crate) fn new(ids: Ids, kind: u8, data: Value) -> Self {
        let Ids {
            interaction: id,
            spare_message: spare_message_id,
            application: application_id,
            bot_user: bot_user_id,
        } = ids;
        InteractionBuilder {
            spare_message_id,
            id,
            token: format!("token-{id}"),
            application_id,
            bot_user_id,
            kind,
            data,
            options: None,
            place: Place::Guild {
                guild_id: DEFAULT_GUILD_ID,
                channel_id: DEFAULT_CHANNEL_ID,
            },
            user_id: DEFAULT_USER_ID,
            username: "member".into(),
            permissions: perms::MEMBER,
            roles: Vec::new(),
            locale: "en-US".into(),
            app_permissions: perms::BOT,
            message: None,
        }
    }

    /// Options of a slash command or autocomplete.
    pub fn options(mut self, options: Options) -> Self {
        self.options = Some(options);
        self
    }

    pub fn in_guild(mut self, guild_id: u64, channel_id: u64) -> Self {
        self.place = Place::Guild {
            guild_id,
            channel_id,
        };
        self
    }

    /// In the bot's DM channel with the user (no member, no guild).
    pub fn in_dm(mut self, channel_id: u64) -> Self {
        self.place = Place::Dm { channel_id };
        self
    }

    pub fn by(mut self, user_id: u64, username: &str) -> Self {
        self.user_id = user_id;
        self.username = username.into();
        self
    }

    /// The member's permission bitfield in the channel (see [`perms`]).
    pub fn permissions(mut self, bits: u64) -> Self {
        self.permissions = bits;
        self
    }

    pub fn roles(mut self, roles: &[u64]) -> Self {
        self.roles = roles.to_vec();
        self
    }

    /// The user's client language, e.g. `"fr"` or `"en-US"`.
    pub fn locale(mut self, locale: &str) -> Self {
        self.locale = locale.into();
        self
    }

    pub fn app_permissions(mut self, bits: u64) -> Self {
        self.app_permissions = bits;
        self
    }

    /// The message a component sits on (a full message, e.g. from `DiscordStandIn::message`).
    /// Without one, a bot message in the channel is made up.
    pub fn on_message(mut self, message: Value) -> Self {
        self.message = Some(message);
        self
    }

    pub fn guild_id(&self) -> Option<u64> {
        match self.place {
            Place::Guild { guild_id, .. } => Some(guild_id),
            Place::Dm { .. } => None,
        }
    }

    pub fn channel_id(&self) -> u64 {
        match self.place {
            Place::Guild { channel_id, .. } | Place::Dm { channel_id } => channel_id,
        }
    }

    pub fn build(self) -> Value {
        let mut data = self.data.clone();
        if let Some(options) = &self.options {
            data["options"] = json!(options.items);
            if !options.resolved.is_empty() {
                data["resolved"] = Value::Object(options.resolved.clone());
            }
        }
        let channel_id = self.channel_id();
        let user = objects::user(self.user_id, &self.username, false);
        let mut payload = json!({
            "id": self.id.to_string(),
            "application_id": self.application_id.to_string(),
            "type": self.kind,
            "data": data,
            "channel_id": channel_id.to_string(),
            "token": self.token,
            "version": 1,
            "locale": self.locale,
            "app_permissions": self.app_permissions.to_string(),
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        });
        match self.place {
            Place::Guild { guild_id, .. } => {
                payload["guild_id"] = json!(guild_id.to_string());
                payload["guild_locale"] = json!("en-US");
                payload["context"] = json!(0);
                payload["channel"] =
                    json!({"id": channel_id.to_string(), "type": 0, "name": "general"});
                payload["authorizing_integration_owners"] = json!({"0": guild_id.to_string()});
                payload["member"] = json!({
                    "user": user,
                    "roles": self.roles.iter().map(u64::to_string).collect::<Vec<_>>(),
                    "joined_at": objects::EPOCH_TIMESTAMP,
                    "premium_since": null,
                    "nick": null,
                    "avatar": null,
                    "deaf": false,
                    "mute": false,
                    "flags": 0,
                    "pending": false,
                    "permissions": self.permissions.to_string(),
                    "communication_disabled_until": null,
                });
            }
            Place::Dm { .. } => {
                payload["context"] = json!(1);
                payload["channel"] = json!({"id": channel_id.to_string(), "type": 1});
                payload["authorizing_integration_owners"] = json!({"0": "0"});
                payload["user"] = user;
            }
        }
        if self.kind == 3 {
            payload["message"] = self.message.clone().unwrap_or_else(|| {
                let mut m = objects::message(
                    self.spare_message_id,
                    channel_id,
                    objects::bot_user(self.bot_user_id),
                );
                m["components"] = json!([{"type": 1, "id": 1, "components": [{
                    "type": 2, "id": 2, "style": 1, "label": "button",
                    "custom_id": self.data["custom_id"]
                }]}]);
                m
            });
        }
        payload
    }
}
