//! Sending windows: when marketing SMS may reach people, per country. (stub)
use chrono::{DateTime, Utc};

use super::phone::Region;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WindowFlag {
    Sunday { local: String },
    PublicHoliday { local: String, holiday: String },
    OutsideHours { local: String, opens: String, closes: String },
}

impl std::fmt::Display for WindowFlag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        todo!()
    }
}

#[derive(Debug, Clone)]
pub struct SendingWindowPolicy {
    _private: (),
}

impl SendingWindowPolicy {
    /// The policy for recipients in `region`; the strict French rule when none is known.
    pub fn for_region(region: Region) -> SendingWindowPolicy {
        let _ = region;
        todo!()
    }
    /// Flags for a send at `at`; empty when it is inside the window.
    pub fn check(&self, at: DateTime<Utc>) -> Vec<WindowFlag> {
        let _ = at;
        todo!()
    }
}
