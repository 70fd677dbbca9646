//! Time zones: IANA names as people type them (cities, abbreviations, offsets), with
//! suggestions for what they may have meant. A zone is a setting of its own (the account's, a
//! user's) as well as part of a send time.
use chrono::{DateTime, FixedOffset, Offset, TimeZone};
use chrono_tz::{TZ_VARIANTS, Tz};

use super::text::without_accent;

/// A valid IANA time zone name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Zone(Tz);

/// A time zone that can't be read. An empty `input` means none was given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe_unknown(self))]
pub struct UnknownZone {
    pub input: String,
    /// The closest names, or for an offset the zones at that offset, best first.
    pub suggestions: Vec<&'static str>,
    /// Set when the input is a UTC offset ("UTC+1", "GMT+1", "+01:00").
    pub offset: Option<UtcOffset>,
}

/// An offset from UTC someone wrote instead of a zone name. It has no summer time, so it is
/// not the zone they mean; `fixed` is the IANA zone that keeps it all year, if there is one
/// (`Etc/GMT-1` for UTC+1: POSIX-style names invert the sign).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcOffset {
    pub minutes: i32,
    pub fixed: Option<&'static str>,
}

impl UnknownZone {
    pub fn is_empty(&self) -> bool {
        self.input.is_empty()
    }
}

/// For logs and the command line.
fn describe_unknown(e: &UnknownZone) -> String {
    if e.is_empty() {
        return "no time zone given: give an IANA name such as Europe/Paris".to_owned();
    }
    let mut text = match e.offset {
        Some(offset) => format!(
            "\"{}\" is an offset from UTC ({}), not a time zone: it ignores summer time",
            e.input,
            offset_text(
                FixedOffset::east_opt(offset.minutes * 60)
                    .unwrap_or(FixedOffset::east_opt(0).expect("zero"))
            ),
        ),
        None => format!("unknown time zone \"{}\"", e.input),
    };
    if e.suggestions.is_empty() {
        text.push_str(": use an IANA name such as Europe/Paris");
    } else {
        text.push_str(&format!(": did you mean {}?", e.suggestions.join(", ")));
    }
    if let Some(fixed) = e.offset.and_then(|o| o.fixed) {
        text.push_str(&format!(
            " For this offset all year long, use {fixed} (IANA's Etc names invert the sign)."
        ));
    }
    text
}

/// Reads an offset as people write it: "UTC+1", "GMT-5", "UTC+05:30", "+0200", "utc−3".
/// `None` for anything else.
fn parse_offset(query: &str) -> Option<i32> {
    // The query stands spaces for underscores ("UTC +1" → "utc_+1").
    let query = query.replace('_', "");
    let rest = query
        .strip_prefix("utc")
        .or_else(|| query.strip_prefix("gmt"))
        .unwrap_or(&query)
        .replace('\u{2212}', "-");
    let (sign, digits) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (hours, minutes) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "0"),
    };
    let all_digits =
        |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(hours) || !all_digits(minutes) {
        return None;
    }
    let (hours, minutes): (i32, i32) = (hours.parse().ok()?, minutes.parse().ok()?);
    let total = sign * (hours * 60 + minutes);
    (hours <= 14 && [0, 15, 30, 45].contains(&minutes) && (-12 * 60..=14 * 60).contains(&total))
        .then_some(total)
}

/// Instants at which zones are compared with an offset: one in northern winter and one in
/// northern summer, so both standard and summer offsets count. Fixed dates keep the domain
/// free of a clock; zones rarely change their offsets.
const OFFSET_PROBES: [i64; 2] = [1_768_478_400, 1_784_116_800]; // 2026-01-15 and 2026-07-15, 12:00 UTC

