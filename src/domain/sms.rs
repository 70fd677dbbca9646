//! SMS bodies: GSM 03.38 or UCS-2, with their segment count.
//!
//! Operators bill per segment, so the count must match what the gateway actually
//! sends: a single SMS holds 160 GSM septets or 70 UCS-2 units; a concatenated one
//! loses room to its user-data header (153 septets or 67 units per part). Kannel,
//! measured through the test harness (`herald_counts_the_parts_kannel_sends`), never
//! ends a GSM part inside an escape pair (`€`, `[`...) but cuts UCS-2 text every 134
//! octets, surrogate pairs included: the phone joins the parts before decoding them.
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Ucs2 => "UCS-2",
        })
    }
}

/// The text of an SMS, checked to fit in at most [`SmsBody::MAX_SEGMENTS`] segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsBody {
    text: String,
    encoding: Encoding,
    segments: u8,
    units: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsBodyError {
    #[error("the message is empty: write the text of the SMS")]
    Empty,
    #[error(
        "the message needs {segments} SMS segments ({units} {encoding} units); at most {max} are allowed: shorten it"
    )]
    TooLong {
        segments: usize,
        max: u8,
        encoding: Encoding,
        units: usize,
    },
    /// A character that changes what the phone shows without being seen (a direction
    /// override, a control code): the moderator must read what the recipient will.
    #[error("the message holds an invisible character (U+{:04X}) at position {position}: delete it", u32::from(*character))]
    HiddenControl { character: char, position: usize },
    /// A link a phone would run or open as a document instead of a web page.
    #[error(
        "the message holds a \"{scheme}:\" link at position {position}: only web links (https://…) may be sent"
    )]
    ForbiddenLink { scheme: String, position: usize },
}

/// Characters refused in a body being written: C0 and C1 control codes but the line feed,
/// the Unicode direction controls (embeddings, overrides, isolates and marks), which can make
/// a phone show a text other than the one a moderator reads, and the characters that show
/// nothing at all (zero-width space, word joiner, soft hyphen, line and paragraph separators).
/// The zero-width joiner and non-joiner stay: emoji sequences and several scripts need them.
pub(crate) fn is_hidden_control(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{9}'
            | '\u{B}'..='\u{1F}'
            | '\u{7F}'..='\u{9F}'
            | '\u{AD}' // soft hyphen
            | '\u{180E}' // Mongolian vowel separator
            | '\u{200B}' // zero-width space
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{2060}'..='\u{2064}' // word joiner and invisible operators
            | '\u{FEFF}' // zero-width no-break space
            | '\u{061C}' // Arabic letter mark
            | '\u{200E}' | '\u{200F}' // left-to-right and right-to-left marks
            | '\u{202A}'..='\u{202E}' // embeddings and overrides
            | '\u{2066}'..='\u{2069}' // isolates
    )
}

/// Typographic characters outside GSM 03.38 and the plain ones a phone shows the same way.
fn plain_equivalent(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '«' | '»' => "\"",
        '\u{2010}'..='\u{2015}' | '\u{2212}' => "-",
        '\u{2026}' => "...",
        '\u{00A0}' | '\u{2002}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => " ",
        _ => return None,
    })
}

/// Septets in one GSM-7 SMS, and per part of a concatenated one.
const GSM_SINGLE: usize = 160;
const GSM_PART: usize = 153;
/// UTF-16 units in one UCS-2 SMS, and per part of a concatenated one.
const UCS2_SINGLE: usize = 70;
const UCS2_PART: usize = 67;

/// Septets per ASCII char in GSM 03.38: 0 = not encodable, 1 = basic set,
/// 2 = extension table (escape + char).
const ASCII_SEPTETS: [u8; 128] = {
    let mut table = [0u8; 128];
    let basic = b"\n\r !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
    let mut i = 0;
    while i < basic.len() {
        table[basic[i] as usize] = 1;
        i += 1;
    }
    let extension = b"\x0C^{}\\[~]|";
    let mut i = 0;
    while i < extension.len() {
        table[extension[i] as usize] = 2;
        i += 1;
    }
    table
};

