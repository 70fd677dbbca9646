//! The audit log of review decisions, filtered by moderator, date and outcome.
use crate::domain::effects::Actor;
use crate::domain::effects::AuditAction;
use axum::Extension;
use axum::extract::State;

use super::super::extract::Params;
use axum::response::Response;
use chrono::{NaiveDate, TimeDelta};
use serde::Deserialize;

use crate::app::console::ModeratorSession;
use crate::domain::ids::ModeratorName;
use crate::store::DecisionFilter;

use super::super::views::{HistoryPage, HistoryRow, Nav};
use super::super::{Console, ConsoleError, format, words};
use super::render;

#[derive(Debug, Default, Deserialize)]
pub struct HistoryQuery {
    #[serde(default)]
    moderator: String,
    #[serde(default)]
    outcome: String,
    /// `YYYY-MM-DD`, UTC, inclusive.
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    page: Option<u32>,
}

/// The dates the filters take: wide enough for any decision, narrow enough that a day after
/// the last one still exists (chrono stops at +262142-12-31).
pub(super) const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date");
pub(super) const LAST_DAY: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date");

fn day(field: &str, text: &str) -> Result<Option<NaiveDate>, ConsoleError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
        ConsoleError::BadInput(format!(
            "\"{t}\" is not a date for \"{field}\": write it as YYYY-MM-DD, e.g. 2027-03-02"
        ))
    })?;
    if !(FIRST_DAY..=LAST_DAY).contains(&date) {
        return Err(ConsoleError::BadInput(format!(
            "\"{t}\" is out of range for \"{field}\": give a date from {FIRST_DAY} to {LAST_DAY}"
        )));
    }
    Ok(Some(date))
}

impl HistoryQuery {
    fn filter(&self) -> Result<DecisionFilter, ConsoleError> {
        let (outcome, automatic) = match self.outcome.trim() {
            "" => (None, false),
            "approved" => (Some(AuditAction::Approved), false),
            "automatic" => (Some(AuditAction::Approved), true),
            "refused" => (Some(AuditAction::Refused), false),
            other => {
                return Err(ConsoleError::BadInput(format!(
                    "\"{other}\" is not an outcome: choose approved, approved automatically or refused"
                )));
            }
        };
        let moderator = match self.moderator.trim() {
            "" => None,
            name => Some(ModeratorName::parse(name).map_err(|_| {
                ConsoleError::BadInput(format!(
                    "\"{name}\" is not a moderator's name: names are 1 to 32 lower-case letters, digits, '.', '_' or '-'"
                ))
            })?),
        };
        let decided_by = match (moderator, automatic) {
            (Some(_), true) => {
                return Err(ConsoleError::BadInput(
                    "automatic approvals have no moderator: clear the moderator's name or choose another outcome".into(),
                ));
            }
            (Some(name), false) => Some(Actor::Moderator(name)),
            (None, true) => Some(Actor::System),
            (None, false) => None,
        };
        let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
        Ok(DecisionFilter {
            account: None,
            decided_by,
            outcome,
            from: day("from", &self.from)?.map(midnight),
            until: day("until", &self.until)?.map(|d| midnight(d) + TimeDelta::days(1)),
        })
    }

    /// This query on another page, encoded for a link.
    fn on_page(&self, page: u32) -> String {
        let page = page.to_string();
        let fields = [
            ("moderator", self.moderator.trim()),
            ("outcome", self.outcome.trim()),
            ("from", self.from.trim()),
            ("until", self.until.trim()),
            ("page", page.as_str()),
        ];
        // Encoding plain strings cannot fail.
        format!(
            "?{}",
            serde_urlencoded::to_string(fields).unwrap_or_default()
        )
    }
}

pub async fn show(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Params(query): Params<HistoryQuery>,
) -> Result<Response, ConsoleError> {
    let filter = query.filter()?;
    let history = console
        .app
        .decision_history(&filter, query.page.unwrap_or(1))
        .await?;
    let names = super::people_named(&console, &history.decisions).await?;
    let rows = history
        .decisions
        .iter()
        .map(|d| HistoryRow {
            at: format::utc(d.at),
            moderator: words::actor_named(&d.actor, d.account, &names),
            outcome: d.action.as_str().to_owned(),
            campaign_id: d.campaign.map(|(c, _)| c.0),
            version: d.campaign.map(|(_, v)| v).unwrap_or(0),
            detail: d.detail.clone(),
        })
        .collect();
    render(&HistoryPage {
        nav: Nav::new(&session, "history"),
        rows,
        moderator: query.moderator.trim().to_owned(),
        outcome: query.outcome.trim().to_owned(),
        from: query.from.trim().to_owned(),
        until: query.until.trim().to_owned(),
        page: history.page,
        previous: (history.page > 1).then(|| query.on_page(history.page - 1)),
        next: history.more.then(|| query.on_page(history.page + 1)),
    })
}
