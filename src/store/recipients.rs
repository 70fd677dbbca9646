//! Recipient lists, written once per import then frozen, and the opt-out list.
use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::effects::{Actor, AuditEntry};
use crate::domain::ids::{AccountId, ListId};
use crate::domain::opt_out::{OptOutEntry, OptOutReason};
use crate::domain::personal::ListColumns;
use crate::domain::phone::PhoneNumber;
use crate::domain::recipients::Recipient;
use crate::domain::window::Destination;

/// One recipient's row, as rendering its message needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientValues {
    pub position: i64,
    pub phone: String,
    pub line: u64,
    pub fields: Option<String>,
}

#[async_trait]
pub trait RecipientStore: Send + Sync {
    async fn new_recipient_list(
        &self,
        account: AccountId,
        now: DateTime<Utc>,
    ) -> Result<ListId, StoreError>;
    /// Appends recipients at positions `first_position..`; lists are written once, then frozen.
    async fn append_recipients(
        &self,
        list: ListId,
        first_position: u64,
        batch: &[Recipient],
    ) -> Result<(), StoreError>;
    /// How many recipients of a list are in each destination, counted at import.
    async fn set_list_destinations(
        &self,
        list: ListId,
        counts: &[(Destination, u64)],
    ) -> Result<(), StoreError>;
    /// The counts of [`set_list_destinations`](Self::set_list_destinations), most first;
    /// `None` for a list imported before destinations were counted.
    async fn list_destinations(
        &self,
        list: ListId,
    ) -> Result<Option<Vec<(Destination, u64)>>, StoreError>;
    /// The merge-field columns of a list, set once its import is done.
    async fn set_list_columns(&self, list: ListId, columns: &ListColumns)
    -> Result<(), StoreError>;
    async fn list_columns(&self, list: ListId) -> Result<ListColumns, StoreError>;
    /// Where a list came from (`ListOrigin` as JSON), said once it is written.
    async fn set_list_origin(&self, list: ListId, origin: &str) -> Result<(), StoreError>;
    /// `None` for a list written before origins were kept.
    async fn list_origin(&self, list: ListId) -> Result<Option<String>, StoreError>;
    /// After a list of many rows was written: SQLite folds its write-ahead log into the
    /// database now, so the reads that follow (a finalize over a million recipients) don't
    /// share the disk with a background checkpoint. Nothing to do on PostgreSQL.
    async fn settle_bulk_write(&self) -> Result<(), StoreError>;
    /// Each recipient's number, line and stored values, in list order from `after_position`
    /// (exclusive): what rendering a list's messages needs, without parsing numbers again.
    async fn recipient_values(
        &self,
        list: ListId,
        after_position: i64,
        limit: u32,
    ) -> Result<Vec<RecipientValues>, StoreError>;
    async fn drop_recipient_list(&self, list: ListId) -> Result<(), StoreError>;
    /// Deletes lists created before `created_before` that no draft or version points at
    /// (replaced drafts, imports cut short by a crash); returns how many went.
    async fn prune_recipient_lists(&self, created_before: DateTime<Utc>)
    -> Result<u64, StoreError>;
    /// Recipients of a list in file order, from `after_position` (exclusive).
    async fn recipients(
        &self,
        list: ListId,
        after_position: i64,
        limit: u32,
    ) -> Result<Vec<(i64, Recipient)>, StoreError>;
    async fn opted_out(&self, account: AccountId) -> Result<HashSet<String>, StoreError>;
    async fn opt_out_count(&self, account: AccountId) -> Result<u64, StoreError>;
    /// Which of `phones` (E.164) are on the account's opt-out list.
    async fn opted_out_among(
        &self,
        account: AccountId,
        phones: &[&str],
    ) -> Result<HashSet<String>, StoreError>;
    /// Puts a number on the list (a STOP replaces an earlier reason: it is the recipient's own
    /// word); `audit` is written with it.
    async fn add_opt_out(
        &self,
        account: AccountId,
        phone: &PhoneNumber,
        reason: OptOutReason,
        by: Option<&Actor>,
        audit: Option<&AuditEntry>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Puts numbers on the list in one transaction; those already there keep their entry.
    async fn add_opt_outs(
        &self,
        account: AccountId,
        phones: &[PhoneNumber],
        reason: OptOutReason,
        by: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The list in number order, from after `after` (exclusive), `limit` at a time; only
    /// numbers holding `digits` when given.
    async fn opt_out_entries(
        &self,
        account: AccountId,
        digits: Option<&str>,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<OptOutEntry>, StoreError>;
    async fn opt_out_entry(
        &self,
        account: AccountId,
        phone: &PhoneNumber,
    ) -> Result<Option<OptOutEntry>, StoreError>;
    /// Takes a number off the list, writing `audit` with it; `false` if it was not there.
    async fn remove_opt_out(
        &self,
        account: AccountId,
        phone: &PhoneNumber,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// The accounts with a message (campaign or test) to this number.
    async fn accounts_that_sent_to(
        &self,
        phone: &PhoneNumber,
    ) -> Result<Vec<AccountId>, StoreError>;
}
