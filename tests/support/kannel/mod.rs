//! The real Kannel SMS gateway (Debian package `kannel`) on loopback, sending to a fake operator
//! the tests script (see `shared/kannel.md` for the facts this rests on).
//!
//! ```ignore
//! let operator = FakeOperator::start(Script::standard()).await;
//! let kannel = Kannel::start(&operator).await;       // bearerbox + smsbox, ready in ~0.2 s
//! let reply = kannel
//!     .sendsms("+33612340003", "Hello")
//!     .dlr("http://127.0.0.1:PORT/dlr?id=42&status=%d") // dlr-mask=31 and the callback URL
//!     .send()
//!     .await;                                        // 202 "0: Accepted for delivery"
//! // ... the DLR endpoint hears 8 then 2; operator.submits_to("+33612340003") == 1
//! ```
//!
//! API:
//! - [`FakeOperator`]: `start(script)`, `port()`, `send_url()`, `log()` (every [`Submit`], with
//!   its [`Answer`]), `submits_to(to)`, `submit_count()`, `reports()` (every [`Report`] it sent
//!   back), `wait_for(timeout, pred)`.
//! - [`Script`]: `standard()` (suffixes `0001` rejected, `0002` temp-fail twice, `0003` failed,
//!   `0004` buffered then delivered, `0005` silent, `0006` temp-fail always), `all_delivered()`,
//!   `on_suffix(suffix, outcome)`, `random(seed, &[(fraction, outcome)])`, `otherwise(outcome)`,
//!   `report_delay(d)`, `outcome_for(to)`; [`Outcome`] says what happens to one number.
//! - [`Kannel`]: `start(&operator)`, `sendsms_url()`, `username()`, `password()`,
//!   `admin_port()`, `sendsms_port()`, `smsc_port()`, `dir()`, `started_in()`, `status()`,
//!   `logs()`, and `sendsms(to, text)` → [`Sendsms`] (`param`, `dlr`, `url`, `send`).
//! - [`http`]: a proxy-free loopback GET and percent encoding.
//!
//! Each `Kannel` runs in a temporary directory with its own ports; dropping it sends SIGTERM,
//! then SIGKILL after [`STOP_GRACE`] (a clean stop takes about 2 s). The daemons also get
//! SIGKILL when the thread that started them exits, so keep a `Kannel` on the test's thread.
// A stand-in speaks its whole protocol, and its records keep every field for the failure
// messages that print them: not all of it is called by today's tests.
#![allow(dead_code)]

mod config;
mod daemon;
pub mod http;
mod operator;
mod script;

use std::path::Path;
use std::time::{Duration, Instant};

// Not every test binary uses all of it.
#[allow(unused_imports)]
pub use config::Ports;
#[allow(unused_imports)]
pub use operator::{Answer, FakeOperator, Report, Submit};
#[allow(unused_imports)]
pub use script::{Outcome, Script};

use daemon::Daemon;

/// The `sendsms-user` with concatenation (up to 10 parts).
pub const USERNAME: &str = "tester";
pub const PASSWORD: &str = "foobar";
/// A second `sendsms-user`: no concatenation, at most 3 messages.
pub const NOCAT_USERNAME: &str = "nocat";
pub const STATUS_PASSWORD: &str = "statuspw";
/// The sender `sendsms` helpers use.
pub const FROM: &str = "HERALD";

/// How long a start may take before it fails with the logs.
pub const START_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a stopping daemon gets after SIGTERM before SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(4);
/// Starts tried with fresh ports before giving up (a port can be taken between choosing it
/// and Kannel binding it).
const ATTEMPTS: usize = 3;

/// A running bearerbox and smsbox, talking to one [`FakeOperator`].
pub struct Kannel {
    ports: Ports,
    started_in: Duration,
    // Both stopped together in `Drop`; the directory (logs) goes after they have exited.
    smsbox: Daemon,
    bearerbox: Daemon,
    dir: tempfile::TempDir,
}

impl Kannel {
    /// Starts Kannel sending to `operator`, and points the operator's reports at it. Panics
    /// with the daemons' log tails if it is not ready within [`START_TIMEOUT`].
    pub async fn start(operator: &FakeOperator) -> Kannel {
        Kannel::start_with_mo(operator, None).await
    }

