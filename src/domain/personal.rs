//! One message per recipient: a list's merge-field columns, each recipient's values, and what
//! a personalised body sends and costs over a whole list.
//!
//! A recipient's values are stored as one string, in the list's column order, separated by
//! [`FIELD_SEPARATOR`] (a control character no value may hold): reading a row back is a split,
//! which keeps rendering a million messages cheap.
use super::credits::Credits;
use super::links::{forbidden_scheme, links_in};
use super::recipients::RowIssues;
use super::short_links::{LinkBase, count_links, priced_text};
use super::sms::{Encoding, SmsBody, is_hidden_control};
use super::template::{FieldName, Template, TemplateError};

pub const FIELD_SEPARATOR: char = '\u{1f}';

/// How many recipients a preview shows.
pub const PREVIEW_RECIPIENTS: usize = 3;

/// The merge-field columns of a list, in the order each recipient's values are stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListColumns(Vec<FieldName>);

impl ListColumns {
    pub fn new(names: Vec<FieldName>) -> ListColumns {
        ListColumns(names)
    }

    pub fn names(&self) -> &[FieldName] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn index_of(&self, name: &FieldName) -> Option<usize> {
        self.0.iter().position(|n| n == name)
    }

    /// The stored form: names joined by the separator; `None` for a list without columns.
    pub fn to_stored(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| join_values(self.0.iter().map(FieldName::as_str)))
    }

    /// Reads the stored form back; `None` if a name no longer parses.
    pub fn from_stored(stored: Option<&str>) -> Option<ListColumns> {
        match stored {
            None | Some("") => Some(ListColumns::default()),
            Some(s) => s
                .split(FIELD_SEPARATOR)
                .map(FieldName::parse)
                .collect::<Option<Vec<_>>>()
                .map(ListColumns),
        }
    }
}

impl ListColumns {
    /// These columns followed by those of `other` they lack.
    pub fn union(&self, other: &ListColumns) -> ListColumns {
        let mut names = self.0.clone();
        for name in &other.0 {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        ListColumns(names)
    }

    /// For each column of `to`, where it is among these.
    /// Each column's name with a recipient's value, in order, the empty ones left out.
    pub fn named_values<'a>(&'a self, fields: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
        self.0
            .iter()
            .zip(split_values(fields))
            .filter(|(_, value)| !value.is_empty())
            .map(|(name, value)| (name.as_str(), value))
            .collect()
    }

    pub fn mapping_to(&self, to: &ListColumns) -> Vec<Option<usize>> {
        to.0.iter().map(|name| self.index_of(name)).collect()
    }
}

/// A recipient's stored values, in its list's column order (none when it has none).
pub fn split_values(fields: Option<&str>) -> Vec<&str> {
    fields.map_or_else(Vec::new, |f| f.split(FIELD_SEPARATOR).collect())
}

/// A recipient's stored values moved to another list's columns (see
/// [`ListColumns::mapping_to`]); `newer`, when given, wins wherever it has a value.
pub fn remap_values(
    fields: Option<&str>,
    mapping: &[Option<usize>],
    newer: Option<(&str, &[Option<usize>])>,
) -> Option<String> {
    if mapping.is_empty() {
        return None;
    }
    let values = split_values(fields);
    let newer: Option<(Vec<&str>, &[Option<usize>])> =
        newer.map(|(f, m)| (split_values(Some(f)), m));
    let picked = mapping.iter().enumerate().map(|(column, from)| {
        let newer_value = newer.as_ref().and_then(|(values, m)| {
            m[column]
                .and_then(|i| values.get(i).copied())
                .filter(|v| !v.is_empty())
        });
        newer_value.unwrap_or_else(|| from.and_then(|i| values.get(i).copied()).unwrap_or(""))
    });
    Some(join_values(picked))
}

/// One recipient's values in stored form.
pub fn join_values<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let mut joined = String::new();
    for (i, value) in values.enumerate() {
        if i > 0 {
            joined.push(FIELD_SEPARATOR);
        }
        joined.push_str(value);
    }
    joined
}