/// Canonical zones at `minutes` from UTC at one of the probe instants, most popular first.
fn zones_at_offset(minutes: i32) -> Vec<&'static str> {
    let mut zones: Vec<(bool, usize, &'static str)> = TZ_VARIANTS
        .iter()
        .filter(|tz| is_canonical(tz.name()))
        .filter(|tz| {
            OFFSET_PROBES.iter().any(|&at| {
                DateTime::from_timestamp(at, 0).is_some_and(|at| {
                    tz.offset_from_utc_datetime(&at.naive_utc())
                        .fix()
                        .local_minus_utc()
                        == minutes * 60
                })
            })
        })
        .map(|tz| {
            (
                popularity(tz.name()) == POPULAR.len(),
                popularity(tz.name()),
                tz.name(),
            )
        })
        .collect();
    zones.sort();
    zones.into_iter().map(|(_, _, name)| name).collect()
}

/// `Etc/GMT-1` for UTC+1: the Etc zones invert the sign, and exist for whole hours only.
fn fixed_zone(minutes: i32) -> Option<&'static str> {
    if minutes % 60 != 0 {
        return None;
    }
    let hours = -minutes / 60;
    let name = if hours > 0 {
        format!("Etc/GMT+{hours}")
    } else {
        format!("Etc/GMT{hours}")
    };
    known_name(&name)
}

/// Names people type that are not IANA names (or not the one they mean).
const ALIASES: &[(&str, Tz)] = &[
    ("utc", Tz::UTC),
    ("gmt", Tz::GMT),
    ("z", Tz::UTC),
    ("zulu", Tz::UTC),
];

/// Common abbreviations and the zones they most likely mean, most likely first.
const ABBREVIATIONS: &[(&str, &[&str])] = &[
    (
        "CET",
        &[
            "Europe/Paris",
            "Europe/Brussels",
            "Europe/Berlin",
            "Europe/Madrid",
            "Europe/Rome",
            "Europe/Amsterdam",
        ],
    ),
    (
        "CEST",
        &[
            "Europe/Paris",
            "Europe/Brussels",
            "Europe/Berlin",
            "Europe/Madrid",
            "Europe/Rome",
            "Europe/Amsterdam",
        ],
    ),
    ("WET", &["Europe/Lisbon", "Atlantic/Canary"]),
    ("WEST", &["Europe/Lisbon", "Atlantic/Canary"]),
    (
        "EET",
        &[
            "Europe/Athens",
            "Europe/Helsinki",
            "Europe/Bucharest",
            "Europe/Kyiv",
        ],
    ),
    (
        "EEST",
        &[
            "Europe/Athens",
            "Europe/Helsinki",
            "Europe/Bucharest",
            "Europe/Kyiv",
        ],
    ),
    ("GMT", &["Europe/London", "Europe/Dublin", "UTC"]),
    ("BST", &["Europe/London"]),
    ("IST", &["Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"]),
    ("MSK", &["Europe/Moscow"]),
    ("EST", &["America/New_York", "America/Toronto"]),
    ("EDT", &["America/New_York", "America/Toronto"]),
    (
        "CST",
        &["America/Chicago", "America/Mexico_City", "Asia/Shanghai"],
    ),
    ("CDT", &["America/Chicago", "America/Mexico_City"]),
    ("MST", &["America/Denver", "America/Phoenix"]),
    ("MDT", &["America/Denver"]),
    ("PST", &["America/Los_Angeles", "America/Vancouver"]),
    ("PDT", &["America/Los_Angeles", "America/Vancouver"]),
    ("AKST", &["America/Anchorage"]),
    ("HST", &["Pacific/Honolulu"]),
    (
        "AST",
        &[
            "America/Halifax",
            "America/Martinique",
            "America/Guadeloupe",
        ],
    ),
    ("BRT", &["America/Sao_Paulo"]),
    ("JST", &["Asia/Tokyo"]),
    ("KST", &["Asia/Seoul"]),
    ("HKT", &["Asia/Hong_Kong"]),
    ("SGT", &["Asia/Singapore"]),
    (
        "AEST",
        &[
            "Australia/Sydney",
            "Australia/Melbourne",
            "Australia/Brisbane",
        ],
    ),
    ("AEDT", &["Australia/Sydney", "Australia/Melbourne"]),
    ("ACST", &["Australia/Adelaide", "Australia/Darwin"]),
    ("AWST", &["Australia/Perth"]),
    ("NZST", &["Pacific/Auckland"]),
    ("NZDT", &["Pacific/Auckland"]),
];

