//! `herald serve`: runs until interrupted.
use herald::app::App;
use herald::config::Config;

use super::Failure;

pub async fn run(app: App, config: &Config) -> Result<(), Failure> {
    app.prune_recipient_lists().await;
    if config.discord_token.is_none() {
        tracing::info!(
            "Discord bot is off: set DISCORD_TOKEN (or discord_token in herald.toml) to turn it on"
        );
    }
    tracing::info!("Herald is running; press Ctrl-C to stop");
    shutdown_signal().await;
    tracing::info!("stopping");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
