//! The real `herald` binary, driven as a script would drive it.

use std::process::{Command, Output};

use crate::support::{Engine, TestDb};
use serde_json::Value;

pub(crate) struct Herald {
    db: TestDb,
}

impl Herald {
    pub(crate) async fn new(engine: Engine) -> Herald {
        let db = TestDb::new(engine).await;
        Herald { db }
    }

    /// An app over the same database, its clock at the commands' start.
    pub(crate) async fn app(&self) -> herald::app::App {
        let clock = std::sync::Arc::new(herald::app::ManualClock::new(crate::support::t0()));
        herald::app::App::new(self.db.store().await, clock)
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_herald"))
            .args(args)
            .env("HERALD_DATABASE_URL", &self.db.url)
            .env("HERALD_CLOCK_START", crate::support::T0)
            .env("HERALD_SERVER", "42")
            .env("HERALD_USER", "7")
            .env("RUST_LOG", "warn")
            .output()
            .expect("run herald")
    }

    /// Runs with --json; the command must succeed.
    pub(crate) fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// The command must fail with exit code 1 and a message containing `expected`.
    pub(crate) fn refused(&self, args: &[&str], expected: &str) {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?} should fail as a user error: {stderr}"
        );
        assert!(
            stderr.contains(expected),
            "{args:?}: {stderr:?} should contain {expected:?}"
        );
    }
}

async fn a_campaign_from_draft_to_approval(engine: Engine) {
    let h = Herald::new(engine).await;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("people.csv");
    std::fs::write(
        &csv,
        "phone;name\n06 12 34 56 78;Ann\n+33 6 12 34 56 79;Bob\nnope;Zed\n",
    )
    .unwrap();
    let csv = csv.to_str().unwrap();

    assert_eq!(
        h.json(&["account", "credit", "42", "500", "--reason", "first load"])["available"],
        500
    );
    h.json(&[
        "campaign",
        "create",
        "spring",
        "--body",
        "Spring sale -20%. STOP au 36180",
        "--sender",
        "MaBoutique",
    ]);
    let report = h.json(&["campaign", "import", "spring", csv]);
    assert_eq!(
        (
            report["imported"].as_u64(),
            report["invalid"]["first_lines"][0].as_u64()
        ),
        (Some(2), Some(4))
    );

    let summary = h.json(&[
        "campaign",
        "finalize",
        "spring",
        "--date",
        "2027-10-31",
        "--time",
        "02:30",
        "--zone",
        "Europe/Paris",
    ]);
    assert_eq!(summary["cost"], 2);
    assert_eq!(summary["send_utc"], "2027-10-31T00:30:00Z");
    assert_eq!(
        (
            &summary["fold_note"]["time"],
            &summary["fold_note"]["first"]
        ),
        (&serde_json::json!("02:30"), &serde_json::json!(true)),
        "{summary}"
    );
    let token = summary["token"].as_str().unwrap().to_owned();

    let outcome = h.json(&["campaign", "confirm", &token]);
    assert_eq!(
        (outcome["state"].as_str(), outcome["version"].as_u64()),
        (Some("pending_review"), Some(1))
    );
    assert_eq!(
        h.json(&["campaign", "confirm", &token]),
        outcome,
        "a second confirmation changes nothing"
    );

    let status = h.json(&["campaign", "approve", "spring", "--moderator", "alice"]);
    assert_eq!(status["state"], "scheduled");
    h.refused(
        &[
            "campaign",
            "refuse",
            "spring",
            "--moderator",
            "bob",
            "--code",
            "technical",
            "--reason",
            "late",
        ],
        "already approved by alice at",
    );

    let list = h.json(&["campaign", "list"]);
    assert_eq!(list["total"], 1);
    assert_eq!(h.json(&["account", "show", "42"])["balance"]["reserved"], 2);

    let cancel = h.json(&["campaign", "cancel", "spring", "--yes"]);
    assert_eq!(cancel["state"], "draft");
    assert_eq!(
        h.json(&["account", "show", "42"])["balance"]["available"],
        500
    );
}

