//! Configuration: built-in defaults, then an optional `herald.toml`, then environment variables.
use crate::domain::short_links::LinkBase;
use std::path::Path;

use serde::Deserialize;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://herald-data/herald.db";

/// `Debug` prints secrets redacted (see below): a configuration gets logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// `sqlite://PATH` (the default, created on first run) or `postgres://…`.
    pub database_url: String,
    /// Discord bot token; without one the bot stays off.
    pub discord_token: Option<String>,
    /// Discord's API address; only tests change it (to a loopback stand-in).
    pub discord_api_base: Option<String>,
    /// Register commands in this server only (development) instead of globally.
    pub discord_guild_id: Option<u64>,
    /// The Discord server of Herald's own team: the only one that may name the moderators'
    /// channel, which hears about every account's campaigns.
    pub moderators_server: Option<u64>,
    /// Where Herald's HTTP server listens (delivery reports, console).
    pub http_addr: String,
    /// How the SMS gateway reaches that server; defaults to `http://{http_addr}`.
    pub public_url: String,
    /// Where short links point (`HERALD_LINK_DOMAIN`, else the public address): recipients'
    /// phones open `<this>/l/<code>`.
    pub link_base: LinkBase,
    /// Kannel's smsbox `sendsms` URL: set, Herald sends through Kannel; unset, through the
    /// simulated gateway.
    pub kannel_sendsms_url: Option<String>,
    pub kannel_username: Option<String>,
    pub kannel_password: Option<String>,
    /// Messages per second handed to the gateway; unset: as fast as it accepts them.
    pub send_rate: Option<u32>,
    /// Failed messages are retried until this many hours after their campaign started.
    pub retry_window_hours: u32,
    /// A message with no answer at all after this many seconds is sent again.
    pub report_timeout_secs: u32,
    /// The process's clock starts at this instant and runs from there: for tests and
    /// rehearsals of a send at a given time (sending windows, schedules). Unset: real time.
    pub clock_start: Option<chrono::DateTime<chrono::Utc>>,
    /// `/metrics` asks for `Authorization: Bearer <this>` when set.
    pub metrics_token: Option<String>,
    /// How long a stop may take (SIGTERM, Ctrl-C) before the process exits anyway.
    pub shutdown_grace_secs: u32,
}

pub const DEFAULT_SHUTDOWN_GRACE_SECS: u32 = 20;

pub const DEFAULT_HTTP_ADDR: &str = "127.0.0.1:8080";

/// What stands for a secret in `Debug` output and logs.
pub const REDACTED: &str = "***";

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secret = |s: &Option<String>| s.as_ref().map(|_| REDACTED);
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("discord_token", &secret(&self.discord_token))
            .field("discord_api_base", &self.discord_api_base)
            .field("discord_guild_id", &self.discord_guild_id)
            .field("moderators_server", &self.moderators_server)
            .field("http_addr", &self.http_addr)
            .field("public_url", &self.public_url)
            .field("link_base", &self.link_base.as_str())
            .field("kannel_sendsms_url", &self.kannel_sendsms_url)
            .field("kannel_username", &self.kannel_username)
            .field("kannel_password", &secret(&self.kannel_password))
            .field("send_rate", &self.send_rate)
            .field("retry_window_hours", &self.retry_window_hours)
            .field("report_timeout_secs", &self.report_timeout_secs)
            .field("clock_start", &self.clock_start)
            .field("metrics_token", &secret(&self.metrics_token))
            .field("shutdown_grace_secs", &self.shutdown_grace_secs)
            .finish()
    }
}

/// The file a `sqlite://PATH[?options]` URL names; `None` for other databases.
pub fn sqlite_file(url: &str) -> Option<&str> {
    let path = url.strip_prefix("sqlite://")?;
    Some(path.split_once('?').map_or(path, |(file, _)| file))
}

