//! Erasing a person's data by number, where the law asks for it: what the account keeps about
//! the number goes, only anonymous counts stay (and the opt-out entry, which is what keeps
//! the number from being sent to again).
use serde::Serialize;

use crate::domain::effects::{Actor, AuditAction, AuditEntry};
use crate::domain::ids::AccountId;
use crate::domain::opt_out::OptOutEntry;
use crate::store::{ContactData, Erased};

use super::{App, AppError};

/// What an account keeps about a number, for the person's access right: one JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactExport {
    pub number: String,
    pub opt_out: Option<OptOutEntry>,
    #[serde(flatten)]
    pub data: ContactData,
}

impl ContactExport {
    /// Nothing is kept about the number.
    pub fn is_empty(&self) -> bool {
        self.opt_out.is_none() && self.data == ContactData::default()
    }
}

impl App {
    /// Everything the account keeps about a number: list entries and values, messages,
    /// replies, the team's answers, the opt-out entry.
    #[tracing::instrument(skip_all, fields(server = account.0))]
    pub async fn export_contact(
        &self,
        account: AccountId,
        number: &str,
        by: Actor,
    ) -> Result<ContactExport, AppError> {
        let phone = self.read_number(account, number).await?;
        let audit = AuditEntry {
            account,
            campaign: None,
            actor: by,
            action: AuditAction::ContactExported,
            detail: String::new(),
        };
        Ok(ContactExport {
            number: phone.as_e164().to_owned(),
            opt_out: self.store.opt_out_entry(account, &phone).await?,
            data: self
                .store
                .contact_data(account, &phone, &audit, self.now())
                .await?,
        })
    }

    #[tracing::instrument(skip_all, fields(server = account.0))]
    pub async fn erase_contact(
        &self,
        account: AccountId,
        number: &str,
        by: Actor,
    ) -> Result<Erased, AppError> {
        let phone = self.read_number(account, number).await?;
        let audit = AuditEntry {
            account,
            campaign: None,
            actor: by,
            action: AuditAction::ContactErased,
            detail: String::new(),
        };
        let erased = self
            .store
            .erase_contact(account, &phone, &audit, self.now())
            .await?;
        tracing::debug!(messages = erased.messages, "a number's data erased");
        Ok(erased)
    }
}
