//! Typed values from the app and the domain, in the reader's words.
use chrono::{DateTime, Datelike, NaiveDateTime, Utc, Weekday};

use super::{Texts, fill};
use crate::app::RefusalView;
use crate::domain::campaign::{CampaignState, RefusalCode, Reviewer};
use crate::domain::compliance::ComplianceFlag;
use crate::domain::consent::ConsentPurpose;
use crate::domain::credits::LedgerKind;
use crate::domain::links::LinkFlag;
use crate::domain::schedule::FoldNote;
use crate::domain::sender::SenderRule;
use crate::domain::window::{Destination, FrenchHoliday, WindowFlag};

/// Where a campaign stands, in one line: "waiting for validation", "42% completed",
/// "refused: reason".
pub fn headline(
    t: &Texts,
    state: CampaignState,
    percent: u8,
    stopping: bool,
    refusal: Option<&RefusalView>,
) -> String {
    let percent = &percent;
    match state {
        CampaignState::Draft => match refusal {
            Some(r) => fill(t.state_refused, &[("reason", &r.reason)]),
            None => t.state_draft.to_owned(),
        },
        CampaignState::AwaitingConfirmation => t.state_awaiting_confirmation.to_owned(),
        CampaignState::PendingReview => t.state_pending_review.to_owned(),
        CampaignState::Approved => t.state_approved.to_owned(),
        CampaignState::Scheduled => t.state_scheduled.to_owned(),
        CampaignState::OnHold => t.state_on_hold.to_owned(),
        CampaignState::Sending if stopping => fill(t.state_stopping, &[("percent", percent)]),
        CampaignState::Sending => fill(t.state_sending, &[("percent", percent)]),
        CampaignState::Completed => t.state_completed.to_owned(),
    }
}

pub fn refusal_code(t: &Texts, code: RefusalCode) -> &'static str {
    match code {
        RefusalCode::Technical => t.code_technical,
        RefusalCode::CodeOfConduct => t.code_conduct,
    }
}

pub fn reviewer(t: &Texts, by: &Reviewer) -> String {
    match by {
        Reviewer::Moderator(name) => name.to_string(),
        Reviewer::AutoValidation => t.reviewer_auto.to_owned(),
    }
}

pub fn ledger_kind(t: &Texts, kind: LedgerKind) -> &'static str {
    match kind {
        LedgerKind::Credit => t.ledger_credit,
        LedgerKind::Reserve => t.ledger_reserve,
        LedgerKind::Debit => t.ledger_debit,
        LedgerKind::Release => t.ledger_release,
        LedgerKind::Refund => t.ledger_refund,
    }
}

pub fn purpose(t: &Texts, purpose: ConsentPurpose) -> &'static str {
    match purpose {
        ConsentPurpose::SupportChat => t.purpose_support_chat,
        ConsentPurpose::PublicReview => t.purpose_public_review,
    }
}

pub fn holiday(t: &Texts, holiday: FrenchHoliday) -> &'static str {
    match holiday {
        FrenchHoliday::NewYearsDay => t.holiday_new_year,
        FrenchHoliday::EasterMonday => t.holiday_easter_monday,
        FrenchHoliday::LabourDay => t.holiday_labour,
        FrenchHoliday::VictoryInEuropeDay => t.holiday_victory,
        FrenchHoliday::AscensionDay => t.holiday_ascension,
        FrenchHoliday::WhitMonday => t.holiday_whit_monday,
        FrenchHoliday::BastilleDay => t.holiday_bastille,
        FrenchHoliday::AssumptionDay => t.holiday_assumption,
        FrenchHoliday::AllSaintsDay => t.holiday_all_saints,
        FrenchHoliday::ArmisticeDay => t.holiday_armistice,
        FrenchHoliday::ChristmasDay => t.holiday_christmas,
        FrenchHoliday::AbolitionOfSlavery => t.holiday_abolition,
        FrenchHoliday::GoodFriday => t.holiday_good_friday,
        FrenchHoliday::MidLent => t.holiday_mid_lent,
        FrenchHoliday::VictorSchoelcherDay => t.holiday_schoelcher,
        FrenchHoliday::MissionaryDay => t.holiday_missionary,
        FrenchHoliday::Matarii => t.holiday_matarii,
        FrenchHoliday::CitizenshipDay => t.holiday_citizenship,
        FrenchHoliday::SaintPeterChanelDay => t.holiday_peter_chanel,
        FrenchHoliday::SaintsPeterAndPaulDay => t.holiday_peter_paul,
        FrenchHoliday::TerritoryDay => t.holiday_territory,
    }
}

/// Why a window is closed, in a few words: "Sunday", "public holiday: Easter Monday".
pub fn closed_because(t: &Texts, flag: &WindowFlag) -> String {
    match flag {
        WindowFlag::Sunday { .. } => t.reason_sunday.to_owned(),
        WindowFlag::PublicHoliday { holiday: h, .. } => {
            fill(t.reason_holiday, &[("holiday", &holiday(t, *h))])
        }
        WindowFlag::OutsideHours { local, opens, .. } if local.time() < *opens => {
            fill(t.reason_before, &[("opens", &opens.format("%H:%M"))])
        }
        WindowFlag::OutsideHours { closes, .. } => {
            fill(t.reason_after, &[("closes", &closes.format("%H:%M"))])
        }
    }
}

