//! What operators rely on: `/healthz`, `/readyz` and `/metrics` over real HTTP, `herald backup`
//! of a database in use, JSON logs, `herald doctor`, and the systemd unit.
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use herald::app::SendRequest;
use herald::delivery::{Dispatcher, DispatcherConfig, SimulatedGateway, SimulationProfile};
use herald::ops::{
    GatewayProbe, Vitals, install_metrics, ops_routes, record_http, sample_backlogs,
};

use crate::support::{Engine, TestApp};

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn get(url: &str) -> (u16, String) {
    let r = client().get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// SQLite only: the metrics' gauges are the process's, and one sampler at a time sets them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics_say_what_runs() {
    let t = TestApp::new(Engine::Sqlite).await;
    // A campaign sent on the simulated gateway, and another waiting for review.
    t.ready_campaign("spring", 1_000, 20).await;
    t.approve("spring", SendRequest::Immediate).await;
    t.ready_campaign("autumn", 1_000, 5).await;
    let summary = t
        .app
        .finalize(crate::support::OWNER, "autumn", SendRequest::Immediate)
        .await
        .unwrap();
    t.app
        .confirm(crate::support::OWNER, summary.token.as_str())
        .await
        .unwrap();
    let metrics = install_metrics().expect("the recorder is this process's");
    let vitals = Arc::new(Vitals::new());
    let (reports, received) = tokio::sync::mpsc::unbounded_channel();
    let profile = SimulationProfile {
        permanent_failure: 0.0,
        temporary_failure: 0.0,
        report_delay: Duration::from_millis(5),
        seed: 1,
    };
    let config = DispatcherConfig {
        idle_poll: Duration::from_millis(10),
        ..DispatcherConfig::default()
    };
    let dispatcher = Dispatcher::new(
        t.app.clone(),
        Arc::new(SimulatedGateway::new(profile, reports)),
        config,
    )
    .with_vitals(vitals.clone());
    let (stop, stopping) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(dispatcher.run(received, async {
        let _ = stopping.await;
    }));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        t.app.advance_campaigns().await.unwrap();
        let status = t.app.status(crate::support::OWNER, "spring").await.unwrap();
        if status.deliveries.is_some_and(|d| d.delivered == 20) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "stuck");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(());
    running.await.unwrap();
    assert!(vitals.gateway_silent_for().is_some_and(|s| s < 60));
    let sampler = tokio::spawn(sample_backlogs(
        t.app.clone(),
        Some(metrics.clone()),
        Duration::from_millis(50),
    ));
    tokio::time::sleep(Duration::from_millis(200)).await;

    // Kannel's address leads nowhere, and the gateway last answered long ago (never, here).
    let kannel_down = GatewayProbe::Kannel {
        sendsms_url: format!("http://127.0.0.1:{}/cgi-bin/sendsms", closed_port()),
    };
    let quiet = Arc::new(Vitals::new());
    let base = serve(
        ops_routes(
            t.app.clone(),
            quiet.clone(),
            kannel_down,
            Some(metrics.clone()),
            Some("s3cret".into()),
        )
        .layer(axum::middleware::from_fn(record_http)),
    )
    .await;
    assert_eq!(get(&format!("{base}/healthz")).await, (200, "ok\n".into()));
    let (status, body) = get(&format!("{base}/readyz")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap(),
        serde_json::json!({"ready": true, "checks": {"process": "ok", "database": "ok"}})
    );
    // Delivering through a Kannel that does not answer, with a bot whose shard is not up.
    quiet.set_delivering(true);
    quiet.set_bot_on(true);
    quiet.set_shards(1, 0);
    let (status, body) = get(&format!("{base}/readyz")).await;
    assert_eq!(status, 503);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap(),
        serde_json::json!({"ready": false, "checks": {
            "process": "ok",
            "database": "ok",
            "gateway": "Kannel's sendsms does not answer",
            "discord": "0 of 1 shards connected",
        }})
    );
    // A recent accepted message stands for the gateway; the shard comes up; then a stop.
    quiet.gateway_answered();
    quiet.set_shards(1, 1);
    assert_eq!(get(&format!("{base}/readyz")).await.0, 200);
    quiet.begin_stopping();
    let (status, body) = get(&format!("{base}/readyz")).await;
    assert_eq!(status, 503);
    assert!(body.contains("\"process\":\"stopping\""), "{body}");

    // Metrics want the token.
    let (status, _) = get(&format!("{base}/metrics")).await;
    assert_eq!(status, 401);
    let wrong = client()
        .get(format!("{base}/metrics"))
        .bearer_auth("s3cre")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let text = client()
        .get(format!("{base}/metrics"))
        .bearer_auth("s3cret")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |name: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))
            .unwrap_or_else(|| panic!("{name} missing from:\n{text}"))
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(value("herald_review_queue"), 1.0);
    assert_eq!(value("herald_campaigns_on_hold"), 0.0);
    assert_eq!(value("herald_deliveries{status=\"pending_due\"}"), 0.0);
    assert_eq!(value("herald_deliveries{status=\"retrying\"}"), 0.0);
    assert!(value("herald_review_oldest_wait_seconds") >= 0.0);
    // Counters are the process's: at least this test's 20 messages.
    assert!(value("herald_gateway_submits_total{outcome=\"accepted\"}") >= 20.0);
    assert!(value("herald_gateway_submit_seconds_count") >= 20.0);
    assert!(value("herald_delivery_reports_total{report=\"delivered\"}") >= 20.0);
    assert!(value("herald_db_pool_connections{state=\"max\"}") >= 1.0);
    assert!(
        text.contains(
            "herald_http_request_seconds_count{route=\"/readyz\",method=\"GET\",status=\"503\"}"
        ),
        "{text}"
    );
    // No label carries a number or a name: only the declared ones.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        assert!(!line.contains("+33") && !line.contains("spring"), "{line}");
    }
    sampler.abort();
}

