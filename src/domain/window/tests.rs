use chrono::TimeZone;

use super::*;
use crate::domain::phone::PhoneNumber;

fn number(e164: &str) -> Destination {
    Destination::of_number(&PhoneNumber::from_e164(e164).unwrap())
}

fn paris() -> Destination {
    number("+33612345678")
}

fn local_at(zone: Tz, y: i32, m: u32, d: u32, hh: u32, mm: u32) -> DateTime<Utc> {
    zone.with_ymd_and_hms(y, m, d, hh, mm, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn at_paris(y: i32, m: u32, d: u32, hh: u32, mm: u32) -> DateTime<Utc> {
    local_at(Tz::Europe__Paris, y, m, d, hh, mm)
}

fn opens_at(decision: Decision) -> DateTime<Utc> {
    match decision {
        Decision::NotBefore { at, .. } => at,
        Decision::Now => panic!("expected the window to be closed"),
    }
}

/// A wall-clock time: year, month, day, hour, minute.
type Local = (i32, u32, u32, u32, u32);

/// (number, local time in its zone, when its window opens in that zone's clock; `None`: now).
#[test]
fn each_french_territory_opens_on_its_own_clock_and_calendar() {
    #[rustfmt::skip]
    let cases: &[(&str, Tz, Local, Option<Local>)] = &[
        // Metropolitan France: a Wednesday afternoon, the edges, Saturday night, Sunday.
        ("+33612345678", Tz::Europe__Paris, (2027, 4, 7, 14, 0), None),
        ("+33612345678", Tz::Europe__Paris, (2027, 4, 7, 7, 59), Some((2027, 4, 7, 8, 0))),
        ("+33612345678", Tz::Europe__Paris, (2027, 4, 7, 19, 59), None),
        ("+33612345678", Tz::Europe__Paris, (2027, 4, 7, 20, 0), Some((2027, 4, 8, 8, 0))),
        ("+33612345678", Tz::Europe__Paris, (2027, 4, 10, 20, 0), Some((2027, 4, 12, 8, 0))),
        ("+33612345678", Tz::Europe__Paris, (2027, 4, 11, 10, 0), Some((2027, 4, 12, 8, 0))),
        // Easter Monday 2027 (29 March): Saturday evening waits until Tuesday.
        ("+33612345678", Tz::Europe__Paris, (2027, 3, 27, 21, 0), Some((2027, 3, 30, 8, 0))),
        // 14 July 2029 is a Saturday: closed; Monday 16 opens.
        ("+33612345678", Tz::Europe__Paris, (2029, 7, 14, 9, 0), Some((2029, 7, 16, 8, 0))),
        // Réunion (UTC+4): its own day, 20 December.
        ("+262692123456", Tz::Indian__Reunion, (2027, 12, 20, 10, 0), Some((2027, 12, 21, 8, 0))),
        ("+262692123456", Tz::Indian__Reunion, (2027, 12, 21, 10, 0), None),
        // Mayotte (UTC+3): 27 April.
        ("+262639012345", Tz::Indian__Mayotte, (2028, 4, 27, 10, 0), Some((2028, 4, 28, 8, 0))),
        // Guadeloupe, Saint-Barthélemy and Saint-Martin share +590: each one's day closes all.
        ("+590690123456", Tz::America__Guadeloupe, (2027, 5, 27, 10, 0), Some((2027, 5, 29, 8, 0))),
        ("+590690123456", Tz::America__Guadeloupe, (2027, 10, 9, 10, 0), Some((2027, 10, 11, 8, 0))),
        ("+590690123456", Tz::America__Guadeloupe, (2028, 7, 21, 10, 0), Some((2028, 7, 22, 8, 0))),
        // Martinique 22 May, Guyane 10 June.
        ("+596696123456", Tz::America__Martinique, (2028, 5, 22, 10, 0), Some((2028, 5, 23, 8, 0))),
        ("+594694123456", Tz::America__Cayenne, (2027, 6, 10, 10, 0), Some((2027, 6, 11, 8, 0))),
        // Saint-Pierre-et-Miquelon (UTC-3, summer -2): the national days only.
        ("+508551234", Tz::America__Miquelon, (2027, 7, 14, 10, 0), Some((2027, 7, 15, 8, 0))),
        ("+508551234", Tz::America__Miquelon, (2027, 6, 10, 10, 0), None),
        // Nouvelle-Calédonie 24 September, Wallis-et-Futuna 29 July.
        ("+687751234", Tz::Pacific__Noumea, (2027, 9, 24, 10, 0), Some((2027, 9, 25, 8, 0))),
        ("+681721234", Tz::Pacific__Wallis, (2027, 7, 29, 10, 0), Some((2027, 7, 30, 8, 0))),
    ];
    for (e164, zone, (y, m, d, hh, mm), opens) in cases {
        let destination = number(e164);
        assert!(
            destination.zones().contains(zone),
            "{e164}: {:?}",
            destination.zones()
        );
        let at = local_at(*zone, *y, *m, *d, *hh, *mm);
        let decision = SendingPolicy::french().decide(&destination, at);
        match opens {
            None => assert_eq!(decision, Decision::Now, "{e164} at {at}"),
            Some((y, m, d, hh, mm)) => {
                assert_eq!(
                    opens_at(decision),
                    local_at(*zone, *y, *m, *d, *hh, *mm),
                    "{e164} at {at}"
                )
            }
        }
    }
}

#[test]
fn the_reason_is_the_first_one_that_closes_the_window() {
    // 14 July 2024 was a Sunday; 21:00 is also too late: the Sunday is said.
    let decision = SendingPolicy::french().decide(&paris(), at_paris(2024, 7, 14, 21, 0));
    let Decision::NotBefore { because, .. } = decision else {
        panic!("closed")
    };
    assert!(matches!(because, WindowFlag::Sunday { ref zone, .. } if zone == "Europe/Paris"));
    let flags = SendingPolicy::french().check(&paris(), at_paris(2024, 7, 14, 21, 0));
    assert_eq!(flags.len(), 3, "{flags:?}");
    assert!(matches!(
        flags[1],
        WindowFlag::PublicHoliday {
            holiday: FrenchHoliday::BastilleDay,
            ..
        }
    ));
}

#[test]
fn reunion_may_go_while_paris_sleeps() {
    // 06:30 in Paris on a Tuesday is 08:30 in Réunion (UTC+4, Paris in summer UTC+2).
    let at = at_paris(2027, 6, 15, 6, 30);
    let policy = SendingPolicy::french();
    assert_eq!(policy.decide(&number("+262692123456"), at), Decision::Now);
    assert_eq!(
        opens_at(policy.decide(&paris(), at)),
        at_paris(2027, 6, 15, 8, 0)
    );
}

#[test]
fn a_region_with_several_zones_is_read_in_the_zone_its_prefix_gives() {
    let new_york = number("+12125550123");
    assert_eq!(new_york.zones(), &[Tz::America__New_York]);
    let honolulu = number("+18085550123");
    assert_eq!(honolulu.zones(), &[Tz::Pacific__Honolulu]);
    // French Polynesia's mobiles don't say which islands: open in all three zones at once.
    let polynesia = number("+68987123456");
    assert_eq!(polynesia.zones().len(), 3);
    // 08:00 in Tahiti (UTC-10) is 09:00 in the Gambier (UTC-9) and 08:30 in the Marquesas.
    let early = local_at(Tz::Pacific__Tahiti, 2027, 6, 15, 7, 30);
    assert_eq!(
        opens_at(SendingPolicy::french().decide(&polynesia, early)),
        local_at(Tz::Pacific__Tahiti, 2027, 6, 15, 8, 0)
    );
    // 19:30 in Tahiti is 20:30 in the Gambier: closed until tomorrow 08:00 Tahiti.
    let late = local_at(Tz::Pacific__Tahiti, 2027, 6, 15, 19, 30);
    assert_eq!(
        opens_at(SendingPolicy::french().decide(&polynesia, late)),
        local_at(Tz::Pacific__Tahiti, 2027, 6, 16, 8, 0)
    );
}

#[test]
fn an_account_may_lift_the_window_for_a_foreign_country_but_not_for_france() {
    let belgium: Region = "BE".parse().unwrap();
    let policy = SendingPolicy::without_window_in([belgium]).unwrap();
    let sunday = at_paris(2027, 4, 11, 23, 0);
    assert_eq!(
        policy.decide(&number("+32470123456"), sunday),
        Decision::Now
    );
    assert!(matches!(
        policy.decide(&paris(), sunday),
        Decision::NotBefore { .. }
    ));
    for code in ["FR", "RE", "GP", "PF"] {
        let region: Region = code.parse().unwrap();
        assert_eq!(
            SendingPolicy::without_window_in([region]),
            Err(FrenchRuleStays { region })
        );
    }
}

#[test]
fn stored_destinations_read_back_the_same() {
    for e164 in [
        "+33612345678",
        "+262639012345",
        "+12125550123",
        "+68987123456",
        "+79161234567",
        "+80012345678",
    ] {
        let destination = number(e164);
        let (region, zone) = destination.to_stored();
        assert_eq!(
            Destination::from_stored(&region, zone).unwrap(),
            destination,
            "{e164}"
        );
    }
    assert_eq!(
        number("+12125550123").to_stored(),
        ("US".into(), Some("America/New_York"))
    );
    assert_eq!(number("+33612345678").to_stored(), ("FR".into(), None));
    assert!(Destination::from_stored("US", Some("Europe/Paris")).is_err());
    assert!(Destination::from_stored("ZZ", None).is_err());
}

/// A small deterministic generator, so the sampled instants are the same on every run.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// For numbers of every region, at instants spread over 2027–2030: a message allowed now is
/// inside the window in every zone of its destination; a later opening is inside, the minute
/// before it is not, and neither is any sampled instant between now and then.
#[test]
fn no_instant_the_policy_allows_is_outside_the_window() {
    let policy = SendingPolicy::french();
    let start = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    let span = (Utc.with_ymd_and_hms(2031, 1, 1, 0, 0, 0).unwrap() - start).num_minutes() as u64;
    let mut random = Lcg(2027);
    let inside = |d: &Destination, t: DateTime<Utc>| policy.check(d, t).is_empty();
    let mut destinations: Vec<Destination> = number_zones::REGION_ZONES
        .iter()
        .map(|(code, _)| Destination::from_stored(code, None).unwrap())
        .collect();
    destinations.extend(
        number_zones::PREFIX_ZONES
            .iter()
            .filter_map(|(code, _, zone)| {
                zone.map(|z| Destination::from_stored(code, Some(z.name())).unwrap())
            })
            .step_by(20),
    );
    let mut closed = 0;
    for destination in &destinations {
        for _ in 0..40 {
            let t = start + Duration::minutes((random.next() % span) as i64);
            match policy.decide(destination, t) {
                Decision::Now => assert!(inside(destination, t), "{destination:?} at {t}"),
                Decision::NotBefore { at, .. } => {
                    closed += 1;
                    assert!(
                        at > t && at - t < Duration::days(8),
                        "{destination:?} at {t}: {at}"
                    );
                    assert!(inside(destination, at), "{destination:?} opens at {at}");
                    assert!(
                        !inside(destination, at - Duration::minutes(1)),
                        "{destination:?} {at}"
                    );
                    let gap = (at - t).num_minutes();
                    for _ in 0..10 {
                        let between = t + Duration::minutes((random.next() % gap as u64) as i64);
                        assert!(
                            !inside(destination, between),
                            "{destination:?} at {between}"
                        );
                    }
                }
            }
        }
    }
    assert!(
        closed > destinations.len() * 10,
        "the sample meets closed windows too: {closed}"
    );
}
