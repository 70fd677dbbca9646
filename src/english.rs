//! English words for the domain's typed values, shared by the console and the command line
//! (both English-only; the bot words its own, in English and French).
use chrono::{DateTime, Datelike, NaiveDateTime, Utc};

use crate::domain::compliance::ComplianceFlag;
use crate::domain::credits::LedgerKind;
use crate::domain::effects::{Actor, AuditAction};
use crate::domain::links::LinkFlag;
use crate::domain::opt_out::OptOutReason;
use crate::domain::sender::SenderRule;
use crate::domain::window::{Destination, FrenchHoliday, WindowFlag};

/// A pre-check, as a moderator (or the sender, at finalize) reads it.
pub fn compliance_flag(flag: &ComplianceFlag) -> String {
    match flag {
        ComplianceFlag::MissingOptOut {
            expected: Some(expected),
        } => format!(
            "the message does not contain the account's opt-out mention \"{expected}\": \
             recipients must be told how to unsubscribe"
        ),
        ComplianceFlag::MissingOptOut { expected: None } => {
            "the message has no opt-out mention (no \"STOP\"): recipients must be told how to \
             unsubscribe, for example \"STOP au 36180\""
                .to_owned()
        }
        ComplianceFlag::LinkShortener { domain } => format!(
            "the message uses the link shortener {domain}: carriers often filter these, \
             a full link on the sender's own domain is safer"
        ),
        ComplianceFlag::SuspiciousLink { link, flags } => format!(
            "the link {link} has {}",
            flags
                .iter()
                .map(|f| link_flag(*f))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ComplianceFlag::AllCaps => "the message is mostly in capital letters: it reads as \
                                    shouting and is often filtered as spam"
            .to_owned(),
        ComplianceFlag::OutsideSendingWindow {
            flag: Some(window),
            waiting: Some(waiting),
            ..
        } => format!(
            "{waiting} recipient(s) wait for their sending window: {}",
            window_flag(window)
        ),
        ComplianceFlag::OutsideSendingWindow {
            flag: Some(window), ..
        } => {
            format!("outside the sending window: {}", window_flag(window))
        }
        ComplianceFlag::OutsideSendingWindow { flag: None, .. } => {
            "outside the sending window".to_owned()
        }
        ComplianceFlag::SenderRule { rule } => format!(
            "the sender breaks a French operators' rule: {}",
            sender_rule(rule)
        ),
        ComplianceFlag::FirstCampaign => "this is the account's first campaign: check the sender \
                                          and the content with extra care"
            .to_owned(),
    }
}

pub fn link_flag(flag: LinkFlag) -> &'static str {
    match flag {
        LinkFlag::PlainHttp => "no encryption (http)",
        LinkFlag::IpAddress => "an IP address instead of a name",
        LinkFlag::Punycode => "an encoded international name (xn--) that can imitate another",
        LinkFlag::LookAlike => "non-Latin letters that can imitate another name",
        LinkFlag::Shortener => "a public link shortener",
    }
}

/// A French operators' rule a sender breaks.
pub fn sender_rule(rule: &SenderRule) -> String {
    match rule {
        SenderRule::Length { characters } => {
            format!("a sender name has 3 to 11 characters ({characters} here)")
        }
        SenderRule::Characters { found } => format!(
            "only Latin letters and digits, without spaces or punctuation (\"{found}\" here)"
        ),
        SenderRule::NumericWithoutShortCode { declared: None } => "a number can be the sender \
             only if it is the account's short code (36xxx or 38xxx), declared with \
             `herald account set <server> --short-code 36xxx`"
            .to_owned(),
        SenderRule::NumericWithoutShortCode {
            declared: Some(code),
        } => format!("a number can be the sender only if it is the account's short code, {code}"),
        SenderRule::GenericWord { word } => {
            format!("operators filter generic words such as \"{word}\", use your brand")
        }
        SenderRule::OperatorName { operator } => {
            format!("operators' names ({operator}) are filtered")
        }
    }
}

