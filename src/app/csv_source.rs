//! Streams a CSV file of recipients into batches: delimiter detection, guards
//! against huge lines and binary files, exact line numbers.
//!
//! Synchronous on purpose: the caller runs it on a blocking thread and forwards
//! each batch to the store. Memory stays at the classifier's dedupe set plus one
//! batch, whatever the file size.
use std::io::{self, BufRead, BufReader, Cursor, Read};

use crate::domain::recipients::{ColumnsError, ImportReport, Recipient, RecipientClassifier};

/// No recipient row needs more; anything longer is the wrong file, or an attack.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Separators looked for on the first line; on a tie, the earlier one wins.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Used when the first line has no separator: NUL bytes are refused as binary,
/// so nothing is split and each line is one column.
const NO_DELIMITER: u8 = 0;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The sink's answer when it can take no more batches (the store failed or the
/// import was cancelled); reading stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the recipient store stopped accepting rows")]
pub struct SinkClosed;

#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error(
        "the file is empty: export the recipient list with one phone number per row and import it again"
    )]
    Empty,
    #[error(
        "line {line} is longer than 64 KiB, far more than any recipient row: check that this is the right file, exported as CSV"
    )]
    LineTooLong { line: u64 },
    #[error(
        "line {line} is not UTF-8 text: export the list as \"CSV UTF-8\" (in Excel: Save As, CSV UTF-8) and import it again"
    )]
    NotText { line: u64 },
    #[error(
        "no column of phone numbers found on line {line}, {}: add a header row naming the number column \"phone\", or put the numbers in the first column; if another character separates the columns, export the file again as CSV",
        describe_delimiter(*.delimiter)
    )]
    NoNumberColumn {
        line: u64,
        /// The separator detected on the first line, if any.
        delimiter: Option<char>,
    },
    #[error(
        "the header on line {line} names the column \"{name}\" twice: give each column its own name and import the file again"
    )]
    RepeatedColumn { line: u64, name: String },
    #[error("the file could not be read ({0}): try the import again")]
    Read(io::Error),
    #[error(
        "the import stopped before the end of the file because the recipients could not be saved: fix the storage error reported with this one and import the file again"
    )]
    SinkClosed,
}

fn describe_delimiter(delimiter: Option<char>) -> &'static str {
    match delimiter {
        Some(',') => "where commas separate the columns",
        Some(';') => "where semicolons separate the columns",
        Some('\t') => "where tabs separate the columns",
        Some('|') => "where vertical bars (|) separate the columns",
        Some(_) => "with the columns split on an unusual separator",
        None => {
            "where no comma, semicolon, tab or vertical bar separates columns, so each line was read as a single column"
        }
    }
}

/// Reads recipients from `input` and hands them to `sink` in batches of
/// `batch_size` (the last one may be smaller). Rows that cannot be imported are
/// counted in the returned report, even when none can.
pub fn read_recipients<R: Read>(
    mut input: R,
    mut classifier: RecipientClassifier,
    batch_size: usize,
    mut sink: impl FnMut(Vec<Recipient>) -> Result<(), SinkClosed>,
) -> Result<ImportReport, CsvError> {
    let mut head = read_head(&mut input).map_err(CsvError::Read)?;
    if head.starts_with(UTF8_BOM) {
        head.drain(..UTF8_BOM.len());
    }
    let delimiter = detect_delimiter(first_content_line(&head).0);
    let guarded = LineGuard::new(
        BufReader::with_capacity(MAX_LINE_BYTES, Cursor::new(head).chain(input)),
        delimiter.unwrap_or(NO_DELIMITER),
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter.unwrap_or(NO_DELIMITER))
        .from_reader(guarded);

    let batch_size = batch_size.max(1);
    let mut batch = Vec::with_capacity(batch_size);
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|error| read_error(error, reader.get_ref()))?;
        if !more {
            break;
        }
        let line = reader.get_ref().tracker.record_start_line;
        let fields: Vec<&str> = record.iter().collect();
        let recipient = if classifier.columns().is_some() {
            classifier.record(line, &fields)
        } else {
            classifier
                .first_record(line, &fields)
                .map_err(|e| match e {
                    ColumnsError::NoNumberColumn => CsvError::NoNumberColumn {
                        line,
                        delimiter: delimiter.map(char::from),
                    },
                    ColumnsError::RepeatedColumn { name } => {
                        CsvError::RepeatedColumn { line, name }
                    }
                })?
        };
        if let Some(recipient) = recipient {
            batch.push(recipient);
            if batch.len() == batch_size {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(batch_size));
                sink(full).map_err(|SinkClosed| CsvError::SinkClosed)?;
            }
        }
    }
    if classifier.columns().is_none() {
        // Nothing but blank lines (or nothing at all).
        return Err(CsvError::Empty);
    }
    if !batch.is_empty() {
        sink(batch).map_err(|SinkClosed| CsvError::SinkClosed)?;
    }
    Ok(classifier.finish())
}

