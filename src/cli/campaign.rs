//! `herald campaign …`: the whole lifecycle from a terminal.
use std::fs::File;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use herald::app::{
    App, AppError, CampaignStatus, ConfirmOutcome, Decision, DraftInput, DraftView,
    FinalizeOptions, ImportOptions, Requester, ResultsSummary, SendRequest,
};
use herald::domain::campaign::{CampaignError, CampaignState, RefusalCode, Summary};
use herald::domain::compliance::ComplianceFlag;
use herald::domain::ids::{AccountId, ModeratorName, UserId};
use herald::domain::personal::PersonalSummary;
use herald::domain::recipients::ImportReport;
use herald::domain::window::Decision as Window;
use herald::english;

use super::Failure;
use super::output::Output;
use super::words;

/// Which server, and who is acting.
#[derive(Args, Clone, Copy)]
pub struct Who {
    /// The Discord server (account) id.
    #[arg(long, env = "HERALD_SERVER", value_parser = super::discord_id)]
    server: u64,
    /// The Discord user id the command acts as.
    #[arg(long = "as", env = "HERALD_USER", default_value_t = 1, value_parser = super::discord_id)]
    user: u64,
}

impl Who {
    pub(super) fn requester(self) -> Requester {
        Requester::new(AccountId(self.server), UserId(self.user))
    }
}

#[derive(Subcommand)]
pub enum CampaignCommand {
    /// Create a draft campaign.
    Create {
        #[command(flatten)]
        who: Who,
        name: String,
        /// The SMS text.
        #[arg(long)]
        body: Option<String>,
        /// Sender ID (default: the account's).
        #[arg(long)]
        sender: Option<String>,
    },
    /// Copy a campaign's text, sender and recipients into a new draft.
    Duplicate {
        #[command(flatten)]
        who: Who,
        name: String,
        new_name: String,
    },
    /// Change a draft's text or sender.
    Edit {
        #[command(flatten)]
        who: Who,
        name: String,
        #[arg(long)]
        body: Option<String>,
        #[arg(long)]
        sender: Option<String>,
    },
    /// Import recipients from a CSV file (a phone column; other columns become merge fields).
    Import {
        #[command(flatten)]
        who: Who,
        name: String,
        file: PathBuf,
        /// Also import valid numbers that can't receive an SMS (landlines, toll-free, VoIP...).
        #[arg(long)]
        keep_not_mobile: bool,
    },
    /// Check and price the draft; prints a summary and the token to confirm it with.
    Finalize {
        #[command(flatten)]
        who: Who,
        name: String,
        /// Local send date (YYYY-MM-DD); omit --date and --time to send at once after approval.
        #[arg(long, requires = "time")]
        date: Option<String>,
        /// Local send time (HH:MM).
        #[arg(long, requires = "date")]
        time: Option<String>,
        /// IANA time zone of --date/--time (default: the account's).
        #[arg(long, requires = "date")]
        zone: Option<String>,
        /// First add the account's opt-out mention at the end of the message.
        #[arg(long)]
        add_opt_out: bool,
        /// First replace typographic quotes, dashes and spaces by plain ones (GSM-7).
        #[arg(long)]
        plain_characters: bool,
        /// Leave out the recipients whose personalised message can't be written.
        #[arg(long)]
        leave_out: bool,
        /// Send links as written instead of short links that count clicks.
        #[arg(long)]
        keep_links: bool,
    },
    /// Take the recipients from audiences (`herald audience`) instead of a file.
    Recipients {
        #[command(flatten)]
        who: Who,
        name: String,
        /// An audience to send to (repeat for several).
        #[arg(long = "audience", required = true)]
        audiences: Vec<String>,
        /// An audience whose numbers are left out (repeat for several).
        #[arg(long = "exclude")]
        excluded: Vec<String>,
    },
    /// Confirm a finalized campaign or a cancellation with its token.
    Confirm {
        #[command(flatten)]
        who: Who,
        token: String,
    },
    /// Cancel a submitted campaign back to draft (prints a token to confirm, or use --yes).
    Cancel {
        #[command(flatten)]
        who: Who,
        name: String,
        /// Confirm at once.
        #[arg(long)]
        yes: bool,
    },
    /// What the latest version did: a summary, and with --csv each recipient's result.
    Report {
        #[command(flatten)]
        who: Who,
        name: String,
        /// Write each recipient's result to this CSV file (phone, merge fields, outcome,
        /// reason, attempts, first submission, final report, clicks, replies, answers).
        #[arg(long)]
        csv: Option<PathBuf>,
    },
    /// Show a campaign's state and progress.
    Status {
        #[command(flatten)]
        who: Who,
        name: String,
    },
    /// List the server's campaigns.
    List {
        #[command(flatten)]
        who: Who,
        #[arg(long, default_value_t = 1)]
        page: u32,
    },
    /// Approve the version waiting for review (as a moderator).
    Approve {
        #[command(flatten)]
        who: Who,
        name: String,
        #[arg(long)]
        moderator: String,
        /// The version to approve (default: the latest).
        #[arg(long)]
        version: Option<u32>,
    },
    /// Refuse the version waiting for review (as a moderator).
    Refuse {
        #[command(flatten)]
        who: Who,
        name: String,
        #[arg(long)]
        moderator: String,
        /// technical or code_of_conduct.
        #[arg(long)]
        code: String,
        /// What the owner should fix (at most 500 characters).
        #[arg(long)]
        reason: String,
        #[arg(long)]
        version: Option<u32>,
    },
}

