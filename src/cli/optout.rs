//! `herald optout`: an account's opt-out (suppression) list, number by number.
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use herald::app::App;
use herald::domain::effects::Actor;
use herald::domain::ids::AccountId;
use herald::domain::opt_out::{OptOutEntry, OptOutReason};
use herald::english;

use super::Failure;
use super::output::Output;

#[derive(Subcommand)]
pub enum OptOutCommand {
    /// Add a number to the list: it is left out of every later import, start and retry.
    Add {
        #[arg(value_parser = super::discord_id)]
        server: u64,
        number: String,
    },
    /// Take a number off the list (a number that answered STOP needs --reason; audited).
    Remove {
        #[arg(value_parser = super::discord_id)]
        server: u64,
        number: String,
        /// Why it may receive messages again (kept in the audit log).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Import another tool's list: a CSV with a phone column (invalid lines are reported; the
    /// valid numbers are added all the same).
    Import {
        #[arg(value_parser = super::discord_id)]
        server: u64,
        file: PathBuf,
    },
    /// Write the whole list as CSV (phone, reason, since, added_by) to a file or stdout.
    Export {
        #[arg(value_parser = super::discord_id)]
        server: u64,
        /// Where to write it (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Whether a number is on the list, since when and why.
    Check {
        #[arg(value_parser = super::discord_id)]
        server: u64,
        number: String,
    },
}

pub async fn run(app: &App, out: &Output, cmd: OptOutCommand) -> Result<(), Failure> {
    match cmd {
        OptOutCommand::Add { server, number } => {
            let entry = app
                .opt_out(AccountId(server), &number, Actor::Operator)
                .await?;
            out.done(
                &format!("on the opt-out list: {}", describe(&entry)),
                &entry,
            );
        }
        OptOutCommand::Remove {
            server,
            number,
            reason,
        } => {
            let entry = app
                .remove_opt_out(
                    AccountId(server),
                    &number,
                    reason.as_deref(),
                    Actor::Operator,
                )
                .await?;
            out.done(
                &format!("{} taken off the opt-out list", entry.phone),
                &serde_json::json!({"removed": entry}),
            );
        }
        OptOutCommand::Import { server, file } => {
            let input = File::open(&file)
                .map_err(|e| Failure::User(format!("could not open {}: {e}", file.display())))?;
            let report = app
                .import_opt_outs(AccountId(server), input, Actor::Operator)
                .await?;
            let lines = super::words::lines;
            let text = format!(
                "added {} number(s) to the opt-out list\n  already on it: {}{}\n  repeated in the file: {}{}\n  invalid (not added; fix them and import the file again): {}{}",
                report.imported,
                report.opted_out.count,
                lines(&report.opted_out.first_lines),
                report.duplicates.count,
                lines(&report.duplicates.first_lines),
                report.invalid.count,
                lines(&report.invalid.first_lines),
            );
            out.done(&text, &report);
        }
        OptOutCommand::Export { server, out: path } => {
            let written = export(app, AccountId(server), path.as_deref()).await?;
            if path.is_some() {
                out.done(
                    &format!("{written} number(s) written"),
                    &serde_json::json!({"written": written}),
                );
            }
        }
        OptOutCommand::Check { server, number } => {
            match app.opt_out_entry(AccountId(server), &number).await? {
                Some(entry) => out.done(&format!("opted out: {}", describe(&entry)), &entry),
                None => out.done(
                    &format!("{} is not on the opt-out list", number.trim()),
                    &serde_json::Value::Null,
                ),
            }
        }
    }
    Ok(())
}

/// The list as CSV to `path`, or to standard output; returns how many numbers were written.
async fn export(app: &App, account: AccountId, path: Option<&Path>) -> Result<u64, Failure> {
    let sink: Box<dyn Write> = match path {
        Some(path) => Box::new(
            File::create(path)
                .map_err(|e| Failure::User(format!("could not write {}: {e}", path.display())))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    Ok(app.export_opt_outs(account, sink).await?)
}

/// "+33612345678, since 2027-03-02 09:00 UTC: answered STOP".
fn describe(entry: &OptOutEntry) -> String {
    let why = match (entry.reason, &entry.by) {
        (OptOutReason::Manual, Some(by)) => format!("added by {}", english::actor(by)),
        (reason, _) => english::opt_out_reason(reason).to_owned(),
    };
    format!(
        "{}, since {}: {why}",
        entry.phone,
        entry.since.format("%Y-%m-%d %H:%M UTC")
    )
}
