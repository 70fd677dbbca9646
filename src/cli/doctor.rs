//! `herald doctor`: every check an operator would make by hand, as a checklist. It changes
//! nothing (the database is not migrated, no message is sent); it exits 0 only when all pass.
use std::path::Path;
use std::time::Duration;

use herald::config::{Config, Source};
use serde::Serialize;

use super::Failure;
use super::output::{Output, print_line};

#[derive(Debug, Serialize)]
struct Check {
    area: &'static str,
    ok: bool,
    /// What was found, or what is wrong and what to do.
    says: String,
}

struct Checklist(Vec<Check>);

impl Checklist {
    fn pass(&mut self, area: &'static str, says: impl Into<String>) {
        self.0.push(Check {
            area,
            ok: true,
            says: says.into(),
        });
    }

    fn fail(&mut self, area: &'static str, says: impl Into<String>) {
        self.0.push(Check {
            area,
            ok: false,
            says: says.into(),
        });
    }
}

pub async fn run(
    config_path: Option<&Path>,
    database: Option<String>,
    out: &Output,
) -> Result<(), Failure> {
    let env = |k: &str| std::env::var(k).ok();
    let mut list = Checklist(Vec::new());
    let mut settings = Vec::new();
    match herald::config::sources(config_path, env) {
        Ok(found) => settings = found,
        Err(e) => list.fail("configuration", e.to_string()),
    }
    let config = match Config::load(config_path, env) {
        Ok(mut config) => {
            if let Some(url) = database {
                config.database_url = url;
            }
            list.pass("configuration", "every setting reads");
            Some(config)
        }
        Err(first) => {
            // Each setting read alone, so that every invalid one is named, not the first only.
            let mut problems = std::collections::BTreeSet::new();
            let mut invalid = Vec::new();
            for (variable, _, _) in herald::config::SETTINGS {
                let alone = |k: &str| if k == *variable { env(k) } else { None };
                if let Err(e) = Config::load(config_path, alone) {
                    problems.insert(e.to_string());
                    invalid.push(*variable);
                }
            }
            if problems.is_empty() {
                problems.insert(first.to_string());
            }
            for problem in problems {
                list.fail("configuration", problem);
            }
            // The other checks go on with the settings that read (defaults for the others).
            let valid = |k: &str| if invalid.contains(&k) { None } else { env(k) };
            Config::load(config_path, valid).ok().map(|mut config| {
                if let Some(url) = database.clone() {
                    config.database_url = url;
                }
                config
            })
        }
    };
    match std::env::var("HERALD_LOG_FORMAT")
        .ok()
        .as_deref()
        .map(str::trim)
    {
        None | Some("" | "text" | "json") => {}
        Some(other) => list.fail(
            "configuration",
            format!("HERALD_LOG_FORMAT is \"{other}\": write text (the default) or json"),
        ),
    }
    if let Some(config) = &config {
        database_checks(config, &mut list).await;
        kannel_checks(config, &mut list).await;
        discord_checks(config, &mut list).await;
    }
    let failed = list.0.iter().filter(|c| !c.ok).count();
    if out.json {
        let value = serde_json::json!({
            "ok": failed == 0,
            "settings": settings,
            "checks": list.0,
        });
        print_line(
            &mut std::io::stdout().lock(),
            &serde_json::to_string_pretty(&value).unwrap_or_default(),
        );
    } else {
        let mut text = String::from("Settings (from the environment, herald.toml, or defaults):\n");
        for s in &settings {
            let from = match s.source {
                Source::Default => "default",
                Source::File => "herald.toml",
                Source::Environment => "environment",
            };
            text.push_str(&format!(
                "  {:<28} {:<12} {}\n",
                s.variable,
                from,
                s.value.as_deref().unwrap_or("-")
            ));
        }
        text.push_str("\nChecks:\n");
        for c in &list.0 {
            let mark = if c.ok { "ok  " } else { "FAIL" };
            text.push_str(&format!("  [{mark}] {}: {}\n", c.area, c.says));
        }
        text.push_str(&match failed {
            0 => "\nAll checks passed.".to_owned(),
            1 => "\n1 check failed: fix it and run `herald doctor` again.".to_owned(),
            n => format!("\n{n} checks failed: fix them and run `herald doctor` again."),
        });
        print_line(&mut std::io::stdout().lock(), &text);
    }
    match failed {
        0 => Ok(()),
        _ => Err(Failure::Silent),
    }
}

