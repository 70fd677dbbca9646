//! A campaign's page: versions and decisions, the delivery curve and funnel of its latest
//! version, bounce reasons, what was not sent, and its credit lines.
use axum::Extension;
use axum::extract::State;
use axum::response::Response;

use crate::app::SentFigures;
use crate::app::console::ModeratorSession;
use crate::domain::ids::CampaignId;
use crate::english;
use crate::store::Timeline;

use super::super::extract::Id;
use super::super::views::{
    AuditRow, CampaignPageView, DeliveryCurve, FunnelBar, LedgerRow, Nav, SentView,
};
use super::super::{Console, ConsoleError, format, words};
use super::render;

/// The curve's plot area, in SVG user units (the template draws axes and labels around it).
const PLOT_LEFT: u64 = 50;
const PLOT_WIDTH: u64 = 500;
const PLOT_TOP: u64 = 20;
const PLOT_HEIGHT: u64 = 160;
/// The funnel's longest bar and the step between bars.
const FUNNEL_WIDTH: u64 = 280;
const FUNNEL_STEP: u32 = 34;

/// Cumulative delivered and bounced counts, scaled to the plot.
fn curve(timeline: &Timeline) -> DeliveryCurve {
    let total: u64 = timeline.buckets.iter().map(|(d, b)| d + b).sum();
    let top = timeline
        .buckets
        .iter()
        .map(|(d, _)| d)
        .sum::<u64>()
        .max(timeline.buckets.iter().map(|(_, b)| b).sum())
        .max(1);
    let steps = timeline.buckets.len().max(1) as u64;
    let point = |i: u64, value: u64| {
        format!(
            "{},{}",
            PLOT_LEFT + i * PLOT_WIDTH / steps,
            PLOT_TOP + PLOT_HEIGHT - value * PLOT_HEIGHT / top
        )
    };
    let line = |pick: fn(&(u64, u64)) -> u64| {
        let mut sum = 0;
        let mut points = vec![point(0, 0)];
        for (i, bucket) in timeline.buckets.iter().enumerate() {
            sum += pick(bucket);
            points.push(point(i as u64 + 1, sum));
        }
        points.join(" ")
    };
    DeliveryCurve {
        delivered: line(|b| b.0),
        bounced: line(|b| b.1),
        top,
        start: timeline.start.map(format::utc).unwrap_or_default(),
        end: timeline.end.map(format::utc).unwrap_or_default(),
        empty: total == 0,
    }
}

fn funnel(s: &SentFigures) -> Vec<FunnelBar> {
    let f = &s.funnel;
    let base = f.recipients.max(1);
    [
        ("To send", f.recipients),
        ("Handed to the gateway", f.submitted),
        ("Delivered", f.delivered),
        ("Clicked a link", f.clicked),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (label, count))| FunnelBar {
        label,
        count,
        percent: count * 100 / base,
        y: 10 + i as u32 * FUNNEL_STEP,
        width: u32::try_from(count * FUNNEL_WIDTH / base)
            .unwrap_or(0)
            .max(1),
    })
    .collect()
}

pub async fn show(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(campaign): Id<i64>,
) -> Result<Response, ConsoleError> {
    let page = console.app.campaign_page(CampaignId(campaign)).await?;
    let sent = page.sent.as_ref().map(|s| SentView {
        version: s.version,
        curve: curve(&s.timeline),
        funnel: funnel(s),
        clicks: s.funnel.clicks,
        bounce_reasons: s.bounce_reasons.clone(),
        opted_out: s.counts.opted_out(),
        outside_hours: s.counts.outside_hours,
        stopped: s.counts.stopped,
        left_out: s.counts.left_out,
    });
    let names = super::people_named(&console, &page.audit).await?;
    let audit = page
        .audit
        .iter()
        .map(|a| AuditRow {
            at: format::utc(a.at),
            version: a.campaign.map_or(0, |(_, v)| v),
            what: english::audit_action(a.action),
            by: words::actor_named(&a.actor, a.account, &names),
            detail: a.detail.clone(),
        })
        .collect();
    let ledger = page
        .ledger
        .iter()
        .map(|l| LedgerRow {
            at: format::utc(l.at),
            version: l.campaign.map_or(0, |(_, v)| v),
            kind: english::ledger_kind(l.kind),
            amount: l.amount.0,
            reason: l.reason.clone().unwrap_or_default(),
        })
        .collect();
    render(&CampaignPageView {
        nav: Nav::new(&session, "campaigns"),
        campaign_id: campaign,
        name: page.campaign.name.to_string(),
        account: page.account_name,
        state: words::state_words(page.campaign.state),
        sent,
        audit,
        ledger,
    })
}

#[cfg(test)]
mod tests {
    use super::curve;
    use crate::store::Timeline;

    #[test]
    fn the_curve_adds_up_each_outcome_and_scales_to_the_larger() {
        let c = curve(&Timeline {
            start: None,
            end: None,
            buckets: vec![(2, 0), (0, 1), (2, 1)],
        });
        // 4 delivered in all: the top of the plot (y = 20); bounced reach half of it.
        assert_eq!(c.top, 4);
        assert_eq!(c.delivered, "50,180 216,100 383,100 550,20");
        assert_eq!(c.bounced, "50,180 216,180 383,140 550,100");
        assert!(!c.empty);
        assert!(curve(&Timeline::default()).empty);
    }
}