/// A value as it goes into a message: blanks and line breaks collapsed to single spaces (a
/// spreadsheet cell's line break would show in the SMS), the separator removed, at most
/// `max_chars` characters.
pub fn clean_value(raw: &str, max_chars: usize) -> String {
    let mut value = String::with_capacity(raw.len());
    for word in raw
        .split(|c: char| c.is_whitespace() || c == FIELD_SEPARATOR)
        .filter(|w| !w.is_empty())
    {
        if !value.is_empty() {
            value.push(' ');
        }
        value.push_str(word);
    }
    if let Some((cut, _)) = value.char_indices().nth(max_chars) {
        value.truncate(cut);
        value.truncate(value.trim_end().len());
    }
    value
}

/// Why a recipient gets no message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecipientProblem {
    /// The field is empty for this recipient and has no fallback.
    Missing { field: FieldName },
    /// The value holds an invisible or control character, or a link: a value may not add
    /// either to a message the moderator approved.
    Unsafe { field: FieldName },
    /// With this recipient's values the message needs more than the segments allowed.
    TooLong { segments: usize },
}

/// A template bound to a list's columns, ready to render each recipient's message.
#[derive(Debug, Clone)]
pub struct Personaliser {
    template: Template,
    /// Each field the template uses, with its column.
    used: Vec<(FieldName, usize)>,
}

impl Personaliser {
    /// Refuses a template using a field the list has no column for, naming the columns.
    pub fn new(template: Template, columns: &ListColumns) -> Result<Personaliser, TemplateError> {
        template.check_columns(columns.names())?;
        let used = template
            .fields()
            .into_iter()
            .map(|name| {
                let index = columns.index_of(name).expect("checked above");
                (name.clone(), index)
            })
            .collect();
        Ok(Personaliser { template, used })
    }

    pub fn template(&self) -> &Template {
        &self.template
    }

    /// The message for a recipient whose stored values are `fields`.
    pub fn render(&self, fields: Option<&str>) -> Result<SmsBody, RecipientProblem> {
        let values = split_values(fields);
        let value_of = |index: usize| values.get(index).copied().unwrap_or("");
        for (field, index) in &self.used {
            let value = value_of(*index);
            // Every link has a dot (a host) or a colon (a scheme): most values have neither,
            // and skip the link search, a million times over at finalize.
            let may_link = value.contains(['.', ':']);
            let smuggles = value.chars().any(is_hidden_control)
                || (may_link && (forbidden_scheme(value).is_some() || !links_in(value).is_empty()));
            if smuggles {
                return Err(RecipientProblem::Unsafe {
                    field: field.clone(),
                });
            }
        }
        let text = self
            .template
            .render(|name| {
                self.used
                    .iter()
                    .find(|(used, _)| used == name)
                    .map(|(_, index)| value_of(*index))
            })
            .map_err(|missing| RecipientProblem::Missing {
                field: missing.field,
            })?;
        SmsBody::parse(&text).map_err(|e| match e {
            super::sms::SmsBodyError::TooLong { segments, .. } => {
                RecipientProblem::TooLong { segments }
            }
            // The template's own text is not empty and holds no hidden character, and values
            // were checked above.
            _ => RecipientProblem::TooLong { segments: 0 },
        })
    }
}

/// A message's length, for the shortest and longest of a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MessageLength {
    pub units: usize,
    pub segments: u8,
    pub encoding: Encoding,
    /// The line of the file the recipient came from.
    pub line: u64,
}

/// A recipient's message as it will be sent, or why it won't be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewMessage {
    pub phone: String,
    pub line: u64,
    pub text: Result<String, RecipientProblem>,
}

/// As `{phone, line, text}` or `{phone, line, problem}`: the shape machine readers expect.
impl serde::Serialize for PreviewMessage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Shown<'a> {
            phone: &'a str,
            line: u64,
            #[serde(skip_serializing_if = "Option::is_none")]
            text: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            problem: Option<&'a RecipientProblem>,
        }
        Shown {
            phone: &self.phone,
            line: self.line,
            text: self.text.as_deref().ok(),
            problem: self.text.as_ref().err(),
        }
        .serialize(serializer)
    }
}

