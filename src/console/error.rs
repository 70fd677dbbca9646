//! What the console answers when something goes wrong: a page that says what to do; internal
//! details stay in the log.
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::app::AppError;

use super::views::ErrorPage;

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("{}", super::words::error(.0))]
    App(#[from] AppError),
    #[error(
        "this form has expired or did not come from the console: reload the page and try again"
    )]
    Csrf,
    #[error("there is no such page: use the menu above")]
    NotFound,
    #[error("this address only answers the page's buttons and forms: use the menu above")]
    WrongMethod,
    #[error("{0}")]
    BadInput(String),
    #[error("the page could not be drawn (incident logged): please try again later")]
    Render(#[from] askama::Error),
}

impl ConsoleError {
    fn status(&self) -> StatusCode {
        match self {
            ConsoleError::App(e) if e.is_internal() || super::words::worded(e).is_none() => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            ConsoleError::App(
                AppError::UnknownCampaign(_) | AppError::UnknownAccount | AppError::UnknownReview,
            ) => StatusCode::NOT_FOUND,
            ConsoleError::App(AppError::Busy) => StatusCode::CONFLICT,
            ConsoleError::App(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ConsoleError::BadInput(_) => StatusCode::BAD_REQUEST,
            ConsoleError::Csrf => StatusCode::FORBIDDEN,
            ConsoleError::NotFound => StatusCode::NOT_FOUND,
            ConsoleError::WrongMethod => StatusCode::METHOD_NOT_ALLOWED,
            ConsoleError::Render(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        if let ConsoleError::Render(e) = &self {
            tracing::error!(error = %e, "console template failed");
        }
        let status = self.status();
        let page = ErrorPage {
            nav: super::views::Nav::menu_only(),
            status: status.as_u16(),
            message: self.to_string(),
        };
        match askama::Template::render(&page) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "console error page failed");
                (status, "Herald console: something went wrong").into_response()
            }
        }
    }
}
