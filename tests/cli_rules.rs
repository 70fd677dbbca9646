//! The French sending rules on the command line: sender and short code checks, the
//! opt-out and plain-characters flags of finalize, windows per zone in the summary and the
//! status, and foreign countries' windows.

use serde_json::json;

use crate::cli::Herald;
use crate::support::Engine;

/// The text (not JSON) a successful command prints.
fn text(h: &Herald, args: &[&str]) -> String {
    let out = h.run(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

async fn the_sending_rules_from_the_command_line(engine: Engine) {
    let h = Herald::new(engine).await;
    h.json(&["account", "credit", "42", "500", "--reason", "first load"]);
    h.refused(
        &["account", "set", "42", "--short-code", "12345"],
        "\"12345\" is not a French short code",
    );
    h.json(&[
        "account",
        "set",
        "42",
        "--opt-out",
        "STOP au 38100",
        "--short-code",
        "38100",
    ]);
    h.refused(
        &["campaign", "create", "x", "--body", "Hi", "--sender", "INFO"],
        "\"INFO\" can't be the sender: operators filter generic words such as \"INFO\", use your brand; for example: MaBoutique",
    );
    h.refused(
        &["campaign", "create", "x", "--body", "Hi\u{2066}there"],
        "U+2066",
    );

    // The declared short code may send; a typographic body is explained, then made plain.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("people.csv");
    std::fs::write(
        &csv,
        "phone\n06 12 34 56 78\n06 12 34 56 79\n+262 692 00 00 01\n",
    )
    .unwrap();
    let csv = csv.to_str().unwrap();
    let body = "L\u{2019}\u{e9}t\u{e9} arrive \u{2014} -20% STOP au 38100";
    h.json(&[
        "campaign", "create", "spring", "--body", body, "--sender", "38100",
    ]);
    assert_eq!(
        h.json(&["campaign", "import", "spring", csv])["imported"],
        3
    );
    let summary = text(&h, &["campaign", "finalize", "spring"]);
    assert!(
        summary.contains("UCS-2 (70 characters per SMS instead of 160) because of: \u{2019} at 2, \u{2014} at 14")
            && summary.contains("it would be GSM-7: 1 segment(s), the same cost, 160 characters per SMS instead of 70; finalize again with --plain-characters"),
        "{summary}"
    );
    let summary = h.json(&["campaign", "finalize", "spring", "--plain-characters"]);
    assert_eq!(
        (
            &summary["encoding"],
            &summary["ucs2_characters"],
            &summary["gsm7_offer"]
        ),
        (&json!("gsm7"), &json!([]), &json!(null)),
        "{summary}"
    );

    // Scheduled for a Sunday: each zone waits for its own Monday morning.
    let summary = h.json(&[
        "campaign",
        "finalize",
        "spring",
        "--date",
        "2027-03-07",
        "--time",
        "10:00",
        "--zone",
        "Europe/Paris",
    ]);
    assert_eq!(summary["starts_later"], "2027-03-08T04:00:00Z", "{summary}");
    let token = summary["token"].as_str().unwrap().to_owned();
    h.json(&["campaign", "confirm", &token]);
    h.json(&["campaign", "approve", "spring", "--moderator", "alice"]);
    let status = h.json(&["campaign", "status", "spring"]);
    let waiting: Vec<_> = status["waiting_for_window"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["destination"]["region"].clone(),
                g["recipients"].clone(),
                g["decision"]["at"].clone(),
                g["decision"]["because"]["kind"].clone(),
            )
        })
        .collect();
    assert_eq!(
        waiting,
        [
            (
                json!("RE"),
                json!(1),
                json!("2027-03-08T04:00:00Z"),
                json!("sunday")
            ),
            (
                json!("FR"),
                json!(2),
                json!("2027-03-08T07:00:00Z"),
                json!("sunday")
            ),
        ],
        "{status}"
    );
    let status = text(&h, &["campaign", "status", "spring"]);
    assert!(
        status.contains(
            "1 waiting for the sending window to open Monday 2027-03-08 08:00 (Indian/Reunion) (Sunday)"
        ) && status.contains(
            "2 waiting for the sending window to open Monday 2027-03-08 08:00 (Europe/Paris) (Sunday)"
        ),
        "{status}"
    );

    // Without the mention: refused with the flag that adds it.
    h.json(&[
        "campaign",
        "create",
        "autumn",
        "--body",
        "Autumn sale",
        "--sender",
        "MaBoutique",
    ]);
    h.json(&["campaign", "import", "autumn", csv]);
    h.refused(
        &["campaign", "finalize", "autumn"],
        "finalize again with --add-opt-out to add it at the end (1 -> 1 segment(s), cost 3 -> 3 credits)",
    );
    let summary = h.json(&["campaign", "finalize", "autumn", "--add-opt-out"]);
    assert_eq!(summary["cost"], 3);
    // The mention stays in the draft: finalizing again needs no flag, and repeating the
    // flags (a script run again) changes nothing.
    h.json(&["campaign", "finalize", "autumn"]);
    let again = h.json(&[
        "campaign",
        "finalize",
        "autumn",
        "--add-opt-out",
        "--plain-characters",
    ]);
    assert_eq!((&again["cost"], &again["segments"]), (&json!(3), &json!(1)));

    // Foreign windows: lifted for a country, never for France's territories.
    assert_eq!(
        h.json(&["account", "window", "42", "us", "--rule", "none"]),
        json!({"id": 42, "country": "US", "no_window": true})
    );
    h.refused(
        &["account", "window", "42", "RE", "--rule", "none"],
        "can't be lifted for RE",
    );
    h.refused(
        &["account", "window", "42", "XX", "--rule", "none"],
        "unknown region",
    );
    let account = h.json(&["account", "show", "42"]);
    assert_eq!(account["no_window_regions"], json!(["US"]), "{account}");
}

on_both_engines!(the_sending_rules_from_the_command_line);
