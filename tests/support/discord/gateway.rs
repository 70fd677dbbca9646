//! The WebSocket gateway: HELLO, IDENTIFY → READY, heartbeats, RESUME refused (so the client
//! re-identifies), and dispatches routed to the shard Discord would pick.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::objects;
use super::state::{Outgoing, ShardConn, State};

/// Discord's interval; serenity heartbeats on it, and the stand-in acks every beat.
const HEARTBEAT_INTERVAL_MS: u64 = 41_250;

static CONNECTIONS: AtomicU64 = AtomicU64::new(1);

/// Runs one gateway connection until either side closes it.
pub async fn serve(state: Arc<State>, mut socket: WebSocket) {
    let conn = CONNECTIONS.fetch_add(1, Ordering::Relaxed);
    let (tx, mut rx) = mpsc::unbounded_channel::<Outgoing>();
    let hello =
        json!({"op": 10, "s": null, "t": null, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}});
    if send(&mut socket, &hello).await.is_err() {
        return;
    }
    // The shard this connection identified as, once it has.
    let mut shard: Option<u32> = None;
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outgoing::Json(payload)) => {
                    if send(&mut socket, &payload).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close(code)) => {
                    let frame = CloseFrame { code, reason: "stand-in dropped the connection".into() };
                    let _ = socket.send(Message::Close(Some(frame))).await;
                    break;
                }
                None => break,
            },
            incoming = socket.recv() => {
                let Some(Ok(message)) = incoming else { break };
                let text = match message {
                    Message::Text(text) => text,
                    Message::Close(_) => break,
                    _ => continue,
                };
                let Ok(payload) = serde_json::from_str::<Value>(&text) else {
                    // Discord closes with 4002 "decode error" on a frame it cannot read.
                    let _ = socket.send(Message::Close(Some(CloseFrame { code: 4002, reason: "decode error".into() }))).await;
                    break;
                };
                let answer = match payload["op"].as_u64() {
                    Some(1) => Some(json!({"op": 11, "s": null, "t": null, "d": null})),
                    Some(2) => Some(identify(&state, conn, &payload["d"], tx.clone(), &mut shard)),
                    Some(6) => {
                        // Refusing to resume keeps the stand-in stateless across connections:
                        // the client must IDENTIFY afresh, and nothing is replayed.
                        state.update(|d| d.resumes += 1);
                        Some(json!({"op": 9, "s": null, "t": null, "d": false}))
                    }
                    // Presence updates, member requests, voice: nothing to answer.
                    _ => None,
                };
                if let Some(answer) = answer
                    && send(&mut socket, &answer).await.is_err()
                {
                    break;
                }
            }
        }
    }
    if let Some(id) = shard {
        state.update(|d| {
            if d.shards.get(&id).is_some_and(|s| s.conn == conn) {
                d.shards.remove(&id);
            }
        });
    }
}

/// Registers the shard and builds its READY. Registration happens before READY is sent, and
/// READY goes out on this task before any dispatch queued for the shard, so sequence numbers
/// stay in order.
fn identify(
    state: &State,
    conn: u64,
    d: &Value,
    tx: mpsc::UnboundedSender<Outgoing>,
    shard: &mut Option<u32>,
) -> Value {
    let (id, total) = match d["shard"].as_array().map(Vec::as_slice) {
        Some([id, total]) => (
            id.as_u64().unwrap_or(0) as u32,
            total.as_u64().unwrap_or(1) as u32,
        ),
        _ => (0, 1),
    };
    *shard = Some(id);
    state.update(|data| {
        data.identifies += 1;
        data.shards.insert(
            id,
            ShardConn {
                conn,
                total,
                seq: 1,
                tx,
            },
        );
    });
    let url = format!("{}/gateway", state.base.replacen("http://", "ws://", 1));
    json!({
        "op": 0,
        "s": 1,
        "t": "READY",
        "d": {
            "v": 10,
            "user": objects::bot_user(state.bot_user_id),
            "guilds": [],
            "session_id": format!("session-{conn}"),
            "resume_gateway_url": url,
            "shard": [id, total],
            "application": {"id": state.application_id.to_string(), "flags": 0},
        }
    })
}

/// The shard Discord routes a guild's events to; DMs go to shard 0.
pub fn shard_for(guild_id: Option<u64>, total: u32) -> u32 {
    guild_id.map_or(0, |g| ((g >> 22) % u64::from(total.max(1))) as u32)
}

async fn send(socket: &mut WebSocket, payload: &Value) -> Result<(), axum::Error> {
    socket.send(Message::Text(payload.to_string().into())).await
}
