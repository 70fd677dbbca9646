//! What the people who run Herald use: `/healthz`, `/readyz` and `/metrics` on the HTTP
//! address, with nothing sensitive in them and no session needed.
pub mod log_mask;
mod metrics;
mod readiness;
mod vitals;

pub use metrics::{MetricsHandle, install_metrics, record_http, sample_backlogs};
pub use readiness::{GatewayProbe, ops_routes};
pub use vitals::Vitals;
