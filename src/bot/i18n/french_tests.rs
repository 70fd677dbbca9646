//! A French reader gets French: every status, outcome, notification, summary and error the bot
//! can show is rendered in French, and none may carry a sentence of the English catalogue (the
//! bot's English texts and the errors' own English descriptions).
use crate::domain::answer::{AnswerError, AnswerSummary};
use crate::domain::delivery::DeliveryStatus;
use crate::domain::ids::ChannelId;
use crate::store::AnswerUpdate;
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};

use super::{Lang, errors};
use crate::app::csv_source::CsvError;
use crate::app::{
    AppError, CampaignListItem, CampaignStatus, ConfirmOutcome, CreditsView, RefusalView,
};
use crate::bot::{notifier, render};
use crate::domain::account::AccountSettingsError;
use crate::domain::campaign::{
    CampaignError, CampaignState, ConfirmationToken, Gsm7Offer, OptOutOffer, RefusalCode, Reviewer,
    ShortLinksNote, Summary, TestSummary, TestWait,
};
use crate::domain::compliance::ComplianceFlag;
use crate::domain::credits::{Balance, Credits, LedgerKind, TopUpError};
use crate::domain::delivery::DeliveryCounts;
use crate::domain::effects::{Notification, NotificationKind};
use crate::domain::ids::{
    AccountId, CampaignId, CampaignNameError, InvalidModeratorName, ModeratorName, UserId,
};
use crate::domain::links::LinkFlag;
use crate::domain::phone::PhoneNumber;
use crate::domain::phone::{PhoneNumberError, UnknownRegion};
use crate::domain::rating::InvalidRating;
use crate::domain::recipients::{ImportReport, RowIssues};
use crate::domain::schedule::{FoldNote, SendAtError};
use crate::domain::sender::InvalidSenderId;
use crate::domain::sender::{InvalidShortCode, SenderId, SenderRule};
use crate::domain::sign_in::PasswordError;
use crate::domain::sms::{Encoding, SmsBodyError};
use crate::domain::support::InvalidQuestion;
use crate::domain::survey::SurveyError;
use crate::domain::window::{
    Decision, Destination, FrenchHoliday, FrenchRuleStays, PlannedGroup, SendPlan, WindowFlag,
};
use crate::domain::zone::{UnknownZone, UtcOffset, Zone};
use crate::store::LedgerLine;

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 4, 4, 8, 0, 0).unwrap()
}

fn local(h: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2027, 4, 4)
        .unwrap()
        .and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap())
}

fn refusal() -> RefusalView {
    RefusalView {
        version: 2,
        code: RefusalCode::CodeOfConduct,
        reason: "Prix trompeur".into(),
        by: Reviewer::AutoValidation,
        at: at(),
    }
}

fn status(state: CampaignState, stopping: bool, refused: bool) -> CampaignStatus {
    CampaignStatus {
        name: "printemps".into(),
        state,
        version: Some(2),
        percent: 42,
        recipients: Some(3),
        cost: Some(Credits(3)),
        send_local: Some("2027-04-05 10:00".into()),
        send_zone: Some("Europe/Paris"),
        send_utc: Some(at()),
        refusal: refused.then(refusal),
        draft_recipients: Some(3),
        draft_segments: Some(1),
        cancellable: true,
        stopping,
        deliveries: Some(DeliveryCounts {
            delivered: 1,
            retrying: 1,
            next_retry: Some(at()),
            ..DeliveryCounts::default()
        }),
        waiting_for_window: plan().groups,
    }
}

const STATES: [CampaignState; 8] = [
    CampaignState::Draft,
    CampaignState::AwaitingConfirmation,
    CampaignState::PendingReview,
    CampaignState::Approved,
    CampaignState::Scheduled,
    CampaignState::OnHold,
    CampaignState::Sending,
    CampaignState::Completed,
];

