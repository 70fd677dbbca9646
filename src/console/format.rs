//! How the console writes times, waits and send modes.
use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::campaign::SendMode;

/// "2027-03-02 09:00 UTC".
pub fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A wait, to the unit that matters: "40 s", "12 min", "3 h 05 min", "2 d 4 h".
pub fn wait(d: TimeDelta) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3_600 => format!("{} min", s / 60),
        3_600..86_400 => format!("{} h {:02} min", s / 3_600, s % 3_600 / 60),
        _ => format!("{} d {} h", s / 86_400, s % 86_400 / 3_600),
    }
}

/// "immediately, once approved" or "2027-03-05 10:00 Europe/Paris (09:00 UTC)".
pub fn send_mode(mode: &SendMode) -> String {
    match mode {
        SendMode::Immediate => "immediately, once approved".to_owned(),
        SendMode::Scheduled(at) => format!(
            "{} {} ({})",
            at.local().format("%Y-%m-%d %H:%M"),
            at.zone().name(),
            utc(at.utc())
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_in_the_unit_that_matters() {
        assert_eq!(wait(TimeDelta::seconds(40)), "40 s");
        assert_eq!(wait(TimeDelta::seconds(12 * 60 + 5)), "12 min");
        assert_eq!(wait(TimeDelta::seconds(3 * 3600 + 5 * 60)), "3 h 05 min");
        assert_eq!(wait(TimeDelta::seconds(2 * 86400 + 4 * 3600)), "2 d 4 h");
        assert_eq!(wait(TimeDelta::seconds(-3)), "0 s");
    }
}
