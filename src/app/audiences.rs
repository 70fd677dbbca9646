//! Audiences: contact lists kept per account, imported from CSV (create, replace or merge),
//! and campaigns taking their recipients from them. An audience points at a frozen list; an
//! import writes a new list and moves the pointer, so a version confirmed from the old list
//! never changes.
use std::collections::HashMap;
use std::io::Read;

use chrono::{DateTime, Utc};

use crate::domain::audience::{
    AudienceError, AudienceName, ImportMode, ImportSummary, ListOrigin, check_choice,
};
use crate::domain::campaign::{AudienceChoice, CampaignState, DraftEdit, RecipientList};
use crate::domain::ids::{AccountId, AudienceId, ListId, UserId};
use crate::domain::personal::{ListColumns, remap_values};
use crate::domain::recipients::{ImportReport, NumberSet, Recipient, RecipientClassifier};
use crate::domain::template::FieldName;
use crate::domain::window::Destination;
use crate::store::{AudienceRecord, AudienceWrite};

use super::import::ImportOptions;
use super::{App, AppError, Requester};

/// Rows copied per page when lists are combined.
const PAGE: u32 = 10_000;

/// An audience as people see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AudienceView {
    pub name: AudienceName,
    pub recipients: u64,
    pub columns: Vec<FieldName>,
    pub imported_by: UserId,
    pub imported_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub last_import: ImportSummary,
}

/// What an import into an audience did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AudienceImport {
    pub audience: AudienceView,
    /// The file's own report (problem lines, destinations).
    pub report: ImportReport,
}

/// The recipients a campaign takes from audiences.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AudienceSelection {
    pub recipients: u64,
    /// Numbers of the included audiences found in an excluded one.
    pub excluded: u64,
    /// Numbers in more than one included audience, counted once.
    pub in_several: u64,
    pub columns: Vec<FieldName>,
}

impl App {
    /// Imports a CSV into the audience `name`: `Create` refuses a name in use, `Replace` makes
    /// the file the whole audience, `Merge` adds its numbers and updates those already there.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0))]
    pub async fn import_audience<R>(
        &self,
        who: Requester,
        name: &str,
        input: R,
        mode: ImportMode,
        options: ImportOptions,
    ) -> Result<AudienceImport, AppError>
    where
        R: Read + Send + 'static,
    {
        let name = AudienceName::parse(name).map_err(AudienceError::from)?;
        let (account, _) = self.account(who.account).await?;
        let existing = self.store.audience_named(who.account, &name).await?;
        if existing.is_some() && mode == ImportMode::Create {
            return Err(AudienceError::NameTaken {
                name: name.to_string(),
            }
            .into());
        }
        let opted_out = self.store.opted_out(who.account).await?;
        let classifier =
            RecipientClassifier::with_options(account.region, opted_out, options.keep_not_mobile);
        let now = self.now();
        let file_list = self.store.new_recipient_list(who.account, now).await?;
        let report = match self.fill_list(file_list, classifier, input).await {
            Ok(report) if report.imported > 0 => report,
            Ok(report) => {
                self.discard_list(file_list).await;
                return Err(AppError::NoRecipients(Box::new(report)));
            }
            Err(e) => {
                self.discard_list(file_list).await;
                return Err(e);
            }
        };
        let mut summary = ImportSummary::of_file(&format!("{mode:?}").to_lowercase(), &report);
        let (list, recipients) = match (&existing, mode) {
            (Some(old), ImportMode::Merge) => {
                let merged = self.merge_lists(who.account, old.list, file_list).await;
                self.discard_list(file_list).await;
                let merged = merged?;
                summary.added = merged.added;
                summary.updated = merged.updated;
                (merged.list, merged.count)
            }
            _ => (file_list, report.imported),
        };
        let stored = serde_json::to_string(&summary).map_err(AppError::internal)?;
        let origin = ListOrigin::Audience {
            name: name.to_string(),
            import: summary.clone(),
        };
        if let Err(e) = self.keep_list_origin(list, &origin).await {
            self.discard_list(list).await;
            return Err(e);
        }
        let write = AudienceWrite {
            account: who.account,
            name: &name,
            list,
            recipients,
            report: &stored,
            by: who.user,
            now,
        };
        let saved = match &existing {
            None => self.store.create_audience(write).await?.is_some(),
            Some(old) => {
                self.store
                    .replace_audience_list(old.id, old.list, write)
                    .await?
            }
        };
        if !saved {
            self.discard_list(list).await;
            // Another import of the same name won the race.
            return Err(AudienceError::NameTaken {
                name: name.to_string(),
            }
            .into());
        }
        self.prune_recipient_lists().await;
        let audience = self.audience_view(who.account, &name).await?;
        Ok(AudienceImport { audience, report })
    }

