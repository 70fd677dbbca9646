//! `/healthz` (the process answers), `/readyz` (it can do its work) and `/metrics`.
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::metrics::MetricsHandle;
use super::vitals::Vitals;
use crate::app::App;

/// How recently the gateway must have answered for the process to be ready.
const GATEWAY_FRESH_SECS: i64 = 60;

/// How `readyz` learns whether the SMS gateway is reachable.
#[derive(Debug, Clone)]
pub enum GatewayProbe {
    /// The simulated gateway lives in the process: always there.
    Simulated,
    /// Kannel's smsbox: any HTTP answer from its `sendsms` address means it is up.
    Kannel { sendsms_url: String },
}

#[derive(Clone)]
struct OpsState {
    app: App,
    vitals: Arc<Vitals>,
    probe: GatewayProbe,
    metrics: Option<MetricsHandle>,
    /// `HERALD_METRICS_TOKEN`: `/metrics` then wants `Authorization: Bearer <token>`.
    token: Option<Arc<str>>,
    http: reqwest::Client,
}

pub fn ops_routes(
    app: App,
    vitals: Arc<Vitals>,
    probe: GatewayProbe,
    metrics: Option<MetricsHandle>,
    token: Option<String>,
) -> Router {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap_or_default();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .with_state(OpsState {
            app,
            vitals,
            probe,
            metrics,
            token: token.filter(|t| !t.is_empty()).map(Arc::from),
            http,
        })
}

async fn healthz() -> &'static str {
    "ok\n"
}

/// One line per check: `ok`, or what is not ready. Nothing in it names a secret, a number or
/// an address.
async fn readyz(State(state): State<OpsState>) -> Response {
    let mut checks = serde_json::Map::new();
    let mut ready = true;
    let mut check = |name: &str, result: Result<(), String>| {
        let value = match result {
            Ok(()) => "ok".to_owned(),
            Err(problem) => {
                ready = false;
                problem
            }
        };
        checks.insert(name.to_owned(), serde_json::Value::String(value));
    };
    check(
        "process",
        match state.vitals.stopping() {
            true => Err("stopping".to_owned()),
            false => Ok(()),
        },
    );
    check("database", database(&state.app).await);
    if state.vitals.delivering() {
        check("gateway", gateway(&state).await);
    }
    if state.vitals.bot_on() {
        let (connected, expected) = state.vitals.shards();
        check(
            "discord",
            match expected > 0 && connected >= expected {
                true => Ok(()),
                false => Err(format!("{connected} of {expected} shards connected")),
            },
        );
    }
    let status = match ready {
        true => StatusCode::OK,
        false => StatusCode::SERVICE_UNAVAILABLE,
    };
    let body = serde_json::json!({ "ready": ready, "checks": checks });
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn database(app: &App) -> Result<(), String> {
    match app.database_health().await {
        Ok(health) if health.migrations_current() => Ok(()),
        Ok(health) => Err(format!(
            "{} of {} migrations applied: run `herald migrate`",
            health.migrations_applied, health.migrations_known
        )),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: the database does not answer");
            Err("not answering".to_owned())
        }
    }
}

async fn gateway(state: &OpsState) -> Result<(), String> {
    let url = match &state.probe {
        GatewayProbe::Simulated => return Ok(()),
        GatewayProbe::Kannel { sendsms_url } => sendsms_url,
    };
    if state
        .vitals
        .gateway_silent_for()
        .is_some_and(|s| s <= GATEWAY_FRESH_SECS)
    {
        return Ok(());
    }
    match state.http.get(url).send().await {
        Ok(_) => {
            state.vitals.gateway_answered();
            Ok(())
        }
        Err(e) => {
            tracing::warn!(error = %e, "readiness: Kannel's sendsms does not answer");
            Err("Kannel's sendsms does not answer".to_owned())
        }
    }
}

async fn metrics_text(State(state): State<OpsState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            // The scheme's case does not matter (RFC 9110).
            .and_then(|v| {
                v.get(..7)
                    .filter(|s| s.eq_ignore_ascii_case("bearer "))
                    .map(|_| &v[7..])
            });
        // Compared in constant time: the token guards what the process is doing.
        let matches = given.is_some_and(|g| {
            g.len() == token.len()
                && g.bytes()
                    .zip(token.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        });
        if !matches {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "send the metrics token as Authorization: Bearer <token>\n",
            )
                .into_response();
        }
    }
    match &state.metrics {
        Some(handle) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            handle.render(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "metrics are off\n").into_response(),
    }
}
