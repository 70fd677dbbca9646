//! The queue: a compact list of the versions waiting for review, oldest first, filtered by
//! what the URL says (so a filtered view can be shared); the version opened from it is shown
//! beside the list (below it on a phone).
use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use chrono::{NaiveDate, TimeDelta};
use serde::Deserialize;

use super::super::extract::Params;
use crate::app::console::ModeratorSession;
use crate::domain::compliance::FlagKind;
use crate::domain::ids::{AccountId, CampaignId, ModeratorName};
use crate::store::QueueFilter;

use super::super::cache::QueueFragment;
use super::super::views::{FilterOption, Nav, QueueList, QueuePage, QueueRow};
use super::super::{Console, ConsoleError, format, words};
use super::{render, review};

/// The waits a moderator can filter on, in minutes.
const WAITS: [(u32, &str); 5] = [
    (15, "longer than 15 min"),
    (30, "longer than 30 min"),
    (60, "longer than 1 hour"),
    (240, "longer than 4 hours"),
    (1440, "longer than 1 day"),
];

#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    account: String,
    #[serde(default)]
    flag: String,
    #[serde(default)]
    waiting: String,
    /// A send date, `YYYY-MM-DD` (UTC).
    #[serde(default)]
    send: String,
    #[serde(default)]
    q: String,
    page: Option<u32>,
    /// The version opened beside the list.
    open: Option<i64>,
}

