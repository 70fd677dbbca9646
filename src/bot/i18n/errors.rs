//! What a Discord user reads when a use case refuses: every error the bot can meet, worded in
//! the reader's language from its typed values. Errors no command or button can cause (console
//! sign-in, moderation, the scheduler's own checks) return `None`: reaching the bot, they are
//! incidents, logged and answered with an apology.
use super::{Lang, Texts, fill};
use crate::app::AppError;
use crate::app::csv_source::CsvError;
use crate::domain::account::AccountSettingsError;
use crate::domain::answer::AnswerError;
use crate::domain::audience::{AudienceError, AudienceNameError};
use crate::domain::campaign::{CampaignError as C, MAX_TEST_NUMBERS, TestNumbersError};
use crate::domain::ids::CampaignNameError;
use crate::domain::opt_out::OptOutRemovalError;
use crate::domain::personal::PersonalSummary;
use crate::domain::phone::PhoneNumberError;
use crate::domain::recipients::{ImportReport, RowIssues};
use crate::domain::schedule::SendAtError as S;
use crate::domain::sender::{EXAMPLE_SENDER, SenderId, SenderRule};
use crate::domain::sms::SmsBodyError;
use crate::domain::survey::SurveyError;
use crate::domain::template::{FieldName, TemplateError};
use crate::domain::zone::UnknownZone;

fn answer(lang: Lang, e: &AnswerError) -> Option<String> {
    let t = lang.texts();
    Some(match e {
        AnswerError::Body(b) => app_error(&AppError::Body(b.clone()), lang)?,
        AnswerError::OptedOut => t.err_answer_opted_out.to_owned(),
        AnswerError::NoSender => t.err_answer_no_sender.to_owned(),
        AnswerError::InsufficientCredit { needed, available } => fill(
            t.err_insufficient_credit,
            &[("needed", needed), ("available", available)],
        ),
        AnswerError::Expired => t.err_answer_expired.to_owned(),
        AnswerError::NotYours => t.not_yours.to_owned(),
    })
}

