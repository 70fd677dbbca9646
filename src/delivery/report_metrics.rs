//! Delivery reports counted by what they said (`herald_delivery_reports_total{report}`): with
//! the submits, what the finished messages became, without counting rows.
use crate::domain::delivery::Report;

pub fn count_report(report: &Report) {
    let kind = match report {
        Report::Delivered => "delivered",
        Report::Failed => "failed",
        Report::Buffered => "buffered",
        Report::Accepted => "accepted",
        Report::Rejected { temporary: true } => "rejected_temporary",
        Report::Rejected { temporary: false } => "rejected",
        Report::UnknownNumber => "unknown_number",
    };
    metrics::counter!("herald_delivery_reports_total", "report" => kind).increment(1);
}
