//! An account: one Discord server and its sending settings.
use super::ids::RoleId;
use super::ids::{AccountId, ChannelId};
use super::phone::Region;
use super::sender::{SenderId, SenderRule, ShortCode};
use super::short_links::LinkExpiry;
use super::window::SendingPolicy;
use super::zone::Zone;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    /// Trusted accounts skip moderation: their confirmed submissions are approved at once.
    pub auto_validation: bool,
    /// Region national numbers in recipient lists are read in.
    pub region: Region,
    /// Zone scheduled sends default to.
    pub zone: Zone,
    pub sender: Option<SenderId>,
    /// The opt-out mention every body should carry, such as "STOP au 36180".
    pub opt_out_text: Option<String>,
    /// The Discord role allowed to send, schedule and cancel (besides server managers).
    pub send_role: Option<RoleId>,
    /// When its messages may reach phones: France's rule, lifted for the countries it chose.
    pub sending_policy: SendingPolicy,
    /// The French short code it declared: the only numeric sender it may use.
    pub short_code: Option<ShortCode>,
    /// How long its short links keep redirecting after their message was sent.
    pub link_expiry: LinkExpiry,
    /// Where messages phones send back are posted, one thread per number.
    pub replies_channel: Option<ChannelId>,
}

impl Account {
    /// A server's account as first seen: French defaults, no sender, moderated.
    pub fn new(id: AccountId, name: &str) -> Account {
        Account {
            id,
            name: name.to_owned(),
            auto_validation: false,
            region: "FR".parse().expect("FR is a region"),
            zone: super::zone::Zone::parse("Europe/Paris").expect("Europe/Paris is a zone"),
            sender: None,
            opt_out_text: None,
            send_role: None,
            sending_policy: SendingPolicy::french(),
            short_code: None,
            link_expiry: LinkExpiry::DEFAULT,
            replies_channel: None,
        }
    }
}

/// A change of settings; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountSettings {
    pub name: Option<String>,
    pub auto_validation: Option<bool>,
    pub region: Option<Region>,
    pub zone: Option<Zone>,
    pub sender: Option<SenderId>,
    pub opt_out_text: Option<String>,
    pub send_role: Option<RoleId>,
    pub short_code: Option<ShortCode>,
    pub sending_policy: Option<SendingPolicy>,
    pub link_expiry: Option<LinkExpiry>,
    pub replies_channel: Option<ChannelId>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountSettingsError {
    /// A new sender must follow the French operators' rules.
    #[error("\"{sender}\" can't be the sender: {rule}")]
    Sender { sender: SenderId, rule: SenderRule },
    #[error(
        "the opt-out mention is too long ({0} characters): keep it to 40 at most, such as \"STOP au 36180\""
    )]
    OptOutTooLong(usize),
    #[error("the account name can't be empty")]
    EmptyName,
}

impl Account {
    pub fn with_settings(
        &self,
        settings: AccountSettings,
    ) -> Result<Account, AccountSettingsError> {
        let mut next = self.clone();
        if let Some(name) = settings.name {
            let name = name.trim();
            if name.is_empty() {
                return Err(AccountSettingsError::EmptyName);
            }
            next.name = name.to_owned();
        }
        if let Some(flag) = settings.auto_validation {
            next.auto_validation = flag;
        }
        if let Some(region) = settings.region {
            next.region = region;
        }
        if let Some(zone) = settings.zone {
            next.zone = zone;
        }
        if let Some(code) = settings.short_code {
            next.short_code = Some(code);
        }
        if let Some(channel) = settings.replies_channel {
            next.replies_channel = Some(channel);
        }
        if let Some(expiry) = settings.link_expiry {
            next.link_expiry = expiry;
        }
        if let Some(policy) = settings.sending_policy {
            next.sending_policy = policy;
        }
        if let Some(sender) = settings.sender {
            if let Some(rule) = sender.french_rule_broken(next.short_code.as_ref()) {
                return Err(AccountSettingsError::Sender { sender, rule });
            }
            next.sender = Some(sender);
        }
        if let Some(role) = settings.send_role {
            next.send_role = Some(role);
        }
        if let Some(text) = settings.opt_out_text {
            let text = text.trim();
            let chars = text.chars().count();
            if chars > 40 {
                return Err(AccountSettingsError::OptOutTooLong(chars));
            }
            next.opt_out_text = (!text.is_empty()).then(|| text.to_owned());
        }
        Ok(next)
    }
}
