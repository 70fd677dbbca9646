//! The delivery engine: claims due messages, hands them to an SMS gateway at a steady rate, and
//! feeds the gateway's reports back into the use cases.
mod dispatcher;
mod gateway;
mod scheduler;
mod simulated;

pub use dispatcher::{Dispatcher, DispatcherConfig};
pub use gateway::{GatewayReport, ReportSink, SmsGateway};
pub use scheduler::run_scheduler;
pub use simulated::{SimulatedGateway, SimulationProfile};