pub fn app_error(e: &AppError, lang: Lang) -> Option<String> {
    let t = lang.texts();
    Some(match e {
        AppError::Campaign(c) => campaign(t, c)?,
        AppError::Answer(a) => answer(lang, a)?,
        AppError::NotAReplyThread => t.err_not_a_reply_thread.to_owned(),
        AppError::Audience(a) => audience(t, a),
        AppError::Body(SmsBodyError::Empty) => t.err_body_empty.to_owned(),
        AppError::Body(SmsBodyError::TooLong { segments, max, .. }) => {
            fill(t.err_body_too_long, &[("segments", segments), ("max", max)])
        }
        AppError::Body(SmsBodyError::HiddenControl {
            character,
            position,
        }) => fill(
            t.err_hidden_control,
            &[
                ("code", &format!("{:04X}", u32::from(*character))),
                ("position", position),
            ],
        ),
        AppError::OptOut(OptOutRemovalError::NotListed(number)) => {
            fill(t.err_opt_out_not_listed, &[("number", number)])
        }
        AppError::OptOut(OptOutRemovalError::StopNeedsReason(number)) => {
            fill(t.err_opt_out_stop_reason, &[("number", number)])
        }
        AppError::Body(SmsBodyError::ForbiddenLink { scheme, position }) => fill(
            t.err_forbidden_link,
            &[("scheme", scheme), ("position", position)],
        ),
        AppError::Sender(s) => fill(t.err_sender, &[("sender", &s.0)]),
        AppError::Name(CampaignNameError::Empty) => t.err_name_empty.to_owned(),
        AppError::Name(CampaignNameError::TooLong(name)) => {
            fill(t.err_name_too_long, &[("name", name)])
        }
        AppError::Name(CampaignNameError::ControlCharacter) => t.err_name_control.to_owned(),
        AppError::SendAt(s) => send_at(t, s),
        AppError::Zone(z) => zone(t, z),
        AppError::Region(r) => fill(t.err_region, &[("region", &r.0)]),
        AppError::Phone(p) | AppError::TestNumbers(TestNumbersError::Invalid(p)) => phone(t, p),
        AppError::Settings(AccountSettingsError::OptOutTooLong(chars)) => {
            fill(t.err_opt_out_too_long, &[("chars", chars)])
        }
        AppError::Settings(AccountSettingsError::Sender { sender, rule }) => {
            sender_rule(t, sender, rule)
        }
        AppError::ShortCode(code) => fill(t.err_short_code, &[("input", &code.0)]),
        AppError::FrenchWindow(f) => fill(t.err_french_window, &[("region", &f.region)]),
        AppError::ManagersOnly => t.err_managers_only.to_owned(),
        AppError::Csv(c) => csv(t, c),
        AppError::NoRecipients(report) => fill(
            t.err_no_usable_recipient,
            &[("rejections", &rejections(t, report))],
        ),
        AppError::TestNumbers(TestNumbersError::Empty) => t.err_test_empty.to_owned(),
        AppError::TestNumbers(TestNumbersError::TooMany(count)) => fill(
            t.err_test_too_many,
            &[("max", &MAX_TEST_NUMBERS), ("count", count)],
        ),
        AppError::Rating(r) => fill(t.err_rating, &[("rating", &r.0)]),
        AppError::Survey(s) => survey(t, s),
        AppError::UnknownSurvey => t.err_unknown_survey.to_owned(),
        AppError::ReviewExists => t.err_review_exists.to_owned(),
        AppError::Question(q) => fill(t.err_question, &[("max", &q.max)]),
        AppError::SupportNotConfigured => t.err_support_not_configured.to_owned(),
        AppError::UnknownSupportRequest => t.err_unknown_support_request.to_owned(),
        AppError::NotASupportThread => t.err_not_support_thread.to_owned(),
        AppError::SupportAlreadyClosed => t.err_support_closed.to_owned(),
        AppError::UnknownCampaign(name) => fill(t.err_unknown_campaign, &[("name", name)]),
        AppError::UnknownAccount => t.err_unknown_account.to_owned(),
        AppError::NameTaken(name) => fill(t.err_name_taken, &[("name", name)]),
        AppError::UnknownConfirmation => t.err_unknown_confirmation.to_owned(),
        AppError::Busy => t.err_busy.to_owned(),
        // The console's and the command line's: no command or button leads here.
        AppError::TopUp(_)
        | AppError::Settings(AccountSettingsError::EmptyName)
        | AppError::ModeratorName(_)
        | AppError::ModeratorExists(_)
        | AppError::UnknownReview
        | AppError::BalanceTooLarge { .. }
        | AppError::Password(_)
        | AppError::SignInRefused
        | AppError::CannedReason(_)
        | AppError::ReasonLabelTaken(_)
        | AppError::UnknownReason
        | AppError::TooManySignIns { .. }
        | AppError::BackupExists(_)
        | AppError::BackupNeedsPgDump
        | AppError::BackupFolderMissing(_)
        | AppError::Internal { .. } => return None,
    })
}

