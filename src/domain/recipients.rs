//! Recipient lists from CSV rows: header detection, number column, duplicates, opt-outs.
use std::collections::{HashMap, HashSet};

use super::personal::{ListColumns, clean_value, join_values};
use super::phone::{LineType, PhoneNumber, Region};
use super::template::FieldName;
use super::text::without_accent;
use super::window::Destination;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub phone: PhoneNumber,
    pub name: Option<String>,
    /// The recipient's merge-field values, stored form (see `personal::join_values`); `None`
    /// when the list has no columns.
    pub fields: Option<String>,
    /// 1-based line of the file the recipient came from.
    pub line: u64,
    /// Where the phone is, for its sending window.
    pub destination: Destination,
}

/// Up to this many line numbers are kept per kind of problem; the rest are counted.
pub const REPORTED_LINES: usize = 20;

/// Longer names are cut: they end up in SMS text, where every character costs.
pub const MAX_NAME_CHARS: usize = 100;

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowIssues {
    pub count: u64,
    pub first_lines: Vec<u64>,
}

impl RowIssues {
    pub fn add(&mut self, line: u64) {
        self.count += 1;
        if self.first_lines.len() < REPORTED_LINES {
            self.first_lines.push(line);
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub imported: u64,
    pub duplicates: RowIssues,
    pub invalid: RowIssues,
    pub opted_out: RowIssues,
    /// Valid numbers that can't receive a marketing SMS (landlines, toll-free, premium-rate,
    /// VoIP...): left out, unless the import was asked to keep them.
    pub not_mobile: RowIssues,
    /// Whether the numbers in `not_mobile` were imported all the same.
    pub kept_not_mobile: bool,
    pub had_header: bool,
    /// How many imported numbers are in each destination, most first.
    pub destinations: Vec<(Destination, u64)>,
    /// The columns a message can use as merge fields (`{prenom}`).
    pub columns: Vec<FieldName>,
    /// Header cells that can't name a merge field (spaces, punctuation): their column is not
    /// kept.
    pub unusable_columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnsError {
    #[error(
        "no column of phone numbers found: name it \"phone\" in a header row, or put numbers in the first column"
    )]
    NoNumberColumn,
    #[error("the header names the column \"{name}\" twice: give each column its own name")]
    RepeatedColumn { name: String },
}

/// Where the number and the name are in each record (0-based field indexes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub number: usize,
    pub name: Option<usize>,
}

/// Classifies the rows of one import, in file order.
pub struct RecipientClassifier {
    region: Region,
    opted_out: NumberSet,
    seen: NumberSet,
    columns: Option<Columns>,
    /// The fields of each record kept as merge fields, in the list's column order.
    merge: Vec<usize>,
    report: ImportReport,
    destinations: HashMap<Destination, u64>,
}

impl RecipientClassifier {
    /// `opted_out` holds the E.164 numbers that must not be imported.
    pub fn new(default_region: Region, opted_out: HashSet<String>) -> RecipientClassifier {
        Self::with_options(default_region, opted_out, false)
    }

    /// `keep_not_mobile`: import valid numbers that can't receive an SMS too (still reported).
    pub fn with_options(
        default_region: Region,
        opted_out: HashSet<String>,
        keep_not_mobile: bool,
    ) -> RecipientClassifier {
        let mut opted_out_set = NumberSet::default();
        for e164 in &opted_out {
            opted_out_set.insert(e164);
        }
        RecipientClassifier {
            region: default_region,
            opted_out: opted_out_set,
            seen: NumberSet::default(),
            columns: None,
            merge: Vec::new(),
            report: ImportReport {
                kept_not_mobile: keep_not_mobile,
                ..ImportReport::default()
            },
            destinations: HashMap::new(),
        }
    }

    /// The columns, once the first non-blank record has decided them.
    pub fn columns(&self) -> Option<Columns> {
        self.columns
    }

