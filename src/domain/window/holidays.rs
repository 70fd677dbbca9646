//! Public holidays (jours fériés) of France and of each inhabited overseas territory.
//!
//! A territory's calendar is the union of what two independent references list for it: the
//! French government's `jours-feries-france` (Etalab) and `python-holidays`, compared in
//! `tests/data/holidays/` (their differences, and why, are in that folder's README). Taking the
//! union errs towards not sending: a day one of them calls a holiday gets no marketing SMS.
//! Sources for the territory days: Code du travail L3133-1 (national list); loi 83-550 and
//! décret 83-1003 (abolition days of Guadeloupe, Martinique, Guyane, Réunion, Mayotte); décret
//! 2012-553 (Saint-Barthélemy, 9 October); délibération of Saint-Martin's council (28 May, since
//! 2018); local labour law in Nouvelle-Calédonie, Polynésie française and Wallis-et-Futuna.
use chrono::{Datelike, Duration, NaiveDate};

/// A public holiday, by what it celebrates.
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
    /// Overseas: each territory's own day (Réunion 20 Dec, Mayotte 27 Apr, Guadeloupe 27 May…).
    AbolitionOfSlavery,
    /// Guadeloupe and Polynésie française.
    GoodFriday,
    /// Guadeloupe: the Thursday of the third week of Lent, 24 days before Easter.
    MidLent,
    /// Guadeloupe, Martinique and Saint-Martin, 21 July.
    VictorSchoelcherDay,
    /// Polynésie française, 5 March.
    MissionaryDay,
    /// Polynésie française, 20 November (Matāri'i, since 2025).
    Matarii,
    /// Nouvelle-Calédonie, 24 September.
    CitizenshipDay,
    /// Wallis-et-Futuna, 28 April.
    SaintPeterChanelDay,
    /// Wallis-et-Futuna, 29 June.
    SaintsPeterAndPaulDay,
    /// Wallis-et-Futuna, 29 July.
    TerritoryDay,
}

/// Where a calendar applies, as far as a phone number can tell: +590 numbers are shared by
/// Guadeloupe, Saint-Barthélemy and Saint-Martin, so they get the three's days together.
/// Mobile numbers don't tell Alsace-Moselle (Good Friday, 26 December) from the rest of
/// metropolitan France: the national list applies there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HolidayArea {
    /// Metropolitan France, and every country outside France (the French rule, applied
    /// everywhere unless an account says otherwise).
    National,
    Reunion,
    Mayotte,
    /// Guadeloupe, Saint-Barthélemy and Saint-Martin.
    Guadeloupe,
    Martinique,
    Guyane,
    SaintPierreEtMiquelon,
    NouvelleCaledonie,
    Polynesie,
    WallisEtFutuna,
}

impl HolidayArea {
    /// The area of a region (ISO 3166 code).
    pub fn of_region(code: &str) -> HolidayArea {
        match code {
            "RE" => HolidayArea::Reunion,
            "YT" => HolidayArea::Mayotte,
            "GP" | "BL" | "MF" => HolidayArea::Guadeloupe,
            "MQ" => HolidayArea::Martinique,
            "GF" => HolidayArea::Guyane,
            "PM" => HolidayArea::SaintPierreEtMiquelon,
            "NC" => HolidayArea::NouvelleCaledonie,
            "PF" => HolidayArea::Polynesie,
            "WF" => HolidayArea::WallisEtFutuna,
            _ => HolidayArea::National,
        }
    }

    /// The holiday on `date`, if any (the first by date order when two fall together).
    pub fn holiday_on(self, date: NaiveDate) -> Option<FrenchHoliday> {
        self.holidays(date.year())
            .into_iter()
            .find(|(day, _)| *day == date)
            .map(|(_, name)| name)
    }

