//! Accounts: balances, automatic validation and credit top-ups (both audited).
use axum::Extension;
use axum::extract::State;

use super::super::extract::{Id, Params};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::app::console::ModeratorSession;
use crate::domain::credits::TopUp;
use crate::domain::effects::Actor;
use crate::domain::ids::AccountId;

use super::super::security::CheckedForm;
use super::super::views::{AccountRow, AccountsPage, Nav};
use super::super::{Console, ConsoleError, words};
use super::render;

#[derive(Debug, Deserialize)]
pub struct AutoValidationForm {
    /// "on" or "off".
    enabled: String,
}

#[derive(Debug, Deserialize)]
pub struct CreditForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
}

/// What the last action did, carried across the redirect.
#[derive(Debug, Default, Deserialize)]
pub struct Notice {
    done: Option<String>,
}

pub async fn show(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Params(notice): Params<Notice>,
) -> Result<Response, ConsoleError> {
    let notice = match notice.done.as_deref() {
        Some("credit") => Some("Credit added.".to_owned()),
        Some("auto-validation") => Some("Automatic validation changed.".to_owned()),
        _ => None,
    };
    page(&console, &session, notice, None).await
}

async fn page(
    console: &Console,
    session: &ModeratorSession,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, ConsoleError> {
    let accounts = console
        .app
        .accounts_overview()
        .await?
        .into_iter()
        .map(|(a, b)| AccountRow {
            id: a.id.0,
            name: a.name,
            available: b.available.0,
            reserved: b.reserved.0,
            auto_validation: a.auto_validation,
        })
        .collect();
    let failed = error.is_some();
    let mut response = render(&AccountsPage {
        nav: Nav::new(session, "accounts"),
        accounts,
        notice,
        error,
    })?;
    if failed {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

pub async fn auto_validation(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(account): Id<u64>,
    CheckedForm(form): CheckedForm<AutoValidationForm>,
) -> Result<Response, ConsoleError> {
    let on = match form.enabled.as_str() {
        "on" => true,
        "off" => false,
        other => {
            return Err(ConsoleError::BadInput(format!(
                "\"{other}\" is not a setting for automatic validation: use on or off"
            )));
        }
    };
    console
        .app
        .set_auto_validation(AccountId(account), on, &session.moderator)
        .await?;
    Ok(Redirect::to("/accounts?done=auto-validation").into_response())
}

pub async fn credit(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(account): Id<u64>,
    CheckedForm(form): CheckedForm<CreditForm>,
) -> Result<Response, ConsoleError> {
    let reason = form.reason.trim();
    let amount = TopUp::parse(&form.amount);
    let failure = match (&amount, reason.is_empty()) {
        (Err(e), _) => Some(words::error(&e.clone().into())),
        (Ok(_), true) => Some(
            "say why the credit is added: the reason is kept in the ledger and the audit log"
                .to_owned(),
        ),
        _ => None,
    };
    if let Some(message) = failure {
        return page(&console, &session, None, Some(message)).await;
    }
    let amount = amount.expect("checked above");
    match console
        .app
        .credit(
            AccountId(account),
            amount,
            reason,
            Actor::Moderator(session.moderator.clone()),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/accounts?done=credit").into_response()),
        Err(e) if !e.is_internal() && !matches!(e, crate::app::AppError::UnknownAccount) => {
            page(&console, &session, None, Some(words::error(&e))).await
        }
        Err(e) => Err(e.into()),
    }
}