/// What a personalised body sends over a whole list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PersonalSummary {
    /// Recipients who get a message.
    pub messages: u64,
    /// The exact total: each message's segments, added up.
    pub cost: Credits,
    /// The template with every field empty: what "more segments" and "switch" compare with.
    pub template_segments: u8,
    pub template_encoding: Encoding,
    pub shortest: Option<MessageLength>,
    pub longest: Option<MessageLength>,
    /// Recipients whose message needs more segments than the template alone.
    pub more_segments: u64,
    /// Recipients whose own values make the message UCS-2 (a GSM-7 template).
    pub switched_to_ucs2: u64,
    /// Recipients without a message, by reason, with their lines.
    pub missing_value: RowIssues,
    /// The fields found empty (without fallback), each once.
    pub missing_fields: Vec<FieldName>,
    pub unsafe_value: RowIssues,
    /// The fields whose values were refused, each once.
    pub unsafe_fields: Vec<FieldName>,
    pub too_long: RowIssues,
    pub preview: Vec<PreviewMessage>,
}

impl PersonalSummary {
    /// Recipients who get no message.
    pub fn left_out(&self) -> u64 {
        self.missing_value.count + self.unsafe_value.count + self.too_long.count
    }
}

/// Adds up a list's messages one recipient at a time, in list order.
pub struct PersonalPricing<'p> {
    personaliser: &'p Personaliser,
    /// Where the template's links are shortened to, when it has links.
    short_links: Option<&'p LinkBase>,
    summary: PersonalSummary,
    segments: u64,
}

