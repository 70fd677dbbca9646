//! When a scheduled campaign is sent: a local date and time in an IANA zone, resolved to UTC. (stub)
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;

/// A valid IANA time zone name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Zone(Tz);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone \"{input}\"{}", suggestion_text(.suggestions))]
pub struct UnknownZone {
    pub input: String,
    pub suggestions: Vec<&'static str>,
}

fn suggestion_text(s: &[&'static str]) -> String {
    if s.is_empty() {
        ": use an IANA name such as Europe/Paris".to_owned()
    } else {
        format!(": did you mean {}?", s.join(", "))
    }
}

impl Zone {
    pub fn parse(input: &str) -> Result<Zone, UnknownZone> {
        let _ = input;
        todo!()
    }
    pub fn tz(&self) -> Tz {
        self.0
    }
    pub fn name(&self) -> &'static str {
        self.0.name()
    }
    /// Up to `limit` zone names matching what a user has typed so far (cities, abbreviations).
    pub fn suggest(typed: &str, limit: usize) -> Vec<&'static str> {
        let _ = (typed, limit);
        todo!()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendAt {
    local: NaiveDateTime,
    zone: Zone,
    utc: DateTime<Utc>,
    /// Set when the local time happened twice (clocks went back) and the earlier one was taken.
    fold_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendAtError {
    #[error("{time} does not exist on {date} in {zone}: clocks go from {gap_start} to {gap_end}; pick another time")]
    InGap {
        date: NaiveDate,
        time: String,
        zone: &'static str,
        gap_start: String,
        gap_end: String,
    },
    #[error("{local} in {zone} is in the past or less than a minute away: pick a time at least 1 minute ahead")]
    TooSoon { local: String, zone: &'static str },
    #[error("{local} in {zone} is more than a year ahead: pick a time within 1 year")]
    TooFar { local: String, zone: &'static str },
    #[error("\"{0}\" is not a date: write it as YYYY-MM-DD, for example 2027-03-28")]
    BadDate(String),
    #[error("\"{0}\" is not a time: write it as HH:MM, for example 14:30")]
    BadTime(String),
}

impl SendAt {
    pub fn resolve(date: NaiveDate, time: NaiveTime, zone: Zone, now: DateTime<Utc>) -> Result<SendAt, SendAtError> {
        let _ = (date, time, zone, now);
        todo!()
    }
    /// Parses "YYYY-MM-DD" and "HH:MM" and resolves them.
    pub fn parse(date: &str, time: &str, zone: Zone, now: DateTime<Utc>) -> Result<SendAt, SendAtError> {
        let _ = (date, time, zone, now);
        todo!()
    }
    /// Rebuilds a value that was valid when stored (no "ahead of now" checks).
    pub fn from_stored(utc: DateTime<Utc>, zone: Zone) -> SendAt {
        let _ = (utc, zone);
        todo!()
    }
    pub fn utc(&self) -> DateTime<Utc> {
        self.utc
    }
    pub fn local(&self) -> NaiveDateTime {
        self.local
    }
    pub fn zone(&self) -> Zone {
        self.zone
    }
    pub fn fold_note(&self) -> Option<&str> {
        self.fold_note.as_deref()
    }
}
