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
    /// Erase everything the account keeps about a number (list and audience entries, merge
    /// values, replies, short links), keeping only anonymous counts; messages not sent yet are
    /// not sent. The number stays on the opt-out list if it is on it. Cannot be undone.
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
        "erased: {} list or audience entr{}, {} message(s) made anonymous ({} not sent yet, now never sent), {} repl{}, {} short link(s); {} audit entr{} no longer name{} the number",
        e.list_entries,
        if e.list_entries == 1 { "y" } else { "ies" },
        e.messages,
        e.unsent,
        e.replies,
        if e.replies == 1 { "y" } else { "ies" },
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
    if e.replies > 0 {
        text.push_str(
            "\n  its thread in the Discord replies channel is not deleted: delete it there",
        );
    }
    text
}
