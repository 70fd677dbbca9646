//! Messages phones send back: kept, posted to the team's replies channel, counted.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::ids::{AccountId, ChannelId};
use crate::domain::phone::PhoneNumber;

/// A reply waiting to be posted to its account's replies channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyToPost {
    pub id: i64,
    pub account: AccountId,
    pub channel: ChannelId,
    pub phone: String,
    pub text: String,
    /// An opt-out word: the number is on the account's opt-out list now.
    pub opted_out: bool,
    pub received_at: DateTime<Utc>,
    /// The campaign and version of the last message the account sent to the number.
    pub campaign: Option<(String, u32)>,
    /// That message's recipient values, by column name, in the list's order.
    pub fields: Vec<(String, String)>,
    /// The number's thread in the replies channel, once there is one.
    pub thread: Option<ChannelId>,
}

#[async_trait]
pub trait ReplyStore {
    /// Keeps a reply to `account`, tied to the last message the account sent to the number
    /// (counted on it).
    async fn record_reply(
        &self,
        account: AccountId,
        phone: &PhoneNumber,
        text: &str,
        opted_out: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Replies not posted yet of accounts with a replies channel, each claimed until
    /// `lease_until` (a process that stops leaves them to another), oldest first.
    async fn claim_replies(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ReplyToPost>, StoreError>;
    /// `thread` was just opened for the reply's number: kept at once, so that a post failing
    /// after it never opens a second thread, and answers can be written there right away.
    async fn reply_thread_opened(
        &self,
        reply: &ReplyToPost,
        thread: ChannelId,
    ) -> Result<(), StoreError>;
    /// A reply posted in `thread`, which is its number's thread from now on.
    async fn reply_posted(
        &self,
        reply: &ReplyToPost,
        thread: ChannelId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}
