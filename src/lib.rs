//! Herald: chat-ops for SMS marketing campaigns.

pub mod app;
pub mod domain;
pub mod store;
