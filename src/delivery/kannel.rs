//! Kannel's smsbox `sendsms` interface: one HTTP request per message, with a delivery-report URL
//! that brings Kannel's reports back to Herald, signed.
use std::time::Duration;

use async_trait::async_trait;

use super::gateway::SmsGateway;
use super::signature::ReportSigner;
use crate::domain::delivery::{OutgoingSms, SubmitOutcome};
use crate::domain::sms::Encoding;

/// `Debug` prints the password redacted: a configuration gets logged.
#[derive(Clone)]
pub struct KannelConfig {
    /// e.g. `http://127.0.0.1:13013/cgi-bin/sendsms`
    pub sendsms_url: String,
    pub username: String,
    pub password: String,
    /// Where Kannel reaches Herald's HTTP server, e.g. `http://127.0.0.1:8080`.
    pub report_base: String,
}

impl std::fmt::Debug for KannelConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KannelConfig")
            .field("sendsms_url", &self.sendsms_url)
            .field("username", &self.username)
            .field("password", &crate::config::REDACTED)
            .field("report_base", &self.report_base)
            .finish()
    }
}

pub struct KannelGateway {
    config: KannelConfig,
    signer: ReportSigner,
    http: reqwest::Client,
}

/// Every DLR type: delivered, failed, buffered, accepted by the SMSC, rejected by the SMSC.
const DLR_MASK: &str = "31";

impl KannelGateway {
    pub fn new(
        config: KannelConfig,
        signer: ReportSigner,
    ) -> Result<KannelGateway, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .pool_max_idle_per_host(64)
            .tcp_nodelay(true)
            .no_proxy()
            .build()?;
        Ok(KannelGateway {
            config,
            signer,
            http,
        })
    }

    /// Kannel fills in `%d` (the DLR type) and `%A` (the SMSC's answer) when it calls back.
    fn report_url(&self, sms: &OutgoingSms) -> String {
        format!(
            "{}/kannel/report?d={}&a={}&s={}&type=%d&answer=%A",
            self.config.report_base.trim_end_matches('/'),
            sms.delivery,
            sms.attempt,
            self.signer.sign(sms.delivery.0, sms.attempt)
        )
    }
}

#[async_trait]
impl SmsGateway for KannelGateway {
    fn name(&self) -> &'static str {
        "kannel"
    }

    async fn submit(&self, sms: &OutgoingSms) -> SubmitOutcome {
        let coding = match sms.message.body.encoding() {
            Encoding::Gsm7 => "0",
            Encoding::Ucs2 => "2",
        };
        let report_url = self.report_url(sms);
        // reqwest encodes each value, `+` included (`%2B`: a raw `+` would become a space).
        let query = [
            ("username", self.config.username.as_str()),
            ("password", self.config.password.as_str()),
            ("from", sms.message.sender.as_str()),
            ("to", sms.to.as_e164()),
            ("text", sms.message.body.as_str()),
            ("charset", "UTF-8"),
            ("coding", coding),
            ("dlr-mask", DLR_MASK),
            ("dlr-url", report_url.as_str()),
        ];
        let response = match self
            .http
            .get(&self.config.sendsms_url)
            .query(&query)
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => return SubmitOutcome::TemporaryFailure(format!("Kannel unreachable: {e}")),
        };
        let status = response.status();
        let answer = response.text().await.unwrap_or_default();
        let answer = answer.trim();
        match status.as_u16() {
            // "0: Accepted for delivery" or "3: Queued for later delivery".
            200..=299 => SubmitOutcome::Accepted,
            // A wrong account is Herald's configuration, not the message: keep it for a retry.
            401 | 403 => {
                tracing::error!(%answer, "Kannel refused Herald's sendsms credentials");
                SubmitOutcome::TemporaryFailure(format!("Kannel refused the credentials: {answer}"))
            }
            400..=499 => SubmitOutcome::PermanentFailure(format!("Kannel refused: {answer}")),
            _ => SubmitOutcome::TemporaryFailure(format!("Kannel answered {status}: {answer}")),
        }
    }
}
