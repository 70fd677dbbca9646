//! `herald contact`: a person's data, by number.
use clap::Subcommand;
use herald::app::App;
use herald::domain::effects::Actor;
use herald::domain::ids::AccountId;
use herald::store::Erased;

use super::Failure;
use super::output::Output;

#[derive(Subcommand)]
pub enum ContactCommand {
    /// Write everything the account keeps about a number as JSON (list and audience entries
    /// with their values, messages, replies, the team's answers, the opt-out entry): what to
    /// hand a person who asks for their data.
    Export {
        #[arg(value_parser = super::discord_id)]
        server: u64,
        number: String,
        /// Write it to this file instead of the standard output.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Erase everything the account keeps about a number (list and audience entries, merge
    /// values, replies, the team's answers, short links), keeping only anonymous counts;
    /// messages not sent yet are not sent. The number stays on the opt-out list if it is on it. Cannot be undone.
    Erase {
        #[arg(value_parser = super::discord_id)]
        server: u64,
        number: String,
        /// Confirm: the erasure cannot be undone.
        #[arg(long)]
        yes: bool,
    },
}

pub async fn run(app: &App, out: &Output, cmd: ContactCommand) -> Result<(), Failure> {
    match cmd {
        ContactCommand::Export {
            server,
            number,
            out: file,
        } => {
            let export = app
                .export_contact(AccountId(server), &number, Actor::Operator)
                .await?;
            let json = serde_json::to_string_pretty(&export)
                .map_err(|e| Failure::Internal(e.to_string()))?;
            match file {
                Some(path) => {
                    std::fs::write(&path, json + "\n").map_err(|e| {
                        Failure::User(format!("could not write {}: {e}", path.display()))
                    })?;
                    let text = match export.is_empty() {
                        true => format!(
                            "nothing is kept about {} in account {server} (the empty export is in {})",
                            export.number,
                            path.display()
                        ),
                        false => format!(
                            "{}'s data written to {}: {} list entr{}, {} message(s), {} repl{}, {} answer(s)",
                            export.number,
                            path.display(),
                            export.data.entries.len(),
                            if export.data.entries.len() == 1 {
                                "y"
                            } else {
                                "ies"
                            },
                            export.data.messages.len(),
                            export.data.replies.len(),
                            if export.data.replies.len() == 1 {
                                "y"
                            } else {
                                "ies"
                            },
                            export.data.answers.len(),
                        ),
                    };
                    out.done(&text, &export);
                }
                None => super::output::print_line(&mut std::io::stdout().lock(), &json),
            }
        }
        ContactCommand::Erase {
            server,
            number,
            yes,
        } => {
            if !yes {
                return Err(Failure::User(format!(
                    "erasing {number}'s data cannot be undone: run it again with --yes to go ahead"
                )));
            }
            let erased = app
                .erase_contact(AccountId(server), &number, Actor::Operator)
                .await?;
            let text = match erased.is_nothing() {
                true => {
                    format!("nothing was kept about {number} in account {server}: nothing erased")
                }
                false => describe(&erased),
            };
            out.done(&text, &erased);
        }
    }
    Ok(())
}

fn describe(e: &Erased) -> String {
    let mut text = format!(
        "erased: {} list or audience entr{}, {} message(s) made anonymous ({} not sent yet, now never sent), {} repl{}, {} answer(s), {} short link(s); {} audit entr{} no longer name{} the number",
        e.list_entries,
        if e.list_entries == 1 { "y" } else { "ies" },
        e.messages,
        e.unsent,
        e.replies,
        if e.replies == 1 { "y" } else { "ies" },
        e.answers,
        e.links,
        e.audit_entries,
        if e.audit_entries == 1 { "y" } else { "ies" },
        if e.audit_entries == 1 { "s" } else { "" },
    );
    if e.kept_on_opt_out_list {
        text.push_str(
            "\n  the number stays on the opt-out list, so that no campaign reaches it again",
        );
    }
    if e.replies > 0 || e.answers > 0 {
        text.push_str(
            "\n  its thread in the Discord replies channel is not deleted: delete it there",
        );
    }
    text
}
