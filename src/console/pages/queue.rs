//! The queue: versions waiting for review, oldest first.
use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::State;

use super::super::extract::Params;
use axum::response::Response;

use crate::app::console::ModeratorSession;

use super::super::cache::QueueFragment;
use super::super::views::{Nav, QueueCards, QueuePage, SubmissionCard};
use super::super::{Console, ConsoleError};
use super::{PageQuery, render};

/// The rendered cards of one page, reused for a moment (`cache.rs`).
async fn fragment(console: &Console, page: u32) -> Result<Arc<QueueFragment>, ConsoleError> {
    if let Some(kept) = console.cache.queue_page(page) {
        return Ok(kept);
    }
    let queue = console.app.review_queue(page).await?;
    let cards = queue
        .reviews
        .iter()
        .filter_map(|r| SubmissionCard::of(&r.campaign, &r.account_name, &r.refusals, queue.now))
        .collect();
    let html = QueueCards {
        page: queue.page,
        pages: queue.pages,
        cards,
    }
    .render()?;
    let fragment = Arc::new(QueueFragment {
        total: queue.total,
        html,
    });
    console.cache.keep_queue_page(page, fragment.clone());
    Ok(fragment)
}

pub async fn show(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Params(query): Params<PageQuery>,
) -> Result<Response, ConsoleError> {
    let fragment = fragment(&console, query.page.unwrap_or(1)).await?;
    render(&QueuePage {
        nav: Nav::new(&session, "queue"),
        total: fragment.total,
        cards: &fragment.html,
    })
}
