//! Typed values and refusals in a moderator's words (the console is in English). The command
//! line, in English too, borrows the words for sending-window flags.
use super::format;
use crate::app::AppError;
use crate::domain::campaign::{CampaignError as C, CampaignState, RefusalCode, Reviewer};
use crate::domain::compliance::{ComplianceFlag, FlagKind};
use crate::domain::consent::{ConsentDecision, ConsentPurpose};
use crate::domain::credits::{MAX_TOP_UP, TopUpError};
use crate::english;

/// What a moderator reads when a use case refuses. Refusals the console can't cause are
/// incidents: logged with an id, never described.
pub fn error(e: &AppError) -> String {
    worded(e).unwrap_or_else(|| incident(e))
}

/// The refusals the console can cause, in its words; `None` for the others.
pub fn worded(e: &AppError) -> Option<String> {
    Some(match e {
        AppError::Campaign(c) => campaign(c)?,
        AppError::TopUp(TopUpError::NotANumber(amount)) => {
            format!("\"{amount}\" is not a whole number of credits: write an amount such as 5000")
        }
        AppError::TopUp(TopUpError::NotPositive) => {
            "the amount must be more than zero: give the number of credits to add".to_owned()
        }
        AppError::TopUp(TopUpError::TooLarge(amount)) => format!(
            "{amount} credits is more than the {MAX_TOP_UP} allowed in one top-up: check the amount, or split it"
        ),
        AppError::TopUp(TopUpError::ReasonTooLong { chars, max }) => {
            format!("the reason is {chars} characters long: keep it to {max} at most")
        }
        AppError::BalanceTooLarge { max } => {
            format!("that would take the balance past {max} credits: check the amount")
        }
        // The number's own words (English, as the console): what was wrong and how to write it.
        AppError::Phone(p) => p.to_string(),
        AppError::SignInRefused => "wrong name or password: check both and try again".to_owned(),
        AppError::TooManySignIns { minutes } => {
            format!("too many failed sign-ins: wait {minutes} minutes and try again")
        }
        AppError::UnknownCampaign(_) => {
            "there is no such campaign: it may have been deleted; go back to the queue".to_owned()
        }
        AppError::UnknownAccount => {
            "there is no such account: go back to the accounts page".to_owned()
        }
        AppError::UnknownReview => {
            "no such review, or it is already unpublished: reload the page".to_owned()
        }
        AppError::CannedReason(e) => match e {
            crate::domain::review_desk::CannedReasonError::Refusal(c) => campaign(c)?,
            other => other.to_string(),
        },
        AppError::ReasonLabelTaken(label) => format!(
            "a reason labelled \"{label}\" exists already: pick another label, or change that one"
        ),
        AppError::UnknownReason => {
            "this refusal reason no longer exists: reload the page".to_owned()
        }
        AppError::Busy => {
            "someone else changed this at the same moment: reload the page and try again".to_owned()
        }
        AppError::Internal { incident } => format!(
            "something went wrong on our side (incident {incident}); it was logged: please try again later"
        ),
        _ => return None,
    })
}

fn incident(e: &AppError) -> String {
    let internal = AppError::internal(e);
    format!(
        "something went wrong on our side (incident {}); it was logged: please try again later",
        internal.incident()
    )
}

fn campaign(c: &C) -> Option<String> {
    Some(match c {
        C::AlreadyDecided {
            version,
            approved,
            by,
            at,
        } => format!(
            "version {version} was already {} by {} at {}",
            if *approved { "approved" } else { "refused" },
            reviewer(by),
            format::utc(*at)
        ),
        C::NotPendingReview { requested, state } => format!(
            "version {requested} is not waiting for review: the campaign is {}",
            state_words(*state)
        ),
        C::RefusalWithoutReason => "a refusal needs a reason for the owner: write one".to_owned(),
        C::RefusalTooLong { chars } => format!(
            "the reason is {chars} characters long: keep it to {} at most",
            crate::domain::campaign::Refusal::MAX_CHARS
        ),
        _ => return None,
    })
}

pub fn state_words(state: CampaignState) -> &'static str {
    match state {
        CampaignState::Draft => "a draft",
        CampaignState::AwaitingConfirmation => "waiting for its owner's confirmation",
        CampaignState::PendingReview => "waiting for review",
        CampaignState::Approved => "approved",
        CampaignState::Scheduled => "scheduled",
        CampaignState::OnHold => "on hold for credit",
        CampaignState::Sending => "sending",
        CampaignState::Completed => "completed",
    }
}

pub fn reviewer(by: &Reviewer) -> String {
    match by {
        Reviewer::AutoValidation => "automatic validation".to_owned(),
        Reviewer::Moderator(name) => name.to_string(),
    }
}

pub use crate::english::actor;

/// Who did something, with a Discord member's name when the bot has seen it.
pub fn actor_named(
    actor: &crate::domain::effects::Actor,
    account: crate::domain::ids::AccountId,
    names: &super::pages::PeopleNames,
) -> String {
    match actor {
        crate::domain::effects::Actor::User(user) => match names.get(&(account, *user)) {
            Some(name) => name.clone(),
            None => english::actor(actor),
        },
        _ => english::actor(actor),
    }
}

pub fn consent_purpose(purpose: ConsentPurpose) -> &'static str {
    match purpose {
        ConsentPurpose::SupportChat => "support chat",
        ConsentPurpose::PublicReview => "public review",
    }
}

pub fn consent_decision(decision: ConsentDecision) -> &'static str {
    match decision {
        ConsentDecision::Granted => "granted",
        ConsentDecision::Declined => "declined",
        ConsentDecision::Withdrawn => "withdrawn",
    }
}