    /// Reads the first record: a header names the columns, otherwise it is data.
    ///
    /// A blank record decides nothing: call again with the next record while
    /// [`columns`](Self::columns) is `None`.
    pub fn first_record(
        &mut self,
        line: u64,
        fields: &[&str],
    ) -> Result<Option<Recipient>, ColumnsError> {
        if is_blank(fields) {
            return Ok(None);
        }
        let parses: Vec<bool> = fields
            .iter()
            .map(|field| {
                let field = field.trim();
                !field.is_empty() && PhoneNumber::parse(field, self.region).is_ok()
            })
            .collect();
        let no_number = !parses.contains(&true);
        if no_number && fields.iter().any(|field| looks_like_column_name(field)) {
            let number = header_number_column(fields).ok_or(ColumnsError::NoNumberColumn)?;
            let name = header_name_column(fields, number);
            self.merge_columns(fields, number, name)?;
            self.columns = Some(Columns { number, name });
            self.report.had_header = true;
            return Ok(None);
        }
        let number = parses
            .iter()
            .position(|&parses| parses)
            .ok_or(ColumnsError::NoNumberColumn)?;
        // A name holds letters: this skips counters, dates and amounts.
        let name = (0..fields.len()).find(|&index| {
            index != number && !parses[index] && fields[index].chars().any(char::is_alphabetic)
        });
        self.columns = Some(Columns { number, name });
        if let Some(index) = name {
            self.keep_column(index, FieldName::parse("name").expect("a valid name"));
        }
        Ok(self.record(line, fields))
    }

    /// The header's columns but the number become merge fields, by their names; the name
    /// column is also `{name}` when no column is called that.
    fn merge_columns(
        &mut self,
        header: &[&str],
        number: usize,
        name: Option<usize>,
    ) -> Result<(), ColumnsError> {
        let mut seen: Vec<FieldName> = Vec::new();
        for (index, cell) in header.iter().enumerate() {
            let cell = cell.trim();
            if cell.is_empty() || index == number {
                continue;
            }
            let Some(field) = FieldName::parse(cell) else {
                // The name column is kept all the same, as `{name}`.
                if Some(index) != name {
                    self.report.unusable_columns.push(cell.to_owned());
                }
                continue;
            };
            if seen.contains(&field) {
                return Err(ColumnsError::RepeatedColumn {
                    name: cell.to_owned(),
                });
            }
            seen.push(field.clone());
            self.keep_column(index, field);
        }
        let name_field = FieldName::parse("name").expect("a valid name");
        if let Some(index) = name
            && !self.report.columns.contains(&name_field)
        {
            self.keep_column(index, name_field);
        }
        Ok(())
    }

    fn keep_column(&mut self, index: usize, field: FieldName) {
        self.merge.push(index);
        self.report.columns.push(field);
    }

    /// The columns of the list this import writes.
    pub fn list_columns(&self) -> ListColumns {
        ListColumns::new(self.report.columns.clone())
    }

    /// Classifies a data record: `Some` for a new, valid, reachable number;
    /// every other non-blank record is counted in the report.
    pub fn record(&mut self, line: u64, fields: &[&str]) -> Option<Recipient> {
        let Some(columns) = self.columns else {
            // Called before the columns are known: decide them now, and count
            // the record as invalid if it cannot.
            return self.first_record(line, fields).unwrap_or_else(|_| {
                self.report.invalid.add(line);
                None
            });
        };
        if is_blank(fields) {
            return None;
        }
        let number_field = fields.get(columns.number).map_or("", |field| field.trim());
        let read = match PhoneNumber::read(number_field, self.region) {
            Ok(read) => read,
            Err(_) => {
                self.report.invalid.add(line);
                return None;
            }
        };
        let phone = read.number;
        if self.opted_out.contains(phone.as_e164()) {
            self.report.opted_out.add(line);
            return None;
        }
        if !self.seen.insert(phone.as_e164()) {
            self.report.duplicates.add(line);
            return None;
        }
        if !LineType::receives_sms(read.line) {
            self.report.not_mobile.add(line);
            if !self.report.kept_not_mobile {
                return None;
            }
        }
        self.report.imported += 1;
        let name = columns
            .name
            .and_then(|index| fields.get(index))
            .and_then(|field| clean_name(field));
        let destination = Destination::of(&phone, read.region);
        *self.destinations.entry(destination).or_default() += 1;
        let values = (!self.merge.is_empty()).then(|| {
            let cleaned: Vec<String> = self
                .merge
                .iter()
                .map(|&index| clean_value(fields.get(index).copied().unwrap_or(""), MAX_NAME_CHARS))
                .collect();
            join_values(cleaned.iter().map(String::as_str))
        });
        Some(Recipient {
            phone,
            name,
            fields: values,
            line,
            destination,
        })
    }

    pub fn finish(mut self) -> ImportReport {
        let mut destinations: Vec<(Destination, u64)> = self.destinations.into_iter().collect();
        destinations.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| a.0.to_stored().cmp(&b.0.to_stored()))
        });
        self.report.destinations = destinations;
        self.report
    }
}

/// A set of E.164 numbers. E.164 has at most 15 digits, so the digits fit a
/// `u64`: 8 bytes per number instead of a ~40-byte `String`, which matters at
/// a million rows.
#[derive(Default)]
pub struct NumberSet {
    digits: HashSet<u64>,
    /// Numbers that do not fit the compact form; empty for real E.164 input.
    other: HashSet<String>,
}

