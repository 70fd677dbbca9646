//! (placeholder until the streaming reader lands)
use crate::domain::recipients::{ImportReport, Recipient, RecipientClassifier};

#[derive(Debug)]
pub struct SinkClosed;

#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("not yet")]
    Pending,
}

pub fn read_recipients<R: std::io::Read>(
    input: R,
    classifier: RecipientClassifier,
    batch_size: usize,
    sink: impl FnMut(Vec<Recipient>) -> Result<(), SinkClosed>,
) -> Result<ImportReport, CsvError> {
    let _ = (input, classifier, batch_size, sink);
    todo!()
}
