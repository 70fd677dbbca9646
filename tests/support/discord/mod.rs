//! A loopback Discord for end-to-end tests of the bot with the REAL serenity/poise client
//! (see `shared/discord-standin.md` for the protocol facts it rests on).
//!
//! ```ignore
//! let discord = DiscordStandIn::start().await;
//! let http = serenity::HttpBuilder::new(discord::TOKEN)
//!     .proxy(discord.api_base())            // "http://127.0.0.1:PORT"
//!     .ratelimiter_disabled(true)           // or serenity still calls discord.com
//!     .build();
//! // ... ClientBuilder::new_with_http(http, intents).framework(..), then start the client ...
//! discord.wait_for_shards(1).await;
//! let ix = discord
//!     .inject(discord.slash("campaign").options(Options::new().subcommand("list", Options::new())))
//!     .await;
//! let reply = discord.wait_for_callback(ix.id).await;   // the callback body the bot sent
//! discord.assert_clean();
//! ```
//!
//! API (all on [`DiscordStandIn`]):
//! - identity: `start()`, `api_base()`, `gateway_url()`, `application_id()`, `bot_user_id()`,
//!   [`TOKEN`] (the bot token the stand-in accepts).
//! - payloads ([`InteractionBuilder`], adjusted with `in_guild`, `in_dm`, `by`, `permissions`,
//!   `roles`, `locale`, `options`, `on_message`): `slash(name)`, `autocomplete(name)`,
//!   `click(custom_id)`, `select(custom_id, values)`, `modal_submit(custom_id, fields)`;
//!   [`Options`] for typed, nested options; `host_file(name, bytes) -> url` and
//!   `attachment(name, bytes) -> Attachment` for files the bot downloads back from the stand-in.
//! - gateway: `inject(builder)` / `inject_interaction(json)` → [`Injected`] (the payload is
//!   checked with serenity's own `Interaction` model first, and sent to shard
//!   `(guild_id >> 22) % total`, DMs to 0), `wait_for_shards(n)`, `connected_shards()`,
//!   `drop_connections()`, `identify_count()`, `dispatched()`.
//! - REST observations (each request recorded after its state change): `requests()`,
//!   `wait_for_request(pred, timeout)`, `callbacks_for(id)`, `wait_for_callback(id)`,
//!   `original_response(id)`, `wait_for_original(id, pred)`, `message(id)`,
//!   `messages_in_channel(id)`, `wait_for_message(channel, pred)`, `dms_to(user)`,
//!   `wait_for_dm(user, pred)`, `global_commands()`, `guild_commands(guild)`, `threads()`,
//!   `thread_members(thread)`, `downloads(url)`.
//! - faults: `fail_next(method, path_prefix, status, times)`.
//! - honesty: `violations()`, `assert_no_violations()`, `failures()`, `assert_clean()`,
//!   `take_violations()`, `take_failures()`; [`openapi::spec`] validates any body by hand.
//!   Dropping the stand-in with unread violations or failures fails the test, so a bot test
//!   cannot forget to look.
//!
//! Waits default to [`WAIT`] and panic with a summary of what the stand-in did receive.
// A stand-in speaks its whole protocol, and its records keep every field for the failure
// messages that print them: not all of it is called by today's tests.
#![allow(dead_code)]

mod gateway;
mod multipart;
mod objects;
pub mod openapi;
mod payloads;
mod rest;
mod server;
mod state;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

// The API bot tests use; not every test binary uses all of it.
#[allow(unused_imports)]
pub use gateway::shard_for;
#[allow(unused_imports)]
pub use openapi::{Check, Direction, Violation};
#[allow(unused_imports)]
pub use payloads::{
    Attachment, DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, DEFAULT_USER_ID, InteractionBuilder, Options,
    perms,
};
#[allow(unused_imports)]
pub use state::{Recorded, Upload};

use payloads::Ids;
use state::{Fault, InteractionState, Outgoing, State};