impl NumberSet {
    /// Returns whether the number was new.
    pub fn insert(&mut self, e164: &str) -> bool {
        match e164_digits(e164) {
            Some(digits) => self.digits.insert(digits),
            None => self.other.insert(e164.to_string()),
        }
    }
    pub fn contains(&self, e164: &str) -> bool {
        match e164_digits(e164) {
            Some(digits) => self.digits.contains(&digits),
            None => self.other.contains(e164),
        }
    }
}

/// The digits of "+33612345678" as 33612345678. Country codes never start
/// with 0, so distinct numbers give distinct values.
fn e164_digits(e164: &str) -> Option<u64> {
    let digits = e164.strip_prefix('+')?;
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn is_blank(fields: &[&str]) -> bool {
    fields.iter().all(|field| field.trim().is_empty())
}

fn clean_name(field: &str) -> Option<String> {
    // Collapses line breaks and runs of spaces, which would show in the SMS.
    let mut name = String::new();
    for word in field.split_whitespace() {
        if !name.is_empty() {
            name.push(' ');
        }
        name.push_str(word);
    }
    if name.is_empty() {
        return None;
    }
    if let Some((cut, _)) = name.char_indices().nth(MAX_NAME_CHARS) {
        name.truncate(cut);
        name.truncate(name.trim_end().len());
    }
    Some(name)
}

/// Names of a number column, after [`fold`]. Specific names come first: a
/// "phone" column wins over a "number" one, which may be an order number.
const NUMBER_NAMES: [&[&str]; 2] = [
    &[
        "phone",
        "mobile",
        "msisdn",
        "tel",
        "telephone",
        "portable",
        "gsm",
        "cell",
        "cellulaire",
    ],
    &["number", "numero", "num"],
];

/// Names of a name column, after [`fold`]. First names come first: they are
/// what a greeting uses ("Nom;Prénom" picks "Prénom").
const NAME_NAMES: [&[&str]; 2] = [
    &["prenom", "firstname", "givenname"],
    &["name", "nom", "fullname", "contact"],
];

fn looks_like_column_name(field: &str) -> bool {
    let words = fold(field);
    name_rank(&words, &NUMBER_NAMES).is_some() || name_rank(&words, &NAME_NAMES).is_some()
}

fn header_number_column(fields: &[&str]) -> Option<usize> {
    best_column(fields, |words| name_rank(words, &NUMBER_NAMES))
}

fn header_name_column(fields: &[&str], number: usize) -> Option<usize> {
    best_column(fields, |words| {
        // "Contact number" is a number column, not a name.
        if name_rank(words, &NUMBER_NAMES).is_some() {
            return None;
        }
        name_rank(words, &NAME_NAMES)
    })
    .filter(|&index| index != number)
}

/// The leftmost field with the best (lowest) rank.
fn best_column(fields: &[&str], rank: impl Fn(&[String]) -> Option<usize>) -> Option<usize> {
    fields
        .iter()
        .enumerate()
        .filter_map(|(index, field)| rank(&fold(field)).map(|rank| (rank, index)))
        .min()
        .map(|(_, index)| index)
}

/// The rank of the first group one of the words belongs to. Besides exact
/// words, names of 4+ letters also match as a prefix or suffix ("phones",
/// "cellphone", "firstname" written "FirstName"); short ones ("tel", "nom")
/// only match exactly so "hotel" or "nombre" do not.
fn name_rank(words: &[String], groups: &[&[&str]]) -> Option<usize> {
    let joined: String = words.concat();
    groups.iter().position(|names| {
        names.iter().any(|name| {
            joined == *name
                || words.iter().any(|word| {
                    word == name
                        || (name.len() >= 4 && (word.starts_with(name) || word.ends_with(name)))
                })
        })
    })
}

/// Lowercase words without accents: "Téléphone portable" → ["telephone", "portable"].
fn fold(field: &str) -> Vec<String> {
    let mut folded = String::with_capacity(field.len());
    for c in field.chars().flat_map(char::to_lowercase) {
        let base = match without_accent(c) {
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        folded.push(base);
    }
    folded.split_whitespace().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr() -> Region {
        "FR".parse().unwrap()
    }

    fn classifier() -> RecipientClassifier {
        RecipientClassifier::new(fr(), HashSet::new())
    }

    /// Feeds rows numbered from line 1 and returns the recipients and the report.
    fn classify(
        mut classifier: RecipientClassifier,
        rows: &[&[&str]],
    ) -> (Vec<Recipient>, ImportReport) {
        let mut recipients = Vec::new();
        for (index, fields) in rows.iter().enumerate() {
            let line = index as u64 + 1;
            let recipient = if classifier.columns().is_none() {
                classifier.first_record(line, fields).unwrap()
            } else {
                classifier.record(line, fields)
            };
            recipients.extend(recipient);
        }
        (recipients, classifier.finish())
    }

    fn e164s(recipients: &[Recipient]) -> Vec<&str> {
        recipients.iter().map(|r| r.phone.as_e164()).collect()
    }

    #[test]
    fn a_header_names_the_columns() {
        let (recipients, report) = classify(
            classifier(),
            &[
                &["Prénom", "Téléphone"],
                &["Marie", "06 12 34 56 78"],
                &["Paul", "+33 7 56 34 56 78"],
            ],
        );
        assert!(report.had_header);
        assert_eq!(report.imported, 2);
        assert_eq!(e164s(&recipients), ["+33612345678", "+33756345678"]);
        assert_eq!(recipients[0].name.as_deref(), Some("Marie"));
        assert_eq!(recipients[0].line, 2);
        assert_eq!(recipients[1].line, 3);
    }

    #[test]
    fn column_names_ignore_case_accents_and_punctuation() {
        for (header, number) in [
            (["NUMÉRO", "nom"], 0),
            (["Full Name", "Mobile"], 1),
            (["contact", "msisdn"], 1),
            (["FirstName", "Phone_Number"], 1),
            (["tel.", "Nom"], 0),
            (["GSM", "name"], 0),
            (["Cellphone", "x"], 0),
            (["portable", "prénom"], 0),
        ] {
            let mut classifier = classifier();
            assert_eq!(classifier.first_record(1, &header), Ok(None), "{header:?}");
            assert_eq!(classifier.columns().unwrap().number, number, "{header:?}");
        }
    }

    #[test]
    fn a_phone_column_wins_over_a_generic_number_and_a_first_name_over_a_name() {
        let mut classifier = classifier();
        let header = ["Nom", "Numéro client", "Prénom", "Téléphone portable"];
        assert_eq!(classifier.first_record(1, &header), Ok(None));
        assert_eq!(
            classifier.columns(),
            Some(Columns {
                number: 3,
                name: Some(2)
            })
        );
    }

    #[test]
    fn a_contact_number_column_is_the_number_not_the_name() {
        let mut classifier = classifier();
        assert_eq!(
            classifier.first_record(1, &["Contact number", "Name"]),
            Ok(None)
        );
        assert_eq!(
            classifier.columns(),
            Some(Columns {
                number: 0,
                name: Some(1)
            })
        );
    }

    #[test]
    fn a_header_without_a_number_column_is_an_error() {
        let mut classifier = classifier();
        assert_eq!(
            classifier.first_record(1, &["Name", "City"]),
            Err(ColumnsError::NoNumberColumn)
        );
        assert!(ColumnsError::NoNumberColumn.to_string().contains("phone"));
    }

    #[test]
    fn without_a_header_the_first_number_column_is_used() {
        let (recipients, report) = classify(
            classifier(),
            &[
                &["42", "0612345678", "Marie Curie"],
                &["43", "0756345678", "  Paul  "],
            ],
        );
        assert!(!report.had_header);
        assert_eq!(report.imported, 2);
        assert_eq!(e164s(&recipients), ["+33612345678", "+33756345678"]);
        assert_eq!(recipients[0].line, 1);
        assert_eq!(recipients[0].name.as_deref(), Some("Marie Curie"));
        assert_eq!(recipients[1].name.as_deref(), Some("Paul"));
    }

    #[test]
    fn without_a_header_a_single_number_column_has_no_name() {
        let (recipients, _) = classify(classifier(), &[&["+33612345678"], &["0756345678"]]);
        assert_eq!(recipients.len(), 2);
        assert!(recipients.iter().all(|r| r.name.is_none()));
    }

    #[test]
    fn a_first_row_without_a_number_or_column_name_is_an_error() {
        let mut classifier = classifier();
        assert_eq!(
            classifier.first_record(1, &["0612345678:Marie"]),
            Err(ColumnsError::NoNumberColumn)
        );
    }

    #[test]
    fn blank_records_are_skipped_and_do_not_decide_the_columns() {
        let (recipients, report) = classify(
            classifier(),
            &[
                &["", "  "],
                &["phone", "name"],
                &[""],
                &["0612345678", "Marie"],
                &["", ""],
            ],
        );
        assert!(report.had_header);
        assert_eq!(recipients.len(), 1);
        assert_eq!(recipients[0].line, 4);
        assert_eq!(report.invalid, RowIssues::default());
    }

    #[test]
    fn invalid_duplicate_and_opted_out_rows_are_counted_with_their_lines() {
        let opted_out = HashSet::from(["+33756000001".to_string()]);
        let (recipients, report) = classify(
            RecipientClassifier::new(fr(), opted_out),
            &[
                &["phone", "name"],
                &["0612345678", "Marie"],
                &["not a number", "Paul"],
                &["+33 6 12 34 56 78", "Marie again"],
                &["07 56 00 00 01", "Opted out"],
                &[],
                &["", "no number"],
                &["0612", "too short"],
                &["+33756000001"],
            ],
        );
        assert_eq!(e164s(&recipients), ["+33612345678"]);
        assert_eq!(report.imported, 1);
        assert_eq!(report.invalid.count, 3);
        assert_eq!(report.invalid.first_lines, [3, 7, 8]);
        assert_eq!(report.duplicates.count, 1);
        assert_eq!(report.duplicates.first_lines, [4]);
        assert_eq!(report.opted_out.count, 2);
        assert_eq!(report.opted_out.first_lines, [5, 9]);
    }

    #[test]
    fn a_row_missing_the_number_column_is_invalid() {
        let (recipients, report) = classify(
            classifier(),
            &[&["name", "phone"], &["Marie"], &["Paul", "0612345678"]],
        );
        assert_eq!(recipients.len(), 1);
        assert_eq!(report.invalid.first_lines, [2]);
    }

    #[test]
    fn only_the_first_lines_of_each_problem_are_kept() {
        let mut classifier = classifier();
        classifier.first_record(1, &["phone"]).unwrap();
        for line in 2..=101 {
            assert_eq!(classifier.record(line, &["nope"]), None);
        }
        let report = classifier.finish();
        assert_eq!(report.invalid.count, 100);
        assert_eq!(
            report.invalid.first_lines,
            (2..2 + REPORTED_LINES as u64).collect::<Vec<_>>()
        );
    }

    #[test]
    fn names_are_trimmed_collapsed_and_capped() {
        assert_eq!(clean_name("  "), None);
        assert_eq!(
            clean_name(" Marie \n Curie "),
            Some("Marie Curie".to_string())
        );
        let long = "é".repeat(MAX_NAME_CHARS + 50);
        assert_eq!(clean_name(&long).unwrap().chars().count(), MAX_NAME_CHARS);
    }

    #[test]
    fn e164_numbers_pack_into_distinct_integers() {
        assert_eq!(e164_digits("+33612345678"), Some(33_612_345_678));
        assert_eq!(e164_digits("+999999999999999"), Some(999_999_999_999_999));
        assert_eq!(e164_digits("33612345678"), None);
        assert_eq!(e164_digits("+1234567890123456"), None);
        let mut set = NumberSet::default();
        assert!(set.insert("+33612345678"));
        assert!(!set.insert("+33612345678"));
        assert!(set.insert("+3361234567"));
        assert!(set.insert("odd"));
        assert!(set.contains("odd"));
    }

    #[test]
    fn record_before_first_record_decides_the_columns() {
        let mut classifier = classifier();
        assert!(classifier.record(1, &["0612345678"]).is_some());
        assert!(classifier.columns().is_some());
        let mut classifier = self::classifier();
        assert_eq!(classifier.record(1, &["x"]), None);
        assert_eq!(classifier.finish().invalid.first_lines, [1]);
    }

    #[test]
    fn numbers_that_cannot_receive_an_sms_are_reported_and_left_out_unless_kept() {
        let rows: &[&[&str]] = &[
            &["phone"],
            &["06 12 34 56 78"],
            &["01 42 68 53 00"],
            &["0800 12 34 56"],
            &["0892 12 34 56"],
            &["09 51 23 45 67"],
        ];
        let (recipients, report) = classify(classifier(), rows);
        assert_eq!(e164s(&recipients), ["+33612345678"]);
        assert_eq!(report.imported, 1);
        assert_eq!(report.not_mobile.count, 4);
        assert_eq!(report.not_mobile.first_lines, [3, 4, 5, 6]);
        assert!(!report.kept_not_mobile);
        assert_eq!(report.invalid.count, 0);

        let keeping = RecipientClassifier::with_options(fr(), HashSet::new(), true);
        let (recipients, report) = classify(keeping, rows);
        assert_eq!(recipients.len(), 5);
        assert_eq!(report.imported, 5);
        assert_eq!(report.not_mobile.count, 4);
        assert!(report.kept_not_mobile);
    }
}