/// A database URL without its password, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => {
                    format!("{}{user}:{REDACTED}{}", &url[..scheme + 3], &url[at..])
                }
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    discord_token: Option<String>,
    discord_api_base: Option<String>,
    discord_guild_id: Option<u64>,
    moderators_server: Option<u64>,
    http_addr: Option<String>,
    public_url: Option<String>,
    link_domain: Option<String>,
    kannel_sendsms_url: Option<String>,
    kannel_username: Option<String>,
    kannel_password: Option<String>,
    send_rate: Option<u32>,
    retry_window_hours: Option<u32>,
    report_timeout_secs: Option<u32>,
    clock_start: Option<String>,
    metrics_token: Option<String>,
    shutdown_grace_secs: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {message}")]
    Parse { path: String, message: String },
}

impl Config {
    /// Loads `path` if given (it must exist) or `./herald.toml` if present, then applies
    /// `HERALD_DATABASE_URL` and `DISCORD_TOKEN` from `env`.
    pub fn load(
        path: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let file = match path {
            Some(p) => Some(read(p)?),
            None if Path::new("herald.toml").exists() => Some(read(Path::new("herald.toml"))?),
            None => None,
        }
        .unwrap_or_default();
        let non_empty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        let setting =
            |var: &str, from_file: Option<String>| non_empty(env(var)).or(non_empty(from_file));
        let http_addr = setting("HERALD_HTTP_ADDR", file.http_addr)
            .unwrap_or_else(|| DEFAULT_HTTP_ADDR.to_owned());
        let positive =
            |var: &str, what: &str, from_file: Option<u32>| -> Result<Option<u32>, ConfigError> {
                match non_empty(env(var)) {
                    Some(v) => v
                        .trim()
                        .parse()
                        .ok()
                        .filter(|n: &u32| *n > 0)
                        .map(Some)
                        .ok_or_else(|| ConfigError::Parse {
                            path: var.into(),
                            message: format!("\"{v}\" is not {what}"),
                        }),
                    None => Ok(from_file),
                }
            };
        let send_rate = positive(
            "HERALD_SEND_RATE",
            "a rate: give messages per second, e.g. 100",
            file.send_rate,
        )?;
        let retry_window_hours = positive(
            "HERALD_RETRY_WINDOW_HOURS",
            "a number of hours, e.g. 48",
            file.retry_window_hours,
        )?
        .unwrap_or(48);
        let report_timeout_secs = positive(
            "HERALD_REPORT_TIMEOUT_SECS",
            "a number of seconds, e.g. 3600",
            file.report_timeout_secs,
        )?
        .unwrap_or(3600);
        let shutdown_grace_secs = positive(
            "HERALD_SHUTDOWN_GRACE_SECS",
            "a number of seconds, e.g. 20",
            file.shutdown_grace_secs,
        )?
        .unwrap_or(DEFAULT_SHUTDOWN_GRACE_SECS);
        let clock_start = match setting("HERALD_CLOCK_START", file.clock_start) {
            Some(start) => Some(
                chrono::DateTime::parse_from_rfc3339(start.trim())
                    .map_err(|_| ConfigError::Parse {
                        path: "HERALD_CLOCK_START".into(),
                        message: format!(
                            "\"{start}\" is not an instant: write it as 2027-03-02T09:00:00Z"
                        ),
                    })?
                    .to_utc(),
            ),
            None => None,
        };
        let public_url = setting("HERALD_PUBLIC_URL", file.public_url)
            .unwrap_or_else(|| format!("http://{http_addr}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::Parse {
                path: "HERALD_PUBLIC_URL".into(),
                message: format!(
                    "\"{public_url}\" is not an address: write it with its scheme, such as https://herald.example.com"
                ),
            });
        }
        let link_setting = setting("HERALD_LINK_DOMAIN", file.link_domain);
        let (link_path, link_text) = match &link_setting {
            Some(domain) => ("HERALD_LINK_DOMAIN", domain.as_str()),
            None => ("HERALD_PUBLIC_URL", public_url.as_str()),
        };
        let link_base = LinkBase::parse(link_text).map_err(|e| ConfigError::Parse {
            path: link_path.into(),
            message: format!(
                "\"{link_text}\" can't be the address of short links: {e}, such as https://hrld.fr"
            ),
        })?;
        Ok(Config {
            clock_start,
            metrics_token: setting("HERALD_METRICS_TOKEN", file.metrics_token),
            shutdown_grace_secs,
            public_url,
            link_base,
            http_addr,
            kannel_sendsms_url: setting("KANNEL_SENDSMS_URL", file.kannel_sendsms_url),
            kannel_username: setting("KANNEL_USERNAME", file.kannel_username),
            kannel_password: setting("KANNEL_PASSWORD", file.kannel_password),
            send_rate,
            retry_window_hours,
            report_timeout_secs,
            database_url: non_empty(env("HERALD_DATABASE_URL"))
                .or(file.database_url)
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            discord_token: non_empty(env("DISCORD_TOKEN")).or(non_empty(file.discord_token)),
            discord_api_base: non_empty(env("DISCORD_API_BASE"))
                .or(non_empty(file.discord_api_base)),
            moderators_server: match non_empty(env("HERALD_MODERATORS_SERVER")) {
                Some(id) => Some(id.trim().parse().map_err(|_| ConfigError::Parse {
                    path: "HERALD_MODERATORS_SERVER".into(),
                    message: format!(
                        "\"{id}\" is not a server id: use the number Discord shows for your team's server"
                    ),
                })?),
                None => file.moderators_server,
            },
            discord_guild_id: match non_empty(env("DISCORD_GUILD_ID")) {
                Some(id) => Some(id.trim().parse().map_err(|_| ConfigError::Parse {
                    path: "DISCORD_GUILD_ID".into(),
                    message: format!("\"{id}\" is not a server id: use the number Discord shows"),
                })?),
                None => file.discord_guild_id,
            },
        })
    }
}