/// Septets `c` takes in GSM 03.38, or `None` when it has no GSM encoding.
fn gsm_septets(c: char) -> Option<usize> {
    if c.is_ascii() {
        return match ASCII_SEPTETS[c as usize] {
            0 => None,
            n => Some(n as usize),
        };
    }
    match c {
        // The non-ASCII characters of the basic set.
        '£' | '¥' | 'è' | 'é' | 'ù' | 'ì' | 'ò' | 'Ç' | 'Ø' | 'ø' | 'Å' | 'å' | 'Δ' | 'Φ' | 'Γ'
        | 'Λ' | 'Ω' | 'Π' | 'Ψ' | 'Σ' | 'Θ' | 'Ξ' | 'Æ' | 'æ' | 'ß' | 'É' | '¤' | '¡' | 'Ä'
        | 'Ö' | 'Ñ' | 'Ü' | '§' | '¿' | 'ä' | 'ö' | 'ñ' | 'ü' | 'à' => Some(1),
        '€' => Some(2),
        _ => None,
    }
}

/// Whether `c` shows nothing when printed (a blank, a control, a zero-width character): an
/// adapter naming it writes its code point instead.
pub fn shows_nothing(c: char) -> bool {
    c.is_whitespace() || c.is_control() || is_invisible(c)
}

/// Characters that take no room on screen: a body made of them (and blanks) shows nothing.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' // soft hyphen
            | '\u{034F}' // combining grapheme joiner
            | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers
            | '\u{180B}'..='\u{180F}' // Mongolian variation selectors and vowel separator
            | '\u{200B}'..='\u{200F}' // zero-width space, joiners, direction marks
            | '\u{202A}'..='\u{202E}' // direction embeddings
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{206F}' // direction isolates, deprecated format characters
            | '\u{FE00}'..='\u{FE0F}' // variation selectors
            | '\u{FEFF}' // byte-order mark
            | '\u{E0000}'..='\u{E007F}' // tags
    )
}

/// Parts needed for `widths` packed into parts of `capacity`, where a
/// character never straddles two parts.
fn parts(widths: impl Iterator<Item = usize>, capacity: usize) -> usize {
    let mut parts = 1;
    let mut used = 0;
    for width in widths {
        if used + width > capacity {
            parts += 1;
            used = 0;
        }
        used += width;
    }
    parts
}

/// Encoding, units and segment count of `text`.
fn measure(text: &str) -> (Encoding, usize, usize) {
    let mut septets = 0;
    let mut gsm = true;
    for c in text.chars() {
        match gsm_septets(c) {
            Some(n) => septets += n,
            None => {
                gsm = false;
                break;
            }
        }
    }
    if gsm {
        let segments = if septets <= GSM_SINGLE {
            1
        } else {
            // Every char is GSM here, so the fallback width is never used.
            parts(text.chars().map(|c| gsm_septets(c).unwrap_or(1)), GSM_PART)
        };
        return (Encoding::Gsm7, septets, segments);
    }
    let units: usize = text.chars().map(char::len_utf16).sum();
    let segments = if units <= UCS2_SINGLE {
        1
    } else {
        // Cut every 67 units, surrogate pairs included, as Kannel does.
        units.div_ceil(UCS2_PART)
    };
    (Encoding::Ucs2, units, segments)
}

impl SmsBody {
    pub const MAX_SEGMENTS: u8 = 10;

