//! What the running parts report about themselves, for `readyz`: the gateway's last accepted
//! message, the bot's shards, and whether the process is stopping.
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Default)]
pub struct Vitals {
    /// Unix seconds of the last message the gateway accepted, or of its last answered probe.
    gateway_seen: AtomicI64,
    delivering: AtomicBool,
    bot_on: AtomicBool,
    shards_expected: AtomicU32,
    shards_connected: AtomicU32,
    stopping: AtomicBool,
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Vitals {
    pub fn new() -> Vitals {
        Vitals::default()
    }

    /// The gateway answered (a message accepted, or its status page).
    pub fn gateway_answered(&self) {
        self.gateway_seen.store(unix_now(), Ordering::Relaxed);
    }

    /// Seconds since the gateway last answered; `None` if it never did.
    pub fn gateway_silent_for(&self) -> Option<i64> {
        match self.gateway_seen.load(Ordering::Relaxed) {
            0 => None,
            at => Some(unix_now() - at),
        }
    }

    pub fn set_delivering(&self, on: bool) {
        self.delivering.store(on, Ordering::Relaxed);
    }

    pub fn delivering(&self) -> bool {
        self.delivering.load(Ordering::Relaxed)
    }

    pub fn set_bot_on(&self, on: bool) {
        self.bot_on.store(on, Ordering::Relaxed);
    }

    pub fn bot_on(&self) -> bool {
        self.bot_on.load(Ordering::Relaxed)
    }

    pub fn set_shards(&self, expected: u32, connected: u32) {
        self.shards_expected.store(expected, Ordering::Relaxed);
        self.shards_connected.store(connected, Ordering::Relaxed);
    }

    /// (connected, expected).
    pub fn shards(&self) -> (u32, u32) {
        (
            self.shards_connected.load(Ordering::Relaxed),
            self.shards_expected.load(Ordering::Relaxed),
        )
    }

    /// The process is shutting down: a load balancer should stop sending it work.
    pub fn begin_stopping(&self) {
        self.stopping.store(true, Ordering::Relaxed);
    }

    pub fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }
}
