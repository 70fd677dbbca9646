//! Merge fields in use cases: checking a body against its list's columns, and pricing a
//! personalised body over a whole list, message by message.
use crate::domain::campaign::{Campaign, CampaignError};
use crate::domain::credits::Credits;
use crate::domain::ids::{CampaignId, ListId};
use crate::domain::personal::{
    PREVIEW_RECIPIENTS, PersonalPricing, PersonalSummary, Personaliser, PreviewMessage,
};
use crate::domain::short_links::{LinkBase, priced_text};
use crate::domain::sms::SmsBody;
use crate::domain::template::Template;

use super::{App, AppError};

/// Rows read per query while pricing a list.
const PAGE: u32 = 20_000;

/// Whether a body is read as a template: any brace makes it one (`{{` writes a brace).
pub fn is_template(body: &SmsBody) -> bool {
    body.as_str().contains(['{', '}'])
}

/// A body's template, or why it is not one.
pub fn template_of(body: &SmsBody) -> Result<Template, CampaignError> {
    Template::parse(body.as_str()).map_err(CampaignError::BadTemplate)
}

impl App {
    /// Refuses a body whose fields can't be read, or that uses a column `list` lacks (the
    /// columns are named); without a list the columns are checked at finalize.
    pub(super) async fn check_fields(
        &self,
        body: &SmsBody,
        list: Option<ListId>,
    ) -> Result<(), AppError> {
        if !is_template(body) {
            return Ok(());
        }
        let template = template_of(body)?;
        if let Some(list) = list {
            let columns = self.store.list_columns(list).await?;
            template
                .check_columns(columns.names())
                .map_err(CampaignError::BadTemplate)?;
        }
        Ok(())
    }

    /// The body bound to the list's columns; `None` when it is plain text.
    pub(super) async fn personaliser(
        &self,
        body: &SmsBody,
        list: ListId,
    ) -> Result<Option<Personaliser>, AppError> {
        if !is_template(body) {
            return Ok(None);
        }
        let template = template_of(body)?;
        let columns = self.store.list_columns(list).await?;
        Ok(Some(
            Personaliser::new(template, &columns).map_err(CampaignError::BadTemplate)?,
        ))
    }

    /// What the draft's body sends to each recipient of its list; `None` for a plain body (or
    /// no body or list yet: finalize says what is missing).
    pub(super) async fn draft_personal_summary(
        &self,
        campaign: &Campaign,
        short_links: Option<&LinkBase>,
    ) -> Result<Option<PersonalSummary>, AppError> {
        let (Some(body), Some(list)) = (&campaign.draft.body, campaign.draft.recipients) else {
            return Ok(None);
        };
        let Some(personaliser) = self.personaliser(body, list.id).await? else {
            return Ok(None);
        };
        Ok(Some(
            self.price_list(&personaliser, list.id, short_links).await?,
        ))
    }

    /// What a test of a personalised draft sends: its first recipient's message (test numbers
    /// have no values of their own); `None` for a plain draft. A personalised draft without
    /// recipients yet, or whose first recipient has no message, can't be tested.
    pub(super) async fn test_text(&self, campaign: &Campaign) -> Result<Option<SmsBody>, AppError> {
        let Some(body) = &campaign.draft.body else {
            return Ok(None);
        };
        if !is_template(body) {
            return Ok(None);
        }
        let template = template_of(body)?;
        let Some(list) = campaign.draft.recipients else {
            // Fallbacks alone can write it when every field has one.
            let text = template
                .render(|_| None)
                .map_err(|_| CampaignError::NoRecipients)?;
            return Ok(Some(SmsBody::parse(&text)?));
        };
        let personaliser = self.personaliser(body, list.id).await?.expect("a template");
        let first = self.store.recipient_values(list.id, -1, 1).await?;
        let fields = first.first().and_then(|r| r.fields.as_deref());
        match personaliser.render(fields) {
            Ok(text) => Ok(Some(text)),
            Err(_) => {
                let mut pricing = PersonalPricing::new(&personaliser);
                if let Some(r) = first.first() {
                    pricing.add(&r.phone, r.line, r.fields.as_deref());
                }
                Err(CampaignError::UnwritableMessages(Box::new(pricing.finish())).into())
            }
        }
    }

    /// The first recipients' messages of `list`, as they will receive them.
    pub(super) async fn preview(
        &self,
        body: &SmsBody,
        list: ListId,
    ) -> Result<Vec<PreviewMessage>, AppError> {
        let Some(personaliser) = self.personaliser(body, list).await? else {
            return Ok(Vec::new());
        };
        let first = self
            .store
            .recipient_values(list, -1, PREVIEW_RECIPIENTS as u32)
            .await?;
        let mut pricing = PersonalPricing::new(&personaliser);
        for r in &first {
            pricing.add(&r.phone, r.line, r.fields.as_deref());
        }
        Ok(pricing.finish().preview)
    }

    /// Renders every recipient's message of `list`, in list order.
    async fn price_list(
        &self,
        personaliser: &Personaliser,
        list: ListId,
        short_links: Option<&LinkBase>,
    ) -> Result<PersonalSummary, AppError> {
        let mut pricing = PersonalPricing::new(personaliser).shortening(short_links);
        let mut after = -1;
        loop {
            let page = self.store.recipient_values(list, after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.position;
            for r in &page {
                pricing.add(&r.phone, r.line, r.fields.as_deref());
            }
        }
        Ok(pricing.finish())
    }

    /// What the messages of a personalised version that were paid for and never sent cost,
    /// each its own; `None` for a plain version (its segments times the count).
    pub(super) async fn unsent_cost(
        &self,
        campaign: CampaignId,
        version: u32,
        body: &SmsBody,
        list: ListId,
        short_links: Option<&LinkBase>,
    ) -> Result<Option<Credits>, AppError> {
        let Some(personaliser) = self.personaliser(body, list).await? else {
            return Ok(None);
        };
        let unsent = self.store.unsent_fields(campaign, version).await?;
        let segments: u64 = unsent
            .iter()
            .filter_map(|fields| personaliser.render(fields.as_deref()).ok())
            .map(|body| match short_links {
                Some(base) => SmsBody::parse(&priced_text(body.as_str(), base))
                    .map_or(body.segments(), |b| b.segments()),
                None => body.segments(),
            })
            .map(u64::from)
            .sum();
        Ok(Some(Credits(segments)))
    }
}
