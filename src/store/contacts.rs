//! A person's data by number: what an account keeps about it (the access right), and erasing
//! it, keeping only anonymous counts.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::StoreError;
use crate::domain::delivery::DeliveryStatus;
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
    /// The team's SMS answers to the number (their messages stay, without their text).
    pub answers: u64,
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

/// Everything an account keeps about a number but its opt-out entry (read on its own).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ContactData {
    /// Its entries in the account's recipient lists, with their values.
    pub entries: Vec<ContactEntry>,
    /// Messages sent or to send to it: campaigns', tests and answers.
    pub messages: Vec<ContactMessage>,
    /// What it sent back.
    pub replies: Vec<ContactReply>,
    /// The team's answers, confirmed or only written.
    pub answers: Vec<ContactAnswer>,
    /// Entries of the account's audit log that name the number.
    pub audit: Vec<ContactAudit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactAudit {
    pub action: crate::domain::effects::AuditAction,
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// One entry of a recipient list, and what uses that list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactEntry {
    pub kept_in: Vec<ListUse>,
    pub values: Vec<FieldValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ListUse {
    Audience { name: String },
    Draft { campaign: String },
    Version { campaign: String, version: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldValue {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Campaign,
    Test,
    Answer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactMessage {
    pub campaign: String,
    pub version: Option<u32>,
    pub kind: MessageKind,
    pub status: DeliveryStatus,
    /// The gateway's reason for a bounce, or why it was not sent.
    pub reason: Option<String>,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub last_change_at: DateTime<Utc>,
    pub clicks: u64,
    /// The recipient's values the message was written with, as the version froze them.
    pub values: Vec<FieldValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactReply {
    pub text: String,
    pub received_at: DateTime<Utc>,
    pub opted_out: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactAnswer {
    pub text: String,
    pub written_at: DateTime<Utc>,
    pub confirmed: bool,
}

#[async_trait]
pub trait ContactStore {
    /// What the account keeps about the number (without its opt-out entry); `audit` (which
    /// does not name it) is written with the reading.
    async fn contact_data(
        &self,
        account: AccountId,
        phone: &PhoneNumber,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> Result<ContactData, StoreError>;
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
