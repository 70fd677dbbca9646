//! The dashboard: the queue at a glance, today's decisions and the ratings chart.
use axum::Extension;
use axum::extract::State;
use axum::response::Response;

use crate::app::console::ModeratorSession;

use super::super::views::{Bar, DashboardPage, Nav, RatingChart};
use super::super::{Console, ConsoleError, format};
use super::render;

/// The chart's drawing area, in SVG user units (the template draws axes and labels around it).
const BAR_AREA_HEIGHT: u32 = 160;
const BAR_STEP: u32 = 60;

fn chart(counts: [u64; 5]) -> RatingChart {
    let total: u64 = counts.iter().sum();
    let highest = counts.iter().copied().max().unwrap_or(0).max(1);
    let bars = (1u8..=5)
        .zip(counts)
        .map(|(rating, count)| {
            let height = u32::try_from(count * u64::from(BAR_AREA_HEIGHT) / highest).unwrap_or(0);
            Bar {
                rating,
                count,
                x: 40 + u32::from(rating - 1) * BAR_STEP,
                y: 20 + BAR_AREA_HEIGHT - height,
                height,
            }
        })
        .collect();
    let sum: u64 = (1u64..=5).zip(counts).map(|(r, n)| r * n).sum();
    RatingChart {
        bars,
        total,
        average: (total > 0).then(|| format!("{:.2}", sum as f64 / total as f64)),
    }
}

pub async fn show(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
) -> Result<Response, ConsoleError> {
    let d = console.app.dashboard().await?;
    render(&DashboardPage {
        nav: Nav::new(&session, "dashboard"),
        queue_size: d.queue_size,
        oldest_wait: d.oldest_wait.map(format::wait),
        median_wait: d.median_wait_today.map(format::wait),
        decisions_today: d.decisions_today,
        chart: chart(d.ratings),
    })
}

#[cfg(test)]
mod tests {
    use super::chart;

    #[test]
    fn bars_scale_to_the_highest_count() {
        let c = chart([1, 0, 2, 4, 1]);
        let heights: Vec<u32> = c.bars.iter().map(|b| b.height).collect();
        assert_eq!(heights, [40, 0, 80, 160, 40]);
        assert_eq!(c.total, 8);
        assert_eq!(c.average.as_deref(), Some("3.50"));
        assert!(chart([0; 5]).average.is_none());
    }
}
