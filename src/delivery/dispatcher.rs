//! Claims due attempts in batches and hands them to the gateway, at most `rate` per second and
//! `in_flight` at a time; applies the reports that come back; closes attempts left unanswered.
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use super::gateway::{GatewayReport, SmsGateway};
use crate::app::App;
use crate::domain::delivery::{OutgoingSms, SubmitOutcome};
use crate::domain::phone::PhoneNumber;
use crate::ops::Vitals;
use crate::store::DeliveryJob;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DispatcherConfig {
    /// Messages per second handed to the gateway; `None`: as fast as it takes them.
    pub rate: Option<u32>,
    pub batch: u32,
    pub in_flight: usize,
    /// How long to wait before looking again when nothing was due.
    pub idle_poll: Duration,
}

impl Default for DispatcherConfig {
    fn default() -> DispatcherConfig {
        DispatcherConfig {
            rate: None,
            batch: 500,
            in_flight: 64,
            idle_poll: Duration::from_millis(200),
        }
    }
}

pub struct Dispatcher {
    app: App,
    gateway: Arc<dyn SmsGateway>,
    config: DispatcherConfig,
    vitals: Option<Arc<Vitals>>,
    metrics: SendMetrics,
}

/// The dispatcher's metrics, registered once: recording through a handle costs no lookup per
/// message.
#[derive(Clone)]
struct SendMetrics {
    submit_seconds: metrics::Histogram,
    accepted: metrics::Counter,
    temporary_failure: metrics::Counter,
    permanent_failure: metrics::Counter,
}

impl SendMetrics {
    fn register() -> SendMetrics {
        let submits = |outcome: &'static str| metrics::counter!("herald_gateway_submits_total", "outcome" => outcome);
        SendMetrics {
            submit_seconds: metrics::histogram!("herald_gateway_submit_seconds"),
            accepted: submits("accepted"),
            temporary_failure: submits("temporary_failure"),
            permanent_failure: submits("permanent_failure"),
        }
    }
}

impl Dispatcher {
    pub fn new(app: App, gateway: Arc<dyn SmsGateway>, config: DispatcherConfig) -> Dispatcher {
        Dispatcher {
            app,
            gateway,
            config,
            vitals: None,
            metrics: SendMetrics::register(),
        }
    }

    /// Tells `vitals` each time the gateway takes a message (readiness).
    pub fn with_vitals(mut self, vitals: Arc<Vitals>) -> Dispatcher {
        self.vitals = Some(vitals);
        self
    }

    /// Runs until `shutdown` completes: it then claims nothing more, and the attempts in
    /// flight finish (handed over and recorded, or left to their report timeout if the caller
    /// stops waiting). Claimed attempts not yet handed over wait out their lease.
    pub async fn run(
        self,
        mut reports: mpsc::UnboundedReceiver<GatewayReport>,
        shutdown: impl Future<Output = ()>,
    ) {
        let app = self.app.clone();
        let report_task = tokio::spawn(async move {
            while let Some(r) = reports.recv().await {
                match app.delivery_report(r.delivery, r.attempt, &r.report).await {
                    Ok(crate::app::ReportEffect::Applied) => {
                        super::report_metrics::count_report(&r.report);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(delivery = r.delivery.0, error = %e, "delivery report not applied");
                    }
                }
            }
        });
        self.send_loop(shutdown).await;
        report_task.abort();
    }

