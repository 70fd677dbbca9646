//! Command-line interface (clap). An adapter like the bot: it only calls `herald::app`.
use herald::domain::delivery::RetryPolicy;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use herald::app::{App, AppError, Clock, ShiftedClock, SystemClock};
use herald::config::Config;

mod account;
mod audience;
mod campaign;
mod contact;
mod doctor;
mod optout;
mod output;
mod serve;
mod words;

#[derive(Parser)]
#[command(
    name = "herald",
    version,
    about = "Chat-ops for SMS marketing campaigns"
)]
struct Cli {
    /// Configuration file (default: ./herald.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://… (default: sqlite://herald-data/herald.db).
    #[arg(
        long,
        global = true,
        env = "HERALD_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database: Option<String>,
    /// Print results as JSON, for scripts.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run Herald: the bot (when DISCORD_TOKEN is set) and everything else.
    Serve(serve::ServeArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Accounts (one per Discord server): settings and credit.
    #[command(subcommand)]
    Account(account::AccountCommand),
    /// Console moderators.
    #[command(subcommand)]
    Moderator(account::ModeratorCommand),
    /// Campaigns, from draft to sent.
    #[command(subcommand)]
    Campaign(campaign::CampaignCommand),
    /// An account's opt-out list: numbers it never sends to.
    #[command(subcommand)]
    Optout(optout::OptOutCommand),
    /// A person's data by number: erase it where the law asks.
    #[command(subcommand)]
    Contact(contact::ContactCommand),
    /// Contact lists kept between campaigns.
    #[command(subcommand)]
    Audience(audience::AudienceCommand),
    /// Copy the SQLite database to FILE while Herald runs (a consistent copy).
    Backup {
        /// The new file (it must not exist yet).
        file: std::path::PathBuf,
    },
    /// Check the configuration, the database, Kannel and Discord, and say what to fix.
    Doctor,
}

/// A failure to report: user errors exit 1, internal ones 3.
pub enum Failure {
    User(String),
    Internal(String),
    /// Exit 1, everything already said (`doctor`'s failed checks).
    Silent,
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Failure {
        if e.is_internal() {
            Failure::Internal(e.to_string())
        } else {
            Failure::User(words::error(&e))
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(message) = init_logging(std::env::var("HERALD_LOG_FORMAT").ok().as_deref()) {
        // `doctor` says it among its checks; everything else stops here.
        if !matches!(cli.command, Command::Doctor) {
            output::print_line(&mut std::io::stderr(), &format!("error: {message}"));
            return ExitCode::from(1);
        }
        let _ = init_logging(None);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::from(3);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::User(message)) => {
            output::print_line(&mut std::io::stderr(), &format!("error: {message}"));
            ExitCode::from(1)
        }
        Err(Failure::Internal(message)) => {
            output::print_line(&mut std::io::stderr(), &format!("error: {message}"));
            ExitCode::from(3)
        }
        Err(Failure::Silent) => ExitCode::from(1),
    }
}

/// Logs go to stderr as text (colours only on a terminal) or, with `HERALD_LOG_FORMAT=json`,
/// one JSON object a line with the span fields; phone numbers in them are masked either way.
fn init_logging(format: Option<&str>) -> Result<(), String> {
    use herald::ops::log_mask::masked_stderr;
    use std::io::IsTerminal;
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| "herald=info,warn".into())
    };
    match format.map(str::trim).unwrap_or("") {
        "" | "text" => tracing_subscriber::fmt()
            // Colour codes only where a person reads them: not in files, pipes or journald.
            .with_ansi(std::io::stderr().is_terminal())
            .with_env_filter(filter())
            .with_writer(masked_stderr)
            .init(),
        "json" => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .with_env_filter(filter())
            .with_writer(masked_stderr)
            .init(),
        other => {
            return Err(format!(
                "HERALD_LOG_FORMAT is \"{other}\": write text (the default) or json"
            ));
        }
    }
    Ok(())
}

