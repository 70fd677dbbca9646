//! Sending windows: when a marketing SMS may reach a phone, decided per recipient.
//!
//! One rule set serves everywhere a send time matters: the summary at finalize, the
//! moderator's review, the start of sending, each hand-over to the gateway and each retry.
//!
//! France's rule is built in: Monday to Saturday, 08:00–20:00 in the recipient's own time,
//! never on a public holiday of where the number is. It satisfies every published reading
//! (AF2M's 2026 charter allows 08:00–21:30, its 2024 one 08:00–22:00 on working days, gateways
//! Mon–Sat 08:00–20:00 or 22:00; see `french-sms-rules.md` in the design notes). Operators
//! reject alphanumeric-sender traffic outside it, so a message sent anyway becomes a bounce.
//! Every other country gets the same rule in its own zones unless the account chose no window
//! for it (an audited setting): stricter than some local laws, never looser.
mod destination;
mod holidays;
mod number_zones;
mod plan;

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;

pub use destination::{Destination, UnknownDestination};
pub use holidays::{FrenchHoliday, HolidayArea, easter_sunday};
pub use plan::{PlannedGroup, SendPlan};

use super::phone::Region;

/// Why an instant falls outside a recipient's window, with the local time it was read at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WindowFlag {
    Sunday {
        local: NaiveDateTime,
        zone: String,
    },
    PublicHoliday {
        local: NaiveDateTime,
        zone: String,
        holiday: FrenchHoliday,
    },
    OutsideHours {
        local: NaiveDateTime,
        zone: String,
        opens: NaiveTime,
        closes: NaiveTime,
    },
}

/// The hours a message may reach a phone, read in the phone's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowRule {
    opens: NaiveTime,
    /// The first minute outside: 20:00 itself is too late.
    closes: NaiveTime,
    sundays: bool,
    holidays: bool,
}

impl WindowRule {
    /// Monday to Saturday, 08:00–20:00, no public holidays.
    pub const FRENCH: WindowRule = WindowRule {
        opens: NaiveTime::from_hms_opt(8, 0, 0).expect("08:00 is a time"),
        closes: NaiveTime::from_hms_opt(20, 0, 0).expect("20:00 is a time"),
        sundays: false,
        holidays: true,
    };

    /// Every reason `local` (a wall-clock time in `zone`) is outside; empty when inside.
    fn flags(&self, local: NaiveDateTime, zone: Tz, area: HolidayArea) -> Vec<WindowFlag> {
        let name = || zone.name().to_owned();
        let mut flags = Vec::new();
        if !self.sundays && local.weekday() == Weekday::Sun {
            flags.push(WindowFlag::Sunday {
                local,
                zone: name(),
            });
        }
        if self.holidays
            && let Some(holiday) = area.holiday_on(local.date())
        {
            flags.push(WindowFlag::PublicHoliday {
                local,
                zone: name(),
                holiday,
            });
        }
        if local.time() < self.opens || local.time() >= self.closes {
            flags.push(WindowFlag::OutsideHours {
                local,
                zone: name(),
                opens: self.opens,
                closes: self.closes,
            });
        }
        flags
    }

    fn open_day(&self, day: NaiveDate, area: HolidayArea) -> bool {
        (self.sundays || day.weekday() != Weekday::Sun)
            && !(self.holidays && area.holiday_on(day).is_some())
    }

    /// The first instant at or after `at` that is inside in `zone`, with why `at` is not;
    /// `None` when `at` is inside.
    fn next_opening(
        &self,
        zone: Tz,
        area: HolidayArea,
        at: DateTime<Utc>,
    ) -> Option<(DateTime<Utc>, WindowFlag)> {
        let local = at.with_timezone(&zone).naive_local();
        let because = self.flags(local, zone, area).into_iter().next()?;
        let mut day = local.date();
        if local.time() >= self.opens {
            day = day.succ_opt()?;
        }
        // Sundays and holidays never run more than a few days in a row: a fortnight is plenty.
        // Past it (a calendar gone wrong), the fortnight's end is given: closed, never open.
        for _ in 0..14 {
            if self.open_day(day, area) {
                break;
            }
            day = day.succ_opt()?;
        }
        Some((utc_of(zone, day.and_time(self.opens)), because))
    }
}