fn local_time(local: &NaiveDateTime, zone: &str) -> String {
    let day = match local.weekday() {
        chrono::Weekday::Mon => "Monday",
        chrono::Weekday::Tue => "Tuesday",
        chrono::Weekday::Wed => "Wednesday",
        chrono::Weekday::Thu => "Thursday",
        chrono::Weekday::Fri => "Friday",
        chrono::Weekday::Sat => "Saturday",
        chrono::Weekday::Sun => "Sunday",
    };
    format!("{day} {} ({zone})", local.format("%Y-%m-%d %H:%M"))
}

pub fn window_flag(flag: &WindowFlag) -> String {
    match flag {
        WindowFlag::Sunday { local, zone } => format!(
            "{}: marketing SMS may not be sent on Sundays",
            local_time(local, zone)
        ),
        WindowFlag::PublicHoliday {
            local,
            zone,
            holiday: h,
        } => format!(
            "{}: marketing SMS may not be sent on public holidays ({})",
            local_time(local, zone),
            holiday(*h)
        ),
        WindowFlag::OutsideHours {
            local,
            zone,
            opens,
            closes,
        } => format!(
            "{}: marketing SMS may only be sent between {} and {}",
            local_time(local, zone),
            opens.format("%H:%M"),
            closes.format("%H:%M")
        ),
    }
}

/// Why a number is on an opt-out list: "answered STOP".
pub fn opt_out_reason(reason: OptOutReason) -> &'static str {
    match reason {
        OptOutReason::Stop => "answered STOP",
        OptOutReason::Imported => "imported from another list",
        OptOutReason::Manual => "added by hand",
        OptOutReason::PermanentFailure => "the network said the number does not exist",
    }
}

/// Who did something the audit log keeps.
pub fn actor(actor: &Actor) -> String {
    match actor {
        Actor::Moderator(name) => name.to_string(),
        Actor::User(user) => format!("Discord user {}", user.0),
        Actor::Operator => "an operator (command line)".to_owned(),
        Actor::System => "Herald (automatic)".to_owned(),
    }
}

/// A character as a reader can see it: itself, or its code point when it shows nothing
/// ("U+00A0" for a no-break space).
pub fn character(c: char) -> String {
    if crate::domain::sms::shows_nothing(c) {
        format!("U+{:04X}", u32::from(c))
    } else {
        c.to_string()
    }
}

/// Why a window is closed, in a few words: "Sunday", "public holiday: Easter Monday".
pub fn closed_because(flag: &WindowFlag) -> String {
    match flag {
        WindowFlag::Sunday { .. } => "Sunday".to_owned(),
        WindowFlag::PublicHoliday { holiday: h, .. } => format!("public holiday: {}", holiday(*h)),
        WindowFlag::OutsideHours { local, opens, .. } if local.time() < *opens => {
            format!("before {}", opens.format("%H:%M"))
        }
        WindowFlag::OutsideHours { closes, .. } => format!("after {}", closes.format("%H:%M")),
    }
}

