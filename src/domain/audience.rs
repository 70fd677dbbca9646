//! Audiences: contact lists an account keeps between campaigns, each a name for a frozen
//! recipient list that every import replaces.
use std::fmt;

use super::ids::AudienceId;

/// An audience's name: 1 to 64 characters without control characters, unique per account
/// without regard to case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct AudienceName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AudienceNameError {
    #[error("an audience needs a name: give it one, such as \"clients-paris\"")]
    Empty,
    #[error("an audience name has at most 64 characters")]
    TooLong,
    #[error("audience names can't contain control characters")]
    ControlCharacter,
    /// Commas separate the audiences a campaign takes.
    #[error(
        "audience names can't contain commas: commas separate audiences in a campaign's recipients"
    )]
    Comma,
}

impl AudienceName {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(input: &str) -> Result<AudienceName, AudienceNameError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(AudienceNameError::Empty);
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(AudienceNameError::TooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(AudienceNameError::ControlCharacter);
        }
        if name.contains(',') {
            return Err(AudienceNameError::Comma);
        }
        Ok(AudienceName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form uniqueness is checked on.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for AudienceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How an import treats an audience that exists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// A new audience only: an existing name is refused, so nothing is overwritten by mistake.
    #[default]
    Create,
    /// The file becomes the whole audience.
    Replace,
    /// The file's numbers are added; a number already there takes the file's values.
    Merge,
}

impl ImportMode {
    pub fn parse(s: &str) -> Option<ImportMode> {
        match s.trim().to_lowercase().as_str() {
            "create" | "new" => Some(ImportMode::Create),
            "replace" => Some(ImportMode::Replace),
            "merge" => Some(ImportMode::Merge),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AudienceError {
    #[error("{0}")]
    Name(#[from] AudienceNameError),
    #[error(
        "an audience called \"{name}\" already exists: choose another name, or import it again with --mode replace (the file becomes the audience) or --mode merge (the file's numbers are added and updated)"
    )]
    NameTaken { name: String },
    #[error("no audience is called \"{name}\"")]
    NotFound { name: String },
    #[error("the audience \"{name}\" is both taken and excluded: name it in one place only")]
    IncludedAndExcluded { name: String },
    #[error("name at least one audience to take recipients from")]
    NoneIncluded,
    /// A draft's audience was deleted since it was chosen.
    #[error(
        "an audience this campaign takes its recipients from was deleted: choose its audiences again"
    )]
    Deleted { id: AudienceId },
    #[error("the audiences chosen leave no recipient")]
    Empty,
}

/// Audiences named in a campaign's recipients, checked: at least one taken, none both taken
/// and excluded.
pub fn check_choice(
    include: &[AudienceName],
    exclude: &[AudienceName],
) -> Result<(), AudienceError> {
    if include.is_empty() {
        return Err(AudienceError::NoneIncluded);
    }
    if let Some(both) = include
        .iter()
        .find(|i| exclude.iter().any(|e| e.key() == i.key()))
    {
        return Err(AudienceError::IncludedAndExcluded {
            name: both.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_choices_are_checked() {
        assert_eq!(AudienceName::parse("  "), Err(AudienceNameError::Empty));
        assert_eq!(
            AudienceName::parse(&"x".repeat(65)),
            Err(AudienceNameError::TooLong)
        );
        let clients = AudienceName::parse("Clients").unwrap();
        let vip = AudienceName::parse("clients").unwrap();
        assert_eq!(clients.key(), vip.key());
        assert_eq!(
            check_choice(std::slice::from_ref(&clients), &[vip]),
            Err(AudienceError::IncludedAndExcluded {
                name: "Clients".into()
            })
        );
        assert_eq!(check_choice(&[], &[]), Err(AudienceError::NoneIncluded));
        assert!(check_choice(&[clients], &[]).is_ok());
        assert_eq!(ImportMode::parse("Merge"), Some(ImportMode::Merge));
        assert_eq!(ImportMode::parse("append"), None);
    }
}

/// What an audience's last import did, kept with it for `show`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportSummary {
    pub mode: String,
    /// Numbers read from the file and kept.
    pub from_file: u64,
    /// Of those, numbers the audience did not have (all of them unless merging).
    pub added: u64,
    /// Numbers the audience had, updated with the file's values (merge).
    pub updated: u64,
    pub duplicates: super::recipients::RowIssues,
    pub invalid: super::recipients::RowIssues,
    pub opted_out: super::recipients::RowIssues,
    pub not_mobile: super::recipients::RowIssues,
    pub unusable_columns: Vec<String>,
}

impl ImportSummary {
    /// What reading a file gave, before any merge.
    pub fn of_file(mode: &str, report: &super::recipients::ImportReport) -> Self {
        ImportSummary {
            mode: mode.to_owned(),
            from_file: report.imported,
            added: report.imported,
            updated: 0,
            duplicates: report.duplicates.clone(),
            invalid: report.invalid.clone(),
            opted_out: report.opted_out.clone(),
            not_mobile: report.not_mobile.clone(),
            unusable_columns: report.unusable_columns.clone(),
        }
    }
}

/// Where a list's recipients came from and what their import left out, kept with the list so
/// that moderators see it beside the version that uses it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum ListOrigin {
    /// A file imported straight into a campaign.
    File { import: ImportSummary },
    /// An audience's own list, as its last import left it.
    Audience { name: String, import: ImportSummary },
    /// Several audiences combined, or one less others.
    Audiences {
        /// Each included audience with its count then.
        included: Vec<(String, u64)>,
        excluded: Vec<String>,
        /// Numbers left out because an excluded audience has them.
        excluded_numbers: u64,
        /// Numbers in more than one included audience, counted once.
        in_several: u64,
    },
}
