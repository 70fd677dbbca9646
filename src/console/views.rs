//! The pages' templates and the rows they show; every value is escaped by askama.
use askama::Template;
use chrono::{DateTime, Utc};

use std::collections::HashMap;

use crate::app::console::ModeratorSession;
use crate::domain::campaign::{Campaign, Review};
use crate::domain::ids::UserId;
use crate::store::PastRefusal;

use super::{format, words};

/// The menu and the sign-out form every signed-in page shows.
pub struct Nav {
    pub moderator: String,
    pub csrf: String,
    pub active: &'static str,
}

impl Nav {
    pub fn new(session: &ModeratorSession, active: &'static str) -> Nav {
        Nav {
            moderator: session.moderator.to_string(),
            csrf: session.csrf_token.clone(),
            active,
        }
    }

    /// The menu alone, with no page marked and no sign-out form.
    pub fn menu_only() -> Nav {
        Nav {
            moderator: String::new(),
            csrf: String::new(),
            active: "",
        }
    }
}

pub struct RefusalLine {
    pub version: u32,
    pub code: String,
    pub text: String,
    pub by: String,
    pub at: String,
}

/// A submitted version as a moderator reads it.
pub struct SubmissionCard {
    pub campaign_id: i64,
    pub name: String,
    pub account: String,
    /// The name the bot last saw the author under, else "user <id>".
    pub author: String,
    pub author_id: String,
    /// The campaign's owner, named as the author is.
    pub owner: String,
    pub owner_id: String,
    pub version: u32,
    pub body: String,
    /// "GSM-7, 1 segment", or that each message has its own.
    pub encoding: String,
    pub sender: String,
    pub recipients: u64,
    pub cost: u64,
    pub send: String,
    pub flags: Vec<String>,
    pub refusals: Vec<RefusalLine>,
    pub confirmed: String,
    pub waited: String,
    /// "approved by alice at …" once decided.
    pub decided: Option<String>,
}

impl SubmissionCard {
    pub fn of(
        campaign: &Campaign,
        account: &str,
        refusals: &[PastRefusal],
        names: &HashMap<UserId, String>,
        now: DateTime<Utc>,
    ) -> Option<SubmissionCard> {
        let s = campaign.submission.as_ref()?;
        let decided = match &s.review {
            Review::Pending => None,
            Review::Approved { by, at } => Some(format!(
                "approved by {} at {}",
                words::reviewer(by),
                format::utc(*at)
            )),
            Review::Refused { by, at, refusal } => Some(format!(
                "refused by {} at {} ({}: {})",
                words::reviewer(by),
                format::utc(*at),
                words::refusal_code(refusal.code()),
                refusal.text()
            )),
        };
        Some(SubmissionCard {
            campaign_id: campaign.id.0,
            name: campaign.name.to_string(),
            account: account.to_owned(),
            author: names
                .get(&s.confirmed_by)
                .cloned()
                .unwrap_or_else(|| format!("user {}", s.confirmed_by)),
            author_id: s.confirmed_by.to_string(),
            owner: names
                .get(&campaign.owner)
                .cloned()
                .unwrap_or_else(|| format!("user {}", campaign.owner)),
            owner_id: campaign.owner.to_string(),
            version: s.version,
            body: s.body.as_str().to_owned(),
            encoding: match s.personalised {
                false => format!(
                    "{}, {} segment{}",
                    s.body.encoding(),
                    s.body.segments(),
                    if s.body.segments() == 1 { "" } else { "s" }
                ),
                true => "personalised: each recipient's message is priced on its own".to_owned(),
            },
            sender: s.sender.as_str().to_owned(),
            recipients: s.recipients.count,
            cost: s.cost.0,
            send: format::send_mode(&s.mode),
            flags: s.flags.iter().map(words::flag).collect(),
            refusals: refusals
                .iter()
                .filter(|r| r.version != s.version)
                .map(|r| RefusalLine {
                    version: r.version,
                    code: words::refusal_code(r.code).to_owned(),
                    text: r.text.clone(),
                    by: words::reviewer(&r.by),
                    at: format::utc(r.at),
                })
                .collect(),
            confirmed: format::utc(s.confirmed_at),
            waited: format::wait(now - s.confirmed_at),
            decided,
        })
    }
}

#[derive(Template)]
#[template(path = "login/login.html")]
pub struct LoginPage {
    pub csrf: String,
    pub name: String,
    pub error: Option<String>,
}