fn read_error<R>(error: csv::Error, guard: &LineGuard<R>) -> CsvError {
    let guard = &guard.tracker;
    if let Some(failure) = guard.failure {
        return match failure {
            GuardFailure::NotText { line } => CsvError::NotText { line },
            GuardFailure::LineTooLong { line } => CsvError::LineTooLong { line },
        };
    }
    if let csv::ErrorKind::Utf8 { .. } = error.kind() {
        return CsvError::NotText {
            line: guard.record_start_line,
        };
    }
    let message = error.to_string();
    match error.into_kind() {
        csv::ErrorKind::Io(error) => CsvError::Read(error),
        // Not produced by a flexible reader of plain records; kept readable anyway.
        _ => CsvError::Read(io::Error::other(message)),
    }
}

/// Reads the start of the file, enough to hold its first non-blank line (or
/// 64 KiB, whichever is shorter), to detect the delimiter.
fn read_head(input: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut chunk = [0; 8 * 1024];
    while head.len() < MAX_LINE_BYTES && !first_content_line(&head).1 {
        match input.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => head.extend_from_slice(&chunk[..read]),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(head)
}

/// The first line with something other than whitespace, without its line
/// break, and whether a line break ends it (else it may continue past `head`).
fn first_content_line(head: &[u8]) -> (&[u8], bool) {
    let mut rest = head.strip_prefix(UTF8_BOM).unwrap_or(head);
    loop {
        let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') else {
            return (rest, false);
        };
        let (line, after) = rest.split_at(end);
        if !line.iter().all(u8::is_ascii_whitespace) {
            return (line, true);
        }
        rest = &after[1..];
    }
}

/// The most frequent candidate separator outside quotes, if any.
fn detect_delimiter(line: &[u8]) -> Option<u8> {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut in_quotes = false;
    for &b in line {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes && let Some(index) = DELIMITERS.iter().position(|&d| d == b) {
            counts[index] += 1;
        }
    }
    let mut best = None;
    for (index, &count) in counts.iter().enumerate() {
        if count > 0 && best.is_none_or(|(_, best_count)| count > best_count) {
            best = Some((DELIMITERS[index], count));
        }
    }
    best.map(|(delimiter, _)| delimiter)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GuardFailure {
    NotText { line: u64 },
    LineTooLong { line: u64 },
}

/// Where the guard is in the CSV syntax; mirrors csv-core so that a line break
/// inside quotes stays part of its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    /// Between records: line breaks here are blank lines, which csv skips.
    BetweenRecords,
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: either an escaped quote or the closing one.
    QuoteInQuoted,
}

/// Sits between the file and the csv reader to:
/// - refuse a record longer than [`MAX_LINE_BYTES`] as soon as it gets there,
///   instead of letting csv buffer it whole;
/// - refuse NUL bytes, the mark of a binary file;
/// - count lines. It hands over at most one line per read, so when csv returns
///   a record the guard has seen exactly that record, and knows the line it
///   started on; csv's own positions skip blank lines and the `\n` of `\r\n`.
struct LineGuard<R> {
    inner: R,
    tracker: LineTracker,
}

/// The guard's view of the bytes handed over so far.
struct LineTracker {
    delimiter: u8,
    syntax: Syntax,
    /// 1-based line of the next byte.
    line: u64,
    after_cr: bool,
    record_start_line: u64,
    record_bytes: usize,
    failure: Option<GuardFailure>,
}

impl<R> LineGuard<R> {
    fn new(inner: R, delimiter: u8) -> LineGuard<R> {
        LineGuard {
            inner,
            tracker: LineTracker::new(delimiter),
        }
    }
}