fn window_flags() -> Vec<WindowFlag> {
    let paris = || "Europe/Paris".to_owned();
    let hm = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let mut flags = vec![
        WindowFlag::Sunday {
            local: local(10),
            zone: paris(),
        },
        WindowFlag::OutsideHours {
            local: local(21),
            zone: paris(),
            opens: hm(8),
            closes: hm(20),
        },
    ];
    for holiday in [
        FrenchHoliday::NewYearsDay,
        FrenchHoliday::EasterMonday,
        FrenchHoliday::LabourDay,
        FrenchHoliday::VictoryInEuropeDay,
        FrenchHoliday::AscensionDay,
        FrenchHoliday::WhitMonday,
        FrenchHoliday::BastilleDay,
        FrenchHoliday::AssumptionDay,
        FrenchHoliday::AllSaintsDay,
        FrenchHoliday::ArmisticeDay,
        FrenchHoliday::ChristmasDay,
        FrenchHoliday::AbolitionOfSlavery,
        FrenchHoliday::GoodFriday,
        FrenchHoliday::MidLent,
        FrenchHoliday::VictorSchoelcherDay,
        FrenchHoliday::MissionaryDay,
        FrenchHoliday::Matarii,
        FrenchHoliday::CitizenshipDay,
        FrenchHoliday::SaintPeterChanelDay,
        FrenchHoliday::SaintsPeterAndPaulDay,
        FrenchHoliday::TerritoryDay,
    ] {
        flags.push(WindowFlag::PublicHoliday {
            local: local(10),
            zone: paris(),
            holiday,
        });
    }
    flags
}

/// Paris waiting for each reason the window can be closed for, Réunion open, and a region
/// read in all its zones.
fn plan() -> SendPlan {
    let number = |e164: &str| Destination::of_number(&PhoneNumber::from_e164(e164).unwrap());
    let mut groups: Vec<PlannedGroup> = window_flags()
        .into_iter()
        .map(|because| PlannedGroup {
            destination: number("+33612345678"),
            recipients: 2,
            decision: Decision::NotBefore { at: at(), because },
        })
        .collect();
    groups.push(PlannedGroup {
        destination: number("+262692123456"),
        recipients: 1,
        decision: Decision::Now,
    });
    groups.push(PlannedGroup {
        destination: number("+68987123456"),
        recipients: 1,
        decision: Decision::Now,
    });
    SendPlan { groups }
}

/// One of every compliance flag, with every link and sender rule.
fn every_flag() -> Vec<ComplianceFlag> {
    let mut flags = vec![
        ComplianceFlag::MissingOptOut {
            expected: Some("STOP au 36180".into()),
        },
        ComplianceFlag::MissingOptOut { expected: None },
        ComplianceFlag::LinkShortener {
            domain: "bit.ly".into(),
        },
        ComplianceFlag::SuspiciousLink {
            link: "http://1.2.3.4".into(),
            flags: vec![
                LinkFlag::PlainHttp,
                LinkFlag::IpAddress,
                LinkFlag::Punycode,
                LinkFlag::LookAlike,
                LinkFlag::Shortener,
            ],
        },
        ComplianceFlag::AllCaps,
        ComplianceFlag::OutsideSendingWindow {
            flag: None,
            waiting: None,
            opens: None,
        },
        ComplianceFlag::FirstCampaign,
    ];
    for flag in window_flags() {
        flags.push(ComplianceFlag::OutsideSendingWindow {
            flag: Some(flag.clone()),
            waiting: Some(4),
            opens: Some(at()),
        });
        flags.push(ComplianceFlag::OutsideSendingWindow {
            flag: Some(flag),
            waiting: None,
            opens: None,
        });
    }
    flags.extend(
        sender_rules()
            .into_iter()
            .map(|rule| ComplianceFlag::SenderRule { rule }),
    );
    flags
}

fn sender_rules() -> Vec<SenderRule> {
    vec![
        SenderRule::Length { characters: 2 },
        SenderRule::Characters { found: ' ' },
        SenderRule::NumericWithoutShortCode { declared: None },
        SenderRule::NumericWithoutShortCode {
            declared: Some("38100".into()),
        },
        SenderRule::GenericWord {
            word: "INFO".into(),
        },
        SenderRule::OperatorName {
            operator: "SFR".into(),
        },
    ]
}

