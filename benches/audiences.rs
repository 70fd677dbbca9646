//! A 1,000,000-row audience with three extra columns (prenom, ville, code), on SQLite:
//! - its import (`App::import_audience`): wall time and peak memory;
//! - a finalize over it of a body with two merge fields (`{prenom}`, `{ville}`): every
//!   recipient's message rendered, measured and priced;
//! - once confirmed, approved and started (1,000,000 deliveries queued), the per-recipient
//!   results file written to disk (`App::export_results`).
//!
//! Each run is a child process of its own (this same executable) so that its VmHWM (peak
//! resident memory, from /proc/self/status) is the import's; the finalize's peak is read
//! after it, in the same child.
//!
//! `cargo bench --bench audiences`; HERALD_BENCH_RUNS=N repeats it N times;
//! HERALD_BENCH_ENGINES=sqlite,postgres adds PostgreSQL.
mod common;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use herald::app::{DraftInput, SendRequest};
use herald::domain::audience::ImportMode;

use common::{BenchDb, Engine, OWNER, app_with_campaign, status_kib};

const ROWS: u64 = 1_000_000;
const CHILD_ENGINE: &str = "HERALD_BENCH_CHILD_ENGINE";
const CHILD_CSV: &str = "HERALD_BENCH_CHILD_CSV";

const FIRST: [&str; 8] = [
    "Élodie",
    "Jean",
    "Chloé",
    "Mathis",
    "Léa",
    "François",
    "Inès",
    "Hugo",
];
const TOWNS: [&str; 6] = ["Lyon", "Nice", "Brest", "Saint-Étienne", "Lille", "Paris"];

fn write_csv(path: &Path) -> std::io::Result<u64> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(out, "phone;prenom;ville;code")?;
    for i in 0..ROWS {
        // Distinct mobile numbers, 06 1x… and 07 5x… in turn, in national form.
        let nsn = if i % 2 == 0 {
            610_000_000 + i / 2
        } else {
            750_000_000 + i / 2
        };
        writeln!(
            out,
            "0{nsn};{};{};PROMO{:05}",
            FIRST[(i % 8) as usize],
            TOWNS[(i % 6) as usize],
            i % 100_000
        )?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

/// The child: import then finalize on a fresh database, reported on stdout as
/// `RESULT import_secs import_hwm finalize_secs finalize_hwm export_secs export_hwm`.
fn child(engine: Engine, csv: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let db = BenchDb::new(engine).await;
        let (app, _store) = app_with_campaign(&db, "spring", 3 * ROWS).await;
        let start = Instant::now();
        let imported = app
            .import_audience(
                OWNER,
                "clients",
                File::open(csv).expect("CSV file"),
                ImportMode::Create,
                Default::default(),
            )
            .await
            .expect("import");
        let import_secs = start.elapsed().as_secs_f64();
        let import_hwm = status_kib("VmHWM");
        assert_eq!(imported.audience.recipients, ROWS, "{:?}", imported.report);
        assert_eq!(
            imported.audience.columns.len(),
            4,
            "prenom, ville, code, name"
        );

        let body = "Bonjour {prenom|client}, -20% ce week-end à {ville} ! STOP au 36180";
        app.edit_campaign(
            OWNER,
            "spring",
            DraftInput {
                body: Some(body.into()),
                sender: None,
            },
        )
        .await
        .expect("edit");
        app.use_audiences(OWNER, "spring", &["clients"], &[])
            .await
            .expect("recipients");
        let start = Instant::now();
        let summary = app
            .finalize(OWNER, "spring", SendRequest::Immediate)
            .await
            .expect("finalize");
        let finalize_secs = start.elapsed().as_secs_f64();
        let finalize_hwm = status_kib("VmHWM");
        let p = summary.personal.expect("a personalised summary");
        assert_eq!(p.messages, ROWS);
        eprintln!(
            "  {} messages, {} credits, {} switched to UCS-2 by their values",
            p.messages, summary.cost, p.switched_to_ucs2
        );
        app.confirm(OWNER, summary.token.as_str())
            .await
            .expect("confirm");
        let (id, _) = app.campaign_id(common::SERVER, "spring").await.unwrap();
        let alice = herald::domain::ids::ModeratorName::parse("alice").unwrap();
        app.decide(id, 1, &alice, herald::app::Decision::Approve)
            .await
            .expect("approve");
        app.advance_campaigns().await.expect("start");
        let results = std::path::Path::new(csv).with_extension("results.csv");
        let start = Instant::now();
        let file = std::io::BufWriter::with_capacity(1 << 16, File::create(&results).unwrap());
        let exported = app
            .export_results(OWNER, "spring", file)
            .await
            .expect("export");
        let export_secs = start.elapsed().as_secs_f64();
        let export_hwm = status_kib("VmHWM");
        assert_eq!(exported.recipients, ROWS);
        eprintln!(
            "  results file: {:.1} MB",
            std::fs::metadata(&results).unwrap().len() as f64 / 1e6
        );
        println!(
            "RESULT {import_secs} {import_hwm} {finalize_secs} {finalize_hwm} {export_secs} {export_hwm}"
        );
    });
}

fn main() {
    if let Ok(engine) = std::env::var(CHILD_ENGINE) {
        let csv = std::env::var(CHILD_CSV).expect(CHILD_CSV);
        child(Engine::parse(&engine).expect("engine"), &csv);
        return;
    }
    let engines = match std::env::var("HERALD_BENCH_ENGINES") {
        Ok(list) => list
            .split(',')
            .map(|e| Engine::parse(e.trim()).expect("sqlite or postgres"))
            .collect(),
        Err(_) => vec![Engine::Sqlite],
    };
    let runs: usize = std::env::var("HERALD_BENCH_RUNS")
        .ok()
        .map(|r| r.parse().expect("HERALD_BENCH_RUNS"))
        .unwrap_or(1);
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("audience.csv");
    let bytes = write_csv(&csv).expect("write CSV");
    eprintln!(
        "generated {} ({ROWS} rows, 3 extra columns, {:.1} MB)",
        csv.display(),
        bytes as f64 / 1e6
    );
    let exe = std::env::current_exe().expect("current exe");
    println!();
    println!(
        "| engine | run | import (s) | import peak RSS (MB) | finalize, 2 merge fields (s) | peak RSS after finalize (MB) | results export (s) | peak RSS after export (MB) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for engine in engines {
        for run in 1..=runs {
            eprintln!("{} run {run}/{runs}…", engine.name());
            let out = Command::new(&exe)
                .env(CHILD_ENGINE, engine.arg())
                .env(CHILD_CSV, &csv)
                .stderr(std::process::Stdio::inherit())
                .output()
                .expect("run the child");
            assert!(out.status.success(), "child failed: {}", out.status);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let v: Vec<f64> = stdout
                .lines()
                .find_map(|l| l.strip_prefix("RESULT "))
                .expect("RESULT line")
                .split_whitespace()
                .map(|x| x.parse().unwrap())
                .collect();
            println!(
                "| {} | {run} | {:.2} | {:.1} | {:.2} | {:.1} | {:.2} | {:.1} |",
                engine.name(),
                v[0],
                v[1] / 1024.0,
                v[2],
                v[3] / 1024.0,
                v[4],
                v[5] / 1024.0
            );
        }
    }
}
