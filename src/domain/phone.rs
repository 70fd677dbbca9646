//! Phone numbers in E.164 and the regions national numbers are read in.
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

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
        french_fast_path(input, default_region)
            .unwrap_or_else(|| parse_with_phonenumber(input, default_region))
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
/// The general case: libphonenumber's parser and validator (about 5 µs a number).
fn parse_with_phonenumber(
    input: &str,
    default_region: Region,
) -> Result<PhoneNumber, PhoneNumberError> {
    let unparsable = || PhoneNumberError::Unparsable {
        input: input.to_owned(),
    };
    let parsed = phonenumber::parse(Some(default_region.id()), input).map_err(|_| unparsable())?;
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

/// Digits in a French national significant number (without the leading 0).
const FRENCH_NSN_DIGITS: usize = 9;

/// French numbers in their plain shapes, which make up nearly all of an
/// import: "0612345678", "+33612345678", "0033612345678", with single spaces
/// between digits (or dots or dashes in the national form). `None` for anything else, which then goes
/// through libphonenumber.
///
/// Why: libphonenumber takes ~5 µs a number, too slow for million-row imports,
/// mostly because each of its pattern matches locks a shared regex cache. This
/// path checks the digits against the same metadata patterns, compiled once,
/// and gives exactly the answers of [`parse_with_phonenumber`] (the test
/// `french_fast_path_agrees_with_phonenumber` compares them over every
/// five-digit prefix and many separator placements).
fn french_fast_path(
    input: &str,
    default_region: Region,
) -> Option<Result<PhoneNumber, PhoneNumberError>> {
    let trimmed = input.trim_matches(|c| c == ' ' || c == '\t');
    let is_french_account = default_region.id() == phonenumber::country::Id::FR;
    // "00" is the French international prefix, "0" the national one.
    let (rest, separators): (&str, &[u8]) = if let Some(rest) = trimmed.strip_prefix("+33") {
        // libphonenumber refuses international numbers with some dots or
        // dashes ("+336.12.34.56.78"); those are left to it.
        (rest, b" ")
    } else if let Some(rest) = trimmed.strip_prefix("0033").filter(|_| is_french_account) {
        (rest, b" ")
    } else if let Some(rest) = trimmed.strip_prefix('0').filter(|_| is_french_account) {
        (rest, b" .-")
    } else {
        return None;
    };
    let mut nsn = [0u8; FRENCH_NSN_DIGITS];
    let mut len = 0;
    // A single separator is allowed before each digit (after the prefix too).
    let mut separator_allowed = true;
    for b in rest.bytes() {
        match b {
            b'0'..=b'9' if len < FRENCH_NSN_DIGITS => {
                nsn[len] = b;
                len += 1;
                separator_allowed = true;
            }
            _ if separators.contains(&b) && separator_allowed && len < FRENCH_NSN_DIGITS => {
                separator_allowed = false;
            }
            _ => return None,
        }
    }
    // A leading 0 would be a trunk prefix written after the country code.
    if len != FRENCH_NSN_DIGITS || nsn[0] == b'0' || !separator_allowed {
        return None;
    }
    // Only ASCII digits were copied.
    let nsn = std::str::from_utf8(&nsn).ok()?;
    let valid = french_rules()?.is_valid(nsn);
    Some(if valid {
        Ok(PhoneNumber(format!("+33{nsn}")))
    } else {
        Err(PhoneNumberError::Invalid {
            input: input.to_owned(),
            region: "FR".to_owned(),
        })
    })
}

/// One number type of the French metadata: its lengths and its pattern,
/// anchored at the start (libphonenumber's `Descriptor::is_match` takes a
/// match starting at 0, which is what the anchor checks).
struct NumberPattern {
    possible_lengths: Vec<u16>,
    pattern: regex::Regex,
}

impl NumberPattern {
    fn from_descriptor(descriptor: &phonenumber::metadata::Descriptor) -> Option<NumberPattern> {
        // The same options as libphonenumber's metadata loader.
        let pattern =
            regex::RegexBuilder::new(&format!("^(?:{}\n)", descriptor.national_number().as_str()))
                .ignore_whitespace(true)
                .build()
                .ok()?;
        Some(NumberPattern {
            possible_lengths: descriptor.possible_length().to_vec(),
            pattern,
        })
    }

    fn is_match(&self, nsn: &str) -> bool {
        (self.possible_lengths.is_empty() || self.possible_lengths.contains(&(nsn.len() as u16)))
            && self.pattern.is_match(nsn)
    }
}

/// libphonenumber's validity rule for France: the general pattern matches and
/// so does the pattern of at least one number type.
struct FrenchRules {
    general: NumberPattern,
    /// Mobile first: the most common case returns soonest.
    types: Vec<NumberPattern>,
}

impl FrenchRules {
    fn is_valid(&self, nsn: &str) -> bool {
        self.general.is_match(nsn) && self.types.iter().any(|t| t.is_match(nsn))
    }
}

/// Compiled once; `None` (no fast path) if the metadata can't be compiled.
fn french_rules() -> Option<&'static FrenchRules> {
    static RULES: OnceLock<Option<FrenchRules>> = OnceLock::new();
    RULES
        .get_or_init(|| {
            let descriptors = DATABASE.by_id("FR")?.descriptors();
            // Every type `number_type` tries before giving up with `Unknown`.
            let types = [
                descriptors.mobile(),
                descriptors.fixed_line(),
                descriptors.premium_rate(),
                descriptors.toll_free(),
                descriptors.shared_cost(),
                descriptors.voip(),
                descriptors.personal_number(),
                descriptors.pager(),
                descriptors.uan(),
                descriptors.voicemail(),
            ]
            .into_iter()
            .flatten()
            .map(NumberPattern::from_descriptor)
            .collect::<Option<Vec<_>>>()?;
            Some(FrenchRules {
                general: NumberPattern::from_descriptor(descriptors.general())?,
                types,
            })
        })
        .as_ref()
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

    /// A small deterministic generator, so that a failure reproduces.
    struct Lcg(u64);
    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % n
        }
        fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
            choices[self.below(choices.len() as u64) as usize]
        }
    }

    /// Whether the fast path handled `input`, after checking it answered
    /// exactly as libphonenumber does.
    fn fast_path_agrees(input: &str, default_region: Region) -> bool {
        let Some(fast) = french_fast_path(input, default_region) else {
            return false;
        };
        assert_eq!(
            fast,
            parse_with_phonenumber(input, default_region),
            "{input:?} in {default_region}"
        );
        true
    }

    #[test]
    fn french_fast_path_agrees_with_phonenumber() {
        let (fr, be) = (region("FR"), region("BE"));
        let mut rng = Lcg(0x5EED);
        // The French patterns look at five digits at most: try every
        // five-digit start, with a random end.
        for start in 10_000..100_000 {
            let nsn = format!("{start}{:04}", rng.below(10_000));
            assert!(fast_path_agrees(&format!("0{nsn}"), fr));
            assert!(fast_path_agrees(&format!("+33{nsn}"), fr));
            let (other_form, default_region) = match start % 2 {
                0 => (format!("0033{nsn}"), fr),
                _ => (format!("+33{nsn}"), be),
            };
            assert!(fast_path_agrees(&other_form, default_region));
        }
        // Written by hand: separators, surrounding blanks, and near misses
        // the fast path must leave to libphonenumber.
        let mut handled = 0;
        for _ in 0..50_000 {
            let mut input = rng.pick(&["", "", " ", "\t", "  "]).to_owned();
            input += rng.pick(&["0", "0", "+33", "+33", "0033", "+330", "00", "+3", "33"]);
            let digits = match rng.below(20) {
                0 => 8,
                1 => 10,
                _ => 9,
            };
            let separators: &[&str] = match rng.below(3) {
                0 => &[],
                1 => &[" ", ".", "-"],
                _ => &[" ", " ", ".", "-", "  ", "/", "(", ")", "_", "a"],
            };
            for i in 0..digits {
                if !separators.is_empty() && rng.below(3) == 0 {
                    input += rng.pick(separators);
                }
                let digit = match (i, rng.below(4)) {
                    (0, 0) => rng.below(10),
                    (0, 1 | 2) => 6 + rng.below(2),
                    (0, _) => 1 + rng.below(9),
                    _ => rng.below(10),
                };
                input += &digit.to_string();
            }
            input += rng.pick(&["", "", "", " ", ".", "\t", "x"]);
            let default_region = if rng.below(4) == 0 { be } else { fr };
            if fast_path_agrees(&input, default_region) {
                handled += 1;
            }
        }
        assert!(handled > 5_000, "only {handled} inputs took the fast path");
    }

    #[test]
    fn the_fast_path_takes_plain_french_shapes_only() {
        let fr = region("FR");
        for input in [
            "0612345678",
            "06 12 34 56 78",
            "06.12.34.56.78",
            "+33 6 12 34 56 78",
            "0033612345678",
            " 0612345678\t",
            "0639123456", // invalid, and said so by the fast path
        ] {
            assert!(fast_path_agrees(input, fr), "{input:?}");
        }
        for input in [
            "06  12 34 56 78",
            "06/12/34/56/78",
            "+33 (0)6 12 34 56 78",
            "+330612345678",
            "061234567",
            "06123456789",
            "06 12 34 56 78-",
            "+33 6.12.34.56.78",
        ] {
            assert_eq!(french_fast_path(input, fr), None, "{input:?}");
        }
        // National and "00" forms are French only when the account is.
        assert_eq!(french_fast_path("0612345678", region("BE")), None);
        assert_eq!(french_fast_path("0033612345678", region("US")), None);
    }
}