fn campaign(t: &Texts, c: &C) -> Option<String> {
    Some(match c {
        C::MissingBody => t.err_missing_body.to_owned(),
        C::NoRecipients => t.err_no_recipients.to_owned(),
        C::NoSender => t.err_no_sender.to_owned(),
        C::NotSentYet => t.err_not_sent_yet.to_owned(),
        C::BadTemplate(e) => template(t, e),
        C::UnwritableMessages(summary) => unwritable(t, summary),
        C::VersionPending { version } => fill(t.err_version_pending, &[("version", version)]),
        C::VersionInFlight { version, .. } => {
            fill(t.err_version_in_flight, &[("version", version)])
        }
        C::AlreadySending => t.err_already_sending.to_owned(),
        C::AlreadyCompleted => t.err_already_completed.to_owned(),
        C::NotAwaitingConfirmation => t.err_not_awaiting_confirmation.to_owned(),
        C::ConfirmationExpired => t.err_confirmation_expired.to_owned(),
        C::DraftChanged => t.err_draft_changed.to_owned(),
        C::NotYourConfirmation => t.err_not_your_confirmation.to_owned(),
        C::WrongCampaign => t.err_wrong_campaign.to_owned(),
        C::SendTimePassed => t.err_send_time_passed.to_owned(),
        C::InsufficientCredit { needed, available } => fill(
            t.err_insufficient_credit,
            &[("needed", needed), ("available", available)],
        ),
        C::CostOverflow => t.err_cost_overflow.to_owned(),
        C::NotOwner => t.err_not_owner.to_owned(),
        C::NothingToCancel => t.err_nothing_to_cancel.to_owned(),
        C::CannotCancel(_) => t.err_cannot_cancel.to_owned(),
        C::MissingOptOut {
            mention: None,
            offer: _,
        } => t.err_missing_opt_out_none.to_owned(),
        C::MissingOptOut {
            mention: Some(mention),
            offer,
        } => {
            let first = fill(t.err_missing_opt_out, &[("mention", mention)]);
            let then = match offer {
                Some(offer) => fill(
                    t.err_missing_opt_out_offer,
                    &[
                        ("segments_before", &offer.segments_before),
                        ("segments_after", &offer.segments_after),
                        ("cost_before", &offer.cost_before),
                        ("cost_after", &offer.cost_after),
                    ],
                ),
                None => t.err_missing_opt_out_no_room.to_owned(),
            };
            format!("{first}\n{then}")
        }
        C::SenderRule { sender, rule } => sender_rule(t, sender, rule),
        C::OptOutPresent => t.err_opt_out_present.to_owned(),
        C::NoGsm7Version => t.err_no_gsm7.to_owned(),
        // Moderation and the scheduler's checks: not a Discord user's doing.
        C::AlreadyDecided { .. }
        | C::NotPendingReview { .. }
        | C::RefusalWithoutReason
        | C::RefusalTooLong { .. }
        | C::CannotStart(_)
        | C::NotDue(_)
        | C::NotOnHold(_)
        | C::NotSending(_)
        | C::StillSending(_)
        | C::Corrupt(_) => return None,
    })
}

fn sender_rule(t: &Texts, sender: &SenderId, rule: &SenderRule) -> String {
    fill(
        t.err_sender_rule,
        &[
            ("sender", sender),
            ("rule", &super::words::sender_rule(t, rule)),
            ("example", &EXAMPLE_SENDER),
        ],
    )
}

fn send_at(t: &Texts, s: &S) -> String {
    match s {
        S::InGap {
            date,
            time,
            zone,
            gap_start,
            gap_end,
        } => fill(
            t.err_send_gap,
            &[
                ("time", time),
                ("date", date),
                ("zone", zone),
                ("from", gap_start),
                ("to", gap_end),
            ],
        ),
        S::TooSoon { local, zone } => {
            fill(t.err_send_too_soon, &[("local", local), ("zone", zone)])
        }
        S::TooFar { local, zone } => fill(t.err_send_too_far, &[("local", local), ("zone", zone)]),
        S::BadDate(date) => fill(t.err_bad_date, &[("date", date)]),
        S::NoSuchDay {
            date,
            days_in_month,
        } => fill(
            t.err_no_such_day,
            &[("date", date), ("days", days_in_month)],
        ),
        S::BadTime(time) => fill(t.err_bad_time, &[("time", time)]),
    }
}

