//! Herald: chat-ops for SMS marketing campaigns.

pub mod domain;
pub mod store;
