//! The dashboard: the queue at a glance, today's decisions and the ratings chart.
use axum::Extension;
use axum::extract::State;
use axum::response::Response;

use crate::app::console::ModeratorSession;

use crate::app::console::MonthRatings;

use super::super::views::{Bar, DashboardPage, MonthColumn, Nav, RatingChart, Segment};
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
    RatingChart {
        bars,
        total,
        average: crate::domain::rating::average(counts).map(|a| format!("{a:.2}")),
    }
}

/// Colours of ratings 1 to 5, red to green.
const FILLS: [&str; 5] = ["#c0392b", "#e67e22", "#d4ac0d", "#7fb04f", "#2e8b57"];
const MONTH_STEP: u32 = 40;

/// Stacked bars, one per month, scaled to the busiest month.
fn month_columns(months: &[MonthRatings]) -> Vec<MonthColumn> {
    let busiest = months.iter().map(|m| m.total).max().unwrap_or(0).max(1);
    let scale = |n: u64| u32::try_from(n * u64::from(BAR_AREA_HEIGHT) / busiest).unwrap_or(0);
    months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut bottom = 20 + BAR_AREA_HEIGHT;
            let mut below = 0;
            let segments = (1u8..=5)
                .zip(m.counts)
                .map(|(rating, count)| {
                    // Heights from cumulative counts, so rounding never leaves gaps.
                    below += count;
                    let top = 20 + BAR_AREA_HEIGHT - scale(below);
                    let segment = Segment {
                        rating,
                        count,
                        y: top,
                        height: bottom - top,
                        fill: FILLS[usize::from(rating - 1)],
                    };
                    bottom = top;
                    segment
                })
                .collect();
            MonthColumn {
                month: m.month.clone(),
                label: m.month[5..].to_owned(),
                x: 40 + i as u32 * MONTH_STEP,
                top: bottom,
                total: m.total,
                average: m.average.map(|a| format!("{a:.1}")),
                segments,
            }
        })
        .collect()
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
        months: month_columns(&d.months),
    })
}

#[cfg(test)]
mod tests {
    use super::chart;
    use crate::app::console::MonthRatings;

    #[test]
    fn month_bars_stack_without_gaps() {
        let month = |counts: [u64; 5]| MonthRatings {
            month: "2027-03".into(),
            counts,
            total: counts.iter().sum(),
            average: None,
        };
        let columns = super::month_columns(&[month([1, 0, 1, 0, 1]), month([0; 5])]);
        let full = &columns[0];
        assert_eq!(full.top, 20, "the busiest month fills the height");
        assert_eq!(full.segments.iter().map(|s| s.height).sum::<u32>(), 160);
        assert_eq!(columns[1].segments.iter().map(|s| s.height).sum::<u32>(), 0);
        assert_eq!(full.label, "03");
    }

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
