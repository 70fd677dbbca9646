//! Why a moderator refuses a version, as a code. A leaf: campaigns and their effects both use it.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    Technical,
    CodeOfConduct,
}

impl RefusalCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalCode::Technical => "technical",
            RefusalCode::CodeOfConduct => "code_of_conduct",
        }
    }

    pub fn parse(s: &str) -> Option<RefusalCode> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "technical" => Some(RefusalCode::Technical),
            "code_of_conduct" | "conduct" => Some(RefusalCode::CodeOfConduct),
            _ => None,
        }
    }
}
