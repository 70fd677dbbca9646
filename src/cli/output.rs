//! Printing results: readable lines by default, one JSON document with `--json`.
use std::io::Write;

use serde::Serialize;

pub struct Output {
    pub json: bool,
}

impl Output {
    /// Prints `text` for people, or `value` as JSON.
    pub fn done(&self, text: &str, value: &impl Serialize) {
        let text = if self.json {
            serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
        } else {
            text.to_owned()
        };
        print_line(&mut std::io::stdout().lock(), &text);
    }
}

/// Writes a line, as `println!` would, except that a reader who has gone away (`| head`, a
/// closed pipe) is not an error: what the command did is done and saved, so it ends quietly.
pub fn print_line(out: &mut impl Write, text: &str) {
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => tracing::warn!(error = %e, "could not print the result"),
    }
}
