//! Persistence: one trait per area (accounts, campaigns, recipients, deliveries, outbox, people,
//! console, surveys, support), `Store` for all of them; the SQL behind them lives only in this
//! folder, one file per area under `sql/`.
//!
//! Both engines go through sqlx's `Any` driver with one set of queries written in the SQL both
//! understand (`$n` placeholders, `RETURNING`, `ON CONFLICT`); where they differ, `Engine` says
//! which text to use. Each engine has its own migrations (`migrations/sqlite`, `migrations/postgres`).
use std::sync::Arc;

use crate::domain::credits::Credits;

mod accounts;
mod answers;
mod audiences;
mod campaigns;
mod console;
mod contacts;
mod deliveries;
mod links;
mod ops;
mod outbox;
mod people;
mod recipients;
mod replies;
mod reports;
mod review_desk;
mod rows;
mod sql;
mod support;
mod surveys;

pub use accounts::{AccountStore, LedgerLine};
pub use answers::{AnswerStore, AnswerUpdate, StoredAnswer, ThreadContact};
pub use audiences::{AudienceRecord, AudienceStore, AudienceWrite};
pub use campaigns::{AuditRecord, CampaignStore, Change, ConfirmationWrite, StoredConfirmation};
pub use console::{
    ConsoleStore, DecisionFilter, PastRefusal, PendingReview, QueueFilter, ReviewRecord,
    SessionRecord, SignInAttempt,
};
pub use contacts::{
    ContactAnswer, ContactAudit, ContactData, ContactEntry, ContactMessage, ContactReply,
    ContactStore, Erased, FieldValue, ListUse, MessageKind,
};
pub use deliveries::{DeliveryJob, DeliveryRecord, DeliveryStore, WindowHold, WindowOf};
pub use links::{Click, LinkStore, NewShortLink, ShortLinkTarget};
pub use ops::{Backlogs, DatabaseHealth, OpsStore, PoolUse};
pub use outbox::{OutboxItem, OutboxStore};
pub use people::{PeopleStore, UserSetting};
pub use recipients::{RecipientStore, RecipientValues};
pub use replies::{ReplyStore, ReplyToPost};
pub use reports::{Funnel, ReportStore, Timeline};
pub use review_desk::{ConsoleChange, LoggedChange, ReviewDeskStore, ReviewToRemind};
pub use support::{RatingData, ReviewData, SupportSettings, SupportStore, SupportThread};
pub use surveys::{SurveySettings, SurveyStore};

pub use sql::SqlStore;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone else changed the record first (optimistic concurrency).
    #[error("the record was changed by someone else first")]
    Conflict,
    #[error("a campaign named \"{0}\" already exists in this account")]
    NameTaken(String),
    #[error("moderator \"{0}\" already exists")]
    ModeratorExists(String),
    #[error("not enough credit: {needed} needed, {available} available")]
    InsufficientCredit { needed: Credits, available: Credits },
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("unsupported database URL \"{0}\": use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("could not prepare the data directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Unsupported(&'static str),
    #[error("there is no database at {0}")]
    NoDatabase(String),
}

/// Everything Herald keeps, one area a trait: each use case asks for the areas it needs.
pub trait Store:
    AccountStore
    + AudienceStore
    + CampaignStore
    + RecipientStore
    + DeliveryStore
    + LinkStore
    + ReportStore
    + ReplyStore
    + AnswerStore
    + ReviewDeskStore
    + ContactStore
    + OutboxStore
    + PeopleStore
    + ConsoleStore
    + SurveyStore
    + SupportStore
    + OpsStore
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: AccountStore
        + AudienceStore
        + CampaignStore
        + RecipientStore
        + DeliveryStore
        + LinkStore
        + ReportStore
        + ReplyStore
        + AnswerStore
        + ReviewDeskStore
        + ContactStore
        + OutboxStore
        + PeopleStore
        + ConsoleStore
        + SurveyStore
        + SupportStore
        + OpsStore
        + Send
        + Sync
        + 'static
{
}

/// Opens (creating and migrating if needed) the store a URL names: `sqlite://PATH` or
/// `postgres://…`.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    Ok(Arc::new(SqlStore::open(url).await?))
}

/// Opens the store a URL names as it is, without migrating it.
pub async fn open_unmigrated(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    Ok(Arc::new(SqlStore::open_unmigrated(url).await?))
}
