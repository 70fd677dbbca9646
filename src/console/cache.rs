//! Short-lived copies of what nearly every console request reads: the session behind a cookie
//! and the queue's pages, rendered. A queue page one second old is as good as a fresh one for a
//! page that refreshes itself every 30 seconds, and a stale page can never decide twice (a
//! decision is checked against the stored version); a decision taken here forgets the pages. A
//! session is read from the database again after `ttl`: signing out ends it at once in this
//! process and within `ttl` (one second) in the others sharing the database.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::app::console::ModeratorSession;

/// Past this many pages the copies are dropped rather than grown.
const MAX_PAGES: usize = 1_000;

/// A rendered page of the queue.
pub struct QueueFragment {
    pub total: u64,
    pub html: String,
}

pub struct ConsoleCache {
    ttl: Duration,
    queue: Mutex<HashMap<String, (Instant, Arc<QueueFragment>)>>,
    sessions: Mutex<HashMap<String, (Instant, ModeratorSession)>>,
}

/// Past this many sessions the copies are dropped rather than grown.
const MAX_SESSIONS: usize = 10_000;

impl ConsoleCache {
    /// `ttl` zero turns the cache off.
    pub fn new(ttl: Duration) -> ConsoleCache {
        ConsoleCache {
            ttl,
            queue: Mutex::default(),
            sessions: Mutex::default(),
        }
    }

    pub fn session(&self, token: &str) -> Option<ModeratorSession> {
        let sessions = self.sessions.lock().expect("cache lock");
        sessions
            .get(token)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, session)| session.clone())
    }

    pub fn keep_session(&self, token: &str, session: ModeratorSession) {
        if self.ttl.is_zero() {
            return;
        }
        let mut sessions = self.sessions.lock().expect("cache lock");
        if sessions.len() >= MAX_SESSIONS {
            sessions.clear();
        }
        sessions.insert(token.to_owned(), (Instant::now(), session));
    }

    /// Signed out here: gone at once.
    pub fn forget_session(&self, token: &str) {
        self.sessions.lock().expect("cache lock").remove(token);
    }

    /// A page of the queue as filtered by `key` (its filters and page number).
    pub fn queue_page(&self, key: &str) -> Option<Arc<QueueFragment>> {
        let pages = self.queue.lock().expect("cache lock");
        pages
            .get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, fragment)| fragment.clone())
    }

    pub fn keep_queue_page(&self, key: String, fragment: Arc<QueueFragment>) {
        if self.ttl.is_zero() {
            return;
        }
        let mut pages = self.queue.lock().expect("cache lock");
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert(key, (Instant::now(), fragment));
    }

    /// After a decision or a claim here: the queue changed.
    pub fn forget_queue(&self) {
        self.queue.lock().expect("cache lock").clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Arc<QueueFragment> {
        Arc::new(QueueFragment {
            total: 1,
            html: "<p>1</p>".into(),
        })
    }

    #[test]
    fn pages_expire_and_are_forgotten_after_a_decision() {
        let cache = ConsoleCache::new(Duration::from_millis(50));
        cache.keep_queue_page("1".into(), page());
        assert_eq!(cache.queue_page("1").unwrap().total, 1);
        cache.forget_queue();
        assert!(cache.queue_page("1").is_none());
        cache.keep_queue_page("1".into(), page());
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.queue_page("1").is_none());
    }

    #[test]
    fn sessions_expire_and_are_forgotten_at_sign_out() {
        let alice = ModeratorSession {
            moderator: crate::domain::ids::ModeratorName::parse("alice").unwrap(),
            csrf_token: "t".into(),
        };
        let cache = ConsoleCache::new(Duration::from_millis(50));
        cache.keep_session("tok", alice.clone());
        assert_eq!(cache.session("tok"), Some(alice.clone()));
        cache.forget_session("tok");
        assert_eq!(cache.session("tok"), None);
        cache.keep_session("tok", alice);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.session("tok"), None);
    }

    #[test]
    fn a_zero_ttl_keeps_nothing() {
        let cache = ConsoleCache::new(Duration::ZERO);
        cache.keep_queue_page("1".into(), page());
        assert!(cache.queue_page("1").is_none());
    }
}
