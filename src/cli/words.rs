//! Typed results in the terminal's words (English).
use herald::app::RefusalView;
use herald::domain::campaign::{CampaignState, RefusalCode, Reviewer};
use herald::domain::schedule::FoldNote;

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