/// Where a setting's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Default,
    File,
    Environment,
}

/// One setting as `herald doctor` lists it: its variable, its key in `herald.toml`, where its
/// value comes from, and the value (secrets redacted).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SettingSource {
    pub variable: &'static str,
    pub file_key: &'static str,
    pub source: Source,
    pub value: Option<String>,
}

/// Every setting: (environment variable, `herald.toml` key, is a secret).
pub const SETTINGS: &[(&str, &str, bool)] = &[
    ("HERALD_DATABASE_URL", "database_url", false),
    ("DISCORD_TOKEN", "discord_token", true),
    ("DISCORD_API_BASE", "discord_api_base", false),
    ("DISCORD_GUILD_ID", "discord_guild_id", false),
    ("HERALD_MODERATORS_SERVER", "moderators_server", false),
    ("HERALD_HTTP_ADDR", "http_addr", false),
    ("HERALD_PUBLIC_URL", "public_url", false),
    ("HERALD_LINK_DOMAIN", "link_domain", false),
    ("KANNEL_SENDSMS_URL", "kannel_sendsms_url", false),
    ("KANNEL_USERNAME", "kannel_username", false),
    ("KANNEL_PASSWORD", "kannel_password", true),
    ("HERALD_SEND_RATE", "send_rate", false),
    ("HERALD_RETRY_WINDOW_HOURS", "retry_window_hours", false),
    ("HERALD_REPORT_TIMEOUT_SECS", "report_timeout_secs", false),
    ("HERALD_CLOCK_START", "clock_start", false),
    ("HERALD_METRICS_TOKEN", "metrics_token", true),
    ("HERALD_SHUTDOWN_GRACE_SECS", "shutdown_grace_secs", false),
];

