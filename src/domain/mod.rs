//! The rules of Herald: pure types and state changes. No I/O, no clock, no adapter crates.

pub mod compliance;
pub mod phone;
pub mod recipients;
pub mod schedule;
pub mod sender;
pub mod sms;
pub mod window;
