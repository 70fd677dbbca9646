//! Phone numbers in E.164, the regions national numbers are read in, and what kind of line a
//! number is (only mobiles can receive a marketing SMS).
//!
//! Parsing and validation are libphonenumber's, through `rlibphonenumber`: on the corpus in
//! `tests/data/phones/` (numbers whose answers come from libphonenumber itself) it agrees on
//! every row. The `phonenumber` crate, used before, disagreed on 1,072 of 11,244: it strips a
//! national trunk prefix from international numbers (rust-phonenumber issues #68 and #76), so
//! `+49 151…` typed in a US account became `+49 51…`, someone else's number.
use std::fmt;
use std::str::FromStr;

use rlibphonenumber::{PHONE_NUMBER_UTIL, PhoneNumberFormat, PhoneNumberType};

/// A country or territory libphonenumber knows, as its ISO 3166-1 alpha-2 code ("FR", "BE"...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region(rlibphonenumber::Region);

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
        // Every pair of letters is a `rlibphonenumber::Region`; only those with a calling code
        // are regions numbers can be read in.
        let region = rlibphonenumber::Region::from_code(code).map_err(|_| unknown())?;
        PHONE_NUMBER_UTIL
            .get_country_code_for_region(region)
            .map(|_| Region(region))
            .ok_or_else(unknown)
    }
}
impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}
impl Region {
    /// The two-letter code, upper case.
    pub fn code(&self) -> String {
        self.0.to_string()
    }

    /// The two-letter code, upper case, without allocating.
    pub fn as_code(&self) -> impl std::ops::Deref<Target = str> {
        self.0.as_region_str()
    }
}

/// A number as read from what a person wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadNumber {
    pub number: PhoneNumber,
    pub line: LineType,
    /// The region the number belongs to; `None` for numbers of no country (+800…).
    pub region: Option<Region>,
}

/// A phone number in E.164 form ("+33612345678").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

/// What kind of line a valid number is, as libphonenumber's metadata says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineType {
    Mobile,
    /// Where the number alone can't tell (the United States, Canada...).
    FixedLineOrMobile,
    FixedLine,
    TollFree,
    PremiumRate,
    SharedCost,
    Voip,
    PersonalNumber,
    Pager,
    Uan,
    Voicemail,
}

impl LineType {
    /// Whether a marketing SMS can reach it: a mobile, or a line that may be one.
    pub fn receives_sms(self) -> bool {
        matches!(self, LineType::Mobile | LineType::FixedLineOrMobile)
    }

    fn of(kind: PhoneNumberType) -> Option<LineType> {
        Some(match kind {
            PhoneNumberType::Mobile => LineType::Mobile,
            PhoneNumberType::FixedLineOrMobile => LineType::FixedLineOrMobile,
            PhoneNumberType::FixedLine => LineType::FixedLine,
            PhoneNumberType::TollFree => LineType::TollFree,
            PhoneNumberType::PremiumRate => LineType::PremiumRate,
            PhoneNumberType::SharedCost => LineType::SharedCost,
            PhoneNumberType::VoIP => LineType::Voip,
            PhoneNumberType::PersonalNumber => LineType::PersonalNumber,
            PhoneNumberType::Pager => LineType::Pager,
            PhoneNumberType::UAN => LineType::Uan,
            PhoneNumberType::VoiceMail => LineType::Voicemail,
            PhoneNumberType::Unknown => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    #[error(
        "\"{input}\" is not a phone number: write it as +33612345678 or in the account's national format"
    )]
    Unparsable { input: String },
    /// A letter is a typo, never a digit: keypad letters ("1-800-FLOWERS") are not read.
    #[error("\"{input}\" holds letters: a phone number is written with digits only, check it")]
    Letters { input: String },
    #[error("\"{input}\" is not a valid number {}: check the digits", where_(.region, *.calling_code))]
    Invalid {
        input: String,
        /// The region the number would belong to, when its calling code says.
        region: Option<Region>,
        calling_code: u16,
    },
}

fn where_(region: &Option<Region>, calling_code: u16) -> String {
    match region {
        Some(region) => format!("in {region}"),
        None => format!("for country code +{calling_code}"),
    }
}

/// Bounds on the digits of an E.164 number, country code included.
const E164_MIN_DIGITS: usize = 8;
const E164_MAX_DIGITS: usize = 15;

/// The overseas departments whose numbers are dialled with 0 from metropolitan France:
/// Guadeloupe (with Saint-Barthélemy and Saint-Martin), Martinique, Guyane, Réunion, Mayotte.
const FRENCH_OVERSEAS_DEPARTMENTS: [&str; 5] = ["GP", "MQ", "GF", "RE", "YT"];

impl PhoneNumber {
    /// Reads a number as a person would write it: national format in
    /// `default_region` ("06 12 34 56 78"), or international with "+" or the
    /// region's international prefix ("00", "011"...), with spaces, dots, dashes
    /// or parentheses. It must be a valid number of any line type.
    pub fn parse(input: &str, default_region: Region) -> Result<PhoneNumber, PhoneNumberError> {
        Self::read(input, default_region).map(|read| read.number)
    }