fn zone(t: &Texts, z: &UnknownZone) -> String {
    let suggestions = z.suggestions.join(", ");
    match z.offset {
        _ if z.is_empty() => t.err_zone_empty.to_owned(),
        Some(offset) => {
            let sign = if offset.minutes < 0 { '-' } else { '+' };
            let minutes = offset.minutes.unsigned_abs();
            let offset_text = format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60);
            let mut text = fill(
                t.err_zone_offset,
                &[("zone", &z.input), ("offset", &offset_text)],
            );
            let mut add = |sentence: String| {
                text.push(' ');
                text.push_str(&sentence);
            };
            if !z.suggestions.is_empty() {
                add(fill(
                    t.err_zone_offset_suggest,
                    &[("suggestions", &suggestions)],
                ));
            }
            match offset.fixed {
                Some(fixed) => add(fill(t.err_zone_offset_fixed, &[("fixed", &fixed)])),
                None if z.suggestions.is_empty() => add(t.err_zone_offset_place.to_owned()),
                None => {}
            }
            text
        }
        None if z.suggestions.is_empty() => fill(t.err_zone_unknown, &[("zone", &z.input)]),
        None => fill(
            t.err_zone_suggest,
            &[("zone", &z.input), ("suggestions", &suggestions)],
        ),
    }
}

fn phone(t: &Texts, p: &PhoneNumberError) -> String {
    match p {
        PhoneNumberError::Unparsable { input } => fill(t.err_phone_unparsable, &[("input", input)]),
        PhoneNumberError::Letters { input } => fill(t.err_phone_letters, &[("input", input)]),
        PhoneNumberError::Invalid {
            input,
            region: Some(region),
            ..
        } => fill(t.err_phone_invalid, &[("input", input), ("region", region)]),
        PhoneNumberError::Invalid {
            input,
            region: None,
            calling_code,
        } => fill(
            t.err_phone_invalid_code,
            &[("input", input), ("code", calling_code)],
        ),
    }
}

fn csv(t: &Texts, c: &CsvError) -> String {
    match c {
        CsvError::Empty => t.err_csv_empty.to_owned(),
        CsvError::LineTooLong { line } => fill(t.err_csv_line_too_long, &[("line", line)]),
        CsvError::NotText { line } => fill(t.err_csv_not_text, &[("line", line)]),
        CsvError::NoNumberColumn { line, delimiter } => {
            let separator = match delimiter {
                Some(',') => t.separator_comma,
                Some(';') => t.separator_semicolon,
                Some('\t') => t.separator_tab,
                Some('|') => t.separator_bar,
                Some(_) => t.separator_other,
                None => t.separator_none,
            };
            fill(
                t.err_csv_no_number_column,
                &[("line", line), ("separator", &separator)],
            )
        }
        CsvError::RepeatedColumn { line, name } => {
            fill(t.err_csv_repeated_column, &[("line", line), ("name", name)])
        }
        CsvError::Read(_) => t.err_csv_read.to_owned(),
        CsvError::SinkClosed => t.err_csv_interrupted.to_owned(),
    }
}

/// What an import left out: "3 invalid, lines 2, 5, 9; 1 duplicates, lines 4".
pub fn rejections(t: &Texts, report: &ImportReport) -> String {
    let parts: Vec<String> = [
        (t.rejected_invalid, &report.invalid),
        (t.rejected_duplicates, &report.duplicates),
        (t.rejected_opted_out, &report.opted_out),
        (t.rejected_not_mobile, &report.not_mobile),
    ]
    .into_iter()
    .filter(|(_, issues)| issues.count > 0)
    .map(|(template, issues)| {
        fill(
            template,
            &[("count", &issues.count), ("lines", &line_list(issues))],
        )
    })
    .collect();
    if parts.is_empty() {
        t.rejected_nothing.to_owned()
    } else {
        parts.join("; ")
    }
}

fn template(t: &Texts, e: &TemplateError) -> String {
    match e {
        TemplateError::Unclosed { position } => {
            fill(t.err_template_unclosed, &[("position", position)])
        }
        TemplateError::UnopenedClose { position } => {
            fill(t.err_template_unopened, &[("position", position)])
        }
        TemplateError::EmptyName { position } => {
            fill(t.err_template_empty_name, &[("position", position)])
        }
        TemplateError::BadName { name, position } => fill(
            t.err_template_bad_name,
            &[("name", name), ("position", position)],
        ),
        TemplateError::UnknownField {
            name,
            position,
            available,
        } => {
            let columns = if available.is_empty() {
                t.err_template_no_columns.to_owned()
            } else {
                field_list(available)
            };
            fill(
                t.err_template_unknown_field,
                &[
                    ("name", name),
                    ("position", position),
                    ("columns", &columns),
                ],
            )
        }
    }
}

