//! An account's opt-out (suppression) list: numbers added by hand or imported from another
//! tool, checked, taken off (a STOP only with a reason); STOP replies arrive in `people.rs`.
use std::io::{Read, Write};

use chrono::SecondsFormat;

use crate::domain::effects::{Actor, AuditAction, AuditEntry};
use crate::domain::ids::AccountId;
use crate::domain::opt_out::{OptOutEntry, OptOutReason, OptOutRemovalError, check_removal};
use crate::domain::phone::PhoneNumber;
use crate::domain::recipients::{ImportReport, RecipientClassifier};

use super::import::CsvBatches;
use super::{App, AppError};

/// Numbers written per statement batch while importing a list.
const BATCH: usize = 5_000;

impl App {
    /// Adds a number to the account's opt-out list by hand (audited); it is skipped by every
    /// later import, campaign start and retry. Already listed: its entry stays as it was.
    #[tracing::instrument(skip_all, fields(server = account.0))]
    pub async fn opt_out(
        &self,
        account: AccountId,
        number: &str,
        by: Actor,
    ) -> Result<OptOutEntry, AppError> {
        let phone = self.read_number(account, number).await?;
        let audit = AuditEntry {
            account,
            campaign: None,
            actor: by.clone(),
            action: AuditAction::OptOutAdded,
            detail: phone.as_e164().to_owned(),
        };
        let now = self.now();
        self.store
            .add_opt_out(
                account,
                &phone,
                OptOutReason::Manual,
                Some(&by),
                Some(&audit),
                now,
            )
            .await?;
        self.store
            .opt_out_entry(account, &phone)
            .await?
            .ok_or_else(|| {
                crate::store::StoreError::Corrupt("an opt-out just written is missing".into())
                    .into()
            })
    }

    /// The number's entry on the account's opt-out list, if any.
    #[tracing::instrument(skip_all, fields(server = account.0))]
    pub async fn opt_out_entry(
        &self,
        account: AccountId,
        number: &str,
    ) -> Result<Option<OptOutEntry>, AppError> {
        let phone = self.read_number(account, number).await?;
        Ok(self.store.opt_out_entry(account, &phone).await?)
    }

    /// Takes a number off the opt-out list (audited, with the reason); a number that opted
    /// out by STOP needs one.
    #[tracing::instrument(skip_all, fields(server = account.0))]
    pub async fn remove_opt_out(
        &self,
        account: AccountId,
        number: &str,
        reason: Option<&str>,
        by: Actor,
    ) -> Result<OptOutEntry, AppError> {
        let phone = self.read_number(account, number).await?;
        let entry = self
            .store
            .opt_out_entry(account, &phone)
            .await?
            .ok_or_else(|| OptOutRemovalError::NotListed(phone.clone()))?;
        check_removal(&entry, reason)?;
        let audit = AuditEntry {
            account,
            campaign: None,
            actor: by,
            action: AuditAction::OptOutRemoved,
            detail: match reason.map(str::trim).filter(|r| !r.is_empty()) {
                Some(reason) => {
                    format!("{} ({}): {reason}", phone.as_e164(), entry.reason.as_str())
                }
                None => format!("{} ({})", phone.as_e164(), entry.reason.as_str()),
            },
        };
        if !self
            .store
            .remove_opt_out(account, &phone, &audit, self.now())
            .await?
        {
            return Err(OptOutRemovalError::NotListed(phone).into());
        }
        Ok(entry)
    }

    pub(super) async fn read_number(
        &self,
        account: AccountId,
        number: &str,
    ) -> Result<PhoneNumber, AppError> {
        let (acc, _) = self.account(account).await?;
        Ok(PhoneNumber::parse(number, acc.region)?)
    }

    /// One page of the list in number order, after `after` (a number in E.164); with
    /// `search`, only numbers holding its digits (spaces and dots in it are ignored).
    #[tracing::instrument(skip_all, fields(server = account.0))]
    pub async fn opt_out_page(
        &self,
        account: AccountId,
        search: Option<&str>,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<OptOutEntry>, AppError> {
        self.account(account).await?;
        let digits = search
            .map(PhoneNumber::search_digits)
            .filter(|d| !d.is_empty());
        Ok(self
            .store
            .opt_out_entries(account, digits.as_deref(), after, limit.clamp(1, 10_000))
            .await?)
    }

    /// Writes the whole list as CSV (`phone,reason,since,added_by`, codes a spreadsheet or
    /// another tool reads), a page at a time; returns how many numbers were written.
    #[tracing::instrument(skip_all, fields(server = account.0))]
    pub async fn export_opt_outs<W: Write>(
        &self,
        account: AccountId,
        out: W,
    ) -> Result<u64, AppError> {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(["phone", "reason", "since", "added_by"])
            .map_err(AppError::internal)?;
        let mut after: Option<String> = None;
        let mut written = 0;
        loop {
            let page = self
                .opt_out_page(account, None, after.as_deref(), 5_000)
                .await?;
            let Some(last) = page.last() else { break };
            after = Some(last.phone.as_e164().to_owned());
            for entry in &page {
                csv.write_record([
                    entry.phone.as_e164(),
                    entry.reason.as_str(),
                    &entry.since.to_rfc3339_opts(SecondsFormat::Secs, true),
                    &entry.by.as_ref().map(Actor::code).unwrap_or_default(),
                ])
                .map_err(AppError::internal)?;
                written += 1;
            }
        }
        csv.flush().map_err(AppError::internal)?;
        Ok(written)
    }

    /// Imports another tool's opt-out list (a CSV with a phone column): every valid number
    /// joins the list as "imported"; numbers already on it, repeated or invalid are reported
    /// with their lines. The valid ones are kept even when others are invalid: a list of people
    /// who asked not to be contacted is never safer half-refused.
    #[tracing::instrument(skip_all, fields(server = account.0))]
    pub async fn import_opt_outs<R>(
        &self,
        account: AccountId,
        input: R,
        by: Actor,
    ) -> Result<ImportReport, AppError>
    where
        R: Read + Send + 'static,
    {
        let (acc, _) = self.account(account).await?;
        let listed = self.store.opted_out(account).await?;
        // Landlines and the like are suppressed too: any valid number may be listed.
        let classifier = RecipientClassifier::with_options(acc.region, listed, true);
        let now = self.now();
        let mut batches = CsvBatches::start(input, classifier, BATCH);
        let mut write_error = None;
        while let Some(rows) = batches.next().await {
            let phones: Vec<PhoneNumber> = rows.into_iter().map(|r| r.phone).collect();
            let written =
                self.store
                    .add_opt_outs(account, &phones, OptOutReason::Imported, &by, now);
            if let Err(e) = written.await {
                write_error = Some(e.into());
                break;
            }
        }
        let report = batches.finish(write_error).await?;
        let audit = AuditEntry {
            account,
            campaign: None,
            actor: by,
            action: AuditAction::OptOutAdded,
            detail: format!("{} imported", report.imported),
        };
        self.store
            .apply_account_effects(
                account,
                &[crate::domain::effects::Effect::Audit(audit)],
                now,
            )
            .await?;
        Ok(report)
    }
}
