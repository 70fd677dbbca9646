//! What changed between two versions of a campaign: the body word by word, the sender, the
//! send time, the recipients. A moderator reading a resubmission sees what the owner changed
//! after a refusal, not the whole text again.
use similar::{ChangeTag, TextDiff};

use crate::domain::campaign::{SendMode, Submission};

/// One piece of a word-level diff; spaces stay with their words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Same(String),
    Added(String),
    Removed(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WordDiff(pub Vec<Change>);

impl WordDiff {
    pub fn is_unchanged(&self) -> bool {
        self.0.iter().all(|c| matches!(c, Change::Same(_)))
    }
}

/// `before` turned into `after`, word by word; neighbouring pieces of one kind are merged.
pub fn word_diff(before: &str, after: &str) -> WordDiff {
    let diff = TextDiff::from_words(before, after);
    let mut out: Vec<Change> = Vec::new();
    for change in diff.iter_all_changes() {
        let text = change.value();
        match (out.last_mut(), change.tag()) {
            (Some(Change::Same(t)), ChangeTag::Equal)
            | (Some(Change::Added(t)), ChangeTag::Insert)
            | (Some(Change::Removed(t)), ChangeTag::Delete) => t.push_str(text),
            (_, ChangeTag::Equal) => out.push(Change::Same(text.to_owned())),
            (_, ChangeTag::Insert) => out.push(Change::Added(text.to_owned())),
            (_, ChangeTag::Delete) => out.push(Change::Removed(text.to_owned())),
        }
    }
    WordDiff(out)
}

/// What changed from version `against` to the version under review.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionDiff {
    pub against: u32,
    pub body: WordDiff,
    /// Before and after, when it changed.
    pub sender: Option<(String, String)>,
    pub send: Option<(SendMode, SendMode)>,
    /// Recipient counts before and after.
    pub recipients: (u64, u64),
    /// Numbers in the new list and not the old one, and the other way round; `None` when the
    /// list is the same one.
    pub added: Option<u64>,
    pub removed: Option<u64>,
}

impl VersionDiff {
    /// The differences the two submissions show by themselves (the store counts the numbers
    /// added and removed when the lists differ).
    pub fn between(before: &Submission, after: &Submission) -> VersionDiff {
        VersionDiff {
            against: before.version,
            body: word_diff(before.body.as_str(), after.body.as_str()),
            sender: (before.sender != after.sender).then(|| {
                (
                    before.sender.as_str().to_owned(),
                    after.sender.as_str().to_owned(),
                )
            }),
            send: (before.mode != after.mode).then(|| (before.mode.clone(), after.mode.clone())),
            recipients: (before.recipients.count, after.recipients.count),
            added: None,
            removed: None,
        }
    }

    pub fn same_list(before: &Submission, after: &Submission) -> bool {
        before.recipients.id == after.recipients.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_added_and_removed_keep_their_spaces() {
        let d = word_diff(
            "Soldes -20% ce week-end ! STOP au 36180",
            "Soldes -30% ce week-end seulement ! STOP au 36180",
        );
        let rebuilt_after: String =
            d.0.iter()
                .filter_map(|c| match c {
                    Change::Same(t) | Change::Added(t) => Some(t.as_str()),
                    Change::Removed(_) => None,
                })
                .collect();
        assert_eq!(
            rebuilt_after,
            "Soldes -30% ce week-end seulement ! STOP au 36180"
        );
        let added: Vec<&str> =
            d.0.iter()
                .filter_map(|c| match c {
                    Change::Added(t) => Some(t.as_str()),
                    _ => None,
                })
                .collect();
        assert!(added.iter().any(|a| a.contains("-30%")), "{d:?}");
        assert!(added.iter().any(|a| a.contains("seulement")), "{d:?}");
        assert!(
            d.0.iter()
                .any(|c| matches!(c, Change::Removed(t) if t.contains("-20%")))
        );
        assert!(word_diff("même texte", "même texte").is_unchanged());
    }
}