pub fn refusal_code(code: RefusalCode) -> &'static str {
    match code {
        RefusalCode::Technical => "technical",
        RefusalCode::CodeOfConduct => "code of conduct",
    }
}

/// A pre-check shown beside a submission.
pub fn flag(flag: &ComplianceFlag) -> String {
    english::compliance_flag(flag)
}

/// A flag's badge in the queue: a word or two (the review says the whole of it).
pub fn flag_badge(kind: FlagKind) -> &'static str {
    match kind {
        FlagKind::MissingOptOut => "no opt-out",
        FlagKind::LinkShortener => "shortener",
        FlagKind::SuspiciousLink => "link to check",
        FlagKind::AllCaps => "capitals",
        FlagKind::OutsideSendingWindow => "waits for window",
        FlagKind::SenderRule => "sender rule",
        FlagKind::FirstCampaign => "first campaign",
    }
}

/// Where a version's recipients came from (one sentence) and what their import left out (a
/// line each).
pub fn list_origin(origin: &crate::domain::audience::ListOrigin) -> (String, Vec<String>) {
    use crate::domain::audience::{ImportSummary, ListOrigin};
    let left_out = |i: &ImportSummary| {
        let mut lines = Vec::new();
        let issues = [
            ("duplicate", &i.duplicates),
            ("invalid", &i.invalid),
            ("on the opt-out list", &i.opted_out),
            ("not a mobile", &i.not_mobile),
        ];
        for (what, issue) in issues {
            if issue.count == 0 {
                continue;
            }
            let shown: Vec<String> = issue.first_lines.iter().map(u64::to_string).collect();
            let more = match issue.count > shown.len() as u64 {
                true => ", …",
                false => "",
            };
            lines.push(format!(
                "{} left out: {what} (line{} {}{more})",
                issue.count,
                if shown.len() == 1 { "" } else { "s" },
                shown.join(", ")
            ));
        }
        if !i.unusable_columns.is_empty() {
            lines.push(format!(
                "Columns not kept (their names can't be merge fields): {}",
                i.unusable_columns.join(", ")
            ));
        }
        lines
    };
    match origin {
        ListOrigin::File { import } => (
            format!(
                "Imported from a file: {} number{} kept.",
                import.from_file,
                if import.from_file == 1 { "" } else { "s" }
            ),
            left_out(import),
        ),
        ListOrigin::Audience { name, import } => (
            format!(
                "The audience “{name}”; its last import ({}) kept {} number{} from the file{}.",
                import.mode,
                import.from_file,
                if import.from_file == 1 { "" } else { "s" },
                match import.updated {
                    0 => String::new(),
                    n => format!(", {} new and {n} updated", import.added),
                }
            ),
            left_out(import),
        ),
        ListOrigin::Audiences {
            included,
            excluded,
            excluded_numbers,
            in_several,
        } => {
            let names: Vec<String> = included
                .iter()
                .map(|(name, count)| format!("“{name}” ({count})"))
                .collect();
            let mut lines = Vec::new();
            if !excluded.is_empty() {
                let names: Vec<String> = excluded.iter().map(|n| format!("“{n}”")).collect();
                lines.push(format!(
                    "{excluded_numbers} left out: in {}",
                    names.join(", ")
                ));
            }
            if *in_several > 0 {
                lines.push(format!("{in_several} in more than one audience, sent once"));
            }
            (format!("Audiences {}.", names.join(", ")), lines)
        }
    }
}

/// A change logged in the console, as its log names it.
pub fn console_change(action: &str) -> &'static str {
    match action {
        "reason_added" => "added",
        "reason_changed" => "changed",
        "reason_deleted" => "deleted",
        _ => "changed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::window::{FrenchHoliday, WindowFlag};
    use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};

    #[test]
    fn flags_say_what_is_wrong_and_why() {
        assert_eq!(
            flag(&ComplianceFlag::MissingOptOut {
                expected: Some("STOP au 36180".into())
            }),
            "the message does not contain the account's opt-out mention \"STOP au 36180\": \
             recipients must be told how to unsubscribe"
        );
        assert_eq!(
            flag(&ComplianceFlag::AllCaps),
            "the message is mostly in capital letters: it reads as shouting and is often filtered as spam"
        );
        let easter = WindowFlag::PublicHoliday {
            local: NaiveDate::from_ymd_opt(2027, 3, 29)
                .unwrap()
                .and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap()),
            zone: "Europe/Paris".into(),
            holiday: FrenchHoliday::EasterMonday,
        };
        assert_eq!(
            flag(&ComplianceFlag::OutsideSendingWindow {
                flag: Some(easter),
                waiting: None,
                opens: None
            }),
            "outside the sending window: Monday 2027-03-29 10:00 (Europe/Paris): \
             marketing SMS may not be sent on public holidays (Easter Monday)"
        );
    }

    #[test]
    fn a_decision_taken_first_is_told_to_the_minute() {
        let at = Utc.with_ymd_and_hms(2027, 3, 2, 9, 0, 0).unwrap()
            + chrono::TimeDelta::microseconds(123_456);
        let text = error(&AppError::Campaign(C::AlreadyDecided {
            version: 1,
            approved: true,
            by: Reviewer::Moderator(crate::domain::ids::ModeratorName::parse("alice").unwrap()),
            at,
        }));
        assert_eq!(
            text,
            "version 1 was already approved by alice at 2027-03-02 09:00 UTC"
        );
    }
}
