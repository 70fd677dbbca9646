//! Erasing a person's data by number, where the law asks for it: what the account keeps about
//! the number goes, only anonymous counts stay (and the opt-out entry, which is what keeps
//! the number from being sent to again).
use crate::domain::effects::{Actor, AuditAction, AuditEntry};
use crate::domain::ids::AccountId;
use crate::store::Erased;

use super::{App, AppError};

impl App {
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