impl<'p> PersonalPricing<'p> {
    pub fn new(personaliser: &'p Personaliser) -> PersonalPricing<'p> {
        let alone = personaliser.template.static_text();
        let (template_encoding, template_segments) = match SmsBody::parse(&alone) {
            Ok(body) => (body.encoding(), body.segments()),
            Err(_) => (Encoding::Gsm7, 1),
        };
        PersonalPricing {
            personaliser,
            short_links: None,
            summary: PersonalSummary {
                messages: 0,
                cost: Credits::ZERO,
                template_segments,
                template_encoding,
                shortest: None,
                longest: None,
                more_segments: 0,
                switched_to_ucs2: 0,
                missing_value: RowIssues::default(),
                missing_fields: Vec::new(),
                unsafe_value: RowIssues::default(),
                unsafe_fields: Vec::new(),
                too_long: RowIssues::default(),
                preview: Vec::new(),
            },
            segments: 0,
        }
    }

    /// Prices each message with its links shortened to `base` (their preview keeps them as
    /// written: that is what the sender wrote and the moderator checks).
    pub fn shortening(mut self, base: Option<&'p LinkBase>) -> PersonalPricing<'p> {
        let has_links = count_links(&self.personaliser.template.static_text()) > 0;
        self.short_links = base.filter(|_| has_links);
        self
    }

    pub fn add(&mut self, phone: &str, line: u64, fields: Option<&str>) {
        let s = &mut self.summary;
        let rendered = self.personaliser.render(fields);
        if s.preview.len() < PREVIEW_RECIPIENTS {
            s.preview.push(PreviewMessage {
                phone: phone.to_owned(),
                line,
                text: rendered
                    .as_ref()
                    .map(|b| b.as_str().to_owned())
                    .map_err(Clone::clone),
            });
        }
        let rendered = match (rendered, self.short_links) {
            (Ok(body), Some(base)) => {
                SmsBody::parse(&priced_text(body.as_str(), base)).map_err(|e| match e {
                    super::sms::SmsBodyError::TooLong { segments, .. } => {
                        RecipientProblem::TooLong { segments }
                    }
                    _ => RecipientProblem::TooLong { segments: 0 },
                })
            }
            (rendered, _) => rendered,
        };
        let body = match rendered {
            Ok(body) => body,
            Err(RecipientProblem::Missing { field }) => {
                s.missing_value.add(line);
                if !s.missing_fields.contains(&field) {
                    s.missing_fields.push(field);
                }
                return;
            }
            Err(RecipientProblem::Unsafe { field }) => {
                s.unsafe_value.add(line);
                if !s.unsafe_fields.contains(&field) {
                    s.unsafe_fields.push(field);
                }
                return;
            }
            Err(RecipientProblem::TooLong { .. }) => return s.too_long.add(line),
        };
        s.messages += 1;
        self.segments += u64::from(body.segments());
        if body.segments() > s.template_segments {
            s.more_segments += 1;
        }
        if body.encoding() == Encoding::Ucs2 && s.template_encoding == Encoding::Gsm7 {
            s.switched_to_ucs2 += 1;
        }
        let length = MessageLength {
            units: body.units(),
            segments: body.segments(),
            encoding: body.encoding(),
            line,
        };
        let longer =
            |a: &MessageLength, b: &MessageLength| (a.segments, a.units) > (b.segments, b.units);
        if s.shortest.is_none_or(|m| longer(&m, &length)) {
            s.shortest = Some(length);
        }
        if s.longest.is_none_or(|m| longer(&length, &m)) {
            s.longest = Some(length);
        }
    }

    pub fn finish(mut self) -> PersonalSummary {
        self.summary.cost = Credits(self.segments);
        self.summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(names: &[&str]) -> ListColumns {
        ListColumns::new(names.iter().map(|n| FieldName::parse(n).unwrap()).collect())
    }

    fn personaliser(body: &str, names: &[&str]) -> Personaliser {
        Personaliser::new(Template::parse(body).unwrap(), &columns(names)).unwrap()
    }

    #[test]
    fn columns_and_values_round_trip_through_their_stored_form() {
        let cols = columns(&["prenom", "ville"]);
        let stored = cols.to_stored().unwrap();
        assert_eq!(ListColumns::from_stored(Some(&stored)), Some(cols));
        assert_eq!(ListColumns::from_stored(None), Some(ListColumns::default()));
        assert_eq!(
            clean_value("  Jean\n  Pierre\u{1f}x ", 100),
            "Jean Pierre x"
        );
        assert_eq!(clean_value("Émilie", 3), "Émi");
    }

    #[test]
    fn each_recipient_gets_its_values_and_problems_are_named() {
        let p = personaliser(
            "Bonjour {prenom|client} de {ville}. STOP 36180",
            &["prenom", "ville"],
        );
        let ok = p.render(Some("Alice\u{1f}Lyon")).unwrap();
        assert_eq!(ok.as_str(), "Bonjour Alice de Lyon. STOP 36180");
        assert_eq!(
            p.render(Some("\u{1f}Lyon")).unwrap().as_str(),
            "Bonjour client de Lyon. STOP 36180"
        );
        let missing = p.render(Some("Alice")).unwrap_err();
        assert_eq!(
            missing,
            RecipientProblem::Missing {
                field: FieldName::parse("ville").unwrap()
            }
        );
        for smuggled in [
            "Alice\u{202E}",
            "www.evil.example",
            "javascript:x",
            "https://a.io",
        ] {
            assert!(
                matches!(
                    p.render(Some(&format!("{smuggled}\u{1f}Lyon"))),
                    Err(RecipientProblem::Unsafe { .. })
                ),
                "{smuggled:?}"
            );
        }
        assert!(
            Personaliser::new(Template::parse("{age}").unwrap(), &columns(&["prenom"])).is_err()
        );
    }

    #[test]
    fn pricing_adds_each_message_and_counts_who_costs_more() {
        let p = personaliser("Bonjour {prenom|client}! STOP 36180", &["prenom"]);
        let mut pricing = PersonalPricing::new(&p);
        pricing.add("+33600000001", 2, Some("Zoë"));
        pricing.add("+33600000002", 3, Some(&"A".repeat(150)));
        pricing.add("+33600000003", 4, Some("Bob"));
        pricing.add("+33600000004", 5, Some("Ana\u{200B}"));
        let s = pricing.finish();
        assert_eq!(s.messages, 3);
        // Zoë: "ë" is not in GSM 03.38 (UCS-2, still one segment); 150 A.s make two.
        assert_eq!(s.cost, Credits(1 + 2 + 1));
        assert_eq!(s.more_segments, 1);
        assert_eq!(s.switched_to_ucs2, 1);
        assert_eq!(s.unsafe_value.first_lines, [5]);
        assert_eq!(s.longest.unwrap().line, 3);
        assert_eq!(s.shortest.unwrap().line, 2);
        assert_eq!(s.preview.len(), 3);
        assert_eq!(s.preview[0].text.as_deref(), Ok("Bonjour Zoë! STOP 36180"));

        let mut pricing = PersonalPricing::new(&p);
        pricing.add("+33600000001", 2, Some("Łukasz"));
        let s = pricing.finish();
        assert_eq!((s.switched_to_ucs2, s.cost), (1, Credits(1)));
    }
}