/// Where each setting comes from, read as `Config::load` reads them (the file named, else
/// `./herald.toml`).
pub fn sources(
    path: Option<&Path>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Vec<SettingSource>, ConfigError> {
    let file: toml::Table = match path {
        Some(p) => Some(p.to_path_buf()),
        None => Some(Path::new("herald.toml").to_path_buf()).filter(|p| p.exists()),
    }
    .map(|p| -> Result<toml::Table, ConfigError> {
        let shown = p.display().to_string();
        let text = std::fs::read_to_string(&p).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: shown,
            message: e.message().to_owned(),
        })
    })
    .transpose()?
    .unwrap_or_default();
    Ok(SETTINGS
        .iter()
        .map(|(variable, key, secret)| {
            let from_env = env(variable).filter(|v| !v.trim().is_empty());
            let from_file = file.get(*key).map(|v| match v {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(n) => n.to_string(),
                toml::Value::Float(n) => n.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                _ => "(set)".to_owned(),
            });
            let (source, value) = match (from_env, from_file) {
                (Some(v), _) => (Source::Environment, Some(v)),
                (None, Some(v)) => (Source::File, Some(v)),
                (None, None) => (Source::Default, None),
            };
            let value = value.map(|v| match (*secret, *key) {
                (true, _) => REDACTED.to_owned(),
                (false, "database_url") => redact_url(&v),
                _ => v,
            });
            SettingSource {
                variable,
                file_key: key,
                source,
                value,
            }
        })
        .collect())
}

fn read(path: &Path) -> Result<FileConfig, ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: shown.clone(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: shown,
        message: e.message().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_keeps_secrets_out() {
        let env = |k: &str| match k {
            "HERALD_DATABASE_URL" => Some("postgres://herald:hunter2@db/herald".to_owned()),
            "DISCORD_TOKEN" => Some("MTIzNDU2.secret-token".to_owned()),
            "KANNEL_PASSWORD" => Some("kannel-secret".to_owned()),
            "HERALD_METRICS_TOKEN" => Some("metrics-secret".to_owned()),
            _ => None,
        };
        let config = Config::load(None, env).unwrap();
        let printed = format!("{config:?}");
        for secret in ["hunter2", "secret-token", "kannel-secret", "metrics-secret"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(
            printed.contains("postgres://herald:***@db/herald"),
            "{printed}"
        );
        let kannel = crate::delivery::KannelConfig {
            sendsms_url: "http://127.0.0.1:13013/cgi-bin/sendsms".into(),
            username: "herald".into(),
            password: "kannel-secret".into(),
            report_base: "http://127.0.0.1:8080".into(),
        };
        assert!(!format!("{kannel:?}").contains("kannel-secret"));
        assert_eq!(
            redact_url("sqlite://herald-data/herald.db"),
            "sqlite://herald-data/herald.db"
        );
    }

    #[test]
    fn environment_wins_over_file_and_defaults_apply() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("herald.toml");
        std::fs::write(
            &file,
            "database_url = \"postgres://db/herald\"\ndiscord_token = \"abc\"\n",
        )
        .unwrap();
        let none = |_: &str| None;
        let from_file = Config::load(Some(&file), none).unwrap();
        assert_eq!(from_file.database_url, "postgres://db/herald");
        assert_eq!(from_file.discord_token.as_deref(), Some("abc"));
        let env = |k: &str| (k == "HERALD_DATABASE_URL").then(|| "sqlite://x.db".to_owned());
        assert_eq!(
            Config::load(Some(&file), env).unwrap().database_url,
            "sqlite://x.db"
        );
    }

    #[test]
    fn the_public_address_needs_its_scheme() {
        let env = |k: &str| (k == "HERALD_PUBLIC_URL").then(|| "nonsense".to_owned());
        assert_eq!(
            Config::load(None, env).unwrap_err().to_string(),
            "HERALD_PUBLIC_URL is not valid: \"nonsense\" is not an address: write it with its scheme, such as https://herald.example.com"
        );
    }

    #[test]
    fn unknown_keys_are_refused_with_the_file_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("herald.toml");
        std::fs::write(&file, "databse_url = \"x\"\n").unwrap();
        let err = Config::load(Some(&file), |_| None).unwrap_err().to_string();
        assert!(err.contains("herald.toml is not valid"), "{err}");
        assert!(err.contains("databse_url"), "{err}");
    }
}
