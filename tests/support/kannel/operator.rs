//! The fake operator: answers Kannel's generic HTTP SMSC (`GET /send?...`) as its [`Script`]
//! says, then reports the outcome back to Kannel's SMSC port, and remembers everything.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::task::JoinHandle;

use super::http;
use super::script::{Outcome, Script};

/// One `GET /send` Kannel made (one per part of a concatenated message, one per retry).
#[derive(Debug, Clone)]
pub struct Submit {
    pub to: String,
    pub from: String,
    /// Decoded by `coding`/`charset`: UTF-16BE for UCS-2, else UTF-8 (lossy).
    pub text: String,
    /// 0 GSM 7-bit, 1 8-bit, 2 UCS-2 (Kannel's `%c`).
    pub coding: u8,
    pub charset: String,
    /// Raw user data header (concatenated parts carry one).
    pub udh: Vec<u8>,
    /// The DLR mask Kannel asked for (`%d`).
    pub mask: Option<u32>,
    /// Kannel's own message id (`%I`).
    pub kid: String,
    pub at: Instant,
    /// What the script decided for this number.
    pub outcome: Outcome,
    /// What the operator answered to this submit.
    pub answer: Answer,
}

/// The operator's answer to one submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// `OK <id>`
    Accepted { id: String },
    /// `PERMFAIL ...`
    PermFail,
    /// `TEMPFAIL ...`
    TempFail,
}

/// One report the operator sent (or tried to send) to Kannel.
#[derive(Debug, Clone)]
pub struct Report {
    pub id: String,
    pub to: String,
    /// 1 delivered, 2 failed, 4 buffered.
    pub mask: u32,
    pub at: Instant,
    /// Kannel's HTTP status, or the error if it could not be reached.
    pub result: Result<u16, String>,
}

struct Inner {
    script: Script,
    /// Kannel's SMSC callback port, set when Kannel starts (0: none yet).
    callback_port: AtomicU16,
    closed: AtomicBool,
    log: Mutex<Log>,
}

#[derive(Default)]
struct Log {
    submits: Vec<Submit>,
    reports: Vec<Report>,
    tempfails: HashMap<String, u32>,
    next_id: u64,
}

/// A loopback operator for one Kannel: `FakeOperator::start(script).await`, then
/// `Kannel::start(&operator).await`.
pub struct FakeOperator {
    inner: Arc<Inner>,
    port: u16,
    server: JoinHandle<()>,
}

