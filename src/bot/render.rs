//! Use-case results turned into Discord messages.
use poise::serenity_prelude as serenity;

use super::custom_id::CustomId;
use super::i18n::errors::field_list;
use super::i18n::{Lang, fill, words};
use crate::app::{CampaignListItem, CampaignStatus, ConfirmOutcome, CreditsView};
use crate::domain::campaign::CampaignState;
use crate::domain::campaign::{OptOutOffer, Summary, TestSummary};
use crate::domain::compliance::ComplianceFlag;
use crate::domain::personal::{PersonalSummary, RecipientProblem};
use crate::domain::phone::PhoneNumber;
use crate::domain::recipients::ImportReport;
use crate::domain::window::{Decision, Destination};

/// `<t:UNIX:F>`: Discord shows it in each reader's own time zone.
pub fn full_time(at: chrono::DateTime<chrono::Utc>) -> String {
    format!("<t:{}:F>", at.timestamp())
}

pub fn relative_time(at: chrono::DateTime<chrono::Utc>) -> String {
    format!("<t:{}:R>", at.timestamp())
}

pub fn button(id: &CustomId, label: &str, style: serenity::ButtonStyle) -> serenity::CreateButton {
    serenity::CreateButton::new(id.to_string())
        .label(label)
        .style(style)
}

/// The price of a test, before its Confirm button.
pub fn test_summary(s: &TestSummary, lang: Lang) -> String {
    let t = lang.texts();
    [
        fill(t.test_title, &[("name", &s.campaign)]),
        fill(t.test_numbers, &[("numbers", &s.numbers.join(", "))]),
        fill(
            t.summary_message,
            &[("segments", &s.segments), ("encoding", &s.encoding)],
        ),
        fill(
            t.summary_cost,
            &[
                ("cost", &s.cost),
                ("available", &s.available),
                ("after", &s.balance_after),
            ],
        ),
    ]
    .into_iter()
    .chain(s.waiting.iter().filter_map(|w| match &w.decision {
        Decision::NotBefore { at, because } => {
            let destination = PhoneNumber::from_e164(&w.number)
                .map(|n| Destination::of_number(&n))
                .ok()?;
            Some(fill(
                t.test_waits,
                &[
                    ("number", &w.number),
                    ("reason", &words::closed_because(t, because)),
                    ("opens", &words::opening(t, &destination, *at)),
                ],
            ))
        }
        Decision::Now => None,
    }))
    .chain((!s.waiting.is_empty()).then(|| t.test_now_note.to_owned()))
    .chain([fill(
        t.summary_confirm_before,
        &[("expiry", &relative_time(s.expires_at))],
    )])
    .collect::<Vec<_>>()
    .join("\n")
}

/// The refusal of a message without the opt-out mention, with what adding it costs.
pub fn missing_opt_out(mention: &str, offer: &OptOutOffer, lang: Lang) -> String {
    let t = lang.texts();
    [
        fill(t.err_missing_opt_out, &[("mention", &mention)]),
        fill(
            t.err_missing_opt_out_offer,
            &[
                ("segments_before", &offer.segments_before),
                ("segments_after", &offer.segments_after),
                ("cost_before", &offer.cost_before),
                ("cost_after", &offer.cost_after),
            ],
        ),
    ]
    .join("\n")
}