pub async fn run(app: &App, out: &Output, cmd: CampaignCommand) -> Result<(), Failure> {
    match cmd {
        CampaignCommand::Duplicate {
            who,
            name,
            new_name,
        } => {
            let status = app
                .duplicate_campaign(who.requester(), &name, &new_name)
                .await?;
            out.done(
                &format!(
                    "campaign \"{}\" created as a draft with the text, sender and {} recipient(s) of \"{}\"",
                    status.name,
                    status.draft_recipients.unwrap_or(0),
                    name.trim()
                ),
                &status,
            );
        }
        CampaignCommand::Create {
            who,
            name,
            body,
            sender,
        } => {
            app.ensure_account(AccountId(who.server), &format!("server {}", who.server))
                .await?;
            let status = app
                .create_campaign(who.requester(), &name, DraftInput { body, sender })
                .await?;
            out.done(
                &format!("campaign \"{}\" created as a draft", status.name),
                &status,
            );
        }
        CampaignCommand::Edit {
            who,
            name,
            body,
            sender,
        } => {
            let status = app
                .edit_campaign(who.requester(), &name, DraftInput { body, sender })
                .await?;
            out.done(&format!("campaign \"{}\" updated", status.name), &status);
        }
        CampaignCommand::Import {
            who,
            name,
            file,
            keep_not_mobile,
        } => {
            let input = File::open(&file)
                .map_err(|e| Failure::User(format!("could not open {}: {e}", file.display())))?;
            let options = ImportOptions { keep_not_mobile };
            let report = app
                .import_recipients(who.requester(), &name, input, options)
                .await?;
            out.done(&import_text(&report), &report);
        }
        CampaignCommand::Finalize {
            who,
            name,
            date,
            time,
            zone,
            add_opt_out,
            plain_characters,
            leave_out,
            keep_links,
        } => {
            // Both flags may be given again (after a finalize that failed for another
            // reason): what is already done is left as it is, and the summary shows it.
            if add_opt_out {
                match app.add_opt_out(who.requester(), &name).await {
                    Err(AppError::Campaign(CampaignError::OptOutPresent)) => {}
                    Err(AppError::Campaign(CampaignError::MissingOptOut {
                        mention: None, ..
                    })) => {
                        return Err(Failure::User(format!(
                            "--add-opt-out has nothing to add: the account has no opt-out mention; set it with `herald account set {} --opt-out \"STOP au 36180\"`",
                            who.server
                        )));
                    }
                    other => drop(other?),
                }
            }
            if plain_characters {
                match app.use_gsm7(who.requester(), &name).await {
                    Err(AppError::Campaign(CampaignError::NoGsm7Version)) => {}
                    other => drop(other?),
                }
            }
            let when = match (date, time) {
                (Some(date), Some(time)) => SendRequest::Scheduled { date, time, zone },
                _ => SendRequest::Immediate,
            };
            let options = FinalizeOptions {
                leave_out,
                keep_links,
            };
            let summary = match app
                .finalize_with(who.requester(), &name, when, options)
                .await
            {
                Err(AppError::Campaign(CampaignError::UnwritableMessages(p))) => {
                    return Err(Failure::User(unwritable_text(&p)));
                }
                other => other?,
            };
            // The text and sender being confirmed, as they stand after the flags' changes.
            let draft = app.draft(who.requester(), &name).await?;
            out.done(&summary_text(&summary, who.server, &draft), &summary);
        }
        CampaignCommand::Recipients {
            who,
            name,
            audiences,
            excluded,
        } => {
            let include: Vec<&str> = audiences.iter().map(String::as_str).collect();
            let exclude: Vec<&str> = excluded.iter().map(String::as_str).collect();
            let selection = app
                .use_audiences(who.requester(), &name, &include, &exclude)
                .await?;
            out.done(
                &format!(
                    "campaign \"{}\" now sends to {} recipient(s) from {}\n  excluded: {}\n  in several audiences, counted once: {}\n  merge fields: {}\nthe list is taken again at each finalize and frozen at confirmation",
                    name.trim(),
                    selection.recipients,
                    include.join(", "),
                    selection.excluded,
                    selection.in_several,
                    herald::english::fields(&selection.columns),
                ),
                &selection,
            );
        }
        CampaignCommand::Report { who, name, csv } => {
            let summary = match &csv {
                Some(path) => {
                    let file = File::create(path).map_err(|e| {
                        Failure::User(format!("could not write {}: {e}", path.display()))
                    })?;
                    let out = std::io::BufWriter::with_capacity(1 << 16, file);
                    match app.export_results(who.requester(), &name, out).await {
                        Ok(summary) => summary,
                        Err(e) => {
                            // Nothing to report: no empty file left behind.
                            let _ = std::fs::remove_file(path);
                            return Err(e.into());
                        }
                    }
                }
                None => {
                    app.export_results(who.requester(), &name, std::io::sink())
                        .await?
                }
            };
            let mut text = report_text(&summary);
            if let Some(path) = &csv {
                text.push_str(&format!(
                    "\n{} recipient(s) written to {}",
                    summary.recipients,
                    path.display()
                ));
            }
            out.done(&text, &summary);
        }
        CampaignCommand::Confirm { who, token } => {
            let outcome = app.confirm(who.requester(), &token).await?;
            out.done(&outcome_text(&outcome), &outcome);
        }
        CampaignCommand::Cancel { who, name, yes } => {
            let token = app.request_cancel(who.requester(), &name, true).await?;
            if yes {
                let outcome = app.confirm(who.requester(), token.as_str()).await?;
                out.done(&outcome_text(&outcome), &outcome);
            } else {
                out.done(
                    &format!("to cancel \"{name}\", run within 15 minutes:\n  herald campaign confirm --server {} {}", who.server, token.as_str()),
                    &serde_json::json!({"token": token}),
                );
            }
        }
        CampaignCommand::Status { who, name } => {
            let status = app.status(who.requester(), &name).await?;
            out.done(&status_text(&status), &status);
        }
        CampaignCommand::List { who, page } => {
            const PER_PAGE: u32 = 20;
            let (items, total) = app
                .list(who.requester(), page.saturating_sub(1), PER_PAGE)
                .await?;
            let mut text = format!("{total} campaign(s)");
            for item in &items {
                let headline = words::headline(item.state, 0, item.stopping, item.refusal.as_ref());
                text.push_str(&format!("\n  {:<32} {headline}", item.name));
            }
            out.done(
                &text,
                &serde_json::json!({"total": total, "page": page, "campaigns": items}),
            );
        }
        CampaignCommand::Approve {
            who,
            name,
            moderator,
            version,
        } => {
            let status = decide(app, who, &name, &moderator, version, Decision::Approve).await?;
            out.done(&status_line(&status), &status);
        }
        CampaignCommand::Refuse {
            who,
            name,
            moderator,
            code,
            reason,
            version,
        } => {
            let code = RefusalCode::parse(&code).ok_or_else(|| {
                Failure::User(format!(
                    "\"{code}\" is not a refusal code: use technical or code_of_conduct"
                ))
            })?;
            let status = decide(
                app,
                who,
                &name,
                &moderator,
                version,
                Decision::Refuse { code, reason },
            )
            .await?;
            out.done(&status_line(&status), &status);
        }
    }
    Ok(())
}

