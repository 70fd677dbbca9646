//! When a scheduled campaign is sent: a local date and time in an IANA zone, resolved to UTC.
//!
//! The one-year limit uses "same date next year" semantics: a time is accepted up to and
//! including `now` plus 12 calendar months (29 February rolls back to 28 February).
use chrono::{
    DateTime, Duration, FixedOffset, LocalResult, Months, NaiveDate, NaiveDateTime, NaiveTime,
    Offset, TimeZone, Timelike, Utc,
};
use chrono_tz::{GapInfo, TZ_VARIANTS, Tz};

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

fn without_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
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

/// "UTC+02:00", "UTC+10:30", "UTC-05:00".
fn offset_text(offset: FixedOffset) -> String {
    format!("UTC{offset}")
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
