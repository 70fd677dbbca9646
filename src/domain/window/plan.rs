//! When a campaign's recipients may receive it, destination by destination: what finalize's
//! summary, the moderator's review and the status show.
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Decision, Destination, SendingPolicy};

/// The recipients of one destination and when they may receive the campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedGroup {
    pub destination: Destination,
    pub recipients: u64,
    pub decision: Decision,
}

/// Every destination of a list, most recipients first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SendPlan {
    pub groups: Vec<PlannedGroup>,
}

impl SendPlan {
    /// The plan for a send at `at`, from a list's counts per destination.
    pub fn new(
        policy: &SendingPolicy,
        destinations: &[(Destination, u64)],
        at: DateTime<Utc>,
    ) -> SendPlan {
        let mut groups: Vec<PlannedGroup> = destinations
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(destination, recipients)| PlannedGroup {
                destination: *destination,
                recipients: *recipients,
                decision: policy.decide(destination, at),
            })
            .collect();
        groups.sort_by_key(|g| std::cmp::Reverse(g.recipients));
        SendPlan { groups }
    }

    /// When the first message may go: `at` if anyone's window is open then, else the earliest
    /// opening; `None` without recipients.
    pub fn first_send(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.groups
            .iter()
            .map(|g| match g.decision {
                Decision::Now => at,
                Decision::NotBefore { at, .. } => at,
            })
            .min()
    }

    /// How many recipients wait for their window to open.
    pub fn waiting(&self) -> u64 {
        self.groups
            .iter()
            .filter(|g| g.decision != Decision::Now)
            .map(|g| g.recipients)
            .sum()
    }

    /// The groups that wait, soonest opening first.
    pub fn waiting_groups(&self) -> impl Iterator<Item = &PlannedGroup> {
        let mut waiting: Vec<&PlannedGroup> = self
            .groups
            .iter()
            .filter(|g| g.decision != Decision::Now)
            .collect();
        waiting.sort_by_key(|g| match g.decision {
            Decision::NotBefore { at, .. } => Some(at),
            Decision::Now => None,
        });
        waiting.into_iter()
    }
}
