//! The state machine, decided without any I/O.
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use super::*;
use crate::domain::account::Account;
use crate::domain::compliance::ComplianceFlag;
use crate::domain::credits::{Balance, LedgerKind};
use crate::domain::effects::NotificationKind;
use crate::domain::schedule::SendAt;
use crate::domain::zone::Zone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 2, 9, 0, 0).unwrap()
}

fn account() -> Account {
    let mut a = Account::new(AccountId(1), "Shop");
    a.sender = Some(SenderId::parse("SHOP").unwrap());
    a.opt_out_text = Some("STOP au 36180".into());
    a
}

/// Every recipient in metropolitan France.
fn destinations() -> Vec<(crate::domain::window::Destination, u64)> {
    let paris = crate::domain::phone::PhoneNumber::from_e164("+33612345678").unwrap();
    vec![(crate::domain::window::Destination::of_number(&paris), 3)]
}

fn balance(available: u64) -> Balance {
    Balance {
        available: Credits(available),
        reserved: Credits::ZERO,
    }
}

fn token(n: u8) -> ConfirmationToken {
    ConfirmationToken::from_random([n; 16])
}

fn ready(recipients: u64) -> Campaign {
    let c = Campaign::new(
        CampaignId(7),
        AccountId(1),
        CampaignName::parse("spring").unwrap(),
        UserId(5),
        now(),
    );
    let edit = DraftEdit {
        audiences: None,
        body: Some(SmsBody::parse("Sale! STOP au 36180").unwrap()),
        sender: None,
        recipients: Some(RecipientList {
            id: ListId(3),
            count: recipients,
        }),
    };
    c.edit_draft(edit, now()).unwrap().campaign
}

fn finalize(
    c: &Campaign,
    mode: SendMode,
    available: u64,
) -> (Campaign, PendingConfirmation, Summary) {
    let a = account();
    let ctx = FinalizeContext {
        personal: None,
        leave_out: false,
        short_links: None,
        account: &a,
        destinations: &destinations(),
        first_campaign: false,
        balance: balance(available),
        token: token(1),
        requested_by: UserId(5),
        channel: None,
        now: now(),
    };
    let (t, p, s) = c.finalize(mode, ctx).unwrap();
    (t.campaign, p, s)
}

fn confirm_with(
    c: &Campaign,
    p: &PendingConfirmation,
    a: &Account,
    available: u64,
) -> Result<Transition, CampaignError> {
    c.confirm(
        p,
        ConfirmContext {
            personal: None,
            short_links: None,
            account: a,
            destinations: &destinations(),
            balance: balance(available),
            user: UserId(5),
            first_campaign: false,
            now: now(),
        },
    )
}

fn submitted(available: u64) -> Campaign {
    let (c, p, _) = finalize(&ready(10), SendMode::Immediate, available);
    confirm_with(&c, &p, &account(), available)
        .unwrap()
        .campaign
}

fn ledger_kinds(effects: &[Effect]) -> Vec<LedgerKind> {
    effects
        .iter()
        .filter_map(|e| {
            if let Effect::Ledger(l) = e {
                Some(l.kind)
            } else {
                None
            }
        })
        .collect()
}

fn moderator() -> ModeratorName {
    ModeratorName::parse("alice").unwrap()
}

#[test]
fn finalize_needs_a_complete_draft() {
    let blank = Campaign::new(
        CampaignId(1),
        AccountId(1),
        CampaignName::parse("x").unwrap(),
        UserId(5),
        now(),
    );
    let a = account();
    let everyone = destinations();
    let ctx = || FinalizeContext {
        personal: None,
        leave_out: false,
        short_links: None,
        account: &a,
        destinations: &everyone,
        first_campaign: false,
        balance: balance(100),
        token: token(1),
        requested_by: UserId(5),
        channel: None,
        now: now(),
    };
    assert_eq!(
        blank.finalize(SendMode::Immediate, ctx()).unwrap_err(),
        CampaignError::MissingBody
    );
    let with_body = blank
        .edit_draft(
            DraftEdit {
                body: Some(SmsBody::parse("hi").unwrap()),
                ..Default::default()
            },
            now(),
        )
        .unwrap()
        .campaign;
    assert_eq!(
        with_body.finalize(SendMode::Immediate, ctx()).unwrap_err(),
        CampaignError::NoRecipients
    );
    let mut no_sender = account();
    no_sender.sender = None;
    let ctx = FinalizeContext {
        personal: None,
        leave_out: false,
        short_links: None,
        account: &no_sender,
        destinations: &destinations(),
        first_campaign: false,
        balance: balance(100),
        token: token(1),
        requested_by: UserId(5),
        channel: None,
        now: now(),
    };
    assert_eq!(
        ready(3).finalize(SendMode::Immediate, ctx).unwrap_err(),
        CampaignError::NoSender
    );
}

