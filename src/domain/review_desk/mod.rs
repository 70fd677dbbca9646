//! What helps moderators clear the queue fast: claims on the items they open, refusal reasons
//! they reuse, and what changed since the version they refused.
mod canned;
mod claim;
mod diff;
mod reminders;

pub use canned::{CannedReason, CannedReasonError, ReasonLabel};
pub use claim::{CLAIM_TTL, Claim, ClaimOutcome};
pub use diff::{Change, VersionDiff, WordDiff, word_diff};
pub use reminders::{InvalidReminderDelay, ModeratorsChannel, REMIND_EVERY, ReminderDelay};