    async fn send_loop(&self, shutdown: impl Future<Output = ()>) {
        let slots = Arc::new(Semaphore::new(self.config.in_flight));
        let mut pace = self.config.rate.map(|r| {
            let mut t = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(r.max(1))));
            t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            t
        });
        // Claiming runs ahead of sending, one batch deep, so the gateway never waits for a
        // claim (on SQLite a claim queues behind delivery-report writes).
        let batch = self
            .config
            .rate
            .map_or(self.config.batch, |r| r.min(self.config.batch));
        let (claimed, mut to_send) = mpsc::channel::<DeliveryJob>(batch as usize);
        let claimer = tokio::spawn(claim_loop(
            self.app.clone(),
            batch,
            self.config.idle_poll,
            claimed,
        ));
        let mut running = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            let job = tokio::select! {
                biased;
                () = &mut shutdown => break,
                job = to_send.recv() => match job {
                    Some(job) => job,
                    None => break,
                },
            };
            if let Some(pace) = pace.as_mut() {
                pace.tick().await;
            }
            let Ok(slot) = slots.clone().acquire_owned().await else {
                break;
            };
            let (app, gateway, vitals, metrics) = (
                self.app.clone(),
                self.gateway.clone(),
                self.vitals.clone(),
                self.metrics.clone(),
            );
            running.spawn(async move {
                send_one(&app, gateway.as_ref(), &job, vitals.as_deref(), &metrics).await;
                drop(slot);
            });
            while running.try_join_next().is_some() {}
        }
        // Stopping: nothing more is claimed; what is in flight finishes.
        claimer.abort();
        while running.try_join_next().is_some() {}
        let in_flight = running.len();
        if in_flight > 0 {
            tracing::info!(in_flight, "finishing the messages in flight");
        }
        while running.join_next().await.is_some() {}
    }
}

/// Closes unanswered attempts and claims due ones, handing them to the sender. Claims no more
/// than about a second's worth at a time (`batch`): what is claimed and not yet sent when the
/// process dies waits out its lease before it goes again.
async fn claim_loop(app: App, batch: u32, idle_poll: Duration, claimed: mpsc::Sender<DeliveryJob>) {
    loop {
        if let Err(e) = app.sweep_overdue(batch).await {
            tracing::warn!(error = %e, "could not close unanswered attempts");
        }
        let jobs = match app.claim_deliveries(batch).await {
            Ok(jobs) => jobs,
            Err(e) => {
                tracing::warn!(error = %e, "could not claim deliveries");
                Vec::new()
            }
        };
        if jobs.is_empty() {
            tokio::time::sleep(idle_poll).await;
            continue;
        }
        for job in jobs {
            if claimed.send(job).await.is_err() {
                return;
            }
        }
    }
}

async fn send_one(
    app: &App,
    gateway: &dyn SmsGateway,
    job: &DeliveryJob,
    vitals: Option<&Vitals>,
    metrics: &SendMetrics,
) {
    // Claimed long ago (a slow gateway, a full queue): its window is decided again first.
    match app.hand_over(job).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            // It stays claimed, and goes again (inside its window) once its lease runs out.
            tracing::warn!(delivery = job.id.0, error = %e, "late attempt not given back");
            return;
        }
    }
    let outcome = match outgoing(job) {
        Ok(sms) => {
            let started = std::time::Instant::now();
            let outcome = gateway.submit(&sms).await;
            metrics
                .submit_seconds
                .record(started.elapsed().as_secs_f64());
            match &outcome {
                SubmitOutcome::Accepted => {
                    if let Some(vitals) = vitals {
                        vitals.gateway_answered();
                    }
                    metrics.accepted.increment(1);
                }
                SubmitOutcome::TemporaryFailure(_) => metrics.temporary_failure.increment(1),
                SubmitOutcome::PermanentFailure(_) => metrics.permanent_failure.increment(1),
            }
            outcome
        }
        Err(unreadable) => {
            tracing::error!(delivery = job.id.0, "{unreadable}");
            SubmitOutcome::PermanentFailure(unreadable.into())
        }
    };
    if let Err(e) = app.delivery_submitted(job, &outcome).await {
        // The attempt stays 'submitted' and is closed when its wait runs out.
        tracing::warn!(delivery = job.id.0, error = %e, "gateway answer not recorded");
    }
}

/// The stored message, read back through the domain's types before it leaves; what can't be
/// read fails this message for good (the number itself is not logged).
fn outgoing(job: &DeliveryJob) -> Result<OutgoingSms, &'static str> {
    Ok(OutgoingSms {
        delivery: job.id,
        attempt: job.attempt,
        to: PhoneNumber::from_e164(&job.phone)
            .map_err(|_| "the stored phone number is not in E.164 form")?,
        message: job
            .message
            .clone()
            .ok_or("the stored text or sender can't be read back")?,
    })
}
