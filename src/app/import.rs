//! Importing a recipient list from CSV: streamed from the file into a new list, which the
//! draft points at only once the whole file was read. A failed import leaves the draft as it was.
use std::collections::HashMap;
use std::io::Read;

use tokio::sync::mpsc;

use crate::domain::audience::{ImportSummary, ListOrigin};
use crate::domain::campaign::{CampaignError, CampaignState, DraftEdit, RecipientList};
use crate::domain::ids::ListId;
use crate::domain::personal::ListColumns;
use crate::domain::recipients::{ImportReport, Recipient, RecipientClassifier};
use crate::domain::window::Destination;

use super::csv_source::{CsvError, SinkClosed, read_recipients};
use super::{App, AppError, Requester};

/// Recipients per batch written to the store: large enough to amortise a transaction, small
/// enough to keep memory flat whatever the file's size.
const BATCH: usize = 10_000;

/// A CSV of numbers read on a blocking thread, its batches handed over as they come.
pub(super) struct CsvBatches {
    rows: mpsc::Receiver<Vec<Recipient>>,
    reader: tokio::task::JoinHandle<Result<ImportReport, CsvError>>,
}

impl CsvBatches {
    pub(super) fn start<R>(input: R, classifier: RecipientClassifier, batch: usize) -> CsvBatches
    where
        R: Read + Send + 'static,
    {
        let (tx, rows) = mpsc::channel::<Vec<Recipient>>(2);
        let reader = tokio::task::spawn_blocking(move || {
            read_recipients(input, classifier, batch, |rows| {
                tx.blocking_send(rows).map_err(|_| SinkClosed)
            })
        });
        CsvBatches { rows, reader }
    }

    pub(super) async fn next(&mut self) -> Option<Vec<Recipient>> {
        self.rows.recv().await
    }

    /// The report once the file is read; `write_error` (a batch that could not be written)
    /// stops the reading and is the answer.
    pub(super) async fn finish(
        self,
        write_error: Option<AppError>,
    ) -> Result<ImportReport, AppError> {
        // Dropping the receiver stops the reader at its next batch.
        drop(self.rows);
        let read = self.reader.await.map_err(AppError::internal)?;
        if let Some(e) = write_error {
            return Err(e);
        }
        Ok(read?)
    }
}

/// Imports of at least this many rows fold SQLite's log into the database before they return
/// (see `settle_bulk_write`); smaller ones leave it to the background checkpoint.
const SETTLE_AFTER_ROWS: u64 = 100_000;

/// How an import treats what it finds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Import valid numbers that can't receive an SMS (landlines, toll-free...) too.
    pub keep_not_mobile: bool,
}

impl App {
    #[tracing::instrument(skip_all, fields(server = who.account.0, user = who.user.0, campaign = name))]
    pub async fn import_recipients<R>(
        &self,
        who: Requester,
        name: &str,
        input: R,
        options: ImportOptions,
    ) -> Result<ImportReport, AppError>
    where
        R: Read + Send + 'static,
    {
        let (account, _) = self.account(who.account).await?;
        let campaign = self.campaign_named(who.account, name).await?;
        // Refuse before reading a byte when the campaign can't take a new list.
        match campaign.state {
            CampaignState::Completed => return Err(CampaignError::AlreadyCompleted.into()),
            CampaignState::Sending => return Err(CampaignError::AlreadySending.into()),
            _ => {}
        }
        let opted_out = self.store.opted_out(who.account).await?;
        let classifier =
            RecipientClassifier::with_options(account.region, opted_out, options.keep_not_mobile);
        let list = self
            .store
            .new_recipient_list(who.account, self.now())
            .await?;
        match self.fill_list(list, classifier, input).await {
            Ok(report) if report.imported > 0 => {
                let origin = ListOrigin::File {
                    import: ImportSummary::of_file("file", &report),
                };
                if let Err(e) = self.keep_list_origin(list, &origin).await {
                    self.discard_list(list).await;
                    return Err(e);
                }
                let edit = DraftEdit {
                    recipients: Some(RecipientList {
                        id: list,
                        count: report.imported,
                    }),
                    ..Default::default()
                };
                match self
                    .change_campaign(who, name, move |c, now| c.edit_draft(edit.clone(), now))
                    .await
                {
                    Ok(_) => {
                        self.prune_recipient_lists().await;
                        Ok(report)
                    }
                    Err(e) => {
                        self.discard_list(list).await;
                        Err(e)
                    }
                }
            }
            Ok(report) => {
                self.discard_list(list).await;
                Err(AppError::NoRecipients(Box::new(report)))
            }
            Err(e) => {
                self.discard_list(list).await;
                Err(e)
            }
        }
    }

    /// Reads the file on a blocking thread and writes its batches as they come.
    pub(super) async fn fill_list<R>(
        &self,
        list: ListId,
        classifier: RecipientClassifier,
        input: R,
    ) -> Result<ImportReport, AppError>
    where
        R: Read + Send + 'static,
    {
        let mut batches = CsvBatches::start(input, classifier, BATCH);
        let mut position = 0u64;
        let mut write_error = None;
        while let Some(rows) = batches.next().await {
            if let Err(e) = self.store.append_recipients(list, position, &rows).await {
                write_error = Some(e.into());
                break;
            }
            position += rows.len() as u64;
        }
        let report = batches.finish(write_error).await?;
        self.store
            .set_list_destinations(list, &report.destinations)
            .await?;
        self.store
            .set_list_columns(list, &ListColumns::new(report.columns.clone()))
            .await?;
        if report.imported >= SETTLE_AFTER_ROWS {
            self.store.settle_bulk_write().await?;
        }
        Ok(report)
    }

    /// How many recipients of a list are in each destination. Lists imported before
    /// destinations were counted are counted once, from their numbers, and remembered.
    pub(super) async fn destinations_of(
        &self,
        list: ListId,
    ) -> Result<Vec<(Destination, u64)>, AppError> {
        if let Some(counted) = self.store.list_destinations(list).await? {
            return Ok(counted);
        }
        let mut counts: HashMap<Destination, u64> = HashMap::new();
        let mut after = -1;
        loop {
            let page = self.store.recipients(list, after, 10_000).await?;
            let Some((last, _)) = page.last() else {
                break;
            };
            after = *last;
            for (_, recipient) in &page {
                *counts.entry(recipient.destination).or_default() += 1;
            }
        }
        let mut counts: Vec<(Destination, u64)> = counts.into_iter().collect();
        counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        self.store.set_list_destinations(list, &counts).await?;
        Ok(counts)
    }

    /// Frees lists nothing points at any more. Only lists older than an hour go, so an import
    /// still being written is never touched; a failure here costs disk space, never data.
    #[tracing::instrument(skip_all, level = "debug")]
    pub async fn prune_recipient_lists(&self) {
        let cutoff = self.now() - chrono::TimeDelta::hours(1);
        match self.store.prune_recipient_lists(cutoff).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(lists = n, "pruned unused recipient lists"),
            Err(e) => tracing::warn!(error = %e, "could not prune unused recipient lists"),
        }
    }

    pub(super) async fn discard_list(&self, list: ListId) {
        if let Err(e) = self.store.drop_recipient_list(list).await {
            tracing::warn!(list = list.0, error = %e, "could not drop an unused recipient list");
        }
    }
}