    /// [`parse`](Self::parse), with the kind of line the number is.
    ///
    /// One deliberate difference from libphonenumber: in France, a national number of an
    /// overseas department ("0692 12 34 56", Réunion) is read as that department's, as it is
    /// dialled from metropolitan France (ARCEP's plan: the overseas departments share the
    /// national ten-digit plan), where libphonenumber finds it invalid in FR.
    pub fn read(input: &str, default_region: Region) -> Result<ReadNumber, PhoneNumberError> {
        let read = Self::read_in(input, default_region);
        let national = input.trim_start().starts_with('0') && !input.trim_start().starts_with("00");
        if !(matches!(read, Err(PhoneNumberError::Invalid { .. }))
            && default_region.code() == "FR"
            && national)
        {
            return read;
        }
        FRENCH_OVERSEAS_DEPARTMENTS
            .iter()
            .find_map(|code| Self::read_in(input, code.parse().ok()?).ok())
            .ok_or_else(|| read.unwrap_err())
    }

    fn read_in(input: &str, default_region: Region) -> Result<ReadNumber, PhoneNumberError> {
        // Words without a digit ("hello", a column name) are simply not numbers.
        if input.chars().any(char::is_alphabetic) && input.chars().any(|c| c.is_numeric()) {
            return Err(PhoneNumberError::Letters {
                input: input.to_owned(),
            });
        }
        let unparsable = || PhoneNumberError::Unparsable {
            input: input.to_owned(),
        };
        let parsed = PHONE_NUMBER_UTIL
            .parse(input, Some(default_region.0))
            .map_err(|_| unparsable())?;
        // An extension can't receive an SMS; refuse rather than silently drop it.
        if parsed.extension.as_deref().is_some_and(|e| !e.is_empty()) {
            return Err(unparsable());
        }
        let kind = parsed
            .is_valid()
            .then(|| LineType::of(parsed.get_type()))
            .flatten();
        let Some(kind) = kind else {
            let calling_code = u16::try_from(parsed.country_code).unwrap_or(0);
            let region = parsed
                .get_region_code()
                .filter(|r| *r != rlibphonenumber::Region::World)
                .map(Region);
            return Err(PhoneNumberError::Invalid {
                input: input.to_owned(),
                region,
                calling_code,
            });
        };
        let e164 = parsed.format_as(PhoneNumberFormat::E164).into_owned();
        Ok(ReadNumber {
            number: PhoneNumber(e164),
            line: kind,
            region: parsed
                .get_region_code()
                .filter(|r| *r != rlibphonenumber::Region::World)
                .map(Region),
        })
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

    /// The digits a search for numbers looks for in E.164 forms, however it was written:
    /// "06 12 34" → "61234" (the national 0 is not in them), "0033 6 12" and "+33 6 12" →
    /// "33612".
    pub fn search_digits(search: &str) -> String {
        let search = search.trim_start();
        let digits: String = search.chars().filter(char::is_ascii_digit).collect();
        if search.starts_with('+') {
            return digits;
        }
        match digits
            .strip_prefix("00")
            .or_else(|| digits.strip_prefix('0'))
        {
            Some(rest) => rest.to_owned(),
            None => digits,
        }
    }

    /// The region the number belongs to, as libphonenumber's metadata says;
    /// `None` for non-geographic numbers (+800, +882...) or unknown codes.
    /// Shared calling codes (+1, +7, +44, +262...) are told apart by the national number.
    pub fn country_region(&self) -> Option<Region> {
        let parsed = PHONE_NUMBER_UTIL.parse(&self.0, None).ok()?;
        parsed
            .get_region_code()
            .filter(|r| *r != rlibphonenumber::Region::World)
            .map(Region)
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
        assert_eq!(region("gb").code(), "GB");
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
    fn searches_drop_what_e164_does_not_hold() {
        for (search, digits) in [
            ("06 12 34", "61234"),
            ("0033 6 12", "33612"),
            ("+33 6 12", "33612"),
            ("612", "612"),
            ("  ", ""),
        ] {
            assert_eq!(PhoneNumber::search_digits(search), digits, "{search:?}");
        }
    }

    #[test]
    fn overseas_departments_national_numbers_read_in_france_as_dialled_there() {
        let fr = region("FR");
        for (input, e164, department) in [
            ("0692 12 34 56", "+262692123456", "RE"),
            ("0639 01 23 45", "+262639012345", "YT"),
            ("0690 12 34 56", "+590690123456", "GP"),
            ("0696 12 34 56", "+596696123456", "MQ"),
            ("0694 20 12 34", "+594694201234", "GF"),
        ] {
            let read = PhoneNumber::read(input, fr).unwrap();
            assert_eq!(read.number.as_e164(), e164, "{input}");
            assert_eq!(read.region.map(|r| r.code()).as_deref(), Some(department));
        }
        // Written with France's code, it is a French number: not valid, not moved.
        assert!(PhoneNumber::read("+33 6 92 12 34 56", fr).is_err());
        assert!(PhoneNumber::read("0033 6 92 12 34 56", fr).is_err());
        // Elsewhere, nothing changes.
        assert!(PhoneNumber::read("0692 12 34 56", region("BE")).is_err());
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
                Err(_) => {}
                Ok(number) => panic!("{input:?} accepted as {number}"),
            }
        }
        assert_eq!(
            PhoneNumber::parse("06 39 12 34 56", region("FR")),
            Err(PhoneNumberError::Invalid {
                input: "06 39 12 34 56".to_owned(),
                region: Some(region("FR")),
                calling_code: 33,
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
    fn international_numbers_keep_a_leading_digit_equal_to_the_accounts_trunk_prefix() {
        // The phonenumber crate read these as someone else's number, or refused them.
        for (input, account, expected) in [
            ("+4915123456789", "US", "+4915123456789"),
            ("+8613123456789", "US", "+8613123456789"),
            ("+3531520123456", "US", "+3531520123456"),
            ("+225 07 07 12 34 56", "FR", "+2250707123456"),
            ("+225 07 07 12 34 56", "MA", "+2250707123456"),
            ("+39 02 1234 5678", "GB", "+390212345678"),
            ("+39 02 1234 5678", "CH", "+390212345678"),
            ("011 49 151 23456789", "US", "+4915123456789"),
        ] {
            assert_eq!(e164(input, account), expected, "{input:?} in {account}");
        }
        for (input, account) in [("+6870500125", "FR"), ("00707028046856", "FR")] {
            assert!(
                matches!(
                    PhoneNumber::parse(input, region(account)),
                    Err(PhoneNumberError::Invalid { .. })
                ),
                "{input:?} in {account}"
            );
        }
    }

    #[test]
    fn numbers_too_long_or_too_short_are_invalid() {
        for input in ["+4990012345675", "+3161234567811", "+86101234567"] {
            assert!(
                matches!(
                    PhoneNumber::parse(input, region("FR")),
                    Err(PhoneNumberError::Invalid { .. })
                ),
                "{input:?}"
            );
        }
    }

    #[test]
    fn a_letter_is_a_typo_not_a_keypad_digit() {
        for input in [
            "06 12 34 56 7O",
            "06 12 AB 56 78",
            "06 12 34 56 78 a",
            "1-800-FLOWERS",
            "０６ １２ ３４ ５６ ７８ б",
        ] {
            assert_eq!(
                PhoneNumber::parse(input, region("FR")),
                Err(PhoneNumberError::Letters {
                    input: input.to_owned()
                }),
                "{input:?}"
            );
        }
        // Full-width digits are digits.
        assert_eq!(e164("０６ １２ ３４ ５６ ７８", "FR"), "+33612345678");
    }

    #[test]
    fn line_types_tell_mobiles_from_the_rest() {
        let kind = |input: &str, account: &str| {
            PhoneNumber::read(input, region(account))
                .map(|read| read.line)
                .unwrap_or_else(|e| panic!("{input:?}: {e}"))
        };
        assert_eq!(kind("06 12 34 56 78", "FR"), LineType::Mobile);
        assert_eq!(kind("01 42 68 53 00", "FR"), LineType::FixedLine);
        assert_eq!(kind("0800 12 34 56", "FR"), LineType::TollFree);
        assert_eq!(kind("0892 12 34 56", "FR"), LineType::PremiumRate);
        assert_eq!(kind("09 51 23 45 67", "FR"), LineType::Voip);
        assert_eq!(kind("(201) 555-0123", "US"), LineType::FixedLineOrMobile);
        assert!(LineType::Mobile.receives_sms());
        assert!(LineType::FixedLineOrMobile.receives_sms());
        for other in [
            LineType::FixedLine,
            LineType::TollFree,
            LineType::PremiumRate,
            LineType::Voip,
        ] {
            assert!(!other.receives_sms(), "{other:?}");
        }
    }

    /// The corpus in `tests/data/phones/`: what libphonenumber itself answers for 11,244 inputs
    /// read in the account regions Herald serves (see `generate.py` there).
    #[test]
    fn every_answer_agrees_with_libphonenumber() {
        const CORPUS: &str = include_str!("../../tests/data/phones/corpus.csv");
        let mut rows = 0;
        let mut overseas = 0;
        let mut disagreements = Vec::new();
        for record in csv::Reader::from_reader(CORPUS.as_bytes()).records() {
            let record = record.expect("the corpus is well-formed CSV");
            let [input, account, e164, valid, kind, number_region] =
                std::array::from_fn(|i| &record[i]);
            rows += 1;
            let got = PhoneNumber::read(input, region(account));
            // Deliberate difference: libphonenumber reads three letters or more as keypad
            // digits and drops fewer; Herald refuses any letter (a typo must not be dialled).
            if input.chars().any(char::is_alphabetic) {
                if got.is_ok() {
                    disagreements.push(format!("{input:?} in {account}: {got:?}, letters kept"));
                }
                continue;
            }
            // Deliberate difference (see `read`): an overseas department's national number
            // read in France is that department's, as libphonenumber reads it there.
            if let (Ok(read), "false", "FR") = (&got, valid, account) {
                let department = read.region.map(|r| r.code()).unwrap_or_default();
                let there = PhoneNumber::read_in(input, region(&department));
                if !FRENCH_OVERSEAS_DEPARTMENTS.iter().any(|d| {
                    *d == department || (*d == "GP" && ["BL", "MF"].contains(&department.as_str()))
                }) || there.as_ref().ok() != Some(read)
                {
                    disagreements.push(format!("{input:?} in FR: {got:?}, not an overseas number"));
                }
                overseas += 1;
                continue;
            }
            let agrees = match (&got, valid == "true") {
                (Ok(read), true) => {
                    let region_of = |r: Option<Region>| r.map(|r| r.code()).unwrap_or_default();
                    read.number.as_e164() == e164
                        && format!("{:?}", read.line).to_uppercase() == kind.replace('_', "")
                        && region_of(read.region) == number_region
                        && region_of(read.number.country_region()) == number_region
                }
                (Err(_), false) => true,
                _ => false,
            };
            if !agrees {
                disagreements.push(format!(
                    "{input:?} in {account}: Herald {got:?}, libphonenumber {e164} valid={valid} {kind} {number_region}"
                ));
            }
        }
        assert!(rows >= 3_000, "only {rows} rows");
        assert!(
            overseas > 0,
            "the corpus holds overseas numbers written in France's way"
        );
        assert!(
            disagreements.is_empty(),
            "{} of {rows} disagree:\n{}",
            disagreements.len(),
            disagreements.join("\n")
        );
    }
}