    /// Checks `text` as an SMS body, keeping it exactly as written.
    pub fn parse(text: &str) -> Result<SmsBody, SmsBodyError> {
        if text.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
            return Err(SmsBodyError::Empty);
        }
        let (encoding, units, segments) = measure(text);
        if segments > usize::from(Self::MAX_SEGMENTS) {
            return Err(SmsBodyError::TooLong {
                segments,
                max: Self::MAX_SEGMENTS,
                encoding,
                units,
            });
        }
        Ok(SmsBody {
            text: text.to_owned(),
            encoding,
            // At most MAX_SEGMENTS here, so it fits.
            segments: segments as u8,
            units,
        })
    }
    /// A body as someone writes it (draft, edit, Discord form): Windows line ends become line
    /// feeds; hidden control characters and `javascript:`/`data:` links are refused.
    pub fn write(text: &str) -> Result<SmsBody, SmsBodyError> {
        let text = text.replace("\r\n", "\n");
        if let Some((position, character)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| is_hidden_control(*c))
        {
            return Err(SmsBodyError::HiddenControl {
                character,
                position: position + 1,
            });
        }
        if let Some((scheme, position)) = super::links::forbidden_scheme(&text) {
            return Err(SmsBodyError::ForbiddenLink { scheme, position });
        }
        SmsBody::parse(&text)
    }

    /// The characters that make this body UCS-2, each once, with the position (from 1) where
    /// it first appears; empty for a GSM-7 body.
    pub fn ucs2_characters(&self) -> Vec<(char, usize)> {
        let mut found: Vec<(char, usize)> = Vec::new();
        for (i, c) in self.text.chars().enumerate() {
            if gsm_septets(c).is_none() && !found.iter().any(|(seen, _)| *seen == c) {
                found.push((c, i + 1));
            }
        }
        found
    }

    /// The body with its typographic quotes, dashes, ellipses and special spaces made plain,
    /// when that makes it GSM-7 (cheaper); `None` otherwise. Nothing else is changed.
    pub fn gsm7_version(&self) -> Option<SmsBody> {
        if self.encoding == Encoding::Gsm7 {
            return None;
        }
        let mut plain = String::with_capacity(self.text.len());
        for c in self.text.chars() {
            match plain_equivalent(c) {
                Some(s) => plain.push_str(s),
                None => plain.push(c),
            }
        }
        SmsBody::parse(&plain)
            .ok()
            .filter(|b| b.encoding == Encoding::Gsm7)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }
    pub fn segments(&self) -> u8 {
        self.segments
    }
    /// GSM septets (extension characters count 2) or UTF-16 code units.
    pub fn units(&self) -> usize {
        self.units
    }
}

