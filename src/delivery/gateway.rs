//! What the dispatcher needs from an SMS gateway.
use async_trait::async_trait;
use tokio::sync::mpsc;

use crate::domain::delivery::{OutgoingSms, Report, SubmitOutcome};
use crate::domain::ids::DeliveryId;

#[async_trait]
pub trait SmsGateway: Send + Sync {
    fn name(&self) -> &'static str;
    /// Hands one message to the gateway; never panics, every failure is an outcome.
    async fn submit(&self, sms: &OutgoingSms) -> SubmitOutcome;
}

/// A delivery report on its way from a gateway to the use cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayReport {
    pub delivery: DeliveryId,
    pub attempt: Option<u32>,
    pub report: Report,
}

/// Where gateways that report in-process (the simulated one) send their reports.
pub type ReportSink = mpsc::UnboundedSender<GatewayReport>;
