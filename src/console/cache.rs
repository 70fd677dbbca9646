//! A short-lived copy of the queue's pages, rendered: nearly every console request is a queue
//! page. A page one second old is as good as a fresh one for a page that refreshes itself every
//! 30 seconds, and a stale page can never decide twice (a decision is checked against the stored
//! version); a decision taken in this process forgets the copies at once. Sessions are not
//! cached: signing out anywhere must end a session everywhere at once.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Past this many pages the copies are dropped rather than grown.
const MAX_PAGES: usize = 1_000;

/// A rendered page of the queue.
pub struct QueueFragment {
    pub total: u64,
    pub html: String,
}

pub struct ConsoleCache {
    ttl: Duration,
    queue: Mutex<HashMap<u32, (Instant, Arc<QueueFragment>)>>,
}

impl ConsoleCache {
    /// `ttl` zero turns the cache off.
    pub fn new(ttl: Duration) -> ConsoleCache {
        ConsoleCache {
            ttl,
            queue: Mutex::default(),
        }
    }

    pub fn queue_page(&self, page: u32) -> Option<Arc<QueueFragment>> {
        let pages = self.queue.lock().expect("cache lock");
        pages
            .get(&page)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, fragment)| fragment.clone())
    }

    pub fn keep_queue_page(&self, page: u32, fragment: Arc<QueueFragment>) {
        if self.ttl.is_zero() {
            return;
        }
        let mut pages = self.queue.lock().expect("cache lock");
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert(page, (Instant::now(), fragment));
    }

    /// After a decision here: the queue changed.
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
        cache.keep_queue_page(1, page());
        assert_eq!(cache.queue_page(1).unwrap().total, 1);
        cache.forget_queue();
        assert!(cache.queue_page(1).is_none());
        cache.keep_queue_page(1, page());
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.queue_page(1).is_none());
    }

    #[test]
    fn a_zero_ttl_keeps_nothing() {
        let cache = ConsoleCache::new(Duration::ZERO);
        cache.keep_queue_page(1, page());
        assert!(cache.queue_page(1).is_none());
    }
}
