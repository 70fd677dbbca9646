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
use super::super::views::{AccountRow, AccountsPage, ConfirmStepPage, Nav};
use super::super::{Console, ConsoleError, words};
use super::render;

/// Credits above this ask for a confirmation step: a typo of one zero is real money.
pub const CONFIRM_CREDIT_ABOVE: u64 = 10_000;

#[derive(Debug, Deserialize)]
pub struct AutoValidationForm {
    /// "on" or "off".
    enabled: String,
    /// "yes" once confirmed (turning it on asks again).
    #[serde(default)]
    confirm: String,
}

#[derive(Debug, Deserialize)]
pub struct CreditForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
    /// "yes" once confirmed (a large credit asks again).
    #[serde(default)]
    confirm: String,
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
    if on && form.confirm != "yes" {
        let (details, _) = console.app.account(AccountId(account)).await?;
        return render(&ConfirmStepPage {
            nav: Nav::new(&session, "accounts"),
            title: format!("Turn automatic validation on for {}?", details.name),
            explanation: "Its campaigns will then be approved as soon as their owner confirms them, and sent without any moderator reading them first. Turn it on only for an account you trust.".to_owned(),
            action: format!("/accounts/{account}/auto-validation"),
            fields: vec![("enabled", "on".to_owned())],
            button: "Turn automatic validation on",
            back: "/accounts".to_owned(),
        });
    }
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
    if amount.credits().0 > CONFIRM_CREDIT_ABOVE && form.confirm != "yes" {
        let (details, balance) = console.app.account(AccountId(account)).await?;
        return render(&ConfirmStepPage {
            nav: Nav::new(&session, "accounts"),
            title: format!("Add {} credits to {}?", amount.credits().0, details.name),
            explanation: format!(
                "That is more than {CONFIRM_CREDIT_ABOVE} credits at once: check the amount. The balance goes from {} to {} available; the reason \"{reason}\" is kept in the ledger and the audit log.",
                balance.available.0,
                balance.available.0.saturating_add(amount.credits().0)
            ),
            action: format!("/accounts/{account}/credit"),
            fields: vec![
                ("amount", form.amount.clone()),
                ("reason", reason.to_owned()),
            ],
            button: "Add the credits",
            back: "/accounts".to_owned(),
        });
    }
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
