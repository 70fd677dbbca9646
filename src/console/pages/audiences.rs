//! An account's audiences, read-only: counts, merge-field columns, last import.
use axum::Extension;
use axum::extract::State;
use axum::response::Response;

use crate::app::AudienceView;
use crate::app::console::ModeratorSession;
use crate::domain::ids::AccountId;
use crate::english;

use super::super::extract::Id;
use super::super::views::{AudienceRow, AudiencesPage, Nav};
use super::super::{Console, ConsoleError, format};
use super::render;

pub async fn show(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(account): Id<u64>,
) -> Result<Response, ConsoleError> {
    let account = AccountId(account);
    let (details, _) = console.app.account(account).await?;
    let rows = console
        .app
        .audiences(account)
        .await?
        .iter()
        .map(row)
        .collect();
    render(&AudiencesPage {
        nav: Nav::new(&session, "accounts"),
        account_id: account.0,
        account_name: details.name,
        rows,
    })
}

fn row(a: &AudienceView) -> AudienceRow {
    let i = &a.last_import;
    AudienceRow {
        name: a.name.to_string(),
        recipients: a.recipients,
        columns: match a.columns.is_empty() {
            true => String::new(),
            false => english::fields(&a.columns),
        },
        imported: format::utc(a.imported_at),
        imported_by: a.imported_by.0.to_string(),
        last_import: format!(
            "{}: {} from the file, {} new, {} updated; {} invalid, {} duplicates, {} opted out, {} not mobile",
            i.mode,
            i.from_file,
            i.added,
            i.updated,
            i.invalid.count,
            i.duplicates.count,
            i.opted_out.count,
            i.not_mobile.count
        ),
    }
}
