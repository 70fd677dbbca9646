//! Merge fields: a body that says "Bonjour {prenom|client}" becomes one message per recipient.
//!
//! A field is a column of the imported list (`{name}`, or any header: `{prenom}`, `{ville}`),
//! matched without regard to case, with an optional fallback after `|` used when the
//! recipient's value is empty (`{prenom|client}`; `{prenom|}` means "nothing"). `{{` and `}}`
//! write a brace itself. A template is parsed once per version and rendered per recipient.
use std::fmt;

/// Columns as a message writes them: "{prenom}, {ville}", or "none".
fn column_list(columns: &[FieldName]) -> String {
    if columns.is_empty() {
        return "none (the list has only phone numbers)".to_owned();
    }
    columns
        .iter()
        .map(|c| format!("{{{c}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A field's name: letters (any script), digits, `_` and `-`, as a CSV header names a column;
/// kept in lower case without accents, so `{prenom}`, `{Prénom}` and a `Prénom` column meet.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct FieldName(String);

impl FieldName {
    pub fn parse(raw: &str) -> Option<FieldName> {
        let valid = !raw.is_empty()
            && raw.chars().count() <= MAX_FIELD_NAME
            && raw
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        valid.then(|| {
            FieldName(
                raw.chars()
                    .flat_map(char::to_lowercase)
                    .map(super::text::without_accent)
                    .collect(),
            )
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Longer names are not column headers anyone types.
const MAX_FIELD_NAME: usize = 64;

/// Why a body is not a template; positions count characters from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TemplateError {
    #[error("the field opened at position {position} is never closed with }}")]
    Unclosed { position: usize },
    #[error("the }} at position {position} closes no field (write }}}} for a brace itself)")]
    UnopenedClose { position: usize },
    #[error("the field at position {position} has no name")]
    EmptyName { position: usize },
    #[error("\"{name}\" at position {position} is not a field name: letters, digits, _ and - only")]
    BadName { name: String, position: usize },
    #[error(
        "no column is called \"{name}\" (position {position}); the list's columns: {}",
        column_list(available)
    )]
    UnknownField {
        name: FieldName,
        position: usize,
        /// The columns the list has, to choose from.
        available: Vec<FieldName>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field {
        name: FieldName,
        fallback: Option<String>,
        /// Where it starts in the body, from 1.
        position: usize,
    },
}

/// A body read as text and merge fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// A recipient's field that is empty and has no fallback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingValue {
    pub field: FieldName,
}

impl Template {
    pub fn parse(body: &str) -> Result<Template, TemplateError> {
        let chars: Vec<char> = body.chars().collect();
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut i = 0;
        while i < chars.len() {
            match (chars[i], chars.get(i + 1)) {
                ('{', Some('{')) | ('}', Some('}')) => {
                    text.push(chars[i]);
                    i += 2;
                }
                ('}', _) => return Err(TemplateError::UnopenedClose { position: i + 1 }),
                ('{', _) => {
                    let position = i + 1;
                    let close = chars[i + 1..]
                        .iter()
                        .position(|&c| c == '}' || c == '{')
                        .map(|at| i + 1 + at)
                        .filter(|&at| chars[at] == '}')
                        .ok_or(TemplateError::Unclosed { position })?;
                    let inside: String = chars[i + 1..close].iter().collect();
                    let (raw_name, fallback) = match inside.split_once('|') {
                        Some((name, fallback)) => (name, Some(fallback.to_owned())),
                        None => (inside.as_str(), None),
                    };
                    let raw_name = raw_name.trim();
                    if raw_name.is_empty() {
                        return Err(TemplateError::EmptyName { position });
                    }
                    let name =
                        FieldName::parse(raw_name).ok_or_else(|| TemplateError::BadName {
                            name: raw_name.to_owned(),
                            position,
                        })?;
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Field {
                        name,
                        fallback,
                        position,
                    });
                    i = close + 1;
                }
                (c, _) => {
                    text.push(c);
                    i += 1;
                }
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template { parts })
    }

    /// Whether the body holds any field: without one, every recipient gets the same text.
    pub fn has_fields(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Field { .. }))
    }

    /// The fields used, each once, in order of first use.
    pub fn fields(&self) -> Vec<&FieldName> {
        let mut seen = Vec::new();
        for part in &self.parts {
            if let Part::Field { name, .. } = part
                && !seen.contains(&name)
            {
                seen.push(name);
            }
        }
        seen
    }

    /// The text around the fields, as a recipient with every field empty would get it without
    /// fallbacks: what the opt-out mention must be part of, whatever the data.
    pub fn static_text(&self) -> String {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Text(text) => Some(text.as_str()),
                Part::Field { .. } => None,
            })
            .collect()
    }

    /// Refuses a field that is none of `columns` (the list's headers), naming the columns.
    pub fn check_columns(&self, columns: &[FieldName]) -> Result<(), TemplateError> {
        for part in &self.parts {
            if let Part::Field { name, position, .. } = part
                && !columns.contains(name)
            {
                return Err(TemplateError::UnknownField {
                    name: name.clone(),
                    position: *position,
                    available: columns.to_vec(),
                });
            }
        }
        Ok(())
    }

    /// The text one recipient receives; `value` gives the recipient's value of a field
    /// (`None` or blank: empty). An empty field takes its fallback; without one, it is missing.
    pub fn render<'v>(
        &self,
        value: impl Fn(&FieldName) -> Option<&'v str>,
    ) -> Result<String, MissingValue> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Field { name, fallback, .. } => {
                    match (
                        value(name).map(str::trim).filter(|v| !v.is_empty()),
                        fallback,
                    ) {
                        (Some(v), _) => out.push_str(v),
                        (None, Some(fallback)) => out.push_str(fallback),
                        (None, None) => {
                            return Err(MissingValue {
                                field: name.clone(),
                            });
                        }
                    }
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn field(name: &str) -> FieldName {
        FieldName::parse(name).unwrap()
    }

    fn render(body: &str, values: &[(&str, &str)]) -> Result<String, MissingValue> {
        let values: HashMap<FieldName, &str> = values.iter().map(|(k, v)| (field(k), *v)).collect();
        Template::parse(body)
            .unwrap()
            .render(|name| values.get(name).copied())
    }

    #[test]
    fn fields_take_the_recipients_values_or_their_fallback() {
        let body = "Bonjour {Prenom|client}, -20% à {ville} ! STOP au 36180";
        assert_eq!(
            render(body, &[("prenom", "Alice"), ("ville", "Lyon")]).unwrap(),
            "Bonjour Alice, -20% à Lyon ! STOP au 36180"
        );
        assert_eq!(
            render(body, &[("prenom", "  "), ("ville", "Lyon")]).unwrap(),
            "Bonjour client, -20% à Lyon ! STOP au 36180"
        );
        assert_eq!(
            render(body, &[("prenom", "Alice")]),
            Err(MissingValue {
                field: field("ville")
            })
        );
        assert_eq!(render("Hi {name|}!", &[]).unwrap(), "Hi !");
        let template = Template::parse(body).unwrap();
        assert_eq!(template.fields(), [&field("prenom"), &field("ville")]);
        assert!(template.has_fields());
    }

    #[test]
    fn double_braces_write_braces_and_plain_text_is_unchanged() {
        assert_eq!(render("a {{b}} c", &[]).unwrap(), "a {b} c");
        let plain = Template::parse("Soldes -20% STOP au 36180").unwrap();
        assert!(!plain.has_fields());
        assert_eq!(plain.render(|_| None).unwrap(), "Soldes -20% STOP au 36180");
    }

    #[test]
    fn bad_templates_say_what_and_where() {
        for (body, expected) in [
            ("Hi {name", TemplateError::Unclosed { position: 4 }),
            ("Hi {name {x}", TemplateError::Unclosed { position: 4 }),
            ("Hi name}", TemplateError::UnopenedClose { position: 8 }),
            ("Hi {}", TemplateError::EmptyName { position: 4 }),
            ("Hi { |x}", TemplateError::EmptyName { position: 4 }),
            (
                "Hi {first name}",
                TemplateError::BadName {
                    name: "first name".into(),
                    position: 4,
                },
            ),
        ] {
            assert_eq!(Template::parse(body), Err(expected), "{body:?}");
        }
    }

    #[test]
    fn unknown_fields_are_refused_with_the_columns_available() {
        let columns = [field("name"), field("prenom"), field("ville")];
        let template = Template::parse("Bonjour {prenon}").unwrap();
        assert_eq!(
            template.check_columns(&columns),
            Err(TemplateError::UnknownField {
                name: field("prenon"),
                position: 9,
                available: columns.to_vec(),
            })
        );
        assert!(
            Template::parse("{VILLE} {name} {Prénom}")
                .unwrap()
                .check_columns(&columns)
                .is_ok()
        );
    }

    /// Any text without braces renders as itself; with its braces doubled, too.
    #[test]
    fn escaped_text_always_renders_back() {
        let mut seed = 0x2545_f491_u64;
        let alphabet: Vec<char> = "ab {}|é€ \n1".chars().collect();
        for _ in 0..2_000 {
            let len = (seed % 24) as usize;
            let mut text = String::new();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let escaped = text.replace('{', "{{").replace('}', "}}");
            let template = Template::parse(&escaped).unwrap();
            assert!(!template.has_fields(), "{escaped:?}");
            assert_eq!(template.render(|_| None).unwrap(), text);
        }
    }
}