async fn decide(
    app: &App,
    who: Who,
    name: &str,
    moderator: &str,
    version: Option<u32>,
    decision: Decision,
) -> Result<CampaignStatus, Failure> {
    let moderator = ModeratorName::parse(moderator).map_err(|e| Failure::User(e.to_string()))?;
    let (id, latest) = app.campaign_id(AccountId(who.server), name).await?;
    let version = version
        .or(latest)
        .ok_or_else(|| Failure::User(format!("\"{name}\" has no submitted version to review")))?;
    Ok(app.decide(id, version, &moderator, decision).await?)
}

/// Who would get no message, with the lines to fix and the ways out.
fn unwritable_text(p: &PersonalSummary) -> String {
    let lines = words::lines;
    let mut text = format!("{} recipient(s) would get no message:", p.left_out());
    if p.missing_value.count > 0 {
        text.push_str(&format!(
            "\n  {} with an empty {} and no fallback{}",
            p.missing_value.count,
            herald::english::fields(&p.missing_fields),
            lines(&p.missing_value.first_lines)
        ));
    }
    if p.unsafe_value.count > 0 {
        text.push_str(&format!(
            "\n  {} whose {} holds a link or an invisible character, which a value may not add to a message{}",
            p.unsafe_value.count,
            herald::english::fields(&p.unsafe_fields),
            lines(&p.unsafe_value.first_lines)
        ));
    }
    if p.too_long.count > 0 {
        text.push_str(&format!(
            "\n  {} whose message gets longer than 10 segments with their values{}",
            p.too_long.count,
            lines(&p.too_long.first_lines)
        ));
    }
    let fallback = match p.missing_fields.first() {
        Some(field) => format!(", give {{{field}}} a fallback ({{{field}|...}})"),
        None => String::new(),
    };
    text.push_str(&format!(
        "\nfix those lines (of the file each recipient came from) and import the list again{fallback}, or finalize again with --leave-out to send to the others only (the left out are not charged)"
    ));
    text
}

