//! Short links: the code each recipient's link got, where it leads, and the clicks on it.
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::ids::{AccountId, DeliveryId};
use crate::domain::short_links::{LinkCode, LinkExpiry};

/// A short link to keep for a message's link, unless that link has one already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShortLink {
    pub code: LinkCode,
    pub account: AccountId,
    pub delivery: DeliveryId,
    /// Which link of the message, from 0.
    pub position: u32,
    pub url: String,
    pub created_at: DateTime<Utc>,
}

/// Where a code leads, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortLinkTarget {
    pub url: String,
    pub delivery: DeliveryId,
    pub created_at: DateTime<Utc>,
    /// The account's setting now: changing it moves every link's end.
    pub expiry: LinkExpiry,
}

/// A counted click on a short link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Click {
    pub code: LinkCode,
    pub delivery: DeliveryId,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait LinkStore {
    /// Keeps the links that have no code yet and returns the code of each asked, as
    /// `(delivery, position, code)`: a message sent again keeps its first codes. A drawn code
    /// already taken (one chance in 2^64 per pair) is simply missing from the answer.
    async fn short_links(
        &self,
        links: &[NewShortLink],
    ) -> Result<Vec<(DeliveryId, u32, LinkCode)>, StoreError>;
    async fn short_link(&self, code: LinkCode) -> Result<Option<ShortLinkTarget>, StoreError>;
    /// Records clicks in one transaction: each is logged (first or repeat of its code) and
    /// counted on its message.
    async fn record_clicks(&self, clicks: &[Click]) -> Result<(), StoreError>;
}