fn summary(short: bool, first: bool) -> Summary {
    Summary {
        personal: None,
        campaign: "printemps".into(),
        version: 1,
        recipients: 3,
        encoding: Encoding::Gsm7,
        segments: 1,
        cost: Credits(3),
        available: Credits(if short { 1 } else { 10 }),
        balance_after: (!short).then_some(Credits(7)),
        send_local: Some("2027-10-31 02:30".into()),
        send_zone: Some("Europe/Paris"),
        send_utc: Some(at()),
        fold_note: Some(FoldNote {
            time: "02:30".into(),
            date: NaiveDate::from_ymd_opt(2027, 10, 31).unwrap(),
            zone: "Europe/Paris",
            from: "03:00".into(),
            to: "02:00".into(),
            first,
            offset: "UTC+02:00".into(),
        }),
        plan: plan(),
        starts_later: Some(at()),
        flags: every_flag(),
        ucs2_characters: vec![('’', 14), ('ç', 30)],
        gsm7_offer: Some(Gsm7Offer {
            body: "C'est l'ete".into(),
            segments: 1,
            cost: Credits(3),
        }),
        shortfall: short.then_some(Credits(2)),
        short_links: Some(ShortLinksNote {
            links: 2,
            example: "https://hrld.fr/l/00000000000".into(),
            local: true,
            as_written: Some((1, Credits(3))),
        }),
        links_as_written: 1,
        token: ConfirmationToken::from_random([7; 16]),
        expires_at: at(),
    }
}

fn issues(count: u64) -> RowIssues {
    RowIssues {
        count,
        first_lines: (2..2 + count.min(3)).collect(),
    }
}

fn import_report(kept: bool) -> ImportReport {
    ImportReport {
        columns: Vec::new(),
        unusable_columns: Vec::new(),
        imported: 5,
        duplicates: issues(1),
        invalid: issues(2),
        opted_out: issues(1),
        not_mobile: issues(4),
        kept_not_mobile: kept,
        had_header: true,
        destinations: Vec::new(),
    }
}

