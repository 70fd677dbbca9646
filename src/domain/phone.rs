//! Phone numbers in E.164 and the regions national numbers are read in.
use std::fmt;
use std::str::FromStr;

use phonenumber::metadata::DATABASE;

/// A country or territory, as its ISO 3166-1 alpha-2 code ("FR", "BE"...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region(phonenumber::country::Id);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown region \"{0}\": use a two-letter country code such as FR, BE or US")]
pub struct UnknownRegion(pub String);

impl FromStr for Region {
    type Err = UnknownRegion;
    /// Reads a two-letter code in any case, surrounding whitespace ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let code = s.trim();
        let unknown = || UnknownRegion(s.to_owned());
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(unknown());
        }
        code.to_ascii_uppercase()
            .parse()
            .map(Region)
            .map_err(|_| unknown())
    }
}
impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_ref())
    }
}
impl Region {
    pub fn id(&self) -> phonenumber::country::Id {
        self.0
    }
}

/// A phone number in E.164 form ("+33612345678").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    #[error(
        "\"{input}\" is not a phone number: write it as +33612345678 or in the account's national format"
    )]
    Unparsable { input: String },
    #[error("\"{input}\" is not a valid number in {region}: check the digits")]
    Invalid { input: String, region: String },
}

/// Bounds on the digits of an E.164 number, country code included.
const E164_MIN_DIGITS: usize = 8;
const E164_MAX_DIGITS: usize = 15;

impl PhoneNumber {
    /// Reads a number as a person would write it: national format in
    /// `default_region` ("06 12 34 56 78"), or international with "+" or "00",
    /// with spaces, dots, dashes or parentheses. It must be a valid number
    /// according to libphonenumber's metadata.
    pub fn parse(input: &str, default_region: Region) -> Result<PhoneNumber, PhoneNumberError> {
        let unparsable = || PhoneNumberError::Unparsable {
            input: input.to_owned(),
        };
        let parsed =
            phonenumber::parse(Some(default_region.id()), input).map_err(|_| unparsable())?;
        // An extension can't receive an SMS; refuse rather than silently drop it.
        if parsed.extension().is_some() {
            return Err(unparsable());
        }
        if !phonenumber::is_valid(&parsed) {
            let region = match parsed.code().source() {
                phonenumber::country::Source::Default => default_region.to_string(),
                _ => match parsed.country().id() {
                    Some(id) => id.as_ref().to_owned(),
                    None => format!("country code +{}", parsed.code().value()),
                },
            };
            return Err(PhoneNumberError::Invalid {
                input: input.to_owned(),
                region,
            });
        }
        // What `Mode::E164` formatting writes, without the national format
        // lookup that formatter does first.
        Ok(PhoneNumber(format!(
            "+{}{}",
            parsed.code().value(),
            parsed.national()
        )))
    }

