//! Campaigns sending now, with their progress, and those held for credit.
use axum::Extension;
use axum::extract::State;
use axum::response::Response;

use crate::app::console::ModeratorSession;
use crate::domain::window::Decision;
use crate::english;

use super::super::views::{CampaignsPage, HoldRow, Nav, ProgressRow};
use super::super::{Console, ConsoleError, format};
use super::render;

pub async fn show(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
) -> Result<Response, ConsoleError> {
    let overview = console.app.campaigns_overview().await?;
    let sending = overview
        .sending
        .iter()
        .map(|p| ProgressRow {
            campaign_id: p.campaign.id.0,
            name: p.campaign.name.to_string(),
            version: p.campaign.submission.as_ref().map_or(0, |s| s.version),
            percent: p.counts.percent(),
            total: p.counts.to_send(),
            delivered: p.counts.delivered,
            retrying: p.counts.retrying,
            bounced: p.counts.bounced,
            next_retry: p.counts.next_retry.map(format::utc),
            outside_hours: p.counts.outside_hours,
            opted_out: p.counts.opted_out(),
            waiting: p
                .waiting_for_window
                .iter()
                .filter_map(|g| match &g.decision {
                    Decision::NotBefore { at, because } => Some(format!(
                        "{} from {} ({})",
                        g.recipients,
                        english::opening(&g.destination, *at),
                        english::closed_because(because)
                    )),
                    Decision::Now => None,
                })
                .collect(),
        })
        .collect();
    let on_hold = overview
        .on_hold
        .iter()
        .filter_map(|c| {
            let s = c.submission.as_ref()?;
            Some(HoldRow {
                campaign_id: c.id.0,
                name: c.name.to_string(),
                version: s.version,
                cost: s.cost.0,
                since: format::utc(c.updated_at),
            })
        })
        .collect();
    render(&CampaignsPage {
        nav: Nav::new(&session, "campaigns"),
        sending,
        on_hold,
    })
}
