//! Typed results in the terminal's words (English).
use herald::app::AppError;
use herald::app::RefusalView;
use herald::domain::account::AccountSettingsError;
use herald::domain::campaign::CampaignError;
use herald::domain::campaign::{CampaignState, RefusalCode, Reviewer};
use herald::domain::opt_out::OptOutRemovalError;
use herald::domain::schedule::FoldNote;
use herald::domain::sender::EXAMPLE_SENDER;
use herald::english;

/// " (line 3)", " (lines 3, 7)", or nothing: the lines a report names.
pub fn lines(lines: &[u64]) -> String {
    match lines {
        [] => String::new(),
        [one] => format!(" (line {one})"),
        many => format!(
            " (lines {})",
            many.iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// "waiting for validation", "42% completed", "refused: reason".
pub fn headline(
    state: CampaignState,
    percent: u8,
    stopping: bool,
    refusal: Option<&RefusalView>,
) -> String {
    match state {
        CampaignState::Draft => match refusal {
            Some(r) => format!("refused: {}", r.reason),
            None => "draft".to_owned(),
        },
        CampaignState::AwaitingConfirmation => "waiting for your confirmation".to_owned(),
        CampaignState::PendingReview => "waiting for validation".to_owned(),
        CampaignState::Approved => "approved, starting".to_owned(),
        CampaignState::Scheduled => "scheduled".to_owned(),
        CampaignState::OnHold => "on hold: not enough credit".to_owned(),
        CampaignState::Sending if stopping => format!("stopping: {percent}% completed"),
        CampaignState::Sending => format!("{percent}% completed"),
        CampaignState::Completed => "100% completed".to_owned(),
    }
}

pub fn refusal_code(code: RefusalCode) -> &'static str {
    match code {
        RefusalCode::Technical => "technical",
        RefusalCode::CodeOfConduct => "code of conduct",
    }
}

pub fn reviewer(by: &Reviewer) -> String {
    match by {
        Reviewer::Moderator(name) => name.to_string(),
        Reviewer::AutoValidation => "automatic validation".to_owned(),
    }
}

/// "02:30 happens twice on 2027-10-31 in Europe/Paris (...); the first one, ... was taken".
pub fn fold_note(note: &FoldNote) -> String {
    format!(
        "{time} happens twice on {date} in {zone} (clocks go back from {from} to {to}); the {which} one, {time} {offset}, was taken",
        time = note.time,
        date = note.date.format("%Y-%m-%d"),
        zone = note.zone,
        from = note.from,
        to = note.to,
        which = if note.first { "first" } else { "second" },
        offset = note.offset,
    )
}

/// A refusal in the command line's words: the app's own message, but where the command line
/// has a flag or an example that fixes it, it says so.
pub fn error(e: &AppError) -> String {
    match e {
        AppError::Campaign(CampaignError::MissingOptOut {
            mention: Some(mention),
            offer: Some(offer),
        }) => format!(
            "the message lacks the opt-out mention \"{mention}\", which marketing SMS must carry: \
             finalize again with --add-opt-out to add it at the end ({} -> {} segment(s), \
             cost {} -> {} credits)",
            offer.segments_before, offer.segments_after, offer.cost_before, offer.cost_after
        ),
        AppError::Campaign(CampaignError::MissingOptOut { mention: None, .. }) => {
            "the message has no opt-out mention, which marketing SMS must carry: add one such as \
             \"STOP au 36180\" to the message, or set the account's with \
             `herald account set <server> --opt-out \"STOP au 36180\"`"
                .to_owned()
        }
        AppError::Campaign(CampaignError::SenderRule { sender, rule })
        | AppError::Settings(AccountSettingsError::Sender { sender, rule }) => format!(
            "\"{sender}\" can't be the sender: {}; for example: {EXAMPLE_SENDER}",
            english::sender_rule(rule)
        ),
        AppError::OptOut(OptOutRemovalError::StopNeedsReason(number)) => format!(
            "{number} opted out by answering STOP: say why it may receive messages again with \
             --reason \"...\" (kept in the audit log)"
        ),
        AppError::FrenchWindow(stays) => format!(
            "France and its overseas territories keep their sending window, which French law \
             sets: it can't be lifted for {}",
            stays.region
        ),
        other => other.to_string(),
    }
}
