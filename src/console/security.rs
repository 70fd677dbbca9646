//! Headers every console response carries, and the CSRF check.
use axum::extract::{FromRequest, Request};
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::Response;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::ConsoleError;
use crate::app::console::ModeratorSession;

/// No script at all, no inline style, no framing; forms post only back to the console.
const POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                      frame-ancestors 'none'; base-uri 'none'";

pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Pages hold personal data: never kept by a shared cache.
    headers
        .entry(CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// A signed-in moderator's form, read only once its CSRF token matches the session's.
pub struct CheckedForm<T>(pub T);

impl<S, T> FromRequest<S> for CheckedForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ConsoleError;

    async fn from_request(request: Request, _: &S) -> Result<Self, ConsoleError> {
        #[derive(Deserialize)]
        struct Token {
            #[serde(default)]
            csrf: String,
        }
        let expected = request
            .extensions()
            .get::<ModeratorSession>()
            .map(|s| s.csrf_token.clone())
            .ok_or(ConsoleError::Csrf)?;
        let body = super::extract::body(request).await?;
        let sent: Token = super::extract::decode(&body).map_err(|_| ConsoleError::Csrf)?;
        if !csrf_matches(&sent.csrf, &expected) {
            return Err(ConsoleError::Csrf);
        }
        super::extract::decode(&body).map(CheckedForm)
    }
}

/// A form that carries nothing but its token (sign out, unpublish).
#[derive(Debug, Deserialize)]
pub struct NoFields {}

/// Compares a form's token with the session's in constant time.
pub fn csrf_matches(sent: &str, expected: &str) -> bool {
    let (a, b) = (sent.as_bytes(), expected.as_bytes());
    a.len() == b.len() && !b.is_empty() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::csrf_matches;

    #[test]
    fn csrf_tokens_must_match_exactly() {
        assert!(csrf_matches("abc123", "abc123"));
        assert!(!csrf_matches("abc124", "abc123"));
        assert!(!csrf_matches("abc12", "abc123"));
        assert!(!csrf_matches("", ""));
    }
}
