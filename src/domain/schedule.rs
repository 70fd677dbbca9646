//! When a scheduled campaign is sent: a local date and time in an IANA zone, resolved to UTC.
//!
//! The one-year limit uses "same date next year" semantics: a time is accepted up to and
//! including `now` plus 12 calendar months (29 February rolls back to 28 February).
use chrono::{
    DateTime, Duration, LocalResult, Months, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
    Timelike, Utc,
};
use chrono_tz::{GapInfo, Tz};

use super::zone::Zone;
use super::zone::offset_text;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendAt {
    local: NaiveDateTime,
    zone: Zone,
    utc: DateTime<Utc>,
    /// Set when the local time happens twice (clocks go back): which of the two was taken.
    fold_note: Option<FoldNote>,
}

/// A local time that happens twice on its date, because clocks go back, and which of the two
/// instants was taken. Times are written as clocks show them ("02:30", "UTC+02:00").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FoldNote {
    pub time: String,
    pub date: NaiveDate,
    pub zone: &'static str,
    /// Clocks go back from `from` to `to`.
    pub from: String,
    pub to: String,
    /// The first of the two instants was taken, else the second.
    pub first: bool,
    /// The UTC offset of the instant taken.
    pub offset: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendAtError {
    #[error(
        "{time} does not exist on {date} in {zone}: clocks go from {gap_start} to {gap_end}; pick another time"
    )]
    InGap {
        date: NaiveDate,
        time: String,
        zone: &'static str,
        gap_start: String,
        gap_end: String,
    },
    #[error(
        "{local} in {zone} is in the past or less than a minute away: pick a time at least 1 minute ahead"
    )]
    TooSoon { local: String, zone: &'static str },
    #[error("{local} in {zone} is more than a year ahead: pick a time within 1 year")]
    TooFar { local: String, zone: &'static str },
    #[error("\"{0}\" is not a date: write it as YYYY-MM-DD, for example 2027-03-28")]
    BadDate(String),
    /// Written right, but the calendar has no such day ("2027-02-29").
    #[error("{date} does not exist: that month has {days_in_month} days")]
    NoSuchDay { date: String, days_in_month: u32 },
    #[error("\"{0}\" is not a time: write it as HH:MM, for example 14:30")]
    BadTime(String),
}

/// The shortest delay between now and a scheduled send.
const MIN_LEAD: Duration = Duration::minutes(1);
/// The longest delay: same date and time next year.
const MAX_LEAD: Months = Months::new(12);

/// "02:30", or "02:30:15" when seconds were given.
fn clock_text(time: NaiveTime) -> String {
    if time.second() == 0 {
        time.format("%H:%M").to_string()
    } else {
        time.format("%H:%M:%S").to_string()
    }
}

fn local_text(local: NaiveDateTime) -> String {
    format!(
        "{} {}",
        local.date().format("%Y-%m-%d"),
        clock_text(local.time())
    )
}

/// Where clocks went back around two instants sharing a local time: (local time just before
/// the change, local time just after it). Found by bisecting between the two instants.
fn fold_bounds(
    tz: Tz,
    earlier: DateTime<Utc>,
    later: DateTime<Utc>,
) -> (NaiveDateTime, NaiveDateTime) {
    let offset_at = |t: i64| {
        tz.offset_from_utc_datetime(
            &DateTime::from_timestamp(t, 0)
                .unwrap_or(earlier)
                .naive_utc(),
        )
        .fix()
    };
    let before = offset_at(earlier.timestamp());
    let (mut lo, mut hi) = (earlier.timestamp(), later.timestamp());
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if offset_at(mid) == before {
            lo = mid
        } else {
            hi = mid
        }
    }
    let change = DateTime::from_timestamp(hi, 0).unwrap_or(later).naive_utc();
    (change + before, change + offset_at(hi))
}