/// Where a destination's window is read: "Europe/Paris", or a region's zones all at once.
pub fn destination(d: &Destination) -> String {
    match d.zones() {
        [one] => one.name().to_owned(),
        several => format!(
            "{}, all its zones at once ({})",
            d.region().map(|r| r.code()).unwrap_or_default(),
            several
                .iter()
                .map(|z| z.name())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// When a closed window opens, in the destination's first zone: "Monday 2027-04-12 08:00
/// (Europe/Paris)".
pub fn opening(d: &Destination, at: DateTime<Utc>) -> String {
    let zone = d
        .zones()
        .first()
        .copied()
        .unwrap_or(chrono_tz::Tz::Europe__Paris);
    local_time(&at.with_timezone(&zone).naive_local(), zone.name())
}

pub fn holiday(holiday: FrenchHoliday) -> &'static str {
    match holiday {
        FrenchHoliday::NewYearsDay => "New Year's Day",
        FrenchHoliday::EasterMonday => "Easter Monday",
        FrenchHoliday::LabourDay => "Labour Day",
        FrenchHoliday::VictoryInEuropeDay => "Victory in Europe Day",
        FrenchHoliday::AscensionDay => "Ascension Day",
        FrenchHoliday::WhitMonday => "Whit Monday",
        FrenchHoliday::BastilleDay => "Bastille Day",
        FrenchHoliday::AssumptionDay => "Assumption Day",
        FrenchHoliday::AllSaintsDay => "All Saints' Day",
        FrenchHoliday::ArmisticeDay => "Armistice Day",
        FrenchHoliday::ChristmasDay => "Christmas Day",
        FrenchHoliday::AbolitionOfSlavery => "Abolition of Slavery Day",
        FrenchHoliday::GoodFriday => "Good Friday",
        FrenchHoliday::MidLent => "Mid-Lent (Mi-Carême)",
        FrenchHoliday::VictorSchoelcherDay => "Victor Schœlcher Day",
        FrenchHoliday::MissionaryDay => "Missionary Day",
        FrenchHoliday::Matarii => "Matāri'i",
        FrenchHoliday::CitizenshipDay => "Citizenship Day",
        FrenchHoliday::SaintPeterChanelDay => "Saint Peter Chanel Day",
        FrenchHoliday::SaintsPeterAndPaulDay => "Saints Peter and Paul Day",
        FrenchHoliday::TerritoryDay => "Territory Day",
    }
}

/// Why a recipient of a personalised message gets none.
pub fn recipient_problem(problem: &crate::domain::personal::RecipientProblem) -> String {
    use crate::domain::personal::RecipientProblem as P;
    match problem {
        P::Missing { field } => format!("{{{field}}} is empty and has no fallback"),
        P::Unsafe { field } => format!("{{{field}}} holds a link or an invisible character"),
        P::TooLong { .. } => "too long with these values".to_owned(),
    }
}

/// Merge fields as a message writes them: "{prenom}, {ville}", or "none".
pub fn fields(fields: &[crate::domain::template::FieldName]) -> String {
    if fields.is_empty() {
        return "none".to_owned();
    }
    fields
        .iter()
        .map(|f| format!("{{{f}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What an audit entry of a campaign records.
pub fn audit_action(action: AuditAction) -> &'static str {
    match action {
        AuditAction::Submitted => "version confirmed and submitted",
        AuditAction::Approved => "approved",
        AuditAction::Refused => "refused",
        AuditAction::Cancelled => "cancelled",
        AuditAction::StartedSending => "started sending",
        AuditAction::HeldForCredit => "held: not enough credit",
        AuditAction::Completed => "completed",
        AuditAction::Credited => "credit added",
        AuditAction::SettingsChanged => "settings changed",
        AuditAction::TestSent => "test sent",
        AuditAction::TestSentOutsideWindow => "test sent outside the sending window",
        AuditAction::OptOutAdded => "number added to the opt-out list",
        AuditAction::OptOutRemoved => "number removed from the opt-out list",
        AuditAction::ContactErased => "a person's data erased",
        AuditAction::AnswerSent => "answer sent to a number that wrote in",
        AuditAction::ContactExported => "a person's data exported",
    }
}

/// A ledger line's kind, for a campaign's credit history.
pub fn ledger_kind(kind: LedgerKind) -> &'static str {
    match kind {
        LedgerKind::Credit => "credit added",
        LedgerKind::Reserve => "reserved",
        LedgerKind::Debit => "debited",
        LedgerKind::Release => "released",
        LedgerKind::Refund => "refunded",
    }
}

/// What erasing a number's data did.
pub fn erased(e: &crate::store::Erased) -> String {
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut text = format!(
        "Erased: {}, {} made anonymous ({} not sent yet, now never sent), {}, {}, {}; {} no longer {} the number.",
        plural(
            e.list_entries,
            "list or audience entry",
            "list or audience entries"
        ),
        plural(e.messages, "message", "messages"),
        e.unsent,
        plural(e.replies, "reply", "replies"),
        plural(e.answers, "answer", "answers"),
        plural(e.links, "short link", "short links"),
        plural(e.audit_entries, "audit entry", "audit entries"),
        if e.audit_entries == 1 {
            "names"
        } else {
            "name"
        },
    );
    if e.is_nothing() {
        return "Nothing was kept about this number in this account: nothing erased.".to_owned();
    }
    if e.kept_on_opt_out_list {
        text.push_str(
            " The number stays on the opt-out list, so that no campaign reaches it again.",
        );
    }
    if e.replies > 0 || e.answers > 0 {
        text.push_str(
            " Its thread in the Discord replies channel is not deleted: delete it there.",
        );
    }
    text
}
