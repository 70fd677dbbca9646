//! A gateway that sends nothing: it answers and reports like a network would, with the rates of
//! a profile, so Herald can be tried with no SMS account.
use std::time::Duration;

use async_trait::async_trait;

use super::gateway::{GatewayReport, ReportSink, SmsGateway};
use crate::domain::delivery::{OutgoingSms, Report, SubmitOutcome};

/// Fractions of messages (0.0–1.0) by outcome; the rest are delivered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimulationProfile {
    /// Refused at submission for good (an unknown number).
    pub permanent_failure: f64,
    /// Accepted, then reported failed (a phone switched off): retried.
    pub temporary_failure: f64,
    /// The wait between submission and the final report.
    pub report_delay: Duration,
    /// Outcomes are drawn from this seed, the delivery id and the attempt: repeatable.
    pub seed: u64,
}

impl Default for SimulationProfile {
    fn default() -> SimulationProfile {
        SimulationProfile {
            permanent_failure: 0.01,
            temporary_failure: 0.03,
            report_delay: Duration::from_millis(500),
            seed: 0x5eed,
        }
    }
}

pub struct SimulatedGateway {
    profile: SimulationProfile,
    reports: ReportSink,
}

impl SimulatedGateway {
    pub fn new(profile: SimulationProfile, reports: ReportSink) -> SimulatedGateway {
        SimulatedGateway { profile, reports }
    }

    /// A draw in [0, 1) from the seed, the delivery and the attempt (splitmix64).
    fn draw(&self, sms: &OutgoingSms) -> f64 {
        let mut z = self
            .profile
            .seed
            .wrapping_add((sms.delivery.0 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .wrapping_add(u64::from(sms.attempt).wrapping_mul(0xD1B5_4A32_D192_ED03));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[async_trait]
impl SmsGateway for SimulatedGateway {
    fn name(&self) -> &'static str {
        "simulated"
    }

    async fn submit(&self, sms: &OutgoingSms) -> SubmitOutcome {
        let p = self.profile;
        let draw = self.draw(sms);
        if draw < p.permanent_failure {
            return SubmitOutcome::PermanentFailure("simulated: unknown subscriber".into());
        }
        let report = if draw < p.permanent_failure + p.temporary_failure {
            Report::Failed
        } else {
            Report::Delivered
        };
        let reports = self.reports.clone();
        let (delivery, attempt) = (sms.delivery, sms.attempt);
        tokio::spawn(async move {
            tokio::time::sleep(p.report_delay).await;
            // The receiver is gone only when Herald is stopping.
            let _ = reports.send(GatewayReport {
                delivery,
                attempt: Some(attempt),
                report,
            });
        });
        SubmitOutcome::Accepted
    }
}
