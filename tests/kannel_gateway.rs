//! The Kannel harness itself: the real bearerbox and smsbox on loopback, a scripted fake
//! operator behind them, and a DLR endpoint here, checked against the table in
//! `shared/kannel.md` (which reports each outcome yields with `dlr-mask=31`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::kannel::{Answer, FakeOperator, Kannel, Outcome, Script};
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;

/// One DLR Kannel's smsbox called us with.
#[derive(Debug, Clone)]
struct Dlr {
    status: u32,
    answer: String,
    to: String,
}

/// What the endpoint heard, per id of ours.
type Heard = Arc<Mutex<BTreeMap<String, Vec<Dlr>>>>;

/// A DLR endpoint: `GET /dlr?id=ID&status=%d&answer=%A&to=%p`, recorded per id.
struct Receiver {
    base: String,
    got: Heard,
}

impl Receiver {
    async fn start() -> Receiver {
        let got: Heard = Arc::default();
        let app = Router::new()
            .route("/dlr", get(record))
            .with_state(got.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { base, got }
    }

    /// The `dlr-url` for one message of ours.
    fn url(&self, id: &str) -> String {
        format!("{}/dlr?id={id}&status=%d&answer=%A&to=%p", self.base)
    }

    fn statuses(&self, id: &str) -> Vec<u32> {
        let got = self.got.lock().unwrap();
        got.get(id)
            .map(|d| d.iter().map(|d| d.status).collect())
            .unwrap_or_default()
    }

    fn dlrs(&self, id: &str) -> Vec<Dlr> {
        self.got
            .lock()
            .unwrap()
            .get(id)
            .cloned()
            .unwrap_or_default()
    }

    /// Waits until every id has a final status (1, 2 or 16), then `settle` more for strays.
    async fn wait_final(&self, ids: &[&str], timeout: Duration, settle: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let done = ids
                .iter()
                .all(|id| self.statuses(id).iter().any(|s| [1, 2, 16].contains(s)));
            if done {
                break;
            }
            if Instant::now() >= deadline {
                panic!(
                    "no final DLR for some of {ids:?} after {timeout:?}: {:#?}",
                    self.got.lock().unwrap()
                );
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(settle).await;
    }
}

async fn record(
    State(got): State<Heard>,
    Query(q): Query<HashMap<String, String>>,
) -> &'static str {
    let dlr = Dlr {
        status: q.get("status").and_then(|s| s.parse().ok()).unwrap_or(0),
        answer: q.get("answer").cloned().unwrap_or_default(),
        to: q.get("to").cloned().unwrap_or_default(),
    };
    let id = q.get("id").cloned().unwrap_or_default();
    got.lock().unwrap().entry(id).or_default().push(dlr);
    "ok"
}

fn set(statuses: &[u32]) -> BTreeSet<u32> {
    statuses.iter().copied().collect()
}

/// Sends one message to `to` with every report to `receiver` under `id`; asserts 202.
async fn send(kannel: &Kannel, receiver: &Receiver, id: &str, to: &str, text: &str) {
    let request = kannel.sendsms(to, text).dlr(&receiver.url(id));
    assert!(request.url().contains("to=%2B"), "{}", request.url());
    let reply = request.send().await;
    assert_eq!(reply.status, 202, "sendsms {to}: {reply:?}");
    assert!(reply.body.contains("Accepted for delivery"), "{reply:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_outcome_yields_the_reports_of_the_table() {
    let operator = FakeOperator::start(Script::standard()).await;
    let kannel = Kannel::start(&operator).await;
    eprintln!("Kannel ready in {:?}", kannel.started_in());
    let receiver = Receiver::start().await;

    let cases = [
        ("delivered", "+33612340009"),
        ("rejected", "+33612340001"),
        ("tempfail", "+33612340002"),
        ("failed", "+33612340003"),
        ("buffered", "+33612340004"),
        ("silent", "+33612340005"),
    ];
    for (id, to) in cases {
        send(&kannel, &receiver, id, to, "Spring sale: -20% this weekend").await;
    }
    let finals = ["delivered", "rejected", "tempfail", "failed", "buffered"];
    // The temporary failures cost two resends, 1 s apart.
    receiver
        .wait_final(&finals, Duration::from_secs(10), Duration::from_millis(500))
        .await;

    // Reports may arrive out of order: compare sets, and check the final one came.
    assert_eq!(set(&receiver.statuses("delivered")), set(&[8, 1]));
    assert_eq!(receiver.statuses("delivered").len(), 2);
    assert_eq!(receiver.statuses("rejected"), [16]);
    assert!(
        receiver.dlrs("rejected")[0].answer.contains("PERMFAIL"),
        "{:?}",
        receiver.dlrs("rejected")
    );
    assert_eq!(set(&receiver.statuses("tempfail")), set(&[8, 1]));
    assert_eq!(receiver.statuses("tempfail").len(), 2);
    assert_eq!(set(&receiver.statuses("failed")), set(&[8, 2]));
    assert_eq!(receiver.statuses("failed").len(), 2);
    assert_eq!(set(&receiver.statuses("buffered")), set(&[8, 4, 1]));
    assert_eq!(receiver.statuses("buffered").len(), 3);
    assert_eq!(receiver.statuses("silent"), [8], "no final report, ever");
    assert_eq!(receiver.dlrs("delivered")[0].to, "+33612340009");

    // What the operator saw: one submit each, three for the temporary failure.
    for (id, to) in cases {
        let expected = if id == "tempfail" { 3 } else { 1 };
        assert_eq!(operator.submits_to(to), expected, "{id} ({to})");
    }
    assert_eq!(operator.submit_count(), 8);
    let log = operator.log();
    let tempfail: Vec<&Answer> = log
        .iter()
        .filter(|s| s.to == "+33612340002")
        .map(|s| &s.answer)
        .collect();
    assert!(matches!(
        tempfail[..],
        [Answer::TempFail, Answer::TempFail, Answer::Accepted { .. }]
    ));
    let delivered = log.iter().find(|s| s.to == "+33612340009").unwrap();
    assert_eq!(delivered.text, "Spring sale: -20% this weekend");
    assert_eq!(delivered.from, "HERALD");
    assert_eq!(delivered.mask, Some(31));
    assert_eq!(delivered.outcome, Outcome::Delivered);
    // Reports for 1 + 1 + 2 + 1 (+ 0 silent, 0 rejected) accepted messages, all taken by Kannel.
    let reports = operator.reports();
    assert_eq!(reports.len(), 5, "{reports:#?}");
    assert!(
        reports.iter().all(|r| matches!(r.result, Ok(202))),
        "{reports:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_temporary_failure_every_time_ends_in_retries_exceeded() {
    let operator = FakeOperator::start(Script::standard()).await;
    let kannel = Kannel::start(&operator).await;
    let receiver = Receiver::start().await;

    send(&kannel, &receiver, "never", "+33612340006", "Hello").await;
    // sms-resend-retry = 5, one every second.
    receiver
        .wait_final(
            &["never"],
            Duration::from_secs(15),
            Duration::from_millis(200),
        )
        .await;
    let dlrs = receiver.dlrs("never");
    assert_eq!(receiver.statuses("never"), [16], "{dlrs:?}");
    assert!(dlrs[0].answer.contains("Retries Exceeded"), "{dlrs:?}");
    let tries = operator.submits_to("+33612340006");
    assert!((5..=6).contains(&tries), "{tries} submits");
    assert!(operator.log().iter().all(|s| s.answer == Answer::TempFail));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn texts_reach_the_operator_as_sent() {
    let operator = FakeOperator::start(Script::all_delivered()).await;
    let kannel = Kannel::start(&operator).await;
    let receiver = Receiver::start().await;

    // GSM 7-bit with an accent, UCS-2 with an emoji, and a long text in two parts.
    send(
        &kannel,
        &receiver,
        "gsm",
        "+33600000011",
        "Hé, ça va? 1+1=2 & plus",
    )
    .await;
    let reply = kannel
        .sendsms("+33600000012", "Soldes 🎉 -20%")
        .param("coding", "2")
        .dlr(&receiver.url("ucs2"))
        .send()
        .await;
    assert_eq!(reply.status, 202, "{reply:?}");
    let long = "Spring sale ".repeat(20); // 240 GSM characters: two parts of up to 153.
    send(&kannel, &receiver, "long", "+33600000013", &long).await;
    receiver
        .wait_final(
            &["gsm", "ucs2", "long"],
            Duration::from_secs(5),
            Duration::from_millis(200),
        )
        .await;

    let log = operator.log();
    let gsm = log.iter().find(|s| s.to == "+33600000011").unwrap();
    // GSM 03.38 has no lower-case ç: Kannel sends Ç.
    assert_eq!(gsm.text, "Hé, Ça va? 1+1=2 & plus");
    assert_eq!(gsm.coding, 0);
    let ucs2 = log.iter().find(|s| s.to == "+33600000012").unwrap();
    assert_eq!((ucs2.coding, ucs2.text.as_str()), (2, "Soldes 🎉 -20%"));
    let parts: Vec<_> = log.iter().filter(|s| s.to == "+33600000013").collect();
    assert_eq!(parts.len(), 2, "{parts:#?}");
    assert!(parts.iter().all(|p| !p.udh.is_empty()));
    let mut joined: Vec<_> = parts
        .iter()
        .map(|p| (p.udh.clone(), p.text.clone()))
        .collect();
    joined.sort();
    assert_eq!(
        joined.iter().map(|(_, t)| t.as_str()).collect::<String>(),
        long
    );
    // One set of reports for the logical message.
    assert_eq!(set(&receiver.statuses("long")), set(&[8, 1]));

    // Wrong password: refused, nothing sent.
    let reply = kannel
        .sendsms("+33600000014", "x")
        .param("password", "wrong")
        .send()
        .await;
    assert_eq!(reply.status, 403, "{reply:?}");
    assert_eq!(operator.submits_to("+33600000014"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_outcomes_follow_the_script() {
    let mix = [(0.2, Outcome::Rejected), (0.2, Outcome::Failed)];
    let script = Script::all_delivered()
        .random(42, &mix)
        .report_delay(Duration::from_millis(5));
    let operator = FakeOperator::start(script.clone()).await;
    let kannel = Kannel::start(&operator).await;
    let receiver = Arc::new(Receiver::start().await);

    let numbers: Vec<String> = (0..60)
        .map(|i| format!("+336{:08}", 20_000_000 + i))
        .collect();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, to) in numbers.iter().enumerate() {
        let request = kannel
            .sendsms(to, "Load")
            .dlr(&receiver.url(&i.to_string()));
        tasks.spawn(async move { request.send().await });
    }
    while let Some(reply) = tasks.join_next().await {
        assert_eq!(reply.unwrap().status, 202);
    }
    let ids: Vec<String> = (0..numbers.len()).map(|i| i.to_string()).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    receiver
        .wait_final(&ids, Duration::from_secs(10), Duration::from_millis(100))
        .await;

    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, to) in numbers.iter().enumerate() {
        let statuses = receiver.statuses(&i.to_string());
        let (name, expected) = match script.outcome_for(to) {
            Outcome::Delivered => ("delivered", set(&[8, 1])),
            Outcome::Rejected => ("rejected", set(&[16])),
            Outcome::Failed => ("failed", set(&[8, 2])),
            other => panic!("not in the mix: {other:?}"),
        };
        assert_eq!(set(&statuses), expected, "{to}: {statuses:?}");
        *seen.entry(name).or_default() += 1;
        assert_eq!(operator.submits_to(to), 1, "{to}");
    }
    // All three outcomes occur, in roughly the scripted proportions.
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen["delivered"] > seen["rejected"], "{seen:?}");
}

#[test]
fn random_fractions_are_close_and_repeatable() {
    let script =
        Script::all_delivered().random(7, &[(0.1, Outcome::Rejected), (0.2, Outcome::Silent)]);
    let outcomes: Vec<Outcome> = (0..10_000)
        .map(|i| script.outcome_for(&format!("+3361{i:07}")))
        .collect();
    let count = |o| outcomes.iter().filter(|x| **x == o).count();
    assert!((900..1100).contains(&count(Outcome::Rejected)));
    assert!((1850..2150).contains(&count(Outcome::Silent)));
    let again =
        Script::all_delivered().random(7, &[(0.1, Outcome::Rejected), (0.2, Outcome::Silent)]);
    assert!((0..10_000).all(|i| {
        let to = format!("+3361{i:07}");
        again.outcome_for(&to) == outcomes[i]
    }));
    // Suffix rules come first.
    let script = Script::standard().random(7, &[(1.0, Outcome::Silent)]);
    assert_eq!(script.outcome_for("+33612340001"), Outcome::Rejected);
    assert_eq!(script.outcome_for("+33612340009"), Outcome::Silent);
}

/// What bills is what the gateway sends: Herald's segment count for a body must be the number of
/// parts Kannel hands the operator. Emoji sequences (families joined by ZWJ, flags, skin tones)
/// and escape characters are placed across the part boundaries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn herald_counts_the_parts_kannel_sends() {
    use herald::delivery::{KannelConfig, KannelGateway, ReportSigner, SmsGateway};
    use herald::domain::delivery::{Message, OutgoingSms, SubmitOutcome};
    use herald::domain::phone::PhoneNumber;
    use herald::domain::sender::SenderId;
    use herald::domain::sms::SmsBody;

    let operator = FakeOperator::start(Script::all_delivered()).await;
    let kannel = Kannel::start(&operator).await;
    let receiver = Receiver::start().await;
    let gateway = KannelGateway::new(
        KannelConfig {
            sendsms_url: kannel.sendsms_url(),
            username: kannel.username().to_owned(),
            password: kannel.password().to_owned(),
            report_base: receiver.base.clone(),
        },
        ReportSigner::new(b"parts"),
    )
    .unwrap();
    let family = "👨\u{200d}👩\u{200d}👧\u{200d}👦"; // 11 UTF-16 units, one grapheme
    let flag = "🇫🇷"; // 4 units
    let thumbs = "👍🏽"; // 4 units
    let mut bodies: Vec<String> = Vec::new();
    for filler in 60..=72 {
        for emoji in [family, flag, thumbs, "😀"] {
            bodies.push(format!("{}{emoji} STOP", "ê".repeat(filler)));
        }
    }
    for filler in [130, 131, 132, 133, 134, 135, 200, 201, 202] {
        bodies.push(format!("{}{family}{family}", "ê".repeat(filler)));
    }
    for filler in [150, 151, 152, 153, 154, 305, 306] {
        bodies.push(format!("{}€€ STOP", "a".repeat(filler)));
    }
    // Where the ways of counting part: a surrogate pair across the 67-unit boundary (cut, it
    // takes 2 parts; kept whole, 3), and a family across it (kept whole as one grapheme it
    // would take 3 parts; cut, 2).
    let straddling_pair = format!("{}😀{}", "ê".repeat(66), "ê".repeat(66));
    let straddling_family = format!("{}{family}{}", "ê".repeat(60), "ê".repeat(62));
    // And a GSM escape pair (€) across the 153-septet boundary: split, 2 parts; kept, 3.
    let straddling_escape = format!("{}€{}", "a".repeat(152), "a".repeat(152));
    bodies.push(straddling_pair.clone());
    bodies.push(straddling_family.clone());
    bodies.push(straddling_escape.clone());
    let mut expected = Vec::new();
    for (i, text) in bodies.iter().enumerate() {
        let body = SmsBody::parse(text).unwrap();
        let to = format!("+336{:08}", 30_000_000 + i);
        let sms = OutgoingSms {
            delivery: herald::domain::ids::DeliveryId(i as i64),
            attempt: 1,
            to: PhoneNumber::from_e164(&to).unwrap(),
            message: std::sync::Arc::new(Message {
                body: body.clone(),
                sender: SenderId::parse("MaBoutique").unwrap(),
            }),
        };
        assert!(
            matches!(gateway.submit(&sms).await, SubmitOutcome::Accepted),
            "{text}"
        );
        expected.push((to, body.segments() as usize, text.clone()));
    }
    // Every message reached the operator, whatever its parts, once each number has a submit
    // and the log has stopped growing.
    let numbers: BTreeSet<&str> = expected.iter().map(|(to, ..)| to.as_str()).collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = 0;
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let log = operator.log();
        let reached: BTreeSet<&str> = log.iter().map(|s| s.to.as_str()).collect();
        if numbers.iter().all(|n| reached.contains(n)) && log.len() == seen {
            break;
        }
        seen = log.len();
        assert!(Instant::now() < deadline, "{seen} submits so far");
    }
    let mut wrong = Vec::new();
    for (to, herald, text) in &expected {
        let kannel = operator.submits_to(to);
        if kannel != *herald {
            wrong.push(format!(
                "{} UTF-16 units: Herald {herald}, Kannel {kannel}: {text:?}",
                text.encode_utf16().count()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {}:\n{}",
        wrong.len(),
        expected.len(),
        wrong.join("\n")
    );
    // Kannel cuts UCS-2 every 134 octets, surrogate pairs and families included, but keeps a
    // GSM escape pair whole; Herald counts the same (a calculator that keeps graphemes whole
    // says one part more for the family).
    let parts_of = |text: &str| {
        let (to, ..) = expected.iter().find(|(.., t)| t == text).unwrap();
        operator.submits_to(to)
    };
    assert_eq!(parts_of(&straddling_pair), 2);
    assert_eq!(parts_of(&straddling_family), 2);
    assert_eq!(parts_of(&straddling_escape), 3);
}
