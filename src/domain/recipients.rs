//! Recipient lists from CSV rows: header detection, number column, duplicates, opt-outs. (stub)
use std::collections::HashSet;

use super::phone::{PhoneNumber, Region};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub phone: PhoneNumber,
    pub name: Option<String>,
    /// 1-based line of the file the recipient came from.
    pub line: u64,
}

/// Up to this many line numbers are kept per kind of problem; the rest are counted.
pub const REPORTED_LINES: usize = 20;

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RowIssues {
    pub count: u64,
    pub first_lines: Vec<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub imported: u64,
    pub duplicates: RowIssues,
    pub invalid: RowIssues,
    pub opted_out: RowIssues,
    pub had_header: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnsError {
    #[error(
        "no column of phone numbers found: name it \"phone\" in a header row, or put numbers in the first column"
    )]
    NoNumberColumn,
}

/// Classifies the rows of one import, in file order.
pub struct RecipientClassifier {
    _region: Region,
    _opted_out: HashSet<String>,
}

impl RecipientClassifier {
    pub fn new(default_region: Region, opted_out: HashSet<String>) -> RecipientClassifier {
        let _ = (default_region, opted_out);
        todo!()
    }
    /// Reads the first record: a header names the columns, otherwise it is data.
    pub fn first_record(
        &mut self,
        line: u64,
        fields: &[&str],
    ) -> Result<Option<Recipient>, ColumnsError> {
        let _ = (line, fields);
        todo!()
    }
    pub fn record(&mut self, line: u64, fields: &[&str]) -> Option<Recipient> {
        let _ = (line, fields);
        todo!()
    }
    pub fn finish(self) -> ImportReport {
        todo!()
    }
}