/// A personalised body's figures and preview, for the summary.
fn personal_text(p: &PersonalSummary) -> String {
    let mut text = format!(
        "\n  personalised: {} message(s), each priced on its own text; the template alone takes {} segment(s)",
        p.messages, p.template_segments
    );
    if let (Some(short), Some(long)) = (p.shortest, p.longest) {
        text.push_str(&format!(
            "\n  shortest message: {} characters ({} segment(s), {}, line {}); longest: {} characters ({} segment(s), {}, line {})",
            short.units, short.segments, short.encoding, short.line, long.units, long.segments, long.encoding, long.line
        ));
    }
    if p.more_segments > 0 {
        text.push_str(&format!(
            "\n  {} recipient(s) need more segments than the template alone because of their values",
            p.more_segments
        ));
    }
    if p.switched_to_ucs2 > 0 {
        text.push_str(&format!(
            "\n  {} recipient(s) switch to UCS-2 (70 characters per SMS) because of a character in their own values",
            p.switched_to_ucs2
        ));
    }
    if p.left_out() > 0 {
        text.push_str(&format!(
            "\n  {} recipient(s) left out, as asked (--leave-out): their message can't be written; they are not charged",
            p.left_out()
        ));
    }
    text.push_str("\n  preview, as the first recipients will receive it:");
    for m in &p.preview {
        match &m.text {
            Ok(body) => text.push_str(&format!(
                "\n    {} (line {}): {}",
                m.phone,
                m.line,
                body.replace('\n', "\n      ")
            )),
            Err(problem) => text.push_str(&format!(
                "\n    {} (line {}): no message ({})",
                m.phone,
                m.line,
                english::recipient_problem(problem)
            )),
        }
    }
    text
}

