//! What a person asks the support team.

/// A question for the team: 1 to 1,000 characters once trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportQuestion(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("write your question (1 to {max} characters) after /support open")]
pub struct InvalidQuestion {
    pub max: usize,
}

impl SupportQuestion {
    pub const MAX_CHARS: usize = 1_000;

    pub fn parse(text: &str) -> Result<SupportQuestion, InvalidQuestion> {
        let text = text.trim();
        match text.chars().count() {
            1..=Self::MAX_CHARS => Ok(SupportQuestion(text.to_owned())),
            _ => Err(InvalidQuestion {
                max: Self::MAX_CHARS,
            }),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_one_to_a_thousand_characters() {
        assert!(SupportQuestion::parse("  ").is_err());
        assert!(SupportQuestion::parse(&"x".repeat(1_001)).is_err());
        assert_eq!(SupportQuestion::parse(" Why? ").unwrap().as_str(), "Why?");
    }
}