    /// The account's audiences by name.
    pub async fn audiences(&self, account: AccountId) -> Result<Vec<AudienceView>, AppError> {
        let mut views = Vec::new();
        for record in self.store.audiences(account).await? {
            views.push(self.view_of(record).await?);
        }
        Ok(views)
    }

    pub async fn audience(&self, account: AccountId, name: &str) -> Result<AudienceView, AppError> {
        let name = AudienceName::parse(name).map_err(AudienceError::from)?;
        self.audience_view(account, &name).await
    }

    /// Deletes an audience; versions confirmed from it keep their own frozen list, and drafts
    /// using it are told at their next finalize.
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0))]
    pub async fn delete_audience(&self, who: Requester, name: &str) -> Result<(), AppError> {
        let name = AudienceName::parse(name).map_err(AudienceError::from)?;
        let record = self.audience_record(who.account, &name).await?;
        self.store.delete_audience(who.account, record.id).await?;
        self.prune_recipient_lists().await;
        Ok(())
    }

    /// Makes the campaign take its recipients from `include` but `exclude` (audience names).
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0, campaign = campaign))]
    pub async fn use_audiences(
        &self,
        who: Requester,
        campaign: &str,
        include: &[&str],
        exclude: &[&str],
    ) -> Result<AudienceSelection, AppError> {
        let parse = |names: &[&str]| -> Result<Vec<AudienceName>, AppError> {
            names
                .iter()
                .map(|n| AudienceName::parse(n).map_err(|e| AudienceError::from(e).into()))
                .collect()
        };
        let (include, exclude) = (parse(include)?, parse(exclude)?);
        check_choice(&include, &exclude)?;
        let mut choice = AudienceChoice {
            include: Vec::new(),
            exclude: Vec::new(),
        };
        // An audience named twice ("clients, Clients") counts once.
        for name in &include {
            let id = self.audience_record(who.account, name).await?.id;
            if !choice.include.contains(&id) {
                choice.include.push(id);
            }
        }
        for name in &exclude {
            let id = self.audience_record(who.account, name).await?.id;
            if !choice.exclude.contains(&id) {
                choice.exclude.push(id);
            }
        }
        // Refused before any list is written when the campaign can't take recipients.
        self.campaign_named(who.account, campaign)
            .await?
            .edit_draft(DraftEdit::default(), self.now())?;
        let (list, selection) = self.resolve_audiences(who.account, &choice).await?;
        let edit = DraftEdit {
            recipients: Some(list),
            audiences: Some(choice),
            ..DraftEdit::default()
        };
        self.change_campaign(who, campaign, move |c, now| c.edit_draft(edit.clone(), now))
            .await?;
        self.prune_recipient_lists().await;
        Ok(selection)
    }

    /// A draft taking its recipients from audiences gets their list as it is now.
    pub(super) async fn refresh_audience_list(
        &self,
        who: Requester,
        campaign: &str,
    ) -> Result<(), AppError> {
        let found = self.campaign_named(who.account, campaign).await?;
        // A submitted campaign keeps its list; finalize says why it can't go on.
        if !matches!(
            found.state,
            CampaignState::Draft | CampaignState::AwaitingConfirmation
        ) {
            return Ok(());
        }
        let draft = found.draft;
        let Some(choice) = draft.audiences else {
            return Ok(());
        };
        let single = choice.include.len() == 1 && choice.exclude.is_empty();
        if single {
            let record = self.audience_by_id(who.account, choice.include[0]).await?;
            if draft.recipients.map(|l| l.id) == Some(record.list) {
                return Ok(());
            }
        }
        let (list, _) = self.resolve_audiences(who.account, &choice).await?;
        let edit = DraftEdit {
            recipients: Some(list),
            audiences: Some(choice),
            ..DraftEdit::default()
        };
        self.change_campaign(who, campaign, move |c, now| c.edit_draft(edit.clone(), now))
            .await?;
        self.prune_recipient_lists().await;
        Ok(())
    }

    /// The list of a choice: an audience's own (frozen) list when it is taken alone, else a
    /// new list with each number once, in audience order, without the excluded.
    async fn resolve_audiences(
        &self,
        account: AccountId,
        choice: &AudienceChoice,
    ) -> Result<(RecipientList, AudienceSelection), AppError> {
        let mut included = Vec::new();
        for id in &choice.include {
            included.push(self.audience_by_id(account, *id).await?);
        }
        let mut columns = ListColumns::default();
        for record in &included {
            columns = columns.union(&self.store.list_columns(record.list).await?);
        }
        if let ([only], true) = (included.as_slice(), choice.exclude.is_empty()) {
            let selection = AudienceSelection {
                recipients: only.recipients,
                excluded: 0,
                in_several: 0,
                columns: columns.names().to_vec(),
            };
            let list = RecipientList {
                id: only.list,
                count: only.recipients,
            };
            return Ok((list, selection));
        }
        let mut excluded_numbers = NumberSet::default();
        for id in &choice.exclude {
            let record = self.audience_by_id(account, *id).await?;
            self.for_each_recipient(record.list, |r| {
                excluded_numbers.insert(r.phone.as_e164());
            })
            .await?;
        }
        let list = self.store.new_recipient_list(account, self.now()).await?;
        let mut writer = ListWriter::new(list, columns.clone());
        let mut seen = NumberSet::default();
        let mut selection = AudienceSelection {
            recipients: 0,
            excluded: 0,
            in_several: 0,
            columns: columns.names().to_vec(),
        };
        for record in &included {
            let mapping = self
                .store
                .list_columns(record.list)
                .await?
                .mapping_to(&columns);
            let mut after = -1;
            loop {
                let page = self.store.recipients(record.list, after, PAGE).await?;
                let Some((last, _)) = page.last() else { break };
                after = *last;
                for (_, mut r) in page {
                    if excluded_numbers.contains(r.phone.as_e164()) {
                        selection.excluded += 1;
                        continue;
                    }
                    if !seen.insert(r.phone.as_e164()) {
                        selection.in_several += 1;
                        continue;
                    }
                    r.fields = remap_values(r.fields.as_deref(), &mapping, None);
                    writer.push(r);
                }
                if let Err(e) = writer.flush(self).await {
                    self.discard_list(list).await;
                    return Err(e);
                }
            }
        }
        let count = writer.finish(self).await?;
        if count == 0 {
            self.discard_list(list).await;
            return Err(AudienceError::Empty.into());
        }
        selection.recipients = count;
        let mut excluded = Vec::new();
        for id in &choice.exclude {
            excluded.push(self.audience_by_id(account, *id).await?.name.to_string());
        }
        let origin = ListOrigin::Audiences {
            included: included
                .iter()
                .map(|r| (r.name.to_string(), r.recipients))
                .collect(),
            excluded,
            excluded_numbers: selection.excluded,
            in_several: selection.in_several,
        };
        if let Err(e) = self.keep_list_origin(list, &origin).await {
            self.discard_list(list).await;
            return Err(e);
        }
        Ok((RecipientList { id: list, count }, selection))
    }

    /// A new list: the file's numbers (with the values the audience had for columns the file
    /// lacks or leaves empty), then the audience's numbers the file does not have.
    async fn merge_lists(
        &self,
        account: AccountId,
        old: ListId,
        file: ListId,
    ) -> Result<Merged, AppError> {
        let old_columns = self.store.list_columns(old).await?;
        let file_columns = self.store.list_columns(file).await?;
        let columns = old_columns.union(&file_columns);
        let (old_mapping, file_mapping) = (
            old_columns.mapping_to(&columns),
            file_columns.mapping_to(&columns),
        );
        let mut old_values: HashMap<String, Option<String>> = HashMap::new();
        self.for_each_recipient(old, |r| {
            old_values.insert(r.phone.as_e164().to_owned(), r.fields);
        })
        .await?;
        let list = self.store.new_recipient_list(account, self.now()).await?;
        let mut writer = ListWriter::new(list, columns);
        let mut in_file = NumberSet::default();
        let (mut added, mut updated) = (0, 0);
        let mut after = -1;
        loop {
            let page = self.store.recipients(file, after, PAGE).await?;
            let Some((last, _)) = page.last() else { break };
            after = *last;
            for (_, mut r) in page {
                in_file.insert(r.phone.as_e164());
                r.fields = match old_values.get(r.phone.as_e164()) {
                    Some(before) => {
                        updated += 1;
                        let newer = r.fields.as_deref().map(|f| (f, file_mapping.as_slice()));
                        remap_values(before.as_deref(), &old_mapping, newer)
                    }
                    None => {
                        added += 1;
                        remap_values(r.fields.as_deref(), &file_mapping, None)
                    }
                };
                writer.push(r);
            }
            if let Err(e) = writer.flush(self).await {
                self.discard_list(list).await;
                return Err(e);
            }
        }
        drop(old_values);
        let mut after = -1;
        loop {
            let page = self.store.recipients(old, after, PAGE).await?;
            let Some((last, _)) = page.last() else { break };
            after = *last;
            for (_, mut r) in page {
                if in_file.contains(r.phone.as_e164()) {
                    continue;
                }
                r.fields = remap_values(r.fields.as_deref(), &old_mapping, None);
                writer.push(r);
            }
            if let Err(e) = writer.flush(self).await {
                self.discard_list(list).await;
                return Err(e);
            }
        }
        let count = writer.finish(self).await?;
        Ok(Merged {
            list,
            count,
            added,
            updated,
        })
    }

    async fn for_each_recipient(
        &self,
        list: ListId,
        mut visit: impl FnMut(Recipient),
    ) -> Result<(), AppError> {
        let mut after = -1;
        loop {
            let page = self.store.recipients(list, after, PAGE).await?;
            let Some((last, _)) = page.last() else { break };
            after = *last;
            page.into_iter().for_each(|(_, r)| visit(r));
        }
        Ok(())
    }

    /// Keeps where a list came from, for the moderators' review.
    pub(super) async fn keep_list_origin(
        &self,
        list: ListId,
        origin: &ListOrigin,
    ) -> Result<(), AppError> {
        let stored = serde_json::to_string(origin).map_err(AppError::internal)?;
        Ok(self.store.set_list_origin(list, &stored).await?)
    }

    async fn audience_record(
        &self,
        account: AccountId,
        name: &AudienceName,
    ) -> Result<AudienceRecord, AppError> {
        self.store
            .audience_named(account, name)
            .await?
            .ok_or_else(|| {
                AudienceError::NotFound {
                    name: name.to_string(),
                }
                .into()
            })
    }

    async fn audience_by_id(
        &self,
        account: AccountId,
        id: AudienceId,
    ) -> Result<AudienceRecord, AppError> {
        self.store
            .audience(account, id)
            .await?
            .ok_or_else(|| AudienceError::Deleted { id }.into())
    }

    async fn audience_view(
        &self,
        account: AccountId,
        name: &AudienceName,
    ) -> Result<AudienceView, AppError> {
        let record = self.audience_record(account, name).await?;
        self.view_of(record).await
    }

    async fn view_of(&self, record: AudienceRecord) -> Result<AudienceView, AppError> {
        let columns = self.store.list_columns(record.list).await?;
        let last_import = serde_json::from_str(&record.report).unwrap_or_else(|e| {
            tracing::warn!(audience = record.id.0, error = %e, "an audience's import report can't be read");
            ImportSummary::default()
        });
        Ok(AudienceView {
            name: record.name,
            recipients: record.recipients,
            columns: columns.names().to_vec(),
            imported_by: record.imported_by,
            imported_at: record.imported_at,
            created_at: record.created_at,
            last_import,
        })
    }
}