fn fold_note(
    local: NaiveDateTime,
    zone: Zone,
    earlier: DateTime<Tz>,
    later: DateTime<Tz>,
    took_first: bool,
) -> FoldNote {
    let (from, to) = fold_bounds(
        zone.tz(),
        earlier.with_timezone(&Utc),
        later.with_timezone(&Utc),
    );
    let taken = if took_first { earlier } else { later };
    FoldNote {
        time: clock_text(local.time()),
        date: local.date(),
        zone: zone.name(),
        from: clock_text(from.time()),
        to: clock_text(to.time()),
        first: took_first,
        offset: offset_text(taken.offset().fix()),
    }
}

fn parse_date(input: &str) -> Result<NaiveDate, SendAtError> {
    let text = input.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        // YYYY-MM-DD with a real month and a day number up to 31: the day is what's wrong.
        let parts: Vec<&str> = text.split('-').collect();
        // chrono takes one or two digits for the month and the day.
        let number = |s: &str, lengths: std::ops::RangeInclusive<usize>| {
            (lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u32>().ok())?
        };
        match parts.as_slice() {
            [y, m, d] => match (number(y, 4..=4), number(m, 1..=2), number(d, 1..=2)) {
                (Some(year), Some(month @ 1..=12), Some(1..=31)) => SendAtError::NoSuchDay {
                    date: text.to_owned(),
                    days_in_month: days_in_month(year as i32, month),
                },
                _ => SendAtError::BadDate(text.to_owned()),
            },
            _ => SendAtError::BadDate(text.to_owned()),
        }
    })
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    match (first, next) {
        (Some(first), Some(next)) => (next - first).num_days() as u32,
        _ => 31,
    }
}

/// Accepts "14:30", "9:05", "14:30:15" and the French "14h30" / "14h".
fn parse_time(input: &str) -> Result<NaiveTime, SendAtError> {
    let text = input.trim();
    let bad = || SendAtError::BadTime(text.to_owned());
    let french = text.to_ascii_lowercase();
    let text_colon = match french.split_once('h') {
        Some((h, "")) => format!("{h}:00"),
        Some((h, m)) => format!("{h}:{m}"),
        None => text.to_owned(),
    };
    let parts: Vec<&str> = text_colon.split(':').collect();
    let two_digits = |s: &str, allow_one: bool| {
        let ok_len = s.len() == 2 || (allow_one && s.len() == 1);
        if ok_len && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse::<u32>().ok()
        } else {
            None
        }
    };
    let (h, m, s) = match parts.as_slice() {
        [h, m] => (two_digits(h, true), two_digits(m, false), Some(0)),
        [h, m, s] => (
            two_digits(h, true),
            two_digits(m, false),
            two_digits(s, false),
        ),
        _ => return Err(bad()),
    };
    match (h, m, s) {
        (Some(h), Some(m), Some(s)) => NaiveTime::from_hms_opt(h, m, s).ok_or_else(bad),
        _ => Err(bad()),
    }
}

