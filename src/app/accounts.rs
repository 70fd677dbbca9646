//! Accounts: settings, credit and the ledger.
use crate::domain::account::{Account, AccountSettings};
use crate::domain::credits::{Balance, LedgerEntry, LedgerKind, TopUp, credit_reason};
use crate::domain::effects::{Actor, AuditAction, AuditEntry, Effect};
use crate::domain::ids::AccountId;
use crate::domain::phone::Region;
use crate::domain::window::SendingPolicy;

use super::{App, AppError, CreditsView};
use crate::store::UserSetting;

/// Keeps every balance far inside both databases' 64-bit integers.
pub const MAX_BALANCE: u64 = 1_000_000_000_000_000;

impl App {
    /// The server's account, created with defaults the first time it is seen.
    #[tracing::instrument(skip_all, fields(server = id.0))]
    pub async fn ensure_account(
        &self,
        id: AccountId,
        name: &str,
    ) -> Result<(Account, Balance), AppError> {
        if let Some(found) = self.store.account(id).await? {
            return Ok(found);
        }
        self.store
            .create_account(&Account::new(id, name), self.now())
            .await?;
        self.store
            .account(id)
            .await?
            .ok_or_else(|| AppError::internal("account vanished after creation"))
    }

    #[tracing::instrument(skip_all, level = "debug", fields(server = id.0))]
    pub async fn account(&self, id: AccountId) -> Result<(Account, Balance), AppError> {
        self.store
            .account(id)
            .await?
            .ok_or(AppError::UnknownAccount)
    }

    #[tracing::instrument(skip_all, fields(server = id.0))]
    pub async fn change_settings(
        &self,
        id: AccountId,
        settings: AccountSettings,
        actor: Actor,
    ) -> Result<Account, AppError> {
        let (account, _) = self.account(id).await?;
        let updated = account.with_settings(settings)?;
        let audit = AuditEntry {
            account: id,
            campaign: None,
            actor,
            action: AuditAction::SettingsChanged,
            detail: settings_detail(&account, &updated),
        };
        self.store
            .update_account(&updated, &audit, self.now())
            .await?;
        Ok(updated)
    }

    /// Adds credit; `reason` is kept in the ledger and the audit log.
    #[tracing::instrument(skip_all, fields(server = id.0))]
    pub async fn credit(
        &self,
        id: AccountId,
        amount: TopUp,
        reason: &str,
        actor: Actor,
    ) -> Result<Balance, AppError> {
        let reason = credit_reason(reason)?;
        let (_, balance) = self.account(id).await?;
        let amount = amount.credits();
        if balance
            .available
            .0
            .saturating_add(balance.reserved.0)
            .saturating_add(amount.0)
            > MAX_BALANCE
        {
            return Err(AppError::BalanceTooLarge { max: MAX_BALANCE });
        }
        let effects = [
            Effect::Ledger(LedgerEntry {
                kind: LedgerKind::Credit,
                amount,
                campaign: None,
                reason: reason.clone(),
            }),
            Effect::Audit(AuditEntry {
                account: id,
                campaign: None,
                actor,
                action: AuditAction::Credited,
                detail: format!("+{amount}: {}", reason.unwrap_or_default()),
            }),
        ];
        Ok(self
            .store
            .apply_account_effects(id, &effects, self.now())
            .await?)
    }

    /// Lifts the sending window for a foreign country (`lifted`), or puts it back. France and
    /// its territories keep theirs. Audited like every setting.
    #[tracing::instrument(skip_all, fields(server = id.0))]
    pub async fn set_window(
        &self,
        id: AccountId,
        country: &str,
        lifted: bool,
        actor: Actor,
    ) -> Result<Account, AppError> {
        let country: Region = country.parse()?;
        let (account, _) = self.account(id).await?;
        let mut regions: Vec<Region> = account
            .sending_policy
            .unrestricted()
            .filter_map(|c| c.parse().ok())
            .filter(|r| *r != country)
            .collect();
        if lifted {
            regions.push(country);
        }
        let policy = SendingPolicy::without_window_in(regions)?;
        let settings = AccountSettings {
            sending_policy: Some(policy),
            ..AccountSettings::default()
        };
        self.change_settings(id, settings, actor).await
    }

