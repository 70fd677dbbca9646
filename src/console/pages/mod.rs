//! One handler file per console area.
pub mod account;
pub mod accounts;
pub mod audiences;
pub mod campaign;
pub mod campaigns;
pub mod dashboard;
pub mod history;
pub mod login;
pub mod opt_outs;
pub mod queue;
pub mod ratings;
pub mod reasons;
pub mod results;
pub mod review;

use askama::Template;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};

use super::ConsoleError;

const STYLESHEET: &str = include_str!("../../../templates/console.css");

/// A template as an HTML response.
pub fn render(page: &impl Template) -> Result<Response, ConsoleError> {
    Ok(Html(page.render()?).into_response())
}

pub async fn stylesheet() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

pub async fn not_found() -> ConsoleError {
    ConsoleError::NotFound
}

pub async fn wrong_method() -> ConsoleError {
    ConsoleError::WrongMethod
}