/// The instant a wall-clock time happens in `zone`; the first instant after it when a clock
/// change skips it.
fn utc_of(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    use chrono::TimeZone;
    let mut candidate = local;
    loop {
        if let Some(at) = zone.from_local_datetime(&candidate).earliest() {
            return at.with_timezone(&Utc);
        }
        candidate += Duration::minutes(15);
    }
}

/// When a message may go.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Decision {
    Now,
    /// Not before `at`: `because` says what closes the window now.
    NotBefore {
        at: DateTime<Utc>,
        because: WindowFlag,
    },
}

/// An account's rule set: France's rule, everywhere but the countries it chose to send to
/// without a window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendingPolicy {
    unrestricted: BTreeSet<String>,
}

/// France and its overseas territories: their rule can't be lifted.
const FRENCH_REGIONS: &[&str] = &[
    "BL", "FR", "GF", "GP", "MF", "MQ", "NC", "PF", "PM", "RE", "TF", "WF", "YT",
];

/// "No window" was asked for France or one of its territories.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the French sending window can't be lifted for {region}")]
pub struct FrenchRuleStays {
    pub region: Region,
}

/// How far ahead an opening is looked for before giving up (a region whose zones never share
/// an open hour, which no region does: see the tests).
const MAX_ROUNDS: usize = 64;

impl SendingPolicy {
    /// France's rule everywhere.
    pub fn french() -> SendingPolicy {
        SendingPolicy::default()
    }

    /// France's rule everywhere but in `regions`.
    pub fn without_window_in(
        regions: impl IntoIterator<Item = Region>,
    ) -> Result<SendingPolicy, FrenchRuleStays> {
        let mut unrestricted = BTreeSet::new();
        for region in regions {
            let code = region.as_code().to_string();
            if FRENCH_REGIONS.contains(&code.as_str()) {
                return Err(FrenchRuleStays { region });
            }
            unrestricted.insert(code);
        }
        Ok(SendingPolicy { unrestricted })
    }

    /// The regions sent to without a window, by code.
    pub fn unrestricted(&self) -> impl Iterator<Item = &str> {
        self.unrestricted.iter().map(String::as_str)
    }

    /// The rule a destination's messages follow; `None`: no window.
    pub fn rule_for(&self, destination: &Destination) -> Option<WindowRule> {
        let lifted = destination
            .region()
            .is_some_and(|r| self.unrestricted.contains(&*r.as_code()));
        (!lifted).then_some(WindowRule::FRENCH)
    }

    /// Every reason `at` is outside the destination's window, read in the first of its zones
    /// that is closed; empty when a message may go.
    pub fn check(&self, destination: &Destination, at: DateTime<Utc>) -> Vec<WindowFlag> {
        let Some(rule) = self.rule_for(destination) else {
            return Vec::new();
        };
        destination
            .zones()
            .iter()
            .map(|&zone| {
                rule.flags(
                    at.with_timezone(&zone).naive_local(),
                    zone,
                    destination.holidays(),
                )
            })
            .find(|flags| !flags.is_empty())
            .unwrap_or_default()
    }

    /// Whether a message to `destination` may go at `at`, or from when.
    pub fn decide(&self, destination: &Destination, at: DateTime<Utc>) -> Decision {
        let Some(rule) = self.rule_for(destination) else {
            return Decision::Now;
        };
        let area = destination.holidays();
        let mut candidate = at;
        let mut first_reason = None;
        // Several zones: move to each closed zone's next opening until all are open at once.
        for _ in 0..MAX_ROUNDS {
            let mut moved = false;
            for &zone in destination.zones() {
                if let Some((opening, because)) = rule.next_opening(zone, area, candidate) {
                    first_reason.get_or_insert(because);
                    candidate = opening;
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
        match first_reason {
            None => Decision::Now,
            Some(because) => Decision::NotBefore {
                at: candidate,
                because,
            },
        }
    }
}

#[cfg(test)]
mod tests;
