//! Refusal reasons moderators keep and reuse: a short label to pick it by, and the refusal it
//! makes (its code and the text the owner reads).
use crate::domain::campaign::{CampaignError, Refusal};
use crate::domain::refusal::RefusalCode;

/// 1 to 40 characters, no control character: what the reason is picked by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonLabel(String);

impl ReasonLabel {
    pub const MAX_CHARS: usize = 40;

    pub fn parse(input: &str) -> Result<ReasonLabel, CannedReasonError> {
        let label = input.trim();
        let chars = label.chars().count();
        if chars == 0 {
            return Err(CannedReasonError::EmptyLabel);
        }
        if chars > Self::MAX_CHARS {
            return Err(CannedReasonError::LabelTooLong { chars });
        }
        if label.chars().any(char::is_control) {
            return Err(CannedReasonError::LabelControl);
        }
        Ok(ReasonLabel(label.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CannedReasonError {
    #[error("give the reason a label, to pick it by")]
    EmptyLabel,
    #[error("a label has at most 40 characters ({chars} here)")]
    LabelTooLong { chars: usize },
    #[error("a label can't hold control characters")]
    LabelControl,
    #[error(transparent)]
    Refusal(#[from] CampaignError),
}

/// A refusal reason kept for reuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannedReason {
    pub id: i64,
    pub label: ReasonLabel,
    pub refusal: Refusal,
}

impl CannedReason {
    /// A reason as typed in the console's form.
    pub fn parse(
        label: &str,
        code: RefusalCode,
        text: &str,
    ) -> Result<(ReasonLabel, Refusal), CannedReasonError> {
        Ok((ReasonLabel::parse(label)?, Refusal::new(code, text)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_texts_are_checked() {
        let (label, refusal) = CannedReason::parse(
            " No STOP ",
            RefusalCode::Technical,
            "Add « STOP au 36180 ».",
        )
        .unwrap();
        assert_eq!(label.as_str(), "No STOP");
        assert_eq!(refusal.text(), "Add « STOP au 36180 ».");
        assert_eq!(
            ReasonLabel::parse("  ").unwrap_err(),
            CannedReasonError::EmptyLabel
        );
        assert_eq!(
            ReasonLabel::parse(&"x".repeat(41)).unwrap_err(),
            CannedReasonError::LabelTooLong { chars: 41 }
        );
        assert_eq!(
            ReasonLabel::parse("a\u{7}b").unwrap_err(),
            CannedReasonError::LabelControl
        );
        assert_eq!(
            CannedReason::parse("x", RefusalCode::Technical, " ").unwrap_err(),
            CannedReasonError::Refusal(CampaignError::RefusalWithoutReason)
        );
    }
}
