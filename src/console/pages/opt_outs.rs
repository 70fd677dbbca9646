//! An account's opt-out list: each number with since when and why, searchable by digits.
use axum::Extension;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::app::console::ModeratorSession;
use crate::domain::effects::Actor;
use crate::domain::ids::AccountId;
use crate::domain::opt_out::OptOutEntry;
use crate::english;

use super::super::extract::{Id, Params};
use super::super::security::CheckedForm;
use super::super::views::{Nav, OptOutRow, OptOutsPage};
use super::super::{Console, ConsoleError, format, words};
use super::render;

const PAGE: u32 = 100;

#[derive(Debug, Default, Deserialize)]
pub struct OptOutQuery {
    /// Digits of the number, anywhere in it.
    #[serde(default)]
    q: String,
    /// The last number of the previous page.
    #[serde(default)]
    after: String,
}

pub async fn show(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(account): Id<u64>,
    Params(query): Params<OptOutQuery>,
) -> Result<Response, ConsoleError> {
    page(&console, &session, AccountId(account), &query, None, None).await
}

#[derive(Debug, Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    number: String,
}

/// Everything the account keeps about a number, as a JSON download (the person's access
/// right). A form, not a link: the number stays out of URLs and logs.
pub async fn export(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(account): Id<u64>,
    CheckedForm(form): CheckedForm<ExportForm>,
) -> Result<Response, ConsoleError> {
    let account = AccountId(account);
    let by = Actor::Moderator(session.moderator.clone());
    match console.app.export_contact(account, &form.number, by).await {
        Ok(export) => {
            let json =
                serde_json::to_vec_pretty(&export).map_err(crate::app::AppError::internal)?;
            let file = format!("{}-data.json", export.number.trim_start_matches('+'));
            Ok((
                [
                    (header::CONTENT_TYPE, "application/json".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{file}\""),
                    ),
                ],
                json,
            )
                .into_response())
        }
        Err(e) => match words::worded(&e) {
            Some(error) => {
                let query = OptOutQuery::default();
                page(&console, &session, account, &query, None, Some(error)).await
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Debug, Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    number: String,
    /// The box saying the moderator knows it cannot be undone.
    #[serde(default)]
    confirm: String,
}

/// Erases a number's data from the account, keeping anonymous counts (and its opt-out entry).
pub async fn erase(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(account): Id<u64>,
    CheckedForm(form): CheckedForm<EraseForm>,
) -> Result<Response, ConsoleError> {
    let account = AccountId(account);
    let query = OptOutQuery::default();
    if form.confirm != "yes" {
        let error = "tick the box to confirm: an erasure cannot be undone".to_owned();
        return page(&console, &session, account, &query, None, Some(error)).await;
    }
    let by = Actor::Moderator(session.moderator.clone());
    match console.app.erase_contact(account, &form.number, by).await {
        Ok(erased) => {
            let notice = english::erased(&erased);
            page(&console, &session, account, &query, Some(notice), None).await
        }
        Err(e) => match words::worded(&e) {
            Some(error) => page(&console, &session, account, &query, None, Some(error)).await,
            None => Err(e.into()),
        },
    }
}

async fn page(
    console: &Console,
    session: &ModeratorSession,
    account: AccountId,
    query: &OptOutQuery,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, ConsoleError> {
    let (details, _) = console.app.account(account).await?;
    let search = Some(query.q.trim()).filter(|q| !q.is_empty());
    let after = Some(query.after.trim()).filter(|a| !a.is_empty());
    let entries = console
        .app
        .opt_out_page(account, search, after, PAGE + 1)
        .await?;
    let more = entries.len() > PAGE as usize;
    let rows: Vec<OptOutRow> = entries.iter().take(PAGE as usize).map(row).collect();
    let next = more.then(|| {
        let last = rows.last().map(|r| r.phone.as_str()).unwrap_or_default();
        format!(
            "?{}",
            serde_urlencoded::to_string([("q", query.q.trim()), ("after", last)])
                .unwrap_or_default()
        )
    });
    render(&OptOutsPage {
        nav: Nav::new(session, "accounts"),
        notice,
        error,
        account_id: account.0,
        account_name: details.name,
        q: query.q.trim().to_owned(),
        rows,
        next,
    })
}

fn row(entry: &OptOutEntry) -> OptOutRow {
    OptOutRow {
        phone: entry.phone.as_e164().to_owned(),
        since: format::utc(entry.since),
        reason: english::opt_out_reason(entry.reason),
        by: entry.by.as_ref().map(words::actor).unwrap_or_default(),
    }
}