/// Shown for an empty autocomplete and used to order equally good matches:
/// France first (with its overseas departments), then neighbours, then the world.
const POPULAR: &[&str] = &[
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Zurich",
    "Europe/Luxembourg",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Lisbon",
    "America/Martinique",
    "America/Guadeloupe",
    "America/Cayenne",
    "Indian/Reunion",
    "Indian/Mayotte",
    "Pacific/Noumea",
    "Pacific/Tahiti",
    "America/Montreal",
    "America/Toronto",
    "America/New_York",
    "America/Los_Angeles",
    "Africa/Casablanca",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
];

/// The autocomplete answer can hold at most this many choices (Discord's limit).
const MAX_SUGGESTIONS: usize = 25;

/// Top-level areas of canonical IANA names; other names (US/Eastern, EST5EDT, Etc/GMT+5)
/// are legacy links, still accepted but ranked after canonical ones.
const CANONICAL_AREAS: &[&str] = &[
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
];

fn is_canonical(name: &str) -> bool {
    name.split_once('/')
        .is_some_and(|(area, _)| CANONICAL_AREAS.contains(&area))
}

/// Lower case, trimmed, with spaces standing for underscores ("new york" → "new_york")
/// and common accents dropped, as IANA names have none ("Réunion", "São Paulo", "Zürich").
fn normalise_query(input: &str) -> String {
    input
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .to_lowercase()
        .chars()
        .map(without_accent)
        .collect()
}

fn city_of(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

fn popularity(name: &str) -> usize {
    POPULAR
        .iter()
        .position(|p| *p == name)
        .unwrap_or(POPULAR.len())
}

fn abbreviation_zones(query: &str) -> &'static [&'static str] {
    ABBREVIATIONS
        .iter()
        .find(|(abbr, _)| abbr.eq_ignore_ascii_case(query))
        .map_or(&[], |(_, zones)| zones)
}

fn push_unique(out: &mut Vec<&'static str>, name: &'static str) {
    if !out.contains(&name) {
        out.push(name);
    }
}

/// Resolves a name we wrote ourselves in the tables above to its `'static` zone name.
fn known_name(name: &str) -> Option<&'static str> {
    TZ_VARIANTS.iter().map(|tz| tz.name()).find(|n| *n == name)
}