impl FakeOperator {
    pub async fn start(script: Script) -> FakeOperator {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake operator");
        let port = listener.local_addr().expect("local addr").port();
        let inner = Arc::new(Inner {
            script,
            callback_port: AtomicU16::new(0),
            closed: AtomicBool::new(false),
            log: Mutex::new(Log {
                next_id: 0x1000,
                ..Log::default()
            }),
        });
        let app = Router::new()
            .route("/send", get(send))
            .with_state(inner.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("fake operator");
        });
        FakeOperator {
            inner,
            port,
            server,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The `/send` URL Kannel's `send-url` points at (without the query).
    pub fn send_url(&self) -> String {
        format!("http://127.0.0.1:{}/send", self.port)
    }

    pub fn script(&self) -> &Script {
        &self.inner.script
    }

    /// Where reports go: Kannel's SMSC HTTP port. Set by `Kannel::start`.
    pub fn report_to(&self, smsc_port: u16) {
        self.inner.callback_port.store(smsc_port, Ordering::SeqCst);
    }

    /// A message from `from` to the gateway's number, as the network would hand it to Kannel.
    pub async fn send_mo(&self, from: &str, text: &str) -> super::http::Reply {
        let port = self.inner.callback_port.load(Ordering::SeqCst);
        let url = format!(
            "http://127.0.0.1:{port}/?from={}&to=36180&text={}",
            super::http::encode(from),
            super::http::encode(text)
        );
        super::http::get(&url).await.expect("Kannel takes the MO")
    }

    /// Every submit so far, in arrival order.
    pub fn log(&self) -> Vec<Submit> {
        self.inner.log.lock().unwrap().submits.clone()
    }

    /// How many submits reached the operator for `to` (parts and retries each count).
    pub fn submits_to(&self, to: &str) -> usize {
        let log = self.inner.log.lock().unwrap();
        log.submits.iter().filter(|s| s.to == to).count()
    }

    pub fn submit_count(&self) -> usize {
        self.inner.log.lock().unwrap().submits.len()
    }

    /// Every report sent (or tried) to Kannel so far.
    pub fn reports(&self) -> Vec<Report> {
        self.inner.log.lock().unwrap().reports.clone()
    }

    /// Waits until `done(submits)` holds, or panics after `timeout` with the log.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        done: impl Fn(&[Submit]) -> bool,
    ) -> Vec<Submit> {
        let deadline = Instant::now() + timeout;
        loop {
            let log = self.log();
            if done(&log) {
                return log;
            }
            if Instant::now() >= deadline {
                panic!("fake operator: condition not met after {timeout:?}; submits: {log:#?}");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for FakeOperator {
    fn drop(&mut self) {
        self.inner.closed.store(true, Ordering::SeqCst);
        self.server.abort();
    }
}

async fn send(State(inner): State<Arc<Inner>>, uri: Uri) -> Response {
    let params = http::parse_query(uri.query().unwrap_or(""));
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_slice())
            .unwrap_or_default()
    };
    let lossy = |name: &str| String::from_utf8_lossy(param(name)).into_owned();
    let to = lossy("to");
    if to.is_empty() {
        return (StatusCode::BAD_REQUEST, "PERMFAIL no destination").into_response();
    }
    let coding: u8 = lossy("coding").parse().unwrap_or(0);
    let charset = lossy("charset");
    let text = decode_text(param("text"), coding, &charset);
    let outcome = inner.script.outcome_for(&to);

    let mut log = inner.log.lock().unwrap();
    let (answer, reports): (Answer, &[u32]) = match outcome {
        Outcome::Rejected => (Answer::PermFail, &[]),
        Outcome::TempFail { times } => {
            let failed = log.tempfails.entry(to.clone()).or_default();
            if *failed < times {
                *failed += 1;
                (Answer::TempFail, &[])
            } else {
                (accept(&mut log), &[1])
            }
        }
        Outcome::Delivered => (accept(&mut log), &[1]),
        Outcome::Failed => (accept(&mut log), &[2]),
        Outcome::Buffered => (accept(&mut log), &[4, 1]),
        Outcome::Silent => (accept(&mut log), &[]),
    };
    log.submits.push(Submit {
        to: to.clone(),
        from: lossy("from"),
        text,
        coding,
        charset,
        udh: param("udh").to_vec(),
        mask: lossy("mask").parse().ok(),
        kid: lossy("kid"),
        at: Instant::now(),
        outcome,
        answer: answer.clone(),
    });
    drop(log);

    match answer {
        Answer::Accepted { id } => {
            if !reports.is_empty() {
                tokio::spawn(report(inner.clone(), id.clone(), to, reports.to_vec()));
            }
            format!("OK {id}").into_response()
        }
        Answer::PermFail => "PERMFAIL rejected by the fake operator".into_response(),
        Answer::TempFail => "TEMPFAIL try again later".into_response(),
    }
}

fn accept(log: &mut Log) -> Answer {
    log.next_id += 1;
    // Kannel's generic-foreign-id-regex takes `[0-9a-f]+`.
    Answer::Accepted {
        id: format!("{:x}", log.next_id),
    }
}

fn decode_text(bytes: &[u8], coding: u8, charset: &str) -> String {
    if coding == 2 || charset.eq_ignore_ascii_case("UTF-16BE") {
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// Sends each report after the script's delay: `GET /?dlr-mid=&dlr-mask=&to=&dlr-err=`.
async fn report(inner: Arc<Inner>, id: String, to: String, masks: Vec<u32>) {
    for mask in masks {
        tokio::time::sleep(inner.script.delay()).await;
        if inner.closed.load(Ordering::SeqCst) {
            return;
        }
        let port = inner.callback_port.load(Ordering::SeqCst);
        let err = if mask == 2 { "001" } else { "000" };
        let url = format!(
            "http://127.0.0.1:{port}/?dlr-mid={id}&dlr-mask={mask}&to={}&dlr-err={err}",
            http::encode(&to)
        );
        let result = if port == 0 {
            Err("no Kannel to report to".to_owned())
        } else {
            send_report(&url).await
        };
        inner.log.lock().unwrap().reports.push(Report {
            id: id.clone(),
            to: to.clone(),
            mask,
            at: Instant::now(),
            result,
        });
    }
}

/// Several tries over about three seconds: under load (a whole test suite on two cores) Kannel's
/// SMSC port may refuse connections for a while, and a real operator retries its reports too.
async fn send_report(url: &str) -> Result<u16, String> {
    let mut last = String::new();
    for attempt in 0..10 {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        match http::get(url).await {
            Ok(reply) => return Ok(reply.status),
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}
