//! Sender IDs shown on the recipient's phone. (stub)
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SenderId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" can't be a sender ID: use up to 11 letters and digits (with at least one letter), or a number of up to 15 digits")]
pub struct InvalidSenderId(pub String);

impl SenderId {
    pub fn parse(input: &str) -> Result<SenderId, InvalidSenderId> {
        let _ = input;
        todo!()
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl fmt::Display for SenderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
