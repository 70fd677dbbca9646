//! Typed results for the adapters to render.
use crate::domain::delivery::DeliveryCounts;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::campaign::{Campaign, CampaignState, RefusalCode, Review, Reviewer};
use crate::domain::credits::{Balance, Credits};
use crate::domain::window::PlannedGroup;
use crate::store::LedgerLine;

#[derive(Debug, Clone, Serialize)]
pub struct CreditsView {
    pub balance: Balance,
    pub ledger: Vec<LedgerLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusalView {
    pub version: u32,
    pub code: RefusalCode,
    pub reason: String,
    pub by: Reviewer,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CampaignStatus {
    pub name: String,
    pub state: CampaignState,
    pub version: Option<u32>,
    pub percent: u8,
    pub recipients: Option<u64>,
    pub cost: Option<Credits>,
    pub send_local: Option<String>,
    pub send_zone: Option<&'static str>,
    pub send_utc: Option<DateTime<Utc>>,
    pub refusal: Option<RefusalView>,
    pub draft_recipients: Option<u64>,
    pub draft_segments: Option<u8>,
    pub cancellable: bool,
    /// Sending, and asked to stop: what was not handed to the gateway will not be sent.
    pub stopping: bool,
    /// Sending or sent: the messages counted by status.
    pub deliveries: Option<DeliveryCounts>,
    /// Recipients waiting for their sending window, by destination, soonest opening first.
    pub waiting_for_window: Vec<PlannedGroup>,
}

impl CampaignStatus {
    /// The status with the progress of its messages.
    pub fn with_deliveries(mut self, counts: DeliveryCounts) -> CampaignStatus {
        self.percent = counts.percent();
        self.deliveries = Some(counts);
        self
    }

    pub fn of(c: &Campaign) -> CampaignStatus {
        let s = c.submission.as_ref();
        let refusal = c.refusal().and_then(|r| {
            let sub = s?;
            let Review::Refused { by, at, .. } = &sub.review else {
                return None;
            };
            Some(RefusalView {
                version: sub.version,
                code: r.code(),
                reason: r.text().to_owned(),
                by: by.clone(),
                at: *at,
            })
        });
        // Progress comes from the deliveries (`with_deliveries`); without them, 0% until done.
        let percent = if c.state == CampaignState::Completed {
            100
        } else {
            0
        };
        let stopping =
            c.state == CampaignState::Sending && s.is_some_and(|s| s.cancelled.is_some());
        let in_flight = !matches!(
            c.state,
            CampaignState::Draft | CampaignState::AwaitingConfirmation
        );
        let at = s.filter(|_| in_flight).and_then(|s| s.mode.send_at());
        CampaignStatus {
            name: c.name.to_string(),
            state: c.state,
            version: s.map(|s| s.version),
            percent,
            recipients: s.filter(|_| in_flight).map(|s| s.recipients.count),
            cost: s.filter(|_| in_flight).map(|s| s.cost),
            send_local: at.map(|a| a.local().format("%Y-%m-%d %H:%M").to_string()),
            send_zone: at.map(|a| a.zone().name()),
            send_utc: at.map(|a| a.utc()),
            refusal,
            draft_recipients: c.draft.recipients.map(|l| l.count),
            draft_segments: c.draft.body.as_ref().map(|b| b.segments()),
            cancellable: c.can_be_cancelled(),
            stopping,
            deliveries: None,
            waiting_for_window: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CampaignListItem {
    pub name: String,
    pub state: CampaignState,
    pub version: Option<u32>,
    /// Back in draft because this version was refused.
    pub refusal: Option<RefusalView>,
    pub stopping: bool,
    pub updated_at: DateTime<Utc>,
}

impl CampaignListItem {
    pub fn of(c: &Campaign) -> CampaignListItem {
        let status = CampaignStatus::of(c);
        CampaignListItem {
            name: status.name,
            state: c.state,
            version: status.version,
            refusal: status.refusal,
            stopping: status.stopping,
            updated_at: c.updated_at,
        }
    }
}
