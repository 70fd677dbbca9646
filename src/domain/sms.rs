//! SMS bodies: GSM 03.38 or UCS-2, with their segment count. (stub: to be implemented)
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
    #[error("the message needs {segments} SMS segments ({units} {encoding} units); at most {max} are allowed: shorten it")]
    TooLong {
        segments: usize,
        max: u8,
        encoding: Encoding,
        units: usize,
    },
}

impl SmsBody {
    pub const MAX_SEGMENTS: u8 = 10;

    pub fn parse(text: &str) -> Result<SmsBody, SmsBodyError> {
        let _ = text;
        todo!()
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
    pub fn units(&self) -> usize {
        self.units
    }
}