async fn backups_copy_a_database_in_use(engine: Engine) {
    let t = TestApp::new(engine).await;
    t.ready_campaign("spring", 1_000, 3).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("copy.db");
    match engine {
        Engine::Postgres => {
            let refused = t.app.backup(&file).await.unwrap_err();
            assert_eq!(
                refused.to_string(),
                "Herald backs up SQLite only: back a PostgreSQL database up with pg_dump"
            );
            return;
        }
        Engine::Sqlite => {}
    }
    // Written to while it is copied: the copy is consistent either way.
    let writer = {
        let app = t.app.clone();
        tokio::spawn(async move {
            for i in 0..20 {
                app.ensure_account(herald::domain::ids::AccountId(1_000 + i), "Other")
                    .await
                    .unwrap();
            }
        })
    };
    t.app.backup(&file).await.unwrap();
    writer.await.unwrap();
    let copy = herald::store::open(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let (id, _) = t
        .app
        .campaign_id(crate::support::SERVER, "spring")
        .await
        .unwrap();
    let campaign = copy.campaign_by_id(id).await.unwrap().expect("in the copy");
    assert_eq!(campaign.name.as_str(), "spring");
    let again = t.app.backup(&file).await.unwrap_err();
    assert_eq!(
        again.to_string(),
        format!(
            "{} exists already: give the backup a new file's name",
            file.display()
        )
    );
    // The command says where the copy went and how to restore it.
    let second = dir.path().join("second.db");
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["--database", &t.db.url, "backup"])
        .arg(&second)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8(out.stdout).unwrap();
    // A missing folder, and a database that is not there, are said plainly.
    let nowhere = dir.path().join("no/such/folder/x.db");
    assert_eq!(
        t.app.backup(&nowhere).await.unwrap_err().to_string(),
        format!(
            "there is no folder {}: create it, or give the backup a path in an existing folder",
            dir.path().join("no/such/folder").display()
        )
    );
    let missing = dir.path().join("typo.db");
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args([
            "--database",
            &format!("sqlite://{}", missing.display()),
            "backup",
        ])
        .arg(dir.path().join("third.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "error: there is no database at {}: check HERALD_DATABASE_URL (a service's is in its unit or environment file)\n",
            missing.display()
        )
    );
    assert!(!missing.exists(), "nothing created");
    assert!(
        said.starts_with(&format!("backed up to {} (", second.display()))
            && said.contains("; to restore: stop Herald, move ")
            && said.contains(" and its -wal and -shm files aside, copy the backup to "),
        "{said}"
    );
}

on_both_engines!(backups_copy_a_database_in_use);

/// `herald` with `args` on a fresh SQLite database in `dir`, logging with `format`.
fn herald(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_herald"))
        .current_dir(dir)
        .args(args)
        .env(
            "HERALD_DATABASE_URL",
            format!("sqlite://{}/h.db", dir.display()),
        )
        .env_remove("DISCORD_TOKEN")
        .env_remove("KANNEL_SENDSMS_URL")
        .env_remove("RUST_LOG")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn logs_are_json_lines_when_asked_and_a_wrong_format_is_named() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    // `serve` says what it runs at start: its first lines, then it is stopped.
    let mut serve = Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("serve")
        .env(
            "HERALD_DATABASE_URL",
            format!("sqlite://{}/h.db", dir.path().display()),
        )
        .env("HERALD_HTTP_ADDR", format!("127.0.0.1:{}", closed_port()))
        .env("HERALD_LOG_FORMAT", "json")
        .env("RUST_LOG", "herald=info")
        .env_remove("DISCORD_TOKEN")
        .env_remove("KANNEL_SENDSMS_URL")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let lines: Vec<String> = std::io::BufReader::new(serve.stderr.take().unwrap())
        .lines()
        .take(3)
        .map(Result::unwrap)
        .collect();
    let _ = serve.kill();
    let _ = serve.wait();
    assert_eq!(lines.len(), 3, "{lines:?}");
    for line in &lines {
        let record: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not one JSON object a line ({e}): {line}"));
        assert!(
            record["level"].is_string() && record["fields"]["message"].is_string(),
            "{line}"
        );
        assert!(!line.contains('\u{1b}'), "no colour codes: {line}");
    }
    let out = herald(dir.path(), &["migrate"], &[("HERALD_LOG_FORMAT", "xml")]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: HERALD_LOG_FORMAT is \"xml\": write text (the default) or json\n"
    );
}

#[test]
fn doctor_lists_settings_and_says_what_to_fix() {
    let dir = tempfile::tempdir().unwrap();
    // A database never migrated, a wrong rate, a public address nothing answers at.
    let bad = herald(
        dir.path(),
        &["doctor"],
        &[
            ("HERALD_SEND_RATE", "fast"),
            ("HERALD_SHUTDOWN_GRACE_SECS", "0"),
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    let said = String::from_utf8(bad.stdout).unwrap();
    assert!(
        said.contains("[FAIL] configuration: HERALD_SEND_RATE is not valid: \"fast\" is not a rate: give messages per second, e.g. 100"),
        "{said}"
    );
    // Every invalid setting is named, not the first only.
    assert!(
        said.contains("[FAIL] configuration: HERALD_SHUTDOWN_GRACE_SECS is not valid: \"0\" is not a number of seconds, e.g. 20"),
        "{said}"
    );
    assert!(said.contains("3 checks failed"), "{said}");

    // The bad settings did not stop the other checks.
    assert!(
        said.contains("[FAIL] database: there is no database at "),
        "{said}"
    );

    let fresh = herald(dir.path(), &["doctor"], &[("HERALD_LOG_FORMAT", "xml")]);
    assert_eq!(fresh.status.code(), Some(1));
    let said = String::from_utf8(fresh.stdout).unwrap();
    assert!(
        said.contains(&format!(
            "[FAIL] database: there is no database at {}/h.db: run `herald migrate` to create it, or check HERALD_DATABASE_URL",
            dir.path().display()
        )),
        "{said}"
    );
    assert!(
        said.contains(
            "[FAIL] configuration: HERALD_LOG_FORMAT is \"xml\": write text (the default) or json"
        ),
        "{said}"
    );
    assert!(!dir.path().join("h.db").exists(), "doctor creates nothing");
    // An empty file: a database never migrated, left as it was.
    std::fs::write(dir.path().join("h.db"), b"").unwrap();
    let said = String::from_utf8(herald(dir.path(), &["doctor"], &[]).stdout).unwrap();
    assert!(said.contains("[FAIL] database: 0 of "), "{said}");
    assert!(
        said.contains("migrations applied: run `herald migrate`"),
        "{said}"
    );

    assert!(herald(dir.path(), &["migrate"], &[]).status.success());
    let token = [("HERALD_METRICS_TOKEN", "s3cret")];
    let good = herald(dir.path(), &["doctor"], &token);
    let said = String::from_utf8(good.stdout).unwrap();
    assert_eq!(good.status.code(), Some(0), "{said}");
    assert!(said.contains("[ok  ] database: schema current"), "{said}");
    assert!(
        said.contains("[ok  ] database: SQLite in WAL mode"),
        "{said}"
    );
    assert!(said.contains("[ok  ] kannel: not configured"), "{said}");
    assert!(said.contains("All checks passed."), "{said}");
    // Where each setting comes from; secrets never shown.
    assert!(
        said.lines()
            .any(|l| l.trim_start().starts_with("HERALD_METRICS_TOKEN")
                && l.contains("environment")
                && l.trim_end().ends_with("***")),
        "{said}"
    );
    assert!(!said.contains("s3cret"), "{said}");
    assert!(
        said.lines()
            .any(|l| l.trim_start().starts_with("HERALD_SHUTDOWN_GRACE_SECS")
                && l.contains("default")),
        "{said}"
    );
    let json = herald(dir.path(), &["--json", "doctor"], &token);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["ok"], true);
    assert!(
        value["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["ok"] == true)
    );

    // Kannel configured at an address nothing answers at.
    let port = closed_port().to_string();
    let url = format!("http://127.0.0.1:{port}/cgi-bin/sendsms");
    let down = herald(
        dir.path(),
        &["doctor"],
        &[
            ("KANNEL_SENDSMS_URL", url.as_str()),
            ("KANNEL_PASSWORD", "kannel-s3cret"),
        ],
    );
    assert_eq!(down.status.code(), Some(1));
    let said = String::from_utf8(down.stdout).unwrap();
    assert!(
        said.contains(&format!("[FAIL] kannel: nothing answers at {url}")),
        "{said}"
    );
    assert!(!said.contains("kannel-s3cret"), "{said}");
}

#[test]
fn the_systemd_unit_verifies() {
    let Ok(found) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("systemd-analyze is not installed: the unit is not verified here");
        return;
    };
    assert!(found.status.success());
    let unit = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/deploy/herald.service"
    ))
    .unwrap();
    for setting in [
        "Restart=on-failure",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/herald",
    ] {
        assert!(unit.contains(setting), "{setting}");
    }
    // Verified with this build's binary in place of the installed one.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("herald.service");
    std::fs::write(
        &path,
        unit.replace("/usr/local/bin/herald", env!("CARGO_BIN_EXE_herald")),
    )
    .unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "no warning");
}