    /// As `start`, with messages from phones passed to `mo_url` (which already holds a `?`).
    pub async fn start_with_mo(operator: &FakeOperator, mo_url: Option<&str>) -> Kannel {
        // Fail with the install hint before anything else.
        daemon::find("bearerbox");
        daemon::find("smsbox");
        let mut failures = Vec::new();
        for _ in 0..ATTEMPTS {
            match Kannel::try_start(operator, mo_url).await {
                Ok(kannel) => return kannel,
                Err(why) => failures.push(why),
            }
        }
        panic!(
            "Kannel did not start ({ATTEMPTS} attempts):\n\n{}",
            failures.join("\n\n")
        );
    }

    async fn try_start(operator: &FakeOperator, mo_url: Option<&str>) -> Result<Kannel, String> {
        let began = Instant::now();
        let deadline = began + START_TIMEOUT;
        let dir = tempfile::Builder::new()
            .prefix("kannel-")
            .tempdir()
            .expect("temp dir");
        let ports = Ports::fresh();
        let conf = dir.path().join("kannel.conf");
        std::fs::write(
            &conf,
            config::render(ports, operator.port(), dir.path(), mo_url),
        )
        .expect("write kannel.conf");

        let mut bearerbox = Daemon::spawn("bearerbox", &conf, dir.path());
        let status_url = status_url(ports.admin);
        // smsbox gives up at once if bearerbox is not listening yet. The box port is watched
        // in /proc, not probed: bearerbox takes a probe for a box, and then makes the real
        // smsbox wait a whole second.
        let core_up = wait_until(deadline, &mut [&mut bearerbox], || async {
            listening(ports.boxes) && status_is(&status_url, smsc_online).await
        })
        .await;
        if let Err(why) = core_up {
            let what = "bearerbox's box port and the SMSC online";
            return Err(failure(&why, what, dir.path(), bearerbox, None));
        }

        let mut smsbox = Daemon::spawn("smsbox", &conf, dir.path());
        let ready = wait_until(deadline, &mut [&mut bearerbox, &mut smsbox], || async {
            listening(ports.sendsms)
                && status_is(&status_url, |s| smsc_online(s) && smsbox_connected(s)).await
        })
        .await;
        if let Err(why) = ready {
            let what = "smsbox connected to bearerbox";
            return Err(failure(&why, what, dir.path(), bearerbox, Some(smsbox)));
        }

        operator.report_to(ports.smsc_http);
        Ok(Kannel {
            ports,
            started_in: began.elapsed(),
            smsbox,
            bearerbox,
            dir,
        })
    }

    /// `http://127.0.0.1:PORT/cgi-bin/sendsms`
    pub fn sendsms_url(&self) -> String {
        format!("http://127.0.0.1:{}/cgi-bin/sendsms", self.ports.sendsms)
    }

    pub fn username(&self) -> &'static str {
        USERNAME
    }

    pub fn password(&self) -> &'static str {
        PASSWORD
    }

    pub fn admin_port(&self) -> u16 {
        self.ports.admin
    }

    pub fn sendsms_port(&self) -> u16 {
        self.ports.sendsms
    }

    /// The port the operator reports to.
    pub fn smsc_port(&self) -> u16 {
        self.ports.smsc_http
    }

    pub fn ports(&self) -> Ports {
        self.ports
    }

    /// The instance's directory: `kannel.conf` and every log.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// From spawning bearerbox to ready.
    pub fn started_in(&self) -> Duration {
        self.started_in
    }

    /// bearerbox's `status.txt`.
    pub async fn status(&self) -> String {
        http::get(&status_url(self.ports.admin))
            .await
            .expect("Kannel status.txt")
            .body
    }

    /// The tails of every log in the instance's directory, for failure messages.
    pub fn logs(&self) -> String {
        log_tails(self.dir.path())
    }

    /// A `sendsms` GET as `tester`, from [`FROM`], with `charset=UTF-8`.
    pub fn sendsms(&self, to: &str, text: &str) -> Sendsms {
        Sendsms {
            base: self.sendsms_url(),
            params: Vec::new(),
        }
        .param("username", USERNAME)
        .param("password", PASSWORD)
        .param("from", FROM)
        .param("to", to)
        .param("text", text)
        .param("charset", "UTF-8")
    }
}

