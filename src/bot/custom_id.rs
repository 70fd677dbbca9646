//! What buttons and modals carry in their `custom_id`: a versioned, typed scheme
//! (`v1:<action>:<argument>`). State lives in the database, so a button works after a restart
//! and in any process.
use std::fmt;

use crate::domain::ids::{SupportRequestId, SurveyId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomId {
    /// Spend a confirmation token (submit a version, or cancel).
    Confirm(String),
    /// Spend a test's confirmation token and send it at once, outside the sending window.
    TestNow(String),
    /// Confirm an answer to a number, written in its replies thread.
    ConfirmAnswer(String),
    /// Add the server's opt-out mention to the named campaign's message.
    AddOptOut(String),
    /// Make the named campaign's typographic characters plain (GSM-7).
    UseGsm7(String),
    /// Ask to cancel the named campaign (from a status reply).
    AskCancel(String),
    /// Show a page of the campaign list.
    ListPage(u32),
    /// The create / edit modals, for the named campaign.
    CreateModal(String),
    EditModal(String),
    /// A survey's rating button: survey id and 1..=5.
    Rate(SurveyId, u8),
    /// "Share your opinion publicly?": opens the review form of a survey.
    Review(SurveyId),
    /// The review form of a survey.
    ReviewForm(SurveyId),
    /// "Contact our team again" after a low rating, and its question form (survey id).
    ContactAgain(SurveyId),
    ContactForm(SurveyId),
    /// The support notice answered: pending request, accepted or not.
    SupportNotice(SupportRequestId, bool),
    /// /privacy's buttons.
    Withdraw,
    Export,
    Erase,
}

const VERSION: &str = "v1";

impl CustomId {
    pub fn parse(raw: &str) -> Option<CustomId> {
        let rest = raw.strip_prefix(VERSION)?.strip_prefix(':')?;
        let (action, arg) = rest.split_once(':')?;
        Some(match action {
            "confirm" => CustomId::Confirm(arg.to_owned()),
            "testnow" => CustomId::TestNow(arg.to_owned()),
            "answer" => CustomId::ConfirmAnswer(arg.to_owned()),
            "addoptout" => CustomId::AddOptOut(arg.to_owned()),
            "gsm7" => CustomId::UseGsm7(arg.to_owned()),
            "askcancel" => CustomId::AskCancel(arg.to_owned()),
            "list" => CustomId::ListPage(arg.parse().ok()?),
            "create" => CustomId::CreateModal(arg.to_owned()),
            "edit" => CustomId::EditModal(arg.to_owned()),
            "rate" => {
                let (survey, rating) = arg.split_once('-')?;
                CustomId::Rate(SurveyId(survey.parse().ok()?), rating.parse().ok()?)
            }
            "review" => CustomId::Review(SurveyId(arg.parse().ok()?)),
            "reviewform" => CustomId::ReviewForm(SurveyId(arg.parse().ok()?)),
            "contact" => CustomId::ContactAgain(SurveyId(arg.parse().ok()?)),
            "contactform" => CustomId::ContactForm(SurveyId(arg.parse().ok()?)),
            "notice" => {
                let (request, answer) = arg.split_once('-')?;
                let accept = match answer {
                    "yes" => true,
                    "no" => false,
                    _ => return None,
                };
                CustomId::SupportNotice(SupportRequestId(request.parse().ok()?), accept)
            }
            "privacy" => match arg {
                "withdraw" => CustomId::Withdraw,
                "export" => CustomId::Export,
                "erase" => CustomId::Erase,
                _ => return None,
            },
            _ => return None,
        })
    }
}

impl fmt::Display for CustomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CustomId::Confirm(token) => write!(f, "{VERSION}:confirm:{token}"),
            CustomId::TestNow(token) => write!(f, "{VERSION}:testnow:{token}"),
            CustomId::ConfirmAnswer(token) => write!(f, "{VERSION}:answer:{token}"),
            CustomId::AddOptOut(name) => write!(f, "{VERSION}:addoptout:{name}"),
            CustomId::UseGsm7(name) => write!(f, "{VERSION}:gsm7:{name}"),
            CustomId::AskCancel(name) => write!(f, "{VERSION}:askcancel:{name}"),
            CustomId::ListPage(page) => write!(f, "{VERSION}:list:{page}"),
            CustomId::CreateModal(name) => write!(f, "{VERSION}:create:{name}"),
            CustomId::EditModal(name) => write!(f, "{VERSION}:edit:{name}"),
            CustomId::Rate(survey, rating) => write!(f, "{VERSION}:rate:{survey}-{rating}"),
            CustomId::Review(survey) => write!(f, "{VERSION}:review:{survey}"),
            CustomId::ReviewForm(survey) => write!(f, "{VERSION}:reviewform:{survey}"),
            CustomId::SupportNotice(request, accept) => {
                let answer = if *accept { "yes" } else { "no" };
                write!(f, "{VERSION}:notice:{request}-{answer}")
            }
            CustomId::ContactAgain(survey) => write!(f, "{VERSION}:contact:{survey}"),
            CustomId::ContactForm(survey) => write!(f, "{VERSION}:contactform:{survey}"),
            CustomId::Withdraw => write!(f, "{VERSION}:privacy:withdraw"),
            CustomId::Export => write!(f, "{VERSION}:privacy:export"),
            CustomId::Erase => write!(f, "{VERSION}:privacy:erase"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_unknown_ones_are_ignored() {
        for id in [
            CustomId::Confirm("ab".repeat(16)),
            CustomId::AskCancel("spring: sale".into()),
            CustomId::TestNow("cd".repeat(16)),
            CustomId::ConfirmAnswer("ef".repeat(16)),
            CustomId::AddOptOut("x".repeat(64)),
            CustomId::UseGsm7("x".repeat(64)),
            CustomId::ListPage(3),
            CustomId::CreateModal("a:b".into()),
            CustomId::EditModal("x".into()),
            CustomId::Rate(SurveyId(42), 5),
            CustomId::Review(SurveyId(7)),
            CustomId::ReviewForm(SurveyId(7)),
            CustomId::ContactAgain(SurveyId(3)),
            CustomId::ContactForm(SurveyId(3)),
            CustomId::SupportNotice(SupportRequestId(9), true),
            CustomId::SupportNotice(SupportRequestId(9), false),
            CustomId::Withdraw,
            CustomId::Export,
            CustomId::Erase,
        ] {
            assert_eq!(CustomId::parse(&id.to_string()), Some(id.clone()));
            // Discord caps custom_id at 100 characters; campaign names are at most 64.
            assert!(id.to_string().len() <= 100);
        }
        assert_eq!(CustomId::parse("v2:confirm:x"), None);
        assert_eq!(CustomId::parse("v1:list:notanumber"), None);
        assert_eq!(CustomId::parse("something else"), None);
    }
}