/// Merge fields as they are written in a message: "`{prenom}`, `{ville}`".
pub fn field_list(fields: &[FieldName]) -> String {
    fields
        .iter()
        .map(|f| format!("`{{{f}}}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Who would get no message, by reason, with the way out.
pub fn unwritable(t: &Texts, s: &PersonalSummary) -> String {
    let mut lines = vec![fill(t.err_unwritable, &[("count", &s.left_out())])];
    if s.missing_value.count > 0 {
        lines.push(fill(
            t.err_unwritable_missing,
            &[
                ("count", &s.missing_value.count),
                ("fields", &field_list(&s.missing_fields)),
                ("lines", &line_list(&s.missing_value)),
            ],
        ));
    }
    if s.unsafe_value.count > 0 {
        lines.push(fill(
            t.err_unwritable_unsafe,
            &[
                ("count", &s.unsafe_value.count),
                ("fields", &field_list(&s.unsafe_fields)),
                ("lines", &line_list(&s.unsafe_value)),
            ],
        ));
    }
    if s.too_long.count > 0 {
        lines.push(fill(
            t.err_unwritable_too_long,
            &[
                ("count", &s.too_long.count),
                ("lines", &line_list(&s.too_long)),
            ],
        ));
    }
    lines.push(match s.missing_fields.first() {
        Some(field) => fill(
            t.err_unwritable_hint,
            &[("example", &format!("`{{{field}|...}}`"))],
        ),
        None => t.err_unwritable_hint_values.to_owned(),
    });
    lines.join("\n")
}

fn audience(t: &Texts, e: &AudienceError) -> String {
    match e {
        AudienceError::Name(AudienceNameError::Empty) => t.err_audience_name_empty.to_owned(),
        AudienceError::Name(AudienceNameError::TooLong) => t.err_audience_name_too_long.to_owned(),
        AudienceError::Name(AudienceNameError::ControlCharacter) => {
            t.err_audience_name_control.to_owned()
        }
        AudienceError::Name(AudienceNameError::Comma) => t.err_audience_name_comma.to_owned(),
        AudienceError::NameTaken { name } => fill(t.err_audience_taken, &[("name", name)]),
        AudienceError::NotFound { name } => fill(t.err_audience_not_found, &[("name", name)]),
        AudienceError::IncludedAndExcluded { name } => fill(t.err_audience_both, &[("name", name)]),
        AudienceError::NoneIncluded => t.err_audience_none.to_owned(),
        AudienceError::Deleted { .. } => t.err_audience_deleted.to_owned(),
        AudienceError::Empty => t.err_audience_empty.to_owned(),
    }
}

pub fn line_list(issues: &RowIssues) -> String {
    let mut lines: Vec<String> = issues.first_lines.iter().map(u64::to_string).collect();
    if issues.count > issues.first_lines.len() as u64 {
        lines.push("…".to_owned());
    }
    lines.join(", ")
}

fn survey(t: &Texts, e: &SurveyError) -> String {
    match e {
        SurveyError::AlreadyAnswered(rating) => fill(t.err_survey_answered, &[("rating", rating)]),
        SurveyError::Expired => t.err_survey_expired.to_owned(),
        SurveyError::NotYours => t.err_survey_not_yours.to_owned(),
        SurveyError::NotAnswered => t.err_survey_not_answered.to_owned(),
        SurveyError::EmptyReview => t.err_review_empty.to_owned(),
        SurveyError::ReviewTooLong { chars, max } => {
            fill(t.err_review_too_long, &[("chars", chars), ("max", max)])
        }
    }
}
