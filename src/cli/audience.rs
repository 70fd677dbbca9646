//! `herald audience`: contact lists kept between campaigns.
use std::fs::File;
use std::path::PathBuf;

use clap::Subcommand;
use herald::app::{App, AudienceView, ImportOptions};
use herald::domain::audience::ImportMode;

use super::Failure;
use super::campaign::Who;
use super::output::Output;
use super::words;

#[derive(Subcommand)]
pub enum AudienceCommand {
    /// Import a CSV into an audience: a phone column, any other columns become merge fields.
    Import {
        #[command(flatten)]
        who: Who,
        name: String,
        file: PathBuf,
        /// When the audience exists: `replace` (the file becomes the audience) or `merge` (the
        /// file's numbers are added; those already there take the file's non-empty values, so
        /// use replace to clear values). Without it, an existing name is refused.
        #[arg(long)]
        mode: Option<String>,
        /// Also import valid numbers that can't receive an SMS (landlines, toll-free, VoIP...).
        #[arg(long)]
        keep_not_mobile: bool,
    },
    /// The server's audiences.
    List {
        #[command(flatten)]
        who: Who,
    },
    /// An audience's counts, columns and last import.
    Show {
        #[command(flatten)]
        who: Who,
        name: String,
    },
    /// Delete an audience (versions already confirmed keep their recipients).
    Delete {
        #[command(flatten)]
        who: Who,
        name: String,
    },
}

pub async fn run(app: &App, out: &Output, cmd: AudienceCommand) -> Result<(), Failure> {
    match cmd {
        AudienceCommand::Import {
            who,
            name,
            file,
            mode,
            keep_not_mobile,
        } => {
            let mode = match mode.as_deref() {
                None => ImportMode::Create,
                Some(m) => ImportMode::parse(m).ok_or_else(|| {
                    Failure::User(format!(
                        "--mode {m:?} is not a mode: use `replace` (the file becomes the audience) or `merge` (the file's numbers are added and updated)"
                    ))
                })?,
            };
            let input = File::open(&file)
                .map_err(|e| Failure::User(format!("could not open {}: {e}", file.display())))?;
            let options = ImportOptions { keep_not_mobile };
            let imported = app
                .import_audience(who.requester(), &name, input, mode, options)
                .await?;
            let a = &imported.audience;
            let what = match mode {
                ImportMode::Replace => "the file replaced the audience's previous list".to_owned(),
                _ => format!(
                    "from the file: {} ({} new, {} updated)",
                    a.last_import.from_file, a.last_import.added, a.last_import.updated
                ),
            };
            let text = format!(
                "audience \"{}\": {} recipient(s); {what}\n{}",
                a.name,
                a.recipients,
                super::campaign::import_text(&imported.report)
            );
            out.done(&text, &imported);
        }
        AudienceCommand::List { who } => {
            let audiences = app.audiences(who.requester().account).await?;
            let text = if audiences.is_empty() {
                "no audience yet: `herald audience import NAME FILE` keeps a contact list for your campaigns".to_owned()
            } else {
                audiences
                    .iter()
                    .map(|a| {
                        format!(
                            "{}: {} recipient(s), merge fields {}, imported {} UTC",
                            a.name,
                            a.recipients,
                            herald::english::fields(&a.columns),
                            a.imported_at.format("%Y-%m-%d %H:%M")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            out.done(&text, &audiences);
        }
        AudienceCommand::Show { who, name } => {
            let a = app.audience(who.requester().account, &name).await?;
            out.done(&show_text(&a), &a);
        }
        AudienceCommand::Delete { who, name } => {
            app.delete_audience(who.requester(), &name).await?;
            out.done(
                &format!(
                    "audience \"{}\" deleted; versions already confirmed keep their recipients",
                    name.trim()
                ),
                &serde_json::json!({"deleted": name.trim()}),
            );
        }
    }
    Ok(())
}

fn show_text(a: &AudienceView) -> String {
    let i = &a.last_import;
    let lines = words::lines;
    format!(
        "audience \"{}\": {} recipient(s)\n  merge fields: {}\n  created {} UTC; last import {} UTC by user {} ({})\n  last import: {} from the file, {} new, {} updated\n  invalid: {}{}\n  duplicates: {}{}\n  opted out: {}{}\n  not a mobile number: {}{}",
        a.name,
        a.recipients,
        herald::english::fields(&a.columns),
        a.created_at.format("%Y-%m-%d %H:%M"),
        a.imported_at.format("%Y-%m-%d %H:%M"),
        a.imported_by.0,
        i.mode,
        i.from_file,
        i.added,
        i.updated,
        i.invalid.count,
        lines(&i.invalid.first_lines),
        i.duplicates.count,
        lines(&i.duplicates.first_lines),
        i.opted_out.count,
        lines(&i.opted_out.first_lines),
        i.not_mobile.count,
        lines(&i.not_mobile.first_lines),
    )
}
