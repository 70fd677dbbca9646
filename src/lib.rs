//! Herald: chat-ops for SMS marketing campaigns.
#![forbid(unsafe_code)]

pub mod app;
pub mod bot;
pub mod config;
pub mod console;
pub mod delivery;
pub mod domain;
pub mod english;
pub mod ops;
pub mod store;