    /// The holidays of `year`, in calendar order.
    pub fn holidays(self, year: i32) -> Vec<(NaiveDate, FrenchHoliday)> {
        use FrenchHoliday::*;
        let fixed = |month: u32, day: u32| {
            NaiveDate::from_ymd_opt(year, month, day).expect("a fixed holiday exists every year")
        };
        let easter = easter_sunday(year);
        let mut days = vec![
            (fixed(1, 1), NewYearsDay),
            (easter + Duration::days(1), EasterMonday),
            (fixed(5, 1), LabourDay),
            (fixed(5, 8), VictoryInEuropeDay),
            (easter + Duration::days(39), AscensionDay),
            (easter + Duration::days(50), WhitMonday),
            (fixed(7, 14), BastilleDay),
            (fixed(8, 15), AssumptionDay),
            (fixed(11, 1), AllSaintsDay),
            (fixed(11, 11), ArmisticeDay),
            (fixed(12, 25), ChristmasDay),
        ];
        days.extend(match self {
            HolidayArea::National | HolidayArea::SaintPierreEtMiquelon => vec![],
            HolidayArea::Reunion => vec![(fixed(12, 20), AbolitionOfSlavery)],
            HolidayArea::Mayotte => vec![(fixed(4, 27), AbolitionOfSlavery)],
            HolidayArea::Guadeloupe => vec![
                (easter - Duration::days(24), MidLent),
                (easter - Duration::days(2), GoodFriday),
                // Guadeloupe, Saint-Martin, Saint-Barthélemy.
                (fixed(5, 27), AbolitionOfSlavery),
                (fixed(5, 28), AbolitionOfSlavery),
                (fixed(10, 9), AbolitionOfSlavery),
                (fixed(7, 21), VictorSchoelcherDay),
            ],
            HolidayArea::Martinique => vec![
                (fixed(5, 22), AbolitionOfSlavery),
                (fixed(7, 21), VictorSchoelcherDay),
            ],
            HolidayArea::Guyane => vec![(fixed(6, 10), AbolitionOfSlavery)],
            HolidayArea::NouvelleCaledonie => vec![(fixed(9, 24), CitizenshipDay)],
            HolidayArea::Polynesie => {
                let mut days = vec![
                    (fixed(3, 5), MissionaryDay),
                    (easter - Duration::days(2), GoodFriday),
                ];
                if year >= 2025 {
                    days.push((fixed(11, 20), Matarii));
                }
                days
            }
            HolidayArea::WallisEtFutuna => vec![
                (fixed(4, 28), SaintPeterChanelDay),
                (fixed(6, 29), SaintsPeterAndPaulDay),
                (fixed(7, 29), TerritoryDay),
            ],
        });
        // Ascension can fall on 1 or 8 May (as in 2008); both are kept, in date order.
        days.sort_by_key(|(day, _)| *day);
        days
    }
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

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashMap};

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_dates() {
        assert_eq!(easter_sunday(2024), date(2024, 3, 31));
        assert_eq!(easter_sunday(2025), date(2025, 4, 20));
        assert_eq!(easter_sunday(2026), date(2026, 4, 5));
        assert_eq!(easter_sunday(2038), date(2038, 4, 25));
        assert_eq!(easter_sunday(2285), date(2285, 3, 22));
    }

    #[test]
    fn ascension_on_labour_day_keeps_both() {
        let holidays = HolidayArea::National.holidays(2008);
        assert_eq!(holidays.len(), 11);
        assert!(holidays.contains(&(date(2008, 5, 1), FrenchHoliday::LabourDay)));
        assert!(holidays.contains(&(date(2008, 5, 1), FrenchHoliday::AscensionDay)));
    }

    /// The territories of the reference file each area answers for.
    fn territories(area: HolidayArea) -> &'static [&'static str] {
        match area {
            HolidayArea::National => &["FR"],
            HolidayArea::Reunion => &["RE"],
            HolidayArea::Mayotte => &["YT"],
            HolidayArea::Guadeloupe => &["GP", "BL", "MF"],
            HolidayArea::Martinique => &["MQ"],
            HolidayArea::Guyane => &["GF"],
            HolidayArea::SaintPierreEtMiquelon => &["PM"],
            HolidayArea::NouvelleCaledonie => &["NC"],
            HolidayArea::Polynesie => &["PF"],
            HolidayArea::WallisEtFutuna => &["WF"],
        }
    }

    /// Every day either reference calls a holiday in 2027–2030 is one here, and no other.
    #[test]
    fn every_area_matches_the_reference_calendars() {
        let mut reference: HashMap<&str, BTreeSet<NaiveDate>> = HashMap::new();
        let file = include_str!("../../../tests/data/holidays/holidays.csv");
        for line in file.lines().skip(1) {
            let mut fields = line.split(',');
            let (territory, day) = (fields.next().unwrap(), fields.next().unwrap());
            reference
                .entry(territory)
                .or_default()
                .insert(day.parse().unwrap());
        }
        assert_eq!(reference.len(), 14, "every territory of the file is read");
        let areas = [
            HolidayArea::National,
            HolidayArea::Reunion,
            HolidayArea::Mayotte,
            HolidayArea::Guadeloupe,
            HolidayArea::Martinique,
            HolidayArea::Guyane,
            HolidayArea::SaintPierreEtMiquelon,
            HolidayArea::NouvelleCaledonie,
            HolidayArea::Polynesie,
            HolidayArea::WallisEtFutuna,
        ];
        for area in areas {
            let expected: BTreeSet<NaiveDate> = territories(area)
                .iter()
                .flat_map(|t| reference[t].iter().copied())
                .collect();
            let ours: BTreeSet<NaiveDate> = (2027..=2030)
                .flat_map(|year| area.holidays(year))
                .map(|(day, _)| day)
                .collect();
            assert_eq!(ours, expected, "{area:?}");
            for territory in territories(area) {
                assert_eq!(
                    HolidayArea::of_region(territory),
                    area,
                    "{territory} reads its area"
                );
            }
        }
    }
}