/// Where a destination's window is read: "Europe/Paris"; several zones at once for a region
/// whose numbers don't say which.
pub fn destination(t: &Texts, d: &Destination) -> String {
    match d.zones() {
        [one] => one.name().to_owned(),
        several => fill(
            t.destination_all_zones,
            &[
                ("region", &d.region().map(|r| r.code()).unwrap_or_default()),
                (
                    "zones",
                    &several
                        .iter()
                        .map(|z| z.name())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ],
        ),
    }
}

/// When a closed window opens, in the destination's first zone: "Monday 2027-04-12 08:00
/// (Europe/Paris)".
pub fn opening(t: &Texts, d: &Destination, at: DateTime<Utc>) -> String {
    let zone = d
        .zones()
        .first()
        .copied()
        .unwrap_or(chrono_tz::Tz::Europe__Paris);
    local_time(t, &at.with_timezone(&zone).naive_local(), zone.name())
}

/// A sender rule broken, and what would pass.
pub fn sender_rule(t: &Texts, rule: &SenderRule) -> String {
    match rule {
        SenderRule::Length { characters } => fill(t.rule_length, &[("count", characters)]),
        SenderRule::Characters { found } => fill(t.rule_characters, &[("found", found)]),
        SenderRule::NumericWithoutShortCode { declared: None } => t.rule_numeric.to_owned(),
        SenderRule::NumericWithoutShortCode {
            declared: Some(code),
        } => fill(t.rule_numeric_declared, &[("code", code)]),
        SenderRule::GenericWord { word } => fill(t.rule_generic, &[("word", word)]),
        SenderRule::OperatorName { operator } => fill(t.rule_operator, &[("operator", operator)]),
    }
}

pub fn link_flag(t: &Texts, flag: LinkFlag) -> &'static str {
    match flag {
        LinkFlag::PlainHttp => t.link_plain_http,
        LinkFlag::IpAddress => t.link_ip,
        LinkFlag::Punycode => t.link_punycode,
        LinkFlag::LookAlike => t.link_look_alike,
        LinkFlag::Shortener => t.link_shortener,
    }
}

/// A flag the moderator will see, for the sender at finalize.
pub fn compliance_flag(t: &Texts, flag: &ComplianceFlag) -> String {
    match flag {
        ComplianceFlag::MissingOptOut { expected } => fill(
            t.flag_missing_opt_out,
            &[("mention", &expected.as_deref().unwrap_or("STOP"))],
        ),
        ComplianceFlag::LinkShortener { domain } => fill(t.flag_shortener, &[("domain", domain)]),
        ComplianceFlag::SuspiciousLink { link, flags } => fill(
            t.flag_link,
            &[
                ("link", link),
                (
                    "problems",
                    &flags
                        .iter()
                        .map(|f| link_flag(t, *f))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ],
        ),
        ComplianceFlag::AllCaps => t.flag_all_caps.to_owned(),
        ComplianceFlag::OutsideSendingWindow {
            flag: Some(because),
            waiting: Some(waiting),
            ..
        } => fill(
            t.flag_window,
            &[("count", waiting), ("reason", &closed_because(t, because))],
        ),
        ComplianceFlag::OutsideSendingWindow { flag: Some(f), .. } => window_flag(t, f),
        ComplianceFlag::OutsideSendingWindow { flag: None, .. } => t.flag_window_old.to_owned(),
        ComplianceFlag::SenderRule { rule } => {
            fill(t.flag_sender, &[("rule", &sender_rule(t, rule))])
        }
        ComplianceFlag::FirstCampaign => t.flag_first_campaign.to_owned(),
    }
}

fn weekday(t: &Texts, day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => t.day_monday,
        Weekday::Tue => t.day_tuesday,
        Weekday::Wed => t.day_wednesday,
        Weekday::Thu => t.day_thursday,
        Weekday::Fri => t.day_friday,
        Weekday::Sat => t.day_saturday,
        Weekday::Sun => t.day_sunday,
    }
}

/// "Sunday 2027-04-04 10:00 (Europe/Paris)".
fn local_time(t: &Texts, local: &NaiveDateTime, zone: &str) -> String {
    fill(
        t.window_local,
        &[
            ("day", &weekday(t, local.weekday())),
            ("date", &local.format("%Y-%m-%d")),
            ("time", &local.format("%H:%M")),
            ("zone", &zone),
        ],
    )
}

pub fn window_flag(t: &Texts, flag: &WindowFlag) -> String {
    match flag {
        WindowFlag::Sunday { local, zone } => {
            fill(t.window_sunday, &[("local", &local_time(t, local, zone))])
        }
        WindowFlag::PublicHoliday {
            local,
            zone,
            holiday: h,
        } => fill(
            t.window_holiday,
            &[
                ("local", &local_time(t, local, zone)),
                ("holiday", &holiday(t, *h)),
            ],
        ),
        WindowFlag::OutsideHours {
            local,
            zone,
            opens,
            closes,
        } => fill(
            t.window_hours,
            &[
                ("local", &local_time(t, local, zone)),
                ("opens", &opens.format("%H:%M")),
                ("closes", &closes.format("%H:%M")),
            ],
        ),
    }
}

pub fn fold_note(t: &Texts, note: &FoldNote) -> String {
    let template = if note.first {
        t.fold_first
    } else {
        t.fold_second
    };
    fill(
        template,
        &[
            ("time", &note.time),
            ("date", &note.date.format("%Y-%m-%d")),
            ("zone", &note.zone),
            ("from", &note.from),
            ("to", &note.to),
            ("offset", &note.offset),
        ],
    )
}
