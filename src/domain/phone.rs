//! Phone numbers in E.164 and the regions national numbers are read in. (stub)
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region(phonenumber::country::Id);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown region \"{0}\": use a two-letter country code such as FR, BE or US")]
pub struct UnknownRegion(pub String);

impl FromStr for Region {
    type Err = UnknownRegion;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let _ = s;
        todo!()
    }
}
impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}
impl Region {
    pub fn id(&self) -> phonenumber::country::Id {
        self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    #[error("\"{input}\" is not a phone number: write it as +33612345678 or in the account's national format")]
    Unparsable { input: String },
    #[error("\"{input}\" is not a valid number in {region}: check the digits")]
    Invalid { input: String, region: String },
}

impl PhoneNumber {
    pub fn parse(input: &str, default_region: Region) -> Result<PhoneNumber, PhoneNumberError> {
        let _ = (input, default_region);
        todo!()
    }
    /// A number read back from storage, where only E.164 text was ever written.
    pub fn from_e164(e164: &str) -> Result<PhoneNumber, PhoneNumberError> {
        let _ = e164;
        todo!()
    }
    pub fn as_e164(&self) -> &str {
        &self.0
    }
}
impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