struct Merged {
    list: ListId,
    count: u64,
    added: u64,
    updated: u64,
}

/// Writes a new list in batches, counting its destinations.
struct ListWriter {
    list: ListId,
    columns: ListColumns,
    batch: Vec<Recipient>,
    written: u64,
    destinations: HashMap<Destination, u64>,
}

impl ListWriter {
    fn new(list: ListId, columns: ListColumns) -> ListWriter {
        ListWriter {
            list,
            columns,
            batch: Vec::new(),
            written: 0,
            destinations: HashMap::new(),
        }
    }

    fn push(&mut self, r: Recipient) {
        *self.destinations.entry(r.destination).or_default() += 1;
        self.batch.push(r);
    }

    async fn flush(&mut self, app: &App) -> Result<(), AppError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        app.store
            .append_recipients(self.list, self.written, &self.batch)
            .await?;
        self.written += self.batch.len() as u64;
        self.batch.clear();
        Ok(())
    }

    async fn finish(mut self, app: &App) -> Result<u64, AppError> {
        self.flush(app).await?;
        let mut counts: Vec<(Destination, u64)> = self.destinations.into_iter().collect();
        counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        app.store.set_list_destinations(self.list, &counts).await?;
        app.store.set_list_columns(self.list, &self.columns).await?;
        Ok(self.written)
    }
}
