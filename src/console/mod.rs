//! The moderation console: askama pages on axum where moderators approve or refuse
//! submissions, follow campaigns and manage accounts. Every page works without JavaScript.
//!
//! Only `/login` and the stylesheet answer without a session; every form carries the session's
//! CSRF token; every response carries the security headers (`security.rs`).
mod cache;
mod error;
mod extract;
mod format;
mod links;
mod pages;
mod security;
mod session;
mod views;
pub mod words;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};

use crate::app::App;

pub use error::ConsoleError;
pub use links::link_routes;

/// How the console sets its cookies and how long it keeps its short-lived copies.
#[derive(Debug, Clone, Copy)]
pub struct ConsoleConfig {
    /// Behind TLS: cookies get `Secure`.
    pub secure_cookies: bool,
    /// How long a session check and a rendered queue page are reused (`cache.rs`); zero: never.
    pub cache_ttl: Duration,
}

impl Default for ConsoleConfig {
    fn default() -> ConsoleConfig {
        ConsoleConfig {
            secure_cookies: false,
            cache_ttl: Duration::from_secs(1),
        }
    }
}

#[derive(Clone)]
pub(crate) struct Console {
    app: App,
    config: ConsoleConfig,
    cache: Arc<cache::ConsoleCache>,
}

/// The console's routes. Serve them with `into_make_service_with_connect_info::<SocketAddr>()`
/// so that failed sign-ins are limited per address.
pub fn console_routes(app: App, config: ConsoleConfig) -> Router {
    let console = Console {
        app,
        config,
        cache: Arc::new(cache::ConsoleCache::new(config.cache_ttl)),
    };
    let signed_in = Router::new()
        .route("/", get(pages::dashboard::show))
        .route("/queue", get(pages::queue::show))
        .route("/reviews/{campaign}", get(pages::review::show))
        .route("/reviews/{campaign}/approve", post(pages::review::approve))
        .route("/reviews/{campaign}/refuse", post(pages::review::refuse))
        .route("/reviews/{campaign}/take", post(pages::review::take_over))
        .route("/queue/next", get(pages::review::next))
        .route(
            "/reasons",
            get(pages::reasons::show).post(pages::reasons::add),
        )
        .route("/reasons/{reason}", post(pages::reasons::change))
        .route("/reasons/{reason}/delete", post(pages::reasons::delete))
        .route("/history", get(pages::history::show))
        .route("/campaigns", get(pages::campaigns::show))
        .route("/campaigns/{campaign}", get(pages::campaign::show))
        .route(
            "/campaigns/{campaign}/results.csv",
            get(pages::results::download),
        )
        .route("/accounts", get(pages::accounts::show))
        .route(
            "/accounts/{account}/auto-validation",
            post(pages::accounts::auto_validation),
        )
        .route("/accounts/{account}", get(pages::account::show))
        .route("/accounts/{account}/credit", post(pages::accounts::credit))
        .route("/accounts/{account}/opt-outs", get(pages::opt_outs::show))
        .route("/accounts/{account}/erase", post(pages::opt_outs::erase))
        .route(
            "/accounts/{account}/contact.json",
            post(pages::opt_outs::export),
        )
        .route("/accounts/{account}/audiences", get(pages::audiences::show))
        .route("/ratings", get(pages::ratings::show))
        .route(
            "/reviews/public/{review}/unpublish",
            post(pages::ratings::unpublish),
        )
        .route("/logout", post(pages::login::logout))
        .fallback(pages::not_found)
        .method_not_allowed_fallback(pages::wrong_method)
        .layer(axum::middleware::from_fn_with_state(
            console.clone(),
            session::require_session,
        ));
    Router::new()
        .route("/login", get(pages::login::form).post(pages::login::submit))
        .route("/static/console.css", get(pages::stylesheet))
        .merge(signed_in)
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(console)
}