impl QueueQuery {
    /// The filter it asks for, its canonical query string (for links and the cache), and what
    /// could not be read.
    pub(super) fn filter(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> (QueueFilter, String, Vec<String>) {
        let mut filter = QueueFilter::default();
        let mut kept: Vec<(&str, String)> = Vec::new();
        let mut errors = Vec::new();
        let account = self.account.trim();
        if !account.is_empty() {
            match account.parse::<u64>() {
                Ok(id) => {
                    filter.account = Some(AccountId(id));
                    kept.push(("account", id.to_string()));
                }
                Err(_) => errors.push(format!(
                    "\"{account}\" is not an account: pick one from the list"
                )),
            }
        }
        let flag = self.flag.trim();
        if !flag.is_empty() {
            match FlagKind::parse(flag) {
                Some(kind) => {
                    filter.flag = Some(kind);
                    kept.push(("flag", kind.as_str().to_owned()));
                }
                None => errors.push(format!("\"{flag}\" is not a flag: pick one from the list")),
            }
        }
        let waiting = self.waiting.trim();
        if !waiting.is_empty() {
            match waiting.parse::<u32>() {
                Ok(minutes) if minutes > 0 => {
                    filter.confirmed_before = Some(now - TimeDelta::minutes(i64::from(minutes)));
                    kept.push(("waiting", minutes.to_string()));
                }
                _ => errors.push(format!(
                    "\"{waiting}\" is not a number of minutes: pick a wait from the list"
                )),
            }
        }
        let send = self.send.trim();
        if !send.is_empty() {
            let day = NaiveDate::parse_from_str(send, "%Y-%m-%d")
                .ok()
                .filter(|d| (super::history::FIRST_DAY..=super::history::LAST_DAY).contains(d));
            match day {
                Some(day) => {
                    let start = day.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
                    filter.send_from = Some(start);
                    filter.send_until = Some(start + TimeDelta::days(1));
                    kept.push(("send", day.format("%Y-%m-%d").to_string()));
                }
                None => errors.push(format!(
                    "\"{send}\" is not a date: write the send date as YYYY-MM-DD, such as 2027-03-02"
                )),
            }
        }
        let q = self.q.trim();
        if !q.is_empty() {
            // Searches longer than any name find nothing: cut them rather than refuse.
            let q: String = q.chars().take(100).collect();
            filter.search = Some(q.clone());
            kept.push(("q", q));
        }
        let query = serde_urlencoded::to_string(&kept).unwrap_or_default();
        (filter, query, errors)
    }
}

/// The rendered list of one page of a filter as one moderator sees it (their own claims say
/// "you"), reused for a moment (`cache.rs`).
async fn fragment(
    console: &Console,
    viewer: &ModeratorName,
    query: &QueueQuery,
    filter: &QueueFilter,
    filters: &str,
    page: u32,
) -> Result<Arc<QueueFragment>, ConsoleError> {
    let key = format!("{filters}#{page}#{viewer}");
    if let Some(kept) = console.cache.queue_page(&key) {
        return Ok(kept);
    }
    let queue = console.app.review_queue(filter, page).await?;
    let rows = queue
        .reviews
        .iter()
        .filter_map(|r| {
            let s = r.campaign.submission.as_ref()?;
            let mut kinds: Vec<FlagKind> = s.flags.iter().map(|f| f.kind()).collect();
            kinds.dedup();
            Some(QueueRow {
                campaign_id: r.campaign.id.0,
                name: r.campaign.name.to_string(),
                account: r.account_name.clone(),
                version: s.version,
                waited: format::wait(queue.now - s.confirmed_at),
                badges: kinds
                    .into_iter()
                    .map(|k| (k.as_str(), words::flag_badge(k)))
                    .collect(),
                cost: s.cost.0,
                send: match s.mode.send_at() {
                    None => "once approved".to_owned(),
                    Some(at) => format::utc(at.utc()),
                },
                claim: r.claim.as_ref().map(|c| match &c.moderator == viewer {
                    true => "you are reviewing".to_owned(),
                    false => format!("{} is reviewing", c.moderator),
                }),
                resubmitted: !r.refusals.is_empty(),
            })
        })
        .collect();
    let html = QueueList {
        page: queue.page,
        pages: queue.pages,
        rows,
        filters: if filters.is_empty() {
            String::new()
        } else {
            format!("&{filters}")
        },
        filtered: !filters.is_empty(),
        accounts: console
            .app
            .accounts_overview()
            .await?
            .into_iter()
            .map(|(account, _)| FilterOption {
                selected: filter.account == Some(account.id),
                value: account.id.0.to_string(),
                label: account.name,
            })
            .collect(),
        flags: FlagKind::ALL
            .into_iter()
            .map(|k| FilterOption {
                value: k.as_str().to_owned(),
                label: words::flag_badge(k).to_owned(),
                selected: filter.flag == Some(k),
            })
            .collect(),
        waits: WAITS
            .into_iter()
            .map(|(minutes, label)| FilterOption {
                value: minutes.to_string(),
                label: label.to_owned(),
                selected: query.waiting.trim() == minutes.to_string(),
            })
            .collect(),
        send: query.send.trim().to_owned(),
        q: query.q.trim().to_owned(),
    }
    .render()?;
    let fragment = Arc::new(QueueFragment {
        total: queue.total,
        html,
    });
    console.cache.keep_queue_page(key, fragment.clone());
    Ok(fragment)
}

pub async fn show(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Params(query): Params<QueueQuery>,
) -> Result<Response, ConsoleError> {
    let now = console.app.current_time();
    let (filter, filters, errors) = query.filter(now);
    let fragment = fragment(
        &console,
        &session.moderator,
        &query,
        &filter,
        &filters,
        query.page.unwrap_or(1),
    )
    .await?;
    let panel = match query.open {
        Some(id) => {
            let mut panel = review::panel(
                &console,
                &session,
                CampaignId(id),
                review::Typed::default(),
                &filters,
            )
            .await?;
            if !errors.is_empty() {
                panel.error = Some(errors.join("; "));
            }
            Some(panel)
        }
        None => None,
    };
    render(&QueuePage {
        nav: Nav::new(&session, "queue"),
        total: fragment.total,
        list: &fragment.html,
        errors: if panel.is_none() { errors } else { Vec::new() },
        panel,
    })
}
