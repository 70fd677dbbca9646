//! What happened to each recipient of a version: the rows of a campaign's results file.
use chrono::{DateTime, Utc};

use super::delivery::DeliveryStatus;

/// One recipient's outcome, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientResult {
    pub phone: String,
    /// The recipient's merge-field values, stored form.
    pub fields: Option<String>,
    pub status: DeliveryStatus,
    /// What the gateway or the network said, for a bounce; why it was not sent otherwise.
    pub error: Option<String>,
    pub attempts: u32,
    pub first_submitted_at: Option<DateTime<Utc>>,
    /// When its status became final (delivered, bounced or not sent).
    pub finished_at: Option<DateTime<Utc>>,
    /// Left out because its personalised message could not be written.
    pub left_out: bool,
    /// Taps on its short links by a person (link-preview fetchers not counted).
    pub clicks: u64,
    /// Messages the phone sent back after this one.
    pub replies: u64,
    /// SMS answers the team sent to those replies, from the number's thread.
    pub answers: u64,
}

/// A recipient's outcome as a results file names it: stable codes a spreadsheet can filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Delivered,
    Bounced,
    /// Still on its way: waiting, handed over, or waiting for a retry.
    Sending,
    OptedOut,
    OutsideHours,
    Stopped,
    LeftOut,
}

impl Outcome {
    pub fn of(result: &RecipientResult) -> Outcome {
        match result.status {
            DeliveryStatus::Delivered => Outcome::Delivered,
            DeliveryStatus::Bounced => Outcome::Bounced,
            DeliveryStatus::Pending | DeliveryStatus::Submitted | DeliveryStatus::Retrying => {
                Outcome::Sending
            }
            DeliveryStatus::Skipped if result.left_out => Outcome::LeftOut,
            DeliveryStatus::Skipped => Outcome::OptedOut,
            DeliveryStatus::OutsideHours => Outcome::OutsideHours,
            DeliveryStatus::Stopped => Outcome::Stopped,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Bounced => "bounced",
            Outcome::Sending => "sending",
            Outcome::OptedOut => "opted_out",
            Outcome::OutsideHours => "outside_hours",
            Outcome::Stopped => "stopped",
            Outcome::LeftOut => "left_out",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipped_recipients_are_told_apart() {
        let mut r = RecipientResult {
            phone: "+33612345678".into(),
            fields: None,
            status: DeliveryStatus::Skipped,
            error: None,
            attempts: 0,
            first_submitted_at: None,
            finished_at: None,
            left_out: false,
            clicks: 0,
            replies: 0,
            answers: 0,
        };
        assert_eq!(Outcome::of(&r), Outcome::OptedOut);
        r.left_out = true;
        assert_eq!(Outcome::of(&r).code(), "left_out");
        r.status = DeliveryStatus::Retrying;
        assert_eq!(Outcome::of(&r), Outcome::Sending);
    }
}
