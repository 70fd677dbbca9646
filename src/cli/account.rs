//! `herald account …` and `herald moderator …`.
use std::io::BufRead;

use clap::{Args, Subcommand};
use herald::app::App;
use herald::domain::account::AccountSettings;
use herald::domain::credits::TopUp;
use herald::domain::effects::Actor;
use herald::domain::ids::AccountId;
use herald::domain::phone::Region;
use herald::domain::sender::{SenderId, ShortCode};
use herald::domain::short_links::LinkExpiry;
use herald::domain::zone::Zone;

use super::Failure;
use super::output::Output;

#[derive(Subcommand)]
pub enum AccountCommand {
    /// Show an account's settings and balance.
    Show {
        #[arg(value_parser = super::discord_id)]
        server: u64,
    },
    /// Add credit to an account (creating the account if it is new).
    Credit {
        #[arg(value_parser = super::discord_id)]
        server: u64,
        /// Whole number of credits to add (1 credit = 1 SMS segment to 1 recipient).
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// Why (kept in the ledger and the audit log).
        #[arg(long)]
        reason: String,
    },
    /// Change an account's settings.
    Set(SetArgs),
    /// Choose when messages to a foreign country may go (France keeps its rule: Monday to
    /// Saturday, 08:00-20:00 in the recipient's time, no public holidays).
    Window {
        #[arg(value_parser = super::discord_id)]
        server: u64,
        /// The country, as its two-letter code (BE, CH, US...).
        country: String,
        /// `french`: France's rule; `none`: messages go at any hour.
        #[arg(long, value_parser = ["french", "none"])]
        rule: String,
    },
}

#[derive(Args)]
pub struct SetArgs {
    #[arg(value_parser = super::discord_id)]
    server: u64,
    #[arg(long)]
    name: Option<String>,
    /// Approve this account's submissions without moderation.
    #[arg(long)]
    auto_validation: Option<bool>,
    /// Region national numbers are read in (two letters, e.g. FR).
    #[arg(long)]
    region: Option<String>,
    /// Default time zone for scheduled sends (IANA name, e.g. Europe/Paris).
    #[arg(long)]
    zone: Option<String>,
    /// Default sender ID.
    #[arg(long)]
    sender: Option<String>,
    /// Opt-out mention expected in every message, e.g. "STOP au 36180".
    #[arg(long)]
    opt_out: Option<String>,
    /// The account's French short code (36xxx or 38xxx): the only number allowed as sender.
    #[arg(long)]
    short_code: Option<String>,
    /// Days a campaign's short links keep redirecting after their message was sent (1 to 3650;
    /// default 90).
    #[arg(long, allow_negative_numbers = true, value_parser = days)]
    link_expiry_days: Option<i64>,
    /// Discord role id allowed to send, schedule and cancel (besides server managers).
    #[arg(long, value_parser = super::discord_id)]
    send_role: Option<u64>,
    /// Ask a person for a rating at most once in this many days (default 14).
    #[arg(long)]
    survey_fatigue_days: Option<u32>,
    /// Invite raters to share their opinion publicly (default true).
    #[arg(long)]
    public_reviews: Option<bool>,
}

