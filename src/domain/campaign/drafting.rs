//! Editing the draft.
use chrono::{DateTime, Utc};

use super::{
    AudienceChoice, Campaign, CampaignError, CampaignState, Draft, RecipientList, Transition,
};
use crate::domain::ids::{CampaignId, CampaignName, UserId};
use crate::domain::sender::{SenderId, ShortCode};
use crate::domain::sms::SmsBody;

/// A change to the draft; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftEdit {
    pub body: Option<SmsBody>,
    pub sender: Option<SenderId>,
    /// A list from a file replaces any audience choice; a list worked out from audiences
    /// comes with the choice it came from.
    pub recipients: Option<RecipientList>,
    pub audiences: Option<AudienceChoice>,
}

impl DraftEdit {
    /// Refuses a new sender that breaks a French operators' rule; the draft's `current`
    /// sender, sent back unchanged by an edit form, is flagged at finalize instead.
    pub fn check_new_sender(
        &self,
        short_code: Option<&ShortCode>,
        current: Option<&SenderId>,
    ) -> Result<(), CampaignError> {
        let Some(sender) = &self.sender else {
            return Ok(());
        };
        if Some(sender) == current {
            return Ok(());
        }
        match sender.french_rule_broken(short_code) {
            Some(rule) => Err(CampaignError::SenderRule {
                sender: sender.clone(),
                rule,
            }),
            None => Ok(()),
        }
    }
}

impl Campaign {
    /// A new draft named `name` with this campaign's message, sender and recipients (the
    /// same frozen list: nothing is copied but the reference); its versions and state are
    /// not carried over.
    pub fn duplicate(&self, name: CampaignName, owner: UserId, now: DateTime<Utc>) -> Campaign {
        let mut copy = Campaign::new(CampaignId(0), self.account, name, owner, now);
        copy.draft = Draft {
            revision: 1,
            ..self.draft.clone()
        };
        copy
    }

    /// Edits the draft. A submitted version is never touched: it holds its own copy. A draft
    /// waiting for confirmation goes back to draft, so the old summary can't be confirmed.
    pub fn edit_draft(
        &self,
        edit: DraftEdit,
        now: DateTime<Utc>,
    ) -> Result<Transition, CampaignError> {
        match self.state {
            CampaignState::Completed => return Err(CampaignError::AlreadyCompleted),
            CampaignState::Sending => return Err(CampaignError::AlreadySending),
            _ => {}
        }
        let mut next = self.changed(now);
        if let Some(body) = edit.body {
            next.draft.body = Some(body);
        }
        if let Some(sender) = edit.sender {
            next.draft.sender = Some(sender);
        }
        if let Some(list) = edit.recipients {
            next.draft.recipients = Some(list);
            next.draft.audiences = None;
        }
        if let Some(choice) = edit.audiences {
            next.draft.audiences = Some(choice);
        }
        next.draft.revision += 1;
        if next.state == CampaignState::AwaitingConfirmation {
            next.state = CampaignState::Draft;
        }
        Ok(Transition {
            campaign: next,
            effects: Vec::new(),
        })
    }
}
