//! `GET /l/<code>`: where recipients' short links land. It answers before the click is
//! written: clicks go to a task that records them in batches, so a burst of taps never waits
//! for the database's writer.
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, REFERRER_POLICY, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::mpsc;

use crate::app::App;
use crate::store::Click;

/// Clicks written per transaction at most, and how long the first of a batch may wait.
const CLICK_BATCH: usize = 500;
const CLICK_PAUSE: Duration = Duration::from_millis(100);
const WRITE_ATTEMPTS: u32 = 5;

#[derive(Clone)]
struct Links {
    app: App,
    clicks: mpsc::UnboundedSender<Click>,
}

/// Not a short link (or no longer): a page a person can read, in both languages since nothing
/// says which the reader speaks.
const GONE: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Link not found</title>\
<body style=\"font-family: sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem\">\
<h1>Link not found</h1><p>This link does not exist or has expired.</p>\
<p lang=\"fr\">Ce lien n'existe pas ou a expiré.</p></body></html>";

/// The short-link routes, with the task that records clicks (it ends when the routes are
/// dropped, after writing what it holds).
pub fn link_routes(app: App) -> Router {
    let (clicks, received) = mpsc::unbounded_channel();
    tokio::spawn(record_clicks(app.clone(), received));
    Router::new()
        .route("/l/{code}", get(follow))
        .with_state(Links { app, clicks })
}

async fn follow(
    State(links): State<Links>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Response {
    let agent = headers.get(USER_AGENT).and_then(|v| v.to_str().ok());
    match links.app.follow_link(&code, agent).await {
        Ok(Some(visit)) => {
            if let Some(click) = visit.click {
                // The receiver lives as long as the routes.
                let _ = links.clicks.send(click);
            }
            match HeaderValue::from_str(&location(&visit.url)) {
                Ok(to) => (
                    StatusCode::FOUND,
                    [
                        (LOCATION, to),
                        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
                        (REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
                    ],
                )
                    .into_response(),
                Err(_) => gone(),
            }
        }
        Ok(None) => gone(),
        Err(e) => {
            tracing::error!(error = %e, "a short link could not be looked up");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(CONTENT_TYPE, "text/plain; charset=utf-8")],
                "Try again in a moment. / Réessayez dans un instant.",
            )
                .into_response()
        }
    }
}

fn gone() -> Response {
    (
        StatusCode::NOT_FOUND,
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
        ],
        GONE,
    )
        .into_response()
}

/// `url` as a `Location` value: characters a header can't carry (accents, spaces, controls)
/// percent-encoded as UTF-8, the rest as written.
fn location(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_graphic() {
            out.push(c);
        } else {
            let mut bytes = [0u8; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

async fn record_clicks(app: App, mut received: mpsc::UnboundedReceiver<Click>) {
    let mut batch = Vec::with_capacity(CLICK_BATCH);
    while let Some(first) = received.recv().await {
        batch.push(first);
        let until = tokio::time::Instant::now() + CLICK_PAUSE;
        while batch.len() < CLICK_BATCH {
            match tokio::time::timeout_at(until, received.recv()).await {
                Ok(Some(click)) => batch.push(click),
                Ok(None) | Err(_) => break,
            }
        }
        // A batch that can't be written is tried again a few times, a second apart (new clicks
        // wait in the channel meanwhile), then dropped with a log line: counting clicks never
        // holds up the redirects.
        for attempt in 1..=WRITE_ATTEMPTS {
            match app.record_clicks(&batch).await {
                Ok(()) => break,
                Err(e) if attempt == WRITE_ATTEMPTS => {
                    tracing::error!(clicks = batch.len(), error = %e, "clicks dropped after repeated failures");
                }
                Err(e) => {
                    tracing::warn!(clicks = batch.len(), error = %e, "clicks not recorded yet");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        batch.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::location;

    #[test]
    fn locations_carry_only_header_characters() {
        assert_eq!(location("https://x.fr/a?b=1#c"), "https://x.fr/a?b=1#c");
        assert_eq!(location("https://x.fr/été"), "https://x.fr/%C3%A9t%C3%A9");
        assert_eq!(location("https://x.fr/a b"), "https://x.fr/a%20b");
    }
}
