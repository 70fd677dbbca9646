//! A version's per-recipient results as a CSV download.
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::domain::ids::CampaignId;

use super::super::extract::Id;
use super::super::{Console, ConsoleError};

pub async fn download(
    State(console): State<Console>,
    Id(campaign): Id<i64>,
) -> Result<Response, ConsoleError> {
    let mut csv = Vec::new();
    let summary = console
        .app
        .export_results_by_id(CampaignId(campaign), &mut csv)
        .await?;
    // The campaign's name goes into the file name: only safe characters are kept.
    let file: String = format!("{}-v{}-results.csv", summary.campaign, summary.version)
        .chars()
        .map(
            |c| match c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                true => c,
                false => '_',
            },
        )
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        csv,
    )
        .into_response())
}
