//! Use cases: the one door the bot, the console, the delivery engine and the CLI go through.
//! Each loads what it needs, decides with the domain, and persists the change with its effects.
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::domain::campaign::{Campaign, ConfirmationToken};
use crate::domain::delivery::RetryPolicy;
use crate::domain::ids::{AccountId, CampaignName, ChannelId, UserId};
use crate::domain::short_links::LinkBase;
use crate::store::Store;

/// Runs a use case's load-decide-commit `$attempt` block again while it loses races (another
/// change to the same campaign committed first, reported as `Busy`): each run reads afresh.
/// A block rather than a closure, so the use case's future stays `Send` for the bot.
macro_rules! retry_on_busy {
    ($attempt:block) => {{
        let mut run = 1;
        loop {
            let result = async $attempt.await;
            match result {
                Err($crate::app::AppError::Busy) if run < $crate::app::ATTEMPTS => run += 1,
                done => break done,
            }
        }
    }};
}

mod accounts;
mod answers;
mod audiences;
mod campaign_page;
mod campaigns;
pub mod clock;
mod confirm;
pub mod console;
mod contacts;
pub mod csv_source;
mod deliveries;
mod error;
mod import;
mod links;
mod moderate;
mod notify;
mod operations;
mod opt_outs;
mod people;
mod personal;
mod results;
mod review_desk;
mod sending;
pub mod support;
mod surveys;
mod views;

pub use accounts::MAX_BALANCE;
pub use answers::AnswerQueued;
pub use audiences::{AudienceImport, AudienceSelection, AudienceView};
pub use campaign_page::{CampaignPage, SentFigures, TIMELINE_BUCKETS};
pub use campaigns::{DraftInput, DraftView};
pub use clock::{Clock, ManualClock, ShiftedClock, SystemClock};
pub use confirm::{ConfirmOutcome, FinalizeOptions, SendRequest};
pub use contacts::ContactExport;
pub use deliveries::{HAND_OVER_MARGIN, ReportEffect};
pub use error::AppError;
pub use import::ImportOptions;
pub use links::LinkVisit;
pub use moderate::Decision;
pub use notify::NOTIFICATION_LEASE;
pub use results::ResultsSummary;
pub use review_desk::AccountOverview;
pub use sending::SchedulerPass;
pub use surveys::SurveyAnswer;
pub use views::{CampaignListItem, CampaignStatus, CreditsView, RefusalView};

/// Who is asking: a user in a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requester {
    pub account: AccountId,
    pub user: UserId,
    /// The channel the request came from (Discord); `None` from the command line.
    pub channel: Option<ChannelId>,
}

impl Requester {
    pub const fn new(account: AccountId, user: UserId) -> Requester {
        Requester {
            account,
            user,
            channel: None,
        }
    }
}

#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
    /// Where links of messages are shortened to (`HERALD_LINK_DOMAIN` or the public address);
    /// `None`: links go as written.
    short_links: Option<LinkBase>,
}

/// How many times a use case re-reads and re-decides after losing a race before giving up.
const ATTEMPTS: usize = 5;

impl App {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> App {
        App {
            store,
            clock,
            retry: RetryPolicy::default(),
            short_links: None,
        }
    }

    /// The same use cases, shortening the links of messages to `base`.
    pub fn with_short_links(mut self, base: LinkBase) -> App {
        self.short_links = Some(base);
        self
    }

    /// The same use cases with another retry window and backoff.
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> App {
        self.retry = retry;
        self
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The clock the use cases read, for adapters that show times relative to it.
    pub fn current_time(&self) -> DateTime<Utc> {
        self.now()
    }

    fn new_token() -> Result<ConfirmationToken, AppError> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(AppError::internal)?;
        Ok(ConfirmationToken::from_random(bytes))
    }

    async fn campaign_named(&self, account: AccountId, name: &str) -> Result<Campaign, AppError> {
        let parsed = CampaignName::parse(name)?;
        self.store
            .campaign(account, &parsed)
            .await?
            .ok_or_else(|| AppError::UnknownCampaign(parsed.to_string()))
    }
}

/// `bytes` random bytes as lowercase hex: tokens and keys.
pub(crate) fn random_hex(bytes: usize) -> Result<String, AppError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(AppError::internal)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}