/// The bot tells readiness how many of its shards are connected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_reports_its_shards_to_readiness() {
    use crate::support::discord::{self, DiscordStandIn};
    let t = TestApp::new(Engine::Sqlite).await;
    let standin = DiscordStandIn::start().await;
    let vitals = Arc::new(Vitals::new());
    let config = herald::bot::BotConfig {
        token: discord::TOKEN.to_owned(),
        api_base: Some(standin.api_base()),
        dev_guild: None,
        shards: None,
        worker: "test".to_owned(),
        console_url: "http://console.test".to_owned(),
        moderators_server: None,
        vitals: Some(vitals.clone()),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = t.app.clone();
    let bot = tokio::spawn(async move {
        herald::bot::run(app, config, async move {
            let _ = stopped.await;
        })
        .await
    });
    let base = serve(ops_routes(
        t.app.clone(),
        vitals.clone(),
        GatewayProbe::Simulated,
        None,
        None,
    ))
    .await;
    standin.wait_for_shards(1).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while vitals.shards() != (1, 1) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            vitals.shards()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, body) = get(&format!("{base}/readyz")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"discord\":\"ok\""), "{body}");
    // Metrics are off in this router: said plainly.
    assert_eq!(
        get(&format!("{base}/metrics")).await,
        (404, "metrics are off\n".into())
    );
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), bot)
        .await
        .expect("the bot stops")
        .unwrap()
        .unwrap();
}

