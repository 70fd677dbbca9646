//! The delivery engine: claims due messages, hands them to an SMS gateway at a steady rate, and
//! feeds the gateway's reports back into the use cases.
mod dispatcher;
mod gateway;
mod kannel;
mod report_endpoint;
mod report_metrics;
mod scheduler;
mod signature;
mod simulated;

pub use dispatcher::{Dispatcher, DispatcherConfig};
pub use gateway::{GatewayReport, ReportSink, SmsGateway};
pub use kannel::{KannelConfig, KannelGateway};
pub use report_endpoint::report_routes;
pub use scheduler::run_scheduler;
pub use signature::ReportSigner;
pub use simulated::{SimulatedGateway, SimulationProfile};