#[derive(Subcommand)]
pub enum ModeratorCommand {
    /// Add a console moderator; asks for the password (or reads it from stdin).
    Add {
        name: String,
        /// Read the password from the first line of standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
}

pub async fn run(app: &App, out: &Output, cmd: AccountCommand) -> Result<(), Failure> {
    match cmd {
        AccountCommand::Show { server } => {
            let (account, balance) = app.account(AccountId(server)).await?;
            let unrestricted: Vec<&str> = account.sending_policy.unrestricted().collect();
            let text = format!(
                "account {} ({})\n  balance: {} available, {} reserved\n  auto-validation: {}\n  region: {}, zone: {}\n  sender: {}\n  short code: {}\n  opt-out mention: {}\n  sending window: {}\n  short links expire after: {} days",
                account.id,
                account.name,
                balance.available,
                balance.reserved,
                if account.auto_validation { "on" } else { "off" },
                account.region,
                account.zone.name(),
                account.sender.as_ref().map_or("(none)", |s| s.as_str()),
                account.short_code.as_ref().map_or("(none)", |c| c.as_str()),
                account.opt_out_text.as_deref().unwrap_or("(none)"),
                match unrestricted.as_slice() {
                    [] => "France's rule everywhere".to_owned(),
                    codes => format!("France's rule, except {} (any hour)", codes.join(", ")),
                },
                account.link_expiry.as_days(),
            );
            out.done(
                &text,
                &serde_json::json!({
                    "id": account.id, "name": account.name, "auto_validation": account.auto_validation,
                    "region": account.region.to_string(), "zone": account.zone.name(),
                    "sender": account.sender.as_ref().map(|s| s.as_str()), "opt_out_text": account.opt_out_text,
                    "short_code": account.short_code.as_ref().map(|c| c.as_str()),
                    "no_window_regions": unrestricted,
                    "link_expiry_days": account.link_expiry.as_days(),
                    "balance": balance,
                }),
            );
        }
        AccountCommand::Credit {
            server,
            amount,
            reason,
        } => {
            let amount = TopUp::parse(&amount).map_err(|e| Failure::User(e.to_string()))?;
            if reason.trim().is_empty() {
                return Err(Failure::User(
                    "give a --reason for the top-up: it is kept in the ledger".into(),
                ));
            }
            let id = AccountId(server);
            app.ensure_account(id, &format!("server {server}")).await?;
            let balance = app.credit(id, amount, &reason, Actor::Operator).await?;
            out.done(
                &format!(
                    "added {} credits to account {server}: {} available, {} reserved",
                    amount.credits(),
                    balance.available,
                    balance.reserved
                ),
                &balance,
            );
        }
        AccountCommand::Window {
            server,
            country,
            rule,
        } => {
            let id = AccountId(server);
            let lifted = rule == "none";
            app.set_window(id, &country, lifted, Actor::Operator)
                .await?;
            let country = country.trim().to_uppercase();
            let state = if lifted {
                format!("messages to {country} go at any hour (no sending window)")
            } else {
                format!(
                    "messages to {country} follow France's rule (Monday to Saturday, 08:00-20:00, no public holidays)"
                )
            };
            out.done(
                &format!("account {server}: {state}"),
                &serde_json::json!({"id": id, "country": country, "no_window": lifted}),
            );
        }
        AccountCommand::Set(args) => {
            let user = |e: &dyn std::fmt::Display| Failure::User(e.to_string());
            let settings = AccountSettings {
                name: args.name,
                auto_validation: args.auto_validation,
                region: args
                    .region
                    .as_deref()
                    .map(str::parse::<Region>)
                    .transpose()
                    .map_err(|e| user(&e))?,
                zone: args
                    .zone
                    .as_deref()
                    .map(Zone::parse)
                    .transpose()
                    .map_err(|e| user(&e))?,
                sender: args
                    .sender
                    .as_deref()
                    .map(SenderId::parse)
                    .transpose()
                    .map_err(|e| user(&e))?,
                opt_out_text: args.opt_out,
                send_role: args.send_role.map(herald::domain::ids::RoleId),
                short_code: args
                    .short_code
                    .as_deref()
                    .map(ShortCode::parse)
                    .transpose()
                    .map_err(|e| user(&e))?,
                sending_policy: None,
                replies_channel: None,
                link_expiry: args
                    .link_expiry_days
                    .map(LinkExpiry::days)
                    .transpose()
                    .map_err(|e| user(&e))?,
            };
            let id = AccountId(args.server);
            app.ensure_account(id, &format!("server {}", args.server))
                .await?;
            let account = app.change_settings(id, settings, Actor::Operator).await?;
            if args.survey_fatigue_days.is_some() || args.public_reviews.is_some() {
                let current = app.survey_settings(id).await?;
                let surveys = herald::store::SurveySettings {
                    fatigue_days: args.survey_fatigue_days.unwrap_or(current.fatigue_days),
                    public_review_invitation: args
                        .public_reviews
                        .unwrap_or(current.public_review_invitation),
                };
                app.set_survey_settings(id, surveys).await?;
            }
            out.done(
                &format!("account {} updated", account.id),
                &serde_json::json!({"id": account.id}),
            );
        }
    }
    Ok(())
}

pub async fn run_moderator(app: &App, out: &Output, cmd: ModeratorCommand) -> Result<(), Failure> {
    match cmd {
        ModeratorCommand::Add {
            name,
            password_stdin,
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .map_err(|e| Failure::User(format!("could not read the password: {e}")))?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            } else {
                let first =
                    rpassword::prompt_password(format!("Password for {name}: ")).map_err(|e| {
                        Failure::User(format!(
                            "could not read the password ({e}): use --password-stdin in scripts"
                        ))
                    })?;
                let again = rpassword::prompt_password("Again: ")
                    .map_err(|e| Failure::User(e.to_string()))?;
                if first != again {
                    return Err(Failure::User(
                        "the two passwords differ: nothing was saved".into(),
                    ));
                }
                first
            };
            let name = app.add_moderator(&name, &password).await?;
            out.done(
                &format!("moderator {name} added"),
                &serde_json::json!({"name": name}),
            );
        }
    }
    Ok(())
}

/// A whole number of days, as typed.
fn days(text: &str) -> Result<i64, String> {
    text.trim().parse().map_err(|_| {
        format!(
            "\"{text}\" is not a number of days: write a whole number from 1 to 3650, such as 90"
        )
    })
}
