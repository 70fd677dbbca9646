//! Refusal reasons kept for reuse: listed, added, changed and deleted by moderators (each
//! change logged with who made it).
use axum::Extension;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::extract::Id;
use crate::app::console::ModeratorSession;
use crate::domain::refusal::RefusalCode;

use super::super::security::CheckedForm;
use super::super::views::{Nav, ReasonRow, ReasonsPage};
use super::super::{Console, ConsoleError, format, words};
use super::render;

/// How many of the list's last changes the page shows.
const CHANGES_SHOWN: u32 = 20;

#[derive(Debug, Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    text: String,
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {}

pub async fn show(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
) -> Result<Response, ConsoleError> {
    page(&console, &session, None, None, None).await
}

async fn page(
    console: &Console,
    session: &ModeratorSession,
    notice: Option<String>,
    error: Option<String>,
    typed: Option<&ReasonForm>,
) -> Result<Response, ConsoleError> {
    let rows = console
        .app
        .canned_reasons()
        .await?
        .into_iter()
        .map(|r| ReasonRow {
            id: r.id,
            label: r.label.as_str().to_owned(),
            code: r.refusal.code().as_str().to_owned(),
            text: r.refusal.text().to_owned(),
        })
        .collect();
    let changes = console
        .app
        .reason_changes(CHANGES_SHOWN)
        .await?
        .into_iter()
        .map(|c| {
            (
                format::utc(c.at),
                c.moderator.to_string(),
                words::console_change(&c.action),
                c.detail,
            )
        })
        .collect();
    let mut response = render(&ReasonsPage {
        changes,
        nav: Nav::new(session, "reasons"),
        rows,
        notice,
        error: error.clone(),
        label: typed.map(|t| t.label.clone()).unwrap_or_default(),
        code: typed.map(|t| t.code.clone()).unwrap_or_default(),
        text: typed.map(|t| t.text.clone()).unwrap_or_default(),
        max_text: crate::domain::campaign::Refusal::MAX_CHARS,
    })?;
    if error.is_some() {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

async fn save(
    console: &Console,
    session: &ModeratorSession,
    id: Option<i64>,
    form: &ReasonForm,
) -> Result<Response, ConsoleError> {
    let Some(code) = RefusalCode::parse(&form.code) else {
        let error = "choose the reason's code: technical or code of conduct".to_owned();
        return page(console, session, None, Some(error), Some(form)).await;
    };
    match console
        .app
        .save_canned_reason(id, &form.label, code, &form.text, &session.moderator)
        .await
    {
        Ok(()) => Ok(Redirect::to("/reasons").into_response()),
        Err(e) => match words::worded(&e) {
            Some(error) => page(console, session, None, Some(error), Some(form)).await,
            None => Err(e.into()),
        },
    }
}

pub async fn add(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    CheckedForm(form): CheckedForm<ReasonForm>,
) -> Result<Response, ConsoleError> {
    save(&console, &session, None, &form).await
}

pub async fn change(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(id): Id<i64>,
    CheckedForm(form): CheckedForm<ReasonForm>,
) -> Result<Response, ConsoleError> {
    save(&console, &session, Some(id), &form).await
}

pub async fn delete(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(id): Id<i64>,
    CheckedForm(_): CheckedForm<DeleteForm>,
) -> Result<Response, ConsoleError> {
    match console
        .app
        .delete_canned_reason(id, &session.moderator)
        .await
    {
        Ok(()) => Ok(Redirect::to("/reasons").into_response()),
        Err(e) => match words::worded(&e) {
            Some(error) => page(&console, &session, None, Some(error), None).await,
            None => Err(e.into()),
        },
    }
}