async fn run(cli: Cli) -> Result<(), Failure> {
    if let Command::Doctor = cli.command {
        // Runs whatever the configuration holds: it reports what can't be read.
        let out = output::Output { json: cli.json };
        return doctor::run(cli.config.as_deref(), cli.database, &out).await;
    }
    let mut config = Config::load(cli.config.as_deref(), |k| std::env::var(k).ok())
        .map_err(|e| Failure::User(e.to_string()))?;
    if let Some(url) = cli.database {
        config.database_url = url;
    }
    if let (Command::Backup { .. }, Some(file)) = (
        &cli.command,
        herald::config::sqlite_file(&config.database_url),
    ) && !std::path::Path::new(file).is_file()
    {
        return Err(Failure::User(format!(
            "there is no database at {file}: check HERALD_DATABASE_URL (a service's is in its unit or environment file)"
        )));
    }
    let store = herald::store::open(&config.database_url)
        .await
        .map_err(|e| {
            Failure::Internal(format!(
                "could not open the database at {}: {e}",
                herald::config::redact_url(&config.database_url)
            ))
        })?;
    let retry = RetryPolicy {
        window: chrono::TimeDelta::hours(i64::from(config.retry_window_hours)),
        report_timeout: chrono::TimeDelta::seconds(i64::from(config.report_timeout_secs)),
        ..RetryPolicy::default()
    };
    let clock: Arc<dyn Clock> = match config.clock_start {
        Some(start) => {
            // A rehearsal or test setting: sending windows and schedules follow this clock.
            tracing::warn!(%start, "HERALD_CLOCK_START is set: Herald's clock runs from this instant, not from the real time");
            Arc::new(ShiftedClock::starting_at(start))
        }
        None => Arc::new(SystemClock),
    };
    let app = App::new(store, clock)
        .with_retry_policy(retry)
        .with_short_links(config.link_base.clone());
    let out = output::Output { json: cli.json };
    match cli.command {
        Command::Serve(args) => serve::run(app, &config, args).await,
        Command::Migrate => {
            out.done(
                &format!(
                    "database ready at {}",
                    herald::config::redact_url(&config.database_url)
                ),
                &serde_json::json!({"ok": true}),
            );
            Ok(())
        }
        Command::Account(cmd) => account::run(&app, &out, cmd).await,
        Command::Moderator(cmd) => account::run_moderator(&app, &out, cmd).await,
        Command::Campaign(cmd) => campaign::run(&app, &out, cmd).await,
        Command::Optout(cmd) => optout::run(&app, &out, cmd).await,
        Command::Contact(cmd) => contact::run(&app, &out, cmd).await,
        Command::Audience(cmd) => audience::run(&app, &out, cmd).await,
        Command::Backup { file } => {
            app.backup(&file).await?;
            let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            let database =
                herald::config::sqlite_file(&config.database_url).unwrap_or(&config.database_url);
            out.done(
                &format!(
                    "backed up to {} ({size} bytes); to restore: stop Herald, move {database} and its -wal and -shm files aside, copy the backup to {database}, start Herald",
                    file.display(),
                ),
                &serde_json::json!({ "file": file.display().to_string(), "bytes": size }),
            );
            Ok(())
        }
        Command::Doctor => Ok(()),
    }
}

/// A Discord id (server, user, role), as Discord writes them: a whole number that fits 64 bits.
fn discord_id(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<u64>() {
        Ok(0) => Err(
            "0 is not a Discord id: ids start at 1 (copy it from Discord with Developer Mode on)"
                .to_owned(),
        ),
        Ok(id) if digits => Ok(id),
        _ if digits && !text.trim_start_matches('0').is_empty() => Err(format!(
            "{text} is too large for a Discord id: ids go up to {} (copy it from Discord with Developer Mode on)",
            u64::MAX
        )),
        _ => Err(format!(
            "\"{text}\" is not a Discord id: ids are whole numbers such as 1234567890123456789 (copy it from Discord with Developer Mode on)"
        )),
    }
}