async fn database_checks(config: &Config, list: &mut Checklist) {
    let shown = herald::config::redact_url(&config.database_url);
    let store = match herald::store::open_unmigrated(&config.database_url).await {
        Ok(store) => store,
        Err(herald::store::StoreError::NoDatabase(path)) => {
            list.fail(
                "database",
                format!("there is no database at {path}: run `herald migrate` to create it, or check HERALD_DATABASE_URL"),
            );
            return;
        }
        Err(e) => {
            list.fail(
                "database",
                format!("{shown} can't be opened ({e}): check HERALD_DATABASE_URL and that the server runs"),
            );
            return;
        }
    };
    match store.database_health().await {
        Ok(health) => {
            list.pass("database", format!("{shown} answers"));
            match health.migrations_current() {
                true => list.pass(
                    "database",
                    format!("schema current ({} migrations)", health.migrations_known),
                ),
                false => list.fail(
                    "database",
                    format!(
                        "{} of {} migrations applied: run `herald migrate`",
                        health.migrations_applied, health.migrations_known
                    ),
                ),
            }
            match health.journal_mode.as_deref() {
                None | Some("wal") => {
                    if health.journal_mode.is_some() {
                        list.pass("database", "SQLite in WAL mode");
                    }
                }
                Some(other) => list.fail(
                    "database",
                    format!(
                        "SQLite's journal mode is {other}, not wal: put the database on a local disk (WAL needs one)"
                    ),
                ),
            }
        }
        Err(e) => list.fail(
            "database",
            format!("{shown} does not answer ({e}): check that the server runs"),
        ),
    }
}

async fn kannel_checks(config: &Config, list: &mut Checklist) {
    let http = match reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
    {
        Ok(http) => http,
        Err(e) => {
            list.fail("kannel", format!("no HTTP client: {e}"));
            return;
        }
    };
    let Some(url) = &config.kannel_sendsms_url else {
        list.pass(
            "kannel",
            "not configured: the simulated gateway sends nothing (set KANNEL_SENDSMS_URL to send)",
        );
        return;
    };
    // No receiver: smsbox checks the account, then refuses to send anything.
    let probe = http
        .get(url)
        .query(&[
            ("username", config.kannel_username.as_deref().unwrap_or("")),
            ("password", config.kannel_password.as_deref().unwrap_or("")),
        ])
        .send()
        .await;
    match probe {
        Ok(r) if r.status() == reqwest::StatusCode::FORBIDDEN => list.fail(
            "kannel",
            "sendsms refuses the account: check KANNEL_USERNAME and KANNEL_PASSWORD against smsbox's sendsms-user",
        ),
        Ok(_) => list.pass("kannel", format!("sendsms answers at {url} and takes the account")),
        // Without the URL: it carries the account's password.
        Err(e) => list.fail(
            "kannel",
            format!(
                "nothing answers at {url} ({}): start Kannel's bearerbox and smsbox, or fix KANNEL_SENDSMS_URL",
                e.without_url()
            ),
        ),
    }
    let health = format!("{}/healthz", config.public_url.trim_end_matches('/'));
    match http.get(&health).send().await {
        Ok(r) if r.status().is_success() => list.pass(
            "kannel",
            format!("delivery reports can reach Herald at {}", config.public_url),
        ),
        Ok(r) => list.fail(
            "kannel",
            format!(
                "{health} answers {}: HERALD_PUBLIC_URL must lead to herald serve",
                r.status()
            ),
        ),
        Err(_) => list.fail(
            "kannel",
            format!(
                "nothing answers at {health}: delivery reports would be lost; start `herald serve`, or set HERALD_PUBLIC_URL to the address Kannel reaches it at"
            ),
        ),
    }
}

async fn discord_checks(config: &Config, list: &mut Checklist) {
    let Some(token) = &config.discord_token else {
        list.pass(
            "discord",
            "no DISCORD_TOKEN: the bot stays off (set it to turn the bot on)",
        );
        return;
    };
    let report =
        herald::bot::check_token(token, config.discord_api_base.as_deref(), &servers(config)).await;
    match report {
        Err(herald::bot::TokenCheckError::Refused(e)) => list.fail(
            "discord",
            format!("the token is refused ({e}): copy the bot's token again from Discord's developer portal"),
        ),
        Err(herald::bot::TokenCheckError::Unreachable(e)) => list.fail(
            "discord",
            format!("Discord can't be reached ({e}): check this machine's network and proxy settings"),
        ),
        Ok(found) => {
            list.pass(
                "discord",
                format!(
                    "token valid: bot {} of application {}",
                    found.bot_name, found.application_id
                ),
            );
            list.pass(
                "discord",
                "intents: Herald asks for GUILDS only, no privileged intent to turn on",
            );
            for server in found.servers {
                match (server.error, server.missing.is_empty()) {
                    (Some(e), _) => list.fail(
                        "discord",
                        format!("server {}: {e}: invite the bot there", server.id),
                    ),
                    (None, true) => list.pass(
                        "discord",
                        format!("server {}: the bot has every permission it needs", server.id),
                    ),
                    (None, false) => list.fail(
                        "discord",
                        format!(
                            "server {}: the bot lacks {}: give its role these permissions",
                            server.id,
                            server.missing.join(", ")
                        ),
                    ),
                }
            }
        }
    }
}

/// The servers the configuration names: the development server and the moderators' one.
fn servers(config: &Config) -> Vec<u64> {
    let mut ids: Vec<u64> = [config.discord_guild_id, config.moderators_server]
        .into_iter()
        .flatten()
        .collect();
    ids.dedup();
    ids
}
