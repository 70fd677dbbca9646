//! Signing in and out.
use axum::Extension;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::app::AppError;
use crate::app::console::SESSION_LIFETIME;
use crate::domain::ids::ModeratorName;

use super::super::security::{CheckedForm, NoFields, csrf_matches};
use super::super::session::{
    LOGIN_COOKIE, SESSION_COOKIE, SessionToken, client_address, cookie, set_cookie,
};
use super::super::views::LoginPage;
use super::super::{Console, ConsoleError, words};
use super::render;

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

/// The sign-in form, with a fresh token in a short-lived cookie (the form's CSRF check before
/// any session exists).
pub async fn form(
    State(console): State<Console>,
    headers: HeaderMap,
) -> Result<Response, ConsoleError> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE)
        && console.app.console_session(token).await?.is_some()
    {
        return Ok(Redirect::to("/queue").into_response());
    }
    let token = cookie(&headers, LOGIN_COOKIE).map(str::to_owned);
    page(&console, token, String::new(), None, StatusCode::OK)
}

/// The sign-in page. It keeps the browser's form token when it has a well-formed one: a second
/// load (another tab, the browser fetching /favicon.ico through the redirect) must not void the
/// form already shown.
fn page(
    console: &Console,
    token: Option<String>,
    name: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, ConsoleError> {
    let csrf = match token.filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())) {
        Some(kept) => kept,
        None => crate::app::console::new_form_token()?,
    };
    let cookie = set_cookie(console.config, LOGIN_COOKIE, &csrf, "/login", 3_600);
    let mut response = render(&LoginPage { csrf, name, error })?;
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(SET_COOKIE, cookie.parse().expect("cookie is ASCII"));
    Ok(response)
}

pub async fn submit(
    State(console): State<Console>,
    request: Request,
) -> Result<Response, ConsoleError> {
    let address = client_address(request.extensions());
    let expected = cookie(request.headers(), LOGIN_COOKIE)
        .unwrap_or_default()
        .to_owned();
    let form: SignInForm = super::super::extract::form(request).await?;
    if !csrf_matches(&form.csrf, &expected) {
        return Err(ConsoleError::Csrf);
    }
    match console
        .app
        .sign_in(&form.name, &form.password, &address)
        .await
    {
        Ok(signed_in) => {
            let session = set_cookie(
                console.config,
                SESSION_COOKIE,
                &signed_in.token,
                "/",
                SESSION_LIFETIME.num_seconds(),
            );
            let spent = set_cookie(console.config, LOGIN_COOKIE, "", "/login", 0);
            Ok((
                AppendHeaders([(SET_COOKIE, session), (SET_COOKIE, spent)]),
                Redirect::to("/queue"),
            )
                .into_response())
        }
        Err(e @ AppError::SignInRefused) => page(
            &console,
            Some(expected),
            shown_name(&form.name),
            Some(words::error(&e)),
            StatusCode::UNAUTHORIZED,
        ),
        Err(e @ AppError::TooManySignIns { .. }) => page(
            &console,
            Some(expected),
            shown_name(&form.name),
            Some(words::error(&e)),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(e) => Err(e.into()),
    }
}

/// The name typed, given back in the form: no moderator name is longer than this, so a longer
/// one is cut rather than echoed whole.
fn shown_name(typed: &str) -> String {
    typed.chars().take(ModeratorName::MAX_CHARS).collect()
}

pub async fn logout(
    State(console): State<Console>,
    Extension(SessionToken(token)): Extension<SessionToken>,
    CheckedForm(NoFields {}): CheckedForm<NoFields>,
) -> Result<Response, ConsoleError> {
    console.app.sign_out(&token).await?;
    console.cache.forget_session(&token);
    let cleared = set_cookie(console.config, SESSION_COOKIE, "", "/", 0);
    Ok(([(SET_COOKIE, cleared)], Redirect::to("/login")).into_response())
}
