//! The HTTP endpoint Kannel calls with delivery reports. A wrong signature is refused; the same
//! report twice, or reports out of order, change nothing more (a final status wins); an error
//! on our side answers 503 so that Kannel tries again.
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;

use super::signature::ReportSigner;
use crate::app::{App, ReportEffect};
use crate::domain::delivery::Report;
use crate::domain::ids::DeliveryId;

#[derive(Clone)]
struct ReportState {
    app: App,
    signer: ReportSigner,
}

#[derive(Deserialize)]
struct KannelReport {
    d: i64,
    a: u32,
    s: String,
    #[serde(rename = "type")]
    kind: u8,
    #[serde(default)]
    answer: String,
}

pub fn report_routes(app: App, signer: ReportSigner) -> Router {
    Router::new()
        .route("/kannel/report", get(kannel_report))
        .route("/kannel/mo", get(kannel_mo))
        .with_state(ReportState { app, signer })
}

async fn kannel_report(
    State(state): State<ReportState>,
    query: Result<Query<KannelReport>, axum::extract::rejection::QueryRejection>,
) -> (StatusCode, &'static str) {
    let Ok(Query(r)) = query else {
        return (StatusCode::BAD_REQUEST, "malformed report\n");
    };
    if !state.signer.verify(r.d, r.a, &r.s) {
        tracing::warn!(
            delivery = r.d,
            "delivery report with a wrong signature refused"
        );
        return (StatusCode::FORBIDDEN, "wrong signature\n");
    }
    let Some(report) = Report::from_kannel(r.kind, &r.answer) else {
        return (StatusCode::BAD_REQUEST, "unknown report type\n");
    };
    match state
        .app
        .delivery_report(DeliveryId(r.d), Some(r.a), &report)
        .await
    {
        Ok(ReportEffect::Applied) => {
            super::report_metrics::count_report(&report);
            (StatusCode::OK, "ok\n")
        }
        Ok(ReportEffect::Ignored) => (StatusCode::OK, "ok\n"),
        Ok(ReportEffect::UnknownDelivery) => (StatusCode::NOT_FOUND, "unknown delivery\n"),
        Err(e) => {
            tracing::warn!(delivery = r.d, error = %e, "delivery report not applied; Kannel will retry");
            (StatusCode::SERVICE_UNAVAILABLE, "try again\n")
        }
    }
}

#[derive(Deserialize)]
struct KannelMo {
    k: String,
    from: String,
    #[serde(default)]
    text: String,
}

/// Messages from phones, from Kannel's `sms-service` (`get-url`): "STOP" opts the number out.
/// The answer's body would go back to the phone as an SMS, so it is always empty.
async fn kannel_mo(
    State(state): State<ReportState>,
    query: Result<Query<KannelMo>, axum::extract::rejection::QueryRejection>,
) -> StatusCode {
    let Ok(Query(mo)) = query else {
        return StatusCode::BAD_REQUEST;
    };
    if !state.signer.verify_mo_key(&mo.k) {
        tracing::warn!("message from a phone with a wrong key refused");
        return StatusCode::FORBIDDEN;
    }
    match state.app.reply_received(&mo.from, &mo.text).await {
        Ok(_) => StatusCode::OK,
        // The error names the number it could not read: not logged.
        Err(e) if !e.is_internal() => {
            tracing::warn!("message from a phone not understood");
            StatusCode::OK
        }
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}
