//! One account: its settings, balance and ledger, campaigns and their outcomes, refusals and
//! opt-out count, each list paginated.
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::super::extract::{Id, Params};
use crate::app::console::ModeratorSession;
use crate::domain::ids::AccountId;
use crate::english;

use super::super::views::{AccountCampaignRow, AccountLedgerRow, AccountPage, Nav};
use super::super::{Console, ConsoleError, format, words};
use super::render;

#[derive(Debug, Default, Deserialize)]
pub struct AccountQuery {
    /// Ledger lines older than this one.
    ledger_before: Option<i64>,
    /// The campaigns' page, from 1.
    campaigns: Option<u32>,
}

pub async fn show(
    State(console): State<Console>,
    Extension(session): Extension<ModeratorSession>,
    Id(account): Id<u64>,
    Params(query): Params<AccountQuery>,
) -> Result<Response, ConsoleError> {
    let id = AccountId(account);
    let o = console
        .app
        .account_overview(id, query.ledger_before, query.campaigns.unwrap_or(1))
        .await?;
    let a = &o.account;
    let or_none = |v: Option<String>| v.unwrap_or_else(|| "none".to_owned());
    let settings = vec![
        ("Region", a.region.to_string()),
        ("Time zone", a.zone.name().to_owned()),
        (
            "Sender",
            or_none(a.sender.as_ref().map(|s| s.as_str().to_owned())),
        ),
        (
            "Short code",
            or_none(a.short_code.as_ref().map(|c| c.as_str().to_owned())),
        ),
        ("Opt-out mention", or_none(a.opt_out_text.clone())),
        (
            "Sending role",
            or_none(a.send_role.map(|r| format!("Discord role {}", r.0))),
        ),
        (
            "Replies channel",
            or_none(
                a.replies_channel
                    .map(|c| format!("Discord channel {}", c.0)),
            ),
        ),
        (
            "Short links expire after",
            format!("{} days", a.link_expiry.as_days()),
        ),
    ];
    let ledger = o
        .ledger
        .iter()
        .map(|l| AccountLedgerRow {
            at: format::utc(l.at),
            kind: english::ledger_kind(l.kind),
            amount: l.amount.0,
            campaign: l.campaign.map(|(c, v)| (c.0, v)),
            reason: l.reason.clone().unwrap_or_default(),
            available_after: l.balance_after.available.0,
        })
        .collect();
    let campaigns = o
        .campaigns
        .iter()
        .map(|(c, counts)| AccountCampaignRow {
            id: c.id.0,
            name: c.name.to_string(),
            state: words::state_words(c.state),
            version: c.submission.as_ref().map_or(0, |s| s.version),
            cost: c.submission.as_ref().map_or(0, |s| s.cost.0),
            outcome: counts
                .as_ref()
                .map(|n| {
                    format!(
                        "{} delivered, {} bounced, {} not sent, {} to go",
                        n.delivered,
                        n.bounced,
                        n.skipped + n.stopped + n.outside_hours,
                        n.pending + n.submitted + n.retrying
                    )
                })
                .unwrap_or_default(),
        })
        .collect();
    let refusals = o
        .refusals
        .iter()
        .map(|r| {
            (
                format::utc(r.at),
                english::actor(&r.actor),
                r.detail.clone(),
            )
        })
        .collect();
    let base = format!("/accounts/{}", account);
    render(&AccountPage {
        nav: Nav::new(&session, "accounts"),
        id: account,
        name: a.name.clone(),
        settings,
        auto_validation: a.auto_validation,
        available: o.balance.available.0,
        reserved: o.balance.reserved.0,
        opt_outs: o.opt_outs,
        ledger,
        ledger_next: o
            .ledger_next
            .map(|before| format!("{base}?ledger_before={before}")),
        campaigns,
        campaigns_prev: (o.campaigns_page > 1)
            .then(|| format!("{base}?campaigns={}", o.campaigns_page - 1)),
        campaigns_next: o
            .campaigns_more
            .then(|| format!("{base}?campaigns={}", o.campaigns_page + 1)),
        refusals,
    })
}
