//! The queue: versions waiting for review, oldest first.
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;

use crate::app::console::ModeratorSession;

use super::super::views::{Nav, QueuePage, SubmissionCard};
use super::super::{Console, ConsoleError};
use super::{PageQuery, render};

pub async fn show(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Query(query): Query<PageQuery>,
) -> Result<Response, ConsoleError> {
    let queue = console.app.review_queue(query.page.unwrap_or(1)).await?;
    let cards = queue
        .reviews
        .iter()
        .filter_map(|r| SubmissionCard::of(&r.campaign, &r.account_name, &r.refusals, queue.now))
        .collect();
    render(&QueuePage {
        nav: Nav::new(&session, "queue"),
        total: queue.total,
        page: queue.page,
        pages: queue.pages,
        cards,
    })
}
