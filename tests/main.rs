//! Herald's integration tests, one binary with a module per area (a single link instead of
//! one per file). `support` holds what they share: a fresh database per test on either engine,
//! the Discord stand-in, the Kannel harness and the console client.
#[macro_use]
mod support;

mod audiences;
mod bad_input;
mod bot;
mod bot_rules;
mod cli;
mod cli_rules;
mod console;
mod console_browser;
mod console_desk;
mod console_rules;
mod delivery_processes;
mod discord_standin;
mod erasure;
mod kannel_delivery;
mod kannel_gateway;
mod lifecycle;
mod merge_fields;
mod moderators;
mod operations;
mod opt_out;
mod replies;
mod results;
mod sending;
mod sending_window;
mod short_links;
mod test_messages;
mod upgrade;