/// One of every error an `AppError` can hold. The match below has no catch-all, so a new
/// variant fails to compile until it is added here (and worded).
fn every_error() -> Vec<AppError> {
    let unknown_zone = |input: &str, suggestions: Vec<&'static str>, offset| UnknownZone {
        input: input.into(),
        suggestions,
        offset,
    };
    let mut errors = vec![
        AppError::Body(SmsBodyError::Empty),
        AppError::Body(SmsBodyError::TooLong {
            segments: 12,
            max: 10,
            encoding: Encoding::Ucs2,
            units: 800,
        }),
        AppError::Sender(InvalidSenderId("BOUTIQUE-DE-MARIE".into())),
        AppError::Body(SmsBodyError::HiddenControl {
            character: '\u{202E}',
            position: 12,
        }),
        AppError::Body(SmsBodyError::ForbiddenLink {
            scheme: "javascript".into(),
            position: 3,
        }),
        AppError::ShortCode(InvalidShortCode("12345".into())),
        AppError::OptOut(crate::domain::opt_out::OptOutRemovalError::NotListed(
            PhoneNumber::from_e164("+33612345678").unwrap(),
        )),
        AppError::OptOut(crate::domain::opt_out::OptOutRemovalError::StopNeedsReason(
            PhoneNumber::from_e164("+33612345678").unwrap(),
        )),
        AppError::FrenchWindow(FrenchRuleStays {
            region: "FR".parse().unwrap(),
        }),
        AppError::ManagersOnly,
        AppError::Name(CampaignNameError::Empty),
        AppError::Name(CampaignNameError::TooLong("x".repeat(70))),
        AppError::Name(CampaignNameError::ControlCharacter),
        AppError::SendAt(SendAtError::InGap {
            date: NaiveDate::from_ymd_opt(2027, 3, 28).unwrap(),
            time: "02:30".into(),
            zone: "Europe/Paris",
            gap_start: "02:00".into(),
            gap_end: "03:00".into(),
        }),
        AppError::SendAt(SendAtError::TooSoon {
            local: "2027-04-04 10:00".into(),
            zone: "Europe/Paris",
        }),
        AppError::SendAt(SendAtError::TooFar {
            local: "2029-04-04 10:00".into(),
            zone: "Europe/Paris",
        }),
        AppError::SendAt(SendAtError::BadDate("demain".into())),
        AppError::SendAt(SendAtError::NoSuchDay {
            date: "2027-02-29".into(),
            days_in_month: 28,
        }),
        AppError::SendAt(SendAtError::BadTime("25:00".into())),
        AppError::Zone(unknown_zone("", vec![], None)),
        AppError::Zone(unknown_zone("Mars/Olympus", vec![], None)),
        AppError::Zone(unknown_zone("Europe/Pari", vec!["Europe/Paris"], None)),
        AppError::Zone(unknown_zone(
            "GMT+1",
            vec!["Europe/Paris", "Europe/Brussels"],
            Some(UtcOffset {
                minutes: 60,
                fixed: Some("Etc/GMT-1"),
            }),
        )),
        AppError::Zone(unknown_zone(
            "UTC+1:15",
            vec![],
            Some(UtcOffset {
                minutes: 75,
                fixed: None,
            }),
        )),
        AppError::Region(UnknownRegion("XX".into())),
        AppError::Phone(PhoneNumberError::Unparsable {
            input: "bonjour".into(),
        }),
        AppError::Phone(PhoneNumberError::Letters {
            input: "06 12 34 56 7O".into(),
        }),
        AppError::Phone(PhoneNumberError::Invalid {
            input: "06 39 12 34 56".into(),
            region: "FR".parse().ok(),
            calling_code: 33,
        }),
        AppError::Phone(PhoneNumberError::Invalid {
            input: "+1 999".into(),
            region: None,
            calling_code: 1,
        }),
        AppError::TopUp(TopUpError::NotPositive),
        AppError::TopUp(TopUpError::NotANumber("abc".into())),
        AppError::TopUp(TopUpError::TooLarge("99999999999".into())),
        AppError::TopUp(TopUpError::ReasonTooLong {
            chars: 300,
            max: 200,
        }),
        AppError::Settings(AccountSettingsError::OptOutTooLong(55)),
        AppError::Settings(AccountSettingsError::EmptyName),
        AppError::Settings(AccountSettingsError::Sender {
            sender: SenderId::parse("INFO").unwrap(),
            rule: SenderRule::GenericWord {
                word: "INFO".into(),
            },
        }),
        AppError::Csv(CsvError::Empty),
        AppError::Csv(CsvError::LineTooLong { line: 3 }),
        AppError::Csv(CsvError::NotText { line: 4 }),
        AppError::Csv(CsvError::Read(std::io::Error::other("disk"))),
        AppError::Csv(CsvError::SinkClosed),
        AppError::NoRecipients(Box::new(import_report(false))),
        AppError::NoRecipients(Box::default()),
        AppError::TestNumbers(crate::domain::campaign::TestNumbersError::Empty),
        AppError::TestNumbers(crate::domain::campaign::TestNumbersError::TooMany(7)),
        AppError::Rating(InvalidRating(9)),
        AppError::ModeratorName(InvalidModeratorName("Alice Smith".into())),
        AppError::Survey(SurveyError::AlreadyAnswered(4)),
        AppError::Survey(SurveyError::Expired),
        AppError::Survey(SurveyError::NotYours),
        AppError::Survey(SurveyError::NotAnswered),
        AppError::Survey(SurveyError::EmptyReview),
        AppError::Survey(SurveyError::ReviewTooLong {
            chars: 2000,
            max: 1000,
        }),
        AppError::UnknownSurvey,
        AppError::ReviewExists,
        AppError::UnknownReview,
        AppError::Question(InvalidQuestion { max: 1000 }),
        AppError::SupportNotConfigured,
        AppError::UnknownSupportRequest,
        AppError::NotASupportThread,
        AppError::NotAReplyThread,
        AppError::Answer(AnswerError::OptedOut),
        AppError::Answer(AnswerError::NoSender),
        AppError::Answer(AnswerError::InsufficientCredit {
            needed: Credits(2),
            available: Credits(1),
        }),
        AppError::Answer(AnswerError::Expired),
        AppError::Answer(AnswerError::NotYours),
        AppError::Answer(AnswerError::Body(SmsBodyError::Empty)),
        AppError::SupportAlreadyClosed,
        AppError::UnknownCampaign("printemps".into()),
        AppError::UnknownAccount,
        AppError::NameTaken("printemps".into()),
        AppError::ModeratorExists("alice".into()),
        AppError::UnknownConfirmation,
        AppError::BalanceTooLarge { max: 1_000 },
        AppError::Password(PasswordError::OneCharacter),
        AppError::SignInRefused,
        AppError::TooManySignIns { minutes: 15 },
        AppError::Busy,
        AppError::Internal {
            incident: "abcd1234".into(),
        },
    ];
    {
        use crate::domain::audience::{AudienceError as A, AudienceNameError as N};
        use crate::domain::ids::AudienceId;
        for a in [
            A::Name(N::Empty),
            A::Name(N::TooLong),
            A::Name(N::ControlCharacter),
            A::Name(N::Comma),
            A::NameTaken { name: "vip".into() },
            A::NotFound { name: "vip".into() },
            A::IncludedAndExcluded { name: "vip".into() },
            A::NoneIncluded,
            A::Deleted { id: AudienceId(1) },
            A::Empty,
        ] {
            errors.push(AppError::Audience(a));
        }
        use crate::domain::template::{FieldName, TemplateError as T};
        let prenom = FieldName::parse("prenom").unwrap();
        for t in [
            T::Unclosed { position: 3 },
            T::UnopenedClose { position: 3 },
            T::EmptyName { position: 3 },
            T::BadName {
                name: "first name".into(),
                position: 3,
            },
            T::UnknownField {
                name: prenom.clone(),
                position: 3,
                available: vec![prenom.clone()],
            },
            T::UnknownField {
                name: prenom.clone(),
                position: 3,
                available: vec![],
            },
        ] {
            errors.push(AppError::Campaign(CampaignError::BadTemplate(t)));
        }
        errors.push(AppError::Csv(CsvError::RepeatedColumn {
            line: 1,
            name: "prenom".into(),
        }));
    }
    for delimiter in [Some(','), Some(';'), Some('\t'), Some('|'), Some('#'), None] {
        errors.push(AppError::Csv(CsvError::NoNumberColumn {
            line: 1,
            delimiter,
        }));
    }
    use CampaignError as C;
    for c in [
        C::MissingBody,
        C::NoRecipients,
        C::NoSender,
        C::NotSentYet,
        C::VersionPending { version: 2 },
        C::VersionInFlight {
            version: 2,
            state: CampaignState::Scheduled,
        },
        C::AlreadySending,
        C::AlreadyCompleted,
        C::NotAwaitingConfirmation,
        C::ConfirmationExpired,
        C::DraftChanged,
        C::NotYourConfirmation,
        C::WrongCampaign,
        C::SendTimePassed,
        C::InsufficientCredit {
            needed: Credits(30),
            available: Credits(3),
        },
        C::CostOverflow,
        C::NotOwner,
        C::NothingToCancel,
        C::CannotCancel(CampaignState::Completed),
        C::AlreadyDecided {
            version: 1,
            approved: true,
            by: Reviewer::Moderator(ModeratorName::parse("alice").unwrap()),
            at: at(),
        },
        C::NotPendingReview {
            requested: 1,
            state: CampaignState::Draft,
        },
        C::RefusalWithoutReason,
        C::RefusalTooLong { chars: 600 },
        C::CannotStart(CampaignState::Draft),
        C::NotDue(at()),
        C::NotOnHold(CampaignState::Draft),
        C::NotSending(CampaignState::Draft),
        C::StillSending(42),
        C::Corrupt("test"),
        C::MissingOptOut {
            mention: None,
            offer: None,
        },
        C::MissingOptOut {
            mention: Some("STOP au 36180".into()),
            offer: None,
        },
        C::MissingOptOut {
            mention: Some("STOP au 36180".into()),
            offer: Some(OptOutOffer {
                mention: "STOP au 36180".into(),
                segments_before: 1,
                segments_after: 2,
                cost_before: Credits(2400),
                cost_after: Credits(4800),
            }),
        },
        C::OptOutPresent,
        C::NoGsm7Version,
    ] {
        errors.push(AppError::Campaign(c));
    }
    for rule in sender_rules() {
        errors.push(AppError::Campaign(C::SenderRule {
            sender: SenderId::parse("INFO").unwrap(),
            rule,
        }));
    }
    for e in &errors {
        // Keep in step with `AppError`: every variant is listed above.
        match e {
            AppError::Campaign(_)
            | AppError::Answer(_)
            | AppError::NotAReplyThread
            | AppError::Audience(_)
            | AppError::Body(_)
            | AppError::Sender(_)
            | AppError::Name(_)
            | AppError::SendAt(_)
            | AppError::Zone(_)
            | AppError::Region(_)
            | AppError::FrenchWindow(_)
            | AppError::ShortCode(_)
            | AppError::OptOut(_)
            | AppError::ManagersOnly
            | AppError::Phone(_)
            | AppError::TopUp(_)
            | AppError::Settings(_)
            | AppError::Csv(_)
            | AppError::TestNumbers(_)
            | AppError::Rating(_)
            | AppError::ModeratorName(_)
            | AppError::Survey(_)
            | AppError::UnknownSurvey
            | AppError::ReviewExists
            | AppError::UnknownReview
            | AppError::Question(_)
            | AppError::SupportNotConfigured
            | AppError::UnknownSupportRequest
            | AppError::NotASupportThread
            | AppError::SupportAlreadyClosed
            | AppError::UnknownCampaign(_)
            | AppError::UnknownAccount
            | AppError::NameTaken(_)
            | AppError::ModeratorExists(_)
            | AppError::UnknownConfirmation
            | AppError::NoRecipients(_)
            | AppError::BalanceTooLarge { .. }
            | AppError::Password(_)
            | AppError::SignInRefused
            | AppError::CannedReason(_)
            | AppError::ReasonLabelTaken(_)
            | AppError::UnknownReason
            | AppError::TooManySignIns { .. }
            | AppError::Busy
            | AppError::BackupExists(_)
            | AppError::BackupNeedsPgDump
            | AppError::BackupFolderMissing(_)
            | AppError::Internal { .. } => {}
        }
    }
    errors
}

