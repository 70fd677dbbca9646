//! Prometheus metrics through the `metrics` facade: counters and histograms where things
//! happen (the dispatcher, the bot, HTTP), gauges of backlogs sampled from the database.
//! Labels are bounded: statuses, outcomes, routes as declared, command names; never a number,
//! a text or a name someone typed.
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::app::App;

/// Renders what was recorded, in Prometheus' text format.
#[derive(Clone)]
pub struct MetricsHandle(PrometheusHandle);

impl MetricsHandle {
    pub fn render(&self) -> String {
        self.0.render()
    }

    /// Folds the histograms' recent samples into their buckets: without it they pile up in
    /// memory until the next scrape (and forever when nothing scrapes).
    pub fn upkeep(&self) {
        self.0.run_upkeep();
    }
}

static HANDLE: OnceLock<Option<MetricsHandle>> = OnceLock::new();

/// Latency buckets, in seconds: from a cached page to a slow gateway.
const SECONDS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Installs the process's recorder once; later calls get the same handle. `None` if another
/// recorder was installed first.
pub fn install_metrics() -> Option<MetricsHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS)
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            describe();
            Some(MetricsHandle(handle))
        })
        .clone()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_gauge!(
        "herald_deliveries",
        "Messages not yet finished, by status (pending_due, waiting_for_window, submitted, retrying)"
    );
    describe_gauge!(
        "herald_delivery_report_oldest_wait_seconds",
        "How long the oldest message handed to the gateway has waited for its delivery report"
    );
    describe_gauge!(
        "herald_retry_next_due_seconds",
        "Seconds until the next retry is due (negative: overdue)"
    );
    describe_gauge!(
        "herald_campaigns_on_hold",
        "Scheduled campaigns held for lack of credit"
    );
    describe_gauge!("herald_review_queue", "Versions waiting for a moderator");
    describe_gauge!(
        "herald_review_oldest_wait_seconds",
        "How long the oldest version in the review queue has waited"
    );
    describe_gauge!(
        "herald_outbox_backlog",
        "Discord notifications not yet delivered"
    );
    describe_gauge!(
        "herald_db_pool_connections",
        "Database connections, by state (busy, idle, max)"
    );
    describe_counter!(
        "herald_gateway_submits_total",
        "Messages handed to the SMS gateway, by outcome"
    );
    describe_counter!(
        "herald_delivery_reports_total",
        "Delivery reports applied, by what they said (delivered, failed, rejected, ...)"
    );
    describe_histogram!(
        "herald_gateway_submit_seconds",
        "How long the SMS gateway took to take a message"
    );
    describe_histogram!(
        "herald_bot_command_seconds",
        "How long a slash command took, by command"
    );
    describe_histogram!(
        "herald_http_request_seconds",
        "HTTP requests (console, delivery reports, short links), by route, method and status"
    );
}

/// Every `every`, until the process stops: samples the backlogs (one query) and keeps the
/// histograms folded.
pub async fn sample_backlogs(app: App, metrics: Option<MetricsHandle>, every: Duration) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Some(metrics) = &metrics {
            metrics.upkeep();
        }
        let pool = app.pool_use();
        metrics::gauge!("herald_db_pool_connections", "state" => "busy")
            .set(f64::from(pool.open.saturating_sub(pool.idle)));
        metrics::gauge!("herald_db_pool_connections", "state" => "idle").set(f64::from(pool.idle));
        metrics::gauge!("herald_db_pool_connections", "state" => "max").set(f64::from(pool.max));
        let b = match app.backlogs().await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "backlogs not sampled");
                continue;
            }
        };
        let now = app.current_time();
        let ago = |at: Option<chrono::DateTime<chrono::Utc>>| {
            at.map_or(0.0, |at| (now - at).num_milliseconds() as f64 / 1000.0)
        };
        for (status, n) in [
            ("pending_due", b.pending_due),
            ("waiting_for_window", b.waiting_for_window),
            ("submitted", b.submitted),
            ("retrying", b.retrying),
        ] {
            metrics::gauge!("herald_deliveries", "status" => status).set(n as f64);
        }
        metrics::gauge!("herald_delivery_report_oldest_wait_seconds").set(ago(b.oldest_submitted));
        // No retry waiting: 0, not "-0".
        metrics::gauge!("herald_retry_next_due_seconds").set(match b.next_retry {
            Some(at) => (at - now).num_milliseconds() as f64 / 1000.0,
            None => 0.0,
        });
        metrics::gauge!("herald_campaigns_on_hold").set(b.campaigns_on_hold as f64);
        metrics::gauge!("herald_review_queue").set(b.review_queue as f64);
        metrics::gauge!("herald_review_oldest_wait_seconds").set(ago(b.oldest_review));
        metrics::gauge!("herald_outbox_backlog").set(b.outbox as f64);
    }
}

/// Middleware: each request's time, by the route it matched (its pattern, never its path).
pub async fn record_http(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = match *request.method() {
        axum::http::Method::GET => "GET",
        axum::http::Method::POST => "POST",
        axum::http::Method::HEAD => "HEAD",
        _ => "other",
    };
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!(
        "herald_http_request_seconds",
        "route" => route,
        "method" => method,
        "status" => status
    )
    .record(started.elapsed().as_secs_f64());
    response
}