impl SendAt {
    pub fn resolve(
        date: NaiveDate,
        time: NaiveTime,
        zone: Zone,
        now: DateTime<Utc>,
    ) -> Result<SendAt, SendAtError> {
        let local = date.and_time(time);
        let (at, fold_note) = match zone.tz().from_local_datetime(&local) {
            LocalResult::Single(at) => (at, None),
            LocalResult::Ambiguous(earlier, later) => {
                (earlier, Some(fold_note(local, zone, earlier, later, true)))
            }
            LocalResult::None => {
                let gap = GapInfo::new(&local, &zone.tz());
                let gap_start = gap
                    .as_ref()
                    .and_then(|g| g.begin.map(|(start, _)| start.time()));
                let gap_end = gap.as_ref().and_then(|g| g.end.map(|end| end.time()));
                return Err(SendAtError::InGap {
                    date,
                    time: clock_text(time),
                    zone: zone.name(),
                    gap_start: clock_text(gap_start.unwrap_or(time)),
                    gap_end: clock_text(gap_end.unwrap_or(time)),
                });
            }
        };
        let utc = at.with_timezone(&Utc);
        if utc < now + MIN_LEAD {
            return Err(SendAtError::TooSoon {
                local: local_text(local),
                zone: zone.name(),
            });
        }
        // `checked_add_months` only fails past year 262143; treat that as "too far" as well.
        if now
            .checked_add_months(MAX_LEAD)
            .is_none_or(|latest| utc > latest)
        {
            return Err(SendAtError::TooFar {
                local: local_text(local),
                zone: zone.name(),
            });
        }
        Ok(SendAt {
            local,
            zone,
            utc,
            fold_note,
        })
    }
    /// Parses "YYYY-MM-DD" and "HH:MM" and resolves them.
    ///
    /// The time may also be written "H:MM", "HH:MM:SS" or, the French way, "14h30".
    pub fn parse(
        date: &str,
        time: &str,
        zone: Zone,
        now: DateTime<Utc>,
    ) -> Result<SendAt, SendAtError> {
        let date = parse_date(date)?;
        let time = parse_time(time)?;
        SendAt::resolve(date, time, zone, now)
    }
    /// Rebuilds a value that was valid when stored (no "ahead of now" checks).
    ///
    /// When the local time happened twice, the note says which of the two the instant is.
    pub fn from_stored(utc: DateTime<Utc>, zone: Zone) -> SendAt {
        let local = utc.with_timezone(&zone.tz()).naive_local();
        let fold_note = match zone.tz().from_local_datetime(&local) {
            LocalResult::Ambiguous(earlier, later) => Some(fold_note(
                local,
                zone,
                earlier,
                later,
                earlier.with_timezone(&Utc) == utc,
            )),
            _ => None,
        };
        SendAt {
            local,
            zone,
            utc,
            fold_note,
        }
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
    pub fn fold_note(&self) -> Option<&FoldNote> {
        self.fold_note.as_ref()
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn time(text: &str) -> NaiveTime {
        parse_time(text).unwrap()
    }

    /// A "now" far enough before the 2027 dates used below.
    fn early_2027() -> DateTime<Utc> {
        utc("2027-01-01T00:00:00Z")
    }

    // ---- SendAt::resolve ----

    #[test]
    fn resolves_an_ordinary_local_time() {
        let at = SendAt::resolve(
            date("2027-06-15"),
            time("14:30"),
            zone("Europe/Paris"),
            early_2027(),
        )
        .unwrap();
        assert_eq!(at.utc(), utc("2027-06-15T12:30:00Z"));
        assert_eq!(at.local(), date("2027-06-15").and_time(time("14:30")));
        assert_eq!(at.zone(), zone("Europe/Paris"));
        assert_eq!(at.fold_note(), None);
    }

    #[test]
    fn paris_spring_forward_gap_is_refused() {
        let err = SendAt::resolve(
            date("2027-03-28"),
            time("02:30"),
            zone("Europe/Paris"),
            early_2027(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "02:30 does not exist on 2027-03-28 in Europe/Paris: clocks go from 02:00 to 03:00; pick another time"
        );
        // The edges of the gap: 01:59 and 03:00 exist.
        assert!(
            SendAt::resolve(
                date("2027-03-28"),
                time("01:59"),
                zone("Europe/Paris"),
                early_2027()
            )
            .is_ok()
        );
        let three = SendAt::resolve(
            date("2027-03-28"),
            time("03:00"),
            zone("Europe/Paris"),
            early_2027(),
        )
        .unwrap();
        assert_eq!(three.utc(), utc("2027-03-28T01:00:00Z"));
        assert!(
            SendAt::resolve(
                date("2027-03-28"),
                time("02:00"),
                zone("Europe/Paris"),
                early_2027()
            )
            .is_err()
        );
    }

    #[test]
    fn new_york_spring_forward_gap_is_refused() {
        let err = SendAt::resolve(
            date("2027-03-14"),
            time("02:15"),
            zone("America/New_York"),
            early_2027(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            SendAtError::InGap {
                date: date("2027-03-14"),
                time: "02:15".into(),
                zone: "America/New_York",
                gap_start: "02:00".into(),
                gap_end: "03:00".into(),
            }
        );
    }

    #[test]
    fn paris_fall_back_fold_takes_the_earlier_instant() {
        let at = SendAt::resolve(
            date("2027-10-31"),
            time("02:30"),
            zone("Europe/Paris"),
            early_2027(),
        )
        .unwrap();
        assert_eq!(at.utc(), utc("2027-10-31T00:30:00Z"));
        assert_eq!(
            at.fold_note(),
            Some(&FoldNote {
                time: "02:30".into(),
                date: date("2027-10-31"),
                zone: "Europe/Paris",
                from: "03:00".into(),
                to: "02:00".into(),
                first: true,
                offset: "UTC+02:00".into(),
            })
        );
        // 03:00 happens once.
        let three = SendAt::resolve(
            date("2027-10-31"),
            time("03:00"),
            zone("Europe/Paris"),
            early_2027(),
        )
        .unwrap();
        assert_eq!(three.fold_note(), None);
    }

    #[test]
    fn lord_howe_half_hour_shifts() {
        let lord_howe = zone("Australia/Lord_Howe");
        // Spring forward on the first Sunday of October: 02:00 → 02:30.
        let err = SendAt::resolve(date("2027-10-03"), time("02:10"), lord_howe, early_2027())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "02:10 does not exist on 2027-10-03 in Australia/Lord_Howe: clocks go from 02:00 to 02:30; pick another time"
        );
        // Fall back on the first Sunday of April: 02:00 → 01:30.
        let at =
            SendAt::resolve(date("2027-04-04"), time("01:45"), lord_howe, early_2027()).unwrap();
        assert_eq!(at.utc(), utc("2027-04-03T14:45:00Z"));
        let note = at.fold_note().unwrap();
        assert_eq!(
            (note.from.as_str(), note.to.as_str(), note.first),
            ("02:00", "01:30", true)
        );
        assert_eq!(note.offset, "UTC+11:00");
    }

    #[test]
    fn must_be_at_least_a_minute_ahead() {
        let paris = zone("Europe/Paris");
        let now = utc("2027-06-15T12:00:00Z"); // 14:00 in Paris
        let in_59s = SendAt::resolve(date("2027-06-15"), time("14:00:59"), paris, now).unwrap_err();
        assert_eq!(
            in_59s.to_string(),
            "2027-06-15 14:00:59 in Europe/Paris is in the past or less than a minute away: \
             pick a time at least 1 minute ahead"
        );
        assert!(SendAt::resolve(date("2027-06-15"), time("14:01"), paris, now).is_ok());
        assert!(SendAt::resolve(date("2027-06-15"), time("14:01:01"), paris, now).is_ok());
        assert!(matches!(
            SendAt::resolve(date("2027-06-15"), time("13:00"), paris, now),
            Err(SendAtError::TooSoon { .. })
        ));
    }

    #[test]
    fn must_be_within_a_year() {
        let paris = zone("Europe/Paris");
        let now = utc("2027-06-15T12:00:00Z");
        let same_time_next_year =
            SendAt::resolve(date("2028-06-15"), time("14:00"), paris, now).unwrap();
        assert_eq!(same_time_next_year.utc(), utc("2028-06-15T12:00:00Z"));
        let err = SendAt::resolve(date("2028-06-15"), time("14:01"), paris, now).unwrap_err();
        assert_eq!(
            err.to_string(),
            "2028-06-15 14:01 in Europe/Paris is more than a year ahead: pick a time within 1 year"
        );
        // 29 February: the limit is 28 February of the next year.
        let leap_now = utc("2028-02-29T12:00:00Z");
        assert!(SendAt::resolve(date("2029-02-28"), time("12:00"), zone("UTC"), leap_now).is_ok());
        assert!(
            SendAt::resolve(date("2029-02-28"), time("12:00:01"), zone("UTC"), leap_now).is_err()
        );
    }

    // ---- SendAt::parse ----

    #[test]
    fn parses_dates_and_times_in_the_accepted_forms() {
        let paris = zone("Europe/Paris");
        let now = early_2027();
        let expected = utc("2027-06-15T07:05:00Z");
        for t in ["09:05", "9:05", "09:05:00", "9h05", "09H05", " 09:05 "] {
            assert_eq!(
                SendAt::parse("2027-06-15", t, paris, now).unwrap().utc(),
                expected,
                "{t}"
            );
        }
        assert_eq!(
            SendAt::parse("2027-06-15", "9h", paris, now).unwrap().utc(),
            utc("2027-06-15T07:00:00Z")
        );
    }

    #[test]
    fn bad_dates_and_times_are_refused() {
        let paris = zone("Europe/Paris");
        let now = early_2027();
        for d in ["15/06/2027", "2027-13-01", "2027-06-32", "tomorrow", ""] {
            assert_eq!(
                SendAt::parse(d, "10:00", paris, now),
                Err(SendAtError::BadDate(d.trim().into())),
                "{d}"
            );
        }
        // The format is right; the day does not exist.
        for (d, days) in [
            ("2027-02-29", 28),
            ("2027-2-29", 28),
            ("2027-02-30", 28),
            ("2028-02-30", 29),
            ("2027-04-31", 30),
        ] {
            assert_eq!(
                SendAt::parse(d, "10:00", paris, now),
                Err(SendAtError::NoSuchDay {
                    date: d.into(),
                    days_in_month: days
                }),
                "{d}"
            );
        }
        for t in [
            "24:00",
            "10:60",
            "10",
            "10:5",
            "ten",
            "10:00:00:00",
            "",
            "-1:00",
            "123:00",
        ] {
            assert_eq!(
                SendAt::parse("2027-06-15", t, paris, now),
                Err(SendAtError::BadTime(t.into())),
                "{t}"
            );
        }
        assert_eq!(
            SendAtError::BadTime("25:00".into()).to_string(),
            "\"25:00\" is not a time: write it as HH:MM, for example 14:30"
        );
    }

    #[test]
    fn parse_reports_the_gap_too() {
        let err =
            SendAt::parse("2027-03-28", "2:30", zone("Europe/Paris"), early_2027()).unwrap_err();
        assert!(matches!(err, SendAtError::InGap { .. }));
    }

    // ---- SendAt::from_stored ----

    #[test]
    fn from_stored_rebuilds_the_same_value() {
        let paris = zone("Europe/Paris");
        for (d, t) in [("2027-06-15", "14:30"), ("2027-10-31", "02:30")] {
            let at = SendAt::resolve(date(d), time(t), paris, early_2027()).unwrap();
            assert_eq!(SendAt::from_stored(at.utc(), paris), at);
        }
    }

    #[test]
    fn from_stored_skips_the_time_checks_and_names_the_second_fold() {
        let paris = zone("Europe/Paris");
        let past = SendAt::from_stored(utc("2020-01-01T09:00:00Z"), paris);
        assert_eq!(past.local(), date("2020-01-01").and_time(time("10:00")));
        let second = SendAt::from_stored(utc("2027-10-31T01:30:00Z"), paris);
        assert_eq!(second.local(), date("2027-10-31").and_time(time("02:30")));
        let note = second.fold_note().unwrap();
        assert!(!note.first);
        assert_eq!(
            (note.time.as_str(), note.offset.as_str()),
            ("02:30", "UTC+01:00")
        );
    }
}