/// One waiting version in the queue's list.
pub struct QueueRow {
    pub campaign_id: i64,
    pub name: String,
    pub account: String,
    pub version: u32,
    pub waited: String,
    /// (kind, words) of each flag, as badges.
    pub badges: Vec<(&'static str, &'static str)>,
    pub cost: u64,
    pub send: String,
    /// "alice is reviewing" while someone holds it.
    pub claim: Option<String>,
    /// Refused before: a resubmission.
    pub resubmitted: bool,
}

/// The queue's list and pager, rendered once for everyone looking at the same filters (no
/// per-session value in it).
#[derive(Template)]
#[template(path = "queue/list.html")]
pub struct QueueList {
    pub page: u32,
    pub pages: u32,
    pub rows: Vec<QueueRow>,
    /// The filters' query string, with `&` before it when not empty: kept by every link.
    pub filters: String,
    pub filtered: bool,
    /// The filters' form, as set.
    pub accounts: Vec<FilterOption>,
    pub flags: Vec<FilterOption>,
    pub waits: Vec<FilterOption>,
    pub send: String,
    pub q: String,
}

/// One choice of a filter's drop-down.
pub struct FilterOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "queue/queue.html")]
pub struct QueuePage<'a> {
    pub nav: Nav,
    pub total: u64,
    /// `QueueList` (the filters' form, the list and its pager), rendered (and escaped) by
    /// askama, shared by everyone looking at the same filters for a moment.
    pub list: &'a str,
    /// Filters that could not be read, said to the moderator.
    pub errors: Vec<String>,
    /// The review opened beside the list.
    pub panel: Option<ReviewPanel>,
}

/// A link of the message, as a moderator checks it.
pub struct LinkLine {
    pub text: String,
    /// What to check about it; empty when nothing stands out.
    pub flags: String,
}

/// One destination's recipients and when their window lets the message reach them.
pub struct WindowLine {
    pub zone: String,
    pub recipients: u64,
    /// "from the send time", or when it opens and why it is closed.
    pub when: String,
    pub waits: bool,
}

