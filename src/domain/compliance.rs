//! Pre-checks shown to moderators next to a submission. (stub)
use super::sms::SmsBody;
use super::window::WindowFlag;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ComplianceFlag {
    MissingOptOut { expected: Option<String> },
    LinkShortener { domain: String },
    AllCaps,
    OutsideSendingWindow { detail: String },
    FirstCampaign,
}

impl std::fmt::Display for ComplianceFlag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let _ = f;
        todo!()
    }
}

pub fn precheck(
    body: &SmsBody,
    opt_out_text: Option<&str>,
    window: &[WindowFlag],
    first_campaign: bool,
) -> Vec<ComplianceFlag> {
    let _ = (body, opt_out_text, window, first_campaign);
    todo!()
}