impl fmt::Display for SmsBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> SmsBody {
        SmsBody::parse(text).unwrap_or_else(|e| panic!("{text:?} refused: {e}"))
    }

    #[test]
    fn a_body_being_written_refuses_what_a_moderator_could_not_see() {
        for (text, character, position) in [
            ("Hi\u{202E}there", '\u{202E}', 3),
            ("Hi\u{2066}x", '\u{2066}', 3),
            ("\u{200B}Promo", '\u{200B}', 1),
            ("Pro\u{AD}mo", '\u{AD}', 4),
            ("Promo\u{FEFF}", '\u{FEFF}', 6),
            ("a\u{2060}b", '\u{2060}', 2),
            ("a\u{2028}b", '\u{2028}', 2),
            ("a\rb", '\r', 2),
            ("a\u{7}b", '\u{7}', 2),
            ("a\u{85}b", '\u{85}', 2),
        ] {
            assert_eq!(
                SmsBody::write(text),
                Err(SmsBodyError::HiddenControl {
                    character,
                    position
                }),
                "{text:?}"
            );
        }
        // Windows line ends become line feeds; joiners stay (emoji families, scripts).
        assert_eq!(SmsBody::write("a\r\nb").unwrap().as_str(), "a\nb");
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} STOP";
        assert_eq!(SmsBody::write(family).unwrap().as_str(), family);
    }

    #[test]
    fn plain_ascii_is_gsm_in_one_segment() {
        let sms = body("Hello, -20% today only! Reply STOP to opt out.");
        assert_eq!(sms.encoding(), Encoding::Gsm7);
        assert_eq!(sms.units(), 46);
        assert_eq!(sms.segments(), 1);
        assert_eq!(
            sms.as_str(),
            "Hello, -20% today only! Reply STOP to opt out."
        );
    }

    #[test]
    fn every_basic_set_character_is_one_septet() {
        let basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                     ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
        let sms = body(basic);
        assert_eq!(sms.encoding(), Encoding::Gsm7);
        assert_eq!(sms.units(), basic.chars().count());
        assert_eq!(sms.units(), 127, "the basic set minus the escape code");
    }

    #[test]
    fn extension_characters_are_two_septets() {
        let sms = body("^{}\\[~]|€\x0C");
        assert_eq!(sms.encoding(), Encoding::Gsm7);
        assert_eq!(sms.units(), 20);
    }

    #[test]
    fn the_euro_sign_stays_gsm_and_costs_two_septets() {
        let sms = body("Only 5€");
        assert_eq!(sms.encoding(), Encoding::Gsm7);
        assert_eq!(sms.units(), 8);
        // 159 septets + the euro sign = 161: two segments.
        let sms = body(&format!("{}€", "a".repeat(159)));
        assert_eq!(sms.units(), 161);
        assert_eq!(sms.segments(), 2);
    }

    #[test]
    fn characters_outside_gsm_switch_to_ucs2() {
        for text in [
            "Café `noir`",
            "ça va",
            "Привет",
            "Grüße — bis bald",
            "Hi 👋",
        ] {
            assert_eq!(body(text).encoding(), Encoding::Ucs2, "{text:?}");
        }
        // ç is not GSM (only Ç is), the backtick neither.
        assert_eq!(body("ç").encoding(), Encoding::Ucs2);
        assert_eq!(body("`").encoding(), Encoding::Ucs2);
    }

    #[test]
    fn gsm_160_septets_is_one_segment_161_is_two() {
        let sms = body(&"a".repeat(160));
        assert_eq!((sms.units(), sms.segments()), (160, 1));
        let sms = body(&"a".repeat(161));
        assert_eq!((sms.units(), sms.segments()), (161, 2));
        // An extension char tipping the total over 160.
        let sms = body(&format!("{}{{", "a".repeat(158)));
        assert_eq!((sms.units(), sms.segments()), (160, 1));
        let sms = body(&format!("{}{{", "a".repeat(159)));
        assert_eq!((sms.units(), sms.segments()), (161, 2));
    }

    #[test]
    fn gsm_parts_hold_153_septets() {
        assert_eq!(body(&"a".repeat(306)).segments(), 2);
        assert_eq!(body(&"a".repeat(307)).segments(), 3);
        assert_eq!(body(&"a".repeat(459)).segments(), 3);
        assert_eq!(body(&"a".repeat(460)).segments(), 4);
    }

    #[test]
    fn an_escape_pair_is_never_split_across_parts() {
        // 152 + 2 = 154 > 153: the euro sign starts part two.
        // Part two then holds 2 + 151 = 153, so 152 + 2 + 151 fits in two parts...
        let sms = body(&format!("{}€{}", "a".repeat(152), "a".repeat(151)));
        assert_eq!((sms.units(), sms.segments()), (305, 2));
        // ...but one more septet needs a third part, although 306 septets
        // would fit in two parts if the pair could be split.
        let sms = body(&format!("{}€{}", "a".repeat(152), "a".repeat(152)));
        assert_eq!((sms.units(), sms.segments()), (306, 3));
        // A pair that ends exactly at the boundary stays in part one.
        let sms = body(&format!("{}€{}", "a".repeat(151), "a".repeat(153)));
        assert_eq!((sms.units(), sms.segments()), (306, 2));
    }

    #[test]
    fn ucs2_70_units_is_one_segment_71_is_two() {
        let sms = body(&"ç".repeat(69));
        assert_eq!(
            (sms.encoding(), sms.units(), sms.segments()),
            (Encoding::Ucs2, 69, 1)
        );
        let sms = body(&"ç".repeat(70));
        assert_eq!((sms.units(), sms.segments()), (70, 1));
        let sms = body(&"ç".repeat(71));
        assert_eq!((sms.units(), sms.segments()), (71, 2));
        assert_eq!(body(&"ç".repeat(134)).segments(), 2);
        assert_eq!(body(&"ç".repeat(135)).segments(), 3);
    }

    #[test]
    fn an_emoji_counts_two_units() {
        let sms = body("👋");
        assert_eq!(
            (sms.encoding(), sms.units(), sms.segments()),
            (Encoding::Ucs2, 2, 1)
        );
        let sms = body(&format!("{}👋", "a".repeat(68)));
        assert_eq!((sms.units(), sms.segments()), (70, 1));
        let sms = body(&format!("{}👋", "a".repeat(69)));
        assert_eq!((sms.units(), sms.segments()), (71, 2));
    }

    #[test]
    fn ucs2_parts_are_cut_every_67_units_as_kannel_does() {
        let sms = body(&format!("{}👋{}", "ç".repeat(66), "ç".repeat(65)));
        assert_eq!((sms.units(), sms.segments()), (133, 2));
        // The emoji straddles the boundary: Kannel cuts the pair, so 134 units are 2 parts.
        let sms = body(&format!("{}👋{}", "ç".repeat(66), "ç".repeat(66)));
        assert_eq!((sms.units(), sms.segments()), (134, 2));
        let sms = body(&format!("{}👋{}", "ç".repeat(66), "ç".repeat(67)));
        assert_eq!((sms.units(), sms.segments()), (135, 3));
        // A ZWJ family (11 units) across the boundary is cut between its code points too.
        let family = "👨\u{200d}👩\u{200d}👧\u{200d}👦";
        let sms = body(&format!("{}{family}{}", "ç".repeat(60), "ç".repeat(63)));
        assert_eq!((sms.units(), sms.segments()), (134, 2));
    }

    #[test]
    fn exactly_ten_segments_are_accepted_eleven_refused() {
        let sms = body(&"a".repeat(1530));
        assert_eq!(sms.segments(), SmsBody::MAX_SEGMENTS);
        assert_eq!(
            SmsBody::parse(&"a".repeat(1531)),
            Err(SmsBodyError::TooLong {
                segments: 11,
                max: 10,
                encoding: Encoding::Gsm7,
                units: 1531,
            })
        );
        assert_eq!(body(&"ç".repeat(670)).segments(), 10);
        assert_eq!(
            SmsBody::parse(&"ç".repeat(671)),
            Err(SmsBodyError::TooLong {
                segments: 11,
                max: 10,
                encoding: Encoding::Ucs2,
                units: 671,
            })
        );
    }

    #[test]
    fn the_too_long_message_says_how_much_and_what_to_do() {
        let err = SmsBody::parse(&"a".repeat(2000)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the message needs 14 SMS segments (2000 GSM-7 units); at most 10 are allowed: shorten it"
        );
    }

    #[test]
    fn empty_and_blank_bodies_are_refused() {
        for text in [
            "",
            " ",
            "\n\r\t ",
            "\u{a0}\u{3000}",
            "\u{200b}",
            " \u{200b}\u{200d}\u{feff} ",
            "\u{2060}\u{00ad}",
        ] {
            assert_eq!(SmsBody::parse(text), Err(SmsBodyError::Empty), "{text:?}");
        }
        // Something visible next to them is a message.
        assert!(SmsBody::parse("\u{200b}Hi").is_ok());
    }

    #[test]
    fn the_text_is_kept_exactly_as_written() {
        let text = "  Hi!\n\nSee you ";
        let sms = body(text);
        assert_eq!(sms.as_str(), text);
        assert_eq!(sms.units(), text.len());
    }
}