async fn bad_input_exits_1_with_a_readable_message(engine: Engine) {
    let h = Herald::new(engine).await;
    h.refused(
        &["account", "credit", "42", "0", "--reason", "x"],
        "more than zero",
    );
    h.refused(
        &["account", "credit", "42", "-5", "--reason", "x"],
        "more than zero",
    );
    h.refused(
        &["account", "credit", "42", "10", "--reason", " "],
        "--reason",
    );
    h.refused(
        &["account", "show", "42"],
        "this account does not exist yet",
    );
    h.json(&["campaign", "create", "spring"]);
    h.refused(&["campaign", "create", "Spring"], "already exists");
    h.refused(&["campaign", "finalize", "spring"], "no message yet");
    h.refused(
        &["campaign", "import", "spring", "/nonexistent.csv"],
        "could not open /nonexistent.csv",
    );
    h.refused(
        &["campaign", "confirm", "not-a-token"],
        "finalize the campaign again",
    );
    h.refused(
        &[
            "campaign",
            "refuse",
            "spring",
            "--moderator",
            "bob",
            "--code",
            "rude",
            "--reason",
            "x",
        ],
        "technical or code_of_conduct",
    );
    h.refused(
        &["account", "set", "42", "--zone", "Mars/Olympus"],
        "unknown time zone",
    );
    let usage = h.run(&["campaign", "frobnicate"]);
    assert_eq!(usage.status.code(), Some(2), "usage errors are clap's");
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// What a newcomer met on the command line, each answered now.
async fn a_newcomers_mistakes_get_clear_answers(engine: Engine) {
    let h = Herald::new(engine).await;
    h.json(&["account", "credit", "42", "100", "--reason", "first load"]);
    h.json(&["account", "set", "42", "--sender", "MaBoutique"]);

    // A body that shows nothing is refused: a zero-width character by name, fillers and
    // blanks as empty.
    h.refused(
        &["campaign", "create", "blank", "--body", "\u{200b}"],
        "the message holds an invisible character (U+200B) at position 1: delete it",
    );
    h.refused(
        &["campaign", "create", "blank", "--body", " \u{3164} "],
        "the message is empty",
    );
    h.json(&[
        "campaign",
        "create",
        "spring",
        "--body",
        "Spring sale STOP au 36180",
    ]);

    // A closed stdout (`| head -0`) ends the command quietly once its work is saved.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("people.csv");
    std::fs::write(&csv, "phone\n0612345678\n0756345678\n").unwrap();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["campaign", "import", "spring", csv.to_str().unwrap()])
        .env("HERALD_DATABASE_URL", &h.db.url)
        .env("HERALD_CLOCK_START", crate::support::T0)
        .env("HERALD_SERVER", "42")
        .env("RUST_LOG", "warn")
        .stdout(writer)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
    assert_eq!(
        h.json(&["campaign", "status", "spring"])["draft_recipients"],
        2
    );

    // Discord ids are u64: two servers past 2^63 stay two accounts; past u64, a clear refusal.
    for (server, credits) in [("9223372036854775808", "5"), ("18446744073709551615", "7")] {
        h.json(&["account", "credit", server, credits, "--reason", "x"]);
    }
    assert_eq!(
        h.json(&["account", "show", "9223372036854775808"])["balance"]["available"],
        5
    );
    assert_eq!(
        h.json(&["account", "show", "18446744073709551615"])["balance"]["available"],
        7
    );
    let out = h.run(&["account", "show", "18446744073709551616"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("is too large for a Discord id: ids go up to 18446744073709551615"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Numbers that can't receive an SMS are reported, and left out unless kept.
    let mixed = dir.path().join("mixed.csv");
    std::fs::write(&mixed, "phone\n0612345678\n0142685300\n0800123456\n").unwrap();
    let left_out = h.run(&["campaign", "import", "spring", mixed.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&left_out.stdout);
    assert!(
        text.contains("not a mobile number (landline, toll-free, VoIP...): 2 (lines 3, 4) - left out; --keep-not-mobile imports them"),
        "{text}"
    );
    assert_eq!(
        h.json(&["campaign", "status", "spring"])["draft_recipients"],
        1
    );
    let kept = h.json(&[
        "campaign",
        "import",
        "spring",
        mixed.to_str().unwrap(),
        "--keep-not-mobile",
    ]);
    assert_eq!(
        (kept["imported"].as_u64(), kept["kept_not_mobile"].as_bool()),
        (Some(3), Some(true))
    );
    h.json(&["campaign", "import", "spring", csv.to_str().unwrap()]);

    // Offsets are not zones; an empty zone is not the default; a day that does not exist is
    // not a format error.
    let finalize = |date: &str, zone: &str| {
        vec![
            "campaign".to_owned(),
            "finalize".into(),
            "spring".into(),
            "--date".into(),
            date.into(),
            "--time".into(),
            "10:00".into(),
            "--zone".into(),
            zone.into(),
        ]
    };
    h.refused(
        &args(&finalize("2027-04-06", "GMT+1")),
        "\"GMT+1\" is an offset from UTC (UTC+01:00), not a time zone",
    );
    h.refused(&args(&finalize("2027-04-06", "GMT+1")), "use Etc/GMT-1");
    h.refused(&args(&finalize("2027-04-06", "")), "no time zone given");
    h.refused(
        &args(&finalize("2027-02-29", "Europe/Paris")),
        "2027-02-29 does not exist: that month has 28 days",
    );

    // A scheduled send the balance can't cover is told as a shortfall, never a negative balance.
    h.json(&[
        "campaign",
        "create",
        "big",
        "--body",
        "Big sale STOP au 36180",
    ]);
    let many = dir.path().join("many.csv");
    let rows: String = (0..150)
        .map(|i| format!("06{:08}\n", 12_000_000 + i))
        .collect();
    std::fs::write(&many, format!("phone\n{rows}")).unwrap();
    h.json(&["campaign", "import", "big", many.to_str().unwrap()]);
    let out = h.run(&args(&[
        "campaign".into(),
        "finalize".into(),
        "big".into(),
        "--date".into(),
        "2027-04-06".into(),
        "--time".into(),
        "10:00".into(),
        "--zone".into(),
        "Europe/Paris".into(),
    ]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("cost: 150 credits; balance 100, 50 short"),
        "{text}"
    );
    assert!(!text.contains("-50"), "{text}");

    // A user id past 2^63 acts, and reads back, as itself.
    let far = "18446744073709551615";
    h.json(&[
        "campaign",
        "create",
        "far",
        "--as",
        far,
        "--body",
        "Far STOP au 36180",
    ]);
    h.json(&[
        "campaign",
        "import",
        "far",
        "--as",
        far,
        csv.to_str().unwrap(),
    ]);
    let summary = h.json(&["campaign", "finalize", "far", "--as", far]);
    let token = summary["token"].as_str().unwrap();
    h.json(&["campaign", "confirm", "--as", far, token]);
    assert_eq!(
        h.json(&["campaign", "status", "far", "--as", far])["state"],
        "pending_review"
    );

    // A password of twelve spaces is no password.
    let mut add = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["moderator", "add", "alice", "--password-stdin"])
        .env("HERALD_DATABASE_URL", &h.db.url)
        .env("HERALD_CLOCK_START", crate::support::T0)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    add.stdin
        .take()
        .unwrap()
        .write_all(b"            \n")
        .unwrap();
    let out = add.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("one character repeated (or only blanks)"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

on_both_engines!(
    a_campaign_from_draft_to_approval,
    bad_input_exits_1_with_a_readable_message,
    a_newcomers_mistakes_get_clear_answers
);

#[test]
fn migrate_creates_the_sqlite_database_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/nested/dir/herald.db", dir.path().display());
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["migrate", "--database", &url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = dir.path().join("nested/dir/herald.db");
    let header = std::fs::read(&db).unwrap();
    // Bytes 18 and 19 of a SQLite header are 2 in WAL mode.
    assert_eq!((header[18], header[19]), (2, 2), "WAL mode");
}

#[test]
fn logs_carry_no_colour_codes_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/herald.db", dir.path().display());
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["migrate", "--database", &url])
        .env("RUST_LOG", "debug")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("DEBUG"), "some log lines: {stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
}

#[test]
fn an_unusable_database_url_is_explained() {
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["migrate", "--database", "mysql://x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("use sqlite://PATH or postgres://"));
}