#[test]
fn the_summary_prices_segments_times_recipients() {
    let (c, p, s) = finalize(&ready(10), SendMode::Immediate, 100);
    assert_eq!(c.state, CampaignState::AwaitingConfirmation);
    assert_eq!(
        (s.recipients, s.segments, s.cost, s.balance_after),
        (10, 1, Credits(10), Some(Credits(90)))
    );
    assert_eq!(p.expires_at, now() + TimeDelta::minutes(15));
    assert_eq!(p.draft_revision, c.draft.revision);
}

#[test]
fn confirming_freezes_a_numbered_version_and_reserves_its_cost() {
    let (c, p, _) = finalize(&ready(10), SendMode::Immediate, 100);
    let t = confirm_with(&c, &p, &account(), 100).unwrap();
    let s = t.campaign.submission.as_ref().unwrap();
    assert_eq!(
        (s.version, s.cost, s.reserved),
        (1, Credits(10), Credits(10))
    );
    assert_eq!(
        s.sender.as_str(),
        "SHOP",
        "the account's default sender is frozen in"
    );
    assert_eq!(t.campaign.state, CampaignState::PendingReview);
    assert_eq!(ledger_kinds(&t.effects), [LedgerKind::Reserve]);
}

#[test]
fn an_edit_after_finalize_voids_the_confirmation() {
    let (c, p, _) = finalize(&ready(10), SendMode::Immediate, 100);
    let edited = c
        .edit_draft(
            DraftEdit {
                body: Some(SmsBody::parse("New offer. STOP au 36180").unwrap()),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
    assert_eq!(edited.campaign.state, CampaignState::Draft);
    assert_eq!(
        confirm_with(&edited.campaign, &p, &account(), 100).unwrap_err(),
        CampaignError::NotAwaitingConfirmation
    );
    // Finalized again, the old token still refers to the old draft.
    let (again, _, _) = finalize(&edited.campaign, SendMode::Immediate, 100);
    assert_eq!(
        confirm_with(&again, &p, &account(), 100).unwrap_err(),
        CampaignError::DraftChanged
    );
}

#[test]
fn approval_schedules_or_readies_and_refusal_returns_to_draft() {
    let c = submitted(100);
    let approved = c.approve(1, &moderator(), now()).unwrap();
    assert_eq!(approved.campaign.state, CampaignState::Approved);
    let again = approved
        .campaign
        .approve(1, &moderator(), now())
        .unwrap_err();
    assert!(
        matches!(again, CampaignError::AlreadyDecided { approved: true, .. }),
        "{again}"
    );

    let refusal = Refusal::new(RefusalCode::Technical, "Broken link").unwrap();
    let refused = c.refuse(1, refusal, &moderator(), now()).unwrap();
    assert_eq!(refused.campaign.state, CampaignState::Draft);
    assert_eq!(refused.campaign.refusal().unwrap().text(), "Broken link");
    assert_eq!(ledger_kinds(&refused.effects), [LedgerKind::Release]);
    assert_eq!(
        refused.campaign.submission.as_ref().unwrap().reserved,
        Credits::ZERO
    );
}

#[test]
fn refusals_need_a_bounded_reason() {
    assert_eq!(
        Refusal::new(RefusalCode::Technical, "  "),
        Err(CampaignError::RefusalWithoutReason)
    );
    assert!(matches!(
        Refusal::new(RefusalCode::Technical, &"x".repeat(501)),
        Err(CampaignError::RefusalTooLong { chars: 501 })
    ));
    assert!(Refusal::new(RefusalCode::CodeOfConduct, &"é".repeat(500)).is_ok());
}

#[test]
fn cancel_is_allowed_only_before_sending() {
    let draft = ready(3);
    assert_eq!(
        draft.cancel(UserId(5), now()).unwrap_err(),
        CampaignError::NothingToCancel
    );
    let c = submitted(100);
    let cancelled = c.cancel(UserId(5), now()).unwrap();
    assert_eq!(cancelled.campaign.state, CampaignState::Draft);
    assert_eq!(ledger_kinds(&cancelled.effects), [LedgerKind::Release]);
    let approved = c.approve(1, &moderator(), now()).unwrap().campaign;
    let sending = approved.start(balance(0), now()).unwrap().campaign;
    assert_eq!(sending.state, CampaignState::Sending);
    // Sending: a cancel stops what is not sent yet, once.
    let stopping = sending.cancel(UserId(5), now()).unwrap();
    assert_eq!(stopping.campaign.state, CampaignState::Sending);
    assert!(
        stopping
            .effects
            .iter()
            .any(|e| matches!(e, Effect::StopVersion { version: 1, .. }))
    );
    assert!(matches!(
        stopping.campaign.cancel(UserId(5), now()),
        Err(CampaignError::CannotCancel(_))
    ));
}

#[test]
fn starting_debits_the_reserve_and_completion_notifies() {
    let approved = submitted(100)
        .approve(1, &moderator(), now())
        .unwrap()
        .campaign;
    let started = approved.start(balance(90), now()).unwrap();
    assert_eq!(ledger_kinds(&started.effects), [LedgerKind::Debit]);
    let mut counts = crate::domain::delivery::DeliveryCounts::default();
    counts.add(crate::domain::delivery::DeliveryStatus::Submitted, 1);
    assert_eq!(
        started.campaign.complete(&counts, None, now()).unwrap_err(),
        CampaignError::StillSending(0)
    );
    counts = Default::default();
    counts.add(crate::domain::delivery::DeliveryStatus::Delivered, 3);
    let done = started.campaign.complete(&counts, None, now()).unwrap();
    assert_eq!(
        ledger_kinds(&done.effects),
        [],
        "all sent: nothing to refund"
    );
    assert_eq!(done.campaign.state, CampaignState::Completed);
    assert!(
        done.effects
            .iter()
            .any(|e| matches!(e, Effect::Notify(n) if n.kind == NotificationKind::Completed))
    );
    assert_eq!(
        done.campaign
            .edit_draft(DraftEdit::default(), now())
            .unwrap_err(),
        CampaignError::AlreadyCompleted
    );
}

#[test]
fn a_scheduled_send_short_of_credit_is_held_then_resumed() {
    let at = SendAt::parse(
        "2027-03-04",
        "10:00",
        Zone::parse("Europe/Paris").unwrap(),
        now(),
    )
    .unwrap();
    let (c, p, s) = finalize(&ready(10), SendMode::Scheduled(at.clone()), 4);
    assert!(s.shortfall.is_some());
    let confirmed = confirm_with(&c, &p, &account(), 4).unwrap();
    assert!(
        ledger_kinds(&confirmed.effects).is_empty(),
        "nothing reserved when short"
    );
    let scheduled = confirmed
        .campaign
        .approve(1, &moderator(), now())
        .unwrap()
        .campaign;
    assert_eq!(scheduled.state, CampaignState::Scheduled);
    assert!(matches!(
        scheduled.start(balance(100), now()),
        Err(CampaignError::NotDue(_))
    ));
    let held = scheduled.start(balance(4), at.utc()).unwrap();
    assert_eq!(held.campaign.state, CampaignState::OnHold);
    assert!(held.effects.iter().any(|e| matches!(e, Effect::Notify(n) if matches!(n.kind, NotificationKind::HeldForCredit { .. }))));
    assert!(matches!(
        held.campaign.resume(balance(9), at.utc()),
        Err(CampaignError::InsufficientCredit { .. })
    ));
    let resumed = held.campaign.resume(balance(10), at.utc()).unwrap();
    assert_eq!(resumed.campaign.state, CampaignState::Sending);
    assert_eq!(
        ledger_kinds(&resumed.effects),
        [LedgerKind::Reserve, LedgerKind::Debit]
    );
}

#[test]
fn immediate_sends_are_refused_without_credit() {
    let a = account();
    let ctx = FinalizeContext {
        personal: None,
        leave_out: false,
        short_links: None,
        account: &a,
        destinations: &destinations(),
        first_campaign: false,
        balance: balance(9),
        token: token(1),
        requested_by: UserId(5),
        channel: None,
        now: now(),
    };
    assert_eq!(
        ready(10).finalize(SendMode::Immediate, ctx).unwrap_err(),
        CampaignError::InsufficientCredit {
            needed: Credits(10),
            available: Credits(9)
        }
    );
}

#[test]
fn a_scheduled_time_that_passed_before_confirmation_is_refused() {
    let at = SendAt::parse(
        "2027-03-02",
        "10:05",
        Zone::parse("Europe/Paris").unwrap(),
        now(),
    )
    .unwrap();
    let (c, p, _) = finalize(&ready(1), SendMode::Scheduled(at), 100);
    let late = now() + TimeDelta::minutes(6);
    let ctx = ConfirmContext {
        personal: None,
        short_links: None,
        account: &account(),
        destinations: &destinations(),
        balance: balance(100),
        user: UserId(5),
        first_campaign: false,
        now: late,
    };
    assert_eq!(
        c.confirm(&p, ctx).unwrap_err(),
        CampaignError::SendTimePassed
    );
}

#[test]
fn auto_validation_approves_at_confirmation() {
    let mut a = account();
    a.auto_validation = true;
    let (c, p, _) = finalize(&ready(10), SendMode::Immediate, 100);
    let t = confirm_with(&c, &p, &a, 100).unwrap();
    assert_eq!(t.campaign.state, CampaignState::Approved);
    assert!(matches!(
        t.campaign.submission.unwrap().review,
        Review::Approved {
            by: Reviewer::AutoValidation,
            ..
        }
    ));
}

#[test]
fn first_campaigns_are_flagged_for_moderators() {
    let (c, p, _) = finalize(&ready(10), SendMode::Immediate, 100);
    let ctx = ConfirmContext {
        personal: None,
        short_links: None,
        account: &account(),
        destinations: &destinations(),
        balance: balance(100),
        user: UserId(5),
        first_campaign: true,
        now: now(),
    };
    let flags = c
        .confirm(&p, ctx)
        .unwrap()
        .campaign
        .submission
        .unwrap()
        .flags;
    assert!(
        flags.contains(&crate::domain::compliance::ComplianceFlag::FirstCampaign),
        "{flags:?}"
    );
}

#[test]
fn tokens_are_32_hex_digits() {
    assert_eq!(token(0xab).as_str(), "ab".repeat(16));
    assert!(ConfirmationToken::parse(&"ab".repeat(16)).is_ok());
    assert!(ConfirmationToken::parse("xyz").is_err());
    assert!(ConfirmationToken::parse(&"AB".repeat(16)).is_err());
}

fn with_body(c: &Campaign, body: &str) -> Campaign {
    let edit = DraftEdit {
        body: Some(SmsBody::parse(body).unwrap()),
        ..Default::default()
    };
    c.edit_draft(edit, now()).unwrap().campaign
}

fn finalize_result(c: &Campaign, first_campaign: bool) -> Result<Summary, CampaignError> {
    let a = account();
    let ctx = FinalizeContext {
        personal: None,
        leave_out: false,
        short_links: None,
        account: &a,
        destinations: &destinations(),
        first_campaign,
        balance: balance(1_000),
        token: token(1),
        requested_by: UserId(5),
        channel: None,
        now: now(),
    };
    c.finalize(SendMode::Immediate, ctx).map(|(_, _, s)| s)
}

#[test]
fn a_message_without_the_opt_out_mention_is_refused_with_what_adding_it_costs() {
    // 155 GSM characters: the mention takes it past 160, into 2 segments.
    let long = "x".repeat(155);
    let c = with_body(&ready(10), &long);
    assert_eq!(
        finalize_result(&c, false).unwrap_err(),
        CampaignError::MissingOptOut {
            mention: Some("STOP au 36180".into()),
            offer: Some(OptOutOffer {
                mention: "STOP au 36180".into(),
                segments_before: 1,
                segments_after: 2,
                cost_before: Credits(10),
                cost_after: Credits(20),
            }),
        }
    );
    let added = c.body_with_opt_out(&account()).unwrap();
    assert_eq!(added.as_str(), format!("{long} STOP au 36180"));
    let fixed = with_body(&c, added.as_str());
    assert!(finalize_result(&fixed, false).is_ok());
    assert_eq!(
        fixed.body_with_opt_out(&account()).unwrap_err(),
        CampaignError::OptOutPresent
    );
    // Without a mention of its own, the account is told to write one.
    let mut bare = account();
    bare.opt_out_text = None;
    assert_eq!(
        c.body_with_opt_out(&bare).unwrap_err(),
        CampaignError::MissingOptOut {
            mention: None,
            offer: None
        }
    );
}

#[test]
fn the_summary_shows_every_flag_the_moderator_will_see() {
    let c = with_body(
        &ready(10),
        "SOLDES MONSTRES CE WEEK-END SUR TOUT LE MAGASIN ET EN LIGNE http://bit.ly/x ET \
         http://1.2.3.4/promo STOP au 36180",
    );
    let flags: Vec<&'static str> = finalize_result(&c, true)
        .unwrap()
        .flags
        .iter()
        .map(|f| match f {
            ComplianceFlag::LinkShortener { .. } => "shortener",
            ComplianceFlag::SuspiciousLink { .. } => "link",
            ComplianceFlag::AllCaps => "caps",
            ComplianceFlag::SenderRule { .. } => "sender",
            ComplianceFlag::FirstCampaign => "first",
            _ => "other",
        })
        .collect();
    // The account's sender, SHOP, is a generic word operators filter.
    assert_eq!(
        flags,
        ["shortener", "link", "link", "caps", "sender", "first"]
    );
}

#[test]
fn a_ucs2_summary_names_its_characters_and_offers_the_plain_version() {
    let c = with_body(&ready(10), "C’est l’été… STOP au 36180");
    let s = finalize_result(&c, false).unwrap();
    assert_eq!(s.encoding, crate::domain::sms::Encoding::Ucs2);
    assert_eq!(s.ucs2_characters, [('’', 2), ('…', 12)]);
    let offer = s.gsm7_offer.unwrap();
    assert_eq!(offer.body, "C'est l'été... STOP au 36180");
    assert_eq!((offer.segments, offer.cost), (1, Credits(10)));
    // A character with no plain twin (û) keeps it UCS-2: nothing to offer.
    let greek = with_body(&ready(10), "Ça coûte ’peu’ STOP au 36180");
    let s = finalize_result(&greek, false).unwrap();
    assert_eq!(s.ucs2_characters, [('û', 6), ('’', 10)]);
    assert_eq!(s.gsm7_offer, None);
}

#[test]
fn an_immediate_send_on_a_sunday_says_when_it_really_starts() {
    let a = account();
    let paris = crate::domain::phone::PhoneNumber::from_e164("+33612345678").unwrap();
    let reunion = crate::domain::phone::PhoneNumber::from_e164("+262692123456").unwrap();
    let destinations = [
        (crate::domain::window::Destination::of_number(&paris), 8),
        (crate::domain::window::Destination::of_number(&reunion), 2),
    ];
    // Sunday 4 April 2027, 10:00 in Paris.
    let sunday = Utc.with_ymd_and_hms(2027, 4, 4, 8, 0, 0).unwrap();
    let ctx = FinalizeContext {
        personal: None,
        leave_out: false,
        short_links: None,
        account: &a,
        destinations: &destinations,
        first_campaign: false,
        balance: balance(100),
        token: token(1),
        requested_by: UserId(5),
        channel: None,
        now: sunday,
    };
    let (_, _, s) = ready(10).finalize(SendMode::Immediate, ctx).unwrap();
    assert_eq!(s.plan.waiting(), 10);
    // Réunion (UTC+4) opens Monday 08:00, four hours before Paris.
    assert_eq!(
        s.starts_later,
        Some(Utc.with_ymd_and_hms(2027, 4, 5, 4, 0, 0).unwrap())
    );
    assert!(s.flags.iter().any(|f| matches!(
        f,
        ComplianceFlag::OutsideSendingWindow {
            waiting: Some(10),
            ..
        }
    )));
}

#[test]
fn a_duplicate_is_a_fresh_draft_with_the_same_message_sender_and_list() {
    let source = submitted(100);
    assert_eq!(source.state, CampaignState::PendingReview);
    let name = CampaignName::parse("spring-2").unwrap();
    let copy = source.duplicate(name.clone(), UserId(9), now());
    assert_eq!(
        (copy.state, &copy.name, copy.owner, copy.account),
        (CampaignState::Draft, &name, UserId(9), source.account)
    );
    assert_eq!(copy.draft.body, source.draft.body);
    assert_eq!(copy.draft.sender, source.draft.sender);
    assert_eq!(copy.draft.recipients, source.draft.recipients);
    assert!(copy.submission.is_none());
}
