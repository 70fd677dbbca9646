//! Sender IDs shown on the recipient's phone.
use std::fmt;

/// What the recipient sees as the sender: an alphanumeric name ("Herald",
/// "Shop 42") or a number ("+33612345678", "38100").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SenderId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{0}\" can't be a sender ID: use up to 11 letters and digits (with at least one letter), or a number of up to 15 digits"
)]
pub struct InvalidSenderId(pub String);

/// Longest alphanumeric sender the GSM network carries (11 characters).
const MAX_ALPHANUMERIC: usize = 11;
/// Longest numeric sender: an E.164 number.
const MAX_NUMERIC: usize = 15;

fn is_numeric_sender(id: &str) -> bool {
    let digits = id.strip_prefix('+').unwrap_or(id);
    (1..=MAX_NUMERIC).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_alphanumeric_sender(id: &str) -> bool {
    // ASCII only, so the byte length is the character count.
    (1..=MAX_ALPHANUMERIC).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ')
        && id.bytes().any(|b| b.is_ascii_alphabetic())
}

impl SenderId {
    /// Reads a sender ID, ignoring surrounding whitespace.
    pub fn parse(input: &str) -> Result<SenderId, InvalidSenderId> {
        let id = input.trim();
        if is_numeric_sender(id) || is_alphanumeric_sender(id) {
            Ok(SenderId(id.to_owned()))
        } else {
            Err(InvalidSenderId(input.to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Whether this is a number rather than a name (recipients can reply to it).
    pub fn is_numeric(&self) -> bool {
        is_numeric_sender(&self.0)
    }
}
impl fmt::Display for SenderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sender(input: &str) -> SenderId {
        SenderId::parse(input).unwrap_or_else(|e| panic!("{input:?} refused: {e}"))
    }

    #[test]
    fn alphanumeric_senders_up_to_eleven_characters() {
        assert_eq!(sender("Herald").as_str(), "Herald");
        assert_eq!(sender("H").as_str(), "H");
        assert_eq!(sender("ABCDEFGHIJK").as_str(), "ABCDEFGHIJK");
        assert_eq!(sender("Shop 42").as_str(), "Shop 42");
        assert_eq!(sender("42 Shop").as_str(), "42 Shop");
        // Mostly digits, but one letter makes it a name.
        assert_eq!(sender("1234567890A").as_str(), "1234567890A");
        assert!(!sender("Herald").is_numeric());
    }

    #[test]
    fn numeric_senders_up_to_fifteen_digits() {
        assert_eq!(sender("38100").as_str(), "38100");
        assert_eq!(sender("1").as_str(), "1");
        assert_eq!(sender("+33612345678").as_str(), "+33612345678");
        assert_eq!(sender("123456789012345").as_str(), "123456789012345");
        assert_eq!(sender("+123456789012345").as_str(), "+123456789012345");
        assert!(sender("38100").is_numeric());
        assert!(sender("+33612345678").is_numeric());
    }

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        assert_eq!(sender("  Herald \n").as_str(), "Herald");
        assert_eq!(sender("\t38100 ").as_str(), "38100");
    }

    #[test]
    fn bad_senders_are_refused() {
        for input in [
            "",
            "   ",
            "ABCDEFGHIJKL",     // 12 characters
            "Shop 42 Paris",    // 13 characters
            "1234567890123456", // 16 digits
            "+1234567890123456",
            "+",
            "++33612345678",
            "33 61 23", // digits and spaces: neither a name nor a number
            "Café",     // not ASCII
            "Shop-42",  // punctuation
            "Shop_42",
            "Herald!",
            "1+2",
        ] {
            assert_eq!(
                SenderId::parse(input),
                Err(InvalidSenderId(input.to_owned())),
                "{input:?}"
            );
        }
    }

    #[test]
    fn the_error_says_what_is_allowed() {
        assert_eq!(
            SenderId::parse("My Great Shop").unwrap_err().to_string(),
            "\"My Great Shop\" can't be a sender ID: use up to 11 letters and digits \
             (with at least one letter), or a number of up to 15 digits"
        );
    }
}
