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

use std::collections::HashMap;

use super::{Console, ConsoleError};
use crate::domain::effects::Actor;
use crate::domain::ids::{AccountId, UserId};
use crate::store::AuditRecord;

/// Discord members' names as the bot last saw them, by account.
pub type PeopleNames = HashMap<(AccountId, UserId), String>;

/// The names of the Discord members acting in `records`.
pub async fn people_named(
    console: &Console,
    records: &[AuditRecord],
) -> Result<PeopleNames, ConsoleError> {
    let mut by_account: HashMap<AccountId, Vec<UserId>> = HashMap::new();
    for r in records {
        if let Actor::User(user) = r.actor {
            by_account.entry(r.account).or_default().push(user);
        }
    }
    let mut names = PeopleNames::new();
    for (account, users) in by_account {
        for (user, name) in console.app.names(account, &users).await? {
            names.insert((account, user), name);
        }
    }
    Ok(names)
}

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
