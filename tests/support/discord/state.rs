//! Everything the stand-in remembers, behind one lock, and the "something changed" signal the
//! waiting helpers sleep on.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{mpsc, watch};

use super::openapi::Violation;

/// One REST request the bot made, recorded after the stand-in applied it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Relative to `/api/v10`, without the query string, e.g. `/channels/12/messages`.
    pub path: String,
    /// The raw query string, without `?` (serenity sends `&k=v`).
    pub query: String,
    /// The JSON body (or the `payload_json` part of a multipart body); `Null` when empty.
    pub body: Value,
    /// Files of a multipart body.
    pub files: Vec<Upload>,
    pub status: u16,
    /// What the stand-in answered; `Null` for an empty (204) answer.
    pub response: Value,
}

impl std::fmt::Display for Recorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} -> {} {}",
            self.method, self.path, self.status, self.body
        )
    }
}

/// A file part of a multipart request.
#[derive(Debug, Clone)]
pub struct Upload {
    pub field: String,
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// What the stand-in knows about an interaction it injected.
#[derive(Debug, Clone)]
pub struct InteractionState {
    pub id: u64,
    pub channel_id: u64,
    /// The message a component was clicked on.
    pub message_id: Option<u64>,
    /// The callback `type`s received, in order.
    pub callbacks: Vec<u64>,
    /// The original response message, once there is one.
    pub original: Option<u64>,
    /// A deferred response (type 5) whose first follow-up becomes the original, as on Discord.
    pub deferred: bool,
}

/// A connected, identified gateway shard.
pub struct ShardConn {
    pub conn: u64,
    pub total: u32,
    pub seq: u64,
    pub tx: mpsc::UnboundedSender<Outgoing>,
}

/// What a connection's writer should do next.
pub enum Outgoing {
    Json(Value),
    /// Send a close frame with this code, then stop.
    Close(u16),
}

/// A fault a test asked for: the next `times` requests matching answer `status`.
#[derive(Debug, Clone)]
pub struct Fault {
    pub method: String,
    pub path_prefix: String,
    pub status: u16,
    pub times: usize,
}

#[derive(Default)]
pub struct Data {
    pub requests: Vec<Recorded>,
    /// Requests the stand-in could not honour: unknown routes, unknown interactions, ...
    pub failures: Vec<String>,
    pub violations: Vec<Violation>,
    /// How many request and response bodies a schema was found for and applied to.
    pub checked_requests: usize,
    pub checked_responses: usize,
    pub faults: Vec<Fault>,
    /// Hosted files by URL path (`/files/{id}/{name}`), and how often each was downloaded.
    pub files: HashMap<String, Vec<u8>>,
    pub downloads: HashMap<String, usize>,
    /// Injected interactions by token (the REST routes name them by token).
    pub interactions: HashMap<String, InteractionState>,
    pub tokens_by_id: HashMap<u64, String>,
    pub messages: BTreeMap<u64, Value>,
    pub global_commands: Vec<Value>,
    pub guild_commands: BTreeMap<u64, Vec<Value>>,
    /// Stable command ids by (guild, name), as Discord keeps them across re-registration.
    pub command_ids: HashMap<(Option<u64>, String), u64>,
    /// DM channel by recipient user.
    pub dm_channels: BTreeMap<u64, u64>,
    /// The @everyone role's permissions in the default server; `None`: those of the README's
    /// invitation link, and View Channels.
    pub everyone_permissions: Option<u64>,
    /// The guild of each channel seen in an injected interaction (threads need it).
    pub channel_guilds: HashMap<u64, u64>,
    pub threads: BTreeMap<u64, Value>,
    pub thread_members: BTreeMap<u64, Vec<u64>>,
    /// Identified shards by shard id.
    pub shards: BTreeMap<u32, ShardConn>,
    pub identifies: usize,
    pub resumes: usize,
    /// Dispatches sent, as `(shard id, payload)`.
    pub dispatched: Vec<(u32, Value)>,
}

pub struct State {
    pub base: String,
    pub application_id: u64,
    pub bot_user_id: u64,
    next_id: AtomicU64,
    data: Mutex<Data>,
    version: watch::Sender<u64>,
}

impl State {
    pub fn new(base: String, first_id: u64) -> State {
        State {
            base,
            application_id: first_id,
            bot_user_id: first_id + 1,
            next_id: AtomicU64::new(first_id + 2),
            data: Mutex::new(Data::default()),
            version: watch::Sender::new(0),
        }
    }

    /// A fresh snowflake (never 0, always increasing).
    pub fn id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    pub fn lock(&self) -> MutexGuard<'_, Data> {
        // A panicking test thread must not hide the real failure behind a poison error.
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Mutates the data and wakes every waiter.
    pub fn update<T>(&self, f: impl FnOnce(&mut Data) -> T) -> T {
        let out = f(&mut self.lock());
        self.version.send_modify(|v| *v += 1);
        out
    }

    /// Waits until `f` finds something, or panics after `timeout` with `what` and a summary of
    /// what the stand-in did receive, so a lost event costs seconds and says why.
    pub async fn wait_for<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut f: impl FnMut(&Data) -> Option<T>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.version.subscribe();
        loop {
            changes.borrow_and_update();
            if let Some(found) = f(&self.lock()) {
                return found;
            }
            if tokio::time::timeout_at(deadline, changes.changed())
                .await
                .is_err()
            {
                panic!(
                    "timed out after {timeout:?} waiting for {what}\n{}",
                    self.summary()
                );
            }
        }
    }

    /// What the stand-in saw, for failure messages.
    pub fn summary(&self) -> String {
        let d = self.lock();
        let mut out = format!(
            "shards connected: {:?}; identifies: {}; dispatches: {}\nrequests ({}):\n",
            d.shards.keys().collect::<Vec<_>>(),
            d.identifies,
            d.dispatched.len(),
            d.requests.len()
        );
        for r in d.requests.iter().rev().take(30).rev() {
            out.push_str(&format!("  {}\n", truncate(&r.to_string(), 300)));
        }
        for f in &d.failures {
            out.push_str(&format!("failure: {f}\n"));
        }
        for v in &d.violations {
            out.push_str(&format!("violation: {}\n", truncate(&v.to_string(), 600)));
        }
        out
    }
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_owned(),
    }
}
