//! Sending windows: when marketing SMS may reach people, per country.
//!
//! Only the French rule is modelled precisely: Monday to Saturday, 08:00–20:00 local time,
//! never on Sundays or French public holidays. Every other country gets the same rule
//! (holidays included) in its main time zone: stricter than some local laws, but a window
//! check only raises flags for moderators, so erring on the strict side is the safe default.
//! Countries spanning several zones are checked in their most populous one.
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;

use super::phone::Region;

/// Why a send time falls outside the window, with the local time it was read at.
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

/// The eleven French public holidays (jours fériés).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FrenchHoliday {
    NewYearsDay,
    EasterMonday,
    LabourDay,
    VictoryInEuropeDay,
    AscensionDay,
    WhitMonday,
    BastilleDay,
    AssumptionDay,
    AllSaintsDay,
    ArmisticeDay,
    ChristmasDay,
}

/// Which days are public holidays under a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HolidayCalendar {
    French,
}

impl HolidayCalendar {
    fn holiday_on(self, date: NaiveDate) -> Option<FrenchHoliday> {
        match self {
            HolidayCalendar::French => french_public_holidays(date.year())
                .into_iter()
                .find(|(day, _)| *day == date)
                .map(|(_, name)| name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendingWindowPolicy {
    zone: Tz,
    opens: NaiveTime,
    /// First minute outside the window: 20:00 itself is too late.
    closes: NaiveTime,
    sundays_allowed: bool,
    holidays: HolidayCalendar,
}

/// ISO 3166 code → the zone a country's window is checked in. Countries missing here
/// are checked in Europe/Paris.
const MAIN_ZONES: &[(&str, Tz)] = &[
    // France and its overseas departments and territories.
    ("FR", Tz::Europe__Paris),
    ("MC", Tz::Europe__Monaco),
    ("GP", Tz::America__Guadeloupe),
    ("MQ", Tz::America__Martinique),
    ("GF", Tz::America__Cayenne),
    ("RE", Tz::Indian__Reunion),
    ("YT", Tz::Indian__Mayotte),
    ("PM", Tz::America__Miquelon),
    ("BL", Tz::America__St_Barthelemy),
    ("MF", Tz::America__Marigot),
    ("NC", Tz::Pacific__Noumea),
    ("PF", Tz::Pacific__Tahiti),
    ("WF", Tz::Pacific__Wallis),
    // Europe.
    ("BE", Tz::Europe__Brussels),
    ("LU", Tz::Europe__Luxembourg),
    ("CH", Tz::Europe__Zurich),
    ("DE", Tz::Europe__Berlin),
    ("AT", Tz::Europe__Vienna),
    ("NL", Tz::Europe__Amsterdam),
    ("ES", Tz::Europe__Madrid),
    ("PT", Tz::Europe__Lisbon),
    ("IT", Tz::Europe__Rome),
    ("GB", Tz::Europe__London),
    ("IE", Tz::Europe__Dublin),
    ("DK", Tz::Europe__Copenhagen),
    ("SE", Tz::Europe__Stockholm),
    ("NO", Tz::Europe__Oslo),
    ("FI", Tz::Europe__Helsinki),
    ("PL", Tz::Europe__Warsaw),
    ("CZ", Tz::Europe__Prague),
    ("SK", Tz::Europe__Bratislava),
    ("HU", Tz::Europe__Budapest),
    ("RO", Tz::Europe__Bucharest),
    ("BG", Tz::Europe__Sofia),
    ("GR", Tz::Europe__Athens),
    ("HR", Tz::Europe__Zagreb),
    ("SI", Tz::Europe__Ljubljana),
    ("EE", Tz::Europe__Tallinn),
    ("LV", Tz::Europe__Riga),
    ("LT", Tz::Europe__Vilnius),
    ("CY", Tz::Asia__Nicosia),
    ("MT", Tz::Europe__Malta),
    ("AD", Tz::Europe__Andorra),
    // Francophone Africa and the Maghreb.
    ("MA", Tz::Africa__Casablanca),
    ("DZ", Tz::Africa__Algiers),
    ("TN", Tz::Africa__Tunis),
    ("SN", Tz::Africa__Dakar),
    ("CI", Tz::Africa__Abidjan),
    ("CM", Tz::Africa__Douala),
    // The Americas.
    ("US", Tz::America__New_York),
    ("CA", Tz::America__Toronto),
    ("MX", Tz::America__Mexico_City),
    ("BR", Tz::America__Sao_Paulo),
    ("AR", Tz::America__Argentina__Buenos_Aires),
    // Elsewhere.
    ("TR", Tz::Europe__Istanbul),
    ("IL", Tz::Asia__Jerusalem),
    ("AE", Tz::Asia__Dubai),
    ("IN", Tz::Asia__Kolkata),
    ("CN", Tz::Asia__Shanghai),
    ("JP", Tz::Asia__Tokyo),
    ("AU", Tz::Australia__Sydney),
    ("NZ", Tz::Pacific__Auckland),
];

/// The zone a country's sending window is checked in, from its two-letter code
/// (any case); Europe/Paris for countries not in the table.
pub fn main_zone(country_code: &str) -> Tz {
    MAIN_ZONES
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(country_code))
        .map_or(Tz::Europe__Paris, |(_, zone)| *zone)
}

/// Easter Sunday in the Gregorian calendar (the "Anonymous Gregorian" algorithm).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // Always 22 March to 25 April, so the date exists.
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
        .expect("Easter falls between 22 March and 25 April")
}

/// The eleven French public holidays (jours fériés) of `year`, in calendar order.
pub fn french_public_holidays(year: i32) -> Vec<(NaiveDate, FrenchHoliday)> {
    let fixed = |month: u32, day: u32| {
        NaiveDate::from_ymd_opt(year, month, day).expect("a fixed holiday exists every year")
    };
    let easter = easter_sunday(year);
    let mut holidays = vec![
        (fixed(1, 1), FrenchHoliday::NewYearsDay),
        (easter + Duration::days(1), FrenchHoliday::EasterMonday),
        (fixed(5, 1), FrenchHoliday::LabourDay),
        (fixed(5, 8), FrenchHoliday::VictoryInEuropeDay),
        (easter + Duration::days(39), FrenchHoliday::AscensionDay),
        (easter + Duration::days(50), FrenchHoliday::WhitMonday),
        (fixed(7, 14), FrenchHoliday::BastilleDay),
        (fixed(8, 15), FrenchHoliday::AssumptionDay),
        (fixed(11, 1), FrenchHoliday::AllSaintsDay),
        (fixed(11, 11), FrenchHoliday::ArmisticeDay),
        (fixed(12, 25), FrenchHoliday::ChristmasDay),
    ];
    // Ascension can fall on 1 or 8 May (as in 2008); both names are kept, in date order.
    holidays.sort_by_key(|(day, _)| *day);
    holidays
}

impl SendingWindowPolicy {
    /// The policy for recipients in `region`; the strict French rule when none is known.
    pub fn for_region(region: Region) -> SendingWindowPolicy {
        SendingWindowPolicy::french_rule_in(main_zone(&region.code()))
    }
    /// The French rule in metropolitan France.
    pub fn french() -> SendingWindowPolicy {
        SendingWindowPolicy::french_rule_in(Tz::Europe__Paris)
    }
    /// The French rule (Monday–Saturday 08:00–20:00, no French public holidays) in `zone`.
    pub fn french_rule_in(zone: Tz) -> SendingWindowPolicy {
        SendingWindowPolicy {
            zone,
            opens: NaiveTime::from_hms_opt(8, 0, 0).expect("08:00 is a time"),
            closes: NaiveTime::from_hms_opt(20, 0, 0).expect("20:00 is a time"),
            sundays_allowed: false,
            holidays: HolidayCalendar::French,
        }
    }
    /// The zone the window is read in.
    pub fn zone(&self) -> Tz {
        self.zone
    }
    /// Flags for a send at `at`; empty when it is inside the window.
    pub fn check(&self, at: DateTime<Utc>) -> Vec<WindowFlag> {
        let local = at.with_timezone(&self.zone).naive_local();
        let zone = || self.zone.name().to_owned();
        let mut flags = Vec::new();
        if !self.sundays_allowed && local.weekday() == Weekday::Sun {
            flags.push(WindowFlag::Sunday {
                local,
                zone: zone(),
            });
        }
        if let Some(holiday) = self.holidays.holiday_on(local.date()) {
            flags.push(WindowFlag::PublicHoliday {
                local,
                zone: zone(),
                holiday,
            });
        }
        if local.time() < self.opens || local.time() >= self.closes {
            flags.push(WindowFlag::OutsideHours {
                local,
                zone: zone(),
                opens: self.opens,
                closes: self.closes,
            });
        }
        flags
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        date(y, mo, d).and_time(hm(h, mi))
    }

    /// The UTC instant of a Paris wall-clock time (outside DST changes).
    fn paris(y: i32, m: u32, d: u32, hh: u32, mm: u32) -> DateTime<Utc> {
        Tz::Europe__Paris
            .with_ymd_and_hms(y, m, d, hh, mm, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn easter_dates() {
        assert_eq!(easter_sunday(2024), date(2024, 3, 31));
        assert_eq!(easter_sunday(2025), date(2025, 4, 20));
        assert_eq!(easter_sunday(2026), date(2026, 4, 5));
        assert_eq!(easter_sunday(2027), date(2027, 3, 28));
        assert_eq!(easter_sunday(2038), date(2038, 4, 25));
        assert_eq!(easter_sunday(2285), date(2285, 3, 22));
    }

    #[test]
    fn french_holidays_2026() {
        let days: Vec<_> = french_public_holidays(2026)
            .into_iter()
            .map(|(d, _)| d)
            .collect();
        assert_eq!(
            days,
            vec![
                date(2026, 1, 1),
                date(2026, 4, 6),
                date(2026, 5, 1),
                date(2026, 5, 8),
                date(2026, 5, 14),
                date(2026, 5, 25),
                date(2026, 7, 14),
                date(2026, 8, 15),
                date(2026, 11, 1),
                date(2026, 11, 11),
                date(2026, 12, 25),
            ]
        );
    }

    #[test]
    fn french_holidays_2027() {
        let holidays = french_public_holidays(2027);
        assert_eq!(holidays.len(), 11);
        assert!(holidays.contains(&(date(2027, 3, 29), FrenchHoliday::EasterMonday)));
        assert!(holidays.contains(&(date(2027, 5, 6), FrenchHoliday::AscensionDay)));
        assert!(holidays.contains(&(date(2027, 5, 17), FrenchHoliday::WhitMonday)));
        assert!(holidays.contains(&(date(2027, 7, 14), FrenchHoliday::BastilleDay)));
        assert!(
            holidays.windows(2).all(|w| w[0].0 < w[1].0),
            "in calendar order"
        );
    }

    #[test]
    fn ascension_on_labour_day_keeps_both() {
        let holidays = french_public_holidays(2008);
        assert_eq!(holidays.len(), 11);
        assert!(holidays.contains(&(date(2008, 5, 1), FrenchHoliday::LabourDay)));
        assert!(holidays.contains(&(date(2008, 5, 1), FrenchHoliday::AscensionDay)));
    }

    #[test]
    fn a_weekday_afternoon_is_inside() {
        assert!(
            SendingWindowPolicy::french()
                .check(paris(2027, 4, 7, 14, 0))
                .is_empty()
        );
        // Saturday is allowed.
        assert!(
            SendingWindowPolicy::french()
                .check(paris(2027, 4, 10, 10, 0))
                .is_empty()
        );
    }

    #[test]
    fn hour_boundaries() {
        let policy = SendingWindowPolicy::french();
        assert!(matches!(
            policy.check(paris(2027, 4, 7, 7, 59)).as_slice(),
            [WindowFlag::OutsideHours { .. }]
        ));
        assert!(policy.check(paris(2027, 4, 7, 8, 0)).is_empty());
        assert!(policy.check(paris(2027, 4, 7, 19, 59)).is_empty());
        assert_eq!(
            policy.check(paris(2027, 4, 7, 20, 0)),
            vec![WindowFlag::OutsideHours {
                local: local(2027, 4, 7, 20, 0),
                zone: "Europe/Paris".into(),
                opens: hm(8, 0),
                closes: hm(20, 0),
            }]
        );
        // 19:59:59 is still inside.
        assert!(
            policy
                .check(paris(2027, 4, 7, 19, 59) + Duration::seconds(59))
                .is_empty()
        );
    }

    #[test]
    fn hours_are_read_in_local_time_not_utc() {
        // 07:30 UTC is 09:30 in Paris in summer: inside; 18:30 UTC is 20:30: outside.
        let policy = SendingWindowPolicy::french();
        assert!(
            policy
                .check(Utc.with_ymd_and_hms(2027, 6, 16, 7, 30, 0).unwrap())
                .is_empty()
        );
        assert_eq!(
            policy
                .check(Utc.with_ymd_and_hms(2027, 6, 16, 18, 30, 0).unwrap())
                .len(),
            1
        );
    }

    #[test]
    fn sundays_are_flagged() {
        let flags = SendingWindowPolicy::french().check(paris(2027, 4, 4, 10, 0));
        assert_eq!(
            flags,
            vec![WindowFlag::Sunday {
                local: local(2027, 4, 4, 10, 0),
                zone: "Europe/Paris".into(),
            }]
        );
    }

    #[test]
    fn public_holidays_are_flagged() {
        let flags = SendingWindowPolicy::french().check(paris(2027, 3, 29, 10, 0));
        assert_eq!(
            flags,
            vec![WindowFlag::PublicHoliday {
                local: local(2027, 3, 29, 10, 0),
                zone: "Europe/Paris".into(),
                holiday: FrenchHoliday::EasterMonday,
            }]
        );
        // Ascension 2026 and Armistice 2026.
        assert_eq!(
            SendingWindowPolicy::french()
                .check(paris(2026, 5, 14, 12, 0))
                .len(),
            1
        );
        assert_eq!(
            SendingWindowPolicy::french()
                .check(paris(2026, 11, 11, 12, 0))
                .len(),
            1
        );
        // The day after is an ordinary day.
        assert!(
            SendingWindowPolicy::french()
                .check(paris(2026, 11, 12, 12, 0))
                .is_empty()
        );
    }

    #[test]
    fn every_reason_is_reported_together() {
        // 14 July 2024 was a Sunday; 21:00 is also too late.
        let flags = SendingWindowPolicy::french().check(paris(2024, 7, 14, 21, 0));
        assert!(matches!(
            flags.as_slice(),
            [
                WindowFlag::Sunday { .. },
                WindowFlag::PublicHoliday { .. },
                WindowFlag::OutsideHours { .. }
            ]
        ));
        assert_eq!(
            flags[1],
            WindowFlag::PublicHoliday {
                local: local(2024, 7, 14, 21, 0),
                zone: "Europe/Paris".into(),
                holiday: FrenchHoliday::BastilleDay,
            }
        );
    }

    #[test]
    fn other_zones_use_their_own_clock() {
        let martinique = SendingWindowPolicy::french_rule_in(main_zone("MQ"));
        assert_eq!(martinique.zone(), Tz::America__Martinique);
        // 12:00 UTC on a Wednesday is 08:00 in Martinique (UTC-4): inside; 11:59 UTC is not.
        assert!(
            martinique
                .check(Utc.with_ymd_and_hms(2027, 4, 7, 12, 0, 0).unwrap())
                .is_empty()
        );
        let early = martinique.check(Utc.with_ymd_and_hms(2027, 4, 7, 11, 59, 0).unwrap());
        assert_eq!(
            early,
            vec![WindowFlag::OutsideHours {
                local: local(2027, 4, 7, 7, 59),
                zone: "America/Martinique".into(),
                opens: hm(8, 0),
                closes: hm(20, 0),
            }]
        );
        // The local date decides the day: Saturday 22:30 in Martinique is already Sunday in Paris.
        let late_saturday = martinique.check(Utc.with_ymd_and_hms(2027, 4, 11, 2, 30, 0).unwrap());
        assert!(matches!(
            late_saturday.as_slice(),
            [WindowFlag::OutsideHours { .. }]
        ));
    }

    #[test]
    fn main_zones_by_country() {
        assert_eq!(main_zone("FR"), Tz::Europe__Paris);
        assert_eq!(main_zone("be"), Tz::Europe__Brussels);
        assert_eq!(main_zone("RE"), Tz::Indian__Reunion);
        assert_eq!(main_zone("US"), Tz::America__New_York);
        // Unknown countries fall back to Paris.
        assert_eq!(main_zone("ZZ"), Tz::Europe__Paris);
        // Every code in the table is one phonenumber knows.
        for (code, _) in MAIN_ZONES {
            assert!(
                code.parse::<crate::domain::phone::Region>().is_ok(),
                "{code}"
            );
        }
    }
}