/// The bot token the stand-in expects in `Authorization: Bot ...`.
pub const TOKEN: &str = "stand-in-token";
/// How long the waiting helpers wait by default: a lost event should cost seconds, not minutes.
pub const WAIT: Duration = Duration::from_secs(5);
/// serenity's shard queuer spaces IDENTIFYs 5 s apart (also when a shard reconnects), so
/// waits for a shard to (re)connect allow that much more.
pub const IDENTIFY_SPACING: Duration = Duration::from_secs(5);
/// The first snowflake the stand-in hands out (application id; the bot user is the next one).
const FIRST_ID: u64 = 1_300_000_000_000_000_000;

/// An interaction the stand-in sent.
#[derive(Debug, Clone)]
pub struct Injected {
    pub id: u64,
    pub token: String,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    /// The shard it was routed to.
    pub shard: u32,
}

pub struct DiscordStandIn {
    state: Arc<State>,
    server: tokio::task::JoinHandle<()>,
}

impl DiscordStandIn {
    /// Binds 127.0.0.1 on a free port and serves REST and the gateway there.
    pub async fn start() -> DiscordStandIn {
        // Load the spec up front so the first request is not the one paying for it.
        openapi::spec();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(State::new(base, FIRST_ID));
        let app = server::router(state.clone());
        // Discord's edge sends each gateway frame at once; with Nagle's algorithm on, a frame
        // written while the previous one awaits its ACK would wait for the peer's delayed ACK
        // (40 ms on Linux), a delay of the stand-in's own, not of the bot.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("stand-in server");
        });
        DiscordStandIn { state, server }
    }

    /// What the bot passes to `HttpBuilder::proxy`.
    pub fn api_base(&self) -> String {
        self.state.base.clone()
    }

    pub fn gateway_url(&self) -> String {
        format!(
            "{}/gateway",
            self.state.base.replacen("http://", "ws://", 1)
        )
    }

    pub fn application_id(&self) -> u64 {
        self.state.application_id
    }

    pub fn bot_user_id(&self) -> u64 {
        self.state.bot_user_id
    }

    /// A fresh snowflake, for ids a test makes up (guilds, channels, users).
    pub fn new_id(&self) -> u64 {
        self.state.id()
    }

    // ----- payloads -----

    fn builder(&self, kind: u8, data: Value) -> InteractionBuilder {
        let ids = Ids {
            interaction: self.state.id(),
            spare_message: self.state.id(),
            application: self.state.application_id,
            bot_user: self.state.bot_user_id,
        };
        InteractionBuilder::new(ids, kind, data)
    }

    /// A chat-input command (type 2); add options with `.options(...)`.
    pub fn slash(&self, name: &str) -> InteractionBuilder {
        let data = json!({"id": self.command_id(name), "name": name, "type": 1});
        self.builder(2, data)
    }

    /// An autocomplete request (type 4); mark the typed option with `Options::focused`.
    pub fn autocomplete(&self, name: &str) -> InteractionBuilder {
        let data = json!({"id": self.command_id(name), "name": name, "type": 1});
        self.builder(4, data)
    }

    /// A button click (type 3); set the message with `.on_message(...)`.
    pub fn click(&self, custom_id: &str) -> InteractionBuilder {
        self.builder(3, json!({"custom_id": custom_id, "component_type": 2}))
    }

    /// A string-select choice (type 3, component type 3).
    pub fn select(&self, custom_id: &str, values: &[&str]) -> InteractionBuilder {
        let data = json!({"custom_id": custom_id, "component_type": 3, "values": values});
        self.builder(3, data)
    }

    /// A modal submit (type 5) with `(custom_id, value)` text inputs, one per row.
    pub fn modal_submit(&self, custom_id: &str, fields: &[(&str, &str)]) -> InteractionBuilder {
        let rows: Vec<Value> = fields
            .iter()
            .map(|(id, value)| {
                json!({"type": 1, "components": [{"type": 4, "custom_id": id, "value": value}]})
            })
            .collect();
        self.builder(5, json!({"custom_id": custom_id, "components": rows}))
    }

    /// The id the bot registered for a command, or a made-up one before registration.
    fn command_id(&self, name: &str) -> String {
        let d = self.state.lock();
        let registered = d
            .global_commands
            .iter()
            .chain(d.guild_commands.values().flatten())
            .find(|c| c["name"] == name)
            .and_then(|c| c["id"].as_str().map(str::to_owned));
        drop(d);
        registered.unwrap_or_else(|| self.state.id().to_string())
    }

    /// Serves `bytes` at a URL on the stand-in, as Discord's CDN serves attachments.
    pub fn host_file(&self, name: &str, bytes: &[u8]) -> String {
        let path = format!("/files/{}/{name}", self.state.id());
        self.state
            .update(|d| d.files.insert(path.clone(), bytes.to_vec()));
        format!("{}{path}", self.state.base)
    }

    /// A hosted file described as an attachment, for `Options::attachment`.
    pub fn attachment(&self, name: &str, bytes: &[u8]) -> Attachment {
        Attachment {
            id: self.state.id(),
            filename: name.to_owned(),
            size: bytes.len(),
            url: self.host_file(name, bytes),
        }
    }

    /// How often a hosted URL was downloaded.
    pub fn downloads(&self, url: &str) -> usize {
        let path = url.strip_prefix(&self.state.base).unwrap_or(url);
        self.state.lock().downloads.get(path).copied().unwrap_or(0)
    }

    // ----- gateway -----

    pub async fn inject(&self, interaction: InteractionBuilder) -> Injected {
        self.inject_interaction(interaction.build()).await
    }

    /// Sends INTERACTION_CREATE to the shard Discord would route it to, waiting (up to
    /// [`WAIT`]) for that shard to be connected. Panics if serenity could not read the payload.
    pub async fn inject_interaction(&self, payload: Value) -> Injected {
        if let Err(e) =
            serde_json::from_value::<serenity::model::application::Interaction>(payload.clone())
        {
            panic!(
                "serenity cannot deserialize this interaction (it would drop it silently): {e}\n{payload:#}"
            );
        }
        let snowflake = |v: &Value| v.as_str().and_then(|s| s.parse::<u64>().ok());
        let id = snowflake(&payload["id"]).expect("interaction id");
        let token = payload["token"].as_str().expect("token").to_owned();
        let channel_id = snowflake(&payload["channel_id"]).expect("channel_id");
        let guild_id = snowflake(&payload["guild_id"]);
        let message = payload.get("message").cloned();
        let message_id = message.as_ref().and_then(|m| snowflake(&m["id"]));
        self.state.update(|d| {
            if let (Some(mid), Some(m)) = (message_id, message) {
                d.messages.entry(mid).or_insert(m);
            }
            if let Some(g) = guild_id {
                d.channel_guilds.insert(channel_id, g);
            }
            d.tokens_by_id.insert(id, token.clone());
            d.interactions.insert(
                token.clone(),
                InteractionState {
                    id,
                    channel_id,
                    message_id,
                    callbacks: Vec::new(),
                    original: None,
                    deferred: false,
                },
            );
        });
        let shard = self.dispatch(guild_id, "INTERACTION_CREATE", payload).await;
        Injected {
            id,
            token,
            channel_id,
            guild_id,
            shard,
        }
    }

    /// Sends a dispatch with the next sequence number of the routed shard's connection.
    async fn dispatch(&self, guild_id: Option<u64>, event: &str, payload: Value) -> u32 {
        loop {
            let what = format!("a connected shard for guild {guild_id:?}");
            let (shard, tx) = self
                .state
                .wait_for(&what, WAIT + IDENTIFY_SPACING, |d| {
                    let total = d.shards.values().next()?.total;
                    let shard = shard_for(guild_id, total);
                    d.shards.get(&shard).map(|c| (shard, c.tx.clone()))
                })
                .await;
            let sent = self.state.update(|d| {
                let conn = d.shards.get_mut(&shard)?;
                // The connection may have been replaced since the wait; send on the live one.
                conn.seq += 1;
                let frame = json!({"op": 0, "s": conn.seq, "t": event, "d": payload});
                conn.tx.send(Outgoing::Json(frame)).ok()?;
                d.dispatched.push((shard, payload.clone()));
                Some(())
            });
            drop(tx);
            if sent.is_some() {
                return shard;
            }
        }
    }

    /// Waits until `n` shards have identified and are connected.
    pub async fn wait_for_shards(&self, n: usize) {
        let what = format!("{n} connected shard(s)");
        let timeout = WAIT + IDENTIFY_SPACING * (n.max(1) as u32 - 1);
        self.state
            .wait_for(&what, timeout, |d| (d.shards.len() >= n).then_some(()))
            .await;
    }

    pub fn connected_shards(&self) -> Vec<u32> {
        self.state.lock().shards.keys().copied().collect()
    }

    /// How many IDENTIFYs the gateway answered (reconnects add to it).
    pub fn identify_count(&self) -> usize {
        self.state.lock().identifies
    }

    pub fn resume_count(&self) -> usize {
        self.state.lock().resumes
    }

    /// Every dispatch sent, as `(shard, payload)`.
    pub fn dispatched(&self) -> Vec<(u32, Value)> {
        self.state.lock().dispatched.clone()
    }

    /// Closes every gateway connection (code 4000, "unknown error": resumable), as a network
    /// blip would. The client must reconnect; dispatches wait for it.
    pub fn drop_connections(&self) {
        self.state.update(|d| {
            for (_, conn) in std::mem::take(&mut d.shards) {
                let _ = conn.tx.send(Outgoing::Close(4000));
            }
        });
    }

    // ----- REST observations -----

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().requests.clone()
    }

    /// Waits for a recorded request matching `pred` and returns it.
    pub async fn wait_for_request(
        &self,
        pred: impl Fn(&Recorded) -> bool,
        timeout: Duration,
    ) -> Recorded {
        self.state
            .wait_for("a matching request", timeout, |d| {
                d.requests.iter().find(|r| pred(r)).cloned()
            })
            .await
    }

    /// The callback bodies the bot sent for an interaction (`{"type":4,"data":{...}}`).
    pub fn callbacks_for(&self, interaction_id: u64) -> Vec<Value> {
        let prefix = format!("/interactions/{interaction_id}/");
        self.state
            .lock()
            .requests
            .iter()
            .filter(|r| r.method == "POST" && r.path.starts_with(&prefix))
            .map(|r| r.body.clone())
            .collect()
    }

    /// Waits for the (first) callback to an interaction and returns its body.
    pub async fn wait_for_callback(&self, interaction_id: u64) -> Value {
        let prefix = format!("/interactions/{interaction_id}/");
        let what = format!("a callback to interaction {interaction_id}");
        self.state
            .wait_for(&what, WAIT, |d| {
                d.requests
                    .iter()
                    .find(|r| r.method == "POST" && r.path.starts_with(&prefix))
                    .map(|r| r.body.clone())
            })
            .await
    }

    /// The current state of an interaction's original response message (after callback types
    /// 4/5, the message a component sits on after 6/7).
    pub fn original_response(&self, interaction_id: u64) -> Option<Value> {
        let d = self.state.lock();
        let token = d.tokens_by_id.get(&interaction_id)?;
        let original = d.interactions.get(token)?.original?;
        d.messages.get(&original).cloned()
    }

    /// Waits until the original response exists and satisfies `pred` (e.g. a deferred reply
    /// filled in, or a component message updated).
    pub async fn wait_for_original(
        &self,
        interaction_id: u64,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        let what = format!("the original response of interaction {interaction_id} to match");
        self.state
            .wait_for(&what, WAIT, |d| {
                let token = d.tokens_by_id.get(&interaction_id)?;
                let original = d.interactions.get(token)?.original?;
                d.messages.get(&original).filter(|m| pred(m)).cloned()
            })
            .await
    }

    pub fn message(&self, id: u64) -> Option<Value> {
        self.state.lock().messages.get(&id).cloned()
    }

    /// Messages currently in a channel, oldest first (ids increase with time).
    pub fn messages_in_channel(&self, channel_id: u64) -> Vec<Value> {
        let channel = channel_id.to_string();
        self.state
            .lock()
            .messages
            .values()
            .filter(|m| m["channel_id"] == channel.as_str())
            .cloned()
            .collect()
    }

    pub async fn wait_for_message(&self, channel_id: u64, pred: impl Fn(&Value) -> bool) -> Value {
        let channel = channel_id.to_string();
        let what = format!("a matching message in channel {channel_id}");
        self.state
            .wait_for(&what, WAIT, |d| {
                d.messages
                    .values()
                    .find(|m| m["channel_id"] == channel.as_str() && pred(m))
                    .cloned()
            })
            .await
    }

    /// Messages the bot sent to a user's DM channel.
    pub fn dms_to(&self, user_id: u64) -> Vec<Value> {
        let channel = self.state.lock().dm_channels.get(&user_id).copied();
        channel.map_or_else(Vec::new, |c| self.messages_in_channel(c))
    }

    pub async fn wait_for_dm(&self, user_id: u64, pred: impl Fn(&Value) -> bool) -> Value {
        let what = format!("a matching DM to user {user_id}");
        self.state
            .wait_for(&what, WAIT, |d| {
                let channel = d.dm_channels.get(&user_id)?.to_string();
                d.messages
                    .values()
                    .find(|m| m["channel_id"] == channel.as_str() && pred(m))
                    .cloned()
            })
            .await
    }

    pub fn global_commands(&self) -> Vec<Value> {
        self.state.lock().global_commands.clone()
    }

    pub fn guild_commands(&self, guild_id: u64) -> Vec<Value> {
        self.state
            .lock()
            .guild_commands
            .get(&guild_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Threads the bot created, as answered.
    pub fn threads(&self) -> Vec<Value> {
        self.state.lock().threads.values().cloned().collect()
    }

    pub fn thread_members(&self, thread_id: u64) -> Vec<u64> {
        self.state
            .lock()
            .thread_members
            .get(&thread_id)
            .cloned()
            .unwrap_or_default()
    }

    // ----- faults -----

    /// The next `times` requests with this method whose path (relative to `/api/v10`) starts
    /// with `path_prefix` answer `status` with a Discord error body, changing nothing.
    pub fn fail_next(&self, method: &str, path_prefix: &str, status: u16, times: usize) {
        self.state.update(|d| {
            d.faults.push(Fault {
                method: method.to_ascii_uppercase(),
                path_prefix: path_prefix.to_owned(),
                status,
                times,
            })
        });
    }

    /// The @everyone role's permissions in the default server (`GET /guilds/{id}`).
    pub fn set_everyone_permissions(&self, bits: u64) {
        self.state.update(|d| d.everyone_permissions = Some(bits));
    }

    // ----- honesty -----

    /// Bodies that did not match Discord's OpenAPI schemas, either way.
    pub fn violations(&self) -> Vec<Violation> {
        self.state.lock().violations.clone()
    }

    /// How many (request, response) bodies were validated against a schema: proof that the
    /// "no violations" of a test is not vacuous.
    pub fn checked_bodies(&self) -> (usize, usize) {
        let d = self.state.lock();
        (d.checked_requests, d.checked_responses)
    }

    pub fn take_violations(&self) -> Vec<Violation> {
        std::mem::take(&mut self.state.lock().violations)
    }

    pub fn assert_no_violations(&self) {
        let violations = self.violations();
        assert!(
            violations.is_empty(),
            "{} OpenAPI violation(s):\n{}",
            violations.len(),
            violations
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    /// Requests Discord would have refused: unknown routes, unknown interactions, a second
    /// callback, an application id other than READY's, a bad token.
    pub fn failures(&self) -> Vec<String> {
        self.state.lock().failures.clone()
    }

    pub fn take_failures(&self) -> Vec<String> {
        std::mem::take(&mut self.state.lock().failures)
    }

    /// No violations and no failures.
    pub fn assert_clean(&self) {
        self.assert_no_violations();
        let failures = self.failures();
        assert!(
            failures.is_empty(),
            "the stand-in refused requests:\n{}",
            failures.join("\n")
        );
    }

    /// What the stand-in saw, for a test's own failure messages.
    pub fn summary(&self) -> String {
        self.state.summary()
    }
}

impl Drop for DiscordStandIn {
    fn drop(&mut self) {
        self.server.abort();
        self.drop_connections();
        if !std::thread::panicking() {
            self.assert_clean();
        }
    }
}