impl LineTracker {
    fn new(delimiter: u8) -> LineTracker {
        LineTracker {
            delimiter,
            syntax: Syntax::BetweenRecords,
            line: 1,
            after_cr: false,
            record_start_line: 1,
            record_bytes: 0,
            failure: None,
        }
    }

    /// Follows `bytes` up to the end of the first line; returns how many it took.
    fn scan(&mut self, bytes: &[u8]) -> Result<usize, GuardFailure> {
        let mut taken = 0;
        while taken < bytes.len() {
            taken += self.skip_plain(&bytes[taken..])?;
            if taken == bytes.len() {
                break;
            }
            let ends_line = self.step(bytes[taken])?;
            taken += 1;
            if ends_line {
                break;
            }
        }
        Ok(taken)
    }

    /// Takes the bytes that cannot change the syntax state, in bulk: most of
    /// a file, and this keeps the guard cheap per byte.
    fn skip_plain(&mut self, bytes: &[u8]) -> Result<usize, GuardFailure> {
        if !matches!(self.syntax, Syntax::Unquoted | Syntax::Quoted) {
            return Ok(0);
        }
        let delimiter = self.delimiter;
        let plain = bytes
            .iter()
            .position(|&b| matches!(b, b'"' | b'\r' | b'\n' | 0) || b == delimiter)
            .unwrap_or(bytes.len());
        if plain > 0 {
            self.after_cr = false;
            self.record_bytes += plain;
            if self.record_bytes > MAX_LINE_BYTES {
                return Err(GuardFailure::LineTooLong {
                    line: self.record_start_line,
                });
            }
        }
        Ok(plain)
    }

    /// Follows one byte; returns whether it ends a line.
    fn step(&mut self, b: u8) -> Result<bool, GuardFailure> {
        if b == 0 {
            return Err(GuardFailure::NotText { line: self.line });
        }
        let is_break = b == b'\n' || b == b'\r';
        if self.syntax == Syntax::BetweenRecords && !is_break {
            self.syntax = Syntax::FieldStart;
            self.record_start_line = self.line;
            self.record_bytes = 0;
        }
        self.syntax = match self.syntax {
            Syntax::BetweenRecords => Syntax::BetweenRecords,
            Syntax::Quoted if b == b'"' => Syntax::QuoteInQuoted,
            Syntax::Quoted => Syntax::Quoted,
            Syntax::FieldStart if b == b'"' => Syntax::Quoted,
            Syntax::QuoteInQuoted if b == b'"' => Syntax::Quoted,
            _ if b == self.delimiter => Syntax::FieldStart,
            _ if is_break => Syntax::BetweenRecords,
            _ => Syntax::Unquoted,
        };
        if self.syntax != Syntax::BetweenRecords {
            self.record_bytes += 1;
            if self.record_bytes > MAX_LINE_BYTES {
                return Err(GuardFailure::LineTooLong {
                    line: self.record_start_line,
                });
            }
        }
        // "\r\n" is one line break; a lone "\r" (old Mac files) is one too.
        if b == b'\r' || (b == b'\n' && !self.after_cr) {
            self.line += 1;
        }
        self.after_cr = b == b'\r';
        Ok(is_break)
    }
}

