//! What a campaign did, recipient by recipient: a results file streamed from the store, and the
//! figures that sum it up.
use std::collections::BTreeMap;
use std::io::Write;

use chrono::SecondsFormat;

use crate::domain::campaign::{Campaign, CampaignError};
use crate::domain::credits::{Credits, LedgerKind};
use crate::domain::delivery::DeliveryCounts;
use crate::domain::ids::CampaignId;
use crate::domain::personal::split_values;
use crate::domain::results::{Outcome, RecipientResult};

use super::{App, AppError, Requester};

/// Rows read per query: the file is written as they come, so memory stays flat.
const PAGE: u32 = 10_000;

/// A version's results summed up.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ResultsSummary {
    pub campaign: String,
    pub version: u32,
    pub recipients: u64,
    pub counts: DeliveryCounts,
    /// Bounces by what the gateway or the network said, most first.
    pub bounced_by_reason: Vec<(String, u64)>,
    /// Taps on short links by people, and how many recipients tapped at least once.
    pub clicks: u64,
    pub clickers: u64,
    pub cost: Credits,
    pub debited: Credits,
    pub refunded: Credits,
}

impl App {
    /// Writes the results of the campaign's latest version as CSV (phone, its merge fields,
    /// outcome, reason, attempts, first submission, final report; times in UTC, RFC 3339) and
    /// returns their summary.
    #[tracing::instrument(skip_all, fields(server = who.account.0, campaign = name))]
    pub async fn export_results<W: Write>(
        &self,
        who: Requester,
        name: &str,
        out: W,
    ) -> Result<ResultsSummary, AppError> {
        let campaign = self.campaign_named(who.account, name).await?;
        self.results_of(&campaign, out).await
    }

    /// [`export_results`](Self::export_results) for the console, by id.
    #[tracing::instrument(skip_all, fields(campaign = campaign.0))]
    pub async fn export_results_by_id<W: Write>(
        &self,
        campaign: CampaignId,
        out: W,
    ) -> Result<ResultsSummary, AppError> {
        let found = self
            .store
            .campaign_by_id(campaign)
            .await?
            .ok_or_else(|| AppError::UnknownCampaign(format!("#{}", campaign.0)))?;
        self.results_of(&found, out).await
    }

    async fn results_of<W: Write>(
        &self,
        campaign: &Campaign,
        out: W,
    ) -> Result<ResultsSummary, AppError> {
        let submission = campaign
            .submission
            .as_ref()
            .filter(|s| s.started_at.is_some())
            .ok_or(CampaignError::NotSentYet)?;
        let columns = self.store.list_columns(submission.recipients.id).await?;
        let mut csv = csv::Writer::from_writer(out);
        let mut header = vec!["phone"];
        header.extend(columns.names().iter().map(|c| c.as_str()));
        header.extend([
            "outcome",
            "reason",
            "attempts",
            "first_submitted_at",
            "final_report_at",
            "clicks",
            "replies",
            "answers",
        ]);
        csv.write_record(&header).map_err(AppError::internal)?;
        let mut counts = DeliveryCounts::default();
        let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
        let mut recipients = 0;
        let (mut clicks, mut clickers) = (0, 0);
        let mut after = 0;
        let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
            t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
                .unwrap_or_default()
        };
        loop {
            let page = self
                .store
                .recipient_results(campaign.id, submission.version, after, PAGE)
                .await?;
            let Some((last, _)) = page.last() else { break };
            after = *last;
            for (_, r) in &page {
                recipients += 1;
                clicks += r.clicks;
                clickers += u64::from(r.clicks > 0);
                counts.add(r.status, 1);
                if r.left_out {
                    counts.left_out += 1;
                }
                let outcome = Outcome::of(r);
                if outcome == Outcome::Bounced {
                    *reasons.entry(reason(r)).or_default() += 1;
                }
                let mut record: Vec<String> = vec![r.phone.clone()];
                let values = split_values(r.fields.as_deref());
                for i in 0..columns.names().len() {
                    record.push(values.get(i).copied().unwrap_or("").to_owned());
                }
                record.extend([
                    outcome.code().to_owned(),
                    reason(r),
                    r.attempts.to_string(),
                    time(r.first_submitted_at),
                    time(r.finished_at),
                    r.clicks.to_string(),
                    r.replies.to_string(),
                    r.answers.to_string(),
                ]);
                csv.write_record(&record).map_err(AppError::internal)?;
            }
        }
        csv.flush().map_err(AppError::internal)?;
        let mut bounced_by_reason: Vec<(String, u64)> = reasons.into_iter().collect();
        bounced_by_reason.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let refunded = self
            .store
            .campaign_ledger(campaign.id)
            .await?
            .iter()
            .filter(|l| {
                l.kind == LedgerKind::Refund
                    && l.campaign == Some((campaign.id, submission.version))
            })
            .map(|l| l.amount.0)
            .sum();
        Ok(ResultsSummary {
            campaign: campaign.name.to_string(),
            version: submission.version,
            recipients,
            counts,
            bounced_by_reason,
            clicks,
            clickers,
            cost: submission.cost,
            debited: submission.debited,
            refunded: Credits(refunded),
        })
    }
}

/// Why a recipient bounced or was not sent, as stored; empty for the others.
fn reason(r: &RecipientResult) -> String {
    match Outcome::of(r) {
        // The outcome says it all for these.
        Outcome::Delivered | Outcome::Sending | Outcome::OptedOut => String::new(),
        _ => r.error.clone().unwrap_or_default(),
    }
}
