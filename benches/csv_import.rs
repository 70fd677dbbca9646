//! Importing a CSV of 1,000,000 recipients (`App::import_recipients` from a file on disk):
//! wall time and peak memory, on SQLite and on PostgreSQL.
//!
//! The file is generated once into a temporary folder: French mobile numbers in mixed forms
//! (`06 12 34 56 78`, `0612345678`, `+33612345678`, `+33 6 12 34 56 78`, `07.51.23.45.67`)
//! and a name column, some names quoted. Each engine's import then runs in a child process of
//! its own (this same executable), which does nothing but set up the database and import, so
//! its VmHWM (peak resident memory, from /proc/self/status) is the import's.
//!
//! `cargo bench --bench csv_import` — HERALD_TEST_POSTGRES_URL picks the server (default
//! postgres://postgres@127.0.0.1:5432/test); HERALD_BENCH_ENGINES=sqlite|postgres runs one
//! engine only; HERALD_BENCH_RUNS=N repeats each import N times (fresh database each time).
mod common;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

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
const LAST: [&str; 8] = [
    "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Roux", "Fontaine",
];

/// Distinct valid French mobile numbers: 06 1x xx xx xx and 07 5x xx xx xx, in turn.
fn national_significant(i: u64) -> u64 {
    if i.is_multiple_of(2) {
        610_000_000 + i / 2
    } else {
        750_000_000 + i / 2
    }
}

fn write_csv(path: &Path) -> std::io::Result<u64> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(out, "phone,name")?;
    for i in 0..ROWS {
        let nsn = national_significant(i).to_string();
        let d = nsn.as_bytes();
        let s = |r: std::ops::Range<usize>| std::str::from_utf8(&d[r]).unwrap();
        let phone = match i % 5 {
            0 => format!(
                "0{} {} {} {} {}",
                s(0..1),
                s(1..3),
                s(3..5),
                s(5..7),
                s(7..9)
            ),
            1 => format!("0{nsn}"),
            2 => format!("+33{nsn}"),
            3 => format!(
                "+33 {} {} {} {} {}",
                s(0..1),
                s(1..3),
                s(3..5),
                s(5..7),
                s(7..9)
            ),
            _ => format!(
                "0{}.{}.{}.{}.{}",
                s(0..1),
                s(1..3),
                s(3..5),
                s(5..7),
                s(7..9)
            ),
        };
        let (first, last) = (FIRST[(i % 8) as usize], LAST[((i / 8) % 8) as usize]);
        if i % 10 == 9 {
            writeln!(out, "{phone},\"{last}, {first}\"")?;
        } else {
            writeln!(out, "{phone},{first} {last}")?;
        }
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

/// The child: one import on a fresh database, reported on stdout as `RESULT secs hwm rss`.
fn child(engine: Engine, csv: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let db = BenchDb::new(engine).await;
        let (app, _store) = app_with_campaign(&db, "spring", 0).await;
        let before_kib = status_kib("VmRSS");
        let start = Instant::now();
        let file = File::open(csv).expect("CSV file");
        let report = app
            .import_recipients(OWNER, "spring", file, Default::default())
            .await
            .expect("import");
        let secs = start.elapsed().as_secs_f64();
        let hwm_kib = status_kib("VmHWM");
        assert_eq!(report.imported, ROWS, "{report:?}");
        assert_eq!(report.invalid.count + report.duplicates.count, 0);
        let status = app.status(OWNER, "spring").await.expect("status");
        assert_eq!(status.draft_recipients, Some(ROWS), "{status:?}");
        println!("RESULT {secs} {hwm_kib} {before_kib}");
        drop(app);
        drop(_store);
        drop(db);
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
        Err(_) => vec![Engine::Sqlite, Engine::Postgres],
    };
    let runs: usize = std::env::var("HERALD_BENCH_RUNS")
        .ok()
        .map(|r| r.parse().expect("HERALD_BENCH_RUNS"))
        .unwrap_or(1);

    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("recipients.csv");
    let bytes = write_csv(&csv).expect("write CSV");
    eprintln!(
        "generated {} ({ROWS} rows, {:.1} MB)",
        csv.display(),
        bytes as f64 / 1e6
    );

    let exe = std::env::current_exe().expect("current exe");
    let mut rows = Vec::new();
    for engine in engines {
        for run in 1..=runs {
            eprintln!("importing into {} (run {run}/{runs})…", engine.name());
            let out = Command::new(&exe)
                .env(CHILD_ENGINE, engine.arg())
                .env(CHILD_CSV, &csv)
                .stderr(std::process::Stdio::inherit())
                .output()
                .expect("run the import child");
            assert!(out.status.success(), "import child failed: {}", out.status);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let line = stdout
                .lines()
                .find_map(|l| l.strip_prefix("RESULT "))
                .expect("RESULT line from the child");
            let v: Vec<f64> = line
                .split_whitespace()
                .map(|x| x.parse().unwrap())
                .collect();
            rows.push((engine, run, v[0], v[1] / 1024.0, v[2] / 1024.0));
        }
    }
    println!();
    println!(
        "| engine     | run | rows      | wall (s) | rows/s    | peak RSS (MB) | RSS before (MB) |"
    );
    println!(
        "|------------|----:|----------:|---------:|----------:|--------------:|----------------:|"
    );
    for (engine, run, secs, hwm, before) in rows {
        println!(
            "| {:<10} | {run:>3} | {ROWS:>9} | {secs:>8.2} | {:>9.0} | {hwm:>13.1} | {before:>15.1} |",
            engine.name(),
            ROWS as f64 / secs,
        );
    }
}
