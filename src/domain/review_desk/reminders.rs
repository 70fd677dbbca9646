//! Reminders in the moderators' Discord channel: a version waiting longer than the team's
//! delay gets a message there, at most one an hour per version.
use chrono::TimeDelta;

use crate::domain::ids::{ChannelId, RoleId};

/// At most one reminder per version in this long.
pub const REMIND_EVERY: TimeDelta = TimeDelta::hours(1);

/// How long a version may wait before the moderators are reminded: 5 minutes to a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderDelay(u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a reminder comes after 5 to 1440 minutes, not {0}")]
pub struct InvalidReminderDelay(pub i64);

impl ReminderDelay {
    pub const DEFAULT: ReminderDelay = ReminderDelay(30);

    pub fn minutes(minutes: i64) -> Result<ReminderDelay, InvalidReminderDelay> {
        match u32::try_from(minutes) {
            Ok(m) if (5..=1440).contains(&m) => Ok(ReminderDelay(m)),
            _ => Err(InvalidReminderDelay(minutes)),
        }
    }

    pub fn as_minutes(self) -> u32 {
        self.0
    }

    pub fn as_delta(self) -> TimeDelta {
        TimeDelta::minutes(i64::from(self.0))
    }
}

/// Where the moderators are reminded, whom to ping, and after how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModeratorsChannel {
    pub channel: ChannelId,
    pub role: Option<RoleId>,
    pub after: ReminderDelay,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_stay_between_five_minutes_and_a_day() {
        assert_eq!(ReminderDelay::minutes(30).unwrap().as_minutes(), 30);
        assert!(ReminderDelay::minutes(4).is_err());
        assert!(ReminderDelay::minutes(1441).is_err());
        assert!(ReminderDelay::minutes(-1).is_err());
        assert_eq!(ReminderDelay::DEFAULT.as_delta(), TimeDelta::minutes(30));
    }
}
