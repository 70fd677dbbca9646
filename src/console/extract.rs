//! Reading addresses and forms with the console's own refusals: axum's rejections speak Rust
//! ("Cannot parse `abc` to a `i64`") and come as bare text, not as a console page.
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::ConsoleError;

/// Reads `application/x-www-form-urlencoded` text (a query string or a form body) into `T`;
/// a field that can't be read is named in the refusal.
pub fn decode<T: DeserializeOwned>(text: &[u8]) -> Result<T, ConsoleError> {
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(text));
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let field = e.path().to_string();
        ConsoleError::BadInput(if field.is_empty() || field == "." {
            "this request holds a value the console can't read: use the page's links and forms"
                .to_owned()
        } else {
            format!(
                "\"{field}\" holds a value the console can't read: use the page's links and forms, or correct it in the address"
            )
        })
    })
}

/// A form's body, as sent.
pub async fn body(request: Request) -> Result<Bytes, ConsoleError> {
    Bytes::from_request(request, &())
        .await
        .map_err(|_| ConsoleError::BadInput("the form could not be read: send it again".to_owned()))
}

/// A form's body, read with [`decode`].
pub async fn form<T: DeserializeOwned>(request: Request) -> Result<T, ConsoleError> {
    decode(&body(request).await?)
}

/// The query string, read with [`decode`].
pub struct Params<T>(pub T);

impl<S, T> FromRequestParts<S> for Params<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ConsoleError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ConsoleError> {
        let query = parts.uri.query().unwrap_or_default();
        decode(query.as_bytes()).map(Params)
    }
}

/// A number in the path (`/reviews/12`): anything else is a page that does not exist.
pub struct Id<T>(pub T);

impl<S, T> FromRequestParts<S> for Id<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ConsoleError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ConsoleError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(id)| Id(id))
            .map_err(|_| ConsoleError::NotFound)
    }
}