/// Everything the bot may say to a French reader.
fn french_renders() -> Vec<String> {
    let fr = Lang::Fr;
    let mut out = Vec::new();
    for state in STATES {
        for (stopping, refused) in [(false, false), (true, false), (false, true)] {
            out.push(render::status(&status(state, stopping, refused), fr).0);
            let item = CampaignListItem {
                name: "printemps".into(),
                state,
                version: Some(1),
                refusal: refused.then(refusal),
                stopping,
                updated_at: at(),
            };
            out.push(render::list_page(&[item], 12, 0, fr).0);
        }
        for outcome in [
            ConfirmOutcome::Submitted {
                campaign: "printemps".into(),
                version: Some(1),
                state,
            },
            ConfirmOutcome::Cancelled {
                campaign: "printemps".into(),
                version: Some(1),
                state,
            },
        ] {
            out.push(render::confirm_outcome(&outcome, fr));
        }
    }
    out.push(render::confirm_outcome(
        &ConfirmOutcome::TestSent {
            campaign: "printemps".into(),
            numbers: 2,
            cost: Credits(2),
        },
        fr,
    ));
    for kind in [
        NotificationKind::Submitted,
        NotificationKind::Approved { automatic: true },
        NotificationKind::Refused {
            code: RefusalCode::Technical,
            reason: "Lien cassé".into(),
        },
        NotificationKind::Refused {
            code: RefusalCode::CodeOfConduct,
            reason: "Prix trompeur".into(),
        },
        NotificationKind::StartedSending,
        NotificationKind::HeldForCredit {
            needed: Credits(30),
            available: Credits(3),
        },
        NotificationKind::Completed,
    ] {
        let n = Notification {
            account: AccountId(1),
            user: UserId(2),
            channel: None,
            campaign: CampaignId(3),
            campaign_name: "printemps".into(),
            version: 1,
            kind,
        };
        out.push(notifier::render(&n, fr));
    }
    for (short, first) in [(false, true), (true, false)] {
        out.push(render::summary(&summary(short, first), fr));
    }
    out.push(render::test_summary(
        &TestSummary {
            campaign: "printemps".into(),
            numbers: vec!["+33612345678".into()],
            encoding: Encoding::Ucs2,
            segments: 1,
            cost: Credits(1),
            available: Credits(9),
            balance_after: 8,
            waiting: window_flags()
                .into_iter()
                .map(|because| TestWait {
                    number: "+33612345678".into(),
                    decision: Decision::NotBefore { at: at(), because },
                })
                .collect(),
            token: ConfirmationToken::from_random([1; 16]),
            expires_at: at(),
        },
        fr,
    ));
    for window in window_flags()
        .into_iter()
        .map(|because| Decision::NotBefore { at: at(), because })
        .chain([Decision::Now])
    {
        out.push(crate::bot::answers::summary(
            &AnswerSummary {
                to: "+33612345678".into(),
                sender: "MaBoutique".into(),
                encoding: Encoding::Gsm7,
                segments: 1,
                cost: Credits(1),
                available: Credits(9),
                balance_after: 8,
                window,
                token: ConfirmationToken::from_random([1; 16]),
                expires_at: at(),
            },
            fr,
        ));
    }
    for (status, waiting) in [
        (DeliveryStatus::Pending, false),
        (DeliveryStatus::Pending, true),
        (DeliveryStatus::Submitted, false),
        (DeliveryStatus::Retrying, false),
        (DeliveryStatus::Delivered, false),
        (DeliveryStatus::Bounced, false),
        (DeliveryStatus::Skipped, false),
        (DeliveryStatus::OutsideHours, false),
    ] {
        let update = AnswerUpdate {
            id: 1,
            account: AccountId(1),
            thread: ChannelId(2),
            message: None,
            written_by: UserId(3),
            body: "Oui, dès demain".into(),
            cost: Credits(1),
            status,
            due_at: at(),
            waiting_for_window: waiting,
            error: Some("absent subscriber".into()),
            refunded: false,
            claimed_until: at(),
            shown: String::new(),
        };
        out.push(crate::bot::answers::thread_message(&update, fr));
    }
    for kept in [false, true] {
        out.push(render::import_report("printemps", &import_report(kept), fr));
    }
    let ledger = [
        LedgerKind::Credit,
        LedgerKind::Reserve,
        LedgerKind::Debit,
        LedgerKind::Release,
        LedgerKind::Refund,
    ]
    .into_iter()
    .enumerate()
    .map(|(i, kind)| LedgerLine {
        id: i as i64,
        kind,
        amount: Credits(5),
        campaign: None,
        reason: None,
        balance_after: Balance::default(),
        at: at(),
    })
    .collect();
    out.push(render::credits(
        &CreditsView {
            balance: Balance::default(),
            ledger,
        },
        fr,
    ));
    for e in every_error() {
        out.push(crate::bot::BotError::App(e).message(fr));
    }
    // And every text as it stands, placeholders unfilled: /privacy, support, surveys, help.
    out.extend(
        fr.texts()
            .entries()
            .into_iter()
            .map(|(_, text)| text.to_owned()),
    );
    out
}

