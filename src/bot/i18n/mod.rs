//! Every user-facing string of the bot, one file per language (`en.rs`, `fr.rs`). Templates
//! carry `{name}` placeholders filled by `fill`.
mod en;
mod fr;
pub mod fr_errors;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    /// The language of an interaction's locale ("fr", "fr-FR" → French; anything else English).
    pub fn of(locale: Option<&str>) -> Lang {
        match locale {
            Some(l) if l == "fr" || l.starts_with("fr-") => Lang::Fr,
            _ => Lang::En,
        }
    }

    /// "en" or "fr".
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &en::TEXTS,
            Lang::Fr => &fr::TEXTS,
        }
    }
}

/// Replaces each `{key}` of `template` with its value.
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = template.to_owned();
    for (key, value) in values {
        out = out.replace(&format!("{{{key}}}"), &value.to_string());
    }
    out
}

pub struct Texts {
    pub confirm: &'static str,
    pub cancel_sending: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub modal_title_create: &'static str,
    pub modal_title_edit: &'static str,
    pub modal_body: &'static str,
    pub modal_sender: &'static str,
    pub created: &'static str,
    pub edited: &'static str,
    pub import_done: &'static str,
    pub import_lines: &'static str,
    pub attachment_too_large: &'static str,
    pub attachment_unreadable: &'static str,
    pub date_and_time_together: &'static str,
    pub summary_title: &'static str,
    pub summary_recipients: &'static str,
    pub summary_message: &'static str,
    pub summary_cost: &'static str,
    pub summary_send_now: &'static str,
    pub summary_send_at: &'static str,
    pub summary_warning: &'static str,
    pub summary_short_credit: &'static str,
    pub summary_confirm_before: &'static str,
    pub submitted: &'static str,
    pub test_title: &'static str,
    pub stop_ask: &'static str,
    pub stopping: &'static str,
    pub status_next_retry: &'static str,
    pub test_numbers: &'static str,
    pub test_queued: &'static str,
    pub cancel_ask: &'static str,
    pub cancelled: &'static str,
    pub confirmation_expired: &'static str,
    pub not_yours: &'static str,
    pub status_line: &'static str,
    pub status_version: &'static str,
    pub status_counts: &'static str,
    pub status_send_at: &'static str,
    pub status_refused: &'static str,
    pub list_title: &'static str,
    pub list_empty: &'static str,
    pub credits: &'static str,
    pub credits_line: &'static str,
    pub zone_saved: &'static str,
    pub server_saved: &'static str,
    pub need_send_role: &'static str,
    pub need_manager: &'static str,
    pub guild_only: &'static str,
    pub internal_error: &'static str,
    pub help: &'static str,
    pub notify_submitted: &'static str,
    pub notify_approved: &'static str,
    pub notify_refused: &'static str,
    pub notify_started: &'static str,
    pub notify_held: &'static str,
    pub notify_completed: &'static str,
    pub survey_question: &'static str,
    pub survey_thanks: &'static str,
    pub survey_sorry: &'static str,
    pub share_publicly: &'static str,
    pub review_title: &'static str,
    pub review_label: &'static str,
    /// What a reviewer agrees to by sending the form; its hash is kept with their consent.
    pub review_notice: &'static str,
    pub review_thanks: &'static str,
    /// The support-chat notice; its hash is kept with each answer to it.
    pub support_notice: &'static str,
    pub accept: &'static str,
    pub decline: &'static str,
    pub support_opened: &'static str,
    pub support_declined: &'static str,
    pub support_first_message: &'static str,
    pub support_thread_name: &'static str,
    pub support_closed: &'static str,
    pub support_saved: &'static str,
    pub need_support_role: &'static str,
    pub contact_again: &'static str,
    pub contact_title: &'static str,
    pub contact_label: &'static str,
    pub privacy_header: &'static str,
    pub privacy_none: &'static str,
    pub privacy_granted: &'static str,
    pub withdraw: &'static str,
    pub export: &'static str,
    pub erase: &'static str,
    pub withdrawn: &'static str,
    pub exported: &'static str,
    pub erased: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_pick_a_language() {
        assert_eq!(Lang::of(Some("fr")), Lang::Fr);
        assert_eq!(Lang::of(Some("en-US")), Lang::En);
        assert_eq!(Lang::of(None), Lang::En);
    }

    #[test]
    fn placeholders_are_filled_and_both_languages_use_the_same_ones() {
        assert_eq!(fill("{a} and {b}", &[("a", &1), ("b", &"x")]), "1 and x");
        let placeholders = |s: &str| {
            let mut keys: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(k, _)| k.to_owned()))
                .collect();
            keys.sort();
            keys
        };
        let (en, fr) = (Lang::En.texts(), Lang::Fr.texts());
        for (e, f) in [
            (en.summary_cost, fr.summary_cost),
            (en.summary_send_at, fr.summary_send_at),
            (en.import_done, fr.import_done),
            (en.status_counts, fr.status_counts),
            (en.notify_refused, fr.notify_refused),
            (en.notify_held, fr.notify_held),
            (en.credits_line, fr.credits_line),
        ] {
            assert_eq!(placeholders(e), placeholders(f), "{e} / {f}");
        }
    }
}
