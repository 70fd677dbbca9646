//! The session cookie: reading it, requiring it, setting and clearing it.
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Console, ConsoleConfig, ConsoleError};

pub const SESSION_COOKIE: &str = "herald_session";
pub const LOGIN_COOKIE: &str = "herald_login";

/// The value of cookie `name` in the request, if any.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// A `Set-Cookie` value: HttpOnly and SameSite=Strict always, Secure behind TLS.
pub fn set_cookie(
    config: ConsoleConfig,
    name: &str,
    value: &str,
    path: &str,
    max_age: i64,
) -> String {
    let secure = if config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}")
}

/// Where the request came from, for limiting failed sign-ins.
pub fn client_address(request_parts: &axum::http::Extensions) -> String {
    request_parts
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Lets the request through with the moderator's session in its extensions, or sends the
/// browser to the sign-in page.
pub async fn require_session(
    State(console): State<Console>,
    mut request: Request,
    next: Next,
) -> Response {
    let token = cookie(request.headers(), SESSION_COOKIE).map(str::to_owned);
    let session = match token {
        Some(token) => match console.cache.session(&token) {
            Some(kept) => Some((token, kept)),
            None => match console.app.console_session(&token).await {
                Ok(found) => found.map(|s| {
                    console.cache.keep_session(&token, s.clone());
                    (token, s)
                }),
                Err(e) => return ConsoleError::from(e).into_response(),
            },
        },
        None => None,
    };
    match session {
        Some((token, session)) => {
            request.extensions_mut().insert(SessionToken(token));
            request.extensions_mut().insert(session);
            next.run(request).await
        }
        None => Redirect::to("/login").into_response(),
    }
}

/// The raw cookie token of the current session (for signing out).
#[derive(Debug, Clone)]
pub struct SessionToken(pub String);
