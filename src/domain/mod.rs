//! The rules of Herald: pure types and state changes. No I/O, no clock, no adapter crates.

pub mod account;
pub mod campaign;
pub mod compliance;
pub mod consent;
pub mod credits;
pub mod delivery;
pub mod effects;
pub mod ids;
pub mod links;
pub mod opt_out;
pub mod phone;
pub mod rating;
pub mod recipients;
pub mod refusal;
pub mod replies;
pub mod schedule;
pub mod sender;
pub mod sign_in;
pub mod sms;
pub mod support;
pub mod survey;
pub mod template;
pub mod text;
pub mod window;
pub mod zone;