    /// A number read back from storage, where only E.164 text was ever written.
    /// Checks the shape only ('+', then 8 to 15 digits, the first not 0).
    pub fn from_e164(e164: &str) -> Result<PhoneNumber, PhoneNumberError> {
        let well_formed = e164.strip_prefix('+').is_some_and(|digits| {
            (E164_MIN_DIGITS..=E164_MAX_DIGITS).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit())
                && !digits.starts_with('0')
        });
        if well_formed {
            Ok(PhoneNumber(e164.to_owned()))
        } else {
            Err(PhoneNumberError::Unparsable {
                input: e164.to_owned(),
            })
        }
    }

    pub fn as_e164(&self) -> &str {
        &self.0
    }

    /// The region the number belongs to, as libphonenumber's metadata says;
    /// `None` for non-geographic numbers (+800, +882...) or unknown codes.
    ///
    /// Most calling codes belong to a single region, which is then the answer
    /// with no parsing at all. Shared codes (+1, +7, +44, +262...) need the
    /// national number's leading digits, so those numbers are parsed again.
    pub fn country_region(&self) -> Option<Region> {
        let digits = self.0.strip_prefix('+')?;
        // Calling codes are prefix-free: the first 1-, 2- or 3-digit prefix
        // known to the metadata is the code.
        let regions = (1..=3)
            .filter_map(|len| digits.get(..len)?.parse::<u16>().ok())
            .find_map(|code| DATABASE.region(&code))?;
        match regions.as_slice() {
            [single] => single.parse().ok().map(Region),
            _ => phonenumber::parse(None, &self.0)
                .ok()?
                .country()
                .id()
                .map(Region),
        }
    }
}
impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str) -> Region {
        code.parse().unwrap()
    }

    fn e164(input: &str, default_region: &str) -> String {
        PhoneNumber::parse(input, region(default_region))
            .unwrap_or_else(|e| panic!("{input:?} in {default_region}: {e}"))
            .as_e164()
            .to_owned()
    }

    #[test]
    fn regions_read_in_any_case_and_display_upper_case() {
        assert_eq!(region("fr").to_string(), "FR");
        assert_eq!(region("Be").to_string(), "BE");
        assert_eq!(region(" US ").to_string(), "US");
        assert_eq!(region("fr"), region("FR"));
        assert_eq!(region("gb").id(), phonenumber::country::Id::GB);
    }

    #[test]
    fn unknown_regions_are_refused() {
        for code in ["", "F", "FRA", "ZZ", "france", "1F", "é"] {
            assert_eq!(
                code.parse::<Region>(),
                Err(UnknownRegion(code.to_owned())),
                "{code:?}"
            );
        }
        assert_eq!(
            "XX".parse::<Region>().unwrap_err().to_string(),
            "unknown region \"XX\": use a two-letter country code such as FR, BE or US"
        );
    }

    #[test]
    fn french_numbers_in_national_and_international_forms() {
        for input in [
            "0612345678",
            "06 12 34 56 78",
            "06.12.34.56.78",
            "06-12-34-56-78",
            "+33612345678",
            "+33 6 12 34 56 78",
            "+33 (0)6 12 34 56 78",
            "0033612345678",
            "0033 6 12 34 56 78",
            "  0612345678  ",
        ] {
            assert_eq!(e164(input, "FR"), "+33612345678", "{input:?}");
        }
        assert_eq!(e164("01 42 68 53 00", "FR"), "+33142685300");
        assert_eq!(e164("07 81 23 45 67", "FR"), "+33781234567");
    }

    #[test]
    fn numbers_from_other_regions() {
        assert_eq!(e164("0470 12 34 56", "BE"), "+32470123456");
        assert_eq!(e164("(201) 555-0123", "US"), "+12015550123");
        assert_eq!(e164("07400 123456", "GB"), "+447400123456");
        assert_eq!(e164("0151 23456789", "DE"), "+4915123456789");
        assert_eq!(e164("312 345 6789", "IT"), "+393123456789");
        // Italian fixed lines keep their leading zero in E.164.
        assert_eq!(e164("06 1234 5678", "IT"), "+390612345678");
        assert_eq!(e164("079 123 45 67", "CH"), "+41791234567");
        assert_eq!(e164("514-555-0199", "CA"), "+15145550199");
        // International input ignores the default region.
        assert_eq!(e164("+32 470 12 34 56", "FR"), "+32470123456");
        assert_eq!(e164("0044 7400 123456", "FR"), "+447400123456");
        assert_eq!(e164("+1 201 555 0123", "FR"), "+12015550123");
    }

    #[test]
    fn garbage_is_unparsable() {
        for input in ["", "   ", "hello", "+", "++33"] {
            assert_eq!(
                PhoneNumber::parse(input, region("FR")),
                Err(PhoneNumberError::Unparsable {
                    input: input.to_owned()
                }),
                "{input:?}"
            );
        }
    }

    #[test]
    fn numbers_the_metadata_rejects_are_invalid() {
        // Too short, too long, or a range no operator has.
        for input in ["12", "061234567", "06123456789", "0012345678", "0912345"] {
            match PhoneNumber::parse(input, region("FR")) {
                Err(PhoneNumberError::Invalid { .. } | PhoneNumberError::Unparsable { .. }) => {}
                Ok(number) => panic!("{input:?} accepted as {number}"),
            }
        }
        assert_eq!(
            PhoneNumber::parse("06 39 12 34 56", region("FR")),
            Err(PhoneNumberError::Invalid {
                input: "06 39 12 34 56".to_owned(),
                region: "FR".to_owned()
            })
        );
        assert_eq!(
            PhoneNumber::parse("06 39 12 34 56", region("FR"))
                .unwrap_err()
                .to_string(),
            "\"06 39 12 34 56\" is not a valid number in FR: check the digits"
        );
        // The region named is the number's own, not the default one.
        assert_eq!(
            PhoneNumber::parse("+32 470", region("FR")).map_err(|e| e.to_string()),
            Err("\"+32 470\" is not a valid number in BE: check the digits".to_owned())
        );
    }

    #[test]
    fn numbers_with_an_extension_are_refused() {
        assert!(PhoneNumber::parse("01 42 68 53 00 ext. 12", region("FR")).is_err());
    }

    #[test]
    fn from_e164_checks_the_shape_only() {
        for good in [
            "+33612345678",
            "+12015550123",
            "+12345678",
            "+123456789012345",
        ] {
            assert_eq!(PhoneNumber::from_e164(good).unwrap().as_e164(), good);
        }
        for bad in [
            "",
            "33612345678",
            "+0612345678",
            "+1234567",
            "+1234567890123456",
            "+33 612345678",
            "+3361234567a",
            "++33612345678",
        ] {
            assert!(PhoneNumber::from_e164(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn parse_and_from_e164_agree() {
        let parsed = PhoneNumber::parse("06 12 34 56 78", region("FR")).unwrap();
        assert_eq!(PhoneNumber::from_e164(parsed.as_e164()), Ok(parsed.clone()));
        assert_eq!(parsed.to_string(), "+33612345678");
    }

    #[test]
    fn country_region_of_numbers() {
        let of = |e164: &str| {
            PhoneNumber::from_e164(e164)
                .unwrap()
                .country_region()
                .map(|r| r.to_string())
        };
        assert_eq!(of("+33612345678").as_deref(), Some("FR"));
        assert_eq!(of("+32470123456").as_deref(), Some("BE"));
        assert_eq!(of("+4915123456789").as_deref(), Some("DE"));
        // Shared calling codes are told apart by the national number.
        assert_eq!(of("+12015550123").as_deref(), Some("US"));
        assert_eq!(of("+15145550199").as_deref(), Some("CA"));
        assert_eq!(of("+447400123456").as_deref(), Some("GB"));
        assert_eq!(of("+262262123456").as_deref(), Some("RE"));
        assert_eq!(of("+262269601234").as_deref(), Some("YT"));
        // Non-geographic: international freephone.
        assert_eq!(of("+80012345678"), None);
        // No such calling code.
        assert_eq!(of("+99912345678"), None);
    }

    #[test]
    fn country_region_matches_phonenumber_for_parsed_numbers() {
        for (input, default_region) in [
            ("0612345678", "FR"),
            ("0470123456", "BE"),
            ("2015550123", "US"),
            ("07400123456", "GB"),
            ("0612345678", "IT"),
            ("0262 12 34 56", "RE"),
        ] {
            let number = PhoneNumber::parse(input, region(default_region)).unwrap();
            let expected = phonenumber::parse(None, number.as_e164())
                .unwrap()
                .country()
                .id()
                .map(Region);
            assert_eq!(number.country_region(), expected, "{input:?}");
        }
    }
}
