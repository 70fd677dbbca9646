//! Every user-facing string of the bot, one file per language (`en.rs`, `fr.rs`). Templates
//! carry `{name}` placeholders filled by `fill`.
mod en;
pub mod errors;
mod fr;
#[cfg(test)]
mod french_tests;
pub mod words;

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

    /// `value` with `places` decimals, written as the reader's language does ("1.5", "1,5").
    pub fn decimal(self, value: f64, places: usize) -> String {
        let text = format!("{value:.places$}");
        match self {
            Lang::En => text,
            Lang::Fr => text.replace('.', ","),
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

/// Declares `Texts`, one `&'static str` per key, and `Texts::entries` to walk them all.
macro_rules! texts {
    ($($(#[$doc:meta])* $key:ident,)*) => {
        pub struct Texts {
            $($(#[$doc])* pub $key: &'static str,)*
        }

        impl Texts {
            /// Every key with its text, in declaration order.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($key), self.$key)),*]
            }
        }
    };
}

texts! {
    confirm,
    cancel_sending,
    previous,
    next,
    modal_title_create,
    modal_title_edit,
    modal_body,
    modal_sender,
    duplicated,
    created,
    edited,
    import_done,
    import_counts,
    import_lines,
    attachment_too_large,
    attachment_unreadable,
    date_and_time_together,
    summary_title,
    summary_recipients,
    summary_message,
    summary_cost,
    summary_send_now,
    summary_send_at,
    summary_warning,
    summary_short_credit,
    summary_confirm_before,
    submitted,
    status_next_retry,
    stop_ask,
    stopping,
    test_title,
    test_numbers,
    test_queued,
    cancel_ask,
    cancelled,
    confirmation_expired,
    not_yours,
    status_line,
    status_version,
    status_counts,
    status_send_at,
    status_refused,
    list_title,
    list_item,
    list_empty,
    credits,
    credits_line,
    zone_saved,
    server_saved,
    need_send_role,
    need_manager,
    guild_only,
    internal_error,
    help,
    notify_submitted,
    notify_approved,
    notify_refused,
    notify_started,
    notify_held,
    notify_completed,
    survey_question,
    survey_thanks,
    survey_sorry,
    share_publicly,
    review_title,
    review_label,
    /// What a reviewer agrees to by sending the form; its hash is kept with their consent.
    review_notice,
    review_thanks,
    /// The support-chat notice; its hash is kept with each answer to it.
    support_notice,
    accept,
    decline,
    support_opened,
    support_declined,
    support_first_message,
    support_thread_name,
    support_closed,
    support_saved,
    replies_saved,
    reply_thread_header,
    reply_thread_header_alone,
    reply_thread_field,
    reply_text,
    reply_opted_out,
    review_reminder,
    moderators_saved,
    err_not_moderators_server,
    err_reminder_delay,
    answer_title,
    answer_waits,
    answer_confirmed,
    answer_already,
    answer_post,
    answer_status_queued,
    answer_status_waiting,
    answer_status_submitted,
    answer_status_retrying,
    answer_status_delivered,
    answer_status_bounced,
    answer_status_opted_out,
    answer_status_outside_hours,
    err_not_a_reply_thread,
    err_answer_opted_out,
    err_answer_no_sender,
    err_answer_expired,
    contact_again,
    contact_title,
    contact_label,
    need_support_role,
    privacy_header,
    privacy_none,
    privacy_granted,
    withdraw,
    export,
    erase,
    withdrawn,
    exported,
    erased,
    state_draft,
    state_refused,
    state_awaiting_confirmation,
    state_pending_review,
    state_approved,
    state_scheduled,
    state_on_hold,
    state_sending,
    state_stopping,
    state_completed,
    code_technical,
    code_conduct,
    reviewer_auto,
    ledger_credit,
    ledger_reserve,
    ledger_debit,
    ledger_release,
    ledger_refund,
    purpose_support_chat,
    purpose_public_review,
    day_monday,
    day_tuesday,
    day_wednesday,
    day_thursday,
    day_friday,
    day_saturday,
    day_sunday,
    window_local,
    window_sunday,
    window_holiday,
    window_hours,
    holiday_new_year,
    holiday_easter_monday,
    holiday_labour,
    holiday_victory,
    holiday_ascension,
    holiday_whit_monday,
    holiday_bastille,
    holiday_assumption,
    holiday_all_saints,
    holiday_armistice,
    holiday_christmas,
    holiday_abolition,
    holiday_good_friday,
    holiday_mid_lent,
    holiday_schoelcher,
    holiday_missionary,
    holiday_matarii,
    holiday_citizenship,
    holiday_peter_chanel,
    holiday_peter_paul,
    holiday_territory,
    reason_sunday,
    reason_holiday,
    reason_before,
    reason_after,
    destination_all_zones,
    summary_zones,
    summary_zone_now,
    summary_zone_waits,
    summary_starts,
    summary_ucs2,
    summary_ucs2_at,
    summary_gsm7_offer,
    summary_gsm7_offer_same_cost,
    summary_short_links,
    summary_short_links_cost,
    summary_short_links_local,
    summary_links_as_written,
    button_use_gsm7,
    gsm7_done,
    flag_missing_opt_out,
    flag_shortener,
    flag_link,
    link_plain_http,
    link_ip,
    link_punycode,
    link_look_alike,
    link_shortener,
    flag_all_caps,
    flag_window,
    flag_window_old,
    flag_sender,
    flag_first_campaign,
    summary_flags,
    summary_flag,
    err_missing_opt_out,
    err_missing_opt_out_offer,
    err_missing_opt_out_no_room,
    err_missing_opt_out_none,
    button_add_opt_out,
    opt_out_added,
    err_opt_out_present,
    err_no_gsm7,
    err_sender_rule,
    rule_length,
    rule_characters,
    rule_numeric,
    rule_numeric_declared,
    rule_generic,
    rule_operator,
    err_hidden_control,
    err_forbidden_link,
    err_short_code,
    err_link_expiry,
    err_french_window,
    optout_listed,
    optout_removed,
    optout_reason_stop,
    optout_reason_imported,
    optout_reason_failure,
    optout_reason_manual,
    optout_reason_by,
    optout_imported,
    optout_exported,
    err_opt_out_not_listed,
    err_opt_out_stop_reason,
    err_managers_only,
    status_waiting,
    status_outside_hours,
    test_waits,
    test_now_note,
    button_send_test_now,
    window_saved,
    window_lifted,
    window_french,
    fold_first,
    fold_second,
    summary_cost_short,
    import_not_mobile,
    import_not_mobile_kept,
    err_missing_body,
    err_no_recipients,
    err_no_sender,
    err_version_pending,
    err_version_in_flight,
    err_already_sending,
    err_already_completed,
    err_not_awaiting_confirmation,
    err_confirmation_expired,
    err_draft_changed,
    err_not_your_confirmation,
    err_wrong_campaign,
    err_send_time_passed,
    err_insufficient_credit,
    err_cost_overflow,
    err_not_owner,
    err_nothing_to_cancel,
    err_cannot_cancel,
    err_body_empty,
    err_body_too_long,
    err_sender,
    err_name_empty,
    err_name_too_long,
    err_name_control,
    err_send_gap,
    err_send_too_soon,
    err_send_too_far,
    err_bad_date,
    err_no_such_day,
    err_bad_time,
    err_zone_empty,
    err_zone_unknown,
    err_zone_suggest,
    err_zone_offset,
    err_zone_offset_suggest,
    err_zone_offset_place,
    err_zone_offset_fixed,
    err_region,
    err_phone_unparsable,
    err_phone_letters,
    err_phone_invalid,
    err_phone_invalid_code,
    err_opt_out_too_long,
    err_csv_empty,
    err_csv_line_too_long,
    err_csv_not_text,
    err_csv_no_number_column,
    separator_comma,
    separator_semicolon,
    separator_tab,
    separator_bar,
    separator_other,
    separator_none,
    err_csv_read,
    err_csv_interrupted,
    err_no_usable_recipient,
    rejected_invalid,
    rejected_duplicates,
    rejected_opted_out,
    rejected_not_mobile,
    rejected_nothing,
    err_test_empty,
    err_test_too_many,
    err_rating,
    err_survey_answered,
    err_survey_expired,
    err_survey_not_yours,
    err_survey_not_answered,
    err_review_empty,
    err_review_too_long,
    err_unknown_survey,
    err_review_exists,
    err_question,
    err_support_not_configured,
    err_unknown_support_request,
    err_not_support_thread,
    err_support_closed,
    err_unknown_campaign,
    err_unknown_account,
    err_name_taken,
    err_unknown_confirmation,
    err_busy,
    err_template_unclosed,
    err_template_unopened,
    err_template_empty_name,
    err_template_bad_name,
    err_template_unknown_field,
    err_template_no_columns,
    err_unwritable,
    err_unwritable_missing,
    err_unwritable_unsafe,
    err_unwritable_too_long,
    err_unwritable_hint,
    err_unwritable_hint_values,
    err_csv_repeated_column,
    err_audience_name_empty,
    err_audience_name_too_long,
    err_audience_name_control,
    err_audience_taken,
    err_audience_not_found,
    err_audience_both,
    err_audience_none,
    err_audience_deleted,
    err_audience_empty,
    summary_personal,
    summary_personal_range,
    summary_personal_more,
    summary_personal_ucs2,
    summary_personal_left_out,
    summary_preview,
    summary_preview_line,
    summary_preview_none,
    preview_missing,
    preview_unsafe,
    preview_too_long,
    import_columns,
    import_unusable_columns,
    audience_imported,
    audience_none,
    audience_list_title,
    audience_list_line,
    audience_show,
    audience_deleted,
    audience_no_columns,
    audience_selected,
    err_audience_mode,
    recipients_file_or_audience,
    status_opted_out,
    status_left_out,
    audience_replaced,
    err_audience_name_comma,
    err_not_sent_yet,
    report_title,
    report_recipients,
    report_delivered,
    report_bounced,
    report_sending,
    report_not_sent_name,
    report_not_sent,
    report_clicks_name,
    report_clicks,
    report_money_name,
    report_money,
    report_bounce_reasons,
    report_bounce_reason,
    report_too_large,
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
    fn decimals_follow_the_language() {
        assert_eq!(Lang::En.decimal(1.54, 1), "1.5");
        assert_eq!(Lang::Fr.decimal(1.54, 1), "1,5");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(fill("{a} and {b}", &[("a", &1), ("b", &"x")]), "1 and x");
    }

    /// The `{name}` placeholders of a text, sorted, without repeats.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut keys: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(k, _)| k))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Both languages are one struct, so neither can miss a key (the compiler sees to it);
    /// this checks that every key says the same things: the same placeholders, nothing blank.
    #[test]
    fn every_key_has_the_same_placeholders_in_both_languages() {
        let (en, fr) = (Lang::En.texts().entries(), Lang::Fr.texts().entries());
        assert_eq!(en.len(), fr.len());
        assert!(en.len() > 200, "{} keys", en.len());
        for ((key, e), (fr_key, f)) in en.iter().zip(&fr) {
            assert_eq!(key, fr_key);
            assert!(
                !e.trim().is_empty() && !f.trim().is_empty(),
                "{key} is blank"
            );
            assert_eq!(placeholders(e), placeholders(f), "{key}: {e:?} / {f:?}");
        }
    }
}