pub(super) fn import_text(r: &ImportReport) -> String {
    let lines = words::lines;
    let mut text = format!(
        "imported {} recipient(s)\n  duplicates: {}{}\n  invalid: {}{}\n  opted out: {}{}",
        r.imported,
        r.duplicates.count,
        lines(&r.duplicates.first_lines),
        r.invalid.count,
        lines(&r.invalid.first_lines),
        r.opted_out.count,
        lines(&r.opted_out.first_lines),
    );
    if r.not_mobile.count > 0 {
        let what = if r.kept_not_mobile {
            "kept all the same"
        } else {
            "left out; --keep-not-mobile imports them"
        };
        text.push_str(&format!(
            "\n  not a mobile number (landline, toll-free, VoIP...): {}{} - {what}",
            r.not_mobile.count,
            lines(&r.not_mobile.first_lines),
        ));
    }
    if !r.columns.is_empty() {
        text.push_str(&format!(
            "\n  merge fields for the message: {}",
            herald::english::fields(&r.columns)
        ));
    }
    if !r.unusable_columns.is_empty() {
        text.push_str(&format!(
            "\n  columns not kept as merge fields (spaces or punctuation in their name; rename them with letters, digits, _ or -): {}",
            r.unusable_columns
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    text
}

fn summary_text(s: &Summary, server: u64, draft: &DraftView) -> String {
    let send = match (&s.send_local, s.send_zone, s.send_utc) {
        (Some(local), Some(zone), Some(utc)) => {
            format!("{local} {zone} ({} UTC)", utc.format("%Y-%m-%d %H:%M"))
        }
        _ => "immediately after approval".to_owned(),
    };
    let mut text = format!(
        "campaign \"{}\", version {}: check before confirming\n  sender: {}\n  text: {}\n  recipients: {}\n  message: {}\n  cost: {} credits; {}\n  send: {send}",
        s.campaign,
        s.version,
        draft.sender.as_deref().unwrap_or("(the account's)"),
        draft
            .body
            .as_deref()
            .unwrap_or_default()
            .replace('\n', "\n        "),
        s.recipients,
        match &s.personal {
            None => format!("{} segment(s), {}", s.segments, s.encoding),
            Some(_) => "personalised for each recipient (see below)".to_owned(),
        },
        s.cost,
        match (s.balance_after, s.shortfall) {
            (Some(after), _) => format!("balance {} -> {after} after", s.available),
            (None, shortfall) => format!(
                "balance {}, {} short",
                s.available,
                shortfall.unwrap_or_default()
            ),
        }
    );
    if let Some(p) = &s.personal {
        text.push_str(&personal_text(p));
    }
    if let Some(note) = &s.fold_note {
        text.push_str(&format!("\n  note: {}", words::fold_note(note)));
    }
    if let Some(first) = s.starts_later {
        // Said in the zone whose window opens first.
        let opening = s
            .plan
            .groups
            .iter()
            .find(|g| matches!(g.decision, Window::NotBefore { at, .. } if at == first))
            .map(|g| english::opening(&g.destination, first))
            .unwrap_or_else(|| format!("{} UTC", first.format("%Y-%m-%d %H:%M")));
        text.push_str(&format!(
            "\n  first messages: {opening}, when the first sending window opens (every recipient's is closed at the send time)"
        ));
    }
    if !s.plan.groups.is_empty() {
        text.push_str("\n  sending window, by where the phones are:");
        for group in &s.plan.groups {
            let zone = english::destination(&group.destination);
            text.push_str(&match &group.decision {
                Window::Now => format!(
                    "\n    {zone}: {} recipient(s), from the send time",
                    group.recipients
                ),
                Window::NotBefore { at, because } => format!(
                    "\n    {zone}: {} recipient(s), from {} ({})",
                    group.recipients,
                    english::opening(&group.destination, *at),
                    english::closed_because(because)
                ),
            });
        }
    }
    if !s.ucs2_characters.is_empty() {
        let characters: Vec<String> = s
            .ucs2_characters
            .iter()
            .take(8)
            .map(|(c, at)| format!("{} at {at}", english::character(*c)))
            .collect();
        text.push_str(&format!(
            "\n  UCS-2 (70 characters per SMS instead of 160) because of: {}",
            characters.join(", ")
        ));
    }
    if let Some(offer) = &s.gsm7_offer {
        let cost = if offer.cost == s.cost {
            "the same cost, 160 characters per SMS instead of 70".to_owned()
        } else {
            format!("{} credits instead of {}", offer.cost, s.cost)
        };
        text.push_str(&format!(
            "\n  with plain quotes, dashes and spaces it would be GSM-7: {} segment(s), {cost}; finalize again with --plain-characters to use them",
            offer.segments
        ));
    }
    if let Some(note) = &s.short_links {
        text.push_str(&format!(
            "\n  links: each recipient gets {} link(s) as a short link that counts clicks, such as {} ({} characters, counted in the cost); finalize again with --keep-links to send them as written",
            note.links,
            note.example,
            note.example.chars().count()
        ));
        if let Some((segments, cost)) = note.as_written {
            text.push_str(&format!(
                "\n  short links make the message longer: with links as written it would be {segments} segment(s), {cost} credits"
            ));
        }
        if note.local {
            text.push_str(&format!(
                "\n  warning: {} is this machine's own address, which phones can't open: set HERALD_LINK_DOMAIN or HERALD_PUBLIC_URL to the address recipients reach",
                note.example
            ));
        }
    }
    if s.links_as_written > 0 {
        text.push_str(&format!(
            "\n  links: {} sent as written; their clicks are not counted",
            s.links_as_written
        ));
    }
    for flag in s
        .flags
        .iter()
        .filter(|f| !matches!(f, ComplianceFlag::OutsideSendingWindow { .. }))
    {
        text.push_str(&format!("\n  warning: {}", english::compliance_flag(flag)));
    }
    if let Some(shortfall) = s.shortfall {
        text.push_str(&format!(
            "\n  warning: the balance is {shortfall} credits short of the cost today: reload the account before the send time, or the campaign will be held"
        ));
    }
    text.push_str(&format!(
        "\nto confirm, run before {} UTC:\n  herald campaign confirm --server {server} {}",
        s.expires_at.format("%H:%M"),
        s.token.as_str()
    ));
    text
}

fn report_text(r: &ResultsSummary) -> String {
    let c = &r.counts;
    let mut text = format!(
        "campaign \"{}\", version {}: {} recipient(s)\n  delivered {}, bounced {}, still sending {}\n  not sent: {} opted out, {} outside sending hours, {} stopped, {} left out\n  clicks: {} by {} recipient(s)\n  credits: {} reserved, {} debited, {} refunded (messages paid for and not sent)",
        r.campaign,
        r.version,
        r.recipients,
        c.delivered,
        c.bounced,
        c.pending + c.submitted + c.retrying,
        c.opted_out(),
        c.outside_hours,
        c.stopped,
        c.left_out,
        r.clicks,
        r.clickers,
        r.cost,
        r.debited,
        r.refunded
    );
    for (reason, n) in &r.bounced_by_reason {
        text.push_str(&format!("\n  bounced, {reason}: {n}"));
    }
    text
}

fn status_line(s: &CampaignStatus) -> String {
    let headline = words::headline(s.state, s.percent, s.stopping, s.refusal.as_ref());
    format!("{}: {headline}", s.name)
}

fn outcome_text(outcome: &ConfirmOutcome) -> String {
    match outcome {
        ConfirmOutcome::Submitted {
            campaign, state, ..
        } => format!("{campaign}: {}", words::headline(*state, 0, false, None)),
        ConfirmOutcome::Cancelled {
            campaign,
            state: CampaignState::Sending,
            ..
        } => format!("{campaign}: stopping; messages not handed to the gateway are not sent"),
        ConfirmOutcome::Cancelled { campaign, .. } => {
            format!("{campaign}: cancelled, back to draft")
        }
        ConfirmOutcome::TestSent {
            campaign,
            numbers,
            cost,
        } => format!("{campaign}: test SMS queued for {numbers} number(s); {cost} credits spent"),
    }
}

fn status_text(s: &CampaignStatus) -> String {
    let mut text = status_line(s);
    if let Some(v) = s.version {
        text.push_str(&format!("\n  version: {v}"));
    }
    if let (Some(r), Some(c)) = (s.recipients, s.cost) {
        text.push_str(&format!("\n  recipients: {r}, cost: {c} credits"));
    }
    if let (Some(local), Some(zone)) = (&s.send_local, s.send_zone) {
        text.push_str(&format!("\n  send: {local} {zone}"));
    }
    if let Some(d) = &s.deliveries {
        text.push_str(&format!(
            "\n  delivered {}, retrying {}, bounced {}, not sent {}",
            d.delivered,
            d.retrying,
            d.bounced,
            d.unsent()
        ));
        if d.outside_hours > 0 {
            text.push_str(&format!(
                "\n  not sent, outside sending hours until the retry window closed (refunded): {}",
                d.outside_hours
            ));
        }
        if d.opted_out() > 0 {
            text.push_str(&format!(
                "\n  not sent, on the opt-out list (refunded): {}",
                d.opted_out()
            ));
        }
        if d.left_out > 0 {
            text.push_str(&format!(
                "\n  left out, their personalised message could not be written (not charged): {}",
                d.left_out
            ));
        }
        if let Some(next) = d.next_retry {
            text.push_str(&format!(
                "\n  next retry: {}",
                next.format("%Y-%m-%d %H:%M UTC")
            ));
        }
    }
    for group in &s.waiting_for_window {
        if let Window::NotBefore { at, because } = &group.decision {
            text.push_str(&format!(
                "\n  {} waiting for the sending window to open {} ({})",
                group.recipients,
                english::opening(&group.destination, *at),
                english::closed_because(because)
            ));
        }
    }
    if let Some(r) = &s.refusal {
        text.push_str(&format!(
            "\n  version {} refused by {} ({}): {}",
            r.version,
            words::reviewer(&r.by),
            words::refusal_code(r.code),
            r.reason
        ));
    }
    text
}