    #[tracing::instrument(skip_all, fields(server = id.0))]
    pub async fn credits(&self, id: AccountId, lines: u32) -> Result<CreditsView, AppError> {
        let (_, balance) = self.account(id).await?;
        let ledger = self.store.ledger_lines(id, None, lines).await?;
        Ok(CreditsView { balance, ledger })
    }
}

fn settings_detail(before: &Account, after: &Account) -> String {
    let mut changes = Vec::new();
    if before.name != after.name {
        changes.push(format!("name: {} -> {}", before.name, after.name));
    }
    if before.auto_validation != after.auto_validation {
        changes.push(format!(
            "auto-validation: {} -> {}",
            before.auto_validation, after.auto_validation
        ));
    }
    if before.region != after.region {
        changes.push(format!("region: {} -> {}", before.region, after.region));
    }
    if before.zone != after.zone {
        changes.push(format!(
            "zone: {} -> {}",
            before.zone.name(),
            after.zone.name()
        ));
    }
    if before.sender != after.sender {
        changes.push(format!(
            "sender: {:?} -> {:?}",
            before.sender.as_ref().map(|s| s.as_str()),
            after.sender.as_ref().map(|s| s.as_str())
        ));
    }
    if before.opt_out_text != after.opt_out_text {
        changes.push(format!(
            "opt-out text: {:?} -> {:?}",
            before.opt_out_text, after.opt_out_text
        ));
    }
    if before.short_code != after.short_code {
        changes.push(format!(
            "short code: {:?} -> {:?}",
            before.short_code.as_ref().map(|c| c.as_str()),
            after.short_code.as_ref().map(|c| c.as_str())
        ));
    }
    if before.replies_channel != after.replies_channel {
        changes.push(format!(
            "replies channel: {:?} -> {:?}",
            before.replies_channel.map(|c| c.0),
            after.replies_channel.map(|c| c.0)
        ));
    }
    if before.link_expiry != after.link_expiry {
        changes.push(format!(
            "links expire after: {} -> {} days",
            before.link_expiry.as_days(),
            after.link_expiry.as_days()
        ));
    }
    if before.sending_policy != after.sending_policy {
        let list = |p: &crate::domain::window::SendingPolicy| {
            p.unrestricted().collect::<Vec<_>>().join(", ")
        };
        changes.push(format!(
            "no sending window for: [{}] -> [{}]",
            list(&before.sending_policy),
            list(&after.sending_policy)
        ));
    }
    if changes.is_empty() {
        "no change".to_owned()
    } else {
        changes.join("; ")
    }
}

impl App {
    /// The zone a user saved for scheduling, if any.
    #[tracing::instrument(skip_all, level = "debug", fields(user = user.0))]
    pub async fn user_zone(
        &self,
        user: crate::domain::ids::UserId,
    ) -> Result<Option<crate::domain::zone::Zone>, AppError> {
        let saved = self.store.user_setting(user, UserSetting::Zone).await?;
        Ok(saved.and_then(|z| crate::domain::zone::Zone::parse(&z).ok()))
    }

    /// The language the user last used with the bot ("fr", "en-US"…), for notifications.
    #[tracing::instrument(skip_all, level = "debug", fields(user = user.0))]
    pub async fn user_locale(
        &self,
        user: crate::domain::ids::UserId,
    ) -> Result<Option<String>, AppError> {
        Ok(self.store.user_setting(user, UserSetting::Locale).await?)
    }

    /// Remembers the user's language; written only when it changed.
    #[tracing::instrument(skip_all, fields(user = user.0))]
    pub async fn remember_locale(
        &self,
        user: crate::domain::ids::UserId,
        locale: &str,
    ) -> Result<(), AppError> {
        let locale: String = locale.chars().take(16).collect();
        if self
            .store
            .user_setting(user, UserSetting::Locale)
            .await?
            .as_deref()
            != Some(locale.as_str())
        {
            self.store
                .set_user_setting(user, UserSetting::Locale, &locale, self.now())
                .await?;
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user = user.0))]
    pub async fn set_user_zone(
        &self,
        user: crate::domain::ids::UserId,
        zone: &str,
    ) -> Result<crate::domain::zone::Zone, AppError> {
        let zone = crate::domain::zone::Zone::parse(zone)?;
        self.store
            .set_user_setting(user, UserSetting::Zone, zone.name(), self.now())
            .await?;
        Ok(zone)
    }
}