impl Drop for Kannel {
    fn drop(&mut self) {
        self.smsbox.terminate();
        self.bearerbox.terminate();
        let deadline = Instant::now() + STOP_GRACE;
        self.smsbox.reap(deadline);
        self.bearerbox.reap(deadline);
    }
}

/// A `sendsms` request being put together; every value is percent-encoded (`+` as `%2B`).
#[derive(Debug, Clone)]
pub struct Sendsms {
    base: String,
    params: Vec<(String, String)>,
}

impl Sendsms {
    /// Adds or replaces one parameter.
    pub fn param(mut self, name: &str, value: &str) -> Sendsms {
        self.params.retain(|(n, _)| n != name);
        self.params.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Every report (`dlr-mask=31`) to `url`, in which Kannel expands `%d` (status), `%A`
    /// (SMSC answer), `%p` (to), `%T` (time) and so on.
    pub fn dlr(self, url: &str) -> Sendsms {
        self.param("dlr-mask", "31").param("dlr-url", url)
    }

    pub fn url(&self) -> String {
        let query: Vec<String> = self
            .params
            .iter()
            .map(|(n, v)| format!("{}={}", http::encode(n), http::encode(v)))
            .collect();
        format!("{}?{}", self.base, query.join("&"))
    }

    /// Sends it; panics if smsbox cannot be reached.
    pub async fn send(&self) -> http::Reply {
        let url = self.url();
        http::get(&url)
            .await
            .unwrap_or_else(|e| panic!("sendsms {url}: {e}"))
    }
}

fn status_url(admin: u16) -> String {
    format!("http://127.0.0.1:{admin}/status.txt?password={STATUS_PASSWORD}")
}

/// Whether something listens on `127.0.0.1:port` (or any address), from `/proc/net/tcp`.
fn listening(port: u16) -> bool {
    const LISTEN: &str = "0A";
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    table.lines().skip(1).any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let local = fields.get(1).copied().unwrap_or_default();
        let (addr, hex_port) = local.split_once(':').unwrap_or_default();
        fields.get(3) == Some(&LISTEN)
            && u16::from_str_radix(hex_port, 16) == Ok(port)
            && (addr == "0100007F" || addr == "00000000")
    })
}

/// Whether bearerbox's `status.txt` answers and satisfies `pred`.
async fn status_is(url: &str, pred: impl Fn(&str) -> bool) -> bool {
    http::get(url)
        .await
        .is_ok_and(|r| r.status == 200 && pred(&r.body))
}

/// The SMSC line of `status.txt` says `online`.
fn smsc_online(status: &str) -> bool {
    status
        .lines()
        .any(|l| l.trim_start().starts_with("fakeop[") && l.contains("(online"))
}

/// `status.txt` lists a connected smsbox.
fn smsbox_connected(status: &str) -> bool {
    status
        .lines()
        .any(|l| l.trim_start().starts_with("smsbox:"))
}

/// Polls `ready` every 10 ms until it holds; an error if a daemon exits or time runs out.
async fn wait_until<F, Fut>(
    deadline: Instant,
    daemons: &mut [&mut Daemon],
    ready: F,
) -> Result<(), String>
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    loop {
        for d in daemons.iter_mut() {
            if let Some(status) = d.exited() {
                return Err(format!("{} exited ({status})", d.name));
            }
        }
        if ready().await {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!("not ready after {START_TIMEOUT:?}"));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Stops what was started and describes the failure with the logs.
fn failure(
    why: &str,
    waiting_for: &str,
    dir: &Path,
    mut bearerbox: Daemon,
    smsbox: Option<Daemon>,
) -> String {
    let deadline = Instant::now();
    if let Some(mut smsbox) = smsbox {
        smsbox.reap(deadline);
    }
    bearerbox.reap(deadline);
    format!("waiting for {waiting_for}: {why}\n{}", log_tails(dir))
}

fn log_tails(dir: &Path) -> String {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                // The daemons' logs and their output (which shows config errors before logging
                // starts); the access logs say little about a failure.
                .filter(|p| {
                    let name = p.file_name().unwrap_or_default().to_string_lossy();
                    (name.ends_with(".log") || name.ends_with(".out")) && !name.contains("access")
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
        .iter()
        .map(|p| format!("--- {}\n{}", p.display(), daemon::tail(p, 25)))
        .collect::<Vec<_>>()
        .join("\n")
}