/// What changed since an earlier version, as the review shows it.
pub struct DiffView {
    pub against: u32,
    /// (kind: "same", "added" or "removed", words).
    pub body: Vec<(&'static str, String)>,
    pub body_changed: bool,
    pub sender: Option<(String, String)>,
    pub send: Option<(String, String)>,
    pub recipients: String,
    /// Why that version was refused, when it was.
    pub refusal: Option<String>,
}

/// A refusal reason kept for reuse, as the refuse form offers it.
pub struct ReasonOption {
    pub id: i64,
    pub label: String,
    pub code: String,
    pub text: String,
    pub checked: bool,
}

/// A decision of the same account, for context.
pub struct AccountDecision {
    pub at: String,
    pub campaign: String,
    pub outcome: String,
    pub moderator: String,
}

/// A version under review, with everything to decide on it: shown on its own page and beside
/// the queue's list.
pub struct ReviewPanel {
    pub card: SubmissionCard,
    pub links: Vec<LinkLine>,
    pub windows: Vec<WindowLine>,
    /// Recipients by country: (country, count).
    pub countries: Vec<(String, u64)>,
    /// A personalised version's first messages: (recipient, text or why there is none).
    pub preview: Vec<(String, String)>,
    /// Where the recipients came from, and what their import left out.
    pub origin: Option<(String, Vec<String>)>,
    /// The version has started sending: its results can be downloaded.
    pub started: bool,
    pub pending: bool,
    /// Someone else is reviewing it: who, and until when.
    pub claimed_by: Option<String>,
    pub diff: Option<DiffView>,
    pub reasons: Vec<ReasonOption>,
    pub decisions: Vec<AccountDecision>,
    /// What went wrong with the last decision sent, if anything.
    pub error: Option<String>,
    pub code: String,
    pub reason: String,
    pub max_reason: usize,
    /// The queue's filters to come back to (a query string, possibly empty).
    pub back: String,
    /// The next version nobody else is reviewing, in the same filters.
    pub next_href: String,
    pub csrf: String,
}

#[derive(Template)]
#[template(path = "queue/review.html")]
pub struct ReviewPage {
    pub nav: Nav,
    pub panel: ReviewPanel,
}

pub struct AccountLedgerRow {
    pub at: String,
    pub kind: &'static str,
    pub amount: u64,
    /// (campaign id, version).
    pub campaign: Option<(i64, u32)>,
    pub reason: String,
    pub available_after: u64,
}

pub struct AccountCampaignRow {
    pub id: i64,
    pub name: String,
    pub state: &'static str,
    pub version: u32,
    pub cost: u64,
    /// What its latest version's messages became, once sending started.
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
pub struct AccountPage {
    pub nav: Nav,
    pub id: u64,
    pub name: String,
    pub settings: Vec<(&'static str, String)>,
    pub auto_validation: bool,
    pub available: u64,
    pub reserved: u64,
    pub opt_outs: u64,
    pub ledger: Vec<AccountLedgerRow>,
    pub ledger_next: Option<String>,
    pub campaigns: Vec<AccountCampaignRow>,
    pub campaigns_prev: Option<String>,
    pub campaigns_next: Option<String>,
    /// (when, by, what).
    pub refusals: Vec<(String, String, String)>,
}

/// A step that asks again before something weighty (automatic validation, a large credit).
#[derive(Template)]
#[template(path = "confirm_step.html")]
pub struct ConfirmStepPage {
    pub nav: Nav,
    pub title: String,
    pub explanation: String,
    pub action: String,
    /// The form's own fields, carried to the confirmation.
    pub fields: Vec<(&'static str, String)>,
    pub button: &'static str,
    pub back: String,
}

/// A kept refusal reason, on the reasons page.
pub struct ReasonRow {
    pub id: i64,
    pub label: String,
    pub code: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "reasons.html")]
pub struct ReasonsPage {
    pub nav: Nav,
    pub rows: Vec<ReasonRow>,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// What was typed in the "add" form, shown again with the error.
    pub label: String,
    pub code: String,
    pub text: String,
    pub max_text: usize,
    /// The last changes to the list: (when, who, what, detail).
    pub changes: Vec<(String, String, &'static str, String)>,
}

/// The refusal as the owner will read it, before it goes.
#[derive(Template)]
#[template(path = "queue/refuse_confirm.html")]
pub struct RefuseConfirmPage {
    pub nav: Nav,
    pub campaign_id: i64,
    pub name: String,
    pub version: u32,
    pub code: String,
    pub code_words: String,
    pub reason: String,
    pub back: String,
}

pub struct HistoryRow {
    pub at: String,
    pub moderator: String,
    pub outcome: String,
    pub campaign_id: Option<i64>,
    pub version: u32,
    pub detail: String,
}

pub struct OptOutRow {
    pub phone: String,
    pub since: String,
    pub reason: &'static str,
    /// Who added it by hand; empty otherwise.
    pub by: String,
}

#[derive(Template)]
#[template(path = "accounts/opt_outs.html")]
pub struct OptOutsPage {
    pub nav: Nav,
    pub account_id: u64,
    pub account_name: String,
    pub q: String,
    pub rows: Vec<OptOutRow>,
    /// Query string (already encoded) of the next page.
    pub next: Option<String>,
    /// What an erasure did, or why it did not happen.
    pub notice: Option<String>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/audiences.html")]
pub struct AudiencesPage {
    pub nav: Nav,
    pub account_id: u64,
    pub account_name: String,
    pub rows: Vec<AudienceRow>,
}

pub struct AudienceRow {
    pub name: String,
    pub recipients: u64,
    pub columns: String,
    pub imported: String,
    pub imported_by: String,
    pub last_import: String,
}

#[derive(Template)]
#[template(path = "history/history.html")]
pub struct HistoryPage {
    pub nav: Nav,
    pub rows: Vec<HistoryRow>,
    pub moderator: String,
    pub outcome: String,
    pub from: String,
    pub until: String,
    pub page: u32,
    /// Query strings (already encoded) for the previous and next pages.
    pub previous: Option<String>,
    pub next: Option<String>,
}

pub struct ProgressRow {
    pub campaign_id: i64,
    pub name: String,
    pub version: u32,
    pub percent: u8,
    pub total: u64,
    pub delivered: u64,
    pub retrying: u64,
    pub bounced: u64,
    pub next_retry: Option<String>,
    /// Not sent: the window stayed closed until the retry window ended (refunded).
    pub outside_hours: u64,
    pub opted_out: u64,
    /// "12 from Monday 2027-03-08 08:00 (Europe/Paris) (Sunday)", one per waiting group.
    pub waiting: Vec<String>,
}

pub struct HoldRow {
    pub campaign_id: i64,
    pub name: String,
    pub version: u32,
    pub cost: u64,
    pub since: String,
}

#[derive(Template)]
#[template(path = "campaigns/campaigns.html")]
pub struct CampaignsPage {
    pub nav: Nav,
    pub sending: Vec<ProgressRow>,
    pub on_hold: Vec<HoldRow>,
}

pub struct AccountRow {
    pub id: u64,
    pub name: String,
    pub available: u64,
    pub reserved: u64,
    pub auto_validation: bool,
}

#[derive(Template)]
#[template(path = "accounts/accounts.html")]
pub struct AccountsPage {
    pub nav: Nav,
    pub accounts: Vec<AccountRow>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// One bar of the ratings chart, in SVG user units.
pub struct Bar {
    pub rating: u8,
    pub count: u64,
    pub x: u32,
    pub y: u32,
    pub height: u32,
}

pub struct RatingChart {
    pub bars: Vec<Bar>,
    pub total: u64,
    pub average: Option<String>,
}

/// One rating's part of a month's stacked bar.
pub struct Segment {
    pub rating: u8,
    pub count: u64,
    pub y: u32,
    pub height: u32,
    pub fill: &'static str,
}

pub struct MonthColumn {
    pub month: String,
    /// "03" under the bar.
    pub label: String,
    pub x: u32,
    pub top: u32,
    pub total: u64,
    pub average: Option<String>,
    pub segments: Vec<Segment>,
}

#[derive(Template)]
#[template(path = "dashboard/dashboard.html")]
pub struct DashboardPage {
    pub nav: Nav,
    pub queue_size: u64,
    pub oldest_wait: Option<String>,
    pub median_wait: Option<String>,
    pub decisions_today: u64,
    pub chart: RatingChart,
    pub months: Vec<MonthColumn>,
}

pub struct MonthLine {
    pub month: String,
    pub counts: [u64; 5],
    pub total: u64,
    pub average: Option<String>,
}

pub struct ReviewLine {
    pub id: i64,
    pub account: u64,
    pub user: u64,
    pub rating: u8,
    pub body: String,
    pub at: String,
    pub unpublished: Option<String>,
}

pub struct ConsentLine {
    pub purpose: &'static str,
    pub decision: &'static str,
    pub count: u64,
}

#[derive(Template)]
#[template(path = "ratings/ratings.html")]
pub struct RatingsPage {
    pub nav: Nav,
    pub months: Vec<MonthLine>,
    pub reviews: Vec<ReviewLine>,
    pub consents: Vec<ConsentLine>,
}

/// An error, with the menu (an error page is no dead end) but without the sign-out form: the
/// session is not at hand where errors are turned into pages.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub nav: Nav,
    pub status: u16,
    pub message: String,
}

/// A campaign's page: its versions and decisions, its delivery curve and funnel, its credit.
#[derive(Template)]
#[template(path = "campaigns/campaign.html")]
pub struct CampaignPageView {
    pub nav: Nav,
    pub campaign_id: i64,
    pub name: String,
    pub account: String,
    pub state: &'static str,
    pub sent: Option<SentView>,
    pub audit: Vec<AuditRow>,
    pub ledger: Vec<LedgerRow>,
}

pub struct SentView {
    pub version: u32,
    pub curve: DeliveryCurve,
    pub funnel: Vec<FunnelBar>,
    pub clicks: u64,
    pub bounce_reasons: Vec<(String, u64)>,
    pub opted_out: u64,
    pub outside_hours: u64,
    pub stopped: u64,
    pub left_out: u64,
}

/// Cumulative outcomes over time, as SVG polylines (user units).
pub struct DeliveryCurve {
    pub delivered: String,
    pub bounced: String,
    /// The highest count on the vertical axis.
    pub top: u64,
    pub start: String,
    pub end: String,
    pub empty: bool,
}

/// One step of the funnel: a horizontal bar in SVG user units.
pub struct FunnelBar {
    pub label: &'static str,
    pub count: u64,
    pub percent: u64,
    pub y: u32,
    pub width: u32,
}

pub struct AuditRow {
    pub at: String,
    pub version: u32,
    pub what: &'static str,
    pub by: String,
    pub detail: String,
}

pub struct LedgerRow {
    pub at: String,
    pub version: u32,
    pub kind: &'static str,
    pub amount: u64,
    pub reason: String,
}