/// Runs of three words or more from `text`, cut at placeholders and line breaks: the
/// sentences a reader would recognise, without the values filled in.
fn sentences(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    for chunk in text.split(['{', '}', '\n', '*', '`']) {
        let words: Vec<&str> = chunk.split_whitespace().collect();
        if words
            .iter()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count()
            >= 3
        {
            runs.push(words.join(" "));
        }
    }
    runs
}

#[test]
fn french_readers_get_no_english_sentence() {
    let mut english: Vec<String> = Lang::En
        .texts()
        .entries()
        .into_iter()
        .flat_map(|(_, text)| sentences(text))
        .collect();
    for e in every_error() {
        english.extend(sentences(&e.to_string()));
        if let Some(text) = errors::app_error(&e, Lang::En) {
            english.extend(sentences(&text));
        }
    }
    let mut leaks = Vec::new();
    for french in french_renders() {
        let folded = french.split_whitespace().collect::<Vec<_>>().join(" ");
        for sentence in &english {
            if folded.contains(sentence.as_str()) {
                leaks.push(format!("{sentence:?} in {french:?}"));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "English in French replies:\n{}",
        leaks.join("\n")
    );
}

#[test]
fn every_error_a_user_causes_is_worded_in_both_languages() {
    for e in every_error() {
        let (en, fr) = (
            errors::app_error(&e, Lang::En),
            errors::app_error(&e, Lang::Fr),
        );
        assert_eq!(en.is_some(), fr.is_some(), "{e:?}");
        if let (Some(en), Some(fr)) = (en, fr) {
            assert_ne!(en, fr, "{e:?}");
            // Braces in code spans are merge-field syntax shown to the reader.
            let outside_code = |text: &str| -> String { text.split('`').step_by(2).collect() };
            assert!(
                !outside_code(&en).contains('{') && !outside_code(&fr).contains('{'),
                "unfilled: {en} / {fr}"
            );
        }
    }
}

#[test]
fn an_offset_no_zone_keeps_asks_for_the_place() {
    let err = AppError::Zone(Zone::parse("UTC+1:15").unwrap_err());
    let en = errors::app_error(&err, Lang::En).unwrap();
    assert_eq!(
        en,
        "\"UTC+1:15\" is an offset from UTC (UTC+01:15), not a time zone: it ignores summer time. \
         Give the place's IANA name, such as Europe/Paris."
    );
}

#[test]
fn a_zone_parse_error_reads_in_french() {
    let err = AppError::Zone(Zone::parse("GMT+1").unwrap_err());
    let text = errors::app_error(&err, Lang::Fr).unwrap();
    assert!(
        text.starts_with("« GMT+1 » est un décalage par rapport à UTC (UTC+01:00)"),
        "{text}"
    );
    assert!(
        text.contains("Europe/Paris") && text.contains("Etc/GMT-1"),
        "{text}"
    );
}