pub fn summary(s: &Summary, lang: Lang) -> String {
    let t = lang.texts();
    let mut lines = vec![
        fill(
            t.summary_title,
            &[("name", &s.campaign), ("version", &s.version)],
        ),
        fill(t.summary_recipients, &[("count", &s.recipients)]),
        match &s.personal {
            None => fill(
                t.summary_message,
                &[("segments", &s.segments), ("encoding", &s.encoding)],
            ),
            Some(p) => personal(p, lang),
        },
        match (s.balance_after, s.shortfall) {
            (Some(after), _) => fill(
                t.summary_cost,
                &[
                    ("cost", &s.cost),
                    ("available", &s.available),
                    ("after", &after),
                ],
            ),
            (None, shortfall) => fill(
                t.summary_cost_short,
                &[
                    ("cost", &s.cost),
                    ("available", &s.available),
                    ("shortfall", &shortfall.unwrap_or_default()),
                ],
            ),
        },
    ];
    match (&s.send_local, s.send_zone, s.send_utc) {
        (Some(local), Some(zone), Some(utc)) => lines.push(fill(
            t.summary_send_at,
            &[
                ("local", local),
                ("zone", &zone),
                ("full", &full_time(utc)),
                ("relative", &relative_time(utc)),
            ],
        )),
        _ => lines.push(t.summary_send_now.to_owned()),
    }
    if let Some(note) = &s.fold_note {
        let note = words::fold_note(t, note);
        lines.push(fill(t.summary_warning, &[("warning", &note)]));
    }
    if let Some(first) = s.starts_later {
        lines.push(fill(
            t.summary_starts,
            &[
                ("full", &full_time(first)),
                ("relative", &relative_time(first)),
            ],
        ));
    }
    if !s.plan.groups.is_empty() {
        lines.push(t.summary_zones.to_owned());
        for group in &s.plan.groups {
            let zone = words::destination(t, &group.destination);
            lines.push(match &group.decision {
                Decision::Now => fill(
                    t.summary_zone_now,
                    &[("zone", &zone), ("count", &group.recipients)],
                ),
                Decision::NotBefore { at, because } => fill(
                    t.summary_zone_waits,
                    &[
                        ("zone", &zone),
                        ("count", &group.recipients),
                        ("opens", &words::opening(t, &group.destination, *at)),
                        ("reason", &words::closed_because(t, because)),
                    ],
                ),
            });
        }
    }
    if !s.ucs2_characters.is_empty() {
        let characters = s
            .ucs2_characters
            .iter()
            .take(8)
            .map(|(c, at)| {
                let shown = if crate::domain::sms::shows_nothing(*c) {
                    format!("U+{:04X}", u32::from(*c))
                } else {
                    c.to_string()
                };
                fill(
                    t.summary_ucs2_at,
                    &[("character", &shown), ("position", at)],
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        lines.push(fill(t.summary_ucs2, &[("characters", &characters)]));
    }
    if let Some(offer) = &s.gsm7_offer {
        let offer_text = if offer.cost == s.cost {
            t.summary_gsm7_offer_same_cost
        } else {
            t.summary_gsm7_offer
        };
        lines.push(fill(
            offer_text,
            &[
                ("segments", &offer.segments),
                ("cost", &offer.cost),
                ("current", &s.cost),
            ],
        ));
    }
    if let Some(note) = &s.short_links {
        lines.push(fill(
            t.summary_short_links,
            &[("links", &note.links), ("example", &note.example)],
        ));
        if let Some((segments, cost)) = note.as_written {
            lines.push(fill(
                t.summary_short_links_cost,
                &[("segments", &segments), ("cost", &cost)],
            ));
        }
        if note.local {
            lines.push(fill(
                t.summary_short_links_local,
                &[("example", &note.example)],
            ));
        }
    }
    if s.links_as_written > 0 {
        lines.push(fill(
            t.summary_links_as_written,
            &[("links", &s.links_as_written)],
        ));
    }
    let flags: Vec<String> = s
        .flags
        .iter()
        .filter(|f| !matches!(f, ComplianceFlag::OutsideSendingWindow { .. }))
        .map(|f| fill(t.summary_flag, &[("flag", &words::compliance_flag(t, f))]))
        .collect();
    if !flags.is_empty() {
        lines.push(t.summary_flags.to_owned());
        lines.extend(flags);
    }
    if s.shortfall.is_some() {
        lines.push(t.summary_short_credit.to_owned());
    }
    if let Some(p) = &s.personal {
        lines.push(t.summary_preview.to_owned());
        lines.extend(preview(p, lang));
    }
    lines.push(fill(
        t.summary_confirm_before,
        &[("expiry", &relative_time(s.expires_at))],
    ));
    lines.join("\n")
}

/// What a personalised body sends: the messages, their lengths, who costs more or switches
/// to UCS-2, who is left out.
fn personal(p: &PersonalSummary, lang: Lang) -> String {
    let t = lang.texts();
    let mut lines = vec![fill(
        t.summary_personal,
        &[
            ("messages", &p.messages),
            ("segments", &p.template_segments),
        ],
    )];
    if let (Some(short), Some(long)) = (p.shortest, p.longest) {
        lines.push(fill(
            t.summary_personal_range,
            &[
                ("short_units", &short.units),
                ("short_segments", &short.segments),
                ("short_line", &short.line),
                ("long_units", &long.units),
                ("long_segments", &long.segments),
                ("long_line", &long.line),
            ],
        ));
    }
    if p.more_segments > 0 {
        lines.push(fill(
            t.summary_personal_more,
            &[("count", &p.more_segments)],
        ));
    }
    if p.switched_to_ucs2 > 0 {
        lines.push(fill(
            t.summary_personal_ucs2,
            &[("count", &p.switched_to_ucs2)],
        ));
    }
    if p.left_out() > 0 {
        lines.push(fill(
            t.summary_personal_left_out,
            &[("count", &p.left_out())],
        ));
    }
    lines.join("\n")
}

/// Characters of a previewed message shown in Discord: three full messages of ten segments
/// would not fit one reply.
const PREVIEW_CHARS: usize = 300;

/// The first recipients' messages as they will receive them, quoted as code so nothing in
/// them is read as Markdown or a mention.
pub fn preview(p: &PersonalSummary, lang: Lang) -> Vec<String> {
    let t = lang.texts();
    p.preview
        .iter()
        .map(|m| {
            let phone = &m.phone;
            match &m.text {
                Ok(text) => {
                    let mut shown: String = text.chars().take(PREVIEW_CHARS).collect();
                    if text.chars().count() > PREVIEW_CHARS {
                        shown.push('…');
                    }
                    let quoted = format!("`{}`", shown.replace('`', "'").replace('\n', " ⏎ "));
                    fill(
                        t.summary_preview_line,
                        &[("phone", &phone), ("line", &m.line), ("text", &quoted)],
                    )
                }
                Err(problem) => {
                    let why = match problem {
                        RecipientProblem::Missing { field } => fill(
                            t.preview_missing,
                            &[("field", &field_list(std::slice::from_ref(field)))],
                        ),
                        RecipientProblem::Unsafe { field } => fill(
                            t.preview_unsafe,
                            &[("field", &field_list(std::slice::from_ref(field)))],
                        ),
                        RecipientProblem::TooLong { .. } => t.preview_too_long.to_owned(),
                    };
                    fill(
                        t.summary_preview_none,
                        &[("phone", &phone), ("line", &m.line), ("why", &why)],
                    )
                }
            }
        })
        .collect()
}

pub fn import_report(name: &str, r: &ImportReport, lang: Lang) -> String {
    let t = lang.texts();
    let mut text = fill(t.import_done, &[("imported", &r.imported), ("name", &name)]);
    text.push('\n');
    text.push_str(&import_details(r, lang));
    text
}

/// An import's problem lines, numbers left out and merge-field columns.
pub fn import_details(r: &ImportReport, lang: Lang) -> String {
    let t = lang.texts();
    let mut text = fill(
        t.import_counts,
        &[
            ("duplicates", &r.duplicates.count),
            ("invalid", &r.invalid.count),
            ("opted_out", &r.opted_out.count),
        ],
    );
    let mut lines: Vec<u64> = [&r.invalid, &r.duplicates, &r.opted_out, &r.not_mobile]
        .iter()
        .flat_map(|i| i.first_lines.iter().copied())
        .collect();
    lines.sort_unstable();
    push_problem_lines(&mut text, &lines, lang);
    if r.not_mobile.count > 0 {
        let template = if r.kept_not_mobile {
            t.import_not_mobile_kept
        } else {
            t.import_not_mobile
        };
        text.push('\n');
        text.push_str(&fill(template, &[("count", &r.not_mobile.count)]));
    }
    if !r.columns.is_empty() {
        text.push('\n');
        text.push_str(&fill(
            t.import_columns,
            &[("columns", &field_list(&r.columns))],
        ));
    }
    if !r.unusable_columns.is_empty() {
        let names = r
            .unusable_columns
            .iter()
            .map(|c| format!("\"{}\"", c.replace('`', "'")))
            .collect::<Vec<_>>()
            .join(", ");
        text.push('\n');
        text.push_str(&fill(t.import_unusable_columns, &[("columns", &names)]));
    }
    text
}

/// Lines joined into one message, cut (with "…") to Discord's 2,000 characters.
pub fn fit_message(lines: Vec<String>) -> String {
    let mut text = String::new();
    for line in lines {
        if text.chars().count() + line.chars().count() + 2 > DISCORD_MAX_CHARS {
            text.push_str("\n…");
            break;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&line);
    }
    text
}

const DISCORD_MAX_CHARS: usize = 2000;

/// An opt-out import's report, with the lines to look at.
pub fn opt_out_import(r: &ImportReport, lang: Lang) -> String {
    let t = lang.texts();
    let mut text = fill(
        t.optout_imported,
        &[
            ("added", &r.imported),
            ("already", &r.opted_out.count),
            ("repeated", &r.duplicates.count),
            ("invalid", &r.invalid.count),
        ],
    );
    push_problem_lines(&mut text, &r.invalid.first_lines, lang);
    text
}

/// "First lines with problems: 3, 7", the first ten of `lines`, on a line of its own.
fn push_problem_lines(text: &mut String, lines: &[u64], lang: Lang) {
    if lines.is_empty() {
        return;
    }
    let list = lines
        .iter()
        .take(10)
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    text.push('\n');
    text.push_str(&fill(lang.texts().import_lines, &[("lines", &list)]));
}

/// What a Confirm button did.
pub fn confirm_outcome(outcome: &ConfirmOutcome, lang: Lang) -> String {
    let t = lang.texts();
    match outcome {
        ConfirmOutcome::Cancelled {
            campaign,
            state: CampaignState::Sending,
            ..
        } => fill(t.stopping, &[("name", campaign)]),
        ConfirmOutcome::Cancelled { campaign, .. } => fill(t.cancelled, &[("name", campaign)]),
        ConfirmOutcome::TestSent {
            campaign,
            numbers,
            cost,
        } => fill(
            t.test_queued,
            &[("name", campaign), ("count", numbers), ("cost", cost)],
        ),
        ConfirmOutcome::Submitted {
            campaign, state, ..
        } => {
            let headline = words::headline(t, *state, 0, false, None);
            fill(t.submitted, &[("name", campaign), ("headline", &headline)])
        }
    }
}

/// A 10-character text progress bar.
pub fn progress_bar(percent: u8) -> String {
    let filled = usize::from(percent.min(100)) / 10;
    format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
}

pub fn status(s: &CampaignStatus, lang: Lang) -> (String, Vec<serenity::CreateActionRow>) {
    let t = lang.texts();
    let headline = words::headline(t, s.state, s.percent, s.stopping, s.refusal.as_ref());
    let mut lines = vec![fill(
        t.status_line,
        &[("name", &s.name), ("headline", &headline)],
    )];
    if let Some(v) = s.version {
        lines.push(fill(t.status_version, &[("version", &v)]));
    }
    if let Some(d) = &s.deliveries {
        lines.push(fill(
            t.status_counts,
            &[
                ("bar", &progress_bar(s.percent)),
                ("percent", &s.percent),
                ("delivered", &d.delivered),
                ("retrying", &d.retrying),
                ("bounced", &d.bounced),
            ],
        ));
        if d.outside_hours > 0 {
            lines.push(fill(t.status_outside_hours, &[("count", &d.outside_hours)]));
        }
        if d.opted_out() > 0 {
            lines.push(fill(t.status_opted_out, &[("count", &d.opted_out())]));
        }
        if d.left_out > 0 {
            lines.push(fill(t.status_left_out, &[("count", &d.left_out)]));
        }
        if let Some(next) = d.next_retry {
            lines.push(fill(
                t.status_next_retry,
                &[("relative", &relative_time(next))],
            ));
        }
    }
    for group in &s.waiting_for_window {
        if let Decision::NotBefore { at, because } = &group.decision {
            lines.push(fill(
                t.status_waiting,
                &[
                    ("count", &group.recipients),
                    ("opens", &words::opening(t, &group.destination, *at)),
                    ("reason", &words::closed_because(t, because)),
                ],
            ));
        }
    }
    if let Some(utc) = s.send_utc {
        lines.push(fill(
            t.status_send_at,
            &[("full", &full_time(utc)), ("relative", &relative_time(utc))],
        ));
    }
    if let Some(r) = &s.refusal {
        lines.push(fill(
            t.status_refused,
            &[("by", &words::reviewer(t, &r.by)), ("reason", &r.reason)],
        ));
    }
    let components = if s.cancellable {
        let ask = CustomId::AskCancel(s.name.clone());
        vec![serenity::CreateActionRow::Buttons(vec![button(
            &ask,
            t.cancel_sending,
            serenity::ButtonStyle::Danger,
        )])]
    } else {
        Vec::new()
    };
    (lines.join("\n"), components)
}

pub const LIST_PAGE_SIZE: u32 = 10;

pub fn list_page(
    items: &[CampaignListItem],
    total: u64,
    page: u32,
    lang: Lang,
) -> (String, Vec<serenity::CreateActionRow>) {
    let t = lang.texts();
    if total == 0 {
        return (t.list_empty.to_owned(), Vec::new());
    }
    let pages = total.div_ceil(u64::from(LIST_PAGE_SIZE)).max(1);
    let mut text = fill(
        t.list_title,
        &[("total", &total), ("page", &(page + 1)), ("pages", &pages)],
    );
    for item in items {
        let headline = words::headline(t, item.state, 0, item.stopping, item.refusal.as_ref());
        text.push('\n');
        text.push_str(&fill(
            t.list_item,
            &[("name", &item.name), ("headline", &headline)],
        ));
    }
    let mut buttons = Vec::new();
    if page > 0 {
        buttons.push(button(
            &CustomId::ListPage(page - 1),
            t.previous,
            serenity::ButtonStyle::Secondary,
        ));
    }
    if u64::from(page + 1) < pages {
        buttons.push(button(
            &CustomId::ListPage(page + 1),
            t.next,
            serenity::ButtonStyle::Secondary,
        ));
    }
    let rows = if buttons.is_empty() {
        Vec::new()
    } else {
        vec![serenity::CreateActionRow::Buttons(buttons)]
    };
    (text, rows)
}

pub fn credits(view: &CreditsView, lang: Lang) -> String {
    let t = lang.texts();
    let mut text = fill(
        t.credits,
        &[
            ("available", &view.balance.available),
            ("reserved", &view.balance.reserved),
        ],
    );
    for line in &view.ledger {
        text.push('\n');
        text.push_str(&fill(
            t.credits_line,
            &[
                ("at", &line.at.format("%Y-%m-%d %H:%M")),
                ("kind", &words::ledger_kind(t, line.kind)),
                ("amount", &line.amount),
                ("available", &line.balance_after.available),
            ],
        ));
    }
    text
}

/// A version's results summed up, for `/campaign report`: an embed, one field a figure.
pub fn results(r: &crate::app::ResultsSummary, lang: Lang) -> serenity::CreateEmbed {
    let t = lang.texts();
    let c = &r.counts;
    let mut embed = serenity::CreateEmbed::new()
        .title(fill(
            t.report_title,
            &[("name", &r.campaign), ("version", &r.version)],
        ))
        .description(fill(t.report_recipients, &[("recipients", &r.recipients)]))
        .field(t.report_delivered, c.delivered.to_string(), true)
        .field(t.report_bounced, c.bounced.to_string(), true)
        .field(
            t.report_sending,
            (c.pending + c.submitted + c.retrying).to_string(),
            true,
        )
        .field(
            t.report_not_sent_name,
            fill(
                t.report_not_sent,
                &[
                    ("opted_out", &c.opted_out()),
                    ("outside_hours", &c.outside_hours),
                    ("stopped", &c.stopped),
                    ("left_out", &c.left_out),
                ],
            ),
            false,
        )
        .field(
            t.report_clicks_name,
            fill(
                t.report_clicks,
                &[("clicks", &r.clicks), ("clickers", &r.clickers)],
            ),
            false,
        )
        .field(
            t.report_money_name,
            fill(
                t.report_money,
                &[
                    ("cost", &r.cost),
                    ("debited", &r.debited),
                    ("refunded", &r.refunded),
                ],
            ),
            false,
        );
    if !r.bounced_by_reason.is_empty() {
        let reasons: Vec<String> = r
            .bounced_by_reason
            .iter()
            .take(10)
            .map(|(reason, n)| {
                let reason = format!("`{}`", reason.replace('`', "'"));
                fill(t.report_bounce_reason, &[("reason", &reason), ("count", n)])
            })
            .collect();
        // An embed field holds 1,024 characters.
        let mut text = reasons.join("\n");
        if text.chars().count() > 1000 {
            text = text.chars().take(1000).collect::<String>() + "…";
        }
        embed = embed.field(t.report_bounce_reasons, text, false);
    }
    embed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_bars_have_ten_cells() {
        assert_eq!(progress_bar(0), "░░░░░░░░░░");
        assert_eq!(progress_bar(42), "████░░░░░░");
        assert_eq!(progress_bar(100), "██████████");
        assert_eq!(progress_bar(250).chars().count(), 10);
    }
}