/// `herald doctor` asks Discord (the stand-in) about the token and its application.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_checks_the_discord_token() {
    use crate::support::discord::{self, DiscordStandIn};
    let standin = DiscordStandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    assert!(herald(dir.path(), &["migrate"], &[]).status.success());
    let api = standin.api_base();
    let server = discord::DEFAULT_GUILD_ID.to_string();
    let run = |token: &'static str| {
        let (dir, api, server) = (dir.path().to_owned(), api.clone(), server.clone());
        tokio::task::spawn_blocking(move || {
            herald(
                &dir,
                &["doctor"],
                &[
                    ("DISCORD_TOKEN", token),
                    ("DISCORD_API_BASE", api.as_str()),
                    ("DISCORD_GUILD_ID", server.as_str()),
                ],
            )
        })
    };
    let good = run(discord::TOKEN).await.unwrap();
    let said = String::from_utf8(good.stdout).unwrap();
    assert_eq!(good.status.code(), Some(0), "{said}");
    assert!(
        said.contains(&format!(
            "[ok  ] discord: token valid: bot Herald of application {}",
            standin.application_id()
        )),
        "{said}"
    );
    assert!(
        said.contains("[ok  ] discord: intents: Herald asks for GUILDS only"),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "[ok  ] discord: server {server}: the bot has every permission it needs"
        )),
        "{said}"
    );
    assert!(
        !said.contains(discord::TOKEN),
        "the token is never shown: {said}"
    );
    // The server's @everyone loses Embed Links and Send Messages in Threads.
    standin.set_everyone_permissions((1 << 10) | (1 << 11) | (1 << 36));
    let lacking = run(discord::TOKEN).await.unwrap();
    let said = String::from_utf8(lacking.stdout).unwrap();
    assert_eq!(lacking.status.code(), Some(1), "{said}");
    assert!(
        said.contains(&format!(
            "[FAIL] discord: server {server}: the bot lacks Send Messages in Threads, Embed Links: give its role these permissions"
        )),
        "{said}"
    );
    let bad = run("not-the-token").await.unwrap();
    let said = String::from_utf8(bad.stdout).unwrap();
    assert_eq!(bad.status.code(), Some(1), "{said}");
    assert!(
        said.contains("[FAIL] discord: the token is refused ("),
        "{said}"
    );
    // Refused as Discord refuses a wrong token; nothing else was asked or answered wrongly.
    assert_eq!(
        standin.take_failures(),
        ["GET /users/@me: missing or wrong bot token"]
    );
    standin.assert_clean();
}
