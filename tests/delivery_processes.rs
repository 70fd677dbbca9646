//! The real `herald` binary sending through a real Kannel: killed with SIGKILL mid-campaign and
//! restarted, it loses no recipient and never sends an attempt twice; stopped with SIGTERM, it
//! exits within its grace period and nothing is sent twice; three processes on one PostgreSQL,
//! one replaced mid-campaign, send each recipient once.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::kannel::{FakeOperator, Kannel, Script};
use crate::support::{Engine, OWNER, SERVER, TestApp};
use herald::app::SendRequest;
use herald::domain::campaign::CampaignState;
use herald::domain::delivery::DeliveryStatus;

/// Reports follow the submit a little later: bearerbox files a message's DLR entry when it reads
/// the operator's answer, and on a loaded machine a report that overtakes it is dropped.
const REPORT_DELAY: Duration = Duration::from_millis(200);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `herald serve`, killed (SIGKILL) when dropped, so a failing test leaves none behind.
struct Herald(Child);

impl Herald {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Herald {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `herald serve` on the test's database, sending through `kannel`.
fn serve(t: &TestApp, kannel: &Kannel, port: u16, rate: u32) -> Herald {
    serve_with(t, kannel, port, rate, &[])
}

fn serve_with(t: &TestApp, kannel: &Kannel, port: u16, rate: u32, env: &[(&str, &str)]) -> Herald {
    let child = Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("serve")
        .envs(env.iter().copied())
        .env("HERALD_DATABASE_URL", &t.db.url)
        .env("HERALD_CLOCK_START", crate::support::T0)
        .env("HERALD_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("KANNEL_SENDSMS_URL", kannel.sendsms_url())
        .env("KANNEL_USERNAME", kannel.username())
        .env("KANNEL_PASSWORD", kannel.password())
        .env("HERALD_SEND_RATE", rate.to_string())
        .env("HERALD_REPORT_TIMEOUT_SECS", "8")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env_remove("DISCORD_TOKEN")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start herald serve");
    Herald(child)
}

async fn wait_for_completion(t: &TestApp, timeout: Duration) {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let status = t.app.status(OWNER, "spring").await.unwrap();
        if status.state == CampaignState::Completed {
            return;
        }
        if tokio::time::Instant::now() >= deadline {
            let (id, _) = t.app.campaign_id(SERVER, "spring").await.unwrap();
            let stuck: Vec<_> = t
                .store
                .deliveries_of(id, 1)
                .await
                .unwrap()
                .into_iter()
                .filter(|d| !d.status.is_final())
                .take(5)
                .collect();
            panic!("not completed: {status:?}\nfirst unfinished: {stuck:#?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Per recipient: Herald's final status and attempts, and how often the operator got it.
async fn accounting(
    t: &TestApp,
    operator: &FakeOperator,
) -> Vec<(String, DeliveryStatus, u32, usize)> {
    let mut sent: HashMap<String, usize> = HashMap::new();
    for submit in operator.log() {
        *sent.entry(submit.to.clone()).or_default() += 1;
    }
    let (id, _) = t.app.campaign_id(SERVER, "spring").await.unwrap();
    t.store
        .deliveries_of(id, 1)
        .await
        .unwrap()
        .into_iter()
        .map(|d| {
            let n = sent.get(&d.phone).copied().unwrap_or(0);
            (d.phone, d.status, d.attempt, n)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_campaign_then_restart_loses_nothing_and_repeats_no_attempt() {
    const RECIPIENTS: usize = 1500;
    let operator = FakeOperator::start(Script::all_delivered().report_delay(REPORT_DELAY)).await;
    let kannel = Kannel::start(&operator).await;
    let t = TestApp::new(Engine::Sqlite).await;
    t.ready_campaign("spring", 10_000, RECIPIENTS).await;
    t.approve("spring", SendRequest::Immediate).await;

    let port = free_port();
    let mut first = serve(&t, &kannel, port, 300);
    operator
        .wait_for(Duration::from_secs(30), |log| log.len() >= 400)
        .await;
    first.kill();
    let before = operator.submit_count();
    assert!(before < RECIPIENTS, "killed mid-campaign ({before} sent)");

    let mut second = serve(&t, &kannel, port, 600);
    wait_for_completion(&t, Duration::from_secs(60)).await;
    second.kill();

    let rows = accounting(&t, &operator).await;
    assert_eq!(rows.len(), RECIPIENTS);
    let mut resent = 0;
    for (phone, status, attempts, submits) in &rows {
        assert_eq!(*status, DeliveryStatus::Delivered, "{phone}");
        assert!(*submits >= 1, "{phone} was never sent");
        assert!(
            submits <= &(*attempts as usize),
            "{phone}: an attempt was sent twice"
        );
        resent += usize::from(*submits > 1);
    }
    // Only attempts in flight at the kill can have been sent again (as a new attempt).
    assert!(resent <= 64, "{resent} sent more than once");
    let counts = t.delivery_counts("spring").await;
    assert_eq!(counts.delivered, RECIPIENTS as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_campaign_stops_within_the_grace_period_and_a_restart_sends_each_once() {
    const RECIPIENTS: usize = 1500;
    const GRACE_SECS: u64 = 5;
    let operator = FakeOperator::start(Script::all_delivered().report_delay(REPORT_DELAY)).await;
    let kannel = Kannel::start(&operator).await;
    let t = TestApp::new(Engine::Sqlite).await;
    t.ready_campaign("spring", 10_000, RECIPIENTS).await;
    t.approve("spring", SendRequest::Immediate).await;

    let port = free_port();
    let mut first = serve_with(
        &t,
        &kannel,
        port,
        300,
        &[("HERALD_SHUTDOWN_GRACE_SECS", "5")],
    );
    operator
        .wait_for(Duration::from_secs(30), |log| log.len() >= 400)
        .await;
    let asked = std::time::Instant::now();
    terminate(&first.0);
    let status = wait_exit(&mut first.0, Duration::from_secs(GRACE_SECS + 5));
    let took = asked.elapsed();
    assert!(status.success(), "a graceful stop exits 0: {status:?}");
    assert!(
        took < Duration::from_secs(GRACE_SECS),
        "stopped in {took:?}, beyond the {GRACE_SECS} s grace period"
    );
    let before = operator.submit_count();
    assert!(before < RECIPIENTS, "stopped mid-campaign ({before} sent)");
    // What it had claimed and not handed over waits out its lease, then goes once.
    let mut second = serve(&t, &kannel, port, 600);
    wait_for_completion(&t, Duration::from_secs(60)).await;
    second.kill();

    let rows = accounting(&t, &operator).await;
    assert_eq!(rows.len(), RECIPIENTS);
    for (phone, status, attempts, submits) in &rows {
        assert_eq!(*status, DeliveryStatus::Delivered, "{phone}");
        assert_eq!(
            *submits, 1,
            "{phone}: sent {submits} times ({attempts} attempts)"
        );
    }
    assert_eq!(
        t.delivery_counts("spring").await.delivered,
        RECIPIENTS as u64
    );
}

/// Sends SIGTERM to a child of this test, as systemd or a container runtime would.
fn terminate(child: &Child) {
    // SAFETY: kill(2) on the pid of a child we spawned and have not reaped.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(sent, 0, "SIGTERM sent");
}

/// Waits up to `limit` for the child to exit.
fn wait_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "herald serve did not exit within {limit:?} of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The README's rolling upgrade: three processes on one PostgreSQL share a campaign; one is
/// stopped (SIGTERM) mid-campaign and replaced on its address; no recipient is sent twice or lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_processes_on_one_postgresql_one_replaced_mid_campaign_send_each_once() {
    const RECIPIENTS: usize = 3000;
    let operator = FakeOperator::start(Script::all_delivered().report_delay(REPORT_DELAY)).await;
    let kannel = Kannel::start(&operator).await;
    let t = TestApp::new(Engine::Postgres).await;
    t.ready_campaign("spring", 10_000, RECIPIENTS).await;
    t.approve("spring", SendRequest::Immediate).await;

    let replaced_port = free_port();
    let mut a = serve(&t, &kannel, free_port(), 300);
    let mut b = serve(&t, &kannel, replaced_port, 300);
    let mut c = serve(&t, &kannel, free_port(), 300);
    operator
        .wait_for(Duration::from_secs(30), |log| log.len() >= 800)
        .await;
    terminate(&b.0);
    let status = wait_exit(&mut b.0, Duration::from_secs(25));
    assert!(status.success(), "{status:?}");
    assert!(
        operator.submit_count() < RECIPIENTS,
        "replaced mid-campaign"
    );
    let mut b2 = serve(&t, &kannel, replaced_port, 300);
    wait_for_completion(&t, Duration::from_secs(90)).await;
    for p in [&mut a, &mut b2, &mut c] {
        p.kill();
    }
    let rows = accounting(&t, &operator).await;
    assert_eq!(rows.len(), RECIPIENTS);
    for (phone, status, attempts, submits) in &rows {
        // A message the stopped process had claimed but not handed over is claimed again
        // after its lease (a second attempt), and still sent once.
        assert_eq!(
            (*status, *submits),
            (DeliveryStatus::Delivered, 1),
            "{phone}"
        );
        assert!(*attempts <= 2, "{phone}: {attempts} attempts");
    }
    assert_eq!(operator.submit_count(), RECIPIENTS);
}