impl Zone {
    pub fn parse(input: &str) -> Result<Zone, UnknownZone> {
        let query = normalise_query(input);
        if query.is_empty() {
            return Err(UnknownZone {
                input: String::new(),
                suggestions: Vec::new(),
                offset: None,
            });
        }
        if let Some(tz) = TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(&query))
        {
            return Ok(Zone(*tz));
        }
        if let Some((_, tz)) = ALIASES.iter().find(|(alias, _)| *alias == query) {
            return Ok(Zone(*tz));
        }
        if let Some(minutes) = parse_offset(&query) {
            if minutes == 0 {
                return Ok(Zone(Tz::UTC));
            }
            return Err(UnknownZone {
                input: input.trim().to_owned(),
                suggestions: zones_at_offset(minutes).into_iter().take(4).collect(),
                offset: Some(UtcOffset {
                    minutes,
                    fixed: fixed_zone(minutes),
                }),
            });
        }
        Err(UnknownZone {
            input: input.trim().to_owned(),
            suggestions: closest_names(&query, 3),
            offset: None,
        })
    }
    pub fn tz(&self) -> Tz {
        self.0
    }
    pub fn name(&self) -> &'static str {
        self.0.name()
    }
    /// Up to `limit` zone names matching what a user has typed so far (cities, abbreviations).
    ///
    /// At most 25 are returned whatever `limit` says, as Discord's autocomplete shows no more.
    pub fn suggest(typed: &str, limit: usize) -> Vec<&'static str> {
        let limit = limit.min(MAX_SUGGESTIONS);
        let query = normalise_query(typed);
        if query.is_empty() {
            return POPULAR
                .iter()
                .filter_map(|n| known_name(n))
                .take(limit)
                .collect();
        }

        if let Some(minutes) = parse_offset(&query).filter(|m| *m != 0) {
            let mut out = zones_at_offset(minutes);
            out.truncate(limit);
            return out;
        }
        let mut out = Vec::new();
        for name in abbreviation_zones(&query) {
            if let Some(name) = known_name(name) {
                push_unique(&mut out, name);
            }
        }

        // Rank: exact name, city prefix, name prefix, abbreviation prefix, city substring, name substring.
        let mut ranked: Vec<(u8, bool, usize, &'static str)> = Vec::new();
        for tz in TZ_VARIANTS.iter() {
            let name = tz.name();
            let lower = name.to_lowercase();
            let city = city_of(&lower);
            let tier = if lower == query {
                0
            } else if city.starts_with(&query) {
                1
            } else if lower.starts_with(&query) {
                2
            } else if city.contains(&query) {
                4
            } else if lower.contains(&query) {
                5
            } else {
                continue;
            };
            ranked.push((tier, !is_canonical(name), popularity(name), name));
        }
        if query.len() >= 2 {
            for (abbr, zones) in ABBREVIATIONS {
                if abbr.to_lowercase().starts_with(&query) {
                    for name in zones.iter().filter_map(|n| known_name(n)) {
                        ranked.push((3, false, popularity(name), name));
                    }
                }
            }
        }
        ranked.sort();
        for (_, _, _, name) in ranked {
            push_unique(&mut out, name);
        }
        out.truncate(limit);
        out
    }
}

/// Up to `limit` zone names closest to a mistyped one, best first.
fn closest_names(query: &str, limit: usize) -> Vec<&'static str> {
    // Below this Jaro-Winkler similarity a name is more noise than help.
    const THRESHOLD: f64 = 0.85;
    let mut out = Vec::new();
    for name in abbreviation_zones(query)
        .iter()
        .filter_map(|n| known_name(n))
    {
        push_unique(&mut out, name);
    }
    if query.is_empty() {
        out.truncate(limit);
        return out;
    }
    let query_city = city_of(query);
    let mut scored: Vec<(f64, bool, usize, &'static str)> = TZ_VARIANTS
        .iter()
        .map(|tz| {
            let name = tz.name();
            let lower = name.to_lowercase();
            let on_name = strsim::jaro_winkler(query, &lower);
            let on_city = strsim::jaro_winkler(query_city, city_of(&lower));
            // A city typed alone ("paris") should match as well as a full name would.
            let score = if query.contains('/') {
                on_name.max(on_city * 0.95)
            } else {
                on_name.max(on_city)
            };
            (score, !is_canonical(name), popularity(name), name)
        })
        .filter(|(score, ..)| *score >= THRESHOLD)
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
            .then(a.3.cmp(b.3))
    });
    for (_, _, _, name) in scored {
        push_unique(&mut out, name);
    }
    out.truncate(limit);
    out
}

