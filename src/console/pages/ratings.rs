//! Ratings per month, public reviews (with unpublish) and consent counts.
use crate::console::words;
use axum::Extension;
use axum::extract::State;

use super::super::extract::Id;
use axum::response::{IntoResponse, Redirect, Response};

use crate::app::console::ModeratorSession;
use crate::domain::ids::ReviewId;

use super::super::security::{CheckedForm, NoFields};
use super::super::views::{ConsentLine, MonthLine, Nav, RatingsPage, ReviewLine};
use super::super::{Console, ConsoleError, format};
use super::render;

pub async fn show(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
) -> Result<Response, ConsoleError> {
    let overview = console.app.ratings_overview().await?;
    let months = overview
        .months
        .iter()
        .map(|m| MonthLine {
            month: m.month.clone(),
            counts: m.counts,
            total: m.total,
            average: m.average.map(|a| format!("{a:.2}")),
        })
        .collect();
    let reviews = overview
        .reviews
        .iter()
        .map(|r| ReviewLine {
            id: r.id.0,
            account: r.account.0,
            user: r.user.0,
            rating: r.rating.value(),
            body: r.body.clone(),
            at: format::utc(r.created_at),
            unpublished: r
                .unpublished
                .as_ref()
                .map(|(by, at)| format!("unpublished by {by} at {}", format::utc(*at))),
        })
        .collect();
    let consents = overview
        .consents
        .iter()
        .map(|(purpose, decision, n)| ConsentLine {
            purpose: words::consent_purpose(*purpose),
            decision: words::consent_decision(*decision),
            count: *n,
        })
        .collect();
    render(&RatingsPage {
        nav: Nav::new(&session, "ratings"),
        months,
        reviews,
        consents,
    })
}

pub async fn unpublish(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(review): Id<i64>,
    CheckedForm(NoFields {}): CheckedForm<NoFields>,
) -> Result<Response, ConsoleError> {
    console
        .app
        .unpublish_review(ReviewId(review), &session.moderator)
        .await?;
    Ok(Redirect::to("/ratings").into_response())
}
