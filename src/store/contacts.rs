//! Erasing a person's data by number, keeping only anonymous counts.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::effects::AuditEntry;
use crate::domain::ids::AccountId;
use crate::domain::phone::PhoneNumber;

/// What an erasure removed or made anonymous.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Erased {
    /// Entries of the account's recipient lists and audiences, removed.
    pub list_entries: u64,
    /// Messages sent or to send to the number: kept for the campaigns' counts, without the
    /// number or the values; those not sent yet will not be.
    pub messages: u64,
    /// Of which not sent yet, now never sent.
    pub unsent: u64,
    pub replies: u64,
    /// Short links of its messages, which stop working.
    pub links: u64,
    /// Audit entries that named the number, now naming nobody.
    pub audit_entries: u64,
    /// The number stays on the opt-out list, so that no campaign reaches it again.
    pub kept_on_opt_out_list: bool,
}

impl Erased {
    /// Nothing was kept about the number.
    pub fn is_nothing(&self) -> bool {
        *self == Erased::default()
    }
}

#[async_trait]
pub trait ContactStore {
    /// Erases the number from everything the account keeps but its opt-out list, in one
    /// transaction, with `audit`.
    async fn erase_contact(
        &self,
        account: AccountId,
        phone: &PhoneNumber,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> Result<Erased, StoreError>;
}
