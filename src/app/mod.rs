//! Use cases: the one door the bot, the console, the delivery engine and the CLI go through.
//! Each loads what it needs, decides with the domain, and persists the change with its effects.
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::domain::campaign::{Campaign, ConfirmationToken};
use crate::domain::ids::{AccountId, CampaignName, UserId};
use crate::store::Store;

mod accounts;
mod campaigns;
pub mod clock;
mod confirm;
pub mod csv_source;
mod error;
mod import;
mod moderate;
mod people;
mod views;

pub use accounts::MAX_BALANCE;
pub use campaigns::DraftInput;
pub use clock::{Clock, ManualClock, SystemClock};
pub use confirm::{ConfirmOutcome, SendRequest};
pub use error::AppError;
pub use moderate::Decision;
pub use views::{CampaignListItem, CampaignStatus, CreditsView};

/// Who is asking: a user in a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requester {
    pub account: AccountId,
    pub user: UserId,
}

#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

/// How many times a use case re-reads and re-decides after losing a race before giving up.
const ATTEMPTS: usize = 5;

/// Runs a use case's load-decide-commit `attempt` again while it loses races (another change
/// to the same campaign committed first, reported as `Busy`): each attempt reads afresh.
async fn retrying<T>(mut attempt: impl AsyncFnMut() -> Result<T, AppError>) -> Result<T, AppError> {
    for _ in 1..ATTEMPTS {
        match attempt().await {
            Err(AppError::Busy) => continue,
            done => return done,
        }
    }
    attempt().await
}

impl App {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> App {
        App { store, clock }
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
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
