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

/// A French short code an account declared: 5 digits, 36xxx or 38xxx (the ranges operators
/// give marketing senders; a STOP reply reaches them).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShortCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{0}\" is not a French short code: use the 5 digits your provider gave you, 36xxx or 38xxx, e.g. 38100"
)]
pub struct InvalidShortCode(pub String);

impl ShortCode {
    pub fn parse(input: &str) -> Result<ShortCode, InvalidShortCode> {
        let code = input.trim();
        if code.len() == 5
            && code.bytes().all(|b| b.is_ascii_digit())
            && (code.starts_with("36") || code.starts_with("38"))
        {
            Ok(ShortCode(code.to_owned()))
        } else {
            Err(InvalidShortCode(input.to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which of the French operators' rules for sender IDs (AF2M Business Messaging Charter, in
/// force from 10 March 2025 and, for the character set, 1 March 2026) a sender breaks.
/// Sources: af2m.org "protection des OADC sensibles"; smsmode.com and linkmobility.com's notes
/// on the 2025 and 2026 rules; Vonage's France restrictions (the generic words), in
/// `french-sms-rules.md` of the design notes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SenderRule {
    #[error("a sender name has 3 to 11 characters")]
    Length { characters: usize },
    #[error("a sender name holds Latin letters and digits only, without spaces")]
    Characters { found: char },
    #[error("a numeric sender must be the account's declared short code")]
    NumericWithoutShortCode { declared: Option<String> },
    #[error("generic words are filtered by operators")]
    GenericWord { word: String },
    #[error("operators' names are filtered")]
    OperatorName { operator: String },
}

/// Words operators filter as sender IDs: they identify no one and are used by fraud.
const GENERIC_WORDS: &[&str] = &[
    // AF2M and aggregators' lists.
    "ALERT",
    "ALERTE",
    "APPOINTMENT",
    "BANK",
    "BANQUE",
    "INFO",
    "INFOS",
    "NOTICE",
    "PARCEL",
    "PAYMENT",
    "PAIEMENT",
    "RDV",
    "SHOP",
    "SMS",
    "VERIFY",
    // Their French counterparts, filtered the same way.
    "COLIS",
    "LIVRAISON",
    "RENDEZVOUS",
    "VERIFICATION",
    "SECURITE",
    "CODE",
    "NOREPLY",
];

/// French mobile operators and their brands: a sender containing one is filtered ("IDs
/// containing a network name are filtered", SFR Business's sensitive-OADC list, source [7] of
/// `french-sms-rules.md`), so a brand such as ORANGERIE is refused here rather than dropped
/// by the network.
const OPERATORS: &[&str] = &[
    "ORANGE",
    "SFR",
    "BOUYGUES",
    "FREEMOBILE",
    "SOSH",
    "REDBYSFR",
    "BYOU",
];

/// A sender ID that passes every rule, to show next to a refusal.
pub const EXAMPLE_SENDER: &str = "MaBoutique";

impl SenderId {
    /// The French operators' rules this sender breaks, the first found; `short_code` is the
    /// one the account declared, the only numeric sender allowed.
    pub fn french_rule_broken(&self, short_code: Option<&ShortCode>) -> Option<SenderRule> {
        let id = self.as_str();
        if self.is_numeric() {
            let declared = short_code.map(ShortCode::as_str);
            return (declared != Some(id)).then(|| SenderRule::NumericWithoutShortCode {
                declared: declared.map(str::to_owned),
            });
        }
        if let Some(found) = id.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Some(SenderRule::Characters { found });
        }
        if !(3..=MAX_ALPHANUMERIC).contains(&id.len()) {
            return Some(SenderRule::Length {
                characters: id.len(),
            });
        }
        let upper = id.to_ascii_uppercase();
        let word = upper.trim_end_matches(|c: char| c.is_ascii_digit());
        if let Some(generic) = GENERIC_WORDS.iter().find(|g| **g == word) {
            return Some(SenderRule::GenericWord {
                word: (*generic).to_owned(),
            });
        }
        if word == "FREE" {
            return Some(SenderRule::OperatorName {
                operator: "FREE".into(),
            });
        }
        OPERATORS
            .iter()
            .find(|o| upper.contains(**o))
            .map(|operator| SenderRule::OperatorName {
                operator: (*operator).to_owned(),
            })
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
    fn french_rules_for_sender_ids() {
        let broken = |id: &str| sender(id).french_rule_broken(None);
        for ok in ["MaBoutique", "Shop42Paris", "ABC", "Herald", "INFOLIVE"] {
            assert_eq!(broken(ok), None, "{ok}");
        }
        assert_eq!(broken("AB"), Some(SenderRule::Length { characters: 2 }));
        assert_eq!(
            broken("Shop 42"),
            Some(SenderRule::Characters { found: ' ' })
        );
        assert_eq!(
            broken("INFO"),
            Some(SenderRule::GenericWord {
                word: "INFO".into()
            })
        );
        assert_eq!(
            broken("rdv"),
            Some(SenderRule::GenericWord { word: "RDV".into() })
        );
        assert_eq!(
            broken("Colis24"),
            Some(SenderRule::GenericWord {
                word: "COLIS".into()
            })
        );
        assert_eq!(
            broken("SFRPromo"),
            Some(SenderRule::OperatorName {
                operator: "SFR".into()
            })
        );
        assert_eq!(
            broken("Free"),
            Some(SenderRule::OperatorName {
                operator: "FREE".into()
            })
        );
        assert_eq!(
            broken("OrangeBleue"),
            Some(SenderRule::OperatorName {
                operator: "ORANGE".into()
            })
        );
        assert_eq!(
            broken("38100"),
            Some(SenderRule::NumericWithoutShortCode { declared: None })
        );
        let declared = ShortCode::parse("38100").unwrap();
        assert_eq!(sender("38100").french_rule_broken(Some(&declared)), None);
        assert_eq!(
            sender("+33612345678").french_rule_broken(Some(&declared)),
            Some(SenderRule::NumericWithoutShortCode {
                declared: Some("38100".into())
            })
        );
        assert_eq!(sender(EXAMPLE_SENDER).french_rule_broken(None), None);
    }

    #[test]
    fn short_codes_are_five_digits_in_36_or_38() {
        assert_eq!(ShortCode::parse(" 36180 ").unwrap().as_str(), "36180");
        assert!(ShortCode::parse("38100").is_ok());
        for bad in ["3618", "361800", "12345", "3A180", ""] {
            assert!(ShortCode::parse(bad).is_err(), "{bad}");
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
