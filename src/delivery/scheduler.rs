//! Runs the scheduler's pass every `tick`: a scheduled campaign starts at most one tick late.
use std::time::Duration;

use crate::app::App;

pub async fn run_scheduler(app: App, tick: Duration) {
    let mut every = tokio::time::interval(tick);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match app.advance_campaigns().await {
            Ok(pass) if pass != Default::default() => tracing::info!(
                started = pass.started,
                held = pass.held,
                completed = pass.completed,
                "campaigns moved on"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "scheduler pass failed"),
        }
    }
}
