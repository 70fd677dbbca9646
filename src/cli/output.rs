//! Printing results: readable lines by default, one JSON document with `--json`.
use serde::Serialize;

pub struct Output {
    pub json: bool,
}

impl Output {
    /// Prints `text` for people, or `value` as JSON.
    pub fn done(&self, text: &str, value: &impl Serialize) {
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(value)
                    .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
            );
        } else {
            println!("{text}");
        }
    }
}