impl<R: BufRead> Read for LineGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.tracker.failure.is_some() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "unreadable CSV"));
        }
        let available = self.inner.fill_buf()?;
        let limit = available.len().min(buf.len());
        let served = match self.tracker.scan(&available[..limit]) {
            Ok(served) => served,
            Err(failure) => {
                self.tracker.failure = Some(failure);
                return Err(io::Error::new(io::ErrorKind::InvalidData, "unreadable CSV"));
            }
        };
        buf[..served].copy_from_slice(&available[..served]);
        self.inner.consume(served);
        Ok(served)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::collections::HashSet;
    use std::rc::Rc;

    use super::*;
    use crate::domain::phone::Region;

    fn classifier() -> RecipientClassifier {
        RecipientClassifier::new("FR".parse::<Region>().unwrap(), HashSet::new())
    }

    /// Imports `data` in batches of 1000, returning the recipients and the report.
    fn import(data: &[u8]) -> Result<(Vec<Recipient>, ImportReport), CsvError> {
        let mut recipients = Vec::new();
        let report = read_recipients(data, classifier(), 1000, |batch| {
            recipients.extend(batch);
            Ok(())
        })?;
        Ok((recipients, report))
    }

    /// (line, E.164, name) of each recipient, for compact assertions.
    fn rows(recipients: &[Recipient]) -> Vec<(u64, &str, Option<&str>)> {
        recipients
            .iter()
            .map(|r| (r.line, r.phone.as_e164(), r.name.as_deref()))
            .collect()
    }

    #[test]
    fn a_semicolon_file_with_a_header_and_french_numbers() {
        let data = "Nom;Prénom;Téléphone\nCurie;Marie;06 12 34 56 78\nLangevin;Paul;+33756345678\n";
        let (recipients, report) = import(data.as_bytes()).unwrap();
        assert!(report.had_header);
        assert_eq!(report.imported, 2);
        assert_eq!(
            rows(&recipients),
            [
                (2, "+33612345678", Some("Marie")),
                (3, "+33756345678", Some("Paul"))
            ]
        );
    }

    #[test]
    fn a_comma_file_without_a_header() {
        let (recipients, report) = import(b"0612345678,Marie\n+33756345678,Paul").unwrap();
        assert!(!report.had_header);
        assert_eq!(
            rows(&recipients),
            [
                (1, "+33612345678", Some("Marie")),
                (2, "+33756345678", Some("Paul"))
            ]
        );
    }

    #[test]
    fn tab_and_pipe_files() {
        for data in [
            "name\tmobile\nMarie\t0612345678\n",
            "name|mobile\nMarie|0612345678\n",
        ] {
            let (recipients, _) = import(data.as_bytes()).unwrap();
            assert_eq!(
                rows(&recipients),
                [(2, "+33612345678", Some("Marie"))],
                "{data:?}"
            );
        }
    }

    #[test]
    fn a_single_column_file() {
        let (recipients, report) = import(b"0612345678\n0756345678\n").unwrap();
        assert_eq!(report.imported, 2);
        assert!(recipients.iter().all(|r| r.name.is_none()));
    }

    #[test]
    fn quoted_fields_keep_separators_and_line_breaks() {
        let data = "phone,name\n\"06 12 34 56 78\",\"Curie, Marie\"\n0756345678,\"Paul\nLangevin\"\n0756345679,\"Jean \"\"Le Grand\"\"\"\nbad,x\n";
        let (recipients, report) = import(data.as_bytes()).unwrap();
        assert_eq!(
            rows(&recipients),
            [
                (2, "+33612345678", Some("Curie, Marie")),
                (3, "+33756345678", Some("Paul Langevin")),
                (5, "+33756345679", Some("Jean \"Le Grand\"")),
            ]
        );
        assert_eq!(report.invalid.first_lines, [6]);
    }

    #[test]
    fn line_numbers_count_blank_lines_and_crlf() {
        let data =
            "phone;name\r\n\r\n0612345678;Marie\r\n  \r\n;;\r\n0756345678;Paul\r\nnope;x\r\n\r\n";
        let (recipients, report) = import(data.as_bytes()).unwrap();
        assert_eq!(
            rows(&recipients),
            [
                (3, "+33612345678", Some("Marie")),
                (6, "+33756345678", Some("Paul"))
            ]
        );
        assert_eq!(report.invalid.first_lines, [7]);
        assert_eq!(report.invalid.count, 1);
    }

    #[test]
    fn line_numbers_in_old_mac_files() {
        let (recipients, _) = import(b"phone\r0612345678\r\r0756345678\r").unwrap();
        assert_eq!(
            recipients.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 4]
        );
    }

    #[test]
    fn records_may_have_any_number_of_fields() {
        let data = "phone;name;city\n0612345678\n0756345678;Paul;Paris;extra;fields\n;Jean\n";
        let (recipients, report) = import(data.as_bytes()).unwrap();
        assert_eq!(
            rows(&recipients),
            [(2, "+33612345678", None), (3, "+33756345678", Some("Paul"))]
        );
        assert_eq!(report.invalid.first_lines, [4]);
    }

    #[test]
    fn duplicates_invalid_rows_and_opt_outs_are_reported_with_lines() {
        let data = "phone,name\n0612345678,A\n0612345678,B\nabc,C\n+33 6 12 34 56 78,D\n0756000001,E\n0612,F\n";
        let opted_out = HashSet::from(["+33756000001".to_string()]);
        let classifier = RecipientClassifier::new("FR".parse().unwrap(), opted_out);
        let mut imported = 0;
        let report = read_recipients(data.as_bytes(), classifier, 10, |batch| {
            imported += batch.len();
            Ok(())
        })
        .unwrap();
        assert_eq!(imported, 1);
        assert_eq!(report.imported, 1);
        assert_eq!(report.duplicates.first_lines, [3, 5]);
        assert_eq!(report.invalid.first_lines, [4, 7]);
        assert_eq!(report.opted_out.first_lines, [6]);
        assert_eq!(report.opted_out.count, 1);
    }

    #[test]
    fn a_file_of_unusable_rows_still_gives_a_report() {
        let (recipients, report) = import(b"phone\nabc\n12\n\n").unwrap();
        assert!(recipients.is_empty());
        assert_eq!(report.imported, 0);
        assert_eq!(report.invalid.count, 2);
    }

    #[test]
    fn a_utf8_bom_is_ignored() {
        let (recipients, report) = import(b"\xEF\xBB\xBFphone;name\n0612345678;Marie\n").unwrap();
        assert!(report.had_header);
        assert_eq!(rows(&recipients), [(2, "+33612345678", Some("Marie"))]);
    }

    #[test]
    fn empty_files() {
        for data in [&b""[..], b"\xEF\xBB\xBF", b"\n\n\r\n", b" \n;;\n"] {
            let error = import(data).unwrap_err();
            assert!(matches!(error, CsvError::Empty), "{data:?}: {error:?}");
        }
        assert!(CsvError::Empty.to_string().contains("empty"));
    }

    #[test]
    fn binary_data_is_refused_with_its_line() {
        let error = import(b"phone\n0612345678\n06\x0012\n").unwrap_err();
        assert!(matches!(error, CsvError::NotText { line: 3 }), "{error:?}");
        // Latin-1 "é", as Excel's plain CSV export writes it.
        let error = import(b"phone;name\n0612345678;Ren\xE9\n").unwrap_err();
        assert!(matches!(error, CsvError::NotText { line: 2 }), "{error:?}");
        assert!(error.to_string().contains("UTF-8"));
        let error = import(b"\xFF\xFEp\x00h\x00").unwrap_err();
        assert!(matches!(error, CsvError::NotText { line: 1 }), "{error:?}");
    }

    /// A reader of `header`, then `len` bytes of `filler`, that counts what was read.
    struct Generated {
        header: Cursor<Vec<u8>>,
        filler: Vec<u8>,
        left: usize,
        filled: usize,
        read: Rc<Cell<usize>>,
    }

    impl Read for Generated {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let mut n = self.header.read(buf)?;
            if n == 0 {
                n = buf.len().min(self.left);
                for b in &mut buf[..n] {
                    *b = self.filler[self.filled % self.filler.len()];
                    self.filled += 1;
                }
                self.left -= n;
            }
            self.read.set(self.read.get() + n);
            Ok(n)
        }
    }

    fn fifty_megabytes(header: &str, filler: &[u8]) -> (Generated, Rc<Cell<usize>>) {
        let read = Rc::new(Cell::new(0));
        let input = Generated {
            header: Cursor::new(header.as_bytes().to_vec()),
            filler: filler.to_vec(),
            left: 50 * 1024 * 1024,
            filled: 0,
            read: read.clone(),
        };
        (input, read)
    }

    #[test]
    fn a_50_megabyte_line_fails_fast() {
        let (input, read) = fifty_megabytes("phone\n0612345678\n", b"0");
        let error = read_recipients(input, classifier(), 100, |_| Ok(())).unwrap_err();
        assert!(
            matches!(error, CsvError::LineTooLong { line: 3 }),
            "{error:?}"
        );
        // Stopped after about the limit, not after buffering the line.
        assert!(read.get() < 4 * MAX_LINE_BYTES, "read {} bytes", read.get());
        assert!(error.to_string().contains("64 KiB"));
    }

    #[test]
    fn a_50_megabyte_first_line_fails_fast() {
        let (input, read) = fifty_megabytes("", b"x;");
        let error = read_recipients(input, classifier(), 100, |_| Ok(())).unwrap_err();
        assert!(
            matches!(error, CsvError::LineTooLong { line: 1 }),
            "{error:?}"
        );
        assert!(read.get() < 4 * MAX_LINE_BYTES, "read {} bytes", read.get());
    }

    #[test]
    fn a_50_megabyte_quoted_field_fails_fast_despite_its_line_breaks() {
        let (input, read) = fifty_megabytes("phone,name\n0612345678,\"", b"ab\n");
        let error = read_recipients(input, classifier(), 100, |_| Ok(())).unwrap_err();
        assert!(
            matches!(error, CsvError::LineTooLong { line: 2 }),
            "{error:?}"
        );
        assert!(read.get() < 4 * MAX_LINE_BYTES, "read {} bytes", read.get());
    }

    #[test]
    fn a_line_just_under_the_limit_is_read() {
        let name = "x".repeat(MAX_LINE_BYTES - 20);
        let data = format!("phone;name\n0612345678;{name}\n");
        let (recipients, _) = import(data.as_bytes()).unwrap();
        assert_eq!(recipients[0].name.as_ref().unwrap().len(), 100);
    }

    #[test]
    fn a_file_without_a_number_column() {
        let error = import(b"name;city\nMarie;Paris\n").unwrap_err();
        assert!(
            matches!(
                error,
                CsvError::NoNumberColumn {
                    line: 1,
                    delimiter: Some(';')
                }
            ),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(
            message.contains("semicolons") && message.contains("\"phone\""),
            "{message}"
        );
    }

    #[test]
    fn a_wrong_delimiter_is_named_in_the_error() {
        let error = import(b"0612345678:Marie\n0756345678:Paul\n").unwrap_err();
        assert!(
            matches!(
                error,
                CsvError::NoNumberColumn {
                    line: 1,
                    delimiter: None
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("single column"), "{error}");
    }

    #[test]
    fn the_delimiter_is_the_most_frequent_outside_quotes() {
        assert_eq!(detect_delimiter(b"a;b;c,d"), Some(b';'));
        assert_eq!(detect_delimiter(b"\"a;b;c\",d"), Some(b','));
        assert_eq!(detect_delimiter(b"a,b;c"), Some(b','));
        assert_eq!(detect_delimiter(b"a\tb|c\td"), Some(b'\t'));
        assert_eq!(detect_delimiter(b"a:b"), None);
        assert_eq!(
            first_content_line(b"\xEF\xBB\xBF\r\n \na;b\nc"),
            (&b"a;b"[..], true)
        );
        assert_eq!(first_content_line(b"a;b"), (&b"a;b"[..], false));
    }

    #[test]
    fn batches_hold_batch_size_recipients_and_the_last_the_rest() {
        let data: String = (0..25).map(|i| format!("+336123456{i:02}\n")).collect();
        let mut sizes = Vec::new();
        let mut lines = Vec::new();
        let report = read_recipients(data.as_bytes(), classifier(), 10, |batch| {
            sizes.push(batch.len());
            lines.extend(batch.iter().map(|r| r.line));
            Ok(())
        })
        .unwrap();
        assert_eq!(sizes, [10, 10, 5]);
        assert_eq!(lines, (1..=25).collect::<Vec<_>>());
        assert_eq!(report.imported, 25);
    }

    #[test]
    fn no_empty_batch_is_sent() {
        let data: String = (0..20).map(|i| format!("+336123456{i:02}\n")).collect();
        let mut sizes = Vec::new();
        read_recipients(data.as_bytes(), classifier(), 10, |batch| {
            sizes.push(batch.len());
            Ok(())
        })
        .unwrap();
        assert_eq!(sizes, [10, 10]);
    }

    #[test]
    fn a_closed_sink_stops_reading() {
        let (input, read) = fifty_megabytes("phone\n", b"\n0612345678");
        let mut batches = 0;
        let error = read_recipients(input, classifier(), 1, |_| {
            batches += 1;
            Err(SinkClosed)
        })
        .unwrap_err();
        assert!(matches!(error, CsvError::SinkClosed), "{error:?}");
        assert_eq!(batches, 1);
        assert!(read.get() < 4 * MAX_LINE_BYTES, "read {} bytes", read.get());
    }
}