/// "UTC+02:00", "UTC+10:30", "UTC-05:00".
pub(crate) fn offset_text(offset: FixedOffset) -> String {
    format!("UTC{offset}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    // ---- Zone::parse ----

    #[test]
    fn parses_exact_names_whatever_the_case() {
        assert_eq!(zone("Europe/Paris").tz(), Tz::Europe__Paris);
        assert_eq!(zone("europe/paris").tz(), Tz::Europe__Paris);
        assert_eq!(zone("  AMERICA/NEW_YORK ").name(), "America/New_York");
        assert_eq!(zone("america/new york").name(), "America/New_York");
        assert_eq!(zone("Australia/Lord_Howe").tz(), Tz::Australia__Lord_Howe);
    }

    #[test]
    fn parses_utc_and_gmt_aliases() {
        assert_eq!(zone("UTC").tz(), Tz::UTC);
        assert_eq!(zone("utc").tz(), Tz::UTC);
        assert_eq!(zone("GMT").tz(), Tz::GMT);
        assert_eq!(zone("Z").tz(), Tz::UTC);
    }

    #[test]
    fn unknown_zone_suggests_the_closest_names() {
        let err = Zone::parse("Europe/Pari").unwrap_err();
        assert_eq!(err.input, "Europe/Pari");
        assert_eq!(err.suggestions.first(), Some(&"Europe/Paris"));
        assert!(err.suggestions.len() <= 3);

        assert_eq!(
            Zone::parse("paris").unwrap_err().suggestions.first(),
            Some(&"Europe/Paris")
        );
        assert_eq!(
            Zone::parse("New York").unwrap_err().suggestions.first(),
            Some(&"America/New_York")
        );
        assert_eq!(
            Zone::parse("Amerca/Los_Angles")
                .unwrap_err()
                .suggestions
                .first(),
            Some(&"America/Los_Angeles")
        );
        assert_eq!(
            Zone::parse("Zürich").unwrap_err().suggestions.first(),
            Some(&"Europe/Zurich")
        );
        assert_eq!(
            Zone::parse("PST").unwrap_err().suggestions.first(),
            Some(&"America/Los_Angeles")
        );
    }

    #[test]
    fn offsets_are_answered_with_the_zones_people_mean() {
        for input in [
            "GMT+1",
            "UTC+1",
            "utc+01:00",
            "+01:00",
            "UTC +1",
            "gmt+0100",
        ] {
            let err = Zone::parse(input).unwrap_err();
            let offset = err.offset.unwrap_or_else(|| panic!("{input:?}: {err}"));
            assert_eq!(offset.minutes, 60, "{input:?}");
            // Not Etc/GMT+1, which is UTC-1.
            assert_eq!(offset.fixed, Some("Etc/GMT-1"), "{input:?}");
            assert_eq!(err.suggestions.first(), Some(&"Europe/Paris"), "{input:?}");
            assert!(!err.suggestions.contains(&"Etc/GMT+1"), "{input:?}");
        }
        let west = Zone::parse("UTC-5").unwrap_err();
        assert_eq!(west.offset.unwrap().fixed, Some("Etc/GMT+5"));
        assert!(west.suggestions.contains(&"America/New_York"), "{west:?}");
        let india = Zone::parse("UTC+5:30").unwrap_err();
        assert_eq!(
            india.offset.unwrap(),
            UtcOffset {
                minutes: 330,
                fixed: None
            }
        );
        assert!(india.suggestions.contains(&"Asia/Kolkata"), "{india:?}");
        assert!(
            Zone::parse("GMT+1")
                .unwrap_err()
                .to_string()
                .contains("use Etc/GMT-1 (IANA's Etc names invert the sign)")
        );
        // No offset at all is UTC; the IANA names themselves are still accepted as written.
        assert_eq!(zone("UTC+0").tz(), Tz::UTC);
        assert_eq!(zone("GMT-00:00").tz(), Tz::UTC);
        assert_eq!(zone("Etc/GMT+1").name(), "Etc/GMT+1");
        assert_eq!(Zone::suggest("UTC+1", 3).first(), Some(&"Europe/Paris"));
    }

    #[test]
    fn an_empty_zone_is_refused() {
        for input in ["", "   "] {
            let err = Zone::parse(input).unwrap_err();
            assert!(err.is_empty(), "{input:?}");
            assert!(err.to_string().contains("no time zone given"));
        }
    }

    #[test]
    fn unknown_zone_message_says_what_to_do() {
        let err = Zone::parse("Europe/Pari").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("unknown time zone \"Europe/Pari\": did you mean Europe/Paris")
        );
        let err = Zone::parse("qqqqqqqqqq").unwrap_err();
        assert!(err.suggestions.is_empty());
        assert_eq!(
            err.to_string(),
            "unknown time zone \"qqqqqqqqqq\": use an IANA name such as Europe/Paris"
        );
    }

    // ---- Zone::suggest ----

    #[test]
    fn empty_input_suggests_popular_zones() {
        let s = Zone::suggest("", 25);
        assert_eq!(s.first(), Some(&"Europe/Paris"));
        assert!(s.contains(&"America/New_York"));
        assert!(s.contains(&"UTC"));
        assert!(s.len() <= 25);
        assert_eq!(Zone::suggest("   ", 3).len(), 3);
    }

    #[test]
    fn suggest_respects_the_limit_and_discords_cap() {
        assert_eq!(Zone::suggest("a", 5).len(), 5);
        assert_eq!(Zone::suggest("a", 100).len(), 25);
        assert!(Zone::suggest("america", 25).len() == 25);
        assert!(Zone::suggest("paris", 0).is_empty());
    }

    #[test]
    fn suggest_matches_cities_case_insensitively_with_spaces() {
        assert_eq!(Zone::suggest("pari", 25).first(), Some(&"Europe/Paris"));
        assert_eq!(Zone::suggest("PARIS", 25).first(), Some(&"Europe/Paris"));
        assert_eq!(
            Zone::suggest("new y", 25).first(),
            Some(&"America/New_York")
        );
        assert_eq!(
            Zone::suggest("los ang", 25).first(),
            Some(&"America/Los_Angeles")
        );
        assert_eq!(
            Zone::suggest("europe/pa", 25).first(),
            Some(&"Europe/Paris")
        );
        assert!(Zone::suggest("york", 25).contains(&"America/New_York"));
        assert_eq!(Zone::suggest("Réunion", 25), vec!["Indian/Reunion"]);
        assert_eq!(Zone::suggest("São Paulo", 25), vec!["America/Sao_Paulo"]);
        assert!(Zone::suggest("zzzzzz", 25).is_empty());
    }

    #[test]
    fn suggest_puts_city_prefixes_before_substrings() {
        // "Lon" starts London and is only inside Barcelona-like names.
        let s = Zone::suggest("lon", 25);
        assert_eq!(s.first(), Some(&"Europe/London"));
        let london = s.iter().position(|n| *n == "Europe/London").unwrap();
        let substring_match = s
            .iter()
            .position(|n| !city_of(&n.to_lowercase()).starts_with("lon"))
            .unwrap();
        assert!(london < substring_match);
        // Within city prefixes, popular zones go first: Paris before Paramaribo.
        let s = Zone::suggest("par", 25);
        assert_eq!(s.first(), Some(&"Europe/Paris"));
        assert!(s.contains(&"America/Paramaribo"));
    }

    #[test]
    fn suggest_understands_abbreviations() {
        assert_eq!(Zone::suggest("CET", 25).first(), Some(&"Europe/Paris"));
        assert_eq!(Zone::suggest("cest", 25).first(), Some(&"Europe/Paris"));
        assert_eq!(Zone::suggest("EST", 25).first(), Some(&"America/New_York"));
        assert_eq!(Zone::suggest("edt", 25).first(), Some(&"America/New_York"));
        assert_eq!(
            Zone::suggest("PST", 25).first(),
            Some(&"America/Los_Angeles")
        );
        assert_eq!(
            Zone::suggest("PDT", 25).first(),
            Some(&"America/Los_Angeles")
        );
        assert_eq!(Zone::suggest("GMT", 25).first(), Some(&"Europe/London"));
        assert_eq!(Zone::suggest("BST", 25).first(), Some(&"Europe/London"));
        assert_eq!(Zone::suggest("JST", 25).first(), Some(&"Asia/Tokyo"));
        assert_eq!(Zone::suggest("IST", 25).first(), Some(&"Asia/Kolkata"));
        assert_eq!(Zone::suggest("AEST", 25).first(), Some(&"Australia/Sydney"));
    }

    #[test]
    fn suggestions_all_parse() {
        for typed in ["", "a", "cet", "pst", "new york", "lord", "etc/gmt"] {
            for name in Zone::suggest(typed, 25) {
                assert_eq!(zone(name).name(), name);
            }
        }
    }
}
